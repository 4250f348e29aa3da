// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzzes the lab state file parser (src/lab/state.c). What parses must be
 * written back by lab_state_format and parse again to the very same lab:
 * otherwise `lab down` after a reload would act on something else.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/lab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Same size as the buffer lab_load reads the file into. */
#define STATE_BUF 4096

static void mismatch(const char *what, const char *text)
{
	fprintf(stderr, "lab state does not round-trip (%s); formatted:\n%s\n", what, text);
	abort();
}

static void compare(const struct lab *a, const struct lab *b, const char *text)
{
	if (strcmp(a->name, b->name))
		mismatch("name", text);
	if (a->npaths != b->npaths)
		mismatch("npaths", text);
	if (a->up != b->up)
		mismatch("state", text);
	for (int i = 0; i < a->npaths; i++) {
		const struct lab_path *p = &a->paths[i], *q = &b->paths[i];

		if (p->rate_bps != q->rate_bps)
			mismatch("rate", text);
		/* Bit for bit: -0.0 vs 0.0 or a lost digit both count. */
		if (memcmp(&p->loss_pct, &q->loss_pct, sizeof(p->loss_pct)))
			mismatch("loss", text);
		if (p->delay_us != q->delay_us)
			mismatch("delay", text);
		if (strcmp(p->ifname, q->ifname))
			mismatch("ifname", text);
		for (int h = 0; h < 2; h++)
			if (!mc_prefix_equal(&p->addr4[h], &q->addr4[h]) ||
			    !mc_prefix_equal(&p->addr6[h], &q->addr6[h]))
				mismatch("addresses", text);
	}
	if (memcmp(a, b, sizeof(*a)))
		mismatch("struct bytes", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lab lab, lab2;
	static char text[STATE_BUF];
	struct mc_err e;
	int n;

	memset(&lab, 0, sizeof(lab));
	memset(&lab2, 0, sizeof(lab2));
	memset(&e, 0, sizeof(e));
	if (lab_state_parse((const char *)data, size, &lab, &e))
		return 0;
	if (lab.npaths < 1 || lab.npaths > LAB_MAX_PATHS || !lab_name_valid(lab.name))
		abort();
	n = lab_state_format(&lab, text, sizeof(text));
	if (n < 0 || (size_t)n >= sizeof(text))
		mismatch("format failed", "");
	memset(&e, 0, sizeof(e));
	if (lab_state_parse(text, (size_t)n, &lab2, &e)) {
		fprintf(stderr, "re-parse: %s\n", e.what);
		mismatch("re-parse failed", text);
	}
	compare(&lab, &lab2, text);
	return 0;
}
