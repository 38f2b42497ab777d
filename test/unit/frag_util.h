/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * frag_util.h: what the fragment tests (test_frag.c for IPv4,
 * test_frag6.c for IPv6) share: the datagram buffers, payload patterns,
 * guest frames from L3 bytes (chained or not), counters by name, one
 * worker step and the reassembly timeout.
 */
#ifndef FRAG_UTIL_H
#define FRAG_UTIL_H

#include <stdio.h>
#include <string.h>

#include "sl_frag.h"
#include "sl_steer.h"
#include "sl_test.h"

#define DGRAM_MAX 65535

/* a datagram the test builds (room for fragments cut past its end) */
static uint8_t dgram[DGRAM_MAX + 2048];
static uint8_t got[DGRAM_MAX];		/* what came out */

/** ctr - worker counter @name (UINT64_MAX when there is none). */
static inline uint64_t
ctr(const struct sl_test_env *env, const char *name)
{
	unsigned int k;

	for (k = 0; k < SL_STAT_MAX; k++)
		if (strcmp(sl_stat_names[k], name) == 0)
			return env->w.stats[k];
	fprintf(stderr, "  no counter %s\n", name);
	return UINT64_MAX;
}

/** pay_fill - @len payload bytes derived from @seed. */
static inline void
pay_fill(uint8_t *buf, unsigned int seed, uint32_t len)
{
	uint32_t j;

	for (j = 0; j < len; j++)
		buf[j] = (uint8_t)(seed * 13 + j * 7 + (j >> 8));
}

/**
 * frame_of - a guest frame of @len bytes (Ethernet onward) made of an
 * Ethernet header (IPv4 or IPv6 by @l3's version) and @l3, in @nseg
 * segments (a scattering port's chain).
 */
static inline struct rte_mbuf *
frame_of(struct sl_test_env *env, const uint8_t *l3, uint32_t len,
	unsigned int nseg)
{
	static uint8_t fr[DGRAM_MAX + RTE_ETHER_HDR_LEN];
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)fr;
	uint32_t flen = len + sizeof(*eth), off = 0, per;
	struct rte_mbuf *head = NULL, *last = NULL;

	rte_ether_addr_copy(&sl_test_guest_mac, &eth->src_addr);
	rte_ether_addr_copy(&env->w.gw_mac, &eth->dst_addr);
	eth->ether_type = (l3[0] >> 4) == 6 ? RTE_BE16(RTE_ETHER_TYPE_IPV6) :
		RTE_BE16(RTE_ETHER_TYPE_IPV4);
	memcpy(eth + 1, l3, len);
	/* even segment lengths: DPDK 22.11's rte_raw_cksum_mbuf() loses a
	 * carry when a segment boundary falls at an odd L4 offset */
	per = RTE_ALIGN_CEIL((flen + nseg - 1) / nseg, 8);
	if (per > 1896)
		per = 1896;
	while (off < flen) {
		uint32_t take = RTE_MIN(per, flen - off);
		struct rte_mbuf *m = sl_test_frame(env, fr + off,
			(uint16_t)take);

		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		if (head == NULL) {
			head = m;
		} else {
			last->next = m;
			head->nb_segs++;
			head->pkt_len += take;
		}
		last = m;
		off += take;
	}
	return head;
}

/** step - one worker iteration on @n frames. */
static inline void
step(struct sl_test_env *env, struct rte_mbuf **pk, uint16_t n)
{
	sl_worker_clock(&env->w);
	sl_worker_step(&env->w, pk, n);
}

/** settle - advance the manual clock past the reassembly timeout. */
static inline void
settle(struct sl_test_env *env)
{
	env->w.now_ms += SL_FRAG_TIMEOUT_MS + 1;
	sl_worker_step(&env->w, NULL, 0);
}

/**
 * steer_frags - the three fragments @fr of one datagram on a two-worker
 * port (@e0, @e1, sharing @s) whose flow is worker 1's: every fragment is
 * worker 0's, so worker 1 hands on the middle one it receives; worker 0
 * reassembles (counter @ok) and hands the datagram to worker 1, which
 * opens the flow.
 * Return: whether each step went so (the first that did not is printed).
 */
static inline bool
steer_frags(struct sl_test_env *e0, struct sl_test_env *e1,
	const struct sl_steer *s, struct rte_mbuf **fr, const char *ok)
{
	struct rte_mbuf *pk[2 * SL_BURST];
	const char *bad = NULL;
	uint16_t n, i;

	for (i = 0; i < 3; i++)
		if (sl_steer_owner(s, fr[i]) != 0)
			bad = "a fragment not worker 0's";
	pk[0] = fr[1];
	if (bad == NULL && (sl_steer_burst(&e1->w, pk, 1, RTE_DIM(pk)) != 0 ||
	    e1->w.stats[SL_STAT_steer_out] != 1))
		bad = "worker 1 kept a fragment";
	pk[0] = fr[0];
	pk[1] = fr[2];
	n = sl_steer_burst(&e0->w, pk, 2, RTE_DIM(pk));
	if (bad == NULL && n != 3)
		bad = "worker 0 did not get three fragments";
	sl_worker_step(&e0->w, pk, n);
	if (bad == NULL && (ctr(e0, ok) != 1 ||
	    e0->w.stats[SL_STAT_steer_out] != 1 || e0->w.ft.active != 0))
		bad = "worker 0 did not reassemble and hand on";
	n = sl_steer_burst(&e1->w, pk, 0, RTE_DIM(pk));
	if (bad == NULL && n != 1)
		bad = "worker 1 did not get the datagram";
	sl_worker_step(&e1->w, pk, n);
	if (bad == NULL && e1->w.ft.active != 1)
		bad = "worker 1 opened no flow";
	if (bad != NULL)
		fprintf(stderr, "  steer_frags: %s\n", bad);
	return bad == NULL;
}

#endif /* FRAG_UTIL_H */
