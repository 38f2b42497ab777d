/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_test.c: the unit-test harness (see sl_test.h).
 */
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "sl_host_mem.h"
#include "sl_neigh.h"
#include "sl_net.h"
#include "sl_relay.h"
#include "sl_steer.h"
#include "sl_test.h"
#include "../common/sl_rundir.h"

struct sl_test_case sl_test_cases[SL_TEST_MAX];
unsigned int sl_test_n;
int sl_test_failed_now;

const struct rte_ether_addr sl_test_guest_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x15 } };

static bool eal_up;

/**
 * guest_spoke - the test worker starts as if the guest had already spoken
 * from sl_test_guest_mac: its address resolved, start-up done. Tests of
 * resolution itself call sl_neigh_flush() and sl_neigh_start().
 */
static void
guest_spoke(struct sl_test_env *env)
{
	sl_neigh_learn(&env->w, env->cfg.guest_addr, &sl_test_guest_mac);
	sl_neigh_poll(&env->w);
}
static unsigned int pool_seq;

int
sl_test_eal(void)
{
	char prefix[64];
	char *args[] = { (char *)"sl_test", (char *)"--no-huge", (char *)"-m",
		(char *)"1024", (char *)"--no-pci", (char *)"--no-shconf",
		(char *)"--log-level=lib.*:error", (char *)"-l", (char *)"0",
		(char *)"--file-prefix", prefix };

	if (eal_up)
		return 0;
	snprintf(prefix, sizeof(prefix), "sltest%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(args), args) < 0)
		return -1;
	sl_rundir_remove_at_exit();
	eal_up = true;
	return 0;
}

static uint16_t
cap_tx(struct sl_worker *w, struct rte_mbuf **m, uint16_t n)
{
	struct sl_test_env *env = (struct sl_test_env *)((char *)w -
		offsetof(struct sl_test_env, w));
	uint16_t i;

	if (env->cap.refuse)
		return 0;
	if (env->cap.take_max != 0 && n > env->cap.take_max)
		n = (uint16_t)env->cap.take_max;
	for (i = 0; i < n; i++) {
		if (env->cap.n < SL_TEST_CAP_MAX)
			env->cap.m[env->cap.n++] = m[i];
		else
			rte_pktmbuf_free(m[i]);
	}
	if (n > 0)
		env->cap.bursts++;
	return n;
}

int
sl_test_env_init(struct sl_test_env *env, const struct sl_config *cfg)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;

	if (sl_test_eal() != 0)
		return -1;
	memset(env, 0, sizeof(*env));
	if (cfg != NULL) {
		env->cfg = *cfg;
	} else {
		sl_config_defaults(&env->cfg);
		env->cfg.dns_fwd = RTE_BE32(RTE_IPV4(127, 0, 0, 53));
		env->cfg.max_flows = 1024;
		/* an IPv4-only link: no router advertisements among the
		 * frames the IPv4 tests count (IPv6 tests pass a cfg) */
		env->cfg.ipv6 = false;
	}
	snprintf(name, sizeof(name), "sltp%u", pool_seq++);
	mp = rte_pktmbuf_pool_create(name, 16384, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (mp == NULL)
		return -1;
	env->host = sl_host_mem_create();
	if (env->host == NULL)
		return -1;
	env->w.tx_burst = cap_tx;
	env->w.mtu = 1500;
	env->w.multiseg = true;
	env->w.quit = &env->quit;
	if (sl_relay_worker_init(&env->w, &env->cfg, mp, env->host) != 0)
		return -1;
	guest_spoke(env);
	return 0;
}

int
sl_test_env_init_manual(struct sl_test_env *env, const struct sl_config *cfg)
{
	if (sl_test_env_init(env, cfg) != 0)
		return -1;
	/*
	 * Nothing has run since init read the clock (the wheel starts at that
	 * time), so freezing now_ms here is the same as a manual clock from
	 * the start: from now on only the test moves it.
	 */
	env->w.manual_clock = true;
	return 0;
}

int
sl_test_env_init_opts(struct sl_test_env *env, const struct sl_config *cfg,
	const struct sl_test_env_opts *o)
{
	static const struct sl_test_env_opts defaults;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp, *rx_mp = NULL;
	struct sl_host *host;

	if (o == NULL)
		o = &defaults;
	host = o->host;
	if (sl_test_eal() != 0)
		goto fail_host;
	memset(env, 0, sizeof(*env));
	if (cfg != NULL) {
		env->cfg = *cfg;
	} else {
		sl_config_defaults(&env->cfg);
		env->cfg.dns_fwd = RTE_BE32(RTE_IPV4(127, 0, 0, 53));
		env->cfg.max_flows = 1024;
		/* an IPv4-only link: no router advertisements among the
		 * frames the IPv4 tests count (IPv6 tests pass a cfg) */
		env->cfg.ipv6 = false;
	}
	snprintf(name, sizeof(name), "sltp%u", pool_seq++);
	mp = rte_pktmbuf_pool_create(name, o->nb_mbufs ? o->nb_mbufs : 16384,
		o->cache, 0, RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (mp == NULL)
		goto fail_host;
	if (o->nb_rx_mbufs > 0) {
		snprintf(name, sizeof(name), "sltp%u", pool_seq++);
		rx_mp = rte_pktmbuf_pool_create(name, o->nb_rx_mbufs, 0, 0,
			o->rx_room ? o->rx_room : 9216 + RTE_PKTMBUF_HEADROOM,
			(int)rte_socket_id());
		if (rx_mp == NULL)
			goto fail_pool;
	}
	if (host == NULL)
		host = sl_host_mem_create();
	if (host == NULL)
		goto fail_pool;
	env->host = host;
	env->w.tx_burst = cap_tx;
	env->w.mtu = o->mtu != 0 ? o->mtu : 1500;
	env->w.multiseg = true;
	env->w.quit = &env->quit;
	env->w.rx_mp = rx_mp;
	env->w.rx_ring_frames = o->ring_frames;
	if (sl_relay_worker_init(&env->w, &env->cfg, mp, host) != 0) {
		/* a failed init has released what it took */
		env->w.host = NULL;
		goto fail_pool;
	}
	/* as in sl_test_env_init_manual: nothing ran since init */
	env->w.manual_clock = o->manual_clock;
	guest_spoke(env);
	return 0;
fail_pool:
	rte_mempool_free(rx_mp);
	rte_mempool_free(mp);
fail_host:
	if (host != NULL)
		sl_host_destroy(host);
	env->host = NULL;
	return -1;
}

struct sl_steer *
sl_test_steer_new(unsigned int n)
{
	static uint16_t seq;
	struct sl_steer *s;

	if (sl_test_eal() != 0)
		return NULL;
	s = rte_zmalloc("sl_test_steer", sizeof(*s), 0);
	if (s != NULL && sl_steer_create(s, (uint16_t)(100 + seq++), n, 0,
	    SOCKET_ID_ANY) != 0) {
		rte_free(s);
		s = NULL;
	}
	return s;
}

void
sl_test_steer_free(struct sl_steer *s)
{
	if (s != NULL) {
		sl_steer_destroy(s);
		rte_free(s);
	}
}

int
sl_test_env_pair(struct sl_test_env *e0, struct sl_test_env *e1,
	struct sl_steer *s)
{
	if (sl_test_env_init(e0, NULL) != 0 || sl_test_env_init(e1, NULL) != 0)
		return -1;
	e0->w.steer = s;
	e0->w.queue_id = 0;
	e1->w.steer = s;
	e1->w.queue_id = 1;
	return 0;
}

void
sl_test_env_pair_fini(struct sl_test_env *e0, struct sl_test_env *e1,
	struct sl_steer *s)
{
	e0->w.steer = NULL;
	e1->w.steer = NULL;
	sl_test_env_fini(e0);
	sl_test_env_fini(e1);
	sl_test_steer_free(s);
}

void
sl_test_tcp_hdr(struct rte_tcp_hdr *th, uint16_t sport, uint16_t dport,
	uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
	const uint8_t *opt, uint8_t optlen)
{
	uint8_t hl = (uint8_t)(sizeof(*th) + optlen);

	memset(th, 0, hl);
	th->src_port = rte_cpu_to_be_16(sport);
	th->dst_port = rte_cpu_to_be_16(dport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)((hl / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(win);
	if (optlen > 0)
		memcpy(th + 1, opt, optlen);
}

void
sl_test_cap_clear(struct sl_test_env *env)
{
	unsigned int i;

	for (i = 0; i < env->cap.n; i++)
		rte_pktmbuf_free(env->cap.m[i]);
	env->cap.n = 0;
	env->cap.bursts = 0;
}

void
sl_test_env_fini(struct sl_test_env *env)
{
	struct rte_mempool *mp = env->w.mp, *rx_mp = env->w.rx_mp;

	sl_worker_fini(&env->w);
	sl_test_cap_clear(env);
	if (rx_mp != mp)
		rte_mempool_free(rx_mp);
	rte_mempool_free(mp);
}

struct rte_mbuf *
sl_test_frame(struct sl_test_env *env, const void *bytes, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(env->w.mp);
	char *d;

	if (m == NULL)
		return NULL;
	d = rte_pktmbuf_append(m, len);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(d, bytes, len);
	return m;
}

struct rte_mbuf *
sl_test_udp_frame(struct sl_test_env *env, const struct rte_ether_addr *src_mac,
	uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport,
	const void *pay, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(env->w.mp);
	struct rte_udp_hdr *uh;

	if (m == NULL)
		return NULL;
	uh = (struct rte_udp_hdr *)rte_pktmbuf_append(m, sizeof(*uh) + len);
	if (uh == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	uh->src_port = rte_cpu_to_be_16(sport);
	uh->dst_port = rte_cpu_to_be_16(dport);
	uh->dgram_len = rte_cpu_to_be_16(sizeof(*uh) + len);
	uh->dgram_cksum = 0;
	memcpy(uh + 1, pay, len);
	if (sl_net_prepend_ipv4(m, src_mac, &env->w.gw_mac,
	    rte_cpu_to_be_32(saddr), rte_cpu_to_be_32(daddr),
	    IPPROTO_UDP) != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	sl_net_l4_cksum(m);
	return m;
}

struct rte_mbuf *
sl_test_echo_frame(struct sl_test_env *env, uint32_t daddr, uint16_t id,
	uint16_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(env->w.mp);
	struct rte_icmp_hdr *ic;

	if (m == NULL)
		return NULL;
	ic = (struct rte_icmp_hdr *)rte_pktmbuf_append(m, sizeof(*ic) + 8);
	if (ic == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(ic, 0, sizeof(*ic) + 8);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ic->icmp_ident = rte_cpu_to_be_16(id);
	ic->icmp_seq_nb = rte_cpu_to_be_16(seq);
	memcpy(ic + 1, "pingdata", 8);
	if (sl_net_prepend_ipv4(m, &sl_test_guest_mac, &env->w.gw_mac,
	    env->cfg.guest_addr, rte_cpu_to_be_32(daddr),
	    IPPROTO_ICMP) != 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	sl_net_l4_cksum(m);
	return m;
}

void
sl_test_input(struct sl_test_env *env, struct rte_mbuf *m)
{
	sl_worker_clock(&env->w);
	sl_worker_step(&env->w, &m, m != NULL ? 1 : 0);
}

int
sl_test_main(int argc, char **argv)
{
	unsigned int i, passed = 0, failed = 0;
	int a;

	for (i = 0; i < sl_test_n; i++) {
		bool run = argc <= 1;

		for (a = 1; a < argc; a++)
			if (strcmp(argv[a], sl_test_cases[i].name) == 0)
				run = true;
		if (!run)
			continue;
		sl_test_failed_now = 0;
		sl_test_cases[i].fn();
		if (sl_test_failed_now) {
			printf("FAIL %s\n", sl_test_cases[i].name);
			failed++;
		} else {
			printf("ok   %s\n", sl_test_cases[i].name);
			passed++;
		}
		fflush(stdout);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
