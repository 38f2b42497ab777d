/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_udp.h: UDP relay (and DNS forwarding): one connected host UDP socket
 * per guest 5-tuple, replies back to the guest, idle expiry (theory in
 * sl_udp.c); the datagram machinery it shares with ICMP echo is lib/dgram.
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

#define SL_UDP6_HOP_LIMIT	64	/* IPv6 datagrams to the guest */

/**
 * sl_udp_to_guest6 - sl_udp_to_guest() for an IPv6 guest address: @daddr
 * and @saddr are 16 bytes each. Longer than the link toward the guest: sent
 * in fragments (a Fragment header, sl_frag6.c); a datagram past the IPv6
 * payload length (65535) is dropped (drop_udp6_too_big).
 *
 * Return: 0, or -1 (mbuf freed, counted).
 */
int sl_udp_to_guest6(struct sl_worker *w, struct rte_mbuf *m,
	const uint8_t *daddr, const uint8_t *saddr, uint16_t sport,
	uint16_t dport);

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

/** UDP in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_udp_proto;

#endif /* SL_UDP_H */
