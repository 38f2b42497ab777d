/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_policy.c: the access rules (--allow/--deny: the first rule matching
 * the destination decides, none matching allows) and the destination
 * mapping each protocol asks for before it opens a host socket for a
 * guest flow: the DNS address to the forwarder, the gateway to the host's
 * loopback (--host-loopback), and the guest's own network, broadcast,
 * 0.0.0.0 and 127/8 refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "sl_net.h"
#include "sl_policy.h"

bool
sl_rules_permit(const struct sl_rule *rules, unsigned int n, uint32_t daddr,
	uint16_t dport)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct sl_rule *r = &rules[i];
		uint32_t mask = r->prefix_len ?
			htonl(~0u << (32 - r->prefix_len)) : 0;

		if ((daddr & mask) == r->net && dport >= r->port_lo &&
		    dport <= r->port_hi)
			return r->allow;
	}
	return true;
}

int
sl_map_dst(const struct sl_config *cfg, uint8_t proto, uint32_t daddr,
	uint16_t dport, struct sockaddr_in *sa)
{
	uint32_t mask = cfg->prefix_len ?
		RTE_BE32(~0u << (32 - cfg->prefix_len)) : 0;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = dport;
	if (!sl_rules_permit(cfg->rules, cfg->nb_rules, daddr,
	    rte_be_to_cpu_16(dport)))
		return -EACCES;
	if (daddr == cfg->dns && proto != IPPROTO_ICMP &&
	    dport == RTE_BE16(53)) {
		if (cfg->dns_fwd == 0)
			return -1;
		sa->sin_addr.s_addr = cfg->dns_fwd;
		sa->sin_port = rte_cpu_to_be_16(cfg->dns_fwd_port);
		return 0;
	}
	if (daddr == cfg->gateway) {
		if (!cfg->host_loopback)
			return -1;
		sa->sin_addr.s_addr = RTE_BE32(RTE_IPV4(127, 0, 0, 1));
		return 0;
	}
	if ((daddr & mask) == (cfg->gateway & mask) ||
	    sl_net_is_bcast(daddr, cfg->gateway, cfg->prefix_len) ||
	    daddr == 0 || (rte_be_to_cpu_32(daddr) >> 24) == 127)
		return -1;
	sa->sin_addr.s_addr = daddr;
	return 0;
}
