/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * mem.c: the in-memory host backend for unit tests: simulated sockets in a
 * fixed handle table, level-triggered readiness computed from socket state,
 * and the control API a test uses to play the host peer (sl_host_mem.h).
 * Plain C and libc; no DPDK, no kernel sockets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_host.h"
#include "sl_host_mem.h"

/* Largest datagram sendto() accepts (the IPv4 UDP limit). */
#define MEM_DGRAM_MAX	65507

/* TCP socket states. */
enum mem_state {
	MS_IDLE,	/* opened, not connected (or connect refused) */
	MS_PENDING,	/* connect in progress */
	MS_CONNECTED,
	MS_FAILED,	/* connect failed (sl_host_mem_connect_done err) */
	MS_LISTEN,	/* TCP listener */
};

/* A byte stream queue. */
struct mem_buf {
	uint8_t *data;
	size_t off;	/* first unread byte */
	size_t len;	/* end of valid bytes */
	size_t cap;	/* allocated size */
};

/* One datagram (or one pending connection, with len 0, or one error
 * report with the datagram's quote). */
struct mem_dgram {
	struct mem_dgram *next;
	struct sockaddr_in addr;	/* source (rx), destination (tx), peer */
	struct sl_host_dgerr rep;	/* error queue: the report */
	uint8_t ttl;			/* tx: the TTL it was sent with */
	size_t len;
	uint8_t data[];
};

/* FIFO of datagrams. */
struct mem_dq {
	struct mem_dgram *head;
	struct mem_dgram **tail;
	unsigned int n;
	size_t bytes;
};

/* One simulated socket. */
struct mem_sock {
	bool used;		/* ever allocated (queryable) */
	bool open;
	bool shut_wr;
	bool aborted;
	bool fin;		/* peer FIN pushed */
	bool rst;		/* peer reset pushed */
	bool connected_dst;	/* dst set by connect() */
	bool has_last;		/* last is meaningful */
	bool bound;		/* made by listen() */
	enum sl_host_kind kind;
	enum mem_state state;
	int err;		/* pending SO_ERROR (positive), 0: none */
	int conn_err;		/* sticky failure of the connect */
	uint32_t interest;
	uint64_t cookie;
	uint64_t seq;		/* allocation order */
	size_t sndbuf;
	unsigned int send_calls;	/* send batches (and datagram writev) */
	unsigned int recv_calls;	/* receive batches (and datagram readv) */
	unsigned int fail_after;	/* sends still accepted before failing */
	unsigned int fail_count;	/* sends that fail then */
	int fail_err;			/* their error (positive), 0: none */
	struct sockaddr_in dst;		/* connected peer */
	struct sockaddr_in last;	/* what find()/sockaddr() report */
	struct sockaddr_in local;	/* bound address (listen) */
	struct mem_buf rx;		/* peer -> sluice (TCP) */
	struct mem_buf tx;		/* sluice -> peer (TCP) */
	struct mem_dq rxq;		/* peer -> sluice datagrams */
	struct mem_dq txq;		/* sluice -> peer datagrams */
	struct mem_dq inq;		/* listener: connections to accept */
	struct mem_dq errq;		/* datagram error reports */
};

struct mem_host {
	struct sl_host base;	/* must be first */
	int connect_mode;
	size_t default_sndbuf;
	int next;		/* round-robin allocation cursor */
	int hi;			/* one past the highest slot ever used */
	int last;		/* newest handle, -1: none */
	int poll_cursor;	/* where the next poll() scan starts */
	uint64_t seq;
	struct mem_sock socks[SL_MEM_MAX_HANDLES];
};

static const struct sl_host_ops mem_ops;

/* --- small helpers ---------------------------------------------------- */

static struct mem_host *
mem_host(struct sl_host *h)
{
	if (h == NULL || h->ops != &mem_ops)
		return NULL;
	return (struct mem_host *)h;
}

/* The slot of @hd when it was ever allocated (open or closed), else NULL. */
static struct mem_sock *
mem_slot(struct mem_host *m, int hd)
{
	if (m == NULL || hd < 0 || hd >= SL_MEM_MAX_HANDLES ||
			!m->socks[hd].used)
		return NULL;
	return &m->socks[hd];
}

/* The slot of @hd when it is open, else NULL. */
static struct mem_sock *
mem_open_sock(struct mem_host *m, int hd)
{
	struct mem_sock *s = mem_slot(m, hd);

	return s != NULL && s->open ? s : NULL;
}

static bool
mem_is_dgram(const struct mem_sock *s)
{
	return s->kind != SL_HOST_TCP;
}

static size_t
buf_used(const struct mem_buf *b)
{
	return b->len - b->off;
}

/* Make room for @n more bytes at the end of @b. Return: 0 or -ENOMEM. */
static int
buf_reserve(struct mem_buf *b, size_t n)
{
	size_t used = buf_used(b);
	size_t cap;
	uint8_t *p;

	if (b->len + n <= b->cap)
		return 0;
	if (b->off > 0) {
		memmove(b->data, b->data + b->off, used);
		b->off = 0;
		b->len = used;
		if (used + n <= b->cap)
			return 0;
	}
	cap = b->cap != 0 ? b->cap : 4096;
	while (cap < used + n)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* Copy up to @max bytes out of @b (NULL @dst discards). Return: bytes. */
static size_t
buf_take(struct mem_buf *b, void *dst, size_t max)
{
	size_t n = buf_used(b);

	if (n > max)
		n = max;
	if (dst != NULL && n > 0)
		memcpy(dst, b->data + b->off, n);
	b->off += n;
	if (b->off == b->len)
		b->off = b->len = 0;
	return n;
}

static void
buf_free(struct mem_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static void
dq_init(struct mem_dq *q)
{
	q->head = NULL;
	q->tail = &q->head;
	q->n = 0;
	q->bytes = 0;
}

/* Append a copy of @buf/@len from/to @addr. Return: the entry or NULL. */
static struct mem_dgram *
dq_push_entry(struct mem_dq *q, const void *buf, size_t len,
	const struct sockaddr_in *addr)
{
	struct mem_dgram *d = calloc(1, sizeof(*d) + len);

	if (d == NULL)
		return NULL;
	d->next = NULL;
	if (addr != NULL)
		d->addr = *addr;
	else
		memset(&d->addr, 0, sizeof(d->addr));
	d->len = len;
	if (len > 0)
		memcpy(d->data, buf, len);
	*q->tail = d;
	q->tail = &d->next;
	q->n++;
	q->bytes += len;
	return d;
}

/* dq_push_entry, Return: 0 or -ENOMEM. */
static int
dq_push(struct mem_dq *q, const void *buf, size_t len,
	const struct sockaddr_in *addr)
{
	return dq_push_entry(q, buf, len, addr) != NULL ? 0 : -ENOMEM;
}

/* Detach the oldest entry of @q (caller frees). Return: it, or NULL. */
static struct mem_dgram *
dq_pop(struct mem_dq *q)
{
	struct mem_dgram *d = q->head;

	if (d == NULL)
		return NULL;
	q->head = d->next;
	if (q->head == NULL)
		q->tail = &q->head;
	q->n--;
	q->bytes -= d->len;
	return d;
}

static void
dq_free(struct mem_dq *q)
{
	struct mem_dgram *d;

	while ((d = dq_pop(q)) != NULL)
		free(d);
}

static void
sock_free(struct mem_sock *s)
{
	buf_free(&s->rx);
	buf_free(&s->tx);
	dq_free(&s->rxq);
	dq_free(&s->txq);
	dq_free(&s->inq);
	dq_free(&s->errq);
}

static bool
addr_eq(const struct sockaddr_in *a, const struct sockaddr_in *b,
	bool ports)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
		(!ports || a->sin_port == b->sin_port);
}

static size_t
iov_total(const struct iovec *iov, int cnt)
{
	size_t total = 0;
	int i;

	for (i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	return total;
}

/* Scatter @len bytes of @src into @iov. Return: bytes copied. */
static size_t
iov_scatter(const struct iovec *iov, int cnt, const uint8_t *src, size_t len)
{
	size_t done = 0;
	int i;

	for (i = 0; i < cnt && done < len; i++) {
		size_t n = iov[i].iov_len;

		if (n > len - done)
			n = len - done;
		if (n == 0)
			continue;
		memcpy(iov[i].iov_base, src + done, n);
		done += n;
	}
	return done;
}

/* Gather up to @len bytes of @iov into @dst. Return: bytes copied. */
static size_t
iov_gather(const struct iovec *iov, int cnt, uint8_t *dst, size_t len)
{
	size_t done = 0;
	int i;

	for (i = 0; i < cnt && done < len; i++) {
		size_t n = iov[i].iov_len;

		if (n > len - done)
			n = len - done;
		memcpy(dst + done, iov[i].iov_base, n);
		done += n;
	}
	return done;
}

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
	sock_free(s);
	memset(s, 0, sizeof(*s));
	dq_init(&s->rxq);
	dq_init(&s->txq);
	dq_init(&s->inq);
	dq_init(&s->errq);
	s->used = true;
	s->open = true;
	s->kind = kind;
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

static int
mem_open(struct sl_host *h, enum sl_host_kind kind, uint64_t cookie)
{
	struct mem_host *m = mem_host(h);

	if (m == NULL)
		return -EINVAL;
	if (kind != SL_HOST_TCP && kind != SL_HOST_UDP && kind != SL_HOST_ICMP)
		return -EPROTONOSUPPORT;
	return mem_alloc(m, kind, cookie);
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

static int
mem_connect(struct sl_host *h, int hd, const struct sockaddr_in *sa)
{
	struct mem_host *m = mem_host(h);
	struct mem_sock *s = mem_open_sock(m, hd);

	if (s == NULL)
		return -EBADF;
	if (sa == NULL)
		return -EINVAL;
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
	default:
		s->state = MS_CONNECTED;
		return 0;
	}
}

static int
mem_listen(struct sl_host *h, enum sl_host_kind kind,
	const struct sockaddr_in *sa, uint64_t cookie)
{
	struct mem_host *m = mem_host(h);
	struct mem_sock *s;
	int hd, i;

	if (m == NULL || sa == NULL)
		return -EINVAL;
	/* one in-memory host per worker: sharing an address with another
	 * worker's listener (SL_HOST_SHARED) is between separate hosts */
	kind = (enum sl_host_kind)(kind & ~SL_HOST_SHARED);
	if (kind != SL_HOST_TCP && kind != SL_HOST_UDP)
		return -EINVAL;
	/* refuse a second open socket bound to the same address and port */
	for (i = 0; i < m->hi; i++) {
		s = &m->socks[i];
		if (s->open && s->bound && s->kind == kind &&
				addr_eq(&s->local, sa, true))
			return -EADDRINUSE;
	}
	hd = mem_alloc(m, kind, cookie);
	if (hd < 0)
		return hd;
	s = &m->socks[hd];
	s->local = *sa;
	s->bound = true;
	s->interest = SL_HOST_EV_IN;
	if (kind == SL_HOST_TCP)
		s->state = MS_LISTEN;
	return hd;
}

static int
mem_accept(struct sl_host *h, int lhd, struct sockaddr_in *peer,
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
	c = dq_pop(&l->inq);
	s = &m->socks[hd];
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

/*
 * What a call on a reset TCP socket returns once no data is left: the
 * pending error once (reading it clears it, as Linux's sock_error()), then
 * @after (Linux: 0 for a read, the shutdown receive side; -EPIPE for a
 * write).
 */
static int
mem_rst_err(struct mem_sock *s, int after)
{
	int err = s->err;

	s->err = 0;
	return err != 0 ? -err : after;
}

/* Why a TCP socket cannot carry data now (0: it can). */
static int
mem_stream_err(const struct mem_sock *s)
{
	switch (s->state) {
	case MS_CONNECTED:
		return 0;
	case MS_PENDING:
		return -EAGAIN;
	case MS_FAILED:
		return -s->conn_err;
	default:
		return -ENOTCONN;
	}
}

/* Record one outgoing datagram of @len bytes gathered from @iov. */
static ssize_t
mem_dgram_send(struct mem_sock *s, const struct iovec *iov, int cnt,
	size_t len, const struct sockaddr_in *to, uint8_t ttl)
{
	struct mem_dgram *d;

	if (to == NULL) {
		if (!s->connected_dst)
			return -EDESTADDRREQ;
		to = &s->dst;
	}
	if (s->shut_wr)
		return -EPIPE;
	if (len > MEM_DGRAM_MAX)
		return -EMSGSIZE;
	if (s->fail_err != 0 && s->fail_after == 0) {
		int err = s->fail_err;

		if (--s->fail_count == 0)
			s->fail_err = 0;
		return -err;
	}
	d = malloc(sizeof(*d) + len);
	if (d == NULL)
		return -ENOMEM;
	memset(d, 0, sizeof(*d));
	d->addr = *to;
	d->ttl = ttl;
	d->len = iov_gather(iov, cnt, d->data, len);
	*s->txq.tail = d;
	s->txq.tail = &d->next;
	s->txq.n++;
	s->txq.bytes += d->len;
	if (!s->connected_dst) {
		s->last = *to;
		s->has_last = true;
	}
	if (s->fail_err != 0)
		s->fail_after--;
	return (ssize_t)len;
}

/* Pop one incoming datagram into @iov (truncating: *@trunc, if given). */
static ssize_t
mem_dgram_recv(struct mem_sock *s, const struct iovec *iov, int cnt,
	struct sockaddr_in *from, bool *trunc)
{
	struct mem_dgram *d;
	size_t n;

	if (s->err != 0) {
		int err = s->err;

		s->err = 0;
		return -err;
	}
	d = dq_pop(&s->rxq);
	if (d == NULL)
		return -EAGAIN;
	n = iov_scatter(iov, cnt, d->data, d->len);
	if (from != NULL)
		*from = d->addr;
	if (trunc != NULL)
		*trunc = n < d->len;
	free(d);
	return (ssize_t)n;
}

static ssize_t
mem_stream_write(struct mem_sock *s, const struct iovec *iov, int cnt)
{
	size_t total = iov_total(iov, cnt);
	size_t used = buf_used(&s->tx);
	size_t n;
	int rc;

	if (s->rst)
		return mem_rst_err(s, -EPIPE);
	rc = mem_stream_err(s);
	if (rc != 0)
		return rc;
	if (s->shut_wr)
		return -EPIPE;
	if (total == 0)
		return 0;
	if (used >= s->sndbuf)
		return -EAGAIN;
	n = s->sndbuf - used;
	if (n > total)
		n = total;
	if (buf_reserve(&s->tx, n) != 0)
		return -ENOMEM;
	n = iov_gather(iov, cnt, s->tx.data + s->tx.len, n);
	s->tx.len += n;
	return (ssize_t)n;
}

static ssize_t
mem_stream_read(struct mem_sock *s, const struct iovec *iov, int cnt)
{
	size_t total = iov_total(iov, cnt);
	size_t n;
	int rc;

	/* a reset socket still yields what it received, then the error */
	rc = s->rst ? 0 : mem_stream_err(s);
	if (rc != 0)
		return rc;
	if (total == 0)
		return 0;
	n = buf_used(&s->rx);
	if (n == 0 && s->rst)
		return mem_rst_err(s, 0);
	if (n == 0)
		return s->fin ? 0 : -EAGAIN;
	n = iov_scatter(iov, cnt, s->rx.data + s->rx.off,
		n < total ? n : total);
	buf_take(&s->rx, NULL, n);
	return (ssize_t)n;
}

static ssize_t
mem_writev(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (cnt < 0 || (iov == NULL && cnt > 0))
		return -EINVAL;
	if (mem_is_dgram(s)) {
		s->send_calls++;
		return mem_dgram_send(s, iov, cnt, iov_total(iov, cnt), NULL,
			0);
	}
	return mem_stream_write(s, iov, cnt);
}

static ssize_t
mem_readv(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (cnt < 0 || (iov == NULL && cnt > 0))
		return -EINVAL;
	if (mem_is_dgram(s)) {
		s->recv_calls++;
		return mem_dgram_recv(s, iov, cnt, NULL, NULL);
	}
	return mem_stream_read(s, iov, cnt);
}

/**
 * mem_sendmmsg - see sl_host_sendmmsg(): datagrams are queued for the test
 * (sl_host_mem_pop_dgram*) one by one until one fails (EAGAIN and other
 * errors injected by sl_host_mem_fail_sends(), or EMSGSIZE...); on a stream
 * each is a write, and a short one ends the batch. At most
 * SL_HOST_MMSG_MAX per call, as the kernel backend.
 */
static int
mem_sendmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
	unsigned int n)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);
	unsigned int i;

	if (s == NULL)
		return -EBADF;
	if (n > 0 && msg == NULL)
		return -EFAULT;
	if (n > SL_HOST_MMSG_MAX)
		n = SL_HOST_MMSG_MAX;
	s->send_calls++;
	for (i = 0; i < n; i++) {
		struct sl_host_msg *m = &msg[i];
		size_t total;
		ssize_t r;

		if (m->iovcnt < 0 || (m->iov == NULL && m->iovcnt > 0))
			return i > 0 ? (int)i : -EINVAL;
		total = iov_total(m->iov, m->iovcnt);
		if (mem_is_dgram(s))
			r = mem_dgram_send(s, m->iov, m->iovcnt, total,
				m->addr, m->ttl);
		else
			r = mem_stream_write(s, m->iov, m->iovcnt);
		if (r < 0)
			return i > 0 ? (int)i : (int)r;
		m->len = (size_t)r;
		if ((size_t)r < total)
			return (int)i + 1;
	}
	return (int)n;
}

/**
 * mem_recvmmsg - see sl_host_recvmmsg(): queued datagrams, oldest first,
 * each with its source; on a stream, reads (source: the peer) until the
 * queue is empty. At most SL_HOST_MMSG_MAX per call.
 */
static int
mem_recvmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
	unsigned int n)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);
	unsigned int i;

	if (s == NULL)
		return -EBADF;
	if (n > 0 && msg == NULL)
		return -EFAULT;
	if (n > SL_HOST_MMSG_MAX)
		n = SL_HOST_MMSG_MAX;
	s->recv_calls++;
	for (i = 0; i < n; i++) {
		struct sl_host_msg *m = &msg[i];
		bool trunc = false;
		ssize_t r;

		if (m->iovcnt < 0 || (m->iov == NULL && m->iovcnt > 0))
			return i > 0 ? (int)i : -EINVAL;
		if (mem_is_dgram(s)) {
			r = mem_dgram_recv(s, m->iov, m->iovcnt, m->addr,
				&trunc);
		} else {
			r = mem_stream_read(s, m->iov, m->iovcnt);
			if (r >= 0 && m->addr != NULL)
				*m->addr = s->dst;
		}
		if (r < 0)
			return i > 0 ? (int)i : (int)r;
		m->len = (size_t)r;
		m->flags = trunc ? SL_HOST_MSG_TRUNC : 0;
		if (!mem_is_dgram(s) && (r == 0 || buf_used(&s->rx) == 0))
			return (int)i + 1;
	}
	return (int)n;
}

/**
 * mem_errqueue - see sl_host_errqueue(): the oldest report pushed with
 * sl_host_mem_push_err(); the pending error then becomes the next report's,
 * or none, as Linux does for ICMP errors.
 */
static int
mem_errqueue(struct sl_host *h, int hd, struct sl_host_dgerr *e, void *buf,
	size_t len)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);
	struct mem_dgram *d;

	if (s == NULL)
		return -EBADF;
	if (e == NULL || (buf == NULL && len > 0))
		return -EFAULT;
	d = dq_pop(&s->errq);
	if (d == NULL)
		return -EAGAIN;
	*e = d->rep;
	e->len = d->len < len ? d->len : len;
	if (e->len > 0)
		memcpy(buf, d->data, e->len);
	free(d);
	s->err = s->errq.head != NULL ? s->errq.head->rep.err : 0;
	return 0;
}

static int
mem_shutdown_wr(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (mem_is_dgram(s)) {
		if (!s->connected_dst)
			return -ENOTCONN;
	} else if (s->rst || s->state != MS_CONNECTED) {
		return -ENOTCONN;
	}
	s->shut_wr = true;
	return 0;
}

static void
mem_close(struct sl_host *h, int hd, bool abort)
{
	struct mem_host *m = mem_host(h);
	struct mem_sock *s = mem_open_sock(m, hd);

	if (s == NULL)
		return;
	s->open = false;
	s->aborted = abort;
	s->interest = 0;
	dq_free(&s->inq);
	m->base.open_handles--;
}

static int
mem_error(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);
	int err;

	if (s == NULL)
		return -EBADF;
	err = s->err;
	s->err = 0;
	return -err;
}

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

static void
mem_destroy(struct sl_host *h)
{
	struct mem_host *m = mem_host(h);
	int i;

	if (m == NULL)
		return;
	for (i = 0; i < m->hi; i++)
		sock_free(&m->socks[i]);
	free(m);
}

static const struct sl_host_ops mem_ops = {
	.open = mem_open,
	.connect = mem_connect,
	.listen = mem_listen,
	.accept = mem_accept,
	.watch = mem_watch,
	.set_cookie = mem_set_cookie,
	.writev = mem_writev,
	.readv = mem_readv,
	.sendmmsg = mem_sendmmsg,
	.recvmmsg = mem_recvmmsg,
	.errqueue = mem_errqueue,
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
	m->base.ops = &mem_ops;
	m->base.name = "mem";
	m->base.open_handles = 0;
	m->connect_mode = SL_MEM_CONNECT_NOW;
	m->default_sndbuf = SL_MEM_DEFAULT_SNDBUF;
	m->last = -1;
	for (i = 0; i < SL_MEM_MAX_HANDLES; i++) {
		dq_init(&m->socks[i].rxq);
		dq_init(&m->socks[i].txq);
		dq_init(&m->socks[i].inq);
		dq_init(&m->socks[i].errq);
	}
	return &m->base;
}

/* --- control API ------------------------------------------------------- */

void
sl_host_mem_set_connect_mode(struct sl_host *h, int mode)
{
	struct mem_host *m = mem_host(h);

	if (m == NULL)
		return;
	if (mode == SL_MEM_CONNECT_NOW || mode == SL_MEM_CONNECT_PENDING ||
			mode == SL_MEM_CONNECT_REFUSE)
		m->connect_mode = mode;
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
	const struct sockaddr_in *dst)
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
	if (buf_reserve(&s->rx, len) != 0)
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
	return buf_take(&s->tx, buf, max);
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

struct sockaddr_in
sl_host_mem_sockaddr(struct sl_host *h, int hd)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);
	struct sockaddr_in sa;

	if (s != NULL && s->has_last)
		return s->last;
	if (s != NULL && s->bound)
		return s->local;
	memset(&sa, 0, sizeof(sa));
	return sa;
}

ssize_t
sl_host_mem_pop_dgram_to(struct sl_host *h, int hd, void *buf, size_t max,
	struct sockaddr_in *to)
{
	struct mem_sock *s = mem_slot(mem_host(h), hd);
	struct mem_dgram *d;
	size_t n;

	if (s == NULL)
		return -EBADF;
	d = dq_pop(&s->txq);
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
	size_t len, const struct sockaddr_in *from)
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
	return dq_push(&s->rxq, buf, len, from);
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
	const struct sockaddr_in *peer)
{
	struct mem_sock *l = mem_open_sock(mem_host(h), lhd);

	if (l == NULL)
		return -EBADF;
	if (l->kind != SL_HOST_TCP || l->state != MS_LISTEN || peer == NULL)
		return -EINVAL;
	return dq_push(&l->inq, NULL, 0, peer);
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
	d = dq_push_entry(&s->errq, quote, len, &e->dst);
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
