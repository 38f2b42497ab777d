/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_refrelay.c: a reference relay for usertools/sluice-bench: the least a
 * user-space TCP relay can do with the kernel's own TCP on both legs.
 *
 * Usage: sl_refrelay [--splice] [--buf BYTES] [--poll]
 *                    LISTEN_ADDR:PORT=TARGET_ADDR:PORT ...
 *
 * Not part of sluice. It answers one question of the benchmark's: what does
 * this machine give a third process that relays a guest's connections to
 * the host, whatever its own code costs? It accepts on each listen address,
 * connects to the target (non-blocking), and moves bytes both ways until
 * each side has ended its half (EOF passed on as shutdown(SHUT_WR)), a
 * reset or an error closes both. One thread, one edge-triggered epoll set:
 * each socket is added once with every event it will need; an event runs
 * both directions of its pair until the kernel says EAGAIN.
 *
 * Copy mode (the default) reads into and writes from a --buf byte buffer
 * per direction (default 256 KiB): two copies per byte in the relay, as in
 * sluice (its frames are read from an AF_PACKET socket into mbufs and
 * written to the host socket). --splice moves bytes through a pipe per
 * direction with splice(2) instead: no copy in the relay at all, a bound
 * that no relay which must see the bytes can reach. --poll spins on
 * epoll_wait with timeout 0, as a DPDK lcore spins, instead of sleeping.
 *
 * It prints "sl_refrelay: ready" on stderr once every listener is bound,
 * and runs until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#define MAX_MAPS	16
#define MAX_PAIRS	65536
#define LISTEN_TAG	(1ull << 63)

struct dir {			/* one direction: bytes from src to dst */
	char *buf;		/* copy mode */
	int pipe[2];		/* splice mode */
	/* bytes [head, tail) of what came in wait to be written (in buf, or
	 * in the pipe); both go back to 0 once it is all out */
	uint32_t head, tail;
	bool eof;		/* src ended: shutdown(dst) once drained */
	bool shut;
};

struct pair {
	int fd[2];		/* 0: accepted, 1: connected to the target */
	bool used, connected;
	struct dir d[2];	/* d[0]: fd[0] -> fd[1], d[1]: fd[1] -> fd[0] */
};

struct map {
	int lfd;
	struct sockaddr_in target;
};

static struct pair pairs[MAX_PAIRS];
static struct map maps[MAX_MAPS];
static unsigned int nb_maps, free_hint;
static uint32_t buf_size = 256 * 1024;
static bool use_splice, use_poll;
static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

/**
 * parse_addr - "A.B.C.D:PORT" into @sa. Return: 0, or -1.
 */
static int
parse_addr(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - s)) >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/**
 * pair_close - close both sockets (and pipes) of @p and free its slot.
 */
static void
pair_close(struct pair *p)
{
	int i;

	for (i = 0; i < 2; i++) {
		close(p->fd[i]);
		if (p->d[i].pipe[0] >= 0)
			close(p->d[i].pipe[0]);
		if (p->d[i].pipe[1] >= 0)
			close(p->d[i].pipe[1]);
		free(p->d[i].buf);
	}
	memset(p, 0, sizeof(*p));
}

/**
 * dir_in - read what @src has, up to the room left, into @d's buffer or
 * pipe. Return: as read(2).
 */
static ssize_t
dir_in(struct dir *d, int src)
{
	if (use_splice)
		return splice(src, NULL, d->pipe[1], NULL, buf_size - d->tail,
			SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	return read(src, d->buf + d->tail, buf_size - d->tail);
}

/**
 * dir_out - write what waits in @d to @dst. Return: as write(2).
 */
static ssize_t
dir_out(struct dir *d, int dst)
{
	if (use_splice)
		return splice(d->pipe[0], NULL, dst, NULL, d->tail - d->head,
			SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	return write(dst, d->buf + d->head, d->tail - d->head);
}

/**
 * dir_pump - move what @src has to @dst until neither moves a byte (each
 * said EAGAIN, or the buffer is full or empty); after @src's EOF, once
 * everything is out, shut @dst's write side.
 * Return: 0, or -1 when the pair must be closed (reset, error).
 */
static int
dir_pump(struct dir *d, int src, int dst)
{
	bool moved = true;
	ssize_t n;

	while (moved) {
		moved = false;
		if (!d->eof && d->tail < buf_size) {
			n = dir_in(d, src);
			if (n > 0) {
				d->tail += (uint32_t)n;
				moved = true;
			} else if (n == 0) {
				d->eof = true;
			} else if (errno != EAGAIN) {
				return -1;
			}
		}
		if (d->tail > d->head) {
			n = dir_out(d, dst);
			if (n > 0) {
				d->head += (uint32_t)n;
				moved = true;
			} else if (n < 0 && errno != EAGAIN) {
				return -1;
			}
			if (d->head == d->tail)
				d->head = d->tail = 0;
		}
	}
	if (d->eof && !d->shut && d->head == d->tail) {
		shutdown(dst, SHUT_WR);
		d->shut = true;
	}
	return 0;
}

/**
 * pair_event - run both directions of @p; close it when both are done or
 * on failure.
 */
static void
pair_event(struct pair *p, int side, uint32_t ev)
{
	if (side == 1 && !p->connected) {
		if (ev & (EPOLLERR | EPOLLHUP)) {
			pair_close(p);
			return;
		}
		if (!(ev & EPOLLOUT))
			return;
		p->connected = true;
	}
	if (!p->connected)
		return;		/* the target answers first */
	if (dir_pump(&p->d[0], p->fd[0], p->fd[1]) != 0 ||
	    dir_pump(&p->d[1], p->fd[1], p->fd[0]) != 0 ||
	    (p->d[0].shut && p->d[1].shut))
		pair_close(p);
}

/**
 * pair_new - a slot for a new connection. Return: the slot, or NULL.
 */
static struct pair *
pair_new(void)
{
	unsigned int i;

	for (i = 0; i < MAX_PAIRS; i++) {
		unsigned int k = (free_hint + i) % MAX_PAIRS;

		if (!pairs[k].used) {
			free_hint = k + 1;
			return &pairs[k];
		}
	}
	return NULL;
}

/**
 * pair_open - set up @p's buffers or pipes. Return: 0, or -1.
 */
static int
pair_open(struct pair *p)
{
	int i;

	/* pair_close closes what is not -1, also after a failure here */
	for (i = 0; i < 2; i++)
		p->d[i].pipe[0] = p->d[i].pipe[1] = -1;
	for (i = 0; i < 2; i++) {
		if (!use_splice) {
			p->d[i].buf = malloc(buf_size);
			if (p->d[i].buf == NULL)
				return -1;
			continue;
		}
		if (pipe2(p->d[i].pipe, O_NONBLOCK | O_CLOEXEC) != 0)
			return -1;
		(void)fcntl(p->d[i].pipe[1], F_SETPIPE_SZ, (int)buf_size);
	}
	return 0;
}

/**
 * on_accept - take every waiting connection of map @m: a pair each, its
 * target connect started.
 */
static void
on_accept(int ep, struct map *m)
{
	for (;;) {
		int a = accept4(m->lfd, NULL, NULL, SOCK_NONBLOCK |
			SOCK_CLOEXEC), b, one = 1;
		struct epoll_event e = { .events = EPOLLIN | EPOLLOUT |
			EPOLLRDHUP | EPOLLET };
		struct pair *p;

		if (a < 0)
			return;
		p = pair_new();
		b = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
		if (p == NULL || b < 0) {
			close(a);
			if (b >= 0)
				close(b);
			continue;
		}
		p->used = true;
		p->fd[0] = a;
		p->fd[1] = b;
		(void)setsockopt(a, IPPROTO_TCP, TCP_NODELAY, &one,
			sizeof(one));
		(void)setsockopt(b, IPPROTO_TCP, TCP_NODELAY, &one,
			sizeof(one));
		if (pair_open(p) != 0 || (connect(b, (struct sockaddr *)
		    &m->target, sizeof(m->target)) != 0 &&
		    errno != EINPROGRESS)) {
			pair_close(p);
			continue;
		}
		e.data.u64 = (uint64_t)(p - pairs) << 1;
		(void)epoll_ctl(ep, EPOLL_CTL_ADD, a, &e);
		e.data.u64 |= 1;
		(void)epoll_ctl(ep, EPOLL_CTL_ADD, b, &e);
	}
}

/**
 * add_map - "LISTEN=TARGET": bind and listen. Return: 0, or -1 (printed).
 */
static int
add_map(int ep, const char *spec)
{
	char l[80];
	const char *eq = strchr(spec, '=');
	struct sockaddr_in la;
	struct epoll_event e = { .events = EPOLLIN };
	struct map *m = &maps[nb_maps];
	int one = 1;

	if (eq == NULL || (size_t)(eq - spec) >= sizeof(l) ||
	    nb_maps == MAX_MAPS) {
		fprintf(stderr, "sl_refrelay: bad mapping %s\n", spec);
		return -1;
	}
	memcpy(l, spec, (size_t)(eq - spec));
	l[eq - spec] = '\0';
	if (parse_addr(l, &la) != 0 || parse_addr(eq + 1, &m->target) != 0) {
		fprintf(stderr, "sl_refrelay: bad mapping %s\n", spec);
		return -1;
	}
	m->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		0);
	if (m->lfd < 0)
		return -1;
	(void)setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(m->lfd, (struct sockaddr *)&la, sizeof(la)) != 0 ||
	    listen(m->lfd, 4096) != 0) {
		fprintf(stderr, "sl_refrelay: %s: %s\n", l, strerror(errno));
		return -1;
	}
	e.data.u64 = LISTEN_TAG | nb_maps;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, m->lfd, &e) != 0)
		return -1;
	nb_maps++;
	return 0;
}

int
main(int argc, char **argv)
{
	struct epoll_event ev[256];
	int ep = epoll_create1(EPOLL_CLOEXEC), i, n;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--splice") == 0)
			use_splice = true;
		else if (strcmp(argv[i], "--poll") == 0)
			use_poll = true;
		else if (strcmp(argv[i], "--buf") == 0 && i + 1 < argc)
			buf_size = (uint32_t)strtoul(argv[++i], NULL, 0);
		else if (add_map(ep, argv[i]) != 0)
			return 2;
	}
	if (nb_maps == 0 || buf_size < 4096) {
		fprintf(stderr, "usage: sl_refrelay [--splice] [--buf BYTES] "
			"[--poll] LISTEN_ADDR:PORT=TARGET_ADDR:PORT ...\n");
		return 2;
	}
	fprintf(stderr, "sl_refrelay: ready\n");
	while (!quit) {
		n = epoll_wait(ep, ev, 256, use_poll ? 0 : 1000);
		for (i = 0; i < n; i++) {
			uint64_t u = ev[i].data.u64;

			if (u & LISTEN_TAG) {
				on_accept(ep, &maps[u & ~LISTEN_TAG]);
				continue;
			}
			if (pairs[u >> 1].used)
				pair_event(&pairs[u >> 1], (int)(u & 1),
					ev[i].events);
		}
	}
	return 0;
}
