// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes what the daemon reads that others can write: rtnetlink notifications
 * (dmn_rtnl_classify, walked as the loop walks a datagram) and the id lines of
 * its record (dmn_ids_line_parse).
 *
 * The first byte selects: bit 0 clear, the rest is one received datagram;
 * bit 0 set, the rest (NUL-terminated copy) is one record line.
 *
 * Invariants (abort() when broken): the classifier returns one of the three
 * classes and never reads past the datagram; an id line that parses gives an
 * id 1-255 and a host address that formats and parses back to the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon/daemon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_datagram(const uint8_t *data, size_t size)
{
	void *buf = malloc(size ? size : 1);
	int rem = (int)size;

	if (!buf)
		return;
	memcpy(buf, data, size);
	for (const struct nlmsghdr *h = buf; nl_msg_fits(h, rem); h = mnl_nlmsg_next(h, &rem)) {
		enum dmn_ev ev = dmn_rtnl_classify(h, rem);

		if (ev != DMN_EV_NONE && ev != DMN_EV_CHANGE && ev != DMN_EV_URGENT)
			abort();
	}
	free(buf);
}

static void fuzz_line(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), a[MC_ADDRSTRLEN];
	struct mc_prefix p, q;
	uint8_t id;

	if (!line)
		return;
	memcpy(line, data, size);
	line[size] = '\0';
	if (!dmn_ids_line_parse(line, &p, &id)) {
		if (!id || (p.family != AF_INET && p.family != AF_INET6))
			abort();
		if (mc_prefix_parse(mc_prefix_fmt(&p, false, a, sizeof(a)), &q) ||
		    q.family != p.family || memcmp(q.a.raw, p.a.raw, mc_prefix_alen(&p)))
			abort();
	}
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_line(data + 1, size - 1);
	else
		fuzz_datagram(data + 1, size - 1);
	return 0;
}
