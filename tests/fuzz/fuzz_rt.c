// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the rtnetlink decoders (src/rt/rt_parse.c). The first byte picks the
 * decoder (modulo 5: link, addr, route, rule, qdisc), the rest is one message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt/rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t sink;

static void touch_prefix(const struct mc_prefix *p)
{
	char buf[MC_ADDRSTRLEN];

	mc_prefix_fmt(p, true, buf, sizeof(buf));
	sink += (uint32_t)strlen(buf);
}

static void check_str(const char *s, size_t len)
{
	if (strnlen(s, len) == len)
		abort(); /* decoders promise NUL-terminated names */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nlmsghdr *nlh;
	struct nlmsghdr hdr;
	uint8_t *buf;
	uint8_t which;

	if (size < 1)
		return 0;
	which = data[0] % 5;
	data++;
	size--;
	/*
	 * The decoders trust the caller to have checked the message the way
	 * nl_reply_parse does with mnl_nlmsg_ok: a whole header and an
	 * nlmsg_len between the header size and what was received. Compared
	 * as unsigned sizes here: mnl_nlmsg_ok's (int) cast of nlmsg_len lets
	 * lengths of 2^31 and more through, which fuzz_nl exercises.
	 */
	if (size < sizeof(hdr))
		return 0;
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.nlmsg_len < sizeof(hdr) || hdr.nlmsg_len > size)
		return 0;
	buf = malloc(hdr.nlmsg_len);
	if (!buf)
		return 0;
	memcpy(buf, data, hdr.nlmsg_len);
	nlh = (const struct nlmsghdr *)buf;

	switch (which) {
	case 0: {
		struct rt_link l;

		if (!rt_link_parse(nlh, &l)) {
			check_str(l.name, sizeof(l.name));
			check_str(l.kind, sizeof(l.kind));
			sink += (uint32_t)(l.ifindex + l.flags + l.mtu + l.operstate + l.rx_bytes +
					   l.tx_bytes + l.rx_packets + l.tx_packets);
		}
		break;
	}
	case 1: {
		struct rt_addr a;

		if (!rt_addr_parse(nlh, &a)) {
			if (a.p.plen > mc_prefix_alen(&a.p) * 8)
				abort();
			touch_prefix(&a.p);
			sink += (uint32_t)a.ifindex + a.scope + a.flags;
		}
		break;
	}
	case 2: {
		struct rt_route r;

		if (!rt_route_parse(nlh, &r)) {
			if (r.dst.plen > mc_prefix_alen(&r.dst) * 8)
				abort();
			touch_prefix(&r.dst);
			if (r.has_gw)
				touch_prefix(&r.gw);
			if (r.has_prefsrc)
				touch_prefix(&r.prefsrc);
			sink += r.table + (uint32_t)r.oif + r.scope + r.protocol + r.type +
				r.metric;
		}
		break;
	}
	case 3: {
		struct rt_rule r;

		if (!rt_rule_parse(nlh, &r)) {
			if (r.has_src) {
				if (r.src.plen > mc_prefix_alen(&r.src) * 8)
					abort();
				touch_prefix(&r.src);
			}
			sink += (uint32_t)r.family + r.table + r.priority + r.protocol + r.action;
		}
		break;
	}
	default: {
		struct rt_qdisc q;

		if (!rt_qdisc_parse(nlh, &q)) {
			check_str(q.kind, sizeof(q.kind));
			sink += (uint32_t)(q.ifindex + q.handle + q.parent + q.rate_bps + q.burst +
					   q.limit + q.delay_ns);
		}
		break;
	}
	}
	free(buf);
	return 0;
}
