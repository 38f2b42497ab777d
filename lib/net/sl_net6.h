/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_net6.h: IPv6 frame parsing and building (the IPv6 twin of sl_net.h's
 * IPv4 parts): the fixed header and the extension header walk, the
 * pseudo-header checksum, the IPv6 + ICMPv6 builders, neighbour discovery
 * messages (solicitation and advertisement, used by lib/neigh and
 * lib/icmp6) and the address helpers (link-local from a MAC, solicited-node
 * multicast).
 */
#ifndef SL_NET6_H
#define SL_NET6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "sl_net.h"
#include "sl_stats.h"

#define SL_IP6_HLEN		40	/* fixed header */
#define SL_IP6_EXT_MAX		8	/* extension headers walked, at most */
#define SL_DHCP6_SERVER_PORT	547	/* its frames steer to worker 0 */

/* ICMPv6 types (RFC 4443, RFC 4861) */
#define SL_ICMP6_ECHO_REQUEST	128
#define SL_ICMP6_ECHO_REPLY	129
#define SL_ICMP6_RS		133
#define SL_ICMP6_RA		134
#define SL_ICMP6_NS		135
#define SL_ICMP6_NA		136

/* NDP options (RFC 4861 4.6, RFC 8106) */
#define SL_NDP_OPT_SLL		1	/* source link-layer address */
#define SL_NDP_OPT_TLL		2	/* target link-layer address */
#define SL_NDP_OPT_PREFIX	3
#define SL_NDP_OPT_MTU		5
#define SL_NDP_OPT_RDNSS	25

/* NA flags (first byte of the reserved word) */
#define SL_NA_ROUTER		0x80
#define SL_NA_SOLICITED		0x40
#define SL_NA_OVERRIDE		0x20

#define SL_NDP_HOP_LIMIT	255	/* RFC 4861: NDP messages only */

/**
 * sl_net6_parse_ip - check the IPv6 header after the Ethernet header, walk
 * its extension headers and find the upper layer; trims Ethernet padding.
 * @m: the frame
 * @p: parsed so far (Ethernet); on success ip6, ip_ver, proto, l4_off,
 *	l4_len and l4
 * @seg0: bytes in the first segment
 * @plen: bytes in the frame
 * @why: set to the drop reason on failure
 *
 * Hop-by-hop (first only), routing and destination options headers are
 * skipped, each bounds-checked against the payload and the first segment,
 * at most SL_IP6_EXT_MAX of them; an atomic fragment header (offset 0,
 * M clear, RFC 6946) is skipped too; any other fragment header ends the
 * walk: SL_NET_FRAG, l4_off/l4_len the fragment header and what follows,
 * proto 44, @why drop_ip6_frag (for reassembly, lib/frag); "no next
 * header" and other protocols are drop_l4_proto.
 *
 * Return: 0, SL_NET_FRAG, or -1 (drop).
 */
int sl_net6_parse_ip(struct rte_mbuf *m, struct sl_pkt *p, uint16_t seg0,
	uint32_t plen, enum sl_stat *why);

/**
 * sl_net6_phdr_sum - the unfolded one's complement sum of the IPv6
 * pseudo-header (RFC 8200 8.1).
 * @src: source address (16 bytes)
 * @dst: final destination (16 bytes)
 * @len: upper-layer packet length
 * @proto: upper-layer protocol
 */
uint32_t sl_net6_phdr_sum(const uint8_t *src, const uint8_t *dst,
	uint32_t len, uint8_t proto);

/**
 * sl_net6_l4_cksum_ok - verify the upper-layer checksum of parsed IPv6
 * frame @p (the payload may span the chain). A UDP checksum of zero is
 * invalid over IPv6.
 */
bool sl_net6_l4_cksum_ok(const struct sl_pkt *p);

/**
 * sl_net_prepend_ipv6 - prepend Ethernet + IPv6 headers to an upper-layer
 * packet.
 * @m: mbuf (chain) holding the upper-layer packet, with 54 bytes of
 *	headroom in its first segment
 * @src_mac: Ethernet source
 * @dst_mac: Ethernet destination, or NULL to leave it zero
 * @src: IPv6 source (16 bytes)
 * @dst: IPv6 destination (16 bytes)
 * @proto: next header (IPPROTO_*)
 * @hop_limit: hop limit (255 for NDP)
 *
 * Sets m->l2_len/l3_len. Return: 0, or -1 (headroom short, too long).
 */
int sl_net_prepend_ipv6(struct rte_mbuf *m,
	const struct rte_ether_addr *src_mac,
	const struct rte_ether_addr *dst_mac, const uint8_t *src,
	const uint8_t *dst, uint8_t proto, uint8_t hop_limit);

/**
 * sl_net6_l4_cksum - compute and store the UDP/TCP/ICMPv6 checksum of a
 * frame built by sl_net_prepend_ipv6 (payload may span the chain).
 */
void sl_net6_l4_cksum(struct rte_mbuf *m);

/**
 * sl_net6_build_icmp6 - an ICMPv6 message in a fresh IPv6 frame: @len
 * bytes of @msg (type first, checksum computed here).
 * @m: empty mbuf
 * Other arguments as sl_net_prepend_ipv6().
 * Return: 0, or -1 when the mbuf has no room.
 */
int sl_net6_build_icmp6(struct rte_mbuf *m, const void *msg, uint16_t len,
	const struct rte_ether_addr *src_mac,
	const struct rte_ether_addr *dst_mac, const uint8_t *src,
	const uint8_t *dst, uint8_t hop_limit);

/**
 * sl_net6_build_ns - a neighbour solicitation for @target from @src (with
 * a source link-layer option @src_mac), to the solicited-node multicast
 * address of @target, or unicast to @ucast (the address and its MAC:
 * re-verifying a stale entry).
 * @m: empty mbuf
 * Return: 0, or -1 when the mbuf has no room.
 */
int sl_net6_build_ns(struct rte_mbuf *m, const struct rte_ether_addr *src_mac,
	const uint8_t *src, const uint8_t *target,
	const struct rte_ether_addr *ucast);

/**
 * sl_net6_solicited_node - the solicited-node multicast address of @addr
 * (ff02::1:ffXX:XXXX, RFC 4291 2.7.1) into @out.
 */
static inline void
sl_net6_solicited_node(uint8_t *out, const uint8_t *addr)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0x01, 0xff };

	memcpy(out, pfx, sizeof(pfx));
	memcpy(out + 13, addr + 13, 3);
}

/** sl_net6_mcast_mac - the Ethernet address of IPv6 multicast @addr. */
static inline void
sl_net6_mcast_mac(struct rte_ether_addr *mac, const uint8_t *addr)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], addr + 12, 4);
}

/**
 * sl_net6_eui64 - write the modified EUI-64 interface identifier of @mac
 * into the last 8 bytes of @addr (RFC 4291 appendix A).
 */
static inline void
sl_net6_eui64(uint8_t *addr, const struct rte_ether_addr *mac)
{
	addr[8] = mac->addr_bytes[0] ^ 0x02;
	addr[9] = mac->addr_bytes[1];
	addr[10] = mac->addr_bytes[2];
	addr[11] = 0xff;
	addr[12] = 0xfe;
	addr[13] = mac->addr_bytes[3];
	addr[14] = mac->addr_bytes[4];
	addr[15] = mac->addr_bytes[5];
}

/** sl_net6_link_local - fe80::/64 with @mac's EUI-64 identifier. */
static inline void
sl_net6_link_local(uint8_t *addr, const struct rte_ether_addr *mac)
{
	memset(addr, 0, 8);
	addr[0] = 0xfe;
	addr[1] = 0x80;
	sl_net6_eui64(addr, mac);
}

/** sl_net6_is_ll - whether @a is link-local unicast (fe80::/10). */
static inline bool
sl_net6_is_ll(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/** sl_net6_is_unspec - whether @a is :: (a DAD probe's source). */
static inline bool
sl_net6_is_unspec(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/** sl_net6_is_mcast - whether @a is multicast (ff00::/8). */
static inline bool
sl_net6_is_mcast(const uint8_t *a)
{
	return a[0] == 0xff;
}

#endif /* SL_NET6_H */
