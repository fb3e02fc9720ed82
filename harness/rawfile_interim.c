/* rawfile_interim.c: a stand-in for the raw-file and collection code (issue 3)
 * so plotdata and report can be built and tested before it lands. Built only
 * while harness/rawfile.c does not exist (see harness/CMakeLists.txt); every
 * definition is weak, so the real implementation wins wherever both are
 * linked. Implements results/README.md "Raw files (.mbr, format 1)". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rawfile.h"
#include "source.h"

#define MB_WEAK __attribute__((weak))

MB_WEAK const char *mb_mode_name(enum mb_mode mode)
{
  return mode == MB_MODE_SIMPLE ? "simple" : "complex";
}

MB_WEAK int mb_mode_parse(const char *text, enum mb_mode *out)
{
  if (strcmp(text, "complex") == 0)
    *out = MB_MODE_COMPLEX;
  else if (strcmp(text, "simple") == 0)
    *out = MB_MODE_SIMPLE;
  else
    return MB_EINVALID;
  return MB_OK;
}

MB_WEAK void mb_collection_init(struct mb_collection *c)
{
  memset(c, 0, sizeof(*c));
}

MB_WEAK int mb_collection_reserve(struct mb_collection *c, size_t n_timings,
                                  size_t n_bytes)
{
  if (n_timings > c->cap_timings) {
    uint64_t *t = realloc(c->timings, n_timings * sizeof(*t));
    int32_t *s;

    if (!t)
      return MB_ENOMEM;
    c->timings = t;
    s = realloc(c->status, n_timings * sizeof(*s));
    if (!s)
      return MB_ENOMEM;
    c->status = s;
    c->cap_timings = n_timings;
  }
  if (n_bytes > c->cap_bytes) {
    uint8_t *b = realloc(c->bytes, n_bytes);

    if (!b)
      return MB_ENOMEM;
    c->bytes = b;
    c->cap_bytes = n_bytes;
  }
  return MB_OK;
}

MB_WEAK void mb_collection_cleanup(struct mb_collection *c)
{
  free(c->timings);
  free(c->status);
  free(c->bytes);
  memset(c, 0, sizeof(*c));
}

static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
  uint32_t crc = 0xFFFFFFFFu;
  size_t i;
  int k;

  for (i = 0; i < n; i++) {
    crc ^= p[i];
    for (k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

struct buf {
  uint8_t *p;
  size_t n, cap;
};

static int buf_put(struct buf *b, const void *data, size_t n)
{
  if (b->n + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    uint8_t *q;

    while (cap < b->n + n)
      cap *= 2;
    q = realloc(b->p, cap);
    if (!q)
      return MB_ENOMEM;
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->n, data, n);
  b->n += n;
  return MB_OK;
}

static int buf_uleb(struct buf *b, uint64_t v)
{
  uint8_t tmp[10];
  size_t n = 0;

  do {
    uint8_t byte = (uint8_t)(v & 0x7Fu);

    v >>= 7;
    if (v)
      byte |= 0x80u;
    tmp[n++] = byte;
  } while (v);
  return buf_put(b, tmp, n);
}

static int buf_u32(struct buf *b, uint32_t v)
{
  uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

  return buf_put(b, le, 4);
}

MB_WEAK int mb_rawfile_write(const char *path, const struct mb_raw_meta *meta,
                             const struct mb_collection *c, struct mb_error *err)
{
  struct buf b = {NULL, 0, 0};
  json_t *hdr;
  char *text;
  char tmp[1024];
  const char *slash;
  FILE *f;
  size_t i;
  int rc = MB_OK;

  hdr = json_pack("{s:I, s:I, s:I, s:I, s:s, s:I, s:I, s:I, s:I, s:{s:s, s:I, s:I}}",
                  "point", (json_int_t)meta->point, "repetition",
                  (json_int_t)meta->repetition, "num_ports",
                  (json_int_t)meta->config.num_ports, "ool_size",
                  (json_int_t)meta->config.ool_size, "mode",
                  mb_mode_name(meta->config.mode), "samples", (json_int_t)meta->samples,
                  "timings", (json_int_t)c->n_timings, "bytes", (json_int_t)c->n_bytes,
                  "pool_size", (json_int_t)meta->pool_size, "clock", "name",
                  meta->clock_name, "tick_num", (json_int_t)meta->tick_num, "tick_den",
                  (json_int_t)meta->tick_den);
  text = hdr ? json_dumps(hdr, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(hdr);
  if (!text)
    return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "cannot build the header");
  rc = buf_put(&b, "MBRAW001", 8);
  if (!rc)
    rc = buf_u32(&b, (uint32_t)strlen(text));
  if (!rc)
    rc = buf_put(&b, text, strlen(text));
  free(text);
  for (i = 0; !rc && i < c->n_timings; i++)
    rc = buf_uleb(&b, c->timings[i]);
  for (i = 0; !rc && i < c->n_timings;) {
    size_t j = i;
    int32_t s = c->status[i];

    while (j < c->n_timings && c->status[j] == s)
      j++;
    rc = buf_uleb(&b, j - i);
    if (!rc)
      rc = buf_uleb(&b, ((uint64_t)(uint32_t)s << 1) ^ (uint64_t)(int64_t)(s >> 31));
    i = j;
  }
  if (!rc && c->n_bytes)
    rc = buf_put(&b, c->bytes, c->n_bytes);
  if (!rc)
    rc = buf_u32(&b, crc32_ieee(b.p, b.n));
  if (rc) {
    free(b.p);
    return mb_error_set(err, rc, path, 0, 0, NULL, "out of memory");
  }
  slash = strrchr(path, '/');
  if (slash)
    snprintf(tmp, sizeof(tmp), "%.*s/.%s.tmp", (int)(slash - path), path, slash + 1);
  else
    snprintf(tmp, sizeof(tmp), ".%s.tmp", path);
  f = fopen(path, "rb");
  if (f) {
    fclose(f);
    free(b.p);
    return mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL, "file exists");
  }
  f = fopen(tmp, "wb");
  if (!f) {
    free(b.p);
    return mb_error_errno(err, errno, tmp, "cannot create");
  }
  if (fwrite(b.p, 1, b.n, f) != b.n || fflush(f) != 0) {
    int e = errno;

    fclose(f);
    remove(tmp);
    free(b.p);
    return mb_error_errno(err, e, tmp, "cannot write");
  }
  free(b.p);
  if (fclose(f) != 0 || rename(tmp, path) != 0) {
    int e = errno;

    remove(tmp);
    return mb_error_errno(err, e, path, "cannot write");
  }
  return MB_OK;
}

static int get_uleb(const uint8_t *p, size_t n, size_t *pos, uint64_t *out)
{
  uint64_t v = 0;
  unsigned shift = 0;

  while (*pos < n && shift < 64) {
    uint8_t byte = p[(*pos)++];

    v |= (uint64_t)(byte & 0x7Fu) << shift;
    if (!(byte & 0x80u)) {
      *out = v;
      return 0;
    }
    shift += 7;
  }
  return -1;
}

static int hdr_size(json_t *hdr, const char *key, size_t *out)
{
  json_t *v = json_object_get(hdr, key);

  if (!json_is_integer(v) || json_integer_value(v) < 0)
    return -1;
  *out = (size_t)json_integer_value(v);
  return 0;
}

MB_WEAK int mb_rawfile_read(const char *path, struct mb_raw_meta *meta,
                            struct mb_collection *c, struct mb_error *err)
{
  FILE *f = fopen(path, "rb");
  uint8_t *p = NULL;
  size_t n = 0, cap = 0, got, pos, hlen, k, m, i, v;
  uint32_t crc;
  json_t *hdr, *clk;
  json_error_t jerr;
  uint64_t x;
  int rc = MB_OK;

  if (!f)
    return mb_error_errno(err, errno, path, "cannot open");
  for (;;) {
    if (n == cap) {
      uint8_t *q = realloc(p, cap = cap ? cap * 2 : 65536);

      if (!q) {
        free(p);
        fclose(f);
        return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
      }
      p = q;
    }
    got = fread(p + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  fclose(f);
#define BAD(...)                                                                 \
  do {                                                                           \
    rc = mb_error_set(err, MB_EINVALID, path, 0, 0, NULL, __VA_ARGS__);           \
    goto out;                                                                    \
  } while (0)
  hdr = NULL;
  if (n < 16 || memcmp(p, "MBRAW001", 8) != 0)
    BAD("not a raw file (bad magic)");
  crc = (uint32_t)p[n - 4] | (uint32_t)p[n - 3] << 8 | (uint32_t)p[n - 2] << 16 |
        (uint32_t)p[n - 1] << 24;
  if (crc != crc32_ieee(p, n - 4))
    BAD("CRC mismatch (damaged or truncated)");
  n -= 4;
  hlen = (size_t)p[8] | (size_t)p[9] << 8 | (size_t)p[10] << 16 | (size_t)p[11] << 24;
  if (hlen > n - 12)
    BAD("header length %zu runs past the end", hlen);
  hdr = json_loadb((const char *)p + 12, hlen, 0, &jerr);
  if (!hdr)
    BAD("header: %s", jerr.text);
  memset(meta, 0, sizeof(*meta));
  clk = json_object_get(hdr, "clock");
  if (hdr_size(hdr, "point", &meta->point) || hdr_size(hdr, "repetition", &meta->repetition) ||
      hdr_size(hdr, "samples", &meta->samples) || hdr_size(hdr, "timings", &k) ||
      hdr_size(hdr, "bytes", &m) || hdr_size(hdr, "num_ports", &v) || !json_is_object(clk))
    BAD("header lacks a required key");
  meta->config.num_ports = (uint32_t)v;
  if (hdr_size(hdr, "ool_size", &v))
    BAD("header lacks ool_size");
  meta->config.ool_size = (uint32_t)v;
  if (!json_is_string(json_object_get(hdr, "mode")) ||
      mb_mode_parse(json_string_value(json_object_get(hdr, "mode")), &meta->config.mode))
    BAD("header: bad mode");
  if (hdr_size(hdr, "pool_size", &v))
    BAD("header lacks pool_size");
  meta->pool_size = (uint32_t)v;
  snprintf(meta->clock_name, sizeof(meta->clock_name), "%s",
           json_is_string(json_object_get(clk, "name"))
               ? json_string_value(json_object_get(clk, "name"))
               : "");
  if (hdr_size(clk, "tick_num", &v))
    BAD("header lacks clock.tick_num");
  meta->tick_num = v;
  if (hdr_size(clk, "tick_den", &v) || v == 0)
    BAD("header lacks clock.tick_den");
  meta->tick_den = v;
  if (k > n || m > n || mb_collection_reserve(c, k, m ? m : 1))
    BAD("counts too large (%zu timings, %zu bytes)", k, m);
  pos = 12 + hlen;
  for (i = 0; i < k; i++)
    if (get_uleb(p, n, &pos, &c->timings[i]))
      BAD("timings truncated at %zu of %zu", i, k);
  for (i = 0; i < k;) {
    uint64_t run, z;

    if (get_uleb(p, n, &pos, &run) || get_uleb(p, n, &pos, &z) || run == 0 || run > k - i)
      BAD("statuses damaged at operation %zu", i);
    x = (z >> 1) ^ (0u - (z & 1u));
    while (run--)
      c->status[i++] = (int32_t)(int64_t)x;
  }
  if (n - pos != m)
    BAD("%zu bytes of extracted data, header says %zu", n - pos, m);
  memcpy(c->bytes, p + pos, m);
  c->n_timings = k;
  c->n_bytes = m;
  c->pool_size = meta->pool_size;
out:
#undef BAD
  json_decref(hdr);
  free(p);
  return rc;
}
