// SPDX-License-Identifier: GPL-2.0-or-later
#include "strbuf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "units.h"

void sb_free(struct sb *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

int sb_reserve(struct sb *b, size_t n)
{
	size_t cap;
	char *nb;

	if (b->oom)
		return -ENOMEM;
	if (b->len + n + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n + 1) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return -ENOMEM;
		}
		cap *= 2;
	}
	nb = realloc(b->buf, cap);
	if (!nb) {
		b->oom = true;
		return -ENOMEM;
	}
	b->buf = nb;
	b->cap = cap;
	return 0;
}

void sb_putn(struct sb *b, const char *s, size_t n)
{
	if (sb_reserve(b, n))
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void sb_puts(struct sb *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

void sb_putc(struct sb *b, char c)
{
	sb_putn(b, &c, 1);
}

int sb_flush(struct sb *b, FILE *f)
{
	int ret = 0;

	if (b->len && fwrite(b->buf, 1, b->len, f) != b->len)
		ret = -(errno ? errno : EIO);
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
	if (b->oom) {
		b->oom = false;
		ret = ret ? ret : -ENOMEM;
	}
	return ret;
}

char *sbp_u64(char *p, uint64_t v)
{
	return p + units_fmt_u64(p, v);
}

char *sbp_ratio(char *p, uint64_t num, uint64_t den, int decimals)
{
	return p + units_fmt_ratio(p, num, den, decimals);
}

char *sbp_round(char *p, double x)
{
	return p + units_fmt_round(p, x);
}

char *sbp_bytes(char *p, uint64_t bytes)
{
	return p + units_put_bytes(p, bytes);
}

char *sbp_rate(char *p, uint64_t bps)
{
	return p + units_put_rate(p, bps);
}

char *sbp_addr_port(char *p, const struct mc_prefix *a, uint16_t port)
{
	bool v6 = a->family == AF_INET6;

	if (v6)
		*p++ = '[';
	p += mc_addr_put(a, p);
	if (v6)
		*p++ = ']';
	*p++ = ':';
	return p + units_fmt_u64(p, port);
}

char *sbp_pad(char *p, const char *s, size_t max, int width)
{
	size_t n = strnlen(s, max);

	p = sbp_mem(p, s, n);
	if (width > 0 && n < (size_t)width) {
		memset(p, ' ', (size_t)width - n);
		p += (size_t)width - n;
	}
	return p;
}
