// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/common/units.h: the rates, sizes, durations and percentages users type.
 * Rates follow tc(8): SI multipliers, "bps" means bytes per second, a bare
 * number is bits per second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/units.h"

struct ok_case {
	const char *s;
	uint64_t want;
};

static void test_rate_ok(void **state)
{
	static const struct ok_case cases[] = {
		{ "1gbit", 1000000000ULL },
		{ "200mbit", 200000000ULL },
		{ "1.5gbit", 1500000000ULL },
		{ "10G", 10000000000ULL },
		{ "10g", 10000000000ULL },
		{ "100kbps", 800000ULL },
		{ "1000", 1000ULL }, /* bare number: bits per second */
		{ "1", 1ULL },
		{ "1bit", 1ULL },
		{ "1kbit", 1000ULL },
		{ "1mbit", 1000000ULL },
		{ "1tbit", 1000000000000ULL },
		{ "1kibit", 1024ULL },
		{ "1mibit", 1048576ULL },
		{ "1gibit", 1073741824ULL },
		{ "1k", 1000ULL },
		{ "1m", 1000000ULL }, /* m is mega for rates, never milli */
		{ "2t", 2000000000000ULL },
		{ "8bps", 64ULL },
		{ "1mbps", 8000000ULL },
		{ "1gbps", 8000000000ULL },
		{ "1GBIT", 1000000000ULL },
		{ "200MbIt", 200000000ULL },
		{ "1gbit/s", 1000000000ULL },
		{ "0.5kbit", 500ULL },
		{ ".5mbit", 500000ULL },
		{ "0.5bit", 1ULL }, /* rounded to the nearest bit */
		{ "1.4bit", 1ULL }, /* rounded to the nearest bit */
		{ "1000tbit", 1000000000000000ULL }, /* the largest accepted: 1e15 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0xdeadbeef;

		print_message("rate '%s'\n", cases[i].s);
		assert_int_equal(units_parse_rate(cases[i].s, &v), 0);
		assert_int_equal(v, cases[i].want);
	}
}

static void test_rate_rejected(void **state)
{
	static const char *const einval[] = {
		"fast",	    "",	    "-1gbit", "+1gbit", "nan",	   "NaN",     "inf",	 "infinity",
		"0x10",	    "0X10", "1gbitz", " 1gbit", "1gbit ",  "1 gbit",  "gbit",	 ".",
		"1..5gbit", "1gb",  "1mb",    "1e3x",	"1,5gbit", "1gbit\n", "\t1gbit", "1bits",
	};
	static const char *const erange[] = {
		"0", "0gbit", "0.0", "0.4bit", "1001tbit", "1e16", "100000tbit", "99999999gbps",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(einval) / sizeof(einval[0]); i++) {
		uint64_t v = 42;

		print_message("rate '%s'\n", einval[i]);
		assert_int_equal(units_parse_rate(einval[i], &v), -EINVAL);
		assert_int_equal(v, 42); /* untouched on error */
	}
	for (size_t i = 0; i < sizeof(erange) / sizeof(erange[0]); i++) {
		uint64_t v = 42;

		print_message("rate '%s'\n", erange[i]);
		assert_int_equal(units_parse_rate(erange[i], &v), -ERANGE);
		assert_int_equal(v, 42);
	}
	assert_int_equal(units_parse_rate(NULL, &(uint64_t){ 0 }), -EINVAL);
}

/*
 * KNOWN BUG (reported, not fixed here: src/ is not ours to edit). units.h
 * promises -ERANGE "when the value does not fit", but a number so large that
 * strtod() overflows (errno ERANGE, HUGE_VAL) is answered with -EINVAL by
 * parse_scaled(). Proposed fix in parse_scaled():
 *	if (end == s || !isfinite(v) || v < 0) return -EINVAL;   (minus errno)
 *	if (errno == ERANGE) return -ERANGE;
 * This test fails until then.
 */
static void test_rate_overflow_is_erange(void **state)
{
	uint64_t v = 42;

	(void)state;
	assert_int_equal(units_parse_rate("1e400", &v), -ERANGE);
	assert_int_equal(units_parse_rate("1e400gbit", &v), -ERANGE);
	assert_int_equal(v, 42);
}

static void check_rate_fmt(uint64_t bps, const char *want)
{
	char buf[32];
	uint64_t back = 0;

	assert_string_equal(units_fmt_rate_tc(bps, buf, sizeof(buf)), want);
	assert_int_equal(units_parse_rate(buf, &back), 0);
	assert_int_equal(back, bps);
}

static void test_rate_fmt_tc(void **state)
{
	(void)state;
	check_rate_fmt(1000000000ULL, "1gbit");
	check_rate_fmt(200000000ULL, "200mbit");
	check_rate_fmt(1500000ULL, "1500kbit");
	check_rate_fmt(1500000000ULL, "1500mbit");
	check_rate_fmt(123ULL, "123bit");
	check_rate_fmt(1ULL, "1bit");
	check_rate_fmt(1001ULL, "1001bit");
	check_rate_fmt(10000000000ULL, "10gbit");
	check_rate_fmt(1000000000000000ULL, "1000000gbit");
	check_rate_fmt(999999999999999ULL, "999999999999999bit");
	check_rate_fmt(1073741824ULL, "1073741824bit");
}

/* Every rate the parser accepts comes back unchanged from the canonical form. */
static void test_rate_fmt_tc_roundtrip_sweep(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		char buf[32];
		uint64_t bps, back = 0;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bps = 1 + x % 1000000000000000ULL;
		/* Favour round numbers too: the k/m/g branches. */
		if (i % 4 == 1)
			bps = (1 + x % 1000000000ULL) * 1000ULL;
		else if (i % 4 == 2)
			bps = (1 + x % 1000000ULL) * 1000000ULL;
		else if (i % 4 == 3)
			bps = (1 + x % 1000000ULL) * 1000000000ULL;
		units_fmt_rate_tc(bps, buf, sizeof(buf));
		if (units_parse_rate(buf, &back) || back != bps)
			fail_msg("%llu -> '%s' -> %llu", (unsigned long long)bps, buf,
				 (unsigned long long)back);
	}
}

static void test_rate_fmt_human(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(units_fmt_rate(9540000000ULL, buf, sizeof(buf)), "9.54 Gbit/s");
	assert_string_equal(units_fmt_rate(1000000000ULL, buf, sizeof(buf)), "1.00 Gbit/s");
	assert_string_equal(units_fmt_rate(1500000ULL, buf, sizeof(buf)), "1.5 Mbit/s");
	assert_string_equal(units_fmt_rate(1000ULL, buf, sizeof(buf)), "1.0 kbit/s");
	assert_string_equal(units_fmt_rate(999ULL, buf, sizeof(buf)), "999 bit/s");
	assert_string_equal(units_fmt_rate(0, buf, sizeof(buf)), "0 bit/s");
	/* Truncated, never overflowed. */
	assert_string_equal(units_fmt_rate(9540000000ULL, buf, 5), "9.54");
}

static void test_size(void **state)
{
	static const struct ok_case ok[] = {
		{ "0", 0 },
		{ "1500", 1500 },
		{ "1500b", 1500 },
		{ "128k", 131072 },
		{ "128K", 131072 },
		{ "1kb", 1024 },
		{ "1kib", 1024 },
		{ "1.5k", 1536 },
		{ "1m", 1048576 },
		{ "1mb", 1048576 },
		{ "1MiB", 1048576 },
		{ "2g", 2147483648ULL },
		{ "1gb", 1073741824ULL },
		{ "1gib", 1073741824ULL },
	};
	static const char *const einval[] = {
		"", "k", "-1k", "1kbit", "1x", "0x10", " 1k", "1k ", "nan", "inf", "1t", "1.2.3k",
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		print_message("size '%s'\n", ok[i].s);
		assert_int_equal(units_parse_size(ok[i].s, &v), 0);
		assert_int_equal(v, ok[i].want);
	}
	for (size_t i = 0; i < sizeof(einval) / sizeof(einval[0]); i++) {
		print_message("size '%s'\n", einval[i]);
		assert_int_equal(units_parse_size(einval[i], &v), -EINVAL);
	}
	/* 1e15 bytes is the limit. */
	assert_int_equal(units_parse_size("1000000000000000", &v), 0);
	assert_int_equal(units_parse_size("1000000000000001", &v), -ERANGE);
	assert_int_equal(units_parse_size("1000000g", &v), -ERANGE);
}

static void test_duration(void **state)
{
	static const struct ok_case ok[] = {
		{ "1.5s", 1500000 },  { "100ms", 100000 },
		{ "2", 2000000 }, /* bare: seconds */
		{ "0", 0 },	      { "0.25", 250000 },
		{ "250us", 250 },     { "250usec", 250 },
		{ "5msec", 5000 },    { "10sec", 10000000 },
		{ "1500ns", 2 },      { "1m", 60000000 },
		{ "1min", 60000000 }, { "1h", 3600000000ULL },
		{ "1.5MS", 1500 },    { "2777h", 9997200000000ULL },
	};
	static const char *const einval[] = {
		"", "fast", "1d", "-1s", "1 s", "s", "nan", "inf", "0x10", "1s ", "1mss",
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		print_message("duration '%s'\n", ok[i].s);
		assert_int_equal(units_parse_duration(ok[i].s, &v), 0);
		assert_int_equal(v, ok[i].want);
	}
	for (size_t i = 0; i < sizeof(einval) / sizeof(einval[0]); i++) {
		print_message("duration '%s'\n", einval[i]);
		assert_int_equal(units_parse_duration(einval[i], &v), -EINVAL);
	}
	assert_int_equal(units_parse_duration("3000h", &v), -ERANGE);
	assert_int_equal(units_parse_duration("10000001s", &v), -ERANGE);
}

/*
 * units.h says the percentage comes back "in millionths of one (ppm of 100%)",
 * but the implementation and every caller (cmd_lab.c, the state file, the
 * nft loss rules) use plain percent: "1.5" -> 1.5. The header comment is
 * wrong (reported); this tests what the code and its callers rely on.
 */
static void test_percent(void **state)
{
	static const struct {
		const char *s;
		double want;
	} ok[] = {
		{ "0", 0 },	{ "1.5", 1.5 },	    { "1.5%", 1.5 },
		{ "100", 100 }, { "100%", 100 },    { "0.01%", 0.01 },
		{ ".5", 0.5 },	{ "99.99", 99.99 }, { "100.000", 100 },
	};
	static const char *const einval[] = {
		"", "%", "-1", "-0.5%", "nan", "inf", "1.5 %", "1.5%%", "1.5x", " 1", "fast", "0x1",
	};
	double v;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		print_message("percent '%s'\n", ok[i].s);
		assert_int_equal(units_parse_percent(ok[i].s, &v), 0);
		assert_true(fabs(v - ok[i].want) < 1e-12);
	}
	for (size_t i = 0; i < sizeof(einval) / sizeof(einval[0]); i++) {
		print_message("percent '%s'\n", einval[i]);
		assert_int_equal(units_parse_percent(einval[i], &v), -EINVAL);
	}
	assert_int_equal(units_parse_percent("101", &v), -ERANGE);
	assert_int_equal(units_parse_percent("100.0001%", &v), -ERANGE);
}

/* xorshift64: the same values every run, so a failure can be replayed. */
static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* units_fmt_ratio is printf("%.*f", num / den) byte for byte: ties, huge values, every width. */
static void test_fmt_ratio_is_printf(void **state)
{
	static const struct {
		uint64_t num, den;
		int dec;
		const char *want;
	} fixed[] = {
		{ 5, 1000, 2, "0.01" }, /* 0.005 is a hair above the tie as a double */
		{ 125, 1000, 2, "0.12" }, /* 0.125 is an exact tie: to even */
		{ 375, 1000, 2, "0.38" }, /* exact tie, odd: up */
		{ 15, 1000, 2, "0.01" }, /* 0.015 is a hair below */
		{ 0, 7, 3, "0.000" },
		{ 9540000000ULL, 1000000000ULL, 2, "9.54" },
		{ UINT64_MAX, 1, 0, "18446744073709551616" }, /* printf of the double */
		{ 1, 0, 2, "0.00" },
	};
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char a[64], b[64];

	(void)state;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		size_t n = units_fmt_ratio(a, fixed[i].num, fixed[i].den, fixed[i].dec);

		a[n] = '\0';
		print_message("%llu / %llu .%d\n", (unsigned long long)fixed[i].num,
			      (unsigned long long)fixed[i].den, fixed[i].dec);
		assert_string_equal(a, fixed[i].want);
	}
	for (int i = 0; i < 300000; i++) {
		uint64_t r = next_rand(&x), num, den;
		int dec = (int)(r % 7);
		size_t n;

		switch (r >> 61) {
		case 0: /* rtt in us shown in ms: ties every tenth value */
			num = (r >> 20) % 100000;
			den = 1000;
			dec = 2;
			break;
		case 1: /* byte counts in GB */
			num = r >> 10;
			den = 1000000000;
			break;
		case 2: /* exact ties of many sizes */
			den = ((r >> 8) % 1000 + 1) * 2;
			num = ((r >> 30) % 100000) * den + den / 2;
			dec = 0;
			break;
		default:
			num = next_rand(&x) >> (r % 64);
			den = (next_rand(&x) >> (r % 61)) | 1;
			break;
		}
		n = units_fmt_ratio(a, num, den, dec);
		a[n] = '\0';
		snprintf(b, sizeof(b), "%.*f", dec, (double)num / (double)den);
		if (strcmp(a, b))
			fail_msg("%llu / %llu .%d: '%s', printf '%s'", (unsigned long long)num,
				 (unsigned long long)den, dec, a, b);
	}
}

static void test_fmt_round_and_u64_are_printf(void **state)
{
	static const double fixed[] = { 0, 0.5, 1.5, 2.5, 49.5, 50, 99.999, 100, 1e15, 4.6e15 };
	uint64_t x = 42;
	char a[64], b[64];

	(void)state;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		a[units_fmt_round(a, fixed[i])] = '\0';
		snprintf(b, sizeof(b), "%.0f", fixed[i]);
		assert_string_equal(a, b);
	}
	for (int i = 0; i < 300000; i++) {
		uint64_t r = next_rand(&x);
		double v = (double)(r >> 11) / (double)(1ULL << (r % 60));

		a[units_fmt_round(a, v)] = '\0';
		snprintf(b, sizeof(b), "%.0f", v);
		if (strcmp(a, b))
			fail_msg("round %.17g: '%s', printf '%s'", v, a, b);
		a[units_fmt_u64(a, r >> (r % 64))] = '\0';
		snprintf(b, sizeof(b), "%llu", (unsigned long long)(r >> (r % 64)));
		assert_string_equal(a, b);
	}
	/* Out of the fast range: printf's text, cut to the 48 bytes of out. */
	a[units_fmt_round(a, 1e300)] = '\0';
	assert_int_equal(strlen(a), 47);
	a[units_fmt_round(a, -1.0)] = '\0';
	assert_string_equal(a, "-1");
}

static void test_fmt_bytes_small_buffer(void **state)
{
	char buf[8];

	(void)state;
	assert_string_equal(units_fmt_bytes(1500000, buf, sizeof(buf)), "1.5 MB");
	assert_string_equal(units_fmt_bytes(999, buf, sizeof(buf)), "999 B");
	assert_string_equal(units_fmt_bytes(12340000000ULL, buf, sizeof(buf)), "12.34 G");
	assert_string_equal(units_fmt_bytes(12340000000ULL, buf, 1), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_ok),
		cmocka_unit_test(test_rate_rejected),
		cmocka_unit_test(test_rate_overflow_is_erange),
		cmocka_unit_test(test_rate_fmt_tc),
		cmocka_unit_test(test_rate_fmt_tc_roundtrip_sweep),
		cmocka_unit_test(test_rate_fmt_human),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_fmt_ratio_is_printf),
		cmocka_unit_test(test_fmt_round_and_u64_are_printf),
		cmocka_unit_test(test_fmt_bytes_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
