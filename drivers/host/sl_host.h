/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_host.h: the host side of the relay, behind one small interface.
 *
 * The relay core never calls socket(2) and friends itself: it asks a host
 * backend. Two backends exist: "kernel" (real non-blocking kernel sockets and
 * one epoll instance per worker) and "mem" (an in-memory host for unit tests,
 * fully controllable by the test). Handles are small non-negative integers
 * (file descriptors for the kernel backend). Every handle carries a 64-bit
 * cookie chosen by the core; readiness events come back with that cookie.
 *
 * All calls are non-blocking. Errors are returned as negative errno values.
 */
#ifndef SL_HOST_H
#define SL_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <netinet/in.h>

/* Socket kinds. */
enum sl_host_kind {
	SL_HOST_TCP,	/**< stream socket */
	SL_HOST_UDP,	/**< datagram socket */
	SL_HOST_ICMP,	/**< ICMP echo ("ping") socket */
	/** listen flag: share the address with other listeners of this
	 * process (SO_REUSEPORT), for the workers of a multi-queue port */
	SL_HOST_SHARED = 0x100,
};

/* Readiness bits (interest and events). */
#define SL_HOST_EV_IN	0x1u	/**< readable */
#define SL_HOST_EV_OUT	0x2u	/**< writable / connect finished */
#define SL_HOST_EV_ERR	0x4u	/**< error pending */
#define SL_HOST_EV_HUP	0x8u	/**< both directions closed */
#define SL_HOST_EV_RDHUP 0x10u	/**< peer closed its sending side */

/** One readiness event. */
struct sl_host_ev {
	uint64_t cookie;
	uint32_t events;
};

struct sl_host;

/** Backend operations; see the sl_host_* wrappers below for semantics. */
struct sl_host_ops {
	int (*open)(struct sl_host *h, enum sl_host_kind kind, uint64_t cookie);
	int (*connect)(struct sl_host *h, int hd, const struct sockaddr_in *sa);
	int (*listen)(struct sl_host *h, enum sl_host_kind kind,
		const struct sockaddr_in *sa, uint64_t cookie);
	int (*accept)(struct sl_host *h, int lhd, struct sockaddr_in *peer,
		uint64_t cookie);
	int (*watch)(struct sl_host *h, int hd, uint32_t events);
	int (*set_cookie)(struct sl_host *h, int hd, uint64_t cookie);
	ssize_t (*writev)(struct sl_host *h, int hd, const struct iovec *iov,
		int cnt);
	ssize_t (*readv)(struct sl_host *h, int hd, const struct iovec *iov,
		int cnt);
	ssize_t (*sendto)(struct sl_host *h, int hd, const void *buf,
		size_t len, const struct sockaddr_in *to);
	ssize_t (*recvfrom)(struct sl_host *h, int hd, void *buf, size_t len,
		struct sockaddr_in *from);
	int (*shutdown_wr)(struct sl_host *h, int hd);
	void (*close)(struct sl_host *h, int hd, bool abort);
	int (*error)(struct sl_host *h, int hd);
	long (*wspace)(struct sl_host *h, int hd);
	long (*unsent)(struct sl_host *h, int hd);
	int (*poll)(struct sl_host *h, struct sl_host_ev *ev, int max,
		int timeout_ms);
	void (*destroy)(struct sl_host *h);
};

/** A backend instance (one per worker). Backends embed this first. */
struct sl_host {
	const struct sl_host_ops *ops;
	const char *name;
	unsigned int open_handles;	/**< live handles, for leak checks */
};

/**
 * sl_host_kernel_create - create a kernel-socket backend.
 *
 * Return: the backend, or NULL (errno set) when epoll cannot be created.
 */
struct sl_host *sl_host_kernel_create(void);

/** Open a socket of @kind; Return: handle or -errno. */
static inline int
sl_host_open(struct sl_host *h, enum sl_host_kind kind, uint64_t cookie)
{
	return h->ops->open(h, kind, cookie);
}

/** Start a non-blocking connect; Return: 0, -EINPROGRESS or -errno. */
static inline int
sl_host_connect(struct sl_host *h, int hd, const struct sockaddr_in *sa)
{
	return h->ops->connect(h, hd, sa);
}

/** Bind and (TCP) listen on @sa; Return: handle or -errno. */
static inline int
sl_host_listen(struct sl_host *h, enum sl_host_kind kind,
	const struct sockaddr_in *sa, uint64_t cookie)
{
	return h->ops->listen(h, kind, sa, cookie);
}

/** Accept one connection; Return: handle, -EAGAIN or -errno. */
static inline int
sl_host_accept(struct sl_host *h, int lhd, struct sockaddr_in *peer,
	uint64_t cookie)
{
	return h->ops->accept(h, lhd, peer, cookie);
}

/** Set the readiness interest of @hd (0 to mute). Return: 0 or -errno. */
static inline int
sl_host_watch(struct sl_host *h, int hd, uint32_t events)
{
	return h->ops->watch(h, hd, events);
}

/**
 * Change the cookie of @hd (e.g. an accepted socket adopted by a flow);
 * takes effect with the next sl_host_watch. Return: 0 or -EBADF.
 */
static inline int
sl_host_set_cookie(struct sl_host *h, int hd, uint64_t cookie)
{
	return h->ops->set_cookie(h, hd, cookie);
}

/** Write; Return: bytes taken (possibly short), -EAGAIN or -errno. */
static inline ssize_t
sl_host_writev(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	return h->ops->writev(h, hd, iov, cnt);
}

/** Read; Return: bytes, 0 at end of stream, -EAGAIN or -errno. */
static inline ssize_t
sl_host_readv(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	return h->ops->readv(h, hd, iov, cnt);
}

/** Send one datagram (to NULL: connected peer). Return: bytes or -errno. */
static inline ssize_t
sl_host_sendto(struct sl_host *h, int hd, const void *buf, size_t len,
	const struct sockaddr_in *to)
{
	return h->ops->sendto(h, hd, buf, len, to);
}

/** Receive one datagram. Return: bytes, -EAGAIN or -errno. */
static inline ssize_t
sl_host_recvfrom(struct sl_host *h, int hd, void *buf, size_t len,
	struct sockaddr_in *from)
{
	return h->ops->recvfrom(h, hd, buf, len, from);
}

/** Close the sending side (FIN to the host peer). Return: 0 or -errno. */
static inline int
sl_host_shutdown_wr(struct sl_host *h, int hd)
{
	return h->ops->shutdown_wr(h, hd);
}

/** Close; @abort: make the peer see a reset (SO_LINGER 0). */
static inline void
sl_host_close(struct sl_host *h, int hd, bool abort)
{
	h->ops->close(h, hd, abort);
}

/** Pending socket error (SO_ERROR): 0 or -errno, cleared by reading. */
static inline int
sl_host_error(struct sl_host *h, int hd)
{
	return h->ops->error(h, hd);
}

/** Bytes the socket's send buffer will still accept now (estimate, >= 0). */
static inline long
sl_host_wspace(struct sl_host *h, int hd)
{
	return h->ops->wspace(h, hd);
}

/** Bytes written but not yet acknowledged by the host peer (>= 0). */
static inline long
sl_host_unsent(struct sl_host *h, int hd)
{
	return h->ops->unsent(h, hd);
}

/** Collect up to @max events, waiting at most @timeout_ms (0: never). */
static inline int
sl_host_poll(struct sl_host *h, struct sl_host_ev *ev, int max, int timeout_ms)
{
	return h->ops->poll(h, ev, max, timeout_ms);
}

/** Destroy the backend; every handle must already be closed. */
static inline void
sl_host_destroy(struct sl_host *h)
{
	h->ops->destroy(h);
}

#endif /* SL_HOST_H */
