/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_dgflow.c: how long datagram flows live.
 *
 * Theory of operation:
 *  - LRU order. Every UDP and ICMP echo flow of a worker sits on one
 *    doubly linked list (indices into a per-slot array parallel to the
 *    flow table, no allocation), oldest activity first. A datagram either
 *    way moves its flow to the tail (O(1)). At --max-dgram-flows a new flow
 *    looks at the head only: when that flow has been idle for at least
 *    SL_DGF_EVICT_IDLE_MS it is evicted and the new flow takes its place;
 *    otherwise every flow is busy and the new one is refused (counted,
 *    logged at most every SL_DGF_LOG_GAP_MS). Nothing walks the flows.
 *  - DNS flows. An outbound UDP flow to port 53 (the DNS address mapped to
 *    the forwarder, or any resolver the guest names) remembers the ids of
 *    up to SL_DGF_DNS_IDS queries not yet answered. A response relayed to
 *    the guest clears its id; when none is left the flow ends after the
 *    host event that delivered it (dns_flow_done): a resolver's one-shot
 *    socket no longer holds a flow and a host socket for --udp-timeout.
 *    With more queries outstanding than tracked, or none answered, the
 *    flow ends after SL_DNS_TIMEOUT_S idle.
 */
#include <errno.h>

#include <rte_malloc.h>

#include "sl_dgflow.h"
#include "sl_log.h"

#define SL_DGF_LOG_GAP_MS 10000	/* refusal log rate limit */
#define SL_DNS_HDR_LEN 12
#define SL_DNS_QR 0x80		/* first flags byte: a response */

int
sl_dgflow_init(struct sl_worker *w)
{
	w->dgram->dgf = rte_zmalloc("sl_dgflow",
		sizeof(*w->dgram->dgf) * w->ft.max, 0);
	if (w->dgram->dgf == NULL)
		return -ENOMEM;
	w->dgram->dgf_head = w->dgram->dgf_tail = SL_DGF_NONE;
	return 0;
}

void
sl_dgflow_fini(struct sl_worker *w)
{
	rte_free(w->dgram->dgf);
	w->dgram->dgf = NULL;
}

/** lru_unlink - take slot @i off the LRU list. */
static void
lru_unlink(struct sl_worker *w, uint32_t i)
{
	struct sl_dgflow *d = &w->dgram->dgf[i];

	if (d->prev != SL_DGF_NONE)
		w->dgram->dgf[d->prev].next = d->next;
	else
		w->dgram->dgf_head = d->next;
	if (d->next != SL_DGF_NONE)
		w->dgram->dgf[d->next].prev = d->prev;
	else
		w->dgram->dgf_tail = d->prev;
	d->linked = false;
}

/** lru_append - put slot @i at the tail (newest) of the LRU list. */
static void
lru_append(struct sl_worker *w, uint32_t i)
{
	struct sl_dgflow *d = &w->dgram->dgf[i];

	d->prev = w->dgram->dgf_tail;
	d->next = SL_DGF_NONE;
	if (w->dgram->dgf_tail != SL_DGF_NONE)
		w->dgram->dgf[w->dgram->dgf_tail].next = i;
	else
		w->dgram->dgf_head = i;
	w->dgram->dgf_tail = i;
	d->linked = true;
}

/** refuse_log - a new datagram flow was refused: count, log rate-limited. */
static void
refuse_log(struct sl_worker *w)
{
	SL_STAT_INC(w->stats, drop_dgram_limit);
	w->dgram->dg_refused++;
	if (w->dgram->dg_refuse_log_ms != 0 &&
	    w->now_ms - w->dgram->dg_refuse_log_ms < SL_DGF_LOG_GAP_MS)
		return;
	SL_LOG(UDP, WARNING, "worker %u: %u new datagram flow(s) refused: "
		"%u flows (--max-dgram-flows), none idle for %u ms "
		"(drop_dgram_limit)\n", w->id, w->dgram->dg_refused,
		w->dgram->dgram_flows, SL_DGF_EVICT_IDLE_MS);
	w->dgram->dg_refuse_log_ms = w->now_ms;
	w->dgram->dg_refused = 0;
}

bool
sl_dgflow_admit(struct sl_worker *w)
{
	struct sl_flow *f;

	if (w->dgram->dgram_flows < w->cfg->max_dgram_flows)
		return true;
	if (w->dgram->dgf_head == SL_DGF_NONE) {
		refuse_log(w);
		return false;
	}
	f = &w->ft.flows[w->dgram->dgf_head];
	if (!f->in_use || w->now_ms - f->last_ms < SL_DGF_EVICT_IDLE_MS) {
		refuse_log(w);
		return false;
	}
	if (f->proto == IPPROTO_UDP)
		SL_STAT_INC(w->stats, udp_flow_evicted);
	else
		SL_STAT_INC(w->stats, icmp_flow_evicted);
	sl_worker_free_flow(w, f, false);
	return w->dgram->dgram_flows < w->cfg->max_dgram_flows;
}

void
sl_dgflow_opened(struct sl_worker *w, struct sl_flow *f)
{
	struct sl_dgflow *d = sl_dgflow_of(w, f);

	memset(d, 0, sizeof(*d));
	if (f->proto == IPPROTO_UDP && !f->inbound &&
	    f->key.dport == RTE_BE16(SL_DNS_PORT))
		d->flags = SL_DGF_DNS;
	lru_append(w, f->idx);
	w->dgram->dgram_flows++;
}

void
sl_dgflow_closed(struct sl_worker *w, struct sl_flow *f)
{
	w->dgram->dgram_flows--;
	if (w->dgram->dgf != NULL && w->dgram->dgf[f->idx].linked)
		lru_unlink(w, f->idx);
}

void
sl_dgflow_touch(struct sl_worker *w, struct sl_flow *f)
{
	/* the order within one millisecond does not matter: a burst of one
	 * flow moves it once */
	if (f->last_ms == w->now_ms)
		return;
	f->last_ms = w->now_ms;
	if (w->dgram->dgf_tail == f->idx || !w->dgram->dgf[f->idx].linked)
		return;
	lru_unlink(w, f->idx);
	lru_append(w, f->idx);
}

uint64_t
sl_dgflow_timeout_ms(const struct sl_worker *w, const struct sl_flow *f)
{
	uint32_t s = w->cfg->udp_timeout_s;

	if ((sl_dgflow_of(w, f)->flags & SL_DGF_DNS) && s > SL_DNS_TIMEOUT_S)
		s = SL_DNS_TIMEOUT_S;
	return (uint64_t)s * 1000;
}

/**
 * dns_head - the id and first flags byte of the DNS message of @len
 * payload bytes at @off of @m. Return: 0, or -1 when too short.
 */
static int
dns_head(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint16_t *id,
	uint8_t *flags)
{
	uint8_t buf[3];
	const uint8_t *p;

	if (len < SL_DNS_HDR_LEN)
		return -1;
	p = rte_pktmbuf_read(m, off, sizeof(buf), buf);
	if (p == NULL)
		return -1;
	*id = (uint16_t)(p[0] << 8 | p[1]);
	*flags = p[2];
	return 0;
}

void
sl_dgflow_dns_query(struct sl_worker *w, struct sl_flow *f,
	const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	struct sl_dgflow *d = sl_dgflow_of(w, f);
	uint8_t flags, i;
	uint16_t id;

	if (!(d->flags & SL_DGF_DNS) ||
	    dns_head(m, off, len, &id, &flags) != 0 || (flags & SL_DNS_QR))
		return;
	d->flags &= (uint8_t)~SL_DGF_DONE;
	for (i = 0; i < d->dns_n; i++)
		if (d->dns_id[i] == id)
			return;	/* a retransmission */
	if (d->dns_n == SL_DGF_DNS_IDS) {
		d->flags |= SL_DGF_DNS_MANY;
		return;
	}
	d->dns_id[d->dns_n++] = id;
}

void
sl_dgflow_dns_answer(struct sl_worker *w, struct sl_flow *f,
	const struct rte_mbuf *m)
{
	struct sl_dgflow *d = sl_dgflow_of(w, f);
	uint8_t flags, i;
	uint16_t id;

	if (!(d->flags & SL_DGF_DNS) || dns_head(m, 0,
	    rte_pktmbuf_pkt_len(m), &id, &flags) != 0 || !(flags & SL_DNS_QR))
		return;
	for (i = 0; i < d->dns_n; i++) {
		if (d->dns_id[i] != id)
			continue;
		d->dns_id[i] = d->dns_id[--d->dns_n];
		if (d->dns_n == 0 && !(d->flags & SL_DGF_DNS_MANY))
			d->flags |= SL_DGF_DONE;
		return;
	}
}

bool
sl_dgflow_end_if_done(struct sl_worker *w, struct sl_flow *f)
{
	if (!f->in_use || !(sl_dgflow_of(w, f)->flags & SL_DGF_DONE))
		return false;
	SL_STAT_INC(w->stats, dns_flow_done);
	sl_worker_free_flow(w, f, false);
	return true;
}
