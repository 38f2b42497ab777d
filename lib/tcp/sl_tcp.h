/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp.h: the window-aware TCP relay: sluice terminates each guest TCP
 * connection and relays it to a host socket (see sl_tcp.c for the theory).
 */
#ifndef SL_TCP_H
#define SL_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "sl_io.h"
#include "sl_net.h"

/** sl_tcp_init - allocate the worker's TCP state. Return: 0 or -ENOMEM. */
int sl_tcp_init(struct sl_worker *w);

/** sl_tcp_fini - free TCP state; live connections are reset both ways. */
void sl_tcp_fini(struct sl_worker *w);

/*
 * The worker's TCP figures, for telemetry and tests (the state itself,
 * struct sl_tcp_worker, is private to lib/tcp). Only after sl_tcp_init.
 */

/** sl_tcp_connecting - half-open guest connections (SYN not answered). */
uint32_t sl_tcp_connecting(const struct sl_worker *w);

/** sl_tcp_held - guest data held by sluice, all flows (bytes). */
uint64_t sl_tcp_held(const struct sl_worker *w);

/** sl_tcp_inflight - host data sent to the guest and not acked (bytes). */
uint64_t sl_tcp_inflight(const struct sl_worker *w);

/** sl_tcp_hold_max - the mbufs one flow may hold from the guest. */
uint32_t sl_tcp_hold_max(const struct sl_worker *w);

/**
 * sl_tcp_set_own_buf - tests: set the per-flow guest->host buffering
 * sluice adds to the socket's (default SL_TCP_OWN_BUF_DEFAULT).
 */
void sl_tcp_set_own_buf(struct sl_worker *w, uint32_t bytes);

/**
 * sl_tcp_input - handle one guest TCP segment.
 * Return: true when the TCP code kept the mbuf (queued data).
 */
bool sl_tcp_input(struct sl_worker *w, const struct sl_pkt *p);

/**
 * sl_tcp_burst_end - end of an rx burst: write each touched flow's in-order
 * data to its host socket (one writev per flow), finish the flows that are
 * done, and read host data for those whose reads waited while the guest's
 * window has room. It sends no ACK: those go at the end of the iteration
 * (sl_tcp_iteration_end).
 */
void sl_tcp_burst_end(struct sl_worker *w);

/**
 * sl_tcp_iteration_end - end of a poll iteration: emit the pure ACKs and
 * window updates still owed (one per flow at most), unless a data segment
 * sent in this iteration already carried the same ACK and window.
 */
void sl_tcp_iteration_end(struct sl_worker *w);

/**
 * sl_tcp_tx_resume - start of an iteration: give flows that had host data
 * but no tx room (sl_tx_room) their turn, oldest first, while room lasts.
 * Return: flows served.
 */
unsigned int sl_tcp_tx_resume(struct sl_worker *w);

/** sl_tcp_host_event - host socket readiness for a TCP flow. */
void sl_tcp_host_event(struct sl_worker *w, struct sl_flow *f,
	uint32_t events);

struct sl_fwd_spec;

/**
 * sl_tcp_accept - accept connections on a forward's listener and open each
 * toward the guest (SYN from the gateway address).
 * @w: worker
 * @spec: the forward
 * @off: port offset in the forward's range
 * @lhd: listener handle
 */
void sl_tcp_accept(struct sl_worker *w, const struct sl_fwd_spec *spec,
	unsigned int off, int lhd);

/** sl_tcp_timer - the flow's timer fired (rto, persist, delack, idle...). */
void sl_tcp_timer(struct sl_worker *w, struct sl_flow *f);

/* ---- internals exposed for unit tests and telemetry ---- */

#define SL_TCP_OOO_MAX	16	/* out-of-order ranges held per flow */

#define SL_TCP_SACK_BLOCKS	4	/* the most a 40-byte option space holds */

/** Parsed TCP options of a guest segment. */
struct sl_tcp_opts {
	uint16_t mss;		/**< 0: absent */
	uint8_t wscale;		/**< valid when has_wscale */
	bool has_wscale;
	bool sack_ok;		/**< SACK-permitted (kind 4) */
	uint8_t n_sack;		/**< SACK blocks (kind 5) in sack[] */
	uint32_t sack[SL_TCP_SACK_BLOCKS][2]; /**< left, right; host order */
};

/**
 * sl_tcp_parse_opts - parse TCP options.
 * @opt: first option byte
 * @len: option bytes (doff * 4 - 20)
 * @o: filled
 * A SACK option whose length is not 2 + 8 * n (n >= 1) is ignored.
 * Return: 0, or -1 for malformed options (length 0/1, beyond the header).
 */
int sl_tcp_parse_opts(const uint8_t *opt, uint16_t len, struct sl_tcp_opts *o);

/** sl_tcp_wscale_for - smallest shift that lets @max_win be advertised. */
uint8_t sl_tcp_wscale_for(uint32_t max_win);

/**
 * sl_tcp_should_reopen - whether a window update must be sent now.
 * @last_adv: window last advertised, as the guest reconstructed it
 * @space: window that could be advertised now
 * @mss: receive MSS
 * @buf: receive buffer size
 *
 * True when the window was closed (below min(@mss, @buf / 2)) and has
 * reopened by at least that much (RFC 1122 4.2.3.3 receiver SWS
 * avoidance).
 */
bool sl_tcp_should_reopen(uint32_t last_adv, uint32_t space, uint32_t mss,
	uint32_t buf);

/** What /sluice/flow and tests read of one TCP connection. */
struct sl_tcp_info {
	uint8_t state;
	uint32_t snd_una, snd_nxt, rcv_nxt;
	uint32_t snd_wnd;	/**< guest window, bytes */
	uint8_t snd_wscale;	/**< guest's shift */
	uint8_t rcv_wscale;	/**< our shift */
	bool ws_ok;
	uint32_t last_adv_wnd;	/**< as the guest reconstructs it */
	uint32_t rcv_adv;	/**< right edge advertised */
	uint32_t in_flight;
	uint32_t pend_bytes;	/**< guest data held, not yet written */
	uint32_t held_mbufs;	/**< mbufs that guest data pins */
	uint32_t ooo_bytes;
	uint32_t ooo_segs;
	uint32_t ooo_ranges;	/**< disjoint out-of-order ranges held */
	uint32_t srtt_ms, rto_ms;
	uint16_t snd_mss;
	bool sack;		/**< SACK negotiated with the guest */
	uint32_t sacked_segs;	/**< retransmit entries the guest SACKed */
	uint32_t cwnd;		/**< congestion window, bytes (0: unset) */
	uint32_t ssthresh;	/**< UINT32_MAX: no loss seen yet */
	bool in_recovery;	/**< loss recovery under way */
	bool rwnd_closed;
	bool rd_blocked;
	bool fin_rcvd, fin_sent, host_eof;
};

/** sl_tcp_get_info - snapshot of @f's TCP state (owner thread). */
void sl_tcp_get_info(struct sl_worker *w, const struct sl_flow *f,
	struct sl_tcp_info *info);

/** sl_tcp_state_name - name of a TCP flow state. */
const char *sl_tcp_state_name(uint8_t state);

/**
 * sl_tcp_close_flow - close @f on an operator's request: a synchronised
 * connection is reset both ways (RST to the guest, the host peer sees a
 * reset), any other is freed; counted in flows_closed_admin (owner thread).
 */
void sl_tcp_close_flow(struct sl_worker *w, struct sl_flow *f);

/** TCP in the protocol table (sl_proto.h; sl_tcp_proto.c). */
extern const struct sl_proto sl_tcp_proto;

#endif /* SL_TCP_H */
