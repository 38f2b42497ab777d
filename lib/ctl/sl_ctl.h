/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_ctl.h: control requests to a worker. The control plane (telemetry
 * threads, tests) never touches worker-owned state (flow table, TCP state,
 * forwards, host backend): it hands the worker a request through the
 * worker's control ring and waits for the reply. See sl_ctl.c for the
 * theory of operation.
 *
 * Requester side (any thread but the worker's own): sl_ctl_req_alloc(),
 * fill the arguments, sl_ctl_call(), read the results, sl_ctl_req_put().
 * The convenience wrappers (sl_ctl_summary(), sl_ctl_flows(), ...) do all
 * of that and copy the results into caller memory.
 *
 * Worker side: sl_ctl_worker_init() once, sl_ctl_poll() every iteration,
 * sl_ctl_worker_fini() when the worker is torn down.
 */
#ifndef SL_CTL_H
#define SL_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_ring.h>

#include "sl_fwd.h"
#include "sl_io.h"
#include "sl_tcp.h"

#define SL_CTL_RING_SIZE	64	/* requests queued per worker */
#define SL_CTL_POLL_BURST	4	/* requests served per iteration */
#define SL_CTL_TIMEOUT_MS	1000	/* default wait for a reply */

/** What a request asks the worker to do. */
enum sl_ctl_op {
	SL_CTL_OP_NOP = 0,	/**< nothing: round trip only */
	SL_CTL_OP_SUMMARY,	/**< flow counts, mempool use, forwards */
	SL_CTL_OP_FLOWS,	/**< list flows from a slot on */
	SL_CTL_OP_FLOW_INFO,	/**< one flow, with its TCP state */
	SL_CTL_OP_FLOW_CLOSE,	/**< close one flow (TCP: reset both ways) */
	SL_CTL_OP_FWD_LIST,	/**< forwards in effect */
	SL_CTL_OP_FWD_ADD,	/**< start a forward */
	SL_CTL_OP_FWD_DEL,	/**< stop a forward */
	SL_CTL_OP_EXEC,		/**< run a function on the worker (tests) */
	SL_CTL_OP_HOSTS,	/**< the port's hosts, this worker's counts */
	SL_CTL_OP_MAX
};

/** Where a request is in its life (req->state). */
enum sl_ctl_state {
	SL_CTL_NEW = 0,		/**< being filled by the requester */
	SL_CTL_QUEUED,		/**< published to the worker's ring */
	SL_CTL_DONE,		/**< results written, rc set */
};

/** One flow as listed. Addresses and ports in network order. */
struct sl_ctl_flow {
	uint64_t id;		/**< worker-local id: sl_ctl_flow_id() */
	struct sl_flow_key key;	/**< guest side */
	union sl_sockaddr host_dst;	/**< host peer */
	uint8_t proto;
	uint8_t state;		/**< protocol-specific (TCP: sl_tcp states) */
	bool inbound;		/**< opened from the host side (forward) */
	uint64_t age_ms;
	uint64_t idle_ms;
	uint64_t bytes_to_host;
	uint64_t bytes_to_guest;
	/* TCP only */
	uint32_t guest_wnd;	/**< window the guest advertises, bytes */
	uint32_t adv_wnd;	/**< window we last advertised, bytes */
	uint32_t in_flight;
	uint32_t cwnd;		/**< congestion window, bytes (0: unset) */
};

/** One TCP flow in full (SL_CTL_OP_FLOW_INFO). */
struct sl_ctl_flow_info {
	struct sl_ctl_flow flow;
	bool is_tcp;
	struct sl_tcp_info tcp;	/**< valid when is_tcp */
	uint32_t adv_wnd_now;	/**< right edge - RCV.NXT: what is open now */
	long host_unsent;	/**< host socket send queue (bytes), -1: none */
	long host_wspace;	/**< host socket free send space, -1: none */
};

/** What SL_CTL_OP_SUMMARY returns. */
struct sl_ctl_summary {
	uint32_t flows_active;
	uint32_t flows_max;
	unsigned int mp_in_use;	/**< mbufs of the worker's pool in use */
	unsigned int mp_avail;
	unsigned int mp_size;
	unsigned int nb_fwd;
	uint64_t iter;		/**< poll iterations so far */
};

/** A function run on the worker by SL_CTL_OP_EXEC; returns req->rc. */
/**
 * One host of a port as one worker sees it (SL_CTL_OP_HOSTS): the
 * port-wide facts (address, MAC, lease) and this worker's counts.
 */
struct sl_ctl_host {
	uint32_t ip;			/**< network order; 0: IPv6 */
	struct sl_addr addr;		/**< the address (IPv4 v4-mapped) */
	bool known;			/**< MAC resolved */
	struct rte_ether_addr mac;
	uint64_t idle_ms;		/**< since its last frame; UINT64_MAX: never */
	uint8_t lease;			/**< enum sl_lease_state + 1; 0: none */
	uint64_t lease_left_ms;		/**< UINT64_MAX: infinite */
	uint32_t flows;			/**< live flows of the host */
	uint64_t flow_bytes_to_host;	/**< over those flows */
	uint64_t flow_bytes_to_guest;
	uint64_t frames_in, bytes_in;	/**< frames from the host */
	uint64_t frames_out, bytes_out;	/**< frames to it */
};

typedef int (*sl_ctl_exec_fn)(struct sl_worker *w, void *arg);

/**
 * A request. Allocated by sl_ctl_req_alloc() with room for @cap list
 * entries; shared by the requester and the worker, freed by whichever of
 * them drops the last reference (sl_ctl_req_put()).
 */
struct sl_ctl_req {
	uint32_t refcnt;	/**< atomic: requester + worker while queued */
	uint32_t state;		/**< atomic: enum sl_ctl_state */
	enum sl_ctl_op op;
	int rc;			/**< result: 0 or -errno (valid once DONE) */

	/* arguments */
	uint64_t flow_id;	/**< FLOW_INFO, FLOW_CLOSE: worker-local id */
	uint32_t start;		/**< FLOWS: first slot to look at */
	struct sl_fwd_spec fwd;	/**< FWD_ADD, FWD_DEL */
	sl_ctl_exec_fn fn;	/**< EXEC */
	void *arg;		/**< EXEC */

	/* results */
	uint32_t next;		/**< FLOWS: slot to resume from */
	bool more;		/**< FLOWS, FWD_LIST: entries left out */
	uint32_t total;		/**< FLOWS: active flows; FWD_LIST: forwards */
	uint32_t n;		/**< list entries filled */
	uint32_t cap;		/**< list entries the request has room for */
	union {
		struct sl_ctl_summary summary;
		struct sl_ctl_flow_info info;
	} u;
	struct sl_ctl_flow *flows;	/**< FLOWS: cap entries */
	struct sl_fwd_spec *fwds;	/**< FWD_LIST: cap entries */
	struct sl_ctl_host *hosts;	/**< HOSTS: cap entries */
};

/**
 * sl_ctl_req_alloc - a new request holding one reference (the caller's).
 * @op: operation
 * @cap: list entries to make room for (FLOWS, FWD_LIST; 0 otherwise)
 *
 * Return: the zeroed request, or NULL (out of memory).
 */
struct sl_ctl_req *sl_ctl_req_alloc(enum sl_ctl_op op, uint32_t cap);

/**
 * sl_ctl_req_put - drop one reference; the last one frees the request.
 * @req: request (NULL is ignored)
 */
void sl_ctl_req_put(struct sl_ctl_req *req);

/**
 * sl_ctl_call - have @w execute @req and wait for the reply.
 * @w: worker (its ring made by sl_ctl_worker_init())
 * @req: filled request, state SL_CTL_NEW, caller holds a reference
 * @timeout_ms: how long to wait for the reply (0: SL_CTL_TIMEOUT_MS)
 *
 * Never call it from @w's own lcore (it would wait for itself). The caller
 * keeps its reference and must sl_ctl_req_put() it whatever the outcome.
 * After -ETIMEDOUT the worker may still be writing the results: the
 * caller must not read them (putting the request is safe: the worker frees
 * it when it is done).
 *
 * Return: req->rc (the operation's result); -ENOTCONN when @w has no ring;
 * -EBUSY when its ring is full; -ETIMEDOUT when no reply came in time;
 * -EINVAL for a bad request.
 */
int sl_ctl_call(struct sl_worker *w, struct sl_ctl_req *req,
	unsigned int timeout_ms);

/**
 * sl_ctl_worker_init - create @w's control ring (multi-producer, single
 * consumer) in w->ctl_ring. Return: 0 or -ENOMEM / -errno.
 */
int sl_ctl_worker_init(struct sl_worker *w);

/**
 * sl_ctl_worker_fini - cancel the requests still queued (their requesters
 * get -ECANCELED) and free the ring. Owner thread, with no requester left
 * that could enqueue (the control plane is stopped first).
 */
void sl_ctl_worker_fini(struct sl_worker *w);

/** sl_ctl_serve - serve up to @max queued requests (owner thread). */
unsigned int sl_ctl_serve(struct sl_worker *w, unsigned int max);

/**
 * sl_ctl_poll - serve a few queued requests; called once per poll-loop
 * iteration by the owner. Costs one load and compare of the ring's indexes
 * when the ring is empty.
 */
static inline void
sl_ctl_poll(struct sl_worker *w)
{
	if (likely(w->ctl_ring == NULL || rte_ring_empty(w->ctl_ring)))
		return;
	sl_ctl_serve(w, SL_CTL_POLL_BURST);
}

/**
 * sl_ctl_flow_id - the worker-local id of @f: generation * capacity + slot.
 * Stays unique for the flow's whole life; a freed and reused slot gets a
 * new id.
 */
static inline uint64_t
sl_ctl_flow_id(const struct sl_worker *w, const struct sl_flow *f)
{
	return (uint64_t)f->gen * w->ft.max + f->idx;
}

/* ---- convenience wrappers: one request each, results copied out ---- */

/** sl_ctl_summary - SL_CTL_OP_SUMMARY. Return: as sl_ctl_call(). */
int sl_ctl_summary(struct sl_worker *w, struct sl_ctl_summary *out,
	unsigned int timeout_ms);

/**
 * sl_ctl_flows - list up to @cap flows of @w from slot @start on.
 * @w: worker
 * @start: first slot (0 for the first page)
 * @out: @cap entries
 * @cap: room in @out
 * @n: filled with the entries written
 * @next: filled with the slot to continue from
 * @more: filled with whether flows past the last one listed exist
 * @timeout_ms: as sl_ctl_call()
 *
 * Return: as sl_ctl_call().
 */
int sl_ctl_flows(struct sl_worker *w, uint32_t start, struct sl_ctl_flow *out,
	uint32_t cap, uint32_t *n, uint32_t *next, bool *more,
	unsigned int timeout_ms);

/** sl_ctl_flow_info - one flow by local id. Return: -ENOENT when gone. */
int sl_ctl_flow_info(struct sl_worker *w, uint64_t id,
	struct sl_ctl_flow_info *out, unsigned int timeout_ms);

/** sl_ctl_flow_close - close a flow by local id. Return: -ENOENT, ... */
int sl_ctl_flow_close(struct sl_worker *w, uint64_t id,
	unsigned int timeout_ms);

/**
 * sl_ctl_hosts - the hosts of @w's port with @w's counts (up to @cap;
 * SL_HOSTS_MAX always fits). Return: as sl_ctl_call(); *n entries.
 */
int sl_ctl_hosts(struct sl_worker *w, struct sl_ctl_host *out, uint32_t cap,
	uint32_t *n, unsigned int timeout_ms);

/** sl_ctl_do_hosts - worker side of sl_ctl_hosts() (sl_ctl_hosts.c). */
int sl_ctl_do_hosts(struct sl_worker *w, struct sl_ctl_req *req);

/**
 * sl_ctl_fwd_list - the forwards of @w (up to @cap; SL_FWD_MAX always
 * fits). Return: as sl_ctl_call(); *n entries written.
 */
int sl_ctl_fwd_list(struct sl_worker *w, struct sl_fwd_spec *out,
	uint32_t cap, uint32_t *n, unsigned int timeout_ms);

/** sl_ctl_fwd_add - sl_fwd_add() on the worker. Return: its result. */
int sl_ctl_fwd_add(struct sl_worker *w, const struct sl_fwd_spec *s,
	unsigned int timeout_ms);

/** sl_ctl_fwd_del - sl_fwd_del() on the worker. Return: its result. */
int sl_ctl_fwd_del(struct sl_worker *w, const struct sl_fwd_spec *s,
	unsigned int timeout_ms);

/** sl_ctl_exec - run @fn(@w, @arg) on the worker. Return: its result. */
int sl_ctl_exec(struct sl_worker *w, sl_ctl_exec_fn fn, void *arg,
	unsigned int timeout_ms);

/** Control requests in the protocol table (sl_proto.h). */
extern const struct sl_proto sl_ctl_proto;

#endif /* SL_CTL_H */
