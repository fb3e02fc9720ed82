/* rawfile.c: the raw-timing file format (.mbr, format 1) of
 * results/README.md: written atomically and never over another file, read
 * back with every kind of damage named. */
#include "rawfile.h"

#include "fsutil.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAGIC "MBRAW001"
#define MAGIC_LEN 8u
#define MAX_HEADER (1u << 20) /* a header is a few hundred bytes */

/* --- a growing byte buffer --------------------------------------------- */

struct buf {
  unsigned char *p;
  size_t len, cap;
  int failed;
};

static void buf_put(struct buf *b, const void *data, size_t n)
{
  if (b->failed || n == 0)
    return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    unsigned char *p;

    while (cap < b->len + n)
      cap *= 2;
    p = realloc(b->p, cap);
    if (!p) {
      b->failed = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, data, n);
  b->len += n;
}

static void buf_u32le(struct buf *b, uint32_t v)
{
  unsigned char le[4];

  le[0] = (unsigned char)(v & 0xffu);
  le[1] = (unsigned char)((v >> 8) & 0xffu);
  le[2] = (unsigned char)((v >> 16) & 0xffu);
  le[3] = (unsigned char)((v >> 24) & 0xffu);
  buf_put(b, le, 4);
}

static void buf_uleb(struct buf *b, uint64_t v)
{
  unsigned char tmp[10];
  size_t n = 0;

  do {
    unsigned char byte = (unsigned char)(v & 0x7fu);

    v >>= 7;
    if (v)
      byte |= 0x80u;
    tmp[n++] = byte;
  } while (v);
  buf_put(b, tmp, n);
}

static uint64_t zigzag(int64_t v)
{
  return v < 0 ? ((uint64_t)(-(v + 1)) << 1) | 1u : (uint64_t)v << 1;
}

static int64_t unzigzag(uint64_t z)
{
  return (z & 1u) ? -(int64_t)(z >> 1) - 1 : (int64_t)(z >> 1);
}

static uint32_t get_u32le(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bitwise: files are
 * small and written once per call, so no table is worth its start-up. */
static uint32_t crc32_ieee(const unsigned char *p, size_t n)
{
  uint32_t c = 0xffffffffu;
  size_t i;
  int k;

  for (i = 0; i < n; i++) {
    c ^= p[i];
    for (k = 0; k < 8; k++)
      c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

/* --- writing -------------------------------------------------------------- */

static int encode(const struct mb_raw_meta *meta, const struct mb_collection *c,
                  struct buf *b)
{
  json_t *h;
  char *text;
  size_t i;

  h = json_pack(
      "{s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:{s:s, s:I, s:I}}", "point",
      (json_int_t)meta->point, "repetition", (json_int_t)meta->repetition, "num_ports",
      (json_int_t)meta->config.num_ports, "ool_size", (json_int_t)meta->config.ool_size,
      "mode", mb_mode_name(meta->config.mode), "variant",
      mb_variant_name(meta->config.variant), "samples", (json_int_t)meta->samples,
      "timings", (json_int_t)c->n_timings, "bytes", (json_int_t)c->n_bytes, "pool_size",
      (json_int_t)meta->pool_size, "clock", "name", meta->clock_name, "tick_num",
      (json_int_t)meta->tick_num, "tick_den", (json_int_t)meta->tick_den);
  /* Only a pinned or steered call says where it ran: files of free calls
   * stay byte for byte what they were before the placement axis. */
  if (h && meta->config.placement != MB_PLACEMENT_FREE &&
      json_object_set_new(h, "placement",
                          json_string(mb_placement_name(meta->config.placement))) !=
          0) {
    json_decref(h);
    h = NULL;
  }
  if (!h)
    return MB_ENOMEM;
  text = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(h);
  if (!text)
    return MB_ENOMEM;
  buf_put(b, MAGIC, MAGIC_LEN);
  buf_u32le(b, (uint32_t)strlen(text));
  buf_put(b, text, strlen(text));
  free(text);
  for (i = 0; i < c->n_timings; i++)
    buf_uleb(b, c->timings[i]);
  for (i = 0; i < c->n_timings;) {
    size_t run = 1;

    while (i + run < c->n_timings && c->status[i + run] == c->status[i])
      run++;
    buf_uleb(b, run);
    buf_uleb(b, zigzag(c->status[i]));
    i += run;
  }
  buf_put(b, c->bytes, c->n_bytes);
  if (!b->failed)
    buf_u32le(b, crc32_ieee(b->p, b->len));
  return b->failed ? MB_ENOMEM : MB_OK;
}

int mb_rawfile_write(const char *path, const struct mb_raw_meta *meta,
                     const struct mb_collection *c, struct mb_error *err)
{
  struct buf b = {NULL, 0, 0, 0};
  struct stat sb;
  int rc;

  /* Checked before encoding too, so an existing file costs no encoding. */
  if (lstat(path, &sb) == 0)
    return mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL,
                        "refusing to overwrite an existing file");
  rc = encode(meta, c, &b);
  if (rc != MB_OK) {
    free(b.p);
    return mb_error_set(err, rc, path, 0, 0, NULL, "out of memory encoding raw file");
  }
  rc = mb_fs_write_atomic(path, b.p, b.len, 0, "refusing to overwrite an existing file",
                          err);
  free(b.p);
  return rc;
}

/* --- reading -------------------------------------------------------------- */

struct reader {
  const unsigned char *p;
  size_t pos, end;
};

/* 0 ok, -1 truncated, -2 longer than 64 bits */
static int read_uleb(struct reader *r, uint64_t *out)
{
  uint64_t v = 0;
  unsigned shift = 0;

  for (;;) {
    unsigned char byte;

    if (r->pos >= r->end)
      return -1;
    byte = r->p[r->pos++];
    if (shift == 63 && (byte & 0x7eu))
      return -2;
    v |= (uint64_t)(byte & 0x7fu) << shift;
    if (!(byte & 0x80u))
      break;
    shift += 7;
    if (shift > 63)
      return -2;
  }
  *out = v;
  return 0;
}

static int header_uint(json_t *h, const char *key, uint64_t max, uint64_t *out,
                       const char *path, struct mb_error *err)
{
  json_t *v = json_object_get(h, key);

  if (!v)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "damaged header: '%s' is missing", key);
  if (!json_is_integer(v) || json_integer_value(v) < 0 ||
      (uint64_t)json_integer_value(v) > max)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "damaged header: '%s' must be an integer in 0..%llu", key,
                        (unsigned long long)max);
  *out = (uint64_t)json_integer_value(v);
  return MB_OK;
}

static int parse_header(const unsigned char *text, size_t len, const char *path,
                        struct mb_raw_meta *meta, uint64_t *k, uint64_t *m,
                        struct mb_error *err)
{
  json_error_t jerr;
  json_t *h = json_loadb((const char *)text, len, 0, &jerr);
  json_t *clock, *name, *mode, *placement;
  uint64_t v;
  int rc = MB_OK;

  if (!h)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "damaged header: invalid JSON at byte %d: %s",
                        (int)(MAGIC_LEN + 4) + jerr.position, jerr.text);
  if (!json_is_object(h)) {
    json_decref(h);
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "damaged header: expected a JSON object");
  }
  memset(meta, 0, sizeof(*meta));
#define MB_GET(key, max, type, dst)                                                    \
  do {                                                                                 \
    if (rc == MB_OK && (rc = header_uint(h, key, max, &v, path, err)) == MB_OK)        \
      dst = (type)v;                                                                   \
  } while (0)
  MB_GET("point", SIZE_MAX, size_t, meta->point);
  MB_GET("repetition", SIZE_MAX, size_t, meta->repetition);
  MB_GET("num_ports", UINT32_MAX, uint32_t, meta->config.num_ports);
  MB_GET("ool_size", UINT32_MAX, uint32_t, meta->config.ool_size);
  MB_GET("samples", SIZE_MAX, size_t, meta->samples);
  MB_GET("pool_size", UINT32_MAX, uint32_t, meta->pool_size);
  MB_GET("timings", SIZE_MAX / sizeof(uint64_t), uint64_t, *k);
  MB_GET("bytes", SIZE_MAX, uint64_t, *m);
#undef MB_GET
  mode = json_object_get(h, "mode");
  if (rc == MB_OK && (!json_is_string(mode) ||
                      mb_mode_parse(json_string_value(mode), &meta->config.mode) != 0))
    rc = mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                      "damaged header: 'mode' must be \"complex\" or \"simple\"");
  placement = json_object_get(h, "placement");
  meta->config.placement = MB_PLACEMENT_FREE;
  if (rc == MB_OK && placement &&
      (!json_is_string(placement) ||
       mb_placement_parse(json_string_value(placement), &meta->config.placement) != 0))
    rc = mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                      "damaged header: 'placement' must be a placement name");
  /* Files written before variants have none: the seed's, as the default. */
  meta->config.variant = MB_VARIANT_SEED;
  mode = json_object_get(h, "variant");
  if (rc == MB_OK && mode &&
      (!json_is_string(mode) ||
       mb_variant_parse(json_string_value(mode), &meta->config.variant) != 0))
    rc = mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                      "damaged header: 'variant' must be a variant name");
  clock = json_object_get(h, "clock");
  name = json_object_get(clock, "name");
  if (rc == MB_OK && (!json_is_object(clock) || !json_is_string(name) ||
                      strlen(json_string_value(name)) >= sizeof(meta->clock_name)))
    rc = mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                      "damaged header: 'clock' must be an object with a 'name' "
                      "string of at most %zu bytes",
                      sizeof(meta->clock_name) - 1);
  if (rc == MB_OK) {
    snprintf(meta->clock_name, sizeof(meta->clock_name), "%s", json_string_value(name));
    rc = header_uint(clock, "tick_num", UINT64_MAX >> 1, &meta->tick_num, path, err);
  }
  if (rc == MB_OK)
    rc = header_uint(clock, "tick_den", UINT64_MAX >> 1, &meta->tick_den, path, err);
  if (rc == MB_OK && (meta->tick_num == 0 || meta->tick_den == 0))
    rc = mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                      "damaged header: clock tick %llu/%llu is not a positive ratio",
                      (unsigned long long)meta->tick_num,
                      (unsigned long long)meta->tick_den);
  json_decref(h);
  return rc;
}

static int decode(const unsigned char *data, size_t size, const char *path,
                  struct mb_raw_meta *meta, struct mb_collection *c,
                  struct mb_error *err)
{
  struct reader r;
  uint64_t k = 0, m = 0, hlen, stored, computed, covered = 0;
  size_t i;
  int rc;

  if (size < MAGIC_LEN || memcmp(data, MAGIC, MAGIC_LEN) != 0)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "not a mebench raw file: it does not start with \"%s\"", MAGIC);
  if (size < MAGIC_LEN + 4 + 4)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "truncated: %zu bytes, too short for header length and CRC",
                        size);
  stored = get_u32le(data + size - 4);
  computed = crc32_ieee(data, size - 4);
  if (stored != computed)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "damaged or truncated: CRC-32 is 0x%08llx, the trailer says "
                        "0x%08llx",
                        (unsigned long long)computed, (unsigned long long)stored);
  hlen = get_u32le(data + MAGIC_LEN);
  if (hlen > MAX_HEADER || MAGIC_LEN + 4 + hlen > size - 4)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "damaged: header length %llu runs past the end of the file",
                        (unsigned long long)hlen);
  rc = parse_header(data + MAGIC_LEN + 4, (size_t)hlen, path, meta, &k, &m, err);
  if (rc != MB_OK)
    return rc;
  r.p = data;
  r.pos = MAGIC_LEN + 4 + (size_t)hlen;
  r.end = size - 4;
  /* Every timing takes at least one byte: refuse absurd counts before
   * allocating for them. */
  if (k > r.end - r.pos || m > r.end - r.pos)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "damaged: header counts %llu timings and %llu bytes, more "
                        "than the file holds",
                        (unsigned long long)k, (unsigned long long)m);
  if (mb_collection_reserve(c, (size_t)k, (size_t)m) != MB_OK)
    return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
  for (i = 0; i < k; i++) {
    int e = read_uleb(&r, &c->timings[i]);

    if (e != 0)
      return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                          "damaged: timing %zu of %llu at byte %zu is %s", i,
                          (unsigned long long)k, r.pos,
                          e == -1 ? "cut short" : "longer than 64 bits");
  }
  while (covered < k) {
    uint64_t run, z;
    int64_t st;

    if (read_uleb(&r, &run) != 0 || read_uleb(&r, &z) != 0)
      return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                          "damaged: status runs at byte %zu are cut short after "
                          "covering %llu of %llu operations",
                          r.pos, (unsigned long long)covered, (unsigned long long)k);
    st = unzigzag(z);
    if (run == 0 || run > k - covered || st < INT32_MIN || st > INT32_MAX)
      return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                          "damaged: status run of %llu x %lld at byte %zu does not "
                          "fit the %llu operations left",
                          (unsigned long long)run, (long long)st, r.pos,
                          (unsigned long long)(k - covered));
    for (i = 0; i < run; i++)
      c->status[covered + i] = (int32_t)st;
    covered += run;
  }
  if (r.end - r.pos != m)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "damaged: %zu bytes left for the %llu extracted bytes",
                        r.end - r.pos, (unsigned long long)m);
  if (m)
    memcpy(c->bytes, r.p + r.pos, (size_t)m);
  c->n_timings = (size_t)k;
  c->n_bytes = (size_t)m;
  c->pool_size = meta->pool_size;
  return MB_OK;
}

int mb_rawfile_read(const char *path, struct mb_raw_meta *meta, struct mb_collection *c,
                    struct mb_error *err)
{
  unsigned char *data;
  size_t size;
  int rc;

  /* Never blocks: a FIFO where a raw file belongs is refused (fsutil.h). */
  rc = mb_fs_read_file(path, 1, &data, &size, err);
  if (rc)
    return rc;
  rc = decode(data, size, path, meta, c, err);
  free(data);
  return rc;
}
