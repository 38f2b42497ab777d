/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * mem_ctl.c: the control API of the in-memory host (sl_host_mem.h): how a
 * unit test plays the host peer (completes or refuses connects, pushes
 * bytes, FINs, resets, datagrams, connections and error reports toward
 * sluice, makes sends fail) and inspects what sluice did (what it wrote,
 * sent, shut down, closed, watched).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem_priv.h"
#include "sl_host_mem.h"

void
sl_host_mem_set_connect_mode(struct sl_host *h, int mode)
{
	struct mem_host *m = mem_host(h);

	if (m == NULL)
		return;
	if (mode == SL_MEM_CONNECT_NOW || mode == SL_MEM_CONNECT_PENDING ||
			mode == SL_MEM_CONNECT_REFUSE ||
			mode == SL_MEM_CONNECT_LOOPBACK)
		m->connect_mode = mode;
}

void
sl_host_mem_set_inet6(struct sl_host *h, bool on)
{
	struct mem_host *m = mem_host(h);

	if (m != NULL)
		m->no_inet6 = !on;
}

int
sl_host_mem_connect_done(struct sl_host *h, int hd, int err)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (s->kind != SL_HOST_TCP || s->state != MS_PENDING)
		return -EINVAL;
	if (err < 0)
		err = -err;
	if (err == 0) {
		s->state = MS_CONNECTED;
	} else {
		s->state = MS_FAILED;
		s->err = err;
		s->conn_err = err;
	}
	return 0;
}

int
sl_host_mem_find(struct sl_host *h, enum sl_host_kind kind,
	const union sl_sockaddr *dst)
{
	struct mem_host *m = mem_host(h);
	uint64_t best_seq = 0;
	int best = -1, i;

	if (m == NULL || dst == NULL)
		return -1;
	for (i = 0; i < m->hi; i++) {
		struct mem_sock *s = &m->socks[i];

		if (!s->open || s->kind != kind || !s->has_last)
			continue;
		if (!addr_eq(&s->last, dst, kind != SL_HOST_ICMP))
			continue;
		if (best < 0 || s->seq > best_seq) {
			best = i;
			best_seq = s->seq;
		}
	}
	return best;
}

int
sl_host_mem_last(struct sl_host *h)
{
	struct mem_host *m = mem_host(h);

	return m != NULL ? m->last : -1;
}

int
sl_host_mem_push(struct sl_host *h, int hd, const void *buf, size_t len)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (s->kind != SL_HOST_TCP)
		return -EPROTOTYPE;
	if (s->state == MS_LISTEN)
		return -EINVAL;
	if (s->rst)
		return -ECONNRESET;
	if (s->fin)
		return -EPIPE;
	if (len == 0)
		return 0;
	if (buf == NULL)
		return -EFAULT;
	if (sl_mem_buf_reserve(&s->rx, len) != 0)
		return -ENOMEM;
	memcpy(s->rx.data + s->rx.len, buf, len);
	s->rx.len += len;
	return 0;
}

int
sl_host_mem_push_fin(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (s->kind != SL_HOST_TCP)
		return -EPROTOTYPE;
	s->fin = true;
	return 0;
}

int
sl_host_mem_push_rst(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (s->kind != SL_HOST_TCP)
		return -EPROTOTYPE;
	s->rst = true;
	s->err = ECONNRESET;
	return 0;
}

int
sl_host_mem_set_sndbuf(struct sl_host *h, int hd, size_t cap)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	s->sndbuf = cap;
	return 0;
}

void
sl_host_mem_set_default_sndbuf(struct sl_host *h, size_t cap)
{
	struct mem_host *m = mem_host(h);

	if (m != NULL)
		m->default_sndbuf = cap;
}

size_t
sl_host_mem_take(struct sl_host *h, int hd, void *buf, size_t max)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	if (s == NULL || mem_is_dgram(s))
		return 0;
	return sl_mem_buf_take(&s->tx, buf, max);
}

size_t
sl_host_mem_queued(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	if (s == NULL || mem_is_dgram(s))
		return 0;
	return buf_used(&s->tx);
}

bool
sl_host_mem_is_open(struct sl_host *h, int hd)
{
	return mem_open_sock(mem_host(h), hd) != NULL;
}

bool
sl_host_mem_shut_wr(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	return s != NULL && s->shut_wr;
}

bool
sl_host_mem_aborted(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	return s != NULL && s->aborted;
}

uint64_t
sl_host_mem_cookie(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	return s != NULL ? s->cookie : 0;
}

uint32_t
sl_host_mem_interest(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	return s != NULL ? s->interest : 0;
}

union sl_sockaddr
sl_host_mem_sockaddr(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);
	union sl_sockaddr sa;

	if (s != NULL && s->has_last)
		return s->last;
	if (s != NULL && s->bound)
		return s->local;
	memset(&sa, 0, sizeof(sa));
	return sa;
}

union sl_sockaddr
sl_host_mem_source(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);
	union sl_sockaddr sa;

	if (s != NULL)
		return s->src;
	memset(&sa, 0, sizeof(sa));
	return sa;
}

ssize_t
sl_host_mem_pop_dgram_to(struct sl_host *h, int hd, void *buf, size_t max,
	union sl_sockaddr *to)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);
	struct mem_dgram *d;
	size_t n;

	if (s == NULL)
		return -EBADF;
	d = sl_mem_dq_pop(&s->txq);
	if (d == NULL)
		return -EAGAIN;
	n = d->len < max ? d->len : max;
	if (n > 0)
		memcpy(buf, d->data, n);
	if (to != NULL)
		*to = d->addr;
	free(d);
	return (ssize_t)n;
}

ssize_t
sl_host_mem_pop_dgram(struct sl_host *h, int hd, void *buf, size_t max)
{
	return sl_host_mem_pop_dgram_to(h, hd, buf, max, NULL);
}

unsigned int
sl_host_mem_dgrams(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	return s != NULL ? s->txq.n : 0;
}

int
sl_host_mem_push_dgram(struct sl_host *h, int hd, const void *buf,
	size_t len, const union sl_sockaddr *from)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (!mem_is_dgram(s))
		return -EPROTOTYPE;
	if (buf == NULL && len > 0)
		return -EFAULT;
	if (from == NULL)
		from = s->has_last ? &s->last : NULL;
	if (from != NULL) {
		/* as the socket's family sees it (v4-mapped on IPv6) */
		union sl_sockaddr a = sl_mem_peer_addr(s->family, from);

		if (sl_mem_family_ok(s->family, s->v6only, from) != 0)
			return -EAFNOSUPPORT;
		return sl_mem_dq_push(&s->rxq, buf, len, &a);
	}
	return sl_mem_dq_push(&s->rxq, buf, len, NULL);
}

int
sl_host_mem_set_error(struct sl_host *h, int hd, int err)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	s->err = err < 0 ? -err : err;
	return 0;
}

int
sl_host_mem_incoming(struct sl_host *h, int lhd,
	const union sl_sockaddr *peer)
{
	struct mem_sock *l = mem_open_sock(mem_host(h), lhd);
	union sl_sockaddr a;

	if (l == NULL)
		return -EBADF;
	if (l->kind != SL_HOST_TCP || l->state != MS_LISTEN || peer == NULL)
		return -EINVAL;
	/* an IPv4 listener hears no IPv6 client, a V6ONLY one no IPv4
	 * client; a dual-stack one hears IPv4 clients v4-mapped */
	if (sl_mem_family_ok(l->family, l->v6only, peer) != 0)
		return -ECONNREFUSED;
	a = sl_mem_peer_addr(l->family, peer);
	return sl_mem_dq_push(&l->inq, NULL, 0, &a);
}

int
sl_host_mem_fail_sends(struct sl_host *h, int hd, unsigned int after,
	int err, unsigned int count)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (!mem_is_dgram(s))
		return -EPROTOTYPE;
	s->fail_after = after;
	s->fail_count = count;
	s->fail_err = count > 0 ? (err < 0 ? -err : err) : 0;
	if (s->fail_err == 0)
		s->fail_count = 0;
	return 0;
}

int
sl_host_mem_calls(struct sl_host *h, int hd, unsigned int *send_calls,
	unsigned int *recv_calls)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (send_calls != NULL)
		*send_calls = s->send_calls;
	if (recv_calls != NULL)
		*recv_calls = s->recv_calls;
	return 0;
}

int
sl_host_mem_op_calls(struct sl_host *h, int hd, unsigned int *error_calls,
	unsigned int *shutdown_calls)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	*error_calls = s->error_calls;
	*shutdown_calls = s->shutdown_calls;
	return 0;
}

uint64_t
sl_host_mem_polls(struct sl_host *h)
{
	struct mem_host *m = mem_host(h);

	return m != NULL ? m->polls : 0;
}

unsigned int
sl_host_mem_recv_slots(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	return s != NULL ? s->recv_slots : 0;
}

int
sl_host_mem_push_err(struct sl_host *h, int hd, const struct sl_host_dgerr *e,
	const void *quote, size_t len)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);
	struct mem_dgram *d;

	if (s == NULL)
		return -EBADF;
	if (!mem_is_dgram(s))
		return -EPROTOTYPE;
	if (e == NULL || (quote == NULL && len > 0))
		return -EFAULT;
	d = sl_mem_dq_push_entry(&s->errq, quote, len, &e->dst);
	if (d == NULL)
		return -ENOMEM;
	d->rep = *e;
	d->rep.len = len;
	s->err = e->err < 0 ? -e->err : e->err;
	return 0;
}

unsigned int
sl_host_mem_errs(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	return s != NULL ? s->errq.n : 0;
}

int
sl_host_mem_next_ttl(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	return s->txq.head != NULL ? s->txq.head->ttl : -EAGAIN;
}
