/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fixed-size open-addressing multimap from 64-bit keys to indexes. */
#ifndef MC_HMAP_H
#define MC_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap {
	uint64_t *keys;
	uint32_t *vals; /* UINT32_MAX = empty */
	size_t mask;
};

/* Room for n entries (the table is sized to at most half full). */
int hmap_init(struct hmap *h, size_t n);
void hmap_free(struct hmap *h);
/* Adds key -> val (duplicate keys allowed). -ENOSPC when full. */
int hmap_put(struct hmap *h, uint64_t key, uint32_t val);
/*
 * Iterates the values stored under key: start with *pos = 0; returns false
 * when there are no more.
 */
bool hmap_next(const struct hmap *h, uint64_t key, size_t *pos, uint32_t *val);
uint64_t hmap_mix(uint64_t x);

#endif
