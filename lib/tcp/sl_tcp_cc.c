/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_cc.c: pacing toward the guest: the congestion window of each
 * connection (growth, reduction on loss, undo of spurious reductions) and
 * the tail-loss probe.
 *
 * Theory of operation
 * -------------------
 * Congestion window. What a flow sends to the guest is gated by the least
 * of the guest's window, cfg->tcp_buf in flight, the iteration's tx room
 * (sl_tcp_out.c) and cwnd. Between sluice and the guest's sockets lie the
 * port and the guest's queues (a ring, its backlog, the socket); they lose
 * frames when a burst exceeds what they hold, and the guest's window does
 * not say how much that is. cwnd is NewReno (RFC 5681; recovery RFC 6675
 * with SACK, RFC 6582 without) counted in bytes (RFC 3465), so that a
 * large (TSO) frame counts for what it carries:
 * - initial window 10 frames (RFC 6928's 10 segments, counted as the
 *   frames the guest's queues hold: 10 MSS, with TSO 10 large frames) but
 *   at least 64 KiB (SL_TCP_IW_BYTES: 44 segments of 1460 bytes): those
 *   queues are local and hold hundreds to thousands of frames, and what
 *   many flows send at once is bounded by the iteration's tx room that
 *   they share (sl_tcp_out.c), not by their windows; below ssthresh (slow
 *   start) cwnd
 *   grows by the bytes each ACK newly acknowledges (as Linux counts every
 *   segment an ACK covers, a TSO frame's too), above it (congestion
 *   avoidance) by one MSS per cwnd bytes acknowledged. It grows only while
 *   the flow uses it (at least half of it in flight when the ACK came, RFC
 *   7661's idea: an application-limited flow keeps the window it proved),
 *   and never beyond cfg->tcp_buf (in flight never exceeds that anyway).
 * - a loss episode that fast retransmit starts (three duplicate ACKs, or
 *   SACKed data DupThresh segments above SND.UNA) sets ssthresh =
 *   max(FlightSize / 2, 2 MSS) and cwnd = ssthresh; cwnd does not grow until
 *   recovery ends. An RTO sets ssthresh likewise (unless an episode is
 *   under way: it was set when that started) and cwnd =
 *   1 MSS (the loss window), then slow start. In recovery the pipe (bytes
 *   in flight less those the guest SACKed) is what cwnd is compared with,
 *   so new data goes as SACKs come in.
 * - undo: a Linux guest reports each duplicate it receives (D-SACK, RFC
 *   2883). When every retransmission of an episode has been reported a
 *   duplicate, nothing was lost: the ACKs were late (a loaded host delays
 *   the guest's ACKs past the RTO). cwnd and ssthresh go back to what they
 *   were, recovery ends (counted in tcp_cc_undo; RFC 3708's idea, Linux's
 *   undo; a D-SACK for a tail-loss probe is the probe's, not the
 *   episode's). After an RTO with SACK, a partial ACK resends the first
 *   unacknowledged segment only when the guest SACKed data above it: late
 *   ACKs of the original segments (a spurious RTO) then resend nothing,
 *   where before each one resent the next segment (sl_tcp_rtx.c).
 *
 * Tail-loss probe (RFC 8985 7, simplified). When the last segments of a
 * flight are lost no duplicate ACK comes, and recovery waited for the RTO
 * (200 ms at least, SL_TCP_RTO_MIN). With data in flight and an SRTT (a
 * flow whose every RTT sample was below the clock's 1 ms has none: it
 * keeps the RTO alone; on a loaded host, where late ACKs and losses come,
 * samples are milliseconds), a probe timer runs PTO = max(2 SRTT,
 * SL_TCP_TLP_MIN), plus SL_TCP_TLP_DELACK (200 ms, RFC 8985's WCDelAckT,
 * what Linux adds: its TCP_RTO_MIN) when no more than one MSS is in
 * flight: a Linux guest may delay its ACK of that up to 200 ms (40 ms is
 * its usual delay, later when its timers run late on a loaded host, and a
 * guest that sent right after connecting delays every ACK it may), so a
 * shorter probe resent what the guest had (the RTO, 200 ms at least,
 * usually comes first for such a tail). The timer is restarted by every
 * new data segment and every ACK that moves SND.UNA, never past the RTO. When it fires the
 * last segment in flight goes again (counted in tcp_rexmit_tlp), once per
 * tail; the guest's answer (an ACK, SACK blocks for the data above a hole,
 * or a D-SACK when nothing was lost) starts fast recovery where something
 * was lost, and the RTO is pushed back by one RTO. No probe runs in fast
 * recovery (the SACK repair does that work). The probe itself does not
 * change cwnd; a loss it reveals starts an episode that does.
 */
#include "sl_tcp_priv.h"

/** cwnd_cap - the largest cwnd of @c: cfg->tcp_buf, at least the IW. */
static uint32_t
cwnd_cap(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	return RTE_MAX(w->cfg->tcp_buf, (uint32_t)SL_TCP_IW_SEGS * c->snd_mss);
}

/**
 * cc_ready - give @c its initial window (10 frames of seg_max(), at least
 * 64 KiB; ssthresh unbounded) the
 * first time its sender needs it (the MSS is known by then).
 */
static void
cc_ready(const struct sl_worker *w, struct sl_tcp_conn *c)
{
	if (c->cwnd != 0)
		return;
	c->cwnd = RTE_MIN(RTE_MAX((uint32_t)SL_TCP_IW_SEGS * seg_max(w, c),
		(uint32_t)SL_TCP_IW_BYTES), cwnd_cap(w, c));
	c->ssthresh = UINT32_MAX;
	c->cwnd_acc = 0;
}

uint32_t
tcp_cwnd_room(const struct sl_worker *w, struct sl_tcp_conn *c)
{
	uint32_t pipe = c->snd_nxt - c->snd_una;

	cc_ready(w, c);
	if (c->sb.ok)
		pipe -= RTE_MIN(pipe, c->sb.sacked_bytes);
	if (c->cwnd <= pipe)
		return 0;
	/* whole segments (the guest's MSS), unless less than one is left
	 * (then the sender's SWS rule decides) */
	if (c->cwnd - pipe >= c->snd_mss && c->snd_mss > 0)
		return (c->cwnd - pipe) / c->snd_mss * c->snd_mss;
	return c->cwnd - pipe;
}

void
tcp_cc_ack(const struct sl_worker *w, struct sl_tcp_conn *c, uint32_t acked,
	uint32_t flight)
{
	cc_ready(w, c);
	if (c->in_recovery && !c->rto_rec)
		return;		/* fast recovery: cwnd holds */
	if ((uint64_t)flight * 2 < c->cwnd)
		return;		/* not using it: no growth */
	if (c->cwnd < c->ssthresh) {
		c->cwnd += RTE_MIN(acked, c->ssthresh - c->cwnd);
	} else {
		c->cwnd_acc += acked;
		if (c->cwnd_acc >= c->cwnd) {
			c->cwnd_acc -= c->cwnd;
			c->cwnd += c->snd_mss;
		}
	}
	c->cwnd = RTE_MIN(c->cwnd, cwnd_cap(w, c));
}

void
tcp_cc_loss(struct sl_worker *w, struct sl_tcp_conn *c, bool rto)
{
	uint32_t flight = c->snd_nxt - c->snd_una;

	cc_ready(w, c);
	if (!c->in_recovery) {
		/* a new episode: what undo would restore; FlightSize still
		 * means what the guest's path held */
		c->prior_cwnd = c->cwnd;
		c->prior_ssthresh = c->ssthresh;
		c->undo_on = true;
		c->undo_rexmits = 0;
		c->ssthresh = RTE_MAX(flight / 2, 2u * c->snd_mss);
	}
	c->cwnd = rto ? c->snd_mss : c->ssthresh;
	c->cwnd_acc = 0;
	c->rto_rec = rto || c->rto_rec;
	c->tlp_deadline = 0;
	SL_STAT_INC(w->stats, tcp_cc_reductions);
}

void
tcp_cc_dsack(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t left)
{
	SL_STAT_INC(w->stats, tcp_dsack_rx);
	if (c->tlp_dup_wait && left == c->tlp_seq) {
		c->tlp_dup_wait = false;	/* the probe's: no episode's */
		return;
	}
	if (!c->undo_on || c->undo_rexmits == 0)
		return;
	if (--c->undo_rexmits > 0)
		return;
	/* every retransmission of the episode was a duplicate */
	c->cwnd = RTE_MAX(c->cwnd, c->prior_cwnd);
	c->ssthresh = RTE_MAX(c->ssthresh, c->prior_ssthresh);
	c->cwnd_acc = 0;
	c->undo_on = false;
	c->in_recovery = false;
	c->rto_rec = false;
	c->dupacks = 0;
	SL_STAT_INC(w->stats, tcp_cc_undo);
}

void
tcp_tlp_arm(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint32_t srtt = c->srtt8 >> 3, pto;

	if (c->rtx_head == NULL || c->tlp_sent || c->srtt8 == 0 ||
	    (c->in_recovery && !c->rto_rec) ||
	    f->state != SL_TCP_S_ESTABLISHED) {
		c->tlp_deadline = 0;
		return;
	}
	pto = RTE_MAX(2 * srtt, (uint32_t)SL_TCP_TLP_MIN);
	if (c->snd_nxt - c->snd_una <= c->snd_mss)
		pto += SL_TCP_TLP_DELACK;
	if (c->rto_deadline != 0 && w->now_ms + pto >= c->rto_deadline) {
		c->tlp_deadline = 0;	/* the RTO comes first */
		return;
	}
	c->tlp_deadline = w->now_ms + pto;
}

void
tcp_tlp_fire(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint32_t rexmits;

	c->tlp_deadline = 0;
	if (c->rtx_tail == NULL || c->tlp_sent ||
	    f->state != SL_TCP_S_ESTABLISHED ||
	    (c->in_recovery && !c->rto_rec))
		return;
	c->tlp_sent = true;
	c->tlp_dup_wait = true;
	c->tlp_seq = c->rtx_tail->seq;
	SL_STAT_INC(w->stats, tcp_rexmit_tlp);
	rexmits = c->undo_rexmits;	/* a probe is no episode's */
	tcp_retransmit(w, f, c, c->rtx_tail);
	c->undo_rexmits = rexmits;
	c->rto_deadline = w->now_ms + tcp_rto_backed_off(c);
}
