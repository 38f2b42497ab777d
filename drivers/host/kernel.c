/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * kernel.c: the kernel-socket host backend: real non-blocking sockets (TCP,
 * UDP, ICMP echo) and one level-triggered epoll instance per backend.
 * Handles are the sockets' file descriptors; each one's epoll data is the
 * descriptor, its cookie is kept in the table. Interest changes (applied
 * lazily; a new descriptor joins the set at the next poll), events and the
 * send-space cache are in kern_ready.c.
 *
 * Every descriptor is created with SOCK_CLOEXEC and never dup()ed, so
 * closing it is enough to remove it from the epoll set; close() does no
 * EPOLL_CTL_DEL. Only descriptors this backend created are accepted as
 * handles: any other value yields -EBADF (close ignores it), so a stale or
 * bogus handle can never close a descriptor the process uses elsewhere.
 *
 * UDP and ICMP sockets have IP_RECVERR on: the ICMP errors a datagram met
 * (and the host's own refusals) queue on the socket with the reporter's
 * address, read by kern_errqueue (kern_errq.c). A datagram's TTL travels as an IP_TTL
 * control message of its sendmmsg entry (raw ICMP sockets: IP_TTL set
 * only when it changes).
 *
 * The descriptor limit (RLIMIT_NOFILE) is not read per socket: the process
 * publishes it (sl_host_kernel_set_fd_limit, from the control thread at
 * start and whenever it changes) and every backend reads that one value.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/icmp.h>
#include <linux/sockios.h>

#include "kern_priv.h"

/* Largest IPv4 packet a raw socket can hand us. */
#define KERN_RAW_MAX	65536
/* descriptors never used for host sockets: SL_HOST_FD_RESERVE (sl_host.h) */
#define KERN_FD_RESERVE	SL_HOST_FD_RESERVE

/* RLIMIT_NOFILE soft limit as last published; 0: not known yet */
static uint64_t kern_fd_limit;

/**
 * kern_track - register a new descriptor in the table; it joins the epoll
 * set at the next poll (kern_flush: one EPOLL_CTL_ADD with the interest
 * wanted by then, so a socket whose interest is set before that poll costs
 * one epoll_ctl, not an ADD and a MOD).
 * @k: backend
 * @fd: descriptor (closed on failure)
 * @cookie: event cookie
 * @flags: KF_* flags besides KF_OPEN
 * @interest: initial EPOLL* interest (0: none)
 *
 * Return: @fd, or -errno.
 */
static int
kern_track(struct kern_host *k, int fd, uint64_t cookie, uint32_t flags,
	uint32_t interest)
{
	uint64_t limit = __atomic_load_n(&kern_fd_limit, __ATOMIC_RELAXED);
	int rc;

	/* descriptors are allocated lowest first: one this close to the
	 * limit means fewer than KERN_FD_RESERVE are left */
	if (limit != 0 && (uint64_t)fd + KERN_FD_RESERVE >= limit) {
		close(fd);
		return -EMFILE;
	}
	if (fd >= k->nfd) {
		int n = k->nfd != 0 ? k->nfd : 256;
		struct kern_fd *t;

		while (n <= fd)
			n *= 2;
		t = realloc(k->fds, (size_t)n * sizeof(*t));
		if (t == NULL) {
			close(fd);
			return -ENOMEM;
		}
		memset(t + k->nfd, 0, (size_t)(n - k->nfd) * sizeof(*t));
		k->fds = t;
		k->nfd = n;
	}
	/* out of the kernel's set until kern_flush adds it */
	k->fds[fd].cookie = cookie;
	k->fds[fd].flags = KF_OPEN | KF_QUIET | flags;
	k->fds[fd].want = interest;
	k->fds[fd].set = 0;
	k->fds[fd].add_err = 0;
	k->fds[fd].wrote = false;
	k->fds[fd].sndbuf = 0;
	k->fds[fd].room = 0;
	k->fds[fd].space_ms = 0;
	rc = kern_track_add(k, fd);
	if (rc < 0) {
		k->fds[fd].flags = 0;
		close(fd);
		return rc;
	}
	k->base.open_handles++;
	return fd;
}

/** set_int_opt - setsockopt of an int option. Return: 0 or -errno. */
static int
set_int_opt(struct kern_host *k, int fd, int level, int name, int val)
{
	k->calls.sockopt++;
	if (setsockopt(fd, level, name, &val, sizeof(val)) < 0)
		return neg_errno();
	return 0;
}

/** inet_csum - the Internet checksum of @len bytes at @p. */
static uint16_t
inet_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/**
 * open_icmp - open an ICMP echo socket.
 *
 * First an unprivileged ping socket (SOCK_DGRAM/IPPROTO_ICMP), allowed when
 * our group is in net.ipv4.ping_group_range. The kernel fills in the
 * checksum and rewrites the echo identifier to the socket's "port" (the
 * local port it is bound to, chosen at the first send unless bound), and
 * delivers only the echo replies that carry that identifier.
 *
 * When that is refused (EACCES/EPERM), a raw socket (needs CAP_NET_RAW).
 * A raw ICMP socket sees every ICMP packet reaching the host, whatever its
 * identifier, so the caller must match echo id and sequence itself; we only
 * narrow it with ICMP_FILTER to echo replies, and to the peer once it is
 * connected. For raw sockets the backend computes the ICMP checksum on
 * send and strips the IP header on receive, so callers always deal in ICMP
 * header + payload.
 *
 * Return: descriptor or -errno; *@raw tells which kind was made.
 */
static int
open_icmp(bool *raw, bool inet6)
{
	struct icmp_filter filt;
	int fd, rc;

	*raw = false;
	if (inet6) {
		/* ICMPv6 ping sockets only: no raw fallback */
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK |
			SOCK_CLOEXEC, IPPROTO_ICMPV6);
		return fd >= 0 ? fd : neg_errno();
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		IPPROTO_ICMP);
	if (fd >= 0 || (errno != EACCES && errno != EPERM))
		return fd >= 0 ? fd : neg_errno();
	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		IPPROTO_ICMP);
	if (fd < 0)
		return neg_errno();
	filt.data = ~(1u << ICMP_ECHOREPLY);
	if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)) < 0) {
		rc = neg_errno();
		close(fd);
		return rc;
	}
	*raw = true;
	return fd;
}

/* --- sl_host_ops -------------------------------------------------------- */

/** kern_open - sl_host_open() on the kernel backend. */
static int
kern_open(struct sl_host *h, enum sl_host_kind kind, uint64_t cookie)
{
	struct kern_host *k = kern_host(h);
	bool inet6 = (kind & SL_HOST_INET6) != 0;
	int af = inet6 ? AF_INET6 : AF_INET;
	uint32_t flags = inet6 ? KF_INET6 : 0;
	bool raw;
	int fd, rc;

	kind = SL_HOST_KIND(kind);
	switch (kind) {
	case SL_HOST_TCP:
		fd = socket(af, SOCK_STREAM | SOCK_NONBLOCK |
			SOCK_CLOEXEC, 0);
		if (fd < 0)
			return neg_errno();
		rc = set_int_opt(k, fd, IPPROTO_TCP, TCP_NODELAY, 1);
		if (rc < 0) {
			close(fd);
			return rc;
		}
		flags |= KF_TCP;
		break;
	case SL_HOST_UDP:
		fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK |
			SOCK_CLOEXEC, 0);
		if (fd < 0)
			return neg_errno();
		break;
	case SL_HOST_ICMP:
		fd = open_icmp(&raw, inet6);
		if (fd < 0)
			return fd;
		if (raw)
			flags |= KF_RAW_ICMP;
		break;
	default:
		return -EPROTONOSUPPORT;
	}
	if (kind != SL_HOST_TCP) {
		/* errors datagrams meet queue up with their reporter */
		rc = inet6 ? set_int_opt(k, fd, IPPROTO_IPV6, IPV6_RECVERR, 1) :
			set_int_opt(k, fd, IPPROTO_IP, IP_RECVERR, 1);
		if (rc < 0) {
			close(fd);
			return rc;
		}
	}
	if (inet6 ? !sl_addr_is_any(&h->outbound_addr6) :
	    h->outbound_addr != 0) {
		/* --outbound-addr(6): before connect or the first send; each
		 * family's sockets bound to that family's address */
		union sl_sockaddr src = inet6 ?
			sl_sockaddr_make(&h->outbound_addr6, 0) :
			sl_sockaddr_v4(h->outbound_addr, 0);

		if (bind(fd, &src.sa, sl_sockaddr_len(&src)) != 0) {
			rc = neg_errno();
			close(fd);
			return rc;
		}
	}
	return kern_track(k, fd, cookie, flags, 0);
}

/** kern_connect - sl_host_connect() on the kernel backend. */
static int
kern_connect(struct sl_host *h, int hd, const union sl_sockaddr *sa)
{
	if (kern_fd(kern_host(h), hd) == NULL)
		return -EBADF;
	if (connect(hd, &sa->sa, sl_sockaddr_len(sa)) == 0)
		return 0;
	/* a non-blocking connect interrupted by a signal still proceeds */
	if (errno == EINPROGRESS || errno == EINTR)
		return -EINPROGRESS;
	return neg_errno();
}

/**
 * kern_listen - sl_host_listen() on the kernel backend: a socket of the
 * family of @sa; an IPv6 one is dual-stack (IPV6_V6ONLY 0, whatever
 * net.ipv6.bindv6only says) unless SL_HOST_V6ONLY.
 */
static int
kern_listen(struct sl_host *h, enum sl_host_kind kind,
	const union sl_sockaddr *sa, uint64_t cookie)
{
	struct kern_host *k = kern_host(h);
	bool shared = (kind & SL_HOST_SHARED) != 0;
	bool v6only = (kind & SL_HOST_V6ONLY) != 0;
	bool inet6 = sa->sa.sa_family == AF_INET6;
	int fd, rc;

	kind = SL_HOST_KIND(kind);
	if (kind != SL_HOST_TCP && kind != SL_HOST_UDP)
		return -EINVAL;
	if (!inet6 && sa->sa.sa_family != AF_INET)
		return -EAFNOSUPPORT;
	fd = socket(inet6 ? AF_INET6 : AF_INET, (kind == SL_HOST_TCP ?
		SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return neg_errno();
	rc = set_int_opt(k, fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (rc == 0 && shared)
		rc = set_int_opt(k, fd, SOL_SOCKET, SO_REUSEPORT, 1);
	if (rc == 0 && inet6)
		rc = set_int_opt(k, fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only);
	/* Linux copies it to every accepted socket: no setsockopt each */
	if (rc == 0 && kind == SL_HOST_TCP)
		rc = set_int_opt(k, fd, IPPROTO_TCP, TCP_NODELAY, 1);
	if (rc == 0 && bind(fd, &sa->sa, sl_sockaddr_len(sa)) < 0)
		rc = neg_errno();
	if (rc == 0 && kind == SL_HOST_TCP && listen(fd, SOMAXCONN) < 0)
		rc = neg_errno();
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return kern_track(k, fd, cookie, inet6 ? KF_INET6 : 0, EPOLLIN);
}

/** kern_accept - sl_host_accept() on the kernel backend. */
static int
kern_accept(struct sl_host *h, int lhd, union sl_sockaddr *peer,
	uint64_t cookie)
{
	struct kern_host *k = kern_host(h);
	struct kern_fd *lf = kern_fd(k, lhd);
	union sl_sockaddr sa;
	socklen_t len = sizeof(sa);
	int fd;

	if (lf == NULL)
		return -EBADF;
	memset(&sa, 0, sizeof(sa));
	/* TCP_NODELAY comes from the listener (kern_listen) */
	fd = accept4(lhd, &sa.sa, &len,
		SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return errno == EINTR ? -EAGAIN : neg_errno();
	if (peer != NULL)
		*peer = sa;
	return kern_track(k, fd, cookie, (lf->flags & KF_INET6) | KF_TCP, 0);
}

/** kern_set_cookie - see sl_host_set_cookie(). */
static int
kern_set_cookie(struct sl_host *h, int hd, uint64_t cookie)
{
	struct kern_fd *f = kern_fd(kern_host(h), hd);

	if (f == NULL)
		return -EBADF;
	f->cookie = cookie;
	return 0;
}

/** raw_buf - the raw ICMP scratch buffer, allocated on first use. */
static uint8_t *
raw_buf(struct kern_host *k)
{
	if (k->raw_buf == NULL)
		k->raw_buf = malloc(KERN_RAW_MAX);
	return k->raw_buf;
}

/**
 * raw_send - send one ICMP message on a raw socket, checksum filled in.
 * @k: backend
 * @hd: raw ICMP descriptor
 * @iov: ICMP header + payload
 * @cnt: iovec count
 * @to: destination, NULL when connected
 * @ttl: IP TTL, 0: the default (IP_TTL is set only when it changes)
 *
 * Return: bytes sent or -errno.
 */
static ssize_t
raw_send(struct kern_host *k, int hd, const struct iovec *iov, int cnt,
	const union sl_sockaddr *to, uint8_t ttl)
{
	uint8_t *p = raw_buf(k);
	size_t len = 0;
	ssize_t n;
	uint16_t cs;
	int i;

	if (p == NULL)
		return -ENOMEM;
	if (ttl != k->fds[hd].ttl) {
		/* -1: back to the system default */
		int rc = set_int_opt(k, hd, IPPROTO_IP, IP_TTL,
			ttl != 0 ? ttl : -1);

		if (rc < 0)
			return rc;
		k->fds[hd].ttl = ttl;
	}
	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len > KERN_RAW_MAX - len)
			return -EMSGSIZE;
		if (iov[i].iov_len == 0)
			continue;
		memcpy(p + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	if (len >= 4) {
		p[2] = p[3] = 0;
		cs = inet_csum(p, len);
		p[2] = (uint8_t)(cs >> 8);
		p[3] = (uint8_t)cs;
	}
	if (len >= 8 && p[0] == 8) {
		/* a raw socket sees every echo reply: remember ours */
		memcpy(&k->fds[hd].echo_id, p + 4, 2);
		k->fds[hd].has_echo_id = true;
	}
	n = sendto(hd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT,
		to != NULL ? &to->sa : NULL,
		to != NULL ? sl_sockaddr_len(to) : 0);
	return n < 0 ? neg_errno() : n;
}

/**
 * raw_recv - receive one ICMP message from a raw socket, IP header removed.
 * @k: backend
 * @hd: raw ICMP descriptor
 * @iov: destination (truncates)
 * @cnt: iovec count
 * @from: source when not NULL
 * @trunc: set to whether the message was longer than @iov, when not NULL
 *
 * Return: ICMP bytes copied, -EAGAIN or -errno.
 */
static ssize_t
raw_recv(struct kern_host *k, int hd, const struct iovec *iov, int cnt,
	union sl_sockaddr *from, bool *trunc)
{
	uint8_t *p = raw_buf(k);
	union sl_sockaddr sa;
	socklen_t salen;
	size_t ihl, len, done;
	ssize_t n;
	int i;

	if (p == NULL)
		return -ENOMEM;
	for (;;) {
		salen = sizeof(sa);
		n = recvfrom(hd, p, KERN_RAW_MAX, MSG_DONTWAIT,
			&sa.sa, &salen);
		if (n < 0)
			return neg_errno();
		ihl = (size_t)(p[0] & 0x0f) * 4;
		if (n < 20 || ihl < 20 || (size_t)n < ihl)
			continue;	/* not a sane IPv4 packet */
		/* echo replies for other sockets' ids are not ours */
		if (k->fds[hd].has_echo_id && ((size_t)n < ihl + 8 ||
		    p[ihl] != 0 ||
		    memcmp(p + ihl + 4, &k->fds[hd].echo_id, 2) != 0))
			continue;
		break;
	}
	len = (size_t)n - ihl;
	done = 0;
	for (i = 0; i < cnt && done < len; i++) {
		size_t c = iov[i].iov_len;

		if (c > len - done)
			c = len - done;
		memcpy(iov[i].iov_base, p + ihl + done, c);
		done += c;
	}
	if (from != NULL)
		*from = sa;
	if (trunc != NULL)
		*trunc = done < len;
	return (ssize_t)done;
}

/** kern_writev - sl_host_writev() on the kernel backend. */
static ssize_t
kern_writev(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	struct kern_host *k = kern_host(h);
	struct kern_fd *f = kern_fd(k, hd);
	struct msghdr msg;
	ssize_t n;

	if (f == NULL)
		return -EBADF;
	if (f->flags & KF_RAW_ICMP)
		return raw_send(k, hd, iov, cnt, NULL, 0);
	/* a stream write may be short anyway: clamp instead of EMSGSIZE */
	if (cnt > IOV_MAX)
		cnt = IOV_MAX;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = (struct iovec *)(uintptr_t)iov;
	msg.msg_iovlen = (size_t)cnt;
	n = sendmsg(hd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		n = errno == EINTR ? -EAGAIN : neg_errno();
	if (f->flags & KF_TCP)
		kern_wrote(f, iov, cnt, n);
	return n;
}

/** kern_readv - sl_host_readv() on the kernel backend. */
static ssize_t
kern_readv(struct sl_host *h, int hd, const struct iovec *iov, int cnt)
{
	struct kern_host *k = kern_host(h);
	struct kern_fd *f = kern_fd(k, hd);
	struct msghdr msg;
	ssize_t n;

	if (f == NULL)
		return -EBADF;
	if (f->flags & KF_RAW_ICMP)
		return raw_recv(k, hd, iov, cnt, NULL, NULL);
	if (cnt > IOV_MAX)
		cnt = IOV_MAX;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = (struct iovec *)(uintptr_t)iov;
	msg.msg_iovlen = (size_t)cnt;
	n = recvmsg(hd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return errno == EINTR ? -EAGAIN : neg_errno();
	return n;
}

/**
 * mmsg_fill - point @n mmsghdrs at the iovecs and addresses (or none) of
 * @msg, for sendmmsg(2) and recvmmsg(2) alike.
 */
static void
mmsg_fill(struct mmsghdr *mm, struct sl_host_msg *msg, unsigned int n,
	bool rx)
{
	unsigned int i;

	memset(mm, 0, n * sizeof(mm[0]));
	for (i = 0; i < n; i++) {
		mm[i].msg_hdr.msg_iov = msg[i].iov;
		mm[i].msg_hdr.msg_iovlen = (size_t)msg[i].iovcnt;
		if (msg[i].addr != NULL) {
			mm[i].msg_hdr.msg_name = msg[i].addr;
			/* receive: room for either family; send: the
			 * destination's own */
			mm[i].msg_hdr.msg_namelen = rx ?
				sizeof(*msg[i].addr) :
				sl_sockaddr_len(msg[i].addr);
		}
	}
}

/** Room for one IP_TTL control message. */
union kern_ttl_cmsg {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

/**
 * mmsg_ttl - give every datagram of @msg that names a TTL its IP_TTL
 * control message (IPV6_HOPLIMIT on an IPv6 socket; in @cm, one per
 * entry of @mm).
 */
static void
mmsg_ttl(struct mmsghdr *mm, union kern_ttl_cmsg *cm,
	const struct sl_host_msg *msg, unsigned int n, bool inet6)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct cmsghdr *c = &cm[i].align;
		int ttl = msg[i].ttl;

		if (ttl == 0)
			continue;
		c->cmsg_level = inet6 ? IPPROTO_IPV6 : IPPROTO_IP;
		c->cmsg_type = inet6 ? IPV6_HOPLIMIT : IP_TTL;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &ttl, sizeof(ttl));
		mm[i].msg_hdr.msg_control = cm[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(cm[i].buf);
	}
}

/**
 * kern_sendmmsg - see sl_host_sendmmsg(): one sendmmsg(2) for up to
 * SL_HOST_MMSG_MAX datagrams, each with its IP_TTL when it names one (raw
 * ICMP sockets: one send each, as the checksum is ours to compute).
 */
static int
kern_sendmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
	unsigned int n)
{
	struct kern_host *k = kern_host(h);
	struct kern_fd *f = kern_fd(k, hd);
	union kern_ttl_cmsg cm[SL_HOST_MMSG_MAX];
	struct mmsghdr mm[SL_HOST_MMSG_MAX];
	unsigned int i;
	int rc;

	if (f == NULL)
		return -EBADF;
	if (n == 0)
		return 0;
	if (f->flags & KF_RAW_ICMP) {
		for (i = 0; i < n; i++) {
			ssize_t r = raw_send(k, hd, msg[i].iov, msg[i].iovcnt,
				msg[i].addr, msg[i].ttl);

			if (r < 0)
				return i > 0 ? (int)i : (int)r;
			msg[i].len = (size_t)r;
		}
		return (int)n;
	}
	if (n > SL_HOST_MMSG_MAX)
		n = SL_HOST_MMSG_MAX;
	mmsg_fill(mm, msg, n, false);
	mmsg_ttl(mm, cm, msg, n, (f->flags & KF_INET6) != 0);
	rc = sendmmsg(hd, mm, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (rc < 0)
		return errno == EINTR ? -EAGAIN : neg_errno();
	for (i = 0; i < (unsigned int)rc; i++)
		msg[i].len = mm[i].msg_len;
	return rc;
}

/**
 * kern_recvmmsg - see sl_host_recvmmsg(): one recvmmsg(2) for up to
 * SL_HOST_MMSG_MAX datagrams (raw ICMP sockets: one receive each, to strip
 * the IP header and skip other sockets' echo replies).
 */
static int
kern_recvmmsg(struct sl_host *h, int hd, struct sl_host_msg *msg,
	unsigned int n)
{
	struct kern_host *k = kern_host(h);
	struct kern_fd *f = kern_fd(k, hd);
	struct mmsghdr mm[SL_HOST_MMSG_MAX];
	unsigned int i;
	int rc;

	if (f == NULL)
		return -EBADF;
	if (n == 0)
		return 0;
	if (f->flags & KF_RAW_ICMP) {
		for (i = 0; i < n; i++) {
			bool trunc = false;
			ssize_t r = raw_recv(k, hd, msg[i].iov, msg[i].iovcnt,
				msg[i].addr, &trunc);

			if (r < 0)
				return i > 0 ? (int)i : (int)r;
			msg[i].len = (size_t)r;
			msg[i].flags = trunc ? SL_HOST_MSG_TRUNC : 0;
		}
		return (int)n;
	}
	if (n > SL_HOST_MMSG_MAX)
		n = SL_HOST_MMSG_MAX;
	/* sources straight into the callers' addresses, checked below */
	mmsg_fill(mm, msg, n, true);
	rc = recvmmsg(hd, mm, n, MSG_DONTWAIT, NULL);
	if (rc < 0)
		return errno == EINTR ? -EAGAIN : neg_errno();
	for (i = 0; i < (unsigned int)rc; i++) {
		msg[i].len = mm[i].msg_len;
		msg[i].flags = (mm[i].msg_hdr.msg_flags & MSG_TRUNC) ?
			SL_HOST_MSG_TRUNC : 0;
		if (msg[i].addr != NULL &&
		    mm[i].msg_hdr.msg_namelen <
		    sl_sockaddr_len(msg[i].addr))
			memset(msg[i].addr, 0, sizeof(*msg[i].addr));
	}
	return rc;
}

/**
 * kern_errqueue - see sl_host_errqueue(): one recvmsg(MSG_ERRQUEUE). A raw
 * ICMP socket hears about other sockets' echoes too: reports quoting
 * another echo id are skipped. The reporter is "local" for the host's own
 * refusals and when it is one of the host's addresses.
 */
static int
kern_errqueue(struct sl_host *h, int hd, struct sl_host_dgerr *e, void *buf,
	size_t len)
{
	struct kern_host *k = kern_host(h);
	struct kern_fd *f = kern_fd(k, hd);
	int rc;

	if (f == NULL)
		return -EBADF;
	for (;;) {
		rc = sl_kern_errq_read(hd, e, buf, len);
		if (rc != 0)
			return rc;
		if (!(f->flags & KF_RAW_ICMP) || !f->has_echo_id ||
		    (e->len >= 6 &&
		    memcmp((uint8_t *)buf + 4, &f->echo_id, 2) == 0))
			break;
	}
	e->offender_local = e->origin == SL_HOST_ERR_LOCAL ||
		sl_kern_is_local(&k->local, &e->offender);
	return 0;
}

/** kern_shutdown_wr - sl_host_shutdown_wr() on the kernel backend. */
static int
kern_shutdown_wr(struct sl_host *h, int hd)
{
	if (kern_fd(kern_host(h), hd) == NULL)
		return -EBADF;
	if (shutdown(hd, SHUT_WR) < 0)
		return neg_errno();
	return 0;
}

/** kern_close - sl_host_close() on the kernel backend. */
static void
kern_close(struct sl_host *h, int hd, bool abort)
{
	struct kern_host *k = kern_host(h);
	struct kern_fd *f = kern_fd(k, hd);

	if (f == NULL)
		return;
	if (abort) {
		/* zero linger: close() discards the queue and sends RST */
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		k->calls.sockopt++;
		(void)setsockopt(hd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	f->flags = 0;
	f->cookie = 0;
	k->base.open_handles--;
	/* the last reference: this also drops it from the epoll set */
	(void)close(hd);
}

/** kern_error - sl_host_error() on the kernel backend. */
static int
kern_error(struct sl_host *h, int hd)
{
	struct kern_host *k = kern_host(h);
	struct kern_fd *f = kern_fd(k, hd);
	int err = 0;
	socklen_t len = sizeof(err);

	if (f == NULL)
		return -EBADF;
	if (f->add_err != 0)
		return f->add_err;	/* it never joined the epoll set */
	k->calls.sockopt++;
	if (getsockopt(hd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return neg_errno();
	return -err;
}

/** kern_destroy - sl_host_destroy() on the kernel backend. */
static void
kern_destroy(struct sl_host *h)
{
	struct kern_host *k = kern_host(h);
	int fd;

	/* handles should all be closed by now; do not leak the rest */
	for (fd = 0; fd < k->nfd; fd++)
		if (k->fds[fd].flags & KF_OPEN)
			kern_close(h, fd, false);
	close(k->epfd);
	free(k->fds);
	free(k->dirty);
	free(k->raw_buf);
	free(k);
}

static const struct sl_host_ops kern_ops = {
	.open = kern_open,
	.connect = kern_connect,
	.listen = kern_listen,
	.accept = kern_accept,
	.watch = kern_watch,
	.set_cookie = kern_set_cookie,
	.writev = kern_writev,
	.readv = kern_readv,
	.sendmmsg = kern_sendmmsg,
	.recvmmsg = kern_recvmmsg,
	.errqueue = kern_errqueue,
	.shutdown_wr = kern_shutdown_wr,
	.close = kern_close,
	.error = kern_error,
	.wspace = kern_wspace,
	.unsent = kern_unsent,
	.poll = kern_poll,
	.destroy = kern_destroy,
};

void
sl_host_kernel_calls(struct sl_host *h, struct sl_host_kern_calls *c)
{
	*c = kern_host(h)->calls;
}

void
sl_host_kernel_set_fd_limit(uint64_t limit)
{
	__atomic_store_n(&kern_fd_limit, limit, __ATOMIC_RELAXED);
}

struct sl_host *
sl_host_kernel_create(void)
{
	struct kern_host *k = calloc(1, sizeof(*k));
	struct rlimit rl;

	if (k == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	k->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (k->epfd < 0) {
		int e = errno;

		free(k);
		errno = e;
		return NULL;
	}
	/* nobody published the limit (tests, tools): read it once here */
	if (__atomic_load_n(&kern_fd_limit, __ATOMIC_RELAXED) == 0 &&
	    getrlimit(RLIMIT_NOFILE, &rl) == 0)
		sl_host_kernel_set_fd_limit(rl.rlim_cur == RLIM_INFINITY ?
			UINT64_MAX : (uint64_t)rl.rlim_cur);
	k->base.ops = &kern_ops;
	k->base.name = "kernel";
	k->base.open_handles = 0;
	return &k->base;
}
