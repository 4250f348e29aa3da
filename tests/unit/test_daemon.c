// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's decisions without a kernel (src/daemon/decide.c, daemon.c):
 * a hand-made namespace, what the daemon owns, and the steps it decides, read
 * through the ip(8) line each prints as; the event classifier on golden
 * rtnetlink bytes; the record's id lines.
 *
 * The namespace: lo 1, eno1 2 (10.0.0.1/24), eno2 3 (192.168.0.1/24), both up
 * with carrier; the daemon owns, per address, a table route, a rule and an
 * endpoint (ids 1 and 3); limits 2/2; net.mptcp.enabled 1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "daemon/daemon.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

static struct plan_state st;
static struct plan owned;
static struct dmn_ids ids;
static struct dmn_actions act;
static struct plan_req req;
static struct mc_err e;

static void pfx(const char *s, struct mc_prefix *out)
{
	assert_int_equal(mc_prefix_parse(s, out), 0);
}

static void link_add(int ifindex, const char *name, unsigned flags)
{
	struct rt_link *l = &st.links[st.nlinks++];

	l->ifindex = ifindex;
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->flags = flags;
}

static void addr_add(int ifindex, const char *p)
{
	struct rt_addr *a = &st.addrs[st.naddrs++];

	a->ifindex = ifindex;
	pfx(p, &a->p);
	a->scope = RT_SCOPE_UNIVERSE;
}

/* What the daemon applies for one address, owned and present in st. */
static void path_add(const char *addr, const char *subnet, int ifindex, const char *dev,
		     uint32_t table, uint8_t id, uint32_t flags)
{
	struct step s;

	memset(&s, 0, sizeof(s));
	snprintf(s.ifname, sizeof(s.ifname), "%s", dev);
	s.op = OP_ROUTE_ADD;
	pfx(subnet, &s.u.route.dst);
	s.u.route.table = table;
	s.u.route.oif = ifindex;
	s.u.route.scope = RT_SCOPE_LINK;
	s.u.route.protocol = RTPROT_STATIC;
	s.u.route.has_prefsrc = true;
	pfx(addr, &s.u.route.prefsrc);
	owned.v[owned.n++] = s;
	st.routes[st.nroutes++] = s.u.route;
	memset(&s.u, 0, sizeof(s.u));
	s.op = OP_RULE_ADD;
	s.u.rule.family = AF_INET;
	s.u.rule.has_src = true;
	pfx(addr, &s.u.rule.src);
	s.u.rule.table = table;
	s.u.rule.priority = 1000 + table - 100;
	owned.v[owned.n++] = s;
	st.rules[st.nrules++] = s.u.rule;
	memset(&s.u, 0, sizeof(s.u));
	s.op = OP_ENDPOINT_ADD;
	pfx(addr, &s.u.ep.addr);
	s.u.ep.id = id;
	s.u.ep.flags = flags;
	s.u.ep.ifindex = ifindex;
	owned.v[owned.n++] = s;
	st.endpoints[st.nendpoints++] = s.u.ep;
	dmn_ids_note(&ids, &s.u.ep.addr, id);
}

static int setup(void **state)
{
	(void)state;
	memset(&st, 0, sizeof(st));
	memset(&owned, 0, sizeof(owned));
	memset(&ids, 0, sizeof(ids));
	memset(&req, 0, sizeof(req));
	memset(&e, 0, sizeof(e));
	link_add(1, "lo", IFF_UP | IFF_LOOPBACK | IFF_LOWER_UP);
	link_add(2, "eno1", IFF_UP | IFF_LOWER_UP);
	link_add(3, "eno2", IFF_UP | IFF_LOWER_UP);
	addr_add(2, "10.0.0.1/24");
	addr_add(3, "192.168.0.1/24");
	st.addrs[st.naddrs].ifindex = 1;
	pfx("127.0.0.1/8", &st.addrs[st.naddrs].p);
	st.addrs[st.naddrs++].scope = RT_SCOPE_HOST;
	path_add("10.0.0.1/32", "10.0.0.0/24", 2, "eno1", 100, 1, MC_PM_FLAG_SUBFLOW);
	path_add("192.168.0.1/32", "192.168.0.0/24", 3, "eno2", 102, 3, MC_PM_FLAG_SUBFLOW);
	st.limits.subflows = 2;
	st.limits.add_addr_accepted = 2;
	snprintf(st.mptcp_enabled, sizeof(st.mptcp_enabled), "1");
	req.role = ROLE_CLIENT;
	req.niface = 2;
	snprintf(req.iface[0].name, IF_NAMESIZE, "eno1");
	snprintf(req.iface[1].name, IF_NAMESIZE, "eno2");
	return 0;
}

static struct rt_link *link_named(const char *name)
{
	for (int i = 0; i < st.nlinks; i++)
		if (!strcmp(st.links[i].name, name))
			return &st.links[i];
	fail();
	return NULL;
}

/* The steps of a plan as "line\n..." for one comparison. */
static const char *lines(const struct plan *p)
{
	static char buf[8192];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < p->n; i++) {
		char c[256];

		plan_step_cmd(&p->v[i], c, sizeof(c));
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\n", c);
	}
	return buf;
}

static void decide(void)
{
	assert_int_equal(dmn_decide(&req, &st, &owned, &ids, &act, &e), 0);
}

static void test_steady_state(void **state)
{
	(void)state;
	decide();
	assert_int_equal(act.rm.n, 0);
	assert_int_equal(act.add.n, 0);
	assert_int_equal(act.nskipped, 0);
}

static void test_carrier_lost_withdraws_endpoint(void **state)
{
	(void)state;
	link_named("eno1")->flags &= ~IFF_LOWER_UP;
	decide();
	/* The endpoint and the first subflows from its address; rule and route stay. */
	assert_string_equal(lines(&act.rm), "ip mptcp endpoint delete id 1\n"
					    "ip mptcp endpoint delete id 0\n");
	assert_true(act.rm.v[1].u.ep.id == 0);
	assert_int_equal(act.rm.v[1].u.ep.addr.family, AF_INET);
	assert_string_equal(act.rm_why[0], "eno1 is without carrier");
	assert_int_equal(act.add.n, 0);
}

static void test_admin_down_withdraws(void **state)
{
	(void)state;
	link_named("eno2")->flags &= ~(unsigned)IFF_UP;
	decide();
	assert_string_equal(lines(&act.rm), "ip mptcp endpoint delete id 3\n"
					    "ip mptcp endpoint delete id 0\n");
	assert_string_equal(act.rm_why[0], "eno2 is down");
}

static void test_address_gone_removes_everything(void **state)
{
	(void)state;
	st.naddrs = 0;
	addr_add(3, "192.168.0.1/24");
	decide();
	assert_string_equal(lines(&act.rm),
			    "ip mptcp endpoint delete id 1\n"
			    "ip mptcp endpoint delete id 0\n"
			    "ip route del 10.0.0.0/24 dev eno1 scope link src 10.0.0.1 table 100 "
			    "proto static\n"
			    "ip rule del from 10.0.0.1 lookup 100 pref 1000\n");
	assert_string_equal(act.rm_why[3], "address 10.0.0.1 is gone");
	assert_int_equal(act.add.n, 0);
}

/* After a link came back: the kernel lost the table route, the endpoint was withdrawn. */
static void test_link_back_same_id(void **state)
{
	(void)state;
	st.nroutes = 1; /* only eno1's route is left */
	st.endpoints[1] = st.endpoints[0];
	st.nendpoints = 1;
	owned.n = 3; /* what the daemon still owns: eno1's three */
	/* another endpoint now holds id 2, so setup's planner would choose... 2 → 4; memory: 3 */
	st.endpoints[st.nendpoints].id = 2;
	pfx("10.9.9.9", &st.endpoints[st.nendpoints++].addr);
	decide();
	assert_int_equal(act.rm.n, 0);
	assert_string_equal(lines(&act.add),
			    "ip route add 192.168.0.0/24 dev eno2 scope link src 192.168.0.1 table "
			    "102 proto static\n"
			    "ip mptcp endpoint add 192.168.0.1 id 3 dev eno2 subflow\n");
}

static void test_new_address_avoids_remembered_ids(void **state)
{
	(void)state;
	/* eno1's endpoint is withdrawn (link down); a new address on eno2 appears. */
	st.endpoints[0] = st.endpoints[1];
	st.nendpoints = 1;
	link_named("eno1")->flags &= ~IFF_LOWER_UP;
	owned.n = 0;
	for (int i = 0; i < 6; i++)
		if (i != 2)
			owned.v[owned.n++] = owned.v[i];
	addr_add(3, "192.168.0.7/24");
	decide();
	assert_int_equal(act.rm.n, 0);
	/* planner's lowest free id would be 1 (eno1's, withdrawn): 2 is nobody's */
	assert_string_equal(lines(&act.add),
			    "ip route add 192.168.0.0/24 dev eno2 scope link src 192.168.0.7 table "
			    "101 proto static\n"
			    "ip rule add from 192.168.0.7 lookup 101 pref 1001\n"
			    "ip mptcp endpoint add 192.168.0.7 id 2 dev eno2 subflow\n"
			    "ip mptcp limits set subflow 3 add_addr_accepted 3\n");
}

static void test_policy_backup_replaces_endpoint(void **state)
{
	(void)state;
	req.iface[1].flags = MC_PM_FLAG_BACKUP;
	decide();
	assert_string_equal(lines(&act.rm), "ip mptcp endpoint delete id 3\n");
	assert_string_equal(act.rm_why[0], "eno2: the policy changed");
	assert_string_equal(lines(&act.add),
			    "ip mptcp endpoint add 192.168.0.1 id 3 dev eno2 subflow backup\n");
}

static void test_policy_ignore_removes_path(void **state)
{
	(void)state;
	req.iface[1].policy = PLAN_POLICY_IGNORE;
	decide();
	assert_string_equal(lines(&act.rm),
			    "ip mptcp endpoint delete id 3\n"
			    "ip mptcp endpoint delete id 0\n"
			    "ip route del 192.168.0.0/24 dev eno2 scope link src 192.168.0.1 table "
			    "102 proto static\n"
			    "ip rule del from 192.168.0.1 lookup 102 pref 1002\n");
	assert_int_equal(act.add.n, 0);
}

static void test_foreign_endpoint_is_skipped_not_fatal(void **state)
{
	(void)state;
	/* Someone else's endpoint for a new address, with other flags: that path is
	 * reported, the others still planned. */
	addr_add(3, "192.168.0.7/24");
	st.endpoints[st.nendpoints].id = 9;
	pfx("192.168.0.7", &st.endpoints[st.nendpoints].addr);
	st.endpoints[st.nendpoints++].flags = MC_PM_FLAG_SIGNAL;
	addr_add(2, "10.0.0.5/24");
	decide();
	assert_int_equal(act.nskipped, 1);
	assert_non_null(strstr(act.skipped[0], "endpoint 192.168.0.7 (id 9) exists"));
	assert_non_null(strstr(lines(&act.add), "ip mptcp endpoint add 10.0.0.5 id 2 dev eno1"));
}

static void test_auto_mode(void **state)
{
	(void)state;
	req.niface = 1;
	req.auto_ifaces = true;
	snprintf(req.iface[0].name, IF_NAMESIZE, "eno2");
	req.iface[0].policy = PLAN_POLICY_IGNORE;
	decide();
	/* eno2 ignored: its path goes; eno1 (auto) stays; lo is never a path. */
	assert_int_equal(act.rm.n, 4);
	assert_int_equal(act.rm.v[0].u.ep.id, 3);
	assert_int_equal(act.add.n, 0);
}

static void test_owned_apply_and_prune(void **state)
{
	struct step d;

	(void)state;
	plan_step_inverse(&owned.v[2], &d); /* endpoint id 1 */
	dmn_owned_apply(&owned, &d);
	assert_int_equal(owned.n, 5);
	dmn_owned_apply(&owned, &owned.v[0]); /* adding what is owned: no duplicate */
	assert_int_equal(owned.n, 5);
	d.u.ep.id = 0; /* id 0 removal owns nothing */
	dmn_owned_apply(&owned, &d);
	assert_int_equal(owned.n, 5);
	st.nroutes = 0; /* the kernel dropped the routes (link down) */
	dmn_owned_prune(&owned, &st);
	assert_int_equal(owned.n, 3);
	for (int i = 0; i < owned.n; i++)
		assert_int_not_equal(owned.v[i].op, OP_ROUTE_ADD);
}

static void test_ids_lines(void **state)
{
	struct mc_prefix p;
	uint8_t id;

	(void)state;
	assert_int_equal(dmn_ids_line_parse("# id 10.0.0.1 7\n", &p, &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(dmn_ids_line_parse("# id fd00:0:0:1::1 255", &p, &id), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(dmn_ids_line_parse("# id 10.0.0.1 0\n", &p, &id), -EINVAL);
	assert_int_equal(dmn_ids_line_parse("# id 10.0.0.1 256\n", &p, &id), -EINVAL);
	assert_int_equal(dmn_ids_line_parse("# id 10.0.0.0/24 3\n", &p, &id), -EINVAL);
	assert_int_equal(dmn_ids_line_parse("# id 10.0.0.1 3 x\n", &p, &id), -EINVAL);
	assert_int_equal(dmn_ids_line_parse("# mptcpctl daemon (pid 1)\n", &p, &id), -EINVAL);
	assert_int_equal(dmn_ids_line_parse("# id nonsense 3\n", &p, &id), -EINVAL);
	/* memory: the newest wins, the oldest is forgotten when full */
	memset(&ids, 0, sizeof(ids));
	for (int i = 0; i < DMN_MAX_IDS + 1; i++) {
		char a[32];

		snprintf(a, sizeof(a), "10.1.0.%d", i + 1);
		pfx(a, &p);
		dmn_ids_note(&ids, &p, (uint8_t)(i + 1));
	}
	assert_int_equal(ids.n, DMN_MAX_IDS);
	pfx("10.1.0.1", &p);
	assert_int_equal(dmn_ids_find(&ids, &p), -1);
	pfx("10.1.0.33", &p);
	assert_int_equal(dmn_ids_find(&ids, &p), 33);
}

/*
 * Golden rtnetlink notifications, written by hand to the kernel's layout
 * (nlmsghdr, ifinfomsg/ifaddrmsg, attributes): RTM_NEWLINK for eno1 (index 2)
 * up with carrier, then edited into up without it and down; RTM_DELADDR of
 * 10.0.0.11/24; then malformed variants.
 */
static const uint8_t newlink_up[] = {
	0x2c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, /* nlmsghdr: len 44, RTM_NEWLINK */
	0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x43, 0x10, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, /* ifinfomsg: ARPHRD_ETHER, index 2,
				   UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP */
	0x09, 0x00, 0x03, 0x00, 'e',  'n',  'o',  '1',	0x00, 0x00, 0x00, 0x00, /* IFLA_IFNAME */
};
static const uint8_t delpaddr[] = {
	0x28, 0x00, 0x00, 0x00, 0x15, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* nlmsghdr: len 40, RTM_DELADDR */
	0x02, 0x18, 0x80, 0x00, 0x02, 0x00, 0x00, 0x00, /* ifaddrmsg: AF_INET /24 permanent eno1 */
	0x08, 0x00, 0x01, 0x00, 10,   0,    0,	  11, /* IFA_ADDRESS */
	0x08, 0x00, 0x02, 0x00, 10,   0,    0,	  11, /* IFA_LOCAL */
};

static void test_classify_golden(void **state)
{
	uint8_t buf[64];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;

	(void)state;
	memcpy(buf, newlink_up, sizeof(newlink_up));
	assert_int_equal(dmn_rtnl_classify(h, sizeof(newlink_up)), DMN_EV_CHANGE);
	buf[26] = 0x00; /* ifi_flags without IFF_LOWER_UP (0x10000): the carrier is gone */
	assert_int_equal(dmn_rtnl_classify(h, sizeof(newlink_up)), DMN_EV_URGENT);
	buf[16 + 8] = 0x02; /* UP cleared, BROADCAST left */
	assert_int_equal(dmn_rtnl_classify(h, sizeof(newlink_up)), DMN_EV_URGENT);
	/* truncated: the length says more than there is */
	assert_int_equal(dmn_rtnl_classify(h, sizeof(newlink_up) - 4), DMN_EV_NONE);
	/* an attribute longer than its message: malformed, ignored (the re-read covers it) */
	memcpy(buf, newlink_up, sizeof(newlink_up));
	buf[32] = 0x10;
	assert_int_equal(dmn_rtnl_classify(h, sizeof(newlink_up)), DMN_EV_NONE);

	memcpy(buf, delpaddr, sizeof(delpaddr));
	assert_int_equal(dmn_rtnl_classify(h, sizeof(delpaddr)), DMN_EV_URGENT);
	h->nlmsg_len = 20; /* too short for its ifaddrmsg */
	assert_int_equal(dmn_rtnl_classify(h, 20), DMN_EV_NONE);
	h->nlmsg_len = sizeof(delpaddr);
	h->nlmsg_type = RTM_NEWROUTE;
	assert_int_equal(dmn_rtnl_classify(h, sizeof(delpaddr)), DMN_EV_CHANGE);
	h->nlmsg_type = RTM_NEWNEIGH;
	assert_int_equal(dmn_rtnl_classify(h, sizeof(delpaddr)), DMN_EV_NONE);
	assert_int_equal(dmn_rtnl_classify(h, 8), DMN_EV_NONE);
}

static void test_link_usable(void **state)
{
	struct rt_link l = { .flags = IFF_UP | IFF_LOWER_UP };

	(void)state;
	assert_true(dmn_link_usable(&l));
	l.flags = IFF_UP;
	assert_false(dmn_link_usable(&l));
	l.flags = IFF_LOWER_UP;
	assert_false(dmn_link_usable(&l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_steady_state, setup),
		cmocka_unit_test_setup(test_carrier_lost_withdraws_endpoint, setup),
		cmocka_unit_test_setup(test_admin_down_withdraws, setup),
		cmocka_unit_test_setup(test_address_gone_removes_everything, setup),
		cmocka_unit_test_setup(test_link_back_same_id, setup),
		cmocka_unit_test_setup(test_new_address_avoids_remembered_ids, setup),
		cmocka_unit_test_setup(test_policy_backup_replaces_endpoint, setup),
		cmocka_unit_test_setup(test_policy_ignore_removes_path, setup),
		cmocka_unit_test_setup(test_foreign_endpoint_is_skipped_not_fatal, setup),
		cmocka_unit_test_setup(test_auto_mode, setup),
		cmocka_unit_test_setup(test_owned_apply_and_prune, setup),
		cmocka_unit_test_setup(test_ids_lines, setup),
		cmocka_unit_test(test_classify_golden),
		cmocka_unit_test(test_link_usable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
