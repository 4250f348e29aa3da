// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * failover: one verified MPTCP transfer across a lab, a path's link cut in
 * the middle and brought back later; prints one JSON line.
 *
 *   failover LAB [path N] [rate RATE] [time S] [cut S] [up S] [tick MS] [side cli|srv]
 *
 * path N (1-based, default 1) is the path whose link goes down ("ip link set
 * down" over netlink, in the namespace of side, default cli) cut seconds after
 * the start and up again at up seconds. rate reshapes every path of both hosts
 * first (TBF). The transfer (lab_xfer, verify on) goes from the client to the
 * server's path-1 address, so path 1 carries the first subflow.
 *
 * Goodput per tick is read from the server's links (rx bytes of every path):
 *   pre_bps        the rate over the second before the cut
 *   recovery_ms    from the cut to the end of the first tick at >= 40 % of pre_bps
 *                  (null: not before the link came back: a stalled run)
 *   rejoined       the cut path carried >= 5 % of the bytes after it came back
 *   split_after    the cut path's share over the last second
 * Exit status: 0 when the transfer completed (stalled or not), 1 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/units.h"
#include "lab/lab.h"
#include "ns/ns.h"
#include "rt/rt.h"

#define MAX_TICKS 4096

struct run {
	struct lab lab;
	int cut; /* 0-based path */
	struct nl side, srv;
	uint64_t up_us;
	bool cut_done, up_done;
	uint64_t t_cut, t_up;
	int nticks;
	uint64_t t[MAX_TICKS];
	uint64_t rx[MAX_TICKS][LAB_MAX_PATHS];
	char err[256];
};

static void sample(struct run *r, uint64_t t_us)
{
	if (r->nticks >= MAX_TICKS)
		return;
	for (int p = 0; p < r->lab.npaths; p++) {
		struct rt_link l;

		if (rt_link_get(&r->srv, r->lab.paths[p].ifname, &l, NULL))
			return;
		r->rx[r->nticks][p] = l.rx_bytes;
	}
	r->t[r->nticks++] = t_us;
}

static void set_link(struct run *r, bool up)
{
	struct mc_err e = { 0 };

	if (rt_link_set_up(&r->side, r->lab.paths[r->cut].ifname, up, &e) && !r->err[0])
		snprintf(r->err, sizeof(r->err), "%s %s: %.200s", up ? "up" : "down",
			 r->lab.paths[r->cut].ifname, e.what);
}

static uint64_t clock_us(void);

static void mid(void *arg)
{
	struct run *r = arg;

	set_link(r, false);
	r->cut_done = true;
	r->t_cut = clock_us();
}

static uint64_t t0_us;

static uint64_t clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static void tick(void *arg, uint64_t t_us)
{
	struct run *r = arg;

	if (!t0_us)
		t0_us = clock_us() - t_us;
	sample(r, t_us);
	if (r->cut_done && !r->up_done && t_us >= r->up_us) {
		set_link(r, true);
		r->up_done = true;
		r->t_up = clock_us() - t0_us;
	}
}

static uint64_t total(const struct run *r, int i)
{
	uint64_t s = 0;

	for (int p = 0; p < r->lab.npaths; p++)
		s += r->rx[i][p];
	return s;
}

/* The first tick index at or after t_us. */
static int at(const struct run *r, uint64_t t_us)
{
	for (int i = 0; i < r->nticks; i++)
		if (r->t[i] >= t_us)
			return i;
	return r->nticks - 1;
}

static int reshape(struct run *r, uint64_t rate, struct mc_err *e)
{
	for (int h = 0; h < 2; h++) {
		char ns[64];
		struct nl nl;
		int fd, ret;

		ret = netns_open(lab_ns_name(&r->lab, h, ns, sizeof(ns)), &fd, e);
		if (ret)
			return ret;
		ret = nl_open_netns(&nl, NETLINK_ROUTE, fd, e);
		close(fd);
		if (ret)
			return ret;
		for (int p = 0; p < r->lab.npaths && !ret; p++) {
			struct rt_tbf t;

			rt_qdisc_root_del(&nl, r->lab.paths[p].ifname, NULL);
			rt_tbf_defaults(rate, &t);
			ret = rt_tbf_set(&nl, r->lab.paths[p].ifname, &t, e);
		}
		nl_close(&nl);
		if (ret)
			return ret;
	}
	return 0;
}

static int open_in(struct run *r, enum lab_host h, struct nl *nl, struct mc_err *e)
{
	char ns[64];
	int fd, ret;

	ret = netns_open(lab_ns_name(&r->lab, h, ns, sizeof(ns)), &fd, e);
	if (ret)
		return ret;
	ret = nl_open_netns(nl, NETLINK_ROUTE, fd, e);
	close(fd);
	return ret;
}

static int usage(void)
{
	fprintf(stderr, "usage: failover LAB [path N] [rate RATE] [time S] [cut S] [up S] "
			"[tick MS] [side cli|srv]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct run r;
	struct lab_xfer_opts o = { .family = AF_INET, .mptcp = true, .verify = true };
	uint64_t dur = 4000000, cut = 1500000, up = 2500000, tick_us = 50000, rate = 0;
	enum lab_host side = LAB_CLI;
	struct mc_err e = { 0 };
	struct lab_xfer x;
	int ret, i0, i1, rec = -1;
	double pre_bps, split = 0, after_share = 0;
	uint64_t min_after = UINT64_MAX;

	if (argc < 2)
		return usage();
	for (int i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		int bad = 0;

		if (!strcmp(k, "path"))
			r.cut = atoi(v) - 1;
		else if (!strcmp(k, "rate"))
			bad = units_parse_rate(v, &rate);
		else if (!strcmp(k, "time"))
			bad = units_parse_duration(v, &dur);
		else if (!strcmp(k, "cut"))
			bad = units_parse_duration(v, &cut);
		else if (!strcmp(k, "up"))
			bad = units_parse_duration(v, &up);
		else if (!strcmp(k, "tick"))
			tick_us = (uint64_t)atoi(v) * 1000;
		else if (!strcmp(k, "side"))
			side = !strcmp(v, "srv") ? LAB_SRV : LAB_CLI;
		else
			return usage();
		if (bad)
			return usage();
	}
	if ((argc - 2) % 2 || !tick_us || cut >= up || up >= dur)
		return usage();
	if (lab_load(argv[1], &r.lab, &e) || r.cut < 0 || r.cut >= r.lab.npaths) {
		fprintf(stderr, "failover: %s\n", e.what[0] ? e.what : "no such path");
		return 1;
	}
	if (rate && reshape(&r, rate, &e)) {
		fprintf(stderr, "failover: reshaping: %s\n", e.what);
		return 1;
	}
	if (open_in(&r, side, &r.side, &e) || open_in(&r, LAB_SRV, &r.srv, &e)) {
		fprintf(stderr, "failover: %s\n", e.what);
		return 1;
	}
	r.up_us = up;
	o.path = 0;
	o.dur_us = dur;
	o.mid = mid;
	o.mid_arg = &r;
	o.mid_at_us = cut;
	o.tick = tick;
	o.tick_arg = &r;
	o.tick_us = tick_us;
	ret = lab_xfer(&r.lab, &o, &x, &e);
	if (!r.up_done)
		set_link(&r, true); /* never leave the lab cut */
	if (ret) {
		fprintf(stderr, "failover: transfer: %s (%s)\n", e.what, strerror(-ret));
		printf("{\"ok\":false,\"error\":\"%s\"}\n", strerror(-ret));
		return 1;
	}
	if (r.nticks < 4) {
		fprintf(stderr, "failover: too few samples\n");
		return 1;
	}
	/* Before the cut: the second up to it. */
	r.t_cut -= t0_us;
	i0 = at(&r, r.t_cut > 1000000 ? r.t_cut - 1000000 : 0);
	i1 = at(&r, r.t_cut);
	pre_bps = r.t[i1] > r.t[i0] ? (double)(total(&r, i1) - total(&r, i0)) * 8e6 /
					      (double)(r.t[i1] - r.t[i0]) :
				      0;
	for (int i = i1 + 1; i < r.nticks && r.t[i] <= r.t_up; i++) {
		double bps = (double)(total(&r, i) - total(&r, i - 1)) * 8e6 /
			     (double)(r.t[i] - r.t[i - 1]);

		if ((uint64_t)bps < min_after)
			min_after = (uint64_t)bps;
		if (bps >= 0.4 * pre_bps) {
			rec = i;
			break;
		}
	}
	/* After the link came back: did the path carry data again, and what share at the end. */
	{
		int u = at(&r, r.t_up + 300000), last = r.nticks - 1,
		    s = at(&r, r.t[last] - 1000000);
		uint64_t all = total(&r, last) - total(&r, u),
			 mine = r.rx[last][r.cut] - r.rx[u][r.cut];
		uint64_t all_s = total(&r, last) - total(&r, s);

		after_share = all ? (double)mine / (double)all : 0;
		split = all_s ? (double)(r.rx[last][r.cut] - r.rx[s][r.cut]) / (double)all_s : 0;
	}
	printf("{\"ok\":true,\"lab\":\"%s\",\"path\":%d,\"rate_bps\":%llu,\"bytes\":%llu,"
	       "\"bad_bytes\":%llu,\"wrong_bytes\":%llu,\"protocol\":%d,\"goodput_bps\":%llu,\"pre_bps\":%.0f,"
	       "\"cut_ms\":%.1f,\"up_ms\":%.1f,\"recovery_ms\":",
	       r.lab.name, r.cut + 1, (unsigned long long)rate, (unsigned long long)x.bytes,
	       (unsigned long long)x.bad_bytes, (unsigned long long)x.wrong_bytes, x.protocol,
	       (unsigned long long)x.bps, pre_bps, r.t_cut / 1000.0, r.t_up / 1000.0);
	if (rec >= 0)
		printf("%.1f", (double)(r.t[rec] - r.t_cut) / 1000.0);
	else
		printf("null");
	printf(",\"stalled\":%s,\"rejoined\":%s,\"share_after_up\":%.3f,\"split_last_s\":%.3f,"
	       "\"ticks\":%d%s%s%s}\n",
	       rec >= 0 ? "false" : "true", after_share >= 0.05 ? "true" : "false", after_share,
	       split, r.nticks, r.err[0] ? ",\"link_error\":\"" : "", r.err, r.err[0] ? "\"" : "");
	nl_close(&r.side);
	nl_close(&r.srv);
	return 0;
}
