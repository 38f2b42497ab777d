/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_ring.c: the ring budget: how many frames of guest data all of a
 * worker's flows together may have on their way to a port whose guest side
 * has no back-pressure (net_af_packet: the kernel drops what its rx ring
 * has no free frame for).
 *
 * Theory of operation
 * -------------------
 * A full tap queue or virtio ring stops the guest's sender; a full
 * AF_PACKET rx ring drops the frame, and the guest sends it again after its
 * RTO. What the guest may send at once is what sluice promised in its
 * windows: a flow's promise is rcv_adv - rcv_nxt, at most ceil(promise /
 * MSS) frames, its charge (c->rb_frames). On such a port (w->rx_ring_frames
 * set) the worker keeps the sum of the charges (tw->rb_used) within a
 * budget of half the ring's frames; the other half is for what no window
 * governs (SYNs, the guest's ACKs and FINs, datagrams).
 *
 * Granting. The window space of a flow (tcp_window_space) is capped at the
 * frames the budget has free, and at a fair share (the budget divided among
 * the flows charged or waiting) when others contend: one flow alone may
 * have the whole budget, a thousand new flows get their first window a few
 * at a time, in turn. A flow the cap held back waits in line (FIFO,
 * tw->rb_list[RB_WAIT]) and gets a window update, in turn, once frames are
 * free again (tcp_ring_iter_end, after the iteration's ACKs); a flow not on
 * its turn leaves the first in line the frames it lacks (rb_reserve), so
 * flows renewing their windows cannot starve it. A SYN-ACK may so carry a
 * zero window: the guest's data waits for that update (Linux sends as soon
 * as it comes; its persist timer covers a lost one). The window's other
 * rules stay (tcp_select_window: its right edge never moves left, it opens
 * in SWS-safe steps).
 *
 * Counting. A flow is charged from its first window (the SYN-ACK's) on;
 * its charge is recomputed whenever a window goes out and whenever its
 * data comes in order (tcp_deliver). Every frame the window allows is
 * counted, as the guest will send them (rb_cost): its segments and one for
 * a rest below one segment (the tail of the guest's data goes in it); and
 * a guest that never saw a window of two segments cuts its segments to
 * half the largest it saw (Linux, tcp_bound_to_half_wnd), so a flow's
 * first grant is two segments (the same two frames at full size) and
 * waits until two are free, beyond its fair share if need be. A grant
 * adds whole segments beyond what the window holds (the SWS rule opens a
 * window by one MSS at least), so no window is left that the guest could
 * use only after its persist timer; a window with a rest gets one segment
 * beyond it even when that is over its share. On such a port the window
 * scale is the one the budget needs (rx_wscale) and the MSS sluice
 * advertises a multiple of its unit (rx_mss), so a grant of k segments is
 * exactly k frames: with a 16304-byte MTU, a 128-frame ring (scale 4) gives
 * an MSS of 16256 instead of 16264 (with scale 7 and the MTU's MSS, a
 * one-frame window rounded up to the unit was 16384 bytes: a full segment
 * and a 120-byte tail, two frames counted as one).
 *
 * Freeing. Frames come free when the guest sends what it was promised,
 * when a flow ends or its FIN came (tcp_free; a closed window promises
 * nothing), and when a promise waits for the application rather than for
 * the network: data that ends short of a full segment means the guest's
 * send queue emptied, and a flow that has not used its window for
 * SL_TCP_RB_IDLE_MS (a connection that only receives, or whose
 * application is quiet) is uncharged; the charged list is kept least
 * recently active first, so finding those is a look at its head. Such an
 * idle flow's window does not grow but on its turn; one that can still
 * send a full segment asks for none (its next full segment charges it
 * again, over the budget if need be: the budget bounds what sluice
 * promises now, not what it promised long ago), one that cannot waits in
 * a second line (RB_IDLE_WAIT), served with what the first leaves: a
 * thousand flows done sending, each with a rest below one segment, would
 * otherwise take their turns (and hold their frames for
 * SL_TCP_RB_IDLE_MS) ahead of flows whose data waits.
 *
 * Where the port pushes back (net_tap, vhost-user, a NIC: rx_ring_frames
 * 0) the budget is 0 and none of this runs.
 */
#include "sl_tcp_priv.h"

#define RB_CHARGED	0	/* flows with a charge, least recently active
				 * first */
#define RB_WAIT		1	/* flows owed a window update, FIFO */
#define RB_IDLE_WAIT	2	/* idle ones, served after RB_WAIT */
#define RB_WAITING	((1u << RB_WAIT) | (1u << RB_IDLE_WAIT))

/** rb_add_tail - put flow slot @idx at the tail of list @l. */
static void
rb_add_tail(struct sl_tcp_worker *tw, unsigned int l, uint32_t idx)
{
	struct sl_tcp_conn *c = &tw->conns[idx];
	struct tcp_rb_list *q = &tw->rb_list[l];

	if (c->rb_on == 0)
		tw->rb_flows++;
	c->rb_on |= (uint8_t)(1u << l);
	c->rb_link[l].prev = q->tail;
	c->rb_link[l].next = 0;
	if (q->tail != 0)
		tw->conns[q->tail - 1].rb_link[l].next = idx + 1;
	else
		q->head = idx + 1;
	q->tail = idx + 1;
	q->n++;
}

/** rb_del - take flow slot @idx off list @l (nothing when not on it). */
static void
rb_del(struct sl_tcp_worker *tw, unsigned int l, uint32_t idx)
{
	struct sl_tcp_conn *c = &tw->conns[idx];
	struct tcp_rb_list *q = &tw->rb_list[l];
	uint32_t prev = c->rb_link[l].prev, next = c->rb_link[l].next;

	if (!(c->rb_on & (1u << l)))
		return;
	if (prev != 0)
		tw->conns[prev - 1].rb_link[l].next = next;
	else
		q->head = next;
	if (next != 0)
		tw->conns[next - 1].rb_link[l].prev = prev;
	else
		q->tail = prev;
	q->n--;
	c->rb_link[l].prev = 0;
	c->rb_link[l].next = 0;
	c->rb_on &= (uint8_t)~(1u << l);
	if (c->rb_on == 0)
		tw->rb_flows--;
}

/** rb_set - make @c's charge @n frames (the list membership is the
 * caller's). */
static void
rb_set(struct sl_tcp_worker *tw, struct sl_tcp_conn *c, uint32_t n)
{
	tw->rb_used = tw->rb_used - c->rb_frames + n;
	c->rb_frames = n;
}

/** promise_bytes - what @c's open window lets the guest send. */
static uint32_t
promise_bytes(const struct sl_tcp_conn *c)
{
	return SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
}

/**
 * rb_seg - the segments the guest sends on @c: our MSS, or half the
 * largest window it has seen from us (@max_win) when that is smaller
 * (Linux, tcp_bound_to_half_wnd, for windows above 536 bytes).
 */
static uint32_t
rb_seg(const struct sl_tcp_conn *c, uint32_t max_win)
{
	uint32_t cut = max_win > 536 ? max_win / 2 : max_win;

	return cut == 0 || cut >= c->rcv_mss ? c->rcv_mss : cut;
}

/**
 * rb_cost - the frames a window of @win bytes lets the guest send on @c
 * (the largest window it has seen from us is then @win at least).
 */
static uint32_t
rb_cost(const struct sl_tcp_conn *c, uint64_t win)
{
	uint32_t seg = rb_seg(c, (uint32_t)RTE_MAX(win,
		(uint64_t)c->rb_max_win));

	return (uint32_t)((win + seg - 1) / seg);
}

/**
 * promise_frames - the frames @c's open window lets the guest send
 * (rb_cost); nothing while idle or closed.
 */
static uint32_t
promise_frames(const struct sl_tcp_conn *c)
{
	if (c->rcv_mss == 0 || c->rb_idle || c->fin_rcvd || c->host_rst)
		return 0;
	return rb_cost(c, promise_bytes(c));
}

void
tcp_ring_init(struct sl_worker *w)
{
	sl_tcp_w(w)->rb_budget = w->rx_ring_frames / 2;
}

/**
 * rb_update - charge @c (slot @idx) what its window now promises (nothing
 * when idle); @active: it just used its promise or got it (the charged
 * list's tail, the idle clock restarts).
 */
static void
rb_update(struct sl_worker *w, struct sl_tcp_worker *tw,
	struct sl_tcp_conn *c, uint32_t idx, bool active)
{
	rb_set(tw, c, promise_frames(c));
	if (c->rb_frames == 0) {
		rb_del(tw, RB_CHARGED, idx);
		return;
	}
	if (active || !(c->rb_on & (1u << RB_CHARGED))) {
		c->rb_ms = w->now_ms;
		rb_del(tw, RB_CHARGED, idx);
		rb_add_tail(tw, RB_CHARGED, idx);
	}
}

void
tcp_ring_charge(struct sl_worker *w, struct sl_tcp_conn *c)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	uint32_t idx = (uint32_t)(c - tw->conns);

	if (tw->rb_budget == 0 || w->ft.flows[idx].state < SL_TCP_S_SYN_RCVD)
		return;		/* no budget; no usable window yet */
	if (!c->rb_seen) {
		/* its first window: the guest is about to use it */
		c->rb_seen = true;
		c->rb_idle = false;
		c->rb_max_win = 0;
	}
	c->rb_max_win = RTE_MAX(c->rb_max_win, promise_bytes(c));
	rb_update(w, tw, c, idx, false);
}

void
tcp_ring_used(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t len)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);

	if (tw->rb_budget == 0 || c->rcv_mss == 0)
		return;
	/* data that ends short of a full segment emptied the guest's send
	 * queue: what the window still promises waits for the application
	 * (its next full segment charges it again) */
	c->rb_idle = len % rb_seg(c, c->rb_max_win) != 0;
	rb_update(w, tw, c, (uint32_t)(c - tw->conns), true);
}

/**
 * rb_need - the frames @c holds after its smallest grant (one segment
 * beyond its window, counted as the guest sends it: rb_cost); @allow: how
 * many it may hold for it beyond its fair share (all of them when what it
 * holds is less than a full segment: a rest, or nothing).
 */
static uint32_t
rb_need(const struct sl_tcp_conn *c, uint32_t *allow)
{
	uint32_t cur = promise_bytes(c), need;

	need = rb_cost(c, RTE_ALIGN_CEIL((uint64_t)cur + c->rcv_mss,
		1u << c->rcv_wscale));
	*allow = need - RTE_MIN(need - 1, cur / c->rcv_mss);
	return need;
}

/**
 * rb_reserve - the frames the first flow in line (other than @c; the idle
 * line's when no other waits) lacks for its next grant, which a flow not
 * on its turn leaves free: flows
 * renewing their windows one frame at a time would otherwise starve a
 * line whose first needs two. Nothing when that flow would get no grant
 * on its turn (over its @share; not yet synchronised).
 */
static uint32_t
rb_reserve(struct sl_worker *w, struct sl_tcp_worker *tw,
	const struct sl_tcp_conn *c, uint32_t share)
{
	uint32_t head = tw->rb_list[RB_WAIT].head, need, allow;
	const struct sl_tcp_conn *h;

	if (head == 0)
		head = tw->rb_list[RB_IDLE_WAIT].head;
	if (head == 0)
		return 0;
	h = &tw->conns[head - 1];
	if (h == c || h->rcv_mss == 0 ||
	    w->ft.flows[head - 1].state != SL_TCP_S_ESTABLISHED)
		return 0;
	need = rb_need(h, &allow);
	if (RTE_MAX(share, allow) < need || need <= h->rb_frames)
		return 0;
	return need - h->rb_frames;
}

uint32_t
tcp_ring_cap(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t space)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	uint32_t idx = (uint32_t)(c - tw->conns);
	uint32_t others, free, share, lim, cur, add = 0, need, allow;
	uint32_t unit = 1u << c->rcv_wscale;
	uint64_t cap;

	if (tw->rb_budget == 0 || c->rcv_mss == 0 || space == 0)
		return space;
	others = tw->rb_used - c->rb_frames;
	free = tw->rb_budget > others ? tw->rb_budget - others : 0;
	share = tw->rb_budget / (tw->rb_flows + (c->rb_on == 0 ? 1u : 0u));
	if (!c->rb_turn) {
		uint32_t res = rb_reserve(w, tw, c, share);

		free = free > res ? free - res : 0;
	}
	cur = promise_bytes(c);
	/* the window grows by whole segments beyond what it holds (the SWS
	 * rule opens a window by one MSS at least, and no window is left
	 * that the guest could use only after its persist timer), rounded
	 * up to the scale unit, of which the MSS is a multiple here
	 * (rx_mss), so that the window advertised (rounded down to it) holds
	 * them; each grant counted as the guest will send it (rb_cost: a
	 * rest is a frame, and a guest that never saw a window of two
	 * segments sends half-size ones, so a first grant is two segments).
	 * The smallest grant leaves the flow @need frames: it waits until
	 * they are free, and gets them even beyond its fair share when all
	 * it holds is less than a full segment (a rest, or nothing at the
	 * half size). An idle flow's window does not grow but on its turn
	 * in line, and only when it cannot send a full segment: one that can
	 * asks for nothing (its next full segment charges it again), or a
	 * few flows left quiet would take a fair share each, turn after
	 * turn, from the flows that send. */
	need = rb_need(c, &allow);
	lim = RTE_MIN(free, RTE_MAX(share, allow));
	if (lim >= need && (!c->rb_idle || (c->rb_turn && cur < c->rcv_mss)))
		for (add = lim - RTE_MIN(cur / c->rcv_mss, lim); add > 1 &&
		     rb_cost(c, RTE_ALIGN_CEIL((uint64_t)cur +
		     (uint64_t)add * c->rcv_mss, unit)) > lim; add--)
			;
	cap = add > 0 ? RTE_ALIGN_CEIL((uint64_t)cur +
		(uint64_t)add * c->rcv_mss, unit) : cur;
	if (add > 0)
		c->rb_idle = false;	/* charged for what it is given */
	if (cap >= space)
		return space;
	/* held back: owed an update when frames come free (an idle flow
	 * that can still send a full segment asks for none: its next full
	 * segment will; one that cannot waits in the idle line, served when
	 * no flow with data waits); counted when it starts waiting, not
	 * when its turn comes and it waits again */
	if (!c->rb_idle || cur < c->rcv_mss) {
		unsigned int l = c->rb_idle ? RB_IDLE_WAIT : RB_WAIT;

		if (!(c->rb_on & (1u << l))) {
			if (!c->rb_turn && !(c->rb_on & RB_WAITING))
				SL_STAT_INC(w->stats, tcp_ring_waits);
			rb_del(tw, l == RB_WAIT ? RB_IDLE_WAIT : RB_WAIT, idx);
			rb_add_tail(tw, l, idx);
		}
	}
	return (uint32_t)cap;
}

void
tcp_ring_forget(struct sl_worker *w, struct sl_tcp_conn *c)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	uint32_t idx = (uint32_t)(c - tw->conns);

	if (tw->rb_budget == 0)
		return;
	rb_set(tw, c, 0);
	rb_del(tw, RB_CHARGED, idx);
	rb_del(tw, RB_WAIT, idx);
	rb_del(tw, RB_IDLE_WAIT, idx);
	c->rb_seen = false;
	c->rb_idle = false;
	c->rb_max_win = 0;
}

/**
 * ring_idle - uncharge the flows whose promise neither grew nor was used
 * for SL_TCP_RB_IDLE_MS (the charged list's head is the least recently
 * active).
 */
static void
ring_idle(struct sl_worker *w, struct sl_tcp_worker *tw)
{
	struct tcp_rb_list *q = &tw->rb_list[RB_CHARGED];

	while (q->head != 0) {
		struct sl_tcp_conn *c = &tw->conns[q->head - 1];

		if (c->rb_ms + SL_TCP_RB_IDLE_MS > w->now_ms)
			break;
		SL_STAT_INC(w->stats, tcp_ring_idle);
		c->rb_idle = true;
		rb_set(tw, c, 0);
		rb_del(tw, RB_CHARGED, q->head - 1);
	}
}

/**
 * ring_turns - give the flows waiting in line @l their turn, in order,
 * while frames are free: each at most once (one held back again goes back
 * to a tail, tcp_ring_cap).
 */
static void
ring_turns(struct sl_worker *w, struct sl_tcp_worker *tw, unsigned int l)
{
	struct tcp_rb_list *q = &tw->rb_list[l];
	uint32_t n;

	for (n = q->n; n > 0 && q->head != 0 && tw->rb_used < tw->rb_budget;
	     n--) {
		uint32_t idx = q->head - 1;
		struct sl_flow *f = &w->ft.flows[idx];
		struct sl_tcp_conn *c = &tw->conns[idx];
		uint32_t win;

		rb_del(tw, l, idx);
		if (!f->in_use || f->state == SL_TCP_S_TIME_WAIT ||
		    c->fin_rcvd || c->host_rst)
			continue;	/* no window to give any more */
		if (f->state < SL_TCP_S_ESTABLISHED) {
			/* its SYN-ACK went: the update follows its ACK */
			rb_add_tail(tw, l, idx);
			continue;
		}
		c->win_iter = 0;	/* the space anew, with the budget */
		c->rb_turn = true;
		win = tcp_select_window(w, f, c) >> c->rcv_wscale;
		c->rb_turn = false;
		if (win == c->last_win_sent)
			continue;	/* held back again (or no space) */
		SL_STAT_INC(w->stats, tcp_ring_updates);
		SL_STAT_INC(w->stats, tcp_window_updates);
		tcp_send_ack(w, f, c);
	}
}

void
tcp_ring_iter_end(struct sl_worker *w)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);

	if (tw->rb_budget == 0)
		return;
	ring_idle(w, tw);
	ring_turns(w, tw, RB_WAIT);
	/* then idle flows whose window is below one segment: what the
	 * others leave (a flow done sending would otherwise hold frames for
	 * SL_TCP_RB_IDLE_MS ahead of flows with data waiting) */
	ring_turns(w, tw, RB_IDLE_WAIT);
}
