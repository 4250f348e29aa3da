// SPDX-License-Identifier: GPL-2.0-or-later
/* src/lab/lab.h: the state file (format/parse), lab_init's addressing, lab names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lab/lab.h"

static void fill(struct lab *lab, const char *name, int npaths, bool up)
{
	assert_int_equal(lab_init(lab, name, npaths, NULL), 0);
	lab->up = up;
	for (int i = 0; i < npaths; i++) {
		lab->paths[i].rate_bps = i ? 1000000ULL * (uint64_t)(i * 7 + 3) : 0;
		lab->paths[i].loss_pct = i * 12.5 + (i % 3) * 0.0125;
		lab->paths[i].delay_us = i ? (uint64_t)i * 1500 : 0;
	}
}

static void roundtrip(int npaths)
{
	struct lab in, out;
	struct mc_err e = { 0 };
	char buf[4096];
	int n;

	fill(&in, "rt-lab_1", npaths, npaths != 2);
	n = lab_state_format(&in, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(lab_state_parse(buf, (size_t)n, &out, &e), 0);
	assert_string_equal(out.name, in.name);
	assert_int_equal(out.npaths, npaths);
	assert_int_equal(out.up, in.up);
	for (int i = 0; i < npaths; i++) {
		const struct lab_path *a = &in.paths[i], *b = &out.paths[i];

		assert_string_equal(b->ifname, a->ifname);
		assert_int_equal(b->rate_bps, a->rate_bps);
		assert_int_equal(b->delay_us, a->delay_us);
		/* Written with 4 decimals: exact for the values used here. */
		assert_true(fabs(b->loss_pct - a->loss_pct) < 1e-9);
		for (int h = 0; h < 2; h++) {
			assert_true(mc_prefix_equal(&b->addr4[h], &a->addr4[h]));
			assert_true(mc_prefix_equal(&b->addr6[h], &a->addr6[h]));
		}
	}
}

static void test_roundtrip_1(void **state)
{
	(void)state;
	roundtrip(1);
}

static void test_roundtrip_2(void **state)
{
	(void)state;
	roundtrip(2);
}

static void test_roundtrip_8(void **state)
{
	(void)state;
	roundtrip(8);
}

static void test_format_exact(void **state)
{
	struct lab lab;
	char buf[512];
	static const char want[] = "# mptcpctl lab state: do not edit\n"
				   "version 1\n"
				   "name demo\n"
				   "state creating\n"
				   "paths 2\n"
				   "path 1 rate 1000000000 loss 1.5000 delay 10000\n"
				   "path 2 rate 0 loss 0.0000 delay 0\n";

	(void)state;
	assert_int_equal(lab_init(&lab, "demo", 2, NULL), 0);
	lab.paths[0].rate_bps = 1000000000ULL;
	lab.paths[0].loss_pct = 1.5;
	lab.paths[0].delay_us = 10000;
	assert_int_equal(lab_state_format(&lab, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
	/* Every buffer too short for the whole text: -ENOSPC. */
	for (size_t len = 0; len <= strlen(want); len++)
		assert_int_equal(lab_state_format(&lab, buf, len), -ENOSPC);
}

/* Expects -EBADMSG and e.what starting with want (e.g. "line 3: "). */
static void reject(const char *text, size_t len, const char *want)
{
	struct lab lab;
	struct mc_err e = { 0 };

	print_message("expect '%s'\n", want);
	assert_int_equal(lab_state_parse(text, len, &lab, &e), -EBADMSG);
	assert_int_equal(e.code, -EBADMSG);
	if (strncmp(e.what, want, strlen(want)))
		fail_msg("e.what is '%s', want '%s...'", e.what, want);
}

#define REJECT(text, want) reject(text, sizeof(text) - 1, want)

#define HEAD "version 1\nname t\nstate up\n"

static void test_rejects(void **state)
{
	char longline[400];
	int n;

	(void)state;
	REJECT(HEAD "paths 1\nbogus 1\npath 1 rate 0 loss 0 delay 0\n",
	       "line 5: unexpected 'bogus'");
	REJECT("version 2\nname t\npaths 1\npath 1 rate 0 loss 0 delay 0\n",
	       "line 1: unknown version 2");
	REJECT("# c\nversion 1.0\n", "line 2: unknown version 1.0");
	REJECT(HEAD "paths 2\npath 1 rate 0 loss 0 delay 0\n", "a path line is missing");
	REJECT(HEAD "paths 2\npath 3 rate 0 loss 0 delay 0\n", "line 5: path number out of range");
	REJECT(HEAD "path 1 rate 0 loss 0 delay 0\npaths 1\n", "line 4: path number out of range");
	REJECT(HEAD "paths 1\npath 0 rate 0 loss 0 delay 0\n", "line 5: path number out of range");
	REJECT(HEAD "paths 0\n", "line 4: invalid path count");
	REJECT(HEAD "paths 9\n", "line 4: invalid path count");
	REJECT(HEAD "paths -1\n", "line 4: invalid path count");
	REJECT(HEAD "paths 1x\n", "line 4: invalid path count");
	REJECT(HEAD "paths 18446744073709551617\n", "line 4: invalid path count");
	REJECT("version 1\nname -t\n", "line 2: invalid name");
	REJECT("version 1\nname a/b\n", "line 2: invalid name");
	REJECT("version 1\nname abcdefghijklmnopqrstuvwxy\n", "line 2: invalid name");
	REJECT(HEAD "paths 1\npath 1 rate 0 loss 101 delay 0\n", "line 5: invalid loss");
	REJECT(HEAD "paths 1\npath 1 rate 0 loss 100.0001 delay 0\n", "line 5: invalid loss");
	REJECT(HEAD "paths 1\npath 1 rate 0 loss -1 delay 0\n", "line 5: invalid loss");
	REJECT(HEAD "paths 1\npath 1 rate 0 loss nan delay 0\n", "line 5: invalid loss");
	REJECT(HEAD "paths 1\npath 1 rate 0 loss inf delay 0\n", "line 5: invalid loss");
	REJECT(HEAD "paths 1\npath 1 rate 0 loss 1% delay 0\n", "line 5: invalid loss");
	REJECT(HEAD "paths 1\npath 1 rate x loss 0 delay 0\n", "line 5: invalid number");
	REJECT(HEAD "paths 1\npath 1 rate -5 loss 0 delay 0\n", "line 5: invalid number");
	REJECT(HEAD "paths 1\npath 1 rate 0 loss 0 delay 1s\n", "line 5: invalid number");
	REJECT(HEAD "paths 1\npath 1 rate 0 loss 0 delay\n", "line 5: unexpected 'path'");
	REJECT(HEAD "paths 1\npath 1 speed 0 loss 0 delay 0\n", "line 5: unexpected 'path'");
	REJECT("version 1\nstate maybe\n", "line 2: unknown state maybe");
	REJECT("version 1\nname t t\n", "line 2: unexpected 'name'");
	REJECT("a b c d e f g h i j k\n", "line 1: too many words");
	REJECT("version 1\nstate up\npaths 1\npath 1 rate 0 loss 0 delay 0\n",
	       "name or path count missing");
	REJECT("", "name or path count missing");
	/* A NUL byte anywhere in a line. */
	REJECT(HEAD "paths 1\npath 1 rate 0 loss 0\0 delay 0\n", "line 5: NUL byte");
	REJECT("version 1\0\nname t\n", "line 1: NUL byte");
	/* A line of 255 characters is the longest accepted. */
	n = snprintf(longline, sizeof(longline), HEAD "paths 1\n# %0253d\n", 0);
	reject(longline, (size_t)n, "a path line is missing"); /* line 5 is 255 long: fine */
	n = snprintf(longline, sizeof(longline), HEAD "paths 1\n# %0254d\n", 0);
	reject(longline, (size_t)n, "line 5: too long");
}

#define VALID "version 1\nname zz\npaths 1\npath 1 rate 0 loss 0 delay 0\n"

static void test_parse_lenient_bits(void **state)
{
	static const char text[] = "\n# comment\n\t\nname\tt1\nversion 1\npaths 2\n"
				   "path 2  rate 5 loss 100 delay 7\n"
				   "path 1 rate 1 loss 0.25 delay 3"; /* no final newline */
	struct lab lab;
	struct mc_err e = { 0 };

	(void)state;
	assert_int_equal(lab_state_parse(text, sizeof(text) - 1, &lab, &e), 0);
	assert_string_equal(lab.name, "t1");
	assert_false(lab.up); /* no state line: not up */
	assert_int_equal(lab.npaths, 2);
	assert_int_equal(lab.paths[0].rate_bps, 1);
	assert_true(lab.paths[0].loss_pct == 0.25);
	assert_int_equal(lab.paths[0].delay_us, 3);
	assert_int_equal(lab.paths[1].rate_bps, 5);
	assert_true(lab.paths[1].loss_pct == 100);
	assert_int_equal(lab.paths[1].delay_us, 7);
	/* Only len bytes are read: the rest of the buffer may be anything. */
	assert_int_equal(lab_state_parse(VALID "GARBAGE", strlen(VALID), &lab, &e), 0);
	assert_string_equal(lab.name, "zz");
}

static void check_prefix(const struct mc_prefix *p, const char *want)
{
	char buf[MC_ADDRSTRLEN];

	assert_string_equal(mc_prefix_fmt(p, true, buf, sizeof(buf)), want);
}

static void test_init_addressing(void **state)
{
	struct lab lab;
	struct mc_err e = { 0 };
	char buf[64];

	(void)state;
	assert_int_equal(lab_init(&lab, "lab", 8, &e), 0);
	assert_string_equal(lab.name, "lab");
	assert_int_equal(lab.npaths, 8);
	assert_false(lab.up);
	for (int k = 1; k <= 8; k++) {
		const struct lab_path *p = &lab.paths[k - 1];

		snprintf(buf, sizeof(buf), "eno%d", k);
		assert_string_equal(p->ifname, buf);
		assert_int_equal(p->addr4[LAB_CLI].family, AF_INET);
		assert_int_equal(p->addr6[LAB_SRV].family, AF_INET6);
		snprintf(buf, sizeof(buf), "fd00:0:0:%d::1/64", k);
		check_prefix(&p->addr6[LAB_CLI], buf);
		snprintf(buf, sizeof(buf), "fd00:0:0:%d::2/64", k);
		check_prefix(&p->addr6[LAB_SRV], buf);
		assert_int_equal(p->rate_bps, 0);
		assert_true(p->loss_pct == 0);
		assert_int_equal(p->delay_us, 0);
	}
	check_prefix(&lab.paths[0].addr4[LAB_CLI], "10.0.0.1/24");
	check_prefix(&lab.paths[0].addr4[LAB_SRV], "10.0.0.2/24");
	check_prefix(&lab.paths[1].addr4[LAB_CLI], "192.168.0.1/24");
	check_prefix(&lab.paths[1].addr4[LAB_SRV], "192.168.0.2/24");
	check_prefix(&lab.paths[2].addr4[LAB_CLI], "10.0.2.1/24");
	check_prefix(&lab.paths[2].addr4[LAB_SRV], "10.0.2.2/24");
	check_prefix(&lab.paths[7].addr4[LAB_CLI], "10.0.7.1/24");
	check_prefix(&lab.paths[7].addr4[LAB_SRV], "10.0.7.2/24");
	assert_string_equal(lab_ns_name(&lab, LAB_CLI, buf, sizeof(buf)), "lab-cli");
	assert_string_equal(lab_ns_name(&lab, LAB_SRV, buf, sizeof(buf)), "lab-srv");

	/* Fewer paths: the rest of the struct is zero. */
	assert_int_equal(lab_init(&lab, "x", 1, &e), 0);
	assert_int_equal(lab.npaths, 1);
	assert_string_equal(lab.paths[1].ifname, "");

	assert_int_equal(lab_init(&lab, "lab", 0, &e), -EINVAL);
	assert_int_equal(lab_init(&lab, "lab", 9, &e), -EINVAL);
	assert_int_equal(lab_init(&lab, "lab", -1, &e), -EINVAL);
	assert_int_equal(lab_init(&lab, "-lab", 1, &e), -EINVAL);
	assert_int_equal(lab_init(&lab, NULL, 1, &e), -EINVAL);
	assert_int_equal(e.code, -EINVAL);
}

static void test_host_parse(void **state)
{
	struct lab lab;
	enum lab_host h;

	(void)state;
	assert_int_equal(lab_init(&lab, "l2", 1, NULL), 0);
	assert_int_equal(lab_host_parse(&lab, "cli", &h), 0);
	assert_int_equal(h, LAB_CLI);
	assert_int_equal(lab_host_parse(&lab, "client", &h), 0);
	assert_int_equal(h, LAB_CLI);
	assert_int_equal(lab_host_parse(&lab, "l2-cli", &h), 0);
	assert_int_equal(h, LAB_CLI);
	assert_int_equal(lab_host_parse(&lab, "srv", &h), 0);
	assert_int_equal(h, LAB_SRV);
	assert_int_equal(lab_host_parse(&lab, "server", &h), 0);
	assert_int_equal(h, LAB_SRV);
	assert_int_equal(lab_host_parse(&lab, "l2-srv", &h), 0);
	assert_int_equal(h, LAB_SRV);
	assert_int_equal(lab_host_parse(&lab, "lab-srv", &h), -EINVAL);
	assert_int_equal(lab_host_parse(&lab, "", &h), -EINVAL);
}

static void test_name_valid(void **state)
{
	static const char *const good[] = {
		"lab", "a", "A-b_c", "0lab", "9", "abcdefghijklmnopqrstuvwx" /* 24 */, "x--", "a_",
	};
	static const char *const bad[] = {
		"",
		"-lab",
		"_lab",
		"la b",
		"lab.",
		"lab/x",
		"abcdefghijklmnopqrstuvwxy" /* 25 */,
		"l\xc3\xa4"
		"b",
		"lab\n",
		"..",
		"a:b",
		"a%b",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(lab_name_valid(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("name '%s'\n", bad[i]);
		assert_false(lab_name_valid(bad[i]));
	}
	assert_false(lab_name_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_1),	cmocka_unit_test(test_roundtrip_2),
		cmocka_unit_test(test_roundtrip_8),	cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_rejects),		cmocka_unit_test(test_parse_lenient_bits),
		cmocka_unit_test(test_init_addressing), cmocka_unit_test(test_host_parse),
		cmocka_unit_test(test_name_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
