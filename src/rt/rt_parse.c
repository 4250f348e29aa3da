// SPDX-License-Identifier: GPL-2.0-or-later
/* rtnetlink decoders: pure, never print, fuzzed (tests/fuzz/fuzz_rt.c). */
#include "rt.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#define PSCHED_NS_PER_TICK 64ULL

static int get_addr(const struct nlattr *a, int family, uint8_t plen, struct mc_prefix *p)
{
	size_t want = family == AF_INET6 ? 16 : 4;

	if (family != AF_INET && family != AF_INET6)
		return -EBADMSG;
	if (mnl_attr_get_payload_len(a) != want)
		return -EBADMSG;
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->plen = plen;
	memcpy(p->a.raw, mnl_attr_get_payload(a), want);
	return 0;
}

static int get_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EBADMSG;
	*v = mnl_attr_get_u32(a);
	return 0;
}

int rt_link_parse(const struct nlmsghdr *nlh, struct rt_link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;

	memset(l, 0, sizeof(*l));
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return -ENOENT;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*ifi))
		return -EBADMSG;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (nl_attr_parse(nlh, sizeof(*ifi), tb, IFLA_MAX))
		return -EBADMSG;
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	if (!tb[IFLA_IFNAME] || nl_attr_strcpy(tb[IFLA_IFNAME], l->name, sizeof(l->name)))
		return -EBADMSG;
	if (tb[IFLA_MTU] && get_u32(tb[IFLA_MTU], &l->mtu))
		return -EBADMSG;
	if (tb[IFLA_OPERSTATE]) {
		if (mnl_attr_validate(tb[IFLA_OPERSTATE], MNL_TYPE_U8) < 0)
			return -EBADMSG;
		l->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	}
	if (tb[IFLA_LINKINFO]) {
		const struct nlattr *li[IFLA_INFO_MAX + 1];

		if (nl_attr_parse_nested(tb[IFLA_LINKINFO], li, IFLA_INFO_MAX))
			return -EBADMSG;
		if (li[IFLA_INFO_KIND] &&
		    nl_attr_strcpy(li[IFLA_INFO_KIND], l->kind, sizeof(l->kind)))
			return -EBADMSG;
	}
	if (tb[IFLA_STATS64]) {
		struct rtnl_link_stats64 st;

		if (mnl_attr_get_payload_len(tb[IFLA_STATS64]) < sizeof(st))
			return -EBADMSG;
		memcpy(&st, mnl_attr_get_payload(tb[IFLA_STATS64]), sizeof(st));
		l->rx_bytes = st.rx_bytes;
		l->tx_bytes = st.tx_bytes;
		l->rx_packets = st.rx_packets;
		l->tx_packets = st.tx_packets;
	}
	return 0;
}

int rt_addr_parse(const struct nlmsghdr *nlh, struct rt_addr *a)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	const struct nlattr *src;

	memset(a, 0, sizeof(*a));
	if (nlh->nlmsg_type != RTM_NEWADDR)
		return -ENOENT;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*ifa))
		return -EBADMSG;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (nl_attr_parse(nlh, sizeof(*ifa), tb, IFA_MAX))
		return -EBADMSG;
	if (ifa->ifa_prefixlen > (ifa->ifa_family == AF_INET6 ? 128 : 32))
		return -EBADMSG;
	/* IFA_LOCAL is the address on point-to-point links; IFA_ADDRESS otherwise. */
	src = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!src || get_addr(src, ifa->ifa_family, ifa->ifa_prefixlen, &a->p))
		return -EBADMSG;
	a->ifindex = (int)ifa->ifa_index;
	a->scope = ifa->ifa_scope;
	a->flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] && get_u32(tb[IFA_FLAGS], &a->flags))
		return -EBADMSG;
	return 0;
}

int rt_route_parse(const struct nlmsghdr *nlh, struct rt_route *r)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;
	uint32_t oif = 0;

	memset(r, 0, sizeof(*r));
	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return -ENOENT;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*rtm))
		return -EBADMSG;
	rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return -ENOENT;
	if (rtm->rtm_dst_len > (rtm->rtm_family == AF_INET6 ? 128 : 32))
		return -EBADMSG;
	if (nl_attr_parse(nlh, sizeof(*rtm), tb, RTA_MAX))
		return -EBADMSG;
	r->dst.family = rtm->rtm_family;
	r->dst.plen = rtm->rtm_dst_len;
	if (tb[RTA_DST] && get_addr(tb[RTA_DST], rtm->rtm_family, rtm->rtm_dst_len, &r->dst))
		return -EBADMSG;
	r->table = rtm->rtm_table;
	if (tb[RTA_TABLE] && get_u32(tb[RTA_TABLE], &r->table))
		return -EBADMSG;
	if (tb[RTA_GATEWAY]) {
		if (get_addr(tb[RTA_GATEWAY], rtm->rtm_family,
			     rtm->rtm_family == AF_INET6 ? 128 : 32, &r->gw))
			return -EBADMSG;
		r->has_gw = true;
	}
	if (tb[RTA_PREFSRC]) {
		if (get_addr(tb[RTA_PREFSRC], rtm->rtm_family,
			     rtm->rtm_family == AF_INET6 ? 128 : 32, &r->prefsrc))
			return -EBADMSG;
		r->has_prefsrc = true;
	}
	if (tb[RTA_OIF] && get_u32(tb[RTA_OIF], &oif))
		return -EBADMSG;
	r->oif = (int)oif;
	if (tb[RTA_PRIORITY] && get_u32(tb[RTA_PRIORITY], &r->metric))
		return -EBADMSG;
	r->scope = rtm->rtm_scope;
	r->protocol = rtm->rtm_protocol;
	r->type = rtm->rtm_type;
	return 0;
}

int rt_rule_parse(const struct nlmsghdr *nlh, struct rt_rule *r)
{
	const struct nlattr *tb[FRA_MAX + 1];
	const struct fib_rule_hdr *frh;

	memset(r, 0, sizeof(*r));
	if (nlh->nlmsg_type != RTM_NEWRULE)
		return -ENOENT;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*frh))
		return -EBADMSG;
	frh = mnl_nlmsg_get_payload(nlh);
	if (frh->family != AF_INET && frh->family != AF_INET6)
		return -ENOENT;
	if (frh->src_len > (frh->family == AF_INET6 ? 128 : 32))
		return -EBADMSG;
	if (nl_attr_parse(nlh, sizeof(*frh), tb, FRA_MAX))
		return -EBADMSG;
	r->family = frh->family;
	r->action = frh->action;
	r->table = frh->table;
	if (tb[FRA_TABLE] && get_u32(tb[FRA_TABLE], &r->table))
		return -EBADMSG;
	if (tb[FRA_PRIORITY] && get_u32(tb[FRA_PRIORITY], &r->priority))
		return -EBADMSG;
	if (tb[FRA_SRC]) {
		if (get_addr(tb[FRA_SRC], frh->family, frh->src_len, &r->src))
			return -EBADMSG;
		r->has_src = true;
	}
	if (tb[FRA_PROTOCOL]) {
		if (mnl_attr_validate(tb[FRA_PROTOCOL], MNL_TYPE_U8) < 0)
			return -EBADMSG;
		r->protocol = mnl_attr_get_u8(tb[FRA_PROTOCOL]);
	}
	return 0;
}

static int parse_tbf(const struct nlattr *opts, struct rt_qdisc *q)
{
	const struct nlattr *tb[TCA_TBF_MAX + 1];
	struct tc_tbf_qopt qopt;
	uint64_t bytes_ps;

	if (nl_attr_parse_nested(opts, tb, TCA_TBF_MAX))
		return -EBADMSG;
	if (!tb[TCA_TBF_PARMS] || mnl_attr_get_payload_len(tb[TCA_TBF_PARMS]) < sizeof(qopt))
		return -EBADMSG;
	memcpy(&qopt, mnl_attr_get_payload(tb[TCA_TBF_PARMS]), sizeof(qopt));
	bytes_ps = qopt.rate.rate;
	if (tb[TCA_TBF_RATE64]) {
		if (mnl_attr_validate(tb[TCA_TBF_RATE64], MNL_TYPE_U64) < 0)
			return -EBADMSG;
		bytes_ps = mnl_attr_get_u64(tb[TCA_TBF_RATE64]);
	}
	if (bytes_ps > UINT64_MAX / 8)
		return -EBADMSG;
	q->rate_bps = bytes_ps * 8;
	q->limit = qopt.limit;
	/* buffer is in scheduler ticks: bytes = ns * rate. */
	q->burst = (uint32_t)((unsigned __int128)qopt.buffer * PSCHED_NS_PER_TICK * bytes_ps /
			      1000000000ULL);
	return 0;
}

static int parse_netem(const struct nlattr *opts, struct rt_qdisc *q)
{
	size_t len = mnl_attr_get_payload_len(opts);
	const char *p = mnl_attr_get_payload(opts);
	struct tc_netem_qopt qopt;
	size_t off = MNL_ALIGN(sizeof(qopt));

	if (len < sizeof(qopt))
		return -EBADMSG;
	memcpy(&qopt, p, sizeof(qopt));
	q->limit = qopt.limit;
	q->delay_ns = (uint64_t)qopt.latency * PSCHED_NS_PER_TICK;
	while (off + sizeof(struct nlattr) <= len) {
		const struct nlattr *a = (const struct nlattr *)(p + off);

		if (a->nla_len < sizeof(*a) || off + a->nla_len > len)
			return -EBADMSG;
		if ((a->nla_type & NLA_TYPE_MASK) == TCA_NETEM_LATENCY64 &&
		    a->nla_len == sizeof(*a) + sizeof(int64_t)) {
			int64_t lat;

			memcpy(&lat, a + 1, sizeof(lat));
			q->delay_ns = lat < 0 ? 0 : (uint64_t)lat;
		}
		off += MNL_ALIGN(a->nla_len);
	}
	return 0;
}

int rt_qdisc_parse(const struct nlmsghdr *nlh, struct rt_qdisc *q)
{
	const struct nlattr *tb[TCA_MAX + 1];
	const struct tcmsg *tcm;

	memset(q, 0, sizeof(*q));
	if (nlh->nlmsg_type != RTM_NEWQDISC)
		return -ENOENT;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*tcm))
		return -EBADMSG;
	tcm = mnl_nlmsg_get_payload(nlh);
	if (nl_attr_parse(nlh, sizeof(*tcm), tb, TCA_MAX))
		return -EBADMSG;
	q->ifindex = tcm->tcm_ifindex;
	q->handle = tcm->tcm_handle;
	q->parent = tcm->tcm_parent;
	if (!tb[TCA_KIND] || nl_attr_strcpy(tb[TCA_KIND], q->kind, sizeof(q->kind)))
		return -EBADMSG;
	if (!tb[TCA_OPTIONS])
		return 0;
	if (!strcmp(q->kind, "tbf"))
		return parse_tbf(tb[TCA_OPTIONS], q);
	if (!strcmp(q->kind, "netem"))
		return parse_netem(tb[TCA_OPTIONS], q);
	return 0;
}
