// SPDX-License-Identifier: GPL-2.0-or-later
/* The daemon's decisions (pure): desired + kernel + owned -> removals and additions. */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

bool dmn_link_usable(const struct rt_link *l)
{
	return (l->flags & IFF_UP) && (l->flags & IFF_LOWER_UP);
}

static bool same_addr(const struct mc_prefix *a, const struct mc_prefix *b)
{
	return a->family == b->family && !memcmp(a->a.raw, b->a.raw, mc_prefix_alen(a));
}

void dmn_ids_note(struct dmn_ids *ids, const struct mc_prefix *addr, uint8_t id)
{
	int i;

	if (!id)
		return;
	for (i = 0; i < ids->n; i++)
		if (same_addr(&ids->v[i].addr, addr))
			break;
	if (i == ids->n) {
		if (ids->n == DMN_MAX_IDS) /* forget the oldest */
			memmove(&ids->v[0], &ids->v[1], sizeof(ids->v[0]) * (DMN_MAX_IDS - 1));
		else
			ids->n++;
		i = ids->n - 1;
	}
	ids->v[i].addr = *addr;
	ids->v[i].id = id;
}

int dmn_ids_find(const struct dmn_ids *ids, const struct mc_prefix *addr)
{
	for (int i = 0; i < ids->n; i++)
		if (same_addr(&ids->v[i].addr, addr))
			return ids->v[i].id;
	return -1;
}

static bool id_remembered(const struct dmn_ids *ids, uint8_t id)
{
	for (int i = 0; i < ids->n; i++)
		if (ids->v[i].id == id)
			return true;
	return false;
}

int dmn_ids_line_parse(const char *line, struct mc_prefix *addr, uint8_t *id)
{
	char a[64];
	unsigned v;
	int n = 0;

	if (sscanf(line, "# id %63s %u%n", a, &v, &n) != 2 || v < 1 || v > 255)
		return -EINVAL;
	if (line[n] != '\0' && line[n] != '\n')
		return -EINVAL;
	if (mc_prefix_parse(a, addr) || addr->plen != (addr->family == AF_INET ? 32 : 128))
		return -EINVAL;
	*id = (uint8_t)v;
	return 0;
}

/* ---- what is managed, usable, wanted ---- */

struct view {
	const struct plan_req *req;
	const struct plan_state *st;
};

/* The config's entry for a link: listed, or the default for auto; NULL if not managed. */
static const struct plan_iface *iface_of(const struct view *v, const struct rt_link *l,
					 struct plan_iface *dflt)
{
	for (int k = 0; k < v->req->niface; k++)
		if (!strcmp(v->req->iface[k].name, l->name))
			return v->req->iface[k].policy == PLAN_POLICY_IGNORE ? NULL :
									       &v->req->iface[k];
	if (!v->req->auto_ifaces || (l->flags & IFF_LOOPBACK))
		return NULL;
	memset(dflt, 0, sizeof(*dflt));
	snprintf(dflt->name, sizeof(dflt->name), "%s", l->name);
	return dflt;
}

static const struct rt_link *link_of(const struct plan_state *st, int ifindex)
{
	for (int i = 0; i < st->nlinks; i++)
		if (st->links[i].ifindex == ifindex)
			return &st->links[i];
	return NULL;
}

static bool addr_usable(const struct rt_addr *a)
{
	return a->scope == RT_SCOPE_UNIVERSE &&
	       !(a->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED));
}

/* The link that holds addr as a global address, or NULL. */
static const struct rt_addr *addr_find(const struct plan_state *st, const struct mc_prefix *p)
{
	for (int i = 0; i < st->naddrs; i++)
		if (st->addrs[i].scope == RT_SCOPE_UNIVERSE && same_addr(&st->addrs[i].p, p))
			return &st->addrs[i];
	return NULL;
}

/* Why an owned object of address p should go (NULL: it stays). */
static const char *addr_verdict(const struct view *v, const struct mc_prefix *p, bool need_carrier,
				char *why, size_t len)
{
	const struct rt_addr *a = addr_find(v->st, p);
	const struct rt_link *l = a ? link_of(v->st, a->ifindex) : NULL;
	struct plan_iface dflt;
	char as[MC_ADDRSTRLEN];

	mc_prefix_fmt(p, false, as, sizeof(as));
	if (!a || !l) {
		snprintf(why, len, "address %s is gone", as);
		return why;
	}
	if (!iface_of(v, l, &dflt)) {
		snprintf(why, len, "%s is not managed (policy ignore or not configured)", l->name);
		return why;
	}
	if (need_carrier && !dmn_link_usable(l)) {
		snprintf(why, len, "%s is %s", l->name,
			 !(l->flags & IFF_UP) ? "down" : "without carrier");
		return why;
	}
	return NULL;
}

static int push(struct plan *p, const struct step *s, struct mc_err *e)
{
	if (p->n >= PLAN_MAX_STEPS)
		return mc_err_set(e, -E2BIG, "more than %d steps at once", PLAN_MAX_STEPS);
	p->v[p->n++] = *s;
	return 0;
}

static int push_rm(struct dmn_actions *act, const struct step *s, const char *why, struct mc_err *e)
{
	int ret = push(&act->rm, s, e);

	if (!ret)
		snprintf(act->rm_why[act->rm.n - 1], sizeof(act->rm_why[0]), "%s", why);
	return ret;
}

/* ---- simulating steps on a copy of the state ---- */

static void sim(struct plan_state *st, const struct step *s)
{
	switch (s->op) {
	case OP_ROUTE_ADD:
		if (st->nroutes < PLAN_MAX_ROUTES)
			st->routes[st->nroutes++] = s->u.route;
		break;
	case OP_ROUTE_DEL:
		for (int i = 0; i < st->nroutes; i++) {
			const struct rt_route *r = &st->routes[i];

			if (r->table == s->u.route.table && r->dst.plen == s->u.route.dst.plen &&
			    same_addr(&r->dst, &s->u.route.dst) && r->has_gw == s->u.route.has_gw) {
				st->routes[i--] = st->routes[--st->nroutes];
			}
		}
		break;
	case OP_RULE_ADD:
		if (st->nrules < PLAN_MAX_RULES)
			st->rules[st->nrules++] = s->u.rule;
		break;
	case OP_RULE_DEL:
		for (int i = 0; i < st->nrules; i++) {
			const struct rt_rule *r = &st->rules[i];

			if (r->has_src && same_addr(&r->src, &s->u.rule.src) &&
			    r->table == s->u.rule.table && r->priority == s->u.rule.priority)
				st->rules[i--] = st->rules[--st->nrules];
		}
		break;
	case OP_ENDPOINT_ADD:
		for (int i = 0; i < st->nendpoints; i++)
			if (same_addr(&st->endpoints[i].addr, &s->u.ep.addr))
				st->endpoints[i--] = st->endpoints[--st->nendpoints];
		if (st->nendpoints < (int)(sizeof(st->endpoints) / sizeof(st->endpoints[0])))
			st->endpoints[st->nendpoints++] = s->u.ep;
		break;
	case OP_ENDPOINT_DEL:
		for (int i = 0; s->u.ep.id && i < st->nendpoints; i++)
			if (st->endpoints[i].id == s->u.ep.id)
				st->endpoints[i--] = st->endpoints[--st->nendpoints];
		break;
	case OP_SYSCTL:
		if (!strcmp(s->u.sysctl.key, "net.mptcp.enabled"))
			snprintf(st->mptcp_enabled, sizeof(st->mptcp_enabled), "%.7s",
				 s->u.sysctl.val);
		for (int i = 0; s->ifname[0] && i < st->nlinks; i++)
			if (!strcmp(st->links[i].name, s->ifname))
				st->rp_filter[i] = atoi(s->u.sysctl.val);
		break;
	case OP_LIMITS:
		st->limits = s->u.limits.now;
		break;
	}
}

/* ---- removals ---- */

static bool table_kept(const struct plan *owned, const bool *rm, uint32_t table)
{
	for (int i = 0; i < owned->n; i++)
		if (owned->v[i].op == OP_RULE_ADD && !rm[i] && owned->v[i].u.rule.table == table)
			return true;
	return false;
}

static int removals(const struct view *v, const struct plan *owned, struct dmn_actions *act,
		    struct mc_err *e)
{
	bool rm[PLAN_MAX_STEPS] = { false };
	char why[96];
	int ret;

	/* Endpoints first: withdrawing a dead path is what makes failover fast. */
	for (int i = 0; i < owned->n; i++) {
		const struct step *s = &owned->v[i];
		const struct rt_addr *a;
		const struct rt_link *l;
		const struct plan_iface *pi;
		struct plan_iface dflt;
		const char *reason;
		struct step d;

		if (s->op != OP_ENDPOINT_ADD || !plan_step_present(s, v->st))
			continue;
		reason = addr_verdict(v, &s->u.ep.addr, true, why, sizeof(why));
		a = addr_find(v->st, &s->u.ep.addr);
		l = a ? link_of(v->st, a->ifindex) : NULL;
		pi = l ? iface_of(v, l, &dflt) : NULL;
		if (!reason && pi && l &&
		    (plan_endpoint_flags(v->req->role, pi) != s->u.ep.flags ||
		     s->u.ep.ifindex != l->ifindex)) {
			snprintf(why, sizeof(why), "%s: the policy changed", l->name);
			reason = why;
			/* The subflows of a path that stays need not close: no id 0 removal. */
			d = *s;
			d.op = OP_ENDPOINT_DEL;
			if ((ret = push_rm(act, &d, reason, e)))
				return ret;
			rm[i] = true;
			continue;
		}
		if (!reason)
			continue;
		d = *s;
		d.op = OP_ENDPOINT_DEL;
		if ((ret = push_rm(act, &d, reason, e)))
			return ret;
		/* The first subflow of a connection has id 0 whatever its address: close
		 * those from this address too ("ip mptcp endpoint delete id 0 ADDR"). */
		d.u.ep.id = 0;
		d.u.ep.flags = 0;
		d.u.ep.ifindex = 0;
		if ((ret = push_rm(act, &d, reason, e)))
			return ret;
		rm[i] = true;
	}
	/* Rules and subnet routes go with their address; gateway routes with their table. */
	for (int i = 0; i < owned->n; i++) {
		const struct step *s = &owned->v[i];
		const char *reason = NULL;
		struct step d;

		if (s->op == OP_RULE_ADD && plan_step_present(s, v->st))
			reason = addr_verdict(v, &s->u.rule.src, false, why, sizeof(why));
		if (s->op == OP_ROUTE_ADD && s->u.route.has_prefsrc && plan_step_present(s, v->st))
			reason = addr_verdict(v, &s->u.route.prefsrc, false, why, sizeof(why));
		if (!reason)
			continue;
		plan_step_inverse(s, &d);
		if ((ret = push_rm(act, &d, reason, e)))
			return ret;
		rm[i] = true;
	}
	for (int i = 0; i < owned->n; i++) {
		const struct step *s = &owned->v[i];
		struct step d;

		if (s->op != OP_ROUTE_ADD || !s->u.route.has_gw || !plan_step_present(s, v->st) ||
		    table_kept(owned, rm, s->u.route.table))
			continue;
		plan_step_inverse(s, &d);
		snprintf(why, sizeof(why), "table %u has no rule of the daemon any more",
			 s->u.route.table);
		if ((ret = push_rm(act, &d, why, e)))
			return ret;
	}
	return 0;
}

/* ---- additions ---- */

static bool id_taken(const struct plan_state *st, const struct plan *add, const struct plan *cur,
		     int self, uint8_t id)
{
	for (int i = 0; i < st->nendpoints; i++)
		if (st->endpoints[i].id == id)
			return true;
	for (int i = 0; i < add->n; i++)
		if (add->v[i].op == OP_ENDPOINT_ADD && add->v[i].u.ep.id == id)
			return true;
	for (int i = 0; i < cur->n; i++)
		if (i != self && cur->v[i].op == OP_ENDPOINT_ADD && cur->v[i].u.ep.id == id)
			return true;
	return false;
}

/* A path that comes back gets its old id; a new one an id no other path remembers. */
static void fix_ids(const struct plan_state *st, const struct plan *add, struct plan *cur,
		    const struct dmn_ids *ids)
{
	for (int i = 0; i < cur->n; i++) {
		struct pm_endpoint *ep = &cur->v[i].u.ep;
		int want;

		if (cur->v[i].op != OP_ENDPOINT_ADD)
			continue;
		want = dmn_ids_find(ids, &ep->addr);
		if (want > 0 && !id_taken(st, add, cur, i, (uint8_t)want)) {
			ep->id = (uint8_t)want;
			continue;
		}
		if (want < 0 && id_remembered(ids, ep->id))
			for (unsigned id = 1; id < 256; id++)
				if (!id_remembered(ids, (uint8_t)id) &&
				    !id_taken(st, add, cur, i, (uint8_t)id)) {
					ep->id = (uint8_t)id;
					break;
				}
	}
}

static int additions(const struct view *v, struct plan_state *sim_st, const struct dmn_ids *ids,
		     struct dmn_actions *act, struct mc_err *e)
{
	struct plan *cur = malloc(sizeof(*cur));
	int ret = 0, npaths = 0;

	if (!cur)
		return mc_err_set(e, -ENOMEM, "planning");
	for (int i = 0; i < v->st->nlinks; i++) {
		const struct rt_link *l = &v->st->links[i];
		struct plan_iface dflt;
		const struct plan_iface *pi = iface_of(v, l, &dflt);
		struct plan_req sub;
		struct mc_err se = { 0 };
		int usable = 0;

		if (!pi)
			continue;
		for (int k = 0; k < v->st->naddrs; k++)
			if (v->st->addrs[k].ifindex == l->ifindex &&
			    v->st->addrs[k].scope == RT_SCOPE_UNIVERSE) {
				npaths++;
				usable += addr_usable(&v->st->addrs[k]);
			}
		if (!usable || !dmn_link_usable(l))
			continue;
		memset(&sub, 0, sizeof(sub));
		sub.role = v->req->role;
		sub.niface = 1;
		sub.iface[0] = *pi;
		sub.iface[0].policy = PLAN_POLICY_USE;
		sub.table_base = v->req->table_base;
		sub.rule_pref = v->req->rule_pref;
		sub.rp_loose = v->req->rp_loose;
		sub.soft_base = true;
		if (plan_build(&sub, sim_st, cur, &se)) {
			if (act->nskipped < PLAN_MAX_IFACES)
				snprintf(act->skipped[act->nskipped++], sizeof(act->skipped[0]),
					 "%.199s", se.what);
			continue;
		}
		fix_ids(sim_st, &act->add, cur, ids);
		for (int k = 0; k < cur->n; k++) {
			if (cur->v[k].op == OP_LIMITS)
				continue; /* sized once below, for every path */
			if ((ret = push(&act->add, &cur->v[k], e)))
				goto out;
			sim(sim_st, &cur->v[k]);
		}
		for (int k = 0; k < cur->nnotes && act->add.nnotes < 4; k++)
			snprintf(act->add.notes[act->add.nnotes++], sizeof(act->add.notes[0]), "%s",
				 cur->notes[k]);
	}
	/* Limits sized to every path the config means, up or down; never lowered. */
	if (npaths) {
		uint32_t want = (uint32_t)npaths < PM_MAX_LIMIT ? (uint32_t)npaths : PM_MAX_LIMIT;
		struct step s;

		memset(&s, 0, sizeof(s));
		s.op = OP_LIMITS;
		s.u.limits.old = sim_st->limits;
		s.u.limits.now = sim_st->limits;
		if (s.u.limits.now.subflows < want)
			s.u.limits.now.subflows = want;
		if (v->req->role != ROLE_SERVER && s.u.limits.now.add_addr_accepted < want)
			s.u.limits.now.add_addr_accepted = want;
		if (memcmp(&s.u.limits.now, &s.u.limits.old, sizeof(s.u.limits.now)))
			ret = push(&act->add, &s, e);
	}
out:
	free(cur);
	return ret;
}

int dmn_decide(const struct plan_req *req, const struct plan_state *st, const struct plan *owned,
	       const struct dmn_ids *ids, struct dmn_actions *act, struct mc_err *e)
{
	struct view v = { .req = req, .st = st };
	struct plan_state *sim_st;
	int ret;

	memset(act, 0, sizeof(*act));
	ret = removals(&v, owned, act, e);
	if (ret)
		return ret;
	sim_st = malloc(sizeof(*sim_st));
	if (!sim_st)
		return mc_err_set(e, -ENOMEM, "planning");
	*sim_st = *st;
	for (int i = 0; i < act->rm.n; i++)
		sim(sim_st, &act->rm.v[i]);
	ret = additions(&v, sim_st, ids, act, e);
	free(sim_st);
	return ret;
}

/* ---- the owned set ---- */

static bool same_step(const struct step *a, const struct step *b)
{
	char x[512], y[512];

	if (a->op != b->op)
		return false;
	if (a->op == OP_LIMITS || (a->op == OP_SYSCTL && !strcmp(a->u.sysctl.key, b->u.sysctl.key)))
		return true; /* one of each: the newest replaces */
	if (plan_step_serialize(a, x, sizeof(x)) < 0 || plan_step_serialize(b, y, sizeof(y)) < 0)
		return false;
	return !strcmp(x, y);
}

static void drop(struct plan *owned, int i)
{
	memmove(&owned->v[i], &owned->v[i + 1], sizeof(owned->v[0]) * (size_t)(owned->n - i - 1));
	owned->n--;
}

void dmn_owned_apply(struct plan *owned, const struct step *s)
{
	switch (s->op) {
	case OP_ROUTE_ADD:
	case OP_RULE_ADD:
	case OP_ENDPOINT_ADD:
	case OP_LIMITS:
		for (int i = 0; i < owned->n; i++)
			if (same_step(&owned->v[i], s)) {
				if (s->op != OP_LIMITS)
					return;
				/* keep what was there before the daemon first raised them */
				owned->v[i].u.limits.now = s->u.limits.now;
				return;
			}
		break;
	case OP_SYSCTL:
		for (int i = 0; i < owned->n; i++)
			if (same_step(&owned->v[i], s)) {
				snprintf(owned->v[i].u.sysctl.val, sizeof(owned->v[i].u.sysctl.val),
					 "%s", s->u.sysctl.val);
				return;
			}
		break;
	case OP_ROUTE_DEL:
	case OP_RULE_DEL:
	case OP_ENDPOINT_DEL: {
		struct step add;

		if (s->op == OP_ENDPOINT_DEL && !s->u.ep.id)
			return;
		plan_step_inverse(s, &add);
		for (int i = 0; i < owned->n; i++) {
			const struct step *o = &owned->v[i];

			if (o->op != add.op)
				continue;
			if (add.op == OP_ENDPOINT_ADD ?
				    o->u.ep.id == add.u.ep.id &&
					    same_addr(&o->u.ep.addr, &add.u.ep.addr) :
				    same_step(o, &add))
				drop(owned, i--);
		}
		return;
	}
	}
	if (owned->n < PLAN_MAX_STEPS)
		owned->v[owned->n++] = *s;
}

void dmn_owned_prune(struct plan *owned, const struct plan_state *st)
{
	for (int i = 0; i < owned->n; i++) {
		const struct step *s = &owned->v[i];

		if ((s->op == OP_ROUTE_ADD || s->op == OP_RULE_ADD || s->op == OP_ENDPOINT_ADD) &&
		    !plan_step_present(s, st))
			drop(owned, i--);
	}
}
