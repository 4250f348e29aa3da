// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Token and initial data sequence number of an MPTCP key: SHA-256 (RFC 8684
 * §3.2) or SHA-1 (RFC 6824, v0) of the key's 8 bytes in network order. The
 * message is always 8 bytes, so both hashes are one padded block.
 */
#include <string.h>

#include "mpopt.h"

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define ROL32(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

/* The one block: the key, 0x80, zeros, the bit length 64. */
static void key_block(uint64_t key, uint32_t w[16])
{
	memset(w, 0, 16 * sizeof(w[0]));
	w[0] = (uint32_t)(key >> 32);
	w[1] = (uint32_t)key;
	w[2] = 0x80000000u;
	w[15] = 64;
}

static void sha256_key(uint64_t key, uint32_t h[8])
{
	static const uint32_t k[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
		0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
		0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
		0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
		0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
		0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
		0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
		0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
		0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
		0xc67178f2,
	};
	static const uint32_t init[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	uint32_t w[64], v[8];

	key_block(key, w);
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, init, sizeof(v));
	for (int i = 0; i < 64; i++) {
		uint32_t s1 = ROR32(v[4], 6) ^ ROR32(v[4], 11) ^ ROR32(v[4], 25);
		uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
		uint32_t t1 = v[7] + s1 + ch + k[i] + w[i];
		uint32_t s0 = ROR32(v[0], 2) ^ ROR32(v[0], 13) ^ ROR32(v[0], 22);
		uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);

		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + s0 + maj;
	}
	for (int i = 0; i < 8; i++)
		h[i] = init[i] + v[i];
}

static void sha1_key(uint64_t key, uint32_t h[5])
{
	static const uint32_t init[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
					  0xc3d2e1f0 };
	uint32_t w[80], a, b, c, d, e;

	key_block(key, w);
	for (int i = 16; i < 80; i++)
		w[i] = ROL32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = init[0], b = init[1], c = init[2], d = init[3], e = init[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20)
			f = (b & c) | (~b & d), k = 0x5a827999;
		else if (i < 40)
			f = b ^ c ^ d, k = 0x6ed9eba1;
		else if (i < 60)
			f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
		else
			f = b ^ c ^ d, k = 0xca62c1d6;
		t = ROL32(a, 5) + f + e + k + w[i];
		e = d, d = c, c = ROL32(b, 30), b = a, a = t;
	}
	h[0] = init[0] + a, h[1] = init[1] + b, h[2] = init[2] + c;
	h[3] = init[3] + d, h[4] = init[4] + e;
}

void mpopt_key_token(uint64_t key, int version, uint32_t *token, uint64_t *idsn)
{
	uint32_t h[8];

	if (version == 0) {
		sha1_key(key, h);
		*token = h[0];
		*idsn = (uint64_t)h[3] << 32 | h[4];
	} else {
		sha256_key(key, h);
		*token = h[0];
		*idsn = (uint64_t)h[6] << 32 | h[7];
	}
}
