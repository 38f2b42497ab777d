/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp.c: the window-aware TCP relay.
 *
 * Theory of operation
 * -------------------
 * Every guest TCP connection is terminated here and relayed to one
 * non-blocking host socket connected to the same destination.
 *
 * Set-up. A guest SYN starts a non-blocking connect(); the SYN-ACK goes to
 * the guest only when the host connect has succeeded (refused: RST; no
 * answer within cfg->tcp_connect_timeout_ms: RST). The SYN-ACK carries our
 * MSS (MTU - 40) and, only if the guest's SYN offered one, our window scale
 * (RFC 7323 2.2), chosen as the smallest shift that can express the largest
 * window we will ever advertise (cfg->tcp_buf). The guest's MSS is used
 * as announced, however small (an MSS of 0 counts as absent: 536, the
 * default). The guest's answer is
 * checked in RFC 9293's order: sequence number first (outside our window:
 * an ACK), then the ACK (only ISS + 1 completes the handshake, another
 * gets an RST). The window field of a SYN or
 * SYN-ACK is never scaled. A guest shift above 14 is used as 14. ISNs follow
 * RFC 6528: a keyed hash of the 4-tuple plus a 4 us clock. Inbound (a host
 * client accepted on a forward): our SYN goes to the guest from the
 * gateway; at most cfg->max_pending_connects such connections wait for the
 * guest's SYN-ACK (w->tcp_inbound_pending, apart from the guest's own
 * half-open ones) and they never take the last eighth of the flow table;
 * beyond that a client is accepted and reset (inbound_room).
 *
 * Guest -> host. Acceptable segments are trimmed to [RCV.NXT, right edge);
 * in-order payload is appended, without copying, to the flow's pending mbuf
 * chain, except small payloads (up to SL_TCP_COPY_MAX bytes): those are
 * copied into the tailroom of the chain's last mbuf (or of a fresh one),
 * so a flow whose host peer stalls pins about one mbuf per mbuf's worth of
 * bytes, not one per segment. A flow holds at most w->tcp_hold_max mbufs:
 * 1/SL_TCP_HOLD_SHARE of the pool's mbufs beyond the rx reserve, within
 * [SL_TCP_HOLD_MIN, SL_TCP_HOLD_SEGS]. Out-of-order segments wait in a
 * small sorted queue (SL_TCP_OOO_MAX, overlaps trimmed, the first bytes
 * received win), and a FIN that arrives ahead of missing data is
 * remembered (its sequence number) and taken when the gap is filled. At
 * the end of the rx burst the pending chain of each touched flow goes to
 * the host socket in one writev; what the socket does not take stays
 * pending (sluice's own buffer, at most w->tcp_own_buf). Bytes are
 * acknowledged once they are written or pending: never before.
 *
 * The window advertised to the guest is real space: what the host socket's
 * send buffer still accepts plus what is left of sluice's own buffer,
 * capped by the largest window. It is never a constant, its right edge
 * never moves left (a smaller value is replaced by the old edge, aligned up
 * to the scale unit), it opens only in steps of at least min(MSS, buf/2)
 * (receiver SWS avoidance) and is rounded down to the scale unit. We keep
 * the window as the guest reconstructs it (field << shift) in last_adv_wnd.
 * When that falls below min(MSS, largest window / 2) - the same step it
 * opens by - the window is "closed": we then watch the host socket for
 * writability and, once that step is free again, send one window update
 * in that iteration's tx burst, without waiting for the guest's persist
 * probe - once per closed->open transition.
 * Zero-window probes (and any unacceptable segment) get an ACK carrying the
 * current window; their data is not taken, but their ACK field and window
 * are, under the SND.WL1/SND.WL2 rule (RFC 9293 3.10.7.4: a guest probing
 * our zero window may be the one carrying its own window update).
 *
 * Host -> guest. Host data is read straight into mbufs that become the
 * guest's segments (one readv per flow per event), never beyond SND.UNA +
 * the guest's window (tracked per flow as a 32-bit byte count, updated with
 * the SND.WL1/SND.WL2 rule) nor beyond cfg->tcp_buf in flight, nor beyond
 * the iteration's tx room (sl_tx_room: what the port has not taken waits
 * in the worker's tx backlog, never dropped). A flow that finds no room
 * waits in line (tx_defer, read interest muted) and is served first in the
 * next iteration (sl_tcp_tx_resume), oldest first: flows take turns of at
 * most SL_TCP_READ_SEGS segments. When the guest's window is full the
 * host socket's read interest (IN and RDHUP, both level-triggered) is
 * muted, so the host sender feels the
 * backpressure and memory stays bounded; a window update from the guest
 * unmutes it. A host socket that hung up (HUP: closed both ways, or reset)
 * reports HUP on every poll whatever the interest, so while nothing is to
 * be read or written it is made quiet (SL_HOST_EV_QUIET: out of the epoll
 * set): an idle worker stays idle. A zero guest window with nothing in
 * flight arms the persist timer: a probe (SND.UNA - 1, which the guest must
 * answer with an ACK) after one RTO, then with exponential backoff.
 *
 * Large segments. Toward the guest a segment is at most its MSS, unless the
 * worker's tx offloads (w->tx_ol, set from what the port and, on a
 * vhost-user port, the guest negotiated: GUEST_CSUM, GUEST_TSO4) include
 * TSO: then one frame carries up to SL_TCP_TSO_MAX bytes (whole MSS
 * multiples), sent with RTE_MBUF_F_TX_TCP_SEG and tso_segsz = the guest's
 * MSS; the guest (or the NIC) cuts it. Everything else counts bytes, so
 * window gating, the in-flight cap, RTO and fast retransmit are unchanged;
 * one retransmit entry holds the whole large frame. With checksum offload
 * a frame carries only the pseudo-header sum and TX_TCP_CKSUM; without
 * it sluice computes the checksum (sends and retransmissions alike: the
 * rule of the iteration applies). A large frame that must be resent after
 * TSO went away (the guest re-negotiated) is resent as MSS-sized copies.
 * From the guest, a segment may be larger than the MSS we advertised (GSO
 * frames over vhost-user, LRO): it is handled like any other, as the mbuf
 * chain it arrived in.
 *
 * Retransmission data is kept in mbufs, not in the host socket: each sent
 * segment stays referenced (refcount) in the flow's retransmit queue until
 * the guest acknowledges it. Why mbufs: the bytes were read from the host
 * socket anyway (MSG_PEEK plus SO_PEEK_OFF would need a recent kernel and
 * a re-read per retransmission), a retransmission is a header rewrite and a
 * refcount bump, and the queue's size is bounded by the guest window and
 * cfg->tcp_buf. A segment the PMD still holds (refcount > 1) is copied
 * before its header is rewritten. RTO per RFC 6298 (1 s initial, 200 ms
 * floor, doubling, SL_TCP_RETRIES then RST; 3 s from the first data on
 * when it fired during the handshake, 5.7); fast retransmit on the third
 * duplicate ACK with NewReno-style partial-ACK recovery.
 *
 * ACKs. Per flow and per poll iteration at most one pure ACK or window
 * update, sent at the end of the iteration and only if no data segment of
 * the same iteration already carried the same ACK and window. Every
 * iteration that received data ACKs it (so at least every second full
 * segment is acknowledged, and never later than the iteration); out-of-
 * order data, FINs and window reopens are ACKed in the same iteration.
 * A control segment that cannot be built or queued (no mbuf; the tx
 * queue full because the port refuses frames) is owed (OWE_*: SYN-ACK,
 * FIN, ACK/window update) and sent again SL_TCP_CTL_RETRY_MS later from
 * the flow's timer, until it goes; a half-open flow whose SYN-ACK is owed
 * stays bounded by the connect timeout.
 *
 * Close. Guest FIN -> shutdown(SHUT_WR) on the host once its data is
 * written, while host data keeps flowing; host EOF -> FIN to the guest
 * after the data. Both FINs exchanged and ours acknowledged: the flow ends
 * (TIME_WAIT for SL_TCP_TIME_WAIT_MS when we closed first, re-ACKing FIN
 * retransmissions with the host socket already closed). Guest RST (exact
 * sequence) -> the host peer sees a reset (SO_LINGER 0). Host reset (or a
 * failed socket: host_gone) -> what the host socket still holds is the
 * peer's data (Linux lets a reader take it before ECONNRESET): it goes to
 * the guest like any data, within its window, guest data is no longer
 * written (or accepted: window 0), and once the guest has acknowledged
 * everything, RST to the guest. In-window-but-not-exact RSTs, any SYN
 * on a synchronised connection, and a segment whose ACK is outside
 * [SND.UNA - MAX.SND.WND, SND.NXT] (dropped) get a challenge ACK (RFC
 * 5961). Idle flows
 * are reset after cfg->tcp_idle_timeout_s. Freeing a flow releases its
 * mbufs, closes its socket and cancels its timer in one place (tcp_free).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_tcp.h>

#include "sl_fwd.h"
#include "sl_log.h"
#include "sl_neigh.h"
#include "sl_steer.h"
#include "sl_tcp.h"

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
#define SL_TCP_READ_IOV		1024	/* IOV_MAX */
#define SL_TCP_READ_SEGS	64
#define SL_TCP_HDR_ROOM		(RTE_ETHER_HDR_LEN + 20 + 20 + 8)
#define SL_TCP_MAX_SHIFT	14
#define SL_TCP_DEFAULT_MSS	536
/* largest TSO payload: one IPv4 packet (no TCP options on data segments) */
#define SL_TCP_TSO_MAX		(UINT16_MAX - 20 - 20)

enum sl_tcp_state {
	TCP_CLOSED = 0,
	TCP_CONNECTING,		/* guest SYN seen, host connect pending */
	TCP_SYN_SENT,		/* inbound: our SYN sent to the guest */
	TCP_SYN_RCVD,		/* SYN-ACK sent to the guest */
	TCP_ESTABLISHED,	/* includes the half-closed variants */
	TCP_TIME_WAIT,
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

#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_LE(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((a) - (b)) > 0)
#define SEQ_GE(a, b) ((int32_t)((a) - (b)) >= 0)

/** One segment sent to the guest and not yet acknowledged. */
struct sl_tcp_rtx {
	struct sl_tcp_rtx *next;
	struct rte_mbuf *m;	/**< the whole frame, referenced */
	uint64_t sent_ms;
	uint32_t seq;
	uint32_t len;		/**< payload bytes */
	uint8_t flags;		/**< TCP flags of the segment */
	bool rexmit;		/**< retransmitted (Karn) */
};

/** Retransmit entries of a worker (preallocated, free list). */
struct sl_tcp_rtx_pool {
	struct sl_tcp_rtx *free;
	uint32_t n;
	struct sl_tcp_rtx e[];
};

/** One out-of-order segment (payload only). */
struct sl_tcp_ooo {
	uint32_t seq;
	uint32_t len;
	struct rte_mbuf *m;
};

/** Per-connection TCP state, parallel to the flow array. */
struct sl_tcp_conn {
	/* receive side: guest -> host */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_adv;	/**< right edge advertised */
	uint32_t last_adv_wnd;	/**< as the guest reconstructs it */
	uint32_t last_ack_sent;
	uint32_t last_win_sent;	/**< window field value last sent */
	uint16_t rcv_mss;	/**< MSS we advertised */
	uint8_t rcv_wscale;	/**< our shift (0 without scaling) */
	uint8_t snd_wscale;	/**< guest's shift */
	bool ws_ok;
	struct rte_mbuf *pend;	/**< in-order data not yet written */
	struct rte_mbuf *pend_tail; /**< its last segment (while pend) */
	uint32_t pend_len;
	uint8_t n_ooo;
	uint32_t ooo_bytes;
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
	uint32_t rtx_segs;
	uint32_t srtt8;		/**< smoothed RTT << 3, ms */
	uint32_t rttvar4;	/**< RTT variance << 2, ms */
	uint32_t rto;		/**< ms */
	uint8_t backoff;
	uint8_t dupacks;
	uint8_t persist_backoff;
	bool syn_rto_fired;	/**< RTO fired in the handshake (5.7) */
	bool in_recovery;
	uint32_t recover;

	/* deadlines (ms, 0: off) */
	uint64_t conn_deadline;
	uint64_t rto_deadline;
	uint64_t persist_deadline;
	uint64_t recheck_deadline;
	uint64_t tw_deadline;
	uint64_t ctl_deadline;	/**< retry the owed control segments */

	/* lifecycle flags */
	bool fin_rcvd;		/**< guest FIN consumed */
	bool host_shut;		/**< shutdown(SHUT_WR) done */
	bool host_eof;		/**< host read returned 0 */
	bool host_rst;		/**< host socket reset/failed: drain, RST */
	bool host_hup;		/**< host socket hung up (HUP seen) */
	bool fin_sent;
	bool fin_acked;
	bool active_close;	/**< our FIN went first */
	bool rd_blocked;	/**< host data waits for guest window */
	bool rwnd_closed;	/**< our window fell below reopen_step() */
	bool ack_now;		/**< owe the guest an ACK this iteration */
	uint8_t owed;		/**< OWE_*: control segments that failed */
	bool dirty;
	uint32_t dirty_next;
	bool txq_on;		/**< waiting for tx room (w->tcp_txq_*) */
	bool tx_turn;		/**< being served from that queue */
	uint32_t txq_next;
	uint32_t interest;	/**< host readiness interest */
	uint32_t segs_unacked;	/**< data segments since our last ACK */
	uint64_t win_iter;	/**< iteration win_cache was computed in */
	uint32_t win_cache;
};

/* ------------------------------------------------------------------ */
/* helpers                                                              */

static inline struct sl_tcp_conn *
conn_of(struct sl_worker *w, const struct sl_flow *f)
{
	return &w->tcp[f->idx];
}

/** tx_mss - the largest segment payload the port sends to the guest. */
static inline uint16_t
tx_mss(const struct sl_worker *w)
{
	return (uint16_t)((w->tx_mtu ? w->tx_mtu : w->mtu) - 40);
}

/** tso_on - whether frames to the guest may be larger than one MSS. */
static inline bool
tso_on(const struct sl_worker *w)
{
	return (w->tx_ol & (SL_TXOL_TSO | SL_TXOL_CSUM)) ==
		(SL_TXOL_TSO | SL_TXOL_CSUM);
}

/**
 * seg_max - the largest payload of one frame to the guest on @c: the
 * guest's MSS, or with TSO as many whole MSS as one IPv4 packet holds.
 */
static inline uint32_t
seg_max(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	if (!tso_on(w) || c->snd_mss == 0)
		return c->snd_mss;
	return (SL_TCP_TSO_MAX / c->snd_mss) * c->snd_mss;
}

/**
 * tx_cksum - finish the checksums of a TCP frame to the guest per this
 * iteration's offloads: left to the port (pseudo-header sum, TSO when the
 * payload exceeds the MSS), or computed here.
 * @w: worker
 * @c: connection
 * @m: frame built by sl_net_prepend_ipv4
 * @len: payload bytes (more than c->snd_mss only when tso_on())
 */
static void
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
	}
	sl_net_tcp_tx_offload(m, (w->tx_ol & SL_TXOL_IP_CSUM) != 0, segsz);
	SL_STAT_INC(w->stats, tx_csum_offload);
}

static inline struct sl_tcp_rtx_pool *
rtx_pool(struct sl_worker *w)
{
	return w->tcp_rtx_pool;
}

const char *
sl_tcp_state_name(uint8_t state)
{
	static const char *const names[] = {
		[TCP_CLOSED] = "closed",
		[TCP_CONNECTING] = "connecting",
		[TCP_SYN_SENT] = "syn_sent",
		[TCP_SYN_RCVD] = "syn_rcvd",
		[TCP_ESTABLISHED] = "established",
		[TCP_TIME_WAIT] = "time_wait",
	};

	return state < RTE_DIM(names) ? names[state] : "?";
}

int
sl_tcp_parse_opts(const uint8_t *opt, uint16_t len, struct sl_tcp_opts *o)
{
	uint16_t i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		uint8_t kind = opt[i], olen;

		if (kind == 0)		/* end of options */
			break;
		if (kind == 1) {	/* NOP */
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -1;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return -1;
		if (kind == 2 && olen == 4) {
			o->mss = (uint16_t)(opt[i + 2] << 8 | opt[i + 3]);
		} else if (kind == 3 && olen == 3) {
			o->has_wscale = true;
			o->wscale = opt[i + 2];
		}
		i += olen;
	}
	return 0;
}

uint8_t
sl_tcp_wscale_for(uint32_t max_win)
{
	uint8_t s = 0;

	while (s < SL_TCP_MAX_SHIFT && ((uint64_t)UINT16_MAX << s) < max_win)
		s++;
	return s;
}

bool
sl_tcp_should_reopen(uint32_t last_adv, uint32_t space, uint32_t mss,
	uint32_t buf)
{
	uint32_t step = RTE_MIN(mss, buf / 2);

	if (last_adv >= step)
		return false;	/* not closed */
	return space >= last_adv + step;
}

/**
 * mbuf_adj - remove @len bytes from the front of a chain, freeing segments
 * that become empty.
 * Return: the new head (NULL when the whole chain was consumed).
 */
static struct rte_mbuf *
mbuf_adj(struct rte_mbuf *m, uint32_t len)
{
	uint32_t pkt_len = m->pkt_len;
	uint16_t nb_segs = m->nb_segs;

	if (len >= pkt_len) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	while (len >= m->data_len) {
		struct rte_mbuf *next = m->next;

		len -= m->data_len;
		pkt_len -= m->data_len;
		nb_segs--;
		m->next = NULL;
		rte_pktmbuf_free_seg(m);
		m = next;
	}
	m->data_off += len;
	m->data_len -= len;
	m->pkt_len = pkt_len - len;
	m->nb_segs = nb_segs;
	return m;
}

/**
 * mbuf_trim - cut a chain to its first @len bytes (len > 0).
 */
static void
mbuf_trim(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *s = m;
	uint32_t left = len;
	uint16_t segs = 1;

	if (len >= m->pkt_len)
		return;
	/* len < pkt_len = sum of data_len: s never runs off the chain */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	while (left > s->data_len) {
		left -= s->data_len;
		s = s->next;
		segs++;
	}
	s->data_len = (uint16_t)left;
	if (s->next != NULL) {
		rte_pktmbuf_free(s->next);
		s->next = NULL;
	}
	m->pkt_len = len;
	m->nb_segs = segs;
}

/** isn - RFC 6528: keyed hash of the 4-tuple plus a 4 us clock. */
static uint32_t
isn(const struct sl_worker *w, const struct sl_flow_key *k)
{
	uint32_t h = rte_jhash_3words(k->gaddr ^ w->tcp_isn_key[0],
		k->daddr ^ w->tcp_isn_key[1],
		((uint32_t)k->gport << 16 | k->dport) ^ w->tcp_isn_key[2],
		w->tcp_isn_key[3]);
	uint64_t us4 = rte_get_timer_cycles() / (rte_get_timer_hz() / 250000 + 1);

	return h + (uint32_t)us4;
}

static void
dirty_mark(struct sl_worker *w, const struct sl_flow *f,
	struct sl_tcp_conn *c)
{
	if (c->dirty)
		return;
	c->dirty = true;
	c->dirty_next = w->tcp_dirty;
	w->tcp_dirty = f->idx + 1;
}

/**
 * conn_clear - zero the TCP state of a flow slot being (re)used, keeping
 * its link in the list of flows touched this iteration: a flow freed while
 * on that list may have its slot taken again before the list is walked,
 * and zeroing the link would cut off every flow behind it (never ACKed or
 * flushed again, as dirty_mark() sees them still marked). The same holds
 * for the queue of flows waiting for tx room.
 */
static void
conn_clear(struct sl_tcp_conn *c)
{
	bool dirty = c->dirty, txq_on = c->txq_on;
	uint32_t next = c->dirty_next, txq_next = c->txq_next;

	memset(c, 0, sizeof(*c));
	c->dirty = dirty;
	c->dirty_next = next;
	c->txq_on = txq_on;
	c->txq_next = txq_next;
}

/**
 * watch - give the host backend @c's interest. A socket that hung up
 * reports HUP on every poll whatever the interest (epoll): with neither
 * reads nor writes wanted it is made quiet, or a flow waiting for the
 * guest's window would make the worker spin.
 */
static void
watch(struct sl_worker *w, struct sl_flow *f, const struct sl_tcp_conn *c)
{
	uint32_t ev = c->interest;

	if (c->host_hup && !(ev & (SL_HOST_EV_IN | SL_HOST_EV_OUT)))
		ev = SL_HOST_EV_QUIET;
	sl_host_watch(w->host, f->hd, ev);
}

static void
set_interest(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint32_t ev)
{
	if (f->hd < 0 || c->interest == ev)
		return;
	c->interest = ev;
	watch(w, f, c);
}

/* ------------------------------------------------------------------ */
/* windows                                                              */

/** max_window - the largest window we advertise on this connection. */
static uint32_t
max_window(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	uint64_t lim = c->ws_ok ? (uint64_t)UINT16_MAX << c->rcv_wscale :
		UINT16_MAX;

	return (uint32_t)RTE_MIN(lim, (uint64_t)w->cfg->tcp_buf);
}

/**
 * reopen_step - the SWS step (RFC 1122 4.2.3.3): the window opens by at
 * least min(MSS, largest window / 2), and below that it counts as closed
 * (the same threshold both ways, or a largest window below one MSS would
 * be "closed" for ever).
 */
static uint32_t
reopen_step(const struct sl_worker *w, const struct sl_tcp_conn *c)
{
	return RTE_MIN((uint32_t)c->rcv_mss, max_window(w, c) / 2);
}

/**
 * window_space - real space for guest data right now: what the host socket
 * will still accept plus what is left of sluice's own buffer, capped.
 * Cached per iteration (it costs a syscall or two).
 */
static uint32_t
window_space(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint64_t space = 0;
	long ws;

	if (c->win_iter == w->iter && w->iter != 0)
		return c->win_cache;
	if (f->hd >= 0 && !c->host_shut && !c->host_rst) {
		ws = sl_host_wspace(w->host, f->hd);
		if (ws > 0)
			space = (uint64_t)ws;
	}
	if (c->pend_len + c->ooo_bytes < w->tcp_own_buf)
		space += w->tcp_own_buf - c->pend_len - c->ooo_bytes;
	if (c->fin_rcvd || c->host_rst)
		space = 0;
	space = RTE_MIN(space, (uint64_t)max_window(w, c));
	c->win_cache = (uint32_t)space;
	c->win_iter = w->iter;
	return c->win_cache;
}

/**
 * adv_space - window_space() as it can be advertised: rounded down to the
 * scale unit. Reopen decisions must look at this, not at the raw space,
 * or a "reopened" window could still go out below one MSS.
 */
static uint32_t
adv_space(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	return window_space(w, f, c) & ~((1u << c->rcv_wscale) - 1);
}

/**
 * select_window - the window to advertise now (bytes, as the guest will
 * reconstruct it): never shrinks the right edge, opens only in SWS-safe
 * steps, rounded down to the scale unit.
 */
static uint32_t
select_window(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint32_t unit = 1u << c->rcv_wscale;
	uint32_t space = window_space(w, f, c);
	uint32_t cur = SEQ_GT(c->rcv_adv, c->rcv_nxt) ?
		c->rcv_adv - c->rcv_nxt : 0;
	uint32_t step = reopen_step(w, c);
	uint32_t win;

	/*
	 * SWS: keep the edge where it is, rounded up to the unit (the field
	 * sent is win >> shift: truncating cur would pull the edge left).
	 */
	if (space < cur + step && space < max_window(w, c))
		win = RTE_ALIGN_CEIL(cur, unit);
	else
		win = space & ~(unit - 1);
	if (win < cur)		/* never move the right edge left */
		win = RTE_ALIGN_CEIL(cur, unit);
	return win;
}

/**
 * record_adv - note a window sent: the field value is win >> shift and the
 * guest reconstructs field << shift.
 * Return: the field value.
 */
static uint16_t
record_adv(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint32_t win)
{
	uint32_t field = win >> c->rcv_wscale;

	if (field > UINT16_MAX)
		field = UINT16_MAX;
	c->last_adv_wnd = field << c->rcv_wscale;
	if (SEQ_GT(c->rcv_nxt + c->last_adv_wnd, c->rcv_adv))
		c->rcv_adv = c->rcv_nxt + c->last_adv_wnd;
	c->last_ack_sent = c->rcv_nxt;
	c->last_win_sent = field;
	c->segs_unacked = 0;
	if (c->last_adv_wnd < reopen_step(w, c) && !c->fin_rcvd &&
	    !c->host_rst) {
		if (!c->rwnd_closed) {
			c->rwnd_closed = true;
			SL_STAT_INC(w->stats, tcp_zero_window_adv);
		}
		/* wake up when the host drains */
		set_interest(w, f, c, c->interest | SL_HOST_EV_OUT);
	} else {
		c->rwnd_closed = false;
	}
	return (uint16_t)field;
}

/* ------------------------------------------------------------------ */
/* timers                                                               */

static void
rearm(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint64_t d = f->last_ms + (uint64_t)w->cfg->tcp_idle_timeout_s * 1000;

	if (c->conn_deadline && c->conn_deadline < d)
		d = c->conn_deadline;
	if (c->rto_deadline && c->rto_deadline < d)
		d = c->rto_deadline;
	if (c->persist_deadline && c->persist_deadline < d)
		d = c->persist_deadline;
	if (c->recheck_deadline && c->recheck_deadline < d)
		d = c->recheck_deadline;
	if (c->tw_deadline && c->tw_deadline < d)
		d = c->tw_deadline;
	if (c->ctl_deadline && c->ctl_deadline < d)
		d = c->ctl_deadline;
	if (!sl_timer_armed(&f->timer) || f->timer.expire_ms != d)
		sl_timer_arm(&w->wheel, &f->timer, d);
}

static void
rtt_sample(struct sl_tcp_conn *c, uint32_t r)
{
	if (c->srtt8 == 0) {
		c->srtt8 = r << 3;
		c->rttvar4 = r << 1;
	} else {
		int32_t delta = (int32_t)r - (int32_t)(c->srtt8 >> 3);

		if (delta < 0)
			delta = -delta;
		c->rttvar4 = c->rttvar4 - (c->rttvar4 >> 2) + (uint32_t)delta;
		c->srtt8 = c->srtt8 - (c->srtt8 >> 3) + r;
	}
	c->rto = (c->srtt8 >> 3) + RTE_MAX(1u, c->rttvar4);
	c->rto = RTE_MAX(c->rto, SL_TCP_RTO_MIN);
	c->rto = RTE_MIN(c->rto, SL_TCP_RTO_MAX);
}

static uint32_t
rto_backed_off(const struct sl_tcp_conn *c)
{
	uint64_t r = (uint64_t)c->rto << RTE_MIN(c->backoff, 16);

	return (uint32_t)RTE_MIN(r, (uint64_t)SL_TCP_RTO_MAX);
}

/* ------------------------------------------------------------------ */
/* emitting segments                                                    */

/**
 * emit - build a segment to the guest around @m (payload-only chain with
 * headroom, or NULL) and queue it for tx.
 * @w: worker
 * @f: flow
 * @c: connection
 * @flags: TCP flags
 * @seq: sequence number
 * @m: payload or NULL
 * @keep: hold a reference in the retransmit queue
 *
 * Return: 0, or -1 (mbuf freed) when out of mbufs or entries, or when the
 * tx queue is full (the port refuses frames): nothing was sent.
 */
static int
emit(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint8_t flags, uint32_t seq, struct rte_mbuf *m, bool keep)
{
	uint32_t len = m ? rte_pktmbuf_pkt_len(m) : 0;
	uint8_t optlen = (flags & F_SYN) ? (c->ws_ok ? 8 : 4) : 0;
	struct rte_tcp_hdr *th;
	struct sl_tcp_rtx *e = NULL;
	uint16_t win;

	if (!sl_tx_ready(w)) {
		SL_STAT_INC(w->stats, tx_dropped);
		if (m != NULL)
			rte_pktmbuf_free(m);
		return -1;
	}
	if (m == NULL) {
		m = sl_alloc(w);
		if (m == NULL)
			return -1;
	}
	if (keep) {
		struct sl_tcp_rtx_pool *pool = rtx_pool(w);

		e = pool->free;
		if (e == NULL) {
			SL_STAT_INC(w->stats, drop_nomem);
			rte_pktmbuf_free(m);
			return -1;
		}
		pool->free = e->next;
	}
	th = (struct rte_tcp_hdr *)rte_pktmbuf_prepend(m, sizeof(*th) + optlen);
	if (th == NULL)
		goto fail;
	th->src_port = f->key.dport;
	th->dst_port = f->key.gport;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = (flags & F_ACK) ? rte_cpu_to_be_32(c->rcv_nxt) : 0;
	th->data_off = (uint8_t)(((sizeof(*th) + optlen) / 4) << 4);
	th->tcp_flags = flags;
	if (flags & F_SYN) {
		uint32_t sw = RTE_MIN(window_space(w, f, c), (uint32_t)UINT16_MAX);
		uint8_t *o = (uint8_t *)(th + 1);

		/* RFC 7323 2.2: the window of a SYN is never scaled */
		win = (uint16_t)sw;
		c->last_adv_wnd = sw;
		c->rcv_adv = c->rcv_nxt + sw;
		c->last_ack_sent = c->rcv_nxt;
		c->last_win_sent = win;
		o[0] = 2;
		o[1] = 4;
		o[2] = (uint8_t)(c->rcv_mss >> 8);
		o[3] = (uint8_t)c->rcv_mss;
		if (c->ws_ok) {
			o[4] = 1;
			o[5] = 3;
			o[6] = 3;
			o[7] = c->rcv_wscale;
		}
	} else if (flags & F_RST) {
		win = 0;
	} else {
		win = record_adv(w, f, c, select_window(w, f, c));
	}
	th->rx_win = rte_cpu_to_be_16(win);
	th->tcp_urp = 0;
	th->cksum = 0;
	if (sl_net_prepend_ipv4(m, &w->gw_mac, NULL,
	    f->key.daddr, f->key.gaddr, IPPROTO_TCP) != 0)
		goto fail;
	tx_cksum(w, c, m, len);
	if (e != NULL) {
		e->m = m;
		e->seq = seq;
		e->len = len;
		e->flags = flags;
		e->sent_ms = w->now_ms;
		e->rexmit = false;
		e->next = NULL;
		if (c->rtx_tail != NULL)
			c->rtx_tail->next = e;
		else
			c->rtx_head = e;
		c->rtx_tail = e;
		c->rtx_segs++;
		w->tcp_inflight += len;
		rte_pktmbuf_refcnt_update(m, 1);
	}
	if ((flags & F_ACK) && len == 0 && !(flags & (F_SYN | F_FIN | F_RST)))
		SL_STAT_INC(w->stats, tcp_pure_acks);
	sl_neigh_tx(w, m, f->key.gaddr);
	return 0;
fail:
	SL_STAT_INC(w->stats, drop_nomem);
	rte_pktmbuf_free(m);
	if (e != NULL) {
		e->next = rtx_pool(w)->free;
		rtx_pool(w)->free = e;
	}
	return -1;
}

/**
 * owe - a control segment (OWE_*) could not be built or queued (no mbuf,
 * tx queue full): send it again in SL_TCP_CTL_RETRY_MS (sl_tcp_timer).
 */
static void
owe(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint8_t what)
{
	SL_STAT_INC(w->stats, tcp_ctl_retry);
	c->owed |= what;
	c->ctl_deadline = w->now_ms + SL_TCP_CTL_RETRY_MS;
	rearm(w, f, c);
}

/**
 * send_ack - a pure ACK (window update) now (owed when it fails).
 */
static void
send_ack(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	c->ack_now = false;
	if (emit(w, f, c, F_ACK, c->snd_nxt, NULL, false) != 0)
		owe(w, f, c, OWE_ACK);
}

/**
 * send_rst_reply - RST answering a segment that has no connection
 * (RFC 9293 3.10.7.1), built without a flow.
 */
static void
send_rst_reply(struct sl_worker *w, const struct sl_pkt *p,
	const struct rte_tcp_hdr *th)
{
	struct rte_tcp_hdr *r;
	struct rte_mbuf *m;
	uint32_t seglen = p->pay_len + ((th->tcp_flags & F_SYN) ? 1 : 0) +
		((th->tcp_flags & F_FIN) ? 1 : 0);

	if (th->tcp_flags & F_RST)
		return;
	m = sl_alloc(w);
	if (m == NULL)
		return;
	r = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, sizeof(*r));
	if (r == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memset(r, 0, sizeof(*r));
	r->src_port = th->dst_port;
	r->dst_port = th->src_port;
	r->data_off = 5 << 4;
	if (th->tcp_flags & F_ACK) {
		r->sent_seq = th->recv_ack;
		r->tcp_flags = F_RST;
	} else {
		r->recv_ack = rte_cpu_to_be_32(
			rte_be_to_cpu_32(th->sent_seq) + seglen);
		r->tcp_flags = F_RST | F_ACK;
	}
	if (sl_net_prepend_ipv4(m, &w->gw_mac, &p->eth->src_addr,
	    p->ip->dst_addr, p->ip->src_addr, IPPROTO_TCP) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	sl_net_l4_cksum(m);
	SL_STAT_INC(w->stats, tcp_rst_sent);
	sl_tx(w, m);
}

/**
 * retransmit_split - send the payload of a large (TSO) segment again as
 * MSS-sized copies: TSO is off now (the guest re-negotiated its features).
 * The retransmit entry keeps the original frame; the copies are not queued.
 */
static void
retransmit_split(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c, struct sl_tcp_rtx *e)
{
	struct rte_mbuf *m = e->m;
	const struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m,
		const struct rte_tcp_hdr *, m->l2_len + m->l3_len);
	uint32_t hlen = m->l2_len + m->l3_len + (th->data_off >> 4) * 4;
	uint32_t off;

	SL_STAT_INC(w->stats, tcp_rexmit_split);
	for (off = 0; off < e->len; off += c->snd_mss) {
		uint32_t l = RTE_MIN((uint32_t)c->snd_mss, e->len - off);
		uint8_t flags = e->flags & (F_ACK | F_PSH);
		struct rte_mbuf *d;

		if (off + l < e->len)
			flags &= (uint8_t)~F_PSH;
		d = rte_pktmbuf_copy(m, w->mp, hlen + off, l);
		if (d == NULL) {
			SL_STAT_INC(w->stats, drop_nomem);
			break;
		}
		/* the copy took the original's offload fields: a fresh frame */
		d->ol_flags = 0;
		d->tx_offload = 0;
		if (emit(w, f, c, flags, e->seq + off, d, false) != 0)
			break;
	}
	e->rexmit = true;
	e->sent_ms = w->now_ms;
}

/**
 * retransmit - send the segment of @e again (header refreshed: ACK, window,
 * checksum per this iteration's offloads), copying it first if the PMD
 * still holds it.
 */
static void
retransmit(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	struct sl_tcp_rtx *e)
{
	struct rte_mbuf *m = e->m, *s;
	struct rte_tcp_hdr *th;
	bool busy = false;

	if (e->len > c->snd_mss && !tso_on(w)) {
		retransmit_split(w, f, c, e);
		return;
	}

	for (s = m; s != NULL; s = s->next)
		if (rte_mbuf_refcnt_read(s) > 1)
			busy = true;
	if (busy) {
		struct rte_mbuf *copy = rte_pktmbuf_copy(m, w->mp, 0,
			UINT32_MAX);

		if (copy == NULL) {
			SL_STAT_INC(w->stats, drop_nomem);
			return;
		}
		copy->l2_len = m->l2_len;
		copy->l3_len = m->l3_len;
		rte_pktmbuf_free(m);
		e->m = m = copy;
	}
	/* a retransmit entry always holds a segment: m is never NULL */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *,
		m->l2_len + m->l3_len);
	if (th->tcp_flags & F_ACK) {
		th->recv_ack = rte_cpu_to_be_32(c->rcv_nxt);
		if (!(th->tcp_flags & F_SYN))
			th->rx_win = rte_cpu_to_be_16(
				record_adv(w, f, c, select_window(w, f, c)));
	}
	tx_cksum(w, c, m, e->len);
	e->rexmit = true;
	e->sent_ms = w->now_ms;
	rte_pktmbuf_refcnt_update(m, 1);
	sl_neigh_tx(w, m, f->key.gaddr);
}

/* ------------------------------------------------------------------ */
/* flow end                                                             */

static void
rtx_release(struct sl_worker *w, struct sl_tcp_conn *c)
{
	struct sl_tcp_rtx_pool *pool = rtx_pool(w);

	while (c->rtx_head != NULL) {
		struct sl_tcp_rtx *e = c->rtx_head;

		c->rtx_head = e->next;
		w->tcp_inflight -= e->len;
		rte_pktmbuf_free(e->m);
		e->next = pool->free;
		pool->free = e;
	}
	c->rtx_tail = NULL;
	c->rtx_segs = 0;
}

/**
 * tcp_free - end a flow: release every mbuf it holds, close its host
 * socket (@abort: the host peer sees a reset), cancel its timer, count why.
 */
static void
tcp_free(struct sl_worker *w, struct sl_flow *f, bool abort,
	enum sl_stat why)
{
	struct sl_tcp_conn *c = conn_of(w, f);
	unsigned int i;

	rtx_release(w, c);
	w->tcp_held -= (uint64_t)c->pend_len + c->ooo_bytes;
	c->pend_len = 0;
	c->ooo_bytes = 0;
	if (f->state == TCP_CONNECTING ||
	    (f->state == TCP_SYN_RCVD && !f->inbound))
		w->tcp_connecting--;
	else if (f->state == TCP_SYN_SENT)
		w->tcp_inbound_pending--;
	if (c->pend != NULL)
		rte_pktmbuf_free(c->pend);
	for (i = 0; i < c->n_ooo; i++)
		rte_pktmbuf_free(c->ooo[i].m);
	c->pend = NULL;
	c->n_ooo = 0;
	SL_STAT_INC_IDX(w->stats, why);
	SL_LOG(TCP, DEBUG, "worker %u: flow %u %s, %" PRIu64 " bytes to host, "
		"%" PRIu64 " to guest\n", w->id, f->idx, sl_stat_names[why],
		f->bytes_to_host, f->bytes_to_guest);
	f->state = TCP_CLOSED;
	/* a dirty flow is skipped at iteration end: state is closed */
	sl_worker_free_flow(w, f, abort);
}

/**
 * reset_both - send RST to the guest and reset the host peer.
 */
static void
reset_both(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	enum sl_stat why)
{
	emit(w, f, c, F_RST | F_ACK, c->snd_nxt, NULL, false);
	SL_STAT_INC(w->stats, tcp_rst_sent);
	tcp_free(w, f, true, why);
}

static void host_reset(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c);

/**
 * maybe_finish - end the connection once both directions are closed and
 * our FIN is acknowledged; after a host reset, once the host's last data
 * is acknowledged (RST then).
 * Return: true when the flow was freed or moved to TIME_WAIT.
 */
static bool
maybe_finish(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	if (c->host_rst) {
		/* the host's last data delivered and acknowledged: RST */
		if (!c->host_eof || c->snd_una != c->snd_nxt)
			return false;
		host_reset(w, f, c);
		return true;
	}
	if (!(c->fin_rcvd && c->host_shut && c->fin_sent && c->fin_acked))
		return false;
	if (c->active_close && f->state != TCP_TIME_WAIT) {
		/* we closed first: linger to re-ACK FIN retransmissions */
		f->state = TCP_TIME_WAIT;
		if (f->hd >= 0) {
			sl_host_close(w->host, f->hd, false);
			f->hd = -1;
		}
		c->rto_deadline = c->persist_deadline = 0;
		c->recheck_deadline = 0;
		c->tw_deadline = w->now_ms + SL_TCP_TIME_WAIT_MS;
		rearm(w, f, c);
		return true;
	}
	if (f->state != TCP_TIME_WAIT)
		tcp_free(w, f, false, SL_STAT_tcp_closed_normal);
	return true;
}

/* ------------------------------------------------------------------ */
/* guest -> host                                                        */

static void host_to_guest(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c);

/**
 * drop_pend - discard the guest data not yet written (the host socket
 * can no longer take it).
 */
static void
drop_pend(struct sl_worker *w, struct sl_tcp_conn *c)
{
	if (c->pend == NULL)
		return;
	rte_pktmbuf_free(c->pend);
	c->pend = NULL;
	w->tcp_held -= c->pend_len;
	c->pend_len = 0;
}

/**
 * host_gone - the host socket was reset by its peer (or failed): nothing
 * can be written to it any more, but what it received before is the
 * peer's data, which Linux lets a reader take before ECONNRESET. Deliver
 * it to the guest like any data (within the guest's window, waiting for
 * the window), then, once the guest has acknowledged everything, the RST
 * (maybe_finish). The flow may be freed here.
 */
static void
host_gone(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	if (!c->host_rst)
		SL_STAT_INC(w->stats, tcp_host_rst_drain);
	c->host_rst = true;
	c->win_iter = 0;
	drop_pend(w, c);
	if (c->host_eof)
		maybe_finish(w, f, c);
	else
		host_to_guest(w, f, c);
}

/**
 * flush_to_host - write the pending chain to the host socket (one writev),
 * shut the host's write side after a guest FIN once everything is written.
 * Return: 0, or -1 when the flow was freed (host reset).
 */
static int
flush_to_host(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	struct iovec iov[SL_TCP_READ_IOV];
	ssize_t n;
	int cnt;

	if (c->host_rst)
		drop_pend(w, c);	/* nobody left to write to */
	if (c->pend != NULL && f->hd >= 0) {
		uint32_t len = RTE_MIN(c->pend_len, (uint32_t)INT32_MAX);

		cnt = RTE_MIN((int)c->pend->nb_segs, SL_TCP_READ_IOV);
		cnt = sl_net_iov(c->pend, 0, len, iov, cnt);
		if (cnt < 0) {
			/* more segments than one writev takes: first part */
			struct rte_mbuf *s = c->pend;

			len = 0;
			for (cnt = 0; cnt < SL_TCP_READ_IOV && s; cnt++) {
				len += s->data_len;
				s = s->next;
			}
			cnt = sl_net_iov(c->pend, 0, len, iov, cnt);
		}
		n = sl_host_writev(w->host, f->hd, iov, cnt);
		if (n > 0) {
			c->pend = mbuf_adj(c->pend, (uint32_t)n);
			c->pend_len -= (uint32_t)n;
			w->tcp_held -= (uint64_t)n;
			f->bytes_to_host += (uint64_t)n;
			SL_STAT_ADD(w->stats, tcp_to_host_bytes, n);
			c->win_iter = 0;	/* space changed */
		} else if (n != -EAGAIN && n != 0) {
			/* reset (or failed): its data still goes to the guest */
			host_gone(w, f, c);
			return f->in_use ? 0 : -1;
		}
	}
	if (c->pend != NULL) {
		set_interest(w, f, c, c->interest | SL_HOST_EV_OUT);
		return 0;
	}
	if (c->fin_rcvd && !c->host_shut && f->hd >= 0) {
		sl_host_shutdown_wr(w->host, f->hd);
		c->host_shut = true;
	}
	if (!c->rwnd_closed)
		set_interest(w, f, c, c->interest & ~SL_HOST_EV_OUT);
	return 0;
}

/**
 * ooo_insert - queue an out-of-order payload chain [seq, seq+len), trimmed
 * against what is queued already (the first bytes received win).
 * Return: true when the mbuf was kept.
 */
static bool
ooo_insert(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t seq,
	uint32_t len, struct rte_mbuf *m)
{
	unsigned int i, j;

	for (i = 0; i < c->n_ooo && len > 0; i++) {
		struct sl_tcp_ooo *o = &c->ooo[i];
		uint32_t oend = o->seq + o->len;

		if (SEQ_LE(seq + len, o->seq))
			break;		/* entirely before entry i */
		if (SEQ_GE(seq, oend))
			continue;	/* entirely after entry i */
		if (SEQ_LT(seq, o->seq)) {
			/* keep the part before entry i */
			mbuf_trim(m, o->seq - seq);
			len = o->seq - seq;
			break;
		}
		/* starts inside entry i: drop the overlap */
		if (SEQ_GE(seq + len, oend)) {
			uint32_t cut = oend - seq;

			if (cut >= len) {
				len = 0;
				break;
			}
			m = mbuf_adj(m, cut);
			seq += cut;
			len -= cut;
		} else {
			len = 0;
		}
	}
	if (len == 0) {
		rte_pktmbuf_free(m);
		return true;
	}
	if (c->n_ooo == SL_TCP_OOO_MAX) {
		SL_STAT_INC(w->stats, drop_tcp_ooo_full);
		rte_pktmbuf_free(m);
		return true;
	}
	for (j = c->n_ooo; j > i; j--)
		c->ooo[j] = c->ooo[j - 1];
	c->ooo[i].seq = seq;
	c->ooo[i].len = len;
	c->ooo[i].m = m;
	c->n_ooo++;
	c->ooo_bytes += len;
	w->tcp_held += len;
	SL_STAT_INC(w->stats, tcp_ooo_queued);
	return true;
}

/** held_mbufs - mbufs the guest data of @c pins (pending and out of order). */
static uint32_t
held_mbufs(const struct sl_tcp_conn *c)
{
	uint32_t n = c->pend ? c->pend->nb_segs : 0;
	unsigned int i;

	for (i = 0; i < c->n_ooo; i++)
		n += c->ooo[i].m->nb_segs;
	return n;
}

/**
 * over_hold_limit - whether holding @len more bytes in @segs more mbufs
 * would pass the flow's hard memory bound: its own buffer plus the largest
 * window (what a stalled host socket can leave us holding, with room for
 * the edge running ahead of real space by less than a scale unit per ACK),
 * and w->tcp_hold_max mbufs (a share of the pool: a few flows whose host
 * peers stall must not pin the mbufs every other flow needs).
 */
static bool
over_hold_limit(const struct sl_worker *w, const struct sl_tcp_conn *c,
	uint32_t segs, uint32_t len)
{
	uint32_t held_segs = held_mbufs(c);

	return (uint64_t)c->pend_len + c->ooo_bytes + len >
		(uint64_t)w->tcp_own_buf + w->cfg->tcp_buf ||
		w->tcp_held + w->tcp_inflight + len > w->cfg->max_buffered ||
		rte_mempool_avail_count(w->rx_mp) < w->rx_reserve ||
		held_segs + segs > w->tcp_hold_max;
}

/**
 * ooo_prune - free every queued out-of-order segment (never ACKed, the
 * guest sends it again).
 */
static void
ooo_prune(struct sl_worker *w, struct sl_tcp_conn *c)
{
	unsigned int i;

	for (i = 0; i < c->n_ooo; i++)
		rte_pktmbuf_free(c->ooo[i].m);
	w->tcp_held -= c->ooo_bytes;
	c->ooo_bytes = 0;
	c->n_ooo = 0;
	SL_STAT_INC(w->stats, tcp_ooo_pruned);
}

/** mbuf_writable - whether @m's buffer is ours alone (its tailroom too). */
static inline bool
mbuf_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

/** copy_chain - copy the @len bytes of chain @m to @dst. */
static void
copy_chain(uint8_t *dst, const struct rte_mbuf *m, uint32_t len)
{
	for (; m != NULL && len > 0; m = m->next) {
		uint32_t l = RTE_MIN(len, (uint32_t)m->data_len);

		memcpy(dst, rte_pktmbuf_mtod(m, const void *), l);
		dst += l;
		len -= l;
	}
}

/**
 * pend_coalesce - keep a small in-order payload (at most SL_TCP_COPY_MAX
 * bytes) without pinning an mbuf of its own: copy it into the tailroom of
 * the pending chain's last mbuf, or else, unless its own mbuf has room
 * for the ones that follow, into a fresh mbuf.
 * @w: worker
 * @c: connection
 * @m: the payload chain (exactly @len bytes)
 * @len: payload bytes
 *
 * Return: the chain to append (@m, or the fresh copy; @m is then freed),
 * or NULL when the bytes went into the pending chain (@m freed).
 */
static struct rte_mbuf *
pend_coalesce(struct sl_worker *w, struct sl_tcp_conn *c,
	struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *t = c->pend != NULL ? c->pend_tail : NULL, *n;

	if (len > SL_TCP_COPY_MAX)
		return m;
	if (t != NULL && mbuf_writable(t) && rte_pktmbuf_tailroom(t) >= len) {
		copy_chain(rte_pktmbuf_mtod_offset(t, uint8_t *, t->data_len),
			m, len);
		t->data_len = (uint16_t)(t->data_len + len);
		c->pend->pkt_len += len;
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (m->nb_segs == 1 && mbuf_writable(m))
		return m;	/* its tailroom takes the next ones */
	n = rte_pktmbuf_alloc(w->mp);
	if (n == NULL || rte_pktmbuf_tailroom(n) < len) {
		rte_pktmbuf_free(n);
		return m;
	}
	copy_chain(rte_pktmbuf_mtod(n, uint8_t *), m, len);
	n->data_len = (uint16_t)len;
	n->pkt_len = len;
	rte_pktmbuf_free(m);
	return n;
}

/**
 * deliver - append an in-order payload chain to the pending data (small
 * payloads copied together: pend_coalesce).
 * Return: 0, or -1 (chain freed) when it cannot be chained.
 */
static int
deliver(struct sl_worker *w, struct sl_tcp_conn *c, struct rte_mbuf *m,
	uint32_t len)
{
	m = pend_coalesce(w, c, m, len);
	if (m != NULL && c->pend == NULL) {
		c->pend = m;
	} else if (m != NULL) {
		if (c->pend->nb_segs + m->nb_segs > RTE_MBUF_MAX_NB_SEGS) {
			rte_pktmbuf_free(m);
			return -1;
		}
		/* rte_pktmbuf_chain without its walk to the last segment */
		c->pend_tail->next = m;
		c->pend->nb_segs = (uint16_t)(c->pend->nb_segs + m->nb_segs);
		c->pend->pkt_len += m->pkt_len;
	}
	if (m != NULL)
		c->pend_tail = rte_pktmbuf_lastseg(m);
	c->pend_len += len;
	w->tcp_held += len;
	c->rcv_nxt += len;
	return 0;
}

/** ooo_drain - move now-contiguous out-of-order data to the pending chain. */
static void
ooo_drain(struct sl_worker *w, struct sl_tcp_conn *c)
{
	while (c->n_ooo > 0 && SEQ_LE(c->ooo[0].seq, c->rcv_nxt)) {
		struct sl_tcp_ooo o = c->ooo[0];
		uint32_t skip = c->rcv_nxt - o.seq;

		memmove(&c->ooo[0], &c->ooo[1], sizeof(c->ooo[0]) * (c->n_ooo - 1));
		c->n_ooo--;
		c->ooo_bytes -= o.len;
		w->tcp_held -= o.len;
		if (skip >= o.len) {
			rte_pktmbuf_free(o.m);
			continue;
		}
		if (skip > 0)
			o.m = mbuf_adj(o.m, skip);
		deliver(w, c, o.m, o.len - skip);
	}
}

/* ------------------------------------------------------------------ */
/* host -> guest                                                        */

static void syn_sent_input(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c, const struct sl_pkt *p,
	const struct rte_tcp_hdr *th);

/**
 * send_fin - FIN to the guest after all host data (host EOF).
 */
static void
send_fin(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	if (c->fin_sent)
		return;
	if (emit(w, f, c, F_FIN | F_ACK, c->snd_nxt, NULL, true) != 0) {
		owe(w, f, c, OWE_FIN);
		return;
	}
	c->fin_sent = true;
	if (!c->fin_rcvd)
		c->active_close = true;
	c->snd_nxt++;
	if (c->rto_deadline == 0)
		c->rto_deadline = w->now_ms + rto_backed_off(c);
	rearm(w, f, c);
}

/**
 * tx_defer - @f has host data for the guest but the iteration's tx room is
 * spent (or others wait before it): queue it for sl_tcp_tx_resume(), and
 * mute its read interest meanwhile (no event per iteration for nothing).
 */
static void
tx_defer(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	set_interest(w, f, c, c->interest & ~READ_EVENTS);
	if (c->txq_on)
		return;
	SL_STAT_INC(w->stats, tcp_tx_waits);
	c->txq_on = true;
	c->txq_next = 0;
	if (w->tcp_txq_tail != 0)
		w->tcp[w->tcp_txq_tail - 1].txq_next = f->idx + 1;
	else
		w->tcp_txq_head = f->idx + 1;
	w->tcp_txq_tail = f->idx + 1;
}

unsigned int
sl_tcp_tx_resume(struct sl_worker *w)
{
	unsigned int n = 0;

	while (w->tcp_txq_head != 0 && sl_tx_room(w) > 0) {
		struct sl_flow *f = &w->ft.flows[w->tcp_txq_head - 1];
		struct sl_tcp_conn *c = &w->tcp[w->tcp_txq_head - 1];

		w->tcp_txq_head = c->txq_next;
		if (w->tcp_txq_head == 0)
			w->tcp_txq_tail = 0;
		c->txq_on = false;
		if (!f->in_use || f->state != TCP_ESTABLISHED)
			continue;	/* freed (slot maybe reused) meanwhile */
		n++;
		c->tx_turn = true;
		host_to_guest(w, f, c);
		c->tx_turn = false;
		/* more data: the next turn comes by the read event, or in
		 * line again when the room ran out */
		if (f->in_use && !c->txq_on && !c->rd_blocked && !c->host_eof)
			set_interest(w, f, c, c->interest | SL_HOST_EV_IN);
	}
	return n;
}

/**
 * lay_out_segs - the mbuf chains of up to @max segments to the guest for
 * @avail bytes of host data (each up to seg_max() bytes, headroom left for
 * the headers) and the iovec one readv fills them through.
 * @w: worker
 * @c: connection
 * @avail: bytes the guest's window and the limits allow
 * @max: most segments
 * @seg: filled with the chains
 * @seg_len: filled with their lengths
 * @iov: filled with the buffers
 * @niov: set to the iovec count
 *
 * Return: segments laid out (0: out of mbufs).
 */
static unsigned int
lay_out_segs(struct sl_worker *w, const struct sl_tcp_conn *c,
	uint32_t avail, unsigned int max, struct rte_mbuf **seg,
	uint32_t *seg_len, struct iovec *iov, unsigned int *niov)
{
	uint32_t want = 0, room = w->seg_room - SL_TCP_HDR_ROOM;
	unsigned int nseg = 0, spare;

	*niov = 0;
	spare = rte_mempool_avail_count(w->mp) - w->mbuf_reserve;
	/* lay out segments of up to snd_mss bytes (TSO: up to seg_max),
	 * each an mbuf chain */
	while (want < avail && nseg < max) {
		uint32_t slen = RTE_MIN(seg_max(w, c), avail - want);
		uint32_t left = slen, first = 1;
		struct rte_mbuf *head = NULL, *last = NULL;

		if (!w->multiseg)
			slen = left = RTE_MIN(slen, room);
		if (*niov + (slen + room - 1) / room > SL_TCP_READ_IOV ||
		    *niov + (slen + room - 1) / room > spare)
			break;
		while (left > 0) {
			struct rte_mbuf *m = rte_pktmbuf_alloc(w->mp);
			uint32_t take;

			if (m == NULL)
				break;
			if (first) {
				/* headers are prepended into the headroom */
				take = RTE_MIN(left, room);
				first = 0;
			} else {
				take = RTE_MIN(left,
					(uint32_t)rte_pktmbuf_tailroom(m));
			}
			iov[*niov].iov_base = rte_pktmbuf_mtod(m, void *);
			iov[*niov].iov_len = take;
			(*niov)++;
			m->data_len = (uint16_t)take;
			if (head == NULL) {
				head = m;
				head->nb_segs = 1;
			} else {
				last->next = m;
				head->nb_segs++;
			}
			last = m;
			left -= take;
		}
		if (head == NULL)
			break;
		slen -= left;	/* short of mbufs: a shorter segment */
		head->pkt_len = slen;
		seg[nseg] = head;
		seg_len[nseg] = slen;
		nseg++;
		want += slen;
		if (left > 0)
			break;
	}
	return nseg;
}

/**
 * host_to_guest - read host data into mbufs that become guest segments,
 * within the guest's window, the in-flight cap and the iteration's tx
 * room (sl_tx_room; flows that find none wait in line: tx_defer); one
 * readv per call.
 */
static void
host_to_guest(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	struct rte_mbuf *seg[SL_TCP_READ_SEGS];
	struct iovec iov[SL_TCP_READ_IOV];
	uint32_t seg_len[SL_TCP_READ_SEGS];
	uint32_t in_flight = c->snd_nxt - c->snd_una;
	uint32_t avail, got;
	unsigned int nseg, niov, i, seg_lim;
	ssize_t n;

	if (f->state != TCP_ESTABLISHED || c->host_eof || f->hd < 0)
		return;
	avail = SEQ_GT(c->snd_una + c->snd_wnd, c->snd_nxt) ?
		c->snd_una + c->snd_wnd - c->snd_nxt : 0;
	if (in_flight >= w->cfg->tcp_buf)
		avail = 0;
	else
		avail = RTE_MIN(avail, w->cfg->tcp_buf - in_flight);
	if (avail > 0 && (w->tcp_held + w->tcp_inflight >= w->cfg->max_buffered ||
	    rte_mempool_avail_count(w->mp) < w->mbuf_reserve)) {
		/* the worker's buffering budget (bytes, or mbufs: the rx
		 * path and control frames keep a reserve, or the guest's
		 * ACKs could not even be received) is spent: read this
		 * socket again shortly (its own ACKs may never come) */
		SL_STAT_INC(w->stats, tcp_buffer_limit_waits);
		set_interest(w, f, c, c->interest & ~READ_EVENTS);
		c->recheck_deadline = w->now_ms + SL_TCP_BUDGET_RETRY_MS;
		rearm(w, f, c);
		return;
	}
	avail = (uint32_t)RTE_MIN((uint64_t)avail, w->cfg->max_buffered -
		w->tcp_held - w->tcp_inflight);
	/* sender SWS avoidance (RFC 9293 3.8.6.2.1) */
	if (avail < c->snd_mss && in_flight > 0 &&
	    avail < c->max_snd_wnd / 2)
		avail = 0;
	if (avail == 0) {
		/* window full: stop reading, the host sender feels it */
		c->rd_blocked = true;
		set_interest(w, f, c, c->interest & ~READ_EVENTS);
		if (c->snd_wnd == 0 && in_flight == 0 &&
		    c->persist_deadline == 0) {
			c->persist_backoff = 0;
			c->persist_deadline = w->now_ms + rto_backed_off(c);
			rearm(w, f, c);
		}
		return;
	}
	c->rd_blocked = false;
	seg_lim = RTE_MIN((unsigned int)SL_TCP_READ_SEGS, sl_tx_room(w));
	if (seg_lim == 0 || (w->tcp_txq_head != 0 && !c->tx_turn)) {
		tx_defer(w, f, c);	/* the port is busy: wait in line */
		return;
	}
	nseg = lay_out_segs(w, c, avail, seg_lim, seg, seg_len, iov, &niov);
	if (nseg == 0) {
		SL_STAT_INC(w->stats, drop_nomem);
		return;	/* IN stays armed: retried next iteration */
	}
	n = sl_host_readv(w->host, f->hd, iov, (int)niov);
	if (n <= 0) {
		for (i = 0; i < nseg; i++)
			rte_pktmbuf_free(seg[i]);
		if (n == -EAGAIN)
			return;
		/* end of stream, or (after a reset) of what it held */
		c->host_eof = true;
		set_interest(w, f, c, c->interest & ~READ_EVENTS);
		if (n < 0 || c->host_rst) {
			c->host_rst = true;
			drop_pend(w, c);
		} else {
			send_fin(w, f, c);
		}
		maybe_finish(w, f, c);
		return;
	}
	got = (uint32_t)n;
	f->last_ms = w->now_ms;
	if (unlikely(c->syn_rto_fired)) {
		/* RFC 6298 5.7: the handshake needed its RTO: 3 s from the
		 * first data on */
		c->syn_rto_fired = false;
		c->rto = RTE_MAX(c->rto, SL_TCP_RTO_SYN_FIRED);
	}
	for (i = 0; i < nseg; i++) {
		uint32_t l = RTE_MIN(got, seg_len[i]);
		uint8_t flags = F_ACK;

		if (l == 0) {
			rte_pktmbuf_free(seg[i]);
			continue;
		}
		if (l < seg_len[i]) {
			mbuf_trim(seg[i], l);
			flags |= F_PSH;	/* drained the socket */
		}
		got -= l;
		if (emit(w, f, c, flags, c->snd_nxt, seg[i], true) != 0) {
			/* bytes already read cannot be unread: reset */
			uint32_t j;

			for (j = i + 1; j < nseg; j++)
				rte_pktmbuf_free(seg[j]);
			reset_both(w, f, c, SL_STAT_tcp_closed_host_rst);
			return;
		}
		c->snd_nxt += l;
		f->bytes_to_guest += l;
		SL_STAT_ADD(w->stats, tcp_to_guest_bytes, l);
	}
	if (c->rto_deadline == 0) {
		c->rto_deadline = w->now_ms + rto_backed_off(c);
		rearm(w, f, c);
	}
}

/**
 * host_reset - the host peer reset the connection (or the socket failed)
 * and everything it sent is delivered: RST to the guest, flow freed.
 */
static void
host_reset(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	emit(w, f, c, F_RST | F_ACK, c->snd_nxt, NULL, false);
	SL_STAT_INC(w->stats, tcp_rst_sent);
	tcp_free(w, f, false, SL_STAT_tcp_closed_host_rst);
}

/* ------------------------------------------------------------------ */
/* connection set-up                                                    */

/**
 * send_synack - host connect done: SYN-ACK to the guest (owed when it
 * fails; the connect timeout still bounds the half-open flow then).
 */
static void
send_synack(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	/* still half-open (counted in tcp_connecting) until the guest ACKs */
	f->state = TCP_SYN_RCVD;
	if (emit(w, f, c, F_SYN | F_ACK, c->iss, NULL, true) != 0) {
		if (c->conn_deadline == 0)
			c->conn_deadline = w->now_ms +
				w->cfg->tcp_connect_timeout_ms;
		owe(w, f, c, OWE_SYNACK);
		return;
	}
	c->conn_deadline = 0;
	c->snd_nxt = c->iss + 1;
	c->rto_deadline = w->now_ms + rto_backed_off(c);
	rearm(w, f, c);
}

/**
 * new_conn - a guest SYN for a new connection.
 */
static void
new_conn(struct sl_worker *w, const struct sl_pkt *p,
	const struct rte_tcp_hdr *th, const struct sl_flow_key *key)
{
	struct sl_tcp_opts o;
	struct sockaddr_in sa;
	struct sl_tcp_conn *c;
	struct sl_flow *f;
	int rc, hd;

	if (sl_tcp_parse_opts((const uint8_t *)(th + 1),
	    p->l4_hlen - sizeof(*th), &o) != 0) {
		SL_STAT_INC(w->stats, drop_tcp_bad_opts);
		return;
	}
	rc = sl_map_dst(w, IPPROTO_TCP, key->daddr, key->dport, &sa);
	if (rc != 0) {
		if (rc == -EACCES)
			SL_STAT_INC(w->stats, drop_denied);
		else
			SL_STAT_INC(w->stats, drop_tcp);
		send_rst_reply(w, p, th);
		return;
	}
	if (w->tcp_connecting >= w->cfg->max_pending_connects) {
		SL_STAT_INC(w->stats, drop_connect_limit);
		send_rst_reply(w, p, th);
		return;
	}
	f = sl_flow_add(&w->ft, key, w->now_ms);
	if (f == NULL) {
		SL_STAT_INC(w->stats, drop_flow_limit);
		send_rst_reply(w, p, th);
		return;
	}
	c = conn_of(w, f);
	conn_clear(c);
	hd = sl_host_open(w->host, SL_HOST_TCP, sl_flow_cookie(f));
	if (hd < 0) {
		SL_STAT_INC(w->stats, drop_host_socket);
		sl_worker_socket_fail(w, "TCP", hd);
		sl_flow_del(&w->ft, f);
		send_rst_reply(w, p, th);
		return;
	}
	f->hd = hd;
	f->host_dst = sa;
	f->state = TCP_CONNECTING;
	w->tcp_connecting++;
	c->irs = rte_be_to_cpu_32(th->sent_seq);
	c->rcv_nxt = c->irs + 1;
	c->iss = isn(w, key);
	c->snd_una = c->snd_nxt = c->iss;
	c->snd_wnd = rte_be_to_cpu_16(th->rx_win);	/* never scaled */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = c->irs;
	c->snd_wl2 = c->iss;
	c->ws_ok = o.has_wscale;
	if (o.has_wscale) {
		/* RFC 7323 2.3: above 14 is used as 14, not rejected */
		c->snd_wscale = RTE_MIN(o.wscale, (uint8_t)SL_TCP_MAX_SHIFT);
		c->rcv_wscale = sl_tcp_wscale_for(w->cfg->tcp_buf);
	}
	c->rcv_mss = (uint16_t)(w->mtu - 40);
	/* the guest's MSS as it is, however small (an MSS of 0 is taken as
	 * absent, as Linux does): never a larger segment to it */
	c->snd_mss = o.mss ? RTE_MIN(o.mss, tx_mss(w)) :
		RTE_MIN((uint16_t)SL_TCP_DEFAULT_MSS, tx_mss(w));
	c->rto = SL_TCP_RTO_INIT;
	SL_STAT_INC(w->stats, flows_opened);
	SL_STAT_INC(w->stats, tcp_flows_opened);
	rc = sl_host_connect(w->host, hd, &sa);
	if (rc == 0) {
		send_synack(w, f, c);
		return;
	}
	if (rc != -EINPROGRESS) {
		send_rst_reply(w, p, th);
		tcp_free(w, f, false, SL_STAT_tcp_refused);
		return;
	}
	set_interest(w, f, c, SL_HOST_EV_OUT);
	c->conn_deadline = w->now_ms + w->cfg->tcp_connect_timeout_ms;
	rearm(w, f, c);
}

/* ------------------------------------------------------------------ */
/* guest segments                                                       */

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

/**
 * ack_new - SEG.ACK moved SND.UNA forward: release the retransmit entries
 * it covers (an RTT sample from one never resent), end or continue
 * NewReno recovery (a partial ACK resends the next hole), re-arm the RTO.
 */
static void
ack_new(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint32_t ack)
{
	struct sl_tcp_rtx_pool *pool = rtx_pool(w);
	struct sl_tcp_rtx *e;
	int64_t rtt = -1;

	c->snd_una = ack;
	while ((e = c->rtx_head) != NULL) {
		uint32_t end = e->seq + e->len +
			((e->flags & (F_SYN | F_FIN)) ? 1 : 0);

		if (SEQ_GT(end, ack))
			break;
		if (!e->rexmit)
			rtt = (int64_t)(w->now_ms - e->sent_ms);
		c->rtx_head = e->next;
		if (c->rtx_head == NULL)
			c->rtx_tail = NULL;
		c->rtx_segs--;
		w->tcp_inflight -= e->len;
		rte_pktmbuf_free(e->m);
		e->next = pool->free;
		pool->free = e;
	}
	if (rtt >= 0)
		rtt_sample(c, (uint32_t)rtt);
	c->backoff = 0;
	c->dupacks = 0;
	if (c->in_recovery) {
		if (SEQ_GE(ack, c->recover))
			c->in_recovery = false;
		else if (c->rtx_head != NULL)
			retransmit(w, f, c, c->rtx_head);
	}
	c->rto_deadline = c->rtx_head ? w->now_ms + rto_backed_off(c) : 0;
	if (c->fin_sent && SEQ_GE(ack, c->snd_nxt))
		c->fin_acked = true;
}

/**
 * dup_ack - a duplicate ACK: the third one resends the first
 * unacknowledged segment (fast retransmit) and starts recovery.
 */
static void
dup_ack(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	if (++c->dupacks == 3) {
		c->in_recovery = true;
		c->recover = c->snd_nxt;
		SL_STAT_INC(w->stats, tcp_rexmit_fast);
		retransmit(w, f, c, c->rtx_head);
	}
}

/**
 * window_update - take the guest's window from a segment (SND.WL1/SND.WL2
 * rule), unmute host reads it allows, arm the persist timer when only it
 * can get a zero window reopened; re-arms the flow's timer.
 * @w: worker
 * @f: flow
 * @c: connection
 * @s: the segment (its ACK already processed)
 */
static void
window_update(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	const struct seg *s)
{
	uint32_t new_wnd = (uint32_t)s->wnd << c->snd_wscale;

	/*
	 * SND.WL1/SND.WL2: a stale segment cannot move the window, nor can
	 * one whose ACK is older than SND.UNA (RFC 9293 3.10.7.4: the window
	 * is updated only when SND.UNA =< SEG.ACK =< SND.NXT).
	 */
	if (SEQ_GE(s->ack, c->snd_una) && (SEQ_LT(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && SEQ_LE(c->snd_wl2, s->ack)))) {
		if (new_wnd == 0 && c->snd_wnd != 0)
			SL_STAT_INC(w->stats, tcp_zero_window_guest);
		c->snd_wnd = new_wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		if (new_wnd > c->max_snd_wnd)
			c->max_snd_wnd = new_wnd;
		if (new_wnd > 0) {
			c->persist_deadline = 0;
			c->persist_backoff = 0;
		}
	}
	if (c->rd_blocked && c->snd_wnd > 0) {
		c->rd_blocked = false;
		set_interest(w, f, c, c->interest | SL_HOST_EV_IN);
	}
	/*
	 * Everything acknowledged with a zero window while host data waits
	 * (read interest muted, so host_to_guest will not run again): only
	 * the persist timer can get the window reopened if the guest's
	 * update is lost.
	 */
	if (c->rd_blocked && c->snd_wnd == 0 && c->snd_nxt == c->snd_una &&
	    c->persist_deadline == 0) {
		c->persist_backoff = 0;
		c->persist_deadline = w->now_ms + rto_backed_off(c);
	}
	rearm(w, f, c);
}

/**
 * ack_in_range - RFC 5961 5.2: SND.UNA - MAX.SND.WND =< SEG.ACK =<
 * SND.NXT. An ACK of data never sent, or older than any window the guest
 * could still be acknowledging (a blind injection), is not.
 */
static inline bool
ack_in_range(const struct sl_tcp_conn *c, uint32_t ack)
{
	return SEQ_LE(ack, c->snd_nxt) &&
		SEQ_GE(ack, c->snd_una - c->max_snd_wnd);
}

/**
 * process_ack - the ACK field and window of an acceptable segment.
 * Return: -1 when the segment must be dropped (its ACK out of range: a
 * challenge ACK is owed).
 */
static int
process_ack(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	const struct seg *s)
{
	uint32_t new_wnd = (uint32_t)s->wnd << c->snd_wscale;

	if (!ack_in_range(c, s->ack)) {
		SL_STAT_INC(w->stats, tcp_challenge_acks);
		c->ack_now = true;
		return -1;
	}
	if (SEQ_GT(s->ack, c->snd_una))
		ack_new(w, f, c, s->ack);
	else if (s->ack == c->snd_una && s->len == 0 &&
	    new_wnd == c->snd_wnd && c->rtx_head != NULL &&
	    !(s->flags & (F_FIN | F_SYN)))
		dup_ack(w, f, c);
	window_update(w, f, c, s);
	return 0;
}

/**
 * acceptable - RFC 9293 3.10.7.4 segment acceptability against the window
 * we advertised.
 */
static bool
acceptable(const struct sl_tcp_conn *c, uint32_t seq, uint32_t len)
{
	uint32_t wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ?
		c->rcv_adv - c->rcv_nxt : 0;

	if (len == 0) {
		if (wnd == 0)
			return seq == c->rcv_nxt;
		return SEQ_LE(c->rcv_nxt, seq) && SEQ_LT(seq, c->rcv_nxt + wnd);
	}
	if (wnd == 0)
		return false;
	return (SEQ_LE(c->rcv_nxt, seq) && SEQ_LT(seq, c->rcv_nxt + wnd)) ||
		(SEQ_LE(c->rcv_nxt, seq + len - 1) &&
		 SEQ_LT(seq + len - 1, c->rcv_nxt + wnd));
}

/**
 * rst_input - a guest RST on a synchronised connection: exact sequence
 * number resets the host peer, in the window gets a challenge ACK
 * (RFC 5961 3.2), anything else is dropped.
 */
static void
rst_input(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	uint32_t seq)
{
	if (seq == c->rcv_nxt) {
		/* guest reset: the host peer sees a reset */
		tcp_free(w, f, true, SL_STAT_tcp_closed_guest_rst);
	} else if (acceptable(c, seq, 0) || acceptable(c, seq, 1)) {
		SL_STAT_INC(w->stats, tcp_challenge_acks);
		c->ack_now = true;
		dirty_mark(w, f, c);
	} else {
		SL_STAT_INC(w->stats, drop_tcp_out_of_window);
	}
}

/**
 * unacceptable_input - a segment outside the window we advertised (a
 * zero-window probe, an old duplicate): its data and FIN are not taken,
 * but a valid ACK field and window update are (RFC 9293 3.10.7.4: "special
 * allowance should be made to accept valid ACKs"; the SND.WL1/SND.WL2
 * rule keeps stale windows out), without counting a duplicate ACK. It is
 * answered with an ACK carrying our current window.
 * @w: worker
 * @f: flow
 * @c: connection
 * @s: the segment
 * @seglen: its sequence space (payload plus FIN)
 */
static void
unacceptable_input(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c, const struct seg *s, uint32_t seglen)
{
	if (c->last_adv_wnd == 0 && ((seglen > 0 && s->seq == c->rcv_nxt) ||
	    (seglen == 0 && s->seq == c->rcv_nxt - 1)))
		SL_STAT_INC(w->stats, tcp_zwp_answered);
	else
		SL_STAT_INC(w->stats, drop_tcp_out_of_window);
	if ((s->flags & F_ACK) && ack_in_range(c, s->ack)) {
		if (SEQ_GT(s->ack, c->snd_una))
			ack_new(w, f, c, s->ack);
		window_update(w, f, c, s);
	}
	c->ack_now = true;
	dirty_mark(w, f, c);
}

/**
 * hold_ok - whether @len in-window bytes in @segs mbufs may be held: out-
 * of-order data (never acknowledged) is dropped first when the bound
 * would refuse them, or the segment that fills the gap could never get
 * in; beyond that they are refused, not ACKed (the guest sends them
 * again), counted in drop_tcp_hold_limit.
 */
static bool
hold_ok(struct sl_worker *w, struct sl_tcp_conn *c, uint32_t segs,
	uint32_t len)
{
	if (c->n_ooo > 0 && over_hold_limit(w, c, segs, len))
		ooo_prune(w, c);
	if (!over_hold_limit(w, c, segs, len))
		return true;
	SL_STAT_INC(w->stats, drop_tcp_hold_limit);
	c->ack_now = true;
	return false;
}

/**
 * fin_check - take the guest's FIN once RCV.NXT reaches its sequence
 * number: a FIN may arrive out of order, ahead of data still missing, and
 * waits (fin_pending) until the gap is filled. Out-of-order data queued
 * beyond it is dropped (nothing follows a FIN); data that runs past it
 * shows it was not the end, and it is forgotten.
 */
static void
fin_check(struct sl_worker *w, struct sl_tcp_conn *c)
{
	if (!c->fin_pending || SEQ_LT(c->rcv_nxt, c->fin_seq))
		return;
	c->fin_pending = false;
	if (c->rcv_nxt != c->fin_seq)
		return;
	if (c->n_ooo > 0)
		ooo_prune(w, c);
	c->rcv_nxt++;
	c->fin_rcvd = true;
	c->ack_now = true;
}

/**
 * data_input - the payload and FIN of an acceptable segment: trimmed to
 * [RCV.NXT, right edge), appended to the pending data when in order (then
 * what the out-of-order queue holds next), else queued out of order; the
 * FIN is noted and taken when RCV.NXT reaches it (fin_check).
 * Return: true when the mbuf was kept.
 */
static bool
data_input(struct sl_worker *w, struct sl_tcp_conn *c,
	const struct sl_pkt *p, const struct seg *s)
{
	uint32_t seq = s->seq, len = s->len;
	uint32_t front = SEQ_LT(seq, c->rcv_nxt) ? c->rcv_nxt - seq : 0;
	bool fin = (s->flags & F_FIN) != 0, kept = false;

	if (front > len)
		front = len;	/* only the FIN is new (or nothing) */
	seq += front;
	len -= front;
	if (SEQ_GT(seq + len, c->rcv_adv)) {
		len = SEQ_GT(c->rcv_adv, seq) ? c->rcv_adv - seq : 0;
		fin = false;
	}
	if (len > 0 && !hold_ok(w, c, p->m->nb_segs, len))
		return false;
	if (len > 0) {
		struct rte_mbuf *d = mbuf_adj(p->m, p->pay_off + front);

		kept = true;
		if (d == NULL) {
			len = 0;
		} else {
			mbuf_trim(d, len);
			if (seq != c->rcv_nxt) {
				ooo_insert(w, c, seq, len, d);
				c->ack_now = true;	/* dup ACK */
			} else if (deliver(w, c, d, len) == 0) {
				ooo_drain(w, c);
			}
		}
		c->segs_unacked++;
		if (c->segs_unacked >= 2)
			SL_STAT_INC(w->stats, tcp_acks_coalesced);
	} else if (front > 0 && !fin) {
		c->ack_now = true;	/* pure duplicate */
	}
	if (fin) {
		c->fin_pending = true;
		c->fin_seq = seq + len;
	}
	fin_check(w, c);
	if (c->n_ooo > 0 || c->fin_pending)
		c->ack_now = true;
	return kept;
}

/**
 * established_input - a segment on a synchronised connection.
 * Return: true when the mbuf was kept.
 */
static bool
established_input(struct sl_worker *w, struct sl_flow *f,
	struct sl_tcp_conn *c, const struct sl_pkt *p,
	const struct rte_tcp_hdr *th)
{
	struct seg s = seg_of(p, th);
	uint32_t seglen = s.len + ((s.flags & F_FIN) ? 1 : 0);

	if (s.flags & F_RST) {
		rst_input(w, f, c, s.seq);
		return false;
	}
	if (s.flags & F_SYN) {
		/* RFC 5961 4.2: any SYN here gets a challenge ACK */
		SL_STAT_INC(w->stats, tcp_challenge_acks);
		c->ack_now = true;
		dirty_mark(w, f, c);
		return false;
	}
	if (!acceptable(c, s.seq, seglen)) {
		unacceptable_input(w, f, c, &s, seglen);
		return false;
	}
	if (!(s.flags & F_ACK)) {
		SL_STAT_INC(w->stats, drop_tcp);
		return false;
	}
	dirty_mark(w, f, c);
	f->last_ms = w->now_ms;
	if (s.len > c->rcv_mss)
		SL_STAT_INC(w->stats, tcp_large_segs_in);	/* GSO, LRO */
	if (process_ack(w, f, c, &s) != 0)
		return false;
	if (f->state == TCP_TIME_WAIT) {
		if (s.flags & F_FIN)
			c->ack_now = true;
		return false;
	}
	if (seglen == 0) {
		maybe_finish(w, f, c);
		return false;
	}
	if (c->fin_rcvd) {
		/* data or FIN after the guest's FIN: retransmission */
		c->ack_now = true;
		return false;
	}
	return data_input(w, c, p, &s);
}

/**
 * syn_rcvd_input - a guest segment while our SYN-ACK is unanswered, in
 * RFC 9293 3.10.7.4's order: the guest's SYN again gets the SYN-ACK
 * again; then the sequence number (unacceptable: an ACK, unless it is an
 * RST); an RST with the exact sequence number ends the connection; then
 * the ACK: SND.UNA < SEG.ACK =< SND.NXT (SEG.ACK = ISS + 1) completes the
 * handshake, another gets an RST (the connection stays half-open).
 * Return: true when the connection became established (the segment is
 * then processed as on an established connection).
 */
static bool
syn_rcvd_input(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	const struct sl_pkt *p, const struct rte_tcp_hdr *th)
{
	struct seg s = seg_of(p, th);

	if ((s.flags & (F_SYN | F_ACK)) == F_SYN) {
		if (c->rtx_head != NULL)
			retransmit(w, f, c, c->rtx_head);
		return false;
	}
	if (!acceptable(c, s.seq, s.len + ((s.flags & F_FIN) ? 1 : 0))) {
		SL_STAT_INC(w->stats, drop_tcp_out_of_window);
		if (!(s.flags & F_RST))
			send_ack(w, f, c);
		return false;
	}
	if (s.flags & F_RST) {
		if (s.seq == c->rcv_nxt)
			tcp_free(w, f, true, SL_STAT_tcp_closed_guest_rst);
		return false;
	}
	if (!(s.flags & F_ACK))
		return false;
	if (s.ack != c->iss + 1) {
		send_rst_reply(w, p, th);
		return false;
	}
	f->state = TCP_ESTABLISHED;
	w->tcp_connecting--;	/* no longer half-open */
	c->snd_wl1 = s.seq - 1;
	set_interest(w, f, c, SL_HOST_EV_IN | SL_HOST_EV_RDHUP);
	return true;
}

bool
sl_tcp_input(struct sl_worker *w, const struct sl_pkt *p)
{
	const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)p->l4;
	struct sl_flow_key key;
	struct sl_tcp_conn *c;
	struct sl_flow *f;
	uint8_t flags = th->tcp_flags;

	key = sl_flow_key_make(IPPROTO_TCP, p->ip->src_addr, th->src_port,
		p->ip->dst_addr, th->dst_port);
	f = sl_flow_find(w, p, &key);
	if (f != NULL && f->state == TCP_TIME_WAIT &&
	    (flags & (F_SYN | F_ACK)) == F_SYN) {
		/* a new incarnation of the 4-tuple ends TIME_WAIT */
		tcp_free(w, f, false, SL_STAT_tcp_closed_normal);
		f = NULL;
	}
	if (f == NULL) {
		if ((flags & (F_SYN | F_ACK | F_RST | F_FIN)) == F_SYN) {
			if (p->pay_len > 0) {
				/* SYN with data: the data is not queued */
				SL_STAT_INC(w->stats, drop_tcp);
			}
			new_conn(w, p, th, &key);
			return false;
		}
		SL_STAT_INC(w->stats, drop_tcp_no_flow);
		send_rst_reply(w, p, th);
		return false;
	}
	c = conn_of(w, f);
	switch (f->state) {
	case TCP_SYN_SENT:
		syn_sent_input(w, f, c, p, th);
		return false;
	case TCP_CONNECTING:
		if ((flags & F_RST) && rte_be_to_cpu_32(th->sent_seq) ==
		    c->rcv_nxt) {
			tcp_free(w, f, true, SL_STAT_tcp_closed_guest_rst);
		}
		/* SYN retransmissions wait for the host connect */
		return false;
	case TCP_SYN_RCVD:
		if (!syn_rcvd_input(w, f, c, p, th))
			return false;
		/* established: the ACK may carry data and the window */
		/* fallthrough */
	case TCP_ESTABLISHED:
	case TCP_TIME_WAIT:
		return established_input(w, f, c, p, th);
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* end of burst / iteration                                             */

void
sl_tcp_burst_end(struct sl_worker *w)
{
	uint32_t i = w->tcp_dirty;

	while (i != 0) {
		struct sl_flow *f = &w->ft.flows[i - 1];
		struct sl_tcp_conn *c = &w->tcp[i - 1];

		i = c->dirty_next;
		if (!f->in_use || f->state != TCP_ESTABLISHED)
			continue;
		if (flush_to_host(w, f, c) != 0)
			continue;
		if (maybe_finish(w, f, c))
			continue;
		/* the guest's ACKs may have opened its window */
		if (c->rd_blocked && c->snd_wnd > 0)
			host_to_guest(w, f, c);
	}
}

void
sl_tcp_iteration_end(struct sl_worker *w)
{
	uint32_t i = w->tcp_dirty;

	w->tcp_dirty = 0;
	while (i != 0) {
		struct sl_flow *f = &w->ft.flows[i - 1];
		struct sl_tcp_conn *c = &w->tcp[i - 1];
		uint32_t win;

		i = c->dirty_next;
		c->dirty = false;
		if (!f->in_use || f->state < TCP_ESTABLISHED)
			continue;
		if (f->state == TCP_TIME_WAIT) {
			if (c->ack_now)
				send_ack(w, f, c);
			continue;
		}
		if (!c->ack_now && c->last_ack_sent == c->rcv_nxt) {
			/* a data segment already carried this ACK: only a
			 * changed window would need a pure update */
			win = select_window(w, f, c) >> c->rcv_wscale;
			if (win == c->last_win_sent ||
			    !sl_tcp_should_reopen(c->last_adv_wnd,
			    adv_space(w, f, c), c->rcv_mss,
			    max_window(w, c)))
				continue;
		}
		if (!c->ack_now && c->last_ack_sent != c->rcv_nxt)
			c->ack_now = true;
		if (c->ack_now)
			send_ack(w, f, c);
		else {
			SL_STAT_INC(w->stats, tcp_window_updates);
			send_ack(w, f, c);
		}
	}
}

/* ------------------------------------------------------------------ */
/* host events and timers                                               */

/**
 * check_reopen - after the host drained: send a window update once the
 * closed window can open by a full MSS (or half the buffer).
 */
static void
check_reopen(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint32_t space;

	if (!c->rwnd_closed)
		return;
	c->win_iter = 0;
	space = adv_space(w, f, c);
	if (sl_tcp_should_reopen(c->last_adv_wnd, space, c->rcv_mss,
	    max_window(w, c))) {
		SL_STAT_INC(w->stats, tcp_window_reopen);
		SL_STAT_INC(w->stats, tcp_window_updates);
		send_ack(w, f, c);	/* record_adv clears rwnd_closed */
		c->recheck_deadline = 0;
		if (c->pend == NULL)
			set_interest(w, f, c, c->interest & ~SL_HOST_EV_OUT);
	} else {
		/* writable but not enough room yet: look again shortly */
		set_interest(w, f, c, c->interest & ~SL_HOST_EV_OUT);
		c->recheck_deadline = w->now_ms + SL_TCP_RECHECK_MS;
	}
	rearm(w, f, c);
}

void
sl_tcp_host_event(struct sl_worker *w, struct sl_flow *f, uint32_t events)
{
	struct sl_tcp_conn *c = conn_of(w, f);
	int err;

	if (f->state == TCP_CONNECTING) {
		err = sl_host_error(w->host, f->hd);
		if (err == 0 && (events & SL_HOST_EV_OUT) &&
		    !(events & SL_HOST_EV_ERR)) {
			set_interest(w, f, c, 0);
			send_synack(w, f, c);
			return;
		}
		if (err == 0 && !(events & (SL_HOST_EV_ERR | SL_HOST_EV_HUP)))
			return;
		/* refused or unreachable: RST to the guest */
		emit(w, f, c, F_RST | F_ACK, c->iss, NULL, false);
		SL_STAT_INC(w->stats, tcp_rst_sent);
		tcp_free(w, f, false, SL_STAT_tcp_refused);
		return;
	}
	if (f->state == TCP_SYN_SENT || f->state == TCP_SYN_RCVD) {
		/* the host peer went away before the handshake completed */
		if (events & (SL_HOST_EV_ERR | SL_HOST_EV_HUP))
			reset_both(w, f, c, SL_STAT_tcp_closed_host_rst);
		return;
	}
	if (f->state != TCP_ESTABLISHED)
		return;
	if ((events & SL_HOST_EV_HUP) && !c->host_hup) {
		/* for good (closed both ways, or reset): from now on the
		 * socket is quiet while nothing is to be read or written */
		c->host_hup = true;
		watch(w, f, c);
	}
	if (events & SL_HOST_EV_ERR) {
		err = sl_host_error(w->host, f->hd);
		if (err != 0) {
			host_gone(w, f, c);
			return;
		}
	}
	if (events & SL_HOST_EV_OUT) {
		if (flush_to_host(w, f, c) != 0)
			return;
		check_reopen(w, f, c);
		if (!f->in_use)
			return;
		if (c->pend == NULL && c->fin_rcvd && maybe_finish(w, f, c))
			return;
	}
	if (events & (SL_HOST_EV_IN | SL_HOST_EV_RDHUP | SL_HOST_EV_HUP))
		host_to_guest(w, f, c);
}

/**
 * inbound_room - whether one more inbound connection may be opened toward
 * the guest: at most max_pending_connects of them wait for the guest's
 * SYN-ACK (counted apart from the guest's own half-open connections), and
 * they never take the last max_flows / SL_TCP_INBOUND_RESERVE_DIV flow
 * slots, kept for the guest's own connections and datagram flows.
 */
static bool
inbound_room(const struct sl_worker *w)
{
	uint32_t reserve = w->ft.max / SL_TCP_INBOUND_RESERVE_DIV;

	return w->tcp_inbound_pending < w->cfg->max_pending_connects &&
		w->ft.active + reserve < w->ft.max;
}

/**
 * inbound_refuse - reset an accepted host client the inbound bound has
 * no room for (the client sees a reset at once, nothing lingers in the
 * listen backlog), counted in drop_inbound_limit and logged at most once
 * per SL_TCP_LOG_GAP_MS.
 */
static void
inbound_refuse(struct sl_worker *w, int hd)
{
	SL_STAT_INC(w->stats, drop_inbound_limit);
	sl_host_close(w->host, hd, true);
	if (w->now_ms < w->tcp_inbound_log_ms)
		return;
	w->tcp_inbound_log_ms = w->now_ms + SL_TCP_LOG_GAP_MS;
	SL_LOG(TCP, WARNING, "worker %u: inbound connection limit reached "
		"(%u waiting for the guest, %u of %u flows): new connections "
		"are reset\n", w->id, w->tcp_inbound_pending, w->ft.active,
		w->ft.max);
}

void
sl_tcp_accept(struct sl_worker *w, const struct sl_fwd_spec *spec,
	unsigned int off, int lhd)
{
	unsigned int k;

	for (k = 0; k < SL_TCP_ACCEPT_BUDGET; k++) {
		struct sockaddr_in peer;
		struct sl_flow_key key;
		struct sl_tcp_conn *c;
		struct sl_flow *f;
		unsigned int tries;
		int hd;

		hd = sl_host_accept(w->host, lhd, &peer, SL_COOKIE_SPECIAL);
		if (hd < 0) {
			if (hd != -EAGAIN) {
				SL_STAT_INC(w->stats, drop_host_socket);
				sl_worker_socket_fail(w, "accepted TCP", hd);
			}
			return;
		}
		if (!inbound_room(w)) {
			inbound_refuse(w, hd);
			continue;
		}
		/* from the gateway, source port = the host client's port
		 * (another one if that 4-tuple is busy or, on a multi-queue
		 * port, would belong to another worker: sl_steer.c) */
		key = sl_flow_key_make(IPPROTO_TCP, w->cfg->guest_addr,
			rte_cpu_to_be_16((uint16_t)(spec->guest_lo + off)),
			w->cfg->gateway, peer.sin_port);
		f = NULL;
		for (tries = 0; tries < SL_TCP_ACCEPT_PORT_TRIES && f == NULL;
		    tries++) {
			if (sl_steer_mine(w, &key) &&
			    sl_flow_lookup(&w->ft, &key) == NULL) {
				f = sl_flow_add(&w->ft, &key, w->now_ms);
				if (f == NULL)
					break;
			} else {
				key.dport = rte_cpu_to_be_16((uint16_t)(49152 +
					(rte_rand() % 16384)));
			}
		}
		if (f == NULL) {
			SL_STAT_INC(w->stats, drop_flow_limit);
			sl_host_close(w->host, hd, true);
			continue;
		}
		c = conn_of(w, f);
		conn_clear(c);
		f->hd = hd;
		f->inbound = true;
		f->host_dst = peer;
		f->state = TCP_SYN_SENT;
		w->tcp_inbound_pending++;
		sl_host_set_cookie(w->host, hd, sl_flow_cookie(f));
		c->interest = UINT32_MAX;	/* force the first watch */
		set_interest(w, f, c, 0);
		c->iss = isn(w, &key);
		c->snd_una = c->snd_nxt = c->iss;
		c->ws_ok = true;	/* offered; kept only if echoed */
		c->rcv_wscale = sl_tcp_wscale_for(w->cfg->tcp_buf);
		c->rcv_mss = (uint16_t)(w->mtu - 40);
		c->snd_mss = RTE_MIN((uint16_t)SL_TCP_DEFAULT_MSS, tx_mss(w));
		c->rto = SL_TCP_RTO_INIT;
		SL_STAT_INC(w->stats, flows_opened);
		SL_STAT_INC(w->stats, tcp_flows_opened);
		if (emit(w, f, c, F_SYN, c->iss, NULL, true) != 0) {
			tcp_free(w, f, true, SL_STAT_tcp_refused);
			continue;
		}
		c->snd_nxt = c->iss + 1;
		c->rto_deadline = w->now_ms + rto_backed_off(c);
		rearm(w, f, c);
	}
}

/**
 * syn_sent_input - the guest's answer to our SYN (inbound forward).
 */
static void
syn_sent_input(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c,
	const struct sl_pkt *p, const struct rte_tcp_hdr *th)
{
	uint8_t flags = th->tcp_flags;
	uint32_t ack = rte_be_to_cpu_32(th->recv_ack);
	struct sl_tcp_opts o;

	if ((flags & F_ACK) && ack != c->iss + 1) {
		if (!(flags & F_RST))
			send_rst_reply(w, p, th);
		return;
	}
	if (flags & F_RST) {
		if (flags & F_ACK) {
			/* nothing listens in the guest: reset the client */
			tcp_free(w, f, true, SL_STAT_tcp_refused);
		}
		return;
	}
	if ((flags & (F_SYN | F_ACK)) != (F_SYN | F_ACK))
		return;
	if (sl_tcp_parse_opts((const uint8_t *)(th + 1),
	    p->l4_hlen - sizeof(*th), &o) != 0) {
		SL_STAT_INC(w->stats, drop_tcp_bad_opts);
		return;
	}
	c->irs = rte_be_to_cpu_32(th->sent_seq);
	c->rcv_nxt = c->irs + 1;
	c->rcv_adv = c->rcv_nxt + c->last_adv_wnd;	/* our SYN's window */
	if (o.has_wscale) {
		c->snd_wscale = RTE_MIN(o.wscale, (uint8_t)SL_TCP_MAX_SHIFT);
	} else {
		/* RFC 7323 2.2: no scaling in either direction */
		c->ws_ok = false;
		c->rcv_wscale = 0;
		c->snd_wscale = 0;
	}
	if (o.mss)
		c->snd_mss = RTE_MIN(o.mss, tx_mss(w));	/* however small */
	/* the SYN-ACK's window is never scaled */
	c->snd_wnd = rte_be_to_cpu_16(th->rx_win);
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = c->irs;
	c->snd_wl2 = ack;
	c->snd_una = ack;
	rtx_release(w, c);	/* our SYN is acknowledged */
	c->rto_deadline = 0;
	c->backoff = 0;
	f->state = TCP_ESTABLISHED;
	w->tcp_inbound_pending--;	/* no longer half-open */
	f->last_ms = w->now_ms;
	c->ack_now = true;
	dirty_mark(w, f, c);
	set_interest(w, f, c, SL_HOST_EV_IN | SL_HOST_EV_RDHUP);
	rearm(w, f, c);
}

/**
 * send_owed - send again the control segments that failed (owe()); those
 * that fail again stay owed.
 */
static void
send_owed(struct sl_worker *w, struct sl_flow *f, struct sl_tcp_conn *c)
{
	uint8_t owed = c->owed;

	c->owed = 0;
	c->ctl_deadline = 0;
	if ((owed & OWE_SYNACK) && f->state == TCP_SYN_RCVD)
		send_synack(w, f, c);
	if ((owed & OWE_FIN) && f->state == TCP_ESTABLISHED)
		send_fin(w, f, c);
	if ((owed & OWE_ACK) && f->state >= TCP_ESTABLISHED)
		send_ack(w, f, c);
}

void
sl_tcp_timer(struct sl_worker *w, struct sl_flow *f)
{
	struct sl_tcp_conn *c = conn_of(w, f);
	uint64_t now = w->now_ms;

	if (c->tw_deadline && now >= c->tw_deadline) {
		tcp_free(w, f, false, SL_STAT_tcp_closed_normal);
		return;
	}
	if (c->conn_deadline && now >= c->conn_deadline) {
		/* host connect never finished */
		emit(w, f, c, F_RST | F_ACK, c->iss, NULL, false);
		SL_STAT_INC(w->stats, tcp_rst_sent);
		tcp_free(w, f, true, SL_STAT_tcp_closed_timeout);
		return;
	}
	if (now >= f->last_ms + (uint64_t)w->cfg->tcp_idle_timeout_s * 1000) {
		reset_both(w, f, c, SL_STAT_tcp_closed_timeout);
		return;
	}
	if (c->ctl_deadline && now >= c->ctl_deadline)
		send_owed(w, f, c);
	if (c->rto_deadline && now >= c->rto_deadline) {
		if (c->rtx_head == NULL) {
			c->rto_deadline = 0;
		} else if (f->state == TCP_SYN_SENT &&
		    c->backoff >= SL_TCP_SYN_RETRIES) {
			/* the guest never answered: reset the host client */
			tcp_free(w, f, true, SL_STAT_tcp_refused);
			return;
		} else if (c->backoff >= (f->state == TCP_SYN_RCVD ?
		    SL_TCP_SYNACK_RETRIES : SL_TCP_RETRIES)) {
			reset_both(w, f, c, SL_STAT_tcp_closed_timeout);
			return;
		} else {
			if (f->state == TCP_SYN_SENT || f->state == TCP_SYN_RCVD)
				c->syn_rto_fired = true;
			c->backoff++;
			c->dupacks = 0;
			c->in_recovery = true;
			c->recover = c->snd_nxt;
			SL_STAT_INC(w->stats, tcp_rexmit_rto);
			retransmit(w, f, c, c->rtx_head);
			c->rto_deadline = now + rto_backed_off(c);
		}
	}
	if (c->persist_deadline && now >= c->persist_deadline) {
		if (c->snd_wnd == 0 && c->snd_nxt == c->snd_una &&
		    f->state == TCP_ESTABLISHED) {
			/* zero-window probe: SND.UNA - 1 forces an ACK */
			SL_STAT_INC(w->stats, tcp_persist_probes);
			emit(w, f, c, F_ACK, c->snd_una - 1, NULL, false);
			if (c->persist_backoff < 16)
				c->persist_backoff++;
			c->persist_deadline = now + RTE_MIN((uint64_t)c->rto <<
				c->persist_backoff, (uint64_t)SL_TCP_RTO_MAX);
		} else {
			c->persist_deadline = 0;
		}
	}
	if (c->recheck_deadline && now >= c->recheck_deadline) {
		c->recheck_deadline = 0;
		if (f->state == TCP_ESTABLISHED) {
			flush_to_host(w, f, c);
			if (!f->in_use)
				return;
			if (c->rwnd_closed) {
				c->win_iter = 0;
				if (sl_tcp_should_reopen(c->last_adv_wnd,
				    adv_space(w, f, c), c->rcv_mss,
				    max_window(w, c)))
					check_reopen(w, f, c);
				else
					set_interest(w, f, c,
						c->interest | SL_HOST_EV_OUT);
			}
			/* host reads paused by the worker's buffer budget */
			if (f->in_use && !c->rd_blocked && !c->host_eof &&
			    !(c->interest & SL_HOST_EV_IN)) {
				set_interest(w, f, c,
					c->interest | SL_HOST_EV_IN);
				host_to_guest(w, f, c);
			}
		}
	}
	if (f->in_use)
		rearm(w, f, c);
}

/* ------------------------------------------------------------------ */
/* life of the module                                                   */

int
sl_tcp_init(struct sl_worker *w)
{
	struct sl_tcp_rtx_pool *pool;
	uint32_t n = w->mp ? w->mp->size : 16384, i;

	if (w->tcp_own_buf == 0)
		w->tcp_own_buf = SL_TCP_OWN_BUF_DEFAULT;
	if (w->tcp_hold_max == 0) {
		uint32_t pool = w->rx_mp ? w->rx_mp->size : n;
		uint32_t usable = pool - RTE_MIN(pool, w->rx_reserve);

		w->tcp_hold_max = RTE_MAX((uint32_t)SL_TCP_HOLD_MIN,
			RTE_MIN(usable / SL_TCP_HOLD_SHARE,
			(uint32_t)SL_TCP_HOLD_SEGS));
	}
	w->tcp = rte_zmalloc("sl_tcp", sizeof(*w->tcp) * w->ft.max,
		RTE_CACHE_LINE_SIZE);
	pool = rte_zmalloc("sl_tcp_rtx", sizeof(*pool) +
		sizeof(pool->e[0]) * n, RTE_CACHE_LINE_SIZE);
	if (w->tcp == NULL || pool == NULL) {
		rte_free(w->tcp);
		rte_free(pool);
		w->tcp = NULL;
		return -ENOMEM;
	}
	pool->n = n;
	for (i = 0; i < n; i++)
		pool->e[i].next = i + 1 < n ? &pool->e[i + 1] : NULL;
	pool->free = &pool->e[0];
	w->tcp_rtx_pool = pool;
	return 0;
}

void
sl_tcp_fini(struct sl_worker *w)
{
	uint32_t i;

	if (w->tcp == NULL)
		return;
	for (i = 0; i < w->ft.max; i++) {
		struct sl_flow *f = &w->ft.flows[i];

		if (!f->in_use || f->proto != IPPROTO_TCP)
			continue;
		if (f->state == TCP_TIME_WAIT)
			tcp_free(w, f, false, SL_STAT_tcp_closed_normal);
		else if (f->state >= TCP_SYN_RCVD)
			reset_both(w, f, &w->tcp[i],
				SL_STAT_tcp_closed_shutdown);
		else
			tcp_free(w, f, true, SL_STAT_tcp_closed_shutdown);
	}
	rte_free(w->tcp);
	rte_free(w->tcp_rtx_pool);
	w->tcp = NULL;
	w->tcp_rtx_pool = NULL;
}

void
sl_tcp_get_info(struct sl_worker *w, const struct sl_flow *f,
	struct sl_tcp_info *info)
{
	const struct sl_tcp_conn *c = &w->tcp[f->idx];

	memset(info, 0, sizeof(*info));
	info->state = f->state;
	info->snd_una = c->snd_una;
	info->snd_nxt = c->snd_nxt;
	info->rcv_nxt = c->rcv_nxt;
	info->snd_wnd = c->snd_wnd;
	info->snd_wscale = c->snd_wscale;
	info->rcv_wscale = c->rcv_wscale;
	info->ws_ok = c->ws_ok;
	info->last_adv_wnd = c->last_adv_wnd;
	info->rcv_adv = c->rcv_adv;
	info->in_flight = c->snd_nxt - c->snd_una;
	info->pend_bytes = c->pend_len;
	info->held_mbufs = held_mbufs(c);
	info->ooo_bytes = c->ooo_bytes;
	info->ooo_segs = c->n_ooo;
	info->srtt_ms = c->srtt8 >> 3;
	info->rto_ms = c->rto;
	info->snd_mss = c->snd_mss;
	info->rwnd_closed = c->rwnd_closed;
	info->rd_blocked = c->rd_blocked;
	info->fin_rcvd = c->fin_rcvd;
	info->fin_sent = c->fin_sent;
	info->host_eof = c->host_eof;
}

void
sl_tcp_close_flow(struct sl_worker *w, struct sl_flow *f)
{
	struct sl_tcp_conn *c = conn_of(w, f);

	if (!f->in_use || f->proto != IPPROTO_TCP)
		return;
	if (f->state >= TCP_SYN_RCVD && f->state != TCP_TIME_WAIT) {
		reset_both(w, f, c, SL_STAT_flows_closed_admin);
		return;
	}
	if (f->state == TCP_CONNECTING) {
		/* the guest's SYN is refused, as when the connect times out */
		emit(w, f, c, F_RST | F_ACK, c->iss, NULL, false);
		SL_STAT_INC(w->stats, tcp_rst_sent);
	}
	tcp_free(w, f, true, SL_STAT_flows_closed_admin);
}
