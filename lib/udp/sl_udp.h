/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_udp.h: UDP relay (and DNS forwarding): one connected host UDP socket
 * per guest 5-tuple, replies back to the guest, idle expiry; the batched
 * datagram I/O it shares with ICMP echo (theory in sl_udp.c).
 */
#ifndef SL_UDP_H
#define SL_UDP_H

#include "sl_io.h"
#include "sl_net.h"

/**
 * sl_udp_input - relay one guest datagram: held for its flow's batched
 * send at the end of the burst (sl_dgram_burst_end).
 * Return: true when the frame was kept (freed after the send), false when
 * it was dropped (counted; the caller frees it).
 */
bool sl_udp_input(struct sl_worker *w, const struct sl_pkt *p);

/** sl_udp_host_event - read replies from a flow's host socket. */
void sl_udp_host_event(struct sl_worker *w, struct sl_flow *f,
	uint32_t events);

/** sl_udp_timer - idle expiry. */
void sl_udp_timer(struct sl_worker *w, struct sl_flow *f);

/**
 * sl_udp_to_guest - build and queue a UDP frame to a guest host.
 * @w: worker
 * @m: mbuf (chain) holding only the payload, with headroom for headers
 * @daddr: the guest host's address (network order)
 * @saddr: source address as the guest sees it (network order)
 * @sport: source port (network order)
 * @dport: guest port (network order)
 *
 * Longer than the link toward the guest: sent in fragments (sl_frag.c).
 *
 * Return: 0, or -1 (mbuf freed, counted) past the IPv4 length limit.
 */
int sl_udp_to_guest(struct sl_worker *w, struct rte_mbuf *m, uint32_t daddr,
	uint32_t saddr, uint16_t sport, uint16_t dport);

/* Datagram-flow building blocks shared by UDP and ICMP (see sl_udp.c). */
struct sl_flow *sl_dgram_flow_open(struct sl_worker *w,
	const struct sl_flow_key *key, enum sl_host_kind kind,
	const struct sockaddr_in *sa);
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

struct sl_fwd_spec;

/**
 * sl_udp_inbound - datagrams arrived on a forward's listener: read them in
 * batches and relay them to the guest port, from the gateway address and
 * the peer's port.
 */
void sl_udp_inbound(struct sl_worker *w, const struct sl_fwd_spec *spec,
	unsigned int off, int lhd);

/**
 * sl_udp_forward_closed - a forward's listener @lhd is being closed: end
 * the inbound flows that send through it.
 */
void sl_udp_forward_closed(struct sl_worker *w, int lhd);

/**
 * sl_dgram_flow_free - datagram flow @f (UDP or ICMP) is about to be freed:
 * the guest datagrams held for its socket go out first, and it leaves the
 * LRU (the flow_free hook of both).
 */
void sl_dgram_flow_free(struct sl_worker *w, struct sl_flow *f);

/** UDP in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_udp_proto;

#endif /* SL_UDP_H */
