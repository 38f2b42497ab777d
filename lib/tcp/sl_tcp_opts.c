/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_tcp_opts.c: TCP option parsing (MSS, window scale, SACK-permitted,
 * SACK blocks) of guest segments.
 */
#include "sl_tcp_priv.h"

/** parse_sack - @n SACK blocks at @b (the last option of its kind wins). */
static void
parse_sack(const uint8_t *b, uint8_t n, struct sl_tcp_opts *o)
{
	uint8_t k;

	o->n_sack = (uint8_t)RTE_MIN(n, (uint8_t)SL_TCP_SACK_BLOCKS);
	for (k = 0; k < o->n_sack; k++) {
		rte_be32_t v[2];

		memcpy(v, b + 8 * k, sizeof(v));
		o->sack[k][0] = rte_be_to_cpu_32(v[0]);
		o->sack[k][1] = rte_be_to_cpu_32(v[1]);
	}
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
		} else if (kind == 4 && olen == 2) {
			o->sack_ok = true;
		} else if (kind == 5 && olen >= 10 && (olen - 2) % 8 == 0) {
			parse_sack(opt + i + 2, (uint8_t)((olen - 2) / 8), o);
		}
		i += olen;
	}
	return 0;
}
