/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_fwd_priv.h: the per-worker forward table, for the relay modules that
 * serve listener events (TCP accept, UDP inbound datagrams).
 */
#ifndef SL_FWD_PRIV_H
#define SL_FWD_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_fwd.h"

struct sl_worker;

/** One active forward and its listeners (one per host port). */
struct sl_fwd_entry {
	struct sl_fwd_spec spec;
	int *hd;		/**< listener handles, host_lo.. order */
	bool active;
};

/** The forwards of one worker. */
struct sl_fwd_state {
	unsigned int n;
	bool v4_only_logged;	/**< "no IPv6 on the host" said */
	struct sl_fwd_entry e[SL_FWD_MAX];
};

/**
 * sl_fwd_from_cookie - the forward a listener cookie names.
 * @w: worker
 * @cookie: event cookie (SL_COOKIE_SPECIAL set)
 * @offset: filled with the port offset in the range
 * @hd: filled with the listener handle
 * Return: the entry, or NULL when stale.
 */
const struct sl_fwd_entry *sl_fwd_from_cookie(const struct sl_worker *w,
	uint64_t cookie, unsigned int *offset, int *hd);

/** sl_fwd_fini - close every listener of @w. */
void sl_fwd_fini(struct sl_worker *w);

#endif /* SL_FWD_PRIV_H */
