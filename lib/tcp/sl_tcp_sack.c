/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_sack.c: the SACK scoreboard of the TCP relay's send side (RFC 2018
 * blocks from the guest, RFC 6675-style hole selection without a
 * congestion window). It only marks and chooses retransmit entries;
 * sl_tcp.c sends them. See the theory of operation in sl_tcp.c.
 */
#include <stddef.h>

#include "sl_tcp_sack.h"

/* entries the lost-retransmission check looks at per call, at most */
#define SL_TCP_SACK_LOST_WALK	64

/**
 * run_from - the remembered run to start marking [@l, @r) from: the one
 * that starts at or below @l and reaches highest (everything it covers is
 * marked already).
 * Return: the run, NULL (start at the head), or the sentinel @none when a
 * run already covers the whole block.
 */
static struct sl_tcp_sack_run *
run_from(struct sl_tcp_sb *sb, uint32_t l, uint32_t r,
	struct sl_tcp_sack_run *none)
{
	struct sl_tcp_sack_run *best = NULL;
	unsigned int i;

	for (i = 0; i < SL_TCP_SACK_CACHE; i++) {
		struct sl_tcp_sack_run *k = &sb->run[i];

		if (k->top == NULL || SEQ_GT(k->l, l))
			continue;
		if (SEQ_LE(r, k->r))
			return none;
		if (best == NULL || SEQ_GT(k->r, best->r))
			best = k;
	}
	return best;
}

/**
 * run_inside - a remembered run, other than @skip, that @seq lies in and
 * that ends at or below @r: the walk may jump to its top.
 */
static struct sl_tcp_sack_run *
run_inside(struct sl_tcp_sb *sb, uint32_t seq, uint32_t r,
	const struct sl_tcp_sack_run *skip)
{
	unsigned int i;

	for (i = 0; i < SL_TCP_SACK_CACHE; i++) {
		struct sl_tcp_sack_run *k = &sb->run[i];

		if (k != skip && k->top != NULL && SEQ_LE(k->l, seq) &&
		    SEQ_LT(seq, k->r) && SEQ_LE(k->r, r))
			return k;
	}
	return NULL;
}

/**
 * run_note - remember that [@l, end of @top) is marked: @best grows when
 * the block continued it, otherwise a free (or the oldest) slot is taken.
 */
static void
run_note(struct sl_tcp_sb *sb, struct sl_tcp_sack_run *best, uint32_t l,
	struct sl_tcp_rtx *top)
{
	struct sl_tcp_sack_run *k = NULL;
	unsigned int i;

	if (best != NULL && SEQ_GE(best->r, l)) {
		k = best;
		l = best->l;
	}
	for (i = 0; k == NULL && i < SL_TCP_SACK_CACHE; i++)
		if (sb->run[i].top == NULL)
			k = &sb->run[i];
	if (k == NULL) {
		k = &sb->run[sb->next_run];
		sb->next_run = (uint8_t)((sb->next_run + 1) % SL_TCP_SACK_CACHE);
	}
	k->l = l;
	k->r = sl_tcp_rtx_end(top);
	k->top = top;
}

/**
 * mark_block - mark the entries wholly inside [@l, @r) (already checked
 * against SND.UNA and SND.NXT).
 * Return: entries newly marked.
 */
static uint32_t
mark_block(struct sl_tcp_sb *sb, struct sl_tcp_rtx *head, uint32_t l,
	uint32_t r)
{
	struct sl_tcp_sack_run none, *best, *k;
	struct sl_tcp_rtx *e, *top = NULL;
	uint32_t newly = 0;

	best = run_from(sb, l, r, &none);
	if (best == &none)
		return 0;
	e = best != NULL ? best->top->next : head;
	for (; e != NULL && SEQ_LT(e->seq, r); e = e->next) {
		if (SEQ_GT(sl_tcp_rtx_end(e), r))
			break;		/* partly covered: not sacked */
		if (SEQ_LT(e->seq, l))
			continue;
		k = run_inside(sb, e->seq, r, best);
		if (k != NULL) {
			/* marked before: jump to its top, the run merges */
			e = k->top;
			k->top = NULL;
		} else if (!e->sacked) {
			e->sacked = true;
			sb->sacked_segs++;
			sb->sacked_bytes += e->len;
			newly++;
		}
		top = e;
	}
	if (top == NULL)
		return newly;
	if (newly > 0 && (sb->sacked_segs == newly ||
	    SEQ_GT(sl_tcp_rtx_end(top), sb->high_sacked)))
		sb->high_sacked = sl_tcp_rtx_end(top);
	run_note(sb, best, l, top);
	return newly;
}

uint32_t
sl_tcp_sack_mark(struct sl_tcp_sb *sb, struct sl_tcp_rtx *head,
	uint32_t una, uint32_t nxt, const uint32_t (*blk)[2], unsigned int n)
{
	uint32_t newly = 0;
	unsigned int i;

	for (i = 0; i < n && head != NULL; i++) {
		uint32_t l = blk[i][0], r = blk[i][1];

		/* empty or reversed, below SND.UNA (D-SACK), beyond SND.NXT */
		if (SEQ_LE(r, l) || SEQ_LE(r, una) || SEQ_GT(r, nxt))
			continue;
		if (SEQ_LT(l, una))
			l = una;
		newly += mark_block(sb, head, l, r);
	}
	return newly;
}

void
sl_tcp_sack_freed(struct sl_tcp_sb *sb, const struct sl_tcp_rtx *e)
{
	unsigned int i;

	if (e->sacked) {
		sb->sacked_segs--;
		sb->sacked_bytes -= e->len;
	}
	if (sb->scan == e)
		sb->scan = NULL;
	for (i = 0; i < SL_TCP_SACK_CACHE; i++)
		if (sb->run[i].top == e)
			sb->run[i].top = NULL;
}

void
sl_tcp_sack_episode(struct sl_tcp_sb *sb, uint32_t una)
{
	sb->high_rxt = una;
	sb->scan = NULL;
}

/**
 * lost_rxt - resent holes (below high_rxt) whose retransmission is older
 * than @lost_ms and still not sacked, oldest first. Holes are first resent
 * in sequence order, so the walk stops at the first one that is recent.
 */
static unsigned int
lost_rxt(const struct sl_tcp_sb *sb, struct sl_tcp_rtx *head, uint64_t now,
	uint32_t lost_ms, struct sl_tcp_rtx **out, unsigned int max)
{
	unsigned int n = 0, walk = 0;
	struct sl_tcp_rtx *e;

	for (e = head; e != NULL && n < max && walk < SL_TCP_SACK_LOST_WALK &&
	    SEQ_LT(e->seq, sb->high_rxt); e = e->next, walk++) {
		if (e->sacked)
			continue;
		if (now - e->sent_ms < lost_ms)
			break;
		out[n++] = e;
	}
	return n;
}

unsigned int
sl_tcp_sack_collect(struct sl_tcp_sb *sb, struct sl_tcp_rtx *head,
	uint64_t now, uint32_t lost_ms, bool check_lost, uint32_t upto,
	struct sl_tcp_rtx **out, unsigned int *n_lost, unsigned int max)
{
	struct sl_tcp_rtx *prev = sb->scan, *e;
	unsigned int n = 0;

	if (check_lost)
		n = lost_rxt(sb, head, now, lost_ms, out, max);
	*n_lost = n;
	e = prev != NULL ? prev->next : head;
	/* the scan's entry was acknowledged: skip what was resent already */
	for (; prev == NULL && e != NULL && SEQ_LT(e->seq, sb->high_rxt);
	    e = e->next)
		sb->scan = e;
	prev = sb->scan;
	for (; e != NULL && n < max && SEQ_LT(e->seq, upto); e = e->next) {
		if (!e->sacked) {
			out[n++] = e;
			sb->high_rxt = sl_tcp_rtx_end(e);
		}
		prev = e;
	}
	sb->scan = prev;
	return n;
}

void
sl_tcp_sack_rto(struct sl_tcp_sb *sb, struct sl_tcp_rtx *e)
{
	sb->high_rxt = sl_tcp_rtx_end(e);
	sb->scan = e;
}

struct sl_tcp_rtx *
sl_tcp_sack_first_unsacked(struct sl_tcp_rtx *head)
{
	while (head != NULL && head->sacked)
		head = head->next;
	return head;
}
