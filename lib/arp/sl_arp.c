/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_arp.c: ARP responder. sluice owns every address of the guest subnet
 * except the guest's own: it answers for the gateway and the DNS address.
 * What ARP shows about the guest's own MAC goes to the neighbour module
 * (lib/neigh), which also sends sluice's requests for it.
 */
#include <rte_arp.h>

#include "sl_arp.h"
#include "sl_neigh.h"
#include "sl_proto.h"

bool
sl_arp_input(struct sl_worker *w, const struct sl_pkt *p)
{
	const struct rte_arp_hdr *req = (const struct rte_arp_hdr *)
		((const uint8_t *)p->eth + p->l3_off);
	const struct sl_config *cfg = w->cfg;
	struct rte_mbuf *m;
	uint32_t tip, sip;

	if (req->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    req->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    req->arp_hlen != RTE_ETHER_ADDR_LEN || req->arp_plen != 4) {
		SL_STAT_INC(w->stats, drop_arp);
		return false;
	}
	sip = req->arp_data.arp_sip;
	tip = req->arp_data.arp_tip;
	/* requests, replies (to ours) and gratuitous ARP from a guest
	 * address; probes (sender 0.0.0.0) say nothing */
	if (sip != 0)
		sl_neigh_learn(w, sip, &req->arp_data.arp_sha);
	if (req->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) ||
	    (tip != cfg->gateway && tip != cfg->dns) || tip == sip) {
		/* replies, gratuitous ARP, probes for the guest's address */
		SL_STAT_INC(w->stats, arp_ignored);
		return false;
	}
	m = sl_alloc(w);
	if (m == NULL)
		return false;
	if (sl_net_build_arp(m, RTE_ARP_OP_REPLY, &req->arp_data.arp_sha,
	    &w->gw_mac, tip, &req->arp_data.arp_sha, sip) != 0) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return false;
	}
	SL_STAT_INC(w->stats, arp_replies);
	sl_tx(w, m);
	return false;
}

/** ARP in the protocol table: the frames of its ethertype. */
const struct sl_proto sl_arp_proto = {
	.name = "arp",
	.ether_type = RTE_ETHER_TYPE_ARP,
	.input = sl_arp_input,
};
