/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_cksum.c: unit tests of the raw Internet checksum (sl_cksum.c)
 * against a word-at-a-time reference: every length and alignment around
 * the vector step, a buffer past the lanes' emptying point (all ones, the
 * worst case for overflow), mbuf chains cut at odd offsets (where a part
 * counts byte-swapped, with sums above 16 bits), and a chain shorter than
 * the range asked for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "sl_cksum.h"
#include "sl_test.h"

/** ref_sum - the sum of @buf's 16-bit words, one at a time (RFC 1071). */
static uint64_t
ref_sum(const uint8_t *buf, size_t len)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		uint16_t v;

		memcpy(&v, buf + i, 2);
		sum += v;
	}
	if (len & 1) {
		uint16_t v = 0;

		memcpy(&v, buf + len - 1, 1);
		sum += v;
	}
	return sum;
}

/** fill - pseudo-random bytes, the same for each @seed. */
static void
fill(uint8_t *b, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (uint8_t)(seed >> 16);
	}
}

SL_TEST(cksum_lengths_and_alignments)
{
	static uint8_t buf[1100];
	size_t len, off;

	fill(buf, sizeof(buf), 1);
	for (off = 0; off < 4; off++)
		for (len = 0; len <= 1024 + 67; len++)
			SL_CHECK_EQ(sl_cksum_sum(buf + off, len),
				ref_sum(buf + off, len));
}

SL_TEST(cksum_long_buffer_all_ones)
{
	/* past 32768 vector steps (1 MiB): every lane holds its maximum
	 * sum when emptied; the exact 64-bit total must come out */
	size_t len = 2u * 1048576u + 37u;
	uint8_t *b = malloc(len);

	SL_CHECK(b != NULL);
	memset(b, 0xff, len);
	SL_CHECK_EQ(sl_cksum_sum(b, len), ref_sum(b, len));
	fill(b, len, 7);
	SL_CHECK_EQ(sl_cksum_sum(b, len), ref_sum(b, len));
	free(b);
}

/**
 * chain - a chain of mbufs holding @len bytes of @data, segment i holding
 * cuts[i] bytes (after them, 4096 each). Return: the chain or NULL.
 */
static struct rte_mbuf *
chain(struct rte_mempool *mp, const uint8_t *data, uint32_t len,
	const uint16_t *cuts, unsigned int ncuts)
{
	struct rte_mbuf *head = NULL;
	uint32_t done = 0;
	unsigned int i;

	for (i = 0; done < len; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		uint32_t n = i < ncuts ? cuts[i] : 4096;
		char *d;

		n = RTE_MIN(n, len - done);
		if (m == NULL)
			goto fail;
		d = rte_pktmbuf_append(m, (uint16_t)n);
		if (d == NULL || (head != NULL && rte_pktmbuf_chain(head, m) != 0)) {
			rte_pktmbuf_free(m);
			goto fail;
		}
		if (head == NULL)
			head = m;
		memcpy(d, data + done, n);
		done += n;
	}
	return head;
fail:
	rte_pktmbuf_free(head);
	return NULL;
}

SL_TEST(cksum_mbuf_odd_cuts)
{
	/* odd cuts put later parts at odd offsets of the range; each part
	 * sums to far more than 16 bits (thousands of 0xff.. words) */
	static const uint16_t cuts[][5] = {
		{ 3, 4001, 7, 2999, 1 },
		{ 1, 1, 6001, 5, 4093 },
		{ 4096, 4095, 4097, 2, 3 },
	};
	static uint8_t data[16000];
	struct rte_mempool *mp;
	unsigned int t, v;

	SL_CHECK(sl_test_eal() == 0);
	mp = rte_pktmbuf_pool_create("cksum_pool", 64, 0, 0,
		8192 + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	SL_CHECK(mp != NULL);
	for (v = 0; v < 2; v++) {
		if (v == 0)
			memset(data, 0xfe, sizeof(data));
		else
			fill(data, sizeof(data), 3);
		for (t = 0; t < RTE_DIM(cuts); t++) {
			struct rte_mbuf *m = chain(mp, data, sizeof(data),
				cuts[t], RTE_DIM(cuts[t]));
			uint32_t off, len;

			SL_CHECK(m != NULL);
			for (off = 0; off < 12; off += 5)
				for (len = 1; len + off <= sizeof(data);
				    len += 997) {
					uint16_t got = 0;

					SL_CHECK_EQ(sl_cksum_mbuf(m, off, len,
						&got), 0);
					SL_CHECK_EQ(got, sl_cksum_fold64(
						ref_sum(data + off, len)));
				}
			rte_pktmbuf_free(m);
		}
	}
	rte_mempool_free(mp);
}

SL_TEST(cksum_mbuf_short_chain)
{
	static const uint16_t cuts[] = { 100, 51 };
	static uint8_t data[200];
	struct rte_mempool *mp;
	struct rte_mbuf *m;
	uint16_t got = 0x1234;

	SL_CHECK(sl_test_eal() == 0);
	mp = rte_pktmbuf_pool_create("cksum_short", 8, 0, 0,
		2048 + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	SL_CHECK(mp != NULL);
	fill(data, sizeof(data), 5);
	m = chain(mp, data, sizeof(data), cuts, RTE_DIM(cuts));
	SL_CHECK(m != NULL);
	SL_CHECK_EQ(sl_cksum_mbuf(m, 150, 51, &got), -1);
	SL_CHECK_EQ(got, 0x1234);
	SL_CHECK_EQ(sl_cksum_mbuf(m, 200, 0, &got), 0);
	SL_CHECK_EQ(got, 0);
	SL_CHECK_EQ(sl_cksum_mbuf(m, 101, 99, &got), 0);
	SL_CHECK_EQ(got, sl_cksum_fold64(ref_sum(data + 101, 99)));
	rte_pktmbuf_free(m);
	rte_mempool_free(mp);
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
