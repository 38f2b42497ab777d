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
sl_rules_permit_addr(const struct sl_rule *rules, unsigned int n,
	const struct sl_addr *daddr, uint16_t dport)
{
	int fam = sl_addr_family(daddr);
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct sl_rule *r = &rules[i];
		/* IPv4 prefixes count from the mapped address's 97th bit */
		unsigned int bits = r->prefix_len + (fam == AF_INET ? 96u : 0u);

		if (r->family == fam &&
		    sl_addr_prefix_eq(daddr, &r->net, bits) &&
		    dport >= r->port_lo && dport <= r->port_hi)
			return r->allow;
	}
	return true;
}

/**
 * map_dns - @sa is the DNS forwarder: the IPv4 one, else the IPv6 one.
 * Return: 0, or -1 when there is none.
 */
static int
map_dns(const struct sl_config *cfg, union sl_sockaddr *sa)
{
	uint16_t port = rte_cpu_to_be_16(cfg->dns_fwd_port);

	if (cfg->dns_fwd != 0)
		*sa = sl_sockaddr_v4(cfg->dns_fwd, port);
	else if (!sl_addr_is_any(&cfg->dns_fwd6))
		*sa = sl_sockaddr_make(&cfg->dns_fwd6, port);
	else
		return -1;
	return 0;
}

int
sl_map_dst6(const struct sl_config *cfg, uint8_t proto,
	const struct sl_addr *daddr, uint16_t dport, union sl_sockaddr *sa)
{
	static const struct sl_addr lo6 = { .b[15] = 1 };
	struct sl_addr gw, dns, pfx;

	if (sl_addr_is_v4(daddr))
		return sl_map_dst(cfg, proto, sl_addr_get_v4(daddr), dport, sa);
	*sa = sl_sockaddr_make(daddr, dport);
	if (!sl_rules_permit_addr(cfg->rules, cfg->nb_rules, daddr,
	    rte_be_to_cpu_16(dport)))
		return -EACCES;
	memcpy(gw.b, cfg->gateway6, 16);
	memcpy(dns.b, cfg->dns6, 16);
	memcpy(pfx.b, cfg->prefix6, 16);
	if (!sl_addr_is_any(&dns) && sl_addr_eq(daddr, &dns) &&
	    proto != IPPROTO_ICMPV6 && dport == RTE_BE16(53))
		return map_dns(cfg, sa);
	if (!sl_addr_is_any(&gw) && sl_addr_eq(daddr, &gw)) {
		if (!cfg->host_loopback)
			return -1;
		*sa = sl_sockaddr_make(&lo6, dport);
		return 0;
	}
	if ((cfg->prefix6_len != 0 &&
	    sl_addr_prefix_eq(daddr, &pfx, cfg->prefix6_len)) ||
	    daddr->b[0] == 0xff ||			/* multicast */
	    (daddr->b[0] == 0xfe && (daddr->b[1] & 0xc0) == 0x80) ||
	    sl_addr_is_any(daddr) || sl_addr_eq(daddr, &lo6))
		return -1;
	return 0;
}

int
sl_map_dst(const struct sl_config *cfg, uint8_t proto, uint32_t daddr,
	uint16_t dport, union sl_sockaddr *sa)
{
	uint32_t mask = cfg->prefix_len ?
		RTE_BE32(~0u << (32 - cfg->prefix_len)) : 0;

	memset(sa, 0, sizeof(*sa));
	sa->in.sin_family = AF_INET;
	sa->in.sin_port = dport;
	if (!sl_rules_permit(cfg->rules, cfg->nb_rules, daddr,
	    rte_be_to_cpu_16(dport)))
		return -EACCES;
	if (daddr == cfg->dns && proto != IPPROTO_ICMP &&
	    dport == RTE_BE16(53))
		return map_dns(cfg, sa);
	if (daddr == cfg->gateway) {
		if (!cfg->host_loopback)
			return -1;
		sa->in.sin_addr.s_addr = RTE_BE32(RTE_IPV4(127, 0, 0, 1));
		return 0;
	}
	if ((daddr & mask) == (cfg->gateway & mask) ||
	    sl_net_is_bcast(daddr, cfg->gateway, cfg->prefix_len) ||
	    daddr == 0 || (rte_be_to_cpu_32(daddr) >> 24) == 127)
		return -1;
	sa->in.sin_addr.s_addr = daddr;
	return 0;
}
