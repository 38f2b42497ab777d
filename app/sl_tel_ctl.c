/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tel_ctl.c: the telemetry commands that change sluice while it runs:
 * /sluice/fwd/list, /sluice/fwd/add and /sluice/fwd/del (each worker of
 * the port takes the change through its control ring, sl_ctl.h) and
 * /sluice/log_level (show or set the level of sluice's log types).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_telemetry.h>

#include "sl_ctl.h"
#include "sl_fwd.h"
#include "sl_log.h"
#include "sl_telemetry_priv.h"

/* ------------------------------------------------------------------ */
/* /sluice/fwd                                                          */

/**
 * sl_tel_cmd_fwd_list - the /sluice/fwd/list handler (telemetry_cb): the
 * forwards in effect, per worker. Return: 0 or -EINVAL.
 */
int
sl_tel_cmd_fwd_list(const char *cmd, const char *params,
	struct rte_tel_data *d)
{
	struct sl_fwd_spec specs[SL_FWD_MAX];
	struct rte_tel_data *arr, *owner;
	struct sl_app *app;
	unsigned int wi, i, total = 0;
	uint32_t n;
	int rc;

	(void)cmd;
	if (!sl_tel_no_params(params))
		return -EINVAL;
	app = sl_tel_enter();
	if (app == NULL)
		return -ESHUTDOWN;
	arr = rte_tel_data_alloc();
	owner = rte_tel_data_alloc();
	if (arr == NULL || owner == NULL) {
		rte_tel_data_free(arr);
		rte_tel_data_free(owner);
		sl_tel_leave();
		return -ENOMEM;
	}
	rte_tel_data_start_array(arr, RTE_TEL_STRING_VAL);
	rte_tel_data_start_array(owner, RTE_TEL_INT_VAL);
	for (wi = 0; wi < app->nb_workers; wi++) {
		/* a multi-queue port's forwards: listed once, by queue 0 */
		if (app->workers[wi]->queue_id != 0)
			continue;
		rc = sl_ctl_fwd_list(app->workers[wi], specs, SL_FWD_MAX, &n,
			SL_TEL_TIMEOUT_MS);
		if (rc != 0) {
			rte_tel_data_free(arr);
			rte_tel_data_free(owner);
			sl_tel_leave();
			return sl_tel_error_reply(d, rc, "fwd/list");
		}
		for (i = 0; i < n; i++) {
			char text[SL_FWD_TEXT_LEN];

			sl_fwd_format(&specs[i], text, sizeof(text));
			rte_tel_data_add_array_string(arr, text);
			rte_tel_data_add_array_int(owner, (int)wi);
			total++;
		}
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "count", (int)total);
	rte_tel_data_add_dict_container(d, "forwards", arr, 0);
	rte_tel_data_add_dict_container(d, "workers", owner, 0);
	sl_tel_leave();
	return 0;
}

/**
 * fwd_apply - add or delete forward @s on every worker of @w0's port that
 * holds it (TCP: each queue's worker, UDP: queue 0's); an add that fails
 * part-way is undone.
 * Return: 0 or the first -errno.
 */
static int
fwd_apply(struct sl_app *app, const struct sl_worker *w0,
	const struct sl_fwd_spec *s, bool add)
{
	unsigned int k, j;
	int rc = 0, r;

	for (k = 0; k < app->nb_workers; k++) {
		struct sl_worker *w = app->workers[k];

		if (w->port_id != w0->port_id ||
		    (s->proto == IPPROTO_UDP && w->queue_id != 0))
			continue;
		r = add ? sl_ctl_fwd_add(w, s, SL_TEL_TIMEOUT_MS) :
			sl_ctl_fwd_del(w, s, SL_TEL_TIMEOUT_MS);
		if (r != 0 && add) {
			for (j = 0; j < k; j++)
				if (app->workers[j]->port_id == w0->port_id &&
				    (s->proto != IPPROTO_UDP ||
				    app->workers[j]->queue_id == 0))
					sl_ctl_fwd_del(app->workers[j], s,
						SL_TEL_TIMEOUT_MS);
			return r;
		}
		if (r != 0 && rc == 0)
			rc = r;
	}
	return rc;
}

/**
 * fwd_change - /sluice/fwd/add and /sluice/fwd/del: "SPEC[,WORKER]"; on a
 * multi-queue port every worker of WORKER's port takes the change.
 */
static int
fwd_change(const char *params, struct rte_tel_data *d, bool add)
{
	char spec[128], err[128], text[SL_FWD_TEXT_LEN];
	struct sl_fwd_spec s;
	struct sl_app *app;
	uint64_t wi = 0;
	char *comma;
	int rc;

	if (sl_tel_no_params(params) || strlen(params) >= sizeof(spec))
		return -EINVAL;
	strcpy(spec, params);
	/* a last ",N" is the worker (",source=..." belongs to the spec) */
	comma = strrchr(spec, ',');
	if (comma != NULL && strncmp(comma + 1, "source=", 7) != 0) {
		*comma = '\0';
		if (sl_tel_parse_u64(comma + 1, &wi) != 0)
			return -EINVAL;
	}
	if (sl_fwd_parse(spec, IPPROTO_TCP, &s, err, sizeof(err)) != 0) {
		SL_LOG(CTL, NOTICE, "fwd/%s: %s\n", add ? "add" : "del", err);
		return -EINVAL;
	}
	app = sl_tel_enter();
	if (app == NULL)
		return -ESHUTDOWN;
	if (wi >= app->nb_workers) {
		sl_tel_leave();
		return -EINVAL;
	}
	rc = fwd_apply(app, app->workers[wi], &s, add);
	sl_fwd_format(&s, text, sizeof(text));
	if (rc != 0) {
		char what[SL_FWD_TEXT_LEN + 16];

		snprintf(what, sizeof(what), "%s %s", add ? "fwd/add" :
			"fwd/del", text);
		sl_tel_leave();
		return sl_tel_error_reply(d, rc == -EEXIST && add ?
			-EADDRINUSE : rc, what);
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, add ? "added" : "removed", text);
	rte_tel_data_add_dict_int(d, "worker", (int)wi);
	sl_tel_leave();
	return 0;
}

/**
 * sl_tel_cmd_fwd_add - the /sluice/fwd/add handler: start the forward
 * SPEC in @params (on one worker when given). Return: 0 or -errno.
 */
int
sl_tel_cmd_fwd_add(const char *cmd, const char *params,
	struct rte_tel_data *d)
{
	(void)cmd;
	return fwd_change(params, d, true);
}

/**
 * sl_tel_cmd_fwd_del - the /sluice/fwd/del handler: stop the forward
 * SPEC in @params; its live connections go on. Return: 0 or -errno.
 */
int
sl_tel_cmd_fwd_del(const char *cmd, const char *params,
	struct rte_tel_data *d)
{
	(void)cmd;
	return fwd_change(params, d, false);
}

/* ------------------------------------------------------------------ */
/* /sluice/log_level                                                    */

/** add_level - sl_log_match() callback: "TYPE:LEVEL" into array @arg. */
static void
add_level(const char *name, int level, void *arg)
{
	char text[RTE_TEL_MAX_STRING_LEN];

	snprintf(text, sizeof(text), "%s:%s", name, sl_log_level_name(level));
	rte_tel_data_add_array_string(arg, text);
}

/**
 * sl_tel_cmd_log_level - the /sluice/log_level handler: show the levels of
 * the log types matching TYPE (default sluice.*), or set them to LEVEL.
 * Return: 0, or -EINVAL for a malformed request.
 */
int
sl_tel_cmd_log_level(const char *cmd, const char *params,
	struct rte_tel_data *d)
{
	char buf[128], pattern[128];
	const char *type = "sluice.*";
	struct rte_tel_data *arr;
	int level = -1, n;
	char *comma;

	(void)cmd;
	if (!sl_tel_no_params(params)) {
		if (strlen(params) >= sizeof(buf))
			return -EINVAL;
		strcpy(buf, params);
		comma = strchr(buf, ',');
		if (comma != NULL) {
			*comma = '\0';
			level = sl_log_level_parse(comma + 1);
			if (level < 0)
				return -EINVAL;
		}
		type = buf;
	}
	if (sl_log_type_pattern(type, pattern, sizeof(pattern)) != 0)
		return -EINVAL;
	if (sl_tel_enter() == NULL)
		return -ESHUTDOWN;
	if (level >= 0) {
		n = sl_log_set_level(pattern, level);
		if (n < 0) {
			sl_tel_leave();
			return n == -ENOENT ? -EINVAL : n;
		}
		SL_LOG(CTL, INFO, "log level of %s set to %s (%d type(s))\n",
			pattern, sl_log_level_name(level), n);
	}
	arr = rte_tel_data_alloc();
	if (arr == NULL) {
		sl_tel_leave();
		return -ENOMEM;
	}
	rte_tel_data_start_array(arr, RTE_TEL_STRING_VAL);
	n = sl_log_match(pattern, add_level, arr);
	if (n <= 0) {
		rte_tel_data_free(arr);
		sl_tel_leave();
		return -EINVAL;	/* no such type */
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "pattern", pattern);
	if (level >= 0)
		rte_tel_data_add_dict_string(d, "set", sl_log_level_name(level));
	rte_tel_data_add_dict_int(d, "count", n);
	rte_tel_data_add_dict_container(d, "types", arr, 0);
	sl_tel_leave();
	return 0;
}
