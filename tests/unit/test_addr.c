// SPDX-License-Identifier: GPL-2.0-or-later
/* src/common/addr.h: IPv4/IPv6 addresses and prefixes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "common/addr.h"

static void check_parse(const char *s, int family, unsigned int plen, const char *addr)
{
	struct mc_prefix p;
	uint8_t want[16] = { 0 };

	print_message("prefix '%s'\n", s);
	assert_int_equal(inet_pton(family, addr, want), 1);
	memset(&p, 0xa5, sizeof(p));
	assert_int_equal(mc_prefix_parse(s, &p), 0);
	assert_int_equal(p.family, family);
	assert_int_equal(p.plen, plen);
	assert_int_equal(mc_prefix_alen(&p), family == AF_INET ? 4 : 16);
	assert_memory_equal(p.a.raw, want, mc_prefix_alen(&p));
	/* The parser clears the whole struct: no stale bytes after a v4 address. */
	if (family == AF_INET)
		assert_memory_equal(p.a.raw + 4, (uint8_t[12]){ 0 }, 12);
}

static void test_parse_ok(void **state)
{
	(void)state;
	check_parse("10.0.0.1/24", AF_INET, 24, "10.0.0.1");
	check_parse("10.0.0.1", AF_INET, 32, "10.0.0.1");
	check_parse("192.168.0.2/32", AF_INET, 32, "192.168.0.2");
	check_parse("0.0.0.0/0", AF_INET, 0, "0.0.0.0");
	check_parse("255.255.255.255/1", AF_INET, 1, "255.255.255.255");
	check_parse("fd00::1/64", AF_INET6, 64, "fd00::1");
	check_parse("fd00:0:0:1::1/64", AF_INET6, 64, "fd00:0:0:1::1");
	check_parse("::1", AF_INET6, 128, "::1");
	check_parse("::/0", AF_INET6, 0, "::");
	check_parse("2001:db8::/128", AF_INET6, 128, "2001:db8::");
	check_parse("FD00::ABCD/7", AF_INET6, 7, "fd00::abcd");
	check_parse("::ffff:10.0.0.1/96", AF_INET6, 96, "::ffff:10.0.0.1");
	check_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", AF_INET6, 128,
		    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
}

static void test_parse_rejected(void **state)
{
	static const char *const bad[] = {
		"10.0.0.1/33",
		"10.0.0.1/",
		"10.0.0.1/a",
		"::1/129",
		"1.2.3",
		"10.0.0.1/024x",
		"",
		"/24",
		"10.0.0.1/-1",
		"10.0.0.1/+8",
		"10.0.0.1/ 8",
		"10.0.0.1/8 ",
		"10.0.0.1/8/8",
		"10.0.0.1/0024",
		"10.0.0.1/4294967320", /* 2^32 + 24: must not wrap to 24 */
		"10.0.0.256",
		"1.2.3.4.5",
		" 10.0.0.1",
		"10.0.0.1 ",
		"fd00::1/64 ",
		"fd00::1::2",
		"fd00::g",
		"10.0.0.1%eth0",
		"fe80::1%eth0/64",
		"localhost",
		"0x0a000001",
		/* Longer than any address: rejected before copying. */
		"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128//////////////",
	};
	struct mc_prefix p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("prefix '%s'\n", bad[i]);
		assert_int_equal(mc_prefix_parse(bad[i], &p), -EINVAL);
	}
	assert_int_equal(mc_prefix_parse(NULL, &p), -EINVAL);
}

static void check_network(const char *in, const char *want)
{
	struct mc_prefix p, net, w;
	char buf[MC_ADDRSTRLEN];

	assert_int_equal(mc_prefix_parse(in, &p), 0);
	assert_int_equal(mc_prefix_parse(want, &w), 0);
	mc_prefix_network(&p, &net);
	print_message("network(%s) = %s\n", in, mc_prefix_fmt(&net, true, buf, sizeof(buf)));
	assert_true(mc_prefix_equal(&net, &w));
	assert_int_equal(net.family, p.family);
	assert_int_equal(net.plen, p.plen);
}

static void test_network(void **state)
{
	(void)state;
	check_network("10.0.0.1/24", "10.0.0.0/24");
	check_network("10.0.0.1/32", "10.0.0.1/32");
	check_network("10.1.2.3/9", "10.0.0.0/9");
	check_network("10.255.2.3/9", "10.128.0.0/9");
	check_network("192.168.255.255/17", "192.168.128.0/17");
	check_network("192.168.255.255/1", "128.0.0.0/1");
	check_network("192.168.255.255/0", "0.0.0.0/0");
	check_network("192.168.3.7/31", "192.168.3.6/31");
	check_network("fd00:0:0:1::1/64", "fd00:0:0:1::/64");
	check_network("2001:db8:abcd:ffff::1/50", "2001:db8:abcd:c000::/50");
	check_network("2001:db8::ffff/127", "2001:db8::fffe/127");
	check_network("2001:db8::1/128", "2001:db8::1/128");
	check_network("2001:db8::1/0", "::/0");
}

static void test_network_in_place(void **state)
{
	struct mc_prefix p;
	char buf[MC_ADDRSTRLEN];

	(void)state;
	assert_int_equal(mc_prefix_parse("10.0.7.200/21", &p), 0);
	mc_prefix_network(&p, &p);
	assert_string_equal(mc_prefix_fmt(&p, true, buf, sizeof(buf)), "10.0.0.0/21");
}

static void check_fmt(const char *in, const char *with, const char *without)
{
	struct mc_prefix p;
	char buf[MC_ADDRSTRLEN];

	assert_int_equal(mc_prefix_parse(in, &p), 0);
	assert_string_equal(mc_prefix_fmt(&p, true, buf, sizeof(buf)), with);
	assert_string_equal(mc_prefix_fmt(&p, false, buf, sizeof(buf)), without);
}

static void test_fmt(void **state)
{
	struct mc_prefix p;
	char small[8];
	char buf[MC_ADDRSTRLEN];

	(void)state;
	check_fmt("10.0.0.1/24", "10.0.0.1/24", "10.0.0.1");
	check_fmt("10.0.0.1", "10.0.0.1/32", "10.0.0.1");
	check_fmt("fd00:0:0:1::1/64", "fd00:0:0:1::1/64", "fd00:0:0:1::1");
	check_fmt("FD00:0000::0001", "fd00::1/128", "fd00::1");
	check_fmt("::/0", "::/0", "::");
	check_fmt("::ffff:10.0.0.1", "::ffff:10.0.0.1/128", "::ffff:10.0.0.1");
	check_fmt("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	/* The buffer MC_ADDRSTRLEN names is enough for the longest form. */
	assert_int_equal(mc_prefix_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", &p),
			 0);
	assert_true(strlen(mc_prefix_fmt(&p, true, buf, sizeof(buf))) < sizeof(buf));
	/* A short buffer truncates, NUL-terminated. */
	assert_int_equal(mc_prefix_parse("192.168.100.200/24", &p), 0);
	assert_string_equal(mc_prefix_fmt(&p, true, small, sizeof(small)), "192.168");
}

static void test_equal(void **state)
{
	struct mc_prefix a, b;

	(void)state;
	assert_int_equal(mc_prefix_parse("10.0.0.1/24", &a), 0);
	assert_int_equal(mc_prefix_parse("10.0.0.1/24", &b), 0);
	assert_true(mc_prefix_equal(&a, &b));
	assert_int_equal(mc_prefix_parse("10.0.0.1/25", &b), 0);
	assert_false(mc_prefix_equal(&a, &b));
	assert_int_equal(mc_prefix_parse("10.0.0.2/24", &b), 0);
	assert_false(mc_prefix_equal(&a, &b));
	assert_int_equal(mc_prefix_parse("::ffff:10.0.0.1/24", &b), 0);
	assert_false(mc_prefix_equal(&a, &b));
	assert_int_equal(mc_prefix_parse("fd00::1/64", &a), 0);
	assert_int_equal(mc_prefix_parse("fd00:0::1/64", &b), 0);
	assert_true(mc_prefix_equal(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok), cmocka_unit_test(test_parse_rejected),
		cmocka_unit_test(test_network),	 cmocka_unit_test(test_network_in_place),
		cmocka_unit_test(test_fmt),	 cmocka_unit_test(test_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
