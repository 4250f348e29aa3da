// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The setup configuration file (pure; fuzzed):
 *
 *   # comment
 *   [setup]
 *   role = server            client | server | both
 *   table-base = 100
 *   rule-pref = 1000
 *   rp-filter = loose        loose | keep
 *   interfaces = auto        auto | listed (default): auto means every up,
 *                            non-loopback interface with a global address
 *
 *   [eno1]                   every other section is an interface
 *   [eno2]
 *   flags = backup           backup, fullmesh, laminar (comma-separated)
 *   policy = ignore          use (default) | backup (= flags backup) | ignore
 */
#include "plan.h"

#include "../common/units.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int setup_key(struct plan_req *req, const char *k, const char *v, int line, struct mc_err *e)
{
	if (!strcmp(k, "role")) {
		if (plan_role_parse(v, &req->role))
			return mc_err_set(e, -EINVAL,
					  "line %d: role '%s': use client, server or both", line,
					  v);
	} else if (!strcmp(k, "table-base")) {
		if (units_parse_u32(v, 1, 0x7fffffff, &req->table_base) || req->table_base == 253 ||
		    req->table_base == 254 || req->table_base == 255)
			return mc_err_set(e, -EINVAL,
					  "line %d: table-base '%s': not a usable table id", line,
					  v);
	} else if (!strcmp(k, "rule-pref")) {
		if (units_parse_u32(v, 1, 32765, &req->rule_pref))
			return mc_err_set(e, -EINVAL, "line %d: rule-pref '%s': expected 1-32765",
					  line, v);
	} else if (!strcmp(k, "rp-filter")) {
		if (strcmp(v, "loose") && strcmp(v, "keep"))
			return mc_err_set(e, -EINVAL, "line %d: rp-filter '%s': use loose or keep",
					  line, v);
		req->rp_loose = !strcmp(v, "loose");
	} else if (!strcmp(k, "interfaces")) {
		if (strcmp(v, "auto") && strcmp(v, "listed"))
			return mc_err_set(e, -EINVAL,
					  "line %d: interfaces '%s': use auto or listed", line, v);
		req->auto_ifaces = !strcmp(v, "auto");
	} else {
		return mc_err_set(e, -EINVAL,
				  "line %d: unknown key '%s' in [setup] (role, table-base, "
				  "rule-pref, rp-filter, interfaces)",
				  line, k);
	}
	return 0;
}

static int iface_key(struct plan_iface *pi, const char *k, const char *v, int line,
		     struct mc_err *e)
{
	char spec[128];
	struct plan_iface tmp;

	if (!strcmp(k, "policy")) {
		if (!strcmp(v, "backup"))
			pi->flags |= MC_PM_FLAG_BACKUP;
		else if (!strcmp(v, "ignore"))
			pi->policy = PLAN_POLICY_IGNORE;
		else if (strcmp(v, "use"))
			return mc_err_set(e, -EINVAL,
					  "line %d: policy '%s' in [%s]: use, backup or ignore",
					  line, v, pi->name);
		return 0;
	}
	if (strcmp(k, "flags"))
		return mc_err_set(e, -EINVAL,
				  "line %d: unknown key '%s' in [%s] (flags) (or policy)", line, k,
				  pi->name);
	if (snprintf(spec, sizeof(spec), "%s,%s", pi->name, v) >= (int)sizeof(spec))
		return mc_err_set(e, -EINVAL, "line %d: flags too long", line);
	if (plan_iface_parse(spec, &tmp, e))
		return mc_err_ctx(e, -EINVAL, "line %d", line);
	pi->flags |= tmp.flags;
	return 0;
}

int plan_conf_parse(const char *text, size_t len, struct plan_req *req, struct mc_err *e)
{
	char buf[256];
	size_t pos = 0;
	int line = 0, section = -2; /* -2 none, -1 [setup], k interface k */

	memset(req, 0, sizeof(*req));
	req->role = ROLE_BOTH;
	while (pos < len) {
		size_t end = pos;
		char *s, *eq;

		while (end < len && text[end] != '\n')
			end++;
		line++;
		if (end - pos >= sizeof(buf))
			return mc_err_set(e, -EINVAL, "line %d: too long", line);
		if (memchr(text + pos, '\0', end - pos))
			return mc_err_set(e, -EINVAL, "line %d: NUL byte", line);
		memcpy(buf, text + pos, end - pos);
		buf[end - pos] = '\0';
		pos = end + 1;
		s = trim(buf);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			char *name;

			if (!close || *trim(close + 1))
				return mc_err_set(e, -EINVAL, "line %d: expected [section]", line);
			*close = '\0';
			name = trim(s + 1);
			if (!strcmp(name, "setup")) {
				section = -1;
				continue;
			}
			if (!*name || strlen(name) >= IF_NAMESIZE || strpbrk(name, " \t,/="))
				return mc_err_set(e, -EINVAL,
						  "line %d: '%s' is not an interface name", line,
						  name);
			for (int k = 0; k < req->niface; k++)
				if (!strcmp(req->iface[k].name, name))
					return mc_err_set(e, -EINVAL, "line %d: [%s] given twice",
							  line, name);
			if (req->niface == PLAN_MAX_IFACES)
				return mc_err_set(e, -EINVAL, "line %d: more than %d interfaces",
						  line, PLAN_MAX_IFACES);
			section = req->niface++;
			snprintf(req->iface[section].name, IF_NAMESIZE, "%s", name);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq)
			return mc_err_set(e, -EINVAL, "line %d: expected key = value", line);
		*eq = '\0';
		if (section == -2)
			return mc_err_set(e, -EINVAL, "line %d: '%s' outside a [section]", line,
					  trim(s));
		if (section == -1) {
			if (setup_key(req, trim(s), trim(eq + 1), line, e))
				return -EINVAL;
		} else if (iface_key(&req->iface[section], trim(s), trim(eq + 1), line, e)) {
			return -EINVAL;
		}
	}
	if (!req->niface && !req->auto_ifaces)
		return mc_err_set(e, -EINVAL,
				  "line %d (end of file): no interface section ([eno1] ...) and "
				  "not 'interfaces = auto'",
				  line);
	return 0;
}
