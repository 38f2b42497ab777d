/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_timer.c: the per-flow timer: one deadline per flow (the earliest
 * of connect, RTO, tail-loss probe, persist, recheck, TIME_WAIT, control
 * retry and idle)
 * and what happens when it fires.
 */
#include "sl_tcp_priv.h"

/**
 * tcp_rearm - arm @f's timer for the earliest of its deadlines
 * (connect, RTO, tail-loss probe, persist, recheck, TIME-WAIT, owed
 * control segments) and
 * the idle timeout; untouched when already armed for that time.
 */
void
tcp_rearm(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint64_t d = f->last_ms + (uint64_t)w->cfg->tcp_idle_timeout_s * 1000;

	if (c->conn_deadline && c->conn_deadline < d)
		d = c->conn_deadline;
	if (c->rto_deadline && c->rto_deadline < d)
		d = c->rto_deadline;
	if (c->persist_deadline && c->persist_deadline < d)
		d = c->persist_deadline;
	if (c->recheck_deadline && c->recheck_deadline < d)
		d = c->recheck_deadline;
	if (c->tw_deadline && c->tw_deadline < d)
		d = c->tw_deadline;
	if (c->ctl_deadline && c->ctl_deadline < d)
		d = c->ctl_deadline;
	if (c->tlp_deadline && c->tlp_deadline < d)
		d = c->tlp_deadline;
	if (!sl_timer_armed(&f->timer) || f->timer.expire_ms != d)
		sl_timer_arm(&w->wheel, &f->timer, d);
}

/**
 * hold_rexmit - the worker is reading full rx bursts (w->rx_behind): the
 * guest's ACKs may wait in the port behind them, so a due RTO or tail-loss
 * probe waits a millisecond for them instead of resending what the guest
 * has (a spurious RTO on a loaded host); the worker bounds the wait
 * (SL_TIMER_DEFER_MS).
 */
static void
hold_rexmit(const struct sl_worker *w, struct sl_tcp_conn *c)
{
	if (c->tlp_deadline && w->now_ms >= c->tlp_deadline)
		c->tlp_deadline = w->now_ms + 1;
	if (c->rto_deadline && w->now_ms >= c->rto_deadline)
		c->rto_deadline = w->now_ms + 1;
}

void
sl_tcp_timer(struct sl_worker *w, struct sl_flow *f)
{
	struct sl_tcp_conn *c = conn_of(w, f);
	uint64_t now = w->now_ms;

	if (c->tw_deadline && now >= c->tw_deadline) {
		tcp_free(w, f, false, SL_STAT_tcp_closed_normal);
		return;
	}
	if (c->conn_deadline && now >= c->conn_deadline) {
		/* host connect never finished */
		tcp_emit(w, f, c, F_RST | F_ACK, c->iss, NULL, false);
		SL_STAT_INC(w->stats, tcp_rst_sent);
		tcp_free(w, f, true, SL_STAT_tcp_closed_timeout);
		return;
	}
	if (now >= f->last_ms + (uint64_t)w->cfg->tcp_idle_timeout_s * 1000) {
		tcp_reset_both(w, f, c, SL_STAT_tcp_closed_timeout);
		return;
	}
	if (c->ctl_deadline && now >= c->ctl_deadline)
		tcp_send_owed(w, f, c);
	if (w->rx_behind)
		hold_rexmit(w, c);
	if (c->tlp_deadline && now >= c->tlp_deadline)
		tcp_tlp_fire(w, f, c);
	if (c->rto_deadline && now >= c->rto_deadline) {
		if (c->rtx_head == NULL) {
			c->rto_deadline = 0;
		} else if (f->state == SL_TCP_S_SYN_SENT &&
		    c->backoff >= SL_TCP_SYN_RETRIES) {
			/* the guest never answered: reset the host client */
			tcp_free(w, f, true, SL_STAT_tcp_refused);
			return;
		} else if (c->backoff >= (f->state == SL_TCP_S_SYN_RCVD ?
		    SL_TCP_SYNACK_RETRIES : SL_TCP_RETRIES)) {
			tcp_reset_both(w, f, c, SL_STAT_tcp_closed_timeout);
			return;
		} else {
			if (f->state == SL_TCP_S_SYN_SENT || f->state == SL_TCP_S_SYN_RCVD)
				c->syn_rto_fired = true;
			tcp_rto_resend(w, f, c);
			c->rto_deadline = now + tcp_rto_backed_off(c);
		}
	}
	if (c->persist_deadline && now >= c->persist_deadline) {
		if (c->snd_wnd == 0 && c->snd_nxt == c->snd_una &&
		    f->state == SL_TCP_S_ESTABLISHED) {
			/* zero-window probe: SND.UNA - 1 forces an ACK */
			SL_STAT_INC(w->stats, tcp_persist_probes);
			tcp_emit(w, f, c, F_ACK, c->snd_una - 1, NULL, false);
			if (c->persist_backoff < 16)
				c->persist_backoff++;
			c->persist_deadline = now + RTE_MIN((uint64_t)c->rto <<
				c->persist_backoff, (uint64_t)SL_TCP_RTO_MAX);
		} else {
			c->persist_deadline = 0;
		}
	}
	if (c->recheck_deadline && now >= c->recheck_deadline) {
		c->recheck_deadline = 0;
		if (f->state == SL_TCP_S_ESTABLISHED) {
			tcp_flush_to_host(w, f, c);
			if (!f->in_use || (c->pend == NULL && c->fin_rcvd &&
			    tcp_maybe_finish(w, f, c)))
				return;
			if (c->rwnd_closed) {
				c->win_iter = 0;
				if (sl_tcp_should_reopen(c->last_adv_wnd,
				    tcp_adv_space(w, f, c), c->rcv_mss,
				    tcp_max_window(w, c)))
					tcp_check_reopen(w, f, c);
				else
					set_interest(w, f, c,
						c->interest | SL_HOST_EV_OUT);
			}
			/* host reads paused by the worker's buffer budget */
			if (f->in_use && !c->rd_blocked && !c->host_eof &&
			    !(c->interest & SL_HOST_EV_IN)) {
				set_interest(w, f, c,
					c->interest | SL_HOST_EV_IN);
				tcp_host_to_guest(w, f, c);
			}
		}
	}
	if (f->in_use)
		tcp_rearm(w, f, c);
}
