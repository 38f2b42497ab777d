/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_log.h: sluice's log types, one per module, registered with rte_log as
 * "sluice.app", "sluice.port", "sluice.tcp", "sluice.udp", "sluice.dhcp",
 * "sluice.ctl" and "sluice.fwd" (default level INFO). Their levels follow
 * the EAL's --log-level option (e.g. --log-level=sluice.tcp:debug) and can
 * be changed at run time (telemetry: /sluice/log_level,TYPE,LEVEL).
 */
#ifndef SL_LOG_H
#define SL_LOG_H

#include <stddef.h>
#include <stdint.h>

#include <rte_log.h>

/** The modules that log. */
enum sl_log_type {
	SL_LOGTYPE_APP,
	SL_LOGTYPE_PORT,
	SL_LOGTYPE_TCP,
	SL_LOGTYPE_UDP,
	SL_LOGTYPE_DHCP,
	SL_LOGTYPE_CTL,
	SL_LOGTYPE_FWD,
	SL_LOGTYPE_MAX
};

/* The tag each module's lines start with ("sluice.<tag>: "). */
#define SL_LOG_TAG_APP	"app"
#define SL_LOG_TAG_PORT	"port"
#define SL_LOG_TAG_TCP	"tcp"
#define SL_LOG_TAG_UDP	"udp"
#define SL_LOG_TAG_DHCP	"dhcp"
#define SL_LOG_TAG_CTL	"ctl"
#define SL_LOG_TAG_FWD	"fwd"

/** rte_log type ids, indexed by enum sl_log_type (set by a constructor). */
extern int sl_logtype[SL_LOGTYPE_MAX];

/** Registered names ("sluice.app", ...), indexed by enum sl_log_type. */
extern const char *const sl_log_type_names[SL_LOGTYPE_MAX];

/**
 * SL_LOG - log one line through rte_log.
 * @type: module (APP, PORT, TCP, UDP, DHCP, CTL, FWD)
 * @level: rte_log level without its prefix (ERR, WARNING, INFO, DEBUG...)
 * @...: a format string literal (ending in "\n", as with RTE_LOG) and its
 *	arguments
 *
 * Example: SL_LOG(TCP, DEBUG, "flow %u: rto %u ms\n", idx, rto);
 */
#define SL_LOG(type, level, ...)					\
	rte_log(RTE_LOG_ ## level, (uint32_t)sl_logtype[SL_LOGTYPE_ ## type], \
		"sluice." SL_LOG_TAG_ ## type ": " __VA_ARGS__)

/**
 * sl_log_level_parse - a log level from its name ("emerg", "alert",
 * "crit", "err"/"error", "warning"/"warn", "notice", "info", "debug",
 * any case) or its number (1-8).
 * Return: RTE_LOG_EMERG..RTE_LOG_DEBUG, or -1.
 */
int sl_log_level_parse(const char *s);

/** sl_log_level_name - name of an rte_log level ("?" when out of range). */
const char *sl_log_level_name(int level);

/**
 * sl_log_type_pattern - the rte_log type pattern for what an operator typed:
 * a name without a dot is a sluice module ("tcp" -> "sluice.tcp", "*" ->
 * "sluice.*"), anything else is used as given (a DPDK type or a glob).
 * @type: what was typed
 * @buf: output
 * @len: size of @buf
 * Return: 0, or -1 when it does not fit or is empty.
 */
int sl_log_type_pattern(const char *type, char *buf, size_t len);

/** Called for each registered log type matched by sl_log_match(). */
typedef void (*sl_log_match_fn)(const char *name, int level, void *arg);

/**
 * sl_log_match - call @fn for every registered log type whose name matches
 * the glob @pattern, with its current level.
 * Return: number of matches, or -ENOMEM.
 */
int sl_log_match(const char *pattern, sl_log_match_fn fn, void *arg);

/**
 * sl_log_set_level - set the level of every registered type matching
 * @pattern (a glob, see sl_log_type_pattern()).
 * Return: number of types changed, -ENOENT when none matches (nothing is
 * changed), -EINVAL for a bad level.
 */
int sl_log_set_level(const char *pattern, int level);

#endif /* SL_LOG_H */
