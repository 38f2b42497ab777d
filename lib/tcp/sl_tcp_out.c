/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_out.c: segments to the guest: building and sending them (emit),
 * pure ACKs and resets, host data laid out into segments (host_to_guest),
 * tx room and the flows' turns for it, control segments owed.
 *
 * Theory of operation
 * -------------------
 * Host -> guest. Host data is read straight into mbufs that become the
 * guest's segments (one readv per flow per event), never beyond SND.UNA +
 * the guest's window (tracked per flow as a 32-bit byte count, updated with
 * the SND.WL1/SND.WL2 rule) nor beyond cfg->tcp_buf in flight, nor beyond
 * the flow's congestion window (sl_tcp_cc.c), nor beyond the iteration's
 * tx room (sl_tx_room: what the port has not taken waits
 * in the worker's tx backlog, never dropped). A flow that finds no room
 * waits in line (tx_defer, read interest muted) and is served first in the
 * next iteration (sl_tcp_tx_resume), oldest first: flows take turns of at
 * most SL_TCP_READ_SEGS segments. A read that drains a socket whose
 * peer's FIN already came (RDHUP) is followed at once by a read into the
 * rest of the laid-out room: at the end of the stream the FIN rides on
 * the last data segment (a peer that answers and closes costs the guest
 * one frame less, and the FIN waits for no further host poll); the
 * kernel tells the end of the stream, never a guess. When the guest's
 * window is full the host socket's read interest (IN and RDHUP, both
 * level-triggered) is muted, so the host sender feels the backpressure and memory stays
 * bounded; a window update from the guest unmutes it (so does any ACK
 * when cwnd was the limit; the kernel backend applies interest at its
 * next poll, and a removal only once an unwanted event comes: a mute
 * undone within an iteration costs no epoll_ctl, kern_ready.c). A host
 * socket that hung up (HUP: closed both ways, or reset)
 * reports HUP on every poll whatever the interest, so while nothing is to
 * be read or written it is made quiet (SL_HOST_EV_QUIET: out of the epoll
 * set): an idle worker stays idle. A zero guest window with nothing in
 * flight arms the persist timer: a probe (SND.UNA - 1, which the guest must
 * answer with an ACK) after one RTO, then with exponential backoff.
 *
 * Large segments. Toward the guest a segment is at most its MSS, unless the
 * worker's tx offloads (w->tx_ol, set from what the port offers (a
 * net_af_packet port through its virtio-net tx socket, sl_vtx.c) and, on
 * a vhost-user port, the guest negotiated: GUEST_CSUM, GUEST_TSO4 for IPv4
 * flows, GUEST_TSO6 for IPv6 ones) include TSO for the flow's family:
 * then one frame carries up to SL_TCP_TSO_MAX bytes (whole MSS multiples),
 * sent with RTE_MBUF_F_TX_TCP_SEG and tso_segsz = the guest's MSS; the guest (or the NIC) cuts it. Everything else counts bytes, so
 * window gating, the in-flight cap, RTO and fast retransmit are unchanged;
 * one retransmit entry holds the whole large frame. With checksum offload
 * a frame carries only the pseudo-header sum and TX_TCP_CKSUM; without
 * it sluice computes the checksum (sends and retransmissions alike: the
 * rule of the iteration applies). A large frame that must be resent after
 * TSO went away (the guest re-negotiated) is resent as MSS-sized copies.
 * From the guest, a segment may be larger than the MSS we advertised (GSO
 * frames over vhost-user, LRO): it is handled like any other, as the mbuf
 * chain it arrived in.
 *
 * ACKs. Per flow and per poll iteration at most one pure ACK or window
 * update, sent at the end of the iteration and only if no data segment or
 * FIN of the same iteration already carried the same ACK and window (the
 * ACK owed for new data, the guest's FIN or its SYN-ACK rides on them; a
 * duplicate ACK for out-of-order data or a D-SACK goes pure, with its SACK
 * blocks). An inbound connection reads its host client at the end of the
 * burst that established it, so that what the client sent first goes with
 * the ACK of the guest's SYN-ACK (sl_tcp_burst_end). Every
 * iteration that received data ACKs it (so at least every second full
 * segment is acknowledged, and never later than the iteration); out-of-
 * order data, FINs and window reopens are ACKed in the same iteration.
 * To a guest that negotiated SACK a pure ACK carries up to four SACK
 * blocks (sack_opts: the out-of-order ranges held, the latest one first).
 * A control segment that cannot be built or queued (no mbuf; the tx
 * queue full because the port refuses frames) is owed (OWE_*: SYN-ACK,
 * FIN, ACK/window update) and sent again SL_TCP_CTL_RETRY_MS later from
 * the flow's timer, until it goes; a half-open flow whose SYN-ACK is owed
 * stays bounded by the connect timeout.
 */
#include "sl_tcp_priv.h"

/**
 * tcp_emit - build a segment to the guest around @m (payload-only chain with
 * headroom, or NULL) and queue it for tx.
 * @w: worker
 * @f: flow
 * @c: connection
 * @flags: TCP flags
 * @seq: sequence number
 * @m: payload or NULL
 * @keep: hold a reference in the retransmit queue
 *
 * Return: 0, or -1 (mbuf freed) when out of mbufs or entries, or when the
 * tx queue is full (the port refuses frames): nothing was sent.
 */
/**
 * sack_put - one SACK block [@seq, @seq + @len) at @p (network order).
 */
static uint8_t *
sack_put(uint8_t *p, uint32_t seq, uint32_t len)
{
	uint32_t l = rte_cpu_to_be_32(seq);
	uint32_t r = rte_cpu_to_be_32(seq + len);

	memcpy(p, &l, 4);
	memcpy(p + 4, &r, 4);
	return p + 8;
}

/**
 * sack_opts - write the SACK option of a pure ACK (RFC 2018) at @o: NOP,
 * NOP, then @n blocks: a pending D-SACK block first (RFC 2883: the
 * duplicate just received), then the out-of-order ranges held, the one
 * holding the latest chunk first, then the others from the highest down.
 * @c: connection (dsack + n_ooo >= @n >= 1)
 * @o: option space (4 + 8 * @n bytes)
 * @n: blocks
 */
static void
sack_opts(const struct sl_tcp_conn *c, uint8_t *o, unsigned int n)
{
	unsigned int i, first = c->n_ooo - 1, k = 0;

	for (i = 0; i < c->n_ooo; i++)
		if (SEQ_GE(c->ooo_recent, c->ooo[i].seq) &&
		    SEQ_LT(c->ooo_recent, c->ooo[i].seq + c->ooo[i].len)) {
			first = i;
			break;
		}
	o[0] = 1;
	o[1] = 1;
	o[2] = 5;
	o[3] = (uint8_t)(2 + 8 * n);
	o += 4;
	if (c->dsack) {
		o = sack_put(o, c->dsack_l, c->dsack_r - c->dsack_l);
		k++;
	}
	if (c->n_ooo == 0 || k >= n)
		return;
	o = sack_put(o, c->ooo[first].seq, c->ooo[first].len);
	k++;
	for (i = c->n_ooo; i-- > 0 && k < n;) {
		if (i == first)
			continue;
		o = sack_put(o, c->ooo[i].seq, c->ooo[i].len);
		k++;
	}
}

/**
 * syn_fields - the window of our SYN or SYN-ACK (never scaled, RFC 7323
 * 2.2), noted as advertised, and its options at @o: MSS, window scale and
 * SACK-permitted as negotiated (ws_ok, sb.ok).
 * Return: the window field.
 */
static uint16_t
syn_fields(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint8_t *o)
{
	uint32_t sw = RTE_MIN(tcp_window_space(w, f, c), (uint32_t)UINT16_MAX);

	c->last_adv_wnd = sw;
	c->rcv_adv = c->rcv_nxt + sw;
	tcp_ring_charge(w, c);	/* a SYN-ACK's (a SYN's waits) */
	c->last_ack_sent = c->rcv_nxt;
	c->last_win_sent = (uint16_t)sw;
	o[0] = 2;
	o[1] = 4;
	o[2] = (uint8_t)(c->rcv_mss >> 8);
	o[3] = (uint8_t)c->rcv_mss;
	o += 4;
	if (c->ws_ok) {
		o[0] = 1;
		o[1] = 3;
		o[2] = 3;
		o[3] = c->rcv_wscale;
		o += 4;
	}
	if (c->sb.ok) {		/* SACK-permitted, RFC 2018 */
		o[0] = 1;
		o[1] = 1;
		o[2] = 4;
		o[3] = 2;
	}
	return (uint16_t)sw;
}

int
tcp_emit(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint8_t flags, uint32_t seq, struct rte_mbuf *m, bool keep)
{
	uint32_t len = m ? rte_pktmbuf_pkt_len(m) : 0;
	/* a pure ACK tells a SACK guest what is held above the hole, and
	 * what it sent twice */
	unsigned int nsack = (flags == F_ACK && len == 0 && c->sb.ok) ?
		RTE_MIN((unsigned int)c->n_ooo + (c->dsack ? 1 : 0),
		(unsigned int)SL_TCP_SACK_BLOCKS) : 0;
	uint8_t optlen = (flags & F_SYN) ?
		(uint8_t)(4 + (c->ws_ok ? 4 : 0) + (c->sb.ok ? 4 : 0)) :
		(uint8_t)(nsack ? 4 + 8 * nsack : 0);
	struct rte_tcp_hdr *th;
	struct sl_tcp_rtx *e = NULL;
	uint16_t win;

	if (!sl_tx_ready(w)) {
		SL_STAT_INC(w->stats, tx_dropped);
		if (m != NULL)
			rte_pktmbuf_free(m);
		return -1;
	}
	if (m == NULL) {
		m = sl_alloc(w);
		if (m == NULL)
			return -1;
	}
	if (keep) {
		struct sl_tcp_rtx_pool *pool = rtx_pool(w);

		e = pool->free;
		if (e == NULL) {
			SL_STAT_INC(w->stats, drop_nomem);
			rte_pktmbuf_free(m);
			return -1;
		}
		pool->free = e->next;
	}
	th = (struct rte_tcp_hdr *)rte_pktmbuf_prepend(m, sizeof(*th) + optlen);
	if (th == NULL)
		goto fail;
	th->src_port = f->key.dport;
	th->dst_port = f->key.gport;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = (flags & F_ACK) ? rte_cpu_to_be_32(c->rcv_nxt) : 0;
	th->data_off = (uint8_t)(((sizeof(*th) + optlen) / 4) << 4);
	th->tcp_flags = flags;
	if (flags & F_SYN) {
		win = syn_fields(w, f, c, (uint8_t *)(th + 1));
	} else if (flags & F_RST) {
		win = 0;
	} else {
		win = tcp_record_adv(w, f, c, tcp_select_window(w, f, c));
		if (nsack > 0) {
			sack_opts(c, (uint8_t *)(th + 1), nsack);
			c->dsack = false;	/* reported once */
		}
		/* data or a FIN acknowledges RCV.NXT as well as a pure ACK:
		 * the one owed goes with it, unless it is to say more than
		 * RCV.NXT (SACK blocks, a D-SACK: a duplicate ACK is pure,
		 * RFC 5681) */
		if ((flags & F_ACK) && (len > 0 || (flags & F_FIN)) &&
		    c->n_ooo == 0 && !c->dsack && !c->fin_pending)
			c->ack_now = false;
	}
	th->rx_win = rte_cpu_to_be_16(win);
	th->tcp_urp = 0;
	th->cksum = 0;
	if (tcp_prepend_l3(w, f, m) != 0)
		goto fail;
	tx_cksum(w, c, m, len);
	if (e != NULL) {
		e->m = m;
		e->seq = seq;
		e->len = len;
		e->flags = flags;
		e->sent_ms = w->now_ms;
		e->rexmit = false;
		e->sacked = false;
		e->next = NULL;
		if (c->rtx_tail != NULL)
			c->rtx_tail->next = e;
		else
			c->rtx_head = e;
		c->rtx_tail = e;
		sl_tcp_w(w)->inflight += len;
		rte_pktmbuf_refcnt_update(m, 1);
	}
	if ((flags & F_ACK) && len == 0 && !(flags & (F_SYN | F_FIN | F_RST)))
		SL_STAT_INC(w->stats, tcp_pure_acks);
	tcp_to_guest(w, f, m);
	return 0;
fail:
	SL_STAT_INC(w->stats, drop_nomem);
	rte_pktmbuf_free(m);
	if (e != NULL) {
		e->next = rtx_pool(w)->free;
		rtx_pool(w)->free = e;
	}
	return -1;
}

/**
 * tcp_owe - a control segment (OWE_*) could not be built or queued (no mbuf,
 * tx queue full): send it again in SL_TCP_CTL_RETRY_MS (sl_tcp_timer).
 */
void
tcp_owe(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint8_t what)
{
	SL_STAT_INC(w->stats, tcp_ctl_retry);
	c->owed |= what;
	c->ctl_deadline = w->now_ms + SL_TCP_CTL_RETRY_MS;
	tcp_rearm(w, f, c);
}

/**
 * tcp_send_ack - a pure ACK (window update) now (owed when it fails).
 */
void
tcp_send_ack(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	c->ack_now = false;
	if (tcp_emit(w, f, c, F_ACK, c->snd_nxt, NULL, false) != 0)
		tcp_owe(w, f, c, OWE_ACK);
}

/**
 * tcp_send_rst_reply - RST answering a segment that has no connection
 * (RFC 9293 3.10.7.1), built without a flow.
 */
void
tcp_send_rst_reply(struct sl_worker *w, const struct sl_pkt *p,
	const struct rte_tcp_hdr *th)
{
	struct rte_tcp_hdr *r;
	struct rte_mbuf *m;
	uint32_t seglen = p->pay_len + ((th->tcp_flags & F_SYN) ? 1 : 0) +
		((th->tcp_flags & F_FIN) ? 1 : 0);

	if (th->tcp_flags & F_RST)
		return;
	m = sl_alloc(w);
	if (m == NULL)
		return;
	r = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, sizeof(*r));
	if (r == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memset(r, 0, sizeof(*r));
	r->src_port = th->dst_port;
	r->dst_port = th->src_port;
	r->data_off = 5 << 4;
	if (th->tcp_flags & F_ACK) {
		r->sent_seq = th->recv_ack;
		r->tcp_flags = F_RST;
	} else {
		r->recv_ack = rte_cpu_to_be_32(
			rte_be_to_cpu_32(th->sent_seq) + seglen);
		r->tcp_flags = F_RST | F_ACK;
	}
	if ((p->ip != NULL ? sl_net_prepend_ipv4(m, &w->gw_mac,
	    &p->eth->src_addr, p->ip->dst_addr, p->ip->src_addr,
	    IPPROTO_TCP) : sl_net_prepend_ipv6(m, &w->gw_mac,
	    &p->eth->src_addr, p->ip6->dst_addr, p->ip6->src_addr,
	    IPPROTO_TCP, SL_TCP_HOP_LIMIT)) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	sl_net_l4_cksum(m);
	SL_STAT_INC(w->stats, tcp_rst_sent);
	sl_tx(w, m);
}

/**
 * fin_went - our FIN to the guest is sent (on its own, or on the last data
 * segment): it takes a sequence number; sent before the guest's FIN, we
 * closed first (TIME_WAIT).
 */
static void
fin_went(struct sl_tcp_conn *c)
{
	c->fin_sent = true;
	if (!c->fin_rcvd)
		c->active_close = true;
	c->snd_nxt++;
}

/**
 * send_fin - FIN to the guest after all host data (host EOF).
 */
static void
send_fin(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	if (c->fin_sent)
		return;
	if (tcp_emit(w, f, c, F_FIN | F_ACK, c->snd_nxt, NULL, true) != 0) {
		tcp_owe(w, f, c, OWE_FIN);
		return;
	}
	fin_went(c);
	if (c->rto_deadline == 0)
		c->rto_deadline = w->now_ms + tcp_rto_backed_off(c);
	tcp_rearm(w, f, c);
}

/**
 * tx_defer - @f has host data for the guest but the iteration's tx room is
 * spent (or others wait before it): queue it for sl_tcp_tx_resume(), and
 * mute its read interest meanwhile (no event per iteration for nothing).
 */
static void
tx_defer(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);

	set_interest(w, f, c, c->interest & ~READ_EVENTS);
	if (c->txq_on)
		return;
	SL_STAT_INC(w->stats, tcp_tx_waits);
	c->txq_on = true;
	c->txq_next = 0;
	if (tw->txq_tail != 0)
		tw->conns[tw->txq_tail - 1].txq_next = f->idx + 1;
	else
		tw->txq_head = f->idx + 1;
	tw->txq_tail = f->idx + 1;
}

unsigned int
sl_tcp_tx_resume(struct sl_worker *w)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	unsigned int n = 0;

	while (tw->txq_head != 0 && sl_tx_room(w) > 0) {
		struct sl_flow *f = &w->ft.flows[tw->txq_head - 1];
		struct sl_tcp_conn *c = &tw->conns[tw->txq_head - 1];

		tw->txq_head = c->txq_next;
		if (tw->txq_head == 0)
			tw->txq_tail = 0;
		c->txq_on = false;
		if (!f->in_use || f->state != SL_TCP_S_ESTABLISHED)
			continue;	/* freed (slot maybe reused) meanwhile */
		n++;
		c->tx_turn = true;
		tcp_host_to_guest(w, f, c);
		c->tx_turn = false;
		/* more data: the next turn comes by the read event, or in
		 * line again when the room ran out */
		if (f->in_use && !c->txq_on && !c->rd_blocked && !c->host_eof)
			set_interest(w, f, c, c->interest | SL_HOST_EV_IN);
	}
	return n;
}

/**
 * seg_mbufs - mbufs of the worker's pool one full-size segment of @c may
 * take (lay_out_segs): all of its chain when the payload pool is empty or
 * absent (with one, only the head; the budget check counts the worst case).
 */
static unsigned int
seg_mbufs(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	uint32_t room = w->seg_room - SL_TCP_HDR_ROOM;

	/* NOLINTNEXTLINE(clang-analyzer-core.DivideZero) */
	return (seg_max(w, c) + room - 1) / room;
}

/**
 * seg_alloc - the mbufs of one guest-bound segment of @slen payload bytes,
 * head first: the head from the worker's pool (@room payload bytes; the
 * headers are prepended into its headroom), the rest from the payload
 * pool's large mbufs where the worker has one (w->pay_mp: a 64 KiB TSO
 * segment in 5 mbufs instead of 33, and each mbuf costs a reference count
 * update, a free and two cache lines on its way to the guest and back),
 * else from the worker's pool. An empty payload pool falls back to the
 * worker's (counted in tcp_pay_pool_empty); a worker's pool short of
 * mbufs gives fewer (a shorter segment).
 * @w: worker
 * @slen: payload bytes
 * @room: payload bytes the head holds
 * @mb: filled with the mbufs
 * @iov_left: iovec entries left in this read (most mbufs)
 * @spare: mbufs of the worker's pool above its reserve; lowered by those
 *	taken
 *
 * Return: mbufs in @mb (0: none fit).
 */
static unsigned int
seg_alloc(struct sl_worker *w, uint32_t slen, uint32_t room,
	struct rte_mbuf **mb, unsigned int iov_left, unsigned int *spare)
{
	unsigned int need, k;

	if (slen > room && w->pay_mp != NULL) {
		need = (slen - room + w->pay_room - 1) / w->pay_room;
		if (need + 1 > iov_left || *spare == 0)
			return 0;
		if (rte_pktmbuf_alloc_bulk(w->pay_mp, mb + 1, need) == 0) {
			mb[0] = rte_pktmbuf_alloc(w->mp);
			if (mb[0] == NULL) {
				rte_pktmbuf_free_bulk(mb + 1, need);
				return 0;
			}
			sl_mp_took(w, 1);
			(*spare)--;
			return need + 1;
		}
		SL_STAT_INC(w->stats, tcp_pay_pool_empty);
	}
	need = 1 + (slen > room ? (slen - room + w->seg_room - 1) /
		w->seg_room : 0);
	if (need > iov_left || need > *spare)
		return 0;
	if (rte_pktmbuf_alloc_bulk(w->mp, mb, need) != 0) {
		/* not expected (spare counts them): as many as there are */
		for (k = 0; k < need; k++) {
			mb[k] = rte_pktmbuf_alloc(w->mp);
			if (mb[k] == NULL)
				break;
		}
		need = k;
	}
	sl_mp_took(w, need);
	*spare -= need;
	return need;
}

/**
 * lay_out_segs - up to @max segments (chains of mbufs, seg_alloc) for
 * @avail bytes of host data (each up to seg_max() bytes, headroom left for
 * the headers) and the iovec one readv fills them through.
 * @w: worker
 * @c: connection
 * @avail: bytes the guest's window and the limits allow
 * @max: most segments
 * @seg: filled with the chains
 * @seg_len: filled with their lengths
 * @iov: filled with the buffers
 * @niov: set to the iovec count
 *
 * Return: segments laid out (0: out of mbufs).
 */
static unsigned int
lay_out_segs(struct sl_worker *w, const struct sl_tcp_conn *c,
	uint32_t avail, unsigned int max, struct rte_mbuf **seg,
	uint32_t *seg_len, struct iovec *iov, unsigned int *niov)
{
	uint32_t want = 0, room = w->seg_room - SL_TCP_HDR_ROOM;
	unsigned int nseg = 0, spare, avail_mb = sl_mp_avail(w, false);
	struct rte_mbuf *mb[SL_TCP_READ_IOV];

	*niov = 0;
	spare = avail_mb > w->mbuf_reserve ? avail_mb - w->mbuf_reserve : 0;
	/* lay out segments of up to snd_mss bytes (TSO: up to seg_max) */
	while (want < avail && nseg < max) {
		uint32_t slen = RTE_MIN(seg_max(w, c), avail - want);
		uint32_t left;
		struct rte_mbuf *last = NULL;
		unsigned int n, k;

		if (!w->multiseg)
			slen = RTE_MIN(slen, room);
		n = seg_alloc(w, slen, room, mb, SL_TCP_READ_IOV - *niov,
			&spare);
		if (n == 0)
			break;
		left = slen;
		for (k = 0; k < n && left > 0; k++) {
			struct rte_mbuf *m = mb[k];
			/* the first holds room bytes, the others their
			 * tailroom (headroom too: fresh from the pool) */
			uint32_t take = RTE_MIN(left, k == 0 ? room :
				(uint32_t)rte_pktmbuf_tailroom(m));

			iov[*niov].iov_base = rte_pktmbuf_mtod(m, void *);
			iov[*niov].iov_len = take;
			(*niov)++;
			m->data_len = (uint16_t)take;
			if (last != NULL)
				last->next = m;
			last = m;
			left -= take;
		}
		if (k < n)	/* not expected: the count is exact */
			rte_pktmbuf_free_bulk(mb + k, n - k);
		slen -= left;	/* short of mbufs: a shorter segment */
		mb[0]->nb_segs = (uint16_t)k;
		mb[0]->pkt_len = slen;
		seg[nseg] = mb[0];
		seg_len[nseg] = slen;
		nseg++;
		want += slen;
		if (left > 0)
			break;
	}
	return nseg;
}

/**
 * read_end - after a read of *@got bytes into @iov (@niov entries; the
 * @nseg segments laid out hold @seg_len bytes each) from the host socket
 * of @c: when it drained the socket and the peer's FIN already came
 * (RDHUP; a request-response peer that closes right after its answer),
 * read into the rest of the laid-out room what is left (added to *@got)
 * or the end of the stream. The kernel tells the end, never a guess.
 * Return: true at the end of the stream (the FIN can ride on the last
 * segment: one frame less, no host poll before it).
 */
static bool
read_end(struct sl_worker *w, struct sl_flow *f, const struct sl_tcp_conn *c,
	const struct iovec *iov, unsigned int niov, const uint32_t *seg_len,
	unsigned int nseg, uint32_t *got)
{
	struct iovec rest[SL_TCP_READ_IOV];
	uint32_t asked = 0, skip = *got;
	unsigned int i, k = 0;
	ssize_t n;

	for (i = 0; i < nseg; i++)
		asked += seg_len[i];
	if (skip >= asked || !c->host_rdhup || c->host_rst)
		return false;
	for (i = 0; i < niov; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= (uint32_t)iov[i].iov_len;
			continue;
		}
		rest[k].iov_base = (uint8_t *)iov[i].iov_base + skip;
		rest[k].iov_len = iov[i].iov_len - skip;
		skip = 0;
		k++;
	}
	n = sl_host_readv(w->host, f->hd, rest, (int)k);
	if (n > 0)
		*got += (uint32_t)n;
	return n == 0;
}

/**
 * emit_read - send the @nseg segments laid out (@seg, @seg_len each) that
 * the @got bytes read filled (the rest freed), the last one with our FIN
 * when @eof.
 * Return: 0, or -1 when a segment could not go (the flow was reset).
 */
static int
emit_read(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	struct rte_mbuf **seg, const uint32_t *seg_len, unsigned int nseg,
	uint32_t got, bool eof)
{
	unsigned int i;

	for (i = 0; i < nseg; i++) {
		uint32_t l = RTE_MIN(got, seg_len[i]);
		uint8_t flags = F_ACK;

		if (l == 0) {
			rte_pktmbuf_free(seg[i]);
			continue;
		}
		if (l < seg_len[i]) {
			tcp_mbuf_trim(seg[i], l);
			flags |= F_PSH;	/* drained the socket */
		}
		got -= l;
		if (eof && got == 0)
			flags |= F_FIN | F_PSH;	/* the last byte, then EOF */
		if (tcp_emit(w, f, c, flags, c->snd_nxt, seg[i], true) != 0) {
			/* bytes already read cannot be unread: reset */
			uint32_t j;

			for (j = i + 1; j < nseg; j++)
				rte_pktmbuf_free(seg[j]);
			tcp_reset_both(w, f, c, SL_STAT_tcp_closed_host_rst);
			return -1;
		}
		c->snd_nxt += l;
		f->bytes_to_guest += l;
		SL_STAT_ADD(w->stats, tcp_to_guest_bytes, l);
	}
	if (eof) {
		/* the FIN went on the last segment */
		c->host_eof = true;
		fin_went(c);
		set_interest(w, f, c, c->interest & ~READ_EVENTS);
	}
	return 0;
}

/**
 * tcp_host_to_guest - read host data into mbufs that become guest segments,
 * within the guest's window, the in-flight cap, the congestion window and
 * the iteration's tx room (sl_tx_room; flows that find none wait in line: tx_defer); one
 * readv per call.
 */
void
tcp_host_to_guest(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	struct rte_mbuf *seg[SL_TCP_READ_SEGS];
	struct iovec iov[SL_TCP_READ_IOV];
	uint32_t seg_len[SL_TCP_READ_SEGS];
	uint32_t in_flight = c->snd_nxt - c->snd_una;
	uint32_t avail, got;
	unsigned int nseg, niov, i, seg_lim;
	bool eof;
	ssize_t n;

	if (f->state != SL_TCP_S_ESTABLISHED || c->host_eof || f->hd < 0)
		return;
	avail = SEQ_GT(c->snd_una + c->snd_wnd, c->snd_nxt) ?
		c->snd_una + c->snd_wnd - c->snd_nxt : 0;
	if (in_flight >= w->cfg->tcp_buf)
		avail = 0;
	else
		avail = RTE_MIN(avail, w->cfg->tcp_buf - in_flight);
	/* mbufs: the reserve stays, and at least one whole segment must
	 * fit above it (else lay_out_segs finds no room every iteration) */
	if (avail > 0 && (tw->held + tw->inflight >= w->cfg->max_buffered ||
	    sl_mp_avail(w, false) < w->mbuf_reserve + seg_mbufs(w, c))) {
		/* the worker's buffering budget (bytes, or mbufs: the rx
		 * path and control frames keep a reserve, or the guest's
		 * ACKs could not even be received) is spent: read this
		 * socket again shortly (its own ACKs may never come) */
		SL_STAT_INC(w->stats, tcp_buffer_limit_waits);
		set_interest(w, f, c, c->interest & ~READ_EVENTS);
		c->recheck_deadline = w->now_ms + SL_TCP_BUDGET_RETRY_MS;
		tcp_rearm(w, f, c);
		return;
	}
	avail = RTE_MIN(avail, tcp_cwnd_room(w, c));	/* sl_tcp_cc.c */
	avail = (uint32_t)RTE_MIN((uint64_t)avail, w->cfg->max_buffered -
		tw->held - tw->inflight);
	/* sender SWS avoidance (RFC 9293 3.8.6.2.1) */
	if (avail < c->snd_mss && in_flight > 0 &&
	    avail < c->max_snd_wnd / 2)
		avail = 0;
	if (avail == 0) {
		/* window full: stop reading, the host sender feels it */
		c->rd_blocked = true;
		set_interest(w, f, c, c->interest & ~READ_EVENTS);
		if (c->snd_wnd == 0 && in_flight == 0 &&
		    c->persist_deadline == 0) {
			c->persist_backoff = 0;
			c->persist_deadline = w->now_ms + tcp_rto_backed_off(c);
			tcp_rearm(w, f, c);
		}
		return;
	}
	c->rd_blocked = false;
	seg_lim = RTE_MIN((unsigned int)SL_TCP_READ_SEGS, sl_tx_room(w));
	if (seg_lim == 0 || (tw->txq_head != 0 && !c->tx_turn)) {
		tx_defer(w, f, c);	/* the port is busy: wait in line */
		return;
	}
	nseg = lay_out_segs(w, c, avail, seg_lim, seg, seg_len, iov, &niov);
	if (nseg == 0) {
		SL_STAT_INC(w->stats, drop_nomem);
		return;	/* IN stays armed: retried next iteration */
	}
	n = sl_host_readv(w->host, f->hd, iov, (int)niov);
	if (n <= 0) {
		for (i = 0; i < nseg; i++)
			rte_pktmbuf_free(seg[i]);
		if (n == -EAGAIN)
			return;
		/* end of stream, or (after a reset) of what it held */
		c->host_eof = true;
		set_interest(w, f, c, c->interest & ~READ_EVENTS);
		if (n < 0 || c->host_rst) {
			c->host_rst = true;
			tcp_drop_pend(w, c);
		} else {
			send_fin(w, f, c);
		}
		tcp_maybe_finish(w, f, c);
		return;
	}
	got = (uint32_t)n;
	eof = read_end(w, f, c, iov, niov, seg_len, nseg, &got);
	f->last_ms = w->now_ms;
	if (unlikely(c->syn_rto_fired)) {
		/* RFC 6298 5.7: the handshake needed its RTO: 3 s from the
		 * first data on */
		c->syn_rto_fired = false;
		c->rto = RTE_MAX(c->rto, SL_TCP_RTO_SYN_FIRED);
	}
	if (emit_read(w, f, c, seg, seg_len, nseg, got, eof) != 0)
		return;
	if (c->rto_deadline == 0)
		c->rto_deadline = w->now_ms + tcp_rto_backed_off(c);
	tcp_tlp_arm(w, f, c);
	tcp_rearm(w, f, c);
}

void
sl_tcp_iteration_end(struct sl_worker *w)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	uint32_t i = tw->dirty;

	tw->dirty = 0;
	while (i != 0) {
		struct sl_flow *f = &w->ft.flows[i - 1];
		struct sl_tcp_conn *c = &tw->conns[i - 1];
		uint32_t win;

		i = c->dirty_next;
		c->dirty = false;
		if (!f->in_use || f->state < SL_TCP_S_ESTABLISHED)
			continue;
		if (f->state == SL_TCP_S_TIME_WAIT) {
			if (c->ack_now)
				tcp_send_ack(w, f, c);
			continue;
		}
		if (!c->ack_now && c->last_ack_sent == c->rcv_nxt) {
			/* a data segment already carried this ACK: only a
			 * changed window would need a pure update */
			win = tcp_select_window(w, f, c) >> c->rcv_wscale;
			if (win == c->last_win_sent ||
			    !sl_tcp_should_reopen(c->last_adv_wnd,
			    tcp_adv_space(w, f, c), c->rcv_mss,
			    tcp_max_window(w, c)))
				continue;
		}
		if (!c->ack_now && c->last_ack_sent != c->rcv_nxt)
			c->ack_now = true;
		if (c->ack_now)
			tcp_send_ack(w, f, c);
		else {
			SL_STAT_INC(w->stats, tcp_window_updates);
			tcp_send_ack(w, f, c);
		}
	}
	tcp_ring_iter_end(w);
}

/**
 * tcp_send_owed - send again the control segments that failed (tcp_owe());
 * those that fail again stay owed.
 */
void
tcp_send_owed(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint8_t owed = c->owed;

	c->owed = 0;
	c->ctl_deadline = 0;
	if ((owed & OWE_SYNACK) && f->state == SL_TCP_S_SYN_RCVD)
		tcp_send_synack(w, f, c);
	if ((owed & OWE_FIN) && f->state == SL_TCP_S_ESTABLISHED)
		send_fin(w, f, c);
	if ((owed & OWE_ACK) && f->state >= SL_TCP_S_ESTABLISHED)
		tcp_send_ack(w, f, c);
}
