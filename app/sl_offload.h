/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_offload.h: the tx offloads (checksum, TSO) each worker uses toward its
 * guest, kept current as guests attach to vhost-user ports.
 */
#ifndef SL_OFFLOAD_H
#define SL_OFFLOAD_H

#include <stdint.h>

#include "sl_port.h"
#include "sl_worker.h"

/**
 * sl_offload_txol - the SL_TXOL_* bits for a port and a guest.
 * @sp: the port (its enabled tx offloads, multi-segment tx)
 * @vhost: the port is net_vhost: the guest's features decide
 * @features: the virtio features the guest negotiated (vhost; 0: none or
 *	no guest attached)
 *
 * net_vhost: TCP checksum offload when the port has it enabled and the
 * guest negotiated VIRTIO_NET_F_GUEST_CSUM; TSO for TCP over IPv4 (TSO4)
 * and over IPv6 (TSO6), each when that holds, the port sends chains and the
 * guest negotiated VIRTIO_NET_F_GUEST_TSO4 / GUEST_TSO6 (the vhost library
 * turns RTE_MBUF_F_TX_TCP_SEG into a GSO virtio-net header of the mbuf's
 * family). Other ports: what sl_port_setup() enabled (TCP_TSO: both).
 *
 * Return: SL_TXOL_* bits.
 */
uint32_t sl_offload_txol(const struct sl_port *sp, bool vhost,
	uint64_t features);

/**
 * sl_offload_watch - publish @w's tx offloads for port @sp now, and for a
 * net_vhost port again on every link change (a guest attaching, possibly
 * with other features, or leaving), from the ethdev LSC event.
 * @w: a worker of the port (called once for each of its queues' workers)
 * @sp: the port (must outlive the watch)
 *
 * Return: 0, or -1 when the event callback cannot be registered.
 */
int sl_offload_watch(struct sl_worker *w, const struct sl_port *sp);

/** sl_offload_unwatch - stop following @sp's link events. */
void sl_offload_unwatch(const struct sl_port *sp);

#endif /* SL_OFFLOAD_H */
