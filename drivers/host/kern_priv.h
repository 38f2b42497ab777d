/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * kern_priv.h: private to the kernel backend (kernel.c, kern_ready.c): the
 * descriptor table and the backend state they share, and the readiness and
 * send-space functions kern_ready.c gives the operations table.
 */
#ifndef SL_KERN_PRIV_H
#define SL_KERN_PRIV_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "kern_errq.h"
#include "sl_host.h"

/* Events fetched by one epoll_wait (a larger poll() max is clamped). */
#define KERN_EV_MAX	256

/* Per-descriptor flags. */
#define KF_OPEN		0x1u	/* created by this backend, not closed */
#define KF_RAW_ICMP	0x2u	/* SOCK_RAW ICMP: strip IP header, checksum */
#define KF_QUIET	0x4u	/* out of the kernel's epoll set */
#define KF_INET6	0x8u	/* an AF_INET6 socket */
#define KF_TCP		0x10u	/* a stream socket: send space is cached */
#define KF_WQUIET	0x20u	/* the caller wants it quiet (EV_QUIET) */
#define KF_FULL		0x40u	/* a write was short or -EAGAIN: no room
				 * until EPOLLOUT or the cache ages */

struct kern_fd {
	uint64_t cookie;
	uint32_t flags;
	uint32_t want;		/* EPOLL* interest the caller set */
	uint32_t set;		/* EPOLL* interest the kernel has */
	bool queued;		/* on the dirty list (survives close/reuse) */
	uint16_t echo_id;	/* raw ICMP: id of the last echo sent */
	bool has_echo_id;
	uint8_t ttl;		/* raw ICMP: IP_TTL set, 0: default */
	int add_err;		/* -errno of a failed EPOLL_CTL_ADD, else 0 */
	bool wrote;		/* a stream write took bytes: SIOCOUTQ may be
				 * above 0 (before: 0, no ioctl needed) */
	/* send-space cache of a stream socket (kern_ready.c) */
	int sndbuf;		/* SO_SNDBUF as last read, 0: not read */
	long room;		/* sndbuf / 2 - SIOCOUTQ at the last read,
				 * less the bytes written since */
	uint64_t space_ms;	/* when they were read (coarse clock) */
};

struct kern_host {
	struct sl_host base;	/* must be first */
	int epfd;
	int nfd;		/* size of fds[] */
	struct kern_fd *fds;	/* indexed by descriptor */
	int *dirty;		/* descriptors whose interest changed */
	int ndirty, dirty_cap;
	uint8_t *raw_buf;	/* scratch for raw ICMP, KERN_RAW_MAX bytes */
	struct sl_kern_local local;	/* the host's addresses (errors) */
	struct sl_host_kern_calls calls;
	struct epoll_event ev[KERN_EV_MAX];
};

/** kern_host - @h as the kernel backend's host. */
static inline struct kern_host *
kern_host(struct sl_host *h)
{
	return (struct kern_host *)h;
}

/**
 * neg_errno - errno as a negative return value, EWOULDBLOCK folded into
 * EAGAIN.
 */
static inline int
neg_errno(void)
{
	int e = errno;

	if (e == EWOULDBLOCK)
		e = EAGAIN;
	return e != 0 ? -e : -EIO;
}

/** kern_fd - the table entry of @hd when it is one of our open descriptors. */
static inline struct kern_fd *
kern_fd(struct kern_host *k, int hd)
{
	if (hd < 0 || hd >= k->nfd || !(k->fds[hd].flags & KF_OPEN))
		return NULL;
	return &k->fds[hd];
}

/* kern_ready.c */
int kern_watch(struct sl_host *h, int hd, uint32_t events);
/** kern_track_add - queue a new descriptor's EPOLL_CTL_ADD for the next
 * poll (kern_ready.c). Return: 0 or -errno. */
int kern_track_add(struct kern_host *k, int hd);
int kern_poll(struct sl_host *h, struct sl_host_ev *ev, int max,
	int timeout_ms);
long kern_wspace(struct sl_host *h, int hd);
long kern_unsent(struct sl_host *h, int hd);
void kern_wrote(struct kern_fd *f, const struct iovec *iov, int cnt,
	ssize_t n);

#endif /* SL_KERN_PRIV_H */
