/* rawfile.h: the raw-timing file format (.mbr), one file per collect call.
 * The format is specified in results/README.md. */
#ifndef MB_RAWFILE_H
#define MB_RAWFILE_H

#include <stddef.h>

#include "error.h"
#include "source.h"

/* What a raw file's header records besides the data. */
struct mb_raw_meta {
  size_t point;
  size_t repetition;
  struct mb_config config;
  size_t samples;
  uint32_t pool_size;
  char clock_name[64];
  uint64_t tick_num;
  uint64_t tick_den;
};

/* Write meta and c's timings, statuses and bytes to path, atomically: the
 * data goes to a temporary file beside path, is flushed and fsync'd, then
 * renamed. An existing path is never overwritten (MB_EEXISTS). A full disk
 * gives MB_ENOSPACE; the temporary file is removed on failure. */
int mb_rawfile_write(const char *path, const struct mb_raw_meta *meta,
                     const struct mb_collection *c, struct mb_error *err);

/* Read a raw file into meta and c (c's buffers are reused/grown). A damaged
 * file (bad magic, CRC mismatch, truncation) gives MB_EINVALID naming the
 * file and what is wrong. */
int mb_rawfile_read(const char *path, struct mb_raw_meta *meta, struct mb_collection *c,
                    struct mb_error *err);

#endif
