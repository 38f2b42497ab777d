/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_frag.h: IPv4 and IPv6 fragments, both ways, with DPDK's rte_ip_frag.
 * Guest fragments are reassembled in a bounded per-worker table before the
 * protocol modules see them; datagrams toward the guest larger than the
 * link (w->tx_mtu) leave in fragments. Theory and limits in sl_frag.c.
 */
#ifndef SL_FRAG_H
#define SL_FRAG_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "sl_net.h"

struct sl_worker;

/* Reassembly limits (per worker) */
#define SL_FRAG_TIMEOUT_MS	5000	/* a datagram's fragments, first to last */
#define SL_FRAG_MAX_ENTRIES	128	/* datagrams being reassembled at once */
#define SL_FRAG_IND_MBUFS	8192	/* indirect mbufs for fragments out */

/**
 * sl_frag_init - the worker's reassembly table and the indirect mbuf pool
 * of its outgoing fragments. Call once w->mp, w->rx_mp and w->tx_mtu are
 * set.
 * Return: 0 or -ENOMEM.
 */
int sl_frag_init(struct sl_worker *w);

/** sl_frag_fini - free held fragments, the table and the pool. */
void sl_frag_fini(struct sl_worker *w);

/**
 * sl_frag_input - add a guest fragment to reassembly.
 * @w: worker
 * @p: the fragment as sl_net_parse() left it (returned SL_NET_FRAG: eth,
 *     ip, l3_off set; IPv4 header valid and option-less; or IPv6: ip6,
 *     l4_off/l4_len at the Fragment header, see sl_frag6.c, which counts
 *     in ip6_frag_rx, drop_ip6_frag, drop_ip6_frag_chain, drop_ip6_reasm
 *     and ip6_reasm_ok instead)
 *
 * Counts ip_frag_rx. A malformed fragment (no payload, a non-last one not
 * a multiple of 8 bytes, an end past 65535) is dropped (drop_ip_frag);
 * fragments the table discards (overlap, duplicate, more than
 * RTE_LIBRTE_IP_FRAG_MAX_FRAG, no room, timeout) count in drop_ip_reasm.
 * On a multi-queue port a datagram completed on this worker but owned by
 * another is handed to its owner (steer_out).
 *
 * Return: the reassembled frame (an mbuf chain from the Ethernet header,
 * IPv4 checksum valid, to be parsed again; ip_reasm_ok counted), or NULL
 * when the fragment is held, handed on or dropped (the caller lets go of
 * p->m either way).
 */
struct rte_mbuf *sl_frag_input(struct sl_worker *w, const struct sl_pkt *p);

/**
 * sl_frag_burst_end - once per rx burst: free what reassembly discarded,
 * expire datagrams whose fragments are older than SL_FRAG_TIMEOUT_MS.
 */
void sl_frag_burst_end(struct sl_worker *w);

/**
 * sl_frag_tx - queue an IPv4 frame for the guest (sl_tx), in fragments when
 * its datagram is longer than w->tx_mtu (an IPv6 frame: in fragments with a
 * Fragment header, ip6_frag_tx, sl_frag6.c).
 * @w: worker
 * @m: frame built with sl_net_prepend_ipv4 (l2_len, l3_len set, checksums
 *     done), consumed
 *
 * A datagram with DF set that does not fit is dropped (drop_frag_df).
 * Fragments get a fresh IPv4 id and are counted in ip_frag_tx; a port
 * without multi-segment tx gets each in one mbuf.
 */
void sl_frag_tx(struct sl_worker *w, struct rte_mbuf *m);

/**
 * sl_frag_tx_dgram - sl_frag_tx for a datagram sluice originates (a UDP
 * datagram or ICMP message relayed from a host socket, an echo reply):
 * its DF bit is cleared when it must be fragmented, as Linux sends its own
 * UDP and ICMP replies (DF only on what fits the path).
 */
void sl_frag_tx_dgram(struct sl_worker *w, struct rte_mbuf *m);

/** Fragments in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_frag_proto;

#endif /* SL_FRAG_H */
