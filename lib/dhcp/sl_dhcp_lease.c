/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_dhcp_lease.c: the DHCP lease table (see sl_dhcp_lease.h): choosing an
 * address for a host, binding, renewing, releasing and declining it.
 *
 * A small array of records (at most max_hosts, SL_HOSTS_MAX), walked in
 * full: DHCP messages are rare, and the array is a few cache lines.
 * Records are never freed outright: a released or expired record keeps its
 * MAC so the host gets the same address back, until another host needs the
 * record or the address.
 */
#include <string.h>

#include <rte_byteorder.h>

#include "sl_dhcp_lease.h"

/** prefix_mask - the guest prefix's mask, host order. */
static uint32_t
prefix_mask(const struct sl_config *cfg)
{
	uint8_t plen = cfg->prefix_len > 32 ? 32 : cfg->prefix_len;

	return plen == 0 ? 0 : UINT32_MAX << (32 - plen);
}

void
sl_lease_init(struct sl_lease_tab *t, const struct sl_config *cfg,
	sl_lease_busy_fn busy, void *busy_arg)
{
	uint32_t mask = prefix_mask(cfg);
	uint32_t g = rte_be_to_cpu_32(cfg->guest_addr);
	uint32_t bcast = (g & mask) | ~mask;

	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->busy = busy;
	t->busy_arg = busy_arg;
	t->cap = cfg->max_hosts == 0 || cfg->max_hosts > SL_HOSTS_MAX ?
		SL_HOSTS_MAX : cfg->max_hosts;
	if (cfg->dhcp_first != 0) {
		t->first = rte_be_to_cpu_32(cfg->dhcp_first);
		t->last = rte_be_to_cpu_32(cfg->dhcp_last);
	} else {
		/* the addresses after the guest's, one per host */
		t->first = g + 1;
		t->last = g + t->cap - 1;
		if (t->last >= bcast || t->last < g)
			t->last = bcast - 1;
	}
}

bool
sl_lease_live(const struct sl_lease *l, uint64_t now_ms)
{
	return l->ip != 0 && (l->state == SL_LEASE_OFFERED ||
		l->state == SL_LEASE_BOUND) &&
		(l->expires_ms == 0 || now_ms < l->expires_ms);
}

/** resting - whether record @l is a declined address still resting. */
static bool
resting(const struct sl_lease *l, uint64_t now_ms)
{
	return l->ip != 0 && l->state == SL_LEASE_DECLINED &&
		now_ms < l->expires_ms;
}

/** reservation - the reserved address of @mac (network order) or 0. */
static uint32_t
reservation(const struct sl_config *cfg, const struct rte_ether_addr *mac)
{
	uint32_t i;

	for (i = 0; i < cfg->nb_dhcp_res; i++)
		if (memcmp(cfg->dhcp_res[i].mac, mac->addr_bytes, 6) == 0)
			return cfg->dhcp_res[i].addr;
	return 0;
}

/** reserved_for_other - whether @ip is reserved for a MAC other than @mac. */
static bool
reserved_for_other(const struct sl_config *cfg, uint32_t ip,
	const struct rte_ether_addr *mac)
{
	uint32_t i;

	for (i = 0; i < cfg->nb_dhcp_res; i++)
		if (cfg->dhcp_res[i].addr == ip &&
		    memcmp(cfg->dhcp_res[i].mac, mac->addr_bytes, 6) != 0)
			return true;
	return false;
}

/**
 * usable - whether @ip (network order) may be a host's: in the guest
 * prefix, neither its network nor broadcast address, nor the gateway's or
 * the DNS address.
 */
static bool
usable(const struct sl_config *cfg, uint32_t ip)
{
	uint32_t mask = prefix_mask(cfg);
	uint32_t h = rte_be_to_cpu_32(ip);
	uint32_t net = rte_be_to_cpu_32(cfg->gateway) & mask;

	return (h & mask) == net && h != net && h != (net | ~mask) &&
		ip != cfg->gateway && ip != cfg->dns;
}

/** in_pool - whether @ip (network order) is --guest-addr or in the pool. */
static bool
in_pool(const struct sl_lease_tab *t, uint32_t ip)
{
	uint32_t h = rte_be_to_cpu_32(ip);

	return ip == t->cfg->guest_addr || (h >= t->first && h <= t->last);
}

/** by_ip - the record of @ip, or NULL. */
static struct sl_lease *
by_ip(struct sl_lease_tab *t, uint32_t ip)
{
	uint32_t i;

	for (i = 0; i < t->cap; i++)
		if (t->l[i].ip == ip)
			return &t->l[i];
	return NULL;
}

/** by_mac - the record of @mac (a declined one is nobody's), or NULL. */
static struct sl_lease *
by_mac(struct sl_lease_tab *t, const struct rte_ether_addr *mac)
{
	uint32_t i;

	for (i = 0; i < t->cap; i++)
		if (t->l[i].ip != 0 && t->l[i].state != SL_LEASE_DECLINED &&
		    rte_is_same_ether_addr(&t->l[i].mac, mac))
			return &t->l[i];
	return NULL;
}

/** free_for - whether @ip may be given to @mac at @now_ms. */
static bool
free_for(struct sl_lease_tab *t, uint32_t ip,
	const struct rte_ether_addr *mac, uint64_t now_ms)
{
	struct sl_lease *r;

	if (!usable(t->cfg, ip) || reserved_for_other(t->cfg, ip, mac))
		return false;
	r = by_ip(t, ip);
	if (r == NULL)
		/* no host asked for it: is one using it anyway? */
		return t->busy == NULL || !t->busy(t->busy_arg, ip, mac);
	if (resting(r, now_ms))
		return false;
	return !sl_lease_live(r, now_ms) ||
		rte_is_same_ether_addr(&r->mac, mac);
}

/**
 * take - the record that will hold @ip for @mac: @mac's own, else @ip's
 * old one, else an unused slot, else the record expired longest ago.
 * Another record of @ip (no longer live: free_for checked) is cleared.
 * Return: the record, or NULL when every record is live.
 */
static struct sl_lease *
take(struct sl_lease_tab *t, const struct rte_ether_addr *mac, uint32_t ip,
	uint64_t now_ms)
{
	struct sl_lease *r = by_mac(t, mac), *old = by_ip(t, ip), *best = NULL;
	uint32_t i;

	if (old != NULL && old != r) {
		if (r == NULL)
			r = old;
		else
			memset(old, 0, sizeof(*old));
	}
	for (i = 0; i < t->cap && r == NULL; i++) {
		struct sl_lease *l = &t->l[i];

		if (l->ip == 0)
			r = l;
		else if (!sl_lease_live(l, now_ms) && !resting(l, now_ms) &&
		    (best == NULL || l->expires_ms < best->expires_ms))
			best = l;
	}
	if (r == NULL)
		r = best;
	if (r == NULL)
		return NULL;
	r->ip = ip;
	rte_ether_addr_copy(mac, &r->mac);
	return r;
}

/** pick - the address to offer @mac (network order), or 0. */
static uint32_t
pick(struct sl_lease_tab *t, const struct rte_ether_addr *mac, uint32_t want,
	uint64_t now_ms)
{
	struct sl_lease *r;
	uint32_t h, ip = reservation(t->cfg, mac);

	if (ip != 0)
		return ip;
	r = by_mac(t, mac);
	if (r != NULL && free_for(t, r->ip, mac, now_ms))
		return r->ip;
	if (want != 0 && in_pool(t, want) && free_for(t, want, mac, now_ms))
		return want;
	if (free_for(t, t->cfg->guest_addr, mac, now_ms))
		return t->cfg->guest_addr;
	for (h = t->first; h >= t->first && h <= t->last; h++)
		if (free_for(t, rte_cpu_to_be_32(h), mac, now_ms))
			return rte_cpu_to_be_32(h);
	return 0;
}

uint32_t
sl_lease_offer(struct sl_lease_tab *t, const struct rte_ether_addr *mac,
	uint32_t want, uint64_t now_ms, enum sl_lease_why *why)
{
	uint32_t ip = pick(t, mac, want, now_ms);
	struct sl_lease *r;

	*why = SL_LEASE_EMPTY;
	if (ip == 0)
		return 0;
	r = take(t, mac, ip, now_ms);
	if (r == NULL) {
		*why = SL_LEASE_FULL;
		return 0;
	}
	if (!(r->state == SL_LEASE_BOUND && sl_lease_live(r, now_ms))) {
		r->state = SL_LEASE_OFFERED;
		r->expires_ms = now_ms + SL_LEASE_OFFER_MS;
	}
	*why = SL_LEASE_OK;
	return ip;
}

int
sl_lease_bind(struct sl_lease_tab *t, const struct rte_ether_addr *mac,
	uint32_t ip, uint64_t now_ms)
{
	uint32_t res = reservation(t->cfg, mac), lt = t->cfg->lease_time_s;
	struct sl_lease *r;

	if (res != 0 ? ip != res :
	    !in_pool(t, ip) || !free_for(t, ip, mac, now_ms))
		return -1;
	r = take(t, mac, ip, now_ms);
	if (r == NULL)
		return -1;
	r->state = SL_LEASE_BOUND;
	r->expires_ms = lt == 0 || lt == UINT32_MAX ? 0 :
		now_ms + (uint64_t)lt * 1000;
	return 0;
}

int
sl_lease_release(struct sl_lease_tab *t, const struct rte_ether_addr *mac,
	uint32_t ip)
{
	struct sl_lease *r = by_mac(t, mac);

	if (r == NULL || r->ip != ip || r->state == SL_LEASE_FREE)
		return -1;
	r->state = SL_LEASE_FREE;	/* the MAC is remembered */
	r->expires_ms = 0;
	return 0;
}

int
sl_lease_decline(struct sl_lease_tab *t, const struct rte_ether_addr *mac,
	uint32_t ip, uint64_t now_ms)
{
	struct sl_lease *r = by_mac(t, mac);

	if (r == NULL || r->ip != ip)
		return -1;
	r->state = SL_LEASE_DECLINED;
	memset(&r->mac, 0, sizeof(r->mac));
	r->expires_ms = now_ms + SL_LEASE_DECLINE_MS;
	return 0;
}

const struct sl_lease *
sl_lease_lookup(const struct sl_lease_tab *t, uint32_t ip, uint64_t now_ms)
{
	uint32_t i;

	for (i = 0; i < t->cap; i++)
		if (t->l[i].ip == ip && sl_lease_live(&t->l[i], now_ms))
			return &t->l[i];
	return NULL;
}
