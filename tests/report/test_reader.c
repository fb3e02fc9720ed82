/* test_reader.c: every reader of run.json is as strict as the strictest.
 * Each case edits the report fixture's run.json in one place; the readers
 * of report/plotdata (mb_rundir_load), resume (mb_results_load_run) and
 * compare/baseline (mb_compare_run_load) must all refuse it as invalid
 * input naming the same JSON path. Then compare's own verdicts on lax
 * input: nothing compared (exit 8) and the same data on both sides (a
 * warning). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "compare.h"
#include "report.h"
#include "results.h"
#include "rundir.h"
#include "testutil.h"

#define FIXTURE MB_SOURCE_DIR "/tests/data/report/run/run.json"

/* A valid health entry of point 0 but for the values given. */
#define HEALTH_ENTRY(rct, apt_fired, flagged)                                          \
  "{\"point\": 0, \"h\": 2.5, \"alpha\": 0.001, \"rct_cutoff\": " rct                  \
  ", \"apt_cutoff\": 300, \"apt_window\": 1024, \"samples\": 1000, \"rct_fired\": 0, " \
  "\"apt_fired\": " apt_fired ", \"apt_windows\": 1, \"rct_expected\": 0.001, "        \
  "\"apt_expected\": 0.001, \"flagged\": " flagged "}"

/* name, the JSON path edited, its new value (JSON text; "-" deletes it;
 * "@PATH" copies the value at PATH), the JSON path the readers must name. */
static const struct edit {
  const char *name, *at, *value, *error_path;
} cases[] = {
    {"clock_missing", "clock", "-", "clock"},
    /* the health tests (run.json "health") and a call's IID track */
    {"health_not_array", "health", "{}", "health"},
    {"health_rct_string", "health", "[" HEALTH_ENTRY("\"x\"", "0", "false") "]",
     "health[0].rct_cutoff"},
    {"health_fired_negative", "health", "[" HEALTH_ENTRY("4", "-5", "false") "]",
     "health[0].apt_fired"},
    {"health_flagged_text", "health", "[" HEALTH_ENTRY("4", "0", "\"yes\"") "]",
     "health[0].flagged"},
    {"health_point_twice", "health",
     "[" HEALTH_ENTRY("4", "0", "false") ", " HEALTH_ENTRY("4", "0", "false") "]",
     "health[1].point"},
    {"raw_iid_maybe", "calls[0].entropy.raw_iid",
     "{\"iid\": \"maybe\", \"h_assessed\": 1}", "calls[0].entropy.raw_iid.iid"},
    {"tick_den_zero", "clock.tick_den", "0", "clock.tick_den"},
    {"tick_den_string", "clock.tick_den", "\"1\"", "clock.tick_den"},
    {"tick_num_fraction", "clock.tick_num", "1.5", "clock.tick_num"},
    {"clock_name_missing", "clock.name", "-", "clock.name"},
    {"h_bytes_huge", "calls[0].entropy.bytes.h_assessed", "1e308",
     "calls[0].entropy.bytes.h_assessed"},
    {"h_bytes_negative", "calls[2].entropy.bytes.h_assessed", "-3",
     "calls[2].entropy.bytes.h_assessed"},
    {"h_bytes_above_8", "calls[0].entropy.bytes.h_assessed", "8.5",
     "calls[0].entropy.bytes.h_assessed"},
    {"h_raw_above_width", "calls[1].entropy.raw.h_assessed", "8.01",
     "calls[1].entropy.raw.h_assessed"},
    {"h_string", "calls[0].entropy.raw.h_assessed", "\"7\"",
     "calls[0].entropy.raw.h_assessed"},
    {"estimator_h_above", "calls[0].entropy.bytes.literal.mcv.h", "9",
     "calls[0].entropy.bytes.literal.mcv.h"},
    {"rate_negative", "calls[0].rate.bits_per_s", "-1", "calls[0].rate.bits_per_s"},
    {"call_duplicated", "calls[1]", "@calls[0]", "calls[1]"},
    {"calls_empty_complete", "calls", "[]", "calls"},
    {"repetition_out_of_range", "calls[2].repetition", "3", "calls[2].repetition"},
    {"point_out_of_range", "calls[2].point", "4", "calls[2].point"},
    {"repetitions_exponent", "experiment.repetitions", "1e12",
     "experiment.repetitions"},
    {"repetitions_huge", "experiment.repetitions", "1000000000000",
     "experiment.repetitions"},
    {"samples_zero", "experiment.samples", "0", "experiment.samples"},
    {"raw_bits_nine", "experiment.raw_bits", "9", "experiment.raw_bits"},
    {"point_twice", "points[1].num_ports", "2", "points[1]"},
    {"point_index", "points[2].index", "7", "points[2].index"},
    {"status_unknown", "status", "\"done\"", "status"},
};

/* The value at a path such as "calls[2].entropy.raw" (borrowed), with its
 * parent and last key or index when want_parent. */
static json_t *walk(json_t *doc, const char *path, json_t **parent, char *key,
                    size_t *index)
{
  json_t *v = doc, *up = NULL;
  const char *p = path;

  while (*p && v) {
    if (*p == '.')
      p++;
    up = v;
    if (*p == '[') {
      char *end;

      *index = (size_t)strtoul(p + 1, &end, 10);
      p = end + 1; /* past ']' */
      key[0] = '\0';
      v = json_array_get(v, *index);
    } else {
      size_t n = strcspn(p, ".[");

      memcpy(key, p, n);
      key[n] = '\0';
      p += n;
      v = json_object_get(v, key);
    }
  }
  if (parent)
    *parent = up;
  return v;
}

static int apply(json_t *doc, const struct edit *e)
{
  json_t *parent, *value;
  char key[128];
  size_t index = 0;
  json_error_t jerr;

  walk(doc, e->at, &parent, key, &index);
  if (!parent)
    return -1;
  if (strcmp(e->value, "-") == 0)
    return key[0] ? json_object_del(parent, key) : json_array_remove(parent, index);
  if (e->value[0] == '@') {
    char k2[128];
    size_t i2;

    value = json_deep_copy(walk(doc, e->value + 1, NULL, k2, &i2));
  } else {
    value = json_loads(e->value, JSON_DECODE_ANY, &jerr);
  }
  if (!value)
    return -1;
  return key[0] ? json_object_set_new(parent, key, value)
                : json_array_set_new(parent, index, value);
}

static void reader_cases(const char *tmp)
{
  json_error_t jerr;
  size_t i;

  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const struct edit *e = &cases[i];
    json_t *doc = json_load_file(FIXTURE, 0, &jerr), *run = NULL;
    char dir[600], path[700];
    struct mb_rundir rd;
    struct mb_compare_run cr;
    struct mb_error err;

    snprintf(dir, sizeof(dir), "%s/%s", tmp, e->name);
    snprintf(path, sizeof(path), "%s/run.json", dir);
    mkdir(dir, 0755);
    if (!doc || apply(doc, e) != 0 || json_dump_file(doc, path, JSON_INDENT(1)) != 0) {
      CHECK(!"cannot make the case");
      fprintf(stderr, "case %s\n", e->name);
      json_decref(doc);
      continue;
    }
    json_decref(doc);
    fprintf(stderr, "case %s\n", e->name);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_rundir_load(dir, &rd, &err), MB_EINVALID);
    CHECK_EQ_STR(err.path, e->error_path);
    mb_rundir_cleanup(&rd);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_results_load_run(dir, &run, &err), MB_EINVALID);
    CHECK_EQ_STR(err.path, e->error_path);
    json_decref(run);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_compare_run_load(dir, &cr, &err), MB_EINVALID);
    CHECK_EQ_STR(err.path, e->error_path);
    mb_compare_run_cleanup(&cr);
    { /* the commands: invalid input, exit 3 */
      const char *cmp[] = {"mebench", "compare", FIXTURE, dir};
      const char *bl[] = {"mebench", "baseline", "--dir", tmp, dir, "b"};
      const char *pd[] = {"mebench", "plotdata", dir, path};

      snprintf(path, sizeof(path), "%s/plots", dir);
      CHECK_EQ_INT(mb_test_cli(cmp, 4), 3);
      CHECK_EQ_INT(mb_test_cli(bl, 6), 3);
      CHECK_EQ_INT(mb_test_cli(pd, 4), 3);
    }
  }
}

/* compare: no point in common is exit 8; the same run on both sides, or a
 * baseline made from the current run, is said. */
static void compare_cases(const char *tmp)
{
  json_error_t jerr;
  json_t *doc = json_load_file(FIXTURE, 0, &jerr);
  char dir[600], path[700], bl[700];
  struct mb_compare_run a, b;
  struct mb_compare_report rep;
  struct mb_compare_options opts;
  struct mb_error err;
  size_t i, k;
  int same = 0;

  /* the same run moved to other configurations: nothing in common */
  for (i = 0; doc && i < json_array_size(json_object_get(doc, "points")); i++)
    json_object_set_new(json_array_get(json_object_get(doc, "points"), i), "ool_size",
                        json_integer(1000 + (json_int_t)i));
  snprintf(dir, sizeof(dir), "%s/elsewhere", tmp);
  snprintf(path, sizeof(path), "%s/run.json", dir);
  mkdir(dir, 0755);
  CHECK(doc && json_dump_file(doc, path, JSON_INDENT(1)) == 0);
  json_decref(doc);
  {
    const char *w[] = {"mebench", "compare", FIXTURE, dir};

    CHECK_EQ_INT(mb_test_cli(w, 4), 8);
  }
  /* the same data on both sides */
  mb_compare_options_init(&opts);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_compare_run_load(FIXTURE, &a, &err), MB_OK);
  CHECK_EQ_INT(mb_compare_run_load(MB_SOURCE_DIR "/tests/data/report/run", &b, &err),
               MB_OK);
  CHECK_EQ_INT(mb_compare_runs(&a, &b, &opts, &rep, &err), MB_OK);
  for (k = 0; k < rep.n_warnings; k++)
    same |= strstr(rep.warnings[k], "the same data") != NULL;
  CHECK(same);
  mb_compare_report_cleanup(&rep);
  mb_compare_run_cleanup(&b);
  /* a baseline made of the current run */
  {
    const char *w[] = {"mebench", "baseline", "--dir", tmp, FIXTURE, "self"};

    CHECK_EQ_INT(mb_test_cli(w, 6), 0);
  }
  snprintf(bl, sizeof(bl), "%s/self.json", tmp);
  CHECK_EQ_INT(mb_compare_run_load(bl, &b, &err), MB_OK);
  CHECK_EQ_INT(mb_compare_runs(&b, &a, &opts, &rep, &err), MB_OK);
  same = 0;
  for (k = 0; k < rep.n_warnings; k++)
    same |= strstr(rep.warnings[k], "the same data") != NULL;
  CHECK(same);
  mb_compare_report_cleanup(&rep);
  mb_compare_run_cleanup(&b);
  mb_compare_run_cleanup(&a);
  {
    const char *w[] = {"mebench", "compare", "-", "-"};

    CHECK_EQ_INT(mb_test_cli(w, 4), 2); /* stdin cannot be read twice */
  }
}

/* A symbolic link loop as RESULTS_DIR is invalid input (exit 3) for every
 * command that reads results; report --point N's hint names --point N. */
static void small_cases(const char *tmp)
{
  char loop[600], out[700];
  const char *run = MB_SOURCE_DIR "/tests/data/report/run";
  char *text;

  snprintf(loop, sizeof(loop), "%s/loop", tmp);
  CHECK(symlink("loop", loop) == 0);
  {
    const char *rep[] = {"mebench", "report", loop};
    const char *pd[] = {"mebench", "plotdata", loop, out};
    const char *res[] = {"mebench", "run", "--resume", loop};
    const char *cmp[] = {"mebench", "compare", loop, run};
    const char *bl[] = {"mebench", "baseline", "--dir", tmp, loop, "x"};

    snprintf(out, sizeof(out), "%s/loop-plots", tmp);
    CHECK_EQ_INT(mb_test_cli(rep, 3), 3);
    CHECK_EQ_INT(mb_test_cli(pd, 4), 3);
    CHECK_EQ_INT(mb_test_cli(res, 4), 3);
    CHECK_EQ_INT(mb_test_cli(cmp, 4), 3);
    CHECK_EQ_INT(mb_test_cli(bl, 6), 3);
  }
  {
    const char *rep[] = {"mebench", "report", "--point", "2", "-o", out, run};

    snprintf(out, sizeof(out), "%s/point2.md", tmp);
    CHECK_EQ_INT(mb_test_cli(rep, 7), 0);
    text = mb_test_slurp(out, NULL);
    CHECK(text && strstr(text, "run --point 2` draws them") != NULL);
    free(text);
  }
}

/* A valid health entry (flagged) and a call's IID track are read (and
 * the flagged point is an anomaly); the report shows them. */
static void health_cases(const char *tmp)
{
  static const struct edit flag = {"health_ok", "health",
                                   "[" HEALTH_ENTRY("4", "12", "true") "]", NULL};
  static const struct edit iid = {"iid_ok", "calls[0].entropy.raw_iid",
                                  "{\"iid\": true, \"h_assessed\": 1.5}", NULL};
  json_error_t jerr;
  json_t *doc = json_load_file(FIXTURE, 0, &jerr);
  char dir[600], path[700];
  struct mb_rundir rd;
  struct mb_anomaly *an = NULL;
  struct mb_error err;
  size_t n = 0, i, health = 0;

  snprintf(dir, sizeof(dir), "%s/health_ok", tmp);
  snprintf(path, sizeof(path), "%s/run.json", dir);
  mkdir(dir, 0755);
  CHECK(doc && apply(doc, &flag) == 0 && apply(doc, &iid) == 0 &&
        json_dump_file(doc, path, JSON_INDENT(1)) == 0);
  json_decref(doc);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_rundir_load(dir, &rd, &err), MB_OK);
  CHECK_EQ_INT(rd.points[0].health.present, 1);
  CHECK_EQ_INT(rd.points[0].health.flagged, 1);
  CHECK_EQ_INT((int)rd.points[0].health.apt_fired, 12);
  CHECK_EQ_INT(rd.points[0].iid_tested, 1);
  CHECK_EQ_INT(rd.points[0].iid_passed, 1);
  CHECK_EQ_INT(rd.n_points > 1 ? rd.points[1].health.present : 0, 0);
  CHECK_EQ_INT(mb_report_anomalies(&rd, &an, &n), MB_OK);
  for (i = 0; i < n; i++)
    if (an[i].kind == MB_ANOMALY_HEALTH) {
      health++;
      CHECK_EQ_INT((int)an[i].point, 0);
      CHECK(strstr(an[i].text, "APT 12 times") != NULL);
    }
  CHECK_EQ_INT((int)health, 1);
  free(an);
  mb_rundir_cleanup(&rd);
}

int main(void)
{
  char tmp[] = "/tmp/mb_reader_XXXXXX";

  if (!mkdtemp(tmp)) {
    fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  alarm(50); /* repetitions 1e12 once hung plotdata */
  reader_cases(tmp);
  compare_cases(tmp);
  small_cases(tmp);
  health_cases(tmp);
  mb_test_rmtree(tmp);
  return CHECK_DONE();
}
