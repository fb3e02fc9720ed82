/* test_rawfile.c: the .mbr format: lossless round trip, the exact layout of
 * results/README.md, never overwriting, and damaged files. */
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rawfile.h"
#include "testutil.h"

static char dir[64];

/* An independent CRC-32 (IEEE), to forge damaged files with valid CRCs. */
static uint32_t crc(const unsigned char *p, size_t n)
{
  uint32_t c = 0xffffffffu;
  size_t i;
  int k;

  for (i = 0; i < n; i++) {
    c ^= p[i];
    for (k = 0; k < 8; k++)
      c = (c & 1u) ? (c >> 1) ^ 0xedb88320u : c >> 1;
  }
  return ~c;
}

static size_t slurp(const char *path, unsigned char *buf, size_t cap)
{
  FILE *f = fopen(path, "rb");
  size_t n;

  if (!f)
    return 0;
  n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

static void spit(const char *path, const unsigned char *buf, size_t n, int fix_crc)
{
  FILE *f = fopen(path, "wb");
  unsigned char copy[65536];

  memcpy(copy, buf, n);
  if (fix_crc && n >= 4) {
    uint32_t c = crc(copy, n - 4);
    copy[n - 4] = (unsigned char)c;
    copy[n - 3] = (unsigned char)(c >> 8);
    copy[n - 2] = (unsigned char)(c >> 16);
    copy[n - 1] = (unsigned char)(c >> 24);
  }
  if (f) {
    fwrite(copy, 1, n, f);
    fclose(f);
  }
}

static void sample(struct mb_collection *c, struct mb_raw_meta *m, size_t k)
{
  size_t i;

  mb_collection_init(c);
  mb_collection_reserve(c, k, k);
  for (i = 0; i < k; i++) {
    c->timings[i] = (uint64_t)(i * 2654435761u % 100000u);
    c->status[i] = i < k / 2 ? MB_OP_OK : (i % 7 == 0 ? MB_OP_TIMED_OUT : 268435459);
  }
  c->timings[0] = UINT64_MAX; /* ten-byte varint */
  c->timings[1] = 0;
  c->timings[2] = 127;
  c->timings[3] = 128;
  c->n_timings = k;
  c->n_bytes = k >= 2 ? k - 2 : 0;
  for (i = 0; i < c->n_bytes; i++)
    c->bytes[i] = (uint8_t)(i * 31u);
  c->pool_size = 7;
  memset(m, 0, sizeof(*m));
  m->point = 3;
  m->repetition = 2;
  m->config.num_ports = 8;
  m->config.ool_size = 4096;
  m->config.mode = MB_MODE_SIMPLE;
  m->samples = k;
  m->pool_size = 7;
  snprintf(m->clock_name, sizeof(m->clock_name), "mach_absolute_time");
  m->tick_num = 125;
  m->tick_den = 3;
}

static void expect_damaged(const char *path, const char *what)
{
  struct mb_raw_meta m;
  struct mb_collection c;
  struct mb_error err;

  mb_collection_init(&c);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rawfile_read(path, &m, &c, &err), MB_EINVALID);
  CHECK_EQ_STR(err.source, path);
  if (!strstr(err.text, what))
    fprintf(stderr, "  expected \"%s\" in \"%s\"\n", what, err.text);
  CHECK(strstr(err.text, what) != NULL);
  mb_collection_cleanup(&c);
}

int main(void)
{
  struct mb_collection c, r;
  struct mb_raw_meta m, rm;
  struct mb_error err;
  char path[160], bad[160];
  unsigned char file[65536], copy[65536];
  size_t n, hlen, i;

  snprintf(dir, sizeof(dir), "/tmp/mb-rawfile-XXXXXX");
  if (!mkdtemp(dir))
    MB_SKIP("cannot make a temporary directory");
  snprintf(path, sizeof(path), "%s/p3-r2.mbr", dir);
  snprintf(bad, sizeof(bad), "%s/bad.mbr", dir);

  /* Round trip, lossless. */
  sample(&c, &m, 1000);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rawfile_write(path, &m, &c, &err), MB_OK);
  mb_collection_init(&r);
  CHECK_EQ_INT(mb_rawfile_read(path, &rm, &r, &err), MB_OK);
  CHECK_EQ_INT(r.n_timings, 1000);
  CHECK_EQ_INT(r.n_bytes, 998);
  CHECK_EQ_MEM(r.timings, c.timings, 1000 * sizeof(uint64_t));
  CHECK_EQ_MEM(r.status, c.status, 1000 * sizeof(int32_t));
  CHECK_EQ_MEM(r.bytes, c.bytes, 998);
  CHECK_EQ_INT(r.pool_size, 7);
  CHECK_EQ_INT(rm.point, 3);
  CHECK_EQ_INT(rm.repetition, 2);
  CHECK_EQ_INT(rm.config.num_ports, 8);
  CHECK_EQ_INT(rm.config.ool_size, 4096);
  CHECK_EQ_INT(rm.config.mode, MB_MODE_SIMPLE);
  CHECK_EQ_INT(rm.samples, 1000);
  CHECK_EQ_STR(rm.clock_name, "mach_absolute_time");
  CHECK_EQ_U64(rm.tick_num, 125);
  CHECK_EQ_U64(rm.tick_den, 3);

  /* Layout: magic, little-endian header length, JSON header, varints, and
   * a CRC-32 of everything before the trailer. */
  n = slurp(path, file, sizeof(file));
  CHECK(n > 16);
  CHECK_EQ_MEM(file, "MBRAW001", 8);
  hlen = (size_t)file[8] | (size_t)file[9] << 8 | (size_t)file[10] << 16 |
         (size_t)file[11] << 24;
  CHECK(hlen < 400);
  CHECK_EQ_INT(file[12], '{');
  CHECK_EQ_INT(file[12 + hlen - 1], '}');
  CHECK(memmem(file + 12, hlen, "\"clock\":{\"name\":\"mach_absolute_time\"", 36) !=
        NULL);
  CHECK(memmem(file + 12, hlen, "\"mode\":\"simple\"", 15) != NULL);
  CHECK(memmem(file + 12, hlen, "\"timings\":1000", 14) != NULL);
  /* timings[0] = UINT64_MAX is ten bytes ff..ff 01, then 0, 127, 128. */
  CHECK_EQ_MEM(file + 12 + hlen,
               "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x00\x7f\x80\x01", 14);
  {
    uint32_t stored = (uint32_t)file[n - 4] | (uint32_t)file[n - 3] << 8 |
                      (uint32_t)file[n - 2] << 16 | (uint32_t)file[n - 1] << 24;
    CHECK_EQ_U64(stored, crc(file, n - 4));
  }
  /* The known CRC-32 check value, so the forger above is the standard one. */
  CHECK_EQ_U64(crc((const unsigned char *)"123456789", 9), 0xCBF43926u);

  /* A clean call's statuses take 2-3 bytes: one run of zeros. */
  {
    struct mb_collection z;
    struct mb_raw_meta zm;
    char zp[160];
    size_t zn, zh, body = 0;

    sample(&z, &zm, 4064);
    for (i = 0; i < 4064; i++) {
      z.status[i] = 0;
      z.timings[i] = 300;
      body += 2;
    }
    z.n_bytes = 1000;
    snprintf(zp, sizeof(zp), "%s/clean.mbr", dir);
    CHECK_EQ_INT(mb_rawfile_write(zp, &zm, &z, &err), MB_OK);
    zn = slurp(zp, file, sizeof(file));
    zh = (size_t)file[8] | (size_t)file[9] << 8;
    CHECK_EQ_INT(zn, 12 + zh + body + 3 + 1000 + 4); /* run 4064 = 2 bytes, 0 = 1 */
    CHECK_EQ_MEM(file + 12 + zh + body, "\xe0\x1f\x00", 3);
    mb_collection_cleanup(&z);
  }

  /* Never overwrite; no temporary file left behind. */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rawfile_write(path, &m, &c, &err), MB_EEXISTS);
  CHECK_EQ_STR(err.source, path);
  {
    char tmp[200];
    snprintf(tmp, sizeof(tmp), "%s/.p3-r2.mbr.tmp", dir);
    CHECK(access(tmp, F_OK) != 0);
  }
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rawfile_read(path, &rm, &r, &err), MB_OK); /* still intact */
  CHECK_EQ_MEM(r.timings, c.timings, 1000 * sizeof(uint64_t));
  {
    char nodir[200];
    snprintf(nodir, sizeof(nodir), "%s/missing/p0-r0.mbr", dir);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_rawfile_write(nodir, &m, &c, &err), MB_ESYSTEM);
    CHECK(strstr(err.text, "No such file") != NULL);
  }

  /* Damaged files, each named with what is wrong. */
  n = slurp(path, file, sizeof(file));
  memcpy(copy, file, n);
  copy[n / 2] ^= 0x40;
  spit(bad, copy, n, 0);
  expect_damaged(bad, "CRC-32");
  spit(bad, file, n - 100, 0);
  expect_damaged(bad, "CRC-32"); /* truncated */
  spit(bad, file, 10, 0);
  expect_damaged(bad, "too short");
  spit(bad, (const unsigned char *)"MBRAW002", 8, 0);
  expect_damaged(bad, "not a mebench raw file");
  spit(bad, (const unsigned char *)"", 0, 0);
  expect_damaged(bad, "not a mebench raw file");
  /* Valid CRC, broken content. */
  memcpy(copy, file, n);
  copy[12] = '#';
  spit(bad, copy, n, 1);
  expect_damaged(bad, "invalid JSON");
  memcpy(copy, file, n);
  copy[8] = 0xff;
  copy[9] = 0xff;
  spit(bad, copy, n, 1);
  expect_damaged(bad, "header length");
  memcpy(copy, file, n);
  {
    unsigned char *key = memmem(copy + 12, hlen, "\"mode\":\"simple\"", 15);
    if (key)
      memcpy(key, "\"mode\":\"simpel\"", 15);
  }
  spit(bad, copy, n, 1);
  expect_damaged(bad, "'mode'");
  memcpy(copy, file, n);
  {
    unsigned char *key = memmem(copy + 12, hlen, "\"samples\"", 9);
    if (key)
      memcpy(key, "\"sampels\"", 9);
  }
  spit(bad, copy, n, 1);
  expect_damaged(bad, "'samples' is missing");
  /* Drop the extracted bytes: the sections no longer add up. */
  memcpy(copy, file, n);
  memmove(copy + n - 4 - 998, copy + n - 4, 4);
  spit(bad, copy, n - 998, 1);
  expect_damaged(bad, "0 bytes left for the 998 extracted bytes");
  /* An over-long status run. */
  {
    struct mb_collection s;
    struct mb_raw_meta sm;
    char sp[160];
    size_t sn, sh;

    sample(&s, &sm, 10);
    for (i = 0; i < 10; i++) {
      s.status[i] = 0;
      s.timings[i] = 5;
    }
    s.n_bytes = 0;
    snprintf(sp, sizeof(sp), "%s/s.mbr", dir);
    CHECK_EQ_INT(mb_rawfile_write(sp, &sm, &s, &err), MB_OK);
    sn = slurp(sp, file, sizeof(file));
    sh = (size_t)file[8];
    CHECK_EQ_INT(file[12 + sh + 10], 10); /* run length 10 */
    file[12 + sh + 10] = 11;
    spit(bad, file, sn, 1);
    expect_damaged(bad, "does not fit");
    file[12 + sh + 10] = 9; /* runs stop short of the timings */
    spit(bad, file, sn, 1);
    expect_damaged(bad, "cut short");
    mb_collection_cleanup(&s);
  }
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rawfile_read("/nonexistent/x.mbr", &rm, &r, &err), MB_EINVALID);
  CHECK(strstr(err.text, "no such file") != NULL);

  mb_collection_cleanup(&c);
  mb_collection_cleanup(&r);
  CHECK_EQ_INT(mb_test_rmtree(dir), 0);
  return CHECK_DONE();
}
