/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_frag.c: IPv4 fragmentation toward the guest and reassembly of the
 * guest's fragments, per worker, with DPDK's rte_ip_frag; the table, the
 * pools and the death row IPv6's half (sl_frag6.c) shares.
 *
 * Theory of operation
 * -------------------
 * From the guest: sl_net_parse() recognises a fragment (MF or an offset)
 * once its IPv4 header is valid and hands it back as SL_NET_FRAG; the worker
 * passes it (the reassemble hook) to sl_frag_input(), which checks what DPDK
 * 22.11's reassembly does not (a fragment with no payload, a non-last one
 * whose length is not a multiple of 8, one ending past 65535 bytes: dropped,
 * drop_ip_frag) and adds it to the worker's rte_ip_frag table. The table is
 * bounded: at most max_entries datagrams at once (SL_FRAG_MAX_ENTRIES, fewer
 * when the rx pool is small: their fragments hold rx mbufs), each of at most
 * RTE_LIBRTE_IP_FRAG_MAX_FRAG (8) fragments, for at most SL_FRAG_TIMEOUT_MS
 * from its first fragment. What the table discards (overlapping or duplicate
 * fragments, a ninth fragment, no free entry, timeout) goes to its death row
 * and is counted in drop_ip_reasm, one per fragment, then freed once per
 * poll iteration (sl_frag_burst_end, which also expires old entries; the
 * death row is emptied early when a call could overflow it). A completed
 * datagram is an mbuf chain from the first fragment's Ethernet header on;
 * its IPv4 checksum is redone and the port's checksum flags cleared, so
 * sl_net_parse() parses it again and verifies the L4 checksum over the whole
 * datagram (chains are fine). The L4 header must sit in the first fragment
 * (tiny-fragment attacks: the parser's drop_multiseg_hdr). Fragments have no
 * ports: on a multi-queue port they all reach worker 0 (sl_steer_owner),
 * which hands each completed datagram to the worker owning its flow
 * (sl_steer_pass).
 *
 * Toward the guest: the UDP and ICMP modules queue their frames through
 * sl_frag_tx()/sl_frag_tx_dgram(). A datagram longer than w->tx_mtu (the
 * least of what the port transmits and the guest's MTU) is cut by
 * rte_ipv4_fragment_packet(), which wants the packet to start at the IPv4
 * header: the Ethernet header is taken off and put back on each fragment.
 * Each fragment is a direct mbuf from the worker's pool (headers) chained
 * to indirect mbufs from a per-worker pool (SL_FRAG_IND_MBUFS) that point
 * into the original datagram: no payload is copied unless the port cannot
 * send chains (then each fragment is linearised). Every fragmented
 * datagram gets its own IPv4 id; on a multi-queue port worker q uses ids
 * equal to q modulo the number of workers, so two workers never use the
 * same id toward the guest at the same time. DF: a datagram with DF set
 * that does not fit is dropped (drop_frag_df); sluice's own datagrams
 * (sl_frag_tx_dgram) carry DF only when they fit, as Linux's UDP and ICMP
 * replies do.
 *
 * IPv6 (sl_frag6.c) follows the same plan in the same table (keys of both
 * families live side by side). The parser (sl_net6.c) walks the extension
 * headers and hands back a fragment at its Fragment header (an atomic one,
 * offset 0 and M clear, it skips: RFC 6946, an ordinary datagram).
 * sl_frag6_input() checks what DPDK does not: no payload, a non-last
 * fragment not a multiple of 8, an end past 65535 bytes of payload
 * (drop_ip6_frag), and a first fragment without the whole header chain up
 * to and including the TCP, UDP or ICMPv6 header in its first segment (RFC
 * 7112, drop_ip6_frag_chain). DPDK's IPv6 reassembly wants the Fragment
 * header right after the fixed one: extension headers before it are cut
 * out (sluice is the final destination and skips them anyway). Overlaps
 * and duplicates make the fragments' lengths add up past the datagram's,
 * or to it with a hole, so the table discards the whole datagram (RFC
 * 5722); what it discards is counted by family (drop_ip6_reasm, read off
 * each mbuf's EtherType on the death row). A completed datagram has no
 * Fragment header and its payload length set; the parser takes it again.
 * A reassembled datagram's tuple is in its fixed header, so
 * sl_steer_pass() finds its owner as for IPv4. Toward the guest,
 * frag_send() sends an IPv6 frame longer than w->tx_mtu through
 * sl_frag6_out(): rte_ipv6_fragment_packet() with the same pools (it
 * leaves the identification zero: each datagram gets the worker's next
 * one, from a random start, stepping by the number of workers as IPv4's
 * ids do). IPv6 has no DF: every datagram sluice sends may be cut.
 *
 * Nothing here allocates per packet except mbufs; no locks.
 */
#include <errno.h>
#include <string.h>

#include <rte_ip_frag.h>
#include <rte_malloc.h>

#include "sl_frag_priv.h"
#include "sl_io.h"
#include "sl_proto.h"
#include "sl_steer.h"

#define SL_FRAG_BUCKET_ENTRIES 4
#define SL_FRAG_IND_CACHE 64

int
sl_frag_init(struct sl_worker *w)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct sl_frag *fr;
	uint32_t entries;
	int socket = (int)rte_socket_id();

	fr = rte_zmalloc_socket("sl_frag", sizeof(*fr), RTE_CACHE_LINE_SIZE,
		socket);
	if (fr == NULL)
		return -ENOMEM;
	/* held fragments are rx mbufs: at most an eighth of the rx pool */
	entries = w->rx_mp->size / (8 * RTE_LIBRTE_IP_FRAG_MAX_FRAG);
	entries = RTE_MAX(8u, RTE_MIN(entries, (uint32_t)SL_FRAG_MAX_ENTRIES));
	fr->tbl = rte_ip_frag_table_create(RTE_MAX(1u, entries / 2),
		SL_FRAG_BUCKET_ENTRIES, entries, SL_FRAG_TIMEOUT_MS, socket);
	snprintf(name, sizeof(name), "slfi%u_%x", w->id,
		(unsigned int)((uintptr_t)w >> 6));
	fr->ind_mp = rte_pktmbuf_pool_create(name, SL_FRAG_IND_MBUFS,
		SL_FRAG_IND_CACHE, 0, 0, socket);
	fr->ip_id = (uint16_t)w->queue_id;
	fr->ip_id_step = (uint16_t)(w->steer != NULL ? w->steer->n : 1);
	w->frag = fr;
	if (fr->tbl == NULL || fr->ind_mp == NULL) {
		sl_frag_fini(w);
		return -ENOMEM;
	}
	return 0;
}

void
sl_frag_fini(struct sl_worker *w)
{
	struct sl_frag *fr = w->frag;

	if (fr == NULL)
		return;
	rte_ip_frag_free_death_row(&fr->dr, 0);
	if (fr->tbl != NULL)
		rte_ip_frag_table_destroy(fr->tbl);
	rte_mempool_free(fr->ind_mp);
	rte_free(fr);
	w->frag = NULL;
}

/**
 * frag_bad - whether the guest fragment in @ip (header checked by the
 * parser, no options) is one reassembly must not see: no payload, a
 * non-last fragment not a multiple of 8 bytes long, or an end past the
 * largest IPv4 datagram.
 */
static bool
frag_bad(const struct rte_ipv4_hdr *ip)
{
	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
	uint32_t len = rte_be_to_cpu_16(ip->total_length) - sizeof(*ip);
	uint32_t off = (uint32_t)(fo & RTE_IPV4_HDR_OFFSET_MASK) *
		RTE_IPV4_HDR_OFFSET_UNITS;

	return len == 0 || off + len + sizeof(*ip) > UINT16_MAX ||
		((fo & RTE_IPV4_HDR_MF_FLAG) && len % RTE_IPV4_HDR_OFFSET_UNITS);
}

/**
 * dr_count - count the fragments the table put on the death row from slot
 * @from on, each by its family (drop_ip_reasm, drop_ip6_reasm): held
 * fragments still start at their Ethernet header.
 */
static void
dr_count(struct sl_worker *w, uint32_t from)
{
	struct rte_ip_frag_death_row *dr = &w->frag->dr;
	uint32_t i;

	for (i = from; i < dr->cnt; i++) {
		const struct rte_ether_hdr *e = rte_pktmbuf_mtod(dr->row[i],
			const struct rte_ether_hdr *);

		if (rte_pktmbuf_data_len(dr->row[i]) >= sizeof(*e) &&
		    e->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
			SL_STAT_INC(w->stats, drop_ip6_reasm);
		else
			SL_STAT_INC(w->stats, drop_ip_reasm);
	}
}

struct rte_mbuf *
sl_frag_reasm(struct sl_worker *w, struct rte_mbuf *m, void *ip,
	struct rte_ipv6_fragment_ext *fh)
{
	struct sl_frag *fr = w->frag;
	uint32_t dr0;

	if (fr->dr.cnt > RTE_IP_FRAG_DEATH_ROW_MBUF_LEN - SL_FRAG_DR_CALL)
		rte_ip_frag_free_death_row(&fr->dr, 0);
	dr0 = fr->dr.cnt;
	if (fh == NULL)
		m = rte_ipv4_frag_reassemble_packet(fr->tbl, &fr->dr, m,
			w->now_ms, ip);
	else
		m = rte_ipv6_frag_reassemble_packet(fr->tbl, &fr->dr, m,
			w->now_ms, ip, fh);
	dr_count(w, dr0);
	return m;
}

struct rte_mbuf *
sl_frag_done(struct sl_worker *w, struct rte_mbuf *m, enum sl_stat ok)
{
	m->ol_flags &= ~(RTE_MBUF_F_RX_IP_CKSUM_MASK |
		RTE_MBUF_F_RX_L4_CKSUM_MASK);
	SL_STAT_INC_IDX(w->stats, ok);
	if (w->steer != NULL && sl_steer_pass(w, m))
		return NULL;
	return m;
}

struct rte_mbuf *
sl_frag_input(struct sl_worker *w, const struct sl_pkt *p)
{
	struct rte_mbuf *m = p->m;
	struct rte_ipv4_hdr *ip;

	if (p->ip_ver == 6)
		return sl_frag6_input(w, p);
	SL_STAT_INC(w->stats, ip_frag_rx);
	if (frag_bad(p->ip)) {
		SL_STAT_INC(w->stats, drop_ip_frag);
		rte_pktmbuf_free(m);
		return NULL;
	}
	m->l2_len = p->l3_off;
	m->l3_len = sizeof(*ip);
	m = sl_frag_reasm(w, m, p->ip, NULL);
	if (m == NULL)
		return NULL;
	/* reassembly zeroes the checksum: the whole datagram is checked
	 * again */
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return sl_frag_done(w, m, SL_STAT_ip_reasm_ok);
}

void
sl_frag_burst_end(struct sl_worker *w)
{
	struct sl_frag *fr = w->frag;

	/* expiry stops when the death row is nearly full: empty it, go on */
	do {
		if (fr->dr.cnt > 0)
			rte_ip_frag_free_death_row(&fr->dr, 0);
		rte_ip_frag_table_del_expired_entries(fr->tbl, &fr->dr,
			w->now_ms);
		dr_count(w, 0);
	} while (fr->dr.cnt > RTE_IP_FRAG_DEATH_ROW_MBUF_LEN -
		RTE_LIBRTE_IP_FRAG_MAX_FRAG);
	if (fr->dr.cnt > 0)
		rte_ip_frag_free_death_row(&fr->dr, 0);
}

/**
 * frag_put - finish fragment @f of a datagram whose Ethernet header is
 * @eth and queue it: Ethernet header, then the IPv4 checksum, or (@v6) the
 * Fragment header's identification @id6; one segment when the port sends
 * no chains.
 */
static void
frag_put(struct sl_worker *w, struct rte_mbuf *f,
	const struct rte_ether_hdr *eth, bool v6, uint32_t id6)
{
	struct rte_ether_hdr *e;

	e = (struct rte_ether_hdr *)rte_pktmbuf_prepend(f, sizeof(*e));
	if (e == NULL || (!w->multiseg && rte_pktmbuf_linearize(f) != 0)) {
		SL_STAT_INC(w->stats, drop_nomem);
		rte_pktmbuf_free(f);
		return;
	}
	*e = *eth;
	f->l2_len = sizeof(*e);
	f->ol_flags = 0;
	if (v6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(e + 1);

		((struct rte_ipv6_fragment_ext *)(ip6 + 1))->id =
			rte_cpu_to_be_32(id6);
		f->l3_len = sizeof(*ip6) + RTE_IPV6_FRAG_HDR_SIZE;
		SL_STAT_INC(w->stats, ip6_frag_tx);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(e + 1);

		ip->hdr_checksum = rte_ipv4_cksum(ip);
		f->l3_len = sizeof(*ip);
		SL_STAT_INC(w->stats, ip_frag_tx);
	}
	sl_tx(w, f);
}

void
sl_frag_cut(struct sl_worker *w, struct rte_mbuf *m, bool v6, uint32_t id6)
{
	struct sl_frag *fr = w->frag;
	struct rte_ether_hdr eth;
	int32_t n, i;

	memcpy(&eth, rte_pktmbuf_mtod(m, void *), sizeof(eth));
	rte_pktmbuf_adj(m, m->l2_len);
	if (v6)
		n = rte_ipv6_fragment_packet(m, fr->out, SL_FRAG_OUT_MAX,
			w->tx_mtu, w->mp, fr->ind_mp);
	else
		n = rte_ipv4_fragment_packet(m, fr->out, SL_FRAG_OUT_MAX,
			w->tx_mtu, w->mp, fr->ind_mp);
	/* the fragments hold references to what they need of it */
	rte_pktmbuf_free(m);
	if (n < 0) {
		SL_STAT_INC(w->stats, drop_nomem);
		return;
	}
	for (i = 0; i < n; i++)
		frag_put(w, fr->out[i], &eth, v6, id6);
}

/**
 * frag_out - cut the IPv4 datagram of frame @m into fragments of at most
 * w->tx_mtu bytes and queue them (consumes @m).
 * @own: sluice's own datagram: DF is cleared; else DF drops it.
 */
static void
frag_out(struct sl_worker *w, struct rte_mbuf *m, bool own)
{
	struct sl_frag *fr = w->frag;
	struct rte_ipv4_hdr *ip;

	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)) {
		if (!own) {
			SL_STAT_INC(w->stats, drop_frag_df);
			rte_pktmbuf_free(m);
			return;
		}
		ip->fragment_offset &= ~RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	}
	ip->packet_id = rte_cpu_to_be_16(fr->ip_id);
	fr->ip_id = (uint16_t)(fr->ip_id + fr->ip_id_step);
	sl_frag_cut(w, m, false, 0);
}

/**
 * frag_send - queue frame @m as it is when its datagram fits the link
 * toward the guest, else in fragments (@own: see frag_out).
 */
static inline void
frag_send(struct sl_worker *w, struct rte_mbuf *m, bool own)
{
	/* a TSO frame is cut into segments by the port, never fragmented */
	if (likely(rte_pktmbuf_pkt_len(m) - m->l2_len <= w->tx_mtu ||
	    (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG)))
		sl_tx(w, m);
	else if (rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type ==
	    RTE_BE16(RTE_ETHER_TYPE_IPV6))
		sl_frag6_out(w, m);	/* sluice's own: never "DF" */
	else
		frag_out(w, m, own);
}

void
sl_frag_tx(struct sl_worker *w, struct rte_mbuf *m)
{
	frag_send(w, m, false);
}

void
sl_frag_tx_dgram(struct sl_worker *w, struct rte_mbuf *m)
{
	frag_send(w, m, true);
}

/** Fragments in the protocol table: reassembly, and its expiry. */
const struct sl_proto sl_frag_proto = {
	.name = "frag",
	.init = sl_frag_init,
	.fini = sl_frag_fini,
	.reassemble = sl_frag_input,
	.rx_end = sl_frag_burst_end,
};
