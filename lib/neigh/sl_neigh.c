/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_neigh.c: the guest's link layer: which MAC each guest address is at.
 *
 * Theory of operation
 * -------------------
 * sluice is the guest's router, so it resolves the guest's address as a
 * router does instead of waiting for the guest to speak first (frames to an
 * unknown guest used to go to ff:ff:ff:ff:ff:ff, and Linux TCP drops
 * unicast IP that arrives as L2 broadcast).
 *
 * The table. Each port has one small table keyed by guest IPv4 address,
 * an entry per host of the port (the configured guest address first; then
 * every address DHCP leases, a host sends from or a forward targets, up to
 * --max-hosts: sl_neigh_add, appending under the table's lock): a struct
 * sl_neigh_tab, the worker's own on a single-queue port, the steering
 * state's on a multi-queue port, shared by the port's workers. An entry's
 * state that every worker needs is one 64-bit word, written only with an
 * atomic compare-and-swap: the MAC in bits 0-47, a generation in bits 48-62
 * (bumped on every change) and VALID in bit 63. Next to it: seen_ms, the
 * last time any worker saw a frame from the guest (each worker stores it at
 * most once a second), and want, a bit per worker that holds frames for the
 * address plus a PROBE bit. Each worker keeps its own copy of the word
 * (struct sl_neigh_ent) and compares it with the shared one once per poll
 * iteration (sl_neigh_poll: one load per entry); sending a frame reads only
 * the worker's copy. No lock, no per-packet walk over other workers.
 *
 * Learning. Every worker learns from what it receives: an ARP packet's
 * sender (sl_arp.c), a DHCP client's chaddr for the address it is leased
 * (sl_dhcp.c) and an IP frame's source (the classifier). The same MAC
 * confirms the entry; a new or changed one is published at once
 * (neigh_resolved, neigh_changed) and reaches the other workers in their
 * next iteration.
 *
 * Resolving. The port's queue-0 worker (which receives the guest's ARP and
 * DHCP on a multi-queue port) is the entry's resolver. An unresolved entry
 * is solicited with a broadcast ARP request for the guest address, from
 * the gateway address: at once when the worker starts or the port's link
 * comes up (sl_neigh_start), and whenever a worker has frames waiting for
 * it. Requests are at least SL_NEIGH_RETRANS_MS apart; while frames wait
 * they repeat at that pace, otherwise they back off (1, 2, 4, 8 s) and stop
 * after SL_NEIGH_MCAST_TRIES until something needs the guest again. Counted
 * in arp_req_sent.
 *
 * Holding. A frame for an unresolved address is held by the worker that
 * built it (at most SL_NEIGH_HOLD per address, as Linux's unres_qlen; the
 * oldest goes first, and none waits more than SL_NEIGH_HOLD_MS, both
 * counted in drop_neigh_unres) and leaves, unicast, in the iteration in
 * which that worker adopts the resolved MAC.
 *
 * Staleness, as Linux's NUD_STALE: an entry unconfirmed for
 * SL_NEIGH_REACHABLE_MS stays in use, and the next frame sent to it asks
 * the resolver (PROBE bit) to re-verify it with unicast ARP requests to the
 * old MAC; a reply, or any frame from the guest, confirms it; after
 * SL_NEIGH_UCAST_TRIES unanswered the entry becomes unresolved again
 * (neigh_failed), its frames are held and broadcast requests follow.
 *
 * The protocol-specific part is solicit(): ARP for IPv4, a neighbour
 * solicitation (RFC 4861 7.2) for IPv6 entries, multicast to the
 * address's solicited-node group or unicast to the old MAC for a stale
 * one, from the gateway's link-local address. IPv6 entries are not
 * configured but learned (the guest picks its addresses: SLAAC, privacy
 * extensions, link-local): the queue-0 worker, which receives neighbour
 * discovery, appends them (the address written before the entry count is
 * published), and gives the entry of an idle one to a new address when
 * they are full (sl_neigh6.c, "Expiry"); other workers only look them up.
 * Nothing else here knows the protocol.
 */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>

#include <rte_arp.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "sl_frag.h"
#include "sl_io.h"
#include "sl_log.h"
#include "sl_neigh_priv.h"
#include "sl_net.h"
#include "sl_net6.h"
#include "sl_proto.h"
#include "sl_steer.h"

#define SL_NEIGH_WANT_PROBE	(1u << 31)	/* re-verify a stale entry */

/* resolver states (queue-0 worker) */
enum {
	S_IDLE,		/* nothing to do */
	S_SOLICIT,	/* unresolved: broadcast requests */
	S_PROBE,	/* stale: unicast requests to the old MAC */
};

static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

/** mac_to_word - a MAC in bits 0-47 of an entry word. */
static uint64_t
mac_to_word(const struct rte_ether_addr *mac)
{
	uint64_t v = 0;
	int k;

	for (k = RTE_ETHER_ADDR_LEN - 1; k >= 0; k--)
		v = (v << 8) | mac->addr_bytes[k];
	return v;
}

/** ent_index - the entry of guest address @ip, or -1. */
static inline int
ent_index(const struct sl_neigh_tab *t, uint32_t ip)
{
	uint32_t i, n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);

	if (unlikely(ip == 0))	/* the packed slot of an IPv6 entry */
		return -1;
	for (i = 0; i < n; i++)
		if (t->ips[i] == ip)
			return (int)i;
	return -1;
}

bool
sl_neigh_is_host_addr(const struct sl_config *cfg, uint32_t ip)
{
	uint8_t plen = cfg->prefix_len > 32 ? 32 : cfg->prefix_len;
	uint32_t mask = plen == 0 ? 0 : UINT32_MAX << (32 - plen);
	uint32_t h = rte_be_to_cpu_32(ip);
	uint32_t net = rte_be_to_cpu_32(cfg->gateway) & mask;

	return (h & mask) == net && h != net && h != (net | ~mask) &&
		ip != cfg->gateway && ip != cfg->dns;
}

/** limit_log - say (rate-limited) that @ip found the host table full. */
static void
limit_log(struct sl_worker *w, uint32_t ip)
{
	const uint8_t *a = (const uint8_t *)&ip;

	SL_STAT_INC(w->stats, hosts_limit);
	if (w->neigh->limit_log_ms != 0 &&
	    w->now_ms - w->neigh->limit_log_ms < SL_NEIGH_LOG_GAP_MS)
		return;
	w->neigh->limit_log_ms = w->now_ms;
	SL_LOG(PORT, WARNING, "port %u: host %u.%u.%u.%u refused: the port "
		"has its --max-hosts %u hosts (hosts_limit)\n", w->port_id,
		a[0], a[1], a[2], a[3], w->cfg->max_hosts);
}

int
sl_neigh_add(struct sl_worker *w, uint32_t ip)
{
	struct sl_neigh_tab *t = w->neigh->tab;
	uint32_t cap = w->cfg->max_hosts == 0 ||
		w->cfg->max_hosts > SL_NEIGH_MAX ? SL_NEIGH_MAX :
		w->cfg->max_hosts;
	int i;

	if (!sl_neigh_is_host_addr(w->cfg, ip))
		return -1;
	i = ent_index(t, ip);
	if (i >= 0)
		return i;
	if (__atomic_load_n(&t->n, __ATOMIC_ACQUIRE) >= cap) {
		limit_log(w, ip);	/* full: no lock per refused frame */
		return -1;
	}
	rte_spinlock_lock(&t->lock);
	i = ent_index(t, ip);
	if (i < 0 && t->n4 < cap && t->n < SL_NEIGH_MAX) {
		i = (int)t->n;
		t->e[i].ip = ip;
		t->ips[i] = ip;
		t->n4++;
		__atomic_store_n(&t->n, t->n + 1, __ATOMIC_RELEASE);
	}
	rte_spinlock_unlock(&t->lock);
	if (i < 0)
		limit_log(w, ip);
	return i;
}

/**
 * neigh_log - log one line about entry @i, at most once per
 * SL_NEIGH_LOG_GAP_MS per entry and worker (the guest can trigger these).
 */
static void
neigh_log(struct sl_worker *w, unsigned int i, const char *what,
	const struct rte_ether_addr *mac)
{
	struct sl_neigh_ent *e = &w->neigh->ent[i];
	const struct sl_neigh_shared *s = &w->neigh->tab->e[i];
	char buf[RTE_ETHER_ADDR_FMT_SIZE] = "";
	char a[INET6_ADDRSTRLEN];

	if (e->log_ms != 0 && w->now_ms - e->log_ms < SL_NEIGH_LOG_GAP_MS)
		return;
	e->log_ms = w->now_ms;
	if (mac != NULL)
		rte_ether_format_addr(buf, sizeof(buf), mac);
	if (s->v6) {
		uint8_t ip6[16];

		if (!sl_neigh_ent6_read(s, ip6))
			return;		/* being given a new address */
		inet_ntop(AF_INET6, ip6, a, sizeof(a));
	} else
		inet_ntop(AF_INET, &s->ip, a, sizeof(a));
	SL_LOG(PORT, INFO, "port %u: guest %s %s %s\n", w->port_id, a, what,
		buf);
}

/** want_clear - drop worker @w's want bit of entry @i (nothing held). */
static void
want_clear(struct sl_worker *w, unsigned int i)
{
	struct sl_neigh_ent *e = &w->neigh->ent[i];

	if (!e->want_set)
		return;
	e->want_set = false;
	__atomic_fetch_and(&w->neigh->tab->e[i].want, ~(1u << w->queue_id),
		__ATOMIC_RELEASE);
}

/** release_held - send every frame held for entry @i, to its MAC. */
static void
release_held(struct sl_worker *w, unsigned int i)
{
	struct sl_neigh_ent *e = &w->neigh->ent[i];

	while (e->nheld > 0) {
		struct rte_mbuf *m = e->held[e->head].m;

		rte_ether_addr_copy(&e->mac, &rte_pktmbuf_mtod(m,
			struct rte_ether_hdr *)->dst_addr);
		sl_frag_tx_dgram(w, m);
		e->head = (uint16_t)((e->head + 1) % SL_NEIGH_HOLD);
		e->nheld--;
	}
	want_clear(w, i);
}

/**
 * adopt - make shared @word worker @w's view of entry @i; a resolved MAC
 * releases the frames held for it.
 */
static void
adopt(struct sl_worker *w, unsigned int i, uint64_t word)
{
	struct sl_neigh_ent *e = &w->neigh->ent[i];

	e->word = word;
	e->probe_asked = false;
	e->known = (word & W_VALID) != 0;
	if (!e->known)
		return;
	sl_neigh_word_mac(word & W_MAC_MASK, &e->mac);
	e->state = S_IDLE;
	e->tries = 0;
	release_held(w, i);
}

/**
 * confirm - a frame from entry @i's guest arrived: note it, and publish it
 * to the port's workers at most once per SL_NEIGH_RETRANS_MS.
 */
static void
confirm(struct sl_worker *w, unsigned int i)
{
	struct sl_neigh_ent *e = &w->neigh->ent[i];

	e->seen_ms = w->now_ms;
	e->probe_asked = false;
	if (w->now_ms - e->seen_pub < SL_NEIGH_RETRANS_MS && e->seen_pub != 0)
		return;
	e->seen_pub = w->now_ms;
	__atomic_store_n(&w->neigh->tab->e[i].seen_ms, w->now_ms,
		__ATOMIC_RELAXED);
}

/**
 * publish - entry @i is at @mac: write the shared word (a compare-and-swap,
 * so concurrent learners on other workers each see one consistent value)
 * and adopt it here.
 */
static void
publish(struct sl_worker *w, unsigned int i, const struct rte_ether_addr *mac)
{
	struct sl_neigh_shared *s = &w->neigh->tab->e[i];
	uint64_t old = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE);
	uint64_t mw = mac_to_word(mac), nw;

	do {
		if ((old & W_VALID) && (old & W_MAC_MASK) == mw) {
			adopt(w, i, old);	/* another worker was first */
			return;
		}
		nw = W_VALID | sl_neigh_next_gen(old) | mw;
	} while (!__atomic_compare_exchange_n(&s->word, &old, nw, false,
		__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	if (old & W_VALID) {
		SL_STAT_INC(w->stats, neigh_changed);
		neigh_log(w, i, "moved to", mac);
	} else {
		SL_STAT_INC(w->stats, neigh_resolved);
		neigh_log(w, i, "is at", mac);
	}
	adopt(w, i, nw);
}

/**
 * invalidate - entry @i's MAC no longer answers: mark it unresolved for
 * every worker, unless another worker learned a MAC meanwhile.
 */
static void
invalidate(struct sl_worker *w, unsigned int i)
{
	struct sl_neigh_shared *s = &w->neigh->tab->e[i];
	struct sl_neigh_ent *e = &w->neigh->ent[i];
	uint64_t old = e->word, nw = sl_neigh_next_gen(old);

	if (__atomic_compare_exchange_n(&s->word, &old, nw, false,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		SL_STAT_INC(w->stats, neigh_failed);
		neigh_log(w, i, "no longer answers at", &e->mac);
		old = nw;
	}
	adopt(w, i, old);
	if (!e->known) {
		e->state = S_SOLICIT;
		e->tries = 0;
		e->next_ms = 0;
	}
}

/**
 * arp_solicit - send an ARP request for @ip from the gateway address:
 * broadcast, or to @ucast (re-verifying a stale entry).
 */
static void
arp_solicit(struct sl_worker *w, uint32_t ip,
	const struct rte_ether_addr *ucast)
{
	struct rte_mbuf *m = sl_alloc(w);

	if (m == NULL)
		return;
	if (sl_net_build_arp(m, RTE_ARP_OP_REQUEST,
	    ucast != NULL ? ucast : &bcast_mac, &w->gw_mac, w->cfg->gateway,
	    NULL, ip) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return;
	}
	SL_STAT_INC(w->stats, arp_req_sent);
	sl_tx(w, m);
}

/**
 * ns_solicit - send a neighbour solicitation for @ip6 from the gateway's
 * link-local address: to its solicited-node group, or to @ucast.
 */
static void
ns_solicit(struct sl_worker *w, const uint8_t *ip6,
	const struct rte_ether_addr *ucast)
{
	struct rte_mbuf *m = sl_alloc(w);

	if (m == NULL)
		return;
	if (sl_net6_build_ns(m, &w->gw_mac, w->gw_ll6, ip6, ucast) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return;
	}
	SL_STAT_INC(w->stats, ndp_ns_sent);
	sl_tx(w, m);
}

/**
 * solicit - ask entry @i's guest for its MAC (@ucast: verify this one).
 * The one protocol-specific step: ARP for IPv4 entries.
 */
static void
solicit(struct sl_worker *w, unsigned int i,
	const struct rte_ether_addr *ucast)
{
	const struct sl_neigh_shared *s = &w->neigh->tab->e[i];

	w->neigh->ent[i].last_req_ms = w->now_ms;
	if (s->v6)
		ns_solicit(w, s->ip6, ucast);
	else
		arp_solicit(w, s->ip, ucast);
}

/**
 * stale - whether @e went unconfirmed for SL_NEIGH_REACHABLE_MS at @now
 * (another worker's confirmation may be a little ahead of this clock).
 */
static inline bool
stale(const struct sl_neigh_ent *e, uint64_t now)
{
	return e->seen_ms + SL_NEIGH_REACHABLE_MS <= now;
}

/** earliest - when the resolver may send its next request for @e. */
static uint64_t
earliest(const struct sl_neigh_ent *e)
{
	return e->last_req_ms != 0 ? e->last_req_ms + SL_NEIGH_RETRANS_MS : 0;
}

/**
 * probe_tick - resolver, known entry @i: start re-verifying it when a
 * worker found it stale in use, and run the unicast checks.
 */
static void
probe_tick(struct sl_worker *w, unsigned int i, uint32_t want)
{
	struct sl_neigh_shared *s = &w->neigh->tab->e[i];
	struct sl_neigh_ent *e = &w->neigh->ent[i];
	uint64_t now = w->now_ms;

	if (e->state != S_PROBE) {
		if (!(want & SL_NEIGH_WANT_PROBE))
			return;
		__atomic_fetch_and(&s->want, ~SL_NEIGH_WANT_PROBE,
			__ATOMIC_RELEASE);
		if (!stale(e, now))
			return;
		e->state = S_PROBE;
		e->tries = 0;
		e->probe_seen = e->seen_ms;
		e->next_ms = earliest(e);
	}
	if (e->seen_ms > e->probe_seen) {
		e->state = S_IDLE;	/* the guest answered */
		return;
	}
	if (now < e->next_ms)
		return;
	if (e->tries >= SL_NEIGH_UCAST_TRIES) {
		invalidate(w, i);
		return;
	}
	solicit(w, i, &e->mac);
	e->tries++;
	e->next_ms = now + SL_NEIGH_RETRANS_MS;
}

/**
 * resolve - resolver (queue-0 worker), entry @i: send the requests that
 * are due. @kick: a round was asked for (start, link up).
 */
static void
resolve(struct sl_worker *w, unsigned int i, bool kick)
{
	struct sl_neigh_ent *e = &w->neigh->ent[i];
	uint32_t want = __atomic_load_n(&w->neigh->tab->e[i].want,
		__ATOMIC_ACQUIRE);
	uint64_t now = w->now_ms, first;
	bool demand;

	if (e->known) {
		probe_tick(w, i, want);
		return;
	}
	demand = (want & ~SL_NEIGH_WANT_PROBE) != 0;
	if (e->state != S_SOLICIT || kick) {
		if (!demand && !kick)
			return;
		e->state = S_SOLICIT;
		e->tries = 0;
		e->next_ms = 0;
	}
	first = earliest(e);
	if (demand && e->next_ms > first)
		e->next_ms = first;	/* frames wait: no backoff */
	if (now < e->next_ms || now < first)
		return;
	if (e->tries >= SL_NEIGH_MCAST_TRIES && !demand) {
		e->state = S_IDLE;	/* until something needs it */
		return;
	}
	solicit(w, i, NULL);
	if (e->tries < UINT8_MAX)
		e->tries++;
	e->next_ms = now + (demand ? SL_NEIGH_RETRANS_MS :
		RTE_MIN((uint64_t)SL_NEIGH_RETRANS_MS <<
		RTE_MIN(e->tries - 1, 3), (uint64_t)SL_NEIGH_BACKOFF_MAX_MS));
}

/** expire_held - drop entry @i's frames held longer than allowed. */
static void
expire_held(struct sl_worker *w, unsigned int i)
{
	struct sl_neigh_ent *e = &w->neigh->ent[i];
	unsigned int dropped = 0;

	while (e->nheld > 0 && w->now_ms - e->held[e->head].since_ms >=
	    SL_NEIGH_HOLD_MS) {
		rte_pktmbuf_free(e->held[e->head].m);
		e->head = (uint16_t)((e->head + 1) % SL_NEIGH_HOLD);
		e->nheld--;
		dropped++;
	}
	if (dropped == 0)
		return;
	SL_STAT_ADD(w->stats, drop_neigh_unres, dropped);
	neigh_log(w, i, "does not answer ARP or NDP: frames for it dropped "
		"(drop_neigh_unres)", NULL);
	if (e->nheld == 0)
		want_clear(w, i);
}

void
sl_neigh_ent_reset(struct sl_worker *w, unsigned int i)
{
	struct sl_neigh_ent *e = &w->neigh->ent[i];

	SL_STAT_ADD(w->stats, drop_neigh_unres, e->nheld);
	while (e->nheld > 0) {
		rte_pktmbuf_free(e->held[e->head].m);
		e->head = (uint16_t)((e->head + 1) % SL_NEIGH_HOLD);
		e->nheld--;
	}
	want_clear(w, i);
	memset(e, 0, sizeof(*e));
}

int
sl_neigh_bind(struct sl_worker *w)
{
	struct sl_neigh *nb;
	struct sl_neigh_tab *t;

	if (w->neigh == NULL)
		w->neigh = rte_zmalloc("sl_neigh", sizeof(*w->neigh),
			RTE_CACHE_LINE_SIZE);
	/* the port's shared table: made when its first worker binds (the
	 * workers are set up one after the other), freed with the steering
	 * state */
	if (w->steer != NULL && w->steer->neigh == NULL)
		w->steer->neigh = rte_zmalloc("sl_neigh_tab",
			sizeof(*w->steer->neigh), RTE_CACHE_LINE_SIZE);
	if (w->neigh == NULL || (w->steer != NULL && w->steer->neigh == NULL))
		return -ENOMEM;
	nb = w->neigh;
	t = w->steer != NULL ? w->steer->neigh : &nb->own;
	if (nb->tab != NULL)
		sl_neigh_fini(w);
	memset(nb->ent, 0, sizeof(nb->ent));
	nb->tab = t;
	if (t->n == 0)
		rte_spinlock_init(&t->lock);
	sl_neigh_add(w, w->cfg->guest_addr);
	sl_neigh_start(w);
	return 0;
}

void
sl_neigh_start(struct sl_worker *w)
{
	__atomic_store_n(&w->neigh->tab->kick, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&w->neigh->tab->link_gen, 1, __ATOMIC_RELEASE);
}

void
sl_neigh_fini(struct sl_worker *w)
{
	uint32_t i;

	if (w->neigh == NULL || w->neigh->tab == NULL)
		return;
	for (i = 0; i < w->neigh->tab->n; i++) {
		struct sl_neigh_ent *e = &w->neigh->ent[i];

		while (e->nheld > 0) {
			rte_pktmbuf_free(e->held[e->head].m);
			e->head = (uint16_t)((e->head + 1) % SL_NEIGH_HOLD);
			e->nheld--;
		}
		want_clear(w, i);
	}
}

/**
 * learn_at - entry @i's host is at @mac: confirm it, or publish the new
 * MAC (a MAC that cannot be a host's is ignored).
 */
static void
learn_at(struct sl_worker *w, int i, const struct rte_ether_addr *mac)
{
	struct sl_neigh_ent *e = &w->neigh->ent[i];

	if (likely(e->known && rte_is_same_ether_addr(&e->mac, mac))) {
		confirm(w, (unsigned int)i);
		return;
	}
	if (!rte_is_valid_assigned_ether_addr(mac))
		return;
	publish(w, (unsigned int)i, mac);
	confirm(w, (unsigned int)i);
}

void
sl_neigh_learn(struct sl_worker *w, uint32_t ip,
	const struct rte_ether_addr *mac)
{
	int i = ent_index(w->neigh->tab, ip);

	/* a host new to the port (ARP from a static address, a lease) */
	if (i < 0 && rte_is_valid_assigned_ether_addr(mac))
		i = sl_neigh_add(w, ip);
	if (i >= 0)
		learn_at(w, i, mac);
}

/**
 * neigh_rx6 - the learn6 hook: a frame of @len bytes (0: none, a
 * neighbour discovery message naming @ip6) showed that @ip6 is at @mac; a
 * new address is entered (queue-0 worker) and the frame counted as its.
 */
static void
neigh_rx6(struct sl_worker *w, const uint8_t *ip6,
	const struct rte_ether_addr *mac, uint32_t len)
{
	int i = sl_neigh_ent_index6(w->neigh->tab, ip6);
	struct sl_neigh_ent *e;

	if (i < 0) {
		if (!rte_is_valid_assigned_ether_addr(mac))
			return;
		i = sl_neigh_ent_add6(w, ip6);
		if (i < 0)
			return;
	}
	learn_at(w, i, mac);
	if (len == 0)
		return;
	e = &w->neigh->ent[i];
	e->rx_frames++;
	e->rx_bytes += len;
}

void
sl_neigh_learn6(struct sl_worker *w, const uint8_t *ip6,
	const struct rte_ether_addr *mac)
{
	neigh_rx6(w, ip6, mac, 0);
}

/**
 * neigh_rx - the learn hook: an IPv4 frame of @len bytes from @ip at @mac
 * (the classifier, per frame). A new host in the guest prefix is entered;
 * the frame is counted as the host's.
 * Return: false when @ip is no host of the port (or the table is full).
 */
static bool
neigh_rx(struct sl_worker *w, uint32_t ip, const struct rte_ether_addr *mac,
	uint32_t len)
{
	int i = ent_index(w->neigh->tab, ip);
	struct sl_neigh_ent *e;

	if (unlikely(i < 0)) {
		if (!rte_is_valid_assigned_ether_addr(mac))
			return false;
		i = sl_neigh_add(w, ip);
		if (i < 0)
			return false;
	}
	learn_at(w, i, mac);
	e = &w->neigh->ent[i];
	e->rx_frames++;
	e->rx_bytes += len;
	return true;
}

bool
sl_neigh_host(const struct sl_worker *w, uint32_t i,
	struct sl_neigh_host_info *out)
{
	const struct sl_neigh_tab *t = w->neigh->tab;
	const struct sl_neigh_ent *e = &w->neigh->ent[i];
	uint64_t word;

	if (i >= __atomic_load_n(&t->n, __ATOMIC_ACQUIRE))
		return false;
	memset(out, 0, sizeof(*out));
	out->ip = t->e[i].ip;
	out->v6 = t->e[i].v6;
	while (out->v6 && !sl_neigh_ent6_read(&t->e[i], out->ip6))
		rte_pause();	/* the queue-0 worker is rewriting it */
	word = __atomic_load_n(&t->e[i].word, __ATOMIC_ACQUIRE);
	out->known = (word & W_VALID) != 0;
	sl_neigh_word_mac(word & W_MAC_MASK, &out->mac);
	out->seen_ms = __atomic_load_n(&t->e[i].seen_ms, __ATOMIC_RELAXED);
	out->rx_frames = __atomic_load_n(&e->rx_frames, __ATOMIC_RELAXED);
	out->rx_bytes = __atomic_load_n(&e->rx_bytes, __ATOMIC_RELAXED);
	out->tx_frames = __atomic_load_n(&e->tx_frames, __ATOMIC_RELAXED);
	out->tx_bytes = __atomic_load_n(&e->tx_bytes, __ATOMIC_RELAXED);
	return true;
}

/** tx_at - send @m to entry @i's host, or hold it (sl_neigh_tx). */
static void
tx_at(struct sl_worker *w, struct rte_mbuf *m, int i)
{
	struct sl_neigh_shared *s;
	struct sl_neigh_ent *e;
	uint16_t slot;

	if (unlikely(i < 0)) {
		SL_STAT_INC(w->stats, drop_neigh_unres);
		rte_pktmbuf_free(m);
		return;
	}
	s = &w->neigh->tab->e[i];
	e = &w->neigh->ent[i];
	e->tx_frames++;
	e->tx_bytes += rte_pktmbuf_pkt_len(m);
	if (unlikely(w->now_ms - e->used_pub >= SL_NEIGH_RETRANS_MS) &&
	    s->v6) {
		/* an IPv6 address in use is not idle (sl_neigh6.c) */
		e->used_pub = w->now_ms;
		__atomic_store_n(&s->used_ms, w->now_ms, __ATOMIC_RELAXED);
	}
	if (likely(e->known)) {
		rte_ether_addr_copy(&e->mac, &rte_pktmbuf_mtod(m,
			struct rte_ether_hdr *)->dst_addr);
		sl_frag_tx_dgram(w, m);
		if (unlikely(stale(e, w->now_ms)) && !e->probe_asked) {
			e->probe_asked = true;
			__atomic_fetch_or(&s->want, SL_NEIGH_WANT_PROBE,
				__ATOMIC_RELEASE);
		}
		return;
	}
	if (e->nheld == SL_NEIGH_HOLD) {
		rte_pktmbuf_free(e->held[e->head].m);
		e->head = (uint16_t)((e->head + 1) % SL_NEIGH_HOLD);
		e->nheld--;
		SL_STAT_INC(w->stats, drop_neigh_unres);
	}
	slot = (uint16_t)((e->head + e->nheld) % SL_NEIGH_HOLD);
	e->held[slot].m = m;
	e->held[slot].since_ms = w->now_ms;
	e->nheld++;
	SL_STAT_INC(w->stats, neigh_held);
	if (!e->want_set) {
		e->want_set = true;
		__atomic_fetch_or(&s->want, 1u << w->queue_id,
			__ATOMIC_RELEASE);
	}
}

void
sl_neigh_tx(struct sl_worker *w, struct rte_mbuf *m, uint32_t ip)
{
	int i = ent_index(w->neigh->tab, ip);

	if (unlikely(i < 0))
		i = sl_neigh_add(w, ip);	/* a forward's target host */
	tx_at(w, m, i);
}

void
sl_neigh_tx6(struct sl_worker *w, struct rte_mbuf *m, const uint8_t *ip6)
{
	int i = sl_neigh_ent_index6(w->neigh->tab, ip6);

	if (i < 0)
		i = sl_neigh_ent_add6(w, ip6);
	tx_at(w, m, i);
}

void
sl_neigh_poll(struct sl_worker *w)
{
	struct sl_neigh_tab *t = w->neigh->tab;
	uint32_t i, n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);
	bool kick = false;

	if (w->queue_id == 0 && __atomic_load_n(&t->kick, __ATOMIC_ACQUIRE))
		kick = __atomic_exchange_n(&t->kick, 0, __ATOMIC_ACQ_REL) != 0;
	for (i = 0; i < n; i++) {
		struct sl_neigh_shared *s = &t->e[i];
		struct sl_neigh_ent *e = &w->neigh->ent[i];
		uint64_t word = __atomic_load_n(&s->word, __ATOMIC_ACQUIRE);
		uint64_t seen = __atomic_load_n(&s->seen_ms, __ATOMIC_RELAXED);
		uint32_t seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);

		if (unlikely(seq != e->seq) && !(seq & 1)) {
			/* the entry holds another IPv6 address now */
			sl_neigh_ent_reset(w, i);
			e->seq = seq;
		}
		if (word != e->word)
			adopt(w, i, word);
		if (seen > e->seen_ms) {
			e->seen_ms = seen;
			e->probe_asked = false;
		}
		if (e->nheld > 0)
			expire_held(w, i);
		if (w->queue_id == 0)
			resolve(w, i, kick);
	}
}

/** lookup_at - the MAC of entry @i (-1: none) into @mac. */
static bool
lookup_at(const struct sl_worker *w, int i, struct rte_ether_addr *mac)
{
	if (i < 0 || !w->neigh->ent[i].known)
		return false;
	rte_ether_addr_copy(&w->neigh->ent[i].mac, mac);
	return true;
}

bool
sl_neigh_lookup(const struct sl_worker *w, uint32_t ip,
	struct rte_ether_addr *mac)
{
	return lookup_at(w, ent_index(w->neigh->tab, ip), mac);
}

bool
sl_neigh_lookup6(const struct sl_worker *w, const uint8_t *ip6,
	struct rte_ether_addr *mac)
{
	return lookup_at(w, sl_neigh_ent_index6(w->neigh->tab, ip6), mac);
}

void
sl_neigh_flush(struct sl_worker *w)
{
	struct sl_neigh_tab *t = w->neigh->tab;
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		uint64_t old = __atomic_load_n(&t->e[i].word,
			__ATOMIC_ACQUIRE);

		while (!__atomic_compare_exchange_n(&t->e[i].word, &old,
		    sl_neigh_next_gen(old), false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			;
		adopt(w, i, sl_neigh_next_gen(old));
		w->neigh->ent[i].state = S_IDLE;
	}
}

/**
 * neigh_free - the neighbour entry's last teardown hook: the frames still
 * held (a frame sent after sl_neigh_fini, a reset at shutdown) and the
 * worker's neighbour state.
 */
static void
neigh_free(struct sl_worker *w)
{
	sl_neigh_fini(w);
	rte_free(w->neigh);
	w->neigh = NULL;
}

/** The neighbours in the protocol table: bound, polled, told the guest's
 * MACs, their holds and state freed. */
const struct sl_proto sl_neigh_proto = {
	.name = "neigh",
	.init = sl_neigh_bind,
	/* no close hook: flows closed after it (TCP's RSTs at stop) may
	 * still hold frames for an unresolved guest; fini frees them */
	.fini = neigh_free,
	.iter_start = sl_neigh_poll,
	.learn = neigh_rx,
	.learn6 = neigh_rx6,
};
