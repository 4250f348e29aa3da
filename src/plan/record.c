// SPDX-License-Identifier: GPL-2.0-or-later
/* The record of applied steps: one "kind key=value ..." line each (pure; fuzzed). */
#include "plan.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int plan_step_serialize(const struct step *s, char *buf, size_t len)
{
	char a[MC_ADDRSTRLEN], b[MC_ADDRSTRLEN];
	int n = -1;

	switch (s->op) {
	case OP_SYSCTL: {
		/* Values such as tcp_rmem's "4096 131072 6291456" travel with commas. */
		char val[sizeof(s->u.sysctl.val)], old[sizeof(s->u.sysctl.old)];

		snprintf(val, sizeof(val), "%s", s->u.sysctl.val);
		snprintf(old, sizeof(old), "%s", s->u.sysctl.old[0] ? s->u.sysctl.old : "-");
		for (char *c = val; *c; c++)
			*c = *c == ' ' ? ',' : *c;
		for (char *c = old; *c; c++)
			*c = *c == ' ' ? ',' : *c;
		n = snprintf(buf, len, "sysctl key=%s val=%s old=%s dev=%s\n", s->u.sysctl.key, val,
			     old, s->ifname[0] ? s->ifname : "-");
		break;
	}
	case OP_ROUTE_ADD:
		n = snprintf(buf, len,
			     "route dst=%s table=%u dev=%s oif=%d scope=%u proto=%u %s=%s\n",
			     mc_prefix_fmt(&s->u.route.dst, true, a, sizeof(a)), s->u.route.table,
			     s->ifname, s->u.route.oif, s->u.route.scope, s->u.route.protocol,
			     s->u.route.has_gw ? "gw" : "src",
			     mc_prefix_fmt(s->u.route.has_gw ? &s->u.route.gw : &s->u.route.prefsrc,
					   false, b, sizeof(b)));
		break;
	case OP_RULE_ADD:
		n = snprintf(buf, len, "rule src=%s table=%u pref=%u\n",
			     mc_prefix_fmt(&s->u.rule.src, true, a, sizeof(a)), s->u.rule.table,
			     s->u.rule.priority);
		break;
	case OP_ENDPOINT_ADD:
		n = snprintf(buf, len, "endpoint addr=%s id=%u dev=%s oif=%d flags=%u\n",
			     mc_prefix_fmt(&s->u.ep.addr, false, a, sizeof(a)), s->u.ep.id,
			     s->ifname, s->u.ep.ifindex, s->u.ep.flags);
		break;
	case OP_LIMITS:
		n = snprintf(buf, len,
			     "limits subflows=%u accepted=%u old_subflows=%u old_accepted=%u\n",
			     s->u.limits.now.subflows, s->u.limits.now.add_addr_accepted,
			     s->u.limits.old.subflows, s->u.limits.old.add_addr_accepted);
		break;
	default:
		return -EINVAL; /* only what setup applies is recorded */
	}
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

bool plan_sysctl_key_ok(const char *key)
{
	static const char *const keys[] = { "net.mptcp.enabled", "net.ipv4.tcp_rmem",
					    "net.ipv4.tcp_wmem", "net.core.rmem_max",
					    "net.core.wmem_max" };
	size_t n = strlen(key);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	/* net.ipv4.conf.IFACE.rp_filter, IFACE without dots or slashes */
	if (n > 24 && !strncmp(key, "net.ipv4.conf.", 14) && !strcmp(key + n - 10, ".rp_filter")) {
		for (size_t i = 14; i < n - 10; i++)
			if (key[i] == '.')
				return false; /* a dot in the name travels as '/' */
		return n - 24 < IF_NAMESIZE;
	}
	return false;
}

/* key=value tokens of a line, at most 8. */
struct kv {
	int n;
	char key[8][16];
	char val[8][80];
};

static int split(const char *line, char *kind, size_t klen, struct kv *kv)
{
	char buf[512], *save = NULL, *tok;

	memset(kv, 0, sizeof(*kv));
	if (strlen(line) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", line);
	buf[strcspn(buf, "\n")] = '\0';
	tok = strtok_r(buf, " ", &save);
	if (!tok || strlen(tok) >= klen)
		return -EINVAL;
	snprintf(kind, klen, "%s", tok);
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq || kv->n == 8 || (size_t)(eq - tok) >= sizeof(kv->key[0]) ||
		    strlen(eq + 1) >= sizeof(kv->val[0]) || eq == tok)
			return -EINVAL;
		memcpy(kv->key[kv->n], tok, (size_t)(eq - tok));
		kv->key[kv->n][eq - tok] = '\0';
		snprintf(kv->val[kv->n], sizeof(kv->val[0]), "%s", eq + 1);
		kv->n++;
	}
	return 0;
}

static const char *get(const struct kv *kv, const char *key)
{
	for (int i = 0; i < kv->n; i++)
		if (!strcmp(kv->key[i], key))
			return kv->val[i];
	return NULL;
}

static int get_u32(const struct kv *kv, const char *key, uint32_t max, uint32_t *out)
{
	const char *v = get(kv, key);
	char *end;
	unsigned long long x;

	if (!v || *v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x > max)
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

static int get_str(const struct kv *kv, const char *key, char *out, size_t len)
{
	const char *v = get(kv, key);

	if (!v || strlen(v) >= len)
		return -EINVAL;
	snprintf(out, len, "%s", strcmp(v, "-") ? v : "");
	return 0;
}

static int get_prefix(const struct kv *kv, const char *key, struct mc_prefix *p)
{
	const char *v = get(kv, key);

	return v ? mc_prefix_parse(v, p) : -EINVAL;
}

int plan_step_parse(const char *line, struct step *s)
{
	char kind[16];
	struct kv kv;
	uint32_t v;

	memset(s, 0, sizeof(*s));
	if (split(line, kind, sizeof(kind), &kv))
		return -EINVAL;
	if (!strcmp(kind, "sysctl")) {
		s->op = OP_SYSCTL;
		if (get_str(&kv, "key", s->u.sysctl.key, sizeof(s->u.sysctl.key)) ||
		    get_str(&kv, "val", s->u.sysctl.val, sizeof(s->u.sysctl.val)) ||
		    get_str(&kv, "old", s->u.sysctl.old, sizeof(s->u.sysctl.old)) ||
		    get_str(&kv, "dev", s->ifname, sizeof(s->ifname)))
			return -EINVAL;
		/* Only the keys setup and tune write may come back from a record. */
		if (!plan_sysctl_key_ok(s->u.sysctl.key))
			return -EINVAL;
		for (char *c = s->u.sysctl.val; *c; c++)
			*c = *c == ',' ? ' ' : *c;
		for (char *c = s->u.sysctl.old; *c; c++)
			*c = *c == ',' ? ' ' : *c;
		return 0;
	}
	if (!strcmp(kind, "route")) {
		s->op = OP_ROUTE_ADD;
		if (get_prefix(&kv, "dst", &s->u.route.dst) ||
		    get_u32(&kv, "table", UINT32_MAX, &s->u.route.table) ||
		    get_str(&kv, "dev", s->ifname, sizeof(s->ifname)) ||
		    get_u32(&kv, "oif", INT32_MAX, &v))
			return -EINVAL;
		s->u.route.oif = (int)v;
		if (get_u32(&kv, "scope", 255, &v))
			return -EINVAL;
		s->u.route.scope = (uint8_t)v;
		if (get_u32(&kv, "proto", 255, &v))
			return -EINVAL;
		s->u.route.protocol = (uint8_t)v;
		if (get(&kv, "gw")) {
			s->u.route.has_gw = true;
			return get_prefix(&kv, "gw", &s->u.route.gw);
		}
		s->u.route.has_prefsrc = true;
		return get_prefix(&kv, "src", &s->u.route.prefsrc);
	}
	if (!strcmp(kind, "rule")) {
		s->op = OP_RULE_ADD;
		if (get_prefix(&kv, "src", &s->u.rule.src) ||
		    get_u32(&kv, "table", UINT32_MAX, &s->u.rule.table) ||
		    get_u32(&kv, "pref", UINT32_MAX, &s->u.rule.priority))
			return -EINVAL;
		s->u.rule.family = s->u.rule.src.family;
		s->u.rule.has_src = true;
		return 0;
	}
	if (!strcmp(kind, "endpoint")) {
		s->op = OP_ENDPOINT_ADD;
		if (get_prefix(&kv, "addr", &s->u.ep.addr) || get_u32(&kv, "id", 255, &v))
			return -EINVAL;
		s->u.ep.id = (uint8_t)v;
		if (get_str(&kv, "dev", s->ifname, sizeof(s->ifname)) ||
		    get_u32(&kv, "oif", INT32_MAX, &v))
			return -EINVAL;
		s->u.ep.ifindex = (int)v;
		return get_u32(&kv, "flags", 0xff, &s->u.ep.flags);
	}
	if (!strcmp(kind, "limits")) {
		s->op = OP_LIMITS;
		if (get_u32(&kv, "subflows", PM_MAX_LIMIT, &s->u.limits.now.subflows) ||
		    get_u32(&kv, "accepted", PM_MAX_LIMIT, &s->u.limits.now.add_addr_accepted) ||
		    get_u32(&kv, "old_subflows", PM_MAX_LIMIT, &s->u.limits.old.subflows) ||
		    get_u32(&kv, "old_accepted", PM_MAX_LIMIT, &s->u.limits.old.add_addr_accepted))
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}
