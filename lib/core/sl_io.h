/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_io.h: the worker's I/O layer, which knows no protocol: the tx queue
 * of one iteration (sl_tx, sl_tx_room, sl_worker_flush: one tx burst per
 * iteration, a backlog the port did not take goes first in the next), the
 * mbuf allocator (sl_alloc) and the clock (sl_worker_clock). Every protocol
 * module builds its frames with these.
 */
#ifndef SL_IO_H
#define SL_IO_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "sl_stats.h"
#include "sl_worker.h"

/**
 * sl_worker_flush - hand the queued frames to the port. What its tx burst
 * does not take (after a few tries) stays queued, in order, and goes first
 * in the next flush (the tx backlog, counted in tx_backlog): a frame
 * refused locally is never lost.
 */
void sl_worker_flush(struct sl_worker *w);

/**
 * sl_worker_tx_full - sl_tx() with the queue full: flush, and if the port
 * still takes nothing, drop @m (counted in tx_dropped).
 * Return: 0 when @m was queued, -1 when it was dropped (freed).
 */
int sl_worker_tx_full(struct sl_worker *w, struct rte_mbuf *m);

/**
 * sl_tx - queue a frame for this iteration's tx burst (flushes early only
 * when SL_TX_MAX frames are already queued).
 * Return: 0, or -1 when the queue stayed full and @m was dropped (freed).
 */
static inline int
sl_tx(struct sl_worker *w, struct rte_mbuf *m)
{
	if (unlikely(w->n_tx == SL_TX_MAX))
		return sl_worker_tx_full(w, m);
	w->tx[w->n_tx++] = m;
	return 0;
}

/**
 * sl_tx_ready - whether one more frame can be queued now (flushing first
 * when the queue is full): a frame that must not be lost is built only
 * then.
 */
static inline bool
sl_tx_ready(struct sl_worker *w)
{
	if (unlikely(w->n_tx == SL_TX_MAX))
		sl_worker_flush(w);
	return w->n_tx < SL_TX_MAX;
}

/**
 * sl_tx_room - data frames a flow may still produce in this iteration: the
 * queue (the backlog the port has not taken included) up to w->tx_data_max
 * (at most what it holds less the part kept for control frames). Output
 * that would not fit waits in the host socket.
 */
static inline uint16_t
sl_tx_room(const struct sl_worker *w)
{
	return w->n_tx < w->tx_data_max ?
		(uint16_t)(w->tx_data_max - w->n_tx) : 0;
}

/**
 * sl_mp_avail - mbufs left in the worker's pool (@rx: in the pool guest
 * frames arrive in), counted once per iteration (rte_mempool_avail_count
 * walks every lcore's cache) and lowered by what sl_mp_took() reports since.
 * Frees later in the iteration are not seen (a low estimate: TCP waits a
 * little early); other allocations neither, a few per flow at most, well
 * within the reserve the callers compare it with.
 */
static inline uint32_t
sl_mp_avail(struct sl_worker *w, bool rx)
{
	unsigned int i = rx && w->rx_mp != w->mp;

	if (w->mp_avail_iter[i] != w->iter || w->iter == 0) {
		w->mp_avail[i] = rte_mempool_avail_count(i ? w->rx_mp : w->mp);
		w->mp_avail_iter[i] = w->iter;
	}
	return w->mp_avail[i];
}

/** sl_mp_took - @n mbufs were taken from the worker's pool (sl_mp_avail). */
static inline void
sl_mp_took(struct sl_worker *w, uint32_t n)
{
	w->mp_avail[0] -= RTE_MIN(n, w->mp_avail[0]);
}

/** sl_alloc - a fresh mbuf from the worker's pool, or NULL (counted). */
static inline struct rte_mbuf *
sl_alloc(struct sl_worker *w)
{
	struct rte_mbuf *m;

	if (unlikely(w->fail_allocs > 0)) {	/* fault injection (tests) */
		w->fail_allocs--;
		m = NULL;
	} else {
		m = rte_pktmbuf_alloc(w->mp);
	}
	if (m == NULL)
		SL_STAT_INC(w->stats, drop_nomem);
	return m;
}

/**
 * sl_alloc_bulk - @n fresh mbufs from the worker's pool into @m, all or
 * none (counted in drop_nomem), reported to sl_mp_took().
 * Return: 0 or -1.
 */
static inline int
sl_alloc_bulk(struct sl_worker *w, struct rte_mbuf **m, unsigned int n)
{
	int rc;

	if (unlikely(w->fail_allocs > 0)) {	/* fault injection (tests) */
		w->fail_allocs--;
		rc = -ENOMEM;
	} else {
		rc = rte_pktmbuf_alloc_bulk(w->mp, m, n);
	}
	if (rc != 0) {
		SL_STAT_INC(w->stats, drop_nomem);
		return -1;
	}
	sl_mp_took(w, n);
	return 0;
}

#endif /* SL_IO_H */
