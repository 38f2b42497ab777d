/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * kern_ready.c: the kernel backend's readiness (epoll interest, applied
 * lazily; events) and send space (SO_SNDBUF and SIOCOUTQ, cached), the two
 * places where a relay would otherwise pay system calls per flow per poll.
 *
 * Theory of operation
 * -------------------
 * Interest. sl_host_watch only records the interest wanted (want, or
 * KF_WQUIET) and puts the descriptor on the dirty list. kern_poll, before
 * its epoll_wait, goes over that list once: where the wanted interest adds
 * something the kernel's set (set; KF_QUIET: out of the epoll set) lacks,
 * one epoll_ctl makes the kernel's set the wanted one; where it only removes
 * interest, nothing is done yet. An event that only interest the caller
 * removed explains is then dropped ("ignored once", counted) and the
 * removal applied (one epoll_ctl). So a flow muted and unmuted between two
 * polls (a full guest window that an ACK reopens in the next rx burst)
 * costs no system call, and one whose interest changes several times costs
 * at most one per poll. A new socket is out of the set (KF_QUIET) until
 * the next poll adds it with the interest wanted by then: one epoll_ctl
 * for a socket watched right after it is made (a connect in progress, an
 * accepted client), not an ADD and a MOD. Should that ADD fail, the socket
 * reports ERR and HUP once, and sl_host_error() gives the reason. ERR and
 * HUP, which epoll reports whatever the
 * interest, pass unless the caller wants the handle quiet. Events carry the
 * descriptor (epoll data), the cookie is looked up in the table.
 *
 * Send space (stream sockets). SO_SNDBUF is the kernel's accounting limit;
 * half of it counts as payload room, less SIOCOUTQ (bytes not yet
 * acknowledged). The two are read together and kept with the time of
 * reading (room); each write takes its bytes off room, so the estimate is
 * never above the real room (acknowledgements only free space). They are
 * read again when the estimate falls below KERN_ROOM_LOW (SIOCOUTQ only),
 * when they are SL_HOST_SPACE_MS old (autotuning moves SO_SNDBUF), and
 * after a write came back short or -EAGAIN (KF_FULL: the room is 0, without
 * a system call) once the socket reported EPOLLOUT. Before its first write
 * a stream socket has nothing unacknowledged: SIOCOUTQ is not read (a new
 * connection's first window costs one getsockopt, no ioctl). The window sluice
 * advertises to the guest stays derived from real host-side room: at worst
 * what was written since the last reading is missing from it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>

#include "kern_priv.h"

/*
 * The estimate is read again below max(sndbuf / 8, this): a quarter of the
 * payload room, and never less than 64 KiB (a small buffer is read each
 * time, so a window closed by it reopens as soon as one segment fits).
 */
#define KERN_ROOM_LOW	65536L

/* Interest bits the caller can want (ERR and HUP come regardless). */
#define KERN_EP_WANTABLE (EPOLLIN | EPOLLOUT | EPOLLRDHUP)

/** coarse_ms - a monotonic millisecond clock read without a system call. */
static uint64_t
coarse_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/**
 * kern_apply - make the kernel's interest for @hd the wanted one: one
 * epoll_ctl (DEL for a quiet one, ADD back after it, else MOD), none when
 * it already is. Return: 0 or -errno.
 */
static int
kern_apply(struct kern_host *k, int hd, struct kern_fd *f)
{
	struct epoll_event ee;

	if (f->flags & KF_WQUIET) {
		if (f->flags & KF_QUIET)
			return 0;
		k->calls.epoll_ctl++;
		if (epoll_ctl(k->epfd, EPOLL_CTL_DEL, hd, NULL) < 0)
			return neg_errno();
		f->flags |= KF_QUIET;
		f->set = 0;
		return 0;
	}
	if (!(f->flags & KF_QUIET) && f->set == f->want)
		return 0;
	memset(&ee, 0, sizeof(ee));
	ee.events = f->want;
	ee.data.u64 = (uint64_t)hd;
	k->calls.epoll_ctl++;
	if (epoll_ctl(k->epfd, (f->flags & KF_QUIET) ? EPOLL_CTL_ADD :
	    EPOLL_CTL_MOD, hd, &ee) < 0)
		return neg_errno();
	f->flags &= ~KF_QUIET;
	f->set = f->want;
	return 0;
}

/**
 * dirty_add - queue @hd for kern_flush. Return: false when the list cannot
 * grow (the caller applies the interest at once).
 */
static bool
dirty_add(struct kern_host *k, int hd, struct kern_fd *f)
{
	if (f->queued)
		return true;
	if (k->ndirty == k->dirty_cap) {
		int n = k->dirty_cap != 0 ? k->dirty_cap * 2 : 64;
		int *d = realloc(k->dirty, (size_t)n * sizeof(*d));

		if (d == NULL)
			return false;
		k->dirty = d;
		k->dirty_cap = n;
	}
	k->dirty[k->ndirty++] = hd;
	f->queued = true;
	return true;
}

/** kern_watch - sl_host_watch() on the kernel backend (applied lazily). */
int
kern_watch(struct sl_host *h, int hd, uint32_t events)
{
	struct kern_host *k = kern_host(h);
	struct kern_fd *f = kern_fd(k, hd);
	uint32_t want = 0;

	if (f == NULL)
		return -EBADF;
	if ((events & SL_HOST_EV_QUIET) && !(events & (SL_HOST_EV_IN |
	    SL_HOST_EV_OUT | SL_HOST_EV_RDHUP))) {
		/* epoll reports ERR and HUP whatever the interest: only
		 * leaving the set silences a socket that hung up */
		f->flags |= KF_WQUIET;
		f->want = 0;
	} else {
		if (events & SL_HOST_EV_IN)
			want |= EPOLLIN;
		if (events & SL_HOST_EV_OUT)
			want |= EPOLLOUT;
		if (events & SL_HOST_EV_RDHUP)
			want |= EPOLLRDHUP;
		f->flags &= ~KF_WQUIET;
		f->want = want;
	}
	if (!dirty_add(k, hd, f))
		return kern_apply(k, hd, f);
	return 0;
}

int
kern_track_add(struct kern_host *k, int hd)
{
	struct kern_fd *f = &k->fds[hd];

	if (!dirty_add(k, hd, f))
		return kern_apply(k, hd, f);
	return 0;
}

/**
 * kern_flush - apply, once each, the interest changes since the last poll
 * that add interest (a new socket's ADD among them); removals wait for an
 * event (kern_poll). A socket whose ADD failed gets ERR and HUP in @ev
 * (up to @max, *@out counts them; the rest stay queued for the next poll)
 * and its error is kept for sl_host_error.
 */
static void
kern_flush(struct kern_host *k, struct sl_host_ev *ev, int max, int *out)
{
	int i, j = 0;

	for (i = 0; i < k->ndirty; i++) {
		int hd = k->dirty[i];
		struct kern_fd *f = &k->fds[hd];
		int rc;

		f->queued = false;
		if (!(f->flags & KF_OPEN) || (f->flags & KF_WQUIET) ||
		    f->add_err != 0)
			continue;	/* closed; quiet is a removal; failed */
		if (!(f->flags & KF_QUIET) && (f->want & ~f->set) == 0)
			continue;
		rc = kern_apply(k, hd, f);
		if (rc == 0 || !(f->flags & KF_QUIET))
			continue;
		/* the ADD failed: no event would ever come for it */
		if (*out >= max) {
			f->queued = true;	/* reported next time */
			k->dirty[j++] = hd;
			continue;
		}
		f->add_err = rc;
		ev[*out].cookie = f->cookie;
		ev[*out].events = SL_HOST_EV_ERR | SL_HOST_EV_HUP;
		(*out)++;
	}
	k->ndirty = j;
}

/** ev_bits - EPOLL* events as SL_HOST_EV_* bits. */
static uint32_t
ev_bits(uint32_t e)
{
	uint32_t r = 0;

	if (e & EPOLLIN)
		r |= SL_HOST_EV_IN;
	if (e & EPOLLOUT)
		r |= SL_HOST_EV_OUT;
	if (e & EPOLLERR)
		r |= SL_HOST_EV_ERR;
	if (e & EPOLLHUP)
		r |= SL_HOST_EV_HUP;
	if (e & EPOLLRDHUP)
		r |= SL_HOST_EV_RDHUP;
	return r;
}

/** kern_poll - sl_host_poll() on the kernel backend. */
int
kern_poll(struct sl_host *h, struct sl_host_ev *ev, int max, int timeout_ms)
{
	struct kern_host *k = kern_host(h);
	int n, i, out = 0;

	if (max <= 0)
		return max == 0 ? 0 : -EINVAL;
	if (max > KERN_EV_MAX)
		max = KERN_EV_MAX;
	kern_flush(k, ev, max, &out);
	if (out == max)
		return out;
	n = epoll_wait(k->epfd, k->ev, max - out,
		out > 0 ? 0 : timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : neg_errno();
	for (i = 0; i < n; i++) {
		int hd = (int)k->ev[i].data.u64;
		struct kern_fd *f = kern_fd(k, hd);
		uint32_t e = k->ev[i].events, pass;

		if (k->ev[i].data.u64 == SL_HOST_WAKE_COOKIE) {
			/* the port's descriptor: a guest frame arrived */
			ev[out].cookie = SL_HOST_WAKE_COOKIE;
			ev[out].events = SL_HOST_EV_IN;
			out++;
			continue;
		}
		if (f == NULL)
			continue;
		if ((e & EPOLLOUT) && (f->flags & KF_FULL)) {
			/* room again: read it at the next wspace */
			f->flags &= ~KF_FULL;
			f->sndbuf = 0;
		}
		pass = (f->flags & KF_WQUIET) ? 0 :
			f->want | EPOLLERR | EPOLLHUP;
		if (e & ~pass) {
			/* interest removed since: apply it now */
			(void)kern_apply(k, hd, f);
			e &= pass;
		}
		if (e == 0) {
			k->calls.ev_ignored++;
			continue;
		}
		ev[out].cookie = f->cookie;
		ev[out].events = ev_bits(e);
		out++;
	}
	return out;
}

int
sl_host_kernel_wake_fd(struct sl_host *h, int fd)
{
	struct kern_host *k = kern_host(h);
	struct epoll_event ee;

	memset(&ee, 0, sizeof(ee));
	ee.events = EPOLLIN | EPOLLET;
	ee.data.u64 = SL_HOST_WAKE_COOKIE;
	k->calls.epoll_ctl++;
	if (epoll_ctl(k->epfd, EPOLL_CTL_ADD, fd, &ee) < 0)
		return neg_errno();
	return 0;
}

/** kern_outq - SIOCOUTQ of @hd, 0 when the socket type does not support it. */
static long
kern_outq(struct kern_host *k, int hd)
{
	int outq = 0;

	k->calls.outq_reads++;
	if (ioctl(hd, SIOCOUTQ, &outq) < 0 || outq < 0)
		return 0;
	return outq;
}

/**
 * read_space - read SO_SNDBUF (when @sndbuf) and SIOCOUTQ of @hd into its
 * cache: room = SO_SNDBUF / 2 - SIOCOUTQ (SO_SNDBUF covers buffer overhead
 * as well as payload: the kernel doubles a value set by the user for that
 * reason). A conservative estimate: a write of that size is very likely
 * taken whole, and a short write or -EAGAIN remains possible.
 */
static void
read_space(struct kern_host *k, int hd, struct kern_fd *f, bool sndbuf,
	uint64_t now)
{
	if (sndbuf) {
		int v = 0;
		socklen_t len = sizeof(v);

		k->calls.sndbuf_reads++;
		if (getsockopt(hd, SOL_SOCKET, SO_SNDBUF, &v, &len) < 0 ||
		    v <= 0)
			v = 0;
		f->sndbuf = v;
		f->space_ms = now;
		f->flags &= ~KF_FULL;
	}
	/* nothing ever written (a new connection): nothing unacknowledged */
	f->room = f->sndbuf <= 0 ? 0 : (long)f->sndbuf / 2 -
		(f->wrote ? kern_outq(k, hd) : 0);
}

/**
 * kern_wspace - sl_host_wspace() on the kernel backend: for a stream socket
 * from the cache (see the theory above), for others read each time.
 * Return: max(0, SO_SNDBUF / 2 - SIOCOUTQ) as estimated, 0 on error.
 */
long
kern_wspace(struct sl_host *h, int hd)
{
	struct kern_host *k = kern_host(h);
	struct kern_fd *f = kern_fd(k, hd);
	uint64_t now;

	if (f == NULL)
		return 0;
	if (!(f->flags & KF_TCP)) {
		read_space(k, hd, f, true, 0);
		f->sndbuf = 0;	/* never cached */
	} else {
		now = coarse_ms();
		if (f->sndbuf == 0 || now - f->space_ms >= SL_HOST_SPACE_MS)
			read_space(k, hd, f, true, now);
		else if (f->flags & KF_FULL)
			return 0;
		else if (f->room < f->sndbuf / 8 || f->room < KERN_ROOM_LOW)
			read_space(k, hd, f, false, now);
	}
	return f->room > 0 ? f->room : 0;
}

/**
 * kern_wrote - note a stream write of @iov/@cnt that returned @n: its bytes
 * come off the cached room; short or -EAGAIN means the buffer is full.
 */
void
kern_wrote(struct kern_fd *f, const struct iovec *iov, int cnt, ssize_t n)
{
	size_t want = 0;
	int i;

	if (n == -EAGAIN) {
		f->flags |= KF_FULL;
		f->room = 0;
		return;
	}
	if (n < 0)
		return;
	if (n > 0)
		f->wrote = true;
	for (i = 0; i < cnt; i++)
		want += iov[i].iov_len;
	f->room -= (long)n;
	if ((size_t)n < want) {
		f->flags |= KF_FULL;
		f->room = 0;
	} else if (f->flags & KF_FULL) {
		/* taken whole after all: read the room again */
		f->flags &= ~KF_FULL;
		f->sndbuf = 0;
	}
}

/** kern_unsent - sl_host_unsent() on the kernel backend. */
long
kern_unsent(struct sl_host *h, int hd)
{
	struct kern_host *k = kern_host(h);

	if (kern_fd(k, hd) == NULL)
		return 0;
	return kern_outq(k, hd);
}
