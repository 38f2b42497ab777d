/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_dhcp.c: the DHCP server for the guest of a port (RFC 2131/2132): the
 * message parser, the DISCOVER/REQUEST/INFORM/RELEASE/DECLINE handling and
 * the OFFER/ACK/NAK builder.
 *
 * Which host gets which address is the lease table's decision
 * (sl_dhcp_lease.c); a leased address enters the neighbour table with its
 * host's MAC.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_per_lcore.h>
#include <rte_udp.h>

#include "sl_dhcp.h"
#include "sl_io.h"
#include "sl_log.h"
#include "sl_neigh.h"
#include "sl_net.h"
#include "sl_proto.h"

#define SL_DHCP_MIN_MTU		68	/* RFC 2132 9.1: smallest MTU option */
#define SL_DHCP_REPLY_MAX	640	/* fixed part + every option we send */
#define SL_DHCP_LOG_GAP_MS	10000	/* DECLINE log rate limit */
/* 255.255.255.255 (DPDK's RTE_IPV4_BROADCAST is 224.0.0.0, not this) */
#define SL_DHCP_BCAST_IP	UINT32_MAX

static const struct rte_ether_addr dhcp_bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

/** rd_raw32 - raw 32-bit field, kept in network order. */
static inline uint32_t
rd_raw32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/** rd_be32 - a big-endian 32-bit value at @p, host order. */
static inline uint32_t
rd_be32(const uint8_t *p)
{
	return rte_be_to_cpu_32(rd_raw32(p));
}

/** rd_be16 - a big-endian 16-bit value at @p, host order. */
static inline uint16_t
rd_be16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_16(v);
}

/**
 * dhcp_opt - decode one option into @out.
 * @out: message being parsed
 * @code: option code (neither pad nor end)
 * @v: option value, @len bytes, all within the buffer
 * @len: option length
 * @main_field: whether the option sits in the options field proper (the only
 *	place option 52 may appear)
 *
 * Return: 0, or -1 when an option sluice interprets has a bad length or value.
 */
static int
dhcp_opt(struct sl_dhcp_msg *out, uint8_t code, const uint8_t *v, uint8_t len,
	bool main_field)
{
	unsigned int i;

	out->opt_seen[code >> 3] |= (uint8_t)(1u << (code & 7));
	switch (code) {
	case SL_DHCP_OPT_MSG_TYPE:
		if (len != 1 || v[0] == 0)
			return -1;
		out->type = v[0];
		break;
	case SL_DHCP_OPT_OVERLOAD:
		if (!main_field)
			return -1;
		if (len != 1 || v[0] < 1 || v[0] > 3)
			return -1;
		out->overload = v[0];
		break;
	case SL_DHCP_OPT_REQ_IP:
	case SL_DHCP_OPT_SERVER_ID:
	case SL_DHCP_OPT_SUBNET_MASK:
	case SL_DHCP_OPT_BROADCAST:
		if (len != 4)
			return -1;
		if (code == SL_DHCP_OPT_REQ_IP)
			out->requested_ip = rd_raw32(v);
		else if (code == SL_DHCP_OPT_SERVER_ID)
			out->server_id = rd_raw32(v);
		else if (code == SL_DHCP_OPT_SUBNET_MASK)
			out->subnet_mask = rd_raw32(v);
		else
			out->broadcast = rd_raw32(v);
		break;
	case SL_DHCP_OPT_LEASE:
	case SL_DHCP_OPT_T1:
	case SL_DHCP_OPT_T2:
		if (len != 4)
			return -1;
		if (code == SL_DHCP_OPT_LEASE)
			out->lease_time = rd_be32(v);
		else if (code == SL_DHCP_OPT_T1)
			out->t1 = rd_be32(v);
		else
			out->t2 = rd_be32(v);
		break;
	case SL_DHCP_OPT_ROUTER:
		if (len < 4 || len % 4 != 0)
			return -1;
		out->router = rd_raw32(v);
		break;
	case SL_DHCP_OPT_DNS:
		if (len < 4 || len % 4 != 0)
			return -1;
		out->n_dns = 0;
		for (i = 0; i < len / 4u && i < SL_DHCP_MAX_DNS; i++)
			out->dns[out->n_dns++] = rd_raw32(v + 4 * i);
		break;
	case SL_DHCP_OPT_MTU:
	case SL_DHCP_OPT_MAX_SIZE:
		if (len != 2)
			return -1;
		if (code == SL_DHCP_OPT_MTU)
			out->mtu = rd_be16(v);
		else
			out->max_size = rd_be16(v);
		break;
	case SL_DHCP_OPT_PRL:
		/* RFC 3396: a repeated option continues the previous one */
		for (i = 0; i < len && out->prl_len < sizeof(out->prl); i++)
			out->prl[out->prl_len++] = v[i];
		break;
	case SL_DHCP_OPT_CLIENT_ID:
		for (i = 0; i < len &&
				out->client_id_len < sizeof(out->client_id); i++)
			out->client_id[out->client_id_len++] = v[i];
		break;
	default:
		break;
	}
	return 0;
}

/**
 * dhcp_opts - walk one options area (options field, file or sname).
 * @opt: first byte of the area
 * @len: bytes in the area
 * @out: message being parsed
 * @main_field: whether this is the options field proper
 *
 * Return: 0, or -1 when an option runs past the area or is malformed.
 */
static int
dhcp_opts(const uint8_t *opt, size_t len, struct sl_dhcp_msg *out,
	bool main_field)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = opt[i];
		uint8_t olen;

		if (code == SL_DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (code == SL_DHCP_OPT_END)
			return 0;
		if (len - i < 2)
			return -1;	/* no room for the length byte */
		olen = opt[i + 1];
		if (olen > len - i - 2)
			return -1;	/* value runs past the area */
		if (dhcp_opt(out, code, &opt[i + 2], olen, main_field) < 0)
			return -1;
		i += 2u + olen;
	}
	return 0;
}

int
sl_dhcp_parse(const uint8_t *buf, size_t len, struct sl_dhcp_msg *out)
{
	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < SL_DHCP_OPT_OFF)
		return -1;
	out->op = buf[SL_DHCP_OFF_OP];
	out->htype = buf[SL_DHCP_OFF_HTYPE];
	out->hlen = buf[SL_DHCP_OFF_HLEN];
	out->hops = buf[SL_DHCP_OFF_HOPS];
	if (out->op != SL_DHCP_OP_REQUEST && out->op != SL_DHCP_OP_REPLY)
		return -1;
	if (out->htype != SL_DHCP_HTYPE_ETHER || out->hlen != RTE_ETHER_ADDR_LEN)
		return -1;
	if (rd_be32(&buf[SL_DHCP_OFF_MAGIC]) != SL_DHCP_MAGIC)
		return -1;
	out->xid = rd_be32(&buf[SL_DHCP_OFF_XID]);
	out->secs = rd_be16(&buf[SL_DHCP_OFF_SECS]);
	out->flags = rd_be16(&buf[SL_DHCP_OFF_FLAGS]);
	out->ciaddr = rd_raw32(&buf[SL_DHCP_OFF_CIADDR]);
	out->yiaddr = rd_raw32(&buf[SL_DHCP_OFF_YIADDR]);
	out->siaddr = rd_raw32(&buf[SL_DHCP_OFF_SIADDR]);
	out->giaddr = rd_raw32(&buf[SL_DHCP_OFF_GIADDR]);
	memcpy(out->chaddr.addr_bytes, &buf[SL_DHCP_OFF_CHADDR],
		RTE_ETHER_ADDR_LEN);

	if (dhcp_opts(&buf[SL_DHCP_OPT_OFF], len - SL_DHCP_OPT_OFF, out,
			true) < 0)
		return -1;
	/* RFC 2131 4.1: with option 52, file then sname carry options too */
	if ((out->overload & 1) && dhcp_opts(&buf[SL_DHCP_OFF_FILE], 128,
			out, false) < 0)
		return -1;
	if ((out->overload & 2) && dhcp_opts(&buf[SL_DHCP_OFF_SNAME], 64,
			out, false) < 0)
		return -1;
	if (!sl_dhcp_has(out, SL_DHCP_OPT_MSG_TYPE))
		return -1;
	return 0;
}

/* A reply being built: the BOOTP message and the options write cursor. */
struct dhcp_out {
	uint8_t b[SL_DHCP_REPLY_MAX];
	uint16_t len;
};

/**
 * opt_put - append DHCP option @code with @len bytes of @v (dropped when
 * it would not leave room for the end option).
 */
static void
opt_put(struct dhcp_out *o, uint8_t code, const void *v, uint8_t len)
{
	/* leave room for the end option; the buffer is sized for all we send */
	if (o->len + 2u + len + 1u > sizeof(o->b))
		return;
	o->b[o->len++] = code;
	o->b[o->len++] = len;
	memcpy(&o->b[o->len], v, len);
	o->len += len;
}

/** opt_put_raw32 - append a 4-byte option already in network order. */
static void
opt_put_raw32(struct dhcp_out *o, uint8_t code, uint32_t v)
{
	opt_put(o, code, &v, sizeof(v));
}

/** opt_put_be32 - append a 4-byte option given in host order. */
static void
opt_put_be32(struct dhcp_out *o, uint8_t code, uint32_t v)
{
	opt_put_raw32(o, code, rte_cpu_to_be_32(v));
}

/** What a reply carries beyond the message type and server id. */
enum dhcp_extra {
	DHCP_EXTRA_NONE,	/* NAK */
	DHCP_EXTRA_PARAMS,	/* INFORM's ACK: configuration, no lease */
	DHCP_EXTRA_LEASE,	/* OFFER, ACK: configuration and lease */
};

/**
 * dhcp_params - write the configuration options of an OFFER or ACK.
 * @w: worker
 * @o: reply being built
 * @lease: whether to add lease time, T1 and T2
 */
static void
dhcp_params(const struct sl_worker *w, struct dhcp_out *o, bool lease)
{
	const struct sl_config *cfg = w->cfg;
	uint8_t plen = cfg->prefix_len > 32 ? 32 : cfg->prefix_len;
	uint32_t mask = plen == 0 ? 0 : UINT32_MAX << (32 - plen);
	uint32_t net = rte_be_to_cpu_32(cfg->guest_addr) & mask;
	uint16_t mtu;

	if (lease) {
		uint32_t t = cfg->lease_time_s;

		if (t == 0 || t == UINT32_MAX) {
			/* infinite lease: T1/T2 have no meaning */
			opt_put_be32(o, SL_DHCP_OPT_LEASE, UINT32_MAX);
		} else {
			opt_put_be32(o, SL_DHCP_OPT_LEASE, t);
			opt_put_be32(o, SL_DHCP_OPT_T1, t / 2);
			opt_put_be32(o, SL_DHCP_OPT_T2,
				(uint32_t)((uint64_t)t * 7 / 8));
		}
	}
	opt_put_be32(o, SL_DHCP_OPT_SUBNET_MASK, mask);
	opt_put_raw32(o, SL_DHCP_OPT_ROUTER, cfg->gateway);
	if (cfg->dns != 0)
		opt_put_raw32(o, SL_DHCP_OPT_DNS, cfg->dns);
	if (w->mtu >= SL_DHCP_MIN_MTU) {
		mtu = rte_cpu_to_be_16(w->mtu);
		opt_put(o, SL_DHCP_OPT_MTU, &mtu, sizeof(mtu));
	}
	opt_put_be32(o, SL_DHCP_OPT_BROADCAST, net | ~mask);
}

/**
 * dhcp_send - build a BOOTREPLY and queue it for the guest.
 * @w: worker
 * @req: the request answered
 * @type: SL_DHCP_OFFER, SL_DHCP_ACK or SL_DHCP_NAK
 * @yiaddr: address offered (network order), 0 for NAK and INFORM
 * @extra: options beyond type and server id
 * @dst_mac: Ethernet destination
 * @dst_ip: IPv4 destination, network order
 *
 * Return: 0 when queued, -1 when out of mbufs (counted).
 */
static int
dhcp_send(struct sl_worker *w, const struct sl_dhcp_msg *req, uint8_t type,
	uint32_t yiaddr, enum dhcp_extra extra,
	const struct rte_ether_addr *dst_mac, uint32_t dst_ip)
{
	static const char nak_msg[] = "requested address not available";
	const struct sl_config *cfg = w->cfg;
	struct dhcp_out o;
	struct rte_udp_hdr *udp;
	struct rte_mbuf *m;
	uint32_t v32;
	uint16_t v16;
	char *d;

	memset(o.b, 0, SL_DHCP_OPT_OFF);
	o.b[SL_DHCP_OFF_OP] = SL_DHCP_OP_REPLY;
	o.b[SL_DHCP_OFF_HTYPE] = SL_DHCP_HTYPE_ETHER;
	o.b[SL_DHCP_OFF_HLEN] = RTE_ETHER_ADDR_LEN;
	v32 = rte_cpu_to_be_32(req->xid);
	memcpy(&o.b[SL_DHCP_OFF_XID], &v32, 4);
	v16 = rte_cpu_to_be_16(req->flags);
	memcpy(&o.b[SL_DHCP_OFF_FLAGS], &v16, 2);
	if (type != SL_DHCP_NAK) {
		memcpy(&o.b[SL_DHCP_OFF_CIADDR], &req->ciaddr, 4);
		memcpy(&o.b[SL_DHCP_OFF_YIADDR], &yiaddr, 4);
		memcpy(&o.b[SL_DHCP_OFF_SIADDR], &cfg->gateway, 4);
	}
	memcpy(&o.b[SL_DHCP_OFF_GIADDR], &req->giaddr, 4);
	memcpy(&o.b[SL_DHCP_OFF_CHADDR], req->chaddr.addr_bytes,
		RTE_ETHER_ADDR_LEN);
	v32 = rte_cpu_to_be_32(SL_DHCP_MAGIC);
	memcpy(&o.b[SL_DHCP_OFF_MAGIC], &v32, 4);
	o.len = SL_DHCP_OPT_OFF;

	opt_put(&o, SL_DHCP_OPT_MSG_TYPE, &type, 1);
	opt_put_raw32(&o, SL_DHCP_OPT_SERVER_ID, cfg->gateway);
	if (extra != DHCP_EXTRA_NONE)
		dhcp_params(w, &o, extra == DHCP_EXTRA_LEASE);
	else
		opt_put(&o, SL_DHCP_OPT_MESSAGE, nak_msg, sizeof(nak_msg) - 1);
	/* RFC 6842: a client identifier is echoed back */
	if (req->client_id_len > 0)
		opt_put(&o, SL_DHCP_OPT_CLIENT_ID, req->client_id,
			req->client_id_len);
	o.b[o.len++] = SL_DHCP_OPT_END;
	if (o.len < SL_DHCP_MIN_REPLY) {
		memset(&o.b[o.len], 0, SL_DHCP_MIN_REPLY - o.len);
		o.len = SL_DHCP_MIN_REPLY;
	}

	m = sl_alloc(w);
	if (m == NULL)
		return -1;
	d = rte_pktmbuf_append(m, sizeof(*udp) + o.len);
	if (d == NULL)
		goto nomem;
	udp = (struct rte_udp_hdr *)d;
	udp->src_port = rte_cpu_to_be_16(SL_DHCP_SERVER_PORT);
	udp->dst_port = rte_cpu_to_be_16(SL_DHCP_CLIENT_PORT);
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + o.len);
	udp->dgram_cksum = 0;
	memcpy(d + sizeof(*udp), o.b, o.len);
	if (sl_net_prepend_ipv4(m, &w->gw_mac, dst_mac, cfg->gateway, dst_ip,
			IPPROTO_UDP) < 0)
		goto nomem;
	sl_net_l4_cksum(m);
	sl_tx(w, m);
	w->dhcp->xid = req->xid;
	return 0;
nomem:
	rte_pktmbuf_free(m);
	SL_STAT_INC(w->stats, drop_nomem);
	return -1;
}

/**
 * dhcp_reply_to - where an OFFER or ACK goes (RFC 2131 4.1, giaddr ignored:
 * the guest is on our link). A configured client (ciaddr set) gets unicast
 * to ciaddr; otherwise the broadcast flag asks for broadcast; otherwise the
 * reply is unicast to chaddr and @yiaddr, as QEMU does.
 */
static void
dhcp_reply_to(const struct sl_dhcp_msg *req, uint32_t yiaddr,
	const struct rte_ether_addr **mac, uint32_t *ip)
{
	*mac = &req->chaddr;
	if (req->ciaddr != 0) {
		*ip = req->ciaddr;
	} else if ((req->flags & SL_DHCP_FLAG_BROADCAST) || yiaddr == 0) {
		*mac = &dhcp_bcast_mac;
		*ip = SL_DHCP_BCAST_IP;
	} else {
		*ip = yiaddr;
	}
}

/**
 * dhcp_log - one warning line, at most one per SL_DHCP_LOG_GAP_MS (hosts
 * must not flood the log): @what about address @ip (network order).
 */
static void
dhcp_log(struct sl_worker *w, const char *what, uint32_t ip)
{
	const uint8_t *a = (const uint8_t *)&ip;

	if (w->dhcp->logged && w->now_ms - w->dhcp->log_ms <
	    SL_DHCP_LOG_GAP_MS)
		return;
	w->dhcp->logged = true;
	w->dhcp->log_ms = w->now_ms;
	if (ip == 0)
		SL_LOG(DHCP, WARNING, "worker %u: %s\n", w->id, what);
	else
		SL_LOG(DHCP, WARNING, "worker %u: %s %u.%u.%u.%u\n", w->id,
			what, a[0], a[1], a[2], a[3]);
}

/** dhcp_learn - the client's chaddr is where address @ip is. */
static void
dhcp_learn(struct sl_worker *w, const struct sl_dhcp_msg *req, uint32_t ip)
{
	sl_neigh_learn(w, ip, &req->chaddr);
}

/** dhcp_grant - send an OFFER or ACK of address @yiaddr. */
static int
dhcp_grant(struct sl_worker *w, const struct sl_dhcp_msg *req, uint8_t type,
	uint32_t yiaddr)
{
	const struct rte_ether_addr *mac;
	uint32_t ip;

	dhcp_reply_to(req, yiaddr, &mac, &ip);
	return dhcp_send(w, req, type, yiaddr, DHCP_EXTRA_LEASE, mac, ip);
}

/**
 * dhcp_discover - answer a DHCPDISCOVER with an OFFER of the address the
 * lease table picks (and the neighbour table has room for); none when the
 * pool is exhausted or the port has its hosts.
 */
static void
dhcp_discover(struct sl_worker *w, const struct sl_dhcp_msg *req)
{
	enum sl_lease_why why;
	uint32_t ip;

	ip = sl_lease_offer(&w->dhcp->leases, &req->chaddr,
		sl_dhcp_has(req, SL_DHCP_OPT_REQ_IP) ? req->requested_ip : 0,
		w->now_ms, &why);
	if (ip == 0) {
		if (why == SL_LEASE_FULL) {
			SL_STAT_INC(w->stats, hosts_limit);
			dhcp_log(w, "no DHCP offer: the port has its "
				"--max-hosts hosts (hosts_limit)", 0);
		} else {
			SL_STAT_INC(w->stats, dhcp_pool_empty);
			dhcp_log(w, "no DHCP offer: every pool address is "
				"taken (dhcp_pool_empty)", 0);
		}
		return;
	}
	if (sl_neigh_add(w, ip) < 0)
		return;		/* counted in hosts_limit */
	dhcp_learn(w, req, ip);
	if (dhcp_grant(w, req, SL_DHCP_OFFER, ip) == 0)
		SL_STAT_INC(w->stats, dhcp_offers);
}

/**
 * dhcp_request - answer a DHCPREQUEST (RFC 2131 4.3.2).
 *
 * SELECTING names a server: another server's means the client turned us
 * down, which calls for silence. Otherwise the address asked for is option
 * 50 (SELECTING, INIT-REBOOT) or ciaddr (RENEWING, REBINDING): acknowledged
 * when the lease table grants it to the client's chaddr, else refused with a
 * broadcast NAK.
 */
static void
dhcp_request(struct sl_worker *w, const struct sl_dhcp_msg *req)
{
	uint32_t want;

	if (sl_dhcp_has(req, SL_DHCP_OPT_SERVER_ID) &&
			req->server_id != w->cfg->gateway)
		return;
	want = sl_dhcp_has(req, SL_DHCP_OPT_REQ_IP) ?
		req->requested_ip : req->ciaddr;
	if (want == 0) {
		SL_STAT_INC(w->stats, drop_dhcp);
		return;
	}
	if (sl_lease_bind(&w->dhcp->leases, &req->chaddr, want,
	    w->now_ms) == 0 && sl_neigh_add(w, want) >= 0) {
		dhcp_learn(w, req, want);
		if (dhcp_grant(w, req, SL_DHCP_ACK, want) == 0)
			SL_STAT_INC(w->stats, dhcp_acks);
		return;
	}
	/* RFC 2131 4.1: with giaddr zero, a NAK is always broadcast */
	if (dhcp_send(w, req, SL_DHCP_NAK, 0, DHCP_EXTRA_NONE, &dhcp_bcast_mac,
			SL_DHCP_BCAST_IP) == 0)
		SL_STAT_INC(w->stats, dhcp_naks);
}

/** dhcp_inform - answer a DHCPINFORM: configuration only, to ciaddr. */
static void
dhcp_inform(struct sl_worker *w, const struct sl_dhcp_msg *req)
{
	const struct rte_ether_addr *mac;
	uint32_t ip;

	if (req->ciaddr != 0)
		dhcp_learn(w, req, req->ciaddr);
	dhcp_reply_to(req, 0, &mac, &ip);
	if (dhcp_send(w, req, SL_DHCP_ACK, 0, DHCP_EXTRA_PARAMS, mac, ip) == 0)
		SL_STAT_INC(w->stats, dhcp_informs);
}

/**
 * dhcp_decline - a DHCPDECLINE: the host found its address in use. The
 * address rests (offered to nobody for SL_LEASE_DECLINE_MS); counted and
 * logged. A decline of an address the host does not hold is a drop.
 */
static void
dhcp_decline(struct sl_worker *w, const struct sl_dhcp_msg *req)
{
	if (sl_lease_decline(&w->dhcp->leases, &req->chaddr,
	    req->requested_ip, w->now_ms) != 0) {
		SL_STAT_INC(w->stats, drop_dhcp);
		return;
	}
	SL_STAT_INC(w->stats, dhcp_declines);
	dhcp_log(w, "a host declined DHCP address", req->requested_ip);
}

/**
 * dhcp_release - a DHCPRELEASE: the host gives its address back (the
 * table remembers the MAC for when it comes back).
 */
static void
dhcp_release(struct sl_worker *w, const struct sl_dhcp_msg *req)
{
	if (sl_lease_release(&w->dhcp->leases, &req->chaddr,
	    req->ciaddr) != 0) {
		SL_STAT_INC(w->stats, drop_dhcp);
		return;
	}
	SL_STAT_INC(w->stats, dhcp_releases);
}

bool
sl_dhcp_input(struct sl_worker *w, const struct sl_pkt *p)
{
	uint8_t copy[SL_DHCP_MAX_LEN];
	struct sl_dhcp_msg req;
	const uint8_t *buf;
	uint32_t len = p->pay_len;

	/* a message too long for the buffer is read up to it: the end option
	 * must come within SL_DHCP_MAX_LEN bytes
	 */
	if (len > sizeof(copy))
		len = sizeof(copy);
	buf = rte_pktmbuf_read(p->m, p->pay_off, len, copy);
	if (buf == NULL || sl_dhcp_parse(buf, len, &req) < 0 ||
			req.op != SL_DHCP_OP_REQUEST ||
			!rte_is_valid_assigned_ether_addr(&req.chaddr)) {
		SL_STAT_INC(w->stats, drop_dhcp);
		return false;
	}

	switch (req.type) {
	case SL_DHCP_DISCOVER:
		dhcp_discover(w, &req);
		break;
	case SL_DHCP_REQUEST:
		dhcp_request(w, &req);
		break;
	case SL_DHCP_RELEASE:
		dhcp_release(w, &req);
		break;
	case SL_DHCP_DECLINE:
		dhcp_decline(w, &req);
		break;
	case SL_DHCP_INFORM:
		dhcp_inform(w, &req);
		break;
	default:
		/* OFFER, ACK, NAK from a client, or a type we do not serve */
		SL_STAT_INC(w->stats, drop_dhcp);
		break;
	}
	return false;
}

/**
 * dhcp_busy - the lease table's view of the neighbour table: @ip is in use
 * by a host other than @mac that never asked for it (a static address).
 */
static bool
dhcp_busy(void *arg, uint32_t ip, const struct rte_ether_addr *mac)
{
	struct rte_ether_addr at;

	return sl_neigh_lookup(arg, ip, &at) &&
		!rte_is_same_ether_addr(&at, mac);
}

/** dhcp_init - the DHCP entry's init hook: the server's state. */
static int
dhcp_init(struct sl_worker *w)
{
	w->dhcp = rte_zmalloc("sl_dhcp", sizeof(*w->dhcp), 0);
	if (w->dhcp == NULL)
		return -ENOMEM;
	sl_lease_init(&w->dhcp->leases, w->cfg, dhcp_busy, w);
	return 0;
}

/** dhcp_fini - the DHCP entry's last teardown hook. */
static void
dhcp_fini(struct sl_worker *w)
{
	rte_free(w->dhcp);
	w->dhcp = NULL;
}

/** DHCP in the protocol table: the server port, before source checks. */
const struct sl_proto sl_dhcp_proto = {
	.name = "dhcp",
	.udp_port = SL_DHCP_SERVER_PORT,
	.init = dhcp_init,
	.fini = dhcp_fini,
	.input = sl_dhcp_input,
};
