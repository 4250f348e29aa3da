// SPDX-License-Identifier: GPL-2.0-or-later
#include "genl.h"

#include <errno.h>
#include <string.h>

struct nlmsghdr *genl_msg_start(void *buf, uint16_t family, uint8_t cmd, uint8_t version,
				uint16_t flags)
{
	struct nlmsghdr *nlh = nl_msg_start(buf, family, flags);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *genl_getfamily_build(void *buf, const char *name)
{
	struct nlmsghdr *nlh = genl_msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	return nlh;
}

static int parse_groups(const struct nlattr *nest, struct genl_family *f)
{
	const char *end = (const char *)mnl_attr_get_payload(nest) + mnl_attr_get_payload_len(nest);
	const struct nlattr *pos;

	mnl_attr_for_each_nested(pos, nest) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];

		if (f->ngroups >= GENL_MAX_GROUPS)
			return 0;
		if (nl_attr_parse_nested(pos, tb, CTRL_ATTR_MCAST_GRP_MAX))
			return -EBADMSG;
		if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID])
			continue;
		if (mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID], MNL_TYPE_U32) < 0)
			return -EBADMSG;
		if (nl_attr_strcpy(tb[CTRL_ATTR_MCAST_GRP_NAME], f->groups[f->ngroups].name,
				   sizeof(f->groups[0].name)))
			return -EBADMSG;
		f->groups[f->ngroups].id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
		f->ngroups++;
	}
	/* The loop above stops quietly at a group that does not fit. */
	return (const char *)pos < end ? -EBADMSG : 0;
}

int genl_family_parse(const struct nlmsghdr *nlh, struct genl_family *f)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	memset(f, 0, sizeof(*f));
	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return -EBADMSG;
	if (nl_attr_parse(nlh, sizeof(struct genlmsghdr), tb, CTRL_ATTR_MAX))
		return -EBADMSG;
	if (!tb[CTRL_ATTR_FAMILY_ID] || !tb[CTRL_ATTR_FAMILY_NAME])
		return -EBADMSG;
	if (mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) < 0)
		return -EBADMSG;
	f->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (nl_attr_strcpy(tb[CTRL_ATTR_FAMILY_NAME], f->name, sizeof(f->name)))
		return -EBADMSG;
	if (tb[CTRL_ATTR_VERSION]) {
		if (mnl_attr_validate(tb[CTRL_ATTR_VERSION], MNL_TYPE_U32) < 0)
			return -EBADMSG;
		f->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	}
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		return parse_groups(tb[CTRL_ATTR_MCAST_GROUPS], f);
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return genl_family_parse(nlh, data);
}

int genl_family_resolve(struct nl *nl, const char *name, struct genl_family *f, struct mc_err *e)
{
	char buf[NL_REQ_BUF];
	struct nlmsghdr *nlh;
	int ret;

	if (strlen(name) >= GENL_NAMSIZ)
		return mc_err_set(e, -EINVAL, "generic netlink family name '%s' too long", name);
	nlh = genl_getfamily_build(buf, name);
	ret = nl_talk(nl, nlh, family_cb, f, e);
	if (ret == -ENOENT)
		return mc_err_set(e, ret, "generic netlink family '%s' not found in this kernel",
				  name);
	if (ret)
		return mc_err_ctx(e, ret, "resolving generic netlink family '%s'", name);
	if (!f->id)
		return mc_err_set(e, -EBADMSG, "no reply for generic netlink family '%s'", name);
	return 0;
}

int genl_family_group(const struct genl_family *f, const char *group, uint32_t *id)
{
	for (int i = 0; i < f->ngroups; i++) {
		if (!strcmp(f->groups[i].name, group)) {
			*id = f->groups[i].id;
			return 0;
		}
	}
	return -ENOENT;
}
