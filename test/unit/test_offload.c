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
 * of its own, TX_IPV6 and the IPv6 pseudo-header). The virtio-net header
 * a net_af_packet port's tx socket puts in front of those frames
 * (sl_vtx_hdr) is checked the same way: the kernel's completion of a
 * NEEDS_CSUM frame must give the full checksum; the header its rx socket
 * reads in front of the guest's frames (sl_vrx_offload) must give the rx
 * flags the parser trusts.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_vhost.h>

#include "sl_host_mem.h"
#include "sl_offload.h"
#include "sl_net.h"
#include "sl_net6.h"
#include "sl_tcp.h"
#include "sl_test.h"
#include "sl_vrx.h"
#include "sl_vtx.h"
#include "sl_worker.h"

#define STAT(c)		SL_STAT_READ(env.w.stats, SL_STAT_##c)

#define IP4(a, b, c, d)	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	((uint32_t)(c) << 8) | (uint32_t)(d))
#define GUEST_IP	IP4(10, 0, 2, 15)
#define DST_IP		IP4(192, 0, 2, 10)
#define GUEST6		"fec0::5054:ff:fe12:3456"	/* SLAAC of its MAC */
#define DST6		"2001:db8:100::1"
#define DST_PORT	80
#define GPORT		40000
#define MSS		(fam6 ? 1440 : 1460)	/* the guest's, MTU 1500 */
#define GWS		7		/* the guest's window shift */
#define TSO_MAX		(65535 - 40)
#define L3_LEN		(fam6 ? 40 : 20)
#define TX_IP		(fam6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4)
#define TXOL_TSO	(fam6 ? SL_TXOL_TSO6 : SL_TXOL_TSO4)

#define F_SYN RTE_TCP_SYN_FLAG
#define F_PSH RTE_TCP_PSH_FLAG
#define F_ACK RTE_TCP_ACK_FLAG

static struct sl_test_env env;
static bool fam6;	/* this case runs over IPv6 */
static uint8_t guest6[16], dst6[16];

/* Fail an int helper (return -1) unless @cond holds. */
#define HCHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: helper check failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		return -1;						\
	}								\
} while (0)

/**
 * ol_env - a manual-clock environment, MTU 1500 (as a vhost-user guest with
 * --mtu 1500), IPv6 on for an IPv6 case (its start-up router advertisement
 * cleared). Return: 0 or -1.
 */
static int
ol_env(bool v6)
{
	struct sl_config cfg;

	fam6 = v6;
	HCHECK(inet_pton(AF_INET6, GUEST6, guest6) == 1);
	HCHECK(inet_pton(AF_INET6, DST6, dst6) == 1);
	HCHECK(sl_test_eal() == 0);
	sl_config_defaults(&cfg);
	cfg.ipv6 = v6;
	cfg.dns_fwd = RTE_BE32(RTE_IPV4(127, 0, 0, 53));
	cfg.max_flows = 64;
	HCHECK(sl_test_env_init_manual(&env, &cfg) == 0);
	if (v6) {
		sl_test_input(&env, NULL);
		sl_test_cap_clear(&env);
	}
	return 0;
}

/* One case, run over IPv4 as offload_NAME and over IPv6 as offload6_NAME. */
#define OL_TEST(name)							\
	static void body_##name(void);					\
	SL_TEST(offload_##name)						\
	{								\
		SL_CHECK(ol_env(false) == 0);				\
		body_##name();						\
		sl_test_env_fini(&env);					\
	}								\
	SL_TEST(offload6_##name)					\
	{								\
		SL_CHECK(ol_env(true) == 0);				\
		body_##name();						\
		sl_test_env_fini(&env);					\
	}								\
	static void body_##name(void)

static uint8_t
pat(uint32_t off)
{
	return (uint8_t)(off * 31u + (off >> 8) + 7u);
}

static void
step(void)
{
	sl_worker_step(&env.w, NULL, 0);
}

/**
 * guest_frame - a guest TCP segment 10.0.2.15:GPORT -> 192.0.2.10:80 (over
 * IPv6 GUEST6 -> DST6) with @len pattern bytes from stream offset @off, in
 * a chain of mbufs of at most @seg bytes each (the first holds the
 * headers), valid IPv4 checksum and a valid TCP checksum unless @bad_cksum
 * (then 0xdead).
 */
static struct rte_mbuf *
guest_frame(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
	const uint8_t *opt, uint8_t optlen, uint32_t off, uint32_t len,
	uint16_t seg, bool bad_cksum)
{
	uint8_t hl = (uint8_t)(sizeof(struct rte_tcp_hdr) + optlen);
	struct rte_mbuf *m, *last;
	struct rte_tcp_hdr *th;
	uint32_t done = 0;

	m = rte_pktmbuf_alloc(env.w.mp);
	if (m == NULL)
		return NULL;
	th = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, hl);
	if (th == NULL)
		goto fail;
	memset(th, 0, hl);
	th->src_port = rte_cpu_to_be_16(GPORT);
	th->dst_port = rte_cpu_to_be_16(DST_PORT);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)((hl / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(win);
	if (optlen > 0)
		memcpy(th + 1, opt, optlen);
	last = m;
	while (done < len) {
		uint32_t room = rte_pktmbuf_tailroom(last), i, take;
		uint8_t *d;

		if (last->data_len >= seg || room == 0) {
			struct rte_mbuf *n = rte_pktmbuf_alloc(env.w.mp);

			if (n == NULL || rte_pktmbuf_chain(m, n) != 0) {
				rte_pktmbuf_free(n);
				goto fail;
			}
			last = n;
			continue;
		}
		take = RTE_MIN(RTE_MIN(room, (uint32_t)seg - last->data_len),
			len - done);
		d = rte_pktmbuf_mtod_offset(last, uint8_t *, last->data_len);
		for (i = 0; i < take; i++)
			d[i] = pat(off + done + i);
		last->data_len = (uint16_t)(last->data_len + take);
		m->pkt_len += take;
		done += take;
	}
	if (fam6 ? sl_net_prepend_ipv6(m, &sl_test_guest_mac, &env.w.gw_mac,
	    guest6, dst6, IPPROTO_TCP, 64) :
	    sl_net_prepend_ipv4(m, &sl_test_guest_mac, &env.w.gw_mac,
	    rte_cpu_to_be_32(GUEST_IP), rte_cpu_to_be_32(DST_IP),
	    IPPROTO_TCP) != 0)
		goto fail;
	sl_net_l4_cksum(m);
	if (bad_cksum) {
		th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *,
			m->l2_len + m->l3_len);
		th->cksum = RTE_BE16(0xdead);
	}
	return m;
fail:
	rte_pktmbuf_free(m);
	return NULL;
}

/** One frame sluice sent to the guest port GPORT, decoded. */
struct oseg {
	uint8_t flags;
	uint32_t seq, ack, len;
	uint64_t ol_flags;
	uint16_t l2_len, l3_len, l4_len, tso_segsz;
	uint16_t cksum;		/**< TCP checksum field as sent */
	uint16_t phdr;		/**< pseudo-header sum for its ol_flags */
	bool cksum_ok;		/**< a full checksum, valid as sent */
	bool completed_ok;	/**< valid after completing it as a NIC */
};

#define OUT_MAX 256
static struct oseg out[OUT_MAX];
static unsigned int n_out;
static uint8_t stream[1 << 20];	/* guest-bound payload by stream offset */
static bool out_bad;

/**
 * take_out - decode the captured frames to GPORT (payload copied into
 * stream[] at seq - @iss - 1), then free the capture. For a frame that
 * asks for checksum offload without TSO, completes the TCP checksum like
 * a NIC (one's complement sum from the TCP header on, the field holding
 * the pseudo-header sum) and runs sl_net_parse on the result.
 * Return: the number of frames.
 */
static unsigned int
take_out(uint32_t iss)
{
	unsigned int i;

	n_out = 0;
	out_bad = false;
	for (i = 0; i < env.cap.n; i++) {
		struct rte_mbuf *m = env.cap.m[i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
		const struct rte_ipv6_hdr *ip6 = (const void *)ip;
		const uint16_t l4 = (uint16_t)(RTE_ETHER_HDR_LEN + L3_LEN);
		struct rte_tcp_hdr *th;
		uint16_t hl, tot, raw;
		struct oseg *o;
		struct sl_pkt p;
		enum sl_stat why;

		if ((ip->version_ihl >> 4) != (fam6 ? 6 : 4) ||
		    (fam6 ? ip6->proto : ip->next_proto_id) != IPPROTO_TCP)
			continue;
		th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, l4);
		if (th->dst_port != rte_cpu_to_be_16(GPORT))
			continue;
		if (n_out == OUT_MAX) {
			out_bad = true;
			break;
		}
		o = &out[n_out++];
		hl = (uint16_t)((th->data_off >> 4) * 4);
		tot = fam6 ? (uint16_t)(rte_be_to_cpu_16(ip6->payload_len) + 40) :
			rte_be_to_cpu_16(ip->total_length);
		o->flags = th->tcp_flags;
		o->seq = rte_be_to_cpu_32(th->sent_seq);
		o->ack = rte_be_to_cpu_32(th->recv_ack);
		o->len = (uint32_t)(tot - L3_LEN - hl);
		o->ol_flags = m->ol_flags;
		o->l2_len = m->l2_len;
		o->l3_len = m->l3_len;
		o->l4_len = m->l4_len;
		o->tso_segsz = m->tso_segsz;
		o->cksum = th->cksum;
		o->phdr = fam6 ? rte_ipv6_phdr_cksum(ip6, m->ol_flags) :
			rte_ipv4_phdr_cksum(ip, m->ol_flags);
		o->cksum_ok = (fam6 ?
			rte_ipv6_udptcp_cksum_mbuf_verify(m, ip6, l4) :
			rte_ipv4_udptcp_cksum_mbuf_verify(m, ip, l4)) == 0;
		o->completed_ok = false;
		if ((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) ==
		    RTE_MBUF_F_TX_TCP_CKSUM &&
		    !(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) &&
		    rte_raw_cksum_mbuf(m, l4, tot - L3_LEN, &raw) == 0) {
			th->cksum = (uint16_t)~raw;
			o->completed_ok = sl_net_parse(m, &p, &why) == 0;
		}
		if (o->len > 0) {
			uint32_t at = o->seq - iss - 1;
			const void *d;

			if (at + o->len > sizeof(stream)) {
				out_bad = true;
				continue;
			}
			d = rte_pktmbuf_read(m, l4 + hl, o->len, stream + at);
			if (d == NULL)
				out_bad = true;
			else if (d != stream + at)
				memcpy(stream + at, d, o->len);
		}
	}
	sl_test_cap_clear(&env);
	return n_out;
}

/* the pseudo-header sum of a guest-bound TSO frame: no length */
static uint16_t
phdr_no_len(void)
{
	uint32_t s = 0;
	unsigned int i;

	if (fam6) {
		for (i = 0; i < 16; i += 2)
			s += (uint32_t)(dst6[i] << 8 | dst6[i + 1]) +
				(uint32_t)(guest6[i] << 8 | guest6[i + 1]);
	} else {
		s += (DST_IP >> 16) + (DST_IP & 0xffff);
		s += (GUEST_IP >> 16) + (GUEST_IP & 0xffff);
	}
	s += IPPROTO_TCP;
	s = (s >> 16) + (s & 0xffff);
	s += s >> 16;
	return rte_cpu_to_be_16((uint16_t)s);
}

/** The guest's side of the one connection of a case. */
struct gconn {
	uint32_t gseq;		/**< guest's next sequence number */
	uint32_t iss;		/**< sluice's ISN */
	int hd;			/**< host handle */
};

/**
 * handshake - SYN (MSS 1460, window scale 7, window 65535), SYN-ACK, ACK;
 * the host connects at once (the mem host's default).
 */
static int
handshake(struct gconn *c)
{
	const uint8_t opt[8] = { 2, 4, MSS >> 8, MSS & 0xff, 1, 3, 3, GWS };
	union sl_sockaddr sa;
	struct rte_mbuf *m;

	c->gseq = 0x1000;
	m = guest_frame(F_SYN, c->gseq, 0, 65535, opt, sizeof(opt), 0, 0,
		2048, false);
	HCHECK(m != NULL);
	sl_test_input(&env, m);
	/* the SYN-ACK: ISS unknown yet, decode it by hand */
	HCHECK(env.cap.n == 1);
	{
		const struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(
			env.cap.m[0], const struct rte_tcp_hdr *,
			RTE_ETHER_HDR_LEN + L3_LEN);

		HCHECK(th->tcp_flags == (F_SYN | F_ACK));
		c->iss = rte_be_to_cpu_32(th->sent_seq);
	}
	HCHECK(take_out(c->iss - 1) == 1 && !out_bad);
	c->gseq++;
	memset(&sa, 0, sizeof(sa));
	if (fam6) {
		sa.in6.sin6_family = AF_INET6;
		sa.in6.sin6_port = rte_cpu_to_be_16(DST_PORT);
		memcpy(&sa.in6.sin6_addr, dst6, 16);
	} else {
		sa.in.sin_family = AF_INET;
		sa.in.sin_port = rte_cpu_to_be_16(DST_PORT);
		sa.in.sin_addr.s_addr = rte_cpu_to_be_32(DST_IP);
	}
	c->hd = sl_host_mem_find(env.host, SL_HOST_TCP, &sa);
	HCHECK(c->hd >= 0);
	m = guest_frame(F_ACK, c->gseq, c->iss + 1, 65535, NULL, 0, 0, 0,
		2048, false);
	HCHECK(m != NULL);
	sl_test_input(&env, m);
	HCHECK(take_out(c->iss) == 0);
	return 0;
}

/* The guest acknowledges everything up to stream offset @upto. */
static int
gack(struct gconn *c, uint32_t upto)
{
	struct rte_mbuf *m = guest_frame(F_ACK, c->gseq, c->iss + 1 + upto,
		65535, NULL, 0, 0, 0, 2048, false);

	HCHECK(m != NULL);
	sl_test_input(&env, m);
	return 0;
}

/* The host peer sends @len pattern bytes from offset @off; one iteration. */
static int
host_push(const struct gconn *c, uint32_t off, uint32_t len)
{
	static uint8_t buf[1 << 20];
	uint32_t i;

	HCHECK(len <= sizeof(buf));
	for (i = 0; i < len; i++)
		buf[i] = pat(off + i);
	HCHECK(sl_host_mem_push(env.host, c->hd, buf, len) == 0);
	step();
	return 0;
}

static bool
stream_ok(uint32_t off, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (stream[off + i] != pat(off + i)) {
			fprintf(stderr, "  stream byte %u wrong\n", off + i);
			return false;
		}
	return true;
}

/* ------------------------------------------------------------------ */
/* guest -> sluice                                                      */

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
