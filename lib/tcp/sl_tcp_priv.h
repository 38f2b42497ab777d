/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_priv.h: what the files of the TCP relay share and nothing
 * outside lib/tcp sees: the per-connection state (struct sl_tcp_conn),
 * its states and flags, constants, the small helpers of the hot path (static
 * inline, so the split costs nothing) and the functions one file of the
 * relay calls in another (tcp_ prefix).
 */
#ifndef SL_TCP_PRIV_H
#define SL_TCP_PRIV_H

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_tcp.h>

#include "sl_fwd.h"
#include "sl_fwd_guest.h"
#include "sl_log.h"
#include "sl_neigh.h"
#include "sl_net6.h"
#include "sl_policy.h"
#include "sl_steer.h"
#include "sl_tcp.h"
#include "sl_tcp_sack.h"

#define SL_TCP_OWN_BUF_DEFAULT	(256u * 1024)
#define SL_TCP_RTO_INIT		1000u
#define SL_TCP_RTO_MIN		200u
#define SL_TCP_RTO_MAX		60000u
#define SL_TCP_RTO_SYN_FIRED	3000u	/* RFC 6298 5.7 */
#define SL_TCP_RETRIES		10
#define SL_TCP_SYNACK_RETRIES	3	/* half-open flows hold host sockets */
#define SL_TCP_SYN_RETRIES	3	/* inbound SYNs: 1+2+4+8 s at most */
#define SL_TCP_ACCEPT_BUDGET	32	/* connections accepted per event */
/* source ports tried for an inbound connection (1 in Q is a worker's own) */
#define SL_TCP_ACCEPT_PORT_TRIES	64
/* inbound connections leave max_flows / this free for the guest's own */
#define SL_TCP_INBOUND_RESERVE_DIV	8
#define SL_TCP_LOG_GAP_MS	10000u	/* rate limit of limit warnings */
#define SL_TCP_TIME_WAIT_MS	2000u
#define SL_TCP_RECHECK_MS	1u
#define SL_TCP_BUDGET_RETRY_MS	5u	/* host reads paused by the budget */
#define SL_TCP_CTL_RETRY_MS	1u	/* a control segment that failed */
/* mbufs one flow may hold from the guest: a share of the pool's mbufs
 * beyond the rx reserve, within [SL_TCP_HOLD_MIN, SL_TCP_HOLD_SEGS] */
#define SL_TCP_HOLD_SHARE	16
#define SL_TCP_HOLD_MIN		64
#define SL_TCP_HOLD_SEGS	4096
#define SL_TCP_COPY_MAX		512	/* guest payloads copied together */
/* guest payloads held in the port's own rx pool are copied into the main
 * pool once fewer than this many rx reserves are left (half of it, as the
 * reserve is a quarter): the ring keeps room, the bulk path copies nothing */
#define SL_TCP_RX_COPY_BELOW	2u
#define SL_TCP_HOLD_COPY_SEGS	64	/* main-pool mbufs one copy may take */
#define SL_TCP_READ_IOV		1024	/* IOV_MAX */
#define SL_TCP_READ_SEGS	64
#define SL_TCP_IW_SEGS		10	/* initial cwnd, frames (RFC 6928) */
#define SL_TCP_IW_BYTES		65536u	/* ... and at least this */
#define SL_TCP_TLP_MIN		10u	/* ms: least tail-loss probe timeout */
#define SL_TCP_TLP_DELACK	200u	/* ms: a guest's longest delayed ACK (Linux) */
#define SL_TCP_HOP_LIMIT	64	/* IPv6 segments to the guest */
#define SL_TCP_HDR_ROOM		(RTE_ETHER_HDR_LEN + 40 + 20 + 8) /* IPv6 */
#define SL_TCP_MAX_SHIFT	14
/* ms a flow's promise may stay unused before the ring budget stops
 * counting it (sl_tcp_ring.c) */
#define SL_TCP_RB_IDLE_MS	200u
#define SL_TCP_DEFAULT_MSS	536
#define SL_TCP_DEFAULT_MSS6	1220	/* RFC 8200 5: 1280 - 60 */
/* largest TSO payload: one IPv4 packet (no TCP options on data segments) */
#define SL_TCP_TSO_MAX		(UINT16_MAX - 20 - 20)

enum sl_tcp_state {
	SL_TCP_S_CLOSED = 0,
	SL_TCP_S_CONNECTING,		/* guest SYN seen, host connect pending */
	SL_TCP_S_SYN_SENT,		/* inbound: our SYN sent to the guest */
	SL_TCP_S_SYN_RCVD,		/* SYN-ACK sent to the guest */
	SL_TCP_S_ESTABLISHED,	/* includes the half-closed variants */
	SL_TCP_S_TIME_WAIT,
};

/*
 * Host readiness that means "read": muted together while reads wait (the
 * guest's window, the budget, tx room). RDHUP is level-triggered like IN
 * (and IN alone reports the end of stream too): left armed it would fire
 * on every poll once the host has closed.
 */
#define READ_EVENTS	(SL_HOST_EV_IN | SL_HOST_EV_RDHUP)

/* Control segments owed to the guest (struct sl_tcp_conn owed) */
#define OWE_SYNACK	0x1u
#define OWE_FIN		0x2u
#define OWE_ACK		0x4u	/* pure ACK / window update */

/* TCP flags */
#define F_FIN RTE_TCP_FIN_FLAG
#define F_SYN RTE_TCP_SYN_FLAG
#define F_RST RTE_TCP_RST_FLAG
#define F_PSH RTE_TCP_PSH_FLAG
#define F_ACK RTE_TCP_ACK_FLAG

/* holes resent per guest ACK in SACK recovery, at most */
#define SL_TCP_SACK_BURST	16

/** Retransmit entries of a worker (preallocated, free list). */
struct sl_tcp_rtx_pool {
	struct sl_tcp_rtx *free;
	uint32_t n;
	struct sl_tcp_rtx e[];
};

/**
 * One out-of-order range (payload only): the contiguous segments received
 * above a gap, chained (tail: the chain's last mbuf, for O(1) appends).
 */
struct sl_tcp_ooo {
	uint32_t seq;
	uint32_t len;
	struct rte_mbuf *m;
	struct rte_mbuf *tail;
};

/** A place on one of the ring budget's lists (flow slots + 1, 0: none). */
struct tcp_rb_link {
	uint32_t prev;
	uint32_t next;
};

/** One of the ring budget's lists of flows (sl_tcp_ring.c). */
struct tcp_rb_list {
	uint32_t head;		/**< flow slot + 1, 0: empty */
	uint32_t tail;
	uint32_t n;
};

/** Per-connection TCP state, parallel to the flow array. */
struct sl_tcp_conn {
	/* receive side: guest -> host */
	uint32_t rcv_nxt;
	uint32_t rcv_adv;	/**< right edge advertised */
	uint32_t last_adv_wnd;	/**< as the guest reconstructs it */
	uint32_t last_ack_sent;
	uint32_t last_win_sent;	/**< window field value last sent */
	uint16_t rcv_mss;	/**< MSS we advertised */
	uint8_t rcv_wscale;	/**< our shift (0 without scaling) */
	uint8_t snd_wscale;	/**< guest's shift */
	bool ws_ok;
	bool v6;		/**< an IPv6 flow (set at open) */
	uint8_t fwd_retry6;	/**< inbound IPv4: SL_FWD_RETRY6 bits (the
				 * guest's refusal retried over IPv6) */
	struct rte_mbuf *pend;	/**< in-order data not yet written */
	struct rte_mbuf *pend_tail; /**< its last segment (while pend) */
	uint32_t pend_len;
	uint8_t n_ooo;
	uint32_t ooo_bytes;
	uint32_t ooo_recent;	/**< start of the latest out-of-order chunk
				 * (its range is the first SACK block) */
	bool dsack;		/**< a duplicate arrived: D-SACK [dsack_l,
				 * dsack_r) leads the next pure ACK's blocks */
	uint32_t dsack_l;
	uint32_t dsack_r;
	bool fin_pending;	/**< a FIN arrived ahead of missing data */
	uint32_t fin_seq;	/**< ... at this sequence number */
	struct sl_tcp_ooo ooo[SL_TCP_OOO_MAX];

	/* send side: host -> guest */
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;
	uint32_t snd_wnd;	/**< guest window in bytes */
	uint32_t max_snd_wnd;
	uint32_t snd_wl1;
	uint32_t snd_wl2;
	uint16_t snd_mss;
	struct sl_tcp_rtx *rtx_head;
	struct sl_tcp_rtx *rtx_tail;
	uint32_t srtt8;		/**< smoothed RTT << 3, ms */
	uint32_t rttvar4;	/**< RTT variance << 2, ms */
	uint32_t rto;		/**< ms */
	uint8_t backoff;
	uint8_t dupacks;
	uint8_t persist_backoff;
	bool syn_rto_fired;	/**< RTO fired in the handshake (5.7) */
	bool in_recovery;
	bool rto_rec;		/**< the recovery an RTO started */
	bool undo_on;		/**< an episode D-SACKs may undo */
	bool tlp_sent;		/**< tail probe sent, SND.UNA not moved since */
	bool tlp_dup_wait;	/**< a D-SACK for it would be no episode's */
	uint32_t tlp_seq;	/**< where the last probe started */
	uint32_t recover;
	struct sl_tcp_sb sb;	/**< SACK scoreboard (sb.ok: negotiated) */
	/* congestion window toward the guest (sl_tcp_cc.c), bytes */
	uint32_t cwnd;		/**< 0: not yet set (IW at first use) */
	uint32_t ssthresh;
	uint32_t cwnd_acc;	/**< bytes acked toward the next CA step */
	uint32_t prior_cwnd;	/**< before the episode (undo) */
	uint32_t prior_ssthresh;
	uint32_t undo_rexmits;	/**< episode retransmissions not D-SACKed */

	/* deadlines (ms, 0: off) */
	uint64_t conn_deadline;
	uint64_t rto_deadline;
	uint64_t persist_deadline;
	uint64_t recheck_deadline;
	uint64_t tw_deadline;
	uint64_t ctl_deadline;	/**< retry the owed control segments */
	uint64_t tlp_deadline;	/**< tail-loss probe */

	/* lifecycle flags */
	bool fin_rcvd;		/**< guest FIN consumed */
	bool host_shut;		/**< shutdown(SHUT_WR) done (or left to the
				 * close: tcp_closing) */
	bool host_eof;		/**< host read returned 0 */
	bool host_rst;		/**< host socket reset/failed: drain, RST */
	bool host_hup;		/**< host socket hung up (HUP seen) */
	bool host_rdhup;	/**< host peer's FIN seen (RDHUP or HUP):
				 * a short read is followed by the read of
				 * its EOF at once (tcp_host_to_guest) */
	bool fin_sent;
	bool fin_acked;
	bool active_close;	/**< our FIN went first */
	bool rd_blocked;	/**< host data waits for guest window */
	bool rd_first;		/**< inbound, just established: read the
				 * host at the burst's end (its client
				 * usually spoke first) */
	bool rwnd_closed;	/**< our window fell below reopen_step() */
	bool ack_now;		/**< owe the guest an ACK this iteration */
	uint8_t owed;		/**< OWE_*: control segments that failed */
	bool dirty;
	uint32_t dirty_next;
	bool txq_on;		/**< waiting for tx room (tw->txq_*) */
	bool tx_turn;		/**< being served from that queue */
	uint32_t txq_next;
	uint32_t interest;	/**< host readiness interest */
	uint32_t segs_unacked;	/**< data segments since our last ACK */
	uint64_t win_iter;	/**< iteration win_cache was computed in */
	uint32_t win_cache;

	/* the ring budget (sl_tcp_ring.c) */
	uint32_t rb_frames;	/**< frames of guest data charged */
	uint32_t rb_max_win;	/**< largest window advertised to it (the
				 * guest's segments are at most half of it,
				 * rb_seg) */
	uint64_t rb_ms;		/**< when it last used its window, or was
				 * charged anew */
	struct tcp_rb_link rb_link[3];	/**< charged list, wait lines */
	uint8_t rb_on;		/**< bit i: on list i */
	bool rb_seen;		/**< charged since the flow began */
	bool rb_turn;		/**< its turn in line (tcp_ring_iter_end) */
	bool rb_idle;		/**< its promise waits for the application:
				 * not charged */
};

/**
 * struct sl_tcp_worker - TCP's per-worker state (behind w->tcp): made by
 * sl_tcp_init (the TCP entry's init hook), freed by sl_tcp_fini (its close
 * hook). Reached through sl_tcp_w(); the poll loop never looks inside.
 */
struct sl_tcp_worker {
	struct sl_tcp_rtx_pool *rtx_pool;	/**< retransmit entries */
	uint32_t dirty;			/**< head of flows touched (idx + 1) */
	uint32_t own_buf;		/**< per-flow guest->host buffering */
	uint32_t hold_max;		/**< mbufs one flow may hold */
	/** mbufs of either pool one flow may hold where guest frames have
	 * an rx pool of their own (its data copied out of it when it runs
	 * low, sl_tcp_reasm.c): hold_max rx mbufs' worth of main-pool
	 * mbufs; hold_max with one pool */
	uint32_t hold_max_copy;
	uint32_t connecting;		/**< half-open guest connections */
	uint64_t held;			/**< guest data held, all flows */
	uint64_t inflight;		/**< host data unacked, all flows */
	uint32_t txq_head;		/**< flows waiting for tx room */
	uint32_t txq_tail;
	uint32_t inbound_pending;	/**< inbound, SYN not yet answered */
	uint32_t isn_key[4];		/**< RFC 6528 secret */
	uint64_t inbound_log_ms;	/**< next inbound-limit log line */
	/* the ring budget (sl_tcp_ring.c; 0: the port pushes back) */
	uint32_t rb_budget;		/**< frames of guest data in flight */
	uint32_t rb_used;		/**< frames charged to flows */
	uint32_t rb_flows;		/**< flows charged or waiting */
	struct tcp_rb_list rb_list[3];	/**< charged, waiting, idle waiting */
	/** connection state, parallel to w->ft.flows */
	struct sl_tcp_conn conns[] __rte_cache_aligned;
};

/** sl_tcp_w - the worker's TCP state (NULL before init, after fini). */
static inline struct sl_tcp_worker *
sl_tcp_w(const struct sl_worker *w)
{
	return w->tcp;
}

/**
 * struct seg - the fields of a guest segment the input path works on, in
 * host byte order.
 */
struct seg {
	uint32_t seq;
	uint32_t ack;
	uint32_t len;		/**< payload bytes */
	uint16_t wnd;		/**< window field, not yet scaled */
	uint8_t flags;
};

/**
 * conn_of - the TCP connection state of flow @f.
 */
static inline struct sl_tcp_conn *
conn_of(struct sl_worker *w, const struct sl_flow *f)
{
	return &sl_tcp_w(w)->conns[f->idx];
}

/** l3l4_hlen - IP and TCP header bytes (no options) of @c's segments. */
static inline uint16_t
l3l4_hlen(const struct sl_tcp_conn *c)
{
	return c->v6 ? 60 : 40;
}

/** tx_mss - the largest segment payload the port sends to the guest. */
static inline uint16_t
tx_mss(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	return (uint16_t)((w->tx_mtu ? w->tx_mtu : w->mtu) - l3l4_hlen(c));
}

/**
 * rx_wscale - the window scale we offer on @c: what lets the largest
 * window be advertised, the buffer (--tcp-buf) or, where TCP's ring budget
 * counts frames (w->rx_ring_frames), the budget's frames of the link's
 * MSS if fewer (the window can never be larger there: a smaller scale
 * unit keeps rx_mss's rounding small).
 */
static inline uint8_t
rx_wscale(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	uint64_t max = w->cfg->tcp_buf;

	if (w->rx_ring_frames > 0)
		max = RTE_MIN(max, (uint64_t)(w->rx_ring_frames / 2) *
			(uint32_t)(w->mtu - l3l4_hlen(c)));
	return sl_tcp_wscale_for((uint32_t)max);
}

/**
 * rx_mss - the MSS we advertise to the guest: its link MTU less the
 * headers of @c's family; where TCP's ring budget counts frames
 * (w->rx_ring_frames), a multiple of @c's window scale unit (when that
 * costs at most 1/64 of it), so that a window of k segments is exact and
 * the guest's k segments leave no rest for a (k+1)th frame
 * (sl_tcp_ring.c).
 */
static inline uint16_t
rx_mss(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	uint32_t mss = w->mtu - l3l4_hlen(c), unit = 1u << c->rcv_wscale;

	if (w->rx_ring_frames > 0 && unit <= mss / 64)
		mss = RTE_ALIGN_FLOOR(mss, unit);
	return (uint16_t)mss;
}

/**
 * tso_on - whether frames to the guest on @c may be larger than one MSS:
 * the port segments TCP frames of @c's family (TSO4 / TSO6: on a vhost-user
 * port, GUEST_TSO4 / GUEST_TSO6) and completes their checksums.
 */
static inline bool
tso_on(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	uint32_t tso = c->v6 ? SL_TXOL_TSO6 : SL_TXOL_TSO4;

	return (w->tx_ol & (tso | SL_TXOL_CSUM)) == (tso | SL_TXOL_CSUM);
}

/**
 * seg_max - the largest payload of one frame to the guest on @c: the
 * guest's MSS, or with TSO as many whole MSS as one IP packet holds
 * (SL_TCP_TSO_MAX fits both an IPv4 total length and an IPv6 payload
 * length).
 */
static inline uint32_t
seg_max(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	if (!tso_on(w, c) || c->snd_mss == 0)
		return c->snd_mss;
	return (SL_TCP_TSO_MAX / c->snd_mss) * c->snd_mss;
}

/**
 * tx_cksum - finish the checksums of a TCP frame to the guest per this
 * iteration's offloads: left to the port (pseudo-header sum of the frame's
 * family, TSO when the payload exceeds the MSS), or computed here.
 * @w: worker
 * @c: connection
 * @m: frame built by tcp_prepend_l3
 * @len: payload bytes (more than c->snd_mss only when tso_on())
 */
static inline void
tx_cksum(struct sl_worker *w, const struct sl_tcp_conn *c,
	struct rte_mbuf *m, uint32_t len)
{
	uint16_t segsz = 0;

	if (!(w->tx_ol & SL_TXOL_CSUM)) {
		sl_net_tx_cksum_sw(m);
		return;
	}
	if (len > c->snd_mss) {
		segsz = c->snd_mss;
		SL_STAT_INC(w->stats, tx_tso_frames);
		if (c->v6)
			SL_STAT_INC(w->stats, tx_tso6_frames);
	}
	sl_net_tcp_tx_offload(m, (w->tx_ol & SL_TXOL_IP_CSUM) != 0, segsz);
	SL_STAT_INC(w->stats, tx_csum_offload);
}

/**
 * tcp_prepend_l3 - prepend the Ethernet and IP headers of flow @f (of
 * its family: IPv4, or IPv6 with hop limit 64) to TCP segment @m toward
 * the guest. Return: 0, or -1 (no headroom).
 */
static inline int
tcp_prepend_l3(const struct sl_worker *w, const struct sl_flow *f,
	struct rte_mbuf *m)
{
	if (likely(f->key.family == AF_INET))
		return sl_net_prepend_ipv4(m, &w->gw_mac, NULL,
			f->key.daddr, f->key.gaddr, IPPROTO_TCP);
	return sl_net_prepend_ipv6(m, &w->gw_mac, NULL, f->key.dip.b,
		f->key.gip.b, IPPROTO_TCP, SL_TCP_HOP_LIMIT);
}

/**
 * tcp_to_guest - send built segment @m of flow @f through the neighbour
 * table of its family (consumes @m).
 */
static inline void
tcp_to_guest(struct sl_worker *w, const struct sl_flow *f, struct rte_mbuf *m)
{
	if (likely(f->key.family == AF_INET))
		sl_neigh_tx(w, m, f->key.gaddr);
	else
		sl_neigh_tx6(w, m, f->key.gip.b);
}

/**
 * rtx_pool - the worker's pool of retransmit entries.
 */
static inline struct sl_tcp_rtx_pool *
rtx_pool(struct sl_worker *w)
{
	return sl_tcp_w(w)->rtx_pool;
}

/**
 * dirty_mark - put @c on the worker's list of flows touched (once): their
 * data goes to the host at the burst's end (sl_tcp_burst_end), their ACK
 * at the iteration's (sl_tcp_iteration_end, which empties the list).
 */
static inline void
dirty_mark(struct sl_worker *w, const struct sl_flow *f,
	struct sl_tcp_conn *c)
{
	if (c->dirty)
		return;
	c->dirty = true;
	c->dirty_next = sl_tcp_w(w)->dirty;
	sl_tcp_w(w)->dirty = f->idx + 1;
}

/**
 * watch - give the host backend @c's interest. A socket that hung up
 * reports HUP on every poll whatever the interest (epoll): with neither
 * reads nor writes wanted it is made quiet, or a flow waiting for the
 * guest's window would make the worker spin.
 */
static inline void
watch(struct sl_worker *w, struct sl_flow *f, const struct sl_tcp_conn *c)
{
	uint32_t ev = c->interest;

	if (c->host_hup && !(ev & (SL_HOST_EV_IN | SL_HOST_EV_OUT)))
		ev = SL_HOST_EV_QUIET;
	sl_host_watch(w->host, f->hd, ev);
}

/**
 * tcp_closing - whether tcp_maybe_finish closes @c's host socket as soon as
 * the guest's FIN is taken (the host's EOF relayed and our FIN acknowledged):
 * close() then sends the host its FIN, no shutdown(SHUT_WR) is needed.
 */
static inline bool
tcp_closing(const struct sl_tcp_conn *c)
{
	return c->fin_sent && c->fin_acked && !c->host_rst;
}

/**
 * set_interest - change @c's host readiness interest to @ev, telling
 * the backend only when it changed (and the flow has a socket).
 */
static inline void
set_interest(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint32_t ev)
{
	if (f->hd < 0 || c->interest == ev)
		return;
	c->interest = ev;
	watch(w, f, c);
}

/** mbuf_writable - whether @m's buffer is ours alone (its tailroom too). */
static inline bool
mbuf_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

/** seg_of - the fields of the guest segment @p (TCP header @th). */
static inline struct seg
seg_of(const struct sl_pkt *p, const struct rte_tcp_hdr *th)
{
	return (struct seg){
		.seq = rte_be_to_cpu_32(th->sent_seq),
		.ack = rte_be_to_cpu_32(th->recv_ack),
		.len = p->pay_len,
		.wnd = rte_be_to_cpu_16(th->rx_win),
		.flags = th->tcp_flags,
	};
}

/* sl_tcp_conn.c */
void
tcp_free(struct sl_worker *w, struct sl_flow *f, bool abort,
	enum sl_stat why);
void
tcp_reset_both(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	enum sl_stat why);
bool
tcp_maybe_finish(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);
void
tcp_send_synack(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);
void
tcp_new_conn(struct sl_worker *w, const struct sl_pkt *p,
	const struct rte_tcp_hdr *th, const struct sl_flow_key *key);
bool
tcp_syn_rcvd_input(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c,
	const struct sl_pkt *p, const struct rte_tcp_hdr *th);
void
tcp_syn_sent_input(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c,
	const struct sl_pkt *p, const struct rte_tcp_hdr *th);

/* sl_tcp_in.c */
bool
tcp_acceptable(const struct sl_tcp_conn *c, uint32_t seq, uint32_t len);

/* sl_tcp_ring.c */
/** tcp_ring_init - the worker's ring budget from w->rx_ring_frames. */
void
tcp_ring_init(struct sl_worker *w);
/**
 * tcp_ring_charge - after @c's window went out: charge it the frames its
 * open window allows (nothing while idle).
 */
void
tcp_ring_charge(struct sl_worker *w, struct sl_tcp_conn *c);
/**
 * tcp_ring_used - @len bytes of guest data came in order on @c: charge
 * what its window still promises, or nothing when the data ended short of
 * a full segment (the guest's send queue emptied: idle).
 */
void
tcp_ring_used(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t len);
/**
 * tcp_ring_cap - @space (bytes from rcv_nxt) as far as the ring budget
 * lets @c's window open; a flow held back waits in line for an update.
 * Return: the capped space.
 */
uint32_t
tcp_ring_cap(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t space);
/** tcp_ring_forget - a flow ends: its charge and places go. */
void
tcp_ring_forget(struct sl_worker *w, struct sl_tcp_conn *c);
/**
 * tcp_ring_iter_end - at the end of an iteration's ACKs: uncharge idle
 * promises, then send the waiting flows their updates while frames are
 * free.
 */
void
tcp_ring_iter_end(struct sl_worker *w);

/* sl_tcp_reasm.c */
struct rte_mbuf *
tcp_mbuf_adj(struct rte_mbuf *m, uint32_t len);
void
tcp_mbuf_trim(struct rte_mbuf *m, uint32_t len);
bool
tcp_ooo_insert(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t seq,
	uint32_t len, struct rte_mbuf *m);
uint32_t
tcp_held_mbufs(const struct sl_tcp_conn *c);
uint32_t
tcp_ooo_mbufs(const struct sl_tcp_conn *c);
void
tcp_ooo_prune(struct sl_worker *w, struct sl_tcp_conn *c);
int
tcp_deliver(struct sl_worker *w, struct sl_tcp_conn *c, struct rte_mbuf *m,
	uint32_t len);
void
tcp_ooo_drain(struct sl_worker *w, struct sl_tcp_conn *c);
struct rte_mbuf *
tcp_hold_take(struct sl_worker *w, struct sl_tcp_conn *c, struct rte_mbuf *m,
	uint32_t off, uint32_t len);

/* sl_tcp_out.c */
int
tcp_emit(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint8_t flags, uint32_t seq, struct rte_mbuf *m, bool keep);
void
tcp_owe(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint8_t what);
void
tcp_send_ack(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);
void
tcp_send_rst_reply(struct sl_worker *w, const struct sl_pkt *p,
	const struct rte_tcp_hdr *th);
void
tcp_host_to_guest(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c);
void
tcp_send_owed(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);

/* sl_tcp_rtx.c */
void
tcp_rtt_sample(struct sl_tcp_conn *c, uint32_t r);
uint32_t
tcp_rto_backed_off(const struct sl_tcp_conn *c);
void
tcp_retransmit(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	struct sl_tcp_rtx *e);
void
tcp_rtx_release(struct sl_worker *w, struct sl_tcp_conn *c);
void
tcp_sack_input(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	const struct sl_tcp_opts *o, bool dup, bool partial);
void
tcp_rto_resend(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);

/* sl_tcp_cc.c */
/**
 * tcp_cwnd_room - bytes @c's congestion window lets it send now: cwnd less
 * the pipe (in flight less SACKed); sets the initial window at first use.
 */
uint32_t
tcp_cwnd_room(const struct sl_worker *w, struct sl_tcp_conn *c);
/**
 * tcp_cc_ack - @acked bytes newly acknowledged with @flight bytes in
 * flight before: slow start or congestion avoidance (not in fast
 * recovery, nor when the flow did not use its window).
 */
void
tcp_cc_ack(const struct sl_worker *w, struct sl_tcp_conn *c, uint32_t acked,
	uint32_t flight);
/**
 * tcp_cc_loss - a loss episode starts (fast retransmit) or an RTO fired
 * (@rto): ssthresh and cwnd reduced, the old ones kept for undo.
 */
void
tcp_cc_loss(struct sl_worker *w, struct sl_tcp_conn *c, bool rto);
/**
 * tcp_cc_dsack - the guest reported a duplicate segment (D-SACK block
 * starting at @left): unless it is the last tail-loss probe, when every
 * retransmission of the episode was one, undo the episode.
 */
void
tcp_cc_dsack(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t left);
/**
 * tcp_tlp_arm - (re)start @c's tail-loss probe timer (PTO) or stop it;
 * the caller re-arms the flow's timer.
 */
void
tcp_tlp_arm(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);
/** tcp_tlp_fire - the PTO expired: resend the last segment in flight. */
void
tcp_tlp_fire(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);

/* sl_tcp_win.c */
uint32_t
tcp_max_window(const struct sl_worker *w, const struct sl_tcp_conn *c);
uint32_t
tcp_window_space(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);
uint32_t
tcp_adv_space(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);
uint32_t
tcp_select_window(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c);
uint16_t
tcp_record_adv(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint32_t win);
void
tcp_check_reopen(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);

/* sl_tcp_timer.c */
void
tcp_rearm(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);

/* sl_tcp_host.c */
void
tcp_drop_pend(struct sl_worker *w, struct sl_tcp_conn *c);
int
tcp_flush_to_host(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c);
void
tcp_host_reset(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c);

#endif /* SL_TCP_PRIV_H */
