/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_steer.c: multi-queue ports (lib/core/sl_steer.c): the flow owner
 * function, frames handed between two workers through the steering rings,
 * inbound connections given a source port their accepting worker owns, UDP
 * forwards pinned to worker 0, the guest MAC shared by the port's workers
 * (lib/neigh), frames of a queue the guest has not enabled sent through
 * worker 0.
 */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_thash.h>
#include <rte_udp.h>

#include "sl_fwd.h"
#include "sl_host_mem.h"
#include "sl_neigh.h"
#include "sl_steer.h"
#include "sl_test.h"

/** syn_frame - a guest TCP SYN from @sport to @daddr:@dport (host order). */
static struct rte_mbuf *
syn_frame(struct sl_test_env *env, uint16_t sport, uint32_t daddr,
	uint16_t dport)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(env->w.mp);
	struct rte_tcp_hdr *th;

	if (m == NULL)
		return NULL;
	th = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, sizeof(*th));
	if (th == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(th, 0, sizeof(*th));
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(dport);
	th->sent_seq = rte_cpu_to_be_32(1000);
	th->data_off = 5 << 4;
	th->tcp_flags = RTE_TCP_SYN_FLAG;
	th->rx_win = rte_cpu_to_be_16(65535);
	if (sl_net_prepend_ipv4(m, &sl_test_guest_mac, &env->w.gw_mac,
	    env->cfg.guest_addr, rte_cpu_to_be_32(daddr),
	    IPPROTO_TCP) != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	sl_net_l4_cksum(m);
	return m;
}

/** owner_of_port - owner of guest TCP port @sport -> gateway:@dport. */
static unsigned int
owner_of_port(const struct sl_steer *s, const struct sl_config *cfg,
	uint16_t sport, uint16_t dport)
{
	return sl_steer_owner_tuple(s, IPPROTO_TCP, cfg->guest_addr,
		cfg->gateway, rte_cpu_to_be_16(sport),
		rte_cpu_to_be_16(dport));
}

SL_TEST(steer_owner_function)
{
	struct sl_steer *s = sl_test_steer_new(4);
	union rte_thash_tuple t;
	unsigned int count[4] = { 0 }, i, q;
	uint32_t a = RTE_BE32(RTE_IPV4(10, 0, 2, 15));
	uint32_t b = RTE_BE32(RTE_IPV4(10, 0, 2, 2));

	SL_CHECK(s != NULL);
	for (i = 0; i < 4000; i++) {
		q = sl_steer_owner_tuple(s, IPPROTO_TCP, a, b,
			rte_cpu_to_be_16((uint16_t)(30000 + i)),
			RTE_BE16(5201));
		SL_CHECK(q < 4);
		/* a pure function of the tuple */
		SL_CHECK_EQ(q, sl_steer_owner_tuple(s, IPPROTO_TCP, a, b,
			rte_cpu_to_be_16((uint16_t)(30000 + i)),
			RTE_BE16(5201)));
		count[q]++;
	}
	for (q = 0; q < 4; q++)
		SL_CHECK(count[q] > 700);	/* about 1000 each */
	/* the optimised Toeplitz with the converted key is what a NIC
	 * programmed with the same key computes (the plain form) */
	memset(&t, 0, sizeof(t));
	t.v4.src_addr = RTE_IPV4(10, 0, 2, 15);
	t.v4.dst_addr = RTE_IPV4(93, 184, 216, 34);
	t.v4.sport = 40000;
	t.v4.dport = 443;
	SL_CHECK_EQ(rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN,
		sl_steer_key()), rte_softrss_be((uint32_t *)&t,
		RTE_THASH_V4_L4_LEN, s->key_be));
	SL_CHECK_EQ(sl_steer_owner_tuple(s, IPPROTO_TCP,
		rte_cpu_to_be_32(t.v4.src_addr),
		rte_cpu_to_be_32(t.v4.dst_addr), RTE_BE16(40000),
		RTE_BE16(443)),
		(rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN,
		sl_steer_key()) % SL_STEER_RETA) % 4);
	sl_test_steer_free(s);
}

SL_TEST(steer_mine_ipv6_keys)
{
	struct sl_steer *s = sl_test_steer_new(4);
	struct sl_addr g, d;
	struct rte_ipv6_hdr ip;
	union rte_thash_tuple t;
	unsigned int count[4] = { 0 }, i, q, owner;
	struct sl_test_env env;
	struct sl_flow_key k;

	SL_CHECK(s != NULL);
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	env.w.steer = s;
	inet_pton(AF_INET6, "fec0::15", g.b);
	inet_pton(AF_INET6, "2001:db8::80", d.b);
	for (i = 0; i < 4000; i++) {
		k = sl_flow_key_make6(IPPROTO_TCP, &g,
			rte_cpu_to_be_16((uint16_t)(30000 + i)), &d,
			RTE_BE16(443));
		/* the owner is the one queue whose worker calls it mine:
		 * RSS's Toeplitz over the IPv6 addresses and the ports */
		memcpy(ip.src_addr, g.b, 16);
		memcpy(ip.dst_addr, d.b, 16);
		memset(&t, 0, sizeof(t));
		rte_thash_load_v6_addrs(&ip, &t);
		t.v6.sport = (uint16_t)(30000 + i);
		t.v6.dport = 443;
		owner = (rte_softrss((uint32_t *)&t, RTE_THASH_V6_L4_LEN,
			sl_steer_key()) % SL_STEER_RETA) % 4;
		for (q = 0; q < 4; q++) {
			env.w.queue_id = (uint16_t)q;
			SL_CHECK_EQ(sl_steer_mine(&env.w, &k), q == owner);
		}
		count[owner]++;
	}
	for (q = 0; q < 4; q++)
		SL_CHECK(count[q] > 700);	/* about 1000 each */
	env.w.steer = NULL;
	env.w.queue_id = 0;
	sl_test_env_fini(&env);
	sl_test_steer_free(s);
}

SL_TEST(steer_owner_of_frames)
{
	static const uint8_t arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x15, 0x08, 0x06 };
	struct sl_steer *s = sl_test_steer_new(2);
	struct rte_ether_addr bcast;
	struct sl_test_env env;
	struct rte_mbuf *m;
	uint16_t sport, guest_port = 0;
	unsigned int i;

	SL_CHECK(s != NULL);
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	memset(&bcast, 0xff, sizeof(bcast));
	/* ARP and DHCP: worker 0 */
	m = sl_test_frame(&env, arp, sizeof(arp));
	SL_CHECK(m != NULL);
	SL_CHECK_EQ(sl_steer_owner(s, m), 0);
	rte_pktmbuf_free(m);
	/* a DHCP DISCOVER whose tuple hashes to worker 1 still goes to 0;
	 * find a source port whose tuple is worker 1's without the rule */
	for (sport = 1000; sport < 2000; sport++)
		if (sl_steer_owner_tuple(s, IPPROTO_UDP, 0, 0xffffffff,
		    rte_cpu_to_be_16(sport), RTE_BE16(67)) == 1)
			break;
	SL_CHECK(sport < 2000);
	m = sl_test_udp_frame(&env, &sl_test_guest_mac, 0, sport,
		0xffffffff, 67, "x", 1);
	SL_CHECK(m != NULL);
	SL_CHECK_EQ(sl_steer_owner(s, m), 0);
	rte_pktmbuf_free(m);
	/* TCP and UDP frames: their tuple's owner */
	for (i = 0; i < 64; i++) {
		m = syn_frame(&env, (uint16_t)(40000 + i), RTE_IPV4(10, 0, 2, 2),
			80);
		SL_CHECK(m != NULL);
		SL_CHECK_EQ(sl_steer_owner(s, m),
			owner_of_port(s, &env.cfg, (uint16_t)(40000 + i), 80));
		/* truncated to the IP header: no ports to read, worker 0 */
		rte_pktmbuf_trim(m, sizeof(struct rte_tcp_hdr) - 2);
		SL_CHECK_EQ(sl_steer_owner(s, m), 0);
		rte_pktmbuf_free(m);
	}
	/* a fragment: worker 0 */
	m = syn_frame(&env, 40001, RTE_IPV4(10, 0, 2, 2), 80);
	SL_CHECK(m != NULL);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN)->fragment_offset =
		RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	SL_CHECK_EQ(sl_steer_owner(s, m), 0);
	rte_pktmbuf_free(m);
	/* the guest's datagrams from a UDP-forwarded port: worker 0 while
	 * the forward exists */
	for (sport = 5000; sport < 6000; sport++)
		if (sl_steer_owner_tuple(s, IPPROTO_UDP, env.cfg.guest_addr,
		    env.cfg.gateway, rte_cpu_to_be_16(sport),
		    RTE_BE16(40000)) == 1) {
			guest_port = sport;
			break;
		}
	SL_CHECK(guest_port != 0);
	m = sl_test_udp_frame(&env, &sl_test_guest_mac,
		rte_be_to_cpu_32(env.cfg.guest_addr), guest_port,
		rte_be_to_cpu_32(env.cfg.gateway), 40000, "x", 1);
	SL_CHECK(m != NULL);
	SL_CHECK_EQ(sl_steer_owner(s, m), 1);
	sl_steer_udp_fwd(s, guest_port, guest_port, true);
	SL_CHECK_EQ(sl_steer_owner(s, m), 0);
	sl_steer_udp_fwd(s, guest_port, guest_port, false);
	SL_CHECK_EQ(sl_steer_owner(s, m), 1);
	rte_pktmbuf_free(m);
	sl_test_env_fini(&env);
	sl_test_steer_free(s);
}

/**
 * frame6 - a guest IPv6 frame fec0::15:@sport -> 2001:db8::80:@dport with
 * upper layer @proto (8 bytes: the ports and zeros).
 */
static struct rte_mbuf *
frame6(struct sl_test_env *env, uint8_t proto, uint16_t sport,
	uint16_t dport)
{
	uint8_t b[14 + 40 + 8];
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(b + 14);

	memset(b, 0, sizeof(b));
	memcpy(b, env->w.gw_mac.addr_bytes, 6);
	memcpy(b + 6, sl_test_guest_mac.addr_bytes, 6);
	b[12] = 0x86;
	b[13] = 0xdd;
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = RTE_BE16(8);
	ip6->proto = proto;
	ip6->hop_limits = 64;
	inet_pton(AF_INET6, "fec0::15", ip6->src_addr);
	inet_pton(AF_INET6, "2001:db8::80", ip6->dst_addr);
	b[54] = (uint8_t)(sport >> 8);
	b[55] = (uint8_t)sport;
	b[56] = (uint8_t)(dport >> 8);
	b[57] = (uint8_t)dport;
	return sl_test_frame(env, b, sizeof(b));
}

/*
 * hash_for - a hash value whose RETA entry is queue @q of @s (what a port
 * programmed with our table would report for a frame owned by @q).
 */
static uint32_t
hash_for(const struct sl_steer *s, unsigned int q)
{
	uint32_t h;

	for (h = 0; h < 4096; h++)
		if (sl_steer_queue_of_entry(s, h % s->reta_size) == q)
			break;
	return h;
}

SL_TEST(steer_uses_the_port_hash_when_it_is_ours)
{
	struct sl_steer *s = sl_test_steer_new(4);
	struct sl_test_env env;
	struct rte_mbuf *m, *u, *m6;
	unsigned int own, other, sw_u, sw6;

	SL_CHECK(s != NULL);
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	m = syn_frame(&env, 40000, RTE_IPV4(10, 0, 2, 2), 80);
	u = sl_test_udp_frame(&env, &sl_test_guest_mac, env.cfg.guest_addr,
		40000, env.cfg.gateway, 5353, "x", 1);
	m6 = frame6(&env, IPPROTO_TCP, 40000, 443);
	SL_CHECK(m != NULL && u != NULL && m6 != NULL);
	own = sl_steer_owner(s, m);
	other = (own + 1) % 4;
	sw_u = sl_steer_owner(s, u);
	sw6 = sl_steer_owner(s, m6);
	/* a hash the port put in the mbuf, pointing elsewhere than the
	 * software Toeplitz (only a test can make them differ) */
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	m->hash.rss = hash_for(s, other);
	u->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	u->hash.rss = hash_for(s, (sw_u + 1) % 4);
	m6->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	m6->hash.rss = hash_for(s, (sw6 + 1) % 4);
	/* not known to be ours: ignored */
	SL_CHECK_EQ(sl_steer_owner(s, m), own);
	/* the port hashes IPv4 TCP with our key: its hash decides */
	sl_steer_set_rss(s, RTE_ETH_RSS_NONFRAG_IPV4_TCP);
	SL_CHECK_EQ(sl_steer_owner(s, m), other);
	/* not for UDP (a port hashing UDP over the addresses only) */
	SL_CHECK_EQ(sl_steer_owner(s, u), sw_u);
	sl_steer_set_rss(s, RTE_ETH_RSS_NONFRAG_IPV4_TCP |
		RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV6_TCP);
	SL_CHECK_EQ(sl_steer_owner(s, u), (sw_u + 1) % 4);
	/* nor IPv6, which sluice never asks the port to hash */
	SL_CHECK_EQ(sl_steer_owner(s, m6), sw6);
	/* without the flag the hash field means nothing */
	m->ol_flags &= ~RTE_MBUF_F_RX_RSS_HASH;
	SL_CHECK_EQ(sl_steer_owner(s, m), own);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(u);
	rte_pktmbuf_free(m6);
	sl_test_env_fini(&env);
	sl_test_steer_free(s);
}

SL_TEST(steer_ipv6_frames_reach_their_flows_owner)
{
	struct sl_steer *s = sl_test_steer_new(4);
	unsigned int i, q, seen[4] = { 0 };
	struct sl_test_env env;
	struct sl_addr g, d;
	struct sl_flow_key k;
	struct rte_mbuf *m;

	SL_CHECK(s != NULL);
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	inet_pton(AF_INET6, "fec0::15", g.b);
	inet_pton(AF_INET6, "2001:db8::80", d.b);
	for (i = 0; i < 64; i++) {
		uint8_t proto = (i & 1) ? IPPROTO_UDP : IPPROTO_TCP;

		m = frame6(&env, proto, (uint16_t)(40000 + i), 443);
		SL_CHECK(m != NULL);
		q = sl_steer_owner(s, m);
		SL_CHECK(q < 4);
		seen[q]++;
		/* the worker that calls the flow's key its own gets it */
		k = sl_flow_key_make6(proto, &g,
			rte_cpu_to_be_16((uint16_t)(40000 + i)), &d,
			RTE_BE16(443));
		env.w.steer = s;
		env.w.queue_id = (uint16_t)q;
		SL_CHECK(sl_steer_mine(&env.w, &k));
		env.w.steer = NULL;
		env.w.queue_id = 0;
		rte_pktmbuf_free(m);
	}
	for (q = 0; q < 4; q++)
		SL_CHECK(seen[q] > 0);
	/* ICMPv6 and DHCPv6 to the server port: worker 0 */
	for (i = 0; i < 16; i++) {
		m = frame6(&env, IPPROTO_ICMPV6, (uint16_t)(40000 + i), 0);
		SL_CHECK_EQ(sl_steer_owner(s, m), 0);
		rte_pktmbuf_free(m);
		m = frame6(&env, IPPROTO_UDP, (uint16_t)(40000 + i), 547);
		SL_CHECK_EQ(sl_steer_owner(s, m), 0);
		rte_pktmbuf_free(m);
	}
	sl_test_env_fini(&env);
	sl_test_steer_free(s);
}

SL_TEST(steer_frames_reach_their_owner)
{
	struct sl_test_env e0, e1;
	struct rte_mbuf *pkts[2 * SL_BURST];
	struct sl_steer *s = sl_test_steer_new(2);
	struct rte_ether_addr mac;
	union sl_sockaddr sa = { .in.sin_family = AF_INET,
		.in.sin_port = RTE_BE16(80),
		.in.sin_addr.s_addr = RTE_BE32(RTE_IPV4(127, 0, 0, 1)) };
	uint16_t p0 = 0, p1 = 0, sport, n;
	unsigned int i;

	SL_CHECK(s != NULL);
	SL_CHECK(sl_test_env_pair(&e0, &e1, s) == 0);
	for (sport = 40000; sport < 41000 && (p0 == 0 || p1 == 0); sport++) {
		if (owner_of_port(s, &e0.cfg, sport, 80) == 0 && p0 == 0)
			p0 = sport;
		else if (owner_of_port(s, &e0.cfg, sport, 80) == 1 && p1 == 0)
			p1 = sport;
	}
	SL_CHECK(p0 != 0 && p1 != 0);
	/* both SYNs arrive on worker 0's queue */
	pkts[0] = syn_frame(&e0, p0, RTE_IPV4(10, 0, 2, 2), 80);
	pkts[1] = syn_frame(&e0, p1, RTE_IPV4(10, 0, 2, 2), 80);
	SL_CHECK(pkts[0] != NULL && pkts[1] != NULL);
	n = sl_steer_burst(&e0.w, pkts, 2, RTE_DIM(pkts));
	SL_CHECK_EQ(n, 1);
	SL_CHECK_EQ(e0.w.stats[SL_STAT_steer_out], 1);
	sl_worker_step(&e0.w, pkts, n);
	/* the guest MAC worker 0 learned is published to worker 1 */
	sl_neigh_poll(&e1.w);
	SL_CHECK(sl_neigh_lookup(&e1.w, e1.cfg.guest_addr, &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &sl_test_guest_mac));
	/* worker 1 takes the other one from its ring */
	n = sl_steer_burst(&e1.w, pkts, 0, RTE_DIM(pkts));
	SL_CHECK_EQ(n, 1);
	SL_CHECK_EQ(e1.w.stats[SL_STAT_steer_in], 1);
	sl_worker_step(&e1.w, pkts, n);
	/* each worker connected its own flow, and only that one */
	SL_CHECK_EQ(e0.w.ft.active, 1);
	SL_CHECK_EQ(e1.w.ft.active, 1);
	SL_CHECK(sl_host_mem_find(e0.host, SL_HOST_TCP, &sa) >= 0);
	SL_CHECK(sl_host_mem_find(e1.host, SL_HOST_TCP, &sa) >= 0);
	for (i = 0; i < e1.w.ft.max; i++)
		if (e1.w.ft.flows[i].in_use)
			SL_CHECK_EQ(rte_be_to_cpu_16(
				e1.w.ft.flows[i].key.gport), p1);
	/* a full ring drops, counted */
	for (i = 0; i < SL_STEER_RING + SL_BURST; i += n) {
		unsigned int k;

		for (k = 0; k < SL_BURST; k++) {
			pkts[k] = syn_frame(&e0, p1, RTE_IPV4(10, 0, 2, 2), 80);
			SL_CHECK(pkts[k] != NULL);
		}
		n = SL_BURST;
		SL_CHECK_EQ(sl_steer_burst(&e0.w, pkts, n, RTE_DIM(pkts)), 0);
	}
	SL_CHECK(e0.w.stats[SL_STAT_drop_steer_full] > 0);
	SL_CHECK_EQ(e0.w.stats[SL_STAT_steer_out] +
		e0.w.stats[SL_STAT_drop_steer_full], 1 + i);
	sl_test_env_pair_fini(&e0, &e1, s);	/* frees what is still queued */
}

SL_TEST(steer_inbound_port_is_the_acceptors)
{
	struct sl_steer *s = sl_test_steer_new(2);
	union sl_sockaddr peer = { .in.sin_family = AF_INET,
		.in.sin_addr.s_addr = RTE_BE32(RTE_IPV4(127, 0, 0, 1)) };
	struct sl_fwd_spec spec;
	struct sl_test_env env;
	char err[64];
	uint16_t cport;
	unsigned int i, syns = 0;
	int lhd;

	SL_CHECK(s != NULL);
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	env.w.steer = s;
	env.w.queue_id = 1;
	SL_CHECK(sl_fwd_parse("8080:80", IPPROTO_TCP, &spec, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	lhd = sl_host_mem_last(env.host);
	/* clients whose own port would make the flow worker 0's */
	for (cport = 40000, i = 0; i < 20; cport++) {
		if (owner_of_port(s, &env.cfg, 80, cport) != 0)
			continue;
		peer.in.sin_port = rte_cpu_to_be_16(cport);
		SL_CHECK(sl_host_mem_incoming(env.host, lhd, &peer) == 0);
		i++;
	}
	sl_test_input(&env, NULL);
	for (i = 0; i < env.cap.n; i++) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(env.cap.m[i],
			struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

		if (ip->next_proto_id != IPPROTO_TCP ||
		    th->tcp_flags != RTE_TCP_SYN_FLAG)
			continue;
		syns++;
		/* the guest's answer carries a tuple worker 1 owns */
		SL_CHECK_EQ(rte_be_to_cpu_16(th->dst_port), 80);
		SL_CHECK_EQ(owner_of_port(s, &env.cfg, 80,
			rte_be_to_cpu_16(th->src_port)), 1);
	}
	SL_CHECK_EQ(syns, 20);
	SL_CHECK_EQ(sl_fwd_del(&env.w, &spec), 0);
	env.w.steer = NULL;
	sl_test_env_fini(&env);
	sl_test_steer_free(s);
}

SL_TEST(steer_udp_forward_marks_worker0)
{
	struct sl_steer *s = sl_test_steer_new(2);
	struct sl_fwd_spec spec;
	struct sl_test_env env;
	char err[64];

	SL_CHECK(s != NULL);
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	env.w.steer = s;
	SL_CHECK(sl_fwd_parse("5353-5354:6000-6001", IPPROTO_UDP, &spec, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	SL_CHECK_EQ(s->udp_fwd[6000], 1);
	SL_CHECK_EQ(s->udp_fwd[6001], 1);
	SL_CHECK_EQ(s->udp_fwd[6002], 0);
	SL_CHECK_EQ(sl_fwd_del(&env.w, &spec), 0);
	SL_CHECK_EQ(s->udp_fwd[6000], 0);
	SL_CHECK_EQ(s->udp_fwd[6001], 0);
	env.w.steer = NULL;
	sl_test_env_fini(&env);
	sl_test_steer_free(s);
}

SL_TEST(steer_tx_through_worker0_while_queue_off)
{
	struct sl_test_env e0, e1;
	struct rte_mbuf *m[3];
	struct sl_steer *s = sl_test_steer_new(2);
	unsigned int i;

	SL_CHECK(s != NULL);
	SL_CHECK(sl_test_env_pair(&e0, &e1, s) == 0);
	/* the guest has not enabled queue 1: its frames go to worker 0 */
	sl_steer_set_tx(s, 1, false);
	sl_steer_set_tx(s, 0, false);	/* queue 0 is never turned off */
	SL_CHECK_EQ(s->tx_off, 1u << 1);
	for (i = 0; i < 3; i++) {
		m[i] = syn_frame(&e1, (uint16_t)(40000 + i),
			RTE_IPV4(10, 0, 2, 2), 80);
		SL_CHECK(m[i] != NULL);
	}
	SL_CHECK_EQ(sl_steer_tx(&e1.w, m, 3), 3);
	SL_CHECK_EQ(e1.w.stats[SL_STAT_tx_handed], 3);
	/* worker 0 sends them in its next burst, in order */
	sl_steer_take_tx(&e0.w);
	SL_CHECK_EQ(e0.w.n_tx, 3);
	for (i = 0; i < 3; i++)
		SL_CHECK(e0.w.tx[i] == m[i]);
	sl_worker_flush(&e0.w);
	SL_CHECK_EQ(e0.cap.n, 3);
	/* enabled again: nothing is handed any more */
	sl_steer_set_tx(s, 1, true);
	SL_CHECK_EQ(s->tx_off, 0);
	sl_test_env_pair_fini(&e0, &e1, s);
}

int
main(int argc, char **argv)
{
	if (sl_test_eal() != 0)
		return 1;
	return sl_test_main(argc, argv);
}
