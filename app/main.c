/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * main.c: the sluice binary. Starts the EAL, reads the options, sets up every
 * ethdev port the EAL arguments created, gives each port queue a worker
 * context on an EAL worker lcore (a multi-queue port's workers share its
 * steering state, sl_steer.c), and runs control on the main lcore until SIGINT or
 * SIGTERM; then stops the workers, closes every flow and socket, stops the
 * ports, prints the counters and exits 0. Before it says "ready", every port
 * is started, every net_tap port checked and moved into its --netns
 * (sl_netns.c), and the descriptor budget counted (sl_fdlimit.c).
 *
 * Exit status: 0 clean stop, 1 start-up failure, 2 bad command line.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include "sl_app.h"
#include "sl_ctl.h"
#include "sl_fdlimit.h"
#include "sl_fwd.h"
#include "sl_log.h"
#include "sl_netns.h"
#include "sl_options.h"
#include "sl_offload.h"
#include "sl_vhostq.h"
#include "sl_port.h"
#include "sl_relay.h"
#include "sl_worker.h"
#ifdef SL_HAVE_TELEMETRY
#include "sl_telemetry.h"
#endif

#define LOG(l, ...) SL_LOG(APP, l, __VA_ARGS__)

struct sl_app sl_app;
#define ports sl_app.ports
#define workers sl_app.workers
#define nb_workers sl_app.nb_workers

/** Workers an lcore runs (one per port it polls). */
struct lcore_work {
	unsigned int n;
	unsigned int n_wake;	/**< workers whose sleep guest frames end */
	struct sl_worker *w[SL_MAX_WORKERS];
};

static struct lcore_work lcore_work[RTE_MAX_LCORE];

#define SL_IDLE_SPIN_MS		2	/* busy-poll this long after work */
/* ... or this long (us) when guest frames end the sleep (an af_packet
 * port: its sockets, sp->ring_fds): a worker waiting on its peers gives them the
 * CPU */
#define SL_IDLE_SPIN_WAKE_US	50
#define SL_IDLE_SLEEP_MS	1	/* the port is polled again after this */
/* idle polls between two sched_yield()s while busy-polling: a thread
 * sharing the CPU still gets it within a few microseconds, without one
 * system call per empty poll */
#define SL_IDLE_YIELD_POLLS	16

/** on_signal - SIGINT, SIGTERM: ask every lcore to stop. */
static void
on_signal(int sig)
{
	(void)sig;
	sl_app.quit = true;
}

/**
 * lcore_main - a worker lcore's poll loop over the workers it owns.
 */
static int
lcore_main(void *arg)
{
	struct lcore_work *lw = arg;
	uint64_t idle_since = 0, spin = rte_get_timer_hz() / 1000 *
		SL_IDLE_SPIN_MS;
	unsigned int i, work, idle_polls = 0;
	sigset_t sigio;

	/*
	 * net_tap raises SIGIO for every frame the guest writes (its rx
	 * trigger, a process-wide counter). Let the control thread take
	 * those signals: a worker interrupted per frame loses ~20% to
	 * signal delivery.
	 */
	sigemptyset(&sigio);
	sigaddset(&sigio, SIGIO);
	pthread_sigmask(SIG_BLOCK, &sigio, NULL);
	if (lw->n == 1 && lw->n_wake == 1)
		spin = rte_get_timer_hz() / 1000000 * SL_IDLE_SPIN_WAKE_US;

	while (!sl_app.quit) {
		work = 0;
		for (i = 0; i < lw->n; i++)
			work += sl_worker_poll(lw->w[i]);
		if (work != 0 || !sl_app.cfg.idle_sleep) {
			idle_since = 0;
			continue;
		}
		/* nothing to do for a while: let a thread sharing this CPU
		 * run (returns at once when none is runnable) */
		if (++idle_polls >= SL_IDLE_YIELD_POLLS) {
			idle_polls = 0;
			sched_yield();
		}
		/* busy-poll while traffic is recent; then sleep in the host
		 * epoll (woken by host sockets at once, by guest frames
		 * within SL_IDLE_SLEEP_MS) */
		if (idle_since == 0)
			idle_since = rte_get_timer_cycles();
		if (rte_get_timer_cycles() - idle_since < spin)
			continue;
		if (lw->n == 1)
			sl_worker_idle_wait(lw->w[0], SL_IDLE_SLEEP_MS);
		else
			usleep(50);	/* several ports: poll them in turn */
	}
	return 0;
}

/**
 * add_wake - let guest frames on @sp end @w's idle sleep (the port's
 * AF_PACKET sockets, sp->ring_fds, in its host epoll). Return: true when
 * they do.
 */
static bool
add_wake(struct sl_worker *w, const struct sl_port *sp)
{
	unsigned int i;

	for (i = 0; i < sp->nb_ring_fds; i++)
		if (sl_host_kernel_wake_fd(w->host, sp->ring_fds[i]) != 0)
			return false;
	if (sp->nb_ring_fds > 0)
		LOG(INFO, "worker %u: guest frames end its idle sleep "
			"(%u AF_PACKET socket(s))\n", w->id, sp->nb_ring_fds);
	return sp->nb_ring_fds > 0;
}

/**
 * add_worker - create the worker context of queue @q of port @sp on lcore
 * @lc: its host backend, flow table and control ring.
 * Return: 0, or 1 (printed) on failure.
 */
static int
add_worker(const struct sl_config *pc, const struct sl_port *sp, uint16_t q,
	struct sl_steer *steer, unsigned int lc)
{
	struct sl_worker *w;
	struct sl_host *h;

	w = rte_zmalloc_socket("sl_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
		(int)rte_lcore_to_socket_id(lc));
	h = sl_host_kernel_create();
	if (w == NULL || h == NULL) {
		fprintf(stderr, "sluice: out of memory for worker\n");
		rte_free(w);
		if (h != NULL)
			sl_host_destroy(h);
		return 1;
	}
	w->id = nb_workers;
	w->lcore = lc;
	w->port_id = sp->port_id;
	w->queue_id = q;
	w->steer = steer;
	w->mtu = sp->mtu;
	w->tx_mtu = sp->tx_mtu;
	w->seg_room = sp->seg_room;
	w->multiseg = sp->multiseg;
	w->host_poll_every = SL_HOST_POLL_EVERY;
	w->rx_mp = sp->rx_mp;
	w->pay_mp = sp->pay_mp;
	w->rx_ring_frames = sp->ring_frames;
	w->hdring = q == 0 ? sp->hdring : NULL;
	w->vtx = q < RTE_DIM(sp->vtx) ? sp->vtx[q] : NULL;
	w->vrx = q < RTE_DIM(sp->vrx) ? sp->vrx[q] : NULL;
	w->mbuf_reserve = sp->mbuf_reserve;
	w->quit = &sl_app.quit;
	if (sl_relay_worker_init(w, pc, sp->mp, h) != 0) {
		fprintf(stderr, "sluice: worker %u: cannot allocate its flow "
			"table (%u flows)\n", nb_workers, pc->max_flows);
		sl_host_destroy(h);
		rte_free(w);
		return 1;
	}
	workers[nb_workers++] = w;
	if (sl_ctl_worker_init(w) != 0) {
		fprintf(stderr, "sluice: worker %u: cannot create its control "
			"ring\n", w->id);
		return 1;
	}
	if (sl_offload_watch(w, sp) != 0)
		return 1;
	if (add_wake(w, sp))
		lcore_work[lc].n_wake++;
	lcore_work[lc].w[lcore_work[lc].n++] = w;
	LOG(INFO, "port %u queue %u -> worker %u on lcore %u\n", sp->port_id,
		q, w->id, lc);
	return 0;
}

/**
 * print_stats - print every non-zero counter summed over the workers, as
 * "name value" lines on stdout.
 */
static void
print_stats(void)
{
	unsigned int i, k;

	printf("sluice: counters\n");
	for (k = 0; k < SL_STAT_MAX; k++) {
		uint64_t v = 0;

		for (i = 0; i < nb_workers; i++)
			v += SL_STAT_READ(workers[i]->stats, k);
		if (v != 0)
			printf("  %s %" PRIu64 "\n", sl_stat_names[k], v);
	}
	fflush(stdout);
}

/**
 * early_exit_option - answer --help and --version before the EAL starts
 * (it would log, and need lcores and memory, before the options are read).
 * Any argument -h, --help, -V or --version, on either side of "--", counts.
 * Return: true when one was handled (the text went to stdout).
 */
static bool
early_exit_option(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			sl_options_usage(stdout, "sluice");
			return true;
		}
		if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0) {
			printf("sluice %s\n", SL_VERSION);
			return true;
		}
	}
	return false;
}

/**
 * setup_port - set up the next ethdev port: its configuration (the global
 * one plus its [port N] section), the port itself, its steering state when
 * it has several queues, and one worker per queue, on the worker lcores
 * from *@slot on (or from its pinned worker-lcore).
 * @pid: the ethdev port
 * @worker_lcores: the EAL worker lcores
 * @nb_lcores: how many
 * @slot: the next worker lcore for unpinned ports; advanced past this
 *	port's queues
 *
 * Return: 0, 1 (start-up failure) or 2 (bad configuration), printed.
 */
static int
setup_port(uint16_t pid, const unsigned int *worker_lcores,
	unsigned int nb_lcores, unsigned int *slot)
{
	unsigned int n = sl_app.nb_ports;
	struct sl_config *pc = &sl_app.port_cfg[n];
	struct sl_port *sp = &ports[n];
	unsigned int base = *slot, q;
	char err[256];
	int ret = 0;

	if (sl_options_port(&sl_app.cfg, n, pc, err, sizeof(err)) != 0) {
		fprintf(stderr, "sluice: %s\n", err);
		return 2;
	}
	if (pc->worker_lcore != 0) {
		if (!rte_lcore_is_enabled(pc->worker_lcore) ||
		    pc->worker_lcore == rte_get_main_lcore()) {
			fprintf(stderr, "sluice: port %u: worker-lcore %u "
				"is not an EAL worker lcore (-l)\n",
				n, pc->worker_lcore);
			return 2;
		}
		/* the pinned lcore is a worker lcore: found */
		for (base = 0; base < nb_lcores &&
		    worker_lcores[base] != pc->worker_lcore; base++)
			;
	}
	if (sl_port_setup(pid, pc, sp, err, sizeof(err)) != 0) {
		fprintf(stderr, "sluice: %s\n", err);
		return 1;
	}
	sl_app.nb_ports = n + 1;
	if (sp->nb_queues > 1 && (sl_app.steer[pid] = rte_zmalloc(
	    "sl_steer", sizeof(struct sl_steer), 0)) != NULL &&
	    sl_steer_create(sl_app.steer[pid], pid, sp->nb_queues,
	    sp->rss ? sp->reta_size : 0,
	    rte_eth_dev_socket_id(pid)) != 0) {
		rte_free(sl_app.steer[pid]);
		sl_app.steer[pid] = NULL;
	}
	if (sl_app.steer[pid] != NULL && sp->rss)
		sl_steer_set_rss(sl_app.steer[pid], sp->rss_hf);
	if (sp->nb_queues > 1 && sl_app.steer[pid] == NULL) {
		fprintf(stderr, "sluice: port %u: cannot create its "
			"steering rings\n", pid);
		return 1;
	}
	for (q = 0; ret == 0 && q < sp->nb_queues; q++) {
		unsigned int lc = worker_lcores[(base + q) % nb_lcores];

		ret = add_worker(pc, sp, q, sl_app.steer[pid], lc);
	}
	if (ret == 0 && sl_app.steer[pid] != NULL && sp->vhost &&
	    sl_vhostq_watch(pid, sl_app.steer[pid]) != 0)
		ret = 1;
	if (pc->worker_lcore == 0)
		*slot += sp->nb_queues;
	return ret;
}

/**
 * add_forwards - start each port's forwards (the global ones: the first
 * port's) on its workers: TCP on every worker of the port, UDP on its
 * worker 0.
 * Return: 0, or 2 when one cannot listen (printed).
 */
static int
add_forwards(void)
{
	unsigned int i, k;
	int ret = 0;

	for (k = 0; ret == 0 && k < nb_workers; k++) {
		const struct sl_config *pc = workers[k]->cfg;

		for (i = 0; ret == 0 && i < pc->nb_fwd; i++) {
			char spec[SL_FWD_TEXT_LEN];
			int rc;

			/* UDP forwards: a multi-queue port's worker 0 */
			if (pc->fwd[i].proto == IPPROTO_UDP &&
			    workers[k]->queue_id != 0)
				continue;
			rc = sl_fwd_add(workers[k], &pc->fwd[i]);

			if (rc != 0) {
				sl_fwd_format(&pc->fwd[i], spec, sizeof(spec));
				fprintf(stderr, "sluice: port %u: --%s-forward "
					"%s: cannot listen: %s\n", k,
					pc->fwd[i].proto == IPPROTO_UDP ?
					"udp" : "tcp", spec + 4,
					strerror(-rc));
				ret = 2;
			}
		}
	}
	return ret;
}

/**
 * run - launch every worker lcore that has workers, say "ready", and do
 * control on the main lcore (the descriptor limit, every second) until
 * SIGINT or SIGTERM; then wait for the worker lcores to return.
 * @worker_lcores: the EAL worker lcores
 * @nb_lcores: how many
 */
static void
run(const unsigned int *worker_lcores, unsigned int nb_lcores)
{
	struct timespec ts;
	unsigned int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	sl_app.start_ms = (uint64_t)ts.tv_sec * 1000 +
		(uint64_t)ts.tv_nsec / 1000000;
	for (i = 0; i < nb_lcores; i++)
		if (lcore_work[worker_lcores[i]].n > 0)
			rte_eal_remote_launch(lcore_main,
				&lcore_work[worker_lcores[i]],
				worker_lcores[i]);
	LOG(INFO, "running: %u port(s), %u worker(s)\n", sl_app.nb_ports,
		nb_workers);
	printf("sluice: ready\n");
	fflush(stdout);
	/* a quit is seen within 100 ms; the descriptor limit, which
	 * changes only when an operator runs prlimit, is read once a
	 * second (getrlimit is a system call), and so are the rx ring
	 * drops of net_af_packet ports (logged when they grow) */
	for (i = 0; !sl_app.quit; i++) {
		usleep(100 * 1000);
		if (i % 10 == 9) {
			unsigned int p;

			sl_fdlimit_refresh(&sl_app);
			for (p = 0; p < sl_app.nb_ports; p++)
				sl_port_ring_check(&ports[p],
					rte_get_timer_cycles() /
					(rte_get_timer_hz() / 1000));
		}
	}
	LOG(INFO, "stopping\n");
	rte_eal_mp_wait_lcore();
}

/**
 * teardown - stop serving telemetry, close every worker's flows and
 * sockets, stop the ports (frames on steering rings go back to their
 * pools), print the counters after a clean run, free the workers.
 * @ret: main's exit status so far (counters are printed when 0)
 */
static void
teardown(int ret)
{
	unsigned int i;

#ifdef SL_HAVE_TELEMETRY
	sl_telemetry_fini();
#endif
	for (i = 0; i < nb_workers; i++) {
		sl_worker_fini(workers[i]);
	}
	for (i = 0; i < sl_app.nb_ports; i++) {
		uint16_t p = ports[i].port_id;

		/* frames still on steering rings go back to the port's pool */
		if (sl_app.steer[p] != NULL) {
			if (ports[i].vhost)
				sl_vhostq_unwatch(p, sl_app.steer[p]);
			sl_steer_destroy(sl_app.steer[p]);
			rte_free(sl_app.steer[p]);
		}
		sl_offload_unwatch(&ports[i]);
		sl_port_stop(&ports[i]);
	}
	if (ret == 0)
		print_stats();
	for (i = 0; i < nb_workers; i++)
		rte_free(workers[i]);
}

/**
 * main - the sluice binary (see the comment at the top of this file).
 * Return: the exit status: 0 clean stop, 1 start-up failure, 2 bad
 * command line.
 */
int
main(int argc, char **argv)
{
	unsigned int lcore, nb_lcores = 0, slot = 0;
	unsigned int worker_lcores[RTE_MAX_LCORE];
	char err[256];
	uint16_t pid;
	int ret;

	if (early_exit_option(argc, argv))
		return 0;
	sl_fdlimit_raise(&sl_app.fd);
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "sluice: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)"sluice";

	sl_config_defaults(&sl_app.cfg);
	ret = sl_options_parse(argc, argv, &sl_app.cfg, err, sizeof(err));
	if (ret != 0) {
		if (ret < 0)
			fprintf(stderr, "sluice: %s\n", err);
		rte_eal_cleanup();
		return ret < 0 ? 2 : 0;
	}
	if (sl_app.cfg.dns_fwd == 0 && sl_addr_is_any(&sl_app.cfg.dns_fwd6))
		LOG(WARNING, "no resolver found: DNS forwarding is off\n");

	RTE_LCORE_FOREACH_WORKER(lcore)
		worker_lcores[nb_lcores++] = lcore;
	if (nb_lcores == 0) {
		fprintf(stderr, "sluice: no worker lcore: give the EAL at "
			"least two lcores (e.g. -l 0,1)\n");
		rte_eal_cleanup();
		return 1;
	}
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "sluice: no ethdev port: create one with the "
			"EAL arguments (e.g. --vdev net_tap0)\n");
		rte_eal_cleanup();
		return 1;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	ret = 0;
	RTE_ETH_FOREACH_DEV(pid) {
		ret = setup_port(pid, worker_lcores, nb_lcores, &slot);
		if (ret != 0)
			break;
	}
	if (ret == 0)
		ret = add_forwards();
	if (ret == 0)
		sl_fdlimit_start(&sl_app);
#ifdef SL_HAVE_TELEMETRY
	if (ret == 0 && sl_telemetry_init(&sl_app) != 0) {
		fprintf(stderr, "sluice: telemetry commands could not be "
			"registered\n");
		ret = 1;
	}
#endif
	if (ret == 0) {
		ret = sl_netns_ports_place(&sl_app, err, sizeof(err));
		if (ret != 0)
			fprintf(stderr, "sluice: %s\n", err);
	}
	if (ret == 0)
		run(worker_lcores, nb_lcores);
	teardown(ret);
	rte_eal_cleanup();
	return ret;
}
