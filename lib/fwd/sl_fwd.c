/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_fwd.c: inbound forwards (parsing, per-worker listeners) and access
 * rules. A forward owns one host listener per host port of its range; the
 * listeners carry special cookies (SL_COOKIE_SPECIAL | slot << 16 | offset)
 * so their readiness reaches sl_fwd_event(), which accepts TCP connections
 * (handed to the TCP relay as new inbound flows) or reads UDP datagrams
 * (handed to the UDP relay). Deleting a forward closes its listeners only:
 * flows already accepted keep running.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "sl_fwd.h"
#include "sl_fwd_guest.h"
#include "sl_fwd_priv.h"
#include "sl_io.h"
#include "sl_log.h"
#include "sl_neigh.h"
#include "sl_proto.h"
#include "sl_steer.h"
#include "sl_udp.h"

#define SL_FWD_RANGE_MAX 1024	/* host ports per forward */

/**
 * parse_port_range - "N" or "N-M" (1..65535, N <= M).
 * Return: pointer past the range, or NULL.
 */
static const char *
parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return NULL;
	a = strtoul(s, &end, 10);
	if (a == 0 || a > 65535)
		return NULL;
	b = a;
	if (*end == '-') {
		s = end + 1;
		if (*s < '0' || *s > '9')
			return NULL;
		b = strtoul(s, &end, 10);
		if (b == 0 || b > 65535 || b < a)
			return NULL;
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return end;
}

/**
 * parse_addr - the address of @n bytes at @s: IPv4, IPv6, or IPv6 in
 * brackets. Return: AF_INET, AF_INET6, or 0 when it is none.
 */
static int
parse_addr(const char *s, size_t n, struct sl_addr *out)
{
	char addr[INET6_ADDRSTRLEN];
	int fam;

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
		if (n == 0 || n >= sizeof(addr))
			return 0;
		memcpy(addr, s, n);
		addr[n] = '\0';
		fam = sl_addr_pton(addr, out);
		return fam == AF_INET6 ? fam : 0;
	}
	if (n == 0 || n >= sizeof(addr))
		return 0;
	memcpy(addr, s, n);
	addr[n] = '\0';
	return sl_addr_pton(addr, out);
}

/**
 * target6_ok - whether @a can be an IPv6 target: a unicast address of the
 * guest's (not link-local: it would need a scope; not v4-mapped).
 */
static bool
target6_ok(const struct sl_addr *a)
{
	return !sl_addr_is_any(a) && !sl_addr_is_v4(a) && a->b[0] != 0xff &&
		!(a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80) &&
		!(a->w[0] == 0 && a->w[1] == 0 && a->w[2] == 0 &&
		a->w[3] == htonl(1));
}

/**
 * parse_target - the guest side of a forward: "[TOADDR/]PORT[-PORT]", the
 * guest host (an IPv4 address of the guest prefix, or an IPv6 one, bare or
 * in brackets, reached over IPv6; none: --guest-addr, the family by
 * --fwd-guest-family) and its ports (passt's -t form).
 * @t: text after the ':'
 * @spec: the whole forward text, for messages
 * @out: to_addr or to_addr6, guest_lo and guest_hi are set
 * Return: pointer past the target, or NULL (err set).
 */
static const char *
parse_target(const char *t, const char *spec, struct sl_fwd_spec *out,
	char *err, size_t errlen)
{
	const char *slash = strchr(t, '/'), *p;
	struct sl_addr a;

	if (slash != NULL && slash < t + strcspn(t, ",")) {
		int n = (int)(slash - t);
		int fam = parse_addr(t, (size_t)n, &a);
		uint32_t h = fam == AF_INET ? ntohl(sl_addr_get_v4(&a)) : 0;

		if (h != 0 && (h >> 24) != 127 && (h >> 28) < 14)
			out->to_addr = sl_addr_get_v4(&a);
		else if (fam == AF_INET6 && target6_ok(&a))
			out->to_addr6 = a;
		else {
			snprintf(err, errlen, "'%s': bad target address '%.*s'",
				spec, n, t);
			return NULL;
		}
		t = slash + 1;
	}
	p = parse_port_range(t, &out->guest_lo, &out->guest_hi);
	if (p == NULL)
		snprintf(err, errlen, "'%s': bad guest port range", spec);
	return p;
}

/** The names of enum sl_fwd_family (DEFAULT: none). */
static const char *const fam_names[] = {
	[SL_FWD_FAM_AUTO] = "auto", [SL_FWD_FAM_CLIENT] = "client",
	[SL_FWD_FAM_IPV4] = "ipv4", [SL_FWD_FAM_IPV6] = "ipv6",
};

int
sl_fwd_family_parse(const char *text)
{
	unsigned int i;

	for (i = SL_FWD_FAM_AUTO; i < RTE_DIM(fam_names); i++)
		if (strcmp(text, fam_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
sl_fwd_family_name(uint8_t fam)
{
	return fam < RTE_DIM(fam_names) && fam_names[fam] != NULL ?
		fam_names[fam] : "default";
}

/**
 * parse_flags - the forward's options after a ',', comma-separated:
 * "source=client" or "source=gateway" (whose address inbound flows show
 * the guest), "guest-family=auto|client|ipv4|ipv6" (which family reaches
 * the guest when the target has no address).
 * Return: 0 or -1 (err set).
 */
static int
parse_flags(const char *f, const char *spec, struct sl_fwd_spec *out,
	char *err, size_t errlen)
{
	for (;;) {
		size_t n = strcspn(f, ",");
		char opt[32];
		int fam;

		snprintf(opt, sizeof(opt), "%.*s", (int)RTE_MIN(n,
			sizeof(opt) - 1), f);
		fam = strncmp(opt, "guest-family=", 13) == 0 ?
			sl_fwd_family_parse(opt + 13) : -1;
		if (n < sizeof(opt) - 1 && strcmp(opt, "source=client") == 0)
			out->source = SL_FWD_SRC_CLIENT;
		else if (n < sizeof(opt) - 1 &&
		    strcmp(opt, "source=gateway") == 0)
			out->source = SL_FWD_SRC_GATEWAY;
		else if (n < sizeof(opt) - 1 && fam > 0)
			out->guest_family = (uint8_t)fam;
		else {
			snprintf(err, errlen, "'%s': unknown option '%.*s' "
				"(source=client|gateway, guest-family=auto|"
				"client|ipv4|ipv6)", spec, (int)n, f);
			return -1;
		}
		f += n;
		if (*f == '\0')
			return 0;
		f++;	/* an empty option after it is refused above */
	}
}

/**
 * parse_listen - the host side of a forward: "[ADDR/]PORT[-PORT]" (the
 * bind address, IPv4 or IPv6, bare or in brackets, and the host ports).
 * The text before the first '/' is a bind address when it parses as one;
 * otherwise that '/' belongs to the target ("8080:10.0.2.16/80").
 * Return: pointer past it, or NULL (err set).
 */
static const char *
parse_listen(const char *s, const char *spec, struct sl_fwd_spec *out,
	char *err, size_t errlen)
{
	const char *slash = strchr(s, '/'), *p;

	if (slash != NULL) {
		size_t n = (size_t)(slash - s);
		int fam = parse_addr(s, n, &out->bind_addr);

		if (fam != 0) {
			out->family = (uint8_t)fam;
			s = slash + 1;
		} else if (n == 0 || s[0] == '[' ||
		    memchr(s, ':', n) == NULL) {
			snprintf(err, errlen, "'%s': bad bind address '%.*s'",
				spec, (int)n, s);
			return NULL;
		}
	}
	p = parse_port_range(s, &out->host_lo, &out->host_hi);
	if (p == NULL)
		snprintf(err, errlen, "'%s': expected [ADDR/]PORT[-PORT]"
			"[:[TOADDR/]GUESTPORT[-GUESTPORT]] with ports 1-65535",
			spec);
	return p;
}

int
sl_fwd_parse(const char *spec, uint8_t proto, struct sl_fwd_spec *out,
	char *err, size_t errlen)
{
	const char *s = spec, *p;

	memset(out, 0, sizeof(*out));
	out->proto = proto;
	if (strncmp(s, "tcp:", 4) == 0) {
		out->proto = IPPROTO_TCP;
		s += 4;
	} else if (strncmp(s, "udp:", 4) == 0) {
		out->proto = IPPROTO_UDP;
		s += 4;
	}
	p = parse_listen(s, spec, out, err, errlen);
	if (p == NULL)
		return -1;
	out->guest_lo = out->host_lo;
	out->guest_hi = out->host_hi;
	if (*p == ':') {
		p = parse_target(p + 1, spec, out, err, errlen);
		if (p == NULL)
			return -1;
		if (out->guest_lo == out->guest_hi &&
		    out->host_lo != out->host_hi) {
			snprintf(err, errlen, "'%s': a host range needs a guest "
				"range of the same length", spec);
			return -1;
		}
	}
	if (*p == ',') {
		if (parse_flags(p + 1, spec, out, err, errlen) != 0)
			return -1;
		p += strlen(p);
	}
	if (*p != '\0') {
		snprintf(err, errlen, "'%s': unexpected '%s'", spec, p);
		return -1;
	}
	if (out->guest_hi - out->guest_lo != out->host_hi - out->host_lo) {
		snprintf(err, errlen, "'%s': host and guest ranges differ in "
			"length", spec);
		return -1;
	}
	if (out->host_hi - out->host_lo + 1 > SL_FWD_RANGE_MAX) {
		snprintf(err, errlen, "'%s': at most %d ports per forward", spec,
			SL_FWD_RANGE_MAX);
		return -1;
	}
	return 0;
}

/** port_range_fmt - "LO" or "LO-HI". */
static void
port_range_fmt(uint16_t lo, uint16_t hi, char *buf, size_t len)
{
	if (lo == hi)
		snprintf(buf, len, "%u", lo);
	else
		snprintf(buf, len, "%u-%u", lo, hi);
}

int
sl_fwd_format(const struct sl_fwd_spec *s, char *buf, size_t len)
{
	char addr[SL_ADDR_STRLEN] = "", a[INET6_ADDRSTRLEN];
	char to[SL_ADDR_STRLEN] = "", fam[24] = "";
	char host[16], guest[16];

	if (s->family != 0)
		snprintf(addr, sizeof(addr), s->family == AF_INET6 ? "[%s]/" :
			"%s/", sl_addr_ntop(&s->bind_addr, a, sizeof(a)));
	if (s->to_addr != 0) {
		struct sl_addr t = sl_addr_v4(s->to_addr);

		snprintf(to, sizeof(to), "%s/", sl_addr_ntop(&t, a, sizeof(a)));
	} else if (!sl_addr_is_any(&s->to_addr6))
		snprintf(to, sizeof(to), "[%s]/", sl_addr_ntop(&s->to_addr6, a,
			sizeof(a)));
	if (s->guest_family != SL_FWD_FAM_DEFAULT)
		snprintf(fam, sizeof(fam), ",guest-family=%s",
			sl_fwd_family_name(s->guest_family));
	port_range_fmt(s->host_lo, s->host_hi, host, sizeof(host));
	port_range_fmt(s->guest_lo, s->guest_hi, guest, sizeof(guest));
	return snprintf(buf, len, "%s:%s%s:%s%s%s%s",
		s->proto == IPPROTO_UDP ? "udp" : "tcp", addr, host, to, guest,
		s->source == SL_FWD_SRC_CLIENT ? ",source=client" :
		s->source == SL_FWD_SRC_GATEWAY ? ",source=gateway" : "", fam);
}

bool
sl_fwd_overlap(const struct sl_fwd_spec *a, const struct sl_fwd_spec *b)
{
	if (a->proto != b->proto)
		return false;
	/* no address: both families, everything; an explicit IPv6 one is
	 * IPv6 only; within a family the unspecified address takes all */
	if (a->family != 0 && b->family != 0 &&
	    (a->family != b->family ||
	    (!sl_addr_eq(&a->bind_addr, &b->bind_addr) &&
	    !sl_addr_is_any(&a->bind_addr) && !sl_addr_is_any(&b->bind_addr))))
		return false;
	return a->host_lo <= b->host_hi && b->host_lo <= a->host_hi;
}

int
sl_rule_parse(const char *text, bool allow, struct sl_rule *out, char *err,
	size_t errlen)
{
	const char *p = text, *q;
	unsigned long plen, max;
	size_t n;
	char *end;
	int fam;

	memset(out, 0, sizeof(*out));
	out->allow = allow;
	out->port_lo = 0;
	out->port_hi = 65535;
	/* IPv4 "A.B.C.D", IPv6 "[V6]" or a bare IPv6 address (two colons
	 * at least: its port can only follow a prefix length) */
	if (*p == '[')
		n = strcspn(p, "]") + 1;
	else {
		n = strcspn(p, "/:");
		if (p[n] == ':' && strchr(p + n + 1, ':') != NULL &&
		    memchr(p, '/', n) == NULL)
			n = strcspn(p, "/");
	}
	fam = parse_addr(p, n, &out->net);
	if (fam == 0) {
		snprintf(err, errlen, "'%s': expected CIDR[:PORT[-PORT]] "
			"(IPv6: [ADDR]/LEN:PORT or ADDR/LEN)", text);
		return -1;
	}
	out->family = (uint8_t)fam;
	plen = max = fam == AF_INET ? 32 : 128;
	q = p + n;
	if (*q == '/') {
		plen = strtoul(q + 1, &end, 10);
		if (end == q + 1 || plen > max) {
			snprintf(err, errlen, "'%s': bad prefix length", text);
			return -1;
		}
		q = end;
	}
	if (*q == ':') {
		q = parse_port_range(q + 1, &out->port_lo, &out->port_hi);
		if (q == NULL) {
			snprintf(err, errlen, "'%s': bad port range", text);
			return -1;
		}
	}
	if (*q != '\0') {
		snprintf(err, errlen, "'%s': unexpected '%s'", text, q);
		return -1;
	}
	out->prefix_len = (uint8_t)plen;
	sl_addr_mask(&out->net, (unsigned int)plen + (fam == AF_INET ? 96 : 0));
	return 0;
}

/* ------------------------------------------------------------------ */
/* worker side                                                          */

/** state_of - the worker's forwards (NULL until the first is added). */
static struct sl_fwd_state *
state_of(const struct sl_worker *w)
{
	return w->fwd;
}

/** close_listeners - close every listener of slot @e. */
static void
close_listeners(struct sl_worker *w, struct sl_fwd_entry *e)
{
	unsigned int i, n = e->spec.host_hi - e->spec.host_lo + 1u;

	for (i = 0; i < n && e->hd != NULL; i++) {
		if (e->hd[i] < 0)
			continue;
		if (e->spec.proto == IPPROTO_UDP)
			sl_udp_forward_closed(w, e->hd[i]);
		sl_host_close(w->host, e->hd[i], false);
	}
	rte_free(e->hd);
	e->hd = NULL;
	if (e->active && e->spec.proto == IPPROTO_UDP && w->steer != NULL)
		sl_steer_udp_fwd(w->steer, e->spec.guest_lo, e->spec.guest_hi,
			false);
	e->active = false;
}

/**
 * listen_one - the listener of forward @s on host @port: on its address,
 * IPv6 only for an IPv6 one; without an address dual-stack on :: (IPv4
 * clients come v4-mapped), or on 0.0.0.0 when the host has no IPv6 (one
 * log line per worker). A multi-queue port's workers share TCP listeners
 * (the kernel spreads connections); UDP forwards live on its worker 0
 * (sl_steer.c).
 * Return: the handle or -errno.
 */
static int
listen_one(struct sl_worker *w, const struct sl_fwd_spec *s, uint16_t port,
	uint64_t cookie)
{
	static const struct sl_addr any6;
	unsigned int kind = s->proto == IPPROTO_UDP ? SL_HOST_UDP :
		w->steer != NULL ? SL_HOST_TCP | SL_HOST_SHARED : SL_HOST_TCP;
	union sl_sockaddr sa;
	int hd;

	if (s->family != 0) {
		sa = sl_sockaddr_make(&s->bind_addr, htons(port));
		if (s->family == AF_INET6)
			kind |= SL_HOST_V6ONLY;
		return sl_host_listen(w->host, (enum sl_host_kind)kind, &sa,
			cookie);
	}
	sa = sl_sockaddr_make(&any6, htons(port));
	hd = sl_host_listen(w->host, (enum sl_host_kind)kind, &sa, cookie);
	if (hd != -EAFNOSUPPORT)
		return hd;
	if (!w->fwd->v4_only_logged) {
		w->fwd->v4_only_logged = true;
		SL_LOG(FWD, WARNING, "worker %u: the host has no IPv6: "
			"forwards without an address listen on IPv4 only\n",
			w->id);
	}
	sa = sl_sockaddr_v4(0, htons(port));
	return sl_host_listen(w->host, (enum sl_host_kind)kind, &sa, cookie);
}

int
sl_fwd_add(struct sl_worker *w, const struct sl_fwd_spec *s)
{
	struct sl_fwd_state *st = state_of(w);
	struct sl_fwd_entry *e = NULL;
	unsigned int i, n = s->host_hi - s->host_lo + 1u;

	if (st == NULL) {
		st = rte_zmalloc("sl_fwd", sizeof(*st), 0);
		if (st == NULL)
			return -ENOMEM;
		w->fwd = st;
	}
	for (i = 0; i < SL_FWD_MAX; i++) {
		if (st->e[i].active && sl_fwd_overlap(&st->e[i].spec, s))
			return -EEXIST;
		if (!st->e[i].active && e == NULL)
			e = &st->e[i];
	}
	if (e == NULL)
		return -ENOSPC;
	if (s->to_addr != 0 && !sl_neigh_is_host_addr(w->cfg, s->to_addr))
		return -EINVAL;		/* no host of the guest prefix */
	if (!sl_addr_is_any(&s->to_addr6) &&
	    !sl_fwd_guest6_addr_ok(w->cfg, &s->to_addr6))
		return -EINVAL;		/* IPv6 off, or not in its prefix */
	e->hd = rte_malloc("sl_fwd_hd", sizeof(int) * n, 0);
	if (e->hd == NULL)
		return -ENOMEM;
	e->spec = *s;
	for (i = 0; i < n; i++)
		e->hd[i] = -1;
	for (i = 0; i < n; i++) {
		uint64_t cookie = SL_COOKIE_SPECIAL |
			((uint64_t)(e - st->e) << 16) | i;
		int hd = listen_one(w, s, (uint16_t)(s->host_lo + i), cookie);

		if (hd < 0) {
			close_listeners(w, e);
			return hd;
		}
		e->hd[i] = hd;
		sl_host_watch(w->host, hd, SL_HOST_EV_IN);
	}
	e->active = true;
	st->n++;
	if (s->proto == IPPROTO_UDP && w->steer != NULL)
		sl_steer_udp_fwd(w->steer, s->guest_lo, s->guest_hi, true);
	{
		char txt[SL_FWD_TEXT_LEN];

		sl_fwd_format(s, txt, sizeof(txt));
		SL_LOG(FWD, INFO, "worker %u: forward %s added\n", w->id, txt);
	}
	return 0;
}

int
sl_fwd_del(struct sl_worker *w, const struct sl_fwd_spec *s)
{
	struct sl_fwd_state *st = state_of(w);
	unsigned int i;

	if (st == NULL)
		return -ENOENT;
	for (i = 0; i < SL_FWD_MAX; i++) {
		struct sl_fwd_entry *e = &st->e[i];

		if (e->active && e->spec.proto == s->proto &&
		    e->spec.family == s->family &&
		    sl_addr_eq(&e->spec.bind_addr, &s->bind_addr) &&
		    e->spec.to_addr == s->to_addr &&
		    sl_addr_eq(&e->spec.to_addr6, &s->to_addr6) &&
		    e->spec.guest_family == s->guest_family &&
		    e->spec.source == s->source &&
		    e->spec.host_lo == s->host_lo &&
		    e->spec.host_hi == s->host_hi &&
		    e->spec.guest_lo == s->guest_lo &&
		    e->spec.guest_hi == s->guest_hi) {
			char txt[SL_FWD_TEXT_LEN];

			sl_fwd_format(&e->spec, txt, sizeof(txt));
			close_listeners(w, e);
			st->n--;
			SL_LOG(FWD, INFO, "worker %u: forward %s removed\n",
				w->id, txt);
			return 0;
		}
	}
	return -ENOENT;
}

unsigned int
sl_fwd_count(const struct sl_worker *w)
{
	const struct sl_fwd_state *st = state_of(w);

	return st == NULL ? 0 : st->n;
}

const struct sl_fwd_spec *
sl_fwd_get(const struct sl_worker *w, unsigned int i)
{
	const struct sl_fwd_state *st = state_of(w);
	unsigned int k, seen = 0;

	if (st == NULL)
		return NULL;
	for (k = 0; k < SL_FWD_MAX; k++) {
		if (!st->e[k].active)
			continue;
		if (seen++ == i)
			return &st->e[k].spec;
	}
	return NULL;
}

void
sl_fwd_fini(struct sl_worker *w)
{
	struct sl_fwd_state *st = state_of(w);
	unsigned int i;

	if (st == NULL)
		return;
	for (i = 0; i < SL_FWD_MAX; i++)
		if (st->e[i].active)
			close_listeners(w, &st->e[i]);
	rte_free(st);
	w->fwd = NULL;
}

const struct sl_fwd_entry *
sl_fwd_from_cookie(const struct sl_worker *w, uint64_t cookie,
	unsigned int *offset, int *hd)
{
	const struct sl_fwd_state *st = state_of(w);
	unsigned int slot = (unsigned int)((cookie >> 16) & 0xffff);
	unsigned int off = (unsigned int)(cookie & 0xffff);
	const struct sl_fwd_entry *e;

	if (st == NULL || slot >= SL_FWD_MAX)
		return NULL;
	e = &st->e[slot];
	if (!e->active || off > (unsigned int)(e->spec.host_hi -
	    e->spec.host_lo))
		return NULL;
	*offset = off;
	*hd = e->hd[off];
	return e;
}

/**
 * fwd_event - a forward's listener is ready: the module of its protocol
 * accepts (TCP) or reads (UDP), through the worker's protocol table.
 */
static void
fwd_event(struct sl_worker *w, uint64_t cookie, uint32_t events)
{
	const struct sl_fwd_entry *e;
	const struct sl_proto *p;
	unsigned int off;
	int hd;

	RTE_SET_USED(events);
	e = sl_fwd_from_cookie(w, cookie, &off, &hd);
	if (e == NULL)
		return;
	p = w->by_ip[e->spec.proto];
	if (p != NULL && p->listen != NULL)
		p->listen(w, &e->spec, off, hd);
}

/** Forwards in the protocol table: their listeners' events. */
const struct sl_proto sl_fwd_proto = {
	.name = "fwd",
	.fini = sl_fwd_fini,
	.special_event = fwd_event,
};
