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

/* "1.5 MB"-style rendering of a byte count (SI units) into buf. */
const char *units_fmt_bytes(uint64_t bytes, char *buf, size_t len);
/* "9.54 Gbit/s"-style rendering of bits per second into buf. */
const char *units_fmt_rate(uint64_t bps, char *buf, size_t len);
/* Canonical "1gbit", "200mbit", "1500kbit" or "123bit" (round-trips through the parser). */
const char *units_fmt_rate_tc(uint64_t bps, char *buf, size_t len);

#endif
