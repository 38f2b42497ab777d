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
#include "sl_policy.h"
#include "sl_tcp.h"
#include "sl_test.h"

SL_TEST(fwd_parse_forms)
{
	struct sl_fwd_spec s;
	char err[128], buf[64];

	SL_CHECK(sl_fwd_parse("8080", IPPROTO_TCP, &s, err, sizeof(err)) == 0);
	SL_CHECK_EQ(s.host_lo, 8080);
	SL_CHECK_EQ(s.guest_lo, 8080);
	SL_CHECK_EQ(s.family, 0);
	SL_CHECK(sl_fwd_parse("127.0.0.1/2222:22", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(s.family, AF_INET);
	SL_CHECK_EQ(sl_addr_get_v4(&s.bind_addr), inet_addr("127.0.0.1"));
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

SL_TEST(fwd_parse_ipv6)
{
	static const struct sl_addr lo6 = { .b[15] = 1 };
	struct sl_fwd_spec s;
	char err[128], buf[SL_FWD_TEXT_LEN];

	SL_CHECK(sl_fwd_parse("[::1]/8080", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(s.family, AF_INET6);
	SL_CHECK(sl_addr_eq(&s.bind_addr, &lo6));
	SL_CHECK_EQ(s.host_lo, 8080);
	SL_CHECK_EQ(s.guest_lo, 8080);
	sl_fwd_format(&s, buf, sizeof(buf));
	SL_CHECK(strcmp(buf, "tcp:[::1]/8080:8080") == 0);
	SL_CHECK(sl_fwd_parse("::/8080:80", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(s.family, AF_INET6);
	SL_CHECK(sl_addr_is_any(&s.bind_addr));
	SL_CHECK_EQ(s.guest_lo, 80);
	sl_fwd_format(&s, buf, sizeof(buf));
	SL_CHECK(strcmp(buf, "tcp:[::]/8080:80") == 0);
	SL_CHECK(sl_fwd_parse("udp:[2001:db8::1]/5353-5354:53-54", IPPROTO_TCP,
		&s, err, sizeof(err)) == 0);
	SL_CHECK_EQ(s.proto, IPPROTO_UDP);
	SL_CHECK_EQ(s.family, AF_INET6);
	SL_CHECK_EQ(s.bind_addr.b[0], 0x20);
	SL_CHECK_EQ(s.host_hi, 5354);
	SL_CHECK_EQ(s.guest_hi, 54);
	/* the longest forward text fits SL_FWD_TEXT_LEN */
	SL_CHECK(sl_fwd_parse("udp:[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]/"
		"64000-65000:1000-2000", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK(sl_fwd_format(&s, buf, sizeof(buf)) < (int)sizeof(buf));
	SL_CHECK(strcmp(buf, "udp:[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]/"
		"64000-65000:1000-2000") == 0);
}

/* IPv6 targets (bracketed, or bare after a bind address) and the guest
 * family option, formatted back as parsed; bad ones refused. */
SL_TEST(fwd_parse_ipv6_targets)
{
	static const char *const bad[] = {
		"8080:[::1]/80", "8080:[fe80::1]/80", "8080:[ff02::1]/80",
		"8080:[::ffff:10.0.2.16]/80", "8080:[::]/80", "8080:[fec0::5/80",
		"8080:80,guest-family=ipv5", "8080:80,guest-family=",
		"8080:80,", "8080:80,source=client,", "8080:80,,source=client",
		"[::1]/8080:fec0::5x/80",
	};
	struct sl_fwd_spec s;
	char err[128], buf[SL_FWD_TEXT_LEN];
	unsigned int i;

	SL_CHECK(sl_fwd_parse("[::1]/8080:[fec0::5]/80", IPPROTO_TCP, &s,
		err, sizeof(err)) == 0);
	SL_CHECK_EQ(s.to_addr, 0);
	SL_CHECK_EQ(s.to_addr6.b[0], 0xfe);
	SL_CHECK_EQ(s.to_addr6.b[15], 5);
	SL_CHECK_EQ(s.guest_lo, 80);
	sl_fwd_format(&s, buf, sizeof(buf));
	SL_CHECK(strcmp(buf, "tcp:[::1]/8080:[fec0::5]/80") == 0);
	SL_CHECK(sl_fwd_parse("[::1]/8080:fec0::5/80", IPPROTO_TCP, &s, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(s.to_addr6.b[15], 5);
	SL_CHECK(sl_fwd_parse("udp:5353:[fec0::5]/53,guest-family=ipv6,"
		"source=gateway", IPPROTO_TCP, &s, err, sizeof(err)) == 0);
	SL_CHECK_EQ(s.guest_family, SL_FWD_FAM_IPV6);
	SL_CHECK_EQ(s.source, SL_FWD_SRC_GATEWAY);
	sl_fwd_format(&s, buf, sizeof(buf));
	SL_CHECK(strcmp(buf, "udp:5353:[fec0::5]/53,source=gateway,"
		"guest-family=ipv6") == 0);
	SL_CHECK(sl_fwd_parse("8080:80,guest-family=client", IPPROTO_TCP, &s,
		err, sizeof(err)) == 0);
	SL_CHECK_EQ(s.guest_family, SL_FWD_FAM_CLIENT);
	SL_CHECK_EQ(sl_fwd_family_parse("auto"), SL_FWD_FAM_AUTO);
	SL_CHECK(strcmp(sl_fwd_family_name(SL_FWD_FAM_IPV4), "ipv4") == 0);
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

SL_TEST(fwd_parse_rejects)
{
	static const char *const bad[] = {
		"", "0", "65536", "80-70", "8000-8009:9000", "8000-8001:90-92",
		"abc", "1.2.3/80", "80:", "80:0", "80x", "/80", "1-2000",
		"[::1/80", "[]/80", "[1.2.3.4]/80", "::1x/80", "[::1]80",
		"[::1]/", "[::1]/0", "fe80::1%eth0/80",
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

SL_TEST(fwd_overlap_families)
{
	struct sl_fwd_spec a, b;
	char err[128];

	/* no address: both families, so every address overlaps */
	sl_fwd_parse("8080", IPPROTO_TCP, &a, err, sizeof(err));
	sl_fwd_parse("[::1]/8080", IPPROTO_TCP, &b, err, sizeof(err));
	SL_CHECK(sl_fwd_overlap(&a, &b));
	SL_CHECK(sl_fwd_overlap(&b, &a));
	/* an explicit IPv6 address is IPv6 only */
	sl_fwd_parse("127.0.0.1/8080", IPPROTO_TCP, &a, err, sizeof(err));
	SL_CHECK(!sl_fwd_overlap(&a, &b));
	sl_fwd_parse("0.0.0.0/8080", IPPROTO_TCP, &a, err, sizeof(err));
	sl_fwd_parse("::/8080", IPPROTO_TCP, &b, err, sizeof(err));
	SL_CHECK(!sl_fwd_overlap(&a, &b));
	/* within IPv6: the unspecified address takes them all */
	sl_fwd_parse("[::1]/8080", IPPROTO_TCP, &a, err, sizeof(err));
	SL_CHECK(sl_fwd_overlap(&a, &b));
	sl_fwd_parse("[2001:db8::1]/8080", IPPROTO_TCP, &b, err, sizeof(err));
	SL_CHECK(!sl_fwd_overlap(&a, &b));
	sl_fwd_parse("[::1]/8080", IPPROTO_TCP, &b, err, sizeof(err));
	SL_CHECK(sl_fwd_overlap(&a, &b));
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

/** v6 - the sl_addr of IPv6 text @s. */
static struct sl_addr
v6(const char *s)
{
	struct sl_addr a;

	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET6, s, a.b);
	return a;
}

SL_TEST(rules_ipv6)
{
	struct sl_addr a;
	struct sl_rule r[4];
	char err[128];

	SL_CHECK(sl_rule_parse("2001:db8::/32:443", true, &r[0], err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(r[0].family, AF_INET6);
	SL_CHECK_EQ(r[0].prefix_len, 32);
	SL_CHECK_EQ(r[0].port_lo, 443);
	SL_CHECK(sl_rule_parse("[2001:db8::]/32", false, &r[1], err,
		sizeof(err)) == 0);
	SL_CHECK(sl_rule_parse("[2001:db8:1::7]:22", true, &r[2], err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(r[2].prefix_len, 128);
	SL_CHECK(sl_rule_parse("0.0.0.0/0", false, &r[3], err,
		sizeof(err)) == 0);
	a = v6("2001:db8:5::1");
	SL_CHECK(sl_rules_permit_addr(r, 4, &a, 443));
	SL_CHECK(!sl_rules_permit_addr(r, 4, &a, 80));
	a = v6("2001:db8:1::7");
	/* the /32 denies first */
	SL_CHECK(!sl_rules_permit_addr(r, 4, &a, 22));
	SL_CHECK(sl_rules_permit_addr(&r[2], 2, &a, 22));
	SL_CHECK(sl_rules_permit_addr(&r[2], 1, &a, 22));
	a = v6("2001:db9::1");
	SL_CHECK(sl_rules_permit_addr(r, 3, &a, 80));	/* not in the /32 */
	/* an IPv4 rule never matches IPv6, nor an IPv6 one IPv4 */
	SL_CHECK(sl_rules_permit_addr(&r[3], 1, &a, 80));
	SL_CHECK(!sl_rules_permit(&r[3], 1, inet_addr("198.51.100.1"), 80));
	SL_CHECK(sl_rule_parse("::/0", false, &r[0], err, sizeof(err)) == 0);
	SL_CHECK(sl_rules_permit(r, 1, inet_addr("198.51.100.1"), 80));
	SL_CHECK(!sl_rules_permit_addr(r, 1, &a, 80));
	/* an IPv4 prefix is masked in its own 32 bits */
	SL_CHECK(sl_rule_parse("198.51.100.77/24", false, &r[0], err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_addr_get_v4(&r[0].net), inet_addr("198.51.100.0"));
	SL_CHECK(sl_addr_is_v4(&r[0].net));
	SL_CHECK(sl_rule_parse("2001:db8::/129", false, &r[0], err,
		sizeof(err)) != 0);
	SL_CHECK(sl_rule_parse("[2001:db8::", false, &r[0], err,
		sizeof(err)) != 0);
	SL_CHECK(sl_rule_parse("[1.2.3.4]/8", false, &r[0], err,
		sizeof(err)) != 0);
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
	sl_test_tcp_hdr(th, sport, dport, seq, ack, flags, win, opts,
		optlen);
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
	union sl_sockaddr peer = { .in.sin_family = AF_INET,
		.in.sin_port = htons(40000),
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
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

/**
 * fwd_syn - add the TCP forward @fwd and let host client @peer connect to
 * it: our SYN toward the guest is captured at @idx. Return: its TCP
 * header, or NULL (the forward or the SYN failed).
 */
static struct rte_tcp_hdr *
fwd_syn(struct sl_test_env *env, const char *fwd,
	const union sl_sockaddr *peer, unsigned int *idx)
{
	struct sl_fwd_spec spec;
	char err[64];

	if (sl_fwd_parse(fwd, IPPROTO_TCP, &spec, err, sizeof(err)) != 0 ||
	    sl_fwd_add(&env->w, &spec) != 0 ||
	    sl_host_mem_incoming(env->host, sl_host_mem_last(env->host),
	    peer) != 0)
		return NULL;
	sl_test_input(env, NULL);
	return find_tcp(env, 0, idx);
}

/*
 * A forwarded connection's host client speaks first (HTTP): what it sent
 * while the guest's handshake ran goes to the guest with the ACK of the
 * guest's SYN-ACK, one frame in that iteration, even when the worker's
 * host poll skips that iteration (issue 17: a pure ACK, then the data one
 * host poll later, was a frame and a poll more per connection).
 */
SL_TEST(tcp_inbound_client_data_rides_on_handshake_ack)
{
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4 };
	union sl_sockaddr peer = { .in.sin_family = AF_INET,
		.in.sin_port = htons(40020),
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sl_test_env env;
	struct rte_tcp_hdr *th;
	unsigned int idx, n = 0, i;
	uint32_t iss;
	int hd = -1;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	th = fwd_syn(&env, "8080:80", &peer, &idx);
	SL_CHECK(th != NULL && th->tcp_flags == RTE_TCP_SYN_FLAG);
	iss = rte_be_to_cpu_32(th->sent_seq);
	for (i = 0; i < env.w.ft.max; i++)
		if (env.w.ft.flows[i].in_use)
			hd = env.w.ft.flows[i].hd;
	SL_CHECK(hd >= 0);
	SL_CHECK(sl_host_mem_push(env.host, hd, "GET /", 5) == 0);
	sl_test_cap_clear(&env);
	/* a worker that polls the host once in 4 quiet iterations, in an
	 * iteration that does not */
	env.w.host_poll_every = 4;
	env.w.host_hot = false;
	env.w.host_quiet = 0;
	sl_test_input(&env, guest_tcp(&env, 80, 40020,
		RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 5000, iss + 1, 65535,
		opts, sizeof(opts)));
	for (i = 0; (th = find_tcp(&env, i, &idx)) != NULL; i = idx + 1) {
		struct rte_mbuf *m = env.cap.m[idx];
		uint32_t len = m->pkt_len - RTE_ETHER_HDR_LEN -
			sizeof(struct rte_ipv4_hdr) - (th->data_off >> 4) * 4;

		n++;
		SL_CHECK_EQ(th->tcp_flags & (RTE_TCP_ACK_FLAG |
			RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG), RTE_TCP_ACK_FLAG);
		SL_CHECK_EQ(rte_be_to_cpu_32(th->recv_ack), 5001);
		SL_CHECK_EQ(len, 5);
		SL_CHECK(memcmp((const uint8_t *)th + (th->data_off >> 4) * 4,
			"GET /", 5) == 0);
	}
	SL_CHECK_EQ(n, 1);
	sl_test_env_fini(&env);
}

/**
 * inbound_syn_from - a host client @peer connects to listener @lhd: the
 * guest is sent a SYN from the gateway, source port @sport, to guest port
 * @gport. Return: true when it is.
 */
static bool
inbound_syn_from(struct sl_test_env *env, int lhd,
	const union sl_sockaddr *peer, uint16_t sport, uint16_t gport)
{
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	unsigned int idx;

	sl_test_cap_clear(env);
	if (sl_host_mem_incoming(env->host, lhd, peer) != 0)
		return false;
	sl_test_input(env, NULL);
	th = find_tcp(env, 0, &idx);
	if (th == NULL)
		return false;
	ip = rte_pktmbuf_mtod_offset(env->cap.m[idx], struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN);
	return th->tcp_flags == RTE_TCP_SYN_FLAG &&
		ip->src_addr == env->cfg.gateway &&
		ip->dst_addr == env->cfg.guest_addr &&
		rte_be_to_cpu_16(th->src_port) == sport &&
		rte_be_to_cpu_16(th->dst_port) == gport;
}

SL_TEST(tcp_inbound_dual_stack)
{
	union sl_sockaddr p6, p4 = { .in.sin_family = AF_INET,
		.in.sin_port = htons(40011),
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sl_fwd_spec spec, spec6;
	struct sl_test_env env;
	union sl_sockaddr la;
	char err[64];
	int lhd;

	memset(&p6, 0, sizeof(p6));
	p6.in6.sin6_family = AF_INET6;
	p6.in6.sin6_port = htons(40010);
	p6.in6.sin6_addr = in6addr_loopback;
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	/* no address: one dual-stack listener on :: */
	SL_CHECK(sl_fwd_parse("8080:80", IPPROTO_TCP, &spec, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	lhd = sl_host_mem_last(env.host);
	la = sl_host_mem_sockaddr(env.host, lhd);
	SL_CHECK_EQ(la.sa.sa_family, AF_INET6);
	SL_CHECK(IN6_IS_ADDR_UNSPECIFIED(&la.in6.sin6_addr));
	SL_CHECK_EQ(la.in6.sin6_port, htons(8080));
	/* an IPv6 client and an IPv4 one both reach the guest (over IPv4),
	 * from the gateway, as loopback clients do */
	SL_CHECK(inbound_syn_from(&env, lhd, &p6, 40010, 80));
	SL_CHECK(inbound_syn_from(&env, lhd, &p4, 40011, 80));
	SL_CHECK_EQ(env.w.ft.active, 2);
	/* an IPv6 address: IPv6 only, beside an IPv4 forward of the port */
	SL_CHECK(sl_fwd_parse("[::1]/8081:81", IPPROTO_TCP, &spec6, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec6), 0);
	lhd = sl_host_mem_last(env.host);
	la = sl_host_mem_sockaddr(env.host, lhd);
	SL_CHECK_EQ(la.sa.sa_family, AF_INET6);
	SL_CHECK(IN6_IS_ADDR_LOOPBACK(&la.in6.sin6_addr));
	SL_CHECK_EQ(sl_host_mem_incoming(env.host, lhd, &p4), -ECONNREFUSED);
	p6.in6.sin6_port = htons(40012);
	SL_CHECK(inbound_syn_from(&env, lhd, &p6, 40012, 81));
	SL_CHECK(sl_fwd_parse("127.0.0.1/8081:82", IPPROTO_TCP, &spec, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	SL_CHECK_EQ(sl_host_mem_sockaddr(env.host,
		sl_host_mem_last(env.host)).sa.sa_family, AF_INET);
	SL_CHECK_EQ(sl_fwd_del(&env.w, &spec6), 0);
	SL_CHECK_EQ(sl_fwd_count(&env.w), 2);
	sl_test_env_fini(&env);
}

SL_TEST(fwd_no_ipv6_host_falls_back_to_ipv4)
{
	union sl_sockaddr p4 = { .in.sin_family = AF_INET,
		.in.sin_port = htons(40020),
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sl_fwd_spec spec;
	struct sl_test_env env;
	char err[64];
	int lhd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	sl_host_mem_set_inet6(env.host, false);
	/* an IPv6 forward cannot be had; one without address is IPv4 */
	SL_CHECK(sl_fwd_parse("[::1]/8080:80", IPPROTO_TCP, &spec, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), -EAFNOSUPPORT);
	SL_CHECK(sl_fwd_parse("udp:5300-5301:53-54", IPPROTO_TCP, &spec, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	SL_CHECK(sl_fwd_parse("8080:80", IPPROTO_TCP, &spec, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	lhd = sl_host_mem_last(env.host);
	SL_CHECK_EQ(sl_host_mem_sockaddr(env.host, lhd).sa.sa_family,
		AF_INET);
	SL_CHECK(inbound_syn_from(&env, lhd, &p4, 40020, 80));
	SL_CHECK_EQ(sl_fwd_count(&env.w), 2);
	sl_test_env_fini(&env);
}

SL_TEST(tcp_inbound_guest_rst_resets_client)
{
	union sl_sockaddr peer = { .in.sin_family = AF_INET,
		.in.sin_port = htons(40001),
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
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
	union sl_sockaddr peer = { .in.sin_family = AF_INET,
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
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
		peer.in.sin_port = htons((uint16_t)(20000 + i));
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
		union sl_sockaddr peer = { .in.sin_family = AF_INET,
			.in.sin_port = htons(30000),
			.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

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
	union sl_sockaddr peer = { .in.sin_family = AF_INET,
		.in.sin_port = htons(50000),
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	union sl_sockaddr to;
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
	SL_CHECK_EQ(to.in.sin_port, htons(50000));
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
	char err[128], buf[SL_FWD_TEXT_LEN];
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
	SL_CHECK_EQ(sl_addr_get_v4(&s.bind_addr), inet_addr("255.255.255.254"));
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
	union sl_sockaddr peer = { .in = { .sin_family = AF_INET,
		.sin_port = htons(40000),
		.sin_addr.s_addr = inet_addr("198.51.100.7") } };
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
	SL_CHECK_EQ(ip_of(&env, idx)->src_addr, peer.in.sin_addr.s_addr);
	SL_CHECK_EQ(th->src_port, peer.in.sin_port);
	eth = rte_pktmbuf_mtod(env.cap.m[idx], const struct rte_ether_hdr *);
	SL_CHECK(rte_is_same_ether_addr(&eth->dst_addr, &mac16));
	iss = rte_be_to_cpu_32(th->sent_seq);
	sl_test_cap_clear(&env);
	sl_test_input(&env, guest_tcp_at(&env, &mac16, h16,
		peer.in.sin_addr.s_addr, 80, 40000,
		RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 7000, iss + 1, 1000,
		NULL, 0));
	th = find_tcp(&env, 0, &idx);
	SL_CHECK(th != NULL);
	SL_CHECK_EQ(th->tcp_flags, RTE_TCP_ACK_FLAG);
	SL_CHECK_EQ(rte_be_to_cpu_32(th->recv_ack), 7001);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_tcp_no_flow], 0);
	sl_test_cap_clear(&env);
	/* a loopback client of the same forward: the gateway */
	peer.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	peer.in.sin_port = htons(40001);
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
	peer.in.sin_addr.s_addr = inet_addr("198.51.100.7");
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
	union sl_sockaddr to, peer = { .in = { .sin_family = AF_INET,
		.sin_port = htons(50000),
		.sin_addr.s_addr = inet_addr("203.0.113.5") } };
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
	SL_CHECK_EQ(ip_of(&env, 0)->src_addr, peer.in.sin_addr.s_addr);
	sl_test_cap_clear(&env);
	sl_test_input(&env, sl_test_udp_frame(&env, &mac16, ntohl(h16), 53,
		ntohl(peer.in.sin_addr.s_addr), 50000, "pong", 4));
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(env.host, lhd, buf, sizeof(buf),
		&to), 4);
	SL_CHECK(memcmp(buf, "pong", 4) == 0);
	/* the dual-stack listener names the client v4-mapped */
	SL_CHECK_EQ(sl_sockaddr_v4_or_0(&to), peer.in.sin_addr.s_addr);
	SL_CHECK_EQ(sl_sockaddr_port(&to), peer.in.sin_port);
	SL_CHECK_EQ(sl_fwd_del(&env.w, &spec), 0);
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}

/* ---- IPv6 destinations and flow keys (issue 15) ---- */

SL_TEST(map_dst6)
{
	struct sl_addr d, lo6 = v6("::1");
	struct sl_test_env env;
	struct sl_config cfg;
	union sl_sockaddr sa;
	char err[64];

	sl_config_defaults(&cfg);
	cfg.max_flows = 64;
	inet_pton(AF_INET6, "fec0::", cfg.prefix6);
	cfg.prefix6_len = 64;
	inet_pton(AF_INET6, "fec0::2", cfg.gateway6);
	inet_pton(AF_INET6, "fec0::3", cfg.dns6);
	cfg.dns_fwd = inet_addr("127.0.0.53");
	SL_CHECK(sl_rule_parse("2001:db8:dead::/48", false, &cfg.rules[0], err,
		sizeof(err)) == 0);
	cfg.nb_rules = 1;
	SL_CHECK(sl_test_env_init(&env, &cfg) == 0);
	/* a far IPv6 destination is itself */
	d = v6("2001:db8::80");
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_TCP, &d, htons(443), &sa), 0);
	SL_CHECK_EQ(sa.sa.sa_family, AF_INET6);
	SL_CHECK(memcmp(&sa.in6.sin6_addr, d.b, 16) == 0);
	SL_CHECK_EQ(sa.in6.sin6_port, htons(443));
	/* the rules see IPv6 destinations */
	d = v6("2001:db8:dead::1");
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_TCP, &d, htons(443), &sa),
		-EACCES);
	/* the gateway is the host's ::1 (--host-loopback on) */
	d = v6("fec0::2");
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_TCP, &d, htons(22), &sa), 0);
	SL_CHECK(sl_sockaddr_same(&sa, &(union sl_sockaddr){ .in6 = {
		.sin6_family = AF_INET6, .sin6_port = htons(22),
		.sin6_addr = in6addr_loopback } }, true));
	env.cfg.host_loopback = false;
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_TCP, &d, htons(22), &sa), -1);
	/* the DNS address, port 53, is the forwarder (here IPv4) */
	d = v6("fec0::3");
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_UDP, &d, htons(53), &sa), 0);
	SL_CHECK_EQ(sa.sa.sa_family, AF_INET);
	SL_CHECK_EQ(sa.in.sin_addr.s_addr, inet_addr("127.0.0.53"));
	SL_CHECK_EQ(sa.in.sin_port, htons(53));
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_UDP, &d, htons(54), &sa), -1);
	/* ... or the IPv6 one when there is no IPv4 one */
	env.cfg.dns_fwd = 0;
	env.cfg.dns_fwd6 = lo6;
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_TCP, &d, htons(53), &sa), 0);
	SL_CHECK_EQ(sa.sa.sa_family, AF_INET6);
	SL_CHECK(IN6_IS_ADDR_LOOPBACK(&sa.in6.sin6_addr));
	/* not reachable: the guest's prefix, link-local, multicast, ::, ::1 */
	d = v6("fec0::99");
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_UDP, &d, htons(9), &sa), -1);
	d = v6("fe80::1");
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_UDP, &d, htons(9), &sa), -1);
	d = v6("ff02::1");
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_UDP, &d, htons(9), &sa), -1);
	d = v6("::");
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_UDP, &d, htons(9), &sa), -1);
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_UDP, &lo6, htons(9), &sa), -1);
	/* an IPv4 destination goes the IPv4 way */
	d = sl_addr_v4(inet_addr("198.51.100.9"));
	SL_CHECK_EQ(sl_map_dst6(env.w.cfg, IPPROTO_UDP, &d, htons(9), &sa), 0);
	SL_CHECK_EQ(sa.sa.sa_family, AF_INET);
	SL_CHECK_EQ(sa.in.sin_addr.s_addr, inet_addr("198.51.100.9"));
	sl_test_env_fini(&env);
}

SL_TEST(flow_key_families)
{
	struct sl_addr g6 = v6("fec0::15"), d6 = v6("2001:db8::1");
	struct sl_addr g4 = sl_addr_v4(inet_addr("10.0.2.15"));
	struct sl_addr d4 = sl_addr_v4(inet_addr("198.51.100.1"));
	struct sl_flow_key k4, k4b, k6;
	struct sl_test_env env;
	struct sl_flow *f4, *f6;
	char buf[64];

	/* IPv4: v4-mapped, gaddr/daddr the IPv4 words; both makers agree */
	k4 = sl_flow_key_make(IPPROTO_TCP, inet_addr("10.0.2.15"), htons(1000),
		inet_addr("198.51.100.1"), htons(80));
	k4b = sl_flow_key_make6(IPPROTO_TCP, &g4, htons(1000), &d4, htons(80));
	SL_CHECK(memcmp(&k4, &k4b, sizeof(k4)) == 0);
	SL_CHECK_EQ(k4.family, AF_INET);
	SL_CHECK_EQ(k4.gaddr, inet_addr("10.0.2.15"));
	SL_CHECK_EQ(k4.daddr, inet_addr("198.51.100.1"));
	SL_CHECK(sl_addr_is_v4(&k4.dip));
	/* IPv6 with the same last words is another flow */
	k6 = sl_flow_key_make6(IPPROTO_TCP, &g6, htons(1000), &d6, htons(80));
	SL_CHECK_EQ(k6.family, AF_INET6);
	memcpy(&k6.gip.w[3], &k4.gaddr, 4);
	memcpy(&k6.dip.w[3], &k4.daddr, 4);
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	f4 = sl_flow_add(&env.w.ft, &k4, 0);
	f6 = sl_flow_add(&env.w.ft, &k6, 0);
	SL_CHECK(f4 != NULL && f6 != NULL && f4 != f6);
	SL_CHECK(sl_flow_lookup(&env.w.ft, &k4) == f4);
	SL_CHECK(sl_flow_lookup(&env.w.ft, &k6) == f6);
	/* telemetry text: dotted quad, [IPv6] */
	SL_CHECK(strcmp(sl_flow_addr_text(&f4->key.dip, f4->key.dport, buf,
		sizeof(buf)), "198.51.100.1:80") == 0);
	SL_CHECK(strcmp(sl_flow_addr_text(&f6->key.gip, f6->key.gport, buf,
		sizeof(buf)), "[fec0::a00:20f]:1000") == 0);
	sl_flow_del(&env.w.ft, f4);
	sl_flow_del(&env.w.ft, f6);
	sl_test_env_fini(&env);
}
