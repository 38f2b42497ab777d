/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_config.c: configuration defaults and the counter name table.
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "sl_config.h"
#include "sl_stats.h"

const char *const sl_stat_names[SL_STAT_MAX] = {
#define SL_STAT_NAME(n) #n,
	SL_STATS_LIST(SL_STAT_NAME)
#undef SL_STAT_NAME
};

void
sl_config_defaults(struct sl_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->gateway = RTE_BE32(RTE_IPV4(10, 0, 2, 2));
	cfg->guest_addr = RTE_BE32(RTE_IPV4(10, 0, 2, 15));
	cfg->prefix_len = 24;
	cfg->dns = RTE_BE32(RTE_IPV4(10, 0, 2, 3));
	cfg->dns_fwd = 0;
	cfg->dns_fwd_port = 53;
	cfg->mtu = 0;
	cfg->host_loopback = true;
	cfg->idle_sleep = true;
	cfg->netns_up = true;
	cfg->lease_time_s = 86400;
	cfg->max_hosts = 16;
	cfg->fwd_source = SL_FWD_SRC_CLIENT;
	cfg->udp_timeout_s = 180;
	cfg->tcp_connect_timeout_ms = 10000;
	cfg->tcp_idle_timeout_s = 7200;
	cfg->max_flows = 65536;
	cfg->max_pending_connects = 1024;
	cfg->max_dgram_flows = 16384;
	cfg->max_buffered = 256ull << 20;
	cfg->tcp_buf = 4u << 20;
}

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
