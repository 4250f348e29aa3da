// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The planner without a kernel (src/plan/plan.c, record.c, conf.c): a
 * struct plan_state written by hand, the plan checked step by step through
 * the ip(8)/sysctl(8) line each step prints as; the inverses; the record
 * lines (round trip and rejection); the configuration file.
 *
 * The hand-made namespace (base_state):
 *   lo 1, eno1 2, eno2 3, eno3 4, all IFF_UP
 *   eno1: 10.1.0.2/24, fd00:1::2/64 (global), fe80::2/64 (link)
 *   eno2: 10.2.0.2/24, fd00:2::2/64 (global)
 *   eno3: fe80::4/64 only (no global address)
 *   main table: the four connected subnets; rules 0 (local), 32766 (main),
 *   32767 (default); no endpoints; limits subflows 2 add_addr_accepted 0
 *   (the kernel's defaults); net.mptcp.enabled 1; rp_filter 0 everywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "plan/plan.h"

static struct plan_state st;
static struct plan p;
static struct mc_err e;

/* ---- building the state ---- */

static void pfx(const char *s, struct mc_prefix *out)
{
	assert_int_equal(mc_prefix_parse(s, out), 0);
}

static int add_link(int ifindex, const char *name)
{
	struct rt_link *l = &st.links[st.nlinks];

	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->flags = IFF_UP;
	st.rp_filter[st.nlinks] = 0;
	return st.nlinks++;
}

static void add_addr(int ifindex, const char *prefix, uint8_t scope)
{
	struct rt_addr *a = &st.addrs[st.naddrs++];

	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	pfx(prefix, &a->p);
	a->scope = scope;
}

/* gw NULL: a connected route. */
static void add_route(uint32_t table, const char *dst, const char *gw, int oif)
{
	struct rt_route *r = &st.routes[st.nroutes++];

	memset(r, 0, sizeof(*r));
	r->table = table;
	pfx(dst, &r->dst);
	if (gw) {
		r->has_gw = true;
		pfx(gw, &r->gw);
		r->protocol = RTPROT_STATIC;
	} else {
		r->scope = RT_SCOPE_LINK;
		r->protocol = RTPROT_KERNEL;
	}
	r->oif = oif;
	r->type = RTN_UNICAST;
}

/* src NULL: "from all". */
static void add_rule(int family, const char *src, uint32_t table, uint32_t pref)
{
	struct rt_rule *r = &st.rules[st.nrules++];

	memset(r, 0, sizeof(*r));
	r->family = family;
	if (src) {
		r->has_src = true;
		pfx(src, &r->src);
	}
	r->table = table;
	r->priority = pref;
	r->action = FR_ACT_TO_TBL;
}

static void add_ep(uint8_t id, const char *addr, uint32_t flags, int ifindex)
{
	struct pm_endpoint *ep = &st.endpoints[st.nendpoints++];

	memset(ep, 0, sizeof(*ep));
	ep->id = id;
	pfx(addr, &ep->addr);
	ep->flags = flags;
	ep->ifindex = ifindex;
}

static int base_state(void **state)
{
	(void)state;
	memset(&st, 0, sizeof(st));
	memset(&p, 0, sizeof(p));
	memset(&e, 0, sizeof(e));
	add_link(1, "lo");
	add_link(2, "eno1");
	add_link(3, "eno2");
	add_link(4, "eno3");
	st.links[0].flags |= IFF_LOOPBACK;
	add_addr(1, "127.0.0.1/8", RT_SCOPE_HOST);
	add_addr(1, "::1/128", RT_SCOPE_HOST);
	add_addr(2, "10.1.0.2/24", RT_SCOPE_UNIVERSE);
	add_addr(2, "fd00:1::2/64", RT_SCOPE_UNIVERSE);
	add_addr(2, "fe80::2/64", RT_SCOPE_LINK);
	add_addr(3, "10.2.0.2/24", RT_SCOPE_UNIVERSE);
	add_addr(3, "fd00:2::2/64", RT_SCOPE_UNIVERSE);
	add_addr(4, "fe80::4/64", RT_SCOPE_LINK);
	add_route(RT_TABLE_MAIN, "10.1.0.0/24", NULL, 2);
	add_route(RT_TABLE_MAIN, "10.2.0.0/24", NULL, 3);
	add_route(RT_TABLE_MAIN, "fd00:1::/64", NULL, 2);
	add_route(RT_TABLE_MAIN, "fd00:2::/64", NULL, 3);
	add_route(RT_TABLE_MAIN, "fe80::/64", NULL, 2);
	add_rule(AF_INET, NULL, RT_TABLE_LOCAL, 0);
	add_rule(AF_INET, NULL, RT_TABLE_MAIN, 32766);
	add_rule(AF_INET, NULL, RT_TABLE_DEFAULT, 32767);
	add_rule(AF_INET6, NULL, RT_TABLE_LOCAL, 0);
	add_rule(AF_INET6, NULL, RT_TABLE_MAIN, 32766);
	st.limits.subflows = 2;
	st.limits.add_addr_accepted = 0;
	snprintf(st.mptcp_enabled, sizeof(st.mptcp_enabled), "1");
	st.laminar_supported = false;
	st.rp_filter_all = 0;
	return 0;
}

static struct plan_req req_of(enum plan_role role, const char *a, const char *b)
{
	struct plan_req r;

	memset(&r, 0, sizeof(r));
	r.role = role;
	if (a)
		assert_int_equal(plan_iface_parse(a, &r.iface[r.niface++], &e), 0);
	if (b)
		assert_int_equal(plan_iface_parse(b, &r.iface[r.niface++], &e), 0);
	return r;
}

/* ---- checking the plan ---- */

static const char *cmd(const struct step *s)
{
	static char buf[256];

	return plan_step_cmd(s, buf, sizeof(buf));
}

#define EXPECT(...)                                                           \
	do {                                                                  \
		static const char *const want_[] = { __VA_ARGS__ };           \
		expect_steps(want_, (int)(sizeof(want_) / sizeof(want_[0]))); \
	} while (0)

static void expect_steps(const char *const *want, int n)
{
	for (int i = 0; i < n && i < p.n; i++) {
		if (strcmp(cmd(&p.v[i]), want[i]))
			print_error("step %d: got '%s'\n         want '%s'\n", i + 1, cmd(&p.v[i]),
				    want[i]);
		assert_string_equal(cmd(&p.v[i]), want[i]);
	}
	if (p.n != n)
		for (int i = 0; i < p.n; i++)
			print_error("step %d: %s\n", i + 1, cmd(&p.v[i]));
	assert_int_equal(p.n, n);
}

static void build_ok(const struct plan_req *r)
{
	int ret = plan_build(r, &st, &p, &e);

	if (ret)
		print_error("plan_build: %d %s\n", ret, e.what);
	assert_int_equal(ret, 0);
}

/* ret, and a message that contains each needle. */
static void build_fails(const struct plan_req *r, int ret, const char *n1, const char *n2)
{
	memset(&e, 0, sizeof(e));
	assert_int_equal(plan_build(r, &st, &p, &e), ret);
	assert_int_equal(e.code, ret);
	if (n1 && !strstr(e.what, n1))
		fail_msg("'%s' does not contain '%s'", e.what, n1);
	if (n2 && !strstr(e.what, n2))
		fail_msg("'%s' does not contain '%s'", e.what, n2);
}

/* What plan_apply() would leave behind, in the state (the kernel's view). */
static void apply_to_state(void)
{
	for (int i = 0; i < p.n; i++) {
		const struct step *s = &p.v[i];

		switch (s->op) {
		case OP_SYSCTL:
			if (!strcmp(s->u.sysctl.key, "net.mptcp.enabled")) {
				snprintf(st.mptcp_enabled, sizeof(st.mptcp_enabled), "%s",
					 s->u.sysctl.val);
				break;
			}
			for (int k = 0; k < st.nlinks; k++) {
				char key[80];

				snprintf(key, sizeof(key), "net.ipv4.conf.%s.rp_filter",
					 st.links[k].name);
				if (!strcmp(key, s->u.sysctl.key))
					st.rp_filter[k] = atoi(s->u.sysctl.val);
			}
			break;
		case OP_ROUTE_ADD:
			st.routes[st.nroutes++] = s->u.route;
			break;
		case OP_RULE_ADD:
			st.rules[st.nrules++] = s->u.rule;
			break;
		case OP_ENDPOINT_ADD:
			/* The kernel replaces an implicit endpoint of the same address. */
			for (int k = 0; k < st.nendpoints; k++)
				if ((st.endpoints[k].flags & MC_PM_FLAG_IMPLICIT) &&
				    mc_prefix_equal(&st.endpoints[k].addr, &s->u.ep.addr))
					st.endpoints[k] = st.endpoints[--st.nendpoints];
			st.endpoints[st.nendpoints++] = s->u.ep;
			break;
		case OP_LIMITS:
			st.limits = s->u.limits.now;
			break;
		default:
			fail_msg("setup never plans op %d", s->op);
		}
	}
}

/* ---- plan_build ---- */

static void test_role_client(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", "eno2");

	(void)state;
	build_ok(&r);
	EXPECT("ip route add 10.1.0.0/24 dev eno1 scope link src 10.1.0.2 table 100 proto static",
	       "ip rule add from 10.1.0.2 lookup 100 pref 1000",
	       "ip mptcp endpoint add 10.1.0.2 id 1 dev eno1 subflow",
	       "ip -6 route add fd00:1::/64 dev eno1 src fd00:1::2 table 101 proto static",
	       "ip -6 rule add from fd00:1::2 lookup 101 pref 1001",
	       "ip mptcp endpoint add fd00:1::2 id 2 dev eno1 subflow",
	       "ip route add 10.2.0.0/24 dev eno2 scope link src 10.2.0.2 table 102 proto static",
	       "ip rule add from 10.2.0.2 lookup 102 pref 1002",
	       "ip mptcp endpoint add 10.2.0.2 id 3 dev eno2 subflow",
	       "ip -6 route add fd00:2::/64 dev eno2 src fd00:2::2 table 103 proto static",
	       "ip -6 rule add from fd00:2::2 lookup 103 pref 1003",
	       "ip mptcp endpoint add fd00:2::2 id 4 dev eno2 subflow",
	       "ip mptcp limits set subflow 4 add_addr_accepted 4");
	assert_int_equal(p.npaths, 4);
	assert_int_equal(p.nnotes, 0);
	/* What the lines do not show: device index, scope, protocol, prefsrc length. */
	assert_int_equal(p.v[0].u.route.oif, 2);
	assert_int_equal(p.v[0].u.route.scope, RT_SCOPE_LINK);
	assert_int_equal(p.v[0].u.route.protocol, RTPROT_STATIC);
	assert_true(p.v[0].u.route.has_prefsrc);
	assert_int_equal(p.v[0].u.route.prefsrc.plen, 32);
	assert_int_equal(p.v[3].u.route.scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(p.v[3].u.route.prefsrc.plen, 128);
	assert_int_equal(p.v[1].u.rule.src.plen, 32);
	assert_int_equal(p.v[4].u.rule.family, AF_INET6);
	assert_int_equal(p.v[4].u.rule.src.plen, 128);
	assert_int_equal(p.v[8].u.ep.ifindex, 3);
	assert_int_equal(p.v[8].u.ep.flags, MC_PM_FLAG_SUBFLOW);
	assert_string_equal(p.v[8].ifname, "eno2");
}

static void test_role_server_both_flags(void **state)
{
	struct plan_req r = req_of(ROLE_SERVER, "eno1", NULL);

	(void)state;
	build_ok(&r);
	/* server: signal; add_addr_accepted (what the peer announces) is left alone. */
	EXPECT("ip route add 10.1.0.0/24 dev eno1 scope link src 10.1.0.2 table 100 proto static",
	       "ip rule add from 10.1.0.2 lookup 100 pref 1000",
	       "ip mptcp endpoint add 10.1.0.2 id 1 dev eno1 signal",
	       "ip -6 route add fd00:1::/64 dev eno1 src fd00:1::2 table 101 proto static",
	       "ip -6 rule add from fd00:1::2 lookup 101 pref 1001",
	       "ip mptcp endpoint add fd00:1::2 id 2 dev eno1 signal");
	/* 2 paths: subflows already 2, accepted untouched: no limits step. */
	assert_int_equal(p.npaths, 2);

	r = req_of(ROLE_BOTH, "eno2,backup,fullmesh", NULL);
	build_ok(&r);
	EXPECT("ip route add 10.2.0.0/24 dev eno2 scope link src 10.2.0.2 table 100 proto static",
	       "ip rule add from 10.2.0.2 lookup 100 pref 1000",
	       "ip mptcp endpoint add 10.2.0.2 id 1 dev eno2 signal subflow backup fullmesh",
	       "ip -6 route add fd00:2::/64 dev eno2 src fd00:2::2 table 101 proto static",
	       "ip -6 rule add from fd00:2::2 lookup 101 pref 1001",
	       "ip mptcp endpoint add fd00:2::2 id 2 dev eno2 signal subflow backup fullmesh",
	       "ip mptcp limits set subflow 2 add_addr_accepted 2");
	assert_int_equal(p.v[2].u.ep.flags, MC_PM_FLAG_SIGNAL | MC_PM_FLAG_SUBFLOW |
						    MC_PM_FLAG_BACKUP | MC_PM_FLAG_FULLMESH);
}

static void test_server_limits(void **state)
{
	struct plan_req r = req_of(ROLE_SERVER, "eno1", "eno2");

	(void)state;
	st.limits.add_addr_accepted = 1;
	build_ok(&r);
	assert_int_equal(p.n, 13);
	assert_string_equal(cmd(&p.v[12]), "ip mptcp limits set subflow 4 add_addr_accepted 1");
	assert_int_equal(p.v[12].u.limits.old.subflows, 2);
	assert_int_equal(p.v[12].u.limits.old.add_addr_accepted, 1);
}

static void test_limits_never_lowered(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", "eno2");

	(void)state;
	st.limits.subflows = 8;
	st.limits.add_addr_accepted = 8;
	build_ok(&r);
	assert_int_equal(p.n, 12);
	for (int i = 0; i < p.n; i++)
		assert_int_not_equal(p.v[i].op, OP_LIMITS);

	/* Only the one that is short is raised; the other keeps its higher value. */
	st.limits.subflows = 6;
	st.limits.add_addr_accepted = 1;
	build_ok(&r);
	assert_string_equal(cmd(&p.v[p.n - 1]),
			    "ip mptcp limits set subflow 6 add_addr_accepted 4");
	assert_int_equal(p.v[p.n - 1].u.limits.old.subflows, 6);
	assert_int_equal(p.v[p.n - 1].u.limits.old.add_addr_accepted, 1);
}

static void test_table_pref_skip_used(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", NULL);

	(void)state;
	add_route(100, "192.168.9.0/24", NULL, 2); /* table 100 has a route */
	add_rule(AF_INET, "192.168.7.0/24", 102, 1000); /* 102 and pref 1000 by a rule */
	add_rule(AF_INET6, NULL, 150, 1001);
	build_ok(&r);
	EXPECT("ip route add 10.1.0.0/24 dev eno1 scope link src 10.1.0.2 table 101 proto static",
	       "ip rule add from 10.1.0.2 lookup 101 pref 1002",
	       "ip mptcp endpoint add 10.1.0.2 id 1 dev eno1 subflow",
	       "ip -6 route add fd00:1::/64 dev eno1 src fd00:1::2 table 103 proto static",
	       "ip -6 rule add from fd00:1::2 lookup 103 pref 1003",
	       "ip mptcp endpoint add fd00:1::2 id 2 dev eno1 subflow",
	       "ip mptcp limits set subflow 2 add_addr_accepted 2");
}

static void test_explicit_base_in_use(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", NULL);

	(void)state;
	add_route(100, "192.168.9.0/24", NULL, 2);
	r.table_base = 100;
	build_fails(&r, -EEXIST, "routing table 100 is in use", "table-base");
	r.table_base = 254; /* main: always in use */
	build_fails(&r, -EEXIST, "routing table 254", NULL);
	r.table_base = 300; /* free: taken as given, the next ids follow it */
	build_ok(&r);
	assert_string_equal(
		cmd(&p.v[0]),
		"ip route add 10.1.0.0/24 dev eno1 scope link src 10.1.0.2 table 300 proto static");
	assert_string_equal(cmd(&p.v[4]), "ip -6 rule add from fd00:1::2 lookup 301 pref 1001");

	r.table_base = 0;
	r.rule_pref = 32766;
	build_fails(&r, -EEXIST, "rule priority 32766 is in use", "rule-pref");
	add_rule(AF_INET, NULL, 200, 5000);
	r.rule_pref = 5000;
	build_fails(&r, -EEXIST, "rule priority 5000", NULL);
	r.rule_pref = 5001;
	build_ok(&r);
	/* (table 100 still has its route) */
	assert_string_equal(cmd(&p.v[1]), "ip rule add from 10.1.0.2 lookup 101 pref 5001");
}

static void test_existing_rule_reused(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", NULL);

	(void)state;
	add_rule(AF_INET, "10.1.0.2/32", 200, 500);
	add_route(200, "10.1.0.0/24", NULL, 2); /* its subnet route too: nothing to add */
	build_ok(&r);
	EXPECT("ip mptcp endpoint add 10.1.0.2 id 1 dev eno1 subflow",
	       "ip -6 route add fd00:1::/64 dev eno1 src fd00:1::2 table 100 proto static",
	       "ip -6 rule add from fd00:1::2 lookup 100 pref 1000",
	       "ip mptcp endpoint add fd00:1::2 id 2 dev eno1 subflow",
	       "ip mptcp limits set subflow 2 add_addr_accepted 2");

	/* Without the route in table 200, the route goes there (not a new table). */
	st.nroutes--;
	build_ok(&r);
	assert_string_equal(
		cmd(&p.v[0]),
		"ip route add 10.1.0.0/24 dev eno1 scope link src 10.1.0.2 table 200 proto static");
	assert_int_equal(p.v[1].op, OP_ENDPOINT_ADD);

	/* A rule from the whole subnet is not a rule from the address. */
	base_state(NULL);
	add_rule(AF_INET, "10.1.0.0/24", 200, 500);
	build_ok(&r);
	assert_string_equal(cmd(&p.v[1]), "ip rule add from 10.1.0.2 lookup 100 pref 1000");
}

static void test_default_route_via_gateway(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", "eno2");

	(void)state;
	add_route(RT_TABLE_MAIN, "0.0.0.0/0", "10.1.0.1", 2);
	add_route(RT_TABLE_MAIN, "::/0", "fe80::1", 2);
	add_route(100, "0.0.0.0/0", "10.9.9.9", 3); /* not main: ignored (and table 100 used) */
	build_ok(&r);
	EXPECT("ip route add 10.1.0.0/24 dev eno1 scope link src 10.1.0.2 table 101 proto static",
	       "ip route add default via 10.1.0.1 dev eno1 table 101 proto static",
	       "ip rule add from 10.1.0.2 lookup 101 pref 1000",
	       "ip mptcp endpoint add 10.1.0.2 id 1 dev eno1 subflow",
	       "ip -6 route add fd00:1::/64 dev eno1 src fd00:1::2 table 102 proto static",
	       "ip -6 route add default via fe80::1 dev eno1 table 102 proto static",
	       "ip -6 rule add from fd00:1::2 lookup 102 pref 1001",
	       "ip mptcp endpoint add fd00:1::2 id 2 dev eno1 subflow",
	       "ip route add 10.2.0.0/24 dev eno2 scope link src 10.2.0.2 table 103 proto static",
	       "ip rule add from 10.2.0.2 lookup 103 pref 1002",
	       "ip mptcp endpoint add 10.2.0.2 id 3 dev eno2 subflow",
	       "ip -6 route add fd00:2::/64 dev eno2 src fd00:2::2 table 104 proto static",
	       "ip -6 rule add from fd00:2::2 lookup 104 pref 1003",
	       "ip mptcp endpoint add fd00:2::2 id 4 dev eno2 subflow",
	       "ip mptcp limits set subflow 4 add_addr_accepted 4");
	assert_true(p.v[1].u.route.has_gw);
	assert_int_equal(p.v[1].u.route.dst.plen, 0);
	assert_int_equal(p.v[1].u.route.dst.family, AF_INET);
	assert_int_equal(p.v[1].u.route.oif, 2);
	assert_false(p.v[1].u.route.has_prefsrc);
}

static void test_idempotent(void **state)
{
	struct plan_req r = req_of(ROLE_BOTH, "eno1,backup", "eno2");

	(void)state;
	snprintf(st.mptcp_enabled, sizeof(st.mptcp_enabled), "0");
	st.rp_filter[1] = 1;
	add_route(RT_TABLE_MAIN, "0.0.0.0/0", "10.1.0.1", 2);
	r.rp_loose = true;
	build_ok(&r);
	assert_int_equal(p.n, 1 + 4 + 3 + 1 + 3 + 3 + 1);
	apply_to_state();
	build_ok(&r);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.nnotes, 0);
	assert_int_equal(p.npaths, 0);
	/* Again with the other role: now the endpoints differ, and are not replaced. */
	r.role = ROLE_CLIENT;
	build_fails(&r, -EEXIST, "endpoint 10.1.0.2 (id 1)", NULL);
}

static void test_endpoint_conflict(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", NULL);

	(void)state;
	add_ep(7, "10.1.0.2", MC_PM_FLAG_SIGNAL, 2);
	build_fails(&r, -EEXIST, "eno1: endpoint 10.1.0.2 (id 7) exists with other flags",
		    "ip mptcp endpoint delete id 7");
	/* Right flags, wrong device. */
	st.endpoints[0].flags = MC_PM_FLAG_SUBFLOW;
	st.endpoints[0].ifindex = 3;
	build_fails(&r, -EEXIST, "endpoint 10.1.0.2 (id 7)", NULL);
	/* Right flags and device: kept, and its id is not reused. */
	st.endpoints[0].ifindex = 2;
	build_ok(&r);
	EXPECT("ip route add 10.1.0.0/24 dev eno1 scope link src 10.1.0.2 table 100 proto static",
	       "ip rule add from 10.1.0.2 lookup 100 pref 1000",
	       "ip -6 route add fd00:1::/64 dev eno1 src fd00:1::2 table 101 proto static",
	       "ip -6 rule add from fd00:1::2 lookup 101 pref 1001",
	       "ip mptcp endpoint add fd00:1::2 id 1 dev eno1 subflow",
	       "ip mptcp limits set subflow 2 add_addr_accepted 2");
	/* Limits count every path, the kept endpoint's too. */
	assert_int_equal(p.npaths, 1);
}

static void test_implicit_endpoint_replaced(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", NULL);

	(void)state;
	/* What the kernel creates for an address a subflow used without an endpoint. */
	add_ep(1, "10.1.0.2", MC_PM_FLAG_IMPLICIT, 0);
	add_ep(2, "fd00:1::2", MC_PM_FLAG_IMPLICIT, 2);
	build_ok(&r);
	/* No delete step: adding an endpoint for the address replaces the implicit one. */
	EXPECT("ip route add 10.1.0.0/24 dev eno1 scope link src 10.1.0.2 table 100 proto static",
	       "ip rule add from 10.1.0.2 lookup 100 pref 1000",
	       "ip mptcp endpoint add 10.1.0.2 id 3 dev eno1 subflow",
	       "ip -6 route add fd00:1::/64 dev eno1 src fd00:1::2 table 101 proto static",
	       "ip -6 rule add from fd00:1::2 lookup 101 pref 1001",
	       "ip mptcp endpoint add fd00:1::2 id 4 dev eno1 subflow",
	       "ip mptcp limits set subflow 2 add_addr_accepted 2");
	assert_int_equal(p.npaths, 2);

	/* Implicit endpoints do not count against the kernel's 8. */
	for (int i = 0; i < 6; i++) {
		char a[32];

		snprintf(a, sizeof(a), "192.168.50.%d", i + 1);
		add_ep((uint8_t)(10 + i), a, MC_PM_FLAG_IMPLICIT, 0);
	}
	r = req_of(ROLE_CLIENT, "eno1", "eno2");
	build_ok(&r);
}

static void test_too_many_endpoints(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", "eno2");

	(void)state;
	for (int i = 0; i < 5; i++) {
		char a[32];

		snprintf(a, sizeof(a), "192.168.50.%d", i + 1);
		add_ep((uint8_t)(10 + i), a, MC_PM_FLAG_SIGNAL, 0);
	}
	build_fails(&r, -ENOSPC, "at most 8", "(5 exist already)");
	assert_non_null(strstr(e.what, "4 paths need 4 endpoints"));
	/* One fewer: exactly 8 fits. */
	st.nendpoints = 4;
	build_ok(&r);
	assert_int_equal(p.npaths, 4);
}

static void test_bad_interfaces(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", "eno9");

	(void)state;
	build_fails(&r, -ENODEV, "interface eno9 does not exist", NULL);
	r = req_of(ROLE_CLIENT, "eno3", NULL); /* link-local only */
	build_fails(&r, -EADDRNOTAVAIL, "interface eno3 has no global address", NULL);
	r = req_of(ROLE_CLIENT, "lo", NULL); /* host scope only */
	build_fails(&r, -EADDRNOTAVAIL, "interface lo", NULL);
	r = req_of(ROLE_CLIENT, "eno1", "eno1");
	build_fails(&r, -EINVAL, "eno1 given twice", NULL);
	r = req_of(ROLE_CLIENT, NULL, NULL);
	build_fails(&r, -EINVAL, "no interface", NULL);
	/* Nothing planned before an error found in a later interface. */
	r = req_of(ROLE_CLIENT, "eno1", "eno3");
	build_fails(&r, -EADDRNOTAVAIL, "eno3", NULL);
	assert_int_equal(p.n, 0);
}

static void test_laminar(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", "eno2,laminar");

	(void)state;
	build_fails(&r, -EOPNOTSUPP, "eno2: this kernel has no 'laminar' endpoints", NULL);
	st.laminar_supported = true;
	build_ok(&r);
	assert_string_equal(cmd(&p.v[8]),
			    "ip mptcp endpoint add 10.2.0.2 id 3 dev eno2 subflow laminar");
	assert_int_equal(p.v[8].u.ep.flags, MC_PM_FLAG_SUBFLOW | MC_PM_FLAG_LAMINAR);
}

static void test_rp_filter_strict(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", "eno2");

	(void)state;
	st.rp_filter[1] = 1; /* eno1 */
	build_ok(&r);
	assert_int_equal(p.n, 13); /* no sysctl step */
	assert_int_equal(p.nnotes, 1);
	assert_non_null(strstr(p.notes[0], "eno1 has strict reverse-path filtering"));
	assert_non_null(strstr(p.notes[0], "rp-filter loose"));

	r.rp_loose = true;
	build_ok(&r);
	assert_int_equal(p.nnotes, 0);
	assert_int_equal(p.n, 14);
	/* After eno1's steps, before eno2's. */
	assert_string_equal(cmd(&p.v[6]), "sysctl -w net.ipv4.conf.eno1.rp_filter=2");
	assert_string_equal(p.v[6].u.sysctl.old, "1");
	assert_string_equal(p.v[6].ifname, "eno1");
	assert_int_equal(p.v[7].op, OP_ROUTE_ADD);

	/* all=1 makes every interface strict unless it says 2 itself. */
	st.rp_filter[1] = 0;
	st.rp_filter[2] = 2;
	st.rp_filter_all = 1;
	build_ok(&r);
	assert_int_equal(p.n, 14);
	assert_string_equal(cmd(&p.v[6]), "sysctl -w net.ipv4.conf.eno1.rp_filter=2");
	assert_string_equal(p.v[6].u.sysctl.old, "0");
	for (int i = 7; i < p.n; i++)
		assert_int_not_equal(p.v[i].op, OP_SYSCTL);
	r.rp_loose = false;
	build_ok(&r);
	assert_int_equal(p.nnotes, 1);
	assert_non_null(strstr(p.notes[0], "eno1"));
}

static void test_mptcp_disabled(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", NULL);

	(void)state;
	snprintf(st.mptcp_enabled, sizeof(st.mptcp_enabled), "0");
	build_ok(&r);
	assert_int_equal(p.n, 8);
	assert_string_equal(cmd(&p.v[0]), "sysctl -w net.mptcp.enabled=1");
	assert_string_equal(p.v[0].u.sysctl.old, "0");
	assert_string_equal(p.v[0].ifname, "");
	assert_int_equal(p.v[1].op, OP_ROUTE_ADD);
}

static void test_role_iface_parse(void **state)
{
	enum plan_role role;
	struct plan_iface i;

	(void)state;
	assert_int_equal(plan_role_parse("client", &role), 0);
	assert_int_equal(role, ROLE_CLIENT);
	assert_int_equal(plan_role_parse("server", &role), 0);
	assert_int_equal(role, ROLE_SERVER);
	assert_int_equal(plan_role_parse("both", &role), 0);
	assert_int_equal(role, ROLE_BOTH);
	assert_int_equal(plan_role_parse("Client", &role), -EINVAL);
	assert_int_equal(plan_role_parse("", &role), -EINVAL);
	assert_string_equal(plan_role_name(ROLE_SERVER), "server");
	assert_int_equal(plan_iface_parse("eno1,laminar,backup", &i, &e), 0);
	assert_string_equal(i.name, "eno1");
	assert_int_equal(i.flags, MC_PM_FLAG_LAMINAR | MC_PM_FLAG_BACKUP);
	assert_int_equal(plan_iface_parse("eno1,signal", &i, &e), -EINVAL);
	assert_non_null(strstr(e.what, "unknown flag 'signal'"));
	assert_int_equal(plan_iface_parse("a-name-of-sixteen", &i, &e), -EINVAL);
	assert_int_equal(plan_iface_parse("", &i, &e), -EINVAL);
}

/* ---- plan_step_inverse ---- */

static void step_route(struct step *s, const char *dev, int oif, const char *dst, const char *src,
		       const char *gw, uint32_t table)
{
	memset(s, 0, sizeof(*s));
	s->op = OP_ROUTE_ADD;
	snprintf(s->ifname, sizeof(s->ifname), "%s", dev);
	pfx(dst, &s->u.route.dst);
	s->u.route.table = table;
	s->u.route.oif = oif;
	s->u.route.protocol = RTPROT_STATIC;
	if (gw) {
		s->u.route.has_gw = true;
		pfx(gw, &s->u.route.gw);
	} else {
		s->u.route.has_prefsrc = true;
		pfx(src, &s->u.route.prefsrc);
		s->u.route.scope = s->u.route.dst.family == AF_INET ? RT_SCOPE_LINK : 0;
	}
}

static void step_rule(struct step *s, const char *src, uint32_t table, uint32_t pref)
{
	memset(s, 0, sizeof(*s));
	s->op = OP_RULE_ADD;
	pfx(src, &s->u.rule.src);
	s->u.rule.family = s->u.rule.src.family;
	s->u.rule.has_src = true;
	s->u.rule.table = table;
	s->u.rule.priority = pref;
}

static void step_ep(struct step *s, const char *addr, uint8_t id, const char *dev, int oif,
		    uint32_t flags)
{
	memset(s, 0, sizeof(*s));
	s->op = OP_ENDPOINT_ADD;
	snprintf(s->ifname, sizeof(s->ifname), "%s", dev);
	pfx(addr, &s->u.ep.addr);
	s->u.ep.id = id;
	s->u.ep.ifindex = oif;
	s->u.ep.flags = flags;
}

static void step_sysctl(struct step *s, const char *key, const char *val, const char *old,
			const char *dev)
{
	memset(s, 0, sizeof(*s));
	s->op = OP_SYSCTL;
	snprintf(s->u.sysctl.key, sizeof(s->u.sysctl.key), "%s", key);
	snprintf(s->u.sysctl.val, sizeof(s->u.sysctl.val), "%s", val);
	snprintf(s->u.sysctl.old, sizeof(s->u.sysctl.old), "%s", old);
	snprintf(s->ifname, sizeof(s->ifname), "%s", dev);
}

static void step_limits(struct step *s, uint32_t sf, uint32_t acc, uint32_t osf, uint32_t oacc)
{
	memset(s, 0, sizeof(*s));
	s->op = OP_LIMITS;
	s->u.limits.now.subflows = sf;
	s->u.limits.now.add_addr_accepted = acc;
	s->u.limits.old.subflows = osf;
	s->u.limits.old.add_addr_accepted = oacc;
}

/* inv is s with op swapped; its inverse is s again, byte for byte. */
static void check_inverse(const struct step *s, enum step_op inv_op, const char *line)
{
	struct step inv, back;

	plan_step_inverse(s, &inv);
	assert_int_equal(inv.op, inv_op);
	assert_string_equal(cmd(&inv), line);
	assert_string_equal(inv.ifname, s->ifname);
	plan_step_inverse(&inv, &back);
	assert_memory_equal(&back, s, sizeof(back));
}

static void test_inverse(void **state)
{
	struct step s, inv;

	(void)state;
	step_route(&s, "eno1", 2, "10.1.0.0/24", "10.1.0.2", NULL, 100);
	check_inverse(
		&s, OP_ROUTE_DEL,
		"ip route del 10.1.0.0/24 dev eno1 scope link src 10.1.0.2 table 100 proto static");
	plan_step_inverse(&s, &inv);
	assert_memory_equal(&inv.u.route, &s.u.route, sizeof(s.u.route));
	step_route(&s, "eno1", 2, "fd00:1::/64", "fd00:1::2", NULL, 101);
	check_inverse(&s, OP_ROUTE_DEL,
		      "ip -6 route del fd00:1::/64 dev eno1 src fd00:1::2 table 101 proto static");
	step_route(&s, "eno1", 2, "0.0.0.0/0", NULL, "10.1.0.1", 100);
	check_inverse(&s, OP_ROUTE_DEL,
		      "ip route del default via 10.1.0.1 dev eno1 table 100 proto static");
	s.op = OP_ROUTE_DEL;
	check_inverse(&s, OP_ROUTE_ADD,
		      "ip route add default via 10.1.0.1 dev eno1 table 100 proto static");

	step_rule(&s, "10.1.0.2", 100, 1000);
	check_inverse(&s, OP_RULE_DEL, "ip rule del from 10.1.0.2 lookup 100 pref 1000");
	step_rule(&s, "fd00:1::2", 101, 1001);
	check_inverse(&s, OP_RULE_DEL, "ip -6 rule del from fd00:1::2 lookup 101 pref 1001");
	s.op = OP_RULE_DEL;
	check_inverse(&s, OP_RULE_ADD, "ip -6 rule add from fd00:1::2 lookup 101 pref 1001");

	step_ep(&s, "10.1.0.2", 3, "eno1", 2, MC_PM_FLAG_SIGNAL | MC_PM_FLAG_BACKUP);
	check_inverse(&s, OP_ENDPOINT_DEL, "ip mptcp endpoint delete id 3");
	plan_step_inverse(&s, &inv);
	assert_memory_equal(&inv.u.ep, &s.u.ep, sizeof(s.u.ep)); /* the address goes along */
	s.op = OP_ENDPOINT_DEL;
	check_inverse(&s, OP_ENDPOINT_ADD,
		      "ip mptcp endpoint add 10.1.0.2 id 3 dev eno1 signal backup");

	step_sysctl(&s, "net.mptcp.enabled", "1", "0", "");
	check_inverse(&s, OP_SYSCTL, "sysctl -w net.mptcp.enabled=0");
	plan_step_inverse(&s, &inv);
	assert_string_equal(inv.u.sysctl.key, "net.mptcp.enabled");
	assert_string_equal(inv.u.sysctl.val, "0");
	assert_string_equal(inv.u.sysctl.old, "1");
	step_sysctl(&s, "net.ipv4.conf.eno1.rp_filter", "2", "1", "eno1");
	check_inverse(&s, OP_SYSCTL, "sysctl -w net.ipv4.conf.eno1.rp_filter=1");

	step_limits(&s, 4, 4, 2, 0);
	check_inverse(&s, OP_LIMITS, "ip mptcp limits set subflow 2 add_addr_accepted 0");
	plan_step_inverse(&s, &inv);
	assert_int_equal(inv.u.limits.old.subflows, 4);
	assert_int_equal(inv.u.limits.old.add_addr_accepted, 4);
}

/* Every step of a real plan, inverted, prints as the matching del/undo command. */
static void test_inverse_of_plan(void **state)
{
	struct plan_req r = req_of(ROLE_CLIENT, "eno1", NULL);
	struct step inv;

	(void)state;
	snprintf(st.mptcp_enabled, sizeof(st.mptcp_enabled), "0");
	build_ok(&r);
	assert_int_equal(p.n, 8);
	plan_step_inverse(&p.v[0], &inv);
	assert_string_equal(cmd(&inv), "sysctl -w net.mptcp.enabled=0");
	plan_step_inverse(&p.v[1], &inv);
	assert_string_equal(
		cmd(&inv),
		"ip route del 10.1.0.0/24 dev eno1 scope link src 10.1.0.2 table 100 proto static");
	plan_step_inverse(&p.v[2], &inv);
	assert_string_equal(cmd(&inv), "ip rule del from 10.1.0.2 lookup 100 pref 1000");
	plan_step_inverse(&p.v[3], &inv);
	assert_string_equal(cmd(&inv), "ip mptcp endpoint delete id 1");
	plan_step_inverse(&p.v[7], &inv);
	assert_string_equal(cmd(&inv), "ip mptcp limits set subflow 2 add_addr_accepted 0");
}

/* ---- the record: plan_step_serialize / plan_step_parse ---- */

static void roundtrip(const struct step *s, const char *line)
{
	char buf[512], again[512];
	struct step back;
	int n = plan_step_serialize(s, buf, sizeof(buf));

	assert_int_equal(n, (int)strlen(line));
	assert_string_equal(buf, line);
	assert_int_equal(plan_step_parse(buf, &back), 0);
	assert_int_equal(back.op, s->op);
	/* Rules and limits are recorded without a device (nothing uses it). */
	if (s->op != OP_RULE_ADD && s->op != OP_LIMITS)
		assert_string_equal(back.ifname, s->ifname);
	switch (s->op) {
	case OP_SYSCTL:
		assert_string_equal(back.u.sysctl.key, s->u.sysctl.key);
		assert_string_equal(back.u.sysctl.val, s->u.sysctl.val);
		assert_string_equal(back.u.sysctl.old, s->u.sysctl.old);
		break;
	case OP_ROUTE_ADD:
		assert_true(mc_prefix_equal(&back.u.route.dst, &s->u.route.dst));
		assert_int_equal(back.u.route.table, s->u.route.table);
		assert_int_equal(back.u.route.oif, s->u.route.oif);
		assert_int_equal(back.u.route.scope, s->u.route.scope);
		assert_int_equal(back.u.route.protocol, s->u.route.protocol);
		assert_int_equal(back.u.route.has_gw, s->u.route.has_gw);
		assert_int_equal(back.u.route.has_prefsrc, s->u.route.has_prefsrc);
		if (s->u.route.has_gw)
			assert_true(mc_prefix_equal(&back.u.route.gw, &s->u.route.gw));
		else
			assert_true(mc_prefix_equal(&back.u.route.prefsrc, &s->u.route.prefsrc));
		break;
	case OP_RULE_ADD:
		assert_int_equal(back.u.rule.family, s->u.rule.family);
		assert_true(back.u.rule.has_src);
		assert_true(mc_prefix_equal(&back.u.rule.src, &s->u.rule.src));
		assert_int_equal(back.u.rule.table, s->u.rule.table);
		assert_int_equal(back.u.rule.priority, s->u.rule.priority);
		break;
	case OP_ENDPOINT_ADD:
		assert_true(mc_prefix_equal(&back.u.ep.addr, &s->u.ep.addr));
		assert_int_equal(back.u.ep.id, s->u.ep.id);
		assert_int_equal(back.u.ep.ifindex, s->u.ep.ifindex);
		assert_int_equal(back.u.ep.flags, s->u.ep.flags);
		assert_int_equal(back.u.ep.port, 0);
		break;
	case OP_LIMITS:
		assert_memory_equal(&back.u.limits, &s->u.limits, sizeof(s->u.limits));
		break;
	default:
		fail();
	}
	/* And what undo would run from it is what the plan showed. */
	{
		char c1[256];

		assert_string_equal(plan_step_cmd(&back, c1, sizeof(c1)), cmd(s));
	}
	assert_int_equal(plan_step_serialize(&back, again, sizeof(again)), n);
	assert_string_equal(again, buf);
}

static void test_record_roundtrip(void **state)
{
	struct step s;

	(void)state;
	step_sysctl(&s, "net.mptcp.enabled", "1", "0", "");
	roundtrip(&s, "sysctl key=net.mptcp.enabled val=1 old=0 dev=-\n");
	step_sysctl(&s, "net.mptcp.enabled", "1", "", "");
	roundtrip(&s, "sysctl key=net.mptcp.enabled val=1 old=- dev=-\n");
	step_sysctl(&s, "net.ipv4.conf.eno1.rp_filter", "2", "1", "eno1");
	roundtrip(&s, "sysctl key=net.ipv4.conf.eno1.rp_filter val=2 old=1 dev=eno1\n");
	step_sysctl(&s, "net.ipv4.conf.all.rp_filter", "2", "1", "");
	roundtrip(&s, "sysctl key=net.ipv4.conf.all.rp_filter val=2 old=1 dev=-\n");

	step_route(&s, "eno1", 2, "10.1.0.0/24", "10.1.0.2", NULL, 100);
	roundtrip(&s, "route dst=10.1.0.0/24 table=100 dev=eno1 oif=2 scope=253 proto=4 "
		      "src=10.1.0.2\n");
	step_route(&s, "eno1", 2, "fd00:1::/64", "fd00:1::2", NULL, 101);
	roundtrip(&s, "route dst=fd00:1::/64 table=101 dev=eno1 oif=2 scope=0 proto=4 "
		      "src=fd00:1::2\n");
	step_route(&s, "eno1", 2, "0.0.0.0/0", NULL, "10.1.0.1", 100);
	roundtrip(&s, "route dst=0.0.0.0/0 table=100 dev=eno1 oif=2 scope=0 proto=4 gw=10.1.0.1\n");
	step_route(&s, "eno2", 3, "::/0", NULL, "fe80::1", 4294967295U);
	roundtrip(&s,
		  "route dst=::/0 table=4294967295 dev=eno2 oif=3 scope=0 proto=4 gw=fe80::1\n");

	step_rule(&s, "10.1.0.2", 100, 1000);
	roundtrip(&s, "rule src=10.1.0.2/32 table=100 pref=1000\n");
	step_rule(&s, "fd00:1::2", 101, 32765);
	roundtrip(&s, "rule src=fd00:1::2/128 table=101 pref=32765\n");

	step_ep(&s, "10.1.0.2", 1, "eno1", 2, MC_PM_FLAG_SUBFLOW);
	roundtrip(&s, "endpoint addr=10.1.0.2 id=1 dev=eno1 oif=2 flags=2\n");
	step_ep(&s, "fd00:2::2", 255, "eno2", 2147483647,
		MC_PM_FLAG_SIGNAL | MC_PM_FLAG_SUBFLOW | MC_PM_FLAG_BACKUP | MC_PM_FLAG_LAMINAR);
	roundtrip(&s, "endpoint addr=fd00:2::2 id=255 dev=eno2 oif=2147483647 flags=39\n");

	step_limits(&s, 8, 8, 0, 0);
	roundtrip(&s, "limits subflows=8 accepted=8 old_subflows=0 old_accepted=0\n");
	step_limits(&s, 4, 0, 2, 0);
	roundtrip(&s, "limits subflows=4 accepted=0 old_subflows=2 old_accepted=0\n");
}

/* Every step of real plans (IPv4 and IPv6, all kinds) survives the record. */
static void test_record_plan_roundtrip(void **state)
{
	struct plan_req r = req_of(ROLE_BOTH, "eno1,backup", "eno2,fullmesh");
	int kinds = 0;

	(void)state;
	snprintf(st.mptcp_enabled, sizeof(st.mptcp_enabled), "0");
	st.rp_filter[2] = 1;
	r.rp_loose = true;
	add_route(RT_TABLE_MAIN, "0.0.0.0/0", "10.1.0.1", 2);
	add_route(RT_TABLE_MAIN, "::/0", "fe80::1", 3);
	build_ok(&r);
	for (int i = 0; i < p.n; i++) {
		char buf[512];

		assert_true(plan_step_serialize(&p.v[i], buf, sizeof(buf)) > 0);
		roundtrip(&p.v[i], buf);
		kinds |= 1 << p.v[i].op;
	}
	assert_int_equal(kinds, (1 << OP_SYSCTL) | (1 << OP_ROUTE_ADD) | (1 << OP_RULE_ADD) |
					(1 << OP_ENDPOINT_ADD) | (1 << OP_LIMITS));
}

static void test_record_serialize_limits(void **state)
{
	struct step s;
	char buf[512];

	(void)state;
	/* Only what setup applies is recorded. */
	step_route(&s, "eno1", 2, "10.1.0.0/24", "10.1.0.2", NULL, 100);
	s.op = OP_ROUTE_DEL;
	assert_int_equal(plan_step_serialize(&s, buf, sizeof(buf)), -EINVAL);
	s.op = OP_RULE_DEL;
	assert_int_equal(plan_step_serialize(&s, buf, sizeof(buf)), -EINVAL);
	s.op = OP_ENDPOINT_DEL;
	assert_int_equal(plan_step_serialize(&s, buf, sizeof(buf)), -EINVAL);
	/* A buffer too small: -ENOSPC, never a cut line. */
	step_rule(&s, "10.1.0.2", 100, 1000);
	assert_int_equal(plan_step_serialize(&s, buf, 20), -ENOSPC);
	assert_int_equal(plan_step_serialize(&s, buf,
					     strlen("rule src=10.1.0.2/32 table=100 pref=1000\n")),
			 -ENOSPC);
	assert_int_equal(plan_step_serialize(
				 &s, buf, strlen("rule src=10.1.0.2/32 table=100 pref=1000\n") + 1),
			 (int)strlen("rule src=10.1.0.2/32 table=100 pref=1000\n"));
}

static const char *const valid_lines[] = {
	"sysctl key=net.mptcp.enabled val=1 old=0 dev=-",
	"route dst=10.1.0.0/24 table=100 dev=eno1 oif=2 scope=253 proto=4 src=10.1.0.2",
	"route dst=::/0 table=100 dev=eno1 oif=2 scope=0 proto=4 gw=fe80::1",
	"rule src=10.1.0.2/32 table=100 pref=1000",
	"endpoint addr=fd00:1::2 id=1 dev=eno1 oif=2 flags=2",
	"limits subflows=4 accepted=4 old_subflows=2 old_accepted=0",
};

static void expect_reject(const char *line)
{
	struct step s;
	int ret = plan_step_parse(line, &s);

	if (ret != -EINVAL)
		fail_msg("accepted (%d): '%s'", ret, line);
}

static void test_record_missing_keys(void **state)
{
	struct step s;

	(void)state;
	for (size_t i = 0; i < sizeof(valid_lines) / sizeof(valid_lines[0]); i++) {
		char words[10][96], line[512];
		int n = 0;
		const char *c = valid_lines[i];

		assert_int_equal(plan_step_parse(valid_lines[i], &s), 0);
		/* with a newline too (as in the file) */
		snprintf(line, sizeof(line), "%s\n", valid_lines[i]);
		assert_int_equal(plan_step_parse(line, &s), 0);
		while (*c) {
			size_t w = strcspn(c, " ");

			assert_true(n < 10 && w < sizeof(words[0]));
			memcpy(words[n], c, w);
			words[n++][w] = '\0';
			c += w + (c[w] == ' ');
		}
		/* Drop each key=value in turn: every one is required. */
		for (int drop = 1; drop < n; drop++) {
			size_t off = 0;

			line[0] = '\0';
			for (int k = 0; k < n; k++)
				if (k != drop)
					off += (size_t)snprintf(line + off, sizeof(line) - off,
								"%s%s", off ? " " : "", words[k]);
			expect_reject(line);
		}
		/* The kind alone. */
		expect_reject(words[0]);
	}
}

static void test_record_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		" ",
		"bogus key=1",
		"Route dst=10.1.0.0/24 table=100 dev=eno1 oif=2 scope=253 proto=4 src=10.1.0.2",
		"route_del dst=10.1.0.0/24 table=100 dev=eno1 oif=2 scope=253 proto=4 src=10.1.0.2",
		"endpointXXXXXXXXXXXXX addr=10.1.0.2 id=1 dev=eno1 oif=2 flags=2", /* kind >= 16 */
		/* tokens that are not key=value */
		"rule src=10.1.0.2/32 table=100 pref=1000 extra",
		"rule src=10.1.0.2/32 table=100 =5 pref=1000",
		/* numbers out of range or malformed */
		"endpoint addr=10.1.0.2 id=256 dev=eno1 oif=2 flags=2",
		"endpoint addr=10.1.0.2 id=-1 dev=eno1 oif=2 flags=2",
		"endpoint addr=10.1.0.2 id=1 dev=eno1 oif=2 flags=256",
		"endpoint addr=10.1.0.2 id=1 dev=eno1 oif=2147483648 flags=2",
		"endpoint addr=10.1.0.2 id=1 dev=eno1 oif=2 flags=0x2",
		"endpoint addr=10.1.0.2 id=1 dev=eno1 oif=2 flags=",
		"endpoint addr=10.1.0.2 id=+1 dev=eno1 oif=2 flags=2",
		"endpoint addr=10.1.0.2 id=1 dev=a-name-of-sixteen oif=2 flags=2",
		"endpoint addr=10.1.0.2/33 id=1 dev=eno1 oif=2 flags=2",
		"endpoint addr=10.1.0.256 id=1 dev=eno1 oif=2 flags=2",
		"endpoint addr=eno1 id=1 dev=eno1 oif=2 flags=2",
		"route dst=10.1.0.0/24 table=4294967296 dev=eno1 oif=2 scope=253 proto=4 src=10.1.0.2",
		"route dst=10.1.0.0/24 table=100 dev=eno1 oif=2 scope=256 proto=4 src=10.1.0.2",
		"route dst=10.1.0.0/24 table=100 dev=eno1 oif=2 scope=253 proto=256 src=10.1.0.2",
		"route dst=10.1.0.0/24 table=100 dev=eno1 oif=-2 scope=253 proto=4 src=10.1.0.2",
		"route dst=10.1.0.0/24 table=100 dev=eno1 oif=2 scope=253 proto=4 src=10.1.0.2/",
		"route dst=10.1.0.0/24 table=100 dev=eno1 oif=2 scope=253 proto=4 gw=nowhere",
		"route dst=10.1.0.0/1234 table=100 dev=eno1 oif=2 scope=253 proto=4 src=10.1.0.2",
		"rule src=10.1.0.2/32 table=100 pref=99999999999999999999",
		"rule src=10.1.0.2/32 table=1e3 pref=1000",
		"limits subflows=9 accepted=4 old_subflows=2 old_accepted=0",
		"limits subflows=4 accepted=9 old_subflows=2 old_accepted=0",
		"limits subflows=4 accepted=4 old_subflows=9 old_accepted=0",
		"limits subflows=4 accepted=4 old_subflows=2 old_accepted=4294967296",
		/* sysctl: only the two keys setup writes, values that fit */
		"sysctl key=kernel.core_pattern val=|/tmp/x old=core dev=-",
		"sysctl key=net.ipv4.ip_forward val=1 old=0 dev=-",
		"sysctl key=net.ipv4.conf.all.forwarding val=1 old=0 dev=-",
		"sysctl key=net.ipv6.conf.all.forwarding val=1 old=0 dev=-",
		"sysctl key=net.ipv6.conf.eno1.rp_filter val=2 old=1 dev=eno1",
		"sysctl key=net.mptcp.enabled.x val=1 old=0 dev=-",
		"sysctl key=net.mptcp.scheduler val=x old=default dev=-",
		"sysctl key=Net.mptcp.enabled val=1 old=0 dev=-",
		"sysctl key=net.ipv4.confeno1.rp_filter val=2 old=1 dev=eno1",
		"sysctl key=- val=1 old=0 dev=-",
		/* values of 48 bytes (47 fit) */
		"sysctl key=net.mptcp.enabled val=123456789012345678901234567890123456789012345678 "
		"old=0 dev=-",
		"sysctl key=net.mptcp.enabled val=1 "
		"old=123456789012345678901234567890123456789012345678 dev=-",
		"sysctl key=net.ipv4.conf.eno1.rp_filter val=2 old=1 dev=a-name-of-sixteen",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_reject(bad[i]);
}

/*
 * The record must never write another sysctl than the ones setup and tune
 * write: net.mptcp.enabled, net.ipv4.conf.IFACE.rp_filter, and tune's TCP
 * buffer sizes. ".rp_filter" anchored at the end, IFACE one component (no
 * dot, no slash) of an interface name's length: nothing else passes under
 * net.ipv4.conf. (An earlier check, "starts with net.ipv4.conf. and contains
 * .rp_filter", let the first keys below through.)
 */
static void test_record_sysctl_keys(void **state)
{
	static const char *const sneaky[] = {
		"net.ipv4.conf.rp_filter.forwarding", /* an interface named rp_filter */
		"net.ipv4.conf.all.rp_filter.x",
		"net.ipv4.conf.eno1.rp_filter_x",
		"net.ipv4.conf.eno1.x.rp_filter",
		"net.ipv4.conf..rp_filter",
		"net.ipv4.conf.rp_filter",
		"net.ipv4.conf.a-name-of-sixteen.rp_filter", /* 17 > IF_NAMESIZE - 1 */
		"net.ipv4.conf.eno1.rp_filter.",
		".net.ipv4.conf.eno1.rp_filter",
		"net.ipv4.tcp_rmem.x",
		"net.ipv4.tcp_mem",
		"net.core.somaxconn",
		"net.mptcp.enabled.",
		"net.mptcp",
	};
	static const char *const ok[] = {
		"net.mptcp.enabled",
		"net.ipv4.conf.eno1.rp_filter",
		"net.ipv4.conf.all.rp_filter",
		"net.ipv4.conf.default.rp_filter",
		"net.ipv4.conf.eno1-2.rp_filter",
		"net.ipv4.conf.a-name-of-fiftn.rp_filter", /* 15: the longest name */
		"net.ipv4.conf.eth0/100.rp_filter", /* sysctl(8)'s slash for eth0.100 */
		"net.ipv4.tcp_rmem",
		"net.ipv4.tcp_wmem",
		"net.core.rmem_max",
		"net.core.wmem_max",
	};
	char line[256];
	struct step s;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_true(plan_sysctl_key_ok(ok[i]));
		snprintf(line, sizeof(line), "sysctl key=%s val=2 old=1 dev=-", ok[i]);
		assert_int_equal(plan_step_parse(line, &s), 0);
		assert_string_equal(s.u.sysctl.key, ok[i]);
	}
	for (size_t i = 0; i < sizeof(sneaky) / sizeof(sneaky[0]); i++) {
		if (plan_sysctl_key_ok(sneaky[i]))
			fail_msg("plan_sysctl_key_ok accepts '%s'", sneaky[i]);
		snprintf(line, sizeof(line), "sysctl key=%s val=1 old=0 dev=-", sneaky[i]);
		expect_reject(line);
	}
}

/* tune's values have spaces: they travel with commas, and come back with spaces. */
static void test_record_sysctl_spaces(void **state)
{
	struct step s;

	(void)state;
	step_sysctl(&s, "net.ipv4.tcp_rmem", "4096 131072 33554432", "4096 131072 6291456", "");
	roundtrip(&s, "sysctl key=net.ipv4.tcp_rmem val=4096,131072,33554432 "
		      "old=4096,131072,6291456 dev=-\n");
	assert_int_equal(plan_step_parse("sysctl key=net.core.wmem_max val=1,2 old=3,,4 dev=-", &s),
			 0);
	assert_string_equal(s.u.sysctl.val, "1 2");
	assert_string_equal(s.u.sysctl.old, "3  4");
}

static void test_record_overlong(void **state)
{
	char line[1200];
	struct step s;
	size_t n;

	(void)state;
	/* A valid line padded with spaces: fine below 512 bytes, rejected from 512. */
	n = (size_t)snprintf(line, sizeof(line), "rule src=10.1.0.2/32 table=100 pref=1000");
	memset(line + n, ' ', 511 - n);
	line[511] = '\0';
	assert_int_equal(plan_step_parse(line, &s), 0);
	line[511] = ' ';
	line[512] = '\0';
	expect_reject(line);
	memset(line + n, ' ', sizeof(line) - 1 - n);
	line[sizeof(line) - 1] = '\0';
	expect_reject(line);
	/* A key of 16 bytes, a value of 80: rejected (15 and 79 fit). */
	expect_reject("rule src=10.1.0.2/32 table=100 pref=1000 abcdefghijklmnop=1");
	assert_int_equal(
		plan_step_parse("rule src=10.1.0.2/32 table=100 pref=1000 abcdefghijklmno=1", &s),
		0);
	memset(line, 0, sizeof(line));
	n = (size_t)snprintf(line, sizeof(line), "rule src=10.1.0.2/32 table=100 pref=1000 x=");
	memset(line + n, 'v', 80);
	expect_reject(line);
	line[n + 79] = '\0';
	assert_int_equal(plan_step_parse(line, &s), 0);
	/* More than 8 key=value tokens. */
	expect_reject("rule src=10.1.0.2/32 table=100 pref=1000 a=1 b=2 c=3 d=4 e=5 f=6");
	assert_int_equal(
		plan_step_parse("rule src=10.1.0.2/32 table=100 pref=1000 a=1 b=2 c=3 d=4 e=5", &s),
		0);
	/* Text after the newline is not part of the line. */
	assert_int_equal(plan_step_parse("rule src=10.1.0.2/32 table=100 pref=1000\nbogus", &s), 0);
}

/* ---- plan_conf_parse ---- */

static int conf(const char *text, struct plan_req *r)
{
	memset(&e, 0, sizeof(e));
	return plan_conf_parse(text, strlen(text), r, &e);
}

/* -EINVAL with a message that starts with want. */
static void conf_fails(const char *text, size_t len, const char *want)
{
	struct plan_req r;

	memset(&e, 0, sizeof(e));
	assert_int_equal(plan_conf_parse(text, len, &r, &e), -EINVAL);
	if (strncmp(e.what, want, strlen(want)))
		fail_msg("'%s' does not start with '%s'", e.what, want);
}

#define CONF_FAILS(text, want) conf_fails(text, sizeof(text) - 1, want)

static void test_conf_valid(void **state)
{
	static const char text[] = "# mptcpctl setup file\n"
				   "; another comment\n"
				   "\n"
				   "[setup]\n"
				   "role = server\n"
				   "  table-base=200\n"
				   "rule-pref\t=\t2000  \n"
				   "rp-filter = loose\n"
				   "   # indented comment\n"
				   "[eno1]\n"
				   "\n"
				   "[ eno2 ]\n"
				   "flags = backup,fullmesh\n"
				   "[eno3]\n"
				   "flags = laminar\n"
				   "flags = backup\n";
	struct plan_req r;

	(void)state;
	assert_int_equal(conf(text, &r), 0);
	assert_int_equal(r.role, ROLE_SERVER);
	assert_int_equal(r.table_base, 200);
	assert_int_equal(r.rule_pref, 2000);
	assert_true(r.rp_loose);
	assert_int_equal(r.niface, 3);
	assert_string_equal(r.iface[0].name, "eno1");
	assert_int_equal(r.iface[0].flags, 0);
	assert_string_equal(r.iface[1].name, "eno2");
	assert_int_equal(r.iface[1].flags, MC_PM_FLAG_BACKUP | MC_PM_FLAG_FULLMESH);
	assert_string_equal(r.iface[2].name, "eno3");
	assert_int_equal(r.iface[2].flags, MC_PM_FLAG_LAMINAR | MC_PM_FLAG_BACKUP);

	/* Defaults: role both, ids chosen by the planner, rp_filter kept. */
	assert_int_equal(conf("[eno1]", &r), 0);
	assert_int_equal(r.role, ROLE_BOTH);
	assert_int_equal(r.table_base, 0);
	assert_int_equal(r.rule_pref, 0);
	assert_false(r.rp_loose);
	assert_int_equal(r.niface, 1);
	assert_int_equal(conf("[setup]\nrp-filter = keep\nrole=client\n[eno1]\n", &r), 0);
	assert_false(r.rp_loose);
	assert_int_equal(r.role, ROLE_CLIENT);
	/* The [setup] section may come last, or twice. */
	assert_int_equal(conf("[eno1]\n[setup]\nrole = client\n[setup]\ntable-base = 7\n", &r), 0);
	assert_int_equal(r.role, ROLE_CLIENT);
	assert_int_equal(r.table_base, 7);
	/* Limits of the numbers. */
	assert_int_equal(conf("[setup]\ntable-base = 2147483647\nrule-pref = 32765\n[eno1]\n", &r),
			 0);
	assert_int_equal(r.table_base, 2147483647U);
	assert_int_equal(r.rule_pref, 32765);
	/* Eight interfaces is the most. */
	assert_int_equal(conf("[a]\n[b]\n[c]\n[d]\n[e]\n[f]\n[g]\n[h]\n", &r), 0);
	assert_int_equal(r.niface, 8);
	/* The request it gives is planned like the command line's. */
	{
		assert_int_equal(conf("[setup]\nrole = client\n[eno2]\nflags = backup\n", &r), 0);
		build_ok(&r);
		assert_string_equal(cmd(&p.v[2]),
				    "ip mptcp endpoint add 10.2.0.2 id 1 dev eno2 subflow backup");
	}
}

static void test_conf_crlf(void **state)
{
	struct plan_req r;

	(void)state;
	assert_int_equal(conf("# c\r\n; c\r\n[setup]\r\nrole = client\r\nrule-pref = 10\r\n"
			      "[eno1]\r\nflags = backup\r\n\r\n[eno2]\r\n",
			      &r),
			 0);
	assert_int_equal(r.role, ROLE_CLIENT);
	assert_int_equal(r.rule_pref, 10);
	assert_int_equal(r.niface, 2);
	assert_string_equal(r.iface[0].name, "eno1");
	assert_int_equal(r.iface[0].flags, MC_PM_FLAG_BACKUP);
	assert_string_equal(r.iface[1].name, "eno2");
	/* Line numbers count CRLF lines once. */
	CONF_FAILS("[setup]\r\n\r\nrole = master\r\n[eno1]\r\n", "line 3: role 'master'");
}

static void test_conf_errors(void **state)
{
	char big[600];

	(void)state;
	CONF_FAILS("[setup]\nrole = master\n[eno1]\n",
		   "line 2: role 'master': use client, server or both");
	CONF_FAILS("# x\n[setup]\nmode = client\n[eno1]\n",
		   "line 3: unknown key 'mode' in [setup]");
	CONF_FAILS("[eno1]\n\nweight = 3\n", "line 3: unknown key 'weight' in [eno1] (flags)");
	CONF_FAILS("[eno1]\nflags = backup,turbo\n", "line 2: eno1: unknown flag 'turbo'");
	CONF_FAILS("[eno1]\nflags = signal\n", "line 2: eno1: unknown flag 'signal'");
	CONF_FAILS("role = client\n[eno1]\n", "line 1: 'role' outside a [section]");
	CONF_FAILS("\n\n; c\ntable-base = 100\n", "line 4: 'table-base' outside a [section]");
	CONF_FAILS("[eno1]\n[eno2]\n[eno1]\n", "line 3: [eno1] given twice");
	CONF_FAILS("[eno1]\n[ eno1 ]\n", "line 2: [eno1] given twice");
	CONF_FAILS("[setup]\n[eno1\n", "line 2: expected [section]");
	CONF_FAILS("[eno1] x\n", "line 1: expected [section]");
	CONF_FAILS("[eno1]]\n", "line 1: expected [section]");
	CONF_FAILS("[]\n", "line 1: '' is not an interface name");
	CONF_FAILS("[eno 1]\n", "line 1: 'eno 1' is not an interface name");
	CONF_FAILS("[eno1,backup]\n", "line 1: 'eno1,backup' is not an interface name");
	CONF_FAILS("[a-name-of-sixteen]\n", "line 1: 'a-name-of-sixteen' is not an interface name");
	CONF_FAILS("[eno1]\nflags backup\n", "line 2: expected key = value");
	CONF_FAILS("[eno1]\nfl\0ags = backup\n", "line 2: NUL byte");
	CONF_FAILS("[eno1]\n\0", "line 2: NUL byte");
	CONF_FAILS("[setup]\ntable-base = 254\n[eno1]\n",
		   "line 2: table-base '254': not a usable table id");
	CONF_FAILS("[setup]\ntable-base = 253\n[eno1]\n", "line 2: table-base '253'");
	CONF_FAILS("[setup]\ntable-base = 255\n[eno1]\n", "line 2: table-base '255'");
	CONF_FAILS("[setup]\ntable-base = 0\n[eno1]\n", "line 2: table-base '0'");
	CONF_FAILS("[setup]\ntable-base = 2147483648\n[eno1]\n", "line 2: table-base '2147483648'");
	CONF_FAILS("[setup]\ntable-base = -1\n[eno1]\n", "line 2: table-base '-1'");
	CONF_FAILS("[setup]\ntable-base = 1O0\n[eno1]\n", "line 2: table-base '1O0'");
	CONF_FAILS("[setup]\ntable-base =\n[eno1]\n", "line 2: table-base ''");
	CONF_FAILS("[setup]\nrule-pref = 0\n[eno1]\n", "line 2: rule-pref '0': expected 1-32765");
	CONF_FAILS("[setup]\nrule-pref = 32766\n[eno1]\n", "line 2: rule-pref '32766'");
	CONF_FAILS("[setup]\nrp-filter = strict\n[eno1]\n",
		   "line 2: rp-filter 'strict': use loose or keep");
	CONF_FAILS("[a]\n[b]\n[c]\n[d]\n[e]\n[f]\n[g]\n[h]\n[i]\n",
		   "line 9: more than 8 interfaces");
	CONF_FAILS("", "line 0 (end of file): no interface section");
	CONF_FAILS("# only\n[setup]\nrole = client\n",
		   "line 3 (end of file): no interface section");

	/* A line of 255 bytes is fine, 256 is too long (the line number is still right). */
	memset(big, 0, sizeof(big));
	strcpy(big, "[eno1]\n#\n");
	memset(big + strlen(big), '#', 255);
	strcat(big, "\n[eno2]\n");
	{
		struct plan_req r;

		assert_int_equal(conf(big, &r), 0);
		assert_int_equal(r.niface, 2);
	}
	memset(big, 0, sizeof(big));
	strcpy(big, "[eno1]\n#\n");
	memset(big + strlen(big), '#', 256);
	strcat(big, "\n[eno2]\n");
	conf_fails(big, strlen(big), "line 3: too long");
	/* ... also as the last line, without a newline. */
	memset(big, 0, sizeof(big));
	strcpy(big, "[eno1]\n");
	memset(big + strlen(big), ' ', 300);
	conf_fails(big, strlen(big), "line 2: too long");
	/* An overlong flags value. */
	memset(big, 0, sizeof(big));
	strcpy(big, "[eno1]\nflags = ");
	memset(big + strlen(big), 'b', 200);
	conf_fails(big, strlen(big), "line 2: ");
}

/* len, not the NUL, ends the text; a partial last line is still a line. */
static void test_conf_len(void **state)
{
	static const char text[] = "[eno1]\n[eno2]\n";
	struct plan_req r;

	(void)state;
	memset(&e, 0, sizeof(e));
	assert_int_equal(plan_conf_parse(text, 7, &r, &e), 0);
	assert_int_equal(r.niface, 1);
	assert_int_equal(plan_conf_parse(text, 13, &r, &e), 0);
	assert_int_equal(r.niface, 2);
	assert_int_equal(plan_conf_parse(text, 0, &r, &e), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_role_client, base_state),
		cmocka_unit_test_setup(test_role_server_both_flags, base_state),
		cmocka_unit_test_setup(test_server_limits, base_state),
		cmocka_unit_test_setup(test_limits_never_lowered, base_state),
		cmocka_unit_test_setup(test_table_pref_skip_used, base_state),
		cmocka_unit_test_setup(test_explicit_base_in_use, base_state),
		cmocka_unit_test_setup(test_existing_rule_reused, base_state),
		cmocka_unit_test_setup(test_default_route_via_gateway, base_state),
		cmocka_unit_test_setup(test_idempotent, base_state),
		cmocka_unit_test_setup(test_endpoint_conflict, base_state),
		cmocka_unit_test_setup(test_implicit_endpoint_replaced, base_state),
		cmocka_unit_test_setup(test_too_many_endpoints, base_state),
		cmocka_unit_test_setup(test_bad_interfaces, base_state),
		cmocka_unit_test_setup(test_laminar, base_state),
		cmocka_unit_test_setup(test_rp_filter_strict, base_state),
		cmocka_unit_test_setup(test_mptcp_disabled, base_state),
		cmocka_unit_test_setup(test_role_iface_parse, base_state),
		cmocka_unit_test_setup(test_inverse, base_state),
		cmocka_unit_test_setup(test_inverse_of_plan, base_state),
		cmocka_unit_test_setup(test_record_roundtrip, base_state),
		cmocka_unit_test_setup(test_record_plan_roundtrip, base_state),
		cmocka_unit_test_setup(test_record_serialize_limits, base_state),
		cmocka_unit_test_setup(test_record_missing_keys, base_state),
		cmocka_unit_test_setup(test_record_rejects, base_state),
		cmocka_unit_test_setup(test_record_sysctl_keys, base_state),
		cmocka_unit_test_setup(test_record_sysctl_spaces, base_state),
		cmocka_unit_test_setup(test_record_overlong, base_state),
		cmocka_unit_test_setup(test_conf_valid, base_state),
		cmocka_unit_test_setup(test_conf_crlf, base_state),
		cmocka_unit_test_setup(test_conf_errors, base_state),
		cmocka_unit_test_setup(test_conf_len, base_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
