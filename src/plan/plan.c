// SPDX-License-Identifier: GPL-2.0-or-later
/* The planner: pure functions from (request, kernel state) to ordered steps. */
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

int plan_role_parse(const char *s, enum plan_role *r)
{
	if (!strcmp(s, "client"))
		*r = ROLE_CLIENT;
	else if (!strcmp(s, "server"))
		*r = ROLE_SERVER;
	else if (!strcmp(s, "both"))
		*r = ROLE_BOTH;
	else
		return -EINVAL;
	return 0;
}

const char *plan_role_name(enum plan_role r)
{
	return r == ROLE_CLIENT ? "client" : r == ROLE_SERVER ? "server" : "both";
}

int plan_iface_parse(const char *s, struct plan_iface *i, struct mc_err *e)
{
	char buf[128], *save = NULL, *tok;

	memset(i, 0, sizeof(*i));
	if (strlen(s) >= sizeof(buf))
		return mc_err_set(e, -EINVAL, "'%s': too long", s);
	snprintf(buf, sizeof(buf), "%s", s);
	tok = strtok_r(buf, ", \t", &save);
	if (!tok || strlen(tok) >= IF_NAMESIZE)
		return mc_err_set(e, -EINVAL, "'%s': not an interface name", s);
	snprintf(i->name, sizeof(i->name), "%s", tok);
	while ((tok = strtok_r(NULL, ", \t", &save))) {
		if (!strcmp(tok, "backup"))
			i->flags |= MC_PM_FLAG_BACKUP;
		else if (!strcmp(tok, "fullmesh"))
			i->flags |= MC_PM_FLAG_FULLMESH;
		else if (!strcmp(tok, "laminar"))
			i->flags |= MC_PM_FLAG_LAMINAR;
		else
			return mc_err_set(e, -EINVAL,
					  "%s: unknown flag '%s' (backup, fullmesh, laminar)",
					  i->name, tok);
	}
	return 0;
}

void plan_rp_filter_key(const char *ifname, char *buf, size_t len)
{
	size_t n;

	/* sysctl(8)'s convention: a dot inside a name is written as a slash. */
	snprintf(buf, len, "net.ipv4.conf.%s.rp_filter", ifname);
	n = strlen("net.ipv4.conf.");
	for (size_t i = 0; ifname[i] && n + i < len; i++)
		if (ifname[i] == '.')
			buf[n + i] = '/';
}

static const struct rt_link *link_by_name(const struct plan_state *st, const char *name, int *idx)
{
	for (int i = 0; i < st->nlinks; i++)
		if (!strcmp(st->links[i].name, name)) {
			if (idx)
				*idx = i;
			return &st->links[i];
		}
	return NULL;
}

static bool table_used(const struct plan_state *st, const struct plan *p, uint32_t t)
{
	if (t == RT_TABLE_MAIN || t == RT_TABLE_LOCAL || t == RT_TABLE_DEFAULT || t == 0)
		return true;
	for (int i = 0; i < st->nroutes; i++)
		if (st->routes[i].table == t)
			return true;
	for (int i = 0; i < st->nrules; i++)
		if (st->rules[i].table == t)
			return true;
	for (int i = 0; i < p->n; i++)
		if ((p->v[i].op == OP_RULE_ADD && p->v[i].u.rule.table == t) ||
		    (p->v[i].op == OP_ROUTE_ADD && p->v[i].u.route.table == t))
			return true;
	return false;
}

static bool pref_used(const struct plan_state *st, const struct plan *p, uint32_t pref)
{
	if (pref == 0 || pref == 32766 || pref == 32767)
		return true;
	for (int i = 0; i < st->nrules; i++)
		if (st->rules[i].priority == pref)
			return true;
	for (int i = 0; i < p->n; i++)
		if (p->v[i].op == OP_RULE_ADD && p->v[i].u.rule.priority == pref)
			return true;
	return false;
}

static bool id_used(const struct plan_state *st, const struct plan *p, uint8_t id)
{
	for (int i = 0; i < st->nendpoints; i++)
		if (st->endpoints[i].id == id)
			return true;
	for (int i = 0; i < p->n; i++)
		if (p->v[i].op == OP_ENDPOINT_ADD && p->v[i].u.ep.id == id)
			return true;
	return false;
}

static bool same_addr(const struct mc_prefix *a, const struct mc_prefix *b)
{
	return a->family == b->family && !memcmp(a->a.raw, b->a.raw, mc_prefix_alen(a));
}

static const struct rt_rule *rule_from(const struct plan_state *st, const struct mc_prefix *a)
{
	for (int i = 0; i < st->nrules; i++) {
		const struct rt_rule *r = &st->rules[i];

		if (r->has_src && same_addr(&r->src, a) &&
		    r->src.plen == (a->family == AF_INET ? 32 : 128))
			return r;
	}
	return NULL;
}

static bool route_exists(const struct plan_state *st, const struct rt_route *want)
{
	for (int i = 0; i < st->nroutes; i++) {
		const struct rt_route *r = &st->routes[i];

		if (r->table == want->table && r->dst.family == want->dst.family &&
		    r->dst.plen == want->dst.plen && same_addr(&r->dst, &want->dst))
			return true;
	}
	return false;
}

static int push(struct plan *p, const struct step *s, struct mc_err *e)
{
	if (p->n >= PLAN_MAX_STEPS)
		return mc_err_set(e, -E2BIG, "the plan has more than %d steps", PLAN_MAX_STEPS);
	p->v[p->n++] = *s;
	return 0;
}

static void note_rp_filter(struct plan *p, const char *ifname)
{
	if (p->nnotes < 4) {
		snprintf(p->notes[p->nnotes], sizeof(p->notes[0]),
			 "%s has strict reverse-path filtering (rp_filter 1): 'rp-filter loose' "
			 "sets 2",
			 ifname);
		p->nnotes++;
	}
}

static uint32_t role_flags(enum plan_role r)
{
	return r == ROLE_SERVER ? MC_PM_FLAG_SIGNAL :
	       r == ROLE_CLIENT ? MC_PM_FLAG_SUBFLOW :
				  MC_PM_FLAG_SIGNAL | MC_PM_FLAG_SUBFLOW;
}

uint32_t plan_endpoint_flags(enum plan_role role, const struct plan_iface *pi)
{
	return role_flags(role) | pi->flags;
}

void plan_req_resolve(const struct plan_req *req, const struct plan_state *st, struct plan_req *out)
{
	*out = *req;
	out->niface = 0;
	out->auto_ifaces = false;
	for (int k = 0; k < req->niface; k++)
		if (req->iface[k].policy != PLAN_POLICY_IGNORE)
			out->iface[out->niface++] = req->iface[k];
	if (!req->auto_ifaces)
		return;
	for (int i = 0; i < st->nlinks && out->niface < PLAN_MAX_IFACES; i++) {
		const struct rt_link *l = &st->links[i];
		bool listed = false, has_global = false;

		if ((l->flags & IFF_LOOPBACK) || !(l->flags & IFF_UP))
			continue;
		for (int k = 0; k < req->niface; k++)
			listed |= !strcmp(req->iface[k].name, l->name);
		for (int k = 0; k < st->naddrs; k++)
			has_global |= st->addrs[k].ifindex == l->ifindex &&
				      st->addrs[k].scope == RT_SCOPE_UNIVERSE;
		if (listed || !has_global)
			continue;
		snprintf(out->iface[out->niface++].name, IF_NAMESIZE, "%s", l->name);
	}
}

/* The default route via a gateway on this interface in the main table, if any. */
static const struct rt_route *gateway_of(const struct plan_state *st, int ifindex, int family)
{
	for (int i = 0; i < st->nroutes; i++) {
		const struct rt_route *r = &st->routes[i];

		if (r->table == RT_TABLE_MAIN && r->dst.plen == 0 && r->has_gw &&
		    r->oif == ifindex && r->dst.family == family)
			return r;
	}
	return NULL;
}

static int plan_address(const struct plan_req *req, const struct plan_state *st,
			const struct plan_iface *pi, const struct rt_link *l,
			const struct rt_addr *a, uint32_t *next_table, uint32_t *next_pref,
			struct plan *p, struct mc_err *e)
{
	const struct rt_rule *existing = rule_from(st, &a->p);
	char as[MC_ADDRSTRLEN];
	struct step s;
	uint32_t table;
	int ret;

	mc_prefix_fmt(&a->p, false, as, sizeof(as));
	/* A rule from this address that does something else (blackhole, main...) is not ours to
	 * reuse. */
	if (existing && ((existing->action && existing->action != FR_ACT_TO_TBL) ||
			 existing->table == 0 || existing->table == RT_TABLE_MAIN ||
			 existing->table == RT_TABLE_LOCAL || existing->table == RT_TABLE_DEFAULT))
		return mc_err_set(
			e, -EEXIST,
			"a rule from %s (priority %u) does not look up a table of its own: "
			"remove it first (ip rule del pref %u)",
			as, existing->priority, existing->priority);
	if (existing) {
		table = existing->table;
	} else {
		while (table_used(st, p, *next_table))
			if (++*next_table > 0x7fffffff)
				return mc_err_set(e, -ENOSPC, "no free routing table id");
		table = (*next_table)++;
	}
	/* The subnet route, then a default via the interface's gateway, then the rule. */
	memset(&s, 0, sizeof(s));
	snprintf(s.ifname, sizeof(s.ifname), "%s", l->name);
	s.op = OP_ROUTE_ADD;
	mc_prefix_network(&a->p, &s.u.route.dst);
	s.u.route.table = table;
	s.u.route.oif = l->ifindex;
	s.u.route.scope = a->p.family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	s.u.route.protocol = RTPROT_STATIC;
	s.u.route.has_prefsrc = true;
	s.u.route.prefsrc = a->p;
	s.u.route.prefsrc.plen = a->p.family == AF_INET ? 32 : 128;
	if (!route_exists(st, &s.u.route) && (ret = push(p, &s, e)))
		return ret;
	{
		const struct rt_route *gw = gateway_of(st, l->ifindex, a->p.family);

		if (gw) {
			struct step g = s;

			memset(&g.u.route, 0, sizeof(g.u.route));
			g.u.route.dst.family = a->p.family;
			g.u.route.table = table;
			g.u.route.oif = l->ifindex;
			g.u.route.has_gw = true;
			g.u.route.gw = gw->gw;
			g.u.route.protocol = RTPROT_STATIC;
			if (!route_exists(st, &g.u.route) && (ret = push(p, &g, e)))
				return ret;
		}
	}
	if (!existing) {
		memset(&s.u, 0, sizeof(s.u));
		s.op = OP_RULE_ADD;
		s.u.rule.family = a->p.family;
		s.u.rule.has_src = true;
		s.u.rule.src = a->p;
		s.u.rule.src.plen = a->p.family == AF_INET ? 32 : 128;
		s.u.rule.table = table;
		while (pref_used(st, p, *next_pref))
			if (++*next_pref >= 32766)
				return mc_err_set(e, -ENOSPC, "no free rule priority below 32766");
		s.u.rule.priority = (*next_pref)++;
		if ((ret = push(p, &s, e)))
			return ret;
	}
	/* The endpoint, with the dev that really holds the address. */
	for (int i = 0; i < st->nendpoints; i++) {
		const struct pm_endpoint *ep = &st->endpoints[i];
		uint32_t want = role_flags(req->role) | pi->flags;

		if (!same_addr(&ep->addr, &a->p))
			continue;
		if ((ep->flags & ~MC_PM_FLAG_IMPLICIT) == want && ep->ifindex == l->ifindex)
			return 0;
		if (ep->flags & MC_PM_FLAG_IMPLICIT)
			break; /* an implicit one is replaced by ours: the kernel allows that */
		return mc_err_set(
			e, -EEXIST,
			"endpoint %s (id %u) exists with other flags or device; remove it "
			"first (ip mptcp endpoint delete id %u)",
			as, ep->id, ep->id);
	}
	memset(&s.u, 0, sizeof(s.u));
	s.op = OP_ENDPOINT_ADD;
	s.u.ep.addr = a->p;
	s.u.ep.addr.plen = a->p.family == AF_INET ? 32 : 128;
	s.u.ep.flags = role_flags(req->role) | pi->flags;
	s.u.ep.ifindex = l->ifindex;
	for (unsigned id = 1; id < 256; id++)
		if (!id_used(st, p, (uint8_t)id)) {
			s.u.ep.id = (uint8_t)id;
			break;
		}
	p->npaths++;
	return push(p, &s, e);
}

static int plan_build_resolved(const struct plan_req *req, const struct plan_state *st,
			       struct plan *p, struct mc_err *e);

int plan_build(const struct plan_req *req, const struct plan_state *st, struct plan *p,
	       struct mc_err *e)
{
	struct plan_req *r;
	int ret;

	if (!req->auto_ifaces) {
		bool ignored = false;

		for (int k = 0; k < req->niface; k++)
			ignored |= req->iface[k].policy == PLAN_POLICY_IGNORE;
		if (!ignored)
			return plan_build_resolved(req, st, p, e);
	}
	r = malloc(sizeof(*r));
	if (!r)
		return mc_err_set(e, -ENOMEM, "planning");
	plan_req_resolve(req, st, r);
	ret = plan_build_resolved(r, st, p, e);
	free(r);
	return ret;
}

static int plan_build_resolved(const struct plan_req *req, const struct plan_state *st,
			       struct plan *p, struct mc_err *e)
{
	uint32_t next_table = req->table_base ? req->table_base : 100;
	uint32_t next_pref = req->rule_pref ? req->rule_pref : 1000;
	int ours = 0, ret;
	struct step s;

	memset(p, 0, sizeof(*p));
	if (req->niface < 1)
		return mc_err_set(e, -EINVAL, "no interface given");
	/* An id the user chose must be free; the defaults just move past used ones. */
	if (req->table_base && !req->soft_base && table_used(st, p, req->table_base))
		return mc_err_set(
			e, -EEXIST,
			"routing table %u is in use (by a route or a rule): choose another "
			"table-base",
			req->table_base);
	if (req->rule_pref && !req->soft_base && pref_used(st, p, req->rule_pref))
		return mc_err_set(e, -EEXIST,
				  "rule priority %u is in use: choose another rule-pref",
				  req->rule_pref);
	/* Check every interface before planning anything. */
	for (int k = 0; k < req->niface; k++) {
		const struct plan_iface *pi = &req->iface[k];
		const struct rt_link *l = link_by_name(st, pi->name, NULL);
		int n = 0;

		if (!l)
			return mc_err_set(e, -ENODEV, "interface %s does not exist", pi->name);
		if ((pi->flags & MC_PM_FLAG_LAMINAR) && !st->laminar_supported)
			return mc_err_set(
				e, -EOPNOTSUPP,
				"%s: this kernel has no 'laminar' endpoints (Linux 6.18+)",
				pi->name);
		for (int j = k + 1; j < req->niface; j++)
			if (!strcmp(req->iface[j].name, pi->name))
				return mc_err_set(e, -EINVAL, "interface %s given twice", pi->name);
		for (int i = 0; i < st->naddrs; i++)
			if (st->addrs[i].ifindex == l->ifindex &&
			    st->addrs[i].scope == RT_SCOPE_UNIVERSE)
				n++;
		if (!n)
			return mc_err_set(e, -EADDRNOTAVAIL,
					  "interface %s has no global address to use as a path",
					  pi->name);
		ours += n;
	}
	if (strcmp(st->mptcp_enabled, "1")) {
		memset(&s, 0, sizeof(s));
		s.op = OP_SYSCTL;
		snprintf(s.u.sysctl.key, sizeof(s.u.sysctl.key), "net.mptcp.enabled");
		snprintf(s.u.sysctl.val, sizeof(s.u.sysctl.val), "1");
		snprintf(s.u.sysctl.old, sizeof(s.u.sysctl.old), "%s", st->mptcp_enabled);
		if ((ret = push(p, &s, e)))
			return ret;
	}
	for (int k = 0; k < req->niface; k++) {
		const struct plan_iface *pi = &req->iface[k];
		int li = 0;
		const struct rt_link *l = link_by_name(st, pi->name, &li);

		for (int i = 0; i < st->naddrs; i++) {
			const struct rt_addr *a = &st->addrs[i];

			if (a->ifindex != l->ifindex || a->scope != RT_SCOPE_UNIVERSE)
				continue;
			ret = plan_address(req, st, pi, l, a, &next_table, &next_pref, p, e);
			if (ret)
				return mc_err_ctx(e, ret, "%s", pi->name);
		}
		/* The kernel uses the larger of conf.all and conf.IFACE. */
		if ((st->rp_filter[li] > st->rp_filter_all ? st->rp_filter[li] :
							     st->rp_filter_all) == 1) {
			if (req->rp_loose) {
				memset(&s, 0, sizeof(s));
				s.op = OP_SYSCTL;
				snprintf(s.ifname, sizeof(s.ifname), "%s", l->name);
				plan_rp_filter_key(l->name, s.u.sysctl.key, sizeof(s.u.sysctl.key));
				snprintf(s.u.sysctl.val, sizeof(s.u.sysctl.val), "2");
				snprintf(s.u.sysctl.old, sizeof(s.u.sysctl.old), "%d",
					 st->rp_filter[li] < 0 ? 0 : st->rp_filter[li]);
				if ((ret = push(p, &s, e)))
					return ret;
			} else {
				note_rp_filter(p, l->name);
			}
		}
	}
	/* The kernel's endpoint table has room for PM_MAX_ENDPOINTS: check before applying. */
	{
		int explicit_eps = 0, adds = 0;

		for (int i = 0; i < st->nendpoints; i++)
			if (!(st->endpoints[i].flags & MC_PM_FLAG_IMPLICIT))
				explicit_eps++;
		for (int i = 0; i < p->n; i++)
			adds += p->v[i].op == OP_ENDPOINT_ADD;
		if (explicit_eps + adds > PM_MAX_ENDPOINTS)
			return mc_err_set(
				e, -ENOSPC,
				"%d paths need %d endpoints but the kernel accepts at most "
				"%d per namespace (%d exist already)",
				ours, adds, PM_MAX_ENDPOINTS, explicit_eps);
	}
	/* Limits sized to the paths, never lower than what is set. */
	{
		uint32_t want = (uint32_t)ours < PM_MAX_LIMIT ? (uint32_t)ours : PM_MAX_LIMIT;
		struct pm_limits now = st->limits;

		if (now.subflows < want)
			now.subflows = want;
		if (req->role != ROLE_SERVER && now.add_addr_accepted < want)
			now.add_addr_accepted = want;
		if (now.subflows != st->limits.subflows ||
		    now.add_addr_accepted != st->limits.add_addr_accepted) {
			memset(&s, 0, sizeof(s));
			s.op = OP_LIMITS;
			s.u.limits.now = now;
			s.u.limits.old = st->limits;
			if ((ret = push(p, &s, e)))
				return ret;
		}
	}
	return 0;
}

void plan_step_inverse(const struct step *s, struct step *inv)
{
	*inv = *s;
	switch (s->op) {
	case OP_SYSCTL:
		snprintf(inv->u.sysctl.val, sizeof(inv->u.sysctl.val), "%s", s->u.sysctl.old);
		snprintf(inv->u.sysctl.old, sizeof(inv->u.sysctl.old), "%s", s->u.sysctl.val);
		break;
	case OP_ROUTE_ADD:
		inv->op = OP_ROUTE_DEL;
		break;
	case OP_ROUTE_DEL:
		inv->op = OP_ROUTE_ADD;
		break;
	case OP_RULE_ADD:
		inv->op = OP_RULE_DEL;
		break;
	case OP_RULE_DEL:
		inv->op = OP_RULE_ADD;
		break;
	case OP_ENDPOINT_ADD:
		inv->op = OP_ENDPOINT_DEL;
		break;
	case OP_ENDPOINT_DEL:
		inv->op = OP_ENDPOINT_ADD;
		break;
	case OP_LIMITS:
		inv->u.limits.now = s->u.limits.old;
		inv->u.limits.old = s->u.limits.now;
		break;
	}
}

const char *plan_step_cmd(const struct step *s, char *buf, size_t len)
{
	char a[MC_ADDRSTRLEN], b[MC_ADDRSTRLEN], f[64];
	const struct rt_route *r = &s->u.route;
	const char *v6 = "";

	switch (s->op) {
	case OP_SYSCTL:
		snprintf(buf, len,
			 strchr(s->u.sysctl.val, ' ') ? "sysctl -w %s='%s'" : "sysctl -w %s=%s",
			 s->u.sysctl.key, s->u.sysctl.val);
		break;
	case OP_ROUTE_ADD:
	case OP_ROUTE_DEL:
		v6 = r->dst.family == AF_INET6 ? "-6 " : "";
		if (r->has_gw)
			snprintf(buf, len,
				 "ip %sroute %s default via %s dev %s table %u proto static", v6,
				 s->op == OP_ROUTE_ADD ? "add" : "del",
				 mc_prefix_fmt(&r->gw, false, a, sizeof(a)), s->ifname, r->table);
		else
			snprintf(buf, len, "ip %sroute %s %s dev %s%s src %s table %u proto static",
				 v6, s->op == OP_ROUTE_ADD ? "add" : "del",
				 mc_prefix_fmt(&r->dst, true, a, sizeof(a)), s->ifname,
				 r->scope == RT_SCOPE_LINK ? " scope link" : "",
				 mc_prefix_fmt(&r->prefsrc, false, b, sizeof(b)), r->table);
		break;
	case OP_RULE_ADD:
	case OP_RULE_DEL:
		snprintf(buf, len, "ip %srule %s from %s lookup %u pref %u",
			 s->u.rule.family == AF_INET6 ? "-6 " : "",
			 s->op == OP_RULE_ADD ? "add" : "del",
			 mc_prefix_fmt(&s->u.rule.src, false, a, sizeof(a)), s->u.rule.table,
			 s->u.rule.priority);
		break;
	case OP_ENDPOINT_ADD:
		pm_flags_str(s->u.ep.flags, f, sizeof(f));
		for (char *c = f; *c; c++)
			if (*c == ',')
				*c = ' '; /* ip(8) takes the flags as separate words */
		snprintf(buf, len, "ip mptcp endpoint add %s id %u dev %s %s",
			 mc_prefix_fmt(&s->u.ep.addr, false, a, sizeof(a)), s->u.ep.id, s->ifname,
			 f);
		break;
	case OP_ENDPOINT_DEL:
		snprintf(buf, len, "ip mptcp endpoint delete id %u", s->u.ep.id);
		break;
	case OP_LIMITS:
		snprintf(buf, len, "ip mptcp limits set subflow %u add_addr_accepted %u",
			 s->u.limits.now.subflows, s->u.limits.now.add_addr_accepted);
		break;
	}
	return buf;
}
