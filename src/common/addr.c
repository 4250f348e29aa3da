// SPDX-License-Identifier: GPL-2.0-or-later
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

size_t mc_prefix_alen(const struct mc_prefix *p)
{
	return p->family == AF_INET6 ? 16 : 4;
}

int mc_prefix_parse(const char *s, struct mc_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t n;
	unsigned long plen;
	char *end;

	if (!s)
		return -EINVAL;
	n = strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	memset(p, 0, sizeof(*p));
	slash = strchr(buf, '/');
	if (slash)
		buf[slash - buf] = '\0';
	if (inet_pton(AF_INET, buf, &p->a.v4) == 1) {
		p->family = AF_INET;
		p->plen = 32;
	} else if (inet_pton(AF_INET6, buf, &p->a.v6) == 1) {
		p->family = AF_INET6;
		p->plen = 128;
	} else {
		return -EINVAL;
	}
	if (slash) {
		const char *l = s + (slash - buf) + 1;

		if (*l < '0' || *l > '9')
			return -EINVAL;
		errno = 0;
		plen = strtoul(l, &end, 10);
		if (errno || *end || plen > p->plen || end - l > 3)
			return -EINVAL;
		p->plen = (uint8_t)plen;
	}
	return 0;
}

size_t mc_addr_put(const struct mc_prefix *p, char *out)
{
	size_t n = 0;

	if (p->family != AF_INET6) {
		/* inet_ntop's dotted quad, without its snprintf. */
		for (int i = 0; i < 4; i++) {
			unsigned int o = p->a.raw[i];

			if (i)
				out[n++] = '.';
			if (o >= 100)
				out[n++] = (char)('0' + o / 100);
			if (o >= 10)
				out[n++] = (char)('0' + o / 10 % 10);
			out[n++] = (char)('0' + o % 10);
		}
		return n;
	}
	if (!inet_ntop(AF_INET6, p->a.raw, out, INET6_ADDRSTRLEN)) {
		out[0] = '?';
		return 1;
	}
	return strlen(out);
}

const char *mc_prefix_fmt(const struct mc_prefix *p, bool with_len, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	a[mc_addr_put(p, a)] = '\0';
	if (with_len)
		snprintf(buf, len, "%s/%u", a, p->plen);
	else
		snprintf(buf, len, "%s", a);
	return buf;
}

void mc_prefix_network(const struct mc_prefix *p, struct mc_prefix *net)
{
	size_t alen = mc_prefix_alen(p);

	*net = *p;
	for (size_t i = 0; i < alen; i++) {
		int bits = (int)p->plen - (int)(i * 8);

		if (bits >= 8)
			continue;
		net->a.raw[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

bool mc_prefix_equal(const struct mc_prefix *a, const struct mc_prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->a.raw, b->a.raw, mc_prefix_alen(a));
}
