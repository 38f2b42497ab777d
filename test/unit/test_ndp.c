/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_ndp.c: ICMPv6 on the guest link (lib/icmp6) and IPv6 neighbours
 * (lib/neigh): NS for the gateway's addresses answered, DAD probes handled
 * safely (the guest's tentative address never answered nor learned, ours
 * defended), RS answered with an RA carrying the prefix, MTU and RDNSS,
 * unsolicited RAs at start and periodically, echo to the gateway answered,
 * hostile NDP counted, a guest IPv6 address resolved by NS to its
 * solicited-node group with frames held until the NA.
 */
#include <netinet/in.h>

#include <rte_malloc.h>

#include "ip6_util.h"
#include "sl_icmp6.h"
#include "sl_neigh.h"

#define GUEST_LL	"fe80::ff:fe00:15"
#define GUEST_GUA	"fec0::ff:fe00:15"

/** ns_msg - an NS for @target into @b (with an SLL option when @sll). */
static uint16_t
ns_msg(uint8_t *b, const char *target, bool sll)
{
	memset(b, 0, 32);
	b[0] = SL_ICMP6_NS;
	memcpy(b + 8, a6(target), 16);
	if (!sll)
		return 24;
	b[24] = SL_NDP_OPT_SLL;
	b[25] = 1;
	memcpy(b + 26, sl_test_guest_mac.addr_bytes, 6);
	return 32;
}

/** icmp6 - an ICMPv6 frame description from @src to @dst. */
static struct f6
icmp6(const char *src, const char *dst, const uint8_t *msg, uint16_t len)
{
	struct f6 f = {
		.src = a6(src), .dst = a6(dst),
		.proto = IPPROTO_ICMPV6, .hop = 255,
		.l4 = msg, .l4_len = len,
	};

	return f;
}

/** find_type - the first captured ICMPv6 message of @type, or -1. */
static int
find_type(const struct sl_test_env *env, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < env->cap.n; i++) {
		const uint8_t *m = cap6(env, i, NULL, NULL);

		if (m != NULL && m[0] == type)
			return (int)i;
	}
	return -1;
}

/** count_type - captured ICMPv6 messages of @type. */
static int
count_type(const struct sl_test_env *env, uint8_t type)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < env->cap.n; i++) {
		const uint8_t *m = cap6(env, i, NULL, NULL);

		n += m != NULL && m[0] == type;
	}
	return n;
}

SL_TEST(ns_for_gateway_addresses_answered)
{
	static const char *const ours[] = { "fe80::5055:aff:fe00:202",
		"fec0::2", "fec0::3" };
	struct sl_test_env env;
	uint8_t msg[32], sn[16];
	unsigned int k;

	SL_CHECK(env6_init(&env, NULL) == 0);
	for (k = 0; k < 3; k++) {
		const struct rte_ipv6_hdr *ip6 = NULL;
		const struct rte_ether_hdr *eth;
		const uint8_t *na;
		uint16_t len = ns_msg(msg, ours[k], true);
		struct f6 f;
		int i;

		sl_net6_solicited_node(sn, a6(ours[k]));
		f = icmp6(GUEST_LL, "::", msg, len);
		f.dst = sn;
		send6(&env, &f);
		i = find_type(&env, SL_ICMP6_NA);
		SL_CHECK(i >= 0);
		na = cap6(&env, (unsigned int)i, &ip6, &len);
		eth = rte_pktmbuf_mtod(env.cap.m[i], const struct rte_ether_hdr *);
		SL_CHECK(rte_is_same_ether_addr(&eth->dst_addr,
			&sl_test_guest_mac));
		SL_CHECK(rte_is_same_ether_addr(&eth->src_addr, &env.w.gw_mac));
		SL_CHECK(memcmp(ip6->src_addr, a6(ours[k]), 16) == 0);
		SL_CHECK(memcmp(ip6->dst_addr, a6(GUEST_LL), 16) == 0);
		SL_CHECK_EQ(ip6->hop_limits, 255);
		SL_CHECK_EQ(len, 32);
		SL_CHECK_EQ(na[4], SL_NA_ROUTER | SL_NA_SOLICITED |
			SL_NA_OVERRIDE);
		SL_CHECK(memcmp(na + 8, a6(ours[k]), 16) == 0);
		SL_CHECK_EQ(na[24], SL_NDP_OPT_TLL);
		SL_CHECK(memcmp(na + 26, env.w.gw_mac.addr_bytes, 6) == 0);
		SL_CHECK(cksum6_ok(&env, (unsigned int)i));
		sl_test_cap_clear(&env);
	}
	SL_CHECK_EQ(stat6(&env.w, "ndp_na_sent"), 3);
	/* an NS for another address (another guest's): not answered */
	ns_msg(msg, "fec0::99", true);
	{
		struct f6 f = icmp6(GUEST_LL, "fec0::99", msg, 32);

		send6(&env, &f);
	}
	SL_CHECK_EQ(env.cap.n, 0);
	sl_test_env_fini(&env);
}

SL_TEST(dad_probe_never_answered_nor_learned)
{
	struct sl_test_env env;
	struct rte_ether_addr mac;
	uint8_t msg[32], sn[16];
	struct f6 f;

	SL_CHECK(env6_init(&env, NULL) == 0);
	/* the guest's DAD probe for its tentative SLAAC address */
	ns_msg(msg, GUEST_GUA, false);
	sl_net6_solicited_node(sn, a6(GUEST_GUA));
	f = icmp6("::", "::", msg, 24);
	f.dst = sn;
	send6(&env, &f);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK(!sl_neigh_lookup6(&env.w, a6(GUEST_GUA), &mac));
	SL_CHECK_EQ(stat6(&env.w, "ndp_ns_rx"), 1);
	SL_CHECK_EQ(stat6(&env.w, "drop_ip6_src"), 0);
	/* a DAD probe with a source link-layer option is invalid */
	ns_msg(msg, GUEST_GUA, true);
	f.l4_len = 32;
	send6(&env, &f);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(stat6(&env.w, "drop_ndp"), 1);
	/* a DAD probe for the gateway's address: defended, to all nodes */
	ns_msg(msg, "fec0::2", false);
	sl_net6_solicited_node(sn, a6("fec0::2"));
	f.l4_len = 24;
	send6(&env, &f);
	SL_CHECK_EQ(env.cap.n, 1);
	{
		const struct rte_ipv6_hdr *ip6;
		const uint8_t *na = cap6(&env, 0, &ip6, NULL);

		SL_CHECK(na != NULL && na[0] == SL_ICMP6_NA);
		SL_CHECK_EQ(na[4] & SL_NA_SOLICITED, 0);
		SL_CHECK(memcmp(ip6->dst_addr, a6("ff02::1"), 16) == 0);
	}
	SL_CHECK_EQ(stat6(&env.w, "ndp_dad_defended"), 1);
	sl_test_env_fini(&env);
}

SL_TEST(na_teaches_guest_mac_and_ours_refused)
{
	static const struct rte_ether_addr other = {
		.addr_bytes = { 0x02, 0, 0, 0, 0x0b, 0x0b } };
	struct sl_test_env env;
	struct rte_ether_addr mac;
	uint8_t msg[32];
	struct f6 f;

	SL_CHECK(env6_init(&env, NULL) == 0);
	memset(msg, 0, sizeof(msg));
	msg[0] = SL_ICMP6_NA;
	msg[4] = SL_NA_OVERRIDE;
	memcpy(msg + 8, a6(GUEST_GUA), 16);
	msg[24] = SL_NDP_OPT_TLL;
	msg[25] = 1;
	memcpy(msg + 26, other.addr_bytes, 6);
	f = icmp6(GUEST_LL, "ff02::1", msg, 32);
	send6(&env, &f);
	SL_CHECK(sl_neigh_lookup6(&env.w, a6(GUEST_GUA), &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &other));
	/* the frame's source taught the link-local too */
	SL_CHECK(sl_neigh_lookup6(&env.w, a6(GUEST_LL), &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &sl_test_guest_mac));
	/* an NA claiming the gateway's address */
	memcpy(msg + 8, a6("fec0::2"), 16);
	send6(&env, &f);
	SL_CHECK_EQ(stat6(&env.w, "drop_ndp"), 1);
	SL_CHECK_EQ(env.cap.n, 0);
	sl_test_env_fini(&env);
}

/**
 * check_ra - captured frame @i is our RA with prefix, MTU @mtu and the
 * RDNSS address @dns.
 */
static bool
check_ra(const struct sl_test_env *env, unsigned int i, uint32_t mtu,
	const char *prefix, const char *dns)
{
	const struct rte_ipv6_hdr *ip6;
	const uint8_t *ra, *o;
	bool pfx = false, m = false, r = false, sll = false;
	uint16_t len, off;
	uint32_t v;

	ra = cap6(env, i, &ip6, &len);
	if (ra == NULL || ra[0] != SL_ICMP6_RA || ra[1] != 0 ||
	    ip6->hop_limits != 255 || !cksum6_ok(env, i) ||
	    memcmp(ip6->src_addr, env->w.gw_ll6, 16) != 0 ||
	    memcmp(ip6->dst_addr, a6("ff02::1"), 16) != 0)
		return false;
	if (ra[5] != 0x40 || (ra[6] << 8 | ra[7]) != 9000)	/* M=0 O=1 */
		return false;
	for (off = 16; off + 8 <= len; off += o[1] * 8) {
		o = ra + off;
		if (o[1] == 0)
			return false;
		switch (o[0]) {
		case SL_NDP_OPT_SLL:
			sll = memcmp(o + 2, env->w.gw_mac.addr_bytes, 6) == 0;
			break;
		case SL_NDP_OPT_MTU:
			v = (uint32_t)o[4] << 24 | o[5] << 16 | o[6] << 8 | o[7];
			m = v == mtu;
			break;
		case SL_NDP_OPT_PREFIX:
			pfx = o[1] == 4 && o[2] == 64 && o[3] == 0xc0 &&
				memcmp(o + 16, a6(prefix), 16) == 0 &&
				o[4] == 0xff && o[8] == 0xff;
			break;
		case SL_NDP_OPT_RDNSS:
			r = o[1] == 3 && memcmp(o + 8, a6(dns), 16) == 0 &&
				(o[4] | o[5] | o[6] | o[7]) != 0;
			break;
		}
	}
	return pfx && m && r && sll;
}

SL_TEST(rs_answered_with_prefix_mtu_rdnss)
{
	struct sl_test_env env;
	struct sl_config cfg;
	uint8_t rs[16] = { SL_ICMP6_RS };
	struct f6 f;
	int i;

	sl_config_defaults(&cfg);
	memcpy(cfg.prefix6, a6("2001:db8:5::"), 16);
	memcpy(cfg.gateway6, a6("2001:db8:5::1"), 16);
	memcpy(cfg.dns6, a6("2001:db8:5::53"), 16);
	SL_CHECK(env6_init(&env, &cfg) == 0);
	rs[8] = SL_NDP_OPT_SLL;
	rs[9] = 1;
	memcpy(rs + 10, sl_test_guest_mac.addr_bytes, 6);
	f = icmp6(GUEST_LL, "ff02::2", rs, 16);
	env.w.now_ms += 300;
	send6(&env, &f);
	i = find_type(&env, SL_ICMP6_RA);
	SL_CHECK(i >= 0);
	SL_CHECK(check_ra(&env, (unsigned int)i, env.w.mtu, "2001:db8:5::",
		"2001:db8:5::53"));
	SL_CHECK_EQ(stat6(&env.w, "ndp_rs_rx"), 1);
	/* from the unspecified address, without SLL: answered too */
	sl_test_cap_clear(&env);
	env.w.now_ms += 300;
	f = icmp6("::", "ff02::2", rs, 8);
	send6(&env, &f);
	SL_CHECK_EQ(count_type(&env, SL_ICMP6_RA), 1);
	/* ... with SLL: invalid */
	sl_test_cap_clear(&env);
	env.w.now_ms += 300;
	f.l4_len = 16;
	send6(&env, &f);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(stat6(&env.w, "drop_ndp"), 1);
	sl_test_env_fini(&env);
}

SL_TEST(rs_flood_answered_at_most_once_per_gap)
{
	struct sl_test_env env;
	uint8_t rs[8] = { SL_ICMP6_RS };
	unsigned int k;
	struct f6 f;

	SL_CHECK(env6_init(&env, NULL) == 0);
	f = icmp6(GUEST_LL, "ff02::2", rs, 8);
	env.w.now_ms += 300;
	for (k = 0; k < 10; k++) {	/* ten within 50 ms */
		send6(&env, &f);
		env.w.now_ms += 5;
	}
	SL_CHECK_EQ(count_type(&env, SL_ICMP6_RA), 1);
	SL_CHECK_EQ(stat6(&env.w, "ndp_rs_rx"), 10);
	sl_test_cap_clear(&env);
	/* the ones that waited get one RA when the gap ends */
	env.w.now_ms += SL_RA_MIN_GAP_MS;
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(count_type(&env, SL_ICMP6_RA), 1);
	sl_test_env_fini(&env);
}

SL_TEST(unsolicited_ras_at_start_and_periodic)
{
	struct sl_test_env env;
	struct sl_config cfg;
	unsigned int k;

	sl_config_defaults(&cfg);
	SL_CHECK(sl_test_env_init_manual(&env, &cfg) == 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(count_type(&env, SL_ICMP6_RA), 1);
	SL_CHECK(check_ra(&env, (unsigned int)find_type(&env, SL_ICMP6_RA),
		env.w.mtu, "fec0::", "fec0::3"));
	sl_test_cap_clear(&env);
	/* the fast ones, then one per interval */
	for (k = 0; k < SL_RA_FAST - 1; k++) {
		env.w.now_ms += SL_RA_FAST_MS - 1;
		sl_test_input(&env, NULL);
		SL_CHECK_EQ(env.cap.n, 0);
		env.w.now_ms += 1;
		sl_test_input(&env, NULL);
		SL_CHECK_EQ(count_type(&env, SL_ICMP6_RA), 1);
		sl_test_cap_clear(&env);
	}
	env.w.now_ms += SL_RA_INTERVAL_MS - 1;
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 0);
	env.w.now_ms += 1;
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(count_type(&env, SL_ICMP6_RA), 1);
	sl_test_cap_clear(&env);
	/* link up: at once again */
	env.w.now_ms += 10;
	sl_neigh_start(&env.w);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(count_type(&env, SL_ICMP6_RA), 1);
	sl_test_env_fini(&env);
	/* IPv6 off: none */
	cfg.ipv6 = false;
	SL_CHECK(sl_test_env_init_manual(&env, &cfg) == 0);
	sl_test_input(&env, NULL);
	env.w.now_ms += SL_RA_INTERVAL_MS;
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(count_type(&env, SL_ICMP6_RA), 0);
	sl_test_env_fini(&env);
}

SL_TEST(echo_to_gateway_answered)
{
	static const uint8_t ext[8] = { IPPROTO_ICMPV6, 0, 1, 4 };
	uint8_t echo[16] = { SL_ICMP6_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 7,
		'p', 'i', 'n', 'g', 'd', 'a', 't', 'a' };
	static const char *const to[] = { "fec0::2",
		"fe80::5055:aff:fe00:202", "fec0::3" };
	struct sl_test_env env;
	unsigned int k;

	SL_CHECK(env6_init(&env, NULL) == 0);
	for (k = 0; k < 4; k++) {
		const struct rte_ipv6_hdr *ip6;
		const uint8_t *r;
		uint16_t len;
		struct f6 f = icmp6(GUEST_GUA, to[k % 3], echo, sizeof(echo));

		f.hop = 64;
		if (k == 3) {	/* behind a destination options header */
			f.ext = ext;
			f.ext_len = sizeof(ext);
			f.first_nh = 60;
		}
		send6(&env, &f);
		SL_CHECK_EQ(env.cap.n, 1);
		r = cap6(&env, 0, &ip6, &len);
		SL_CHECK(r != NULL && r[0] == SL_ICMP6_ECHO_REPLY);
		SL_CHECK_EQ(len, sizeof(echo));
		SL_CHECK(memcmp(r + 4, echo + 4, sizeof(echo) - 4) == 0);
		SL_CHECK(memcmp(ip6->src_addr, a6(to[k % 3]), 16) == 0);
		SL_CHECK(memcmp(ip6->dst_addr, a6(GUEST_GUA), 16) == 0);
		SL_CHECK(cksum6_ok(&env, 0));
		sl_test_cap_clear(&env);
	}
	SL_CHECK_EQ(stat6(&env.w, "icmp6_echo_local"), 4);
	/* elsewhere: the relay's (test_icmp6relay.c), not answered here */
	{
		struct f6 f = icmp6(GUEST_GUA, "2001:db8::1", echo,
			sizeof(echo));

		send6(&env, &f);
	}
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(stat6(&env.w, "icmp6_echo_local"), 4);
	SL_CHECK_EQ(stat6(&env.w, "icmp_relayed"), 1);
	sl_test_env_fini(&env);
}

SL_TEST(hostile_ndp_counted)
{
	struct sl_test_env env;
	uint8_t msg[40], sn[16];
	struct f6 f;

	SL_CHECK(env6_init(&env, NULL) == 0);
	ns_msg(msg, "fec0::2", true);
	f = icmp6(GUEST_LL, "fec0::2", msg, 32);
	f.hop = 254;				/* forwarded: not NDP */
	send6(&env, &f);
	f.hop = 255;
	msg[1] = 1;				/* code */
	send6(&env, &f);
	msg[1] = 0;
	msg[25] = 0;				/* option of length 0 */
	send6(&env, &f);
	msg[25] = 2;				/* option past the end */
	send6(&env, &f);
	f.l4_len = 20;				/* shorter than an NS */
	send6(&env, &f);
	ns_msg(msg, "ff02::1", false);		/* multicast target */
	f.l4_len = 24;
	send6(&env, &f);
	SL_CHECK_EQ(stat6(&env.w, "drop_ndp"), 6);
	/* DAD probe not to the solicited-node group */
	ns_msg(msg, "fec0::2", false);
	f = icmp6("::", "ff02::1", msg, 24);
	send6(&env, &f);
	SL_CHECK_EQ(stat6(&env.w, "drop_ndp"), 7);
	/* echo from the unspecified address */
	sl_net6_solicited_node(sn, a6("fec0::2"));
	msg[0] = SL_ICMP6_ECHO_REQUEST;
	f = icmp6("::", "fec0::2", msg, 16);
	send6(&env, &f);
	SL_CHECK_EQ(stat6(&env.w, "drop_icmp6"), 1);
	/* an ICMPv6 message too short for its header */
	f = icmp6(GUEST_LL, "fec0::2", msg, 4);
	send6(&env, &f);
	SL_CHECK_EQ(stat6(&env.w, "drop_l4_hdr"), 1);
	/* bad checksum */
	f = icmp6(GUEST_LL, "fec0::2", msg, 16);
	f.bad_cksum = true;
	send6(&env, &f);
	SL_CHECK_EQ(stat6(&env.w, "drop_l4_csum"), 1);
	SL_CHECK_EQ(env.cap.n, 0);
	sl_test_env_fini(&env);
}

SL_TEST(guest_ipv6_resolved_by_ns)
{
	struct sl_test_env env;
	struct rte_ether_addr mac;
	uint8_t msg[32], sn[16];
	struct rte_mbuf *m;
	char *d;
	struct f6 f;
	int i;

	SL_CHECK(env6_init(&env, NULL) == 0);
	/* a frame for a guest address never heard of: held, NS sent */
	m = rte_pktmbuf_alloc(env.w.mp);
	SL_CHECK(m != NULL);
	d = rte_pktmbuf_append(m, 8);
	SL_CHECK(d != NULL);
	memcpy(d, "\x81\0\0\0\0\x01\0\x01", 8);
	SL_CHECK(sl_net_prepend_ipv6(m, &env.w.gw_mac, NULL, a6("fec0::2"),
		a6(GUEST_GUA), IPPROTO_ICMPV6, 64) == 0);
	sl_net6_l4_cksum(m);
	sl_neigh_tx6(&env.w, m, a6(GUEST_GUA));
	SL_CHECK_EQ(stat6(&env.w, "neigh_held"), 1);
	env.w.now_ms += 1;
	sl_test_input(&env, NULL);
	i = find_type(&env, SL_ICMP6_NS);
	SL_CHECK(i >= 0);
	{
		const struct rte_ipv6_hdr *ip6 = NULL;
		const uint8_t *ns = cap6(&env, (unsigned int)i, &ip6, NULL);
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(
			env.cap.m[i], const struct rte_ether_hdr *);

		sl_net6_solicited_node(sn, a6(GUEST_GUA));
		SL_CHECK(memcmp(ip6->dst_addr, sn, 16) == 0);
		SL_CHECK(memcmp(ip6->src_addr, env.w.gw_ll6, 16) == 0);
		SL_CHECK(memcmp(ns + 8, a6(GUEST_GUA), 16) == 0);
		SL_CHECK(eth->dst_addr.addr_bytes[0] == 0x33 &&
			eth->dst_addr.addr_bytes[2] == 0xff &&
			memcmp(&eth->dst_addr.addr_bytes[3], sn + 13, 3) == 0);
		SL_CHECK(cksum6_ok(&env, (unsigned int)i));
	}
	SL_CHECK_EQ(stat6(&env.w, "ndp_ns_sent"), 1);
	sl_test_cap_clear(&env);
	/* the guest answers: the held frame goes, to its MAC */
	memset(msg, 0, sizeof(msg));
	msg[0] = SL_ICMP6_NA;
	msg[4] = SL_NA_SOLICITED | SL_NA_OVERRIDE;
	memcpy(msg + 8, a6(GUEST_GUA), 16);
	msg[24] = SL_NDP_OPT_TLL;
	msg[25] = 1;
	memcpy(msg + 26, sl_test_guest_mac.addr_bytes, 6);
	f = icmp6(GUEST_GUA, "fe80::5055:aff:fe00:202", msg, 32);
	send6(&env, &f);
	SL_CHECK(sl_neigh_lookup6(&env.w, a6(GUEST_GUA), &mac));
	i = find_type(&env, SL_ICMP6_ECHO_REPLY);
	SL_CHECK(i >= 0);
	SL_CHECK(rte_is_same_ether_addr(&rte_pktmbuf_mtod(env.cap.m[i],
		const struct rte_ether_hdr *)->dst_addr, &sl_test_guest_mac));
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	if (sl_test_eal() != 0)
		return 1;
	return sl_test_main(argc, argv);
}
