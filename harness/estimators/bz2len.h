/* bz2len.h: the exact length in bytes of bzip2's compressed output
 * (libbz2's BZ2_bzBuffToBuffCompress with verbosity 0 and workFactor 0,
 * bzip2 1.0.x) for any input, computed without compressing: the SP 800-90B
 * §5.1.11 compression statistic is that length, and only the length.
 *
 * A workspace holds the buffers of one computation; it may be reused for
 * any number of inputs but used by one thread at a time. Different
 * workspaces may be used concurrently. */
#ifndef MB_ESTIMATORS_BZ2LEN_H
#define MB_ESTIMATORS_BZ2LEN_H

#include <stddef.h>
#include <stdint.h>

struct mb_bz2len;

/* A new workspace, or NULL when out of memory. Free with mb_bz2len_free. */
struct mb_bz2len *mb_bz2len_new(void);
void mb_bz2len_free(struct mb_bz2len *w);

/* *out = the number of bytes BZ2_bzBuffToBuffCompress(dest, &len, data,
 * len, block100k, 0, 0) would write, for block100k 1..9. Returns MB_OK,
 * MB_EINVALID (block100k outside 1..9) or MB_ENOMEM. */
int mb_bz2len_compute(struct mb_bz2len *w, const uint8_t *data, size_t len,
                      int block100k, uint64_t *out);

/* The same for the text that SP 800-90B §5.1.11 compresses: the samples
 * s[0..n-1] in decimal, separated by single spaces, no space at the end;
 * computed from the samples without writing the text out. */
int mb_bz2len_decimal(struct mb_bz2len *w, const uint8_t *s, size_t n, int block100k,
                      uint64_t *out);

/* For tests: with on = 0 two-valued token sequences are sorted without
 * the runs of their bits (binary_runs in bz2len.c), with on = 1 (the
 * default) by them where they allow it; either way the length is the
 * same. Returns how many blocks the runs have ordered in this workspace
 * so far. */
size_t mb_bz2len_binary_runs(struct mb_bz2len *w, int on);

/* For tests: with on = 0 the move-to-front of small alphabets does
 * without SIMD (SSSE3 on x86), with on = 1 (the default) it uses it where
 * the CPU has it; either way the length is the same. Returns whether the
 * CPU has it (whether the two ways differ). */
int mb_bz2len_simd(struct mb_bz2len *w, int on);

#endif
