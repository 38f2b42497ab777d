/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tel_hosts.c: /sluice/hosts, the hosts of every port, keyed PORT/N (N
 * in the order the port met them): address (IPv4 hosts and the guests'
 * IPv6 addresses), MAC, DHCP lease, live flows,
 * frames and bytes each way. Each worker reports
 * its port's hosts with its own counts through the control ring
 * (sl_ctl_hosts); the counts of a multi-queue port's workers are summed
 * here, the lease is its queue-0 worker's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include <rte_telemetry.h>

#include "sl_ctl.h"
#include "sl_neigh.h"
#include "sl_telemetry.h"
#include "sl_telemetry_priv.h"

/* as /sluice/hosts names a lease state (enum sl_lease_state + 1) */
static const char *const lease_names[] = {
	"none", "released", "offered", "bound", "declined",
};

/** merge - add worker @x's view of a host into the port's @h. */
static void
merge(struct sl_ctl_host *h, const struct sl_ctl_host *x)
{
	if (x->known && !h->known) {
		h->known = true;
		h->mac = x->mac;
	}
	if (x->idle_ms < h->idle_ms)
		h->idle_ms = x->idle_ms;
	if (x->lease != 0 && h->lease == 0) {
		h->lease = x->lease;
		h->lease_left_ms = x->lease_left_ms;
	}
	h->flows += x->flows;
	h->flow_bytes_to_host += x->flow_bytes_to_host;
	h->flow_bytes_to_guest += x->flow_bytes_to_guest;
	h->frames_in += x->frames_in;
	h->bytes_in += x->bytes_in;
	h->frames_out += x->frames_out;
	h->bytes_out += x->bytes_out;
}

/** host_dict - one host's telemetry dict, or NULL (no memory). */
static struct rte_tel_data *
host_dict(const struct sl_ctl_host *h, uint16_t port)
{
	struct rte_tel_data *c = rte_tel_data_alloc();
	char mac[RTE_ETHER_ADDR_FMT_SIZE] = "";
	char a[INET6_ADDRSTRLEN];

	if (c == NULL)
		return NULL;
	rte_tel_data_start_dict(c);
	sl_addr_ntop(&h->addr, a, sizeof(a));
	rte_tel_data_add_dict_string(c, "address", a);
	rte_tel_data_add_dict_int(c, "port", port);
	if (h->known)
		rte_ether_format_addr(mac, sizeof(mac), &h->mac);
	rte_tel_data_add_dict_string(c, "mac", mac);
	rte_tel_data_add_dict_string(c, "lease", lease_names[
		h->lease < RTE_DIM(lease_names) ? h->lease : 0]);
	if (h->lease != 0)
		rte_tel_data_add_dict_int(c, "lease_left_s",
			h->lease_left_ms == UINT64_MAX ? -1 :
			(int)(h->lease_left_ms / 1000));
	if (h->idle_ms != UINT64_MAX)
		rte_tel_data_add_dict_u64(c, "idle_ms", h->idle_ms);
	rte_tel_data_add_dict_u64(c, "flows", h->flows);
	rte_tel_data_add_dict_u64(c, "flow_bytes_to_host",
		h->flow_bytes_to_host);
	rte_tel_data_add_dict_u64(c, "flow_bytes_to_guest",
		h->flow_bytes_to_guest);
	rte_tel_data_add_dict_u64(c, "frames_in", h->frames_in);
	rte_tel_data_add_dict_u64(c, "bytes_in", h->bytes_in);
	rte_tel_data_add_dict_u64(c, "frames_out", h->frames_out);
	rte_tel_data_add_dict_u64(c, "bytes_out", h->bytes_out);
	return c;
}

/**
 * port_hosts - the hosts of the port of workers @first.. (its queues, in
 * order), merged into @out. Return: entries, or a negative errno.
 */
static int
port_hosts(struct sl_app *app, unsigned int first, struct sl_ctl_host *out)
{
	struct sl_ctl_host x[SL_NEIGH_MAX];
	uint16_t port = app->workers[first]->port_id;
	unsigned int wi;
	uint32_t n = 0, k, i;
	int rc;

	for (wi = first; wi < app->nb_workers &&
	    app->workers[wi]->port_id == port; wi++) {
		rc = sl_ctl_hosts(app->workers[wi], x, SL_NEIGH_MAX, &k,
			SL_TEL_TIMEOUT_MS);
		if (rc != 0)
			return rc;
		for (i = 0; i < k; i++) {
			uint32_t j;

			for (j = 0; j < n &&
			    !sl_addr_eq(&out[j].addr, &x[i].addr); j++)
				;
			if (j == n) {
				out[n] = x[i];
				out[n].known = false;
				out[n].idle_ms = UINT64_MAX;
				out[n].lease = 0;
				out[n].flows = 0;
				out[n].flow_bytes_to_host = 0;
				out[n].flow_bytes_to_guest = 0;
				out[n].frames_in = out[n].bytes_in = 0;
				out[n].frames_out = out[n].bytes_out = 0;
				n++;
			}
			merge(&out[j], &x[i]);
		}
	}
	return (int)n;
}

int
sl_tel_cmd_hosts(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct sl_ctl_host h[SL_NEIGH_MAX];
	struct sl_app *app;
	unsigned int wi;
	int n, i;

	(void)cmd;
	if (!sl_tel_no_params(params))
		return -EINVAL;
	memset(h, 0, sizeof(h));	/* port_hosts fills the first n */
	app = sl_tel_enter();
	if (app == NULL)
		return -ESHUTDOWN;
	rte_tel_data_start_dict(d);
	for (wi = 0; wi < app->nb_workers; wi++) {
		if (app->workers[wi]->queue_id != 0)
			continue;	/* a port is asked from its queue 0 */
		n = port_hosts(app, wi, h);
		if (n < 0) {
			sl_tel_leave();
			return sl_tel_error_reply(d, n, "hosts");
		}
		for (i = 0; i < n; i++) {
			struct rte_tel_data *c = host_dict(&h[i],
				app->workers[wi]->port_id);
			char key[24];

			if (c == NULL)
				continue;
			/* telemetry names allow letters, digits, _ and / */
			snprintf(key, sizeof(key), "%u/%d",
				(unsigned int)app->workers[wi]->port_id, i);
			if (rte_tel_data_add_dict_container(d, key, c, 0) != 0)
				rte_tel_data_free(c);
		}
	}
	sl_tel_leave();
	return 0;
}
