/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growing text buffer for output that is large (status over 10,000
 * connections): appends without printf's format parsing, one write at the end.
 */
#ifndef MC_STRBUF_H
#define MC_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

struct sb {
	char *buf;
	size_t len, cap;
	bool oom; /* an append failed: what follows it is missing */
};

void sb_free(struct sb *b);
/* Room for n more bytes (and a NUL); 0 or -ENOMEM (then b->oom is set). */
int sb_reserve(struct sb *b, size_t n);
void sb_putn(struct sb *b, const char *s, size_t n);
void sb_puts(struct sb *b, const char *s);
void sb_putc(struct sb *b, char c);

/*
 * Writing through a cursor, for the hottest output: sb_room gives room for n
 * bytes (NULL when out of memory), the sbp_* calls write at the cursor and
 * return it advanced, and sb_commit ends at the final cursor. Whoever calls
 * sb_room bounds what it writes by n.
 */
static inline char *sb_room(struct sb *b, size_t n)
{
	return sb_reserve(b, n) ? NULL : b->buf + b->len;
}

static inline void sb_commit(struct sb *b, char *p)
{
	b->len = (size_t)(p - b->buf);
	b->buf[b->len] = '\0';
}

static inline char *sbp_mem(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#define SBP_LIT(p, lit) sbp_mem(p, lit, sizeof(lit) - 1)

/*
 * Each at most SB_NUM bytes: printf's "%llu", "%.*f" of num / den (see
 * units_fmt_ratio) and "%.0f", and units_fmt_bytes / units_fmt_rate.
 */
#define SB_NUM 64
char *sbp_u64(char *p, uint64_t v);
char *sbp_ratio(char *p, uint64_t num, uint64_t den, int decimals);
char *sbp_round(char *p, double x);
char *sbp_bytes(char *p, uint64_t bytes);
char *sbp_rate(char *p, uint64_t bps);
/* At most INET6_ADDRSTRLEN + 8 bytes. */
char *sbp_addr_port(char *p, const struct mc_prefix *a, uint16_t port);
/* printf("%-*s") of a string of at most 'max' bytes (cut there): max(width, max) bytes. */
char *sbp_pad(char *p, const char *s, size_t max, int width);
/* Writes and empties the buffer: 0, or -errno of the write (-ENOMEM after an oom). */
int sb_flush(struct sb *b, FILE *f);

#endif
