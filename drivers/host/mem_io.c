/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * mem_io.c: the in-memory host's data path: byte queues (TCP), datagram
 * queues (UDP and ICMP datagrams, pending connections, error reports), and
 * the data calls of its sl_host_ops: writev and readv on stream sockets
 * (and single datagrams), sendmmsg and recvmmsg batches, the error queue.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem_priv.h"

/* Make room for @n more bytes at the end of @b. Return: 0 or -ENOMEM. */
int
sl_mem_buf_reserve(struct mem_buf *b, size_t n)
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
size_t
sl_mem_buf_take(struct mem_buf *b, void *dst, size_t max)
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

/** buf_free - free @b's bytes and empty it. */
static void
buf_free(struct mem_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
sl_mem_dq_init(struct mem_dq *q)
{
	q->head = NULL;
	q->tail = &q->head;
	q->n = 0;
	q->bytes = 0;
}

/* Append a copy of @buf/@len from/to @addr. Return: the entry or NULL. */
struct mem_dgram *
sl_mem_dq_push_entry(struct mem_dq *q, const void *buf, size_t len,
	const union sl_sockaddr *addr)
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

/* sl_mem_dq_push_entry, Return: 0 or -ENOMEM. */
int
sl_mem_dq_push(struct mem_dq *q, const void *buf, size_t len,
	const union sl_sockaddr *addr)
{
	return sl_mem_dq_push_entry(q, buf, len, addr) != NULL ? 0 : -ENOMEM;
}

/* Detach the oldest entry of @q (caller frees). Return: it, or NULL. */
struct mem_dgram *
sl_mem_dq_pop(struct mem_dq *q)
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

void
sl_mem_dq_free(struct mem_dq *q)
{
	struct mem_dgram *d;

	while ((d = sl_mem_dq_pop(q)) != NULL)
		free(d);
}

void
sl_mem_sock_free(struct mem_sock *s)
{
	buf_free(&s->rx);
	buf_free(&s->tx);
	sl_mem_dq_free(&s->rxq);
	sl_mem_dq_free(&s->txq);
	sl_mem_dq_free(&s->inq);
	sl_mem_dq_free(&s->errq);
}

void
sl_mem_sock_reset(struct mem_sock *s)
{
	sl_mem_sock_free(s);
	memset(s, 0, sizeof(*s));
	sl_mem_dq_init(&s->rxq);
	sl_mem_dq_init(&s->txq);
	sl_mem_dq_init(&s->inq);
	sl_mem_dq_init(&s->errq);
}

/** iov_total - bytes in @cnt iovecs. */
static size_t
iov_total(const struct iovec *iov, int cnt)
{
	size_t total = 0;
	int i;

	for (i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	return total;
}

/**
 * iov_scatter - scatter @len bytes of @src into @iov. Return: bytes copied.
 */
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

/**
 * iov_gather - gather up to @len bytes of @iov into @dst. Return: bytes
 * copied.
 */
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
 * mem_rst_err - what a call on a reset TCP socket returns once no data is
 * left: the pending error once (reading it clears it, as Linux's
 * sock_error()), then @after (Linux: 0 for a read, the shutdown receive
 * side; -EPIPE for a write).
 */
static int
mem_rst_err(struct mem_sock *s, int after)
{
	int err = s->err;

	s->err = 0;
	return err != 0 ? -err : after;
}

/** mem_stream_err - why a TCP socket cannot carry data now (0: it can). */
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

/**
 * mem_ping_ok - whether a ping socket takes the message gathered from
 * @iov (@len bytes), as Linux's ping_common_sendmsg: at least an ICMP
 * header, an echo request of the socket's family (ICMP type 8, ICMPv6
 * type 128), code 0.
 */
static bool
mem_ping_ok(const struct mem_sock *s, const struct iovec *iov, int cnt,
	size_t len)
{
	uint8_t h[8];

	if (len < sizeof(h) || iov_gather(iov, cnt, h, sizeof(h)) !=
	    sizeof(h))
		return false;
	return h[0] == (s->family == AF_INET6 ? 128 : 8) && h[1] == 0;
}

/**
 * mem_dgram_send - record one outgoing datagram of @len bytes gathered from
 * @iov.
 */
static ssize_t
mem_dgram_send(struct mem_sock *s, const struct iovec *iov, int cnt,
	size_t len, const union sl_sockaddr *to, uint8_t ttl)
{
	struct mem_dgram *d;

	if (to == NULL) {
		if (!s->connected_dst)
			return -EDESTADDRREQ;
		to = &s->dst;
	} else {
		int rc = sl_mem_family_ok(s->family, s->v6only, to);

		if (rc != 0)
			return rc;
	}
	if (s->shut_wr)
		return -EPIPE;
	if (len > MEM_DGRAM_MAX)
		return -EMSGSIZE;
	if (s->kind == SL_HOST_ICMP && !mem_ping_ok(s, iov, cnt, len))
		return -EINVAL;
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

/**
 * mem_dgram_recv - pop one incoming datagram into @iov (truncating: *@trunc,
 * if given).
 */
static ssize_t
mem_dgram_recv(struct mem_sock *s, const struct iovec *iov, int cnt,
	union sl_sockaddr *from, bool *trunc)
{
	struct mem_dgram *d;
	size_t n;

	if (s->err != 0) {
		int err = s->err;

		s->err = 0;
		return -err;
	}
	d = sl_mem_dq_pop(&s->rxq);
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

/**
 * mem_stream_write - writev() on a TCP socket: as much as its send
 * buffer takes. Return: bytes taken, or -errno (-EAGAIN when full).
 */
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
	if (sl_mem_buf_reserve(&s->tx, n) != 0)
		return -ENOMEM;
	n = iov_gather(iov, cnt, s->tx.data + s->tx.len, n);
	s->tx.len += n;
	return (ssize_t)n;
}

/**
 * mem_stream_read - readv() on a TCP socket: queued bytes, then 0 at
 * FIN. Return: bytes read, 0, or -errno (-EAGAIN when empty).
 */
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
	sl_mem_buf_take(&s->rx, NULL, n);
	return (ssize_t)n;
}

/**
 * sl_mem_writev - see sl_host_writev(): one datagram on a datagram socket,
 * else stream bytes. Return: bytes taken, or -errno as Linux would return.
 */
ssize_t
sl_mem_writev(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
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

/**
 * sl_mem_readv - see sl_host_readv(): a datagram on a datagram socket,
 * else stream bytes.
 */
ssize_t
sl_mem_readv(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);

	if (s == NULL)
		return -EBADF;
	if (cnt < 0 || (iov == NULL && cnt > 0))
		return -EINVAL;
	if (mem_is_dgram(s)) {
		s->recv_calls++;
		s->recv_slots++;
		return mem_dgram_recv(s, iov, cnt, NULL, NULL);
	}
	return mem_stream_read(s, iov, cnt);
}

/**
 * sl_mem_sendmmsg - see sl_host_sendmmsg(): datagrams are queued for the test
 * (sl_host_mem_pop_dgram*) one by one until one fails (EAGAIN and other
 * errors injected by sl_host_mem_fail_sends(), or EMSGSIZE...); on a stream
 * each is a write, and a short one ends the batch. At most
 * SL_HOST_MMSG_MAX per call, as the kernel backend.
 */
int
sl_mem_sendmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
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
 * sl_mem_recvmmsg - see sl_host_recvmmsg(): queued datagrams, oldest first,
 * each with its source; on a stream, reads (source: the peer) until the
 * queue is empty. At most SL_HOST_MMSG_MAX per call.
 */
int
sl_mem_recvmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
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
	s->recv_slots += n;
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
 * sl_mem_errqueue - see sl_host_errqueue(): the oldest report pushed with
 * sl_host_mem_push_err(); the pending error then becomes the next report's,
 * or none, as Linux does for ICMP errors.
 */
int
sl_mem_errqueue(struct sl_host *h, int hd, struct sl_host_dgerr *e, void *buf,
	size_t len)
{
	struct mem_sock *s = mem_open_sock(mem_host(h), hd);
	struct mem_dgram *d;

	if (s == NULL)
		return -EBADF;
	if (e == NULL || (buf == NULL && len > 0))
		return -EFAULT;
	d = sl_mem_dq_pop(&s->errq);
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
