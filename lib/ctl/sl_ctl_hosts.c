/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_ctl_hosts.c: the hosts of a port through the control ring
 * (SL_CTL_OP_HOSTS, /sluice/hosts): each worker reports every entry of its
 * port's neighbour table (an IPv4 host or an IPv6 address of the guest:
 * address, MAC, last frame), the lease its DHCP
 * server holds for it (the queue-0 worker's), and its own counts: frames
 * and bytes each way (kept per host by lib/neigh as frames pass) and the
 * host's live flows with their bytes (counted here, at request time, by
 * one walk over the flow table: nothing per packet).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sl_ctl.h"
#include "sl_dhcp.h"
#include "sl_neigh.h"

/** host_of - the entry of address @a (either family) among @n hosts. */
static struct sl_ctl_host *
host_of(struct sl_ctl_host *h, uint32_t n, const struct sl_addr *a)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (sl_addr_eq(&h[i].addr, a))
			return &h[i];
	return NULL;
}

/** fill_lease - the lease @w's DHCP server holds for @h, if any. */
static void
fill_lease(const struct sl_worker *w, struct sl_ctl_host *h)
{
	const struct sl_lease *l;

	h->lease = 0;
	if (w->dhcp == NULL)
		return;
	if (h->ip == 0)
		return;		/* IPv6: DHCPv6 keeps no lease table */
	l = sl_lease_lookup(&w->dhcp->leases, h->ip, w->now_ms);
	if (l == NULL)
		return;
	h->lease = (uint8_t)(l->state + 1);
	h->lease_left_ms = l->expires_ms == 0 ? UINT64_MAX :
		l->expires_ms - w->now_ms;
}

int
sl_ctl_do_hosts(struct sl_worker *w, struct sl_ctl_req *req)
{
	struct sl_neigh_host_info info;
	uint32_t i;

	req->n = 0;
	for (i = 0; w->neigh != NULL && req->n < req->cap &&
	    sl_neigh_host(w, i, &info); i++) {
		struct sl_ctl_host *h = &req->hosts[req->n++];

		memset(h, 0, sizeof(*h));
		h->ip = info.ip;
		if (info.v6)
			memcpy(h->addr.b, info.ip6, 16);
		else
			h->addr = sl_addr_v4(info.ip);
		h->known = info.known;
		h->mac = info.mac;
		h->idle_ms = info.seen_ms == 0 ? UINT64_MAX :
			w->now_ms > info.seen_ms ? w->now_ms - info.seen_ms : 0;
		h->frames_in = info.rx_frames;
		h->bytes_in = info.rx_bytes;
		h->frames_out = info.tx_frames;
		h->bytes_out = info.tx_bytes;
		fill_lease(w, h);
	}
	for (i = 0; i < w->ft.max && req->n > 0; i++) {
		const struct sl_flow *f = &w->ft.flows[i];
		struct sl_ctl_host *h;

		if (!f->in_use)
			continue;
		h = host_of(req->hosts, req->n, &f->key.gip);
		if (h == NULL)
			continue;
		h->flows++;
		h->flow_bytes_to_host += f->bytes_to_host;
		h->flow_bytes_to_guest += f->bytes_to_guest;
	}
	return 0;
}

int
sl_ctl_hosts(struct sl_worker *w, struct sl_ctl_host *out, uint32_t cap,
	uint32_t *n, unsigned int timeout_ms)
{
	struct sl_ctl_req *req = sl_ctl_req_alloc(SL_CTL_OP_HOSTS, cap);
	int rc;

	*n = 0;
	if (req == NULL)
		return -ENOMEM;
	rc = sl_ctl_call(w, req, timeout_ms);
	if (rc == 0) {
		memcpy(out, req->hosts, sizeof(*out) * req->n);
		*n = req->n;
	}
	sl_ctl_req_put(req);
	return rc;
}
