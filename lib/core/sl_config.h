/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_config.h: the configuration in effect (what the command line and the
 * config file decide), and the forward and access-rule types it holds.
 * Read-only once workers start.
 */
#ifndef SL_CONFIG_H
#define SL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_addr.h"

/** One forward: host [bind/]lo-hi -> guest lo-hi (same length). */
struct sl_fwd_spec {
	uint8_t proto;		/**< IPPROTO_TCP or IPPROTO_UDP */
	/** family of bind_addr: AF_INET, AF_INET6 (IPv6 only), or 0: no
	 * address given, every host address of both families (dual-stack;
	 * IPv4 only when the host has no IPv6) */
	uint8_t family;
	struct sl_addr bind_addr;	/**< IPv4 v4-mapped; zero when family 0 */
	uint16_t host_lo;	/**< host order */
	uint16_t host_hi;
	uint16_t guest_lo;
	uint16_t guest_hi;
};

/** One access rule: CIDR[:PORT[-PORT]]. */
struct sl_rule {
	bool allow;
	uint8_t family;		/**< AF_INET or AF_INET6: matches it only */
	struct sl_addr net;	/**< masked; IPv4 v4-mapped */
	uint8_t prefix_len;	/**< in the family's bits (0-32 or 0-128) */
	uint16_t port_lo;	/**< host order; 0-65535 when absent */
	uint16_t port_hi;
};

#define SL_FWD_MAX	64	/* forwards per worker */
#define SL_RULE_MAX	64

/** Size of the --netns value: a name under /run/netns, or a path. */
#define SL_NETNS_LEN 128

/** Addresses are kept in network byte order (as they appear in frames). */
struct sl_config {
	uint32_t gateway;	/**< gateway address, network order */
	uint32_t guest_addr;	/**< address handed out by DHCP, network order */
	uint8_t prefix_len;	/**< guest subnet prefix length */
	uint32_t dns;		/**< DNS address the guest sees, network order */
	uint32_t dns_fwd;	/**< host resolver, network order */
	uint16_t dns_fwd_port;	/**< host resolver port, host order */
	bool ipv6;		/**< IPv6 on the guest link (NDP, RA, DHCPv6) */
	uint8_t prefix6[16];	/**< guest IPv6 prefix (SLAAC), /64 */
	uint8_t prefix6_len;	/**< its length: 64 (SLAAC's) */
	uint8_t gateway6[16];	/**< IPv6 gateway address in the prefix */
	uint8_t dns6[16];	/**< IPv6 DNS address the guest sees */
	uint32_t mtu;		/**< 0: 65520 where the port allows */
	bool host_loopback;	/**< gateway address means host 127.0.0.1 */
	bool idle_sleep;	/**< idle workers sleep (else busy-poll) */
	uint32_t lease_time_s;	/**< DHCP lease time */
	uint32_t udp_timeout_s;	/**< UDP/ICMP flow idle expiry */
	uint32_t tcp_connect_timeout_ms; /**< host connect bound */
	uint32_t tcp_idle_timeout_s;	/**< established flow idle expiry */
	uint32_t max_flows;	/**< flows per worker */
	uint32_t max_pending_connects;	/**< host TCP connects in progress */
	uint32_t max_dgram_flows;	/**< UDP + ICMP flows per worker */
	uint64_t max_buffered;	/**< bytes held by TCP, both ways, per worker */
	uint32_t tcp_buf;	/**< per-flow window and in flight, bytes */
	uint32_t nb_mbufs;	/**< mbufs per port mempool, 0: sized from config */
	uint16_t nb_rxd;	/**< rx descriptors per queue, 0: port default */
	uint16_t nb_txd;	/**< tx descriptors per queue, 0: port default */
	uint32_t worker_lcore;	/**< pin the port's worker; 0: spread */
	uint32_t queues;	/**< queue pairs (workers) of the port; 0: 1 */
	char netns[SL_NETNS_LEN]; /**< net_tap: move the tap there; "": no */
	bool netns_up;		/**< and bring it up there */
	/** IPv6 host resolver (port dns_fwd_port), used when dns_fwd is 0;
	 * all zero: none */
	struct sl_addr dns_fwd6;
	uint32_t nb_fwd;	/**< forwards given at start-up */
	struct sl_fwd_spec fwd[SL_FWD_MAX];
	uint32_t nb_rules;	/**< --allow/--deny rules, first match wins */
	struct sl_rule rules[SL_RULE_MAX];
};

/**
 * sl_config_defaults - fill a configuration with sluice's defaults.
 * @cfg: configuration to fill
 *
 * The defaults follow QEMU's user-mode network: 10.0.2.0/24, gateway
 * 10.0.2.2, DNS 10.0.2.3, guest 10.0.2.15.
 */
void sl_config_defaults(struct sl_config *cfg);

/**
 * sl_rules_permit_addr - first matching rule decides; no match: allowed.
 * A rule matches destinations of its own family only.
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

#endif /* SL_CONFIG_H */
