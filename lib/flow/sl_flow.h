/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_flow.h: the per-worker flow table. A flow is one guest conversation
 * (TCP connection, UDP 5-tuple, ICMP echo id) mapped to one host socket.
 *
 * Flow lifetime: a flow is created by the first guest packet (or an inbound
 * host connection) that passes policy, lives in a preallocated array slot
 * found through an rte_hash keyed by the guest-side 5-tuple, and is freed by
 * its protocol module when the conversation ends or its idle timer fires.
 * Freeing closes the host handle and cancels the timer in the same step, so
 * no socket outlives its flow. Host events name flows by a cookie carrying
 * the slot index and a generation number, so an event for a freed (and
 * possibly reused) slot is recognised and ignored.
 */
#ifndef SL_FLOW_H
#define SL_FLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "sl_addr.h"
#include "sl_timer.h"

struct rte_hash;

/**
 * Guest-side 5-tuple of either family; addresses and ports in network
 * order, 40 bytes hashed whole (keys are made with sl_flow_key_make or
 * sl_flow_key_make6 only, so the padding is always zero).
 *
 * The addresses are 16 bytes each (struct sl_addr), an IPv4 one stored
 * v4-mapped (::ffff:a.b.c.d); @gaddr and @daddr name the last 32-bit word,
 * which is the IPv4 address itself, so IPv4 code reads them as before.
 *
 *   0       gip   (gaddr = bytes 12..15)
 *   16      dip   (daddr = bytes 28..31)
 *   32      gport  34 dport  36 proto  37 family  38 pad[2]
 */
struct sl_flow_key {
	union {
		struct sl_addr gip;	/**< guest address (IPv4 v4-mapped) */
		struct {
			uint32_t gmap_[3];
			uint32_t gaddr;	/**< IPv4: the guest address */
		};
	};
	union {
		/** destination as the guest addresses it */
		struct sl_addr dip;
		struct {
			uint32_t dmap_[3];
			uint32_t daddr;	/**< IPv4: the destination */
		};
	};
	uint16_t gport;		/**< guest port (ICMP: echo id) */
	uint16_t dport;		/**< destination port (ICMP: 0) */
	uint8_t proto;		/**< IPPROTO_* (ICMPv6: IPPROTO_ICMPV6) */
	uint8_t family;		/**< AF_INET or AF_INET6 */
	uint8_t pad[2];
};

_Static_assert(sizeof(struct sl_flow_key) == 40,
	"the flow key is 40 bytes, hashed whole");

/** One flow. Protocol state beyond this lives in the protocol module. */
struct sl_flow {
	struct sl_flow_key key;
	union sl_sockaddr host_dst;	/**< where the host socket points */
	uint32_t idx;			/**< slot index */
	uint32_t gen;			/**< bumped on every reuse */
	int hd;				/**< host handle, -1 when none */
	uint8_t proto;
	uint8_t state;			/**< protocol-specific */
	bool inbound;			/**< opened from the host side */
	bool in_use;
	uint64_t created_ms;
	uint64_t last_ms;		/**< last activity */
	uint64_t bytes_to_host;
	uint64_t bytes_to_guest;
	struct sl_timer timer;
	uint32_t next_free;
};

/** The table (one per worker). */
struct sl_flow_table {
	struct rte_hash *hash;
	struct sl_flow *flows;
	uint32_t max;
	uint32_t active;
	uint32_t free_head;
	uint32_t fresh;		/* slots ever taken: [fresh, max) untouched */
};

#define SL_COOKIE_SPECIAL (1ull << 63)	/* not a flow (listeners etc.) */

/**
 * sl_flow_table_init - allocate a table for up to @max flows.
 * @ft: table
 * @max: capacity
 * @name: unique name for the hash
 * @socket_id: NUMA socket for allocations
 *
 * Return: 0 or -ENOMEM.
 */
int sl_flow_table_init(struct sl_flow_table *ft, uint32_t max,
	const char *name, int socket_id);

/** sl_flow_table_fini - free the table (flows must already be released). */
void sl_flow_table_fini(struct sl_flow_table *ft);

/** sl_flow_lookup - find the flow of @key; Return: flow or NULL. */
struct sl_flow *sl_flow_lookup(struct sl_flow_table *ft,
	const struct sl_flow_key *key);

/**
 * sl_flow_add - create a flow for @key (which must not exist).
 * Return: the zeroed flow (hd = -1), or NULL when the table is full.
 */
struct sl_flow *sl_flow_add(struct sl_flow_table *ft,
	const struct sl_flow_key *key, uint64_t now_ms);

/** sl_flow_del - remove @f from the table; its slot becomes free. */
void sl_flow_del(struct sl_flow_table *ft, struct sl_flow *f);

/**
 * sl_flow_lookup_bulk - look up @n keys at once (rte_hash bulk lookup).
 * @ft: table
 * @keys: keys
 * @n: number of keys, at most SL_FLOW_BULK
 * @out: filled with the flow of each key, or NULL
 */
void sl_flow_lookup_bulk(struct sl_flow_table *ft,
	const struct sl_flow_key **keys, uint32_t n, struct sl_flow **out);

#define SL_FLOW_BULK 64	/* RTE_HASH_LOOKUP_BULK_MAX */

/** sl_flow_cookie - the host-event cookie naming @f. */
static inline uint64_t
sl_flow_cookie(const struct sl_flow *f)
{
	return ((uint64_t)f->gen << 32) | f->idx;
}

/** sl_flow_from_cookie - the live flow @cookie names, or NULL. */
static inline struct sl_flow *
sl_flow_from_cookie(struct sl_flow_table *ft, uint64_t cookie)
{
	uint32_t idx = (uint32_t)cookie;
	struct sl_flow *f;

	if ((cookie & SL_COOKIE_SPECIAL) || idx >= ft->max)
		return NULL;
	f = &ft->flows[idx];
	if (!f->in_use || f->gen != (uint32_t)(cookie >> 32))
		return NULL;
	return f;
}

/** sl_flow_key_make - build an IPv4 key (addresses network order). */
static inline struct sl_flow_key
sl_flow_key_make(uint8_t proto, uint32_t gaddr, uint16_t gport,
	uint32_t daddr, uint16_t dport)
{
	struct sl_flow_key k = {
		.gip = sl_addr_v4(gaddr), .dip = sl_addr_v4(daddr),
		.gport = gport, .dport = dport, .proto = proto,
		.family = AF_INET,
	};
	return k;
}

/**
 * sl_flow_key_make6 - build a key of either family from full addresses
 * (an IPv4 pair v4-mapped gives the key sl_flow_key_make would).
 */
static inline struct sl_flow_key
sl_flow_key_make6(uint8_t proto, const struct sl_addr *gip, uint16_t gport,
	const struct sl_addr *dip, uint16_t dport)
{
	struct sl_flow_key k = {
		.gip = *gip, .dip = *dip,
		.gport = gport, .dport = dport, .proto = proto,
		.family = (uint8_t)sl_addr_family(dip),
	};
	return k;
}

/** sl_flow_addr_text - "ADDR:PORT" (IPv6 "[ADDR]:PORT") of @a and @port. */
static inline char *
sl_flow_addr_text(const struct sl_addr *a, uint16_t port, char *buf,
	size_t len)
{
	union sl_sockaddr s = sl_sockaddr_make(a, port);

	return sl_sockaddr_ntop(&s, buf, len);
}

#endif /* SL_FLOW_H */
