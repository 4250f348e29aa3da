// SPDX-License-Identifier: GPL-2.0-or-later
#include "units.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct unit {
	const char *name;
	double scale;
};

static int parse_scaled(const char *s, const struct unit *units, double def_scale, double *out)
{
	char *end;
	double v, scale;
	bool overflow;

	if (!s || !*s)
		return -EINVAL;
	/* strtod accepts "inf", "nan", hex floats and leading space: refuse them. */
	if (!((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	for (const char *p = s; *p; p++)
		if (*p == 'x' || *p == 'X')
			return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || v < 0)
		return -EINVAL;
	/* Too large (or small) for a double: out of range, as units.h promises. */
	overflow = errno == ERANGE || !isfinite(v);
	if (*end == '\0') {
		scale = def_scale;
	} else {
		const struct unit *u = units;

		while (u->name && strcasecmp(end, u->name))
			u++;
		if (!u->name)
			return -EINVAL;
		scale = u->scale;
	}
	if (overflow)
		return -ERANGE;
	*out = v * scale;
	return 0;
}

static const struct unit rate_units[] = {
	{ "bit", 1 },	  { "kbit", 1e3 },     { "mbit", 1e6 },	       { "gbit", 1e9 },
	{ "tbit", 1e12 }, { "kibit", 1024.0 }, { "mibit", 1048576.0 }, { "gibit", 1073741824.0 },
	{ "k", 1e3 },	  { "m", 1e6 },	       { "g", 1e9 },	       { "t", 1e12 },
	{ "bps", 8 },	  { "kbps", 8e3 },     { "mbps", 8e6 },	       { "gbps", 8e9 },
	{ "bit/s", 1 },	  { "kbit/s", 1e3 },   { "mbit/s", 1e6 },      { "gbit/s", 1e9 },
	{ NULL, 0 },
};

int units_parse_rate(const char *s, uint64_t *bps)
{
	double v;
	int ret = parse_scaled(s, rate_units, 1, &v);

	if (ret)
		return ret;
	v = round(v);
	if (v < 1 || v > 1e15)
		return -ERANGE;
	*bps = (uint64_t)v;
	return 0;
}

static const struct unit size_units[] = {
	{ "b", 1 },
	{ "k", 1024.0 },
	{ "kb", 1024.0 },
	{ "kib", 1024.0 },
	{ "m", 1048576.0 },
	{ "mb", 1048576.0 },
	{ "mib", 1048576.0 },
	{ "g", 1073741824.0 },
	{ "gb", 1073741824.0 },
	{ "gib", 1073741824.0 },
	{ NULL, 0 },
};

int units_parse_size(const char *s, uint64_t *bytes)
{
	double v;
	int ret = parse_scaled(s, size_units, 1, &v);

	if (ret)
		return ret;
	v = round(v);
	if (v > 1e15)
		return -ERANGE;
	*bytes = (uint64_t)v;
	return 0;
}

static const struct unit time_units[] = {
	{ "ns", 1e-3 },	 { "us", 1 },	  { "usec", 1 },  { "ms", 1e3 },
	{ "msec", 1e3 }, { "s", 1e6 },	  { "sec", 1e6 }, { "m", 60e6 },
	{ "min", 60e6 }, { "h", 3600e6 }, { NULL, 0 },
};

int units_parse_duration(const char *s, uint64_t *usec)
{
	double v;
	int ret = parse_scaled(s, time_units, 1e6, &v);

	if (ret)
		return ret;
	v = round(v);
	if (v > 1e13)
		return -ERANGE;
	*usec = (uint64_t)v;
	return 0;
}

int units_parse_percent(const char *s, double *pct)
{
	static const struct unit pct_units[] = { { "%", 1 }, { NULL, 0 } };
	double v;
	int ret = parse_scaled(s, pct_units, 1, &v);

	if (ret)
		return ret;
	if (v > 100)
		return -ERANGE;
	*pct = v;
	return 0;
}

static const char digits2[] = "00010203040506070809101112131415161718192021222324252627282930313233"
			      "34353637383940414243444546474849505152535455565758596061626364656667"
			      "6869707172737475767778798081828384858687888990919293949596979899";

size_t units_fmt_u64(char *out, uint64_t v)
{
	char t[20], *e = t + sizeof(t), *p = e;

	while (v >= 100) {
		p -= 2;
		memcpy(p, digits2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, digits2 + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	memcpy(out, p, (size_t)(e - p));
	return (size_t)(e - p);
}

/*
 * Where the double d = num/den lies against the decimal tie (2q+1)/(2 scale):
 * 1 above, -1 below, 0 on it; -2 when that cannot be told in 128 bits. With
 * d = m 2^k (m < 2^53, k < 0) it is m 2 scale against (2q+1) 2^-k.
 */
static int tie_side(uint64_t num, uint64_t den, uint64_t q, uint64_t scale)
{
	double d = (double)num / (double)den;
	int exp;
	double f = frexp(d, &exp);
	uint64_t m = (uint64_t)ldexp(f, 53);
	int k = exp - 53;
	unsigned __int128 l, r;

	if (k >= 0 || -k > 64 || q >= (1ULL << 60))
		return -2;
	l = (unsigned __int128)m * 2 * scale;
	r = (unsigned __int128)(2 * q + 1) << -k;
	return l > r ? 1 : l < r ? -1 : 0;
}

size_t units_fmt_ratio(char *out, uint64_t num, uint64_t den, int decimals)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
	uint64_t scale, q, r;
	size_t n;

	if (den == 0 || decimals < 0 || decimals > 6)
		return (size_t)snprintf(out, 48, "%.*f", decimals < 0 ? 0 : decimals % 7,
					den ? (double)num / (double)den : 0.0);
	scale = pow10[decimals];
	/*
	 * printf rounds the double num/den, itself num/den rounded to 53 bits.
	 * Away from a tie the distance to it is at least 1/(2 den) of the last
	 * digit, more than that rounding error while den < 2^53 and
	 * num * scale < 2^52: then integer rounding is printf's rounding. On a
	 * tie the double is compared with it exactly, and an exact tie goes to
	 * even, as glibc does. Anything else is left to printf.
	 */
	if (den >= (1ULL << 53) || num >= (1ULL << 52) / scale)
		return (size_t)snprintf(out, 48, "%.*f", decimals, (double)num / (double)den);
	q = num * scale / den;
	r = num * scale % den;
	if (2 * r == den) {
		int side = tie_side(num, den, q, scale);

		if (side == -2)
			return (size_t)snprintf(out, 48, "%.*f", decimals,
						(double)num / (double)den);
		if (side > 0 || (side == 0 && (q & 1)))
			q++;
	} else if (2 * r > den) {
		q++;
	}
	n = units_fmt_u64(out, q / scale);
	if (decimals) {
		uint64_t frac = q % scale;

		out[n++] = '.';
		for (int i = decimals - 1; i >= 0; i--) {
			out[n + (size_t)i] = (char)('0' + frac % 10);
			frac /= 10;
		}
		n += (size_t)decimals;
	}
	return n;
}

size_t units_fmt_round(char *out, double x)
{
	double f, d;
	uint64_t v;

	if (!(x >= 0 && x < 4503599627370496.0)) { /* also NaN */
		int n = snprintf(out, 48, "%.0f", x);

		return n < 0 ? 0 : n > 47 ? 47 : (size_t)n; /* cut, not overrun */
	}
	/* x - floor(x) is exact here; glibc rounds an exact half to even. */
	f = (double)(uint64_t)x;
	d = x - f;
	v = (uint64_t)f;
	if (d > 0.5 || (d == 0.5 && (v & 1)))
		v++;
	return units_fmt_u64(out, v);
}

/* value / div with 'dec' decimals and a unit, as printf("%.*f unit") would; out >= 64 bytes. */
static size_t put_unit(char *out, uint64_t value, uint64_t div, int dec, const char *unit)
{
	size_t n = units_fmt_ratio(out, value, div, dec), ul = strlen(unit);

	out[n++] = ' ';
	memcpy(out + n, unit, ul);
	return n + ul;
}

/* snprintf(buf, len, "%.*s", n, t) */
static const char *copy_out(const char *t, size_t n, char *buf, size_t len)
{
	if (len) {
		n = n < len - 1 ? n : len - 1;
		memcpy(buf, t, n);
		buf[n] = '\0';
	}
	return buf;
}

/* SI scaling: G, M and k with 2, 1 and 1 decimals, or the count itself; unit[] from G down. */
static size_t put_si(char *out, uint64_t v, const char *const unit[4])
{
	if (v >= 1000000000ULL)
		return put_unit(out, v, 1000000000ULL, 2, unit[0]);
	if (v >= 1000000ULL)
		return put_unit(out, v, 1000000ULL, 1, unit[1]);
	if (v >= 1000ULL)
		return put_unit(out, v, 1000ULL, 1, unit[2]);
	return put_unit(out, v, 1, 0, unit[3]);
}

size_t units_put_rate(char *out, uint64_t bps)
{
	static const char *const unit[] = { "Gbit/s", "Mbit/s", "kbit/s", "bit/s" };

	return put_si(out, bps, unit);
}

const char *units_fmt_rate(uint64_t bps, char *buf, size_t len)
{
	char t[64];

	return copy_out(t, units_put_rate(t, bps), buf, len);
}

const char *units_fmt_rate_tc(uint64_t bps, char *buf, size_t len)
{
	if (bps && bps % 1000000000ULL == 0)
		snprintf(buf, len, "%llugbit", (unsigned long long)(bps / 1000000000ULL));
	else if (bps && bps % 1000000ULL == 0)
		snprintf(buf, len, "%llumbit", (unsigned long long)(bps / 1000000ULL));
	else if (bps && bps % 1000ULL == 0)
		snprintf(buf, len, "%llukbit", (unsigned long long)(bps / 1000ULL));
	else
		snprintf(buf, len, "%llubit", (unsigned long long)bps);
	return buf;
}

int units_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

size_t units_put_bytes(char *out, uint64_t b)
{
	static const char *const unit[] = { "GB", "MB", "kB", "B" };

	return put_si(out, b, unit);
}

const char *units_fmt_bytes(uint64_t b, char *buf, size_t len)
{
	char t[64];

	return copy_out(t, units_put_bytes(t, b), buf, len);
}
