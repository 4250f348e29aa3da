/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4/IPv6 addresses and prefixes. */
#ifndef MC_ADDR_H
#define MC_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_prefix {
	int family; /* AF_INET or AF_INET6 */
	uint8_t plen;
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t raw[16];
	} a;
};

#define MC_ADDRSTRLEN (INET6_ADDRSTRLEN + 4)

/* "10.0.0.1/24", "fd00::1/64", or an address alone (full-length prefix). */
int mc_prefix_parse(const char *s, struct mc_prefix *p);
/* Address bytes: 4 or 16. */
size_t mc_prefix_alen(const struct mc_prefix *p);
/* The address alone to out (INET6_ADDRSTRLEN bytes) without a NUL; returns its length. */
size_t mc_addr_put(const struct mc_prefix *p, char *out);
/* "10.0.0.1/24" (with_len) or "10.0.0.1". */
const char *mc_prefix_fmt(const struct mc_prefix *p, bool with_len, char *buf, size_t len);
/* The network of p: host bits cleared. */
void mc_prefix_network(const struct mc_prefix *p, struct mc_prefix *net);
bool mc_prefix_equal(const struct mc_prefix *a, const struct mc_prefix *b);

#endif
