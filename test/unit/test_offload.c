/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_offload.c: unit tests of checksum offload and large segments between
 * sluice and a guest (the vhost-user case): guest frames whose checksum the
 * port vouched for (RX_L4_CKSUM_NONE) or did not (UNKNOWN), a 64 KiB GSO
 * segment from the guest in a chain of 2 KiB mbufs, and, with offloads
 * published on the worker, the ol_flags, header lengths, pseudo-header
 * checksums and TSO segment sizes of sluice's frames, sends and
 * retransmissions alike (including TSO going away between the two). The
 * port is played by checking what it would need, and completing checksums
 * the way a NIC or the guest would before the frame is parsed again. Each
 * case runs over IPv4 (offload_*) and over IPv6 (offload6_*: TSO6 is a bit
 * of its own, TX_IPV6 and the IPv6 pseudo-header). The virtio-net headers
 * of a net_af_packet port's packet sockets: test_vnet.c.
 */
#include <rte_vhost.h>

#include "ol_util.h"
#include "sl_offload.h"
#include "sl_pool.h"

/* A guest frame whose checksum field is wrong is accepted when the port
 * says RX_L4_CKSUM_NONE (data integrity verified: vhost NEEDS_CSUM/GSO),
 * dropped (drop_l4_csum) when it says UNKNOWN, or nothing. */
OL_TEST(rx_cksum_none_accepted_unknown_verified)
{
	const uint8_t opt[4] = { 2, 4, MSS >> 8, MSS & 0xff };
	struct rte_mbuf *m;
	struct sl_pkt p;
	enum sl_stat why;

	/* the parser alone */
	m = guest_frame(F_SYN, 1, 0, 65535, opt, sizeof(opt), 0, 0, 2048,
		true);
	SL_CHECK(m != NULL);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN;
	SL_CHECK(sl_net_parse(m, &p, &why) == -1);
	SL_CHECK_EQ(why, SL_STAT_drop_l4_csum);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_BAD;
	SL_CHECK(sl_net_parse(m, &p, &why) == -1);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE;
	SL_CHECK(sl_net_parse(m, &p, &why) == 0);
	SL_CHECK(p.l4_vouched);
	rte_pktmbuf_free(m);

	/* through the worker: UNKNOWN + wrong checksum: no SYN-ACK */
	m = guest_frame(F_SYN, 1, 0, 65535, opt, sizeof(opt), 0, 0, 2048,
		true);
	SL_CHECK(m != NULL);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN;
	sl_test_input(&env, m);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(STAT(drop_l4_csum), 1);
	SL_CHECK_EQ(STAT(tcp_flows_opened), 0);
	SL_CHECK_EQ(STAT(rx_csum_offload), 0);
	/* NONE + the same wrong checksum: a connection and its SYN-ACK */
	m = guest_frame(F_SYN, 1, 0, 65535, opt, sizeof(opt), 0, 0, 2048,
		true);
	SL_CHECK(m != NULL);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE;
	sl_test_input(&env, m);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK_EQ(STAT(drop_l4_csum), 1);
	SL_CHECK_EQ(STAT(tcp_flows_opened), 1);
	SL_CHECK_EQ(STAT(rx_csum_offload), 1);
	sl_test_cap_clear(&env);
}

/* A 64 KiB GSO segment from a guest whose MSS is 1460 (we advertised
 * 1460), in 2 KiB chained mbufs with only the pseudo-header sum in its
 * checksum field (RX_L4_CKSUM_NONE | RX_LRO, as net_vhost delivers it): it
 * reaches the host intact and is acknowledged whole. */
OL_TEST(rx_gso_64k_chain_relayed)
{
	static uint8_t got[70000];
	const uint32_t len = 65000;
	struct gconn c;
	struct rte_mbuf *m;
	struct rte_tcp_hdr *th;
	void *ip;
	uint32_t i;
	size_t n;

	SL_CHECK(handshake(&c) == 0);
	m = guest_frame(F_ACK | F_PSH, c.gseq, c.iss + 1, 65535, NULL, 0, 0,
		len, 2048 - RTE_PKTMBUF_HEADROOM, false);
	SL_CHECK(m != NULL);
	SL_CHECK(m->nb_segs > 30);
	SL_CHECK_EQ(m->pkt_len, RTE_ETHER_HDR_LEN + L3_LEN + 20 + len);
	/* what a guest with NEEDS_CSUM leaves in the field */
	ip = rte_pktmbuf_mtod_offset(m, void *, RTE_ETHER_HDR_LEN);
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *,
		RTE_ETHER_HDR_LEN + L3_LEN);
	th->cksum = fam6 ? rte_ipv6_phdr_cksum(ip, 0) :
		rte_ipv4_phdr_cksum(ip, 0);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_LRO |
		RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN;
	m->tso_segsz = MSS;
	sl_test_input(&env, m);
	SL_CHECK_EQ(STAT(drop_l4_csum), 0);
	SL_CHECK_EQ(STAT(tcp_large_segs_in), 1);
	SL_CHECK_EQ(STAT(tcp6_large_segs_in), (fam6 ? 1 : 0));
	SL_CHECK_EQ(STAT(tcp_to_host_bytes), len);
	n = sl_host_mem_take(env.host, c.hd, got, sizeof(got));
	SL_CHECK_EQ(n, len);
	for (i = 0; i < len; i++)
		if (got[i] != pat(i))
			break;
	SL_CHECK_EQ(i, len);
	/* acknowledged in the same iteration, all of it */
	SL_CHECK(take_out(c.iss) >= 1 && !out_bad);
	SL_CHECK_EQ(out[n_out - 1].ack, c.gseq + len);
	SL_CHECK(out[n_out - 1].cksum_ok);
	/* and the next one continues the stream */
	m = guest_frame(F_ACK | F_PSH, c.gseq + len, c.iss + 1, 65535, NULL,
		0, len, 1000, 2048, false);
	SL_CHECK(m != NULL);
	sl_test_input(&env, m);
	SL_CHECK_EQ(STAT(tcp_large_segs_in), 1);
	n = sl_host_mem_take(env.host, c.hd, got, sizeof(got));
	SL_CHECK_EQ(n, 1000);
	SL_CHECK(got[0] == pat(len) && got[999] == pat(len + 999));
}

/* ------------------------------------------------------------------ */
/* sluice -> guest                                                      */

/* No offloads: MSS-sized segments with full checksums, no offload flags:
 * nothing changed for ports without them. */
OL_TEST(none_mss_segments_full_cksum)
{
	struct gconn c;
	unsigned int i;
	uint32_t total = 0;

	SL_CHECK(handshake(&c) == 0);
	SL_CHECK(host_push(&c, 0, 20000) == 0);
	SL_CHECK(take_out(c.iss) > 0 && !out_bad);
	for (i = 0; i < n_out; i++) {
		SL_CHECK(out[i].len <= MSS);
		SL_CHECK_EQ(out[i].ol_flags & SL_NET_TX_OL_MASK, 0);
		SL_CHECK(out[i].cksum_ok);
		total += out[i].len;
	}
	SL_CHECK_EQ(total, 20000);
	SL_CHECK(stream_ok(0, 20000));
	SL_CHECK_EQ(STAT(tx_csum_offload), 0);
	SL_CHECK_EQ(STAT(tx_tso_frames), 0);
}

/* Checksum offload: every TCP frame (SYN-ACK, data, pure ACK) carries
 * TX_IPV4 | TX_TCP_CKSUM, l2/l3/l4_len, and the pseudo-header sum that
 * becomes the right checksum once completed; no TSO, segments <= MSS. */
OL_TEST(csum_flags_and_pseudo_header)
{
	struct rte_mbuf *m;
	struct gconn c;
	unsigned int i;
	uint32_t total = 0;

	sl_worker_publish_offloads(&env.w, SL_TXOL_CSUM, 0);
	SL_CHECK(handshake(&c) == 0);
	/* the SYN-ACK was decoded in handshake(): check it again */
	m = guest_frame(F_SYN, 0x1000, 0, 65535, NULL, 0, 0, 0, 2048, false);
	SL_CHECK(m != NULL);
	sl_test_input(&env, m);	/* a SYN on the connection: challenge ACK */
	SL_CHECK(take_out(c.iss) == 1 && !out_bad);
	SL_CHECK_EQ(out[0].ol_flags & SL_NET_TX_OL_MASK,
		TX_IP | RTE_MBUF_F_TX_TCP_CKSUM);
	SL_CHECK(out[0].completed_ok);
	SL_CHECK(!out[0].cksum_ok);
	SL_CHECK(host_push(&c, 0, 10000) == 0);
	SL_CHECK(take_out(c.iss) > 1 && !out_bad);
	for (i = 0; i < n_out; i++) {
		SL_CHECK(out[i].len > 0 && out[i].len <= MSS);
		SL_CHECK_EQ(out[i].ol_flags & SL_NET_TX_OL_MASK,
			TX_IP | RTE_MBUF_F_TX_TCP_CKSUM);
		SL_CHECK_EQ(out[i].l2_len, RTE_ETHER_HDR_LEN);
		SL_CHECK_EQ(out[i].l3_len, L3_LEN);
		SL_CHECK_EQ(out[i].l4_len, 20);
		SL_CHECK_EQ(out[i].tso_segsz, 0);
		SL_CHECK_EQ(out[i].cksum, out[i].phdr);
		SL_CHECK(out[i].completed_ok);
		total += out[i].len;
	}
	SL_CHECK_EQ(total, 10000);
	SL_CHECK(stream_ok(0, 10000));
	SL_CHECK(STAT(tx_csum_offload) >= n_out);
	SL_CHECK_EQ(STAT(tx_tso_frames), 0);
	/* the IPv4 header checksum is still ours (not offered) */
	SL_CHECK_EQ(out[0].ol_flags & RTE_MBUF_F_TX_IP_CKSUM, 0);
}

/* TSO: host data leaves in frames larger than the MSS (whole multiples of
 * it, at most one IPv4 packet), with TX_TCP_SEG, tso_segsz = the guest's
 * MSS and the pseudo-header sum without the length; the stream is intact
 * and the window still gates it. */
OL_TEST(tso_large_segments)
{
	const uint32_t len = 300000;
	struct sl_tcp_info info;
	struct gconn c;
	unsigned int i, tso = 0;
	uint32_t total = 0;

	sl_worker_publish_offloads(&env.w, SL_TXOL_CSUM | TXOL_TSO, 0);
	SL_CHECK(handshake(&c) == 0);
	SL_CHECK(host_push(&c, 0, len) == 0);
	SL_CHECK(take_out(c.iss) > 0 && !out_bad);
	for (i = 0; i < n_out; i++) {
		const struct oseg *o = &out[i];

		SL_CHECK_EQ(o->seq, c.iss + 1 + total);
		SL_CHECK_EQ(o->l2_len, RTE_ETHER_HDR_LEN);
		SL_CHECK_EQ(o->l3_len, L3_LEN);
		SL_CHECK_EQ(o->l4_len, 20);
		SL_CHECK(o->len <= TSO_MAX);
		if (o->len > MSS) {
			SL_CHECK_EQ(o->ol_flags & SL_NET_TX_OL_MASK,
				TX_IP | RTE_MBUF_F_TX_TCP_CKSUM |
				RTE_MBUF_F_TX_TCP_SEG);
			SL_CHECK_EQ(o->tso_segsz, MSS);
			SL_CHECK_EQ(o->cksum, phdr_no_len());
			if (total + o->len < len)
				SL_CHECK_EQ(o->len % MSS, 0);
			tso++;
		} else {
			SL_CHECK_EQ(o->ol_flags & RTE_MBUF_F_TX_TCP_SEG, 0);
			SL_CHECK(o->completed_ok);
		}
		total += o->len;
	}
	/* the guest's window (65535 << 7) holds it all */
	SL_CHECK_EQ(total, len);
	SL_CHECK(stream_ok(0, len));
	SL_CHECK(tso >= len / TSO_MAX);
	SL_CHECK(n_out < len / MSS / 10);
	SL_CHECK_EQ(STAT(tx_tso_frames), tso);
	SL_CHECK_EQ(STAT(tx_tso6_frames), (fam6 ? tso : 0));
	SL_CHECK_EQ(STAT(tcp_to_guest_bytes), len);
	/* bytes are counted as before: all in flight, then acknowledged */
	{
		struct sl_addr ga = sl_addr_v4(rte_cpu_to_be_32(GUEST_IP));
		struct sl_addr da = sl_addr_v4(rte_cpu_to_be_32(DST_IP));
		struct sl_flow_key k;
		struct sl_flow *f;

		if (fam6) {
			memcpy(ga.b, guest6, 16);
			memcpy(da.b, dst6, 16);
		}
		k = sl_flow_key_make6(IPPROTO_TCP, &ga,
			rte_cpu_to_be_16(GPORT), &da,
			rte_cpu_to_be_16(DST_PORT));
		f = sl_flow_lookup(&env.w.ft, &k);

		SL_CHECK(f != NULL);
		sl_tcp_get_info(&env.w, f, &info);
		SL_CHECK_EQ(info.in_flight, len);
		SL_CHECK_EQ(info.snd_mss, MSS);
		SL_CHECK(gack(&c, len) == 0);
		sl_tcp_get_info(&env.w, f, &info);
		SL_CHECK_EQ(info.in_flight, 0);
	}
	SL_CHECK_EQ(sl_tcp_inflight(&env.w), 0);
}

/* The guest's window still gates TSO: with a window of 20000 bytes only
 * 20000 go out (one TSO frame of 13 MSS and a short one, or less). */
OL_TEST(tso_within_guest_window)
{
	struct gconn c;
	struct rte_mbuf *m;
	unsigned int i;
	uint32_t total = 0;

	sl_worker_publish_offloads(&env.w, SL_TXOL_CSUM | TXOL_TSO, 0);
	SL_CHECK(handshake(&c) == 0);
	/* the guest shrinks its window to 20000 bytes (shift 7) */
	m = guest_frame(F_ACK, c.gseq, c.iss + 1, 20000 >> GWS, NULL, 0, 0, 0,
		2048, false);
	SL_CHECK(m != NULL);
	sl_test_input(&env, m);
	SL_CHECK(host_push(&c, 0, 100000) == 0);
	SL_CHECK(take_out(c.iss) > 0 && !out_bad);
	for (i = 0; i < n_out; i++)
		total += out[i].len;
	SL_CHECK(total <= (20000u >> GWS) << GWS);
	SL_CHECK(total >= ((20000u >> GWS) << GWS) - MSS);
	SL_CHECK(out[0].len > MSS);
	SL_CHECK(stream_ok(0, total));
}

/* Retransmissions follow the offloads of their own iteration: an RTO with
 * TSO still on resends the large frame (TSO flags refreshed); after TSO
 * went away (the guest re-negotiated) the same data goes out as MSS-sized
 * frames, each with a full checksum once offloads are off entirely (IPv4),
 * or with checksum offload when only TSO6 went away (IPv6: TSO4 left on
 * does not make IPv6 frames large). */
OL_TEST(tso_retransmit_follows_current_offloads)
{
	const uint32_t len = 40000;
	struct gconn c;
	unsigned int i;
	uint32_t total = 0;

	sl_worker_publish_offloads(&env.w, SL_TXOL_CSUM | TXOL_TSO, 0);
	SL_CHECK(handshake(&c) == 0);
	SL_CHECK(host_push(&c, 0, len) == 0);
	SL_CHECK(take_out(c.iss) == 1 && !out_bad);
	SL_CHECK_EQ(out[0].len, len);
	SL_CHECK(out[0].ol_flags & RTE_MBUF_F_TX_TCP_SEG);

	/* RTO (1 s initial): the same large frame */
	env.w.now_ms += 1100;
	step();
	SL_CHECK(take_out(c.iss) == 1 && !out_bad);
	SL_CHECK_EQ(out[0].len, len);
	SL_CHECK_EQ(out[0].seq, c.iss + 1);
	SL_CHECK(out[0].ol_flags & RTE_MBUF_F_TX_TCP_SEG);
	SL_CHECK_EQ(out[0].tso_segsz, MSS);
	SL_CHECK_EQ(out[0].cksum, phdr_no_len());
	SL_CHECK_EQ(STAT(tcp_rexmit_rto), 1);

	/* the guest comes back without GUEST_CSUM/TSO (IPv6: without
	 * GUEST_TSO6): MSS-sized frames covering the whole segment */
	sl_worker_publish_offloads(&env.w, fam6 ?
		SL_TXOL_CSUM | SL_TXOL_TSO4 : 0, 0);
	memset(stream, 0, len);
	env.w.now_ms += 2200;
	step();
	SL_CHECK(take_out(c.iss) == (len + MSS - 1) / MSS && !out_bad);
	for (i = 0; i < n_out; i++) {
		SL_CHECK_EQ(out[i].seq, c.iss + 1 + total);
		SL_CHECK(out[i].len <= MSS);
		SL_CHECK_EQ(out[i].ol_flags & SL_NET_TX_OL_MASK, fam6 ?
			RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM : 0);
		SL_CHECK(fam6 ? out[i].completed_ok : out[i].cksum_ok);
		total += out[i].len;
	}
	SL_CHECK_EQ(total, len);
	SL_CHECK(stream_ok(0, len));
	SL_CHECK_EQ(STAT(tcp_rexmit_split), 1);
	/* the entry is still one: a full ACK frees it */
	SL_CHECK(gack(&c, len) == 0);
	SL_CHECK_EQ(sl_tcp_inflight(&env.w), 0);
}

/* pay_frames - of the captured frames, those whose payload went into the
 * payload pool @pay (a head from the worker's pool, the rest from @pay, as
 * few as the bytes need: *@bad set otherwise), and in *@chains those laid
 * out in the worker's pool alone. */
static unsigned int
pay_frames(struct rte_mempool *pay, unsigned int *chains, bool *bad)
{
	const uint32_t hroom = env.w.seg_room - (RTE_ETHER_HDR_LEN + 68);
	unsigned int i, n = 0;

	*chains = 0;
	*bad = false;
	for (i = 0; i < env.cap.n; i++) {
		struct rte_mbuf *m = env.cap.m[i], *s;
		uint32_t hl = m->l2_len + m->l3_len + m->l4_len, on_pay = 0;
		uint32_t pay_len;

		if (m->nb_segs == 1)
			continue;
		pay_len = m->pkt_len - hl;
		for (s = m->next; s != NULL; s = s->next)
			on_pay += s->pool == pay;
		if (m->pool != env.w.mp)
			*bad = true;
		if (on_pay == 0) {
			(*chains)++;
			continue;
		}
		/* every mbuf after the head is the payload pool's, full but
		 * the last */
		if (on_pay != (uint32_t)m->nb_segs - 1 || on_pay != (pay_len -
		    hroom + env.w.pay_room - 1) / env.w.pay_room)
			*bad = true;
		n++;
	}
	return n;
}

/* Host data toward a TSO guest goes into the payload pool's large mbufs: a
 * 64 KiB segment is a head of the worker's pool and four 16 KiB mbufs, not
 * 33 mbufs of 2 KiB. An empty payload pool falls back to the worker's pool
 * (counted), the stream is intact either way, the retransmission of such a
 * chain too, and the guest's ACK gives every large mbuf back. */
OL_TEST(tso_payload_pool_chains)
{
	const uint32_t len = 300000;
	struct rte_mempool *pay;
	unsigned int chains, n;
	struct gconn c;
	bool bad;

	pay = sl_pool_create(fam6 ? "ol_pay6" : "ol_pay", 8, 0,
		SL_PAY_ROOM + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	SL_CHECK(pay != NULL);
	env.w.pay_mp = pay;
	env.w.pay_room = SL_PAY_ROOM;
	sl_worker_publish_offloads(&env.w, SL_TXOL_CSUM | TXOL_TSO, 0);
	SL_CHECK(handshake(&c) == 0);
	SL_CHECK(host_push(&c, 0, len) == 0);
	/* 8 large mbufs: two 64 KiB segments, then the worker's chains */
	n = pay_frames(pay, &chains, &bad);
	SL_CHECK(!bad);
	SL_CHECK_EQ(n, 2);
	SL_CHECK(chains >= 2);
	SL_CHECK(STAT(tcp_pay_pool_empty) >= 1);
	SL_CHECK_EQ(rte_mempool_avail_count(pay), 0);
	SL_CHECK(take_out(c.iss) > 0 && !out_bad);
	SL_CHECK(stream_ok(0, len));
	/* an RTO resends the first segment, whole and intact */
	memset(stream, 0, len);
	env.w.now_ms += 1100;
	step();
	SL_CHECK(take_out(c.iss) == 1 && !out_bad);
	SL_CHECK_EQ(out[0].seq, c.iss + 1);
	SL_CHECK(out[0].len > 60000);
	SL_CHECK(stream_ok(0, out[0].len));
	/* the ACK gives them all back, and the next data takes them again */
	SL_CHECK(gack(&c, len) == 0);
	SL_CHECK_EQ(sl_tcp_inflight(&env.w), 0);
	SL_CHECK_EQ(rte_mempool_avail_count(pay), 8);
	sl_test_cap_clear(&env);
	SL_CHECK(host_push(&c, len, 100000) == 0);
	n = pay_frames(pay, &chains, &bad);
	SL_CHECK(!bad);
	SL_CHECK_EQ(n, 2);
	SL_CHECK(take_out(c.iss) > 0 && !out_bad);
	SL_CHECK(stream_ok(len, 100000));
	SL_CHECK(gack(&c, len + 100000) == 0);
	SL_CHECK_EQ(rte_mempool_avail_count(pay), 8);
	env.w.pay_mp = NULL;
	rte_mempool_free(pay);
}

/* Which offloads a port and a vhost-user guest give: TSO per family
 * (GUEST_TSO4 -> TSO4, GUEST_TSO6 -> TSO6, each only with GUEST_CSUM and
 * a port that sends chains); ethdev's TCP_TSO gives both. */
SL_TEST(offload_txol_tso_per_family)
{
	const uint64_t csum = 1ULL << VIRTIO_NET_F_GUEST_CSUM;
	const uint64_t t4 = 1ULL << VIRTIO_NET_F_GUEST_TSO4;
	const uint64_t t6 = 1ULL << VIRTIO_NET_F_GUEST_TSO6;
	struct sl_port sp;

	memset(&sp, 0, sizeof(sp));
	sp.multiseg = true;
	sp.tx_offloads = RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	SL_CHECK_EQ(sl_offload_txol(&sp, true, csum | t4 | t6),
		SL_TXOL_CSUM | SL_TXOL_TSO4 | SL_TXOL_TSO6);
	SL_CHECK_EQ(sl_offload_txol(&sp, true, csum | t6),
		SL_TXOL_CSUM | SL_TXOL_TSO6);
	SL_CHECK_EQ(sl_offload_txol(&sp, true, csum | t4),
		SL_TXOL_CSUM | SL_TXOL_TSO4);
	SL_CHECK_EQ(sl_offload_txol(&sp, true, t4 | t6), 0);
	sp.multiseg = false;
	SL_CHECK_EQ(sl_offload_txol(&sp, true, csum | t4 | t6), SL_TXOL_CSUM);
	sp.multiseg = true;
	sp.tx_offloads = RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
		RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO;
	SL_CHECK_EQ(sl_offload_txol(&sp, false, 0), SL_TXOL_CSUM |
		SL_TXOL_IP_CSUM | SL_TXOL_TSO4 | SL_TXOL_TSO6);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
