/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_conn.c: connection set-up and teardown: the guest's SYN and our
 * SYN-ACK, inbound connections (accept, our SYN), the handshake's end,
 * and the end of a flow (finish, reset, free).
 *
 * Theory of operation
 * -------------------
 * Set-up. A guest SYN starts a non-blocking connect(); the SYN-ACK goes to
 * the guest only when the host connect has succeeded (refused: RST; no
 * answer within cfg->tcp_connect_timeout_ms: RST). At most
 * cfg->max_pending_connects such half-open connections wait; a SYN beyond
 * them is dropped (counted: drop_connect_limit), as Linux drops a SYN for a
 * full listen queue, and the guest's retransmission tries again. The
 * SYN-ACK carries our
 * MSS (MTU - 40) and, only if the guest's SYN offered one, our window scale
 * (RFC 7323 2.2), chosen as the smallest shift that can express the largest
 * window we will ever advertise (cfg->tcp_buf), and SACK-permitted (RFC
 * 2018) only if the guest's SYN carried it (NOP-padded: at most 12 option
 * bytes). Our own SYN (inbound, below) offers all three and keeps scaling
 * and SACK only if the guest's SYN-ACK echoes them. The guest's MSS is used
 * as announced, however small (an MSS of 0 counts as absent: 536, the
 * default). The guest's answer is
 * checked in RFC 9293's order: sequence number first (outside our window:
 * an ACK), then the ACK (only ISS + 1 completes the handshake, another
 * gets an RST). The window field of a SYN or
 * SYN-ACK is never scaled. A guest shift above 14 is used as 14. ISNs follow
 * RFC 6528: a keyed hash of the 4-tuple plus a 4 us clock. Inbound (a host
 * client accepted on a forward): our SYN goes to the guest from the
 * gateway; at most cfg->max_pending_connects such connections wait for the
 * guest's SYN-ACK (inbound_pending, apart from the guest's own
 * half-open ones) and they never take the last eighth of the flow table;
 * beyond that a client is accepted and reset (inbound_room).
 *
 * Close. Guest FIN -> shutdown(SHUT_WR) on the host once its data is
 * written, while host data keeps flowing (none when the flow ends at once:
 * the close sends the FIN); host EOF -> FIN to the guest
 * after the data. Both FINs exchanged and ours acknowledged: the flow ends
 * (TIME_WAIT for SL_TCP_TIME_WAIT_MS when we closed first, re-ACKing FIN
 * retransmissions with the host socket already closed). Guest RST (exact
 * sequence) -> the host peer sees a reset (SO_LINGER 0). Host reset (or a
 * failed socket: host_gone) -> what the host socket still holds is the
 * peer's data (Linux lets a reader take it before ECONNRESET): it goes to
 * the guest like any data, within its window, guest data is no longer
 * written (or accepted: window 0), and once the guest has acknowledged
 * everything, RST to the guest. In-window-but-not-exact RSTs, any SYN
 * on a synchronised connection, and a segment whose ACK is outside
 * [SND.UNA - MAX.SND.WND, SND.NXT] (dropped) get a challenge ACK (RFC
 * 5961). Idle flows
 * are reset after cfg->tcp_idle_timeout_s. Freeing a flow releases its
 * mbufs, closes its socket and cancels its timer in one place (tcp_free).
 */
#include "sl_tcp_priv.h"

/**
 * isn - RFC 6528: keyed hash of the 4-tuple plus a 4 us clock (an IPv6
 * tuple: the whole key hashed, seeded with the secret).
 */
static uint32_t
isn(const struct sl_worker *w, const struct sl_flow_key *k)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	uint32_t h = k->family == AF_INET6 ?
		rte_jhash_3words(rte_jhash_32b((const uint32_t *)k,
		sizeof(*k) / 4, tw->isn_key[0]), tw->isn_key[1],
		tw->isn_key[2], tw->isn_key[3]) :
		rte_jhash_3words(k->gaddr ^ tw->isn_key[0],
		k->daddr ^ tw->isn_key[1],
		((uint32_t)k->gport << 16 | k->dport) ^ tw->isn_key[2],
		tw->isn_key[3]);
	uint64_t us4 = rte_get_timer_cycles() / (rte_get_timer_hz() / 250000 + 1);

	return h + (uint32_t)us4;
}

/**
 * conn_clear - zero the TCP state of a flow slot being (re)used, keeping
 * its link in the list of flows touched this iteration: a flow freed while
 * on that list may have its slot taken again before the list is walked,
 * and zeroing the link would cut off every flow behind it (never ACKed or
 * flushed again, as dirty_mark() sees them still marked). The same holds
 * for the queue of flows waiting for tx room.
 */
static void
conn_clear(struct sl_tcp_conn *c)
{
	bool dirty = c->dirty, txq_on = c->txq_on;
	uint32_t next = c->dirty_next, txq_next = c->txq_next;

	memset(c, 0, sizeof(*c));
	c->dirty = dirty;
	c->dirty_next = next;
	c->txq_on = txq_on;
	c->txq_next = txq_next;
}

/**
 * tcp_free - end a flow: release every mbuf it holds, close its host
 * socket (@abort: the host peer sees a reset), cancel its timer, count why.
 */
void
tcp_free(struct sl_worker *w, struct sl_flow *f, bool abort,
	enum sl_stat why)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	struct sl_tcp_conn *c = conn_of(w, f);
	unsigned int i;

	tcp_rtx_release(w, c);
	tcp_ring_forget(w, c);
	tw->held -= (uint64_t)c->pend_len + c->ooo_bytes;
	c->pend_len = 0;
	c->ooo_bytes = 0;
	if (f->state == SL_TCP_S_CONNECTING ||
	    (f->state == SL_TCP_S_SYN_RCVD && !f->inbound))
		tw->connecting--;
	else if (f->state == SL_TCP_S_SYN_SENT)
		tw->inbound_pending--;
	if (c->pend != NULL)
		rte_pktmbuf_free(c->pend);
	for (i = 0; i < c->n_ooo; i++)
		rte_pktmbuf_free(c->ooo[i].m);
	c->pend = NULL;
	c->n_ooo = 0;
	SL_STAT_INC_IDX(w->stats, why);
	SL_LOG(TCP, DEBUG, "worker %u: flow %u %s, %" PRIu64 " bytes to host, "
		"%" PRIu64 " to guest\n", w->id, f->idx, sl_stat_names[why],
		f->bytes_to_host, f->bytes_to_guest);
	f->state = SL_TCP_S_CLOSED;
	/* a dirty flow is skipped at iteration end: state is closed */
	sl_worker_free_flow(w, f, abort);
}

/**
 * tcp_reset_both - send RST to the guest and reset the host peer.
 */
void
tcp_reset_both(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	enum sl_stat why)
{
	tcp_emit(w, f, c, F_RST | F_ACK, c->snd_nxt, NULL, false);
	SL_STAT_INC(w->stats, tcp_rst_sent);
	tcp_free(w, f, true, why);
}

/**
 * tcp_maybe_finish - end the connection once both directions are closed and
 * our FIN is acknowledged; after a host reset, once the host's last data
 * is acknowledged (RST then).
 * Return: true when the flow was freed or moved to TIME_WAIT.
 */
bool
tcp_maybe_finish(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	if (c->host_rst) {
		/* the host's last data delivered and acknowledged: RST */
		if (!c->host_eof || c->snd_una != c->snd_nxt)
			return false;
		tcp_host_reset(w, f, c);
		return true;
	}
	if (!(c->fin_rcvd && c->host_shut && c->fin_sent && c->fin_acked))
		return false;
	if (c->active_close && f->state != SL_TCP_S_TIME_WAIT) {
		/* we closed first: linger to re-ACK FIN retransmissions */
		f->state = SL_TCP_S_TIME_WAIT;
		if (f->hd >= 0) {
			sl_host_close(w->host, f->hd, false);
			f->hd = -1;
		}
		c->rto_deadline = c->persist_deadline = 0;
		c->recheck_deadline = 0;
		c->tw_deadline = w->now_ms + SL_TCP_TIME_WAIT_MS;
		tcp_rearm(w, f, c);
		return true;
	}
	if (f->state != SL_TCP_S_TIME_WAIT)
		tcp_free(w, f, false, SL_STAT_tcp_closed_normal);
	return true;
}

/**
 * tcp_send_synack - SYN-ACK to the guest once the host connect is done
 * (at once in tcp_new_conn, or on the host event), or again when it was
 * owed (tcp_send_owed): the flow goes to SYN_RCVD and the RTO is armed.
 * When it cannot be built or queued it is owed (OWE_SYNACK, retried from
 * the flow's timer SL_TCP_CTL_RETRY_MS later) and the connect timeout,
 * armed if it was not, still bounds the half-open flow.
 */
void
tcp_send_synack(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	/* still half-open (counted in tcp_connecting) until the guest ACKs */
	f->state = SL_TCP_S_SYN_RCVD;
	/* the established flow's interest at once (one change, not two);
	 * host data or FIN before the guest's ACK mutes it until then
	 * (sl_tcp_host_event) */
	set_interest(w, f, c, SL_HOST_EV_IN | SL_HOST_EV_RDHUP);
	if (tcp_emit(w, f, c, F_SYN | F_ACK, c->iss, NULL, true) != 0) {
		if (c->conn_deadline == 0)
			c->conn_deadline = w->now_ms +
				w->cfg->tcp_connect_timeout_ms;
		tcp_owe(w, f, c, OWE_SYNACK);
		return;
	}
	c->conn_deadline = 0;
	c->snd_nxt = c->iss + 1;
	c->rto_deadline = w->now_ms + tcp_rto_backed_off(c);
	tcp_rearm(w, f, c);
}

/**
 * tcp_new_conn - a guest SYN for a new connection.
 */
void
tcp_new_conn(struct sl_worker *w, const struct sl_pkt *p,
	const struct rte_tcp_hdr *th, const struct sl_flow_key *key)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	uint32_t irs = rte_be_to_cpu_32(th->sent_seq);
	struct sl_tcp_opts o;
	union sl_sockaddr sa;
	struct sl_tcp_conn *c;
	struct sl_flow *f;
	int rc, hd;

	if (sl_tcp_parse_opts((const uint8_t *)(th + 1),
	    p->l4_hlen - sizeof(*th), &o) != 0) {
		SL_STAT_INC(w->stats, drop_tcp_bad_opts);
		return;
	}
	rc = likely(key->family == AF_INET) ?
		sl_map_dst(w->cfg, IPPROTO_TCP, key->daddr, key->dport, &sa) :
		sl_map_dst6(w->cfg, IPPROTO_TCP, &key->dip, key->dport, &sa);
	if (rc != 0) {
		if (rc == -EACCES)
			SL_STAT_INC(w->stats, drop_denied);
		else
			SL_STAT_INC(w->stats, drop_tcp);
		tcp_send_rst_reply(w, p, th);
		return;
	}
	if (tw->connecting >= w->cfg->max_pending_connects) {
		/* as Linux does when a listen queue is full: the SYN is
		 * dropped and the guest sends it again (after 1 s, 3 s, ...),
		 * so a burst beyond the limit connects later instead of being
		 * refused */
		SL_STAT_INC(w->stats, drop_connect_limit);
		return;
	}
	f = sl_flow_add(&w->ft, key, w->now_ms);
	if (f == NULL) {
		SL_STAT_INC(w->stats, drop_flow_limit);
		tcp_send_rst_reply(w, p, th);
		return;
	}
	c = conn_of(w, f);
	conn_clear(c);
	c->v6 = key->family == AF_INET6;
	hd = sl_host_open(w->host, sa.sa.sa_family == AF_INET6 ?
		(enum sl_host_kind)(SL_HOST_TCP | SL_HOST_INET6) : SL_HOST_TCP,
		sl_flow_cookie(f));
	if (hd < 0) {
		SL_STAT_INC(w->stats, drop_host_socket);
		sl_worker_socket_fail(w, "TCP", hd);
		sl_flow_del(&w->ft, f);
		tcp_send_rst_reply(w, p, th);
		return;
	}
	f->hd = hd;
	f->host_dst = sa;
	f->state = SL_TCP_S_CONNECTING;
	tw->connecting++;
	c->rcv_nxt = irs + 1;
	c->rcv_adv = c->rcv_nxt;	/* nothing promised before the SYN-ACK */
	c->iss = isn(w, key);
	c->snd_una = c->snd_nxt = c->iss;
	c->snd_wnd = rte_be_to_cpu_16(th->rx_win);	/* never scaled */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = irs;
	c->snd_wl2 = c->iss;
	c->ws_ok = o.has_wscale;
	c->sb.ok = o.sack_ok;	/* answered only when offered */
	if (o.has_wscale) {
		/* RFC 7323 2.3: above 14 is used as 14, not rejected */
		c->snd_wscale = RTE_MIN(o.wscale, (uint8_t)SL_TCP_MAX_SHIFT);
		c->rcv_wscale = rx_wscale(w, c);
	}
	c->rcv_mss = rx_mss(w, c);
	/* the guest's MSS as it is, however small (an MSS of 0 is taken as
	 * absent, as Linux does): never a larger segment to it */
	c->snd_mss = o.mss ? RTE_MIN(o.mss, tx_mss(w, c)) :
		RTE_MIN(c->v6 ? (uint16_t)SL_TCP_DEFAULT_MSS6 :
		(uint16_t)SL_TCP_DEFAULT_MSS, tx_mss(w, c));
	c->rto = SL_TCP_RTO_INIT;
	SL_STAT_INC(w->stats, flows_opened);
	SL_STAT_INC(w->stats, tcp_flows_opened);
	rc = sl_host_connect(w->host, hd, &sa);
	if (rc == 0) {
		tcp_send_synack(w, f, c);
		return;
	}
	if (rc != -EINPROGRESS) {
		tcp_send_rst_reply(w, p, th);
		tcp_free(w, f, false, SL_STAT_tcp_refused);
		return;
	}
	set_interest(w, f, c, SL_HOST_EV_OUT);
	c->conn_deadline = w->now_ms + w->cfg->tcp_connect_timeout_ms;
	tcp_rearm(w, f, c);
	/* a loopback connect is done by the time connect() returns: poll
	 * the host in this iteration (not a skipped one), so the SYN-ACK
	 * goes in this iteration's tx burst */
	w->host_hot = true;
}

/**
 * tcp_syn_rcvd_input - a guest segment while our SYN-ACK is unanswered, in
 * RFC 9293 3.10.7.4's order: the guest's SYN again gets the SYN-ACK
 * again; then the sequence number (unacceptable: an ACK, unless it is an
 * RST); an RST with the exact sequence number ends the connection; then
 * the ACK: SND.UNA < SEG.ACK =< SND.NXT (SEG.ACK = ISS + 1) completes the
 * handshake, another gets an RST (the connection stays half-open).
 * Return: true when the connection became established (the segment is
 * then processed as on an established connection).
 */
bool
tcp_syn_rcvd_input(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c,
	const struct sl_pkt *p, const struct rte_tcp_hdr *th)
{
	struct seg s = seg_of(p, th);

	if ((s.flags & (F_SYN | F_ACK)) == F_SYN) {
		if (c->rtx_head != NULL)
			tcp_retransmit(w, f, c, c->rtx_head);
		return false;
	}
	if (!tcp_acceptable(c, s.seq, s.len + ((s.flags & F_FIN) ? 1 : 0))) {
		SL_STAT_INC(w->stats, drop_tcp_out_of_window);
		if (!(s.flags & F_RST))
			tcp_send_ack(w, f, c);
		return false;
	}
	if (s.flags & F_RST) {
		if (s.seq == c->rcv_nxt)
			tcp_free(w, f, true, SL_STAT_tcp_closed_guest_rst);
		return false;
	}
	if (!(s.flags & F_ACK))
		return false;
	if (s.ack != c->iss + 1) {
		tcp_send_rst_reply(w, p, th);
		return false;
	}
	f->state = SL_TCP_S_ESTABLISHED;
	sl_tcp_w(w)->connecting--;	/* no longer half-open */
	c->snd_wl1 = s.seq - 1;
	set_interest(w, f, c, SL_HOST_EV_IN | SL_HOST_EV_RDHUP);
	return true;
}

/**
 * inbound_room - whether one more inbound connection may be opened toward
 * the guest: at most max_pending_connects of them wait for the guest's
 * SYN-ACK (counted apart from the guest's own half-open connections), and
 * they never take the last max_flows / SL_TCP_INBOUND_RESERVE_DIV flow
 * slots, kept for the guest's own connections and datagram flows.
 */
static bool
inbound_room(const struct sl_worker *w)
{
	uint32_t reserve = w->ft.max / SL_TCP_INBOUND_RESERVE_DIV;

	return sl_tcp_w(w)->inbound_pending < w->cfg->max_pending_connects &&
		w->ft.active + reserve < w->ft.max;
}

/**
 * inbound_refuse - reset an accepted host client the inbound bound has
 * no room for (the client sees a reset at once, nothing lingers in the
 * listen backlog), counted in drop_inbound_limit and logged at most once
 * per SL_TCP_LOG_GAP_MS.
 */
static void
inbound_refuse(struct sl_worker *w, int hd)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);

	SL_STAT_INC(w->stats, drop_inbound_limit);
	sl_host_close(w->host, hd, true);
	if (w->now_ms < tw->inbound_log_ms)
		return;
	tw->inbound_log_ms = w->now_ms + SL_TCP_LOG_GAP_MS;
	SL_LOG(TCP, WARNING, "worker %u: inbound connection limit reached "
		"(%u waiting for the guest, %u of %u flows): new connections "
		"are reset\n", w->id, tw->inbound_pending, w->ft.active,
		w->ft.max);
}

/**
 * inbound_open - start an inbound connection toward the guest for the
 * accepted host client @hd (@peer): a flow of @key (another source port
 * from the gateway if that 4-tuple is busy or, on a multi-queue port,
 * would belong to another worker: sl_steer.c) and our SYN. On failure the
 * client is reset (counted).
 */
static void
inbound_open(struct sl_worker *w, int hd, const union sl_sockaddr *peer,
	struct sl_flow_key *key, uint8_t retry6)
{
	struct sl_tcp_conn *c;
	struct sl_flow *f = NULL;
	unsigned int tries;

	for (tries = 0; tries < SL_TCP_ACCEPT_PORT_TRIES && f == NULL;
	    tries++) {
		if (sl_steer_mine(w, key) &&
		    sl_flow_lookup(&w->ft, key) == NULL) {
			f = sl_flow_add(&w->ft, key, w->now_ms);
			if (f == NULL)
				break;
		} else {
			sl_fwd_key_gateway(w->cfg, key, rte_cpu_to_be_16(
				(uint16_t)(49152 + (rte_rand() % 16384))));
		}
	}
	if (f == NULL) {
		SL_STAT_INC(w->stats, drop_flow_limit);
		sl_host_close(w->host, hd, true);
		return;
	}
	c = conn_of(w, f);
	conn_clear(c);
	c->v6 = key->family == AF_INET6;
	c->fwd_retry6 = retry6;
	f->hd = hd;
	f->inbound = true;
	f->host_dst = *peer;
	f->state = SL_TCP_S_SYN_SENT;
	sl_tcp_w(w)->inbound_pending++;
	sl_host_set_cookie(w->host, hd, sl_flow_cookie(f));
	c->interest = UINT32_MAX;	/* force the first watch */
	set_interest(w, f, c, 0);
	c->iss = isn(w, key);
	c->snd_una = c->snd_nxt = c->iss;
	c->ws_ok = true;	/* offered; kept only if echoed */
	c->sb.ok = true;	/* SACK-permitted likewise */
	c->rcv_wscale = rx_wscale(w, c);
	c->rcv_mss = rx_mss(w, c);
	c->snd_mss = RTE_MIN(c->v6 ? (uint16_t)SL_TCP_DEFAULT_MSS6 :
		(uint16_t)SL_TCP_DEFAULT_MSS, tx_mss(w, c));
	c->rto = SL_TCP_RTO_INIT;
	SL_STAT_INC(w->stats, flows_opened);
	SL_STAT_INC(w->stats, tcp_flows_opened);
	if (tcp_emit(w, f, c, F_SYN, c->iss, NULL, true) != 0) {
		tcp_free(w, f, true, SL_STAT_tcp_refused);
		return;
	}
	c->snd_nxt = c->iss + 1;
	c->rto_deadline = w->now_ms + tcp_rto_backed_off(c);
	tcp_rearm(w, f, c);
}

void
sl_tcp_accept(struct sl_worker *w, const struct sl_fwd_spec *spec,
	unsigned int off, int lhd)
{
	uint16_t gport = rte_cpu_to_be_16((uint16_t)(spec->guest_lo + off));
	unsigned int k;

	for (k = 0; k < SL_TCP_ACCEPT_BUDGET; k++) {
		union sl_sockaddr peer;
		struct sl_flow_key key;
		uint8_t retry6;
		int hd;

		hd = sl_host_accept(w->host, lhd, &peer, SL_COOKIE_SPECIAL);
		if (hd < 0) {
			if (hd != -EAGAIN) {
				SL_STAT_INC(w->stats, drop_host_socket);
				sl_worker_socket_fail(w, "accepted TCP", hd);
			}
			return;
		}
		if (!inbound_room(w)) {
			inbound_refuse(w, hd);
			continue;
		}
		/* the guest's address and family, the source it sees: the
		 * client's own address or the gateway's (sl_fwd_guest.h) */
		if (sl_fwd_guest_key(w, spec, IPPROTO_TCP, gport, &peer, &key,
		    &retry6) != 0) {
			sl_host_close(w->host, hd, true);
			continue;
		}
		inbound_open(w, hd, &peer, &key, retry6);
	}
}

/**
 * inbound_retry6 - the guest refused inbound IPv4 flow @f (RST to our
 * SYN): when it may (c->fwd_retry6) and an IPv6 address of the guest host
 * is known, the same client is connected over IPv6 instead, for guests
 * whose service listens on IPv6 only. Counted in fwd_retry6.
 * Return: true when the retry was started (@f is gone).
 */
static bool
inbound_retry6(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	union sl_sockaddr peer = f->host_dst;
	struct sl_flow_key key;
	int hd = f->hd;

	if (!(c->fwd_retry6 & SL_FWD_RETRY6) || f->key.family != AF_INET ||
	    sl_fwd_guest_key6(w, &f->key, &peer, c->fwd_retry6, &key) != 0)
		return false;
	f->hd = -1;	/* the client's socket goes on with the new flow */
	tcp_free(w, f, false, SL_STAT_fwd_retry6);
	inbound_open(w, hd, &peer, &key, 0);
	return true;
}

/**
 * tcp_syn_sent_input - the guest's answer to our SYN (inbound forward).
 */
void
tcp_syn_sent_input(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c,
	const struct sl_pkt *p, const struct rte_tcp_hdr *th)
{
	uint8_t flags = th->tcp_flags;
	uint32_t ack = rte_be_to_cpu_32(th->recv_ack);
	uint32_t irs = rte_be_to_cpu_32(th->sent_seq);
	struct sl_tcp_opts o;

	if ((flags & F_ACK) && ack != c->iss + 1) {
		if (!(flags & F_RST))
			tcp_send_rst_reply(w, p, th);
		return;
	}
	if (flags & F_RST) {
		/* nothing listens in the guest: retry over IPv6 (a
		 * service on IPv6 only) or reset the client */
		if ((flags & F_ACK) && !inbound_retry6(w, f, c))
			tcp_free(w, f, true, SL_STAT_tcp_refused);
		return;
	}
	if ((flags & (F_SYN | F_ACK)) != (F_SYN | F_ACK))
		return;
	if (sl_tcp_parse_opts((const uint8_t *)(th + 1),
	    p->l4_hlen - sizeof(*th), &o) != 0) {
		SL_STAT_INC(w->stats, drop_tcp_bad_opts);
		return;
	}
	c->rcv_nxt = irs + 1;
	c->rcv_adv = c->rcv_nxt + c->last_adv_wnd;	/* our SYN's window */
	if (o.has_wscale) {
		c->snd_wscale = RTE_MIN(o.wscale, (uint8_t)SL_TCP_MAX_SHIFT);
	} else {
		/* RFC 7323 2.2: no scaling in either direction */
		c->ws_ok = false;
		c->rcv_wscale = 0;
		c->snd_wscale = 0;
	}
	if (o.mss)
		c->snd_mss = RTE_MIN(o.mss, tx_mss(w, c));	/* however small */
	c->sb.ok = o.sack_ok;
	/* the SYN-ACK's window is never scaled */
	c->snd_wnd = rte_be_to_cpu_16(th->rx_win);
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = irs;
	c->snd_wl2 = ack;
	c->snd_una = ack;
	tcp_rtx_release(w, c);	/* our SYN is acknowledged */
	c->rto_deadline = 0;
	c->backoff = 0;
	f->state = SL_TCP_S_ESTABLISHED;
	sl_tcp_w(w)->inbound_pending--;	/* no longer half-open */
	f->last_ms = w->now_ms;
	c->ack_now = true;
	/* what the host client sent meanwhile goes with that ACK (a read
	 * at the burst's end, not one host poll later) */
	c->rd_first = true;
	dirty_mark(w, f, c);
	set_interest(w, f, c, SL_HOST_EV_IN | SL_HOST_EV_RDHUP);
	tcp_rearm(w, f, c);
}
