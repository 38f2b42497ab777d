/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_icmp.h: ICMP echo: answered locally for the gateway and DNS addresses,
 * relayed through host ICMP (ping) sockets for everything else.
 */
#ifndef SL_ICMP_H
#define SL_ICMP_H

#include "sl_io.h"
#include "sl_net.h"

/**
 * sl_icmp_input - handle a guest ICMP message.
 * Return: true when the mbuf was kept (reused for the local reply, or held
 * for the batched send to the host).
 */
bool sl_icmp_input(struct sl_worker *w, const struct sl_pkt *p);

/** sl_icmp_host_event - read echo replies from a flow's host socket. */
void sl_icmp_host_event(struct sl_worker *w, struct sl_flow *f,
	uint32_t events);

/** sl_icmp_timer - idle expiry. */
void sl_icmp_timer(struct sl_worker *w, struct sl_flow *f);

/**
 * sl_icmp6_echo_input - relay a guest ICMPv6 echo request (type checked
 * by the caller) to a destination other than the gateway's addresses,
 * through a host ICMPv6 ping socket (sl_icmp6_echo.c). Hop limit 1 or 0:
 * time exceeded back instead.
 * Return: true when the mbuf was kept (held for the batched send).
 */
bool sl_icmp6_echo_input(struct sl_worker *w, const struct sl_pkt *p);

/**
 * sl_icmp6_echo_deliver - one message from an ICMPv6 echo flow's host
 * socket (payload-only mbuf @m, @n bytes): an echo reply goes to the
 * guest from the destination with the guest's echo id; consumes @m.
 */
void sl_icmp6_echo_deliver(struct sl_worker *w, struct sl_flow *f,
	struct rte_mbuf *m, size_t n);

/** ICMP in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_icmp_proto;

#endif /* SL_ICMP_H */
