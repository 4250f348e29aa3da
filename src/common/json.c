// SPDX-License-Identifier: GPL-2.0-or-later
#include "json.h"

#include <math.h>

void jw_init(struct jw *w, FILE *f, bool pretty)
{
	w->f = f;
	w->depth = 0;
	w->pretty = pretty;
	for (int i = 0; i < JW_MAX_DEPTH; i++)
		w->need_comma[i] = false;
}

static void put_string(FILE *f, const char *s)
{
	const char *run = s;

	putc_unlocked('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *esc = NULL;
		char u[8];

		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		/* Flush the run of plain characters before this one, then escape it. */
		fwrite(run, 1, (size_t)((const char *)p - run), f);
		run = (const char *)p + 1;
		switch (*p) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\r':
			esc = "\\r";
			break;
		default:
			snprintf(u, sizeof(u), "\\u%04x", *p);
			esc = u;
		}
		fputs(esc, f);
	}
	fputs(run, f);
	putc_unlocked('"', f);
}

static void put_u64(FILE *f, uint64_t v)
{
	char buf[24];
	char *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), f);
}

static void indent(struct jw *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->f);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

static void begin_value(struct jw *w, const char *key)
{
	int d = w->depth < JW_MAX_DEPTH ? w->depth : JW_MAX_DEPTH - 1;

	if (w->need_comma[d])
		putc_unlocked(',', w->f);
	w->need_comma[d] = true;
	if (w->depth > 0)
		indent(w);
	if (key) {
		put_string(w->f, key);
		fputs(w->pretty ? ": " : ":", w->f);
	}
}

static void open_container(struct jw *w, const char *key, char c)
{
	begin_value(w, key);
	fputc(c, w->f);
	if (w->depth < JW_MAX_DEPTH - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_container(struct jw *w, char c)
{
	bool had = w->need_comma[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had)
		indent(w);
	fputc(c, w->f);
}

void jw_obj_open(struct jw *w, const char *key)
{
	open_container(w, key, '{');
}

void jw_obj_close(struct jw *w)
{
	close_container(w, '}');
}

void jw_arr_open(struct jw *w, const char *key)
{
	open_container(w, key, '[');
}

void jw_arr_close(struct jw *w)
{
	close_container(w, ']');
}

void jw_str(struct jw *w, const char *key, const char *val)
{
	begin_value(w, key);
	if (val)
		put_string(w->f, val);
	else
		fputs("null", w->f);
}

void jw_u64(struct jw *w, const char *key, uint64_t val)
{
	begin_value(w, key);
	put_u64(w->f, val);
}

void jw_i64(struct jw *w, const char *key, int64_t val)
{
	begin_value(w, key);
	fprintf(w->f, "%lld", (long long)val);
}

void jw_double(struct jw *w, const char *key, double val)
{
	begin_value(w, key);
	if (isfinite(val))
		fprintf(w->f, "%.6g", val);
	else
		fputs("null", w->f);
}

void jw_fixed6(struct jw *w, const char *key, double val)
{
	begin_value(w, key);
	if (isfinite(val))
		fprintf(w->f, "%.6f", val);
	else
		fputs("null", w->f);
}

void jw_bool(struct jw *w, const char *key, bool val)
{
	begin_value(w, key);
	fputs(val ? "true" : "false", w->f);
}

void jw_null(struct jw *w, const char *key)
{
	begin_value(w, key);
	fputs("null", w->f);
}

void jw_end(struct jw *w)
{
	fputc('\n', w->f);
	fflush(w->f);
}
