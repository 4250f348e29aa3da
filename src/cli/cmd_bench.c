// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mptcpctl bench: iperf3's output, plus every subflow. The engine (src/bench)
 * measures; this file parses options and prints (text as iperf3 prints it,
 * or -J with iperf3's start/intervals/end and a per-subflow section), draws
 * the --plot and runs the baseline series.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../bench/bench.h"
#include "../common/json.h"
#include "../common/units.h"
#include "cli.h"
#include "svg.h"

#define MAX_POINTS 4096
#define MAX_SERIES SVG_MAX_SERIES

struct series {
	char name[96];
	double *y;
};

/* A path: the subflows leaving by one interface, summed (a link's share is what users ask). */
struct path {
	char ifname[IF_NAMESIZE];
	int nsf, alive;
	uint64_t bytes;
	double bps;
	uint32_t retrans;
	struct sockaddr_storage local, remote; /* of its first subflow */
};

struct ctx {
	struct cli *cli;
	struct bench_opts o;
	bool server;
	bool json; /* -J */
	const char *plot;
	bool baseline;
	bool quiet; /* baseline's probe and runs: no interval output */
	bool header_done;
	struct jw w;
	bool json_open;
	/* -J's "start" waits for the streams ("connected") */
	bool start_pending;
	struct bench_params p;
	struct sockaddr_storage remote;
	int nconn;
	struct {
		int fd;
		struct sockaddr_storage local, remote;
	} conn[2 * BENCH_MAX_STREAMS];
	/* plot data */
	int npts;
	double t[MAX_POINTS];
	int nseries;
	struct series ser[MAX_SERIES];
	/* the last summary */
	double sum_bps;
	int nsf_final;
	struct path paths[BENCH_MAX_SF];
	int npaths;
	bool verify_bad;
};

static void json_start(struct ctx *c);

static const char *sa_host(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET6 ?
				(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
				(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6)
		return strcpy(buf, "?");
	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static unsigned int sa_port(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)ss)->sin6_port) :
					   ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* iperf3's adaptive units: bytes 1024-based ("2.19 GBytes"), bits 1000-based. */
static const char *iperf_fmt(double v, bool bytes, char *buf, size_t len)
{
	static const char *bu[] = { "Bytes", "KBytes", "MBytes", "GBytes", "TBytes" };
	static const char *ru[] = { "bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec",
				    "Tbits/sec" };
	double k = bytes ? 1024.0 : 1000.0;
	int i = 0;

	while (v >= k && i < 4) {
		v /= k;
		i++;
	}
	if (v < 9.995)
		snprintf(buf, len, "%4.2f %s", v, bytes ? bu[i] : ru[i]);
	else if (v < 99.95)
		snprintf(buf, len, "%4.1f %s", v, bytes ? bu[i] : ru[i]);
	else
		snprintf(buf, len, "%4.0f %s", v, bytes ? bu[i] : ru[i]);
	return buf;
}

/* ---- text output ---- */

static void print_sf(const struct bench_stream_report *s, const struct bench_sf_report *f)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], tb[32], rb[32], ep[128];
	double share;
	uint64_t sum = 0;

	for (int k = 0; k < s->nsf; k++)
		sum += s->sf[k].bytes;
	share = sum ? 100.0 * (double)f->bytes / (double)sum : 0;
	snprintf(ep, sizeof(ep), "%s:%u -> %s:%u", sa_host(&f->local, l, sizeof(l)),
		 sa_port(&f->local), sa_host(&f->remote, r, sizeof(r)), sa_port(&f->remote));
	printf("      sf %-2u %-6s %-44s %11s %14s %5.1f%%  rtt %5.2f ms  cwnd %4u  retr %u%s%s\n",
	       f->id, f->ifname, ep, iperf_fmt((double)f->bytes, true, tb, sizeof(tb)),
	       iperf_fmt(f->bps, false, rb, sizeof(rb)), share, f->rtt_us / 1000.0, f->snd_cwnd,
	       f->retrans, f->alive ? "" : "  (gone)", f->backup ? "  backup" : "");
}

static void print_interval_text(struct ctx *c, const struct bench_report *r)
{
	char tb[32], rb[32], cb[32];
	uint64_t sb = 0;
	double sbps = 0;
	uint32_t sre = 0;
	bool sender = false;

	for (int i = 0; i < r->nstreams; i++)
		sender |= r->streams[i].sender;
	if (!c->header_done) {
		printf("[ ID] Interval           Transfer     Bitrate%s\n",
		       sender ? "         Retr  Cwnd" : "");
		c->header_done = true;
	}
	for (int i = 0; i < r->nstreams; i++) {
		const struct bench_stream_report *s = &r->streams[i];

		sb += s->bytes;
		sbps += s->bps;
		sre += s->retrans;
		if (s->sender)
			printf("[%3d] %6.2f-%-6.2f sec  %11s  %14s  %4u  %10s\n", s->fd, r->start,
			       r->end, iperf_fmt((double)s->bytes, true, tb, sizeof(tb)),
			       iperf_fmt(s->bps, false, rb, sizeof(rb)), s->retrans,
			       iperf_fmt((double)s->snd_cwnd * s->snd_mss, true, cb, sizeof(cb)));
		else
			printf("[%3d] %6.2f-%-6.2f sec  %11s  %14s\n", s->fd, r->start, r->end,
			       iperf_fmt((double)s->bytes, true, tb, sizeof(tb)),
			       iperf_fmt(s->bps, false, rb, sizeof(rb)));
		if (s->protocol == IPPROTO_MPTCP && !s->fallback)
			for (int k = 0; k < s->nsf; k++)
				print_sf(s, &s->sf[k]);
	}
	if (r->nstreams > 1)
		printf("[SUM] %6.2f-%-6.2f sec  %11s  %14s  %4u\n", r->start, r->end,
		       iperf_fmt((double)sb, true, tb, sizeof(tb)),
		       iperf_fmt(sbps, false, rb, sizeof(rb)), sre);
	(void)sender;
	fflush(stdout);
}

/* ---- JSON output (iperf3's shape, plus "subflows", "paths", "mptcpctl") ---- */

static void json_sf(struct jw *w, const struct bench_stream_report *s)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	uint64_t sum = 0;

	for (int k = 0; k < s->nsf; k++)
		sum += s->sf[k].bytes;
	jw_arr_open(w, "subflows");
	for (int k = 0; k < s->nsf; k++) {
		const struct bench_sf_report *f = &s->sf[k];

		jw_obj_open(w, NULL);
		jw_u64(w, "id", f->id);
		jw_str(w, "interface", f->ifname);
		jw_str(w, "local_host", sa_host(&f->local, l, sizeof(l)));
		jw_u64(w, "local_port", sa_port(&f->local));
		jw_str(w, "remote_host", sa_host(&f->remote, r, sizeof(r)));
		jw_u64(w, "remote_port", sa_port(&f->remote));
		jw_u64(w, "bytes", f->bytes);
		jw_double(w, "bits_per_second", f->bps);
		jw_double(w, "share", sum ? (double)f->bytes / (double)sum : 0);
		jw_u64(w, "retransmits", f->retrans);
		jw_u64(w, "snd_cwnd", (uint64_t)f->snd_cwnd * f->snd_mss);
		jw_u64(w, "rtt", f->rtt_us);
		jw_bool(w, "alive", f->alive);
		jw_bool(w, "backup", f->backup);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void json_stream(struct jw *w, const struct bench_stream_report *s,
			const struct bench_report *r, bool sender, uint64_t bytes, int64_t retr)
{
	double secs = r->end - r->start;

	jw_u64(w, "socket", (uint64_t)s->fd);
	jw_double(w, "start", r->start);
	jw_double(w, "end", r->end);
	jw_double(w, "seconds", secs);
	jw_u64(w, "bytes", bytes);
	jw_double(w, "bits_per_second", secs > 0 ? (double)bytes * 8 / secs : 0);
	if (sender && retr >= 0)
		jw_i64(w, "retransmits", retr);
	jw_bool(w, "sender", sender);
}

static void json_interval(struct ctx *c, const struct bench_report *r)
{
	struct jw *w = &c->w;

	json_start(c);
	{
		uint64_t sb = 0;
		uint32_t sre = 0;
		bool sender = false;

		jw_obj_open(w, NULL);
		jw_arr_open(w, "streams");
		for (int i = 0; i < r->nstreams; i++) {
			const struct bench_stream_report *s = &r->streams[i];

			jw_obj_open(w, NULL);
			json_stream(w, s, r, s->sender, s->bytes, s->retrans);
			if (s->sender) {
				jw_u64(w, "snd_cwnd", (uint64_t)s->snd_cwnd * s->snd_mss);
				jw_u64(w, "rtt", s->rtt_us);
			}
			jw_bool(w, "omitted", false);
			jw_str(w, "protocol",
			       s->protocol == IPPROTO_MPTCP ?
				       (s->fallback ? "MPTCP (fell back to TCP)" : "MPTCP") :
				       "TCP");
			json_sf(w, s);
			jw_obj_close(w);
			sb += s->bytes;
			sre += s->retrans;
			sender |= s->sender;
		}
		jw_arr_close(w);
		jw_obj_open(w, "sum");
		jw_double(w, "start", r->start);
		jw_double(w, "end", r->end);
		jw_double(w, "seconds", r->end - r->start);
		jw_u64(w, "bytes", sb);
		jw_double(w, "bits_per_second",
			  r->end > r->start ? (double)sb * 8 / (r->end - r->start) : 0);
		if (sender)
			jw_u64(w, "retransmits", sre);
		jw_bool(w, "omitted", false);
		jw_bool(w, "sender", sender);
		jw_obj_close(w);
		jw_obj_close(w);
	}
}

/* ---- plot ---- */

static void plot_add(struct ctx *c, const struct bench_report *r)
{
	int p = c->npts;

	if (!c->plot || p >= MAX_POINTS)
		return;
	c->t[p] = r->end;
	for (int i = 0; i < r->nstreams; i++) {
		const struct bench_stream_report *s = &r->streams[i];

		for (int k = 0; k < s->nsf; k++) {
			const struct bench_sf_report *f = &s->sf[k];
			char l[INET6_ADDRSTRLEN], rr[INET6_ADDRSTRLEN], name[96];
			int j;

			snprintf(name, sizeof(name), "%s %s -> %s", f->ifname,
				 sa_host(&f->local, l, sizeof(l)),
				 sa_host(&f->remote, rr, sizeof(rr)));
			for (j = 0; j < c->nseries; j++)
				if (!strcmp(c->ser[j].name, name))
					break;
			if (j == c->nseries) {
				if (c->nseries >= MAX_SERIES)
					continue;
				c->ser[j].y = calloc(MAX_POINTS, sizeof(double));
				if (!c->ser[j].y)
					continue;
				snprintf(c->ser[j].name, sizeof(c->ser[j].name), "%s", name);
				c->nseries++;
			}
			c->ser[j].y[p] += f->bps / 1e9;
		}
	}
	c->npts++;
}

static int plot_write(struct ctx *c)
{
	struct svg_chart ch = { .title = "mptcpctl bench: throughput per subflow",
				.ylabel = "Gbit/s",
				.n = c->npts,
				.t = c->t,
				.nseries = c->nseries,
				.mark_t = -1 };
	FILE *f;
	int ret;

	for (int j = 0; j < c->nseries; j++) {
		ch.names[j] = c->ser[j].name;
		ch.y[j] = c->ser[j].y;
	}
	f = fopen(c->plot, "we");
	if (!f) {
		cli_errorf("bench: writing %s: %s", c->plot, strerror(errno));
		return -errno;
	}
	ret = svg_stacked(f, &ch);
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret)
		cli_errorf("bench: %s: nothing to draw (no interval had subflow data)", c->plot);
	return ret;
}

/* ---- engine callbacks ---- */

static void json_start(struct ctx *c)
{
	struct jw *w = &c->w;
	const struct bench_params *p = &c->p;
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], sys[400], ts[64];
	struct utsname u;
	time_t now = time(NULL);

	if (!c->start_pending)
		return;
	c->start_pending = false;
	jw_obj_open(w, "start");
	jw_arr_open(w, "connected");
	for (int i = 0; i < c->nconn; i++) {
		jw_obj_open(w, NULL);
		jw_u64(w, "socket", (uint64_t)c->conn[i].fd);
		jw_str(w, "local_host", sa_host(&c->conn[i].local, l, sizeof(l)));
		jw_u64(w, "local_port", sa_port(&c->conn[i].local));
		jw_str(w, "remote_host", sa_host(&c->conn[i].remote, r, sizeof(r)));
		jw_u64(w, "remote_port", sa_port(&c->conn[i].remote));
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_str(w, "version", "mptcpctl " MPTCPCTL_VERSION);
	uname(&u);
	snprintf(sys, sizeof(sys), "%s %s %s %s %s", u.sysname, u.nodename, u.release, u.version,
		 u.machine);
	jw_str(w, "system_info", sys);
	jw_obj_open(w, "timestamp");
	strftime(ts, sizeof(ts), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&now));
	jw_str(w, "time", ts);
	jw_u64(w, "timesecs", (uint64_t)now);
	jw_obj_close(w);
	if (c->server) {
		jw_obj_open(w, "accepted_connection");
		jw_str(w, "host", sa_host(&c->remote, r, sizeof(r)));
		jw_u64(w, "port", sa_port(&c->remote));
	} else {
		jw_obj_open(w, "connecting_to");
		jw_str(w, "host", c->o.host);
		jw_u64(w, "port", c->o.port);
	}
	jw_obj_close(w);
	jw_obj_open(w, "test_start");
	jw_str(w, "protocol", "TCP");
	jw_u64(w, "num_streams", p->parallel);
	jw_u64(w, "blksize", p->len);
	jw_u64(w, "omit", p->omit);
	jw_u64(w, "duration", p->time_s);
	jw_u64(w, "bytes", p->bytes);
	jw_u64(w, "blocks", p->blocks);
	jw_u64(w, "reverse", p->reverse);
	jw_u64(w, "bidir", p->bidir);
	jw_bool(w, "verify", p->verify);
	jw_str(w, "client_version", p->client_version);
	jw_obj_close(w);
	jw_obj_close(w); /* start */
	jw_arr_open(w, "intervals");
}

static void on_connected(void *arg, const struct sockaddr_storage *local,
			 const struct sockaddr_storage *remote, const struct bench_params *p)
{
	struct ctx *c = arg;
	char r[INET6_ADDRSTRLEN];

	c->header_done = false;
	c->p = *p;
	c->remote = *remote;
	c->nconn = 0;
	if (c->json) {
		jw_init(&c->w, stdout, true);
		c->json_open = true;
		c->start_pending = true;
		jw_obj_open(&c->w, NULL);
		return;
	}
	(void)local;
	if (c->quiet)
		return;
	if (c->server) {
		printf("Accepted connection from %s, port %u\n", sa_host(remote, r, sizeof(r)),
		       sa_port(remote));
	} else {
		printf("Connecting to host %s, port %u%s\n", c->o.host, c->o.port,
		       p->reverse ? "\nReverse mode, remote host is sending" : "");
	}
	fflush(stdout);
}

static void on_stream(void *arg, int id, int fd, bool sender, const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote, int protocol, bool fallback)
{
	struct ctx *c = arg;
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];

	if (c->nconn < 2 * BENCH_MAX_STREAMS) {
		c->conn[c->nconn].fd = fd;
		c->conn[c->nconn].local = *local;
		c->conn[c->nconn].remote = *remote;
		c->nconn++;
	}
	if (c->json || c->quiet)
		return;
	printf("[%3d] local %s port %u connected to %s port %u (%s, %s)\n", fd,
	       sa_host(local, l, sizeof(l)), sa_port(local), sa_host(remote, r, sizeof(r)),
	       sa_port(remote),
	       protocol != IPPROTO_MPTCP ? "TCP" :
	       fallback			 ? "MPTCP, fell back to TCP" :
					   "MPTCP",
	       sender ? "sending" : "receiving");
	(void)id;
	fflush(stdout);
}

static void on_interval(void *arg, const struct bench_report *r)
{
	struct ctx *c = arg;

	plot_add(c, r);
	if (c->json)
		json_interval(c, r);
	else if (!c->quiet)
		print_interval_text(c, r);
}

static bool main_dir(const struct ctx *c, const struct bench_stream_report *s);

/* The subflows of the streams of one direction (0: the test's, 1: bidir's other), by interface. */
static int paths_of(const struct ctx *c, const struct bench_report *r, int dir, struct path *out)
{
	int n = 0;

	for (int i = 0; i < r->nstreams; i++) {
		if (main_dir(c, &r->streams[i]) != (dir == 0))
			continue;
		for (int k = 0; k < r->streams[i].nsf; k++) {
			const struct bench_sf_report *f = &r->streams[i].sf[k];
			struct path *p = NULL;

			for (int j = 0; j < n && !p; j++)
				if (!strcmp(out[j].ifname, f->ifname))
					p = &out[j];
			if (!p) {
				if (n >= BENCH_MAX_SF)
					continue;
				p = &out[n++];
				memset(p, 0, sizeof(*p));
				memcpy(p->ifname, f->ifname, sizeof(p->ifname));
				p->local = f->local;
				p->remote = f->remote;
			}
			p->nsf++;
			p->alive += f->alive;
			p->bytes += f->bytes;
			p->bps += f->bps;
			p->retrans += f->retrans;
		}
	}
	return n;
}

static void json_paths(struct jw *w, const char *key, const struct path *ps, int n)
{
	char l[INET6_ADDRSTRLEN], rr[INET6_ADDRSTRLEN];
	uint64_t psum = 0;

	for (int k = 0; k < n; k++)
		psum += ps[k].bytes;
	jw_arr_open(w, key);
	for (int k = 0; k < n; k++) {
		const struct path *f = &ps[k];

		jw_obj_open(w, NULL);
		jw_str(w, "interface", f->ifname);
		jw_u64(w, "subflows", (uint64_t)f->nsf);
		jw_u64(w, "subflows_alive", (uint64_t)f->alive);
		jw_str(w, "local_host", sa_host(&f->local, l, sizeof(l)));
		jw_str(w, "remote_host", sa_host(&f->remote, rr, sizeof(rr)));
		jw_u64(w, "bytes", f->bytes);
		jw_double(w, "bits_per_second", f->bps);
		jw_double(w, "share", psum ? (double)f->bytes / (double)psum : 0);
		jw_u64(w, "retransmits", f->retrans);
		jw_bool(w, "alive", f->alive > 0);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void text_paths(const char *title, const struct path *ps, int n)
{
	char tb[32], rb[32];
	uint64_t psum = 0;

	if (n == 0 || (n == 1 && ps[0].nsf == 1))
		return;
	for (int k = 0; k < n; k++)
		psum += ps[k].bytes;
	printf("%s:\n", title);
	for (int k = 0; k < n; k++) {
		const struct path *f = &ps[k];

		printf("      %-6s %d subflow%s %11s  %14s  %5.1f%%  retr %u%s\n", f->ifname,
		       f->nsf, f->nsf == 1 ? " " : "s",
		       iperf_fmt((double)f->bytes, true, tb, sizeof(tb)),
		       iperf_fmt(f->bps, false, rb, sizeof(rb)),
		       psum ? 100.0 * (double)f->bytes / (double)psum : 0, f->retrans,
		       f->alive ? "" : "  (no subflow left at the end)");
	}
}

/* The peer's count of stream id (its bytes, its retransmits or -1), 0 and -1 if it sent none. */
static uint64_t peer_stream(const struct bench_results *peer, int id, int64_t *retr)
{
	for (int k = 0; peer && k < peer->nstreams; k++)
		if (peer->streams[k].id == id) {
			if (retr)
				*retr = peer->streams[k].retransmits;
			return peer->streams[k].bytes;
		}
	if (retr)
		*retr = -1;
	return 0;
}

static bool main_dir(const struct ctx *c, const struct bench_stream_report *s)
{
	/* The test's direction (client to server, or back with reverse); bidir's other one. */
	return c->server ? s->sender == c->p.reverse : s->sender != c->p.reverse;
}

struct dirsum {
	int n;
	uint64_t sent, rcvd;
	int64_t retr;
};

static void on_done(void *arg, const struct bench_report *r, const struct bench_results *mine,
		    const struct bench_results *peer, const struct bench_verify *v)
{
	struct ctx *c = arg;
	char tb[32], rb[32], l[INET6_ADDRSTRLEN], rr[INET6_ADDRSTRLEN];
	double secs = r->end - r->start;
	struct dirsum d[2] = { 0 };
	uint64_t sent, rcvd, vbytes = v->checked, vbad = v->bad;
	int64_t retr;
	bool verify = v->done;
	struct path back[BENCH_MAX_SF];
	int nback;

	c->npaths = paths_of(c, r, 0, c->paths);
	nback = paths_of(c, r, 1, back);
	/* Sent and received of each stream: ours, and the peer's count of the same stream. */
	for (int i = 0; i < r->nstreams; i++) {
		const struct bench_stream_report *s = &r->streams[i];
		struct dirsum *ds = &d[main_dir(c, s) ? 0 : 1];
		int64_t oretr;
		uint64_t other = peer_stream(peer, s->id, &oretr);

		ds->n++;
		if (s->sender) {
			ds->sent += s->bytes;
			ds->rcvd += other;
			ds->retr += s->retrans;
		} else {
			ds->rcvd += s->bytes;
			ds->sent += other;
			if (oretr > 0)
				ds->retr += oretr;
		}
	}
	sent = d[0].sent;
	rcvd = d[0].rcvd;
	retr = d[0].retr;
	c->verify_bad = verify && vbad;
	c->sum_bps = secs > 0 ? (double)rcvd * 8 / secs : 0;

	if (c->json) {
		struct jw *w = &c->w;

		json_start(c);
		jw_arr_close(w); /* intervals */
		jw_obj_open(w, "end");
		jw_arr_open(w, "streams");
		for (int i = 0; i < r->nstreams; i++) {
			const struct bench_stream_report *s = &r->streams[i];
			int64_t oretr;
			uint64_t other = peer_stream(peer, s->id, &oretr);

			jw_obj_open(w, NULL);
			jw_obj_open(w, "sender");
			json_stream(w, s, r, true, s->sender ? s->bytes : other,
				    s->sender ? (int64_t)s->retrans : oretr);
			jw_obj_close(w);
			jw_obj_open(w, "receiver");
			json_stream(w, s, r, false, s->sender ? other : s->bytes, -1);
			jw_obj_close(w);
			json_sf(w, s);
			jw_obj_close(w);
		}
		jw_arr_close(w);
		jw_obj_open(w, "sum_sent");
		jw_double(w, "start", 0);
		jw_double(w, "end", secs);
		jw_double(w, "seconds", secs);
		jw_u64(w, "bytes", sent);
		jw_double(w, "bits_per_second", secs > 0 ? (double)sent * 8 / secs : 0);
		jw_i64(w, "retransmits", retr);
		jw_bool(w, "sender", true);
		jw_obj_close(w);
		jw_obj_open(w, "sum_received");
		jw_double(w, "start", 0);
		jw_double(w, "end", secs);
		jw_double(w, "seconds", secs);
		jw_u64(w, "bytes", rcvd);
		jw_double(w, "bits_per_second", c->sum_bps);
		jw_bool(w, "sender", false);
		jw_obj_close(w);
		if (d[1].n) { /* bidir: the other direction, as iperf3 names it */
			jw_obj_open(w, "sum_sent_bidir_reverse");
			jw_double(w, "start", 0);
			jw_double(w, "end", secs);
			jw_double(w, "seconds", secs);
			jw_u64(w, "bytes", d[1].sent);
			jw_double(w, "bits_per_second",
				  secs > 0 ? (double)d[1].sent * 8 / secs : 0);
			jw_i64(w, "retransmits", d[1].retr);
			jw_bool(w, "sender", true);
			jw_obj_close(w);
			jw_obj_open(w, "sum_received_bidir_reverse");
			jw_double(w, "start", 0);
			jw_double(w, "end", secs);
			jw_double(w, "seconds", secs);
			jw_u64(w, "bytes", d[1].rcvd);
			jw_double(w, "bits_per_second",
				  secs > 0 ? (double)d[1].rcvd * 8 / secs : 0);
			jw_bool(w, "sender", false);
			jw_obj_close(w);
		}
		jw_obj_open(w, "cpu_utilization_percent");
		jw_double(w, "host_total", mine->cpu_total);
		jw_double(w, "host_user", mine->cpu_user);
		jw_double(w, "host_system", mine->cpu_system);
		if (peer) {
			jw_double(w, "remote_total", peer->cpu_total);
			jw_double(w, "remote_user", peer->cpu_user);
			jw_double(w, "remote_system", peer->cpu_system);
		}
		jw_obj_close(w);
		jw_str(w, "sender_tcp_congestion", mine->congestion);
		if (peer)
			jw_str(w, "receiver_tcp_congestion", peer->congestion);
		/* ours: the receive batch each mptcpctl side ended with (mptcpctl-bench(8)) */
		if (mine->rx_lowat >= 0 || (peer && peer->rx_lowat >= 0)) {
			jw_obj_open(w, "receive_lowat");
			if (mine->rx_lowat >= 0)
				jw_i64(w, "local", mine->rx_lowat);
			if (peer && peer->rx_lowat >= 0)
				jw_i64(w, "remote", peer->rx_lowat);
			jw_obj_close(w);
		}
		json_paths(w, "paths", c->paths, c->npaths);
		if (nback)
			json_paths(w, "paths_bidir_reverse", back, nback);
		if (verify) {
			jw_obj_open(w, "verify");
			jw_u64(w, "checked_bytes", vbytes);
			jw_u64(w, "bad_bytes", vbad);
			jw_bool(w, "ok", vbad == 0);
			jw_obj_close(w);
		}
		jw_obj_close(w); /* end */
		if (c->baseline) /* the baseline adds its own object after */
			return;
		jw_obj_close(w);
		jw_end(w);
		c->json_open = false;
		fflush(stdout);
		return;
	}
	if (c->quiet)
		return;
	printf("- - - - - - - - - - - - - - - - - - - - - - - - -\n");
	printf("[ ID] Interval           Transfer     Bitrate         Retr\n");
	for (int i = 0; i < r->nstreams; i++) {
		const struct bench_stream_report *s = &r->streams[i];
		int64_t oretr;
		uint64_t other = peer_stream(peer, s->id, &oretr);

		printf("[%3d] %6.2f-%-6.2f sec  %11s  %14s  %4lld             sender\n", s->fd, 0.0,
		       secs,
		       iperf_fmt((double)(s->sender ? s->bytes : other), true, tb, sizeof(tb)),
		       iperf_fmt((double)(s->sender ? s->bytes : other) * 8 / secs, false, rb,
				 sizeof(rb)),
		       (long long)(s->sender ? (int64_t)s->retrans : (oretr < 0 ? 0 : oretr)));
		printf("[%3d] %6.2f-%-6.2f sec  %11s  %14s                  receiver\n", s->fd, 0.0,
		       secs,
		       iperf_fmt((double)(s->sender ? other : s->bytes), true, tb, sizeof(tb)),
		       iperf_fmt((double)(s->sender ? other : s->bytes) * 8 / secs, false, rb,
				 sizeof(rb)));
	}
	for (int k = 0; k < 2; k++) {
		const char *tag = !d[1].n ? "[SUM]" : k == 0 ? "[SUM][main]" : "[SUM][back]";

		if (d[k].n < 2 && !d[1].n)
			continue;
		if (!d[k].n)
			continue;
		printf("%s %6.2f-%-6.2f sec  %11s  %14s  %4lld             sender\n", tag, 0.0,
		       secs, iperf_fmt((double)d[k].sent, true, tb, sizeof(tb)),
		       iperf_fmt((double)d[k].sent * 8 / secs, false, rb, sizeof(rb)),
		       (long long)d[k].retr);
		printf("%s %6.2f-%-6.2f sec  %11s  %14s                  receiver\n", tag, 0.0,
		       secs, iperf_fmt((double)d[k].rcvd, true, tb, sizeof(tb)),
		       iperf_fmt((double)d[k].rcvd * 8 / secs, false, rb, sizeof(rb)));
	}
	for (int i = 0; i < r->nstreams; i++) {
		const struct bench_stream_report *s = &r->streams[i];
		uint64_t psum = 0;

		if (s->protocol != IPPROTO_MPTCP || s->fallback) {
			printf("[%3d] %s%s\n", s->fd,
			       s->protocol == IPPROTO_MPTCP ?
				       "MPTCP fell back to TCP: one path only" :
				       "TCP: one path",
			       "");
			continue;
		}
		for (int k = 0; k < s->nsf; k++)
			psum += s->sf[k].bytes;
		printf("[%3d] subflows (MPTCP, %d, by bytes %s):\n", s->fd, s->nsf,
		       s->sender ? "acknowledged" : "received");
		for (int k = 0; k < s->nsf; k++) {
			const struct bench_sf_report *f = &s->sf[k];
			char ep[100];

			snprintf(ep, sizeof(ep), "%s -> %s", sa_host(&f->local, l, sizeof(l)),
				 sa_host(&f->remote, rr, sizeof(rr)));
			printf("      %-6s %-34s %11s  %14s  %5.1f%%  retr %u%s\n", f->ifname, ep,
			       iperf_fmt((double)f->bytes, true, tb, sizeof(tb)),
			       iperf_fmt(f->bps, false, rb, sizeof(rb)),
			       psum ? 100.0 * (double)f->bytes / (double)psum : 0, f->retrans,
			       f->alive ? "" : "  (closed during the test)");
		}
	}
	text_paths(nback ? "Paths (by interface), the test's direction" : "Paths (by interface)",
		   c->paths, c->npaths);
	text_paths("Paths (by interface), the other direction", back, nback);
	if (verify) {
		const char *vb = iperf_fmt((double)vbytes, true, tb, sizeof(tb));

		printf("verify: %s checked, %llu bytes lost or corrupted: %s\n",
		       vb + strspn(vb, " "), (unsigned long long)vbad, vbad ? "FAILED" : "ok");
	}
	printf("\niperf Done.\n");
	fflush(stdout);
}

static void on_client_error(void *arg, const struct sockaddr_storage *peer, const struct mc_err *e)
{
	struct ctx *c = arg;
	char b[INET6_ADDRSTRLEN], msg[900];

	mc_err_str(e, msg, sizeof(msg));
	if (c->json && c->json_open) {
		json_start(c);
		jw_arr_close(&c->w);
		jw_str(&c->w, "error", msg);
		jw_obj_close(&c->w);
		jw_end(&c->w);
		c->json_open = false;
	}
	cli_errorf("bench server: client %s: %s",
		   peer->ss_family ? sa_host(peer, b, sizeof(b)) : "?", msg);
	fflush(stdout);
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mptcpctl bench server [port P] [bind ADDR] [once] [tcp] [timeout S] [-J]\n"
		"       mptcpctl bench client HOST [port P] [time S | bytes N] [omit S] [interval S]\n"
		"                [parallel N] [reverse] [bidir] [window SIZE] [length SIZE]\n"
		"                [tcp] [zerocopy] [verify] [baseline] [bind ADDR] [bind-dev IFACE]\n"
		"                [timeout S] [-J] [--plot FILE.svg]\n"
		"                [congestion ALG] [mss BYTES] [nodelay] [-4|-6]\n"
		"iperf3's options work too: -s -c HOST -p -t -n -i -P -R --bidir -w -l -Z -B -J -1\n"
		"-O -4 -6 -N (nodelay) -M (mss) -C (congestion); not -u, -b on the client, --logfile.\n\n"
		"A throughput test that speaks iperf3's protocol (an iperf3 -s or -c can be the\n"
		"other end) and shows every MPTCP subflow: per interval and at the end, bytes\n"
		"and rate of each path, its interface, rtt, cwnd and retransmits.\n\n"
		"  tcp        plain TCP (the default is MPTCP, falling back to TCP)\n"
		"  verify     the sender writes a pattern, the receiver checks every byte\n"
		"             (both ends mptcpctl); any loss or corruption fails the run\n"
		"  baseline   TCP over each path alone first, then MPTCP; prints the gain\n"
		"  zerocopy   sendfile() on TCP streams (MPTCP copies: it measured faster)\n"
		"  timeout S  control-channel timeout (default 10 s; data idle: twice that)\n"
		"  --plot F   SVG of the throughput of each subflow over time, stacked\n\n"
		"Exit status: 0 ok, 1 failure (or verify found bad bytes), 2 usage error.\n"
		"See mptcpctl-bench(8).\n");
}

static bool streq_opt(const char *a, const char *b)
{
	return b && !strcmp(a, b);
}

static int need(int argc, char **argv, int i, const char *what)
{
	if (i + 1 >= argc)
		return cli_usage("bench ", "'%s' needs %s", argv[i], what);
	return 0;
}

static int parse(struct ctx *c, int argc, char **argv)
{
	struct bench_opts *o = &c->o;
	uint64_t v64;
	uint32_t v32;
	bool role_set = false;

	if (cli_wants_help(argc, argv)) {
		usage(stdout);
		return -1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

#define IS(x, y) (!strcmp(a, x) || streq_opt(a, y))
		if (IS("server", "-s")) {
			c->server = true;
			role_set = true;
		} else if (IS("client", "-c")) {
			if (need(argc, argv, i, "a host"))
				return EXIT_USAGE;
			o->host = argv[++i];
			role_set = true;
		} else if (IS("port", "-p") || !strcmp(a, "--port")) {
			if (need(argc, argv, i, "a port") || units_parse_u32(val, 1, 65535, &v32))
				return cli_usage("bench ", "bad port '%s'", val ? val : "");
			o->port = (uint16_t)v32;
			i++;
		} else if (IS("time", "-t") || !strcmp(a, "--time")) {
			if (need(argc, argv, i, "seconds") ||
			    units_parse_u32(val, 1, BENCH_MAX_TIME, &v32))
				return cli_usage("bench ", "bad time '%s' (1..%d seconds)",
						 val ? val : "", BENCH_MAX_TIME);
			o->p.time_s = v32;
			i++;
		} else if (IS("bytes", "-n") || !strcmp(a, "--bytes")) {
			if (need(argc, argv, i, "a size") || units_parse_size(val, &v64) || !v64)
				return cli_usage("bench ", "bad byte count '%s'", val ? val : "");
			o->p.bytes = v64;
			o->p.time_s = 0;
			i++;
		} else if (IS("interval", "-i") || !strcmp(a, "--interval")) {
			double d;
			char *end;

			if (need(argc, argv, i, "seconds"))
				return EXIT_USAGE;
			d = strtod(val, &end);
			if (*end || !(d == 0 || (d >= 0.05 && d <= 60)))
				return cli_usage("bench ", "bad interval '%s' (0, or 0.05..60 s)",
						 val);
			o->interval_us = (uint64_t)(d * 1e6);
			i++;
		} else if (IS("omit", "-O") || !strcmp(a, "--omit")) {
			if (need(argc, argv, i, "seconds") || units_parse_u32(val, 0, 600, &v32))
				return cli_usage("bench ", "bad omit '%s' (0..600 seconds)",
						 val ? val : "");
			o->p.omit = v32;
			i++;
		} else if (IS("parallel", "-P") || !strcmp(a, "--parallel")) {
			if (need(argc, argv, i, "a count") ||
			    units_parse_u32(val, 1, BENCH_MAX_STREAMS, &v32))
				return cli_usage("bench ", "bad stream count '%s' (1..%d)",
						 val ? val : "", BENCH_MAX_STREAMS);
			o->p.parallel = v32;
			i++;
		} else if (IS("reverse", "-R") || !strcmp(a, "--reverse")) {
			o->p.reverse = true;
		} else if (IS("bidir", "--bidir")) {
			o->p.bidir = true;
		} else if (IS("window", "-w") || !strcmp(a, "--window")) {
			if (need(argc, argv, i, "a size") || units_parse_size(val, &v64) || !v64 ||
			    v64 > (512U << 20))
				return cli_usage("bench ", "bad window '%s'", val ? val : "");
			o->p.window = (uint32_t)v64;
			i++;
		} else if (IS("length", "-l") || !strcmp(a, "--length")) {
			if (need(argc, argv, i, "a size") || units_parse_size(val, &v64) || !v64 ||
			    v64 > BENCH_MAX_LEN)
				return cli_usage("bench ", "bad length '%s' (1..1M)",
						 val ? val : "");
			o->p.len = (uint32_t)v64;
			i++;
		} else if (IS("bind", "-B") || !strcmp(a, "--bind")) {
			if (need(argc, argv, i, "an address"))
				return EXIT_USAGE;
			o->bind = argv[++i];
		} else if (IS("bind-dev", "--bind-dev")) {
			if (need(argc, argv, i, "an interface") || strlen(val) >= IF_NAMESIZE)
				return cli_usage("bench ", "bad interface '%s'", val ? val : "");
			o->bind_dev = argv[++i];
		} else if (IS("timeout", NULL)) {
			if (need(argc, argv, i, "seconds") || units_parse_u32(val, 1, 3600, &v32))
				return cli_usage("bench ", "bad timeout '%s'", val ? val : "");
			o->timeout_ms = v32 * 1000;
			i++;
		} else if (IS("congestion", "-C")) {
			if (need(argc, argv, i, "an algorithm") ||
			    strlen(val) >= sizeof(o->p.congestion))
				return cli_usage("bench ", "bad congestion control '%s'",
						 val ? val : "");
			snprintf(o->p.congestion, sizeof(o->p.congestion), "%s", val);
			i++;
		} else if (IS("mss", "-M")) {
			if (need(argc, argv, i, "bytes") || units_parse_u32(val, 88, 9216, &v32))
				return cli_usage("bench ", "bad MSS '%s'", val ? val : "");
			o->p.mss = v32;
			i++;
		} else if (IS("nodelay", "-N")) {
			o->p.nodelay = true;
		} else if (IS("once", "-1") || !strcmp(a, "--one-off")) {
			o->once = true;
		} else if (IS("tcp", NULL)) {
			o->tcp = true;
		} else if (IS("zerocopy", "-Z") || !strcmp(a, "--zerocopy")) {
			o->p.zerocopy = 1;
		} else if (IS("verify", NULL)) {
			o->p.verify = true;
		} else if (IS("baseline", NULL)) {
			c->baseline = true;
		} else if (IS("-J", "--json")) {
			c->json = true;
		} else if (IS("-4", NULL)) {
			o->family = AF_INET;
		} else if (IS("-6", NULL)) {
			o->family = AF_INET6;
		} else if (IS("--plot", "plot")) {
			if (need(argc, argv, i, "a file"))
				return EXIT_USAGE;
			c->plot = argv[++i];
		} else if (!role_set && a[0] != '-' && !c->server && !o->host && i == 1) {
			return cli_usage("bench ", "'%s': say 'server' or 'client HOST' first", a);
		} else {
			return cli_usage("bench ", "unknown option '%s'", a);
		}
#undef IS
	}
	if (!role_set)
		return cli_usage("bench ", "say 'server' (-s) or 'client HOST' (-c HOST)");
	if (c->server && o->host)
		return cli_usage("bench ", "'server' and 'client' together");
	if (c->server && (c->baseline || c->plot))
		return cli_usage("bench ", "baseline and --plot are client options");
	if (o->p.reverse && o->p.bidir)
		return cli_usage("bench ", "'reverse' and 'bidir' together");
	if (c->baseline && (o->p.bytes || o->p.reverse || o->p.bidir || o->tcp))
		return cli_usage("bench ", "baseline runs timed, forward MPTCP tests only");
	return 0;
}

/* ---- baseline: each path alone over TCP, then MPTCP ---- */

static int run_one(struct ctx *c, struct bench_summary *s)
{
	struct bench_cb cb = { .arg = c,
			       .connected = on_connected,
			       .stream = on_stream,
			       .interval = on_interval,
			       .done = on_done };
	struct mc_err e = { 0 };
	int ret = bench_client(&c->o, &cb, s, &e);

	if (ret) {
		if (c->json && c->json_open) {
			char msg[900];

			json_start(c);
			jw_arr_close(&c->w);
			jw_str(&c->w, "error", mc_err_str(&e, msg, sizeof(msg)));
			jw_obj_close(&c->w);
			jw_end(&c->w);
			c->json_open = false;
		}
		return cli_fail(&e, "bench");
	}
	return 0;
}

static int baseline(struct ctx *c)
{
	struct bench_opts main_o = c->o;
	struct path paths[BENCH_MAX_SF];
	double single[BENCH_MAX_SF], best = 0, sum = 0, mptcp;
	char hosts[BENCH_MAX_SF][INET6_ADDRSTRLEN], binds[BENCH_MAX_SF][INET6_ADDRSTRLEN];
	int np = 0, ret;
	struct bench_summary s;
	bool json = c->json;
	char rb[32];

	/* 1. A short MPTCP probe: which paths (interface, local -> remote) are there? */
	c->quiet = true;
	c->json = false;
	c->o.p.time_s = 1;
	c->o.interval_us = 0;
	c->o.p.verify = false;
	ret = run_one(c, &s);
	if (ret)
		return ret;
	for (int k = 0; k < c->npaths; k++) {
		bool dup = false;

		for (int j = 0; j < np; j++)
			dup |= !strcmp(paths[j].ifname, c->paths[k].ifname);
		if (!dup && np < BENCH_MAX_SF)
			paths[np++] = c->paths[k];
	}
	if (!json)
		printf("baseline: %d path%s seen by a 1 s MPTCP probe; TCP over each alone first\n",
		       np, np == 1 ? "" : "s");
	/* 2. TCP over each path alone. */
	for (int k = 0; k < np; k++) {
		sa_host(&paths[k].remote, hosts[k], sizeof(hosts[k]));
		sa_host(&paths[k].local, binds[k], sizeof(binds[k]));
		c->o = main_o;
		c->o.tcp = true;
		c->o.host = hosts[k];
		c->o.bind = binds[k];
		/* The device too: a subflow follows its endpoint's dev, a plain TCP socket
		 * bound to the address alone would follow the main table. */
		c->o.bind_dev = paths[k].ifname;
		c->o.interval_us = 0;
		c->o.p.verify = false;
		ret = run_one(c, &s);
		if (ret)
			return ret;
		single[k] = c->sum_bps;
		sum += single[k];
		if (single[k] > best)
			best = single[k];
		if (!json)
			printf("  path %d  %-6s %s -> %s  TCP  %s\n", k + 1, paths[k].ifname,
			       binds[k], hosts[k], iperf_fmt(single[k], false, rb, sizeof(rb)));
	}
	/* 3. MPTCP, shown in full. */
	c->o = main_o;
	c->quiet = false;
	c->json = json;
	if (!json)
		printf("MPTCP over all paths:\n");
	ret = run_one(c, &s);
	if (ret)
		return ret;
	mptcp = c->sum_bps;
	if (json) {
		struct jw *w = &c->w;

		jw_obj_open(w, "baseline");
		jw_arr_open(w, "paths");
		for (int k = 0; k < np; k++) {
			jw_obj_open(w, NULL);
			jw_str(w, "interface", paths[k].ifname);
			jw_str(w, "local_host", binds[k]);
			jw_str(w, "remote_host", hosts[k]);
			jw_double(w, "tcp_bits_per_second", single[k]);
			jw_obj_close(w);
		}
		jw_arr_close(w);
		jw_double(w, "mptcp_bits_per_second", mptcp);
		jw_double(w, "gain_vs_best", best > 0 ? mptcp / best : 0);
		jw_double(w, "gain_vs_sum", sum > 0 ? mptcp / sum : 0);
		jw_obj_close(w);
		jw_obj_close(w);
		jw_end(w);
		c->json_open = false;
	} else {
		printf("baseline: MPTCP %s = %.2fx the best single path, %.1f %% of the sum of the "
		       "paths alone\n",
		       iperf_fmt(mptcp, false, rb, sizeof(rb)), best > 0 ? mptcp / best : 0,
		       sum > 0 ? 100 * mptcp / sum : 0);
	}
	return 0;
}

int cmd_bench_main(struct cli *cli, int argc, char **argv)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct bench_summary s;
	int ret;

	if (!c)
		return EXIT_FAIL;
	c->cli = cli;
	bench_opts_default(&c->o);
	ret = parse(c, argc, argv);
	if (ret) {
		free(c);
		return ret < 0 ? EXIT_OK : ret;
	}
	c->json |= cli->json;
	if (c->server) {
		struct bench_cb cb = { .arg = c,
				       .connected = on_connected,
				       .stream = on_stream,
				       .interval = on_interval,
				       .done = on_done,
				       .client_error = on_client_error };
		struct mc_err e = { 0 };
		int lfd;

		ret = bench_listen(&c->o, &lfd, &e);
		if (ret) {
			free(c);
			return cli_fail(&e, "bench server");
		}
		if (!c->json) {
			printf("-----------------------------------------------------------\n"
			       "Server listening on %u (%s)\n"
			       "-----------------------------------------------------------\n",
			       c->o.port, c->o.tcp ? "TCP" : "MPTCP, and TCP clients");
			fflush(stdout);
		}
		ret = bench_serve(lfd, &c->o, &cb, &e);
		close(lfd);
		free(c);
		return ret ? EXIT_FAIL : EXIT_OK;
	}
	ret = c->baseline ? baseline(c) : run_one(c, &s);
	if (!ret && c->plot)
		ret = plot_write(c) ? EXIT_FAIL : 0;
	if (!ret && c->verify_bad)
		ret = EXIT_FAIL;
	for (int j = 0; j < c->nseries; j++)
		free(c->ser[j].y);
	free(c);
	return ret ? EXIT_FAIL : EXIT_OK;
}
