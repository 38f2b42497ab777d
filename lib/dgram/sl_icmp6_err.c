/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_icmp6_err.c: ICMPv6 errors toward the guest (issue 15), what
 * sl_icmp_err.c does for IPv4, with RFC 4443's messages.
 *  - Hop limit. A guest datagram to an address beyond sluice arriving
 *    with hop limit 1 (or 0) is not sent: time exceeded (code 0) goes back
 *    from the gateway, quoting it. Any other hop limit is decremented and
 *    travels with the datagram (IPV6_HOPLIMIT on the batched send).
 *  - Errors from the network. IPv6 UDP and ICMP sockets queue what their
 *    datagrams meet (IPV6_RECVERR): destination unreachable (codes 0-7:
 *    no route, prohibited, beyond scope, address, port, policy, reject),
 *    packet too big with the MTU, time exceeded (codes 0-1), parameter
 *    problem (codes 0-3, the pointer), and the host's own EMSGSIZE with
 *    its path MTU (sent as packet too big). Each goes to the guest with
 *    the same type and code, from the destination as the guest addressed
 *    it when the destination itself reported, from the gateway when the
 *    host did (its own address, loopback, or a local refusal) or when the
 *    reporter is not an IPv6 address, else from the reporting router.
 *    The quote is rebuilt from the flow: an IPv6 header (hop limit 1 for
 *    time exceeded, else the guest's), then the UDP header and payload
 *    the host kept, or the ICMPv6 message with the guest's echo id back
 *    (sl_icmp_err_quote_l4); cut so that the error fits 1280 bytes.
 *    Other reports are counted in icmp_err_ignored.
 * IPv6 routers never fragment: a guest datagram larger than the host's
 * path takes gets packet too big from the host's queue; frames toward the
 * guest are built within its link.
 */
#include <errno.h>
#include <string.h>

#include "sl_dgflow.h"
#include "sl_icmp6_err.h"
#include "sl_icmp_err.h"
#include "sl_neigh.h"
#include "sl_net6.h"

#define ICMP6_ERR_HLEN		8	/* type, code, checksum, 32 bits */
#define ICMP6_ERR_HOP_LIMIT	64	/* hop limit of the errors sent */
#define ICMP6_QUOTE_MAX		(SL_ICMP6_ERR_MAX - SL_IP6_HLEN - \
	ICMP6_ERR_HLEN)

/**
 * gw_src6 - the gateway address the guest hears sluice from at @dst: the
 * link-local one for a link-local guest address, else --gateway6.
 */
static const uint8_t *
gw_src6(const struct sl_worker *w, const uint8_t *dst)
{
	return sl_net6_is_ll(dst) ? w->gw_ll6 : w->cfg->gateway6;
}

int
sl_icmp6_err_to_guest(struct sl_worker *w, const uint8_t *src, uint8_t type,
	uint8_t code, uint32_t rest, const uint8_t *quote, uint32_t qlen)
{
	const uint8_t *dst;
	struct rte_mbuf *m;
	uint32_t room;

	if (qlen < SL_IP6_HLEN || w->tx_mtu < SL_IP6_HLEN + ICMP6_ERR_HLEN +
	    SL_IP6_HLEN) {
		SL_STAT_INC(w->stats, drop_icmp6);
		return -1;
	}
	/* to the source of the packet it quotes */
	dst = quote + offsetof(struct rte_ipv6_hdr, src_addr);
	if (src == NULL)
		src = gw_src6(w, dst);
	room = RTE_MIN((uint32_t)SL_ICMP6_ERR_MAX, (uint32_t)w->tx_mtu) -
		SL_IP6_HLEN;
	m = sl_icmp_err_build(w, room, type, code, rest, quote, qlen);
	if (m == NULL)
		return -1;
	if (sl_net_prepend_ipv6(m, &w->gw_mac, NULL, src, dst,
	    IPPROTO_ICMPV6, ICMP6_ERR_HOP_LIMIT) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return -1;
	}
	sl_net6_l4_cksum(m);
	SL_STAT_INC(w->stats, icmp_err_tx);
	sl_neigh_tx6(w, m, dst);
	return 0;
}

/** ours - whether @a is one of sluice's own IPv6 addresses. */
static bool
ours(const struct sl_worker *w, const uint8_t *a)
{
	return memcmp(a, w->gw_ll6, 16) == 0 ||
		memcmp(a, w->cfg->gateway6, 16) == 0 ||
		memcmp(a, w->cfg->dns6, 16) == 0;
}

bool
sl_icmp6_err_hop(struct sl_worker *w, const struct sl_pkt *p, uint8_t *hop)
{
	uint8_t buf[ICMP6_QUOTE_MAX];
	uint8_t h = p->ip6->hop_limits;
	const uint8_t *q;
	uint32_t qlen;

	*hop = 0;
	if (ours(w, p->ip6->dst_addr))
		return false;	/* for sluice itself: nothing to forward */
	if (h > 1) {
		*hop = (uint8_t)(h - 1);
		return false;
	}
	SL_STAT_INC(w->stats, ttl_expired);
	qlen = RTE_MIN(rte_pktmbuf_pkt_len(p->m) - p->l3_off,
		(uint32_t)sizeof(buf));
	q = rte_pktmbuf_read(p->m, p->l3_off, qlen, buf);
	if (q != NULL)
		sl_icmp6_err_to_guest(w, NULL, SL_ICMP6_TIME_EXCEEDED, 0, 0,
			q, qlen);
	return true;
}

/**
 * err_icmp6 - the ICMPv6 error a host report stands for.
 * Return: true, with @type, @code and @rest set, when there is one.
 */
static bool
err_icmp6(const struct sl_host_dgerr *e, uint8_t *type, uint8_t *code,
	uint32_t *rest)
{
	*rest = 0;
	*code = 0;
	if (e->origin == SL_HOST_ERR_LOCAL) {
		/* the host's own path MTU refused a datagram */
		if (e->err != EMSGSIZE || e->info == 0)
			return false;
		*type = SL_ICMP6_PKT_TOO_BIG;
		*rest = e->info;
		return true;
	}
	*type = e->type;
	*code = e->code;
	switch (e->type) {
	case SL_ICMP6_DEST_UNREACH:
		return e->code <= 7;
	case SL_ICMP6_PKT_TOO_BIG:
		*rest = e->info;
		return e->code == 0 && e->info >= 1280;
	case SL_ICMP6_TIME_EXCEEDED:
		return e->code <= 1;
	case SL_ICMP6_PARAM_PROBLEM:
		*rest = e->info;	/* the pointer */
		return e->code <= 3;
	}
	return false;
}

/**
 * err_src6 - the address the guest hears an error of flow @f from (NULL:
 * the gateway): the destination it addressed when that destination
 * reported, the gateway when the host itself did or the reporter is not
 * IPv6, else the reporting router.
 */
static const uint8_t *
err_src6(const struct sl_flow *f, const struct sl_host_dgerr *e)
{
	struct sl_addr o = sl_sockaddr_addr(&e->offender);
	struct sl_addr d = sl_sockaddr_addr(&f->host_dst);
	bool v6 = e->offender.sa.sa_family == AF_INET6 && !sl_addr_is_v4(&o) &&
		!sl_addr_is_any(&o);

	if (e->origin == SL_HOST_ERR_ICMP && v6 && sl_addr_eq(&o, &d))
		return f->key.dip.b;
	if (e->origin != SL_HOST_ERR_ICMP || !v6 || e->offender_local)
		return NULL;
	return e->offender.in6.sin6_addr.s6_addr;
}

/**
 * quote_rebuild6 - the guest datagram of flow @f an error of @type is
 * about, as the guest sent it: IPv6 header, then what
 * sl_icmp_err_quote_l4 rebuilds from the @plen bytes the host kept.
 * @q: output, ICMP6_QUOTE_MAX bytes
 * Return: the quote's length.
 */
static uint32_t
quote_rebuild6(const struct sl_worker *w, const struct sl_flow *f,
	uint8_t type, const uint8_t *pl, uint32_t plen, uint8_t *q)
{
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)q;
	uint32_t l4len = sl_icmp_err_quote_l4(f, pl, plen, q + SL_IP6_HLEN,
		ICMP6_QUOTE_MAX - SL_IP6_HLEN);

	memset(ip6, 0, SL_IP6_HLEN);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)l4len);
	ip6->proto = f->proto == IPPROTO_UDP ? IPPROTO_UDP : IPPROTO_ICMPV6;
	ip6->hop_limits = type == SL_ICMP6_TIME_EXCEEDED ? 1 :
		sl_dgflow_of(w, f)->ttl;
	memcpy(ip6->src_addr, f->key.gip.b, 16);
	memcpy(ip6->dst_addr, f->key.dip.b, 16);
	return SL_IP6_HLEN + l4len;
}

bool
sl_icmp6_err_relay(struct sl_worker *w, struct sl_flow *f,
	const struct sl_host_dgerr *e, const uint8_t *pl, uint32_t plen)
{
	uint8_t q[ICMP6_QUOTE_MAX];
	uint8_t type, code;
	uint32_t rest, qlen;

	if (!err_icmp6(e, &type, &code, &rest))
		return false;
	qlen = quote_rebuild6(w, f, type, pl, plen, q);
	sl_icmp6_err_to_guest(w, err_src6(f, e), type, code, rest, q, qlen);
	return true;
}
