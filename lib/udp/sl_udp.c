/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_udp.c: the UDP relay. Each guest 5-tuple gets one host UDP socket
 * connected to the (mapped) destination, so only that peer's replies come
 * back, as from a port-restricted NAT. DNS is the same mechanism with the
 * destination mapped to the forwarder (sl_map_dst). Flows expire after
 * cfg->udp_timeout_s without traffic in either direction.
 */
#include <errno.h>
#include <string.h>

#include <rte_udp.h>

#include "sl_udp.h"

#define SL_UDP_READ_BUDGET 32	/* datagrams read per event */
#define SL_DGRAM_MAX 65535

/**
 * sl_dgram_flow_open - create a flow and its connected host socket.
 * @w: worker
 * @key: guest-side 5-tuple
 * @kind: SL_HOST_UDP or SL_HOST_ICMP
 * @sa: host destination
 *
 * Return: the flow, or NULL (counted) when the table is full or the host
 * refuses a socket.
 */
struct sl_flow *
sl_dgram_flow_open(struct sl_worker *w, const struct sl_flow_key *key,
	enum sl_host_kind kind, const struct sockaddr_in *sa)
{
	struct sl_flow *f;
	int hd, rc;

	if (w->dgram_flows >= w->cfg->max_dgram_flows) {
		SL_STAT_INC(w->stats, drop_dgram_limit);
		return NULL;
	}
	f = sl_flow_add(&w->ft, key, w->now_ms);
	if (f == NULL) {
		SL_STAT_INC(w->stats, drop_flow_limit);
		return NULL;
	}
	w->dgram_flows++;
	hd = sl_host_open(w->host, kind, sl_flow_cookie(f));
	if (hd < 0) {
		SL_STAT_INC(w->stats, drop_host_socket);
		sl_worker_free_flow(w, f, false);
		return NULL;
	}
	f->hd = hd;
	f->host_dst = *sa;
	rc = sl_host_connect(w->host, hd, sa);
	if (rc != 0 && rc != -EINPROGRESS) {
		SL_STAT_INC(w->stats, drop_host_socket);
		sl_worker_free_flow(w, f, false);
		return NULL;
	}
	sl_host_watch(w->host, hd, SL_HOST_EV_IN);
	sl_timer_arm(&w->wheel, &f->timer,
		w->now_ms + (uint64_t)w->cfg->udp_timeout_s * 1000);
	SL_STAT_INC(w->stats, flows_opened);
	return f;
}

/**
 * sl_dgram_timer - idle expiry shared by UDP and ICMP flows: free the flow
 * once it has been idle for the timeout, else re-arm for the remainder.
 */
void
sl_dgram_timer(struct sl_worker *w, struct sl_flow *f)
{
	uint64_t due = f->last_ms + (uint64_t)w->cfg->udp_timeout_s * 1000;

	if (w->now_ms >= due) {
		SL_STAT_INC(w->stats, flows_expired);
		sl_worker_free_flow(w, f, false);
		return;
	}
	sl_timer_arm(&w->wheel, &f->timer, due);
}

void
sl_udp_input(struct sl_worker *w, const struct sl_pkt *p)
{
	const struct rte_udp_hdr *uh = (const struct rte_udp_hdr *)p->l4;
	struct iovec iov[RTE_MBUF_MAX_NB_SEGS];
	struct sl_flow_key key;
	struct sockaddr_in sa;
	struct sl_flow *f;
	ssize_t rc;
	int n;

	key = sl_flow_key_make(IPPROTO_UDP, p->ip->src_addr, uh->src_port,
		p->ip->dst_addr, uh->dst_port);
	f = sl_flow_find(w, p, &key);
	if (f == NULL) {
		int rc = sl_map_dst(w, IPPROTO_UDP, key.daddr, key.dport, &sa);

		if (rc != 0) {
			if (rc == -EACCES)
				SL_STAT_INC(w->stats, drop_denied);
			else
				SL_STAT_INC(w->stats, drop_udp);
			return;
		}
		f = sl_dgram_flow_open(w, &key, SL_HOST_UDP, &sa);
		if (f == NULL)
			return;
	}
	if (f->inbound) {
		/* a forward's shared socket: reply to the peer by address */
		uint8_t buf[SL_DGRAM_MAX];
		const void *d = rte_pktmbuf_read(p->m, p->pay_off, p->pay_len,
			buf);

		rc = d == NULL ? -EINVAL : sl_host_sendto(w->host, f->hd, d,
			p->pay_len, &f->host_dst);
	} else {
		n = sl_net_iov(p->m, p->pay_off, p->pay_len, iov,
			RTE_DIM(iov));
		if (n < 0) {
			SL_STAT_INC(w->stats, drop_udp);
			return;
		}
		rc = sl_host_writev(w->host, f->hd, iov, n);
	}
	if (rc < 0) {
		SL_STAT_INC(w->stats, drop_host_socket);
		return;
	}
	f->last_ms = w->now_ms;
	f->bytes_to_host += p->pay_len;
	SL_STAT_INC(w->stats, udp_to_host);
	if (key.daddr == w->cfg->dns && key.dport == RTE_BE16(53))
		SL_STAT_INC(w->stats, dns_queries);
}

int
sl_udp_to_guest(struct sl_worker *w, struct rte_mbuf *m, uint32_t saddr,
	uint16_t sport, uint16_t dport)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	struct rte_udp_hdr *uh;

	if (len + sizeof(*uh) + sizeof(struct rte_ipv4_hdr) > w->tx_mtu) {
		SL_STAT_INC(w->stats, drop_udp);
		rte_pktmbuf_free(m);
		return -1;
	}
	uh = (struct rte_udp_hdr *)rte_pktmbuf_prepend(m, sizeof(*uh));
	if (uh == NULL) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return -1;
	}
	uh->src_port = sport;
	uh->dst_port = dport;
	uh->dgram_len = rte_cpu_to_be_16((uint16_t)(len + sizeof(*uh)));
	uh->dgram_cksum = 0;
	if (sl_net_prepend_ipv4(m, &w->gw_mac, sl_guest_dst_mac(w), saddr,
	    w->cfg->guest_addr, IPPROTO_UDP) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return -1;
	}
	sl_net_l4_cksum(m);
	sl_tx(w, m);
	return 0;
}

/**
 * mbuf_append_copy - copy @len bytes to the end of chain @m, adding
 * segments as needed.
 * Return: 0 or -ENOMEM.
 */
static int
mbuf_append_copy(struct sl_worker *w, struct rte_mbuf *m, const uint8_t *src,
	uint32_t len)
{
	struct rte_mbuf *last = rte_pktmbuf_lastseg(m);

	while (len > 0) {
		uint32_t take = RTE_MIN(len,
			(uint32_t)rte_pktmbuf_tailroom(last));

		if (take == 0) {
			struct rte_mbuf *seg = sl_alloc(w);

			if (seg == NULL)
				return -ENOMEM;
			last->next = seg;
			last = seg;
			m->nb_segs++;
			continue;
		}
		memcpy(rte_pktmbuf_mtod_offset(last, uint8_t *,
			last->data_len), src, take);
		last->data_len += take;
		m->pkt_len += take;
		src += take;
		len -= take;
	}
	return 0;
}

/**
 * sl_dgram_read - read one datagram from a host socket into a fresh mbuf
 * (chain), payload only, headroom left for the headers.
 * @w: worker
 * @f: flow
 * @out: the mbuf on success
 *
 * Return: bytes read, -EAGAIN when nothing is queued, or -errno.
 */
ssize_t
sl_dgram_read(struct sl_worker *w, struct sl_flow *f, struct rte_mbuf **out)
{
	uint8_t spill[SL_DGRAM_MAX];
	struct rte_mbuf *m;
	struct iovec iov[2];
	uint32_t room;
	ssize_t n;

	m = sl_alloc(w);
	if (m == NULL)
		return -ENOMEM;
	room = rte_pktmbuf_tailroom(m);
	iov[0].iov_base = rte_pktmbuf_mtod(m, uint8_t *);
	iov[0].iov_len = room;
	iov[1].iov_base = spill;
	iov[1].iov_len = sizeof(spill);
	n = sl_host_readv(w->host, f->hd, iov, 2);
	if (n < 0) {
		rte_pktmbuf_free(m);
		return n;
	}
	if ((uint32_t)n <= room) {
		rte_pktmbuf_append(m, (uint16_t)n);
		*out = m;
		return n;
	}
	rte_pktmbuf_append(m, (uint16_t)room);
	if (mbuf_append_copy(w, m, spill, (uint32_t)n - room) != 0) {
		rte_pktmbuf_free(m);
		return -ENOMEM;
	}
	*out = m;
	return n;
}

struct rte_mbuf *
sl_mbuf_from_buf(struct sl_worker *w, const void *buf, uint32_t len)
{
	struct rte_mbuf *m = sl_alloc(w);

	if (m == NULL)
		return NULL;
	if (mbuf_append_copy(w, m, buf, len) != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

void
sl_dgram_drain(struct sl_worker *w, struct sl_flow *f,
	void (*deliver)(struct sl_worker *w, struct sl_flow *f,
	struct rte_mbuf *m, size_t n))
{
	unsigned int i;

	for (i = 0; i < SL_UDP_READ_BUDGET; i++) {
		struct rte_mbuf *m;
		ssize_t n = sl_dgram_read(w, f, &m);

		if (n == -EAGAIN || n == -ENOMEM)
			return;
		if (n < 0) {
			/* ICMP errors surface as ECONNREFUSED etc.: keep going */
			sl_host_error(w->host, f->hd);
			continue;
		}
		f->last_ms = w->now_ms;
		f->bytes_to_guest += (uint64_t)n;
		deliver(w, f, m, (size_t)n);
	}
}

/** udp_deliver - one host datagram of a UDP flow to the guest. */
static void
udp_deliver(struct sl_worker *w, struct sl_flow *f, struct rte_mbuf *m,
	size_t n)
{
	(void)n;
	if (sl_udp_to_guest(w, m, f->key.daddr, f->key.dport,
	    f->key.gport) == 0)
		SL_STAT_INC(w->stats, udp_to_guest);
}

void
sl_udp_host_event(struct sl_worker *w, struct sl_flow *f, uint32_t events)
{
	(void)events;
	sl_dgram_drain(w, f, udp_deliver);
}

void
sl_udp_inbound(struct sl_worker *w, const struct sl_fwd_spec *spec,
	unsigned int off, int lhd)
{
	uint16_t gport = rte_cpu_to_be_16((uint16_t)(spec->guest_lo + off));
	unsigned int i;

	for (i = 0; i < SL_UDP_READ_BUDGET; i++) {
		uint8_t buf[SL_DGRAM_MAX];
		struct sockaddr_in peer;
		struct sl_flow_key key;
		struct rte_mbuf *m;
		struct sl_flow *f;
		ssize_t n;

		n = sl_host_recvfrom(w->host, lhd, buf, sizeof(buf), &peer);
		if (n < 0)
			return;
		key = sl_flow_key_make(IPPROTO_UDP, w->cfg->guest_addr, gport,
			w->cfg->gateway, peer.sin_port);
		f = sl_flow_lookup(&w->ft, &key);
		if (f != NULL && (f->host_dst.sin_addr.s_addr !=
		    peer.sin_addr.s_addr || !f->inbound)) {
			/* same port from another peer: not distinguishable */
			SL_STAT_INC(w->stats, drop_udp);
			continue;
		}
		if (f == NULL) {
			if (w->dgram_flows >= w->cfg->max_dgram_flows) {
				SL_STAT_INC(w->stats, drop_dgram_limit);
				continue;
			}
			f = sl_flow_add(&w->ft, &key, w->now_ms);
			if (f == NULL) {
				SL_STAT_INC(w->stats, drop_flow_limit);
				continue;
			}
			w->dgram_flows++;
			f->hd = lhd;
			f->inbound = true;
			f->host_dst = peer;
			sl_timer_arm(&w->wheel, &f->timer, w->now_ms +
				(uint64_t)w->cfg->udp_timeout_s * 1000);
			SL_STAT_INC(w->stats, flows_opened);
		}
		m = sl_mbuf_from_buf(w, buf, (uint32_t)n);
		if (m == NULL)
			return;
		f->last_ms = w->now_ms;
		f->bytes_to_guest += (uint64_t)n;
		if (sl_udp_to_guest(w, m, w->cfg->gateway, peer.sin_port,
		    gport) == 0)
			SL_STAT_INC(w->stats, udp_to_guest);
	}
}

void
sl_udp_forward_closed(struct sl_worker *w, int lhd)
{
	uint32_t i;

	for (i = 0; i < w->ft.max; i++) {
		struct sl_flow *f = &w->ft.flows[i];

		if (f->in_use && f->inbound && f->proto == IPPROTO_UDP &&
		    f->hd == lhd)
			sl_worker_free_flow(w, f, false);
	}
}

void
sl_udp_timer(struct sl_worker *w, struct sl_flow *f)
{
	sl_dgram_timer(w, f);
}
