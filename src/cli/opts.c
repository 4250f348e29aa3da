// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

void cli_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("mptcpctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_fail(const struct mc_err *e, const char *ctx)
{
	char buf[1024];

	mc_err_str(e, buf, sizeof(buf));
	if (ctx)
		cli_errorf("%s: %s", ctx, buf);
	else
		cli_errorf("%s", buf);
	return EXIT_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("mptcpctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mptcpctl %s--help'.\n", cmd ? cmd : "");
	return EXIT_USAGE;
}

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help") || !strcmp(arg, "help");
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (cli_is_help(argv[i]))
			return true;
	return false;
}

int cli_split_list(const char *s, char items[][32], int max)
{
	int n = 0;
	const char *p = s;

	if (!*s)
		return -EINVAL;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (n == max)
			return -E2BIG;
		if (len == 0 || len >= 32)
			return -EINVAL;
		memcpy(items[n], p, len);
		items[n][len] = '\0';
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	return n;
}
