/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_neigh6.c: the IPv6 entries of the neighbour table (sl_neigh.c has the
 * theory of operation): finding, entering and expiring them, and picking
 * the stable address of a guest host a forward reaches over IPv6.
 *
 * Expiry. A guest using temporary (privacy) addresses forms a new one
 * every day or so; entries were never removed, so SL_NEIGH6_MAX of them
 * filled the table and later addresses went unresolved. When the table is
 * full, the queue-0 worker (the only one that enters IPv6 addresses) gives
 * a new address the entry of the address idle longest, if it has gone
 * sl_neigh6_idle_ms() without a frame from it (seen_ms) or to it (used_ms,
 * published by the sending workers at most once a second) and no worker
 * holds frames for it. That idle time is longer than every flow's idle
 * expiry, so no live flow still uses the address. Lookups stay lock-free:
 * the address is rewritten under the entry's sequence count (odd while it
 * is written); a reader that sees the count odd or changed around its read
 * skips the entry, and each worker resets its own view of an entry whose
 * count moved (sl_neigh_poll). The word gets a new generation without
 * VALID, so every worker re-resolves the new address.
 */
#include <inttypes.h>
#include <string.h>

#include <arpa/inet.h>

#include "sl_log.h"
#include "sl_neigh_priv.h"
#include "sl_worker.h"

/* beyond the longest flow idle expiry before an address counts as idle */
#define SL_NEIGH6_IDLE_SLACK_MS	60000

bool
sl_neigh_ent6_read(const struct sl_neigh_shared *s, uint8_t *ip6)
{
	uint32_t seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
	uint32_t v[4];
	unsigned int k;

	if (seq & 1)
		return false;
	/* acquire loads: the re-read of seq below cannot move above them (no
	 * fence: ThreadSanitizer does not model fences) */
	for (k = 0; k < 4; k++)
		v[k] = __atomic_load_n(&s->ip6w[k], __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&s->seq, __ATOMIC_RELAXED) != seq)
		return false;
	memcpy(ip6, v, 16);
	return true;
}

int
sl_neigh_ent_index6(const struct sl_neigh_tab *t, const uint8_t *ip6)
{
	uint32_t i, n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);
	uint8_t a[16];

	for (i = 0; i < n; i++)
		if (t->e[i].v6 && sl_neigh_ent6_read(&t->e[i], a) &&
		    memcmp(a, ip6, 16) == 0)
			return (int)i;
	return -1;
}

uint64_t
sl_neigh6_idle_ms(const struct sl_config *cfg)
{
	return (uint64_t)RTE_MAX(cfg->tcp_idle_timeout_s, cfg->udp_timeout_s) *
		1000 + SL_NEIGH6_IDLE_SLACK_MS;
}

/**
 * idle_victim - the IPv6 entry of @t idle longest, if idle long enough at
 * @now and nothing waits for it (under the table's lock). Return: -1: none.
 */
static int
idle_victim(const struct sl_neigh_tab *t, const struct sl_config *cfg,
	uint64_t now)
{
	uint64_t idle = sl_neigh6_idle_ms(cfg), best = UINT64_MAX;
	uint32_t i;
	int at = -1;

	for (i = 0; i < t->n; i++) {
		const struct sl_neigh_shared *s = &t->e[i];
		uint64_t last = RTE_MAX(RTE_MAX(__atomic_load_n(&s->seen_ms,
			__ATOMIC_RELAXED), __atomic_load_n(&s->used_ms,
			__ATOMIC_RELAXED)), s->born_ms);

		if (!s->v6 || __atomic_load_n(&s->want, __ATOMIC_ACQUIRE) != 0 ||
		    now < last + idle || last >= best)
			continue;
		best = last;
		at = (int)i;
	}
	return at;
}

/**
 * rewrite - give entry @i the new address @ip6 (queue-0 worker, under the
 * lock): the sequence count odd around the write, the word unresolved
 * with a new generation, the times restarted; this worker's view reset.
 */
static void
rewrite(struct sl_worker *w, unsigned int i, const uint8_t *ip6)
{
	struct sl_neigh_shared *s = &w->neigh->tab->e[i];
	uint64_t old = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE);
	uint32_t seq = s->seq, v[4];
	unsigned int k;

	memcpy(v, ip6, 16);
	__atomic_store_n(&s->seq, seq + 1, __ATOMIC_RELAXED);
	/* release stores: the odd count is visible before any of them */
	for (k = 0; k < 4; k++)
		__atomic_store_n(&s->ip6w[k], v[k], __ATOMIC_RELEASE);
	__atomic_store_n(&s->seq, seq + 2, __ATOMIC_RELEASE);
	/* learners only ever set a MAC on top of what they read */
	while (!__atomic_compare_exchange_n(&s->word, &old,
	    sl_neigh_next_gen(old), false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
	__atomic_store_n(&s->seen_ms, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&s->used_ms, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&s->born_ms, w->now_ms, __ATOMIC_RELAXED);
	sl_neigh_ent_reset(w, i);
	w->neigh->ent[i].seq = seq + 2;
}

/**
 * full_log - count and say (at most once per SL_NEIGH_LOG_GAP_MS) that
 * @ip6 found the IPv6 entries full, none idle.
 */
static void
full_log(struct sl_worker *w, const uint8_t *ip6)
{
	char a[INET6_ADDRSTRLEN];

	SL_STAT_INC(w->stats, neigh6_full);
	if (w->neigh->limit6_log_ms != 0 &&
	    w->now_ms - w->neigh->limit6_log_ms < SL_NEIGH_LOG_GAP_MS)
		return;
	w->neigh->limit6_log_ms = w->now_ms;
	inet_ntop(AF_INET6, ip6, a, sizeof(a));
	SL_LOG(PORT, WARNING, "port %u: guest IPv6 address %s refused: the "
		"port has %u IPv6 addresses, none idle for %" PRIu64 " s "
		"(neigh6_full)\n", w->port_id, a, SL_NEIGH6_MAX,
		sl_neigh6_idle_ms(w->cfg) / 1000);
}

int
sl_neigh_ent_add6(struct sl_worker *w, const uint8_t *ip6)
{
	struct sl_neigh_tab *t = w->neigh->tab;
	uint32_t i, n6 = 0;
	int at;

	if (w->queue_id != 0)
		return -1;
	rte_spinlock_lock(&t->lock);
	for (i = 0; i < t->n; i++)
		n6 += t->e[i].v6;
	if (n6 >= SL_NEIGH6_MAX || t->n >= SL_NEIGH_MAX) {
		at = idle_victim(t, w->cfg, w->now_ms);
		if (at >= 0)
			rewrite(w, (unsigned int)at, ip6);
		rte_spinlock_unlock(&t->lock);
		if (at < 0)
			full_log(w, ip6);
		else
			SL_STAT_INC(w->stats, neigh6_evicted);
		return at;
	}
	/* a fresh entry: written before the count publishes it */
	i = t->n;
	t->e[i].v6 = true;
	memcpy(t->e[i].ip6, ip6, 16);
	t->e[i].born_ms = w->now_ms;
	t->ips[i] = 0;
	__atomic_store_n(&t->n, i + 1, __ATOMIC_RELEASE);
	at = (int)i;
	rte_spinlock_unlock(&t->lock);
	return at;
}

/** eui64_of - whether @ip6's interface identifier is EUI-64 of @word's MAC. */
static bool
eui64_of(const uint8_t *ip6, uint64_t word)
{
	struct rte_ether_addr m;
	const uint8_t *b = m.addr_bytes;

	sl_neigh_word_mac(word & W_MAC_MASK, &m);
	return ip6[8] == (b[0] ^ 2) && ip6[9] == b[1] && ip6[10] == b[2] &&
		ip6[11] == 0xff && ip6[12] == 0xfe && ip6[13] == b[3] &&
		ip6[14] == b[4] && ip6[15] == b[5];
}

/**
 * guess6 - the address in the guest prefix @w's guest host most likely
 * holds when none of its global addresses is known yet (a guest that has
 * not spoken from it: duplicate address detection is never learned): the
 * prefix with the interface identifier of its link-local address @ll, else
 * the EUI-64 one of its MAC word @host. The neighbour module resolves it
 * like any address; a guest that lacks it leaves the frames unanswered.
 * Return: false when neither is known.
 */
static bool
guess6(const struct sl_worker *w, const uint8_t *ll, uint64_t host,
	uint8_t *out)
{
	struct rte_ether_addr m;

	memcpy(out, w->cfg->prefix6, 8);
	if (ll != NULL) {
		memcpy(out + 8, ll + 8, 8);
		return true;
	}
	if (!(host & W_VALID))
		return false;
	sl_neigh_word_mac(host & W_MAC_MASK, &m);
	out[8] = m.addr_bytes[0] ^ 2;
	out[9] = m.addr_bytes[1];
	out[10] = m.addr_bytes[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	memcpy(out + 13, m.addr_bytes + 3, 3);
	return true;
}

bool
sl_neigh_guest6(const struct sl_worker *w, uint32_t ip, uint8_t *out)
{
	static const uint8_t ll_prefix[8] = { 0xfe, 0x80 };
	const struct sl_neigh_tab *t = w->neigh->tab;
	uint32_t i, n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);
	uint64_t host = 0, best_born = UINT64_MAX;
	bool found = false, best_eui = false, have_ll = false;
	uint8_t ll[16];

	for (i = 0; i < n && ip != 0; i++)
		if (!t->e[i].v6 && t->e[i].ip == ip)
			host = __atomic_load_n(&t->e[i].word, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++) {
		const struct sl_neigh_shared *s = &t->e[i];
		uint64_t word = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE), born;
		uint8_t a[16];
		bool eui;

		if (!s->v6 || !(word & W_VALID) ||
		    !sl_neigh_ent6_read(s, a) ||
		    ((host & W_VALID) &&
		    (word & W_MAC_MASK) != (host & W_MAC_MASK)))
			continue;
		if (!have_ll && memcmp(a, ll_prefix, 8) == 0) {
			memcpy(ll, a, 16);
			have_ll = true;
		}
		if (memcmp(a, w->cfg->prefix6, 8) != 0)
			continue;
		eui = eui64_of(a, word);
		born = __atomic_load_n(&s->born_ms, __ATOMIC_RELAXED);
		if (found && (best_eui > eui || (best_eui == eui &&
		    born >= best_born)))
			continue;
		memcpy(out, a, 16);
		found = true;
		best_eui = eui;
		best_born = born;
	}
	return found || guess6(w, have_ll ? ll : NULL, host, out);
}
