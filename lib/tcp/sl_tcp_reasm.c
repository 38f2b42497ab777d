/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_reasm.c: guest data held before it is written to the host: the
 * pending chain (copy of small payloads), the out-of-order queue, and the
 * per-flow hold limit.
 *
 * Theory of operation
 * -------------------
 * Guest -> host. Acceptable segments are trimmed to [RCV.NXT, right edge);
 * in-order payload is appended, without copying, to the flow's pending mbuf
 * chain, except small payloads (up to SL_TCP_COPY_MAX bytes): those are
 * copied into the tailroom of the chain's last mbuf (or of a fresh one),
 * so a flow whose host peer stalls pins about one mbuf per mbuf's worth of
 * bytes, not one per segment. A flow holds at most the worker's hold_max
 * mbufs (struct sl_tcp_worker): 1/SL_TCP_HOLD_SHARE of the pool's mbufs
 * beyond the rx reserve, within [SL_TCP_HOLD_MIN, SL_TCP_HOLD_SEGS].
 * Out-of-order segments wait in a small sorted array of ranges
 * (SL_TCP_OOO_MAX holes; overlaps trimmed, the first bytes received win;
 * a segment contiguous with a range is chained onto it, so a loss and the
 * window of segments behind it take one entry), and a FIN that arrives ahead of missing data is
 * remembered (its sequence number) and taken when the gap is filled. At
 * the end of the rx burst the pending chain of each touched flow goes to
 * the host socket in one writev; what the socket does not take stays
 * pending (sluice's own buffer, at most own_buf). Bytes are
 * acknowledged once they are written or pending: never before.
 *
 * Which pool holds them. Where guest frames arrive in a pool of their own
 * (net_af_packet frames larger than the main pool's mbufs: w->rx_mp, sized
 * to the kernel's rx ring, w->rx_reserve of it kept for receiving), held
 * payloads stay in those ring-frame mbufs while the rx pool has room: the
 * bulk path copies nothing. Once fewer than SL_TCP_RX_COPY_BELOW rx
 * reserves are left (many flows each holding a little, e.g. first
 * segments waiting for slow host peers), a payload about to be held is
 * copied into main-pool mbufs (w->mp, seg_room bytes each, counted in
 * tcp_hold_copied) and its ring-frame mbuf goes back to the rx pool at
 * once. The hold limit looks at the pool the data will pin: the rx pool's
 * reserve for data kept where it arrived, the main pool's (mbuf_reserve)
 * for copies, so guest data is refused only when the main pool too is at
 * its reserve.
 */
#include "sl_tcp_priv.h"

/**
 * tcp_mbuf_adj - remove @len bytes from the front of a chain, freeing segments
 * that become empty.
 * Return: the new head (NULL when the whole chain was consumed).
 */
struct rte_mbuf *
tcp_mbuf_adj(struct rte_mbuf *m, uint32_t len)
{
	uint32_t pkt_len = m->pkt_len;
	uint16_t nb_segs = m->nb_segs;

	if (len >= pkt_len) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	while (len >= m->data_len) {
		struct rte_mbuf *next = m->next;

		len -= m->data_len;
		pkt_len -= m->data_len;
		nb_segs--;
		m->next = NULL;
		rte_pktmbuf_free_seg(m);
		m = next;
	}
	m->data_off += len;
	m->data_len -= len;
	m->pkt_len = pkt_len - len;
	m->nb_segs = nb_segs;
	return m;
}

/**
 * tcp_mbuf_trim - cut a chain to its first @len bytes (len > 0).
 */
void
tcp_mbuf_trim(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *s = m;
	uint32_t left = len;
	uint16_t segs = 1;

	if (len >= m->pkt_len)
		return;
	/* len < pkt_len = sum of data_len: s never runs off the chain */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	while (left > s->data_len) {
		left -= s->data_len;
		s = s->next;
		segs++;
	}
	s->data_len = (uint16_t)left;
	if (s->next != NULL) {
		rte_pktmbuf_free(s->next);
		s->next = NULL;
	}
	m->pkt_len = len;
	m->nb_segs = segs;
}

/**
 * ooo_join - append chain @m (@len bytes) to the out-of-order range @o,
 * which ends where @m begins.
 */
static void
ooo_join(struct sl_tcp_ooo *o, struct rte_mbuf *m, uint32_t len,
	struct rte_mbuf *m_tail)
{
	o->tail->next = m;
	o->m->nb_segs = (uint16_t)(o->m->nb_segs + m->nb_segs);
	o->m->pkt_len += m->pkt_len;
	o->tail = m_tail;
	o->len += len;
}

/**
 * tcp_ooo_insert - queue an out-of-order payload chain [seq, seq+len), trimmed
 * against what is queued already (the first bytes received win).
 *
 * Contiguous data is one range: a chunk that ends where a range begins, or
 * begins where one ends, is chained onto it (and two ranges it bridges
 * become one), so a loss followed by a window of in-order segments holds
 * one range, whatever the number of segments; SL_TCP_OOO_MAX bounds the
 * disjoint ranges (holes), the hold limit the bytes and mbufs.
 * Return: true when the mbuf was kept.
 */
bool
tcp_ooo_insert(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t seq,
	uint32_t len, struct rte_mbuf *m)
{
	struct rte_mbuf *m_tail;
	unsigned int i, j;

	for (i = 0; i < c->n_ooo && len > 0; i++) {
		struct sl_tcp_ooo *o = &c->ooo[i];
		uint32_t oend = o->seq + o->len;

		if (SEQ_LE(seq + len, o->seq))
			break;		/* entirely before entry i */
		if (SEQ_GE(seq, oend))
			continue;	/* entirely after entry i */
		if (SEQ_LT(seq, o->seq)) {
			/* keep the part before entry i */
			tcp_mbuf_trim(m, o->seq - seq);
			len = o->seq - seq;
			break;
		}
		/* starts inside entry i: drop the overlap */
		if (SEQ_GE(seq + len, oend)) {
			uint32_t cut = oend - seq;

			if (cut >= len) {
				len = 0;
				break;
			}
			m = tcp_mbuf_adj(m, cut);
			seq += cut;
			len -= cut;
		} else {
			len = 0;
		}
	}
	if (len == 0) {
		rte_pktmbuf_free(m);
		return true;
	}
	/* [seq, seq + len) now lies between ranges i - 1 and i */
	m_tail = rte_pktmbuf_lastseg(m);
	if (i > 0 && c->ooo[i - 1].seq + c->ooo[i - 1].len == seq) {
		ooo_join(&c->ooo[i - 1], m, len, m_tail);
		if (i < c->n_ooo && seq + len == c->ooo[i].seq) {
			/* the chunk bridged two ranges: one now */
			ooo_join(&c->ooo[i - 1], c->ooo[i].m, c->ooo[i].len,
				c->ooo[i].tail);
			memmove(&c->ooo[i], &c->ooo[i + 1],
				sizeof(c->ooo[0]) * (c->n_ooo - i - 1));
			c->n_ooo--;
		}
	} else if (i < c->n_ooo && seq + len == c->ooo[i].seq) {
		struct sl_tcp_ooo o = { seq, len, m, m_tail };

		ooo_join(&o, c->ooo[i].m, c->ooo[i].len, c->ooo[i].tail);
		c->ooo[i] = o;
	} else if (c->n_ooo == SL_TCP_OOO_MAX) {
		SL_STAT_INC(w->stats, drop_tcp_ooo_full);
		rte_pktmbuf_free(m);
		return true;
	} else {
		for (j = c->n_ooo; j > i; j--)
			c->ooo[j] = c->ooo[j - 1];
		c->ooo[i].seq = seq;
		c->ooo[i].len = len;
		c->ooo[i].m = m;
		c->ooo[i].tail = m_tail;
		c->n_ooo++;
	}
	c->ooo_bytes += len;
	c->ooo_recent = seq;
	sl_tcp_w(w)->held += len;
	SL_STAT_INC(w->stats, tcp_ooo_queued);
	return true;
}

/**
 * tcp_held_mbufs - mbufs the guest data of @c pins (pending and out of
 * order).
 */
uint32_t
tcp_held_mbufs(const struct sl_tcp_conn *c)
{
	return (c->pend ? c->pend->nb_segs : 0) + tcp_ooo_mbufs(c);
}

/** tcp_ooo_mbufs - mbufs the out-of-order data of @c pins. */
uint32_t
tcp_ooo_mbufs(const struct sl_tcp_conn *c)
{
	uint32_t n = 0;
	unsigned int i;

	for (i = 0; i < c->n_ooo; i++)
		n += c->ooo[i].m->nb_segs;
	return n;
}

/**
 * pool_low - whether @segs more mbufs of @mp may not be held: the rx pool
 * (the one guest frames arrive in, w->mp too when it is the same) keeps
 * its rx_reserve for receiving; the main pool, when separate, its
 * mbuf_reserve for the frames toward the guest.
 */
static bool
pool_low(struct sl_worker *w, const struct rte_mempool *mp, uint32_t segs)
{
	if (mp == w->rx_mp)
		return sl_mp_avail(w, true) < w->rx_reserve;
	return sl_mp_avail(w, false) < w->mbuf_reserve + segs;
}

/**
 * over_hold_limit - whether holding @len more bytes in @segs more mbufs
 * of pool @mp
 * would pass the flow's hard memory bound: its own buffer plus the largest
 * window (what a stalled host socket can leave us holding, with room for
 * the edge running ahead of real space by less than a scale unit per ACK),
 * and the worker's hold_max mbufs (a share of the pool: a few flows whose host
 * peers stall must not pin the mbufs every other flow needs), counted as
 * hold_max_copy where guest frames have a pool of their own: as many bytes
 * in main-pool mbufs once copied (the rx pool itself is kept by copying,
 * hold_copy_segs, and its reserve).
 */
static bool
over_hold_limit(struct sl_worker *w, const struct sl_tcp_conn *c,
	uint32_t segs, uint32_t len, const struct rte_mempool *mp)
{
	struct sl_tcp_worker *tw = sl_tcp_w(w);
	uint32_t held_segs = tcp_held_mbufs(c);

	return (uint64_t)c->pend_len + c->ooo_bytes + len >
		(uint64_t)tw->own_buf + w->cfg->tcp_buf ||
		tw->held + tw->inflight + len > w->cfg->max_buffered ||
		pool_low(w, mp, segs) ||
		held_segs + segs > tw->hold_max_copy;
}

/**
 * tcp_ooo_prune - free every queued out-of-order segment (never ACKed, the
 * guest sends it again).
 */
void
tcp_ooo_prune(struct sl_worker *w, struct sl_tcp_conn *c)
{
	unsigned int i;

	for (i = 0; i < c->n_ooo; i++)
		rte_pktmbuf_free(c->ooo[i].m);
	sl_tcp_w(w)->held -= c->ooo_bytes;
	c->ooo_bytes = 0;
	c->n_ooo = 0;
	SL_STAT_INC(w->stats, tcp_ooo_pruned);
}

/** copy_chain - copy @len bytes of chain @m, from offset @off, to @dst. */
static void
copy_chain(uint8_t *dst, const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	for (; m != NULL && off >= m->data_len; m = m->next)
		off -= m->data_len;
	for (; m != NULL && len > 0; m = m->next, off = 0) {
		uint32_t l = RTE_MIN(len, (uint32_t)m->data_len - off);

		memcpy(dst, rte_pktmbuf_mtod_offset(m, const uint8_t *, off), l);
		dst += l;
		len -= l;
	}
}

/**
 * pend_coalesce - keep a small in-order payload (at most SL_TCP_COPY_MAX
 * bytes) without pinning an mbuf of its own: copy it into the tailroom of
 * the pending chain's last mbuf, or else, unless its own mbuf has room
 * for the ones that follow, into a fresh mbuf.
 * @w: worker
 * @c: connection
 * @m: the payload chain (exactly @len bytes)
 * @len: payload bytes
 *
 * Return: the chain to append (@m, or the fresh copy; @m is then freed),
 * or NULL when the bytes went into the pending chain (@m freed).
 */
static struct rte_mbuf *
pend_coalesce(struct sl_worker *w, struct sl_tcp_conn *c,
	struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *t = c->pend != NULL ? c->pend_tail : NULL, *n;

	if (len > SL_TCP_COPY_MAX)
		return m;
	if (t != NULL && mbuf_writable(t) && rte_pktmbuf_tailroom(t) >= len) {
		copy_chain(rte_pktmbuf_mtod_offset(t, uint8_t *, t->data_len),
			m, 0, len);
		t->data_len = (uint16_t)(t->data_len + len);
		c->pend->pkt_len += len;
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (m->nb_segs == 1 && mbuf_writable(m))
		return m;	/* its tailroom takes the next ones */
	n = rte_pktmbuf_alloc(w->mp);
	if (n == NULL || rte_pktmbuf_tailroom(n) < len) {
		rte_pktmbuf_free(n);
		return m;
	}
	copy_chain(rte_pktmbuf_mtod(n, uint8_t *), m, 0, len);
	n->data_len = (uint16_t)len;
	n->pkt_len = len;
	rte_pktmbuf_free(m);
	return n;
}

/**
 * tcp_deliver - append an in-order payload chain to the pending data (small
 * payloads copied together: pend_coalesce).
 * Return: 0, or -1 (chain freed) when it cannot be chained.
 */
int
tcp_deliver(struct sl_worker *w, struct sl_tcp_conn *c, struct rte_mbuf *m,
	uint32_t len)
{
	m = pend_coalesce(w, c, m, len);
	if (m != NULL && c->pend == NULL) {
		c->pend = m;
	} else if (m != NULL) {
		if (c->pend->nb_segs + m->nb_segs > RTE_MBUF_MAX_NB_SEGS) {
			rte_pktmbuf_free(m);
			return -1;
		}
		/* rte_pktmbuf_chain without its walk to the last segment */
		c->pend_tail->next = m;
		c->pend->nb_segs = (uint16_t)(c->pend->nb_segs + m->nb_segs);
		c->pend->pkt_len += m->pkt_len;
	}
	if (m != NULL)
		c->pend_tail = rte_pktmbuf_lastseg(m);
	c->pend_len += len;
	sl_tcp_w(w)->held += len;
	c->rcv_nxt += len;
	tcp_ring_used(w, c, len);
	return 0;
}

/**
 * tcp_ooo_drain - move now-contiguous out-of-order data to the pending
 * chain.
 */
void
tcp_ooo_drain(struct sl_worker *w, struct sl_tcp_conn *c)
{
	while (c->n_ooo > 0 && SEQ_LE(c->ooo[0].seq, c->rcv_nxt)) {
		struct sl_tcp_ooo o = c->ooo[0];
		uint32_t skip = c->rcv_nxt - o.seq;

		memmove(&c->ooo[0], &c->ooo[1], sizeof(c->ooo[0]) * (c->n_ooo - 1));
		c->n_ooo--;
		c->ooo_bytes -= o.len;
		sl_tcp_w(w)->held -= o.len;
		if (skip >= o.len) {
			rte_pktmbuf_free(o.m);
			continue;
		}
		if (skip > 0)
			o.m = tcp_mbuf_adj(o.m, skip);
		tcp_deliver(w, c, o.m, o.len - skip);
	}
}

/**
 * hold_copy_segs - the main-pool mbufs a copy of the @len payload bytes of
 * guest frame @m would take, when it is to be copied before it is held: it
 * lies in the port's own rx pool and fewer than SL_TCP_RX_COPY_BELOW rx
 * reserves of that pool are left (see the theory of operation).
 * Return: the mbufs, or 0 (held where it lies).
 */
static uint32_t
hold_copy_segs(struct sl_worker *w, const struct rte_mbuf *m, uint32_t len)
{
	uint32_t n;

	if (w->rx_mp == w->mp || m->pool != w->rx_mp ||
	    sl_mp_avail(w, true) >= SL_TCP_RX_COPY_BELOW * w->rx_reserve)
		return 0;
	n = (len + w->seg_room - 1) / w->seg_room;
	return n <= SL_TCP_HOLD_COPY_SEGS ? n : 0;
}

/**
 * hold_copy - copy @len bytes of chain @m, from offset @off, into @n fresh
 * main-pool mbufs (seg_room bytes each, the last the rest).
 * Return: the new chain, or NULL when the pool cannot give them (@m is
 * left alone either way).
 */
static struct rte_mbuf *
hold_copy(struct sl_worker *w, const struct rte_mbuf *m, uint32_t off,
	uint32_t len, uint32_t n)
{
	struct rte_mbuf *seg[SL_TCP_HOLD_COPY_SEGS];
	uint32_t i, done = 0;

	if (sl_alloc_bulk(w, seg, n) != 0)
		return NULL;
	for (i = 0; i < n; i++) {
		uint32_t l = RTE_MIN(len - done, (uint32_t)w->seg_room);

		copy_chain(rte_pktmbuf_mtod(seg[i], uint8_t *), m, off + done,
			l);
		seg[i]->data_len = (uint16_t)l;
		seg[i]->next = i + 1 < n ? seg[i + 1] : NULL;
		done += l;
	}
	seg[0]->nb_segs = (uint16_t)n;
	seg[0]->pkt_len = len;
	return seg[0];
}

/**
 * hold_ok - whether @len in-window bytes in @segs mbufs of pool @mp may be
 * held: out-of-order data (never acknowledged) is dropped first when the
 * bound would refuse them, or the segment that fills the gap could never
 * get in; beyond that they are refused, not ACKed (the guest sends them
 * again), counted in drop_tcp_hold_limit.
 */
static bool
hold_ok(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t segs,
	uint32_t len, const struct rte_mempool *mp)
{
	if (c->n_ooo > 0 && over_hold_limit(w, c, segs, len, mp))
		tcp_ooo_prune(w, c);
	if (!over_hold_limit(w, c, segs, len, mp))
		return true;
	SL_STAT_INC(w->stats, drop_tcp_hold_limit);
	c->ack_now = true;
	return false;
}

/**
 * tcp_hold_take - the @len payload bytes at offset @off of guest frame @m
 * (len > 0), as a chain to hold (pending or out of order), when the hold
 * limit lets them in: @m itself, trimmed to them (zero copy), or, when the
 * rx pool @m lies in runs low, a copy in main-pool mbufs (@m then freed).
 * Return: the chain, or NULL when refused (@m untouched; counted in
 * drop_tcp_hold_limit, an ACK owed).
 */
struct rte_mbuf *
tcp_hold_take(struct sl_worker *w, struct sl_tcp_conn *c, struct rte_mbuf *m,
	uint32_t off, uint32_t len)
{
	uint32_t n = hold_copy_segs(w, m, len);
	struct rte_mbuf *d;

	if (off + len > m->pkt_len)
		return NULL;	/* not from the parser: the bytes lie in @m */
	if (n == 0) {
		if (!hold_ok(w, c, m->nb_segs, len, m->pool))
			return NULL;
		/* off < pkt_len: something stays */
		d = tcp_mbuf_adj(m, off);
		tcp_mbuf_trim(d, len);
		return d;
	}
	if (!hold_ok(w, c, n, len, w->mp))
		return NULL;
	d = hold_copy(w, m, off, len, n);
	if (d == NULL) {
		SL_STAT_INC(w->stats, drop_tcp_hold_limit);
		c->ack_now = true;
		return NULL;
	}
	SL_STAT_INC(w->stats, tcp_hold_copied);
	rte_pktmbuf_free(m);
	return d;
}
