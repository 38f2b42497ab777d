/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_dhcp6.c: the DHCPv6 server (lib/dhcp6): Information-Request answered
 * with the DNS server; an address (prefix::15) for a Solicit's IA_NA,
 * Advertise or, with Rapid Commit, Reply; Request granted; Release and
 * Confirm answered with their status; hostile and misaddressed messages
 * counted in drop_dhcp6.
 */
#include <netinet/in.h>

#include "ip6_util.h"
#include "sl_dhcp6.h"

#define CLIENT_LL	"fe80::ff:fe00:15"

/** A client message being built. */
struct cmsg {
	uint8_t b[512];
	uint16_t len;
};

/** start - message @type, transaction 0xabcdef, with a client id. */
static void
start(struct cmsg *c, uint8_t type, bool clientid)
{
	static const uint8_t duid[10] = { 0, 3, 0, 1, 2, 0, 0, 0, 0, 0x15 };

	c->b[0] = type;
	c->b[1] = 0xab;
	c->b[2] = 0xcd;
	c->b[3] = 0xef;
	c->len = 4;
	if (!clientid)
		return;
	c->b[c->len++] = 0;
	c->b[c->len++] = SL_DHCP6_OPT_CLIENTID;
	c->b[c->len++] = 0;
	c->b[c->len++] = sizeof(duid);
	memcpy(c->b + c->len, duid, sizeof(duid));
	c->len += sizeof(duid);
}

/** opt - append option @code with @len bytes of @v. */
static void
opt(struct cmsg *c, uint16_t code, const void *v, uint16_t len)
{
	c->b[c->len++] = (uint8_t)(code >> 8);
	c->b[c->len++] = (uint8_t)code;
	c->b[c->len++] = (uint8_t)(len >> 8);
	c->b[c->len++] = (uint8_t)len;
	if (len > 0)
		memcpy(c->b + c->len, v, len);
	c->len += len;
}

/** server_id - append our server id (DUID-LL of the gateway MAC). */
static void
server_id(struct cmsg *c, const struct sl_test_env *env)
{
	uint8_t d[10] = { 0, 3, 0, 1 };

	memcpy(d + 4, env->w.gw_mac.addr_bytes, 6);
	opt(c, SL_DHCP6_OPT_SERVERID, d, sizeof(d));
}

/** ia_na - append an IA_NA with IAID 7 (and an IAADDR @addr if given). */
static void
ia_na(struct cmsg *c, const char *addr)
{
	uint8_t v[12 + 28] = { 0, 0, 0, 7 };
	uint16_t len = 12;

	if (addr != NULL) {
		v[13] = SL_DHCP6_OPT_IAADDR;
		v[15] = 24;
		memcpy(v + 16, a6(addr), 16);
		len += 28;
	}
	opt(c, SL_DHCP6_OPT_IA_NA, v, len);
}

/** csend - the message from the client's link-local, to ff02::1:2. */
static void
csend(struct sl_test_env *env, const struct cmsg *c, const char *src)
{
	uint8_t udp[8 + 512];
	struct f6 f = {
		.src = a6(src), .dst = a6("ff02::1:2"),
		.proto = IPPROTO_UDP, .hop = 1, .l4 = udp,
		.l4_len = (uint16_t)(8 + c->len),
	};
	static const struct rte_ether_addr mc = {
		.addr_bytes = { 0x33, 0x33, 0, 1, 0, 2 } };

	f.eth_dst = &mc;
	memset(udp, 0, 8);
	udp[0] = 0x02;
	udp[1] = 0x22;		/* 546 */
	udp[2] = 0x02;
	udp[3] = 0x23;		/* 547 */
	udp[4] = (uint8_t)(f.l4_len >> 8);
	udp[5] = (uint8_t)f.l4_len;
	memcpy(udp + 8, c->b, c->len);
	send6(env, &f);
}

/** A parsed reply. */
struct reply {
	uint8_t type;
	bool trid_ok, serverid, clientid, rapid;
	uint8_t dns[16];
	bool has_dns, has_addr;
	uint8_t addr[16];
	uint32_t iaid, preferred, valid;
	int status;		/* -1: none */
};

/** parse_reply - the captured frame @i as a DHCPv6 reply. */
static bool
parse_reply(const struct sl_test_env *env, unsigned int i, struct reply *r)
{
	const uint8_t *b = rte_pktmbuf_mtod(env->cap.m[i], const uint8_t *);
	const struct rte_ipv6_hdr *ip6 = (const void *)(b + 14);
	uint16_t len, off = 4;
	const uint8_t *m;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (b[12] != 0x86 || ip6->proto != IPPROTO_UDP ||
	    b[54] != 0x02 || b[55] != 0x23 || b[56] != 0x02 ||
	    b[57] != 0x22 || !cksum6_ok(env, i) ||
	    memcmp(ip6->src_addr, env->w.gw_ll6, 16) != 0 ||
	    memcmp(ip6->dst_addr, a6(CLIENT_LL), 16) != 0)
		return false;
	len = (uint16_t)(rte_be_to_cpu_16(ip6->payload_len) - 8);
	m = b + 62;
	r->type = m[0];
	r->trid_ok = m[1] == 0xab && m[2] == 0xcd && m[3] == 0xef;
	while (off + 4 <= len) {
		uint16_t code = (uint16_t)(m[off] << 8 | m[off + 1]);
		uint16_t olen = (uint16_t)(m[off + 2] << 8 | m[off + 3]);
		const uint8_t *v = m + off + 4;

		if (off + 4 + olen > len)
			return false;
		if (code == SL_DHCP6_OPT_SERVERID)
			r->serverid = olen == 10 &&
				memcmp(v + 4, env->w.gw_mac.addr_bytes, 6) == 0;
		else if (code == SL_DHCP6_OPT_CLIENTID)
			r->clientid = olen == 10 && v[9] == 0x15;
		else if (code == SL_DHCP6_OPT_RAPID)
			r->rapid = true;
		else if (code == SL_DHCP6_OPT_STATUS && olen >= 2)
			r->status = v[0] << 8 | v[1];
		else if (code == SL_DHCP6_OPT_DNS && olen == 16) {
			r->has_dns = true;
			memcpy(r->dns, v, 16);
		} else if (code == SL_DHCP6_OPT_IA_NA && olen >= 40 &&
			   v[13] == SL_DHCP6_OPT_IAADDR && v[15] == 24) {
			r->has_addr = true;
			r->iaid = (uint32_t)v[3];
			memcpy(r->addr, v + 16, 16);
			r->preferred = (uint32_t)(v[32] << 24 | v[33] << 16 |
				v[34] << 8 | v[35]);
			r->valid = (uint32_t)(v[36] << 24 | v[37] << 16 |
				v[38] << 8 | v[39]);
		}
		off += 4 + olen;
	}
	return off == len;
}

SL_TEST(information_request_answered)
{
	struct sl_test_env env;
	struct reply r;
	struct cmsg c;

	SL_CHECK(env6_init(&env, NULL) == 0);
	start(&c, SL_DHCP6_INFO_REQ, true);
	csend(&env, &c, CLIENT_LL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(parse_reply(&env, 0, &r));
	SL_CHECK_EQ(r.type, SL_DHCP6_REPLY);
	SL_CHECK(r.trid_ok && r.serverid && r.clientid);
	SL_CHECK(r.has_dns && memcmp(r.dns, a6("fec0::3"), 16) == 0);
	SL_CHECK(!r.has_addr);
	SL_CHECK(rte_is_same_ether_addr(&rte_pktmbuf_mtod(env.cap.m[0],
		const struct rte_ether_hdr *)->dst_addr, &sl_test_guest_mac));
	sl_test_cap_clear(&env);
	/* without a client id: allowed for an Information-Request */
	start(&c, SL_DHCP6_INFO_REQ, false);
	csend(&env, &c, CLIENT_LL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK_EQ(stat6(&env.w, "dhcp6_replies"), 2);
	sl_test_env_fini(&env);
}

SL_TEST(address_for_clients_that_ask)
{
	struct sl_test_env env;
	struct reply r;
	struct cmsg c;

	SL_CHECK(env6_init(&env, NULL) == 0);
	start(&c, SL_DHCP6_SOLICIT, true);
	ia_na(&c, NULL);
	csend(&env, &c, CLIENT_LL);
	SL_CHECK_EQ(env.cap.n, 1);
	SL_CHECK(parse_reply(&env, 0, &r));
	SL_CHECK_EQ(r.type, SL_DHCP6_ADVERTISE);
	SL_CHECK(r.has_addr && memcmp(r.addr, a6("fec0::15"), 16) == 0);
	SL_CHECK_EQ(r.iaid, 7);
	SL_CHECK_EQ(r.valid, env.cfg.lease_time_s);
	SL_CHECK_EQ(r.preferred, env.cfg.lease_time_s);
	SL_CHECK(r.has_dns && !r.rapid);
	sl_test_cap_clear(&env);
	/* rapid commit: the Reply at once */
	start(&c, SL_DHCP6_SOLICIT, true);
	ia_na(&c, NULL);
	opt(&c, SL_DHCP6_OPT_RAPID, NULL, 0);
	csend(&env, &c, CLIENT_LL);
	SL_CHECK(env.cap.n == 1 && parse_reply(&env, 0, &r));
	SL_CHECK_EQ(r.type, SL_DHCP6_REPLY);
	SL_CHECK(r.rapid && r.has_addr);
	sl_test_cap_clear(&env);
	/* Request to us: granted */
	start(&c, SL_DHCP6_REQUEST, true);
	server_id(&c, &env);
	ia_na(&c, "fec0::15");
	csend(&env, &c, CLIENT_LL);
	SL_CHECK(env.cap.n == 1 && parse_reply(&env, 0, &r));
	SL_CHECK_EQ(r.type, SL_DHCP6_REPLY);
	SL_CHECK(r.has_addr && memcmp(r.addr, a6("fec0::15"), 16) == 0);
	sl_test_cap_clear(&env);
	/* Release: status success; Confirm: on-link or not */
	start(&c, SL_DHCP6_RELEASE, true);
	server_id(&c, &env);
	ia_na(&c, "fec0::15");
	csend(&env, &c, CLIENT_LL);
	SL_CHECK(env.cap.n == 1 && parse_reply(&env, 0, &r));
	SL_CHECK_EQ(r.status, 0);
	SL_CHECK(!r.has_addr);
	sl_test_cap_clear(&env);
	start(&c, SL_DHCP6_CONFIRM, true);
	ia_na(&c, "fec0::15");
	csend(&env, &c, CLIENT_LL);
	SL_CHECK(env.cap.n == 1 && parse_reply(&env, 0, &r));
	SL_CHECK_EQ(r.status, SL_DHCP6_ST_SUCCESS);
	sl_test_cap_clear(&env);
	start(&c, SL_DHCP6_CONFIRM, true);
	ia_na(&c, "2001:db8::15");
	csend(&env, &c, CLIENT_LL);
	SL_CHECK(env.cap.n == 1 && parse_reply(&env, 0, &r));
	SL_CHECK_EQ(r.status, SL_DHCP6_ST_NOTONLINK);
	sl_test_env_fini(&env);
}

SL_TEST(hostile_and_misaddressed_dropped)
{
	struct sl_test_env env;
	struct cmsg c;
	int n = 0;

	SL_CHECK(env6_init(&env, NULL) == 0);
	start(&c, SL_DHCP6_SOLICIT, false);	/* no client id */
	csend(&env, &c, CLIENT_LL);
	n++;
	start(&c, SL_DHCP6_SOLICIT, true);	/* a server id in a Solicit */
	server_id(&c, &env);
	csend(&env, &c, CLIENT_LL);
	n++;
	start(&c, SL_DHCP6_REQUEST, true);	/* another server's */
	opt(&c, SL_DHCP6_OPT_SERVERID, "\0\3\0\1\2\0\0\0\0\1", 10);
	csend(&env, &c, CLIENT_LL);
	n++;
	start(&c, SL_DHCP6_INFO_REQ, true);	/* option past the end */
	opt(&c, 99, "abcd", 4);
	c.b[c.len - 5] = 40;
	csend(&env, &c, CLIENT_LL);
	n++;
	start(&c, SL_DHCP6_INFO_REQ, true);
	c.len = 3;				/* header cut short */
	csend(&env, &c, CLIENT_LL);
	n++;
	start(&c, SL_DHCP6_ADVERTISE, true);	/* a server's message */
	csend(&env, &c, CLIENT_LL);
	n++;
	start(&c, SL_DHCP6_INFO_REQ, true);	/* not from a link-local */
	csend(&env, &c, "fec0::99");
	n++;
	start(&c, SL_DHCP6_SOLICIT, true);	/* IA_NA too short */
	opt(&c, SL_DHCP6_OPT_IA_NA, "\0\0\0\7", 4);
	csend(&env, &c, CLIENT_LL);
	n++;
	SL_CHECK_EQ(stat6(&env.w, "drop_dhcp6"), n);
	SL_CHECK_EQ(env.cap.n, 0);
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	if (sl_test_eal() != 0)
		return 1;
	return sl_test_main(argc, argv);
}
