/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_ctl_proto.c: the control requests' entry in the protocol table
 * (sl_proto.h): served at the start of every iteration, the requests
 * still queued cancelled at teardown.
 */
#include "sl_ctl.h"
#include "sl_proto.h"

/** ctl_poll - the control entry's hook at the start of an iteration. */
static void
ctl_poll(struct sl_worker *w)
{
	sl_ctl_poll(w);
}

/** Control requests in the protocol table: served once per iteration. */
const struct sl_proto sl_ctl_proto = {
	.name = "ctl",
	.close = sl_ctl_worker_fini,
	.iter_start = ctl_poll,
};
