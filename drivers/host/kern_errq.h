/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * kern_errq.h: private to the kernel backend (kernel.c): reading a
 * socket's error queue (IP_RECVERR) and knowing the host's own addresses.
 */
#ifndef SL_KERN_ERRQ_H
#define SL_KERN_ERRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_host.h"

#define SL_KERN_LOCAL_MAX	32
#define SL_KERN_LOCAL_TTL_NS	1000000000ull	/* re-read at most once a second */

/** The host's addresses (both families), as last read. */
struct sl_kern_local {
	uint64_t read_ns;	/**< when addr[] was read, 0: never */
	unsigned int n;
	struct sl_addr addr[SL_KERN_LOCAL_MAX];	/**< IPv4 v4-mapped */
};

/**
 * sl_kern_errq_read - one recvmsg(MSG_ERRQUEUE) on @hd into @buf (@len
 * bytes), its IP_RECVERR or IPV6_RECVERR report decoded into @e
 * (offender_local not set; an ICMPv6 report has its ICMPv6 type and code).
 * Return: 0, -EAGAIN (empty, or no report) or -errno.
 */
int sl_kern_errq_read(int hd, struct sl_host_dgerr *e, void *buf,
	size_t len);

/**
 * sl_kern_is_local - whether @sa is unknown (no family) or one of the
 * host's own addresses of either family (loopback included). The list is
 * read with getifaddrs(3) at most once every SL_KERN_LOCAL_TTL_NS, only
 * when asked.
 */
bool sl_kern_is_local(struct sl_kern_local *k, const union sl_sockaddr *sa);

#endif /* SL_KERN_ERRQ_H */
