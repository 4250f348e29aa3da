// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading the kernel's state, applying a plan atomically, the record, undo. */
#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "../ns/ns.h"

static int st_link(const struct rt_link *l, void *data)
{
	struct plan_state *st = data;

	if (st->nlinks < (int)(sizeof(st->links) / sizeof(st->links[0])))
		st->links[st->nlinks++] = *l;
	return 0;
}

static int st_addr(const struct rt_addr *a, void *data)
{
	struct plan_state *st = data;

	if (st->naddrs < PLAN_MAX_ADDRS)
		st->addrs[st->naddrs++] = *a;
	return 0;
}

static int st_route(const struct rt_route *r, void *data)
{
	struct plan_state *st = data;

	if (r->table == RT_TABLE_LOCAL)
		return 0;
	if (st->nroutes >= PLAN_MAX_ROUTES)
		return -E2BIG;
	st->routes[st->nroutes++] = *r;
	return 0;
}

static int st_rule(const struct rt_rule *r, void *data)
{
	struct plan_state *st = data;

	if (st->nrules >= PLAN_MAX_RULES)
		return -E2BIG;
	st->rules[st->nrules++] = *r;
	return 0;
}

static int st_ep(const struct pm_endpoint *ep, void *data)
{
	struct plan_state *st = data;

	if (st->nendpoints < (int)(sizeof(st->endpoints) / sizeof(st->endpoints[0])))
		st->endpoints[st->nendpoints++] = *ep;
	return 0;
}

/* 'laminar' endpoints came with the mptcp_info field endp_laminar_max (6.18). */
static bool probe_laminar(void)
{
	struct mc_mptcp_info info;
	socklen_t len = sizeof(info);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
	bool ok;

	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	ok = getsockopt(fd, SOL_MPTCP, MC_MPTCP_INFO, &info, &len) == 0 &&
	     len > offsetof(struct mc_mptcp_info, endp_laminar_max);
	close(fd);
	return ok;
}

int plan_state_read(struct plan_state *st, struct mc_err *e)
{
	struct nl nl;
	struct pm pm;
	char v[16];
	int ret;

	memset(st, 0, sizeof(*st));
	ret = nl_open(&nl, NETLINK_ROUTE, e);
	if (ret)
		return ret;
	ret = rt_link_dump(&nl, st_link, st, e);
	if (!ret)
		ret = rt_addr_dump(&nl, AF_UNSPEC, st_addr, st, e);
	if (!ret)
		ret = rt_route_dump(&nl, AF_INET, st_route, st, e);
	if (!ret)
		ret = rt_route_dump(&nl, AF_INET6, st_route, st, e);
	if (!ret)
		ret = rt_rule_dump(&nl, AF_INET, st_rule, st, e);
	if (!ret)
		ret = rt_rule_dump(&nl, AF_INET6, st_rule, st, e);
	nl_close(&nl);
	if (ret)
		return ret;
	if (sysctl_get(-1, "net.mptcp.enabled", st->mptcp_enabled, sizeof(st->mptcp_enabled), NULL))
		return mc_err_set(
			e, -EPROTONOSUPPORT,
			"this kernel has no upstream MPTCP (net.mptcp.enabled is missing)");
	ret = pm_open(&pm, e);
	if (ret)
		return ret;
	ret = pm_endpoint_dump(&pm, st_ep, st, e);
	if (!ret)
		ret = pm_limits_get(&pm, &st->limits, e);
	pm_close(&pm);
	if (ret)
		return ret;
	st->rp_filter_all =
		sysctl_get(-1, "net.ipv4.conf.all.rp_filter", v, sizeof(v), NULL) ? -1 : atoi(v);
	for (int i = 0; i < st->nlinks; i++) {
		char key[64];

		plan_rp_filter_key(st->links[i].name, key, sizeof(key));
		st->rp_filter[i] = sysctl_get(-1, key, v, sizeof(v), NULL) ? -1 : atoi(v);
	}
	st->laminar_supported = probe_laminar();
	return 0;
}

struct apply_ctx {
	struct nl nl;
	struct pm pm;
	bool have_pm;
};

static int step_do(struct apply_ctx *c, const struct step *s, struct mc_err *e)
{
	switch (s->op) {
	case OP_SYSCTL:
		return sysctl_set(-1, s->u.sysctl.key, s->u.sysctl.val, e);
	case OP_ROUTE_ADD:
		return rt_route_add(&c->nl, &s->u.route, e);
	case OP_ROUTE_DEL:
		return rt_route_del(&c->nl, &s->u.route, e);
	case OP_RULE_ADD:
		return rt_rule_add(&c->nl, &s->u.rule, e);
	case OP_RULE_DEL:
		return rt_rule_del(&c->nl, &s->u.rule, e);
	case OP_ENDPOINT_ADD:
		return pm_endpoint_add(&c->pm, &s->u.ep, e);
	case OP_ENDPOINT_DEL:
		return pm_endpoint_del(&c->pm, &s->u.ep, e);
	case OP_LIMITS:
		return pm_limits_set(&c->pm, &s->u.limits.now, e);
	}
	return -EINVAL;
}

static int ctx_open(struct apply_ctx *c, struct mc_err *e)
{
	int ret;

	memset(c, 0, sizeof(*c));
	ret = nl_open(&c->nl, NETLINK_ROUTE, e);
	if (ret)
		return ret;
	ret = pm_open(&c->pm, e);
	if (ret) {
		nl_close(&c->nl);
		return ret;
	}
	c->have_pm = true;
	return 0;
}

static void ctx_close(struct apply_ctx *c)
{
	nl_close(&c->nl);
	if (c->have_pm)
		pm_close(&c->pm);
}

int plan_apply(const struct plan *p, int fail_at, int *done, struct mc_err *e)
{
	struct apply_ctx c;
	char cmd[256];
	int i, ret = 0;

	*done = 0;
	if (p->n == 0)
		return 0;
	ret = ctx_open(&c, e);
	if (ret)
		return ret;
	for (i = 0; i < p->n; i++) {
		if (i + 1 == fail_at)
			ret = mc_err_set(e, -EIO, "injected failure (test hook)");
		else
			ret = step_do(&c, &p->v[i], e);
		if (ret)
			break;
	}
	if (ret) {
		int failed = i, rb_err = 0;

		mc_err_ctx(e, ret, "step %d of %d (%s)", failed + 1, p->n,
			   plan_step_cmd(&p->v[failed], cmd, sizeof(cmd)));
		/* Atomic: the inverses of the steps done, newest first. */
		for (int j = failed - 1; j >= 0; j--) {
			struct step inv;
			struct mc_err re = { 0 };

			plan_step_inverse(&p->v[j], &inv);
			if (step_do(&c, &inv, &re) && !rb_err)
				rb_err = re.code;
		}
		if (e) {
			size_t n = strlen(e->what);

			snprintf(e->what + n, sizeof(e->what) - n, "%s%s",
				 rb_err ? "; rolling back left something behind: " :
					  "; nothing was changed",
				 rb_err ? strerror(-rb_err) : "");
		}
	} else {
		*done = p->n;
	}
	ctx_close(&c);
	return ret;
}

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/*
 * The namespace's cookie names its record: unlike the inode of
 * /proc/self/ns/net, a cookie is never reused by a later namespace.
 */
static int ns_ino(unsigned long *ino)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		ret = -errno;
	close(fd);
	*ino = (unsigned long)cookie;
	return ret;
}

int plan_netns_cookie(uint64_t *cookie)
{
	unsigned long ino = 0;
	int ret = ns_ino(&ino);

	*cookie = ino;
	return ret;
}

int plan_record_path(const char *kind, char *buf, size_t len)
{
	unsigned long ino = 0;
	int ret = ns_ino(&ino);

	if (ret)
		return ret;
	snprintf(buf, len, "%s/netns-cookie-%lu.%s.record", PLAN_RUN_DIR, ino, kind);
	return 0;
}

static int mkdirs(struct mc_err *e)
{
	if (mkdir("/run/mptcpctl", 0755) < 0 && errno != EEXIST)
		return mc_err_set(e, -errno, "creating /run/mptcpctl");
	if (mkdir(PLAN_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return mc_err_set(e, -errno, "creating %s", PLAN_RUN_DIR);
	return 0;
}

int plan_record_append(const char *kind, const struct plan *p, struct mc_err *e)
{
	char path[128], line[512];
	int ret, fd;

	ret = mkdirs(e);
	if (ret)
		return ret;
	ret = plan_record_path(kind, path, sizeof(path));
	if (ret)
		return mc_err_set(e, ret, "finding this network namespace");
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return mc_err_set(e, -errno, "opening %s", path);
	for (int i = 0; i < p->n; i++) {
		int n = plan_step_serialize(&p->v[i], line, sizeof(line));

		if (n < 0 || write(fd, line, (size_t)n) != n) {
			ret = mc_err_set(e, n < 0 ? n : -EIO, "writing %s", path);
			break;
		}
	}
	if (fsync(fd) < 0 && !ret)
		ret = mc_err_set(e, -errno, "writing %s", path);
	close(fd);
	return ret;
}

int plan_record_read(const char *kind, struct plan *p, struct mc_err *e)
{
	char path[128], line[512];
	int ret, lineno = 0;
	FILE *f;

	memset(p, 0, sizeof(*p));
	ret = plan_record_path(kind, path, sizeof(path));
	if (ret)
		return mc_err_set(e, ret, "finding this network namespace");
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : mc_err_set(e, -errno, "reading %s", path);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (p->n >= PLAN_MAX_STEPS) {
			ret = mc_err_set(e, -E2BIG, "%s: more than %d steps", path, PLAN_MAX_STEPS);
			break;
		}
		if (plan_step_parse(line, &p->v[p->n])) {
			ret = mc_err_set(e, -EBADMSG, "%s line %d: not a step mptcpctl wrote", path,
					 lineno);
			break;
		}
		p->n++;
	}
	fclose(f);
	return ret;
}

int plan_record_remove(const char *kind, struct mc_err *e)
{
	char path[128];
	int ret = plan_record_path(kind, path, sizeof(path));

	if (ret)
		return mc_err_set(e, ret, "finding this network namespace");
	if (unlink(path) < 0 && errno != ENOENT)
		return mc_err_set(e, -errno, "removing %s", path);
	return 0;
}

int plan_lock(int *fd, struct mc_err *e)
{
	char path[128];
	unsigned long ino = 0;
	int ret = mkdirs(e);

	if (ret)
		return ret;
	ret = ns_ino(&ino);
	if (ret)
		return mc_err_set(e, ret, "finding this network namespace");
	snprintf(path, sizeof(path), "%s/netns-cookie-%lu.lock", PLAN_RUN_DIR, ino);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0)
		return mc_err_set(e, -errno, "opening %s", path);
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		ret = errno == EWOULDBLOCK ? -EBUSY : -errno;
		close(*fd);
		*fd = -1;
		return mc_err_set(e, ret, "another mptcpctl setup is running in this namespace");
	}
	return 0;
}

static bool same_addr(const struct mc_prefix *a, const struct mc_prefix *b)
{
	return a->family == b->family && !memcmp(a->a.raw, b->a.raw, mc_prefix_alen(a));
}

bool plan_step_present(const struct step *s, const struct plan_state *st)
{
	switch (s->op) {
	case OP_SYSCTL: {
		char v[16];

		return !sysctl_get(-1, s->u.sysctl.key, v, sizeof(v), NULL) &&
		       !strcmp(v, s->u.sysctl.val);
	}
	case OP_ROUTE_ADD:
		for (int i = 0; i < st->nroutes; i++) {
			const struct rt_route *r = &st->routes[i];

			if (r->table == s->u.route.table && r->dst.plen == s->u.route.dst.plen &&
			    same_addr(&r->dst, &s->u.route.dst) && r->has_gw == s->u.route.has_gw)
				return true;
		}
		return false;
	case OP_RULE_ADD:
		for (int i = 0; i < st->nrules; i++) {
			const struct rt_rule *r = &st->rules[i];

			if (r->has_src && same_addr(&r->src, &s->u.rule.src) &&
			    r->table == s->u.rule.table && r->priority == s->u.rule.priority)
				return true;
		}
		return false;
	case OP_ENDPOINT_ADD:
		for (int i = 0; i < st->nendpoints; i++)
			if (st->endpoints[i].id == s->u.ep.id &&
			    same_addr(&st->endpoints[i].addr, &s->u.ep.addr))
				return true;
		return false;
	case OP_LIMITS:
		return st->limits.subflows >= s->u.limits.now.subflows &&
		       st->limits.add_addr_accepted >= s->u.limits.now.add_addr_accepted;
	default:
		return false;
	}
}

static bool gone(const struct step *inv, int err, const struct mc_err *e)
{
	/* The path manager answers a missing endpoint with EINVAL and this text. */
	if (inv->op == OP_ENDPOINT_DEL && err == -EINVAL && strstr(e->kmsg, "address not found"))
		return true;
	return err == -ENOENT || err == -ESRCH || err == -EADDRNOTAVAIL || err == -ENODEV;
}

int plan_undo(const struct plan *rec, int *undone, int *missing, struct mc_err *e)
{
	struct apply_ctx c;
	struct plan_state *st;
	int ret, first_err = 0;

	*undone = *missing = 0;
	ret = ctx_open(&c, e);
	if (ret)
		return ret;
	for (int j = rec->n - 1; j >= 0; j--) {
		struct step inv;
		struct mc_err se = { 0 };
		int r;

		plan_step_inverse(&rec->v[j], &inv);
		r = step_do(&c, &inv, &se);
		if (!r)
			(*undone)++;
		else if (gone(&inv, r, &se))
			(*missing)++;
		else if (!first_err) {
			first_err = r;
			*e = se;
		}
	}
	/*
	 * The kernel adds implicit endpoints when a client joins announced
	 * addresses from one of our addresses: they go with the paths we made.
	 */
	st = calloc(1, sizeof(*st));
	if (st && !pm_endpoint_dump(&c.pm, st_ep, st, NULL)) {
		for (int i = 0; i < st->nendpoints; i++) {
			const struct pm_endpoint *ep = &st->endpoints[i];

			if (!(ep->flags & MC_PM_FLAG_IMPLICIT))
				continue;
			for (int j = 0; j < rec->n; j++)
				if (rec->v[j].op == OP_ENDPOINT_ADD &&
				    same_addr(&rec->v[j].u.ep.addr, &ep->addr)) {
					pm_endpoint_del(&c.pm, ep, NULL);
					break;
				}
		}
	}
	free(st);
	ctx_close(&c);
	return first_err;
}
