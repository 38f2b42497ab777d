/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_fwd.h: inbound port forwarding (host port -> guest port) and the
 * access rules (--allow/--deny) checked for every new guest flow.
 */
#ifndef SL_FWD_H
#define SL_FWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_config.h"

struct sl_worker;

/** Room for sl_fwd_format's text, the terminating NUL included. */
#define SL_FWD_TEXT_LEN	128

/**
 * sl_fwd_parse - parse "[tcp:|udp:][ADDR/]PORT[-PORT]
 * [:[TOADDR/]GUESTPORT[-GUESTPORT]][,source=client|gateway]
 * [,guest-family=auto|client|ipv4|ipv6]": the host side (bind address:
 * IPv4, or IPv6 bare or in brackets, "[::1]/8080", "::/8080": IPv6 only;
 * without it the forward listens on both families; the ports), the guest
 * side (the target host: IPv4, or IPv6 reached over IPv6, "[fec0::5]/80";
 * default --guest-addr over the family --fwd-guest-family or the
 * forward's guest-family picks; its ports, default the host's) and whose
 * address inbound flows show the guest (default --fwd-source).
 * @spec: text
 * @proto: protocol when the text has no prefix
 * @out: filled
 * @err: one-line reason on failure
 * @errlen: size of @err
 * Return: 0 or -1.
 */
int sl_fwd_parse(const char *spec, uint8_t proto, struct sl_fwd_spec *out,
	char *err, size_t errlen);

/**
 * sl_fwd_format - "tcp:[ADDR/]LO-HI:[TOADDR/]GLO-GHI[,source=...]" text of
 * @s (an IPv6 ADDR in brackets); SL_FWD_TEXT_LEN bytes always suffice.
 * Return: length.
 */
int sl_fwd_format(const struct sl_fwd_spec *s, char *buf, size_t len);

/**
 * sl_fwd_family_parse - "auto", "client", "ipv4" or "ipv6" (the guest side's
 * family: enum sl_fwd_family). Return: the value, or -1.
 */
int sl_fwd_family_parse(const char *text);

/** sl_fwd_family_name - the name of enum sl_fwd_family @fam. */
const char *sl_fwd_family_name(uint8_t fam);

/** sl_fwd_overlap - whether two forwards claim a common host port. */
bool sl_fwd_overlap(const struct sl_fwd_spec *a, const struct sl_fwd_spec *b);

/**
 * sl_rule_parse - parse "CIDR[:PORT[-PORT]]": IPv4 "A.B.C.D[/LEN]", IPv6
 * "[ADDR][/LEN]" or "ADDR[/LEN]" (a bare IPv6 address takes a port only
 * after its length: "2001:db8::/32:443"). Return: 0 or -1 (err set).
 */
int sl_rule_parse(const char *text, bool allow, struct sl_rule *out,
	char *err, size_t errlen);

/* Worker side: owner lcore only (telemetry goes through the ctl ring). */

/**
 * sl_fwd_add - bind the host listeners of @s and start forwarding.
 * Return: 0, -EEXIST (overlaps a forward), -ENOSPC, or -errno from bind.
 */
int sl_fwd_add(struct sl_worker *w, const struct sl_fwd_spec *s);

/**
 * sl_fwd_del - stop accepting on the forward equal to @s; live connections
 * keep running. Return: 0 or -ENOENT.
 */
int sl_fwd_del(struct sl_worker *w, const struct sl_fwd_spec *s);

/** sl_fwd_count - forwards active on @w. */
unsigned int sl_fwd_count(const struct sl_worker *w);

/** sl_fwd_get - forward @i of @w (i < sl_fwd_count), or NULL. */
const struct sl_fwd_spec *sl_fwd_get(const struct sl_worker *w,
	unsigned int i);

/** Forwards in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_fwd_proto;

#endif /* SL_FWD_H */
