/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_udp.c: the batched datagram relay on the in-memory host. Guest
 * datagrams of a burst leave with one send call per host socket, in order,
 * payload intact (chained frames too); a socket's queued datagrams reach
 * the guest in receive batches of 32; partial sends and EAGAIN are counted
 * drops; a forward's listener answers several peers in one call; ICMP echo
 * rides the same batches.
 */
#include <arpa/inet.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "sl_dgflow.h"
#include "sl_fwd.h"
#include "sl_host_mem.h"
#include "sl_net.h"
#include "sl_test.h"
#include "sl_udp.h"

#define DST_ADDR RTE_IPV4(192u, 0, 2, 10)	/* host order */
#define DST_PORT 9

/** dst_sa - the host address a guest datagram to DST_ADDR goes to. */
static union sl_sockaddr
dst_sa(uint8_t last)
{
	union sl_sockaddr sa = { .in.sin_family = AF_INET,
		.in.sin_port = htons(DST_PORT),
		.in.sin_addr.s_addr = htonl(RTE_IPV4(192u, 0, 2, last)) };

	return sa;
}

/** pay_fill - payload @i of a test: @len bytes derived from @i. */
static void
pay_fill(uint8_t *buf, unsigned int i, uint16_t len)
{
	uint16_t j;

	for (j = 0; j < len; j++)
		buf[j] = (uint8_t)(i * 31 + j * 7 + 1);
}

/** pay_len - the payload length used for datagram @i. */
static uint16_t
pay_len(unsigned int i)
{
	return (uint16_t)(10 + (i * 37) % 1400);
}

/**
 * split_chain - move the bytes of @m from offset @at on into a second
 * segment (a chained frame, as a scattering port delivers it).
 * Return: 0 or -1.
 */
static int
split_chain(struct sl_test_env *env, struct rte_mbuf *m, uint16_t at)
{
	struct rte_mbuf *seg = rte_pktmbuf_alloc(env->w.mp);
	uint16_t tail = (uint16_t)(m->data_len - at);
	char *d;

	if (seg == NULL)
		return -1;
	d = rte_pktmbuf_append(seg, tail);
	if (d == NULL) {
		rte_pktmbuf_free(seg);
		return -1;
	}
	memcpy(d, rte_pktmbuf_mtod_offset(m, char *, at), tail);
	m->data_len = at;
	m->next = seg;
	m->nb_segs = 2;
	return 0;
}

/** guest_udp - a guest datagram from port @sport to @daddr:@dport. */
static struct rte_mbuf *
guest_udp(struct sl_test_env *env, uint16_t sport, uint32_t daddr,
	uint16_t dport, const void *pay, uint16_t len)
{
	return sl_test_udp_frame(env, &sl_test_guest_mac,
		rte_be_to_cpu_32(env->cfg.guest_addr), sport, daddr, dport,
		pay, len);
}

/** step - one worker iteration on @n frames. */
static void
step(struct sl_test_env *env, struct rte_mbuf **pk, uint16_t n)
{
	sl_worker_clock(&env->w);
	sl_worker_step(&env->w, pk, n);
}

/**
 * send_burst - one iteration on @n guest datagrams from port 40000 to DST,
 * payloads 0 to @n - 1 (pay_fill, pay_len).
 */
static void
send_burst(struct sl_test_env *env, unsigned int n)
{
	struct rte_mbuf *pk[SL_BURST];
	uint8_t pay[2048];
	unsigned int i;

	for (i = 0; i < n && i < SL_BURST; i++) {
		pay_fill(pay, i, pay_len(i));
		pk[i] = guest_udp(env, 40000, DST_ADDR, DST_PORT, pay,
			pay_len(i));
	}
	step(env, pk, (uint16_t)i);
}

/** send_calls - batched send calls @hd received so far. */
static unsigned int
send_calls(struct sl_test_env *env, int hd)
{
	unsigned int sc = 0;

	sl_host_mem_calls(env->host, hd, &sc, NULL);
	return sc;
}

/** recv_calls - batched receive calls @hd received so far. */
static unsigned int
recv_calls(struct sl_test_env *env, int hd)
{
	unsigned int rc = 0;

	sl_host_mem_calls(env->host, hd, NULL, &rc);
	return rc;
}

/**
 * pop_is - the next datagram sent on @hd is payload @i (pay_fill, pay_len)
 * to @to (the same peer; a dual-stack listener's is v4-mapped).
 * Return: true when it is.
 */
static bool
pop_is(struct sl_test_env *env, int hd, unsigned int i,
	const union sl_sockaddr *to)
{
	uint8_t got[2048], want[2048];
	union sl_sockaddr at;
	ssize_t n;

	n = sl_host_mem_pop_dgram_to(env->host, hd, got, sizeof(got), &at);
	pay_fill(want, i, pay_len(i));
	if (n != pay_len(i) || memcmp(got, want, (size_t)n) != 0) {
		fprintf(stderr, "  datagram %u: %zd bytes, want %u\n", i, n,
			pay_len(i));
		return false;
	}
	/* the same peer (a dual-stack forward's is v4-mapped) */
	return to == NULL || sl_sockaddr_same(&at, to, true);
}

/**
 * guest_frame_is - captured frame @k is a UDP datagram to guest port
 * @gport from @sport carrying @len bytes of @pay. Return: true when so.
 */
static bool
guest_frame_is(struct sl_test_env *env, unsigned int k, uint16_t sport,
	uint16_t gport, const uint8_t *pay, uint32_t len)
{
	static uint8_t got[65536];
	struct rte_mbuf *m = env->cap.m[k];
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *uh;
	const uint32_t hl = RTE_ETHER_HDR_LEN + sizeof(*ip) + sizeof(*uh);

	if (rte_pktmbuf_pkt_len(m) != hl + len)
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN);
	uh = (const struct rte_udp_hdr *)(ip + 1);
	if (ip->next_proto_id != IPPROTO_UDP ||
	    uh->src_port != rte_cpu_to_be_16(sport) ||
	    uh->dst_port != rte_cpu_to_be_16(gport))
		return false;
	return rte_pktmbuf_read(m, hl, len, got) != NULL &&
		memcmp(rte_pktmbuf_read(m, hl, len, got), pay, len) == 0;
}

SL_TEST(udp_one_flow_one_send_per_burst)
{
	union sl_sockaddr dst = dst_sa(10);
	struct rte_mbuf *pk[20];
	struct sl_test_env env;
	struct sl_flow_key key;
	unsigned int i, avail;
	uint64_t bytes = 0;
	struct sl_flow *f;
	uint8_t pay[2048];
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	avail = rte_mempool_avail_count(env.w.mp);
	for (i = 0; i < 20; i++) {
		pay_fill(pay, i, pay_len(i));
		pk[i] = guest_udp(&env, 40000, DST_ADDR, DST_PORT, pay,
			pay_len(i));
		SL_CHECK(pk[i] != NULL);
	}
	/* two of them chained, split inside the payload */
	SL_CHECK_EQ(split_chain(&env, pk[5], 42 + 100), 0);
	SL_CHECK_EQ(split_chain(&env, pk[11], 42 + 4), 0);
	step(&env, pk, 20);
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(send_calls(&env, hd), 1);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_send_calls], 1);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_host], 20);
	SL_CHECK_EQ(sl_host_mem_dgrams(env.host, hd), 20);
	for (i = 0; i < 20; i++)
		SL_CHECK(pop_is(&env, hd, i, &dst));
	SL_CHECK_EQ(env.w.dgram->dg_n, 0);
	key = sl_flow_key_make(IPPROTO_UDP, env.cfg.guest_addr, htons(40000),
		htonl(DST_ADDR), htons(DST_PORT));
	f = sl_flow_lookup(&env.w.ft, &key);
	SL_CHECK(f != NULL);
	for (i = 0; i < 20; i++)
		bytes += pay_len(i);
	SL_CHECK_EQ(f->bytes_to_host, bytes);
	/* every guest frame was freed after the send */
	SL_CHECK_EQ(rte_mempool_avail_count(env.w.mp), avail);
	sl_test_env_fini(&env);
}

SL_TEST(udp_two_flows_interleaved)
{
	union sl_sockaddr da = dst_sa(10), db = dst_sa(11);
	struct rte_mbuf *pk[24];
	struct sl_test_env env;
	uint8_t pay[2048];
	unsigned int i;
	int ha, hb;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	/* A B A B ...: even i to .10 from port 40000, odd to .11 */
	for (i = 0; i < 24; i++) {
		pay_fill(pay, i, pay_len(i));
		pk[i] = guest_udp(&env, (uint16_t)(40000 + (i & 1)),
			RTE_IPV4(192u, 0, 2, 10 + (i & 1)), DST_PORT, pay,
			pay_len(i));
		SL_CHECK(pk[i] != NULL);
	}
	step(&env, pk, 24);
	ha = sl_host_mem_find(env.host, SL_HOST_UDP, &da);
	hb = sl_host_mem_find(env.host, SL_HOST_UDP, &db);
	SL_CHECK(ha >= 0 && hb >= 0 && ha != hb);
	SL_CHECK_EQ(send_calls(&env, ha), 1);
	SL_CHECK_EQ(send_calls(&env, hb), 1);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_send_calls], 2);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_host], 24);
	for (i = 0; i < 24; i += 2)
		SL_CHECK(pop_is(&env, ha, i, &da));
	for (i = 1; i < 24; i += 2)
		SL_CHECK(pop_is(&env, hb, i, &db));
	SL_CHECK_EQ(sl_host_mem_dgrams(env.host, ha), 0);
	SL_CHECK_EQ(sl_host_mem_dgrams(env.host, hb), 0);
	sl_test_env_fini(&env);
}

SL_TEST(udp_burst_beyond_held_max)
{
	union sl_sockaddr dst = dst_sa(10);
	struct rte_mbuf *pk[100];
	struct sl_test_env env;
	uint8_t pay[2048];
	unsigned int i;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	for (i = 0; i < 100; i++) {
		pay_fill(pay, i, pay_len(i));
		pk[i] = guest_udp(&env, 40000, DST_ADDR, DST_PORT, pay,
			pay_len(i));
		SL_CHECK(pk[i] != NULL);
	}
	/* more than SL_DGRAM_OUT_MAX held: the first 64 go early */
	step(&env, pk, 100);
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(send_calls(&env, hd), 2);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_host], 100);
	for (i = 0; i < 100; i++)
		SL_CHECK(pop_is(&env, hd, i, &dst));
	sl_test_env_fini(&env);
}

SL_TEST(udp_host_poll_every_nth_quiet_iteration)
{
	union sl_sockaddr dst = dst_sa(10);
	struct sl_test_env env;
	uint8_t pay[16];
	unsigned int i;
	uint64_t p0;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	env.w.host_poll_every = 4;
	pay_fill(pay, 0, 4);
	sl_test_input(&env, guest_udp(&env, 40000, DST_ADDR, DST_PORT, pay,
		4));
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	sl_test_cap_clear(&env);
	/* quiet: one readiness poll in 4 iterations, the others skipped */
	for (i = 0; i < 8; i++)
		sl_test_input(&env, NULL);
	p0 = sl_host_mem_polls(env.host);
	for (i = 0; i < 8; i++)
		sl_test_input(&env, NULL);
	SL_CHECK_EQ(sl_host_mem_polls(env.host) - p0, 2);
	SL_CHECK(env.w.stats[SL_STAT_host_poll_skips] >= 6);
	/* a datagram from the host is delivered within 4 iterations, whole */
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, pay, 4, NULL), 0);
	for (i = 0; i < 4 && env.cap.n == 0; i++)
		sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK_EQ(rte_pktmbuf_pkt_len(env.cap.m[0]),
		RTE_ETHER_HDR_LEN + 20 + 8 + 4);
	SL_CHECK(memcmp(rte_pktmbuf_mtod_offset(env.cap.m[0], uint8_t *,
		RTE_ETHER_HDR_LEN + 28), pay, 4) == 0);
	/* a poll that found events is followed by another at once */
	p0 = sl_host_mem_polls(env.host);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(sl_host_mem_polls(env.host) - p0, 1);
	sl_test_env_fini(&env);
}

SL_TEST(udp_host_datagrams_in_batches)
{
	union sl_sockaddr dst = dst_sa(10);
	struct sl_test_env env;
	uint8_t pay[2048];
	unsigned int i;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	pay_fill(pay, 0, 4);
	sl_test_input(&env, guest_udp(&env, 40000, DST_ADDR, DST_PORT, pay,
		4));
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_recv_calls], 0);
	/* one datagram: a small batch (4 mbufs taken, 3 given back), not 32 */
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, pay, 4, NULL), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(recv_calls(&env, hd), 1);
	SL_CHECK_EQ(sl_host_mem_recv_slots(env.host, hd), 4);
	SL_CHECK_EQ(env.cap.n, 1);
	sl_test_cap_clear(&env);
	for (i = 0; i < 40; i++) {
		pay_fill(pay, i, pay_len(i));
		SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, pay,
			pay_len(i), NULL), 0);
	}
	sl_test_input(&env, NULL);
	/* batches double while they come back full: 4 + 8 + 16 + 12 of 32,
	 * every datagram to the guest in order */
	SL_CHECK_EQ(recv_calls(&env, hd), 5);
	SL_CHECK_EQ(sl_host_mem_recv_slots(env.host, hd), 4 + 4 + 8 + 16 + 32);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_recv_calls], 5);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_guest], 41);
	SL_CHECK_EQ(env.cap.n, 40);
	for (i = 0; i < 40; i++) {
		pay_fill(pay, i, pay_len(i));
		SL_CHECK(guest_frame_is(&env, i, DST_PORT, 40000, pay,
			pay_len(i)));
	}
	/* the socket keeps a queue: the next drain starts larger (16) */
	for (i = 0; i < 40; i++)
		SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, pay, 4,
			NULL), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(recv_calls(&env, hd), 7);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_guest], 81);
	/* nothing queued: no event, no call */
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(recv_calls(&env, hd), 7);
	sl_test_env_fini(&env);
}

SL_TEST(udp_host_datagrams_past_one_mbuf)
{
	static const uint32_t lens[] = { 100, 5000, 8972, 8973, 9500, 3 };
	static uint8_t pay[9600];
	struct sl_test_env_opts o = { .mtu = 9000 };
	union sl_sockaddr dst = dst_sa(10);
	struct sl_test_env env;
	unsigned int i, k = 0;
	int hd;

	SL_CHECK(sl_test_env_init_opts(&env, NULL, &o) == 0);
	SL_CHECK(env.w.dgram->dg_spill != NULL);
	pay_fill(pay, 0, 4);
	sl_test_input(&env, guest_udp(&env, 40000, DST_ADDR, DST_PORT, pay,
		4));
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	for (i = 0; i < RTE_DIM(lens); i++) {
		pay_fill(pay, i, (uint16_t)lens[i]);
		SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, pay, lens[i],
			NULL), 0);
	}
	sl_test_input(&env, NULL);
	/* a first batch of 4, then 2 of 8 */
	SL_CHECK_EQ(recv_calls(&env, hd), 2);
	/* 8973 and 9500 exceed the 9000 MTU with headers: two fragments
	 * each (test_frag.c checks fragments) */
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_udp], 0);
	SL_CHECK_EQ(env.w.stats[SL_STAT_ip_frag_tx], 4);
	SL_CHECK_EQ(env.cap.n, 8);
	for (i = 0; i < RTE_DIM(lens); i++) {
		if (lens[i] == 8973 || lens[i] == 9500) {
			k += 2;
			continue;
		}
		pay_fill(pay, i, (uint16_t)lens[i]);
		SL_CHECK(guest_frame_is(&env, k, DST_PORT, 40000, pay,
			lens[i]));
		k++;
	}
	SL_CHECK(env.cap.m[1]->nb_segs > 1);
	sl_test_env_fini(&env);
}

SL_TEST(udp_partial_send_and_eagain_counted)
{
	union sl_sockaddr dst = dst_sa(10);
	struct sl_test_env env;
	uint8_t pay[2048];
	unsigned int i, avail;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	pay_fill(pay, 99, 4);
	sl_test_input(&env, guest_udp(&env, 40000, DST_ADDR, DST_PORT, pay,
		4));
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, pay, sizeof(pay)), 4);
	avail = rte_mempool_avail_count(env.w.mp);

	/* the send buffer takes 3, then EAGAIN: 7 dropped, one retry only */
	SL_CHECK_EQ(sl_host_mem_fail_sends(env.host, hd, 3, EAGAIN, 1000), 0);
	send_burst(&env, 10);
	SL_CHECK_EQ(send_calls(&env, hd), 1 + 2);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_host], 1 + 3);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_host_socket], 7);
	for (i = 0; i < 3; i++)
		SL_CHECK(pop_is(&env, hd, i, &dst));
	SL_CHECK_EQ(sl_host_mem_dgrams(env.host, hd), 0);

	/* an error met after two were sent is lost with the call (as with
	 * sendmmsg(2)): the retry from the third sends the rest */
	SL_CHECK_EQ(sl_host_mem_fail_sends(env.host, hd, 2, ECONNREFUSED, 1),
		0);
	send_burst(&env, 5);
	SL_CHECK_EQ(send_calls(&env, hd), 3 + 2);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_host], 4 + 5);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_host_socket], 7);
	for (i = 0; i < 5; i++)
		SL_CHECK(pop_is(&env, hd, i, &dst));

	/* an earlier datagram's error reported on the first of a call
	 * (ECONNREFUSED): not that datagram's, it is sent again */
	SL_CHECK_EQ(sl_host_mem_fail_sends(env.host, hd, 0, ECONNREFUSED, 1),
		0);
	send_burst(&env, 5);
	SL_CHECK_EQ(send_calls(&env, hd), 5 + 2);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_host], 9 + 5);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_host_socket], 7);
	for (i = 0; i < 5; i++)
		SL_CHECK(pop_is(&env, hd, i, &dst));

	/* the first of a call refused (EPERM): that one is dropped, the rest
	 * go */
	SL_CHECK_EQ(sl_host_mem_fail_sends(env.host, hd, 0, EPERM, 1), 0);
	send_burst(&env, 5);
	SL_CHECK_EQ(send_calls(&env, hd), 7 + 2);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_host], 14 + 4);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_host_socket], 7 + 1);
	for (i = 1; i < 5; i++)
		SL_CHECK(pop_is(&env, hd, i, &dst));
	SL_CHECK_EQ(sl_host_mem_dgrams(env.host, hd), 0);
	/* the guest heard: administratively prohibited */
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK_EQ(*rte_pktmbuf_mtod_offset(env.cap.m[0], uint8_t *,
		RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr)), 3);
	SL_CHECK_EQ(*rte_pktmbuf_mtod_offset(env.cap.m[0], uint8_t *,
		RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + 1), 13);
	sl_test_cap_clear(&env);
	/* sent or dropped, every frame was freed */
	SL_CHECK_EQ(rte_mempool_avail_count(env.w.mp), avail);
	sl_test_env_fini(&env);
}

SL_TEST(udp_forward_replies_to_peers_in_one_call)
{
	union sl_sockaddr peer[3];
	struct rte_mbuf *pk[4];
	struct sl_fwd_spec spec;
	struct sl_test_env env;
	uint8_t pay[2048];
	unsigned int i, sc;
	char err[64];
	int lhd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	SL_CHECK_EQ(sl_fwd_parse("udp:5300:53", IPPROTO_TCP, &spec, err,
		sizeof(err)), 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	lhd = sl_host_mem_last(env.host);
	for (i = 0; i < 3; i++) {
		peer[i].in.sin_family = AF_INET;
		peer[i].in.sin_port = htons((uint16_t)(5000 + i));
		peer[i].in.sin_addr.s_addr = htonl(RTE_IPV4(10u, 0, 0, 1 + i));
		pay_fill(pay, 50 + i, pay_len(50 + i));
		SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, lhd, pay,
			pay_len(50 + i), &peer[i]), 0);
	}
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(recv_calls(&env, lhd), 1);
	SL_CHECK_EQ(env.cap.n, 3);
	for (i = 0; i < 3; i++) {
		pay_fill(pay, 50 + i, pay_len(50 + i));
		SL_CHECK(guest_frame_is(&env, i, (uint16_t)(5000 + i), 53,
			pay, pay_len(50 + i)));
	}
	SL_CHECK_EQ(env.w.ft.active, 3);
	sc = send_calls(&env, lhd);
	/* the guest answers all three (the first twice) in one burst, to
	 * the clients' own addresses (--fwd-source client) */
	for (i = 0; i < 4; i++) {
		pay_fill(pay, i, pay_len(i));
		pk[i] = guest_udp(&env, 53,
			rte_be_to_cpu_32(peer[i % 3].in.sin_addr.s_addr),
			(uint16_t)(5000 + i % 3), pay, pay_len(i));
	}
	step(&env, pk, 4);
	SL_CHECK_EQ(send_calls(&env, lhd), sc + 1);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_send_calls], 1);
	for (i = 0; i < 4; i++)
		SL_CHECK(pop_is(&env, lhd, i, &peer[i % 3]));
	SL_CHECK_EQ(sl_fwd_del(&env.w, &spec), 0);
	SL_CHECK_EQ(env.host->open_handles, 0);
	sl_test_env_fini(&env);
}

SL_TEST(udp_freed_flow_sends_held_first)
{
	union sl_sockaddr dst = dst_sa(10);
	struct sl_test_env env;
	struct sl_flow_key key;
	enum sl_stat why;
	struct rte_mbuf *m;
	struct sl_flow *f;
	struct sl_pkt p;
	uint8_t buf[16];
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	m = guest_udp(&env, 40000, DST_ADDR, DST_PORT, "held", 4);
	SL_CHECK(m != NULL);
	memset(&p, 0, sizeof(p));
	SL_CHECK_EQ(sl_net_parse(m, &p, &why), 0);
	SL_CHECK(sl_udp_input(&env.w, &p));
	SL_CHECK_EQ(env.w.dgram->dg_n, 1);
	key = sl_flow_key_make(IPPROTO_UDP, env.cfg.guest_addr, htons(40000),
		htonl(DST_ADDR), htons(DST_PORT));
	f = sl_flow_lookup(&env.w.ft, &key);
	SL_CHECK(f != NULL);
	hd = f->hd;
	SL_CHECK_EQ(sl_host_mem_dgrams(env.host, hd), 0);
	sl_worker_free_flow(&env.w, f, false);
	SL_CHECK_EQ(env.w.dgram->dg_n, 0);
	SL_CHECK(!sl_host_mem_is_open(env.host, hd));
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(env.host, hd, buf, sizeof(buf),
		&dst), 4);
	SL_CHECK(memcmp(buf, "held", 4) == 0);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_host], 1);
	sl_test_env_fini(&env);
}

SL_TEST(icmp_echo_batched)
{
	union sl_sockaddr dst = dst_sa(10);
	struct rte_mbuf *pk[5];
	struct sl_test_env env;
	struct rte_icmp_hdr ic;
	uint8_t buf[64];
	unsigned int i;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	for (i = 0; i < 5; i++) {
		pk[i] = sl_test_echo_frame(&env, DST_ADDR, 0x1234, (uint16_t)(i + 1));
		SL_CHECK(pk[i] != NULL);
	}
	step(&env, pk, 5);
	hd = sl_host_mem_find(env.host, SL_HOST_ICMP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(send_calls(&env, hd), 1);
	SL_CHECK_EQ(env.w.stats[SL_STAT_icmp_relayed], 5);
	for (i = 0; i < 5; i++) {
		SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, buf,
			sizeof(buf)), sizeof(ic) + 8);
		memcpy(&ic, buf, sizeof(ic));
		SL_CHECK_EQ(rte_be_to_cpu_16(ic.icmp_seq_nb), i + 1);
	}
	/* three replies: one receive call, three frames with the id back */
	for (i = 0; i < 3; i++) {
		memset(&ic, 0, sizeof(ic));
		ic.icmp_type = RTE_IP_ICMP_ECHO_REPLY;
		ic.icmp_ident = rte_cpu_to_be_16(777);
		ic.icmp_seq_nb = rte_cpu_to_be_16((uint16_t)(i + 1));
		memcpy(buf, &ic, sizeof(ic));
		memcpy(buf + sizeof(ic), "pingdata", 8);
		SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, buf,
			sizeof(ic) + 8, NULL), 0);
	}
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(recv_calls(&env, hd), 1);
	SL_CHECK_EQ(env.w.stats[SL_STAT_icmp_replies], 3);
	SL_CHECK_EQ(env.cap.n, 3);
	for (i = 0; i < 3; i++) {
		const struct rte_icmp_hdr *r = rte_pktmbuf_mtod_offset(
			env.cap.m[i], const struct rte_icmp_hdr *,
			RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr));

		SL_CHECK_EQ(rte_be_to_cpu_16(r->icmp_ident), 0x1234);
		SL_CHECK_EQ(rte_be_to_cpu_16(r->icmp_seq_nb), i + 1);
	}
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}

SL_TEST(udp_dns_to_an_ipv6_resolver)
{
	union sl_sockaddr r6, from;
	struct rte_mbuf *pk[1];
	struct sl_test_env env;
	struct sl_config cfg;
	uint8_t pay[64];
	int hd;

	/* the host has an IPv6 resolver only ([::1]:5353): the guest's
	 * queries to the DNS address go there on an IPv6 socket */
	sl_config_defaults(&cfg);
	cfg.max_flows = 64;
	cfg.dns_fwd = 0;
	cfg.dns_fwd_port = 5353;
	cfg.dns_fwd6.b[15] = 1;
	memset(&r6, 0, sizeof(r6));
	r6.in6.sin6_family = AF_INET6;
	r6.in6.sin6_addr = in6addr_loopback;
	r6.in6.sin6_port = htons(5353);
	SL_CHECK(sl_test_env_init(&env, &cfg) == 0);
	pay_fill(pay, 3, 40);
	pk[0] = guest_udp(&env, 40053, rte_be_to_cpu_32(env.cfg.dns), 53, pay,
		40);
	step(&env, pk, 1);
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &r6);
	SL_CHECK(hd >= 0);
	from = sl_host_mem_sockaddr(env.host, hd);
	SL_CHECK_EQ(from.sa.sa_family, AF_INET6);
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(env.host, hd, pay, sizeof(pay),
		&from), 40);
	SL_CHECK(sl_sockaddr_same(&from, &r6, true));
	/* the answer comes back from the DNS address */
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, "answer", 6, NULL), 0);
	sl_test_cap_clear(&env);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	{
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
			env.cap.m[0], const struct rte_ipv4_hdr *,
			RTE_ETHER_HDR_LEN);
		const struct rte_udp_hdr *uh = (const void *)(ip + 1);

		SL_CHECK_EQ(ip->src_addr, env.cfg.dns);
		SL_CHECK_EQ(uh->src_port, htons(53));
		SL_CHECK_EQ(uh->dst_port, htons(40053));
	}
	sl_test_env_fini(&env);
}
