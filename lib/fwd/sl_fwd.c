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
 * parse_target - the guest side of a forward: "[TOADDR/]PORT[-PORT]", the
 * guest host (an address of the guest prefix; none: --guest-addr) and its
 * ports (passt's -t form).
 * @t: text after the ':'
 * @spec: the whole forward text, for messages
 * @out: to_addr, guest_lo and guest_hi are set
 * Return: pointer past the target, or NULL (err set).
 */
static const char *
parse_target(const char *t, const char *spec, struct sl_fwd_spec *out,
	char *err, size_t errlen)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(t, '/'), *p;
	struct in_addr a;

	if (slash != NULL && slash < t + strcspn(t, ",")) {
		size_t n = (size_t)(slash - t);

		if (n == 0 || n >= sizeof(addr)) {
			snprintf(err, errlen, "'%s': bad target address", spec);
			return NULL;
		}
		memcpy(addr, t, n);
		addr[n] = '\0';
		if (inet_pton(AF_INET, addr, &a) != 1 || a.s_addr == 0 ||
		    (ntohl(a.s_addr) >> 24) == 127 ||
		    (ntohl(a.s_addr) >> 28) >= 14) {
			snprintf(err, errlen, "'%s': bad target address '%s'",
				spec, addr);
			return NULL;
		}
		out->to_addr = a.s_addr;
		t = slash + 1;
	}
	p = parse_port_range(t, &out->guest_lo, &out->guest_hi);
	if (p == NULL)
		snprintf(err, errlen, "'%s': bad guest port range", spec);
	return p;
}

/**
 * parse_flags - the forward's options after a ',': "source=client" or
 * "source=gateway" (whose address inbound flows show the guest).
 * Return: 0 or -1 (err set).
 */
static int
parse_flags(const char *f, const char *spec, struct sl_fwd_spec *out,
	char *err, size_t errlen)
{
	if (strcmp(f, "source=client") == 0)
		out->source = SL_FWD_SRC_CLIENT;
	else if (strcmp(f, "source=gateway") == 0)
		out->source = SL_FWD_SRC_GATEWAY;
	else {
		snprintf(err, errlen, "'%s': unknown option '%s' (source="
			"client or source=gateway)", spec, f);
		return -1;
	}
	return 0;
}

/**
 * parse_listen - the host side of a forward: "[ADDR/]PORT[-PORT]" (the
 * bind address and the host ports).
 * Return: pointer past it, or NULL (err set).
 */
static const char *
parse_listen(const char *s, const char *spec, struct sl_fwd_spec *out,
	char *err, size_t errlen)
{
	const char *slash = strchr(s, '/'), *p;
	char addr[INET_ADDRSTRLEN];
	struct in_addr a;

	if (slash != NULL && slash < s + strcspn(s, ":,")) {
		size_t n = (size_t)(slash - s);

		if (n == 0 || n >= sizeof(addr)) {
			snprintf(err, errlen, "'%s': bad bind address", spec);
			return NULL;
		}
		memcpy(addr, s, n);
		addr[n] = '\0';
		if (inet_pton(AF_INET, addr, &a) != 1) {
			snprintf(err, errlen, "'%s': bad bind address '%s'",
				spec, addr);
			return NULL;
		}
		out->bind_addr = a.s_addr;
		s = slash + 1;
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
	char addr[INET_ADDRSTRLEN + 1] = "", to[INET_ADDRSTRLEN + 1] = "";
	char host[16], guest[16];

	if (s->bind_addr != 0) {
		inet_ntop(AF_INET, &s->bind_addr, addr, sizeof(addr) - 1);
		strcat(addr, "/");
	}
	if (s->to_addr != 0) {
		inet_ntop(AF_INET, &s->to_addr, to, sizeof(to) - 1);
		strcat(to, "/");
	}
	port_range_fmt(s->host_lo, s->host_hi, host, sizeof(host));
	port_range_fmt(s->guest_lo, s->guest_hi, guest, sizeof(guest));
	return snprintf(buf, len, "%s:%s%s:%s%s%s",
		s->proto == IPPROTO_UDP ? "udp" : "tcp", addr, host, to, guest,
		s->source == SL_FWD_SRC_CLIENT ? ",source=client" :
		s->source == SL_FWD_SRC_GATEWAY ? ",source=gateway" : "");
}

bool
sl_fwd_overlap(const struct sl_fwd_spec *a, const struct sl_fwd_spec *b)
{
	if (a->proto != b->proto)
		return false;
	if (a->bind_addr != 0 && b->bind_addr != 0 &&
	    a->bind_addr != b->bind_addr)
		return false;
	return a->host_lo <= b->host_hi && b->host_lo <= a->host_hi;
}

int
sl_rule_parse(const char *text, bool allow, struct sl_rule *out, char *err,
	size_t errlen)
{
	char addr[INET_ADDRSTRLEN];
	const char *p = text, *q;
	struct in_addr a;
	unsigned long plen = 32;
	size_t n;
	char *end;

	memset(out, 0, sizeof(*out));
	out->allow = allow;
	out->port_lo = 0;
	out->port_hi = 65535;
	n = strcspn(p, "/:");
	if (n == 0 || n >= sizeof(addr)) {
		snprintf(err, errlen, "'%s': expected CIDR[:PORT[-PORT]]", text);
		return -1;
	}
	memcpy(addr, p, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, &a) != 1) {
		snprintf(err, errlen, "'%s': bad address '%s'", text, addr);
		return -1;
	}
	q = p + n;
	if (*q == '/') {
		plen = strtoul(q + 1, &end, 10);
		if (end == q + 1 || plen > 32) {
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
	out->net = a.s_addr & (plen ? htonl(~0u << (32 - plen)) : 0);
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
	e->hd = rte_malloc("sl_fwd_hd", sizeof(int) * n, 0);
	if (e->hd == NULL)
		return -ENOMEM;
	e->spec = *s;
	for (i = 0; i < n; i++)
		e->hd[i] = -1;
	for (i = 0; i < n; i++) {
		struct sockaddr_in sa = {
			.sin_family = AF_INET,
			.sin_addr.s_addr = s->bind_addr,
			.sin_port = htons((uint16_t)(s->host_lo + i)),
		};
		uint64_t cookie = SL_COOKIE_SPECIAL |
			((uint64_t)(e - st->e) << 16) | i;
		/* a multi-queue port's workers share TCP listeners (the
		 * kernel spreads connections); UDP forwards live on its
		 * worker 0 (sl_steer.c) */
		int hd = sl_host_listen(w->host, s->proto == IPPROTO_UDP ?
			SL_HOST_UDP : w->steer != NULL ?
			(enum sl_host_kind)(SL_HOST_TCP | SL_HOST_SHARED) :
			SL_HOST_TCP, &sa, cookie);

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
		char txt[SL_FWD_TEXT_MAX];

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
		    e->spec.bind_addr == s->bind_addr &&
		    e->spec.to_addr == s->to_addr &&
		    e->spec.source == s->source &&
		    e->spec.host_lo == s->host_lo &&
		    e->spec.host_hi == s->host_hi &&
		    e->spec.guest_lo == s->guest_lo &&
		    e->spec.guest_hi == s->guest_hi) {
			char txt[SL_FWD_TEXT_MAX];

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
