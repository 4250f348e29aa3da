// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the generic netlink family decoder (src/nl/genl.c): the bytes are one
 * CTRL_CMD_NEWFAMILY message, as nl_reply_parse hands it to the callback.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nl/genl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr hdr;
	struct genl_family f;
	uint32_t id;
	uint8_t *buf;

	/* What the reply walker guarantees: a whole header and nlmsg_len within the datagram. */
	if (size < sizeof(hdr))
		return 0;
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > size)
		return 0;
	/* Aligned, exactly nlmsg_len long: anything read past the message is caught. */
	buf = malloc(hdr.nlmsg_len);
	if (!buf)
		return 0;
	memcpy(buf, data, hdr.nlmsg_len);

	if (genl_family_parse((const struct nlmsghdr *)buf, &f) == 0) {
		/* The decoder promises terminated names and at most GENL_MAX_GROUPS groups. */
		if (strnlen(f.name, sizeof(f.name)) == sizeof(f.name) || f.ngroups < 0 ||
		    f.ngroups > GENL_MAX_GROUPS)
			abort();
		sink += f.id + f.version;
		for (int i = 0; i < f.ngroups; i++) {
			if (strnlen(f.groups[i].name, sizeof(f.groups[i].name)) ==
			    sizeof(f.groups[i].name))
				abort();
			/* A group found by its own name must give back its (first) id. */
			if (genl_family_group(&f, f.groups[i].name, &id))
				abort();
			sink += id;
		}
		genl_family_group(&f, "mptcp_pm_events", &id);
		genl_family_group(&f, "", &id);
	}
	free(buf);
	return 0;
}
