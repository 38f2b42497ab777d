/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_icmperr.c: sluice as a router hop for datagrams. ICMP errors the
 * host reports for a flow's datagrams (the mem host's error queue) reach
 * the guest with the right type, code, source and quote; a guest TTL of 1
 * ends at sluice with time exceeded, other TTLs go on less one; DNS flows
 * end once answered or after the short DNS timeout; at --max-dgram-flows
 * the least recently used idle flow is evicted. The kernel backend's error
 * queue and per-datagram TTL are checked on real loopback sockets.
 */
#include <arpa/inet.h>
#include <unistd.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "sl_dgflow.h"
#include "sl_host_mem.h"
#include "sl_icmp_err.h"
#include "sl_net.h"
#include "sl_test.h"

#define DST_ADDR RTE_IPV4(198u, 51, 100, 2)	/* host order */
#define ROUTER_ADDR RTE_IPV4(203u, 0, 113, 2)
#define DST_PORT 9
#define GPORT 40000
#define L3 RTE_ETHER_HDR_LEN
#define L4 (L3 + sizeof(struct rte_ipv4_hdr))

/** sa_of - a host-order address and port as a sockaddr. */
static union sl_sockaddr
sa_of(uint32_t addr, uint16_t port)
{
	union sl_sockaddr sa = { .in.sin_family = AF_INET,
		.in.sin_port = htons(port), .in.sin_addr.s_addr = htonl(addr) };

	return sa;
}

/** set_ttl - give guest frame @m TTL @ttl (IPv4 checksum redone). */
static struct rte_mbuf *
set_ttl(struct rte_mbuf *m, uint8_t ttl)
{
	struct rte_ipv4_hdr *ip;

	if (m == NULL)
		return NULL;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, L3);
	ip->time_to_live = ttl;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return m;
}

/** guest_udp - a guest datagram from @sport to @daddr:@dport, TTL @ttl. */
static struct rte_mbuf *
guest_udp(struct sl_test_env *env, uint16_t sport, uint32_t daddr,
	uint16_t dport, const void *pay, uint16_t len, uint8_t ttl)
{
	return set_ttl(sl_test_udp_frame(env, &sl_test_guest_mac,
		rte_be_to_cpu_32(env->cfg.guest_addr), sport, daddr, dport,
		pay, len), ttl);
}

/** guest_echo - a guest echo request (@id, @seq) to @daddr, TTL @ttl. */
static struct rte_mbuf *
guest_echo(struct sl_test_env *env, uint32_t daddr, uint16_t id,
	uint16_t seq, uint8_t ttl)
{
	return set_ttl(sl_test_echo_frame(env, daddr, id, seq), ttl);
}

/** step - one worker iteration on @n frames. */
static void
step(struct sl_test_env *env, struct rte_mbuf **pk, uint16_t n)
{
	sl_worker_clock(&env->w);
	sl_worker_step(&env->w, pk, n);
}

/** csum_ok - the Internet checksum over @len bytes of @m from @off is 0. */
static bool
csum_ok(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	uint16_t c = 0;

	return rte_raw_cksum_mbuf(m, off, len, &c) == 0 && c == 0xffff;
}

/**
 * icmp_err_is - captured frame @m is a valid ICMP error @type/@code from
 * @src (host order) to the guest. Return: true when so.
 */
static bool
icmp_err_is(struct sl_test_env *env, const struct rte_mbuf *m, uint8_t type,
	uint8_t code, uint32_t src)
{
	const struct rte_ipv4_hdr *ip;
	const uint8_t *ic;
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (len < L4 + 8 + 28)
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, L3);
	ic = rte_pktmbuf_mtod_offset(m, const uint8_t *, L4);
	if (ip->next_proto_id != IPPROTO_ICMP ||
	    ip->src_addr != rte_cpu_to_be_32(src) ||
	    ip->dst_addr != env->cfg.guest_addr || ic[0] != type ||
	    ic[1] != code || rte_ipv4_cksum(ip) != 0)
		return false;
	return len - L3 <= 576 && csum_ok(m, L4, len - L4);
}

/** quote_of - the quoted IPv4 header of captured ICMP error @m. */
static const struct rte_ipv4_hdr *
quote_of(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
		L4 + 8);
}

/** open_udp_flow - a guest datagram to DST: Return: its host handle. */
static int
open_udp_flow(struct sl_test_env *env, uint16_t sport)
{
	union sl_sockaddr dst = sa_of(DST_ADDR, DST_PORT);

	sl_test_input(env, guest_udp(env, sport, DST_ADDR, DST_PORT, "hello",
		5, 64));
	return sl_host_mem_find(env->host, SL_HOST_UDP, &dst);
}

/** dgerr - an ICMP-origin error report from @offender (host order). */
static struct sl_host_dgerr
dgerr(uint8_t type, uint8_t code, uint32_t offender, int err)
{
	struct sl_host_dgerr e;

	memset(&e, 0, sizeof(e));
	e.origin = SL_HOST_ERR_ICMP;
	e.type = type;
	e.code = code;
	e.err = err;
	e.offender = sa_of(offender, 0);
	e.dst = sa_of(DST_ADDR, DST_PORT);
	return e;
}

SL_TEST(icmp_err_fill_layout)
{
	uint8_t quote[600], buf[700];
	uint32_t i, n;

	for (i = 0; i < sizeof(quote); i++)
		quote[i] = (uint8_t)i;
	n = sl_icmp_err_fill(buf, 576 - 20, 3, 4, 1280, quote, 100);
	SL_CHECK_EQ(n, 108);
	SL_CHECK_EQ(buf[0], 3);
	SL_CHECK_EQ(buf[1], 4);
	SL_CHECK_EQ(buf[2] | buf[3], 0);
	SL_CHECK_EQ((buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7],
		1280);
	SL_CHECK(memcmp(buf + 8, quote, 100) == 0);
	/* a long quote is cut to the room */
	n = sl_icmp_err_fill(buf, 576 - 20, 11, 0, 0, quote, sizeof(quote));
	SL_CHECK_EQ(n, 576 - 20);
	SL_CHECK(memcmp(buf + 8, quote, n - 8) == 0);
}

SL_TEST(ttl_one_ends_at_sluice)
{
	union sl_sockaddr dst = sa_of(DST_ADDR, DST_PORT);
	union sl_sockaddr gw = sa_of(INADDR_LOOPBACK, DST_PORT);
	uint8_t want[64], got[64];
	struct sl_test_env env;
	struct rte_mbuf *m;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	m = guest_udp(&env, GPORT, DST_ADDR, DST_PORT, "probe", 5, 1);
	SL_CHECK(m != NULL);
	SL_CHECK(rte_pktmbuf_read(m, L3, 33, want) != NULL);
	sl_test_input(&env, m);
	/* not sent, no socket: time exceeded from the gateway, quoting it */
	SL_CHECK(sl_host_mem_find(env.host, SL_HOST_UDP, &dst) < 0);
	SL_CHECK_EQ(env.w.ft.active, 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(icmp_err_is(&env, env.cap.m[0], 11, 0,
		rte_be_to_cpu_32(env.cfg.gateway)));
	SL_CHECK(rte_pktmbuf_read(env.cap.m[0], L4 + 8, 33, got) != NULL);
	SL_CHECK(memcmp(got, want, 33) == 0);
	SL_CHECK_EQ(env.w.stats[SL_STAT_ttl_expired], 1);
	SL_CHECK_EQ(env.w.stats[SL_STAT_icmp_err_tx], 1);
	sl_test_cap_clear(&env);

	/* an echo request with TTL 1 too, its id and sequence quoted */
	sl_test_input(&env, guest_echo(&env, DST_ADDR, 0x4242, 3, 1));
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(icmp_err_is(&env, env.cap.m[0], 11, 0,
		rte_be_to_cpu_32(env.cfg.gateway)));
	SL_CHECK_EQ(*rte_pktmbuf_mtod_offset(env.cap.m[0], uint16_t *,
		L4 + 8 + 20 + 4), rte_cpu_to_be_16(0x4242));
	SL_CHECK_EQ(env.w.ft.active, 0);
	sl_test_cap_clear(&env);

	/* TTL 1 to sluice's own address (the gateway) is delivered */
	sl_test_input(&env, guest_udp(&env, GPORT,
		rte_be_to_cpu_32(env.cfg.gateway), DST_PORT, "local", 5, 1));
	SL_CHECK(sl_host_mem_find(env.host, SL_HOST_UDP, &gw) >= 0);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(env.w.stats[SL_STAT_ttl_expired], 2);
	sl_test_env_fini(&env);
}

SL_TEST(ttl_less_one_per_datagram)
{
	static const uint8_t ttl[] = { 64, 5, 2, 255 };
	union sl_sockaddr dst = sa_of(DST_ADDR, DST_PORT);
	union sl_sockaddr gw = sa_of(INADDR_LOOPBACK, DST_PORT);
	union sl_sockaddr echo = sa_of(DST_ADDR, 0);
	struct rte_mbuf *pk[4];
	struct sl_test_env env;
	unsigned int i, sc = 0;
	uint8_t buf[64];
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	for (i = 0; i < 4; i++)
		pk[i] = guest_udp(&env, GPORT, DST_ADDR, DST_PORT, "ttl", 3,
			ttl[i]);
	step(&env, pk, 4);
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	/* one send call, each datagram with its own TTL */
	SL_CHECK_EQ(sl_host_mem_calls(env.host, hd, &sc, NULL), 0);
	SL_CHECK_EQ(sc, 1);
	for (i = 0; i < 4; i++) {
		SL_CHECK_EQ(sl_host_mem_next_ttl(env.host, hd), ttl[i] - 1);
		SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, buf,
			sizeof(buf)), 3);
	}
	/* echo requests too */
	sl_test_input(&env, guest_echo(&env, DST_ADDR, 7, 1, 3));
	hd = sl_host_mem_find(env.host, SL_HOST_ICMP, &echo);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_next_ttl(env.host, hd), 2);
	/* sluice's own addresses: the socket's default */
	sl_test_input(&env, guest_udp(&env, GPORT,
		rte_be_to_cpu_32(env.cfg.gateway), DST_PORT, "gw", 2, 9));
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &gw);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_next_ttl(env.host, hd), 0);
	sl_test_env_fini(&env);
}

SL_TEST(errqueue_port_unreachable)
{
	struct sl_host_dgerr e = dgerr(3, 3, DST_ADDR, ECONNREFUSED);
	const struct rte_ipv4_hdr *q;
	const struct rte_udp_hdr *uh;
	struct sl_test_env env;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	hd = open_udp_flow(&env, GPORT);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_push_err(env.host, hd, &e, "hello", 5), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(icmp_err_is(&env, env.cap.m[0], 3, 3, DST_ADDR));
	/* the quote: the guest's IPv4 header, UDP header, the payload */
	q = quote_of(env.cap.m[0]);
	uh = (const struct rte_udp_hdr *)(q + 1);
	SL_CHECK_EQ(rte_pktmbuf_pkt_len(env.cap.m[0]), L4 + 8 + 20 + 8 + 5);
	SL_CHECK_EQ(q->version_ihl, 0x45);
	SL_CHECK_EQ(q->next_proto_id, IPPROTO_UDP);
	SL_CHECK_EQ(q->src_addr, env.cfg.guest_addr);
	SL_CHECK_EQ(q->dst_addr, rte_cpu_to_be_32(DST_ADDR));
	SL_CHECK_EQ(rte_be_to_cpu_16(q->total_length), 20 + 8 + 5);
	SL_CHECK_EQ(rte_ipv4_cksum(q), 0);
	SL_CHECK_EQ(uh->src_port, rte_cpu_to_be_16(GPORT));
	SL_CHECK_EQ(uh->dst_port, rte_cpu_to_be_16(DST_PORT));
	SL_CHECK(memcmp(uh + 1, "hello", 5) == 0);
	SL_CHECK_EQ(env.w.stats[SL_STAT_icmp_err_tx], 1);
	/* the queue and the pending error were read: replies flow again */
	SL_CHECK_EQ(sl_host_mem_errs(env.host, hd), 0);
	SL_CHECK_EQ(sl_host_error(env.host, hd), 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, "back", 4, NULL), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 2);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_to_guest], 1);
	sl_test_env_fini(&env);
}

SL_TEST(errqueue_router_and_host_reports)
{
	struct sl_host_dgerr e[5];
	struct sl_test_env env;
	unsigned int i;
	uint32_t gw;
	uint8_t *ic;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	gw = rte_be_to_cpu_32(env.cfg.gateway);
	hd = open_udp_flow(&env, GPORT);
	SL_CHECK(hd >= 0);
	/* a router: time exceeded, fragmentation needed with its MTU */
	e[0] = dgerr(11, 0, ROUTER_ADDR, EHOSTUNREACH);
	e[1] = dgerr(3, 4, ROUTER_ADDR, EMSGSIZE);
	e[1].info = 1280;
	/* the host itself: host unreachable from its own address */
	e[2] = dgerr(3, 1, RTE_IPV4(198u, 51, 100, 1), EHOSTUNREACH);
	e[2].offender_local = true;
	/* the host's own path MTU, no ICMP */
	memset(&e[3], 0, sizeof(e[3]));
	e[3].origin = SL_HOST_ERR_LOCAL;
	e[3].err = EMSGSIZE;
	e[3].info = 1400;
	/* a local error with no ICMP meaning: not relayed */
	memset(&e[4], 0, sizeof(e[4]));
	e[4].origin = SL_HOST_ERR_LOCAL;
	e[4].err = ENOBUFS;
	for (i = 0; i < 5; i++)
		SL_CHECK_EQ(sl_host_mem_push_err(env.host, hd, &e[i],
			"xxxxxxxx", 8), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 4);
	SL_CHECK(icmp_err_is(&env, env.cap.m[0], 11, 0, ROUTER_ADDR));
	SL_CHECK_EQ(quote_of(env.cap.m[0])->time_to_live, 1);
	SL_CHECK(icmp_err_is(&env, env.cap.m[1], 3, 4, ROUTER_ADDR));
	ic = rte_pktmbuf_mtod_offset(env.cap.m[1], uint8_t *, L4);
	SL_CHECK_EQ(ic[6] << 8 | ic[7], 1280);
	SL_CHECK(quote_of(env.cap.m[1])->fragment_offset &
		RTE_BE16(RTE_IPV4_HDR_DF_FLAG));
	SL_CHECK(icmp_err_is(&env, env.cap.m[2], 3, 1, gw));
	SL_CHECK(icmp_err_is(&env, env.cap.m[3], 3, 4, gw));
	ic = rte_pktmbuf_mtod_offset(env.cap.m[3], uint8_t *, L4);
	SL_CHECK_EQ(ic[6] << 8 | ic[7], 1400);
	SL_CHECK_EQ(env.w.stats[SL_STAT_icmp_err_tx], 4);
	SL_CHECK_EQ(env.w.stats[SL_STAT_icmp_err_ignored], 1);
	SL_CHECK_EQ(sl_host_mem_errs(env.host, hd), 0);
	sl_test_env_fini(&env);
}

SL_TEST(errqueue_dns_and_gateway_sources)
{
	union sl_sockaddr fwd = sa_of(RTE_IPV4(127u, 0, 0, 53), 53);
	union sl_sockaddr lo = sa_of(INADDR_LOOPBACK, 5000);
	struct sl_host_dgerr e;
	struct sl_test_env env;
	uint8_t q[12] = { 0x12, 0x34, 0x01, 0x00 };
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	/* the DNS forwarder's port is closed: unreachable from 10.0.2.3 */
	sl_test_input(&env, guest_udp(&env, GPORT,
		rte_be_to_cpu_32(env.cfg.dns), 53, q, sizeof(q), 64));
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &fwd);
	SL_CHECK(hd >= 0);
	e = dgerr(3, 3, RTE_IPV4(127u, 0, 0, 53), ECONNREFUSED);
	e.offender_local = true;
	SL_CHECK_EQ(sl_host_mem_push_err(env.host, hd, &e, q, sizeof(q)), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(icmp_err_is(&env, env.cap.m[0], 3, 3,
		rte_be_to_cpu_32(env.cfg.dns)));
	SL_CHECK_EQ(quote_of(env.cap.m[0])->dst_addr, env.cfg.dns);
	sl_test_cap_clear(&env);
	/* a closed port on the host's loopback: from the gateway address */
	sl_test_input(&env, guest_udp(&env, GPORT,
		rte_be_to_cpu_32(env.cfg.gateway), 5000, "x", 1, 64));
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &lo);
	SL_CHECK(hd >= 0);
	e = dgerr(3, 3, INADDR_LOOPBACK, ECONNREFUSED);
	e.offender_local = true;
	SL_CHECK_EQ(sl_host_mem_push_err(env.host, hd, &e, "x", 1), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(icmp_err_is(&env, env.cap.m[0], 3, 3,
		rte_be_to_cpu_32(env.cfg.gateway)));
	sl_test_env_fini(&env);
}

SL_TEST(errqueue_echo_gets_guest_id)
{
	union sl_sockaddr echo = sa_of(DST_ADDR, 0);
	uint8_t req[16] = { 8, 0, 0, 0, 0x99, 0x99, 0x00, 0x07,
		'p', 'i', 'n', 'g', 'd', 'a', 't', 'a' };
	struct sl_host_dgerr e = dgerr(11, 0, ROUTER_ADDR, EHOSTUNREACH);
	struct sl_test_env env;
	uint16_t ck;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	sl_test_input(&env, guest_echo(&env, DST_ADDR, 0x1234, 7, 2));
	hd = sl_host_mem_find(env.host, SL_HOST_ICMP, &echo);
	SL_CHECK(hd >= 0);
	/* the request as the kernel sent it: its own id, a valid checksum */
	ck = ~rte_raw_cksum(req, sizeof(req));
	memcpy(req + 2, &ck, 2);
	SL_CHECK_EQ(sl_host_mem_push_err(env.host, hd, &e, req, sizeof(req)),
		0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(icmp_err_is(&env, env.cap.m[0], 11, 0, ROUTER_ADDR));
	SL_CHECK_EQ(quote_of(env.cap.m[0])->next_proto_id, IPPROTO_ICMP);
	/* the quoted echo: the guest's id, its sequence, checksum still good */
	SL_CHECK_EQ(*rte_pktmbuf_mtod_offset(env.cap.m[0], uint16_t *,
		L4 + 8 + 20 + 4), rte_cpu_to_be_16(0x1234));
	SL_CHECK_EQ(*rte_pktmbuf_mtod_offset(env.cap.m[0], uint16_t *,
		L4 + 8 + 20 + 6), rte_cpu_to_be_16(7));
	SL_CHECK(csum_ok(env.cap.m[0], L4 + 8 + 20, sizeof(req)));
	sl_test_env_fini(&env);
}

/** dns_msg - a DNS header: @id, a response when @qr. */
static void
dns_msg(uint8_t *b, uint16_t id, bool qr)
{
	memset(b, 0, 12);
	b[0] = (uint8_t)(id >> 8);
	b[1] = (uint8_t)id;
	b[2] = qr ? 0x81 : 0x01;
	b[5] = 1;
}

SL_TEST(dns_flow_ends_once_answered)
{
	union sl_sockaddr fwd = sa_of(RTE_IPV4(127u, 0, 0, 53), 53);
	struct rte_mbuf *pk[2];
	struct sl_test_env env;
	struct sl_flow_key key;
	uint8_t b[12];
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	/* A and AAAA from one socket */
	dns_msg(b, 0x0101, false);
	pk[0] = guest_udp(&env, GPORT, rte_be_to_cpu_32(env.cfg.dns), 53, b,
		12, 64);
	dns_msg(b, 0x0202, false);
	pk[1] = guest_udp(&env, GPORT, rte_be_to_cpu_32(env.cfg.dns), 53, b,
		12, 64);
	step(&env, pk, 2);
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &fwd);
	SL_CHECK(hd >= 0);
	key = sl_flow_key_make(IPPROTO_UDP, env.cfg.guest_addr, htons(GPORT),
		env.cfg.dns, htons(53));
	/* a stray response, then the first answer: the flow stays */
	dns_msg(b, 0x0999, true);
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, b, 12, NULL), 0);
	dns_msg(b, 0x0101, true);
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, b, 12, NULL), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 2);
	SL_CHECK(sl_flow_lookup(&env.w.ft, &key) != NULL);
	SL_CHECK(sl_host_mem_is_open(env.host, hd));
	/* the second answer: relayed, and the flow and its socket end */
	dns_msg(b, 0x0202, true);
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, b, 12, NULL), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 3);
	SL_CHECK(sl_flow_lookup(&env.w.ft, &key) == NULL);
	SL_CHECK(!sl_host_mem_is_open(env.host, hd));
	SL_CHECK_EQ(env.w.stats[SL_STAT_dns_flow_done], 1);
	SL_CHECK_EQ(env.w.dgram->dgram_flows, 0);
	sl_test_env_fini(&env);
}

SL_TEST(dns_flow_short_timeout)
{
	struct sl_test_env env;
	struct sl_flow_key key;
	uint8_t b[12];

	SL_CHECK(sl_test_env_init_manual(&env, NULL) == 0);
	dns_msg(b, 0x0303, false);
	sl_test_input(&env, guest_udp(&env, GPORT,
		rte_be_to_cpu_32(env.cfg.dns), 53, b, 12, 64));
	sl_test_input(&env, guest_udp(&env, GPORT + 1, DST_ADDR, DST_PORT,
		"other", 5, 64));
	key = sl_flow_key_make(IPPROTO_UDP, env.cfg.guest_addr, htons(GPORT),
		env.cfg.dns, htons(53));
	SL_CHECK(sl_flow_lookup(&env.w.ft, &key) != NULL);
	env.w.now_ms += (SL_DNS_TIMEOUT_S - 1) * 1000;
	sl_worker_step(&env.w, NULL, 0);
	SL_CHECK(sl_flow_lookup(&env.w.ft, &key) != NULL);
	env.w.now_ms += 2000;
	sl_worker_step(&env.w, NULL, 0);
	/* unanswered: gone after the DNS timeout; the other flow stays */
	SL_CHECK(sl_flow_lookup(&env.w.ft, &key) == NULL);
	SL_CHECK_EQ(env.w.ft.active, 1);
	SL_CHECK_EQ(env.w.stats[SL_STAT_flows_expired], 1);
	sl_test_env_fini(&env);
}

/** udp_key - the key of the guest's flow from @sport to DST. */
static struct sl_flow_key
udp_key(struct sl_test_env *env, uint16_t sport)
{
	return sl_flow_key_make(IPPROTO_UDP, env->cfg.guest_addr,
		htons(sport), htonl(DST_ADDR), htons(DST_PORT));
}

SL_TEST(dgram_limit_evicts_least_recent_idle)
{
	struct sl_test_env env;
	struct sl_flow_key k;
	struct sl_config cfg;
	uint16_t p;

	sl_config_defaults(&cfg);
	cfg.dns_fwd = RTE_BE32(RTE_IPV4(127, 0, 0, 53));
	cfg.max_flows = 64;
	cfg.max_dgram_flows = 4;
	SL_CHECK(sl_test_env_init_manual(&env, &cfg) == 0);
	for (p = 1; p <= 4; p++)
		sl_test_input(&env, guest_udp(&env, p, DST_ADDR, DST_PORT,
			"a", 1, 64));
	SL_CHECK_EQ(env.w.dgram->dgram_flows, 4);
	env.w.now_ms += 2000;
	/* flow 1 is busy again: flow 2 is now the least recently used */
	sl_test_input(&env, guest_udp(&env, 1, DST_ADDR, DST_PORT, "b", 1,
		64));
	sl_test_input(&env, guest_udp(&env, 5, DST_ADDR, DST_PORT, "c", 1,
		64));
	k = udp_key(&env, 2);
	SL_CHECK(sl_flow_lookup(&env.w.ft, &k) == NULL);
	k = udp_key(&env, 5);
	SL_CHECK(sl_flow_lookup(&env.w.ft, &k) != NULL);
	k = udp_key(&env, 1);
	SL_CHECK(sl_flow_lookup(&env.w.ft, &k) != NULL);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_flow_evicted], 1);
	/* 3 and 4 make room too; then only busy flows are left: refused */
	sl_test_input(&env, guest_udp(&env, 6, DST_ADDR, DST_PORT, "d", 1,
		64));
	sl_test_input(&env, guest_udp(&env, 7, DST_ADDR, DST_PORT, "e", 1,
		64));
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_flow_evicted], 3);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_dgram_limit], 0);
	sl_test_input(&env, guest_udp(&env, 8, DST_ADDR, DST_PORT, "f", 1,
		64));
	k = udp_key(&env, 8);
	SL_CHECK(sl_flow_lookup(&env.w.ft, &k) == NULL);
	SL_CHECK_EQ(env.w.stats[SL_STAT_drop_dgram_limit], 1);
	SL_CHECK_EQ(env.w.dgram->dgram_flows, 4);
	/* a second later the oldest (flow 1) is idle enough */
	env.w.now_ms += 1000;
	sl_test_input(&env, guest_udp(&env, 8, DST_ADDR, DST_PORT, "g", 1,
		64));
	SL_CHECK(sl_flow_lookup(&env.w.ft, &k) != NULL);
	k = udp_key(&env, 1);
	SL_CHECK(sl_flow_lookup(&env.w.ft, &k) == NULL);
	SL_CHECK_EQ(env.w.stats[SL_STAT_udp_flow_evicted], 4);
	SL_CHECK_EQ(env.host->open_handles, 4);
	sl_test_env_fini(&env);
}

/** closed_port - a loopback UDP port nobody listens on. */
static uint16_t
closed_port(void)
{
	union sl_sockaddr sa = sa_of(INADDR_LOOPBACK, 0);
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		sa.in.sin_port = 0;
	if (fd >= 0)
		close(fd);
	return ntohs(sa.in.sin_port);
}

/** wait_err - poll @h up to ~2 s for an ERR event on cookie @c. */
static bool
wait_err(struct sl_host *h, uint64_t c)
{
	struct sl_host_ev ev[8];
	int i, n, t;

	for (t = 0; t < 100; t++) {
		n = sl_host_poll(h, ev, 8, 20);
		for (i = 0; i < n; i++)
			if (ev[i].cookie == c && (ev[i].events & SL_HOST_EV_ERR))
				return true;
	}
	return false;
}

SL_TEST(kern_errqueue_port_unreachable)
{
	struct sl_host *h = sl_host_kernel_create();
	union sl_sockaddr dst = sa_of(INADDR_LOOPBACK, closed_port());
	struct sl_host_dgerr e;
	uint8_t buf[64];
	int hd;

	SL_CHECK(h != NULL);
	SL_CHECK(dst.in.sin_port != 0);
	hd = sl_host_open(h, SL_HOST_UDP, 0x77);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_connect(h, hd, &dst), 0);
	SL_CHECK_EQ(sl_host_watch(h, hd, SL_HOST_EV_IN), 0);
	SL_CHECK_EQ(sl_host_errqueue(h, hd, &e, buf, sizeof(buf)), -EAGAIN);
	SL_CHECK_EQ(sl_host_sendto(h, hd, "knock", 5, NULL), 5);
	SL_CHECK(wait_err(h, 0x77));
	SL_CHECK_EQ(sl_host_errqueue(h, hd, &e, buf, sizeof(buf)), 0);
	SL_CHECK_EQ(e.origin, SL_HOST_ERR_ICMP);
	SL_CHECK_EQ(e.type, 3);
	SL_CHECK_EQ(e.code, 3);
	SL_CHECK_EQ(e.err, ECONNREFUSED);
	SL_CHECK_EQ(e.offender.in.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	SL_CHECK(e.offender_local);
	SL_CHECK_EQ(e.dst.in.sin_port, dst.in.sin_port);
	SL_CHECK_EQ(e.len, 5);
	SL_CHECK(memcmp(buf, "knock", 5) == 0);
	/* read: nothing queued, nothing pending */
	SL_CHECK_EQ(sl_host_errqueue(h, hd, &e, buf, sizeof(buf)), -EAGAIN);
	SL_CHECK_EQ(sl_host_error(h, hd), 0);
	sl_host_close(h, hd, false);
	sl_host_destroy(h);
}

SL_TEST(kern_ttl_per_datagram)
{
	static const uint8_t ttl[] = { 5, 0, 200 };
	struct sl_host *h = sl_host_kernel_create();
	union sl_sockaddr dst = sa_of(INADDR_LOOPBACK, 0);
	struct sl_host_msg msg[3];
	struct iovec iov[3];
	socklen_t len = sizeof(dst);
	int fd, hd, on = 1, def = 64;
	unsigned int i;
	FILE *fp;

	SL_CHECK(h != NULL);
	fp = fopen("/proc/sys/net/ipv4/ip_default_ttl", "r");
	if (fp != NULL) {
		if (fscanf(fp, "%d", &def) != 1)
			def = 64;
		fclose(fp);
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	SL_CHECK(fd >= 0);
	SL_CHECK_EQ(bind(fd, (struct sockaddr *)&dst, sizeof(dst)), 0);
	SL_CHECK_EQ(getsockname(fd, (struct sockaddr *)&dst, &len), 0);
	SL_CHECK_EQ(setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on)),
		0);
	hd = sl_host_open(h, SL_HOST_UDP, 0x78);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_connect(h, hd, &dst), 0);
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < 3; i++) {
		iov[i].iov_base = (void *)(uintptr_t)"ttl";
		iov[i].iov_len = 3;
		msg[i].iov = &iov[i];
		msg[i].iovcnt = 1;
		msg[i].ttl = ttl[i];
	}
	SL_CHECK_EQ(sl_host_sendmmsg(h, hd, msg, 3), 3);
	for (i = 0; i < 3; i++) {
		union {
			char b[CMSG_SPACE(sizeof(int))];
			struct cmsghdr a;
		} cb;
		struct iovec riov;
		struct msghdr m;
		struct cmsghdr *c;
		char data[8];
		int got = -1;

		riov.iov_base = data;
		riov.iov_len = sizeof(data);
		memset(&m, 0, sizeof(m));
		m.msg_iov = &riov;
		m.msg_iovlen = 1;
		m.msg_control = cb.b;
		m.msg_controllen = sizeof(cb.b);
		SL_CHECK_EQ(recvmsg(fd, &m, 0), 3);
		for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == IPPROTO_IP &&
			    c->cmsg_type == IP_TTL)
				memcpy(&got, CMSG_DATA(c), sizeof(got));
		SL_CHECK_EQ(got, ttl[i] != 0 ? ttl[i] : def);
	}
	close(fd);
	sl_host_close(h, hd, false);
	sl_host_destroy(h);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
