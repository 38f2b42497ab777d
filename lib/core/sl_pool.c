/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_pool.c: the sizing formulas of a port's mbuf pools (the main one, and
 * the rx pool of ring-frame mbufs, the process's payload pool) and their
 * creation (sl_pool.h).
 */
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>

#include "sl_pool.h"
#include "sl_worker.h"

/** pool_parts - the non-TCP and the TCP part of the pool (0, 0: nonsense). */
/**
 * cache_mbufs - mbufs the per-lcore caches of a pool with @cache-sized
 * caches may hold: @lcores workers and the main lcore, each cache growing
 * to 1.5 times its size (its flush threshold).
 */
static uint64_t
cache_mbufs(uint32_t lcores, uint32_t cache)
{
	return (uint64_t)(lcores + 1) * cache * 3 / 2;
}

static void
pool_parts(const struct sl_pool_need *n, uint64_t *base, uint64_t *tcp)
{
	/* a ring-copying PMD's descriptors hold no mbufs */
	uint64_t rings = n->ring_copy ? n->ring_rx :
		(uint64_t)n->rxd + n->txd;

	*base = *tcp = 0;
	if (n->queues == 0 || n->rxd == 0 || n->txd == 0 ||
	    n->seg_data == 0 || n->tcp_buf == 0 || n->max_buffered == 0 ||
	    n->queues > RTE_MAX_LCORE)
		return;
	/* per queue: its rings, an iteration's frames, an rx burst; a
	 * cache may grow to 1.5 times its size; the main lcore has one */
	*base = (uint64_t)n->queues * (rings + SL_TX_MAX + SL_BURST) +
		cache_mbufs(n->queues, SL_MBUF_CACHE);
	*tcp = RTE_MIN(n->max_buffered * n->queues,
		(uint64_t)SL_POOL_TCP_WINDOWS * n->tcp_buf * n->queues);
	*tcp = (*tcp + n->seg_data - 1) / n->seg_data;
	if (*base + *tcp > SL_POOL_MAX)
		*base = *tcp = 0;
}

uint32_t
sl_pool_mbufs(const struct sl_pool_need *n)
{
	uint64_t base, tcp;

	pool_parts(n, &base, &tcp);
	return (uint32_t)(base + tcp);
}

uint32_t
sl_pool_reserve(const struct sl_pool_need *n)
{
	uint64_t base, tcp;

	pool_parts(n, &base, &tcp);
	return (uint32_t)base;
}

uint32_t
sl_pool_ring_mbufs(const struct sl_pool_ring *r)
{
	uint64_t n;

	if (r->queues == 0 || r->frames == 0 || r->queues > RTE_MAX_LCORE)
		return 0;
	n = (uint64_t)r->queues * ((uint64_t)r->frames + SL_BURST) +
		cache_mbufs(r->queues, r->cache);
	return n > SL_POOL_MAX ? 0 : (uint32_t)n;
}

struct rte_mempool *
sl_pool_create(const char *name, uint32_t n, uint32_t cache,
	uint16_t data_room, int socket)
{
	struct rte_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = data_room,
		.mbuf_priv_size = 0,
	};
	struct rte_mempool *mp;
	unsigned int flags = 0;

	/* with hugepages a device may DMA into an mbuf: keep the default
	 * (objects IOVA-contiguous) */
	if (rte_eal_has_hugepages())
		return rte_pktmbuf_pool_create(name, n, cache, 0, data_room,
			socket);
	flags |= RTE_MEMPOOL_F_NO_IOVA_CONTIG;
	mp = rte_mempool_create_empty(name, n, sizeof(struct rte_mbuf) +
		data_room, cache, sizeof(priv), socket, flags);
	if (mp == NULL)
		return NULL;
	if (rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(),
	    NULL) != 0)
		goto fail;
	rte_pktmbuf_pool_init(mp, &priv);
	if (rte_mempool_populate_default(mp) < 0)
		goto fail;
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
fail:
	rte_mempool_free(mp);
	rte_errno = ENOMEM;
	return NULL;
}

/* the payload pool (sl_pool_pay_get) and its references */
static struct rte_mempool *pay_mp;
static unsigned int pay_refs;

uint32_t
sl_pool_pay_mbufs(uint64_t tcp_buf, uint32_t lcores)
{
	uint64_t n;

	if (tcp_buf == 0 || lcores == 0 || lcores > RTE_MAX_LCORE)
		return 0;
	n = (uint64_t)lcores * ((SL_PAY_WINDOWS * tcp_buf + SL_PAY_ROOM - 1) /
		SL_PAY_ROOM) + cache_mbufs(lcores, SL_PAY_CACHE);
	return n > SL_POOL_MAX ? 0 : (uint32_t)n;
}

struct rte_mempool *
sl_pool_pay_get(uint64_t tcp_buf, int socket)
{
	uint32_t n;

	if (pay_mp == NULL) {
		n = sl_pool_pay_mbufs(tcp_buf, rte_lcore_count());
		if (n == 0) {
			rte_errno = EINVAL;
			return NULL;
		}
		pay_mp = sl_pool_create("sl_paymp", n, SL_PAY_CACHE,
			SL_PAY_ROOM + RTE_PKTMBUF_HEADROOM, socket);
		if (pay_mp == NULL)
			return NULL;
	}
	pay_refs++;
	return pay_mp;
}

void
sl_pool_pay_put(struct rte_mempool *mp)
{
	if (mp == NULL || mp != pay_mp || pay_refs == 0)
		return;
	if (--pay_refs == 0) {
		rte_mempool_free(pay_mp);
		pay_mp = NULL;
	}
}
