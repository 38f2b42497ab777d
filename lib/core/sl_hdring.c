/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_hdring.c: the header ring of a net_af_packet port.
 *
 * Theory of operation: the PMD (DPDK 22.11) reads the guest's frames from a
 * TPACKET_V2 ring of equal frames, each as large as the largest frame the
 * guest may send (16 KiB in the recommended set-up), and the kernel drops
 * what finds no free frame. TCP's ring budget (sl_tcp_ring.c) keeps the
 * guest's data within half that ring, but segments without payload are
 * governed by no window: a guest opening a thousand connections sends a
 * thousand SYNs within milliseconds, then as many ACKs completing the
 * handshakes, and a worker off its CPU for a few milliseconds finds the
 * ring overflowed; each lost SYN costs the guest a second, each lost ACK a
 * timeout. The header ring is a second AF_PACKET socket on the same
 * interface with a ring of SL_HDRING_FRAMES small frames (256 bytes, 1 MiB
 * in all: as much memory as 64 large frames, sixteen times their number)
 * that takes exactly those segments: TCP over IPv4 (not a fragment) or
 * IPv6 (TCP as the first header) whose IP length ends with the TCP header
 * (no payload) and whose flags are SYN alone or ACK alone (PSH, ECE, CWR
 * may come with them), received (not sluice's own output) without a VLAN
 * tag. The same classic BPF program, with its two results swapped, is
 * attached to the PMD's sockets, so every frame lands in exactly one of the
 * rings; a malformed frame the program cannot read goes to the PMD's ring,
 * where the parser counts it.
 * Order: the worker of queue 0 reads the header ring before its port's rx
 * burst (SL_HDR_BURSTS bursts at most per iteration, as many ACKs as a tx
 * burst of data draws; on a steering port SL_BURST / 2, which its steering
 * sends on to their flow's worker; sl_worker.c). A pure ACK can thus
 * be processed before data the guest sent ahead of it: RFC 9293 allows it
 * (its ACK field is taken, the SND.WL1/WL2 rule keeps a stale window out,
 * a zero-length segment in the window adds nothing to reassembly), and a
 * SYN has nothing of its connection ahead of it. FINs and RSTs, which do
 * depend on order, stay in the PMD's ring.
 * Cost: one load of the next frame's status word per iteration when
 * nothing waits; a frame read is copied into an mbuf (the PMD copies its
 * own frames too), mbufs allocated in bulk per read.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <rte_common.h>

#include "sl_hdring.h"
#include "sl_vrx.h"

#define HDR_FRAME	256u	/* bytes per ring frame (16 per page) */
#define HDR_BLOCK	4096u	/* bytes per ring block */

struct sl_hdring {
	int fd;
	uint16_t port_id;
	uint32_t head;			/**< next frame to read */
	uint32_t frames;
	uint8_t *map;
	size_t map_len;
	int pmd_fds[16];		/**< filtered PMD sockets */
	unsigned int nb_pmd_fds;
	bool vnet;			/**< virtio-net header before frames */
};

/* the program's labels (instruction indexes) */
enum {
	P_V6 = 31, P_FLAGS = 43, P_MATCH = 46, P_NO = 47, P_LEN
};
/* relative jump from instruction @at to @to */
#define J(to, at)	((uint8_t)((to) - (at) - 1))
#define LD(k)		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (k))
#define LDH(k)		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, (k))
#define LDB(k)		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (k))
#define LDLEN		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0)
#define LDX_IHL		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14)

/**
 * hdr_program - fill @f with the classifier: it returns @match for a
 * frame the header ring takes (see the theory of operation), @other for
 * every other frame.
 */
static void
hdr_program(struct sock_filter f[P_LEN], uint32_t match, uint32_t other)
{
	const struct sock_filter prog[P_LEN] = {
		/* an Ethernet header at least (else the PMD's ring) */
		/* 0 */ LDLEN,
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 14, 0, J(P_NO, 1)),
		/* 2 */ LD(SKF_AD_OFF + SKF_AD_PKTTYPE),
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING,
				J(P_NO, 3), 0),
		/* 4 */ LD(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT),
		/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, J(P_NO, 5)),
		/* 6 */ LDH(12),
		/* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0,
				J(P_V6, 7)),
		/* IPv4: 14 + 20 + 20 bytes at least, TCP, not a fragment */
		/* 8 */ LDLEN,
		/* 9 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 54, 0, J(P_NO, 9)),
		/* 10 */ LDB(23),
		/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0,
				J(P_NO, 11)),
		/* 12 */ LDH(20),
		/* 13 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff,
				J(P_NO, 13), 0),
		/* the frame holds the TCP header's first 14 bytes */
		/* 14 */ LDX_IHL,
		/* 15 */ BPF_STMT(BPF_MISC | BPF_TXA, 0),
		/* 16 */ BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 28),
		/* 17 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
		/* 18 */ LDLEN,
		/* 19 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, J(P_NO, 19)),
		/* IP total length == IP header + TCP header: no payload */
		/* 20 */ LDX_IHL,
		/* 21 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, 14 + 12),
		/* 22 */ BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 2),
		/* 23 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x3c),
		/* 24 */ BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		/* 25 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
		/* 26 */ LDH(16),
		/* 27 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, J(P_NO, 27)),
		/* 28 */ LDX_IHL,
		/* 29 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, 14 + 13),
		/* 30 */ BPF_STMT(BPF_JMP | BPF_JA, P_FLAGS - 30 - 1),
		/* IPv6: TCP as the first header, 14 + 40 + 20 bytes at least */
		/* 31 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0,
				J(P_NO, 31)),
		/* 32 */ LDLEN,
		/* 33 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 74, 0, J(P_NO, 33)),
		/* 34 */ LDB(20),
		/* 35 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0,
				J(P_NO, 35)),
		/* payload length == TCP header */
		/* 36 */ LDB(14 + 40 + 12),
		/* 37 */ BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 2),
		/* 38 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x3c),
		/* 39 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
		/* 40 */ LDH(18),
		/* 41 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, J(P_NO, 41)),
		/* 42 */ LDB(14 + 40 + 13),
		/* flags (FIN, SYN, RST, ACK): SYN alone or ACK alone */
		/* 43 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x17),
		/* 44 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x02,
				J(P_MATCH, 44), 0),
		/* 45 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x10,
				J(P_MATCH, 45), J(P_NO, 45)),
		/* 46 */ BPF_STMT(BPF_RET | BPF_K, 0),
		/* 47 */ BPF_STMT(BPF_RET | BPF_K, 0),
	};

	memcpy(f, prog, sizeof(prog));
	f[P_MATCH].k = match;
	f[P_NO].k = other;
}

int
sl_hdring_attach_filter(int fd, bool take)
{
	struct sock_filter f[P_LEN];
	struct sock_fprog prog = { .len = P_LEN, .filter = f };

	hdr_program(f, take ? HDR_FRAME : 0, take ? 0 : UINT32_MAX);
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) != 0)
		return -errno;
	return 0;
}

/**
 * hdr_socket - the ring's socket, filter attached before it is bound (no
 * frame reaches it unfiltered), its ring mapped. Return: 0 or -errno.
 */
static int
hdr_socket(struct sl_hdring *r, int ifindex, const char **what)
{
	struct tpacket_req req = {
		.tp_block_size = HDR_BLOCK,
		.tp_block_nr = SL_HDRING_FRAMES * HDR_FRAME / HDR_BLOCK,
		.tp_frame_size = HDR_FRAME,
		.tp_frame_nr = SL_HDRING_FRAMES,
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int v = TPACKET_V2, one = 1, rc;

	*what = "socket";
	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd < 0)
		return -errno;
	*what = "filter";
	rc = sl_hdring_attach_filter(r->fd, true);
	if (rc != 0)
		return rc;
	/* sluice's own output is not for it (the filter checks too, for
	 * kernels without this option) */
	(void)setsockopt(r->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		sizeof(one));
	/* the header lies before each frame's Ethernet header */
	*what = "PACKET_VNET_HDR";
	if (r->vnet && setsockopt(r->fd, SOL_PACKET, PACKET_VNET_HDR, &one,
	    sizeof(one)) != 0)
		return -errno;
	*what = "ring";
	if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) != 0 ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req,
	    sizeof(req)) != 0)
		return -errno;
	r->frames = req.tp_frame_nr;
	r->map_len = (size_t)req.tp_block_nr * req.tp_block_size;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		r->fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -errno;
	}
	*what = "bind";
	if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		return -errno;
	return 0;
}

struct sl_hdring *
sl_hdring_open(int ifindex, uint16_t port_id, const int *pmd_fds,
	unsigned int nb_pmd_fds, bool vnet, char *err, size_t errlen)
{
	struct sl_hdring *r;
	const char *what = "memory";
	unsigned int i;
	int rc = -ENOMEM;

	if (nb_pmd_fds == 0 || nb_pmd_fds > RTE_DIM(r->pmd_fds)) {
		snprintf(err, errlen, "%u PMD sockets", nb_pmd_fds);
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		goto fail;
	r->port_id = port_id;
	r->fd = -1;
	r->vnet = vnet;
	rc = hdr_socket(r, ifindex, &what);
	/* from here on the frames it takes reach both rings until the
	 * PMD's sockets refuse them: a duplicate SYN or ACK is harmless */
	for (i = 0; rc == 0 && i < nb_pmd_fds; i++) {
		what = "PMD socket filter";
		rc = sl_hdring_attach_filter(pmd_fds[i], false);
		if (rc == 0)
			r->pmd_fds[r->nb_pmd_fds++] = pmd_fds[i];
	}
	if (rc == 0)
		return r;
fail:
	snprintf(err, errlen, "%s: %s", what, strerror(-rc));
	sl_hdring_close(r);
	return NULL;
}

int
sl_hdring_fd(const struct sl_hdring *r)
{
	return r->fd;
}

/** hdr_frame - frame @i of the ring. */
static inline struct tpacket2_hdr *
hdr_frame(const struct sl_hdring *r, uint32_t i)
{
	return (struct tpacket2_hdr *)(r->map + (size_t)i * HDR_FRAME);
}

/**
 * hdr_vnet - @m's rx flags from the virtio-net header before frame @fh (a
 * ring with headers; else none). Return: false for a header sluice does
 * not take (the frame is skipped).
 */
static inline bool
hdr_vnet(const struct sl_hdring *r, const struct tpacket2_hdr *fh,
	struct rte_mbuf *m)
{
	struct virtio_net_hdr vh;

	if (!r->vnet)
		return true;
	if (fh->tp_mac < sizeof(*fh) + sizeof(vh))
		return false;
	memcpy(&vh, (const uint8_t *)fh + fh->tp_mac - sizeof(vh), sizeof(vh));
	return sl_vrx_offload(&vh, m);
}

uint16_t
sl_hdring_rx(struct sl_hdring *r, struct rte_mempool *mp,
	struct rte_mbuf **pkts, uint16_t max, uint64_t *skipped)
{
	uint32_t h = r->head;
	uint16_t ready = 0, n = 0, i;

	/* the frames the kernel has handed over, in order */
	while (ready < max && (__atomic_load_n(&hdr_frame(r, h)->tp_status,
	    __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0) {
		ready++;
		h = h + 1 == r->frames ? 0 : h + 1;
	}
	if (ready == 0 || rte_pktmbuf_alloc_bulk(mp, pkts, ready) != 0)
		return 0;	/* no mbufs: they wait in the ring */
	for (i = 0; i < ready; i++) {
		struct tpacket2_hdr *fh = hdr_frame(r, r->head);
		struct rte_mbuf *m = pkts[n];
		uint32_t len = fh->tp_snaplen;

		if (len == fh->tp_len && len <= rte_pktmbuf_tailroom(m) &&
		    fh->tp_mac + len <= HDR_FRAME && hdr_vnet(r, fh, m)) {
			memcpy(rte_pktmbuf_mtod(m, void *),
				(uint8_t *)fh + fh->tp_mac, len);
			m->data_len = (uint16_t)len;
			m->pkt_len = len;
			m->port = r->port_id;
			n++;
		} else {
			(*skipped)++;
		}
		__atomic_store_n(&fh->tp_status, TP_STATUS_KERNEL,
			__ATOMIC_RELEASE);
		r->head = r->head + 1 == r->frames ? 0 : r->head + 1;
	}
	if (n < ready)
		rte_pktmbuf_free_bulk(pkts + n, ready - n);
	return n;
}

void
sl_hdring_close(struct sl_hdring *r)
{
	unsigned int i;
	int unused = 0;

	if (r == NULL)
		return;
	for (i = 0; i < r->nb_pmd_fds; i++)
		(void)setsockopt(r->pmd_fds[i], SOL_SOCKET, SO_DETACH_FILTER,
			&unused, sizeof(unused));
	if (r->map != NULL)
		munmap(r->map, r->map_len);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}
