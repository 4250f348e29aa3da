// SPDX-License-Identifier: GPL-2.0-or-later
/* Path-manager events: subscription and decoding (pure, fuzzed). */
#include "pm.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/netlink.h>

const char *pm_event_name(uint8_t type)
{
	switch (type) {
	case PM_EV_CREATED:
		return "created";
	case PM_EV_ESTABLISHED:
		return "established";
	case PM_EV_CLOSED:
		return "closed";
	case PM_EV_ANNOUNCED:
		return "announced";
	case PM_EV_REMOVED:
		return "removed";
	case PM_EV_SUB_ESTABLISHED:
		return "sub_established";
	case PM_EV_SUB_CLOSED:
		return "sub_closed";
	case PM_EV_SUB_PRIORITY:
		return "sub_priority";
	case PM_EV_LISTENER_CREATED:
		return "listener_created";
	case PM_EV_LISTENER_CLOSED:
		return "listener_closed";
	default:
		return "unknown";
	}
}

/* Integers of 1, 2 or 4 bytes: kernels have changed some attributes' widths. */
static int get_u(const struct nlattr *a, uint32_t *v)
{
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		*v = mnl_attr_get_u8(a);
		return 0;
	case 2:
		*v = mnl_attr_get_u16(a);
		return 0;
	case 4:
		*v = mnl_attr_get_u32(a);
		return 0;
	default:
		return -EBADMSG;
	}
}

static int get_addr(const struct nlattr *a, int family, struct mc_prefix *p)
{
	size_t len = family == AF_INET6 ? 16 : 4;

	if (mnl_attr_get_payload_len(a) != len)
		return -EBADMSG;
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->plen = (uint8_t)(len * 8);
	memcpy(p->a.raw, mnl_attr_get_payload(a), len);
	return 0;
}

int pm_event_parse(const struct nlmsghdr *nlh, uint16_t family, struct pm_event *ev)
{
	const struct nlattr *tb[PM_ATTR_MAX + 1];
	const struct genlmsghdr *g;
	uint32_t v;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_type != family)
		return -ENOENT;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*g))
		return -EBADMSG;
	g = mnl_nlmsg_get_payload(nlh);
	if (nl_attr_parse(nlh, sizeof(*g), tb, PM_ATTR_MAX))
		return -EBADMSG;
	ev->type = g->cmd;
	if (tb[PM_ATTR_TOKEN]) {
		if (get_u(tb[PM_ATTR_TOKEN], &ev->token))
			return -EBADMSG;
		ev->has |= PM_HAS_TOKEN;
	}
	if (tb[PM_ATTR_FAMILY]) {
		if (get_u(tb[PM_ATTR_FAMILY], &v))
			return -EBADMSG;
		ev->family = (int)v;
	}
	/* Addresses of the wrong size for the family are rejected, not guessed. */
	if (tb[PM_ATTR_SADDR4] || tb[PM_ATTR_SADDR6]) {
		const struct nlattr *a = tb[PM_ATTR_SADDR4] ? tb[PM_ATTR_SADDR4] :
							      tb[PM_ATTR_SADDR6];

		if (get_addr(a, tb[PM_ATTR_SADDR4] ? AF_INET : AF_INET6, &ev->saddr))
			return -EBADMSG;
		ev->has |= PM_HAS_SADDR;
	}
	if (tb[PM_ATTR_DADDR4] || tb[PM_ATTR_DADDR6]) {
		const struct nlattr *a = tb[PM_ATTR_DADDR4] ? tb[PM_ATTR_DADDR4] :
							      tb[PM_ATTR_DADDR6];

		if (get_addr(a, tb[PM_ATTR_DADDR4] ? AF_INET : AF_INET6, &ev->daddr))
			return -EBADMSG;
		ev->has |= PM_HAS_DADDR;
	}
	if (tb[PM_ATTR_SPORT]) {
		if (mnl_attr_validate(tb[PM_ATTR_SPORT], MNL_TYPE_U16) < 0)
			return -EBADMSG;
		v = mnl_attr_get_u16(tb[PM_ATTR_SPORT]);
		ev->sport = ntohs((uint16_t)v);
		ev->has |= PM_HAS_SPORT;
	}
	if (tb[PM_ATTR_DPORT]) {
		if (mnl_attr_validate(tb[PM_ATTR_DPORT], MNL_TYPE_U16) < 0)
			return -EBADMSG;
		v = mnl_attr_get_u16(tb[PM_ATTR_DPORT]);
		ev->dport = ntohs((uint16_t)v);
		ev->has |= PM_HAS_DPORT;
	}
	if (tb[PM_ATTR_LOC_ID]) {
		if (get_u(tb[PM_ATTR_LOC_ID], &v))
			return -EBADMSG;
		ev->loc_id = (uint8_t)v;
		ev->has |= PM_HAS_LOC_ID;
	}
	if (tb[PM_ATTR_REM_ID]) {
		if (get_u(tb[PM_ATTR_REM_ID], &v))
			return -EBADMSG;
		ev->rem_id = (uint8_t)v;
		ev->has |= PM_HAS_REM_ID;
	}
	if (tb[PM_ATTR_BACKUP]) {
		if (get_u(tb[PM_ATTR_BACKUP], &v))
			return -EBADMSG;
		ev->backup = (uint8_t)v;
		ev->has |= PM_HAS_BACKUP;
	}
	if (tb[PM_ATTR_ERROR]) {
		if (get_u(tb[PM_ATTR_ERROR], &ev->error))
			return -EBADMSG;
		ev->has |= PM_HAS_ERROR;
	}
	if (tb[PM_ATTR_IF_IDX]) {
		if (get_u(tb[PM_ATTR_IF_IDX], &v))
			return -EBADMSG;
		ev->if_idx = (int32_t)v;
		ev->has |= PM_HAS_IF_IDX;
	}
	if (tb[PM_ATTR_TIMEOUT]) {
		if (get_u(tb[PM_ATTR_TIMEOUT], &ev->timeout))
			return -EBADMSG;
		ev->has |= PM_HAS_TIMEOUT;
	}
	if (tb[PM_ATTR_RESET_REASON]) {
		if (get_u(tb[PM_ATTR_RESET_REASON], &ev->reset_reason))
			return -EBADMSG;
		ev->has |= PM_HAS_RESET;
	}
	if (tb[PM_ATTR_RESET_FLAGS] && get_u(tb[PM_ATTR_RESET_FLAGS], &ev->reset_flags))
		return -EBADMSG;
	if (tb[PM_ATTR_FLAGS]) {
		if (get_u(tb[PM_ATTR_FLAGS], &v))
			return -EBADMSG;
		ev->flags = v;
		ev->has |= PM_HAS_FLAGS;
	}
	if (tb[PM_ATTR_SERVER_SIDE]) {
		if (get_u(tb[PM_ATTR_SERVER_SIDE], &v))
			return -EBADMSG;
		ev->server_side = v != 0;
	}
	if (!ev->family && ev->has & (PM_HAS_SADDR | PM_HAS_DADDR))
		ev->family = ev->has & PM_HAS_SADDR ? ev->saddr.family : ev->daddr.family;
	return 0;
}

int pm_events_open(struct nl *nl, struct genl_family *fam, struct mc_err *e)
{
	uint32_t grp;
	int ret;

	ret = nl_open(nl, NETLINK_GENERIC, e);
	if (ret)
		return ret;
	ret = genl_family_resolve(nl, PM_GENL_NAME, fam, e);
	if (ret == -ENOENT)
		mc_err_set(e, ret,
			   "the kernel has no MPTCP path manager (generic netlink family %s): "
			   "MPTCP is missing or older than 5.10",
			   PM_GENL_NAME);
	if (!ret && genl_family_group(fam, PM_EVENTS_GROUP, &grp))
		ret = mc_err_set(e, -ENOENT, "the kernel's %s family has no %s group", PM_GENL_NAME,
				 PM_EVENTS_GROUP);
	if (!ret && mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		ret = mc_err_set(e, -errno, "subscribing to %s", PM_EVENTS_GROUP);
	if (ret)
		nl_close(nl);
	return ret;
}
