/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_vhostq.c: the queue pairs a vhost-user guest actually uses.
 *
 * A VM attached with N queue pairs enables only as many as it wants (Linux
 * uses one per vCPU; ethtool -L changes it). net_vhost drops whatever is
 * sent on a queue whose guest vring is disabled, so a worker must know
 * whether its own tx queue can deliver (sl_steer.c hands its frames to
 * worker 0 otherwise). net_vhost reports vring changes with
 * RTE_ETH_EVENT_QUEUE_STATE, read with rte_eth_vhost_get_queue_event(); the
 * PMD forgets the states silently when the guest goes away, so a link-down
 * event marks every queue but 0 unusable again. Callbacks run on the
 * vhost-user thread; they only flip bits with atomic operations.
 */
#include <rte_eth_vhost.h>
#include <rte_ethdev.h>

#include "sl_log.h"
#include "sl_vhostq.h"

#define PLOG(l, ...) SL_LOG(PORT, l, __VA_ARGS__)

/**
 * all_off - every queue but 0 unusable (no guest, or not yet enabled).
 */
static void
all_off(struct sl_steer *s)
{
	unsigned int q;

	for (q = 1; q < s->n; q++)
		sl_steer_set_tx(s, q, false);
}

/**
 * drain_events - apply the vring changes net_vhost has queued for
 * @port_id: the PMD's tx queue q is the guest's receive vring of pair q.
 */
static void
drain_events(uint16_t port_id, struct sl_steer *s)
{
	struct rte_eth_vhost_queue_event ev;

	while (rte_eth_vhost_get_queue_event(port_id, &ev) == 0) {
		if (ev.rx || ev.queue_id >= s->n)
			continue;
		sl_steer_set_tx(s, ev.queue_id, ev.enable);
		PLOG(INFO, "port %u: guest %s tx queue %u\n", port_id,
			ev.enable ? "enabled" : "disabled", ev.queue_id);
	}
}

/**
 * vq_event - ethdev callback: queue state changed, or the link did.
 */
static int
vq_event(uint16_t port_id, enum rte_eth_event_type type, void *arg,
	void *ret)
{
	struct sl_steer *s = arg;
	struct rte_eth_link link;

	(void)ret;
	if (type == RTE_ETH_EVENT_INTR_LSC) {
		if (rte_eth_link_get_nowait(port_id, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_DOWN)
			all_off(s);
		return 0;
	}
	drain_events(port_id, s);
	return 0;
}

int
sl_vhostq_watch(uint16_t port_id, struct sl_steer *s)
{
	all_off(s);
	if (rte_eth_dev_callback_register(port_id, RTE_ETH_EVENT_QUEUE_STATE,
	    vq_event, s) != 0 ||
	    rte_eth_dev_callback_register(port_id, RTE_ETH_EVENT_INTR_LSC,
	    vq_event, s) != 0) {
		PLOG(ERR, "port %u: no queue-state events: its extra queues "
			"cannot be used\n", port_id);
		sl_vhostq_unwatch(port_id, s);
		return -1;
	}
	/* vrings a guest enabled before we registered */
	drain_events(port_id, s);
	return 0;
}

void
sl_vhostq_unwatch(uint16_t port_id, struct sl_steer *s)
{
	rte_eth_dev_callback_unregister(port_id, RTE_ETH_EVENT_QUEUE_STATE,
		vq_event, s);
	rte_eth_dev_callback_unregister(port_id, RTE_ETH_EVENT_INTR_LSC,
		vq_event, s);
}
