/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_sack.h: private to lib/tcp. The retransmit queue entry and the
 * SACK scoreboard of one connection (RFC 2018, RFC 6675 simplified), see
 * sl_tcp_rtx.c for the theory of operation.
 */
#ifndef SL_TCP_SACK_H
#define SL_TCP_SACK_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_tcp.h>

#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_LE(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((a) - (b)) > 0)
#define SEQ_GE(a, b) ((int32_t)((a) - (b)) >= 0)

#define SL_TCP_DUPTHRESH	3	/* RFC 6675 DupThresh */
#define SL_TCP_SACK_CACHE	4	/* blocks remembered per connection */

/** One segment sent to the guest and not yet acknowledged. */
struct sl_tcp_rtx {
	struct sl_tcp_rtx *next;
	struct rte_mbuf *m;	/**< the whole frame, referenced */
	uint64_t sent_ms;
	uint32_t seq;
	uint32_t len;		/**< payload bytes */
	uint8_t flags;		/**< TCP flags of the segment */
	bool rexmit;		/**< retransmitted (Karn) */
	bool sacked;		/**< wholly covered by a guest SACK block */
};

/** rtx_end - the sequence number after @e (SYN and FIN count one). */
static inline uint32_t
sl_tcp_rtx_end(const struct sl_tcp_rtx *e)
{
	return e->seq + e->len +
		((e->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG)) ? 1 : 0);
}

/**
 * A range of the queue already marked: every entry wholly inside
 * [l, r) is sacked, and @top is the entry that ends at r.
 */
struct sl_tcp_sack_run {
	uint32_t l, r;
	struct sl_tcp_rtx *top;	/**< NULL: slot unused */
};

/** The SACK scoreboard of one connection. */
struct sl_tcp_sb {
	bool ok;		/**< SACK negotiated */
	uint32_t sacked_segs;	/**< entries marked sacked */
	uint32_t sacked_bytes;	/**< their payload bytes */
	uint32_t high_sacked;	/**< end of the highest sacked entry */
	uint32_t high_rxt;	/**< end of the highest hole resent, episode */
	struct sl_tcp_rtx *scan; /**< next entry the hole scan looks at */
	uint8_t next_run;	/**< run slot replaced next */
	struct sl_tcp_sack_run run[SL_TCP_SACK_CACHE];
};

/**
 * sl_tcp_sack_mark - mark the entries that the guest's SACK blocks cover.
 * @sb: scoreboard
 * @head: first retransmit entry (starts at SND.UNA; the queue is contiguous)
 * @una: SND.UNA
 * @nxt: SND.NXT
 * @blk: blocks as pairs (left, right), host order
 * @n: number of blocks
 *
 * Blocks outside [SND.UNA, SND.NXT], empty or reversed are ignored; an
 * entry is marked only when one block covers it wholly. Work is bounded by
 * the entries newly covered: ranges marked before are remembered
 * (struct sl_tcp_sack_run) and skipped.
 * Return: the number of entries newly marked.
 */
uint32_t sl_tcp_sack_mark(struct sl_tcp_sb *sb, struct sl_tcp_rtx *head,
	uint32_t una, uint32_t nxt, const uint32_t (*blk)[2], unsigned int n);

/**
 * sl_tcp_sack_freed - entry @e leaves the queue (acknowledged): forget it.
 * Call for each entry freed, in order, before it is reused.
 */
void sl_tcp_sack_freed(struct sl_tcp_sb *sb, const struct sl_tcp_rtx *e);

/**
 * sl_tcp_sack_episode - a recovery episode starts: every hole may be
 * resent once more.
 * @sb: scoreboard
 * @una: SND.UNA
 */
void sl_tcp_sack_episode(struct sl_tcp_sb *sb, uint32_t una);

/**
 * sl_tcp_sack_collect - the entries to resend now, at most @max: first
 * resent holes whose retransmission looks lost (still not sacked @lost_ms
 * after it was sent, while later data was sacked: @check_lost), then holes
 * (entries not sacked) below @upto not yet resent in this episode (each
 * moves high_rxt up).
 * @sb: scoreboard
 * @head: first retransmit entry
 * @now: current time, ms
 * @lost_ms: age of a retransmission that counts as lost
 * @check_lost: look for lost retransmissions
 * @upto: end of the hole region (usually the highest sacked sequence)
 * @out: filled with the entries
 * @n_lost: set to how many of @out are lost retransmissions (first ones)
 * @max: capacity of @out
 * Return: number of entries in @out.
 */
unsigned int sl_tcp_sack_collect(struct sl_tcp_sb *sb,
	struct sl_tcp_rtx *head, uint64_t now, uint32_t lost_ms,
	bool check_lost, uint32_t upto, struct sl_tcp_rtx **out,
	unsigned int *n_lost, unsigned int max);

/**
 * sl_tcp_sack_rto - the RTO resent @e (the first entry not sacked): every
 * hole above it may be resent again as the guest's SACKs come in.
 */
void sl_tcp_sack_rto(struct sl_tcp_sb *sb, struct sl_tcp_rtx *e);

/** sl_tcp_sack_first_unsacked - the first entry not sacked, or NULL. */
struct sl_tcp_rtx *sl_tcp_sack_first_unsacked(struct sl_tcp_rtx *head);

#endif /* SL_TCP_SACK_H */
