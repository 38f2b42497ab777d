/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_icmp6_err.h: ICMPv6 errors toward the guest (issue 15), the IPv6
 * twin of sl_icmp_err.h: hop limit expiry of forwarded datagrams, and the
 * errors the host's sockets report for IPv6 datagram flows (theory in
 * sl_icmp6_err.c).
 */
#ifndef SL_ICMP6_ERR_H
#define SL_ICMP6_ERR_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_host.h"
#include "sl_io.h"
#include "sl_net.h"

#define SL_ICMP6_DEST_UNREACH	1
#define SL_ICMP6_PKT_TOO_BIG	2
#define SL_ICMP6_TIME_EXCEEDED	3
#define SL_ICMP6_PARAM_PROBLEM	4
#define SL_ICMP6_ERR_MAX	1280	/* an error fits the IPv6 minimum MTU */

/**
 * sl_icmp6_err_to_guest - send an ICMPv6 error toward the guest: @type,
 * @code, the 32-bit field @rest, quoting @qlen bytes of @quote (an IPv6
 * packet, at least its fixed header; cut so that the error fits 1280
 * bytes and the link), to the quoted packet's source, from @src (NULL:
 * the gateway, link-local for a link-local guest address). Counted in
 * icmp_err_tx.
 * Return: 0, or -1 (counted: drop_icmp6, drop_nomem).
 */
int sl_icmp6_err_to_guest(struct sl_worker *w, const uint8_t *src,
	uint8_t type, uint8_t code, uint32_t rest, const uint8_t *quote,
	uint32_t qlen);

/**
 * sl_icmp6_err_hop - the hop limit of guest IPv6 datagram @p to forward:
 * 1 or 0 means time exceeded goes back quoting it (ttl_expired) and it is
 * not sent; any other leaves decremented, in *@hop (0 for one addressed
 * to sluice itself: nothing forwarded).
 * Return: true when it expired.
 */
bool sl_icmp6_err_hop(struct sl_worker *w, const struct sl_pkt *p,
	uint8_t *hop);

/**
 * sl_icmp6_err_relay - send the guest the ICMPv6 error that host report
 * @e about IPv6 datagram flow @f (UDP or ICMP echo) stands for, quoting
 * the @plen bytes of its datagram the host kept (@pl); sl_icmp_err_drain
 * reads the reports of both families.
 * Return: false when the report stands for no error sluice relays.
 */
bool sl_icmp6_err_relay(struct sl_worker *w, struct sl_flow *f,
	const struct sl_host_dgerr *e, const uint8_t *pl, uint32_t plen);

#endif /* SL_ICMP6_ERR_H */
