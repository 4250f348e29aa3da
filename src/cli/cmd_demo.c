// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpctl lab demo: the seed story on one machine. A lab of two hosts and two
 * links; doctor on the unconfigured hosts; TCP over path 1; MPTCP without extra
 * paths; setup on both hosts; MPTCP over both paths; path 1 cut mid-transfer
 * with every byte verified; undo and teardown. Interrupted (Ctrl-C, SIGTERM,
 * SIGHUP) it still undoes and removes the lab.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../common/json.h"
#include "../common/units.h"
#include "../diag/diag.h"
#include "../doctor/doctor.h"
#include "../lab/lab.h"
#include "../ns/ns.h"
#include "svg.h"

#define DEMO_MAX_SAMPLES 4096

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static const char demo_usage[] =
	"Usage: mptcpctl lab demo [name NAME] [rate R] [time SECONDS] [--plot DIR] [-j]\n"
	"\n"
	"The seed story in one command, in a lab of two hosts joined by two links\n"
	"(default name 'demo', each link shaped to 1gbit):\n"
	"  1 doctor on both hosts: the verdicts of an unconfigured host\n"
	"  2 TCP over path 1: the baseline\n"
	"  3 MPTCP with no extra paths: the same as TCP, and status says why\n"
	"  4 setup on both hosts (server: signal endpoints, client: subflow)\n"
	"  5 MPTCP over both paths: the gain and the split per path\n"
	"  6 path 1 cut mid-transfer: the connection survives, every byte verified\n"
	"  7 undo on both hosts, and the lab removed\n"
	"Each transfer lasts SECONDS (default 3). It ends with a summary table; exit\n"
	"status 0 when every step's verdict is good. --plot DIR writes an SVG per\n"
	"transfer (each path's rate over time, the cut marked) and results.json.\n";

struct row {
	const char *step;
	double gbps; /* < 0: no transfer */
	int subflows; /* < 0: unknown */
	double split[2]; /* share of the client's bytes sent on eno1, eno2 */
	bool ok;
	char verdict[160];
};

struct demo {
	struct cli *cli;
	struct lab lab;
	int nsfd[2];
	uint64_t dur;
	int nrows;
	struct row rows[8];
	int mid_subflows;
	bool cut;
	const char *plot_dir; /* --plot DIR: an SVG per transfer and results.json */
	int nsamples;
	double st[DEMO_MAX_SAMPLES];
	uint64_t stx[DEMO_MAX_SAMPLES][2];
	double cut_at;
};

static struct row *row_new(struct demo *d, const char *step)
{
	struct row *r = &d->rows[d->nrows++];

	memset(r, 0, sizeof(*r));
	r->step = step;
	r->gbps = -1;
	r->subflows = -1;
	r->split[0] = r->split[1] = -1;
	if (!d->cli->json) {
		printf("[%d/7] %s ...", d->nrows, step);
		fflush(stdout);
	}
	return r;
}

static void row_done(struct demo *d, struct row *r)
{
	if (!d->cli->json)
		printf(" %s\n", r->verdict);
}

/* ---- doctor in a host ---- */
struct doc_ctx {
	struct dr_report rep;
	struct dr_input in;
};

static int doc_fn(void *arg)
{
	struct doc_ctx *c = arg;

	if (doctor_gather(&c->in, NULL))
		return -EIO;
	doctor_check(&c->in, &c->rep);
	return 0;
}

static void step_doctor(struct demo *d)
{
	struct row *r = row_new(d, "doctor on both hosts");
	struct doc_ctx *c = calloc(1, sizeof(*c));
	size_t off = 0;

	r->ok = c != NULL;
	for (int h = 0; c && h < 2; h++) {
		if (netns_run(d->nsfd[h], doc_fn, c, NULL)) {
			r->ok = false;
			continue;
		}
		off += (size_t)snprintf(r->verdict + off, sizeof(r->verdict) - off,
					"%s%s: %d fail %d warn (", h ? "; " : "", h ? "srv" : "cli",
					c->rep.nfail, c->rep.nwarn);
		for (int i = 0, n = 0; i < c->rep.n && off < sizeof(r->verdict); i++)
			if (c->rep.r[i].status != DR_OK && n++ < 2)
				off += (size_t)snprintf(r->verdict + off, sizeof(r->verdict) - off,
							"%s%s", n > 1 ? ", " : "", c->rep.r[i].id);
		if (off < sizeof(r->verdict))
			off += (size_t)snprintf(r->verdict + off, sizeof(r->verdict) - off, ")");
	}
	free(c);
	row_done(d, r);
}

/* ---- subflows while a transfer runs, from status's model ---- */
static int count_fn(void *arg)
{
	struct mc_conns cs;
	int best = 0;

	if (mc_conns_load(&cs, false, NULL))
		return -EIO;
	for (size_t i = 0; i < cs.n; i++)
		if (cs.v[i].kind == MC_CONN_MPTCP && cs.v[i].nsub_established > best)
			best = cs.v[i].nsub_established;
	mc_conns_free(&cs);
	return best;
}

static int cut_fn(void *arg)
{
	struct demo *d = arg;
	struct nl nl;
	int ret = nl_open(&nl, NETLINK_ROUTE, NULL);

	if (ret)
		return ret;
	ret = rt_link_set_up(&nl, d->lab.paths[0].ifname, false, NULL);
	nl_close(&nl);
	return ret;
}

static void mid(void *arg)
{
	struct demo *d = arg;
	int n = netns_run(d->nsfd[LAB_CLI], count_fn, NULL, NULL);

	d->mid_subflows = n < 0 ? -1 : n;
	if (d->cut)
		netns_run(d->nsfd[LAB_CLI], cut_fn, d, NULL);
}

struct tx_ctx {
	uint64_t tx[2];
	const struct lab *lab;
};

static int tx_link(const struct rt_link *l, void *data)
{
	struct tx_ctx *t = data;

	for (int k = 0; k < 2; k++)
		if (!strcmp(l->name, t->lab->paths[k].ifname))
			t->tx[k] = l->tx_bytes;
	return 0;
}

static int tx_fn(void *arg)
{
	struct tx_ctx *t = arg;
	struct nl nl;
	int ret = nl_open(&nl, NETLINK_ROUTE, NULL);

	if (ret)
		return ret;
	ret = rt_link_dump(&nl, tx_link, t, NULL);
	nl_close(&nl);
	return ret;
}

static void tick(void *arg, uint64_t t_us)
{
	struct demo *d = arg;
	struct tx_ctx t = { .lab = &d->lab };

	if (d->nsamples >= DEMO_MAX_SAMPLES || netns_run(d->nsfd[LAB_CLI], tx_fn, &t, NULL))
		return;
	d->st[d->nsamples] = t_us / 1e6;
	d->stx[d->nsamples][0] = t.tx[0];
	d->stx[d->nsamples][1] = t.tx[1];
	d->nsamples++;
}

/* The link rates of the samples as a stacked chart: DIR/step-N.svg. */
static void plot(struct demo *d, const char *title)
{
	double *t = calloc(DEMO_MAX_SAMPLES, sizeof(double));
	double *y0 = calloc(DEMO_MAX_SAMPLES, sizeof(double));
	double *y1 = calloc(DEMO_MAX_SAMPLES, sizeof(double));
	struct svg_chart c = { .title = title,
			       .ylabel = "Gbit/s sent by the client",
			       .nseries = 2,
			       .names = { "eno1 (path 1)", "eno2 (path 2)" },
			       .mark_t = d->cut_at,
			       .mark_label = "path 1 cut" };
	char path[512];
	int n = 0;
	FILE *f;

	if (!t || !y0 || !y1 || d->nsamples < 3)
		goto out;
	for (int i = 1; i < d->nsamples; i++) {
		double dt = d->st[i] - d->st[i - 1];

		if (dt <= 0)
			continue;
		t[n] = d->st[i];
		y0[n] = (double)(d->stx[i][0] - d->stx[i - 1][0]) * 8 / dt / 1e9;
		y1[n] = (double)(d->stx[i][1] - d->stx[i - 1][1]) * 8 / dt / 1e9;
		n++;
	}
	c.n = n;
	c.t = t;
	c.y[0] = y0;
	c.y[1] = y1;
	snprintf(path, sizeof(path), "%s/step-%d.svg", d->plot_dir, d->nrows);
	f = fopen(path, "we");
	if (!f) {
		cli_errorf("lab demo: writing %s: %s", path, strerror(errno));
		goto out;
	}
	if (svg_stacked(f, &c))
		cli_errorf("lab demo: drawing %s failed", path);
	fclose(f);
out:
	free(t);
	free(y0);
	free(y1);
}

/* One transfer: goodput, subflows seen mid-way, the split by the client's link counters. */
static int transfer(struct demo *d, struct row *r, bool mptcp, bool cut, struct lab_xfer *x)
{
	struct lab_xfer_opts o = { .path = 0,
				   .family = AF_INET,
				   .dur_us = d->dur,
				   .mptcp = mptcp,
				   .verify = cut,
				   .mid = mid,
				   .mid_arg = d,
				   .mid_at_us = d->dur * 2 / 5 };

	if (d->plot_dir) {
		o.tick = tick;
		o.tick_arg = d;
		o.tick_us = 100000;
	}
	d->nsamples = 0;
	d->cut_at = cut ? (double)o.mid_at_us / 1e6 : -1;
	struct tx_ctx a = { .lab = &d->lab }, b = { .lab = &d->lab };
	struct mc_err e = { 0 };
	int ret;

	d->cut = cut;
	d->mid_subflows = -1;
	netns_run(d->nsfd[LAB_CLI], tx_fn, &a, NULL);
	ret = lab_xfer(&d->lab, &o, x, &e);
	netns_run(d->nsfd[LAB_CLI], tx_fn, &b, NULL);
	if (d->plot_dir && !ret)
		plot(d, r->step);
	if (ret) {
		char buf[512];

		snprintf(r->verdict, sizeof(r->verdict), "failed: %s",
			 mc_err_str(&e, buf, sizeof(buf)));
		return ret;
	}
	r->gbps = x->bps / 1e9;
	r->subflows = d->mid_subflows < 0 ? (mptcp ? -1 : 1) : mptcp ? d->mid_subflows : 1;
	{
		double t0 = (double)(b.tx[0] - a.tx[0]), t1 = (double)(b.tx[1] - a.tx[1]);

		if (t0 + t1 > 0) {
			r->split[0] = t0 / (t0 + t1);
			r->split[1] = t1 / (t0 + t1);
		}
	}
	return 0;
}

/* ---- setup and undo in a host ---- */
struct setup_ctx {
	enum plan_role role;
	const struct lab *lab;
	int steps;
	struct mc_err e;
};

static int setup_fn(void *arg)
{
	struct setup_ctx *c = arg;
	struct plan_state *st = calloc(1, sizeof(*st));
	struct plan *p = calloc(1, sizeof(*p));
	struct plan_req req = { .role = c->role, .niface = 2 };
	int ret = -ENOMEM, done;

	if (!st || !p)
		goto out;
	for (int k = 0; k < 2; k++)
		snprintf(req.iface[k].name, IF_NAMESIZE, "%s", c->lab->paths[k].ifname);
	ret = plan_state_read(st, &c->e);
	if (!ret)
		ret = plan_build(&req, st, p, &c->e);
	if (!ret)
		ret = plan_apply(p, 0, &done, &c->e);
	if (!ret)
		ret = plan_record_append("setup", p, &c->e);
	c->steps = p->n;
out:
	free(st);
	free(p);
	return ret;
}

static int undo_fn(void *arg)
{
	struct setup_ctx *c = arg;
	struct plan *rec = calloc(1, sizeof(*rec));
	int undone = 0, gone = 0, ret = -ENOMEM;

	if (!rec)
		return ret;
	ret = plan_record_read("setup", rec, &c->e);
	if (!ret && rec->n)
		ret = plan_undo(rec, &undone, &gone, &c->e);
	if (!ret)
		ret = plan_record_remove("setup", &c->e);
	c->steps = undone + gone;
	free(rec);
	return ret;
}

static void step_setup(struct demo *d)
{
	struct row *r = row_new(d, "setup on both hosts");
	struct setup_ctx s = { .role = ROLE_SERVER, .lab = &d->lab },
			 c = { .role = ROLE_CLIENT, .lab = &d->lab };
	char buf[512];

	r->ok = !netns_run(d->nsfd[LAB_SRV], setup_fn, &s, NULL) &&
		!netns_run(d->nsfd[LAB_CLI], setup_fn, &c, NULL);
	if (r->ok)
		snprintf(r->verdict, sizeof(r->verdict),
			 "srv: %d steps (role server), cli: %d steps (role client)", s.steps,
			 c.steps);
	else
		snprintf(r->verdict, sizeof(r->verdict), "failed: %s",
			 mc_err_str(s.e.code ? &s.e : &c.e, buf, sizeof(buf)));
	row_done(d, r);
}

static void step_undo(struct demo *d)
{
	struct row *r = row_new(d, "undo and teardown");
	struct setup_ctx s = { .lab = &d->lab }, c = { .lab = &d->lab };
	struct mc_err e = { 0 };
	bool undo_ok = !netns_run(d->nsfd[LAB_SRV], undo_fn, &s, NULL) &&
		       !netns_run(d->nsfd[LAB_CLI], undo_fn, &c, NULL);

	for (int h = 0; h < 2; h++)
		if (d->nsfd[h] >= 0)
			close(d->nsfd[h]), d->nsfd[h] = -1;
	r->ok = undo_ok && !lab_down(d->lab.name, &e);
	snprintf(r->verdict, sizeof(r->verdict), "%s; lab %s %s",
		 undo_ok ? "setup undone" : "undo failed", d->lab.name,
		 r->ok ? "removed" : "NOT removed");
	row_done(d, r);
}

static void print_json(struct demo *d, double tcp, FILE *out, bool pretty)
{
	struct jw w;

	jw_init(&w, out, pretty);
	jw_obj_open(&w, NULL);
	jw_str(&w, "lab", d->lab.name);
	jw_u64(&w, "rate_bps", d->lab.paths[0].rate_bps);
	jw_arr_open(&w, "steps");
	for (int i = 0; i < d->nrows; i++) {
		struct row *r = &d->rows[i];

		jw_obj_open(&w, NULL);
		jw_str(&w, "step", r->step);
		if (r->gbps >= 0)
			jw_double(&w, "gbps", r->gbps);
		if (r->subflows >= 0)
			jw_i64(&w, "subflows", r->subflows);
		if (r->split[0] >= 0) {
			jw_double(&w, "share_eno1", r->split[0]);
			jw_double(&w, "share_eno2", r->split[1]);
		}
		jw_bool(&w, "ok", r->ok);
		jw_str(&w, "verdict", r->verdict);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_double(&w, "gain", tcp > 0 && d->nrows > 4 ? d->rows[4].gbps / tcp : 0);
	jw_obj_close(&w);
	jw_end(&w);
}

static void print_summary(struct demo *d, double tcp)
{
	char g[16], sf[8], sp[24];

	if (d->plot_dir) {
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/results.json", d->plot_dir);
		f = fopen(path, "we");
		if (f) {
			print_json(d, tcp, f, true);
			fclose(f);
		} else {
			cli_errorf("lab demo: writing %s: %s", path, strerror(errno));
		}
	}
	if (d->cli->json) {
		print_json(d, tcp, stdout, d->cli->pretty);
		return;
	}
	printf("\n%-34s %8s %8s %13s  %s\n", "step", "Gbit/s", "subflows", "eno1/eno2", "verdict");
	for (int i = 0; i < d->nrows; i++) {
		struct row *r = &d->rows[i];

		snprintf(g, sizeof(g), r->gbps >= 0 ? "%.2f" : "-", r->gbps);
		snprintf(sf, sizeof(sf), r->subflows >= 0 ? "%d" : "-", r->subflows);
		if (r->split[0] >= 0)
			snprintf(sp, sizeof(sp), "%.0f%% / %.0f%%", r->split[0] * 100,
				 r->split[1] * 100);
		else
			snprintf(sp, sizeof(sp), "-");
		printf("%-34s %8s %8s %13s  %s%s\n", r->step, g, sf, sp,
		       r->ok ? "" : "FAILED: ", r->verdict);
	}
}

static int parse(struct cli *cli, int argc, char **argv, const char **name, uint64_t *rate,
		 uint64_t *dur, const char **plot_dir)
{
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(demo_usage, stdout);
			return -1;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			cli->json = true;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage("lab ", "'%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "--plot")) {
			*plot_dir = argv[++i];
		} else if (!strcmp(argv[i], "name")) {
			*name = argv[++i];
		} else if (!strcmp(argv[i], "rate")) {
			if (units_parse_rate(argv[++i], rate) || *rate < 1000000)
				return cli_usage("lab ", "rate '%s': expected a rate such as 1gbit",
						 argv[i]);
		} else if (!strcmp(argv[i], "time")) {
			if (units_parse_duration(argv[++i], dur) || *dur < 1000000 ||
			    *dur > 600000000)
				return cli_usage("lab ", "time '%s': expected 1 to 600 seconds",
						 argv[i]);
		} else {
			return cli_usage("lab ", "lab demo: unknown argument '%s'", argv[i]);
		}
	}
	return 0;
}

int cmd_lab_demo(struct cli *cli, int argc, char **argv);

int cmd_lab_demo(struct cli *cli, int argc, char **argv)
{
	struct demo *d = calloc(1, sizeof(*d));
	const char *name = "demo";
	uint64_t rate = 1000000000ULL;
	struct mc_err e = { 0 };
	struct sigaction sa;
	sigset_t block, old;
	struct lab_xfer x;
	double tcp = 0;
	int ret = EXIT_FAIL;
	struct row *r;

	if (!d)
		return EXIT_FAIL;
	d->cli = cli;
	d->dur = 3000000;
	d->nsfd[0] = d->nsfd[1] = -1;
	ret = parse(cli, argc, argv, &name, &rate, &d->dur, &d->plot_dir);
	if (!ret && d->plot_dir && mkdir(d->plot_dir, 0755) < 0 && errno != EEXIST) {
		cli_errorf("lab demo: --plot %s: %s", d->plot_dir, strerror(errno));
		ret = EXIT_FAIL;
	}
	if (ret) {
		free(d);
		return ret < 0 ? EXIT_OK : ret;
	}
	if (lab_init(&d->lab, name, 2, &e)) {
		free(d);
		return cli_usage("lab ", "%s", e.what);
	}
	for (int i = 0; i < 2; i++)
		d->lab.paths[i].rate_bps = rate;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: waits end with EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	ret = lab_up(&d->lab, &e);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		free(d);
		return cli_fail(&e, "lab demo");
	}
	for (int h = 0; h < 2 && !ret; h++) {
		char ns[LAB_NAME_MAX + 8];

		ret = netns_open(lab_ns_name(&d->lab, h, ns, sizeof(ns)), &d->nsfd[h], &e);
	}
	if (!cli->json && !ret)
		printf("lab %s: %s-cli and %s-srv, 2 paths of %s (eno1 10.0.0.0/24, eno2 "
		       "192.168.0.0/24)\n",
		       d->lab.name, d->lab.name, d->lab.name,
		       units_fmt_rate_tc(rate, (char[32]){ 0 }, 32));
	if (!ret && !stop_sig)
		step_doctor(d);
	if (!ret && !stop_sig) {
		r = row_new(d, "TCP over path 1");
		r->ok = !transfer(d, r, false, false, &x);
		if (r->ok) {
			tcp = r->gbps;
			snprintf(r->verdict, sizeof(r->verdict),
				 "%.1f%% of the link rate (the baseline)",
				 100.0 * (double)x.bps / (double)rate);
		}
		row_done(d, r);
	}
	if (!ret && !stop_sig) {
		r = row_new(d, "MPTCP, no extra paths");
		r->ok = !transfer(d, r, true, false, &x) && x.protocol == IPPROTO_MPTCP;
		if (r->ok)
			snprintf(r->verdict, sizeof(r->verdict),
				 "%.2fx TCP: %d subflow, as status shows; no endpoints yet",
				 tcp > 0 ? r->gbps / tcp : 0, r->subflows);
		row_done(d, r);
	}
	if (!ret && !stop_sig)
		step_setup(d);
	if (!ret && !stop_sig) {
		r = row_new(d, "MPTCP over both paths");
		r->ok = !transfer(d, r, true, false, &x);
		if (r->ok) {
			r->ok = tcp > 0 && r->gbps / tcp >= 1.8 && r->subflows >= 2;
			snprintf(r->verdict, sizeof(r->verdict), "%.2fx TCP over %d subflows",
				 tcp > 0 ? r->gbps / tcp : 0, r->subflows);
		}
		row_done(d, r);
	}
	if (!ret && !stop_sig) {
		r = row_new(d, "path 1 cut mid-transfer");
		r->ok = !transfer(d, r, true, true, &x);
		if (r->ok) {
			r->ok = x.bad_bytes == 0 && x.bytes > 0;
			snprintf(r->verdict, sizeof(r->verdict), "survived: %.0f MB received, %s",
				 x.bytes / 1e6,
				 x.bad_bytes ? "BYTES LOST OR CORRUPTED" : "every byte verified");
		}
		row_done(d, r);
	}
	if (stop_sig && !cli->json)
		printf("\ninterrupted: undoing and removing the lab\n");
	step_undo(d);
	print_summary(d, tcp);
	ret = EXIT_OK;
	for (int i = 0; i < d->nrows; i++)
		if (!d->rows[i].ok)
			ret = EXIT_FAIL;
	if (stop_sig)
		ret = 128 + stop_sig;
	free(d);
	return ret;
}
