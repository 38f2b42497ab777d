/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_udp.c: the UDP relay (the datagram machinery it shares with ICMP echo
 * is lib/dgram: sl_dgram.c). Each guest 5-tuple gets one host UDP socket
 * connected to the (mapped) destination, so only that peer's replies come
 * back, as from a port-restricted NAT. DNS is the same mechanism with the
 * destination mapped to the forwarder (sl_map_dst, lib/policy). Flows
 * expire after cfg->udp_timeout_s without traffic in either direction;
 * DNS flows end once answered, and at --max-dgram-flows the idlest flow
 * makes room (sl_dgflow.c). The guest's TTL less one goes with each
 * datagram; errors the host reports for them come back as ICMP errors
 * (sl_icmp_err.c).
 *
 * udp_send_calls and udp_recv_calls count the host calls UDP made, next to
 * the datagrams they carried (udp_to_host, udp_to_guest).
 */
#include <errno.h>
#include <string.h>

#include <rte_udp.h>

#include "sl_dgflow.h"
#include "sl_dgram.h"
#include "sl_fwd_guest.h"
#include "sl_icmp_err.h"
#include "sl_neigh.h"
#include "sl_net6.h"
#include "sl_policy.h"
#include "sl_proto.h"
#include "sl_udp.h"

bool
sl_udp_input(struct sl_worker *w, const struct sl_pkt *p)
{
	const struct rte_udp_hdr *uh = (const struct rte_udp_hdr *)p->l4;
	struct sl_flow_key key;
	union sl_sockaddr sa;
	struct sl_flow *f;
	uint8_t ttl;

	if (likely(p->ip != NULL)) {
		if (sl_icmp_err_ttl(w, p, &ttl))
			return false;	/* time exceeded sent */
	} else {
		ttl = 0;	/* IPv6: the host's default hop limit */
	}
	key = sl_pkt_key(p, IPPROTO_UDP, uh->src_port, uh->dst_port);
	f = sl_flow_find(w, p, &key);
	if (f == NULL) {
		int rc = likely(key.family == AF_INET) ?
			sl_map_dst(w->cfg, IPPROTO_UDP, key.daddr, key.dport,
			&sa) : sl_map_dst6(w->cfg, IPPROTO_UDP, &key.dip,
			key.dport, &sa);

		if (rc != 0) {
			if (rc == -EACCES)
				SL_STAT_INC(w->stats, drop_denied);
			else
				SL_STAT_INC(w->stats, drop_udp);
			return false;
		}
		f = sl_dgram_flow_open(w, &key, SL_HOST_UDP, &sa);
		if (f == NULL)
			return false;
	}
	sl_dgflow_of(w, f)->ttl = p->ip != NULL ? p->ip->time_to_live :
		p->ip6->hop_limits;
	if (uh->dst_port == RTE_BE16(SL_DNS_PORT))
		sl_dgflow_dns_query(w, f, p->m, p->pay_off, p->pay_len);
	sl_dgram_queue(w, f, p->m, p->pay_off, p->pay_len, ttl);
	return true;
}

int
sl_udp_to_guest(struct sl_worker *w, struct rte_mbuf *m, uint32_t daddr,
	uint32_t saddr, uint16_t sport, uint16_t dport)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct rte_udp_hdr *uh;

	if (len + sizeof(*uh) + sizeof(struct rte_ipv4_hdr) > UINT16_MAX) {
		SL_STAT_INC(w->stats, drop_udp);
		rte_pktmbuf_free(m);
		return -1;
	}
	uh = (struct rte_udp_hdr *)rte_pktmbuf_prepend(m, sizeof(*uh));
	if (uh == NULL) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return -1;
	}
	uh->src_port = sport;
	uh->dst_port = dport;
	uh->dgram_len = rte_cpu_to_be_16((uint16_t)(len + sizeof(*uh)));
	uh->dgram_cksum = 0;
	if (sl_net_prepend_ipv4(m, &w->gw_mac, NULL, saddr, daddr,
	    IPPROTO_UDP) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return -1;
	}
	sl_net_l4_cksum(m);
	sl_neigh_tx(w, m, daddr);
	return 0;
}

int
sl_udp_to_guest6(struct sl_worker *w, struct rte_mbuf *m, const uint8_t *daddr,
	const uint8_t *saddr, uint16_t sport, uint16_t dport)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct rte_udp_hdr *uh;

	if (len + sizeof(*uh) > UINT16_MAX) {
		/* past the IPv6 payload length; longer than the link toward
		 * the guest goes in fragments (sl_frag6.c) */
		SL_STAT_INC(w->stats, drop_udp6_too_big);
		rte_pktmbuf_free(m);
		return -1;
	}
	uh = (struct rte_udp_hdr *)rte_pktmbuf_prepend(m, sizeof(*uh));
	if (uh == NULL || sl_net_prepend_ipv6(m, &w->gw_mac, NULL, saddr,
	    daddr, IPPROTO_UDP, SL_UDP6_HOP_LIMIT) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return -1;
	}
	uh = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
		m->l2_len + m->l3_len);
	uh->src_port = sport;
	uh->dst_port = dport;
	uh->dgram_len = rte_cpu_to_be_16((uint16_t)(len + sizeof(*uh)));
	uh->dgram_cksum = 0;
	sl_net6_l4_cksum(m);
	sl_neigh_tx6(w, m, daddr);
	return 0;
}

/** udp_send_flow - payload @m to the guest as a datagram of flow @f. */
static void
udp_send_flow(struct sl_worker *w, struct sl_flow *f, struct rte_mbuf *m)
{
	if ((likely(f->key.family == AF_INET) ?
	    sl_udp_to_guest(w, m, f->key.gaddr, f->key.daddr, f->key.dport,
	    f->key.gport) : sl_udp_to_guest6(w, m, f->key.gip.b,
	    f->key.dip.b, f->key.dport, f->key.gport)) == 0)
		SL_STAT_INC(w->stats, udp_to_guest);
}

/** udp_deliver - one host datagram of a UDP flow to the guest. */
static void
udp_deliver(struct sl_worker *w, struct sl_flow *f, struct rte_mbuf *m,
	size_t n)
{
	(void)n;
	if (f->key.dport == RTE_BE16(SL_DNS_PORT))
		sl_dgflow_dns_answer(w, f, m);
	udp_send_flow(w, f, m);
}

void
sl_udp_host_event(struct sl_worker *w, struct sl_flow *f, uint32_t events)
{
	if (events & SL_HOST_EV_ERR)
		sl_icmp_err_drain(w, f);
	sl_dgram_drain(w, f, udp_deliver);
	sl_dgflow_end_if_done(w, f);
}

/**
 * inbound_one - one datagram a forward's listener received: find or make
 * its inbound flow and relay it to the guest host, over the family and
 * from the source sl_fwd_guest_key picks (the client's own address or the
 * gateway's; the client's port either way).
 * @w: worker
 * @spec: the forward
 * @gport: guest port (network order)
 * @lhd: the listener
 * @m: payload-only mbuf (consumed)
 * @peer: the datagram's source
 */
static void
inbound_one(struct sl_worker *w, const struct sl_fwd_spec *spec,
	uint16_t gport, int lhd, struct rte_mbuf *m,
	const union sl_sockaddr *peer)
{
	uint32_t n = rte_pktmbuf_pkt_len(m);
	struct sl_flow_key key;
	struct sl_flow *f;

	if (sl_fwd_guest_key(w, spec, IPPROTO_UDP, gport, peer, &key,
	    NULL) != 0) {
		rte_pktmbuf_free(m);	/* counted: no IPv6 address known */
		return;
	}
	f = sl_flow_lookup(&w->ft, &key);
	if (f != NULL && (!sl_sockaddr_same(&f->host_dst, peer, false) ||
	    !f->inbound)) {
		/* same port from another peer: not distinguishable */
		SL_STAT_INC(w->stats, drop_udp);
		rte_pktmbuf_free(m);
		return;
	}
	if (f == NULL) {
		if (!sl_dgflow_admit(w)) {
			rte_pktmbuf_free(m);
			return;
		}
		f = sl_flow_add(&w->ft, &key, w->now_ms);
		if (f == NULL) {
			SL_STAT_INC(w->stats, drop_flow_limit);
			rte_pktmbuf_free(m);
			return;
		}
		f->hd = lhd;
		f->inbound = true;
		f->host_dst = *peer;
		sl_dgflow_opened(w, f);
		sl_timer_arm(&w->wheel, &f->timer, w->now_ms +
			sl_dgflow_timeout_ms(w, f));
		SL_STAT_INC(w->stats, flows_opened);
	}
	sl_dgflow_touch(w, f);
	f->bytes_to_guest += n;
	udp_send_flow(w, f, m);
}

void
sl_udp_inbound(struct sl_worker *w, const struct sl_fwd_spec *spec,
	unsigned int off, int lhd)
{
	uint16_t gport = rte_cpu_to_be_16((uint16_t)(spec->guest_lo + off));
	union sl_sockaddr peer[SL_DGRAM_RECV_BATCH];
	struct rte_mbuf *m[SL_DGRAM_RECV_BATCH];
	unsigned int got = 0;

	while (got < SL_DGRAM_READ_BUDGET) {
		unsigned int asked = w->dgram->dg_in_batch != 0 ?
			w->dgram->dg_in_batch : SL_DGRAM_RECV_MIN;
		int i, n = sl_dgram_recv(w, lhd, m, peer, IPPROTO_UDP, asked);

		w->dgram->dg_in_batch = (uint8_t)sl_dgram_batch_next(asked, n);
		if (n < 0)
			return;
		for (i = 0; i < n; i++)
			if (m[i] != NULL)
				inbound_one(w, spec, gport, lhd, m[i],
					&peer[i]);
		got += (unsigned int)n;
		if ((unsigned int)n < asked)
			return;
	}
}

void
sl_udp_forward_closed(struct sl_worker *w, int lhd)
{
	uint32_t i;

	for (i = 0; i < w->ft.max; i++) {
		struct sl_flow *f = &w->ft.flows[i];

		if (f->in_use && f->inbound && f->proto == IPPROTO_UDP &&
		    f->hd == lhd)
			sl_worker_free_flow(w, f, false);
	}
}

void
sl_udp_timer(struct sl_worker *w, struct sl_flow *f)
{
	sl_dgram_timer(w, f);
}

/**
 * UDP in the protocol table: datagram flows, their batching (burst end),
 * the forwards' datagrams (listen).
 */
const struct sl_proto sl_udp_proto = {
	.name = "udp",
	.ip_proto = IPPROTO_UDP,
	.ip6_proto = IPPROTO_UDP,
	.init = sl_dgram_init,
	.drain = sl_dgram_fini,
	.input = sl_udp_input,
	.burst_end = sl_dgram_burst_end,
	.host_event = sl_udp_host_event,
	.listen = sl_udp_inbound,
	.timer = sl_udp_timer,
	.flow_free = sl_dgram_flow_free,
};
