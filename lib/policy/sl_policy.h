/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_policy.h: where a guest may go and where its traffic really goes
 * (lib/policy): the --allow/--deny rules, and the mapping of the
 * addresses the guest sees (gateway, DNS) to the host's (loopback, the
 * forwarder). Below the protocols, which ask it before opening a socket.
 */
#ifndef SL_POLICY_H
#define SL_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include <netinet/in.h>

#include "sl_addr.h"
#include "sl_config.h"

/**
 * sl_rules_permit_addr - first matching rule decides; no match: allowed.
 * A rule matches destinations of its own family only.
 * @rules: the rules, in order
 * @n: their number
 * @daddr: destination as the guest addressed it (IPv4 v4-mapped)
 * @dport: destination port (host order; 0 for ICMP)
 */
bool sl_rules_permit_addr(const struct sl_rule *rules, unsigned int n,
	const struct sl_addr *daddr, uint16_t dport);

/** sl_rules_permit - sl_rules_permit_addr() for IPv4 @daddr (network
 * order). */
static inline bool
sl_rules_permit(const struct sl_rule *rules, unsigned int n, uint32_t daddr,
	uint16_t dport)
{
	struct sl_addr a = sl_addr_v4(daddr);

	return sl_rules_permit_addr(rules, n, &a, dport);
}

/**
 * sl_map_dst - translate a destination the guest addressed into the host
 * address a socket must use.
 * @cfg: the worker's configuration (rules, addresses, DNS forwarder)
 * @proto: IPPROTO_*
 * @daddr: destination address (network order)
 * @dport: destination port (network order)
 * @sa: filled with the host address
 *
 * The gateway maps to 127.0.0.1 with --host-loopback on; UDP to the DNS
 * address port 53 maps to the forwarder.
 *
 * The --allow/--deny rules are checked first.
 *
 * Return: 0, -EACCES when a rule denies it, or -1 when the destination
 * cannot be reached from the host.
 */
int sl_map_dst(const struct sl_config *cfg, uint8_t proto, uint32_t daddr,
	uint16_t dport, union sl_sockaddr *sa);

/**
 * sl_map_dst6 - sl_map_dst() for a destination of either family: an IPv4
 * one (v4-mapped) as sl_map_dst; the IPv6 gateway maps to ::1 with
 * --host-loopback on, UDP and TCP to the IPv6 DNS address port 53 to the
 * forwarder (of either family); the guest's prefix, link-local,
 * multicast, unspecified and loopback addresses are not reachable; any
 * other address maps to itself. The rules are checked first.
 * @cfg: the worker's configuration
 * @proto: IPPROTO_*
 * @daddr: destination as the guest addressed it
 * @dport: destination port (network order)
 * @sa: filled with the host address
 *
 * Return: 0, -EACCES when a rule denies it, or -1 when the destination
 * cannot be reached from the host.
 */
int sl_map_dst6(const struct sl_config *cfg, uint8_t proto,
	const struct sl_addr *daddr, uint16_t dport, union sl_sockaddr *sa);

#endif /* SL_POLICY_H */
