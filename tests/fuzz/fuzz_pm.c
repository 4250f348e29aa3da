// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the path-manager decoders (src/pm): bit 0 of the first byte picks
 * pm_event_parse() (0: the rest is one generic netlink message, decoded as an
 * event of the family its own nlmsg_type names, so that the parse goes past
 * the family check; bit 1 set: of another family, which must be -ENOENT) or
 * counters_parse() (1: the rest is the text of a /proc/net/netstat).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pm/counters.h"
#include "pm/pm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void check_prefix(const struct mc_prefix *p)
{
	if (p->family == AF_INET ? p->plen != 32 : p->family != AF_INET6 || p->plen != 128)
		abort();
}

static void event(const uint8_t *data, size_t size, bool other_family)
{
	struct nlmsghdr *nlh;
	struct pm_event ev;
	uint32_t len;
	uint16_t family;
	int ret;

	/*
	 * What nl_reply_parse() checks (mnl_nlmsg_ok()), with nlmsg_len
	 * compared unsigned (see fuzz_diag.c), in an exactly sized copy.
	 */
	if (size < sizeof(*nlh) || size > INT32_MAX)
		return;
	memcpy(&len, data, sizeof(len));
	if (len > size || !mnl_nlmsg_ok((const struct nlmsghdr *)data, (int)size))
		return;
	nlh = malloc(len);
	if (!nlh)
		return;
	memcpy(nlh, data, len);
	family = other_family ? (uint16_t)(nlh->nlmsg_type + 1) : nlh->nlmsg_type;
	ret = pm_event_parse(nlh, family, &ev);
	if (other_family && ret != -ENOENT)
		abort();
	if (ret == 0) {
		if (ev.has & PM_HAS_SADDR)
			check_prefix(&ev.saddr);
		if (ev.has & PM_HAS_DADDR)
			check_prefix(&ev.daddr);
		sink += pm_event_name(ev.type)[0] + ev.token + ev.sport + ev.dport + ev.loc_id +
			ev.rem_id + ev.backup + ev.error + (uint32_t)ev.if_idx + ev.flags +
			(uint64_t)ev.family;
	} else if (ret != -EBADMSG && ret != -ENOENT) {
		abort();
	}
	free(nlh);
}

static void counters(const uint8_t *data, size_t size)
{
	struct mc_counters *c = malloc(sizeof(*c));
	int ret;

	if (!c)
		return;
	ret = counters_parse((const char *)data, size, c);
	if (ret == 0) {
		if (c->n > MC_COUNTERS_MAX)
			abort();
		for (size_t i = 0; i < c->n; i++) {
			size_t l = strnlen(c->c[i].name, sizeof(c->c[i].name));

			if (l == sizeof(c->c[i].name) || memchr(c->c[i].name, ' ', l))
				abort();
			if (counter_meaning(c->c[i].name))
				sink++;
			sink += c->c[i].value;
		}
		/* counters_get: the first counter of that name. */
		for (size_t i = 0; i < c->n; i++) {
			size_t j = 0;

			while (strcmp(c->c[j].name, c->c[i].name))
				j++;
			if (counters_get(c, c->c[i].name) != c->c[j].value)
				abort();
		}
	} else if (ret != -ENOENT && ret != -EBADMSG && ret != -E2BIG) {
		abort();
	}
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0];
	if (sel & 1)
		counters(data + 1, size - 1);
	else
		event(data + 1, size - 1, sel & 2);
	return 0;
}
