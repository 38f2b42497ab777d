/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_icmp_err.c: ICMP errors toward the guest.
 *
 * Theory of operation: sluice is one router hop between the guest and the
 * host's network, so the guest must hear what a router would tell it.
 *  - TTL. A guest UDP datagram or echo request to an address beyond
 *    sluice arriving with TTL 1 (or 0) is not sent: time exceeded goes
 *    back from the gateway address, quoting the datagram itself. Any other
 *    TTL is decremented and travels with the datagram to its host socket
 *    (an IP_TTL control message in the batched send, sl_host_msg.ttl), so
 *    the routers past the host see the TTL the guest chose, less one.
 *  - Errors from the network. Host UDP and ICMP sockets queue the errors
 *    their datagrams meet (IP_RECVERR): port, host and network
 *    unreachable, fragmentation needed with the next-hop MTU, time
 *    exceeded, parameter problem, and the host's own EMSGSIZE. A queued
 *    error raises the socket's error event; sl_icmp_err_drain reads the
 *    queue and sends each as the same ICMP type and code, from the address
 *    that reported it: the destination as the guest addressed it when the
 *    destination itself reported (so a port unreachable from the DNS
 *    forwarder or the host's loopback comes from the DNS or gateway
 *    address), the gateway address when the host reported (its own
 *    address, loopback, or a local refusal), else the router's address.
 *    The quote is rebuilt: an IPv4 header from the flow's tuple, then the
 *    UDP header from the tuple and the payload the host kept, or the ICMP
 *    message the host kept with the guest's echo id put back; enough for
 *    the guest's stack to find the socket (a connected UDP socket gets
 *    ECONNREFUSED) and for traceroute to match its probe.
 * Every message is built by sl_icmp_err_fill, which knows nothing of IPv4
 * (ICMPv6 errors have the same layout).
 */
#include <errno.h>
#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "sl_dgflow.h"
#include "sl_icmp6_err.h"
#include "sl_icmp_err.h"
#include "sl_net6.h"
#include "sl_neigh.h"

#define SL_ICMP_ERR_BUDGET 16	/* errors relayed per host event */
#define SL_ICMP_ERR_HLEN 8	/* type, code, checksum, 32-bit field */

uint32_t
sl_icmp_err_fill(uint8_t *buf, uint32_t room, uint8_t type, uint8_t code,
	uint32_t rest, const uint8_t *quote, uint32_t qlen)
{
	uint32_t n = RTE_MIN(qlen, room - SL_ICMP_ERR_HLEN);

	buf[0] = type;
	buf[1] = code;
	buf[2] = buf[3] = 0;
	buf[4] = (uint8_t)(rest >> 24);
	buf[5] = (uint8_t)(rest >> 16);
	buf[6] = (uint8_t)(rest >> 8);
	buf[7] = (uint8_t)rest;
	memcpy(buf + SL_ICMP_ERR_HLEN, quote, n);
	return SL_ICMP_ERR_HLEN + n;
}

struct rte_mbuf *
sl_icmp_err_build(struct sl_worker *w, uint32_t room, uint8_t type,
	uint8_t code, uint32_t rest, const uint8_t *quote, uint32_t qlen)
{
	struct rte_mbuf *m = sl_alloc(w);
	uint8_t *buf;
	uint32_t n;

	if (m == NULL)
		return NULL;
	room = RTE_MIN(room, (uint32_t)rte_pktmbuf_tailroom(m));
	buf = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)room);
	n = buf != NULL ? sl_icmp_err_fill(buf, room, type, code, rest, quote,
		qlen) : 0;
	if (n == 0 || rte_pktmbuf_trim(m, (uint16_t)(room - n)) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return NULL;
	}
	return m;
}

int
sl_icmp_err_to_guest(struct sl_worker *w, uint32_t src, uint8_t type,
	uint8_t code, uint32_t rest, const uint8_t *quote, uint32_t qlen)
{
	uint32_t room = SL_ICMP_ERR_MAX - sizeof(struct rte_ipv4_hdr);
	uint32_t dst = w->cfg->guest_addr;
	struct rte_mbuf *m;

	/* to the host whose datagram it quotes (QUOTE_MIN covers the
	 * IPv4 header) */
	if (qlen >= SL_ICMP_ERR_QUOTE_MIN)
		memcpy(&dst, quote + offsetof(struct rte_ipv4_hdr, src_addr),
			sizeof(dst));

	if (qlen < SL_ICMP_ERR_QUOTE_MIN || w->tx_mtu < SL_ICMP_ERR_QUOTE_MIN +
	    SL_ICMP_ERR_HLEN + sizeof(struct rte_ipv4_hdr)) {
		SL_STAT_INC(w->stats, drop_icmp);
		return -1;
	}
	room = RTE_MIN(room, (uint32_t)w->tx_mtu -
		(uint32_t)sizeof(struct rte_ipv4_hdr));
	m = sl_icmp_err_build(w, room, type, code, rest, quote, qlen);
	if (m == NULL)
		return -1;
	if (sl_net_prepend_ipv4(m, &w->gw_mac, NULL, src, dst,
	    IPPROTO_ICMP) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return -1;
	}
	sl_net_l4_cksum(m);
	SL_STAT_INC(w->stats, icmp_err_tx);
	sl_neigh_tx(w, m, dst);
	return 0;
}

bool
sl_icmp_err_ttl(struct sl_worker *w, const struct sl_pkt *p, uint8_t *ttl)
{
	uint8_t buf[SL_ICMP_ERR_QUOTE_MAX];
	uint8_t t = p->ip->time_to_live;
	const uint8_t *q;
	uint32_t qlen;

	*ttl = 0;
	if (p->ip->dst_addr == w->cfg->gateway ||
	    p->ip->dst_addr == w->cfg->dns)
		return false;	/* for sluice itself: nothing to forward */
	if (t > 1) {
		*ttl = (uint8_t)(t - 1);
		return false;
	}
	SL_STAT_INC(w->stats, ttl_expired);
	qlen = RTE_MIN(rte_pktmbuf_pkt_len(p->m) - p->l3_off,
		(uint32_t)sizeof(buf));
	q = rte_pktmbuf_read(p->m, p->l3_off, qlen, buf);
	if (q != NULL)
		sl_icmp_err_to_guest(w, w->cfg->gateway, SL_ICMP_TIME_EXCEEDED,
			0, 0, q, qlen);
	return true;
}

bool
sl_icmp_err_async(int rc)
{
	switch (-rc) {
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENOPROTOOPT:
	case EPROTO:
	case EMSGSIZE:
		return true;
	}
	return false;
}

void
sl_icmp_err_send_failed(struct sl_worker *w, const struct rte_mbuf *m,
	int rc)
{
	uint8_t buf[SL_ICMP_ERR_QUOTE_MAX];
	uint32_t qlen, off = RTE_ETHER_HDR_LEN;	/* as sl_net_parse */
	const uint8_t *q;
	uint8_t code;

	switch (-rc) {
	case ENETUNREACH:
		code = 0;
		break;
	case EHOSTUNREACH:
		code = 1;
		break;
	case EPERM:
	case EACCES:
		code = 13;	/* communication administratively prohibited */
		break;
	default:
		return;
	}
	if (rte_pktmbuf_pkt_len(m) < off + SL_ICMP_ERR_QUOTE_MIN)
		return;
	qlen = RTE_MIN(rte_pktmbuf_pkt_len(m) - off, (uint32_t)sizeof(buf));
	q = rte_pktmbuf_read(m, off, qlen, buf);
	if (q != NULL)
		sl_icmp_err_to_guest(w, w->cfg->gateway, SL_ICMP_DEST_UNREACH,
			code, 0, q, qlen);
}

/**
 * err_icmp - the ICMP error a host report stands for.
 * Return: true, with @type, @code and @rest set, when there is one.
 */
static bool
err_icmp(const struct sl_host_dgerr *e, uint8_t *type, uint8_t *code,
	uint32_t *rest)
{
	*rest = 0;
	if (e->origin == SL_HOST_ERR_LOCAL) {
		/* the host's own path MTU refused a datagram kept whole */
		if (e->err != EMSGSIZE || e->info == 0)
			return false;
		*type = SL_ICMP_DEST_UNREACH;
		*code = SL_ICMP_FRAG_NEEDED;
		*rest = e->info & 0xffff;
		return true;
	}
	*type = e->type;
	*code = e->code;
	switch (e->type) {
	case SL_ICMP_DEST_UNREACH:
		if (e->code == SL_ICMP_FRAG_NEEDED)
			*rest = e->info & 0xffff;
		return e->code <= 15;
	case SL_ICMP_TIME_EXCEEDED:
		return e->code <= 1;
	case SL_ICMP_PARAM_PROBLEM:
		*rest = (e->info & 0xff) << 24;	/* the pointer */
		return e->code <= 2;
	}
	return false;
}

/**
 * err_src - the address the guest hears an error of flow @f from: the
 * destination it addressed when that destination reported, the gateway
 * when the host itself did, else the reporting router.
 */
static uint32_t
err_src(const struct sl_worker *w, const struct sl_flow *f,
	const struct sl_host_dgerr *e)
{
	struct sl_addr o = sl_sockaddr_addr(&e->offender);
	struct sl_addr d = sl_sockaddr_addr(&f->host_dst);
	/* an IPv6 reporter cannot be named in an IPv4 error: the gateway */
	uint32_t a = sl_addr_is_v4(&o) ? sl_addr_get_v4(&o) : 0;

	if (e->origin == SL_HOST_ERR_ICMP && a != 0 && sl_addr_eq(&o, &d))
		return f->key.daddr;
	if (e->origin != SL_HOST_ERR_ICMP || a == 0 || e->offender_local)
		return w->cfg->gateway;
	return a;
}

/** cksum_adjust - RFC 1624: checksum @ck after a 16-bit word changes. */
static uint16_t
cksum_adjust(uint16_t ck, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint32_t)(uint16_t)~ck + (uint16_t)~old + new;

	return (uint16_t)~sl_net_cksum_fold(sum);
}

uint32_t
sl_icmp_err_quote_l4(const struct sl_flow *f, const uint8_t *pl,
	uint32_t plen, uint8_t *l4, uint32_t room)
{
	uint32_t l4len;

	if (f->proto == IPPROTO_UDP) {
		struct rte_udp_hdr *uh = (struct rte_udp_hdr *)l4;

		plen = RTE_MIN(plen, room - (uint32_t)sizeof(*uh));
		uh->src_port = f->key.gport;
		uh->dst_port = f->key.dport;
		uh->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*uh) +
			plen));
		uh->dgram_cksum = 0;
		memcpy(uh + 1, pl, plen);
		l4len = (uint32_t)sizeof(*uh) + plen;
	} else {
		struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)l4;
		uint16_t id;

		l4len = RTE_MIN(plen, room);
		if (l4len < sizeof(*ic)) {
			memset(ic, 0, sizeof(*ic));
			ic->icmp_type = f->key.family == AF_INET6 ?
				SL_ICMP6_ECHO_REQUEST :
				RTE_IP_ICMP_ECHO_REQUEST;
		}
		memcpy(l4, pl, l4len);
		l4len = RTE_MAX(l4len, (uint32_t)sizeof(*ic));
		id = ic->icmp_ident;
		ic->icmp_ident = f->key.gport;
		ic->icmp_cksum = cksum_adjust(ic->icmp_cksum, id,
			f->key.gport);
	}
	return l4len;
}

/**
 * quote_rebuild - the guest datagram of flow @f an error is about, as the
 * guest sent it: IPv4 header, then the datagram sl_icmp_err_quote_l4
 * rebuilds from the @plen bytes the host kept (@pl).
 * @w: worker
 * @f: flow
 * @type: the error's ICMP type
 * @code: its code
 * @pl: what the host kept
 * @plen: its length
 * @q: output, SL_ICMP_ERR_QUOTE_MAX bytes
 *
 * Return: the quote's length.
 */
static uint32_t
quote_rebuild(const struct sl_worker *w, const struct sl_flow *f,
	uint8_t type, uint8_t code, const uint8_t *pl, uint32_t plen,
	uint8_t *q)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)q;
	uint32_t l4len = sl_icmp_err_quote_l4(f, pl, plen, q + sizeof(*ip),
		SL_ICMP_ERR_QUOTE_MAX - sizeof(*ip));

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + l4len));
	if (type == SL_ICMP_DEST_UNREACH && code == SL_ICMP_FRAG_NEEDED)
		ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = type == SL_ICMP_TIME_EXCEEDED ? 1 :
		sl_dgflow_of(w, f)->ttl;
	ip->next_proto_id = f->proto;
	ip->src_addr = f->key.gaddr;
	ip->dst_addr = f->key.daddr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return (uint32_t)sizeof(*ip) + l4len;
}

/**
 * err_relay4 - send the guest the ICMP error host report @e about IPv4
 * flow @f stands for, quoting the @plen bytes of its datagram the host
 * kept (@pl).
 * Return: false when the report stands for no error sluice relays.
 */
static bool
err_relay4(struct sl_worker *w, struct sl_flow *f,
	const struct sl_host_dgerr *e, const uint8_t *pl, uint32_t plen)
{
	uint8_t q[SL_ICMP_ERR_QUOTE_MAX];
	uint8_t type, code;
	uint32_t rest, qlen;

	if (!err_icmp(e, &type, &code, &rest))
		return false;
	qlen = quote_rebuild(w, f, type, code, pl, plen, q);
	sl_icmp_err_to_guest(w, err_src(w, f, e), type, code, rest, q, qlen);
	return true;
}

void
sl_icmp_err_drain(struct sl_worker *w, struct sl_flow *f)
{
	uint8_t pl[SL_ICMP6_ERR_MAX];	/* the longer quote of the two */
	struct sl_host_dgerr e;
	unsigned int i;

	for (i = 0; i < SL_ICMP_ERR_BUDGET; i++) {
		uint32_t plen;
		bool sent;

		if (sl_host_errqueue(w->host, f->hd, &e, pl, sizeof(pl)) != 0)
			return;
		plen = (uint32_t)RTE_MIN(e.len, sizeof(pl));
		sent = f->key.family == AF_INET6 ?
			sl_icmp6_err_relay(w, f, &e, pl, plen) :
			err_relay4(w, f, &e, pl, plen);
		if (!sent)
			SL_STAT_INC(w->stats, icmp_err_ignored);
	}
}
