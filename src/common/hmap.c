// SPDX-License-Identifier: GPL-2.0-or-later
#include "hmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t hmap_mix(uint64_t x)
{
	/* splitmix64's finaliser */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

int hmap_init(struct hmap *h, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n + 1)
		cap <<= 1;
	h->keys = calloc(cap, sizeof(*h->keys));
	h->vals = malloc(cap * sizeof(*h->vals));
	if (!h->keys || !h->vals) {
		hmap_free(h);
		return -ENOMEM;
	}
	memset(h->vals, 0xff, cap * sizeof(*h->vals));
	h->mask = cap - 1;
	return 0;
}

void hmap_free(struct hmap *h)
{
	free(h->keys);
	free(h->vals);
	h->keys = NULL;
	h->vals = NULL;
	h->mask = 0;
}

int hmap_put(struct hmap *h, uint64_t key, uint32_t val)
{
	size_t i = hmap_mix(key) & h->mask;

	for (size_t n = 0; n <= h->mask; n++, i = (i + 1) & h->mask) {
		if (h->vals[i] == UINT32_MAX) {
			h->keys[i] = key;
			h->vals[i] = val;
			return 0;
		}
	}
	return -ENOSPC;
}

bool hmap_next(const struct hmap *h, uint64_t key, size_t *pos, uint32_t *val)
{
	size_t start = hmap_mix(key) & h->mask;

	if (!h->vals)
		return false;
	for (size_t n = *pos; n <= h->mask; n++) {
		size_t i = (start + n) & h->mask;

		if (h->vals[i] == UINT32_MAX)
			return false;
		if (h->keys[i] == key) {
			*val = h->vals[i];
			*pos = n + 1;
			return true;
		}
	}
	return false;
}
