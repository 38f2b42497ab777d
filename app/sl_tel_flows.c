/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tel_flows.c: the flow commands of telemetry: /sluice/flows (one page
 * of flows, gathered worker by worker from a cursor), /sluice/flow (one
 * flow in full) and /sluice/flow/close. A flow's global id is its worker's
 * local id times the number of workers plus the worker index. Every flow
 * is read by its worker, through the control ring (sl_ctl.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "sl_ctl.h"
#include "sl_tcp.h"
#include "sl_telemetry.h"
#include "sl_telemetry_priv.h"

#define SL_TEL_FLOWS_CALLS	64	/* worker requests per /sluice/flows */

/** proto_name - the name /sluice/flows gives an IP protocol number. */
static const char *
proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	}
	return "other";
}

/** global_id - the id /sluice/flows shows for worker @wi's local @id. */
static uint64_t
global_id(const struct sl_app *app, unsigned int wi, uint64_t id)
{
	return id * app->nb_workers + wi;
}

/** add_flow_common - the fields every flow has, into dict @c. */
static void
add_flow_common(const struct sl_app *app, unsigned int wi,
	const struct sl_ctl_flow *f, struct rte_tel_data *c)
{
	char buf[64];

	rte_tel_data_add_dict_u64(c, "id", global_id(app, wi, f->id));
	rte_tel_data_add_dict_int(c, "worker", (int)wi);
	rte_tel_data_add_dict_string(c, "proto", proto_name(f->proto));
	sl_flow_addr_text(&f->key.gip, f->key.gport, buf, sizeof(buf));
	rte_tel_data_add_dict_string(c, "guest", buf);
	sl_flow_addr_text(&f->key.dip, f->key.dport, buf, sizeof(buf));
	rte_tel_data_add_dict_string(c, "dst", buf);
	sl_sockaddr_ntop(&f->host_dst, buf, sizeof(buf));
	rte_tel_data_add_dict_string(c, "host", buf);
	rte_tel_data_add_dict_string(c, "state", f->proto == IPPROTO_TCP ?
		sl_tcp_state_name(f->state) : "active");
	rte_tel_data_add_dict_int(c, "inbound", f->inbound);
	rte_tel_data_add_dict_u64(c, "age_ms", f->age_ms);
	rte_tel_data_add_dict_u64(c, "idle_ms", f->idle_ms);
	rte_tel_data_add_dict_u64(c, "bytes_to_host", f->bytes_to_host);
	rte_tel_data_add_dict_u64(c, "bytes_to_guest", f->bytes_to_guest);
}

/**
 * sl_tel_cmd_flows - the /sluice/flows handler: one page of flows, worker
 * by worker from the cursor in @params. Return: 0 or -EINVAL.
 */
int
sl_tel_cmd_flows(const char *cmd, const char *params,
	struct rte_tel_data *d)
{
	struct sl_ctl_flow flows[SL_TEL_FLOWS_PAGE];
	unsigned int wi_of[SL_TEL_FLOWS_PAGE];
	struct rte_tel_data *list;
	uint64_t cursor = 0, total = 0;
	unsigned int wi, n = 0, calls = 0, i;
	uint32_t slot;
	struct sl_app *app;
	bool more = false;
	int rc = 0;

	(void)cmd;
	if (!sl_tel_no_params(params) && sl_tel_parse_u64(params, &cursor) != 0)
		return -EINVAL;
	app = sl_tel_enter();
	if (app == NULL)
		return -ESHUTDOWN;
	wi = (unsigned int)(cursor >> 32);
	slot = (uint32_t)cursor;
	if ((cursor >> 32) > app->nb_workers) {
		sl_tel_leave();
		return -EINVAL;
	}
	for (i = 0; i < app->nb_workers; i++) {
		struct sl_ctl_summary s;

		if (sl_ctl_summary(app->workers[i], &s, SL_TEL_TIMEOUT_MS) == 0)
			total += s.flows_active;
	}
	/* fill the page: worker by worker, from the cursor on */
	while (wi < app->nb_workers && n < SL_TEL_FLOWS_PAGE) {
		uint32_t got = 0, next = 0;
		bool wmore = false;

		if (calls++ == SL_TEL_FLOWS_CALLS) {
			more = true;
			break;
		}
		rc = sl_ctl_flows(app->workers[wi], slot, flows + n,
			SL_TEL_FLOWS_PAGE - n, &got, &next, &wmore,
			SL_TEL_TIMEOUT_MS);
		if (rc != 0)
			break;
		for (i = 0; i < got; i++)
			wi_of[n + i] = wi;
		n += got;
		if (wmore) {
			slot = next;
		} else {
			wi++;
			slot = 0;
		}
	}
	if (rc != 0 && n == 0) {
		sl_tel_leave();
		return sl_tel_error_reply(d, rc, "listing flows");
	}
	if (rc != 0 || (n == SL_TEL_FLOWS_PAGE && wi < app->nb_workers))
		more = true;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "total", total);
	rte_tel_data_add_dict_int(d, "count", (int)n);
	rte_tel_data_add_dict_int(d, "more", more);
	/*
	 * The cursor: worker index in the high 32 bits. clang-analyzer 14
	 * loses the uint64_t cast and calls a shift by 32 undefined (false
	 * positive).
	 */
	/* NOLINTBEGIN(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	if (more)
		rte_tel_data_add_dict_u64(d, "next",
			((uint64_t)wi << 32) | slot);
	/* NOLINTEND(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	list = sl_tel_new_dict();
	if (list != NULL) {
		for (i = 0; i < n; i++) {
			struct rte_tel_data *c = sl_tel_new_dict();
			char name[32];

			if (c == NULL)
				break;
			add_flow_common(app, wi_of[i], &flows[i], c);
			if (flows[i].proto == IPPROTO_TCP) {
				rte_tel_data_add_dict_u64(c, "guest_wnd",
					flows[i].guest_wnd);
				rte_tel_data_add_dict_u64(c, "adv_wnd",
					flows[i].adv_wnd);
				rte_tel_data_add_dict_u64(c, "in_flight",
					flows[i].in_flight);
				rte_tel_data_add_dict_u64(c, "cwnd",
					flows[i].cwnd);
			}
			snprintf(name, sizeof(name), "%" PRIu64,
				global_id(app, wi_of[i], flows[i].id));
			rte_tel_data_add_dict_container(list, name, c, 0);
		}
		rte_tel_data_add_dict_container(d, "flows", list, 0);
	}
	sl_tel_leave();
	return 0;
}

/**
 * flow_target - the worker and local id a global flow id names.
 * Return: 0, or -1 for an id that cannot be ours.
 */
static int
flow_target(const struct sl_app *app, const char *params, unsigned int *wi,
	uint64_t *id)
{
	uint64_t gid;

	if (sl_tel_parse_u64(params, &gid) != 0 || app->nb_workers == 0)
		return -1;
	*wi = (unsigned int)(gid % app->nb_workers);
	*id = gid / app->nb_workers;
	return 0;
}

/**
 * flow_enter - common start of the per-flow commands: enter the handler
 * gate and resolve the "ID" parameter to a worker and a local flow id.
 * Return: 0 (gate entered: the caller must sl_tel_leave()), -ESHUTDOWN or
 * -EINVAL (gate not held).
 */
static int
flow_enter(const char *params, struct sl_app **app, unsigned int *wi,
	uint64_t *id)
{
	*app = sl_tel_enter();
	if (*app == NULL)
		return -ESHUTDOWN;
	if (sl_tel_no_params(params) || flow_target(*app, params, wi, id) != 0) {
		sl_tel_leave();
		return -EINVAL;
	}
	return 0;
}

/** flow_error - leave the gate and reply that flow @params failed (@rc). */
static int
flow_error(struct rte_tel_data *d, int rc, const char *params)
{
	char what[48];

	snprintf(what, sizeof(what), "flow %s", params);
	sl_tel_leave();
	return sl_tel_error_reply(d, rc, what);
}

/**
 * sl_tel_cmd_flow - the /sluice/flow handler: one flow in full (TCP
 * windows, sequence numbers, RTT, host socket queues). Return: 0 or -errno.
 */
int
sl_tel_cmd_flow(const char *cmd, const char *params,
	struct rte_tel_data *d)
{
	struct sl_ctl_flow_info fi;
	const struct sl_tcp_info *t = &fi.tcp;
	struct sl_app *app;
	unsigned int wi;
	uint64_t id;
	int rc;

	(void)cmd;
	rc = flow_enter(params, &app, &wi, &id);
	if (rc != 0)
		return rc;
	rc = sl_ctl_flow_info(app->workers[wi], id, &fi, SL_TEL_TIMEOUT_MS);
	if (rc != 0)
		return flow_error(d, rc, params);
	rte_tel_data_start_dict(d);
	add_flow_common(app, wi, &fi.flow, d);
	rte_tel_data_add_dict_int(d, "host_sendq",
		fi.host_unsent < 0 ? -1 : (int)RTE_MIN(fi.host_unsent,
		(long)INT32_MAX));
	rte_tel_data_add_dict_int(d, "host_send_free",
		fi.host_wspace < 0 ? -1 : (int)RTE_MIN(fi.host_wspace,
		(long)INT32_MAX));
	if (fi.is_tcp) {
		rte_tel_data_add_dict_u64(d, "guest_wnd", t->snd_wnd);
		rte_tel_data_add_dict_int(d, "guest_wscale", t->snd_wscale);
		rte_tel_data_add_dict_u64(d, "adv_wnd", fi.adv_wnd_now);
		rte_tel_data_add_dict_int(d, "adv_wscale", t->rcv_wscale);
		rte_tel_data_add_dict_u64(d, "last_adv_wnd", t->last_adv_wnd);
		rte_tel_data_add_dict_int(d, "wscale_ok", t->ws_ok);
		rte_tel_data_add_dict_int(d, "rwnd_closed", t->rwnd_closed);
		rte_tel_data_add_dict_u64(d, "snd_una", t->snd_una);
		rte_tel_data_add_dict_u64(d, "snd_nxt", t->snd_nxt);
		rte_tel_data_add_dict_u64(d, "rcv_nxt", t->rcv_nxt);
		rte_tel_data_add_dict_u64(d, "rcv_adv", t->rcv_adv);
		rte_tel_data_add_dict_u64(d, "in_flight", t->in_flight);
		rte_tel_data_add_dict_u64(d, "pending_bytes", t->pend_bytes);
		rte_tel_data_add_dict_u64(d, "held_mbufs", t->held_mbufs);
		rte_tel_data_add_dict_u64(d, "ooo_bytes", t->ooo_bytes);
		rte_tel_data_add_dict_u64(d, "ooo_segs", t->ooo_segs);
		rte_tel_data_add_dict_u64(d, "ooo_ranges", t->ooo_ranges);
		rte_tel_data_add_dict_u64(d, "srtt_ms", t->srtt_ms);
		rte_tel_data_add_dict_u64(d, "rto_ms", t->rto_ms);
		rte_tel_data_add_dict_int(d, "snd_mss", t->snd_mss);
		rte_tel_data_add_dict_int(d, "sack", t->sack);
		rte_tel_data_add_dict_u64(d, "sacked_segs", t->sacked_segs);
		rte_tel_data_add_dict_u64(d, "cwnd", t->cwnd);
		rte_tel_data_add_dict_u64(d, "ssthresh", t->ssthresh);
		rte_tel_data_add_dict_int(d, "in_recovery", t->in_recovery);
		rte_tel_data_add_dict_int(d, "rd_blocked", t->rd_blocked);
		rte_tel_data_add_dict_int(d, "fin_rcvd", t->fin_rcvd);
		rte_tel_data_add_dict_int(d, "fin_sent", t->fin_sent);
		rte_tel_data_add_dict_int(d, "host_eof", t->host_eof);
	}
	sl_tel_leave();
	return 0;
}

/**
 * sl_tel_cmd_flow_close - the /sluice/flow/close handler: close one flow
 * (TCP: reset both ways). Return: 0 or -errno.
 */
int
sl_tel_cmd_flow_close(const char *cmd, const char *params,
	struct rte_tel_data *d)
{
	struct sl_app *app;
	unsigned int wi;
	uint64_t id;
	int rc;

	(void)cmd;
	rc = flow_enter(params, &app, &wi, &id);
	if (rc != 0)
		return rc;
	rc = sl_ctl_flow_close(app->workers[wi], id, SL_TEL_TIMEOUT_MS);
	if (rc != 0)
		return flow_error(d, rc, params);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "closed", global_id(app, wi, id));
	sl_tel_leave();
	return 0;
}
