/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_icmp6.h: ICMPv6 on the guest link: neighbour discovery for the
 * gateway's addresses (RFC 4861), router advertisements with the prefix,
 * MTU and DNS server (RFC 4861, 4862, 8106) and echo to the gateway's
 * addresses. Theory of operation in sl_icmp6.c.
 */
#ifndef SL_ICMP6_H
#define SL_ICMP6_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_io.h"
#include "sl_net.h"

#define SL_RA_INTERVAL_MS	30000	/* unsolicited RAs, after the first */
#define SL_RA_FAST_MS		3000	/* the first SL_RA_FAST ones */
#define SL_RA_FAST		3
#define SL_RA_MIN_GAP_MS	200	/* solicited RAs, at most one per */
#define SL_RA_ROUTER_LIFETIME	9000	/* seconds (RFC 4861's maximum) */
#define SL_RA_RDNSS_LIFETIME	600	/* seconds */

/** A worker's ICMPv6 state (w->icmp6). */
struct sl_icmp6 {
	uint64_t next_ra_ms;	/**< next unsolicited RA (queue 0) */
	uint64_t last_ra_ms;	/**< last RA sent */
	uint32_t link_gen;	/**< sl_neigh_link_gen when last announced */
	uint8_t fast_left;	/**< fast RAs still to send */
	bool started;
};

/**
 * sl_icmp6_input - a guest ICMPv6 message (the by_ip6 entry of
 * IPPROTO_ICMPV6): NS, NA, RS answered or learned from, echo to the
 * gateway's addresses answered; everything else counted.
 * Return: true when the mbuf was kept (the echo reply reuses it).
 */
bool sl_icmp6_input(struct sl_worker *w, const struct sl_pkt *p);

/**
 * sl_icmp6_is_ours - whether IPv6 address @a is one sluice answers for on
 * the guest link: the gateway's link-local, --gateway6 or --dns6.
 */
bool sl_icmp6_is_ours(const struct sl_worker *w, const uint8_t *a);

/**
 * sl_icmp6_send_ra - send a router advertisement to all nodes (ff02::1):
 * flags M=0 O=1, the prefix (on-link, autonomous), the link MTU, the DNS
 * server (RDNSS) and the gateway's MAC.
 * Return: 0, or -1 (no mbuf, counted).
 */
int sl_icmp6_send_ra(struct sl_worker *w);

/** ICMPv6 in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_icmp6_proto;

#endif /* SL_ICMP6_H */
