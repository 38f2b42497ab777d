/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_fdlimit.c: the descriptor budget (app/sl_fdlimit.c): what a
 * descriptor limit leaves for guest flows, when --max-flows cannot be
 * reached, the warning text, and the kernel backend keeping its reserve
 * below the limit published to it (not one read per socket).
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sl_fdlimit.h"
#include "sl_host.h"
#include "sl_test.h"

SL_TEST(flows_max_arithmetic)
{
	struct sl_fd_budget b;

	memset(&b, 0, sizeof(b));
	/* prlimit --nofile=1024: 24 open (EAL, tap, telemetry), one worker's
	 * epoll, two forward listeners, the backend's reserve */
	b.limit = 1024;
	b.reserve = SL_HOST_FD_RESERVE;
	b.base = 24;
	b.epolls = 1;
	b.listeners = 2;
	SL_CHECK_EQ(sl_fd_flows_max(&b), 1024 - 32 - 24 - 1 - 2);
	b.flows_wanted = 65536;
	SL_CHECK(sl_fd_budget_short(&b));
	b.flows_wanted = 965;
	SL_CHECK(!sl_fd_budget_short(&b));
	b.flows_wanted = 966;
	SL_CHECK(sl_fd_budget_short(&b));
	/* two workers: two epolls, the flows of both count */
	b.epolls = 2;
	b.flows_wanted = 2 * 480;
	SL_CHECK_EQ(sl_fd_flows_max(&b), 964);
	SL_CHECK(!sl_fd_budget_short(&b));
	/* a limit that leaves nothing, or less than nothing */
	b.limit = 59;
	SL_CHECK_EQ(sl_fd_flows_max(&b), 0);
	b.limit = 10;
	SL_CHECK_EQ(sl_fd_flows_max(&b), 0);
	SL_CHECK(sl_fd_budget_short(&b));
	/* no limit at all */
	b.limit = UINT64_MAX;
	SL_CHECK_EQ(sl_fd_flows_max(&b), UINT64_MAX);
	b.flows_wanted = 16777216ull * 64;
	SL_CHECK(!sl_fd_budget_short(&b));
}

SL_TEST(budget_text_fits_telemetry)
{
	struct sl_fd_budget b;
	char buf[128];

	memset(&b, 0, sizeof(b));
	/* the largest real values: fs.nr_open caps the limit at 2^30,
	 * --max-flows summed is at most 2^24 x 2048 workers */
	b.limit = 4294967295ull;
	b.reserve = SL_HOST_FD_RESERVE;
	b.flows_wanted = 4294967296ull * 8;
	sl_fd_budget_text(&b, buf, sizeof(buf));
	SL_CHECK(strlen(buf) < sizeof(buf) - 1);	/* not truncated */
	b.limit = 1024;
	b.base = 40;
	b.flows_wanted = 65536;
	sl_fd_budget_text(&b, buf, sizeof(buf));
	SL_CHECK(strstr(buf, "1024") != NULL);
	SL_CHECK(strstr(buf, "952") != NULL);
	SL_CHECK(strstr(buf, "65536") != NULL);
	SL_CHECK(strstr(buf, "--max-flows") != NULL);
}

SL_TEST(raise_soft_to_hard)
{
	struct sl_fd_budget b;
	struct rlimit rl, saved;

	SL_CHECK(getrlimit(RLIMIT_NOFILE, &saved) == 0);
	if (saved.rlim_max == RLIM_INFINITY || saved.rlim_max < 64)
		return;		/* nothing to learn here */
	rl.rlim_cur = 64;
	rl.rlim_max = saved.rlim_max;
	SL_CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	sl_fdlimit_raise(&b);
	SL_CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	(void)setrlimit(RLIMIT_NOFILE, &saved);
	SL_CHECK_EQ(b.found, 64);
	SL_CHECK_EQ(b.limit, saved.rlim_max);
	SL_CHECK_EQ(b.hard, saved.rlim_max);
	SL_CHECK_EQ(rl.rlim_cur, saved.rlim_max);
	SL_CHECK_EQ(b.reserve, SL_HOST_FD_RESERVE);
}

SL_TEST(kernel_backend_uses_published_limit)
{
	struct sl_host *h = sl_host_kernel_create();
	int hd[16], next, n, k, rc = 0;

	SL_CHECK(h != NULL);
	/* the lowest free descriptor; room for exactly 3 sockets past it
	 * (the epoll instance is already open) */
	next = dup(0);
	SL_CHECK(next >= 0);
	close(next);
	sl_host_kernel_set_fd_limit((uint64_t)next + 3 + SL_HOST_FD_RESERVE);
	for (n = 0; n < 16; n++) {
		rc = sl_host_open(h, SL_HOST_UDP, (uint64_t)n);
		if (rc < 0)
			break;
		hd[n] = rc;
	}
	SL_CHECK_EQ(rc, -EMFILE);
	SL_CHECK_EQ(n, 3);
	SL_CHECK_EQ(h->open_handles, 3);
	/* a higher published limit: room again, with no getrlimit() */
	sl_host_kernel_set_fd_limit(UINT64_MAX);
	rc = sl_host_open(h, SL_HOST_UDP, 99);
	SL_CHECK(rc >= 0);
	sl_host_close(h, rc, false);
	for (k = 0; k < n; k++)
		sl_host_close(h, hd[k], false);
	SL_CHECK_EQ(h->open_handles, 0);
	sl_host_destroy(h);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
