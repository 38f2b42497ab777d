/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_stats.h: per-worker counters. Each worker owns its array and is its only
 * writer; readers on other threads (telemetry, shutdown report) load them with
 * relaxed atomics, so a counter is never torn and no lock is taken.
 */
#ifndef SL_STATS_H
#define SL_STATS_H

#include <stdint.h>

/* X(name): every counter; names are stable (telemetry keys). */
#define SL_STATS_LIST(X)				\
	X(rx_frames) X(rx_bytes) X(tx_frames) X(tx_bytes)	\
	X(tx_dropped) X(tx_backlog)				\
	X(arp_replies) X(arp_ignored) X(arp_req_sent)		\
	X(neigh_resolved) X(neigh_changed) X(neigh_failed) X(neigh_held) \
	X(dhcp_offers) X(dhcp_acks) X(dhcp_naks) X(dhcp_releases) \
	X(dhcp_informs) X(dhcp_declines) X(dhcp_pool_empty)	\
	X(hosts_limit)						\
	X(icmp_echo_local) X(icmp_relayed) X(icmp_replies)	\
	X(udp_to_host) X(udp_to_guest) X(dns_queries)		\
	X(udp_send_calls) X(udp_recv_calls)			\
	X(icmp_err_tx) X(icmp_err_ignored) X(ttl_expired)	\
	X(udp_flow_evicted) X(icmp_flow_evicted) X(dns_flow_done) \
	X(flows_opened) X(flows_closed) X(flows_expired)	\
	X(tcp_flows_opened) X(tcp_closed_normal) X(tcp_closed_guest_rst) \
	X(tcp_closed_host_rst) X(tcp_closed_timeout) X(tcp_refused) \
	X(tcp_closed_shutdown)					\
	X(flows_closed_admin)					\
	X(tcp_to_host_bytes) X(tcp_to_guest_bytes)		\
	X(tcp_pure_acks) X(tcp_acks_coalesced) X(tcp_window_updates) \
	X(tcp_window_reopen) X(tcp_zero_window_guest) X(tcp_zero_window_adv) \
	X(tcp_persist_probes) X(tcp_zwp_answered) X(tcp_rexmit_rto) X(tcp_rexmit_fast) \
	X(tcp_sack_blocks_rx) X(tcp_rexmit_sack) X(tcp_rexmit_lost)	\
	X(tcp_rexmit_tlp) X(tcp_dsack_rx) X(tcp_dsack_sent)		\
	X(tcp_cc_reductions) X(tcp_cc_undo)			\
	X(tcp_ooo_queued) X(tcp_ooo_pruned) X(tcp_challenge_acks) X(tcp_rst_sent)	\
	X(tcp_hold_copied)					\
	X(tcp_host_rst_drain) X(tcp_tx_waits) X(tcp_ctl_retry)	\
	X(tcp_ring_waits) X(tcp_ring_updates) X(tcp_ring_idle)	\
	X(drop_short) X(drop_ethertype) X(drop_not_for_us)	\
	X(drop_ip_version) X(drop_ip_hdr) X(drop_ip_len)	\
	X(drop_ip_csum) X(drop_ip_options) X(drop_ip_frag)	\
	X(ip_frag_rx) X(ip_reasm_ok) X(drop_ip_reasm) X(ip_frag_tx) \
	X(drop_frag_df)						\
	X(drop_ip_src) X(drop_ip_bcast) X(drop_l4_hdr) X(drop_l4_csum) \
	X(drop_l4_proto) X(drop_arp) X(drop_dhcp) X(drop_icmp)	\
	X(drop_udp) X(drop_tcp) X(drop_tcp_bad_opts) X(drop_tcp_ooo_full) \
	X(drop_tcp_out_of_window) X(drop_tcp_no_flow) X(drop_tcp_hold_limit)		\
	X(drop_flow_limit) X(drop_connect_limit) X(drop_dgram_limit) \
	X(drop_inbound_limit)					\
	X(tcp_buffer_limit_waits) X(drop_host_socket) X(drop_nomem)	\
	X(host_socket_fail) X(tcp_pay_pool_empty)			\
	X(drop_multiseg_hdr) X(drop_denied) X(drop_neigh_unres)	\
	X(steer_out) X(steer_in) X(drop_steer_full) X(tx_handed)	\
	X(rx_hdr_ring) X(drop_hdr_ring) X(drop_tx_vnet)		\
	X(rx_vnet) X(rx_vnet_gso) X(drop_vnet_big) X(drop_vnet_bad)	\
	X(rx_vnet_nombuf)					\
	X(rx_csum_offload) X(tcp_large_segs_in)			\
	X(tx_csum_offload) X(tx_tso_frames) X(tcp_rexmit_split)	\
	X(tcp6_large_segs_in) X(tx_tso6_frames)			\
	X(poll_busy) X(poll_idle) X(poll_busy_cycles)		\
	X(host_poll_skips)					\
	X(drop_ip6_hdr) X(drop_ip6_len) X(drop_ip6_exthdr)	\
	X(drop_ip6_frag) X(drop_ip6_src) X(drop_ip6_off)	\
	X(drop_ip6_l4_unsupported) X(drop_icmp6) X(drop_ndp)	\
	X(ndp_dad_defended) X(drop_dhcp6) X(icmp6_ignored)				\
	X(icmp6_echo_local) X(ndp_ns_rx) X(ndp_na_sent) X(ndp_ns_sent) \
	X(ndp_rs_rx) X(ndp_ra_sent) X(neigh6_full) X(neigh6_evicted) \
	X(fwd_guest6) X(fwd_retry6) X(drop_fwd_no_guest6)	\
	X(dhcp6_replies)						\
	X(drop_ip6_dst) X(drop_udp6_too_big)			\
	X(ip6_frag_rx) X(ip6_reasm_ok) X(drop_ip6_reasm) X(ip6_frag_tx) \
	X(drop_ip6_frag_chain)

enum sl_stat {
#define SL_STAT_ENUM(n) SL_STAT_##n,
	SL_STATS_LIST(SL_STAT_ENUM)
#undef SL_STAT_ENUM
	SL_STAT_MAX
};

/** Counter names, indexed by enum sl_stat. */
extern const char *const sl_stat_names[SL_STAT_MAX];

/** Add @v to counter @c of array @arr (owner thread only). */
#define SL_STAT_ADD(arr, c, v) \
	__atomic_store_n(&(arr)[SL_STAT_##c], \
		__atomic_load_n(&(arr)[SL_STAT_##c], __ATOMIC_RELAXED) + (v), \
		__ATOMIC_RELAXED)
#define SL_STAT_INC(arr, c) SL_STAT_ADD(arr, c, 1)

/** Add @v to counter index @i (an enum sl_stat value) of @arr. */
#define SL_STAT_ADD_IDX(arr, i, v) \
	__atomic_store_n(&(arr)[(i)], \
		__atomic_load_n(&(arr)[(i)], __ATOMIC_RELAXED) + (v), \
		__ATOMIC_RELAXED)
/** Increment counter index @i (an enum sl_stat value) of @arr. */
#define SL_STAT_INC_IDX(arr, i) SL_STAT_ADD_IDX(arr, i, 1)

/** Read a counter from any thread. */
#define SL_STAT_READ(arr, i) __atomic_load_n(&(arr)[(i)], __ATOMIC_RELAXED)

#endif /* SL_STATS_H */
