/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_fwd.c: forward specs, access rules, and inbound forwarding through
 * the worker against the in-memory host (TCP handshake toward the guest,
 * guest refusal, UDP forward, run-time add/delete).
 */
#include <arpa/inet.h>
#include <errno.h>

#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "sl_fwd.h"
#include "sl_host_mem.h"
#include "sl_tcp.h"
#include "sl_test.h"

SL_TEST(fwd_parse_forms)
{
	struct sl_fwd_spec s;
	char err[128], buf[64];

	SL_CHECK(sl_fwd_parse("8080", IPPROTO_TCP, &s, err, sizeof(err)) == 0);
	SL_CHECK_EQ(s.host_lo, 8080);
	SL_CHECK_EQ(s.guest_lo, 8080);
	SL_CHECK_EQ(s.bind_addr, 0);
	SL_CHECK(sl_fwd_parse("127.0.0.1/2222:22", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(s.bind_addr, inet_addr("127.0.0.1"));
	SL_CHECK_EQ(s.host_lo, 2222);
	SL_CHECK_EQ(s.guest_lo, 22);
	SL_CHECK(sl_fwd_parse("8000-8009:9000-9009", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(s.host_hi, 8009);
	SL_CHECK_EQ(s.guest_hi, 9009);
	SL_CHECK(sl_fwd_parse("udp:5353:53", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(s.proto, IPPROTO_UDP);
	sl_fwd_format(&s, buf, sizeof(buf));
	SL_CHECK(strcmp(buf, "udp:5353:53") == 0);
}

SL_TEST(fwd_parse_rejects)
{
	static const char *const bad[] = {
		"", "0", "65536", "80-70", "8000-8009:9000", "8000-8001:90-92",
		"abc", "1.2.3/80", "80:", "80:0", "80x", "/80", "1-2000",
	};
	struct sl_fwd_spec s;
	char err[128];
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		err[0] = '\0';
		if (sl_fwd_parse(bad[i], IPPROTO_TCP, &s, err,
		    sizeof(err)) == 0) {
			fprintf(stderr, "  accepted '%s'\n", bad[i]);
			SL_CHECK(0);
		}
		SL_CHECK(err[0] != '\0');
	}
}

SL_TEST(fwd_overlap)
{
	struct sl_fwd_spec a, b;
	char err[128];

	sl_fwd_parse("8000-8010", IPPROTO_TCP, &a, err, sizeof(err));
	sl_fwd_parse("8010:80", IPPROTO_TCP, &b, err, sizeof(err));
	SL_CHECK(sl_fwd_overlap(&a, &b));
	sl_fwd_parse("udp:8010:80", IPPROTO_TCP, &b, err, sizeof(err));
	SL_CHECK(!sl_fwd_overlap(&a, &b));
	sl_fwd_parse("8011", IPPROTO_TCP, &b, err, sizeof(err));
	SL_CHECK(!sl_fwd_overlap(&a, &b));
	sl_fwd_parse("127.0.0.1/8005", IPPROTO_TCP, &b, err, sizeof(err));
	SL_CHECK(sl_fwd_overlap(&a, &b));	/* any-address overlaps */
}

SL_TEST(rules_first_match_wins)
{
	struct sl_rule r[3];
	char err[128];

	SL_CHECK(sl_rule_parse("192.0.2.0/24:22", true, &r[0], err,
		sizeof(err)) == 0);
	SL_CHECK(sl_rule_parse("192.0.2.0/24", false, &r[1], err,
		sizeof(err)) == 0);
	SL_CHECK(sl_rule_parse("10.9.9.9:1000-2000", false, &r[2], err,
		sizeof(err)) == 0);
	SL_CHECK(sl_rules_permit(r, 3, inet_addr("192.0.2.7"), 22));
	SL_CHECK(!sl_rules_permit(r, 3, inet_addr("192.0.2.7"), 80));
	SL_CHECK(!sl_rules_permit(r, 3, inet_addr("10.9.9.9"), 1500));
	SL_CHECK(sl_rules_permit(r, 3, inet_addr("10.9.9.9"), 2001));
	SL_CHECK(sl_rules_permit(r, 3, inet_addr("198.51.100.1"), 80));
	SL_CHECK(sl_rule_parse("1.2.3.4/33", false, &r[0], err,
		sizeof(err)) != 0);
	SL_CHECK(sl_rule_parse("1.2.3.4:0", false, &r[0], err,
		sizeof(err)) != 0);
	SL_CHECK(sl_rule_parse("nope", false, &r[0], err, sizeof(err)) != 0);
}

/* ---- inbound TCP through the worker ---- */

/** find_tcp - the first captured TCP frame, or NULL. */
static struct rte_tcp_hdr *
find_tcp(struct sl_test_env *env, unsigned int from, unsigned int *idx)
{
	unsigned int i;

	for (i = from; i < env->cap.n; i++) {
		struct rte_mbuf *m = env->cap.m[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);

		if (ip->next_proto_id == IPPROTO_TCP) {
			*idx = i;
			return (struct rte_tcp_hdr *)(ip + 1);
		}
	}
	return NULL;
}

/**
 * guest_tcp_at - a TCP segment frame with valid checksums from guest host
 * @saddr at @mac to @daddr (network order).
 */
static struct rte_mbuf *
guest_tcp_at(struct sl_test_env *env, const struct rte_ether_addr *mac,
	uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
	uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
	const uint8_t *opts, uint8_t optlen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(env->w.mp);
	struct rte_tcp_hdr *th;

	if (m == NULL)
		return NULL;
	th = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, sizeof(*th) + optlen);
	if (th == NULL)
		return m;
	memset(th, 0, sizeof(*th));
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((sizeof(*th) + optlen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(win);
	if (optlen)
		memcpy(th + 1, opts, optlen);
	sl_net_prepend_ipv4(m, mac, &env->w.gw_mac, saddr, daddr,
		IPPROTO_TCP);
	sl_net_l4_cksum(m);
	return m;
}

/** guest_tcp - a TCP segment from the guest address to the gateway. */
static struct rte_mbuf *
guest_tcp(struct sl_test_env *env, uint16_t sport, uint16_t dport,
	uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
	const uint8_t *opts, uint8_t optlen)
{
	return guest_tcp_at(env, &sl_test_guest_mac, env->cfg.guest_addr,
		env->cfg.gateway, sport, dport, flags, seq, ack, win, opts,
		optlen);
}

SL_TEST(tcp_inbound_syn_ack_transition)
{
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 9 };
	struct sockaddr_in peer = { .sin_family = AF_INET,
		.sin_port = htons(40000),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sl_fwd_spec spec;
	struct sl_test_env env;
	struct rte_tcp_hdr *th;
	struct sl_tcp_info info;
	char err[64], buf[8];
	uint32_t iss, i;
	unsigned int idx;
	int lhd, hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	SL_CHECK(sl_fwd_parse("8080:80", IPPROTO_TCP, &spec, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), -EEXIST);
	lhd = sl_host_mem_last(env.host);
	SL_CHECK(sl_host_mem_incoming(env.host, lhd, &peer) == 0);
	sl_test_input(&env, NULL);
	th = find_tcp(&env, 0, &idx);
	SL_CHECK(th != NULL);
	/* our SYN: from the gateway, to guest port 80, MSS + WS +
	 * SACK-permitted offered, window unscaled */
	SL_CHECK_EQ(th->tcp_flags, RTE_TCP_SYN_FLAG);
	SL_CHECK_EQ(rte_be_to_cpu_16(th->dst_port), 80);
	SL_CHECK_EQ(rte_be_to_cpu_16(th->src_port), 40000);
	SL_CHECK_EQ((th->data_off >> 4) * 4, 32);
	SL_CHECK_EQ(((const uint8_t *)(th + 1))[10], 4);
	SL_CHECK_EQ(((const uint8_t *)(th + 1))[11], 2);
	SL_CHECK(rte_be_to_cpu_16(th->rx_win) > 0);
	iss = rte_be_to_cpu_32(th->sent_seq);
	sl_test_cap_clear(&env);
	/* guest SYN-ACK with wscale 9 */
	sl_test_input(&env, guest_tcp(&env, 80, 40000,
		RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 5000, iss + 1, 1000,
		opts, sizeof(opts)));
	th = find_tcp(&env, 0, &idx);
	SL_CHECK(th != NULL);
	SL_CHECK_EQ(th->tcp_flags, RTE_TCP_ACK_FLAG);
	SL_CHECK_EQ(rte_be_to_cpu_32(th->recv_ack), 5001);
	hd = -1;
	for (i = 0; i < env.w.ft.max; i++)
		if (env.w.ft.flows[i].in_use) {
			sl_tcp_get_info(&env.w, &env.w.ft.flows[i], &info);
			hd = env.w.ft.flows[i].hd;
		}
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(info.snd_wscale, 9);
	SL_CHECK_EQ(info.snd_wnd, 1000);	/* SYN-ACK window unscaled */
	SL_CHECK_EQ(info.snd_mss, 1460);
	/* data from the guest reaches the host client */
	sl_test_cap_clear(&env);
	{
		struct rte_mbuf *m = guest_tcp(&env, 80, 40000,
			RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, 5001, iss + 1, 1000,
			NULL, 0);
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);

		memcpy(rte_pktmbuf_append(m, 5), "hello", 5);
		ip->total_length = rte_cpu_to_be_16(
			rte_be_to_cpu_16(ip->total_length) + 5);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		sl_net_l4_cksum(m);
		sl_test_input(&env, m);
	}
	SL_CHECK_EQ(sl_host_mem_take(env.host, hd, buf, sizeof(buf)), 5);
	SL_CHECK(memcmp(buf, "hello", 5) == 0);
	/* deleting the forward leaves the live connection running */
	SL_CHECK_EQ(sl_fwd_del(&env.w, &spec), 0);
	SL_CHECK_EQ(sl_fwd_count(&env.w), 0);
	SL_CHECK(sl_host_mem_is_open(env.host, hd));
	SL_CHECK(!sl_host_mem_is_open(env.host, lhd));
	SL_CHECK_EQ(sl_fwd_del(&env.w, &spec), -ENOENT);
	sl_test_env_fini(&env);
}

SL_TEST(tcp_inbound_guest_rst_resets_client)
{
	struct sockaddr_in peer = { .sin_family = AF_INET,
		.sin_port = htons(40001),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sl_fwd_spec spec;
	struct sl_test_env env;
	struct rte_tcp_hdr *th;
	unsigned int idx;
	char err[64];
	uint32_t iss;
	int lhd, hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	sl_fwd_parse("9000:90", IPPROTO_TCP, &spec, err, sizeof(err));
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	lhd = sl_host_mem_last(env.host);
	sl_host_mem_incoming(env.host, lhd, &peer);
	sl_test_input(&env, NULL);
	hd = sl_host_mem_last(env.host);
	th = find_tcp(&env, 0, &idx);
	SL_CHECK(th != NULL);
	iss = rte_be_to_cpu_32(th->sent_seq);
	sl_test_input(&env, guest_tcp(&env, 90, 40001,
		RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, 0, iss + 1, 0, NULL, 0));
	SL_CHECK(!sl_host_mem_is_open(env.host, hd));
	SL_CHECK(sl_host_mem_aborted(env.host, hd));
	SL_CHECK_EQ(env.w.stats[SL_STAT_tcp_refused], 1);
	SL_CHECK_EQ(env.w.ft.active, 0);
	sl_test_env_fini(&env);
}

/**
 * inbound_flood - @n host clients connect to forward 8080:80 (client ports
 * from 20000) whose SYN the guest never answers; a few iterations accept
 * them (manual clock: no SYN is retransmitted).
 * Return: the listener handle, or -1.
 */
static int
inbound_flood(struct sl_test_env *env, const struct sl_config *cfg,
	unsigned int n)
{
	struct sl_test_env_opts o = { .manual_clock = true };
	struct sockaddr_in peer = { .sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sl_fwd_spec spec;
	unsigned int i;
	char err[64];
	int lhd;

	if (sl_test_env_init_opts(env, cfg, &o) != 0 ||
	    sl_fwd_parse("8080:80", IPPROTO_TCP, &spec, err,
	    sizeof(err)) != 0 || sl_fwd_add(&env->w, &spec) != 0)
		return -1;
	lhd = sl_host_mem_last(env->host);
	for (i = 0; i < n; i++) {
		peer.sin_port = htons((uint16_t)(20000 + i));
		if (sl_host_mem_incoming(env->host, lhd, &peer) != 0)
			return -1;
	}
	for (i = 0; i < n / 16 + 2; i++) {
		sl_test_input(env, NULL);
		sl_test_cap_clear(env);
	}
	return lhd;
}

/** guest_syn_answered - a guest SYN to the gateway gets a SYN-ACK. */
static bool
guest_syn_answered(struct sl_test_env *env, uint16_t sport)
{
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4 };
	struct rte_tcp_hdr *th;
	unsigned int idx;

	sl_test_cap_clear(env);
	sl_test_input(env, guest_tcp(env, sport, 22, RTE_TCP_SYN_FLAG, 1, 0,
		65535, opts, sizeof(opts)));
	th = find_tcp(env, 0, &idx);
	return th != NULL && rte_be_to_cpu_16(th->dst_port) == sport &&
		th->tcp_flags == (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
}

/*
 * A flood of host connections to a forward whose SYNs the guest never
 * answers is bounded: at most max-pending-connects of them wait, and they
 * never take the flow slots the guest's own connections need; the rest
 * are accepted and reset (counted). The guest's new connection still gets
 * its SYN-ACK.
 */
SL_TEST(tcp_inbound_flood_bounded)
{
	struct sl_test_env env;
	struct sl_config cfg;
	unsigned int i;
	int lhd, last;

	sl_config_defaults(&cfg);
	cfg.max_flows = 64;
	cfg.max_pending_connects = 16;
	lhd = inbound_flood(&env, &cfg, 100);
	SL_CHECK(lhd >= 0);
	SL_CHECK_EQ(env.w.ft.active, 16);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_inbound_limit], 84);
	SL_CHECK_EQ(env.host->open_handles, 1 + 16);
	last = sl_host_mem_last(env.host);
	SL_CHECK(!sl_host_mem_is_open(env.host, last));
	SL_CHECK(sl_host_mem_aborted(env.host, last));	/* client reset */
	SL_CHECK(guest_syn_answered(&env, 33000));
	/* the waiting ones (and the guest's) give up after their SYN
	 * retries: room again */
	for (i = 0; i < 20; i++) {
		env.w.now_ms += 1000;
		sl_test_input(&env, NULL);
	}
	sl_test_cap_clear(&env);
	SL_CHECK_EQ(env.w.ft.active, 0);
	{
		struct sockaddr_in peer = { .sin_family = AF_INET,
			.sin_port = htons(30000),
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		SL_CHECK(sl_host_mem_incoming(env.host, lhd, &peer) == 0);
		sl_test_input(&env, NULL);
		SL_CHECK_EQ(env.w.ft.active, 1);
		SL_CHECK_EQ(env.w.stats[SL_STAT_drop_inbound_limit], 84);
	}
	sl_test_env_fini(&env);

	/* a pending bound above the flow table: the reserve still holds */
	cfg.max_pending_connects = 1024;
	lhd = inbound_flood(&env, &cfg, 100);
	SL_CHECK(lhd >= 0);
	SL_CHECK_EQ(env.w.ft.active, 64 - 64 / 8);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_inbound_limit], 100 - 56);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_flow_limit], 0);
	SL_CHECK(guest_syn_answered(&env, 33001));
	sl_test_env_fini(&env);
}

/* The guest's SYN-ACK announces a small MSS: it is used as it is. */
SL_TEST(tcp_inbound_small_guest_mss_honoured)
{
	static const uint8_t opts[] = { 2, 4, 0, 20 };
	struct sl_tcp_info info;
	struct sl_test_env env;
	struct sl_config cfg;
	struct sl_flow *f = NULL;
	uint32_t i;

	sl_config_defaults(&cfg);
	cfg.max_flows = 64;
	SL_CHECK(inbound_flood(&env, &cfg, 1) >= 0);
	for (i = 0; i < env.w.ft.max && f == NULL; i++)
		if (env.w.ft.flows[i].in_use)
			f = &env.w.ft.flows[i];
	SL_CHECK(f != NULL);
	sl_tcp_get_info(&env.w, f, &info);
	sl_test_input(&env, guest_tcp(&env, 80, 20000,
		RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 5000, info.snd_nxt, 1000,
		opts, sizeof(opts)));
	sl_tcp_get_info(&env.w, f, &info);
	SL_CHECK_EQ(strcmp(sl_tcp_state_name(info.state), "established"), 0);
	SL_CHECK_EQ(info.snd_mss, 20);
	sl_test_env_fini(&env);
}

SL_TEST(udp_inbound_forward_round_trip)
{
	struct sockaddr_in peer = { .sin_family = AF_INET,
		.sin_port = htons(50000),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in to;
	struct sl_fwd_spec spec;
	struct sl_test_env env;
	struct rte_udp_hdr *uh;
	struct rte_ipv4_hdr *ip;
	char err[64], buf[16];
	int lhd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	sl_fwd_parse("udp:5300-5301:53-54", IPPROTO_TCP, &spec, err,
		sizeof(err));
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	lhd = sl_host_mem_last(env.host);	/* port 5301 -> guest 54 */
	SL_CHECK(sl_host_mem_push_dgram(env.host, lhd, "ping", 4, &peer) == 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	ip = rte_pktmbuf_mtod_offset(env.cap.m[0], struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN);
	uh = (struct rte_udp_hdr *)(ip + 1);
	SL_CHECK_EQ(ip->src_addr, env.cfg.gateway);
	SL_CHECK_EQ(rte_be_to_cpu_16(uh->dst_port), 54);
	SL_CHECK_EQ(rte_be_to_cpu_16(uh->src_port), 50000);
	sl_test_cap_clear(&env);
	/* the guest answers the gateway:50000; it goes to the peer */
	sl_test_input(&env, sl_test_udp_frame(&env, &sl_test_guest_mac,
		rte_be_to_cpu_32(env.cfg.guest_addr), 54,
		rte_be_to_cpu_32(env.cfg.gateway), 50000, "pong", 4));
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(env.host, lhd, buf, sizeof(buf),
		&to), 4);
	SL_CHECK(memcmp(buf, "pong", 4) == 0);
	SL_CHECK_EQ(to.sin_port, htons(50000));
	/* deleting the forward ends its flows; the listener is closed */
	SL_CHECK_EQ(sl_fwd_del(&env.w, &spec), 0);
	SL_CHECK_EQ(env.w.ft.active, 0);
	SL_CHECK_EQ(env.host->open_handles, 0);
	sl_test_env_fini(&env);
}

SL_TEST(denied_destination_gets_rst)
{
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4 };
	struct sl_config cfg;
	struct sl_test_env env;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	unsigned int idx;
	char err[64];

	sl_config_defaults(&cfg);
	cfg.max_flows = 64;
	SL_CHECK(sl_rule_parse("192.0.2.0/24:443", false, &cfg.rules[0], err,
		sizeof(err)) == 0);
	cfg.nb_rules = 1;
	SL_CHECK(sl_test_env_init(&env, &cfg) == 0);
	m = guest_tcp(&env, 33000, 443, RTE_TCP_SYN_FLAG, 1, 0, 65535, opts,
		sizeof(opts));
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN);
	ip->dst_addr = inet_addr("192.0.2.10");
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	sl_net_l4_cksum(m);
	sl_test_input(&env, m);
	th = find_tcp(&env, 0, &idx);
	SL_CHECK(th != NULL);
	SL_CHECK(th->tcp_flags & RTE_TCP_RST_FLAG);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_denied], 1);
	SL_CHECK_EQ(env.w.ft.active, 0);
	SL_CHECK_EQ(env.host->open_handles, 0);
	sl_test_env_fini(&env);
}

/* passt's [ADDR/]PORT:[TOADDR/]PORT form and the source option. */
SL_TEST(fwd_parse_targets)
{
	static const char *const bad[] = {
		"80:127.0.0.1/80", "80:/80", "80:1.2.3/80", "80:10.0.2.16/",
		"80,source=x", "80:10.0.2.16/80,", "80:224.0.0.1/80",
	};
	struct sl_fwd_spec s;
	char err[128], buf[SL_FWD_TEXT_MAX];
	unsigned int i;

	SL_CHECK(sl_fwd_parse("8080:10.0.2.16/80", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(s.to_addr, inet_addr("10.0.2.16"));
	SL_CHECK_EQ(s.host_lo, 8080);
	SL_CHECK_EQ(s.guest_lo, 80);
	SL_CHECK_EQ(s.source, SL_FWD_SRC_DEFAULT);
	sl_fwd_format(&s, buf, sizeof(buf));
	SL_CHECK(strcmp(buf, "tcp:8080:10.0.2.16/80") == 0);
	SL_CHECK(sl_fwd_parse("udp:255.255.255.254/65000-65001:"
		"10.255.255.254/65000-65001,source=gateway", IPPROTO_TCP, &s,
		err, sizeof(err)) == 0);
	SL_CHECK_EQ(s.bind_addr, inet_addr("255.255.255.254"));
	SL_CHECK_EQ(s.to_addr, inet_addr("10.255.255.254"));
	SL_CHECK_EQ(s.source, SL_FWD_SRC_GATEWAY);
	sl_fwd_format(&s, buf, sizeof(buf));
	SL_CHECK(strcmp(buf, "udp:255.255.255.254/65000-65001:"
		"10.255.255.254/65000-65001,source=gateway") == 0);
	SL_CHECK(sl_fwd_parse("2222,source=client", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(s.source, SL_FWD_SRC_CLIENT);
	SL_CHECK_EQ(s.guest_lo, 2222);
	for (i = 0; i < RTE_DIM(bad); i++) {
		if (sl_fwd_parse(bad[i], IPPROTO_TCP, &s, err,
		    sizeof(err)) == 0) {
			fprintf(stderr, "  accepted '%s'\n", bad[i]);
			SL_CHECK(0);
		}
	}
}

/** ip_of - the IPv4 header of captured frame @k. */
static const struct rte_ipv4_hdr *
ip_of(struct sl_test_env *env, unsigned int k)
{
	return rte_pktmbuf_mtod_offset(env->cap.m[k],
		const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
}

/*
 * A forward to the second host: the SYN goes to 10.0.2.16 (resolved from
 * its own frames) with the far client's own address and port as source;
 * its SYN-ACK, sent to that address, finds the flow. A loopback client,
 * or a forward with source=gateway, shows the gateway.
 */
SL_TEST(tcp_inbound_target_host_client_source)
{
	static const struct rte_ether_addr mac16 = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x16 } };
	struct sockaddr_in peer = { .sin_family = AF_INET,
		.sin_port = htons(40000),
		.sin_addr.s_addr = inet_addr("198.51.100.7") };
	uint32_t h16 = inet_addr("10.0.2.16");
	struct sl_fwd_spec spec, gw;
	const struct rte_ether_hdr *eth;
	struct sl_test_env env;
	struct rte_tcp_hdr *th;
	unsigned int idx;
	char err[64];
	uint32_t iss;
	int lhd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	/* the second host speaks: its MAC is learned */
	sl_test_input(&env, sl_test_udp_frame(&env, &mac16,
		ntohl(h16), 5000, ntohl(env.cfg.gateway), 9, "x", 1));
	SL_CHECK(sl_fwd_parse("8080:10.0.2.16/80", IPPROTO_TCP, &spec, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	lhd = sl_host_mem_last(env.host);
	SL_CHECK(sl_host_mem_incoming(env.host, lhd, &peer) == 0);
	sl_test_input(&env, NULL);
	th = find_tcp(&env, 0, &idx);
	SL_CHECK(th != NULL);
	SL_CHECK_EQ(th->tcp_flags, RTE_TCP_SYN_FLAG);
	SL_CHECK_EQ(ip_of(&env, idx)->dst_addr, h16);
	SL_CHECK_EQ(ip_of(&env, idx)->src_addr, peer.sin_addr.s_addr);
	SL_CHECK_EQ(th->src_port, peer.sin_port);
	eth = rte_pktmbuf_mtod(env.cap.m[idx], const struct rte_ether_hdr *);
	SL_CHECK(rte_is_same_ether_addr(&eth->dst_addr, &mac16));
	iss = rte_be_to_cpu_32(th->sent_seq);
	sl_test_cap_clear(&env);
	sl_test_input(&env, guest_tcp_at(&env, &mac16, h16,
		peer.sin_addr.s_addr, 80, 40000,
		RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 7000, iss + 1, 1000,
		NULL, 0));
	th = find_tcp(&env, 0, &idx);
	SL_CHECK(th != NULL);
	SL_CHECK_EQ(th->tcp_flags, RTE_TCP_ACK_FLAG);
	SL_CHECK_EQ(rte_be_to_cpu_32(th->recv_ack), 7001);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_tcp_no_flow], 0);
	sl_test_cap_clear(&env);
	/* a loopback client of the same forward: the gateway */
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	peer.sin_port = htons(40001);
	SL_CHECK(sl_host_mem_incoming(env.host, lhd, &peer) == 0);
	sl_test_input(&env, NULL);
	th = find_tcp(&env, 0, &idx);
	SL_CHECK(th != NULL);
	SL_CHECK_EQ(ip_of(&env, idx)->src_addr, env.cfg.gateway);
	SL_CHECK_EQ(ip_of(&env, idx)->dst_addr, h16);
	sl_test_cap_clear(&env);
	/* source=gateway: the far client shows as the gateway too */
	SL_CHECK(sl_fwd_parse("8081:10.0.2.16/81,source=gateway",
		IPPROTO_TCP, &gw, err, sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &gw), 0);
	peer.sin_addr.s_addr = inet_addr("198.51.100.7");
	SL_CHECK(sl_host_mem_incoming(env.host, sl_host_mem_last(env.host),
		&peer) == 0);
	sl_test_input(&env, NULL);
	th = find_tcp(&env, 0, &idx);
	SL_CHECK(th != NULL);
	SL_CHECK_EQ(ip_of(&env, idx)->src_addr, env.cfg.gateway);
	SL_CHECK_EQ(rte_be_to_cpu_16(th->dst_port), 81);
	/* a target outside the guest prefix is refused */
	SL_CHECK(sl_fwd_parse("8082:192.168.9.9/82", IPPROTO_TCP, &gw, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &gw), -EINVAL);
	sl_test_env_fini(&env);
}

/* A UDP forward to the second host: the datagram reaches 10.0.2.16 from
 * the client's own address; its answer to that address reaches the
 * client through the listener. */
SL_TEST(udp_inbound_target_host_client_source)
{
	static const struct rte_ether_addr mac16 = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x16 } };
	struct sockaddr_in to, peer = { .sin_family = AF_INET,
		.sin_port = htons(50000),
		.sin_addr.s_addr = inet_addr("203.0.113.5") };
	uint32_t h16 = inet_addr("10.0.2.16");
	struct sl_fwd_spec spec;
	struct sl_test_env env;
	char err[64], buf[16];
	int lhd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	sl_test_input(&env, sl_test_udp_frame(&env, &mac16,
		ntohl(h16), 5000, ntohl(env.cfg.gateway), 9, "x", 1));
	SL_CHECK(sl_fwd_parse("udp:5300:10.0.2.16/53", IPPROTO_TCP, &spec,
		err, sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	lhd = sl_host_mem_last(env.host);
	SL_CHECK(sl_host_mem_push_dgram(env.host, lhd, "ping", 4, &peer) == 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK_EQ(ip_of(&env, 0)->dst_addr, h16);
	SL_CHECK_EQ(ip_of(&env, 0)->src_addr, peer.sin_addr.s_addr);
	sl_test_cap_clear(&env);
	sl_test_input(&env, sl_test_udp_frame(&env, &mac16, ntohl(h16), 53,
		ntohl(peer.sin_addr.s_addr), 50000, "pong", 4));
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(env.host, lhd, buf, sizeof(buf),
		&to), 4);
	SL_CHECK(memcmp(buf, "pong", 4) == 0);
	SL_CHECK_EQ(to.sin_addr.s_addr, peer.sin_addr.s_addr);
	SL_CHECK_EQ(to.sin_port, peer.sin_port);
	SL_CHECK_EQ(sl_fwd_del(&env.w, &spec), 0);
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
