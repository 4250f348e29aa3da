// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl capture: what was on the wire, per MPTCP connection and subflow. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "../capture/pcapio.h"
#include "../common/json.h"
#include "../common/units.h"

static const char capture_usage[] =
	"Usage: mptcpctl [-n NETNS] capture IFACE... [filter EXPR] [duration D] [count N]\n"
	"                [snaplen N] [-j]\n"
	"       mptcpctl capture read FILE [filter EXPR] [count N] [--progress] [-j]\n"
	"\n"
	"Reads TCP segments from live interfaces (libpcap; 'any' for all of them)\n"
	"or from a pcap/pcapng file (tcpdump -w, tshark -w) and tells, per MPTCP\n"
	"connection (keyed by its tokens):\n"
	"  - whether it negotiated MPTCP (MP_CAPABLE, v1 or the old v0) or fell back\n"
	"    to TCP, and why (no MP_CAPABLE in the SYN/ACK or the third ACK, data\n"
	"    without DSS, an infinite mapping, MP_FAIL);\n"
	"  - its subflows: addresses, interface, how each MP_JOIN ended (joined,\n"
	"    refused, no answer), bytes carried and their share, retransmitted and\n"
	"    reinjected bytes, and the state at the end (closed, reset and why,\n"
	"    silent since a path went down);\n"
	"  - the addresses announced (ADD_ADDR) and removed (REMOVE_ADDR).\n"
	"Plain TCP connections are listed as such.\n"
	"\n"
	"  IFACE...     interfaces of this namespace (-n NETNS for another)\n"
	"  filter EXPR  a pcap filter (one word: quote it), ANDed with 'tcp'\n"
	"  duration D   stop after D (1.5s, 200ms, 1m); default: at Ctrl-C\n"
	"  count N      stop after N frames\n"
	"  snaplen N    bytes kept per frame (default 256: every header, no payload)\n"
	"  --progress   progress on stderr while reading a file (default on a terminal)\n"
	"  -j           JSON\n"
	"\n"
	"Byte counts come from the IP lengths, so a short snaplen does not lower them.\n"
	"Exit status: 0 ok, 1 failure (an interface or file that cannot be read, a\n"
	"file cut short: the report then covers what came before), 2 usage.\n";

struct cap_args {
	char *ifaces[CAP_MAX_IFACES];
	int nifaces;
	const char *file;
	bool progress;
	struct cap_opts o;
};

static int parse(struct cli *cli, int argc, char **argv, struct cap_args *a)
{
	int i = 1;

	if (i < argc && !strcmp(argv[i], "read")) {
		if (i + 1 >= argc)
			return cli_usage("capture ", "capture read: which file?");
		a->file = argv[i + 1];
		i += 2;
	}
	for (; i < argc; i++) {
		const char *w = argv[i];
		bool has_val = i + 1 < argc;

		if (!strcmp(w, "-j") || !strcmp(w, "--json")) {
			cli->json = true; /* the global -j, taken after the subcommand too */
		} else if (!strcmp(w, "--progress")) {
			a->progress = true;
		} else if (!strcmp(w, "filter")) {
			if (!has_val)
				return cli_usage("capture ",
						 "capture: 'filter' needs an expression");
			a->o.filter = argv[++i];
		} else if (!strcmp(w, "duration")) {
			if (!has_val || units_parse_duration(argv[i + 1], &a->o.duration_us) ||
			    !a->o.duration_us)
				return cli_usage("capture ",
						 "capture: duration '%s': not a duration",
						 has_val ? argv[i + 1] : "");
			i++;
		} else if (!strcmp(w, "count")) {
			uint32_t n;

			if (!has_val || units_parse_u32(argv[i + 1], 1, UINT32_MAX, &n))
				return cli_usage("capture ",
						 "capture: count '%s': not a number >= 1",
						 has_val ? argv[i + 1] : "");
			a->o.count = n;
			i++;
		} else if (!strcmp(w, "snaplen")) {
			uint32_t n;

			if (!has_val || units_parse_u32(argv[i + 1], 68, 262144, &n))
				return cli_usage("capture ",
						 "capture: snaplen '%s': give 68 to 262144",
						 has_val ? argv[i + 1] : "");
			a->o.snaplen = (int)n;
			i++;
		} else if (w[0] == '-') {
			return cli_usage("capture ", "capture: unknown option '%s'", w);
		} else if (a->file) {
			return cli_usage("capture ", "capture read: unknown argument '%s'", w);
		} else if (a->nifaces == CAP_MAX_IFACES) {
			return cli_usage("capture ", "capture: at most %d interfaces",
					 CAP_MAX_IFACES);
		} else {
			a->ifaces[a->nifaces++] = argv[i];
		}
	}
	if (!a->file && !a->nifaces)
		return cli_usage("capture ", "capture: which interface (or 'read FILE')?");
	if (a->file && a->o.duration_us)
		return cli_usage("capture ", "capture read: 'duration' is for live captures");
	if (a->file && a->o.snaplen)
		return cli_usage("capture ", "capture read: 'snaplen' is for live captures");
	return 0;
}

/* ---- rendering ---- */

static const char *endpoint(uint8_t family, const uint8_t *addr, uint16_t port, char *buf,
			    size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, a, sizeof(a));
	snprintf(buf, len, family == 4 ? "%s:%u" : "[%s]:%u", a, port);
	return buf;
}

static const char *addr_str(uint8_t family, const uint8_t *addr, char *buf, size_t len)
{
	return inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, buf, (socklen_t)len);
}

static const char *host_name(int side)
{
	return side ? "server" : "client";
}

static const char *conn_kind(const struct cap_conn *c)
{
	return c->fallback != CAP_FB_NONE ? "fallback" : "mptcp";
}

static const char *role_name(uint8_t role)
{
	static const char *const names[] = { "tcp", "initial", "join", "midstream" };

	return role < 4 ? names[role] : "?";
}

static bool echoed(const struct cap_conn *c, const struct cap_event *ev)
{
	for (uint32_t k = 0; k < c->nev; k++)
		if (c->ev[k].echo && !c->ev[k].remove && c->ev[k].side != ev->side &&
		    c->ev[k].id == ev->id)
			return true;
	return false;
}

static void text_sub(const struct cap_model *m, const struct cap_sub *s, uint64_t total)
{
	char c[64], d[64], b[32], r[32], st[160];
	uint64_t carried = cap_sub_carried(s);

	printf("  subflow %-6s %s -> %s  %s", s->ifname[0] ? s->ifname : "-",
	       endpoint(s->family, s->caddr, s->cport, c, sizeof(c)),
	       endpoint(s->family, s->saddr, s->sport, d, sizeof(d)), role_name(s->role));
	if (s->role == CAP_ROLE_JOIN)
		printf(" ids %u/%u%s", s->addr_id[0], s->addr_id[1], s->backup ? " backup" : "");
	printf("  %s  %s (%.0f%%)", cap_sub_state(m, s, st, sizeof(st)),
	       units_fmt_bytes(carried, b, sizeof(b)), total ? 100.0 * carried / total : 0.0);
	if (s->d[0].retrans + s->d[1].retrans)
		printf("  retrans %s",
		       units_fmt_bytes(s->d[0].retrans + s->d[1].retrans, r, sizeof(r)));
	if (s->d[0].reinjected + s->d[1].reinjected)
		printf("  reinjected %s",
		       units_fmt_bytes(s->d[0].reinjected + s->d[1].reinjected, r, sizeof(r)));
	printf("\n");
}

static void text_conn(const struct cap_model *m, const struct cap_conn *c)
{
	const struct cap_sub *first = c->first_sub >= 0 ? &m->subs[c->first_sub] : NULL;
	uint64_t total = cap_conn_carried(m, c);
	char a[64], b[64], x[32], y[32];
	int joined = 0;

	for (int i = c->first_sub; i >= 0; i = m->subs[i].next_in_conn)
		joined += m->subs[i].join == CAP_JOIN_JOINED;
	printf("%-8s %s -> %s", conn_kind(c),
	       first ? endpoint(first->family, first->caddr, first->cport, a, sizeof(a)) : "?",
	       first ? endpoint(first->family, first->saddr, first->sport, b, sizeof(b)) : "?");
	if (c->has_version)
		printf("  v%u%s", c->version,
		       c->version == 0 ? " (RFC 6824, the out-of-tree kernel)" : "");
	if (c->has_token[0] || c->has_token[1]) {
		printf("  tokens ");
		c->has_token[0] ? printf("%08x", c->token[0]) : printf("?");
		c->has_token[1] ? printf("/%08x", c->token[1]) : printf("/?");
	}
	printf("  subflows %d (%d joined)  data %s -> / %s <-", c->nsub, joined,
	       units_fmt_bytes(c->data[0], x, sizeof(x)),
	       units_fmt_bytes(c->data[1], y, sizeof(y)));
	printf("  reinjected %s\n",
	       units_fmt_bytes(c->reinjected[0] + c->reinjected[1], x, sizeof(x)));
	if (c->fallback != CAP_FB_NONE)
		printf("  fell back to TCP at %.3f s: %s\n", c->fallback_t - m->t0,
		       cap_fallback_text(c->fallback));
	if (c->first_sub >= 0 && m->subs[c->first_sub].role != CAP_ROLE_INITIAL)
		printf("  the MP_CAPABLE handshake is not in the capture\n");
	if (c->mp_fail)
		printf("  MP_FAIL at data sequence %llu\n", (unsigned long long)c->fail_dsn);
	if (c->fastclose)
		printf("  closed by MP_FASTCLOSE\n");
	for (int i = c->first_sub; i >= 0; i = m->subs[i].next_in_conn)
		text_sub(m, &m->subs[i], total);
	for (uint32_t k = 0; k < c->nev; k++) {
		const struct cap_event *ev = &c->ev[k];

		if (ev->remove) {
			printf("  removed   id %u by the %s at %.3f s\n", ev->id,
			       host_name(ev->side), ev->t);
		} else if (!ev->echo) {
			printf("  announced %s", addr_str(ev->family, ev->addr, a, sizeof(a)));
			if (ev->has_port)
				printf(" port %u", ev->port);
			printf(" id %u by the %s at %.3f s%s\n", ev->id, host_name(ev->side), ev->t,
			       echoed(c, ev) ? " (echoed)" : " (no echo seen)");
		}
	}
	if (c->nev_lost)
		printf("  (%u more announcements not kept)\n", c->nev_lost);
}

static void text_tcp(const struct cap_model *m, const struct cap_sub *s)
{
	char a[64], b[64], x[32], st[160];

	printf("%-8s %s -> %s  %s  %s  %s  %s\n", "tcp",
	       endpoint(s->family, s->caddr, s->cport, a, sizeof(a)),
	       endpoint(s->family, s->saddr, s->sport, b, sizeof(b)),
	       s->ifname[0] ? s->ifname : "-", units_fmt_bytes(cap_sub_carried(s), x, sizeof(x)),
	       cap_sub_state(m, s, st, sizeof(st)),
	       s->syn ? "no MPTCP option in the SYN" : "its handshake is not in the capture");
}

static void summary_counts(const struct cap_model *m, size_t *mp, size_t *fb, size_t *tcp)
{
	*mp = *fb = *tcp = 0;
	for (size_t i = 0; i < m->nconns; i++)
		if (!m->conns[i].merged)
			(m->conns[i].fallback != CAP_FB_NONE ? (*fb)++ : (*mp)++);
	for (size_t i = 0; i < m->nsubs; i++)
		*tcp += m->subs[i].conn < 0;
}

static void text_report(const struct cap_model *m, const struct cap_live *l, const char *file)
{
	size_t mp, fb, tcp;
	uint64_t drops = 0;

	summary_counts(m, &mp, &fb, &tcp);
	if (file) {
		printf("capture %s", file);
	} else {
		printf("capture on");
		for (int i = 0; i < l->n; i++) {
			printf(" %s", l->v[i].name);
			drops += l->v[i].drops;
		}
	}
	printf(": %.2f s, %llu frames, %llu TCP segments", m->has_t0 ? m->tend - m->t0 : 0.0,
	       (unsigned long long)m->frames, (unsigned long long)m->segs);
	if (!file)
		printf(" (%llu dropped by the kernel)", (unsigned long long)drops);
	printf("; %zu MPTCP connection%s, %zu fell back to TCP, %zu plain TCP\n", mp + fb,
	       mp + fb == 1 ? "" : "s", fb, tcp);
	for (int i = 0; l && i < l->n; i++)
		if (l->v[i].ended)
			printf("note: %s ended at %.1f s: %s\n", l->v[i].name, l->v[i].ended_at,
			       l->v[i].why);
	if (m->opts_cut)
		printf("note: %llu segments had their TCP options cut by the snaplen (use 128 or "
		       "more)\n",
		       (unsigned long long)m->opts_cut);
	if (m->bad || m->bad_opts)
		printf("note: %llu malformed frames, %llu MPTCP options that do not decode\n",
		       (unsigned long long)m->bad, (unsigned long long)m->bad_opts);
	for (size_t i = 0; i < m->nsubs; i++) {
		const struct cap_sub *s = &m->subs[i];

		if (s->conn < 0)
			text_tcp(m, s);
		else if (m->conns[s->conn].first_sub == (int)i)
			text_conn(m, &m->conns[s->conn]);
	}
}

static void json_endpoint(struct jw *w, const char *key, uint8_t family, const uint8_t *addr,
			  uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	jw_obj_open(w, key);
	jw_str(w, "addr", addr_str(family, addr, a, sizeof(a)));
	jw_u64(w, "port", port);
	jw_obj_close(w);
}

static void json_sub(struct jw *w, const struct cap_model *m, const struct cap_sub *s,
		     uint64_t total)
{
	char st[160];
	uint64_t carried = cap_sub_carried(s);

	jw_obj_open(w, NULL);
	jw_str(w, "interface", s->ifname);
	jw_str(w, "role", role_name(s->role));
	json_endpoint(w, "client", s->family, s->caddr, s->cport);
	json_endpoint(w, "server", s->family, s->saddr, s->sport);
	if (s->role == CAP_ROLE_JOIN) {
		jw_obj_open(w, "join");
		jw_str(w, "outcome", cap_join_text(s->join));
		jw_bool(w, "joined", s->join == CAP_JOIN_JOINED);
		jw_u64(w, "client_addr_id", s->addr_id[0]);
		jw_u64(w, "server_addr_id", s->addr_id[1]);
		snprintf(st, sizeof(st), "%08x", s->join_token);
		jw_str(w, "token", st);
		jw_obj_close(w);
	}
	jw_bool(w, "backup", s->backup);
	jw_str(w, "state", cap_sub_state(m, s, st, sizeof(st)));
	jw_u64(w, "syns", s->syns);
	jw_bool(w, "reset", s->rst);
	if (s->has_rst_reason)
		jw_str(w, "reset_reason", mpopt_rst_reason_name(s->rst_reason));
	jw_u64(w, "bytes", carried);
	jw_double(w, "share", total ? (double)carried / (double)total : 0);
	for (int d = 0; d < 2; d++) {
		const struct cap_dir *x = &s->d[d];

		jw_obj_open(w, d ? "to_client" : "from_client");
		jw_u64(w, "packets", x->pkts);
		jw_u64(w, "bytes", x->bytes);
		jw_u64(w, "retransmitted", x->retrans);
		jw_u64(w, "mapped", x->mapped);
		jw_u64(w, "reinjected", x->reinjected);
		jw_obj_close(w);
	}
	jw_fixed6(w, "first", s->first - m->t0);
	jw_fixed6(w, "last", s->last - m->t0);
	jw_obj_close(w);
}

static void json_conn(struct jw *w, const struct cap_model *m, const struct cap_conn *c)
{
	uint64_t total = cap_conn_carried(m, c);
	char tok[16], a[INET6_ADDRSTRLEN];

	jw_obj_open(w, NULL);
	jw_str(w, "kind", conn_kind(c));
	if (c->has_version)
		jw_u64(w, "version", c->version);
	else
		jw_null(w, "version");
	for (int h = 0; h < 2; h++) {
		const char *key = h ? "server_token" : "client_token";

		if (c->has_token[h]) {
			snprintf(tok, sizeof(tok), "%08x", c->token[h]);
			jw_str(w, key, tok);
		} else {
			jw_null(w, key);
		}
	}
	jw_bool(w, "handshake_seen",
		c->first_sub >= 0 && m->subs[c->first_sub].role == CAP_ROLE_INITIAL);
	if (c->fallback != CAP_FB_NONE) {
		jw_obj_open(w, "fallback");
		jw_str(w, "reason", cap_fallback_id(c->fallback));
		jw_str(w, "text", cap_fallback_text(c->fallback));
		jw_fixed6(w, "time", c->fallback_t - m->t0);
		jw_obj_close(w);
	} else {
		jw_null(w, "fallback");
	}
	jw_bool(w, "mp_fail", c->mp_fail);
	jw_bool(w, "fastclose", c->fastclose);
	jw_u64(w, "data_to_server", c->data[0]);
	jw_u64(w, "data_to_client", c->data[1]);
	jw_u64(w, "reinjected", c->reinjected[0] + c->reinjected[1]);
	jw_u64(w, "bytes", total);
	jw_arr_open(w, "subflows");
	for (int i = c->first_sub; i >= 0; i = m->subs[i].next_in_conn)
		json_sub(w, m, &m->subs[i], total);
	jw_arr_close(w);
	jw_arr_open(w, "addresses");
	for (uint32_t k = 0; k < c->nev; k++) {
		const struct cap_event *ev = &c->ev[k];

		jw_obj_open(w, NULL);
		jw_str(w, "event", ev->remove ? "remove" : ev->echo ? "echo" : "announce");
		jw_str(w, "by", host_name(ev->side));
		jw_u64(w, "id", ev->id);
		if (!ev->remove)
			jw_str(w, "addr", addr_str(ev->family, ev->addr, a, sizeof(a)));
		if (ev->has_port)
			jw_u64(w, "port", ev->port);
		jw_fixed6(w, "time", ev->t);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_u64(w, "addresses_not_kept", c->nev_lost);
	jw_obj_close(w);
}

static void json_report(struct cli *cli, const struct cap_model *m, const struct cap_live *l,
			const char *file)
{
	struct jw w;
	size_t mp, fb, tcp;

	summary_counts(m, &mp, &fb, &tcp);
	jw_init(&w, stdout, cli->pretty);
	jw_obj_open(&w, NULL);
	jw_obj_open(&w, "capture");
	if (file)
		jw_str(&w, "file", file);
	jw_arr_open(&w, "interfaces");
	for (int i = 0; l && i < l->n; i++) {
		jw_obj_open(&w, NULL);
		jw_str(&w, "name", l->v[i].name);
		jw_u64(&w, "frames", l->v[i].frames);
		jw_u64(&w, "dropped", l->v[i].drops);
		if (l->v[i].ended) {
			jw_str(&w, "ended", l->v[i].why);
			jw_fixed6(&w, "ended_at", l->v[i].ended_at);
		}
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_fixed6(&w, "duration", m->has_t0 ? m->tend - m->t0 : 0);
	jw_u64(&w, "frames", m->frames);
	jw_u64(&w, "tcp_segments", m->segs);
	jw_u64(&w, "not_tcp", m->not_tcp);
	jw_u64(&w, "malformed", m->bad);
	jw_u64(&w, "options_cut", m->opts_cut);
	jw_u64(&w, "bad_mptcp_options", m->bad_opts);
	jw_u64(&w, "mptcp_connections", mp + fb);
	jw_u64(&w, "fallbacks", fb);
	jw_u64(&w, "tcp_connections", tcp);
	jw_obj_close(&w);
	jw_arr_open(&w, "connections");
	for (size_t i = 0; i < m->nsubs; i++) {
		const struct cap_sub *s = &m->subs[i];

		if (s->conn >= 0) {
			if (m->conns[s->conn].first_sub == (int)i)
				json_conn(&w, m, &m->conns[s->conn]);
			continue;
		}
		jw_obj_open(&w, NULL);
		jw_str(&w, "kind", "tcp");
		jw_bool(&w, "handshake_seen", s->syn);
		jw_u64(&w, "bytes", cap_sub_carried(s));
		jw_arr_open(&w, "subflows");
		json_sub(&w, m, s, cap_sub_carried(s));
		jw_arr_close(&w);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	jw_end(&w);
}

/* ---- running ---- */

static void progress(void *arg, uint64_t done, uint64_t total, uint64_t frames)
{
	if (total)
		fprintf(stderr, "\rreading: %3.0f%%, %llu frames", 100.0 * done / total,
			(unsigned long long)frames);
	else
		fprintf(stderr, "\rreading: %llu frames", (unsigned long long)frames);
	*(bool *)arg = true;
}

int cmd_capture_main(struct cli *cli, int argc, char **argv)
{
	struct cap_args a = { .o = { .stop_fd = -1 } };
	struct mc_err e = { 0 };
	struct cap_live live = { 0 };
	struct cap_model m;
	bool shown = false;
	sigset_t sigs;
	int ret, rc = EXIT_OK;

	if (cli_wants_help(argc, argv)) {
		fputs(capture_usage, stdout);
		return EXIT_OK;
	}
	ret = parse(cli, argc, argv, &a);
	if (ret)
		return ret;
	if (cap_model_init(&m)) {
		cli_errorf("capture: out of memory");
		return EXIT_FAIL;
	}
	if (a.file) {
		if (a.progress || isatty(STDERR_FILENO)) {
			a.o.progress = progress;
			a.o.progress_arg = &shown;
		}
		ret = cap_file_read(a.file, NULL, &m, &a.o, &e);
		if (shown)
			fprintf(stderr, "\r\033[K");
		/* A file cut short: what came before it is still worth a report. */
		if (ret && ret != -EBADMSG) {
			cap_model_free(&m);
			cli_fail(&e, "capture read");
			/* A filter libpcap cannot compile is the user's words: a usage error. */
			return ret == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
		}
	} else {
		ret = cap_live_open(&live, a.ifaces, a.nifaces, &a.o, &e);
		if (ret) {
			cap_model_free(&m);
			cli_fail(&e, "capture");
			/* A filter libpcap cannot compile is the user's words: a usage error. */
			return ret == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
		}
		sigemptyset(&sigs);
		sigaddset(&sigs, SIGINT);
		sigaddset(&sigs, SIGTERM);
		sigprocmask(SIG_BLOCK, &sigs, NULL);
		a.o.stop_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
		/* As tcpdump's "listening on": scripts wait for this line. */
		fprintf(stderr, "capturing on");
		for (int i = 0; i < live.n; i++)
			fprintf(stderr, " %s", live.v[i].name);
		fprintf(stderr, "%s\n", isatty(STDERR_FILENO) ? " (Ctrl-C to stop)" : "");
		{
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			cap_model_set_start(&m, (double)ts.tv_sec + ts.tv_nsec / 1e9);
		}
		ret = cap_live_run(&live, &m, &a.o, &e);
		if (a.o.stop_fd >= 0)
			close(a.o.stop_fd);
	}
	if (cli->json)
		json_report(cli, &m, a.file ? NULL : &live, a.file);
	else
		text_report(&m, a.file ? NULL : &live, a.file);
	fflush(stdout);
	if (ret)
		rc = cli_fail(&e, a.file ? "capture read" : "capture");
	cap_live_close(&live);
	cap_model_free(&m);
	return rc;
}
