/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_hosts.c: unit tests of many hosts on one port: the DHCP lease table
 * on its own (first address, pool, renewal, expiry, exhaustion,
 * reservations, decline, static hosts) and through the worker (distinct
 * leases for distinct MACs, each host's MAC in the neighbour table, the
 * host cap, frames from a static host).
 */
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "ip6_util.h"
#include "sl_ctl.h"
#include "sl_dhcp.h"
#include "sl_dhcp_lease.h"
#include "sl_host_mem.h"
#include "sl_neigh.h"
#include "sl_test.h"
#include "sl_worker.h"

#define IP4(a, b, c, d)	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	((uint32_t)(c) << 8) | (uint32_t)(d))
#define NET10(x)	IP4(10, 0, 2, (x))
#define BE10(x)		rte_cpu_to_be_32(NET10(x))
#define STAT(c)		SL_STAT_READ(env.w.stats, SL_STAT_##c)

static struct sl_test_env env;

/** mac_n - a locally administered unicast MAC ending in @n. */
static struct rte_ether_addr
mac_n(uint8_t n)
{
	struct rte_ether_addr m = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x10, n } };

	return m;
}

/** busy_at - a fake neighbour table: 10.0.2.20 is a static host's. */
static bool
busy_at(void *arg, uint32_t ip, const struct rte_ether_addr *mac)
{
	struct rte_ether_addr s = mac_n(99);

	RTE_SET_USED(arg);
	return ip == BE10(20) && !rte_is_same_ether_addr(mac, &s);
}

/** offer - sl_lease_offer for MAC @n at @now; 0 when refused. */
static uint32_t
offer(struct sl_lease_tab *t, uint8_t n, uint32_t want, uint64_t now,
	enum sl_lease_why *why)
{
	struct rte_ether_addr m = mac_n(n);
	enum sl_lease_why w;

	return sl_lease_offer(t, &m, want, now, why != NULL ? why : &w);
}

/** lbind - sl_lease_bind for MAC @n. */
static int
lbind(struct sl_lease_tab *t, uint8_t n, uint32_t ip, uint64_t now)
{
	struct rte_ether_addr m = mac_n(n);

	return sl_lease_bind(t, &m, ip, now);
}

/* --guest-addr first, then the pool in order; distinct MACs, distinct
 * addresses; a MAC's address is kept across renewals. */
SL_TEST(lease_order_and_renewal)
{
	struct sl_config cfg;
	struct sl_lease_tab t;

	sl_config_defaults(&cfg);
	sl_lease_init(&t, &cfg, NULL, NULL);
	SL_CHECK_EQ(offer(&t, 1, 0, 1000, NULL), BE10(15));
	SL_CHECK_EQ(lbind(&t, 1, BE10(15), 1000), 0);
	SL_CHECK_EQ(offer(&t, 2, 0, 1000, NULL), BE10(16));
	SL_CHECK_EQ(offer(&t, 3, 0, 1000, NULL), BE10(17));
	/* 2 asks again before taking its offer: same address */
	SL_CHECK_EQ(offer(&t, 2, 0, 2000, NULL), BE10(16));
	SL_CHECK_EQ(lbind(&t, 2, BE10(16), 2000), 0);
	/* a host may not take another's address */
	SL_CHECK_EQ(lbind(&t, 3, BE10(16), 2000), -1);
	SL_CHECK_EQ(lbind(&t, 3, BE10(15), 2000), -1);
	/* renewal, much later but within the lease: same address */
	SL_CHECK_EQ(lbind(&t, 1, BE10(15), 3600 * 1000), 0);
	SL_CHECK_EQ(offer(&t, 1, BE10(18), 3600 * 1000, NULL), BE10(15));
	SL_CHECK(sl_lease_lookup(&t, BE10(16), 3600 * 1000) != NULL);
	/* outside the pool, or the gateway: refused */
	SL_CHECK_EQ(lbind(&t, 4, BE10(2), 1000), -1);
	SL_CHECK_EQ(lbind(&t, 4, BE10(200), 1000), -1);
	SL_CHECK_EQ(lbind(&t, 4, rte_cpu_to_be_32(IP4(192, 168, 0, 9)), 1000),
		-1);
}

/* A lease not renewed expires: its address goes to another host; the
 * old host comes back to a new one. An offer not taken frees its address
 * after SL_LEASE_OFFER_MS. */
SL_TEST(lease_expiry)
{
	struct sl_config cfg;
	struct sl_lease_tab t;
	uint64_t lt;

	sl_config_defaults(&cfg);
	cfg.lease_time_s = 120;
	cfg.max_hosts = 2;	/* pool: .15, .16 */
	lt = 120 * 1000;
	sl_lease_init(&t, &cfg, NULL, NULL);
	SL_CHECK_EQ(offer(&t, 1, 0, 0, NULL), BE10(15));
	SL_CHECK_EQ(lbind(&t, 1, BE10(15), 0), 0);
	SL_CHECK_EQ(offer(&t, 2, 0, 0, NULL), BE10(16));
	/* the pool is taken: 3 gets nothing while both live */
	SL_CHECK_EQ(offer(&t, 3, 0, 1000, NULL), 0);
	/* 2's offer lapses, 1's lease runs out */
	SL_CHECK_EQ(offer(&t, 3, 0, SL_LEASE_OFFER_MS, NULL), BE10(16));
	SL_CHECK(sl_lease_lookup(&t, BE10(15), lt - 1) != NULL);
	SL_CHECK(sl_lease_lookup(&t, BE10(15), lt) == NULL);
	SL_CHECK_EQ(lbind(&t, 3, BE10(16), lt), 0);
	SL_CHECK_EQ(offer(&t, 4, 0, lt, NULL), BE10(15));
	SL_CHECK_EQ(lbind(&t, 4, BE10(15), lt), 0);
	/* 1 is back: nothing free */
	SL_CHECK_EQ(offer(&t, 1, 0, lt + 1, NULL), 0);
	/* an infinite lease never runs out */
	cfg.lease_time_s = UINT32_MAX;
	sl_lease_init(&t, &cfg, NULL, NULL);
	SL_CHECK_EQ(lbind(&t, 1, BE10(15), 0), 0);
	SL_CHECK(sl_lease_lookup(&t, BE10(15), UINT64_MAX / 2) != NULL);
}

/* Exhaustion of a --dhcp-range pool (EMPTY), and of the records when
 * max_hosts is below the pool (FULL). */
SL_TEST(lease_exhaustion)
{
	enum sl_lease_why why;
	struct sl_config cfg;
	struct sl_lease_tab t;
	uint8_t i;

	sl_config_defaults(&cfg);
	cfg.dhcp_first = BE10(100);
	cfg.dhcp_last = BE10(102);
	sl_lease_init(&t, &cfg, NULL, NULL);
	SL_CHECK_EQ(offer(&t, 1, 0, 0, NULL), BE10(15));
	SL_CHECK_EQ(offer(&t, 2, 0, 0, NULL), BE10(100));
	SL_CHECK_EQ(offer(&t, 3, 0, 0, NULL), BE10(101));
	SL_CHECK_EQ(offer(&t, 4, 0, 0, NULL), BE10(102));
	SL_CHECK_EQ(offer(&t, 5, 0, 0, &why), 0);
	SL_CHECK_EQ(why, SL_LEASE_EMPTY);
	/* a requested address in the pool is honoured when free */
	cfg.dhcp_first = 0;
	cfg.max_hosts = 3;
	sl_lease_init(&t, &cfg, NULL, NULL);
	SL_CHECK_EQ(offer(&t, 1, BE10(16), 0, NULL), BE10(16));
	cfg.max_hosts = 2;
	cfg.dhcp_first = BE10(100);
	cfg.dhcp_last = BE10(200);
	sl_lease_init(&t, &cfg, NULL, NULL);
	for (i = 1; i <= 2; i++)
		SL_CHECK(offer(&t, i, 0, 0, NULL) != 0);
	SL_CHECK_EQ(offer(&t, 3, 0, 0, &why), 0);
	SL_CHECK_EQ(why, SL_LEASE_FULL);
}

/* --dhcp-host: the MAC always gets its address, nobody else does. */
SL_TEST(lease_reservation)
{
	struct rte_ether_addr m7 = mac_n(7);
	struct sl_config cfg;
	struct sl_lease_tab t;

	sl_config_defaults(&cfg);
	memcpy(cfg.dhcp_res[0].mac, m7.addr_bytes, 6);
	cfg.dhcp_res[0].addr = BE10(15);
	memcpy(cfg.dhcp_res[1].mac, mac_n(8).addr_bytes, 6);
	cfg.dhcp_res[1].addr = BE10(50);	/* outside the pool */
	cfg.nb_dhcp_res = 2;
	sl_lease_init(&t, &cfg, NULL, NULL);
	/* the first host does not get the reserved guest address */
	SL_CHECK_EQ(offer(&t, 1, BE10(15), 0, NULL), BE10(16));
	SL_CHECK_EQ(lbind(&t, 1, BE10(15), 0), -1);
	SL_CHECK_EQ(offer(&t, 7, 0, 0, NULL), BE10(15));
	SL_CHECK_EQ(lbind(&t, 7, BE10(15), 0), 0);
	SL_CHECK_EQ(offer(&t, 8, 0, 0, NULL), BE10(50));
	SL_CHECK_EQ(lbind(&t, 8, BE10(50), 0), 0);
	SL_CHECK_EQ(lbind(&t, 8, BE10(16), 0), -1);
}

/* DECLINE: the address rests, the host gets another; RELEASE: the
 * address is free, the host gets it back when nobody took it; a static
 * host's address (the neighbour table) is never offered. */
SL_TEST(lease_decline_release_static)
{
	struct rte_ether_addr m1 = mac_n(1), m2 = mac_n(2);
	struct sl_config cfg;
	struct sl_lease_tab t;

	sl_config_defaults(&cfg);
	sl_lease_init(&t, &cfg, busy_at, NULL);
	SL_CHECK_EQ(lbind(&t, 1, BE10(15), 0), 0);
	SL_CHECK_EQ(sl_lease_decline(&t, &m2, BE10(15), 0), -1);
	SL_CHECK_EQ(sl_lease_decline(&t, &m1, BE10(15), 0), 0);
	SL_CHECK_EQ(offer(&t, 1, 0, 10, NULL), BE10(16));
	SL_CHECK_EQ(offer(&t, 2, BE10(15), 10, NULL), BE10(17));
	SL_CHECK_EQ(offer(&t, 3, 0, SL_LEASE_DECLINE_MS, NULL), BE10(15));
	/* release */
	SL_CHECK_EQ(lbind(&t, 1, BE10(16), 20), 0);
	SL_CHECK_EQ(sl_lease_release(&t, &m1, BE10(16)), 0);
	SL_CHECK_EQ(sl_lease_release(&t, &m1, BE10(16)), -1);
	SL_CHECK(sl_lease_lookup(&t, BE10(16), 30) == NULL);
	SL_CHECK_EQ(offer(&t, 1, 0, 30, NULL), BE10(16));
	/* the static host at .20 */
	cfg.dhcp_first = BE10(19);
	cfg.dhcp_last = BE10(21);
	sl_lease_init(&t, &cfg, busy_at, NULL);
	SL_CHECK_EQ(offer(&t, 1, 0, 0, NULL), BE10(15));
	SL_CHECK_EQ(offer(&t, 2, 0, 0, NULL), BE10(19));
	SL_CHECK_EQ(offer(&t, 3, 0, 0, NULL), BE10(21));
	SL_CHECK_EQ(lbind(&t, 4, BE10(20), 0), -1);
	SL_CHECK_EQ(lbind(&t, 99, BE10(20), 0), 0);
}

/* A DHCP message from MAC @m: @type, option 50 @want (0: none). */
static void
dhcp_from(const struct rte_ether_addr *m, uint8_t type, uint32_t want)
{
	uint8_t b[SL_DHCP_OPT_OFF + 16];
	uint32_t v = rte_cpu_to_be_32(SL_DHCP_MAGIC);
	uint16_t len = SL_DHCP_OPT_OFF;
	struct rte_mbuf *f;

	memset(b, 0, sizeof(b));
	b[SL_DHCP_OFF_OP] = SL_DHCP_OP_REQUEST;
	b[SL_DHCP_OFF_HTYPE] = SL_DHCP_HTYPE_ETHER;
	b[SL_DHCP_OFF_HLEN] = RTE_ETHER_ADDR_LEN;
	b[SL_DHCP_OFF_XID] = m->addr_bytes[5];
	memcpy(&b[SL_DHCP_OFF_CHADDR], m->addr_bytes, RTE_ETHER_ADDR_LEN);
	memcpy(&b[SL_DHCP_OFF_MAGIC], &v, 4);
	b[len++] = SL_DHCP_OPT_MSG_TYPE;
	b[len++] = 1;
	b[len++] = type;
	if (want != 0) {
		b[len++] = SL_DHCP_OPT_REQ_IP;
		b[len++] = 4;
		memcpy(&b[len], &want, 4);
		len += 4;
	}
	b[len++] = SL_DHCP_OPT_END;
	f = sl_test_udp_frame(&env, m, 0, SL_DHCP_CLIENT_PORT, UINT32_MAX,
		SL_DHCP_SERVER_PORT, b, len);
	SL_CHECK(f != NULL);
	sl_test_input(&env, f);
}

/** yiaddr_of - yiaddr and message type of the only captured reply. */
static uint32_t
yiaddr_of(uint8_t *type)
{
	struct sl_dhcp_msg msg;
	const uint8_t *p;
	uint8_t copy[1500];
	uint32_t off = sizeof(struct rte_ether_hdr) +
		sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr);
	struct rte_mbuf *m;

	*type = 0;
	if (env.cap.n != 1)
		return 0;
	m = env.cap.m[0];
	p = rte_pktmbuf_read(m, off, rte_pktmbuf_pkt_len(m) - off, copy);
	if (p == NULL || sl_dhcp_parse(p, rte_pktmbuf_pkt_len(m) - off,
	    &msg) != 0)
		return 0;
	*type = msg.type;
	sl_test_cap_clear(&env);
	return msg.yiaddr;
}

/* Three MACs on one port get three leases through the worker, each MAC
 * entered in the neighbour table for its own address; a request from
 * one MAC no longer moves another host's address. */
SL_TEST(hosts_distinct_leases)
{
	struct rte_ether_addr m1 = mac_n(1), m2 = mac_n(2), mac;
	uint8_t type;

	SL_CHECK(sl_test_eal() == 0);
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	/* the test guest (already resolved at .15) asks first */
	dhcp_from(&sl_test_guest_mac, SL_DHCP_DISCOVER, 0);
	SL_CHECK_EQ(yiaddr_of(&type), BE10(15));
	SL_CHECK_EQ(type, SL_DHCP_OFFER);
	dhcp_from(&sl_test_guest_mac, SL_DHCP_REQUEST, BE10(15));
	SL_CHECK_EQ(yiaddr_of(&type), BE10(15));
	SL_CHECK_EQ(type, SL_DHCP_ACK);
	dhcp_from(&m1, SL_DHCP_DISCOVER, 0);
	SL_CHECK_EQ(yiaddr_of(&type), BE10(16));
	dhcp_from(&m1, SL_DHCP_REQUEST, BE10(16));
	SL_CHECK_EQ(yiaddr_of(&type), BE10(16));
	SL_CHECK_EQ(type, SL_DHCP_ACK);
	/* m2 asks for .15: refused (NAK), then offered .17 */
	dhcp_from(&m2, SL_DHCP_REQUEST, BE10(15));
	SL_CHECK_EQ(yiaddr_of(&type), 0);
	SL_CHECK_EQ(type, SL_DHCP_NAK);
	dhcp_from(&m2, SL_DHCP_DISCOVER, BE10(15));
	SL_CHECK_EQ(yiaddr_of(&type), BE10(17));
	SL_CHECK(sl_neigh_lookup(&env.w, BE10(15), &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &sl_test_guest_mac));
	SL_CHECK(sl_neigh_lookup(&env.w, BE10(16), &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &m1));
	SL_CHECK(sl_neigh_lookup(&env.w, BE10(17), &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &m2));
	/* the old server answered every DISCOVER with .15 and moved it */
	SL_CHECK_EQ(STAT(neigh_changed), 0);
	sl_test_env_fini(&env);
}

/* A host with a static address in the prefix is learned from its
 * frames (not dropped as a foreign source) and DHCP never offers its
 * address; the gateway's address is no host's; beyond --max-hosts a new
 * host is refused, counted in hosts_limit. */
SL_TEST(hosts_static_and_cap)
{
	struct rte_ether_addr m1 = mac_n(1), m40 = mac_n(40), m41 = mac_n(41);
	struct rte_ether_addr mac;
	struct sl_config cfg;
	struct rte_mbuf *f;
	uint8_t type;

	SL_CHECK(sl_test_eal() == 0);
	sl_config_defaults(&cfg);
	cfg.max_hosts = 2;
	cfg.ipv6 = false;	/* no router advertisement among the frames */
	cfg.dhcp_first = BE10(40);
	cfg.dhcp_last = BE10(41);
	SL_CHECK(sl_test_env_init(&env, &cfg) == 0);
	f = sl_test_udp_frame(&env, &m40, NET10(40), 5000, NET10(2), 9, "x",
		1);
	sl_test_input(&env, f);
	SL_CHECK_EQ(STAT(drop_ip_src), 0);
	SL_CHECK(sl_neigh_lookup(&env.w, BE10(40), &mac));
	SL_CHECK(rte_is_same_ether_addr(&mac, &m40));
	/* DHCP skips .40 (and .15, the resolved test guest's), picks .41,
	 * and finds no neighbour room for it: no offer */
	dhcp_from(&m1, SL_DHCP_DISCOVER, BE10(40));
	SL_CHECK_EQ(yiaddr_of(&type), 0);
	SL_CHECK_EQ(env.cap.n, 0);
	SL_CHECK_EQ(STAT(hosts_limit), 1);
	SL_CHECK_EQ(STAT(dhcp_offers), 0);
	f = sl_test_udp_frame(&env, &m41, NET10(41), 5000, NET10(2), 9, "x",
		1);
	sl_test_input(&env, f);
	SL_CHECK_EQ(STAT(hosts_limit), 2);
	SL_CHECK_EQ(STAT(drop_ip_src), 1);
	f = sl_test_udp_frame(&env, &m41, NET10(2), 5000, NET10(3), 9, "x", 1);
	sl_test_input(&env, f);
	SL_CHECK_EQ(STAT(drop_ip_src), 2);
	sl_test_env_fini(&env);
}

/* --outbound-addr through the worker (mem host): the sockets of guest
 * flows (UDP, ICMP) are bound to it when opened; a forward's listener
 * is not. */
SL_TEST(outbound_addr_binds_flow_sockets)
{
	union sl_sockaddr dst = { .in = { .sin_family = AF_INET,
		.sin_port = htons(9),
		.sin_addr.s_addr = rte_cpu_to_be_32(IP4(203, 0, 113, 1)) } };
	struct sl_config cfg;
	struct rte_mbuf *f;
	int hd;

	SL_CHECK(sl_test_eal() == 0);
	sl_config_defaults(&cfg);
	cfg.outbound_addr = rte_cpu_to_be_32(IP4(198, 51, 100, 9));
	SL_CHECK(sl_test_env_init(&env, &cfg) == 0);
	f = sl_test_udp_frame(&env, &sl_test_guest_mac, NET10(15), 5000,
		IP4(203, 0, 113, 1), 9, "x", 1);
	sl_test_input(&env, f);
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_source(env.host, hd).in.sin_addr.s_addr,
		cfg.outbound_addr);
	SL_CHECK_EQ(sl_host_mem_source(env.host, hd).in.sin_port, 0);
	sl_test_input(&env, sl_test_echo_frame(&env, IP4(203, 0, 113, 1), 7,
		1));
	hd = sl_host_mem_find(env.host, SL_HOST_ICMP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_source(env.host, hd).in.sin_addr.s_addr,
		cfg.outbound_addr);
	sl_test_env_fini(&env);
	/* without the option: unbound */
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	f = sl_test_udp_frame(&env, &sl_test_guest_mac, NET10(15), 5000,
		IP4(203, 0, 113, 1), 9, "x", 1);
	sl_test_input(&env, f);
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_source(env.host, hd).in.sin_addr.s_addr, 0);
	sl_test_env_fini(&env);
}

/**
 * outbound_addr6_kernel - IPv6 sockets of kernel backend @h (whose IPv4
 * --outbound-addr is set) open unbound by it, and bound to the IPv6
 * outbound address when one is set: a peer on ::1 sees it; an address
 * the host lacks fails the open. Skipped quietly without IPv6 loopback.
 */
static void
outbound_addr6_kernel(struct sl_host *h)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
		.sin6_addr = IN6ADDR_LOOPBACK_INIT }, from;
	socklen_t sl = sizeof(sa);
	union sl_sockaddr u;
	char buf[8];
	int ufd = socket(AF_INET6, SOCK_DGRAM, 0), hd;

	SL_CHECK(ufd >= 0);
	if (bind(ufd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(ufd);	/* no IPv6 loopback here */
		return;
	}
	SL_CHECK(getsockname(ufd, (struct sockaddr *)&sa, &sl) == 0);
	h->outbound_addr = inet_addr("127.0.0.1");
	hd = sl_host_open(h, (enum sl_host_kind)(SL_HOST_UDP | SL_HOST_INET6),
		4);
	SL_CHECK(hd >= 0);	/* not bound to the IPv4 address */
	sl_host_close(h, hd, true);
	SL_CHECK(sl_addr_pton("::1", &h->outbound_addr6) == AF_INET6);
	hd = sl_host_open(h, (enum sl_host_kind)(SL_HOST_UDP | SL_HOST_INET6),
		5);
	SL_CHECK(hd >= 0);
	u.in6 = sa;
	SL_CHECK_EQ(sl_host_sendto(h, hd, "6", 1, &u), 1);
	sl = sizeof(from);
	SL_CHECK_EQ(recvfrom(ufd, buf, sizeof(buf), 0,
		(struct sockaddr *)&from, &sl), 1);
	SL_CHECK(IN6_IS_ADDR_LOOPBACK(&from.sin6_addr));
	sl_host_close(h, hd, true);
	SL_CHECK(sl_addr_pton("2001:db8::9", &h->outbound_addr6) == AF_INET6);
	SL_CHECK_EQ(sl_host_open(h, (enum sl_host_kind)(SL_HOST_TCP |
		SL_HOST_INET6), 6), -EADDRNOTAVAIL);
	SL_CHECK_EQ(h->open_handles, 0);
	close(ufd);
}

/* The kernel backend binds before connect and send: the peer sees the
 * outbound address (127.0.0.2 on loopback); an address the host does
 * not have fails the open. */
SL_TEST(outbound_addr_kernel)
{
	struct sl_host *h = sl_host_kernel_create();
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, from;
	union sl_sockaddr u;
	socklen_t sl = sizeof(sa);
	struct pollfd pfd;
	char buf[8];
	int lfd, ufd, hd, afd, rc;

	SL_CHECK(h != NULL);
	h->outbound_addr = inet_addr("127.0.0.2");
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	ufd = socket(AF_INET, SOCK_DGRAM, 0);
	SL_CHECK(lfd >= 0 && ufd >= 0);
	SL_CHECK(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	SL_CHECK(listen(lfd, 4) == 0);
	SL_CHECK(getsockname(lfd, (struct sockaddr *)&sa, &sl) == 0);
	hd = sl_host_open(h, SL_HOST_TCP, 1);
	SL_CHECK(hd >= 0);
	u.in = sa;
	rc = sl_host_connect(h, hd, &u);
	SL_CHECK(rc == 0 || rc == -EINPROGRESS);
	sl = sizeof(from);
	pfd.fd = lfd;
	pfd.events = POLLIN;
	SL_CHECK(poll(&pfd, 1, 2000) == 1);
	afd = accept(lfd, (struct sockaddr *)&from, &sl);
	SL_CHECK(afd >= 0);
	SL_CHECK_EQ(from.sin_addr.s_addr, inet_addr("127.0.0.2"));
	close(afd);
	sl_host_close(h, hd, true);
	/* UDP */
	sa.sin_port = 0;
	SL_CHECK(bind(ufd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	sl = sizeof(sa);
	SL_CHECK(getsockname(ufd, (struct sockaddr *)&sa, &sl) == 0);
	hd = sl_host_open(h, SL_HOST_UDP, 2);
	SL_CHECK(hd >= 0);
	u.in = sa;
	SL_CHECK_EQ(sl_host_sendto(h, hd, "u", 1, &u), 1);
	pfd.fd = ufd;
	SL_CHECK(poll(&pfd, 1, 2000) == 1);
	sl = sizeof(from);
	SL_CHECK_EQ(recvfrom(ufd, buf, sizeof(buf), 0,
		(struct sockaddr *)&from, &sl), 1);
	SL_CHECK_EQ(from.sin_addr.s_addr, inet_addr("127.0.0.2"));
	sl_host_close(h, hd, true);
	/* not an address of this host */
	h->outbound_addr = inet_addr("198.51.100.9");
	SL_CHECK_EQ(sl_host_open(h, SL_HOST_UDP, 3), -EADDRNOTAVAIL);
	SL_CHECK_EQ(h->open_handles, 0);
	close(lfd);
	close(ufd);
	outbound_addr6_kernel(h);
	sl_host_destroy(h);
}

/* Replies go to the host of the flow, not to --guest-addr: a UDP
 * answer and an ICMP error (TTL 1) to 10.0.2.16 leave for its MAC. */
SL_TEST(hosts_replies_to_their_host)
{
	struct rte_ether_addr m1 = mac_n(1);
	const struct rte_ether_hdr *eth;
	const struct rte_ipv4_hdr *ip;
	union sl_sockaddr dst = { .in = { .sin_family = AF_INET,
		.sin_port = htons(9),
		.sin_addr.s_addr = rte_cpu_to_be_32(IP4(203, 0, 113, 1)) } };
	struct rte_ipv4_hdr *hdr;
	struct rte_mbuf *f;
	int hd;

	SL_CHECK(sl_test_eal() == 0);
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	sl_test_input(&env, sl_test_udp_frame(&env, &m1, NET10(16), 5000,
		IP4(203, 0, 113, 1), 9, "abc", 3));
	hd = sl_host_mem_find(env.host, SL_HOST_UDP, &dst);
	SL_CHECK(hd >= 0);
	SL_CHECK_EQ(sl_host_mem_push_dgram(env.host, hd, "xyz", 3, &dst), 0);
	sl_test_input(&env, NULL);
	SL_CHECK_EQ(env.cap.n, 1);
	eth = rte_pktmbuf_mtod(env.cap.m[0], const struct rte_ether_hdr *);
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	SL_CHECK_EQ(ip->dst_addr, BE10(16));
	SL_CHECK(rte_is_same_ether_addr(&eth->dst_addr, &m1));
	sl_test_cap_clear(&env);
	f = sl_test_udp_frame(&env, &m1, NET10(16), 5001, IP4(203, 0, 113, 1),
		9, "abc", 3);
	SL_CHECK(f != NULL);
	hdr = rte_pktmbuf_mtod_offset(f, struct rte_ipv4_hdr *,
		RTE_ETHER_HDR_LEN);
	hdr->time_to_live = 1;
	hdr->hdr_checksum = 0;
	hdr->hdr_checksum = rte_ipv4_cksum(hdr);
	sl_test_input(&env, f);
	SL_CHECK_EQ(env.cap.n, 1);
	eth = rte_pktmbuf_mtod(env.cap.m[0], const struct rte_ether_hdr *);
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	SL_CHECK_EQ(ip->next_proto_id, IPPROTO_ICMP);
	SL_CHECK_EQ(ip->dst_addr, BE10(16));
	SL_CHECK(rte_is_same_ether_addr(&eth->dst_addr, &m1));
	sl_test_env_fini(&env);
}

/* /sluice/hosts' worker side: every host with its MAC, lease, live
 * flows and frames each way. */
SL_TEST(ctl_hosts_counts)
{
	struct rte_ether_addr m1 = mac_n(1);
	struct sl_ctl_req *req;
	struct sl_ctl_host *a = NULL, *b = NULL;
	uint32_t i;
	uint8_t type;

	SL_CHECK(sl_test_eal() == 0);
	SL_CHECK(sl_test_env_init(&env, NULL) == 0);
	dhcp_from(&m1, SL_DHCP_DISCOVER, 0);
	dhcp_from(&m1, SL_DHCP_REQUEST, BE10(16));
	SL_CHECK_EQ(yiaddr_of(&type), 0);	/* two replies captured */
	sl_test_cap_clear(&env);
	/* .16 opens two UDP flows (3 frames), .15 one */
	sl_test_input(&env, sl_test_udp_frame(&env, &m1, NET10(16), 5000,
		IP4(203, 0, 113, 1), 9, "abc", 3));
	sl_test_input(&env, sl_test_udp_frame(&env, &m1, NET10(16), 5000,
		IP4(203, 0, 113, 1), 9, "abc", 3));
	sl_test_input(&env, sl_test_udp_frame(&env, &m1, NET10(16), 5001,
		IP4(203, 0, 113, 1), 9, "abc", 3));
	sl_test_input(&env, sl_test_udp_frame(&env, &sl_test_guest_mac,
		NET10(15), 5000, IP4(203, 0, 113, 1), 9, "abc", 3));
	req = sl_ctl_req_alloc(SL_CTL_OP_HOSTS, SL_HOSTS_MAX);
	SL_CHECK(req != NULL);
	SL_CHECK_EQ(sl_ctl_do_hosts(&env.w, req), 0);
	SL_CHECK_EQ(req->n, 2);
	for (i = 0; i < req->n; i++) {
		if (req->hosts[i].ip == BE10(15))
			a = &req->hosts[i];
		if (req->hosts[i].ip == BE10(16))
			b = &req->hosts[i];
	}
	SL_CHECK(a != NULL && b != NULL);
	SL_CHECK(b->known);
	SL_CHECK(rte_is_same_ether_addr(&b->mac, &m1));
	SL_CHECK_EQ(b->lease, SL_LEASE_BOUND + 1);
	/* the whole lease, less the time the test took (slow under
	 * ThreadSanitizer: the clock is real) */
	SL_CHECK(b->lease_left_ms <= (uint64_t)env.cfg.lease_time_s * 1000);
	SL_CHECK(b->lease_left_ms + 60000 > (uint64_t)env.cfg.lease_time_s *
		1000);
	SL_CHECK_EQ(b->flows, 2);
	SL_CHECK_EQ(b->flow_bytes_to_host, 9);
	SL_CHECK_EQ(b->frames_in, 3);
	SL_CHECK(b->bytes_in >= 3 * (14 + 20 + 8 + 3));
	SL_CHECK_EQ(a->flows, 1);
	SL_CHECK_EQ(a->frames_in, 1);
	SL_CHECK_EQ(a->lease, 0);
	sl_ctl_req_put(req);
	sl_test_env_fini(&env);
}

/* /sluice/hosts lists the guest's IPv6 addresses too, each with its own
 * flows (matched by the whole address) and frames, beside the IPv4 host
 * of the same MAC. */
SL_TEST(ctl_hosts_ipv6_addresses)
{
	static const uint8_t l4[8 + 3] = { 0x13, 0x88, 0, 9, 0, 11, 0, 0,
		'a', 'b', 'c' };
	struct f6 f = {
		.src = a6("fec0::ff:fe00:15"), .dst = a6("2001:db8::1"),
		.proto = IPPROTO_UDP, .hop = 64, .l4 = l4, .l4_len = 11,
	};
	struct sl_ctl_host *a = NULL, *v6 = NULL;
	struct sl_ctl_req *req;
	uint32_t i;

	SL_CHECK(sl_test_eal() == 0);
	SL_CHECK(env6_init(&env, NULL) == 0);
	send6(&env, &f);
	send6(&env, &f);
	req = sl_ctl_req_alloc(SL_CTL_OP_HOSTS, SL_NEIGH_MAX);
	SL_CHECK(req != NULL);
	SL_CHECK_EQ(sl_ctl_do_hosts(&env.w, req), 0);
	for (i = 0; i < req->n; i++) {
		if (req->hosts[i].ip == env.cfg.guest_addr)
			a = &req->hosts[i];
		if (memcmp(req->hosts[i].addr.b, f.src, 16) == 0)
			v6 = &req->hosts[i];
	}
	SL_CHECK(a != NULL && v6 != NULL);
	SL_CHECK_EQ(v6->ip, 0);
	SL_CHECK(v6->known);
	SL_CHECK(rte_is_same_ether_addr(&v6->mac, &sl_test_guest_mac));
	SL_CHECK_EQ(v6->flows, 1);
	SL_CHECK_EQ(v6->flow_bytes_to_host, 6);
	SL_CHECK_EQ(v6->frames_in, 2);
	SL_CHECK_EQ(a->flows, 0);
	SL_CHECK(sl_addr_is_v4(&a->addr));
	sl_ctl_req_put(req);
	sl_test_env_fini(&env);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
