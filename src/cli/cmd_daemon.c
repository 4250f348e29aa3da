// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl daemon: keep the paths right while links and addresses change. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "../common/json.h"
#include "../daemon/daemon.h"

static const char daemon_usage[] =
	"Usage: mptcpctl daemon [config PATH] [role client|server|both] [IFACE[,FLAG...] ...]\n"
	"                       [--force] [--cleanup] [-v]\n"
	"       mptcpctl daemon reload\n"
	"       mptcpctl daemon status [-j]\n"
	"       mptcpctl daemon show [-j]\n"
	"       mptcpctl daemon undo [--dry-run]\n"
	"\n"
	"Runs until stopped and keeps this network namespace equal to what 'setup'\n"
	"would configure (the same plan: a table, a rule and an endpoint per address):\n"
	"a new address on a managed interface becomes a path, a removed one loses its\n"
	"objects, a link that comes back gets its routes and endpoint back with the\n"
	"same id. When a link goes down or loses carrier, its endpoints are withdrawn\n"
	"at once (with 'endpoint delete id 0 ADDR' for first subflows), so the\n"
	"kernel closes those subflows and re-sends their data on the others.\n"
	"\n"
	"PATH is setup's INI file (mptcpctl-setup(8)) plus, per [IFACE],\n"
	"'policy = use|backup|ignore', and in [setup] 'interfaces = auto'. Without\n"
	"PATH and interfaces: every up, non-loopback interface with a global address,\n"
	"role both.\n"
	"  --force    run although mptcpd or NetworkManager manages MPTCP here\n"
	"  --cleanup  undo what the daemon applied when it stops (default: keep, so a\n"
	"             restart changes nothing)\n"
	"  -v         also log path-manager events\n"
	"reload (or SIGHUP) re-reads PATH and applies only the difference; status says\n"
	"whether a daemon manages this namespace; show and undo work on the daemon's\n"
	"record (/run/mptcpctl/setup/, kind 'daemon'), undo only when it is stopped.\n"
	"Logs go to stderr (the journal under systemd, with priorities); READY=1 is\n"
	"sent to $NOTIFY_SOCKET (Type=notify). Needs CAP_NET_ADMIN.\n";

static const char *const prio_name[] = { "emerg",   "alert",  "crit", "error",
					 "warning", "notice", "info", "debug" };

struct logger {
	int max;
	bool journal;
};

static void log_line(void *arg, int prio, const char *msg)
{
	const struct logger *lg = arg;
	struct timespec ts;
	struct tm tm;

	if (prio > lg->max)
		return;
	if (lg->journal) {
		fprintf(stderr, "<%d>%s\n", prio, msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld mptcpctl daemon: %s%s%s\n", tm.tm_hour, tm.tm_min,
		tm.tm_sec, ts.tv_nsec / 1000000, prio <= DMN_LOG_WARN ? prio_name[prio] : "",
		prio <= DMN_LOG_WARN ? ": " : "", msg);
}

static int daemon_status(struct cli *cli)
{
	char conf[256];
	pid_t pid;
	int ret = dmn_running(&pid, conf, sizeof(conf));

	if (cli->json) {
		struct jw w;

		jw_init(&w, stdout, cli->pretty);
		jw_obj_open(&w, NULL);
		jw_bool(&w, "running", ret == 0);
		if (!ret) {
			jw_i64(&w, "pid", pid);
			jw_str(&w, "config", conf);
		}
		jw_obj_close(&w);
		jw_end(&w);
	} else if (!ret) {
		printf("a daemon manages this network namespace: pid %d, config %s\n", (int)pid,
		       conf);
	} else {
		printf("no daemon manages this network namespace\n");
	}
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int daemon_reload(void)
{
	pid_t pid;

	if (dmn_running(&pid, NULL, 0) || pid <= 0) {
		cli_errorf("daemon reload: no daemon manages this network namespace");
		return EXIT_FAIL;
	}
	if (kill(pid, SIGHUP) < 0) {
		cli_errorf("daemon reload: signalling pid %d: %s", (int)pid, strerror(errno));
		return EXIT_FAIL;
	}
	printf("sent SIGHUP to the daemon (pid %d)\n", (int)pid);
	return EXIT_OK;
}

static int parse(int argc, char **argv, struct cli *cli, struct dmn_opts *o, struct logger *lg)
{
	struct mc_err e = { 0 };
	bool words = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;

		if (!strcmp(a, "--force")) {
			o->force = true;
		} else if (!strcmp(a, "--cleanup")) {
			o->cleanup = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			lg->max = DMN_LOG_DEBUG;
		} else if (!strcmp(a, "config")) {
			if (!has_val)
				return cli_usage("daemon ", "daemon config: which file?");
			o->conf_path = argv[++i];
		} else if (!strcmp(a, "role")) {
			if (!has_val || plan_role_parse(argv[++i], &o->req.role))
				return cli_usage("daemon ",
						 "daemon: role '%s': use client, server or both",
						 has_val ? argv[i] : "");
			words = true;
		} else if (a[0] == '-') {
			return cli_usage("daemon ", "daemon: unknown option '%s'", a);
		} else {
			if (o->req.niface == PLAN_MAX_IFACES)
				return cli_usage("daemon ", "daemon: at most %d interfaces",
						 PLAN_MAX_IFACES);
			if (plan_iface_parse(a, &o->req.iface[o->req.niface], &e))
				return cli_usage("daemon ", "daemon: %s", e.what);
			o->req.niface++;
			words = true;
		}
	}
	if (o->conf_path && words)
		return cli_usage("daemon ", "daemon: give either config PATH or role/interfaces");
	if (o->conf_path) {
		if (dmn_conf_load(o->conf_path, &o->req, &e)) {
			cli_fail(&e, "daemon config");
			return e.code == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
		}
	} else if (!o->req.niface) {
		o->req.auto_ifaces = true;
	}
	(void)cli;
	return 0;
}

int cmd_daemon_main(struct cli *cli, int argc, char **argv)
{
	struct logger lg = { .max = cli->verbose ? DMN_LOG_DEBUG : DMN_LOG_INFO };
	struct dmn_opts o;
	struct mc_err e = { 0 };
	const char *js = getenv("JOURNAL_STREAM");
	int ret;

	if (cli_wants_help(argc, argv)) {
		fputs(daemon_usage, stdout);
		return EXIT_OK;
	}
	if (argc >= 2 && !strcmp(argv[1], "status")) {
		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "-j") && strcmp(argv[i], "--json"))
				return cli_usage("daemon ", "daemon status: unknown argument '%s'",
						 argv[i]);
			cli->json = true;
		}
		return daemon_status(cli);
	}
	if (argc >= 2 && !strcmp(argv[1], "reload")) {
		if (argc > 2)
			return cli_usage("daemon ", "daemon reload: unexpected '%s'", argv[2]);
		return daemon_reload();
	}
	if (argc >= 2 && !strcmp(argv[1], "show")) {
		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "-j") && strcmp(argv[i], "--json"))
				return cli_usage("daemon ", "daemon show: unknown argument '%s'",
						 argv[i]);
			cli->json = true;
		}
		return cmd_setup_show(cli, DMN_KIND);
	}
	if (argc >= 2 && !strcmp(argv[1], "undo")) {
		pid_t pid;

		if (!dmn_running(&pid, NULL, 0)) {
			cli_errorf("daemon undo: the daemon (pid %d) still runs: stop it first "
				   "(or run it with --cleanup)",
				   (int)pid);
			return EXIT_FAIL;
		}
		return cmd_setup_undo(cli, DMN_KIND, argc, argv);
	}
	memset(&o, 0, sizeof(o));
	o.req.role = ROLE_BOTH;
	ret = parse(argc, argv, cli, &o, &lg);
	if (ret)
		return ret;
	if (!cli_has_cap_net_admin()) {
		cli_errorf("daemon needs CAP_NET_ADMIN (run as root)");
		return EXIT_FAIL;
	}
	/* Under systemd, stderr is the journal: "<N>" prefixes give the priority. */
	lg.journal = js && *js;
	o.log = log_line;
	o.log_arg = &lg;
	if (dmn_run(&o, &e))
		return cli_fail(&e, "daemon");
	return EXIT_OK;
}
