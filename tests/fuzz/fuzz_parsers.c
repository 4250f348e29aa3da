// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the parsers of what users type (src/common/units.c, addr.c): the
 * bytes, NUL-terminated, go to every parser; what parses is printed again and,
 * where the header promises a round trip, parsed back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void fail(const char *what, const char *in, const char *out)
{
	fprintf(stderr, "%s: '%s' -> '%s' does not round-trip\n", what, in, out);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct mc_prefix p, p2;
	char fmt[MC_ADDRSTRLEN + 8];
	uint64_t v, v2;
	double pct;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (!units_parse_rate(s, &v)) {
		/* Rates are 1 bit/s .. 1e15; units_fmt_rate_tc round-trips through the parser. */
		if (v < 1 || v > 1000000000000000ULL)
			abort();
		units_fmt_rate_tc(v, fmt, sizeof(fmt));
		if (units_parse_rate(fmt, &v2) || v2 != v)
			fail("rate", s, fmt);
		units_fmt_rate(v, fmt, sizeof(fmt));
		sink += strlen(fmt);
	}
	if (!units_parse_size(s, &v))
		sink += v;
	if (!units_parse_duration(s, &v))
		sink += v;
	if (!units_parse_percent(s, &pct)) {
		if (!(pct >= 0 && pct <= 100))
			abort();
		sink += (uint64_t)pct;
	}
	if (!mc_prefix_parse(s, &p)) {
		if (p.plen > mc_prefix_alen(&p) * 8)
			abort();
		mc_prefix_fmt(&p, false, fmt, sizeof(fmt));
		sink += strlen(fmt);
		mc_prefix_fmt(&p, true, fmt, sizeof(fmt));
		if (mc_prefix_parse(fmt, &p2) || !mc_prefix_equal(&p, &p2))
			fail("prefix", s, fmt);
		mc_prefix_network(&p, &p2);
		sink += p2.a.raw[0];
	}
	free(s);
	return 0;
}
