/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_test.h: the unit-test harness. Each test program registers cases with
 * SL_TEST(name) and runs them from main via sl_test_main(). A case fails on
 * the first SL_CHECK that does not hold. sl_test_eal() starts a small EAL
 * (no hugepages, no PCI, private file prefix) for tests that need mbufs, and
 * sl_test_worker_*() gives a worker wired to the in-memory host backend with
 * its tx burst captured for inspection; its guest has already spoken (its
 * MAC, sl_test_guest_mac, is resolved).
 */
#ifndef SL_TEST_H
#define SL_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>

#include "sl_config.h"
#include "sl_io.h"
#include "sl_worker.h"

struct sl_test_case {
	const char *name;
	void (*fn)(void);
};

extern int sl_test_failed_now;

#define SL_TEST_MAX 256
extern struct sl_test_case sl_test_cases[SL_TEST_MAX];
extern unsigned int sl_test_n;

/** Define and register a test case. */
#define SL_TEST(name)							\
	static void test_##name(void);					\
	__attribute__((constructor)) static void reg_##name(void)	\
	{								\
		if (sl_test_n < SL_TEST_MAX)				\
			sl_test_cases[sl_test_n++] =			\
				(struct sl_test_case){ #name, test_##name }; \
	}								\
	static void test_##name(void)

/** Fail the current case (and return from it) unless @cond holds. */
#define SL_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		sl_test_failed_now = 1;					\
		return;							\
	}								\
} while (0)

/** Compare two integers, printing both on failure. */
#define SL_CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		fprintf(stderr, "  %s:%d: %s == %s failed: %lld != %lld\n", \
			__FILE__, __LINE__, #a, #b, _a, _b);		\
		sl_test_failed_now = 1;					\
		return;							\
	}								\
} while (0)

/**
 * sl_test_main - run all registered cases (or those named in argv).
 * Prints one line per case and a closing "N passed, N failed" line.
 * Return: process exit status (0 when all passed).
 */
int sl_test_main(int argc, char **argv);

/** sl_test_eal - start the EAL once for this process; Return: 0 or -1. */
int sl_test_eal(void);

/** Frames captured from a test worker's tx bursts. */
#define SL_TEST_CAP_MAX 8192
struct sl_test_cap {
	struct rte_mbuf *m[SL_TEST_CAP_MAX];
	unsigned int n;
	unsigned int bursts;	/**< tx burst calls that sent frames */
	unsigned int take_max;	/**< most frames one call takes; 0: all */
	bool refuse;		/**< take nothing (a full tx ring) */
};

/** A worker on the in-memory host with captured output. */
struct sl_test_env {
	struct sl_config cfg;
	struct sl_worker w;
	struct sl_host *host;
	struct sl_test_cap cap;
	volatile bool quit;
};

/**
 * sl_test_env_init - set up @env with default config (tweak env->cfg first
 * by passing @cfg, or NULL for defaults: IPv6 off there, so the IPv4 tests
 * see no router advertisement), a mempool and a mem host.
 * Return: 0 or -1.
 */
int sl_test_env_init(struct sl_test_env *env, const struct sl_config *cfg);

/**
 * sl_test_env_init_manual - like sl_test_env_init(), with the worker on a
 * manual clock: env->w.now_ms moves only when the test advances it (add to
 * it, then run sl_worker_step() to fire timers). Return: 0 or -1.
 */
int sl_test_env_init_manual(struct sl_test_env *env,
	const struct sl_config *cfg);

/** Options of sl_test_env_init_opts(). */
struct sl_test_env_opts {
	unsigned int nb_mbufs;	/**< mempool size; 0: as sl_test_env_init */
	unsigned int cache;	/**< per-lcore mempool cache size; 0: none */
	struct sl_host *host;	/**< backend for the worker; NULL: a mem host */
	bool manual_clock;	/**< as sl_test_env_init_manual() */
	uint16_t mtu;		/**< guest link MTU; 0: 1500 */
	/** a separate rx pool of this many mbufs for guest frames (as
	 * net_af_packet's ring-frame pool, w->rx_mp); 0: frames use the pool */
	unsigned int nb_rx_mbufs;
	uint16_t rx_room;	/**< its mbufs' data room; 0: 9216 + headroom */
	/** frames of a kernel rx ring without back-pressure (as
	 * net_af_packet's: w->rx_ring_frames, TCP's ring budget); 0: none */
	uint32_t ring_frames;
};

/**
 * sl_test_env_init_opts - like sl_test_env_init(), with a chosen mempool
 * size and cache, host backend and clock (benchmarks, large flow counts).
 * @env: environment to set up
 * @cfg: configuration, or NULL for the test defaults
 * @o: options, or NULL for the defaults (same as sl_test_env_init())
 *
 * A host given in @o belongs to the environment from this call on: it is
 * destroyed by sl_test_env_fini(), or here when set-up fails.
 *
 * Return: 0 or -1.
 */
int sl_test_env_init_opts(struct sl_test_env *env,
	const struct sl_config *cfg, const struct sl_test_env_opts *o);

/** sl_test_env_fini - free captured frames, worker, host and pool. */
void sl_test_env_fini(struct sl_test_env *env);

/** sl_test_cap_clear - free captured frames. */
void sl_test_cap_clear(struct sl_test_env *env);

/**
 * sl_test_frame - build a guest frame from raw bytes (Ethernet onward).
 * Return: mbuf or NULL.
 */
struct rte_mbuf *sl_test_frame(struct sl_test_env *env, const void *bytes,
	uint16_t len);

/**
 * sl_test_udp_frame - build a valid guest IPv4/UDP frame with checksums.
 * Addresses/ports in host order. Return: mbuf or NULL.
 */
struct rte_mbuf *sl_test_udp_frame(struct sl_test_env *env,
	const struct rte_ether_addr *src_mac, uint32_t saddr, uint16_t sport,
	uint32_t daddr, uint16_t dport, const void *pay, uint16_t len);

/**
 * sl_test_echo_frame - build a valid guest ICMP echo request (id @id,
 * sequence @seq, 8 bytes "pingdata") from the guest address to @daddr
 * (host order). Return: mbuf or NULL.
 */
struct rte_mbuf *sl_test_echo_frame(struct sl_test_env *env, uint32_t daddr,
	uint16_t id, uint16_t seq);

/** sl_test_input - run one iteration on frame @m (NULL: none). */
void sl_test_input(struct sl_test_env *env, struct rte_mbuf *m);

struct sl_steer;

/**
 * sl_test_steer_new - steering state of a port with @n queues (each call
 * a port of its own). Return: it (free with sl_test_steer_free), or NULL.
 */
struct sl_steer *sl_test_steer_new(unsigned int n);

/** sl_test_steer_free - destroy @s (frames still queued are freed). */
void sl_test_steer_free(struct sl_steer *s);

/**
 * sl_test_env_pair - two test workers, queues 0 and 1 of the port @s
 * steers (undone by sl_test_env_pair_fini). Return: 0 or -1.
 */
int sl_test_env_pair(struct sl_test_env *e0, struct sl_test_env *e1,
	struct sl_steer *s);

/** sl_test_env_pair_fini - undo sl_test_env_pair, free @s too. */
void sl_test_env_pair_fini(struct sl_test_env *e0, struct sl_test_env *e1,
	struct sl_steer *s);

/** The guest MAC used by tests: 02:00:00:00:00:15. */
extern const struct rte_ether_addr sl_test_guest_mac;

/* Fail an int helper (return -1) unless @cond holds. */
#define HCHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: helper check failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		return -1;						\
	}								\
} while (0)

struct rte_tcp_hdr;

/**
 * sl_test_tcp_hdr - fill a guest's TCP header at @th, zeroed first (the
 * checksum left 0), with @optlen option bytes @opt after it; ports,
 * numbers and window in host order.
 */
void sl_test_tcp_hdr(struct rte_tcp_hdr *th, uint16_t sport, uint16_t dport,
	uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
	const uint8_t *opt, uint8_t optlen);

#endif /* SL_TEST_H */
