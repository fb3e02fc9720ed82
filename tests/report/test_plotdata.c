/* test_plotdata.c: plotdata's computations on known inputs, run.json
 * validation, and the tables written for the fixture run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "plotdata.h"
#include "report.h"
#include "rawfile.h"
#include "rundir.h"
#include "testutil.h"

#define FIXTURE MB_SOURCE_DIR "/tests/data/report/run"

static void test_hist(void)
{
  const uint64_t v[] = {10, 11, 11, 12, 15, 15, 15, 20, 9, 100};
  struct mb_hist h;

  /* one tick per bin over [10, 20]: 11 bins */
  CHECK_EQ_INT(mb_hist_make(v, 10, 10, 20, 200, &h), MB_OK);
  CHECK_EQ_U64(h.width, 1);
  CHECK_EQ_INT(h.n_bins, 11);
  CHECK_EQ_U64(h.counts[0], 1);
  CHECK_EQ_U64(h.counts[1], 2);
  CHECK_EQ_U64(h.counts[2], 1);
  CHECK_EQ_U64(h.counts[5], 3);
  CHECK_EQ_U64(h.counts[10], 1);
  CHECK_EQ_INT(h.below, 1);
  CHECK_EQ_INT(h.above, 1);
  mb_hist_cleanup(&h);
  /* at most 4 bins over 11 ticks: width 3, bins [10,12] [13,15] [16,18] [19,21] */
  CHECK_EQ_INT(mb_hist_make(v, 10, 10, 20, 4, &h), MB_OK);
  CHECK_EQ_U64(h.width, 3);
  CHECK_EQ_INT(h.n_bins, 4);
  CHECK_EQ_U64(h.counts[0], 4);
  CHECK_EQ_U64(h.counts[1], 3);
  CHECK_EQ_U64(h.counts[2], 0);
  CHECK_EQ_U64(h.counts[3], 1);
  CHECK_EQ_INT(h.below + h.above, 2);
  mb_hist_cleanup(&h);
  /* a single value */
  CHECK_EQ_INT(mb_hist_make(v, 1, 10, 10, 200, &h), MB_OK);
  CHECK_EQ_INT(h.n_bins, 1);
  CHECK_EQ_U64(h.counts[0], 1);
  mb_hist_cleanup(&h);
}

static void test_autocorr(void)
{
  double x[200], r[100];
  size_t i, k;

  /* +1, -1, ...: mean 0, r(k) = (-1)^k (n - k) / n exactly. */
  for (i = 0; i < 200; i++)
    x[i] = i % 2 ? -1.0 : 1.0;
  mb_autocorr(x, 200, 100, r);
  for (k = 1; k <= 100; k++)
    CHECK_NEAR(r[k - 1], (k % 2 ? -1.0 : 1.0) * (200.0 - (double)k) / 200.0, 1e-12);
  /* 1, 2, 3, 4: mean 2.5, deviations -1.5 -0.5 0.5 1.5, sum of squares 5;
   * r(1) = (0.75 - 0.25 + 0.75) / 5 = 0.25; r(2) = (-0.75 - 0.75) / 5 = -0.3;
   * r(3) = -2.25 / 5 = -0.45; lag 4 and beyond: undefined. */
  x[0] = 1;
  x[1] = 2;
  x[2] = 3;
  x[3] = 4;
  mb_autocorr(x, 4, 5, r);
  CHECK_NEAR(r[0], 0.25, 1e-12);
  CHECK_NEAR(r[1], -0.3, 1e-12);
  CHECK_NEAR(r[2], -0.45, 1e-12);
  CHECK(isnan(r[3]) && isnan(r[4]));
  /* a constant series has no autocorrelation */
  for (i = 0; i < 10; i++)
    x[i] = 7;
  mb_autocorr(x, 10, 3, r);
  CHECK(isnan(r[0]) && isnan(r[2]));
}

static void test_quantile(void)
{
  const uint64_t s[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

  CHECK_EQ_U64(mb_quantile_sorted(s, 10, 0), 1);
  CHECK_EQ_U64(mb_quantile_sorted(s, 10, 0.5), 5);
  CHECK_EQ_U64(mb_quantile_sorted(s, 10, 0.999), 10);
  CHECK_EQ_U64(mb_quantile_sorted(s, 10, 1), 10);
  CHECK_EQ_U64(mb_quantile_sorted(s, 10, 0.01), 1);
  CHECK_EQ_U64(mb_quantile_sorted(s, 10, 0.11), 2);
}

/* --- run.json validation ------------------------------------------------------ */

/* The fixture's run.json with the first occurrence of `from` replaced by
 * `to`, loaded from dir: returns the status and the formatted error. */
static int load_edited(const char *dir, const char *from, const char *to, char *msg,
                       size_t n)
{
  char path[512], *text, *hit, *edited;
  size_t len;
  struct mb_rundir rd;
  struct mb_error err;
  int rc;

  text = mb_test_slurp(FIXTURE "/run.json", &len);
  if (!text)
    return -999;
  hit = strstr(text, from);
  if (!hit) {
    free(text);
    return -998;
  }
  edited = malloc(len + strlen(to) + 1);
  memcpy(edited, text, (size_t)(hit - text));
  strcpy(edited + (hit - text), to);
  strcat(edited, hit + strlen(from));
  snprintf(path, sizeof(path), "%s/run.json", dir);
  mb_test_write_text(path, edited);
  free(edited);
  free(text);
  mb_error_init(&err);
  rc = mb_rundir_load(dir, &rd, &err);
  mb_error_format(&err, msg, n);
  mb_rundir_cleanup(&rd);
  return rc;
}

static void test_validation(const char *tmp)
{
  char dir[512], msg[2048];
  struct mb_rundir rd;
  struct mb_error err;

  snprintf(dir, sizeof(dir), "%s/edited", tmp);
  mkdir(dir, 0777);
  CHECK_EQ_INT(load_edited(dir, "\"p50\"", "\"p5O\"", msg, sizeof(msg)), MB_EINVALID);
  CHECK(strstr(msg, "run.json: calls[0].raw_stats.p50: missing") != NULL);
  CHECK_EQ_INT(load_edited(dir, "\"schema\": \"mebench-run/1\"",
                           "\"schema\": \"mebench-run/9\"", msg, sizeof(msg)),
               MB_EINVALID);
  CHECK(strstr(msg, "schema") && strstr(msg, "mebench-run/9"));
  CHECK_EQ_INT(
      load_edited(dir, "\"num_ports\": 2", "\"num_ports\": 0", msg, sizeof(msg)),
      MB_EINVALID);
  CHECK(strstr(msg, "points[0].num_ports: 0 is outside 1..64") != NULL);
  CHECK_EQ_INT(load_edited(dir, "\"mode\": \"complex\"", "\"mode\": \"complx\"", msg,
                           sizeof(msg)),
               MB_EINVALID);
  CHECK(strstr(msg, "points[0].mode") != NULL);
  CHECK_EQ_INT(
      load_edited(dir, "\"wall_s\": ", "\"wall_s\": \"x\", \"w\": ", msg, sizeof(msg)),
      MB_EINVALID);
  CHECK(strstr(msg, "calls[0].wall_s: expected a number") != NULL);
  CHECK_EQ_INT(load_edited(dir, "\"h_assessed\"", "\"h_assessd\"", msg, sizeof(msg)),
               MB_EINVALID);
  CHECK(strstr(msg, "calls[0].entropy.bytes.h_assessed: missing") != NULL);
  CHECK_EQ_INT(load_edited(dir, "\"tick_den\": 1", "\"tick_den\": 0", msg, sizeof(msg)),
               MB_EINVALID);
  CHECK(strstr(msg, "clock.tick_den") != NULL);
  CHECK_EQ_INT(load_edited(dir, "{", "[", msg, sizeof(msg)), MB_EINVALID);
  CHECK(strstr(msg, "run.json:") != NULL);
  /* not a results directory at all */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rundir_load(tmp, &rd, &err), MB_EINVALID);
  CHECK(strstr(err.text, "holds no run.json") != NULL);
  mb_rundir_cleanup(&rd);
}

/* --- the fixture's tables ---------------------------------------------------- */

/* Sum column `col` (1-based) of the data rows of a table. */
static double column_sum(const char *path, int col, size_t *rows)
{
  char *text = mb_test_slurp(path, NULL), *line, *save = NULL;
  double sum = 0;

  *rows = 0;
  if (!text)
    return -1;
  for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *tok, *s2 = NULL;
    int c = 1;

    if (line[0] == '#')
      continue;
    for (tok = strtok_r(line, " ", &s2); tok && c < col; tok = strtok_r(NULL, " ", &s2))
      c++;
    if (tok) {
      sum += strtod(tok, NULL);
      (*rows)++;
    }
  }
  free(text);
  return sum;
}

static void test_fixture(const char *tmp)
{
  struct mb_rundir rd;
  struct mb_error err;
  char out[512], path[600], *text;
  size_t rows, i;
  double sum;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_rundir_load(FIXTURE, &rd, &err), MB_OK);
  if (err.code) {
    fprintf(stderr, "%s\n", err.text);
    return;
  }
  CHECK_EQ_INT(rd.n_points, 4);
  CHECK_EQ_INT(rd.n_calls, 12);
  CHECK(mb_rundir_swept(&rd, MB_AXIS_NUM_PORTS));
  CHECK(!mb_rundir_swept(&rd, MB_AXIS_OOL_SIZE));
  CHECK(mb_rundir_swept(&rd, MB_AXIS_MODE));
  CHECK_EQ_INT(rd.points[1].timeouts, 0);
  CHECK_EQ_STR(rd.source_name, "replay");
  CHECK_EQ_INT(rd.samples, 256);
  CHECK_EQ_INT(rd.points[1].n_calls, 3);
  snprintf(out, sizeof(out), "%s/plotdata", tmp);
  CHECK_EQ_INT(mb_plotdata_write(&rd, out, 1, &err), MB_OK);
  CHECK_EQ_INT(mb_plotdata_write(&rd, out, 4, &err), MB_EUSAGE);
  /* every deltas of a point lands in a bin or in the tail above p99.9 */
  snprintf(path, sizeof(path), "%s/hist-p1.dat", out);
  sum = column_sum(path, 2, &rows);
  CHECK(rows > 10);
  text =
      mb_test_slurp((snprintf(path, sizeof(path), "%s/hist-p1.gp", out), path), NULL);
  CHECK(text && strstr(text, "n_total = 3264"));
  {
    const char *a = text ? strstr(text, "n_above = ") : NULL;
    long above = a ? strtol(a + 10, NULL, 10) : -1;

    /* nearest rank: p99 of 3264 is rank 3232, so at most 32 lie above; the
     * recorded preemptions (up to 2.3 ms) surely do */
    CHECK(above >= 1 && above <= 32);
    CHECK_NEAR(sum + (double)above, 3264, 0);
  }
  free(text);
  /* the time series holds every operation, with its status (all ok) */
  snprintf(path, sizeof(path), "%s/series-p1.dat", out);
  sum = column_sum(path, 3, &rows);
  CHECK_EQ_INT(rows, 3264);
  CHECK_NEAR(sum, 0, 0);
  /* 100 lags, each with mean, min, max and one column per repetition */
  snprintf(path, sizeof(path), "%s/acf-p1.dat", out);
  sum = column_sum(path, 1, &rows);
  CHECK_EQ_INT(rows, 100);
  CHECK_NEAR(sum, 5050, 0);
  /* the axis table: two series of two num_ports values */
  snprintf(path, sizeof(path), "%s/axis-num_ports.dat", out);
  sum = column_sum(path, 1, &rows);
  CHECK_EQ_INT(rows, 4);
  CHECK_NEAR(sum, 2 + 8 + 2 + 8, 0);
  /* columns 18 and 19 (after the one-word label): the lowest and highest
   * call's median delta bracket the median (column 8) */
  {
    size_t r2;
    double lo = column_sum(path, 18, &r2), med = column_sum(path, 8, &rows),
           hi = column_sum(path, 19, &r2);

    CHECK_EQ_INT(r2, 4);
    CHECK(lo <= med && med <= hi && lo < hi);
  }
  /* h_bytes per call against a condition: all 12 calls, column 2 */
  snprintf(path, sizeof(path), "%s/hcond.dat", out);
  sum = column_sum(path, 3, &rows);
  CHECK_EQ_INT(rows, 12);
  CHECK_NEAR(sum, 4 * (0 + 1 + 2), 0); /* the repetitions */
  snprintf(path, sizeof(path), "%s/hcond.gp", out);
  text = mb_test_slurp(path, NULL);
  CHECK(text && strstr(text, "cond = 'waited_share'") && strstr(text, "nblocks = 4\n"));
  free(text);
  snprintf(path, sizeof(path), "%s/figures.tsv", out);
  text = mb_test_slurp(path, NULL);
  CHECK(text && strstr(text, "entropy.gp\tentropy-num_ports\taxis-num_ports.gp"));
  CHECK(text && strstr(text, "series.gp\tseries-p1\t"));
  CHECK(text && strstr(text, "hcond.gp\thcond\thcond.gp"));
  CHECK(text && !strstr(text, "ool_size"));     /* not swept */
  CHECK(text && !strstr(text, "entropy-mode")); /* modes are lines */
  free(text);
  /* at 256 samples multi_mcw and bitstring compression never run */
  snprintf(path, sizeof(path), "%s/estimators.gp", out);
  text = mb_test_slurp(path, NULL);
  CHECK(text && strstr(text, "nest = 8\n") && strstr(text, "est[2] = 'collision'") &&
        !strstr(text, "multi_mcw"));
  free(text);
  for (i = 0; i < 4; i++) {
    snprintf(path, sizeof(path), "%s/hist-p%zu.dat", out, i);
    CHECK(access(path, R_OK) == 0);
  }
  mb_rundir_cleanup(&rd);
}

/* A file in OUTDIR that is not plotdata's own, at a name plotdata writes
 * (figures.tsv, written last; common.gp, written first): refused (exit 1)
 * before any file is written, and left as it was; the obstacle gone, the
 * same plotdata writes everything. */
static void test_conflict(const char *tmp)
{
  static const char *const names[] = {"figures.tsv", "common.gp", "hist-p2.dat"};
  struct mb_rundir rd;
  struct mb_error err;
  char out[512], path[600], other[600], *text;
  size_t k;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_rundir_load(FIXTURE, &rd, &err), MB_OK);
  for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
    snprintf(out, sizeof(out), "%s/conflict%zu", tmp, k);
    CHECK(mkdir(out, 0700) == 0);
    snprintf(path, sizeof(path), "%s/%s", out, names[k]);
    CHECK(mb_test_write_text(path, "not plotdata\n") == 0);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_plotdata_write(&rd, out, 1, &err), MB_EEXISTS);
    CHECK_EQ_STR(err.source, path);
    text = mb_test_slurp(path, NULL);
    CHECK(text && strcmp(text, "not plotdata\n") == 0);
    free(text);
    /* nothing else was written */
    snprintf(other, sizeof(other), "%s/%s", out, k == 1 ? "figures.tsv" : "common.gp");
    CHECK(access(other, F_OK) != 0);
    snprintf(other, sizeof(other), "%s/axis-num_ports.dat", out);
    CHECK(access(other, F_OK) != 0);
    CHECK(unlink(path) == 0);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_plotdata_write(&rd, out, 1, &err), MB_OK);
    CHECK(access(path, R_OK) == 0);
  }
  mb_rundir_cleanup(&rd);
}

/* Damaged and missing raw files: contained, named, reported. */
static void test_damaged_raw(const char *tmp)
{
  char dir[512], path[700], out[600], *text;
  size_t n, i;
  struct mb_rundir rd;
  struct mb_error err;

  snprintf(dir, sizeof(dir), "%s/damaged", tmp);
  snprintf(path, sizeof(path), "%s/raw", dir);
  mkdir(dir, 0777);
  mkdir(path, 0777);
  text = mb_test_slurp(FIXTURE "/run.json", &n);
  snprintf(path, sizeof(path), "%s/run.json", dir);
  mb_test_write_text(path, text);
  free(text);
  for (i = 0; i < 12; i++) {
    char from[600];

    snprintf(from, sizeof(from), FIXTURE "/raw/p%zu-r%zu.mbr", i / 3, i % 3);
    text = mb_test_slurp(from, &n);
    if (!text)
      continue;
    if (i == 4)
      text[n / 2] ^= 0x01;
    if (i / 3 == 2) { /* point 2 has lost every raw file */
      free(text);
      continue;
    }
    snprintf(path, sizeof(path), "%s/raw/p%zu-r%zu.mbr", dir, i / 3, i % 3);
    mb_test_write(path, text, n);
    free(text);
  }
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rundir_load(dir, &rd, &err), MB_OK);
  snprintf(out, sizeof(out), "%s/out", dir);
  /* Damage is contained: every figure that does not need the damaged or
   * missing files is written; the point that lost a file is drawn from the
   * rest; the point that lost all is left out of figures.tsv. */
  CHECK_EQ_INT(mb_plotdata_write(&rd, out, 0, &err), MB_OK);
  snprintf(path, sizeof(path), "%s/hist-p1.gp", out);
  text = mb_test_slurp(path, NULL);
  CHECK(text && strstr(text, "n_calls = 2\n"));
  free(text);
  snprintf(path, sizeof(path), "%s/figures.tsv", out);
  text = mb_test_slurp(path, NULL);
  CHECK(text && strstr(text, "\thist-p1\t") && strstr(text, "\thist-p3\t") &&
        !strstr(text, "\thist-p2\t") && strstr(text, "\testimators\t") &&
        strstr(text, "\tseries-p0\t"));
  free(text);
  { /* the report names each of them as an anomaly */
    struct mb_anomaly *an = NULL;
    size_t nan_ = 0, k, raw = 0, damaged = 0;

    CHECK_EQ_INT(mb_report_anomalies(&rd, &an, &nan_), MB_OK);
    for (k = 0; k < nan_; k++)
      if (an[k].kind == MB_ANOMALY_RAW) {
        raw++;
        damaged += strstr(an[k].text, "`raw/p1-r1.mbr` is damaged") != NULL;
      }
    CHECK_EQ_INT(raw, 4);
    CHECK_EQ_INT(damaged, 1);
    free(an);
  }
  mb_rundir_cleanup(&rd);
}

/* An estimator that ran nowhere gets no column (gnuplot would warn about a
 * series without points); the binding column follows the compaction. */
static void test_missing_estimator(const char *tmp)
{
  char dir[512], path[600], *text, *p;
  struct mb_rundir rd;
  struct mb_error err;
  size_t n;

  snprintf(dir, sizeof(dir), "%s/noest", tmp);
  mkdir(dir, 0777);
  snprintf(path, sizeof(path), "%s/raw", dir);
  CHECK(symlink(FIXTURE "/raw", path) == 0);
  text = mb_test_slurp(FIXTURE "/run.json", &n);
  if (!text)
    return;
  /* rename every "mcv" key: the reader then sees no MCV estimate at all */
  for (p = strstr(text, "\"mcv\""); p; p = strstr(p + 1, "\"mcv\""))
    memcpy(p, "\"mcX\"", 5);
  snprintf(path, sizeof(path), "%s/run.json", dir);
  mb_test_write_text(path, text);
  free(text);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rundir_load(dir, &rd, &err), MB_OK);
  snprintf(path, sizeof(path), "%s/out", dir);
  CHECK_EQ_INT(mb_plotdata_write(&rd, path, 0, &err), MB_OK);
  CHECK(isnan(rd.points[0].est_bytes[MB_EST_MCV].med));
  mb_rundir_cleanup(&rd);
  snprintf(path, sizeof(path), "%s/out/estimators.gp", dir);
  text = mb_test_slurp(path, NULL);
  /* 256 samples are too few for multi_mcw and for compression on the
   * bitstring: with mcv gone too, 7 of the 10 estimators are left */
  CHECK(text && strstr(text, "nest = 7\n") && strstr(text, "est[1] = 'collision'") &&
        !strstr(text, "'mcv'") && !strstr(text, "'multi_mcw'") &&
        strstr(text, "labcol = 11"));
  free(text);
  snprintf(path, sizeof(path), "%s/out/estimators.dat", dir);
  text = mb_test_slurp(path, NULL);
  /* point 0's binding estimator keeps its place among the 9 left */
  {
    const char *row = text ? strstr(text, "\n0 ") : NULL;
    double h = 0;
    int bind = -1;

    /* collision binds point 0 (report: collision 2/3); without mcv it is
     * column 1 */
    CHECK(row && sscanf(row + 1, "0 %lf %d", &h, &bind) == 2);
    CHECK_EQ_INT(bind, 1);
  }
  free(text);
}

/* An interrupted run: points without a call get no figure of their own and
 * cannot be chosen; a run without any call has nothing to plot. */
static void test_interrupted(const char *tmp)
{
  char dir[512], path[600], *text, *cut;
  struct mb_rundir rd;
  struct mb_error err;
  size_t n;

  snprintf(dir, sizeof(dir), "%s/interrupted", tmp);
  mkdir(dir, 0777);
  snprintf(path, sizeof(path), "%s/raw", dir);
  CHECK(symlink(FIXTURE "/raw", path) == 0);
  text = mb_test_slurp(FIXTURE "/run.json", &n);
  if (!text)
    return;
  /* keep the first 5 calls (points 0 and 1): cut before the 6th */
  cut = strstr(text, "\"sequence\": 5,");
  CHECK(cut != NULL);
  if (!cut) {
    free(text);
    return;
  }
  while (cut > text && *cut != '{')
    cut--;
  while (cut > text && *cut != ',')
    cut--;
  strcpy(cut, "]}\n");
  snprintf(path, sizeof(path), "%s/run.json", dir);
  mb_test_write_text(path, text);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rundir_load(dir, &rd, &err), MB_OK);
  CHECK_EQ_INT(rd.n_calls, 5);
  CHECK_EQ_INT(rd.points[1].n_calls, 2);
  CHECK_EQ_INT(rd.points[3].n_calls, 0);
  snprintf(path, sizeof(path), "%s/out", dir);
  CHECK_EQ_INT(mb_plotdata_write(&rd, path, 3, &err), MB_EUSAGE);
  CHECK(strstr(err.text, "point 3 has no measured call") != NULL);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_plotdata_write(&rd, path, 1, &err), MB_OK);
  mb_rundir_cleanup(&rd);
  free(text);
  snprintf(path, sizeof(path), "%s/out/figures.tsv", dir);
  text = mb_test_slurp(path, NULL);
  CHECK(text && strstr(text, "hist-p1\t") && !strstr(text, "hist-p2\t") &&
        strstr(text, "series-p1\t"));
  free(text);
  /* the axis table holds only the measured points: one series (complex) */
  snprintf(path, sizeof(path), "%s/out/axis-num_ports.gp", dir);
  text = mb_test_slurp(path, NULL);
  CHECK(text && strstr(text, "nser = 1\n") && strstr(text, "ser[1] = 'complex'"));
  free(text);

  /* no call at all */
  text = mb_test_slurp(FIXTURE "/run.json", &n);
  cut = text ? strstr(text, "\"calls\": [") : NULL;
  CHECK(cut != NULL);
  if (cut) {
    char *st = strstr(text, "\"status\": \"complete\"");

    /* a complete run with no call is refused by the reader; an
     * interrupted one before its first call is not */
    if (st)
      memcpy(st, "\"status\": \"failed\"  ", 20);
    strcpy(cut, "\"calls\": []}\n");
    snprintf(path, sizeof(path), "%s/run.json", dir);
    mb_test_write_text(path, text);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_rundir_load(dir, &rd, &err), MB_OK);
    snprintf(path, sizeof(path), "%s/out2", dir);
    CHECK_EQ_INT(mb_plotdata_write(&rd, path, 0, &err), MB_EINVALID);
    CHECK(strstr(err.text, "no call was measured") && strcmp(err.path, "calls") == 0);
    mb_rundir_cleanup(&rd);
  }
  free(text);
}

/* The per-point aggregates agree with the runner's own point rows in
 * summary.csv (an independent computation of the same medians). */
static void test_against_summary(void)
{
  struct mb_rundir rd;
  struct mb_error err;
  char *text = mb_test_slurp(FIXTURE "/summary.csv", NULL), *line, *save = NULL;
  size_t rows = 0;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_rundir_load(FIXTURE, &rd, &err), MB_OK);
  for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
       line = strtok_r(NULL, "\n", &save)) {
    double v[21];
    char *field = line, *comma;
    int k = 0;
    size_t p;

    if (strncmp(line, "point,", 6) != 0)
      continue;
    /* kind, point, repetition, num_ports, ool_size, mode, h_bytes,
     * h_bytes_min, h_bytes_max, h_raw, h_raw_min, h_raw_max, ns_per_op,
     * ns_per_op_p01, ns_per_op_p99, ... */
    while (k < 21) {
      comma = strchr(field, ',');
      v[k++] = strtod(field, NULL);
      if (!comma)
        break;
      field = comma + 1;
    }
    p = (size_t)v[1];
    CHECK(k >= 15 && p < rd.n_points);
    if (k < 15 || p >= rd.n_points)
      continue;
    rows++;
    CHECK_NEAR(rd.points[p].h_bytes.med, v[6], 1e-6);
    CHECK_NEAR(rd.points[p].h_bytes.min, v[7], 1e-6);
    CHECK_NEAR(rd.points[p].h_bytes.max, v[8], 1e-6);
    CHECK_NEAR(rd.points[p].h_raw.med, v[9], 1e-6);
    CHECK_NEAR(rd.points[p].ns_per_op.med, v[12], 1e-3);
    CHECK_NEAR(rd.points[p].ns_p01, v[13], 1e-3);
    CHECK_NEAR(rd.points[p].ns_p99, v[14], 1e-3);
  }
  CHECK_EQ_INT(rows, 4);
  free(text);
  mb_rundir_cleanup(&rd);
}

int main(void)
{
  char tmp[] = "/tmp/mb-plotdata-XXXXXX";

  if (!mkdtemp(tmp))
    MB_SKIP("cannot make a temporary directory");
  test_hist();
  test_autocorr();
  test_quantile();
  test_validation(tmp);
  test_fixture(tmp);
  test_conflict(tmp);
  test_against_summary();
  test_damaged_raw(tmp);
  test_missing_estimator(tmp);
  test_interrupted(tmp);
  mb_test_rmtree(tmp);
  return CHECK_DONE();
}
