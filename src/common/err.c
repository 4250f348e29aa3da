// SPDX-License-Identifier: GPL-2.0-or-later
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mc_err_clear(struct mc_err *e)
{
	if (!e)
		return;
	e->code = 0;
	e->what[0] = '\0';
	e->kmsg[0] = '\0';
}

int mc_err_set(struct mc_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
	return code;
}

int mc_err_ctx(struct mc_err *e, int code, const char *fmt, ...)
{
	char ctx[sizeof(e->what)], old[sizeof(e->what)];
	va_list ap;

	if (!e)
		return code;
	if (!e->code)
		e->code = code;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	if (e->what[0]) {
		char joined[sizeof(ctx) + sizeof(old) + 2];
		size_t n;

		snprintf(old, sizeof(old), "%s", e->what);
		n = (size_t)snprintf(joined, sizeof(joined), "%s: %s", ctx, old);
		if (n >= sizeof(e->what))
			n = sizeof(e->what) - 1;
		memcpy(e->what, joined, n);
		e->what[n] = '\0';
	} else {
		snprintf(e->what, sizeof(e->what), "%s", ctx);
	}
	return code;
}

const char *mc_err_str(const struct mc_err *e, char *buf, size_t len)
{
	const char *cause = e->code ? strerror(-e->code) : "unknown error";

	if (e->kmsg[0])
		snprintf(buf, len, "%s%s%s (kernel: %s)", e->what, e->what[0] ? ": " : "", cause,
			 e->kmsg);
	else
		snprintf(buf, len, "%s%s%s", e->what, e->what[0] ? ": " : "", cause);
	return buf;
}
