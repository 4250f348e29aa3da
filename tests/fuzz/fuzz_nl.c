// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the netlink reply walker and error decoder (src/nl/nl.c) with one
 * received datagram: nl_reply_parse as nl_exchange calls it (with and without
 * a callback and error context), nl_error_parse on every message that fits,
 * and the attribute helpers over each message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nl/nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the compiler from dropping the reads that "touch" the message. */
static volatile uint32_t sink;

#define ATTR_MAX 64

/* Every top-level attribute, then one level of nesting and the string helper. */
static void attrs(const struct nlmsghdr *nlh, unsigned int offset)
{
	const struct nlattr *tb[ATTR_MAX + 1];
	const struct nlattr *nest[ATTR_MAX + 1];
	char str[32];

	if (nl_attr_parse(nlh, offset, tb, ATTR_MAX))
		return;
	for (unsigned int i = 0; i <= ATTR_MAX; i++) {
		if (!tb[i])
			continue;
		if (!nl_attr_strcpy(tb[i], str, sizeof(str)))
			sink += (uint32_t)strlen(str);
		if (!nl_attr_parse_nested(tb[i], nest, ATTR_MAX)) {
			for (unsigned int j = 0; j <= ATTR_MAX; j++)
				if (nest[j])
					sink += mnl_attr_get_payload_len(nest[j]);
		}
	}
}

/* Reads every byte the message claims to have, like a real decoder might. */
static int touch_cb(const struct nlmsghdr *nlh, void *data)
{
	const uint8_t *p = (const uint8_t *)nlh;
	size_t *count = data;
	uint32_t sum = 0;

	for (size_t i = 0; i < nlh->nlmsg_len; i++)
		sum += p[i];
	sink += sum;
	(*count)++;
	/* Some messages make the callback fail, to walk the cb_err path too. */
	if (nlh->nlmsg_flags & NLM_F_ECHO)
		return -ECANCELED;
	attrs(nlh, sizeof(struct rtgenmsg));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly sized heap copy: aligned like a receive buffer, overreads caught. */
	uint8_t *buf = malloc(size ? size : 1);
	const struct nlmsghdr *first = (const struct nlmsghdr *)buf;
	struct nl_reply_state st;
	struct mc_err e;
	size_t count = 0, off = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);

	/* The walker: seq and portid from the first message so it goes past the checks. */
	memset(&st, 0, sizeof(st));
	if (size >= sizeof(struct nlmsghdr)) {
		st.seq = first->nlmsg_seq;
		st.portid = first->nlmsg_pid;
	}
	memset(&e, 0, sizeof(e));
	if (nl_reply_parse(buf, size, &st, touch_cb, &count, &e) < 0)
		sink += (uint32_t)strnlen(e.kmsg, sizeof(e.kmsg));

	/* As nl_exchange drains a failed reply: no callback, no error context. */
	memset(&st, 0, sizeof(st));
	if (size >= sizeof(struct nlmsghdr)) {
		st.seq = first->nlmsg_seq;
		st.portid = first->nlmsg_pid;
	}
	nl_reply_parse(buf, size, &st, NULL, NULL, NULL);

	/* The decoders on every message whose nlmsg_len fits in what is left. */
	while (size - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)(buf + off);
		size_t len = nlh->nlmsg_len;
		char kmsg[256], tiny[4];
		uint32_t aoff;
		int error;

		if (len < sizeof(struct nlmsghdr) || len > size - off)
			break;
		if (!nl_error_parse(nlh, &error, kmsg, sizeof(kmsg), &aoff))
			sink += (uint32_t)error + aoff + (uint32_t)strlen(kmsg);
		if (!nl_error_parse(nlh, &error, tiny, sizeof(tiny), NULL))
			sink += (uint32_t)strlen(tiny);
		nl_error_parse(nlh, &error, NULL, 0, NULL);
		/* No family header, genlmsghdr, rtmsg, ifinfomsg/ifaddrmsg-sized headers. */
		attrs(nlh, 0);
		attrs(nlh, sizeof(struct genlmsghdr));
		attrs(nlh, sizeof(struct rtmsg));
		attrs(nlh, sizeof(struct ifinfomsg));
		off += MNL_ALIGN(len);
		if (off > size)
			break;
	}
	free(buf);
	return 0;
}
