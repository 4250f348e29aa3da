/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Generic netlink: family and multicast-group resolution, message start. */
#ifndef MC_GENL_H
#define MC_GENL_H

#include <linux/genetlink.h>

#include "nl.h"

#define GENL_MAX_GROUPS 16

struct genl_family {
	char name[GENL_NAMSIZ];
	uint16_t id;
	uint32_t version;
	int ngroups;
	struct {
		char name[GENL_NAMSIZ];
		uint32_t id;
	} groups[GENL_MAX_GROUPS];
};

/* Builds CTRL_CMD_GETFAMILY for name into buf (NL_REQ_BUF bytes). */
struct nlmsghdr *genl_getfamily_build(void *buf, const char *name);
/* Decodes a CTRL_CMD_NEWFAMILY reply (pure). */
int genl_family_parse(const struct nlmsghdr *nlh, struct genl_family *f);
/* Asks the kernel; -ENOENT (with a message naming the family) when it does not exist. */
int genl_family_resolve(struct nl *nl, const char *name, struct genl_family *f, struct mc_err *e);
/* Multicast group id by name, or -ENOENT. */
int genl_family_group(const struct genl_family *f, const char *group, uint32_t *id);
/* Starts a generic netlink request: nlmsghdr + genlmsghdr. */
struct nlmsghdr *genl_msg_start(void *buf, uint16_t family, uint8_t cmd, uint8_t version,
				uint16_t flags);

#endif
