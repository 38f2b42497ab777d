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
 *
 * Datagrams move in batches: sl_host_sendmmsg() hands a socket several
 * datagrams (each with its own destination, or the connected peer) and
 * sl_host_recvmmsg() takes several at once, each with its source, so the
 * kernel backend makes one sendmmsg(2)/recvmmsg(2) call per batch instead of
 * one system call per datagram. sl_host_sendto()/sl_host_recvfrom() are
 * one-datagram batches. Each datagram sent may carry its own IP TTL.
 *
 * What the network reports about a datagram a UDP or ICMP socket sent (an
 * ICMP error from a router or the peer, or the host's own refusal) waits
 * in the socket's error queue, read with sl_host_errqueue(); while one is
 * pending the socket reports SL_HOST_EV_ERR, whatever its interest (the
 * kernel backend turns IP_RECVERR on for these sockets).
 *
 * Addresses are union sl_sockaddr (lib/addr/sl_addr.h): sockaddr_in or
 * sockaddr_in6. sl_host_open() makes an IPv4 socket, an IPv6 one with
 * the SL_HOST_INET6 flag; a listener takes the family of its address (an
 * IPv6 listener on :: is dual-stack unless SL_HOST_V6ONLY). A datagram's
 * TTL is its hop limit on an IPv6 socket.
 */
#ifndef SL_HOST_H
#define SL_HOST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <netinet/in.h>

#include "sl_addr.h"

/* Socket kinds. */
enum sl_host_kind {
	SL_HOST_TCP,	/**< stream socket */
	SL_HOST_UDP,	/**< datagram socket */
	SL_HOST_ICMP,	/**< ICMP echo ("ping") socket */
	/** listen flag: share the address with other listeners of this
	 * process (SO_REUSEPORT), for the workers of a multi-queue port */
	SL_HOST_SHARED = 0x100,
	/** listen flag, for an IPv6 address: IPv6 only (IPV6_V6ONLY=1).
	 * Without it an IPv6 listener on :: is dual-stack: IPv4 peers come
	 * as v4-mapped IPv6 addresses (::ffff:a.b.c.d), as on Linux */
	SL_HOST_V6ONLY = 0x200,
	/** open flag: an IPv6 socket (without it sl_host_open makes an IPv4
	 * one); a listener takes the family of its address instead */
	SL_HOST_INET6 = 0x400,
};

/** The kind of @k without its flags. */
#define SL_HOST_KIND(k) \
	((enum sl_host_kind)((k) & ~(SL_HOST_SHARED | SL_HOST_V6ONLY | \
	SL_HOST_INET6)))

/* Readiness bits (interest and events). */
#define SL_HOST_EV_IN	0x1u	/**< readable */
#define SL_HOST_EV_OUT	0x2u	/**< writable / connect finished */
#define SL_HOST_EV_ERR	0x4u	/**< error pending */
#define SL_HOST_EV_HUP	0x8u	/**< both directions closed */
#define SL_HOST_EV_RDHUP 0x10u	/**< peer closed its sending side */
/**
 * Interest only, alone (with IN, OUT or RDHUP it is ignored): report
 * nothing for this handle, not even ERR and HUP (which an interest of 0
 * still gets, as with epoll). For a socket that
 * has hung up while nothing is to be read or written: HUP is
 * level-triggered and would come back on every poll. Any other interest
 * set later brings ERR and HUP back.
 */
#define SL_HOST_EV_QUIET 0x20u

/** sl_host_msg flags (out) */
#define SL_HOST_MSG_TRUNC 0x1u	/**< recv: the datagram was longer, cut */

/**
 * One datagram of a batched send or receive.
 *
 * Send: @iov/@iovcnt are gathered into one datagram to @addr (NULL: the
 * connected peer); @len is set to the bytes sent. Receive: one datagram is
 * scattered into @iov/@iovcnt (what does not fit is discarded and
 * SL_HOST_MSG_TRUNC set in @flags); @len is set to the bytes stored and,
 * when @addr is not NULL, *@addr to the source (all zero when unknown).
 */
struct sl_host_msg {
	struct iovec *iov;
	int iovcnt;
	union sl_sockaddr *addr;
	size_t len;		/**< out: bytes sent / stored */
	uint32_t flags;		/**< out: SL_HOST_MSG_* */
	uint8_t ttl;		/**< send: IP TTL, 0: the socket's default */
};

/* Where a datagram error came from (struct sl_host_dgerr origin). */
#define SL_HOST_ERR_LOCAL 1	/**< the host refused it (e.g. EMSGSIZE) */
#define SL_HOST_ERR_ICMP 2	/**< an ICMP error came back for it */

/**
 * An error reported for one datagram a socket sent (sl_host_errqueue).
 * The datagram itself is returned as far as the report quoted it: for a
 * UDP socket the UDP payload (its header is not included), for an ICMP
 * socket the ICMP message (header included, as sent on the wire).
 */
struct sl_host_dgerr {
	int err;			/**< errno (positive) it maps to */
	uint8_t origin;			/**< SL_HOST_ERR_* */
	uint8_t type;			/**< ICMP type (origin ICMP) */
	uint8_t code;			/**< ICMP code (origin ICMP) */
	bool offender_local;		/**< the reporter is this host */
	uint32_t info;			/**< next-hop MTU (EMSGSIZE), else 0 */
	union sl_sockaddr offender;	/**< the reporter; zero: unknown */
	union sl_sockaddr dst;		/**< where the datagram was going */
	size_t len;			/**< bytes of the datagram stored */
};

/** One readiness event. */
struct sl_host_ev {
	uint64_t cookie;
	uint32_t events;
};

struct sl_host;

/** Backend operations; see the sl_host_* wrappers below for semantics. */
struct sl_host_ops {
	int (*open)(struct sl_host *h, enum sl_host_kind kind, uint64_t cookie);
	int (*connect)(struct sl_host *h, int hd, const union sl_sockaddr *sa);
	int (*listen)(struct sl_host *h, enum sl_host_kind kind,
		const union sl_sockaddr *sa, uint64_t cookie);
	int (*accept)(struct sl_host *h, int lhd, union sl_sockaddr *peer,
		uint64_t cookie);
	int (*watch)(struct sl_host *h, int hd, uint32_t events);
	int (*set_cookie)(struct sl_host *h, int hd, uint64_t cookie);
	ssize_t (*writev)(struct sl_host *h, int hd, const struct iovec *iov,
		int cnt);
	ssize_t (*readv)(struct sl_host *h, int hd, const struct iovec *iov,
		int cnt);
	int (*sendmmsg)(struct sl_host *h, int hd, struct sl_host_msg *msg,
		unsigned int n);
	int (*recvmmsg)(struct sl_host *h, int hd, struct sl_host_msg *msg,
		unsigned int n);
	int (*errqueue)(struct sl_host *h, int hd, struct sl_host_dgerr *e,
		void *buf, size_t len);
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
	/** sockets made by sl_host_open() are bound to this address (port
	 * 0: the kernel picks) before they connect or send (network
	 * order; 0: not bound). --outbound-addr, set by the worker. */
	uint32_t outbound_addr;
	/** the same for IPv6 sockets (SL_HOST_INET6): --outbound-addr6;
	 * all zero: not bound */
	struct sl_addr outbound_addr6;
};

/**
 * Descriptors the kernel backend never uses for host sockets: a socket whose
 * descriptor is within this many of the limit is closed again (-EMFILE), so
 * the rest of the process (DPDK's telemetry thread quits for good when an
 * accept() fails, EAL, logging) always finds one.
 */
#define SL_HOST_FD_RESERVE	32

/**
 * sl_host_kernel_set_fd_limit - publish the process's descriptor limit
 * (RLIMIT_NOFILE soft limit; UINT64_MAX: none) to every kernel backend.
 * Called by the control thread at start and when the limit changes; the
 * backends never call getrlimit() per socket. Until it is called, the first
 * sl_host_kernel_create() reads the limit once.
 */
void sl_host_kernel_set_fd_limit(uint64_t limit);

/** The cookie of a wake descriptor's events (sl_host_kernel_wake_fd). */
#define SL_HOST_WAKE_COOKIE	UINT64_MAX

/**
 * sl_host_kernel_wake_fd - let descriptor @fd, which is no host socket (the
 * port's own AF_PACKET socket: its rx ring fills without a system call of
 * ours), wake kernel backend @h's poll: it joins the epoll set for EPOLLIN,
 * edge-triggered (one event per arrival, none while frames merely wait),
 * and its events come out of sl_host_poll with cookie SL_HOST_WAKE_COOKIE.
 * The backend never reads, writes or closes @fd.
 * Return: 0, or -errno (epoll_ctl's).
 */
int sl_host_kernel_wake_fd(struct sl_host *h, int fd);

/**
 * System calls a kernel backend made for readiness, send space and socket
 * options, for tests and benchmarks (sl_host_kernel_calls).
 */
struct sl_host_kern_calls {
	uint64_t epoll_ctl;	/**< epoll_ctl(2): interest changes */
	uint64_t sndbuf_reads;	/**< getsockopt(SO_SNDBUF) */
	uint64_t outq_reads;	/**< ioctl(SIOCOUTQ) */
	uint64_t ev_ignored;	/**< events dropped: interest the caller had
				 * already removed (applied then) */
	uint64_t sockopt;	/**< setsockopt(2) and getsockopt(SO_ERROR)
				 * calls on sockets */
};

/**
 * sl_host_kernel_calls - the counts of kernel backend @h (which must be
 * one made by sl_host_kernel_create) into *@c.
 */
void sl_host_kernel_calls(struct sl_host *h, struct sl_host_kern_calls *c);

/**
 * sl_host_kernel_create - create a kernel-socket backend.
 *
 * Return: the backend, or NULL (errno set) when epoll cannot be created.
 */
struct sl_host *sl_host_kernel_create(void);

/**
 * Open a socket of @kind (bound to h->outbound_addr, or for an
 * SL_HOST_INET6 one h->outbound_addr6, when set); Return:
 * handle or -errno (a bind failure's too).
 */
static inline int
sl_host_open(struct sl_host *h, enum sl_host_kind kind, uint64_t cookie)
{
	return h->ops->open(h, kind, cookie);
}

/** Start a non-blocking connect; Return: 0, -EINPROGRESS or -errno. */
static inline int
sl_host_connect(struct sl_host *h, int hd, const union sl_sockaddr *sa)
{
	return h->ops->connect(h, hd, sa);
}

/** Bind and (TCP) listen on @sa; Return: handle or -errno. */
static inline int
sl_host_listen(struct sl_host *h, enum sl_host_kind kind,
	const union sl_sockaddr *sa, uint64_t cookie)
{
	return h->ops->listen(h, kind, sa, cookie);
}

/** Accept one connection; Return: handle, -EAGAIN or -errno. */
static inline int
sl_host_accept(struct sl_host *h, int lhd, union sl_sockaddr *peer,
	uint64_t cookie)
{
	return h->ops->accept(h, lhd, peer, cookie);
}

/**
 * Set the readiness interest of @hd (0 to mute). It holds from the next
 * sl_host_poll on; a backend may apply it only then (the kernel one makes
 * at most one epoll_ctl per handle per poll, none when the interest is back
 * where it was, and removes interest only when an event it no longer wants
 * comes: that event is not reported). Return: 0 or -errno.
 */
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

/**
 * sl_host_sendmmsg - send up to @n datagrams in order, one system call.
 * @h: backend
 * @hd: datagram handle (a stream handle takes each as a write)
 * @msg: the datagrams (see struct sl_host_msg); @len set on those sent
 * @n: how many
 *
 * A backend may take fewer than @n in one call (the kernel backend at most
 * SL_HOST_MMSG_MAX): the caller goes on from the first one not sent. When
 * a datagram fails after others were sent, the count is returned and its
 * error comes back when the caller sends from it again.
 *
 * Return: datagrams sent (>= 1; 0 only for @n == 0), or -errno (-EAGAIN:
 * the send buffer is full) when the first one was not sent.
 */
static inline int
sl_host_sendmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
	unsigned int n)
{
	return h->ops->sendmmsg(h, hd, msg, n);
}

/**
 * sl_host_recvmmsg - receive up to @n queued datagrams, one system call.
 * @h: backend
 * @hd: handle
 * @msg: where each goes (see struct sl_host_msg); @len, @flags, *@addr set
 * @n: how many at most
 *
 * Return: datagrams received (>= 1; 0 only for @n == 0), -EAGAIN when none
 * is queued, or -errno (a pending socket error, e.g. -ECONNREFUSED after an
 * ICMP port unreachable, is returned and cleared; an error met after some
 * datagrams were received comes back with the next call).
 */
static inline int
sl_host_recvmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
	unsigned int n)
{
	return h->ops->recvmmsg(h, hd, msg, n);
}

/**
 * sl_host_errqueue - take the oldest error reported for a datagram @hd sent.
 * @h: backend
 * @hd: UDP or ICMP handle
 * @e: filled with the report
 * @buf: receives the datagram as quoted (see struct sl_host_dgerr)
 * @len: size of @buf (a longer quote is cut)
 *
 * Reading the last queued error also clears the socket's pending error
 * (SO_ERROR), as in Linux. A backend without an error queue has none.
 *
 * Return: 0 (one report taken), -EAGAIN when none is queued, or -errno.
 */
static inline int
sl_host_errqueue(struct sl_host *h, int hd, struct sl_host_dgerr *e,
	void *buf, size_t len)
{
	if (h->ops->errqueue == NULL)
		return -EAGAIN;
	return h->ops->errqueue(h, hd, e, buf, len);
}

/** Age (ms) after which a cached send-space estimate is read again. */
#define SL_HOST_SPACE_MS 10

/** Largest batch the kernel backend passes to one system call. */
#define SL_HOST_MMSG_MAX 64

/**
 * sl_host_sendto - send one datagram (a batch of one).
 * @to: destination, NULL: the connected peer
 * Return: bytes sent or -errno.
 */
static inline ssize_t
sl_host_sendto(struct sl_host *h, int hd, const void *buf, size_t len,
	const union sl_sockaddr *to)
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf,
		.iov_len = len };
	struct sl_host_msg m = { .iov = &iov, .iovcnt = 1,
		.addr = (union sl_sockaddr *)(uintptr_t)to };
	int rc = sl_host_sendmmsg(h, hd, &m, 1);

	return rc < 0 ? rc : (ssize_t)m.len;
}

/**
 * sl_host_recvfrom - receive one datagram (a batch of one); a longer one is
 * truncated to @len.
 * @from: filled with the source when not NULL
 * Return: bytes stored, -EAGAIN or -errno.
 */
static inline ssize_t
sl_host_recvfrom(struct sl_host *h, int hd, void *buf, size_t len,
	union sl_sockaddr *from)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct sl_host_msg m = { .iov = &iov, .iovcnt = 1, .addr = from };
	int rc = sl_host_recvmmsg(h, hd, &m, 1);

	return rc < 0 ? rc : (ssize_t)m.len;
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

/**
 * Bytes the socket's send buffer will still accept now (estimate, >= 0).
 * A backend may answer from what it last read, less what was written since
 * (never more than the real room, as space only frees up): the kernel one
 * reads SO_SNDBUF and SIOCOUTQ again only when that estimate falls below a
 * quarter of the buffer, when a write came back short or -EAGAIN and the
 * socket has since reported writable, or when it is SL_HOST_SPACE_MS old.
 */
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
