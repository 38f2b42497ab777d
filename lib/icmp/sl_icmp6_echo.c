/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_icmp6_echo.c: the ICMPv6 echo relay (issue 15), IPv4 echo's twin
 * (sl_icmp.c). An echo request from the guest to an address that is not
 * the gateway's (those are answered by lib/icmp6) goes out through one
 * host ICMPv6 ping socket (socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6),
 * allowed by net.ipv4.ping_group_range as the IPv4 ones) per (guest
 * address, echo id, destination): an ICMP datagram flow of the IPv6
 * family. The kernel picks the echo id on the wire and computes the
 * checksum; a reply gets the guest's id back, an IPv6 header from the
 * destination to the guest and the ICMPv6 checksum over the pseudo-header,
 * and leaves through sl_neigh_tx6.
 *
 * Hop limit as IPv4's TTL (sl_icmp_err.c): a request arriving with hop
 * limit 1 (or 0) is not sent; ICMPv6 time exceeded (RFC 4443 3.3, code 0)
 * goes back from the gateway address quoting it. Any other hop limit is
 * decremented and travels with the request (IPV6_HOPLIMIT on the send).
 * The destination goes through sl_map_dst6 (--allow/--deny; the IPv6
 * gateway reaches ::1 with --host-loopback; a v4-mapped destination or
 * one the host cannot reach is dropped, drop_icmp6).
 *
 * Errors the ping socket's queue reports (IPV6_RECVERR) go to the guest
 * as ICMPv6 errors (lib/dgram/sl_icmp6_err.c).
 */
#include <errno.h>
#include <string.h>

#include <rte_icmp.h>

#include "sl_dgflow.h"
#include "sl_dgram.h"
#include "sl_host.h"
#include "sl_icmp.h"
#include "sl_icmp6_err.h"
#include "sl_neigh.h"
#include "sl_net6.h"
#include "sl_policy.h"

#define ICMP6_HDR_LEN		8
#define ICMP6_HOP_LIMIT		64	/* hop limit of the relayed replies */

bool
sl_icmp6_echo_input(struct sl_worker *w, const struct sl_pkt *p)
{
	const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)p->l4;
	struct sl_addr g, d;
	struct sl_flow_key key;
	union sl_sockaddr sa;
	struct sl_flow *f;
	uint8_t hop;
	int rc;

	if (p->l4_len < ICMP6_HDR_LEN || ic->icmp_code != 0) {
		SL_STAT_INC(w->stats, drop_icmp6);
		return false;
	}
	if (sl_icmp6_err_hop(w, p, &hop))
		return false;	/* time exceeded sent */
	memcpy(g.b, p->ip6->src_addr, 16);
	memcpy(d.b, p->ip6->dst_addr, 16);
	rc = sl_map_dst6(w->cfg, IPPROTO_ICMPV6, &d, 0, &sa);
	if (rc == -EACCES) {
		SL_STAT_INC(w->stats, drop_denied);
		return false;
	}
	if (rc != 0 || sa.sa.sa_family != AF_INET6) {
		/* unreachable from the host, or an IPv4 host (v4-mapped):
		 * an ICMPv6 echo cannot go out of an IPv4 ping socket */
		SL_STAT_INC(w->stats, drop_icmp6);
		return false;
	}
	key = sl_flow_key_make6(IPPROTO_ICMP, &g, ic->icmp_ident, &d, 0);
	f = sl_flow_find(w, p, &key);
	if (f == NULL) {
		f = sl_dgram_flow_open(w, &key, SL_HOST_ICMP, &sa);
		if (f == NULL)
			return false;
	}
	sl_dgflow_of(w, f)->ttl = p->ip6->hop_limits;
	/* extension headers stay behind: the socket sends the message */
	sl_dgram_queue(w, f, p->m, p->l4_off, p->l4_len, hop);
	return true;
}

void
sl_icmp6_echo_deliver(struct sl_worker *w, struct sl_flow *f,
	struct rte_mbuf *m, size_t n)
{
	struct rte_icmp_hdr *ic;

	if (n < sizeof(*ic) || rte_pktmbuf_data_len(m) < sizeof(*ic)) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_icmp6);
		return;
	}
	ic = rte_pktmbuf_mtod(m, struct rte_icmp_hdr *);
	if (ic->icmp_type != SL_ICMP6_ECHO_REPLY) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_icmp6);
		return;
	}
	ic->icmp_ident = f->key.gport;
	ic->icmp_cksum = 0;
	/* longer than the link toward the guest: in fragments (sl_frag6.c,
	 * through sl_neigh_tx6) */
	if (sl_net_prepend_ipv6(m, &w->gw_mac, NULL, f->key.dip.b,
	    f->key.gip.b, IPPROTO_ICMPV6, ICMP6_HOP_LIMIT) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_icmp6);
		return;
	}
	sl_net6_l4_cksum(m);
	SL_STAT_INC(w->stats, icmp_replies);
	sl_neigh_tx6(w, m, f->key.gip.b);
}
