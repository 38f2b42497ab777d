/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_in.c: guest segments on a synchronised connection: acceptance
 * (RFC 9293 order), RST/SYN checks (RFC 5961), ACK processing (new,
 * duplicate, window update) and the payload's way to the reassembly.
 */
#include "sl_tcp_priv.h"

/**
 * ack_new - SEG.ACK moved SND.UNA forward: release the retransmit entries
 * it covers (an RTT sample from one never resent), end recovery (an ACK at
 * or beyond "recover") or, without SACK, continue NewReno recovery (a
 * partial ACK resends the next hole; with SACK, tcp_sack_input() does the
 * repair); grow the congestion window, re-arm the RTO and the tail-loss
 * probe.
 */
static void
ack_new(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint32_t ack)
{
	struct sl_tcp_rtx_pool *pool = rtx_pool(w);
	uint32_t flight = c->snd_nxt - c->snd_una;
	uint32_t acked = ack - c->snd_una;
	struct sl_tcp_rtx *e;
	bool rexmit_acked = false;
	int64_t rtt = -1;

	c->snd_una = ack;
	while ((e = c->rtx_head) != NULL) {
		uint32_t end = e->seq + e->len +
			((e->flags & (F_SYN | F_FIN)) ? 1 : 0);

		if (SEQ_GT(end, ack))
			break;
		/* Karn: an ACK that covers a retransmission gives no RTT
		 * sample at all, not even from the segments after it: those
		 * waited in the guest's out-of-order queue for the hole, and
		 * their time inflates the RTO (seconds, after a long
		 * recovery) */
		if (e->rexmit)
			rexmit_acked = true;
		else
			rtt = (int64_t)(w->now_ms - e->sent_ms);
		if (c->sb.ok)
			sl_tcp_sack_freed(&c->sb, e);
		c->rtx_head = e->next;
		if (c->rtx_head == NULL)
			c->rtx_tail = NULL;
		sl_tcp_w(w)->inflight -= e->len;
		rte_pktmbuf_free(e->m);
		e->next = pool->free;
		pool->free = e;
	}
	if (rtt >= 0 && !rexmit_acked)
		tcp_rtt_sample(c, (uint32_t)rtt);
	c->backoff = 0;
	c->dupacks = 0;
	c->tlp_sent = false;
	tcp_cc_ack(w, c, acked, flight);
	if (c->in_recovery) {
		if (SEQ_GE(ack, c->recover)) {
			c->in_recovery = false;
			c->rto_rec = false;
		} else if (c->rtx_head != NULL && !c->sb.ok) {
			tcp_retransmit(w, f, c, c->rtx_head);
		}
	}
	c->rto_deadline = c->rtx_head ? w->now_ms + tcp_rto_backed_off(c) : 0;
	tcp_tlp_arm(w, f, c);
	if (c->fin_sent && SEQ_GE(ack, c->snd_nxt))
		c->fin_acked = true;
}

/**
 * dup_ack - a duplicate ACK from a guest without SACK: the third one
 * resends the first unacknowledged segment (fast retransmit) and starts
 * recovery; none does while in recovery (RFC 6582 3.2: only partial ACKs
 * resend then, and after an RTO only an ACK at or beyond "recover" ends
 * it).
 */
static void
dup_ack(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	if (c->in_recovery)
		return;
	if (++c->dupacks == SL_TCP_DUPTHRESH) {
		tcp_cc_loss(w, c, false);
		c->in_recovery = true;
		c->recover = c->snd_nxt;
		SL_STAT_INC(w->stats, tcp_rexmit_fast);
		tcp_retransmit(w, f, c, c->rtx_head);
	}
}

/**
 * window_update - take the guest's window from a segment (SND.WL1/SND.WL2
 * rule), unmute host reads it allows, arm the persist timer when only it
 * can get a zero window reopened; re-arms the flow's timer.
 * @w: worker
 * @f: flow
 * @c: connection
 * @s: the segment (its ACK already processed)
 */
static void
window_update(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	const struct seg *s)
{
	uint32_t new_wnd = (uint32_t)s->wnd << c->snd_wscale;

	/*
	 * SND.WL1/SND.WL2: a stale segment cannot move the window, nor can
	 * one whose ACK is older than SND.UNA (RFC 9293 3.10.7.4: the window
	 * is updated only when SND.UNA =< SEG.ACK =< SND.NXT).
	 */
	if (SEQ_GE(s->ack, c->snd_una) && (SEQ_LT(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && SEQ_LE(c->snd_wl2, s->ack)))) {
		if (new_wnd == 0 && c->snd_wnd != 0)
			SL_STAT_INC(w->stats, tcp_zero_window_guest);
		c->snd_wnd = new_wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		if (new_wnd > c->max_snd_wnd)
			c->max_snd_wnd = new_wnd;
		if (new_wnd > 0) {
			c->persist_deadline = 0;
			c->persist_backoff = 0;
		}
	}
	if (c->rd_blocked && c->snd_wnd > 0) {
		c->rd_blocked = false;
		set_interest(w, f, c, c->interest | SL_HOST_EV_IN);
	}
	/*
	 * Everything acknowledged with a zero window while host data waits
	 * (read interest muted, so host_to_guest will not run again): only
	 * the persist timer can get the window reopened if the guest's
	 * update is lost.
	 */
	if (c->rd_blocked && c->snd_wnd == 0 && c->snd_nxt == c->snd_una &&
	    c->persist_deadline == 0) {
		c->persist_backoff = 0;
		c->persist_deadline = w->now_ms + tcp_rto_backed_off(c);
	}
	tcp_rearm(w, f, c);
}

/**
 * ack_in_range - RFC 5961 5.2: SND.UNA - MAX.SND.WND =< SEG.ACK =<
 * SND.NXT. An ACK of data never sent, or older than any window the guest
 * could still be acknowledging (a blind injection), is not.
 */
static inline bool
ack_in_range(const struct sl_tcp_conn *c, uint32_t ack)
{
	return SEQ_LE(ack, c->snd_nxt) &&
		SEQ_GE(ack, c->snd_una - c->max_snd_wnd);
}

/**
 * is_dsack - whether the first SACK block of @o reports a duplicate (RFC
 * 2883 4.1): it lies at or below the segment's ACK @ack, or inside the
 * second block.
 */
static inline bool
is_dsack(const struct sl_tcp_opts *o, uint32_t ack)
{
	uint32_t l = o->sack[0][0], r = o->sack[0][1];

	if (SEQ_LE(r, l))
		return false;
	if (SEQ_LE(r, ack))
		return true;
	return o->n_sack > 1 && SEQ_GE(l, o->sack[1][0]) &&
		SEQ_LE(r, o->sack[1][1]);
}

/**
 * process_ack - the ACK field, SACK blocks (@o, when SACK was negotiated)
 * and window of an acceptable segment.
 * Return: -1 when the segment must be dropped (its ACK out of range: a
 * challenge ACK is owed).
 */
static int
process_ack(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	const struct seg *s, const struct sl_tcp_opts *o)
{
	uint32_t new_wnd = (uint32_t)s->wnd << c->snd_wscale;
	bool dup = false, partial = false;

	if (!ack_in_range(c, s->ack)) {
		SL_STAT_INC(w->stats, tcp_challenge_acks);
		c->ack_now = true;
		return -1;
	}
	if (c->sb.ok && o->n_sack > 0 && is_dsack(o, s->ack))
		tcp_cc_dsack(w, c, o->sack[0][0]);
	if (SEQ_GT(s->ack, c->snd_una)) {
		ack_new(w, f, c, s->ack);
		partial = c->in_recovery;
	} else if (s->ack == c->snd_una && s->len == 0 &&
	    new_wnd == c->snd_wnd && c->rtx_head != NULL &&
	    !(s->flags & (F_FIN | F_SYN))) {
		dup = true;
	}
	if (c->sb.ok && SEQ_GE(s->ack, c->snd_una))
		tcp_sack_input(w, f, c, o, dup, partial);
	else if (dup)
		dup_ack(w, f, c);
	window_update(w, f, c, s);
	return 0;
}

/**
 * tcp_acceptable - RFC 9293 3.10.7.4 segment acceptability against the window
 * we advertised.
 */
bool
tcp_acceptable(const struct sl_tcp_conn *c, uint32_t seq, uint32_t len)
{
	uint32_t wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ?
		c->rcv_adv - c->rcv_nxt : 0;

	if (len == 0) {
		if (wnd == 0)
			return seq == c->rcv_nxt;
		return SEQ_LE(c->rcv_nxt, seq) && SEQ_LT(seq, c->rcv_nxt + wnd);
	}
	if (wnd == 0)
		return false;
	return (SEQ_LE(c->rcv_nxt, seq) && SEQ_LT(seq, c->rcv_nxt + wnd)) ||
		(SEQ_LE(c->rcv_nxt, seq + len - 1) &&
		 SEQ_LT(seq + len - 1, c->rcv_nxt + wnd));
}

/**
 * rst_input - a guest RST on a synchronised connection: exact sequence
 * number resets the host peer, in the window gets a challenge ACK
 * (RFC 5961 3.2), anything else is dropped.
 */
static void
rst_input(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint32_t seq)
{
	if (seq == c->rcv_nxt) {
		/* guest reset: the host peer sees a reset */
		tcp_free(w, f, true, SL_STAT_tcp_closed_guest_rst);
	} else if (tcp_acceptable(c, seq, 0) || tcp_acceptable(c, seq, 1)) {
		SL_STAT_INC(w->stats, tcp_challenge_acks);
		c->ack_now = true;
		dirty_mark(w, f, c);
	} else {
		SL_STAT_INC(w->stats, drop_tcp_out_of_window);
	}
}

/**
 * unacceptable_input - a segment outside the window we advertised (a
 * zero-window probe, an old duplicate): its data and FIN are not taken,
 * but a valid ACK field and window update are (RFC 9293 3.10.7.4: "special
 * allowance should be made to accept valid ACKs"; the SND.WL1/SND.WL2
 * rule keeps stale windows out), without counting a duplicate ACK. It is
 * answered with an ACK carrying our current window and, to a SACK guest
 * resending data below RCV.NXT, a D-SACK block for it (RFC 2883).
 * @w: worker
 * @f: flow
 * @c: connection
 * @s: the segment
 * @seglen: its sequence space (payload plus FIN)
 */
static void
unacceptable_input(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c, const struct seg *s, uint32_t seglen)
{
	if (c->last_adv_wnd == 0 && ((seglen > 0 && s->seq == c->rcv_nxt) ||
	    (seglen == 0 && s->seq == c->rcv_nxt - 1)))
		SL_STAT_INC(w->stats, tcp_zwp_answered);
	else
		SL_STAT_INC(w->stats, drop_tcp_out_of_window);
	if ((s->flags & F_ACK) && ack_in_range(c, s->ack)) {
		if (SEQ_GT(s->ack, c->snd_una))
			ack_new(w, f, c, s->ack);
		window_update(w, f, c, s);
	}
	if (c->sb.ok && s->len > 0 && SEQ_LT(s->seq, c->rcv_nxt)) {
		/* data we hold already: report it (RFC 2883 D-SACK), the
		 * guest learns its retransmission was spurious and undoes it */
		c->dsack = true;
		c->dsack_l = s->seq;
		c->dsack_r = SEQ_LT(c->rcv_nxt, s->seq + s->len) ?
			c->rcv_nxt : s->seq + s->len;
		SL_STAT_INC(w->stats, tcp_dsack_sent);
	}
	c->ack_now = true;
	dirty_mark(w, f, c);
}

/**
 * fin_check - take the guest's FIN once RCV.NXT reaches its sequence
 * number: a FIN may arrive out of order, ahead of data still missing, and
 * waits (fin_pending) until the gap is filled. Out-of-order data queued
 * beyond it is dropped (nothing follows a FIN); data that runs past it
 * shows it was not the end, and it is forgotten.
 */
static void
fin_check(struct sl_worker *w, struct sl_tcp_conn *c)
{
	if (!c->fin_pending || SEQ_LT(c->rcv_nxt, c->fin_seq))
		return;
	c->fin_pending = false;
	if (c->rcv_nxt != c->fin_seq)
		return;
	if (c->n_ooo > 0)
		tcp_ooo_prune(w, c);
	c->rcv_nxt++;
	c->fin_rcvd = true;
	c->ack_now = true;
}

/**
 * data_input - the payload and FIN of an acceptable segment: trimmed to
 * [RCV.NXT, right edge), taken within the hold limit (tcp_hold_take: the
 * frame's own mbufs, or a copy when its rx pool runs low; refused data is
 * not acknowledged), appended to the pending data when in order (then
 * what the out-of-order queue holds next), else queued out of order; the
 * FIN is noted and taken when RCV.NXT reaches it (fin_check).
 * Return: true when the mbuf was taken (kept, or freed once copied).
 */
static bool
data_input(struct sl_worker *w, struct sl_tcp_conn *c,
	const struct sl_pkt *p, const struct seg *s)
{
	uint32_t seq = s->seq, len = s->len;
	uint32_t front = SEQ_LT(seq, c->rcv_nxt) ? c->rcv_nxt - seq : 0;
	bool fin = (s->flags & F_FIN) != 0, kept = false;

	if (front > len)
		front = len;	/* only the FIN is new (or nothing) */
	seq += front;
	len -= front;
	if (SEQ_GT(seq + len, c->rcv_adv)) {
		len = SEQ_GT(c->rcv_adv, seq) ? c->rcv_adv - seq : 0;
		fin = false;
	}
	if (len > 0) {
		struct rte_mbuf *d = tcp_hold_take(w, c, p->m,
			p->pay_off + front, len);

		if (d == NULL)
			return false;	/* refused: the guest sends it again */
		kept = true;
		if (seq != c->rcv_nxt) {
			tcp_ooo_insert(w, c, seq, len, d);
			c->ack_now = true;	/* dup ACK */
		} else if (tcp_deliver(w, c, d, len) == 0) {
			tcp_ooo_drain(w, c);
		}
		c->segs_unacked++;
		if (c->segs_unacked >= 2)
			SL_STAT_INC(w->stats, tcp_acks_coalesced);
	} else if (front > 0 && !fin) {
		c->ack_now = true;	/* pure duplicate */
	}
	if (fin) {
		c->fin_pending = true;
		c->fin_seq = seq + len;
	}
	fin_check(w, c);
	if (c->n_ooo > 0 || c->fin_pending)
		c->ack_now = true;
	return kept;
}

/**
 * established_input - a segment on a synchronised connection.
 * Return: true when the mbuf was kept.
 */
static bool
established_input(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c, const struct sl_pkt *p,
	const struct rte_tcp_hdr *th)
{
	struct seg s = seg_of(p, th);
	uint32_t seglen = s.len + ((s.flags & F_FIN) ? 1 : 0);
	struct sl_tcp_opts o = { .n_sack = 0 };

	if (s.flags & F_RST) {
		rst_input(w, f, c, s.seq);
		return false;
	}
	if (s.flags & F_SYN) {
		/* RFC 5961 4.2: any SYN here gets a challenge ACK */
		SL_STAT_INC(w->stats, tcp_challenge_acks);
		c->ack_now = true;
		dirty_mark(w, f, c);
		return false;
	}
	if (!tcp_acceptable(c, s.seq, seglen)) {
		unacceptable_input(w, f, c, &s, seglen);
		return false;
	}
	if (!(s.flags & F_ACK)) {
		SL_STAT_INC(w->stats, drop_tcp);
		return false;
	}
	dirty_mark(w, f, c);
	f->last_ms = w->now_ms;
	if (s.len > c->rcv_mss) {
		SL_STAT_INC(w->stats, tcp_large_segs_in);	/* GSO, LRO */
		if (c->v6)
			SL_STAT_INC(w->stats, tcp6_large_segs_in);
	}
	/* SACK blocks (malformed options: none) */
	if (c->sb.ok && p->l4_hlen > sizeof(*th) &&
	    sl_tcp_parse_opts((const uint8_t *)(th + 1),
	    p->l4_hlen - sizeof(*th), &o) != 0)
		o.n_sack = 0;
	if (process_ack(w, f, c, &s, &o) != 0)
		return false;
	if (f->state == SL_TCP_S_TIME_WAIT) {
		if (s.flags & F_FIN)
			c->ack_now = true;
		return false;
	}
	if (seglen == 0) {
		tcp_maybe_finish(w, f, c);
		return false;
	}
	if (c->fin_rcvd) {
		/* data or FIN after the guest's FIN: retransmission */
		c->ack_now = true;
		return false;
	}
	return data_input(w, c, p, &s);
}

bool
sl_tcp_input(struct sl_worker *w, const struct sl_pkt *p)
{
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)p->l4;
	struct sl_flow_key key;
	struct sl_tcp_conn *c;
	struct sl_flow *f;
	uint8_t flags = th->tcp_flags;

	key = sl_pkt_key(p, IPPROTO_TCP, th->src_port, th->dst_port);
	f = sl_flow_find(w, p, &key);
	if (f != NULL && f->state == SL_TCP_S_TIME_WAIT &&
	    (flags & (F_SYN | F_ACK)) == F_SYN) {
		/* a new incarnation of the 4-tuple ends TIME_WAIT */
		tcp_free(w, f, false, SL_STAT_tcp_closed_normal);
		f = NULL;
	}
	if (f == NULL) {
		if ((flags & (F_SYN | F_ACK | F_RST | F_FIN)) == F_SYN) {
			if (p->pay_len > 0) {
				/* SYN with data: the data is not queued */
				SL_STAT_INC(w->stats, drop_tcp);
			}
			tcp_new_conn(w, p, th, &key);
			return false;
		}
		SL_STAT_INC(w->stats, drop_tcp_no_flow);
		tcp_send_rst_reply(w, p, th);
		return false;
	}
	c = conn_of(w, f);
	switch (f->state) {
	case SL_TCP_S_SYN_SENT:
		tcp_syn_sent_input(w, f, c, p, th);
		return false;
	case SL_TCP_S_CONNECTING:
		if ((flags & F_RST) && rte_be_to_cpu_32(th->sent_seq) ==
		    c->rcv_nxt) {
			tcp_free(w, f, true, SL_STAT_tcp_closed_guest_rst);
		}
		/* SYN retransmissions wait for the host connect */
		return false;
	case SL_TCP_S_SYN_RCVD:
		if (!tcp_syn_rcvd_input(w, f, c, p, th))
			return false;
		/* established: the ACK may carry data and the window */
		/* fallthrough */
	case SL_TCP_S_ESTABLISHED:
	case SL_TCP_S_TIME_WAIT:
		return established_input(w, f, c, p, th);
	}
	return false;
}
