/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_options_priv.h: what the option table (sl_options.c) shares with the
 * config file reader (sl_options_file.c): the option descriptor, the
 * parsing state, and the calls that look an option up, apply a value and
 * check the guest network as a whole. Private to app/.
 */
#ifndef SL_OPTIONS_PRIV_H
#define SL_OPTIONS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_config.h"

/** How an option's value is read. */
enum sl_opt_type {
	SL_OT_ADDR,	/* IPv4 address on the guest network */
	SL_OT_ADDR6,	/* IPv6 address in the guest prefix (sl_options6.c) */
	SL_OT_PREFIX6,	/* IPv6 /64 prefix (sl_options6.c) */
	SL_OT_DNSFWD,	/* ADDR[:PORT] or off -> dns_fwd, dns_fwd_port */
	SL_OT_UINT,	/* decimal number in [min, max] (or 0/auto) */
	SL_OT_SIZE,	/* byte count with optional K/M/G suffix */
	SL_OT_BOOL,	/* on|off */
	SL_OT_FWD,	/* -t/-u SPEC, repeatable (min: IPPROTO_*) */
	SL_OT_RULE,	/* --allow/--deny CIDR[:PORTS], repeatable (min: allow) */
	SL_OT_NETNS,	/* a network namespace name or path (sl_netns_check) */
	SL_OT_RANGE,	/* --dhcp-range FIRST-LAST (sl_options_hosts.c) */
	SL_OT_DHCPHOST,	/* --dhcp-host MAC,ADDR, repeatable */
	SL_OT_FWDSRC,	/* --fwd-source client|gateway */
	SL_OT_FWDFAM,	/* --fwd-guest-family auto|client|ipv4|ipv6 */
	SL_OT_HOSTADDR,	/* a host address or any (--outbound-addr) */
	SL_OT_HOSTADDR6, /* an IPv6 host address or any (--outbound-addr6) */
	SL_OT_CONFIG,	/* --config FILE (command line only) */
	SL_OT_HELP,	/* -h, --help */
	SL_OT_VERSION,	/* -V, --version */
};

/** One option. */
struct sl_opt {
	const char *name;	/* long option name, config file key */
	char short_name;	/* 0: none */
	enum sl_opt_type type;
	size_t off;		/* field in struct sl_config */
	size_t width;		/* field size: 1, 2 or 4 */
	bool zero_auto;		/* 0 ("auto") allowed besides min..max */
	uint64_t min;
	uint64_t max;
	const char *metavar;
	const char *help;
};

/** Parsing state: the configuration being built and what was given. */
struct sl_opt_ctx {
	struct sl_config cfg;
	bool dns_fwd_set;	/* dns-forward given in a file or on the line */
};

/** Whether the option sets a configuration field (is a config file key). */
static inline bool
sl_opt_is_key(const struct sl_opt *o)
{
	return o->type != SL_OT_CONFIG && o->type != SL_OT_HELP &&
		o->type != SL_OT_VERSION;
}

/**
 * sl_opt_find - the option whose long name (config file key) is @name.
 * Return: its table entry, or NULL.
 */
const struct sl_opt *sl_opt_find(const char *name);

/**
 * sl_opt_apply - parse @val for option @o and store it in @ctx.
 * @ctx: parsing state
 * @o: option (one that sets a field)
 * @val: the value text
 * @why: where the reason is written on error (quoting @val)
 * @whylen: size of @why
 *
 * Return: 0 or -1.
 */
int sl_opt_apply(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen);

/**
 * sl_check_subnet - check the guest network addresses against each other:
 * gateway, guest and DNS address in one subnet, distinct, not its network
 * or broadcast address.
 * @c: configuration
 * @err: output line
 * @errlen: size of @err
 *
 * Return: 0 or -1.
 */
int sl_check_subnet(const struct sl_config *c, char *err, size_t errlen);

/**
 * sl_opt_hosts_apply - parse @val for the many-hosts option @o (types
 * SL_OT_RANGE to SL_OT_HOSTADDR6) into @c. Return: 0 or -1 (@why set).
 */
int sl_opt_hosts_apply(struct sl_config *c, const struct sl_opt *o,
	const char *val, char *why, size_t whylen);

/** sl_opt_hosts_format - the value of such an option, as it is read. */
void sl_opt_hosts_format(const struct sl_config *c, const struct sl_opt *o,
	char *buf, size_t len);

/**
 * sl_opt_hosts_list - reservation @k as "MAC,ADDR".
 * Return: false when there is no reservation @k.
 */
bool sl_opt_hosts_list(const struct sl_config *c, uint32_t k, char *buf,
	size_t len);

/**
 * sl_check_hosts - the pool and the reservations lie in the guest subnet
 * (and are host addresses of it). Return: 0 or -1 (@err set).
 */
int sl_check_hosts(const struct sl_config *c, char *err, size_t errlen);

/**
 * sl_config_file_load - apply the "key = value" lines of @path to @ctx;
 * the settings of "[port N]" sections are checked and kept for
 * sl_options_port().
 * @ctx: parsing state
 * @path: config file
 * @err: error line ("path:line: key: reason")
 * @errlen: size of @err
 *
 * Return: 0 or -1.
 */
int sl_config_file_load(struct sl_opt_ctx *ctx, const char *path, char *err,
	size_t errlen);

/**
 * sl_opt_set_addr6 - an IPv6 address that can be on the guest network
 * (not multicast, link-local, unspecified, loopback or IPv4-mapped).
 * Arguments and return as sl_opt_apply().
 */
int sl_opt_set_addr6(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen);

/**
 * sl_opt_set_prefix6 - the guest's IPv6 prefix, ADDR/64 (or ADDR: /64);
 * the gateway and DNS addresses move into it, their interface identifiers
 * kept. Arguments and return as sl_opt_apply().
 */
int sl_opt_set_prefix6(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen);

/** sl_opt_format6 - an IPv6 option's value in @c, as the parser reads it. */
void sl_opt_format6(const struct sl_config *c, const struct sl_opt *o,
	char *buf, size_t len);

/** sl_parse_u64 - a plain decimal number (sl_options.c). Return: 0 or -1. */
int sl_parse_u64(const char *s, const char **end, uint64_t *v);

/**
 * sl_opt_set_dnsfwd - the DNS forwarder: ADDR[:PORT] or off; an IPv6
 * ADDR bare (port 53) or in brackets ("[::1]:5353") (sl_options6.c).
 * Return: 0, or -1 with @why set.
 */
int sl_opt_set_dnsfwd(struct sl_opt_ctx *ctx, const struct sl_opt *o,
	const char *val, char *why, size_t whylen);

/**
 * sl_check_subnet6 - with IPv6 on: --gateway6 and --dns6 in --prefix6, not
 * its subnet-router anycast address, distinct.
 * Return: 0 or -1 (@err written).
 */
int sl_check_subnet6(const struct sl_config *c, char *err, size_t errlen);

#endif /* SL_OPTIONS_PRIV_H */
