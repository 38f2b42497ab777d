/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_icmp6.c: ICMPv6 on the guest link.
 *
 * Theory of operation
 * -------------------
 * sluice is the guest's IPv6 router, as passt is (its ndp.c): it owns three
 * addresses on the link, the gateway's link-local one (fe80::/64 with the
 * EUI-64 identifier of the gateway MAC: the router address the guest's
 * default route names), --gateway6 and --dns6 (in the prefix); all at the
 * gateway MAC.
 *
 * Neighbour discovery (RFC 4861). A neighbour solicitation for one of those
 * addresses gets a solicited advertisement (router, override flags, the
 * gateway MAC) unicast to its sender. A solicitation from the unspecified
 * address is duplicate address detection: for one of our addresses the
 * guest is about to take the gateway's, so it is defended with an
 * advertisement to all nodes (RFC 4862 5.4.3; ndp_dad_defended); for any
 * other address (the guest's own tentative one) nothing is said and
 * nothing is learned, so the guest's DAD always succeeds and sluice never
 * claims an address of its. Advertisements and solicitations from the
 * guest tell its MAC (lib/neigh learns it: the classifier from every
 * frame's source, here the target of an advertisement); an advertisement
 * claiming one of our addresses is refused (drop_ndp). Every message is
 * checked before use as RFC 4861 7.1 and 6.1 ask: hop limit 255, code 0,
 * length, every option's length non-zero and within the message, no
 * source link-layer option from the unspecified address; drops counted in
 * drop_ndp.
 *
 * Router advertisements (RFC 4861 6.2, RFC 4862, RFC 8106), from the
 * link-local address to all nodes: managed 0, other-config 1 (DHCPv6,
 * lib/dhcp6, answers information requests, and addresses for clients that
 * ask), router lifetime 9000 s, the gateway MAC, the link MTU (when IPv6
 * can use it: 1280 or more), the prefix (on-link, autonomous: the guest
 * forms its address by SLAAC; lifetimes infinite, as passt's) and the DNS
 * address (RDNSS). A router solicitation is answered at once (at most one
 * per SL_RA_MIN_GAP_MS: a faster solicitation is answered when the gap
 * ends); unsolicited ones go out from the port's queue-0 worker at start
 * and at every link-up (lib/neigh's link generation), SL_RA_FAST of them
 * SL_RA_FAST_MS apart, then every SL_RA_INTERVAL_MS.
 *
 * Echo requests to our addresses are answered in place (the request mbuf
 * becomes the reply, extension headers removed). Echo elsewhere is the
 * relay's (lib/icmp, sl_icmp6_echo.c: host ICMPv6 ping sockets); other well-formed messages
 * (MLD reports, errors, a guest's RA) are counted in icmp6_ignored.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "sl_frag.h"
#include "sl_icmp.h"
#include "sl_icmp6.h"
#include "sl_neigh.h"
#include "sl_net6.h"
#include "sl_proto.h"

#define NDP_MAX_LEN	1280	/* longest NDP message read */
#define NDP_NS_LEN	24	/* header, reserved, target */
#define NDP_RS_LEN	8	/* header, reserved */
#define RA_FLAG_OTHER	0x40

static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

/** What the options of an NDP message carry. */
struct ndp_opts {
	const uint8_t *sll;	/* source link-layer address (6 bytes) */
	const uint8_t *tll;	/* target link-layer address */
};

/**
 * ndp_opts - walk the options of an NDP message (RFC 4861 4.6).
 * @o: first option
 * @len: bytes of options
 * @out: the link-layer addresses found
 * Return: 0, or -1 when an option has length 0 or runs past the message.
 */
static int
ndp_opts(const uint8_t *o, uint32_t len, struct ndp_opts *out)
{
	memset(out, 0, sizeof(*out));
	while (len > 0) {
		uint32_t olen;

		if (len < 2)
			return -1;
		olen = (uint32_t)o[1] * 8;
		if (olen == 0 || olen > len)
			return -1;
		if (o[0] == SL_NDP_OPT_SLL && olen == 8)
			out->sll = o + 2;
		else if (o[0] == SL_NDP_OPT_TLL && olen == 8)
			out->tll = o + 2;
		o += olen;
		len -= olen;
	}
	return 0;
}

bool
sl_icmp6_is_ours(const struct sl_worker *w, const uint8_t *a)
{
	return memcmp(a, w->gw_ll6, 16) == 0 ||
		memcmp(a, w->cfg->gateway6, 16) == 0 ||
		memcmp(a, w->cfg->dns6, 16) == 0;
}

/** on_link - whether @a is a guest-link unicast address. */
static bool
on_link(const struct sl_worker *w, const uint8_t *a)
{
	return sl_net6_is_ll(a) || memcmp(a, w->cfg->prefix6, 8) == 0;
}

/**
 * send_icmp6 - build and queue an ICMPv6 message from the gateway MAC.
 * Return: 0, or -1 (no mbuf or room: counted in drop_nomem).
 */
static int
send_icmp6(struct sl_worker *w, const void *msg, uint16_t len,
	const struct rte_ether_addr *dmac, const uint8_t *src,
	const uint8_t *dst, uint8_t hop)
{
	struct rte_mbuf *m = sl_alloc(w);

	if (m == NULL)
		return -1;
	if (sl_net6_build_icmp6(m, msg, len, &w->gw_mac, dmac, src, dst,
	    hop) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return -1;
	}
	sl_tx(w, m);
	return 0;
}

/**
 * send_na - a neighbour advertisement of our address @target: solicited,
 * unicast to @dst at @dmac, or (@dmac NULL) to all nodes.
 */
static void
send_na(struct sl_worker *w, const uint8_t *target, const uint8_t *dst,
	const struct rte_ether_addr *dmac)
{
	uint8_t msg[32] = { SL_ICMP6_NA };
	struct rte_ether_addr mc;

	msg[4] = SL_NA_ROUTER | SL_NA_OVERRIDE;
	if (dmac != NULL)
		msg[4] |= SL_NA_SOLICITED;
	memcpy(msg + 8, target, 16);
	msg[24] = SL_NDP_OPT_TLL;
	msg[25] = 1;
	memcpy(msg + 26, w->gw_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	if (dmac == NULL) {
		sl_net6_mcast_mac(&mc, all_nodes);
		dmac = &mc;
		dst = all_nodes;
	}
	if (send_icmp6(w, msg, sizeof(msg), dmac, target, dst,
	    SL_NDP_HOP_LIMIT) == 0)
		SL_STAT_INC(w->stats, ndp_na_sent);
}

int
sl_icmp6_send_ra(struct sl_worker *w)
{
	const struct sl_config *cfg = w->cfg;
	uint8_t msg[88] = { SL_ICMP6_RA };
	struct rte_ether_addr mc;
	uint16_t len = 16;
	uint32_t v;

	msg[4] = 64;			/* cur hop limit */
	msg[5] = RA_FLAG_OTHER;		/* M=0, O=1 */
	msg[6] = SL_RA_ROUTER_LIFETIME >> 8;
	msg[7] = SL_RA_ROUTER_LIFETIME & 0xff;
	msg[len] = SL_NDP_OPT_SLL;
	msg[len + 1] = 1;
	memcpy(msg + len + 2, w->gw_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	len += 8;
	if (w->mtu >= 1280) {
		msg[len] = SL_NDP_OPT_MTU;
		msg[len + 1] = 1;
		v = rte_cpu_to_be_32(w->mtu);
		memcpy(msg + len + 4, &v, 4);
		len += 8;
	}
	msg[len] = SL_NDP_OPT_PREFIX;
	msg[len + 1] = 4;
	msg[len + 2] = cfg->prefix6_len;
	msg[len + 3] = 0x80 | 0x40;	/* L (on-link), A (autonomous) */
	memset(msg + len + 4, 0xff, 8);	/* valid, preferred: infinite */
	memcpy(msg + len + 16, cfg->prefix6, 16);
	len += 32;
	msg[len] = SL_NDP_OPT_RDNSS;
	msg[len + 1] = 3;
	v = rte_cpu_to_be_32(SL_RA_RDNSS_LIFETIME);
	memcpy(msg + len + 4, &v, 4);
	memcpy(msg + len + 8, cfg->dns6, 16);
	len += 24;
	sl_net6_mcast_mac(&mc, all_nodes);
	if (send_icmp6(w, msg, len, &mc, w->gw_ll6, all_nodes,
	    SL_NDP_HOP_LIMIT) != 0)
		return -1;
	SL_STAT_INC(w->stats, ndp_ra_sent);
	w->icmp6->last_ra_ms = w->now_ms;
	return 0;
}

/**
 * ndp_ns - a neighbour solicitation (RFC 4861 7.1.1, 7.2.3).
 * @msg: the message (@len bytes, at least NDP_NS_LEN)
 */
static void
ndp_ns(struct sl_worker *w, const struct sl_pkt *p, const uint8_t *msg,
	uint32_t len)
{
	const uint8_t *src = p->ip6->src_addr, *target = msg + 8;
	struct rte_ether_addr dmac;
	struct ndp_opts o;
	uint8_t sn[16];

	if (len < NDP_NS_LEN || sl_net6_is_mcast(target) ||
	    ndp_opts(msg + NDP_NS_LEN, len - NDP_NS_LEN, &o) != 0) {
		SL_STAT_INC(w->stats, drop_ndp);
		return;
	}
	SL_STAT_INC(w->stats, ndp_ns_rx);
	if (sl_net6_is_unspec(src)) {
		/* DAD: to the target's solicited-node group, no SLL */
		sl_net6_solicited_node(sn, target);
		if (o.sll != NULL || memcmp(p->ip6->dst_addr, sn, 16) != 0) {
			SL_STAT_INC(w->stats, drop_ndp);
			return;
		}
		if (sl_icmp6_is_ours(w, target)) {
			SL_STAT_INC(w->stats, ndp_dad_defended);
			send_na(w, target, NULL, NULL);
		}
		return;	/* the guest's tentative address: not a word */
	}
	if (!sl_icmp6_is_ours(w, target))
		return;
	if (o.sll != NULL) {
		memcpy(dmac.addr_bytes, o.sll, RTE_ETHER_ADDR_LEN);
		if (w->link != NULL && w->link->learn6 != NULL)
			w->link->learn6(w, src, &dmac, 0);
	} else {
		dmac = p->eth->src_addr;
	}
	send_na(w, target, src, &dmac);
}

/**
 * ndp_na - a neighbour advertisement (RFC 4861 7.1.2): learn the guest
 * address it names; one of ours is refused.
 */
static void
ndp_na(struct sl_worker *w, const struct sl_pkt *p, const uint8_t *msg,
	uint32_t len)
{
	const uint8_t *target = msg + 8;
	struct rte_ether_addr mac;
	struct ndp_opts o;

	if (len < NDP_NS_LEN || sl_net6_is_mcast(target) ||
	    ndp_opts(msg + NDP_NS_LEN, len - NDP_NS_LEN, &o) != 0 ||
	    (sl_net6_is_mcast(p->ip6->dst_addr) &&
	     (msg[4] & SL_NA_SOLICITED)) ||
	    sl_icmp6_is_ours(w, target) || !on_link(w, target)) {
		SL_STAT_INC(w->stats, drop_ndp);
		return;
	}
	if (o.tll != NULL)
		memcpy(mac.addr_bytes, o.tll, RTE_ETHER_ADDR_LEN);
	else
		mac = p->eth->src_addr;
	if (w->link != NULL && w->link->learn6 != NULL)
		w->link->learn6(w, target, &mac, 0);
}

/** ndp_rs - a router solicitation (RFC 4861 6.1.1, 6.2.6). */
static void
ndp_rs(struct sl_worker *w, const struct sl_pkt *p, const uint8_t *msg,
	uint32_t len)
{
	struct sl_icmp6 *st = w->icmp6;
	struct ndp_opts o;

	if (len < NDP_RS_LEN ||
	    ndp_opts(msg + NDP_RS_LEN, len - NDP_RS_LEN, &o) != 0 ||
	    (o.sll != NULL && sl_net6_is_unspec(p->ip6->src_addr))) {
		SL_STAT_INC(w->stats, drop_ndp);
		return;
	}
	SL_STAT_INC(w->stats, ndp_rs_rx);
	if (st->last_ra_ms != 0 &&
	    w->now_ms < st->last_ra_ms + SL_RA_MIN_GAP_MS) {
		/* answered when the gap ends */
		if (st->next_ra_ms > st->last_ra_ms + SL_RA_MIN_GAP_MS)
			st->next_ra_ms = st->last_ra_ms + SL_RA_MIN_GAP_MS;
		return;
	}
	sl_icmp6_send_ra(w);
}

/**
 * echo_local - answer an echo request to one of our addresses in place
 * (a reassembled request longer than the link: the reply in fragments,
 * sl_frag6.c).
 * Return: true (the mbuf is the reply now, queued).
 */
static bool
echo_local(struct sl_worker *w, const struct sl_pkt *p)
{
	struct rte_mbuf *m = p->m;
	uint16_t ext = p->l4_off - p->l3_off - SL_IP6_HLEN;
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip6;
	uint8_t tmp[16];

	if (ext != 0) {		/* the reply carries no extension header */
		memmove(rte_pktmbuf_mtod_offset(m, uint8_t *, ext),
			rte_pktmbuf_mtod(m, uint8_t *),
			p->l3_off + SL_IP6_HLEN);
		rte_pktmbuf_adj(m, ext);
	}
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	eth->dst_addr = eth->src_addr;
	eth->src_addr = w->gw_mac;
	memcpy(tmp, ip6->src_addr, 16);
	memcpy(ip6->src_addr, ip6->dst_addr, 16);
	memcpy(ip6->dst_addr, tmp, 16);
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = 64;
	ip6->payload_len = rte_cpu_to_be_16(p->l4_len);
	*rte_pktmbuf_mtod_offset(m, uint8_t *, p->l3_off + SL_IP6_HLEN) =
		SL_ICMP6_ECHO_REPLY;
	m->l2_len = p->l3_off;
	m->l3_len = SL_IP6_HLEN;
	m->ol_flags = 0;
	sl_net6_l4_cksum(m);
	SL_STAT_INC(w->stats, icmp6_echo_local);
	sl_frag_tx_dgram(w, m);
	return true;
}

/**
 * ndp_input - an NDP message: checked (hop limit 255, code 0, length),
 * read whole, handed to its handler.
 */
static void
ndp_input(struct sl_worker *w, const struct sl_pkt *p, uint8_t type)
{
	uint8_t buf[NDP_MAX_LEN];
	const uint8_t *msg;

	if (p->ip6->hop_limits != SL_NDP_HOP_LIMIT || p->l4[1] != 0 ||
	    p->l4_len > sizeof(buf)) {
		SL_STAT_INC(w->stats, drop_ndp);
		return;
	}
	msg = rte_pktmbuf_read(p->m, p->l4_off, p->l4_len, buf);
	if (msg == NULL) {
		SL_STAT_INC(w->stats, drop_ndp);
		return;
	}
	if (type == SL_ICMP6_NS)
		ndp_ns(w, p, msg, p->l4_len);
	else if (type == SL_ICMP6_NA)
		ndp_na(w, p, msg, p->l4_len);
	else
		ndp_rs(w, p, msg, p->l4_len);
}

bool
sl_icmp6_input(struct sl_worker *w, const struct sl_pkt *p)
{
	uint8_t type = p->l4[0];

	if (sl_net6_is_unspec(p->ip6->src_addr) && type != SL_ICMP6_NS &&
	    type != SL_ICMP6_RS) {
		SL_STAT_INC(w->stats, drop_icmp6);
		return false;
	}
	switch (type) {
	case SL_ICMP6_NS:
	case SL_ICMP6_NA:
	case SL_ICMP6_RS:
		ndp_input(w, p, type);
		return false;
	case SL_ICMP6_ECHO_REQUEST:
		if (sl_icmp6_is_ours(w, p->ip6->dst_addr))
			return echo_local(w, p);
		if (sl_net6_is_mcast(p->ip6->dst_addr)) {
			SL_STAT_INC(w->stats, icmp6_ignored);
			return false;
		}
		return sl_icmp6_echo_input(w, p);
	default:
		SL_STAT_INC(w->stats, icmp6_ignored);
		return false;
	}
}

/**
 * icmp6_tick - the rx_end hook: unsolicited router advertisements, from
 * the queue-0 worker (at start and link-up, then periodically).
 */
static void
icmp6_tick(struct sl_worker *w)
{
	struct sl_icmp6 *st = w->icmp6;
	uint32_t gen;

	if (!w->cfg->ipv6 || w->queue_id != 0 || w->neigh == NULL)
		return;
	gen = sl_neigh_link_gen(w->neigh);
	if (!st->started || gen != st->link_gen) {
		st->started = true;
		st->link_gen = gen;
		st->fast_left = SL_RA_FAST;
		st->next_ra_ms = w->now_ms;
	}
	if (w->now_ms < st->next_ra_ms)
		return;
	sl_icmp6_send_ra(w);
	if (st->fast_left > 0)
		st->fast_left--;
	st->next_ra_ms = w->now_ms + (st->fast_left > 0 ? SL_RA_FAST_MS :
		SL_RA_INTERVAL_MS);
}

/** icmp6_init - the entry's init hook: the module's state. */
static int
icmp6_init(struct sl_worker *w)
{
	w->icmp6 = rte_zmalloc("sl_icmp6", sizeof(*w->icmp6), 0);
	return w->icmp6 == NULL ? -ENOMEM : 0;
}

/** icmp6_fini - the entry's last teardown hook. */
static void
icmp6_fini(struct sl_worker *w)
{
	rte_free(w->icmp6);
	w->icmp6 = NULL;
}

/** ICMPv6 in the protocol table: next header 58 of IPv6 frames. */
const struct sl_proto sl_icmp6_proto = {
	.name = "icmp6",
	.ip6_proto = IPPROTO_ICMPV6,
	.init = icmp6_init,
	.fini = icmp6_fini,
	.input = sl_icmp6_input,
	.rx_end = icmp6_tick,
};
