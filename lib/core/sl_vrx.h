/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_vrx.h: the guest's frames from a net_af_packet port, read through an
 * AF_PACKET socket of sluice's own with virtio-net headers (sl_vrx.c).
 */
#ifndef SL_VRX_H
#define SL_VRX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

/* the largest frame a read takes: a 64 KiB GSO frame (IP length 65535)
 * behind an Ethernet header and a VLAN tag */
#define SL_VRX_FRAME_MAX	(65535u + 14u + 4u)

struct sl_vrx;

/** what a read refused or noted, added to the caller's counters */
struct sl_vrx_stats {
	uint64_t gso;		/**< GSO frames taken (TCP) or cut (UDP) */
	uint64_t too_big;	/**< frames over SL_VRX_FRAME_MAX (MSG_TRUNC) */
	uint64_t bad;		/**< runts, GSO types sluice does not take */
	uint64_t nombuf;	/**< reads cut short: no mbufs for the slots */
};

/**
 * sl_vrx_open - open the virtio-net rx socket of one queue (every queue's
 * socket joins the port's one fanout group: flow hash, and IPv4 fragments
 * reassembled by the kernel, PACKET_FANOUT_FLAG_DEFRAG).
 * @ifindex: the port's interface
 * @port_id: set in the mbufs read (m->port)
 * @mp: the pool the reads take their mbufs from
 * @seg_mp: the pool of the datagrams cut from UDP GSO frames where they fit
 *	its mbufs (NULL: @mp)
 * @rcvbuf: socket receive buffer, bytes (SO_RCVBUFFORCE as root)
 * @take_headers: false when the port's header ring takes the guest's SYNs
 *	and pure ACKs (the socket gets the ring's filter, reversed)
 * @err: one line on failure
 * @errlen: size of @err
 *
 * The socket is filtered and bound, and receives from then on; the PMD's
 * sockets are not touched (sl_vrx_mute).
 * Return: the socket, or NULL.
 */
struct sl_vrx *sl_vrx_open(int ifindex, uint16_t port_id,
	struct rte_mempool *mp, struct rte_mempool *seg_mp, uint32_t rcvbuf,
	bool take_headers, char *err, size_t errlen);

/** sl_vrx_fd - the socket's descriptor (idle wake-ups, drop counts). */
int sl_vrx_fd(const struct sl_vrx *v);

/**
 * sl_vrx_slot_mbufs - mbufs one queue's socket holds for its reads (its
 * slots) with a pool of @seg_room bytes per mbuf: for sizing that pool.
 */
uint32_t sl_vrx_slot_mbufs(uint32_t seg_room);

/**
 * sl_vrx_mute - attach a filter that takes nothing to each of @fds (the
 * PMD's own packet sockets, whose frames this socket now reads).
 * Return: 0 or -errno of the first that failed.
 */
int sl_vrx_mute(const int *fds, unsigned int n);

/**
 * sl_vrx_rx - read up to @max guest frames (one recvmmsg).
 * @v: the socket
 * @pkts: filled with the frames (chains of @v's pool's mbufs)
 * @max: at most SL_VRX_SLOTS
 * @st: what was refused, added to
 * Return: frames in @pkts.
 */
uint16_t sl_vrx_rx(struct sl_vrx *v, struct rte_mbuf **pkts, uint16_t max,
	struct sl_vrx_stats *st);

/**
 * sl_vrx_offload - turn a virtio-net header into @m's rx flags: a partial
 * checksum (NEEDS_CSUM) or a TCP GSO frame is RX_L4_CKSUM_NONE (sum not in
 * the frame, data intact: it came from the guest kernel's memory),
 * DATA_VALID is RX_L4_CKSUM_GOOD. Return: false for a GSO type it does
 * not take as one frame (UDP: sl_vrx_udp_segment cuts UDP_L4 frames).
 */
bool sl_vrx_offload(const struct virtio_net_hdr *h, struct rte_mbuf *m);

/* datagrams of one UDP GSO frame at most (Linux's UDP_MAX_SEGMENTS) */
#define SL_VRX_UDP_SEGS	128

/**
 * sl_vrx_udp_segment - cut a UDP GSO frame (VIRTIO_NET_HDR_GSO_UDP_L4: a
 * guest socket's UDP_SEGMENT) into the datagrams it carries, as the
 * kernel's GSO would: each its headers' copy with the lengths (IPv4: total
 * length, id + i, header checksum) of its share of @h->gso_size bytes, its
 * checksum vouched for (RX_L4_CKSUM_NONE).
 * @m: the frame (Ethernet, IPv4 or IPv6 without extension headers, UDP);
 *	left to the caller
 * @h: its header
 * @mp: pool of the datagrams (each one mbuf)
 * @out: filled, SL_VRX_UDP_SEGS at most
 * Return: datagrams in @out, or -1 (a malformed frame, too many segments,
 * a segment larger than an mbuf, no mbufs: none made).
 */
int sl_vrx_udp_segment(const struct rte_mbuf *m, const struct virtio_net_hdr *h,
	struct rte_mempool *mp, struct rte_mbuf **out);

/** sl_vrx_close - close the socket, free its slots' mbufs (NULL: none). */
void sl_vrx_close(struct sl_vrx *v);

/* frames one read may take */
#define SL_VRX_SLOTS	32

#endif /* SL_VRX_H */
