/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_vtx.h: a net_af_packet port's frames toward the guest through a
 * socket of sluice's own that speaks virtio-net headers (sl_vtx.c).
 */
#ifndef SL_VTX_H
#define SL_VTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#include <rte_mbuf.h>

struct sl_vtx;

/**
 * sl_vtx_open - a socket that sends frames on interface @ifindex, each
 * behind a virtio-net header (PACKET_VNET_HDR), past the qdisc.
 * @err: why not, when it returns NULL (@errlen bytes)
 *
 * Return: the socket's state, or NULL.
 */
struct sl_vtx *sl_vtx_open(int ifindex, char *err, size_t errlen);

/**
 * sl_vtx_tso - whether the socket's interface segments TCP itself: only
 * then may GSO frames go through it (the kernel drops those it would have
 * to cut in software past the qdisc).
 */
bool sl_vtx_tso(const struct sl_vtx *v);

/** sl_vtx_close - close the socket (NULL: nothing). */
void sl_vtx_close(struct sl_vtx *v);

/**
 * sl_vtx_hdr - the virtio-net header of frame @m from its tx offload
 * flags: a partial TCP checksum (RTE_MBUF_F_TX_TCP_CKSUM, the field holds
 * the pseudo-header sum) becomes NEEDS_CSUM, a TCP_SEG frame a GSO frame
 * of tso_segsz-byte segments of its family; an IPv4 header checksum left to
 * the port (TX_IP_CKSUM) is computed here, as the kernel will not.
 * @h: filled in
 */
void sl_vtx_hdr(struct rte_mbuf *m, struct virtio_net_hdr *h);

/**
 * sl_vtx_send - send frames @m[0..n) in order (one sendmmsg for a burst);
 * the sent ones are freed. A full socket buffer (EAGAIN) or a full queue
 * behind the interface (ENOBUFS) ends the call. A frame the kernel refuses
 * (malformed, link down), or still drops after VTX_STUCK_MAX calls in a row,
 * is freed too and counted in *@bad (it would block the rest for ever).
 *
 * Return: frames consumed (sent or refused), the rest stay the caller's.
 */
uint16_t sl_vtx_send(struct sl_vtx *v, struct rte_mbuf **m, uint16_t n,
	uint64_t *bad);

#endif /* SL_VTX_H */
