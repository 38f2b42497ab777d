/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_options.c: the application options. One table describes every option:
 * its long name (also its config file key), how its value is parsed and
 * checked, the struct sl_config field it sets, and its help text. The
 * command line parser (here), the config file reader (sl_options_file.c),
 * the usage text and the dump are all driven by that table, so they cannot
 * disagree.
 *
 * Order of application: the caller's configuration (normally the defaults),
 * then every --config file in command-line order, then the remaining
 * command-line options, then the whole-configuration checks, then the
 * resolv.conf fallback for the DNS forwarder.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <rte_config.h>

#include "sl_config.h"
#include "sl_fwd.h"
#include "sl_netns.h"
#include "sl_options.h"
#include "sl_options_priv.h"
#include "sl_steer.h"

#ifndef SL_VERSION
#define SL_VERSION "unknown"
#endif

const char *sl_resolv_conf_path = "/etc/resolv.conf";

#define SL_FIELD(f) \
	offsetof(struct sl_config, f), sizeof(((struct sl_config *)0)->f)

#define SL_KIB 1024ull
#define SL_MIB (1024ull * 1024)
#define SL_GIB (1024ull * 1024 * 1024)

/* Largest number of seconds whose milliseconds still fit an int32. */
#define SL_MAX_S 2147483ull

static const struct sl_opt sl_opts[] = {
	{ "gateway", 0, SL_OT_ADDR, SL_FIELD(gateway), false, 0, 0,
	  "ADDR", "gateway address the guest sees" },
	{ "guest-addr", 0, SL_OT_ADDR, SL_FIELD(guest_addr), false, 0, 0,
	  "ADDR", "address DHCP hands to the guest" },
	{ "prefix-len", 0, SL_OT_UINT, SL_FIELD(prefix_len), false, 1, 30,
	  "N", "guest subnet prefix length, 1 to 30" },
	{ "dns", 0, SL_OT_ADDR, SL_FIELD(dns), false, 0, 0,
	  "ADDR", "DNS server address the guest sees" },
	{ "ipv6", 0, SL_OT_BOOL, SL_FIELD(ipv6), false, 0, 1,
	  "on|off", "IPv6 on the guest link: router advertisements (SLAAC), "
	  "neighbour discovery, DHCPv6; off: IPv6 frames are dropped" },
	{ "prefix6", 0, SL_OT_PREFIX6, SL_FIELD(prefix6), false, 0, 0,
	  "ADDR/64", "guest IPv6 prefix advertised for SLAAC; moves "
	  "--gateway6 and --dns6 into it" },
	{ "gateway6", 0, SL_OT_ADDR6, SL_FIELD(gateway6), false, 0, 0,
	  "ADDR", "IPv6 gateway address the guest sees, in --prefix6" },
	{ "dns6", 0, SL_OT_ADDR6, SL_FIELD(dns6), false, 0, 0,
	  "ADDR", "IPv6 DNS server address the guest sees (RDNSS, DHCPv6)" },
	{ "dns-forward", 0, SL_OT_DNSFWD, SL_FIELD(dns_fwd), false, 1, 65535,
	  "ADDR[:PORT]|off", "host resolver the guest's DNS queries go to "
	  "(IPv6: [ADDR]:PORT)" },
	{ "mtu", 0, SL_OT_UINT, SL_FIELD(mtu), true, 68, 65520,
	  "N|auto", "guest link MTU, 68 to 65520; auto: 65520 where the port "
	  "allows" },
	{ "host-loopback", 0, SL_OT_BOOL, SL_FIELD(host_loopback), false, 0, 1,
	  "on|off", "the gateway address reaches the host's 127.0.0.1" },
	{ "idle-sleep", 0, SL_OT_BOOL, SL_FIELD(idle_sleep), false, 0, 1,
	  "on|off", "a worker idle for 2 ms (net_af_packet: 50 us, its "
	  "guest frames wake it) sleeps up to 1 ms at a time in its host "
	  "epoll; off: always busy-poll" },
	{ "afp-vnet-tx", 0, SL_OT_BOOL, SL_FIELD(afp_vnet_tx), false, 0, 1,
	  "on|off", "net_af_packet: frames to the guest through "
	  "a packet socket with virtio-net headers (TCP checksum and TSO "
	  "offloaded to the guest's kernel); off: through the PMD" },
	{ "afp-vnet-rx", 0, SL_OT_BOOL, SL_FIELD(afp_vnet_rx), false, 0, 1,
	  "on|off", "net_af_packet: the guest's frames through a packet "
	  "socket with virtio-net headers (the guest's checksum offload "
	  "and TSO stay on, one copy); off: through the PMD's ring" },
	{ "config", 0, SL_OT_CONFIG, 0, 0, false, 0, 0,
	  "FILE", "read \"key = value\" lines from FILE" },
	{ "lease-time", 0, SL_OT_UINT, SL_FIELD(lease_time_s), false,
	  1, UINT32_MAX, "SECONDS", "DHCP lease time" },
	{ "dhcp-range", 0, SL_OT_RANGE, 0, 0, false, 0, 0, "FIRST-LAST|auto",
	  "DHCP pool after --guest-addr (which is always leased first); "
	  "auto: the --max-hosts addresses from --guest-addr" },
	{ "dhcp-host", 0, SL_OT_DHCPHOST, 0, 0, false, 0, 0, "MAC,ADDR",
	  "DHCP always leases ADDR to MAC, and to no other host "
	  "(repeatable)" },
	{ "max-hosts", 0, SL_OT_UINT, SL_FIELD(max_hosts), false, 1,
	  SL_HOSTS_MAX, "N", "hosts (guest addresses) on one port, 1 to 64; "
	  "more are refused (hosts_limit)" },
	{ "fwd-source", 0, SL_OT_FWDSRC, 0, 0, false, 0, 0, "client|gateway",
	  "source address of forwarded connections and datagrams as the "
	  "guest sees it: the client's own (loopback clients: the gateway), "
	  "or always the gateway's; a forward's ,source= overrides it" },
	{ "fwd-guest-family", 0, SL_OT_FWDFAM, 0, 0, false, 0, 0,
	  "auto|client|ipv4|ipv6", "family forwards without a target "
	  "address reach the guest over: auto: IPv4, or IPv6 when the "
	  "guest has only an IPv6 address, and a connection the guest "
	  "refuses over IPv4 is retried over IPv6; client: the client's "
	  "family (IPv6 clients over IPv6), else as auto; a forward's "
	  ",guest-family= overrides it" },
	{ "outbound-addr", 0, SL_OT_HOSTADDR, 0, 0, false, 0, 0, "ADDR|any",
	  "bind the IPv4 host sockets of guest flows (TCP, UDP, ICMP) to "
	  "this host address" },
	{ "outbound-addr6", 0, SL_OT_HOSTADDR6, 0, 0, false, 0, 0,
	  "ADDR|any", "bind the IPv6 host sockets of guest flows (TCP, UDP, "
	  "ICMPv6) to this host IPv6 address" },
	{ "udp-timeout", 0, SL_OT_UINT, SL_FIELD(udp_timeout_s), false,
	  1, SL_MAX_S, "SECONDS", "idle expiry of UDP and ICMP flows" },
	{ "tcp-connect-timeout", 0, SL_OT_UINT,
	  SL_FIELD(tcp_connect_timeout_ms), false, 1, INT32_MAX,
	  "MS", "bound on a host connect, milliseconds" },
	{ "tcp-idle-timeout", 0, SL_OT_UINT, SL_FIELD(tcp_idle_timeout_s),
	  false, 1, SL_MAX_S, "SECONDS",
	  "idle expiry of an established TCP flow" },
	{ "max-flows", 0, SL_OT_UINT, SL_FIELD(max_flows), false,
	  8, 16777216, "N", "flows per worker, 8 to 16777216" },
	{ "worker-lcore", 0, SL_OT_UINT, SL_FIELD(worker_lcore), true, 1,
	  RTE_MAX_LCORE - 1, "LCORE|auto", "pin the port's worker to this EAL "
	  "lcore (in a [port N] section); auto: ports spread over the "
	  "worker lcores" },
	{ "queues", 0, SL_OT_UINT, SL_FIELD(queues), true, 1, SL_STEER_MAX,
	  "N|auto", "rx/tx queue pairs of the port, 1 to 8, each served by "
	  "its own worker (frames reach the worker owning their flow); "
	  "auto: 1" },
	{ "netns", 0, SL_OT_NETNS, SL_FIELD(netns), false, 0, 0,
	  "NAME|PATH", "net_tap ports: once the port is started, move its tap "
	  "into this network namespace (/run/netns/NAME, or a path such as "
	  "/proc/PID/ns/net); race-free, unlike moving it by hand" },
	{ "netns-up", 0, SL_OT_BOOL, SL_FIELD(netns_up), false, 0, 1,
	  "on|off", "bring the tap up in the --netns namespace" },
	{ "max-pending-connects", 0, SL_OT_UINT,
	  SL_FIELD(max_pending_connects), false, 1, 1048576, "N",
	  "half-open guest TCP connections per worker (host connect in "
	  "progress or SYN-ACK unanswered); more SYNs are dropped (the "
	  "guest resends them); as many inbound ones may wait for the "
	  "guest, more are reset" },
	{ "max-dgram-flows", 0, SL_OT_UINT, SL_FIELD(max_dgram_flows), false,
	  1, 16777216, "N", "UDP and ICMP flows per worker; more are dropped" },
	{ "max-buffered", 0, SL_OT_SIZE, SL_FIELD(max_buffered), false,
	  1 * SL_MIB, 64 * SL_GIB, "BYTES", "TCP bytes a worker holds, both "
	  "directions; beyond it guest data is not accepted and host sockets "
	  "are not read" },
	{ "tcp-buffer", 0, SL_OT_SIZE, SL_FIELD(tcp_buf), false,
	  4 * SL_KIB, SL_GIB, "BYTES",
	  "largest window advertised to the guest and most host data in flight "
	  "to it, per TCP flow, 4K to 1G (K, M, G suffixes)" },
	{ "mbufs", 0, SL_OT_UINT, SL_FIELD(nb_mbufs), true, 256, SL_GIB,
	  "N|auto", "mbufs per port mempool; auto: sized from the "
	  "configuration" },
	{ "rxd", 0, SL_OT_UINT, SL_FIELD(nb_rxd), true, 8, 32768,
	  "N|auto", "rx descriptors per queue; auto: the port's default" },
	{ "txd", 0, SL_OT_UINT, SL_FIELD(nb_txd), true, 8, 32768,
	  "N|auto", "tx descriptors per queue; auto: the port's default" },
	{ "tcp-forward", 't', SL_OT_FWD, 0, 0, false, IPPROTO_TCP, 0,
	  "SPEC", "forward host TCP port(s) to a guest host (repeatable); "
	  "SPEC: [ADDR/]PORT[-PORT], then optionally "
	  ":[TOADDR/]GUESTPORT[-GUESTPORT] (TOADDR default --guest-addr) "
	  "and ,source=client|gateway" },
	{ "udp-forward", 'u', SL_OT_FWD, 0, 0, false, IPPROTO_UDP, 0,
	  "SPEC", "forward host UDP port(s) to the guest (repeatable)" },
	{ "allow", 0, SL_OT_RULE, 0, 0, false, 1, 0,
	  "CIDR[:PORT[-PORT]]", "let new guest flows reach this destination "
	  "(repeatable, first match wins)" },
	{ "deny", 0, SL_OT_RULE, 0, 0, false, 0, 0,
	  "CIDR[:PORT[-PORT]]", "refuse new guest flows to this destination "
	  "(repeatable, first match wins; default: allow)" },
	{ "help", 'h', SL_OT_HELP, 0, 0, false, 0, 0,
	  NULL, "print this help and exit" },
	{ "version", 'V', SL_OT_VERSION, 0, 0, false, 0, 0,
	  NULL, "print the version and exit" },
};

#define SL_NB_OPTS (sizeof(sl_opts) / sizeof(sl_opts[0]))

/* getopt_long values of the table entries: index + SL_OPT_VAL_BASE. */
#define SL_OPT_VAL_BASE 256

const struct sl_opt *
sl_opt_find(const char *name)
{
	size_t i;

	for (i = 0; i < SL_NB_OPTS; i++)
		if (strcmp(sl_opts[i].name, name) == 0)
			return &sl_opts[i];
	return NULL;
}

/** sl_field_get - the value of @o's field in @c (1, 2, 4 or 8 bytes wide). */
static uint64_t
sl_field_get(const struct sl_config *c, const struct sl_opt *o)
{
	const char *p = (const char *)c + o->off;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	switch (o->width) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 8:
		memcpy(&v64, p, 8);
		return v64;
	default:
		memcpy(&v32, p, 4);
		return v32;
	}
}

/** sl_field_set - store @v in @o's field of @c, cut to the field's width. */
static void
sl_field_set(struct sl_config *c, const struct sl_opt *o, uint64_t v)
{
	char *p = (char *)c + o->off;
	uint32_t v32 = (uint32_t)v;
	uint16_t v16 = (uint16_t)v;
	uint8_t v8 = (uint8_t)v;

	switch (o->width) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 8:
		memcpy(p, &v, 8);
		break;
	default:
		memcpy(p, &v32, 4);
		break;
	}
}

/**
 * sl_parse_u64 - read a plain decimal number.
 * @s: text: digits only (no sign, blanks or base prefix), not empty
 * @end: where the digits stop (NULL: they must reach the end of @s)
 * @v: result
 *
 * Return: 0, or -1 when @s is not such a number or exceeds UINT64_MAX / 1G
 * (large enough for any option, small enough for a suffix multiplier).
 */
int
sl_parse_u64(const char *s, const char **end, uint64_t *v)
{
	uint64_t n = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > UINT64_MAX / SL_GIB)
			return -1;
	}
	if (end != NULL)
		*end = p;
	else if (*p != '\0')
		return -1;
	*v = n;
	return 0;
}

/** Why a network-order address cannot be on the guest network, or NULL. */
static const char *
sl_addr_unusable(uint32_t a)
{
	uint32_t h = ntohl(a);

	if ((h >> 24) == 0)
		return "is in 0.0.0.0/8";
	if ((h >> 24) == 127)
		return "is a loopback address";
	if ((h >> 28) == 14)
		return "is a multicast address";
	if ((h >> 28) == 15)
		return "is a reserved or broadcast address";
	return NULL;
}

/** Format a size with the largest exact K/M/G suffix. */
static void
sl_size_fmt(uint64_t v, char *buf, size_t len)
{
	if (v != 0 && v % SL_GIB == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(v / SL_GIB));
	else if (v != 0 && v % SL_MIB == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(v / SL_MIB));
	else if (v != 0 && v % SL_KIB == 0)
		snprintf(buf, len, "%lluK", (unsigned long long)(v / SL_KIB));
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

/**
 * sl_opt_set_addr - an IPv4 address that can be on the guest network.
 * @ctx: parsing state
 * @o: option
 * @val: the value text
 * @why: where the reason is written on error (quoting @val)
 * @whylen: size of @why
 *
 * The other sl_opt_set_* helpers take the same arguments.
 *
 * Return: 0 or -1.
 */
static int
sl_opt_set_addr(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen)
{
	struct in_addr a;
	const char *bad;

	if (inet_pton(AF_INET, val, &a) != 1) {
		snprintf(why, whylen, "'%s' is not an IPv4 address "
			"(a.b.c.d)", val);
		return -1;
	}
	bad = sl_addr_unusable(a.s_addr);
	if (bad != NULL) {
		snprintf(why, whylen, "'%s' %s", val, bad);
		return -1;
	}
	sl_field_set(&ctx->cfg, o, a.s_addr);
	return 0;
}

/** sl_opt_set_uint - a number in [o->min, o->max], or auto (0) if allowed. */
static int
sl_opt_set_uint(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen)
{
	uint64_t v;

	if (o->zero_auto && strcmp(val, "auto") == 0) {
		sl_field_set(&ctx->cfg, o, 0);
		return 0;
	}
	if (sl_parse_u64(val, NULL, &v) < 0 ||
			(v < o->min && !(o->zero_auto && v == 0)) ||
			v > o->max) {
		if (o->zero_auto)
			snprintf(why, whylen, "'%s' is not auto, 0 or "
				"a number from %llu to %llu", val,
				(unsigned long long)o->min,
				(unsigned long long)o->max);
		else
			snprintf(why, whylen, "'%s' is not a number "
				"from %llu to %llu", val,
				(unsigned long long)o->min,
				(unsigned long long)o->max);
		return -1;
	}
	sl_field_set(&ctx->cfg, o, v);
	return 0;
}

/** sl_opt_set_size - a byte count with an optional K, M or G suffix. */
static int
sl_opt_set_size(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen)
{
	char lo[32], hi[32];
	const char *p;
	uint64_t v;
	bool ok;

	ok = sl_parse_u64(val, &p, &v) == 0;
	if (ok) {
		switch (*p) {
		case 'k': case 'K':
			v *= SL_KIB;
			p++;
			break;
		case 'm': case 'M':
			v *= SL_MIB;
			p++;
			break;
		case 'g': case 'G':
			v *= SL_GIB;
			p++;
			break;
		default:
			break;
		}
		ok = *p == '\0' && v >= o->min && v <= o->max;
	}
	if (!ok) {
		sl_size_fmt(o->min, lo, sizeof(lo));
		sl_size_fmt(o->max, hi, sizeof(hi));
		snprintf(why, whylen, "'%s' is not a size from %s to "
			"%s (bytes, or with a K, M or G suffix)", val,
			lo, hi);
		return -1;
	}
	sl_field_set(&ctx->cfg, o, v);
	return 0;
}

/** sl_opt_set_fwd - one more port forward (o->min: its protocol). */
static int
sl_opt_set_fwd(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen)
{
	struct sl_fwd_spec f;
	uint32_t i;

	if (sl_fwd_parse(val, (uint8_t)o->min, &f, why, whylen) != 0)
		return -1;
	for (i = 0; i < ctx->cfg.nb_fwd; i++)
		if (sl_fwd_overlap(&ctx->cfg.fwd[i], &f)) {
			char other[SL_FWD_TEXT_LEN];

			sl_fwd_format(&ctx->cfg.fwd[i], other, sizeof(other));
			snprintf(why, whylen, "'%s' overlaps '%s'", val,
				other);
			return -1;
		}
	if (ctx->cfg.nb_fwd == SL_FWD_MAX) {
		snprintf(why, whylen, "more than %d forwards", SL_FWD_MAX);
		return -1;
	}
	ctx->cfg.fwd[ctx->cfg.nb_fwd++] = f;
	return 0;
}

/** sl_opt_set_rule - one more access rule (o->min: allow, else deny). */
static int
sl_opt_set_rule(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen)
{
	if (ctx->cfg.nb_rules == SL_RULE_MAX) {
		snprintf(why, whylen, "more than %d rules", SL_RULE_MAX);
		return -1;
	}
	if (sl_rule_parse(val, o->min != 0,
	    &ctx->cfg.rules[ctx->cfg.nb_rules], why, whylen) != 0)
		return -1;
	ctx->cfg.nb_rules++;
	return 0;
}

/** sl_opt_set_bool - on|off (yes|no, true|false, 1|0 too). */
static int
sl_opt_set_bool(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen)
{
	if (strcasecmp(val, "on") == 0 || strcasecmp(val, "yes") == 0 ||
			strcasecmp(val, "true") == 0 ||
			strcmp(val, "1") == 0) {
		sl_field_set(&ctx->cfg, o, 1);
		return 0;
	}
	if (strcasecmp(val, "off") == 0 || strcasecmp(val, "no") == 0 ||
			strcasecmp(val, "false") == 0 ||
			strcmp(val, "0") == 0) {
		sl_field_set(&ctx->cfg, o, 0);
		return 0;
	}
	snprintf(why, whylen, "'%s' is not on or off", val);
	return -1;
}

int
sl_opt_apply(struct sl_opt_ctx *ctx, const struct sl_opt *o, const char *val,
	char *why, size_t whylen)
{
	switch (o->type) {
	case SL_OT_ADDR:
		return sl_opt_set_addr(ctx, o, val, why, whylen);
	case SL_OT_ADDR6:
		return sl_opt_set_addr6(ctx, o, val, why, whylen);
	case SL_OT_PREFIX6:
		return sl_opt_set_prefix6(ctx, o, val, why, whylen);
	case SL_OT_DNSFWD:
		return sl_opt_set_dnsfwd(ctx, o, val, why, whylen);
	case SL_OT_UINT:
		return sl_opt_set_uint(ctx, o, val, why, whylen);
	case SL_OT_SIZE:
		return sl_opt_set_size(ctx, o, val, why, whylen);
	case SL_OT_FWD:
		return sl_opt_set_fwd(ctx, o, val, why, whylen);
	case SL_OT_RULE:
		return sl_opt_set_rule(ctx, o, val, why, whylen);
	case SL_OT_NETNS:
		if (sl_netns_check(val, why, whylen) != 0)
			return -1;
		snprintf((char *)&ctx->cfg + o->off, o->width, "%s", val);
		return 0;
	case SL_OT_BOOL:
		return sl_opt_set_bool(ctx, o, val, why, whylen);
	default:
		return sl_opt_hosts_apply(&ctx->cfg, o, val, why, whylen);
	}
}

/**
 * sl_opt_format - the value of option @o in @c, as the parser reads it.
 * @c: configuration
 * @o: option that sets a field
 * @buf: output
 * @len: size of @buf
 */
static void
sl_opt_format(const struct sl_config *c, const struct sl_opt *o, char *buf,
	size_t len)
{
	char a[INET_ADDRSTRLEN];
	struct in_addr in;
	uint64_t v;

	switch (o->type) {
	case SL_OT_ADDR6:
	case SL_OT_PREFIX6:
		sl_opt_format6(c, o, buf, len);
		break;
	case SL_OT_ADDR:
		in.s_addr = (uint32_t)sl_field_get(c, o);
		inet_ntop(AF_INET, &in, a, sizeof(a));
		snprintf(buf, len, "%s", a);
		break;
	case SL_OT_DNSFWD:
		in.s_addr = c->dns_fwd;
		if (c->dns_fwd == 0 && !sl_addr_is_any(&c->dns_fwd6)) {
			union sl_sockaddr s = sl_sockaddr_make(&c->dns_fwd6,
				htons(c->dns_fwd_port));

			sl_sockaddr_ntop(&s, buf, len);
			break;
		}
		if (c->dns_fwd == 0 && c->dns_fwd_port == 53) {
			snprintf(buf, len, "off");
			break;
		}
		inet_ntop(AF_INET, &in, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, (unsigned int)c->dns_fwd_port);
		break;
	case SL_OT_UINT:
		v = sl_field_get(c, o);
		if (o->zero_auto && v == 0)
			snprintf(buf, len, "auto");
		else
			snprintf(buf, len, "%llu", (unsigned long long)v);
		break;
	case SL_OT_SIZE:
		sl_size_fmt(sl_field_get(c, o), buf, len);
		break;
	case SL_OT_BOOL:
		snprintf(buf, len, "%s", sl_field_get(c, o) ? "on" : "off");
		break;
	case SL_OT_NETNS:
		snprintf(buf, len, "%s", (const char *)c + o->off);
		break;
	default:
		sl_opt_hosts_format(c, o, buf, len);
		break;
	}
}

/**
 * sl_list_format - entry @k of a repeatable option, in the order given
 * (forwards by protocol, rules by kind, so each key dumps its own entries).
 * Return: true when @k names an entry of @o.
 */
static bool
sl_list_format(const struct sl_config *c, const struct sl_opt *o, uint32_t k,
	char *buf, size_t len)
{
	if (o->type == SL_OT_DHCPHOST)
		return sl_opt_hosts_list(c, k, buf, len);
	if (o->type == SL_OT_FWD) {
		char full[SL_FWD_TEXT_LEN];

		if (k >= c->nb_fwd || c->fwd[k].proto != o->min)
			return false;
		sl_fwd_format(&c->fwd[k], full, sizeof(full));
		snprintf(buf, len, "%s", full + 4);	/* drop "tcp:" */
		return true;
	}
	if (k >= c->nb_rules)
		return false;
	{
		const struct sl_rule *r = &c->rules[k];
		char t[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN + 2];

		sl_addr_ntop(&r->net, t, sizeof(t));
		snprintf(a, sizeof(a), r->family == AF_INET6 ? "[%s]" : "%s",
			t);
		if (r->port_lo == 0 && r->port_hi == 65535)
			snprintf(buf, len, "%s/%u", a, r->prefix_len);
		else
			snprintf(buf, len, "%s/%u:%u-%u", a, r->prefix_len,
				r->port_lo, r->port_hi);
	}
	return true;
}

/**
 * sl_getopt_error - describe why getopt_long returned ':' or '?'.
 * @c: getopt_long's return value
 * @argc: argument count
 * @argv: arguments
 * @err: output line
 * @errlen: size of @err
 *
 * glibc leaves in optopt the val of a known option given a wrong value (our
 * long options use SL_OPT_VAL_BASE + index), the character of a bad short
 * option, or 0 for an unknown or ambiguous long option, in which case
 * optind has been moved past it.
 */
static void
sl_getopt_error(int c, int argc, char **argv, char *err, size_t errlen)
{
	const struct sl_opt *o = NULL;
	const char *name = "";
	size_t nlen, i, matches = 0;

	if (optopt >= SL_OPT_VAL_BASE &&
			optopt < SL_OPT_VAL_BASE + (int)SL_NB_OPTS)
		o = &sl_opts[optopt - SL_OPT_VAL_BASE];
	if (o != NULL) {
		if (c == ':')
			snprintf(err, errlen, "--%s: missing value", o->name);
		else
			snprintf(err, errlen, "--%s: does not take a value",
				o->name);
		return;
	}
	if (optopt != 0) {
		if (c == ':')
			snprintf(err, errlen, "-%c: missing value", optopt);
		else
			snprintf(err, errlen, "unknown option '-%c'", optopt);
		return;
	}
	if (optind >= 1 && optind <= argc && argv[optind - 1] != NULL)
		name = argv[optind - 1];
	if (strncmp(name, "--", 2) == 0)
		name += 2;
	nlen = strcspn(name, "=");
	for (i = 0; i < SL_NB_OPTS; i++)
		if (strncmp(sl_opts[i].name, name, nlen) == 0)
			matches++;
	snprintf(err, errlen, "%s option '--%.*s'",
		matches > 1 ? "ambiguous" : "unknown", (int)nlen, name);
}

int
sl_check_subnet(const struct sl_config *c, char *err, size_t errlen)
{
	static const char *const names[3] = { "gateway", "guest-addr", "dns" };
	const uint32_t addr[3] = {
		ntohl(c->gateway), ntohl(c->guest_addr), ntohl(c->dns)
	};
	char s[3][INET_ADDRSTRLEN], net_s[INET_ADDRSTRLEN];
	uint32_t mask, net;
	struct in_addr in;
	unsigned int i, j;

	if (c->prefix_len < 1 || c->prefix_len > 30) {
		snprintf(err, errlen, "--prefix-len: '%u' is not a number "
			"from 1 to 30", (unsigned int)c->prefix_len);
		return -1;
	}
	mask = ~0u << (32 - c->prefix_len);
	net = addr[0] & mask;
	for (i = 0; i < 3; i++) {
		in.s_addr = htonl(addr[i]);
		inet_ntop(AF_INET, &in, s[i], sizeof(s[i]));
	}
	in.s_addr = htonl(net);
	inet_ntop(AF_INET, &in, net_s, sizeof(net_s));

	for (i = 0; i < 3; i++) {
		if ((addr[i] & mask) != net) {
			snprintf(err, errlen, "--%s %s is outside the guest "
				"subnet %s/%u of --gateway %s", names[i],
				s[i], net_s, (unsigned int)c->prefix_len,
				s[0]);
			return -1;
		}
		if (addr[i] == net) {
			snprintf(err, errlen, "--%s %s is the network address "
				"of the guest subnet %s/%u", names[i], s[i],
				net_s, (unsigned int)c->prefix_len);
			return -1;
		}
		if (addr[i] == (net | ~mask)) {
			snprintf(err, errlen, "--%s %s is the broadcast "
				"address of the guest subnet %s/%u", names[i],
				s[i], net_s, (unsigned int)c->prefix_len);
			return -1;
		}
	}
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (addr[i] == addr[j]) {
				snprintf(err, errlen, "--%s %s is the same "
					"address as --%s", names[j], s[j],
					names[i]);
				return -1;
			}
	return 0;
}

/** Fill the getopt_long table from sl_opts. */
static void
sl_longopts_fill(struct option *lo)
{
	size_t i;

	for (i = 0; i < SL_NB_OPTS; i++) {
		lo[i].name = sl_opts[i].name;
		lo[i].has_arg = sl_opts[i].metavar != NULL ?
			required_argument : no_argument;
		lo[i].flag = NULL;
		lo[i].val = SL_OPT_VAL_BASE + (int)i;
	}
	memset(&lo[SL_NB_OPTS], 0, sizeof(lo[SL_NB_OPTS]));
}

/** Map a getopt_long return value to its table entry (NULL: error). */
static const struct sl_opt *
sl_opt_from_val(int c)
{
	size_t i;

	if (c >= SL_OPT_VAL_BASE && c < SL_OPT_VAL_BASE + (int)SL_NB_OPTS)
		return &sl_opts[c - SL_OPT_VAL_BASE];
	for (i = 0; i < SL_NB_OPTS; i++)
		if (sl_opts[i].short_name != 0 && sl_opts[i].short_name == c)
			return &sl_opts[i];
	return NULL;
}

/* Leading '+': stop at the first non-option, never reorder argv.
 * Then ':': report a missing value as ':' rather than '?'.
 */
static const char sl_shortopts[] = "+:hVt:u:";

/**
 * sl_getopt_start - rewind getopt for a new pass over the arguments.
 *
 * Setting optind to 0 (not 1) makes glibc reinitialise its internal state,
 * which rte_eal_init's own getopt_long use (or an earlier pass) left behind.
 */
static void
sl_getopt_start(void)
{
	optind = 0;
	opterr = 0;
	optarg = NULL;
}

int
sl_options_parse(int argc, char **argv, struct sl_config *cfg,
	char *err, size_t errlen)
{
	struct option lo[SL_NB_OPTS + 1];
	struct sl_opt_ctx ctx;
	const struct sl_opt *o;
	char why[256], errbuf[256];
	int saved_opterr = opterr;
	int c, pass, rc = -1;

	if (err == NULL || errlen == 0) {
		err = errbuf;
		errlen = sizeof(errbuf);
	}
	err[0] = '\0';
	if (cfg == NULL) {
		snprintf(err, errlen, "no configuration to fill");
		return -1;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = *cfg;
	sl_longopts_fill(lo);

	/*
	 * Pass 0: syntax, --help and --version. Pass 1: the --config files,
	 * in order. Pass 2: everything else, overriding the files.
	 */
	for (pass = 0; argc > 1 && argv != NULL && pass < 3; pass++) {
		sl_getopt_start();
		while ((c = getopt_long(argc, argv, sl_shortopts, lo,
				NULL)) != -1) {
			o = sl_opt_from_val(c);
			if (o == NULL) {
				sl_getopt_error(c, argc, argv, err, errlen);
				goto out;
			}
			if (pass == 0 && o->type == SL_OT_HELP) {
				sl_options_usage(stdout, argv[0]);
				rc = SL_OPT_EXIT_OK;
				goto out;
			}
			if (pass == 0 && o->type == SL_OT_VERSION) {
				printf("sluice %s\n", SL_VERSION);
				rc = SL_OPT_EXIT_OK;
				goto out;
			}
			if (pass == 1 && o->type == SL_OT_CONFIG) {
				if (sl_config_file_load(&ctx, optarg, err,
						errlen) < 0)
					goto out;
			}
			if (pass == 2 && sl_opt_is_key(o)) {
				if (sl_opt_apply(&ctx, o, optarg, why,
						sizeof(why)) < 0) {
					snprintf(err, errlen, "--%s: %s",
						o->name, why);
					goto out;
				}
			}
		}
		if (pass == 0 && optind < argc) {
			snprintf(err, errlen, "unexpected argument '%s'",
				argv[optind]);
			goto out;
		}
	}

	if (sl_check_subnet(&ctx.cfg, err, errlen) < 0 ||
	    sl_check_subnet6(&ctx.cfg, err, errlen) < 0 ||
	    sl_check_hosts(&ctx.cfg, err, errlen) < 0)
		goto out;
	if (ctx.cfg.dns_fwd == 0 && !ctx.dns_fwd_set &&
			sl_resolv_conf_path != NULL &&
			(sl_config_load_resolv(sl_resolv_conf_path,
				&ctx.cfg.dns_fwd) == 0 ||
			sl_config_load_resolv6(sl_resolv_conf_path,
				&ctx.cfg.dns_fwd6) == 0))
		ctx.cfg.dns_fwd_port = 53;	/* resolv.conf has no ports */
	*cfg = ctx.cfg;
	rc = 0;
out:
	opterr = saved_opterr;
	optind = 0;
	return rc;
}

void
sl_options_usage(FILE *f, const char *prog)
{
	const struct sl_opt *o;
	struct sl_config d;
	char def[80];
	size_t i;

	if (prog == NULL || *prog == '\0')
		prog = "sluice";
	sl_config_defaults(&d);
	fprintf(f,
		"Usage: %s [EAL options] -- [options]\n"
		"\n"
		"Every option but --config, --help and --version can also\n"
		"be set in a config file as \"key = value\", the key being\n"
		"the option without its dashes ('#' starts a comment).\n"
		"The --config files are read first, in order, so the\n"
		"command line always wins.\n"
		"\n"
		"Options:\n", prog);
	for (i = 0; i < SL_NB_OPTS; i++) {
		o = &sl_opts[i];
		if (o->short_name != 0)
			fprintf(f, "  -%c, --%s%s%s\n", o->short_name, o->name,
				o->metavar != NULL ? " " : "",
				o->metavar != NULL ? o->metavar : "");
		else
			fprintf(f, "  --%s %s\n", o->name, o->metavar);

		def[0] = '\0';
		if (o->type == SL_OT_DNSFWD && d.dns_fwd == 0)
			snprintf(def, sizeof(def), "first nameserver in %s",
				sl_resolv_conf_path != NULL ?
				sl_resolv_conf_path : "/etc/resolv.conf");
		else if (sl_opt_is_key(o))
			sl_opt_format(&d, o, def, sizeof(def));

		if (def[0] == '\0')
			fprintf(f, "      %s\n", o->help);
		else if (6 + strlen(o->help) + strlen(def) + 12 <= 79)
			fprintf(f, "      %s (default: %s)\n", o->help, def);
		else
			fprintf(f, "      %s\n      (default: %s)\n", o->help,
				def);
	}
}

int
sl_options_dump(const struct sl_config *cfg, char *buf, size_t len)
{
	char val[SL_NETNS_LEN + 16];
	size_t i, used = 0;
	int n;

	if (buf == NULL || len == 0)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < SL_NB_OPTS; i++) {
		uint32_t k;

		if (!sl_opt_is_key(&sl_opts[i]))
			continue;
		if (sl_opts[i].type == SL_OT_FWD ||
		    sl_opts[i].type == SL_OT_RULE ||
		    sl_opts[i].type == SL_OT_DHCPHOST) {
			/* rules keep their order (first match wins): all of
			 * them are written at "allow", each under its key */
			if (sl_opts[i].type == SL_OT_RULE && sl_opts[i].min == 0)
				continue;
			for (k = 0; k < cfg->nb_fwd + cfg->nb_rules +
			    cfg->nb_dhcp_res; k++) {
				if (!sl_list_format(cfg, &sl_opts[i], k, val,
				    sizeof(val)))
					continue;
				n = snprintf(buf + used, len - used,
					"%s = %s\n", sl_opts[i].type == SL_OT_RULE ?
					(cfg->rules[k].allow ? "allow" : "deny") :
					sl_opts[i].name, val);
				if (n < 0 || (size_t)n >= len - used)
					return -1;
				used += (size_t)n;
			}
			continue;
		}
		sl_opt_format(cfg, &sl_opts[i], val, sizeof(val));
		n = snprintf(buf + used, len - used, "%s = %s\n",
			sl_opts[i].name, val);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return (int)used;
}
