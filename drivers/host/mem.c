/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * mem.c: the in-memory host backend for unit tests: simulated sockets in a
 * fixed handle table, level-triggered readiness computed from socket state,
 * connect, listen, accept, poll and the backend's sl_host_ops. The data
 * calls are in mem_io.c, the control API a test uses to play the host peer
 * (sl_host_mem.h) in mem_ctl.c, the socket model in mem_priv.h.
 * Plain C and libc; no DPDK, no kernel sockets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem_priv.h"
#include "sl_host.h"
#include "sl_host_mem.h"

/**
 * mem_alloc - take the next free slot round-robin and initialise it.
 * @m: host
 * @kind: socket kind
 * @cookie: event cookie
 *
 * A slot closed earlier keeps its state for inspection until the cursor
 * comes back to it; its buffers are freed only here, on reuse.
 *
 * Return: handle, or -EMFILE when every slot is open.
 */
static int
mem_alloc(struct mem_host *m, enum sl_host_kind kind, uint64_t cookie)
{
	struct mem_sock *s;
	int i, hd;

	for (i = 0; i < SL_MEM_MAX_HANDLES; i++) {
		hd = (m->next + i) % SL_MEM_MAX_HANDLES;
		if (!m->socks[hd].open)
			break;
	}
	if (i == SL_MEM_MAX_HANDLES)
		return -EMFILE;
	s = &m->socks[hd];
	sl_mem_sock_reset(s);
	s->used = true;
	s->open = true;
	s->kind = kind;
	s->family = AF_INET;
	s->state = MS_IDLE;
	s->cookie = cookie;
	s->seq = ++m->seq;
	s->sndbuf = m->default_sndbuf;
	m->next = (hd + 1) % SL_MEM_MAX_HANDLES;
	if (hd >= m->hi)
		m->hi = hd + 1;
	m->last = hd;
	m->base.open_handles++;
	return hd;
}

/**
 * mem_ready - the readiness of @s, before interest masking.
 * @s: socket
 *
 * See the model in sl_host_mem.h.
 *
 * Return: SL_HOST_EV_* bits.
 */
static uint32_t
mem_ready(const struct mem_sock *s)
{
	uint32_t ev = 0;

	if (!s->open)
		return 0;
	if (s->err != 0 || s->errq.n > 0)
		ev |= SL_HOST_EV_ERR;
	if (mem_is_dgram(s)) {
		ev |= SL_HOST_EV_OUT;
		if (s->rxq.n > 0)
			ev |= SL_HOST_EV_IN;
		return ev;
	}
	if (s->rst)	/* TCP_CLOSE, both directions shut, as Linux */
		return ev | SL_HOST_EV_IN | SL_HOST_EV_OUT | SL_HOST_EV_RDHUP |
			SL_HOST_EV_HUP;
	switch (s->state) {
	case MS_LISTEN:
		if (s->inq.n > 0)
			ev |= SL_HOST_EV_IN;
		break;
	case MS_IDLE:
	case MS_FAILED:
		/* the kernel's TCP_CLOSE state: epoll reports HUP */
		ev |= SL_HOST_EV_HUP;
		break;
	case MS_CONNECTED:
		if (buf_used(&s->rx) > 0)
			ev |= SL_HOST_EV_IN;
		if (s->fin)
			ev |= SL_HOST_EV_IN | SL_HOST_EV_RDHUP;
		if (s->shut_wr || buf_used(&s->tx) < s->sndbuf)
			ev |= SL_HOST_EV_OUT;
		if (s->fin && s->shut_wr)
			ev |= SL_HOST_EV_HUP;
		break;
	default:
		break;
	}
	return ev;
}

/* --- sl_host_ops -------------------------------------------------------- */

/** mem_open - sl_host_open() on the mem host. */
static int
mem_open(struct sl_host *h, enum sl_host_kind kind, uint64_t cookie)
{
	struct mem_host *m = mem_host(h);
	bool inet6 = (kind & SL_HOST_INET6) != 0;
	int hd;

	if (m == NULL)
		return -EINVAL;
	kind = SL_HOST_KIND(kind);
	if (kind != SL_HOST_TCP && kind != SL_HOST_UDP && kind != SL_HOST_ICMP)
		return -EPROTONOSUPPORT;
	if (inet6 && m->no_inet6)
		return -EAFNOSUPPORT;
	hd = mem_alloc(m, kind, cookie);
	if (hd >= 0 && inet6)
		m->socks[hd].family = AF_INET6;
	if (hd >= 0 && (inet6 ? !sl_addr_is_any(&h->outbound_addr6) :
	    h->outbound_addr != 0)) {
		/* bound before connect or send, as the kernel backend does:
		 * an IPv6 socket to the IPv6 address, an IPv4 one to the
		 * IPv4 one */
		struct mem_sock *s = mem_slot(m, hd);

		s->src = inet6 ? sl_sockaddr_make(&h->outbound_addr6, 0) :
			sl_sockaddr_v4(h->outbound_addr, 0);
	}
	return hd;
}

/** mem_set_cookie - see sl_host_set_cookie(). */
static int
mem_set_cookie(struct sl_host *h, int hd, uint64_t cookie)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	s->cookie = cookie;
	return 0;
}

/** mem_connect - sl_host_connect() on the mem host. */
static int
mem_connect(struct sl_host *h, int hd, const union sl_sockaddr *sa)
{
	struct mem_host *m = mem_host(h);
	struct mem_sock *s = mem_open_sock(m, hd);

	int rc;

	if (s == NULL)
		return -EBADF;
	if (sa == NULL)
		return -EINVAL;
	rc = sl_mem_family_ok(s->family, s->v6only, sa);
	if (rc != 0)
		return rc;
	if (mem_is_dgram(s)) {
		s->dst = *sa;
		s->last = *sa;
		s->connected_dst = true;
		s->has_last = true;
		return 0;
	}
	switch (s->state) {
	case MS_PENDING:
		return -EALREADY;
	case MS_CONNECTED:
		return -EISCONN;
	case MS_LISTEN:
	case MS_FAILED:
		return -EINVAL;
	default:
		break;
	}
	s->dst = *sa;
	s->last = *sa;
	s->connected_dst = true;
	s->has_last = true;
	switch (m->connect_mode) {
	case SL_MEM_CONNECT_PENDING:
		s->state = MS_PENDING;
		return -EINPROGRESS;
	case SL_MEM_CONNECT_REFUSE:
		s->state = MS_IDLE;
		return -ECONNREFUSED;
	case SL_MEM_CONNECT_LOOPBACK:
		s->state = MS_CONNECTED;
		return -EINPROGRESS;
	default:
		s->state = MS_CONNECTED;
		return 0;
	}
}

/**
 * mem_bind_clash - whether binding @sa (IPv6 only: @v6only) on the port
 * of the bound socket @s clashes, as Linux decides without SO_REUSEPORT:
 * the same family clashes when the addresses are equal or either is the
 * unspecified one; across families only an IPv6 socket on :: that is not
 * V6ONLY clashes with every IPv4 address.
 */
static bool
mem_bind_clash(const struct mem_sock *s, const union sl_sockaddr *sa,
	bool v6only)
{
	struct sl_addr a = sl_sockaddr_addr(&s->local);
	struct sl_addr b = sl_sockaddr_addr(sa);

	if (sl_sockaddr_port(&s->local) != sl_sockaddr_port(sa))
		return false;
	if (s->family == sa->sa.sa_family)
		return sl_addr_eq(&a, &b) || sl_addr_is_any(&a) ||
			sl_addr_is_any(&b);
	if (s->family == AF_INET6)
		return !s->v6only && sl_addr_is_any(&a);
	return !v6only && sl_addr_is_any(&b);
}

/** mem_listen - sl_host_listen() on the mem host. */
static int
mem_listen(struct sl_host *h, enum sl_host_kind kind,
	const union sl_sockaddr *sa, uint64_t cookie)
{
	struct mem_host *m = mem_host(h);
	struct mem_sock *s;
	bool v6only;
	int hd, i;

	if (m == NULL || sa == NULL)
		return -EINVAL;
	/* one in-memory host per worker: sharing an address with another
	 * worker's listener (SL_HOST_SHARED) is between separate hosts */
	v6only = (kind & SL_HOST_V6ONLY) != 0;
	kind = SL_HOST_KIND(kind);
	if (kind != SL_HOST_TCP && kind != SL_HOST_UDP)
		return -EINVAL;
	if ((sa->sa.sa_family != AF_INET && sa->sa.sa_family != AF_INET6) ||
	    (sa->sa.sa_family == AF_INET6 && m->no_inet6))
		return -EAFNOSUPPORT;
	v6only = v6only && sa->sa.sa_family == AF_INET6;
	/* refuse a second open socket whose address overlaps on the port */
	for (i = 0; i < m->hi; i++) {
		s = &m->socks[i];
		if (s->open && s->bound && s->kind == kind &&
		    mem_bind_clash(s, sa, v6only))
			return -EADDRINUSE;
	}
	hd = mem_alloc(m, kind, cookie);
	if (hd < 0)
		return hd;
	s = &m->socks[hd];
	s->local = *sa;
	s->family = sa->sa.sa_family;
	s->v6only = v6only;
	s->bound = true;
	s->interest = SL_HOST_EV_IN;
	if (kind == SL_HOST_TCP)
		s->state = MS_LISTEN;
	return hd;
}

/** mem_accept - sl_host_accept() on the mem host. */
static int
mem_accept(struct sl_host *h, int lhd, union sl_sockaddr *peer,
	uint64_t cookie)
{
	struct mem_host *m = mem_host(h);
	struct mem_sock *l = mem_open_sock(m, lhd);
	struct mem_sock *s;
	struct mem_dgram *c;
	int hd;

	if (l == NULL)
		return -EBADF;
	if (l->kind != SL_HOST_TCP || l->state != MS_LISTEN)
		return -EINVAL;
	if (l->inq.head == NULL)
		return -EAGAIN;
	hd = mem_alloc(m, SL_HOST_TCP, cookie);
	if (hd < 0)
		return hd;
	c = sl_mem_dq_pop(&l->inq);
	s = &m->socks[hd];
	s->family = l->family;
	s->state = MS_CONNECTED;
	s->dst = c->addr;
	s->last = c->addr;
	s->connected_dst = true;
	s->has_last = true;
	if (peer != NULL)
		*peer = c->addr;
	free(c);
	return hd;
}

/** mem_watch - sl_host_watch() on the mem host. */
static int
mem_watch(struct sl_host *h, int hd, uint32_t events)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	s->interest = events &
		(SL_HOST_EV_IN | SL_HOST_EV_OUT | SL_HOST_EV_RDHUP);
	if (s->interest == 0 && (events & SL_HOST_EV_QUIET))
		s->interest = SL_HOST_EV_QUIET;
	return 0;
}

/** mem_shutdown_wr - sl_host_shutdown_wr() on the mem host. */
static int
mem_shutdown_wr(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	s->shutdown_calls++;
	if (mem_is_dgram(s)) {
		if (!s->connected_dst)
			return -ENOTCONN;
	} else if (s->rst || s->state != MS_CONNECTED) {
		return -ENOTCONN;
	}
	s->shut_wr = true;
	return 0;
}

/** mem_close - sl_host_close() on the mem host. */
static void
mem_close(struct sl_host *h, int hd, bool abort)
{
	struct mem_host *m = mem_host(h);
	struct mem_sock *s = mem_open_sock(m, hd);

	if (s == NULL)
		return;
	/* as Linux: closing a connected stream sends its FIN */
	if (!abort && !mem_is_dgram(s) && s->state == MS_CONNECTED &&
	    !s->rst)
		s->shut_wr = true;
	s->open = false;
	s->aborted = abort;
	s->interest = 0;
	sl_mem_dq_free(&s->inq);
	m->base.open_handles--;
}

/** mem_error - sl_host_error() on the mem host. */
static int
mem_error(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);
	int err;

	if (s == NULL)
		return -EBADF;
	s->error_calls++;
	err = s->err;
	s->err = 0;
	return -err;
}

/** mem_wspace - sl_host_wspace() on the mem host. */
static long
mem_wspace(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);
	size_t used;

	if (s == NULL)
		return 0;
	used = mem_is_dgram(s) ? 0 : buf_used(&s->tx);
	return used >= s->sndbuf ? 0 : (long)(s->sndbuf - used);
}

/** mem_unsent - sl_host_unsent() on the mem host. */
static long
mem_unsent(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL || mem_is_dgram(s))
		return 0;
	return (long)buf_used(&s->tx);
}

/**
 * mem_poll - report ready handles, never waiting.
 * @h: host
 * @ev: event array
 * @max: its size
 * @timeout_ms: ignored
 *
 * The scan starts where the previous one stopped so that, with a small
 * @max, every ready handle gets its turn.
 *
 * Return: number of events, or -EINVAL.
 */
static int
mem_poll(struct sl_host *h, struct sl_host_ev *ev, int max, int timeout_ms)
{
	struct mem_host *m = mem_host(h);
	int n = 0, i, hd;

	(void)timeout_ms;
	if (m == NULL || max < 0 || (ev == NULL && max > 0))
		return -EINVAL;
	m->polls++;
	if (m->hi == 0)
		return 0;
	for (i = 0; i < m->hi && n < max; i++) {
		struct mem_sock *s;
		uint32_t r;

		hd = (m->poll_cursor + i) % m->hi;
		s = &m->socks[hd];
		if (s->interest & SL_HOST_EV_QUIET)
			continue;
		r = mem_ready(s) & (s->interest | SL_HOST_EV_ERR |
			SL_HOST_EV_HUP);
		if (r == 0)
			continue;
		ev[n].cookie = s->cookie;
		ev[n].events = r;
		n++;
		if (n == max)
			m->poll_cursor = (hd + 1) % m->hi;
	}
	return n;
}

/** mem_destroy - sl_host_destroy() on the mem host. */
static void
mem_destroy(struct sl_host *h)
{
	struct mem_host *m = mem_host(h);
	int i;

	if (m == NULL)
		return;
	for (i = 0; i < m->hi; i++)
		sl_mem_sock_free(&m->socks[i]);
	free(m);
}

const struct sl_host_ops sl_mem_ops = {
	.open = mem_open,
	.connect = mem_connect,
	.listen = mem_listen,
	.accept = mem_accept,
	.watch = mem_watch,
	.set_cookie = mem_set_cookie,
	.writev = sl_mem_writev,
	.readv = sl_mem_readv,
	.sendmmsg = sl_mem_sendmmsg,
	.recvmmsg = sl_mem_recvmmsg,
	.errqueue = sl_mem_errqueue,
	.shutdown_wr = mem_shutdown_wr,
	.close = mem_close,
	.error = mem_error,
	.wspace = mem_wspace,
	.unsent = mem_unsent,
	.poll = mem_poll,
	.destroy = mem_destroy,
};

struct sl_host *
sl_host_mem_create(void)
{
	struct mem_host *m = calloc(1, sizeof(*m));
	int i;

	if (m == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	m->base.ops = &sl_mem_ops;
	m->base.name = "mem";
	m->base.open_handles = 0;
	m->connect_mode = SL_MEM_CONNECT_NOW;
	m->default_sndbuf = SL_MEM_DEFAULT_SNDBUF;
	m->last = -1;
	for (i = 0; i < SL_MEM_MAX_HANDLES; i++)
		sl_mem_sock_reset(&m->socks[i]);
	return &m->base;
}
