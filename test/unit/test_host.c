/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_host.c: unit tests of the host backends: the in-memory host (every
 * control function, readiness and interest, send buffer accounting, connect
 * modes, FIN/RST, datagrams and their batches, accept) and the kernel
 * backend against real loopback sockets created here. No EAL needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "sl_test.h"
#include "sl_host.h"
#include "sl_host_mem.h"

#define EV_ERRHUP	(SL_HOST_EV_ERR | SL_HOST_EV_HUP)

/* --- helpers ------------------------------------------------------------ */

static union sl_sockaddr
sin4(uint32_t addr, uint16_t port)
{
	union sl_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.in.sin_family = AF_INET;
	sa.in.sin_addr.s_addr = htonl(addr);
	sa.in.sin_port = htons(port);
	return sa;
}

static union sl_sockaddr
loopback(uint16_t port)
{
	return sin4(INADDR_LOOPBACK, port);
}

/*
 * Poll @h once (mem) or for up to @timeout_ms (kernel), returning the
 * events reported for @cookie (0 when none).
 */
static uint32_t
events_of(struct sl_host *h, uint64_t cookie, int timeout_ms)
{
	struct sl_host_ev ev[64];
	uint32_t r = 0;
	int n, i, waited = 0;

	do {
		n = sl_host_poll(h, ev, 64, timeout_ms > 0 ? 20 : 0);
		for (i = 0; i < n; i++)
			if (ev[i].cookie == cookie)
				r |= ev[i].events;
		waited += 20;
	} while (r == 0 && waited < timeout_ms);
	return r;
}

/* Wait until @cookie reports any of @mask (kernel backend). */
static uint32_t
wait_for(struct sl_host *h, uint64_t cookie, uint32_t mask, int timeout_ms)
{
	uint32_t r = 0;
	int waited = 0;

	while (waited < timeout_ms) {
		r = events_of(h, cookie, 50);
		if (r & mask)
			return r;
		waited += 50;
	}
	return r;
}

/* Wait for @fd to become readable. Return: true when it did. */
static bool
fd_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1;
}

/* A listening TCP socket on 127.0.0.1:ephemeral; *port gets the port. */
static int
tcp_listener(uint16_t *port)
{
	union sl_sockaddr sa = loopback(0);
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
			listen(fd, 16) < 0 ||
			getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.in.sin_port);
	return fd;
}

/* A UDP socket bound to 127.0.0.1:ephemeral; *port gets the port. */
static int
udp_socket(uint16_t *port)
{
	union sl_sockaddr sa = loopback(0);
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
			getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.in.sin_port);
	return fd;
}

/* Accept on blocking listener @lfd, waiting at most @timeout_ms. */
static int
accept_within(int lfd, int timeout_ms)
{
	if (!fd_readable(lfd, timeout_ms))
		return -1;
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/*
 * Connect kernel-backend handle @hd (cookie @cookie) to 127.0.0.1:@port and
 * wait until it is writable. Return: 0 or -1.
 */
static int
kern_connect_wait(struct sl_host *h, int hd, uint64_t cookie, uint16_t port)
{
	union sl_sockaddr dst = loopback(port);
	int rc = sl_host_connect(h, hd, &dst);

	if (rc != 0 && rc != -EINPROGRESS)
		return -1;
	if (sl_host_watch(h, hd, SL_HOST_EV_OUT) != 0)
		return -1;
	if (!(wait_for(h, cookie, SL_HOST_EV_OUT, 2000) & SL_HOST_EV_OUT))
		return -1;
	if (sl_host_error(h, hd) != 0)
		return -1;
	return sl_host_watch(h, hd, 0);
}

/* ====================================================================== */
/* mem backend                                                            */
/* ====================================================================== */

SL_TEST(mem_create)
{
	struct sl_host *h = sl_host_mem_create();

	SL_CHECK(h != NULL);
	SL_CHECK(strcmp(h->name, "mem") == 0);
	SL_CHECK_EQ(h->open_handles, 0);
	SL_CHECK_EQ(sl_host_mem_last(h), -1);
	SL_CHECK_EQ(sl_host_poll(h, NULL, 0, 0), 0);
	SL_CHECK(!sl_host_mem_is_open(h, 0));
	SL_CHECK(!sl_host_mem_is_open(h, -1));
	SL_CHECK(!sl_host_mem_is_open(h, SL_MEM_MAX_HANDLES));
	sl_host_destroy(h);
}

SL_TEST(mem_open_close)
{
	struct sl_host *h = sl_host_mem_create();
	int t, u, i, again;

	SL_CHECK(h != NULL);
	t = sl_host_open(h, SL_HOST_TCP, 0x1111);
	u = sl_host_open(h, SL_HOST_UDP, 0x2222);
	i = sl_host_open(h, SL_HOST_ICMP, 0x3333);
	SL_CHECK(t >= 0 && u >= 0 && i >= 0);
	SL_CHECK(t != u && u != i && t != i);
	SL_CHECK_EQ(h->open_handles, 3);
	SL_CHECK_EQ(sl_host_mem_last(h), i);
	SL_CHECK_EQ(sl_host_mem_cookie(h, t), 0x1111);
	SL_CHECK_EQ(sl_host_mem_cookie(h, u), 0x2222);
	SL_CHECK_EQ(sl_host_mem_cookie(h, i), 0x3333);
	SL_CHECK_EQ(sl_host_mem_interest(h, t), 0);
	SL_CHECK(sl_host_mem_is_open(h, t));
	/* unconnected TCP: HUP (as epoll reports CLOSE); datagram: nothing
	 * without interest */
	SL_CHECK_EQ(events_of(h, 0x1111, 0), SL_HOST_EV_HUP);
	SL_CHECK_EQ(events_of(h, 0x2222, 0), 0);
	SL_CHECK_EQ(events_of(h, 0x3333, 0), 0);
	SL_CHECK(sl_host_open(h, (enum sl_host_kind)42, 0) < 0);
	SL_CHECK_EQ(h->open_handles, 3);

	sl_host_close(h, t, false);
	sl_host_close(h, u, true);
	SL_CHECK_EQ(h->open_handles, 1);
	SL_CHECK(!sl_host_mem_is_open(h, t));
	SL_CHECK(!sl_host_mem_aborted(h, t));
	SL_CHECK(!sl_host_mem_is_open(h, u));
	SL_CHECK(sl_host_mem_aborted(h, u));
	/* closed handles stay queryable */
	SL_CHECK_EQ(sl_host_mem_cookie(h, t), 0x1111);
	/* double close is harmless */
	sl_host_close(h, t, true);
	SL_CHECK_EQ(h->open_handles, 1);
	SL_CHECK(!sl_host_mem_aborted(h, t));
	/* operations on a closed handle fail */
	SL_CHECK_EQ(sl_host_watch(h, t, SL_HOST_EV_IN), -EBADF);
	SL_CHECK_EQ(sl_host_error(h, t), -EBADF);
	SL_CHECK_EQ(sl_host_shutdown_wr(h, t), -EBADF);

	/* round robin: a new handle does not reuse the closed ones */
	again = sl_host_open(h, SL_HOST_TCP, 0x4444);
	SL_CHECK(again >= 0 && again != t && again != u);
	SL_CHECK_EQ(sl_host_mem_last(h), again);
	sl_host_close(h, again, false);
	sl_host_close(h, i, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_round_robin_wrap)
{
	struct sl_host *h = sl_host_mem_create();
	int first, hd = -1, n, keep;

	SL_CHECK(h != NULL);
	first = sl_host_open(h, SL_HOST_TCP, 1);
	SL_CHECK(first >= 0);
	sl_host_close(h, first, true);
	/* a whole revolution before the first handle comes back */
	for (n = 1; n < SL_MEM_MAX_HANDLES; n++) {
		hd = sl_host_open(h, SL_HOST_UDP, 2);
		SL_CHECK(hd >= 0 && hd != first);
		sl_host_close(h, hd, false);
	}
	SL_CHECK(sl_host_mem_aborted(h, first));
	hd = sl_host_open(h, SL_HOST_TCP, 3);
	SL_CHECK_EQ(hd, first);
	SL_CHECK(!sl_host_mem_aborted(h, hd));
	SL_CHECK_EQ(sl_host_mem_cookie(h, hd), 3);

	/* fill the table: the next open fails, open handles are skipped */
	keep = hd;
	for (n = 1; n < SL_MEM_MAX_HANDLES; n++)
		SL_CHECK(sl_host_open(h, SL_HOST_UDP, 4) >= 0);
	SL_CHECK_EQ(h->open_handles, SL_MEM_MAX_HANDLES);
	SL_CHECK_EQ(sl_host_open(h, SL_HOST_TCP, 5), -EMFILE);
	sl_host_close(h, keep, false);
	SL_CHECK_EQ(sl_host_open(h, SL_HOST_TCP, 6), keep);
	for (n = 0; n < SL_MEM_MAX_HANDLES; n++)
		sl_host_close(h, n, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_connect_now_find)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d1 = sin4(0x0a000001, 80), d2 = sin4(0x0a000001, 81);
	union sl_sockaddr got;
	int a, b, c;

	SL_CHECK(h != NULL);
	a = sl_host_open(h, SL_HOST_TCP, 1);
	b = sl_host_open(h, SL_HOST_TCP, 2);
	c = sl_host_open(h, SL_HOST_TCP, 3);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_TCP, &d1), -1);
	SL_CHECK_EQ(sl_host_connect(h, a, &d1), 0);
	SL_CHECK_EQ(sl_host_connect(h, b, &d1), 0);
	SL_CHECK_EQ(sl_host_connect(h, c, &d2), 0);
	SL_CHECK_EQ(sl_host_connect(h, c, &d2), -EISCONN);
	/* newest open match; port matters for TCP; kind matters */
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_TCP, &d1), b);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_TCP, &d2), c);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_UDP, &d1), -1);
	sl_host_close(h, b, false);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_TCP, &d1), a);
	got = sl_host_mem_sockaddr(h, c);
	SL_CHECK_EQ(got.in.sin_addr.s_addr, d2.in.sin_addr.s_addr);
	SL_CHECK_EQ(got.in.sin_port, d2.in.sin_port);
	got = sl_host_mem_sockaddr(h, 4000);
	SL_CHECK_EQ(got.in.sin_addr.s_addr, 0);
	/* connected, nothing queued: writable */
	SL_CHECK_EQ(sl_host_watch(h, a, SL_HOST_EV_OUT), 0);
	SL_CHECK_EQ(sl_host_mem_interest(h, a), SL_HOST_EV_OUT);
	SL_CHECK_EQ(events_of(h, 1, 0), SL_HOST_EV_OUT);
	/* interest keeps only IN/OUT/RDHUP */
	SL_CHECK_EQ(sl_host_watch(h, a, 0xffffffffu), 0);
	SL_CHECK_EQ(sl_host_mem_interest(h, a),
		SL_HOST_EV_IN | SL_HOST_EV_OUT | SL_HOST_EV_RDHUP);
	sl_host_close(h, a, false);
	sl_host_close(h, c, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_connect_pending)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d = sin4(0x0a000002, 443);
	struct iovec iov;
	char c = 'x';
	int hd;

	SL_CHECK(h != NULL);
	sl_host_mem_set_connect_mode(h, SL_MEM_CONNECT_PENDING);
	hd = sl_host_open(h, SL_HOST_TCP, 7);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), -EINPROGRESS);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), -EALREADY);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_TCP, &d), hd);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_OUT | SL_HOST_EV_IN), 0);
	SL_CHECK_EQ(events_of(h, 7, 0), 0);
	iov.iov_base = &c;
	iov.iov_len = 1;
	SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), -EAGAIN);
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), -EAGAIN);
	SL_CHECK_EQ(sl_host_mem_connect_done(h, hd, 0), 0);
	SL_CHECK_EQ(events_of(h, 7, 0), SL_HOST_EV_OUT);
	SL_CHECK_EQ(sl_host_error(h, hd), 0);
	SL_CHECK_EQ(sl_host_mem_connect_done(h, hd, 0), -EINVAL);
	SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), 1);
	SL_CHECK_EQ(sl_host_mem_connect_done(h, 999, 0), -EBADF);
	sl_host_close(h, hd, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_connect_pending_fail)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d = sin4(0x0a000002, 443);
	struct iovec iov;
	char c = 'x';
	int hd;

	SL_CHECK(h != NULL);
	sl_host_mem_set_connect_mode(h, SL_MEM_CONNECT_PENDING);
	hd = sl_host_open(h, SL_HOST_TCP, 8);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), -EINPROGRESS);
	/* interest 0: ERR and HUP are reported anyway, like epoll */
	SL_CHECK_EQ(sl_host_mem_connect_done(h, hd, ETIMEDOUT), 0);
	SL_CHECK_EQ(events_of(h, 8, 0), EV_ERRHUP);
	SL_CHECK_EQ(sl_host_error(h, hd), -ETIMEDOUT);
	SL_CHECK_EQ(sl_host_error(h, hd), 0);
	SL_CHECK_EQ(events_of(h, 8, 0), SL_HOST_EV_HUP);
	iov.iov_base = &c;
	iov.iov_len = 1;
	SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), -ETIMEDOUT);
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), -ETIMEDOUT);
	sl_host_close(h, hd, true);

	/* negative errno accepted too */
	hd = sl_host_open(h, SL_HOST_TCP, 9);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), -EINPROGRESS);
	SL_CHECK_EQ(sl_host_mem_connect_done(h, hd, -ECONNREFUSED), 0);
	SL_CHECK_EQ(sl_host_error(h, hd), -ECONNREFUSED);
	sl_host_close(h, hd, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_connect_refuse)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d = sin4(0x0a000003, 22);
	int hd, u;

	SL_CHECK(h != NULL);
	sl_host_mem_set_connect_mode(h, SL_MEM_CONNECT_REFUSE);
	hd = sl_host_open(h, SL_HOST_TCP, 10);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), -ECONNREFUSED);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_OUT), 0);
	/* unconnected, like the kernel's CLOSE state: HUP only */
	SL_CHECK_EQ(events_of(h, 10, 0), SL_HOST_EV_HUP);
	SL_CHECK_EQ(sl_host_error(h, hd), 0);
	/* UDP connect is never refused */
	u = sl_host_open(h, SL_HOST_UDP, 11);
	SL_CHECK_EQ(sl_host_connect(h, u, &d), 0);
	/* invalid modes are ignored */
	sl_host_mem_set_connect_mode(h, 77);
	sl_host_close(h, hd, false);
	hd = sl_host_open(h, SL_HOST_TCP, 12);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), -ECONNREFUSED);
	sl_host_mem_set_connect_mode(h, SL_MEM_CONNECT_NOW);
	sl_host_close(h, hd, false);
	hd = sl_host_open(h, SL_HOST_TCP, 13);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), 0);
	sl_host_close(h, hd, false);
	sl_host_close(h, u, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_stream_data)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d = sin4(0x0a000004, 8080), from;
	char a[4], b[8], out[32];
	struct iovec iov[2];
	int hd;

	SL_CHECK(h != NULL);
	hd = sl_host_open(h, SL_HOST_TCP, 20);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), 0);
	iov[0].iov_base = a;
	iov[0].iov_len = sizeof(a);
	iov[1].iov_base = b;
	iov[1].iov_len = sizeof(b);
	SL_CHECK_EQ(sl_host_readv(h, hd, iov, 2), -EAGAIN);

	/* host -> sluice: IN only when interested */
	SL_CHECK_EQ(sl_host_mem_push(h, hd, "hello, world", 12), 0);
	SL_CHECK_EQ(events_of(h, 20, 0), 0);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN), 0);
	SL_CHECK_EQ(events_of(h, 20, 0), SL_HOST_EV_IN);
	SL_CHECK_EQ(sl_host_readv(h, hd, iov, 2), 12);
	SL_CHECK(memcmp(a, "hell", 4) == 0);
	SL_CHECK(memcmp(b, "o, world", 8) == 0);
	SL_CHECK_EQ(events_of(h, 20, 0), 0);
	SL_CHECK_EQ(sl_host_readv(h, hd, iov, 2), -EAGAIN);
	/* partial reads; recvfrom on a stream reports the peer */
	SL_CHECK_EQ(sl_host_mem_push(h, hd, "abcdef", 6), 0);
	SL_CHECK_EQ(sl_host_recvfrom(h, hd, out, 4, &from), 4);
	SL_CHECK(memcmp(out, "abcd", 4) == 0);
	SL_CHECK_EQ(from.in.sin_port, d.in.sin_port);
	SL_CHECK_EQ(sl_host_readv(h, hd, iov, 1), 2);
	SL_CHECK(memcmp(a, "ef", 2) == 0);

	/* sluice -> host: writev gathers, take drains */
	iov[0].iov_base = (void *)"GET ";
	iov[0].iov_len = 4;
	iov[1].iov_base = (void *)"/ HTTP";
	iov[1].iov_len = 6;
	SL_CHECK_EQ(sl_host_writev(h, hd, iov, 2), 10);
	SL_CHECK_EQ(sl_host_sendto(h, hd, "/1.0", 4, NULL), 4);
	SL_CHECK_EQ(sl_host_mem_queued(h, hd), 14);
	SL_CHECK_EQ(sl_host_unsent(h, hd), 14);
	SL_CHECK_EQ(sl_host_wspace(h, hd), SL_MEM_DEFAULT_SNDBUF - 14);
	SL_CHECK_EQ(sl_host_mem_take(h, hd, out, 5), 5);
	SL_CHECK(memcmp(out, "GET /", 5) == 0);
	SL_CHECK_EQ(sl_host_mem_take(h, hd, out, sizeof(out)), 9);
	SL_CHECK(memcmp(out, " HTTP/1.0", 9) == 0);
	SL_CHECK_EQ(sl_host_mem_take(h, hd, out, sizeof(out)), 0);
	SL_CHECK_EQ(sl_host_unsent(h, hd), 0);
	/* zero-length writes and reads */
	SL_CHECK_EQ(sl_host_writev(h, hd, iov, 0), 0);
	SL_CHECK_EQ(sl_host_readv(h, hd, iov, 0), 0);
	/* push to a handle never allocated */
	SL_CHECK_EQ(sl_host_mem_push(h, 4095, "x", 1), -EBADF);
	sl_host_close(h, hd, false);
	SL_CHECK_EQ(sl_host_mem_push(h, hd, "x", 1), -EBADF);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_sndbuf)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d = sin4(0x0a000005, 9000);
	char data[25], out[32];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	int hd, hd2, i;

	SL_CHECK(h != NULL);
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (char)('a' + i);
	hd = sl_host_open(h, SL_HOST_TCP, 30);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), 0);
	SL_CHECK_EQ(sl_host_wspace(h, hd), SL_MEM_DEFAULT_SNDBUF);
	SL_CHECK_EQ(sl_host_mem_set_sndbuf(h, hd, 10), 0);
	SL_CHECK_EQ(sl_host_wspace(h, hd), 10);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_OUT), 0);
	SL_CHECK_EQ(events_of(h, 30, 0), SL_HOST_EV_OUT);
	/* short write, then full */
	SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), 10);
	SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), -EAGAIN);
	SL_CHECK_EQ(sl_host_wspace(h, hd), 0);
	SL_CHECK_EQ(sl_host_unsent(h, hd), 10);
	SL_CHECK_EQ(events_of(h, 30, 0), 0);
	/* the peer reads 4: room for 4 */
	SL_CHECK_EQ(sl_host_mem_take(h, hd, out, 4), 4);
	SL_CHECK(memcmp(out, "abcd", 4) == 0);
	SL_CHECK_EQ(events_of(h, 30, 0), SL_HOST_EV_OUT);
	SL_CHECK_EQ(sl_host_wspace(h, hd), 4);
	SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), 4);
	SL_CHECK_EQ(sl_host_mem_queued(h, hd), 10);
	SL_CHECK_EQ(sl_host_mem_take(h, hd, out, sizeof(out)), 10);
	SL_CHECK(memcmp(out, "efghijabcd", 10) == 0);
	/* shrinking below queued just makes it full */
	SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), 10);
	SL_CHECK_EQ(sl_host_mem_set_sndbuf(h, hd, 3), 0);
	SL_CHECK_EQ(sl_host_wspace(h, hd), 0);
	SL_CHECK_EQ(sl_host_mem_queued(h, hd), 10);
	SL_CHECK_EQ(sl_host_mem_take(h, hd, NULL, 8), 8);
	SL_CHECK_EQ(sl_host_wspace(h, hd), 1);

	/* the default applies to sockets opened later */
	sl_host_mem_set_default_sndbuf(h, 100);
	SL_CHECK_EQ(sl_host_wspace(h, hd), 1);
	hd2 = sl_host_open(h, SL_HOST_TCP, 31);
	SL_CHECK_EQ(sl_host_connect(h, hd2, &d), 0);
	SL_CHECK_EQ(sl_host_wspace(h, hd2), 100);
	SL_CHECK_EQ(sl_host_mem_set_sndbuf(h, 4000, 1), -EBADF);
	sl_host_close(h, hd, false);
	sl_host_close(h, hd2, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_fin_and_shutdown)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d = sin4(0x0a000006, 25);
	char buf[16];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	int hd;

	SL_CHECK(h != NULL);
	hd = sl_host_open(h, SL_HOST_TCP, 40);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), 0);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN | SL_HOST_EV_RDHUP), 0);
	SL_CHECK_EQ(sl_host_mem_push(h, hd, "bye", 3), 0);
	SL_CHECK_EQ(sl_host_mem_push_fin(h, hd), 0);
	SL_CHECK_EQ(sl_host_mem_push(h, hd, "more", 4), -EPIPE);
	SL_CHECK_EQ(events_of(h, 40, 0), SL_HOST_EV_IN | SL_HOST_EV_RDHUP);
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), 3);
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), 0);
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), 0);
	SL_CHECK_EQ(events_of(h, 40, 0), SL_HOST_EV_IN | SL_HOST_EV_RDHUP);
	/* RDHUP only when asked for */
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN), 0);
	SL_CHECK_EQ(events_of(h, 40, 0), SL_HOST_EV_IN);

	/* our side: write, then FIN */
	SL_CHECK(!sl_host_mem_shut_wr(h, hd));
	SL_CHECK_EQ(sl_host_sendto(h, hd, "ok", 2, NULL), 2);
	SL_CHECK_EQ(sl_host_shutdown_wr(h, hd), 0);
	SL_CHECK(sl_host_mem_shut_wr(h, hd));
	SL_CHECK_EQ(sl_host_sendto(h, hd, "no", 2, NULL), -EPIPE);
	SL_CHECK_EQ(sl_host_mem_queued(h, hd), 2);
	/* both directions closed: HUP, whatever the interest */
	SL_CHECK_EQ(sl_host_watch(h, hd, 0), 0);
	SL_CHECK_EQ(events_of(h, 40, 0), SL_HOST_EV_HUP);
	sl_host_close(h, hd, false);
	SL_CHECK(!sl_host_mem_aborted(h, hd));
	/* bytes written before a graceful close are still takeable */
	SL_CHECK_EQ(sl_host_mem_take(h, hd, buf, sizeof(buf)), 2);
	SL_CHECK(memcmp(buf, "ok", 2) == 0);
	SL_CHECK_EQ(events_of(h, 40, 0), 0);

	/* shutdown before connect */
	hd = sl_host_open(h, SL_HOST_TCP, 41);
	SL_CHECK_EQ(sl_host_shutdown_wr(h, hd), -ENOTCONN);
	SL_CHECK_EQ(sl_host_mem_push_fin(h, 4000), -EBADF);
	sl_host_close(h, hd, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_rst)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d = sin4(0x0a000007, 110);
	char buf[8];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	int hd, u;

	SL_CHECK(h != NULL);
	hd = sl_host_open(h, SL_HOST_TCP, 50);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), 0);
	SL_CHECK_EQ(sl_host_mem_push(h, hd, "kept", 4), 0);
	SL_CHECK_EQ(sl_host_mem_push_rst(h, hd), 0);
	/* as epoll: ERR and HUP whatever the interest, the rest by it */
	SL_CHECK_EQ(events_of(h, 50, 0), EV_ERRHUP);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN | SL_HOST_EV_OUT |
		SL_HOST_EV_RDHUP), 0);
	SL_CHECK_EQ(events_of(h, 50, 0), EV_ERRHUP | SL_HOST_EV_IN |
		SL_HOST_EV_OUT | SL_HOST_EV_RDHUP);
	/* as Linux (kern_tcp_peer_reset_keeps_data): the data first, then
	 * the error once, then end of stream; writes fail */
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), 4);
	SL_CHECK(memcmp(buf, "kept", 4) == 0);
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), -ECONNRESET);
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), 0);
	SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), -EPIPE);
	SL_CHECK_EQ(sl_host_mem_push(h, hd, "x", 1), -ECONNRESET);
	SL_CHECK_EQ(sl_host_error(h, hd), 0);
	SL_CHECK_EQ(sl_host_watch(h, hd, 0), 0);
	SL_CHECK_EQ(events_of(h, 50, 0), SL_HOST_EV_HUP);
	/* quiet: nothing at all, until another interest is set */
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_QUIET), 0);
	SL_CHECK_EQ(events_of(h, 50, 0), 0);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_OUT), 0);
	SL_CHECK_EQ(events_of(h, 50, 0), SL_HOST_EV_OUT | SL_HOST_EV_HUP);
	SL_CHECK_EQ(sl_host_shutdown_wr(h, hd), -ENOTCONN);
	sl_host_close(h, hd, true);
	/* the error may be read first: then the data, then end of stream */
	hd = sl_host_open(h, SL_HOST_TCP, 52);
	SL_CHECK_EQ(sl_host_connect(h, hd, &d), 0);
	SL_CHECK_EQ(sl_host_mem_push(h, hd, "kept", 4), 0);
	SL_CHECK_EQ(sl_host_mem_push_rst(h, hd), 0);
	SL_CHECK_EQ(sl_host_error(h, hd), -ECONNRESET);
	SL_CHECK_EQ(sl_host_error(h, hd), 0);
	SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), -EPIPE);
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), 4);
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), 0);
	u = sl_host_open(h, SL_HOST_UDP, 51);
	SL_CHECK_EQ(sl_host_mem_push_rst(h, u), -EPROTOTYPE);
	SL_CHECK_EQ(sl_host_mem_push_fin(h, u), -EPROTOTYPE);
	SL_CHECK_EQ(sl_host_mem_push(h, u, "x", 1), -EPROTOTYPE);
	sl_host_close(h, hd, true);
	SL_CHECK(sl_host_mem_aborted(h, hd));
	sl_host_close(h, u, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_udp_datagrams)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d1 = sin4(0x08080808, 53), d2 = sin4(0x01010101, 53);
	union sl_sockaddr from, to, other = sin4(0x09090909, 5353);
	char buf[64];
	struct iovec iov[2];
	int u, c;

	SL_CHECK(h != NULL);
	u = sl_host_open(h, SL_HOST_UDP, 60);
	/* unconnected: sendto records the destination, find follows it */
	SL_CHECK_EQ(sl_host_writev(h, u, iov, 0), -EDESTADDRREQ);
	SL_CHECK_EQ(sl_host_sendto(h, u, "q1", 2, NULL), -EDESTADDRREQ);
	SL_CHECK_EQ(sl_host_sendto(h, u, "query-1", 7, &d1), 7);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_UDP, &d1), u);
	SL_CHECK_EQ(sl_host_sendto(h, u, "query-22", 8, &d2), 8);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_UDP, &d2), u);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_UDP, &d1), -1);
	SL_CHECK_EQ(sl_host_mem_dgrams(h, u), 2);
	SL_CHECK_EQ(sl_host_mem_queued(h, u), 0);
	SL_CHECK_EQ(sl_host_unsent(h, u), 0);
	SL_CHECK(sl_host_wspace(h, u) > 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(h, u, buf, sizeof(buf), &to), 7);
	SL_CHECK(memcmp(buf, "query-1", 7) == 0);
	SL_CHECK_EQ(to.in.sin_addr.s_addr, d1.in.sin_addr.s_addr);
	/* truncation consumes the datagram */
	SL_CHECK_EQ(sl_host_mem_pop_dgram(h, u, buf, 5), 5);
	SL_CHECK(memcmp(buf, "query", 5) == 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(h, u, buf, sizeof(buf)), -EAGAIN);
	SL_CHECK_EQ(sl_host_mem_dgrams(h, u), 0);

	/* host -> sluice: IN while queued, from as given */
	SL_CHECK_EQ(sl_host_watch(h, u, SL_HOST_EV_IN), 0);
	SL_CHECK_EQ(events_of(h, 60, 0), 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, u, "answer", 6, &other), 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, u, "second", 6, NULL), 0);
	SL_CHECK_EQ(events_of(h, 60, 0), SL_HOST_EV_IN);
	SL_CHECK_EQ(sl_host_recvfrom(h, u, buf, sizeof(buf), &from), 6);
	SL_CHECK(memcmp(buf, "answer", 6) == 0);
	SL_CHECK_EQ(from.in.sin_addr.s_addr, other.in.sin_addr.s_addr);
	SL_CHECK_EQ(from.in.sin_port, other.in.sin_port);
	/* NULL from: the socket's destination (last sendto) */
	SL_CHECK_EQ(sl_host_recvfrom(h, u, buf, sizeof(buf), &from), 6);
	SL_CHECK_EQ(from.in.sin_addr.s_addr, d2.in.sin_addr.s_addr);
	SL_CHECK_EQ(sl_host_recvfrom(h, u, buf, sizeof(buf), &from), -EAGAIN);
	SL_CHECK_EQ(events_of(h, 60, 0), 0);
	/* OUT is always ready on a datagram socket */
	SL_CHECK_EQ(sl_host_watch(h, u, SL_HOST_EV_OUT), 0);
	SL_CHECK_EQ(events_of(h, 60, 0), SL_HOST_EV_OUT);

	/* connected: writev/readv carry one datagram each */
	c = sl_host_open(h, SL_HOST_UDP, 61);
	SL_CHECK_EQ(sl_host_connect(h, c, &d1), 0);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_UDP, &d1), c);
	iov[0].iov_base = (void *)"ab";
	iov[0].iov_len = 2;
	iov[1].iov_base = (void *)"cd";
	iov[1].iov_len = 2;
	SL_CHECK_EQ(sl_host_writev(h, c, iov, 2), 4);
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(h, c, buf, sizeof(buf), &to), 4);
	SL_CHECK(memcmp(buf, "abcd", 4) == 0);
	SL_CHECK_EQ(to.in.sin_port, d1.in.sin_port);
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, c, "xyz", 3, NULL), 0);
	iov[0].iov_base = buf;
	iov[0].iov_len = 1;
	iov[1].iov_base = buf + 1;
	iov[1].iov_len = 10;
	SL_CHECK_EQ(sl_host_readv(h, c, iov, 2), 3);
	SL_CHECK(memcmp(buf, "xyz", 3) == 0);
	/* pending error (ICMP unreachable): ERR, then one failed recv */
	SL_CHECK_EQ(sl_host_mem_set_error(h, c, ECONNREFUSED), 0);
	SL_CHECK_EQ(sl_host_watch(h, c, 0), 0);
	SL_CHECK_EQ(events_of(h, 61, 0), SL_HOST_EV_ERR);
	SL_CHECK_EQ(sl_host_readv(h, c, iov, 2), -ECONNREFUSED);
	SL_CHECK_EQ(sl_host_readv(h, c, iov, 2), -EAGAIN);
	SL_CHECK_EQ(events_of(h, 61, 0), 0);
	SL_CHECK_EQ(sl_host_mem_set_error(h, c, -EHOSTUNREACH), 0);
	SL_CHECK_EQ(sl_host_error(h, c), -EHOSTUNREACH);
	SL_CHECK_EQ(sl_host_error(h, c), 0);
	/* datagrams sent before close can still be popped */
	SL_CHECK_EQ(sl_host_sendto(h, c, "last", 4, NULL), 4);
	sl_host_close(h, c, false);
	SL_CHECK_EQ(sl_host_mem_dgrams(h, c), 1);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(h, c, buf, sizeof(buf)), 4);
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, c, "x", 1, NULL), -EBADF);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(h, 4000, buf, sizeof(buf)), -EBADF);
	sl_host_close(h, u, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

/* msg1 - a one-iovec batch entry over @buf/@len to/from @addr. */
static struct sl_host_msg
msg1(struct iovec *iov, void *buf, size_t len, union sl_sockaddr *addr)
{
	struct sl_host_msg m = { .iov = iov, .iovcnt = 1, .addr = addr };

	iov->iov_base = buf;
	iov->iov_len = len;
	return m;
}

SL_TEST(mem_dgram_batches)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d1 = sin4(0x08080808, 53), d2 = sin4(0x01010101, 53);
	union sl_sockaddr p1 = sin4(0x0a000001, 1001), p2 = sin4(0x0a000002,
		1002), from[4], to;
	struct sl_host_msg m[70];
	struct iovec iov[70][2];
	unsigned int sc, rc, i;
	char buf[4][8], big[16];
	int u;

	SL_CHECK(h != NULL);
	u = sl_host_open(h, SL_HOST_UDP, 70);
	SL_CHECK_EQ(sl_host_connect(h, u, &d1), 0);
	/* three datagrams, one call: gathered, each to its destination */
	m[0] = msg1(iov[0], (void *)"ab", 2, NULL);
	iov[0][1].iov_base = (void *)"c";
	iov[0][1].iov_len = 1;
	m[0].iovcnt = 2;
	m[1] = msg1(iov[1], (void *)"xyz", 3, &d2);
	m[2] = msg1(iov[2], (void *)"q", 1, NULL);
	SL_CHECK_EQ(sl_host_sendmmsg(h, u, m, 3), 3);
	SL_CHECK_EQ(m[0].len, 3);
	SL_CHECK_EQ(m[1].len, 3);
	SL_CHECK_EQ(m[2].len, 1);
	SL_CHECK_EQ(sl_host_mem_calls(h, u, &sc, &rc), 0);
	SL_CHECK_EQ(sc, 1);
	SL_CHECK_EQ(rc, 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(h, u, big, sizeof(big), &to), 3);
	SL_CHECK(memcmp(big, "abc", 3) == 0);
	SL_CHECK_EQ(to.in.sin_addr.s_addr, d1.in.sin_addr.s_addr);
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(h, u, big, sizeof(big), &to), 3);
	SL_CHECK(memcmp(big, "xyz", 3) == 0);
	SL_CHECK_EQ(to.in.sin_addr.s_addr, d2.in.sin_addr.s_addr);
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(h, u, big, sizeof(big), &to), 1);
	SL_CHECK_EQ(to.in.sin_addr.s_addr, d1.in.sin_addr.s_addr);

	/* injected failures: 1 accepted, then 2 sends fail with EAGAIN */
	SL_CHECK_EQ(sl_host_mem_fail_sends(h, u, 1, EAGAIN, 2), 0);
	SL_CHECK_EQ(sl_host_sendmmsg(h, u, m, 3), 1);
	SL_CHECK_EQ(sl_host_sendmmsg(h, u, m + 1, 2), -EAGAIN);
	SL_CHECK_EQ(sl_host_sendmmsg(h, u, m + 1, 2), 2);
	SL_CHECK_EQ(sl_host_sendto(h, u, "ok", 2, NULL), 2);
	SL_CHECK_EQ(sl_host_mem_dgrams(h, u), 4);
	SL_CHECK_EQ(sl_host_mem_calls(h, u, &sc, NULL), 0);
	SL_CHECK_EQ(sc, 5);
	while (sl_host_mem_pop_dgram(h, u, big, sizeof(big)) >= 0)
		;
	/* at most SL_HOST_MMSG_MAX per call */
	for (i = 0; i < 70; i++)
		m[i] = msg1(iov[i], (void *)"z", 1, NULL);
	SL_CHECK_EQ(sl_host_sendmmsg(h, u, m, 70), SL_HOST_MMSG_MAX);
	SL_CHECK_EQ(sl_host_sendmmsg(h, u, m, 0), 0);

	/* receive: sources, a long one cut (TRUNC), then EAGAIN */
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, u, "four", 4, &p1), 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, u, "0123456789", 10, &p2), 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, u, "hi", 2, NULL), 0);
	for (i = 0; i < 4; i++)
		m[i] = msg1(iov[i], buf[i], sizeof(buf[i]), &from[i]);
	SL_CHECK_EQ(sl_host_recvmmsg(h, u, m, 4), 3);
	SL_CHECK_EQ(m[0].len, 4);
	SL_CHECK_EQ(m[0].flags, 0);
	SL_CHECK(memcmp(buf[0], "four", 4) == 0);
	SL_CHECK_EQ(from[0].in.sin_port, p1.in.sin_port);
	SL_CHECK_EQ(m[1].len, 8);
	SL_CHECK_EQ(m[1].flags, SL_HOST_MSG_TRUNC);
	SL_CHECK(memcmp(buf[1], "01234567", 8) == 0);
	SL_CHECK_EQ(from[1].in.sin_addr.s_addr, p2.in.sin_addr.s_addr);
	SL_CHECK_EQ(m[2].len, 2);
	SL_CHECK_EQ(from[2].in.sin_addr.s_addr, d1.in.sin_addr.s_addr);
	SL_CHECK_EQ(sl_host_recvmmsg(h, u, m, 4), -EAGAIN);
	/* a pending error comes first, alone */
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, u, "x", 1, NULL), 0);
	SL_CHECK_EQ(sl_host_mem_set_error(h, u, ECONNREFUSED), 0);
	SL_CHECK_EQ(sl_host_recvmmsg(h, u, m, 4), -ECONNREFUSED);
	SL_CHECK_EQ(sl_host_recvmmsg(h, u, m, 4), 1);
	SL_CHECK_EQ(sl_host_mem_calls(h, u, NULL, &rc), 0);
	SL_CHECK_EQ(rc, 4);
	SL_CHECK_EQ(sl_host_mem_fail_sends(h, 4000, 0, EAGAIN, 1), -EBADF);
	sl_host_close(h, u, false);
	SL_CHECK_EQ(sl_host_mem_calls(h, u, NULL, &rc), 0);
	SL_CHECK_EQ(sl_host_sendmmsg(h, u, m, 1), -EBADF);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_icmp)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d = sin4(0x0a000008, 0), q = sin4(0x0a000008, 99);
	uint8_t echo[8] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1 }, buf[16];
	int hd, t;

	SL_CHECK(h != NULL);
	hd = sl_host_open(h, SL_HOST_ICMP, 70);
	SL_CHECK_EQ(sl_host_sendto(h, hd, echo, sizeof(echo), &d), 8);
	/* ICMP: address only */
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_ICMP, &q), hd);
	t = sl_host_open(h, SL_HOST_TCP, 71);
	SL_CHECK_EQ(sl_host_connect(h, t, &d), 0);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_ICMP, &d), hd);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_TCP, &q), -1);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(h, hd, buf, sizeof(buf)), 8);
	SL_CHECK(memcmp(buf, echo, 8) == 0);
	echo[0] = 0;
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, hd, echo, 8, NULL), 0);
	SL_CHECK_EQ(sl_host_recvfrom(h, hd, buf, sizeof(buf), NULL), 8);
	SL_CHECK_EQ(buf[0], 0);
	SL_CHECK_EQ(buf[5], 0x34);
	sl_host_close(h, hd, false);
	sl_host_close(h, t, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_listen_accept)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr any = sin4(INADDR_ANY, 8000), p1 = sin4(0xc0a80001,
		40001), p2 = sin4(0xc0a80002, 40002), peer, sa;
	char buf[8];
	int l, a, b, t, u;

	SL_CHECK(h != NULL);
	SL_CHECK(sl_host_listen(h, SL_HOST_ICMP, &any, 1) < 0);
	l = sl_host_listen(h, SL_HOST_TCP, &any, 80);
	SL_CHECK(l >= 0);
	SL_CHECK_EQ(h->open_handles, 1);
	SL_CHECK_EQ(sl_host_mem_interest(h, l), SL_HOST_EV_IN);
	sa = sl_host_mem_sockaddr(h, l);
	SL_CHECK_EQ(sa.in.sin_port, htons(8000));
	SL_CHECK_EQ(sl_host_listen(h, SL_HOST_TCP, &any, 81), -EADDRINUSE);
	SL_CHECK_EQ(h->open_handles, 1);
	SL_CHECK_EQ(sl_host_accept(h, l, &peer, 82), -EAGAIN);
	SL_CHECK_EQ(events_of(h, 80, 0), 0);

	SL_CHECK_EQ(sl_host_mem_incoming(h, l, &p1), 0);
	SL_CHECK_EQ(sl_host_mem_incoming(h, l, &p2), 0);
	SL_CHECK_EQ(events_of(h, 80, 0), SL_HOST_EV_IN);
	a = sl_host_accept(h, l, &peer, 83);
	SL_CHECK(a >= 0 && a != l);
	SL_CHECK_EQ(peer.in.sin_addr.s_addr, p1.in.sin_addr.s_addr);
	SL_CHECK_EQ(peer.in.sin_port, p1.in.sin_port);
	SL_CHECK_EQ(sl_host_mem_cookie(h, a), 83);
	SL_CHECK_EQ(sl_host_mem_interest(h, a), 0);
	SL_CHECK(sl_host_mem_is_open(h, a));
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_TCP, &p1), a);
	/* the accepted socket is connected both ways */
	SL_CHECK_EQ(sl_host_mem_push(h, a, "hi", 2), 0);
	SL_CHECK_EQ(sl_host_recvfrom(h, a, buf, sizeof(buf), NULL), 2);
	SL_CHECK_EQ(sl_host_sendto(h, a, "yo", 2, NULL), 2);
	SL_CHECK_EQ(sl_host_mem_take(h, a, buf, sizeof(buf)), 2);
	SL_CHECK_EQ(events_of(h, 80, 0), SL_HOST_EV_IN);
	b = sl_host_accept(h, l, NULL, 84);
	SL_CHECK(b >= 0);
	SL_CHECK_EQ(sl_host_mem_sockaddr(h, b).in.sin_port, p2.in.sin_port);
	SL_CHECK_EQ(events_of(h, 80, 0), 0);
	SL_CHECK_EQ(sl_host_accept(h, l, &peer, 85), -EAGAIN);
	SL_CHECK_EQ(h->open_handles, 3);

	/* misuse */
	t = sl_host_open(h, SL_HOST_TCP, 86);
	SL_CHECK_EQ(sl_host_accept(h, t, &peer, 87), -EINVAL);
	SL_CHECK_EQ(sl_host_mem_incoming(h, t, &p1), -EINVAL);
	SL_CHECK_EQ(sl_host_mem_incoming(h, 4000, &p1), -EBADF);
	SL_CHECK_EQ(sl_host_mem_push(h, l, "x", 1), -EINVAL);
	/* a UDP "listener" is a bound datagram socket */
	u = sl_host_listen(h, SL_HOST_UDP, &any, 88);
	SL_CHECK(u >= 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, u, "d", 1, &p1), 0);
	SL_CHECK_EQ(events_of(h, 88, 0), SL_HOST_EV_IN);
	SL_CHECK_EQ(sl_host_recvfrom(h, u, buf, sizeof(buf), &peer), 1);
	SL_CHECK_EQ(peer.in.sin_port, p1.in.sin_port);
	SL_CHECK_EQ(sl_host_listen(h, SL_HOST_UDP, &any, 89), -EADDRINUSE);

	/* closing the listener drops unaccepted connections */
	SL_CHECK_EQ(sl_host_mem_incoming(h, l, &p1), 0);
	sl_host_close(h, l, false);
	SL_CHECK_EQ(sl_host_accept(h, l, &peer, 90), -EBADF);
	/* the address is free again */
	l = sl_host_listen(h, SL_HOST_TCP, &any, 91);
	SL_CHECK(l >= 0);
	SL_CHECK_EQ(sl_host_accept(h, l, &peer, 92), -EAGAIN);
	sl_host_close(h, l, false);
	sl_host_close(h, a, false);
	sl_host_close(h, b, true);
	sl_host_close(h, t, false);
	sl_host_close(h, u, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_poll_rotates)
{
	struct sl_host *h = sl_host_mem_create();
	struct sl_host_ev ev[3];
	union sl_sockaddr d = sin4(0x0a000009, 1);
	bool seen[10];
	int hd[10], i, j, n, rounds;

	SL_CHECK(h != NULL);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 10; i++) {
		hd[i] = sl_host_open(h, SL_HOST_TCP, 100 + i);
		SL_CHECK_EQ(sl_host_connect(h, hd[i], &d), 0);
		SL_CHECK_EQ(sl_host_watch(h, hd[i], SL_HOST_EV_OUT), 0);
	}
	/* every ready handle shows up with a small event array */
	for (rounds = 0; rounds < 4; rounds++) {
		n = sl_host_poll(h, ev, 3, 0);
		SL_CHECK_EQ(n, 3);
		for (j = 0; j < n; j++) {
			SL_CHECK(ev[j].cookie >= 100 && ev[j].cookie < 110);
			SL_CHECK_EQ(ev[j].events, SL_HOST_EV_OUT);
			seen[ev[j].cookie - 100] = true;
		}
	}
	for (i = 0; i < 10; i++)
		SL_CHECK(seen[i]);
	/* level-triggered: still reported on the next poll */
	SL_CHECK_EQ(sl_host_poll(h, ev, 3, 0), 3);
	for (i = 0; i < 10; i++)
		sl_host_close(h, hd[i], false);
	SL_CHECK_EQ(sl_host_poll(h, ev, 3, 0), 0);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(mem_control_on_other_host)
{
	struct sl_host *k = sl_host_kernel_create();
	union sl_sockaddr d = loopback(1);
	char buf[4];

	SL_CHECK(k != NULL);
	SL_CHECK(!sl_host_mem_is_open(k, 0));
	SL_CHECK_EQ(sl_host_mem_last(k), -1);
	SL_CHECK_EQ(sl_host_mem_find(k, SL_HOST_TCP, &d), -1);
	SL_CHECK_EQ(sl_host_mem_push(k, 0, "x", 1), -EBADF);
	SL_CHECK_EQ(sl_host_mem_take(k, 0, buf, sizeof(buf)), 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(k, 0, buf, sizeof(buf)), -EBADF);
	sl_host_mem_set_connect_mode(k, SL_MEM_CONNECT_REFUSE);
	sl_host_mem_set_default_sndbuf(k, 1);
	SL_CHECK_EQ(k->open_handles, 0);
	sl_host_destroy(k);
}

/* ====================================================================== */
/* kernel backend                                                         */
/* ====================================================================== */

SL_TEST(kern_tcp_roundtrip)
{
	struct sl_host *h = sl_host_kernel_create();
	union sl_sockaddr dst;
	struct iovec iov[2];
	uint16_t port;
	char buf[64], a[3], b[16];
	uint32_t ev;
	int lfd, pfd, hd, rc;
	ssize_t n;

	SL_CHECK(h != NULL);
	SL_CHECK(strcmp(h->name, "kernel") == 0);
	lfd = tcp_listener(&port);
	SL_CHECK(lfd >= 0);
	hd = sl_host_open(h, SL_HOST_TCP, 0xabc);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(h->open_handles, 1);
	/* interest 0; an unconnected TCP socket is in state CLOSE, which
	 * epoll reports as HUP whatever the interest */
	SL_CHECK_EQ(events_of(h, 0xabc, 0), SL_HOST_EV_HUP);
	dst = loopback(port);
	rc = sl_host_connect(h, hd, &dst);
	SL_CHECK(rc == 0 || rc == -EINPROGRESS);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_OUT), 0);
	ev = wait_for(h, 0xabc, SL_HOST_EV_OUT, 2000);
	SL_CHECK(ev & SL_HOST_EV_OUT);
	SL_CHECK(!(ev & (SL_HOST_EV_ERR | SL_HOST_EV_HUP)));
	SL_CHECK_EQ(sl_host_error(h, hd), 0);
	SL_CHECK(sl_host_wspace(h, hd) > 0);
	SL_CHECK(sl_host_unsent(h, hd) >= 0);
	pfd = accept_within(lfd, 2000);
	SL_CHECK(pfd >= 0);

	/* sluice -> peer */
	iov[0].iov_base = (void *)"hello ";
	iov[0].iov_len = 6;
	iov[1].iov_base = (void *)"kernel";
	iov[1].iov_len = 6;
	SL_CHECK_EQ(sl_host_writev(h, hd, iov, 2), 12);
	SL_CHECK(fd_readable(pfd, 2000));
	n = recv(pfd, buf, sizeof(buf), 0);
	SL_CHECK_EQ(n, 12);
	SL_CHECK(memcmp(buf, "hello kernel", 12) == 0);

	/* peer -> sluice */
	iov[0].iov_base = a;
	iov[0].iov_len = sizeof(a);
	iov[1].iov_base = b;
	iov[1].iov_len = sizeof(b);
	SL_CHECK_EQ(sl_host_readv(h, hd, iov, 2), -EAGAIN);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN | SL_HOST_EV_RDHUP), 0);
	SL_CHECK_EQ(send(pfd, "reply-bytes", 11, 0), 11);
	ev = wait_for(h, 0xabc, SL_HOST_EV_IN, 2000);
	SL_CHECK(ev & SL_HOST_EV_IN);
	SL_CHECK(!(ev & SL_HOST_EV_OUT));
	SL_CHECK_EQ(sl_host_readv(h, hd, iov, 2), 11);
	SL_CHECK(memcmp(a, "rep", 3) == 0);
	SL_CHECK(memcmp(b, "ly-bytes", 8) == 0);
	SL_CHECK_EQ(sl_host_sendto(h, hd, "x", 1, NULL), 1);
	SL_CHECK(fd_readable(pfd, 2000));
	SL_CHECK_EQ(recv(pfd, buf, sizeof(buf), 0), 1);

	/* our FIN: the peer reads EOF */
	SL_CHECK_EQ(sl_host_shutdown_wr(h, hd), 0);
	SL_CHECK(fd_readable(pfd, 2000));
	SL_CHECK_EQ(recv(pfd, buf, sizeof(buf), 0), 0);
	/* the peer's FIN: RDHUP and EOF; both closed: HUP */
	close(pfd);
	ev = wait_for(h, 0xabc, SL_HOST_EV_RDHUP, 2000);
	SL_CHECK(ev & SL_HOST_EV_RDHUP);
	SL_CHECK(ev & SL_HOST_EV_IN);
	SL_CHECK(ev & SL_HOST_EV_HUP);
	SL_CHECK_EQ(sl_host_readv(h, hd, iov, 2), 0);
	SL_CHECK_EQ(sl_host_unsent(h, hd), 0);

	sl_host_close(h, hd, false);
	SL_CHECK_EQ(h->open_handles, 0);
	/* a closed handle is no longer ours */
	SL_CHECK_EQ(sl_host_readv(h, hd, iov, 2), -EBADF);
	close(lfd);
	sl_host_destroy(h);
}

SL_TEST(kern_tcp_abort_resets_peer)
{
	struct sl_host *h = sl_host_kernel_create();
	uint16_t port;
	char buf[16];
	int lfd, pfd, hd;
	ssize_t n;

	SL_CHECK(h != NULL);
	lfd = tcp_listener(&port);
	SL_CHECK(lfd >= 0);
	hd = sl_host_open(h, SL_HOST_TCP, 1);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(kern_connect_wait(h, hd, 1, port), 0);
	pfd = accept_within(lfd, 2000);
	SL_CHECK(pfd >= 0);
	SL_CHECK_EQ(sl_host_sendto(h, hd, "data", 4, NULL), 4);
	sl_host_close(h, hd, true);
	SL_CHECK_EQ(h->open_handles, 0);
	SL_CHECK(fd_readable(pfd, 2000));
	/* the data may or may not arrive before the reset */
	n = recv(pfd, buf, sizeof(buf), 0);
	if (n == 4) {
		SL_CHECK(fd_readable(pfd, 2000));
		n = recv(pfd, buf, sizeof(buf), 0);
	}
	SL_CHECK_EQ(n, -1);
	SL_CHECK_EQ(errno, ECONNRESET);
	close(pfd);
	close(lfd);
	sl_host_destroy(h);
}

SL_TEST(kern_tcp_peer_reset)
{
	struct sl_host *h = sl_host_kernel_create();
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char buf[16];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	uint16_t port;
	uint32_t ev;
	int lfd, pfd, hd;

	SL_CHECK(h != NULL);
	lfd = tcp_listener(&port);
	SL_CHECK(lfd >= 0);
	hd = sl_host_open(h, SL_HOST_TCP, 2);
	SL_CHECK_EQ(kern_connect_wait(h, hd, 2, port), 0);
	pfd = accept_within(lfd, 2000);
	SL_CHECK(pfd >= 0);
	SL_CHECK_EQ(setsockopt(pfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	close(pfd);
	/* ERR/HUP come even with interest 0 */
	ev = wait_for(h, 2, SL_HOST_EV_ERR, 2000);
	SL_CHECK(ev & SL_HOST_EV_ERR);
	SL_CHECK(ev & SL_HOST_EV_HUP);
	SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), -ECONNRESET);
	sl_host_close(h, hd, false);
	SL_CHECK_EQ(h->open_handles, 0);
	close(lfd);
	sl_host_destroy(h);
}

/*
 * What the in-memory host models (mem_rst): a socket reset by its peer
 * still yields the data it received, then ECONNRESET once, then 0; with
 * the error read first (SO_ERROR), the data and then 0.
 */
SL_TEST(kern_tcp_peer_reset_keeps_data)
{
	struct sl_host *h = sl_host_kernel_create();
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char buf[16];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	uint16_t port;
	int lfd, pfd, hd, round;
	uint32_t ev;

	SL_CHECK(h != NULL);
	lfd = tcp_listener(&port);
	SL_CHECK(lfd >= 0);
	for (round = 0; round < 2; round++) {
		hd = sl_host_open(h, SL_HOST_TCP, 20);
		SL_CHECK_EQ(kern_connect_wait(h, hd, 20, port), 0);
		SL_CHECK_EQ(sl_host_watch(h, hd, 0), 0);
		pfd = accept_within(lfd, 2000);
		SL_CHECK(pfd >= 0);
		SL_CHECK_EQ(send(pfd, "kept", 4, 0), 4);
		SL_CHECK_EQ(setsockopt(pfd, SOL_SOCKET, SO_LINGER, &lg,
			sizeof(lg)), 0);
		close(pfd);
		ev = wait_for(h, 20, SL_HOST_EV_ERR, 2000);
		SL_CHECK(ev & SL_HOST_EV_HUP);
		if (round == 1)
			SL_CHECK_EQ(sl_host_error(h, hd), -ECONNRESET);
		SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), 4);
		SL_CHECK(memcmp(buf, "kept", 4) == 0);
		if (round == 0)
			SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), -ECONNRESET);
		SL_CHECK_EQ(sl_host_readv(h, hd, &iov, 1), 0);
		SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), -EPIPE);
		/* HUP stays, whatever the interest, unless made quiet */
		SL_CHECK_EQ(events_of(h, 20, 0), SL_HOST_EV_HUP);
		SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_QUIET), 0);
		SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_QUIET), 0);
		SL_CHECK_EQ(events_of(h, 20, 0), 0);
		SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN), 0);
		SL_CHECK_EQ(events_of(h, 20, 0), SL_HOST_EV_IN |
			SL_HOST_EV_HUP);
		SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_QUIET), 0);
		sl_host_close(h, hd, false);
	}
	SL_CHECK_EQ(h->open_handles, 0);
	close(lfd);
	sl_host_destroy(h);
}

SL_TEST(kern_tcp_refused)
{
	struct sl_host *h = sl_host_kernel_create();
	union sl_sockaddr dst;
	uint16_t port;
	uint32_t ev;
	int lfd, hd, rc;

	SL_CHECK(h != NULL);
	/* a port that was just free: nobody listens there now */
	lfd = tcp_listener(&port);
	SL_CHECK(lfd >= 0);
	close(lfd);
	hd = sl_host_open(h, SL_HOST_TCP, 3);
	dst = loopback(port);
	rc = sl_host_connect(h, hd, &dst);
	if (rc == -EINPROGRESS) {
		SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_OUT), 0);
		ev = wait_for(h, 3, SL_HOST_EV_ERR, 2000);
		SL_CHECK(ev & SL_HOST_EV_ERR);
		SL_CHECK(ev & SL_HOST_EV_HUP);
		SL_CHECK_EQ(sl_host_error(h, hd), -ECONNREFUSED);
		SL_CHECK_EQ(sl_host_error(h, hd), 0);
	} else {
		SL_CHECK_EQ(rc, -ECONNREFUSED);
	}
	sl_host_close(h, hd, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(kern_tcp_fill_sndbuf)
{
	struct sl_host *h = sl_host_kernel_create();
	static char big[65536];
	struct iovec iov = { .iov_base = big, .iov_len = sizeof(big) };
	uint16_t port;
	long total = 0, before;
	ssize_t n;
	int lfd, pfd, hd, i;

	SL_CHECK(h != NULL);
	lfd = tcp_listener(&port);
	SL_CHECK(lfd >= 0);
	hd = sl_host_open(h, SL_HOST_TCP, 4);
	SL_CHECK_EQ(kern_connect_wait(h, hd, 4, port), 0);
	pfd = accept_within(lfd, 2000);
	SL_CHECK(pfd >= 0);
	before = sl_host_wspace(h, hd);
	SL_CHECK(before > 0);
	/* the peer never reads: writes end in -EAGAIN */
	for (i = 0; i < 10000; i++) {
		n = sl_host_writev(h, hd, &iov, 1);
		if (n < 0)
			break;
		total += n;
	}
	SL_CHECK_EQ(n, -EAGAIN);
	SL_CHECK(total > 0);
	SL_CHECK(sl_host_unsent(h, hd) > 0);
	SL_CHECK(sl_host_wspace(h, hd) >= 0);
	SL_CHECK(sl_host_wspace(h, hd) < before);
	/* OUT is not reported while full */
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_OUT), 0);
	SL_CHECK(!(events_of(h, 4, 0) & SL_HOST_EV_OUT));
	sl_host_close(h, hd, true);
	SL_CHECK_EQ(h->open_handles, 0);
	close(pfd);
	close(lfd);
	sl_host_destroy(h);
}

SL_TEST(kern_tcp_listen_accept)
{
	struct sl_host *h = sl_host_kernel_create();
	union sl_sockaddr any = loopback(0), sa, peer;
	socklen_t len = sizeof(sa);
	char buf[8];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	int l, cfd, a;

	SL_CHECK(h != NULL);
	SL_CHECK(sl_host_listen(h, SL_HOST_ICMP, &any, 1) < 0);
	l = sl_host_listen(h, SL_HOST_TCP, &any, 0x100);
	SL_CHECK(l >= 0);
	SL_CHECK_EQ(h->open_handles, 1);
	/* kernel handles are descriptors */
	SL_CHECK_EQ(getsockname(l, (struct sockaddr *)&sa, &len), 0);
	SL_CHECK(sa.in.sin_port != 0);
	SL_CHECK_EQ(sl_host_accept(h, l, &peer, 0x101), -EAGAIN);
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	SL_CHECK(cfd >= 0);
	SL_CHECK_EQ(connect(cfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	SL_CHECK(wait_for(h, 0x100, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	a = sl_host_accept(h, l, &peer, 0x102);
	SL_CHECK(a >= 0);
	SL_CHECK_EQ(h->open_handles, 2);
	len = sizeof(sa);
	SL_CHECK_EQ(getsockname(cfd, (struct sockaddr *)&sa, &len), 0);
	SL_CHECK_EQ(peer.in.sin_port, sa.in.sin_port);
	SL_CHECK_EQ(peer.in.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	SL_CHECK_EQ(sl_host_accept(h, l, &peer, 0x103), -EAGAIN);
	/* the accepted handle carries its own cookie */
	SL_CHECK_EQ(send(cfd, "in", 2, 0), 2);
	SL_CHECK_EQ(sl_host_watch(h, a, SL_HOST_EV_IN), 0);
	SL_CHECK(wait_for(h, 0x102, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	SL_CHECK_EQ(sl_host_readv(h, a, &iov, 1), 2);
	sl_host_close(h, a, false);
	sl_host_close(h, l, false);
	SL_CHECK_EQ(h->open_handles, 0);
	close(cfd);
	sl_host_destroy(h);
}

SL_TEST(kern_udp_echo)
{
	struct sl_host *h = sl_host_kernel_create();
	union sl_sockaddr dst, from, src;
	socklen_t len;
	char buf[64];
	struct iovec iov[2];
	uint16_t port;
	ssize_t n;
	int efd, u;

	SL_CHECK(h != NULL);
	efd = udp_socket(&port);
	SL_CHECK(efd >= 0);
	dst = loopback(port);
	u = sl_host_open(h, SL_HOST_UDP, 0x55);
	SL_CHECK(u >= 0);
	SL_CHECK(sl_host_wspace(h, u) > 0);
	SL_CHECK_EQ(sl_host_sendto(h, u, "ping", 4, &dst), 4);
	SL_CHECK(fd_readable(efd, 2000));
	len = sizeof(src);
	n = recvfrom(efd, buf, sizeof(buf), 0, (struct sockaddr *)&src, &len);
	SL_CHECK_EQ(n, 4);
	SL_CHECK(memcmp(buf, "ping", 4) == 0);
	/* echo it back */
	SL_CHECK_EQ(sendto(efd, "pong!", 5, 0, (struct sockaddr *)&src, len),
		5);
	SL_CHECK_EQ(sl_host_watch(h, u, SL_HOST_EV_IN), 0);
	SL_CHECK(wait_for(h, 0x55, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	SL_CHECK_EQ(sl_host_recvfrom(h, u, buf, sizeof(buf), &from), 5);
	SL_CHECK(memcmp(buf, "pong!", 5) == 0);
	SL_CHECK_EQ(from.in.sin_port, htons(port));
	SL_CHECK_EQ(from.in.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	SL_CHECK_EQ(sl_host_recvfrom(h, u, buf, sizeof(buf), &from), -EAGAIN);

	/* connected: writev/readv */
	SL_CHECK_EQ(sl_host_connect(h, u, &dst), 0);
	iov[0].iov_base = (void *)"ab";
	iov[0].iov_len = 2;
	iov[1].iov_base = (void *)"cde";
	iov[1].iov_len = 3;
	SL_CHECK_EQ(sl_host_writev(h, u, iov, 2), 5);
	SL_CHECK(fd_readable(efd, 2000));
	len = sizeof(src);
	SL_CHECK_EQ(recvfrom(efd, buf, sizeof(buf), 0, (struct sockaddr *)&src,
		&len), 5);
	SL_CHECK(memcmp(buf, "abcde", 5) == 0);
	SL_CHECK_EQ(sendto(efd, "back", 4, 0, (struct sockaddr *)&src, len), 4);
	SL_CHECK(wait_for(h, 0x55, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	iov[0].iov_base = buf;
	iov[0].iov_len = sizeof(buf);
	SL_CHECK_EQ(sl_host_readv(h, u, iov, 1), 4);
	SL_CHECK(memcmp(buf, "back", 4) == 0);
	SL_CHECK(sl_host_unsent(h, u) >= 0);
	sl_host_close(h, u, false);
	SL_CHECK_EQ(h->open_handles, 0);
	close(efd);
	sl_host_destroy(h);
}

SL_TEST(kern_udp_mmsg)
{
	struct sl_host *h = sl_host_kernel_create();
	static const char *const out[3] = { "one", "two!", "three" };
	union sl_sockaddr dst, from[4], src;
	struct sl_host_msg m[4];
	struct iovec iov[4][2];
	char buf[4][8], rx[32];
	socklen_t len;
	uint16_t port;
	int efd, u, i;

	SL_CHECK(h != NULL);
	efd = udp_socket(&port);
	SL_CHECK(efd >= 0);
	dst = loopback(port);
	u = sl_host_open(h, SL_HOST_UDP, 0x66);
	SL_CHECK(u >= 0);
	/* three datagrams, one sendmmsg, in order */
	for (i = 0; i < 3; i++)
		m[i] = msg1(iov[i], (void *)(uintptr_t)out[i], strlen(out[i]),
			&dst);
	SL_CHECK_EQ(sl_host_sendmmsg(h, u, m, 3), 3);
	SL_CHECK_EQ(m[2].len, 5);
	for (i = 0; i < 3; i++) {
		SL_CHECK(fd_readable(efd, 2000));
		len = sizeof(src);
		SL_CHECK_EQ(recvfrom(efd, rx, sizeof(rx), 0,
			(struct sockaddr *)&src, &len), (ssize_t)strlen(out[i]));
		SL_CHECK(memcmp(rx, out[i], strlen(out[i])) == 0);
	}
	/* three answers, one recvmmsg: sources, the long one cut */
	SL_CHECK_EQ(sendto(efd, "abcde", 5, 0, (struct sockaddr *)&src, len),
		5);
	SL_CHECK_EQ(sendto(efd, "0123456789abcdef", 16, 0,
		(struct sockaddr *)&src, len), 16);
	SL_CHECK_EQ(sendto(efd, "xyz", 3, 0, (struct sockaddr *)&src, len), 3);
	SL_CHECK_EQ(sl_host_watch(h, u, SL_HOST_EV_IN), 0);
	SL_CHECK(wait_for(h, 0x66, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	for (i = 0; i < 4; i++)
		m[i] = msg1(iov[i], buf[i], sizeof(buf[i]), &from[i]);
	SL_CHECK_EQ(sl_host_recvmmsg(h, u, m, 4), 3);
	SL_CHECK_EQ(m[0].len, 5);
	SL_CHECK_EQ(m[0].flags, 0);
	SL_CHECK(memcmp(buf[0], "abcde", 5) == 0);
	SL_CHECK_EQ(from[0].in.sin_port, htons(port));
	SL_CHECK_EQ(m[1].len, 8);
	SL_CHECK_EQ(m[1].flags, SL_HOST_MSG_TRUNC);
	SL_CHECK(memcmp(buf[1], "01234567", 8) == 0);
	SL_CHECK_EQ(m[2].len, 3);
	SL_CHECK_EQ(from[2].in.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	SL_CHECK_EQ(sl_host_recvmmsg(h, u, m, 4), -EAGAIN);
	SL_CHECK_EQ(sl_host_sendmmsg(h, -1, m, 1), -EBADF);
	SL_CHECK_EQ(sl_host_recvmmsg(h, efd, m, 1), -EBADF);
	sl_host_close(h, u, false);
	SL_CHECK_EQ(h->open_handles, 0);
	close(efd);
	sl_host_destroy(h);
}

SL_TEST(kern_udp_listen)
{
	struct sl_host *h = sl_host_kernel_create();
	union sl_sockaddr any = loopback(0), sa, from;
	socklen_t len = sizeof(sa);
	char buf[8];
	int u, cfd;

	SL_CHECK(h != NULL);
	u = sl_host_listen(h, SL_HOST_UDP, &any, 0x77);
	SL_CHECK(u >= 0);
	SL_CHECK_EQ(getsockname(u, (struct sockaddr *)&sa, &len), 0);
	cfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	SL_CHECK(cfd >= 0);
	SL_CHECK_EQ(sendto(cfd, "dg", 2, 0, (struct sockaddr *)&sa, sizeof(sa)),
		2);
	/* listen() watches IN by itself */
	SL_CHECK(wait_for(h, 0x77, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	SL_CHECK_EQ(sl_host_recvfrom(h, u, buf, sizeof(buf), &from), 2);
	SL_CHECK_EQ(from.in.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	sl_host_close(h, u, false);
	SL_CHECK_EQ(h->open_handles, 0);
	close(cfd);
	sl_host_destroy(h);
}

SL_TEST(kern_icmp_echo)
{
	struct sl_host *h = sl_host_kernel_create();
	union sl_sockaddr dst = loopback(0), from;
	uint8_t req[16] = { 8, 0, 0, 0, 0x12, 0x34, 0x00, 0x07,
		'p', 'i', 'n', 'g', 'd', 'a', 't', 'a' };
	uint8_t buf[128];
	ssize_t n = -1;
	int hd, tries;

	SL_CHECK(h != NULL);
	hd = sl_host_open(h, SL_HOST_ICMP, 0x1c);
	if (hd < 0) {
		/* neither ping sockets nor CAP_NET_RAW here */
		fprintf(stderr, "  (no ICMP socket: %s; skipped)\n",
			strerror(-hd));
		sl_host_destroy(h);
		return;
	}
	SL_CHECK_EQ(h->open_handles, 1);
	SL_CHECK_EQ(sl_host_sendto(h, hd, req, sizeof(req), &dst), 16);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN), 0);
	/* a raw socket may see others' replies: look for our sequence */
	for (tries = 0; tries < 20; tries++) {
		if (!(wait_for(h, 0x1c, SL_HOST_EV_IN, 1000) & SL_HOST_EV_IN))
			break;
		n = sl_host_recvfrom(h, hd, buf, sizeof(buf), &from);
		if (n == 16 && buf[0] == 0 && buf[7] == 0x07)
			break;
	}
	/* an echo reply, IP header stripped, same payload */
	SL_CHECK_EQ(n, 16);
	SL_CHECK_EQ(buf[0], 0);
	SL_CHECK_EQ(buf[6], 0x00);
	SL_CHECK_EQ(buf[7], 0x07);
	SL_CHECK(memcmp(buf + 8, "pingdata", 8) == 0);
	SL_CHECK_EQ(from.in.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	sl_host_close(h, hd, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(kern_foreign_handles)
{
	struct sl_host *h = sl_host_kernel_create();
	struct iovec iov = { .iov_base = (void *)"x", .iov_len = 1 };
	struct sl_host_ev ev[4];
	int p[2];

	SL_CHECK(h != NULL);
	SL_CHECK_EQ(pipe2(p, O_CLOEXEC), 0);
	/* descriptors the backend did not create are not handles */
	SL_CHECK_EQ(sl_host_writev(h, p[1], &iov, 1), -EBADF);
	SL_CHECK_EQ(sl_host_watch(h, p[0], SL_HOST_EV_IN), -EBADF);
	SL_CHECK_EQ(sl_host_error(h, -1), -EBADF);
	SL_CHECK_EQ(sl_host_wspace(h, 100000), 0);
	SL_CHECK_EQ(sl_host_unsent(h, p[0]), 0);
	sl_host_close(h, p[1], true);
	SL_CHECK_EQ(write(p[1], "y", 1), 1);
	SL_CHECK_EQ(sl_host_open(h, (enum sl_host_kind)9, 0), -EPROTONOSUPPORT);
	SL_CHECK_EQ(sl_host_poll(h, ev, 4, 0), 0);
	SL_CHECK_EQ(h->open_handles, 0);
	close(p[0]);
	close(p[1]);
	sl_host_destroy(h);
}

SL_TEST(kern_destroy_closes_leftovers)
{
	struct sl_host *h = sl_host_kernel_create();
	int hd;

	SL_CHECK(h != NULL);
	hd = sl_host_open(h, SL_HOST_UDP, 1);
	SL_CHECK(hd >= 0);
	sl_host_destroy(h);
	/* the descriptor was closed, not leaked */
	SL_CHECK_EQ(fcntl(hd, F_GETFD), -1);
	SL_CHECK_EQ(errno, EBADF);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}

/* --- IPv6 and dual-stack (issue 15) ------------------------------------- */

/** sin6 - the sockaddr_in6 of IPv6 text @a and @port (host order). */
static union sl_sockaddr
sin6(const char *a, uint16_t port)
{
	union sl_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.in6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, a, &sa.in6.sin6_addr);
	sa.in6.sin6_port = htons(port);
	return sa;
}

/** is_mapped - @sa is the sockaddr_in6 of ::ffff:@v4 (host order), @port. */
static bool
is_mapped(const union sl_sockaddr *sa, uint32_t v4, uint16_t port)
{
	struct sl_addr a = sl_sockaddr_addr(sa);

	return sa->sa.sa_family == AF_INET6 && sl_addr_is_v4(&a) &&
		sl_addr_get_v4(&a) == htonl(v4) &&
		sa->in6.sin6_port == htons(port);
}

SL_TEST(mem_dual_stack_listen)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr any6 = sin6("::", 8080), lo6 = sin6("::1", 8080);
	union sl_sockaddr c6 = sin6("::1", 40000), c4 = loopback(40001);
	union sl_sockaddr any4 = sin4(INADDR_ANY, 8080), peer;
	int l, l6, l4, a;

	SL_CHECK(h != NULL);
	/* :: without V6ONLY hears both families, IPv4 v4-mapped */
	l = sl_host_listen(h, SL_HOST_TCP, &any6, 1);
	SL_CHECK(l >= 0);
	SL_CHECK_EQ(sl_host_mem_sockaddr(h, l).sa.sa_family, AF_INET6);
	SL_CHECK_EQ(sl_host_mem_incoming(h, l, &c6), 0);
	SL_CHECK_EQ(sl_host_mem_incoming(h, l, &c4), 0);
	a = sl_host_accept(h, l, &peer, 2);
	SL_CHECK(a >= 0);
	SL_CHECK(sl_sockaddr_same(&peer, &c6, true));
	SL_CHECK_EQ(peer.sa.sa_family, AF_INET6);
	a = sl_host_accept(h, l, &peer, 3);
	SL_CHECK(a >= 0);
	SL_CHECK(is_mapped(&peer, INADDR_LOOPBACK, 40001));
	/* it holds the port for IPv4 too; a V6ONLY ::1 clashes with :: */
	SL_CHECK_EQ(sl_host_listen(h, SL_HOST_TCP, &any4, 4), -EADDRINUSE);
	SL_CHECK_EQ(sl_host_listen(h, (enum sl_host_kind)(SL_HOST_TCP |
		SL_HOST_V6ONLY), &lo6, 4), -EADDRINUSE);
	sl_host_close(h, l, false);
	/* V6ONLY :: and 0.0.0.0 share the port; each hears its family */
	l6 = sl_host_listen(h, (enum sl_host_kind)(SL_HOST_TCP |
		SL_HOST_V6ONLY), &any6, 5);
	SL_CHECK(l6 >= 0);
	l4 = sl_host_listen(h, SL_HOST_TCP, &any4, 6);
	SL_CHECK(l4 >= 0);
	SL_CHECK_EQ(sl_host_mem_incoming(h, l6, &c4), -ECONNREFUSED);
	SL_CHECK_EQ(sl_host_mem_incoming(h, l4, &c6), -ECONNREFUSED);
	SL_CHECK_EQ(sl_host_mem_incoming(h, l6, &c6), 0);
	SL_CHECK_EQ(sl_host_mem_incoming(h, l4, &c4), 0);
	SL_CHECK(sl_host_accept(h, l4, &peer, 7) >= 0);
	SL_CHECK_EQ(peer.sa.sa_family, AF_INET);
	/* a second IPv4 address on the port clashes with 0.0.0.0 */
	c4 = loopback(8080);
	SL_CHECK_EQ(sl_host_listen(h, SL_HOST_TCP, &c4, 8), -EADDRINUSE);
	sl_host_destroy(h);
}

SL_TEST(mem_inet6_sockets)
{
	struct sl_host *h = sl_host_mem_create();
	union sl_sockaddr d6 = sin6("2001:db8::5", 53), d4 = sin4(0x0a000001,
		53), any6 = sin6("::", 5353), from, to;
	char buf[8];
	int u4, u6, l;

	SL_CHECK(h != NULL);
	u4 = sl_host_open(h, SL_HOST_UDP, 1);
	u6 = sl_host_open(h, (enum sl_host_kind)(SL_HOST_UDP | SL_HOST_INET6),
		2);
	SL_CHECK(u4 >= 0 && u6 >= 0);
	/* an IPv4 socket reaches no IPv6 peer, as in Linux */
	SL_CHECK_EQ(sl_host_sendto(h, u4, "x", 1, &d6), -EAFNOSUPPORT);
	SL_CHECK_EQ(sl_host_connect(h, u4, &d6), -EAFNOSUPPORT);
	SL_CHECK_EQ(sl_host_sendto(h, u6, "v6", 2, &d6), 2);
	SL_CHECK_EQ(sl_host_mem_find(h, SL_HOST_UDP, &d6), u6);
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(h, u6, buf, sizeof(buf), &to), 2);
	SL_CHECK(sl_sockaddr_same(&to, &d6, true));
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, u6, "r", 1, &d6), 0);
	SL_CHECK_EQ(sl_host_recvfrom(h, u6, buf, sizeof(buf), &from), 1);
	SL_CHECK_EQ(from.sa.sa_family, AF_INET6);
	SL_CHECK(sl_sockaddr_same(&from, &d6, true));
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, u4, "r", 1, &d6), -EAFNOSUPPORT);
	/* a dual-stack UDP listener hears IPv4 peers v4-mapped and answers
	 * them at either form of their address */
	l = sl_host_listen(h, SL_HOST_UDP, &any6, 3);
	SL_CHECK(l >= 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(h, l, "q", 1, &d4), 0);
	SL_CHECK_EQ(sl_host_recvfrom(h, l, buf, sizeof(buf), &from), 1);
	SL_CHECK(is_mapped(&from, 0x0a000001, 53));
	SL_CHECK_EQ(sl_host_sendto(h, l, "a", 1, &from), 1);
	SL_CHECK_EQ(sl_host_sendto(h, l, "b", 1, &d4), 1);
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(h, l, buf, sizeof(buf), &to), 1);
	SL_CHECK(sl_sockaddr_same(&to, &d4, true));
	sl_host_close(h, u4, false);
	sl_host_close(h, u6, false);
	sl_host_close(h, l, false);
	sl_host_destroy(h);
}

/** kern_client - a blocking TCP client of family @af connected to @sa. */
static int
kern_client(int af, const union sl_sockaddr *sa)
{
	int fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && connect(fd, &sa->sa, sl_sockaddr_len(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

SL_TEST(kern_dual_stack_listen)
{
	struct sl_host *h = sl_host_kernel_create();
	union sl_sockaddr any6 = sin6("::", 0), lo6, lo4, sa, peer;
	socklen_t len = sizeof(sa);
	int l, l6, c4, c6, a4, a6, fd;
	char buf[4];

	SL_CHECK(h != NULL);
	l = sl_host_listen(h, SL_HOST_TCP, &any6, 0x200);
	SL_CHECK(l >= 0);
	SL_CHECK_EQ(getsockname(l, &sa.sa, &len), 0);
	SL_CHECK_EQ(sa.sa.sa_family, AF_INET6);
	lo6 = sin6("::1", ntohs(sa.in6.sin6_port));
	lo4 = loopback(ntohs(sa.in6.sin6_port));
	/* one listener, both families (IPV6_V6ONLY 0 whatever the sysctl) */
	c6 = kern_client(AF_INET6, &lo6);
	c4 = kern_client(AF_INET, &lo4);
	SL_CHECK(c6 >= 0 && c4 >= 0);
	SL_CHECK(wait_for(h, 0x200, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	a6 = sl_host_accept(h, l, &peer, 0x201);
	SL_CHECK(a6 >= 0);
	SL_CHECK_EQ(peer.sa.sa_family, AF_INET6);
	SL_CHECK(sl_sockaddr_same(&peer, &lo6, false));
	SL_CHECK(wait_for(h, 0x200, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	a4 = sl_host_accept(h, l, &peer, 0x202);
	SL_CHECK(a4 >= 0);
	SL_CHECK(is_mapped(&peer, INADDR_LOOPBACK, ntohs(peer.in6.sin6_port)));
	SL_CHECK(sl_sockaddr_same(&peer, &lo4, false));
	SL_CHECK_EQ(send(c4, "v4", 2, 0), 2);
	SL_CHECK_EQ(sl_host_watch(h, a4, SL_HOST_EV_IN), 0);
	SL_CHECK(wait_for(h, 0x202, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	{
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };

		SL_CHECK_EQ(sl_host_readv(h, a4, &iov, 1), 2);
	}
	sl_host_close(h, a4, false);
	sl_host_close(h, a6, false);
	close(c4);
	close(c6);
	/* V6ONLY on the port the dual-stack one held: IPv4 is refused */
	sl_host_close(h, l, false);
	l6 = sl_host_listen(h, (enum sl_host_kind)(SL_HOST_TCP |
		SL_HOST_V6ONLY), &lo6, 0x203);
	SL_CHECK(l6 >= 0);
	fd = kern_client(AF_INET, &lo4);
	SL_CHECK_EQ(fd, -1);
	c6 = kern_client(AF_INET6, &lo6);
	SL_CHECK(c6 >= 0);
	close(c6);
	sl_host_close(h, l6, false);
	/* an IPv6 UDP socket: a datagram to ::1 and back */
	{
		union sl_sockaddr u = sin6("::1", 0), from;
		int lu = sl_host_listen(h, SL_HOST_UDP, &u, 0x204);
		int cu = sl_host_open(h, (enum sl_host_kind)(SL_HOST_UDP |
			SL_HOST_INET6), 0x205);

		SL_CHECK(lu >= 0 && cu >= 0);
		len = sizeof(u);
		SL_CHECK_EQ(getsockname(lu, &u.sa, &len), 0);
		SL_CHECK_EQ(sl_host_connect(h, cu, &u), 0);
		SL_CHECK_EQ(sl_host_watch(h, cu, SL_HOST_EV_IN), 0);
		SL_CHECK_EQ(sl_host_sendto(h, cu, "six", 3, NULL), 3);
		SL_CHECK(wait_for(h, 0x204, SL_HOST_EV_IN, 2000) &
			SL_HOST_EV_IN);
		SL_CHECK_EQ(sl_host_recvfrom(h, lu, buf, sizeof(buf), &from),
			3);
		SL_CHECK_EQ(from.sa.sa_family, AF_INET6);
		SL_CHECK_EQ(sl_host_sendto(h, lu, "ok", 2, &from), 2);
		SL_CHECK(wait_for(h, 0x205, SL_HOST_EV_IN, 2000) &
			SL_HOST_EV_IN);
		SL_CHECK_EQ(sl_host_recvfrom(h, cu, buf, sizeof(buf), NULL), 2);
		sl_host_close(h, lu, false);
		sl_host_close(h, cu, false);
	}
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

/* --- system calls per poll (issue 17) ----------------------------------- */

/*
 * A kernel-backend TCP handle (cookie @cookie) connected to a fresh loopback
 * listener, with SO_SNDBUF set to @sndbuf before anything is cached; *@pfd
 * gets the accepted peer (blocking). Return: the handle or -1.
 */
static int
kern_tcp_pair(struct sl_host *h, uint64_t cookie, int sndbuf, int *pfd)
{
	uint16_t port;
	int lfd = tcp_listener(&port);
	int hd;

	if (lfd < 0)
		return -1;
	hd = sl_host_open(h, SL_HOST_TCP, cookie);
	if (hd >= 0 && sndbuf > 0)
		(void)setsockopt(hd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
			sizeof(sndbuf));
	if (hd < 0 || kern_connect_wait(h, hd, cookie, port) != 0) {
		close(lfd);
		return -1;
	}
	*pfd = accept_within(lfd, 2000);
	close(lfd);
	return *pfd >= 0 ? hd : -1;
}

SL_TEST(kern_wspace_cached)
{
	struct sl_host *h = sl_host_kernel_create();
	struct sl_host_kern_calls c0, c1;
	static char big[65536];
	struct iovec iov = { .iov_base = big, .iov_len = 1000 };
	long room, r;
	ssize_t n = 0;
	int pfd = -1, hd, i;

	SL_CHECK(h != NULL);
	hd = kern_tcp_pair(h, 7, 1 << 20, &pfd);
	SL_CHECK(hd >= 0);
	sl_host_kernel_calls(h, &c0);
	room = sl_host_wspace(h, hd);
	SL_CHECK(room >= 1 << 19);
	/* asked again and again with nothing written: no system call */
	for (i = 0; i < 100; i++)
		SL_CHECK_EQ(sl_host_wspace(h, hd), room);
	sl_host_kernel_calls(h, &c1);
	/* one reading (two if the 10 ms age passed in between) */
	SL_CHECK(c1.sndbuf_reads - c0.sndbuf_reads <= 2);
	SL_CHECK(c1.outq_reads - c0.outq_reads <= 2);
	/* a write takes its bytes off the estimate, still without a call */
	SL_CHECK_EQ(sl_host_writev(h, hd, &iov, 1), 1000);
	r = sl_host_wspace(h, hd);
	SL_CHECK(r >= room - 1000 && r <= room);
	/* the peer never reads: writes end in -EAGAIN, after which the room
	 * is 0 without asking the kernel */
	iov.iov_len = sizeof(big);
	for (i = 0; i < 10000; i++) {
		n = sl_host_writev(h, hd, &iov, 1);
		if (n < 0)
			break;
	}
	SL_CHECK_EQ(n, -EAGAIN);
	sl_host_kernel_calls(h, &c0);
	for (i = 0; i < 100; i++)
		SL_CHECK_EQ(sl_host_wspace(h, hd), 0);
	sl_host_kernel_calls(h, &c1);
	SL_CHECK(c1.outq_reads - c0.outq_reads <= 2);
	/* the peer drains: EPOLLOUT, then the room is read again */
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_OUT), 0);
	for (i = 0; i < 200 && !(events_of(h, 7, 0) & SL_HOST_EV_OUT); i++)
		while (recv(pfd, big, sizeof(big), MSG_DONTWAIT) > 0)
			;
	SL_CHECK(i < 200);
	SL_CHECK(sl_host_wspace(h, hd) > 0);
	sl_host_close(h, hd, true);
	close(pfd);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

SL_TEST(kern_watch_lazy)
{
	struct sl_host *h = sl_host_kernel_create();
	struct sl_host_kern_calls c0, c1;
	char buf[16];
	int pfd = -1, hd, i;

	SL_CHECK(h != NULL);
	hd = kern_tcp_pair(h, 8, 0, &pfd);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(events_of(h, 8, 0), 0);
	/* several changes between two polls: one epoll_ctl at the poll */
	sl_host_kernel_calls(h, &c0);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN), 0);
	SL_CHECK_EQ(sl_host_watch(h, hd, 0), 0);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN | SL_HOST_EV_RDHUP), 0);
	sl_host_kernel_calls(h, &c1);
	SL_CHECK_EQ(c1.epoll_ctl, c0.epoll_ctl);
	SL_CHECK_EQ(events_of(h, 8, 0), 0);
	sl_host_kernel_calls(h, &c1);
	SL_CHECK_EQ(c1.epoll_ctl - c0.epoll_ctl, 1);
	/* muted and unmuted between polls (a window reopened): none */
	for (i = 0; i < 10; i++) {
		SL_CHECK_EQ(sl_host_watch(h, hd, 0), 0);
		SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN |
			SL_HOST_EV_RDHUP), 0);
		SL_CHECK_EQ(events_of(h, 8, 0), 0);
	}
	/* muted with nothing to read: the removal waits */
	SL_CHECK_EQ(sl_host_watch(h, hd, 0), 0);
	SL_CHECK_EQ(events_of(h, 8, 0), 0);
	sl_host_kernel_calls(h, &c0);
	SL_CHECK_EQ(c0.epoll_ctl, c1.epoll_ctl);
	/* data comes while muted: not reported, and the removal applied */
	SL_CHECK_EQ(send(pfd, "abc", 3, 0), 3);
	SL_CHECK_EQ(events_of(h, 8, 200), 0);
	sl_host_kernel_calls(h, &c1);
	SL_CHECK_EQ(c1.epoll_ctl - c0.epoll_ctl, 1);
	SL_CHECK(c1.ev_ignored > c0.ev_ignored);
	SL_CHECK_EQ(events_of(h, 8, 0), 0);
	/* a new cookie holds at once; unmuted: reported */
	SL_CHECK_EQ(sl_host_set_cookie(h, hd, 9), 0);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN), 0);
	SL_CHECK_EQ(events_of(h, 9, 200), SL_HOST_EV_IN);
	SL_CHECK_EQ(sl_host_readv(h, hd, &(struct iovec){ .iov_base = buf,
		.iov_len = sizeof(buf) }, 1), 3);
	/* quiet after a hang-up: out of the set, nothing reported */
	close(pfd);
	SL_CHECK(wait_for(h, 9, SL_HOST_EV_RDHUP | SL_HOST_EV_IN, 2000) != 0);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_QUIET), 0);
	SL_CHECK_EQ(events_of(h, 9, 100), 0);
	SL_CHECK_EQ(events_of(h, 9, 0), 0);
	sl_host_close(h, hd, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

/*
 * System calls per connection (issue 17): a socket joins the epoll set at
 * the first poll with the interest wanted by then (one epoll_ctl, not an
 * ADD and a MOD); an accepted socket takes TCP_NODELAY from its listener
 * (no setsockopt per client).
 */
SL_TEST(kern_conn_syscalls)
{
	struct sl_host *h = sl_host_kernel_create();
	union sl_sockaddr any = loopback(0);
	struct sl_host_kern_calls c0, c1;
	socklen_t len = sizeof(any), ol;
	int l, hd, a, rc, on = 0;

	SL_CHECK(h != NULL);
	l = sl_host_listen(h, SL_HOST_TCP, &any, 0x301);
	SL_CHECK(l >= 0);
	SL_CHECK_EQ(getsockname(l, &any.sa, &len), 0);
	(void)events_of(h, 0x301, 0);	/* the listener joins the set */
	/* outbound: TCP_NODELAY, and one epoll_ctl until connected */
	sl_host_kernel_calls(h, &c0);
	hd = sl_host_open(h, SL_HOST_TCP, 0x302);
	SL_CHECK(hd >= 0);
	rc = sl_host_connect(h, hd, &any);
	SL_CHECK(rc == 0 || rc == -EINPROGRESS);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_OUT), 0);
	SL_CHECK_EQ(wait_for(h, 0x302, SL_HOST_EV_OUT, 2000), SL_HOST_EV_OUT);
	sl_host_kernel_calls(h, &c1);
	SL_CHECK_EQ(c1.epoll_ctl - c0.epoll_ctl, 1);
	SL_CHECK_EQ(c1.sockopt - c0.sockopt, 1);
	/* its first send space: SO_SNDBUF only, nothing written yet so
	 * nothing is unacknowledged (no SIOCOUTQ) */
	SL_CHECK(sl_host_wspace(h, hd) > 0);
	sl_host_kernel_calls(h, &c0);
	SL_CHECK_EQ(c0.sndbuf_reads - c1.sndbuf_reads, 1);
	SL_CHECK_EQ(c0.outq_reads, c1.outq_reads);
	/* accepted: no setsockopt, TCP_NODELAY on all the same; one
	 * epoll_ctl for its first interest */
	SL_CHECK(wait_for(h, 0x301, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	sl_host_kernel_calls(h, &c0);
	a = sl_host_accept(h, l, NULL, 0x303);
	SL_CHECK(a >= 0);
	ol = sizeof(on);
	SL_CHECK_EQ(getsockopt(a, IPPROTO_TCP, TCP_NODELAY, &on, &ol), 0);
	SL_CHECK(on != 0);
	SL_CHECK_EQ(sl_host_watch(h, a, SL_HOST_EV_IN), 0);
	SL_CHECK_EQ(sl_host_writev(h, hd, &(struct iovec){ .iov_base = "x",
		.iov_len = 1 }, 1), 1);
	SL_CHECK(wait_for(h, 0x303, SL_HOST_EV_IN, 2000) & SL_HOST_EV_IN);
	sl_host_kernel_calls(h, &c1);
	SL_CHECK_EQ(c1.sockopt - c0.sockopt, 0);
	SL_CHECK_EQ(c1.epoll_ctl - c0.epoll_ctl, 1);
	sl_host_close(h, a, false);
	sl_host_close(h, hd, false);
	sl_host_close(h, l, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

/*
 * A socket whose deferred EPOLL_CTL_ADD fails (here: its descriptor closed
 * behind the backend's back) is not silently forgotten: it reports ERR and
 * HUP once, and sl_host_error() gives the reason.
 */
SL_TEST(kern_add_failure_reported)
{
	struct sl_host *h = sl_host_kernel_create();
	int hd;

	SL_CHECK(h != NULL);
	hd = sl_host_open(h, SL_HOST_TCP, 0x311);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN), 0);
	close(hd);
	SL_CHECK_EQ(events_of(h, 0x311, 0), SL_HOST_EV_ERR | SL_HOST_EV_HUP);
	SL_CHECK_EQ(sl_host_error(h, hd), -EBADF);
	SL_CHECK_EQ(events_of(h, 0x311, 0), 0);
	sl_host_close(h, hd, false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}
