// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpctl lab demo: lab up, a TCP transfer over each path, lab down.
 * Interrupted (Ctrl-C, SIGTERM, SIGHUP) it still removes the lab.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "../common/json.h"
#include "../common/units.h"
#include "../lab/lab.h"

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void handle_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: waits end with EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static const char demo_usage[] =
	"Usage: mptcpctl lab demo [name NAME] [rate R] [time SECONDS] [paths N] [-j]\n"
	"\n"
	"Builds a lab (default name 'demo', 2 paths shaped to 1gbit), sends TCP over\n"
	"each path for SECONDS (default 2), prints the goodput per path, and removes\n"
	"the lab, also when interrupted.\n";

int cmd_lab_demo(struct cli *cli, int argc, char **argv);

int cmd_lab_demo(struct cli *cli, int argc, char **argv)
{
	const char *name = "demo";
	uint64_t rate = 1000000000ULL, dur = 2000000;
	struct lab_xfer res[LAB_MAX_PATHS];
	struct mc_err e = { 0 };
	sigset_t block, old;
	int npaths = 2, ret = 0, done = 0;
	struct lab lab;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(demo_usage, stdout);
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			cli->json = true;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage("lab ", "'%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "name")) {
			name = argv[++i];
		} else if (!strcmp(argv[i], "rate")) {
			if (units_parse_rate(argv[++i], &rate) || rate < 8000)
				return cli_usage("lab ", "rate '%s': expected a rate such as 1gbit",
						 argv[i]);
		} else if (!strcmp(argv[i], "time")) {
			if (units_parse_duration(argv[++i], &dur) || dur < 100000 ||
			    dur > 600000000)
				return cli_usage("lab ", "time '%s': expected 0.1 to 600 seconds",
						 argv[i]);
		} else if (!strcmp(argv[i], "paths")) {
			char *end;

			npaths = (int)strtol(argv[++i], &end, 10);
			if (*end || npaths < 1 || npaths > LAB_MAX_PATHS)
				return cli_usage("lab ", "paths '%s': expected 1 to %d", argv[i],
						 LAB_MAX_PATHS);
		} else {
			return cli_usage("lab ", "lab demo: unknown argument '%s'", argv[i]);
		}
	}
	if (lab_init(&lab, name, npaths, &e))
		return cli_usage("lab ", "%s", e.what);
	for (int i = 0; i < npaths; i++)
		lab.paths[i].rate_bps = rate;

	handle_signals();
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	ret = lab_up(&lab, &e);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return cli_fail(&e, "lab demo");
	if (!cli->json) {
		printf("[1/3] lab up\n");
		fflush(stdout);
	}
	for (int i = 0; i < npaths && !stop_sig; i++) {
		char r[32];

		if (!cli->json) {
			printf("[2/3] TCP over path %d (%s, %s) for %.1f s ...", i + 1,
			       lab.paths[i].ifname, units_fmt_rate_tc(rate, r, sizeof(r)),
			       dur / 1e6);
			fflush(stdout);
		}
		ret = lab_xfer_run(&lab, i, AF_INET, dur, false, &res[i], &e);
		if (ret)
			break;
		done++;
		if (!cli->json)
			printf(" %s\n", units_fmt_rate(res[i].bps, r, sizeof(r)));
	}
	if (stop_sig) {
		if (!cli->json)
			printf("\ninterrupted: removing the lab\n");
		ret = -EINTR;
	} else if (ret) {
		if (!cli->json)
			putchar('\n');
		cli_fail(&e, "lab demo");
	}
	{
		struct mc_err de = { 0 };

		if (lab_down(lab.name, &de)) {
			cli_fail(&de, "lab demo: removing the lab");
			ret = ret ? ret : -EIO;
		}
	}
	if (cli->json) {
		struct jw w;

		jw_init(&w, stdout, cli->pretty);
		jw_obj_open(&w, NULL);
		jw_str(&w, "lab", lab.name);
		jw_u64(&w, "rate_bps", rate);
		jw_arr_open(&w, "paths");
		for (int i = 0; i < done; i++) {
			jw_obj_open(&w, NULL);
			jw_u64(&w, "path", (uint64_t)i + 1);
			jw_str(&w, "ifname", lab.paths[i].ifname);
			jw_u64(&w, "bytes", res[i].bytes);
			jw_u64(&w, "usec", res[i].usec);
			jw_u64(&w, "goodput_bps", res[i].bps);
			jw_double(&w, "of_rate", (double)res[i].bps / (double)rate);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
		jw_bool(&w, "ok", ret == 0);
		jw_obj_close(&w);
		jw_end(&w);
	} else if (!ret) {
		char r[32];

		printf("[3/3] lab down\n\n%-6s %-6s %14s %10s\n", "path", "iface", "TCP goodput",
		       "of rate");
		for (int i = 0; i < done; i++)
			printf("%-6d %-6s %14s %9.1f%%\n", i + 1, lab.paths[i].ifname,
			       units_fmt_rate(res[i].bps, r, sizeof(r)),
			       100.0 * (double)res[i].bps / (double)rate);
	}
	if (stop_sig)
		return 128 + stop_sig;
	return ret ? EXIT_FAIL : EXIT_OK;
}
