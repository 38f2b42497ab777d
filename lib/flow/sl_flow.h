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

#include "sl_timer.h"

struct rte_hash;

/** Guest-side 5-tuple; addresses and ports in network order. */
struct sl_flow_key {
	uint32_t gaddr;		/**< guest address */
	uint32_t daddr;		/**< destination as the guest addresses it */
	uint16_t gport;		/**< guest port (ICMP: echo id) */
	uint16_t dport;		/**< destination port (ICMP: 0) */
	uint8_t proto;		/**< IPPROTO_* */
	uint8_t pad[3];
};

/** One flow. Protocol state beyond this lives in the protocol module. */
struct sl_flow {
	struct sl_flow_key key;
	struct sockaddr_in host_dst;	/**< where the host socket points */
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

/** sl_flow_key_make - build a key. */
static inline struct sl_flow_key
sl_flow_key_make(uint8_t proto, uint32_t gaddr, uint16_t gport,
	uint32_t daddr, uint16_t dport)
{
	struct sl_flow_key k = {
		.gaddr = gaddr, .daddr = daddr,
		.gport = gport, .dport = dport, .proto = proto,
	};
	return k;
}

#endif /* SL_FLOW_H */
