/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_fdlimit.h: the descriptor budget. Every guest flow (TCP, UDP, ICMP)
 * holds one host socket, so the process's descriptor limit bounds the flows
 * sluice can serve, whatever --max-flows says. At start sluice raises its
 * soft limit to the hard one, counts what the limit leaves for flows, warns
 * once when --max-flows (summed over the workers) cannot be reached, and
 * publishes the limit to the kernel host backend (which never calls
 * getrlimit per socket); the control loop follows later changes.
 */
#ifndef SL_FDLIMIT_H
#define SL_FDLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sl_app;

/** What the descriptor limit allows. */
struct sl_fd_budget {
	uint64_t limit;		/**< RLIMIT_NOFILE soft limit in effect */
	uint64_t hard;		/**< its hard limit */
	uint64_t found;		/**< the soft limit sluice started with */
	unsigned int reserve;	/**< never used for host sockets */
	unsigned int base;	/**< open at start besides epolls and listeners:
				 * EAL, ports, telemetry, standard streams */
	unsigned int epolls;	/**< one epoll instance per worker */
	unsigned int listeners;	/**< forwards' listening sockets */
	uint64_t flows_wanted;	/**< --max-flows summed over the workers */
	uint64_t flows_max;	/**< flows the limit leaves a socket for */
};

/**
 * sl_fd_flows_max - the flows @b's limit leaves a host socket for.
 * @b: limit, reserve, base, epolls and listeners (the rest is ignored)
 *
 * The kernel backend refuses a socket whose descriptor is within the
 * reserve of the limit; descriptors are allocated lowest first, so flows
 * get limit - reserve - (everything else open). UINT64_MAX: no limit.
 *
 * Return: that count, 0 when the limit leaves none.
 */
uint64_t sl_fd_flows_max(const struct sl_fd_budget *b);

/**
 * sl_fd_budget_short - whether --max-flows cannot be reached: the flows
 * wanted exceed sl_fd_flows_max().
 */
bool sl_fd_budget_short(const struct sl_fd_budget *b);

/**
 * sl_fd_budget_text - what the limit allows against what is configured, in
 * one short sentence (under 128 characters: a telemetry string).
 * @b: a computed budget
 * @buf: output
 * @len: size of @buf
 */
void sl_fd_budget_text(const struct sl_fd_budget *b, char *buf, size_t len);

/**
 * sl_fdlimit_raise - raise the soft descriptor limit to the hard one, as
 * servers do (kept where it was when the kernel refuses). Call first thing,
 * before the EAL opens anything; records the limits in @b.
 */
void sl_fdlimit_raise(struct sl_fd_budget *b);

/**
 * sl_fdlimit_start - once everything is set up and before the workers run:
 * count the descriptors open, compute the budget into app->fd, publish the
 * limit to the kernel backend, log it, and warn (log line and
 * app->warnings) when --max-flows cannot be reached.
 */
void sl_fdlimit_start(struct sl_app *app);

/**
 * sl_fdlimit_refresh - from the control loop: when the soft limit changed
 * (prlimit on the running process), publish and log the new budget.
 */
void sl_fdlimit_refresh(struct sl_app *app);

#endif /* SL_FDLIMIT_H */
