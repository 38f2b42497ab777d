/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_neigh.h: the guest's link layer. One module owns the MAC address of
 * every guest address a port serves: it learns it (from ARP, DHCP and the
 * guest's IP frames), publishes it to every worker of the port, resolves it
 * when it is unknown or stale (ARP requests; for IPv6 addresses, which it
 * learns as the guest uses them, neighbour solicitations; retried with
 * backoff) and holds the frames meant for an unresolved guest until it
 * answers. Theory of operation in sl_neigh.c.
 */
#ifndef SL_NEIGH_H
#define SL_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include "sl_config.h"

#define SL_NEIGH6_MAX		16	/* IPv6 guest addresses per port */
/* guest addresses per port: the hosts, and the IPv6 ones */
#define SL_NEIGH_MAX		(SL_HOSTS_MAX + SL_NEIGH6_MAX)
#define SL_NEIGH_HOLD		32	/* frames a worker holds per address */
#define SL_NEIGH_HOLD_MS	3000	/* a held frame is dropped after this */
#define SL_NEIGH_REACHABLE_MS	30000	/* unconfirmed this long: stale */
#define SL_NEIGH_RETRANS_MS	1000	/* least gap between two requests */
#define SL_NEIGH_BACKOFF_MAX_MS	8000	/* largest gap, nothing waiting */
#define SL_NEIGH_MCAST_TRIES	5	/* broadcast requests per round */
#define SL_NEIGH_UCAST_TRIES	3	/* unicast checks of a stale entry */

struct sl_worker;

/**
 * One guest address of a port, shared by the port's workers. @ip and @v6
 * are set before the entry is counted in the table's n and never change.
 * An IPv6 entry idle long enough may be given to a new address by the
 * queue-0 worker (sl_neigh.c, "Expiry"): @ip6 is rewritten under @seq, a
 * sequence count (odd while it is written) that readers check around
 * their read. The rest is atomic.
 */
struct sl_neigh_shared {
	uint32_t ip;		/**< network order (IPv4 entries) */
	uint32_t seq;		/**< IPv6 entries: bumped around a rewrite */
	union {
		uint8_t ip6[16];	/**< IPv6 entries' address */
		uint32_t ip6w[4];	/**< the same, read word by word */
	};
	bool v6;		/**< an IPv6 entry: ip6, not ip */
	uint32_t want;		/**< bit q: worker q holds frames; PROBE bit */
	uint64_t word;		/**< VALID | generation << 48 | MAC */
	uint64_t seen_ms;	/**< last confirmation by any worker */
	uint64_t used_ms;	/**< IPv6: last frame sent to it, any worker */
	uint64_t born_ms;	/**< IPv6: when the address was entered */
} __rte_cache_aligned;

/**
 * A port's neighbour table: its own on a single-queue port. Entries are
 * only ever appended (a new host: sl_neigh_add, under @lock), never
 * removed (an idle IPv6 entry may be given a new address: sl_neigh6.c);
 * n is stored with release after the entry is written.
 */
struct sl_neigh_tab {
	uint32_t n;		/**< entries in use (atomic; appended under
				 * @lock: IPv4 hosts by any worker, IPv6
				 * addresses by the queue-0 worker) */
	uint32_t n4;		/**< of them, IPv4 hosts (under @lock) */
	uint32_t kick;		/**< atomic: solicit now (start, link up) */
	uint32_t link_gen;	/**< atomic: bumped at start and link up */
	rte_spinlock_t lock;	/**< serialises appends */
	uint32_t ips[SL_NEIGH_MAX];	/**< e[i].ip, packed for lookups (0:
					 * an IPv6 entry) */
	struct sl_neigh_shared e[SL_NEIGH_MAX];
};

/** A frame held for an unresolved address. */
struct sl_neigh_held {
	struct rte_mbuf *m;
	uint64_t since_ms;
};

/** One worker's view of an entry (owned by the worker). */
struct sl_neigh_ent {
	uint64_t word;		/**< the shared word last adopted */
	struct rte_ether_addr mac;
	bool known;
	bool probe_asked;	/**< PROBE bit set for this stale period */
	bool want_set;		/**< our want bit is set */
	uint8_t state;		/**< resolver (queue 0): SL_NEIGH_S_* */
	uint8_t tries;		/**< requests sent in this round */
	uint16_t nheld;		/**< frames in held[] */
	uint16_t head;		/**< oldest held frame */
	uint64_t seen_ms;	/**< last confirmation this worker knows */
	uint64_t seen_pub;	/**< last confirmation it published */
	uint64_t next_ms;	/**< resolver: next request due */
	uint64_t last_req_ms;	/**< resolver: last request sent */
	uint64_t probe_seen;	/**< resolver: seen_ms when a probe began */
	uint64_t log_ms;	/**< last change logged */
	uint64_t used_pub;	/**< last used_ms this worker published */
	uint32_t seq;		/**< the shared seq this view belongs to */
	/* this worker's traffic with the host (read by telemetry with
	 * relaxed atomics; this worker is the only writer) */
	uint64_t rx_frames;	/**< frames from the host */
	uint64_t rx_bytes;
	uint64_t tx_frames;	/**< frames to the host */
	uint64_t tx_bytes;
	struct sl_neigh_held held[SL_NEIGH_HOLD];
};

/** The worker's neighbour state. */
struct sl_neigh {
	struct sl_neigh_tab *tab;	/**< the port's table */
	struct sl_neigh_tab own;	/**< used when the port has one queue */
	uint64_t limit_log_ms;		/**< last "too many hosts" line */
	uint64_t limit6_log_ms;		/**< last "IPv6 table full" line */
	struct sl_neigh_ent ent[SL_NEIGH_MAX];
};

/**
 * sl_neigh_bind - attach worker @w to its port's neighbour table (the
 * steering state's on a multi-queue port, else its own) and enter the
 * configured guest address in it. Called by sl_worker_init() (the init
 * hook of the neighbours' table entry) before the workers run; again if
 * w->steer is set later (tests). The worker's neighbour state (w->neigh)
 * and the port's shared table are allocated here the first time.
 * Return: 0 or -ENOMEM.
 */
int sl_neigh_bind(struct sl_worker *w);

/**
 * sl_neigh_start - ask for the guest's MAC at once (worker start, link
 * up): a round of requests for every unresolved address. Any thread.
 */
void sl_neigh_start(struct sl_worker *w);

/** sl_neigh_fini - free the frames @w still holds. */
void sl_neigh_fini(struct sl_worker *w);

/**
 * sl_neigh_learn - a frame from the guest showed that @ip is at @mac (an
 * ARP packet's sender, a DHCP client's chaddr, an IP frame's source). A new
 * or changed MAC is published to every worker of the port; the same one
 * confirms the entry. Addresses not in the table and MACs that cannot be a
 * host's (zero, multicast) are ignored.
 * @w: worker
 * @ip: guest address (network order)
 * @mac: its MAC
 */
void sl_neigh_learn(struct sl_worker *w, uint32_t ip,
	const struct rte_ether_addr *mac);

/**
 * sl_neigh_learn6 - a frame from the guest showed that IPv6 address @ip6
 * (16 bytes: link-local or in the guest prefix) is at @mac: as
 * sl_neigh_learn, and a new address is entered in the table (by the
 * port's queue-0 worker, which receives neighbour discovery; at most
 * SL_NEIGH6_MAX: then the entry of an address idle for
 * sl_neigh6_idle_ms() is taken, counted in neigh6_evicted; with none idle
 * the new address is refused, counted in neigh6_full and logged).
 */
void sl_neigh_learn6(struct sl_worker *w, const uint8_t *ip6,
	const struct rte_ether_addr *mac);

/**
 * sl_neigh_tx6 - sl_neigh_tx for a frame (Ethernet + IPv6) to guest IPv6
 * address @ip6: held while unresolved, and resolved with neighbour
 * solicitations to its solicited-node multicast address, with ARP's hold
 * and backoff rules. An address not yet in the table is entered (queue-0
 * worker) or the frame dropped (drop_neigh_unres). Consumes @m.
 */
void sl_neigh_tx6(struct sl_worker *w, struct rte_mbuf *m,
	const uint8_t *ip6);

/** sl_neigh_lookup6 - sl_neigh_lookup for IPv6 address @ip6. */
bool sl_neigh_lookup6(const struct sl_worker *w, const uint8_t *ip6,
	struct rte_ether_addr *mac);

/**
 * sl_neigh_guest6 - a stable IPv6 address, in the guest prefix, of the
 * host at IPv4 address @ip (of its MAC when @ip is resolved, else of any
 * host of the port): the one formed from its MAC (EUI-64) first, else the
 * one known longest (a DHCPv6 lease or a stable address is older than the
 * temporary addresses beside it). Only resolved addresses count. With
 * none known (a guest that has not spoken from its global address yet),
 * the prefix with the interface identifier of the host's link-local
 * address, else with the EUI-64 one of its MAC: resolved on first use.
 * Any worker of the port (reads the shared table).
 * Return: true when @out (16 bytes) was filled.
 */
bool sl_neigh_guest6(const struct sl_worker *w, uint32_t ip, uint8_t *out);

/**
 * sl_neigh6_idle_ms - how long an IPv6 address must have gone without a
 * frame either way before its entry may be given to a new address: longer
 * than any flow's idle expiry (TCP's and UDP's), so no live flow uses it.
 */
uint64_t sl_neigh6_idle_ms(const struct sl_config *cfg);

/**
 * sl_neigh_link_gen - bumped by sl_neigh_start (worker start, link up):
 * modules that announce themselves on the link (router advertisements)
 * compare it with the value they last saw.
 */
static inline uint32_t
sl_neigh_link_gen(const struct sl_neigh *nb)
{
	return __atomic_load_n(&nb->tab->link_gen, __ATOMIC_ACQUIRE);
}

/**
 * sl_neigh_add - enter host address @ip in @w's port table (a new host:
 * DHCP leased it, it sent from it, a forward targets it). At most
 * cfg->max_hosts entries: beyond, counted in hosts_limit and logged
 * (rate-limited). Addresses that cannot be a host of the guest prefix are
 * refused.
 * Return: the entry's index, or -1.
 */
int sl_neigh_add(struct sl_worker *w, uint32_t ip);

/**
 * sl_neigh_is_host_addr - whether @ip (network order) can be a host of the
 * guest prefix: in it, neither its network nor broadcast address, nor the
 * gateway or DNS address.
 */
bool sl_neigh_is_host_addr(const struct sl_config *cfg, uint32_t ip);

/** One host as telemetry shows it (sl_neigh_host). */
struct sl_neigh_host_info {
	uint32_t ip;			/**< network order (IPv4 entries) */
	bool v6;			/**< an IPv6 address: ip6 */
	uint8_t ip6[16];
	bool known;			/**< the MAC is resolved */
	struct rte_ether_addr mac;
	uint64_t seen_ms;		/**< last frame from it (port-wide) */
	uint64_t rx_frames, rx_bytes;	/**< this worker's */
	uint64_t tx_frames, tx_bytes;
};

/**
 * sl_neigh_host - entry @i of @w's port table, with @w's counters (any
 * thread: the counters are read with relaxed atomics).
 * Return: false when there is no entry @i.
 */
bool sl_neigh_host(const struct sl_worker *w, uint32_t i,
	struct sl_neigh_host_info *out);

/**
 * sl_neigh_tx - send frame @m (Ethernet + IPv4, destination MAC not yet
 * written) to guest address @ip: its destination MAC is written and it
 * joins this iteration's tx burst, or, while @ip is unresolved, it is held
 * (at most SL_NEIGH_HOLD per address and SL_NEIGH_HOLD_MS; the oldest is
 * dropped, counted in drop_neigh_unres) and resolution is asked for.
 * Consumes @m.
 */
void sl_neigh_tx(struct sl_worker *w, struct rte_mbuf *m, uint32_t ip);

/**
 * sl_neigh_poll - once per iteration: adopt what other workers published
 * (and send the frames held for an address that got resolved), drop held
 * frames too old, and, on queue 0, send the requests that are due.
 */
void sl_neigh_poll(struct sl_worker *w);

/**
 * sl_neigh_lookup - the MAC @w currently uses for @ip.
 * Return: true when @mac was filled.
 */
bool sl_neigh_lookup(const struct sl_worker *w, uint32_t ip,
	struct rte_ether_addr *mac);

/**
 * sl_neigh_flush - forget every learned MAC of @w's port (as `ip neigh
 * flush` does); frames held are kept until resolution or their timeout.
 */
void sl_neigh_flush(struct sl_worker *w);

/** The neighbours in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_neigh_proto;

#endif /* SL_NEIGH_H */
