/* test_replay.c: the replay collector on text lists, raw files and a
 * directory of raw files; wrap-around; bad input named by line and column. */
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rawfile.h"
#include "source.h"
#include "testutil.h"

static char dir[64];

static void expect_open_error(const char *path, int code, int line, int column,
                              const char *what)
{
  struct mb_collector *col = NULL;
  struct mb_error err;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_open("replay", path, &col, &err), code);
  CHECK(col == NULL);
  CHECK_EQ_INT(err.line, line);
  CHECK_EQ_INT(err.column, column);
  if (!strstr(err.text, what))
    fprintf(stderr, "  expected \"%s\" in \"%s\"\n", what, err.text);
  CHECK(strstr(err.text, what) != NULL);
}

/* A raw file holding timings base, base+1, ... with the given tick. */
static void write_raw(const char *d, const char *name, uint64_t base, size_t k,
                      uint64_t tick_num, int32_t status)
{
  struct mb_collection c;
  struct mb_raw_meta m;
  struct mb_error err;
  char path[256];
  size_t i;

  mb_collection_init(&c);
  mb_collection_reserve(&c, k, 1);
  for (i = 0; i < k; i++) {
    c.timings[i] = base + i;
    c.status[i] = status;
  }
  c.n_timings = k;
  memset(&m, 0, sizeof(m));
  m.config.num_ports = 4;
  m.config.ool_size = 100;
  m.pool_size = 3;
  snprintf(m.clock_name, sizeof(m.clock_name), "mach_absolute_time");
  m.tick_num = tick_num;
  m.tick_den = 3;
  snprintf(path, sizeof(path), "%s/%s", d, name);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rawfile_write(path, &m, &c, &err), MB_OK);
  mb_collection_cleanup(&c);
}

int main(void)
{
  struct mb_collector *col = NULL;
  struct mb_collection c;
  struct mb_config cfg = {5, 4096, MB_MODE_COMPLEX, MB_VARIANT_SEED, MB_PLACEMENT_FREE};
  struct mb_config rec = {4, 100, MB_MODE_COMPLEX, MB_VARIANT_SEED,
                          MB_PLACEMENT_FREE}; /* as recorded */
  struct mb_error err;
  struct mb_clock clk;
  char path[256], rawdir[128];
  size_t i;

  snprintf(dir, sizeof(dir), "/tmp/mb-replay-XXXXXX");
  if (!mkdtemp(dir))
    MB_SKIP("cannot make a temporary directory");
  mb_collection_init(&c);

  /* Text: integers split by any whitespace, '#' comments; 70 values so that
   * a 68-timing call (n = 1) wraps on the second call. */
  snprintf(path, sizeof(path), "%s/t.txt", dir);
  {
    FILE *f = fopen(path, "w");
    fprintf(f, "# recorded on a test bench\n");
    for (i = 0; i < 70; i++)
      fprintf(f, "%zu%s", 1000 + i * i,
              i % 7 == 6 ? "  # seven\n" : (i % 2 ? "\t" : " "));
    fclose(f);
  }
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_open("replay", path, &col, &err), MB_OK);
  CHECK_EQ_INT(mb_collector_clock(col, &clk), MB_OK);
  CHECK_EQ_STR(clk.name, "replay");
  CHECK_EQ_U64(clk.tick_num, 1);
  CHECK_EQ_U64(clk.tick_den, 1);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 1, &c, &err), MB_OK);
  CHECK_EQ_INT(c.n_timings, 68);
  CHECK_EQ_U64(c.timings[0], 1000);
  CHECK_EQ_U64(c.timings[67], 1000 + 67 * 67);
  CHECK_EQ_INT(c.status[10], MB_OP_OK);
  CHECK_EQ_INT(c.pool_size, 5);
  CHECK_EQ_INT(c.n_bytes, 1);
  {
    uint8_t want[1];
    mb_extract_timing_entropy(c.timings, 68, want, 1);
    CHECK_EQ_INT(c.bytes[0], want[0]);
  }
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 1, &c, &err), MB_OK);
  CHECK_EQ_U64(c.timings[0], 1000 + 68 * 68);
  CHECK_EQ_U64(c.timings[1], 1000 + 69 * 69);
  CHECK_EQ_U64(c.timings[2], 1000); /* wrapped around */
  CHECK_EQ_U64(c.timings[67], 1000 + 65 * 65);
  /* A call larger than the whole recording wraps several times. */
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 100, &c, &err), MB_OK);
  CHECK_EQ_INT(c.n_timings, 464);
  CHECK_EQ_U64(c.timings[0], 1000 + 66 * 66);
  CHECK_EQ_U64(c.timings[4], 1000);
  CHECK_EQ_U64(c.timings[74], 1000);
  mb_collector_free(col);

  /* Bad text, named by line and column. */
  mb_test_write_text(path, "12 13\n14 x5\n");
  expect_open_error(path, MB_EINVALID, 2, 4,
                    "expected a non-negative integer, found 'x'");
  mb_test_write_text(path, "12\n  -4\n");
  expect_open_error(path, MB_EINVALID, 2, 3, "found '-'");
  mb_test_write_text(path, "1 2 3.5\n");
  expect_open_error(path, MB_EINVALID, 1, 6, "found '.'");
  mb_test_write_text(path, "18446744073709551615 18446744073709551616\n");
  expect_open_error(path, MB_EINVALID, 1, 22, "does not fit in 64 bits");
  mb_test_write_text(path, "# only a comment\n\n");
  expect_open_error(path, MB_EINVALID, 0, 0, "no timings");
  snprintf(path, sizeof(path), "%s/absent.txt", dir);
  expect_open_error(path, MB_EINVALID, 0, 0, "no such file");

  /* A raw file: timings, statuses, pool size and tick come back. */
  write_raw(dir, "one.mbr", 500, 100, 125, 268435459);
  snprintf(path, sizeof(path), "%s/one.mbr", dir);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_open("replay", path, &col, &err), MB_OK);
  CHECK_EQ_INT(mb_collector_clock(col, &clk), MB_OK);
  CHECK_EQ_STR(clk.name, "replay");
  CHECK_EQ_U64(clk.tick_num, 125);
  CHECK_EQ_U64(clk.tick_den, 3);
  CHECK_NEAR(clk.resolution_ns, 125.0 / 3.0, 1e-9);
  /* played into a point of another configuration: refused, not misfiled */
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 2, &c, &err), MB_EINVALID);
  CHECK(strstr(err.text, "another configuration's timings") != NULL);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_collect(col, &rec, 2, &c, &err), MB_OK);
  CHECK_EQ_INT(c.n_timings, 72);
  CHECK_EQ_U64(c.timings[71], 571);
  CHECK_EQ_INT(c.status[0], 268435459);
  CHECK_EQ_INT(c.pool_size, 3); /* recorded, not the point's 4 */
  mb_collector_free(col);

  /* A run's raw/ directory: played in name order, unfinished .tmp files and
   * other files ignored. */
  snprintf(rawdir, sizeof(rawdir), "%s/raw", dir);
  mkdir(rawdir, 0755);
  write_raw(rawdir, "p1-r0.mbr", 3000, 10, 125, 0);
  write_raw(rawdir, "p0-r1.mbr", 2000, 10, 125, 0);
  write_raw(rawdir, "p0-r0.mbr", 1000, 10, 125, MB_OP_TIMED_OUT);
  snprintf(path, sizeof(path), "%s/.p1-r1.mbr.tmp", rawdir);
  mb_test_write_text(path, "garbage");
  snprintf(path, sizeof(path), "%s/notes.txt", rawdir);
  mb_test_write_text(path, "garbage");
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_open("replay", rawdir, &col, &err), MB_OK);
  CHECK_EQ_INT(mb_collector_collect(col, &rec, 0, &c, &err), MB_OK);
  CHECK_EQ_INT(c.n_timings, 64);
  CHECK_EQ_U64(c.timings[0], 1000);
  CHECK_EQ_INT(c.status[0], MB_OP_TIMED_OUT);
  CHECK_EQ_U64(c.timings[10], 2000);
  CHECK_EQ_INT(c.status[10], MB_OP_OK);
  CHECK_EQ_U64(c.timings[29], 3009);
  CHECK_EQ_U64(c.timings[30], 1000);
  mb_collector_free(col);

  /* Files with different clocks cannot be played as one. */
  write_raw(rawdir, "p2-r0.mbr", 1, 10, 1, 0);
  expect_open_error(rawdir, MB_EINVALID, 0, 0, "cannot play them as one");
  /* A damaged raw file in the directory is named. */
  snprintf(path, sizeof(path), "%s/p0-r0.mbr", rawdir);
  mb_test_write_text(path, "MBRAW001 but damaged");
  expect_open_error(rawdir, MB_EINVALID, 0, 0, "CRC-32");
  snprintf(path, sizeof(path), "%s/empty", dir);
  mkdir(path, 0755);
  expect_open_error(path, MB_EINVALID, 0, 0, "no raw files");

  mb_collection_cleanup(&c);
  CHECK_EQ_INT(mb_test_rmtree(dir), 0);
  return CHECK_DONE();
}
