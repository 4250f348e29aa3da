/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small typed JSON writer: the renderers use it, models never do. */
#ifndef MC_JSON_H
#define MC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

struct jw {
	FILE *f;
	int depth;
	bool pretty;
	bool need_comma[JW_MAX_DEPTH];
};

void jw_init(struct jw *w, FILE *f, bool pretty);
/* key may be NULL inside arrays and at top level. */
void jw_obj_open(struct jw *w, const char *key);
void jw_obj_close(struct jw *w);
void jw_arr_open(struct jw *w, const char *key);
void jw_arr_close(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *val);
void jw_u64(struct jw *w, const char *key, uint64_t val);
void jw_i64(struct jw *w, const char *key, int64_t val);
void jw_double(struct jw *w, const char *key, double val);
/* Fixed six decimals, e.g. a UNIX time with microseconds. */
void jw_fixed6(struct jw *w, const char *key, double val);
void jw_bool(struct jw *w, const char *key, bool val);
void jw_null(struct jw *w, const char *key);
/* Ends the top-level value with a newline. */
void jw_end(struct jw *w);

#endif
