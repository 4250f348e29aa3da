// SPDX-License-Identifier: GPL-2.0-or-later
/* What doctor looks at, read from the kernel of the current network namespace. */
#include "doctor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/tcp.h>

#include "../diag/diag.h"
#include "../ns/ns.h"
#include "../pm/counters.h"

static int count_listener(const struct diag_sock *s, void *data)
{
	(void)s;
	(*(int *)data)++;
	return 0;
}

static uint64_t third_field(const char *v)
{
	unsigned long long a, b, c;

	return sscanf(v, "%llu %llu %llu", &a, &b, &c) == 3 ? c : 0;
}

static int tbf_rate(const struct rt_qdisc *q, void *data)
{
	uint64_t *max = data;

	if (!strcmp(q->kind, "tbf") && q->rate_bps > *max)
		*max = q->rate_bps;
	return 0;
}

/* Route lookups from each endpoint's address to documentation addresses: no packet is sent. */
static void lookups(struct dr_input *in, struct nl *nl)
{
	struct mc_prefix dst4, dst6;

	mc_prefix_parse("198.51.100.1", &dst4);
	mc_prefix_parse("2001:db8::1", &dst6);
	for (int i = 0; i < in->st.nendpoints; i++) {
		const struct pm_endpoint *ep = &in->st.endpoints[i];
		struct rt_route r;

		if (!rt_route_get(nl, &ep->addr, ep->addr.family == AF_INET6 ? &dst6 : &dst4, &r,
				  NULL)) {
			in->lookup[i].done = true;
			in->lookup[i].oif = r.oif;
		}
	}
}

int doctor_gather(struct dr_input *in, struct mc_err *e)
{
	struct mc_counters *cnt;
	char v[96];
	struct nl nl;
	int ret;

	memset(in, 0, sizeof(*in));
	in->rtt_us = 1000;
	in->upstream = !sysctl_get(-1, "net.mptcp.enabled", v, sizeof(v), NULL);
	in->out_of_tree = access("/proc/sys/net/mptcp/mptcp_enabled", F_OK) == 0;
	if (!in->upstream)
		return 0;
	ret = plan_state_read(&in->st, e);
	if (ret)
		return ret;
	if (sysctl_get(-1, "net.mptcp.pm_type", in->pm_type, sizeof(in->pm_type), NULL))
		in->pm_type[0] = '\0';
	if (sysctl_get(-1, "net.mptcp.scheduler", in->scheduler, sizeof(in->scheduler), NULL))
		in->scheduler[0] = '\0';
	if (sysctl_get(-1, "net.mptcp.blackhole_timeout", in->blackhole_timeout,
		       sizeof(in->blackhole_timeout), NULL))
		in->blackhole_timeout[0] = '\0';
	cnt = calloc(1, sizeof(*cnt));
	if (cnt && !counters_read(cnt, NULL)) {
		in->blackhole = counters_get(cnt, "Blackhole");
		in->syn_tx_disabled = counters_get(cnt, "MPCapableSYNTXDisabled");
	}
	free(cnt);
	in->rival = plan_rival_manager();
	if (!sysctl_get(-1, "net.ipv4.tcp_rmem", v, sizeof(v), NULL))
		in->tcp_rmem_max = third_field(v);
	if (!sysctl_get(-1, "net.ipv4.tcp_wmem", v, sizeof(v), NULL))
		in->tcp_wmem_max = third_field(v);
	if (!sysctl_get(-1, "net.core.rmem_max", v, sizeof(v), NULL))
		in->rmem_max = strtoull(v, NULL, 10);
	if (!sysctl_get(-1, "net.core.wmem_max", v, sizeof(v), NULL))
		in->wmem_max = strtoull(v, NULL, 10);
	ret = nl_open(&nl, NETLINK_ROUTE, e);
	if (ret)
		return ret;
	lookups(in, &nl);
	rt_qdisc_dump(&nl, tbf_rate, &in->path_rate_bps, NULL);
	nl_close(&nl);
	ret = nl_open(&nl, NETLINK_SOCK_DIAG, e);
	if (ret)
		return ret;
	diag_dump(&nl, AF_UNSPEC, IPPROTO_MPTCP, 1U << TCP_LISTEN, count_listener, &in->listeners,
		  NULL);
	nl_close(&nl);
	return 0;
}

static void tune_step(struct plan *p, const char *key, const char *val, const char *old)
{
	struct step *s;

	if (p->n >= PLAN_MAX_STEPS || !strcmp(val, old))
		return;
	s = &p->v[p->n++];
	memset(s, 0, sizeof(*s));
	s->op = OP_SYSCTL;
	snprintf(s->u.sysctl.key, sizeof(s->u.sysctl.key), "%s", key);
	snprintf(s->u.sysctl.val, sizeof(s->u.sysctl.val), "%s", val);
	snprintf(s->u.sysctl.old, sizeof(s->u.sysctl.old), "%s", old);
}

int tune_plan(uint64_t rate_bps, uint64_t rtt_us, const struct dr_input *in, struct plan *p,
	      struct mc_err *e)
{
	uint64_t want;
	char v[96], old[96];

	memset(p, 0, sizeof(*p));
	if (!rate_bps || !rtt_us)
		return mc_err_set(e, -EINVAL, "tune needs a rate and an rtt");
	want = 2 * (rate_bps / 8) * rtt_us / 1000000;
	if (want < 4U << 20)
		want = 4U << 20; /* never below the kernel's usual 4 MiB */
	if (want > 1U << 30)
		return mc_err_set(e, -ERANGE, "buffers of %llu bytes: the rate or rtt is too large",
				  (unsigned long long)want);
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "net.ipv4.tcp_wmem" : "net.ipv4.tcp_rmem";
		unsigned long long a, b, c;

		if (sysctl_get(-1, key, old, sizeof(old), NULL) ||
		    sscanf(old, "%llu %llu %llu", &a, &b, &c) != 3)
			return mc_err_set(e, -ENOENT, "reading %s", key);
		if (c >= want)
			continue; /* never lowered */
		snprintf(v, sizeof(v), "%llu %llu %llu", a, b, (unsigned long long)want);
		for (char *t = old; *t; t++)
			*t = *t == '\t' ? ' ' : *t;
		tune_step(p, key, v, old);
	}
	/* rmem_max/wmem_max cap SO_RCVBUF/SO_SNDBUF; read-only in a child namespace. */
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "net.core.wmem_max" : "net.core.rmem_max";
		uint64_t cur = k ? in->wmem_max : in->rmem_max;
		char path[64];

		if (cur >= want)
			continue;
		sysctl_path(key, path, sizeof(path));
		if (access(path, W_OK)) {
			if (p->nnotes < 4)
				snprintf(p->notes[p->nnotes++], sizeof(p->notes[0]),
					 "%s (%llu) is read-only here (a child network namespace): "
					 "set it in the host",
					 key, (unsigned long long)cur);
			continue;
		}
		snprintf(v, sizeof(v), "%llu", (unsigned long long)want);
		snprintf(old, sizeof(old), "%llu", (unsigned long long)cur);
		tune_step(p, key, v, old);
	}
	return 0;
}
