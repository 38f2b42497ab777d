/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_vrx.c: the guest's frames from a net_af_packet port, read by a worker
 * through an AF_PACKET socket of its own with virtio-net headers.
 *
 * Theory of operation
 * -------------------
 * DPDK 22.11's net_af_packet reads through a TPACKET_V2 rx ring of equal
 * frames: the kernel copies each frame into the ring, the PMD copies it
 * again into an mbuf, and nothing tells it that a frame's TCP checksum was
 * left for a NIC to fill (CHECKSUM_PARTIAL): so the guest must sum every
 * byte it sends (its tx checksum offload off), sluice sums them again, and
 * a GSO frame (the guest's TSO) cannot come through at all (a ring frame
 * truncates it). A packet socket with PACKET_VNET_HDR does better: recvmmsg
 * copies each frame once, from the guest's skb straight into mbufs, and
 * the virtio-net header in front of it says what a NIC's rx flags would: a
 * partial checksum (the guest's kernel left it, the bytes never crossed a
 * wire) or a GSO frame of up to 64 KiB (one TCP segment of many MSS, as
 * after a NIC's LRO). Such frames are vouched for (RX_L4_CKSUM_NONE, as
 * the vhost library reports them, sl_net.c) and a guest keeps its
 * offloads on. A UDP GSO frame (a guest socket's UDP_SEGMENT: up to 128
 * datagrams of gso_size bytes in one frame) is cut here into its datagrams
 * (sl_vrx_udp_segment), what the guest's kernel would have sent without
 * the offload; those that do not fit the caller's array wait in the
 * socket's pending queue, in order, and go first in the next read (which
 * reads nothing new until it is empty). UFO (VIRTIO_NET_HDR_GSO_UDP: one
 * datagram to fragment) is dropped and counted: Linux no longer sends it.
 *
 * Slots. A read needs somewhere to put a frame before it knows its length,
 * so each of the socket's SL_VRX_SLOTS slots holds a chain's worth of
 * mbufs for the largest frame (SL_VRX_FRAME_MAX) and an iovec over them,
 * behind the header's: like a NIC's rx descriptors. A frame takes the
 * slot's first mbufs as its chain; only those are replaced before the
 * next read (one bulk allocation), so a small frame costs one mbuf. A read
 * asks for as many frames as the leading slots are full; with the pool
 * empty it asks for fewer, or none: the frames wait in the socket (back-
 * pressure, counted), and the socket's buffer drops what it cannot hold
 * (PACKET_STATISTICS, the port's ring drops).
 *
 * The socket takes what the PMD's sockets took: with the port's header ring
 * (sl_hdring.c) everything but the guest's SYNs and pure ACKs (the ring's
 * filter, reversed), else everything the guest sends (not sluice's own
 * output: PACKET_IGNORE_OUTGOING, the filter too). The PMD's sockets then
 * get a filter that takes nothing (sl_vrx_mute): their rx bursts stay
 * empty, and every frame is read once. A port's sockets form a fanout
 * group, as the PMD's did: flow hash across a multi-queue port's sockets
 * (steering sends frames on to their flow's worker as before), and, one
 * queue or many, the group's DEFRAG flag: the kernel reassembles the
 * guest's IPv4 fragments before they reach the sockets. Its buffer holds what the ring held (the
 * caller's @rcvbuf: TCP's ring budget is counted in ring frames), in bytes
 * of the frames' kernel memory rather than in fixed frames: a pure ACK
 * takes a few hundred bytes of it, not a 16 KiB frame.
 *
 * A VLAN tag the kernel took off a frame (into the skb, reported in the
 * message's PACKET_AUXDATA) is put back, as the PMD does, so that a tagged
 * frame is dropped by the parser (drop_ethertype) rather than taken for an
 * untagged one.
 *
 * Cost: one recvmmsg per read, also when nothing waits (the PMD's empty
 * ring costs a load); the worker reads once per iteration, more while
 * reads come full. Not through the PMD, these frames are not in its rx
 * counters and not seen by rte_pdump's rx callbacks: --afp-vnet-rx off
 * reads through the PMD again (sl_port.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf_ptype.h>
#include <rte_net.h>
#include <rte_udp.h>

#include "sl_hdring.h"
#include "sl_vrx.h"

/* mbufs a slot may hold: SL_VRX_FRAME_MAX in 1 KiB mbufs at worst */
#define VRX_SEGS_MAX	66
/* datagrams a read's UDP GSO frames may leave for the next reads: all of a
 * full read's frames at the most segments each */
#define VRX_PEND	(SL_VRX_SLOTS * SL_VRX_UDP_SEGS)
/* control bytes of a read's message: its PACKET_AUXDATA (CMSG_SPACE of a
 * tpacket_auxdata, 40 bytes on Linux; checked in sl_vrx_open, since
 * CMSG_SPACE is no constant expression for every compiler) */
#define VRX_CTL		64u
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4	5
#endif

struct vrx_slot {
	struct virtio_net_hdr vh;
	uint16_t taken;				/* seg[0, taken) are NULL */
	union {					/* PACKET_AUXDATA */
		uint64_t align;			/* a cmsghdr's (no member: its
						 * flexible array) */
		uint8_t b[VRX_CTL];
	} ctl;
	struct rte_mbuf *seg[VRX_SEGS_MAX];	/* NULL: taken, to refill */
	struct iovec iov[1 + VRX_SEGS_MAX];
};

struct sl_vrx {
	int fd;
	uint16_t port_id;
	uint16_t nb_segs;		/**< mbufs per slot */
	uint32_t seg_room;		/**< bytes each of them takes */
	struct rte_mempool *mp;
	struct rte_mempool *seg_mp;	/**< UDP GSO datagrams that fit */
	uint32_t pend_head;		/**< first of pend[] waiting */
	uint32_t pend_n;		/**< datagrams waiting */
	struct vrx_slot slot[SL_VRX_SLOTS];
	struct mmsghdr msg[SL_VRX_SLOTS];
	struct rte_mbuf *pend[VRX_PEND];
};

uint32_t
sl_vrx_slot_mbufs(uint32_t seg_room)
{
	if (seg_room == 0)
		return 0;
	return SL_VRX_SLOTS * ((SL_VRX_FRAME_MAX + seg_room - 1) / seg_room);
}

int
sl_vrx_fd(const struct sl_vrx *v)
{
	return v->fd;
}

int
sl_vrx_mute(const int *fds, unsigned int n)
{
	struct sock_filter none[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = none };
	unsigned int i;

	for (i = 0; i < n; i++)
		if (setsockopt(fds[i], SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		    sizeof(prog)) != 0)
			return -errno;
	return 0;
}

/**
 * vrx_fanout_id - the fanout group of @ifindex's queue sockets in this
 * process (the PMD's group mixes the process id and the interface too, in
 * its own way: a collision is refused, EINVAL, and logged by the caller).
 */
static uint16_t
vrx_fanout_id(int ifindex)
{
	return (uint16_t)(((unsigned int)getpid() * 31u) ^
		((unsigned int)ifindex << 4) ^ 0x5e1u);
}

/**
 * vrx_socket - open, filter, bind and join the port's fanout group.
 * Return: 0 or -errno; @what names the step that failed.
 */
static int
vrx_socket(struct sl_vrx *v, int ifindex, uint32_t rcvbuf, bool take_headers,
	const char **what)
{
	int fo = vrx_fanout_id(ifindex) | ((PACKET_FANOUT_HASH |
		PACKET_FANOUT_FLAG_DEFRAG) << 16);
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	/* not sluice's own output (kernels without PACKET_IGNORE_OUTGOING) */
	struct sock_filter rx_only[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, UINT32_MAX),
	};
	struct sock_fprog prog = { .len = RTE_DIM(rx_only), .filter = rx_only };
	int one = 1, buf = (int)RTE_MIN(rcvbuf, (uint32_t)INT32_MAX / 2);

	*what = "socket";
	v->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (v->fd < 0)
		return -errno;
	/* filtered before it is bound: no frame reaches it unfiltered */
	*what = "filter";
	if (!take_headers) {
		int rc = sl_hdring_attach_filter(v->fd, false);

		if (rc != 0)
			return rc;
	} else if (setsockopt(v->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) != 0) {
		return -errno;
	}
	(void)setsockopt(v->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		sizeof(one));
	*what = "PACKET_VNET_HDR";
	if (setsockopt(v->fd, SOL_PACKET, PACKET_VNET_HDR, &one,
	    sizeof(one)) != 0)
		return -errno;
	/* a VLAN tag the kernel took off the frame comes in the auxdata */
	*what = "PACKET_AUXDATA";
	if (setsockopt(v->fd, SOL_PACKET, PACKET_AUXDATA, &one,
	    sizeof(one)) != 0)
		return -errno;
	/* as root the buffer may exceed rmem_max; else what the limit gives */
	if (setsockopt(v->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf,
	    sizeof(buf)) != 0)
		(void)setsockopt(v->fd, SOL_SOCKET, SO_RCVBUF, &buf,
			sizeof(buf));
	*what = "bind";
	if (bind(v->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		return -errno;
	/* also with one queue: the group's DEFRAG flag has the kernel
	 * reassemble the guest's IPv4 fragments first, as the PMD's group
	 * did (a 60000-byte datagram at MTU 1500 is 41 fragments, more than
	 * sluice's reassembly takes, RTE_LIBRTE_IP_FRAG_MAX_FRAG) */
	*what = "PACKET_FANOUT";
	if (setsockopt(v->fd, SOL_PACKET, PACKET_FANOUT, &fo, sizeof(fo)) != 0)
		return -errno;
	return 0;
}

/**
 * vrx_fill - give slots [0, @want) all their mbufs (one bulk allocation for
 * the ones taken), iovecs pointing at them. Return: the slots full, from
 * the first (fewer than @want when the pool ran short).
 */
static uint16_t
vrx_fill(struct sl_vrx *v, uint16_t want)
{
	struct rte_mbuf *fresh[SL_VRX_SLOTS * VRX_SEGS_MAX];
	unsigned int need = 0, used = 0, s, i;

	/* a frame takes its slot's first mbufs (vrx_take): a prefix */
	for (s = 0; s < want; s++)
		need += v->slot[s].taken;
	if (need == 0)
		return want;
	while (rte_pktmbuf_alloc_bulk(v->mp, fresh, need) != 0) {
		/* short: fill as many leading slots as the pool allows */
		if (want == 0)
			return 0;
		want--;
		need -= v->slot[want].taken;
		if (need == 0)
			return want;
	}
	for (s = 0; s < want; s++) {
		struct vrx_slot *sl = &v->slot[s];

		for (i = 0; i < sl->taken; i++) {
			struct rte_mbuf *m = fresh[used++];

			sl->seg[i] = m;
			sl->iov[1 + i].iov_base = rte_pktmbuf_mtod(m, void *);
			sl->iov[1 + i].iov_len = v->seg_room;
		}
		sl->taken = 0;
	}
	return want;
}

bool
sl_vrx_offload(const struct virtio_net_hdr *h, struct rte_mbuf *m)
{
	uint8_t gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	m->ol_flags = 0;
	if (gso != VIRTIO_NET_HDR_GSO_NONE) {
		if (gso != VIRTIO_NET_HDR_GSO_TCPV4 &&
		    gso != VIRTIO_NET_HDR_GSO_TCPV6)
			return false;
		m->ol_flags = RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_NONE;
		m->tso_segsz = h->gso_size;
		return true;
	}
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE;
	else if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID)
		m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	return true;
}

/**
 * vrx_vlan - put back into frame @m the VLAN tag the kernel took off it
 * (reported in @mh's PACKET_AUXDATA), as the PMD does: the frame reaches
 * the parser as the guest sent it, and a tagged frame is dropped there
 * (drop_ethertype) instead of passing for an untagged one.
 */
static void
vrx_vlan(struct msghdr *mh, struct rte_mbuf *m)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		struct tpacket_auxdata aux;
		uint16_t tag[2];
		uint8_t *d;

		if (c->cmsg_level != SOL_PACKET || c->cmsg_type !=
		    PACKET_AUXDATA || c->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if (!(aux.tp_status & TP_STATUS_VLAN_VALID))
			return;
		d = (uint8_t *)rte_pktmbuf_prepend(m, sizeof(tag));
		if (d == NULL)
			return;
		memmove(d, d + sizeof(tag), 2 * RTE_ETHER_ADDR_LEN);
		tag[0] = rte_cpu_to_be_16((aux.tp_status &
			TP_STATUS_VLAN_TPID_VALID) && aux.tp_vlan_tpid != 0 ?
			aux.tp_vlan_tpid : RTE_ETHER_TYPE_VLAN);
		tag[1] = rte_cpu_to_be_16(aux.tp_vlan_tci);
		memcpy(d + 2 * RTE_ETHER_ADDR_LEN, tag, sizeof(tag));
		return;
	}
}

/**
 * vrx_take - make slot @sl's first mbufs the chain of a @len-byte frame and
 * clear them from the slot. Return: the chain's head.
 */
static struct rte_mbuf *
vrx_take(struct sl_vrx *v, struct vrx_slot *sl, uint32_t len)
{
	struct rte_mbuf *head = sl->seg[0], *prev = NULL;
	uint32_t left = len;
	uint16_t i = 0;

	do {
		struct rte_mbuf *m = sl->seg[i];
		uint32_t take = RTE_MIN(left, v->seg_room);

		m->data_len = (uint16_t)take;
		m->next = NULL;
		if (prev != NULL)
			prev->next = m;
		prev = m;
		sl->seg[i++] = NULL;
		left -= take;
	} while (left > 0 && i < v->nb_segs);
	sl->taken = i;
	head->nb_segs = i;
	head->pkt_len = len;
	head->port = v->port_id;
	return head;
}

/**
 * udp_gso_hdrs - the header lengths of UDP GSO frame @m (DPDK's
 * rte_net_get_ptype), all in its first segment. Return: bytes up to the
 * UDP payload, 0 when it is no unfragmented UDP frame.
 */
static uint32_t
udp_gso_hdrs(const struct rte_mbuf *m, uint32_t *l3_off, bool *v4)
{
	struct rte_net_hdr_lens hl;
	uint32_t pt, end;

	pt = rte_net_get_ptype(m, &hl, RTE_PTYPE_L2_MASK | RTE_PTYPE_L3_MASK |
		RTE_PTYPE_L4_MASK);
	if ((pt & RTE_PTYPE_L4_MASK) != RTE_PTYPE_L4_UDP)
		return 0;
	end = (uint32_t)hl.l2_len + hl.l3_len + hl.l4_len;
	if (end > m->data_len)
		return 0;
	*l3_off = hl.l2_len;
	*v4 = RTE_ETH_IS_IPV4_HDR(pt) != 0;
	return end;
}

int
sl_vrx_udp_segment(const struct rte_mbuf *m, const struct virtio_net_hdr *h,
	struct rte_mempool *mp, struct rte_mbuf **out)
{
	uint32_t l3, hl, pay, seg = h->gso_size, nseg, i, off;
	uint16_t id = 0;
	bool v4 = false;

	hl = udp_gso_hdrs(m, &l3, &v4);
	if (hl == 0 || seg == 0 || m->pkt_len <= hl)
		return -1;
	pay = m->pkt_len - hl;
	nseg = (pay + seg - 1) / seg;
	if (nseg > SL_VRX_UDP_SEGS || hl + seg + RTE_PKTMBUF_HEADROOM >
	    rte_pktmbuf_data_room_size(mp) ||
	    rte_pktmbuf_alloc_bulk(mp, out, nseg) != 0)
		return -1;
	if (v4)
		id = rte_be_to_cpu_16(rte_pktmbuf_mtod_offset(m,
			const struct rte_ipv4_hdr *, l3)->packet_id);
	for (i = 0, off = hl; i < nseg; i++, off += seg) {
		struct rte_mbuf *s = out[i];
		uint32_t take = RTE_MIN(seg, m->pkt_len - off);
		uint8_t *d = rte_pktmbuf_mtod(s, uint8_t *);
		const void *p;
		struct rte_udp_hdr *uh;

		memcpy(d, rte_pktmbuf_mtod(m, const void *), hl);
		p = rte_pktmbuf_read(m, off, take, d + hl);
		if (p != d + hl)
			memcpy(d + hl, p, take);
		s->data_len = (uint16_t)(hl + take);
		s->pkt_len = hl + take;
		s->port = m->port;
		s->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE;
		uh = (struct rte_udp_hdr *)(d + hl - sizeof(*uh));
		uh->dgram_len = rte_cpu_to_be_16((uint16_t)(take + sizeof(*uh)));
		if (v4) {
			struct rte_ipv4_hdr *ip = (void *)(d + l3);

			ip->total_length = rte_cpu_to_be_16((uint16_t)(hl - l3 +
				take));
			ip->packet_id = rte_cpu_to_be_16((uint16_t)(id + i));
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		} else {
			struct rte_ipv6_hdr *ip = (void *)(d + l3);

			ip->payload_len = rte_cpu_to_be_16((uint16_t)(hl - l3 -
				sizeof(*ip) + take));
		}
	}
	return (int)nseg;
}

/**
 * vrx_out - hand frame @m to the caller's @pkts while it has room and
 * nothing waits before it, else queue it in order (pend).
 */
static inline void
vrx_out(struct sl_vrx *v, struct rte_mbuf *m, struct rte_mbuf **pkts,
	uint16_t max, uint16_t *n)
{
	if (v->pend_n == 0 && *n < max)
		pkts[(*n)++] = m;
	else
		v->pend[(v->pend_head + v->pend_n++) % VRX_PEND] = m;
}

/**
 * vrx_udp_gso - cut UDP GSO frame @m (slot header @h) into its datagrams
 * and hand them on (vrx_out); @m is freed. Return: false when it could
 * not be cut (dropped).
 */
static bool
vrx_udp_gso(struct sl_vrx *v, struct rte_mbuf *m, const struct virtio_net_hdr *h,
	struct rte_mbuf **pkts, uint16_t max, uint16_t *n)
{
	struct rte_mbuf *seg[SL_VRX_UDP_SEGS];
	int k, i;

	k = sl_vrx_udp_segment(m, h, v->seg_mp, seg);
	if (k < 0 && v->seg_mp != v->mp)
		k = sl_vrx_udp_segment(m, h, v->mp, seg);
	rte_pktmbuf_free(m);
	for (i = 0; i < k; i++)
		vrx_out(v, seg[i], pkts, max, n);
	return k >= 0;
}

uint16_t
sl_vrx_rx(struct sl_vrx *v, struct rte_mbuf **pkts, uint16_t max,
	struct sl_vrx_stats *st)
{
	uint16_t ask, n = 0;
	int got, k;

	/* datagrams of earlier UDP GSO frames first, in order */
	while (v->pend_n > 0 && n < max) {
		pkts[n++] = v->pend[v->pend_head];
		v->pend_head = (v->pend_head + 1) % VRX_PEND;
		v->pend_n--;
	}
	if (v->pend_n > 0 || n == max)
		return n;
	ask = vrx_fill(v, RTE_MIN((uint16_t)(max - n), (uint16_t)SL_VRX_SLOTS));
	if (ask < RTE_MIN((uint16_t)(max - n), (uint16_t)SL_VRX_SLOTS))
		st->nombuf++;
	if (ask == 0)
		return n;
	for (k = 0; k < ask; k++) {
		v->msg[k].msg_hdr.msg_flags = 0;
		v->msg[k].msg_hdr.msg_controllen = sizeof(v->slot[k].ctl);
		v->msg[k].msg_len = 0;
	}
	got = recvmmsg(v->fd, v->msg, ask, MSG_DONTWAIT, NULL);
	for (k = 0; k < got; k++) {
		struct vrx_slot *sl = &v->slot[k];
		uint32_t len = v->msg[k].msg_len;
		struct rte_mbuf *m;

		if (v->msg[k].msg_hdr.msg_flags & MSG_TRUNC) {
			st->too_big++;
			continue;	/* the slot's mbufs stay */
		}
		if (len < sizeof(sl->vh) + RTE_ETHER_HDR_LEN) {
			st->bad++;
			continue;
		}
		m = vrx_take(v, sl, len - (uint32_t)sizeof(sl->vh));
		vrx_vlan(&v->msg[k].msg_hdr, m);
		if ((sl->vh.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) ==
		    VIRTIO_NET_HDR_GSO_UDP_L4) {
			if (vrx_udp_gso(v, m, &sl->vh, pkts, max, &n))
				st->gso++;
			else
				st->bad++;
			continue;
		}
		if (!sl_vrx_offload(&sl->vh, m)) {
			st->bad++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (m->ol_flags & RTE_MBUF_F_RX_LRO)
			st->gso++;
		vrx_out(v, m, pkts, max, &n);
	}
	return n;
}

struct sl_vrx *
sl_vrx_open(int ifindex, uint16_t port_id, struct rte_mempool *mp,
	struct rte_mempool *seg_mp, uint32_t rcvbuf, bool take_headers,
	char *err, size_t errlen)
{
	struct sl_vrx *v;
	const char *what = "memory";
	uint32_t room;
	unsigned int s;
	int rc = -ENOMEM;

	if (CMSG_SPACE(sizeof(struct tpacket_auxdata)) > VRX_CTL) {
		snprintf(err, errlen, "auxdata larger than %u bytes", VRX_CTL);
		return NULL;
	}
	room = rte_pktmbuf_data_room_size(mp);
	room = room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
	if (room < 1024) {
		snprintf(err, errlen, "mbufs of %u bytes", room);
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		goto fail;
	v->fd = -1;
	v->port_id = port_id;
	v->mp = mp;
	v->seg_mp = seg_mp != NULL ? seg_mp : mp;
	v->seg_room = room;
	v->nb_segs = (uint16_t)((SL_VRX_FRAME_MAX + room - 1) / room);
	for (s = 0; s < SL_VRX_SLOTS; s++) {
		struct vrx_slot *sl = &v->slot[s];

		sl->iov[0].iov_base = &sl->vh;
		sl->iov[0].iov_len = sizeof(sl->vh);
		sl->taken = v->nb_segs;		/* all to fill */
		v->msg[s].msg_hdr.msg_iov = sl->iov;
		v->msg[s].msg_hdr.msg_control = &sl->ctl;
		v->msg[s].msg_hdr.msg_iovlen = 1u + v->nb_segs;
	}
	rc = vrx_socket(v, ifindex, rcvbuf, take_headers, &what);
	if (rc == 0)
		return v;
fail:
	snprintf(err, errlen, "%s: %s", what, strerror(-rc));
	sl_vrx_close(v);
	return NULL;
}

void
sl_vrx_close(struct sl_vrx *v)
{
	unsigned int s, i;

	if (v == NULL)
		return;
	if (v->fd >= 0)
		close(v->fd);
	for (s = 0; s < SL_VRX_SLOTS; s++)
		for (i = 0; i < v->nb_segs; i++)
			if (v->slot[s].seg[i] != NULL)
				rte_pktmbuf_free_seg(v->slot[s].seg[i]);
	for (; v->pend_n > 0; v->pend_n--) {
		rte_pktmbuf_free(v->pend[v->pend_head]);
		v->pend_head = (v->pend_head + 1) % VRX_PEND;
	}
	free(v);
}
