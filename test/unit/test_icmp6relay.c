/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_icmp6relay.c: the ICMPv6 echo relay (lib/icmp/sl_icmp6_echo.c,
 * issue 15) through the in-memory host: a request to a far address goes
 * out of an ICMPv6 ping socket with the hop limit less one, the reply
 * comes back to the guest with its echo id, from the destination, checksum
 * right; hop limit 1 gets time exceeded quoting the request; the errors
 * the host's socket queues reach the guest as ICMPv6 errors (type, code,
 * source, quote with the guest's id); --deny rules,
 * unreachable and v4-mapped destinations refused and counted; the mem
 * host's ping socket refuses what Linux's does.
 */
#include <netinet/in.h>

#include "ip6_util.h"
#include "sl_fwd.h"
#include "sl_host_mem.h"

#define GUEST_GUA	"fec0::ff:fe00:15"
#define FAR		"2001:db8:100::1"

static uint8_t echo_req[16] = { SL_ICMP6_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34,
	0, 7, 'p', 'i', 'n', 'g', 'd', 'a', 't', 'a' };

/** echo6 - an echo request frame from the guest to @dst, hop limit @hop. */
static struct f6
echo6(const char *dst, uint8_t hop)
{
	struct f6 f = {
		.src = a6(GUEST_GUA), .dst = a6(dst),
		.proto = IPPROTO_ICMPV6, .hop = hop,
		.l4 = echo_req, .l4_len = sizeof(echo_req),
	};

	return f;
}

/** sa6 - the socket address of @s, port 0. */
static union sl_sockaddr
sa6(const char *s)
{
	union sl_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.in6.sin6_family = AF_INET6;
	memcpy(&sa.in6.sin6_addr, a6(s), 16);
	return sa;
}

SL_TEST(echo_relayed_and_reply_back)
{
	union sl_sockaddr far = sa6(FAR);
	const struct rte_ipv6_hdr *ip6;
	struct sl_test_env env;
	struct f6 f = echo6(FAR, 64);
	const uint8_t *r;
	uint8_t buf[64];
	uint16_t len;
	int hd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	send6(&env, &f);
	SL_CHECK_EQ(env.cap.n, 0);
	hd = sl_host_mem_find(env.host, SL_HOST_ICMP, &far);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(stat6(&env.w, "icmp_relayed"), 1);
	/* the hop limit less one, the message as the guest sent it */
	SL_CHECK_EQ(sl_host_mem_next_ttl(env.host, hd), 63);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, buf, sizeof(buf)),
		sizeof(echo_req));
	SL_CHECK_EQ(buf[0], SL_ICMP6_ECHO_REQUEST);
	SL_CHECK(memcmp(buf + 4, echo_req + 4, sizeof(echo_req) - 4) == 0);
	/* a second request: same flow */
	send6(&env, &f);
	SL_CHECK_EQ(sl_host_mem_find(env.host, SL_HOST_ICMP, &far), hd);
	SL_CHECK_EQ(stat6(&env.w, "icmp_relayed"), 2);

	/* the reply, with the id the kernel chose and a stale checksum */
	memcpy(buf, echo_req, sizeof(echo_req));
	buf[0] = SL_ICMP6_ECHO_REPLY;
	buf[2] = 0xab;
	buf[4] = 0x03;
	buf[5] = 0x09;
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, buf,
		sizeof(echo_req), NULL), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	r = cap6(&env, 0, &ip6, &len);
	SL_CHECK(r != NULL && r[0] == SL_ICMP6_ECHO_REPLY && r[1] == 0);
	SL_CHECK_EQ(len, sizeof(echo_req));
	SL_CHECK(r[4] == 0x12 && r[5] == 0x34);	/* the guest's id */
	SL_CHECK(memcmp(r + 6, echo_req + 6, sizeof(echo_req) - 6) == 0);
	SL_CHECK(memcmp(ip6->src_addr, a6(FAR), 16) == 0);
	SL_CHECK(memcmp(ip6->dst_addr, a6(GUEST_GUA), 16) == 0);
	SL_CHECK_EQ(ip6->hop_limits, 64);
	SL_CHECK(cksum6_ok(&env, 0));
	SL_CHECK_EQ(stat6(&env.w, "icmp_replies"), 1);
	sl_test_cap_clear(&env);

	/* anything but an echo reply from the socket: dropped, counted */
	buf[0] = SL_ICMP6_ECHO_REQUEST;
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, buf,
		sizeof(echo_req), NULL), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(stat6(&env.w, "drop_icmp6"), 1);
	sl_test_env_fini(&env);
}

SL_TEST(hop_limit_one_gets_time_exceeded)
{
	union sl_sockaddr far = sa6(FAR);
	const struct rte_ipv6_hdr *ip6;
	struct sl_test_env env;
	const uint8_t *r;
	uint16_t len;
	unsigned int hop;

	SL_CHECK(env6_init(&env, NULL) == 0);
	for (hop = 0; hop <= 1; hop++) {
		struct f6 f = echo6(FAR, 0);
		uint8_t b[128];

		build6(&env, b, &f);
		b[21] = (uint8_t)hop;	/* build6 takes 0 for 255 */
		sl_test_input(&env, sl_test_frame(&env, b,
			(uint16_t)(54 + sizeof(echo_req))));
		SL_CHECK_EQ(env.cap.n, 1);
		r = cap6(&env, 0, &ip6, &len);
		SL_CHECK(r != NULL && r[0] == 3 && r[1] == 0);
		/* the whole request quoted, after the 8-byte header */
		SL_CHECK_EQ(len, 8 + 40 + sizeof(echo_req));
		SL_CHECK(memcmp(r + 8, b + 14, 40 + sizeof(echo_req)) == 0);
		SL_CHECK(memcmp(ip6->src_addr, a6("fec0::2"), 16) == 0);
		SL_CHECK(memcmp(ip6->dst_addr, a6(GUEST_GUA), 16) == 0);
		SL_CHECK(cksum6_ok(&env, 0));
		sl_test_cap_clear(&env);
	}
	SL_CHECK_EQ(stat6(&env.w, "ttl_expired"), 2);
	SL_CHECK_EQ(stat6(&env.w, "icmp_err_tx"), 2);
	SL_CHECK(sl_host_mem_find(env.host, SL_HOST_ICMP, &far) < 0);
	SL_CHECK_EQ(stat6(&env.w, "icmp_relayed"), 0);
	{	/* hop limit 2 leaves with 1 */
		struct f6 f = echo6(FAR, 2);
		int hd;

		send6(&env, &f);
		hd = sl_host_mem_find(env.host, SL_HOST_ICMP, &far);
		SL_CHECK(hd >= 0);
		SL_CHECK_EQ(sl_host_mem_next_ttl(env.host, hd), 1);
	}
	sl_test_env_fini(&env);
}

SL_TEST(deny_rule_and_unreachable_refused)
{
	union sl_sockaddr far = sa6(FAR), other = sa6("2001:db8:200::1");
	struct sl_test_env env;
	struct sl_config cfg;
	char err[64];
	static const char *const bad[] = {
		"::ffff:198.51.100.1",	/* v4-mapped: drop_ip6_dst, for
					 * every IPv6 frame */
		"fe80::99",		/* link-local: not forwarded */
		"fec0::77",		/* the guest's own prefix */
		"::1",			/* loopback */
	};
	unsigned int k;

	sl_config_defaults(&cfg);
	cfg.dns_fwd = RTE_BE32(RTE_IPV4(127, 0, 0, 53));
	cfg.max_flows = 1024;
	SL_CHECK(sl_rule_parse("[2001:db8:100::]/64", false, &cfg.rules[0],
		err, sizeof(err)) == 0);
	cfg.nb_rules = 1;
	SL_CHECK(env6_init(&env, &cfg) == 0);
	{
		struct f6 f = echo6(FAR, 64);

		send6(&env, &f);
	}
	SL_CHECK_EQ(stat6(&env.w, "drop_denied"), 1);
	SL_CHECK(sl_host_mem_find(env.host, SL_HOST_ICMP, &far) < 0);
	{	/* outside the rule: relayed */
		struct f6 f = echo6("2001:db8:200::1", 64);

		send6(&env, &f);
	}
	SL_CHECK(sl_host_mem_find(env.host, SL_HOST_ICMP, &other) >= 0);
	SL_CHECK_EQ(stat6(&env.w, "icmp_relayed"), 1);
	for (k = 0; k < RTE_DIM(bad); k++) {
		struct f6 f = echo6(bad[k], 64);

		send6(&env, &f);
	}
	SL_CHECK_EQ(stat6(&env.w, "drop_ip6_dst"), 1);
	SL_CHECK_EQ(stat6(&env.w, "drop_icmp6"), (long long)RTE_DIM(bad) - 1);
	SL_CHECK_EQ(stat6(&env.w, "icmp_relayed"), 1);
	SL_CHECK_EQ(env.cap.n, 0);
	{	/* a non-zero code: dropped, counted */
		uint8_t m[16];
		struct f6 f = echo6("2001:db8:200::1", 64);

		memcpy(m, echo_req, sizeof(m));
		m[1] = 1;
		f.l4 = m;
		send6(&env, &f);
	}
	SL_CHECK_EQ(stat6(&env.w, "drop_icmp6"), (long long)RTE_DIM(bad));
	sl_test_env_fini(&env);
}

/** dgerr6 - a report of ICMPv6 @type/@code from @from (NULL: none). */
static struct sl_host_dgerr
dgerr6(uint8_t type, uint8_t code, const char *from, int err)
{
	struct sl_host_dgerr e;

	memset(&e, 0, sizeof(e));
	e.origin = SL_HOST_ERR_ICMP;
	e.type = type;
	e.code = code;
	e.err = err;
	if (from != NULL)
		e.offender = sa6(from);
	e.dst = sa6(FAR);
	return e;
}

SL_TEST(host_errors_to_guest_as_icmp6)
{
	union sl_sockaddr far = sa6(FAR);
	struct sl_host_dgerr e[6];
	struct sl_test_env env;
	struct f6 f = echo6(FAR, 9);
	uint8_t sent[16];
	static const struct {
		uint8_t type, code;
		const char *src;
		uint32_t rest;
	} want[] = {
		{ 3, 0, "2001:db8:ff::1", 0 },	/* a router: traceroute */
		{ 1, 4, FAR, 0 },		/* the destination itself */
		{ 1, 3, "fec0::2", 0 },		/* the host: the gateway */
		{ 2, 0, "fec0::2", 1400 },	/* the host's own path MTU */
		{ 2, 0, "2001:db8:ff::1", 1300 },	/* a router's PTB */
	};
	unsigned int i;
	int hd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	send6(&env, &f);
	hd = sl_host_mem_find(env.host, SL_HOST_ICMP, &far);
	SL_CHECK(hd >= 0);
	/* what went out, with the id the kernel would put on the wire */
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, sent, sizeof(sent)),
		sizeof(sent));
	sent[4] = 0x77;
	sent[5] = 0x01;
	e[0] = dgerr6(3, 0, "2001:db8:ff::1", EHOSTUNREACH);
	e[1] = dgerr6(1, 4, FAR, ECONNREFUSED);
	e[2] = dgerr6(1, 3, "fec0::99", EHOSTUNREACH);
	e[2].offender_local = true;
	memset(&e[3], 0, sizeof(e[3]));
	e[3].origin = SL_HOST_ERR_LOCAL;
	e[3].err = EMSGSIZE;
	e[3].info = 1400;
	e[4] = dgerr6(2, 0, "2001:db8:ff::1", EMSGSIZE);
	e[4].info = 1300;
	/* an informational type: not relayed */
	e[5] = dgerr6(137, 0, "2001:db8:ff::1", EHOSTUNREACH);
	for (i = 0; i < RTE_DIM(e); i++)
		SL_CHECK_EQ(sl_host_mem_push_err(env.host, hd, &e[i], sent,
			sizeof(sent)), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, RTE_DIM(want));
	for (i = 0; i < RTE_DIM(want); i++) {
		const struct rte_ipv6_hdr *ip6, *qh;
		const uint8_t *r = cap6(&env, i, &ip6, NULL);
		uint32_t rest;

		SL_CHECK(r != NULL);
		SL_CHECK_EQ(r[0], want[i].type);
		SL_CHECK_EQ(r[1], want[i].code);
		rest = (uint32_t)r[4] << 24 | (uint32_t)r[5] << 16 |
			(uint32_t)r[6] << 8 | r[7];
		SL_CHECK_EQ(rest, want[i].rest);
		SL_CHECK(memcmp(ip6->src_addr, a6(want[i].src), 16) == 0);
		SL_CHECK(memcmp(ip6->dst_addr, a6(GUEST_GUA), 16) == 0);
		SL_CHECK(cksum6_ok(&env, i));
		/* the quote: the request as the guest sent it */
		qh = (const struct rte_ipv6_hdr *)(r + 8);
		SL_CHECK_EQ(qh->proto, IPPROTO_ICMPV6);
		SL_CHECK(memcmp(qh->src_addr, a6(GUEST_GUA), 16) == 0);
		SL_CHECK(memcmp(qh->dst_addr, a6(FAR), 16) == 0);
		SL_CHECK_EQ(qh->hop_limits, i == 0 ? 1 : 9);
		SL_CHECK_EQ(rte_be_to_cpu_16(qh->payload_len), sizeof(sent));
		SL_CHECK_EQ(r[48], SL_ICMP6_ECHO_REQUEST);
		SL_CHECK(r[52] == 0x12 && r[53] == 0x34);	/* guest's id */
		SL_CHECK(memcmp(r + 54, echo_req + 6, 10) == 0);
	}
	SL_CHECK_EQ(stat6(&env.w, "icmp_err_tx"), RTE_DIM(want));
	SL_CHECK_EQ(stat6(&env.w, "icmp_err_ignored"), 1);
	sl_test_env_fini(&env);
}

SL_TEST(mem_ping6_socket_as_linux)
{
	struct sl_test_env env;
	union sl_sockaddr far = sa6(FAR);
	uint8_t msg[16];
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
	struct sl_host_msg hm = { .iov = &iov, .iovcnt = 1 };
	int hd, hd4;

	SL_CHECK(env6_init(&env, NULL) == 0);
	hd = sl_host_open(env.host,
		(enum sl_host_kind)(SL_HOST_ICMP | SL_HOST_INET6), 1);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_connect(env.host, hd, &far), 0);
	memcpy(msg, echo_req, sizeof(msg));
	SL_CHECK_EQ(sl_host_sendmmsg(env.host, hd, &hm, 1), 1);
	/* an echo reply, an ICMPv4 echo request, a short message: EINVAL */
	msg[0] = SL_ICMP6_ECHO_REPLY;
	SL_CHECK_EQ(sl_host_sendmmsg(env.host, hd, &hm, 1), -EINVAL);
	msg[0] = 8;
	SL_CHECK_EQ(sl_host_sendmmsg(env.host, hd, &hm, 1), -EINVAL);
	msg[0] = SL_ICMP6_ECHO_REQUEST;
	iov.iov_len = 4;
	SL_CHECK_EQ(sl_host_sendmmsg(env.host, hd, &hm, 1), -EINVAL);
	/* an IPv4 ping socket takes type 8 only */
	hd4 = sl_host_open(env.host, SL_HOST_ICMP, 2);
	SL_CHECK(hd4 >= 0);
	{
		union sl_sockaddr v4 = sl_sockaddr_v4(
			RTE_BE32(RTE_IPV4(198u, 51, 100, 1)), 0);

		SL_CHECK_EQ(sl_host_connect(env.host, hd4, &v4), 0);
	}
	iov.iov_len = sizeof(msg);
	SL_CHECK_EQ(sl_host_sendmmsg(env.host, hd4, &hm, 1), -EINVAL);
	sl_host_close(env.host, hd, false);
	sl_host_close(env.host, hd4, false);
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	if (sl_test_eal() != 0)
		return 1;
	return sl_test_main(argc, argv);
}
