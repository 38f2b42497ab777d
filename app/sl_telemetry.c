/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_telemetry.c: the /sluice/ telemetry commands (see sl_telemetry.h for
 * the list and the reply conventions): their registration, the shutdown
 * gate and helpers every handler uses, /sluice/info and /sluice/stats, and
 * rte_pdump set-up. The flow commands are in sl_tel_flows.c, the forward
 * and log level commands in sl_tel_ctl.c.
 *
 * Each handler runs on a telemetry client thread. What it reads directly is
 * either written once before the commands were registered (configuration,
 * ports, worker placement) or a counter read with SL_STAT_READ. Anything
 * else (flows, forwards, mempool use) is asked of the owning worker with a
 * request through its control ring (sl_ctl.h) and waits for the reply.
 *
 * Shutdown: handlers enter through a gate (an atomic count of handlers
 * running plus a closed flag); sl_telemetry_fini() closes it and waits for
 * the count to drop to zero, so no handler still uses a worker when main()
 * frees it. DPDK 22.11 cannot unregister commands: after the gate closes
 * they answer with an error.
 *
 * Reply size: a reply is at most 16 KiB of JSON and telemetry silently
 * drops what does not fit, so every reply is bounded by construction:
 * flows come in pages of SL_TEL_FLOWS_PAGE, per-worker counters are inline
 * for at most SL_TEL_STATS_WORKERS workers (else /sluice/stats,N).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/virtio_net.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_pdump.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "sl_ctl.h"
#include "sl_dhcp6.h"
#include "sl_hdring.h"
#include "sl_log.h"
#include "sl_neigh.h"
#include "sl_options.h"
#include "sl_telemetry.h"
#include "sl_telemetry_priv.h"

static struct sl_app *tel_app;
static uint64_t tel_start_ns;
static bool tel_pdump;
static uint32_t tel_closed;	/* atomic */
static uint32_t tel_active;	/* atomic: handlers running */

/* ------------------------------------------------------------------ */
/* helpers                                                              */

/** mono_ns - CLOCK_MONOTONIC in nanoseconds (uptime). */
static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct sl_app *
sl_tel_enter(void)
{
	__atomic_add_fetch(&tel_active, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&tel_closed, __ATOMIC_SEQ_CST) || tel_app == NULL) {
		__atomic_sub_fetch(&tel_active, 1, __ATOMIC_SEQ_CST);
		return NULL;
	}
	return tel_app;
}

void
sl_tel_leave(void)
{
	__atomic_sub_fetch(&tel_active, 1, __ATOMIC_SEQ_CST);
}

int
sl_tel_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

bool
sl_tel_no_params(const char *params)
{
	return params == NULL || *params == '\0';
}

int
sl_tel_error_reply(struct rte_tel_data *d, int rc, const char *what)
{
	char text[RTE_TEL_MAX_STRING_LEN];

	if (rc < 0)
		rc = -rc;
	snprintf(text, sizeof(text), "%s: %s", what,
		rc == ETIMEDOUT ? "the worker did not answer in time" :
		rc == EBUSY ? "the worker's control queue is full" :
		rc == ECANCELED ? "the worker is stopping" :
		rc == ENOENT ? "not found" :
		strerror(rc));
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", text);
	rte_tel_data_add_dict_int(d, "errno", rc);
	return 0;
}

struct rte_tel_data *
sl_tel_new_dict(void)
{
	struct rte_tel_data *c = rte_tel_data_alloc();

	if (c != NULL)
		rte_tel_data_start_dict(c);
	return c;
}

/* ------------------------------------------------------------------ */
/* /sluice/info                                                         */

/**
 * add_rules - the access rules as "allow CIDR[:PORTS]" / "deny ..." strings
 * in their first-match order (the config dict groups them by key).
 */
static void
add_rules(char **key, char **val, unsigned int n, struct rte_tel_data *d)
{
	struct rte_tel_data *arr = rte_tel_data_alloc();
	char rule[RTE_TEL_MAX_STRING_LEN];
	unsigned int i;

	if (arr == NULL)
		return;
	rte_tel_data_start_array(arr, RTE_TEL_STRING_VAL);
	for (i = 0; i < n; i++)
		if (strcmp(key[i], "allow") == 0 || strcmp(key[i], "deny") == 0) {
			snprintf(rule, sizeof(rule), "%s %s", key[i], val[i]);
			rte_tel_data_add_array_string(arr, rule);
		}
	rte_tel_data_add_dict_container(d, "rules", arr, 0);
}

/**
 * add_config - the configuration in effect (sl_options_dump's "key = value"
 * lines) as "key": "value", '-' in keys turned into '_'; a key given
 * several times (forwards, rules) gets an array of its values. The access
 * rules also go, in order, to "rules" (add_rules).
 */
static void
add_config(const struct sl_app *app, struct rte_tel_data *d)
{
	enum { MAX_LINES = 512 };
	char *text = malloc(SL_OPT_DUMP_MAX), *line, *save = NULL, *k;
	char **key = calloc(MAX_LINES, sizeof(*key));
	char **val = calloc(MAX_LINES, sizeof(*val));
	struct rte_tel_data *cfg = sl_tel_new_dict();
	unsigned int n = 0, i, j;

	if (cfg == NULL || text == NULL || key == NULL || val == NULL) {
		rte_tel_data_free(cfg);
		goto out;
	}
	if (sl_options_dump(&app->cfg, text, SL_OPT_DUMP_MAX) < 0)
		rte_tel_data_add_dict_int(d, "config_truncated", 1);
	for (line = strtok_r(text, "\n", &save); line != NULL && n < MAX_LINES;
	    line = strtok_r(NULL, "\n", &save)) {
		char *eq = strstr(line, " = ");

		if (eq == NULL || line[0] == '#')
			continue;
		*eq = '\0';
		for (k = line; *k != '\0'; k++)
			if (*k == '-')
				*k = '_';
		key[n] = line;
		val[n++] = eq + 3;
	}
	add_rules(key, val, n, d);
	for (i = 0; i < n; i++) {
		struct rte_tel_data *arr;
		unsigned int count = 0;

		if (key[i] == NULL)
			continue;	/* gathered with an earlier line */
		for (j = i; j < n; j++)
			if (key[j] != NULL && strcmp(key[i], key[j]) == 0)
				count++;
		if (count == 1) {
			rte_tel_data_add_dict_string(cfg, key[i], val[i]);
			continue;
		}
		arr = rte_tel_data_alloc();
		if (arr == NULL)
			break;
		rte_tel_data_start_array(arr, RTE_TEL_STRING_VAL);
		rte_tel_data_add_array_string(arr, val[i]);
		for (j = i + 1; j < n; j++)
			if (key[j] != NULL && strcmp(key[i], key[j]) == 0) {
				rte_tel_data_add_array_string(arr, val[j]);
				key[j] = NULL;
			}
		rte_tel_data_add_dict_container(cfg, key[i], arr, 0);
	}
	rte_tel_data_add_dict_container(d, "config", cfg, 0);
out:
	free(key);
	free(val);
	free(text);
}

/**
 * add_offloads - a port's offload state: rx checksum offload and LRO
 * enabled, the tx offloads its worker uses now (on net_vhost: what the
 * attached guest negotiated) and the guest's virtio feature bits.
 */
static void
add_offloads(const struct sl_port *p, const struct sl_worker *w,
	struct rte_tel_data *c)
{
	uint32_t ol = __atomic_load_n(&w->tx_ol_pub, __ATOMIC_ACQUIRE);
	uint64_t feat = __atomic_load_n(&w->guest_features, __ATOMIC_RELAXED);
	char hex[24];

	rte_tel_data_add_dict_int(c, "rx_csum_offload",
		(p->rx_offloads & RTE_ETH_RX_OFFLOAD_TCP_CKSUM) != 0);
	rte_tel_data_add_dict_int(c, "rx_lro",
		(p->rx_offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO) != 0);
	rte_tel_data_add_dict_int(c, "tx_csum_offload",
		(ol & SL_TXOL_CSUM) != 0);
	rte_tel_data_add_dict_int(c, "tx_ip_csum_offload",
		(ol & SL_TXOL_IP_CSUM) != 0);
	rte_tel_data_add_dict_int(c, "tso", (ol & SL_TXOL_TSO4) != 0);
	rte_tel_data_add_dict_int(c, "tso6", (ol & SL_TXOL_TSO6) != 0);
	if (!p->vhost)
		return;
	snprintf(hex, sizeof(hex), "0x%" PRIx64, feat);
	rte_tel_data_add_dict_string(c, "guest_features", hex);
	rte_tel_data_add_dict_int(c, "guest_csum",
		(feat & (1ULL << VIRTIO_NET_F_GUEST_CSUM)) != 0);
	rte_tel_data_add_dict_int(c, "guest_tso4",
		(feat & (1ULL << VIRTIO_NET_F_GUEST_TSO4)) != 0);
	rte_tel_data_add_dict_int(c, "guest_sends_csum",
		(feat & (1ULL << VIRTIO_NET_F_CSUM)) != 0);
	rte_tel_data_add_dict_int(c, "guest_sends_tso4",
		(feat & (1ULL << VIRTIO_NET_F_HOST_TSO4)) != 0);
	rte_tel_data_add_dict_int(c, "guest_tso6",
		(feat & (1ULL << VIRTIO_NET_F_GUEST_TSO6)) != 0);
	rte_tel_data_add_dict_int(c, "guest_sends_tso6",
		(feat & (1ULL << VIRTIO_NET_F_HOST_TSO6)) != 0);
}

/**
 * add_ipv6 - a port's IPv6 addresses (under "ipv6"): the gateway's
 * link-local, gateway and DNS addresses and prefix, the address DHCPv6
 * hands out, and the guest addresses its neighbour table learned (each
 * entered once by the queue-0 worker, read here after the count).
 */
static void
add_ipv6(const struct sl_worker *w, struct rte_tel_data *c)
{
	struct rte_tel_data *v6 = sl_tel_new_dict(), *g;
	struct sl_neigh_host_info h;
	const struct sl_neigh_tab *t;
	char a[INET6_ADDRSTRLEN + 4];
	uint8_t d6[16];
	uint32_t i, n;

	if (v6 == NULL)
		return;
	rte_tel_data_add_dict_int(v6, "enabled", w->cfg->ipv6);
	inet_ntop(AF_INET6, w->gw_ll6, a, sizeof(a));
	rte_tel_data_add_dict_string(v6, "gateway_link_local", a);
	inet_ntop(AF_INET6, w->cfg->gateway6, a, sizeof(a));
	rte_tel_data_add_dict_string(v6, "gateway", a);
	inet_ntop(AF_INET6, w->cfg->dns6, a, sizeof(a));
	rte_tel_data_add_dict_string(v6, "dns", a);
	inet_ntop(AF_INET6, w->cfg->prefix6, a, INET6_ADDRSTRLEN);
	snprintf(a + strlen(a), 5, "/%u", (unsigned int)w->cfg->prefix6_len);
	rte_tel_data_add_dict_string(v6, "prefix", a);
	sl_dhcp6_addr(w, d6);
	inet_ntop(AF_INET6, d6, a, sizeof(a));
	rte_tel_data_add_dict_string(v6, "dhcp6_address", a);
	g = rte_tel_data_alloc();
	if (g != NULL && w->neigh != NULL && w->neigh->tab != NULL) {
		t = w->neigh->tab;
		rte_tel_data_start_array(g, RTE_TEL_STRING_VAL);
		n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);
		for (i = 0; i < n; i++)
			if (t->e[i].v6 && sl_neigh_host(w, i, &h)) {
				/* read consistently: an idle entry may be
				 * given a new address meanwhile */
				inet_ntop(AF_INET6, h.ip6, a, sizeof(a));
				rte_tel_data_add_array_string(g, a);
			}
		rte_tel_data_add_dict_container(v6, "guest_addresses", g, 0);
	} else {
		rte_tel_data_free(g);
	}
	rte_tel_data_add_dict_container(c, "ipv6", v6, 0);
}

/**
 * add_ports - each port of /sluice/info: name, driver, MAC, MTU, segments,
 * descriptors, mbufs, link, queues, RSS, --netns, the workers that
 * serve it and its IPv6 addresses.
 */
static void
add_ports(const struct sl_app *app, struct rte_tel_data *d)
{
	struct rte_tel_data *ports = sl_tel_new_dict();
	unsigned int i, k;

	if (ports == NULL)
		return;
	for (i = 0; i < app->nb_ports; i++) {
		const struct sl_port *p = &app->ports[i];
		struct rte_tel_data *c = sl_tel_new_dict();
		char name[16], mac[RTE_ETHER_ADDR_FMT_SIZE];
		struct rte_tel_data *qw;
		struct rte_eth_link link;

		if (c == NULL)
			break;
		rte_tel_data_add_dict_int(c, "port_id", p->port_id);
		rte_tel_data_add_dict_string(c, "name", p->name);
		rte_tel_data_add_dict_string(c, "driver",
			p->driver != NULL ? p->driver : "?");
		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		rte_tel_data_add_dict_string(c, "mac", mac);
		rte_tel_data_add_dict_int(c, "mtu", p->mtu);
		rte_tel_data_add_dict_int(c, "seg_room", p->seg_room);
		rte_tel_data_add_dict_int(c, "multiseg", p->multiseg);
		rte_tel_data_add_dict_int(c, "nb_rxd", p->nb_rxd);
		rte_tel_data_add_dict_int(c, "nb_txd", p->nb_txd);
		rte_tel_data_add_dict_u64(c, "nb_mbufs", p->nb_mbufs);
		if (p->nb_ring_fds > 0)
			rte_tel_data_add_dict_u64(c, "ring_drops",
				sl_port_ring_drops((struct sl_port *)p));
		if (p->ring_frames > 0)		/* TCP's ring budget */
			rte_tel_data_add_dict_u64(c, "ring_frames",
				p->ring_frames);
		if (p->hdring != NULL)	/* SYNs and pure ACKs */
			rte_tel_data_add_dict_u64(c, "hdr_ring_frames",
				SL_HDRING_FRAMES);
		if (p->nb_ring_fds > 0)	/* frames to the guest: sl_vtx.c */
			rte_tel_data_add_dict_string(c, "tx_path",
				p->vtx[0] != NULL ? "vnet" : "pmd");
		if (p->nb_ring_fds > 0)	/* the guest's frames: sl_vrx.c */
			rte_tel_data_add_dict_string(c, "rx_path",
				p->vrx[0] != NULL ? "vnet" : "pmd");
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(p->port_id, &link) == 0) {
			rte_tel_data_add_dict_string(c, "link",
				link.link_status ? "up" : "down");
			rte_tel_data_add_dict_u64(c, "link_speed_mbps",
				link.link_speed);
			rte_tel_data_add_dict_string(c, "link_duplex",
				link.link_duplex ? "full" : "half");
		} else {
			rte_tel_data_add_dict_string(c, "link", "unknown");
		}
		rte_tel_data_add_dict_int(c, "nb_queues", p->nb_queues);
		rte_tel_data_add_dict_int(c, "rss", p->rss);
		if (app->port_cfg[i].netns[0] != '\0')
			rte_tel_data_add_dict_string(c, "netns",
				app->port_cfg[i].netns);
		for (k = 0; k < app->nb_workers; k++)
			if (app->workers[k]->port_id == p->port_id &&
			    app->workers[k]->queue_id == 0) {
				rte_tel_data_add_dict_int(c, "worker", (int)k);
				add_offloads(p, app->workers[k], c);
				add_ipv6(app->workers[k], c);
			}
		qw = rte_tel_data_alloc();
		if (qw != NULL) {
			rte_tel_data_start_array(qw, RTE_TEL_INT_VAL);
			for (k = 0; k < app->nb_workers; k++)
				if (app->workers[k]->port_id == p->port_id)
					rte_tel_data_add_array_int(qw, (int)k);
			rte_tel_data_add_dict_container(c, "workers", qw, 0);
		}
		snprintf(name, sizeof(name), "%u", i);
		rte_tel_data_add_dict_container(ports, name, c, 0);
	}
	rte_tel_data_add_dict_container(d, "ports", ports, 0);
}

/**
 * add_limits - the descriptor budget (sl_fdlimit.h) and the warnings
 * logged at start.
 */
static void
add_limits(const struct sl_app *app, struct rte_tel_data *d)
{
	const struct sl_fd_budget *b = &app->fd;
	struct rte_tel_data *w = rte_tel_data_alloc();
	unsigned int i;

	rte_tel_data_add_dict_u64(d, "fd_limit",
		__atomic_load_n(&b->limit, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "fd_limit_hard",
		__atomic_load_n(&b->hard, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "fd_limit_found", b->found);
	rte_tel_data_add_dict_u64(d, "fd_open_at_start",
		b->base + b->epolls + b->listeners);
	rte_tel_data_add_dict_u64(d, "fd_reserve", b->reserve);
	rte_tel_data_add_dict_u64(d, "fd_flows_max",
		__atomic_load_n(&b->flows_max, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "max_flows_total", b->flows_wanted);
	if (w == NULL)
		return;
	rte_tel_data_start_array(w, RTE_TEL_STRING_VAL);
	for (i = 0; i < app->nb_warnings; i++)
		rte_tel_data_add_array_string(w, app->warnings[i]);
	rte_tel_data_add_dict_container(d, "warnings", w, 0);
}

/** add_workers - each worker of /sluice/info: lcore, port, queue, MTU. */
static void
add_workers(const struct sl_app *app, struct rte_tel_data *d)
{
	struct rte_tel_data *ws = sl_tel_new_dict();
	unsigned int i;

	if (ws == NULL)
		return;
	for (i = 0; i < app->nb_workers; i++) {
		const struct sl_worker *w = app->workers[i];
		struct rte_tel_data *c = sl_tel_new_dict();
		char name[16];

		if (c == NULL)
			break;
		rte_tel_data_add_dict_int(c, "lcore", (int)w->lcore);
		rte_tel_data_add_dict_int(c, "port", w->port_id);
		rte_tel_data_add_dict_int(c, "queue", w->queue_id);
		rte_tel_data_add_dict_int(c, "mtu", w->mtu);
		snprintf(name, sizeof(name), "%u", i);
		rte_tel_data_add_dict_container(ws, name, c, 0);
	}
	rte_tel_data_add_dict_container(d, "workers", ws, 0);
}

/**
 * sl_tel_cmd_info - the /sluice/info handler: version, uptime,
 * configuration, access rules, ports and workers. Return: 0 or -EINVAL.
 */
int
sl_tel_cmd_info(const char *cmd, const char *params,
	struct rte_tel_data *d)
{
	struct sl_app *app;
	uint64_t up;

	(void)cmd;
	if (!sl_tel_no_params(params))
		return -EINVAL;
	app = sl_tel_enter();
	if (app == NULL)
		return -ESHUTDOWN;
	up = (mono_ns() - tel_start_ns) / 1000000;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", SL_VERSION);
	rte_tel_data_add_dict_string(d, "dpdk", rte_version());
	rte_tel_data_add_dict_int(d, "pid", (int)getpid());
	rte_tel_data_add_dict_u64(d, "uptime_ms", up);
	rte_tel_data_add_dict_u64(d, "uptime_s", up / 1000);
	rte_tel_data_add_dict_int(d, "pdump", tel_pdump);
	rte_tel_data_add_dict_int(d, "nb_ports", (int)app->nb_ports);
	rte_tel_data_add_dict_int(d, "nb_workers", (int)app->nb_workers);
	add_config(app, d);
	add_ports(app, d);
	add_workers(app, d);
	add_limits(app, d);
	sl_tel_leave();
	return 0;
}

/* ------------------------------------------------------------------ */
/* /sluice/stats                                                        */

/**
 * add_counters - every counter of workers [@lo, @hi) summed, then flows
 * active and mempool use from the workers' own answers.
 */
static void
add_counters(struct sl_app *app, unsigned int lo, unsigned int hi,
	struct rte_tel_data *c)
{
	uint64_t drops = 0, active = 0, in_use = 0, mp_size = 0;
	unsigned int i, k, answered = 0;

	for (k = 0; k < SL_STAT_MAX; k++) {
		uint64_t v = 0;

		for (i = lo; i < hi; i++)
			v += SL_STAT_READ(app->workers[i]->stats, k);
		rte_tel_data_add_dict_u64(c, sl_stat_names[k], v);
		if (strncmp(sl_stat_names[k], "drop_", 5) == 0 ||
		    k == SL_STAT_tx_dropped)
			drops += v;
	}
	rte_tel_data_add_dict_u64(c, "drops_total", drops);
	for (i = lo; i < hi; i++) {
		struct sl_ctl_summary s;

		if (sl_ctl_summary(app->workers[i], &s, SL_TEL_TIMEOUT_MS) != 0)
			continue;
		answered++;
		active += s.flows_active;
		in_use += s.mp_in_use;
		mp_size += s.mp_size;
	}
	/* the payload pool is the process's, one for every worker */
	if (hi > lo && app->workers[lo]->pay_mp != NULL) {
		const struct rte_mempool *pm = app->workers[lo]->pay_mp;

		rte_tel_data_add_dict_u64(c, "payload_pool_in_use",
			rte_mempool_in_use_count(pm));
		rte_tel_data_add_dict_u64(c, "payload_pool_size", pm->size);
	}
	/* absent when a worker did not answer: no half-truths */
	if (answered == hi - lo) {
		rte_tel_data_add_dict_u64(c, "flows_active", active);
		rte_tel_data_add_dict_u64(c, "mempool_in_use", in_use);
		rte_tel_data_add_dict_u64(c, "mempool_size", mp_size);
	} else {
		rte_tel_data_add_dict_int(c, "workers_not_answering",
			(int)(hi - lo - answered));
	}
}

/**
 * sl_tel_cmd_stats - the /sluice/stats handler: the counters summed over
 * the workers (or of the worker in @params). Return: 0 or -EINVAL.
 */
int
sl_tel_cmd_stats(const char *cmd, const char *params,
	struct rte_tel_data *d)
{
	struct sl_app *app;
	uint64_t wi = 0;
	unsigned int i;

	(void)cmd;
	if (!sl_tel_no_params(params) && sl_tel_parse_u64(params, &wi) != 0)
		return -EINVAL;
	app = sl_tel_enter();
	if (app == NULL)
		return -ESHUTDOWN;
	if (!sl_tel_no_params(params) && wi >= app->nb_workers) {
		sl_tel_leave();
		return -EINVAL;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "uptime_ms",
		(mono_ns() - tel_start_ns) / 1000000);
	rte_tel_data_add_dict_u64(d, "tsc_hz", rte_get_timer_hz());
	if (!sl_tel_no_params(params)) {
		rte_tel_data_add_dict_int(d, "worker", (int)wi);
		add_counters(app, (unsigned int)wi, (unsigned int)wi + 1, d);
		sl_tel_leave();
		return 0;
	}
	rte_tel_data_add_dict_int(d, "nb_workers", (int)app->nb_workers);
	add_counters(app, 0, app->nb_workers, d);
	if (app->nb_workers > SL_TEL_STATS_WORKERS) {
		rte_tel_data_add_dict_string(d, "per_worker",
			"/sluice/stats,WORKER");
	} else {
		for (i = 0; i < app->nb_workers; i++) {
			struct rte_tel_data *c = sl_tel_new_dict();
			char name[32];

			if (c == NULL)
				break;
			add_counters(app, i, i + 1, c);
			snprintf(name, sizeof(name), "worker_%u", i);
			rte_tel_data_add_dict_container(d, name, c, 0);
		}
	}
	sl_tel_leave();
	return 0;
}

/* ------------------------------------------------------------------ */
/* life                                                                 */

static const struct {
	const char *cmd;
	telemetry_cb fn;
	const char *help;
} sl_tel_cmds[] = {
	{ "/sluice/info", sl_tel_cmd_info,
	  "sluice version, uptime, configuration, access rules (in order), "
	  "ports and workers. "
	  "No parameters" },
	{ "/sluice/stats", sl_tel_cmd_stats,
	  "Counters summed over workers and per worker, flows active, "
	  "mempool use. Parameter: WORKER (optional)" },
	{ "/sluice/flows", sl_tel_cmd_flows,
	  "One page of flows. Parameter: CURSOR (optional, the 'next' of "
	  "the previous page while 'more' is 1)" },
	{ "/sluice/flow", sl_tel_cmd_flow,
	  "One flow in full: TCP windows, sequence numbers, RTT, host "
	  "socket queues. Parameter: flow ID" },
	{ "/sluice/flow/close", sl_tel_cmd_flow_close,
	  "Close a flow (TCP: reset both ways). Parameter: flow ID" },
	{ "/sluice/fwd/list", sl_tel_cmd_fwd_list,
	  "Forwards in effect. No parameters" },
	{ "/sluice/fwd/add", sl_tel_cmd_fwd_add,
	  "Start a forward. Parameters: SPEC as --tcp-forward (udp: prefix "
	  "for UDP)[,WORKER]" },
	{ "/sluice/fwd/del", sl_tel_cmd_fwd_del,
	  "Stop a forward; its live connections go on. Parameters: "
	  "SPEC[,WORKER]" },
	{ "/sluice/hosts", sl_tel_cmd_hosts,
	  "The hosts of every port, keyed PORT/N: address, MAC, DHCP "
	  "lease, live flows, frames and bytes each way. No parameters" },
	{ "/sluice/log_level", sl_tel_cmd_log_level,
	  "Show or set log levels. Parameters: [TYPE[,LEVEL]], TYPE a sluice "
	  "module (tcp...), a log type or a glob" },
};

int
sl_telemetry_init(struct sl_app *app)
{
	unsigned int i;

	tel_start_ns = mono_ns();
	tel_app = app;
	__atomic_store_n(&tel_closed, 0, __ATOMIC_SEQ_CST);
	for (i = 0; i < app->nb_workers; i++)
		if (app->workers[i]->ctl_ring == NULL &&
		    sl_ctl_worker_init(app->workers[i]) != 0) {
			SL_LOG(CTL, ERR, "worker %u: no control ring\n", i);
			return -1;
		}
	for (i = 0; i < RTE_DIM(sl_tel_cmds); i++) {
		int rc = rte_telemetry_register_cmd(sl_tel_cmds[i].cmd,
			sl_tel_cmds[i].fn, sl_tel_cmds[i].help);

		if (rc != 0) {
			SL_LOG(CTL, ERR, "cannot register %s: %s\n",
				sl_tel_cmds[i].cmd, strerror(-rc));
			return -1;
		}
	}
	if (rte_pdump_init() == 0) {
		tel_pdump = true;
	} else {
		SL_LOG(CTL, WARNING, "packet capture unavailable: %s\n",
			rte_strerror(rte_errno));
	}
	return 0;
}

void
sl_telemetry_fini(void)
{
	struct timespec nap = { 0, 1000000 };

	__atomic_store_n(&tel_closed, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&tel_active, __ATOMIC_SEQ_CST) != 0)
		nanosleep(&nap, NULL);
	if (tel_pdump) {
		rte_pdump_uninit();
		tel_pdump = false;
	}
}
