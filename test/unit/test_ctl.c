/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_ctl.c: unit tests of the control request/reply path (sl_ctl): a
 * worker context from the harness whose ring is served either by the test
 * thread calling the poll function (the requester then runs on a pthread)
 * or by a pthread acting as the worker lcore (running sl_worker_step in a
 * loop, as the poll loop does). Covers every operation, reply truncation
 * and paging, timeouts (the late reply is still freed exactly once), a full
 * ring, cancellation at teardown and concurrent requesters. Built with
 * -Db_sanitize=thread these tests also check the path for data races.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "sl_ctl.h"
#include "sl_fwd.h"
#include "sl_host_mem.h"
#include "sl_log.h"
#include "sl_net.h"
#include "sl_tcp.h"
#include "sl_test.h"
#include "sl_worker.h"

#define IP4(a, b, c, d)	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	((uint32_t)(c) << 8) | (uint32_t)(d))
#define GUEST_IP	IP4(10, 0, 2, 15)
#define DST_IP		IP4(192, 0, 2, 10)	/* only a key for the mem host */
#define UDP_PORT	9000
#define TCP_PORT	80
#define LONG_MS		5000		/* replies expected well before */

static struct sl_test_env env;

/* ------------------------------------------------------------------ */
/* environment and a worker thread                                      */

static pthread_t worker_tid;
static bool worker_running;
static uint32_t worker_stop;		/* atomic */
static uint32_t worker_pause_us;	/* atomic: sleep per iteration */

static bool env_up;

static void worker_stop_join(void);

/* env_stop - stop the worker thread and free the environment. */
static void
env_stop(void)
{
	worker_stop_join();
	if (env_up)
		sl_test_env_fini(&env);
	env_up = false;
}

/* env_start - a fresh environment (a failed case may have left one). */
static int
env_start(void)
{
	env_stop();
	if (sl_test_env_init(&env, NULL) != 0)
		return -1;
	env_up = true;
	return sl_ctl_worker_init(&env.w);
}

static void *
worker_main(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&worker_stop, __ATOMIC_ACQUIRE)) {
		uint32_t us = __atomic_load_n(&worker_pause_us,
			__ATOMIC_RELAXED);

		sl_worker_clock(&env.w);
		sl_worker_step(&env.w, NULL, 0);
		if (us)
			usleep(us);
	}
	return NULL;
}

static int
worker_start(void)
{
	__atomic_store_n(&worker_stop, 0, __ATOMIC_RELEASE);
	if (pthread_create(&worker_tid, NULL, worker_main, NULL) != 0)
		return -1;
	worker_running = true;
	return 0;
}

static void
worker_stop_join(void)
{
	if (!worker_running)
		return;
	__atomic_store_n(&worker_stop, 1, __ATOMIC_RELEASE);
	pthread_join(worker_tid, NULL);
	worker_running = false;
}

static uint64_t
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* guest traffic, injected on the worker (SL_CTL_OP_EXEC)               */

/** exec_udp - one guest datagram from port *(uint16_t *)arg. */
static int
exec_udp(struct sl_worker *w, void *arg)
{
	uint16_t sport = *(uint16_t *)arg;
	struct rte_mbuf *m;

	(void)w;
	m = sl_test_udp_frame(&env, &sl_test_guest_mac, GUEST_IP, sport,
		DST_IP, UDP_PORT, "hello", 5);
	if (m == NULL)
		return -ENOMEM;
	sl_test_input(&env, m);
	return 0;
}

/** tcp_frame - a guest TCP segment GUEST_IP:@sport -> DST_IP:TCP_PORT. */
static struct rte_mbuf *
tcp_frame(uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack,
	uint16_t win, const uint8_t *opt, uint8_t optlen)
{
	uint8_t hl = (uint8_t)(sizeof(struct rte_tcp_hdr) + optlen);
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m = rte_pktmbuf_alloc(env.w.mp);

	if (m == NULL)
		return NULL;
	th = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, hl);
	if (th == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	sl_test_tcp_hdr(th, sport, TCP_PORT, seq, ack, flags, win, opt,
		optlen);
	if (sl_net_prepend_ipv4(m, &sl_test_guest_mac, &env.w.gw_mac,
	    rte_cpu_to_be_32(GUEST_IP), rte_cpu_to_be_32(DST_IP),
	    IPPROTO_TCP) != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	sl_net_l4_cksum(m);
	return m;
}

/** The last TCP segment sluice sent to the guest, or NULL. */
static const struct rte_tcp_hdr *
last_tcp_out(void)
{
	unsigned int i;

	for (i = env.cap.n; i-- > 0;) {
		struct rte_mbuf *m = env.cap.m[i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);

		if (ip->next_proto_id == IPPROTO_TCP)
			return (const struct rte_tcp_hdr *)((const uint8_t *)ip +
				rte_ipv4_hdr_len(ip));
	}
	return NULL;
}

/** Guest side of the test connection. */
struct tcp_guest {
	uint16_t port;
	uint8_t wscale;		/**< guest shift offered in the SYN */
	uint16_t win;		/**< window field of the final ACK */
	uint32_t irs, iss;
	uint8_t synack_flags;
};

/**
 * exec_handshake - SYN (MSS 1460, window scale g->wscale), SYN-ACK from
 * sluice (the mem host connects at once), ACK with window field g->win.
 */
static int
exec_handshake(struct sl_worker *w, void *arg)
{
	struct tcp_guest *g = arg;
	const uint8_t opt[8] = { 2, 4, 1460 >> 8, 1460 & 0xff, 1, 3, 3,
		g->wscale };
	const struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	(void)w;
	sl_test_cap_clear(&env);
	m = tcp_frame(g->port, RTE_TCP_SYN_FLAG, g->irs, 0, 65535, opt, 8);
	if (m == NULL)
		return -ENOMEM;
	sl_test_input(&env, m);
	th = last_tcp_out();
	if (th == NULL)
		return -EPROTO;
	g->synack_flags = th->tcp_flags;
	g->iss = rte_be_to_cpu_32(th->sent_seq);
	sl_test_cap_clear(&env);
	m = tcp_frame(g->port, RTE_TCP_ACK_FLAG, g->irs + 1, g->iss + 1,
		g->win, NULL, 0);
	if (m == NULL)
		return -ENOMEM;
	sl_test_input(&env, m);
	return 0;
}

/** exec_last_flags - flags of the last TCP segment out (0: none). */
static int
exec_last_flags(struct sl_worker *w, void *arg)
{
	const struct rte_tcp_hdr *th = last_tcp_out();

	(void)w;
	(void)arg;
	return th == NULL ? 0 : th->tcp_flags;
}

/** exec_active - flows in the table. */
static int
exec_active(struct sl_worker *w, void *arg)
{
	(void)arg;
	return (int)w->ft.active;
}

/* ------------------------------------------------------------------ */
/* a requester on its own thread (the test thread serves the ring)      */

struct async_call {
	pthread_t tid;
	struct sl_worker *w;
	unsigned int timeout_ms;
	struct sl_ctl_summary sum;
	int rc;
	uint32_t done;		/* atomic */
};

static void *
async_main(void *arg)
{
	struct async_call *a = arg;

	a->rc = sl_ctl_summary(a->w, &a->sum, a->timeout_ms);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int
async_start(struct async_call *a, unsigned int timeout_ms)
{
	memset(a, 0, sizeof(*a));
	a->w = &env.w;
	a->timeout_ms = timeout_ms;
	return pthread_create(&a->tid, NULL, async_main, a);
}

/* ------------------------------------------------------------------ */
/* tests                                                                */

/* The test thread is the worker: it polls while a requester waits. */
SL_TEST(serve_from_test_thread)
{
	struct async_call a;
	uint64_t deadline;

	SL_CHECK(env_start() == 0);
	SL_CHECK(env.w.ctl_ring != NULL);
	SL_CHECK(async_start(&a, LONG_MS) == 0);
	deadline = ms_now() + LONG_MS;
	while (!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE) &&
	    ms_now() < deadline)
		sl_ctl_poll(&env.w);
	pthread_join(a.tid, NULL);
	/* the one request was served by this thread's polls and answered */
	SL_CHECK_EQ(a.rc, 0);
	SL_CHECK(rte_ring_empty(env.w.ctl_ring));
	SL_CHECK_EQ(a.sum.flows_active, 0);
	SL_CHECK_EQ(a.sum.flows_max, env.cfg.max_flows);
	SL_CHECK_EQ(a.sum.mp_size, env.w.mp->size);
	SL_CHECK(a.sum.mp_in_use + a.sum.mp_avail == a.sum.mp_size);
	SL_CHECK(rte_ring_empty(env.w.ctl_ring));
	env_stop();
}

/* An empty ring costs next to nothing and serves nothing. */
SL_TEST(empty_poll_is_cheap)
{
	uint64_t t0, per_poll_ns;
	unsigned int i, n = 1000000;

	SL_CHECK(env_start() == 0);
	SL_CHECK_EQ(sl_ctl_serve(&env.w, 16), 0);
	t0 = rte_get_timer_cycles();
	for (i = 0; i < n; i++)
		sl_ctl_poll(&env.w);
	per_poll_ns = (rte_get_timer_cycles() - t0) * 1000000000ull /
		rte_get_timer_hz() / n;
	/* a few ns when built optimised; generous for sanitizer builds */
	SL_CHECK(per_poll_ns < 500);
	env_stop();
}

/* Bad requests and a worker without a ring. */
SL_TEST(bad_requests)
{
	struct sl_ctl_req *req;
	struct sl_worker none;

	SL_CHECK(env_start() == 0);
	memset(&none, 0, sizeof(none));
	req = sl_ctl_req_alloc(SL_CTL_OP_NOP, 0);
	SL_CHECK(req != NULL);
	SL_CHECK_EQ(sl_ctl_call(&none, req, 10), -ENOTCONN);
	SL_CHECK_EQ(sl_ctl_call(NULL, req, 10), -ENOTCONN);
	SL_CHECK_EQ(sl_ctl_call(&env.w, NULL, 10), -EINVAL);
	req->op = SL_CTL_OP_MAX;
	SL_CHECK_EQ(sl_ctl_call(&env.w, req, 10), -EINVAL);
	sl_ctl_req_put(req);
	sl_ctl_req_put(NULL);
	/* EXEC without a function: the worker refuses it */
	SL_CHECK(worker_start() == 0);
	SL_CHECK_EQ(sl_ctl_exec(&env.w, NULL, NULL, LONG_MS), -EINVAL);
	/* a request cannot be sent twice */
	req = sl_ctl_req_alloc(SL_CTL_OP_NOP, 0);
	SL_CHECK(req != NULL);
	SL_CHECK_EQ(sl_ctl_call(&env.w, req, LONG_MS), 0);
	SL_CHECK_EQ(sl_ctl_call(&env.w, req, LONG_MS), -EINVAL);
	sl_ctl_req_put(req);
	env_stop();
}

static uint32_t slow_runs;	/* atomic */

static int
exec_slow(struct sl_worker *w, void *arg)
{
	(void)w;
	usleep(*(unsigned int *)arg * 1000);
	__atomic_add_fetch(&slow_runs, 1, __ATOMIC_RELAXED);
	return 42;
}

/*
 * Nobody serves: the requester times out and leaves; the worker serves the
 * request later, runs it and frees it (ASan/TSan builds check the memory).
 */
SL_TEST(timeout_then_late_serve)
{
	unsigned int ms = 0;
	uint64_t t0;
	int rc;

	SL_CHECK(env_start() == 0);
	__atomic_store_n(&slow_runs, 0, __ATOMIC_RELAXED);
	t0 = ms_now();
	rc = sl_ctl_exec(&env.w, exec_slow, &ms, 50);
	SL_CHECK_EQ(rc, -ETIMEDOUT);
	SL_CHECK(ms_now() - t0 >= 50);
	SL_CHECK(ms_now() - t0 < 2000);
	SL_CHECK_EQ(__atomic_load_n(&slow_runs, __ATOMIC_RELAXED), 0);
	SL_CHECK_EQ(sl_ctl_serve(&env.w, 16), 1);
	SL_CHECK_EQ(__atomic_load_n(&slow_runs, __ATOMIC_RELAXED), 1);
	SL_CHECK(rte_ring_empty(env.w.ctl_ring));
	env_stop();
}

/*
 * The worker is still executing when the requester gives up: the worker
 * finishes, writes its results into memory it still owns and frees it.
 */
SL_TEST(timeout_while_executing)
{
	static unsigned int ms_long = 200, ms_none;
	uint64_t deadline;
	int rc;

	SL_CHECK(env_start() == 0);
	__atomic_store_n(&slow_runs, 0, __ATOMIC_RELAXED);
	SL_CHECK(worker_start() == 0);
	rc = sl_ctl_exec(&env.w, exec_slow, &ms_long, 20);
	SL_CHECK_EQ(rc, -ETIMEDOUT);
	deadline = ms_now() + LONG_MS;
	while (__atomic_load_n(&slow_runs, __ATOMIC_RELAXED) == 0 &&
	    ms_now() < deadline)
		usleep(1000);
	SL_CHECK_EQ(__atomic_load_n(&slow_runs, __ATOMIC_RELAXED), 1);
	/* the worker is healthy afterwards */
	SL_CHECK_EQ(sl_ctl_exec(&env.w, exec_slow, &ms_none, LONG_MS), 42);
	env_stop();
}

/* A full ring refuses at once; what is queued is served later. */
SL_TEST(ring_full)
{
	unsigned int cap, i, ms = 0;
	struct sl_ctl_req *req;

	SL_CHECK(env_start() == 0);
	__atomic_store_n(&slow_runs, 0, __ATOMIC_RELAXED);
	cap = rte_ring_get_capacity(env.w.ctl_ring);
	SL_CHECK(cap >= 1);
	for (i = 0; i < cap; i++)
		SL_CHECK_EQ(sl_ctl_exec(&env.w, exec_slow, &ms, 1),
			-ETIMEDOUT);
	SL_CHECK(rte_ring_full(env.w.ctl_ring));
	req = sl_ctl_req_alloc(SL_CTL_OP_NOP, 0);
	SL_CHECK(req != NULL);
	SL_CHECK_EQ(sl_ctl_call(&env.w, req, LONG_MS), -EBUSY);
	/* refused: the request is still the caller's and can be resent */
	SL_CHECK_EQ(sl_ctl_serve(&env.w, 1), 1);
	SL_CHECK(worker_start() == 0);
	SL_CHECK_EQ(sl_ctl_call(&env.w, req, LONG_MS), 0);
	sl_ctl_req_put(req);
	SL_CHECK_EQ(__atomic_load_n(&slow_runs, __ATOMIC_RELAXED), cap);
	env_stop();
}

/* Teardown completes queued requests with -ECANCELED. */
SL_TEST(fini_cancels_waiting_requester)
{
	struct async_call a;
	uint64_t deadline;

	SL_CHECK(env_start() == 0);
	SL_CHECK(async_start(&a, LONG_MS) == 0);
	deadline = ms_now() + LONG_MS;
	while (rte_ring_empty(env.w.ctl_ring) && ms_now() < deadline)
		usleep(100);
	SL_CHECK(!rte_ring_empty(env.w.ctl_ring));
	sl_ctl_worker_fini(&env.w);
	SL_CHECK(env.w.ctl_ring == NULL);
	pthread_join(a.tid, NULL);
	SL_CHECK_EQ(a.rc, -ECANCELED);
	/* a worker without a ring refuses at once */
	SL_CHECK_EQ(sl_ctl_summary(&env.w, &a.sum, 10), -ENOTCONN);
	env_stop();
}

/* Flows listed in pages; a page never holds more than asked. */
SL_TEST(flows_paging)
{
	struct sl_ctl_flow page[2], all[8];
	uint32_t n, next = 0, start = 0, got = 0, pages = 0, i, j;
	struct sl_ctl_summary sum;
	bool more = true;
	uint16_t port;

	SL_CHECK(env_start() == 0);
	SL_CHECK(worker_start() == 0);
	for (port = 40000; port < 40005; port++)
		SL_CHECK_EQ(sl_ctl_exec(&env.w, exec_udp, &port, LONG_MS), 0);
	SL_CHECK_EQ(sl_ctl_summary(&env.w, &sum, LONG_MS), 0);
	SL_CHECK_EQ(sum.flows_active, 5);
	while (more) {
		SL_CHECK_EQ(sl_ctl_flows(&env.w, start, page, 2, &n, &next,
			&more, LONG_MS), 0);
		SL_CHECK(n <= 2);
		SL_CHECK(pages++ < 10);
		for (i = 0; i < n; i++)
			all[got++] = page[i];
		SL_CHECK(!more || next > start);
		start = next;
	}
	SL_CHECK_EQ(got, 5);
	SL_CHECK_EQ(pages, 3);
	for (i = 0; i < got; i++) {
		SL_CHECK_EQ(all[i].proto, IPPROTO_UDP);
		SL_CHECK_EQ(all[i].key.gaddr, rte_cpu_to_be_32(GUEST_IP));
		SL_CHECK_EQ(rte_be_to_cpu_16(all[i].key.dport), UDP_PORT);
		SL_CHECK_EQ(all[i].bytes_to_host, 5);
		for (j = 0; j < i; j++) {
			SL_CHECK(all[i].id != all[j].id);
			SL_CHECK(all[i].key.gport != all[j].key.gport);
		}
	}
	/* a zero-sized page says there is more without listing any */
	SL_CHECK_EQ(sl_ctl_flows(&env.w, 0, page, 0, &n, &next, &more,
		LONG_MS), 0);
	SL_CHECK_EQ(n, 0);
	SL_CHECK(more);
	/* one page big enough for all */
	SL_CHECK_EQ(sl_ctl_flows(&env.w, 0, all, 8, &n, &next, &more,
		LONG_MS), 0);
	SL_CHECK_EQ(n, 5);
	SL_CHECK(!more);
	env_stop();
}

/* One TCP flow in full, then closed on request (RST to the guest). */
SL_TEST(flow_info_and_close)
{
	struct tcp_guest g = { .port = 41000, .wscale = 7, .win = 1000,
		.irs = 0x1000 };
	struct sl_ctl_flow all[4];
	struct sl_ctl_flow_info fi;
	uint32_t n, next;
	uint16_t port = 40100;
	uint64_t tcp_id = UINT64_MAX, udp_id = UINT64_MAX;
	bool more;
	int flags;

	SL_CHECK(env_start() == 0);
	SL_CHECK(worker_start() == 0);
	SL_CHECK_EQ(sl_ctl_exec(&env.w, exec_handshake, &g, LONG_MS), 0);
	SL_CHECK_EQ(g.synack_flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	SL_CHECK_EQ(sl_ctl_exec(&env.w, exec_udp, &port, LONG_MS), 0);
	SL_CHECK_EQ(sl_ctl_flows(&env.w, 0, all, 4, &n, &next, &more,
		LONG_MS), 0);
	SL_CHECK_EQ(n, 2);
	for (next = 0; next < n; next++) {
		if (all[next].proto == IPPROTO_TCP)
			tcp_id = all[next].id;
		else
			udp_id = all[next].id;
	}
	SL_CHECK(tcp_id != UINT64_MAX && udp_id != UINT64_MAX);

	SL_CHECK_EQ(sl_ctl_flow_info(&env.w, tcp_id, &fi, LONG_MS), 0);
	SL_CHECK(fi.is_tcp);
	SL_CHECK_EQ(fi.flow.id, tcp_id);
	SL_CHECK_EQ(rte_be_to_cpu_16(fi.flow.key.gport), g.port);
	SL_CHECK(strcmp(sl_tcp_state_name(fi.tcp.state), "established") == 0);
	SL_CHECK(fi.tcp.ws_ok);
	SL_CHECK_EQ(fi.tcp.snd_wscale, 7);
	SL_CHECK_EQ(fi.tcp.snd_wnd, (uint32_t)g.win << 7);
	SL_CHECK_EQ(fi.tcp.rcv_nxt, g.irs + 1);
	SL_CHECK_EQ(fi.tcp.snd_una, g.iss + 1);
	SL_CHECK_EQ(fi.tcp.snd_nxt, g.iss + 1);
	SL_CHECK_EQ(fi.tcp.in_flight, 0);
	SL_CHECK(fi.adv_wnd_now > 0);
	SL_CHECK(fi.host_unsent >= 0);
	SL_CHECK(fi.host_wspace > 0);
	SL_CHECK_EQ(all[0].proto == IPPROTO_TCP ? all[0].guest_wnd :
		all[1].guest_wnd, (uint32_t)g.win << 7);

	SL_CHECK_EQ(sl_ctl_flow_info(&env.w, udp_id, &fi, LONG_MS), 0);
	SL_CHECK(!fi.is_tcp);
	/* an id whose generation is wrong, and one past the table */
	SL_CHECK_EQ(sl_ctl_flow_info(&env.w, tcp_id + env.w.ft.max, &fi,
		LONG_MS), -ENOENT);
	SL_CHECK_EQ(sl_ctl_flow_info(&env.w, UINT64_MAX, &fi, LONG_MS),
		-ENOENT);

	SL_CHECK_EQ(sl_ctl_flow_close(&env.w, tcp_id, LONG_MS), 0);
	flags = sl_ctl_exec(&env.w, exec_last_flags, NULL, LONG_MS);
	SL_CHECK(flags & RTE_TCP_RST_FLAG);
	SL_CHECK_EQ(sl_ctl_flow_close(&env.w, tcp_id, LONG_MS), -ENOENT);
	SL_CHECK_EQ(sl_ctl_flow_close(&env.w, udp_id, LONG_MS), 0);
	SL_CHECK_EQ(sl_ctl_exec(&env.w, exec_active, NULL, LONG_MS), 0);
	SL_CHECK_EQ(SL_STAT_READ(env.w.stats, SL_STAT_flows_closed_admin), 2);
	env_stop();
}

/* Forwards added, listed and removed on the worker. */
SL_TEST(forwards)
{
	struct sl_fwd_spec s, t, list[SL_FWD_MAX];
	char err[128];
	uint32_t n;

	SL_CHECK(env_start() == 0);
	SL_CHECK(worker_start() == 0);
	SL_CHECK(sl_fwd_parse("18080:80", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK(sl_fwd_parse("udp:18081-18082:81-82", IPPROTO_TCP, &t, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_ctl_fwd_list(&env.w, list, SL_FWD_MAX, &n, LONG_MS),
		0);
	SL_CHECK_EQ(n, 0);
	SL_CHECK_EQ(sl_ctl_fwd_add(&env.w, &s, LONG_MS), 0);
	SL_CHECK_EQ(sl_ctl_fwd_add(&env.w, &t, LONG_MS), 0);
	SL_CHECK_EQ(sl_ctl_fwd_add(&env.w, &s, LONG_MS), -EEXIST);
	SL_CHECK_EQ(sl_ctl_fwd_list(&env.w, list, SL_FWD_MAX, &n, LONG_MS),
		0);
	SL_CHECK_EQ(n, 2);
	SL_CHECK(memcmp(&list[0], &s, sizeof(s)) == 0);
	SL_CHECK(memcmp(&list[1], &t, sizeof(t)) == 0);
	/* truncated listing */
	SL_CHECK_EQ(sl_ctl_fwd_list(&env.w, list, 1, &n, LONG_MS), 0);
	SL_CHECK_EQ(n, 1);
	SL_CHECK_EQ(sl_ctl_fwd_del(&env.w, &s, LONG_MS), 0);
	SL_CHECK_EQ(sl_ctl_fwd_del(&env.w, &s, LONG_MS), -ENOENT);
	SL_CHECK_EQ(sl_ctl_fwd_list(&env.w, list, SL_FWD_MAX, &n, LONG_MS),
		0);
	SL_CHECK_EQ(n, 1);
	SL_CHECK(memcmp(&list[0], &t, sizeof(t)) == 0);
	env_stop();
}

/* ---- concurrent requesters ---- */

#define NB_REQUESTERS	6
#define NB_CALLS	300

static uint64_t exec_count;	/* worker-owned: touched on the worker only */

static int
exec_count_inc(struct sl_worker *w, void *arg)
{
	(void)w;
	(void)arg;
	exec_count++;
	return 0;
}

static int
exec_count_get(struct sl_worker *w, void *arg)
{
	(void)w;
	*(uint64_t *)arg = exec_count;
	return 0;
}

struct requester {
	pthread_t tid;
	unsigned int ok, busy, fail;
};

static void *
requester_main(void *arg)
{
	struct requester *r = arg;
	struct sl_ctl_flow page[4];
	struct sl_ctl_summary sum;
	uint32_t n, next;
	bool more;
	unsigned int i;

	for (i = 0; i < NB_CALLS; i++) {
		int rc;

		switch (i % 3) {
		case 0:
			rc = sl_ctl_exec(&env.w, exec_count_inc, NULL,
				LONG_MS);
			break;
		case 1:
			rc = sl_ctl_summary(&env.w, &sum, LONG_MS);
			if (rc == 0 && sum.flows_active != 3)
				rc = -EPROTO;
			break;
		default:
			rc = sl_ctl_flows(&env.w, 0, page, 4, &n, &next,
				&more, LONG_MS);
			if (rc == 0 && (n != 3 || more))
				rc = -EPROTO;
			break;
		}
		if (rc == -EBUSY) {
			r->busy++;
			i--;	/* ring full: try again */
			usleep(50);
			continue;
		}
		if (rc == 0)
			r->ok++;
		else
			r->fail++;
	}
	return NULL;
}

/* Many threads at once: every request answered, executed on the worker. */
SL_TEST(concurrent_requesters)
{
	struct requester r[NB_REQUESTERS];
	uint64_t count = 0;
	unsigned int i, ok = 0;
	uint16_t port;

	SL_CHECK(env_start() == 0);
	exec_count = 0;		/* before the worker thread exists */
	SL_CHECK(worker_start() == 0);
	for (port = 40200; port < 40203; port++)
		SL_CHECK_EQ(sl_ctl_exec(&env.w, exec_udp, &port, LONG_MS), 0);
	memset(r, 0, sizeof(r));
	for (i = 0; i < NB_REQUESTERS; i++)
		SL_CHECK(pthread_create(&r[i].tid, NULL, requester_main,
			&r[i]) == 0);
	for (i = 0; i < NB_REQUESTERS; i++) {
		pthread_join(r[i].tid, NULL);
		SL_CHECK_EQ(r[i].fail, 0);
		ok += r[i].ok;
	}
	SL_CHECK_EQ(ok, NB_REQUESTERS * NB_CALLS);
	SL_CHECK_EQ(sl_ctl_exec(&env.w, exec_count_get, &count, LONG_MS), 0);
	SL_CHECK_EQ(count, NB_REQUESTERS * ((NB_CALLS + 2) / 3));
	env_stop();
}

/* Requesters that give up quickly against a slow worker: no leak, no race. */
static void *
impatient_main(void *arg)
{
	unsigned int i, *timeouts = arg;

	for (i = 0; i < 200; i++) {
		struct sl_ctl_summary sum;
		int rc = sl_ctl_summary(&env.w, &sum, 1);

		if (rc == -ETIMEDOUT)
			(*timeouts)++;
		else if (rc == -EBUSY)
			usleep(200);
	}
	return NULL;
}

SL_TEST(impatient_requesters)
{
	pthread_t tid[4];
	unsigned int timeouts[4] = { 0 }, i, total = 0;
	struct sl_ctl_summary sum;
	int rc = -EBUSY;

	SL_CHECK(env_start() == 0);
	__atomic_store_n(&worker_pause_us, 2000, __ATOMIC_RELAXED);
	SL_CHECK(worker_start() == 0);
	for (i = 0; i < 4; i++)
		SL_CHECK(pthread_create(&tid[i], NULL, impatient_main,
			&timeouts[i]) == 0);
	for (i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		total += timeouts[i];
	}
	SL_CHECK(total > 0);
	__atomic_store_n(&worker_pause_us, 0, __ATOMIC_RELAXED);
	/* everything left in the ring is served, then a normal round trip;
	 * the ring may still be full of abandoned requests (-EBUSY) while
	 * the worker drains them */
	for (i = 0; i < 1000; i++) {
		rc = sl_ctl_summary(&env.w, &sum, LONG_MS);
		if (rc != -EBUSY)
			break;
		usleep(1000);
	}
	SL_CHECK_EQ(rc, 0);
	worker_stop_join();
	/* what is still queued is cancelled (and freed) by teardown */
	env_stop();
}

int
main(int argc, char **argv)
{
	int rc;

	/* the timeout cases would fill the output with warnings */
	rte_log_set_level((uint32_t)sl_logtype[SL_LOGTYPE_CTL], RTE_LOG_ERR);
	rc = sl_test_main(argc, argv);

	env_stop();
	return rc;
}
