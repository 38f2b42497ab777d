/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_config.c: configuration defaults and the counter name table.
 */
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
	cfg->ipv6 = true;
	cfg->prefix6[0] = 0xfe;		/* fec0::/64 */
	cfg->prefix6[1] = 0xc0;
	cfg->prefix6_len = 64;
	memcpy(cfg->gateway6, cfg->prefix6, 16);
	cfg->gateway6[15] = 2;		/* fec0::2 */
	memcpy(cfg->dns6, cfg->prefix6, 16);
	cfg->dns6[15] = 3;		/* fec0::3 */
	cfg->dns_fwd = 0;
	cfg->dns_fwd_port = 53;
	cfg->mtu = 0;
	cfg->host_loopback = true;
	cfg->idle_sleep = true;
	cfg->afp_vnet_tx = true;
	cfg->afp_vnet_rx = true;
	cfg->netns_up = true;
	cfg->lease_time_s = 86400;
	cfg->max_hosts = 16;
	cfg->fwd_source = SL_FWD_SRC_CLIENT;
	cfg->fwd_family = SL_FWD_FAM_AUTO;
	cfg->udp_timeout_s = 180;
	cfg->tcp_connect_timeout_ms = 10000;
	cfg->tcp_idle_timeout_s = 7200;
	cfg->max_flows = 65536;
	cfg->max_pending_connects = 1024;
	cfg->max_dgram_flows = 16384;
	cfg->max_buffered = 256ull << 20;
	cfg->tcp_buf = 4u << 20;
}
