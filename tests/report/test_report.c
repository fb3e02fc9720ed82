/* test_report.c: the report of the fixture run against golden files, the
 * command's output placement and links, and every anomaly rule with its
 * negative control. MB_UPDATE_GOLDEN=1 rewrites the golden files. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "commands.h"
#include "findings.h"
#include "report.h"
#include "rundir.h"
#include "testutil.h"

#define DATA MB_SOURCE_DIR "/tests/data/report"

/* Report the fixture (loaded as "run" from tests/data/report, so the text
 * names no machine-specific path) and compare with the golden file. */
static void golden(enum mb_report_format format, const char *golden_name,
                   const char *tmp)
{
  struct mb_rundir rd;
  struct mb_report_options ro;
  struct mb_error err;
  char out[512], gold[512], *got, *want;
  FILE *f;

  snprintf(out, sizeof(out), "%s/%s", tmp, golden_name);
  snprintf(gold, sizeof(gold), DATA "/%s", golden_name);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rundir_load("run", &rd, &err), MB_OK);
  memset(&ro, 0, sizeof(ro));
  ro.format = format;
  ro.plots = "plots";
  f = fopen(getenv("MB_UPDATE_GOLDEN") ? gold : out, "w");
  CHECK(f != NULL);
  if (!f)
    return;
  CHECK_EQ_INT(mb_report_write(f, out, &rd, &ro, &err), MB_OK);
  fclose(f);
  mb_rundir_cleanup(&rd);
  if (getenv("MB_UPDATE_GOLDEN")) {
    printf("rewrote %s\n", gold);
    return;
  }
  got = mb_test_slurp(out, NULL);
  want = mb_test_slurp(gold, NULL);
  CHECK(want != NULL);
  if (got && want && strcmp(got, want) != 0) {
    char cmd[1200];

    snprintf(cmd, sizeof(cmd), "diff -u '%s' '%s' >&2", gold, out);
    if (system(cmd) < 0)
      fprintf(stderr, "(diff failed)\n");
  }
  CHECK(got && want && strcmp(got, want) == 0);
  free(got);
  free(want);
}

/* The command: default output beside the results, links relative to the
 * report's place, usage and input errors. */
static void command(const char *tmp)
{
  struct mb_error err;
  char outfile[512], arg[600], *text;
  int rc;

  snprintf(outfile, sizeof(outfile), "%s/sub/dir/r.md", tmp);
  snprintf(arg, sizeof(arg), "%s/sub", tmp);
  mkdir(arg, 0777);
  snprintf(arg, sizeof(arg), "%s/sub/dir", tmp);
  mkdir(arg, 0777);
  {
    char *argv[] = {(char *)(uintptr_t) "report", (char *)(uintptr_t) "run",
                    (char *)(uintptr_t) "--output", outfile, NULL};

    mb_error_init(&err);
    rc = mb_cmd_report(4, argv, &err);
    CHECK_EQ_INT(rc, MB_OK);
  }
  text = mb_test_slurp(outfile, NULL);
  /* from tmp/sub/dir to tests/data/report/run/plots */
  CHECK(text && strstr(text, "](../../../") &&
        strstr(text, "/tests/data/report/run/plots/entropy-num_ports.png)"));
  free(text);
  /* the figures were not drawn: the report says how to draw them */
  text = mb_test_slurp(outfile, NULL);
  CHECK(text && strstr(text, "Not drawn yet: `scripts/plot run`"));
  free(text);
  /* once scripts/plot has drawn them (its figures.tsv is there), the report
   * says so and links where --plots says */
  {
    char plots[600], tsv[700];
    FILE *f;

    snprintf(plots, sizeof(plots), "%s/figs", tmp);
    mkdir(plots, 0777);
    snprintf(tsv, sizeof(tsv), "%s/figs/data", tmp);
    mkdir(tsv, 0777);
    snprintf(tsv, sizeof(tsv), "%s/figs/data/figures.tsv", tmp);
    f = fopen(tsv, "w");
    if (f)
      fclose(f);
    {
      char *argv[] = {(char *)(uintptr_t) "report",
                      (char *)(uintptr_t) "run",
                      (char *)(uintptr_t) "--output",
                      outfile,
                      (char *)(uintptr_t) "--plots",
                      plots,
                      NULL};

      mb_error_init(&err);
      CHECK_EQ_INT(mb_cmd_report(6, argv, &err), MB_OK);
    }
    text = mb_test_slurp(outfile, NULL);
    CHECK(text && strstr(text, "Drawn by `scripts/plot`") &&
          strstr(text, "](../../figs/entropy-num_ports.png)"));
    free(text);
    text = NULL;
  }
  {
    char *argv[] = {(char *)(uintptr_t) "report", (char *)(uintptr_t) "run",
                    (char *)(uintptr_t) "--format", (char *)(uintptr_t) "html", NULL};

    mb_error_init(&err);
    CHECK_EQ_INT(mb_cmd_report(4, argv, &err), MB_EUSAGE);
    CHECK(strstr(err.text, "html") != NULL);
  }
  {
    char *argv[] = {(char *)(uintptr_t) "report", (char *)(uintptr_t) "run",
                    (char *)(uintptr_t) "--point", (char *)(uintptr_t) "9", NULL};

    mb_error_init(&err);
    CHECK_EQ_INT(mb_cmd_report(4, argv, &err), MB_EUSAGE);
    /* the range is read before the run is released */
    CHECK_EQ_STR(err.text,
                 "report: --point 9 does not exist (the run has points 0..3)");
  }
  { /* --output onto a file that is not a report (a slip: -o RUN/run.json)
     * leaves it alone; an older report is replaced */
    char keep[600], *argv[] = {(char *)(uintptr_t) "report", (char *)(uintptr_t) "run",
                               (char *)(uintptr_t) "--output", keep, NULL};
    FILE *f;

    snprintf(keep, sizeof(keep), "%s/keep.json", tmp);
    f = fopen(keep, "w");
    if (f) {
      fputs("{\"schema\": \"mebench-run/1\"}\n", f);
      fclose(f);
    }
    mb_error_init(&err);
    CHECK_EQ_INT(mb_cmd_report(4, argv, &err), MB_EEXISTS);
    text = mb_test_slurp(keep, NULL);
    CHECK(text && strcmp(text, "{\"schema\": \"mebench-run/1\"}\n") == 0);
    free(text);
    argv[3] = outfile; /* written above: a report */
    mb_error_init(&err);
    CHECK_EQ_INT(mb_cmd_report(4, argv, &err), MB_OK);
  }
  { /* "run/" is named "run" in the report, not "run/" */
    char got[600];
    const char *w[] = {"report", "run/", "--output", "-"};

    snprintf(got, sizeof(got), "%s/slash.md", tmp);
    CHECK_EQ_INT(mb_test_command(got, mb_cmd_report, 4, w, &err), MB_OK);
    text = mb_test_slurp(got, NULL);
    CHECK(text && strstr(text, "Results directory `run`:") != NULL);
    free(text);
  }
  { /* run.json itself instead of its folder: invalid input, not an I/O error */
    char *argv[] = {(char *)(uintptr_t) "report", (char *)(uintptr_t) "run/run.json",
                    NULL};

    mb_error_init(&err);
    CHECK_EQ_INT(mb_cmd_report(2, argv, &err), MB_EINVALID);
    CHECK(strstr(err.text, "expected a results directory") != NULL);
  }
  {
    char *argv[] = {(char *)(uintptr_t) "report", (char *)(uintptr_t) "..", NULL};

    mb_error_init(&err);
    CHECK_EQ_INT(mb_cmd_report(2, argv, &err), MB_EINVALID);
    CHECK(strstr(err.text, "holds no run.json") != NULL);
  }
}

/* --- anomaly rules on synthetic runs ------------------------------------------ */

struct synth {
  struct mb_rundir rd;
  struct mb_rundir_point pt[2];
};

static struct mb_spread sp(double med, double min, double max)
{
  struct mb_spread s;

  s.med = med;
  s.min = min;
  s.max = max;
  return s;
}

/* Two clean points, each 3 repetitions: no rule fires. */
static void synth_init(struct synth *s)
{
  size_t p;
  int e;

  memset(s, 0, sizeof(*s));
  s->rd.status = "complete";
  s->rd.error = "";
  s->rd.repetitions = 3;
  s->rd.n_calls = 6;
  s->rd.n_points = 2;
  s->rd.points = s->pt;
  s->rd.resolution_ns = 1;
  s->rd.tick_ns = 1;
  s->rd.axes[MB_AXIS_NUM_PORTS].n = 2;
  s->rd.axes[MB_AXIS_NUM_PORTS].values[0] = 4;
  s->rd.axes[MB_AXIS_NUM_PORTS].values[1] = 8;
  for (p = 0; p < 2; p++) {
    struct mb_rundir_point *pt = &s->pt[p];

    pt->index = p;
    pt->config.num_ports = p ? 8 : 4;
    pt->config.ool_size = 4096;
    pt->n_calls = 3;
    pt->quantum_ns = 1;
    pt->mad_ns = 50;
    pt->h_bytes = sp(6.0, 5.9, 6.3);
    pt->ns_per_op = sp(1000, 950, 1100);
    for (e = 0; e < MB_EST_COUNT; e++)
      pt->est_bytes[e] = sp(6.0 + 0.1 * e, 6.0, 7.0);
  }
}

static size_t count(const struct synth *s, enum mb_anomaly_kind kind, size_t *point,
                    char *text, size_t n)
{
  struct mb_anomaly *a;
  size_t na, i, c = 0;

  if (mb_report_anomalies(&s->rd, &a, &na) != MB_OK)
    return 999;
  for (i = 0; i < na; i++)
    if (a[i].kind == kind) {
      c++;
      if (point)
        *point = a[i].point;
      if (text)
        snprintf(text, n, "%s", a[i].text);
    }
  free(a);
  return c;
}

static size_t total(const struct synth *s)
{
  struct mb_anomaly *a;
  size_t na;

  if (mb_report_anomalies(&s->rd, &a, &na) != MB_OK)
    return 999;
  free(a);
  return na;
}

static void rules(void)
{
  struct synth s;
  size_t p = 99;
  char text[640];
  int e;

  synth_init(&s);
  CHECK_EQ_INT(total(&s), 0); /* negative control */

  s.rd.status = "interrupted";
  s.rd.n_calls = 4;
  s.pt[1].n_calls = 1;
  CHECK_EQ_INT(count(&s, MB_ANOMALY_STATUS, &p, text, sizeof(text)), 1);
  CHECK(p == SIZE_MAX && strstr(text, "4 of 6 planned calls were measured."));
  s.rd.status = "failed";
  s.rd.error = "raw/p1-r0.mbr: No space left on device";
  CHECK_EQ_INT(count(&s, MB_ANOMALY_STATUS, &p, text, sizeof(text)), 1);
  CHECK(strstr(text, "**failed**") &&
        strstr(text, "(error: raw/p1-r0.mbr: No space left"));
  CHECK_EQ_INT(count(&s, MB_ANOMALY_MISSING, &p, NULL, 0), 1);
  CHECK_EQ_INT(p, 1);

  synth_init(&s);
  s.pt[0].timeouts = 5;
  s.pt[0].timeout_calls = 2;
  CHECK_EQ_INT(count(&s, MB_ANOMALY_TIMEOUTS, &p, text, sizeof(text)), 1);
  CHECK(p == 0 && strstr(text, "5 timed operations timed out, in 2 of 3 calls"));
  synth_init(&s);
  s.pt[1].failures = 1;
  s.pt[1].failure_calls = 1;
  CHECK_EQ_INT(count(&s, MB_ANOMALY_FAILURES, &p, NULL, 0), 1);
  synth_init(&s);
  s.pt[1].fallbacks = 3;
  CHECK_EQ_INT(count(&s, MB_ANOMALY_FALLBACK, &p, NULL, 0), 1);

  /* coarse timer: MAD of one step fires (so does 0); a bit more does not */
  synth_init(&s);
  s.pt[0].quantum_ns = 41.6667;
  s.pt[0].mad_ns = 41.6667;
  CHECK_EQ_INT(count(&s, MB_ANOMALY_COARSE_TICK, &p, text, sizeof(text)), 1);
  CHECK(p == 0 && strstr(text, "41.7 ns"));
  s.pt[0].mad_ns = 0;
  CHECK_EQ_INT(count(&s, MB_ANOMALY_COARSE_TICK, NULL, NULL, 0), 1);
  s.pt[0].mad_ns = 1.1 * 41.6667;
  CHECK_EQ_INT(count(&s, MB_ANOMALY_COARSE_TICK, NULL, NULL, 0), 0);
  synth_init(&s);
  s.rd.resolution_ns = 100; /* the clock's own step counts too */
  CHECK_EQ_INT(count(&s, MB_ANOMALY_COARSE_TICK, NULL, NULL, 0), 2);

  /* estimators: lowest under half the highest */
  synth_init(&s);
  s.pt[1].est_bytes[MB_EST_LZ78Y].med = 7.0;
  s.pt[1].est_bytes[MB_EST_MCV].med = 3.4;
  CHECK_EQ_INT(count(&s, MB_ANOMALY_ESTIMATORS, &p, text, sizeof(text)), 1);
  CHECK(p == 1 && strstr(text, "mcv gives 3.40") && strstr(text, "lz78y 7.00"));
  s.pt[1].est_bytes[MB_EST_MCV].med = 3.6;
  CHECK_EQ_INT(count(&s, MB_ANOMALY_ESTIMATORS, NULL, NULL, 0), 0);
  for (e = 0; e < MB_EST_COUNT; e++) /* no estimator ran: no claim */
    s.pt[1].est_bytes[e].med = NAN;
  CHECK_EQ_INT(total(&s), 0);

  /* repetitions on entropy: range must exceed 0.5 bits and 10% of median */
  synth_init(&s);
  s.pt[0].h_bytes = sp(6.0, 5.6, 6.7); /* 1.1 > 0.6 */
  CHECK_EQ_INT(count(&s, MB_ANOMALY_REPS_ENTROPY, &p, NULL, 0), 1);
  s.pt[0].h_bytes = sp(6.0, 5.7, 6.25); /* 0.55 < 0.6 */
  CHECK_EQ_INT(count(&s, MB_ANOMALY_REPS_ENTROPY, NULL, NULL, 0), 0);
  s.pt[0].h_bytes = sp(2.0, 1.8, 2.4); /* 0.6 > 0.2 but not > 0.5 bits? it is */
  CHECK_EQ_INT(count(&s, MB_ANOMALY_REPS_ENTROPY, NULL, NULL, 0), 1);
  s.pt[0].h_bytes = sp(2.0, 1.8, 2.25); /* 0.45 <= 0.5 */
  CHECK_EQ_INT(count(&s, MB_ANOMALY_REPS_ENTROPY, NULL, NULL, 0), 0);
  s.pt[0].n_calls = 1; /* one repetition cannot disagree */
  s.pt[0].h_bytes = sp(6.0, 1.0, 7.0);
  CHECK_EQ_INT(count(&s, MB_ANOMALY_REPS_ENTROPY, NULL, NULL, 0), 0);

  /* repetitions on time: range over 25% of the median */
  synth_init(&s);
  s.pt[1].ns_per_op = sp(1000, 900, 1300);
  CHECK_EQ_INT(count(&s, MB_ANOMALY_REPS_TIME, &p, text, sizeof(text)), 1);
  CHECK(p == 1 && strstr(text, "40%"));
  s.pt[1].ns_per_op = sp(1000, 900, 1150);
  CHECK_EQ_INT(count(&s, MB_ANOMALY_REPS_TIME, NULL, NULL, 0), 0);
  /* times of 10 us and more read as whole ns, not 1.302e+04 */
  s.pt[1].ns_per_op = sp(12000, 9876.4, 13020);
  CHECK_EQ_INT(count(&s, MB_ANOMALY_REPS_TIME, NULL, NULL, 0), 1);
  count(&s, MB_ANOMALY_REPS_TIME, NULL, text, sizeof(text));
  CHECK(strstr(text, "from 9876 to 13020 ns") != NULL);
}

/* Set the literal estimate of estimator key in a call's bytes assessment
 * (and drop the bitstring, so the literal value is the effective one). */
static void set_est(json_t *call, const char *key, double h)
{
  json_t *b = json_object_get(json_object_get(call, "entropy"), "bytes");

  json_object_set_new(json_object_get(b, "literal"), key, json_pack("{s:f}", "h", h));
  json_object_set_new(b, "bitstring", json_object());
}

/* The fixture changed in memory and reloaded: the binding estimator counts
 * calls, not medians; recorded conditions are read generically, enter the
 * decomposition and name a cause of disagreeing repetitions; the halves give
 * the estimator noise; the JSON report carries it all. */
static void derived(const char *tmp)
{
  static const char *const keys[] = {
      "mcv", "collision", "markov", "compression", "t_tuple",
      "lrs", "multi_mcw", "lag",    "multi_mmc",   "lz78y"};
  json_error_t jerr;
  json_t *root = json_load_file("run/run.json", 0, &jerr), *calls, *extra;
  struct mb_rundir rd;
  struct mb_findings fd;
  struct mb_error err;
  struct mb_anomaly *an = NULL;
  size_t i, k, na = 0, found = 0;
  char dir[512], path[600], *text;
  /* point 0: the three calls' (mcv, lrs, lag, multi_mmc): each of mcv, lrs
   * and lag is the lowest once; multi_mmc has the lowest median (2) but is
   * never the lowest: the old rule named it, "0 of 3". */
  static const double est[3][4] = {
      {1, 7.5, 7.5, 2}, {7.5, 1, 7.5, 2}, {7.5, 7.5, 1, 2}};
  static const double h0[4] = {2, 4, 6, 5.5}, nvcsw[4] = {100, 50, 10, 20};

  CHECK(root != NULL);
  if (!root)
    return;
  calls = json_object_get(root, "calls");
  for (i = 0; i < json_array_size(calls); i++) {
    json_t *c = json_array_get(calls, i);

    json_object_set_new(c, "conditions",
                        json_pack("{s:{s:f,s:i},s:f,s:n}", "timing_thread", "nvcsw",
                                  (double)(i * 7 % 5), "cpus", 1, "load_before",
                                  0.5 + 0.1 * (double)i, "cpu_mhz"));
    json_object_set_new(json_object_get(c, "entropy"), "bytes_halves",
                        json_pack("[f,f]", 3.0 + 0.1 * (double)(i % 3), 3.2));
  }
  /* a fourth call at point 0, so a condition can follow its h_bytes */
  extra = json_deep_copy(json_array_get(calls, 0));
  json_object_set_new(extra, "repetition", json_integer(3));
  json_array_append_new(calls, extra);
  json_object_set_new(json_object_get(root, "experiment"), "repetitions",
                      json_integer(4));
  for (i = 0, k = 0; i < json_array_size(calls); i++) {
    json_t *c = json_array_get(calls, i);
    size_t e;

    if (json_integer_value(json_object_get(c, "point")) != 0)
      continue;
    for (e = 0; e < sizeof(keys) / sizeof(keys[0]); e++)
      set_est(c, keys[e], 8);
    set_est(c, "mcv", est[k % 3][0]);
    set_est(c, "lrs", est[k % 3][1]);
    set_est(c, "lag", est[k % 3][2]);
    set_est(c, "multi_mmc", est[k % 3][3]);
    json_object_set_new(json_object_get(json_object_get(c, "entropy"), "bytes"),
                        "h_assessed", json_real(h0[k]));
    json_object_set_new(json_object_get(c, "conditions"), "timing_thread",
                        json_pack("{s:f,s:i}", "nvcsw", nvcsw[k], "cpus", 1));
    k++;
  }
  snprintf(dir, sizeof(dir), "%s/derived", tmp);
  CHECK(mkdir(dir, 0777) == 0);
  snprintf(path, sizeof(path), "%s/run.json", dir);
  CHECK(json_dump_file(root, path, JSON_INDENT(1)) == 0);
  json_decref(root);

  mb_error_init(&err);
  if (mb_rundir_load(dir, &rd, &err) != MB_OK) {
    CHECK(!"the derived run loads");
    fprintf(stderr, "%s: %s: %s\n", err.source, err.path, err.text);
    mb_rundir_cleanup(&rd);
    return;
  }
  /* 4 calls: mcv lowest in the first and the fourth (a copy of the first) */
  CHECK_EQ_STR(mb_rundir_est_key(rd.points[0].bind_bytes), "mcv");
  CHECK_EQ_INT(rd.points[0].bind_count, 2);
  /* generic conditions: numeric leaves, flattened; null and constant left
   * out of the model, but named */
  CHECK_EQ_INT(rd.n_cond, 3);
  CHECK_EQ_STR(rd.cond_names[0], "timing_thread.nvcsw");
  CHECK_EQ_STR(rd.cond_names[1], "timing_thread.cpus");
  CHECK_EQ_STR(rd.cond_names[2], "load_before");
  CHECK_EQ_INT(mb_findings_n_conditions(&rd), 4);
  CHECK_EQ_STR(mb_findings_condition_name(&rd, 0), "waited_share");
  /* rounds: the repetition, except for a shuffled order: the stretch of
   * n_points calls of the schedule the call ran in */
  CHECK_EQ_INT(mb_findings_round(&rd, &rd.calls[5]), rd.calls[5].repetition);
  {
    const char *order = rd.order;
    struct mb_rundir_call c = rd.calls[0];

    rd.order = "shuffled";
    c.sequence = 9;
    CHECK_EQ_INT(mb_findings_round(&rd, &c), 2); /* 9 / 4 points */
    rd.order = order;
  }
  CHECK_EQ_INT(mb_findings_compute(&rd, &fd, &err), MB_OK);
  {
    const struct mb_metric_findings *mf = &fd.m[MB_METRIC_H_BYTES];
    double sum = mf->residual.share;

    CHECK(mf->ok);
    CHECK_EQ_INT(mf->n, 13);
    for (i = 0; i < mf->n_terms; i++) {
      sum += mf->terms[i].seq.share;
      /* constant conditions (waited_share 0, cpus 1) do not enter */
      CHECK(strcmp(mf->terms[i].name, "waited_share") != 0 &&
            strcmp(mf->terms[i].name, "timing_thread.cpus") != 0);
      if (strcmp(mf->terms[i].name, "timing_thread.nvcsw") == 0)
        found++;
    }
    CHECK_EQ_INT(found, 1);
    CHECK_NEAR(sum, 1, 1e-9);
    /* halves: differences 0.2, 0.1, 0 over 13 calls -> mean square / 4 */
    CHECK_EQ_INT(mf->noise_n, 13);
    CHECK(mf->noise_var > 0 && mf->noise_var < 0.01);
  }
  CHECK(fd.n_effects == 6);
  mb_findings_cleanup(&fd);
  /* One point's calls only: every call is a round of its own, so the
   * round is left out instead of taking all the variance. */
  {
    struct mb_rundir_call *all = rd.calls, one[64];
    size_t n_all = rd.n_calls, n = 0, t;
    int rounds = 0;

    for (i = 0; i < n_all && n < 64; i++)
      if (all[i].point == 0)
        one[n++] = all[i];
    CHECK(n >= 3);
    rd.calls = one;
    rd.n_calls = n;
    CHECK_EQ_INT(mb_findings_compute(&rd, &fd, &err), MB_OK);
    CHECK(fd.m[MB_METRIC_H_BYTES].ok);
    CHECK(fd.m[MB_METRIC_H_BYTES].round_left_out);
    for (t = 0; t < fd.m[MB_METRIC_H_BYTES].n_terms; t++)
      rounds += fd.m[MB_METRIC_H_BYTES].terms[t].group == MB_TERM_ROUND;
    CHECK_EQ_INT(rounds, 0);
    CHECK(fd.m[MB_METRIC_H_BYTES].residual.df > 0);
    mb_findings_cleanup(&fd);
    rd.calls = all;
    rd.n_calls = n_all;
  }
  CHECK_EQ_INT(mb_report_anomalies(&rd, &an, &na), MB_OK);
  for (i = 0, found = 0; i < na; i++)
    if (an[i].kind == MB_ANOMALY_REPS_ENTROPY && an[i].point == 0) {
      found++;
      CHECK(strstr(an[i].text, "Likely cause: the calls' `timing_thread.nvcsw`") !=
            NULL);
      CHECK(strstr(an[i].text, "the lower the min-entropy") != NULL);
    }
  CHECK_EQ_INT(found, 1);
  free(an);
  mb_rundir_cleanup(&rd);

  /* the command: Markdown opens with the conclusions; --json parses */
  {
    const char *md[] = {"mebench", "report", "-o", NULL, NULL};
    const char *js[] = {"mebench", "report", "--json", "-o", NULL, NULL};
    char out_md[600], out_js[600];
    json_t *j;

    snprintf(out_md, sizeof(out_md), "%s/r.md", tmp);
    snprintf(out_js, sizeof(out_js), "%s/r.json", tmp);
    md[3] = out_md;
    md[4] = dir;
    js[4] = out_js;
    js[5] = dir;
    CHECK_EQ_INT(mb_test_cli(md, 5), 0);
    text = mb_test_slurp(out_md, NULL);
    CHECK(text && strstr(text, "\n## Conclusions\n") &&
          strstr(text, "\n## Conclusions\n") < strstr(text, "## Machine"));
    CHECK(text && strstr(text, "| condition timing_thread.nvcsw |"));
    CHECK(text && strstr(text, "| point | waited_share | timing_thread.nvcsw |"));
    CHECK(text && strstr(text, "mcv (2/4)"));
    free(text);
    CHECK_EQ_INT(mb_test_cli(js, 6), 0);
    j = json_load_file(out_js, 0, &jerr);
    CHECK(j != NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(j, "schema")), "mebench-report/1");
    CHECK(json_array_size(json_object_get(j, "effects")) == 6);
    CHECK(json_is_object(json_object_get(
        json_array_get(json_object_get(j, "decomposition"), 0), "estimator_noise")));
    /* a JSON report is replaced by the next one */
    CHECK_EQ_INT(mb_test_cli(js, 6), 0);
    json_decref(j);
  }
}

int main(void)
{
  char tmp[] = "/tmp/mb-report-XXXXXX";

  if (!mkdtemp(tmp))
    MB_SKIP("cannot make a temporary directory");
  if (chdir(DATA) != 0)
    MB_SKIP("cannot enter %s", DATA);
  golden(MB_REPORT_MARKDOWN, "expected-report.md", tmp);
  golden(MB_REPORT_LATEX, "expected-report.tex", tmp);
  command(tmp);
  rules();
  derived(tmp);
  mb_test_rmtree(tmp);
  return CHECK_DONE();
}
