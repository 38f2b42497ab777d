/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_rundir.h: test programs (unit tests, fuzz harness) remove the DPDK
 * runtime directory their EAL made (/var/run/dpdk/PREFIX) when they exit,
 * so test runs leave nothing behind. Header only: one static function per
 * program.
 */
#ifndef SL_RUNDIR_H
#define SL_RUNDIR_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

static char sl_rundir_path[PATH_MAX];

/** sl_rundir_remove - unlink what the runtime directory holds, then it. */
static void
sl_rundir_remove(void)
{
	DIR *d = opendir(sl_rundir_path);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(sl_rundir_path);
}

/**
 * sl_rundir_remove_at_exit - after rte_eal_init(): remove this process's
 * runtime directory when it exits (the EAL is not torn down: only its
 * files go, which nothing reads after exit).
 */
static inline void
sl_rundir_remove_at_exit(void)
{
	snprintf(sl_rundir_path, sizeof(sl_rundir_path), "%s",
		rte_eal_get_runtime_dir());
	if (sl_rundir_path[0] != '\0')
		atexit(sl_rundir_remove);
}

#endif /* SL_RUNDIR_H */
