/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_frag6.c: IPv6 fragments, both ways (issue 15): the guest's fragments
 * are checked and reassembled in the worker's rte_ip_frag table with
 * rte_ipv6_frag_reassemble_packet(); sluice's own IPv6 datagrams longer
 * than the link toward the guest leave in fragments (a Fragment header,
 * rte_ipv6_fragment_packet()). Theory in sl_frag.c.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_ip_frag.h>
#include <rte_random.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "sl_frag_priv.h"
#include "sl_net6.h"

#define EXT_HOPOPTS	0
#define EXT_ROUTING	43
#define EXT_FRAGMENT	44
#define EXT_DSTOPTS	60
#define FRAG6_HLEN	8	/* the Fragment header */
#define ICMP6_MIN	8	/* as the parser wants (echo id, seq) */

/**
 * chain_whole - whether the first fragment (offset 0) holds the whole
 * header chain up to and including the upper-layer header (RFC 7112), in
 * its first segment.
 * @m: the fragment
 * @nh: the Fragment header's next header
 * @off: the first byte after the Fragment header
 * @end: the first byte past the fragment's payload
 */
static bool
chain_whole(const struct rte_mbuf *m, uint8_t nh, uint32_t off, uint32_t end)
{
	uint32_t lim = RTE_MIN(end, (uint32_t)rte_pktmbuf_data_len(m));
	const uint8_t *h;
	unsigned int n;

	for (n = 0; n < SL_IP6_EXT_MAX; n++) {
		switch (nh) {
		case EXT_ROUTING:
		case EXT_DSTOPTS:
			if (off + 8 > lim)
				return false;
			h = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
			nh = h[0];
			off += ((uint32_t)h[1] + 1) * 8;
			break;
		case IPPROTO_TCP:
			if (off + sizeof(struct rte_tcp_hdr) > lim)
				return false;
			h = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
			return off + (uint32_t)(((const struct rte_tcp_hdr *)
				h)->data_off >> 4) * 4 <= lim;
		case IPPROTO_UDP:
			return off + sizeof(struct rte_udp_hdr) <= lim;
		case IPPROTO_ICMPV6:
			return off + ICMP6_MIN <= lim;
		default:
			/* a second hop-by-hop or Fragment header, "no next
			 * header", another protocol: nothing sluice takes */
			return false;
		}
	}
	return false;
}

/**
 * frag6_bad - the drop reason for guest fragment @p that reassembly must
 * not see, or SL_STAT_MAX when it may go on: no payload, a non-last one
 * not a multiple of 8 bytes, a datagram past 65535 bytes of payload
 * (drop_ip6_frag); a first fragment without the whole header chain
 * (drop_ip6_frag_chain).
 */
static enum sl_stat
frag6_bad(const struct sl_pkt *p, const struct rte_ipv6_fragment_ext *fh)
{
	uint16_t fd = rte_be_to_cpu_16(fh->frag_data);
	uint32_t len = p->l4_len - FRAG6_HLEN;
	uint32_t off = RTE_IPV6_GET_FO(fd) * 8u;

	/* the fragmentable part ends past 65535 (as Linux checks it; the
	 * headers before the Fragment header are cut out below) */
	if (len == 0 || off + len > UINT16_MAX ||
	    (RTE_IPV6_GET_MF(fd) && len % 8 != 0))
		return SL_STAT_drop_ip6_frag;
	if (off == 0 && !chain_whole(p->m, fh->next_header,
	    p->l4_off + FRAG6_HLEN, (uint32_t)p->l4_off + p->l4_len))
		return SL_STAT_drop_ip6_frag_chain;
	return SL_STAT_MAX;
}

/**
 * unfrag_strip - take the extension headers between the fixed header and
 * the Fragment header out of fragment @m (DPDK's reassembly wants the
 * Fragment header right after the fixed one; sluice, the final
 * destination, skips those headers anyway).
 * @fh_off: offset of the Fragment header
 * Return: the fixed header, moved.
 */
static struct rte_ipv6_hdr *
unfrag_strip(struct rte_mbuf *m, uint16_t l3_off, uint16_t fh_off)
{
	uint16_t x = (uint16_t)(fh_off - l3_off - SL_IP6_HLEN);
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv6_hdr *ip6;

	if (x != 0) {
		memmove(d + x, d, (size_t)l3_off + SL_IP6_HLEN);
		rte_pktmbuf_adj(m, x);
	}
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l3_off);
	ip6->proto = EXT_FRAGMENT;
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)
		(rte_be_to_cpu_16(ip6->payload_len) - x));
	return ip6;
}

struct rte_mbuf *
sl_frag6_input(struct sl_worker *w, const struct sl_pkt *p)
{
	struct rte_ipv6_fragment_ext *fh;
	struct rte_mbuf *m = p->m;
	struct rte_ipv6_hdr *ip6;
	enum sl_stat why;

	SL_STAT_INC(w->stats, ip6_frag_rx);
	fh = (struct rte_ipv6_fragment_ext *)p->l4;
	why = frag6_bad(p, fh);
	if (why != SL_STAT_MAX) {
		SL_STAT_INC_IDX(w->stats, why);
		rte_pktmbuf_free(m);
		return NULL;
	}
	ip6 = unfrag_strip(m, p->l3_off, p->l4_off);
	fh = (struct rte_ipv6_fragment_ext *)(ip6 + 1);
	m->l2_len = p->l3_off;
	m->l3_len = SL_IP6_HLEN + FRAG6_HLEN;
	m = sl_frag_reasm(w, m, ip6, fh);
	if (m == NULL)
		return NULL;
	/* the Fragment header is gone, the payload length the datagram's */
	return sl_frag_done(w, m, SL_STAT_ip6_reasm_ok);
}

void
sl_frag6_out(struct sl_worker *w, struct rte_mbuf *m)
{
	struct sl_frag *fr = w->frag;
	uint32_t id;

	if (fr->ip6_id == 0)	/* first use: unpredictable (RFC 7739) */
		fr->ip6_id = (uint32_t)(rte_rand() % (UINT32_MAX /
			fr->ip_id_step)) * fr->ip_id_step + w->queue_id + 1;
	id = fr->ip6_id;
	fr->ip6_id += fr->ip_id_step;
	sl_frag_cut(w, m, true, id);
}
