// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * connrate: connections per second of a loopback connect/accept/close loop in one
 * process. Sockets are created with socket(AF_INET, SOCK_STREAM, PROTO) through libc,
 * so a preload or a seccomp filter sees each client socket (and the listener).
 *
 *   connrate [PROTO [SECONDS]]     PROTO 0 (default), 6 or 262; SECONDS default 2
 *
 * Prints "conn/s N proto P" where P is the client sockets' SO_PROTOCOL. Closes with
 * SO_LINGER 0 (RST) so no TIME_WAIT piles up.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int proto = argc > 1 ? atoi(argv[1]) : 0, lfd, one = 1, sp = -1;
	double secs = argc > 2 ? atof(argv[2]) : 2.0, t0, t;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger lg = { 1, 0 };
	socklen_t len = sizeof(a);
	long n = 0;

	lfd = socket(AF_INET, SOCK_STREAM, proto);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 128) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &len) < 0) {
		perror("connrate: listener");
		return 1;
	}
	t0 = now();
	do {
		for (int i = 0; i < 64; i++, n++) {
			int c = socket(AF_INET, SOCK_STREAM, proto), s;

			if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
				perror("connrate: connect");
				return 1;
			}
			s = accept(lfd, NULL, NULL);
			if (s < 0) {
				perror("connrate: accept");
				return 1;
			}
			if (sp < 0) {
				len = sizeof(sp);
				getsockopt(c, SOL_SOCKET, SO_PROTOCOL, &sp, &len);
			}
			setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			close(c);
			close(s);
		}
		t = now();
	} while (t - t0 < secs);
	printf("conn/s %.0f proto %d\n", (double)n / (t - t0), sp);
	return 0;
}
