/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_steer.h: multi-queue ports. A port with several rx/tx queue pairs gets
 * one worker per queue; every guest flow has exactly one owning worker, a
 * pure function of the frame's addresses and ports, and frames that arrive
 * on another worker's queue are handed to the owner through its ring.
 */
#ifndef SL_STEER_H
#define SL_STEER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "sl_flow.h"

#define SL_STEER_MAX		8	/* queues (workers) per port */
#define SL_STEER_RING		4096	/* frames waiting for one worker */
#define SL_STEER_RSS_KEY_LEN	40
#define SL_STEER_RETA		128	/* indirection entries without RSS */

struct sl_worker;
struct sl_neigh_tab;

/** One multi-queue port's steering state, shared by its workers. */
struct sl_steer {
	unsigned int n;			/**< workers (queues) of the port */
	uint16_t reta_size;		/**< indirection table entries */
	/** Toeplitz key; word-aligned, as rte_convert_rss_key() reads it */
	_Alignas(uint32_t) uint8_t key[SL_STEER_RSS_KEY_LEN];
	/** the key converted by rte_convert_rss_key() (writes words) */
	_Alignas(uint32_t) uint8_t key_be[SL_STEER_RSS_KEY_LEN];
	struct rte_ring *ring[SL_STEER_MAX];	/**< to worker q: MP/SC */
	struct rte_ring *tx0;		/**< frames worker 0 sends for others */
	uint32_t tx_off;		/**< bit q: queue q cannot send (atomic) */
	/** the port's guest MACs: lib/neigh allocates them when the first
	 * worker binds, sl_steer_destroy frees them */
	struct sl_neigh_tab *neigh;
	/** RTE_ETH_RSS_* the port hashes with our key and table (read
	 * back from it, sl_steer_set_rss); 0: its hash is never used */
	uint64_t rss_hf;
	/** UDP forwards per guest port (atomic): their flows are worker 0's */
	uint8_t udp_fwd[65536];
};

/**
 * sl_steer_set_rss - the port hashes @hf (RTE_ETH_RSS_IPV4,
 * NONFRAG_IPV4_TCP, NONFRAG_IPV4_UDP; others are ignored) with sluice's key
 * and indirection table, as read back from it: from now on a frame whose
 * mbuf carries the port's hash (RTE_MBUF_F_RX_RSS_HASH) and whose kind it
 * covers is steered by that hash instead of a software Toeplitz over its
 * tuple (the same value). 0: never.
 */
void sl_steer_set_rss(struct sl_steer *s, uint64_t hf);

/**
 * sl_steer_create - steering for @n queues of a port.
 * @s: filled
 * @port_id: the port (names the rings)
 * @n: queues, 2 to SL_STEER_MAX
 * @reta_size: the port's RSS indirection size, or 0 without RSS
 * @socket: NUMA socket for the rings
 *
 * Return: 0, or -1 (rte_errno set).
 */
int sl_steer_create(struct sl_steer *s, uint16_t port_id, unsigned int n,
	uint16_t reta_size, int socket);

/** sl_steer_key - the Toeplitz key steering uses (SL_STEER_RSS_KEY_LEN). */
const uint8_t *sl_steer_key(void);

/** sl_steer_destroy - free the rings and the frames still in them. */
void sl_steer_destroy(struct sl_steer *s);

/**
 * sl_steer_queue_of_entry - the queue indirection entry @i maps to; the same
 * mapping is programmed into the port's RSS table when it has one.
 */
static inline uint16_t
sl_steer_queue_of_entry(const struct sl_steer *s, unsigned int i)
{
	return (uint16_t)(i % s->n);
}

/**
 * sl_steer_owner_tuple - the worker (queue index) owning a guest flow.
 * @s: steering state
 * @proto: IPPROTO_*; TCP and UDP hash their ports, anything else the
 *         addresses only (as RSS does for other IPv4)
 * @saddr: guest-side source address (network order)
 * @daddr: destination address (network order)
 * @sport: source port (network order)
 * @dport: destination port (network order)
 *
 * Return: 0 .. n - 1.
 */
unsigned int sl_steer_owner_tuple(const struct sl_steer *s, uint8_t proto,
	uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport);

/**
 * sl_steer_mine - whether flow @k (as the guest's frames will carry it)
 * belongs to worker @w: always on a single-queue port.
 */
bool sl_steer_mine(const struct sl_worker *w, const struct sl_flow_key *k);

/**
 * sl_steer_owner - the worker owning the flow of guest frame @m: TCP, UDP
 * (except DHCP) and ICMP by their tuple; ARP, DHCP, fragments, non-IPv4 and
 * anything too short to read go to worker 0 (which serves DHCP leases, and
 * reassembles every fragment: see sl_steer_pass).
 * Reads only what the first segment holds, after checking its length.
 */
unsigned int sl_steer_owner(const struct sl_steer *s,
	const struct rte_mbuf *m);

/**
 * sl_steer_pass - hand guest frame @m to the worker owning its flow when
 * that is not @w (a datagram worker 0 reassembled from fragments, which
 * all reach worker 0, for a flow another worker owns); counted in
 * steer_out, or drop_steer_full when the owner's ring is full.
 * Return: true when @m was handed on (or dropped): @w lets go of it.
 */
bool sl_steer_pass(struct sl_worker *w, struct rte_mbuf *m);

/**
 * sl_steer_burst - hand a burst's foreign frames to their owners and take
 * the frames other workers handed to @w.
 * @w: worker (w->steer set, w->queue_id its index)
 * @pkts: the rx burst, @n frames; on return @w's frames
 * @n: frames received (at most SL_BURST)
 * @cap: capacity of @pkts
 *
 * Return: frames now in @pkts for @w to process.
 */
uint16_t sl_steer_burst(struct sl_worker *w, struct rte_mbuf **pkts,
	uint16_t n, uint16_t cap);

/**
 * sl_steer_udp_fwd - note that a UDP forward to guest ports @lo..@hi was
 * added (@add) or removed: the guest's datagrams from those ports belong to
 * worker 0, which holds the forward's socket.
 */
void sl_steer_udp_fwd(struct sl_steer *s, uint16_t lo, uint16_t hi,
	bool add);

/**
 * sl_steer_set_tx - record whether the port's tx queue @q can send (a
 * vhost-user guest enables only the queue pairs it uses); while it cannot,
 * its worker's frames go out through worker 0's queue.
 */
void sl_steer_set_tx(struct sl_steer *s, unsigned int q, bool on);

/**
 * sl_steer_tx - send a worker's frames of this iteration: on its own queue,
 * or handed to worker 0 when that queue cannot send.
 * @w: worker (w->steer set)
 * @m: frames
 * @n: how many
 * Return: frames sent or handed over (the rest stay with the caller).
 */
uint16_t sl_steer_tx(struct sl_worker *w, struct rte_mbuf **m, uint16_t n);

/**
 * sl_steer_take_tx - worker 0: queue the frames other workers handed over
 * into this iteration's tx burst.
 */
void sl_steer_take_tx(struct sl_worker *w);

#endif /* SL_STEER_H */
