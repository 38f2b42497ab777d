/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_vnet.c: unit tests of the virtio-net headers of a net_af_packet
 * port's packet sockets. The header its tx socket puts in front of each
 * frame sluice sends (sl_vtx_hdr) is checked the way a NIC would use it:
 * the kernel's completion of a NEEDS_CSUM frame must give the full
 * checksum. The header its rx socket reads in front of each guest frame
 * (sl_vrx_offload) must give the rx flags the parser trusts, and a UDP GSO
 * frame must be cut into the datagrams it carries (sl_vrx_udp_segment).
 * Each case runs over IPv4 and IPv6 (ol_util.h).
 */
#include <rte_udp.h>

#include "ol_util.h"
#include "sl_vrx.h"
#include "sl_vtx.h"

/* The virtio-net header in front of a frame read from a net_af_packet
 * port's rx socket (sl_vrx.c, and its header ring) becomes the rx flags the
 * parser trusts: a partial checksum (NEEDS_CSUM: the guest kernel's own,
 * the field holds the pseudo-header sum) and a TCP GSO frame are vouched
 * for (NONE), DATA_VALID is GOOD, no flag leaves the sum to sluice, and a
 * UDP GSO type is refused; a guest SYN with a partial checksum so opens a
 * connection, the same frame without the header's flag is dropped. */
OL_TEST(vnet_hdr_to_rx_flags)
{
	const uint8_t opt[4] = { 2, 4, MSS >> 8, MSS & 0xff };
	struct virtio_net_hdr h;
	struct rte_mbuf *m;
	struct rte_tcp_hdr *th;
	void *ip;
	int k;

	m = rte_pktmbuf_alloc(env.w.mp);
	SL_CHECK(m != NULL);
	memset(&h, 0, sizeof(h));
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_BAD;	/* overwritten */
	SL_CHECK(sl_vrx_offload(&h, m));
	SL_CHECK_EQ(m->ol_flags, 0);
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	SL_CHECK(sl_vrx_offload(&h, m));
	SL_CHECK_EQ(m->ol_flags, RTE_MBUF_F_RX_L4_CKSUM_NONE);
	h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	SL_CHECK(sl_vrx_offload(&h, m));
	SL_CHECK_EQ(m->ol_flags, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	for (k = 0; k < 3; k++) {
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.gso_type = k == 0 ? VIRTIO_NET_HDR_GSO_TCPV4 : k == 1 ?
			VIRTIO_NET_HDR_GSO_TCPV6 : (VIRTIO_NET_HDR_GSO_TCPV4 |
			VIRTIO_NET_HDR_GSO_ECN);
		h.gso_size = MSS;
		SL_CHECK(sl_vrx_offload(&h, m));
		SL_CHECK_EQ(m->ol_flags, RTE_MBUF_F_RX_L4_CKSUM_NONE |
			RTE_MBUF_F_RX_LRO);
		SL_CHECK_EQ(m->tso_segsz, MSS);
	}
	h.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	SL_CHECK(!sl_vrx_offload(&h, m));
	h.gso_type = 5;		/* VIRTIO_NET_HDR_GSO_UDP_L4 */
	SL_CHECK(!sl_vrx_offload(&h, m));
	rte_pktmbuf_free(m);

	/* a SYN as the guest's kernel leaves it (pseudo-header sum only),
	 * without the header's flag: dropped */
	for (k = 0; k < 2; k++) {
		m = guest_frame(F_SYN, 1, 0, 65535, opt, sizeof(opt), 0, 0,
			2048, false);
		SL_CHECK(m != NULL);
		ip = rte_pktmbuf_mtod_offset(m, void *, RTE_ETHER_HDR_LEN);
		th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *,
			RTE_ETHER_HDR_LEN + L3_LEN);
		th->cksum = fam6 ? rte_ipv6_phdr_cksum(ip, 0) :
			rte_ipv4_phdr_cksum(ip, 0);
		memset(&h, 0, sizeof(h));
		if (k == 1) {
			h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
			h.csum_start = RTE_ETHER_HDR_LEN + L3_LEN;
			h.csum_offset = 16;
		}
		SL_CHECK(sl_vrx_offload(&h, m));
		sl_test_input(&env, m);
		SL_CHECK_EQ(STAT(drop_l4_csum), 1);
		SL_CHECK_EQ(STAT(tcp_flows_opened), (uint64_t)k);
		SL_CHECK_EQ(env.cap.n, (unsigned int)k);
	}
	SL_CHECK_EQ(STAT(rx_csum_offload), 1);
	sl_test_cap_clear(&env);
}

/* A UDP GSO frame (a guest socket's UDP_SEGMENT, VIRTIO_NET_HDR_GSO_UDP_L4)
 * read from a net_af_packet port's rx socket is cut into the datagrams it
 * carries: gso_size bytes each (the last the rest), the stream's bytes in
 * order, lengths and (IPv4) ids and header checksums as the kernel's GSO
 * makes them, each accepted by the parser; more than 128 segments, or a
 * frame that is not UDP, is refused. */
OL_TEST(vrx_udp_gso_cut_into_datagrams)
{
	const uint32_t len = 5000, gso = 1200;
	struct rte_mbuf *m, *seg[SL_VRX_UDP_SEGS];
	struct virtio_net_hdr h;
	struct rte_udp_hdr *uh;
	struct sl_pkt p;
	enum sl_stat why;
	uint32_t i, off = 0;
	int k, n;

	m = guest_frame(F_ACK, 1, 1, 65535, NULL, 0, 0, len, 2048, false);
	SL_CHECK(m != NULL);
	/* turn the TCP frame into a UDP one of the same payload: rebuild
	 * it (8-byte UDP header in place of the 20-byte TCP one) */
	SL_CHECK(rte_pktmbuf_adj(m, (uint16_t)(RTE_ETHER_HDR_LEN + L3_LEN +
		20 - 8)) != NULL);
	uh = rte_pktmbuf_mtod(m, struct rte_udp_hdr *);
	uh->src_port = rte_cpu_to_be_16(GPORT);
	uh->dst_port = rte_cpu_to_be_16(DST_PORT);
	uh->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + len));
	uh->dgram_cksum = 0x1234;	/* a pseudo-header sum, not checked */
	SL_CHECK((fam6 ? sl_net_prepend_ipv6(m, &sl_test_guest_mac,
		&env.w.gw_mac, guest6, dst6, IPPROTO_UDP, 64) :
		sl_net_prepend_ipv4(m, &sl_test_guest_mac, &env.w.gw_mac,
		rte_cpu_to_be_32(GUEST_IP), rte_cpu_to_be_32(DST_IP),
		IPPROTO_UDP)) == 0);
	memset(&h, 0, sizeof(h));
	h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h.gso_type = 5;		/* VIRTIO_NET_HDR_GSO_UDP_L4 */
	h.gso_size = (uint16_t)gso;
	n = sl_vrx_udp_segment(m, &h, env.w.mp, seg);
	SL_CHECK_EQ(n, 5);
	for (k = 0; k < n; k++) {
		uint32_t want = k < 4 ? gso : len - 4 * gso;
		const uint8_t *d;

		SL_CHECK_EQ(seg[k]->nb_segs, 1);
		SL_CHECK_EQ(seg[k]->pkt_len, RTE_ETHER_HDR_LEN + L3_LEN + 8u +
			want);
		SL_CHECK_EQ(seg[k]->ol_flags, RTE_MBUF_F_RX_L4_CKSUM_NONE);
		SL_CHECK(sl_net_parse(seg[k], &p, &why) == 0);
		SL_CHECK(p.l4_vouched);
		uh = (struct rte_udp_hdr *)p.l4;
		SL_CHECK_EQ(rte_be_to_cpu_16(uh->dgram_len), 8u + want);
		SL_CHECK_EQ(rte_be_to_cpu_16(uh->dst_port), DST_PORT);
		if (!fam6) {
			SL_CHECK_EQ(rte_be_to_cpu_16(p.ip->packet_id) -
				rte_be_to_cpu_16(rte_pktmbuf_mtod_offset(m,
				struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN)->
				packet_id), k);
			SL_CHECK_EQ(rte_raw_cksum(p.ip, 20), 0xffff);
		}
		d = (const uint8_t *)(uh + 1);
		for (i = 0; i < want; i++)
			if (d[i] != pat(off + i))
				break;
		SL_CHECK_EQ(i, want);
		off += want;
	}
	SL_CHECK_EQ(off, len);
	for (k = 0; k < n; k++)
		rte_pktmbuf_free(seg[k]);
	/* 5000 bytes in 20-byte datagrams: 250, more than UDP_SEGMENT's 128 */
	h.gso_size = 20;
	SL_CHECK_EQ(sl_vrx_udp_segment(m, &h, env.w.mp, seg), -1);
	/* a segment larger than an mbuf of the pool */
	h.gso_size = 4000;
	SL_CHECK_EQ(sl_vrx_udp_segment(m, &h, env.w.mp, seg), -1);
	rte_pktmbuf_free(m);
	/* a TCP frame with a UDP GSO header: refused */
	m = guest_frame(F_ACK, 1, 1, 65535, NULL, 0, 0, len, 2048, false);
	SL_CHECK(m != NULL);
	h.gso_size = (uint16_t)gso;
	SL_CHECK_EQ(sl_vrx_udp_segment(m, &h, env.w.mp, seg), -1);
	rte_pktmbuf_free(m);
}

/* The virtio-net header of each frame a tx socket sends (sl_vtx.c): a
 * partial checksum becomes NEEDS_CSUM from the TCP header on, which the
 * kernel completes into the full checksum; a TSO frame becomes a GSO frame
 * of MSS-byte segments of the flow's family; a frame without offloads
 * gets an empty header; an IPv4 header checksum left to the port is
 * computed. */
OL_TEST(vnet_hdr_from_tx_offloads)
{
	const uint32_t len = 100000;
	const uint16_t l4 = (uint16_t)(RTE_ETHER_HDR_LEN + L3_LEN);
	struct virtio_net_hdr h;
	struct gconn c;
	unsigned int i, gso = 0, csum = 0;

	sl_worker_publish_offloads(&env.w, SL_TXOL_CSUM | TXOL_TSO, 0);
	SL_CHECK(handshake(&c) == 0);
	SL_CHECK(host_push(&c, 0, len) == 0);
	SL_CHECK(host_push(&c, len, 700) == 0);	/* one short segment */
	SL_CHECK(env.cap.n > 0);
	for (i = 0; i < env.cap.n; i++) {
		struct rte_mbuf *m = env.cap.m[i];
		struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m,
			struct rte_tcp_hdr *, l4);
		uint32_t pay = rte_pktmbuf_pkt_len(m) - l4 - 20;
		uint16_t raw;

		if (th->dst_port != rte_cpu_to_be_16(GPORT) || pay == 0)
			continue;
		sl_vtx_hdr(m, &h);
		SL_CHECK_EQ(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		SL_CHECK_EQ(rte_le_to_cpu_16(h.csum_start), l4);
		SL_CHECK_EQ(rte_le_to_cpu_16(h.csum_offset), 16);
		if (pay > MSS) {
			SL_CHECK_EQ(h.gso_type, fam6 ?
				VIRTIO_NET_HDR_GSO_TCPV6 :
				VIRTIO_NET_HDR_GSO_TCPV4);
			SL_CHECK_EQ(rte_le_to_cpu_16(h.gso_size), MSS);
			SL_CHECK_EQ(rte_le_to_cpu_16(h.hdr_len), l4 + 20);
			gso++;
			continue;
		}
		SL_CHECK_EQ(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		/* the kernel's completion: sum from csum_start, fold, store */
		SL_CHECK(rte_raw_cksum_mbuf(m, l4, rte_pktmbuf_pkt_len(m) - l4,
			&raw) == 0);
		th->cksum = (uint16_t)~raw;
		SL_CHECK((fam6 ? rte_ipv6_udptcp_cksum_mbuf_verify(m,
			rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
			RTE_ETHER_HDR_LEN), l4) :
			rte_ipv4_udptcp_cksum_mbuf_verify(m,
			rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
			RTE_ETHER_HDR_LEN), l4)) == 0);
		csum++;
	}
	SL_CHECK(gso >= len / TSO_MAX);
	SL_CHECK(csum >= 1);	/* the short one */
	/* no offloads: an empty header, the frame as it is */
	{
		struct rte_mbuf *m = env.cap.m[0];
		static const struct virtio_net_hdr zero;

		m->ol_flags &= ~SL_NET_TX_OL_MASK;
		sl_vtx_hdr(m, &h);
		SL_CHECK(memcmp(&h, &zero, sizeof(h)) == 0);
	}
	if (!fam6) {
		/* an IPv4 header checksum left to the port */
		struct rte_mbuf *m = env.cap.m[0];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
		uint16_t want = ip->hdr_checksum;

		ip->hdr_checksum = 0;
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		sl_vtx_hdr(m, &h);
		SL_CHECK_EQ(ip->hdr_checksum, want);
	}
	sl_test_cap_clear(&env);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
