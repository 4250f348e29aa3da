// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * doctor_check() without a kernel (src/doctor/checks.c): a struct dr_input
 * written by hand, every check id asserted healthy and in each broken form,
 * with the exact fix command. doctor_gather() and tune_plan() read sysctls
 * and are left to the integration tests.
 *
 * The hand-made host (healthy):
 *   eno1 ifindex 2, eno2 ifindex 3, both IFF_UP
 *   eno1: 10.0.0.1/24, fd00::1/64; eno2: 192.168.0.1/24
 *   endpoints: id 1 10.0.0.1 subflow dev eno1 (st.endpoints[0]),
 *              id 2 192.168.0.1 signal dev eno2 (st.endpoints[1])
 *   route lookups: from each endpoint, out by its own interface
 *   limits subflows 2 add_addr_accepted 2; net.mptcp.enabled 1
 *   pm_type 0, scheduler "default", blackhole_timeout 3600, no counters
 *   rp_filter 2 on both, all 0; no rival manager; 1 MPTCP listener
 *   tcp_rmem max 6291456, tcp_wmem max 4194304; no shaped rate; rtt 1ms
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "doctor/doctor.h"

static struct dr_input in;
static struct dr_report rep;

/* ---- building the input ---- */

static void add_link(int ifindex, const char *name, int rp_filter)
{
	struct rt_link *l = &in.st.links[in.st.nlinks];

	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->flags = IFF_UP;
	in.st.rp_filter[in.st.nlinks++] = rp_filter;
}

static void add_addr(int ifindex, const char *prefix)
{
	struct rt_addr *a = &in.st.addrs[in.st.naddrs++];

	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	assert_int_equal(mc_prefix_parse(prefix, &a->p), 0);
}

/* Returns the endpoint's index in st.endpoints[] (and so in lookup[]). */
static int add_ep(uint8_t id, const char *addr, uint32_t flags, int ifindex)
{
	struct pm_endpoint *ep = &in.st.endpoints[in.st.nendpoints];

	memset(ep, 0, sizeof(*ep));
	ep->id = id;
	assert_int_equal(mc_prefix_parse(addr, &ep->addr), 0);
	ep->flags = flags;
	ep->ifindex = ifindex;
	return in.st.nendpoints++;
}

static void lookup(int i, bool done, int oif)
{
	in.lookup[i].done = done;
	in.lookup[i].oif = oif;
}

static int healthy(void **state)
{
	(void)state;
	memset(&in, 0, sizeof(in));
	memset(&rep, 0x5a, sizeof(rep)); /* doctor_check must clear it */
	in.upstream = true;
	add_link(2, "eno1", 2);
	add_link(3, "eno2", 2);
	in.st.rp_filter_all = 0;
	add_addr(2, "10.0.0.1/24");
	add_addr(2, "fd00::1/64");
	add_addr(3, "192.168.0.1/24");
	lookup(add_ep(1, "10.0.0.1", MC_PM_FLAG_SUBFLOW, 2), true, 2);
	lookup(add_ep(2, "192.168.0.1", MC_PM_FLAG_SIGNAL, 3), true, 3);
	in.st.limits.subflows = 2;
	in.st.limits.add_addr_accepted = 2;
	snprintf(in.st.mptcp_enabled, sizeof(in.st.mptcp_enabled), "1");
	snprintf(in.pm_type, sizeof(in.pm_type), "0");
	snprintf(in.scheduler, sizeof(in.scheduler), "default");
	snprintf(in.blackhole_timeout, sizeof(in.blackhole_timeout), "3600");
	in.listeners = 1;
	in.tcp_rmem_max = 6291456;
	in.tcp_wmem_max = 4194304;
	in.rmem_max = in.wmem_max = 212992;
	in.rtt_us = 1000;
	return 0;
}

/* ---- checking the report ---- */

static void dump(void)
{
	for (int i = 0; i < rep.n; i++)
		print_error("  %d: %-5s %-26s %s | fix: %s\n", i, dr_status_name(rep.r[i].status),
			    rep.r[i].id, rep.r[i].msg, rep.r[i].fix);
}

/* Runs the checks; the counts must add up and agree with the statuses. */
static void check(void)
{
	int ok = 0, warn = 0, fail = 0;

	doctor_check(&in, &rep);
	assert_in_range(rep.n, 0, DR_MAX_RESULTS);
	for (int i = 0; i < rep.n; i++) {
		const struct dr_result *r = &rep.r[i];

		assert_non_null(r->id);
		assert_true(r->msg[0] != '\0');
		if (r->status == DR_OK) {
			ok++;
			assert_string_equal(r->fix, ""); /* ok: nothing to fix */
		} else if (r->status == DR_WARN) {
			warn++;
		} else {
			assert_int_equal(r->status, DR_FAIL);
			fail++;
		}
	}
	assert_int_equal(rep.nok + rep.nwarn + rep.nfail, rep.n);
	assert_int_equal(rep.nok, ok);
	assert_int_equal(rep.nwarn, warn);
	assert_int_equal(rep.nfail, fail);
}

static int count(const char *id)
{
	int c = 0;

	for (int i = 0; i < rep.n; i++)
		c += !strcmp(rep.r[i].id, id);
	return c;
}

/* The nth (0-based) result with that id. */
static const struct dr_result *nth(const char *id, int k)
{
	for (int i = 0, seen = 0; i < rep.n; i++)
		if (!strcmp(rep.r[i].id, id) && seen++ == k)
			return &rep.r[i];
	print_error("no result '%s' (#%d) in:\n", id, k);
	dump();
	fail();
	return NULL;
}

/* The only result with that id, with that status and fix (NULL: no fix). */
static const struct dr_result *expect(const char *id, enum dr_status st, const char *fix)
{
	const struct dr_result *r;

	if (count(id) != 1) {
		print_error("%d results '%s', want 1:\n", count(id), id);
		dump();
	}
	assert_int_equal(count(id), 1);
	r = nth(id, 0);
	if (r->status != st)
		print_error("%s: %s, want %s (%s)\n", id, dr_status_name(r->status),
			    dr_status_name(st), r->msg);
	assert_int_equal(r->status, st);
	assert_string_equal(r->fix, fix ? fix : "");
	return r;
}

static void expect_msg(const struct dr_result *r, const char *msg)
{
	assert_string_equal(r->msg, msg);
}

static void expect_in_msg(const struct dr_result *r, const char *part)
{
	if (!strstr(r->msg, part))
		fail_msg("%s: '%s' does not contain '%s'", r->id, r->msg, part);
}

#define EXPECT_IDS(...)                                                     \
	do {                                                                \
		static const char *const want_[] = { __VA_ARGS__ };         \
		expect_ids(want_, (int)(sizeof(want_) / sizeof(want_[0]))); \
	} while (0)

static void expect_ids(const char *const *want, int n)
{
	if (rep.n != n)
		dump();
	assert_int_equal(rep.n, n);
	for (int i = 0; i < n; i++) {
		if (strcmp(rep.r[i].id, want[i]))
			dump();
		assert_string_equal(rep.r[i].id, want[i]);
	}
}

/* ---- the healthy host ---- */

static void test_healthy(void **state)
{
	(void)state;
	check();
	EXPECT_IDS("mptcp.implementation", "mptcp.enabled", "mptcp.path_manager", "mptcp.scheduler",
		   "endpoint.address", "routing.source", "endpoint.address", "routing.source",
		   "limits.subflows", "limits.add_addr_accepted", "mptcp.blackhole",
		   "manager.rival", "tcp.buffers");
	assert_int_equal(rep.nok, 13);
	assert_int_equal(rep.nwarn, 0);
	assert_int_equal(rep.nfail, 0);
	expect_msg(expect("mptcp.implementation", DR_OK, NULL),
		   "upstream MPTCP (net.mptcp.enabled exists)");
	expect_msg(expect("mptcp.enabled", DR_OK, NULL), "MPTCP is enabled in this namespace");
	expect_msg(expect("mptcp.path_manager", DR_OK, NULL), "path manager: in-kernel");
	expect_msg(expect("mptcp.scheduler", DR_OK, NULL), "packet scheduler: default");
	expect_msg(nth("endpoint.address", 0), "endpoint 10.0.0.1 (id 1, subflow) on eno1");
	expect_msg(nth("endpoint.address", 1), "endpoint 192.168.0.1 (id 2, signal) on eno2");
	expect_msg(nth("routing.source", 0), "from 10.0.0.1, traffic leaves by eno1");
	expect_msg(nth("routing.source", 1), "from 192.168.0.1, traffic leaves by eno2");
	expect_msg(expect("limits.subflows", DR_OK, NULL), "subflows limit 2");
	expect_msg(expect("limits.add_addr_accepted", DR_OK, NULL), "add_addr_accepted 2");
	expect_msg(expect("mptcp.blackhole", DR_OK, NULL), "no MPTCP blackhole detected");
	expect_msg(expect("manager.rival", DR_OK, NULL), "no other MPTCP manager runs here");
	expect_msg(expect("tcp.buffers", DR_OK, NULL),
		   "TCP buffers: tcp_rmem max 6291456, tcp_wmem max 4194304 (no shaped rate to "
		   "compare; see mptcpctl tune)");
	/* Healthy: none of the broken-only ids. */
	assert_int_equal(count("endpoint.dev"), 0);
	assert_int_equal(count("endpoint.link"), 0);
	assert_int_equal(count("endpoint.fullmesh"), 0);
	assert_int_equal(count("endpoint.none"), 0);
	assert_int_equal(count("endpoint.signal"), 0);
	assert_int_equal(count("routing.rp_filter"), 0);
}

/* The same input gives the same report: pure, and rep fully rewritten. */
static void test_pure(void **state)
{
	static struct dr_report first;

	(void)state;
	in.st.limits.subflows = 0;
	in.blackhole = 3;
	check();
	first = rep;
	memset(&rep, 0xa5, sizeof(rep));
	check();
	assert_int_equal(rep.n, first.n);
	assert_int_equal(rep.nok, first.nok);
	assert_int_equal(rep.nwarn, first.nwarn);
	assert_int_equal(rep.nfail, first.nfail);
	for (int i = 0; i < rep.n; i++) {
		assert_string_equal(rep.r[i].id, first.r[i].id);
		assert_int_equal(rep.r[i].status, first.r[i].status);
		assert_string_equal(rep.r[i].msg, first.r[i].msg);
		assert_string_equal(rep.r[i].fix, first.r[i].fix);
	}
}

/* ---- mptcp.* ---- */

static void test_impl_out_of_tree(void **state)
{
	const struct dr_result *r;

	(void)state;
	in.upstream = false;
	in.out_of_tree = true;
	check();
	/* Not upstream: nothing else is checked. */
	EXPECT_IDS("mptcp.implementation");
	r = expect("mptcp.implementation", DR_FAIL, "boot an upstream kernel (5.6 or later)");
	expect_in_msg(r, "multipath-tcp.org");
	expect_in_msg(r, "net.mptcp.mptcp_enabled");
	assert_int_equal(rep.nfail, 1);
	assert_int_equal(rep.nok + rep.nwarn, 0);
}

static void test_impl_none(void **state)
{
	(void)state;
	in.upstream = false;
	in.out_of_tree = false;
	check();
	EXPECT_IDS("mptcp.implementation");
	expect_msg(expect("mptcp.implementation", DR_FAIL,
			  "boot a kernel built with CONFIG_MPTCP (Linux 5.6 or later)"),
		   "this kernel has no MPTCP (net.mptcp.enabled is missing)");
	assert_int_equal(rep.nfail, 1);
}

static void test_enabled(void **state)
{
	(void)state;
	snprintf(in.st.mptcp_enabled, sizeof(in.st.mptcp_enabled), "0");
	check();
	expect_msg(expect("mptcp.enabled", DR_FAIL, "sysctl -w net.mptcp.enabled=1"),
		   "MPTCP is disabled in this network namespace: MPTCP sockets cannot be "
		   "created");
	assert_int_equal(rep.nfail, 1);
	/* Unreadable counts as disabled. */
	in.st.mptcp_enabled[0] = '\0';
	check();
	expect("mptcp.enabled", DR_FAIL, "sysctl -w net.mptcp.enabled=1");
}

static void test_path_manager(void **state)
{
	(void)state;
	/* Userspace path manager, nobody running it. */
	snprintf(in.pm_type, sizeof(in.pm_type), "1");
	check();
	expect_msg(expect("mptcp.path_manager", DR_WARN, "sysctl -w net.mptcp.pm_type=0"),
		   "the userspace path manager is selected but no mptcpd runs: no extra "
		   "subflows");
	/* NetworkManager is not a userspace path manager either. */
	in.rival = "NetworkManager";
	check();
	expect("mptcp.path_manager", DR_WARN, "sysctl -w net.mptcp.pm_type=0");
	/* With mptcpd. */
	in.rival = "mptcpd";
	check();
	expect_msg(expect("mptcp.path_manager", DR_OK, NULL), "path manager: userspace (mptcpd)");
	/* No pm_type sysctl (before 6.7): in-kernel. */
	in.rival = NULL;
	in.pm_type[0] = '\0';
	check();
	expect_msg(expect("mptcp.path_manager", DR_OK, NULL), "path manager: in-kernel");
}

static void test_scheduler(void **state)
{
	(void)state;
	snprintf(in.scheduler, sizeof(in.scheduler), "burst");
	check();
	expect_msg(expect("mptcp.scheduler", DR_OK, NULL), "packet scheduler: burst");
	in.scheduler[0] = '\0';
	check();
	expect_msg(expect("mptcp.scheduler", DR_OK, NULL), "packet scheduler: default");
}

/* ---- limits.* ---- */

static void test_limits_subflows_zero(void **state)
{
	(void)state;
	in.st.limits.subflows = 0;
	check();
	expect_msg(expect("limits.subflows", DR_FAIL,
			  "ip mptcp limits set subflow 2 add_addr_accepted 2"),
		   "subflows limit is 0: every connection stays on one path");
	assert_int_equal(rep.nfail, 1);
	assert_int_equal(rep.nwarn, 0);
	/* Even without endpoints. */
	in.st.nendpoints = 0;
	check();
	expect("limits.subflows", DR_FAIL, "ip mptcp limits set subflow 2 add_addr_accepted 2");
}

static void test_limits_subflows_below(void **state)
{
	(void)state;
	/* 2 endpoints, limit 1. */
	in.st.limits.subflows = 1;
	check();
	expect_msg(expect("limits.subflows", DR_WARN,
			  "ip mptcp limits set subflow 2 add_addr_accepted 2"),
		   "subflows limit 1 is below the 2 endpoints: some paths stay unused");
	assert_int_equal(rep.nwarn, 1);
	/* 3 endpoints, limit 2: the fix names the endpoint count. */
	in.st.limits.subflows = 2;
	lookup(add_ep(3, "fd00::1", MC_PM_FLAG_SUBFLOW, 2), true, 2);
	check();
	expect_msg(expect("limits.subflows", DR_WARN,
			  "ip mptcp limits set subflow 3 add_addr_accepted 3"),
		   "subflows limit 2 is below the 3 endpoints: some paths stay unused");
	/* Equal to the endpoint count: ok. */
	in.st.limits.subflows = 3;
	check();
	expect_msg(expect("limits.subflows", DR_OK, NULL), "subflows limit 3");
}

static void test_limits_add_addr_accepted(void **state)
{
	(void)state;
	in.st.limits.add_addr_accepted = 0;
	/* A server (signal endpoint): it does not need to accept announcements. */
	check();
	expect_msg(expect("limits.add_addr_accepted", DR_OK, NULL), "add_addr_accepted 0");
	assert_int_equal(rep.nwarn, 0);
	/* A client (no signal endpoint): it does. */
	in.st.endpoints[1].flags = MC_PM_FLAG_SUBFLOW;
	in.listeners = 0;
	check();
	expect_msg(expect("limits.add_addr_accepted", DR_WARN,
			  "ip mptcp limits set subflow 2 add_addr_accepted 2"),
		   "add_addr_accepted is 0: addresses the server announces are ignored");
	assert_int_equal(rep.nwarn, 1);
	/* Nonzero: ok. */
	in.st.limits.add_addr_accepted = 1;
	check();
	expect_msg(expect("limits.add_addr_accepted", DR_OK, NULL), "add_addr_accepted 1");
}

/* ---- endpoint.* ---- */

static void test_endpoint_address(void **state)
{
	const struct dr_result *r;

	(void)state;
	/* 172.16.0.1 is on no interface. */
	lookup(add_ep(7, "172.16.0.1", MC_PM_FLAG_SUBFLOW, 0), true, 2);
	in.st.limits.subflows = 3;
	check();
	assert_int_equal(count("endpoint.address"), 3);
	r = nth("endpoint.address", 2);
	assert_int_equal(r->status, DR_FAIL);
	assert_string_equal(r->fix, "ip mptcp endpoint delete id 7");
	expect_msg(r, "endpoint 172.16.0.1 (id 7) is on no interface: no subflow can use it");
	assert_int_equal(nth("endpoint.address", 0)->status, DR_OK);
	assert_int_equal(nth("endpoint.address", 1)->status, DR_OK);
	/* Nothing more is said of it: no routing verdict. */
	assert_int_equal(count("routing.source"), 2);
	assert_int_equal(rep.nfail, 1);
	assert_int_equal(rep.nwarn, 0);
	/* IPv6 too. */
	in.st.nendpoints = 2;
	in.st.limits.subflows = 3;
	add_ep(9, "fd00:99::1", MC_PM_FLAG_SIGNAL, 2);
	check();
	r = nth("endpoint.address", 2);
	assert_int_equal(r->status, DR_FAIL);
	assert_string_equal(r->fix, "ip mptcp endpoint delete id 9");
	expect_in_msg(r, "endpoint fd00:99::1 (id 9) is on no interface");
}

/* The seed story: 192.168.0.1 added with dev eno1 while eno2 holds it. */
static void test_endpoint_dev(void **state)
{
	(void)state;
	in.st.endpoints[1].ifindex = 2;
	check();
	expect_msg(expect("endpoint.dev", DR_FAIL,
			  "ip mptcp endpoint delete id 2; "
			  "ip mptcp endpoint add 192.168.0.1 dev eno2 signal"),
		   "endpoint 192.168.0.1 (id 2) has dev eno1, but the address is on eno2");
	/* The wrong endpoint gets no ok verdict; the other keeps its own. */
	expect_msg(expect("endpoint.address", DR_OK, NULL),
		   "endpoint 10.0.0.1 (id 1, subflow) on eno1");
	assert_int_equal(rep.nfail, 1);
	/* All its flags are kept, space-separated. */
	in.st.endpoints[1].flags = MC_PM_FLAG_SIGNAL | MC_PM_FLAG_SUBFLOW | MC_PM_FLAG_BACKUP;
	check();
	expect("endpoint.dev", DR_FAIL,
	       "ip mptcp endpoint delete id 2; "
	       "ip mptcp endpoint add 192.168.0.1 dev eno2 signal subflow backup");
	/* No dev given: nothing to contradict. */
	in.st.endpoints[1].ifindex = 0;
	check();
	assert_int_equal(count("endpoint.dev"), 0);
	assert_int_equal(count("endpoint.address"), 2);
	assert_int_equal(rep.nfail + rep.nwarn, 0);
}

static void test_endpoint_link(void **state)
{
	(void)state;
	in.st.links[1].flags &= ~IFF_UP; /* eno2 down */
	check();
	expect_msg(expect("endpoint.link", DR_WARN, "ip link set eno2 up"),
		   "endpoint 192.168.0.1 (id 2): interface eno2 is down");
	assert_int_equal(count("endpoint.address"), 1);
	assert_int_equal(rep.nwarn, 1);
	assert_int_equal(rep.nfail, 0);
}

static void test_endpoint_fullmesh(void **state)
{
	(void)state;
	in.st.endpoints[0].flags = MC_PM_FLAG_FULLMESH;
	check();
	expect_msg(expect("endpoint.fullmesh", DR_WARN,
			  "ip mptcp endpoint delete id 1; "
			  "ip mptcp endpoint add 10.0.0.1 dev eno1 fullmesh subflow"),
		   "endpoint 10.0.0.1 (id 1) is fullmesh without subflow: the kernel ignores "
		   "fullmesh there");
	/* The endpoint itself is fine. */
	assert_int_equal(count("endpoint.address"), 2);
	assert_int_equal(rep.nwarn, 1);
	in.st.endpoints[0].flags = MC_PM_FLAG_FULLMESH | MC_PM_FLAG_BACKUP;
	check();
	expect("endpoint.fullmesh", DR_WARN,
	       "ip mptcp endpoint delete id 1; "
	       "ip mptcp endpoint add 10.0.0.1 dev eno1 backup fullmesh subflow");
	/* fullmesh with subflow: as meant. */
	in.st.endpoints[0].flags = MC_PM_FLAG_FULLMESH | MC_PM_FLAG_SUBFLOW;
	check();
	assert_int_equal(count("endpoint.fullmesh"), 0);
	assert_int_equal(rep.nwarn + rep.nfail, 0);
}

static void test_endpoint_none(void **state)
{
	(void)state;
	in.st.nendpoints = 0;
	in.listeners = 0;
	check();
	expect_msg(expect("endpoint.none", DR_WARN,
			  "mptcpctl setup role client|server IFACE1 IFACE2"),
		   "no endpoints: connections use one path only");
	assert_int_equal(count("endpoint.address"), 0);
	assert_int_equal(count("routing.source"), 0);
	/* No endpoint, no signal one: a client that ignores announcements warns too. */
	in.st.limits.add_addr_accepted = 0;
	check();
	expect("endpoint.none", DR_WARN, "mptcpctl setup role client|server IFACE1 IFACE2");
	expect("limits.add_addr_accepted", DR_WARN,
	       "ip mptcp limits set subflow 2 add_addr_accepted 2");
	assert_int_equal(rep.nwarn, 2);
}

static void test_endpoint_signal(void **state)
{
	(void)state;
	in.st.endpoints[1].flags = MC_PM_FLAG_SUBFLOW;
	in.listeners = 2;
	check();
	expect_msg(expect("endpoint.signal", DR_WARN, "mptcpctl setup role server IFACE1 IFACE2"),
		   "2 MPTCP listeners but no signal endpoint: clients learn of no other path");
	in.listeners = 1;
	check();
	expect_msg(expect("endpoint.signal", DR_WARN, "mptcpctl setup role server IFACE1 IFACE2"),
		   "1 MPTCP listener but no signal endpoint: clients learn of no other path");
	/* No listener: a client, nothing to announce. */
	in.listeners = 0;
	check();
	assert_int_equal(count("endpoint.signal"), 0);
	/* Listeners and a signal endpoint (healthy): nothing either. */
	healthy(NULL);
	in.listeners = 5;
	check();
	assert_int_equal(count("endpoint.signal"), 0);
	assert_int_equal(rep.nwarn + rep.nfail, 0);
}

/* The kernel's implicit endpoints (made for subflows it accepted) are not checked. */
static void test_implicit_ignored(void **state)
{
	(void)state;
	/* First in the table, so lookup[] must follow st.endpoints[] indexes. */
	memmove(&in.st.endpoints[1], &in.st.endpoints[0], 2 * sizeof(in.st.endpoints[0]));
	memmove(&in.lookup[1], &in.lookup[0], 2 * sizeof(in.lookup[0]));
	in.st.nendpoints = 3;
	memset(&in.st.endpoints[0], 0, sizeof(in.st.endpoints[0]));
	in.st.endpoints[0].id = 5;
	assert_int_equal(mc_prefix_parse("172.16.0.1", &in.st.endpoints[0].addr), 0);
	in.st.endpoints[0].flags = MC_PM_FLAG_IMPLICIT | MC_PM_FLAG_FULLMESH;
	lookup(0, true, 3);
	/* Another, a signal one on a real address but the wrong dev. */
	lookup(add_ep(6, "10.0.0.1", MC_PM_FLAG_IMPLICIT | MC_PM_FLAG_SIGNAL, 3), true, 3);
	check();
	/* Exactly the healthy report: 2 endpoints counted, none of the implicit ones. */
	EXPECT_IDS("mptcp.implementation", "mptcp.enabled", "mptcp.path_manager", "mptcp.scheduler",
		   "endpoint.address", "routing.source", "endpoint.address", "routing.source",
		   "limits.subflows", "limits.add_addr_accepted", "mptcp.blackhole",
		   "manager.rival", "tcp.buffers");
	assert_int_equal(rep.nwarn + rep.nfail, 0);
	expect_msg(nth("endpoint.address", 0), "endpoint 10.0.0.1 (id 1, subflow) on eno1");
	/* Implicit endpoints are not in the count of the subflows limit... */
	in.st.limits.subflows = 1;
	check();
	expect_msg(expect("limits.subflows", DR_WARN,
			  "ip mptcp limits set subflow 2 add_addr_accepted 2"),
		   "subflows limit 1 is below the 2 endpoints: some paths stay unused");
	/* ...nor signal endpoints, and only implicit ones means none. */
	in.st.limits.subflows = 2;
	in.st.endpoints[1].flags |= MC_PM_FLAG_IMPLICIT;
	in.st.endpoints[2].flags |= MC_PM_FLAG_IMPLICIT;
	check();
	expect("endpoint.none", DR_WARN, "mptcpctl setup role client|server IFACE1 IFACE2");
	expect("endpoint.signal", DR_WARN, "mptcpctl setup role server IFACE1 IFACE2");
	assert_int_equal(count("endpoint.address"), 0);
	assert_int_equal(count("endpoint.fullmesh"), 0);
	assert_int_equal(count("endpoint.dev"), 0);
}

/* ---- routing.* ---- */

static void test_routing_source(void **state)
{
	const struct dr_result *r;

	(void)state;
	/* From 192.168.0.1 the kernel would leave by eno1: no per-source rule. */
	lookup(1, true, 2);
	check();
	assert_int_equal(count("routing.source"), 2);
	assert_int_equal(nth("routing.source", 0)->status, DR_OK);
	r = nth("routing.source", 1);
	assert_int_equal(r->status, DR_FAIL);
	assert_string_equal(r->fix, "mptcpctl setup eno2 (adds 'ip rule add from 192.168.0.1 "
				    "lookup TABLE' and the table's routes)");
	expect_msg(r, "from 192.168.0.1, traffic to other networks leaves by eno1, not eno2: a "
		      "per-source rule and table are missing");
	assert_int_equal(rep.nfail, 1);
	/* An interface doctor does not know. */
	lookup(1, true, 42);
	check();
	expect_in_msg(nth("routing.source", 1), "leaves by another interface, not eno2");
	/* No lookup (no route at all): own subnet only, ok. */
	lookup(1, false, 0);
	check();
	r = nth("routing.source", 1);
	assert_int_equal(r->status, DR_OK);
	expect_msg(r, "from 192.168.0.1, traffic leaves by eno2 (no default route: own subnet "
		      "only)");
	expect_in_msg(r, "own subnet only");
	assert_int_equal(rep.nfail + rep.nwarn, 0);
}

static void test_rp_filter(void **state)
{
	const struct dr_result *r;

	(void)state;
	/* Strict on eno2. */
	in.st.rp_filter[1] = 1;
	check();
	expect_msg(expect("routing.rp_filter", DR_WARN, "sysctl -w net.ipv4.conf.eno2.rp_filter=2"),
		   "eno2 filters reverse paths strictly (rp_filter 1): subflows whose replies "
		   "arrive on another interface are dropped");
	assert_int_equal(rep.nwarn, 1);
	/* all=1 makes both strict; the interface's own 2 would win (max). */
	in.st.rp_filter[0] = in.st.rp_filter[1] = 0;
	in.st.rp_filter_all = 1;
	check();
	assert_int_equal(count("routing.rp_filter"), 2);
	r = nth("routing.rp_filter", 0);
	assert_int_equal(r->status, DR_WARN);
	assert_string_equal(r->fix, "sysctl -w net.ipv4.conf.eno1.rp_filter=2");
	assert_string_equal(nth("routing.rp_filter", 1)->fix,
			    "sysctl -w net.ipv4.conf.eno2.rp_filter=2");
	in.st.rp_filter[0] = in.st.rp_filter[1] = 2;
	check();
	assert_int_equal(count("routing.rp_filter"), 0);
	/* Unknown (-1) on the interface: all decides. */
	in.st.rp_filter[0] = in.st.rp_filter[1] = -1;
	check();
	assert_int_equal(count("routing.rp_filter"), 2);
	in.st.rp_filter_all = 0;
	check();
	assert_int_equal(count("routing.rp_filter"), 0);
	/* Loose (2) anywhere: nothing, not even an ok line. */
	in.st.rp_filter[0] = in.st.rp_filter[1] = 1;
	in.st.rp_filter_all = 2;
	check();
	assert_int_equal(count("routing.rp_filter"), 0);
	assert_int_equal(rep.nwarn + rep.nfail, 0);
	/* IPv4 only: an IPv6 endpoint on a strict interface is not concerned. */
	in.st.rp_filter_all = 0;
	in.st.nendpoints = 0;
	lookup(add_ep(3, "fd00::1", MC_PM_FLAG_SIGNAL, 2), true, 2);
	check();
	assert_int_equal(count("endpoint.address"), 1);
	assert_int_equal(count("routing.rp_filter"), 0);
}

/* ---- mptcp.blackhole, manager.rival ---- */

static void test_blackhole(void **state)
{
	static const char fix[] = "find what drops MPTCP SYNs on the way (sysctl "
				  "net.mptcp.blackhole_timeout=0 disables the detection)";

	(void)state;
	in.blackhole = 1;
	check();
	expect_msg(expect("mptcp.blackhole", DR_WARN, fix),
		   "MPTCP blackhole detected 1 time; 0 SYNs went out without MP_CAPABLE "
		   "(blackhole_timeout 3600s)");
	assert_int_equal(rep.nwarn, 1);
	in.blackhole = 0;
	in.syn_tx_disabled = 7;
	in.blackhole_timeout[0] = '\0';
	check();
	expect_msg(expect("mptcp.blackhole", DR_WARN, fix),
		   "MPTCP blackhole detected 0 times; 7 SYNs went out without MP_CAPABLE "
		   "(blackhole_timeout ?s)");
	in.blackhole = 2;
	check();
	expect_in_msg(expect("mptcp.blackhole", DR_WARN, fix), "detected 2 times");
}

static void test_rival(void **state)
{
	(void)state;
	in.rival = "mptcpd";
	check();
	expect_msg(expect("manager.rival", DR_WARN, "systemctl stop mptcpd"),
		   "mptcpd runs here and manages MPTCP endpoints too: two managers fight");
	assert_int_equal(rep.nwarn, 1);
	in.rival = "NetworkManager";
	check();
	expect_msg(expect("manager.rival", DR_WARN, NULL),
		   "NetworkManager runs here and manages MPTCP endpoints too: two managers "
		   "fight");
	assert_int_equal(rep.nwarn, 1);
}

/* ---- tcp.buffers ---- */

static void test_buffers(void **state)
{
	static const char fix[] = "mptcpctl tune rate 1000000000bit rtt 10000us";

	(void)state;
	/* 1 Gbit/s, 10 ms: BDP 1250000 bytes, twice that wanted. */
	in.path_rate_bps = 1000000000ULL;
	in.rtt_us = 10000;
	in.tcp_rmem_max = 65536;
	in.tcp_wmem_max = 65536;
	check();
	expect_msg(expect("tcp.buffers", DR_WARN, fix),
		   "TCP buffers (rmem 65536, wmem 65536) are below twice the bandwidth-delay "
		   "product of the paths (1250000 bytes)");
	assert_int_equal(rep.nwarn, 1);
	/* One of the two too small is enough. */
	in.tcp_rmem_max = 6291456;
	check();
	expect("tcp.buffers", DR_WARN, fix);
	in.tcp_rmem_max = 65536;
	in.tcp_wmem_max = 6291456;
	check();
	expect("tcp.buffers", DR_WARN, fix);
	/* Just below twice the BDP, then exactly it. */
	in.tcp_rmem_max = in.tcp_wmem_max = 2499999;
	check();
	expect("tcp.buffers", DR_WARN, fix);
	in.tcp_rmem_max = in.tcp_wmem_max = 2500000;
	check();
	expect_msg(expect("tcp.buffers", DR_OK, NULL),
		   "TCP buffers cover the bandwidth-delay product (1250000 bytes)");
	/* Large. */
	in.tcp_rmem_max = in.tcp_wmem_max = 33554432;
	check();
	expect("tcp.buffers", DR_OK, NULL);
	/* No shaped rate: nothing to compare, even with tiny buffers. */
	in.path_rate_bps = 0;
	in.tcp_rmem_max = in.tcp_wmem_max = 65536;
	check();
	expect_in_msg(expect("tcp.buffers", DR_OK, NULL), "no shaped rate to compare");
	assert_int_equal(rep.nwarn + rep.nfail, 0);
}

/* ---- the counts ---- */

static void test_counts(void **state)
{
	(void)state;
	/* Everything broken at once. */
	snprintf(in.st.mptcp_enabled, sizeof(in.st.mptcp_enabled), "0"); /* fail */
	snprintf(in.pm_type, sizeof(in.pm_type), "1"); /* warn (rival is NetworkManager) */
	in.rival = "NetworkManager"; /* warn */
	in.st.limits.subflows = 0; /* fail */
	in.st.endpoints[0].flags = MC_PM_FLAG_FULLMESH; /* warn; no signal left... */
	in.st.endpoints[1].flags = MC_PM_FLAG_SUBFLOW;
	in.st.endpoints[1].ifindex = 2; /* fail: endpoint.dev */
	in.st.limits.add_addr_accepted = 0; /* warn */
	in.listeners = 3; /* warn: endpoint.signal */
	lookup(0, true, 3); /* fail: routing.source */
	in.st.rp_filter_all = 1; /* 2 warns */
	in.st.rp_filter[0] = in.st.rp_filter[1] = 0;
	in.blackhole = 1; /* warn */
	in.path_rate_bps = 10000000000ULL; /* warn */
	in.rtt_us = 10000;
	add_ep(8, "203.0.113.1", MC_PM_FLAG_SUBFLOW, 0); /* fail: endpoint.address */
	check();
	EXPECT_IDS("mptcp.implementation", "mptcp.enabled", "mptcp.path_manager", "mptcp.scheduler",
		   "endpoint.address", "endpoint.fullmesh", "routing.source", "routing.rp_filter",
		   "endpoint.dev", "routing.source", "routing.rp_filter", "endpoint.address",
		   "endpoint.signal", "limits.subflows", "limits.add_addr_accepted",
		   "mptcp.blackhole", "manager.rival", "tcp.buffers");
	assert_int_equal(rep.nok, 4);
	assert_int_equal(rep.nwarn, 9);
	assert_int_equal(rep.nfail, 5);
	assert_int_equal(rep.nok + rep.nwarn + rep.nfail, rep.n);
	expect("limits.subflows", DR_FAIL, "ip mptcp limits set subflow 3 add_addr_accepted 3");
}

/* More verdicts than DR_MAX_RESULTS: cut at the limit, the counts still agree. */
static void test_report_full(void **state)
{
	char a[32], name[IF_NAMESIZE];

	(void)state;
	in.st.nendpoints = 0;
	in.st.naddrs = 0;
	for (int i = 0; i < PM_MAX_ENDPOINTS * 2; i++) {
		/* Each on its own strict interface, so no verdict repeats another. */
		snprintf(name, sizeof(name), "eth%d", i);
		add_link(10 + i, name, 1);
		snprintf(a, sizeof(a), "10.0.%d.1/24", i);
		add_addr(10 + i, a);
		/* ok + fullmesh + routing.source + rp_filter: 4 each */
		lookup(add_ep((uint8_t)(i + 1), a, MC_PM_FLAG_FULLMESH, 10 + i), true, 2);
	}
	check();
	assert_int_equal(rep.n, DR_MAX_RESULTS);
	assert_int_equal(rep.nok + rep.nwarn + rep.nfail, DR_MAX_RESULTS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_healthy, healthy),
		cmocka_unit_test_setup(test_pure, healthy),
		cmocka_unit_test_setup(test_impl_out_of_tree, healthy),
		cmocka_unit_test_setup(test_impl_none, healthy),
		cmocka_unit_test_setup(test_enabled, healthy),
		cmocka_unit_test_setup(test_path_manager, healthy),
		cmocka_unit_test_setup(test_scheduler, healthy),
		cmocka_unit_test_setup(test_limits_subflows_zero, healthy),
		cmocka_unit_test_setup(test_limits_subflows_below, healthy),
		cmocka_unit_test_setup(test_limits_add_addr_accepted, healthy),
		cmocka_unit_test_setup(test_endpoint_address, healthy),
		cmocka_unit_test_setup(test_endpoint_dev, healthy),
		cmocka_unit_test_setup(test_endpoint_link, healthy),
		cmocka_unit_test_setup(test_endpoint_fullmesh, healthy),
		cmocka_unit_test_setup(test_endpoint_none, healthy),
		cmocka_unit_test_setup(test_endpoint_signal, healthy),
		cmocka_unit_test_setup(test_implicit_ignored, healthy),
		cmocka_unit_test_setup(test_routing_source, healthy),
		cmocka_unit_test_setup(test_rp_filter, healthy),
		cmocka_unit_test_setup(test_blackhole, healthy),
		cmocka_unit_test_setup(test_rival, healthy),
		cmocka_unit_test_setup(test_buffers, healthy),
		cmocka_unit_test_setup(test_counts, healthy),
		cmocka_unit_test_setup(test_report_full, healthy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
