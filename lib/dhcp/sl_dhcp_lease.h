/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_dhcp_lease.h: the DHCP lease table of a port: which host (MAC) holds
 * which guest address, until when. Owned by the port's queue-0 worker (which
 * receives every DHCP message); no other thread writes it.
 *
 * Addresses come from the guest prefix: --guest-addr first, then the pool
 * (--dhcp-range, by default the addresses after --guest-addr), never the
 * gateway, the DNS address, the network or broadcast address. A MAC with a
 * reservation (--dhcp-host) always gets its address; a MAC that held an
 * address gets the same one back (renewal, reboot, even after expiry while
 * nobody else took it). An address another host uses without asking (a
 * static address, seen by the neighbour table) is never offered.
 */
#ifndef SL_DHCP_LEASE_H
#define SL_DHCP_LEASE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "sl_config.h"

#define SL_LEASE_OFFER_MS	60000	/* an offer not taken is free again */
#define SL_LEASE_DECLINE_MS	600000	/* a declined address rests this long */

/** A lease record's state. */
enum sl_lease_state {
	SL_LEASE_FREE,		/**< released or expired: MAC remembered */
	SL_LEASE_OFFERED,	/**< offered, not yet requested */
	SL_LEASE_BOUND,		/**< acknowledged */
	SL_LEASE_DECLINED,	/**< a client found it in use: resting */
};

/** One record: an address and the host that holds (or held) it. */
struct sl_lease {
	uint32_t ip;			/**< network order; 0: slot unused */
	struct rte_ether_addr mac;
	uint8_t state;			/**< enum sl_lease_state */
	uint64_t expires_ms;		/**< 0: never (infinite lease) */
};

/**
 * Whether an address is in use by a host other than @mac without a lease
 * (the neighbour table's view); may be NULL.
 */
typedef bool (*sl_lease_busy_fn)(void *arg, uint32_t ip,
	const struct rte_ether_addr *mac);

/** The table. */
struct sl_lease_tab {
	const struct sl_config *cfg;
	uint32_t cap;			/**< records at most (max_hosts) */
	uint32_t first;			/**< pool, host order */
	uint32_t last;
	sl_lease_busy_fn busy;
	void *busy_arg;
	struct sl_lease l[SL_HOSTS_MAX];
};

/** What sl_lease_offer() found. */
enum sl_lease_why {
	SL_LEASE_OK,
	SL_LEASE_EMPTY,		/**< every address of the pool is taken */
	SL_LEASE_FULL,		/**< max_hosts records held by live leases */
};

/**
 * sl_lease_init - an empty table for @cfg (its pool, reservations, cap).
 */
void sl_lease_init(struct sl_lease_tab *t, const struct sl_config *cfg,
	sl_lease_busy_fn busy, void *busy_arg);

/**
 * sl_lease_offer - the address to offer @mac (a DISCOVER): its
 * reservation, else the address it holds or held, else @want (option 50,
 * network order, 0: none) when free, else the first free one. The record
 * is kept as offered for SL_LEASE_OFFER_MS.
 * Return: the address (network order), or 0 with *@why set.
 */
uint32_t sl_lease_offer(struct sl_lease_tab *t,
	const struct rte_ether_addr *mac, uint32_t want, uint64_t now_ms,
	enum sl_lease_why *why);

/**
 * sl_lease_bind - @mac asks for @ip (a REQUEST): granted when @ip is its
 * reservation, its record, or free for it; the lease then runs for the
 * configured lease time.
 * Return: 0, or -1 (the client gets a NAK).
 */
int sl_lease_bind(struct sl_lease_tab *t, const struct rte_ether_addr *mac,
	uint32_t ip, uint64_t now_ms);

/** sl_lease_release - @mac gives @ip back (RELEASE). Return: 0 or -1. */
int sl_lease_release(struct sl_lease_tab *t,
	const struct rte_ether_addr *mac, uint32_t ip);

/**
 * sl_lease_decline - @mac found @ip in use (DECLINE): the address rests
 * SL_LEASE_DECLINE_MS, offered to nobody. Return: 0 or -1 (not its).
 */
int sl_lease_decline(struct sl_lease_tab *t,
	const struct rte_ether_addr *mac, uint32_t ip, uint64_t now_ms);

/**
 * sl_lease_lookup - the live record of @ip (offered, bound; not expired
 * at @now_ms), or NULL.
 */
const struct sl_lease *sl_lease_lookup(const struct sl_lease_tab *t,
	uint32_t ip, uint64_t now_ms);

/** sl_lease_live - whether record @l holds its address at @now_ms. */
bool sl_lease_live(const struct sl_lease *l, uint64_t now_ms);

#endif /* SL_DHCP_LEASE_H */
