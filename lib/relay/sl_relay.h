/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_relay.h: the relay as a whole, the one module that knows every
 * protocol: it hands the protocol table (sl_proto.h) to a worker, so the
 * worker (lib/core) and the protocols never include each other.
 */
#ifndef SL_RELAY_H
#define SL_RELAY_H

#include <rte_mempool.h>

#include "sl_config.h"
#include "sl_host.h"
#include "sl_worker.h"

/**
 * sl_relay_attach - give worker @w sluice's protocol list, in the order
 * the poll loop calls them (control, neighbours, fragments, ARP, DHCP,
 * TCP, UDP, ICMP, forwards). Before sl_worker_init().
 */
void sl_relay_attach(struct sl_worker *w);

/**
 * sl_relay_worker_init - sl_relay_attach(), then sl_worker_init().
 * @w: zeroed context; id, lcore, port_id, queue_id, tx_burst may be preset
 * @cfg: configuration (must outlive the worker)
 * @mp: mempool for frames sluice builds
 * @host: host backend (owned by the worker from now on)
 *
 * Return: 0 or -errno.
 */
int sl_relay_worker_init(struct sl_worker *w, const struct sl_config *cfg,
	struct rte_mempool *mp, struct sl_host *host);

#endif /* SL_RELAY_H */
