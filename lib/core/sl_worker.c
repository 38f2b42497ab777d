/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_worker.c: the poll loop and the classifier. Neither names a protocol:
 * the modules are reached through the worker's protocol table (sl_proto.h),
 * a list handed down from above (lib/relay) whose order is the order of
 * the calls of one kind.
 *
 * Theory of operation (the poll loop): each worker lcore runs
 * sl_worker_poll() in a loop, run to completion:
 *   1. rx burst from its port queue (a net_af_packet queue's from its
 *      virtio-net rx socket instead, sl_vrx.c; from a port whose kernel
 *      ring drops what it cannot hold, net_af_packet, and that steers no
 *      frames for other queues: more bursts while they come full,
 *      SL_RX_RING_BURSTS at most; on such a port queue 0's worker first
 *      reads the guest's SYNs and pure ACKs from the port's header ring,
 *      sl_hdring.c, SL_HDR_BURSTS bursts at most); then the iter_start
 *      hooks (control requests, then the neighbours' poll), the tx burst of
 *      the backlog, the tx_resume hooks (TCP flows that waited for tx
 *      room);
 *   2. classify each frame (sl_net_parse, IP fragments reassembled first
 *      by the reassemble hook, sl_frag.c) and hand it to one module: by
 *      ethertype (ARP), by the one claimed UDP port (DHCP's server port,
 *      before the source check), else by IP protocol (by_ip[], one lookup:
 *      TCP, UDP, ICMP), once the learn hook (lib/neigh) has seen the
 *      source MAC of the guest's IPv4 frame and found its source a host
 *      of the port (else drop_ip_src); IPv6 frames likewise by next
 *      header (by_ip6[]: ICMPv6; the claimed UDP port: DHCPv6's).
 *      TCP groups the burst's segments per flow and, at the
 *      end of the burst (the burst_end hooks, TCP's before UDP's), writes
 *      each flow's in-order data to its host socket in one writev and emits
 *      at most one ACK/window update per flow; UDP and ICMP echo hold the
 *      burst's datagrams and send each host socket's share with one sendmmsg
 *      at the end of the burst (sl_dgram_burst_end); then the rx_end hooks
 *      (reassembly's expiry), burst or not;
 *   3. collect host socket readiness without waiting (epoll, timeout 0:
 *      after an iteration whose poll found events, else only every
 *      host_poll_every-th iteration, so that a worker spinning while its
 *      flows wait pays one system call in that many, host_poll_due) and
 *      let each flow's module (host_event, by the flow's IP protocol) read
 *      from the host and build guest frames (datagram sockets: recvmmsg
 *      batches); a handle that is no flow goes to the special_event hook
 *      (a forward's listener, lib/fwd, which hands it to the listen hook of
 *      its protocol);
 *   4. advance the timer wheel (retransmits, probes, idle expiry: the
 *      timer hook of the flow's protocol); then the iter_end hooks (TCP's
 *      ACKs). When the rx burst came full, more guest frames wait in the
 *      port, the guest's ACKs among them (a worker that fell behind,
 *      descheduled on a loaded host or given thousands of frames at once,
 *      reads them SL_BURST at a time): w->rx_behind says so, and TCP holds
 *      its due retransmissions (RTO, tail-loss probe) until a burst that
 *      is not full, SL_TIMER_DEFER_MS at most, instead of resending what
 *      the guest has (sl_tcp_timer.c);
 *   5. one tx burst for every frame produced in the iteration (sl_io.c).
 * Frames the port's tx burst does not take stay queued, in order (the tx
 * backlog), and go first in the next iteration: a frame refused locally is
 * never lost. Flows produce data frames only while the queue has room for
 * them (sl_tx_room, which keeps SL_TX_RESERVE slots for ACKs and control
 * frames), so output follows what the port takes; a TCP flow that finds
 * no room waits in line and gets its turn first in the next iteration
 * (sl_tcp_tx_resume, before the host events), so one bulk flow cannot
 * starve others.
 * Nothing in an iteration waits: host sockets are non-blocking and their
 * readiness is polled with timeout 0 (the one sleep, sl_worker_idle_wait, is
 * the caller's, between iterations, with --idle-sleep on). What an iteration
 * allocates is mbufs (the port's pools; the fragmenter's indirect pool,
 * sl_frag.c); the flow table, the reassembly table, the datagram and TCP
 * retransmit state and the neighbour holds (a fixed number of held mbufs)
 * are sized by sl_worker_init (the protocols' init hooks). The exceptions
 * are rare and bounded: the kernel host grows its descriptor table
 * (doubling) when a socket gets a higher descriptor than it has seen, and
 * allocates its raw ICMP buffer on first use (kernel.c); a forward added
 * through the control ring allocates its listener table (sl_fwd_add); the
 * worker frees a control request whose requester has given up
 * (sl_ctl_req_put). State shared with the port's other workers: the
 * neighbour table (one atomic word per entry, sl_neigh.c) and the steering
 * rings (sl_steer.c); counters are written only by their worker and read
 * atomically by telemetry.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_icmp.h>
#include <rte_udp.h>

#include "sl_hdring.h"
#include "sl_io.h"
#include "sl_log.h"
#include "sl_net.h"
#include "sl_net6.h"
#include "sl_proto.h"
#include "sl_steer.h"
#include "sl_vrx.h"
#include "sl_vtx.h"
#include "sl_worker.h"

/**
 * port_tx_burst - send frames on the worker's queue; on a multi-queue
 * port through the steering code (sl_steer_tx). Return: frames taken.
 */
static uint16_t
port_tx_burst(struct sl_worker *w, struct rte_mbuf **m, uint16_t n)
{
	if (w->vtx != NULL) {
		uint64_t bad = 0;
		uint16_t k = sl_vtx_send(w->vtx, m, n, &bad);

		if (bad > 0)
			SL_STAT_ADD(w->stats, drop_tx_vnet, bad);
		return k;
	}
	if (w->steer != NULL)
		return sl_steer_tx(w, m, n);
	return rte_eth_tx_burst(w->port_id, w->queue_id, m, n);
}

/**
 * proto_register - enter the worker's protocol list in the classifier's
 * tables and gather the per-iteration hooks, in the list's order.
 * Return: 0, or -EINVAL for a list too long or two claims of one slot.
 */
static int
proto_register(struct sl_worker *w)
{
	struct sl_proto_calls *c = &w->calls;
	unsigned int i;

	if (w->nb_protos > SL_PROTO_MAX)
		return -EINVAL;
	for (i = 0; i < w->nb_protos; i++) {
		const struct sl_proto *p = w->protos[i];

		if ((p->ip_proto != 0 && w->by_ip[p->ip_proto] != NULL) ||
		    (p->ip6_proto != 0 && w->by_ip6[p->ip6_proto] != NULL) ||
		    (p->ether_type != 0 && w->by_ether != NULL) ||
		    (p->udp_port != 0 && w->by_udp_port != NULL) ||
		    (p->udp6_port != 0 && w->by_udp6_port != NULL) ||
		    (p->reassemble != NULL && w->defrag != NULL) ||
		    (p->learn != NULL && w->link != NULL) ||
		    (p->special_event != NULL && w->special != NULL))
			return -EINVAL;
		if (p->ip_proto != 0)
			w->by_ip[p->ip_proto] = p;
		if (p->ip6_proto != 0)
			w->by_ip6[p->ip6_proto] = p;
		if (p->ether_type != 0)
			w->by_ether = p;
		if (p->udp_port != 0) {
			w->by_udp_port = p;
			w->udp_claim = rte_cpu_to_be_16(p->udp_port);
		}
		if (p->udp6_port != 0) {
			w->by_udp6_port = p;
			w->udp6_claim = rte_cpu_to_be_16(p->udp6_port);
		}
		if (p->reassemble != NULL)
			w->defrag = p;
		if (p->learn != NULL)
			w->link = p;
		if (p->special_event != NULL)
			w->special = p;
		if (p->iter_start != NULL)
			c->iter_start[c->n_iter_start++] = p->iter_start;
		if (p->tx_resume != NULL)
			c->tx_resume[c->n_tx_resume++] = p->tx_resume;
		if (p->burst_end != NULL)
			c->burst_end[c->n_burst_end++] = p->burst_end;
		if (p->rx_end != NULL)
			c->rx_end[c->n_rx_end++] = p->rx_end;
		if (p->iter_end != NULL)
			c->iter_end[c->n_iter_end++] = p->iter_end;
	}
	return 0;
}

/**
 * proto_teardown - the teardown hooks of the first @n protocols, in
 * reverse order: an init that failed half-way (the failing protocol's
 * included, as teardown hooks are safe on what a failed init left).
 */
static void
proto_teardown(struct sl_worker *w, unsigned int n)
{
	unsigned int i;

	for (i = n; i-- > 0;) {
		const struct sl_proto *p = w->protos[i];

		if (p->close != NULL)
			p->close(w);
		if (p->drain != NULL)
			p->drain(w);
		if (p->fini != NULL)
			p->fini(w);
	}
}

int
sl_worker_init(struct sl_worker *w, const struct sl_config *cfg,
	struct rte_mempool *mp, struct sl_host *host)
{
	char name[RTE_HASH_NAMESIZE];
	int rc;

	w->cfg = cfg;
	w->mp = mp;
	w->host = host;
	if (host != NULL) {
		host->outbound_addr = cfg->outbound_addr;
		host->outbound_addr6 = cfg->outbound_addr6;
	}
	if (w->tx_burst == NULL)
		w->tx_burst = port_tx_burst;
	w->hz_ms = rte_get_timer_hz() / 1000;
	if (w->hz_ms == 0)
		w->hz_ms = 1;
	if (w->manual_clock && w->now_ms == 0)
		w->now_ms = 1000;
	if (w->mtu == 0)
		w->mtu = RTE_ETHER_MTU;
	if (w->tx_mtu == 0 || w->tx_mtu > w->mtu)
		w->tx_mtu = w->mtu;
	/* a quarter of the pool stays for the rx ring, ACKs and control
	 * frames: TCP buffering stops there (backpressure, not loss) */
	if (w->mbuf_reserve == 0)
		w->mbuf_reserve = mp->size / 4;
	if (w->rx_mp == NULL)
		w->rx_mp = mp;
	if (w->rx_reserve == 0)
		w->rx_reserve = w->rx_mp == mp ? w->mbuf_reserve :
			w->rx_mp->size / 4;
	if (w->seg_room == 0)
		w->seg_room = rte_pktmbuf_data_room_size(mp) -
			RTE_PKTMBUF_HEADROOM;
	if (w->pay_mp != NULL && w->pay_room == 0)
		w->pay_room = (uint16_t)(rte_pktmbuf_data_room_size(w->pay_mp) -
			RTE_PKTMBUF_HEADROOM);
	w->tx_data_max = SL_TX_MAX - SL_TX_RESERVE;
	if (w->rx_ring_frames > 0)
		w->tx_data_max = (uint16_t)RTE_MAX(RTE_MIN(w->rx_ring_frames / 2,
			(uint32_t)w->tx_data_max), 1u);
	/* 52:55 + gateway address, as QEMU's user network does */
	w->gw_mac.addr_bytes[0] = 0x52;
	w->gw_mac.addr_bytes[1] = 0x55;
	memcpy(&w->gw_mac.addr_bytes[2], &cfg->gateway, 4);
	sl_net6_link_local(w->gw_ll6, &w->gw_mac);
	sl_worker_clock(w);
	rc = proto_register(w);
	if (rc != 0)
		return rc;
	sl_wheel_init(&w->wheel, w->now_ms);
	snprintf(name, sizeof(name), "slft%u_%x", w->id,
		(unsigned int)((uintptr_t)w >> 6));
	rc = sl_flow_table_init(&w->ft, cfg->max_flows, name,
		(int)rte_socket_id());
	if (rc != 0)
		return rc;
	for (w->nb_protos_up = 0; w->nb_protos_up < w->nb_protos;
	     w->nb_protos_up++) {
		const struct sl_proto *p = w->protos[w->nb_protos_up];

		rc = p->init != NULL ? p->init(w) : 0;
		if (rc != 0) {
			proto_teardown(w, w->nb_protos_up + 1);
			w->nb_protos_up = 0;
			sl_flow_table_fini(&w->ft);
			return rc;
		}
	}
	return 0;
}

void
sl_worker_free_flow(struct sl_worker *w, struct sl_flow *f, bool abort)
{
	const struct sl_proto *p;

	if (!f->in_use)
		return;
	p = w->by_ip[f->proto];
	if (p != NULL && p->flow_free != NULL)
		p->flow_free(w, f);
	sl_timer_cancel(&w->wheel, &f->timer);
	/* inbound UDP flows share their forward's listener: not theirs */
	if (f->hd >= 0 && !(f->inbound && f->proto == IPPROTO_UDP))
		sl_host_close(w->host, f->hd, abort);
	f->hd = -1;
	sl_flow_del(&w->ft, f);
	SL_STAT_INC(w->stats, flows_closed);
}

/** tx_discard - free the frames the port never took (shutdown). */
static void
tx_discard(struct sl_worker *w)
{
	SL_STAT_ADD(w->stats, tx_dropped, w->n_tx);
	rte_pktmbuf_free_bulk(w->tx, w->n_tx);
	w->n_tx = 0;
}

void
sl_worker_socket_fail(struct sl_worker *w, const char *what, int err)
{
	SL_STAT_INC(w->stats, host_socket_fail);
	if (w->sockfail_log_ms != 0 && w->now_ms < w->sockfail_log_ms + 1000) {
		w->sockfail_quiet++;
		return;
	}
	SL_LOG(APP, WARNING, "worker %u: cannot open a host %s socket: %s; "
		"the guest's flow is refused (counter host_socket_fail; %u "
		"more since the last such line)%s\n", w->id, what,
		strerror(-err), w->sockfail_quiet,
		err == -EMFILE ? "; see the descriptor limit in /sluice/info "
		"(fd_limit, fd_flows_max)" : "");
	w->sockfail_log_ms = w->now_ms != 0 ? w->now_ms : 1;
	w->sockfail_quiet = 0;
}

void
sl_worker_fini(struct sl_worker *w)
{
	unsigned int n = w->nb_protos_up;
	uint32_t i;

	/* the protocols' hooks in list order: close (flows live; every
	 * protocol's, as it is safe before init), drain (flows freed), fini
	 * (the tx queue emptied) */
	for (i = 0; i < w->nb_protos; i++)
		if (w->protos[i]->close != NULL)
			w->protos[i]->close(w);
	if (w->ft.flows == NULL)
		return;
	for (i = 0; i < w->ft.max; i++)
		if (w->ft.flows[i].in_use)
			sl_worker_free_flow(w, &w->ft.flows[i], false);
	for (i = 0; i < n; i++)
		if (w->protos[i]->drain != NULL)
			w->protos[i]->drain(w);
	sl_worker_flush(w);
	tx_discard(w);
	for (i = 0; i < n; i++)
		if (w->protos[i]->fini != NULL)
			w->protos[i]->fini(w);
	w->nb_protos_up = 0;
	sl_flow_table_fini(&w->ft);
	if (w->host != NULL) {
		sl_host_destroy(w->host);
		w->host = NULL;
	}
}

/**
 * classify_ipv4 - route one parsed IPv4 frame to its protocol module.
 * Return: true when the module kept the mbuf.
 */
static bool
classify_ipv4(struct sl_worker *w, struct sl_pkt *p)
{
	const struct sl_config *cfg = w->cfg;
	uint32_t src = p->ip->src_addr, dst = p->ip->dst_addr;
	const struct sl_proto *pr;

	if (p->proto == IPPROTO_UDP &&
	    ((const struct rte_udp_hdr *)p->l4)->dst_port == w->udp_claim &&
	    w->by_udp_port != NULL)
		return w->by_udp_port->input(w, p);
	/* the neighbours (lib/neigh) know the port's hosts */
	if (likely(w->link != NULL) ? !w->link->learn(w, src,
	    &p->eth->src_addr, rte_pktmbuf_pkt_len(p->m)) :
	    src != cfg->guest_addr) {
		SL_STAT_INC(w->stats, drop_ip_src);
		return false;
	}
	if (sl_net_is_bcast(dst, cfg->gateway, cfg->prefix_len)) {
		SL_STAT_INC(w->stats, drop_ip_bcast);
		return false;
	}
	pr = w->by_ip[p->proto];
	return pr != NULL && pr->input != NULL && pr->input(w, p);
}

/**
 * src6_ok - whether @a may be the source of a guest IPv6 frame: a
 * link-local address, or one in the guest prefix.
 */
static inline bool
src6_ok(const struct sl_config *cfg, const uint8_t *a)
{
	return sl_net6_is_ll(a) || memcmp(a, cfg->prefix6, 8) == 0;
}

/**
 * classify_ipv6 - route one parsed IPv6 frame to its protocol module (by
 * next header, by_ip6), once the learn6 hook has seen its source MAC. The
 * unspecified source (duplicate address detection) is ICMPv6's only.
 * Return: true when the module kept the mbuf.
 */
static bool
classify_ipv6(struct sl_worker *w, struct sl_pkt *p)
{
	const struct sl_config *cfg = w->cfg;
	const uint8_t *src = p->ip6->src_addr;
	const struct sl_proto *pr;
	struct sl_addr dst;

	if (unlikely(!cfg->ipv6)) {
		SL_STAT_INC(w->stats, drop_ethertype);
		return false;
	}
	if (sl_net6_is_unspec(src)) {
		if (p->proto != IPPROTO_ICMPV6) {
			SL_STAT_INC(w->stats, drop_ip6_src);
			return false;
		}
	} else if (!src6_ok(cfg, src)) {
		SL_STAT_INC(w->stats, drop_ip6_src);
		return false;
	} else if (likely(w->link != NULL && w->link->learn6 != NULL)) {
		w->link->learn6(w, src, &p->eth->src_addr,
			rte_pktmbuf_pkt_len(p->m));
	}
	if (p->proto == IPPROTO_UDP && w->by_udp6_port != NULL &&
	    ((const struct rte_udp_hdr *)p->l4)->dst_port == w->udp6_claim)
		return w->by_udp6_port->input(w, p);
	if (sl_net6_is_mcast(p->ip6->dst_addr) &&
	    p->proto != IPPROTO_ICMPV6) {
		SL_STAT_INC(w->stats, drop_ip_bcast);
		return false;
	}
	memcpy(dst.b, p->ip6->dst_addr, sizeof(dst.b));
	if (unlikely(sl_addr_is_v4(&dst))) {
		/* ::ffff:a.b.c.d would make an IPv4 flow of an IPv6 frame */
		SL_STAT_INC(w->stats, drop_ip6_dst);
		return false;
	}
	pr = w->by_ip6[p->proto];
	if (pr == NULL || pr->input == NULL) {
		if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP)
			SL_STAT_INC(w->stats, drop_ip6_l4_unsupported);
		else
			SL_STAT_INC(w->stats, drop_l4_proto);
		return false;
	}
	return pr->input(w, p);
}

/**
 * pkt_key - the flow key of a parsed guest frame (TCP, UDP, ICMP echo).
 * Return: true when the frame belongs to a flow.
 */
static bool
pkt_key(const struct sl_pkt *p, struct sl_flow_key *k)
{
	const struct rte_udp_hdr *uh = (const struct rte_udp_hdr *)p->l4;

	if (p->ip == NULL) {
		if (p->ip6 == NULL ||
		    (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP))
			return false;
		*k = sl_pkt_key(p, p->proto, uh->src_port, uh->dst_port);
		return true;
	}
	switch (p->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		/* TCP and UDP headers start with the same two ports */
		*k = sl_flow_key_make(p->proto, p->ip->src_addr, uh->src_port,
			p->ip->dst_addr, uh->dst_port);
		return true;
	case IPPROTO_ICMP:
		*k = sl_flow_key_make(IPPROTO_ICMP, p->ip->src_addr,
			((const struct rte_icmp_hdr *)p->l4)->icmp_ident,
			p->ip->dst_addr, 0);
		return true;
	}
	return false;
}

/**
 * csum_warn - say once per worker why guest frames with bad L4 checksums
 * are dropped: the usual cause is a guest interface that leaves checksums
 * to an offload the port cannot see (a veth behind net_af_packet with tx
 * checksumming on), which otherwise shows only as a counter.
 */
static void
csum_warn(struct sl_worker *w)
{
	w->csum_warned = true;
	SL_LOG(PORT, WARNING, "port %u: guest frame with a bad TCP/UDP "
		"checksum dropped (drop_l4_csum); a veth guest behind "
		"net_af_packet read through the PMD (--afp-vnet-rx off) needs "
		"its offloads off: ethtool -K IFACE tx off tso off gso off\n",
		w->port_id);
}

/** for_us - whether parsed frame @p is addressed to sluice's MAC. */
static inline bool
for_us(const struct sl_worker *w, const struct sl_pkt *p)
{
	const uint8_t *d = p->eth->dst_addr.addr_bytes;

	return rte_is_same_ether_addr(&p->eth->dst_addr, &w->gw_mac) ||
		rte_is_broadcast_ether_addr(&p->eth->dst_addr) ||
		(p->ip_ver == 6 && d[0] == 0x33 && d[1] == 0x33);
}

/**
 * input_chunk - up to SL_FLOW_BULK frames: parse them all, look their
 * flows up in one bulk hash lookup, then hand each to its module.
 */
static void
input_chunk(struct sl_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	const struct sl_flow_key *kp[SL_FLOW_BULK];
	struct sl_flow_key keys[SL_FLOW_BULK];
	struct sl_flow *found[SL_FLOW_BULK];
	struct sl_pkt pk[SL_FLOW_BULK];
	uint16_t idx[SL_FLOW_BULK];
	uint16_t i, nk = 0, nv = 0;
	int rc;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct sl_pkt *p = &pk[nv];
		enum sl_stat why;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		SL_STAT_INC(w->stats, rx_frames);
		SL_STAT_ADD(w->stats, rx_bytes, rte_pktmbuf_pkt_len(m));
		rc = sl_net_parse(m, p, &why);
		if (rc == SL_NET_FRAG && !for_us(w, p)) {
			why = SL_STAT_drop_not_for_us;
		} else if (rc == SL_NET_FRAG) {
			/* on with the whole datagram, once it is complete */
			if (unlikely(w->defrag == NULL)) {
				rte_pktmbuf_free(m);
				continue;
			}
			m = w->defrag->reassemble(w, p);
			if (m == NULL)
				continue;
			rc = sl_net_parse(m, p, &why);
		}
		if (rc != 0) {
			SL_STAT_INC_IDX(w->stats, why);
			if (unlikely(why == SL_STAT_drop_l4_csum) &&
			    !w->csum_warned)
				csum_warn(w);
			rte_pktmbuf_free(m);
			continue;
		}
		if (p->l4_vouched)
			SL_STAT_INC(w->stats, rx_csum_offload);
		if (!for_us(w, p)) {
			SL_STAT_INC(w->stats, drop_not_for_us);
			rte_pktmbuf_free(m);
			continue;
		}
		if (pkt_key(p, &keys[nk])) {
			kp[nk] = &keys[nk];
			idx[nk++] = nv;
		}
		nv++;
	}
	sl_flow_lookup_bulk(&w->ft, kp, nk, found);
	for (i = 0; i < nk; i++)
		pk[idx[i]].flow = found[i];
	for (i = 0; i < nv; i++) {
		struct sl_pkt *p = &pk[i];
		bool kept = false;

		if (p->ip_ver == 0) {
			if (w->by_ether != NULL)
				kept = w->by_ether->input(w, p);
		} else if (p->ip_ver == 6) {
			kept = classify_ipv6(w, p);
		} else {
			kept = classify_ipv4(w, p);
		}
		if (!kept)
			rte_pktmbuf_free(p->m);
	}
}

void
sl_worker_input(struct sl_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t off;

	for (off = 0; off < n; off += SL_FLOW_BULK)
		input_chunk(w, pkts + off, RTE_MIN((uint16_t)(n - off),
			(uint16_t)SL_FLOW_BULK));
	for (off = 0; off < w->calls.n_burst_end; off++)  /* TCP, UDP */
		w->calls.burst_end[off](w);
}

/**
 * timer_fired - wheel callback: dispatch a flow timer to its module.
 */
static void
timer_fired(struct sl_timer *t, void *arg)
{
	struct sl_worker *w = arg;
	struct sl_flow *f = (struct sl_flow *)((char *)t -
		offsetof(struct sl_flow, timer));
	const struct sl_proto *p;

	if (!f->in_use)
		return;
	p = w->by_ip[f->proto];
	if (p != NULL && p->timer != NULL)
		p->timer(w, f);
}

unsigned int
sl_worker_timers(struct sl_worker *w)
{
	return sl_wheel_advance(&w->wheel, w->now_ms, timer_fired, w);
}

int
sl_worker_host(struct sl_worker *w, int timeout_ms)
{
	struct sl_host_ev ev[SL_HOST_EV_MAX];
	int i, n;

	n = sl_host_poll(w->host, ev, SL_HOST_EV_MAX, timeout_ms);
	for (i = 0; i < n; i++) {
		struct sl_flow *f;
		const struct sl_proto *p;

		if (ev[i].cookie == SL_HOST_WAKE_COOKIE)
			continue;	/* guest frames: the next rx burst */
		f = sl_flow_from_cookie(&w->ft, ev[i].cookie);
		if (f == NULL) {
			/* a forward's listener (lib/fwd) */
			if ((ev[i].cookie & SL_COOKIE_SPECIAL) &&
			    w->special != NULL)
				w->special->special_event(w, ev[i].cookie,
					ev[i].events);
			continue;
		}
		p = w->by_ip[f->proto];
		if (p != NULL && p->host_event != NULL)
			p->host_event(w, f, ev[i].events);
	}
	return n < 0 ? 0 : n;
}

/**
 * rx_behind_update - set w->rx_behind for an iteration whose input is @n
 * frames: true while full bursts come (more frames wait in the port), for
 * SL_TIMER_DEFER_MS at most; then false for the iterations of one
 * millisecond (what was held goes), and full bursts may hold again. A ring
 * port's worker that read on past a full burst and emptied the ring (@n
 * over SL_BURST) counts as behind too: the hold then ends with the next
 * iteration's burst, one iteration late at most.
 */
static void
rx_behind_update(struct sl_worker *w, uint16_t n)
{
	uint64_t held;

	if (n < SL_BURST) {
		w->rx_full_since = 0;
		w->rx_behind = false;
		return;
	}
	if (w->rx_full_since == 0) {
		w->rx_full_since = RTE_MAX(w->now_ms, (uint64_t)1);
		w->rx_behind = true;
		return;
	}
	held = w->now_ms - w->rx_full_since;
	w->rx_behind = held < SL_TIMER_DEFER_MS;
	if (held > SL_TIMER_DEFER_MS)
		w->rx_full_since = RTE_MAX(w->now_ms, (uint64_t)1);
}

/**
 * host_poll_due - whether this iteration polls host readiness: always when
 * host_poll_every is 0 or 1, or the previous poll found events (a busy
 * flow is likely ready again); else once in host_poll_every iterations
 * (an event waits at most that many iterations, each short when nothing
 * moves). Return: true to poll.
 */
static bool
host_poll_due(struct sl_worker *w)
{
	if (w->host_poll_every <= 1 || w->host_hot ||
	    ++w->host_quiet >= w->host_poll_every) {
		w->host_quiet = 0;
		return true;
	}
	SL_STAT_INC(w->stats, host_poll_skips);
	return false;
}

unsigned int
sl_worker_step(struct sl_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	const struct sl_proto_calls *c = &w->calls;
	unsigned int work = n, i;

	w->iter++;
	/* offloads change only on link events: one atomic load here */
	w->tx_ol = __atomic_load_n(&w->tx_ol_pub, __ATOMIC_ACQUIRE);
	for (i = 0; i < c->n_iter_start; i++)	/* control, neighbours */
		c->iter_start[i](w);
	/* the port's backlog first, then flows that waited for tx room */
	sl_worker_flush(w);
	for (i = 0; i < c->n_tx_resume; i++)	/* TCP */
		work += c->tx_resume[i](w);
	rx_behind_update(w, n);
	if (n > 0)
		sl_worker_input(w, pkts, n);
	for (i = 0; i < c->n_rx_end; i++)	/* reassembly's expiry */
		c->rx_end[i](w);
	if (host_poll_due(w)) {
		int ev = sl_worker_host(w, 0);

		w->host_hot = ev > 0;
		work += (unsigned int)ev;
	}
	work += sl_worker_timers(w);
	for (i = 0; i < c->n_iter_end; i++)	/* TCP's ACKs */
		c->iter_end[i](w);
	work += w->n_tx;
	sl_worker_flush(w);
	return work;
}

void
sl_worker_idle_wait(struct sl_worker *w, int max_ms)
{
	sl_worker_host(w, max_ms);
}

/**
 * port_rx_burst - read up to @max guest frames from the worker's queue:
 * from its virtio-net rx socket where it has one (sl_vrx.c), else from the
 * port. Return: frames read.
 */
static uint16_t
port_rx_burst(struct sl_worker *w, struct rte_mbuf **pkts, uint16_t max)
{
	struct sl_vrx_stats st;
	uint16_t n;

	if (w->vrx == NULL)
		return rte_eth_rx_burst(w->port_id, w->queue_id, pkts, max);
	memset(&st, 0, sizeof(st));
	n = sl_vrx_rx(w->vrx, pkts, max, &st);
	SL_STAT_ADD(w->stats, rx_vnet, n);
	if (unlikely(st.gso | st.too_big | st.bad | st.nombuf)) {
		SL_STAT_ADD(w->stats, rx_vnet_gso, st.gso);
		SL_STAT_ADD(w->stats, drop_vnet_big, st.too_big);
		SL_STAT_ADD(w->stats, drop_vnet_bad, st.bad);
		SL_STAT_ADD(w->stats, rx_vnet_nombuf, st.nombuf);
	}
	return n;
}

/* header ring frames a worker that steers nothing reads per iteration, in
 * bursts: as many ACKs as a tx burst of data may draw from the guest */
#define SL_HDR_BURSTS	2

unsigned int
sl_worker_poll(struct sl_worker *w)
{
	struct rte_mbuf *pkts[(SL_RX_RING_BURSTS + SL_HDR_BURSTS) * SL_BURST];
	uint64_t t0 = sl_worker_clock(w);
	unsigned int work, i;
	uint16_t n = 0, got, cap = SL_BURST;

	if (w->hdring != NULL) {
		uint64_t skipped = 0;

		/* the guest's SYNs and pure ACKs (sl_hdring.c): its ACKs
		 * answer up to a tx burst of data each iteration; a steering
		 * worker hands at most SL_BURST frames to sl_steer_burst */
		n = sl_hdring_rx(w->hdring, w->mp, pkts, w->steer != NULL ?
			SL_BURST / 2 : SL_HDR_BURSTS * SL_BURST, &skipped);
		SL_STAT_ADD(w->stats, rx_hdr_ring, n);
		if (skipped > 0)
			SL_STAT_ADD(w->stats, drop_hdr_ring, skipped);
		if (w->steer != NULL)
			cap = (uint16_t)(SL_BURST - n);
	}
	got = port_rx_burst(w, pkts + n, cap);
	n = (uint16_t)(n + got);
	/* a kernel ring drops what it has no frame for: while bursts come
	 * full, read on (a worker's tx burst makes the guest answer inside
	 * the send, its ACKs beside the data TCP's ring budget lets in) */
	for (i = 1; w->rx_ring_frames > 0 && w->steer == NULL &&
	     got == SL_BURST && i < SL_RX_RING_BURSTS; i++) {
		got = port_rx_burst(w, pkts + n, SL_BURST);
		n = (uint16_t)(n + got);
	}
	if (w->steer != NULL)
		n = sl_steer_burst(w, pkts, n, 2 * SL_BURST);
	if (w->steer != NULL && w->queue_id == 0)
		sl_steer_take_tx(w);
	work = sl_worker_step(w, pkts, n);
	if (work) {
		/* the share of the lcore that did work: operators size
		 * lcores by it (sluice-ctl top), benchmarks find the stage
		 * that limits a transfer */
		SL_STAT_INC(w->stats, poll_busy);
		SL_STAT_ADD(w->stats, poll_busy_cycles,
			rte_get_timer_cycles() - t0);
	} else
		SL_STAT_INC(w->stats, poll_idle);
	return work;
}
