/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_addr.h: addresses of either IP family, the lowest layer's vocabulary
 * (header only; the flow table, the host backends and everything above
 * use it).
 *
 * struct sl_addr is an IP address in 16 bytes, network order: an IPv6
 * address as it is, an IPv4 address v4-mapped (::ffff:a.b.c.d, RFC 4291
 * 2.5.5.2), so the IPv4 address is its last 32-bit word and the family is
 * told by the mapped prefix. union sl_sockaddr is a socket address of
 * either family (what the host interface, drivers/host/sl_host.h, takes
 * and returns): sockaddr_in for IPv4, sockaddr_in6 for IPv6; an IPv4 peer
 * seen through a dual-stack IPv6 socket comes as sockaddr_in6 with a
 * v4-mapped address and sl_sockaddr_addr() makes it the same sl_addr as
 * the sockaddr_in would.
 */
#ifndef SL_ADDR_H
#define SL_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/** An IP address of either family, network order; IPv4 v4-mapped. */
struct sl_addr {
	union {
		uint8_t b[16];
		uint16_t h[8];
		uint32_t w[4];
	};
};

/** A socket address of either family. */
union sl_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/** Longest text sl_addr_ntop() and sl_sockaddr_ntop() write. */
#define SL_ADDR_STRLEN (INET6_ADDRSTRLEN + 8)

/** sl_addr_v4 - the v4-mapped address of IPv4 @a (network order). */
static inline struct sl_addr
sl_addr_v4(uint32_t a)
{
	struct sl_addr x = { .w = { 0, 0, htonl(0xffffu), a } };

	return x;
}

/** sl_addr_is_v4 - whether @a is v4-mapped (an IPv4 address). */
static inline bool
sl_addr_is_v4(const struct sl_addr *a)
{
	return a->w[0] == 0 && a->w[1] == 0 && a->w[2] == htonl(0xffffu);
}

/** sl_addr_family - AF_INET for a v4-mapped @a, else AF_INET6. */
static inline int
sl_addr_family(const struct sl_addr *a)
{
	return sl_addr_is_v4(a) ? AF_INET : AF_INET6;
}

/** sl_addr_get_v4 - the IPv4 address of a v4-mapped @a (network order). */
static inline uint32_t
sl_addr_get_v4(const struct sl_addr *a)
{
	return a->w[3];
}

/** sl_addr_eq - same address. */
static inline bool
sl_addr_eq(const struct sl_addr *a, const struct sl_addr *b)
{
	return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

/** sl_addr_is_any - the unspecified address of its family. */
static inline bool
sl_addr_is_any(const struct sl_addr *a)
{
	return (a->w[0] | a->w[1] | a->w[3]) == 0 &&
		(a->w[2] == 0 || a->w[2] == htonl(0xffffu));
}

/**
 * sl_addr_prefix_eq - whether @a and @b agree in their first @bits bits
 * (0..128).
 */
static inline bool
sl_addr_prefix_eq(const struct sl_addr *a, const struct sl_addr *b,
	unsigned int bits)
{
	unsigned int full = bits / 8, rest = bits % 8;

	if (full > 16)
		return false;
	if (memcmp(a->b, b->b, full) != 0)
		return false;
	return rest == 0 ||
		((a->b[full] ^ b->b[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

/**
 * sl_addr_mask - clear every bit of @a after the first @bits (0..128).
 */
static inline void
sl_addr_mask(struct sl_addr *a, unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		a->b[i] &= (uint8_t)(0xff00u >> bits);
		bits = 0;
	}
}

/**
 * sl_addr_pton - parse an IPv4 or IPv6 address (no brackets).
 * Return: AF_INET or AF_INET6, or 0 when @s is neither.
 */
static inline int
sl_addr_pton(const char *s, struct sl_addr *out)
{
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		*out = sl_addr_v4(a4.s_addr);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, s, out->b) == 1)
		return AF_INET6;
	return 0;
}

/**
 * sl_addr_ntop - @a as text: dotted quad for IPv4, RFC 5952 for IPv6.
 * Return: @buf.
 */
static inline char *
sl_addr_ntop(const struct sl_addr *a, char *buf, size_t len)
{
	if (sl_addr_is_v4(a))
		inet_ntop(AF_INET, &a->w[3], buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, a->b, buf, (socklen_t)len);
	return buf;
}

/**
 * sl_sockaddr_make - the socket address of @a and @port (network order):
 * sockaddr_in for an IPv4 @a, sockaddr_in6 otherwise.
 */
static inline union sl_sockaddr
sl_sockaddr_make(const struct sl_addr *a, uint16_t port)
{
	union sl_sockaddr s;

	memset(&s, 0, sizeof(s));
	if (sl_addr_is_v4(a)) {
		s.in.sin_family = AF_INET;
		s.in.sin_addr.s_addr = a->w[3];
		s.in.sin_port = port;
	} else {
		s.in6.sin6_family = AF_INET6;
		memcpy(s.in6.sin6_addr.s6_addr, a->b, 16);
		s.in6.sin6_port = port;
	}
	return s;
}

/** sl_sockaddr_v4 - the sockaddr_in of @a and @port (network order). */
static inline union sl_sockaddr
sl_sockaddr_v4(uint32_t a, uint16_t port)
{
	union sl_sockaddr s;

	memset(&s, 0, sizeof(s));
	s.in.sin_family = AF_INET;
	s.in.sin_addr.s_addr = a;
	s.in.sin_port = port;
	return s;
}

/**
 * sl_sockaddr_addr - the address of @s (v4-mapped for sockaddr_in and
 * for a v4-mapped sockaddr_in6 alike; all zero for another family).
 */
static inline struct sl_addr
sl_sockaddr_addr(const union sl_sockaddr *s)
{
	struct sl_addr a;

	if (s->sa.sa_family == AF_INET)
		return sl_addr_v4(s->in.sin_addr.s_addr);
	memset(&a, 0, sizeof(a));
	if (s->sa.sa_family == AF_INET6)
		memcpy(a.b, s->in6.sin6_addr.s6_addr, 16);
	return a;
}

/**
 * sl_sockaddr_v4_or_0 - the IPv4 address of @s (network order), also of a
 * v4-mapped sockaddr_in6 (a dual-stack listener's IPv4 client); 0 for
 * any other address.
 */
static inline uint32_t
sl_sockaddr_v4_or_0(const union sl_sockaddr *s)
{
	struct sl_addr a = sl_sockaddr_addr(s);

	return sl_addr_is_v4(&a) ? sl_addr_get_v4(&a) : 0;
}

/** sl_sockaddr_port - the port of @s, network order (0: other family). */
static inline uint16_t
sl_sockaddr_port(const union sl_sockaddr *s)
{
	if (s->sa.sa_family == AF_INET)
		return s->in.sin_port;
	if (s->sa.sa_family == AF_INET6)
		return s->in6.sin6_port;
	return 0;
}

/** sl_sockaddr_len - the length of @s for the socket calls. */
static inline socklen_t
sl_sockaddr_len(const union sl_sockaddr *s)
{
	return s->sa.sa_family == AF_INET6 ? sizeof(s->in6) :
		sizeof(s->in);
}

/**
 * sl_sockaddr_same - same address, and same port when @ports (a v4-mapped
 * sockaddr_in6 and the sockaddr_in of its address are the same peer).
 */
static inline bool
sl_sockaddr_same(const union sl_sockaddr *a, const union sl_sockaddr *b,
	bool ports)
{
	struct sl_addr x = sl_sockaddr_addr(a), y = sl_sockaddr_addr(b);

	return sl_addr_eq(&x, &y) &&
		(!ports || sl_sockaddr_port(a) == sl_sockaddr_port(b));
}

/**
 * sl_sockaddr_ntop - "a.b.c.d:port" or "[v6]:port" text of @s.
 * Return: @buf.
 */
static inline char *
sl_sockaddr_ntop(const union sl_sockaddr *s, char *buf, size_t len)
{
	struct sl_addr a = sl_sockaddr_addr(s);
	char t[INET6_ADDRSTRLEN];

	sl_addr_ntop(&a, t, sizeof(t));
	snprintf(buf, len, sl_addr_is_v4(&a) ? "%s:%u" : "[%s]:%u", t,
		ntohs(sl_sockaddr_port(s)));
	return buf;
}

#endif /* SL_ADDR_H */
