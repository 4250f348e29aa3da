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

const char *units_fmt_rate(uint64_t bps, char *buf, size_t len)
{
	if (bps >= 1000000000ULL)
		snprintf(buf, len, "%.2f Gbit/s", bps / 1e9);
	else if (bps >= 1000000ULL)
		snprintf(buf, len, "%.1f Mbit/s", bps / 1e6);
	else if (bps >= 1000ULL)
		snprintf(buf, len, "%.1f kbit/s", bps / 1e3);
	else
		snprintf(buf, len, "%llu bit/s", (unsigned long long)bps);
	return buf;
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

const char *units_fmt_bytes(uint64_t b, char *buf, size_t len)
{
	if (b >= 1000000000ULL)
		snprintf(buf, len, "%.2f GB", b / 1e9);
	else if (b >= 1000000ULL)
		snprintf(buf, len, "%.1f MB", b / 1e6);
	else if (b >= 1000ULL)
		snprintf(buf, len, "%.1f kB", b / 1e3);
	else
		snprintf(buf, len, "%llu B", (unsigned long long)b);
	return buf;
}
