/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_dgram.c: the datagram machinery UDP and ICMP echo share: a datagram
 * flow's host socket and idle expiry, and the batched I/O both ways (the
 * flows' lifetimes and LRU are in sl_dgflow.c, the ICMP errors sent back
 * for them in sl_icmp_err.c).
 *
 * No system call per datagram, in either direction:
 *  - guest -> host: sl_udp_input and sl_icmp_input do not send. They hold
 *    the guest frame in the worker's per-burst list (sl_dgram_queue, at
 *    most SL_DGRAM_OUT_MAX), grouped by host handle in arrival order. At the
 *    end of the rx burst, sl_dgram_burst_end() sends each handle's
 *    datagrams with one sl_host_sendmmsg(), the payload gathered straight
 *    from the frames' mbuf chains (iovecs, no copy), and frees the frames.
 *    A forward's listener is one handle for all its inbound flows: each
 *    datagram carries its peer's address. A datagram the socket does not
 *    take (-EAGAIN: the send buffer is full, and then so are the ones after
 *    it; or an error) is dropped and counted in drop_host_socket, as a
 *    failed send always was. A flow freed while it has datagrams held
 *    flushes the list first (sl_worker_free_flow).
 *  - host -> guest: a readable socket is drained with sl_host_recvmmsg(),
 *    up to SL_DGRAM_RECV_BATCH datagrams per call (the batch adapts per
 *    socket: SL_DGRAM_RECV_MIN at first, doubled while batches come back
 *    full, back to what came when they do not: sl_dgram_batch_next, so a
 *    lone datagram does not take 32 mbufs) and up to SL_DGRAM_READ_BUDGET
 *    per host event, each received straight into a fresh mbuf's data room
 *    (headroom left for the headers). The rest of a datagram larger than
 *    one mbuf lands in its slice of a per-worker spill area (sl_dgram_init)
 *    and is copied into appended segments; any datagram up to the IPv4
 *    limit is taken, and one longer than the link toward the guest leaves
 *    in fragments (sl_frag.c).
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "sl_dgflow.h"
#include "sl_dgram.h"
#include "sl_icmp_err.h"

#define SL_DGRAM_IOV_MAX 1024	/* iovecs per send call (UIO_MAXIOV) */
#define SL_DGRAM_NONE UINT16_MAX	/* end of a held-datagram list */

/**
 * sl_dgram_flow_open - create a flow and its connected host socket.
 * @w: worker
 * @key: guest-side 5-tuple
 * @kind: SL_HOST_UDP or SL_HOST_ICMP
 * @sa: host destination
 *
 * Return: the flow, or NULL (counted) when the table is full (after
 * evicting an idle flow at --max-dgram-flows, sl_dgflow_admit) or the host
 * refuses a socket.
 */
struct sl_flow *
sl_dgram_flow_open(struct sl_worker *w, const struct sl_flow_key *key,
	enum sl_host_kind kind, const union sl_sockaddr *sa)
{
	struct sl_flow *f;
	int hd, rc;

	if (!sl_dgflow_admit(w))
		return NULL;
	f = sl_flow_add(&w->ft, key, w->now_ms);
	if (f == NULL) {
		SL_STAT_INC(w->stats, drop_flow_limit);
		return NULL;
	}
	sl_dgflow_opened(w, f);
	hd = sl_host_open(w->host, sa->sa.sa_family == AF_INET6 ?
		(enum sl_host_kind)(kind | SL_HOST_INET6) : kind,
		sl_flow_cookie(f));
	if (hd < 0) {
		SL_STAT_INC(w->stats, drop_host_socket);
		sl_worker_socket_fail(w, kind == SL_HOST_ICMP ? "ICMP" : "UDP",
			hd);
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
		w->now_ms + sl_dgflow_timeout_ms(w, f));
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
	uint64_t due = f->last_ms + sl_dgflow_timeout_ms(w, f);

	if (w->now_ms >= due) {
		SL_STAT_INC(w->stats, flows_expired);
		sl_worker_free_flow(w, f, false);
		return;
	}
	sl_timer_arm(&w->wheel, &f->timer, due);
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

int
sl_dgram_init(struct sl_worker *w)
{
	uint32_t room = rte_pktmbuf_data_room_size(w->mp) -
		RTE_PKTMBUF_HEADROOM;
	/* the largest ICMP message (UDP: 8 bytes less): what does not fit
	 * the link reaches the guest in fragments (sl_frag_tx_dgram) */
	uint32_t need = UINT16_MAX - sizeof(struct rte_ipv4_hdr);
	struct sl_dgram *dg;

	dg = rte_zmalloc("sl_dgram", sizeof(*dg), RTE_CACHE_LINE_SIZE);
	if (dg == NULL)
		return -ENOMEM;
	w->dgram = dg;
	if (sl_dgflow_init(w) != 0)
		goto fail;
	dg->dg_spill_len = need > room ? need - room : 0;
	if (dg->dg_spill_len == 0)
		return 0;
	dg->dg_spill = rte_malloc("sl_dgram_spill",
		(size_t)dg->dg_spill_len * SL_DGRAM_RECV_BATCH, 0);
	if (dg->dg_spill != NULL)
		return 0;
	sl_dgflow_fini(w);
fail:
	rte_free(dg);
	w->dgram = NULL;
	return -ENOMEM;
}

void
sl_dgram_fini(struct sl_worker *w)
{
	if (w->dgram == NULL)
		return;
	sl_dgram_flush(w);
	rte_free(w->dgram->dg_spill);
	sl_dgflow_fini(w);
	rte_free(w->dgram);
	w->dgram = NULL;
}

/**
 * sl_dgram_recv - receive a batch of datagrams from a host socket, each into
 * a fresh mbuf (chain) holding only the payload, headroom left for the
 * headers. One host call.
 * @w: worker
 * @hd: host handle
 * @m: filled with one mbuf per datagram received; NULL where it was
 *     dropped (too long for the guest: drop_udp or drop_icmp; no mbufs for
 *     its spill: drop_nomem)
 * @from: filled with each datagram's source, or NULL
 * @proto: IPPROTO_UDP or IPPROTO_ICMP (counters)
 *
 * Return: datagrams received (entries of @m and @from filled), -ENOMEM
 * (no mbufs, counted; nothing read), -EAGAIN or another -errno of the host.
 */
int
sl_dgram_recv(struct sl_worker *w, int hd, struct rte_mbuf **m,
	union sl_sockaddr *from, uint8_t proto, unsigned int max)
{
	struct sl_host_msg msg[SL_DGRAM_RECV_BATCH];
	struct iovec iov[SL_DGRAM_RECV_BATCH][2];
	unsigned int i;
	int n;

	max = RTE_MIN(RTE_MAX(max, 1u), (unsigned int)SL_DGRAM_RECV_BATCH);
	if (rte_pktmbuf_alloc_bulk(w->mp, m, max) != 0) {
		/* the pool is low: one at a time */
		max = 1;
		m[0] = sl_alloc(w);
		if (m[0] == NULL)
			return -ENOMEM;
	}
	for (i = 0; i < max; i++) {
		iov[i][0].iov_base = rte_pktmbuf_mtod(m[i], void *);
		iov[i][0].iov_len = rte_pktmbuf_tailroom(m[i]);
		msg[i].iov = iov[i];
		msg[i].iovcnt = 1;
		if (w->dgram->dg_spill != NULL) {
			iov[i][1].iov_base = w->dgram->dg_spill +
				(size_t)i * w->dgram->dg_spill_len;
			iov[i][1].iov_len = w->dgram->dg_spill_len;
			msg[i].iovcnt = 2;
		}
		msg[i].addr = from != NULL ? &from[i] : NULL;
		msg[i].len = 0;
		msg[i].flags = 0;
	}
	n = sl_host_recvmmsg(w->host, hd, msg, max);
	if (proto == IPPROTO_UDP)
		SL_STAT_INC(w->stats, udp_recv_calls);
	if (n <= 0) {
		rte_pktmbuf_free_bulk(m, max);
		return n < 0 ? n : -EAGAIN;
	}
	if ((unsigned int)n < max)
		rte_pktmbuf_free_bulk(m + n, max - (unsigned int)n);
	for (i = 0; i < (unsigned int)n; i++) {
		uint32_t room = (uint32_t)iov[i][0].iov_len;
		uint32_t len = (uint32_t)msg[i].len;

		if (msg[i].flags & SL_HOST_MSG_TRUNC) {
			if (proto == IPPROTO_UDP)
				SL_STAT_INC(w->stats, drop_udp);
			else
				SL_STAT_INC(w->stats, drop_icmp);
			rte_pktmbuf_free(m[i]);
			m[i] = NULL;
			continue;
		}
		m[i]->data_len = (uint16_t)RTE_MIN(len, room);
		m[i]->pkt_len = m[i]->data_len;
		if (len > room && mbuf_append_copy(w, m[i],
		    iov[i][1].iov_base, len - room) != 0) {
			rte_pktmbuf_free(m[i]);
			m[i] = NULL;
		}
	}
	return n;
}

void
sl_dgram_drain(struct sl_worker *w, struct sl_flow *f,
	void (*deliver)(struct sl_worker *w, struct sl_flow *f,
	struct rte_mbuf *m, size_t n))
{
	struct sl_dgflow *d = sl_dgflow_of(w, f);
	struct rte_mbuf *m[SL_DGRAM_RECV_BATCH];
	unsigned int got = 0, batch = d->rx_batch != 0 ? d->rx_batch :
		SL_DGRAM_RECV_MIN;

	while (got < SL_DGRAM_READ_BUDGET) {
		int i, n = sl_dgram_recv(w, f->hd, m, NULL, f->proto, batch);
		unsigned int asked = batch;

		batch = sl_dgram_batch_next(batch, n);
		d->rx_batch = (uint8_t)batch;
		if (n == -EAGAIN || n == -ENOMEM)
			return;
		if (n < 0) {
			/* ICMP errors surface as ECONNREFUSED etc.: keep going */
			sl_host_error(w->host, f->hd);
			got++;
			continue;
		}
		for (i = 0; i < n; i++) {
			uint32_t len;

			if (m[i] == NULL)
				continue;
			len = rte_pktmbuf_pkt_len(m[i]);
			sl_dgflow_touch(w, f);
			f->bytes_to_guest += len;
			deliver(w, f, m[i], len);
		}
		got += (unsigned int)n;
		if ((unsigned int)n < asked)
			return;	/* the socket is drained */
	}
}

void
sl_dgram_queue(struct sl_worker *w, struct sl_flow *f, struct rte_mbuf *m,
	uint32_t off, uint32_t len, uint8_t ttl)
{
	struct sl_dgram_grp *g = NULL;
	struct sl_dgram_out *d;
	uint16_t i;

	if (w->dgram->dg_n == SL_DGRAM_OUT_MAX)
		sl_dgram_flush(w);
	/* newest first: a burst is mostly runs of one flow */
	for (i = w->dgram->dg_ngrp; i-- > 0;) {
		if (w->dgram->dg_grp[i].hd == f->hd) {
			g = &w->dgram->dg_grp[i];
			break;
		}
	}
	d = &w->dgram->dg_out[w->dgram->dg_n];
	d->f = f;
	d->m = m;
	d->off = off;
	d->len = len;
	d->ttl = ttl;
	d->next = SL_DGRAM_NONE;
	if (g == NULL) {
		g = &w->dgram->dg_grp[w->dgram->dg_ngrp++];
		g->hd = f->hd;
		g->first = w->dgram->dg_n;
	} else {
		w->dgram->dg_out[g->last].next = w->dgram->dg_n;
	}
	g->last = w->dgram->dg_n;
	w->dgram->dg_n++;
}

bool
sl_dgram_held(const struct sl_worker *w, const struct sl_flow *f)
{
	uint16_t i;

	for (i = 0; i < w->dgram->dg_n; i++)
		if (w->dgram->dg_out[i].f == f)
			return true;
	return false;
}

/** dgram_sent - a held datagram went out: account it, free its frame. */
static void
dgram_sent(struct sl_worker *w, struct sl_dgram_out *d)
{
	struct sl_flow *f = d->f;

	sl_dgflow_touch(w, f);
	f->bytes_to_host += d->len;
	if (f->proto == IPPROTO_UDP) {
		SL_STAT_INC(w->stats, udp_to_host);
		if (f->key.dport == RTE_BE16(53) &&
		    (f->key.family == AF_INET ? f->key.daddr == w->cfg->dns :
		    memcmp(f->key.dip.b, w->cfg->dns6, 16) == 0))
			SL_STAT_INC(w->stats, dns_queries);
	} else {
		SL_STAT_INC(w->stats, icmp_relayed);
	}
	rte_pktmbuf_free(d->m);
}

/** dgram_drop - a held datagram is dropped: count @why, free its frame. */
static void
dgram_drop(struct sl_worker *w, struct sl_dgram_out *d, enum sl_stat why)
{
	SL_STAT_INC_IDX(w->stats, why);
	rte_pktmbuf_free(d->m);
}

/**
 * dgram_send - send laid-out datagrams on one handle, as few calls as the
 * host allows; what it does not take is dropped, counted.
 * @w: worker
 * @hd: host handle
 * @msg: the datagrams
 * @ent: the held entry of each
 * @n: how many
 *
 * A call that sends some returns their count; the next one starts at the
 * first not sent and reports its error (sendmmsg(2) semantics). That one
 * is dropped and the rest go on, as separate sends used to; after -EAGAIN
 * (send buffer full) the rest are dropped without further calls. An error
 * an earlier datagram met (an ICMP error pending on the socket, which the
 * kernel reports on the next send) is not this datagram's: it is sent
 * again, once. A datagram the host cannot route is answered with the ICMP
 * unreachable a router would send (sl_icmp_err_send_failed).
 */
static void
dgram_send(struct sl_worker *w, int hd, struct sl_host_msg *msg,
	struct sl_dgram_out **ent, unsigned int n)
{
	bool udp = ent[0]->f->proto == IPPROTO_UDP;
	unsigned int i = 0, j, retried = UINT32_MAX;

	while (i < n) {
		int rc = sl_host_sendmmsg(w->host, hd, msg + i, n - i);

		if (udp)
			SL_STAT_INC(w->stats, udp_send_calls);
		if (rc > 0) {
			/* never more than asked, whatever the backend says */
			unsigned int end = i + RTE_MIN((unsigned int)rc, n - i);

			for (j = i; j < end; j++)
				dgram_sent(w, ent[j]);
			i = end;
			continue;
		}
		if (rc != -EAGAIN && retried != i && sl_icmp_err_async(rc)) {
			retried = i;
			continue;
		}
		sl_icmp_err_send_failed(w, ent[i]->m, rc);
		dgram_drop(w, ent[i++], SL_STAT_drop_host_socket);
		if (rc == -EAGAIN)
			while (i < n)
				dgram_drop(w, ent[i++],
					SL_STAT_drop_host_socket);
	}
}

/**
 * dgram_send_grp - send the held datagrams of one host handle, in order:
 * iovecs over each frame's payload (no copy), one host call for the lot
 * unless the iovecs run out.
 */
static void
dgram_send_grp(struct sl_worker *w, const struct sl_dgram_grp *g)
{
	struct sl_dgram_out *ent[SL_DGRAM_OUT_MAX];
	struct sl_host_msg msg[SL_DGRAM_OUT_MAX];
	struct iovec iov[SL_DGRAM_IOV_MAX];
	unsigned int nmsg = 0, niov = 0;
	uint16_t k;

	for (k = g->first; k != SL_DGRAM_NONE; k = w->dgram->dg_out[k].next) {
		struct sl_dgram_out *d = &w->dgram->dg_out[k];
		int n = sl_net_iov(d->m, d->off, d->len, iov + niov,
			(int)(SL_DGRAM_IOV_MAX - niov));

		if (n < 0 && nmsg > 0) {
			/* iovecs used up: send those laid out first */
			dgram_send(w, g->hd, msg, ent, nmsg);
			nmsg = niov = 0;
			n = sl_net_iov(d->m, d->off, d->len, iov,
				SL_DGRAM_IOV_MAX);
		}
		if (n < 0) {
			/* more segments than a datagram may have */
			dgram_drop(w, d, d->f->proto == IPPROTO_UDP ?
				SL_STAT_drop_udp : SL_STAT_drop_icmp);
			continue;
		}
		msg[nmsg].iov = iov + niov;
		msg[nmsg].iovcnt = n;
		/* inbound flows share their forward's listener */
		msg[nmsg].addr = d->f->inbound ? &d->f->host_dst : NULL;
		msg[nmsg].len = 0;
		msg[nmsg].flags = 0;
		msg[nmsg].ttl = d->ttl;
		ent[nmsg++] = d;
		niov += (unsigned int)n;
	}
	if (nmsg > 0)
		dgram_send(w, g->hd, msg, ent, nmsg);
}

void
sl_dgram_flush(struct sl_worker *w)
{
	uint16_t g;

	for (g = 0; g < w->dgram->dg_ngrp; g++)
		dgram_send_grp(w, &w->dgram->dg_grp[g]);
	w->dgram->dg_n = 0;
	w->dgram->dg_ngrp = 0;
}

void
sl_dgram_flow_free(struct sl_worker *w, struct sl_flow *f)
{
	/* guest datagrams held for its socket go out before it closes */
	if (w->dgram->dg_n > 0 && sl_dgram_held(w, f))
		sl_dgram_flush(w);
	sl_dgflow_closed(w, f);
}

void
sl_dgram_burst_end(struct sl_worker *w)
{
	if (w->dgram->dg_n > 0)
		sl_dgram_flush(w);
}
