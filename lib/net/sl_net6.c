/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_net6.c: IPv6 frame parsing (the fixed header, the extension header
 * walk, the pseudo-header checksum; every length checked before it is
 * read, every refusal named by a counter) and IPv6/ICMPv6/NDP building.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "sl_cksum.h"
#include "sl_net6.h"

#define EXT_HOPOPTS	0	/* hop-by-hop options */
#define EXT_ROUTING	43
#define EXT_FRAGMENT	44
#define EXT_DSTOPTS	60
#define EXT_NONE	59	/* no next header */

/**
 * ext_walk - skip the extension headers from @off on.
 * @m: the frame
 * @p: parsed up to the fixed header; p->proto is set to the upper layer
 * @off: first extension header (or upper layer) offset; on success, the
 *	upper layer's (SL_NET_FRAG: the fragment header's)
 * @end: first byte past the IPv6 payload
 * @seg0: bytes in the first segment
 * @why: the drop reason on failure
 *
 * A fragment header (8 bytes, checked against the payload and the first
 * segment) ends the walk with SL_NET_FRAG, unless it is an atomic fragment
 * (offset 0, M clear: RFC 6946), skipped as any other extension header.
 *
 * Return: 0, SL_NET_FRAG or -1.
 */
static int
ext_walk(struct rte_mbuf *m, struct sl_pkt *p, uint32_t *off, uint32_t end,
	uint16_t seg0, enum sl_stat *why)
{
	uint8_t nh = p->ip6->proto;
	unsigned int n;

	for (n = 0; ; n++) {
		const uint8_t *h;
		uint32_t hlen;

		switch (nh) {
		case EXT_HOPOPTS:
			if (n != 0) {	/* RFC 8200 4.1: first, only */
				*why = SL_STAT_drop_ip6_exthdr;
				return -1;
			}
			break;
		case EXT_ROUTING:
		case EXT_DSTOPTS:
		case EXT_FRAGMENT:	/* its own length and fields: below */
			break;
		case EXT_NONE:
			*why = SL_STAT_drop_l4_proto;
			return -1;
		default:
			p->proto = nh;
			return 0;
		}
		if (n >= SL_IP6_EXT_MAX || *off + 8 > end) {
			*why = SL_STAT_drop_ip6_exthdr;
			return -1;
		}
		if (*off + 8 > seg0) {
			*why = SL_STAT_drop_multiseg_hdr;
			return -1;
		}
		h = rte_pktmbuf_mtod_offset(m, const uint8_t *, *off);
		if (nh == EXT_FRAGMENT) {
			/* offset and M in bytes 2-3, the rest reserved */
			if (h[2] != 0 || (h[3] & 0xf9) != 0) {
				p->proto = nh;
				*why = SL_STAT_drop_ip6_frag;
				return SL_NET_FRAG;
			}
			nh = h[0];
			*off += 8;
			continue;
		}
		hlen = ((uint32_t)h[1] + 1) * 8;
		if (*off + hlen > end) {
			*why = SL_STAT_drop_ip6_exthdr;
			return -1;
		}
		nh = h[0];
		*off += hlen;
	}
}

int
sl_net6_parse_ip(struct rte_mbuf *m, struct sl_pkt *p, uint16_t seg0,
	uint32_t plen, enum sl_stat *why)
{
	struct rte_ipv6_hdr *ip6;
	uint32_t paylen, off, end;
	int rc;

	if (plen < (uint32_t)p->l3_off + SL_IP6_HLEN) {
		*why = SL_STAT_drop_short;
		return -1;
	}
	if (seg0 < p->l3_off + SL_IP6_HLEN) {
		*why = SL_STAT_drop_multiseg_hdr;
		return -1;
	}
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, p->l3_off);
	p->ip6 = ip6;
	p->ip_ver = 6;
	if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6) {
		*why = SL_STAT_drop_ip_version;
		return -1;
	}
	paylen = rte_be_to_cpu_16(ip6->payload_len);
	/* 0 is a jumbogram's (RFC 2675): never on a guest link */
	if (paylen == 0 ||
	    (uint32_t)p->l3_off + SL_IP6_HLEN + paylen > plen) {
		*why = SL_STAT_drop_ip6_len;
		return -1;
	}
	if (sl_net6_is_mcast(ip6->src_addr)) {
		*why = SL_STAT_drop_ip6_hdr;
		return -1;
	}
	off = p->l3_off + SL_IP6_HLEN;
	end = off + paylen;
	rc = ext_walk(m, p, &off, end, seg0, why);
	if (rc < 0)
		return -1;
	if (end < plen)		/* Ethernet padding */
		rte_pktmbuf_trim(m, plen - end);
	/* a fragment: l4 is its fragment header, l4_len what follows it */
	p->l4_off = (uint16_t)off;
	p->l4_len = (uint16_t)(end - off);
	p->l4 = rte_pktmbuf_mtod_offset(m, uint8_t *, p->l4_off);
	return rc;
}

uint32_t
sl_net6_phdr_sum(const uint8_t *src, const uint8_t *dst, uint32_t len,
	uint8_t proto)
{
	uint32_t sum, be;

	sum = rte_raw_cksum(src, 16) + rte_raw_cksum(dst, 16);
	be = rte_cpu_to_be_32(len);
	sum += rte_raw_cksum(&be, 4);
	be = rte_cpu_to_be_32(proto);
	sum += rte_raw_cksum(&be, 4);
	return sum;
}

/**
 * final_dst - the final destination of a parsed frame for the pseudo-
 * header. A routing header with segments left would name another one;
 * sluice is the last hop of every guest frame, so the header's is used.
 */
static const uint8_t *
final_dst(const struct sl_pkt *p)
{
	return p->ip6->dst_addr;
}

bool
sl_net6_l4_cksum_ok(const struct sl_pkt *p)
{
	uint16_t raw;
	uint32_t sum;

	if (p->proto == IPPROTO_UDP &&
	    ((const struct rte_udp_hdr *)p->l4)->dgram_cksum == 0)
		return false;	/* RFC 8200 8.1: mandatory over IPv6 */
	if (sl_cksum_mbuf(p->m, p->l4_off, p->l4_len, &raw) != 0)
		return false;
	sum = sl_net6_phdr_sum(p->ip6->src_addr, final_dst(p), p->l4_len,
		p->proto) + raw;
	return sl_net_cksum_fold(sum) == 0xffff;
}

int
sl_net_prepend_ipv6(struct rte_mbuf *m, const struct rte_ether_addr *src_mac,
	const struct rte_ether_addr *dst_mac, const uint8_t *src,
	const uint8_t *dst, uint8_t proto, uint8_t hop_limit)
{
	uint32_t l4_len = rte_pktmbuf_pkt_len(m);
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip6;

	if (l4_len > UINT16_MAX)
		return -1;
	eth = sl_net_prepend_eth(m, sizeof(*ip6), src_mac, dst_mac,
		RTE_ETHER_TYPE_IPV6);
	if (eth == NULL)
		return -1;
	ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)l4_len);
	ip6->proto = proto;
	ip6->hop_limits = hop_limit;
	memcpy(ip6->src_addr, src, 16);
	memcpy(ip6->dst_addr, dst, 16);
	m->l2_len = sizeof(*eth);
	m->l3_len = sizeof(*ip6);
	return 0;
}

void
sl_net6_l4_cksum(struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m,
		struct rte_ipv6_hdr *, m->l2_len);
	uint16_t len = rte_be_to_cpu_16(ip6->payload_len);

	sl_net_l4_cksum_at(m, m->l2_len + m->l3_len, len, ip6->proto,
		sl_net6_phdr_sum(ip6->src_addr, ip6->dst_addr, len,
		ip6->proto));
}

int
sl_net6_build_icmp6(struct rte_mbuf *m, const void *msg, uint16_t len,
	const struct rte_ether_addr *src_mac,
	const struct rte_ether_addr *dst_mac, const uint8_t *src,
	const uint8_t *dst, uint8_t hop_limit)
{
	char *d;

	if (rte_pktmbuf_headroom(m) < sizeof(struct rte_ether_hdr) +
	    SL_IP6_HLEN)
		return -1;
	d = rte_pktmbuf_append(m, len);
	if (d == NULL)
		return -1;
	memcpy(d, msg, len);
	if (sl_net_prepend_ipv6(m, src_mac, dst_mac, src, dst, IPPROTO_ICMPV6,
	    hop_limit) != 0)
		return -1;
	sl_net6_l4_cksum(m);
	return 0;
}

int
sl_net6_build_ns(struct rte_mbuf *m, const struct rte_ether_addr *src_mac,
	const uint8_t *src, const uint8_t *target,
	const struct rte_ether_addr *ucast)
{
	uint8_t msg[32] = { SL_ICMP6_NS };
	struct rte_ether_addr dmac;
	uint8_t dst[16];

	memcpy(msg + 8, target, 16);
	msg[24] = SL_NDP_OPT_SLL;
	msg[25] = 1;	/* 8 bytes */
	memcpy(msg + 26, src_mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	if (ucast != NULL) {
		memcpy(dst, target, 16);
		dmac = *ucast;
	} else {
		sl_net6_solicited_node(dst, target);
		sl_net6_mcast_mac(&dmac, dst);
	}
	return sl_net6_build_icmp6(m, msg, sizeof(msg), src_mac, &dmac, src,
		dst, SL_NDP_HOP_LIMIT);
}
