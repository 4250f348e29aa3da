// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl status: what each MPTCP connection really does, subflow by subflow. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/tcp.h>

#include "cli.h"
#include "../common/json.h"
#include "../common/strbuf.h"
#include "../common/units.h"
#include "../diag/diag.h"
#include "../daemon/daemon.h"

static const char status_usage[] =
	"Usage: mptcpctl status [-j] [-l] [-p] [port P] [dst ADDR] [src ADDR] [pid PID]\n"
	"                       [--expect-subflows N | --watch [INTERVAL] [count N]]\n"
	"\n"
	"Every MPTCP connection of this network namespace (use 'mptcpctl -n NETNS'\n"
	"for another) with its TCP subflows, from one sock_diag dump of MPTCP sockets\n"
	"and one of TCP sockets joined by token: addresses, interface, endpoint ids,\n"
	"backup and join flags, bytes, rtt, cwnd, retransmits and each subflow's\n"
	"share. Connections that fell back to TCP say so, and why where the kernel\n"
	"tells. Plain TCP connections are not MPTCP and are never listed.\n"
	"\n"
	"  -l                   include listeners\n"
	"  -p                   show the owning process (as ss -p: it reads /proc/*/fd,\n"
	"                       which costs time with many sockets)\n"
	"  port P               connections with P as local or remote port\n"
	"  dst ADDR, src ADDR   remote / local address of the connection\n"
	"  pid PID              connections owned by process PID\n"
	"  --expect-subflows N  exit 0 when every matching connection has at least N\n"
	"                       established subflows and did not fall back, else 1\n"
	"                       with a one-line reason\n"
	"  --watch [INTERVAL]   redraw every INTERVAL (default 1s) with each subflow's\n"
	"                       rates; with -j, one JSON object per line. Ends on\n"
	"                       SIGINT/SIGTERM, or after 'count N' refreshes\n"
	"\n"
	"Before Linux 6.15 the kernel shows subflow details only to CAP_NET_ADMIN:\n"
	"for other users only each connection's first subflow can be matched, and\n"
	"status says so.\n";

struct filter {
	int port; /* -1: any */
	bool has_dst, has_src;
	struct mc_prefix dst, src;
	int pid;
	bool listeners;
	bool procs; /* -p: look up owning processes in /proc */
	int expect; /* -1: no check */
	bool watch;
	uint64_t interval_us;
	long count; /* watch: stop after this many refreshes; -1 = never */
};

static bool match(const struct filter *f, const struct mc_conn *c)
{
	if (f->port >= 0 && c->s.sport != f->port && c->s.dport != f->port)
		return false;
	if (f->has_dst && (c->s.family != f->dst.family ||
			   memcmp(c->s.dst.a.raw, f->dst.a.raw, mc_prefix_alen(&f->dst))))
		return false;
	if (f->has_src && (c->s.family != f->src.family ||
			   memcmp(c->s.src.a.raw, f->src.a.raw, mc_prefix_alen(&f->src))))
		return false;
	if (f->pid > 0 && c->pid != f->pid)
		return false;
	return true;
}

static const char *endpoint(const struct diag_sock *s, bool local, char *buf, size_t len)
{
	char a[MC_ADDRSTRLEN];
	const struct mc_prefix *p = local ? &s->src : &s->dst;

	mc_prefix_fmt(p, false, a, sizeof(a));
	snprintf(buf, len, p->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 local ? s->sport : s->dport);
	return buf;
}

static const char *kind_name(enum mc_conn_kind k)
{
	return k == MC_CONN_MPTCP ? "mptcp" : k == MC_CONN_FALLBACK ? "tcp-fallback" : "listen";
}

/* The longest line print_text writes (a subflow's is under 600 bytes). */
#define LINE_MAX_LEN 1024

/*
 * One connection and its subflows, as text. Through a cursor, not printf:
 * over 10,000 connections this was most of status's own time.
 */
static void print_text(struct sb *o, const struct mc_conn *c)
{
	char *p = sb_room(o, LINE_MAX_LEN);

	if (!p)
		return;
	p = sbp_pad(p, kind_name(c->kind), 16, 12);
	*p++ = ' ';
	p = sbp_addr_port(p, &c->s.src, c->s.sport);
	if (c->kind != MC_CONN_LISTEN) {
		p = SBP_LIT(p, " -> ");
		p = sbp_addr_port(p, &c->s.dst, c->s.dport);
	}
	p = SBP_LIT(p, "  ");
	p = sbp_pad(p, diag_state_name(c->s.state), 16, 0);
	if (c->pid) {
		p = SBP_LIT(p, "  ");
		p = sbp_pad(p, c->comm, sizeof(c->comm), 0);
		*p++ = '[';
		p = sbp_u64(p, (uint64_t)c->pid);
		*p++ = ']';
	}
	if (c->kind != MC_CONN_LISTEN) {
		p = SBP_LIT(p, "  subflows ");
		p = sbp_u64(p, (uint64_t)c->nsub_established);
		*p++ = '/';
		p = sbp_u64(p, c->s.has_mptcp ? c->s.mptcp.subflows_max + 1U : 0);
		if (c->s.mptcp_len > offsetof(struct mc_mptcp_info, bytes_acked)) {
			p = SBP_LIT(p, "  sent ");
			p = sbp_bytes(p, c->s.mptcp.bytes_acked);
			p = SBP_LIT(p, " recv ");
			p = sbp_bytes(p, c->s.mptcp.bytes_received);
		}
	}
	*p++ = '\n';
	sb_commit(o, p);
	if (c->why) {
		sb_puts(o, "  why: ");
		sb_puts(o, c->why);
		sb_putc(o, '\n');
	}
	for (int i = 0; i < c->nsub; i++) {
		const struct mc_subflow *sf = &c->subs[i];
		const struct diag_sock *s = sf->s;

		p = sb_room(o, LINE_MAX_LEN);
		if (!p)
			return;
		p = SBP_LIT(p, "  subflow ");
		p = sbp_pad(p, sf->ifname[0] ? sf->ifname : "?", sizeof(sf->ifname), 5);
		*p++ = ' ';
		p = sbp_addr_port(p, &s->src, s->sport);
		p = SBP_LIT(p, " -> ");
		p = sbp_addr_port(p, &s->dst, s->dport);
		p = SBP_LIT(p, "  ");
		p = sbp_pad(p, diag_state_name(s->state), 16, 0);
		if (s->has_sf) {
			p = SBP_LIT(p, "  id ");
			p = sbp_u64(p, s->id_loc);
			*p++ = '/';
			p = sbp_u64(p, s->id_rem);
			if (s->sf_flags & (MC_SF_JOIN_LOC | MC_SF_JOIN_REM))
				p = SBP_LIT(p, " join");
			if (s->sf_flags & (MC_SF_BKUP_LOC | MC_SF_BKUP_REM))
				p = SBP_LIT(p, " backup");
			if (s->sf_flags & MC_SF_FULLY_ESTABLISHED)
				p = SBP_LIT(p, " fully-established");
		}
		p = SBP_LIT(p, "  sent ");
		p = sbp_bytes(p, s->tcp.bytes_acked);
		p = SBP_LIT(p, " recv ");
		p = sbp_bytes(p, s->tcp.bytes_received);
		p = SBP_LIT(p, " (");
		p = sbp_round(p, sf->share * 100);
		p = SBP_LIT(p, "%)  rtt ");
		p = sbp_ratio(p, s->tcp.rtt_us, 1000, 2);
		p = SBP_LIT(p, "ms cwnd ");
		p = sbp_u64(p, s->tcp.snd_cwnd);
		p = SBP_LIT(p, " retrans ");
		p = sbp_u64(p, s->tcp.total_retrans);
		if (sf->has_rate) {
			p = SBP_LIT(p, "  tx ");
			p = sbp_rate(p, (uint64_t)sf->tx_bps);
			p = SBP_LIT(p, " rx ");
			p = sbp_rate(p, (uint64_t)sf->rx_bps);
		}
		*p++ = '\n';
		sb_commit(o, p);
	}
}

static void json_sock_addrs(struct jw *w, const struct diag_sock *s)
{
	char a[MC_ADDRSTRLEN];

	jw_str(w, "local", mc_prefix_fmt(&s->src, false, a, sizeof(a)));
	jw_u64(w, "local_port", s->sport);
	jw_str(w, "remote", mc_prefix_fmt(&s->dst, false, a, sizeof(a)));
	jw_u64(w, "remote_port", s->dport);
	jw_str(w, "state", diag_state_name(s->state));
}

static void print_json(struct jw *w, const struct mc_conn *c)
{
	jw_obj_open(w, NULL);
	jw_str(w, "kind", kind_name(c->kind));
	json_sock_addrs(w, &c->s);
	jw_bool(w, "mptcp", c->kind == MC_CONN_MPTCP);
	jw_bool(w, "fallback", c->kind == MC_CONN_FALLBACK);
	if (c->why)
		jw_str(w, "fallback_reason", c->why);
	if (c->pid) {
		jw_i64(w, "pid", c->pid);
		jw_str(w, "comm", c->comm);
	}
	if (c->s.has_mptcp) {
		jw_u64(w, "token", c->s.mptcp.token);
		jw_u64(w, "subflows_established", (uint64_t)c->nsub_established);
		jw_u64(w, "subflows_limit", (uint64_t)c->s.mptcp.subflows_max + 1);
		jw_u64(w, "add_addr_accepted", c->s.mptcp.add_addr_accepted);
		if (c->s.mptcp_len > offsetof(struct mc_mptcp_info, bytes_acked)) {
			jw_u64(w, "bytes_sent", c->s.mptcp.bytes_sent);
			jw_u64(w, "bytes_acked", c->s.mptcp.bytes_acked);
			jw_u64(w, "bytes_received", c->s.mptcp.bytes_received);
			jw_u64(w, "bytes_retrans", c->s.mptcp.bytes_retrans);
		}
	}
	jw_arr_open(w, "subflows");
	for (int i = 0; i < c->nsub; i++) {
		const struct mc_subflow *sf = &c->subs[i];
		const struct diag_sock *s = sf->s;

		jw_obj_open(w, NULL);
		json_sock_addrs(w, s);
		jw_str(w, "interface", sf->ifname[0] ? sf->ifname : NULL);
		if (s->has_sf) {
			jw_u64(w, "local_id", s->id_loc);
			jw_u64(w, "remote_id", s->id_rem);
			jw_bool(w, "mp_join", s->sf_flags & (MC_SF_JOIN_LOC | MC_SF_JOIN_REM));
			jw_bool(w, "backup", s->sf_flags & (MC_SF_BKUP_LOC | MC_SF_BKUP_REM));
			jw_bool(w, "fully_established", s->sf_flags & MC_SF_FULLY_ESTABLISHED);
		}
		jw_u64(w, "bytes_sent", s->tcp.bytes_sent);
		jw_u64(w, "bytes_acked", s->tcp.bytes_acked);
		jw_u64(w, "bytes_received", s->tcp.bytes_received);
		jw_double(w, "share", sf->share);
		jw_u64(w, "rtt_us", s->tcp.rtt_us);
		jw_u64(w, "cwnd", s->tcp.snd_cwnd);
		jw_u64(w, "retrans", s->tcp.total_retrans);
		if (sf->has_rate) {
			jw_u64(w, "tx_bps", (uint64_t)sf->tx_bps);
			jw_u64(w, "rx_bps", (uint64_t)sf->rx_bps);
		}
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

static int parse_args(int argc, char **argv, struct cli *cli, struct filter *f)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;
		long v;

		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			cli->json = true;
			continue;
		}
		if (!strcmp(a, "-l") || !strcmp(a, "--listening")) {
			f->listeners = true;
			continue;
		}
		if (!strcmp(a, "-p") || !strcmp(a, "--processes")) {
			f->procs = true;
			continue;
		}
		if (!strcmp(a, "--watch") || !strcmp(a, "-w")) {
			f->watch = true;
			/* An optional interval follows. */
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
				if (units_parse_duration(argv[++i], &f->interval_us) ||
				    f->interval_us < 100000 || f->interval_us > 3600000000ULL)
					return cli_usage(
						"status ",
						"status: --watch '%s': expected 0.1s to 1h",
						argv[i]);
			}
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage("status ", "status: '%s' needs a value", a);
		if (!strcmp(a, "count")) {
			errno = 0;
			f->count = strtol(argv[++i], &end, 10);
			if (errno || *end || end == argv[i] || f->count < 1)
				return cli_usage("status ",
						 "status: count '%s': expected a positive number",
						 argv[i]);
			continue;
		}
		if (!strcmp(a, "port") || !strcmp(a, "pid") || !strcmp(a, "--expect-subflows")) {
			errno = 0;
			v = strtol(argv[++i], &end, 10);
			if (errno || *end || end == argv[i] || v < 0 ||
			    v > (!strcmp(a, "port") ? 65535 :
				 !strcmp(a, "pid")  ? 0x7fffffff :
						      8))
				return cli_usage("status ", "status: %s '%s': not a valid number",
						 a, argv[i]);
			if (!strcmp(a, "port"))
				f->port = (int)v;
			else if (!strcmp(a, "pid"))
				f->pid = (int)v;
			else
				f->expect = (int)v;
		} else if (!strcmp(a, "dst") || !strcmp(a, "src")) {
			struct mc_prefix *p = !strcmp(a, "dst") ? &f->dst : &f->src;

			if (mc_prefix_parse(argv[++i], p) ||
			    p->plen != (p->family == AF_INET ? 32 : 128))
				return cli_usage("status ", "status: %s '%s': not an IP address", a,
						 argv[i]);
			if (!strcmp(a, "dst"))
				f->has_dst = true;
			else
				f->has_src = true;
		} else {
			return cli_usage("status ", "status: unknown argument '%s'", a);
		}
	}
	return 0;
}

/* --expect-subflows: one line, exit 0 or 1. */
static int expect_check(const struct mc_conns *cs, const struct filter *f)
{
	int n = 0;

	for (size_t i = 0; i < cs->n; i++) {
		const struct mc_conn *c = &cs->v[i];
		char l[64], r[64];

		if (c->kind == MC_CONN_LISTEN || !match(f, c))
			continue;
		n++;
		endpoint(&c->s, true, l, sizeof(l));
		endpoint(&c->s, false, r, sizeof(r));
		if (c->kind == MC_CONN_FALLBACK) {
			printf("FAIL %s -> %s fell back to TCP%s%s\n", l, r, c->why ? ": " : "",
			       c->why ? c->why : "");
			return EXIT_FAIL;
		}
		if (c->nsub_established < f->expect) {
			printf("FAIL %s -> %s has %d established subflow%s, expected at least %d\n",
			       l, r, c->nsub_established, c->nsub_established == 1 ? "" : "s",
			       f->expect);
			return EXIT_FAIL;
		}
	}
	if (n == 0) {
		printf("FAIL no matching MPTCP connection\n");
		return EXIT_FAIL;
	}
	printf("OK %d connection%s with at least %d established subflow%s\n", n, n == 1 ? "" : "s",
	       f->expect, f->expect == 1 ? "" : "s");
	return EXIT_OK;
}

/* A range of connections rendered as text into a buffer of its own. */
struct text_part {
	const struct mc_conns *cs;
	const struct filter *f;
	size_t from, to;
	struct sb o;
	int shown;
};

static void *text_part_run(void *arg)
{
	struct text_part *t = arg;

	for (size_t i = t->from; i < t->to; i++) {
		/* The subflows lie in dump order, not in this one: fetch a few ahead. */
		if (i + 8 < t->to && t->cs->v[i + 8].nsub) {
			const char *p = (const char *)t->cs->v[i + 8].subs[0].s;

			__builtin_prefetch(p);
			__builtin_prefetch(p + 64);
			__builtin_prefetch(p + 128);
			__builtin_prefetch(p + 192);
		}
		if (!match(t->f, &t->cs->v[i]))
			continue;
		print_text(&t->o, &t->cs->v[i]);
		t->shown++;
	}
	return NULL;
}

/*
 * Text of every matching connection to stdout; returns how many. Many
 * connections are rendered in rounds of two chunks, the second on another
 * CPU, and written in order: the output is the same, in half the time.
 */
static int render_text(const struct mc_conns *cs, const struct filter *f)
{
	const size_t chunk = 4096; /* ~1 MB of text: the buffers are reused, few page faults */
	bool two = cs->n > 2048 && sysconf(_SC_NPROCESSORS_ONLN) > 1;
	struct text_part t[2] = { { .cs = cs, .f = f }, { .cs = cs, .f = f } };
	int shown = 0;

	for (size_t at = 0; at < cs->n;) {
		size_t left = cs->n - at, n0 = left < chunk ? left : chunk, n1 = 0;
		pthread_t th;
		bool threaded = false;

		if (two) {
			n0 = left < 2 * chunk ? (left + 1) / 2 : chunk;
			n1 = left - n0 < chunk ? left - n0 : chunk;
		}
		t[0].from = at;
		t[0].to = at + n0;
		t[1].from = t[0].to;
		t[1].to = t[0].to + n1;
		if (n1)
			threaded = pthread_create(&th, NULL, text_part_run, &t[1]) == 0;
		text_part_run(&t[0]);
		if (threaded)
			pthread_join(th, NULL);
		else if (n1)
			text_part_run(&t[1]);
		for (int k = 0; k < 2; k++) {
			sb_flush(&t[k].o, stdout);
			shown += t[k].shown;
			t[k].shown = 0;
		}
		at += n0 + n1;
	}
	sb_free(&t[0].o);
	sb_free(&t[1].o);
	return shown;
}

static void render(struct cli *cli, const struct mc_conns *cs, const struct filter *f)
{
	int shown = 0;

	if (cli->json) {
		struct jw w;
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		jw_init(&w, stdout, cli->pretty && !f->watch);
		jw_obj_open(&w, NULL);
		if (f->watch)
			jw_fixed6(&w, "time", (double)ts.tv_sec + ts.tv_nsec / 1e9);
		/* daemon: whether `mptcpctl daemon` manages this namespace (null: none) */
		{
			char conf[256];
			pid_t pid;

			if (!dmn_running(&pid, conf, sizeof(conf))) {
				jw_obj_open(&w, "daemon");
				jw_i64(&w, "pid", pid);
				jw_str(&w, "config", conf);
				jw_obj_close(&w);
			} else {
				jw_null(&w, "daemon");
			}
		}
		jw_bool(&w, "subflow_details_hidden", cs->details_hidden);
		jw_bool(&w, "processes_hidden", cs->procs_hidden);
		jw_arr_open(&w, "connections");
		for (size_t i = 0; i < cs->n; i++)
			if (match(f, &cs->v[i]))
				print_json(&w, &cs->v[i]);
		jw_arr_close(&w);
		jw_obj_close(&w);
		jw_end(&w);
		return;
	}
	/* daemon: the one line saying that `mptcpctl daemon` manages this namespace */
	{
		char conf[256];
		pid_t pid;

		if (!dmn_running(&pid, conf, sizeof(conf)))
			printf("paths managed by mptcpctl daemon (pid %d, config %s)\n", (int)pid,
			       conf);
	}
	shown = render_text(cs, f);
	if (!shown)
		printf("no MPTCP connections%s\n",
		       f->port >= 0 || f->has_dst || f->has_src || f->pid ? " match" : "");
	if (cs->details_hidden)
		printf("note: the kernel hides subflow details from users without CAP_NET_ADMIN: "
		       "only first subflows are matched\n");
	if (cs->procs_hidden && shown)
		printf("note: other users' processes are hidden: run as root to see every owner\n");
	fflush(stdout);
}

static int load(struct mc_conns *cs, const struct filter *f, struct mc_err *e)
{
	int ret = mc_conns_load(cs, f->listeners, e);

	if (ret)
		return ret;
	if (f->procs || f->pid > 0)
		mc_conns_procs(cs);
	/* Interface names are a nicety: a failure to read them is not fatal. */
	mc_conns_ifnames(cs, NULL);
	return 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --watch: redraw every interval with per-subflow rates until a signal or count. */
static int watch(struct cli *cli, const struct filter *f)
{
	struct mc_conns prev = { 0 }, cur;
	struct mc_err e = { 0 };
	bool tty = isatty(STDOUT_FILENO) && !cli->json;
	double t_prev = 0;
	sigset_t sigs;
	int sfd, ret = EXIT_OK;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	for (long n = 0; f->count < 0 || n < f->count; n++) {
		struct pollfd p = { .fd = sfd, .events = POLLIN };
		double t;

		if (load(&cur, f, &e)) {
			ret = cli_fail(&e, "status");
			break;
		}
		t = mono_s();
		if (n > 0)
			mc_conns_rates(&cur, &prev, t - t_prev);
		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (n > 0 && !cli->json)
			putchar('\n');
		if (!cli->json) {
			time_t now = time(NULL);
			char ts[32];

			strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
			printf("mptcpctl status, every %.1fs, %s\n", f->interval_us / 1e6, ts);
		}
		render(cli, &cur, f);
		mc_conns_free(&prev);
		prev = cur;
		t_prev = t;
		if (f->count >= 0 && n + 1 >= f->count)
			break;
		if (poll(&p, 1, (int)(f->interval_us / 1000)) > 0)
			break; /* SIGINT or SIGTERM: a normal end */
	}
	mc_conns_free(&prev);
	if (sfd >= 0)
		close(sfd);
	return ret;
}

int cmd_status_main(struct cli *cli, int argc, char **argv)
{
	struct filter f = { .port = -1, .expect = -1, .interval_us = 1000000, .count = -1 };
	struct mc_err e = { 0 };
	struct mc_conns cs;
	int ret;

	for (int i = 1; i < argc; i++)
		if (cli_is_help(argv[i])) {
			fputs(status_usage, stdout);
			return EXIT_OK;
		}
	ret = parse_args(argc, argv, cli, &f);
	if (ret)
		return ret;
	if (f.watch && f.expect >= 0)
		return cli_usage("status ",
				 "status: --watch and --expect-subflows exclude each other");
	if (f.watch)
		return watch(cli, &f);
	if (load(&cs, &f, &e))
		return cli_fail(&e, "status");
	ret = f.expect >= 0 ? expect_check(&cs, &f) : (render(cli, &cs, &f), EXIT_OK);
	mc_conns_free(&cs);
	return ret;
}
