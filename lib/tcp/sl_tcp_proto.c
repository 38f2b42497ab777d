/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_proto.c: TCP's entry in the protocol table (sl_proto.h): which of
 * the relay's entry points (sl_tcp.c) the poll loop calls, and when.
 */
#include <netinet/in.h>

#include "sl_proto.h"
#include "sl_tcp.h"

/**
 * TCP in the protocol table: segments grouped per flow in a burst (burst
 * end: one writev per flow), flows that waited for tx
 * room first in an iteration (tx_resume), the per-flow ACKs at its end.
 */
const struct sl_proto sl_tcp_proto = {
	.name = "tcp",
	.ip_proto = IPPROTO_TCP,
	.ip6_proto = IPPROTO_TCP,
	.init = sl_tcp_init,
	.close = sl_tcp_fini,
	.tx_resume = sl_tcp_tx_resume,
	.input = sl_tcp_input,
	.burst_end = sl_tcp_burst_end,
	.host_event = sl_tcp_host_event,
	.listen = sl_tcp_accept,
	.timer = sl_tcp_timer,
	.iter_end = sl_tcp_iteration_end,
};
