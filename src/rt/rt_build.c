// SPDX-License-Identifier: GPL-2.0-or-later
/* rtnetlink request builders: pure functions, golden-byte tested. */
#include "rt.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

/* The kernel's packet-scheduler clock: 1 tick = 64 ns (PSCHED_SHIFT 6). */
#define PSCHED_NS_PER_TICK 64ULL

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, int ifindex)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return ifi;
}

struct nlmsghdr *rt_link_get_build(void *buf, const char *name)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_GETLINK, 0);

	put_ifinfo(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nlh;
}

struct nlmsghdr *rt_link_dump_build(void *buf)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_GETLINK, NLM_F_DUMP);

	put_ifinfo(nlh, 0);
	return nlh;
}

struct nlmsghdr *rt_veth_build(void *buf, const char *name, int nsfd, const char *peer,
			       int peer_nsfd)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *linkinfo, *data, *peerinfo;

	put_ifinfo(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (nsfd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's ifinfomsg heads the attribute's payload (zeroed: any index). */
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_nsfd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
	mnl_attr_nest_end(nlh, peerinfo);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nlh;
}

struct nlmsghdr *rt_link_updown_build(void *buf, int ifindex, bool up)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = put_ifinfo(nlh, ifindex);

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return nlh;
}

struct nlmsghdr *rt_link_del_build(void *buf, int ifindex)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_DELLINK, 0);

	put_ifinfo(nlh, ifindex);
	return nlh;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const struct mc_prefix *p)
{
	mnl_attr_put(nlh, type, mc_prefix_alen(p), p->a.raw);
}

struct nlmsghdr *rt_addr_build(void *buf, uint16_t cmd, int ifindex, const struct mc_prefix *p,
			       uint32_t ifa_flags)
{
	struct nlmsghdr *nlh =
		nl_msg_start(buf, cmd, cmd == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = (uint8_t)p->family;
	ifa->ifa_prefixlen = p->plen;
	ifa->ifa_index = (uint32_t)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	if (p->family == AF_INET)
		put_addr(nlh, IFA_LOCAL, p);
	put_addr(nlh, IFA_ADDRESS, p);
	if (cmd == RTM_NEWADDR && ifa_flags) {
		ifa->ifa_flags = (uint8_t)(ifa_flags & 0xff);
		mnl_attr_put_u32(nlh, IFA_FLAGS, ifa_flags);
	}
	return nlh;
}

struct nlmsghdr *rt_addr_dump_build(void *buf, int family)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = (uint8_t)family;
	return nlh;
}

struct nlmsghdr *rt_route_build(void *buf, uint16_t cmd, const struct rt_route *r)
{
	struct nlmsghdr *nlh =
		nl_msg_start(buf, cmd, cmd == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	uint32_t table = r->table ? r->table : RT_TABLE_MAIN;

	rtm->rtm_family = (uint8_t)r->dst.family;
	rtm->rtm_dst_len = r->dst.plen;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol ? r->protocol : RTPROT_STATIC;
	rtm->rtm_scope = cmd == RTM_DELROUTE && !r->scope ? RT_SCOPE_NOWHERE : r->scope;
	rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
	if (cmd == RTM_DELROUTE && !r->protocol)
		rtm->rtm_protocol = 0;
	if (r->dst.plen)
		put_addr(nlh, RTA_DST, &r->dst);
	if (r->has_gw)
		put_addr(nlh, RTA_GATEWAY, &r->gw);
	if (r->has_prefsrc)
		put_addr(nlh, RTA_PREFSRC, &r->prefsrc);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	if (r->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	return nlh;
}

struct nlmsghdr *rt_route_get_build(void *buf, const struct mc_prefix *src,
				    const struct mc_prefix *dst)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = (uint8_t)dst->family;
	rtm->rtm_dst_len = dst->family == AF_INET6 ? 128 : 32;
	rtm->rtm_src_len = rtm->rtm_dst_len;
	put_addr(nlh, RTA_DST, dst);
	put_addr(nlh, RTA_SRC, src);
	return nlh;
}

struct nlmsghdr *rt_route_dump_build(void *buf, int family)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = (uint8_t)family;
	return nlh;
}

struct nlmsghdr *rt_rule_build(void *buf, uint16_t cmd, const struct rt_rule *r)
{
	struct nlmsghdr *nlh =
		nl_msg_start(buf, cmd, cmd == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = (uint8_t)r->family;
	frh->action = r->action ? r->action : FR_ACT_TO_TBL;
	frh->table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	if (r->has_src) {
		frh->src_len = r->src.plen;
		put_addr(nlh, FRA_SRC, &r->src);
	}
	if (r->priority)
		mnl_attr_put_u32(nlh, FRA_PRIORITY, r->priority);
	if (r->table)
		mnl_attr_put_u32(nlh, FRA_TABLE, r->table);
	if (r->protocol)
		mnl_attr_put_u8(nlh, FRA_PROTOCOL, r->protocol);
	return nlh;
}

struct nlmsghdr *rt_rule_dump_build(void *buf, int family)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_GETRULE, NLM_F_DUMP);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = (uint8_t)family;
	return nlh;
}

static struct tcmsg *put_tcmsg(struct nlmsghdr *nlh, int ifindex, uint32_t handle, uint32_t parent)
{
	struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));

	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_handle = handle;
	tcm->tcm_parent = parent;
	return tcm;
}

struct nlmsghdr *rt_tbf_build(void *buf, int ifindex, uint32_t handle, uint32_t parent,
			      const struct rt_tbf *t)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE);
	uint64_t bytes_ps = t->rate_bps / 8;
	struct tc_tbf_qopt q;
	struct nlattr *opts;

	put_tcmsg(nlh, ifindex, handle, parent);
	mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
	memset(&q, 0, sizeof(q));
	q.rate.rate = bytes_ps >= (1ULL << 32) ? ~0U : (uint32_t)bytes_ps;
	q.rate.linklayer = TC_LINKLAYER_ETHERNET;
	q.limit = t->limit;
	/* buffer (ticks) is what old kernels read; TCA_TBF_BURST wins on new ones. */
	if (bytes_ps) {
		uint64_t ns = (uint64_t)t->burst * 1000000000ULL / bytes_ps;
		uint64_t ticks = ns / PSCHED_NS_PER_TICK;

		q.buffer = ticks > 0xffffffffULL ? 0xffffffffU : (uint32_t)ticks;
	}
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(q), &q);
	if (bytes_ps >= (1ULL << 32))
		mnl_attr_put_u64(nlh, TCA_TBF_RATE64, bytes_ps);
	mnl_attr_put_u32(nlh, TCA_TBF_BURST, t->burst);
	mnl_attr_nest_end(nlh, opts);
	return nlh;
}

struct nlmsghdr *rt_netem_build(void *buf, int ifindex, uint32_t handle, uint32_t parent,
				uint64_t delay_ns)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE);
	struct tc_netem_qopt q;
	struct nlattr *opts;
	uint64_t ticks = delay_ns / PSCHED_NS_PER_TICK;
	int64_t lat = (int64_t)delay_ns;

	put_tcmsg(nlh, ifindex, handle, parent);
	mnl_attr_put_strz(nlh, TCA_KIND, "netem");
	memset(&q, 0, sizeof(q));
	q.limit = 10000;
	q.latency = ticks > 0xffffffffULL ? 0xffffffffU : (uint32_t)ticks;
	/* netem's options are a struct followed by attributes, not a plain nest. */
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	memcpy(mnl_nlmsg_get_payload_tail(nlh), &q, sizeof(q));
	nlh->nlmsg_len += MNL_ALIGN(sizeof(q));
	mnl_attr_put(nlh, TCA_NETEM_LATENCY64, sizeof(lat), &lat);
	mnl_attr_nest_end(nlh, opts);
	return nlh;
}

struct nlmsghdr *rt_qdisc_del_build(void *buf, int ifindex, uint32_t parent)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_DELQDISC, 0);

	put_tcmsg(nlh, ifindex, 0, parent);
	return nlh;
}

struct nlmsghdr *rt_qdisc_dump_build(void *buf)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, RTM_GETQDISC, NLM_F_DUMP);

	put_tcmsg(nlh, 0, 0, 0);
	return nlh;
}

void rt_tbf_defaults(uint64_t rate_bps, struct rt_tbf *t)
{
	uint64_t bytes_ps = rate_bps / 8;
	uint64_t burst = bytes_ps / 1000; /* 1 ms */
	uint64_t limit = bytes_ps / 50; /* 20 ms */

	if (burst < 65536 + 1514)
		burst = 65536 + 1514;
	if (burst > 0x7fffffffULL)
		burst = 0x7fffffffULL;
	if (limit < 2 * burst)
		limit = 2 * burst;
	if (limit > 0x7fffffffULL)
		limit = 0x7fffffffULL;
	t->rate_bps = rate_bps;
	t->burst = (uint32_t)burst;
	t->limit = (uint32_t)limit;
}
