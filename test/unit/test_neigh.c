/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_neigh.c: the guest's link layer (lib/neigh): an ARP request for the
 * guest address at start, rate-limited and retried with backoff; frames to
 * an unresolved guest held (bounded, counted) and sent unicast once it
 * answers; a MAC learned by worker 0 (DHCP, ARP) used by worker 1 of the
 * same port, a MAC change published; an inbound forwarded connection to a
 * guest that never spoke (bogus replies ignored); a stale entry re-verified
 * by unicast ARP.
 */
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <rte_arp.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_tcp.h>

#include "sl_dhcp.h"
#include "sl_fwd.h"
#include "sl_host_mem.h"
#include "sl_neigh.h"
#include "sl_steer.h"
#include "sl_test.h"

static const struct rte_ether_addr mac_b = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x0b, 0x0b } };

/** stat - counter @name of @w, or -1 when there is no such counter. */
static long long
stat(const struct sl_worker *w, const char *name)
{
	unsigned int k;

	for (k = 0; k < SL_STAT_MAX; k++)
		if (strcmp(sl_stat_names[k], name) == 0)
			return (long long)w->stats[k];
	return -1;
}

/** arp_of - the ARP header of captured frame @m, or NULL. */
static const struct rte_arp_hdr *
arp_of(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m,
		const struct rte_ether_hdr *);

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) +
	    sizeof(struct rte_arp_hdr) ||
	    eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_ARP))
		return NULL;
	return (const struct rte_arp_hdr *)(eth + 1);
}

/**
 * count_requests - ARP requests for the guest address in @env's capture
 * (checked: from the gateway, Ethernet destination @dst).
 * Return: how many, or -1 when one is malformed.
 */
static int
count_requests(const struct sl_test_env *env,
	const struct rte_ether_addr *dst)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < env->cap.n; i++) {
		const struct rte_arp_hdr *a = arp_of(env->cap.m[i]);
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(
			env->cap.m[i], const struct rte_ether_hdr *);

		if (a == NULL || a->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST))
			continue;
		if (a->arp_data.arp_tip != env->cfg.guest_addr ||
		    a->arp_data.arp_sip != env->cfg.gateway ||
		    !rte_is_same_ether_addr(&a->arp_data.arp_sha,
		    &env->w.gw_mac) ||
		    !rte_is_same_ether_addr(&eth->dst_addr, dst))
			return -1;
		n++;
	}
	return n;
}

/**
 * count_ip - IPv4 frames in @env's capture: to @dst (NULL: any), and how
 * many of them are TCP SYNs (@syns, may be NULL).
 */
static unsigned int
count_ip(const struct sl_test_env *env, const struct rte_ether_addr *dst,
	unsigned int *syns)
{
	unsigned int i, n = 0;

	if (syns != NULL)
		*syns = 0;
	for (i = 0; i < env->cap.n; i++) {
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(
			env->cap.m[i], const struct rte_ether_hdr *);
		const struct rte_ipv4_hdr *ip =
			(const struct rte_ipv4_hdr *)(eth + 1);
		const struct rte_tcp_hdr *th =
			(const struct rte_tcp_hdr *)(ip + 1);

		if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
		    (dst != NULL && !rte_is_same_ether_addr(&eth->dst_addr,
		    dst)))
			continue;
		n++;
		if (syns != NULL && ip->next_proto_id == IPPROTO_TCP &&
		    th->tcp_flags == RTE_TCP_SYN_FLAG)
			(*syns)++;
	}
	return n;
}

/**
 * guest_arp - a frame from the guest at @mac: ARP @op from the guest
 * address for @tip (a reply goes to sluice, a request is broadcast).
 */
static struct rte_mbuf *
guest_arp(struct sl_test_env *env, uint16_t op,
	const struct rte_ether_addr *mac, uint32_t tip)
{
	struct rte_ether_addr bcast;
	struct rte_mbuf *m = rte_pktmbuf_alloc(env->w.mp);
	bool reply = op == RTE_ARP_OP_REPLY;

	memset(&bcast, 0xff, sizeof(bcast));
	if (m != NULL && sl_net_build_arp(m, op, reply ? &env->w.gw_mac :
	    &bcast, mac, env->cfg.guest_addr, reply ? &env->w.gw_mac : NULL,
	    tip) != 0) {
		rte_pktmbuf_free(m);
		m = NULL;
	}
	return m;
}

/** guest_discover - a DHCPDISCOVER from chaddr @mac (broadcast). */
static struct rte_mbuf *
guest_discover(struct sl_test_env *env, const struct rte_ether_addr *mac)
{
	uint8_t d[SL_DHCP_OFF_MAGIC + 8];

	memset(d, 0, sizeof(d));
	d[0] = SL_DHCP_OP_REQUEST;
	d[1] = 1;
	d[2] = RTE_ETHER_ADDR_LEN;
	memcpy(&d[4], "\x12\x34\x56\x78", 4);
	memcpy(&d[SL_DHCP_OFF_CHADDR], mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	/* magic cookie, option 53 = DISCOVER, end */
	memcpy(&d[SL_DHCP_OFF_MAGIC], "\x63\x82\x53\x63\x35\x01\x01\xff",
		8);
	return sl_test_udp_frame(env, mac, 0, SL_DHCP_CLIENT_PORT, 0xffffffff,
		SL_DHCP_SERVER_PORT, d, sizeof(d));
}

/**
 * connect_in - add forward 8080:80 on @env's worker (once: @lhd < 0) and
 * let @n host clients connect through it. Return: the listener handle.
 */
static int
connect_in(struct sl_test_env *env, int lhd, unsigned int n,
	uint16_t first_port)
{
	union sl_sockaddr peer = { .in.sin_family = AF_INET,
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sl_fwd_spec spec;
	char err[64];
	unsigned int i;

	if (lhd < 0) {
		if (sl_fwd_parse("8080:80", IPPROTO_TCP, &spec, err,
		    sizeof(err)) != 0 || sl_fwd_add(&env->w, &spec) != 0)
			return -1;
		lhd = sl_host_mem_last(env->host);
	}
	for (i = 0; i < n; i++) {
		peer.in.sin_port = htons((uint16_t)(first_port + i));
		if (sl_host_mem_incoming(env->host, lhd, &peer) != 0)
			return -1;
	}
	return lhd;
}

/** silent_env - a worker on a manual clock whose guest never spoke. */
static int
silent_env(struct sl_test_env *env)
{
	if (sl_test_env_init_manual(env, NULL) != 0)
		return -1;
	sl_neigh_flush(&env->w);
	return 0;
}

/** step - advance @env's clock by @ms and run one iteration. */
static void
step(struct sl_test_env *env, uint64_t ms)
{
	env->w.now_ms += ms;
	sl_test_input(env, NULL);
}

SL_TEST(neigh_request_at_start_rate_limited_with_backoff)
{
	struct rte_ether_addr bcast, mac;
	struct sl_test_env env;
	uint64_t t0, last = 0, gap = 0;
	int n = 0, k;

	SL_CHECK(silent_env(&env) == 0);
	memset(&bcast, 0xff, sizeof(bcast));
	sl_neigh_start(&env.w);
	step(&env, 0);
	/* asked at once, broadcast, for the guest address */
	SL_CHECK_EQ(count_requests(&env, &bcast), 1);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK_EQ(stat(&env.w, "arp_req_sent"), 1);
	sl_test_cap_clear(&env);
	/* not again within a second */
	step(&env, 0);
	step(&env, 999);
	SL_CHECK_EQ(env.cap.n, 0);
	/* then retried, further and further apart, a bounded number */
	t0 = env.w.now_ms - 999;
	last = t0;
	for (k = 0; k < 600; k++) {
		int c;

		step(&env, 100);
		c = count_requests(&env, &bcast);
		SL_CHECK(c >= 0 && c <= 1);
		if (c == 1) {
			uint64_t g = env.w.now_ms - last;

			SL_CHECK(g >= 1000);
			SL_CHECK(g >= gap);	/* backoff: never shorter */
			gap = g;
			last = env.w.now_ms;
			n++;
		}
		sl_test_cap_clear(&env);
	}
	SL_CHECK(n >= 2);
	SL_CHECK(gap >= 4000);
	SL_CHECK_EQ(stat(&env.w, "arp_req_sent"), n + 1);
	SL_CHECK(n + 1 <= 8);
	/* nothing sent to the guest meanwhile, and still unresolved */
	SL_CHECK(!sl_neigh_lookup(&env.w, env.cfg.guest_addr, &mac));
	/* the guest answers: resolved */
	sl_test_input(&env, guest_arp(&env, RTE_ARP_OP_REPLY,
		&sl_test_guest_mac, env.cfg.gateway));
	SL_CHECK(sl_neigh_lookup(&env.w, env.cfg.guest_addr, &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &sl_test_guest_mac));
	SL_CHECK_EQ(stat(&env.w, "neigh_resolved"), 2);	/* set-up + here */
	sl_test_env_fini(&env);
}

SL_TEST(neigh_forward_to_silent_guest_gets_unicast_syn)
{
	struct rte_ether_addr bcast, zero, mac, mcast = {
		.addr_bytes = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };
	struct sl_test_env env;
	unsigned int syns;

	SL_CHECK(silent_env(&env) == 0);
	memset(&bcast, 0xff, sizeof(bcast));
	memset(&zero, 0, sizeof(zero));
	SL_CHECK(connect_in(&env, -1, 1, 40000) >= 0);
	step(&env, 0);
	/* the SYN waits; the guest is asked for its MAC */
	SL_CHECK_EQ(count_ip(&env, NULL, NULL), 0);
	SL_CHECK_EQ(stat(&env.w, "neigh_held"), 1);
	step(&env, 0);
	SL_CHECK_EQ(count_requests(&env, &bcast), 1);
	sl_test_cap_clear(&env);
	/* a reply naming no host's MAC, or another address, resolves
	 * nothing */
	sl_test_input(&env, guest_arp(&env, RTE_ARP_OP_REPLY, &mcast,
		env.cfg.gateway));
	sl_neigh_learn(&env.w, env.cfg.guest_addr, &zero);
	sl_neigh_learn(&env.w, env.cfg.gateway, &mac_b);
	SL_CHECK(!sl_neigh_lookup(&env.w, env.cfg.guest_addr, &mac));
	SL_CHECK(!sl_neigh_lookup(&env.w, env.cfg.gateway, &mac));
	SL_CHECK_EQ(count_ip(&env, NULL, NULL), 0);
	/* it answers: the SYN leaves, unicast to it */
	sl_test_input(&env, guest_arp(&env, RTE_ARP_OP_REPLY,
		&sl_test_guest_mac, env.cfg.gateway));
	SL_CHECK_EQ(count_ip(&env, &sl_test_guest_mac, &syns), 1);
	SL_CHECK_EQ(syns, 1);
	SL_CHECK_EQ(count_ip(&env, NULL, NULL), 1);
	SL_CHECK_EQ(stat(&env.w, "drop_neigh_unres"), 0);
	sl_test_env_fini(&env);
}

SL_TEST(neigh_held_frames_bounded_then_sent)
{
	const unsigned int extra = 8;
	struct sl_test_env env;
	unsigned int syns;

	SL_CHECK(silent_env(&env) == 0);
	SL_CHECK(connect_in(&env, -1, SL_NEIGH_HOLD + extra, 41000) >= 0);
	step(&env, 0);
	step(&env, 0);
	SL_CHECK_EQ(count_ip(&env, NULL, NULL), 0);
	SL_CHECK_EQ(stat(&env.w, "neigh_held"), SL_NEIGH_HOLD + extra);
	SL_CHECK_EQ(stat(&env.w, "drop_neigh_unres"), extra);
	sl_test_cap_clear(&env);
	sl_test_input(&env, guest_arp(&env, RTE_ARP_OP_REPLY,
		&sl_test_guest_mac, env.cfg.gateway));
	SL_CHECK_EQ(count_ip(&env, &sl_test_guest_mac, &syns), SL_NEIGH_HOLD);
	SL_CHECK_EQ(syns, SL_NEIGH_HOLD);
	SL_CHECK_EQ(count_ip(&env, NULL, NULL), SL_NEIGH_HOLD);
	sl_test_env_fini(&env);
}

SL_TEST(neigh_held_frame_expires)
{
	struct sl_test_env env;

	SL_CHECK(silent_env(&env) == 0);
	SL_CHECK(connect_in(&env, -1, 1, 42000) >= 0);
	step(&env, 0);
	SL_CHECK_EQ(count_ip(&env, NULL, NULL), 0);
	SL_CHECK_EQ(stat(&env.w, "neigh_held"), 1);
	/* held too long: dropped, counted, never broadcast (the SYN's
	 * retransmission is held in its place) */
	step(&env, SL_NEIGH_HOLD_MS);
	SL_CHECK_EQ(stat(&env.w, "drop_neigh_unres"), 1);
	SL_CHECK_EQ(count_ip(&env, NULL, NULL), 0);
	sl_test_env_fini(&env);
}

/**
 * two_workers - @e0 and @e1: queues 0 and 1 of one port (@s), on one
 * manual clock, the guest not heard yet.
 */
static int
two_workers(struct sl_test_env *e0, struct sl_test_env *e1,
	struct sl_steer *s)
{
	static uint16_t seq;

	if (sl_steer_create(s, (uint16_t)(200 + seq++), 2, 0,
	    SOCKET_ID_ANY) != 0 ||
	    sl_test_env_init_manual(e0, NULL) != 0 ||
	    sl_test_env_init_manual(e1, NULL) != 0)
		return -1;
	e0->w.steer = s;
	e1->w.steer = s;
	e1->w.queue_id = 1;
	e1->w.now_ms = e0->w.now_ms;
	sl_neigh_bind(&e0->w);
	sl_neigh_bind(&e1->w);
	return 0;
}

static void
two_workers_fini(struct sl_test_env *e0, struct sl_test_env *e1,
	struct sl_steer *s)
{
	sl_test_env_fini(e0);
	sl_test_env_fini(e1);
	sl_steer_destroy(s);
}

SL_TEST(neigh_mac_from_worker0_used_by_worker1)
{
	struct sl_test_env e0, e1;
	struct sl_steer *s = rte_zmalloc("t", sizeof(*s), 0);
	unsigned int syns;
	int lhd;

	SL_CHECK(s != NULL);
	SL_CHECK(two_workers(&e0, &e1, s) == 0);
	/* DHCP (worker 0's) names the guest's MAC */
	sl_test_input(&e0, guest_discover(&e0, &mac_b));
	SL_CHECK_EQ(stat(&e0.w, "dhcp_offers"), 1);
	/* worker 1 accepts a forwarded connection: unicast SYN at once */
	lhd = connect_in(&e1, -1, 1, 43000);
	SL_CHECK(lhd >= 0);
	sl_test_input(&e1, NULL);
	SL_CHECK_EQ(count_ip(&e1, &mac_b, &syns), 1);
	SL_CHECK_EQ(syns, 1);
	SL_CHECK_EQ(count_ip(&e1, NULL, NULL), 1);
	sl_test_cap_clear(&e1);
	/* the guest moves to another MAC: gratuitous ARP on worker 0 */
	sl_test_input(&e0, guest_arp(&e0, RTE_ARP_OP_REQUEST,
		&sl_test_guest_mac, e0.cfg.guest_addr));
	SL_CHECK_EQ(stat(&e0.w, "neigh_changed"), 1);
	SL_CHECK(connect_in(&e1, lhd, 1, 43100) >= 0);
	sl_test_input(&e1, NULL);
	SL_CHECK_EQ(count_ip(&e1, &sl_test_guest_mac, &syns), 1);
	SL_CHECK_EQ(syns, 1);
	SL_CHECK_EQ(count_ip(&e1, NULL, NULL), 1);
	two_workers_fini(&e0, &e1, s);
	rte_free(s);
}

SL_TEST(neigh_worker1_frames_wait_for_worker0_arp)
{
	struct rte_ether_addr bcast;
	struct sl_test_env e0, e1;
	struct sl_steer *s = rte_zmalloc("t", sizeof(*s), 0);
	unsigned int syns;

	SL_CHECK(s != NULL);
	SL_CHECK(two_workers(&e0, &e1, s) == 0);
	memset(&bcast, 0xff, sizeof(bcast));
	/* worker 0 starts: its request goes unanswered */
	sl_test_input(&e0, NULL);
	SL_CHECK_EQ(count_requests(&e0, &bcast), 1);
	sl_test_cap_clear(&e0);
	/* worker 1's SYN waits; worker 0 asks again (a second later) */
	SL_CHECK(connect_in(&e1, -1, 1, 44000) >= 0);
	sl_test_input(&e1, NULL);
	SL_CHECK_EQ(count_ip(&e1, NULL, NULL), 0);
	step(&e0, 1000);
	SL_CHECK_EQ(count_requests(&e0, &bcast), 1);
	/* the guest answers worker 0; worker 1 sends the SYN unicast */
	sl_test_input(&e0, guest_arp(&e0, RTE_ARP_OP_REPLY, &mac_b,
		e0.cfg.gateway));
	e1.w.now_ms = e0.w.now_ms;
	sl_test_input(&e1, NULL);
	/* (with its retransmission, held too) */
	SL_CHECK(count_ip(&e1, &mac_b, &syns) >= 1);
	SL_CHECK_EQ(syns, count_ip(&e1, NULL, NULL));
	SL_CHECK_EQ(count_ip(&e1, &mac_b, NULL), count_ip(&e1, NULL, NULL));
	two_workers_fini(&e0, &e1, s);
	rte_free(s);
}

SL_TEST(neigh_stale_entry_reverified_then_dropped)
{
	struct rte_ether_addr bcast, mac;
	struct sl_test_env env;
	unsigned int k;
	int lhd, uni = 0;

	SL_CHECK(sl_test_env_init_manual(&env, NULL) == 0);
	memset(&bcast, 0xff, sizeof(bcast));
	sl_neigh_learn(&env.w, env.cfg.guest_addr, &sl_test_guest_mac);
	/* unconfirmed for longer than the reachable time */
	step(&env, SL_NEIGH_REACHABLE_MS + 1000);
	lhd = connect_in(&env, -1, 1, 45000);
	SL_CHECK(lhd >= 0);
	step(&env, 0);
	/* still used: the SYN goes to the old MAC at once */
	SL_CHECK_EQ(count_ip(&env, &sl_test_guest_mac, NULL), 1);
	sl_test_cap_clear(&env);
	/* and it is checked with a unicast request */
	step(&env, 0);
	SL_CHECK_EQ(count_requests(&env, &sl_test_guest_mac), 1);
	sl_test_cap_clear(&env);
	/* the guest answers: confirmed, no more requests */
	sl_test_input(&env, guest_arp(&env, RTE_ARP_OP_REPLY,
		&sl_test_guest_mac, env.cfg.gateway));
	for (k = 0; k < 50; k++)
		step(&env, 100);
	SL_CHECK_EQ(count_requests(&env, &sl_test_guest_mac), 0);
	SL_CHECK_EQ(count_requests(&env, &bcast), 0);
	sl_test_cap_clear(&env);
	/* stale again, and this time silent */
	step(&env, SL_NEIGH_REACHABLE_MS + 1000);
	SL_CHECK(connect_in(&env, lhd, 1, 45100) >= 0);
	for (k = 0; k < 60; k++) {
		step(&env, 100);
		uni += count_requests(&env, &sl_test_guest_mac);
		if (!sl_neigh_lookup(&env.w, env.cfg.guest_addr, &mac))
			break;
		sl_test_cap_clear(&env);
	}
	/* a few unicast checks, then it is unresolved again */
	SL_CHECK(uni >= 2 && uni <= SL_NEIGH_UCAST_TRIES);
	SL_CHECK(!sl_neigh_lookup(&env.w, env.cfg.guest_addr, &mac));
	SL_CHECK_EQ(stat(&env.w, "neigh_failed"), 1);
	sl_test_cap_clear(&env);
	/* new frames wait for a broadcast request's answer */
	SL_CHECK(connect_in(&env, lhd, 1, 45200) >= 0);
	step(&env, 0);
	step(&env, 1000);
	SL_CHECK_EQ(count_ip(&env, NULL, NULL), 0);
	SL_CHECK(count_requests(&env, &bcast) >= 1);
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	if (sl_test_eal() != 0)
		return 1;
	return sl_test_main(argc, argv);
}

/** addr6_n - IPv6 address fec0::1:0:0:@n of the guest prefix. */
static const uint8_t *
addr6_n(unsigned int n)
{
	static uint8_t a[4][16];
	static unsigned int k;
	uint8_t *p = a[k++ % 4];

	memset(p, 0, 16);
	p[0] = 0xfe;
	p[1] = 0xc0;
	p[11] = 1;
	p[14] = (uint8_t)(n >> 8);
	p[15] = (uint8_t)n;
	return p;
}

/** frame6 - a zeroed 60-byte frame to send through sl_neigh_tx6. */
static struct rte_mbuf *
frame6(struct sl_test_env *env)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(env->w.mp);
	char *p = m != NULL ? rte_pktmbuf_append(m, 60) : NULL;

	if (p != NULL)
		memset(p, 0, 60);
	return m;
}

/*
 * IPv6 entries expire: a guest with temporary addresses fills the
 * SL_NEIGH6_MAX entries; a new address is refused (neigh6_full) while all
 * are in use, and takes the entry of the one idle longest once it has gone
 * sl_neigh6_idle_ms() without a frame either way (neigh6_evicted). An
 * address frames are still sent to is not taken. The other worker of the
 * port drops its view of the reused entry (its counters restart) and
 * resolves the new address afresh; /sluice/hosts sees the new address.
 */
SL_TEST(neigh6_idle_addresses_expire)
{
	struct sl_test_env e0, e1;
	struct sl_steer *s = rte_zmalloc("t", sizeof(*s), 0);
	struct sl_neigh_host_info info;
	struct rte_ether_addr mac;
	uint64_t idle;
	unsigned int i;
	int slot = -1;

	SL_CHECK(s != NULL);
	SL_CHECK(two_workers(&e0, &e1, s) == 0);
	idle = sl_neigh6_idle_ms(&e0.cfg);
	SL_CHECK(idle > (uint64_t)e0.cfg.tcp_idle_timeout_s * 1000);
	for (i = 0; i < SL_NEIGH6_MAX; i++) {
		sl_neigh_learn6(&e0.w, addr6_n(i), &mac_b);
		e0.w.now_ms += 10;
	}
	SL_CHECK_EQ(stat(&e0.w, "neigh6_full"), 0);
	sl_neigh_poll(&e1.w);
	SL_CHECK(sl_neigh_lookup6(&e1.w, addr6_n(0), &mac));
	/* worker 1 sends to address 0 (a flow's frames) */
	sl_neigh_tx6(&e1.w, frame6(&e1), addr6_n(0));
	SL_CHECK(e1.cap.n + e1.w.n_tx >= 1);
	/* full, nothing idle: refused, counted */
	sl_neigh_learn6(&e0.w, addr6_n(100), &mac_b);
	SL_CHECK_EQ(stat(&e0.w, "neigh6_full"), 1);
	SL_CHECK(!sl_neigh_lookup6(&e0.w, addr6_n(100), &mac));
	/* all idle long enough but address 0, which was used later */
	e0.w.now_ms += idle - 100;
	e1.w.now_ms = e0.w.now_ms;
	sl_neigh_tx6(&e1.w, frame6(&e1), addr6_n(0));
	e0.w.now_ms += 200;
	e1.w.now_ms = e0.w.now_ms;
	sl_neigh_learn6(&e0.w, addr6_n(100), &mac_b);
	SL_CHECK_EQ(stat(&e0.w, "neigh6_evicted"), 1);
	SL_CHECK(sl_neigh_lookup6(&e0.w, addr6_n(100), &mac));
	SL_CHECK(sl_neigh_lookup6(&e0.w, addr6_n(0), &mac));	/* in use */
	SL_CHECK(!sl_neigh_lookup6(&e0.w, addr6_n(1), &mac));	/* oldest */
	SL_CHECK(sl_neigh_lookup6(&e0.w, addr6_n(2), &mac));
	/* worker 1 sees the new address in that entry, its view reset */
	for (i = 0; sl_neigh_host(&e1.w, i, &info); i++)
		if (info.v6 && memcmp(info.ip6, addr6_n(100), 16) == 0)
			slot = (int)i;
	SL_CHECK(slot >= 0);
	SL_CHECK(!sl_neigh_lookup6(&e1.w, addr6_n(1), &mac));
	sl_neigh_poll(&e1.w);
	SL_CHECK(sl_neigh_lookup6(&e1.w, addr6_n(100), &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &mac_b));
	SL_CHECK(sl_neigh_host(&e1.w, (uint32_t)slot, &info));
	SL_CHECK_EQ(info.tx_frames, 0);
	/* more new addresses take the other idle entries, then are
	 * refused again (addresses 0 and 100 are not idle) */
	for (i = 0; i < SL_NEIGH6_MAX; i++)
		sl_neigh_learn6(&e0.w, addr6_n(200 + i), &mac_b);
	SL_CHECK_EQ(stat(&e0.w, "neigh6_evicted"), SL_NEIGH6_MAX - 1);
	SL_CHECK_EQ(stat(&e0.w, "neigh6_full"), 3);
	SL_CHECK(sl_neigh_lookup6(&e0.w, addr6_n(0), &mac));
	SL_CHECK(sl_neigh_lookup6(&e0.w, addr6_n(100), &mac));
	two_workers_fini(&e0, &e1, s);
	rte_free(s);
}
