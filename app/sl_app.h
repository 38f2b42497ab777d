/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_app.h: the running application as the control plane sees it: the
 * configuration in effect, the ports, the workers and where they run.
 * Written by main() before the workers start; read-only afterwards except
 * for what workers own (reached through their ctl rings).
 */
#ifndef SL_APP_H
#define SL_APP_H

#include <stdint.h>

#include <rte_ethdev.h>

#include "sl_config.h"
#include "sl_fdlimit.h"
#include "sl_port.h"
#include "sl_steer.h"
#include "sl_worker.h"

#define SL_MAX_PORTS RTE_MAX_ETHPORTS
#define SL_MAX_WORKERS (SL_MAX_PORTS * SL_STEER_MAX)
#define SL_APP_WARN_MAX 8	/**< start-up warnings kept for telemetry */
#define SL_APP_WARN_LEN 128	/* RTE_TEL_MAX_STRING_LEN */

struct sl_app {
	struct sl_config cfg;
	uint64_t start_ms;		/**< wall clock at start (ms) */
	unsigned int nb_ports;
	struct sl_port ports[SL_MAX_PORTS];
	unsigned int nb_workers;
	/** one per port queue, in port order (a port's queue 0 first) */
	struct sl_worker *workers[SL_MAX_WORKERS];
	struct sl_steer *steer[SL_MAX_PORTS];	/**< multi-queue ports only */
	struct sl_config port_cfg[SL_MAX_PORTS];	/**< each port's own */
	struct sl_fd_budget fd;		/**< the descriptor budget */
	/** warnings logged at start, for /sluice/info (set before ready) */
	unsigned int nb_warnings;
	char warnings[SL_APP_WARN_MAX][SL_APP_WARN_LEN];
	volatile bool quit;
};

/** The application (one per process). */
extern struct sl_app sl_app;

#endif /* SL_APP_H */
