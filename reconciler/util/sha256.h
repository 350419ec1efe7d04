#ifndef SBXAPPLY_UTIL_SHA256_H
#define SBXAPPLY_UTIL_SHA256_H
/* SHA-256 (FIPS 180-4), for digests in the inventory: never stores a secret, only its hash. */
#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t state[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
void sha256_final(struct sha256 *h, unsigned char out[32]);
/* Finalises into 64 lowercase hex digits and a NUL. */
void sha256_hex(struct sha256 *h, char out[65]);

#endif
