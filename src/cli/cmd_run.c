// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl run [-v] [backend auto|preload|seccomp|bpf] [--] PROG [ARGS...] */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "../run/run.h"

extern char **environ;

static const char run_usage[] =
	"Usage: mptcpctl run [-v] [backend auto|preload|seccomp|bpf] [--] PROG [ARGS...]\n"
	"\n"
	"Runs PROG with its TCP sockets created as Multipath TCP sockets: socket() for\n"
	"AF_INET/AF_INET6 SOCK_STREAM with protocol 0 or IPPROTO_TCP becomes IPPROTO_MPTCP.\n"
	"When the kernel refuses MPTCP (net.mptcp.enabled=0) the socket stays TCP.\n"
	"Exits with PROG's status (128+N when a signal N killed it).\n"
	"\n"
	"  -v       log every converted socket, and every fallback, to stderr\n"
	"  backend  auto (default): preload for dynamically linked programs, seccomp for\n"
	"           static ones and Go (which also get GODEBUG=multipathtcp=1)\n"
	"           preload: LD_PRELOAD of libmptcpctl-preload.so\n"
	"           seccomp: a socket() user-notification filter (raw system calls too)\n"
	"           bpf: needs BPF tracing programs (detected; not in this build)\n"
	"\n"
	"Not reached: io_uring socket creation; setuid programs under preload. See\n"
	"mptcpctl-run(8).\n";

static void log_stderr(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_stderr(void *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int wait_status_exit(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_FAIL;
}

int cmd_run(struct cli *cli, int argc, char **argv)
{
	struct run_opts o = { .backend = RUN_AUTO, .verbose = cli->verbose > 0, .log = log_stderr };
	struct mc_err e = { 0 };
	struct run_env env;
	struct run_plan p;
	int i, ret, status = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (cli_is_help(a) && strcmp(a, "help")) {
			fputs(run_usage, stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o.verbose = true;
		} else if (!strcmp(a, "backend")) {
			if (i + 1 >= argc)
				return cli_usage("run ", "run: 'backend' needs a value");
			if (run_backend_parse(argv[++i], &o.backend))
				return cli_usage("run ",
						 "run: unknown backend '%s' (auto, preload, "
						 "seccomp, bpf)",
						 argv[i]);
		} else if (a[0] == '-') {
			return cli_usage("run ", "run: unknown option '%s'", a);
		} else {
			break;
		}
	}
	if (i >= argc)
		return cli_usage("run ", "run: no program given (run [--] PROG [ARGS...])");
	o.argv = argv + i;
	if (o.backend == RUN_BPF) {
		run_bpf_probe(&e);
		return cli_fail(&e, "run");
	}
	if (run_plan_make(&o, &p, &e))
		return cli_fail(&e, "run");
	if (run_env_init(&env, environ)) {
		cli_errorf("run: out of memory");
		return EXIT_FAIL;
	}
	if (run_env_for(&o, &p, &env, &e)) {
		run_env_free(&env);
		return cli_fail(&e, "run");
	}
	if (o.verbose)
		cli_errorf("run: backend %s for %s (%s)%s%s", run_backend_name(p.backend), p.path,
			   p.why, p.backend == RUN_PRELOAD ? ", " : "",
			   p.backend == RUN_PRELOAD ? p.preload : "");
	fflush(stdout);
	fflush(stderr);
	if (p.backend == RUN_PRELOAD) {
		run_exec(&p, o.argv, &env, &e);
		run_env_free(&env);
		return cli_fail(&e, "run");
	}
	ret = run_seccomp(&o, &p, &env, &status, &e);
	run_env_free(&env);
	if (ret)
		return cli_fail(&e, "run");
	return wait_status_exit(status);
}
