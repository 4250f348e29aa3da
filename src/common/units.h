/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing and printing of the units users type: rates, sizes, durations, percentages. */
#ifndef MC_UNITS_H
#define MC_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Rate in bits per second, as tc(8) reads it: a number with an optional unit,
 * case-insensitive: bit, kbit, mbit, gbit, tbit (SI), kibit, mibit, gibit (IEC),
 * k, m, g, t (bits, SI), bps, kbps, mbps, gbps (bytes per second).
 * A bare number is bits per second. Returns -EINVAL on anything else, -ERANGE
 * when the value does not fit or is zero.
 */
int units_parse_rate(const char *s, uint64_t *bps);
/* Size in bytes: b, k/kb/kib, m/mb/mib, g/gb/gib (1024-based), bare = bytes. */
int units_parse_size(const char *s, uint64_t *bytes);
/* Duration: ns, us, ms, s (default), m, h. Result in microseconds. */
int units_parse_duration(const char *s, uint64_t *usec);
/* Percentage 0..100 with an optional '%'; the result is in percent. */
int units_parse_percent(const char *s, double *pct);

/* A decimal number in [min, max], digits only (no sign, no spaces). */
int units_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/*
 * num / den with 'decimals' (0..6) digits after the point, written to out
 * (at least 48 bytes) without a NUL; returns the length. The text is the
 * same as printf("%.*f", decimals, (double)num / den) gives, byte for byte:
 * integer arithmetic where that is provably the same (it is 20x faster),
 * printf itself on a rounding tie or for very large values.
 */
size_t units_fmt_ratio(char *out, uint64_t num, uint64_t den, int decimals);
/* printf("%.0f", x) to out (48 bytes), without printf for 0 <= x < 2^52 (the
 * text of a larger x is cut at 47 characters); returns the length. */
size_t units_fmt_round(char *out, double x);
/* Decimal digits of v to out (at least 20 bytes), no NUL; returns the length. */
size_t units_fmt_u64(char *out, uint64_t v);

/* The two below written to out (at least 64 bytes) without a NUL; return the length. */
size_t units_put_bytes(char *out, uint64_t bytes);
size_t units_put_rate(char *out, uint64_t bps);
/* "1.5 MB"-style rendering of a byte count (SI units) into buf. */
const char *units_fmt_bytes(uint64_t bytes, char *buf, size_t len);
/* "9.54 Gbit/s"-style rendering of bits per second into buf. */
const char *units_fmt_rate(uint64_t bps, char *buf, size_t len);
/* Canonical "1gbit", "200mbit", "1500kbit" or "123bit" (round-trips through the parser). */
const char *units_fmt_rate_tc(uint64_t bps, char *buf, size_t len);

#endif
