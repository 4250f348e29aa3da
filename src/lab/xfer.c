// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A bulk transfer across one lab path: a receiver in the server host, a sender
 * in the client host, each a child process that entered its namespace. The
 * receiver times first to last byte and reports through a pipe.
 */
#include "lab.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "../ns/ns.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#define XFER_CHUNK (256 * 1024)
#define XFER_TIMEOUT_MS 10000

struct xfer_report {
	int err; /* positive errno from the child, 0 = ok */
	uint16_t port;
	uint64_t bytes;
	uint64_t usec;
	int protocol;
	uint64_t bad;
};

struct xfer_args {
	int family;
	struct mc_prefix addr;
	uint16_t port;
	uint64_t dur_us;
	bool mptcp;
	bool verify;
	int pipe_w;
};

/* The verify pattern: 64-bit words numbered by stream offset / 8. */
static void pattern_fill(uint8_t *buf, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint64_t k = (off + i) / 8, w = (k + 1) * 0x9E3779B97F4A7C15ULL;
		size_t at = (size_t)((off + i) % 8), n = 8 - at;

		if (n > len - i)
			n = len - i;
		memcpy(buf + i, (uint8_t *)&w + at, n);
		i += n;
	}
}

static uint64_t pattern_check(const uint8_t *buf, uint64_t off, size_t len, uint8_t *scratch)
{
	uint64_t bad = 0;

	pattern_fill(scratch, off, len);
	if (!memcmp(buf, scratch, len))
		return 0;
	for (size_t i = 0; i < len; i++)
		bad += buf[i] != scratch[i];
	return bad;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static socklen_t make_sa(const struct xfer_args *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(a->port);
		memcpy(&s6->sin6_addr, a->addr.a.raw, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(a->port);
	memcpy(&s4->sin_addr, a->addr.a.raw, 4);
	return sizeof(*s4);
}

static void report(int fd, const struct xfer_report *r)
{
	if (write(fd, r, sizeof(*r)) != sizeof(*r))
		_exit(3);
}

static int wait_fd(int fd, short ev, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int n = poll(&p, 1, timeout_ms);

	return n == 1 ? 0 : n == 0 ? ETIMEDOUT : errno;
}

static int receiver(void *arg)
{
	struct xfer_args *a = arg;
	struct xfer_report r = { 0 };
	struct sockaddr_storage ss;
	socklen_t sl = make_sa(a, &ss);
	uint64_t first = 0, last = 0;
	int one = 1, ls, cs;
	char *buf = malloc(XFER_CHUNK);
	uint8_t *scratch = a->verify ? malloc(XFER_CHUNK) : NULL;

	ls = socket(a->family, SOCK_STREAM, a->mptcp ? IPPROTO_MPTCP : 0);
	if (!buf || ls < 0 || (a->verify && !scratch))
		goto fail;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&ss, sl) < 0 || listen(ls, 1) < 0)
		goto fail;
	sl = sizeof(ss);
	if (getsockname(ls, (struct sockaddr *)&ss, &sl) < 0)
		goto fail;
	r.port = ntohs(a->family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
					       ((struct sockaddr_in *)&ss)->sin_port);
	report(a->pipe_w, &r); /* ready: the port */
	errno = wait_fd(ls, POLLIN, XFER_TIMEOUT_MS);
	if (errno)
		goto fail;
	cs = accept(ls, NULL, NULL);
	if (cs < 0)
		goto fail;
	for (;;) {
		ssize_t n;

		errno = wait_fd(cs, POLLIN, XFER_TIMEOUT_MS);
		if (errno)
			goto fail;
		n = read(cs, buf, XFER_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		last = now_us();
		if (!first)
			first = last;
		if (a->verify)
			r.bad += pattern_check((uint8_t *)buf, r.bytes, (size_t)n, scratch);
		r.bytes += (uint64_t)n;
	}
	r.usec = last - first;
	report(a->pipe_w, &r);
	return 0;
fail:
	r.err = errno ? errno : EIO;
	report(a->pipe_w, &r);
	return 1;
}

static int sender(void *arg)
{
	struct xfer_args *a = arg;
	struct xfer_report r = { 0 };
	struct sockaddr_storage ss;
	socklen_t sl = make_sa(a, &ss), pl = sizeof(r.protocol);
	char *buf = calloc(1, XFER_CHUNK);
	uint64_t end;
	int s;

	s = socket(a->family, SOCK_STREAM, a->mptcp ? IPPROTO_MPTCP : 0);
	if (!buf || s < 0)
		goto fail;
	if (connect(s, (struct sockaddr *)&ss, sl) < 0)
		goto fail;
	getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &r.protocol, &pl);
	end = now_us() + a->dur_us;
	while (now_us() < end) {
		ssize_t n;

		if (a->verify)
			pattern_fill((uint8_t *)buf, r.bytes, XFER_CHUNK);
		n = write(s, buf, XFER_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		r.bytes += (uint64_t)n;
	}
	close(s);
	report(a->pipe_w, &r);
	return 0;
fail:
	r.err = errno ? errno : EIO;
	report(a->pipe_w, &r);
	return 1;
}

static int read_report(int fd, struct xfer_report *r, int timeout_ms)
{
	ssize_t n;

	if (wait_fd(fd, POLLIN, timeout_ms))
		return -ETIMEDOUT;
	do {
		n = read(fd, r, sizeof(*r));
	} while (n < 0 && errno == EINTR);
	return n == sizeof(*r) ? 0 : -EPIPE;
}

static void reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int lab_xfer(const struct lab *lab, const struct lab_xfer_opts *o, struct lab_xfer *res,
	     struct mc_err *e)
{
	char ns[2][LAB_NAME_MAX + 8];
	int fds[2] = { -1, -1 }, rp[2] = { -1, -1 }, sp[2] = { -1, -1 };
	int end_ms = (int)(o->dur_us / 1000) + XFER_TIMEOUT_MS;
	struct xfer_args a;
	struct xfer_report rr, sr;
	pid_t rpid = -1, spid = -1;
	uint64_t t0;
	int ret;

	if (o->path < 0 || o->path >= lab->npaths)
		return mc_err_set(e, -EINVAL, "path %d: the lab has %d", o->path + 1, lab->npaths);
	memset(res, 0, sizeof(*res));
	memset(&a, 0, sizeof(a));
	a.family = o->family == AF_INET6 ? AF_INET6 : AF_INET;
	a.addr = a.family == AF_INET6 ? lab->paths[o->path].addr6[LAB_SRV] :
					lab->paths[o->path].addr4[LAB_SRV];
	a.dur_us = o->dur_us;
	a.mptcp = o->mptcp;
	a.verify = o->verify;
	for (int h = 0; h < 2; h++) {
		ret = netns_open(lab_ns_name(lab, h, ns[h], sizeof(ns[h])), &fds[h], e);
		if (ret)
			goto out;
	}
	if (pipe2(rp, O_CLOEXEC) < 0 || pipe2(sp, O_CLOEXEC) < 0) {
		ret = mc_err_set(e, -errno, "pipe");
		goto out;
	}
	a.pipe_w = rp[1];
	ret = netns_fork(fds[LAB_SRV], receiver, &a, &rpid, e);
	if (ret)
		goto out;
	ret = read_report(rp[0], &rr, XFER_TIMEOUT_MS);
	if (!ret && rr.err)
		ret = -rr.err;
	if (ret) {
		mc_err_set(e, ret, "starting the receiver in %s", ns[LAB_SRV]);
		goto out;
	}
	a.port = rr.port;
	a.pipe_w = sp[1];
	t0 = now_us();
	ret = netns_fork(fds[LAB_CLI], sender, &a, &spid, e);
	if (ret)
		goto out;
	/* While the data flows: the mid-way call and the periodic ticks. */
	for (bool mid_done = !o->mid;;) {
		uint64_t now = now_us(), next = t0 + o->dur_us + (uint64_t)XFER_TIMEOUT_MS * 1000;
		struct pollfd pf = { .fd = sp[0], .events = POLLIN };
		int n;

		if (!mid_done && now >= t0 + o->mid_at_us) {
			o->mid(o->mid_arg);
			mid_done = true;
			continue;
		}
		if (!mid_done && t0 + o->mid_at_us < next)
			next = t0 + o->mid_at_us;
		if (o->tick && o->tick_us && now + o->tick_us < next)
			next = now + o->tick_us;
		if (now >= t0 + o->dur_us + (uint64_t)XFER_TIMEOUT_MS * 1000)
			break;
		n = poll(&pf, 1, (int)((next - now) / 1000) + 1);
		if (n > 0)
			break; /* the sender's report */
		if (o->tick && o->tick_us)
			o->tick(o->tick_arg, now_us() - t0);
	}
	ret = read_report(sp[0], &sr, end_ms);
	if (!ret && sr.err)
		ret = -sr.err;
	if (ret) {
		char addr[MC_ADDRSTRLEN];

		mc_err_set(e, ret, "sending from %s to %s port %u", ns[LAB_CLI],
			   mc_prefix_fmt(&a.addr, false, addr, sizeof(addr)), a.port);
		goto out;
	}
	ret = read_report(rp[0], &rr, XFER_TIMEOUT_MS);
	if (!ret && rr.err)
		ret = -rr.err;
	if (ret) {
		mc_err_set(e, ret, "receiving in %s", ns[LAB_SRV]);
		goto out;
	}
	res->bytes = rr.bytes;
	res->usec = rr.usec;
	res->protocol = sr.protocol;
	res->bps = rr.usec ? rr.bytes * 8 * 1000000ULL / rr.usec : 0;
	res->verified = o->verify;
	/* Bytes sent but never received count as lost too. */
	res->bad_bytes = rr.bad + (sr.bytes > rr.bytes ? sr.bytes - rr.bytes : 0);
	res->wrong_bytes = rr.bad;
out:
	reap(spid);
	reap(rpid);
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		if (rp[i] >= 0)
			close(rp[i]);
		if (sp[i] >= 0)
			close(sp[i]);
	}
	return ret;
}

int lab_xfer_run(const struct lab *lab, int path, int family, uint64_t dur_us, bool mptcp,
		 struct lab_xfer *r, struct mc_err *e)
{
	struct lab_xfer_opts o = {
		.path = path, .family = family, .dur_us = dur_us, .mptcp = mptcp
	};

	return lab_xfer(lab, &o, r, e);
}
