/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_options6.c: the IPv6 addressing options of the option table
 * (sl_options.c): --prefix6 (a /64, SLAAC's length), --gateway6 and
 * --dns6 (addresses in it), their dump format, the check of the IPv6
 * guest network as a whole, and --dns-forward (an IPv4 or IPv6 resolver).
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "sl_config.h"
#include "sl_options_priv.h"

/** addr6_unusable - why @a cannot be a guest-network address, or NULL. */
static const char *
addr6_unusable(const uint8_t *a)
{
	static const uint8_t zero[16];

	if (a[0] == 0xff)
		return "is a multicast address";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "is a link-local address";
	if (memcmp(a, zero, 15) == 0)
		return "is the unspecified or loopback address";
	if (memcmp(a, zero, 10) == 0 && a[10] == 0xff && a[11] == 0xff)
		return "is an IPv4-mapped address";
	return NULL;
}

/**
 * in_prefix - copy the interface identifier (the last 64 bits) of @a
 * behind the /64 prefix @prefix into @a.
 */
static void
in_prefix(uint8_t *a, const uint8_t *prefix)
{
	memcpy(a, prefix, 8);
}

int
sl_opt_set_addr6(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen)
{
	uint8_t a[16];
	const char *bad;

	if (inet_pton(AF_INET6, val, a) != 1) {
		snprintf(why, whylen, "'%s' is not an IPv6 address", val);
		return -1;
	}
	bad = addr6_unusable(a);
	if (bad != NULL) {
		snprintf(why, whylen, "'%s' %s", val, bad);
		return -1;
	}
	memcpy((char *)&ctx->cfg + o->off, a, 16);
	return 0;
}

int
sl_opt_set_prefix6(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(val, '/');
	uint8_t a[16];
	const char *bad;
	size_t n;

	n = slash != NULL ? (size_t)(slash - val) : strlen(val);
	if (n >= sizeof(host) || (slash != NULL && strcmp(slash, "/64") != 0)) {
		snprintf(why, whylen, "'%s' is not an IPv6 /64 prefix "
			"(ADDR/64: SLAAC needs 64 bits of interface "
			"identifier)", val);
		return -1;
	}
	memcpy(host, val, n);
	host[n] = '\0';
	if (inet_pton(AF_INET6, host, a) != 1) {
		snprintf(why, whylen, "'%s' is not an IPv6 /64 prefix "
			"(ADDR/64)", val);
		return -1;
	}
	memset(a + 8, 0, 8);
	bad = addr6_unusable(a);
	if (bad != NULL) {
		snprintf(why, whylen, "'%s' %s", val, bad);
		return -1;
	}
	(void)o;
	memcpy(ctx->cfg.prefix6, a, 16);
	ctx->cfg.prefix6_len = 64;
	/* the gateway and DNS addresses follow the prefix (their interface
	 * identifiers kept); --gateway6 and --dns6 given later override */
	in_prefix(ctx->cfg.gateway6, a);
	in_prefix(ctx->cfg.dns6, a);
	return 0;
}

void
sl_opt_format6(const struct sl_config *c, const struct sl_opt *o, char *buf,
	size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, (const char *)c + o->off, a, sizeof(a));
	if (o->type == SL_OT_PREFIX6)
		snprintf(buf, len, "%s/%u", a, (unsigned int)c->prefix6_len);
	else
		snprintf(buf, len, "%s", a);
}

int
sl_check_subnet6(const struct sl_config *c, char *err, size_t errlen)
{
	static const char *const names[2] = { "gateway6", "dns6" };
	const uint8_t *addr[2] = { c->gateway6, c->dns6 };
	char s[INET6_ADDRSTRLEN], net[INET6_ADDRSTRLEN];
	static const uint8_t zero[8];
	unsigned int i;

	if (!c->ipv6)
		return 0;
	inet_ntop(AF_INET6, c->prefix6, net, sizeof(net));
	for (i = 0; i < 2; i++) {
		inet_ntop(AF_INET6, addr[i], s, sizeof(s));
		if (memcmp(addr[i], c->prefix6, 8) != 0) {
			snprintf(err, errlen, "--%s %s is outside the guest "
				"prefix %s/64 (--prefix6)", names[i], s, net);
			return -1;
		}
		if (memcmp(addr[i] + 8, zero, 8) == 0) {
			snprintf(err, errlen, "--%s %s is the subnet-router "
				"anycast address of %s/64", names[i], s, net);
			return -1;
		}
	}
	if (memcmp(c->gateway6, c->dns6, 16) == 0) {
		snprintf(err, errlen, "--dns6 %s is the same address as "
			"--gateway6", s);
		return -1;
	}
	return 0;
}

/**
 * sl_opt_set_dnsfwd - the DNS forwarder: ADDR[:PORT] or off; an IPv6
 * ADDR bare (port 53) or in brackets ("[::1]:5353").
 */
int
sl_opt_set_dnsfwd(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen)
{
	char host[INET6_ADDRSTRLEN];
	const char *colon, *h = val;
	struct sl_addr a6;
	struct in_addr a;
	bool want6 = false;
	uint64_t port;
	size_t hlen;

	if (strcmp(val, "off") == 0) {
		ctx->cfg.dns_fwd = 0;
		memset(&ctx->cfg.dns_fwd6, 0, sizeof(ctx->cfg.dns_fwd6));
		ctx->cfg.dns_fwd_port = 53;
		ctx->dns_fwd_set = true;
		return 0;
	}
	colon = strchr(val, ':');
	if (*val == '[') {		/* [V6] or [V6]:PORT */
		const char *rb = strchr(val, ']');

		h = val + 1;
		hlen = rb != NULL && (rb[1] == '\0' || rb[1] == ':') ?
			(size_t)(rb - h) : sizeof(host);
		colon = rb != NULL && rb[1] == ':' ? rb + 1 : NULL;
		want6 = true;
	} else if (colon != NULL && strchr(colon + 1, ':') != NULL) {
		hlen = strlen(val);	/* a bare IPv6 address, port 53 */
		colon = NULL;
		want6 = true;
	} else
		hlen = colon != NULL ? (size_t)(colon - val) : strlen(val);
	if (hlen >= sizeof(host))
		hlen = 0;	/* too long to be an address */
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memset(&a6, 0, sizeof(a6));
	a.s_addr = 0;
	if (want6 ? inet_pton(AF_INET6, host, a6.b) != 1 :
	    inet_pton(AF_INET, host, &a) != 1) {
		snprintf(why, whylen, "'%s' is not an IPv4 or IPv6 address "
			"with an optional :PORT ([ADDR]:PORT for IPv6), or "
			"off", val);
		return -1;
	}
	if (!sl_addr_is_any(&a6) && (a6.b[0] == 0xff || sl_addr_is_v4(&a6) ||
	    (a6.b[0] == 0xfe && (a6.b[1] & 0xc0) == 0x80))) {
		snprintf(why, whylen, "'%s' is not a global or loopback "
			"unicast address", val);
		return -1;
	}
	if (a.s_addr != 0 && (ntohl(a.s_addr) >> 28) >= 14) {
		snprintf(why, whylen, "'%s' is not a unicast address", val);
		return -1;
	}
	port = 53;
	if (colon != NULL &&
			(sl_parse_u64(colon + 1, NULL, &port) < 0 ||
			port < o->min || port > o->max)) {
		snprintf(why, whylen, "'%s': port '%s' is not a number "
			"from %llu to %llu", val, colon + 1,
			(unsigned long long)o->min,
			(unsigned long long)o->max);
		return -1;
	}
	ctx->cfg.dns_fwd = a.s_addr;
	ctx->cfg.dns_fwd6 = a6;
	ctx->cfg.dns_fwd_port = (uint16_t)port;
	ctx->dns_fwd_set = true;
	return 0;
}
