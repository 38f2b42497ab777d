/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_dhcp6.c: the DHCPv6 server of the guest link (RFC 8415).
 *
 * Theory of operation
 * -------------------
 * The router advertisements (lib/icmp6) say M=0 O=1: the guest forms its
 * address by SLAAC and asks DHCPv6 only for other configuration. An
 * Information-Request is answered with the DNS server (--dns6, option 23).
 * A client that asks for an address anyway (an IA_NA in a Solicit, as
 * dhclient -6 or NetworkManager's "dhcp" mode do) gets one, the same for
 * every IA: the prefix with interface identifier ::15. There is one guest
 * per port, so, as the IPv4 server, it keeps no lease state: Request,
 * Renew and Rebind are granted, Release and Decline are counted and
 * answered, Confirm says whether the addresses are on the link. A Solicit
 * with Rapid Commit gets the Reply at once. The server's DUID is a DUID-LL
 * of the gateway MAC. Replies go from the gateway's link-local address to
 * the client's, at its MAC.
 *
 * Every message is checked before use: the client's source is link-local,
 * the header is there, every option's length lies within the message, the
 * client identifier is present where RFC 8415 16 requires it and the
 * server identifier absent or ours as it requires; the rest is dropped and
 * counted in drop_dhcp6.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_udp.h>

#include "sl_dhcp6.h"
#include "sl_net6.h"
#include "sl_proto.h"

#define DHCP6_MAX_LEN	1232	/* longest message read */
#define DHCP6_OUT_MAX	512	/* longest reply */
#define DHCP6_DUID_MAX	130	/* RFC 8415 11.1: DUID at most 128 + 2 */

/** What a client message carries that the server uses. */
struct dhcp6_req {
	uint8_t type;
	uint8_t trid[3];
	const uint8_t *clientid;	/* option value, or NULL */
	uint16_t clientid_len;
	const uint8_t *serverid;
	uint16_t serverid_len;
	const uint8_t *ia_na;		/* first IA_NA's value, or NULL */
	uint16_t ia_na_len;
	bool rapid;
};

/** A reply being built. */
struct dhcp6_out {
	uint8_t b[DHCP6_OUT_MAX];
	uint16_t len;
};

/** rd16 - a big-endian 16-bit value at @p. */
static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/** put - append option @code with @len bytes of @v (NULL: zeroes). */
static uint8_t *
put(struct dhcp6_out *o, uint16_t code, const void *v, uint16_t len)
{
	uint8_t *d = &o->b[o->len];

	if (o->len + 4u + len > sizeof(o->b))
		return NULL;
	d[0] = (uint8_t)(code >> 8);
	d[1] = (uint8_t)code;
	d[2] = (uint8_t)(len >> 8);
	d[3] = (uint8_t)len;
	if (v != NULL)
		memcpy(d + 4, v, len);
	else
		memset(d + 4, 0, len);
	o->len += 4 + len;
	return d + 4;
}

/** wr32 - write host-order @v big-endian at @p. */
static inline void
wr32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, 4);
}

/** server_duid - our DUID-LL (type 3, hardware type 1, the MAC). */
static void
server_duid(const struct sl_worker *w, uint8_t *d)
{
	d[0] = 0;
	d[1] = 3;
	d[2] = 0;
	d[3] = 1;
	memcpy(d + 4, w->gw_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
}

void
sl_dhcp6_addr(const struct sl_worker *w, uint8_t *out)
{
	memcpy(out, w->cfg->prefix6, 8);
	memset(out + 8, 0, 8);
	out[15] = SL_DHCP6_ADDR_IID;
}

/**
 * dhcp6_parse - the header and options of a client message.
 * Return: 0, or -1 when an option runs past the message.
 */
static int
dhcp6_parse(const uint8_t *b, uint32_t len, struct dhcp6_req *r)
{
	uint32_t off = 4;

	memset(r, 0, sizeof(*r));
	if (len < 4)
		return -1;
	r->type = b[0];
	memcpy(r->trid, b + 1, 3);
	while (off < len) {
		uint16_t code, olen;

		if (len - off < 4)
			return -1;
		code = rd16(b + off);
		olen = rd16(b + off + 2);
		if (olen > len - off - 4)
			return -1;
		switch (code) {
		case SL_DHCP6_OPT_CLIENTID:
			if (olen < 2 || olen > DHCP6_DUID_MAX)
				return -1;
			r->clientid = b + off + 4;
			r->clientid_len = olen;
			break;
		case SL_DHCP6_OPT_SERVERID:
			r->serverid = b + off + 4;
			r->serverid_len = olen;
			break;
		case SL_DHCP6_OPT_IA_NA:
			if (olen < 12)
				return -1;
			if (r->ia_na == NULL) {
				r->ia_na = b + off + 4;
				r->ia_na_len = olen;
			}
			break;
		case SL_DHCP6_OPT_RAPID:
			r->rapid = true;
			break;
		default:
			break;
		}
		off += 4u + olen;
	}
	return 0;
}

/**
 * valid_ids - RFC 8415 16: the client identifier where required, the
 * server identifier absent (Solicit, Confirm, Rebind) or ours (Request,
 * Renew, Release, Decline), either where allowed (Information-Request).
 */
static bool
valid_ids(const struct sl_worker *w, const struct dhcp6_req *r)
{
	uint8_t duid[SL_DHCP6_DUID_LEN];
	bool ours;

	server_duid(w, duid);
	ours = r->serverid != NULL && r->serverid_len == sizeof(duid) &&
		memcmp(r->serverid, duid, sizeof(duid)) == 0;
	switch (r->type) {
	case SL_DHCP6_SOLICIT:
	case SL_DHCP6_CONFIRM:
	case SL_DHCP6_REBIND:
		return r->clientid != NULL && r->serverid == NULL;
	case SL_DHCP6_REQUEST:
	case SL_DHCP6_RENEW:
	case SL_DHCP6_RELEASE:
	case SL_DHCP6_DECLINE:
		return r->clientid != NULL && ours;
	case SL_DHCP6_INFO_REQ:
		return r->serverid == NULL || ours;
	default:
		return false;
	}
}

/**
 * put_ia_na - the IA_NA of the reply: the client's IAID, T1 and T2 (half
 * and four fifths of the lease time; 0, the server's choice, for an
 * infinite one) and the address with its lifetimes (the lease time).
 */
static void
put_ia_na(const struct sl_worker *w, struct dhcp6_out *o,
	const struct dhcp6_req *r)
{
	uint32_t life = w->cfg->lease_time_s;
	uint8_t *ia, *a;

	ia = put(o, SL_DHCP6_OPT_IA_NA, NULL, 12 + 4 + 24);
	if (ia == NULL)
		return;
	memcpy(ia, r->ia_na, 4);		/* IAID */
	wr32(ia + 4, life == UINT32_MAX ? 0 : life / 2);
	wr32(ia + 8, life == UINT32_MAX ? 0 : (uint32_t)((uint64_t)life *
		4 / 5));
	ia[12] = 0;
	ia[13] = SL_DHCP6_OPT_IAADDR;
	ia[14] = 0;
	ia[15] = 24;
	a = ia + 16;
	sl_dhcp6_addr(w, a);
	wr32(a + 16, life);			/* preferred */
	wr32(a + 20, life);			/* valid */
}

/** put_status - a status code option (RFC 8415 21.13), no message. */
static void
put_status(struct dhcp6_out *o, uint16_t code)
{
	uint8_t v[2] = { (uint8_t)(code >> 8), (uint8_t)code };

	put(o, SL_DHCP6_OPT_STATUS, v, sizeof(v));
}

/**
 * confirm_status - Confirm: Success when every address in the client's
 * first IA_NA is in our prefix, NotOnLink otherwise.
 */
static uint16_t
confirm_status(const struct sl_worker *w, const struct dhcp6_req *r)
{
	uint32_t off = 12;

	if (r->ia_na == NULL)
		return SL_DHCP6_ST_NOTONLINK;
	while (off + 4 <= r->ia_na_len) {
		uint16_t code = rd16(r->ia_na + off);
		uint16_t olen = rd16(r->ia_na + off + 2);

		if (olen > r->ia_na_len - off - 4)
			return SL_DHCP6_ST_NOTONLINK;
		if (code == SL_DHCP6_OPT_IAADDR && (olen < 24 ||
		    memcmp(r->ia_na + off + 4, w->cfg->prefix6, 8) != 0))
			return SL_DHCP6_ST_NOTONLINK;
		off += 4u + olen;
	}
	return SL_DHCP6_ST_SUCCESS;
}

/**
 * dhcp6_reply - build the answer to @r in @o.
 * Return: its message type.
 */
static uint8_t
dhcp6_reply(const struct sl_worker *w, const struct dhcp6_req *r,
	struct dhcp6_out *o)
{
	uint8_t duid[SL_DHCP6_DUID_LEN];
	uint8_t type = SL_DHCP6_REPLY;

	if (r->type == SL_DHCP6_SOLICIT && !r->rapid)
		type = SL_DHCP6_ADVERTISE;
	o->b[0] = type;
	memcpy(o->b + 1, r->trid, 3);
	o->len = 4;
	server_duid(w, duid);
	put(o, SL_DHCP6_OPT_SERVERID, duid, sizeof(duid));
	if (r->clientid != NULL)
		put(o, SL_DHCP6_OPT_CLIENTID, r->clientid, r->clientid_len);
	if (r->type == SL_DHCP6_SOLICIT && r->rapid)
		put(o, SL_DHCP6_OPT_RAPID, NULL, 0);
	switch (r->type) {
	case SL_DHCP6_RELEASE:
	case SL_DHCP6_DECLINE:
		put_status(o, SL_DHCP6_ST_SUCCESS);
		return type;
	case SL_DHCP6_CONFIRM:
		put_status(o, confirm_status(w, r));
		return type;
	case SL_DHCP6_INFO_REQ:
		break;
	default:
		if (r->ia_na != NULL)
			put_ia_na(w, o, r);
		break;
	}
	put(o, SL_DHCP6_OPT_DNS, w->cfg->dns6, 16);
	return type;
}

/**
 * dhcp6_send - the reply @o, from the gateway's link-local address port
 * 547 to the client's @dst port 546 at @dmac. Return: 0 or -1 (counted).
 */
static int
dhcp6_send(struct sl_worker *w, const struct dhcp6_out *o, const uint8_t *dst,
	const struct rte_ether_addr *dmac)
{
	struct rte_udp_hdr *uh;
	struct rte_mbuf *m = sl_alloc(w);

	if (m == NULL)
		return -1;
	uh = (struct rte_udp_hdr *)rte_pktmbuf_append(m,
		sizeof(*uh) + o->len);
	if (uh == NULL)
		goto nomem;
	uh->src_port = RTE_BE16(SL_DHCP6_SERVER_PORT);
	uh->dst_port = RTE_BE16(SL_DHCP6_CLIENT_PORT);
	uh->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*uh) + o->len));
	uh->dgram_cksum = 0;
	memcpy(uh + 1, o->b, o->len);
	if (sl_net_prepend_ipv6(m, &w->gw_mac, dmac, w->gw_ll6, dst,
	    IPPROTO_UDP, 255) != 0)
		goto nomem;
	sl_net6_l4_cksum(m);
	sl_tx(w, m);
	return 0;
nomem:
	rte_pktmbuf_free(m);
	SL_STAT_INC(w->stats, drop_nomem);
	return -1;
}

bool
sl_dhcp6_input(struct sl_worker *w, const struct sl_pkt *p)
{
	uint8_t buf[DHCP6_MAX_LEN];
	struct dhcp6_req r;
	struct dhcp6_out o;
	const uint8_t *b;

	if (!sl_net6_is_ll(p->ip6->src_addr) ||
	    p->pay_len > sizeof(buf) ||
	    (b = rte_pktmbuf_read(p->m, p->pay_off, p->pay_len, buf)) == NULL ||
	    dhcp6_parse(b, p->pay_len, &r) != 0 || !valid_ids(w, &r)) {
		SL_STAT_INC(w->stats, drop_dhcp6);
		return false;
	}
	dhcp6_reply(w, &r, &o);
	if (dhcp6_send(w, &o, p->ip6->src_addr, &p->eth->src_addr) == 0)
		SL_STAT_INC(w->stats, dhcp6_replies);
	return false;
}

/** DHCPv6 in the protocol table: UDP port 547 of IPv6 frames. */
const struct sl_proto sl_dhcp6_proto = {
	.name = "dhcp6",
	.udp6_port = SL_DHCP6_SERVER_PORT,
	.input = sl_dhcp6_input,
};
