/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_dgram.h: the datagram machinery UDP and ICMP echo share (lib/dgram):
 * datagram flows and their host sockets, the guest datagrams held for one
 * batched send per host handle at the end of a burst, and batched reads
 * (theory in sl_dgram.c).
 */
#ifndef SL_DGRAM_H
#define SL_DGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_io.h"

#define SL_DGRAM_RECV_BATCH 32	/* datagrams per receive call, at most */
#define SL_DGRAM_RECV_MIN 4	/* ... and at first (sl_dgram_batch_next) */
#define SL_DGRAM_READ_BUDGET 128	/* datagrams read per host event */

/**
 * sl_dgram_flow_open - create a datagram flow and its connected host
 * socket (@kind SL_HOST_UDP or SL_HOST_ICMP, to @sa) for guest @key.
 * Return: the flow, or NULL (counted) when the table is full (after
 * evicting an idle flow at --max-dgram-flows) or the host refuses a socket.
 */
struct sl_flow *sl_dgram_flow_open(struct sl_worker *w,
	const struct sl_flow_key *key, enum sl_host_kind kind,
	const union sl_sockaddr *sa);

/**
 * sl_dgram_timer - idle expiry shared by UDP and ICMP flows: free the flow
 * once idle for its timeout, else re-arm for the remainder.
 */
void sl_dgram_timer(struct sl_worker *w, struct sl_flow *f);

/**
 * sl_dgram_init - per-worker datagram state (w->dgram, struct sl_dgram in
 * sl_dgflow.h): the flows' LRU, the held guest datagrams, and the spill
 * area host datagrams longer than one mbuf are received into (up to the
 * largest IPv4 payload, 65515 bytes, whatever the MTU: larger datagrams
 * than the link takes are fragmented). Call once the pool is set.
 * Return: 0 or -ENOMEM.
 */
int sl_dgram_init(struct sl_worker *w);

/** sl_dgram_fini - send what is held, free what sl_dgram_init took. */
void sl_dgram_fini(struct sl_worker *w);

/**
 * sl_dgram_queue - hold a guest datagram for its host handle's batched
 * send (after any already held for that handle).
 * @w: worker
 * @f: UDP or ICMP flow (its hd is the handle; an inbound flow's datagram
 *     goes to f->host_dst)
 * @m: the guest frame, owned from now on (freed once sent or dropped)
 * @off: payload offset in @m
 * @len: payload bytes
 * @ttl: IP TTL it leaves the host with, 0: the socket's default
 *
 * When SL_DGRAM_OUT_MAX are held already, they are sent first.
 */
void sl_dgram_queue(struct sl_worker *w, struct sl_flow *f,
	struct rte_mbuf *m, uint32_t off, uint32_t len, uint8_t ttl);

/** sl_dgram_held - whether @f has guest datagrams held for sending. */
bool sl_dgram_held(const struct sl_worker *w, const struct sl_flow *f);

/**
 * sl_dgram_flush - send every held datagram: one sl_host_sendmmsg per host
 * handle (more only on a partial send), order kept per handle; frames freed.
 */
void sl_dgram_flush(struct sl_worker *w);

/** sl_dgram_burst_end - end of an rx burst: sl_dgram_flush if any held. */
void sl_dgram_burst_end(struct sl_worker *w);

/**
 * sl_dgram_drain - read queued datagrams from @f's host socket in batches
 * (one host call per SL_DGRAM_RECV_BATCH, up to a budget) and hand each
 * (payload-only mbuf, @n bytes) to @deliver, which consumes the mbuf.
 * Errors the socket reports (ICMP unreachable...) are cleared.
 */
void sl_dgram_drain(struct sl_worker *w, struct sl_flow *f,
	void (*deliver)(struct sl_worker *w, struct sl_flow *f,
	struct rte_mbuf *m, size_t n));

/**
 * sl_dgram_recv - receive a batch of up to @max (<= SL_DGRAM_RECV_BATCH)
 * datagrams from host handle @hd, each into a fresh payload-only mbuf
 * (chain) in @m (NULL where one was dropped, counted), their sources in
 * @from unless NULL; @proto (IPPROTO_UDP or IPPROTO_ICMP) picks the
 * counters. One host call; the mbufs not filled go back in one bulk free.
 * Return: datagrams received, -ENOMEM (no mbufs, counted; nothing read),
 * -EAGAIN or another -errno of the host.
 */
int sl_dgram_recv(struct sl_worker *w, int hd, struct rte_mbuf **m,
	union sl_sockaddr *from, uint8_t proto, unsigned int max);

/**
 * sl_dgram_batch_next - the batch to offer a socket next, after a receive
 * of @batch returned @n: twice as many (up to SL_DGRAM_RECV_BATCH) when it
 * came back full, else the power of two that held what came (at least
 * SL_DGRAM_RECV_MIN); unchanged after an error. One datagram per event then
 * costs SL_DGRAM_RECV_MIN mbufs taken and given back, not 32, and a socket
 * that keeps a queue reaches full batches within three calls.
 */
static inline unsigned int
sl_dgram_batch_next(unsigned int batch, int n)
{
	unsigned int b = SL_DGRAM_RECV_MIN;

	if (n < 0)
		return batch;
	if ((unsigned int)n >= batch)
		return batch * 2 < SL_DGRAM_RECV_BATCH ? batch * 2 :
			SL_DGRAM_RECV_BATCH;
	while (b < (unsigned int)n)
		b *= 2;
	return b;
}

/**
 * sl_dgram_flow_free - datagram flow @f (UDP or ICMP) is about to be freed:
 * the guest datagrams held for its socket go out first, and it leaves the
 * LRU (the flow_free hook of both).
 */
void sl_dgram_flow_free(struct sl_worker *w, struct sl_flow *f);

#endif /* SL_DGRAM_H */
