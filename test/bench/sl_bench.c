/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_bench.c: micro-benchmarks of the relay core.
 *
 * Usage: sl_bench [--filter SUBSTR] [--repeat N] [--json FILE] [--list]
 *
 * Each benchmark drives one worker (the unit-test harness's sl_test_env,
 * tx frames captured) with synthetic guest frames built in mbufs and handed
 * to sl_worker_step(), the call the poll loop makes after its rx burst. A
 * small scripted guest answers what sluice sends (SYN-ACKs, data, ACKs);
 * the host side is the in-memory host ("mem"), the sink host (an in-memory
 * host whose poll() costs O(ready) and which holds any number of handles,
 * see sl_bench_host.h) or real kernel sockets on loopback ("kernel"; those
 * benchmarks are named *_kernel).
 *
 * What is timed: TSC cycles spent inside sl_worker_clock() +
 * sl_worker_step(), i.e. the relay core plus the host backend calls it
 * makes. Building guest frames, checking what came out, freeing captured
 * frames and playing the host peer are not timed. Every host call goes
 * through a timing shim, so each result also splits its time into
 * core_ns_per_op and host_ns_per_op (the shim itself adds about one TSC
 * read pair per host call to ns_per_op). Latency benchmarks on the kernel
 * backend are wall-clock instead (they say so).
 *
 * Each benchmark sets up once, runs once to warm up, then --repeat times
 * (default 5). ns_per_op is a run's timed cycles over its operations (so
 * it includes amortised work such as timer-wheel slots); the run with the
 * median ns_per_op is reported, with the minimum and maximum over runs.
 * Benchmarks whose operations are timed one by one also give that run's
 * ns_per_op_p50 and ns_per_op_p99 over single operations: on a busy
 * machine, where preemption inflates means, p50 is the steadier figure.
 * The TSC clock is used throughout; mempool buffers are written once at
 * set-up so that first-touch page faults stay out of the runs (the EAL
 * runs without hugepages, as in the unit tests). MB/s counts 10^6 bytes.
 * The JSON array goes to stdout (or --json FILE); progress and errors go
 * to stderr. A benchmark
 * that cannot run here (e.g. too few file descriptors) reports "skipped";
 * one that fails (a stall, a wrong frame) reports "error" and the process
 * exits with status 1 after printing everything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "sl_bench_host.h"
#include "sl_fwd.h"
#include "sl_host_mem.h"
#include "sl_net.h"
#include "sl_net6.h"
#include "sl_tcp.h"
#include "sl_test.h"

#define BENCH_NB_MBUFS	65535u	/* mempool: plenty for 9999 flows */
#define BENCH_MBUF_CACHE 256u	/* as the app's port pools */
#define BENCH_MAX_FLOWS	16384u	/* flow table (and TCP state) size */
#define BENCH_SINK_MAX	32768u	/* sink host handles */
#define BENCH_BATCH	64u	/* connections per batch (churn benches) */
#define BENCH_STALL	20000u	/* steps without progress: a stall */
#define BENCH_MSS	1460u
#define BENCH_MSS6	1440u	/* over IPv6: MTU 1500 less 60 */
/* bench_bulk's d->arg: the host kind, or'ed with BENCH_V6 for the flow
 * over IPv6 (guest fec0::5054:ff:fe12:3456 to the gateway fec0::2, the
 * host's ::1) */
#define BENCH_V6	0x100
#define BENCH_MIB	(1024u * 1024u)
#define BENCH_EXTRA_MAX	24
#define BENCH_GISN	0x10000000u	/* guest initial sequence numbers */

/* ---- results ------------------------------------------------------------ */

/** One extra field of a result. */
struct bench_extra {
	char key[40];
	double val;
	bool is_int;
	bool is_bool;
	char str[200];		/**< a string value when not empty */
};

/** What one timed run measured. */
struct bench_run {
	uint64_t iterations;
	double ns_per_op;
	double mb_per_s;	/**< < 0: not a throughput benchmark */
	unsigned int n_extra;
	struct bench_extra extra[BENCH_EXTRA_MAX];
};

struct bench_def;

/**
 * bench_fn - one benchmark: set up, warm up, then fill @runs[0..n).
 * @d: its definition
 * @runs: results, zeroed
 * @n: runs wanted
 * @err: filled with a one-line reason on failure or skip
 * @errlen: size of @err
 *
 * Return: 0, -1 on failure, 1 when skipped (cannot run here).
 */
typedef int (*bench_fn)(const struct bench_def *d, struct bench_run *runs,
	unsigned int n, char *err, size_t errlen);

/** A registered benchmark. */
struct bench_def {
	const char *name;
	bench_fn fn;
	unsigned int arg;	/**< window, flow count, ... */
};

/** The reported result of a benchmark (the median run). */
struct bench_result {
	const struct bench_def *def;
	int status;		/**< 0 ok, -1 error, 1 skipped */
	char err[256];
	unsigned int runs;
	double ns_min, ns_max;
	struct bench_run run;
};

static double ns_per_cycle;

/** run_set - add (or replace) an extra numeric field of @r. */
static void
run_set(struct bench_run *r, const char *key, double val, bool is_int)
{
	struct bench_extra *e = NULL;
	unsigned int i;

	for (i = 0; i < r->n_extra; i++)
		if (strcmp(r->extra[i].key, key) == 0)
			e = &r->extra[i];
	if (e == NULL) {
		if (r->n_extra == BENCH_EXTRA_MAX)
			return;
		e = &r->extra[r->n_extra++];
	}
	memset(e, 0, sizeof(*e));
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->val = val;
	e->is_int = is_int;
}

/** run_set_str - add an extra string field of @r. */
static void
run_set_str(struct bench_run *r, const char *key, const char *val)
{
	run_set(r, key, 0, false);
	snprintf(r->extra[r->n_extra - 1].str,
		sizeof(r->extra[r->n_extra - 1].str), "%s", val);
}

/** run_set_bool - add an extra boolean field of @r. */
static void
run_set_bool(struct bench_run *r, const char *key, bool val)
{
	run_set(r, key, val ? 1 : 0, false);
	r->extra[r->n_extra - 1].is_bool = true;
}

/** run_get - an extra numeric field of @r, or @dflt when absent. */
static double
run_get(const struct bench_run *r, const char *key, double dflt)
{
	unsigned int i;

	for (i = 0; i < r->n_extra; i++)
		if (strcmp(r->extra[i].key, key) == 0)
			return r->extra[i].val;
	return dflt;
}

static void
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- the environment: worker, host, timing -------------------------- */

enum bench_host { BH_MEM, BH_KERNEL, BH_SINK };

/** A worker with its host behind the timing shim, and the step clock. */
struct benv {
	struct sl_test_env *env;
	struct sl_worker *w;
	struct sl_host *shim;
	enum bench_host kind;
	uint64_t step_cycles;	/**< in timed steps */
	uint64_t host_cycles;	/**< of which in the host backend */
	uint64_t host_calls;
	uint64_t steps;
	uint64_t *samp;		/**< cycles of each operation timed alone */
	unsigned int n_samp;
	uint64_t samp_c0;
};

#define BENCH_SAMP_MAX	65536u

/** benv_inner - the backend behind the shim (mem host control calls). */
static struct sl_host *
benv_inner(struct benv *b)
{
	return sl_bench_timed_inner(b->shim);
}

/**
 * touch_mbuf - write every page of an mbuf's buffer (mempool iterator), so
 * that first-touch page faults happen at set-up and not in a timed run:
 * the pool hands out all its mbufs in turn (FIFO ring).
 */
static void
touch_mbuf(struct rte_mempool *mp, void *opaque, void *obj, unsigned int idx)
{
	struct rte_mbuf *m = obj;

	(void)mp;
	(void)opaque;
	(void)idx;
	memset(m->buf_addr, 0, m->buf_len);
}

/**
 * benv_init - a worker on a fresh @kind host behind the timing shim.
 * Return: 0 or -1.
 */
static int
benv_init(struct benv *b, enum bench_host kind, char *err, size_t errlen)
{
	struct sl_test_env_opts o = { .nb_mbufs = BENCH_NB_MBUFS,
		.cache = BENCH_MBUF_CACHE };
	struct sl_config cfg;
	struct sl_host *inner;

	memset(b, 0, sizeof(*b));
	b->kind = kind;
	switch (kind) {
	case BH_KERNEL:
		inner = sl_host_kernel_create();
		break;
	case BH_SINK:
		inner = sl_bench_sink_create(BENCH_SINK_MAX);
		break;
	default:
		inner = sl_host_mem_create();
		break;
	}
	b->shim = sl_bench_timed_create(inner);
	if (b->shim == NULL) {
		errf(err, errlen, "cannot create the host backend");
		return -1;
	}
	b->env = calloc(1, sizeof(*b->env));
	if (b->env == NULL) {
		sl_host_destroy(b->shim);
		errf(err, errlen, "out of memory");
		return -1;
	}
	sl_config_defaults(&cfg);
	cfg.dns_fwd = RTE_BE32(RTE_IPV4(127, 0, 0, 53));
	cfg.max_flows = BENCH_MAX_FLOWS;
	o.host = b->shim;
	if (sl_test_env_init_opts(b->env, &cfg, &o) != 0) {
		free(b->env);
		b->env = NULL;
		errf(err, errlen, "cannot set up the worker (EAL, mempool)");
		return -1;
	}
	b->w = &b->env->w;
	rte_mempool_obj_iter(b->w->mp, touch_mbuf, NULL);
	b->samp = calloc(BENCH_SAMP_MAX, sizeof(*b->samp));
	if (b->samp == NULL) {
		sl_test_env_fini(b->env);
		free(b->env);
		b->env = NULL;
		errf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void
benv_fini(struct benv *b)
{
	free(b->samp);
	b->samp = NULL;
	if (b->env == NULL)
		return;
	sl_test_env_fini(b->env);
	free(b->env);
	b->env = NULL;
}

/** benv_reset_clock - zero the step and host counters. */
static void
benv_reset_clock(struct benv *b)
{
	b->step_cycles = b->host_cycles = b->host_calls = b->steps = 0;
	b->n_samp = 0;
}

/** benv_op_begin - start timing one operation (its timed steps). */
static inline void
benv_op_begin(struct benv *b)
{
	b->samp_c0 = b->step_cycles;
}

/** benv_op_end - end one operation: keep its cycles as a sample. */
static inline void
benv_op_end(struct benv *b)
{
	if (b->n_samp < BENCH_SAMP_MAX)
		b->samp[b->n_samp++] = b->step_cycles - b->samp_c0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/** benv_step - one timed iteration on @n frames. */
static inline void
benv_step(struct benv *b, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t hc0, hn0, hc1, hn1, t0, t1;

	sl_bench_timed_read(b->shim, &hc0, &hn0);
	t0 = rte_rdtsc();
	sl_worker_clock(b->w);
	sl_worker_step(b->w, pkts, n);
	t1 = rte_rdtsc();
	sl_bench_timed_read(b->shim, &hc1, &hn1);
	b->step_cycles += t1 - t0;
	b->host_cycles += hc1 - hc0;
	b->host_calls += hn1 - hn0;
	b->steps++;
}

/** benv_step1 - one timed iteration on one frame (NULL: none). */
static inline void
benv_step1(struct benv *b, struct rte_mbuf *m)
{
	benv_step(b, &m, m != NULL ? 1 : 0);
}

/** benv_idle - one untimed iteration without frames. */
static void
benv_idle(struct benv *b)
{
	sl_worker_clock(b->w);
	sl_worker_step(b->w, NULL, 0);
}

/**
 * benv_close_all - end every flow (TCP: reset both ways), flush the
 * resulting frames and drop everything captured. Untimed.
 */
static void
benv_close_all(struct benv *b)
{
	uint32_t i;

	for (i = 0; i < b->w->ft.max; i++) {
		struct sl_flow *f = &b->w->ft.flows[i];

		if (!f->in_use)
			continue;
		if (f->proto == IPPROTO_TCP)
			sl_tcp_close_flow(b->w, f);
		else
			sl_worker_free_flow(b->w, f, false);
	}
	benv_idle(b);
	sl_test_cap_clear(b->env);
}

/**
 * benv_renew_mem - replace the in-memory host with a fresh one (its poll()
 * scans every slot ever used; churn benchmarks renew it every batch).
 * Every flow and listener must be closed. Return: 0 or -1.
 */
static int
benv_renew_mem(struct benv *b)
{
	struct sl_host *h;

	if (b->kind != BH_MEM)
		return 0;
	if (benv_inner(b)->open_handles != 0)
		return -1;
	h = sl_host_mem_create();
	if (h == NULL)
		return -1;
	sl_bench_timed_swap(b->shim, h);
	return 0;
}

static double
cyc_ns(uint64_t cycles)
{
	return (double)cycles * ns_per_cycle;
}

/**
 * run_fill - the common fields of a run: @ops operations took the timed
 * steps counted in @b; @bytes moved (0: not a throughput benchmark).
 */
static void
run_fill(struct bench_run *r, struct benv *b, uint64_t ops,
	uint64_t bytes)
{
	double ns = cyc_ns(b->step_cycles);

	if (ops == 0)
		ops = 1;
	r->iterations = ops;
	r->ns_per_op = ns / (double)ops;
	r->mb_per_s = bytes > 0 && ns > 0 ? (double)bytes * 1e3 / ns : -1;
	run_set(r, "core_ns_per_op",
		(ns - cyc_ns(b->host_cycles)) / (double)ops, false);
	run_set(r, "host_ns_per_op", cyc_ns(b->host_cycles) / (double)ops,
		false);
	run_set(r, "host_calls_per_op", (double)b->host_calls / (double)ops,
		false);
	run_set(r, "steps_per_op", (double)b->steps / (double)ops, false);
	run_set_str(r, "host", b->kind == BH_MEM ? "mem" :
		b->kind == BH_KERNEL ? "kernel" : "sink");
	if (b->n_samp > 0) {
		/* the typical operation, robust to preemption on a busy host */
		qsort(b->samp, b->n_samp, sizeof(b->samp[0]), cmp_u64);
		run_set(r, "ns_per_op_p50", cyc_ns(b->samp[b->n_samp / 2]),
			false);
		run_set(r, "ns_per_op_p99", cyc_ns(b->samp[(uint64_t)
			b->n_samp * 99 / 100]), false);
	}
}

/* ---- the scripted guest ------------------------------------------------ */

/** The guest's side of one flow. */
struct gflow {
	uint8_t proto;
	bool v6;		/**< TCP over IPv6 (gaddr6 -> daddr6) */
	uint8_t gaddr6[16], daddr6[16];
	uint32_t daddr;		/**< destination (network order) */
	uint16_t sport;		/**< guest port (ICMP: echo id), host order */
	uint16_t dport;		/**< host order */
	uint32_t snd_nxt;	/**< TCP: next guest sequence number */
	uint32_t snd_isn;	/**< TCP: guest ISN (stream offset 0 - 1) */
	uint32_t rcv_nxt;	/**< TCP: next sequence expected from sluice */
	uint32_t rcv_isn;	/**< TCP: sluice's ISN */
	uint32_t sl_edge;	/**< TCP: right edge of sluice's window */
	uint8_t sl_ws;		/**< TCP: sluice's window shift */
	uint16_t win;		/**< TCP: window field the guest sends */
	uint16_t icmp_seq;
	int peer;		/**< kernel: the host side's socket, or -1 */
};

/** A TCP/UDP/ICMP frame sluice sent, parsed. */
struct oseg {
	uint8_t proto;
	uint8_t flags;
	uint16_t sport, dport;	/**< host order (ICMP: id in dport) */
	uint32_t seq, ack;
	uint16_t win;
	uint16_t mss;		/**< 0: absent */
	int ws;			/**< -1: absent */
	uint32_t len;		/**< payload bytes */
	uint32_t pay_off;	/**< payload offset in the frame */
};

static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/** pat_fill - the test pattern of stream bytes [off, off + len). */
static void
pat_fill(uint8_t *d, uint64_t off, uint32_t len)
{
	uint32_t r = (uint32_t)(off % 251), i;

	for (i = 0; i < len; i++) {
		d[i] = (uint8_t)r;
		if (++r == 251)
			r = 0;
	}
}

/** pat_check - whether @d holds the pattern of [off, off + len). */
static bool
pat_check(const uint8_t *d, uint64_t off, uint32_t len)
{
	uint32_t r = (uint32_t)(off % 251), i;

	for (i = 0; i < len; i++) {
		if (d[i] != (uint8_t)r)
			return false;
		if (++r == 251)
			r = 0;
	}
	return true;
}

/**
 * g_tcp - a guest TCP segment for @g, checksums valid.
 * @b: environment
 * @g: flow
 * @flags: TCP flags
 * @seq: sequence number
 * @win: window field
 * @opts: options (or NULL)
 * @optlen: option bytes (multiple of 4)
 * @pat_off: stream offset of the payload (pattern bytes)
 * @len: payload bytes (at most one MSS)
 *
 * The ACK field is g->rcv_nxt. Return: frame or NULL.
 */
static struct rte_mbuf *
g_tcp(struct benv *b, const struct gflow *g, uint8_t flags, uint32_t seq,
	uint16_t win, const uint8_t *opts, uint8_t optlen, uint64_t pat_off,
	uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(b->w->mp);
	struct rte_tcp_hdr *th;

	if (m == NULL)
		return NULL;
	th = (struct rte_tcp_hdr *)rte_pktmbuf_append(m,
		(uint16_t)(sizeof(*th) + optlen + len));
	if (th == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(th, 0, sizeof(*th));
	th->src_port = rte_cpu_to_be_16(g->sport);
	th->dst_port = rte_cpu_to_be_16(g->dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = (flags & RTE_TCP_ACK_FLAG) ?
		rte_cpu_to_be_32(g->rcv_nxt) : 0;
	th->data_off = (uint8_t)(((sizeof(*th) + optlen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(win);
	if (optlen > 0)
		memcpy(th + 1, opts, optlen);
	if (len > 0)
		pat_fill((uint8_t *)(th + 1) + optlen, pat_off, len);
	if ((g->v6 ? sl_net_prepend_ipv6(m, &sl_test_guest_mac,
	    &b->w->gw_mac, g->gaddr6, g->daddr6, IPPROTO_TCP, 64) :
	    sl_net_prepend_ipv4(m, &sl_test_guest_mac, &b->w->gw_mac,
	    b->env->cfg.guest_addr, g->daddr, IPPROTO_TCP)) != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	sl_net_l4_cksum(m);
	return m;
}

/** g_mss - the guest's MSS on @g (what its SYN says, what it sends). */
static inline uint32_t
g_mss(const struct gflow *g)
{
	return g->v6 ? BENCH_MSS6 : BENCH_MSS;
}

/** g_udp - a guest UDP datagram of @len pattern bytes for @g. */
static struct rte_mbuf *
g_udp(struct benv *b, const struct gflow *g, uint16_t len)
{
	uint8_t pay[256];

	if (len > sizeof(pay))
		len = sizeof(pay);
	pat_fill(pay, g->sport, len);
	return sl_test_udp_frame(b->env, &sl_test_guest_mac,
		rte_be_to_cpu_32(b->env->cfg.guest_addr), g->sport,
		rte_be_to_cpu_32(g->daddr), g->dport, pay, len);
}

/** g_icmp - a guest echo request for @g with @len data bytes. */
static struct rte_mbuf *
g_icmp(struct benv *b, struct gflow *g, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(b->w->mp);
	struct rte_icmp_hdr *ic;

	if (m == NULL)
		return NULL;
	ic = (struct rte_icmp_hdr *)rte_pktmbuf_append(m,
		(uint16_t)(sizeof(*ic) + len));
	if (ic == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ic->icmp_code = 0;
	ic->icmp_cksum = 0;
	ic->icmp_ident = rte_cpu_to_be_16(g->sport);
	ic->icmp_seq_nb = rte_cpu_to_be_16(g->icmp_seq++);
	pat_fill((uint8_t *)(ic + 1), 0, len);
	if (sl_net_prepend_ipv4(m, &sl_test_guest_mac, &b->w->gw_mac,
	    b->env->cfg.guest_addr, g->daddr, IPPROTO_ICMP) != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	sl_net_l4_cksum(m);
	return m;
}

/** o_parse - parse a frame sluice sent (IPv4, or IPv6 without extension
 * headers). Return: 0, or -1 if not L4. */
static int
o_parse(const struct rte_mbuf *m, struct oseg *o)
{
	const struct rte_ipv4_hdr *ip;
	uint32_t ihl, tot;

	memset(o, 0, sizeof(*o));
	o->ws = -1;
	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + 20 + 8)
		return -1;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN);
	if ((ip->version_ihl >> 4) == 6) {
		const struct rte_ipv6_hdr *ip6 = (const void *)ip;

		if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + 40 + 8)
			return -1;
		ihl = 40;
		tot = 40u + rte_be_to_cpu_16(ip6->payload_len);
		o->proto = ip6->proto;
	} else {
		ihl = (uint32_t)(ip->version_ihl & 0x0f) * 4;
		tot = rte_be_to_cpu_16(ip->total_length);
		o->proto = ip->next_proto_id;
	}
	if (o->proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)
			((const uint8_t *)ip + ihl);
		uint32_t hl = (uint32_t)(th->data_off >> 4) * 4, i;
		const uint8_t *op = (const uint8_t *)(th + 1);

		o->flags = th->tcp_flags;
		o->sport = rte_be_to_cpu_16(th->src_port);
		o->dport = rte_be_to_cpu_16(th->dst_port);
		o->seq = rte_be_to_cpu_32(th->sent_seq);
		o->ack = rte_be_to_cpu_32(th->recv_ack);
		o->win = rte_be_to_cpu_16(th->rx_win);
		o->pay_off = RTE_ETHER_HDR_LEN + ihl + hl;
		o->len = tot - ihl - hl;
		for (i = 0; i + sizeof(*th) < hl;) {
			uint8_t kind = op[i];

			if (kind == 0)
				break;
			if (kind == 1) {
				i++;
				continue;
			}
			if (op[i + 1] < 2)
				break;
			if (kind == 2 && op[i + 1] == 4)
				o->mss = (uint16_t)(op[i + 2] << 8 | op[i + 3]);
			if (kind == 3 && op[i + 1] == 3)
				o->ws = op[i + 2];
			i += op[i + 1];
		}
	} else if (o->proto == IPPROTO_UDP) {
		const struct rte_udp_hdr *uh = (const struct rte_udp_hdr *)
			((const uint8_t *)ip + ihl);

		o->sport = rte_be_to_cpu_16(uh->src_port);
		o->dport = rte_be_to_cpu_16(uh->dst_port);
		o->pay_off = RTE_ETHER_HDR_LEN + ihl + 8;
		o->len = tot - ihl - 8;
	} else if (o->proto == IPPROTO_ICMP) {
		const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)
			((const uint8_t *)ip + ihl);

		o->flags = ic->icmp_type;
		o->dport = rte_be_to_cpu_16(ic->icmp_ident);
		o->pay_off = RTE_ETHER_HDR_LEN + ihl + 8;
		o->len = tot - ihl - 8;
	} else {
		return -1;
	}
	return 0;
}

/** o_for - whether TCP frame @o belongs to the guest flow @g. */
static inline bool
o_for(const struct oseg *o, const struct gflow *g)
{
	return o->proto == IPPROTO_TCP && o->dport == g->sport &&
		o->sport == g->dport;
}

/** g_track - note sluice's ACK and window from @o. */
static inline void
g_track(struct gflow *g, const struct oseg *o)
{
	uint32_t edge;

	if (!(o->flags & RTE_TCP_ACK_FLAG) || (o->flags & RTE_TCP_SYN_FLAG))
		return;
	edge = o->ack + ((uint32_t)o->win << g->sl_ws);
	if (seq_lt(g->sl_edge, edge))
		g->sl_edge = edge;
}

/** The guest's SYN options: MSS @mss, NOP, window scale @ws. */
static void
syn_opts(uint8_t o[8], uint8_t ws, uint32_t mss)
{
	o[0] = 2;
	o[1] = 4;
	o[2] = (uint8_t)(mss >> 8);
	o[3] = (uint8_t)mss;
	o[4] = 1;
	o[5] = 3;
	o[6] = 3;
	o[7] = ws;
}

/**
 * g_find_synack - find sluice's SYN-ACK for @g among the captured frames
 * and take its sequence number, window and shift. Return: true if found.
 */
static bool
g_find_synack(struct benv *b, struct gflow *g)
{
	unsigned int i;

	for (i = 0; i < b->env->cap.n; i++) {
		struct oseg o;

		if (o_parse(b->env->cap.m[i], &o) != 0 || !o_for(&o, g) ||
		    o.flags != (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG))
			continue;
		g->rcv_isn = o.seq;
		g->rcv_nxt = o.seq + 1;
		g->sl_ws = o.ws >= 0 ? (uint8_t)o.ws : 0;
		g->sl_edge = o.ack + o.win;	/* never scaled */
		return true;
	}
	return false;
}

/** kaccept - accept one connection on listener @l, waiting up to 1 s. */
static int
kaccept(int l)
{
	struct pollfd p = { .fd = l, .events = POLLIN };
	int fd;

	if (poll(&p, 1, 1000) <= 0)
		return -1;
	fd = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd >= 0) {
		int one = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return fd;
}

/**
 * g_tcp_open - open @g toward sluice: SYN (window scale @ws offered,
 * window field @syn_win), SYN-ACK, ACK (window field g->win). With the
 * kernel host, @lfd is the listener the host side accepts on (g->peer).
 * Untimed. Return: 0 or -1.
 */
static int
g_tcp_open(struct benv *b, struct gflow *g, uint8_t ws, uint16_t syn_win,
	int lfd)
{
	uint8_t opts[8];
	struct rte_mbuf *m;
	unsigned int i;

	syn_opts(opts, ws, g_mss(g));
	g->snd_isn = g->snd_nxt;
	g->peer = -1;
	m = g_tcp(b, g, RTE_TCP_SYN_FLAG, g->snd_nxt, syn_win, opts, 8, 0, 0);
	if (m == NULL)
		return -1;
	sl_worker_clock(b->w);
	sl_worker_step(b->w, &m, 1);
	g->snd_nxt++;
	for (i = 0; !g_find_synack(b, g); i++) {
		if (i == BENCH_STALL)
			return -1;
		if (b->kind == BH_KERNEL)
			usleep(i < 100 ? 0 : 100);
		benv_idle(b);
	}
	sl_test_cap_clear(b->env);
	m = g_tcp(b, g, RTE_TCP_ACK_FLAG, g->snd_nxt, g->win, NULL, 0, 0, 0);
	if (m == NULL)
		return -1;
	sl_worker_clock(b->w);
	sl_worker_step(b->w, &m, 1);
	sl_test_cap_clear(b->env);
	if (lfd >= 0) {
		g->peer = kaccept(lfd);
		if (g->peer < 0)
			return -1;
	}
	return 0;
}

/* ---- kernel helpers ------------------------------------------------------ */

/**
 * ksock - a bench-owned non-blocking socket bound to 127.0.0.1:0 (listening
 * when @type is SOCK_STREAM).
 * @type: SOCK_STREAM or SOCK_DGRAM
 * @port: filled with the port the kernel chose (host order)
 *
 * Return: fd or -1.
 */
static int
ksock(int type, uint16_t *port)
{
	union sl_sockaddr sa = { .in.sin_family = AF_INET,
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 4096) != 0) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.in.sin_port);
	return fd;
}

/** kfree_port - a TCP port on 127.0.0.1 that is free right now, or 0. */
static uint16_t
kfree_port(void)
{
	uint16_t port = 0;
	int fd = ksock(SOCK_STREAM, &port);

	if (fd < 0)
		return 0;
	close(fd);
	return port;
}

/** kdrain - read and discard what is queued on @fd. Return: bytes. */
static size_t
kdrain(int fd)
{
	static uint8_t buf[65536];
	size_t total = 0;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		total += (size_t)n;
	return total;
}

/** kfd_room - file descriptors still available to this process. */
static long
kfd_room(void)
{
	struct rlimit rl;
	long open_fds = 0;
	int fd;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			open_fds++;
	return (long)rl.rlim_cur - open_fds;
}

/** kping_ok - whether unprivileged ping sockets can be made here. */
static bool
kping_ok(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/** klocal_addr - a local non-loopback IPv4 address (network order), or 0. */
static uint32_t
klocal_addr(void)
{
	struct ifaddrs *ifa, *i;
	uint32_t a = 0;

	if (getifaddrs(&ifa) != 0)
		return 0;
	for (i = ifa; i != NULL && a == 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
		    (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
			continue;
		a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
	}
	freeifaddrs(ifa);
	return a;
}

/* ---- process_syn ------------------------------------------------------ */

/**
 * syn_op - one guest SYN (source port @sport, to the gateway's @dport), the
 * timed steps until sluice's SYN-ACK. Return: 0 or -1.
 */
static int
syn_op(struct benv *b, uint16_t sport, uint16_t dport, char *err,
	size_t errlen)
{
	struct gflow g = { .proto = IPPROTO_TCP, .daddr = b->env->cfg.gateway,
		.sport = sport, .dport = dport, .snd_nxt = BENCH_GISN + sport };
	struct rte_mbuf *m;
	uint8_t opts[8];
	unsigned int j;

	syn_opts(opts, 7, BENCH_MSS);
	m = g_tcp(b, &g, RTE_TCP_SYN_FLAG, g.snd_nxt, 65535, opts, 8, 0, 0);
	if (m == NULL) {
		errf(err, errlen, "out of mbufs");
		return -1;
	}
	benv_op_begin(b);
	benv_step1(b, m);
	for (j = 0; !g_find_synack(b, &g); j++) {
		if (j == BENCH_STALL) {
			errf(err, errlen, "no SYN-ACK for port %u", sport);
			return -1;
		}
		benv_step1(b, NULL);
	}
	benv_op_end(b);
	sl_test_cap_clear(b->env);
	return 0;
}

/**
 * bench_process_syn - guest SYN -> SYN-ACK. mem: the host connect succeeds
 * at once, so one step. kernel: a loopback connect to a bench listener;
 * steps until the SYN-ACK (all timed). Batches of BENCH_BATCH connections,
 * closed (and the mem host renewed) between batches, untimed.
 */
static int
bench_process_syn(const struct bench_def *d, struct bench_run *runs,
	unsigned int nruns, char *err, size_t errlen)
{
	const unsigned int batches = d->arg == BH_KERNEL ? 8 : 16;
	int peers[BENCH_BATCH];
	uint16_t lport = 80;
	struct benv b;
	unsigned int r, k, i;
	int lfd = -1, rc = -1;

	if (benv_init(&b, (enum bench_host)d->arg, err, errlen) != 0)
		return -1;
	if (b.kind == BH_KERNEL) {
		lfd = ksock(SOCK_STREAM, &lport);
		if (lfd < 0) {
			errf(err, errlen, "cannot listen on loopback");
			goto out;
		}
	}
	for (r = 0; r <= nruns; r++) {
		uint64_t ops = 0;

		benv_reset_clock(&b);
		for (k = 0; k < batches; k++) {
			for (i = 0; i < BENCH_BATCH; i++) {
				if (syn_op(&b, (uint16_t)(20000 + i), lport,
				    err, errlen) != 0)
					goto out;
				peers[i] = lfd >= 0 ? kaccept(lfd) : -1;
				ops++;
			}
			benv_close_all(&b);
			for (i = 0; i < BENCH_BATCH; i++)
				if (peers[i] >= 0)
					close(peers[i]);
			if (benv_renew_mem(&b) != 0) {
				errf(err, errlen, "closed flows left handles");
				goto out;
			}
		}
		if (r > 0)
			run_fill(&runs[r - 1], &b, ops, 0);
	}
	rc = 0;
out:
	if (lfd >= 0)
		close(lfd);
	benv_fini(&b);
	return rc;
}

/* ---- inbound: accept latency and the SYN-ACK transition ---------------- */

/** The state of one inbound benchmark. */
struct inbound {
	struct benv b;
	struct sl_fwd_spec spec;
	bool kern;		/**< kernel backend, real clients */
	uint16_t port;		/**< the forward's host port */
	int lhd;		/**< mem: the forward's listener handle */
	int clients[BENCH_BATCH];
	uint64_t wall;		/**< kernel: connect() to SYN, cycles */
};

/**
 * inbound_connect - a host client connects to the forward: mem, a queued
 * connection from 127.0.0.1:@cport; kernel, a non-blocking connect().
 * Return: 0 or -1.
 */
static int
inbound_connect(struct inbound *x, unsigned int i, uint16_t cport,
	char *err, size_t errlen)
{
	union sl_sockaddr peer = { .in.sin_family = AF_INET,
		.in.sin_port = htons(cport),
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd;

	x->clients[i] = -1;
	if (!x->kern) {
		if (sl_host_mem_incoming(benv_inner(&x->b), x->lhd,
		    &peer) != 0) {
			errf(err, errlen, "mem incoming failed");
			return -1;
		}
		return 0;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	x->clients[i] = fd;
	peer.in.sin_port = htons(x->port);
	if (fd < 0 || (connect(fd, (struct sockaddr *)&peer,
	    sizeof(peer)) != 0 && errno != EINPROGRESS)) {
		errf(err, errlen, "connect: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/**
 * inbound_op - one host connection on the forward: timed steps until
 * sluice's SYN toward the guest; with @full, also the guest's SYN-ACK and
 * the step that answers it with sluice's ACK (ESTABLISHED).
 * Return: 0 or -1.
 */
static int
inbound_op(struct inbound *x, unsigned int i, bool full, char *err,
	size_t errlen)
{
	struct gflow g = { .proto = IPPROTO_TCP,
		.daddr = x->b.env->cfg.gateway, .sport = 80,
		.snd_nxt = BENCH_GISN };
	struct benv *b = &x->b;
	struct oseg o = { 0 };
	struct rte_mbuf *m;
	unsigned int j, c;
	uint8_t opts[8];
	bool found = false;
	uint64_t t0;

	benv_op_begin(b);
	t0 = rte_rdtsc();
	if (inbound_connect(x, i, (uint16_t)(30000 + i), err, errlen) != 0)
		return -1;
	for (j = 0; !found; j++) {
		if (j == BENCH_STALL) {
			errf(err, errlen, "no SYN toward the guest");
			return -1;
		}
		benv_step1(b, NULL);
		for (c = 0; c < b->env->cap.n && !found; c++)
			found = o_parse(b->env->cap.m[c], &o) == 0 &&
				o.proto == IPPROTO_TCP &&
				o.flags == RTE_TCP_SYN_FLAG;
	}
	t0 = rte_rdtsc() - t0;
	x->wall += t0;
	sl_test_cap_clear(b->env);
	if (x->kern) {
		/* the figure is wall-clock: connect() to the SYN */
		if (b->n_samp < BENCH_SAMP_MAX)
			b->samp[b->n_samp++] = t0;
		return 0;
	}
	if (!full) {
		benv_op_end(b);
		return 0;
	}
	/* the guest's SYN-ACK; sluice ACKs it */
	g.dport = o.sport;
	g.rcv_nxt = o.seq + 1;
	syn_opts(opts, 7, BENCH_MSS);
	m = g_tcp(b, &g, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, g.snd_nxt,
		65535, opts, 8, 0, 0);
	if (m == NULL) {
		errf(err, errlen, "out of mbufs");
		return -1;
	}
	benv_step1(b, m);
	benv_op_end(b);
	found = false;
	for (c = 0; c < b->env->cap.n && !found; c++)
		found = o_parse(b->env->cap.m[c], &o) == 0 && o_for(&o, &g) &&
			o.flags == RTE_TCP_ACK_FLAG && o.ack == BENCH_GISN + 1;
	sl_test_cap_clear(b->env);
	if (!found) {
		errf(err, errlen, "no ACK of the guest's SYN-ACK");
		return -1;
	}
	return 0;
}

/**
 * inbound_batch - add the forward, run BENCH_BATCH operations, then (not
 * timed) remove it, close every flow and client, renew the mem host.
 * Return: 0 or -1.
 */
static int
inbound_batch(struct inbound *x, bool full, char *err, size_t errlen)
{
	unsigned int i;
	int rc;

	rc = sl_fwd_add(x->b.w, &x->spec);
	if (rc != 0) {
		errf(err, errlen, "sl_fwd_add: %s", strerror(-rc));
		return -1;
	}
	x->lhd = x->kern ? -1 : sl_host_mem_last(benv_inner(&x->b));
	for (i = 0; i < BENCH_BATCH; i++)
		x->clients[i] = -1;
	rc = 0;
	for (i = 0; i < BENCH_BATCH && rc == 0; i++)
		rc = inbound_op(x, i, full, err, errlen);
	sl_fwd_del(x->b.w, &x->spec);
	benv_close_all(&x->b);
	for (i = 0; i < BENCH_BATCH; i++)
		if (x->clients[i] >= 0)
			close(x->clients[i]);
	if (rc == 0 && benv_renew_mem(&x->b) != 0) {
		errf(err, errlen, "closed flows left handles");
		rc = -1;
	}
	return rc;
}

/**
 * bench_inbound - a forward's listener gets a host connection; sluice
 * accepts it and sends its SYN to the guest. arg bit 0: also answer with the
 * guest's SYN-ACK and time up to ESTABLISHED (sluice's ACK);
 * arg bit 1: kernel backend (a real client connect()s; the figure is then
 * the wall-clock time from connect() to the SYN).
 */
static int
bench_inbound(const struct bench_def *d, struct bench_run *runs,
	unsigned int nruns, char *err, size_t errlen)
{
	const bool full = d->arg & 1;
	struct inbound x = { .kern = (d->arg & 2) != 0 };
	const unsigned int batches = x.kern ? 8 : 16;
	unsigned int r, k;
	char text[64];
	int rc = -1;

	if (benv_init(&x.b, x.kern ? BH_KERNEL : BH_MEM, err, errlen) != 0)
		return -1;
	x.port = x.kern ? kfree_port() : 18080;
	snprintf(text, sizeof(text), "127.0.0.1/%u:80", x.port);
	if (x.port == 0 || sl_fwd_parse(text, IPPROTO_TCP, &x.spec, err,
	    errlen) != 0) {
		errf(err, errlen, "no port for the forward");
		goto out;
	}
	for (r = 0; r <= nruns; r++) {
		uint64_t ops = 0;

		benv_reset_clock(&x.b);
		x.wall = 0;
		for (k = 0; k < batches; k++, ops += BENCH_BATCH)
			if (inbound_batch(&x, full, err, errlen) != 0)
				goto out;
		if (r == 0)
			continue;
		run_fill(&runs[r - 1], &x.b, ops, 0);
		if (x.kern) {
			runs[r - 1].ns_per_op = cyc_ns(x.wall) / (double)ops;
			run_set(&runs[r - 1], "step_ns_per_op",
				cyc_ns(x.b.step_cycles) / (double)ops, false);
			run_set_str(&runs[r - 1], "clock",
				"wall: connect() to SYN emitted");
		}
	}
	rc = 0;
out:
	benv_fini(&x.b);
	return rc;
}

/* ---- bulk transfers ---------------------------------------------------- */

/** A bulk transfer flow: the guest flow and its host side. */
struct bulk {
	struct benv b;
	struct gflow g;
	int hd;			/**< mem: sluice's handle */
	int lfd;		/**< kernel: the listener */
	uint64_t g2h_off;	/**< bytes the host side received so far */
	uint64_t h2g_off;	/**< bytes the host side sent so far */
	uint64_t h2g_rcvd;	/**< bytes the guest received so far */
	uint64_t oow;		/**< data sent beyond the guest's window */
	uint64_t dup;		/**< data segments not in order */
	uint8_t *buf;
	size_t buflen;
};

/** bulk_fini - close the flow and the environment. */
static void
bulk_fini(struct bulk *k)
{
	if (k->b.env != NULL)
		benv_close_all(&k->b);
	if (k->g.peer >= 0)
		close(k->g.peer);
	if (k->lfd >= 0)
		close(k->lfd);
	benv_fini(&k->b);
	free(k->buf);
}

/**
 * bulk_init - open one TCP flow: guest window scale @ws, window field
 * @win (also the SYN's, capped to 65535); over IPv6 when @v6 (the mem host
 * only: to the gateway fec0::2, the host's ::1).
 */
static int
bulk_init(struct bulk *k, enum bench_host kind, bool v6, uint8_t ws,
	uint16_t win, char *err, size_t errlen)
{
	union sl_sockaddr dst = { .in.sin_family = AF_INET,
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	memset(k, 0, sizeof(*k));
	k->lfd = -1;
	k->g.peer = -1;
	k->buflen = BENCH_MIB;
	k->buf = malloc(k->buflen);
	if (k->buf == NULL) {
		errf(err, errlen, "out of memory");
		return -1;
	}
	if (benv_init(&k->b, kind, err, errlen) != 0)
		return -1;
	k->g.proto = IPPROTO_TCP;
	k->g.daddr = k->b.env->cfg.gateway;
	if (v6) {
		if (kind != BH_MEM || !k->b.env->cfg.ipv6 ||
		    inet_pton(AF_INET6, "fec0::5054:ff:fe12:3456",
		    k->g.gaddr6) != 1) {
			errf(err, errlen, "IPv6 bulk: mem host, --ipv6 on");
			return -1;
		}
		k->g.v6 = true;
		memcpy(k->g.daddr6, k->b.env->cfg.gateway6, 16);
		memset(&dst, 0, sizeof(dst));
		dst.in6.sin6_family = AF_INET6;
		dst.in6.sin6_addr = in6addr_loopback;
	}
	k->g.sport = 40000;
	k->g.dport = 80;
	k->g.snd_nxt = BENCH_GISN;
	k->g.win = win;
	if (kind == BH_KERNEL) {
		k->lfd = ksock(SOCK_STREAM, &k->g.dport);
		if (k->lfd < 0) {
			errf(err, errlen, "cannot listen on loopback");
			return -1;
		}
	}
	if (g_tcp_open(&k->b, &k->g, ws, win, k->lfd) != 0) {
		errf(err, errlen, "handshake failed");
		return -1;
	}
	if (kind == BH_MEM) {
		if (v6)
			dst.in6.sin6_port = htons(k->g.dport);
		else
			dst.in.sin_port = htons(k->g.dport);
		k->hd = sl_host_mem_find(benv_inner(&k->b), SL_HOST_TCP, &dst);
		if (k->hd < 0) {
			errf(err, errlen, "no host socket");
			return -1;
		}
	}
	return 0;
}

/**
 * bulk_host_take - the host side reads what sluice wrote, checking the
 * pattern. Return: bytes, or -1 on corrupt data.
 */
static long
bulk_host_take(struct bulk *k)
{
	long total = 0;

	for (;;) {
		size_t n;

		if (k->b.kind == BH_MEM) {
			n = sl_host_mem_take(benv_inner(&k->b), k->hd, k->buf,
				k->buflen);
		} else {
			ssize_t s = recv(k->g.peer, k->buf, k->buflen,
				MSG_DONTWAIT);

			n = s > 0 ? (size_t)s : 0;
		}
		if (n == 0)
			return total;
		if (!pat_check(k->buf, k->g2h_off, (uint32_t)n))
			return -1;
		k->g2h_off += n;
		total += (long)n;
	}
}

/**
 * bulk_g2h - the guest sends @len bytes (segments of one MSS, up to a burst
 * per step, within sluice's window); the host side reads everything after
 * every step. Return: 0 or -1.
 */
static int
bulk_g2h(struct bulk *k, uint64_t len, char *err, size_t errlen)
{
	struct benv *b = &k->b;
	struct gflow *g = &k->g;
	uint64_t end = k->g2h_off + len;
	unsigned int idle = 0, i;

	while (k->g2h_off < end) {
		struct rte_mbuf *pkts[SL_BURST];
		uint16_t n = 0;
		long got;

		while (n < SL_BURST) {
			uint32_t off = g->snd_nxt - g->snd_isn - 1;
			uint32_t room = seq_lt(g->snd_nxt, g->sl_edge) ?
				g->sl_edge - g->snd_nxt : 0;
			uint32_t l = g_mss(g);

			if (room < l)
				l = room;
			if ((uint64_t)off + l > end)
				l = (uint32_t)(end - off);
			if (l == 0)
				break;
			pkts[n] = g_tcp(b, g, RTE_TCP_ACK_FLAG |
				(l < g_mss(g) ? RTE_TCP_PSH_FLAG : 0),
				g->snd_nxt, g->win, NULL, 0, off, (uint16_t)l);
			if (pkts[n] == NULL) {
				errf(err, errlen, "out of mbufs");
				return -1;
			}
			g->snd_nxt += l;
			n++;
		}
		benv_step(b, pkts, n);
		for (i = 0; i < b->env->cap.n; i++) {
			struct oseg o;

			if (o_parse(b->env->cap.m[i], &o) == 0 && o_for(&o, g))
				g_track(g, &o);
		}
		sl_test_cap_clear(b->env);
		got = bulk_host_take(k);
		if (got < 0) {
			errf(err, errlen, "guest->host data corrupted");
			return -1;
		}
		idle = got > 0 || n > 0 ? 0 : idle + 1;
		if (idle == BENCH_STALL) {
			errf(err, errlen, "guest->host stalled at %llu of "
				"%llu bytes (window edge %u, next %u)",
				(unsigned long long)k->g2h_off,
				(unsigned long long)end, g->sl_edge,
				g->snd_nxt);
			return -1;
		}
		if (b->kind == BH_KERNEL && idle > 100)
			usleep(50);
	}
	return 0;
}

/**
 * bulk_host_push - the host side sends what it can of the first @upto
 * bytes of its stream (mem: everything at once).
 */
static void
bulk_host_push(struct bulk *k, uint64_t upto)
{
	while (k->h2g_off < upto) {
		uint32_t n = (uint32_t)RTE_MIN(upto - k->h2g_off,
			(uint64_t)k->buflen);

		pat_fill(k->buf, k->h2g_off, n);
		if (k->b.kind == BH_MEM) {
			if (sl_host_mem_push(benv_inner(&k->b), k->hd, k->buf,
			    n) != 0)
				return;
			k->h2g_off += n;
		} else {
			ssize_t s = send(k->g.peer, k->buf, n,
				MSG_DONTWAIT | MSG_NOSIGNAL);

			if (s <= 0)
				return;
			k->h2g_off += (uint64_t)s;
		}
	}
}

/**
 * bulk_h2g - the host side sends @len bytes; the guest advertises
 * g->win << ws and ACKs what it received in order after every step.
 * Counts data beyond the advertised window (k->oow) and segments out of
 * order (k->dup). @rounds is incremented per step. Return: 0 or -1.
 */
static int
bulk_h2g(struct bulk *k, uint64_t len, uint8_t ws, uint64_t *rounds,
	char *err, size_t errlen)
{
	struct benv *b = &k->b;
	struct gflow *g = &k->g;
	uint64_t end = k->h2g_rcvd + len;
	uint32_t adv_edge = g->rcv_nxt + ((uint32_t)g->win << ws);
	struct rte_mbuf *ack = NULL;
	uint8_t seg[2048];
	unsigned int idle = 0, i;

	bulk_host_push(k, end);
	while (k->h2g_rcvd < end || ack != NULL) {
		uint64_t before = k->h2g_rcvd;

		benv_step1(b, ack);
		ack = NULL;
		(*rounds)++;
		for (i = 0; i < b->env->cap.n; i++) {
			struct oseg o;
			const void *p;

			if (o_parse(b->env->cap.m[i], &o) != 0 ||
			    !o_for(&o, g) || o.len == 0)
				continue;
			if (seq_lt(adv_edge, o.seq + o.len))
				k->oow++;
			if (o.seq != g->rcv_nxt || o.len > sizeof(seg)) {
				k->dup++;
				continue;
			}
			p = rte_pktmbuf_read(b->env->cap.m[i], o.pay_off,
				o.len, seg);
			if (p == NULL || !pat_check(p,
			    (uint32_t)(o.seq - g->rcv_isn - 1), o.len)) {
				errf(err, errlen, "host->guest data corrupted");
				return -1;
			}
			g->rcv_nxt += o.len;
			k->h2g_rcvd += o.len;
		}
		sl_test_cap_clear(b->env);
		if (k->h2g_rcvd != before) {
			ack = g_tcp(b, g, RTE_TCP_ACK_FLAG, g->snd_nxt, g->win,
				NULL, 0, 0, 0);
			if (ack == NULL) {
				errf(err, errlen, "out of mbufs");
				return -1;
			}
			adv_edge = g->rcv_nxt + ((uint32_t)g->win << ws);
			idle = 0;
		} else if (++idle == BENCH_STALL) {
			errf(err, errlen, "host->guest stalled at %llu of "
				"%llu bytes", (unsigned long long)k->h2g_rcvd,
				(unsigned long long)end);
			return -1;
		}
		if (b->kind == BH_KERNEL) {
			bulk_host_push(k, end);
			if (idle > 100)
				usleep(50);
		}
	}
	return 0;
}

/**
 * bench_bulk - 1 MiB guest->host then 1 MiB host->guest on one flow, both
 * sides prompt (guest window scale 7, 8 MiB window). ns_per_op: time for
 * one MiB each way; MB/s over both. arg: the host kind.
 */
static int
bench_bulk(const struct bench_def *d, struct bench_run *runs,
	unsigned int nruns, char *err, size_t errlen)
{
	const unsigned int per_run = 4;
	struct bulk k;
	unsigned int r, t;
	int rc = -1;

	if (bulk_init(&k, (enum bench_host)(d->arg & ~BENCH_V6),
	    (d->arg & BENCH_V6) != 0, 7, 65535, err, errlen) != 0)
		goto out;
	for (r = 0; r <= nruns; r++) {
		uint64_t g2h = 0, h2g = 0, rounds = 0, g2h_steps = 0;
		uint64_t c0, s0;

		benv_reset_clock(&k.b);
		for (t = 0; t < per_run; t++) {
			c0 = k.b.step_cycles;
			s0 = k.b.steps;
			if (bulk_g2h(&k, BENCH_MIB, err, errlen) != 0)
				goto out;
			g2h += k.b.step_cycles - c0;
			g2h_steps += k.b.steps - s0;
			c0 = k.b.step_cycles;
			if (bulk_h2g(&k, BENCH_MIB, 7, &rounds, err,
			    errlen) != 0)
				goto out;
			h2g += k.b.step_cycles - c0;
		}
		if (k.oow > 0) {
			errf(err, errlen, "%llu segments beyond the guest's "
				"window", (unsigned long long)k.oow);
			goto out;
		}
		if (r == 0)
			continue;
		run_fill(&runs[r - 1], &k.b, per_run,
			2ull * BENCH_MIB * per_run);
		run_set(&runs[r - 1], "g2h_ns", cyc_ns(g2h) / per_run, false);
		run_set(&runs[r - 1], "g2h_mb_per_s", (double)BENCH_MIB *
			per_run * 1e3 / cyc_ns(g2h), false);
		run_set(&runs[r - 1], "h2g_ns", cyc_ns(h2g) / per_run, false);
		run_set(&runs[r - 1], "h2g_mb_per_s", (double)BENCH_MIB *
			per_run * 1e3 / cyc_ns(h2g), false);
		run_set(&runs[r - 1], "g2h_steps", (double)g2h_steps / per_run,
			false);
		run_set(&runs[r - 1], "h2g_steps", (double)rounds / per_run,
			false);
		run_set(&runs[r - 1], "h2g_out_of_order", (double)k.dup, true);
	}
	rc = 0;
out:
	bulk_fini(&k);
	return rc;
}

/**
 * bench_constrained - 1 MiB host->guest while the guest advertises only
 * d->arg bytes (window scale 2) and ACKs what it received after every
 * step; sluice must never send beyond that window.
 */
static int
bench_constrained(const struct bench_def *d, struct bench_run *runs,
	unsigned int nruns, char *err, size_t errlen)
{
	const unsigned int per_run = 2;
	uint16_t field = (uint16_t)(d->arg >> 2);
	struct bulk k;
	unsigned int r, t;
	int rc = -1;

	if (bulk_init(&k, BH_MEM, false, 2, field, err, errlen) != 0)
		goto out;
	for (r = 0; r <= nruns; r++) {
		uint64_t rounds = 0;

		benv_reset_clock(&k.b);
		for (t = 0; t < per_run; t++)
			if (bulk_h2g(&k, BENCH_MIB, 2, &rounds, err,
			    errlen) != 0)
				goto out;
		if (k.oow > 0) {
			errf(err, errlen, "%llu segments beyond the guest's "
				"%u-byte window", (unsigned long long)k.oow,
				d->arg);
			goto out;
		}
		if (r == 0)
			continue;
		run_fill(&runs[r - 1], &k.b, per_run,
			(uint64_t)BENCH_MIB * per_run);
		run_set(&runs[r - 1], "window", d->arg, true);
		run_set(&runs[r - 1], "rounds", (double)rounds / per_run,
			false);
		run_set(&runs[r - 1], "ns_per_round", cyc_ns(k.b.step_cycles) /
			(double)rounds, false);
		run_set(&runs[r - 1], "bytes_per_round",
			(double)BENCH_MIB * per_run / (double)rounds, false);
		run_set(&runs[r - 1], "out_of_order", (double)k.dup, true);
	}
	rc = 0;
out:
	bulk_fini(&k);
	return rc;
}

/* ---- N idle flows ------------------------------------------------------- */

/** xorshift64 - a fixed-seed generator (same flows picked in A and B). */
static inline uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/** A set of N established guest flows and the host side's sockets. */
struct mixed {
	struct benv b;
	struct gflow *g;
	unsigned int n, n_tcp, n_udp, n_icmp;
	int lfd;		/**< kernel: TCP listener */
	int ufd;		/**< kernel: UDP echo server */
	uint64_t frames_out;
	uint64_t bad;		/**< iterations without the expected frame */
};

static void
mixed_fini(struct mixed *x)
{
	unsigned int i;

	if (x->b.env != NULL)
		benv_close_all(&x->b);
	for (i = 0; x->g != NULL && i < x->n; i++)
		if (x->g[i].peer >= 0)
			close(x->g[i].peer);
	if (x->lfd >= 0)
		close(x->lfd);
	if (x->ufd >= 0)
		close(x->ufd);
	benv_fini(&x->b);
	free(x->g);
}

/** mixed_frame - the next guest frame of flow @g (untimed). */
static struct rte_mbuf *
mixed_frame(struct mixed *x, struct gflow *g)
{
	struct rte_mbuf *m;

	switch (g->proto) {
	case IPPROTO_TCP:
		m = g_tcp(&x->b, g, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
			g->snd_nxt, g->win, NULL, 0,
			g->snd_nxt - g->snd_isn - 1, 64);
		if (m != NULL)
			g->snd_nxt += 64;
		return m;
	case IPPROTO_UDP:
		return g_udp(&x->b, g, 64);
	default:
		return g_icmp(&x->b, g, 56);
	}
}

/**
 * mixed_host_side - kernel: the host side answers (untimed): TCP peers
 * read, the UDP server echoes. The replies are handled by the next step.
 */
static void
mixed_host_side(struct mixed *x, struct gflow *g)
{
	union sl_sockaddr from;
	socklen_t fl = sizeof(from);
	uint8_t buf[2048];
	ssize_t n;

	if (x->b.kind != BH_KERNEL)
		return;
	if (g->proto == IPPROTO_TCP) {
		kdrain(g->peer);
		return;
	}
	while ((n = recvfrom(x->ufd, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fl)) > 0) {
		sendto(x->ufd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
		fl = sizeof(from);
	}
}

/**
 * mixed_init - N flows, every third one TCP, UDP, ICMP (kernel without
 * ping sockets: alternately TCP and UDP), all established, then idle.
 */
static int
mixed_init(struct mixed *x, enum bench_host kind, unsigned int n,
	struct bench_run *note, char *err, size_t errlen)
{
	uint32_t icmp_dst = RTE_BE32(RTE_IPV4(198u, 51, 100, 7));
	uint16_t tport = 80, uport = 5353;
	unsigned int i, j, need;
	bool icmp = true;

	memset(x, 0, sizeof(*x));
	x->lfd = x->ufd = -1;
	x->n = n;
	if (kind == BH_KERNEL) {
		icmp = kping_ok() && (icmp_dst = klocal_addr()) != 0;
		if (!icmp)
			run_set_str(note, "icmp_excluded", "no unprivileged "
				"ping sockets (net.ipv4.ping_group_range) or "
				"no local address; raw ICMP sockets would see "
				"every reply");
		/* TCP flows: sluice's socket and the host side's; others: 1 */
		need = icmp ? 2 * ((n + 2) / 3) + n - (n + 2) / 3 :
			2 * ((n + 1) / 2) + n / 2;
		need += 64;
		if (kfd_room() < (long)need) {
			errf(err, errlen, "needs about %u file descriptors, "
				"RLIMIT_NOFILE allows %ld", need, kfd_room());
			return 1;
		}
	}
	x->g = calloc(n, sizeof(*x->g));
	if (x->g == NULL) {
		errf(err, errlen, "out of memory");
		return -1;
	}
	if (benv_init(&x->b, kind, err, errlen) != 0)
		return -1;
	for (i = 0; i < n; i++)
		x->g[i].peer = -1;
	if (kind == BH_KERNEL) {
		x->lfd = ksock(SOCK_STREAM, &tport);
		x->ufd = ksock(SOCK_DGRAM, &uport);
		if (x->lfd < 0 || x->ufd < 0) {
			errf(err, errlen, "cannot bind loopback sockets");
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		struct gflow *g = &x->g[i];
		unsigned int kindno = icmp ? i % 3 : i % 2;
		struct rte_mbuf *m;

		g->sport = (uint16_t)(1024 + i);
		g->daddr = x->b.env->cfg.gateway;
		g->snd_nxt = BENCH_GISN + i;
		g->win = 65535;
		if (kindno == 0) {
			g->proto = IPPROTO_TCP;
			g->dport = tport;
			x->n_tcp++;
			if (g_tcp_open(&x->b, g, 7, 65535, x->lfd) != 0) {
				errf(err, errlen, "TCP flow %u: handshake "
					"failed", i);
				return -1;
			}
			continue;
		}
		if (kindno == 1) {
			g->proto = IPPROTO_UDP;
			g->dport = uport;
			x->n_udp++;
			m = g_udp(&x->b, g, 64);
		} else {
			g->proto = IPPROTO_ICMP;
			g->daddr = icmp_dst;
			x->n_icmp++;
			m = g_icmp(&x->b, g, 56);
		}
		if (m == NULL) {
			errf(err, errlen, "out of mbufs");
			return -1;
		}
		benv_idle(&x->b);
		sl_worker_clock(x->b.w);
		sl_worker_step(x->b.w, &m, 1);
		mixed_host_side(x, g);
		sl_test_cap_clear(x->b.env);
	}
	/* let replies still in flight (kernel) arrive and be relayed */
	for (j = 0; j < 100; j++)
		benv_idle(&x->b);
	sl_test_cap_clear(x->b.env);
	if (x->b.w->ft.active != n) {
		errf(err, errlen, "%u flows open, wanted %u",
			x->b.w->ft.active, n);
		return -1;
	}
	return 0;
}

/**
 * bench_mixed - the cost of one poll iteration carrying one guest frame for
 * a random flow among N established, otherwise idle flows (TCP: 64 bytes of
 * data, ACKed; UDP: a 64-byte datagram, echoed by the host; ICMP: an echo
 * request, answered), plus the idle work of N flows. Also the cost of an
 * iteration without frames. arg: N; the kernel variant uses real sockets.
 */
static int
bench_mixed(const struct bench_def *d, struct bench_run *runs,
	unsigned int nruns, char *err, size_t errlen)
{
	const bool kern = strstr(d->name, "_kernel") != NULL;
	const unsigned int iters = kern ? 10000 : 50000;
	struct bench_run note = { 0 };
	struct mixed x;
	unsigned int r, i;
	int rc;

	rc = mixed_init(&x, kern ? BH_KERNEL : BH_SINK, d->arg, &note, err,
		errlen);
	if (rc != 0)
		goto out;
	for (r = 0; r <= nruns; r++) {
		uint64_t seed = 0x9e3779b97f4a7c15ull, idle_cyc, t0;

		x.frames_out = 0;
		x.bad = 0;
		benv_reset_clock(&x.b);
		for (i = 0; i < iters; i++) {
			struct gflow *g = &x.g[xorshift64(&seed) % x.n];
			struct rte_mbuf *m = mixed_frame(&x, g);

			if (m == NULL) {
				errf(err, errlen, "out of mbufs");
				rc = -1;
				goto out;
			}
			benv_op_begin(&x.b);
			benv_step1(&x.b, m);
			benv_op_end(&x.b);
			x.frames_out += x.b.env->cap.n;
			if (!kern && x.b.env->cap.n != 1)
				x.bad++;
			sl_test_cap_clear(x.b.env);
			mixed_host_side(&x, g);
		}
		if (x.bad > 0) {
			errf(err, errlen, "%llu of %u iterations did not "
				"produce exactly one frame",
				(unsigned long long)x.bad, iters);
			rc = -1;
			goto out;
		}
		if (r == 0)
			continue;
		run_fill(&runs[r - 1], &x.b, iters, 0);
		/* idle iterations: no frame at all */
		t0 = x.b.step_cycles;
		for (i = 0; i < iters; i++)
			benv_step1(&x.b, NULL);
		idle_cyc = x.b.step_cycles - t0;
		if (!kern)
			run_set(&runs[r - 1], "ready_handles_idle",
				sl_bench_sink_ready(x.b.shim), true);
		sl_test_cap_clear(x.b.env);
		run_set(&runs[r - 1], "flows", x.n, true);
		run_set(&runs[r - 1], "ns_per_flow",
			runs[r - 1].ns_per_op / x.n, false);
		run_set(&runs[r - 1], "idle_ns_per_iter",
			cyc_ns(idle_cyc) / iters, false);
		run_set(&runs[r - 1], "frames_out_per_iter",
			(double)x.frames_out / iters, false);
		run_set(&runs[r - 1], "tcp_flows", x.n_tcp, true);
		run_set(&runs[r - 1], "udp_flows", x.n_udp, true);
		run_set(&runs[r - 1], "icmp_flows", x.n_icmp, true);
		for (i = 0; i < note.n_extra; i++)
			run_set_str(&runs[r - 1], note.extra[i].key,
				note.extra[i].str);
	}
	rc = 0;
out:
	mixed_fini(&x);
	return rc;
}

/* ---- the driver --------------------------------------------------------- */

static const struct bench_def benches[] = {
	{ "process_syn", bench_process_syn, BH_MEM },
	{ "process_syn_kernel", bench_process_syn, BH_KERNEL },
	{ "tcp_inbound_syn_ack_transition", bench_inbound, 1 },
	{ "port_forward_accept_latency", bench_inbound, 0 },
	{ "port_forward_accept_latency_kernel", bench_inbound, 2 },
	{ "tcp_bulk_throughput_1mb", bench_bulk, BH_MEM },
	{ "tcp_bulk_throughput_1mb_ipv6", bench_bulk, BH_MEM | BENCH_V6 },
	{ "tcp_bulk_throughput_1mb_kernel", bench_bulk, BH_KERNEL },
	{ "tcp_bulk_throughput_constrained_window/4096", bench_constrained,
		4096 },
	{ "tcp_bulk_throughput_constrained_window/16384", bench_constrained,
		16384 },
	{ "tcp_bulk_throughput_constrained_window/65536", bench_constrained,
		65536 },
	{ "poll_with_n_mixed_flows/3", bench_mixed, 3 },
	{ "poll_with_n_mixed_flows/99", bench_mixed, 99 },
	{ "poll_with_n_mixed_flows/999", bench_mixed, 999 },
	{ "poll_with_n_mixed_flows/9999", bench_mixed, 9999 },
	{ "poll_with_n_mixed_flows_kernel/3", bench_mixed, 3 },
	{ "poll_with_n_mixed_flows_kernel/99", bench_mixed, 99 },
	{ "poll_with_n_mixed_flows_kernel/999", bench_mixed, 999 },
	{ "poll_with_n_mixed_flows_kernel/9999", bench_mixed, 9999 },
};

#define N_BENCH RTE_DIM(benches)

static int
cmp_run(const void *a, const void *b)
{
	double x = ((const struct bench_run *)a)->ns_per_op;
	double y = ((const struct bench_run *)b)->ns_per_op;

	return x < y ? -1 : x > y;
}

/** run_bench - run one benchmark @nruns times and keep the median run. */
static void
run_bench(const struct bench_def *d, unsigned int nruns,
	struct bench_result *res)
{
	struct bench_run *runs = calloc(nruns, sizeof(*runs));
	unsigned int i;

	memset(res, 0, sizeof(*res));
	res->def = d;
	if (runs == NULL) {
		res->status = -1;
		snprintf(res->err, sizeof(res->err), "out of memory");
		return;
	}
	for (i = 0; i < nruns; i++)
		runs[i].mb_per_s = -1;
	fprintf(stderr, "sl_bench: %s ...\n", d->name);
	res->status = d->fn(d, runs, nruns, res->err, sizeof(res->err));
	if (res->status == 0) {
		qsort(runs, nruns, sizeof(*runs), cmp_run);
		res->run = runs[(nruns - 1) / 2];
		res->runs = nruns;
		res->ns_min = runs[0].ns_per_op;
		res->ns_max = runs[nruns - 1].ns_per_op;
		fprintf(stderr, "sl_bench: %s: %.1f ns/op\n", d->name,
			res->run.ns_per_op);
	} else {
		fprintf(stderr, "sl_bench: %s: %s: %s\n", d->name,
			res->status > 0 ? "skipped" : "ERROR", res->err);
	}
	free(runs);
}

/**
 * add_ratios - the scaling figures of the N-flow benchmark family @prefix:
 * ns per flow (and per iteration) at 9999 flows over those at 99.
 */
static void
add_ratios(struct bench_result *res, unsigned int n, const char *prefix)
{
	struct bench_result *r99 = NULL, *r9999 = NULL;
	char name99[96], name9999[96];
	unsigned int i;
	double ratio;

	snprintf(name99, sizeof(name99), "%s/99", prefix);
	snprintf(name9999, sizeof(name9999), "%s/9999", prefix);
	for (i = 0; i < n; i++) {
		if (res[i].status != 0)
			continue;
		if (strcmp(res[i].def->name, name99) == 0)
			r99 = &res[i];
		if (strcmp(res[i].def->name, name9999) == 0)
			r9999 = &res[i];
	}
	if (r99 == NULL || r9999 == NULL)
		return;
	ratio = run_get(&r9999->run, "ns_per_flow", 0) /
		run_get(&r99->run, "ns_per_flow", 1);
	run_set(&r9999->run, "per_flow_ratio_vs_99", ratio, false);
	run_set(&r9999->run, "per_iter_ratio_vs_99", r9999->run.ns_per_op /
		r99->run.ns_per_op, false);
	run_set(&r9999->run, "idle_ratio_vs_99",
		run_get(&r9999->run, "idle_ns_per_iter", 0) /
		run_get(&r99->run, "idle_ns_per_iter", 1), false);
	run_set_bool(&r9999->run, "per_flow_goal_met", ratio < 1.5);
}

/** json_str - @s as a JSON string (our strings need few escapes). */
static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
json_write(FILE *f, const struct bench_result *res, unsigned int n)
{
	unsigned int i, e;

	fprintf(f, "[");
	for (i = 0; i < n; i++) {
		const struct bench_result *r = &res[i];

		fprintf(f, "%s\n  {\"name\": ", i ? "," : "");
		json_str(f, r->def->name);
		if (r->status != 0) {
			fprintf(f, ", \"%s\": ", r->status > 0 ? "skipped" :
				"error");
			json_str(f, r->err);
			fprintf(f, "}");
			continue;
		}
		fprintf(f, ", \"iterations\": %llu, \"ns_per_op\": %.1f, "
			"\"mb_per_s\": ", (unsigned long long)r->run.iterations,
			r->run.ns_per_op);
		if (r->run.mb_per_s >= 0)
			fprintf(f, "%.2f", r->run.mb_per_s);
		else
			fprintf(f, "null");
		fprintf(f, ", \"runs\": %u, \"ns_per_op_min\": %.1f, "
			"\"ns_per_op_max\": %.1f", r->runs, r->ns_min,
			r->ns_max);
		for (e = 0; e < r->run.n_extra; e++) {
			const struct bench_extra *x = &r->run.extra[e];

			fprintf(f, ", ");
			json_str(f, x->key);
			fprintf(f, ": ");
			if (x->str[0] != '\0')
				json_str(f, x->str);
			else if (x->is_bool)
				fputs(x->val != 0 ? "true" : "false", f);
			else if (x->is_int)
				fprintf(f, "%.0f", x->val);
			else
				fprintf(f, "%.3f", x->val);
		}
		fprintf(f, "}");
	}
	fprintf(f, "\n]\n");
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: sl_bench [--filter SUBSTR] [--repeat N] "
		"[--json FILE] [--list]\n");
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "json", required_argument, NULL, 'j' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_result res[N_BENCH];
	const char *filter = NULL, *json = NULL;
	unsigned int repeat = 5, n = 0, i;
	bool failed = false;
	FILE *out = stdout;
	int c;

	while ((c = getopt_long(argc, argv, "f:r:j:lh", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			filter = optarg;
			break;
		case 'r':
			repeat = (unsigned int)strtoul(optarg, NULL, 10);
			if (repeat == 0 || repeat > 1000) {
				fprintf(stderr, "sl_bench: bad --repeat\n");
				return 2;
			}
			break;
		case 'j':
			json = optarg;
			break;
		case 'l':
			for (i = 0; i < N_BENCH; i++)
				printf("%s\n", benches[i].name);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (sl_test_eal() != 0) {
		fprintf(stderr, "sl_bench: cannot start the EAL\n");
		return 1;
	}
	ns_per_cycle = 1e9 / (double)rte_get_tsc_hz();
	for (i = 0; i < N_BENCH; i++) {
		if (filter != NULL && strstr(benches[i].name, filter) == NULL)
			continue;
		run_bench(&benches[i], repeat, &res[n]);
		if (res[n].status < 0)
			failed = true;
		n++;
	}
	add_ratios(res, n, "poll_with_n_mixed_flows");
	add_ratios(res, n, "poll_with_n_mixed_flows_kernel");
	if (json != NULL) {
		out = fopen(json, "w");
		if (out == NULL) {
			fprintf(stderr, "sl_bench: %s: %s\n", json,
				strerror(errno));
			return 1;
		}
	}
	json_write(out, res, n);
	if (out != stdout)
		fclose(out);
	return failed ? 1 : 0;
}
