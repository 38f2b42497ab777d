/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * kern_errq.c: the kernel backend's error queue reading: one
 * recvmsg(MSG_ERRQUEUE) decoded into a struct sl_host_dgerr (the
 * IP_RECVERR report and its offender), and the cache of the host's own
 * addresses that tells its own ICMP errors from a router's.
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
 * sl_kern_is_local - whether @a (network order) is one of the host's own
 * IPv4 addresses (loopback included): the list is read with getifaddrs(3)
 * at most once a second, only when an error report needs it.
 */
bool
sl_kern_is_local(struct sl_kern_local *k, uint32_t a)
{
	struct ifaddrs *ifa, *i;
	uint64_t now = mono_ns();
	unsigned int j;

	if ((ntohl(a) >> 24) == 127)
		return true;
	if (k->read_ns == 0 || now - k->read_ns > SL_KERN_LOCAL_TTL_NS) {
		k->read_ns = now;
		k->n = 0;
		if (getifaddrs(&ifa) != 0)
			ifa = NULL;
		for (i = ifa; i != NULL && k->n < SL_KERN_LOCAL_MAX;
		     i = i->ifa_next) {
			const struct sockaddr_in *sa =
				(const struct sockaddr_in *)(void *)i->ifa_addr;

			if (sa != NULL && sa->sin_family == AF_INET)
				k->addr[k->n++] = sa->sin_addr.s_addr;
		}
		if (ifa != NULL)
			freeifaddrs(ifa);
	}
	for (j = 0; j < k->n; j++)
		if (k->addr[j] == a)
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
			sizeof(struct sockaddr_in))];
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
	if (msg.msg_namelen < sizeof(e->dst) || e->dst.sin_family != AF_INET)
		memset(&e->dst, 0, sizeof(e->dst));
	e->len = (size_t)n;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_RECVERR ||
		    c->cmsg_len < CMSG_LEN(sizeof(ee)))
			continue;
		memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		e->err = (int)ee.ee_errno;
		e->origin = ee.ee_origin == SO_EE_ORIGIN_ICMP ?
			SL_HOST_ERR_ICMP : SL_HOST_ERR_LOCAL;
		e->type = ee.ee_type;
		e->code = ee.ee_code;
		e->info = ee.ee_info;
		if (c->cmsg_len >= CMSG_LEN(sizeof(ee) + sizeof(e->offender)))
			memcpy(&e->offender, CMSG_DATA(c) + sizeof(ee),
				sizeof(e->offender));
		if (e->offender.sin_family != AF_INET)
			memset(&e->offender, 0, sizeof(e->offender));
		return 0;
	}
	return -EAGAIN;
}
