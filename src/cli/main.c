// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl: a table of subcommands and the global options; nothing else. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../ns/ns.h"

static int cmd_help(struct cli *cli, int argc, char **argv);
static int cmd_version(struct cli *cli, int argc, char **argv);

static const struct cli_cmd commands[] = {
	{ "doctor", cmd_doctor_main,
	  "what stops extra paths here, with the command that fixes it" },
	{ "tune", cmd_tune_main, "TCP buffers from the bandwidth-delay product (plan, undo)" },
	{ "setup", cmd_setup_main, "configure the paths: routing, endpoints, limits (plan, undo)" },
	{ "status", cmd_status_main, "MPTCP connections and their subflows, path by path" },
	{ "monitor", cmd_monitor_main, "path-manager events and MPTCP counters as they happen" },
	{ "run", cmd_run, "run a program with its TCP sockets as MPTCP sockets" },
	{ "enable", cmd_enable, "a systemd drop-in: a service's TCP sockets become MPTCP" },
	{ "disable", cmd_enable, "remove the drop-in of 'enable'" },
	{ "capture", cmd_capture_main, "MPTCP on the wire: a live interface or a pcap, analysed" },
	{ "bench", cmd_bench_main, "iperf3-compatible throughput test, path by path" },
	{ "daemon", cmd_daemon_main, "keep the paths right as links and addresses change" },
	{ "lab", cmd_lab_main, "two hosts joined by N shaped links, in network namespaces" },
	{ "help", cmd_help, "help on a subcommand" },
	{ "version", cmd_version, "print the version" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: mptcpctl [-n NETNS] [-j|--json] [-p|--pretty] [-v] COMMAND [ARGS...]\n"
		   "       mptcpctl help COMMAND\n"
		   "       mptcpctl --version\n\n"
		   "Multipath TCP on Linux, configured and shown over netlink.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nGlobal options:\n"
		   "  -n, --netns NETNS  run in network namespace NETNS (as ip -n)\n"
		   "  -j, --json     machine-readable output\n"
		   "  -p, --pretty   indented JSON\n"
		   "  -v, --verbose  more detail\n"
		   "  -h, --help     this help\n"
		   "  -V, --version  version\n\n"
		   "Exit status: 0 ok, 1 failure (or a check failed), 2 usage error.\n"
		   "See mptcpctl(8).\n");
}

static const struct cli_cmd *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd *c;
	char *hargv[] = { NULL, "--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	c = find(argv[1]);
	if (!c || c->fn == cmd_help)
		return cli_usage(NULL, "no such command '%s'", argv[1]);
	hargv[0] = argv[1];
	return c->fn(cli, 2, hargv);
}

static int cmd_version(struct cli *cli, int argc, char **argv)
{
	printf("mptcpctl %s\n", MPTCPCTL_VERSION);
	return EXIT_OK;
}

/* -n NETNS: everything after this runs in that namespace, as with ip -n. */
static int enter_netns(const char *name)
{
	struct mc_err e = { 0 };
	int fd, ret;

	ret = netns_open(name, &fd, &e);
	if (ret)
		return cli_fail(&e, NULL);
	if (setns(fd, CLONE_NEWNET) < 0) {
		cli_errorf("entering network namespace %s: %s", name, strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct cli cli = { 0 };
	const struct cli_cmd *c;
	int i;

	/* Large listings (status over 10,000 connections) in few writes. */
	setvbuf(stdout, outbuf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, sizeof(outbuf));

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			cli.json = true;
		} else if (!strcmp(a, "-n") || !strcmp(a, "--netns")) {
			if (i + 1 >= argc)
				return cli_usage(NULL, "'%s' needs a network namespace name", a);
			if (enter_netns(argv[++i]))
				return EXIT_FAIL;
		} else if (!strcmp(a, "-p") || !strcmp(a, "--pretty")) {
			cli.pretty = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			cli.verbose++;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			return cmd_version(&cli, 0, NULL);
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else {
			return cli_usage(NULL, "unknown option '%s'", a);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	c = find(argv[i]);
	if (!c) {
		cli_errorf("unknown command '%s'", argv[i]);
		fprintf(stderr, "Commands:");
		for (size_t k = 0; k < NCOMMANDS; k++)
			fprintf(stderr, " %s", commands[k].name);
		fprintf(stderr, "\nTry 'mptcpctl --help'.\n");
		return EXIT_USAGE;
	}
	return c->fn(&cli, argc - i, argv + i);
}
