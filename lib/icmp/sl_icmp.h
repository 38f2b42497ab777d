/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_icmp.h: ICMP echo: answered locally for the gateway and DNS addresses,
 * relayed through host ICMP (ping) sockets for everything else.
 */
#ifndef SL_ICMP_H
#define SL_ICMP_H

#include "sl_io.h"
#include "sl_net.h"

/**
 * sl_icmp_input - handle a guest ICMP message.
 * Return: true when the mbuf was kept (reused for the local reply, or held
 * for the batched send to the host).
 */
bool sl_icmp_input(struct sl_worker *w, const struct sl_pkt *p);

/** sl_icmp_host_event - read echo replies from a flow's host socket. */
void sl_icmp_host_event(struct sl_worker *w, struct sl_flow *f,
	uint32_t events);

/** sl_icmp_timer - idle expiry. */
void sl_icmp_timer(struct sl_worker *w, struct sl_flow *f);

/**
 * sl_icmp6_echo_input - relay a guest ICMPv6 echo request (type checked
 * by the caller) to a destination other than the gateway's addresses,
 * through a host ICMPv6 ping socket (sl_icmp6_echo.c). Hop limit 1 or 0:
 * time exceeded back instead.
 * Return: true when the mbuf was kept (held for the batched send).
 */
bool sl_icmp6_echo_input(struct sl_worker *w, const struct sl_pkt *p);

/**
 * sl_icmp6_echo_deliver - one message from an ICMPv6 echo flow's host
 * socket (payload-only mbuf @m, @n bytes): an echo reply goes to the
 * guest from the destination with the guest's echo id; consumes @m.
 */
void sl_icmp6_echo_deliver(struct sl_worker *w, struct sl_flow *f,
	struct rte_mbuf *m, size_t n);

/**
 * sl_icmp6_err_drain - read the error queue of an ICMPv6 echo flow's
 * socket; each report is counted in icmp_err_ignored.
 */
void sl_icmp6_err_drain(struct sl_worker *w, struct sl_flow *f);

/**
 * sl_icmp6_err_to_guest - send an ICMPv6 error toward the guest: @type,
 * @code, the 32-bit field @rest, quoting @qlen bytes of @quote (an IPv6
 * packet, at least its fixed header; cut to fit 1280 bytes and the
 * link), to the quoted packet's source, from @src (NULL: the gateway's
 * address, link-local for a link-local guest address). Counted in
 * icmp_err_tx. Return: 0, or -1 (counted).
 */
int sl_icmp6_err_to_guest(struct sl_worker *w, const uint8_t *src,
	uint8_t type, uint8_t code, uint32_t rest, const uint8_t *quote,
	uint32_t qlen);

/** ICMP in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_icmp_proto;

#endif /* SL_ICMP_H */
