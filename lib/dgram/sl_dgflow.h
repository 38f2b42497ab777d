/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_dgflow.h: the lifetime of datagram flows (UDP and ICMP echo): the
 * per-worker LRU order that eviction at --max-dgram-flows takes the idlest
 * flow from, the DNS flows that end once every query is answered, and each
 * flow's idle timeout (theory in sl_dgflow.c).
 */
#ifndef SL_DGFLOW_H
#define SL_DGFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_io.h"

#define SL_DNS_PORT		53
#define SL_DNS_TIMEOUT_S	10	/* idle expiry of a DNS flow */
#define SL_DGF_EVICT_IDLE_MS	1000	/* a flow idle this long may be evicted */
#define SL_DGF_DNS_IDS		4	/* outstanding queries tracked per flow */
#define SL_DGF_NONE		UINT32_MAX	/* end of the LRU list */

/* struct sl_dgflow flags */
#define SL_DGF_DNS	0x1u	/* to port 53: ends once answered */
#define SL_DGF_DNS_MANY	0x2u	/* more queries than tracked: timeout only */
#define SL_DGF_DONE	0x4u	/* every query answered: end the flow */

/** Datagram state of one flow slot (parallel to the flow table). */
struct sl_dgflow {
	uint32_t prev;			/**< LRU: older flow, or SL_DGF_NONE */
	uint32_t next;			/**< LRU: newer flow, or SL_DGF_NONE */
	uint16_t dns_id[SL_DGF_DNS_IDS];	/**< queries not yet answered */
	uint8_t dns_n;			/**< entries of dns_id in use */
	uint8_t flags;			/**< SL_DGF_* */
	uint8_t ttl;			/**< TTL of the guest's last datagram */
	uint8_t rx_batch;		/**< next receive batch, 0: the first
					 * (sl_dgram_batch_next) */
	bool linked;			/**< on the LRU list */
};

#define SL_DGRAM_OUT_MAX (2 * SL_BURST)	/* guest datagrams held per burst */

/** A guest datagram held for its host handle's batched send (sl_dgram.c). */
struct sl_dgram_out {
	struct sl_flow *f;
	struct rte_mbuf *m;	/**< the guest frame */
	uint32_t off;		/**< payload offset in m */
	uint32_t len;		/**< payload bytes */
	uint16_t next;		/**< next held for the same handle */
	uint8_t ttl;		/**< host-side IP TTL, 0: the default */
};

/** The held datagrams of one host handle, oldest first. */
struct sl_dgram_grp {
	int hd;
	uint16_t first;
	uint16_t last;
};

/**
 * A worker's datagram state (w->dgram): its UDP and ICMP echo flows, their
 * LRU order, and the guest datagrams held for a burst's batched sends.
 * Allocated by sl_dgram_init, freed by sl_dgram_fini (sl_dgram.c).
 */
struct sl_dgram {
	uint32_t dgram_flows;		/**< UDP + ICMP flows */
	struct sl_dgflow *dgf;		/**< their state, parallel to ft */
	uint32_t dgf_head;		/**< LRU: least recently used slot */
	uint32_t dgf_tail;		/**< LRU: most recently used slot */
	uint32_t dg_refused;		/**< flows refused since the last log */
	uint64_t dg_refuse_log_ms;	/**< when that was logged, 0: never */
	uint16_t dg_n;			/**< guest datagrams held (dg_out) */
	uint16_t dg_ngrp;		/**< host handles they go to */
	uint32_t dg_spill_len;		/**< spill bytes per received dgram */
	uint8_t dg_in_batch;		/**< next receive batch on a forward's
					 * listener (one hint for all) */
	uint8_t *dg_spill;		/**< host datagrams past one mbuf */
	struct sl_dgram_out dg_out[SL_DGRAM_OUT_MAX];
	struct sl_dgram_grp dg_grp[SL_DGRAM_OUT_MAX];
};

/**
 * sl_dgflow_init - allocate the per-slot state (one entry per flow-table
 * slot) and an empty LRU list. Call after the flow table is set up.
 * Return: 0 or -ENOMEM.
 */
int sl_dgflow_init(struct sl_worker *w);

/** sl_dgflow_fini - free what sl_dgflow_init took. */
void sl_dgflow_fini(struct sl_worker *w);

/** sl_dgflow_of - the datagram state of @f. */
static inline struct sl_dgflow *
sl_dgflow_of(const struct sl_worker *w, const struct sl_flow *f)
{
	return &w->dgram->dgf[f->idx];
}

/**
 * sl_dgflow_admit - room for one more datagram flow: yes below the limit,
 * else when the least recently used flow has been idle for
 * SL_DGF_EVICT_IDLE_MS and is evicted (udp_flow_evicted or
 * icmp_flow_evicted). A refusal is counted (drop_dgram_limit) and logged,
 * at most once every SL_DGF_LOG_GAP_MS with the count since the last line.
 * Return: true when a flow may be opened.
 */
bool sl_dgflow_admit(struct sl_worker *w);

/**
 * sl_dgflow_opened - a datagram flow was created: its state is reset, it
 * joins the LRU list as the newest, and an outbound UDP flow to port 53 is
 * marked as a DNS flow. Counts it in w->dgram->dgram_flows.
 */
void sl_dgflow_opened(struct sl_worker *w, struct sl_flow *f);

/** sl_dgflow_closed - a datagram flow is being freed: leave the LRU list. */
void sl_dgflow_closed(struct sl_worker *w, struct sl_flow *f);

/**
 * sl_dgflow_touch - traffic on @f: its last activity is now and it becomes
 * the newest on the LRU list.
 */
void sl_dgflow_touch(struct sl_worker *w, struct sl_flow *f);

/**
 * sl_dgflow_timeout_ms - how long @f may stay idle: SL_DNS_TIMEOUT_S for a
 * DNS flow (no more than --udp-timeout), else --udp-timeout.
 */
uint64_t sl_dgflow_timeout_ms(const struct sl_worker *w,
	const struct sl_flow *f);

/**
 * sl_dgflow_dns_query - a guest datagram of DNS flow @f (payload @len
 * bytes at @off of @m): a query's id is remembered until it is answered.
 */
void sl_dgflow_dns_query(struct sl_worker *w, struct sl_flow *f,
	const struct rte_mbuf *m, uint32_t off, uint32_t len);

/**
 * sl_dgflow_dns_answer - a host datagram of DNS flow @f (payload-only
 * mbuf @m) was relayed to the guest: a response answers its query. Marks
 * the flow SL_DGF_DONE when no query is left unanswered.
 */
void sl_dgflow_dns_answer(struct sl_worker *w, struct sl_flow *f,
	const struct rte_mbuf *m);

/**
 * sl_dgflow_end_if_done - free @f when it is a DNS flow whose queries are
 * all answered (dns_flow_done). Return: true when it was freed.
 */
bool sl_dgflow_end_if_done(struct sl_worker *w, struct sl_flow *f);

#endif /* SL_DGFLOW_H */
