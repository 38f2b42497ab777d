/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_flow.c: the per-worker flow table (rte_hash over a slot array).
 */
#include <errno.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "sl_flow.h"

int
sl_flow_table_init(struct sl_flow_table *ft, uint32_t max, const char *name,
	int socket_id)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = max < 8 ? 8 : max,
		.key_len = sizeof(struct sl_flow_key),
		.hash_func = rte_jhash,
		.hash_func_init_val = 0x5a17ce,
		.socket_id = socket_id,
	};
	memset(ft, 0, sizeof(*ft));
	ft->flows = rte_zmalloc_socket("sl_flows", sizeof(*ft->flows) * max,
		RTE_CACHE_LINE_SIZE, socket_id);
	if (ft->flows == NULL)
		return -ENOMEM;
	ft->hash = rte_hash_create(&hp);
	if (ft->hash == NULL) {
		rte_free(ft->flows);
		ft->flows = NULL;
		return -ENOMEM;
	}
	ft->max = max;
	/* slots are set up when first taken (sl_flow_add): an idle worker
	 * does not touch the pages of a table sized for --max-flows */
	ft->free_head = 0;
	ft->fresh = 0;
	return 0;
}

void
sl_flow_table_fini(struct sl_flow_table *ft)
{
	rte_hash_free(ft->hash);
	rte_free(ft->flows);
	memset(ft, 0, sizeof(*ft));
}

struct sl_flow *
sl_flow_lookup(struct sl_flow_table *ft, const struct sl_flow_key *key)
{
	void *data;

	if (rte_hash_lookup_data(ft->hash, key, &data) < 0)
		return NULL;
	return &ft->flows[(uintptr_t)data];
}

void
sl_flow_lookup_bulk(struct sl_flow_table *ft, const struct sl_flow_key **keys,
	uint32_t n, struct sl_flow **out)
{
	void *data[SL_FLOW_BULK];
	uint64_t hits = 0;
	uint32_t i;

	if (n == 0)
		return;
	if (rte_hash_lookup_bulk_data(ft->hash, (const void **)keys, n, &hits,
	    data) < 0)
		hits = 0;
	for (i = 0; i < n; i++)
		out[i] = (hits & (1ull << i)) ?
			&ft->flows[(uintptr_t)data[i]] : NULL;
}

struct sl_flow *
sl_flow_add(struct sl_flow_table *ft, const struct sl_flow_key *key,
	uint64_t now_ms)
{
	struct sl_flow *f;
	uint32_t idx, gen;

	if (ft->free_head >= ft->max)
		return NULL;
	idx = ft->free_head;
	f = &ft->flows[idx];
	if (rte_hash_add_key_data(ft->hash, key, (void *)(uintptr_t)idx) < 0)
		return NULL;
	/* a slot never taken before is followed by the next one */
	ft->free_head = idx == ft->fresh ? ++ft->fresh : f->next_free;
	gen = f->gen + 1;
	memset(f, 0, sizeof(*f));
	f->idx = idx;
	f->gen = gen;
	f->hd = -1;
	f->key = *key;
	f->proto = key->proto;
	f->in_use = true;
	f->created_ms = f->last_ms = now_ms;
	sl_timer_init(&f->timer);
	ft->active++;
	return f;
}

void
sl_flow_del(struct sl_flow_table *ft, struct sl_flow *f)
{
	if (!f->in_use)
		return;
	rte_hash_del_key(ft->hash, &f->key);
	f->in_use = false;
	f->next_free = ft->free_head;
	ft->free_head = f->idx;
	ft->active--;
}
