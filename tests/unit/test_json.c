// SPDX-License-Identifier: GPL-2.0-or-later
/* src/common/json.h: the JSON writer, into an open_memstream() FILE, compared exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

struct out {
	FILE *f;
	char *buf;
	size_t len;
	struct jw w;
};

static void out_open(struct out *o, bool pretty)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
	jw_init(&o->w, o->f, pretty);
}

/* Closes the stream and compares everything written with want. */
static void out_check(struct out *o, const char *want)
{
	assert_int_equal(fclose(o->f), 0);
	assert_string_equal(o->buf, want);
	assert_int_equal(o->len, strlen(want));
	free(o->buf);
}

/* One document with every kind of value, nested two levels, and empty containers. */
static void write_doc(struct jw *w)
{
	jw_obj_open(w, NULL);
	jw_str(w, "name", "lab");
	jw_u64(w, "paths", 2);
	jw_arr_open(w, "links");
	jw_obj_open(w, NULL);
	jw_i64(w, "id", -1);
	jw_bool(w, "up", true);
	jw_double(w, "loss", 1.5);
	jw_obj_close(w);
	jw_obj_open(w, NULL);
	jw_bool(w, "up", false);
	jw_null(w, "rate");
	jw_str(w, "kind", NULL);
	jw_obj_close(w);
	jw_arr_close(w);
	jw_obj_open(w, "empty");
	jw_obj_close(w);
	jw_arr_open(w, "none");
	jw_arr_close(w);
	jw_arr_open(w, "nums");
	jw_u64(w, NULL, 1);
	jw_u64(w, NULL, 2);
	jw_arr_close(w);
	jw_obj_close(w);
	jw_end(w);
}

static void test_compact(void **state)
{
	struct out o;

	(void)state;
	out_open(&o, false);
	write_doc(&o.w);
	out_check(&o,
		  "{\"name\":\"lab\",\"paths\":2,\"links\":[{\"id\":-1,\"up\":true,\"loss\":1.5},"
		  "{\"up\":false,\"rate\":null,\"kind\":null}],\"empty\":{},\"none\":[],"
		  "\"nums\":[1,2]}\n");
}

static void test_pretty(void **state)
{
	struct out o;

	(void)state;
	out_open(&o, true);
	write_doc(&o.w);
	out_check(&o, "{\n"
		      "  \"name\": \"lab\",\n"
		      "  \"paths\": 2,\n"
		      "  \"links\": [\n"
		      "    {\n"
		      "      \"id\": -1,\n"
		      "      \"up\": true,\n"
		      "      \"loss\": 1.5\n"
		      "    },\n"
		      "    {\n"
		      "      \"up\": false,\n"
		      "      \"rate\": null,\n"
		      "      \"kind\": null\n"
		      "    }\n"
		      "  ],\n"
		      "  \"empty\": {},\n"
		      "  \"none\": [],\n"
		      "  \"nums\": [\n"
		      "    1,\n"
		      "    2\n"
		      "  ]\n"
		      "}\n");
}

static void test_escaping(void **state)
{
	struct out o;

	(void)state;
	out_open(&o, false);
	jw_obj_open(&o.w, NULL);
	jw_str(&o.w, "q\"k", "say \"hi\"");
	jw_str(&o.w, "back\\slash", "C:\\dir\\");
	jw_str(&o.w, "ctl", "\x01\x02\x1f|\n\t\r|\b\f");
	jw_str(&o.w, "keep", "/ \x7f \xc3\xa9 ~"); /* '/', DEL and UTF-8 pass through */
	jw_str(&o.w, "", "");
	jw_obj_close(&o.w);
	jw_end(&o.w);
	out_check(&o, "{\"q\\\"k\":\"say \\\"hi\\\"\",\"back\\\\slash\":\"C:\\\\dir\\\\\","
		      "\"ctl\":\"\\u0001\\u0002\\u001f|\\n\\t\\r|\\u0008\\u000c\","
		      "\"keep\":\"/ \x7f \xc3\xa9 ~\",\"\":\"\"}\n");
}

static void test_numbers(void **state)
{
	struct out o;

	(void)state;
	out_open(&o, false);
	jw_arr_open(&o.w, NULL);
	jw_u64(&o.w, NULL, 0);
	jw_u64(&o.w, NULL, UINT64_MAX);
	jw_i64(&o.w, NULL, INT64_MIN);
	jw_i64(&o.w, NULL, INT64_MAX);
	jw_double(&o.w, NULL, 0.0);
	jw_double(&o.w, NULL, 0.1);
	jw_double(&o.w, NULL, -2.5);
	jw_double(&o.w, NULL, 1e20);
	jw_double(&o.w, NULL, 1.5e-7);
	jw_double(&o.w, NULL, 3.14159265);
	jw_arr_close(&o.w);
	jw_end(&o.w);
	out_check(&o, "[0,18446744073709551615,-9223372036854775808,9223372036854775807,"
		      "0,0.1,-2.5,1e+20,1.5e-07,3.14159]\n");
}

/* JSON has no NaN or infinities: they are written as null. */
static void test_non_finite(void **state)
{
	struct out o;

	(void)state;
	out_open(&o, false);
	jw_obj_open(&o.w, NULL);
	jw_double(&o.w, "nan", NAN);
	jw_double(&o.w, "mnan", -NAN);
	jw_double(&o.w, "inf", INFINITY);
	jw_double(&o.w, "minf", -INFINITY);
	jw_double(&o.w, "big", HUGE_VAL);
	jw_double(&o.w, "ok", 42);
	jw_obj_close(&o.w);
	jw_end(&o.w);
	out_check(&o, "{\"nan\":null,\"mnan\":null,\"inf\":null,\"minf\":null,\"big\":null,"
		      "\"ok\":42}\n");
}

static void test_top_level_scalars(void **state)
{
	struct out o;

	(void)state;
	out_open(&o, true);
	jw_str(&o.w, NULL, "x\"y");
	jw_end(&o.w);
	out_check(&o, "\"x\\\"y\"\n");

	out_open(&o, true);
	jw_arr_open(&o.w, NULL);
	jw_arr_close(&o.w);
	jw_end(&o.w);
	out_check(&o, "[]\n");

	out_open(&o, false);
	jw_null(&o.w, NULL);
	jw_end(&o.w);
	out_check(&o, "null\n");
}

static void test_nested_arrays(void **state)
{
	struct out o;

	(void)state;
	out_open(&o, false);
	jw_arr_open(&o.w, NULL);
	jw_arr_open(&o.w, NULL);
	jw_arr_open(&o.w, NULL);
	jw_arr_close(&o.w);
	jw_u64(&o.w, NULL, 1);
	jw_arr_close(&o.w);
	jw_arr_open(&o.w, NULL);
	jw_obj_open(&o.w, NULL);
	jw_arr_open(&o.w, "a");
	jw_bool(&o.w, NULL, true);
	jw_arr_close(&o.w);
	jw_obj_close(&o.w);
	jw_arr_close(&o.w);
	jw_arr_close(&o.w);
	jw_end(&o.w);
	out_check(&o, "[[[],1],[{\"a\":[true]}]]\n");

	out_open(&o, true);
	jw_arr_open(&o.w, NULL);
	jw_arr_open(&o.w, NULL);
	jw_u64(&o.w, NULL, 1);
	jw_arr_close(&o.w);
	jw_arr_open(&o.w, NULL);
	jw_arr_close(&o.w);
	jw_arr_close(&o.w);
	jw_end(&o.w);
	out_check(&o, "[\n  [\n    1\n  ],\n  []\n]\n");
}

/* Nesting deeper than JW_MAX_DEPTH still balances its brackets (compact form). */
static void test_deep_nesting(void **state)
{
	enum {
		N = JW_MAX_DEPTH + 8
	};
	char want[2 * N + 16];
	struct out o;
	size_t k = 0;

	(void)state;
	out_open(&o, false);
	for (int i = 0; i < N; i++) {
		jw_arr_open(&o.w, NULL);
		want[k++] = '[';
	}
	for (int i = 0; i < N; i++) {
		jw_arr_close(&o.w);
		want[k++] = ']';
	}
	jw_end(&o.w);
	want[k++] = '\n';
	want[k] = '\0';
	out_check(&o, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),	      cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_escaping),      cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_non_finite),    cmocka_unit_test(test_top_level_scalars),
		cmocka_unit_test(test_nested_arrays), cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
