// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's loop: one epoll over rtnetlink (links, addresses, routes,
 * rules), the mptcp_pm events, a signalfd (HUP: reload; TERM, INT: stop) and
 * a timerfd (coalescing, retries, the periodic re-read). Every wake-up that
 * matters re-reads the kernel and reconciles: level-triggered, so a lost
 * event costs at most one resync period.
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

struct dmn {
	const struct dmn_opts *o;
	struct plan_req req;
	struct plan *owned;
	struct dmn_ids ids;
	struct plan_state *st;
	struct dmn_actions *act;
	struct nl rt, pmev;
	struct genl_family fam;
	bool have_rt, have_pm;
	int sfd, tfd, epfd, pidfd;
	char pidpath[128];
	uint64_t due_ms, resync_ms;
	char last_skipped[PLAN_MAX_IFACES * 200];
	bool stop;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void say(struct dmn *d, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct dmn *d, int prio, const char *fmt, ...)
{
	char msg[640];
	va_list ap;

	if (!d->o->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->o->log(d->o->log_arg, prio, msg);
}

static void say_err(struct dmn *d, int prio, const char *ctx, const struct mc_err *e)
{
	char buf[800];

	say(d, prio, "%s: %s", ctx, mc_err_str(e, buf, sizeof(buf)));
}

/* ---- the record: "# id ADDR N" lines, then setup's step lines ---- */

static int record_write(struct dmn *d, struct mc_err *e)
{
	char path[160], tmp[176], line[512], a[MC_ADDRSTRLEN];
	FILE *f;
	int ret = 0;

	if (plan_record_path(DMN_KIND, path, sizeof(path)))
		return mc_err_set(e, -EIO, "finding this network namespace");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (mkdir("/run/mptcpctl", 0755) < 0 && errno != EEXIST)
		return mc_err_set(e, -errno, "creating /run/mptcpctl");
	if (mkdir(PLAN_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return mc_err_set(e, -errno, "creating %s", PLAN_RUN_DIR);
	f = fopen(tmp, "we");
	if (!f)
		return mc_err_set(e, -errno, "writing %s", tmp);
	fprintf(f, "# mptcpctl daemon (pid %d): what it applied and still owns\n", (int)getpid());
	for (int i = 0; i < d->ids.n; i++)
		fprintf(f, "# id %s %u\n", mc_prefix_fmt(&d->ids.v[i].addr, false, a, sizeof(a)),
			d->ids.v[i].id);
	for (int i = 0; i < d->owned->n; i++)
		if (plan_step_serialize(&d->owned->v[i], line, sizeof(line)) > 0)
			fputs(line, f);
	if (fflush(f) || fsync(fileno(f)))
		ret = mc_err_set(e, -errno, "writing %s", tmp);
	if (fclose(f) && !ret)
		ret = mc_err_set(e, -errno, "writing %s", tmp);
	if (!ret && rename(tmp, path) < 0)
		ret = mc_err_set(e, -errno, "renaming %s", tmp);
	if (ret)
		unlink(tmp);
	return ret;
}

static int record_load(struct dmn *d, struct mc_err *e)
{
	char path[160], line[512];
	FILE *f;
	int ret = plan_record_read(DMN_KIND, d->owned, e);

	if (ret)
		return ret;
	for (int i = 0; i < d->owned->n; i++)
		if (d->owned->v[i].op == OP_ENDPOINT_ADD)
			dmn_ids_note(&d->ids, &d->owned->v[i].u.ep.addr, d->owned->v[i].u.ep.id);
	if (plan_record_path(DMN_KIND, path, sizeof(path)) || !(f = fopen(path, "re")))
		return 0;
	while (fgets(line, sizeof(line), f)) {
		struct mc_prefix p;
		uint8_t id;

		if (!dmn_ids_line_parse(line, &p, &id) && dmn_ids_find(&d->ids, &p) < 0)
			dmn_ids_note(&d->ids, &p, id);
	}
	fclose(f);
	return 0;
}

/* ---- the pid file: held (flock) as long as the daemon runs ---- */

static int pidfile_take(struct dmn *d, struct mc_err *e)
{
	char path[128], buf[400];
	uint64_t cookie;
	pid_t other;
	int ret, n;

	if (mkdir("/run/mptcpctl", 0755) < 0 && errno != EEXIST)
		return mc_err_set(e, -errno, "creating /run/mptcpctl");
	if (mkdir(DMN_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return mc_err_set(e, -errno, "creating %s", DMN_RUN_DIR);
	ret = plan_netns_cookie(&cookie);
	if (ret)
		return mc_err_set(e, ret, "finding this network namespace");
	snprintf(path, sizeof(path), "%s/netns-cookie-%llu.pid", DMN_RUN_DIR,
		 (unsigned long long)cookie);
	d->pidfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (d->pidfd >= 0)
		snprintf(d->pidpath, sizeof(d->pidpath), "%s", path);
	if (d->pidfd < 0)
		return mc_err_set(e, -errno, "opening %s", path);
	if (flock(d->pidfd, LOCK_EX | LOCK_NB) < 0) {
		ret = errno == EWOULDBLOCK ? -EBUSY : -errno;
		close(d->pidfd);
		d->pidfd = -1;
		dmn_running(&other, NULL, 0);
		return mc_err_set(e, ret,
				  "a daemon already manages this network namespace (pid %d)",
				  (int)other);
	}
	n = snprintf(buf, sizeof(buf), "%d\n%s\n", (int)getpid(),
		     d->o->conf_path ? d->o->conf_path : "-");
	if (ftruncate(d->pidfd, 0) < 0 || pwrite(d->pidfd, buf, (size_t)n, 0) != n)
		return mc_err_set(e, -errno, "writing %s", path);
	return 0;
}

/* ---- reconciling ---- */

static bool gone(int err)
{
	return err == -ENOENT || err == -ESRCH || err == -EADDRNOTAVAIL || err == -ENODEV;
}

static void log_skipped(struct dmn *d)
{
	char all[sizeof(d->last_skipped)] = "";
	size_t n = 0;

	for (int i = 0; i < d->act->nskipped; i++)
		n += (size_t)snprintf(all + n, sizeof(all) - n, "%s\n", d->act->skipped[i]);
	if (!strcmp(all, d->last_skipped))
		return;
	for (int i = 0; i < d->act->nskipped; i++)
		say(d, DMN_LOG_WARN, "not managing a path: %s", d->act->skipped[i]);
	memcpy(d->last_skipped, all, sizeof(all));
}

static void apply_removals(struct dmn *d)
{
	struct plan *one = calloc(1, sizeof(*one));
	char cmd[256];

	if (!one)
		return;
	for (int i = 0; i < d->act->rm.n; i++) {
		struct mc_err e = { 0 };
		const struct step *s = &d->act->rm.v[i];
		int done, ret;

		one->n = 1;
		one->v[0] = *s;
		ret = plan_apply(one, 0, &done, &e);
		plan_step_cmd(s, cmd, sizeof(cmd));
		if (s->op == OP_ENDPOINT_DEL && !s->u.ep.id) {
			char a[MC_ADDRSTRLEN];

			snprintf(cmd, sizeof(cmd), "ip mptcp endpoint delete id 0 %s",
				 mc_prefix_fmt(&s->u.ep.addr, false, a, sizeof(a)));
		}
		if (!ret || gone(ret)) {
			dmn_owned_apply(d->owned, s);
			if (!ret)
				say(d, DMN_LOG_NOTICE, "%s (%s)", cmd, d->act->rm_why[i]);
		} else {
			say_err(d, DMN_LOG_WARN, cmd, &e);
		}
	}
	free(one);
}

static bool apply_additions(struct dmn *d)
{
	struct plan *grp = calloc(1, sizeof(*grp));
	bool ok = true;
	char cmd[256];

	if (!grp)
		return false;
	for (int i = 0; i < d->act->add.n;) {
		struct mc_err e = { 0 };
		int j = i, done;

		/* One interface's steps at once: atomic there, independent of the others. */
		while (j < d->act->add.n &&
		       !strcmp(d->act->add.v[j].ifname, d->act->add.v[i].ifname))
			j++;
		memset(grp, 0, sizeof(*grp));
		grp->n = j - i;
		memcpy(grp->v, &d->act->add.v[i], sizeof(grp->v[0]) * (size_t)grp->n);
		if (plan_apply(grp, 0, &done, &e)) {
			say_err(d, DMN_LOG_WARN, "adding a path", &e);
			ok = false;
		} else {
			for (int k = 0; k < grp->n; k++) {
				const struct step *s = &grp->v[k];

				dmn_owned_apply(d->owned, s);
				if (s->op == OP_ENDPOINT_ADD)
					dmn_ids_note(&d->ids, &s->u.ep.addr, s->u.ep.id);
				say(d, DMN_LOG_NOTICE, "%s", plan_step_cmd(s, cmd, sizeof(cmd)));
			}
		}
		i = j;
	}
	for (int i = 0; i < d->act->add.nnotes; i++)
		say(d, DMN_LOG_INFO, "note: %s", d->act->add.notes[i]);
	free(grp);
	return ok;
}

/* Returns ms until it should run again (0: not needed before the next event). */
static uint64_t reconcile(struct dmn *d)
{
	struct mc_err e = { 0 };
	int lock = -1, before = d->owned->n;

	if (plan_state_read(d->st, &e)) {
		say_err(d, DMN_LOG_ERR, "reading the kernel's state", &e);
		return 1000;
	}
	dmn_owned_prune(d->owned, d->st);
	if (dmn_decide(&d->req, d->st, d->owned, &d->ids, d->act, &e)) {
		say_err(d, DMN_LOG_ERR, "planning", &e);
		return 1000;
	}
	log_skipped(d);
	if (!d->act->rm.n && !d->act->add.n) {
		if (d->owned->n != before && record_write(d, &e))
			say_err(d, DMN_LOG_ERR, "recording", &e);
		return 0;
	}
	/* setup's lock: never interleave with a setup or undo that runs now. */
	if (plan_lock(&lock, &e)) {
		say(d, DMN_LOG_DEBUG, "setup runs in this namespace: retrying");
		return 100;
	}
	apply_removals(d);
	{
		bool ok = apply_additions(d);

		if (record_write(d, &e))
			say_err(d, DMN_LOG_ERR, "recording what was applied", &e);
		close(lock);
		return ok ? 0 : 1000;
	}
}

/* ---- events ---- */

static void schedule(struct dmn *d, uint64_t in_ms)
{
	uint64_t at = now_ms() + in_ms;

	if (!d->due_ms || at < d->due_ms)
		d->due_ms = at;
}

static void arm_timer(struct dmn *d)
{
	uint64_t at = d->resync_ms;
	struct itimerspec its = { 0 };

	if (d->due_ms && d->due_ms < at)
		at = d->due_ms;
	if (!at)
		at = 1;
	its.it_value.tv_sec = (time_t)(at / 1000);
	its.it_value.tv_nsec = (long)(at % 1000) * 1000000;
	timerfd_settime(d->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void rtnl_read(struct dmn *d)
{
	for (;;) {
		ssize_t len =
			recv(mnl_socket_get_fd(d->rt.sk), d->rt.rbuf, NL_RECV_BUF, MSG_DONTWAIT);
		int rem;

		if (len < 0) {
			if (errno == ENOBUFS) {
				say(d, DMN_LOG_WARN, "rtnetlink events were lost: re-reading all");
				schedule(d, 0);
				continue;
			}
			return; /* EAGAIN, EINTR */
		}
		rem = (int)len;
		for (const struct nlmsghdr *h = (const struct nlmsghdr *)d->rt.rbuf;
		     nl_msg_fits(h, rem); h = mnl_nlmsg_next(h, &rem)) {
			enum dmn_ev ev = dmn_rtnl_classify(h, rem);

			if (ev == DMN_EV_URGENT)
				schedule(d, 0);
			else if (ev == DMN_EV_CHANGE)
				schedule(d, d->o->coalesce_ms ? d->o->coalesce_ms : 20);
		}
	}
}

static void pm_read(struct dmn *d)
{
	for (;;) {
		ssize_t len = recv(mnl_socket_get_fd(d->pmev.sk), d->pmev.rbuf, NL_RECV_BUF,
				   MSG_DONTWAIT);
		int rem;

		if (len < 0) {
			if (errno == ENOBUFS)
				continue;
			return;
		}
		rem = (int)len;
		for (const struct nlmsghdr *h = (const struct nlmsghdr *)d->pmev.rbuf;
		     nl_msg_fits(h, rem); h = mnl_nlmsg_next(h, &rem)) {
			struct pm_event ev;
			char s[MC_ADDRSTRLEN] = "?", t[MC_ADDRSTRLEN] = "?";

			if (pm_event_parse(h, d->fam.id, &ev))
				continue;
			if (ev.type != PM_EV_SUB_ESTABLISHED && ev.type != PM_EV_SUB_CLOSED &&
			    ev.type != PM_EV_REMOVED && ev.type != PM_EV_ANNOUNCED)
				continue;
			if (ev.has & PM_HAS_SADDR)
				mc_prefix_fmt(&ev.saddr, false, s, sizeof(s));
			if (ev.has & PM_HAS_DADDR)
				mc_prefix_fmt(&ev.daddr, false, t, sizeof(t));
			say(d, DMN_LOG_DEBUG, "mptcp %s token %08x %s -> %s ids %u/%u",
			    pm_event_name(ev.type), ev.token, s, t, ev.loc_id, ev.rem_id);
		}
	}
}

static void reload(struct dmn *d)
{
	struct plan_req req;
	struct mc_err e = { 0 };
	char msg[96];
	struct timespec ts;

	if (!d->o->conf_path) {
		say(d, DMN_LOG_INFO, "reload: no config file; re-reading the kernel");
		schedule(d, 0);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
			 (unsigned long long)ts.tv_nsec / 1000);
	dmn_notify(msg);
	if (dmn_conf_load(d->o->conf_path, &req, &e)) {
		say_err(d, DMN_LOG_ERR, "reload: keeping the running config", &e);
	} else {
		d->req = req;
		say(d, DMN_LOG_NOTICE, "reload: %s read; applying the difference", d->o->conf_path);
		schedule(d, 0);
	}
	dmn_notify("READY=1");
}

static void on_signal(struct dmn *d)
{
	struct signalfd_siginfo si;

	while (read(d->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(d);
		else
			d->stop = true;
	}
}

static int open_all(struct dmn *d, struct mc_err *e)
{
	static unsigned groups[] = { RTNLGRP_LINK,	 RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
				     RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,  RTNLGRP_IPV4_RULE,
				     RTNLGRP_IPV6_RULE };
	struct epoll_event ev = { .events = EPOLLIN };
	int rcvbuf = 4 << 20, ret;
	sigset_t sigs;

	ret = nl_open(&d->rt, NETLINK_ROUTE, e);
	if (ret)
		return ret;
	d->have_rt = true;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (mnl_socket_setsockopt(d->rt.sk, NETLINK_ADD_MEMBERSHIP, &groups[i],
					  sizeof(groups[i])) < 0)
			return mc_err_set(e, -errno, "subscribing to rtnetlink group %u",
					  groups[i]);
	/* A burst (a link with many routes going) must not overflow: RCVBUFFORCE needs
	 * CAP_NET_ADMIN, which the daemon has; the plain size is the fallback. */
	if (setsockopt(mnl_socket_get_fd(d->rt.sk), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(mnl_socket_get_fd(d->rt.sk), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	ret = pm_events_open(&d->pmev, &d->fam, e);
	if (ret)
		return ret;
	d->have_pm = true;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 ||
	    (d->sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return mc_err_set(e, -errno, "signalfd");
	d->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->tfd < 0)
		return mc_err_set(e, -errno, "timerfd");
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return mc_err_set(e, -errno, "epoll");
	ev.data.fd = mnl_socket_get_fd(d->rt.sk);
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		return mc_err_set(e, -errno, "epoll");
	ev.data.fd = mnl_socket_get_fd(d->pmev.sk);
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		return mc_err_set(e, -errno, "epoll");
	ev.data.fd = d->sfd;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		return mc_err_set(e, -errno, "epoll");
	ev.data.fd = d->tfd;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		return mc_err_set(e, -errno, "epoll");
	return 0;
}

static void close_all(struct dmn *d)
{
	if (d->have_rt)
		nl_close(&d->rt);
	if (d->have_pm)
		nl_close(&d->pmev);
	if (d->sfd >= 0)
		close(d->sfd);
	if (d->tfd >= 0)
		close(d->tfd);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->pidfd >= 0) {
		/* Removed while still locked: a reader sees a held file or none. */
		if (d->pidpath[0])
			unlink(d->pidpath);
		close(d->pidfd);
	}
	free(d->owned);
	free(d->st);
	free(d->act);
}

static void cleanup_owned(struct dmn *d)
{
	struct mc_err e = { 0 };
	int undone = 0, missing = 0, lock = -1;

	if (plan_lock(&lock, &e))
		say_err(d, DMN_LOG_WARN, "cleanup: going on without setup's lock", &e);
	if (plan_undo(d->owned, &undone, &missing, &e))
		say_err(d, DMN_LOG_WARN, "cleanup", &e);
	memset(d->owned, 0, sizeof(*d->owned));
	if (plan_record_remove(DMN_KIND, &e))
		say_err(d, DMN_LOG_WARN, "cleanup", &e);
	say(d, DMN_LOG_NOTICE, "cleanup: %d step%s undone, %d already gone", undone,
	    undone == 1 ? "" : "s", missing);
	if (lock >= 0)
		close(lock);
}

int dmn_run(const struct dmn_opts *o, struct mc_err *e)
{
	struct dmn d = { .o = o, .sfd = -1, .tfd = -1, .epfd = -1, .pidfd = -1 };
	struct plan *setup_rec = NULL;
	const char *rival;
	bool ready = false;
	uint64_t ready_by;
	int ret;

	d.req = o->req;
	d.owned = calloc(1, sizeof(*d.owned));
	d.st = calloc(1, sizeof(*d.st));
	d.act = calloc(1, sizeof(*d.act));
	if (!d.owned || !d.st || !d.act) {
		ret = mc_err_set(e, -ENOMEM, "starting");
		goto out;
	}
	rival = plan_rival_manager();
	if (rival && !o->force) {
		ret = mc_err_set(e, -EBUSY,
				 "%s manages MPTCP in this network namespace; two managers fight "
				 "over endpoints (one adds what the other removes). Stop it, or "
				 "use --force",
				 rival);
		goto out;
	}
	ret = pidfile_take(&d, e);
	if (!ret)
		ret = open_all(&d, e);
	if (!ret)
		ret = record_load(&d, e);
	if (ret)
		goto out;
	if (rival)
		say(&d, DMN_LOG_WARN, "%s runs here too (--force): expect fights over endpoints",
		    rival);
	setup_rec = calloc(1, sizeof(*setup_rec));
	if (setup_rec && !plan_record_read("setup", setup_rec, NULL) && setup_rec->n)
		say(&d, DMN_LOG_WARN,
		    "'mptcpctl setup' applied %d steps here: the daemon leaves them alone and "
		    "cannot withdraw those paths on failure ('mptcpctl setup undo' first)",
		    setup_rec->n);
	free(setup_rec);
	say(&d, DMN_LOG_INFO, "managing %s (role %s), %d objects adopted from the record",
	    d.req.auto_ifaces ? "every interface" : "the configured interfaces",
	    plan_role_name(d.req.role), d.owned->n);
	schedule(&d, 0);
	ready_by = now_ms() + 2000;
	while (!d.stop) {
		struct epoll_event evs[8];
		uint64_t now = now_ms();
		int n;

		if (d.due_ms && d.due_ms <= now) {
			uint64_t again;

			d.due_ms = 0;
			again = reconcile(&d);
			d.resync_ms = now_ms() + (o->resync_ms ? o->resync_ms : 30000);
			/* READY=1 once every configured path is there: a link
			 * that comes up just after the start (a lab's or a
			 * boot's) is waited for, up to 2 s, polled every 50 ms. */
			if (!ready && ((!again && !d.act->nskipped) || now >= ready_by)) {
				dmn_notify("READY=1\nSTATUS=managing MPTCP paths");
				ready = true;
			} else if (!ready && !again) {
				again = 50;
			}
			if (again)
				schedule(&d, again);
			continue;
		}
		if (d.resync_ms && d.resync_ms <= now) {
			schedule(&d, 0);
			continue;
		}
		arm_timer(&d);
		n = epoll_wait(d.epfd, evs, 8, -1);
		if (n < 0 && errno != EINTR) {
			ret = mc_err_set(e, -errno, "epoll_wait");
			break;
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == d.sfd) {
				on_signal(&d);
			} else if (fd == d.tfd) {
				uint64_t x;

				if (read(d.tfd, &x, sizeof(x)) < 0 && errno != EAGAIN)
					say(&d, DMN_LOG_DEBUG, "timerfd: %s", strerror(errno));
			} else if (d.have_rt && fd == mnl_socket_get_fd(d.rt.sk)) {
				rtnl_read(&d);
			} else if (d.have_pm && fd == mnl_socket_get_fd(d.pmev.sk)) {
				pm_read(&d);
			}
		}
	}
	dmn_notify("STOPPING=1");
	if (!ret && o->cleanup)
		cleanup_owned(&d);
	say(&d, DMN_LOG_INFO, "stopping");
out:
	close_all(&d);
	return ret;
}
