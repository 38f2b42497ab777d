/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_icmp.c: ICMP echo. Pings to the gateway or DNS address are answered
 * here by turning the request mbuf into the reply. Pings elsewhere go out
 * through one host ICMP socket per (destination, echo id); the kernel picks
 * the echo id on the wire, and replies get the guest's id back. Requests
 * and replies move in batches, with the datagram code UDP shares (lib/dgram).
 * ICMPv6 echo flows are ICMP flows of the IPv6 family (sl_icmp6_echo.c).
 */
#include <errno.h>
#include <string.h>

#include <rte_icmp.h>

#include "sl_dgflow.h"
#include "sl_dgram.h"
#include "sl_frag.h"
#include "sl_icmp.h"
#include "sl_icmp_err.h"
#include "sl_neigh.h"
#include "sl_policy.h"
#include "sl_proto.h"


/**
 * echo_local - answer an echo request addressed to sluice in place.
 * Return: true (the mbuf now is the reply, queued for tx).
 */
static bool
echo_local(struct sl_worker *w, const struct sl_pkt *p)
{
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)p->l4;
	struct rte_ipv4_hdr *ip = p->ip;
	struct rte_ether_addr tmp;
	uint32_t a;

	rte_ether_addr_copy(&p->eth->src_addr, &tmp);
	rte_ether_addr_copy(&w->gw_mac, &p->eth->src_addr);
	rte_ether_addr_copy(&tmp, &p->eth->dst_addr);
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	p->m->l2_len = p->l3_off;
	p->m->l3_len = p->l4_off - p->l3_off;
	p->m->ol_flags = 0;
	sl_net_l4_cksum(p->m);
	SL_STAT_INC(w->stats, icmp_echo_local);
	sl_frag_tx_dgram(w, p->m);
	return true;
}

bool
sl_icmp_input(struct sl_worker *w, const struct sl_pkt *p)
{
	const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)p->l4;
	struct sl_flow_key key;
	union sl_sockaddr sa;
	struct sl_flow *f;
	uint8_t ttl;
	int rc;

	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || ic->icmp_code != 0) {
		SL_STAT_INC(w->stats, drop_icmp);
		return false;
	}
	/* the reply is as long as the request: fragmented if the link toward
	 * the guest is shorter (rx may accept longer frames) */
	if (p->ip->dst_addr == w->cfg->gateway ||
	    p->ip->dst_addr == w->cfg->dns)
		return echo_local(w, p);
	if (sl_icmp_err_ttl(w, p, &ttl))
		return false;	/* time exceeded sent */
	rc = sl_map_dst(w->cfg, IPPROTO_ICMP, p->ip->dst_addr, 0, &sa);
	if (rc == -EACCES) {
		SL_STAT_INC(w->stats, drop_denied);
		return false;
	}
	if (rc != 0) {
		SL_STAT_INC(w->stats, drop_icmp);
		return false;
	}
	key = sl_flow_key_make(IPPROTO_ICMP, p->ip->src_addr, ic->icmp_ident,
		p->ip->dst_addr, 0);
	f = sl_flow_find(w, p, &key);
	if (f == NULL) {
		f = sl_dgram_flow_open(w, &key, SL_HOST_ICMP, &sa);
		if (f == NULL)
			return false;
	}
	sl_dgflow_of(w, f)->ttl = p->ip->time_to_live;
	/* sent with the burst's other datagrams for this socket */
	sl_dgram_queue(w, f, p->m, p->l4_off, p->l4_len, ttl);
	return true;
}

/**
 * icmp_deliver - one host ICMP message of a flow: an echo reply goes to
 * the guest with the guest's echo id back in place.
 */
static void
icmp_deliver(struct sl_worker *w, struct sl_flow *f, struct rte_mbuf *m,
	size_t n)
{
	struct rte_icmp_hdr *ic;

	if (f->key.family == AF_INET6) {
		sl_icmp6_echo_deliver(w, f, m, n);
		return;
	}
	if (n < sizeof(*ic) || rte_pktmbuf_data_len(m) < sizeof(*ic)) {
		rte_pktmbuf_free(m);
		return;
	}
	ic = rte_pktmbuf_mtod(m, struct rte_icmp_hdr *);
	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REPLY) {
		rte_pktmbuf_free(m);
		return;
	}
	ic->icmp_ident = f->key.gport;
	if (sl_net_prepend_ipv4(m, &w->gw_mac, NULL,
	    f->key.daddr, f->key.gaddr, IPPROTO_ICMP) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_icmp);
		return;
	}
	sl_net_l4_cksum(m);
	SL_STAT_INC(w->stats, icmp_replies);
	sl_neigh_tx(w, m, f->key.gaddr);
}

void
sl_icmp_host_event(struct sl_worker *w, struct sl_flow *f, uint32_t events)
{
	if (events & SL_HOST_EV_ERR)
		sl_icmp_err_drain(w, f);
	sl_dgram_drain(w, f, icmp_deliver);
}

void
sl_icmp_timer(struct sl_worker *w, struct sl_flow *f)
{
	sl_dgram_timer(w, f);
}

/** ICMP in the protocol table: echo flows (datagram flows, lib/dgram). */
const struct sl_proto sl_icmp_proto = {
	.name = "icmp",
	.ip_proto = IPPROTO_ICMP,
	.input = sl_icmp_input,
	.host_event = sl_icmp_host_event,
	.timer = sl_icmp_timer,
	.flow_free = sl_dgram_flow_free,
};
