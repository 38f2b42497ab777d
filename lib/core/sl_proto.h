/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_proto.h: the protocol table, how the poll loop (sl_worker.c) reaches
 * the modules above it without knowing them. Each module (ARP, DHCP, ICMP,
 * UDP, TCP, forwards, fragments, neighbours, control) defines one const
 * struct sl_proto with the hooks it needs (any may be NULL); the list of
 * them is handed to the worker from above (lib/relay) and the worker calls
 * the hooks in that list's order. Per frame the classifier makes one table
 * lookup (by IP protocol, or the one ethertype / UDP port claim) and one
 * call; the per-iteration hooks are gathered into arrays at start-up.
 * IPv6 frames go by next header (ip6_proto: ICMPv6, and TCP and UDP once
 * their modules take IPv6), through a table of their own, by_ip6.
 */
#ifndef SL_PROTO_H
#define SL_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#define SL_PROTO_MAX	16	/* protocols a worker takes */

struct sl_worker;
struct sl_pkt;
struct sl_flow;
struct sl_fwd_spec;

/** One protocol module's entry points (all optional). */
struct sl_proto {
	const char *name;
	/** IP protocol of its frames and flows (IPPROTO_*), 0: none */
	uint8_t ip_proto;
	/** upper-layer protocol of its IPv6 frames (IPPROTO_*), 0: none */
	uint8_t ip6_proto;
	/** a non-IP ethertype it takes (host order; ARP), 0: none */
	uint16_t ether_type;
	/**
	 * a UDP destination port (host order) whose frames it takes before
	 * the source address is checked (the DHCP server), 0: none
	 */
	uint16_t udp_port;
	/** the same for IPv6 frames (the DHCPv6 server), 0: none */
	uint16_t udp6_port;

	/** set up the module's per-worker state. Return: 0 or -errno. */
	int (*init)(struct sl_worker *w);
	/** teardown, first: flows still live; also runs when init did not
	 * run or failed, so it must be safe on zeroed state */
	void (*close)(struct sl_worker *w);
	/** teardown, flows freed, frames may still be queued for the port */
	void (*drain)(struct sl_worker *w);
	/** teardown, last: the tx queue is empty; free what init took */
	void (*fini)(struct sl_worker *w);

	/** start of an iteration, before the backlog's tx burst */
	void (*iter_start)(struct sl_worker *w);
	/** after the backlog's tx burst: output that waited. Return: work */
	unsigned int (*tx_resume)(struct sl_worker *w);
	/** a guest frame. Return: true when the module kept the mbuf */
	bool (*input)(struct sl_worker *w, const struct sl_pkt *p);
	/** a guest IPv4 or IPv6 fragment. Return: the datagram, or NULL */
	struct rte_mbuf *(*reassemble)(struct sl_worker *w,
		const struct sl_pkt *p);
	/** an IPv4 frame of @len bytes from guest address @ip showed its
	 * MAC (the link layer: one module takes it). Return: false when
	 * @ip is no host of the port (the frame is dropped) */
	bool (*learn)(struct sl_worker *w, uint32_t ip,
		const struct rte_ether_addr *mac, uint32_t len);
	/** the same for an IPv6 frame of @len bytes from a guest address
	 * (16 bytes); @len 0: no frame of its own (a neighbour discovery
	 * message naming the address) */
	void (*learn6)(struct sl_worker *w, const uint8_t *ip6,
		const struct rte_ether_addr *mac, uint32_t len);
	/** after a burst of guest frames */
	void (*burst_end)(struct sl_worker *w);
	/** after the input step of every iteration (frames or not) */
	void (*rx_end)(struct sl_worker *w);
	/** host readiness of one of its flows */
	void (*host_event)(struct sl_worker *w, struct sl_flow *f,
		uint32_t events);
	/** host readiness of a handle that is not a flow (cookie special) */
	void (*special_event)(struct sl_worker *w, uint64_t cookie,
		uint32_t events);
	/** a forward's listener of its IP protocol is ready */
	void (*listen)(struct sl_worker *w, const struct sl_fwd_spec *spec,
		unsigned int off, int hd);
	/** the timer of one of its flows fired */
	void (*timer)(struct sl_worker *w, struct sl_flow *f);
	/** one of its flows is about to be freed (sl_worker_free_flow) */
	void (*flow_free)(struct sl_worker *w, struct sl_flow *f);
	/** end of an iteration, before its tx burst */
	void (*iter_end)(struct sl_worker *w);
};

/** The hooks of every iteration, gathered from the list at start-up. */
struct sl_proto_calls {
	uint8_t n_iter_start, n_tx_resume, n_burst_end, n_rx_end, n_iter_end;
	void (*iter_start[SL_PROTO_MAX])(struct sl_worker *w);
	unsigned int (*tx_resume[SL_PROTO_MAX])(struct sl_worker *w);
	void (*burst_end[SL_PROTO_MAX])(struct sl_worker *w);
	void (*rx_end[SL_PROTO_MAX])(struct sl_worker *w);
	void (*iter_end[SL_PROTO_MAX])(struct sl_worker *w);
};

#endif /* SL_PROTO_H */
