// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The seccomp backend: socket() calls of PROG (and its descendants) that would create a
 * TCP socket are turned into user notifications; this process creates the MPTCP socket
 * (or the TCP one when the kernel refuses MPTCP) and installs it into PROG with
 * SECCOMP_IOCTL_NOTIF_ADDFD. The filter matches on the arguments, so every other
 * system call, and every other socket(), never leaves the kernel.
 *
 * Limits: the socket is created here, so in this process's network namespace (the one
 * PROG started in: a PROG that setns()/unshare()s elsewhere still gets sockets of the
 * original one), with this process's credentials and cgroup. Each converted socket
 * costs one round trip through this process. NO_NEW_PRIVS is set, so setuid programs
 * run without their privileges.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

/* All in Debian 12's linux-libc-dev (6.1); ADDFD_FLAG_SEND needs kernel 5.14. */
_Static_assert(SECCOMP_ADDFD_FLAG_SEND == 2, "linux/seccomp.h too old");
_Static_assert(SECCOMP_FILTER_FLAG_NEW_LISTENER == 8, "linux/seccomp.h too old");

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#if defined(__x86_64__)
#define RUN_AUDIT_ARCH AUDIT_ARCH_X86_64
#define RUN_X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define RUN_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define RUN_AUDIT_ARCH AUDIT_ARCH_RISCV64
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n))
#else
#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n) + 4)
#endif

#define SOCK_FLAGS (SOCK_NONBLOCK | SOCK_CLOEXEC)

struct sup {
	const struct run_opts *o;
	int listener;
	pid_t child;
	bool mptcp_unavailable;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct seccomp_notif_sizes sizes;
};

#define LOG(s, ...)                                                \
	do {                                                       \
		if ((s)->o->verbose && (s)->o->log)                \
			(s)->o->log((s)->o->log_ctx, __VA_ARGS__); \
	} while (0)

#ifdef RUN_AUDIT_ARCH
/*
 * Notify for socket(AF_INET|AF_INET6, SOCK_STREAM [|NONBLOCK|CLOEXEC], 0|IPPROTO_TCP) of
 * the native ABI; allow everything else. x32 and compat (i386) calls are not matched:
 * they keep TCP. socket()'s arguments are ints, so only the low 32 bits count.
 */
static const struct sock_filter filter[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, RUN_AUDIT_ARCH, 0, 12),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef RUN_X32_BIT
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, RUN_X32_BIT, 10, 0),
#else
	BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0),
#endif
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 9),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 1, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 6),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)),
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~(uint32_t)SOCK_FLAGS),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_STREAM, 0, 3),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 1, 0),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
};

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child_report(int sk, int err, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &err, .iov_len = sizeof(err) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sk, &m, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

static __attribute__((noreturn)) void child(int sk, const sigset_t *mask, const struct run_plan *p,
					    char *const *argv, char **envp)
{
	struct sock_fprog prog = {
		.len = sizeof(filter) / sizeof(filter[0]),
		.filter = (struct sock_filter *)filter,
	};
	int lfd, err;

	sigprocmask(SIG_SETMASK, mask, NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		child_report(sk, errno, -1);
		_exit(127);
	}
	lfd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			   &prog);
	if (lfd < 0) {
		child_report(sk, errno, -1);
		_exit(127);
	}
	child_report(sk, 0, lfd);
	close(lfd);
	execve(p->path, argv, envp);
	err = errno;
	child_report(sk, err, -1);
	_exit(127);
}

/* The first message: 0 and the listener, or an errno. */
static int recv_listener(int sk, int *lfd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	int err = 0;
	struct iovec iov = { .iov_base = &err, .iov_len = sizeof(err) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(sk, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(err))
		return -EPIPE;
	c = CMSG_FIRSTHDR(&m);
	if (err == 0 && c && c->cmsg_type == SCM_RIGHTS) {
		memcpy(lfd, CMSG_DATA(c), sizeof(int));
		return 0;
	}
	return err ? -err : -EPROTO;
}

static int make_socket(struct sup *s, int family, int type, int protocol, bool *mptcp, int *ferr)
{
	/* SOCK_NONBLOCK is a file status flag: it travels with the file into PROG. */
	int flags = (type & SOCK_NONBLOCK) | SOCK_CLOEXEC, base = type & ~SOCK_FLAGS, fd;

	*mptcp = false;
	*ferr = 0;
	if (!s->mptcp_unavailable) {
		fd = socket(family, base | flags, IPPROTO_MPTCP);
		if (fd >= 0) {
			*mptcp = true;
			return fd;
		}
		if (errno != ENOPROTOOPT && errno != EPROTONOSUPPORT && errno != EINVAL)
			return -errno;
		*ferr = errno;
	}
	fd = socket(family, base | flags, protocol);
	if (fd < 0)
		return -errno;
	if (*ferr)
		s->mptcp_unavailable = true;
	return fd;
}

static void reply_error(struct sup *s, int err)
{
	memset(s->resp, 0, s->sizes.seccomp_notif_resp);
	s->resp->id = s->req->id;
	s->resp->error = err; /* -errno */
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, s->resp) < 0) {
		/* ENOENT: the caller is gone; nothing else can be done either way. */
	}
}

/* One notification: 0, or -errno when the listener itself failed. */
static int serve_one(struct sup *s)
{
	struct seccomp_notif_addfd addfd = { 0 };
	int family, type, protocol, fd, tfd, ferr;
	bool mptcp;

	memset(s->req, 0, s->sizes.seccomp_notif);
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, s->req) < 0)
		return errno == EINTR || errno == ENOENT ? 0 : -errno;
	family = (int)s->req->data.args[0];
	type = (int)s->req->data.args[1];
	protocol = (int)s->req->data.args[2];
	fd = make_socket(s, family, type, protocol, &mptcp, &ferr);
	if (fd < 0) {
		reply_error(s, fd);
		return 0;
	}
	/* The caller may have died (or been interrupted) since it asked. */
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &s->req->id) < 0) {
		close(fd);
		return 0;
	}
	addfd.id = s->req->id;
	addfd.flags = SECCOMP_ADDFD_FLAG_SEND;
	addfd.srcfd = (uint32_t)fd;
	addfd.newfd_flags = (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0;
	tfd = ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	if (tfd < 0 && errno != ENOENT && errno != EINPROGRESS)
		reply_error(s, -errno); /* e.g. EMFILE in the caller: it gets the error */
	close(fd);
	if (tfd < 0)
		return 0;
	if (mptcp)
		LOG(s, "mptcpctl[%d]: socket %d -> MPTCP", (int)s->req->pid, tfd);
	else if (ferr)
		LOG(s, "mptcpctl[%d]: socket %d fell back to TCP: %s", (int)s->req->pid, tfd,
		    strerror(ferr));
	else
		LOG(s, "mptcpctl[%d]: socket %d -> TCP (MPTCP unavailable)", (int)s->req->pid, tfd);
	return 0;
}

static void forward(struct sup *s, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		/* A terminal's ^C already reached PROG when it is in our process group. */
		if (si.ssi_code == SI_KERNEL && getpgid(s->child) == getpgrp())
			continue;
		kill(s->child, (int)si.ssi_signo);
	}
}

/* Serves until the listener hangs up: nobody is left under the filter. */
static void serve_rest(struct sup *s)
{
	struct pollfd pfd = { .fd = s->listener, .events = POLLIN };

	for (;;) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pfd.revents & POLLIN) {
			if (serve_one(s))
				return;
		} else if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) {
			return;
		}
	}
}

/*
 * After PROG exited: if descendants of it still run under the filter (a daemon), a
 * detached process keeps serving them, so their socket() calls keep working.
 */
static void hand_over(struct sup *s)
{
	struct pollfd pfd = { .fd = s->listener, .events = POLLIN };
	pid_t pid;
	int null;

	if (poll(&pfd, 1, 0) < 0 || (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
		return;
	pid = fork();
	if (pid != 0)
		return;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		if (!s->o->verbose)
			dup2(null, STDERR_FILENO);
	}
	setsid();
	serve_rest(s);
	_exit(0);
}

static int supervise(struct sup *s, int sfd, int *status, struct mc_err *e)
{
	int pidfd = (int)syscall(SYS_pidfd_open, s->child, 0);

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = s->listener, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
			{ .fd = pidfd, .events = POLLIN },
		};
		int n = poll(pfd, 3, pidfd < 0 ? 100 : -1), ret;
		pid_t w;

		if (n < 0 && errno != EINTR) {
			ret = mc_err_set(e, -errno, "waiting for %s", s->o->argv[0]);
			kill(s->child, SIGKILL);
			waitpid(s->child, status, 0);
			return ret;
		}
		if (n > 0 && (pfd[0].revents & POLLIN)) {
			ret = serve_one(s);
			if (ret) {
				mc_err_set(e, ret, "seccomp notification listener");
				kill(s->child, SIGKILL);
				waitpid(s->child, status, 0);
				return ret;
			}
		}
		if (n > 0 && (pfd[1].revents & POLLIN))
			forward(s, sfd);
		if (pidfd >= 0 && !(pfd[2].revents & POLLIN))
			continue;
		w = waitpid(s->child, status, pidfd >= 0 ? 0 : WNOHANG);
		if (w == s->child)
			break;
	}
	if (pidfd >= 0)
		close(pidfd);
	hand_over(s);
	return 0;
}

int run_seccomp(const struct run_opts *o, const struct run_plan *p, struct run_env *env,
		int *status, struct mc_err *e)
{
	struct sup s = { .o = o, .listener = -1 };
	sigset_t fwd, old;
	int sk[2], sfd = -1, ret, err;
	ssize_t n;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &s.sizes) < 0)
		return mc_err_set(e, -errno, "backend seccomp: kernel without user notification");
	/* The kernel's structures may be larger than ours: allocate what it says. */
	s.req = calloc(1, s.sizes.seccomp_notif > sizeof(*s.req) ? s.sizes.seccomp_notif :
								   sizeof(*s.req));
	s.resp = calloc(1, s.sizes.seccomp_notif_resp > sizeof(*s.resp) ?
				   s.sizes.seccomp_notif_resp :
				   sizeof(*s.resp));
	if (!s.req || !s.resp) {
		ret = mc_err_set(e, -ENOMEM, "backend seccomp");
		goto out_free;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk) < 0) {
		ret = mc_err_set(e, -errno, "backend seccomp: socketpair");
		goto out_free;
	}
	sigemptyset(&fwd);
	sigaddset(&fwd, SIGINT);
	sigaddset(&fwd, SIGTERM);
	sigaddset(&fwd, SIGHUP);
	sigprocmask(SIG_BLOCK, &fwd, &old);
	sfd = signalfd(-1, &fwd, SFD_CLOEXEC | SFD_NONBLOCK);
	s.child = fork();
	if (s.child < 0) {
		ret = mc_err_set(e, -errno, "backend seccomp: fork");
		close(sk[0]);
		close(sk[1]);
		goto out_mask;
	}
	if (s.child == 0) {
		close(sk[0]);
		child(sk[1], &old, p, o->argv, env->v);
	}
	close(sk[1]);
	ret = recv_listener(sk[0], &s.listener);
	if (!ret) {
		/* Then an errno if execve failed, or end-of-file once it succeeded. */
		do
			n = read(sk[0], &err, sizeof(err));
		while (n < 0 && errno == EINTR);
		if (n == sizeof(err))
			ret = -err;
	}
	close(sk[0]);
	if (ret) {
		waitpid(s.child, NULL, 0);
		mc_err_set(e, ret, "%s %s",
			   s.listener < 0 ? "backend seccomp: installing the filter for" :
					    "executing",
			   p->path);
		goto out_close;
	}
	LOG(&s, "mptcpctl[%d]: %s under seccomp", (int)s.child, p->path);
	ret = supervise(&s, sfd, status, e);
out_close:
	if (s.listener >= 0)
		close(s.listener);
out_mask:
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
out_free:
	free(s.req);
	free(s.resp);
	return ret;
}

#else /* !RUN_AUDIT_ARCH */

int run_seccomp(const struct run_opts *o, const struct run_plan *p, struct run_env *env,
		int *status, struct mc_err *e)
{
	return mc_err_set(e, -EOPNOTSUPP, "backend seccomp: not supported on this architecture");
}

#endif
