// SPDX-License-Identifier: GPL-2.0-or-later
/* mptcpctl monitor: path-manager events as they happen, and MPTcpExt counter changes. */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "../common/json.h"
#include "../common/units.h"
#include "../pm/counters.h"
#include "../pm/pm.h"

static const char monitor_usage[] =
	"Usage: mptcpctl monitor [-j] [--counters] [interval S] [count N] [timeout S]\n"
	"\n"
	"Prints the MPTCP path manager's events of this network namespace (use\n"
	"'mptcpctl -n NETNS monitor' for another) as they happen: created,\n"
	"established, closed, announced, removed, sub_established, sub_closed (with\n"
	"the error), sub_priority, listener_created, listener_closed.\n"
	"\n"
	"  --counters  also print, every interval (default 1s), the MPTcpExt counters\n"
	"              of /proc/net/netstat that changed, explained in words\n"
	"  count N     stop after N events\n"
	"  timeout S   stop after S seconds\n"
	"  -j          one JSON object per line\n"
	"\n"
	"Stops on SIGINT or SIGTERM with exit status 0.\n";

struct mon {
	struct cli *cli;
	uint16_t family;
	long count, seen;
	bool counters;
	struct mc_counters last;
};

static void now_str(char *buf, size_t len, double *t)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	*t = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	localtime_r(&ts.tv_sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%06ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts.tv_nsec / 1000);
}

static void print_event(struct mon *m, const struct pm_event *ev)
{
	char ts[32], a[MC_ADDRSTRLEN], ifn[IF_NAMESIZE] = "";
	double t;

	now_str(ts, sizeof(ts), &t);
	if (ev->has & PM_HAS_IF_IDX && ev->if_idx > 0 && !if_indextoname((unsigned)ev->if_idx, ifn))
		snprintf(ifn, sizeof(ifn), "if%d", ev->if_idx);
	if (m->cli->json) {
		struct jw w;

		jw_init(&w, stdout, false);
		jw_obj_open(&w, NULL);
		jw_fixed6(&w, "time", t);
		jw_str(&w, "event", pm_event_name(ev->type));
		jw_u64(&w, "type", ev->type);
		if (ev->has & PM_HAS_TOKEN)
			jw_u64(&w, "token", ev->token);
		if (ev->has & PM_HAS_SADDR)
			jw_str(&w, "saddr", mc_prefix_fmt(&ev->saddr, false, a, sizeof(a)));
		if (ev->has & PM_HAS_SPORT)
			jw_u64(&w, "sport", ev->sport);
		if (ev->has & PM_HAS_DADDR)
			jw_str(&w, "daddr", mc_prefix_fmt(&ev->daddr, false, a, sizeof(a)));
		if (ev->has & PM_HAS_DPORT)
			jw_u64(&w, "dport", ev->dport);
		if (ev->has & PM_HAS_LOC_ID)
			jw_u64(&w, "loc_id", ev->loc_id);
		if (ev->has & PM_HAS_REM_ID)
			jw_u64(&w, "rem_id", ev->rem_id);
		if (ev->has & PM_HAS_BACKUP)
			jw_bool(&w, "backup", ev->backup);
		if (ifn[0])
			jw_str(&w, "dev", ifn);
		if (ev->has & PM_HAS_ERROR) {
			jw_u64(&w, "error", ev->error);
			jw_str(&w, "error_text", strerror((int)ev->error));
		}
		if (ev->has & PM_HAS_RESET)
			jw_u64(&w, "reset_reason", ev->reset_reason);
		if (ev->has & PM_HAS_TIMEOUT)
			jw_u64(&w, "timeout", ev->timeout);
		jw_bool(&w, "server_side", ev->server_side);
		jw_obj_close(&w);
		jw_end(&w);
		return;
	}
	printf("%s  %-16s", ts, pm_event_name(ev->type));
	if (ev->has & PM_HAS_TOKEN)
		printf(" token %08x", ev->token);
	if (ev->has & PM_HAS_SADDR) {
		mc_prefix_fmt(&ev->saddr, false, a, sizeof(a));
		printf(ev->saddr.family == AF_INET6 ? " [%s]" : " %s", a);
		if (ev->has & PM_HAS_SPORT)
			printf(":%u", ev->sport);
	}
	if (ev->has & PM_HAS_DADDR) {
		mc_prefix_fmt(&ev->daddr, false, a, sizeof(a));
		printf(ev->daddr.family == AF_INET6 ? " -> [%s]" : " -> %s", a);
		if (ev->has & PM_HAS_DPORT)
			printf(":%u", ev->dport);
	}
	if (ev->has & (PM_HAS_LOC_ID | PM_HAS_REM_ID))
		printf("  ids %u/%u", ev->loc_id, ev->rem_id);
	if ((ev->has & PM_HAS_BACKUP) && ev->backup)
		printf("  backup");
	if (ifn[0])
		printf("  dev %s", ifn);
	if (ev->server_side)
		printf("  server-side");
	if (ev->has & PM_HAS_ERROR)
		printf("  error %u (%s)", ev->error, strerror((int)ev->error));
	if (ev->has & PM_HAS_RESET)
		printf("  reset reason %u", ev->reset_reason);
	putchar('\n');
	fflush(stdout);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mon *m = data;
	struct pm_event ev;
	int ret = pm_event_parse(nlh, m->family, &ev);

	if (ret)
		return 0; /* not ours, or malformed: skip, never die on a bad message */
	print_event(m, &ev);
	m->seen++;
	return 0;
}

static void print_counters(struct mon *m)
{
	struct mc_counters now;
	char ts[32];
	double t;
	bool any = false;
	struct jw w;

	if (counters_read(&now, NULL))
		return;
	now_str(ts, sizeof(ts), &t);
	if (m->cli->json) {
		jw_init(&w, stdout, false);
		jw_obj_open(&w, NULL);
		jw_fixed6(&w, "time", t);
		jw_obj_open(&w, "counters");
	}
	for (size_t i = 0; i < now.n; i++) {
		uint64_t before = counters_get(&m->last, now.c[i].name);
		const char *mean = counter_meaning(now.c[i].name);

		if (now.c[i].value == before)
			continue;
		any = true;
		if (m->cli->json) {
			jw_i64(&w, now.c[i].name, (int64_t)(now.c[i].value - before));
		} else {
			printf("%s  counter  %-24s %+lld", ts, now.c[i].name,
			       (long long)(now.c[i].value - before));
			if (mean)
				printf("  %s", mean);
			putchar('\n');
		}
	}
	if (m->cli->json) {
		jw_obj_close(&w);
		jw_obj_close(&w);
		if (any)
			jw_end(&w);
	}
	fflush(stdout);
	m->last = now;
}

static int parse_num(const char *opt, const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > max)
		return cli_usage("monitor ", "monitor: %s '%s': expected 1 to %ld", opt, s, max);
	*out = v;
	return 0;
}

int cmd_monitor_main(struct cli *cli, int argc, char **argv)
{
	struct mon m = { .cli = cli, .count = -1 };
	uint64_t interval = 1000000, timeout = 0;
	struct genl_family fam;
	struct mc_err e = { 0 };
	struct pollfd pfd[3];
	sigset_t sigs;
	struct nl nl;
	int tfd = -1, sfd = -1, ret = EXIT_OK;
	struct timespec start;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (cli_is_help(a)) {
			fputs(monitor_usage, stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			cli->json = true;
		} else if (!strcmp(a, "--counters")) {
			m.counters = true;
		} else if (i + 1 >= argc) {
			return cli_usage("monitor ", "monitor: unknown argument '%s'", a);
		} else if (!strcmp(a, "interval") || !strcmp(a, "timeout")) {
			uint64_t *dst = !strcmp(a, "interval") ? &interval : &timeout;

			if (units_parse_duration(argv[++i], dst) || *dst < 10000 ||
			    *dst > 86400000000ULL)
				return cli_usage("monitor ",
						 "monitor: %s '%s': expected 0.01s to 24h", a,
						 argv[i]);
		} else if (!strcmp(a, "count")) {
			if (parse_num(a, argv[++i], 1000000000L, &m.count))
				return EXIT_USAGE;
		} else {
			return cli_usage("monitor ", "monitor: unknown argument '%s'", a);
		}
	}
	if (pm_events_open(&nl, &fam, &e))
		return cli_fail(&e, "monitor");
	m.family = fam.id;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (m.counters) {
		struct itimerspec its = { 0 };

		counters_read(&m.last, NULL);
		its.it_interval.tv_sec = (time_t)(interval / 1000000);
		its.it_interval.tv_nsec = (long)(interval % 1000000) * 1000;
		its.it_value = its.it_interval;
		tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
		if (tfd >= 0)
			timerfd_settime(tfd, 0, &its, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (!cli->json) {
		fprintf(stderr, "monitoring MPTCP events (Ctrl-C to stop)\n");
	}
	while (m.count < 0 || m.seen < m.count) {
		int n, wait_ms = -1;

		if (timeout) {
			struct timespec now;
			int64_t left;

			clock_gettime(CLOCK_MONOTONIC, &now);
			left = (int64_t)timeout / 1000 - ((now.tv_sec - start.tv_sec) * 1000 +
							  (now.tv_nsec - start.tv_nsec) / 1000000);
			if (left <= 0)
				break;
			wait_ms = (int)left;
		}
		pfd[0] = (struct pollfd){ .fd = mnl_socket_get_fd(nl.sk), .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = tfd, .events = POLLIN };
		n = poll(pfd, tfd >= 0 ? 3 : 2, wait_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = cli_fail(&(struct mc_err){ .code = -errno, .what = "monitor: poll" },
				       NULL);
			break;
		}
		if (pfd[1].revents)
			break;
		if (tfd >= 0 && pfd[2].revents) {
			uint64_t ticks;

			if (read(tfd, &ticks, sizeof(ticks)) > 0)
				print_counters(&m);
		}
		if (pfd[0].revents) {
			ssize_t len = mnl_socket_recvfrom(nl.sk, nl.rbuf, NL_RECV_BUF);

			if (len < 0) {
				if (errno == ENOBUFS) {
					fprintf(stderr, "mptcpctl: monitor: events were lost (the "
							"kernel's queue overflowed)\n");
					continue;
				}
				if (errno == EINTR || errno == EAGAIN)
					continue;
				ret = cli_fail(&(struct mc_err){ .code = -errno,
								 .what = "monitor: receiving" },
					       NULL);
				break;
			}
			/* Multicast messages are not replies: walk them without seq checks. */
			{
				int rem = (int)len;

				for (const struct nlmsghdr *h = (const struct nlmsghdr *)nl.rbuf;
				     nl_msg_fits(h, rem); h = mnl_nlmsg_next(h, &rem)) {
					event_cb(h, &m);
					if (m.count >= 0 && m.seen >= m.count)
						break;
				}
			}
		}
	}
	if (tfd >= 0)
		close(tfd);
	if (sfd >= 0)
		close(sfd);
	nl_close(&nl);
	return ret;
}
