/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_ip6.c: IPv6 frame parsing and classification (lib/net/sl_net6.c,
 * the poll loop's by_ip6 dispatch): good frames with and without extension
 * headers, and hostile ones (truncated headers, payload lengths that lie,
 * extension header chains too long or overrunning, bad checksums,
 * fragments, sources off the link), each dropped with its counter.
 */
#include <netinet/in.h>

#include "ip6_util.h"

static const uint8_t udp_pay[16] = { 0x30, 0x39, 0x00, 0x35, 0x00, 0x10,
	0, 0, 'h', 'e', 'l', 'l', 'o', '6', '!', '!' };

/** a UDP datagram over IPv6 from the guest's SLAAC address */
static struct f6
udp6(void)
{
	struct f6 f = {
		.src = a6("fec0::5054:ff:fe12:3456"),
		.dst = a6("2001:db8::1"),
		.proto = IPPROTO_UDP, .hop = 64,
		.l4 = udp_pay, .l4_len = sizeof(udp_pay),
	};

	return f;
}

/** parse - sl_net_parse on the frame @f describes. */
static int
parse(struct sl_test_env *env, const struct f6 *f, struct sl_pkt *p,
	enum sl_stat *why, struct rte_mbuf **mp)
{
	uint8_t b[2048];
	uint16_t len = build6(env, b, f);
	struct rte_mbuf *m = sl_test_frame(env, b, len);

	*mp = m;
	return sl_net_parse(m, p, why);
}

SL_TEST(udp6_parsed_and_relayed)
{
	struct sl_test_env env;
	struct f6 f = udp6();
	struct rte_mbuf *m;
	enum sl_stat why;
	struct sl_pkt p;

	SL_CHECK(env6_init(&env, NULL) == 0);
	SL_CHECK_EQ(parse(&env, &f, &p, &why, &m), 0);
	SL_CHECK_EQ(p.ip_ver, 6);
	SL_CHECK(p.ip == NULL && p.ip6 != NULL);
	SL_CHECK_EQ(p.proto, IPPROTO_UDP);
	SL_CHECK_EQ(p.l3_off, 14);
	SL_CHECK_EQ(p.l4_off, 54);
	SL_CHECK_EQ(p.l4_len, 16);
	SL_CHECK_EQ(p.pay_off, 62);
	SL_CHECK_EQ(p.pay_len, 8);
	rte_pktmbuf_free(m);
	/* through the poll loop: relayed by UDP (test_tcp6.c) */
	send6(&env, &f);
	SL_CHECK_EQ(stat6(&env.w, "drop_ip6_l4_unsupported"), 0);
	SL_CHECK_EQ(stat6(&env.w, "udp_to_host"), 1);
	SL_CHECK_EQ(stat6(&env.w, "drop_ethertype"), 0);
	sl_test_env_fini(&env);
}

SL_TEST(ext_headers_walked)
{
	/* hop-by-hop (8 bytes: PadN), routing (segments left 0), then
	 * destination options (16 bytes), then UDP */
	static const uint8_t ext[32] = {
		43, 0, 1, 4, 0, 0, 0, 0,
		60, 0, 0, 0, 0, 0, 0, 0,
		IPPROTO_UDP, 1, 1, 12, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0 };
	struct sl_test_env env;
	struct f6 f = udp6();
	struct rte_mbuf *m;
	enum sl_stat why;
	struct sl_pkt p;

	SL_CHECK(env6_init(&env, NULL) == 0);
	f.ext = ext;
	f.ext_len = sizeof(ext);
	f.first_nh = 0;
	SL_CHECK_EQ(parse(&env, &f, &p, &why, &m), 0);
	SL_CHECK_EQ(p.proto, IPPROTO_UDP);
	SL_CHECK_EQ(p.l4_off, 54 + 32);
	SL_CHECK_EQ(p.l4_len, 16);
	rte_pktmbuf_free(m);
	sl_test_env_fini(&env);
}

SL_TEST(fragment_headers_parsed)
{
	/* an atomic fragment (offset 0, M clear: RFC 6946), then a first
	 * fragment (M set) */
	static const uint8_t atomic[8] = { IPPROTO_UDP, 0, 0, 0, 0, 0, 0, 7 };
	static const uint8_t first[8] = { IPPROTO_UDP, 0, 0, 1, 0, 0, 0, 7 };
	struct sl_test_env env;
	struct f6 f = udp6();
	struct rte_mbuf *m;
	enum sl_stat why;
	struct sl_pkt p;

	SL_CHECK(env6_init(&env, NULL) == 0);
	f.ext = atomic;
	f.ext_len = sizeof(atomic);
	f.first_nh = 44;
	SL_CHECK_EQ(parse(&env, &f, &p, &why, &m), 0);
	SL_CHECK_EQ(p.proto, IPPROTO_UDP);
	SL_CHECK_EQ(p.l4_off, 54 + 8);
	SL_CHECK_EQ(p.l4_len, 16);
	rte_pktmbuf_free(m);
	f.ext = first;
	SL_CHECK_EQ(parse(&env, &f, &p, &why, &m), SL_NET_FRAG);
	SL_CHECK_EQ(why, SL_STAT_drop_ip6_frag);
	SL_CHECK_EQ(p.proto, 44);
	SL_CHECK_EQ(p.l4_off, 54);
	SL_CHECK_EQ(p.l4_len, 8 + 16);
	rte_pktmbuf_free(m);
	sl_test_env_fini(&env);
}

/** expect_drop - @f is refused with counter @name (parse and loop). */
static bool
expect_drop(const struct f6 *f, const char *name)
{
	struct sl_test_env env;
	bool ok;

	if (env6_init(&env, NULL) != 0)
		return false;
	send6(&env, f);
	ok = stat6(&env.w, name) == 1 && env.cap.n == 0;
	if (!ok)
		fprintf(stderr, "  %s: %lld\n", name, stat6(&env.w, name));
	sl_test_env_fini(&env);
	return ok;
}

SL_TEST(hostile_ext_headers)
{
	static const uint8_t hbh_second[16] = {
		0, 0, 1, 4, 0, 0, 0, 0,	/* dstopts -> hop-by-hop */
		IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0 };
	static const uint8_t overrun[8] = { IPPROTO_UDP, 200, 1, 4 };
	static const uint8_t frag[8] = { IPPROTO_UDP, 0, 0, 1, 0, 0, 0, 7 };
	static const uint8_t none[8] = { 59, 0, 1, 4 };
	uint8_t loop[8 * (SL_IP6_EXT_MAX + 1)];
	struct f6 f = udp6();
	unsigned int i;

	f.ext = hbh_second;
	f.ext_len = sizeof(hbh_second);
	f.first_nh = 60;
	SL_CHECK(expect_drop(&f, "drop_ip6_exthdr"));
	f.ext = overrun;	/* its length runs past the payload */
	f.ext_len = sizeof(overrun);
	SL_CHECK(expect_drop(&f, "drop_ip6_exthdr"));
	/* a chain longer than the walk takes */
	memset(loop, 0, sizeof(loop));
	for (i = 0; i <= SL_IP6_EXT_MAX; i++)
		loop[8 * i] = i == SL_IP6_EXT_MAX ? IPPROTO_UDP : 60;
	f.ext = loop;
	f.ext_len = sizeof(loop);
	SL_CHECK(expect_drop(&f, "drop_ip6_exthdr"));
	/* a non-last fragment of 13 bytes (reassembly: lib/frag) */
	f.ext = frag;
	f.ext_len = sizeof(frag);
	f.first_nh = 44;
	f.l4_len = 13;
	SL_CHECK(expect_drop(&f, "drop_ip6_frag"));
	f.l4_len = sizeof(udp_pay);
	f.ext = none;
	f.ext_len = sizeof(none);
	f.first_nh = 60;
	SL_CHECK(expect_drop(&f, "drop_l4_proto"));
}

SL_TEST(hostile_lengths)
{
	struct sl_test_env env;
	struct f6 f = udp6();
	uint8_t b[2048];
	uint16_t len;

	f.paylen_delta = 1;	/* claims a byte more than the frame has */
	SL_CHECK(expect_drop(&f, "drop_ip6_len"));
	f.paylen_delta = -16;	/* payload length 0: a jumbogram's */
	SL_CHECK(expect_drop(&f, "drop_ip6_len"));
	f.paylen_delta = -10;	/* shorter than the UDP header */
	SL_CHECK(expect_drop(&f, "drop_l4_hdr"));
	f.paylen_delta = 0;
	/* the fixed header cut short */
	SL_CHECK(env6_init(&env, NULL) == 0);
	len = build6(&env, b, &f);
	(void)len;
	sl_test_input(&env, sl_test_frame(&env, b, 14 + 39));
	SL_CHECK_EQ(stat6(&env.w, "drop_short"), 1);
	/* version 4 in an IPv6 ethertype */
	build6(&env, b, &f);
	b[14] = 0x40;
	sl_test_input(&env, sl_test_frame(&env, b, 70));
	SL_CHECK_EQ(stat6(&env.w, "drop_ip_version"), 1);
	/* Ethernet padding is trimmed: the datagram still parses */
	len = build6(&env, b, &f);
	memset(b + len, 0, 20);
	sl_test_input(&env, sl_test_frame(&env, b, (uint16_t)(len + 20)));
	SL_CHECK_EQ(stat6(&env.w, "udp_to_host"), 1);
	sl_test_env_fini(&env);
}

SL_TEST(hostile_checksums_and_sources)
{
	static const uint8_t zero_ck_udp[8] = { 0x30, 0x39, 0, 53, 0, 8 };
	struct sl_test_env env;
	struct f6 f = udp6();
	uint8_t b[2048];
	uint16_t len;

	f.bad_cksum = true;
	SL_CHECK(expect_drop(&f, "drop_l4_csum"));
	f.bad_cksum = false;
	/* UDP without a checksum: allowed over IPv4, not over IPv6 */
	SL_CHECK(env6_init(&env, NULL) == 0);
	f.l4 = zero_ck_udp;
	f.l4_len = sizeof(zero_ck_udp);
	len = build6(&env, b, &f);
	b[54 + 6] = 0;
	b[54 + 7] = 0;
	sl_test_input(&env, sl_test_frame(&env, b, len));
	SL_CHECK_EQ(stat6(&env.w, "drop_l4_csum"), 1);
	sl_test_env_fini(&env);
	f = udp6();
	f.src = a6("2001:db8:1::5");	/* not on the guest link */
	SL_CHECK(expect_drop(&f, "drop_ip6_src"));
	f.src = a6("::");		/* only NDP's */
	SL_CHECK(expect_drop(&f, "drop_ip6_src"));
	f.src = a6("ff02::1");		/* never a source */
	SL_CHECK(expect_drop(&f, "drop_ip6_hdr"));
	f = udp6();
	f.dst = a6("ff02::fb");		/* multicast UDP: not relayed */
	SL_CHECK(expect_drop(&f, "drop_ip_bcast"));
}

SL_TEST(ipv6_off_drops_by_ethertype)
{
	struct sl_test_env env;
	struct sl_config cfg;
	struct f6 f = udp6();

	sl_config_defaults(&cfg);
	cfg.ipv6 = false;
	SL_CHECK(env6_init(&env, &cfg) == 0);
	send6(&env, &f);
	SL_CHECK_EQ(stat6(&env.w, "drop_ethertype"), 1);
	SL_CHECK_EQ(stat6(&env.w, "drop_ip6_l4_unsupported"), 0);
	sl_test_env_fini(&env);
}

SL_TEST(icmp6_number_in_ipv4_refused)
{
	struct sl_test_env env;
	struct rte_mbuf *m;
	char *d;

	SL_CHECK(env6_init(&env, NULL) == 0);
	m = rte_pktmbuf_alloc(env.w.mp);
	SL_CHECK(m != NULL);
	d = rte_pktmbuf_append(m, 8);
	SL_CHECK(d != NULL);
	memcpy(d, "\x80\0\0\0\0\0\0\0", 8);
	SL_CHECK(sl_net_prepend_ipv4(m, &sl_test_guest_mac, &env.w.gw_mac,
		env.cfg.guest_addr, env.cfg.gateway, IPPROTO_ICMPV6) == 0);
	sl_test_input(&env, m);
	SL_CHECK_EQ(stat6(&env.w, "drop_l4_proto"), 1);
	sl_test_env_fini(&env);
}

SL_TEST(gateway_link_local_from_mac)
{
	struct sl_test_env env;

	SL_CHECK(env6_init(&env, NULL) == 0);
	/* 52:55:0a:00:02:02 -> fe80::5055:aff:fe00:202 */
	SL_CHECK(memcmp(env.w.gw_ll6, a6("fe80::5055:aff:fe00:202"), 16) == 0);
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	if (sl_test_eal() != 0)
		return 1;
	return sl_test_main(argc, argv);
}
