/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_ctl.c: the control request/reply path between control threads and a
 * worker.
 *
 * Theory of operation
 * -------------------
 * A worker's state (flow table, TCP connections, forwards, host sockets)
 * belongs to its lcore: nothing else reads or writes it. A control thread
 * (a telemetry client thread, a test) that needs any of it builds a request
 * and lets the worker execute it:
 *
 *   requester                               worker (sl_ctl_poll, once per
 *                                           poll iteration)
 *   req = sl_ctl_req_alloc()  refcnt 1
 *   fill the arguments
 *   refcnt 2, state QUEUED (release)
 *   rte_ring_mp_enqueue(w->ctl_ring) ---->  rte_ring_sc_dequeue_burst
 *                                           load state (acquire) == QUEUED
 *                                           execute; write the results, rc
 *   wait: load state (acquire) <---------   state DONE (release)
 *     == DONE, bounded by a timeout         put: refcnt - 1
 *   read the results
 *   put: refcnt - 1, the last one frees
 *
 * Memory ordering. Everything the requester wrote before its release store
 * of QUEUED is visible to the worker after its acquire load reads QUEUED;
 * everything the worker wrote before its release store of DONE is visible
 * to the requester after its acquire load reads DONE. These two pairs, not
 * the ring's own barriers, order the request's contents, so the protocol is
 * correct on any memory model and visible as such to ThreadSanitizer (the
 * ring only carries the pointer).
 *
 * Ownership. A request is shared by two parties and freed by the one that
 * drops the last reference (an atomic counter, acq_rel so the freeing side
 * sees the other's last writes). A requester that gives up waiting
 * (timeout) just drops its reference and returns -ETIMEDOUT: the worker
 * still holds its own, writes into memory that is still allocated, and
 * frees the request when done. Nobody ever reads results after a timeout.
 * A request queued to a worker that is being torn down is completed by
 * sl_ctl_worker_fini() with -ECANCELED. Requests are malloc()ed, not taken
 * from a DPDK heap, so they can be freed by either side from any thread.
 *
 * Cost on the worker. sl_ctl_poll() is inline: with an empty ring it is
 * two loads and a compare. At most SL_CTL_POLL_BURST requests are served
 * per iteration, and a flow listing scans at most SL_CTL_SCAN_MAX slots per
 * request (the requester asks again from where it stopped), so control
 * traffic never stalls the data path for long.
 *
 * Concurrency. The ring is multi-producer: any number of threads may have
 * requests in flight to the same worker; each waits on its own request.
 * When the ring is full the requester gets -EBUSY at once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "sl_ctl.h"
#include "sl_fwd.h"
#include "sl_io.h"
#include "sl_log.h"
#include "sl_tcp.h"

#define SL_CTL_SCAN_MAX	8192	/* flow slots looked at per FLOWS request */
#define SL_CTL_SPIN	200	/* busy polls before sleeping while waiting */
#define SL_CTL_NAP_NS	20000	/* sleep between polls afterwards */

/* ------------------------------------------------------------------ */
/* requests                                                             */

struct sl_ctl_req *
sl_ctl_req_alloc(enum sl_ctl_op op, uint32_t cap)
{
	size_t list = 0;
	struct sl_ctl_req *req;

	if (op == SL_CTL_OP_FLOWS)
		list = sizeof(struct sl_ctl_flow) * cap;
	else if (op == SL_CTL_OP_FWD_LIST)
		list = sizeof(struct sl_fwd_spec) * cap;
	else if (op == SL_CTL_OP_HOSTS)
		list = sizeof(struct sl_ctl_host) * cap;
	else
		cap = 0;
	req = calloc(1, sizeof(*req) + list);
	if (req == NULL)
		return NULL;
	req->op = op;
	req->cap = cap;
	req->refcnt = 1;
	req->state = SL_CTL_NEW;
	if (op == SL_CTL_OP_FLOWS)
		req->flows = (struct sl_ctl_flow *)(req + 1);
	else if (op == SL_CTL_OP_FWD_LIST)
		req->fwds = (struct sl_fwd_spec *)(req + 1);
	else if (op == SL_CTL_OP_HOSTS)
		req->hosts = (struct sl_ctl_host *)(req + 1);
	return req;
}

void
sl_ctl_req_put(struct sl_ctl_req *req)
{
	if (req == NULL)
		return;
	if (__atomic_sub_fetch(&req->refcnt, 1, __ATOMIC_ACQ_REL) == 0)
		free(req);
}

/**
 * complete - publish the results of @req to its requester and drop the
 * worker's reference.
 */
static void
complete(struct sl_ctl_req *req, int rc)
{
	req->rc = rc;
	__atomic_store_n(&req->state, SL_CTL_DONE, __ATOMIC_RELEASE);
	sl_ctl_req_put(req);
}

/** now_ns - CLOCK_MONOTONIC in nanoseconds (request timeouts). */
static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int
sl_ctl_call(struct sl_worker *w, struct sl_ctl_req *req,
	unsigned int timeout_ms)
{
	struct timespec nap = { 0, SL_CTL_NAP_NS };
	struct rte_ring *ring;
	uint64_t deadline;
	unsigned int spin = 0;

	if (req == NULL || req->op >= SL_CTL_OP_MAX ||
	    __atomic_load_n(&req->state, __ATOMIC_RELAXED) != SL_CTL_NEW)
		return -EINVAL;
	/* read before the release below: ordered before the worker's fini */
	ring = w == NULL ? NULL : w->ctl_ring;
	if (ring == NULL)
		return -ENOTCONN;
	if (timeout_ms == 0)
		timeout_ms = SL_CTL_TIMEOUT_MS;

	/* the worker's reference, then publish (see the theory above) */
	__atomic_add_fetch(&req->refcnt, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&req->state, SL_CTL_QUEUED, __ATOMIC_RELEASE);
	if (rte_ring_mp_enqueue(ring, req) != 0) {
		/* never seen by the worker: take both back */
		__atomic_store_n(&req->state, SL_CTL_NEW, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&req->refcnt, 1, __ATOMIC_RELAXED);
		return -EBUSY;
	}

	deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	while (__atomic_load_n(&req->state, __ATOMIC_ACQUIRE) != SL_CTL_DONE) {
		if (spin < SL_CTL_SPIN) {
			spin++;
			rte_pause();
			continue;
		}
		if (now_ns() >= deadline) {
			SL_LOG(CTL, WARNING, "worker %u: no reply to request "
				"(op %d) within %u ms\n", w->id, (int)req->op,
				timeout_ms);
			return -ETIMEDOUT;
		}
		nanosleep(&nap, NULL);
	}
	return req->rc;
}

/* ------------------------------------------------------------------ */
/* worker side                                                          */

int
sl_ctl_worker_init(struct sl_worker *w)
{
	static uint32_t seq;
	char name[RTE_RING_NAMESIZE];

	if (w->ctl_ring != NULL)
		return 0;
	snprintf(name, sizeof(name), "slctl%u_%u", w->id,
		__atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	w->ctl_ring = rte_ring_create(name, SL_CTL_RING_SIZE, SOCKET_ID_ANY,
		RING_F_SC_DEQ);
	if (w->ctl_ring == NULL)
		return rte_errno ? -rte_errno : -ENOMEM;
	return 0;
}

void
sl_ctl_worker_fini(struct sl_worker *w)
{
	void *req;

	if (w->ctl_ring == NULL)
		return;
	while (rte_ring_sc_dequeue(w->ctl_ring, &req) == 0) {
		/* pairs with the requester's release of QUEUED */
		(void)__atomic_load_n(&((struct sl_ctl_req *)req)->state,
			__ATOMIC_ACQUIRE);
		complete(req, -ECANCELED);
	}
	rte_ring_free(w->ctl_ring);
	w->ctl_ring = NULL;
}

/** find_flow - the live flow a worker-local id names, or NULL. */
static struct sl_flow *
find_flow(struct sl_worker *w, uint64_t id)
{
	struct sl_flow *f;
	uint64_t idx, gen;

	if (w->ft.flows == NULL || w->ft.max == 0)
		return NULL;
	idx = id % w->ft.max;
	gen = id / w->ft.max;
	if (gen > UINT32_MAX)
		return NULL;
	f = &w->ft.flows[idx];
	if (!f->in_use || f->gen != (uint32_t)gen)
		return NULL;
	return f;
}

/** fill_flow - the listed view of @f. */
static void
fill_flow(struct sl_worker *w, struct sl_flow *f, struct sl_ctl_flow *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sl_ctl_flow_id(w, f);
	e->key = f->key;
	e->host_dst = f->host_dst;
	e->proto = f->proto;
	e->state = f->state;
	e->inbound = f->inbound;
	e->age_ms = w->now_ms >= f->created_ms ? w->now_ms - f->created_ms : 0;
	e->idle_ms = w->now_ms >= f->last_ms ? w->now_ms - f->last_ms : 0;
	e->bytes_to_host = f->bytes_to_host;
	e->bytes_to_guest = f->bytes_to_guest;
	if (f->proto == IPPROTO_TCP && w->tcp != NULL) {
		struct sl_tcp_info ti;

		sl_tcp_get_info(w, f, &ti);
		e->guest_wnd = ti.snd_wnd;
		e->adv_wnd = ti.last_adv_wnd;
		e->in_flight = ti.in_flight;
		e->cwnd = ti.cwnd;
	}
}

/**
 * do_flows - list flows from slot req->start on into req->flows: at most
 * req->cap of them and at most SL_CTL_SCAN_MAX slots looked at. req->next
 * is where to resume; req->more tells whether anything may be left.
 */
static int
do_flows(struct sl_worker *w, struct sl_ctl_req *req)
{
	uint32_t i = req->start, scanned = 0, max = w->ft.max;

	req->n = 0;
	req->more = false;
	req->total = w->ft.active;
	for (; i < max; i++, scanned++) {
		struct sl_flow *f = &w->ft.flows[i];

		if (scanned == SL_CTL_SCAN_MAX) {
			req->more = true;
			break;
		}
		if (!f->in_use)
			continue;
		if (req->n == req->cap) {
			req->more = true;
			break;
		}
		fill_flow(w, f, &req->flows[req->n++]);
	}
	req->next = i;
	return 0;
}

/**
 * do_flow_info - worker side of sl_ctl_flow_info(): one flow in full.
 * Return: 0 or -ENOENT.
 */
static int
do_flow_info(struct sl_worker *w, struct sl_ctl_req *req)
{
	struct sl_ctl_flow_info *fi = &req->u.info;
	struct sl_flow *f = find_flow(w, req->flow_id);

	if (f == NULL)
		return -ENOENT;
	memset(fi, 0, sizeof(*fi));
	fill_flow(w, f, &fi->flow);
	fi->host_unsent = -1;
	fi->host_wspace = -1;
	if (f->hd >= 0 && w->host != NULL) {
		fi->host_unsent = sl_host_unsent(w->host, f->hd);
		fi->host_wspace = sl_host_wspace(w->host, f->hd);
	}
	if (f->proto == IPPROTO_TCP && w->tcp != NULL) {
		fi->is_tcp = true;
		sl_tcp_get_info(w, f, &fi->tcp);
		fi->adv_wnd_now = fi->tcp.rcv_adv - fi->tcp.rcv_nxt;
	}
	return 0;
}

/**
 * do_flow_close - worker side of sl_ctl_flow_close(). Return: 0 or
 * -ENOENT.
 */
static int
do_flow_close(struct sl_worker *w, struct sl_ctl_req *req)
{
	struct sl_flow *f = find_flow(w, req->flow_id);

	if (f == NULL)
		return -ENOENT;
	SL_LOG(CTL, INFO, "worker %u: closing flow %" PRIu64 " on request\n",
		w->id, req->flow_id);
	if (f->proto == IPPROTO_TCP && w->tcp != NULL) {
		sl_tcp_close_flow(w, f);
	} else {
		sl_worker_free_flow(w, f, true);
		SL_STAT_INC(w->stats, flows_closed_admin);
	}
	return 0;
}

/**
 * do_summary - worker side of sl_ctl_summary(): flows, mempool use,
 * forwards, iterations. Return: 0.
 */
static int
do_summary(struct sl_worker *w, struct sl_ctl_req *req)
{
	struct sl_ctl_summary *s = &req->u.summary;

	memset(s, 0, sizeof(*s));
	s->flows_active = w->ft.active;
	s->flows_max = w->ft.max;
	if (w->mp != NULL) {
		s->mp_in_use = rte_mempool_in_use_count(w->mp);
		s->mp_avail = rte_mempool_avail_count(w->mp);
		s->mp_size = w->mp->size;
	}
	s->nb_fwd = sl_fwd_count(w);
	s->iter = w->iter;
	return 0;
}

/** do_fwd_list - worker side of sl_ctl_fwd_list(). Return: 0. */
static int
do_fwd_list(struct sl_worker *w, struct sl_ctl_req *req)
{
	unsigned int i, n = sl_fwd_count(w);

	req->total = n;
	req->n = 0;
	for (i = 0; i < n && req->n < req->cap; i++) {
		const struct sl_fwd_spec *s = sl_fwd_get(w, i);

		if (s != NULL)
			req->fwds[req->n++] = *s;
	}
	req->more = req->n < n;
	return 0;
}

/**
 * do_fwd - worker side of sl_ctl_fwd_add() (@add) and sl_ctl_fwd_del(),
 * logged. Return: 0 or -errno.
 */
static int
do_fwd(struct sl_worker *w, struct sl_ctl_req *req, bool add)
{
	char text[SL_FWD_TEXT_LEN];
	int rc;

	rc = add ? sl_fwd_add(w, &req->fwd) : sl_fwd_del(w, &req->fwd);
	sl_fwd_format(&req->fwd, text, sizeof(text));
	if (rc == 0)
		SL_LOG(CTL, INFO, "worker %u: forward %s %s\n", w->id, text,
			add ? "added" : "removed");
	else
		SL_LOG(CTL, NOTICE, "worker %u: forward %s not %s: %s\n",
			w->id, text, add ? "added" : "removed", strerror(-rc));
	return rc;
}

/** execute - run one request on the worker. Return: its rc. */
static int
execute(struct sl_worker *w, struct sl_ctl_req *req)
{
	switch (req->op) {
	case SL_CTL_OP_NOP:
		return 0;
	case SL_CTL_OP_SUMMARY:
		return do_summary(w, req);
	case SL_CTL_OP_FLOWS:
		return do_flows(w, req);
	case SL_CTL_OP_FLOW_INFO:
		return do_flow_info(w, req);
	case SL_CTL_OP_FLOW_CLOSE:
		return do_flow_close(w, req);
	case SL_CTL_OP_FWD_LIST:
		return do_fwd_list(w, req);
	case SL_CTL_OP_FWD_ADD:
		return do_fwd(w, req, true);
	case SL_CTL_OP_FWD_DEL:
		return do_fwd(w, req, false);
	case SL_CTL_OP_EXEC:
		return req->fn == NULL ? -EINVAL : req->fn(w, req->arg);
	case SL_CTL_OP_HOSTS:
		return sl_ctl_do_hosts(w, req);
	case SL_CTL_OP_MAX:
		break;
	}
	return -EINVAL;
}

unsigned int
sl_ctl_serve(struct sl_worker *w, unsigned int max)
{
	void *reqs[SL_CTL_POLL_BURST];
	unsigned int n, i, done = 0;

	while (done < max) {
		n = rte_ring_sc_dequeue_burst(w->ctl_ring, reqs,
			RTE_MIN(max - done, (unsigned int)SL_CTL_POLL_BURST),
			NULL);
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			struct sl_ctl_req *req = reqs[i];
			int rc;

			if (__atomic_load_n(&req->state, __ATOMIC_ACQUIRE) !=
			    SL_CTL_QUEUED)
				rc = -EINVAL;	/* not ours to trust */
			else
				rc = execute(w, req);
			complete(req, rc);
		}
		done += n;
	}
	return done;
}

/* ------------------------------------------------------------------ */
/* convenience wrappers                                                 */

int
sl_ctl_summary(struct sl_worker *w, struct sl_ctl_summary *out,
	unsigned int timeout_ms)
{
	struct sl_ctl_req *req = sl_ctl_req_alloc(SL_CTL_OP_SUMMARY, 0);
	int rc;

	if (req == NULL)
		return -ENOMEM;
	rc = sl_ctl_call(w, req, timeout_ms);
	if (rc == 0)
		*out = req->u.summary;
	sl_ctl_req_put(req);
	return rc;
}

int
sl_ctl_flows(struct sl_worker *w, uint32_t start, struct sl_ctl_flow *out,
	uint32_t cap, uint32_t *n, uint32_t *next, bool *more,
	unsigned int timeout_ms)
{
	struct sl_ctl_req *req = sl_ctl_req_alloc(SL_CTL_OP_FLOWS, cap);
	int rc;

	*n = 0;
	if (req == NULL)
		return -ENOMEM;
	req->start = start;
	rc = sl_ctl_call(w, req, timeout_ms);
	if (rc == 0) {
		memcpy(out, req->flows, sizeof(*out) * req->n);
		*n = req->n;
		*next = req->next;
		*more = req->more;
	}
	sl_ctl_req_put(req);
	return rc;
}

int
sl_ctl_flow_info(struct sl_worker *w, uint64_t id,
	struct sl_ctl_flow_info *out, unsigned int timeout_ms)
{
	struct sl_ctl_req *req = sl_ctl_req_alloc(SL_CTL_OP_FLOW_INFO, 0);
	int rc;

	if (req == NULL)
		return -ENOMEM;
	req->flow_id = id;
	rc = sl_ctl_call(w, req, timeout_ms);
	if (rc == 0)
		*out = req->u.info;
	sl_ctl_req_put(req);
	return rc;
}

int
sl_ctl_flow_close(struct sl_worker *w, uint64_t id, unsigned int timeout_ms)
{
	struct sl_ctl_req *req = sl_ctl_req_alloc(SL_CTL_OP_FLOW_CLOSE, 0);
	int rc;

	if (req == NULL)
		return -ENOMEM;
	req->flow_id = id;
	rc = sl_ctl_call(w, req, timeout_ms);
	sl_ctl_req_put(req);
	return rc;
}

int
sl_ctl_fwd_list(struct sl_worker *w, struct sl_fwd_spec *out, uint32_t cap,
	uint32_t *n, unsigned int timeout_ms)
{
	struct sl_ctl_req *req = sl_ctl_req_alloc(SL_CTL_OP_FWD_LIST, cap);
	int rc;

	*n = 0;
	if (req == NULL)
		return -ENOMEM;
	rc = sl_ctl_call(w, req, timeout_ms);
	if (rc == 0) {
		memcpy(out, req->fwds, sizeof(*out) * req->n);
		*n = req->n;
	}
	sl_ctl_req_put(req);
	return rc;
}

/**
 * fwd_call - post a forward request @op for @s to worker @w and wait for
 * its answer at most @timeout_ms. Return: 0 or -errno.
 */
static int
fwd_call(struct sl_worker *w, enum sl_ctl_op op, const struct sl_fwd_spec *s,
	unsigned int timeout_ms)
{
	struct sl_ctl_req *req = sl_ctl_req_alloc(op, 0);
	int rc;

	if (req == NULL)
		return -ENOMEM;
	req->fwd = *s;
	rc = sl_ctl_call(w, req, timeout_ms);
	sl_ctl_req_put(req);
	return rc;
}

int
sl_ctl_fwd_add(struct sl_worker *w, const struct sl_fwd_spec *s,
	unsigned int timeout_ms)
{
	return fwd_call(w, SL_CTL_OP_FWD_ADD, s, timeout_ms);
}

int
sl_ctl_fwd_del(struct sl_worker *w, const struct sl_fwd_spec *s,
	unsigned int timeout_ms)
{
	return fwd_call(w, SL_CTL_OP_FWD_DEL, s, timeout_ms);
}

int
sl_ctl_exec(struct sl_worker *w, sl_ctl_exec_fn fn, void *arg,
	unsigned int timeout_ms)
{
	struct sl_ctl_req *req = sl_ctl_req_alloc(SL_CTL_OP_EXEC, 0);
	int rc;

	if (req == NULL)
		return -ENOMEM;
	req->fn = fn;
	req->arg = arg;
	rc = sl_ctl_call(w, req, timeout_ms);
	sl_ctl_req_put(req);
	return rc;
}
