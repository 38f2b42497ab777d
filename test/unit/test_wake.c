/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_wake.c: unit tests of the kernel backend's wake descriptors
 * (sl_host_kernel_wake_fd: the port's AF_PACKET socket ends a worker's
 * idle sleep), played by a pipe: one event per arrival (edge-triggered),
 * carrying SL_HOST_WAKE_COOKIE, a sleeping poll ended by it, and the
 * descriptor left open and unread by the backend.
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "sl_host.h"
#include "sl_test.h"

/** now_ms - CLOCK_MONOTONIC in milliseconds. */
static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

SL_TEST(wake_fd_events)
{
	struct sl_host *h = sl_host_kernel_create();
	struct sl_host_ev ev[4];
	int p[2] = { -1, -1 };
	char c = 'x';
	uint64_t t0;
	pid_t pid;

	SL_CHECK(h != NULL);
	SL_CHECK(pipe(p) == 0);
	SL_CHECK_EQ(sl_host_kernel_wake_fd(h, p[0]), 0);
	SL_CHECK_EQ(sl_host_kernel_wake_fd(h, p[0]), -EEXIST);
	SL_CHECK_EQ(sl_host_poll(h, ev, 4, 0), 0);
	/* an arrival: one event with the wake cookie */
	SL_CHECK_EQ(write(p[1], &c, 1), 1);
	SL_CHECK_EQ(sl_host_poll(h, ev, 4, 0), 1);
	SL_CHECK(ev[0].cookie == SL_HOST_WAKE_COOKIE);
	SL_CHECK_EQ(ev[0].events, SL_HOST_EV_IN);
	/* what merely waits (unread) wakes nobody again */
	SL_CHECK_EQ(sl_host_poll(h, ev, 4, 0), 0);
	/* a sleeping poll ends at the next arrival, not at its timeout */
	pid = fork();
	SL_CHECK(pid >= 0);
	if (pid == 0) {
		usleep(50000);
		(void)!write(p[1], &c, 1);
		_exit(0);
	}
	t0 = now_ms();
	SL_CHECK_EQ(sl_host_poll(h, ev, 4, 5000), 1);
	SL_CHECK(now_ms() - t0 < 4000);
	SL_CHECK_EQ(waitpid(pid, NULL, 0), pid);
	SL_CHECK(ev[0].cookie == SL_HOST_WAKE_COOKIE);
	/* the backend never read it: both bytes are still there */
	{
		char b[4];

		SL_CHECK_EQ(read(p[0], b, sizeof(b)), 2);
	}
	sl_host_destroy(h);
	close(p[0]);
	close(p[1]);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
