/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_host_mem.h: the in-memory host backend and its test control API.
 *
 * The "mem" backend implements every sl_host_ops call with simulated
 * sockets held in a fixed table of SL_MEM_MAX_HANDLES slots, so the relay
 * core can be unit-tested without a network. The test plays the host peer
 * through the control functions below: it completes or refuses connects,
 * pushes bytes, FINs, resets and datagrams towards sluice, and takes what
 * sluice wrote.
 *
 * Model (TCP):
 *  - connect() follows the host-wide connect mode (SL_MEM_CONNECT_*).
 *  - Bytes written by sluice land in a per-socket send queue bounded by the
 *    socket's send buffer capacity (default SL_MEM_DEFAULT_SNDBUF); writev()
 *    takes min(free, requested) and returns -EAGAIN when the queue is full.
 *    The test drains it with sl_host_mem_take(). wspace() is capacity minus
 *    queued, unsent() is queued.
 *  - Bytes pushed by the test land in a receive queue read by readv().
 *
 * Readiness is level-triggered and computed from state on every poll(),
 * like epoll: an event carries (ready & interest), plus ERR and HUP which,
 * as with epoll, are reported whatever the interest, unless the interest
 * is SL_HOST_EV_QUIET (the kernel backend leaves the epoll set). For TCP:
 *  - IN     receive queue non-empty, or FIN pushed
 *  - RDHUP  FIN pushed (as soon as it is pushed, even with data still queued)
 *  - OUT    connected and send queue not full; also always after
 *           shutdown_wr (as the kernel does), so mute OUT after shutting down
 *  - after a reset (TCP_CLOSE, both directions shut down): IN, OUT,
 *           RDHUP and HUP, whatever else holds
 *  - HUP    FIN pushed and shutdown_wr called; a reset; a failed
 *           connect; and a socket not connected at all (opened only, or
 *           refused by SL_MEM_CONNECT_REFUSE): the kernel reports its
 *           TCP_CLOSE state as EPOLLHUP too, so do not poll between open
 *           and connect
 *  - ERR    a pending error (failed connect, reset) not yet read by error()
 * For UDP/ICMP: IN while a datagram is queued, OUT always, ERR while an
 * error set with sl_host_mem_set_error() is pending or an error report
 * pushed with sl_host_mem_push_err() waits in the error queue (as EPOLLERR
 * does in Linux). Datagram sends always
 * succeed unless failures are injected with sl_host_mem_fail_sends(); the
 * batched calls a socket received are counted (sl_host_mem_calls()).
 * A listener reports IN while connections queued by sl_host_mem_incoming()
 * wait to be accepted. Nothing is ever reported for closed handles or for
 * connects still pending.
 *
 * Families (as Linux): a socket is IPv4 unless opened with SL_HOST_INET6
 * or listening on an IPv6 address. An IPv4 socket reaches IPv4 peers only
 * (-EAFNOSUPPORT); an IPv6 one both, an IPv4 peer as v4-mapped
 * (::ffff:a.b.c.d: what accept() and recvmmsg() report), unless it is a
 * V6ONLY listener (-ENETUNREACH). Binding clashes as in Linux: equal
 * addresses or the unspecified one in a family on the same port, and a
 * dual-stack :: with every IPv4 address (-EADDRINUSE).
 *
 * ICMP sockets are Linux's ping sockets: a send takes only an echo request
 * of the socket's family (ICMP type 8, ICMPv6 type 128), code 0, at least
 * 8 bytes long; anything else is -EINVAL.
 *
 * Handles are allocated round-robin over the table, so a handle closed by
 * the core is not reused until the table wraps: tests may keep inspecting
 * it (sl_host_mem_is_open() false, sl_host_mem_aborted(), the bytes left in
 * its send queue, ...). poll() never blocks (timeout_ms is ignored).
 *
 * Every control function accepts only a backend made by sl_host_mem_create()
 * and fails harmlessly (error value, false, 0) on any other host or on a
 * handle that was never allocated.
 */
#ifndef SL_HOST_MEM_H
#define SL_HOST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "sl_host.h"

/** Number of handles the in-memory host can have open at once. */
#define SL_MEM_MAX_HANDLES	4096

/** Default send buffer capacity of a simulated TCP socket (bytes). */
#define SL_MEM_DEFAULT_SNDBUF	(256 * 1024)

/** What connect() does on a TCP socket (see sl_host_mem_set_connect_mode). */
enum sl_mem_connect_mode {
	SL_MEM_CONNECT_NOW,	/**< connect returns 0, socket connected */
	SL_MEM_CONNECT_PENDING,	/**< -EINPROGRESS until connect_done */
	SL_MEM_CONNECT_REFUSE,	/**< connect returns -ECONNREFUSED */
	/** -EINPROGRESS, yet connected when it returns (OUT at the next
	 * poll): a non-blocking connect on Linux loopback, whose handshake
	 * completes within the connect() call */
	SL_MEM_CONNECT_LOOPBACK,
};

/**
 * sl_host_mem_create - create an in-memory host backend.
 *
 * The connect mode starts as SL_MEM_CONNECT_NOW and the default send buffer
 * as SL_MEM_DEFAULT_SNDBUF. Destroy it with sl_host_destroy().
 *
 * Return: the backend, or NULL (errno ENOMEM).
 */
struct sl_host *sl_host_mem_create(void);

/**
 * sl_host_mem_set_connect_mode - choose what later TCP connects do.
 * @h: mem host
 * @mode: an enum sl_mem_connect_mode value (others are ignored)
 *
 * UDP and ICMP connects always succeed at once (they only set the peer).
 */
void sl_host_mem_set_connect_mode(struct sl_host *h, int mode);

/**
 * sl_host_mem_set_inet6 - whether the host has IPv6 (default: it has).
 * Without it (a kernel booted with ipv6.disable=1) an IPv6 socket cannot
 * be made: open with SL_HOST_INET6 and listen on an IPv6 address fail
 * with -EAFNOSUPPORT.
 */
void sl_host_mem_set_inet6(struct sl_host *h, bool on);

/**
 * sl_host_mem_connect_done - finish a connect left pending.
 * @h: mem host
 * @hd: handle whose connect returned -EINPROGRESS
 * @err: 0 for success (the socket becomes writable: OUT), else the errno
 *       the connect failed with (sign ignored): error() then returns -err
 *       once, readv/writev return -err, and ERR|HUP are reported.
 *
 * Return: 0, -EBADF (not an open handle) or -EINVAL (no connect pending).
 */
int sl_host_mem_connect_done(struct sl_host *h, int hd, int err);

/**
 * sl_host_mem_find - find the socket sluice opened towards a destination.
 * @h: mem host
 * @kind: socket kind
 * @dst: destination; for TCP/UDP address and port must match, for ICMP
 *       only the address
 *
 * A socket matches when connect() was called with @dst, or, for datagram
 * sockets, when its most recent datagram (sendmmsg) went to @dst.
 *
 * Return: the newest open matching handle, or -1.
 */
int sl_host_mem_find(struct sl_host *h, enum sl_host_kind kind,
	const union sl_sockaddr *dst);

/**
 * sl_host_mem_last - the most recently allocated handle (open or not).
 * @h: mem host
 *
 * Return: the handle, or -1 when none was ever allocated.
 */
int sl_host_mem_last(struct sl_host *h);

/**
 * sl_host_mem_push - the host peer sends bytes on a TCP socket.
 * @h: mem host
 * @hd: open TCP handle (not a listener)
 * @buf: bytes
 * @len: byte count
 *
 * The bytes are appended to the receive queue; readv() returns them and IN
 * is ready while any remain.
 *
 * Return: 0, -EBADF, -EPROTOTYPE (not TCP), -EINVAL (listener), -EPIPE
 * (FIN already pushed), -ECONNRESET (reset pushed) or -ENOMEM.
 */
int sl_host_mem_push(struct sl_host *h, int hd, const void *buf, size_t len);

/**
 * sl_host_mem_push_fin - the host peer closes its sending side.
 * @h: mem host
 * @hd: open TCP handle
 *
 * IN and RDHUP become ready; once the receive queue is drained readv()
 * returns 0.
 *
 * Return: 0, -EBADF or -EPROTOTYPE.
 */
int sl_host_mem_push_fin(struct sl_host *h, int hd);

/**
 * sl_host_mem_push_rst - the host peer resets the connection.
 * @h: mem host
 * @hd: open TCP handle
 *
 * As Linux: the receive queue is kept, and readv() returns it first; then
 * the pending error -ECONNRESET comes once (from readv(), writev() or
 * error(), whichever asks first: reading it clears it), after which
 * readv() returns 0 and writev() -EPIPE. ERR is reported until the error
 * has been read; IN, OUT, RDHUP and HUP from now on.
 *
 * Return: 0, -EBADF or -EPROTOTYPE.
 */
int sl_host_mem_push_rst(struct sl_host *h, int hd);

/**
 * sl_host_mem_set_sndbuf - set the send buffer capacity of one socket.
 * @h: mem host
 * @hd: handle (open or closed)
 * @cap: capacity in bytes (a capacity below what is queued just makes the
 *       socket full; nothing is dropped)
 *
 * Return: 0 or -EBADF.
 */
int sl_host_mem_set_sndbuf(struct sl_host *h, int hd, size_t cap);

/**
 * sl_host_mem_set_default_sndbuf - send buffer capacity for sockets
 * opened, accepted or listened from now on.
 * @h: mem host
 * @cap: capacity in bytes
 */
void sl_host_mem_set_default_sndbuf(struct sl_host *h, size_t cap);

/**
 * sl_host_mem_take - the host peer reads what sluice wrote on a TCP socket.
 * @h: mem host
 * @hd: handle (open or closed: bytes written before close stay takeable)
 * @buf: destination, or NULL to discard
 * @max: largest byte count to take
 *
 * Frees send buffer space, so OUT becomes ready again.
 *
 * Return: bytes taken (0 when nothing is queued or @hd is invalid).
 */
size_t sl_host_mem_take(struct sl_host *h, int hd, void *buf, size_t max);

/**
 * sl_host_mem_queued - bytes in a TCP socket's send queue.
 * @h: mem host
 * @hd: handle
 *
 * Return: queued bytes (0 for datagram sockets or an invalid handle).
 */
size_t sl_host_mem_queued(struct sl_host *h, int hd);

/** sl_host_mem_is_open - Return: true when @hd is allocated and open. */
bool sl_host_mem_is_open(struct sl_host *h, int hd);

/** sl_host_mem_shut_wr - Return: true when @hd sent its FIN: shutdown_wr()
 * was called, or it was closed (not aborted) while connected, as Linux. */
bool sl_host_mem_shut_wr(struct sl_host *h, int hd);

/** sl_host_mem_aborted - Return: true when @hd was closed with abort=true. */
bool sl_host_mem_aborted(struct sl_host *h, int hd);

/** sl_host_mem_cookie - Return: the cookie of @hd (0 when invalid). */
uint64_t sl_host_mem_cookie(struct sl_host *h, int hd);

/**
 * sl_host_mem_interest - the interest last set with watch().
 * @h: mem host
 * @hd: handle
 *
 * Only SL_HOST_EV_IN, _OUT and _RDHUP are kept (ERR and HUP are implied,
 * as with epoll), or SL_HOST_EV_QUIET alone (nothing reported at all). A
 * listener starts with IN, other sockets with 0.
 *
 * Return: the interest bits (0 when invalid).
 */
uint32_t sl_host_mem_interest(struct sl_host *h, int hd);

/**
 * sl_host_mem_sockaddr - the destination of @hd.
 * @h: mem host
 * @hd: handle
 *
 * Return: the address given to connect(), or for an unconnected datagram
 * socket the destination of its last datagram; for an accepted socket the peer;
 * for a listener its bound address. All zero when there is none.
 */
union sl_sockaddr sl_host_mem_sockaddr(struct sl_host *h, int hd);

/**
 * sl_host_mem_source - the local address @hd was bound to when opened
 * (the backend's outbound_addr, or outbound_addr6 for an IPv6 socket,
 * port 0), all zero when none.
 */
union sl_sockaddr sl_host_mem_source(struct sl_host *h, int hd);

/**
 * sl_host_mem_pop_dgram - the host peer receives a datagram sluice sent.
 * @h: mem host
 * @hd: UDP or ICMP handle (open or closed)
 * @buf: destination
 * @max: size of @buf; a longer datagram is truncated (and still consumed)
 *
 * Datagrams are recorded by sendmmsg() and by writev() on a connected
 * datagram socket, oldest first.
 *
 * Return: bytes copied, -EAGAIN when none is queued, -EBADF.
 */
ssize_t sl_host_mem_pop_dgram(struct sl_host *h, int hd, void *buf,
	size_t max);

/**
 * sl_host_mem_pop_dgram_to - like sl_host_mem_pop_dgram(), also giving
 * the destination the datagram was sent to.
 * @h: mem host
 * @hd: handle
 * @buf: destination
 * @max: size of @buf
 * @to: filled with the datagram's destination when not NULL
 *
 * Return: bytes copied, -EAGAIN or -EBADF.
 */
ssize_t sl_host_mem_pop_dgram_to(struct sl_host *h, int hd, void *buf,
	size_t max, union sl_sockaddr *to);

/**
 * sl_host_mem_dgrams - Return: datagrams sluice sent on @hd not yet popped.
 */
unsigned int sl_host_mem_dgrams(struct sl_host *h, int hd);

/**
 * sl_host_mem_push_dgram - the host peer sends a datagram to sluice.
 * @h: mem host
 * @hd: open UDP or ICMP handle
 * @buf: payload (for ICMP: ICMP header and data)
 * @len: payload length
 * @from: source recvmmsg() reports (v4-mapped on an IPv6 socket); NULL:
 *        the socket's destination
 *
 * Return: 0, -EBADF, -EPROTOTYPE (TCP), -EAFNOSUPPORT (a family the
 * socket cannot hear) or -ENOMEM.
 */
int sl_host_mem_push_dgram(struct sl_host *h, int hd, const void *buf,
	size_t len, const union sl_sockaddr *from);

/**
 * sl_host_mem_set_error - make a pending socket error (SO_ERROR) appear.
 * @h: mem host
 * @hd: open handle
 * @err: errno value (sign ignored), e.g. ECONNREFUSED for an ICMP port
 *       unreachable on a UDP socket; 0 clears
 *
 * ERR is reported until error() reads it; on a datagram socket the next
 * readv()/recvmmsg() also returns (and clears) it.
 *
 * Return: 0 or -EBADF.
 */
int sl_host_mem_set_error(struct sl_host *h, int hd, int err);

/**
 * sl_host_mem_incoming - a host client connects to a listener.
 * @h: mem host
 * @lhd: open TCP listener handle
 * @peer: the client's address (accept() reports it v4-mapped when an IPv4
 *        client reaches a dual-stack IPv6 listener)
 *
 * The listener reports IN until every queued connection is accepted.
 * accept() then returns a new connected TCP handle.
 *
 * Return: 0, -EBADF, -EINVAL (not a TCP listener), -ECONNREFUSED (a
 * family the listener does not hear) or -ENOMEM.
 */
int sl_host_mem_incoming(struct sl_host *h, int lhd,
	const union sl_sockaddr *peer);

/**
 * sl_host_mem_fail_sends - make datagram sends on @hd fail.
 * @h: mem host
 * @hd: open UDP or ICMP handle
 * @after: datagrams still accepted first
 * @err: errno value (sign ignored) the failing sends return, e.g. EAGAIN
 *       for a full send buffer; 0 clears
 * @count: how many sends fail; later ones succeed again
 *
 * Applies to sendmmsg() (a failure ends the batch there, as in the kernel)
 * and writev().
 *
 * Return: 0, -EBADF or -EPROTOTYPE (TCP).
 */
int sl_host_mem_fail_sends(struct sl_host *h, int hd, unsigned int after,
	int err, unsigned int count);

/**
 * sl_host_mem_polls - how often sluice polled @h for readiness (the
 * kernel backend's epoll_wait calls).
 */
uint64_t sl_host_mem_polls(struct sl_host *h);

/**
 * sl_host_mem_calls - how often sluice asked @hd to move datagrams.
 * @h: mem host
 * @hd: handle (open or closed)
 * @send_calls: set to the sendmmsg() calls (a sendto() is one) and writev()
 *              calls on a datagram socket, when not NULL
 * @recv_calls: set to the recvmmsg() calls (a recvfrom() is one) and
 *              readv() calls on a datagram socket, when not NULL
 *
 * Return: 0 or -EBADF.
 */
int sl_host_mem_calls(struct sl_host *h, int hd, unsigned int *send_calls,
	unsigned int *recv_calls);

/**
 * sl_host_mem_op_calls - how often sluice read @hd's pending error
 * (sl_host_error: getsockopt(SO_ERROR) on a kernel socket) and shut its
 * write side (sl_host_shutdown_wr): system calls per connection. Counts
 * stay readable after the handle is closed (until its slot is reused).
 *
 * Return: 0 or -EBADF.
 */
int sl_host_mem_op_calls(struct sl_host *h, int hd, unsigned int *error_calls,
	unsigned int *shutdown_calls);

/**
 * sl_host_mem_recv_slots - datagrams sluice's receive calls on @hd offered
 * room for (the sum of their batch sizes; a datagram readv is one).
 * Return: the count, 0 for a bad handle.
 */
unsigned int sl_host_mem_recv_slots(struct sl_host *h, int hd);

/**
 * sl_host_mem_push_err - the network reports an error for a datagram
 * sluice sent on @hd (what IP_RECVERR queues in Linux).
 * @h: mem host
 * @hd: open UDP or ICMP handle
 * @e: the report (its len is ignored: @len is used)
 * @quote: the datagram as quoted (UDP payload, or ICMP message)
 * @len: bytes of @quote
 *
 * The socket's pending error becomes @e->err (so the next receive returns
 * it, unless the error queue is read first) and ERR is reported until
 * both are read. sl_host_errqueue() returns the reports oldest first.
 *
 * Return: 0, -EBADF, -EPROTOTYPE (TCP), -EFAULT or -ENOMEM.
 */
int sl_host_mem_push_err(struct sl_host *h, int hd,
	const struct sl_host_dgerr *e, const void *quote, size_t len);

/** sl_host_mem_errs - Return: error reports on @hd not yet read. */
unsigned int sl_host_mem_errs(struct sl_host *h, int hd);

/**
 * sl_host_mem_next_ttl - the TTL the oldest datagram not yet popped from
 * @hd was sent with (0: the socket's default).
 * Return: the TTL, -EAGAIN when none is queued, or -EBADF.
 */
int sl_host_mem_next_ttl(struct sl_host *h, int hd);

#endif /* SL_HOST_MEM_H */
