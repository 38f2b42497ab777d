/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_net.c: guest frame parsing (every length checked before it is read,
 * every refusal named by a counter) and frame building.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "sl_cksum.h"
#include "sl_net.h"
#include "sl_net6.h"

#define SL_IPV4_MF	0x2000
#define SL_IPV4_OFFMASK	0x1fff

/**
 * l4_cksum_ok - verify the L4 checksum of a parsed IPv4 frame.
 * @p: parsed frame; p->l4_vouched is set when the port vouched for it
 *
 * The port vouches with RX_L4_CKSUM_GOOD, or with RX_L4_CKSUM_NONE, which
 * DPDK defines as "the checksum in the packet is not correct, but the
 * integrity of the L4 data is verified". The vhost library (net_vhost,
 * compliant offload flags, rx checksum offload enabled) reports NONE for a
 * guest frame whose virtio-net header asks for checksum completion
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM: the field holds only the pseudo-header
 * sum) and for every GSO frame (a TCP segment of up to 64 KiB the guest
 * did not cut): the bytes come from the guest's memory, not from a wire,
 * so there is nothing to verify. RX_L4_CKSUM_UNKNOWN (or no flag) means
 * verify here; BAD drops.
 *
 * Return: true when valid (or vouched for by the port, or UDP without one).
 */
static bool
l4_cksum_ok(struct sl_pkt *p)
{
	uint64_t fl = p->m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint32_t sum;

	if (fl == RTE_MBUF_F_RX_L4_CKSUM_GOOD ||
	    fl == RTE_MBUF_F_RX_L4_CKSUM_NONE) {
		p->l4_vouched = true;
		return true;
	}
	if (fl == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	if (p->ip6 != NULL)
		return sl_net6_l4_cksum_ok(p);
	if (p->proto == IPPROTO_UDP &&
	    ((const struct rte_udp_hdr *)p->l4)->dgram_cksum == 0)
		return true;
	if (p->proto == IPPROTO_ICMP) {
		uint16_t c;

		if (sl_cksum_mbuf(p->m, p->l4_off, p->l4_len, &c) != 0)
			return false;
		return c == 0xffff;
	}
	sum = rte_ipv4_phdr_cksum(p->ip, 0);
	{
		uint16_t raw;

		if (sl_cksum_mbuf(p->m, p->l4_off, p->l4_len, &raw) != 0)
			return false;
		sum += raw;
	}
	return sl_net_cksum_fold(sum) == 0xffff;
}

/**
 * parse_ipv4 - check the IPv4 header after the Ethernet header, trim any
 * Ethernet padding, and find the L4 header.
 * @m: the frame
 * @p: parsed so far (Ethernet); on success proto, l4_off, l4_len and l4
 * @seg0: bytes in the first segment
 * @plen: bytes in the frame
 * @why: set to the drop reason when it does not return 0
 *
 * Return: 0, -1 (drop), or SL_NET_FRAG for a fragment.
 */
static __rte_always_inline int
parse_ipv4(struct rte_mbuf *m, struct sl_pkt *p, uint16_t seg0, uint32_t plen,
	enum sl_stat *why)
{
	struct rte_ipv4_hdr *ip;
	uint16_t ihl, tot, frag;

	if (plen < p->l3_off + sizeof(struct rte_ipv4_hdr)) {
		*why = SL_STAT_drop_short;
		return -1;
	}
	if (seg0 < p->l3_off + sizeof(struct rte_ipv4_hdr)) {
		*why = SL_STAT_drop_multiseg_hdr;
		return -1;
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, p->l3_off);
	p->ip = ip;
	if ((ip->version_ihl >> 4) != 4) {
		*why = SL_STAT_drop_ip_version;
		return -1;
	}
	ihl = (ip->version_ihl & 0xf) * 4;
	if (ihl < sizeof(struct rte_ipv4_hdr)) {
		*why = SL_STAT_drop_ip_hdr;
		return -1;
	}
	if (seg0 < p->l3_off + ihl) {
		*why = plen < (uint32_t)p->l3_off + ihl ?
			SL_STAT_drop_short : SL_STAT_drop_multiseg_hdr;
		return -1;
	}
	tot = rte_be_to_cpu_16(ip->total_length);
	if (tot < ihl || (uint32_t)p->l3_off + tot > plen) {
		*why = SL_STAT_drop_ip_len;
		return -1;
	}
	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) !=
	    RTE_MBUF_F_RX_IP_CKSUM_GOOD && rte_raw_cksum(ip, ihl) != 0xffff) {
		*why = SL_STAT_drop_ip_csum;
		return -1;
	}
	if (ihl != sizeof(struct rte_ipv4_hdr)) {
		*why = SL_STAT_drop_ip_options;
		return -1;
	}
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	if (frag & (SL_IPV4_MF | SL_IPV4_OFFMASK)) {
		*why = SL_STAT_drop_ip_frag;
		return SL_NET_FRAG;
	}
	/* Ethernet padding: make pkt_len exactly the IP datagram */
	if ((uint32_t)p->l3_off + tot < plen)
		rte_pktmbuf_trim(m, plen - (p->l3_off + tot));
	p->proto = ip->next_proto_id;
	p->l4_off = p->l3_off + ihl;
	p->l4_len = tot - ihl;
	p->l4 = rte_pktmbuf_mtod_offset(m, uint8_t *, p->l4_off);
	return 0;
}

/**
 * parse_l4_hdr - check the TCP, UDP or ICMP header p->l4 points to: its
 * length fits the IP payload and the first segment; sets p->l4_hlen.
 * @m: the frame
 * @p: parsed up to the IPv4 header
 * @why: set to the drop reason on failure
 *
 * Return: 0 or -1 (drop; other protocols too).
 */
static __rte_always_inline int
parse_l4_hdr(struct rte_mbuf *m, struct sl_pkt *p, enum sl_stat *why)
{
	switch (p->proto) {
	case IPPROTO_TCP: {
		const struct rte_tcp_hdr *th = (const void *)p->l4;

		if (p->l4_len < sizeof(*th)) {
			*why = SL_STAT_drop_l4_hdr;
			return -1;
		}
		if (rte_pktmbuf_data_len(m) < p->l4_off + sizeof(*th)) {
			*why = SL_STAT_drop_multiseg_hdr;
			return -1;
		}
		p->l4_hlen = (th->data_off >> 4) * 4;
		if (p->l4_hlen < sizeof(*th) || p->l4_hlen > p->l4_len) {
			*why = SL_STAT_drop_l4_hdr;
			return -1;
		}
		if (rte_pktmbuf_data_len(m) < p->l4_off + p->l4_hlen) {
			*why = SL_STAT_drop_multiseg_hdr;
			return -1;
		}
		return 0;
	}
	case IPPROTO_UDP: {
		const struct rte_udp_hdr *uh = (const void *)p->l4;
		uint16_t ulen;

		if (p->l4_len < sizeof(*uh)) {
			*why = SL_STAT_drop_l4_hdr;
			return -1;
		}
		if (rte_pktmbuf_data_len(m) < p->l4_off + sizeof(*uh)) {
			*why = SL_STAT_drop_multiseg_hdr;
			return -1;
		}
		ulen = rte_be_to_cpu_16(uh->dgram_len);
		if (ulen < sizeof(*uh) || ulen > p->l4_len) {
			*why = SL_STAT_drop_l4_hdr;
			return -1;
		}
		p->l4_hlen = sizeof(*uh);
		return 0;
	}
	case IPPROTO_ICMPV6:	/* the same 8-byte minimum as ICMP's */
		if (p->ip_ver != 6) {
			*why = SL_STAT_drop_l4_proto;
			return -1;
		}
		/* fall through */
	case IPPROTO_ICMP:
		if (p->proto == IPPROTO_ICMP && p->ip_ver != 4) {
			*why = SL_STAT_drop_l4_proto;
			return -1;
		}
		if (p->l4_len < sizeof(struct rte_icmp_hdr)) {
			*why = SL_STAT_drop_l4_hdr;
			return -1;
		}
		if (rte_pktmbuf_data_len(m) <
		    p->l4_off + sizeof(struct rte_icmp_hdr)) {
			*why = SL_STAT_drop_multiseg_hdr;
			return -1;
		}
		p->l4_hlen = sizeof(struct rte_icmp_hdr);
		return 0;
	default:
		*why = SL_STAT_drop_l4_proto;
		return -1;
	}
}

int
sl_net_parse(struct rte_mbuf *m, struct sl_pkt *p, enum sl_stat *why)
{
	uint16_t seg0 = rte_pktmbuf_data_len(m);
	uint32_t plen = rte_pktmbuf_pkt_len(m);
	int rc;

	memset(p, 0, sizeof(*p));
	p->m = m;
	if (plen < sizeof(struct rte_ether_hdr) ||
	    seg0 < sizeof(struct rte_ether_hdr)) {
		*why = SL_STAT_drop_short;
		return -1;
	}
	p->eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	p->ether_type = rte_be_to_cpu_16(p->eth->ether_type);
	p->l3_off = sizeof(struct rte_ether_hdr);
	if (p->ether_type == RTE_ETHER_TYPE_ARP) {
		if (seg0 < p->l3_off + sizeof(struct rte_arp_hdr)) {
			*why = plen < p->l3_off + sizeof(struct rte_arp_hdr) ?
				SL_STAT_drop_short : SL_STAT_drop_multiseg_hdr;
			return -1;
		}
		return 0;
	}
	if (p->ether_type == RTE_ETHER_TYPE_IPV4) {
		p->ip_ver = 4;
		rc = parse_ipv4(m, p, seg0, plen, why);
		if (rc != 0)
			return rc;
	} else if (p->ether_type == RTE_ETHER_TYPE_IPV6) {
		rc = sl_net6_parse_ip(m, p, seg0, plen, why);
		if (rc != 0)
			return rc;
	} else {
		*why = SL_STAT_drop_ethertype;
		return -1;
	}
	if (parse_l4_hdr(m, p, why) != 0)
		return -1;
	if (!l4_cksum_ok(p)) {
		*why = SL_STAT_drop_l4_csum;
		return -1;
	}
	if (p->proto == IPPROTO_UDP) {
		/* UDP length may be shorter than the IP payload: trust it */
		uint16_t ulen = rte_be_to_cpu_16(
			((const struct rte_udp_hdr *)p->l4)->dgram_len);

		p->l4_len = ulen;
	}
	p->pay_off = p->l4_off + p->l4_hlen;
	p->pay_len = p->l4_len - p->l4_hlen;
	return 0;
}

int
sl_net_prepend_ipv4(struct rte_mbuf *m, const struct rte_ether_addr *src_mac,
	const struct rte_ether_addr *dst_mac, uint32_t saddr, uint32_t daddr,
	uint8_t proto)
{
	uint32_t l4_len = rte_pktmbuf_pkt_len(m);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;

	if (l4_len + sizeof(*ip) > UINT16_MAX)
		return -1;
	eth = sl_net_prepend_eth(m, sizeof(*ip), src_mac, dst_mac,
		RTE_ETHER_TYPE_IPV4);
	if (eth == NULL)
		return -1;
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(l4_len + sizeof(*ip)));
	ip->packet_id = 0;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->hdr_checksum = 0;
	ip->src_addr = saddr;
	ip->dst_addr = daddr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m->l2_len = sizeof(*eth);
	m->l3_len = sizeof(*ip);
	return 0;
}

int
sl_net_build_arp(struct rte_mbuf *m, uint16_t op,
	const struct rte_ether_addr *eth_dst, const struct rte_ether_addr *sha,
	uint32_t sip, const struct rte_ether_addr *tha, uint32_t tip)
{
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
		sizeof(*eth) + sizeof(*arp));
	if (eth == NULL)
		return -1;
	rte_ether_addr_copy(eth_dst, &eth->dst_addr);
	rte_ether_addr_copy(sha, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp = (struct rte_arp_hdr *)(eth + 1);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(sha, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = sip;
	if (tha != NULL)
		rte_ether_addr_copy(tha, &arp->arp_data.arp_tha);
	else
		memset(&arp->arp_data.arp_tha, 0, sizeof(arp->arp_data.arp_tha));
	arp->arp_data.arp_tip = tip;
	return 0;
}

void
sl_net_l4_cksum_at(struct rte_mbuf *m, uint16_t off, uint16_t len,
	uint8_t proto, uint32_t phdr)
{
	uint16_t raw = 0, field_off;

	switch (proto) {
	case IPPROTO_TCP:
		field_off = offsetof(struct rte_tcp_hdr, cksum);
		break;
	case IPPROTO_UDP:
		field_off = offsetof(struct rte_udp_hdr, dgram_cksum);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		field_off = offsetof(struct rte_icmp_hdr, icmp_cksum);
		break;
	default:
		return;
	}
	/* the L4 header is in the first segment (we built it there) */
	memset(rte_pktmbuf_mtod_offset(m, uint8_t *, off + field_off), 0, 2);
	sl_cksum_mbuf(m, off, len, &raw);
	raw = (uint16_t)~sl_net_cksum_fold(phdr + raw);
	if (raw == 0 && proto == IPPROTO_UDP)
		raw = 0xffff;
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, off + field_off), &raw, 2);
}

void
sl_net_l4_cksum(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
		struct rte_ipv4_hdr *, m->l2_len);

	if ((ip->version_ihl >> 4) == 6) {
		sl_net6_l4_cksum(m);
		return;
	}
	/* ICMP has no pseudo-header */
	sl_net_l4_cksum_at(m, m->l2_len + m->l3_len,
		rte_be_to_cpu_16(ip->total_length) - m->l3_len,
		ip->next_proto_id, ip->next_proto_id == IPPROTO_ICMP ? 0 :
		rte_ipv4_phdr_cksum(ip, 0));
}

void
sl_net_tcp_tx_offload(struct rte_mbuf *m, bool ip_cksum, uint16_t tso_segsz)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
		struct rte_ipv4_hdr *, m->l2_len);
	struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m,
		struct rte_tcp_hdr *, m->l2_len + m->l3_len);
	bool v6 = (ip->version_ihl >> 4) == 6;
	uint64_t fl = RTE_MBUF_F_TX_TCP_CKSUM;

	if (v6) {
		fl |= RTE_MBUF_F_TX_IPV6;	/* no header checksum */
	} else if (ip_cksum) {
		fl |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		ip->hdr_checksum = 0;
	} else {
		fl |= RTE_MBUF_F_TX_IPV4;
		if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM) {
			/* left to the port before, computed here now */
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
	}
	if (tso_segsz != 0)
		fl |= RTE_MBUF_F_TX_TCP_SEG;
	m->ol_flags = (m->ol_flags & ~SL_NET_TX_OL_MASK) | fl;
	m->l4_len = (th->data_off >> 4) * 4;
	m->tso_segsz = tso_segsz;
	th->cksum = v6 ? rte_ipv6_phdr_cksum((const struct rte_ipv6_hdr *)ip,
		m->ol_flags) : rte_ipv4_phdr_cksum(ip, m->ol_flags);
}

void
sl_net_tx_cksum_sw(struct rte_mbuf *m)
{
	if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, m->l2_len);

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	m->ol_flags &= ~SL_NET_TX_OL_MASK;
	m->tso_segsz = 0;
	sl_net_l4_cksum(m);
}

int
sl_net_is_bcast(uint32_t addr, uint32_t net, uint8_t prefix_len)
{
	uint32_t a = rte_be_to_cpu_32(addr);
	uint32_t mask = prefix_len ? ~0u << (32 - prefix_len) : 0;

	if (a == 0xffffffffu || (a >> 28) == 0xe)
		return 1;
	if ((a & mask) == (rte_be_to_cpu_32(net) & mask) &&
	    (a & ~mask) == ~mask)
		return 1;
	return 0;
}

int
sl_net_iov(const struct rte_mbuf *m, uint32_t off, uint32_t len,
	struct iovec *iov, int max)
{
	int n = 0;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (len > 0) {
		uint32_t take;

		if (m == NULL || n == max)
			return -1;
		take = m->data_len - off;
		if (take > len)
			take = len;
		iov[n].iov_base = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
		iov[n].iov_len = take;
		n++;
		len -= take;
		off = 0;
		m = m->next;
	}
	return n;
}
