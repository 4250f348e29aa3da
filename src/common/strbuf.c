// SPDX-License-Identifier: GPL-2.0-or-later
#include "strbuf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
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

void sb_pad(struct sb *b, const char *s, int width)
{
	size_t n = strlen(s);

	sb_putn(b, s, n);
	if (width > 0 && n < (size_t)width && !sb_reserve(b, (size_t)width - n)) {
		memset(b->buf + b->len, ' ', (size_t)width - n);
		b->len += (size_t)width - n;
		b->buf[b->len] = '\0';
	}
}

void sb_u64(struct sb *b, uint64_t v)
{
	char *p = sb_room(b, SB_NUM);

	if (p)
		sb_commit(b, sbp_u64(p, v));
}

void sb_ratio(struct sb *b, uint64_t num, uint64_t den, int decimals)
{
	char *p = sb_room(b, SB_NUM);

	if (p)
		sb_commit(b, sbp_ratio(p, num, den, decimals));
}

void sb_round(struct sb *b, double x)
{
	char *p = sb_room(b, SB_NUM);

	if (p)
		sb_commit(b, sbp_round(p, x));
}

void sb_bytes(struct sb *b, uint64_t bytes)
{
	char *p = sb_room(b, SB_NUM);

	if (p)
		sb_commit(b, sbp_bytes(p, bytes));
}

void sb_rate(struct sb *b, uint64_t bps)
{
	char *p = sb_room(b, SB_NUM);

	if (p)
		sb_commit(b, sbp_rate(p, bps));
}

void sb_addr_port(struct sb *b, const struct mc_prefix *a, uint16_t port)
{
	char *p = sb_room(b, INET6_ADDRSTRLEN + 8);

	if (p)
		sb_commit(b, sbp_addr_port(p, a, port));
}

void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sb_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
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
