/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp.c: the TCP relay's entry points that belong to no one concern:
 * per-worker set-up and tear-down (sl_tcp_init/fini), the flow table's
 * hooks (get_info, close_flow) and state names; and the overview below.
 *
 * Theory of operation
 * -------------------
 * Every guest TCP connection is terminated here and relayed to one
 * non-blocking host socket connected to the same destination.
 *
 * The relay is split by concern, each file with its part of the theory:
 *   sl_tcp_conn.c   set-up (SYN, SYN-ACK, options chosen, accept) and close
 *   sl_tcp_in.c     guest segments: acceptance, ACKs, RST/SYN checks
 *   sl_tcp_reasm.c  guest data: pending chain, out-of-order queue, hold limits
 *   sl_tcp_out.c    segments to the guest: host data, ACKs, TSO, tx room
 *   sl_tcp_rtx.c    retransmission, RTT and RTO, loss recovery
 *   sl_tcp_cc.c     congestion window toward the guest, tail-loss probe
 *   sl_tcp_sack.c   the SACK scoreboard
 *   sl_tcp_win.c    the window advertised to the guest
 *   sl_tcp_timer.c  the per-flow timer
 *   sl_tcp_host.c   the host socket: writes, events, failure
 *   sl_tcp_opts.c   TCP option parsing
 * Their shared state (struct sl_tcp_conn), constants and small hot
 * helpers are in sl_tcp_priv.h.
 */
#include "sl_tcp_priv.h"

const char *
sl_tcp_state_name(uint8_t state)
{
	static const char *const names[] = {
		[SL_TCP_S_CLOSED] = "closed",
		[SL_TCP_S_CONNECTING] = "connecting",
		[SL_TCP_S_SYN_SENT] = "syn_sent",
		[SL_TCP_S_SYN_RCVD] = "syn_rcvd",
		[SL_TCP_S_ESTABLISHED] = "established",
		[SL_TCP_S_TIME_WAIT] = "time_wait",
	};

	return state < RTE_DIM(names) ? names[state] : "?";
}

int
sl_tcp_init(struct sl_worker *w)
{
	struct sl_tcp_rtx_pool *pool;
	struct sl_tcp_worker *tw;
	uint32_t n = w->mp ? w->mp->size : 16384, i;
	uint32_t pool_n = w->rx_mp ? w->rx_mp->size : n;
	uint32_t usable = pool_n - RTE_MIN(pool_n, w->rx_reserve);

	tw = rte_zmalloc("sl_tcp", sizeof(*tw) + sizeof(tw->conns[0]) *
		w->ft.max, RTE_CACHE_LINE_SIZE);
	pool = rte_zmalloc("sl_tcp_rtx", sizeof(*pool) +
		sizeof(pool->e[0]) * n, RTE_CACHE_LINE_SIZE);
	if (tw == NULL || pool == NULL) {
		rte_free(tw);
		rte_free(pool);
		return -ENOMEM;
	}
	tw->isn_key[0] = (uint32_t)rte_rand();
	tw->isn_key[1] = (uint32_t)rte_rand();
	tw->isn_key[2] = (uint32_t)rte_rand();
	tw->isn_key[3] = (uint32_t)rte_rand();
	tw->own_buf = SL_TCP_OWN_BUF_DEFAULT;
	tw->hold_max = RTE_MAX((uint32_t)SL_TCP_HOLD_MIN,
		RTE_MIN(usable / SL_TCP_HOLD_SHARE,
		(uint32_t)SL_TCP_HOLD_SEGS));
	tw->hold_max_copy = tw->hold_max;
	if (w->rx_mp != NULL && w->rx_mp != w->mp && w->seg_room > 0) {
		/* a copy takes a ring frame's bytes in seg_room pieces: the
		 * window (hold_bytes) stays within what a flow may hold */
		uint32_t room = rte_pktmbuf_data_room_size(w->rx_mp) -
			RTE_PKTMBUF_HEADROOM;

		tw->hold_max_copy = RTE_MIN(tw->hold_max * ((room +
			w->seg_room - 1) / w->seg_room),
			(uint32_t)RTE_MBUF_MAX_NB_SEGS);
	}
	pool->n = n;
	for (i = 0; i < n; i++)
		pool->e[i].next = i + 1 < n ? &pool->e[i + 1] : NULL;
	pool->free = &pool->e[0];
	tw->rtx_pool = pool;
	w->tcp = tw;
	tcp_ring_init(w);
	return 0;
}

void
sl_tcp_fini(struct sl_worker *w)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	uint32_t i;

	if (tw == NULL)
		return;
	for (i = 0; i < w->ft.max; i++) {
		struct sl_flow *f = &w->ft.flows[i];

		if (!f->in_use || f->proto != IPPROTO_TCP)
			continue;
		if (f->state == SL_TCP_S_TIME_WAIT)
			tcp_free(w, f, false, SL_STAT_tcp_closed_normal);
		else if (f->state >= SL_TCP_S_SYN_RCVD)
			tcp_reset_both(w, f, &tw->conns[i],
				SL_STAT_tcp_closed_shutdown);
		else
			tcp_free(w, f, true, SL_STAT_tcp_closed_shutdown);
	}
	rte_free(tw->rtx_pool);
	rte_free(tw);
	w->tcp = NULL;
}

/* The per-worker figures tests and telemetry read (sl_tcp.h). */

uint32_t
sl_tcp_connecting(const struct sl_worker *w)
{
	return sl_tcp_w(w)->connecting;
}

uint64_t
sl_tcp_held(const struct sl_worker *w)
{
	return sl_tcp_w(w)->held;
}

uint64_t
sl_tcp_inflight(const struct sl_worker *w)
{
	return sl_tcp_w(w)->inflight;
}

uint32_t
sl_tcp_hold_max(const struct sl_worker *w)
{
	return sl_tcp_w(w)->hold_max;
}

void
sl_tcp_set_own_buf(struct sl_worker *w, uint32_t bytes)
{
	sl_tcp_w(w)->own_buf = bytes;
}

void
sl_tcp_get_info(struct sl_worker *w, const struct sl_flow *f,
	struct sl_tcp_info *info)
{
	const struct sl_tcp_conn *c = &sl_tcp_w(w)->conns[f->idx];

	memset(info, 0, sizeof(*info));
	info->state = f->state;
	info->snd_una = c->snd_una;
	info->snd_nxt = c->snd_nxt;
	info->rcv_nxt = c->rcv_nxt;
	info->snd_wnd = c->snd_wnd;
	info->snd_wscale = c->snd_wscale;
	info->rcv_wscale = c->rcv_wscale;
	info->ws_ok = c->ws_ok;
	info->last_adv_wnd = c->last_adv_wnd;
	info->rcv_adv = c->rcv_adv;
	info->in_flight = c->snd_nxt - c->snd_una;
	info->pend_bytes = c->pend_len;
	info->held_mbufs = tcp_held_mbufs(c);
	info->ooo_bytes = c->ooo_bytes;
	info->ooo_segs = tcp_ooo_mbufs(c);
	info->ooo_ranges = c->n_ooo;
	info->srtt_ms = c->srtt8 >> 3;
	info->rto_ms = c->rto;
	info->snd_mss = c->snd_mss;
	info->sack = c->sb.ok;
	info->sacked_segs = c->sb.sacked_segs;
	info->cwnd = c->cwnd;
	info->ssthresh = c->ssthresh;
	info->in_recovery = c->in_recovery;
	info->rwnd_closed = c->rwnd_closed;
	info->rd_blocked = c->rd_blocked;
	info->fin_rcvd = c->fin_rcvd;
	info->fin_sent = c->fin_sent;
	info->host_eof = c->host_eof;
}

void
sl_tcp_close_flow(struct sl_worker *w, struct sl_flow *f)
{
	struct sl_tcp_conn *c = conn_of(w, f);

	if (!f->in_use || f->proto != IPPROTO_TCP)
		return;
	if (f->state >= SL_TCP_S_SYN_RCVD && f->state != SL_TCP_S_TIME_WAIT) {
		tcp_reset_both(w, f, c, SL_STAT_flows_closed_admin);
		return;
	}
	if (f->state == SL_TCP_S_CONNECTING) {
		/* the guest's SYN is refused, as when the connect times out */
		tcp_emit(w, f, c, F_RST | F_ACK, c->iss, NULL, false);
		SL_STAT_INC(w->stats, tcp_rst_sent);
	}
	tcp_free(w, f, true, SL_STAT_flows_closed_admin);
}
