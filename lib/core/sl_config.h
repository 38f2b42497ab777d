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

/** Whose address an inbound flow shows the guest as its source. */
enum sl_fwd_source {
	SL_FWD_SRC_DEFAULT = 0,	/**< per forward: the global --fwd-source */
	SL_FWD_SRC_CLIENT,	/**< the client's own (loopback: gateway) */
	SL_FWD_SRC_GATEWAY,	/**< always the gateway address */
};

/**
 * Which family a forward reaches the guest over when its target has no
 * address (sl_fwd_guest.h).
 */
enum sl_fwd_family {
	SL_FWD_FAM_DEFAULT = 0,	/**< per forward: the global --fwd-guest-family */
	SL_FWD_FAM_AUTO,	/**< IPv4 unless only IPv6 is known; a TCP
				 * connection the guest refuses over IPv4 is
				 * retried over IPv6 */
	SL_FWD_FAM_CLIENT,	/**< the client's family (IPv6 clients: IPv6),
				 * with auto's fallbacks */
	SL_FWD_FAM_IPV4,	/**< always IPv4 */
	SL_FWD_FAM_IPV6,	/**< always IPv6 (the guest's learned address) */
};

/**
 * One forward: host [bind/]lo-hi -> guest [to_addr/]lo-hi (same length).
 */
struct sl_fwd_spec {
	uint8_t proto;		/**< IPPROTO_TCP or IPPROTO_UDP */
	uint8_t source;		/**< enum sl_fwd_source */
	/** family of bind_addr: AF_INET, AF_INET6 (IPv6 only), or 0: no
	 * address given, every host address of both families (dual-stack;
	 * IPv4 only when the host has no IPv6) */
	uint8_t family;
	struct sl_addr bind_addr;	/**< IPv4 v4-mapped; zero when family 0 */
	uint32_t to_addr;	/**< guest host, network order; 0: guest_addr */
	uint8_t guest_family;	/**< enum sl_fwd_family (no target address) */
	/** an IPv6 target (in prefix6): the guest is reached over IPv6 at
	 * it; all zero: none (to_addr or the family rule decide) */
	struct sl_addr to_addr6;
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

/** A static DHCP reservation: this MAC always gets this address. */
struct sl_dhcp_res {
	uint8_t mac[6];
	uint32_t addr;		/**< network order */
};

#define SL_FWD_MAX	64	/* forwards per worker */
#define SL_HOSTS_MAX	64	/* hosts (guest addresses) per port, at most */
#define SL_DHCP_RES_MAX	32	/* --dhcp-host reservations */
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
	bool afp_vnet_tx;	/**< net_af_packet: tx through sl_vtx */
	bool afp_vnet_rx;	/**< net_af_packet: rx through sl_vrx */
	uint32_t lease_time_s;	/**< DHCP lease time */
	uint32_t dhcp_first;	/**< pool's first address, network order;
				 * 0: the addresses after guest_addr */
	uint32_t dhcp_last;	/**< pool's last address, network order */
	uint32_t max_hosts;	/**< hosts per port (<= SL_HOSTS_MAX) */
	uint32_t nb_dhcp_res;	/**< reservations in dhcp_res[] */
	struct sl_dhcp_res dhcp_res[SL_DHCP_RES_MAX];
	uint8_t fwd_source;	/**< enum sl_fwd_source, never DEFAULT */
	uint8_t fwd_family;	/**< enum sl_fwd_family, never DEFAULT */
	uint32_t outbound_addr;	/**< host sockets of guest flows bind to it;
				 * network order, 0: any */
	/** IPv6 host sockets of guest flows bind to it (--outbound-addr6);
	 * all zero: any */
	struct sl_addr outbound_addr6;
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
 * 10.0.2.2, DNS 10.0.2.3, guest 10.0.2.15; IPv6 on: prefix fec0::/64,
 * gateway fec0::2, DNS fec0::3.
 */
void sl_config_defaults(struct sl_config *cfg);

/** sl_fwd_target - the guest host forward @s leads to (network order). */
static inline uint32_t
sl_fwd_target(const struct sl_config *cfg, const struct sl_fwd_spec *s)
{
	return s->to_addr != 0 ? s->to_addr : cfg->guest_addr;
}

/**
 * sl_fwd_src_client - whether an inbound flow of forward @s from host
 * client @peer (an IPv4 address, network order; 0 for an IPv6 client,
 * which an IPv4 guest cannot be shown: sl_sockaddr_v4_or_0) shows the
 * guest the client's own address and port: so in client mode (the forward's, else --fwd-source), unless
 * the client is on loopback (127.0.0.0/8) or has an address of the guest
 * prefix (the guest would answer it on its link, not through sluice).
 */
static inline bool
sl_fwd_src_client(const struct sl_config *cfg, const struct sl_fwd_spec *s,
	uint32_t peer)
{
	uint8_t mode = s->source != SL_FWD_SRC_DEFAULT ? s->source :
		cfg->fwd_source;
	const uint8_t *a = (const uint8_t *)&peer;
	uint32_t mask = cfg->prefix_len == 0 ? 0 : cfg->prefix_len >= 32 ?
		UINT32_MAX : ~(UINT32_MAX >> cfg->prefix_len);
	uint32_t hp = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		(uint32_t)a[2] << 8 | a[3];
	const uint8_t *g = (const uint8_t *)&cfg->gateway;
	uint32_t hg = (uint32_t)g[0] << 24 | (uint32_t)g[1] << 16 |
		(uint32_t)g[2] << 8 | g[3];

	return mode != SL_FWD_SRC_GATEWAY && peer != 0 && a[0] != 127 &&
		(hp & mask) != (hg & mask);
}

#endif /* SL_CONFIG_H */
