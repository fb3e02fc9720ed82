/* test_compare.c: compare on synthetic runs: known drops are flagged, equal
 * distributions are not (false-alarm rate <= alpha over seeded trials),
 * mismatches are refused, points are matched by configuration, and the
 * outputs match golden files. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "compare.h"
#include "testutil.h"

struct pcfg {
  uint32_t ports, ool;
  const char *mode;
};

struct spec {
  const char *source, *experiment, *hostname, *clock, *status;
  long long samples, raw_bits, tick_num;
  size_t n_points, reps;
  const struct pcfg *points;
};

static uint64_t rng_state;

static double uniform(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return ((double)(rng_state >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(double mu, double sd)
{
  return mu + sd * sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

static const struct pcfg one_point[] = {{4, 1024, "complex"}};

static void default_spec(struct spec *s, size_t reps)
{
  s->source = "linux_ipc";
  s->experiment = "ci_smoke";
  s->hostname = "lab1";
  s->clock = "CLOCK_MONOTONIC_RAW";
  s->status = "complete";
  s->samples = 256;
  s->raw_bits = 8;
  s->tick_num = 1;
  s->n_points = 1;
  s->reps = reps;
  s->points = one_point;
}

/* A run.json document (schema mebench-run/1) with the given per-call
 * values, indexed [point * reps + repetition]. */
static json_t *make_run(const struct spec *s, const double *hb, const double *hr,
                        const double *rate)
{
  json_t *points = json_array(), *calls = json_array();
  size_t p, r;

  for (p = 0; p < s->n_points; p++)
    json_array_append_new(
        points, json_pack("{s:I, s:I, s:I, s:s}", "index", (json_int_t)p, "num_ports",
                          (json_int_t)s->points[p].ports, "ool_size",
                          (json_int_t)s->points[p].ool, "mode", s->points[p].mode));
  for (r = 0; r < s->reps; r++)
    for (p = 0; p < s->n_points; p++) {
      size_t k = p * s->reps + r;

      json_array_append_new(
          calls,
          json_pack("{s:I, s:I, s:s, s:{s:{s:f}, s:{s:f}}, s:{s:f, s:f}}", "point",
                    (json_int_t)p, "repetition", (json_int_t)r, "raw_file", "raw/x.mbr",
                    "entropy", "bytes", "h_assessed", hb[k], "raw", "h_assessed", hr[k],
                    "rate", "bits_per_byte", hb[k], "bits_per_s", rate[k]));
    }
  return json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s}, s:{s:s, s:I, s:I}, s:{s:s, s:s, "
                   "s:{s:s}, s:I, s:I, s:I, s:[s, s]}, s:o, s:o}",
                   "schema", "mebench-run/1", "status", s->status, "source", "name",
                   s->source, "machine", "hostname", s->hostname, "cpu_model", "cpu",
                   "clock", "name", s->clock, "tick_num", (json_int_t)s->tick_num,
                   "tick_den", (json_int_t)3, "experiment", "path", "e.json", "sha256",
                   "abc", "content", "name", s->experiment, "samples",
                   (json_int_t)s->samples, "raw_bits", (json_int_t)s->raw_bits,
                   "repetitions", (json_int_t)s->reps, "estimators", "mcv", "lag",
                   "points", points, "calls", calls);
}

static int load(json_t *doc, const char *name, struct mb_compare_run *run)
{
  struct mb_error err;
  int st;

  mb_error_init(&err);
  st = mb_compare_run_from_json(doc, name, run, &err);
  if (st)
    fprintf(stderr, "load %s: %s\n", name, err.text);
  return st;
}

/* Draw one point's values: h_bytes ~ N(hb, sd), h_raw ~ N(hr, sd), rate. */
static void draw(double *hb, double *hr, double *rate, size_t n, double mb, double mr,
                 double sd, double quantum)
{
  size_t i;

  for (i = 0; i < n; i++) {
    hb[i] = gauss(mb, sd);
    hr[i] = gauss(mr, sd);
    if (quantum > 0) { /* estimates printed with few digits tie often */
      hb[i] = round(hb[i] / quantum) * quantum;
      hr[i] = round(hr[i] / quantum) * quantum;
    }
    rate[i] = gauss(50000, 2000);
    /* an assessment lies in 0..8 bits per byte (the reader refuses others):
     * the rare draw beyond is mirrored back, the same for both sides */
    if (hb[i] > 8)
      hb[i] = 16 - hb[i];
  }
}

/* One trial: compare two one-point runs drawn with the given means. Returns
 * the verdict. */
static enum mb_verdict trial(size_t reps, double base_mean, double cur_mean, double sd,
                             double quantum, const struct mb_compare_options *opts)
{
  double hb[2][64], hr[2][64], rate[2][64];
  struct mb_compare_run base, cur;
  struct mb_compare_report rep;
  struct mb_error err;
  struct spec s;
  enum mb_verdict v = MB_VERDICT_MISSING;

  default_spec(&s, reps);
  draw(hb[0], hr[0], rate[0], reps, base_mean, base_mean / 2, sd, quantum);
  draw(hb[1], hr[1], rate[1], reps, cur_mean, cur_mean / 2, sd, quantum);
  mb_error_init(&err);
  if (load(make_run(&s, hb[0], hr[0], rate[0]), "base", &base) == MB_OK &&
      load(make_run(&s, hb[1], hr[1], rate[1]), "cur", &cur) == MB_OK &&
      mb_compare_runs(&base, &cur, opts, &rep, &err) == MB_OK)
    v = rep.rows[0].verdict;
  mb_compare_report_cleanup(&rep);
  mb_compare_run_cleanup(&base);
  mb_compare_run_cleanup(&cur);
  return v;
}

/* Upper limit for the count of false alarms in n trials at rate alpha:
 * mean + 3 standard deviations of the binomial (one-sided, ~0.13%). */
static double binomial_limit(double n, double alpha)
{
  return n * alpha + 3.0 * sqrt(n * alpha * (1 - alpha));
}

static void test_false_alarms(void)
{
  struct mb_compare_options opts;
  size_t t, n = 2000, alarms;

  /* The test alone (no tolerance), alpha 0.05, continuous values. */
  mb_compare_options_init(&opts);
  opts.alpha = 0.05;
  opts.max_drop = 0;
  rng_state = 0x1234567887654321ull;
  for (t = 0, alarms = 0; t < n; t++)
    alarms += trial(8, 7.0, 7.0, 0.1, 0, &opts) == MB_VERDICT_REGRESSED;
  printf("false alarms, alpha 0.05, no tolerance, 8 vs 8: %zu / %zu\n", alarms, n);
  CHECK((double)alarms <= binomial_limit((double)n, 0.05));
  /* Heavy ties (values on a 0.05 grid, sd 0.1): still conservative. */
  for (t = 0, alarms = 0; t < n; t++)
    alarms += trial(8, 7.0, 7.0, 0.1, 0.05, &opts) == MB_VERDICT_REGRESSED;
  printf("false alarms, alpha 0.05, tied values: %zu / %zu\n", alarms, n);
  CHECK((double)alarms <= binomial_limit((double)n, 0.05));
  /* Unequal sizes and the default alpha 0.01. */
  opts.alpha = 0.01;
  for (t = 0, alarms = 0; t < n; t++)
    alarms += trial(t % 2 ? 10 : 6, 7.0, 7.0, 0.1, 0, &opts) == MB_VERDICT_REGRESSED;
  printf("false alarms, alpha 0.01, no tolerance: %zu / %zu\n", alarms, n);
  CHECK((double)alarms <= binomial_limit((double)n, 0.01));
  /* Defaults (alpha 0.01, 10% tolerance) with a noisy source (sd 5%). */
  mb_compare_options_init(&opts);
  for (t = 0, alarms = 0; t < n; t++)
    alarms += trial(8, 7.0, 7.0, 0.35, 0, &opts) == MB_VERDICT_REGRESSED;
  printf("false alarms, defaults, sd 5%%: %zu / %zu\n", alarms, n);
  CHECK((double)alarms <= binomial_limit((double)n, 0.01));
}

static void test_known_drops(void)
{
  struct mb_compare_options opts;
  size_t t, flagged;

  mb_compare_options_init(&opts);
  rng_state = 42;
  /* A 20% drop with 1.5% noise: flagged every time with 8 repetitions. */
  for (t = 0, flagged = 0; t < 200; t++)
    flagged += trial(8, 7.0, 5.6, 0.1, 0, &opts) == MB_VERDICT_REGRESSED;
  CHECK_EQ_INT(flagged, 200);
  /* A 5% drop is significant but within the 10% tolerance: never flagged. */
  for (t = 0, flagged = 0; t < 200; t++)
    flagged += trial(8, 7.0, 6.65, 0.02, 0, &opts) == MB_VERDICT_REGRESSED;
  CHECK_EQ_INT(flagged, 0);
  /* ... unless the tolerance is lowered. */
  opts.max_drop = 0.02;
  for (t = 0, flagged = 0; t < 200; t++)
    flagged += trial(8, 7.0, 6.65, 0.02, 0, &opts) == MB_VERDICT_REGRESSED;
  CHECK_EQ_INT(flagged, 200);
  /* A rise of 20% is an improvement, never a regression. */
  mb_compare_options_init(&opts);
  for (t = 0, flagged = 0; t < 50; t++)
    flagged += trial(8, 5.0, 6.0, 0.05, 0, &opts) == MB_VERDICT_IMPROVED;
  CHECK_EQ_INT(flagged, 50);
  /* 3 vs 3 repetitions cannot reach alpha 0.01 (p >= 1/20): never flagged by
   * the test, and the report says so. */
  for (t = 0, flagged = 0; t < 50; t++)
    flagged += trial(3, 7.0, 3.0, 0.05, 0, &opts) == MB_VERDICT_REGRESSED;
  CHECK_EQ_INT(flagged, 0);
  /* The floor fails a point whatever the test says. */
  opts.min_entropy = 6.0;
  for (t = 0, flagged = 0; t < 20; t++)
    flagged += trial(3, 7.0, 5.0, 0.05, 0, &opts) == MB_VERDICT_REGRESSED;
  CHECK_EQ_INT(flagged, 20);
}

/* Each refusal: change one field of the current run. */
static void test_mismatches(void)
{
  static const char *const fields[] = {"source",   "experiment", "samples",
                                       "raw_bits", "clock",      NULL};
  static const char *const words[] = {"collectors", "experiments", "samples",
                                      "raw_bits",   "clocks",      "ticks"};
  double hb[4] = {7, 7, 7, 7}, hr[4] = {3, 3, 3, 3}, rate[4] = {1, 1, 1, 1};
  size_t i;

  for (i = 0; fields[i]; i++) {
    struct spec s, c;
    struct mb_compare_run base, cur;
    struct mb_compare_report rep;
    struct mb_compare_options opts;
    struct mb_error err;

    default_spec(&s, 4);
    c = s;
    if (strcmp(fields[i], "source") == 0)
      c.source = "replay";
    else if (strcmp(fields[i], "experiment") == 0)
      c.experiment = "ports_sweep";
    else if (strcmp(fields[i], "samples") == 0)
      c.samples = 512;
    else if (strcmp(fields[i], "raw_bits") == 0)
      c.raw_bits = 4;
    else if (strcmp(fields[i], "clock") == 0)
      c.clock = "CLOCK_MONOTONIC";
    else
      c.tick_num = 125;
    mb_compare_options_init(&opts);
    mb_error_init(&err);
    CHECK_EQ_INT(load(make_run(&s, hb, hr, rate), "b.json", &base), MB_OK);
    CHECK_EQ_INT(load(make_run(&c, hb, hr, rate), "c.json", &cur), MB_OK);
    CHECK_EQ_INT(mb_compare_runs(&base, &cur, &opts, &rep, &err), MB_EMISMATCH);
    CHECK_EQ_INT(mb_status_exit(err.code), 7);
    CHECK(strstr(err.text, words[i]) != NULL);
    CHECK(strstr(err.text, "b.json") && strstr(err.text, "c.json"));
    mb_compare_report_cleanup(&rep);
    mb_compare_run_cleanup(&base);
    mb_compare_run_cleanup(&cur);
  }
  /* A mach_ipc run from before variants (source.layout) counts as the
   * variant it measured: layout sdk is variant sdk, the seed's layout (named
   * or by default) sent with a timeout, variant send_timeout. Points are
   * matched by variant; none is refused for it. */
  {
    struct spec s;
    struct mb_compare_run base, cur;
    struct mb_compare_report rep;
    struct mb_compare_options opts;
    struct mb_error err;
    json_t *b, *c;
    size_t k;

    default_spec(&s, 4);
    s.source = "mach_ipc";
    b = make_run(&s, hb, hr, rate);
    json_object_set_new(json_object_get(b, "source"), "layout", json_string("sdk"));
    c = make_run(&s, hb, hr, rate);
    for (k = 0; k < json_array_size(json_object_get(c, "points")); k++)
      json_object_set_new(json_array_get(json_object_get(c, "points"), k), "variant",
                          json_string("sdk"));
    mb_compare_options_init(&opts);
    mb_error_init(&err);
    CHECK_EQ_INT(load(b, "b.json", &base), MB_OK);
    CHECK_EQ_INT(load(c, "c.json", &cur), MB_OK);
    CHECK_EQ_STR(base.points[0].variant, "sdk");
    CHECK_EQ_INT(mb_compare_runs(&base, &cur, &opts, &rep, &err), MB_OK);
    CHECK(rep.n_rows > 0 && rep.rows[0].in_base && rep.rows[0].in_cur);
    CHECK_EQ_STR(rep.rows[0].variant, "sdk");
    mb_compare_report_cleanup(&rep);
    mb_compare_run_cleanup(&cur);
    c = make_run(&s, hb, hr, rate);
    mb_error_init(&err);
    CHECK_EQ_INT(load(c, "c.json", &cur), MB_OK);
    CHECK_EQ_STR(cur.points[0].variant, "send_timeout");
    CHECK_EQ_INT(mb_compare_runs(&base, &cur, &opts, &rep, &err), MB_OK);
    CHECK(rep.n_rows > 0 && !(rep.rows[0].in_base && rep.rows[0].in_cur));
    mb_compare_report_cleanup(&rep);
    mb_compare_run_cleanup(&base);
    mb_compare_run_cleanup(&cur);
  }
  /* A different machine or status is compared, with warnings. */
  {
    struct spec s, c;
    struct mb_compare_run base, cur;
    struct mb_compare_report rep;
    struct mb_compare_options opts;
    struct mb_error err;

    default_spec(&s, 4);
    c = s;
    c.hostname = "ci-runner";
    c.status = "interrupted";
    mb_compare_options_init(&opts);
    opts.gate_rate = 1;
    mb_error_init(&err);
    CHECK_EQ_INT(load(make_run(&s, hb, hr, rate), "b.json", &base), MB_OK);
    CHECK_EQ_INT(load(make_run(&c, hb, hr, rate), "c.json", &cur), MB_OK);
    CHECK_EQ_INT(mb_compare_runs(&base, &cur, &opts, &rep, &err), MB_OK);
    CHECK_EQ_INT(rep.n_warnings, 3);
    CHECK(rep.n_warnings >= 1 && strstr(rep.warnings[0], "different machines"));
    CHECK(rep.n_warnings >= 2 && strstr(rep.warnings[1], "interrupted"));
    /* 4 vs 4 repetitions: p >= 1/70 > 0.01 / 2 gated metrics. */
    CHECK(rep.n_warnings >= 3 && strstr(rep.warnings[2], "too few repetitions"));
    CHECK_EQ_INT(rep.rows[0].untestable, 1);
    CHECK_EQ_INT(rep.rate_gated, 0); /* the rate is not gated across machines */
    CHECK_EQ_INT(rep.rows[0].verdict, MB_VERDICT_UNCHANGED);
    mb_compare_report_cleanup(&rep);
    mb_compare_run_cleanup(&base);
    mb_compare_run_cleanup(&cur);
  }
}

/* Points match by configuration, whatever their order and index. */
static void test_matching(void)
{
  static const struct pcfg pb[] = {
      {1, 64, "complex"}, {2, 64, "complex"}, {2, 64, "simple"}};
  static const struct pcfg pc[] = {
      {2, 64, "simple"}, {9, 64, "complex"}, {1, 64, "complex"}};
  double hb[3][6], hr[3][6], rate[3][6], chb[3][6], chr[3][6], crate[3][6];
  struct spec s, c;
  struct mb_compare_run base, cur;
  struct mb_compare_report rep;
  struct mb_compare_options opts;
  struct mb_error err;
  size_t i;

  rng_state = 7;
  for (i = 0; i < 3; i++)
    draw(hb[i], hr[i], rate[i], 6, 5.0 + (double)i, 2.0, 0.01, 0);
  /* current: point 0 = baseline's point 2 with a 30% drop in h_bytes; point
   * 2 = baseline's point 0 unchanged; point 1 is new. */
  draw(chb[0], chr[0], crate[0], 6, 7.0 * 0.7, 2.0, 0.01, 0);
  draw(chb[1], chr[1], crate[1], 6, 1.0, 2.0, 0.01, 0);
  draw(chb[2], chr[2], crate[2], 6, 5.0, 2.0, 0.01, 0);
  default_spec(&s, 6);
  s.n_points = 3;
  s.points = pb;
  c = s;
  c.points = pc;
  mb_compare_options_init(&opts);
  opts.min_entropy = 2.0;
  mb_error_init(&err);
  CHECK_EQ_INT(load(make_run(&s, &hb[0][0], &hr[0][0], &rate[0][0]), "b", &base),
               MB_OK);
  CHECK_EQ_INT(load(make_run(&c, &chb[0][0], &chr[0][0], &crate[0][0]), "c", &cur),
               MB_OK);
  CHECK_EQ_INT(mb_compare_runs(&base, &cur, &opts, &rep, &err), MB_OK);
  CHECK_EQ_INT(rep.n_rows, 4);
  if (rep.n_rows == 4) {
    CHECK_EQ_INT(rep.rows[0].num_ports, 1);
    CHECK_EQ_INT(rep.rows[0].verdict, MB_VERDICT_UNCHANGED);
    CHECK_NEAR(rep.rows[0].stat[MB_CMP_H_BYTES].base_median, 5.0, 0.05);
    CHECK_NEAR(rep.rows[0].stat[MB_CMP_H_BYTES].cur_median, 5.0, 0.05);
    CHECK_EQ_INT(rep.rows[1].verdict, MB_VERDICT_MISSING); /* 2/64/complex */
    CHECK(strstr(rep.rows[1].reason, "not in the current run") != NULL);
    CHECK_EQ_STR(rep.rows[2].mode, "simple");
    CHECK_EQ_INT(rep.rows[2].verdict, MB_VERDICT_REGRESSED);
    CHECK_NEAR(rep.rows[2].stat[MB_CMP_H_BYTES].change, -0.3, 0.01);
    CHECK_EQ_INT(rep.rows[3].num_ports, 9); /* new: only the floor applies */
    CHECK_EQ_INT(rep.rows[3].verdict, MB_VERDICT_REGRESSED);
    CHECK(strstr(rep.rows[3].reason, "below the floor") != NULL);
    CHECK_EQ_INT(rep.n_regressed, 2);
    CHECK_EQ_INT(mb_compare_status(&rep), MB_EREGRESSION);
  }
  mb_compare_report_cleanup(&rep);
  mb_compare_run_cleanup(&base);
  mb_compare_run_cleanup(&cur);
}

/* Placement is part of a point's configuration: a run from before the axis
 * (no "placement") matches "free", and another placement is another point. */
static void test_placement(void)
{
  double hb[6], hr[6], rate[6];
  struct spec s;
  struct mb_compare_run base, cur;
  struct mb_compare_report rep;
  struct mb_compare_options opts;
  struct mb_error err;
  const char *const placements[] = {"free", "split"};
  int k;

  rng_state = 11;
  draw(hb, hr, rate, 6, 5.0, 2.0, 0.01, 0);
  default_spec(&s, 6);
  for (k = 0; k < 2; k++) {
    json_t *doc = make_run(&s, hb, hr, rate);

    json_object_set_new(json_array_get(json_object_get(doc, "points"), 0), "placement",
                        json_string(placements[k]));
    mb_compare_options_init(&opts);
    mb_error_init(&err);
    CHECK_EQ_INT(load(make_run(&s, hb, hr, rate), "b", &base), MB_OK);
    CHECK_EQ_INT(load(doc, "c", &cur), MB_OK);
    CHECK_EQ_STR(base.points[0].placement, "free");
    CHECK_EQ_INT(mb_compare_runs(&base, &cur, &opts, &rep, &err), MB_OK);
    CHECK_EQ_INT(rep.n_rows, k == 0 ? 1 : 2);
    if (k == 0 && rep.n_rows == 1) {
      CHECK_EQ_INT(rep.rows[0].verdict, MB_VERDICT_UNCHANGED);
    } else if (k == 1 && rep.n_rows == 2) {
      CHECK_EQ_STR(rep.rows[0].placement, "free");
      CHECK_EQ_INT(rep.rows[0].verdict, MB_VERDICT_MISSING);
      CHECK_EQ_STR(rep.rows[1].placement, "split");
      CHECK_EQ_INT(rep.rows[1].verdict, MB_VERDICT_MISSING);
    }
    mb_compare_report_cleanup(&rep);
    mb_compare_run_cleanup(&base);
    mb_compare_run_cleanup(&cur);
  }
}

/* The runner writes null for a call it could not assess: such calls are
 * left out of that metric, with a warning; a point with no assessed h_bytes
 * at all cannot meet a floor. */
static void test_nulls(void)
{
  double hb[6] = {7, 7, 7, 7, 7, 7}, hr[6] = {3, 3, 3, 3, 3, 3};
  double rate[6] = {1, 1, 1, 1, 1, 1};
  struct spec s;
  struct mb_compare_run base, cur;
  struct mb_compare_report rep;
  struct mb_compare_options opts;
  struct mb_error err;
  json_t *doc, *calls;
  size_t i;

  default_spec(&s, 6);
  mb_compare_options_init(&opts);
  opts.min_entropy = 1;
  mb_error_init(&err);
  CHECK_EQ_INT(load(make_run(&s, hb, hr, rate), "b", &base), MB_OK);
  doc = make_run(&s, hb, hr, rate);
  calls = json_object_get(doc, "calls");
  json_object_set_new(json_object_get(json_array_get(calls, 2), "rate"), "bits_per_s",
                      json_null());
  for (i = 0; i < 6; i++)
    json_object_set_new(
        json_object_get(json_object_get(json_array_get(calls, i), "entropy"), "bytes"),
        "h_assessed", json_null());
  CHECK_EQ_INT(load(doc, "c", &cur), MB_OK);
  CHECK_EQ_INT(cur.points[0].count[MB_CMP_H_BYTES], 0);
  CHECK_EQ_INT(cur.points[0].count[MB_CMP_RATE], 5);
  CHECK_EQ_INT(cur.n_null[MB_CMP_RATE], 1);
  CHECK_EQ_INT(mb_compare_runs(&base, &cur, &opts, &rep, &err), MB_OK);
  CHECK_EQ_INT(rep.rows[0].stat[MB_CMP_RATE].n_cur, 5);
  CHECK_EQ_INT(rep.rows[0].verdict, MB_VERDICT_REGRESSED);
  CHECK(strstr(rep.rows[0].reason, "not assessed") != NULL);
  CHECK(rep.n_warnings >= 2 && strstr(rep.warnings[0], "entropy.bytes.h_assessed") &&
        strstr(rep.warnings[1], "rate.bits_per_s"));
  mb_compare_report_cleanup(&rep);
  mb_compare_run_cleanup(&base);
  mb_compare_run_cleanup(&cur);
}

static void test_bad_input(const char *tmp)
{
  struct mb_compare_run run;
  struct mb_error err;
  char path[512];
  FILE *f;
  json_t *doc;

  snprintf(path, sizeof(path), "%s/broken.json", tmp);
  f = fopen(path, "w");
  fputs("{\n  \"schema\": \"mebench-run/1\",\n  \"status\": }\n", f);
  fclose(f);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_compare_run_load(path, &run, &err), MB_EINVALID);
  CHECK_EQ_INT(err.line, 3);
  CHECK_EQ_STR(err.source, path);
  mb_compare_run_cleanup(&run);

  mb_error_init(&err);
  CHECK_EQ_INT(mb_compare_run_load(tmp, &run, &err), MB_EINVALID);
  CHECK(strstr(err.text, "no run.json") != NULL);
  mb_compare_run_cleanup(&run);

  mb_error_init(&err);
  doc = json_pack("{s:s}", "schema", "mebench-run/9");
  CHECK_EQ_INT(mb_compare_run_from_json(doc, "x.json", &run, &err), MB_EINVALID);
  CHECK_EQ_STR(err.path, "schema");
  mb_compare_run_cleanup(&run);

  {
    struct spec s;
    double hb[2] = {7, 7}, hr[2] = {3, 3}, rate[2] = {1, 1};

    default_spec(&s, 2);
    doc = make_run(&s, hb, hr, rate);
    json_object_del(
        json_object_get(
            json_object_get(json_array_get(json_object_get(doc, "calls"), 1),
                            "entropy"),
            "raw"),
        "h_assessed");
    mb_error_init(&err);
    CHECK_EQ_INT(mb_compare_run_from_json(doc, "x.json", &run, &err), MB_EINVALID);
    CHECK_EQ_STR(err.path, "calls[1].entropy.raw.h_assessed");
    mb_compare_run_cleanup(&run);
  }
}

/* Compare the writer's output on the fixtures with tests/data/compare/NAME;
 * MB_UPDATE_GOLDEN=1 rewrites the golden file instead. */
static void golden(const char *name,
                   int (*writer)(FILE *, const struct mb_compare_report *),
                   const struct mb_compare_report *rep)
{
  char *buf = NULL, *want;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len), *f;
  long n;

  CHECK_EQ_INT(writer(mem, rep), MB_OK);
  fclose(mem);
  if (getenv("MB_UPDATE_GOLDEN")) {
    f = fopen(name, "w");
    fwrite(buf, 1, len, f);
    fclose(f);
  }
  f = fopen(name, "rb");
  CHECK(f != NULL);
  if (!f) {
    free(buf);
    return;
  }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  want = calloc((size_t)n + 1, 1);
  CHECK_EQ_INT(fread(want, 1, (size_t)n, f), n);
  fclose(f);
  CHECK_EQ_INT(len, n);
  if (len != (size_t)n || memcmp(buf, want, len) != 0) {
    CHECK_EQ_STR(buf, want);
  } else {
    CHECK(1);
  }
  free(want);
  free(buf);
}

static void test_goldens(void)
{
  struct mb_compare_run base, cur;
  struct mb_compare_report rep;
  struct mb_compare_options opts;
  struct mb_error err;

  mb_compare_options_init(&opts);
  opts.min_entropy = 5.5;
  mb_error_init(&err);
  CHECK_EQ_INT(mb_compare_run_load("base", &base, &err), MB_OK);
  CHECK_EQ_INT(mb_compare_run_load("current/run.json", &cur, &err), MB_OK);
  CHECK_EQ_INT(mb_compare_runs(&base, &cur, &opts, &rep, &err), MB_OK);
  CHECK_EQ_INT(rep.n_regressed, 1);
  CHECK_EQ_INT(rep.n_improved, 1);
  CHECK_EQ_INT(rep.n_unchanged, 2);
  CHECK_EQ_INT(rep.n_missing, 2);
  golden("golden.txt", mb_compare_write_text, &rep);
  golden("golden.md", mb_compare_write_markdown, &rep);
  golden("golden.json", mb_compare_write_json, &rep);
  golden("golden.gab.json", mb_compare_write_gab, &rep);
  /* The gab file is the documented customBiggerIsBetter shape. */
  {
    json_error_t jerr;
    json_t *arr = json_load_file("golden.gab.json", 0, &jerr);
    size_t i;

    CHECK(json_is_array(arr));
    CHECK_EQ_INT(json_array_size(arr), 15); /* 5 current points x 3 metrics */
    for (i = 0; i < json_array_size(arr); i++) {
      json_t *e = json_array_get(arr, i);

      CHECK(json_is_string(json_object_get(e, "name")));
      CHECK(json_is_string(json_object_get(e, "unit")));
      CHECK(json_is_number(json_object_get(e, "value")));
      CHECK(json_is_string(json_object_get(e, "range")));
    }
    json_decref(arr);
  }
  mb_compare_report_cleanup(&rep);
  mb_compare_run_cleanup(&base);
  mb_compare_run_cleanup(&cur);
}

static void test_cli_and_baseline(const char *tmp)
{
  char out[600], path[600];
  struct mb_compare_run a, b;
  struct mb_compare_report rep;
  struct mb_compare_options opts;
  struct mb_error err;
  size_t i, m;

  snprintf(out, sizeof(out), "%s/gab.json", tmp);
  {
    const char *w[] = {"mebench", "compare", "base", "current", "--gab", out};
    CHECK_EQ_INT(mb_test_cli(w, 6), 5);
    CHECK_EQ_INT(access(out, R_OK), 0);
  }
  {
    const char *w[] = {"mebench", "compare", "base", "base/run.json", "--markdown"};
    CHECK_EQ_INT(mb_test_cli(w, 5), 0);
  }
  {
    const char *w[] = {"mebench", "compare", "base", "other_collector.json"};
    CHECK_EQ_INT(mb_test_cli(w, 4), 7);
  }
  {
    const char *w[] = {"mebench", "compare", "base", "current", "--max-drop", "0.3"};
    CHECK_EQ_INT(mb_test_cli(w, 6), 0); /* the 20% drop is within a 30% tolerance */
  }
  {
    const char *w[] = {"mebench", "compare", "base", "base", "--min-entropy", "7"};
    CHECK_EQ_INT(mb_test_cli(w, 6), 5);
  }
  {
    const char *w[] = {"mebench", "compare", "base"};
    CHECK_EQ_INT(mb_test_cli(w, 3), 2);
  }
  {
    const char *w[] = {"mebench", "compare", "base", "current", "--alpha", "2"};
    CHECK_EQ_INT(mb_test_cli(w, 6), 2);
  }
  {
    const char *w[] = {"mebench", "compare", "base", "nonexistent"};
    CHECK_EQ_INT(mb_test_cli(w, 4),
                 3); /* invalid input, like any command's missing file */
  }

  /* Baseline round trip: the baseline of a run compares equal to the run. */
  snprintf(path, sizeof(path), "%s/ci_smoke-test.json", tmp);
  {
    const char *w[] = {"mebench", "baseline", "base", "ci_smoke-test", "--dir", tmp};
    CHECK_EQ_INT(mb_test_cli(w, 6), 0);
    CHECK_EQ_INT(mb_test_cli(w, 6), 1); /* exists: refused */
  }
  {
    const char *w[] = {"mebench", "baseline", "base",   "ci_smoke-test",
                       "--dir",   tmp,        "--force"};
    CHECK_EQ_INT(mb_test_cli(w, 7), 0);
  }
  {
    const char *w[] = {"mebench", "baseline", "base", "../escape", "--dir", tmp};
    CHECK_EQ_INT(mb_test_cli(w, 6), 2);
  }
  {
    const char *w[] = {"mebench", "baseline", path, "again", "--dir", tmp};
    CHECK_EQ_INT(mb_test_cli(w, 6), 3); /* a baseline of a baseline */
  }
  /* Pooling: runs of one experiment file join, points matched by
   * configuration; another collector is refused. */
  {
    char pooled[600];
    const char *w[] = {"mebench", "baseline", "base", "current",
                       "pooled",  "--dir",    tmp};
    const char *bad_pool[] = {"mebench", "baseline", "base", "other_collector.json",
                              "nope",    "--dir",    tmp};

    CHECK_EQ_INT(mb_test_cli(w, 7), 0);
    CHECK_EQ_INT(mb_test_cli(bad_pool, 7), 7);
    snprintf(pooled, sizeof(pooled), "%s/pooled.json", tmp);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_compare_run_load(pooled, &a, &err), MB_OK);
    CHECK_EQ_INT(a.n_points, 6);
    if (a.n_points == 6) {
      CHECK_EQ_INT(a.points[1].num_ports, 4); /* 4/1024/complex: 6 + 6 calls */
      CHECK_EQ_INT(a.points[1].n, 12);
      CHECK_EQ_INT(a.points[3].n, 6);         /* only in base */
      CHECK_EQ_INT(a.points[5].num_ports, 8); /* only in current, appended */
      CHECK_EQ_INT(a.points[5].n, 6);
    }
    CHECK_EQ_INT(
        json_array_size(json_object_get(json_object_get(a.root, "baseline"), "from")),
        2);
    mb_compare_run_cleanup(&a);
  }
  mb_error_init(&err);
  CHECK_EQ_INT(mb_compare_run_load("base", &a, &err), MB_OK);
  CHECK_EQ_INT(mb_compare_run_load(path, &b, &err), MB_OK);
  CHECK_EQ_INT(b.is_baseline, 1);
  CHECK_EQ_STR(b.baseline_name, "ci_smoke-test");
  {
    json_t *calls = json_object_get(b.root, "calls");

    CHECK_EQ_INT(json_array_size(calls), 30);
    for (i = 0; i < json_array_size(calls); i++)
      CHECK(json_object_get(json_array_get(calls, i), "raw_file") == NULL);
    /* Per-estimator figures give way to the name of the minimum's estimator. */
    {
      json_t *bytes = json_object_get(
          json_object_get(json_array_get(calls, 0), "entropy"), "bytes");

      CHECK(json_is_number(json_object_get(bytes, "h_assessed")));
      CHECK(json_object_get(bytes, "literal") == NULL);
      CHECK_EQ_STR(json_string_value(
                       json_object_get(json_object_get(bytes, "min_by"), "literal")),
                   "mcv");
    }
  }
  CHECK_EQ_INT(a.n_points, b.n_points);
  for (i = 0; i < a.n_points && i < b.n_points; i++)
    for (m = 0; m < MB_CMP_METRIC_COUNT; m++)
      CHECK_EQ_MEM(a.points[i].values[m], b.points[i].values[m],
                   a.points[i].count[m] * sizeof(double));
  mb_compare_options_init(&opts);
  CHECK_EQ_INT(mb_compare_runs(&b, &a, &opts, &rep, &err), MB_OK);
  /* a baseline made from the run it is compared with: said, not hidden */
  CHECK_EQ_INT(rep.n_warnings, 1);
  CHECK(rep.n_warnings && strstr(rep.warnings[0], "the same data on both sides"));
  CHECK_EQ_INT(rep.n_unchanged, a.n_points);
  for (i = 0; i < rep.n_rows; i++)
    for (m = 0; m < MB_CMP_METRIC_COUNT; m++)
      CHECK_NEAR(rep.rows[i].stat[m].change, 0, 0);
  mb_compare_report_cleanup(&rep);
  mb_compare_run_cleanup(&a);
  mb_compare_run_cleanup(&b);
}

int main(void)
{
  char tmp[] = "/tmp/mb_compare_XXXXXX";

  if (chdir(MB_SOURCE_DIR "/tests/data/compare") != 0) {
    fprintf(stderr, "chdir: %s\n", strerror(errno));
    return 1;
  }
  if (!mkdtemp(tmp)) {
    fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  test_false_alarms();
  test_known_drops();
  test_mismatches();
  test_matching();
  test_placement();
  test_nulls();
  test_bad_input(tmp);
  test_goldens();
  test_cli_and_baseline(tmp);
  mb_test_rmtree(tmp);
  return CHECK_DONE();
}
