// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl doctor and tune: verdicts with the fix; buffers from the bandwidth-delay product. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "cli.h"
#include "../common/json.h"
#include "../common/units.h"
#include "../doctor/doctor.h"
#include "../ns/ns.h"

static const char doctor_usage[] =
	"Usage: mptcpctl doctor [-j] [--fix] [rate R] [rtt T] [peer HOST [port P]]\n"
	"       mptcpctl doctor undo\n"
	"\n"
	"Runs every check of this network namespace and prints each as ok, warn or fail\n"
	"with one line of explanation and the command that fixes it: the MPTCP\n"
	"implementation (upstream, the old out-of-tree one, none), enabled, path\n"
	"manager and scheduler, limits, endpoints (an address on no interface, a dev\n"
	"that does not hold the address, a link down, no signal endpoint on a server,\n"
	"fullmesh without subflow), per-source routing, strict rp_filter, blackhole\n"
	"detection, rival managers, TCP buffers against the bandwidth-delay product\n"
	"(of 'rate R' and 'rtt T', default: the shaped rate and 1ms). Changes nothing.\n"
	"\n"
	"  --fix         apply the safe fixes (enabled, limits, rp_filter) through the\n"
	"                plan machinery of setup: 'doctor undo' reverts them\n"
	"  peer HOST     probe an MPTCP listener on HOST (port P, default 5201) from\n"
	"                each local endpoint address: does MP_CAPABLE survive, are\n"
	"                joins accepted, how many subflows establish\n"
	"  -j            JSON with the stable check ids (see mptcpctl-doctor(8))\n"
	"\n"
	"Exit status: 0 when nothing failed, 1 when a check failed, 2 usage error.\n";

static const char tune_usage[] =
	"Usage: mptcpctl tune [rate R] [rtt T] [--dry-run] [-j]\n"
	"       mptcpctl tune undo\n"
	"\n"
	"Raises net.ipv4.tcp_rmem/tcp_wmem (and net.core.rmem_max/wmem_max where they\n"
	"are writable) to twice the bandwidth-delay product of rate R (default: the\n"
	"fastest shaped link) and rtt T (default 1ms), never lowering them. Applied\n"
	"as a plan and recorded: 'tune undo' restores the previous values.\n";

struct peer_result {
	char src[MC_ADDRSTRLEN];
	int err; /* positive errno of connect, 0 ok */
	bool mptcp; /* handshake kept MPTCP */
	int subflows; /* established, including the first */
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One MPTCP connection from src to host:port; then up to 1.5 s for joins. */
static void probe_one(const struct mc_prefix *src, const struct mc_prefix *dst, uint16_t port,
		      struct peer_result *r)
{
	struct sockaddr_storage sa, da;
	socklen_t sl;
	struct pollfd p;
	int fd, err = 0;
	socklen_t el = sizeof(err);

	memset(r, 0, sizeof(*r));
	mc_prefix_fmt(src, false, r->src, sizeof(r->src));
	memset(&sa, 0, sizeof(sa));
	memset(&da, 0, sizeof(da));
	if (dst->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sa,
				    *d6 = (struct sockaddr_in6 *)&da;

		s6->sin6_family = d6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, src->a.raw, 16);
		memcpy(&d6->sin6_addr, dst->a.raw, 16);
		d6->sin6_port = htons(port);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&sa, *d4 = (struct sockaddr_in *)&da;

		s4->sin_family = d4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, src->a.raw, 4);
		memcpy(&d4->sin_addr, dst->a.raw, 4);
		d4->sin_port = htons(port);
		sl = sizeof(*s4);
	}
	fd = socket(dst->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_MPTCP);
	if (fd < 0) {
		r->err = errno;
		return;
	}
	if (bind(fd, (struct sockaddr *)&sa, sl) < 0 ||
	    (connect(fd, (struct sockaddr *)&da, sl) < 0 && errno != EINPROGRESS)) {
		r->err = errno;
		goto out;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	if (poll(&p, 1, 3000) != 1) {
		r->err = ETIMEDOUT;
		goto out;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
	if (err) {
		r->err = err;
		goto out;
	}
	/* Joins come after the handshake: watch the count for a moment. */
	for (int64_t end = mono_ms() + 1500; mono_ms() < end;) {
		struct mc_mptcp_info info;
		socklen_t il = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (getsockopt(fd, SOL_MPTCP, MC_MPTCP_INFO, &info, &il) < 0 ||
		    (info.flags & MC_MPTCP_INFO_FLAG_FALLBACK)) {
			r->mptcp = false;
			r->subflows = 1;
			break;
		}
		r->mptcp = true;
		r->subflows = 1 + info.subflows;
		if (info.subflows >= info.subflows_max && info.subflows_max)
			break;
		usleep(50000);
	}
out:
	close(fd);
}

static void add_result(struct dr_report *rep, const char *id, enum dr_status st, const char *fix,
		       const char *msg)
{
	struct dr_result *r;

	if (rep->n >= DR_MAX_RESULTS)
		return;
	r = &rep->r[rep->n++];
	r->id = id;
	r->status = st;
	snprintf(r->msg, sizeof(r->msg), "%s", msg);
	snprintf(r->fix, sizeof(r->fix), "%s", fix ? fix : "");
	rep->nok += st == DR_OK;
	rep->nwarn += st == DR_WARN;
	rep->nfail += st == DR_FAIL;
}

static void peer_probe(const struct dr_input *in, const struct mc_prefix *host, uint16_t port,
		       struct dr_report *rep)
{
	int probed = 0;

	for (int i = 0; i < in->st.nendpoints; i++) {
		const struct pm_endpoint *ep = &in->st.endpoints[i];
		struct peer_result r;
		char msg[240], hs[MC_ADDRSTRLEN];

		if (ep->addr.family != host->family || (ep->flags & MC_PM_FLAG_IMPLICIT))
			continue;
		probed++;
		probe_one(&ep->addr, host, port, &r);
		mc_prefix_fmt(host, false, hs, sizeof(hs));
		if (r.err) {
			snprintf(msg, sizeof(msg), "from %s to %s port %u: %s", r.src, hs, port,
				 strerror(r.err));
			add_result(rep, "peer.connect", DR_FAIL, NULL, msg);
		} else if (!r.mptcp) {
			snprintf(
				msg, sizeof(msg),
				"from %s: the connection fell back to TCP: the peer has no MPTCP, or "
				"something on this path strips the MPTCP option",
				r.src);
			add_result(rep, "peer.handshake", DR_FAIL, NULL, msg);
		} else {
			snprintf(msg, sizeof(msg), "from %s: MPTCP handshake kept, %d subflow%s",
				 r.src, r.subflows, r.subflows == 1 ? "" : "s");
			add_result(rep, "peer.handshake", DR_OK, NULL, msg);
			snprintf(msg, sizeof(msg), "from %s: %d subflow%s established (%s)", r.src,
				 r.subflows, r.subflows == 1 ? "" : "s",
				 r.subflows > 1 ? "joins accepted" : "no join: one path only");
			add_result(rep, "peer.subflows", r.subflows > 1 ? DR_OK : DR_WARN,
				   r.subflows > 1 ? NULL : "mptcpctl setup on both hosts", msg);
		}
	}
	if (!probed)
		add_result(rep, "peer.connect", DR_WARN, "mptcpctl setup ...",
			   "no local endpoint of the peer's address family to probe from");
}

static void print_report(struct cli *cli, const struct dr_report *rep)
{
	if (cli->json) {
		struct jw w;

		jw_init(&w, stdout, cli->pretty);
		jw_obj_open(&w, NULL);
		jw_arr_open(&w, "checks");
		for (int i = 0; i < rep->n; i++) {
			jw_obj_open(&w, NULL);
			jw_str(&w, "id", rep->r[i].id);
			jw_str(&w, "status", dr_status_name(rep->r[i].status));
			jw_str(&w, "message", rep->r[i].msg);
			if (rep->r[i].fix[0])
				jw_str(&w, "fix", rep->r[i].fix);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
		jw_u64(&w, "ok", (uint64_t)rep->nok);
		jw_u64(&w, "warn", (uint64_t)rep->nwarn);
		jw_u64(&w, "fail", (uint64_t)rep->nfail);
		jw_obj_close(&w);
		jw_end(&w);
		return;
	}
	for (int i = 0; i < rep->n; i++) {
		const struct dr_result *r = &rep->r[i];

		printf("%-5s %-26s %s\n", dr_status_name(r->status), r->id, r->msg);
		if (r->status != DR_OK && r->fix[0])
			printf("      %-26s fix: %s\n", "", r->fix);
	}
	printf("\n%d ok, %d warn, %d fail\n", rep->nok, rep->nwarn, rep->nfail);
}

/* The safe fixes as a plan: enabled, limits, rp_filter. */
static void fix_plan(const struct dr_input *in, const struct dr_report *rep, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < rep->n && p->n < PLAN_MAX_STEPS; i++) {
		const struct dr_result *r = &rep->r[i];
		struct step *s = &p->v[p->n];

		if (r->status == DR_OK)
			continue;
		memset(s, 0, sizeof(*s));
		if (!strcmp(r->id, "mptcp.enabled") ||
		    (!strcmp(r->id, "routing.rp_filter") && !strncmp(r->fix, "sysctl -w ", 10))) {
			const char *kv = r->fix + strlen("sysctl -w ");
			const char *eq = strchr(kv, '=');
			char v[16];

			if (!eq || (size_t)(eq - kv) >= sizeof(s->u.sysctl.key))
				continue;
			s->op = OP_SYSCTL;
			memcpy(s->u.sysctl.key, kv, (size_t)(eq - kv));
			snprintf(s->u.sysctl.val, sizeof(s->u.sysctl.val), "%s", eq + 1);
			if (sysctl_get(-1, s->u.sysctl.key, v, sizeof(v), NULL))
				continue;
			snprintf(s->u.sysctl.old, sizeof(s->u.sysctl.old), "%s", v);
			p->n++;
		} else if (!strncmp(r->id, "limits.", 7)) {
			unsigned sf = 0, aa = 0;

			if (sscanf(r->fix, "ip mptcp limits set subflow %u add_addr_accepted %u",
				   &sf, &aa) != 2)
				continue;
			for (int k = 0; k < p->n; k++)
				if (p->v[k].op == OP_LIMITS)
					sf = 0; /* one limits step is enough */
			if (!sf)
				continue;
			s->op = OP_LIMITS;
			s->u.limits.old = in->st.limits;
			s->u.limits.now.subflows =
				sf > in->st.limits.subflows ? sf : in->st.limits.subflows;
			s->u.limits.now.add_addr_accepted = aa > in->st.limits.add_addr_accepted ?
								    aa :
								    in->st.limits.add_addr_accepted;
			p->n++;
		}
	}
}

static int parse_rate_rtt(const char *cmd, int *i, int argc, char **argv, uint64_t *rate,
			  uint64_t *rtt)
{
	const char *a = argv[*i];

	if (*i + 1 >= argc)
		return cli_usage(cmd, "'%s' needs a value", a);
	if (!strcmp(a, "rate")) {
		if (units_parse_rate(argv[++*i], rate))
			return cli_usage(cmd, "rate '%s': expected a rate such as 10gbit",
					 argv[*i]);
	} else {
		if (units_parse_duration(argv[++*i], rtt) || *rtt == 0 || *rtt > 10000000)
			return cli_usage(cmd, "rtt '%s': expected a duration such as 1ms",
					 argv[*i]);
	}
	return 0;
}

int cmd_doctor_main(struct cli *cli, int argc, char **argv)
{
	struct dr_input *in = calloc(1, sizeof(*in));
	struct dr_report *rep = calloc(1, sizeof(*rep));
	struct plan *p = calloc(1, sizeof(*p));
	struct mc_err e = { 0 };
	struct mc_prefix host;
	bool fix = false, have_peer = false;
	uint64_t rate = 0, rtt = 0;
	uint16_t port = 5201;
	int ret = EXIT_FAIL, done;

	if (!in || !rep || !p)
		goto out;
	if (cli_wants_help(argc, argv)) {
		fputs(doctor_usage, stdout);
		ret = EXIT_OK;
		goto out;
	}
	if (argc >= 2 && !strcmp(argv[1], "undo")) {
		ret = cmd_setup_undo(cli, "doctor", argc, argv);
		goto out;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			cli->json = true;
		} else if (!strcmp(a, "--fix")) {
			fix = true;
		} else if (!strcmp(a, "rate") || !strcmp(a, "rtt")) {
			if ((ret = parse_rate_rtt("doctor ", &i, argc, argv, &rate, &rtt)))
				goto out;
			ret = EXIT_FAIL;
		} else if (!strcmp(a, "peer") && i + 1 < argc) {
			if (mc_prefix_parse(argv[++i], &host) ||
			    host.plen != (host.family == AF_INET ? 32 : 128)) {
				ret = cli_usage("doctor ", "peer '%s': expected an IP address",
						argv[i]);
				goto out;
			}
			have_peer = true;
		} else if (!strcmp(a, "port") && i + 1 < argc && have_peer) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 1 || v > 65535) {
				ret = cli_usage("doctor ", "port '%s': expected 1-65535", argv[i]);
				goto out;
			}
			port = (uint16_t)v;
		} else {
			ret = cli_usage("doctor ", "doctor: unknown argument '%s'", a);
			goto out;
		}
	}
	if (fix && !cli_has_cap_net_admin()) {
		cli_errorf("doctor --fix needs CAP_NET_ADMIN (run as root)");
		goto out;
	}
	if (doctor_gather(in, &e)) {
		cli_fail(&e, "doctor");
		goto out;
	}
	if (rate)
		in->path_rate_bps = rate;
	if (rtt)
		in->rtt_us = rtt;
	doctor_check(in, rep);
	if (have_peer)
		peer_probe(in, &host, port, rep);
	if (fix) {
		fix_plan(in, rep, p);
		if (p->n && (plan_apply(p, 0, &done, &e) || plan_record_append("doctor", p, &e))) {
			cli_fail(&e, "doctor --fix");
			goto out;
		}
		if (!cli->json) {
			printf("fixed (doctor undo reverts):\n");
			cli_print_plan(cli, p, "fixed");
			if (!p->n)
				printf("  nothing that doctor fixes by itself\n");
			putchar('\n');
		}
		/* Show the state after the fixes. */
		if (doctor_gather(in, &e)) {
			cli_fail(&e, "doctor");
			goto out;
		}
		if (rate)
			in->path_rate_bps = rate;
		if (rtt)
			in->rtt_us = rtt;
		doctor_check(in, rep);
	}
	print_report(cli, rep);
	ret = rep->nfail ? EXIT_FAIL : EXIT_OK;
out:
	free(in);
	free(rep);
	free(p);
	return ret;
}

int cmd_tune_main(struct cli *cli, int argc, char **argv)
{
	struct dr_input *in = calloc(1, sizeof(*in));
	struct plan *p = calloc(1, sizeof(*p));
	struct mc_err e = { 0 };
	uint64_t rate = 0, rtt = 1000;
	bool dry = false;
	int ret = EXIT_FAIL, done, lock = -1;

	if (!in || !p)
		goto out;
	if (cli_wants_help(argc, argv)) {
		fputs(tune_usage, stdout);
		ret = EXIT_OK;
		goto out;
	}
	if (argc >= 2 && !strcmp(argv[1], "undo")) {
		ret = cmd_setup_undo(cli, "tune", argc, argv);
		goto out;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--dry-run")) {
			dry = true;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			cli->json = true;
		} else if (!strcmp(a, "rate") || !strcmp(a, "rtt")) {
			if ((ret = parse_rate_rtt("tune ", &i, argc, argv, &rate, &rtt)))
				goto out;
			ret = EXIT_FAIL;
		} else {
			ret = cli_usage("tune ", "tune: unknown argument '%s'", a);
			goto out;
		}
	}
	if (!dry && !cli_has_cap_net_admin()) {
		cli_errorf("tune needs CAP_NET_ADMIN (run as root); --dry-run shows the plan");
		goto out;
	}
	if (doctor_gather(in, &e)) {
		cli_fail(&e, "tune");
		goto out;
	}
	if (!rate)
		rate = in->path_rate_bps;
	if (!rate) {
		ret = cli_usage("tune ", "tune: no shaped link to read a rate from: give 'rate R'");
		goto out;
	}
	if (tune_plan(rate, rtt, in, p, &e)) {
		cli_fail(&e, "tune");
		goto out;
	}
	if (!p->n) {
		printf("nothing to do: the buffers already cover the bandwidth-delay product\n");
		for (int i = 0; i < p->nnotes; i++)
			fprintf(stderr, "note: %s\n", p->notes[i]);
		ret = EXIT_OK;
		goto out;
	}
	if (dry) {
		cli_print_plan(cli, p, "dry-run");
		ret = EXIT_OK;
		goto out;
	}
	if (plan_lock(&lock, &e) || plan_apply(p, 0, &done, &e) ||
	    plan_record_append("tune", p, &e)) {
		cli_fail(&e, "tune");
		goto out;
	}
	cli_print_plan(cli, p, "applied");
	ret = EXIT_OK;
out:
	if (lock >= 0)
		close(lock);
	free(in);
	free(p);
	return ret;
}
