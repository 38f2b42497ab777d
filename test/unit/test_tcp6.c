/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_tcp6.c: TCP and UDP over IPv6 (issue 15) on the in-memory host: the
 * guest's handshake (MSS = MTU - 60, window scale, SACK-permitted) opens an
 * IPv6 host socket; data both ways byte-exact, host -> guest gated by the
 * guest's scaled window; the reset paths; UDP both ways, a host datagram
 * too long for the guest link counted; DNS to the IPv6 DNS address
 * forwarded, the answer unchanged; hostile IPv6 frames counted.
 */
#include <netinet/in.h>

#include <rte_tcp.h>

#include "ip6_util.h"
#include "sl_host_mem.h"

#define GUEST6	"fec0::5054:ff:fe12:3456"
#define FAR6	"2001:db8:100::1"

#define TF_FIN	0x01
#define TF_SYN	0x02
#define TF_RST	0x04
#define TF_PSH	0x08
#define TF_ACK	0x10

/**
 * tcp6 - one guest TCP segment over IPv6 from GUEST6:@sport to @dst:@dport
 * (options only on a SYN: MSS 1440, window scale 7, SACK-permitted).
 */
static void
tcp6(struct sl_test_env *env, const char *dst, uint16_t sport,
	uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
	uint16_t win, const uint8_t *pay, uint16_t len)
{
	static const uint8_t syn_opts[12] = { 2, 4, 0x05, 0xa0, 1, 3, 3, 7,
		1, 1, 4, 2 };
	uint8_t l4[2048];
	uint16_t hl = (flags & TF_SYN) ? 32 : 20;
	struct f6 f = {
		.src = a6(GUEST6), .dst = a6(dst), .proto = IPPROTO_TCP,
		.hop = 64, .l4 = l4, .l4_len = (uint16_t)(hl + len),
	};

	memset(l4, 0, hl);
	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	*(uint32_t *)(l4 + 4) = htonl(seq);
	*(uint32_t *)(l4 + 8) = htonl(ack);
	l4[12] = (uint8_t)((hl / 4) << 4);
	l4[13] = flags;
	l4[14] = (uint8_t)(win >> 8);
	l4[15] = (uint8_t)win;
	if (flags & TF_SYN)
		memcpy(l4 + 20, syn_opts, sizeof(syn_opts));
	if (len > 0)
		memcpy(l4 + hl, pay, len);
	send6(env, &f);
}

/** A captured IPv6 frame's upper layer, copied out. */
struct seg6 {
	uint8_t b[70000];
	uint16_t plen;		/* IPv6 payload length */
	uint8_t proto;
	uint8_t src[16], dst[16];
	uint8_t hop;
};

/**
 * cap_l4 - captured frame @i as IPv6 (the whole chain copied into @s).
 * Return: true when it is IPv6 with a correct upper-layer checksum.
 */
static bool
cap_l4(const struct sl_test_env *env, unsigned int i, struct seg6 *s)
{
	const struct rte_mbuf *m = env->cap.m[i];
	uint8_t hdr[54];
	uint32_t sum;
	const uint8_t *h = rte_pktmbuf_read(m, 0, sizeof(hdr), hdr);

	if (h == NULL || h[12] != 0x86 || h[13] != 0xdd)
		return false;
	s->plen = (uint16_t)(h[18] << 8 | h[19]);
	s->proto = h[20];
	s->hop = h[21];
	memcpy(s->src, h + 22, 16);
	memcpy(s->dst, h + 38, 16);
	if (rte_pktmbuf_pkt_len(m) < 54u + s->plen ||
	    rte_pktmbuf_read(m, 54, s->plen, s->b) == NULL)
		return false;
	if (rte_pktmbuf_read(m, 54, s->plen, s->b) != s->b)
		memcpy(s->b, rte_pktmbuf_mtod_offset(m, uint8_t *, 54),
			s->plen);
	sum = sum16(s->src, 16, 0);
	sum = sum16(s->dst, 16, sum);
	sum += s->plen;
	sum += s->proto;
	sum = sum16(s->b, s->plen, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static struct seg6 seg;

/** be32 - the 32-bit big-endian word at @p. */
static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/** tcp_opt - the value of SYN option @kind in @th (-1: absent). */
static int
tcp_opt(const uint8_t *th, uint8_t kind)
{
	unsigned int hl = (th[12] >> 4) * 4u, i = 20;

	while (i < hl) {
		if (th[i] == 0)
			break;
		if (th[i] == 1) {
			i++;
			continue;
		}
		if (th[i] == kind)
			return th[i + 1] == 4 ? th[i + 2] << 8 | th[i + 3] :
				th[i + 1] == 3 ? th[i + 2] : 0;
		i += th[i + 1];
	}
	return -1;
}

/**
 * handshake - SYN from port 40000 to FAR6:80, the SYN-ACK checked, the ACK
 * sent with window @win (scaled by 7). Return: the host handle, or -1.
 * *@iss is set to our initial sequence number.
 */
static int
handshake(struct sl_test_env *env, uint16_t win, uint32_t *iss)
{
	union sl_sockaddr dst = sock6(FAR6, 80);
	int hd;

	tcp6(env, FAR6, 40000, 80, 1000, 0, TF_SYN, 65535, NULL, 0);
	if (env->cap.n != 1 || !cap_l4(env, 0, &seg) ||
	    seg.proto != IPPROTO_TCP || seg.b[13] != (TF_SYN | TF_ACK) ||
	    memcmp(seg.src, a6(FAR6), 16) != 0 ||
	    memcmp(seg.dst, a6(GUEST6), 16) != 0 || be32(seg.b + 8) != 1001)
		return -1;
	/* MSS for IPv6: MTU - 60; window scale and SACK-permitted answered */
	if (tcp_opt(seg.b, 2) != env->w.mtu - 60 || tcp_opt(seg.b, 3) < 0 ||
	    tcp_opt(seg.b, 4) != 0)
		return -1;
	*iss = be32(seg.b + 4);
	sl_test_cap_clear(env);
	hd = sl_host_mem_find(env->host, SL_HOST_TCP, &dst);
	tcp6(env, FAR6, 40000, 80, 1001, *iss + 1, TF_ACK, win, NULL, 0);
	return hd;
}

SL_TEST(tcp6_handshake_and_data_both_ways)
{
	static uint8_t up[3000], down[100000], got[100000];
	struct sl_test_env env;
	uint32_t iss, una, nxt, rcvd = 0;
	unsigned int i, rounds = 0;
	int hd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	for (i = 0; i < sizeof(up); i++)
		up[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < sizeof(down); i++)
		down[i] = (uint8_t)(i * 13 + i / 251);
	hd = handshake(&env, 32, &iss);	/* 32 << 7: a 4096-byte window */
	SL_CHECK(hd >= 0);
	SL_CHECK(sl_host_mem_is_open(env.host, hd));
	SL_CHECK_EQ(stat6(&env.w, "drop_ip6_l4_unsupported"), 0);
	/* guest -> host, two segments, byte-exact */
	tcp6(&env, FAR6, 40000, 80, 1001, iss + 1, TF_ACK, 32, up, 1400);
	tcp6(&env, FAR6, 40000, 80, 2401, iss + 1, TF_ACK | TF_PSH, 32,
		up + 1400, 1600);
	{
		static uint8_t h[4000];

		SL_CHECK_EQ(sl_host_mem_take(env.host, hd, h, sizeof(h)),
			sizeof(up));
		SL_CHECK(memcmp(h, up, sizeof(up)) == 0);
	}
	/* the ACK of it came over IPv6 */
	SL_CHECK(env.cap.n >= 1);
	SL_CHECK(cap_l4(&env, env.cap.n - 1, &seg));
	SL_CHECK_EQ(be32(seg.b + 8), 4001u);
	sl_test_cap_clear(&env);
	/* host -> guest: never past the guest's 4096-byte window */
	SL_CHECK_EQ(sl_host_mem_push(env.host, hd, down, sizeof(down)), 0);
	una = nxt = iss + 1;
	while (rcvd < sizeof(down) && rounds++ < 1000) {
		sl_test_input(&env, NULL);
		for (i = 0; i < env.cap.n; i++) {
			uint32_t s, l, hl;

			SL_CHECK(cap_l4(&env, i, &seg));
			SL_CHECK_EQ(seg.proto, IPPROTO_TCP);
			hl = (seg.b[12] >> 4) * 4u;
			l = seg.plen - hl;
			s = be32(seg.b + 4);
			if (l == 0)
				continue;
			SL_CHECK(l <= (uint32_t)env.w.mtu - 60);
			SL_CHECK_EQ(s, nxt);
			SL_CHECK(s + l - una <= 4096);	/* the window */
			memcpy(got + rcvd, seg.b + hl, l);
			rcvd += l;
			nxt += l;
		}
		sl_test_cap_clear(&env);
		/* ACK all of it, window stays 4096 */
		una = nxt;
		tcp6(&env, FAR6, 40000, 80, 4001, una, TF_ACK, 32, NULL, 0);
	}
	SL_CHECK_EQ(rcvd, sizeof(down));
	SL_CHECK(rounds >= sizeof(down) / 4096);	/* window-limited */
	SL_CHECK(memcmp(got, down, sizeof(down)) == 0);
	SL_CHECK(stat6(&env.w, "tcp_to_guest_bytes") == (long long)sizeof(down));
	SL_CHECK(stat6(&env.w, "tcp_to_host_bytes") == (long long)sizeof(up));
	/* host EOF: FIN to the guest over IPv6 */
	sl_test_cap_clear(&env);
	SL_CHECK_EQ(sl_host_mem_push_fin(env.host, hd), 0);
	sl_test_input(&env, NULL);
	SL_CHECK(env.cap.n >= 1);
	SL_CHECK(cap_l4(&env, env.cap.n - 1, &seg));
	SL_CHECK(seg.b[13] & TF_FIN);
	sl_test_env_fini(&env);
}

SL_TEST(tcp6_reset_paths)
{
	struct sl_test_env env;
	uint32_t iss;
	int hd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	/* an ACK for no connection: RST with its ACK number, over IPv6 */
	tcp6(&env, FAR6, 40001, 80, 5, 777, TF_ACK, 100, NULL, 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(cap_l4(&env, 0, &seg));
	SL_CHECK_EQ(seg.b[13], TF_RST);
	SL_CHECK_EQ(be32(seg.b + 4), 777u);
	SL_CHECK(memcmp(seg.dst, a6(GUEST6), 16) == 0);
	SL_CHECK_EQ(stat6(&env.w, "drop_tcp_no_flow"), 1);
	sl_test_cap_clear(&env);
	/* the host refuses: RST|ACK to the SYN */
	sl_host_mem_set_connect_mode(env.host, SL_MEM_CONNECT_REFUSE);
	tcp6(&env, FAR6, 40002, 81, 50, 0, TF_SYN, 1000, NULL, 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(cap_l4(&env, 0, &seg));
	SL_CHECK_EQ(seg.b[13], TF_RST | TF_ACK);
	SL_CHECK_EQ(be32(seg.b + 8), 51u);
	SL_CHECK_EQ(stat6(&env.w, "tcp_refused"), 1);
	sl_test_cap_clear(&env);
	/* a guest RST ends a live flow and aborts its socket; a host reset
	 * reaches the guest as RST */
	sl_host_mem_set_connect_mode(env.host, SL_MEM_CONNECT_NOW);
	hd = handshake(&env, 32, &iss);
	SL_CHECK(hd >= 0);
	tcp6(&env, FAR6, 40000, 80, 1001, 0, TF_RST, 0, NULL, 0);
	SL_CHECK(sl_host_mem_aborted(env.host, hd));
	SL_CHECK_EQ(stat6(&env.w, "tcp_closed_guest_rst"), 1);
	sl_test_cap_clear(&env);
	hd = handshake(&env, 32, &iss);
	SL_CHECK(hd >= 0);
	sl_test_cap_clear(&env);
	SL_CHECK_EQ(sl_host_mem_push_rst(env.host, hd), 0);
	sl_test_input(&env, NULL);
	SL_CHECK(env.cap.n >= 1);
	SL_CHECK(cap_l4(&env, env.cap.n - 1, &seg));
	SL_CHECK(seg.b[13] & TF_RST);
	sl_test_env_fini(&env);
}

/** udp6 - a guest datagram over IPv6 from GUEST6:@sport to @dst:@dport. */
static void
udp6(struct sl_test_env *env, const char *dst, uint16_t sport,
	uint16_t dport, const uint8_t *pay, uint16_t len)
{
	uint8_t l4[2048];
	struct f6 f = {
		.src = a6(GUEST6), .dst = a6(dst), .proto = IPPROTO_UDP,
		.hop = 64, .l4 = l4, .l4_len = (uint16_t)(8 + len),
	};

	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	l4[4] = (uint8_t)((8 + len) >> 8);
	l4[5] = (uint8_t)(8 + len);
	l4[6] = l4[7] = 0;
	memcpy(l4 + 8, pay, len);
	send6(env, &f);
}

SL_TEST(udp6_both_ways)
{
	static const uint8_t q[] = "ping over IPv6";
	static const uint8_t r[] = "pong over IPv6!";
	static uint8_t big[1500];
	union sl_sockaddr dst = sock6(FAR6, 7), to;
	struct sl_test_env env;
	uint8_t b[256];
	int hd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	udp6(&env, FAR6, 5555, 7, q, sizeof(q));
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(env.host, hd, b, sizeof(b), &to),
		(ssize_t)sizeof(q));
	SL_CHECK(memcmp(b, q, sizeof(q)) == 0);
	SL_CHECK_EQ(to.sa.sa_family, AF_INET6);
	SL_CHECK_EQ(stat6(&env.w, "udp_to_host"), 1);
	/* the reply, as an IPv6 datagram from FAR6:7 */
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, r, sizeof(r), NULL),
		0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(cap_l4(&env, 0, &seg));
	SL_CHECK_EQ(seg.proto, IPPROTO_UDP);
	SL_CHECK(memcmp(seg.src, a6(FAR6), 16) == 0);
	SL_CHECK(memcmp(seg.dst, a6(GUEST6), 16) == 0);
	SL_CHECK_EQ(seg.b[1], 7);
	SL_CHECK_EQ(seg.b[2] << 8 | seg.b[3], 5555);
	SL_CHECK_EQ(seg.plen, 8 + sizeof(r));
	SL_CHECK(memcmp(seg.b + 8, r, sizeof(r)) == 0);
	SL_CHECK_EQ(stat6(&env.w, "udp_to_guest"), 1);
	sl_test_cap_clear(&env);
	/* MTU - 48 fits; one byte more leaves in two fragments (the rest
	 * in test_frag6.c) */
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, big,
		(size_t)env.w.mtu - 48, NULL), 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, big,
		(size_t)env.w.mtu - 47, NULL), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 3);
	SL_CHECK_EQ(stat6(&env.w, "ip6_frag_tx"), 2);
	SL_CHECK_EQ(stat6(&env.w, "drop_udp6_too_big"), 0);
	sl_test_env_fini(&env);
}

SL_TEST(dns6_forwarded_answer_unchanged)
{
	/* a query for AAAA example.test, and an answer with one AAAA */
	static const uint8_t qry[] = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0,
		0, 0, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's',
		't', 0, 0, 28, 0, 1 };
	uint8_t ans[sizeof(qry) + 28];
	union sl_sockaddr fwd = { .in.sin_family = AF_INET,
		.in.sin_port = htons(53),
		.in.sin_addr.s_addr = htonl(RTE_IPV4(127, 0, 0, 53)) };
	static const uint8_t rr[28] = { 0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60,
		0, 16, 0x20, 0x01, 0x0d, 0xb8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0x42 };
	struct sl_test_env env;
	uint8_t b[256];
	int hd;

	memcpy(ans, qry, sizeof(qry));
	ans[2] = 0x81;
	ans[3] = 0x80;
	ans[7] = 1;
	memcpy(ans + sizeof(qry), rr, sizeof(rr));
	SL_CHECK(env6_init(&env, NULL) == 0);
	udp6(&env, "fec0::3", 5353, 53, qry, sizeof(qry));
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &fwd);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, b, sizeof(b)),
		(ssize_t)sizeof(qry));
	SL_CHECK(memcmp(b, qry, sizeof(qry)) == 0);
	SL_CHECK_EQ(stat6(&env.w, "dns_queries"), 1);
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, ans, sizeof(ans),
		NULL), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(cap_l4(&env, 0, &seg));
	SL_CHECK(memcmp(seg.src, a6("fec0::3"), 16) == 0);
	SL_CHECK_EQ(seg.b[0] << 8 | seg.b[1], 53);
	SL_CHECK_EQ(seg.plen, 8 + sizeof(ans));
	SL_CHECK(memcmp(seg.b + 8, ans, sizeof(ans)) == 0);
	sl_test_env_fini(&env);
}

SL_TEST(hostile_tcp6_frames)
{
	struct sl_test_env env;

	SL_CHECK(env6_init(&env, NULL) == 0);
	/* to a v4-mapped address: would make an IPv4 flow of it */
	tcp6(&env, "::ffff:198.51.100.1", 40000, 80, 1, 0, TF_SYN, 1000,
		NULL, 0);
	SL_CHECK_EQ(stat6(&env.w, "drop_ip6_dst"), 1);
	SL_CHECK_EQ(stat6(&env.w, "tcp_flows_opened"), 0);
	/* to the guest's own prefix: unreachable, refused with a reset */
	tcp6(&env, "fec0::99", 40000, 80, 1, 0, TF_SYN, 1000, NULL, 0);
	SL_CHECK_EQ(stat6(&env.w, "tcp_flows_opened"), 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(cap_l4(&env, 0, &seg));
	SL_CHECK_EQ(seg.b[13], TF_RST | TF_ACK);
	sl_test_cap_clear(&env);
	/* a data offset past the segment */
	{
		uint8_t l4[20] = { 0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0,
			0xf0, TF_SYN, 0x10, 0 };
		struct f6 f = {
			.src = a6(GUEST6), .dst = a6(FAR6),
			.proto = IPPROTO_TCP, .hop = 64,
			.l4 = l4, .l4_len = sizeof(l4),
		};

		send6(&env, &f);
		SL_CHECK_EQ(stat6(&env.w, "drop_l4_hdr"), 1);
	}
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(stat6(&env.w, "tcp_flows_opened"), 0);
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	if (sl_test_eal() != 0)
		return 1;
	return sl_test_main(argc, argv);
}
