/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_steer.c: flow ownership on multi-queue ports.
 *
 * Theory of operation
 * -------------------
 * A worker owns its flows, host sockets and timers outright; nothing on the
 * fast path is shared between workers. On a port with Q queue pairs each
 * queue has its own worker, so every guest frame must reach the one worker
 * whose flow table holds (or will hold) its flow, whichever queue the port
 * delivered it on. The owner is a pure function of the guest-side tuple:
 *
 *   owner = reta[toeplitz(key, saddr, daddr[, sport, dport]) % reta_size]
 *   reta[i] = i % Q
 *
 * the same function an RSS-capable port computes when it is programmed with
 * the same key and table (sl_port does that where the port allows). With
 * RSS, frames arrive on their owner's queue and steering is a no-op check;
 * without it (net_tap and net_af_packet spread by the kernel's own flow
 * hash, vhost-user by the guest's choice of queue) a frame received by
 * another worker is put on the owner's ring (rte_ring, multi-producer,
 * single-consumer) and the owner takes it in its next poll, before its own
 * flows run. The function never depends on what the port did, so a port
 * whose RSS hashes differently costs steering, never correctness. Where
 * the port reads back our key and hashes a kind of frame (rss_hf: IPv4
 * TCP and UDP over their ports, other IPv4 over the addresses) the hash it
 * put in the mbuf (RTE_MBUF_F_RX_RSS_HASH) is that same Toeplitz value and
 * is used instead of computing it again; IPv6 is always hashed here.
 *
 * Connections the host opens through a forward are accepted by whichever
 * worker's listener the kernel picks (SO_REUSEPORT); that worker chooses the
 * source port the guest sees so that the flow's tuple is its own (see
 * sl_tcp_accept). A UDP forward's socket lives on worker 0 only, and the
 * guest's datagrams from a UDP-forwarded port belong to worker 0 (a per-port
 * count of forwards per guest port, updated atomically when forwards change,
 * read here). DHCP, ARP and everything without a tuple belong to worker 0.
 * IPv6 TCP and UDP frames go by their tuple (Toeplitz over the IPv6
 * addresses and ports, the hash sl_steer_mine() gives the flow's key) when
 * the fixed header names them; ICMPv6, DHCPv6 and frames with extension
 * headers go to worker 0.
 * The guest's MAC is the port's neighbour table (lib/neigh), which lives
 * here so that every worker of the port shares it. IPv4 and IPv6 fragments
 * have no tuple (only the first carries the ports; an IPv6 one's fixed
 * header names the Fragment header): all of them go to worker 0, which
 * reassembles the datagram (sl_frag.c) and hands it to the worker owning
 * its flow (sl_steer_pass), so a flow's datagrams, fragmented or not, use
 * one socket.
 *
 * Frames a full ring cannot take are dropped and counted
 * (drop_steer_full); the guest retransmits.
 *
 * Transmit: each worker sends on its own tx queue. A vhost-user guest may
 * enable fewer queue pairs than the port has (a one-CPU VM uses one); a
 * queue the guest has not enabled cannot deliver, so the port's queue-state
 * events (app/sl_vhostq.c) mark it in tx_off and its worker hands its
 * frames to worker 0 through the tx0 ring (counted in tx_handed); worker 0
 * sends them with its own in the same iteration's burst. Queue 0 is always
 * usable while the guest is attached.
 */
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_thash.h>

#include "sl_net.h"
#include "sl_net6.h"
#include "sl_steer.h"
#include "sl_worker.h"

/* the key symmetric-RSS deployments use (any fixed key would do) */
static const uint8_t sl_steer_default_key[SL_STEER_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

const uint8_t *
sl_steer_key(void)
{
	return sl_steer_default_key;
}

int
sl_steer_create(struct sl_steer *s, uint16_t port_id, unsigned int n,
	uint16_t reta_size, int socket)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int q;

	memset(s, 0, sizeof(*s));
	if (n < 2 || n > SL_STEER_MAX) {
		rte_errno = EINVAL;
		return -1;
	}
	s->n = n;
	s->reta_size = reta_size ? reta_size : SL_STEER_RETA;
	memcpy(s->key, sl_steer_default_key, sizeof(s->key));
	rte_convert_rss_key((const uint32_t *)s->key, (uint32_t *)s->key_be,
		sizeof(s->key));
	for (q = 0; q < n; q++) {
		snprintf(name, sizeof(name), "sl_steer_%u_%u", port_id, q);
		s->ring[q] = rte_ring_create(name, SL_STEER_RING, socket,
			RING_F_SC_DEQ);
		if (s->ring[q] == NULL) {
			sl_steer_destroy(s);
			return -1;
		}
	}
	snprintf(name, sizeof(name), "sl_steer_%u_tx0", port_id);
	s->tx0 = rte_ring_create(name, SL_STEER_RING, socket, RING_F_SC_DEQ);
	if (s->tx0 == NULL) {
		sl_steer_destroy(s);
		return -1;
	}
	return 0;
}

void
sl_steer_destroy(struct sl_steer *s)
{
	unsigned int q;
	struct rte_mbuf *m;

	for (q = 0; q <= SL_STEER_MAX; q++) {
		struct rte_ring **r = q < SL_STEER_MAX ? &s->ring[q] : &s->tx0;

		if (*r == NULL)
			continue;
		while (rte_ring_dequeue(*r, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(*r);
		*r = NULL;
	}
	rte_free(s->neigh);
	s->neigh = NULL;
}

unsigned int
sl_steer_owner_tuple(const struct sl_steer *s, uint8_t proto,
	uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport)
{
	union rte_thash_tuple t;
	uint32_t h, len = RTE_THASH_V4_L3_LEN;

	memset(&t, 0, sizeof(t));
	t.v4.src_addr = rte_be_to_cpu_32(saddr);
	t.v4.dst_addr = rte_be_to_cpu_32(daddr);
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		t.v4.sport = rte_be_to_cpu_16(sport);
		t.v4.dport = rte_be_to_cpu_16(dport);
		len = RTE_THASH_V4_L4_LEN;
	}
	h = rte_softrss_be((uint32_t *)&t, len, s->key_be);
	return sl_steer_queue_of_entry(s, h % s->reta_size);
}

/**
 * owner_tuple6 - sl_steer_owner_tuple() for an IPv6 tuple (Toeplitz over
 * the IPv6 addresses, and the ports for TCP and UDP, as RSS hashes it).
 */
static unsigned int
owner_tuple6(const struct sl_steer *s, const struct sl_flow_key *k)
{
	struct rte_ipv6_hdr ip;
	union rte_thash_tuple t;
	uint32_t h, len = RTE_THASH_V6_L3_LEN;

	memset(&t, 0, sizeof(t));
	memcpy(ip.src_addr, k->gip.b, 16);
	memcpy(ip.dst_addr, k->dip.b, 16);
	rte_thash_load_v6_addrs(&ip, &t);
	if (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP) {
		t.v6.sport = rte_be_to_cpu_16(k->gport);
		t.v6.dport = rte_be_to_cpu_16(k->dport);
		len = RTE_THASH_V6_L4_LEN;
	}
	h = rte_softrss_be((uint32_t *)&t, len, s->key_be);
	return sl_steer_queue_of_entry(s, h % s->reta_size);
}

bool
sl_steer_mine(const struct sl_worker *w, const struct sl_flow_key *k)
{
	if (w->steer == NULL)
		return true;
	if (k->family == AF_INET6)
		return owner_tuple6(w->steer, k) == w->queue_id;
	return sl_steer_owner_tuple(w->steer, k->proto, k->gaddr, k->daddr,
		k->gport, k->dport) == w->queue_id;
}

/**
 * owner6 - the owner of a guest IPv6 frame: a TCP or UDP one whose fixed
 * header names it (no extension headers) goes by its tuple, as
 * sl_steer_mine() hashes the flow's key; the rest (ICMPv6, NDP, DHCPv6,
 * extension headers) to worker 0.
 */
static unsigned int
owner6(const struct sl_steer *s, const struct rte_ether_hdr *eth,
	uint32_t len)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)(eth + 1);
	const uint16_t *ports = (const void *)(ip6 + 1);
	struct sl_addr g, d;
	struct sl_flow_key k;

	if (len < sizeof(*eth) + sizeof(*ip6) + 4 ||
	    (ip6->proto != IPPROTO_TCP && ip6->proto != IPPROTO_UDP) ||
	    (ip6->proto == IPPROTO_UDP &&
	    ports[1] == RTE_BE16(SL_DHCP6_SERVER_PORT)))
		return 0;
	memcpy(g.b, ip6->src_addr, 16);
	memcpy(d.b, ip6->dst_addr, 16);
	k = sl_flow_key_make6(ip6->proto, &g, ports[0], &d, ports[1]);
	return owner_tuple6(s, &k);
}

void
sl_steer_set_rss(struct sl_steer *s, uint64_t hf)
{
	s->rss_hf = hf & (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP |
		RTE_ETH_RSS_NONFRAG_IPV4_UDP);
}

/**
 * port_hash - whether @m carries the port's RSS hash and the port hashes
 * frames of IPv4 protocol @proto the way sl_steer_owner_tuple() does.
 */
static inline bool
port_hash(const struct sl_steer *s, const struct rte_mbuf *m, uint8_t proto)
{
	uint64_t need = proto == IPPROTO_TCP ? RTE_ETH_RSS_NONFRAG_IPV4_TCP :
		proto == IPPROTO_UDP ? RTE_ETH_RSS_NONFRAG_IPV4_UDP :
		RTE_ETH_RSS_IPV4;

	return (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH) != 0 &&
		(s->rss_hf & need) != 0;
}

unsigned int
sl_steer_owner(const struct sl_steer *s, const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth;
	const struct rte_ipv4_hdr *ip;
	const uint16_t *ports;
	uint32_t len = rte_pktmbuf_data_len(m), ihl;

	if (len < sizeof(*eth) + sizeof(*ip))
		return 0;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		return owner6(s, eth, len);
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return 0;
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) ||
	    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
	    RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return 0;
	switch (ip->next_proto_id) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		if (len < sizeof(*eth) + ihl + 4)
			return 0;
		ports = (const uint16_t *)((const uint8_t *)ip + ihl);
		if (ip->next_proto_id == IPPROTO_UDP &&
		    (ports[1] == RTE_BE16(SL_DHCP_SERVER_PORT) ||
		    __atomic_load_n(&s->udp_fwd[rte_be_to_cpu_16(ports[0])],
		    __ATOMIC_RELAXED) != 0))
			return 0;
		if (port_hash(s, m, ip->next_proto_id))
			break;
		return sl_steer_owner_tuple(s, ip->next_proto_id,
			ip->src_addr, ip->dst_addr, ports[0], ports[1]);
	case IPPROTO_ICMP:
		if (port_hash(s, m, IPPROTO_ICMP))
			break;
		return sl_steer_owner_tuple(s, IPPROTO_ICMP, ip->src_addr,
			ip->dst_addr, 0, 0);
	default:
		return 0;
	}
	/* the port computed the tuple's Toeplitz hash already */
	return sl_steer_queue_of_entry(s, m->hash.rss % s->reta_size);
	return 0;
}

/**
 * steer_out - put @nb frames on worker @q's ring; what does not fit is
 * dropped and counted.
 */
static void
steer_out(struct sl_worker *w, unsigned int q, struct rte_mbuf **batch,
	unsigned int nb)
{
	unsigned int sent;

	sent = rte_ring_enqueue_burst(w->steer->ring[q], (void **)batch, nb,
		NULL);
	SL_STAT_ADD(w->stats, steer_out, sent);
	if (sent < nb) {
		SL_STAT_ADD(w->stats, drop_steer_full, nb - sent);
		rte_pktmbuf_free_bulk(batch + sent, nb - sent);
	}
}

bool
sl_steer_pass(struct sl_worker *w, struct rte_mbuf *m)
{
	unsigned int q = sl_steer_owner(w->steer, m);

	if (q == w->queue_id)
		return false;
	steer_out(w, q, &m, 1);
	return true;
}

uint16_t
sl_steer_burst(struct sl_worker *w, struct rte_mbuf **pkts, uint16_t n,
	uint16_t cap)
{
	struct rte_mbuf *batch[SL_BURST] = { NULL };
	const struct sl_steer *s = w->steer;
	unsigned int q, cur = 0, nb = 0, got;
	uint16_t i, keep = 0;

	/* runs of frames for the same other worker go in one enqueue (a
	 * burst usually holds a few flows' frames back to back) */
	n = RTE_MIN(n, (uint16_t)SL_BURST);
	for (i = 0; i < n; i++) {
		q = sl_steer_owner(s, pkts[i]);
		if (q == w->queue_id) {
			pkts[keep++] = pkts[i];
			continue;
		}
		if (nb > 0 && q != cur) {
			steer_out(w, cur, batch, nb);
			nb = 0;
		}
		cur = q;
		batch[nb++] = pkts[i];
	}
	if (nb > 0)
		steer_out(w, cur, batch, nb);
	got = rte_ring_dequeue_burst(s->ring[w->queue_id],
		(void **)(pkts + keep), cap - keep, NULL);
	SL_STAT_ADD(w->stats, steer_in, got);
	return (uint16_t)(keep + got);
}

void
sl_steer_udp_fwd(struct sl_steer *s, uint16_t lo, uint16_t hi, bool add)
{
	uint32_t p;

	for (p = lo; p <= hi; p++) {
		if (add)
			__atomic_fetch_add(&s->udp_fwd[p], 1, __ATOMIC_RELEASE);
		else
			__atomic_fetch_sub(&s->udp_fwd[p], 1, __ATOMIC_RELEASE);
	}
}

void
sl_steer_set_tx(struct sl_steer *s, unsigned int q, bool on)
{
	if (q == 0 || q >= SL_STEER_MAX)
		return;
	if (on)
		__atomic_fetch_and(&s->tx_off, ~(1u << q), __ATOMIC_RELEASE);
	else
		__atomic_fetch_or(&s->tx_off, 1u << q, __ATOMIC_RELEASE);
}

uint16_t
sl_steer_tx(struct sl_worker *w, struct rte_mbuf **m, uint16_t n)
{
	unsigned int handed;

	if (w->queue_id == 0 || !(__atomic_load_n(&w->steer->tx_off,
	    __ATOMIC_ACQUIRE) & (1u << w->queue_id)))
		return rte_eth_tx_burst(w->port_id, w->queue_id, m, n);
	handed = rte_ring_enqueue_burst(w->steer->tx0, (void **)m, n, NULL);
	SL_STAT_ADD(w->stats, tx_handed, handed);
	return (uint16_t)handed;
}

void
sl_steer_take_tx(struct sl_worker *w)
{
	unsigned int n;

	/* straight into this iteration's burst, bounded by its room: what
	 * does not fit waits for the next iteration */
	n = rte_ring_dequeue_burst(w->steer->tx0, (void **)(w->tx + w->n_tx),
		(unsigned int)(SL_TX_MAX - w->n_tx), NULL);
	w->n_tx = (uint16_t)(w->n_tx + n);
}
