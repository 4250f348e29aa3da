// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A test program for mptcpctl run, built dynamically linked (sockprobe) and with
 * gcc -static (sockprobe-static). --raw makes it call syscall(SYS_socket) directly,
 * past any libc interposition.
 *
 *   sockprobe [--raw] table mptcp|tcp|nomptcp
 *       creates one socket per row of a table and checks SO_PROTOCOL (262 where it
 *       should be converted, the original protocol elsewhere), the O_NONBLOCK and
 *       FD_CLOEXEC flags, and errors; prints each row; exit 0 when all are right.
 *       nomptcp: net.mptcp.enabled=0, so TCP everywhere and IPPROTO_MPTCP refused.
 *   sockprobe [--raw] connect ADDR PORT HOLD_MS
 *       connects (protocol 0), prints "proto=N lport=N", waits HOLD_MS, sends an
 *       HTTP/1.0 GET, reads the answer, prints "bytes=N".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int raw;
static bool no_mptcp; /* the kernel refuses IPPROTO_MPTCP */

static int mksock(int family, int type, int protocol)
{
	if (raw)
		return (int)syscall(SYS_socket, family, type, protocol);
	return socket(family, type, protocol);
}

struct row {
	const char *what;
	int family, type, protocol;
	bool convert; /* a TCP socket the run backends turn into MPTCP */
	int want_proto; /* SO_PROTOCOL when not converted */
	int want_errno; /* the call fails with this, converted or not */
	bool optional; /* skipped when the kernel lacks it (SCTP, raw without privilege) */
};

#define ST SOCK_STREAM
#define NB SOCK_NONBLOCK
#define CE SOCK_CLOEXEC

static const struct row rows[] = {
	{ "inet stream 0", AF_INET, ST, 0, true, IPPROTO_TCP },
	{ "inet stream tcp", AF_INET, ST, IPPROTO_TCP, true, IPPROTO_TCP },
	{ "inet6 stream 0", AF_INET6, ST, 0, true, IPPROTO_TCP },
	{ "inet6 stream tcp", AF_INET6, ST, IPPROTO_TCP, true, IPPROTO_TCP },
	{ "inet stream|nonblock 0", AF_INET, ST | NB, 0, true, IPPROTO_TCP },
	{ "inet stream|cloexec 0", AF_INET, ST | CE, 0, true, IPPROTO_TCP },
	{ "inet6 stream|nonblock|cloexec tcp", AF_INET6, ST | NB | CE, IPPROTO_TCP, true,
	  IPPROTO_TCP },
	{ "inet stream mptcp", AF_INET, ST, IPPROTO_MPTCP, false, IPPROTO_MPTCP },
	{ "inet dgram 0", AF_INET, SOCK_DGRAM, 0, false, IPPROTO_UDP },
	{ "inet dgram udp", AF_INET, SOCK_DGRAM, IPPROTO_UDP, false, IPPROTO_UDP },
	{ "inet6 dgram|nonblock 0", AF_INET6, SOCK_DGRAM | NB, 0, false, IPPROTO_UDP },
	{ "unix stream 0", AF_UNIX, ST, 0, false, 0 },
	{ "unix dgram 0", AF_UNIX, SOCK_DGRAM, 0, false, 0 },
	{ "unix seqpacket 0", AF_UNIX, SOCK_SEQPACKET, 0, false, 0 },
	{ "inet raw icmp", AF_INET, SOCK_RAW, IPPROTO_ICMP, false, IPPROTO_ICMP, 0, true },
	{ "inet6 raw icmpv6", AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, false, IPPROTO_ICMPV6, 0, true },
	{ "inet stream sctp", AF_INET, ST, IPPROTO_SCTP, false, IPPROTO_SCTP, 0, true },
	{ "inet seqpacket sctp", AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP, false, IPPROTO_SCTP, 0,
	  true },
	{ "inet stream udp (invalid)", AF_INET, ST, IPPROTO_UDP, false, 0, EPROTONOSUPPORT },
	{ "inet seqpacket 0 (invalid)", AF_INET, SOCK_SEQPACKET, 0, false, 0, ESOCKTNOSUPPORT },
};

static int check_row(const struct row *r, bool mptcp)
{
	int fd = mksock(r->family, r->type, r->protocol), proto = -1, want, fl, fdfl;
	int want_errno = no_mptcp && r->protocol == IPPROTO_MPTCP ? ENOPROTOOPT : r->want_errno;
	socklen_t len = sizeof(proto);

	if (fd < 0) {
		int err = errno;

		if (want_errno == err) {
			printf("ok   %-36s error %s\n", r->what, strerror(err));
			return 0;
		}
		if (r->optional && (err == EPROTONOSUPPORT || err == EPERM || err == EACCES ||
				    err == ESOCKTNOSUPPORT)) {
			printf("skip %-36s %s\n", r->what, strerror(err));
			return 0;
		}
		printf("FAIL %-36s socket: %s\n", r->what, strerror(err));
		return 1;
	}
	if (want_errno) {
		printf("FAIL %-36s succeeded, expected %s\n", r->what, strerror(want_errno));
		close(fd);
		return 1;
	}
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len);
	want = r->convert && mptcp ? IPPROTO_MPTCP : r->want_proto;
	fl = fcntl(fd, F_GETFL);
	fdfl = fcntl(fd, F_GETFD);
	close(fd);
	if (proto != want) {
		printf("FAIL %-36s SO_PROTOCOL %d, expected %d\n", r->what, proto, want);
		return 1;
	}
	if (!!(fl & O_NONBLOCK) != !!(r->type & NB) || !!(fdfl & FD_CLOEXEC) != !!(r->type & CE)) {
		printf("FAIL %-36s flags: O_NONBLOCK %d FD_CLOEXEC %d\n", r->what,
		       !!(fl & O_NONBLOCK), !!(fdfl & FD_CLOEXEC));
		return 1;
	}
	printf("ok   %-36s SO_PROTOCOL %d\n", r->what, proto);
	return 0;
}

static int table(bool mptcp)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		bad += check_row(&rows[i], mptcp);
	return bad ? 1 : 0;
}

static int do_connect(const char *addr, const char *port, const char *hold)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, proto = -1;
	long total = 0, ms = atol(hold);
	char buf[4096];
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	ssize_t n;

	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)atoi(port));
		len = sizeof(*a4);
	} else if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)atoi(port));
		len = sizeof(*a6);
	} else {
		fprintf(stderr, "sockprobe: bad address %s\n", addr);
		return 2;
	}
	fd = mksock(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
		perror("sockprobe: connect");
		return 1;
	}
	len = sizeof(proto);
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len);
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	printf("proto=%d lport=%d\n", proto,
	       ntohs(ss.ss_family == AF_INET ? a4->sin_port : a6->sin6_port));
	fflush(stdout);
	nanosleep(&ts, NULL);
	n = snprintf(buf, sizeof(buf), "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", addr);
	if (write(fd, buf, (size_t)n) != n) {
		perror("sockprobe: write");
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	printf("bytes=%ld\n", total);
	close(fd);
	return total > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (i < argc && !strcmp(argv[i], "--raw")) {
		raw = 1;
		i++;
	}
	if (argc - i == 2 && !strcmp(argv[i], "table")) {
		no_mptcp = !strcmp(argv[i + 1], "nomptcp");
		return table(!strcmp(argv[i + 1], "mptcp"));
	}
	if (argc - i == 4 && !strcmp(argv[i], "connect"))
		return do_connect(argv[i + 1], argv[i + 2], argv[i + 3]);
	fprintf(stderr, "usage: sockprobe [--raw] table mptcp|tcp|nomptcp\n"
			"       sockprobe [--raw] connect ADDR PORT HOLD_MS\n");
	return 2;
}
