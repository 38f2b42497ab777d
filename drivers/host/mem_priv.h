/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * mem_priv.h: the in-memory host's socket model, shared by its three
 * files: mem.c (the socket table, connect, listen, accept, readiness and
 * poll), mem_io.c (byte and datagram queues, and the data calls: writev,
 * readv, sendmmsg, recvmmsg, errqueue) and mem_ctl.c (the control API a
 * test plays the host peer with, sl_host_mem.h). Private to drivers/host.
 */
#ifndef SL_MEM_PRIV_H
#define SL_MEM_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <netinet/in.h>

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
	union sl_sockaddr addr;	/* source (rx), destination (tx), peer */
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
	bool v6only;		/* IPv6 listener without IPv4 (V6ONLY) */
	int family;		/* AF_INET or AF_INET6 */
	enum sl_host_kind kind;
	enum mem_state state;
	int err;		/* pending SO_ERROR (positive), 0: none */
	int conn_err;		/* sticky failure of the connect */
	uint32_t interest;
	uint64_t cookie;
	uint64_t seq;		/* allocation order */
	size_t sndbuf;
	unsigned int send_calls;	/* send batches (and datagram writev) */
	unsigned int error_calls;	/* error() (SO_ERROR reads) */
	unsigned int shutdown_calls;	/* shutdown_wr() */
	unsigned int recv_calls;	/* receive batches (and datagram readv) */
	unsigned int recv_slots;	/* datagrams those batches offered room for */
	unsigned int fail_after;	/* sends still accepted before failing */
	unsigned int fail_count;	/* sends that fail then */
	int fail_err;			/* their error (positive), 0: none */
	union sl_sockaddr dst;		/* connected peer */
	union sl_sockaddr last;	/* what find()/sockaddr() report */
	union sl_sockaddr local;	/* bound address (listen) */
	union sl_sockaddr src;		/* --outbound-addr bind, port 0 */
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
	bool no_inet6;		/* a host without IPv6 (ipv6.disable=1) */
	size_t default_sndbuf;
	int next;		/* round-robin allocation cursor */
	int hi;			/* one past the highest slot ever used */
	int last;		/* newest handle, -1: none */
	int poll_cursor;	/* where the next poll() scan starts */
	uint64_t polls;		/* poll() calls (sl_host_mem_polls) */
	uint64_t seq;
	struct mem_sock socks[SL_MEM_MAX_HANDLES];
};

/** The mem backend's operations (mem.c); mem_host() checks a host by it. */
extern const struct sl_host_ops sl_mem_ops;

/** mem_host - @h as the mem backend's host, or NULL when it is another. */
static inline struct mem_host *
mem_host(struct sl_host *h)
{
	if (h == NULL || h->ops != &sl_mem_ops)
		return NULL;
	return (struct mem_host *)h;
}

/**
 * mem_slot - the slot of @hd when it was ever allocated (open or closed),
 * else NULL.
 */
static inline struct mem_sock *
mem_slot(struct mem_host *m, int hd)
{
	if (m == NULL || hd < 0 || hd >= SL_MEM_MAX_HANDLES ||
			!m->socks[hd].used)
		return NULL;
	return &m->socks[hd];
}

/** mem_open_sock - the slot of @hd when it is open, else NULL. */
static inline struct mem_sock *
mem_open_sock(struct mem_host *m, int hd)
{
	struct mem_sock *s = mem_slot(m, hd);

	return s != NULL && s->open ? s : NULL;
}

/** mem_is_dgram - whether @s is a datagram (UDP or ICMP) socket. */
static inline bool
mem_is_dgram(const struct mem_sock *s)
{
	return s->kind != SL_HOST_TCP;
}

/** buf_used - bytes queued in @b. */
static inline size_t
buf_used(const struct mem_buf *b)
{
	return b->len - b->off;
}

/**
 * addr_eq - same address (and same port when @ports); a v4-mapped IPv6
 * address and its IPv4 address are the same.
 */
static inline bool
addr_eq(const union sl_sockaddr *a, const union sl_sockaddr *b,
	bool ports)
{
	return sl_sockaddr_same(a, b, ports);
}

/**
 * sl_mem_peer_addr - the address a socket of @family sees for the peer
 * @a: as it is, or (an IPv4 peer of an IPv6 socket) v4-mapped in a
 * sockaddr_in6, as Linux reports it.
 */
static inline union sl_sockaddr
sl_mem_peer_addr(int family, const union sl_sockaddr *a)
{
	union sl_sockaddr x = *a;

	if (family == AF_INET6 && a->sa.sa_family == AF_INET) {
		struct sl_addr m = sl_sockaddr_addr(a);

		memset(&x, 0, sizeof(x));
		x.in6.sin6_family = AF_INET6;
		memcpy(x.in6.sin6_addr.s6_addr, m.b, 16);
		x.in6.sin6_port = a->in.sin_port;
	}
	return x;
}

/**
 * sl_mem_family_ok - whether a socket of @family (IPv6 only when @v6only)
 * can reach the peer @a, as Linux: an IPv4 socket IPv4 peers only (else
 * -EAFNOSUPPORT), an IPv6 one both families (IPv4 as v4-mapped) unless
 * V6ONLY (-ENETUNREACH). Return: 0 or -errno.
 */
static inline int
sl_mem_family_ok(int family, bool v6only, const union sl_sockaddr *a)
{
	struct sl_addr x = sl_sockaddr_addr(a);

	if (family == AF_INET)
		return a->sa.sa_family == AF_INET ? 0 : -EAFNOSUPPORT;
	if (a->sa.sa_family != AF_INET && a->sa.sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	return v6only && sl_addr_is_v4(&x) ? -ENETUNREACH : 0;
}

/**
 * sl_mem_buf_reserve - make room for @n more bytes at the end of @b.
 * Return: 0 or -ENOMEM.
 */
int sl_mem_buf_reserve(struct mem_buf *b, size_t n);

/**
 * sl_mem_buf_take - copy up to @max bytes out of @b (NULL @dst discards).
 * Return: the bytes taken.
 */
size_t sl_mem_buf_take(struct mem_buf *b, void *dst, size_t max);

/** sl_mem_dq_init - make @q an empty queue. */
void sl_mem_dq_init(struct mem_dq *q);

/**
 * sl_mem_dq_push_entry - append a copy of @buf/@len from/to @addr.
 * Return: the entry, or NULL (no memory).
 */
struct mem_dgram *sl_mem_dq_push_entry(struct mem_dq *q, const void *buf,
	size_t len, const union sl_sockaddr *addr);

/** sl_mem_dq_push - sl_mem_dq_push_entry(). Return: 0 or -ENOMEM. */
int sl_mem_dq_push(struct mem_dq *q, const void *buf, size_t len,
	const union sl_sockaddr *addr);

/**
 * sl_mem_dq_pop - detach the oldest entry of @q (the caller frees it).
 * Return: it, or NULL when @q is empty.
 */
struct mem_dgram *sl_mem_dq_pop(struct mem_dq *q);

/** sl_mem_dq_free - free every entry of @q. */
void sl_mem_dq_free(struct mem_dq *q);

/**
 * sl_mem_sock_reset - free what @s holds (bytes, datagrams, pending
 * connections, error reports) and zero it, with empty queues.
 */
void sl_mem_sock_reset(struct mem_sock *s);

/** sl_mem_sock_free - free what @s holds; its state stays for inspection. */
void sl_mem_sock_free(struct mem_sock *s);

/* The data calls of sl_host_ops (see sl_host.h), on the mem host. */
ssize_t sl_mem_writev(struct sl_host *h, int hd, const struct iovec *iov,
	int cnt);
ssize_t sl_mem_readv(struct sl_host *h, int hd, const struct iovec *iov,
	int cnt);
int sl_mem_sendmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
	unsigned int n);
int sl_mem_recvmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
	unsigned int n);
int sl_mem_errqueue(struct sl_host *h, int hd, struct sl_host_dgerr *e,
	void *buf, size_t len);

#endif /* SL_MEM_PRIV_H */
