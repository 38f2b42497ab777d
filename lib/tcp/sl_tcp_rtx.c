/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_rtx.c: retransmission toward the guest: the retransmit queue,
 * RTT samples and the RTO (RFC 6298), fast retransmit and loss recovery
 * (NewReno; SACK-driven repair, the scoreboard itself is sl_tcp_sack.c).
 *
 * Theory of operation
 * -------------------
 * Retransmission data is kept in mbufs, not in the host socket: each sent
 * segment stays referenced (refcount) in the flow's retransmit queue until
 * the guest acknowledges it. Why mbufs: the bytes were read from the host
 * socket anyway (MSG_PEEK plus SO_PEEK_OFF would need a recent kernel and
 * a re-read per retransmission), a retransmission is a header rewrite and a
 * refcount bump, and the queue's size is bounded by the guest window and
 * cfg->tcp_buf. A segment the PMD still holds (refcount > 1) is copied
 * before its header is rewritten. RTO per RFC 6298 (1 s initial, 200 ms
 * floor, doubling, SL_TCP_RETRIES then RST; 3 s from the first data on
 * when it fired during the handshake, 5.7).
 *
 * Loss recovery toward the guest. What sluice sends is bounded by the
 * guest's window, the caps above and the congestion window (sl_tcp_cc.c,
 * which each episode below reduces), so a loss burst may leave many holes
 * in one window. Recovery runs from the third
 * duplicate ACK (or, with SACK, below) until an ACK at or beyond "recover"
 * (SND.NXT when it started); an RTO also starts it (recover = SND.NXT).
 * - Guests that negotiated SACK (Linux does by default): each ACK's SACK
 *   blocks (at most 4; empty, reversed, below SND.UNA or beyond SND.NXT:
 *   ignored) mark the retransmit entries they cover wholly (sacked; part
 *   of a large TSO entry does not count). Marking remembers the last few
 *   ranges it marked and starts from them, so a block seen before costs
 *   nothing and a growing one only its new entries (sl_tcp_sack.c).
 *   Recovery starts on the third duplicate ACK or when sacked data lies
 *   more than DupThresh (3) segments above SND.UNA (RFC 6675 simplified),
 *   or when a tail-loss probe (sl_tcp_cc.c) is sacked: what lies below it
 *   was sent a PTO earlier at least (RFC 8985's RACK rule).
 *   In recovery, each ACK that sacks new entries (or is a partial ACK)
 *   resends up to one more entry than it sacked: first resent holes whose
 *   retransmission is lost (still not sacked SRTT + max(SRTT / 4, 1 ms)
 *   after it went, while later data is being sacked - RACK's idea), then
 *   holes (entries not sacked) below the highest sacked sequence, in
 *   order, each once per episode (high_rxt). A burst of duplicate ACKs
 *   thus repairs many holes in one RTT. The first unacknowledged segment
 *   goes when recovery starts and on a partial ACK if it has not gone in
 *   this episode (after an RTO, only when data above it was sacked: a
 *   partial ACK alone may be a late ACK of the original segments). The
 *   RTO resends the first entry not sacked (never a sacked one); the
 *   scoreboard is kept across it (RFC 6675 5.1), and the holes above go
 *   again as SACKs arrive. D-SACKs for every retransmission of an episode
 *   undo it (sl_tcp_cc.c).
 * - Guests without SACK: NewReno (RFC 6582): the third duplicate ACK
 *   resends SND.UNA's segment; in recovery, duplicate ACKs start no new
 *   fast retransmit, each partial ACK resends the next hole, and a lost
 *   retransmission waits for the RTO. With a large window and many holes
 *   this repairs one hole per RTT: slow, but correct.
 */
#include "sl_tcp_priv.h"

/**
 * tcp_rtt_sample - fold one RTT measurement @r (ms) into @c's
 * SRTT and RTTVAR and recompute the RTO (RFC 6298 2.2-2.5, clamped to
 * [SL_TCP_RTO_MIN, SL_TCP_RTO_MAX]).
 */
void
tcp_rtt_sample(struct sl_tcp_conn *c, uint32_t r)
{
	if (c->srtt8 == 0) {
		c->srtt8 = r << 3;
		c->rttvar4 = r << 1;
	} else {
		int32_t delta = (int32_t)r - (int32_t)(c->srtt8 >> 3);

		if (delta < 0)
			delta = -delta;
		c->rttvar4 = c->rttvar4 - (c->rttvar4 >> 2) + (uint32_t)delta;
		c->srtt8 = c->srtt8 - (c->srtt8 >> 3) + r;
	}
	c->rto = (c->srtt8 >> 3) + RTE_MAX(1u, c->rttvar4);
	c->rto = RTE_MAX(c->rto, SL_TCP_RTO_MIN);
	c->rto = RTE_MIN(c->rto, SL_TCP_RTO_MAX);
}

/**
 * tcp_rto_backed_off - @c's RTO doubled once per backoff step
 * (RFC 6298 5.5), at most SL_TCP_RTO_MAX.
 */
uint32_t
tcp_rto_backed_off(const struct sl_tcp_conn *c)
{
	uint64_t r = (uint64_t)c->rto << RTE_MIN(c->backoff, 16);

	return (uint32_t)RTE_MIN(r, (uint64_t)SL_TCP_RTO_MAX);
}

/**
 * retransmit_split - send the payload of a large (TSO) segment again as
 * MSS-sized copies: TSO is off now (the guest re-negotiated its features).
 * The retransmit entry keeps the original frame; the copies are not queued.
 */
static void
retransmit_split(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c, struct sl_tcp_rtx *e)
{
	struct rte_mbuf *m = e->m;
	const struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m,
		const struct rte_tcp_hdr *, m->l2_len + m->l3_len);
	uint32_t hlen = m->l2_len + m->l3_len + (th->data_off >> 4) * 4;
	uint32_t off;

	SL_STAT_INC(w->stats, tcp_rexmit_split);
	for (off = 0; off < e->len; off += c->snd_mss) {
		uint32_t l = RTE_MIN((uint32_t)c->snd_mss, e->len - off);
		uint8_t flags = e->flags & (F_ACK | F_PSH | F_FIN);
		struct rte_mbuf *d;

		if (off + l < e->len)	/* PSH and FIN: the last copy's */
			flags &= (uint8_t)~(F_PSH | F_FIN);
		d = rte_pktmbuf_copy(m, w->mp, hlen + off, l);
		if (d == NULL) {
			SL_STAT_INC(w->stats, drop_nomem);
			break;
		}
		/* the copy took the original's offload fields: a fresh frame */
		d->ol_flags = 0;
		d->tx_offload = 0;
		if (tcp_emit(w, f, c, flags, e->seq + off, d, false) != 0)
			break;
	}
	e->rexmit = true;
	e->sent_ms = w->now_ms;
}

/**
 * tcp_retransmit - send the segment of @e again (header refreshed: ACK, window,
 * checksum per this iteration's offloads), copying it first if the PMD
 * still holds it.
 */
void
tcp_retransmit(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	struct sl_tcp_rtx *e)
{
	/* callers pass an entry of the queue, never NULL */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	struct rte_mbuf *m = e->m, *s;
	struct rte_tcp_hdr *th;
	bool busy = false;

	if (c->undo_on)
		c->undo_rexmits++;
	if (e->len > c->snd_mss && !tso_on(w, c)) {
		retransmit_split(w, f, c, e);
		return;
	}

	for (s = m; s != NULL; s = s->next)
		if (rte_mbuf_refcnt_read(s) > 1)
			busy = true;
	if (busy) {
		struct rte_mbuf *copy = rte_pktmbuf_copy(m, w->mp, 0,
			UINT32_MAX);

		if (copy == NULL) {
			SL_STAT_INC(w->stats, drop_nomem);
			return;
		}
		copy->l2_len = m->l2_len;
		copy->l3_len = m->l3_len;
		rte_pktmbuf_free(m);
		e->m = m = copy;
	}
	/* a retransmit entry always holds a segment: m is never NULL */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *,
		m->l2_len + m->l3_len);
	if (th->tcp_flags & F_ACK) {
		th->recv_ack = rte_cpu_to_be_32(c->rcv_nxt);
		if (!(th->tcp_flags & F_SYN))
			th->rx_win = rte_cpu_to_be_16(
				tcp_record_adv(w, f, c, tcp_select_window(w, f, c)));
	}
	tx_cksum(w, c, m, e->len);
	e->rexmit = true;
	e->sent_ms = w->now_ms;
	rte_pktmbuf_refcnt_update(m, 1);
	tcp_to_guest(w, f, m);
}

/**
 * tcp_rtx_release - free every retransmit entry of @c (their mbufs
 * back to the pool, their bytes out of the worker's in-flight total) and
 * clear the SACK scoreboard.
 */
void
tcp_rtx_release(struct sl_worker *w, struct sl_tcp_conn *c)
{
	struct sl_tcp_rtx_pool *pool = rtx_pool(w);

	while (c->rtx_head != NULL) {
		struct sl_tcp_rtx *e = c->rtx_head;

		c->rtx_head = e->next;
		sl_tcp_w(w)->inflight -= e->len;
		rte_pktmbuf_free(e->m);
		e->next = pool->free;
		pool->free = e;
	}
	c->rtx_tail = NULL;
	c->sb = (struct sl_tcp_sb){ .ok = c->sb.ok };
}

/**
 * sack_repair - in SACK recovery, resend at most @budget entries: lost
 * retransmissions (when @newly entries were just sacked: later data got
 * through) and holes below the highest sacked sequence, or the first
 * unacknowledged segment too when @head says it is missing (recovery
 * starts, a partial ACK).
 */
static void
sack_repair(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint32_t newly, unsigned int budget, bool head)
{
	struct sl_tcp_rtx *todo[SL_TCP_SACK_BURST];
	uint32_t srtt = c->srtt8 >> 3;
	uint32_t lost_ms = srtt + RTE_MAX(srtt / 4, 1u);
	uint32_t upto = c->sb.sacked_segs > 0 ? c->sb.high_sacked : c->snd_una;
	unsigned int n, n_lost, i;

	if (head && SEQ_LE(upto, c->snd_una))
		upto = c->snd_una + 1;
	n = sl_tcp_sack_collect(&c->sb, c->rtx_head, w->now_ms, lost_ms,
		newly > 0, upto, todo, &n_lost,
		RTE_MIN(budget, (unsigned int)SL_TCP_SACK_BURST));
	for (i = 0; i < n; i++) {
		if (i < n_lost)
			SL_STAT_INC(w->stats, tcp_rexmit_lost);
		else
			SL_STAT_INC(w->stats, tcp_rexmit_sack);
		tcp_retransmit(w, f, c, todo[i]);
	}
}

/**
 * tcp_sack_input - an acceptable ACK from a guest that negotiated SACK: mark
 * what its blocks cover, then enter recovery (the third duplicate ACK,
 * sacked data more than DupThresh segments above SND.UNA, or a tail-loss
 * probe sacked) or go on with it
 * (new blocks or a partial ACK: more holes resent, up to one more than
 * the entries just sacked).
 * @w: worker
 * @f: flow
 * @c: connection
 * @o: the segment's options
 * @dup: a duplicate ACK
 * @partial: a partial ACK in recovery
 */
void
tcp_sack_input(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	const struct sl_tcp_opts *o, bool dup, bool partial)
{
	uint32_t newly = 0;

	if (o->n_sack > 0) {
		SL_STAT_ADD(w->stats, tcp_sack_blocks_rx, o->n_sack);
		newly = sl_tcp_sack_mark(&c->sb, c->rtx_head, c->snd_una,
			c->snd_nxt, (const uint32_t (*)[2])o->sack, o->n_sack);
	}
	if (c->rtx_head == NULL)
		return;
	if (dup && c->dupacks < UINT8_MAX)
		c->dupacks++;
	if (c->in_recovery) {
		/* after an RTO the first unacknowledged segment goes again
		 * only when data above it was SACKed (the hole scan): a
		 * partial ACK alone may be a late ACK of what was sent before
		 * the RTO (a spurious one, sl_tcp_cc.c) */
		if (newly > 0 || partial)
			sack_repair(w, f, c, newly, newly + 1,
				partial && !c->rto_rec);
		return;
	}
	/* a tail-loss probe SACKed: what lies below it went at least a PTO
	 * (2 SRTT) before it and is not there: lost (RFC 8985's RACK) */
	if (c->dupacks < SL_TCP_DUPTHRESH && !(c->tlp_sent && newly > 0) &&
	    (c->sb.sacked_segs == 0 || c->sb.high_sacked - c->snd_una <=
	    (uint32_t)SL_TCP_DUPTHRESH * c->snd_mss))
		return;
	tcp_cc_loss(w, c, false);
	c->in_recovery = true;
	c->recover = c->snd_nxt;
	sl_tcp_sack_episode(&c->sb, c->snd_una);
	SL_STAT_INC(w->stats, tcp_rexmit_fast);
	sack_repair(w, f, c, newly, newly + 1, true);
}

/**
 * tcp_rto_resend - the RTO fired: resend the first entry the guest has not
 * sacked (SACKed entries never go again; the scoreboard is kept) and
 * recover up to SND.NXT: without SACK only partial ACKs resend (RFC 6582),
 * with SACK the holes above it go again as the guest's blocks come in.
 */
void
tcp_rto_resend(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	struct sl_tcp_rtx *e = c->rtx_head;

	if (c->sb.ok && c->sb.sacked_segs > 0)
		e = sl_tcp_sack_first_unsacked(e);
	if (e == NULL)
		e = c->rtx_head;
	tcp_cc_loss(w, c, true);
	c->backoff++;
	c->dupacks = 0;
	c->in_recovery = true;
	c->recover = c->snd_nxt;
	if (c->sb.ok) {
		sl_tcp_sack_episode(&c->sb, c->snd_una);
		sl_tcp_sack_rto(&c->sb, e);
	}
	SL_STAT_INC(w->stats, tcp_rexmit_rto);
	tcp_retransmit(w, f, c, e);
}
