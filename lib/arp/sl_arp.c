/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_arp.c: ARP responder. sluice owns every address of the guest subnet
 * except the guest's own: it answers for the gateway and the DNS address.
 */
#include <rte_arp.h>

#include "sl_arp.h"

void
sl_arp_input(struct sl_worker *w, const struct sl_pkt *p)
{
	const struct rte_arp_hdr *req = (const struct rte_arp_hdr *)
		((const uint8_t *)p->eth + p->l3_off);
	const struct sl_config *cfg = w->cfg;
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *rep;
	struct rte_mbuf *m;
	uint32_t tip, sip;

	if (req->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    req->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    req->arp_hlen != RTE_ETHER_ADDR_LEN || req->arp_plen != 4) {
		SL_STAT_INC(w->stats, drop_arp);
		return;
	}
	sip = req->arp_data.arp_sip;
	tip = req->arp_data.arp_tip;
	if (sip == cfg->guest_addr && !rte_is_zero_ether_addr(
	    &req->arp_data.arp_sha) &&
	    !rte_is_multicast_ether_addr(&req->arp_data.arp_sha)) {
		rte_ether_addr_copy(&req->arp_data.arp_sha, &w->guest_mac);
		w->guest_mac_known = true;
	}
	if (req->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) ||
	    (tip != cfg->gateway && tip != cfg->dns) || tip == sip) {
		/* replies, gratuitous ARP, probes for the guest's address */
		SL_STAT_INC(w->stats, arp_ignored);
		return;
	}
	m = sl_alloc(w);
	if (m == NULL)
		return;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
		sizeof(*eth) + sizeof(*rep));
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		SL_STAT_INC(w->stats, drop_nomem);
		return;
	}
	rte_ether_addr_copy(&req->arp_data.arp_sha, &eth->dst_addr);
	rte_ether_addr_copy(&w->gw_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	rep = (struct rte_arp_hdr *)(eth + 1);
	rep->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	rep->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	rep->arp_hlen = RTE_ETHER_ADDR_LEN;
	rep->arp_plen = 4;
	rep->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&w->gw_mac, &rep->arp_data.arp_sha);
	rep->arp_data.arp_sip = tip;
	rte_ether_addr_copy(&req->arp_data.arp_sha, &rep->arp_data.arp_tha);
	rep->arp_data.arp_tip = sip;
	SL_STAT_INC(w->stats, arp_replies);
	sl_tx(w, m);
}
