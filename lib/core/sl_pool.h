/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_pool.h: how many mbufs a port's pool needs (sl_pool_mbufs: its rings,
 * an iteration's frames, the per-lcore caches and the TCP buffering the
 * configuration allows, not a fixed count), the pool itself
 * (sl_pool_create: without hugepages its objects may cross 4 KiB pages, so
 * a 2 KiB mbuf no longer takes a page of its own), and the process's
 * payload pool of large mbufs for the bulk of host data toward guests
 * (sl_pool_pay_get).
 */
#ifndef SL_POOL_H
#define SL_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#define SL_MBUF_CACHE	256	/* per-lcore mempool cache */
/* full TCP windows (cfg->tcp_buf) toward the guest the pool holds at once
 * beyond its rings: more flows share them (backpressure, not loss) */
#define SL_POOL_TCP_WINDOWS	2
#define SL_POOL_MAX	(1u << 24)	/* larger: a mistake, not a need */
/* per-lcore cache of a ring-frame rx pool (sl_pool_ring_mbufs): its mbufs
 * are a ring frame each (up to 64 KiB), a burst's worth is enough */
#define SL_RING_MBUF_CACHE	32
/* payload pool: bytes of host data one of its mbufs holds, its per-lcore
 * cache, and the TCP windows (cfg->tcp_buf) it holds per lcore */
#define SL_PAY_ROOM		16384
#define SL_PAY_CACHE		32
#define SL_PAY_WINDOWS		1

/** What a port's pool must hold. */
struct sl_pool_need {
	uint32_t queues;	/**< rx/tx queue pairs (one worker each) */
	uint32_t rxd;		/**< rx descriptors per queue */
	uint32_t txd;		/**< tx descriptors per queue */
	uint32_t seg_data;	/**< TCP payload bytes one mbuf carries */
	uint64_t tcp_buf;	/**< per-flow TCP window (cfg->tcp_buf) */
	uint64_t max_buffered;	/**< per-worker TCP budget (bytes) */
	/** the PMD copies frames between a kernel ring and mbufs
	 * (net_af_packet): its descriptors (rxd, txd) hold no mbufs */
	bool ring_copy;
	/** with ring_copy: frames per queue rx takes from this pool before
	 * sluice frees them (the kernel ring's framecnt; 0 when rx has a
	 * pool of its own, sl_pool_ring_mbufs) */
	uint32_t ring_rx;
};

/**
 * sl_pool_mbufs - mbufs for a port's pool: per queue its rx and tx rings
 * (with @n->ring_copy only the @n->ring_rx frames rx takes from it), an
 * iteration's frames (SL_TX_MAX) and an rx burst; the lcore caches; and
 * the TCP data in flight or held that SL_POOL_TCP_WINDOWS windows of
 * @n->tcp_buf (at most @n->max_buffered per worker) take. More flows than
 * that share the pool: TCP stops reading a host socket when the pool runs
 * low (tcp_buffer_limit_waits) and resumes as the guest acknowledges.
 * @n: what the port needs
 *
 * Return: the count, or 0 when @n makes no sense (a zero ring, queue count
 * or payload, or a pool above SL_POOL_MAX).
 */
uint32_t sl_pool_mbufs(const struct sl_pool_need *n);

/**
 * sl_pool_reserve - the part of sl_pool_mbufs(@n) that is not TCP's: the
 * rings, an iteration's frames and the caches of every queue. TCP stops
 * buffering when fewer mbufs than this are left (the workers'
 * mbuf_reserve), so that receiving and the ACKs and control frames of an
 * iteration always find mbufs.
 * @n: what the port needs
 *
 * Return: the count, or 0 when sl_pool_mbufs(@n) is 0.
 */
uint32_t sl_pool_reserve(const struct sl_pool_need *n);

/** A port whose rx copies each frame of a kernel ring into one mbuf
 * (net_af_packet: its devargs give the ring). */
struct sl_pool_ring {
	uint32_t queues;	/**< queue pairs (qpairs), a ring each */
	uint32_t frames;	/**< frames of each rx ring (framecnt) */
	uint32_t cache;		/**< per-lcore cache of the pool */
};

/**
 * sl_pool_ring_mbufs - mbufs for the rx pool of a port that copies each
 * ring frame into one mbuf: per queue what its kernel rx ring holds
 * (@r->frames) and an rx burst, and the lcore caches (each up to 1.5 times
 * @r->cache; the main lcore has one). sluice then holds at most as many
 * guest frames as the ring itself; beyond that rx stops and the ring keeps
 * the rest (backpressure, not loss). Not from a fixed byte budget: with
 * 60 KiB frames a 64 MiB budget was 1,091 mbufs for a 256-frame ring.
 * @r: the port's rings
 *
 * Return: the count, or 0 when @r makes no sense (no queue or frame, more
 * queues than lcores, a pool above SL_POOL_MAX).
 */
uint32_t sl_pool_ring_mbufs(const struct sl_pool_ring *r);

/**
 * sl_pool_create - a pktmbuf pool like rte_pktmbuf_pool_create(), but
 * without hugepages (no device DMA: --no-huge) its objects are not kept
 * within one 4 KiB page each (RTE_MEMPOOL_F_NO_IOVA_CONTIG): a 2,176-byte
 * mbuf then takes about 2.4 KiB instead of 4 KiB.
 * @name: pool name
 * @n: mbufs
 * @cache: per-lcore cache size
 * @data_room: data room of each mbuf (headroom included)
 * @socket: NUMA socket
 *
 * Return: the pool, or NULL (rte_errno set).
 */
struct rte_mempool *sl_pool_create(const char *name, uint32_t n,
	uint32_t cache, uint16_t data_room, int socket);

/**
 * sl_pool_pay_mbufs - mbufs of the payload pool: SL_PAY_WINDOWS windows of
 * @tcp_buf bytes per lcore (@lcores), in SL_PAY_ROOM pieces, and the lcore
 * caches. More than that in flight takes the ports' own pools' chains
 * (tcp_pay_pool_empty): the pool is a speed-up, not a budget.
 * @tcp_buf: per-flow TCP window (cfg->tcp_buf)
 * @lcores: lcores of the process
 *
 * Return: the count, or 0 when it makes no sense (no window or lcore, or
 * above SL_POOL_MAX).
 */
uint32_t sl_pool_pay_mbufs(uint64_t tcp_buf, uint32_t lcores);

/**
 * sl_pool_pay_get - the process's payload pool (sl_pool_pay_mbufs mbufs
 * of SL_PAY_ROOM bytes), made by the first caller on its NUMA @socket and
 * shared by every port after it: one pool whatever the number of guests.
 * Each call takes a reference (sl_pool_pay_put). Control thread only.
 * @tcp_buf: per-flow TCP window (cfg->tcp_buf)
 * @socket: NUMA socket
 *
 * Return: the pool, or NULL (rte_errno set).
 */
struct rte_mempool *sl_pool_pay_get(uint64_t tcp_buf, int socket);

/**
 * sl_pool_pay_put - drop a reference sl_pool_pay_get() took on @mp (NULL:
 * none); the last one frees the pool.
 */
void sl_pool_pay_put(struct rte_mempool *mp);

#endif /* SL_POOL_H */
