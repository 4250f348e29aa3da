// SPDX-License-Identifier: GPL-2.0-or-later
/* The checks: a snapshot in, verdicts with their fix out (pure). */
#include "doctor.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <net/if.h>

const char *dr_status_name(enum dr_status s)
{
	return s == DR_OK ? "ok" : s == DR_WARN ? "warn" : "fail";
}

static struct dr_result *add(struct dr_report *rep, const char *id, enum dr_status st,
			     const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static struct dr_result *add(struct dr_report *rep, const char *id, enum dr_status st,
			     const char *fix, const char *fmt, ...)
{
	struct dr_result *r;
	va_list ap;

	if (rep->n >= DR_MAX_RESULTS)
		return NULL;
	r = &rep->r[rep->n++];
	r->id = id;
	r->status = st;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	snprintf(r->fix, sizeof(r->fix), "%s", fix ? fix : "");
	if (st == DR_OK)
		rep->nok++;
	else if (st == DR_WARN)
		rep->nwarn++;
	else
		rep->nfail++;
	return r;
}

static const struct rt_link *link_of(const struct plan_state *st, int ifindex)
{
	for (int i = 0; i < st->nlinks; i++)
		if (st->links[i].ifindex == ifindex)
			return &st->links[i];
	return NULL;
}

static const struct rt_addr *addr_on(const struct plan_state *st, const struct mc_prefix *a)
{
	for (int i = 0; i < st->naddrs; i++)
		if (st->addrs[i].p.family == a->family &&
		    !memcmp(st->addrs[i].p.a.raw, a->a.raw, mc_prefix_alen(a)))
			return &st->addrs[i];
	return NULL;
}

static void check_impl(const struct dr_input *in, struct dr_report *rep)
{
	const struct plan_state *st = &in->st;

	if (in->out_of_tree)
		add(rep, "mptcp.implementation", DR_FAIL, "boot an upstream kernel (5.6 or later)",
		    "this is the out-of-tree multipath-tcp.org kernel (net.mptcp.mptcp_enabled): "
		    "it is configured differently and mptcpctl does not drive it");
	else if (!in->upstream)
		add(rep, "mptcp.implementation", DR_FAIL,
		    "boot a kernel built with CONFIG_MPTCP (Linux 5.6 or later)",
		    "this kernel has no MPTCP (net.mptcp.enabled is missing)");
	else
		add(rep, "mptcp.implementation", DR_OK, NULL,
		    "upstream MPTCP (net.mptcp.enabled exists)");
	if (!in->upstream)
		return;
	if (strcmp(st->mptcp_enabled, "1"))
		add(rep, "mptcp.enabled", DR_FAIL, "sysctl -w net.mptcp.enabled=1",
		    "MPTCP is disabled in this network namespace: MPTCP sockets cannot be created");
	else
		add(rep, "mptcp.enabled", DR_OK, NULL, "MPTCP is enabled in this namespace");
	if (!strcmp(in->pm_type, "1") && (!in->rival || strcmp(in->rival, "mptcpd")))
		add(rep, "mptcp.path_manager", DR_WARN, "sysctl -w net.mptcp.pm_type=0",
		    "the userspace path manager is selected but no mptcpd runs: no extra subflows");
	else
		add(rep, "mptcp.path_manager", DR_OK, NULL, "path manager: %s",
		    !strcmp(in->pm_type, "1") ? "userspace (mptcpd)" : "in-kernel");
	add(rep, "mptcp.scheduler", DR_OK, NULL, "packet scheduler: %s",
	    in->scheduler[0] ? in->scheduler : "default");
}

static void check_limits(const struct dr_input *in, struct dr_report *rep, int eps, int signal)
{
	const struct pm_limits *l = &in->st.limits;
	uint32_t want = eps > 2 ? (eps < 8 ? (uint32_t)eps : 8) : 2; /* kernel max: 8 */
	char fix[96];

	/* Like --fix, never lower the other limit. */
	snprintf(fix, sizeof(fix), "ip mptcp limits set subflow %u add_addr_accepted %u",
		 l->subflows > want ? l->subflows : want,
		 l->add_addr_accepted > want ? l->add_addr_accepted : want);
	if (l->subflows == 0)
		add(rep, "limits.subflows", DR_FAIL, fix,
		    "subflows limit is 0: every connection stays on one path");
	else if (eps && l->subflows < (uint32_t)eps)
		add(rep, "limits.subflows", DR_WARN, fix,
		    "subflows limit %u is below the %d endpoints: some paths stay unused",
		    l->subflows, eps);
	else
		add(rep, "limits.subflows", DR_OK, NULL, "subflows limit %u", l->subflows);
	/* A host without signal endpoints is a client: it needs to accept announcements. */
	if (!signal && l->add_addr_accepted == 0)
		add(rep, "limits.add_addr_accepted", DR_WARN, fix,
		    "add_addr_accepted is 0: addresses the server announces are ignored");
	else
		add(rep, "limits.add_addr_accepted", DR_OK, NULL, "add_addr_accepted %u",
		    l->add_addr_accepted);
}

static void check_endpoint(const struct dr_input *in, int i, struct dr_report *rep)
{
	const struct plan_state *st = &in->st;
	const struct pm_endpoint *ep = &st->endpoints[i];
	const struct rt_addr *a = addr_on(st, &ep->addr);
	const struct rt_link *dev = ep->ifindex ? link_of(st, ep->ifindex) : NULL;
	const struct rt_link *holder = a ? link_of(st, a->ifindex) : NULL;
	char as[MC_ADDRSTRLEN], fl[72], fix[240];

	mc_prefix_fmt(&ep->addr, false, as, sizeof(as));
	pm_flags_str(ep->flags, fl, sizeof(fl));
	for (char *c = fl; *c; c++)
		if (*c == ',')
			*c = ' ';
	if (ep->port) /* "signal port 8080": ip(8) takes the port among the flags */
		snprintf(fl + strlen(fl), sizeof(fl) - strlen(fl), "%sport %u", fl[0] ? " " : "",
			 ep->port);
	if (!a) {
		snprintf(fix, sizeof(fix), "ip mptcp endpoint delete id %u", ep->id);
		add(rep, "endpoint.address", DR_FAIL, fix,
		    "endpoint %s (id %u) is on no interface: no subflow can use it", as, ep->id);
		return;
	}
	if (dev && holder && dev->ifindex != holder->ifindex) {
		snprintf(fix, sizeof(fix),
			 "ip mptcp endpoint delete id %u; ip mptcp endpoint add %s dev %s%s%s",
			 ep->id, as, holder->name, fl[0] ? " " : "", fl);
		add(rep, "endpoint.dev", DR_FAIL, fix,
		    "endpoint %s (id %u) has dev %s, but the address is on %s", as, ep->id,
		    dev->name, holder->name);
	} else if (holder && !(holder->flags & IFF_UP)) {
		snprintf(fix, sizeof(fix), "ip link set %s up", holder->name);
		add(rep, "endpoint.link", DR_WARN, fix, "endpoint %s (id %u): interface %s is down",
		    as, ep->id, holder->name);
	} else {
		add(rep, "endpoint.address", DR_OK, NULL, "endpoint %s (id %u, %s) on %s", as,
		    ep->id, fl, holder ? holder->name : "?");
	}
	if ((ep->flags & MC_PM_FLAG_FULLMESH) && !(ep->flags & MC_PM_FLAG_SUBFLOW)) {
		snprintf(
			fix, sizeof(fix),
			"ip mptcp endpoint delete id %u; ip mptcp endpoint add %s dev %s %s subflow",
			ep->id, as, holder ? holder->name : "DEV", fl);
		add(rep, "endpoint.fullmesh", DR_WARN, fix,
		    "endpoint %s (id %u) is fullmesh without subflow: the kernel ignores fullmesh "
		    "there",
		    as, ep->id);
	}
	/* Routing: from this address, traffic to other networks leaves by its interface. */
	if (in->lookup[i].done && holder && in->lookup[i].oif != holder->ifindex) {
		const struct rt_link *out = link_of(st, in->lookup[i].oif);

		snprintf(fix, sizeof(fix),
			 "mptcpctl setup %s (adds 'ip rule add from %s lookup TABLE' "
			 "and the table's routes)",
			 holder->name, as);
		add(rep, "routing.source", DR_FAIL, fix,
		    "from %s, traffic to other networks leaves by %s, not %s: a per-source rule "
		    "and table are missing",
		    as, out ? out->name : "another interface", holder->name);
	} else if (holder) {
		add(rep, "routing.source", DR_OK, NULL, "from %s, traffic leaves by %s%s", as,
		    holder->name, in->lookup[i].done ? "" : " (no default route: own subnet only)");
	}
	if (a->p.family == AF_INET && holder) {
		int li = (int)(holder - st->links), rp = st->rp_filter[li];
		int eff = rp > st->rp_filter_all ? rp : st->rp_filter_all;

		bool seen = false;

		for (int j = 0; j < i && !seen; j++) {
			const struct pm_endpoint *o = &st->endpoints[j];
			const struct rt_addr *oa = addr_on(st, &o->addr);

			seen = !(o->flags & MC_PM_FLAG_IMPLICIT) && oa && oa->p.family == AF_INET &&
			       oa->ifindex == holder->ifindex;
		}
		if (eff == 1 && !seen) {
			snprintf(fix, sizeof(fix), "sysctl -w net.ipv4.conf.%s.rp_filter=2",
				 holder->name);
			add(rep, "routing.rp_filter", DR_WARN, fix,
			    "%s filters reverse paths strictly (rp_filter 1): subflows whose replies "
			    "arrive on another interface are dropped",
			    holder->name);
		}
	}
}

static void check_endpoints(const struct dr_input *in, struct dr_report *rep, int *eps, int *signal)
{
	const struct plan_state *st = &in->st;

	*eps = *signal = 0;
	for (int i = 0; i < st->nendpoints; i++) {
		if (st->endpoints[i].flags & MC_PM_FLAG_IMPLICIT)
			continue;
		(*eps)++;
		*signal += !!(st->endpoints[i].flags & MC_PM_FLAG_SIGNAL);
		check_endpoint(in, i, rep);
	}
	if (!*eps)
		add(rep, "endpoint.none", DR_WARN,
		    "mptcpctl setup role client|server IFACE1 IFACE2",
		    "no endpoints: connections use one path only");
	if (in->listeners && !*signal)
		add(rep, "endpoint.signal", DR_WARN, "mptcpctl setup role server IFACE1 IFACE2",
		    "%d MPTCP listener%s but no signal endpoint: clients learn of no other path",
		    in->listeners, in->listeners == 1 ? "" : "s");
}

static void check_blackhole(const struct dr_input *in, struct dr_report *rep)
{
	if (in->syn_tx_disabled || in->blackhole)
		add(rep, "mptcp.blackhole", DR_WARN,
		    "find what drops MPTCP SYNs on the way (sysctl net.mptcp.blackhole_timeout=0 "
		    "disables the detection)",
		    "MPTCP blackhole detected %llu time%s; %llu SYNs went out without MP_CAPABLE "
		    "(blackhole_timeout %ss)",
		    (unsigned long long)in->blackhole, in->blackhole == 1 ? "" : "s",
		    (unsigned long long)in->syn_tx_disabled,
		    in->blackhole_timeout[0] ? in->blackhole_timeout : "?");
	else
		add(rep, "mptcp.blackhole", DR_OK, NULL, "no MPTCP blackhole detected");
}

static void check_buffers(const struct dr_input *in, struct dr_report *rep)
{
	uint64_t bdp, want;
	char fix[240];

	if (!in->path_rate_bps) {
		add(rep, "tcp.buffers", DR_OK, NULL,
		    "TCP buffers: tcp_rmem max %llu, tcp_wmem max %llu (no shaped rate to compare; "
		    "see mptcpctl tune)",
		    (unsigned long long)in->tcp_rmem_max, (unsigned long long)in->tcp_wmem_max);
		return;
	}
	bdp = in->path_rate_bps / 8 * in->rtt_us / 1000000;
	want = 2 * bdp;
	if (in->tcp_rmem_max < want || in->tcp_wmem_max < want) {
		snprintf(fix, sizeof(fix), "mptcpctl tune rate %llubit rtt %lluus",
			 (unsigned long long)in->path_rate_bps, (unsigned long long)in->rtt_us);
		add(rep, "tcp.buffers", DR_WARN, fix,
		    "TCP buffers (rmem %llu, wmem %llu) are below twice the bandwidth-delay product "
		    "of the paths (%llu bytes)",
		    (unsigned long long)in->tcp_rmem_max, (unsigned long long)in->tcp_wmem_max,
		    (unsigned long long)bdp);
	} else {
		add(rep, "tcp.buffers", DR_OK, NULL,
		    "TCP buffers cover the bandwidth-delay product (%llu bytes)",
		    (unsigned long long)bdp);
	}
}

void doctor_check(const struct dr_input *in, struct dr_report *rep)
{
	int eps, signal;

	memset(rep, 0, sizeof(*rep));
	check_impl(in, rep);
	if (!in->upstream)
		return;
	check_endpoints(in, rep, &eps, &signal);
	check_limits(in, rep, eps, signal);
	check_blackhole(in, rep);
	if (in->rival && !strcmp(in->rival, "mptcpd") && !strcmp(in->pm_type, "1"))
		add(rep, "manager.rival", DR_OK, NULL,
		    "mptcpd runs here as the userspace path manager");
	else if (in->rival)
		add(rep, "manager.rival", DR_WARN,
		    in->rival[0] == 'm' ? "systemctl stop mptcpd" : "",
		    "%s runs here and manages MPTCP endpoints too: two managers fight", in->rival);
	else
		add(rep, "manager.rival", DR_OK, NULL, "no other MPTCP manager runs here");
	check_buffers(in, rep);
}
