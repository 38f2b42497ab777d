/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * kern_errq.c: the kernel backend's error queue reading: one
 * recvmsg(MSG_ERRQUEUE) decoded into a struct sl_host_dgerr (the
 * IP_RECVERR or IPV6_RECVERR report and its offender), and the cache of
 * the host's own addresses (both families) that tells its own ICMP errors
 * from a router's.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/errqueue.h>

#include "kern_errq.h"

/* CLOCK_MONOTONIC in ns. */
static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/**
 * sl_kern_is_local - whether @sa is unknown or one of the host's own
 * addresses (loopback included): the list is read with getifaddrs(3) at
 * most once a second, only when an error report needs it.
 */
bool
sl_kern_is_local(struct sl_kern_local *k, const union sl_sockaddr *sa)
{
	static const struct sl_addr lo6 = { .b[15] = 1 };
	struct sl_addr a = sl_sockaddr_addr(sa);
	struct ifaddrs *ifa, *i;
	uint64_t now = mono_ns();
	unsigned int j;

	if (sl_addr_is_any(&a) || sl_addr_eq(&a, &lo6) ||
	    (sl_addr_is_v4(&a) && (ntohl(sl_addr_get_v4(&a)) >> 24) == 127))
		return true;
	if (k->read_ns == 0 || now - k->read_ns > SL_KERN_LOCAL_TTL_NS) {
		k->read_ns = now;
		k->n = 0;
		if (getifaddrs(&ifa) != 0)
			ifa = NULL;
		for (i = ifa; i != NULL && k->n < SL_KERN_LOCAL_MAX;
		     i = i->ifa_next) {
			const union sl_sockaddr *ia =
				(const union sl_sockaddr *)(void *)i->ifa_addr;

			if (ia != NULL && (ia->sa.sa_family == AF_INET ||
			    ia->sa.sa_family == AF_INET6))
				k->addr[k->n++] = sl_sockaddr_addr(ia);
		}
		if (ifa != NULL)
			freeifaddrs(ifa);
	}
	for (j = 0; j < k->n; j++)
		if (sl_addr_eq(&k->addr[j], &a))
			return true;
	return false;
}

/**
 * sl_kern_errq_read - one recvmsg(MSG_ERRQUEUE) into @buf, its IP_RECVERR report
 * decoded into @e. Return: 0, -EAGAIN (empty or no report) or -errno.
 */
int
sl_kern_errq_read(int hd, struct sl_host_dgerr *e, void *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err) +
			sizeof(struct sockaddr_in6))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct sock_extended_err ee;
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	memset(e, 0, sizeof(*e));
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &e->dst;
	msg.msg_namelen = sizeof(e->dst);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	n = recvmsg(hd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
	if (n < 0)
		return errno == EINTR || errno == EWOULDBLOCK ? -EAGAIN :
			-errno;
	if ((e->dst.sa.sa_family != AF_INET &&
	    e->dst.sa.sa_family != AF_INET6) ||
	    msg.msg_namelen < sl_sockaddr_len(&e->dst))
		memset(&e->dst, 0, sizeof(e->dst));
	e->len = (size_t)n;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		size_t olen;

		if (!((c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_RECVERR)) ||
		    c->cmsg_len < CMSG_LEN(sizeof(ee)))
			continue;
		memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		e->err = (int)ee.ee_errno;
		e->origin = ee.ee_origin == SO_EE_ORIGIN_ICMP ||
			ee.ee_origin == SO_EE_ORIGIN_ICMP6 ?
			SL_HOST_ERR_ICMP : SL_HOST_ERR_LOCAL;
		e->type = ee.ee_type;
		e->code = ee.ee_code;
		e->info = ee.ee_info;
		olen = c->cmsg_len - CMSG_LEN(sizeof(ee));
		if (olen > sizeof(e->offender))
			olen = sizeof(e->offender);
		memcpy(&e->offender, CMSG_DATA(c) + sizeof(ee), olen);
		if ((e->offender.sa.sa_family != AF_INET &&
		    e->offender.sa.sa_family != AF_INET6) ||
		    olen < sl_sockaddr_len(&e->offender))
			memset(&e->offender, 0, sizeof(e->offender));
		return 0;
	}
	return -EAGAIN;
}
