/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_log.c: sluice's rte_log types (registered by a constructor, before the
 * EAL parses --log-level, so that option applies to them) and the run-time
 * level control used by the telemetry command /sluice/log_level.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_common.h>
#include <rte_log.h>

#include "sl_log.h"

#define LVL_MIN ((int)RTE_LOG_EMERG)
#define LVL_MAX ((int)RTE_LOG_DEBUG)

const char *const sl_log_type_names[SL_LOGTYPE_MAX] = {
	[SL_LOGTYPE_APP] = "sluice.app",
	[SL_LOGTYPE_PORT] = "sluice.port",
	[SL_LOGTYPE_TCP] = "sluice.tcp",
	[SL_LOGTYPE_UDP] = "sluice.udp",
	[SL_LOGTYPE_DHCP] = "sluice.dhcp",
	[SL_LOGTYPE_CTL] = "sluice.ctl",
	[SL_LOGTYPE_FWD] = "sluice.fwd",
};

int sl_logtype[SL_LOGTYPE_MAX] = {
	RTE_LOGTYPE_USER1, RTE_LOGTYPE_USER1, RTE_LOGTYPE_USER1,
	RTE_LOGTYPE_USER1, RTE_LOGTYPE_USER1, RTE_LOGTYPE_USER1,
	RTE_LOGTYPE_USER1,
};

/**
 * sl_log_register - register sluice's log types at load time (a
 * constructor), at level INFO unless the EAL arguments set one.
 */
RTE_INIT(sl_log_register)
{
	unsigned int i;

	for (i = 0; i < SL_LOGTYPE_MAX; i++) {
		int t = rte_log_register_type_and_pick_level(
			sl_log_type_names[i], RTE_LOG_INFO);

		if (t >= 0)
			sl_logtype[i] = t;
	}
}

static const char *const level_names[] = {
	[RTE_LOG_EMERG] = "emerg",
	[RTE_LOG_ALERT] = "alert",
	[RTE_LOG_CRIT] = "crit",
	[RTE_LOG_ERR] = "err",
	[RTE_LOG_WARNING] = "warning",
	[RTE_LOG_NOTICE] = "notice",
	[RTE_LOG_INFO] = "info",
	[RTE_LOG_DEBUG] = "debug",
};

int
sl_log_level_parse(const char *s)
{
	char *end;
	long v;
	int i;

	if (s == NULL || *s == '\0')
		return -1;
	for (i = LVL_MIN; i <= LVL_MAX; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return i;
	if (strcasecmp(s, "error") == 0)
		return RTE_LOG_ERR;
	if (strcasecmp(s, "warn") == 0)
		return RTE_LOG_WARNING;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < LVL_MIN || v > LVL_MAX)
		return -1;
	return (int)v;
}

const char *
sl_log_level_name(int level)
{
	if (level < LVL_MIN || level > LVL_MAX)
		return "?";
	return level_names[level];
}

int
sl_log_type_pattern(const char *type, char *buf, size_t len)
{
	int n;

	if (type == NULL || *type == '\0')
		return -1;
	if (strchr(type, '.') == NULL)
		n = snprintf(buf, len, "sluice.%s", type);
	else
		n = snprintf(buf, len, "%s", type);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/**
 * sl_log_match - list the registered types (rte_log_list_types into a
 * memory stream, one name per line) and report those @pattern matches.
 */
int
sl_log_match(const char *pattern, sl_log_match_fn fn, void *arg)
{
	char *text = NULL, *line, *save = NULL;
	size_t size = 0;
	int n = 0;
	FILE *f;

	f = open_memstream(&text, &size);
	if (f == NULL)
		return -ENOMEM;
	rte_log_list_types(f, "");
	if (fclose(f) != 0 || text == NULL) {
		free(text);
		return -ENOMEM;
	}
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		int t;

		line += strspn(line, " \t");
		if (*line == '\0' || fnmatch(pattern, line, 0) != 0)
			continue;
		/* already registered: this returns its id */
		t = rte_log_register(line);
		if (t < 0)
			continue;
		n++;
		if (fn != NULL)
			fn(line, rte_log_get_level((uint32_t)t), arg);
	}
	free(text);
	return n;
}

/** set_one - sl_log_match() callback: set log type @name to level *@arg. */
static void
set_one(const char *name, int level, void *arg)
{
	int t = rte_log_register(name);

	(void)level;
	if (t >= 0)
		rte_log_set_level((uint32_t)t, (uint32_t)*(int *)arg);
}

int
sl_log_set_level(const char *pattern, int level)
{
	int n;

	if (level < LVL_MIN || level > LVL_MAX)
		return -EINVAL;
	n = sl_log_match(pattern, NULL, NULL);
	if (n <= 0)
		return n < 0 ? n : -ENOENT;
	return sl_log_match(pattern, set_one, &level);
}
