/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_relay.c: sluice's protocol list (sl_relay.h). Its order is the order
 * in which the poll loop calls the hooks of one kind (sl_worker.c): control
 * requests before the neighbours' poll at the start of an iteration; TCP's
 * burst end before UDP's; at teardown control, neighbours, then TCP close
 * while flows live, UDP drains after, fragments and forwards free last.
 */
#include <rte_common.h>

#include "sl_arp.h"
#include "sl_ctl.h"
#include "sl_dhcp.h"
#include "sl_dhcp6.h"
#include "sl_frag.h"
#include "sl_fwd.h"
#include "sl_icmp.h"
#include "sl_icmp6.h"
#include "sl_neigh.h"
#include "sl_proto.h"
#include "sl_relay.h"
#include "sl_tcp.h"
#include "sl_udp.h"

static const struct sl_proto *const relay_protos[] = {
	&sl_ctl_proto,
	&sl_neigh_proto,
	&sl_frag_proto,
	&sl_arp_proto,
	&sl_dhcp_proto,
	&sl_dhcp6_proto,
	&sl_tcp_proto,
	&sl_udp_proto,
	&sl_icmp_proto,
	&sl_icmp6_proto,
	&sl_fwd_proto,
};

void
sl_relay_attach(struct sl_worker *w)
{
	w->protos = relay_protos;
	w->nb_protos = RTE_DIM(relay_protos);
}

int
sl_relay_worker_init(struct sl_worker *w, const struct sl_config *cfg,
	struct rte_mempool *mp, struct sl_host *host)
{
	sl_relay_attach(w);
	return sl_worker_init(w, cfg, mp, host);
}
