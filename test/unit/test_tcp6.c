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
#include "sl_fwd.h"
#include "sl_host_mem.h"
#include "sl_neigh.h"
#include "sl_net.h"

#define GUEST6	"fec0::5054:ff:fe12:3456"
#define FAR6	"2001:db8:100::1"
#define EUI6	"fec0::ff:fe00:15"	/* EUI-64 of sl_test_guest_mac */
#define TEMP6	"fec0::1c2d:3e4f:5a6b:7c8d"	/* a temporary address */
#define GW6	"fec0::2"

/* the guest address tcp6() and udp6() send from */
static const char *guest_src = GUEST6;

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
		.src = a6(guest_src), .dst = a6(dst), .proto = IPPROTO_TCP,
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
		.src = a6(guest_src), .dst = a6(dst), .proto = IPPROTO_UDP,
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

/* ---- forwards reaching the guest over IPv6 (issue 15) ---- */

/** fwd_add - add forward @text; Return: its (last) listener, or -1. */
static int
fwd_add(struct sl_test_env *env, const char *text)
{
	struct sl_fwd_spec spec;
	char err[128];

	if (sl_fwd_parse(text, IPPROTO_TCP, &spec, err, sizeof(err)) != 0 ||
	    sl_fwd_add(&env->w, &spec) != 0)
		return -1;
	return sl_host_mem_last(env->host);
}

/**
 * syn6_seen - whether the one frame captured is our IPv6 SYN from
 * @src:@sport to @dst:@dport (its sequence number in *@iss).
 */
static bool
syn6_seen(struct sl_test_env *env, const char *src, uint16_t sport,
	const char *dst, uint16_t dport, uint32_t *iss)
{
	if (env->cap.n != 1 || !cap_l4(env, 0, &seg) ||
	    seg.proto != IPPROTO_TCP || seg.b[13] != TF_SYN)
		return false;
	*iss = be32(seg.b + 4);
	return memcmp(seg.src, a6(src), 16) == 0 &&
		memcmp(seg.dst, a6(dst), 16) == 0 &&
		(seg.b[0] << 8 | seg.b[1]) == sport &&
		(seg.b[2] << 8 | seg.b[3]) == dport;
}

/**
 * rst4 - the guest's IPv4 RST|ACK from port @sport to the gateway's
 * @dport, acknowledging @ack (a refused inbound SYN).
 */
static struct rte_mbuf *
rst4(struct sl_test_env *env, uint16_t sport, uint16_t dport, uint32_t ack)
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
	th->dst_port = rte_cpu_to_be_16(dport);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)((sizeof(*th) / 4) << 4);
	th->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	sl_net_prepend_ipv4(m, &sl_test_guest_mac, &env->w.gw_mac,
		env->cfg.guest_addr, env->cfg.gateway, IPPROTO_TCP);
	sl_net_l4_cksum(m);
	return m;
}

/** connect_from - client @peer connects to listener @lhd; one iteration. */
static void
connect_from(struct sl_test_env *env, int lhd, const union sl_sockaddr *peer)
{
	sl_test_cap_clear(env);
	SL_CHECK_EQ(sl_host_mem_incoming(env->host, lhd, peer), 0);
	sl_test_input(env, NULL);
}

/** inbound_hd - the host handle of the one flow in use, or -1. */
static int
inbound_hd(const struct sl_test_env *env)
{
	uint32_t i;

	for (i = 0; i < env->w.ft.max; i++)
		if (env->w.ft.flows[i].in_use)
			return env->w.ft.flows[i].hd;
	return -1;
}

/*
 * A guest with no IPv4 address (its IPv4 entry unresolved), IPv6 only:
 * a dual-stack forward reaches it over IPv6, at its stable address (the
 * EUI-64 one, though a temporary one was learned first), from the IPv6
 * gateway for a loopback client; the connection carries data both ways.
 */
SL_TEST(fwd6_reaches_ipv6_only_guest)
{
	union sl_sockaddr lo6 = sock6("::1", 40000);
	struct sl_test_env env;
	uint8_t b[16];
	uint32_t iss;
	int lhd, hd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	sl_neigh_flush(&env.w);		/* no IPv4 address answers */
	sl_neigh_learn6(&env.w, a6(TEMP6), &sl_test_guest_mac);
	sl_neigh_learn6(&env.w, a6(EUI6), &sl_test_guest_mac);
	lhd = fwd_add(&env, "8080:80");
	SL_CHECK(lhd >= 0);
	connect_from(&env, lhd, &lo6);
	SL_CHECK(syn6_seen(&env, GW6, 40000, EUI6, 80, &iss));
	SL_CHECK(cksum6_ok(&env, 0));
	SL_CHECK_EQ(stat6(&env.w, "fwd_guest6"), 1);
	hd = inbound_hd(&env);
	SL_CHECK(hd >= 0);
	sl_test_cap_clear(&env);
	guest_src = EUI6;
	tcp6(&env, GW6, 80, 40000, 7000, iss + 1, TF_SYN | TF_ACK, 65535,
		NULL, 0);
	SL_CHECK(env.cap.n >= 1 && cap_l4(&env, 0, &seg));
	SL_CHECK_EQ(seg.b[13], TF_ACK);
	SL_CHECK_EQ(be32(seg.b + 8), 7001);
	tcp6(&env, GW6, 80, 40000, 7001, iss + 1, TF_ACK | TF_PSH, 65535,
		(const uint8_t *)"hello", 5);
	SL_CHECK_EQ(sl_host_mem_take(env.host, hd, b, sizeof(b)), 5);
	SL_CHECK(memcmp(b, "hello", 5) == 0);
	sl_test_cap_clear(&env);
	SL_CHECK_EQ(sl_host_mem_push(env.host, hd, "world", 5), 0);
	sl_test_input(&env, NULL);
	SL_CHECK(env.cap.n >= 1 && cap_l4(&env, 0, &seg));
	SL_CHECK(memcmp(seg.dst, a6(EUI6), 16) == 0);
	SL_CHECK_EQ(seg.plen, 20 + 5);
	SL_CHECK(memcmp(seg.b + 20, "world", 5) == 0);
	guest_src = GUEST6;
	sl_test_env_fini(&env);
}

/*
 * A dual-stack guest whose service listens on IPv6 only: the IPv4 SYN is
 * refused (RST) and the same client is connected over IPv6 instead
 * (fwd_retry6), its socket untouched; with guest-family=ipv4 the refusal
 * resets the client as before.
 */
SL_TEST(fwd6_ipv4_refusal_retried_over_ipv6)
{
	union sl_sockaddr p4 = { .in.sin_family = AF_INET,
		.in.sin_port = htons(40100),
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sl_test_env env;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t iss;
	int lhd, hd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	sl_neigh_learn6(&env.w, a6(EUI6), &sl_test_guest_mac);
	lhd = fwd_add(&env, "8080:80");
	SL_CHECK(lhd >= 0);
	connect_from(&env, lhd, &p4);
	SL_CHECK_EQ(env.cap.n, 1);	/* over IPv4: the guest has it */
	ip = rte_pktmbuf_mtod_offset(env.cap.m[0], const struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN);
	SL_CHECK_EQ(ip->version_ihl >> 4, 4);
	th = (const struct rte_tcp_hdr *)(ip + 1);
	iss = rte_be_to_cpu_32(th->sent_seq);
	hd = inbound_hd(&env);
	sl_test_cap_clear(&env);
	sl_test_input(&env, rst4(&env, 80, 40100, iss + 1));
	SL_CHECK(syn6_seen(&env, GW6, 40100, EUI6, 80, &iss));
	SL_CHECK_EQ(stat6(&env.w, "fwd_retry6"), 1);
	SL_CHECK_EQ(stat6(&env.w, "tcp_refused"), 0);
	SL_CHECK(sl_host_mem_is_open(env.host, hd));
	SL_CHECK_EQ(inbound_hd(&env), hd);
	/* refused over IPv6 too: the client is reset, no third try */
	sl_test_cap_clear(&env);
	guest_src = EUI6;
	tcp6(&env, GW6, 80, 40100, 0, iss + 1, TF_RST | TF_ACK, 0, NULL, 0);
	guest_src = GUEST6;
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(stat6(&env.w, "tcp_refused"), 1);
	SL_CHECK(sl_host_mem_aborted(env.host, hd));
	SL_CHECK_EQ(env.w.ft.active, 0);
	/* guest-family=ipv4: no retry */
	lhd = fwd_add(&env, "8081:81,guest-family=ipv4");
	SL_CHECK(lhd >= 0);
	p4.in.sin_port = htons(40101);
	connect_from(&env, lhd, &p4);
	SL_CHECK_EQ(env.cap.n, 1);
	th = rte_pktmbuf_mtod_offset(env.cap.m[0], const struct rte_tcp_hdr *,
		RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr));
	iss = rte_be_to_cpu_32(th->sent_seq);
	hd = inbound_hd(&env);
	sl_test_cap_clear(&env);
	sl_test_input(&env, rst4(&env, 81, 40101, iss + 1));
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(stat6(&env.w, "fwd_retry6"), 1);
	SL_CHECK_EQ(stat6(&env.w, "tcp_refused"), 2);
	SL_CHECK(sl_host_mem_aborted(env.host, hd));
	sl_test_env_fini(&env);
}

/*
 * The family choices: guest-family=client takes IPv6 clients over IPv6
 * (a non-loopback client shown as itself, one in the guest prefix as the
 * gateway) and IPv4 ones over IPv4; an IPv6 target address goes there
 * over IPv6; guest-family=ipv6 with no IPv6 address known resets the
 * client (drop_fwd_no_guest6).
 */
SL_TEST(fwd6_family_choices)
{
	union sl_sockaddr far = sock6("2001:db8::7", 40200);
	union sl_sockaddr onlink = sock6("fec0::77", 40201);
	union sl_sockaddr p4 = { .in.sin_family = AF_INET,
		.in.sin_port = htons(40202),
		.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sl_test_env env;
	uint32_t iss;
	int lhd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	sl_neigh_learn6(&env.w, a6(EUI6), &sl_test_guest_mac);
	lhd = fwd_add(&env, "::/8080:80,guest-family=client");
	SL_CHECK(lhd >= 0);
	connect_from(&env, lhd, &far);
	SL_CHECK(syn6_seen(&env, "2001:db8::7", 40200, EUI6, 80, &iss));
	connect_from(&env, lhd, &onlink);
	SL_CHECK(syn6_seen(&env, GW6, 40201, EUI6, 80, &iss));
	lhd = fwd_add(&env, "8081:81,guest-family=client,source=gateway");
	SL_CHECK(lhd >= 0);
	far.in6.sin6_port = htons(40203);
	connect_from(&env, lhd, &far);
	SL_CHECK(syn6_seen(&env, GW6, 40203, EUI6, 81, &iss));
	connect_from(&env, lhd, &p4);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(!cap_l4(&env, 0, &seg));	/* IPv4 */
	/* an IPv6 target: there, whatever is resolved */
	lhd = fwd_add(&env, "127.0.0.1/8082:[fec0::99]/82");
	SL_CHECK(lhd >= 0);
	p4.in.sin_port = htons(40204);
	sl_neigh_learn6(&env.w, a6("fec0::99"), &sl_test_guest_mac);
	connect_from(&env, lhd, &p4);
	SL_CHECK(syn6_seen(&env, GW6, 40204, "fec0::99", 82, &iss));
	SL_CHECK_EQ(fwd_add(&env, "8089:[fec1::99]/82"), -1);  /* off-prefix */
	sl_test_env_fini(&env);
	/* ipv6 asked, no address known: the guess from the host's MAC */
	SL_CHECK(env6_init(&env, NULL) == 0);
	lhd = fwd_add(&env, "8080:80,guest-family=ipv6");
	SL_CHECK(lhd >= 0);
	connect_from(&env, lhd, &p4);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);	/* a solicitation for it, SYN held */
	SL_CHECK(cap6(&env, 0, NULL, NULL) != NULL);
	SL_CHECK_EQ(cap6(&env, 0, NULL, NULL)[0], 135);
	SL_CHECK(memcmp(cap6(&env, 0, NULL, NULL) + 8, a6(EUI6), 16) == 0);
	SL_CHECK_EQ(env.w.ft.active, 1);
	sl_test_env_fini(&env);
	/* ipv6 asked, no MAC of the guest known: nothing to guess */
	SL_CHECK(env6_init(&env, NULL) == 0);
	sl_neigh_flush(&env.w);
	lhd = fwd_add(&env, "8080:80,guest-family=ipv6");
	SL_CHECK(lhd >= 0);
	connect_from(&env, lhd, &p4);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(stat6(&env.w, "drop_fwd_no_guest6"), 1);
	SL_CHECK_EQ(env.w.ft.active, 0);
	SL_CHECK(sl_host_mem_aborted(env.host, sl_host_mem_last(env.host)));
	sl_test_env_fini(&env);
}

/*
 * A UDP forward to an IPv6-only guest: the datagram of a non-loopback
 * IPv6 client reaches the guest over IPv6 from the client itself; the
 * guest's answer goes back to that client.
 */
SL_TEST(fwd6_udp_to_ipv6_guest)
{
	union sl_sockaddr far = sock6("2001:db8::7", 50000), to;
	struct sl_fwd_spec spec;
	struct sl_test_env env;
	char err[64];
	uint8_t b[16];
	int lhd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	sl_neigh_flush(&env.w);
	sl_neigh_learn6(&env.w, a6(EUI6), &sl_test_guest_mac);
	SL_CHECK(sl_fwd_parse("udp:[::]/5300:53", IPPROTO_TCP, &spec, err,
		sizeof(err)) == 0);
	SL_CHECK_EQ(sl_fwd_add(&env.w, &spec), 0);
	lhd = sl_host_mem_last(env.host);
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, lhd, "ping", 4, &far), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(cap_l4(&env, 0, &seg));
	SL_CHECK_EQ(seg.proto, IPPROTO_UDP);
	SL_CHECK(memcmp(seg.src, a6("2001:db8::7"), 16) == 0);
	SL_CHECK(memcmp(seg.dst, a6(EUI6), 16) == 0);
	SL_CHECK_EQ(seg.b[0] << 8 | seg.b[1], 50000);
	SL_CHECK_EQ(seg.b[2] << 8 | seg.b[3], 53);
	SL_CHECK(memcmp(seg.b + 8, "ping", 4) == 0);
	guest_src = EUI6;
	udp6(&env, "2001:db8::7", 53, 50000, (const uint8_t *)"pong", 4);
	guest_src = GUEST6;
	SL_CHECK_EQ(sl_host_mem_pop_dgram_to(env.host, lhd, b, sizeof(b),
		&to), 4);
	SL_CHECK(memcmp(b, "pong", 4) == 0);
	SL_CHECK(sl_sockaddr_same(&to, &far, true));
	sl_test_env_fini(&env);
}

/*
 * --outbound-addr6: the IPv6 host sockets of guest flows are bound to it
 * (and not to the IPv4 --outbound-addr, which a kernel IPv6 socket cannot
 * take); IPv4 ones keep the IPv4 address.
 */
SL_TEST(outbound_addr6_binds_ipv6_sockets)
{
	union sl_sockaddr dst = sock6(FAR6, 7), src;
	struct sl_test_env env;
	struct sl_config cfg;
	int hd;

	sl_config_defaults(&cfg);
	cfg.dns_fwd = RTE_BE32(RTE_IPV4(127, 0, 0, 53));
	cfg.max_flows = 1024;
	cfg.outbound_addr = RTE_BE32(RTE_IPV4(198u, 51, 100, 9));
	SL_CHECK(sl_addr_pton("2001:db8::9", &cfg.outbound_addr6) == AF_INET6);
	SL_CHECK(env6_init(&env, &cfg) == 0);
	udp6(&env, FAR6, 5555, 7, (const uint8_t *)"x", 1);
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	src = sl_host_mem_source(env.host, hd);
	SL_CHECK_EQ(src.sa.sa_family, AF_INET6);
	SL_CHECK(memcmp(&src.in6.sin6_addr, a6("2001:db8::9"), 16) == 0);
	SL_CHECK_EQ(src.in6.sin6_port, 0);
	sl_test_env_fini(&env);
	/* without it: an IPv6 socket is not bound to the IPv4 address */
	memset(&cfg.outbound_addr6, 0, sizeof(cfg.outbound_addr6));
	SL_CHECK(env6_init(&env, &cfg) == 0);
	udp6(&env, FAR6, 5555, 7, (const uint8_t *)"x", 1);
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_source(env.host, hd).sa.sa_family, 0);
	sl_test_env_fini(&env);
}
