// SPDX-License-Identifier: GPL-2.0-or-later
/* rtnetlink I/O: each call is one request (or dump) on a socket in the target namespace. */
#include "rt.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	int ret = rt_link_parse(nlh, data);

	return ret == -ENOENT ? 0 : ret;
}

int rt_link_get(struct nl *nl, const char *name, struct rt_link *l, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	int ret;

	if (!name || !*name || strlen(name) >= IF_NAMESIZE)
		return mc_err_set(e, -EINVAL, "invalid interface name '%s'", name ? name : "");
	memset(l, 0, sizeof(*l));
	ret = nl_talk(nl, rt_link_get_build(buf, name), link_cb, l, e);
	if (ret == -ENODEV || (!ret && !l->ifindex))
		return mc_err_set(e, -ENODEV, "interface %s does not exist", name);
	if (ret)
		return mc_err_ctx(e, ret, "looking up interface %s", name);
	return 0;
}

int rt_link_index(struct nl *nl, const char *name, int *ifindex, struct mc_err *e)
{
	struct rt_link l;
	int ret = rt_link_get(nl, name, &l, e);

	if (!ret)
		*ifindex = l.ifindex;
	return ret;
}

int rt_veth_add(struct nl *nl, const char *name, int nsfd, const char *peer, int peer_nsfd,
		struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	int ret;

	if (strlen(name) >= IF_NAMESIZE || strlen(peer) >= IF_NAMESIZE)
		return mc_err_set(e, -EINVAL, "interface name too long (%s, %s)", name, peer);
	ret = nl_talk(nl, rt_veth_build(buf, name, nsfd, peer, peer_nsfd), NULL, NULL, e);
	if (ret)
		return mc_err_ctx(e, ret, "creating veth pair %s/%s", name, peer);
	return 0;
}

int rt_link_set_up(struct nl *nl, const char *name, bool up, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	int idx, ret;

	ret = rt_link_index(nl, name, &idx, e);
	if (ret)
		return ret;
	ret = nl_talk(nl, rt_link_updown_build(buf, idx, up), NULL, NULL, e);
	if (ret)
		return mc_err_ctx(e, ret, "setting %s %s", name, up ? "up" : "down");
	return 0;
}

int rt_link_del(struct nl *nl, const char *name, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	int idx, ret;

	ret = rt_link_index(nl, name, &idx, e);
	if (ret)
		return ret;
	ret = nl_talk(nl, rt_link_del_build(buf, idx), NULL, NULL, e);
	if (ret)
		return mc_err_ctx(e, ret, "deleting interface %s", name);
	return 0;
}

static int addr_change(struct nl *nl, uint16_t cmd, const char *ifname, const struct mc_prefix *p,
		       uint32_t flags, struct mc_err *e)
{
	char buf[NL_REQ_BUF], a[MC_ADDRSTRLEN];
	int idx, ret;

	ret = rt_link_index(nl, ifname, &idx, e);
	if (ret)
		return ret;
	ret = nl_talk(nl, rt_addr_build(buf, cmd, idx, p, flags), NULL, NULL, e);
	if (ret)
		return mc_err_ctx(e, ret, "%s address %s %s %s",
				  cmd == RTM_NEWADDR ? "adding" : "deleting",
				  mc_prefix_fmt(p, true, a, sizeof(a)),
				  cmd == RTM_NEWADDR ? "to" : "from", ifname);
	return 0;
}

int rt_addr_add(struct nl *nl, const char *ifname, const struct mc_prefix *p, uint32_t flags,
		struct mc_err *e)
{
	return addr_change(nl, RTM_NEWADDR, ifname, p, flags, e);
}

int rt_addr_del(struct nl *nl, const char *ifname, const struct mc_prefix *p, struct mc_err *e)
{
	return addr_change(nl, RTM_DELADDR, ifname, p, 0, e);
}

static int route_change(struct nl *nl, uint16_t cmd, const struct rt_route *r, struct mc_err *e)
{
	char buf[NL_REQ_BUF], a[MC_ADDRSTRLEN];
	int ret = nl_talk(nl, rt_route_build(buf, cmd, r), NULL, NULL, e);

	if (ret)
		return mc_err_ctx(e, ret, "%s route %s in table %u",
				  cmd == RTM_NEWROUTE ? "adding" : "deleting",
				  r->dst.plen ? mc_prefix_fmt(&r->dst, true, a, sizeof(a)) :
						"default",
				  r->table ? r->table : RT_TABLE_MAIN);
	return 0;
}

int rt_route_add(struct nl *nl, const struct rt_route *r, struct mc_err *e)
{
	return route_change(nl, RTM_NEWROUTE, r, e);
}

int rt_route_del(struct nl *nl, const struct rt_route *r, struct mc_err *e)
{
	return route_change(nl, RTM_DELROUTE, r, e);
}

static int route_get_cb(const struct nlmsghdr *nlh, void *data)
{
	int ret = rt_route_parse(nlh, data);

	return ret == -ENOENT ? 0 : ret;
}

int rt_route_get(struct nl *nl, const struct mc_prefix *src, const struct mc_prefix *dst,
		 struct rt_route *r, struct mc_err *e)
{
	char buf[NL_REQ_BUF], a[MC_ADDRSTRLEN], b[MC_ADDRSTRLEN];
	int ret;

	memset(r, 0, sizeof(*r));
	ret = nl_talk(nl, rt_route_get_build(buf, src, dst), route_get_cb, r, e);
	if (ret)
		return mc_err_ctx(e, ret, "route lookup to %s from %s",
				  mc_prefix_fmt(dst, false, a, sizeof(a)),
				  mc_prefix_fmt(src, false, b, sizeof(b)));
	return 0;
}

static int rule_change(struct nl *nl, uint16_t cmd, const struct rt_rule *r, struct mc_err *e)
{
	char buf[NL_REQ_BUF], a[MC_ADDRSTRLEN];
	int ret = nl_talk(nl, rt_rule_build(buf, cmd, r), NULL, NULL, e);

	if (ret)
		return mc_err_ctx(e, ret, "%s rule from %s lookup %u",
				  cmd == RTM_NEWRULE ? "adding" : "deleting",
				  r->has_src ? mc_prefix_fmt(&r->src, true, a, sizeof(a)) : "all",
				  r->table);
	return 0;
}

int rt_rule_add(struct nl *nl, const struct rt_rule *r, struct mc_err *e)
{
	return rule_change(nl, RTM_NEWRULE, r, e);
}

int rt_rule_del(struct nl *nl, const struct rt_rule *r, struct mc_err *e)
{
	return rule_change(nl, RTM_DELRULE, r, e);
}

int rt_tbf_set(struct nl *nl, const char *ifname, const struct rt_tbf *t, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	int idx, ret;

	if (!t->rate_bps || !t->burst || !t->limit)
		return mc_err_set(e, -EINVAL, "tbf on %s needs a rate, a burst and a limit",
				  ifname);
	ret = rt_link_index(nl, ifname, &idx, e);
	if (ret)
		return ret;
	ret = nl_talk(nl, rt_tbf_build(buf, idx, TC_H_MAKE(1U << 16, 0), TC_H_ROOT, t), NULL, NULL,
		      e);
	if (ret)
		return mc_err_ctx(e, ret, "adding tbf qdisc on %s", ifname);
	return 0;
}

int rt_netem_tbf_set(struct nl *nl, const char *ifname, uint64_t delay_ns, const struct rt_tbf *t,
		     struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	int idx, ret;

	ret = rt_link_index(nl, ifname, &idx, e);
	if (ret)
		return ret;
	ret = nl_talk(nl, rt_netem_build(buf, idx, TC_H_MAKE(1U << 16, 0), TC_H_ROOT, delay_ns),
		      NULL, NULL, e);
	if (ret == -ENOENT)
		return mc_err_set(
			e, ret,
			"delay needs the netem qdisc (kernel module sch_netem), which this "
			"kernel does not have");
	if (ret)
		return mc_err_ctx(e, ret, "adding netem qdisc on %s", ifname);
	if (!t || !t->rate_bps)
		return 0;
	ret = nl_talk(nl,
		      rt_tbf_build(buf, idx, TC_H_MAKE(10U << 16, 0), TC_H_MAKE(1U << 16, 1), t),
		      NULL, NULL, e);
	if (ret)
		return mc_err_ctx(e, ret, "adding tbf qdisc under netem on %s", ifname);
	return 0;
}

int rt_qdisc_root_del(struct nl *nl, const char *ifname, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	int idx, ret;

	ret = rt_link_index(nl, ifname, &idx, e);
	if (ret)
		return ret;
	ret = nl_talk(nl, rt_qdisc_del_build(buf, idx, TC_H_ROOT), NULL, NULL, e);
	if (ret)
		return mc_err_ctx(e, ret, "deleting root qdisc of %s", ifname);
	return 0;
}

/* Dump plumbing: decode each message by kind, hand the object to the caller's callback. */
enum dump_kind {
	DK_LINK,
	DK_ADDR,
	DK_ROUTE,
	DK_RULE,
	DK_QDISC
};

struct dump_ctx {
	enum dump_kind kind;
	union {
		rt_link_cb link;
		rt_addr_cb addr;
		rt_route_cb route;
		rt_rule_cb rule;
		rt_qdisc_cb qdisc;
	} cb;
	void *data;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *c = data;
	union {
		struct rt_link l;
		struct rt_addr a;
		struct rt_route r;
		struct rt_rule ru;
		struct rt_qdisc q;
	} o;
	int ret = -ENOENT;

	switch (c->kind) {
	case DK_LINK:
		ret = rt_link_parse(nlh, &o.l);
		return ret ? ret : c->cb.link(&o.l, c->data);
	case DK_ADDR:
		ret = rt_addr_parse(nlh, &o.a);
		return ret ? ret : c->cb.addr(&o.a, c->data);
	case DK_ROUTE:
		ret = rt_route_parse(nlh, &o.r);
		return ret ? ret : c->cb.route(&o.r, c->data);
	case DK_RULE:
		ret = rt_rule_parse(nlh, &o.ru);
		return ret ? ret : c->cb.rule(&o.ru, c->data);
	case DK_QDISC:
		ret = rt_qdisc_parse(nlh, &o.q);
		return ret ? ret : c->cb.qdisc(&o.q, c->data);
	}
	return ret;
}

static int skip_foreign(const struct nlmsghdr *nlh, void *data)
{
	int ret = dump_cb(nlh, data);

	/* -ENOENT from a decoder: a message of another family or type; not ours. */
	return ret == -ENOENT ? 0 : ret;
}

static int dump(struct nl *nl, struct nlmsghdr *req, struct dump_ctx *c, const char *what,
		struct mc_err *e)
{
	int ret = nl_dump(nl, req, skip_foreign, c, NULL, e);

	if (ret)
		return mc_err_ctx(e, ret, "listing %s", what);
	return 0;
}

int rt_link_dump(struct nl *nl, rt_link_cb cb, void *data, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	struct dump_ctx c = { .kind = DK_LINK, .cb.link = cb, .data = data };

	return dump(nl, rt_link_dump_build(buf), &c, "links", e);
}

int rt_addr_dump(struct nl *nl, int family, rt_addr_cb cb, void *data, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	struct dump_ctx c = { .kind = DK_ADDR, .cb.addr = cb, .data = data };

	return dump(nl, rt_addr_dump_build(buf, family), &c, "addresses", e);
}

int rt_route_dump(struct nl *nl, int family, rt_route_cb cb, void *data, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	struct dump_ctx c = { .kind = DK_ROUTE, .cb.route = cb, .data = data };

	return dump(nl, rt_route_dump_build(buf, family), &c, "routes", e);
}

int rt_rule_dump(struct nl *nl, int family, rt_rule_cb cb, void *data, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	struct dump_ctx c = { .kind = DK_RULE, .cb.rule = cb, .data = data };

	return dump(nl, rt_rule_dump_build(buf, family), &c, "rules", e);
}

int rt_qdisc_dump(struct nl *nl, rt_qdisc_cb cb, void *data, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	struct dump_ctx c = { .kind = DK_QDISC, .cb.qdisc = cb, .data = data };

	return dump(nl, rt_qdisc_dump_build(buf), &c, "qdiscs", e);
}
