/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_frag.c: IPv4 fragments both ways (lib/frag/sl_frag.c) on the
 * in-memory host. Toward the guest: UDP datagrams, local echo replies and
 * relayed echo replies longer than the link leave in fragments no longer
 * than tx_mtu that reassemble to the original (chains or single mbufs);
 * DF drops. From the guest: fragments of UDP and ICMP datagrams, in any
 * order, chained or padded, are reassembled before the relay sees them;
 * hostile sets (overlap, duplicates, oversized, malformed, too many
 * fragments, never completed, thousands of ids) are dropped and counted
 * and never leak; on a multi-queue port the datagram reaches the worker
 * owning its flow. Counters are read by name, as telemetry shows them.
 */
#include <arpa/inet.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "sl_frag.h"
#include "sl_host_mem.h"
#include "sl_net.h"
#include "sl_steer.h"
#include "sl_test.h"

#include "frag_util.h"

#define FAR_ADDR RTE_IPV4(203u, 0, 113, 7)	/* host order */
#define FAR_PORT 9


/** far_sa - where a guest datagram to FAR_ADDR:FAR_PORT goes. */
static union sl_sockaddr
far_sa(void)
{
	union sl_sockaddr sa = { .in.sin_family = AF_INET,
		.in.sin_port = htons(FAR_PORT),
		.in.sin_addr.s_addr = htonl(FAR_ADDR) };

	return sa;
}

/**
 * guest_dgram - build in `dgram` a guest IPv4 datagram (no Ethernet) to
 * @daddr (host order): UDP from @port to @dport, or an ICMP echo request
 * with id @port (@proto IPPROTO_ICMP), carrying @len bytes of pay_fill(@seed).
 * Return: its length.
 */
static uint32_t
guest_dgram(const struct sl_test_env *env, uint8_t proto, uint32_t daddr,
	uint16_t port, uint16_t dport, uint32_t len, unsigned int seed)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)dgram;
	uint8_t *l4 = dgram + sizeof(*ip);
	uint32_t hl = proto == IPPROTO_UDP ? sizeof(struct rte_udp_hdr) :
		sizeof(struct rte_icmp_hdr);
	uint32_t tot = sizeof(*ip) + hl + len;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)tot);
	ip->packet_id = rte_cpu_to_be_16((uint16_t)(0x4000 + seed));
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = env->cfg.guest_addr;
	ip->dst_addr = rte_cpu_to_be_32(daddr);
	pay_fill(l4 + hl, seed, len);
	if (proto == IPPROTO_UDP) {
		struct rte_udp_hdr *uh = (struct rte_udp_hdr *)l4;

		uh->src_port = rte_cpu_to_be_16(port);
		uh->dst_port = rte_cpu_to_be_16(dport);
		uh->dgram_len = rte_cpu_to_be_16((uint16_t)(hl + len));
		uh->dgram_cksum = 0;
		uh->dgram_cksum = rte_ipv4_udptcp_cksum(ip, uh);
	} else {
		struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)l4;

		memset(ic, 0, sizeof(*ic));
		ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
		ic->icmp_ident = rte_cpu_to_be_16(port);
		ic->icmp_seq_nb = rte_cpu_to_be_16(1);
		ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, hl + len);
	}
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return tot;
}

/**
 * frag_of - a guest frame holding bytes [@off, @off + @len) of the payload
 * of `dgram` as a fragment (@mf: more follow), with IPv4 id @id; @pad bytes
 * of Ethernet padding after it.
 */
static struct rte_mbuf *
frag_of(struct sl_test_env *env, uint32_t off, uint32_t len, bool mf,
	uint16_t id, uint32_t pad)
{
	static uint8_t l3[2048];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;

	memcpy(ip, dgram, sizeof(*ip));
	memcpy(ip + 1, dgram + sizeof(*ip) + off, len);
	memset((uint8_t *)(ip + 1) + len, 0xee, pad);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + len));
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = rte_cpu_to_be_16((uint16_t)((off / 8) |
		(mf ? RTE_IPV4_HDR_MF_FLAG : 0)));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return frame_of(env, l3, sizeof(*ip) + len + pad, 1);
}

/**
 * frags_of - cut the payload of `dgram` (@tot bytes with the header) into
 * fragments of @size bytes (a multiple of 8) with id @id, into @m.
 * Return: how many.
 */
static unsigned int
frags_of(struct sl_test_env *env, uint32_t tot, uint32_t size, uint16_t id,
	struct rte_mbuf **m)
{
	uint32_t pay = tot - sizeof(struct rte_ipv4_hdr), off;
	unsigned int n = 0;

	for (off = 0; off < pay; off += size)
		m[n++] = frag_of(env, off, RTE_MIN(size, pay - off),
			off + size < pay, id, 0);
	return n;
}

/**
 * cap_join - captured frames [@k, @k + @n) are the fragments of one
 * datagram, in order: each fits @mtu, all carry one id, offsets follow
 * each other, MF on all but the last. The datagram (first header, all
 * payload) goes to `got`.
 * Return: its length, or 0 when the frames are not such fragments.
 */
static uint32_t
cap_join(struct sl_test_env *env, unsigned int k, unsigned int n,
	uint16_t mtu)
{
	uint32_t at = sizeof(struct rte_ipv4_hdr);
	const void *d;
	unsigned int i;
	uint16_t id = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = env->cap.m[k + i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
		uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
		uint32_t len = rte_be_to_cpu_16(ip->total_length);

		if (rte_pktmbuf_pkt_len(m) != RTE_ETHER_HDR_LEN + len ||
		    len > mtu || rte_ipv4_cksum(ip) != 0 ||
		    (fo & RTE_IPV4_HDR_OFFSET_MASK) * 8u !=
		    at - sizeof(*ip) ||
		    !(fo & RTE_IPV4_HDR_MF_FLAG) != (i + 1 == n) ||
		    (i > 0 && ip->packet_id != id)) {
			fprintf(stderr, "  fragment %u of %u: len %u, fo %#x\n",
				i, n, len, fo);
			return 0;
		}
		if (i == 0)
			memcpy(got, ip, sizeof(*ip));
		id = ip->packet_id;
		d = rte_pktmbuf_read(m, RTE_ETHER_HDR_LEN + sizeof(*ip),
			len - sizeof(*ip), got + at);
		if (d == NULL)
			return 0;
		if (d != got + at)
			memcpy(got + at, d, len - sizeof(*ip));
		at += len - sizeof(*ip);
	}
	return at;
}

/**
 * got_is - `got` (@len bytes) is a UDP datagram from @sport to @gport, or
 * an ICMP echo reply with id @gport, with a valid checksum, carrying
 * pay_fill(@seed) of @plen bytes.
 */
static bool
got_is(uint32_t len, uint8_t proto, uint16_t sport, uint16_t gport,
	unsigned int seed, uint32_t plen)
{
	static uint8_t want[DGRAM_MAX];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)got;
	uint32_t hl = sizeof(*ip) + (proto == IPPROTO_UDP ?
		sizeof(struct rte_udp_hdr) : sizeof(struct rte_icmp_hdr));

	if (len != hl + plen || ip->next_proto_id != proto)
		return false;
	pay_fill(want, seed, plen);
	if (memcmp(got + hl, want, plen) != 0)
		return false;
	/* as the guest reassembled it: whole length, no fragment bits */
	ip->total_length = rte_cpu_to_be_16((uint16_t)len);
	if (proto == IPPROTO_UDP) {
		const struct rte_udp_hdr *uh = (const void *)(ip + 1);

		return uh->src_port == rte_cpu_to_be_16(sport) &&
			uh->dst_port == rte_cpu_to_be_16(gport) &&
			rte_ipv4_udptcp_cksum_verify(ip, uh) == 0;
	}
	{
		const struct rte_icmp_hdr *ic = (const void *)(ip + 1);

		return ic->icmp_type == RTE_IP_ICMP_ECHO_REPLY &&
			ic->icmp_ident == rte_cpu_to_be_16(gport) &&
			rte_raw_cksum(ic, len - sizeof(*ip)) == 0xffff;
	}
}

/** open_udp - the guest's first datagram to FAR opens the flow: its hd. */
static int
open_udp(struct sl_test_env *env, uint16_t gport)
{
	union sl_sockaddr sa = far_sa();
	struct rte_mbuf *m = sl_test_udp_frame(env, &sl_test_guest_mac,
		rte_be_to_cpu_32(env->cfg.guest_addr), gport, FAR_ADDR,
		FAR_PORT, "hi", 2);

	step(env, &m, 1);
	return sl_host_mem_find(env->host, SL_HOST_UDP, &sa);
}

SL_TEST(frag_udp_to_guest_in_fragments)
{
	static uint8_t pay[8000];
	struct sl_test_env env;
	unsigned int avail, mseg, i;
	uint16_t id0;
	int hd;

	for (mseg = 0; mseg < 2; mseg++) {
		SL_CHECK(sl_test_env_init(&env, NULL) == 0);
		env.w.multiseg = mseg == 0;
		avail = rte_mempool_avail_count(env.w.mp);
		hd = open_udp(&env, 40000);
		SL_CHECK(hd >= 0);
		SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, got, 16), 2);
		/* two datagrams of 8000 bytes: 8008 with the UDP header, six
		 * fragments each at MTU 1500 */
		for (i = 0; i < 2; i++) {
			pay_fill(pay, i, sizeof(pay));
			SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, pay,
				sizeof(pay), NULL), 0);
		}
		step(&env, NULL, 0);
		SL_CHECK_EQ(env.cap.n, 12);
		SL_CHECK_EQ(ctr(&env, "ip_frag_tx"), 12);
		SL_CHECK_EQ(ctr(&env, "udp_to_guest"), 2);
		SL_CHECK_EQ(ctr(&env, "drop_udp"), 0);
		for (i = 0; i < 2; i++) {
			uint32_t len = cap_join(&env, 6 * i, 6, 1500);

			SL_CHECK(got_is(len, IPPROTO_UDP, FAR_PORT, 40000, i,
				sizeof(pay)));
			/* DF cleared on what had to be cut */
			SL_CHECK_EQ(((struct rte_ipv4_hdr *)got)->fragment_offset
				& RTE_BE16(RTE_IPV4_HDR_DF_FLAG), 0);
		}
		/* each datagram its own id */
		id0 = rte_pktmbuf_mtod_offset(env.cap.m[0],
			struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN)->packet_id;
		SL_CHECK(id0 != rte_pktmbuf_mtod_offset(env.cap.m[6],
			struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN)->packet_id);
		/* no multi-segment tx: one mbuf per fragment */
		for (i = 0; i < env.cap.n; i++)
			SL_CHECK(mseg == 0 || env.cap.m[i]->nb_segs == 1);
		sl_test_cap_clear(&env);
		SL_CHECK_EQ(rte_mempool_avail_count(env.w.mp), avail);
		sl_test_env_fini(&env);
	}
}

SL_TEST(frag_tx_mtu_below_guest_mtu)
{
	static uint8_t pay[3000];
	struct sl_test_env_opts o = { .mtu = 9000 };
	struct sl_test_env env;
	unsigned int i;
	int hd;

	/* net_tap: the guest has MTU 65520 (here 9000), the port sends 1500 */
	SL_CHECK(sl_test_env_init_opts(&env, NULL, &o) == 0);
	env.w.tx_mtu = 1500;
	hd = open_udp(&env, 40001);
	SL_CHECK(hd >= 0);
	pay_fill(pay, 3, sizeof(pay));
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, pay, 1472, NULL), 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, pay, 1473, NULL), 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, pay, sizeof(pay),
		NULL), 0);
	step(&env, NULL, 0);
	/* 1500 bytes fit; 1501 in two; 3028 in three */
	SL_CHECK_EQ(env.cap.n, 6);
	for (i = 0; i < env.cap.n; i++)
		SL_CHECK(rte_pktmbuf_pkt_len(env.cap.m[i]) <=
			1500 + RTE_ETHER_HDR_LEN);
	SL_CHECK_EQ(ctr(&env, "ip_frag_tx"), 5);
	SL_CHECK(got_is(cap_join(&env, 3, 3, 1500), IPPROTO_UDP, FAR_PORT,
		40001, 3, sizeof(pay)));
	sl_test_env_fini(&env);
}

SL_TEST(frag_echo_replies_in_fragments)
{
	union sl_sockaddr sa = far_sa();
	struct rte_mbuf *m;
	struct sl_test_env env;
	struct rte_icmp_hdr *ic;
	uint32_t tot;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	/* a 3000-byte ping to the gateway in one (chained) frame, as from a
	 * guest at MTU 65520 on net_tap: the reply leaves in three pieces */
	tot = guest_dgram(&env, IPPROTO_ICMP, rte_be_to_cpu_32(env.cfg.gateway),
		0x77, 0, 3000, 5);
	((struct rte_ipv4_hdr *)dgram)->fragment_offset =
		RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	((struct rte_ipv4_hdr *)dgram)->hdr_checksum = 0;
	((struct rte_ipv4_hdr *)dgram)->hdr_checksum =
		rte_ipv4_cksum((struct rte_ipv4_hdr *)dgram);
	m = frame_of(&env, dgram, tot, 2);
	SL_CHECK(m != NULL);
	step(&env, &m, 1);
	SL_CHECK_EQ(ctr(&env, "icmp_echo_local"), 1);
	SL_CHECK_EQ(env.cap.n, 3);
	SL_CHECK(got_is(cap_join(&env, 0, 3, 1500), IPPROTO_ICMP, 0, 0x77, 5,
		3000));
	sl_test_cap_clear(&env);
	/* a relayed ping: the far host's 3000-byte reply, same again */
	tot = guest_dgram(&env, IPPROTO_ICMP, FAR_ADDR, 0x78, 0, 100, 6);
	m = frame_of(&env, dgram, tot, 1);
	step(&env, &m, 1);
	hd = sl_host_mem_find(env.host, SL_HOST_ICMP, &sa);
	SL_CHECK(hd >= 0);
	guest_dgram(&env, IPPROTO_ICMP, FAR_ADDR, 0x1234, 0, 3000, 6);
	ic = (struct rte_icmp_hdr *)(dgram + sizeof(struct rte_ipv4_hdr));
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, ic,
		sizeof(*ic) + 3000, NULL), 0);
	step(&env, NULL, 0);
	SL_CHECK_EQ(ctr(&env, "icmp_replies"), 1);
	SL_CHECK_EQ(env.cap.n, 3);
	SL_CHECK(got_is(cap_join(&env, 0, 3, 1500), IPPROTO_ICMP, 0, 0x78, 6,
		3000));
	SL_CHECK_EQ(ctr(&env, "drop_icmp"), 0);
	sl_test_env_fini(&env);
}

SL_TEST(frag_df_is_honoured)
{
	struct sl_test_env env;
	struct rte_mbuf *m;
	unsigned int i;
	uint32_t tot;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	/* a 1600-byte datagram with DF toward a 1500 link: dropped; the same
	 * as sluice's own datagram: DF cleared, two fragments */
	tot = guest_dgram(&env, IPPROTO_UDP, FAR_ADDR, 1, 2, 1572, 7);
	((struct rte_ipv4_hdr *)dgram)->fragment_offset =
		RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	for (i = 0; i < 2; i++) {
		m = frame_of(&env, dgram, tot, 1);
		SL_CHECK(m != NULL);
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = sizeof(struct rte_ipv4_hdr);
		if (i == 0)
			sl_frag_tx(&env.w, m);
		else
			sl_frag_tx_dgram(&env.w, m);
		SL_CHECK_EQ(env.w.n_tx, 2 * i);
		SL_CHECK_EQ(ctr(&env, "drop_frag_df"), 1);
		SL_CHECK_EQ(ctr(&env, "ip_frag_tx"), 2 * i);
	}
	sl_test_env_fini(&env);
}

SL_TEST(frag_guest_udp_reassembled)
{
	static uint8_t want[4000];
	union sl_sockaddr sa = far_sa();
	struct rte_mbuf *fr[8], *pk[8];
	struct sl_test_env env;
	unsigned int n, avail;
	uint32_t tot;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	avail = rte_mempool_avail_count(env.w.mp);
	/* a guest at MTU 1500 sends 4000 bytes: 1480 + 1480 + 1048, last
	 * first, the middle one chained */
	tot = guest_dgram(&env, IPPROTO_UDP, FAR_ADDR, 40002, FAR_PORT, 4000,
		8);
	n = frags_of(&env, tot, 1480, 0x1111, fr);
	SL_CHECK_EQ(n, 3);
	pk[0] = fr[2];
	pk[1] = frame_of(&env, rte_pktmbuf_mtod_offset(fr[1], uint8_t *,
		RTE_ETHER_HDR_LEN), rte_pktmbuf_pkt_len(fr[1]) -
		RTE_ETHER_HDR_LEN, 3);
	rte_pktmbuf_free(fr[1]);
	pk[2] = fr[0];
	SL_CHECK(pk[1] != NULL && pk[1]->nb_segs == 3);
	step(&env, pk, 3);
	SL_CHECK_EQ(ctr(&env, "ip_frag_rx"), 3);
	SL_CHECK_EQ(ctr(&env, "ip_reasm_ok"), 1);
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &sa);
	SL_CHECK(hd >= 0);
	pay_fill(want, 8, 4000);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, got, sizeof(got)),
		4000);
	SL_CHECK(memcmp(got, want, 4000) == 0);
	/* a last fragment of 8 bytes, padded to Ethernet's minimum */
	tot = guest_dgram(&env, IPPROTO_UDP, FAR_ADDR, 40002, FAR_PORT, 1480,
		9);
	pk[0] = frag_of(&env, 0, 1480, true, 0x1112, 0);
	pk[1] = frag_of(&env, 1480, 8, false, 0x1112, 18);
	step(&env, pk, 2);
	SL_CHECK_EQ(ctr(&env, "ip_reasm_ok"), 2);
	pay_fill(want, 9, 1480);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, got, sizeof(got)),
		1480);
	SL_CHECK(memcmp(got, want, 1480) == 0);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm"), 0);
	SL_CHECK_EQ(rte_mempool_avail_count(env.w.mp), avail);
	sl_test_env_fini(&env);
}

SL_TEST(frag_guest_ping_reassembled_and_answered)
{
	union sl_sockaddr sa = far_sa();
	struct rte_mbuf *fr[8];
	struct sl_test_env env;
	unsigned int n;
	uint32_t tot;
	int hd;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	/* ping -s 3000 to the gateway from a guest at MTU 1500 */
	tot = guest_dgram(&env, IPPROTO_ICMP, rte_be_to_cpu_32(env.cfg.gateway),
		0x99, 0, 3000, 10);
	n = frags_of(&env, tot, 1480, 0x2222, fr);
	SL_CHECK_EQ(n, 3);
	step(&env, fr, (uint16_t)n);
	SL_CHECK_EQ(ctr(&env, "ip_reasm_ok"), 1);
	SL_CHECK_EQ(ctr(&env, "icmp_echo_local"), 1);
	SL_CHECK_EQ(env.cap.n, 3);
	SL_CHECK(got_is(cap_join(&env, 0, 3, 1500), IPPROTO_ICMP, 0, 0x99, 10,
		3000));
	/* the same to the far host: one 3008-byte message on its socket */
	tot = guest_dgram(&env, IPPROTO_ICMP, FAR_ADDR, 0x9a, 0, 3000, 11);
	n = frags_of(&env, tot, 1480, 0x2223, fr);
	step(&env, fr, (uint16_t)n);
	hd = sl_host_mem_find(env.host, SL_HOST_ICMP, &sa);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(env.host, hd, got, sizeof(got)),
		3008);
	SL_CHECK(memcmp(got, dgram + sizeof(struct rte_ipv4_hdr), 3008) == 0);
	sl_test_env_fini(&env);
}

/**
 * nothing_through - no guest fragment made a datagram (nothing reached
 * the host) and every mbuf is back in the pool (@avail before).
 */
static bool
nothing_through(const struct sl_test_env *env, unsigned int avail)
{
	return ctr(env, "ip_reasm_ok") == 0 && ctr(env, "udp_to_host") == 0 &&
		rte_mempool_avail_count(env->w.mp) == avail;
}

SL_TEST(frag_hostile_overlap_and_duplicates)
{
	struct sl_test_env_opts o = { .manual_clock = true };
	struct rte_mbuf *pk[4];
	struct sl_test_env env;
	unsigned int avail;

	SL_CHECK(sl_test_env_init_opts(&env, NULL, &o) == 0);
	avail = rte_mempool_avail_count(env.w.mp);
	guest_dgram(&env, IPPROTO_UDP, FAR_ADDR, 40003, FAR_PORT, 3000, 12);
	/* the first fragment twice */
	pk[0] = frag_of(&env, 0, 1480, true, 0x3001, 0);
	pk[1] = frag_of(&env, 0, 1480, true, 0x3001, 0);
	sl_worker_step(&env.w, pk, 2);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm"), 2);
	/* overlapping middle: more bytes than the datagram has */
	pk[0] = frag_of(&env, 0, 1480, true, 0x3002, 0);
	pk[1] = frag_of(&env, 1000, 1480, true, 0x3002, 0);
	pk[2] = frag_of(&env, 2480, 528, false, 0x3002, 0);
	sl_worker_step(&env.w, pk, 3);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm"), 5);
	/* overlap and hole adding up to the right length */
	pk[0] = frag_of(&env, 0, 1480, true, 0x3003, 0);
	pk[1] = frag_of(&env, 1472, 1480, true, 0x3003, 0);
	pk[2] = frag_of(&env, 2960, 48, false, 0x3003, 0);
	sl_worker_step(&env.w, pk, 3);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm"), 8);
	/* overlap that never adds up: held until the timeout */
	pk[0] = frag_of(&env, 0, 1480, true, 0x3004, 0);
	pk[1] = frag_of(&env, 8, 1480, true, 0x3004, 0);
	sl_worker_step(&env.w, pk, 2);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm"), 8);
	settle(&env);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm"), 10);
	SL_CHECK_EQ(ctr(&env, "ip_frag_rx"), 10);
	SL_CHECK(nothing_through(&env, avail));
	sl_test_env_fini(&env);
}

SL_TEST(frag_hostile_malformed_and_oversized)
{
	struct rte_mbuf *pk[4];
	struct sl_test_env env;
	unsigned int avail;

	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	avail = rte_mempool_avail_count(env.w.mp);
	guest_dgram(&env, IPPROTO_UDP, FAR_ADDR, 40004, FAR_PORT, 3000, 13);
	/* ends past 65535; no payload; a non-last one of 13 bytes */
	pk[0] = frag_of(&env, 8184 * 8, 100, false, 0x4001, 0);
	pk[1] = frag_of(&env, 8191 * 8, 8, true, 0x4002, 0);
	pk[2] = frag_of(&env, 0, 0, true, 0x4003, 0);
	pk[3] = frag_of(&env, 0, 13, true, 0x4004, 0);
	step(&env, pk, 4);
	SL_CHECK_EQ(ctr(&env, "ip_frag_rx"), 4);
	SL_CHECK_EQ(ctr(&env, "drop_ip_frag"), 4);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm"), 0);
	/* nothing held */
	SL_CHECK_EQ(rte_mempool_avail_count(env.w.mp), avail);
	sl_test_env_fini(&env);
}

SL_TEST(frag_hostile_too_many_fragments)
{
	struct sl_test_env_opts o = { .manual_clock = true };
	struct rte_mbuf *pk[16];
	struct sl_test_env env;
	unsigned int avail, i;
	uint32_t tot;

	SL_CHECK(sl_test_env_init_opts(&env, NULL, &o) == 0);
	avail = rte_mempool_avail_count(env.w.mp);
	/* 10 fragments of 8 bytes: more than rte_ip_frag keeps (8) */
	tot = guest_dgram(&env, IPPROTO_UDP, FAR_ADDR, 40005, FAR_PORT, 72, 14);
	SL_CHECK_EQ(frags_of(&env, tot, 8, 0x5001, pk), 10);
	sl_worker_step(&env.w, pk, 10);
	settle(&env);
	SL_CHECK_EQ(ctr(&env, "ip_frag_rx"), 10);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm"), 10);
	SL_CHECK(nothing_through(&env, avail));
	/* 8 are fine */
	tot = guest_dgram(&env, IPPROTO_UDP, FAR_ADDR, 40005, FAR_PORT, 56, 14);
	SL_CHECK_EQ(frags_of(&env, tot, 8, 0x5002, pk), 8);
	for (i = 0; i < 8; i++)
		sl_worker_step(&env.w, &pk[7 - i], 1);
	SL_CHECK_EQ(ctr(&env, "ip_reasm_ok"), 1);
	SL_CHECK_EQ(ctr(&env, "udp_to_host"), 1);
	sl_test_env_fini(&env);
}

SL_TEST(frag_hostile_never_completed_many_ids)
{
	struct sl_test_env_opts o = { .manual_clock = true };
	struct rte_mbuf *pk[SL_BURST];
	struct sl_test_env env;
	unsigned int avail, i, k, held;
	uint32_t tot;

	SL_CHECK(sl_test_env_init_opts(&env, NULL, &o) == 0);
	avail = rte_mempool_avail_count(env.w.mp);
	/* 2000 datagrams whose first fragment alone arrives: the table holds
	 * a bounded number, drops the rest, counted */
	guest_dgram(&env, IPPROTO_UDP, FAR_ADDR, 40006, FAR_PORT, 3000, 15);
	for (i = 0; i < 2000; i += SL_BURST) {
		for (k = 0; k < SL_BURST; k++)
			pk[k] = frag_of(&env, 0, 1480, true,
				(uint16_t)(0x6000 + i + k), 0);
		sl_worker_step(&env.w, pk, SL_BURST);
	}
	held = avail - rte_mempool_avail_count(env.w.mp);
	SL_CHECK(held > 0 && held <= SL_FRAG_MAX_ENTRIES);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm") + held, i);
	/* their time runs out: all freed, and a whole datagram gets through */
	settle(&env);
	SL_CHECK_EQ(ctr(&env, "drop_ip_reasm"), i);
	SL_CHECK_EQ(rte_mempool_avail_count(env.w.mp), avail);
	tot = guest_dgram(&env, IPPROTO_UDP, FAR_ADDR, 40006, FAR_PORT, 3000,
		16);
	SL_CHECK_EQ(frags_of(&env, tot, 1480, 0x7000, pk), 3);
	sl_worker_step(&env.w, pk, 3);
	SL_CHECK_EQ(ctr(&env, "ip_reasm_ok"), 1);
	SL_CHECK_EQ(ctr(&env, "udp_to_host"), 1);
	sl_test_env_fini(&env);
}

SL_TEST(frag_steered_to_the_flow_owner)
{
	union sl_sockaddr sa = far_sa();
	struct sl_steer *s = sl_test_steer_new(2);
	struct sl_test_env e0, e1;
	struct rte_mbuf *fr[8];
	uint16_t gport;
	uint32_t tot;
	int hd;

	SL_CHECK(s != NULL);
	SL_CHECK(sl_test_env_pair(&e0, &e1, s) == 0);
	for (gport = 40000; sl_steer_owner_tuple(s, IPPROTO_UDP,
	    e0.cfg.guest_addr, htonl(FAR_ADDR), htons(gport),
	    htons(FAR_PORT)) != 1; gport++)
		;
	tot = guest_dgram(&e0, IPPROTO_UDP, FAR_ADDR, gport, FAR_PORT, 4000,
		17);
	SL_CHECK_EQ(frags_of(&e0, tot, 1480, 0x8001, fr), 3);
	SL_CHECK(steer_frags(&e0, &e1, s, fr, "ip_reasm_ok"));
	hd = sl_host_mem_find(e1.host, SL_HOST_UDP, &sa);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_pop_dgram(e1.host, hd, got, sizeof(got)),
		4000);
	sl_test_env_pair_fini(&e0, &e1, s);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
