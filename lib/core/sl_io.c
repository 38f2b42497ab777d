/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_io.c: the worker's I/O layer (sl_io.h): the clock and the tx burst of
 * the frames queued in an iteration, with its backlog.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "sl_io.h"

uint64_t
sl_worker_clock(struct sl_worker *w)
{
	uint64_t cycles = rte_get_timer_cycles();

	if (!w->manual_clock)
		w->now_ms = cycles / w->hz_ms;
	return cycles;
}

void
sl_worker_flush(struct sl_worker *w)
{
	uint16_t sent = 0, i;
	uint64_t bytes = 0;

	if (w->n_tx == 0)
		return;
	/* a few retries absorb a momentarily full tx ring */
	for (i = 0; i < 4 && sent < w->n_tx; i++)
		sent += w->tx_burst(w, w->tx + sent, w->n_tx - sent);
	for (i = 0; i < sent; i++)
		bytes += rte_pktmbuf_pkt_len(w->tx[i]);
	if (sent < w->n_tx) {
		/* the rest waits for the next flush, in order */
		SL_STAT_ADD(w->stats, tx_backlog, w->n_tx - sent);
		/* w->tx holds mbuf pointers: the size of one pointer is meant
		 * (clang-tidy takes it for a mistaken sizeof(A *)) */
		/* NOLINTBEGIN(bugprone-sizeof-expression) */
		memmove(w->tx, w->tx + sent,
			(w->n_tx - sent) * sizeof(w->tx[0]));
		/* NOLINTEND(bugprone-sizeof-expression) */
	}
	SL_STAT_ADD(w->stats, tx_frames, sent);
	SL_STAT_ADD(w->stats, tx_bytes, bytes);
	w->n_tx -= sent;
}

int
sl_worker_tx_full(struct sl_worker *w, struct rte_mbuf *m)
{
	sl_worker_flush(w);
	if (w->n_tx == SL_TX_MAX) {
		SL_STAT_INC(w->stats, tx_dropped);
		rte_pktmbuf_free(m);
		return -1;
	}
	w->tx[w->n_tx++] = m;
	return 0;
}
