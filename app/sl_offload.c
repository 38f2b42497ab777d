/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_offload.c: which tx offloads (TCP checksum, TSO) each worker uses
 * toward its guest, and keeping that current.
 *
 * sl_port_setup() enables what the port offers (port_offloads()). On most
 * ports that is the whole story and is published once. On net_vhost the
 * guest decides: the vhost library writes a virtio-net header for every
 * frame, and a partial checksum (NEEDS_CSUM) or a GSO frame is only valid
 * for a guest that negotiated VIRTIO_NET_F_GUEST_CSUM / GUEST_TSO4 (TCP over
 * IPv4) / GUEST_TSO6 (TCP over IPv6), each family on its own. A VM
 * may restart (or reload its driver) with other features, so the state is
 * recomputed on every link event of the port: the vhost library attaches
 * a device (new features known) and raises LSC, or detaches it. The LSC
 * callback runs on the vhost-user or interrupt thread; it publishes the
 * bits with an atomic store (sl_worker_publish_offloads) that the worker
 * loads once per poll iteration: no lock on the worker's path. The lock
 * here only orders concurrent evaluations on control threads (the first
 * one, from main, can race a guest attaching).
 *
 * A guest that attaches (link up with its features known) is also asked
 * for its MAC at once (sl_neigh_start): a VM that reconnects keeps its
 * address and may not speak first.
 */
#include <inttypes.h>
#include <pthread.h>

#include <rte_eth_vhost.h>
#include <rte_ethdev.h>
#include <rte_vhost.h>

#include "sl_log.h"
#include "sl_neigh.h"
#include "sl_offload.h"
#include "sl_steer.h"

#define PLOG(l, ...) SL_LOG(PORT, l, __VA_ARGS__)

/** One watched port: its workers (one per queue). */
struct ol_watch {
	struct sl_worker *w[SL_STEER_MAX];
	unsigned int nw;
	const struct sl_port *sp;
	bool vhost;
	bool registered;
};

static struct ol_watch watches[RTE_MAX_ETHPORTS];
static pthread_mutex_t ol_lock = PTHREAD_MUTEX_INITIALIZER;

uint32_t
sl_offload_txol(const struct sl_port *sp, bool vhost, uint64_t features)
{
	uint32_t ol = 0;

	if (!vhost) {
		if (sp->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
			ol |= SL_TXOL_CSUM;
		if (sp->tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
			ol |= SL_TXOL_IP_CSUM;
		/* ethdev's TCP_TSO covers both families */
		if ((ol & SL_TXOL_CSUM) &&
		    (sp->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO))
			ol |= SL_TXOL_TSO4 | SL_TXOL_TSO6;
		return ol;
	}
	if ((sp->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) &&
	    (features & (1ULL << VIRTIO_NET_F_GUEST_CSUM)))
		ol |= SL_TXOL_CSUM;
	if (!(ol & SL_TXOL_CSUM) || !sp->multiseg)
		return ol;
	if (features & (1ULL << VIRTIO_NET_F_GUEST_TSO4))
		ol |= SL_TXOL_TSO4;
	if (features & (1ULL << VIRTIO_NET_F_GUEST_TSO6))
		ol |= SL_TXOL_TSO6;
	return ol;
}

/**
 * guest_features - the virtio features of the guest attached to vhost port
 * @port_id, or 0 when the link is down or no guest is attached.
 */
static uint64_t
guest_features(uint16_t port_id)
{
	struct rte_eth_link link;
	uint64_t feat = 0;
	int vid;

	if (rte_eth_link_get_nowait(port_id, &link) != 0 ||
	    link.link_status != RTE_ETH_LINK_UP)
		return 0;
	vid = rte_eth_vhost_get_vid_from_port_id(port_id);
	if (vid < 0 || rte_vhost_get_negotiated_features(vid, &feat) != 0)
		return 0;
	return feat;
}

/** onoff - "on" when @bits is not zero. */
static const char *
onoff(uint64_t bits)
{
	return bits != 0 ? "on" : "off";
}

/**
 * ol_update - recompute and publish the offloads of watched port @ow.
 */
static void
ol_update(struct ol_watch *ow)
{
	uint64_t feat = 0;
	uint32_t ol, old;
	unsigned int i;

	pthread_mutex_lock(&ol_lock);
	if (ow->vhost)
		feat = guest_features(ow->sp->port_id);
	ol = sl_offload_txol(ow->sp, ow->vhost, feat);
	old = __atomic_load_n(&ow->w[0]->tx_ol_pub, __ATOMIC_RELAXED);
	for (i = 0; i < ow->nw; i++)
		sl_worker_publish_offloads(ow->w[i], ol, feat);
	pthread_mutex_unlock(&ol_lock);
	if (ow->vhost && feat != 0) {
		sl_neigh_start(ow->w[0]);
		PLOG(INFO, "port %u: guest offloads: csum %s, tso %s, tso6 "
			"%s, guest sends tso %s, tso6 %s (virtio features 0x%"
			PRIx64 ")\n", ow->sp->port_id, onoff(ol & SL_TXOL_CSUM),
			onoff(ol & SL_TXOL_TSO4), onoff(ol & SL_TXOL_TSO6),
			onoff(feat & (1ULL << VIRTIO_NET_F_HOST_TSO4)),
			onoff(feat & (1ULL << VIRTIO_NET_F_HOST_TSO6)), feat);
	} else if (ol != old) {
		PLOG(INFO, "port %u: tx offloads: csum %s, tso %s, tso6 %s\n",
			ow->sp->port_id, onoff(ol & SL_TXOL_CSUM),
			onoff(ol & SL_TXOL_TSO4), onoff(ol & SL_TXOL_TSO6));
	}
}

/**
 * ol_event - ethdev LSC callback: a guest attached or left.
 */
static int
ol_event(uint16_t port_id, enum rte_eth_event_type type, void *arg,
	void *ret)
{
	(void)port_id;
	(void)type;
	(void)ret;
	ol_update(arg);
	return 0;
}

int
sl_offload_watch(struct sl_worker *w, const struct sl_port *sp)
{
	struct ol_watch *ow = &watches[sp->port_id];
	int rc;

	if (ow->nw >= SL_STEER_MAX)
		return -1;
	pthread_mutex_lock(&ol_lock);
	ow->w[ow->nw++] = w;
	pthread_mutex_unlock(&ol_lock);
	if (ow->nw > 1) {
		/* another queue's worker of a port already watched */
		ol_update(ow);
		return 0;
	}
	ow->sp = sp;
	ow->vhost = sp->vhost;
	if (ow->vhost) {
		rc = rte_eth_dev_callback_register(sp->port_id,
			RTE_ETH_EVENT_INTR_LSC, ol_event, ow);
		if (rc != 0) {
			PLOG(ERR, "port %u: no link events for offloads (%s)\n",
				sp->port_id, rte_strerror(-rc));
			return -1;
		}
		ow->registered = true;
	}
	/* after registering: a guest that attached before is seen here */
	ol_update(ow);
	return 0;
}

void
sl_offload_unwatch(const struct sl_port *sp)
{
	struct ol_watch *ow = &watches[sp->port_id];

	if (ow->registered)
		rte_eth_dev_callback_unregister(sp->port_id,
			RTE_ETH_EVENT_INTR_LSC, ol_event, ow);
	ow->registered = false;
	ow->nw = 0;
}
