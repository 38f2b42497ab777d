/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_port.h: guest port set-up from what the ethdev reports.
 */
#ifndef SL_PORT_H
#define SL_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "sl_config.h"

struct sl_hdring;
struct sl_vrx;
struct sl_vtx;

/* most wake descriptors one port has (one AF_PACKET socket per queue) */
#define SL_PORT_WAKE_MAX	16

/** One configured guest port. */
struct sl_port {
	uint16_t port_id;
	char name[RTE_ETH_NAME_MAX_LEN];
	const char *driver;
	struct rte_ether_addr mac;
	struct rte_mempool *mp;	/**< frames we build (and rx, by default) */
	struct rte_mempool *rx_mp; /**< rx only, when frames need bigger mbufs */
	/** the process's payload pool (sl_pool_pay_get), where segments
	 * toward the guest may be larger than one of mp's mbufs (NULL: none) */
	struct rte_mempool *pay_mp;
	uint16_t mtu;		/**< MTU in effect (what the guest gets) */
	uint16_t tx_mtu;	/**< largest IP packet the port transmits
				 * (longer datagrams leave in fragments) */
	uint16_t seg_room;	/**< payload bytes per mbuf */
	bool multiseg;		/**< tx accepts chains */
	bool vhost;		/**< net_vhost: the guest negotiates features */
	uint64_t rx_offloads;	/**< checksum/LRO offloads enabled (rxmode) */
	uint64_t tx_offloads;	/**< checksum/TSO offloads enabled (txmode) */
	uint16_t nb_rxd;
	uint16_t nb_txd;
	unsigned int nb_mbufs;
	unsigned int mbuf_reserve; /**< mbufs TCP leaves (0: a quarter) */
	unsigned int nb_rx_mbufs; /**< size of rx_mp */
	uint16_t nb_queues;	/**< rx/tx queue pairs, one worker each */
	bool rss;		/**< RSS programmed with sluice's steering */
	uint16_t reta_size;	/**< its indirection table (rss only) */
	/** RTE_ETH_RSS_* the port reads back with sluice's key (rss only):
	 * the mbuf hash of those frames is steering's own (sl_steer_set_rss) */
	uint64_t rss_hf;
	bool started;
	/** net_af_packet: its AF_PACKET sockets (the PMD's, found at
	 * set-up, then the header ring's and the virtio-net rx sockets): a
	 * worker's idle sleep wakes on them, and their PACKET_STATISTICS
	 * count the frames its rx rings (sockets) had no room for (the PMD,
	 * DPDK 22.11, reports none of them) */
	int ring_fds[SL_PORT_WAKE_MAX];
	unsigned int nb_ring_fds;
	/** net_af_packet: the ring that takes the guest's SYNs and pure ACKs
	 * off the PMD's (sl_hdring.c; NULL: none, every frame is the PMD's);
	 * its socket is the last of ring_fds */
	struct sl_hdring *hdring;
	/** net_af_packet: frames toward the guest go through sockets of
	 * sluice's own with virtio-net headers (sl_vtx.c), one per queue,
	 * which take TCP checksums and TSO off the workers (NULL: the PMD's
	 * tx) */
	struct sl_vtx *vtx[SL_PORT_WAKE_MAX];
	/** net_af_packet: the guest's frames come through sockets of
	 * sluice's own with virtio-net headers (sl_vrx.c), one per queue;
	 * the PMD's sockets then take nothing (NULL: the PMD's rx) */
	struct sl_vrx *vrx[SL_PORT_WAKE_MAX];
	uint32_t ring_frame;	/**< bytes of each ring frame (0: no ring) */
	uint32_t ring_frames;	/**< frames of each kernel rx ring (0: the
				 * port pushes back on the guest instead) */
	uint64_t ring_drops;	/**< their total so far (atomic) */
	uint64_t ring_drops_logged;	/**< total when last logged */
	uint64_t ring_log_ms;	/**< when last logged (control thread) */
};

/**
 * sl_port_setup - configure and start @port_id with cfg->queues rx/tx queue
 * pairs (default one).
 * @port_id: ethdev port
 * @cfg: configuration
 * @sp: filled
 * @err: one-line reason on failure
 * @errlen: size of @err
 *
 * The MTU is cfg->mtu (or 65520) clamped to the port's range and to what its
 * rx scatter / tx multi-segment support allows (net_tap: 65520 received,
 * 1500 transmitted: TCP segments to the MSS, datagrams are fragmented by
 * sl_frag.c, so the guest may keep the larger MTU); descriptor counts are the
 * configured ones adjusted to the port's limits; the mempool is sized from
 * the descriptors, the burst sizes and the configured flow buffering.
 *
 * Return: 0 or -1.
 */
int sl_port_setup(uint16_t port_id, const struct sl_config *cfg,
	struct sl_port *sp, char *err, size_t errlen);

/** sl_port_stop - stop and close the port, free its pool. */
void sl_port_stop(struct sl_port *sp);

/**
 * sl_port_ring_drops - guest frames @sp's rx rings had no room for, in all
 * (net_af_packet: the kernel's tp_drops of each of its sockets, which a
 * read resets, added to sp->ring_drops; 0 for other drivers, whose ethdev
 * counts them as imissed). Safe from the control and telemetry threads
 * at once: each read takes its own share.
 * Return: the total.
 */
uint64_t sl_port_ring_drops(struct sl_port *sp);

/**
 * sl_port_ring_check - log (warning) the frames @sp's rx rings dropped
 * since the last such line, at most once in SL_PORT_RING_LOG_MS (@now_ms,
 * the EAL timer in milliseconds): a ring that overflows loses guest frames, which
 * the guest then resends after its timeout. Control thread only.
 */
void sl_port_ring_check(struct sl_port *sp, uint64_t now_ms);

#define SL_PORT_RING_LOG_MS	10000

#endif /* SL_PORT_H */
