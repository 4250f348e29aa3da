// SPDX-License-Identifier: GPL-2.0-or-later
/* The output buffer: the same text as printf gives, growth, flush. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/strbuf.h"

static void test_appends(void **state)
{
	struct sb b = { 0 };
	struct mc_prefix v4, v6;
	char *p;

	(void)state;
	assert_int_equal(mc_prefix_parse("10.0.0.2", &v4), 0);
	assert_int_equal(mc_prefix_parse("2001:db8::1", &v6), 0);
	p = sb_room(&b, 400);
	assert_non_null(p);
	p = sbp_pad(p, "mptcp", 16, 12);
	*p++ = '|';
	p = sbp_pad(p, "a-name-longer-than-width", 32, 4);
	*p++ = '|';
	p = sbp_u64(p, 0);
	*p++ = ' ';
	p = sbp_u64(p, UINT64_MAX);
	*p++ = ' ';
	p = sbp_addr_port(p, &v4, 80);
	*p++ = ' ';
	p = sbp_addr_port(p, &v6, 65535);
	*p++ = ' ';
	p = sbp_bytes(p, 1234567);
	*p++ = ' ';
	p = sbp_rate(p, 9540000000ULL);
	*p++ = ' ';
	p = sbp_ratio(p, 12345, 1000, 2);
	*p++ = ' ';
	p = sbp_round(p, 49.5);
	sb_commit(&b, p);
	sb_puts(&b, " x=");
	sb_putc(&b, '-');
	sb_putn(&b, "3", 1);
	assert_string_equal(b.buf,
			    "mptcp       |a-name-longer-than-width|0 18446744073709551615 "
			    "10.0.0.2:80 [2001:db8::1]:65535 1.2 MB 9.54 Gbit/s 12.35 50 x=-3");
	assert_int_equal(b.len, strlen(b.buf));
	assert_false(b.oom);
	sb_free(&b);
	assert_null(b.buf);
}

static void test_cursor(void **state)
{
	struct sb b = { 0 };
	char *p = sb_room(&b, 200);

	(void)state;
	assert_non_null(p);
	p = SBP_LIT(p, "id ");
	p = sbp_u64(p, 7);
	p = sbp_pad(p, "eno1-but-cut-at-4", 4, 6);
	*p++ = '|';
	sb_commit(&b, p);
	assert_string_equal(b.buf, "id 7eno1  |");
	sb_free(&b);
}

/* Growth across many reallocations keeps every byte, and flush writes them all once. */
static void test_growth_and_flush(void **state)
{
	struct sb b = { 0 };
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);

	(void)state;
	assert_non_null(f);
	for (int i = 0; i < 100000; i++) {
		char *p = sb_room(&b, SB_NUM + 1);

		assert_non_null(p);
		p = sbp_u64(p, (uint64_t)i);
		*p++ = '\n';
		sb_commit(&b, p);
	}
	assert_int_equal(sb_flush(&b, f), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(sb_flush(&b, f), 0); /* empty: writes nothing */
	fclose(f);
	assert_int_equal(memlen, 588890);
	assert_memory_equal(mem, "0\n1\n2\n", 6);
	assert_memory_equal(mem + memlen - 6, "99999\n", 6);
	free(mem);
	sb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_growth_and_flush),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
