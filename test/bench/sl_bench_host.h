/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_bench_host.h: host backends for the micro-benchmarks.
 *
 * The timing shim wraps any backend (mem, kernel, sink) and counts the calls
 * the relay core makes into it and the TSC cycles spent there, so that a
 * benchmark can split its time into "relay core" and "host backend". The
 * wrapped backend can be swapped for a fresh one (the in-memory host's
 * poll() scans every handle slot it ever used, so churn benchmarks renew it
 * every few dozen connections to keep that scan out of the figures).
 *
 * The sink host is an in-memory backend built for scale: any number of
 * handles, every TCP connect succeeds at once, stream writes are swallowed
 * whole, UDP datagrams and ICMP echo requests are echoed back, and poll()
 * costs O(ready handles), like epoll, not O(handles). It exists so that the
 * cost of N idle flows measured is the relay core's, not the test host's.
 */
#ifndef SL_BENCH_HOST_H
#define SL_BENCH_HOST_H

#include <stdint.h>

#include "sl_host.h"

/**
 * sl_bench_timed_create - wrap @inner in a timing shim.
 * @inner: backend (owned by the shim from now on)
 *
 * Return: the shim, or NULL (then @inner is destroyed).
 */
struct sl_host *sl_bench_timed_create(struct sl_host *inner);

/** sl_bench_timed_inner - the backend a shim wraps. */
struct sl_host *sl_bench_timed_inner(struct sl_host *shim);

/**
 * sl_bench_timed_swap - destroy the wrapped backend and wrap @inner instead.
 * @shim: timing shim
 * @inner: new backend (owned by the shim from now on)
 *
 * Every handle of the old backend must be closed and forgotten by the core.
 */
void sl_bench_timed_swap(struct sl_host *shim, struct sl_host *inner);

/**
 * sl_bench_timed_read - the counters of a shim.
 * @shim: timing shim
 * @cycles: filled with the TSC cycles spent in the backend (may be NULL)
 * @calls: filled with the number of calls into the backend (may be NULL)
 */
void sl_bench_timed_read(struct sl_host *shim, uint64_t *cycles,
	uint64_t *calls);

/**
 * sl_bench_sink_create - create a sink host.
 * @max_handles: most handles open at once
 *
 * Return: the backend, or NULL.
 */
struct sl_host *sl_bench_sink_create(unsigned int max_handles);

/**
 * sl_bench_sink_bytes - bytes the relay core wrote into a sink host.
 * @h: sink host
 *
 * Return: stream and datagram bytes taken so far.
 */
uint64_t sl_bench_sink_bytes(struct sl_host *h);

/**
 * sl_bench_sink_ready - handles on a sink host's ready list (they have
 * something their interest asks for, so every poll reports them).
 * @h: sink host (or a shim around one)
 *
 * Return: the count (0 for other hosts).
 */
unsigned int sl_bench_sink_ready(struct sl_host *h);

#endif /* SL_BENCH_HOST_H */
