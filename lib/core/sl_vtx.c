/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_vtx.c: the frames a worker sends to a net_af_packet port's guest,
 * through an AF_PACKET socket of its own with virtio-net headers.
 *
 * Theory of operation
 * -------------------
 * DPDK 22.11's net_af_packet sends through a TPACKET_V2 tx ring: each frame
 * is copied into the ring, the kernel builds an skb on the ring's pages,
 * and a veth copies those pages again when the frame crosses into the
 * guest's namespace (skb_copy_ubufs). The PMD has no checksum offload, so
 * sluice also sums every byte it sends, and the guest's kernel sums them
 * once more on receipt. A packet socket with PACKET_VNET_HDR does better:
 * sendmmsg copies each frame once, from the mbufs, and the virtio-net
 * header in front of it carries what a NIC's offload flags would. A TCP
 * frame with a partial checksum (NEEDS_CSUM) reaches the guest as
 * CHECKSUM_PARTIAL, which its stack accepts without summing (it came from
 * this kernel's memory, not from a wire); a frame of up to 64 KiB with a
 * GSO type reaches it as one GSO skb, which its TCP takes in one piece
 * (GRO's result without GRO's work). So on a port with this socket the
 * worker's tx offloads are TCP checksum and TSO for both families, as on
 * a vhost-user port whose guest negotiated them (sl_offload.c), and its tx
 * burst is sl_vtx_send instead of the PMD's: one sendmmsg per burst (a
 * burst's frames and segments fit one call's arrays), like the PMD's one
 * sendto.
 *
 * The socket binds to the interface with protocol 0 (it receives nothing)
 * and bypasses the qdisc (PACKET_QDISC_BYPASS, as the PMD does), so its
 * frames are not looped back to the port's own packet sockets. Past the
 * qdisc the kernel drops a GSO frame that the interface would have to cut
 * in software (__dev_direct_xmit), so TSO is offered only where the
 * interface does TCP segmentation itself (ETHTOOL_GTSO: a veth does, unless
 * turned off). A full socket buffer (EAGAIN) or a full queue behind the
 * interface (ENOBUFS: a veth's peer backlog) ends a burst: the rest waits
 * in the worker's tx backlog, in order, as with a full tx ring. A frame the
 * kernel refuses (a malformed header: EINVAL, EMSGSIZE; the link down:
 * ENETDOWN), or still drops after VTX_STUCK_MAX tries in a row, is dropped
 * and counted, as a NIC drops what it cannot send; it would otherwise
 * block the backlog for ever.
 *
 * Not through the PMD, these frames are not in its tx counters and not
 * seen by rte_pdump's tx callbacks: --afp-vnet-tx off sends through the
 * PMD again (sl_port.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rte_ip.h>

#include "sl_vtx.h"

/* frames and iovecs of one sendmmsg: a tx burst of 64 KiB TSO frames in
 * chains of 2 KiB mbufs (34 iovecs each, the header's included) */
#define VTX_BURST	64
#define VTX_IOV		(VTX_BURST * 40)
/* socket buffer: a burst of 64 KiB frames in flight to the guest */
#define VTX_SNDBUF	(8 << 20)
/* tries in a row after which a frame the kernel drops (ENOBUFS) is given up */
#define VTX_STUCK_MAX	64

struct sl_vtx {
	int fd;
	bool tso;			/**< the interface segments TCP */
	const struct rte_mbuf *stuck;	/**< first frame of the last ENOBUFS */
	unsigned int stuck_n;		/**< its tries in a row */
};

/**
 * vtx_if_tso - whether interface @ifindex segments TCP itself (ETHTOOL_GTSO
 * through socket @fd); false when it cannot tell.
 */
static bool
vtx_if_tso(int fd, int ifindex)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GTSO };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (if_indextoname((unsigned int)ifindex, ifr.ifr_name) == NULL)
		return false;
	ifr.ifr_data = (void *)&ev;
	return ioctl(fd, SIOCETHTOOL, &ifr) == 0 && ev.data != 0;
}

bool
sl_vtx_tso(const struct sl_vtx *v)
{
	return v->tso;
}

struct sl_vtx *
sl_vtx_open(int ifindex, char *err, size_t errlen)
{
	struct sockaddr_ll sll;
	struct sl_vtx *v;
	const char *what = "socket";
	int one = 1, buf = VTX_SNDBUF;

	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		snprintf(err, errlen, "no memory");
		return NULL;
	}
	v->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (v->fd < 0)
		goto fail;
	what = "PACKET_VNET_HDR";
	if (setsockopt(v->fd, SOL_PACKET, PACKET_VNET_HDR, &one,
	    sizeof(one)) != 0)
		goto fail;
	what = "PACKET_QDISC_BYPASS";
	if (setsockopt(v->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one)) != 0)
		goto fail;
	/* as root the buffer may exceed wmem_max; else what the limit
	 * gives */
	if (setsockopt(v->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf,
	    sizeof(buf)) != 0)
		(void)setsockopt(v->fd, SOL_SOCKET, SO_SNDBUF, &buf,
			sizeof(buf));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = 0;		/* send only */
	sll.sll_ifindex = ifindex;
	what = "bind";
	if (bind(v->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		goto fail;
	v->tso = vtx_if_tso(v->fd, ifindex);
	return v;
fail:
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	sl_vtx_close(v);
	return NULL;
}

void
sl_vtx_close(struct sl_vtx *v)
{
	if (v == NULL)
		return;
	if (v->fd >= 0)
		close(v->fd);
	free(v);
}

void
sl_vtx_hdr(struct rte_mbuf *m, struct virtio_net_hdr *h)
{
	uint64_t fl = m->ol_flags;

	memset(h, 0, sizeof(*h));
	if ((fl & RTE_MBUF_F_TX_IP_CKSUM) && (fl & RTE_MBUF_F_TX_IPV4)) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, m->l2_len);

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if ((fl & RTE_MBUF_F_TX_L4_MASK) != RTE_MBUF_F_TX_TCP_CKSUM)
		return;		/* complete as it is */
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = rte_cpu_to_le_16((uint16_t)(m->l2_len + m->l3_len));
	h->csum_offset = rte_cpu_to_le_16(16);	/* struct rte_tcp_hdr cksum */
	if (!(fl & RTE_MBUF_F_TX_TCP_SEG) || m->tso_segsz == 0)
		return;
	h->gso_type = (fl & RTE_MBUF_F_TX_IPV6) ? VIRTIO_NET_HDR_GSO_TCPV6 :
		VIRTIO_NET_HDR_GSO_TCPV4;
	h->gso_size = rte_cpu_to_le_16(m->tso_segsz);
	h->hdr_len = rte_cpu_to_le_16((uint16_t)(m->l2_len + m->l3_len +
		m->l4_len));
}

/**
 * vtx_batch - lay out frames @m[0..n) as messages (a header, then each
 * segment) until the messages or the iovecs run out.
 * Return: frames laid out; a first frame of more segments than VTX_IOV
 * holds is not laid out (0 with *@too_long set).
 */
static unsigned int
vtx_batch(struct rte_mbuf **m, unsigned int n, struct mmsghdr *msg,
	struct iovec *iov, struct virtio_net_hdr *hdr, bool *too_long)
{
	unsigned int i, k = 0;

	*too_long = false;
	for (i = 0; i < n && i < VTX_BURST; i++) {
		const struct rte_mbuf *s;

		if (k + 1 + m[i]->nb_segs > VTX_IOV) {
			*too_long = i == 0;
			break;
		}
		sl_vtx_hdr(m[i], &hdr[i]);
		memset(&msg[i], 0, sizeof(msg[i]));
		msg[i].msg_hdr.msg_iov = &iov[k];
		iov[k].iov_base = &hdr[i];
		iov[k].iov_len = sizeof(hdr[i]);
		k++;
		for (s = m[i]; s != NULL; s = s->next) {
			iov[k].iov_base = rte_pktmbuf_mtod(s, void *);
			iov[k].iov_len = s->data_len;
			k++;
		}
		msg[i].msg_hdr.msg_iovlen = (size_t)(&iov[k] -
			msg[i].msg_hdr.msg_iov);
	}
	return i;
}

uint16_t
sl_vtx_send(struct sl_vtx *v, struct rte_mbuf **m, uint16_t n, uint64_t *bad)
{
	struct mmsghdr msg[VTX_BURST];
	struct iovec iov[VTX_IOV];
	struct virtio_net_hdr hdr[VTX_BURST];
	unsigned int done = 0;

	while (done < n) {
		bool too_long;
		unsigned int k = vtx_batch(m + done, n - done, msg, iov, hdr,
			&too_long);
		int r;

		if (k == 0) {
			if (!too_long)
				break;
			rte_pktmbuf_free(m[done++]);
			(*bad)++;
			continue;
		}
		r = sendmmsg(v->fd, msg, k, MSG_DONTWAIT);
		if (r > 0) {
			rte_pktmbuf_free_bulk(m + done, (unsigned int)r);
			done += (unsigned int)r;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;	/* full: the rest waits, in order */
		if (errno == ENOBUFS) {
			/* dropped behind the interface: a full queue, tried
			 * again; the same frame over and over, given up */
			if (v->stuck != m[done]) {
				v->stuck = m[done];
				v->stuck_n = 0;
			}
			if (++v->stuck_n < VTX_STUCK_MAX)
				break;
		}
		/* the kernel refuses the first frame: drop it */
		v->stuck = NULL;
		rte_pktmbuf_free(m[done++]);
		(*bad)++;
	}
	return (uint16_t)done;
}
