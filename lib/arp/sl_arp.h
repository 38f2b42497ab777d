/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_arp.h: ARP responder for the gateway and DNS addresses.
 */
#ifndef SL_ARP_H
#define SL_ARP_H

#include "sl_io.h"
#include "sl_net.h"

/**
 * sl_arp_input - answer a guest ARP request for the gateway or DNS address
 * and tell the neighbour module what ARP from a guest address shows.
 * Requests for any other address (the guest's own above all) are ignored.
 * @w: worker
 * @p: parsed ARP frame (not consumed)
 *
 * Return: false (the protocol table's input hook: the frame is not kept).
 */
bool sl_arp_input(struct sl_worker *w, const struct sl_pkt *p);

/** ARP in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_arp_proto;

#endif /* SL_ARP_H */
