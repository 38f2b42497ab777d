/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_limits.c: configured limits refuse new work cleanly (RST or drop,
 * counted) and leave what is running alone: pending host connects,
 * datagram flows, total flows, and the worker's TCP buffering budget; and
 * a host that refuses sockets (out of descriptors) is counted and logged
 * at most once a second, the guest gets its RST, live flows keep going.
 * The pool sizing formula refuses nonsense, and a pool smaller than
 * --max-flows still lets every flow open and the limit refuse the next.
 */
#include <arpa/inet.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "sl_dgflow.h"
#include "sl_host_mem.h"
#include "sl_net.h"
#include "sl_pool.h"
#include "sl_tcp.h"
#include "sl_test.h"

/** syn - a guest SYN from port @sport to 192.0.2.10:80. */
static struct rte_mbuf *
syn(struct sl_test_env *env, uint16_t sport)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(env->w.mp);
	struct rte_tcp_hdr *th;

	if (m == NULL)
		return NULL;
	th = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, sizeof(*th));
	if (th == NULL)
		return m;
	memset(th, 0, sizeof(*th));
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(80);
	th->sent_seq = rte_cpu_to_be_32(1000);
	th->data_off = 5 << 4;
	th->tcp_flags = RTE_TCP_SYN_FLAG;
	th->rx_win = rte_cpu_to_be_16(65535);
	sl_net_prepend_ipv4(m, &sl_test_guest_mac, &env->w.gw_mac,
		env->cfg.guest_addr, inet_addr("192.0.2.10"), IPPROTO_TCP);
	sl_net_l4_cksum(m);
	return m;
}

/** last_tcp_flags - TCP flags of the last captured frame (0: none). */
static uint8_t
last_tcp_flags(struct sl_test_env *env)
{
	struct rte_ipv4_hdr *ip;

	if (env->cap.n == 0)
		return 0;
	ip = rte_pktmbuf_mtod_offset(env->cap.m[env->cap.n - 1],
		struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
	if (ip->next_proto_id != IPPROTO_TCP)
		return 0;
	return ((struct rte_tcp_hdr *)(ip + 1))->tcp_flags;
}

SL_TEST(limit_pending_connects)
{
	struct sl_test_env env;
	struct sl_config cfg;
	uint16_t p;

	sl_config_defaults(&cfg);
	cfg.ipv6 = false;	/* IPv4 only: no RAs counted */
	cfg.max_flows = 64;
	cfg.max_pending_connects = 3;
	SL_CHECK(sl_test_env_init(&env, &cfg) == 0);
	sl_host_mem_set_connect_mode(env.host, SL_MEM_CONNECT_PENDING);
	for (p = 0; p < 3; p++) {
		sl_test_input(&env, syn(&env, (uint16_t)(40000 + p)));
		SL_CHECK_EQ(env.cap.n, 0);	/* waiting for the host */
	}
	/* over the limit: dropped (no RST, no flow), counted; the guest's
	 * retransmission tries again, as with a full Linux listen queue */
	sl_test_input(&env, syn(&env, 40003));
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_connect_limit], 1);
	SL_CHECK_EQ(env.w.ft.active, 3);
	SL_CHECK_EQ(sl_tcp_connecting(&env.w), 3);
	/* one host connect completes: the SYN-ACK is out, but the flow is
	 * half-open until the guest answers it */
	sl_test_cap_clear(&env);
	SL_CHECK(sl_host_mem_connect_done(env.host,
		sl_host_mem_last(env.host), 0) == 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(last_tcp_flags(&env), RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	SL_CHECK_EQ(sl_tcp_connecting(&env.w), 3);
	sl_test_input(&env, syn(&env, 40004));
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_connect_limit], 2);
	/* the guest completes the handshake: room for one more */
	{
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
			env.cap.m[0], struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
		struct rte_tcp_hdr *sa = (struct rte_tcp_hdr *)(ip + 1);
		uint32_t iss = rte_be_to_cpu_32(sa->sent_seq);
		uint16_t gport = rte_be_to_cpu_16(sa->dst_port);
		struct rte_mbuf *m = syn(&env, gport);
		struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m,
			struct rte_tcp_hdr *, RTE_ETHER_HDR_LEN + 20);

		th->tcp_flags = RTE_TCP_ACK_FLAG;
		th->sent_seq = rte_cpu_to_be_32(1001);
		th->recv_ack = rte_cpu_to_be_32(iss + 1);
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = 20;
		sl_net_l4_cksum(m);
		sl_test_input(&env, m);
	}
	SL_CHECK_EQ(sl_tcp_connecting(&env.w), 2);
	sl_test_input(&env, syn(&env, 40005));
	SL_CHECK_EQ(sl_tcp_connecting(&env.w), 3);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_connect_limit], 2);
	sl_test_env_fini(&env);
}

SL_TEST(limit_dgram_flows)
{
	struct sl_test_env env;
	struct sl_config cfg;
	uint16_t p;

	sl_config_defaults(&cfg);
	cfg.ipv6 = false;	/* IPv4 only: no RAs counted */
	cfg.max_flows = 64;
	cfg.max_dgram_flows = 5;
	cfg.dns_fwd = inet_addr("127.0.0.53");
	SL_CHECK(sl_test_env_init(&env, &cfg) == 0);
	for (p = 0; p < 8; p++)
		sl_test_input(&env, sl_test_udp_frame(&env, &sl_test_guest_mac,
			rte_be_to_cpu_32(env.cfg.guest_addr),
			(uint16_t)(30000 + p), RTE_IPV4(192u, 0, 2, 10), 9,
			"x", 1));
	SL_CHECK_EQ(env.w.dgram->dgram_flows, 5);
	SL_CHECK_EQ(env.w.ft.active, 5);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_dgram_limit], 3);
	/* a live flow still relays */
	sl_test_input(&env, sl_test_udp_frame(&env, &sl_test_guest_mac,
		rte_be_to_cpu_32(env.cfg.guest_addr), 30000,
		RTE_IPV4(192u, 0, 2, 10), 9, "y", 1));
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_host], 6);
	/* refused flows left no socket behind */
	SL_CHECK_EQ(env.host->open_handles, 5);
	sl_test_env_fini(&env);
}

SL_TEST(limit_total_flows)
{
	struct sl_test_env env;
	struct sl_config cfg;
	uint16_t p;

	sl_config_defaults(&cfg);
	cfg.ipv6 = false;	/* IPv4 only: no RAs counted */
	cfg.max_flows = 8;
	SL_CHECK(sl_test_env_init(&env, &cfg) == 0);
	for (p = 0; p < 8; p++)
		sl_test_input(&env, syn(&env, (uint16_t)(41000 + p)));
	SL_CHECK_EQ(env.w.ft.active, 8);
	sl_test_cap_clear(&env);
	sl_test_input(&env, syn(&env, 41100));
	SL_CHECK(last_tcp_flags(&env) & RTE_TCP_RST_FLAG);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_flow_limit], 1);
	SL_CHECK_EQ(env.w.ft.active, 8);
	sl_test_env_fini(&env);
}

SL_TEST(host_socket_refused)
{
	struct sl_test_env env;
	struct sl_config cfg;
	unsigned int n;
	int live, hd;

	sl_config_defaults(&cfg);
	cfg.ipv6 = false;	/* IPv4 only: no RAs counted */
	cfg.max_flows = 64;
	SL_CHECK(sl_test_env_init_manual(&env, &cfg) == 0);
	/* one live guest flow, then the host runs out of sockets */
	sl_test_input(&env, syn(&env, 42000));
	live = sl_host_mem_last(env.host);
	SL_CHECK(live >= 0);
	for (n = 1; n < SL_MEM_MAX_HANDLES; n++)
		SL_CHECK(sl_host_open(env.host, SL_HOST_UDP, 7) >= 0);
	SL_CHECK_EQ(sl_host_open(env.host, SL_HOST_UDP, 7), -EMFILE);

	sl_test_cap_clear(&env);
	sl_test_input(&env, syn(&env, 42001));
	SL_CHECK(last_tcp_flags(&env) & RTE_TCP_RST_FLAG);
	SL_CHECK_EQ(env.w.stats[SL_STAT_host_socket_fail], 1);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_host_socket], 1);
	SL_CHECK_EQ(env.w.sockfail_quiet, 0);	/* the first is logged */
	/* within the same second: counted, not logged */
	sl_test_input(&env, syn(&env, 42002));
	sl_test_input(&env, sl_test_udp_frame(&env, &sl_test_guest_mac,
		rte_be_to_cpu_32(env.cfg.guest_addr), 30000,
		RTE_IPV4(192u, 0, 2, 10), 9, "x", 1));
	SL_CHECK_EQ(env.w.stats[SL_STAT_host_socket_fail], 3);
	SL_CHECK_EQ(env.w.sockfail_quiet, 2);
	/* a second later the next one is logged (with the 2 not logged) */
	env.w.now_ms += 1000;
	sl_test_input(&env, syn(&env, 42003));
	SL_CHECK_EQ(env.w.stats[SL_STAT_host_socket_fail], 4);
	SL_CHECK_EQ(env.w.sockfail_quiet, 0);
	/* nothing leaked; the live flow is still there */
	SL_CHECK_EQ(env.w.ft.active, 1);
	SL_CHECK_EQ(env.w.dgram->dgram_flows, 0);
	SL_CHECK_EQ(env.host->open_handles, SL_MEM_MAX_HANDLES);
	for (hd = 0; hd < SL_MEM_MAX_HANDLES; hd++)
		if (hd != live)
			sl_host_close(env.host, hd, false);
	sl_test_env_fini(&env);
}

/**
 * complete - the guest's ACK to the SYN-ACK captured first (@sport's),
 * which moves the flow to ESTABLISHED.
 */
static void
complete(struct sl_test_env *env, uint16_t sport)
{
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *sa, *th;
	struct rte_mbuf *m;
	uint32_t iss;

	if (env->cap.n == 0)
		return;
	ip = rte_pktmbuf_mtod_offset(env->cap.m[0], struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN);
	sa = (struct rte_tcp_hdr *)(ip + 1);
	iss = rte_be_to_cpu_32(sa->sent_seq);
	m = syn(env, sport);
	if (m == NULL)
		return;
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *,
		RTE_ETHER_HDR_LEN + 20);
	th->tcp_flags = RTE_TCP_ACK_FLAG;
	th->sent_seq = rte_cpu_to_be_32(1001);
	th->recv_ack = rte_cpu_to_be_32(iss + 1);
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = 20;
	sl_net_l4_cksum(m);
	sl_test_cap_clear(env);
	sl_test_input(env, m);
}

SL_TEST(pool_sizing_formula)
{
	struct sl_pool_need n = {
		.queues = 1, .rxd = 1024, .txd = 1024, .seg_data = 1460,
		.tcp_buf = 4u << 20, .max_buffered = 256ull << 20,
	};
	struct sl_pool_need bad;
	uint32_t def, more;

	def = sl_pool_mbufs(&n);
	/* the rings, an iteration's frames and two windows, well below the
	 * fixed 32768 it replaces */
	SL_CHECK(def >= 1024 + 1024 + SL_TX_MAX + 2 * (4u << 20) / 1460);
	SL_CHECK(def < 16384);
	/* what TCP leaves: the rings and an iteration's frames, below all */
	SL_CHECK(sl_pool_reserve(&n) >= 1024 + 1024 + SL_TX_MAX);
	SL_CHECK(sl_pool_reserve(&n) < def);
	SL_CHECK(def - sl_pool_reserve(&n) >= 2 * (4u << 20) / 1460);
	/* a larger window, a second queue: more; a smaller budget: less */
	n.tcp_buf = 16u << 20;
	more = sl_pool_mbufs(&n);
	SL_CHECK(more > def);
	n.max_buffered = 1u << 20;
	SL_CHECK(sl_pool_mbufs(&n) < def);
	n.tcp_buf = 4u << 20;
	n.max_buffered = 256ull << 20;
	n.queues = 2;
	SL_CHECK(sl_pool_mbufs(&n) >= 2 * def - 2 * SL_MBUF_CACHE);
	n.queues = 1;
	/* a ring-copying port (net_af_packet): its descriptors hold no mbufs,
	 * only the frames its rx takes from this pool (none with an rx pool
	 * of its own) */
	n.ring_copy = true;
	SL_CHECK_EQ(sl_pool_mbufs(&n), def - 1024 - 1024);
	SL_CHECK_EQ(sl_pool_reserve(&n), sl_pool_reserve(&(struct
		sl_pool_need){ .queues = 1, .rxd = 1024, .txd = 1024,
		.seg_data = 1460, .tcp_buf = 4u << 20,
		.max_buffered = 256ull << 20 }) - 2048);
	n.ring_rx = 512;
	SL_CHECK_EQ(sl_pool_mbufs(&n), def - 1024 - 1024 + 512);
	n.ring_copy = false;
	n.ring_rx = 0;
	/* nonsense is refused (0), never a tiny or wrapped-around pool */
	bad = n; bad.queues = 0;
	SL_CHECK_EQ(sl_pool_mbufs(&bad), 0);
	bad = n; bad.rxd = 0;
	SL_CHECK_EQ(sl_pool_mbufs(&bad), 0);
	bad = n; bad.txd = 0;
	SL_CHECK_EQ(sl_pool_mbufs(&bad), 0);
	bad = n; bad.seg_data = 0;
	SL_CHECK_EQ(sl_pool_mbufs(&bad), 0);
	bad = n; bad.tcp_buf = 0;
	SL_CHECK_EQ(sl_pool_mbufs(&bad), 0);
	bad = n; bad.max_buffered = 0;
	SL_CHECK_EQ(sl_pool_mbufs(&bad), 0);
	bad = n; bad.queues = RTE_MAX_LCORE + 1;
	SL_CHECK_EQ(sl_pool_mbufs(&bad), 0);
	bad = n; bad.tcp_buf = 1ull << 40; bad.max_buffered = 1ull << 40;
	bad.seg_data = 1;
	SL_CHECK_EQ(sl_pool_mbufs(&bad), 0);	/* above SL_POOL_MAX */
	bad = n; bad.queues = 128; bad.rxd = 65535; bad.txd = 65535;
	SL_CHECK_EQ(sl_pool_mbufs(&bad), 0);
	SL_CHECK_EQ(sl_pool_reserve(&bad), 0);
}

/*
 * The rx pool of ring-frame mbufs (net_af_packet, large frames) holds what
 * the kernel's rx rings hold, not a fixed 64 MiB: 256 frames of 60 KiB
 * were 1,091 mbufs (67 MiB) under the byte budget.
 */
SL_TEST(pool_ring_sizing_formula)
{
	struct sl_pool_ring r = {
		.queues = 1, .frames = 256, .cache = SL_RING_MBUF_CACHE,
	};
	struct sl_pool_ring bad;
	uint32_t one, n;

	one = sl_pool_ring_mbufs(&r);
	/* the ring, a burst, two lcore caches (the worker's, the main's) */
	SL_CHECK_EQ(one, 256 + SL_BURST + 2 * SL_RING_MBUF_CACHE * 3 / 2);
	SL_CHECK(one * 61504ull < (32ull << 20));
	/* a smaller ring, a smaller pool: the devargs decide */
	r.frames = 64;
	n = sl_pool_ring_mbufs(&r);
	SL_CHECK_EQ(n, 64 + SL_BURST + 2 * SL_RING_MBUF_CACHE * 3 / 2);
	/* two queue pairs: two rings, a cache more */
	r.frames = 256;
	r.queues = 2;
	SL_CHECK_EQ(sl_pool_ring_mbufs(&r),
		2 * (256 + SL_BURST) + 3 * SL_RING_MBUF_CACHE * 3 / 2);
	r.queues = 1;
	/* nonsense is refused */
	bad = r; bad.queues = 0;
	SL_CHECK_EQ(sl_pool_ring_mbufs(&bad), 0);
	bad = r; bad.frames = 0;
	SL_CHECK_EQ(sl_pool_ring_mbufs(&bad), 0);
	bad = r; bad.queues = RTE_MAX_LCORE + 1;
	SL_CHECK_EQ(sl_pool_ring_mbufs(&bad), 0);
	bad = r; bad.frames = UINT32_MAX;
	SL_CHECK_EQ(sl_pool_ring_mbufs(&bad), 0);	/* above SL_POOL_MAX */
}

/** add_chunk - rte_mempool_mem_iter callback: sum the chunks' lengths. */
static void
add_chunk(struct rte_mempool *mp, void *opaque,
	struct rte_mempool_memhdr *memhdr, unsigned int mem_idx)
{
	RTE_SET_USED(mp);
	RTE_SET_USED(mem_idx);
	*(size_t *)opaque += memhdr->len;
}

SL_TEST(pool_create_without_hugepages)
{
	struct rte_mbuf *m[512];
	struct rte_mempool *mp;
	size_t mem = 0;
	unsigned int i;

	SL_CHECK(sl_test_eal() == 0);
	mp = sl_pool_create("sl_pool_t", 512, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
		(int)rte_socket_id());
	SL_CHECK(mp != NULL);
	SL_CHECK_EQ(rte_pktmbuf_data_room_size(mp),
		RTE_MBUF_DEFAULT_BUF_SIZE);
	/* objects packed across 4 KiB pages: not a page per mbuf */
	rte_mempool_mem_iter(mp, add_chunk, &mem);
	SL_CHECK(mem < 512u * 3072);
	/* every mbuf is there and usable to its last byte */
	SL_CHECK(rte_pktmbuf_alloc_bulk(mp, m, RTE_DIM(m)) == 0);
	for (i = 0; i < RTE_DIM(m); i++) {
		char *d = rte_pktmbuf_append(m[i], 2048);

		SL_CHECK(d != NULL);
		memset(d, (int)i, 2048);
	}
	SL_CHECK(rte_pktmbuf_alloc(mp) == NULL);
	rte_pktmbuf_free_bulk(m, RTE_DIM(m));
	SL_CHECK_EQ(rte_mempool_avail_count(mp), 512);
	rte_mempool_free(mp);
}

/* The payload pool: one window per lcore in 16 KiB mbufs and the lcore
 * caches; one pool for the process however many ports take it, freed with
 * the last reference. */
SL_TEST(pool_payload_sized_and_shared)
{
	struct rte_mempool *a, *b;
	uint32_t n;

	SL_CHECK(sl_test_eal() == 0);
	n = sl_pool_pay_mbufs(4u << 20, 2);
	SL_CHECK_EQ(n, 2 * SL_PAY_WINDOWS * 256 + 3 * SL_PAY_CACHE * 3 / 2);
	/* a window that is not a multiple of the room rounds up */
	SL_CHECK_EQ(sl_pool_pay_mbufs(SL_PAY_ROOM + 1, 1),
		SL_PAY_WINDOWS * 2 + 2 * SL_PAY_CACHE * 3 / 2);
	SL_CHECK_EQ(sl_pool_pay_mbufs(0, 2), 0);
	SL_CHECK_EQ(sl_pool_pay_mbufs(4u << 20, 0), 0);
	SL_CHECK_EQ(sl_pool_pay_mbufs(UINT64_MAX / 4, 2), 0);
	a = sl_pool_pay_get(1u << 20, SOCKET_ID_ANY);
	SL_CHECK(a != NULL);
	SL_CHECK_EQ(a->size, sl_pool_pay_mbufs(1u << 20, rte_lcore_count()));
	SL_CHECK_EQ(rte_pktmbuf_data_room_size(a),
		SL_PAY_ROOM + RTE_PKTMBUF_HEADROOM);
	b = sl_pool_pay_get(8u << 20, SOCKET_ID_ANY);
	SL_CHECK(b == a);	/* the first caller's */
	sl_pool_pay_put(a);
	SL_CHECK(rte_mempool_lookup("sl_paymp") == a);
	sl_pool_pay_put(b);
	SL_CHECK(rte_mempool_lookup("sl_paymp") == NULL);
	sl_pool_pay_put(NULL);
	/* made again after the last went */
	a = sl_pool_pay_get(1u << 20, SOCKET_ID_ANY);
	SL_CHECK(a != NULL);
	sl_pool_pay_put(a);
}

/*
 * A pool sized by sl_pool_mbufs for small rings and a small TCP budget,
 * fewer mbufs than --max-flows: every flow up to the limit opens, the next
 * is refused (RST, counted), and with host data waiting on every flow the
 * pool running low makes TCP wait (counted), it never runs dry, and every
 * flow stays open.
 */
SL_TEST(limit_flows_beyond_small_pool)
{
	struct sl_pool_need need = {
		.queues = 1, .rxd = 64, .txd = 64, .seg_data = 1460,
		.tcp_buf = 64u << 10, .max_buffered = 64u << 10,
	};
	static char data[3000];
	struct sl_test_env_opts o = { .manual_clock = true };
	struct sl_test_env env;
	struct sl_config cfg;
	uint32_t i;
	int hd;

	o.nb_mbufs = sl_pool_mbufs(&need);
	SL_CHECK(o.nb_mbufs > 0 && o.nb_mbufs < 3000);
	sl_config_defaults(&cfg);
	cfg.ipv6 = false;	/* IPv4 only: no RA among the frames */
	cfg.max_flows = 3000;
	cfg.tcp_buf = (uint32_t)need.tcp_buf;
	cfg.max_buffered = need.max_buffered;
	SL_CHECK(sl_test_env_init_opts(&env, &cfg, &o) == 0);
	for (i = 0; i < cfg.max_flows; i++) {
		uint16_t sport = (uint16_t)(20000 + i);

		sl_test_cap_clear(&env);
		sl_test_input(&env, syn(&env, sport));
		SL_CHECK_EQ(last_tcp_flags(&env),
			RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
		complete(&env, sport);
	}
	SL_CHECK_EQ(env.w.ft.active, cfg.max_flows);
	SL_CHECK_EQ(env.w.stats[SL_STAT_tcp_flows_opened], cfg.max_flows);
	sl_test_cap_clear(&env);
	sl_test_input(&env, syn(&env, 19999));
	SL_CHECK(last_tcp_flags(&env) & RTE_TCP_RST_FLAG);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_flow_limit], 1);
	/* every host peer sends: more than the pool can carry at once */
	sl_test_cap_clear(&env);
	for (hd = 0; hd < SL_MEM_MAX_HANDLES; hd++)
		(void)sl_host_mem_push(env.host, hd, data, sizeof(data));
	for (i = 0; i < 4; i++)
		sl_test_input(&env, NULL);
	SL_CHECK(env.w.stats[SL_STAT_tcp_buffer_limit_waits] > 0);
	SL_CHECK(rte_mempool_avail_count(env.w.mp) > 0);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_nomem], 0);
	SL_CHECK_EQ(env.w.ft.active, cfg.max_flows);
	sl_test_cap_clear(&env);
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
