/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_win.c: the receive window advertised to the guest: its size
 * (real space), its scale, its right edge that never moves left, SWS
 * avoidance, and the window update sent when a closed window reopens.
 *
 * Theory of operation
 * -------------------
 * The window advertised to the guest is real space: what the host socket's
 * send buffer still accepts plus what is left of sluice's own buffer,
 * capped by the largest window. It is never a constant, its right edge
 * never moves left (a smaller value is replaced by the old edge, aligned up
 * to the scale unit), it opens only in steps of at least min(MSS, buf/2)
 * (receiver SWS avoidance) and is rounded down to the scale unit. We keep
 * the window as the guest reconstructs it (field << shift) in last_adv_wnd.
 * When that falls below min(MSS, largest window / 2) - the same step it
 * opens by - the window is "closed": we then watch the host socket for
 * writability and, once that step is free again, send one window update
 * in that iteration's tx burst, without waiting for the guest's persist
 * probe - once per closed->open transition.
 * Zero-window probes (and any unacceptable segment) get an ACK carrying the
 * current window; their data is not taken, but their ACK field and window
 * are, under the SND.WL1/SND.WL2 rule (RFC 9293 3.10.7.4: a guest probing
 * our zero window may be the one carrying its own window update).
 */
#include "sl_tcp_priv.h"

uint8_t
sl_tcp_wscale_for(uint32_t max_win)
{
	uint8_t s = 0;

	while (s < SL_TCP_MAX_SHIFT && ((uint64_t)UINT16_MAX << s) < max_win)
		s++;
	return s;
}

bool
sl_tcp_should_reopen(uint32_t last_adv, uint32_t space, uint32_t mss,
	uint32_t buf)
{
	uint32_t step = RTE_MIN(mss, buf / 2);

	if (last_adv >= step)
		return false;	/* not closed */
	return space >= last_adv + step;
}

/**
 * hold_bytes - guest data a flow may hold: the hold_max mbufs of at most
 * an MTU's payload each, three quarters of it (segments a little below the
 * MSS, timestamps), at least 64 KiB.
 */
static uint64_t
hold_bytes(const struct sl_worker *w)
{
	uint32_t per_mbuf = RTE_MIN((uint32_t)(rte_pktmbuf_data_room_size(
		w->rx_mp) - RTE_PKTMBUF_HEADROOM), (uint32_t)w->mtu - 40u);

	return RTE_MAX((uint64_t)sl_tcp_w(w)->hold_max * per_mbuf * 3 / 4,
		(uint64_t)UINT16_MAX);
}

/**
 * tcp_max_window - the largest window we advertise on this connection:
 * --tcp-buffer, and no more than the flow may hold (hold_bytes): a full
 * window the guest sends while one segment is lost waits out of order, and
 * past the hold limit it would be dropped and sent again, window after
 * window.
 */
uint32_t
tcp_max_window(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	uint64_t lim = c->ws_ok ? (uint64_t)UINT16_MAX << c->rcv_wscale :
		UINT16_MAX;

	return (uint32_t)RTE_MIN(RTE_MIN(lim, (uint64_t)w->cfg->tcp_buf),
		hold_bytes(w));
}

/**
 * reopen_step - the SWS step (RFC 1122 4.2.3.3): the window opens by at
 * least min(MSS, largest window / 2), and below that it counts as closed
 * (the same threshold both ways, or a largest window below one MSS would
 * be "closed" for ever).
 */
static uint32_t
reopen_step(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	return RTE_MIN((uint32_t)c->rcv_mss, tcp_max_window(w, c) / 2);
}

/**
 * tcp_window_space - real space for guest data right now: what the host socket
 * will still accept plus what is left of sluice's own buffer (within what
 * the flow may hold), capped.
 * Cached per iteration (sl_host_wspace may cost the backend a system call
 * or two; the kernel one answers mostly from its own cache).
 */
uint32_t
tcp_window_space(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	uint64_t space = 0, own;
	long ws;

	if (c->win_iter == w->iter && w->iter != 0)
		return c->win_cache;
	if (f->hd >= 0 && !c->host_shut && !c->host_rst) {
		ws = sl_host_wspace(w->host, f->hd);
		if (ws > 0)
			space = (uint64_t)ws;
	}
	/* sluice's own buffer: no more than the flow may hold */
	own = RTE_MIN((uint64_t)tw->own_buf, hold_bytes(w));
	if (c->pend_len + c->ooo_bytes < own)
		space += own - c->pend_len - c->ooo_bytes;
	if (c->fin_rcvd || c->host_rst)
		space = 0;
	space = RTE_MIN(space, (uint64_t)tcp_max_window(w, c));
	/* what the port's rx ring can take from all flows at once */
	c->win_cache = tcp_ring_cap(w, c, (uint32_t)space);
	c->win_iter = w->iter;
	return c->win_cache;
}

/**
 * tcp_adv_space - tcp_window_space() as it can be advertised: rounded down to
 * the scale unit. Reopen decisions must look at this, not at the raw space,
 * or a "reopened" window could still go out below one MSS.
 */
uint32_t
tcp_adv_space(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	return tcp_window_space(w, f, c) & ~((1u << c->rcv_wscale) - 1);
}

/**
 * tcp_select_window - the window to advertise now (bytes, as the guest will
 * reconstruct it): never shrinks the right edge, opens only in SWS-safe
 * steps, rounded down to the scale unit.
 */
uint32_t
tcp_select_window(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint32_t unit = 1u << c->rcv_wscale;
	uint32_t space = tcp_window_space(w, f, c);
	uint32_t cur = SEQ_GT(c->rcv_adv, c->rcv_nxt) ?
		c->rcv_adv - c->rcv_nxt : 0;
	uint32_t step = reopen_step(w, c);
	uint32_t win;

	/*
	 * SWS: keep the edge where it is, rounded up to the unit (the field
	 * sent is win >> shift: truncating cur would pull the edge left).
	 */
	if (space < cur + step && space < tcp_max_window(w, c))
		win = RTE_ALIGN_CEIL(cur, unit);
	else
		win = space & ~(unit - 1);
	if (win < cur)		/* never move the right edge left */
		win = RTE_ALIGN_CEIL(cur, unit);
	return win;
}

/**
 * tcp_record_adv - note a window sent: the field value is win >> shift and the
 * guest reconstructs field << shift.
 * Return: the field value.
 */
uint16_t
tcp_record_adv(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint32_t win)
{
	uint32_t field = win >> c->rcv_wscale;

	if (field > UINT16_MAX)
		field = UINT16_MAX;
	c->last_adv_wnd = field << c->rcv_wscale;
	if (SEQ_GT(c->rcv_nxt + c->last_adv_wnd, c->rcv_adv))
		c->rcv_adv = c->rcv_nxt + c->last_adv_wnd;
	tcp_ring_charge(w, c);
	c->last_ack_sent = c->rcv_nxt;
	c->last_win_sent = field;
	c->segs_unacked = 0;
	if (c->last_adv_wnd < reopen_step(w, c) && !c->fin_rcvd &&
	    !c->host_rst) {
		if (!c->rwnd_closed) {
			c->rwnd_closed = true;
			SL_STAT_INC(w->stats, tcp_zero_window_adv);
		}
		/* wake up when the host drains */
		set_interest(w, f, c, c->interest | SL_HOST_EV_OUT);
	} else {
		c->rwnd_closed = false;
	}
	return (uint16_t)field;
}

/**
 * tcp_check_reopen - after the host drained: send a window update once the
 * closed window can open by a full MSS (or half the buffer).
 */
void
tcp_check_reopen(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint32_t space;

	if (!c->rwnd_closed)
		return;
	c->win_iter = 0;
	space = tcp_adv_space(w, f, c);
	if (sl_tcp_should_reopen(c->last_adv_wnd, space, c->rcv_mss,
	    tcp_max_window(w, c))) {
		SL_STAT_INC(w->stats, tcp_window_reopen);
		SL_STAT_INC(w->stats, tcp_window_updates);
		tcp_send_ack(w, f, c);	/* record_adv clears rwnd_closed */
		/* recheck_deadline stays: host reads paused by the worker's
		 * buffer budget resume on it (tcp_host_to_guest) */
		if (c->pend == NULL)
			set_interest(w, f, c, c->interest & ~SL_HOST_EV_OUT);
	} else {
		/* writable but not enough room yet: look again shortly */
		set_interest(w, f, c, c->interest & ~SL_HOST_EV_OUT);
		c->recheck_deadline = w->now_ms + SL_TCP_RECHECK_MS;
	}
	tcp_rearm(w, f, c);
}
