// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the two parsers of `setup` (src/plan/conf.c, src/plan/record.c).
 *
 * The first byte selects: bit 0 clear, plan_conf_parse() on the rest as the
 * text of a configuration file (not NUL-terminated: an exactly sized copy);
 * bit 0 set, plan_step_parse() on the rest as one record line (NUL-terminated
 * copy). Bits 1 and 2 vary the hand-made kernel state a parsed configuration
 * is then planned against (laminar support, net.mptcp.enabled).
 *
 * Invariants (abort() when broken):
 * - a record line that parses serializes; the serialized line parses again,
 *   and serializes to the same string (the record is a fixed point after one
 *   round);
 * - a configuration that parses gives 1-8 distinct, NUL-terminated interface
 *   names, known flags only, a usable table-base and rule-pref; planning it
 *   either fails with a message or gives steps that all print, and whose
 *   recorded kinds survive the record the same way;
 * - a sysctl step parsed from a record names only a key setup or tune writes;
 * - errors come with a NUL-terminated message (a configuration's names its line).
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "plan/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t sink;

static void check_str(const char *s, size_t len)
{
	if (strnlen(s, len) == len)
		abort();
}

/* serialize(s) -> parse -> serialize: the same line, or abort(). */
static void check_roundtrip(const struct step *s)
{
	char b1[512], b2[512], c[256];
	struct step s2, inv;
	int n1, n2;

	n1 = plan_step_serialize(s, b1, sizeof(b1));
	if (n1 <= 0 || (size_t)n1 != strlen(b1) || b1[n1 - 1] != '\n')
		abort();
	if (plan_step_parse(b1, &s2))
		abort();
	n2 = plan_step_serialize(&s2, b2, sizeof(b2));
	if (n2 != n1 || strcmp(b1, b2))
		abort();
	if (s2.op != s->op)
		abort();
	plan_step_cmd(&s2, c, sizeof(c));
	check_str(c, sizeof(c));
	plan_step_inverse(&s2, &inv);
	plan_step_cmd(&inv, c, sizeof(c));
	sink += (uint32_t)strlen(c);
}

/*
 * The sysctls a record may write, checked here independently of
 * plan_sysctl_key_ok(): setup's net.mptcp.enabled and
 * net.ipv4.conf.IFACE.rp_filter (IFACE one component, no slash, a name's
 * length), tune's TCP buffer sizes. Nothing else.
 */
static bool key_allowed(const char *k)
{
	static const char *const fixed[] = { "net.mptcp.enabled", "net.ipv4.tcp_rmem",
					     "net.ipv4.tcp_wmem", "net.core.rmem_max",
					     "net.core.wmem_max" };
	const char *name = k + strlen("net.ipv4.conf."), *dot;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strcmp(k, fixed[i]))
			return true;
	if (strncmp(k, "net.ipv4.conf.", strlen("net.ipv4.conf.")))
		return false;
	dot = strchr(name, '.');
	if (!dot || dot == name || strcmp(dot, ".rp_filter"))
		return false;
	return !memchr(name, '/', (size_t)(dot - name)) && dot - name < IF_NAMESIZE;
}

static struct plan_state st;
static struct plan plan;

static void add_addr(int ifindex, const char *s, uint8_t scope)
{
	struct rt_addr *a = &st.addrs[st.naddrs++];

	a->ifindex = ifindex;
	if (mc_prefix_parse(s, &a->p))
		abort();
	a->scope = scope;
}

/* A namespace worth planning against: the names a fuzzer finds first are links. */
static void init_state(void)
{
	static const char *const names[] = { "lo", "eno1", "eno2", "eno3", "a", "b", "e" };

	memset(&st, 0, sizeof(st));
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		st.links[i].ifindex = i + 1;
		snprintf(st.links[i].name, sizeof(st.links[i].name), "%s", names[i]);
		st.links[i].flags = IFF_UP;
		st.rp_filter[i] = i % 3;
		st.nlinks++;
	}
	add_addr(1, "127.0.0.1/8", RT_SCOPE_HOST);
	add_addr(2, "10.1.0.2/24", RT_SCOPE_UNIVERSE);
	add_addr(2, "fd00:1::2/64", RT_SCOPE_UNIVERSE);
	add_addr(3, "10.2.0.2/24", RT_SCOPE_UNIVERSE);
	add_addr(4, "fe80::4/64", RT_SCOPE_LINK);
	add_addr(5, "192.168.5.1/24", RT_SCOPE_UNIVERSE);
	add_addr(5, "192.168.6.1/24", RT_SCOPE_UNIVERSE);
	add_addr(6, "fd00:6::1/64", RT_SCOPE_UNIVERSE);
	add_addr(7, "172.16.0.1/12", RT_SCOPE_UNIVERSE);
	st.routes[0].table = RT_TABLE_MAIN;
	mc_prefix_parse("0.0.0.0/0", &st.routes[0].dst);
	st.routes[0].has_gw = true;
	mc_prefix_parse("10.1.0.1", &st.routes[0].gw);
	st.routes[0].oif = 2;
	st.routes[1].table = 100;
	mc_prefix_parse("10.9.0.0/16", &st.routes[1].dst);
	st.nroutes = 2;
	st.rules[0].family = AF_INET;
	st.rules[0].has_src = true;
	mc_prefix_parse("192.168.6.1/32", &st.rules[0].src);
	st.rules[0].table = 200;
	st.rules[0].priority = 1000;
	st.rules[1].family = AF_INET;
	st.rules[1].table = RT_TABLE_MAIN;
	st.rules[1].priority = 32766;
	st.nrules = 2;
	st.endpoints[0].id = 1;
	mc_prefix_parse("10.2.0.2", &st.endpoints[0].addr);
	st.endpoints[0].flags = MC_PM_FLAG_IMPLICIT;
	st.endpoints[1].id = 2;
	mc_prefix_parse("172.16.0.1", &st.endpoints[1].addr);
	st.endpoints[1].flags = MC_PM_FLAG_SIGNAL;
	st.endpoints[1].ifindex = 7;
	st.nendpoints = 2;
	st.limits.subflows = 2;
	st.rp_filter_all = 0;
}

static void fuzz_conf(const uint8_t *data, size_t size, uint8_t sel)
{
	struct plan_req req;
	struct mc_err e;
	char *text = malloc(size ? size : 1);
	int ret;

	if (!text)
		return;
	memcpy(text, data, size);
	memset(&e, 0, sizeof(e));
	ret = plan_conf_parse(text, size, &req, &e);
	free(text);
	check_str(e.what, sizeof(e.what));
	if (ret) {
		if (ret != -EINVAL || e.code != ret || !e.what[0])
			abort();
		return;
	}
	if ((req.niface < 1 && !req.auto_ifaces) || req.niface < 0 || req.niface > PLAN_MAX_IFACES)
		abort();
	if (req.role != ROLE_CLIENT && req.role != ROLE_SERVER && req.role != ROLE_BOTH)
		abort();
	if (req.table_base > 0x7fffffff || (req.table_base >= 253 && req.table_base <= 255))
		abort();
	if (req.rule_pref > 32765)
		abort();
	for (int k = 0; k < req.niface; k++) {
		check_str(req.iface[k].name, sizeof(req.iface[k].name));
		if (!req.iface[k].name[0] ||
		    req.iface[k].flags & ~(uint32_t)(MC_PM_FLAG_BACKUP | MC_PM_FLAG_FULLMESH |
						     MC_PM_FLAG_LAMINAR))
			abort();
		if (req.iface[k].policy != PLAN_POLICY_USE &&
		    req.iface[k].policy != PLAN_POLICY_IGNORE)
			abort();
		for (int j = 0; j < k; j++)
			if (!strcmp(req.iface[j].name, req.iface[k].name))
				abort();
	}

	/* Plan it against the hand-made state. */
	if (!st.nlinks)
		init_state();
	st.laminar_supported = sel & 2;
	snprintf(st.mptcp_enabled, sizeof(st.mptcp_enabled), "%s", sel & 4 ? "1" : "0");
	memset(&e, 0, sizeof(e));
	ret = plan_build(&req, &st, &plan, &e);
	check_str(e.what, sizeof(e.what));
	if (ret) {
		if (ret >= 0 || !e.what[0])
			abort();
		return;
	}
	if (plan.n < 0 || plan.n > PLAN_MAX_STEPS || plan.nnotes < 0 || plan.nnotes > 4)
		abort();
	for (int i = 0; i < plan.nnotes; i++)
		check_str(plan.notes[i], sizeof(plan.notes[i]));
	for (int i = 0; i < plan.n; i++) {
		char c[256];

		plan_step_cmd(&plan.v[i], c, sizeof(c));
		check_str(c, sizeof(c));
		check_roundtrip(&plan.v[i]);
	}
}

static void fuzz_record(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct step s;

	if (!line)
		return;
	memcpy(line, data, size);
	line[size] = '\0';
	if (!plan_step_parse(line, &s)) {
		check_str(s.ifname, sizeof(s.ifname));
		if (s.op == OP_SYSCTL) {
			check_str(s.u.sysctl.key, sizeof(s.u.sysctl.key));
			check_str(s.u.sysctl.val, sizeof(s.u.sysctl.val));
			check_str(s.u.sysctl.old, sizeof(s.u.sysctl.old));
			if (!key_allowed(s.u.sysctl.key))
				abort();
		}
		if (s.op == OP_LIMITS && (s.u.limits.now.subflows > PM_MAX_LIMIT ||
					  s.u.limits.now.add_addr_accepted > PM_MAX_LIMIT ||
					  s.u.limits.old.subflows > PM_MAX_LIMIT ||
					  s.u.limits.old.add_addr_accepted > PM_MAX_LIMIT))
			abort();
		check_roundtrip(&s);
	}
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0];
	if (sel & 1)
		fuzz_record(data + 1, size - 1);
	else
		fuzz_conf(data + 1, size - 1, sel);
	return 0;
}
