/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_frag6.c: IPv6 fragments both ways (lib/frag/sl_frag6.c, issue 15)
 * on the in-memory host. From the guest: fragments of UDP datagrams and
 * ICMPv6 echo requests, in order, out of order, chained, behind a
 * destination options header, reach the relay whole; an atomic fragment is
 * an unfragmented datagram; hostile sets (duplicates, overlaps, too many,
 * never completed, malformed, a first fragment without the whole header
 * chain) are dropped, counted, and never leak; on a multi-queue port the
 * datagram reaches the worker owning its flow. Toward the guest: UDP
 * datagrams and echo replies (relayed and local) longer than the link leave
 * in fragments with a Fragment header that reassemble byte for byte.
 */
#include <netinet/in.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "ip6_util.h"
#include "sl_host_mem.h"
#include "sl_steer.h"

#include "frag_util.h"

#define GUEST6		"fec0::5054:ff:fe12:3456"
#define FAR6		"2001:db8:100::1"
#define GW6		"fec0::2"
#define FAR_PORT	7
#define FH_LEN		8	/* the Fragment header */

/**
 * guest_dgram6 - build in `dgram` an IPv6 datagram from the guest to @dst:
 * UDP from @port to FAR_PORT, or an ICMPv6 echo request with id @port
 * (@proto IPPROTO_ICMPV6), carrying @len bytes of pay_fill(@seed).
 * Return: its length (the fixed header included).
 */
static uint32_t
guest_dgram6(uint8_t proto, const char *dst, uint16_t port, uint32_t len,
	unsigned int seed)
{
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)dgram;
	uint8_t *l4 = dgram + sizeof(*ip6);
	uint32_t pl = 8 + len;
	uint16_t ck;

	memset(dgram, 0, sizeof(*ip6) + 8);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)pl);
	ip6->proto = proto;
	ip6->hop_limits = 64;
	memcpy(ip6->src_addr, a6(GUEST6), 16);
	memcpy(ip6->dst_addr, a6(dst), 16);
	pay_fill(l4 + 8, seed, len);
	if (proto == IPPROTO_UDP) {
		struct rte_udp_hdr *uh = (struct rte_udp_hdr *)l4;

		uh->src_port = rte_cpu_to_be_16(port);
		uh->dst_port = rte_cpu_to_be_16(FAR_PORT);
		uh->dgram_len = rte_cpu_to_be_16((uint16_t)pl);
	} else {
		l4[0] = SL_ICMP6_ECHO_REQUEST;
		l4[4] = (uint8_t)(port >> 8);
		l4[5] = (uint8_t)port;
		l4[7] = 1;
	}
	ck = rte_ipv6_udptcp_cksum(ip6, l4);
	memcpy(l4 + (proto == IPPROTO_UDP ? 6 : 2), &ck, 2);
	return sizeof(*ip6) + pl;
}

/**
 * frag6_of - a guest frame holding bytes [@off, @off + @len) of the
 * payload of `dgram` behind a Fragment header (@mf: more follow; id @id),
 * after @ext (a destination options header before the Fragment header,
 * @ext_len bytes, next header 44) when not NULL.
 */
static struct rte_mbuf *
frag6_of(struct sl_test_env *env, uint32_t off, uint32_t len, bool mf,
	uint32_t id, const uint8_t *ext, uint16_t ext_len)
{
	static uint8_t l3[2048];
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;
	uint8_t *fh = l3 + sizeof(*ip6) + ext_len;
	uint16_t fd = (uint16_t)(off | (mf ? 1 : 0));

	memcpy(ip6, dgram, sizeof(*ip6));
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(ext_len + FH_LEN + len));
	ip6->proto = ext != NULL ? 60 : 44;
	if (ext != NULL)
		memcpy(l3 + sizeof(*ip6), ext, ext_len);
	fh[0] = ((struct rte_ipv6_hdr *)dgram)->proto;
	fh[1] = 0;
	fh[2] = (uint8_t)(fd >> 8);
	fh[3] = (uint8_t)fd;
	id = htonl(id);
	memcpy(fh + 4, &id, 4);
	memcpy(fh + FH_LEN, dgram + sizeof(*ip6) + off, len);
	return frame_of(env, l3, sizeof(*ip6) + ext_len + FH_LEN + len, 1);
}

/**
 * frags6_of - cut the payload of `dgram` (@tot bytes with the fixed
 * header) into fragments of @size bytes (a multiple of 8) with id @id,
 * into @m. Return: how many.
 */
static unsigned int
frags6_of(struct sl_test_env *env, uint32_t tot, uint32_t size, uint32_t id,
	struct rte_mbuf **m)
{
	uint32_t pay = tot - sizeof(struct rte_ipv6_hdr), off;
	unsigned int n = 0;

	for (off = 0; off < pay; off += size)
		m[n++] = frag6_of(env, off, RTE_MIN(size, pay - off),
			off + size < pay, id, NULL, 0);
	return n;
}

/**
 * cap_join6 - captured frames [@k, @k + @n) are the IPv6 fragments of one
 * datagram, in order: each fits @mtu, all carry one id, offsets follow
 * each other, M on all but the last. The datagram (the fixed header with
 * the Fragment header's next header, then all payload) goes to `got`.
 * Return: its length, or 0 when the frames are not such fragments.
 */
static uint32_t
cap_join6(struct sl_test_env *env, unsigned int k, unsigned int n,
	uint16_t mtu)
{
	uint32_t at = sizeof(struct rte_ipv6_hdr), id = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = env->cap.m[k + i];
		uint8_t h[RTE_ETHER_HDR_LEN + 48];
		const struct rte_ipv6_hdr *ip6 = (const void *)
			(h + RTE_ETHER_HDR_LEN);
		const uint8_t *fh = (const uint8_t *)(ip6 + 1);
		uint32_t pl, fid;
		uint16_t fd;
		const void *d;

		d = rte_pktmbuf_read(m, 0, sizeof(h), h);
		if (d == NULL)
			return 0;
		if (d != h)
			memcpy(h, d, sizeof(h));
		pl = rte_be_to_cpu_16(ip6->payload_len);
		fd = (uint16_t)(fh[2] << 8 | fh[3]);
		memcpy(&fid, fh + 4, 4);
		if (h[12] != 0x86 || h[13] != 0xdd || ip6->proto != 44 ||
		    rte_pktmbuf_pkt_len(m) != RTE_ETHER_HDR_LEN + 40 + pl ||
		    40 + pl > mtu || (fd & ~7u) != at - 40 ||
		    !(fd & 1) != (i + 1 == n) || (i > 0 && fid != id)) {
			fprintf(stderr, "  fragment %u of %u: len %u, fd %#x\n",
				i, n, pl, fd);
			return 0;
		}
		if (i == 0) {
			memcpy(got, ip6, 40);
			((struct rte_ipv6_hdr *)got)->proto = fh[0];
		}
		id = fid;
		d = rte_pktmbuf_read(m, RTE_ETHER_HDR_LEN + 48, pl - FH_LEN,
			got + at);
		if (d == NULL)
			return 0;
		if (d != got + at)
			memcpy(got + at, d, pl - FH_LEN);
		at += pl - FH_LEN;
	}
	return at;
}

/**
 * got6_is - `got` (@len bytes) is an IPv6 UDP datagram to @gport or an
 * ICMPv6 echo reply with id @gport, to the guest, checksum valid, carrying
 * pay_fill(@seed) of @plen bytes.
 */
static bool
got6_is(uint32_t len, uint8_t proto, uint16_t gport, unsigned int seed,
	uint32_t plen)
{
	static uint8_t want[DGRAM_MAX];
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)got;
	uint8_t *l4 = got + sizeof(*ip6);

	if (len != sizeof(*ip6) + 8 + plen || ip6->proto != proto ||
	    memcmp(ip6->dst_addr, a6(GUEST6), 16) != 0)
		return false;
	pay_fill(want, seed, plen);
	if (memcmp(l4 + 8, want, plen) != 0)
		return false;
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(len - sizeof(*ip6)));
	if (rte_ipv6_udptcp_cksum_verify(ip6, l4) != 0)
		return false;
	if (proto == IPPROTO_UDP)
		return (l4[2] << 8 | l4[3]) == gport;
	return l4[0] == SL_ICMP6_ECHO_REPLY && (l4[4] << 8 | l4[5]) == gport;
}

/** udp_hd - the in-memory socket of the guest's UDP flow to FAR6. */
static int
udp_hd(struct sl_test_env *env)
{
	union sl_sockaddr sa = sock6(FAR6, FAR_PORT);

	return sl_host_mem_find(env->host, SL_HOST_UDP, &sa);
}

/**
 * pool_back - every mbuf of the worker's pool is back (@avail before) once
 * the captured frames (router advertisements after a clock jump) are let
 * go: nothing held, nothing leaked.
 */
static bool
pool_back(struct sl_test_env *env, unsigned int avail)
{
	sl_test_cap_clear(env);
	return rte_mempool_avail_count(env->w.mp) == avail;
}

SL_TEST(frag6_guest_udp_reassembled)
{
	/* a destination options header (PadN) before the Fragment header */
	static const uint8_t dopt[8] = { 44, 0, 1, 4, 0, 0, 0, 0 };
	static uint8_t want[4000];
	struct rte_mbuf *fr[8], *pk[8];
	struct sl_test_env env;
	unsigned int n, avail;
	uint32_t tot;
	int hd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	avail = rte_mempool_avail_count(env.w.mp);
	/* 4008 bytes of UDP from a guest at MTU 1500: 1448 + 1448 + 1112,
	 * in order */
	tot = guest_dgram6(IPPROTO_UDP, FAR6, 40000, 4000, 1);
	n = frags6_of(&env, tot, 1448, 0x10001, fr);
	SL_CHECK_EQ(n, 3);
	sl_worker_step(&env.w, fr, 3);
	SL_CHECK_EQ(ctr(&env, "ip6_frag_rx"), 3);
	SL_CHECK_EQ(ctr(&env, "ip6_reasm_ok"), 1);
	hd = udp_hd(&env);
	SL_CHECK(hd >= 0);
	pay_fill(want, 1, 4000);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, got, sizeof(got)),
		4000);
	SL_CHECK(memcmp(got, want, 4000) == 0);
	/* out of order, the middle one chained in three segments, the first
	 * behind a destination options header */
	tot = guest_dgram6(IPPROTO_UDP, FAR6, 40000, 4000, 2);
	n = frags6_of(&env, tot, 1448, 0x10002, fr);
	pk[0] = fr[2];
	pk[1] = frame_of(&env, rte_pktmbuf_mtod_offset(fr[1], uint8_t *,
		RTE_ETHER_HDR_LEN), rte_pktmbuf_pkt_len(fr[1]) -
		RTE_ETHER_HDR_LEN, 3);
	rte_pktmbuf_free(fr[1]);
	rte_pktmbuf_free(fr[0]);
	pk[2] = frag6_of(&env, 0, 1448, true, 0x10002, dopt, sizeof(dopt));
	SL_CHECK(pk[1] != NULL && pk[1]->nb_segs == 3);
	sl_worker_step(&env.w, pk, 3);
	SL_CHECK_EQ(ctr(&env, "ip6_reasm_ok"), 2);
	pay_fill(want, 2, 4000);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, got, sizeof(got)),
		4000);
	SL_CHECK(memcmp(got, want, 4000) == 0);
	SL_CHECK_EQ(ctr(&env, "udp_to_host"), 2);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 0);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_frag"), 0);
	SL_CHECK(pool_back(&env, avail));
	sl_test_env_fini(&env);
}

SL_TEST(frag6_atomic_fragment_is_a_datagram)
{
	struct rte_mbuf *m;
	struct sl_test_env env;
	uint32_t tot;
	int hd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	/* offset 0, M clear (RFC 6946): no reassembly, relayed at once */
	tot = guest_dgram6(IPPROTO_UDP, FAR6, 40001, 100, 3);
	m = frag6_of(&env, 0, tot - 40, false, 0x20001, NULL, 0);
	sl_worker_step(&env.w, &m, 1);
	SL_CHECK_EQ(ctr(&env, "ip6_frag_rx"), 0);
	SL_CHECK_EQ(ctr(&env, "udp_to_host"), 1);
	hd = udp_hd(&env);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, got, sizeof(got)),
		100);
	SL_CHECK(memcmp(got, dgram + 48, 100) == 0);
	sl_test_env_fini(&env);
}

SL_TEST(frag6_guest_echo_reassembled_relayed_and_answered)
{
	union sl_sockaddr far = sock6(FAR6, 0);
	struct rte_mbuf *fr[8];
	struct sl_test_env env;
	unsigned int n;
	uint32_t tot;
	int hd;

	SL_CHECK(env6_init(&env, NULL) == 0);
	/* ping -6 -s 4000 to a far host: one 4008-byte message on the
	 * host's ICMPv6 socket */
	tot = guest_dgram6(IPPROTO_ICMPV6, FAR6, 0x99, 4000, 4);
	n = frags6_of(&env, tot, 1448, 0x30001, fr);
	sl_worker_step(&env.w, fr, (uint16_t)n);
	SL_CHECK_EQ(ctr(&env, "ip6_reasm_ok"), 1);
	SL_CHECK_EQ(ctr(&env, "icmp_relayed"), 1);
	hd = sl_host_mem_find(env.host, SL_HOST_ICMP, &far);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, got, sizeof(got)),
		4008);
	SL_CHECK(memcmp(got + 8, dgram + 48, 4000) == 0);
	/* the far host's 4008-byte reply: to the guest in three fragments */
	dgram[40] = SL_ICMP6_ECHO_REPLY;
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, dgram + 40, 4008,
		NULL), 0);
	sl_worker_step(&env.w, NULL, 0);
	SL_CHECK_EQ(ctr(&env, "icmp_replies"), 1);
	SL_CHECK_EQ(env.cap.n, 3);
	SL_CHECK_EQ(ctr(&env, "ip6_frag_tx"), 3);
	SL_CHECK(got6_is(cap_join6(&env, 0, 3, 1500), IPPROTO_ICMPV6, 0x99, 4,
		4000));
	sl_test_cap_clear(&env);
	/* the same ping to the gateway: answered locally, in fragments */
	tot = guest_dgram6(IPPROTO_ICMPV6, GW6, 0x9a, 4000, 5);
	n = frags6_of(&env, tot, 1448, 0x30002, fr);
	sl_worker_step(&env.w, fr, (uint16_t)n);
	SL_CHECK_EQ(ctr(&env, "icmp6_echo_local"), 1);
	SL_CHECK_EQ(env.cap.n, 3);
	SL_CHECK(got6_is(cap_join6(&env, 0, 3, 1500), IPPROTO_ICMPV6, 0x9a, 5,
		4000));
	SL_CHECK_EQ(ctr(&env, "drop_icmp6"), 0);
	sl_test_env_fini(&env);
}

SL_TEST(frag6_udp_to_guest_in_fragments)
{
	static uint8_t pay[6000];
	struct sl_test_env env;
	struct rte_mbuf *m;
	unsigned int avail, mseg, i;
	uint32_t id0, id1;
	int hd;

	for (mseg = 0; mseg < 2; mseg++) {
		SL_CHECK(env6_init(&env, NULL) == 0);
		env.w.multiseg = mseg == 0;
		avail = rte_mempool_avail_count(env.w.mp);
		m = frame_of(&env, dgram, guest_dgram6(IPPROTO_UDP, FAR6,
			40002, 8, 6), 1);
		sl_worker_step(&env.w, &m, 1);
		hd = udp_hd(&env);
		SL_CHECK(hd >= 0);
		/* two datagrams of 6000 bytes: 6008 with the UDP header, five
		 * fragments each at MTU 1500 (1448 bytes of payload each) */
		for (i = 0; i < 2; i++) {
			pay_fill(pay, 20 + i, sizeof(pay));
			SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, pay,
				sizeof(pay), NULL), 0);
		}
		sl_worker_step(&env.w, NULL, 0);
		SL_CHECK_EQ(env.cap.n, 10);
		SL_CHECK_EQ(ctr(&env, "ip6_frag_tx"), 10);
		SL_CHECK_EQ(ctr(&env, "udp_to_guest"), 2);
		SL_CHECK_EQ(ctr(&env, "drop_udp6_too_big"), 0);
		for (i = 0; i < 2; i++)
			SL_CHECK(got6_is(cap_join6(&env, 5 * i, 5, 1500),
				IPPROTO_UDP, 40002, 20 + i, sizeof(pay)));
		/* each datagram its own identification */
		memcpy(&id0, rte_pktmbuf_mtod_offset(env.cap.m[0], uint8_t *,
			RTE_ETHER_HDR_LEN + 44), 4);
		memcpy(&id1, rte_pktmbuf_mtod_offset(env.cap.m[5], uint8_t *,
			RTE_ETHER_HDR_LEN + 44), 4);
		SL_CHECK(id0 != id1);
		for (i = 0; i < env.cap.n; i++)
			SL_CHECK(mseg == 0 || env.cap.m[i]->nb_segs == 1);
		sl_test_cap_clear(&env);
		SL_CHECK(pool_back(&env, avail));
		sl_test_env_fini(&env);
	}
}

SL_TEST(frag6_hostile_overlap_and_duplicates)
{
	struct rte_mbuf *pk[4];
	struct sl_test_env env;
	unsigned int avail;

	SL_CHECK(env6_init(&env, NULL) == 0);
	avail = rte_mempool_avail_count(env.w.mp);
	guest_dgram6(IPPROTO_UDP, FAR6, 40003, 3000, 7);
	/* the first fragment twice: the whole datagram goes (RFC 5722) */
	pk[0] = frag6_of(&env, 0, 1448, true, 0x40001, NULL, 0);
	pk[1] = frag6_of(&env, 0, 1448, true, 0x40001, NULL, 0);
	sl_worker_step(&env.w, pk, 2);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 2);
	/* overlapping middle: more bytes than the datagram has */
	pk[0] = frag6_of(&env, 0, 1448, true, 0x40002, NULL, 0);
	pk[1] = frag6_of(&env, 1000, 1448, true, 0x40002, NULL, 0);
	pk[2] = frag6_of(&env, 2448, 560, false, 0x40002, NULL, 0);
	sl_worker_step(&env.w, pk, 3);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 5);
	/* overlap and hole adding up to the right length */
	pk[0] = frag6_of(&env, 0, 1448, true, 0x40003, NULL, 0);
	pk[1] = frag6_of(&env, 1440, 1448, true, 0x40003, NULL, 0);
	pk[2] = frag6_of(&env, 2896, 112, false, 0x40003, NULL, 0);
	sl_worker_step(&env.w, pk, 3);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 8);
	/* overlap that never adds up: held until the timeout */
	pk[0] = frag6_of(&env, 0, 1448, true, 0x40004, NULL, 0);
	pk[1] = frag6_of(&env, 8, 1448, true, 0x40004, NULL, 0);
	sl_worker_step(&env.w, pk, 2);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 8);
	settle(&env);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 10);
	SL_CHECK_EQ(ctr(&env, "ip6_frag_rx"), 10);
	SL_CHECK_EQ(ctr(&env, "ip6_reasm_ok"), 0);
	SL_CHECK_EQ(ctr(&env, "udp_to_host"), 0);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm"), 0);
	SL_CHECK(pool_back(&env, avail));
	sl_test_env_fini(&env);
}

SL_TEST(frag6_hostile_malformed_and_tiny_first)
{
	/* a destination options header in the fragmentable part: the
	 * first fragment of 8 bytes holds it, the UDP header is in the next */
	static const uint8_t dopt_udp[16] = { IPPROTO_UDP, 0, 1, 4 };
	struct rte_mbuf *pk[8];
	struct sl_test_env env;
	unsigned int avail;

	SL_CHECK(env6_init(&env, NULL) == 0);
	avail = rte_mempool_avail_count(env.w.mp);
	guest_dgram6(IPPROTO_UDP, FAR6, 40004, 3000, 8);
	/* ends past 65535; no payload; a non-last one of 13 bytes */
	pk[0] = frag6_of(&env, 65528, 16, false, 0x50001, NULL, 0);
	pk[1] = frag6_of(&env, 0, 0, true, 0x50002, NULL, 0);
	pk[2] = frag6_of(&env, 0, 13, true, 0x50003, NULL, 0);
	/* ending at 65535 exactly: held */
	pk[3] = frag6_of(&env, 65528, 7, false, 0x50007, NULL, 0);
	sl_worker_step(&env.w, pk, 4);
	SL_CHECK_EQ(ctr(&env, "ip6_frag_rx"), 4);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_frag"), 3);
	/* RFC 7112: a first fragment of just the 8-byte UDP header is
	 * whole (held); one holding an option header but not the UDP
	 * header after it is not */
	pk[0] = frag6_of(&env, 0, 8, true, 0x50004, NULL, 0);
	memcpy(dgram + 40, dopt_udp, 8);
	dgram[6] = 60;
	pk[1] = frag6_of(&env, 0, 8, true, 0x50005, NULL, 0);
	dgram[6] = IPPROTO_UDP;
	sl_worker_step(&env.w, pk, 2);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_frag_chain"), 1);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_frag"), 3);
	settle(&env);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 2);
	/* a first fragment with 16 of TCP's 20 header bytes */
	guest_dgram6(IPPROTO_TCP, FAR6, 40004, 100, 8);
	pk[0] = frag6_of(&env, 0, 16, true, 0x50006, NULL, 0);
	sl_worker_step(&env.w, pk, 1);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_frag_chain"), 2);
	SL_CHECK_EQ(ctr(&env, "ip6_reasm_ok"), 0);
	SL_CHECK(pool_back(&env, avail));
	sl_test_env_fini(&env);
}

SL_TEST(frag6_hostile_too_many_and_timeout)
{
	struct rte_mbuf *pk[16];
	struct sl_test_env env;
	unsigned int avail, i;
	uint32_t tot;

	SL_CHECK(env6_init(&env, NULL) == 0);
	avail = rte_mempool_avail_count(env.w.mp);
	/* 10 fragments of 8 bytes: more than rte_ip_frag keeps (8) */
	tot = guest_dgram6(IPPROTO_UDP, FAR6, 40005, 72, 9);
	SL_CHECK_EQ(frags6_of(&env, tot, 8, 0x60001, pk), 10);
	sl_worker_step(&env.w, pk, 10);
	settle(&env);
	SL_CHECK_EQ(ctr(&env, "ip6_frag_rx"), 10);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 10);
	SL_CHECK(pool_back(&env, avail));
	/* the first two of three, then nothing: gone after the timeout */
	tot = guest_dgram6(IPPROTO_UDP, FAR6, 40005, 3000, 9);
	SL_CHECK_EQ(frags6_of(&env, tot, 1448, 0x60002, pk), 3);
	sl_worker_step(&env.w, pk, 2);
	env.w.now_ms += SL_FRAG_TIMEOUT_MS - 1;
	sl_worker_step(&env.w, NULL, 0);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 10);
	settle(&env);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 12);
	/* the last, too late: held alone, then dropped too */
	sl_worker_step(&env.w, &pk[2], 1);
	settle(&env);
	SL_CHECK_EQ(ctr(&env, "drop_ip6_reasm"), 13);
	SL_CHECK(pool_back(&env, avail));
	/* 8 are fine */
	tot = guest_dgram6(IPPROTO_UDP, FAR6, 40005, 56, 9);
	SL_CHECK_EQ(frags6_of(&env, tot, 8, 0x60003, pk), 8);
	for (i = 0; i < 8; i++)
		sl_worker_step(&env.w, &pk[7 - i], 1);
	SL_CHECK_EQ(ctr(&env, "ip6_reasm_ok"), 1);
	SL_CHECK_EQ(ctr(&env, "udp_to_host"), 1);
	sl_test_env_fini(&env);
}

SL_TEST(frag6_steered_to_the_flow_owner)
{
	union sl_sockaddr sa = sock6(FAR6, FAR_PORT);
	struct sl_steer *s = sl_test_steer_new(2);
	struct sl_test_env e0, e1;
	struct rte_mbuf *fr[8];
	struct sl_flow_key k;
	struct sl_addr g, d;
	uint16_t gport;
	uint32_t tot;
	int hd;

	SL_CHECK(s != NULL);
	/* sl_test_env_pair() with IPv6 on */
	SL_CHECK(env6_init(&e0, NULL) == 0 && env6_init(&e1, NULL) == 0);
	e0.w.steer = s;
	e0.w.queue_id = 0;
	e1.w.steer = s;
	e1.w.queue_id = 1;
	memcpy(g.b, a6(GUEST6), 16);
	memcpy(d.b, a6(FAR6), 16);
	for (gport = 40000; ; gport++) {
		k = sl_flow_key_make6(IPPROTO_UDP, &g, htons(gport), &d,
			htons(FAR_PORT));
		if (sl_steer_mine(&e1.w, &k))
			break;
	}
	tot = guest_dgram6(IPPROTO_UDP, FAR6, gport, 4000, 10);
	SL_CHECK_EQ(frags6_of(&e0, tot, 1448, 0x70001, fr), 3);
	SL_CHECK(steer_frags(&e0, &e1, s, fr, "ip6_reasm_ok"));
	hd = sl_host_mem_find(e1.host, SL_HOST_UDP, &sa);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(e1.host, hd, got, sizeof(got)),
		4000);
	SL_CHECK(memcmp(got, dgram + 48, 4000) == 0);
	sl_test_env_pair_fini(&e0, &e1, s);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
