/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_bench_host.c: the timing shim and the sink host (see sl_bench_host.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "sl_bench_host.h"

/* ---- timing shim ------------------------------------------------------ */

struct timed_host {
	struct sl_host base;	/* must be first */
	struct sl_host *inner;
	uint64_t cycles;
	uint64_t calls;
};

static const struct sl_host_ops timed_ops;

static inline struct timed_host *
timed(struct sl_host *h)
{
	return (struct timed_host *)h;
}

/*
 * TIMED - run one backend call, adding its cycles to the shim's counters
 * and mirroring the backend's count of live handles.
 */
#define TIMED(h, expr) ({						\
	struct timed_host *_t = timed(h);				\
	uint64_t _c0 = rte_rdtsc();					\
	__typeof__(expr) _r = (expr);					\
	_t->cycles += rte_rdtsc() - _c0;				\
	_t->calls++;							\
	_t->base.open_handles = _t->inner->open_handles;		\
	_r;								\
})

static int
t_open(struct sl_host *h, enum sl_host_kind kind, uint64_t cookie)
{
	return TIMED(h, sl_host_open(timed(h)->inner, kind, cookie));
}

static int
t_connect(struct sl_host *h, int hd, const union sl_sockaddr *sa)
{
	return TIMED(h, sl_host_connect(timed(h)->inner, hd, sa));
}

static int
t_listen(struct sl_host *h, enum sl_host_kind kind,
	const union sl_sockaddr *sa, uint64_t cookie)
{
	return TIMED(h, sl_host_listen(timed(h)->inner, kind, sa, cookie));
}

static int
t_accept(struct sl_host *h, int lhd, union sl_sockaddr *peer,
	uint64_t cookie)
{
	return TIMED(h, sl_host_accept(timed(h)->inner, lhd, peer, cookie));
}

static int
t_watch(struct sl_host *h, int hd, uint32_t events)
{
	return TIMED(h, sl_host_watch(timed(h)->inner, hd, events));
}

static int
t_set_cookie(struct sl_host *h, int hd, uint64_t cookie)
{
	return TIMED(h, sl_host_set_cookie(timed(h)->inner, hd, cookie));
}

static ssize_t
t_writev(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	return TIMED(h, sl_host_writev(timed(h)->inner, hd, iov, cnt));
}

static ssize_t
t_readv(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	return TIMED(h, sl_host_readv(timed(h)->inner, hd, iov, cnt));
}

static int
t_sendmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg, unsigned int n)
{
	return TIMED(h, sl_host_sendmmsg(timed(h)->inner, hd, msg, n));
}

static int
t_recvmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg, unsigned int n)
{
	return TIMED(h, sl_host_recvmmsg(timed(h)->inner, hd, msg, n));
}

static int
t_errqueue(struct sl_host *h, int hd, struct sl_host_dgerr *e, void *buf,
	size_t len)
{
	return TIMED(h, sl_host_errqueue(timed(h)->inner, hd, e, buf, len));
}

static int
t_shutdown_wr(struct sl_host *h, int hd)
{
	return TIMED(h, sl_host_shutdown_wr(timed(h)->inner, hd));
}

static void
t_close(struct sl_host *h, int hd, bool abort)
{
	struct timed_host *t = timed(h);
	uint64_t c0 = rte_rdtsc();

	sl_host_close(t->inner, hd, abort);
	t->cycles += rte_rdtsc() - c0;
	t->calls++;
	t->base.open_handles = t->inner->open_handles;
}

static int
t_error(struct sl_host *h, int hd)
{
	return TIMED(h, sl_host_error(timed(h)->inner, hd));
}

static long
t_wspace(struct sl_host *h, int hd)
{
	return TIMED(h, sl_host_wspace(timed(h)->inner, hd));
}

static long
t_unsent(struct sl_host *h, int hd)
{
	return TIMED(h, sl_host_unsent(timed(h)->inner, hd));
}

static int
t_poll(struct sl_host *h, struct sl_host_ev *ev, int max, int timeout_ms)
{
	return TIMED(h, sl_host_poll(timed(h)->inner, ev, max, timeout_ms));
}

static void
t_destroy(struct sl_host *h)
{
	struct timed_host *t = timed(h);

	if (t->inner != NULL)
		sl_host_destroy(t->inner);
	free(t);
}

static const struct sl_host_ops timed_ops = {
	.open = t_open,
	.connect = t_connect,
	.listen = t_listen,
	.accept = t_accept,
	.watch = t_watch,
	.set_cookie = t_set_cookie,
	.writev = t_writev,
	.readv = t_readv,
	.sendmmsg = t_sendmmsg,
	.recvmmsg = t_recvmmsg,
	.errqueue = t_errqueue,
	.shutdown_wr = t_shutdown_wr,
	.close = t_close,
	.error = t_error,
	.wspace = t_wspace,
	.unsent = t_unsent,
	.poll = t_poll,
	.destroy = t_destroy,
};

struct sl_host *
sl_bench_timed_create(struct sl_host *inner)
{
	struct timed_host *t;

	if (inner == NULL)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		sl_host_destroy(inner);
		return NULL;
	}
	t->base.ops = &timed_ops;
	t->base.name = inner->name;
	t->base.open_handles = inner->open_handles;
	t->inner = inner;
	return &t->base;
}

struct sl_host *
sl_bench_timed_inner(struct sl_host *shim)
{
	return shim->ops == &timed_ops ? timed(shim)->inner : shim;
}

void
sl_bench_timed_swap(struct sl_host *shim, struct sl_host *inner)
{
	struct timed_host *t = timed(shim);

	if (shim->ops != &timed_ops || inner == NULL)
		return;
	sl_host_destroy(t->inner);
	t->inner = inner;
	t->base.name = inner->name;
	t->base.open_handles = inner->open_handles;
}

void
sl_bench_timed_read(struct sl_host *shim, uint64_t *cycles, uint64_t *calls)
{
	struct timed_host *t = timed(shim);
	bool ok = shim->ops == &timed_ops;

	if (cycles != NULL)
		*cycles = ok ? t->cycles : 0;
	if (calls != NULL)
		*calls = ok ? t->calls : 0;
}

/* ---- sink host ---------------------------------------------------------- */

#define SINK_DGRAM_MAX	2048	/* longest datagram echoed (one mbuf) */
#define SINK_WSPACE	(1L << 30)	/* stream send space: never full */

/* One simulated socket. */
struct sink_sock {
	bool open;
	bool on_ready;		/* linked in the ready list */
	bool listener;
	enum sl_host_kind kind;
	uint32_t interest;
	uint64_t cookie;
	uint32_t qlen;		/* echoed datagram waiting (0: none) */
	uint8_t *q;		/* its bytes, SINK_DGRAM_MAX, lazily */
	int rnext, rprev;	/* ready list links (-1: none) */
	int next_free;
};

struct sink_host {
	struct sl_host base;	/* must be first */
	unsigned int max;
	int free_head;		/* free slots, LIFO (-1: none) */
	int ready_head;		/* level-triggered ready list (-1: empty) */
	int ready_tail;
	uint64_t bytes;		/* written by the core */
	uint64_t dropped;	/* echoes lost to a full queue */
	struct sink_sock *s;
};

static const struct sl_host_ops sink_ops;

static struct sink_host *
sink(struct sl_host *h)
{
	return h != NULL && h->ops == &sink_ops ? (struct sink_host *)h : NULL;
}

static struct sink_sock *
sink_sock(struct sink_host *k, int hd)
{
	if (k == NULL || hd < 0 || (unsigned int)hd >= k->max ||
	    !k->s[hd].open)
		return NULL;
	return &k->s[hd];
}

/* Readiness before masking: sockets are always writable. */
static uint32_t
sink_ready(const struct sink_sock *s)
{
	if (s->listener)
		return 0;
	return SL_HOST_EV_OUT | (s->qlen > 0 ? SL_HOST_EV_IN : 0);
}

static void
ready_unlink(struct sink_host *k, int hd)
{
	struct sink_sock *s = &k->s[hd];

	if (!s->on_ready)
		return;
	if (s->rprev >= 0)
		k->s[s->rprev].rnext = s->rnext;
	else
		k->ready_head = s->rnext;
	if (s->rnext >= 0)
		k->s[s->rnext].rprev = s->rprev;
	else
		k->ready_tail = s->rprev;
	s->rnext = s->rprev = -1;
	s->on_ready = false;
}

/* Put @hd on the ready list when it has something its interest wants. */
static void
ready_check(struct sink_host *k, int hd)
{
	struct sink_sock *s = &k->s[hd];

	if (s->on_ready || !(sink_ready(s) & s->interest))
		return;
	s->on_ready = true;
	s->rnext = -1;
	s->rprev = k->ready_tail;
	if (k->ready_tail >= 0)
		k->s[k->ready_tail].rnext = hd;
	else
		k->ready_head = hd;
	k->ready_tail = hd;
}

static int
sink_open(struct sl_host *h, enum sl_host_kind kind, uint64_t cookie)
{
	struct sink_host *k = sink(h);
	struct sink_sock *s;
	int hd;

	if (k == NULL)
		return -EINVAL;
	if (k->free_head < 0)
		return -EMFILE;
	hd = k->free_head;
	s = &k->s[hd];
	k->free_head = s->next_free;
	s->open = true;
	s->on_ready = false;
	s->listener = false;
	s->kind = kind;
	s->interest = 0;
	s->cookie = cookie;
	s->qlen = 0;
	s->rnext = s->rprev = -1;
	k->base.open_handles++;
	return hd;
}

static int
sink_connect(struct sl_host *h, int hd, const union sl_sockaddr *sa)
{
	struct sink_host *k = sink(h);

	if (sink_sock(k, hd) == NULL)
		return -EBADF;
	if (sa == NULL)
		return -EINVAL;
	ready_check(k, hd);
	return 0;
}

static int
sink_listen(struct sl_host *h, enum sl_host_kind kind,
	const union sl_sockaddr *sa, uint64_t cookie)
{
	int hd = sink_open(h, kind, cookie);

	(void)sa;
	if (hd >= 0) {
		sink(h)->s[hd].listener = true;
		sink(h)->s[hd].interest = SL_HOST_EV_IN;
	}
	return hd;
}

static int
sink_accept(struct sl_host *h, int lhd, union sl_sockaddr *peer,
	uint64_t cookie)
{
	(void)peer;
	(void)cookie;
	return sink_sock(sink(h), lhd) == NULL ? -EBADF : -EAGAIN;
}

static int
sink_watch(struct sl_host *h, int hd, uint32_t events)
{
	struct sink_host *k = sink(h);
	struct sink_sock *s = sink_sock(k, hd);

	if (s == NULL)
		return -EBADF;
	s->interest = events &
		(SL_HOST_EV_IN | SL_HOST_EV_OUT | SL_HOST_EV_RDHUP);
	ready_check(k, hd);
	return 0;
}

static int
sink_set_cookie(struct sl_host *h, int hd, uint64_t cookie)
{
	struct sink_sock *s = sink_sock(sink(h), hd);

	if (s == NULL)
		return -EBADF;
	s->cookie = cookie;
	return 0;
}

/* Queue the echo of a datagram the core sent (ICMP: as an echo reply). */
static void
sink_echo(struct sink_host *k, int hd, const struct iovec *iov, int cnt)
{
	struct sink_sock *s = &k->s[hd];
	size_t done = 0;
	int i;

	if (s->qlen > 0) {
		k->dropped++;
		return;
	}
	if (s->q == NULL) {
		s->q = malloc(SINK_DGRAM_MAX);
		if (s->q == NULL)
			return;
	}
	for (i = 0; i < cnt && done < SINK_DGRAM_MAX; i++) {
		size_t n = iov[i].iov_len;

		if (n > SINK_DGRAM_MAX - done)
			n = SINK_DGRAM_MAX - done;
		memcpy(s->q + done, iov[i].iov_base, n);
		done += n;
	}
	if (done == 0)
		return;
	if (s->kind == SL_HOST_ICMP && done >= 4) {
		s->q[0] = 0;	/* echo reply; the core redoes the checksum */
		s->q[2] = s->q[3] = 0;
	}
	s->qlen = (uint32_t)done;
	ready_check(k, hd);
}

static ssize_t
sink_writev(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	struct sink_host *k = sink(h);
	struct sink_sock *s = sink_sock(k, hd);
	size_t total = 0;
	int i;

	if (s == NULL)
		return -EBADF;
	for (i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	k->bytes += total;
	if (s->kind != SL_HOST_TCP)
		sink_echo(k, hd, iov, cnt);
	return (ssize_t)total;
}

static ssize_t
sink_readv(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	struct sink_sock *s = sink_sock(sink(h), hd);
	size_t done = 0;
	int i;

	if (s == NULL)
		return -EBADF;
	if (s->qlen == 0)
		return -EAGAIN;
	for (i = 0; i < cnt && done < s->qlen; i++) {
		size_t n = iov[i].iov_len;

		if (n > s->qlen - done)
			n = s->qlen - done;
		memcpy(iov[i].iov_base, s->q + done, n);
		done += n;
	}
	s->qlen = 0;
	return (ssize_t)done;
}

/** sink_sendmmsg - each datagram as sink_writev() (destination ignored). */
static int
sink_sendmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
	unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		ssize_t r = sink_writev(h, hd, msg[i].iov, msg[i].iovcnt);

		if (r < 0)
			return i > 0 ? (int)i : (int)r;
		msg[i].len = (size_t)r;
	}
	return (int)n;
}

/** sink_recvmmsg - the one queued echo (a socket holds at most one). */
static int
sink_recvmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
	unsigned int n)
{
	ssize_t r;

	if (n == 0)
		return 0;
	r = sink_readv(h, hd, msg[0].iov, msg[0].iovcnt);
	if (r < 0)
		return (int)r;
	msg[0].len = (size_t)r;
	msg[0].flags = 0;
	if (msg[0].addr != NULL)
		memset(msg[0].addr, 0, sizeof(*msg[0].addr));
	return 1;
}

static int
sink_shutdown_wr(struct sl_host *h, int hd)
{
	return sink_sock(sink(h), hd) == NULL ? -EBADF : 0;
}

static void
sink_close(struct sl_host *h, int hd, bool abort)
{
	struct sink_host *k = sink(h);
	struct sink_sock *s = sink_sock(k, hd);

	(void)abort;
	if (s == NULL)
		return;
	ready_unlink(k, hd);
	s->open = false;
	s->qlen = 0;
	s->next_free = k->free_head;
	k->free_head = hd;
	k->base.open_handles--;
}

static int
sink_error(struct sl_host *h, int hd)
{
	return sink_sock(sink(h), hd) == NULL ? -EBADF : 0;
}

static long
sink_wspace(struct sl_host *h, int hd)
{
	return sink_sock(sink(h), hd) == NULL ? 0 : SINK_WSPACE;
}

static long
sink_unsent(struct sl_host *h, int hd)
{
	(void)h;
	(void)hd;
	return 0;
}

/**
 * sink_poll - report the ready list, level-triggered: a socket stays listed
 * while it has something its interest wants, and leaves the list the first
 * time it has nothing.
 */
static int
sink_poll(struct sl_host *h, struct sl_host_ev *ev, int max, int timeout_ms)
{
	struct sink_host *k = sink(h);
	int n = 0, hd, next;

	(void)timeout_ms;
	if (k == NULL || max < 0)
		return -EINVAL;
	for (hd = k->ready_head; hd >= 0 && n < max; hd = next) {
		struct sink_sock *s = &k->s[hd];
		uint32_t r = sink_ready(s) & s->interest;

		next = s->rnext;
		if (r == 0) {
			ready_unlink(k, hd);
			continue;
		}
		ev[n].cookie = s->cookie;
		ev[n].events = r;
		n++;
	}
	return n;
}

static void
sink_destroy(struct sl_host *h)
{
	struct sink_host *k = sink(h);
	unsigned int i;

	if (k == NULL)
		return;
	for (i = 0; i < k->max; i++)
		free(k->s[i].q);
	free(k->s);
	free(k);
}

static const struct sl_host_ops sink_ops = {
	.open = sink_open,
	.connect = sink_connect,
	.listen = sink_listen,
	.accept = sink_accept,
	.watch = sink_watch,
	.set_cookie = sink_set_cookie,
	.writev = sink_writev,
	.readv = sink_readv,
	.sendmmsg = sink_sendmmsg,
	.recvmmsg = sink_recvmmsg,
	.shutdown_wr = sink_shutdown_wr,
	.close = sink_close,
	.error = sink_error,
	.wspace = sink_wspace,
	.unsent = sink_unsent,
	.poll = sink_poll,
	.destroy = sink_destroy,
};

struct sl_host *
sl_bench_sink_create(unsigned int max_handles)
{
	struct sink_host *k = calloc(1, sizeof(*k));
	unsigned int i;

	if (k == NULL || max_handles == 0 || max_handles > INT32_MAX)
		goto fail;
	k->s = calloc(max_handles, sizeof(*k->s));
	if (k->s == NULL)
		goto fail;
	k->base.ops = &sink_ops;
	k->base.name = "sink";
	k->max = max_handles;
	k->ready_head = k->ready_tail = -1;
	for (i = 0; i < max_handles; i++) {
		k->s[i].rnext = k->s[i].rprev = -1;
		k->s[i].next_free = i + 1 < max_handles ? (int)i + 1 : -1;
	}
	k->free_head = 0;
	return &k->base;
fail:
	if (k != NULL)
		free(k->s);
	free(k);
	return NULL;
}

uint64_t
sl_bench_sink_bytes(struct sl_host *h)
{
	struct sink_host *k = sink(sl_bench_timed_inner(h));

	return k == NULL ? 0 : k->bytes;
}

unsigned int
sl_bench_sink_ready(struct sl_host *h)
{
	struct sink_host *k = sink(sl_bench_timed_inner(h));
	unsigned int n = 0;
	int hd;

	if (k == NULL)
		return 0;
	for (hd = k->ready_head; hd >= 0; hd = k->s[hd].rnext)
		n++;
	return n;
}
