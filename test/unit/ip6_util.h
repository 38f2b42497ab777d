/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * ip6_util.h: IPv6 guest frames for the unit tests (test_ip6.c,
 * test_ndp.c), built byte by byte with a checksum of the test's own, and
 * the counters by name.
 */
#ifndef IP6_UTIL_H
#define IP6_UTIL_H

#include <string.h>

#include <arpa/inet.h>

#include "sl_net6.h"
#include "sl_test.h"

/** stat6 - counter @name of @w, or -1 when there is no such counter. */
static inline long long
stat6(const struct sl_worker *w, const char *name)
{
	unsigned int k;

	for (k = 0; k < SL_STAT_MAX; k++)
		if (strcmp(sl_stat_names[k], name) == 0)
			return (long long)w->stats[k];
	return -1;
}

/**
 * env6_init - a test worker with IPv6 on (manual clock), its start-up
 * router advertisement already sent and cleared from the capture.
 * @cfg: configuration, or NULL for the defaults
 * Return: 0 or -1.
 */
static inline int
env6_init(struct sl_test_env *env, const struct sl_config *cfg)
{
	struct sl_config c;

	if (cfg != NULL) {
		c = *cfg;
	} else {
		sl_config_defaults(&c);
		c.dns_fwd = RTE_BE32(RTE_IPV4(127, 0, 0, 53));
		c.max_flows = 1024;
	}
	if (sl_test_env_init_manual(env, &c) != 0)
		return -1;
	sl_test_input(env, NULL);
	sl_test_cap_clear(env);
	return 0;
}

/** a6 - the 16 bytes of IPv6 address text @s (static buffer ring). */
static inline const uint8_t *
a6(const char *s)
{
	static uint8_t ring[8][16];
	static unsigned int k;
	uint8_t *b = ring[k++ % 8];

	if (inet_pton(AF_INET6, s, b) != 1)
		memset(b, 0xee, 16);
	return b;
}

/** sock6 - the IPv6 socket address @s:@port (host order). */
static inline union sl_sockaddr
sock6(const char *s, uint16_t port)
{
	union sl_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.in6.sin6_family = AF_INET6;
	sa.in6.sin6_port = htons(port);
	memcpy(&sa.in6.sin6_addr, a6(s), 16);
	return sa;
}

/** sum16 - one's complement sum of @len bytes (big-endian words). */
static inline uint32_t
sum16(const uint8_t *b, unsigned int len, uint32_t sum)
{
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

/** An IPv6 frame description for build6(). */
struct f6 {
	const uint8_t *src, *dst;	/* 16 bytes each */
	const struct rte_ether_addr *eth_dst;	/* NULL: the gateway MAC */
	const uint8_t *ext;		/* extension headers, or NULL */
	uint16_t ext_len;
	uint8_t first_nh;		/* next header of the fixed header */
	uint8_t proto;			/* upper layer */
	uint8_t hop;			/* 0: 255 */
	const uint8_t *l4;		/* upper layer, checksum field zero */
	uint16_t l4_len;
	int paylen_delta;		/* added to the payload length field */
	bool bad_cksum;
};

/**
 * build6 - write the frame @f describes into @b (from the guest MAC).
 * Return: its length.
 */
static inline uint16_t
build6(const struct sl_test_env *env, uint8_t *b, const struct f6 *f)
{
	uint16_t plen = f->ext_len + f->l4_len, off, ck = 0;
	uint8_t *l4;
	uint32_t s;

	memcpy(b, f->eth_dst != NULL ? f->eth_dst->addr_bytes :
		env->w.gw_mac.addr_bytes, 6);
	memcpy(b + 6, sl_test_guest_mac.addr_bytes, 6);
	b[12] = 0x86;
	b[13] = 0xdd;
	memset(b + 14, 0, 40);
	b[14] = 0x60;
	b[18] = (uint8_t)((plen + f->paylen_delta) >> 8);
	b[19] = (uint8_t)(plen + f->paylen_delta);
	b[20] = f->ext != NULL ? f->first_nh : f->proto;
	b[21] = f->hop != 0 ? f->hop : 255;
	memcpy(b + 22, f->src, 16);
	memcpy(b + 38, f->dst, 16);
	if (f->ext != NULL)
		memcpy(b + 54, f->ext, f->ext_len);
	l4 = b + 54 + f->ext_len;
	memcpy(l4, f->l4, f->l4_len);
	off = f->proto == IPPROTO_UDP ? 6 : f->proto == IPPROTO_TCP ? 16 : 2;
	s = sum16(f->src, 16, 0);
	s = sum16(f->dst, 16, s);
	s += f->l4_len;
	s += f->proto;
	s = sum16(l4, f->l4_len, s);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	ck = (uint16_t)~s;
	if (f->bad_cksum)
		ck ^= 0x0101;
	l4[off] = (uint8_t)(ck >> 8);
	l4[off + 1] = (uint8_t)ck;
	return (uint16_t)(54 + plen);
}

/** send6 - build @f and run one worker iteration on it. */
static inline void
send6(struct sl_test_env *env, const struct f6 *f)
{
	uint8_t b[2048];
	uint16_t len = build6(env, b, f);

	sl_test_input(env, sl_test_frame(env, b, len));
}

/**
 * cap6 - the ICMPv6 message of captured frame @i (its IPv6 header in
 * *@ip6 when not NULL), or NULL when it is not IPv6/ICMPv6.
 */
static inline const uint8_t *
cap6(const struct sl_test_env *env, unsigned int i,
	const struct rte_ipv6_hdr **ip6, uint16_t *len)
{
	const struct rte_mbuf *m = env->cap.m[i];
	const uint8_t *b = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv6_hdr *h = (const void *)(b + 14);

	if (rte_pktmbuf_data_len(m) < 54 || b[12] != 0x86 || b[13] != 0xdd ||
	    h->proto != IPPROTO_ICMPV6)
		return NULL;
	if (ip6 != NULL)
		*ip6 = h;
	if (len != NULL)
		*len = rte_be_to_cpu_16(h->payload_len);
	return b + 54;
}

/** cksum6_ok - whether captured IPv6 frame @i's upper-layer sum is right. */
static inline bool
cksum6_ok(const struct sl_test_env *env, unsigned int i)
{
	const uint8_t *b = rte_pktmbuf_mtod(env->cap.m[i], const uint8_t *);
	const struct rte_ipv6_hdr *h = (const void *)(b + 14);
	uint16_t l = rte_be_to_cpu_16(h->payload_len);
	uint32_t s;

	s = sum16(h->src_addr, 16, 0);
	s = sum16(h->dst_addr, 16, s);
	s += l;
	s += h->proto;
	s = sum16(b + 54, l, s);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

#endif /* IP6_UTIL_H */
