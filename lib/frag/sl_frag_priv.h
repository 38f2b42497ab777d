/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_frag_priv.h: the per-worker fragment state lib/frag's IPv4
 * (sl_frag.c) and IPv6 (sl_frag6.c) halves share.
 */
#ifndef SL_FRAG_PRIV_H
#define SL_FRAG_PRIV_H

#include <rte_ip_frag.h>

#include "sl_frag.h"
#include "sl_worker.h"

/* fragments of one datagram at the smallest MTU (68: 48 bytes each) */
#define SL_FRAG_OUT_MAX \
	((UINT16_MAX - sizeof(struct rte_ipv4_hdr) + 47) / 48)
/* mbufs one reassembly call may put on the death row, at most */
#define SL_FRAG_DR_CALL (2 * (RTE_LIBRTE_IP_FRAG_MAX_FRAG + 1))

/** Per-worker fragment state. */
struct sl_frag {
	struct rte_ip_frag_tbl *tbl;	/**< guest datagrams in reassembly */
	struct rte_mempool *ind_mp;	/**< indirect mbufs, fragments out */
	uint16_t ip_id;			/**< id of the next datagram cut */
	uint16_t ip_id_step;		/**< the port's number of workers */
	uint32_t ip6_id;		/**< IPv6 twin of ip_id */
	struct rte_ip_frag_death_row dr;
	struct rte_mbuf *out[SL_FRAG_OUT_MAX];
};

/**
 * sl_frag_reasm - add fragment @m (l2_len, l3_len set) to the worker's
 * table: IPv4 reassembly of header @ip when @fh is NULL, else IPv6's with
 * fragment header @fh; what the table discards is counted by family
 * (drop_ip_reasm, drop_ip6_reasm).
 * Return: the completed datagram, or NULL (held or discarded).
 */
struct rte_mbuf *sl_frag_reasm(struct sl_worker *w, struct rte_mbuf *m,
	void *ip, struct rte_ipv6_fragment_ext *fh);

/**
 * sl_frag_done - a datagram reassembly completed: the port's checksum
 * flags (the first fragment's) cleared so the parser checks the whole
 * datagram, counted in @ok; on a multi-queue port handed to the worker
 * owning its flow.
 * Return: @m, or NULL when handed on.
 */
struct rte_mbuf *sl_frag_done(struct sl_worker *w, struct rte_mbuf *m,
	enum sl_stat ok);

/**
 * sl_frag6_input - sl_frag_input() for an IPv6 fragment (sl_frag6.c).
 */
struct rte_mbuf *sl_frag6_input(struct sl_worker *w, const struct sl_pkt *p);

/**
 * sl_frag_cut - cut the datagram of frame @m (IPv4, or @v6: IPv6 without
 * extension headers, as sluice builds them) into fragments of at most
 * w->tx_mtu bytes and queue them (consumes @m); IPv6 fragments get
 * identification @id6.
 */
void sl_frag_cut(struct sl_worker *w, struct rte_mbuf *m, bool v6,
	uint32_t id6);

/**
 * sl_frag6_out - sl_frag_cut() for an IPv6 frame, with the worker's next
 * fragment identification.
 */
void sl_frag6_out(struct sl_worker *w, struct rte_mbuf *m);

#endif /* SL_FRAG_PRIV_H */
