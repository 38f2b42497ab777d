/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_dhcp6.h: the DHCPv6 server (RFC 8415) of the guest link: stateless
 * answers (Information-Request: the DNS server) and one address from the
 * prefix for clients that ask (IA_NA). Theory of operation in sl_dhcp6.c.
 */
#ifndef SL_DHCP6_H
#define SL_DHCP6_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_io.h"
#include "sl_net.h"
#include "sl_net6.h"	/* SL_DHCP6_SERVER_PORT */

#define SL_DHCP6_CLIENT_PORT	546

/* message types (RFC 8415 7.3) */
#define SL_DHCP6_SOLICIT	1
#define SL_DHCP6_ADVERTISE	2
#define SL_DHCP6_REQUEST	3
#define SL_DHCP6_CONFIRM	4
#define SL_DHCP6_RENEW		5
#define SL_DHCP6_REBIND		6
#define SL_DHCP6_REPLY		7
#define SL_DHCP6_RELEASE	8
#define SL_DHCP6_DECLINE	9
#define SL_DHCP6_INFO_REQ	11

/* options (RFC 8415 21, RFC 3646) */
#define SL_DHCP6_OPT_CLIENTID	1
#define SL_DHCP6_OPT_SERVERID	2
#define SL_DHCP6_OPT_IA_NA	3
#define SL_DHCP6_OPT_IAADDR	5
#define SL_DHCP6_OPT_ORO	6
#define SL_DHCP6_OPT_STATUS	13
#define SL_DHCP6_OPT_RAPID	14
#define SL_DHCP6_OPT_DNS	23

/* status codes */
#define SL_DHCP6_ST_SUCCESS	0
#define SL_DHCP6_ST_NOTONLINK	4

#define SL_DHCP6_DUID_LEN	10	/* DUID-LL of the gateway MAC */
#define SL_DHCP6_ADDR_IID	0x15	/* the address handed out: prefix::15 */

/**
 * sl_dhcp6_addr - the address DHCPv6 hands out: the guest prefix with
 * interface identifier ::15 (as 10.0.2.15).
 */
void sl_dhcp6_addr(const struct sl_worker *w, uint8_t *out);

/**
 * sl_dhcp6_input - answer a DHCPv6 message from the guest (the claimed
 * UDP port 547 of IPv6 frames).
 * Return: false (the frame is not kept).
 */
bool sl_dhcp6_input(struct sl_worker *w, const struct sl_pkt *p);

/** DHCPv6 in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_dhcp6_proto;

#endif /* SL_DHCP6_H */
