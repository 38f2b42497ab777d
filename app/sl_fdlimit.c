/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_fdlimit.c: the descriptor budget (see sl_fdlimit.h): raising the soft
 * limit at start, the arithmetic of what it leaves for guest flows, the
 * start-up warning, and following the limit while running.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "sl_app.h"
#include "sl_fdlimit.h"
#include "sl_host.h"
#include "sl_log.h"

#define LOG(l, ...) SL_LOG(APP, l, __VA_ARGS__)

/** rlim_u64 - RLIMIT_NOFILE value as a number, RLIM_INFINITY as UINT64_MAX. */
static uint64_t
rlim_u64(rlim_t v)
{
	return v == RLIM_INFINITY ? UINT64_MAX : (uint64_t)v;
}

uint64_t
sl_fd_flows_max(const struct sl_fd_budget *b)
{
	uint64_t used = (uint64_t)b->reserve + b->base + b->epolls +
		b->listeners;

	if (b->limit == UINT64_MAX)
		return UINT64_MAX;
	return b->limit > used ? b->limit - used : 0;
}

bool
sl_fd_budget_short(const struct sl_fd_budget *b)
{
	return b->flows_wanted > sl_fd_flows_max(b);
}

void
sl_fd_budget_text(const struct sl_fd_budget *b, char *buf, size_t len)
{
	snprintf(buf, len, "descriptor limit %" PRIu64 " leaves room for %"
		PRIu64 " flows, fewer than --max-flows summed over the workers (%"
		PRIu64 ")", b->limit, sl_fd_flows_max(b), b->flows_wanted);
}

void
sl_fdlimit_raise(struct sl_fd_budget *b)
{
	struct rlimit rl;

	memset(b, 0, sizeof(*b));
	b->reserve = SL_HOST_FD_RESERVE;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		b->limit = b->hard = b->found = UINT64_MAX;
		return;
	}
	b->found = rlim_u64(rl.rlim_cur);
	b->hard = rlim_u64(rl.rlim_max);
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		/* an infinite hard limit is above fs.nr_open: refused */
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	b->limit = rlim_u64(rl.rlim_cur);
}

/**
 * open_fds - descriptors open in this process now (0 when /proc is not
 * there).
 */
static unsigned int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n > 0 ? n - 1 : 0;	/* not the directory's own */
}

void
sl_fdlimit_start(struct sl_app *app)
{
	struct sl_fd_budget *b = &app->fd;
	unsigned int i, open = open_fds();

	b->epolls = app->nb_workers;
	b->listeners = 0;
	b->flows_wanted = 0;
	for (i = 0; i < app->nb_workers; i++) {
		/* no flow yet: every handle open is a forward's socket */
		b->listeners += app->workers[i]->host->open_handles;
		b->flows_wanted += app->workers[i]->cfg->max_flows;
	}
	b->base = open > b->epolls + b->listeners ?
		open - b->epolls - b->listeners : 0;
	b->flows_max = sl_fd_flows_max(b);
	sl_host_kernel_set_fd_limit(b->limit);
	if (b->found != b->limit)
		LOG(INFO, "descriptor limit raised from %" PRIu64 " to the "
			"hard limit %" PRIu64 "\n", b->found, b->limit);
	LOG(INFO, "descriptor limit %" PRIu64 ": %u open, %u reserved, "
		"room for %" PRIu64 " flows (--max-flows summed: %" PRIu64
		")\n", b->limit, open, b->reserve, b->flows_max,
		b->flows_wanted);
	if (!sl_fd_budget_short(b) || app->nb_warnings >= SL_APP_WARN_MAX)
		return;
	sl_fd_budget_text(b, app->warnings[app->nb_warnings],
		sizeof(app->warnings[0]));
	LOG(WARNING, "%s: more guest flows are refused (TCP: RST) and counted "
		"in host_socket_fail; raise the hard limit (ulimit -Hn, systemd "
		"LimitNOFILE=) or lower --max-flows\n",
		app->warnings[app->nb_warnings]);
	app->nb_warnings++;
}

void
sl_fdlimit_refresh(struct sl_app *app)
{
	struct sl_fd_budget *b = &app->fd;
	struct rlimit rl;
	uint64_t limit;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	limit = rlim_u64(rl.rlim_cur);
	if (limit == __atomic_load_n(&b->limit, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&b->limit, limit, __ATOMIC_RELAXED);
	__atomic_store_n(&b->hard, rlim_u64(rl.rlim_max), __ATOMIC_RELAXED);
	__atomic_store_n(&b->flows_max, sl_fd_flows_max(b), __ATOMIC_RELAXED);
	sl_host_kernel_set_fd_limit(limit);
	rte_log(sl_fd_budget_short(b) ? RTE_LOG_WARNING : RTE_LOG_INFO,
		(uint32_t)sl_logtype[SL_LOGTYPE_APP], "sluice." SL_LOG_TAG_APP
		": descriptor limit changed to %" PRIu64 ": room for %" PRIu64
		" flows (--max-flows summed: %" PRIu64 ")\n", limit,
		b->flows_max, b->flows_wanted);
}
