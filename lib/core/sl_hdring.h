/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_hdring.h: the header ring of a net_af_packet port: a second AF_PACKET
 * rx ring, of small frames, that takes the guest's TCP segments without
 * payload (SYNs and pure ACKs) off the PMD's ring of large frames
 * (sl_hdring.c has the theory of operation).
 */
#ifndef SL_HDRING_H
#define SL_HDRING_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

/** Frames of a header ring (256 bytes each: 1 MiB of kernel memory). */
#define SL_HDRING_FRAMES	4096

struct sl_hdring;

/**
 * sl_hdring_open - open the header ring of a net_af_packet port.
 * @ifindex: the port's interface
 * @port_id: the ethdev port (frames read are marked with it)
 * @pmd_fds: the PMD's AF_PACKET sockets on @ifindex (their filter is set
 *	to refuse what the header ring takes)
 * @nb_pmd_fds: their number
 * @vnet: frames come with virtio-net headers (PACKET_VNET_HDR): a partial
 *	checksum is vouched for as by the port's virtio-net rx sockets
 *	(sl_vrx_offload), which read the rest of the guest's frames
 * @err: one-line reason on failure
 * @errlen: size of @err
 *
 * Return: the ring, or NULL (nothing changed: the PMD's sockets keep
 * every frame).
 */
struct sl_hdring *sl_hdring_open(int ifindex, uint16_t port_id,
	const int *pmd_fds, unsigned int nb_pmd_fds, bool vnet, char *err,
	size_t errlen);

/**
 * sl_hdring_attach_filter - attach the header ring's classifier to socket
 * @fd: with @take, it keeps the frames the header ring takes (TCP without
 * payload, SYN alone or ACK alone; see sl_hdring.c), else all the others.
 * Return: 0 or -errno.
 */
int sl_hdring_attach_filter(int fd, bool take);

/**
 * sl_hdring_fd - the ring's socket (its PACKET_STATISTICS count the
 * frames it had no room for; it is readable when frames wait).
 */
int sl_hdring_fd(const struct sl_hdring *r);

/**
 * sl_hdring_rx - copy up to @max waiting frames into mbufs from @mp, in
 * arrival order.
 * @r: the ring
 * @mp: pool
 * @pkts: filled
 * @max: room in @pkts
 * @skipped: incremented by frames given back unread (truncated, or no
 *	mbuf: the guest resends)
 *
 * Return: frames stored in @pkts.
 */
uint16_t sl_hdring_rx(struct sl_hdring *r, struct rte_mempool *mp,
	struct rte_mbuf **pkts, uint16_t max, uint64_t *skipped);

/**
 * sl_hdring_close - give the PMD's sockets every frame again, unmap and
 * close the ring. NULL is a no-op.
 */
void sl_hdring_close(struct sl_hdring *r);

#endif /* SL_HDRING_H */
