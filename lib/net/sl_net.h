/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_net.h: frame parsing and building for guest frames (Ethernet, ARP,
 * IPv4, UDP, TCP, ICMP; IPv6's own parts in sl_net6.h). The parser checks every length before reading and
 * reports why it refuses a frame; the builders write headers and checksums.
 *
 * Headers (Ethernet + IPv4 + L4 header, options included) must sit in the
 * first mbuf segment; payload may span a chain.
 */
#ifndef SL_NET_H
#define SL_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "sl_stats.h"

struct sl_flow;

/* the DHCP ports (the server, lib/dhcp; steering, lib/core) */
#define SL_DHCP_SERVER_PORT	67
#define SL_DHCP_CLIENT_PORT	68

/** What the parser found in a frame. */
struct sl_pkt {
	struct rte_mbuf *m;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;	/**< IPv4 header; NULL otherwise */
	struct rte_ipv6_hdr *ip6;	/**< IPv6 header; NULL otherwise */
	uint8_t *l4;			/**< L4 header (first segment) */
	uint16_t l3_off;		/**< offset of the IP header */
	uint16_t l4_off;		/**< offset of the L4 header */
	uint16_t l4_len;		/**< L4 header + payload bytes */
	uint16_t l4_hlen;		/**< L4 header bytes (TCP: doff * 4) */
	uint16_t pay_off;		/**< offset of the L4 payload */
	uint16_t pay_len;		/**< L4 payload bytes */
	uint16_t ether_type;		/**< host order */
	uint8_t proto;			/**< IPPROTO_* (IPv6: upper layer) */
	uint8_t ip_ver;			/**< 4 or 6; 0: not IP (ARP) */
	bool l4_vouched;		/**< L4 checksum vouched by the port */
	struct sl_flow *flow;		/**< burst lookup result (a hint) */
};

/**
 * sl_net_prepend_eth - prepend an Ethernet header and room for an L3
 * header of @l3_hlen bytes to @m (IPv4 and IPv6 builders share it).
 * @dst_mac: destination, or NULL for zeros (the neighbour module fills it)
 * Return: the Ethernet header, or NULL when @m has no headroom.
 */
static inline struct rte_ether_hdr *
sl_net_prepend_eth(struct rte_mbuf *m, uint16_t l3_hlen,
	const struct rte_ether_addr *src_mac,
	const struct rte_ether_addr *dst_mac, uint16_t ether_type)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)
		rte_pktmbuf_prepend(m, (uint16_t)(sizeof(*eth) + l3_hlen));

	if (eth == NULL)
		return NULL;
	rte_ether_addr_copy(src_mac, &eth->src_addr);
	if (dst_mac != NULL)
		rte_ether_addr_copy(dst_mac, &eth->dst_addr);
	else
		memset(&eth->dst_addr, 0, sizeof(eth->dst_addr));
	eth->ether_type = rte_cpu_to_be_16(ether_type);
	return eth;
}

/**
 * sl_net_parse - validate a guest frame and locate its headers.
 * @m: frame (trailing Ethernet padding is trimmed from it)
 * @p: filled on success
 * @why: on failure, the counter naming the reason
 *
 * Accepts ARP; unfragmented, option-less IPv4 carrying TCP, UDP or ICMP;
 * and IPv6 carrying TCP, UDP or ICMPv6 behind any hop-by-hop, routing,
 * destination options and atomic fragment headers (sl_net6.c); with valid
 * IPv4 and L4 checksums (unless the port vouched for them:
 * RTE_MBUF_F_RX_*_CKSUM_GOOD, or for L4 RTE_MBUF_F_RX_L4_CKSUM_NONE, see
 * sl_net.c). An option-less IPv4 fragment with a valid header is
 * SL_NET_FRAG: @p has eth, ip and l3_off (nothing past the IPv4 header is
 * read) and @why says drop_ip_frag, for callers that do not reassemble.
 * So is an IPv6 fragment whose headers up to its fragment header are valid:
 * @p has eth, ip6, l3_off, proto (44), l4_off (the fragment header, in the
 * first segment), l4_len (it and what follows) and @why says drop_ip6_frag.
 *
 * Return: 0 on success, SL_NET_FRAG, or -1 when the frame must be dropped.
 */
int sl_net_parse(struct rte_mbuf *m, struct sl_pkt *p, enum sl_stat *why);

/** sl_net_parse: an IPv4 or IPv6 fragment, for reassembly (sl_frag_input). */
#define SL_NET_FRAG 1

/**
 * sl_net_cksum_fold - fold a 32-bit one's complement sum to 16 bits.
 */
static inline uint16_t
sl_net_cksum_fold(uint32_t sum)
{
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	return (uint16_t)sum;
}

/**
 * sl_net_prepend_ipv4 - prepend Ethernet + IPv4 headers to an L4 packet.
 * @m: mbuf (chain) holding the L4 header and payload, with 34 bytes of
 *	headroom in its first segment
 * @src_mac: Ethernet source
 * @dst_mac: Ethernet destination, or NULL to leave it zero (sl_neigh_tx
 *	writes it)
 * @saddr: IPv4 source, network order
 * @daddr: IPv4 destination, network order
 * @proto: IPPROTO_*
 *
 * Writes both headers (IPv4 checksum included) and sets m->l2_len/l3_len.
 *
 * Return: 0, or -1 when the headroom is short or the packet too long.
 */
int sl_net_prepend_ipv4(struct rte_mbuf *m,
	const struct rte_ether_addr *src_mac,
	const struct rte_ether_addr *dst_mac,
	uint32_t saddr, uint32_t daddr, uint8_t proto);

/**
 * sl_net_build_arp - append an ARP packet (IPv4 over Ethernet) in its
 * Ethernet frame to an empty mbuf.
 * @m: empty mbuf
 * @op: RTE_ARP_OP_REQUEST or RTE_ARP_OP_REPLY
 * @eth_dst: Ethernet destination
 * @sha: sender MAC, also the Ethernet source
 * @sip: sender address (network order)
 * @tha: target MAC, or NULL for zero (a request)
 * @tip: target address (network order)
 *
 * Return: 0, or -1 when the mbuf has no room.
 */
int sl_net_build_arp(struct rte_mbuf *m, uint16_t op,
	const struct rte_ether_addr *eth_dst, const struct rte_ether_addr *sha,
	uint32_t sip, const struct rte_ether_addr *tha, uint32_t tip);

/**
 * sl_net_l4_cksum - compute and store the UDP/TCP/ICMP checksum of a frame
 * built by sl_net_prepend_ipv4 (payload may span the mbuf chain).
 * @m: frame
 */
void sl_net_l4_cksum(struct rte_mbuf *m);

#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6	58
#endif

/**
 * sl_net_l4_cksum_at - compute and store the checksum of the TCP, UDP,
 * ICMP or ICMPv6 packet of @len bytes at @off (its header in the first
 * segment, the rest may span the chain); a UDP sum of 0 is sent as 0xffff.
 * @m: frame
 * @off: offset of the L4 header
 * @len: L4 header and payload bytes
 * @proto: IPPROTO_*
 * @phdr: the unfolded pseudo-header sum (0 for ICMP, which has none)
 */
void sl_net_l4_cksum_at(struct rte_mbuf *m, uint16_t off, uint16_t len,
	uint8_t proto, uint32_t phdr);

/** The tx offload requests sluice may set on a frame (ol_flags). */
#define SL_NET_TX_OL_MASK (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6 | \
	RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG)

/**
 * sl_net_tcp_tx_offload - leave the checksums of a TCP frame built by
 * sl_net_prepend_ipv4 or sl_net_prepend_ipv6 to the port, optionally with
 * TCP segmentation.
 * @m: frame (TCP header in the first segment)
 * @ip_cksum: the port also computes the IPv4 header checksum (IPv6 has
 *	none: ignored for it)
 * @tso_segsz: 0, or the MSS the port cuts the payload into (TSO)
 *
 * Sets ol_flags (TX_IPV4 or TX_IPV6, TX_TCP_CKSUM, TX_IP_CKSUM for IPv4,
 * TX_TCP_SEG), l4_len and tso_segsz, and writes the pseudo-header checksum
 * into the TCP checksum field, as rte_ipv4_phdr_cksum() /
 * rte_ipv6_phdr_cksum() define it for those flags (without the length for
 * TSO).
 */
void sl_net_tcp_tx_offload(struct rte_mbuf *m, bool ip_cksum,
	uint16_t tso_segsz);

/**
 * sl_net_tx_cksum_sw - compute the checksums of a frame built by
 * sl_net_prepend_ipv4 or sl_net_prepend_ipv6 here: clears any offload request a previous
 * transmission left in it (and redoes the IPv4 header checksum if it was
 * left to the port), then sl_net_l4_cksum().
 * @m: frame
 */
void sl_net_tx_cksum_sw(struct rte_mbuf *m);

/**
 * sl_net_is_bcast - whether @addr (network order) is a broadcast or
 * multicast address, or the directed broadcast of the guest subnet.
 */
int sl_net_is_bcast(uint32_t addr, uint32_t net, uint8_t prefix_len);

/**
 * sl_net_iov - describe @len bytes of an mbuf chain from @off as an iovec
 * (no copy), for a writev to the host.
 * @m: mbuf chain
 * @off: first byte
 * @len: bytes
 * @iov: filled
 * @max: entries available in @iov
 *
 * Return: entries used, or -1 when the chain is shorter or @max too small.
 */
int sl_net_iov(const struct rte_mbuf *m, uint32_t off, uint32_t len,
	struct iovec *iov, int max);

#endif /* SL_NET_H */
