/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_telemetry.h: sluice's commands on the DPDK telemetry socket
 * (/var/run/dpdk/<file-prefix>/dpdk_telemetry.v2) and packet capture
 * (rte_pdump, for dpdk-dumpcap).
 *
 * Commands (each listed by /help with its help text):
 *   /sluice/info                 version, uptime, configuration, access
 *                                rules in first-match order, ports,
 *                                workers and what each polls
 *   /sluice/stats[,WORKER]       counters summed over the workers (and per
 *                                worker), flows active, mempool use
 *   /sluice/flows[,CURSOR]       one page of flows; "next" is the CURSOR of
 *                                the following page while "more" is 1
 *   /sluice/flow,ID              one flow in full (TCP windows, sequence
 *                                numbers, RTT, host socket queues)
 *   /sluice/flow/close,ID        close a flow (TCP: reset both ways)
 *   /sluice/fwd/list             forwards in effect
 *   /sluice/fwd/add,SPEC[,WORKER]  start a forward (SPEC as --tcp-forward,
 *   /sluice/fwd/del,SPEC[,WORKER]  "udp:" prefix for UDP); worker 0 default
 *   /sluice/log_level[,TYPE[,LEVEL]]  show or set log levels
 *
 * Errors: a malformed command or parameter gets telemetry's error reply
 * (the command's value is null); a well-formed request that fails (no such
 * flow, port in use, worker not answering) gets {"error": TEXT, "errno": N}.
 *
 * Handlers run on telemetry threads: they read counters atomically and
 * reach anything a worker owns through its control ring (sl_ctl.h).
 */
#ifndef SL_TELEMETRY_H
#define SL_TELEMETRY_H

#include "sl_app.h"

/** Flows listed per /sluice/flows reply (keeps it under 16 KiB). */
#define SL_TEL_FLOWS_PAGE	32

/** Workers whose counters /sluice/stats shows inline (16 KiB limit). */
#define SL_TEL_STATS_WORKERS	3

/**
 * sl_telemetry_init - register the /sluice/ commands and initialise packet
 * capture. Called once, after the workers are set up and before they run.
 * @app: the application (must outlive the process's telemetry threads)
 *
 * Return: 0, or -1 when a command could not be registered. A packet
 * capture set-up failure is only logged.
 */
int sl_telemetry_init(struct sl_app *app);

/**
 * sl_telemetry_fini - stop serving: commands issued from now on get an
 * error reply, and this waits for the handlers already running (they give
 * up on a stopped worker after its control timeout). Call before the
 * workers are torn down. Safe to call when init was not.
 */
void sl_telemetry_fini(void);

#endif /* SL_TELEMETRY_H */
