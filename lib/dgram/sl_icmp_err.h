/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_icmp_err.h: ICMP errors toward the guest: the message builder (type,
 * code, the 32-bit field, the quoted packet), time exceeded for guest
 * datagrams whose TTL ends at sluice, and the errors the host reports for
 * a flow's datagrams (its socket's error queue) turned into the ICMP error
 * the guest would have received from the reporter (theory in
 * sl_icmp_err.c).
 */
#ifndef SL_ICMP_ERR_H
#define SL_ICMP_ERR_H

#include <stdint.h>

#include "sl_io.h"
#include "sl_net.h"

/* RFC 1812 4.3.2.3: an ICMP error datagram is at most 576 bytes. */
#define SL_ICMP_ERR_MAX		576
/* ... so it quotes at most 576 - IPv4 header - ICMP header bytes. */
#define SL_ICMP_ERR_QUOTE_MAX	(SL_ICMP_ERR_MAX - 20 - 8)
/* the least a quote holds: the IPv4 header and 8 bytes of payload */
#define SL_ICMP_ERR_QUOTE_MIN	(20 + 8)

#define SL_ICMP_DEST_UNREACH	3
#define SL_ICMP_FRAG_NEEDED	4	/* code of SL_ICMP_DEST_UNREACH */
#define SL_ICMP_TIME_EXCEEDED	11
#define SL_ICMP_PARAM_PROBLEM	12

/**
 * sl_icmp_err_fill - write an ICMP error message (ICMPv4 and ICMPv6 share
 * its layout): type, code, a zero checksum, the 32-bit field @rest, then
 * as much of @quote as fits.
 * @buf: destination
 * @room: its size (at least 8)
 * @type: ICMP type
 * @code: ICMP code
 * @rest: the field after the checksum, host order (next-hop MTU in the
 *	low 16 bits for fragmentation needed, the pointer in the top byte
 *	for parameter problem, else 0)
 * @quote: the offending packet from its IP header on
 * @qlen: its length
 *
 * The checksum is left to the caller (IPv6 covers a pseudo-header).
 *
 * Return: bytes written (8 + the quoted bytes).
 */
uint32_t sl_icmp_err_fill(uint8_t *buf, uint32_t room, uint8_t type,
	uint8_t code, uint32_t rest, const uint8_t *quote, uint32_t qlen);

/**
 * sl_icmp_err_build - an ICMP (or ICMPv6: same layout) error message in a
 * fresh payload-only mbuf, headroom left for the IP header: @room bytes at
 * most (cut to the mbuf), laid out by sl_icmp_err_fill; checksum zero.
 * Return: the mbuf, or NULL (no mbuf; drop_nomem when it had no room).
 */
struct rte_mbuf *sl_icmp_err_build(struct sl_worker *w, uint32_t room,
	uint8_t type, uint8_t code, uint32_t rest, const uint8_t *quote,
	uint32_t qlen);

/**
 * sl_icmp_err_quote_l4 - the upper-layer part of the quote of an error
 * about a datagram of flow @f, as the guest sent it: the UDP header from
 * the flow's ports and the @plen payload bytes the host kept (@pl), or the
 * ICMP (ICMPv6) message the host kept with the guest's echo id back (its
 * checksum adjusted).
 * @l4: output
 * @room: bytes of @l4
 * Return: bytes written.
 */
uint32_t sl_icmp_err_quote_l4(const struct sl_flow *f, const uint8_t *pl,
	uint32_t plen, uint8_t *l4, uint32_t room);

/**
 * sl_icmp_err_to_guest - send the guest an ICMPv4 error about one of its
 * packets (icmp_err_tx), quoting at most SL_ICMP_ERR_QUOTE_MAX bytes and
 * no more than the guest's MTU takes.
 * @w: worker
 * @src: the reporter's address, network order
 * @type: ICMP type
 * @code: ICMP code
 * @rest: see sl_icmp_err_fill()
 * @quote: the guest's packet, IPv4 header first
 * @qlen: its length (at least SL_ICMP_ERR_QUOTE_MIN)
 *
 * Return: 0, or -1 (counted: drop_nomem, drop_icmp).
 */
int sl_icmp_err_to_guest(struct sl_worker *w, uint32_t src, uint8_t type,
	uint8_t code, uint32_t rest, const uint8_t *quote, uint32_t qlen);

/**
 * sl_icmp_err_ttl - whether the guest datagram @p ends its life at sluice:
 * a TTL of 1 or 0 to an address beyond it (not the gateway or DNS
 * address). If so, ICMP time exceeded goes back from the gateway address,
 * quoting the datagram (ttl_expired), and the caller drops it.
 * @w: worker
 * @p: parsed guest UDP or ICMP datagram
 * @ttl: set to the TTL its host socket must use (0: the socket's default,
 *	for sluice's own addresses; else the guest's TTL less one)
 *
 * Return: true when the datagram expired here.
 */
bool sl_icmp_err_ttl(struct sl_worker *w, const struct sl_pkt *p,
	uint8_t *ttl);

/**
 * sl_icmp_err_async - whether a send error (-errno) may be one an earlier
 * datagram met, reported by the kernel on the next send (the socket's
 * pending error after an ICMP error): ECONNREFUSED, EHOSTUNREACH,
 * ENETUNREACH, EHOSTDOWN, EPROTO, EMSGSIZE...
 */
bool sl_icmp_err_async(int rc);

/**
 * sl_icmp_err_send_failed - the host refused to send guest frame @m
 * (-errno @rc): no route to the network or host (ENETUNREACH,
 * EHOSTUNREACH) or a host firewall (EPERM, EACCES) is answered with
 * destination unreachable (network, host, or administratively prohibited)
 * from the gateway address, quoting the frame from its IPv4 header.
 */
void sl_icmp_err_send_failed(struct sl_worker *w, const struct rte_mbuf *m,
	int rc);

/**
 * sl_icmp_err_drain - relay the errors queued on datagram flow @f's host
 * socket to the guest, each as the ICMP error its reporter sent (or would
 * have, for the host's own refusals), quoting the guest's datagram rebuilt
 * from the flow's tuple and what the host kept of it. Bounded per call.
 * Errors that have no ICMP equivalent are counted in icmp_err_ignored.
 * An IPv6 flow's go out as ICMPv6 errors (sl_icmp6_err_relay).
 */
void sl_icmp_err_drain(struct sl_worker *w, struct sl_flow *f);

#endif /* SL_ICMP_ERR_H */
