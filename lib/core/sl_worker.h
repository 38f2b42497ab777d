/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_worker.h: the per-worker context and the relay core's entry points.
 *
 * A worker owns one guest port queue, its flows, its host backend (sockets
 * and epoll), its timer wheel and its counters. Everything here is touched
 * by the owning lcore only; other threads read counters atomically.
 */
#ifndef SL_WORKER_H
#define SL_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "sl_config.h"
#include "sl_flow.h"
#include "sl_host.h"
#include "sl_net.h"
#include "sl_proto.h"
#include "sl_stats.h"
#include "sl_timer.h"

#define SL_BURST	32	/* rx burst size */
/* rx bursts an iteration reads while they come full, from a port whose
 * kernel ring drops what it cannot hold (w->rx_ring_frames) */
#define SL_RX_RING_BURSTS	4
#define SL_TX_MAX	1024	/* frames produced per iteration before a flush */
/* the app's workers poll host readiness in every 4th quiet iteration */
#define SL_HOST_POLL_EVERY	4
/* of SL_TX_MAX, kept from data segments (flow output: sl_tx_room) for
 * ACKs, control frames and retransmissions */
#define SL_TX_RESERVE	256
#define SL_HOST_EV_MAX	64	/* host events handled per iteration */
/* the longest retransmissions wait while full rx bursts come (sl_worker.c) */
#define SL_TIMER_DEFER_MS	100

/* Offloads of frames toward the guest (struct sl_worker tx_ol) */
#define SL_TXOL_CSUM	(1u << 0)	/* the port completes TCP checksums */
#define SL_TXOL_IP_CSUM	(1u << 1)	/* ... and IPv4 header checksums */
#define SL_TXOL_TSO4	(1u << 2)	/* it segments TCP/IPv4 frames (with CSUM) */
#define SL_TXOL_TSO6	(1u << 3)	/* it segments TCP/IPv6 frames (with CSUM) */

struct sl_worker;
struct sl_tcp_worker;
struct sl_dgram;
struct sl_steer;
struct sl_hdring;
struct sl_vtx;
struct sl_vrx;
struct sl_frag;
struct sl_neigh;
struct sl_dhcp;
struct sl_icmp6;
struct sl_fwd_state;

/** Where produced frames go (the port, or a test's capture). */
typedef uint16_t (*sl_tx_fn)(struct sl_worker *w, struct rte_mbuf **m,
	uint16_t n);

/** The worker context. */
struct sl_worker {
	unsigned int id;		/**< worker index */
	unsigned int lcore;		/**< EAL lcore */
	uint16_t port_id;		/**< guest port */
	uint16_t queue_id;		/**< rx/tx queue of that port */
	struct sl_steer *steer;		/**< multi-queue port: flow owners */
	const struct sl_config *cfg;
	struct rte_mempool *mp;		/**< mbufs for frames we build */
	struct rte_mempool *rx_mp;	/**< the port's rx pool (default mp) */
	/** large mbufs for the bulk of host data toward the guest (NULL:
	 * mp's chains only; lay_out_segs in sl_tcp_out.c) */
	struct rte_mempool *pay_mp;
	struct sl_host *host;		/**< host backend */
	sl_tx_fn tx_burst;
	/** the protocol modules, in call order (preset: lib/relay) */
	const struct sl_proto *const *protos;
	unsigned int nb_protos;
	unsigned int nb_protos_up;	/**< of them, initialized */
	/** classifier: the module of non-IP frames, the one claiming a UDP
	 * port (udp_claim, network order), reassembly, the guest's MACs, and
	 * handles that are not flows (by IP protocol: by_ip, below) */
	const struct sl_proto *by_ether;
	const struct sl_proto *by_udp_port;
	uint16_t udp_claim;
	const struct sl_proto *by_udp6_port;	/**< the same for IPv6 */
	uint16_t udp6_claim;
	const struct sl_proto *defrag;
	const struct sl_proto *link;
	const struct sl_proto *special;

	struct rte_ether_addr gw_mac;	/**< our MAC (gateway, DNS) */
	uint8_t gw_ll6[16];		/**< our IPv6 link-local (EUI-64) */
	uint16_t mtu;			/**< guest link MTU in effect */
	uint16_t tx_mtu;		/**< largest IP packet the port sends */
	uint16_t seg_room;		/**< payload bytes one mbuf holds */
	uint16_t pay_room;		/**< ... one pay_mp mbuf holds */
	bool multiseg;			/**< port sends mbuf chains */
	bool csum_warned;		/**< bad-checksum warning logged */
	uint32_t tx_ol;			/**< SL_TXOL_* of this iteration */
	/**
	 * Written by the control plane (port set-up, link events: what the
	 * port and the guest negotiated), read atomically: tx_ol_pub is
	 * copied to tx_ol at the start of each iteration, guest_features
	 * (virtio feature bits, vhost-user ports) is for telemetry.
	 */
	uint32_t tx_ol_pub;
	uint64_t guest_features;

	uint64_t now_ms;		/**< time of this iteration */
	uint64_t iter;			/**< poll iterations so far */
	uint64_t rx_full_since;		/**< since when rx bursts come full
					 * (0: the last one was not) */
	bool rx_behind;			/**< this iteration's burst came full:
					 * hold retransmissions (sl_worker.c) */
	/**
	 * Host readiness (epoll_wait, timeout 0) is polled in every
	 * iteration after one that found events, else in every
	 * host_poll_every-th (0 or 1: every iteration; the app sets
	 * SL_HOST_POLL_EVERY; skipped polls count in host_poll_skips).
	 */
	uint8_t host_poll_every;
	uint8_t host_quiet;		/**< iterations since the last poll */
	bool host_hot;			/**< the last poll found events, or a
					 * protocol wants one in this
					 * iteration (a connect started) */
	bool manual_clock;		/**< tests: now_ms is set by hand */
	uint32_t fail_allocs;		/**< tests: the next N sl_alloc* fail */
	uint32_t mbuf_reserve;		/**< mbufs kept for rx and control */
	uint32_t rx_reserve;		/**< rx_mp mbufs guest data never holds */
	/** frames of the port queue's kernel rx ring, where a full ring
	 * drops guest frames instead of stopping the guest (net_af_packet;
	 * TCP's ring budget, sl_tcp_ring.c); 0: the port pushes back */
	uint32_t rx_ring_frames;
	/** the port's header ring (net_af_packet, queue 0's worker): the
	 * guest's SYNs and pure ACKs, read before the rx burst */
	struct sl_hdring *hdring;
	/** the queue's virtio-net tx socket (net_af_packet): the tx
	 * burst's frames go through it, not through the PMD */
	struct sl_vtx *vtx;
	/** the queue's virtio-net rx socket (net_af_packet): the guest's
	 * frames are read from it, not from the PMD's ring */
	struct sl_vrx *vrx;
	uint32_t mp_avail[2];		/**< sl_mp_avail: mp, rx_mp */
	uint64_t mp_avail_iter[2];	/**< iteration they were counted in */
	uint64_t hz_ms;			/**< timer cycles per ms */

	struct sl_neigh *neigh;		/**< the guest's MACs (lib/neigh's) */
	struct sl_flow_table ft;
	struct sl_wheel wheel;
	struct sl_tcp_worker *tcp;	/**< TCP's state (lib/tcp owns it) */

	/**
	 * Data frames an iteration queues at most (sl_tx_room): SL_TX_MAX
	 * less SL_TX_RESERVE; where a full rx ring drops guest frames
	 * (rx_ring_frames), half that ring: the guest answers a tx burst
	 * inside the port's send (its ACKs), and those answers must fit in
	 * the ring beside the guest data TCP's ring budget lets in.
	 */
	uint16_t tx_data_max;
	uint16_t n_tx;			/**< frames queued, backlog first */
	struct rte_mbuf *tx[SL_TX_MAX];

	struct sl_dgram *dgram;		/**< datagram state (lib/dgram's) */
	struct sl_frag *frag;		/**< IPv4 fragments both ways */
	const struct sl_proto *by_ip[256];	/**< the module of IPPROTO_* */
	const struct sl_proto *by_ip6[256];	/**< ... of IPv6 next headers */
	struct sl_proto_calls calls;	/**< per-iteration hooks, in order */

	uint64_t stats[SL_STAT_MAX];
	volatile bool *quit;		/**< set by the control thread */
	struct rte_ring *ctl_ring;	/**< control requests (MP/SC) */
	struct sl_fwd_state *fwd;	/**< forwards and listeners (lib/fwd) */
	struct sl_dhcp *dhcp;		/**< the DHCP server (lib/dhcp) */
	struct sl_icmp6 *icmp6;		/**< NDP and RAs (lib/icmp6) */
	uint64_t sockfail_log_ms;	/**< last host-socket failure logged */
	uint32_t sockfail_quiet;	/**< failures not logged since then */
};

/**
 * sl_worker_init - set up a worker context.
 * @w: zeroed context; protos and nb_protos preset (the protocol modules,
 *     sl_relay_worker_init does it); id, lcore, port_id, queue_id,
 *     tx_burst may be preset
 * @cfg: configuration (must outlive the worker)
 * @mp: mempool for frames sluice builds
 * @host: host backend (owned by the worker from now on)
 *
 * The protocols' init hooks run in their list's order; when one fails,
 * the teardown hooks of it and of those before it run, in reverse order.
 *
 * Return: 0 or -errno.
 */
int sl_worker_init(struct sl_worker *w, const struct sl_config *cfg,
	struct rte_mempool *mp, struct sl_host *host);

/** sl_worker_fini - close every flow and socket, free what init took. */
void sl_worker_fini(struct sl_worker *w);

/**
 * sl_worker_input - classify and handle a burst of guest frames.
 * @w: worker
 * @pkts: frames (consumed: freed or kept by the core)
 * @n: number of frames
 */
void sl_worker_input(struct sl_worker *w, struct rte_mbuf **pkts, uint16_t n);

/**
 * sl_worker_host - handle host-side readiness (no waiting).
 * Return: number of events handled.
 */
int sl_worker_host(struct sl_worker *w, int timeout_ms);

/** sl_worker_timers - fire due timers. Return: number fired. */
unsigned int sl_worker_timers(struct sl_worker *w);

/**
 * sl_worker_clock - refresh w->now_ms (unless the clock is manual).
 * Return: the timer cycles it read (the poll loop's busy accounting).
 */
uint64_t sl_worker_clock(struct sl_worker *w);

/**
 * sl_worker_step - one iteration on frames already received: classify and
 * handle @pkts (a full burst of SL_BURST sets w->rx_behind), host events
 * (no waiting), timers, the per-flow ACKs, and one tx burst. Used by
 * sl_worker_poll and by tests.
 * Return: amount of work done.
 */
unsigned int sl_worker_step(struct sl_worker *w, struct rte_mbuf **pkts,
	uint16_t n);

/**
 * sl_worker_poll - one poll-loop iteration on the port: rx burst, classify,
 * handle, host events, timers, one tx burst.
 * Return: amount of work done (0: idle iteration).
 */
unsigned int sl_worker_poll(struct sl_worker *w);

/**
 * sl_worker_idle_wait - sleep in the host epoll until a host socket has
 * work or @max_ms passed; host events that woke it are handled. The caller
 * polls the port again afterwards.
 */
void sl_worker_idle_wait(struct sl_worker *w, int max_ms);

/** sl_worker_free_flow - release @f: timer, host handle, table slot. */
void sl_worker_free_flow(struct sl_worker *w, struct sl_flow *f, bool abort);

/**
 * sl_worker_socket_fail - the host refused a socket for a guest flow
 * (open or accept; EMFILE, ENFILE, ENOBUFS...): count it in
 * host_socket_fail and log it, at most once per second per worker, with the
 * number of failures not logged since the last line.
 * @w: worker
 * @what: the socket's kind ("TCP", "UDP", "ICMP", "accepted TCP")
 * @err: the negative errno
 */
void sl_worker_socket_fail(struct sl_worker *w, const char *what, int err);

/**
 * sl_worker_publish_offloads - set the tx offloads (SL_TXOL_*) the worker
 * uses from its next iteration on, and the guest's virtio features (0 when
 * not a vhost-user port or no guest attached). Any thread; no lock: the
 * worker reads them once per iteration with an atomic load.
 */
static inline void
sl_worker_publish_offloads(struct sl_worker *w, uint32_t ol,
	uint64_t features)
{
	__atomic_store_n(&w->guest_features, features, __ATOMIC_RELAXED);
	__atomic_store_n(&w->tx_ol_pub, ol, __ATOMIC_RELEASE);
}

/**
 * sl_flow_find - the flow of @key for frame @p: the burst's bulk lookup
 * result when it still holds (an earlier frame of the burst may have
 * created or freed a flow), else a fresh lookup.
 */
static inline struct sl_flow *
sl_flow_find(struct sl_worker *w, const struct sl_pkt *p,
	const struct sl_flow_key *key)
{
	struct sl_flow *f = p->flow;

	if (f != NULL && f->in_use && memcmp(&f->key, key, sizeof(*key)) == 0)
		return f;
	return sl_flow_lookup(&w->ft, key);
}

/**
 * sl_pkt_key - the flow key of guest frame @p (IPv4 or IPv6) for @proto
 * and the guest's and the destination's ports (network order).
 */
static inline struct sl_flow_key
sl_pkt_key(const struct sl_pkt *p, uint8_t proto, uint16_t gport,
	uint16_t dport)
{
	struct sl_addr g, d;

	if (likely(p->ip != NULL))
		return sl_flow_key_make(proto, p->ip->src_addr, gport,
			p->ip->dst_addr, dport);
	memcpy(g.b, p->ip6->src_addr, sizeof(g.b));
	memcpy(d.b, p->ip6->dst_addr, sizeof(d.b));
	return sl_flow_key_make6(proto, &g, gport, &d, dport);
}

#endif /* SL_WORKER_H */
