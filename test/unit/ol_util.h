/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * ol_util.h: what the offload tests share (test_offload.c: checksum offload
 * and large segments between sluice and a vhost-user guest; test_vnet.c:
 * the virtio-net headers of a net_af_packet port's packet sockets): the
 * environment of one case over IPv4 or IPv6 (OL_TEST), guest TCP frames
 * with pattern payload, the frames sluice sent decoded, a connection's
 * handshake, host data and guest ACKs.
 */
#ifndef OL_UTIL_H
#define OL_UTIL_H

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

#include "sl_host_mem.h"
#include "sl_net.h"
#include "sl_net6.h"
#include "sl_tcp.h"
#include "sl_test.h"
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

/**
 * ol_env - a manual-clock environment, MTU 1500 (as a vhost-user guest with
 * --mtu 1500), IPv6 on for an IPv6 case (its start-up router advertisement
 * cleared). Return: 0 or -1.
 */
static inline int
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

static inline uint8_t
pat(uint32_t off)
{
	return (uint8_t)(off * 31u + (off >> 8) + 7u);
}

static inline void
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
static inline struct rte_mbuf *
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
	sl_test_tcp_hdr(th, GPORT, DST_PORT, seq, ack, flags, win, opt,
		optlen);
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
static inline unsigned int
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
static inline uint16_t
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
static inline int
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
static inline int
gack(struct gconn *c, uint32_t upto)
{
	struct rte_mbuf *m = guest_frame(F_ACK, c->gseq, c->iss + 1 + upto,
		65535, NULL, 0, 0, 0, 2048, false);

	HCHECK(m != NULL);
	sl_test_input(&env, m);
	return 0;
}

/* The host peer sends @len pattern bytes from offset @off; one iteration. */
static inline int
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

static inline bool
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

#endif /* OL_UTIL_H */
