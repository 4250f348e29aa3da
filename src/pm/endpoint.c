// SPDX-License-Identifier: GPL-2.0-or-later
/* In-kernel path manager: endpoints and limits over generic netlink "mptcp_pm". */
#include "pm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#define PM_VERSION 1

struct nlmsghdr *pm_endpoint_build(void *buf, uint16_t family, uint8_t cmd,
				   const struct pm_endpoint *ep)
{
	struct nlmsghdr *nlh = genl_msg_start(buf, family, cmd, PM_VERSION, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, PM_A_ADDR);

	mnl_attr_put_u16(nlh, PM_AA_FAMILY, (uint16_t)ep->addr.family);
	if (ep->id)
		mnl_attr_put_u8(nlh, PM_AA_ID, ep->id);
	/* The kernel wants the address on delete too ("missing address data"). */
	mnl_attr_put(nlh, ep->addr.family == AF_INET6 ? PM_AA_ADDR6 : PM_AA_ADDR4,
		     mc_prefix_alen(&ep->addr), ep->addr.a.raw);
	if (cmd == PM_CMD_ADD_ADDR) {
		if (ep->port)
			mnl_attr_put_u16(nlh, PM_AA_PORT, ep->port);
		if (ep->flags)
			mnl_attr_put_u32(nlh, PM_AA_FLAGS, ep->flags);
		if (ep->ifindex)
			mnl_attr_put_u32(nlh, PM_AA_IF_IDX, (uint32_t)ep->ifindex);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *pm_limits_build(void *buf, uint16_t family, const struct pm_limits *l)
{
	struct nlmsghdr *nlh = genl_msg_start(buf, family, PM_CMD_SET_LIMITS, PM_VERSION, 0);

	mnl_attr_put_u32(nlh, PM_A_RCV_ADD_ADDRS, l->add_addr_accepted);
	mnl_attr_put_u32(nlh, PM_A_SUBFLOWS, l->subflows);
	return nlh;
}

static int u32_of(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EBADMSG;
	*v = mnl_attr_get_u32(a);
	return 0;
}

int pm_endpoint_parse(const struct nlmsghdr *nlh, uint16_t family, struct pm_endpoint *ep)
{
	const struct nlattr *tb[PM_A_MAX + 1], *aa[PM_AA_MAX + 1];
	const struct nlattr *a;
	uint32_t v;

	memset(ep, 0, sizeof(*ep));
	if (nlh->nlmsg_type != family)
		return -ENOENT;
	if (nl_attr_parse(nlh, sizeof(struct genlmsghdr), tb, PM_A_MAX) || !tb[PM_A_ADDR])
		return -EBADMSG;
	if (nl_attr_parse_nested(tb[PM_A_ADDR], aa, PM_AA_MAX))
		return -EBADMSG;
	if (!aa[PM_AA_FAMILY] || mnl_attr_validate(aa[PM_AA_FAMILY], MNL_TYPE_U16) < 0)
		return -EBADMSG;
	ep->addr.family = mnl_attr_get_u16(aa[PM_AA_FAMILY]);
	if (ep->addr.family != AF_INET && ep->addr.family != AF_INET6)
		return -EBADMSG;
	a = aa[ep->addr.family == AF_INET6 ? PM_AA_ADDR6 : PM_AA_ADDR4];
	if (!a || mnl_attr_get_payload_len(a) != mc_prefix_alen(&ep->addr))
		return -EBADMSG;
	memcpy(ep->addr.a.raw, mnl_attr_get_payload(a), mc_prefix_alen(&ep->addr));
	ep->addr.plen = (uint8_t)(mc_prefix_alen(&ep->addr) * 8);
	if (aa[PM_AA_ID]) {
		if (mnl_attr_validate(aa[PM_AA_ID], MNL_TYPE_U8) < 0)
			return -EBADMSG;
		ep->id = mnl_attr_get_u8(aa[PM_AA_ID]);
	}
	if (aa[PM_AA_PORT]) {
		if (mnl_attr_validate(aa[PM_AA_PORT], MNL_TYPE_U16) < 0)
			return -EBADMSG;
		ep->port = mnl_attr_get_u16(aa[PM_AA_PORT]);
	}
	if (aa[PM_AA_FLAGS] && u32_of(aa[PM_AA_FLAGS], &ep->flags))
		return -EBADMSG;
	if (aa[PM_AA_IF_IDX]) {
		if (u32_of(aa[PM_AA_IF_IDX], &v))
			return -EBADMSG;
		ep->ifindex = (int)v;
	}
	return 0;
}

int pm_limits_parse(const struct nlmsghdr *nlh, uint16_t family, struct pm_limits *l)
{
	const struct nlattr *tb[PM_A_MAX + 1];

	memset(l, 0, sizeof(*l));
	if (nlh->nlmsg_type != family)
		return -ENOENT;
	if (nl_attr_parse(nlh, sizeof(struct genlmsghdr), tb, PM_A_MAX))
		return -EBADMSG;
	if (!tb[PM_A_SUBFLOWS] || !tb[PM_A_RCV_ADD_ADDRS] ||
	    u32_of(tb[PM_A_SUBFLOWS], &l->subflows) ||
	    u32_of(tb[PM_A_RCV_ADD_ADDRS], &l->add_addr_accepted))
		return -EBADMSG;
	return 0;
}

const char *pm_flags_str(uint32_t flags, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ MC_PM_FLAG_SIGNAL, "signal" },     { MC_PM_FLAG_SUBFLOW, "subflow" },
		{ MC_PM_FLAG_BACKUP, "backup" },     { MC_PM_FLAG_FULLMESH, "fullmesh" },
		{ MC_PM_FLAG_IMPLICIT, "implicit" }, { MC_PM_FLAG_LAMINAR, "laminar" },
	};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(flags & names[i].bit))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", names[i].name);
		if (n < 0 || (size_t)n >= len - off) {
			buf[off] = '\0'; /* no half words */
			break;
		}
		off += (size_t)n;
	}
	return buf;
}

int pm_open(struct pm *pm, struct mc_err *e)
{
	int ret = nl_open(&pm->nl, NETLINK_GENERIC, e);

	if (ret)
		return ret;
	ret = genl_family_resolve(&pm->nl, PM_GENL_NAME, &pm->fam, e);
	if (ret == -ENOENT)
		mc_err_set(e, ret,
			   "the kernel has no MPTCP path manager (generic netlink family %s)",
			   PM_GENL_NAME);
	if (ret)
		nl_close(&pm->nl);
	return ret;
}

void pm_close(struct pm *pm)
{
	nl_close(&pm->nl);
}

int pm_endpoint_add(struct pm *pm, const struct pm_endpoint *ep, struct mc_err *e)
{
	char buf[NL_REQ_BUF], a[MC_ADDRSTRLEN];
	int ret = nl_talk(&pm->nl, pm_endpoint_build(buf, pm->fam.id, PM_CMD_ADD_ADDR, ep), NULL,
			  NULL, e);

	if (ret)
		return mc_err_ctx(e, ret, "adding MPTCP endpoint %s",
				  mc_prefix_fmt(&ep->addr, false, a, sizeof(a)));
	return 0;
}

int pm_endpoint_del(struct pm *pm, const struct pm_endpoint *ep, struct mc_err *e)
{
	char buf[NL_REQ_BUF], a[MC_ADDRSTRLEN];
	int ret = nl_talk(&pm->nl, pm_endpoint_build(buf, pm->fam.id, PM_CMD_DEL_ADDR, ep), NULL,
			  NULL, e);

	if (ret)
		return mc_err_ctx(e, ret, "deleting MPTCP endpoint %s (id %u)",
				  mc_prefix_fmt(&ep->addr, false, a, sizeof(a)), ep->id);
	return 0;
}

struct ep_dump {
	uint16_t family;
	pm_endpoint_cb cb;
	void *data;
};

static int ep_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ep_dump *d = data;
	struct pm_endpoint ep;
	int ret = pm_endpoint_parse(nlh, d->family, &ep);

	if (ret == -ENOENT)
		return 0;
	return ret ? ret : d->cb(&ep, d->data);
}

int pm_endpoint_dump(struct pm *pm, pm_endpoint_cb cb, void *data, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	struct ep_dump d = { pm->fam.id, cb, data };
	int ret = nl_dump(&pm->nl, genl_msg_start(buf, pm->fam.id, PM_CMD_GET_ADDR, PM_VERSION, 0),
			  ep_dump_cb, &d, NULL, e);

	if (ret)
		return mc_err_ctx(e, ret, "listing MPTCP endpoints");
	return 0;
}

static int limits_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pm_limits *l = data;
	uint16_t fam = nlh->nlmsg_type;

	return pm_limits_parse(nlh, fam, l);
}

int pm_limits_get(struct pm *pm, struct pm_limits *l, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	int ret = nl_talk(&pm->nl,
			  genl_msg_start(buf, pm->fam.id, PM_CMD_GET_LIMITS, PM_VERSION, 0),
			  limits_cb, l, e);

	if (ret)
		return mc_err_ctx(e, ret, "reading MPTCP limits");
	return 0;
}

int pm_limits_set(struct pm *pm, const struct pm_limits *l, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	int ret = nl_talk(&pm->nl, pm_limits_build(buf, pm->fam.id, l), NULL, NULL, e);

	if (ret)
		return mc_err_ctx(e, ret,
				  "setting MPTCP limits (subflows %u, add_addr_accepted %u)",
				  l->subflows, l->add_addr_accepted);
	return 0;
}
