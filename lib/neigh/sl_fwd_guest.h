/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_fwd_guest.h: the guest side of an inbound forwarded flow: which
 * address of the guest it goes to, over which family (a forward's IPv6
 * target, --fwd-guest-family and the addresses the neighbour module has
 * learned), and which source address the guest sees. Shared by the TCP
 * and UDP relays' inbound paths.
 */
#ifndef SL_FWD_GUEST_H
#define SL_FWD_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_config.h"
#include "sl_flow.h"

struct sl_worker;

/**
 * sl_fwd_guest6_addr_ok - whether @a can be a forward's IPv6 target: IPv6
 * is on and @a is an address of the guest prefix other than the gateway's,
 * the DNS address and the subnet-router anycast address.
 */
bool sl_fwd_guest6_addr_ok(const struct sl_config *cfg,
	const struct sl_addr *a);

/** Whether an IPv4 inbound TCP flow may be retried over IPv6. */
#define SL_FWD_RETRY6		0x1
/** The IPv6 retry shows the guest the client's own address. */
#define SL_FWD_RETRY6_CLIENT	0x2

/**
 * sl_fwd_guest_key - the guest-side flow key of a new inbound flow.
 * @w: worker
 * @spec: its forward
 * @proto: IPPROTO_TCP or IPPROTO_UDP
 * @gport: guest port (network order)
 * @peer: the host client
 * @key: filled
 * @retry6: filled with SL_FWD_RETRY6* bits for an IPv4 key that may be
 *	retried over IPv6 when the guest refuses it (auto and client
 *	families); may be NULL
 *
 * The guest host is the forward's IPv6 target (over IPv6), else its IPv4
 * target or --guest-addr. The family, by the forward's guest-family (else
 * --fwd-guest-family): ipv4, ipv6 (the host's learned IPv6 address,
 * sl_neigh_guest6), auto (IPv6 when the host's IPv4 address is unresolved
 * and an IPv6 one is known, else IPv4) or client (IPv6 for an IPv6 client
 * when an address is known, else as auto). The source is the client's own
 * address when the forward's source mode allows and the client can be
 * shown in that family (sl_fwd_src_client; IPv6: not loopback, link-local
 * or in the guest prefix), else the gateway's of the key's family; the
 * port the client's.
 * Return: 0, or -ENOENT when IPv6 is asked for and no IPv6 address of the
 * host is known (counted in drop_fwd_no_guest6).
 */
int sl_fwd_guest_key(struct sl_worker *w, const struct sl_fwd_spec *spec,
	uint8_t proto, uint16_t gport, const union sl_sockaddr *peer,
	struct sl_flow_key *key, uint8_t *retry6);

/**
 * sl_fwd_guest_key6 - the IPv6 twin of IPv4 inbound key @v4 (the guest
 * refused it): to the learned IPv6 address of @v4's host, from the client
 * @peer (@retry6 has SL_FWD_RETRY6_CLIENT and it can be shown) or the IPv6
 * gateway. Return: 0, or -ENOENT when no address is known.
 */
int sl_fwd_guest_key6(const struct sl_worker *w,
	const struct sl_flow_key *v4, const union sl_sockaddr *peer,
	uint8_t retry6, struct sl_flow_key *key);

/**
 * sl_fwd_key_gateway - make the source of inbound @key the gateway of its
 * family with port @port (network order): its 4-tuple was taken.
 */
void sl_fwd_key_gateway(const struct sl_config *cfg, struct sl_flow_key *key,
	uint16_t port);

#endif /* SL_FWD_GUEST_H */
