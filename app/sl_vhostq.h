/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_vhostq.h: which tx queues of a multi-queue vhost-user port the guest
 * has enabled, kept in the port's steering state.
 */
#ifndef SL_VHOSTQ_H
#define SL_VHOSTQ_H

#include <stdint.h>

#include "sl_steer.h"

/**
 * sl_vhostq_watch - follow the queue-state and link events of net_vhost
 * port @port_id: a tx queue counts as usable only while the guest has its
 * vring enabled (sl_steer_set_tx); a link down marks every queue but 0
 * unusable until the next guest enables them again.
 * @port_id: a net_vhost port with several queues
 * @s: its steering state (must outlive the watch)
 *
 * Return: 0, or -1 when the callbacks cannot be registered.
 */
int sl_vhostq_watch(uint16_t port_id, struct sl_steer *s);

/** sl_vhostq_unwatch - stop following @port_id's events. */
void sl_vhostq_unwatch(uint16_t port_id, struct sl_steer *s);

#endif /* SL_VHOSTQ_H */
