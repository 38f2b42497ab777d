/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_telemetry_priv.h: what the /sluice/ command handlers share: the
 * shutdown gate every handler passes, parameter parsing, the error reply,
 * and the handlers of the other files (sl_telemetry.c: info and stats;
 * sl_tel_flows.c: flows; sl_tel_ctl.c: forwards and log levels), which
 * sl_telemetry.c registers. Private to app/.
 */
#ifndef SL_TELEMETRY_PRIV_H
#define SL_TELEMETRY_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_telemetry.h>

#include "sl_app.h"
#include "sl_ctl.h"

/** How long a handler waits for a worker's answer. */
#define SL_TEL_TIMEOUT_MS	SL_CTL_TIMEOUT_MS

/**
 * sl_tel_enter - pass the shutdown gate.
 *
 * Return: the application, or NULL when telemetry is stopped (the handler
 * must then fail without sl_tel_leave()).
 */
struct sl_app *sl_tel_enter(void);

/** sl_tel_leave - leave the gate sl_tel_enter() let the handler through. */
void sl_tel_leave(void);

/**
 * sl_tel_parse_u64 - a whole decimal number (no sign, no blanks, no junk).
 * Return: 0 or -1.
 */
int sl_tel_parse_u64(const char *s, uint64_t *v);

/** sl_tel_no_params - whether a command came without parameters. */
bool sl_tel_no_params(const char *params);

/**
 * sl_tel_error_reply - the reply for a well-formed request that failed:
 * {"error": "@what: reason", "errno": N}.
 * @d: the reply
 * @rc: errno, positive or negative
 * @what: what failed
 *
 * Return: 0 (the reply is data, not a telemetry error).
 */
int sl_tel_error_reply(struct rte_tel_data *d, int rc, const char *what);

/** sl_tel_new_dict - a fresh dict container, or NULL. */
struct rte_tel_data *sl_tel_new_dict(void);

/*
 * The handlers (telemetry_cb): @cmd the command, @params what follows its
 * comma, @d the reply. Return: 0, or a negative errno for a malformed
 * request (telemetry's null reply).
 */
int sl_tel_cmd_info(const char *cmd, const char *params,
	struct rte_tel_data *d);	/* /sluice/info */
int sl_tel_cmd_stats(const char *cmd, const char *params,
	struct rte_tel_data *d);	/* /sluice/stats */
int sl_tel_cmd_flows(const char *cmd, const char *params,
	struct rte_tel_data *d);	/* /sluice/flows */
int sl_tel_cmd_flow(const char *cmd, const char *params,
	struct rte_tel_data *d);	/* /sluice/flow */
int sl_tel_cmd_flow_close(const char *cmd, const char *params,
	struct rte_tel_data *d);	/* /sluice/flow/close */
int sl_tel_cmd_fwd_list(const char *cmd, const char *params,
	struct rte_tel_data *d);	/* /sluice/fwd/list */
int sl_tel_cmd_fwd_add(const char *cmd, const char *params,
	struct rte_tel_data *d);	/* /sluice/fwd/add */
int sl_tel_cmd_fwd_del(const char *cmd, const char *params,
	struct rte_tel_data *d);	/* /sluice/fwd/del */
int sl_tel_cmd_log_level(const char *cmd, const char *params,
	struct rte_tel_data *d);	/* /sluice/log_level */
int sl_tel_cmd_hosts(const char *cmd, const char *params,
	struct rte_tel_data *d);	/* /sluice/hosts */

#endif /* SL_TELEMETRY_PRIV_H */
