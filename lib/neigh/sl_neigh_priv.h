/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_neigh_priv.h: what the neighbour module's files share: the layout of
 * an entry's word, and the IPv6 entries' calls (sl_neigh6.c) the common
 * part (sl_neigh.c) uses. Private to lib/neigh.
 */
#ifndef SL_NEIGH_PRIV_H
#define SL_NEIGH_PRIV_H

#include "sl_neigh.h"

#define W_VALID		(1ULL << 63)
#define W_GEN_SHIFT	48
#define W_GEN_MASK	0x7fffULL
#define W_MAC_MASK	((1ULL << W_GEN_SHIFT) - 1)

#define SL_NEIGH_LOG_GAP_MS	10000		/* between two log lines */

/** sl_neigh_word_mac - the MAC of an entry word. */
static inline void
sl_neigh_word_mac(uint64_t v, struct rte_ether_addr *mac)
{
	int k;

	for (k = 0; k < RTE_ETHER_ADDR_LEN; k++)
		mac->addr_bytes[k] = (uint8_t)(v >> (8 * k));
}

/** sl_neigh_next_gen - the generation bits after those of @word. */
static inline uint64_t
sl_neigh_next_gen(uint64_t word)
{
	return (((word >> W_GEN_SHIFT) + 1) & W_GEN_MASK) << W_GEN_SHIFT;
}

/**
 * sl_neigh_ent6_read - IPv6 entry @s's address into @ip6 (16 bytes), as
 * one consistent value (any thread).
 * Return: false while the queue-0 worker rewrites it (the caller skips
 * the entry: it is an address being replaced).
 */
bool sl_neigh_ent6_read(const struct sl_neigh_shared *s, uint8_t *ip6);

/** sl_neigh_ent_index6 - the entry of guest IPv6 address @ip6, or -1. */
int sl_neigh_ent_index6(const struct sl_neigh_tab *t, const uint8_t *ip6);

/**
 * sl_neigh_ent_add6 - enter guest IPv6 address @ip6 (queue-0 worker only),
 * in a new entry or an idle one's.
 * Return: its index, or -1 (table full: counted and logged; or not the
 * queue-0 worker).
 */
int sl_neigh_ent_add6(struct sl_worker *w, const uint8_t *ip6);

/**
 * sl_neigh_ent_reset - forget worker @w's view of entry @i (its address
 * changed): held frames dropped (counted), counters and state zeroed, its
 * want bit cleared; the next poll adopts the entry afresh.
 */
void sl_neigh_ent_reset(struct sl_worker *w, unsigned int i);

#endif /* SL_NEIGH_PRIV_H */
