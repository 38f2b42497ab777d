/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_cksum.h: the Internet checksum's raw sum (RFC 1071) over a buffer and
 * over part of an mbuf chain, for the frame builders and the parser (every
 * byte of host data sent to a guest, and of guest data checked, goes
 * through it: it sums 32 bytes per step in vector lanes, where DPDK's
 * rte_raw_cksum adds one 16-bit word at a time).
 */
#ifndef SL_CKSUM_H
#define SL_CKSUM_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

/**
 * sl_cksum_sum - the exact sum of the 16-bit words of @buf (host byte
 * order, as rte_raw_cksum reads them; an odd last byte is the low-addressed
 * byte of a zero-padded word), not folded.
 * @buf: data
 * @len: bytes
 *
 * Return: the sum (fold with sl_cksum_fold64).
 */
uint64_t sl_cksum_sum(const void *buf, size_t len);

/**
 * sl_cksum_fold64 - fold a one's complement sum to 16 bits (0 stays 0).
 * Return: the folded sum, not complemented.
 */
static inline uint16_t
sl_cksum_fold64(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/**
 * sl_cksum_mbuf - rte_raw_cksum_mbuf() with sl_cksum_sum: the folded raw
 * sum of @len bytes at @off of chain @m, segments of any length (a
 * segment that starts at an odd offset of the range counts byte-swapped).
 * @m: the chain
 * @off: offset of the first byte
 * @len: bytes
 * @cksum: set to the folded sum, not complemented
 *
 * Return: 0, or -1 when the chain is shorter than @off + @len.
 */
int sl_cksum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len,
	uint16_t *cksum);

#endif /* SL_CKSUM_H */
