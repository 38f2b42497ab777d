/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_hdring.c: unit tests of the header ring's classifier (sl_hdring.c),
 * the classic BPF program that sends the guest's SYNs and pure ACKs to the
 * header ring and every other frame to the PMD's. The kernel runs it here
 * on a UNIX datagram socket pair (no privilege, no interface): a frame sent
 * is received when the program keeps it. Each frame must be kept by exactly
 * one of the two programs, the header ring's (take) or the PMD's.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "sl_hdring.h"
#include "sl_test.h"

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10

/** A frame to classify and where it must go. */
struct hcase {
	const char *what;
	uint8_t buf[256];
	size_t len;
	bool take;		/**< the header ring's */
};

/**
 * eth - an Ethernet header of @type at @b. Return: 14.
 */
static size_t
eth(uint8_t *b, uint16_t type)
{
	memset(b, 0x02, 12);
	b[12] = (uint8_t)(type >> 8);
	b[13] = (uint8_t)type;
	return 14;
}

/**
 * tcp - a TCP header of @doff words with @flags at @b, @pay payload bytes
 * after it. Return: its length with the payload.
 */
static size_t
tcp(uint8_t *b, uint8_t doff, uint8_t flags, uint16_t pay)
{
	memset(b, 0, (size_t)doff * 4 + pay);
	b[0] = 0x9c;	/* ports, sequence numbers: any */
	b[3] = 0x50;
	b[12] = (uint8_t)(doff << 4);
	b[13] = flags;
	return (size_t)doff * 4 + pay;
}

/**
 * v4 - an IPv4 TCP frame: IP header of @ihl words, fragment field @frag,
 * TCP header of @doff words, @pay payload bytes, IP protocol @proto.
 */
static void
v4(struct hcase *h, uint8_t ihl, uint16_t frag, uint8_t proto, uint8_t doff,
	uint8_t flags, uint16_t pay)
{
	uint8_t *ip = h->buf + eth(h->buf, 0x0800);
	size_t l4 = tcp(ip + ihl * 4, doff, flags, pay);
	size_t tot = (size_t)ihl * 4 + l4;

	memset(ip, 0, (size_t)ihl * 4);
	ip[0] = (uint8_t)(0x40 | ihl);
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[6] = (uint8_t)(frag >> 8);
	ip[7] = (uint8_t)frag;
	ip[8] = 64;
	ip[9] = proto;
	h->len = 14 + tot;
}

/** v6 - an IPv6 frame, next header @nh, then a TCP header as v4's. */
static void
v6(struct hcase *h, uint8_t nh, uint8_t doff, uint8_t flags, uint16_t pay)
{
	uint8_t *ip = h->buf + eth(h->buf, 0x86dd);
	size_t l4 = tcp(ip + 40, doff, flags, pay);

	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[4] = (uint8_t)(l4 >> 8);
	ip[5] = (uint8_t)l4;
	ip[6] = nh;
	ip[7] = 64;
	h->len = 14 + 40 + l4;
}

/** cases - fill @h with the frames to classify. Return: their number. */
static unsigned int
cases(struct hcase *h)
{
	unsigned int n = 0;

#define C(w, t) (h[n].what = (w), h[n].take = (t), &h[n++])
	v4(C("v4 SYN", true), 5, 0x4000, 6, 10, F_SYN, 0);
	v4(C("v4 pure ACK", true), 5, 0x4000, 6, 5, F_ACK, 0);
	v4(C("v4 pure ACK, PSH", true), 5, 0, 6, 5, F_ACK | F_PSH, 0);
	v4(C("v4 pure ACK with SACK blocks", true), 5, 0, 6, 13, F_ACK, 0);
	v4(C("v4 SYN with ECE and CWR", true), 5, 0, 6, 10, F_SYN | 0xc0, 0);
	v4(C("v4 SYN, IP options", true), 6, 0, 6, 10, F_SYN, 0);
	v4(C("v4 data", false), 5, 0, 6, 5, F_ACK | F_PSH, 100);
	v4(C("v4 one byte of data", false), 5, 0, 6, 8, F_ACK, 1);
	v4(C("v4 SYN with data (fast open)", false), 5, 0, 6, 10, F_SYN, 20);
	v4(C("v4 FIN", false), 5, 0, 6, 5, F_FIN | F_ACK, 0);
	v4(C("v4 RST", false), 5, 0, 6, 5, F_RST, 0);
	v4(C("v4 RST ACK", false), 5, 0, 6, 5, F_RST | F_ACK, 0);
	v4(C("v4 SYN-ACK", false), 5, 0, 6, 10, F_SYN | F_ACK, 0);
	v4(C("v4 no flags", false), 5, 0, 6, 5, 0, 0);
	v4(C("v4 first fragment", false), 5, 0x2000, 6, 5, F_ACK, 0);
	v4(C("v4 later fragment", false), 5, 0x0004, 6, 5, F_ACK, 0);
	v4(C("v4 UDP", false), 5, 0, 17, 5, F_ACK, 0);
	v6(C("v6 SYN", true), 6, 10, F_SYN, 0);
	v6(C("v6 pure ACK", true), 6, 5, F_ACK, 0);
	v6(C("v6 data", false), 6, 5, F_ACK, 60);
	v6(C("v6 FIN", false), 6, 5, F_FIN | F_ACK, 0);
	v6(C("v6 behind a hop-by-hop header", false), 0, 5, F_ACK, 0);
	/* malformed: the program cannot read them, the PMD's ring takes
	 * them (the parser counts them) */
	v4(C("v4 truncated in the TCP header", false), 5, 0, 6, 5, F_ACK, 0);
	h[n - 1].len = 14 + 20 + 10;
	v4(C("v4 IP header of 60 bytes, frame too short", false), 15, 0, 6,
		5, F_ACK, 0);
	h[n - 1].len = 60;
	v4(C("v4 total length past the frame", false), 5, 0, 6, 5, F_ACK, 0);
	h[n - 1].buf[14 + 3] += 40;
	v6(C("v6 truncated", false), 6, 5, F_ACK, 0);
	h[n - 1].len = 14 + 40 + 8;
	eth(C("ARP", false)->buf, 0x0806);
	h[n - 1].len = 42;
	C("runt", false)->len = 10;
#undef C
	return n;
}

/**
 * kept - whether a socket filtered by the classifier (@take) receives
 * @h. Return: 1 kept, 0 not, -1 on a socket error.
 */
static int
kept(const struct hcase *h, bool take)
{
	uint8_t rx[512];
	int sv[2], r = -1;
	ssize_t got;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
		return -1;
	if (sl_hdring_attach_filter(sv[1], take) == 0 &&
	    send(sv[0], h->buf, h->len, 0) == (ssize_t)h->len) {
		got = recv(sv[1], rx, sizeof(rx), MSG_DONTWAIT);
		if (got >= 0)
			r = (size_t)got == h->len &&
				memcmp(rx, h->buf, h->len) == 0;
		else if (errno == EAGAIN)
			r = 0;
	}
	close(sv[0]);
	close(sv[1]);
	return r;
}

SL_TEST(hdring_filter_sends_each_frame_to_one_ring)
{
	static struct hcase h[40];
	unsigned int i, n = cases(h);

	for (i = 0; i < n; i++) {
		int hdr = kept(&h[i], true), pmd = kept(&h[i], false);

		if (hdr != (h[i].take ? 1 : 0) || pmd != (h[i].take ? 0 : 1))
			printf("  %s: header ring %d, PMD's %d (want %s)\n",
				h[i].what, hdr, pmd,
				h[i].take ? "header ring" : "PMD's");
		SL_CHECK_EQ(hdr, h[i].take ? 1 : 0);
		SL_CHECK_EQ(pmd, h[i].take ? 0 : 1);
	}
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
