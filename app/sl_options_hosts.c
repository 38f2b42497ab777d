/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_options_hosts.c: the values of the many-hosts options (issue 16):
 * --dhcp-range FIRST-LAST, --dhcp-host MAC,ADDR (repeatable),
 * --fwd-source client|gateway, --fwd-guest-family, --outbound-addr
 * ADDR|any and
 * --outbound-addr6 ADDR|any: how each is
 * read (sl_opt_hosts_apply) and written back (sl_opt_hosts_format,
 * sl_opt_hosts_list) by the option table's parser and dump (sl_options.c).
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <rte_ether.h>

#include "sl_fwd.h"
#include "sl_options_priv.h"

/** addr_fmt - dotted quad of network-order @a. */
static void
addr_fmt(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { .s_addr = a };

	inet_ntop(AF_INET, &in, buf, (socklen_t)len);
}

/** set_range - FIRST-LAST, two addresses, FIRST <= LAST. */
static int
set_range(struct sl_config *c, const char *val, char *why, size_t whylen)
{
	char first[INET_ADDRSTRLEN];
	const char *dash = strchr(val, '-');
	struct in_addr a, b;
	size_t n = dash != NULL ? (size_t)(dash - val) : 0;

	if (strcmp(val, "auto") == 0) {
		c->dhcp_first = 0;
		c->dhcp_last = 0;
		return 0;
	}
	if (n == 0 || n >= sizeof(first))
		goto bad;
	memcpy(first, val, n);
	first[n] = '\0';
	if (inet_pton(AF_INET, first, &a) != 1 ||
	    inet_pton(AF_INET, dash + 1, &b) != 1 ||
	    ntohl(a.s_addr) > ntohl(b.s_addr) || a.s_addr == 0)
		goto bad;
	c->dhcp_first = a.s_addr;
	c->dhcp_last = b.s_addr;
	return 0;
bad:
	snprintf(why, whylen, "'%s' is not FIRST-LAST (two IPv4 addresses, "
		"the first not above the last)", val);
	return -1;
}

/** set_dhcp_host - one more reservation MAC,ADDR. */
static int
set_dhcp_host(struct sl_config *c, const char *val, char *why, size_t whylen)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	const char *comma = strchr(val, ',');
	struct rte_ether_addr ea;
	size_t n = comma != NULL ? (size_t)(comma - val) : 0;
	struct in_addr a;
	uint32_t i;

	if (n == 0 || n >= sizeof(mac))
		goto bad;
	memcpy(mac, val, n);
	mac[n] = '\0';
	if (rte_ether_unformat_addr(mac, &ea) != 0 ||
	    !rte_is_valid_assigned_ether_addr(&ea) ||
	    inet_pton(AF_INET, comma + 1, &a) != 1 || a.s_addr == 0)
		goto bad;
	for (i = 0; i < c->nb_dhcp_res; i++)
		if (memcmp(c->dhcp_res[i].mac, ea.addr_bytes, 6) == 0 ||
		    c->dhcp_res[i].addr == a.s_addr) {
			snprintf(why, whylen, "'%s': MAC or address already "
				"reserved", val);
			return -1;
		}
	if (c->nb_dhcp_res == SL_DHCP_RES_MAX) {
		snprintf(why, whylen, "more than %d reservations",
			SL_DHCP_RES_MAX);
		return -1;
	}
	memcpy(c->dhcp_res[c->nb_dhcp_res].mac, ea.addr_bytes, 6);
	c->dhcp_res[c->nb_dhcp_res++].addr = a.s_addr;
	return 0;
bad:
	snprintf(why, whylen, "'%s' is not MAC,ADDR (a unicast MAC such as "
		"52:54:00:12:34:56, an IPv4 address)", val);
	return -1;
}

/**
 * set_outbound6 - --outbound-addr6: "any", or a unicast IPv6 address
 * (not v4-mapped: IPv4 sockets take --outbound-addr).
 */
static int
set_outbound6(struct sl_config *c, const char *val, char *why,
	size_t whylen)
{
	struct sl_addr a;

	if (strcmp(val, "any") == 0) {
		memset(&c->outbound_addr6, 0, sizeof(c->outbound_addr6));
		return 0;
	}
	if (sl_addr_pton(val, &a) != AF_INET6 || sl_addr_is_any(&a) ||
	    sl_addr_is_v4(&a) || a.b[0] == 0xff) {
		snprintf(why, whylen, "'%s' is not a unicast IPv6 address or "
			"any", val);
		return -1;
	}
	c->outbound_addr6 = a;
	return 0;
}

int
sl_opt_hosts_apply(struct sl_config *c, const struct sl_opt *o,
	const char *val, char *why, size_t whylen)
{
	struct in_addr a;
	int fam;

	switch (o->type) {
	case SL_OT_RANGE:
		return set_range(c, val, why, whylen);
	case SL_OT_DHCPHOST:
		return set_dhcp_host(c, val, why, whylen);
	case SL_OT_FWDSRC:
		if (strcmp(val, "client") == 0)
			c->fwd_source = SL_FWD_SRC_CLIENT;
		else if (strcmp(val, "gateway") == 0)
			c->fwd_source = SL_FWD_SRC_GATEWAY;
		else {
			snprintf(why, whylen, "'%s' is not client or gateway",
				val);
			return -1;
		}
		return 0;
	case SL_OT_HOSTADDR:
		if (strcmp(val, "any") == 0) {
			c->outbound_addr = 0;
			return 0;
		}
		if (inet_pton(AF_INET, val, &a) != 1 ||
		    (ntohl(a.s_addr) >> 28) >= 14) {
			snprintf(why, whylen, "'%s' is not a unicast IPv4 "
				"address or any", val);
			return -1;
		}
		c->outbound_addr = a.s_addr;
		return 0;
	case SL_OT_HOSTADDR6:
		return set_outbound6(c, val, why, whylen);
	case SL_OT_FWDFAM:
		fam = sl_fwd_family_parse(val);
		if (fam < 0) {
			snprintf(why, whylen, "'%s' is not auto, client, ipv4 "
				"or ipv6", val);
			return -1;
		}
		c->fwd_family = (uint8_t)fam;
		return 0;
	default:
		snprintf(why, whylen, "cannot be set here");
		return -1;
	}
}

void
sl_opt_hosts_format(const struct sl_config *c, const struct sl_opt *o,
	char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	switch (o->type) {
	case SL_OT_RANGE:
		if (c->dhcp_first == 0) {
			snprintf(buf, len, "auto");
			break;
		}
		addr_fmt(c->dhcp_first, a, sizeof(a));
		addr_fmt(c->dhcp_last, b, sizeof(b));
		snprintf(buf, len, "%s-%s", a, b);
		break;
	case SL_OT_FWDSRC:
		snprintf(buf, len, "%s", c->fwd_source == SL_FWD_SRC_GATEWAY ?
			"gateway" : "client");
		break;
	case SL_OT_HOSTADDR:
		if (c->outbound_addr == 0) {
			snprintf(buf, len, "any");
			break;
		}
		addr_fmt(c->outbound_addr, a, sizeof(a));
		snprintf(buf, len, "%s", a);
		break;
	case SL_OT_FWDFAM:
		snprintf(buf, len, "%s", sl_fwd_family_name(c->fwd_family));
		break;
	case SL_OT_HOSTADDR6:
		if (sl_addr_is_any(&c->outbound_addr6))
			snprintf(buf, len, "any");
		else
			sl_addr_ntop(&c->outbound_addr6, buf, len);
		break;
	default:
		snprintf(buf, len, "-");
		break;
	}
}

bool
sl_opt_hosts_list(const struct sl_config *c, uint32_t k, char *buf,
	size_t len)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE], a[INET_ADDRSTRLEN];
	struct rte_ether_addr ea;

	if (k >= c->nb_dhcp_res)
		return false;
	memcpy(ea.addr_bytes, c->dhcp_res[k].mac, 6);
	rte_ether_format_addr(mac, sizeof(mac), &ea);
	addr_fmt(c->dhcp_res[k].addr, a, sizeof(a));
	snprintf(buf, len, "%s,%s", mac, a);
	return true;
}

int
sl_check_hosts(const struct sl_config *c, char *err, size_t errlen)
{
	uint32_t mask = ~0u << (32 - c->prefix_len);
	uint32_t net = ntohl(c->gateway) & mask;
	char a[INET_ADDRSTRLEN];
	uint32_t i;

	if (c->dhcp_first != 0 && ((ntohl(c->dhcp_first) & mask) != net ||
	    (ntohl(c->dhcp_last) & mask) != net)) {
		snprintf(err, errlen, "--dhcp-range: outside the guest "
			"subnet");
		return -1;
	}
	for (i = 0; i < c->nb_dhcp_res; i++) {
		uint32_t h = ntohl(c->dhcp_res[i].addr);

		if ((h & mask) == net && h != net && h != (net | ~mask) &&
		    c->dhcp_res[i].addr != c->gateway &&
		    c->dhcp_res[i].addr != c->dns)
			continue;
		addr_fmt(c->dhcp_res[i].addr, a, sizeof(a));
		snprintf(err, errlen, "--dhcp-host: %s is no host address of "
			"the guest subnet", a);
		return -1;
	}
	return 0;
}
