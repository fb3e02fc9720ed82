/* sha256.h: SHA-256 (FIPS 180-4), used to fingerprint experiment files.
 *
 * Streaming: mb_sha256_init, any number of mb_sha256_update calls,
 * mb_sha256_final. The context is caller-allocated and holds no pointers,
 * so it needs no cleanup. Thread-compatible: one context per thread.
 */
#ifndef MB_SHA256_H
#define MB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define MB_SHA256_DIGEST_LEN 32u
#define MB_SHA256_HEX_LEN 64u /* without the terminating NUL */

struct mb_sha256 {
  uint32_t state[8];
  uint64_t length;   /* bytes hashed so far */
  uint8_t block[64]; /* pending input, block_len bytes of it */
  size_t block_len;
};

/* Start a new digest in ctx. */
void mb_sha256_init(struct mb_sha256 *ctx);

/* Hash len bytes of data (data may be NULL when len is 0). */
void mb_sha256_update(struct mb_sha256 *ctx, const void *data, size_t len);

/* Finish: write the 32-byte digest to out. ctx must be re-initialised
 * before it is used again. */
void mb_sha256_final(struct mb_sha256 *ctx, uint8_t out[MB_SHA256_DIGEST_LEN]);

/* One-shot: the lowercase hex digest of data into hex (65 bytes with the
 * NUL). Returns hex. */
char *mb_sha256_hex(const void *data, size_t len, char hex[MB_SHA256_HEX_LEN + 1]);

#endif
