/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_cksum.c: the Internet checksum's raw sum (sl_cksum.h). The one's
 * complement sum of 16-bit words is the sum of the 32-bit words' low and
 * high halves: each step loads 32 bytes as eight 32-bit lanes and adds
 * their low halves to one accumulator, their high halves to another (no
 * carries to chase: a lane overflows only after 65537 additions, so the
 * lanes are emptied into a 64-bit total every 32768 steps). The compiler
 * builds an AVX2 version and a baseline (SSE) one of the loop; the CPU's
 * features pick one at start (rte_cpu_get_flag_enabled).
 */
#include <string.h>

#include <rte_common.h>
#include <rte_cpuflags.h>

#include "sl_cksum.h"

/* 32 bytes as eight 32-bit lanes */
typedef uint32_t sl_v8u32 __attribute__((vector_size(32)));

/* the steps a lane may take before its low or high sum could overflow */
#define SL_CKSUM_STEPS	32768u

/**
 * cksum_lanes - the raw sum of @len bytes at @buf (see the top of the file);
 * inlined into each of the CPU-specific versions below.
 */
static inline __attribute__((always_inline)) uint64_t
cksum_lanes(const void *buf, size_t len)
{
	const sl_v8u32 mask = { 0xffff, 0xffff, 0xffff, 0xffff,
		0xffff, 0xffff, 0xffff, 0xffff };
	const uint8_t *p = buf;
	uint64_t sum = 0;

	while (len >= sizeof(sl_v8u32)) {
		size_t n = RTE_MIN(len / sizeof(sl_v8u32), (size_t)SL_CKSUM_STEPS);
		sl_v8u32 lo = { 0 }, hi = { 0 };
		unsigned int i;
		size_t k;

		for (k = 0; k < n; k++) {
			sl_v8u32 x;

			memcpy(&x, p, sizeof(x));
			lo += x & mask;
			hi += x >> 16;
			p += sizeof(x);
		}
		len -= n * sizeof(sl_v8u32);
		for (i = 0; i < 8; i++)
			sum += (uint64_t)lo[i] + hi[i];
	}
	for (; len >= 2; len -= 2, p += 2) {
		uint16_t v;

		memcpy(&v, p, 2);
		sum += v;
	}
	if (len != 0) {
		uint16_t v = 0;

		memcpy(&v, p, 1);
		sum += v;
	}
	return sum;
}

/** cksum_base - the loop for the build's baseline CPU (SSE on x86-64). */
static uint64_t
cksum_base(const void *buf, size_t len)
{
	return cksum_lanes(buf, len);
}

#if defined(RTE_ARCH_X86_64) && defined(__GNUC__)
/** cksum_avx2 - the same loop in 256-bit registers. */
static __attribute__((target("avx2"))) uint64_t
cksum_avx2(const void *buf, size_t len)
{
	return cksum_lanes(buf, len);
}
#endif

/* the version for this CPU, picked once at start (an explicit choice, not
 * an ifunc: ifunc resolvers run before the sanitizers' runtimes are up) */
static uint64_t (*cksum_fn)(const void *buf, size_t len) = cksum_base;

RTE_INIT(sl_cksum_pick)
{
#if defined(RTE_ARCH_X86_64) && defined(__GNUC__)
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2) > 0)
		cksum_fn = cksum_avx2;
#endif
}

uint64_t
sl_cksum_sum(const void *buf, size_t len)
{
	return cksum_fn(buf, len);
}

int
sl_cksum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len,
	uint16_t *cksum)
{
	const struct rte_mbuf *seg = m;
	uint64_t sum = 0;
	uint32_t done = 0;

	if ((uint64_t)off + len > rte_pktmbuf_pkt_len(m))
		return -1;
	while (seg != NULL && off >= rte_pktmbuf_data_len(seg)) {
		off -= rte_pktmbuf_data_len(seg);
		seg = seg->next;
	}
	while (done < len) {
		uint32_t n;
		uint16_t part;

		if (seg == NULL)
			return -1;	/* pkt_len above the segments' sum */
		n = RTE_MIN((uint32_t)rte_pktmbuf_data_len(seg) - off,
			len - done);
		part = sl_cksum_fold64(sl_cksum_sum(
			rte_pktmbuf_mtod_offset(seg, const uint8_t *, off), n));
		/* a part that starts at an odd offset of the range has its
		 * bytes in the other halves of the words */
		sum += (done & 1) ? rte_bswap16(part) : part;
		done += n;
		off = 0;
		seg = seg->next;
	}
	*cksum = sl_cksum_fold64(sum);
	return 0;
}
