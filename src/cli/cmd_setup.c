// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl setup: multipath configuration as a plan, shown, applied atomically, undone exactly. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../common/json.h"
#include "../common/units.h"
#include "../plan/plan.h"

static const char setup_usage[] =
	"Usage: mptcpctl setup [role client|server|both] IFACE[,FLAG...] ... [OPTIONS]\n"
	"       mptcpctl setup auto [role ...] [exclude IFACE ...] [OPTIONS]\n"
	"       mptcpctl setup file PATH [OPTIONS]\n"
	"       mptcpctl setup show [-j]\n"
	"       mptcpctl setup undo [--dry-run]\n"
	"\n"
	"Configures every address of the given interfaces as an MPTCP path: a routing\n"
	"table with the subnet route (and a default route where the interface has a\n"
	"gateway), a rule 'from ADDR lookup TABLE', an endpoint whose dev is the\n"
	"interface that holds the address (server: signal, client: subflow, both:\n"
	"signal subflow; the default is both), limits sized to the paths (never\n"
	"lowered), and net.mptcp.enabled=1. Only what is missing is planned; running\n"
	"the same setup again does nothing.\n"
	"\n"
	"FLAG: backup, fullmesh, laminar (where the kernel has it).\n"
	"PATH: an INI file: a [setup] section (role, table-base, rule-pref,\n"
	"rp-filter = loose) and one [IFACE] section per path interface (flags =\n"
	"backup,...). See mptcpctl-setup(8).\n"
	"OPTIONS:\n"
	"  --dry-run       print the plan as ip/sysctl commands; change nothing\n"
	"  table-base N    first routing table id to use (default 100; used ids skipped)\n"
	"  rule-pref N     first rule priority to use (default 1000; used ones skipped)\n"
	"  rp-filter loose set rp_filter 2 on path interfaces that filter strictly\n"
	"  --force         go on although mptcpd or NetworkManager manages MPTCP here\n"
	"  -j              JSON\n"
	"\n"
	"The steps are applied in order; if one fails, the ones done are undone and\n"
	"nothing is left changed. What was applied is recorded under\n"
	"/run/mptcpctl/setup/ (per network namespace): 'setup show' compares it with\n"
	"the kernel (exit 1 when something went missing) and 'setup undo' removes\n"
	"exactly that, plus the implicit endpoints the kernel added for those\n"
	"addresses. Needs CAP_NET_ADMIN, except --dry-run and show.\n";

struct setup_opts {
	struct plan_req req;
	bool dry_run, force, is_auto;
	int nexclude;
	char exclude[PLAN_MAX_IFACES][IF_NAMESIZE];
};

static int read_conf(const char *path, struct setup_opts *o)
{
	char *buf = malloc(65536);
	struct mc_err e = { 0 };
	size_t n;
	FILE *f;
	int ret = 0;

	if (!buf)
		return EXIT_FAIL;
	f = fopen(path, "re");
	if (!f) {
		cli_errorf("setup file: %s: %s", path, strerror(errno));
		free(buf);
		return EXIT_FAIL;
	}
	n = fread(buf, 1, 65536, f);
	if (n == 65536 || ferror(f)) {
		cli_errorf("setup file: %s: %s", path, n == 65536 ? "too large" : strerror(errno));
		ret = EXIT_FAIL;
	} else if (plan_conf_parse(buf, n, &o->req, &e)) {
		cli_errorf("setup file: %s: %s", path, e.what);
		ret = EXIT_USAGE;
	}
	fclose(f);
	free(buf);
	return ret;
}

static int parse(int argc, char **argv, struct cli *cli, struct setup_opts *o)
{
	struct mc_err e = { 0 };
	bool from_file = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;

		if (!strcmp(a, "--dry-run") || !strcmp(a, "-n")) {
			o->dry_run = true;
		} else if (!strcmp(a, "--force")) {
			o->force = true;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			cli->json = true;
		} else if (!strcmp(a, "auto") && i == 1) {
			o->is_auto = true;
		} else if (!strcmp(a, "file") && i == 1) {
			int ret;

			if (!has_val)
				return cli_usage("setup ", "setup file: which file?");
			ret = read_conf(argv[++i], o);
			if (ret)
				return ret;
			from_file = true;
		} else if (!strcmp(a, "role")) {
			if (!has_val || plan_role_parse(argv[++i], &o->req.role))
				return cli_usage("setup ",
						 "setup: role '%s': use client, server or both",
						 has_val ? argv[i] : "");
		} else if (!strcmp(a, "table-base") || !strcmp(a, "rule-pref")) {
			uint32_t *dst = a[0] == 't' ? &o->req.table_base : &o->req.rule_pref;

			if (!has_val ||
			    units_parse_u32(argv[++i], a[0] == 't' ? 1 : 1,
					    a[0] == 't' ? 0x7fffffff : 32765, dst) ||
			    (a[0] == 't' && (*dst == 253 || *dst == 254 || *dst == 255)))
				return cli_usage("setup ", "setup: %s '%s': not a usable %s", a,
						 has_val ? argv[i] : "",
						 a[0] == 't' ? "table id" : "priority (1-32765)");
		} else if (!strcmp(a, "rp-filter")) {
			if (!has_val || strcmp(argv[++i], "loose"))
				return cli_usage("setup ", "setup: rp-filter takes 'loose'");
			o->req.rp_loose = true;
		} else if (!strcmp(a, "exclude") && o->is_auto) {
			if (!has_val || o->nexclude == PLAN_MAX_IFACES)
				return cli_usage("setup ", "setup: exclude needs an interface");
			snprintf(o->exclude[o->nexclude++], IF_NAMESIZE, "%s", argv[++i]);
		} else if (a[0] == '-') {
			return cli_usage("setup ", "setup: unknown option '%s'", a);
		} else if (o->is_auto || from_file) {
			return cli_usage("setup ", "setup %s: unexpected '%s'",
					 o->is_auto ? "auto" : "file", a);
		} else {
			if (o->req.niface == PLAN_MAX_IFACES)
				return cli_usage("setup ", "setup: at most %d interfaces",
						 PLAN_MAX_IFACES);
			if (plan_iface_parse(a, &o->req.iface[o->req.niface], &e))
				return cli_usage("setup ", "setup: %s", e.what);
			o->req.niface++;
		}
	}
	if (!o->is_auto && o->req.niface == 0)
		return cli_usage("setup ", "setup: which interfaces? (or 'setup auto')");
	return 0;
}

/* auto: every interface that is up with a global address, not loopback, not excluded. */
static void auto_ifaces(struct setup_opts *o, const struct plan_state *st)
{
	for (int i = 0; i < st->nlinks && o->req.niface < PLAN_MAX_IFACES; i++) {
		const struct rt_link *l = &st->links[i];
		bool has_global = false, excluded = false;

		if ((l->flags & IFF_LOOPBACK) || !(l->flags & IFF_UP))
			continue;
		for (int k = 0; k < st->naddrs; k++)
			has_global |= st->addrs[k].ifindex == l->ifindex && st->addrs[k].scope == 0;
		for (int k = 0; k < o->nexclude; k++)
			excluded |= !strcmp(o->exclude[k], l->name);
		if (!has_global || excluded)
			continue;
		snprintf(o->req.iface[o->req.niface++].name, IF_NAMESIZE, "%s", l->name);
	}
}

bool cli_has_cap_net_admin(void)
{
	char line[128];
	bool ok = false;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long caps;

		if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			ok = caps & (1ULL << 12); /* CAP_NET_ADMIN */
			break;
		}
	}
	fclose(f);
	return ok;
}

void cli_print_plan(struct cli *cli, const struct plan *p, const char *verb)
{
	char cmd[256];

	if (cli->json) {
		struct jw w;

		jw_init(&w, stdout, cli->pretty);
		jw_obj_open(&w, NULL);
		jw_str(&w, "action", verb);
		jw_arr_open(&w, "steps");
		for (int i = 0; i < p->n; i++)
			jw_str(&w, NULL, plan_step_cmd(&p->v[i], cmd, sizeof(cmd)));
		jw_arr_close(&w);
		jw_arr_open(&w, "notes");
		for (int i = 0; i < p->nnotes; i++)
			jw_str(&w, NULL, p->notes[i]);
		jw_arr_close(&w);
		jw_obj_close(&w);
		jw_end(&w);
		return;
	}
	for (int i = 0; i < p->n; i++)
		printf("%s\n", plan_step_cmd(&p->v[i], cmd, sizeof(cmd)));
	for (int i = 0; i < p->nnotes; i++)
		fprintf(stderr, "note: %s\n", p->notes[i]);
}

static int setup_apply(struct cli *cli, struct setup_opts *o)
{
	struct plan_state *st = calloc(1, sizeof(*st));
	struct plan *p = calloc(1, sizeof(*p));
	struct mc_err e = { 0 };
	const char *rival, *fail_env;
	int lock = -1, done = 0, ret = EXIT_FAIL, fail_at = 0;

	if (!st || !p)
		goto out;
	if (!o->dry_run && !cli_has_cap_net_admin()) {
		cli_errorf("setup needs CAP_NET_ADMIN (run as root); --dry-run shows the plan "
			   "without it");
		goto out;
	}
	if (!o->dry_run && plan_lock(&lock, &e)) {
		cli_fail(&e, "setup");
		goto out;
	}
	rival = plan_rival_manager();
	if (rival && !o->force && !o->dry_run) {
		cli_errorf("setup: %s manages MPTCP in this namespace; two managers fight over "
			   "endpoints. Stop it, or use --force",
			   rival);
		goto out;
	}
	if (plan_state_read(st, &e)) {
		cli_fail(&e, "setup: reading the current state");
		goto out;
	}
	if (o->is_auto) {
		auto_ifaces(o, st);
		if (!o->req.niface) {
			cli_errorf("setup auto: no interface is up with a global address");
			goto out;
		}
	}
	if (plan_build(&o->req, st, p, &e)) {
		ret = e.code == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
		cli_fail(&e, "setup");
		goto out;
	}
	if (p->n == 0) {
		if (cli->json)
			cli_print_plan(cli, p, "none");
		else
			printf("nothing to do: this host is already set up for these paths\n");
		ret = EXIT_OK;
		goto out;
	}
	if (o->dry_run) {
		cli_print_plan(cli, p, "dry-run");
		ret = EXIT_OK;
		goto out;
	}
	fail_env = getenv("MPTCPCTL_FAIL_STEP"); /* the tests' fault injection */
	if (fail_env)
		fail_at = atoi(fail_env);
	if (plan_apply(p, fail_at, &done, &e)) {
		cli_fail(&e, "setup");
		goto out;
	}
	if (plan_record_append("setup", p, &e)) {
		cli_fail(&e, "setup: applied, but recording it failed (undo will not know it)");
		goto out;
	}
	if (!cli->json)
		printf("applied %d step%s for %d path%s (role %s):\n", p->n, p->n == 1 ? "" : "s",
		       p->npaths, p->npaths == 1 ? "" : "s", plan_role_name(o->req.role));
	cli_print_plan(cli, p, "applied");
	ret = EXIT_OK;
out:
	if (lock >= 0)
		close(lock);
	free(st);
	free(p);
	return ret;
}

int cmd_setup_show(struct cli *cli, const char *o_kind)
{
	struct plan_state *st = calloc(1, sizeof(*st));
	struct plan *rec = calloc(1, sizeof(*rec));
	struct mc_err e = { 0 };
	int missing = 0, ret = EXIT_FAIL;
	char cmd[256];
	struct jw w;

	if (!st || !rec)
		goto out;
	if (plan_record_read(o_kind, rec, &e) || plan_state_read(st, &e)) {
		cli_fail(&e, "setup show");
		goto out;
	}
	if (cli->json) {
		jw_init(&w, stdout, cli->pretty);
		jw_obj_open(&w, NULL);
		jw_arr_open(&w, "applied");
	} else if (!rec->n) {
		printf("mptcpctl setup has applied nothing in this network namespace\n");
	}
	for (int i = 0; i < rec->n; i++) {
		bool present = plan_step_present(&rec->v[i], st);

		missing += !present;
		plan_step_cmd(&rec->v[i], cmd, sizeof(cmd));
		if (cli->json) {
			jw_obj_open(&w, NULL);
			jw_str(&w, "step", cmd);
			jw_bool(&w, "present", present);
			jw_obj_close(&w);
		} else {
			printf("%-8s %s\n", present ? "ok" : "MISSING", cmd);
		}
	}
	if (cli->json) {
		jw_arr_close(&w);
		jw_bool(&w, "matches", missing == 0);
		jw_obj_close(&w);
		jw_end(&w);
	} else if (missing) {
		printf("%d of %d applied objects are no longer in the kernel\n", missing, rec->n);
	}
	ret = missing ? EXIT_FAIL : EXIT_OK;
out:
	free(st);
	free(rec);
	return ret;
}

int cmd_setup_undo(struct cli *cli, const char *o_kind, int argc, char **argv)
{
	struct plan *rec = calloc(1, sizeof(*rec));
	struct mc_err e = { 0 };
	bool dry = false;
	int lock = -1, undone = 0, gone = 0, ret = EXIT_FAIL;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run"))
			dry = true;
		else if (!strcmp(argv[i], "-j"))
			cli->json = true;
		else {
			free(rec);
			return cli_usage(NULL, "%s undo: unknown argument '%s'", argv[0], argv[i]);
		}
	}
	if (!rec)
		goto out;
	if (!dry && !cli_has_cap_net_admin()) {
		cli_errorf("setup undo needs CAP_NET_ADMIN (run as root)");
		goto out;
	}
	if (!dry && plan_lock(&lock, &e)) {
		cli_fail(&e, "setup undo");
		goto out;
	}
	if (plan_record_read(o_kind, rec, &e)) {
		cli_fail(&e, "setup undo");
		goto out;
	}
	if (!rec->n) {
		printf("nothing to undo: mptcpctl %s applied nothing here\n", argv[0]);
		ret = EXIT_OK;
		goto out;
	}
	if (dry) {
		struct plan *inv = calloc(1, sizeof(*inv));

		if (!inv)
			goto out;
		for (int j = rec->n - 1; j >= 0; j--)
			plan_step_inverse(&rec->v[j], &inv->v[inv->n++]);
		cli_print_plan(cli, inv, "undo-dry-run");
		free(inv);
		ret = EXIT_OK;
		goto out;
	}
	if (plan_undo(rec, &undone, &gone, &e)) {
		cli_fail(&e, "setup undo");
		goto out;
	}
	if (plan_record_remove(o_kind, &e)) {
		cli_fail(&e, "setup undo");
		goto out;
	}
	printf("undone: %d step%s reverted", undone, undone == 1 ? "" : "s");
	if (gone)
		printf(", %d already gone", gone);
	putchar('\n');
	ret = EXIT_OK;
out:
	if (lock >= 0)
		close(lock);
	free(rec);
	return ret;
}

int cmd_setup_main(struct cli *cli, int argc, char **argv)
{
	struct setup_opts o;
	int ret;

	memset(&o, 0, sizeof(o));
	o.req.role = ROLE_BOTH;
	if (cli_wants_help(argc, argv)) {
		fputs(setup_usage, stdout);
		return EXIT_OK;
	}
	if (argc >= 2 && !strcmp(argv[1], "show")) {
		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "-j") && strcmp(argv[i], "--json"))
				return cli_usage("setup ", "setup show: unknown argument '%s'",
						 argv[i]);
			cli->json = true;
		}
		return cmd_setup_show(cli, "setup");
	}
	if (argc >= 2 && !strcmp(argv[1], "undo"))
		return cmd_setup_undo(cli, "setup", argc, argv);
	if (argc < 2) {
		fputs(setup_usage, stderr);
		return EXIT_USAGE;
	}
	ret = parse(argc, argv, cli, &o);
	if (ret)
		return ret;
	return setup_apply(cli, &o);
}
