/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_host.c: the host socket side: writing guest data to it, its
 * readiness events, and its failure (host_gone, host_reset).
 */
#include "sl_tcp_priv.h"

/**
 * tcp_drop_pend - discard the guest data not yet written (the host socket
 * can no longer take it).
 */
void
tcp_drop_pend(struct sl_worker *w, struct sl_tcp_conn *c)
{
	if (c->pend == NULL)
		return;
	rte_pktmbuf_free(c->pend);
	c->pend = NULL;
	sl_tcp_w(w)->held -= c->pend_len;
	c->pend_len = 0;
}

/**
 * host_gone - the host socket was reset by its peer (or failed): nothing
 * can be written to it any more, but what it received before is the
 * peer's data, which Linux lets a reader take before ECONNRESET. Deliver
 * it to the guest like any data (within the guest's window, waiting for
 * the window), then, once the guest has acknowledged everything, the RST
 * (maybe_finish). The flow may be freed here.
 */
static void
host_gone(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	if (!c->host_rst)
		SL_STAT_INC(w->stats, tcp_host_rst_drain);
	c->host_rst = true;
	c->win_iter = 0;
	tcp_drop_pend(w, c);
	if (c->host_eof)
		tcp_maybe_finish(w, f, c);
	else
		tcp_host_to_guest(w, f, c);
}

/**
 * tcp_flush_to_host - write the pending chain to the host socket (one writev),
 * shut the host's write side after a guest FIN once everything is written
 * (unless the flow is closing: tcp_closing). Callers run tcp_maybe_finish
 * after it once nothing is pending and the guest's FIN came.
 * Return: 0, or -1 when the flow was freed (host reset).
 */
int
tcp_flush_to_host(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	struct iovec iov[SL_TCP_READ_IOV];
	ssize_t n;
	int cnt;

	if (c->host_rst)
		tcp_drop_pend(w, c);	/* nobody left to write to */
	if (c->pend != NULL && f->hd >= 0) {
		uint32_t len = RTE_MIN(c->pend_len, (uint32_t)INT32_MAX);

		cnt = RTE_MIN((int)c->pend->nb_segs, SL_TCP_READ_IOV);
		cnt = sl_net_iov(c->pend, 0, len, iov, cnt);
		if (cnt < 0) {
			/* more segments than one writev takes: first part */
			struct rte_mbuf *s = c->pend;

			len = 0;
			for (cnt = 0; cnt < SL_TCP_READ_IOV && s; cnt++) {
				len += s->data_len;
				s = s->next;
			}
			cnt = sl_net_iov(c->pend, 0, len, iov, cnt);
		}
		n = sl_host_writev(w->host, f->hd, iov, cnt);
		if (n > 0) {
			c->pend = tcp_mbuf_adj(c->pend, (uint32_t)n);
			c->pend_len -= (uint32_t)n;
			sl_tcp_w(w)->held -= (uint64_t)n;
			f->bytes_to_host += (uint64_t)n;
			SL_STAT_ADD(w->stats, tcp_to_host_bytes, n);
			c->win_iter = 0;	/* space changed */
		} else if (n != -EAGAIN && n != 0) {
			/* reset (or failed): its data still goes to the guest */
			host_gone(w, f, c);
			return f->in_use ? 0 : -1;
		}
	}
	if (c->pend != NULL) {
		set_interest(w, f, c, c->interest | SL_HOST_EV_OUT);
		return 0;
	}
	if (c->fin_rcvd && !c->host_shut && f->hd >= 0) {
		/* about to close (tcp_maybe_finish, which every caller runs
		 * next): close() sends the FIN, no shutdown() first */
		if (!tcp_closing(c))
			sl_host_shutdown_wr(w->host, f->hd);
		c->host_shut = true;
	}
	if (!c->rwnd_closed)
		set_interest(w, f, c, c->interest & ~SL_HOST_EV_OUT);
	return 0;
}

/**
 * tcp_host_reset - the host peer reset the connection (or the socket failed)
 * and everything it sent is delivered: RST to the guest, flow freed.
 */
void
tcp_host_reset(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	tcp_emit(w, f, c, F_RST | F_ACK, c->snd_nxt, NULL, false);
	SL_STAT_INC(w->stats, tcp_rst_sent);
	tcp_free(w, f, false, SL_STAT_tcp_closed_host_rst);
}

void
sl_tcp_burst_end(struct sl_worker *w)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	uint32_t i = tw->dirty;

	while (i != 0) {
		struct sl_flow *f = &w->ft.flows[i - 1];
		struct sl_tcp_conn *c = &tw->conns[i - 1];

		i = c->dirty_next;
		if (!f->in_use || f->state != SL_TCP_S_ESTABLISHED)
			continue;
		if (tcp_flush_to_host(w, f, c) != 0)
			continue;
		if (tcp_maybe_finish(w, f, c))
			continue;
		/* the guest's ACKs may have opened its window; an inbound
		 * connection's client has likely spoken already */
		if ((c->rd_blocked && c->snd_wnd > 0) || c->rd_first) {
			c->rd_first = false;
			tcp_host_to_guest(w, f, c);
		}
	}
}

void
sl_tcp_host_event(struct sl_worker *w, struct sl_flow *f, uint32_t events)
{
	struct sl_tcp_conn *c = conn_of(w, f);
	int err;

	if (f->state == SL_TCP_S_CONNECTING) {
		/* as Linux reports a non-blocking connect: writable without
		 * ERR and HUP is done (no SO_ERROR read), a failure comes
		 * with ERR and HUP */
		if (!(events & (SL_HOST_EV_ERR | SL_HOST_EV_HUP))) {
			if (events & SL_HOST_EV_OUT)
				tcp_send_synack(w, f, c);
			return;
		}
		/* refused or unreachable: RST to the guest */
		tcp_emit(w, f, c, F_RST | F_ACK, c->iss, NULL, false);
		SL_STAT_INC(w->stats, tcp_rst_sent);
		tcp_free(w, f, false, SL_STAT_tcp_refused);
		return;
	}
	if (f->state == SL_TCP_S_SYN_SENT || f->state == SL_TCP_S_SYN_RCVD) {
		/* the host peer went away before the handshake completed */
		if (events & (SL_HOST_EV_ERR | SL_HOST_EV_HUP))
			tcp_reset_both(w, f, c, SL_STAT_tcp_closed_host_rst);
		else if (events & (SL_HOST_EV_IN | SL_HOST_EV_RDHUP))
			/* host data or FIN before the guest's ACK: read
			 * once established (level-triggered: no spin) */
			set_interest(w, f, c, 0);
		return;
	}
	if (f->state != SL_TCP_S_ESTABLISHED)
		return;
	if (events & (SL_HOST_EV_RDHUP | SL_HOST_EV_HUP))
		c->host_rdhup = true;	/* its EOF follows its data */
	if ((events & SL_HOST_EV_HUP) && !c->host_hup) {
		/* for good (closed both ways, or reset): from now on the
		 * socket is quiet while nothing is to be read or written */
		c->host_hup = true;
		watch(w, f, c);
	}
	if (events & SL_HOST_EV_ERR) {
		err = sl_host_error(w->host, f->hd);
		if (err != 0) {
			host_gone(w, f, c);
			return;
		}
	}
	if (events & SL_HOST_EV_OUT) {
		if (tcp_flush_to_host(w, f, c) != 0)
			return;
		tcp_check_reopen(w, f, c);
		if (!f->in_use)
			return;
		if (c->pend == NULL && c->fin_rcvd && tcp_maybe_finish(w, f, c))
			return;
	}
	if (events & (SL_HOST_EV_IN | SL_HOST_EV_RDHUP | SL_HOST_EV_HUP))
		tcp_host_to_guest(w, f, c);
}
