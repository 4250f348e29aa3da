// SPDX-License-Identifier: GPL-2.0-or-later
/* The lab state file: a few lines of "key value ...", parsed strictly (and fuzzed). */
#include "lab.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lab_state_format(const struct lab *lab, char *buf, size_t len)
{
	size_t off = 0;
	int n;

	n = snprintf(buf, len,
		     "# mptcpctl lab state: do not edit\nversion 1\nname %s\nstate %s\npaths %d\n",
		     lab->name, lab->up ? "up" : "creating", lab->npaths);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	off = (size_t)n;
	for (int i = 0; i < lab->npaths; i++) {
		const struct lab_path *p = &lab->paths[i];
		char loss[32];

		/* Four decimals as usual, all 17 digits when four would not read back the same. */
		snprintf(loss, sizeof(loss), "%.4f", p->loss_pct);
		if (strtod(loss, NULL) != p->loss_pct)
			snprintf(loss, sizeof(loss), "%.17g", p->loss_pct);
		n = snprintf(buf + off, len - off,
			     "path %d rate %" PRIu64 " loss %s delay %" PRIu64 "\n", i + 1,
			     p->rate_bps, loss, p->delay_us);
		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return (int)off;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static int parse_line(char *line, struct lab *lab, int *seen_paths, struct mc_err *e, int lineno)
{
	char *tok[10];
	int n = 0;
	uint64_t v;

	for (char *save = NULL, *t = strtok_r(line, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (n == 10)
			return mc_err_set(e, -EBADMSG, "line %d: too many words", lineno);
		tok[n++] = t;
	}
	if (n == 0 || tok[0][0] == '#')
		return 0;
	if (!strcmp(tok[0], "version") && n == 2) {
		if (strcmp(tok[1], "1"))
			return mc_err_set(e, -EBADMSG, "line %d: unknown version %s", lineno,
					  tok[1]);
	} else if (!strcmp(tok[0], "name") && n == 2) {
		if (!lab_name_valid(tok[1]))
			return mc_err_set(e, -EBADMSG, "line %d: invalid name", lineno);
		snprintf(lab->name, sizeof(lab->name), "%s", tok[1]);
	} else if (!strcmp(tok[0], "state") && n == 2) {
		if (strcmp(tok[1], "up") && strcmp(tok[1], "creating"))
			return mc_err_set(e, -EBADMSG, "line %d: unknown state %s", lineno, tok[1]);
		lab->up = !strcmp(tok[1], "up");
	} else if (!strcmp(tok[0], "paths") && n == 2) {
		if (parse_u64(tok[1], &v) || v < 1 || v > LAB_MAX_PATHS)
			return mc_err_set(e, -EBADMSG, "line %d: invalid path count", lineno);
		lab->npaths = (int)v;
	} else if (!strcmp(tok[0], "path") && n == 8 && !strcmp(tok[2], "rate") &&
		   !strcmp(tok[4], "loss") && !strcmp(tok[6], "delay")) {
		struct lab_path *p;
		char *end;
		double loss;

		if (parse_u64(tok[1], &v) || v < 1 || v > (uint64_t)lab->npaths)
			return mc_err_set(e, -EBADMSG, "line %d: path number out of range", lineno);
		p = &lab->paths[v - 1];
		*seen_paths |= 1 << (v - 1);
		if (parse_u64(tok[3], &p->rate_bps) || parse_u64(tok[7], &p->delay_us))
			return mc_err_set(e, -EBADMSG, "line %d: invalid number", lineno);
		errno = 0;
		loss = strtod(tok[5], &end);
		if (errno || *end || !(loss >= 0 && loss <= 100))
			return mc_err_set(e, -EBADMSG, "line %d: invalid loss", lineno);
		p->loss_pct = loss;
	} else {
		return mc_err_set(e, -EBADMSG, "line %d: unexpected '%s'", lineno, tok[0]);
	}
	return 0;
}

int lab_state_parse(const char *text, size_t len, struct lab *lab, struct mc_err *e)
{
	char line[256];
	size_t pos = 0;
	int lineno = 0, seen = 0, ret;
	struct lab tmp;

	memset(&tmp, 0, sizeof(tmp));
	while (pos < len) {
		size_t end = pos;

		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		if (end - pos >= sizeof(line))
			return mc_err_set(e, -EBADMSG, "line %d: too long", lineno);
		memcpy(line, text + pos, end - pos);
		line[end - pos] = '\0';
		if (strlen(line) != end - pos)
			return mc_err_set(e, -EBADMSG, "line %d: NUL byte", lineno);
		ret = parse_line(line, &tmp, &seen, e, lineno);
		if (ret)
			return ret;
		pos = end + 1;
	}
	if (!tmp.name[0] || !tmp.npaths)
		return mc_err_set(e, -EBADMSG, "name or path count missing");
	if (seen != (1 << tmp.npaths) - 1)
		return mc_err_set(e, -EBADMSG, "a path line is missing");
	ret = lab_init(lab, tmp.name, tmp.npaths, e);
	if (ret)
		return ret;
	lab->up = tmp.up;
	for (int i = 0; i < tmp.npaths; i++) {
		lab->paths[i].rate_bps = tmp.paths[i].rate_bps;
		lab->paths[i].loss_pct = tmp.paths[i].loss_pct;
		lab->paths[i].delay_us = tmp.paths[i].delay_us;
	}
	return 0;
}
