/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rtnetlink: links, veth pairs, addresses, routes, rules and qdiscs.
 *
 * rt_*_build() fill a request buffer (NL_REQ_BUF bytes) and rt_*_parse()
 * decode one kernel message; both are pure. The other functions do the I/O
 * on a struct nl opened with NETLINK_ROUTE in the namespace they act on.
 */
#ifndef MC_RT_H
#define MC_RT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../nl/nl.h"

#define RT_KIND_LEN 16

struct rt_link {
	int ifindex;
	char name[IF_NAMESIZE];
	unsigned int flags; /* IFF_* */
	unsigned int mtu;
	uint8_t operstate;
	char kind[RT_KIND_LEN]; /* "veth", ... or "" */
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
};

struct rt_addr {
	int ifindex;
	struct mc_prefix p;
	uint8_t scope;
	uint32_t flags; /* IFA_F_* */
};

struct rt_route {
	uint32_t table; /* RT_TABLE_MAIN when 0 is given to the builders */
	struct mc_prefix dst; /* family and plen always set; plen 0 = default */
	bool has_gw;
	struct mc_prefix gw;
	int oif;
	bool has_prefsrc;
	struct mc_prefix prefsrc;
	uint8_t scope; /* RT_SCOPE_* */
	uint8_t protocol; /* RTPROT_*; 0 means RTPROT_STATIC to the builders */
	uint8_t type; /* RTN_*; 0 means RTN_UNICAST to the builders */
	uint32_t metric;
};

struct rt_rule {
	int family;
	bool has_src;
	struct mc_prefix src;
	uint32_t table;
	uint32_t priority;
	uint8_t protocol;
	uint8_t action; /* FR_ACT_*; 0 means FR_ACT_TO_TBL to the builders */
};

struct rt_tbf {
	uint64_t rate_bps; /* bits per second */
	uint32_t burst; /* bytes */
	uint32_t limit; /* bytes */
};

struct rt_qdisc {
	int ifindex;
	uint32_t handle;
	uint32_t parent;
	char kind[RT_KIND_LEN];
	/* tbf */
	uint64_t rate_bps;
	uint32_t burst;
	uint32_t limit;
	/* netem */
	uint64_t delay_ns;
};

/* --- builders (pure) --- */
struct nlmsghdr *rt_link_get_build(void *buf, const char *name);
struct nlmsghdr *rt_link_dump_build(void *buf);
/* A veth pair: name in nsfd (-1: the socket's namespace), peer in peer_nsfd (-1: same). */
struct nlmsghdr *rt_veth_build(void *buf, const char *name, int nsfd, const char *peer,
			       int peer_nsfd);
struct nlmsghdr *rt_link_updown_build(void *buf, int ifindex, bool up);
struct nlmsghdr *rt_link_del_build(void *buf, int ifindex);
/* cmd RTM_NEWADDR/RTM_DELADDR; ifa_flags e.g. IFA_F_NODAD. */
struct nlmsghdr *rt_addr_build(void *buf, uint16_t cmd, int ifindex, const struct mc_prefix *p,
			       uint32_t ifa_flags);
struct nlmsghdr *rt_addr_dump_build(void *buf, int family);
/* cmd RTM_NEWROUTE/RTM_DELROUTE. */
struct nlmsghdr *rt_route_build(void *buf, uint16_t cmd, const struct rt_route *r);
struct nlmsghdr *rt_route_dump_build(void *buf, int family);
/* "ip route get DST from SRC": an output lookup (no packet is sent). */
struct nlmsghdr *rt_route_get_build(void *buf, const struct mc_prefix *src,
				    const struct mc_prefix *dst);
/* cmd RTM_NEWRULE/RTM_DELRULE. */
struct nlmsghdr *rt_rule_build(void *buf, uint16_t cmd, const struct rt_rule *r);
struct nlmsghdr *rt_rule_dump_build(void *buf, int family);
/* Root TBF qdisc (handle, parent as given: TC_H_ROOT / 0 for the usual root). */
struct nlmsghdr *rt_tbf_build(void *buf, int ifindex, uint32_t handle, uint32_t parent,
			      const struct rt_tbf *t);
/* Root netem qdisc with a fixed delay. */
struct nlmsghdr *rt_netem_build(void *buf, int ifindex, uint32_t handle, uint32_t parent,
				uint64_t delay_ns);
struct nlmsghdr *rt_qdisc_del_build(void *buf, int ifindex, uint32_t parent);
struct nlmsghdr *rt_qdisc_dump_build(void *buf);

/* --- decoders (pure): 0, or -EBADMSG / -ENOENT (not this kind of message) --- */
int rt_link_parse(const struct nlmsghdr *nlh, struct rt_link *l);
int rt_addr_parse(const struct nlmsghdr *nlh, struct rt_addr *a);
int rt_route_parse(const struct nlmsghdr *nlh, struct rt_route *r);
int rt_rule_parse(const struct nlmsghdr *nlh, struct rt_rule *r);
int rt_qdisc_parse(const struct nlmsghdr *nlh, struct rt_qdisc *q);

/* --- I/O --- */
int rt_link_get(struct nl *nl, const char *name, struct rt_link *l, struct mc_err *e);
int rt_link_index(struct nl *nl, const char *name, int *ifindex, struct mc_err *e);
int rt_veth_add(struct nl *nl, const char *name, int nsfd, const char *peer, int peer_nsfd,
		struct mc_err *e);
int rt_link_set_up(struct nl *nl, const char *name, bool up, struct mc_err *e);
int rt_link_del(struct nl *nl, const char *name, struct mc_err *e);
int rt_addr_add(struct nl *nl, const char *ifname, const struct mc_prefix *p, uint32_t flags,
		struct mc_err *e);
int rt_addr_del(struct nl *nl, const char *ifname, const struct mc_prefix *p, struct mc_err *e);
int rt_route_add(struct nl *nl, const struct rt_route *r, struct mc_err *e);
int rt_route_del(struct nl *nl, const struct rt_route *r, struct mc_err *e);
/* The route the kernel would use from src to dst; -ENETUNREACH etc. if none. */
int rt_route_get(struct nl *nl, const struct mc_prefix *src, const struct mc_prefix *dst,
		 struct rt_route *r, struct mc_err *e);
int rt_rule_add(struct nl *nl, const struct rt_rule *r, struct mc_err *e);
int rt_rule_del(struct nl *nl, const struct rt_rule *r, struct mc_err *e);
int rt_tbf_set(struct nl *nl, const char *ifname, const struct rt_tbf *t, struct mc_err *e);
/* netem as root 1: with TBF as its child 10: (rate 0: no TBF). -ENOENT if no sch_netem. */
int rt_netem_tbf_set(struct nl *nl, const char *ifname, uint64_t delay_ns, const struct rt_tbf *t,
		     struct mc_err *e);
int rt_qdisc_root_del(struct nl *nl, const char *ifname, struct mc_err *e);

/* Dumps: cb gets each decoded object; returning non-zero stops with that value. */
typedef int (*rt_link_cb)(const struct rt_link *l, void *data);
typedef int (*rt_addr_cb)(const struct rt_addr *a, void *data);
typedef int (*rt_route_cb)(const struct rt_route *r, void *data);
typedef int (*rt_rule_cb)(const struct rt_rule *r, void *data);
typedef int (*rt_qdisc_cb)(const struct rt_qdisc *q, void *data);
int rt_link_dump(struct nl *nl, rt_link_cb cb, void *data, struct mc_err *e);
int rt_addr_dump(struct nl *nl, int family, rt_addr_cb cb, void *data, struct mc_err *e);
int rt_route_dump(struct nl *nl, int family, rt_route_cb cb, void *data, struct mc_err *e);
int rt_rule_dump(struct nl *nl, int family, rt_rule_cb cb, void *data, struct mc_err *e);
int rt_qdisc_dump(struct nl *nl, rt_qdisc_cb cb, void *data, struct mc_err *e);

/* A sensible TBF for a rate: burst >= 64 KiB GSO segment or 1 ms of traffic; ~20 ms queue. */
void rt_tbf_defaults(uint64_t rate_bps, struct rt_tbf *t);

#endif
