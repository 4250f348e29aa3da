/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error context carried alongside the -errno return convention.
 *
 * Every function returns 0 or -errno. When the caller passes a struct mc_err,
 * the callee also records what it was doing ("adding address 10.0.0.1/24 to
 * eno1") and, for netlink, the kernel's extended-ACK text. Only the CLI prints.
 */
#ifndef MC_ERR_H
#define MC_ERR_H

#include <stddef.h>

struct mc_err {
	int code; /* -errno, 0 when unset */
	char what[384]; /* what failed, in words, with the object named */
	char kmsg[256]; /* kernel extended-ACK message, if any */
};

/* Records code and a description; returns code so callers can `return mc_err_set(...)`. */
int mc_err_set(struct mc_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like mc_err_set, but keeps an existing description and prefixes it with context. */
int mc_err_ctx(struct mc_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mc_err_clear(struct mc_err *e);
/* "what: strerror (kernel: kmsg)" into buf. */
const char *mc_err_str(const struct mc_err *e, char *buf, size_t len);

#endif
