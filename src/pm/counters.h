/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MPTcpExt counters from /proc/net/netstat, and what their changes mean. */
#ifndef MC_COUNTERS_H
#define MC_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

#define MC_COUNTERS_MAX 160

struct mc_counter {
	char name[48];
	uint64_t value;
};

struct mc_counters {
	size_t n;
	struct mc_counter c[MC_COUNTERS_MAX];
};

/* Parses the "MPTcpExt:" header and value lines of /proc/net/netstat (pure). */
int counters_parse(const char *text, size_t len, struct mc_counters *out);
/* Reads /proc/net/netstat of the current network namespace. */
int counters_read(struct mc_counters *out, struct mc_err *e);
/* A sentence for the counters that explain paths and fallbacks; NULL for the rest. */
const char *counter_meaning(const char *name);
/* Value of name, or 0. */
uint64_t counters_get(const struct mc_counters *c, const char *name);

#endif
