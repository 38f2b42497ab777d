/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_udp.h: UDP relay (and DNS forwarding): one connected host UDP socket
 * per guest 5-tuple, replies back to the guest, idle expiry.
 */
#ifndef SL_UDP_H
#define SL_UDP_H

#include "sl_net.h"
#include "sl_worker.h"

/** sl_udp_input - relay one guest datagram (frame not consumed). */
void sl_udp_input(struct sl_worker *w, const struct sl_pkt *p);

/** sl_udp_host_event - read replies from a flow's host socket. */
void sl_udp_host_event(struct sl_worker *w, struct sl_flow *f,
	uint32_t events);

/** sl_udp_timer - idle expiry. */
void sl_udp_timer(struct sl_worker *w, struct sl_flow *f);

/**
 * sl_udp_to_guest - build and queue a UDP frame to the guest.
 * @w: worker
 * @m: mbuf (chain) holding only the payload, with headroom for headers
 * @saddr: source address as the guest sees it (network order)
 * @sport: source port (network order)
 * @dport: guest port (network order)
 *
 * Return: 0, or -1 (mbuf freed) when it does not fit the guest MTU.
 */
int sl_udp_to_guest(struct sl_worker *w, struct rte_mbuf *m, uint32_t saddr,
	uint16_t sport, uint16_t dport);

/* Datagram-flow building blocks shared by UDP and ICMP (see sl_udp.c). */
struct sl_flow *sl_dgram_flow_open(struct sl_worker *w,
	const struct sl_flow_key *key, enum sl_host_kind kind,
	const struct sockaddr_in *sa);
void sl_dgram_timer(struct sl_worker *w, struct sl_flow *f);
ssize_t sl_dgram_read(struct sl_worker *w, struct sl_flow *f,
	struct rte_mbuf **out);

/**
 * sl_dgram_drain - read up to a budget of datagrams from @f's host socket
 * and hand each (payload-only mbuf, @n bytes) to @deliver, which consumes
 * the mbuf. Errors the socket reports (ICMP unreachable...) are cleared.
 */
void sl_dgram_drain(struct sl_worker *w, struct sl_flow *f,
	void (*deliver)(struct sl_worker *w, struct sl_flow *f,
	struct rte_mbuf *m, size_t n));

/** sl_mbuf_from_buf - a new mbuf (chain) holding a copy of @buf. */
struct rte_mbuf *sl_mbuf_from_buf(struct sl_worker *w, const void *buf,
	uint32_t len);

struct sl_fwd_spec;

/**
 * sl_udp_inbound - datagrams arrived on a forward's listener: relay them
 * to the guest port, from the gateway address and the peer's port.
 */
void sl_udp_inbound(struct sl_worker *w, const struct sl_fwd_spec *spec,
	unsigned int off, int lhd);

/**
 * sl_udp_forward_closed - a forward's listener @lhd is being closed: end
 * the inbound flows that send through it.
 */
void sl_udp_forward_closed(struct sl_worker *w, int lhd);

#endif /* SL_UDP_H */
