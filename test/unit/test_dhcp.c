/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_dhcp.c: unit tests of the DHCP server (lib/dhcp): the message parser,
 * OFFER/ACK/NAK contents and addressing, RELEASE/DECLINE/INFORM, and the
 * refusal of malformed messages.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "sl_dhcp.h"
#include "sl_neigh.h"
#include "sl_net.h"
#include "sl_test.h"
#include "sl_worker.h"

#define STAT(c)		SL_STAT_READ(env.w.stats, SL_STAT_##c)
#define BCAST_IP	UINT32_MAX

/* a.b.c.d in host order (RTE_IPV4 shifts a signed int past its range) */
#define IP4(a, b, c, d)	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	((uint32_t)(c) << 8) | (uint32_t)(d))
/* 10.0.2.x in host order, for sl_test_udp_frame */
#define NET10(x)	IP4(10, 0, 2, (x))

static struct sl_test_env env;

static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr other_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 } };

/* A DHCP message a client sends, built byte by byte. */
struct dmsg {
	uint8_t b[1200];
	uint16_t len;
};

static void
msg_put32(struct dmsg *d, uint16_t off, uint32_t raw)
{
	memcpy(&d->b[off], &raw, 4);
}

static void
msg_opt(struct dmsg *d, uint8_t code, const void *v, uint8_t len)
{
	d->b[d->len++] = code;
	d->b[d->len++] = len;
	memcpy(&d->b[d->len], v, len);
	d->len += len;
}

static void
msg_opt32(struct dmsg *d, uint8_t code, uint32_t raw)
{
	msg_opt(d, code, &raw, 4);
}

static void
msg_end(struct dmsg *d)
{
	d->b[d->len++] = SL_DHCP_OPT_END;
}

/* Fixed part for @chaddr, magic cookie and (when @type) option 53. */
static void
msg_init(struct dmsg *d, uint8_t type, uint32_t xid,
	const struct rte_ether_addr *chaddr)
{
	memset(d, 0, sizeof(*d));
	d->b[SL_DHCP_OFF_OP] = SL_DHCP_OP_REQUEST;
	d->b[SL_DHCP_OFF_HTYPE] = SL_DHCP_HTYPE_ETHER;
	d->b[SL_DHCP_OFF_HLEN] = RTE_ETHER_ADDR_LEN;
	msg_put32(d, SL_DHCP_OFF_XID, rte_cpu_to_be_32(xid));
	memcpy(&d->b[SL_DHCP_OFF_CHADDR], chaddr->addr_bytes,
		RTE_ETHER_ADDR_LEN);
	msg_put32(d, SL_DHCP_OFF_MAGIC, rte_cpu_to_be_32(SL_DHCP_MAGIC));
	d->len = SL_DHCP_OPT_OFF;
	if (type != 0)
		msg_opt(d, SL_DHCP_OPT_MSG_TYPE, &type, 1);
}

/* A complete message of @type with a parameter request list. */
static void
msg_std(struct dmsg *d, uint8_t type, uint32_t xid)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 26, 28, 51, 58, 59 };

	msg_init(d, type, xid, &sl_test_guest_mac);
	msg_opt(d, SL_DHCP_OPT_PRL, prl, sizeof(prl));
}

/* Feed @d from the guest (@saddr/@daddr host order) through the worker. */
static int
send_from(const struct dmsg *d, const struct rte_ether_addr *src,
	uint32_t saddr, uint32_t daddr)
{
	struct rte_mbuf *m;

	m = sl_test_udp_frame(&env, src, saddr, SL_DHCP_CLIENT_PORT, daddr,
		SL_DHCP_SERVER_PORT, d->b, d->len);
	if (m == NULL)
		return -1;
	sl_test_input(&env, m);
	return 0;
}

/* The usual case: unconfigured guest broadcasting. */
static int
send_msg(const struct dmsg *d)
{
	return send_from(d, &sl_test_guest_mac, 0, BCAST_IP);
}

/* A captured reply, its headers and the parsed DHCP message. */
struct reply {
	const struct rte_ether_hdr *eth;
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *udp;
	uint16_t pay_len;
	struct sl_dhcp_msg msg;
};

#define FAIL(...) do {							\
	fprintf(stderr, "  reply: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	return -1;							\
} while (0)

/**
 * reply_decode - check a captured frame is a well-formed DHCP reply from the
 * gateway (IPv4 and UDP checksums included) and parse it.
 */
static int
reply_decode(struct rte_mbuf *m, struct reply *r)
{
	static uint8_t copy[2048];
	const size_t l4_off = sizeof(struct rte_ether_hdr) +
		sizeof(struct rte_ipv4_hdr);
	const uint8_t *pay;
	uint16_t ip_len;

	memset(r, 0, sizeof(*r));
	if (m == NULL)
		FAIL("no frame");
	if (rte_pktmbuf_data_len(m) < l4_off + sizeof(struct rte_udp_hdr))
		FAIL("headers not in the first segment");
	r->eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	r->ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
		sizeof(struct rte_ether_hdr));
	r->udp = rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *,
		l4_off);
	if (r->eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		FAIL("ethertype %#x", rte_be_to_cpu_16(r->eth->ether_type));
	if (!rte_is_same_ether_addr(&r->eth->src_addr, &env.w.gw_mac))
		FAIL("Ethernet source is not the gateway MAC");
	if (r->ip->version_ihl != 0x45 || r->ip->next_proto_id != IPPROTO_UDP)
		FAIL("not IPv4/UDP");
	if (r->ip->src_addr != env.cfg.gateway)
		FAIL("IP source is not the gateway");
	if (rte_ipv4_cksum(r->ip) != 0)
		FAIL("bad IPv4 checksum");
	ip_len = rte_be_to_cpu_16(r->ip->total_length);
	if (ip_len + sizeof(struct rte_ether_hdr) > rte_pktmbuf_pkt_len(m))
		FAIL("IP length %u beyond the frame", ip_len);
	if (rte_be_to_cpu_16(r->udp->dgram_len) !=
			ip_len - sizeof(struct rte_ipv4_hdr))
		FAIL("UDP length %u, IP length %u",
			rte_be_to_cpu_16(r->udp->dgram_len), ip_len);
	if (r->udp->src_port != RTE_BE16(SL_DHCP_SERVER_PORT) ||
			r->udp->dst_port != RTE_BE16(SL_DHCP_CLIENT_PORT))
		FAIL("ports %u -> %u", rte_be_to_cpu_16(r->udp->src_port),
			rte_be_to_cpu_16(r->udp->dst_port));
	if (r->udp->dgram_cksum == 0)
		FAIL("UDP checksum not filled");
	if (rte_ipv4_udptcp_cksum_mbuf_verify(m, r->ip, l4_off) != 0)
		FAIL("bad UDP checksum");
	r->pay_len = ip_len - sizeof(struct rte_ipv4_hdr) -
		sizeof(struct rte_udp_hdr);
	if (r->pay_len > sizeof(copy))
		FAIL("payload too long");
	pay = rte_pktmbuf_read(m, l4_off + sizeof(struct rte_udp_hdr),
		r->pay_len, copy);
	if (pay == NULL)
		FAIL("payload unreadable");
	if (sl_dhcp_parse(pay, r->pay_len, &r->msg) != 0)
		FAIL("sl_dhcp_parse refused the reply");
	if (r->msg.op != SL_DHCP_OP_REPLY)
		FAIL("op %u", r->msg.op);
	return 0;
}

/* Set up the environment, run one case body, tear down (even on failure). */
#define DHCP_TEST(name)							\
	static void body_##name(void);					\
	SL_TEST(name)							\
	{								\
		SL_CHECK(sl_test_eal() == 0);				\
		SL_CHECK(sl_test_env_init(&env, NULL) == 0);		\
		body_##name();						\
		sl_test_env_fini(&env);					\
	}								\
	static void body_##name(void)

/* Check the configuration options of an OFFER or ACK (@lease: 51/58/59). */
#define CHECK_PARAMS(msg, lease) do {					\
	uint8_t _pl = env.cfg.prefix_len;				\
	uint32_t _mask = rte_cpu_to_be_32(_pl == 0 ? 0 :		\
		UINT32_MAX << (32 - _pl));				\
	SL_CHECK(sl_dhcp_has(msg, SL_DHCP_OPT_SERVER_ID));		\
	SL_CHECK_EQ((msg)->server_id, env.cfg.gateway);			\
	SL_CHECK(sl_dhcp_has(msg, SL_DHCP_OPT_SUBNET_MASK));		\
	SL_CHECK_EQ((msg)->subnet_mask, _mask);				\
	SL_CHECK(sl_dhcp_has(msg, SL_DHCP_OPT_ROUTER));			\
	SL_CHECK_EQ((msg)->router, env.cfg.gateway);			\
	SL_CHECK(sl_dhcp_has(msg, SL_DHCP_OPT_DNS));			\
	SL_CHECK_EQ((msg)->n_dns, 1);					\
	SL_CHECK_EQ((msg)->dns[0], env.cfg.dns);			\
	SL_CHECK(sl_dhcp_has(msg, SL_DHCP_OPT_MTU));			\
	SL_CHECK_EQ((msg)->mtu, env.w.mtu);				\
	SL_CHECK(sl_dhcp_has(msg, SL_DHCP_OPT_BROADCAST));		\
	SL_CHECK_EQ((msg)->broadcast,					\
		(env.cfg.guest_addr & _mask) | ~_mask);			\
	if (lease) {							\
		uint32_t _t = env.cfg.lease_time_s;			\
		SL_CHECK(sl_dhcp_has(msg, SL_DHCP_OPT_LEASE));		\
		SL_CHECK_EQ((msg)->lease_time, _t);			\
		SL_CHECK(sl_dhcp_has(msg, SL_DHCP_OPT_T1));		\
		SL_CHECK_EQ((msg)->t1, _t / 2);				\
		SL_CHECK(sl_dhcp_has(msg, SL_DHCP_OPT_T2));		\
		SL_CHECK_EQ((msg)->t2, (uint64_t)_t * 7 / 8);		\
	} else {							\
		SL_CHECK(!sl_dhcp_has(msg, SL_DHCP_OPT_LEASE));		\
		SL_CHECK(!sl_dhcp_has(msg, SL_DHCP_OPT_T1));		\
		SL_CHECK(!sl_dhcp_has(msg, SL_DHCP_OPT_T2));		\
	}								\
} while (0)

/* The parser on its own: a well-formed message, every option decoded. */
SL_TEST(parse_options)
{
	static const uint8_t prl[] = { 1, 3, 6 };
	static const uint8_t cid[] = { 1, 2, 0, 0, 0, 0, 0x15 };
	uint32_t dns[2] = { RTE_BE32(NET10(3)), RTE_BE32(NET10(4)) };
	uint16_t mtu = RTE_BE16(1500);
	struct sl_dhcp_msg msg;
	struct dmsg d;

	msg_init(&d, SL_DHCP_REQUEST, 0x12345678, &sl_test_guest_mac);
	d.b[SL_DHCP_OFF_FLAGS] = 0x80;
	msg_put32(&d, SL_DHCP_OFF_CIADDR, RTE_BE32(NET10(15)));
	d.b[d.len++] = SL_DHCP_OPT_PAD;
	msg_opt32(&d, SL_DHCP_OPT_REQ_IP, RTE_BE32(NET10(15)));
	msg_opt32(&d, SL_DHCP_OPT_SERVER_ID, RTE_BE32(NET10(2)));
	msg_opt32(&d, SL_DHCP_OPT_LEASE, RTE_BE32(3600));
	msg_opt(&d, SL_DHCP_OPT_DNS, dns, sizeof(dns));
	msg_opt(&d, SL_DHCP_OPT_MTU, &mtu, 2);
	msg_opt(&d, SL_DHCP_OPT_PRL, prl, sizeof(prl));
	msg_opt(&d, SL_DHCP_OPT_CLIENT_ID, cid, sizeof(cid));
	msg_opt(&d, 250, "xyz", 3);	/* unknown: skipped */
	msg_end(&d);
	d.len += 20;			/* padding after the end option */

	SL_CHECK(sl_dhcp_parse(d.b, d.len, &msg) == 0);
	SL_CHECK_EQ(msg.op, SL_DHCP_OP_REQUEST);
	SL_CHECK_EQ(msg.xid, 0x12345678);
	SL_CHECK_EQ(msg.flags, SL_DHCP_FLAG_BROADCAST);
	SL_CHECK_EQ(msg.ciaddr, RTE_BE32(NET10(15)));
	SL_CHECK(rte_is_same_ether_addr(&msg.chaddr, &sl_test_guest_mac));
	SL_CHECK_EQ(msg.type, SL_DHCP_REQUEST);
	SL_CHECK_EQ(msg.requested_ip, RTE_BE32(NET10(15)));
	SL_CHECK_EQ(msg.server_id, RTE_BE32(NET10(2)));
	SL_CHECK_EQ(msg.lease_time, 3600);
	SL_CHECK_EQ(msg.n_dns, 2);
	SL_CHECK_EQ(msg.dns[1], RTE_BE32(NET10(4)));
	SL_CHECK_EQ(msg.mtu, 1500);
	SL_CHECK_EQ(msg.prl_len, sizeof(prl));
	SL_CHECK(memcmp(msg.prl, prl, sizeof(prl)) == 0);
	SL_CHECK_EQ(msg.client_id_len, sizeof(cid));
	SL_CHECK(sl_dhcp_has(&msg, 250));
	SL_CHECK(!sl_dhcp_has(&msg, SL_DHCP_OPT_ROUTER));

	/* no end option, last option flush with the end: accepted */
	msg_init(&d, SL_DHCP_DISCOVER, 1, &sl_test_guest_mac);
	SL_CHECK(sl_dhcp_parse(d.b, d.len, &msg) == 0);
	SL_CHECK_EQ(msg.type, SL_DHCP_DISCOVER);
}

/* The parser refuses what it must, at every boundary. */
SL_TEST(parse_malformed)
{
	struct sl_dhcp_msg msg;
	struct dmsg d;
	size_t n;

	SL_CHECK(sl_dhcp_parse(NULL, 300, &msg) < 0);
	msg_init(&d, SL_DHCP_DISCOVER, 1, &sl_test_guest_mac);
	msg_end(&d);
	/* every truncation inside fixed part, cookie and option 53 */
	for (n = 0; n < SL_DHCP_OPT_OFF + 3; n++)
		SL_CHECK(sl_dhcp_parse(d.b, n, &msg) < 0);
	SL_CHECK(sl_dhcp_parse(d.b, SL_DHCP_OPT_OFF + 3, &msg) == 0);

	/* option length one past the buffer */
	msg_init(&d, SL_DHCP_DISCOVER, 1, &sl_test_guest_mac);
	msg_opt(&d, SL_DHCP_OPT_HOSTNAME, "guest", 5);
	SL_CHECK(sl_dhcp_parse(d.b, d.len, &msg) == 0);
	SL_CHECK(sl_dhcp_parse(d.b, d.len - 1, &msg) < 0);
	/* wrong length for an interpreted option */
	msg_init(&d, SL_DHCP_DISCOVER, 1, &sl_test_guest_mac);
	msg_opt(&d, SL_DHCP_OPT_REQ_IP, "abc", 3);
	msg_end(&d);
	SL_CHECK(sl_dhcp_parse(d.b, d.len, &msg) < 0);
	/* options after the end option are not read */
	msg_init(&d, 0, 1, &sl_test_guest_mac);
	msg_end(&d);
	msg_opt(&d, SL_DHCP_OPT_MSG_TYPE, "\x01", 1);
	SL_CHECK(sl_dhcp_parse(d.b, d.len, &msg) < 0);
}

/* Options overloaded into the file and sname fields (option 52). */
SL_TEST(parse_overload)
{
	struct sl_dhcp_msg msg;
	struct dmsg d;

	msg_init(&d, 0, 7, &sl_test_guest_mac);
	msg_opt(&d, SL_DHCP_OPT_OVERLOAD, "\x03", 1);
	msg_end(&d);
	/* file: type; sname: requested address */
	memcpy(&d.b[SL_DHCP_OFF_FILE], "\x35\x01\x03\xff", 4);
	memcpy(&d.b[SL_DHCP_OFF_SNAME], "\x32\x04\x0a\x00\x02\x0f\xff", 7);
	SL_CHECK(sl_dhcp_parse(d.b, d.len, &msg) == 0);
	SL_CHECK_EQ(msg.type, SL_DHCP_REQUEST);
	SL_CHECK_EQ(msg.requested_ip, RTE_BE32(NET10(15)));
	/* an option running past the sname field */
	memcpy(&d.b[SL_DHCP_OFF_SNAME + 60], "\x0c\x08", 2);
	memset(&d.b[SL_DHCP_OFF_SNAME], 0, 7);
	SL_CHECK(sl_dhcp_parse(d.b, d.len, &msg) < 0);
}

/* DISCOVER gets an OFFER of the guest address with every option. */
DHCP_TEST(discover_offer)
{
	struct rte_ether_addr mac;
	struct reply r;
	struct dmsg d;

	sl_neigh_flush(&env.w);
	msg_std(&d, SL_DHCP_DISCOVER, 0xdeadbeef);
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);

	/* unicast to chaddr at the offered address (no broadcast flag) */
	SL_CHECK(rte_is_same_ether_addr(&r.eth->dst_addr, &sl_test_guest_mac));
	SL_CHECK_EQ(r.ip->dst_addr, env.cfg.guest_addr);
	SL_CHECK(r.pay_len >= SL_DHCP_MIN_REPLY);

	SL_CHECK_EQ(r.msg.type, SL_DHCP_OFFER);
	SL_CHECK_EQ(r.msg.xid, 0xdeadbeef);
	SL_CHECK_EQ(r.msg.flags, 0);
	SL_CHECK_EQ(r.msg.ciaddr, 0);
	SL_CHECK_EQ(r.msg.yiaddr, env.cfg.guest_addr);
	SL_CHECK_EQ(r.msg.siaddr, env.cfg.gateway);
	SL_CHECK_EQ(r.msg.giaddr, 0);
	SL_CHECK(rte_is_same_ether_addr(&r.msg.chaddr, &sl_test_guest_mac));
	CHECK_PARAMS(&r.msg, true);

	SL_CHECK_EQ(STAT(dhcp_offers), 1);
	SL_CHECK_EQ(STAT(drop_dhcp), 0);
	SL_CHECK_EQ(env.w.dhcp->xid, 0xdeadbeef);
	SL_CHECK(sl_neigh_lookup(&env.w, env.cfg.guest_addr, &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &sl_test_guest_mac));
}

/* The defaults are QEMU's: the offer is 10.0.2.15/24 via 10.0.2.2. */
DHCP_TEST(offer_defaults)
{
	struct reply r;
	struct dmsg d;

	msg_std(&d, SL_DHCP_DISCOVER, 1);
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.yiaddr, RTE_BE32(NET10(15)));
	SL_CHECK_EQ(r.msg.server_id, RTE_BE32(NET10(2)));
	SL_CHECK_EQ(r.msg.router, RTE_BE32(NET10(2)));
	SL_CHECK_EQ(r.msg.dns[0], RTE_BE32(NET10(3)));
	SL_CHECK_EQ(r.msg.subnet_mask, RTE_BE32(IP4(255, 255, 255, 0)));
	SL_CHECK_EQ(r.msg.broadcast, RTE_BE32(NET10(255)));
}

/* Another configuration: /16 and a one-hour lease. */
static void
body_offer_config(void)
{
	struct reply r;
	struct dmsg d;

	msg_std(&d, SL_DHCP_DISCOVER, 1);
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.yiaddr, RTE_BE32(IP4(10, 0, 7, 9)));
	SL_CHECK_EQ(r.msg.subnet_mask, RTE_BE32(IP4(255, 255, 0, 0)));
	SL_CHECK_EQ(r.msg.broadcast, RTE_BE32(IP4(10, 0, 255, 255)));
	SL_CHECK_EQ(r.msg.lease_time, 3600);
	SL_CHECK_EQ(r.msg.t1, 1800);
	SL_CHECK_EQ(r.msg.t2, 3150);
	CHECK_PARAMS(&r.msg, true);
}

SL_TEST(offer_config)
{
	struct sl_config cfg;

	SL_CHECK(sl_test_eal() == 0);
	sl_config_defaults(&cfg);
	cfg.ipv6 = false;	/* IPv4 only: no RAs counted */
	cfg.prefix_len = 16;
	cfg.lease_time_s = 3600;
	cfg.guest_addr = RTE_BE32(IP4(10, 0, 7, 9));
	SL_CHECK(sl_test_env_init(&env, &cfg) == 0);
	body_offer_config();
	sl_test_env_fini(&env);
}

/* The MTU option reflects the link MTU in effect, not the config. */
DHCP_TEST(mtu_option)
{
	static const uint16_t mtus[] = { 1400, 1500, 9000, 65520 };
	unsigned int i;
	struct reply r;
	struct dmsg d;

	for (i = 0; i < RTE_DIM(mtus); i++) {
		env.w.mtu = mtus[i];
		msg_std(&d, SL_DHCP_DISCOVER, i);
		msg_end(&d);
		SL_CHECK(send_msg(&d) == 0);
		SL_CHECK_EQ(env.cap.n, 1);
		SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
		SL_CHECK(sl_dhcp_has(&r.msg, SL_DHCP_OPT_MTU));
		SL_CHECK_EQ(r.msg.mtu, mtus[i]);
		sl_test_cap_clear(&env);
	}
}

/* The broadcast flag makes the reply an Ethernet and IP broadcast. */
DHCP_TEST(broadcast_flag)
{
	struct reply r;
	struct dmsg d;

	msg_std(&d, SL_DHCP_DISCOVER, 9);
	d.b[SL_DHCP_OFF_FLAGS] = 0x80;
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_OFFER);
	SL_CHECK(rte_is_same_ether_addr(&r.eth->dst_addr, &bcast_mac));
	SL_CHECK_EQ(r.ip->dst_addr, BCAST_IP);
	SL_CHECK_EQ(r.msg.flags, SL_DHCP_FLAG_BROADCAST);
	SL_CHECK_EQ(r.msg.yiaddr, env.cfg.guest_addr);
	sl_test_cap_clear(&env);

	/* and for the ACK */
	msg_std(&d, SL_DHCP_REQUEST, 10);
	d.b[SL_DHCP_OFF_FLAGS] = 0x80;
	msg_opt32(&d, SL_DHCP_OPT_SERVER_ID, env.cfg.gateway);
	msg_opt32(&d, SL_DHCP_OPT_REQ_IP, env.cfg.guest_addr);
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_ACK);
	SL_CHECK(rte_is_same_ether_addr(&r.eth->dst_addr, &bcast_mac));
	SL_CHECK_EQ(r.ip->dst_addr, BCAST_IP);
}

/* REQUEST in SELECTING state (our server id, the offered address): ACK. */
DHCP_TEST(request_ack)
{
	struct reply r;
	struct dmsg d;

	msg_std(&d, SL_DHCP_REQUEST, 0x1111);
	msg_opt32(&d, SL_DHCP_OPT_SERVER_ID, env.cfg.gateway);
	msg_opt32(&d, SL_DHCP_OPT_REQ_IP, env.cfg.guest_addr);
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK(rte_is_same_ether_addr(&r.eth->dst_addr, &sl_test_guest_mac));
	SL_CHECK_EQ(r.ip->dst_addr, env.cfg.guest_addr);
	SL_CHECK(r.pay_len >= SL_DHCP_MIN_REPLY);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_ACK);
	SL_CHECK_EQ(r.msg.xid, 0x1111);
	SL_CHECK_EQ(r.msg.yiaddr, env.cfg.guest_addr);
	SL_CHECK_EQ(r.msg.siaddr, env.cfg.gateway);
	CHECK_PARAMS(&r.msg, true);
	SL_CHECK_EQ(STAT(dhcp_acks), 1);
	SL_CHECK_EQ(STAT(dhcp_naks), 0);
}

/* INIT-REBOOT (no server id, requested address): ACK. */
DHCP_TEST(request_init_reboot)
{
	struct reply r;
	struct dmsg d;

	msg_std(&d, SL_DHCP_REQUEST, 0x2222);
	msg_opt32(&d, SL_DHCP_OPT_REQ_IP, env.cfg.guest_addr);
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_ACK);
	SL_CHECK_EQ(r.msg.yiaddr, env.cfg.guest_addr);
	SL_CHECK_EQ(STAT(dhcp_acks), 1);
}

/* RENEWING (ciaddr, unicast to the server): ACK unicast to ciaddr. */
DHCP_TEST(request_renew)
{
	struct reply r;
	struct dmsg d;

	msg_std(&d, SL_DHCP_REQUEST, 0x3333);
	msg_put32(&d, SL_DHCP_OFF_CIADDR, env.cfg.guest_addr);
	msg_end(&d);
	SL_CHECK(send_from(&d, &sl_test_guest_mac,
		rte_be_to_cpu_32(env.cfg.guest_addr),
		rte_be_to_cpu_32(env.cfg.gateway)) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_ACK);
	SL_CHECK_EQ(r.msg.ciaddr, env.cfg.guest_addr);
	SL_CHECK_EQ(r.msg.yiaddr, env.cfg.guest_addr);
	SL_CHECK_EQ(r.ip->dst_addr, env.cfg.guest_addr);
	SL_CHECK(rte_is_same_ether_addr(&r.eth->dst_addr, &sl_test_guest_mac));
	CHECK_PARAMS(&r.msg, true);
	SL_CHECK_EQ(STAT(dhcp_acks), 1);
}

/* REQUEST for another address: broadcast NAK without configuration. */
DHCP_TEST(request_wrong_addr_nak)
{
	struct reply r;
	struct dmsg d;

	msg_std(&d, SL_DHCP_REQUEST, 0x4444);
	msg_opt32(&d, SL_DHCP_OPT_SERVER_ID, env.cfg.gateway);
	msg_opt32(&d, SL_DHCP_OPT_REQ_IP, RTE_BE32(NET10(99)));
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_NAK);
	SL_CHECK_EQ(r.msg.xid, 0x4444);
	SL_CHECK_EQ(r.msg.yiaddr, 0);
	SL_CHECK_EQ(r.msg.siaddr, 0);
	SL_CHECK(rte_is_same_ether_addr(&r.msg.chaddr, &sl_test_guest_mac));
	SL_CHECK(sl_dhcp_has(&r.msg, SL_DHCP_OPT_SERVER_ID));
	SL_CHECK_EQ(r.msg.server_id, env.cfg.gateway);
	SL_CHECK(!sl_dhcp_has(&r.msg, SL_DHCP_OPT_LEASE));
	SL_CHECK(!sl_dhcp_has(&r.msg, SL_DHCP_OPT_ROUTER));
	SL_CHECK(rte_is_same_ether_addr(&r.eth->dst_addr, &bcast_mac));
	SL_CHECK_EQ(r.ip->dst_addr, BCAST_IP);
	SL_CHECK_EQ(STAT(dhcp_naks), 1);
	SL_CHECK_EQ(STAT(dhcp_acks), 0);
	sl_test_cap_clear(&env);

	/* INIT-REBOOT with a foreign address, RENEWING one outside the
	 * pool: NAK too */
	msg_std(&d, SL_DHCP_REQUEST, 0x4445);
	msg_opt32(&d, SL_DHCP_OPT_REQ_IP, RTE_BE32(IP4(192, 168, 1, 7)));
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_NAK);
	sl_test_cap_clear(&env);
	msg_std(&d, SL_DHCP_REQUEST, 0x4446);
	msg_put32(&d, SL_DHCP_OFF_CIADDR, RTE_BE32(NET10(200)));
	msg_end(&d);
	SL_CHECK(send_from(&d, &sl_test_guest_mac, NET10(200), NET10(2)) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_NAK);
	SL_CHECK_EQ(r.ip->dst_addr, BCAST_IP);
	SL_CHECK_EQ(STAT(dhcp_naks), 3);
}

/* REQUEST naming another server: the client chose it; stay silent. */
DHCP_TEST(request_other_server)
{
	struct dmsg d;

	msg_std(&d, SL_DHCP_REQUEST, 0x5555);
	msg_opt32(&d, SL_DHCP_OPT_SERVER_ID, RTE_BE32(NET10(77)));
	msg_opt32(&d, SL_DHCP_OPT_REQ_IP, env.cfg.guest_addr);
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(STAT(dhcp_acks), 0);
	SL_CHECK_EQ(STAT(dhcp_naks), 0);
	SL_CHECK_EQ(STAT(drop_dhcp), 0);
}

/* Bind the guest address to the test guest's MAC (an INIT-REBOOT). */
static void
bind_guest(void)
{
	struct dmsg d;

	msg_std(&d, SL_DHCP_REQUEST, 0x2223);
	msg_opt32(&d, SL_DHCP_OPT_REQ_IP, env.cfg.guest_addr);
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(STAT(dhcp_acks), 1);
	sl_test_cap_clear(&env);
}

/* RELEASE frees the lease, is counted, never answered; one of an address
 * the host does not hold is a drop. */
DHCP_TEST(release)
{
	struct dmsg d;

	bind_guest();
	msg_std(&d, SL_DHCP_RELEASE, 0x6666);
	msg_put32(&d, SL_DHCP_OFF_CIADDR, env.cfg.guest_addr);
	msg_opt32(&d, SL_DHCP_OPT_SERVER_ID, env.cfg.gateway);
	msg_end(&d);
	SL_CHECK(send_from(&d, &sl_test_guest_mac,
		rte_be_to_cpu_32(env.cfg.guest_addr),
		rte_be_to_cpu_32(env.cfg.gateway)) == 0);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(STAT(dhcp_releases), 1);
	SL_CHECK_EQ(STAT(drop_dhcp), 0);
	SL_CHECK(send_from(&d, &sl_test_guest_mac,
		rte_be_to_cpu_32(env.cfg.guest_addr),
		rte_be_to_cpu_32(env.cfg.gateway)) == 0);
	SL_CHECK_EQ(STAT(dhcp_releases), 1);
	SL_CHECK_EQ(STAT(drop_dhcp), 1);
}

/* DECLINE of the host's lease is counted, never answered; the address
 * rests, so the next DISCOVER gets another one. A second DECLINE (the
 * address is no longer the host's) is a drop. */
DHCP_TEST(decline)
{
	struct reply r;
	struct dmsg d;

	bind_guest();
	msg_std(&d, SL_DHCP_DECLINE, 0x7777);
	msg_opt32(&d, SL_DHCP_OPT_SERVER_ID, env.cfg.gateway);
	msg_opt32(&d, SL_DHCP_OPT_REQ_IP, env.cfg.guest_addr);
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(STAT(dhcp_declines), 1);
	SL_CHECK_EQ(STAT(drop_dhcp), 1);
	SL_CHECK_EQ(STAT(dhcp_naks) + STAT(dhcp_offers), 0);
	msg_std(&d, SL_DHCP_DISCOVER, 0x7778);
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_OFFER);
	SL_CHECK_EQ(r.msg.yiaddr, RTE_BE32(NET10(16)));
}

/* INFORM: ACK with configuration but no lease, yiaddr 0, to ciaddr. */
DHCP_TEST(inform)
{
	struct reply r;
	struct dmsg d;

	msg_std(&d, SL_DHCP_INFORM, 0x8888);
	msg_put32(&d, SL_DHCP_OFF_CIADDR, env.cfg.guest_addr);
	msg_end(&d);
	SL_CHECK(send_from(&d, &sl_test_guest_mac,
		rte_be_to_cpu_32(env.cfg.guest_addr), BCAST_IP) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_ACK);
	SL_CHECK_EQ(r.msg.xid, 0x8888);
	SL_CHECK_EQ(r.msg.yiaddr, 0);
	SL_CHECK_EQ(r.msg.ciaddr, env.cfg.guest_addr);
	SL_CHECK_EQ(r.ip->dst_addr, env.cfg.guest_addr);
	SL_CHECK(rte_is_same_ether_addr(&r.eth->dst_addr, &sl_test_guest_mac));
	CHECK_PARAMS(&r.msg, false);
	SL_CHECK_EQ(STAT(dhcp_informs), 1);
	SL_CHECK_EQ(STAT(drop_dhcp), 0);
}

/* The client's hardware address is learned as the guest MAC. */
DHCP_TEST(guest_mac_learned)
{
	struct rte_ether_addr mac;
	struct reply r;
	struct dmsg d;

	sl_neigh_flush(&env.w);
	msg_init(&d, SL_DHCP_DISCOVER, 0x9999, &other_mac);
	msg_end(&d);
	SL_CHECK(send_from(&d, &other_mac, 0, BCAST_IP) == 0);
	SL_CHECK(sl_neigh_lookup(&env.w, env.cfg.guest_addr, &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &other_mac));
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK(rte_is_same_ether_addr(&r.eth->dst_addr, &other_mac));
	SL_CHECK(rte_is_same_ether_addr(&r.msg.chaddr, &other_mac));
}

/* sl_dhcp_input called directly: learns chaddr (not the frame source). */
DHCP_TEST(direct_input)
{
	struct rte_ether_addr mac;
	enum sl_stat why;
	struct sl_pkt p;
	struct rte_mbuf *m;
	struct reply r;
	struct dmsg d;

	sl_neigh_flush(&env.w);
	msg_init(&d, SL_DHCP_DISCOVER, 0xabcd, &other_mac);
	msg_end(&d);
	m = sl_test_udp_frame(&env, &sl_test_guest_mac, 0, SL_DHCP_CLIENT_PORT,
		BCAST_IP, SL_DHCP_SERVER_PORT, d.b, d.len);
	SL_CHECK(m != NULL);
	if (sl_net_parse(m, &p, &why) != 0) {
		rte_pktmbuf_free(m);
		SL_CHECK(!"sl_net_parse refused a DISCOVER");
	}
	sl_dhcp_input(&env.w, &p);
	rte_pktmbuf_free(m);	/* the caller owns the frame */
	SL_CHECK_EQ(env.w.n_tx, 1);
	sl_worker_flush(&env.w);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK(sl_neigh_lookup(&env.w, env.cfg.guest_addr, &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &other_mac));
	SL_CHECK(rte_is_same_ether_addr(&r.eth->dst_addr, &other_mac));
}

/* A client identifier is echoed back (RFC 6842). */
DHCP_TEST(client_id_echo)
{
	static const uint8_t cid[] = { 1, 2, 0, 0, 0, 0, 0x15 };
	struct reply r;
	struct dmsg d;

	msg_std(&d, SL_DHCP_DISCOVER, 1);
	msg_opt(&d, SL_DHCP_OPT_CLIENT_ID, cid, sizeof(cid));
	msg_end(&d);
	SL_CHECK(send_msg(&d) == 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.client_id_len, sizeof(cid));
	SL_CHECK(memcmp(r.msg.client_id, cid, sizeof(cid)) == 0);
}

/* A message whose options continue in a second mbuf segment. */
DHCP_TEST(chained_payload)
{
	struct rte_mbuf *m, *tail;
	const uint16_t cut = 120;
	struct reply r;
	struct dmsg d;
	char *p;

	msg_std(&d, SL_DHCP_DISCOVER, 0xc4a1);
	msg_opt(&d, SL_DHCP_OPT_HOSTNAME, "a-guest-with-a-long-host-name", 29);
	msg_end(&d);
	d.len = 300;
	m = sl_test_udp_frame(&env, &sl_test_guest_mac, 0, SL_DHCP_CLIENT_PORT,
		BCAST_IP, SL_DHCP_SERVER_PORT, d.b, d.len);
	SL_CHECK(m != NULL);
	tail = rte_pktmbuf_alloc(env.w.mp);
	if (tail == NULL) {
		rte_pktmbuf_free(m);
		SL_CHECK(tail != NULL);
	}
	/* move the last @cut bytes (options, hostname, end) to a second seg */
	p = rte_pktmbuf_append(tail, cut);
	memcpy(p, rte_pktmbuf_mtod_offset(m, char *,
		rte_pktmbuf_pkt_len(m) - cut), cut);
	rte_pktmbuf_trim(m, cut);
	if (rte_pktmbuf_chain(m, tail) != 0) {
		rte_pktmbuf_free(m);
		rte_pktmbuf_free(tail);
		SL_CHECK(!"chain");
	}
	sl_test_input(&env, m);
	SL_CHECK_EQ(STAT(drop_dhcp), 0);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(reply_decode(env.cap.m[0], &r) == 0);
	SL_CHECK_EQ(r.msg.type, SL_DHCP_OFFER);
	SL_CHECK_EQ(r.msg.xid, 0xc4a1);
}

/* Malformed messages: counted in drop_dhcp, never answered. */
DHCP_TEST(malformed_dropped)
{
	struct dmsg d;
	uint64_t drops;
	unsigned int i;

	for (i = 0; ; i++) {
		msg_std(&d, SL_DHCP_DISCOVER, i);
		msg_end(&d);
		switch (i) {
		case 0:		/* truncated inside the fixed part */
			d.len = 100;
			break;
		case 1:		/* fixed part, no whole cookie */
			d.len = SL_DHCP_OPT_OFF - 1;
			break;
		case 2:		/* bad magic cookie */
			d.b[SL_DHCP_OFF_MAGIC + 3] ^= 1;
			break;
		case 3:		/* option length past the buffer, no end */
			d.len--;
			msg_opt(&d, SL_DHCP_OPT_HOSTNAME, "guestname", 9);
			d.b[d.len - 10] = 50;
			break;
		case 4:		/* option code with no length byte */
			d.b[d.len - 1] = SL_DHCP_OPT_HOSTNAME;
			break;
		case 5:		/* no message type */
			msg_init(&d, 0, i, &sl_test_guest_mac);
			msg_opt32(&d, SL_DHCP_OPT_REQ_IP, env.cfg.guest_addr);
			msg_end(&d);
			break;
		case 6:		/* message type of the wrong length */
			msg_init(&d, 0, i, &sl_test_guest_mac);
			msg_opt(&d, SL_DHCP_OPT_MSG_TYPE, "\x01\x01", 2);
			msg_end(&d);
			break;
		case 7:		/* BOOTREPLY from the guest */
			d.b[SL_DHCP_OFF_OP] = SL_DHCP_OP_REPLY;
			break;
		case 8:		/* not Ethernet */
			d.b[SL_DHCP_OFF_HTYPE] = 6;
			break;
		case 9:		/* hlen not 6 */
			d.b[SL_DHCP_OFF_HLEN] = 16;
			break;
		case 10:	/* a server's message type from the client */
			msg_init(&d, SL_DHCP_OFFER, i, &sl_test_guest_mac);
			msg_end(&d);
			break;
		case 11:	/* unknown message type */
			msg_init(&d, 42, i, &sl_test_guest_mac);
			msg_end(&d);
			break;
		case 12:	/* multicast chaddr */
			d.b[SL_DHCP_OFF_CHADDR] = 0x01;
			break;
		case 13:	/* zero chaddr */
			memset(&d.b[SL_DHCP_OFF_CHADDR], 0, 6);
			break;
		case 14:	/* REQUEST naming no address at all */
			msg_std(&d, SL_DHCP_REQUEST, i);
			msg_opt32(&d, SL_DHCP_OPT_SERVER_ID, env.cfg.gateway);
			msg_end(&d);
			break;
		case 15:	/* empty payload */
			d.len = 0;
			break;
		case 16:	/* overload into file with an unterminated opt */
			msg_init(&d, SL_DHCP_DISCOVER, i, &sl_test_guest_mac);
			msg_opt(&d, SL_DHCP_OPT_OVERLOAD, "\x01", 1);
			msg_end(&d);
			d.b[SL_DHCP_OFF_FILE + 127] = SL_DHCP_OPT_HOSTNAME;
			break;
		default:
			goto done;
		}
		drops = STAT(drop_dhcp);
		SL_CHECK(send_msg(&d) == 0);
		if (STAT(drop_dhcp) != drops + 1 || env.cap.n != 0)
			fprintf(stderr, "  malformed case %u\n", i);
		SL_CHECK_EQ(STAT(drop_dhcp), drops + 1);
		SL_CHECK_EQ(env.cap.n, 0);
	}
done:
	SL_CHECK_EQ(STAT(dhcp_offers) + STAT(dhcp_acks) + STAT(dhcp_naks), 0);
	SL_CHECK(i == 17);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
