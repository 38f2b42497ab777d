/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_fwd_guest.c: the guest side of inbound forwarded flows (see
 * sl_fwd_guest.h): the family and address a forward reaches the guest at,
 * from its target, --fwd-guest-family and the guest's learned IPv6
 * addresses (sl_neigh_guest6), and the source the guest sees.
 */
#include <errno.h>
#include <string.h>

#include "sl_fwd_guest.h"
#include "sl_neigh.h"
#include "sl_worker.h"

bool
sl_fwd_guest6_addr_ok(const struct sl_config *cfg, const struct sl_addr *a)
{
	static const uint8_t zero_iid[8];

	return cfg->ipv6 && memcmp(a->b, cfg->prefix6, 8) == 0 &&
		memcmp(a->b + 8, zero_iid, 8) != 0 &&
		memcmp(a->b, cfg->gateway6, 16) != 0 &&
		memcmp(a->b, cfg->dns6, 16) != 0;
}

/**
 * src6_client - whether IPv6 client @peer can be shown to the guest as
 * itself: a true IPv6 address (not v4-mapped), not loopback, link-local
 * or in the guest prefix (the guest would answer it on its link).
 */
static bool
src6_client(const struct sl_config *cfg, const struct sl_addr *peer)
{
	static const struct sl_addr lo6 = { .b[15] = 1 };

	return !sl_addr_is_v4(peer) && !sl_addr_is_any(peer) &&
		!sl_addr_eq(peer, &lo6) &&
		!(peer->b[0] == 0xfe && (peer->b[1] & 0xc0) == 0x80) &&
		memcmp(peer->b, cfg->prefix6, 8) != 0;
}

/**
 * key6_of - the IPv6 key to guest address @g6 from @peer (as itself when
 * @client allows and src6_client, else from the IPv6 gateway).
 */
static struct sl_flow_key
key6_of(const struct sl_config *cfg, uint8_t proto, const struct sl_addr *g6,
	uint16_t gport, const union sl_sockaddr *peer, bool client)
{
	struct sl_addr p = sl_sockaddr_addr(peer), src;

	if (client && src6_client(cfg, &p))
		src = p;
	else
		memcpy(src.b, cfg->gateway6, 16);
	return sl_flow_key_make6(proto, g6, gport, &src,
		sl_sockaddr_port(peer));
}

int
sl_fwd_guest_key6(const struct sl_worker *w, const struct sl_flow_key *v4,
	const union sl_sockaddr *peer, uint8_t retry6, struct sl_flow_key *key)
{
	struct sl_addr g6;

	if (!sl_neigh_guest6(w, v4->gaddr, g6.b))
		return -ENOENT;
	*key = key6_of(w->cfg, v4->proto, &g6, v4->gport, peer,
		(retry6 & SL_FWD_RETRY6_CLIENT) != 0);
	return 0;
}

int
sl_fwd_guest_key(struct sl_worker *w, const struct sl_fwd_spec *spec,
	uint8_t proto, uint16_t gport, const union sl_sockaddr *peer,
	struct sl_flow_key *key, uint8_t *retry6)
{
	const struct sl_config *cfg = w->cfg;
	uint8_t fam = spec->guest_family != SL_FWD_FAM_DEFAULT ?
		spec->guest_family : cfg->fwd_family;
	uint8_t src = spec->source != SL_FWD_SRC_DEFAULT ? spec->source :
		cfg->fwd_source;
	bool client = src != SL_FWD_SRC_GATEWAY;
	uint32_t ip4 = sl_fwd_target(cfg, spec), pv4;
	struct sl_addr g6, p = sl_sockaddr_addr(peer);
	struct rte_ether_addr mac;
	bool have6, use6;

	if (retry6 != NULL)
		*retry6 = 0;
	if (!sl_addr_is_any(&spec->to_addr6)) {
		*key = key6_of(cfg, proto, &spec->to_addr6, gport, peer,
			client);
		return 0;
	}
	have6 = cfg->ipv6 && fam != SL_FWD_FAM_IPV4 &&
		sl_neigh_guest6(w, ip4, g6.b);
	if (fam == SL_FWD_FAM_IPV6 && !have6) {
		SL_STAT_INC(w->stats, drop_fwd_no_guest6);
		return -ENOENT;
	}
	use6 = have6 && (fam == SL_FWD_FAM_IPV6 ||
		!sl_neigh_lookup(w, ip4, &mac) ||
		(fam == SL_FWD_FAM_CLIENT && !sl_addr_is_v4(&p)));
	if (use6) {
		SL_STAT_INC(w->stats, fwd_guest6);
		*key = key6_of(cfg, proto, &g6, gport, peer, client);
		return 0;
	}
	pv4 = sl_sockaddr_v4_or_0(peer);
	*key = sl_flow_key_make(proto, ip4, gport,
		sl_fwd_src_client(cfg, spec, pv4) ? pv4 : cfg->gateway,
		sl_sockaddr_port(peer));
	if (retry6 != NULL && cfg->ipv6 && (fam == SL_FWD_FAM_AUTO ||
	    fam == SL_FWD_FAM_CLIENT))
		*retry6 = (uint8_t)(SL_FWD_RETRY6 |
			(client ? SL_FWD_RETRY6_CLIENT : 0));
	return 0;
}

void
sl_fwd_key_gateway(const struct sl_config *cfg, struct sl_flow_key *key,
	uint16_t port)
{
	if (key->family == AF_INET6)
		memcpy(key->dip.b, cfg->gateway6, 16);
	else
		key->daddr = cfg->gateway;
	key->dport = port;
}
