// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libmptcpctl-preload.so: socket() for TCP becomes socket() for MPTCP.
 *
 * An AF_INET/AF_INET6 SOCK_STREAM socket (any SOCK_NONBLOCK/SOCK_CLOEXEC flags) whose
 * protocol is 0 or IPPROTO_TCP is created with IPPROTO_MPTCP instead. Every other socket
 * is left alone. When the kernel refuses MPTCP (ENOPROTOOPT: net.mptcp.enabled=0,
 * EPROTONOSUPPORT: no MPTCP in the kernel, EINVAL) the TCP socket is created instead and
 * later calls stop trying.
 *
 * Settings are read once, in the constructor, from the environment:
 *   MPTCPCTL_VERBOSE=1   log every converted socket and every fallback to stderr.
 *
 * The real socket() is found with dlsym(RTLD_NEXT), not syscall(SYS_socket): another
 * library earlier in LD_PRELOAD that also interposes socket() keeps working (we chain to
 * whatever comes next instead of bypassing it), and libc keeps its own bookkeeping. If
 * dlsym finds nothing, the raw system call is used.
 *
 * Not reached: raw syscall(SYS_socket) and statically linked programs (use mptcpctl run's
 * seccomp backend), io_uring's IORING_OP_SOCKET, setuid/setgid programs (the dynamic
 * loader ignores LD_PRELOAD for them).
 *
 * libc only, no other mptcpctl layer; only socket() is exported (-fvisibility=hidden).
 */
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#define EXPORT __attribute__((visibility("default")))

typedef int (*socket_fn)(int, int, int);

static _Atomic(socket_fn) real_socket;
static atomic_bool mptcp_unavailable;
static atomic_bool initialised;
static bool verbose;

static int raw_socket(int family, int type, int protocol)
{
	return (int)syscall(SYS_socket, family, type, protocol);
}

static void init(void)
{
	const char *v = getenv("MPTCPCTL_VERBOSE");
	socket_fn fn = (socket_fn)dlsym(RTLD_NEXT, "socket");

	verbose = v && *v && strcmp(v, "0") != 0;
	atomic_store(&real_socket, fn ? fn : raw_socket);
	atomic_store(&initialised, true);
}

__attribute__((constructor)) static void preload_init(void)
{
	init();
}

/* One line on stderr with write(2): no stdio locks, usable from any thread. */
static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n, saved = errno;

	n = snprintf(buf, sizeof(buf), "mptcpctl[%d]: ", (int)getpid());
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, (size_t)n) < 0) {
		/* nothing to do: logging is best effort */
	}
	errno = saved;
}

static bool convertible(int family, int type, int protocol)
{
	return (family == AF_INET || family == AF_INET6) &&
	       (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) == SOCK_STREAM &&
	       (protocol == 0 || protocol == IPPROTO_TCP);
}

static bool refused(int err)
{
	return err == ENOPROTOOPT || err == EPROTONOSUPPORT || err == EINVAL;
}

EXPORT int socket(int family, int type, int protocol)
{
	socket_fn fn;
	int fd, err;

	/* Another library's constructor may call socket() before ours has run. */
	if (!atomic_load(&initialised))
		init();
	fn = atomic_load(&real_socket);
	if (!convertible(family, type, protocol))
		return fn(family, type, protocol);
	if (atomic_load_explicit(&mptcp_unavailable, memory_order_relaxed)) {
		fd = fn(family, type, protocol);
		if (verbose && fd >= 0)
			logf_("socket %d -> TCP (MPTCP unavailable)", fd);
		return fd;
	}
	fd = fn(family, type, IPPROTO_MPTCP);
	if (fd >= 0) {
		if (verbose)
			logf_("socket %d -> MPTCP", fd);
		return fd;
	}
	err = errno;
	if (!refused(err))
		return fd;
	fd = fn(family, type, protocol);
	if (fd < 0)
		return fd;
	atomic_store(&mptcp_unavailable, true);
	if (verbose)
		logf_("socket %d fell back to TCP: %s", fd, strerror(err));
	return fd;
}
