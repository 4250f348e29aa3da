// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl lab up|down|list|show|exec|demo */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "../common/json.h"
#include "../common/units.h"
#include "../lab/lab.h"

static const char lab_usage[] =
	"Usage: mptcpctl lab up [name NAME] [paths N] [rate R[,R2...]] [loss PCT[,...]]\n"
	"                       [delay D[,...]]\n"
	"       mptcpctl lab down [NAME]\n"
	"       mptcpctl lab list [-j]\n"
	"       mptcpctl lab show [NAME] [-j]\n"
	"       mptcpctl lab exec [NAME] HOST [--] CMD [ARGS...]\n"
	"       mptcpctl lab demo [name NAME] [rate R] [time SECONDS] [--plot DIR] [-j]\n"
	"\n"
	"Two hosts, NAME-cli and NAME-srv (network namespaces), joined by N links\n"
	"(default 2, at most 8). Path 1 is eno1 with 10.0.0.0/24, path 2 eno2 with\n"
	"192.168.0.0/24, path k>=3 enoK with 10.0.(k-1).0/24; the client is .1, the\n"
	"server .2, and each path also has fd00:0:0:k::/64. NAME defaults to 'lab'.\n"
	"\n"
	"  rate   shaping of each direction (TBF), e.g. 1gbit, 200mbit; one value for\n"
	"         all paths or one per path; default unshaped\n"
	"  loss   random loss in percent on each direction (nftables)\n"
	"  delay  one-way delay (needs the kernel's netem qdisc)\n"
	"  HOST   cli|client or srv|server\n"
	"\n"
	"Needs root. Only namespaces this tool created are ever touched.\n";

static int sub_help(void)
{
	fputs(lab_usage, stdout);
	return EXIT_OK;
}

struct up_opts {
	const char *name;
	int paths;
	const char *rate, *loss, *delay;
};

static int apply_list(struct lab *lab, const char *s, const char *what, struct mc_err *e)
{
	char items[LAB_MAX_PATHS][32];
	int n = cli_split_list(s, items, LAB_MAX_PATHS);

	if (n < 0)
		return mc_err_set(e, -EINVAL, "%s '%s': expected a value or a comma-separated list",
				  what, s);
	if (n != 1 && n != lab->npaths)
		return mc_err_set(e, -EINVAL, "%s '%s': %d values for %d paths", what, s, n,
				  lab->npaths);
	for (int i = 0; i < lab->npaths; i++) {
		const char *v = items[n == 1 ? 0 : i];
		struct lab_path *p = &lab->paths[i];
		int ret;

		if (!strcmp(what, "rate")) {
			ret = units_parse_rate(v, &p->rate_bps);
			if (!ret && (p->rate_bps < 8000 || p->rate_bps > 100000000000ULL))
				ret = -ERANGE;
			if (ret)
				return mc_err_set(e, -EINVAL,
						  "rate '%s': expected a rate between 8kbit and "
						  "100gbit such as 1gbit or 200mbit",
						  v);
		} else if (!strcmp(what, "loss")) {
			if (units_parse_percent(v, &p->loss_pct))
				return mc_err_set(
					e, -EINVAL,
					"loss '%s': expected a percentage 0-100 such as 1 "
					"or 0.5%%",
					v);
		} else {
			if (units_parse_duration(v, &p->delay_us) || p->delay_us > 10000000)
				return mc_err_set(e, -EINVAL,
						  "delay '%s': expected a duration up to 10s such "
						  "as 10ms",
						  v);
		}
	}
	return 0;
}

static int need_arg(int i, int argc, char **argv)
{
	if (i + 1 >= argc)
		return cli_usage("lab ", "'%s' needs a value", argv[i]);
	return 0;
}

static int parse_paths(const char *s, int *n)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > LAB_MAX_PATHS)
		return -EINVAL;
	*n = (int)v;
	return 0;
}

static void print_lab_text(const struct lab *lab)
{
	char ns[2][LAB_NAME_MAX + 8];

	lab_ns_name(lab, LAB_CLI, ns[0], sizeof(ns[0]));
	lab_ns_name(lab, LAB_SRV, ns[1], sizeof(ns[1]));
	printf("lab %s: %s <-> %s, %d path%s%s\n", lab->name, ns[0], ns[1], lab->npaths,
	       lab->npaths == 1 ? "" : "s", lab->up ? "" : " (incomplete: mptcpctl lab down)");
	for (int i = 0; i < lab->npaths; i++) {
		const struct lab_path *p = &lab->paths[i];
		char a[4][MC_ADDRSTRLEN], r[32];

		printf("  path %d  %-5s %s <-> %s  %s <-> %s  rate %s", i + 1, p->ifname,
		       mc_prefix_fmt(&p->addr4[0], false, a[0], sizeof(a[0])),
		       mc_prefix_fmt(&p->addr4[1], false, a[1], sizeof(a[1])),
		       mc_prefix_fmt(&p->addr6[0], false, a[2], sizeof(a[2])),
		       mc_prefix_fmt(&p->addr6[1], false, a[3], sizeof(a[3])),
		       p->rate_bps ? units_fmt_rate_tc(p->rate_bps, r, sizeof(r)) : "unshaped");
		if (p->loss_pct > 0)
			printf("  loss %g%%", p->loss_pct);
		if (p->delay_us)
			printf("  delay %gms", p->delay_us / 1000.0);
		putchar('\n');
	}
}

static int lab_up_cmd(struct cli *cli, int argc, char **argv)
{
	struct up_opts o = { .name = LAB_DEFAULT_NAME, .paths = 2 };
	sigset_t block, old;
	struct mc_err e = { 0 };
	struct lab lab;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i]))
			return sub_help();
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			cli->json = true;
			continue;
		}
		if (need_arg(i, argc, argv))
			return EXIT_USAGE;
		if (!strcmp(argv[i], "name"))
			o.name = argv[++i];
		else if (!strcmp(argv[i], "paths")) {
			if (parse_paths(argv[++i], &o.paths))
				return cli_usage("lab ",
						 "paths '%s': expected a number from 1 to %d",
						 argv[i], LAB_MAX_PATHS);
		} else if (!strcmp(argv[i], "rate"))
			o.rate = argv[++i];
		else if (!strcmp(argv[i], "loss"))
			o.loss = argv[++i];
		else if (!strcmp(argv[i], "delay"))
			o.delay = argv[++i];
		else
			return cli_usage("lab ", "lab up: unknown argument '%s'", argv[i]);
	}
	ret = lab_init(&lab, o.name, o.paths, &e);
	if (!ret && o.rate)
		ret = apply_list(&lab, o.rate, "rate", &e);
	if (!ret && o.loss)
		ret = apply_list(&lab, o.loss, "loss", &e);
	if (!ret && o.delay)
		ret = apply_list(&lab, o.delay, "delay", &e);
	if (ret)
		return cli_usage("lab ", "%s", e.what);
	/* Build all or nothing: Ctrl-C waits until lab_up has finished or undone. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	ret = lab_up(&lab, &e);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return cli_fail(&e, "lab up");
	if (!cli->json)
		print_lab_text(&lab);
	return EXIT_OK;
}

static int lab_down_cmd(struct cli *cli, int argc, char **argv)
{
	const char *name = LAB_DEFAULT_NAME;
	struct mc_err e = { 0 };

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i]))
			return sub_help();
		if (!strcmp(argv[i], "name") && i + 1 < argc)
			name = argv[++i];
		else if (i == argc - 1)
			name = argv[i];
		else
			return cli_usage("lab ", "lab down: unknown argument '%s'", argv[i]);
	}
	if (!lab_name_valid(name))
		return cli_usage("lab ", "invalid lab name '%s'", name);
	if (lab_down(name, &e))
		return cli_fail(&e, "lab down");
	return EXIT_OK;
}

static void json_lab(struct jw *w, const struct lab *lab, const struct lab_host_view *views)
{
	char a[MC_ADDRSTRLEN];

	jw_obj_open(w, NULL);
	jw_str(w, "name", lab->name);
	jw_str(w, "state", lab->up ? "up" : "incomplete");
	jw_u64(w, "paths", (uint64_t)lab->npaths);
	jw_arr_open(w, "hosts");
	for (int h = 0; h < 2; h++) {
		char ns[LAB_NAME_MAX + 8];

		jw_obj_open(w, NULL);
		jw_str(w, "role", h == LAB_CLI ? "client" : "server");
		jw_str(w, "netns", lab_ns_name(lab, h, ns, sizeof(ns)));
		if (views)
			jw_str(w, "mptcp_enabled", views[h].mptcp_enabled);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_arr_open(w, "links");
	for (int i = 0; i < lab->npaths; i++) {
		const struct lab_path *p = &lab->paths[i];

		jw_obj_open(w, NULL);
		jw_u64(w, "path", (uint64_t)i + 1);
		jw_str(w, "ifname", p->ifname);
		jw_u64(w, "rate_bps", p->rate_bps);
		jw_double(w, "loss_pct", p->loss_pct);
		jw_u64(w, "delay_us", p->delay_us);
		for (int h = 0; h < 2; h++) {
			jw_obj_open(w, h == LAB_CLI ? "client" : "server");
			jw_str(w, "ipv4", mc_prefix_fmt(&p->addr4[h], true, a, sizeof(a)));
			jw_str(w, "ipv6", mc_prefix_fmt(&p->addr6[h], true, a, sizeof(a)));
			for (int k = 0; views && k < views[h].nifs; k++) {
				const struct lab_if_view *iv = &views[h].ifs[k];

				if (strcmp(iv->ifname, p->ifname))
					continue;
				jw_obj_open(w, "kernel");
				jw_bool(w, "up", iv->up);
				jw_arr_open(w, "addresses");
				for (int j = 0; j < iv->naddrs; j++)
					jw_str(w, NULL,
					       mc_prefix_fmt(&iv->addrs[j], true, a, sizeof(a)));
				jw_arr_close(w);
				jw_u64(w, "tbf_rate_bps", iv->rate_bps);
				jw_u64(w, "netem_delay_ns", iv->delay_ns);
				jw_u64(w, "tx_bytes", iv->tx_bytes);
				jw_u64(w, "rx_bytes", iv->rx_bytes);
				jw_obj_close(w);
			}
			jw_obj_close(w);
		}
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

struct list_ctx {
	struct cli *cli;
	struct jw w;
	int n;
};

static int list_cb(const struct lab *lab, void *data)
{
	struct list_ctx *c = data;

	c->n++;
	if (c->cli->json)
		json_lab(&c->w, lab, NULL);
	else
		print_lab_text(lab);
	return 0;
}

static int lab_list_cmd(struct cli *cli, int argc, char **argv)
{
	struct list_ctx c = { .cli = cli };
	struct mc_err e = { 0 };
	int ret;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i]))
			return sub_help();
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			cli->json = true;
		else
			return cli_usage("lab ", "lab list: unknown argument '%s'", argv[i]);
	}
	if (cli->json) {
		jw_init(&c.w, stdout, cli->pretty);
		jw_arr_open(&c.w, NULL);
	}
	ret = lab_list(list_cb, &c, &e);
	if (cli->json) {
		jw_arr_close(&c.w);
		jw_end(&c.w);
	}
	if (ret)
		return cli_fail(&e, "lab list");
	return EXIT_OK;
}

static void print_view_text(const struct lab *lab, const struct lab_host_view *v)
{
	for (int h = 0; h < 2; h++) {
		printf("%s (%s), net.mptcp.enabled=%s\n", v[h].ns,
		       h == LAB_CLI ? "client" : "server", v[h].mptcp_enabled);
		for (int k = 0; k < v[h].nifs; k++) {
			const struct lab_if_view *iv = &v[h].ifs[k];
			char a[MC_ADDRSTRLEN], r[32];

			printf("  %-5s %-4s", iv->ifname, iv->up ? "UP" : "DOWN");
			for (int j = 0; j < iv->naddrs; j++)
				printf(" %s", mc_prefix_fmt(&iv->addrs[j], true, a, sizeof(a)));
			printf("  tbf %s", iv->rate_bps ?
						   units_fmt_rate_tc(iv->rate_bps, r, sizeof(r)) :
						   "none");
			if (iv->delay_ns)
				printf("  netem %gms", iv->delay_ns / 1e6);
			printf("  tx %llu rx %llu bytes\n", (unsigned long long)iv->tx_bytes,
			       (unsigned long long)iv->rx_bytes);
		}
	}
	(void)lab;
}

static int lab_show_cmd(struct cli *cli, int argc, char **argv)
{
	const char *name = LAB_DEFAULT_NAME;
	struct lab_host_view v[2];
	struct mc_err e = { 0 };
	struct lab lab;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i]))
			return sub_help();
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			cli->json = true;
		else if (!strcmp(argv[i], "name") && i + 1 < argc)
			name = argv[++i];
		else if (lab_name_valid(argv[i]))
			name = argv[i];
		else
			return cli_usage("lab ", "lab show: unknown argument '%s'", argv[i]);
	}
	if (lab_load(name, &lab, &e))
		return cli_fail(&e, "lab show");
	for (int h = 0; h < 2; h++)
		if (lab_inspect(&lab, h, &v[h], &e))
			return cli_fail(&e, "lab show");
	if (cli->json) {
		struct jw w;

		jw_init(&w, stdout, cli->pretty);
		json_lab(&w, &lab, v);
		jw_end(&w);
	} else {
		print_lab_text(&lab);
		print_view_text(&lab, v);
	}
	return EXIT_OK;
}

static bool is_host_word(const char *s)
{
	return !strcmp(s, "cli") || !strcmp(s, "client") || !strcmp(s, "srv") ||
	       !strcmp(s, "server");
}

static int lab_exec_cmd(struct cli *cli, int argc, char **argv)
{
	const char *name = LAB_DEFAULT_NAME, *host = NULL;
	struct mc_err e = { 0 };
	enum lab_host h;
	struct lab lab;
	int i, status;

	/* lab exec [name NAME | NAME] HOST [--] CMD ... */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (cli_is_help(argv[i]))
			return sub_help();
		if (!strcmp(argv[i], "name") && i + 1 < argc) {
			name = argv[++i];
		} else if (!host && i + 1 < argc && !is_host_word(argv[i]) &&
			   is_host_word(argv[i + 1])) {
			name = argv[i];
		} else if (!host) {
			host = argv[i];
		} else {
			break; /* the command starts here, without "--" */
		}
	}
	if (!host)
		return cli_usage("lab ", "lab exec: which host? cli or srv");
	if (i >= argc)
		return cli_usage("lab ", "lab exec: no command given (lab exec HOST -- CMD ...)");
	if (lab_load(name, &lab, &e))
		return cli_fail(&e, "lab exec");
	if (lab_host_parse(&lab, host, &h))
		return cli_usage("lab ", "lab exec: unknown host '%s': use cli or srv", host);
	if (lab_exec(&lab, h, argv + i, &status, &e)) {
		cli_fail(&e, "lab exec");
		return e.code == -ENOENT ? 127 : 126;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_FAIL;
}

int cmd_lab_demo(struct cli *cli, int argc, char **argv);

int cmd_lab_main(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *, int, char **);
	} subs[] = {
		{ "up", lab_up_cmd },	  { "down", lab_down_cmd }, { "list", lab_list_cmd },
		{ "show", lab_show_cmd }, { "exec", lab_exec_cmd }, { "demo", cmd_lab_demo },
	};

	if (argc < 2) {
		fputs(lab_usage, stderr);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1]))
		return sub_help();
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(cli, argc - 1, argv + 1);
	return cli_usage("lab ", "lab: unknown subcommand '%s' (up, down, list, show, exec, demo)",
			 argv[1]);
}
