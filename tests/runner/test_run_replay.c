/* test_run_replay.c: whole runs of `mebench run` on the replay collector,
 * checked against expected summaries (tests/data/runner/expected.json, from
 * make_expected.py: statistics from their definitions, min-entropy from
 * NIST's ea_non_iid), and the refusals of --resume. Wall-time-dependent
 * fields are only checked for presence and sign. */
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "commands.h"
#include "rawfile.h"
#include "results.h"
#include "runner.h"
#include "source.h"
#include "testutil.h"

#define DATA MB_SOURCE_DIR "/tests/data/runner"
/* The reference tool prints estimates to 6 decimals; an assessment of
 * bits * h_bitstring multiplies that rounding by up to 8. */
#define H_ASSESSED_TOL (8 * 5e-7 + 1e-9)

static char base[512];

/* Run `mebench run ARGS...` in-process. */
static int run_cmd(struct mb_error *err, int argc, const char *const *args)
{
  return mb_test_command(NULL, mb_cmd_run, argc, args, err);
}

/* The only run directory under root/name newer than `not` (NULL: any). */
static int find_run(const char *root, const char *not_this, char *out, size_t n)
{
  char parent[700];
  DIR *d;
  struct dirent *e;
  int found = 0;

  snprintf(parent, sizeof(parent), "%s/replay_runner", root);
  d = opendir(parent);
  if (!d)
    return 0;
  while ((e = readdir(d)) != NULL) {
    char full[1000];

    if (e->d_name[0] == '.')
      continue;
    snprintf(full, sizeof(full), "%s/%s", parent, e->d_name);
    if (not_this && strcmp(full, not_this) == 0)
      continue;
    snprintf(out, n, "%s", full);
    found++;
  }
  closedir(d);
  return found;
}

static uint64_t *load_timings(size_t *n)
{
  FILE *f = fopen(DATA "/timings.txt", "r");
  uint64_t *t = malloc(100000 * sizeof(*t));
  char line[1024];

  *n = 0;
  while (f && t && fgets(line, sizeof(line), f)) {
    char *p = line, *end;

    if (line[0] == '#')
      continue;
    for (;;) {
      unsigned long long v = strtoull(p, &end, 10);

      if (end == p)
        break;
      t[(*n)++] = v;
      p = end;
    }
  }
  if (f)
    fclose(f);
  return t;
}

static double num(const json_t *o, const char *key)
{
  const json_t *v = json_object_get(o, key);

  return json_is_number(v) ? json_number_value(v) : NAN;
}

static void check_assessment(const json_t *got, const json_t *want, const char *what,
                             size_t call)
{
  const char *parts[] = {"literal", "bitstring"};
  const char *keys[] = {"mcv", "collision", "markov", "compression"};
  size_t i, k;

  if (!json_is_null(json_object_get(want, "h_assessed")) ||
      !json_is_null(json_object_get(got, "h_assessed"))) {
    if (fabs(num(got, "h_assessed") - num(want, "h_assessed")) > H_ASSESSED_TOL)
      fprintf(stderr, "call %zu %s: h_assessed\n", call, what);
    CHECK_NEAR(num(got, "h_assessed"), num(want, "h_assessed"), H_ASSESSED_TOL);
  }
  for (i = 0; i < 2; i++) {
    const json_t *g = json_object_get(got, parts[i]),
                 *w = json_object_get(want, parts[i]);

    for (k = 0; k < 4; k++) {
      const json_t *ge = json_object_get(g, keys[k]), *we = json_object_get(w, keys[k]);

      if (we) { /* the reference tool ran it: the same value to its 6 decimals */
        if (!json_is_number(json_object_get(ge, "h")))
          fprintf(stderr, "call %zu %s %s %s: no h\n", call, what, parts[i], keys[k]);
        CHECK_NEAR(num(ge, "h"), json_number_value(we), 1e-6);
      } else if (ge) { /* it did not: mebench must say why it skipped */
        if (!json_is_string(json_object_get(ge, "skipped")))
          fprintf(stderr, "call %zu %s %s %s: ran but reference did not\n", call, what,
                  parts[i], keys[k]);
        CHECK(json_is_string(json_object_get(ge, "skipped")));
      }
    }
  }
}

static void check_run(const char *dir, const json_t *expected)
{
  char path[1100];
  json_t *run = NULL;
  struct mb_error err;
  const json_t *calls, *want = json_object_get(expected, "calls");
  size_t n_t = 0, i, k;
  uint64_t *t = load_timings(&n_t);
  struct mb_collection c;
  struct mb_raw_meta meta;
  size_t per_call = 250 * 4 + 64;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_results_load_run(dir, &run, &err), MB_OK);
  if (!run) {
    free(t);
    return;
  }
  CHECK_EQ_INT(n_t, 4000);
  CHECK_EQ_STR(json_string_value(json_object_get(run, "status")), "complete");
  CHECK_EQ_STR(json_string_value(json_object_get(run, "schema")), "mebench-run/1");
  CHECK_EQ_STR(
      json_string_value(json_object_get(json_object_get(run, "clock"), "name")),
      "replay");
  CHECK_EQ_INT(json_array_size(json_object_get(run, "points")), 2);
  calls = json_object_get(run, "calls");
  CHECK_EQ_INT(json_array_size(calls), json_array_size(want));
  mb_collection_init(&c);
  for (i = 0; i < json_array_size(calls) && i < json_array_size(want); i++) {
    const json_t *g = json_array_get(calls, i), *w = json_array_get(want, i);
    const json_t *gs = json_object_get(g, "raw_stats"),
                 *ws = json_object_get(w, "raw_stats");
    const char *ikeys[] = {"n",   "min", "p01",      "p50",    "p99",
                           "max", "mad", "distinct", "quantum"};
    size_t first = (i + 1) * per_call; /* after the warm-up call */

    CHECK_EQ_INT(num(g, "point"), num(w, "point"));
    CHECK_EQ_INT(num(g, "repetition"), num(w, "repetition"));
    CHECK_EQ_INT(num(g, "sequence"), num(w, "sequence"));
    CHECK_EQ_INT(num(g, "timings"), num(w, "timings"));
    CHECK_EQ_INT(num(g, "bytes"), num(w, "bytes"));
    CHECK_EQ_INT(num(g, "timeouts"), 0);
    CHECK_EQ_INT(num(g, "failures"), 0);
    for (k = 0; k < sizeof(ikeys) / sizeof(ikeys[0]); k++)
      CHECK_EQ_INT(num(gs, ikeys[k]), num(ws, ikeys[k]));
    CHECK_NEAR(num(gs, "mean"), num(ws, "mean"), 1e-9 * num(ws, "mean"));
    CHECK_NEAR(num(gs, "stddev"), num(ws, "stddev"), 1e-9 * num(ws, "stddev"));
    CHECK_NEAR(num(g, "ns_per_op"), num(w, "ns_per_op"), 0);
    CHECK(num(g, "wall_s") >= 0);
    CHECK(json_is_object(json_object_get(g, "durations")));
    check_assessment(json_object_get(json_object_get(g, "entropy"), "bytes"),
                     json_object_get(json_object_get(w, "entropy"), "bytes"), "bytes",
                     i);
    check_assessment(json_object_get(json_object_get(g, "entropy"), "raw"),
                     json_object_get(json_object_get(w, "entropy"), "raw"), "raw", i);
    CHECK_NEAR(
        num(json_object_get(g, "rate"), "bits_per_byte"),
        num(json_object_get(json_object_get(w, "entropy"), "bytes"), "h_assessed"),
        H_ASSESSED_TOL);

    /* The raw file holds exactly the timings played back: lossless. */
    snprintf(path, sizeof(path), "%s/%s", dir,
             json_string_value(json_object_get(g, "raw_file")));
    mb_error_init(&err);
    CHECK_EQ_INT(mb_rawfile_read(path, &meta, &c, &err), MB_OK);
    CHECK_EQ_INT(c.n_timings, per_call);
    CHECK_EQ_INT(meta.point, num(w, "point"));
    CHECK_EQ_INT(meta.repetition, num(w, "repetition"));
    for (k = 0; k < c.n_timings && k < per_call; k++)
      if (c.timings[k] != t[(first + k) % n_t])
        break;
    CHECK_EQ_INT(k, per_call);
    for (k = 0; k < 8 && k < c.n_bytes; k++)
      CHECK_EQ_INT(c.bytes[k], json_integer_value(json_array_get(
                                   json_object_get(w, "bytes_head"), k)));
  }
  mb_collection_cleanup(&c);

  /* summary.csv: 4 call rows, then 2 point rows holding the medians. */
  snprintf(path, sizeof(path), "%s/summary.csv", dir);
  {
    FILE *f = fopen(path, "r");
    char line[1024];
    int rows = 0, point_rows = 0;

    CHECK(f != NULL);
    while (f && fgets(line, sizeof(line), f)) {
      rows++;
      if (strncmp(line, "point,0,,1,4096,complex,seed,free,", 34) == 0) {
        double h0 =
            num(json_object_get(json_object_get(json_array_get(want, 0), "entropy"),
                                "bytes"),
                "h_assessed");
        double h2 =
            num(json_object_get(json_object_get(json_array_get(want, 2), "entropy"),
                                "bytes"),
                "h_assessed");

        CHECK_NEAR(strtod(line + 34, NULL), (h0 + h2) / 2, 2e-6);
        point_rows++;
      } else if (strncmp(line, "point,1,,8,4096,complex,seed,free,", 34) == 0) {
        point_rows++;
      }
    }
    if (f)
      fclose(f);
    CHECK_EQ_INT(rows, 1 + 4 + 2);
    CHECK_EQ_INT(point_rows, 2);
  }
  json_decref(run);
  free(t);
}

static json_t *edit_run(const char *dir, const char *obj, const char *key,
                        const char *value)
{
  char path[1100];
  json_t *run;

  snprintf(path, sizeof(path), "%s/run.json", dir);
  run = json_load_file(path, 0, NULL);
  json_object_set_new(json_object_get(run, obj), key, json_string(value));
  json_dump_file(run, path, JSON_INDENT(2));
  return run;
}

/* Progress to a file (not a terminal): one line per call, then the table. */
static void check_progress(void)
{
  struct mb_experiment exp;
  struct mb_runner_options opt;
  struct mb_error err;
  char out[700], *dir = NULL, line[512];
  FILE *log = tmpfile();
  int lines = 0, calls = 0, table = 0, rows = 0;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_experiment_load(DATA "/replay.json", &exp, &err), MB_OK);
  memset(&opt, 0, sizeof(opt));
  snprintf(out, sizeof(out), "%s/progress", base);
  opt.output = out;
  opt.progress = log;
  opt.progress_tty = 0;
  CHECK_EQ_INT(mb_runner_run(&exp, &opt, &dir, &err), MB_OK);
  CHECK(dir != NULL);
  rewind(log);
  while (fgets(line, sizeof(line), log)) {
    lines++;
    if (strncmp(line, "mebench: call ", 14) == 0)
      calls++;
    if (strstr(line, "point num_ports ool_size mode") != NULL)
      table = 1;
    else if (table &&
             (strncmp(line,
                      "    0         1     4096 complex seed         free          2",
                      61) == 0 ||
              strncmp(line,
                      "    1         8     4096 complex seed         free          2",
                      61) == 0))
      rows++;
  }
  CHECK(strncmp(line, "time: ", 6) == 0 && strstr(line, "collecting") != NULL);
  CHECK_EQ_INT(calls, 4);
  CHECK_EQ_INT(table, 1);
  CHECK_EQ_INT(rows, 2);
  CHECK(lines >= 4 + 3);
  fclose(log);
  free(dir);
  dir = NULL;
  /* On a terminal: "point N of M" counts from 1, as "calls" does; the
   * point's own name (p0, as in raw/p0-r0.mbr) stays 0-based. */
  log = tmpfile();
  opt.progress = log;
  opt.progress_tty = 1;
  CHECK_EQ_INT(mb_runner_run(&exp, &opt, &dir, &err), MB_OK);
  {
    char *text = NULL;
    long n;

    n = ftell(log);
    rewind(log);
    text = n > 0 ? calloc((size_t)n + 1, 1) : NULL;
    CHECK(text && fread(text, 1, (size_t)n, log) == (size_t)n);
    CHECK(text && strstr(text, "point 1 of 2 (p0: num_ports 1,") != NULL);
    CHECK(text && strstr(text, "point 2 of 2 (p1: num_ports 8,") != NULL);
    CHECK(text && strstr(text, "point 0 of 2") == NULL);
    free(text);
  }
  fclose(log);
  free(dir);
  mb_experiment_cleanup(&exp);
}

/* A disk that fills up mid-run: the run fails naming the file, with
 * MB_ENOSPACE, and the run.json on disk is the last complete one. The
 * message's "N of M calls are kept" is exact: N is what a reader finds
 * (run.json and the journal), M the plan's calls. Disks of several sizes
 * fill at different writes: a raw file, a journal line, run.json. */
static void check_full_disk(void)
{
  char mnt[700], cmd[900], run_dir[1000], path[1100];
  const char *a[] = {"run", "-q", "-o", mnt, DATA "/replay.json"};
  struct mb_error err;
  json_t *run;
  int rc, kb;

  snprintf(mnt, sizeof(mnt), "%s/full", base);
  mkdir(mnt, 0755);
  for (kb = 16; kb <= 52; kb += 4) {
    const char *at;
    size_t kept = 0, planned = 0;

    /* run.json grows by about 6 KB a call, a raw file takes about 2.2 KB */
    snprintf(cmd, sizeof(cmd), "mount -t tmpfs -o size=%dk tmpfs '%s' 2>/dev/null", kb,
             mnt);
    if (geteuid() != 0 || system(cmd) != 0) {
      printf("SKIP (part): cannot mount a small tmpfs to fill a disk\n");
      return;
    }
    rc = run_cmd(&err, 5, a);
    CHECK_EQ_INT(rc, MB_ENOSPACE);
    CHECK(strstr(err.source, mnt) == err.source);
    CHECK(strstr(err.text, "No space left on device") != NULL);
    CHECK(strstr(err.text, "mebench run --resume ") != NULL); /* as SIGINT says */
    at = strstr(err.text, " calls are kept");
    while (at && at > err.text && at[-1] != ';')
      at--;
    CHECK(at && sscanf(at, " %zu of %zu", &kept, &planned) == 2);
    CHECK_EQ_INT((int)planned, 4);
    CHECK_EQ_INT(find_run(mnt, NULL, run_dir, sizeof(run_dir)), 1);
    snprintf(path, sizeof(path), "%s/run.json", run_dir);
    run = json_load_file(path, 0, NULL);
    CHECK(run != NULL); /* complete and parseable */
    CHECK(json_array_size(json_object_get(run, "calls")) < 4);
    json_decref(run);
    run = NULL;
    mb_error_init(&err);
    CHECK_EQ_INT(mb_results_load_run(run_dir, &run, &err), MB_OK);
    if (json_array_size(json_object_get(run, "calls")) != kept)
      fprintf(stderr, "%d KiB disk: the message says %zu calls are kept, %zu are\n", kb,
              kept, json_array_size(json_object_get(run, "calls")));
    CHECK(json_array_size(json_object_get(run, "calls")) == kept);
    json_decref(run);
    snprintf(cmd, sizeof(cmd), "umount '%s'", mnt);
    if (system(cmd) != 0)
      fprintf(stderr, "could not unmount %s\n", mnt);
  }
}

/* Replaying a run's raw/ with its own plan, in any order (and with a
 * warm-up call), reproduces every call exactly: each plays its own
 * recording. A point the recording does not hold is refused. */
static void check_replay_raw(const char *dir1)
{
  static const char *const orders[] = {"sequential", "interleaved", "shuffled"};
  size_t o, p, rep, k;

  for (o = 0; o < 3; o++) {
    char exp[800], out[800], run[1000], text[1400];
    struct mb_error err;
    int exact = 1; /* each call is cued with its point and repetition */
    const char *a[] = {"run", "-q", "-o", out, exp};

    snprintf(exp, sizeof(exp), "%s/raw-%s.json", base, orders[o]);
    snprintf(out, sizeof(out), "%s/raw-%s", base, orders[o]);
    snprintf(text, sizeof(text),
             "{\"name\": \"replay_runner\", \"source\": \"replay\", \"replay\": "
             "\"%s/raw\", \"samples\": 250, \"repetitions\": 2, \"warmup\": %d, "
             "\"order\": \"%s\", \"sweep\": {\"num_ports\": [1, 8]}, "
             "\"analysis\": {\"raw_bits\": 4, \"estimators\": [\"mcv\"]}}\n",
             dir1, o == 2 ? 1 : 0, orders[o]);
    CHECK_EQ_INT(mb_test_write_text(exp, text), 0);
    if (run_cmd(&err, 5, a) != MB_OK)
      fprintf(stderr, "%s: %s: %s\n", orders[o], err.path, err.text);
    CHECK_EQ_INT(find_run(out, NULL, run, sizeof(run)), 1);
    for (p = 0; p < 2; p++)
      for (rep = 0; rep < 2; rep++) {
        struct mb_collection got, want;
        struct mb_raw_meta gm, wm;
        char gp[1100], wp[1100];
        int same = 0;

        mb_collection_init(&got);
        mb_collection_init(&want);
        snprintf(gp, sizeof(gp), "%s/raw/p%zu-r%zu.mbr", run, p, rep);
        CHECK_EQ_INT(mb_rawfile_read(gp, &gm, &got, &err), MB_OK);
        for (k = 0; k < 2; k++) {
          if (exact && k != rep)
            continue;
          snprintf(wp, sizeof(wp), "%s/raw/p%zu-r%zu.mbr", dir1, p, k);
          if (mb_rawfile_read(wp, &wm, &want, &err) == MB_OK &&
              got.n_timings == want.n_timings &&
              memcmp(got.timings, want.timings, got.n_timings * sizeof(uint64_t)) == 0)
            same = 1;
        }
        if (!same)
          fprintf(stderr, "%s: %s holds none of point %zu's recorded calls\n",
                  orders[o], gp, p);
        CHECK(same);
        mb_collection_cleanup(&got);
        mb_collection_cleanup(&want);
      }
  }
  { /* a configuration the recording does not hold */
    char exp[800], out[800], text[1200];
    struct mb_error err;
    const char *a[] = {"run", "-q", "-o", out, exp};

    snprintf(exp, sizeof(exp), "%s/raw-other.json", base);
    snprintf(out, sizeof(out), "%s/raw-other", base);
    snprintf(text, sizeof(text),
             "{\"name\": \"replay_runner\", \"source\": \"replay\", \"replay\": "
             "\"%s/raw\", \"samples\": 250, \"repetitions\": 1, \"warmup\": 0, "
             "\"sweep\": {\"num_ports\": [2]}, \"analysis\": {\"raw_bits\": 4, "
             "\"estimators\": [\"mcv\"]}}\n",
             dir1);
    CHECK_EQ_INT(mb_test_write_text(exp, text), 0);
    CHECK_EQ_INT(run_cmd(&err, 5, a), MB_EINVALID);
    CHECK(strstr(err.text, "another configuration's timings") != NULL);
  }
}

int main(void)
{
  char out[600], dir1[1000], dir2[1000], copy[1100], cmdline[2400];
  json_t *expected;
  struct mb_error err;
  int rc;

  snprintf(base, sizeof(base), "%s/tests/runner/replay-XXXXXX", MB_BINARY_DIR);
  if (!mkdtemp(base))
    return 1;
  snprintf(out, sizeof(out), "%s/out", base);
  expected = json_load_file(DATA "/expected.json", 0, NULL);
  CHECK(expected != NULL);

  {
    const char *a[] = {"run", "--quiet", "--output", out, DATA "/replay.json"};

    rc = run_cmd(&err, 5, a);
    if (rc != MB_OK)
      fprintf(stderr, "run: %s\n", err.text);
    CHECK_EQ_INT(rc, MB_OK);
  }
  CHECK_EQ_INT(find_run(out, NULL, dir1, sizeof(dir1)), 1);
  check_run(dir1, expected);
  check_replay_raw(dir1);

  /* A second run never reuses or overwrites the first. */
  {
    const char *a[] = {"run", "-q", "-o", out, DATA "/replay.json"};
    char before[1100];
    struct stat st1, st2;

    snprintf(before, sizeof(before), "%s/run.json", dir1);
    CHECK(stat(before, &st1) == 0);
    CHECK_EQ_INT(run_cmd(&err, 5, a), MB_OK);
    CHECK_EQ_INT(find_run(out, dir1, dir2, sizeof(dir2)), 1);
    CHECK(strcmp(dir1, dir2) != 0);
    CHECK(stat(before, &st2) == 0);
    CHECK(st1.st_mtime == st2.st_mtime && st1.st_size == st2.st_size);
    check_run(dir2, expected);
  }

  /* Resuming a complete run measures nothing and leaves it as it is: same
   * run.json byte for byte, no empty session appended. */
  {
    const char *a[] = {"run", "-q", "--resume", dir2};
    json_t *run = NULL;
    char path[1100], *before, *after;
    size_t n_before = 0, n_after = 0;

    snprintf(path, sizeof(path), "%s/run.json", dir2);
    before = mb_test_slurp(path, &n_before);
    CHECK_EQ_INT(run_cmd(&err, 4, a), MB_OK);
    after = mb_test_slurp(path, &n_after);
    CHECK(before && after && n_before == n_after &&
          memcmp(before, after, n_after) == 0);
    free(before);
    free(after);
    CHECK_EQ_INT(mb_results_load_run(dir2, &run, NULL), MB_OK);
    CHECK_EQ_INT(json_array_size(json_object_get(run, "calls")), 4);
    CHECK_EQ_INT(json_array_size(json_object_get(run, "sessions")), 1);
    json_decref(run);
  }

  /* An interrupted run (its last call lost with the process, its raw file
   * not) is completed; the orphan raw file is kept aside. */
  snprintf(copy, sizeof(copy), "%s/copy", base);
  snprintf(cmdline, sizeof(cmdline), "cp -r '%s' '%s'", dir1, copy);
  CHECK_EQ_INT(system(cmdline), 0);
  {
    char path[1200];
    json_t *run;
    const char *a[] = {"run", "-q", "--resume", copy, DATA "/replay.json"};

    snprintf(path, sizeof(path), "%s/run.json", copy);
    run = json_load_file(path, 0, NULL);
    json_array_remove(json_object_get(run, "calls"), 3);
    json_object_set_new(run, "status", json_string("interrupted"));
    json_dump_file(run, path, JSON_INDENT(2));
    json_decref(run);
    CHECK_EQ_INT(run_cmd(&err, 5, a), MB_OK);
    run = json_load_file(path, 0, NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(run, "status")), "complete");
    CHECK_EQ_INT(json_array_size(json_object_get(run, "calls")), 4);
    CHECK_EQ_INT(json_integer_value(json_object_get(
                     json_array_get(json_object_get(run, "calls"), 3), "point")),
                 1);
    json_decref(run);
    snprintf(path, sizeof(path), "%s/raw/p1-r1.mbr.orphan-1", copy);
    CHECK(access(path, F_OK) == 0);
  }

  /* A run killed between two writes of run.json: the calls measured since
   * are in the call journal (results.h). Every reader folds them in (not the
   * ones run.json holds already, not a line the process did not finish), and
   * --resume adopts them with their raw files (no call measured again, no
   * orphan), writes run.json whole and removes the journal. A damaged line
   * is invalid input naming the journal and the line. */
  {
    char copy4[1200], path[1300], jpath[1300], line0[32768], line1[32768], line2[32768];
    json_t *run, *calls, *folded;
    const char *a[] = {"run", "-q", "--resume", copy4};
    char *text;
    FILE *f;

    snprintf(copy4, sizeof(copy4), "%s/copy4", base);
    snprintf(cmdline, sizeof(cmdline), "cp -r '%s' '%s'", dir1, copy4);
    CHECK_EQ_INT(system(cmdline), 0);
    snprintf(path, sizeof(path), "%s/run.json", copy4);
    snprintf(jpath, sizeof(jpath), "%s/" MB_RESULTS_JOURNAL, copy4);
    CHECK(access(jpath, F_OK) != 0); /* a complete run leaves no journal */
    run = json_load_file(path, 0, NULL);
    calls = json_object_get(run, "calls");
    text = json_dumps(json_array_get(calls, 1), JSON_COMPACT | JSON_REAL_PRECISION(17));
    snprintf(line0, sizeof(line0), "%s", text ? text : "");
    free(text);
    text = json_dumps(json_array_get(calls, 2), JSON_COMPACT | JSON_REAL_PRECISION(17));
    snprintf(line1, sizeof(line1), "%s", text ? text : "");
    free(text);
    text = json_dumps(json_array_get(calls, 3), JSON_COMPACT | JSON_REAL_PRECISION(17));
    snprintf(line2, sizeof(line2), "%s", text ? text : "");
    free(text);
    /* run.json as last written: two calls, still running. */
    json_array_remove(calls, 3);
    json_array_remove(calls, 2);
    json_object_set_new(run, "status", json_string("running"));
    json_object_set_new(json_array_get(json_object_get(run, "sessions"), 0), "calls",
                        json_integer(2));
    json_dump_file(run, path, JSON_INDENT(2));
    json_decref(run);
    f = fopen(jpath, "w");
    if (f) {
      /* calls[1] again (the journal's emptying was lost), the two calls
       * run.json lacks, and the start of a line never finished */
      fprintf(f, "%s\n%s\n%s\n{\"point\": 1, \"repe", line0, line1, line2);
      fclose(f);
    }
    folded = NULL;
    CHECK_EQ_INT(mb_results_load_run(copy4, &folded, NULL), MB_OK);
    CHECK_EQ_INT(json_array_size(json_object_get(folded, "calls")), 4);
    /* the two calls join the count of the session that measured them */
    CHECK_EQ_INT(json_integer_value(json_object_get(
                     json_array_get(json_object_get(folded, "sessions"), 0), "calls")),
                 4);
    json_decref(folded);
    CHECK_EQ_INT(run_cmd(&err, 4, a), MB_OK);
    run = json_load_file(path, 0, NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(run, "status")), "complete");
    CHECK_EQ_INT(json_array_size(json_object_get(run, "calls")), 4);
    CHECK_EQ_INT(json_array_size(json_object_get(run, "discarded_calls")), 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(
                     json_array_get(json_object_get(run, "sessions"), 0), "calls")),
                 4);
    CHECK_EQ_INT(json_integer_value(json_object_get(
                     json_array_get(json_object_get(run, "sessions"), 1), "calls")),
                 0);
    json_decref(run);
    CHECK(access(jpath, F_OK) != 0);
    snprintf(path, sizeof(path), "%s/raw/p1-r1.mbr.orphan-1", copy4);
    CHECK(access(path, F_OK) != 0);

    /* A damaged line in the middle. */
    f = fopen(jpath, "w");
    if (f) {
      fprintf(f, "%s\n{\"point\": 1,,}\n%s\n", line1, line2);
      fclose(f);
    }
    CHECK_EQ_INT(run_cmd(&err, 4, a), MB_EINVALID);
    CHECK_EQ_STR(err.source, jpath);
    CHECK_EQ_INT(err.line, 2);
    CHECK(strstr(err.text, "one call summary") != NULL);

    /* A call of the journal that the check refuses is the journal's fault,
     * named by its line, not run.json's. */
    f = fopen(jpath, "w");
    if (f) {
      fprintf(f, "%s\n{\"point\": 99, \"repetition\": 0}\n", line2);
      fclose(f);
    }
    CHECK_EQ_INT(run_cmd(&err, 4, a), MB_EINVALID);
    CHECK_EQ_STR(err.source, jpath);
    CHECK_EQ_INT(err.line, 2);
    CHECK(strncmp(err.path, "calls[", 6) != 0);
    remove(jpath);
  }

  /* Damaged experiment text in run.json is the record's fault, not the
   * experiment file's: the message names run.json. */
  {
    char copy3[1200], path[1300];
    json_t *run;
    const char *a[] = {"run", "-q", "--resume", copy3};

    snprintf(copy3, sizeof(copy3), "%s/copy3", base);
    snprintf(cmdline, sizeof(cmdline), "cp -r '%s' '%s'", dir1, copy3);
    CHECK_EQ_INT(system(cmdline), 0);
    snprintf(path, sizeof(path), "%s/run.json", copy3);
    run = json_load_file(path, 0, NULL);
    json_object_set_new(json_object_get(run, "experiment"), "text",
                        json_string("{\"name\": \"replay_runner\", \"samples\": -1}"));
    json_dump_file(run, path, JSON_INDENT(2));
    json_decref(run);
    CHECK_EQ_INT(run_cmd(&err, 4, a), MB_EINVALID);
    CHECK_EQ_STR(err.source, path);
    CHECK_EQ_STR(err.path, "experiment.text");
    CHECK(strstr(err.text, "name the experiment file") != NULL);
  }

  /* A complete run that lost one raw file and has another damaged is not
   * complete: --resume verifies every raw file and measures both calls
   * again, keeping the damaged file beside and the old summaries. */
  {
    char copy2[1200], path[1300], *bytes;
    size_t n = 0;
    json_t *run;
    const char *a[] = {"run", "-q", "--resume", copy2, DATA "/replay.json"};

    snprintf(copy2, sizeof(copy2), "%s/copy2", base);
    snprintf(cmdline, sizeof(cmdline), "cp -r '%s' '%s'", dir2, copy2);
    CHECK_EQ_INT(system(cmdline), 0);
    snprintf(path, sizeof(path), "%s/raw/p0-r0.mbr", copy2);
    CHECK(unlink(path) == 0);
    snprintf(path, sizeof(path), "%s/raw/p1-r0.mbr", copy2);
    bytes = mb_test_slurp(path, &n);
    CHECK(bytes && n > 40);
    if (bytes && n > 40) {
      bytes[n / 2] ^= 0x10;
      mb_test_write(path, bytes, n);
    }
    free(bytes);
    CHECK_EQ_INT(run_cmd(&err, 5, a), MB_OK);
    snprintf(path, sizeof(path), "%s/run.json", copy2);
    run = json_load_file(path, 0, NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(run, "status")), "complete");
    CHECK_EQ_INT(json_array_size(json_object_get(run, "calls")), 4);
    CHECK_EQ_INT(json_array_size(json_object_get(run, "discarded_calls")), 2);
    CHECK_EQ_INT(json_array_size(json_object_get(run, "sessions")), 2);
    json_decref(run);
    snprintf(path, sizeof(path), "%s/raw/p1-r0.mbr.damaged-1", copy2);
    CHECK(access(path, F_OK) == 0);
    snprintf(path, sizeof(path), "%s/raw/p0-r0.mbr", copy2);
    CHECK(access(path, F_OK) == 0);
    snprintf(path, sizeof(path), "%s/raw/p1-r0.mbr", copy2);
    CHECK(access(path, F_OK) == 0);
  }

  /* Without a file, --resume uses the experiment's bytes kept in run.json:
   * the file may have moved or changed since; given explicitly, a changed
   * file is refused. */
  {
    char exp_path[700], out3[700], dir3[1000], path[1200];
    const char *a[] = {"run", "-q", "-o", out3, exp_path};
    const char *again[] = {"run", "-q", "--resume", dir3};
    const char *changed[] = {"run", "-q", "--resume", dir3, exp_path};
    FILE *f;
    json_t *run;

    snprintf(exp_path, sizeof(exp_path), "%s/moved.json", base);
    snprintf(out3, sizeof(out3), "%s/out3", base);
    f = fopen(exp_path, "w");
    if (f) {
      fprintf(
          f,
          "{\"name\": \"replay_runner\", \"source\": \"replay\", \"replay\": "
          "\"%s/timings.txt\", \"samples\": 50, \"repetitions\": 2, \"warmup\": 0,\n"
          " \"analysis\": {\"estimators\": [\"mcv\"]}}\n",
          DATA);
      fclose(f);
    }
    CHECK_EQ_INT(run_cmd(&err, 5, a), MB_OK);
    CHECK_EQ_INT(find_run(out3, NULL, dir3, sizeof(dir3)), 1);
    snprintf(path, sizeof(path), "%s/run.json", dir3);
    run = json_load_file(path, 0, NULL);
    json_array_remove(json_object_get(run, "calls"), 1);
    json_dump_file(run, path, JSON_INDENT(2));
    json_decref(run);
    f = fopen(exp_path, "a");
    if (f) {
      fputs("\n", f); /* same plan, different bytes */
      fclose(f);
    }
    CHECK_EQ_INT(run_cmd(&err, 5, changed), MB_EMISMATCH);
    CHECK(strstr(err.text, "experiment file (sha256) differs") != NULL);
    remove(exp_path);
    CHECK_EQ_INT(run_cmd(&err, 4, again), MB_OK);
    run = json_load_file(path, 0, NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(run, "status")), "complete");
    CHECK_EQ_INT(json_array_size(json_object_get(run, "calls")), 2);
    json_decref(run);
  }

  /* Refusals: another experiment file, build or machine. */
  {
    const char *a[] = {"run", "-q", "--resume", copy, DATA "/replay.json"};
    char sha[80], path[1200];
    json_t *run;

    snprintf(path, sizeof(path), "%s/run.json", copy);
    run = json_load_file(path, 0, NULL);
    snprintf(sha, sizeof(sha), "%s",
             json_string_value(
                 json_object_get(json_object_get(run, "experiment"), "sha256")));
    json_decref(run);
    json_decref(edit_run(copy, "experiment", "sha256", "0123"));
    CHECK_EQ_INT(run_cmd(&err, 5, a), MB_EMISMATCH);
    CHECK(strstr(err.text, "experiment file (sha256) differs") != NULL);
    json_decref(edit_run(copy, "experiment", "sha256", sha));
    json_decref(edit_run(copy, "machine", "hostname", "elsewhere"));
    CHECK_EQ_INT(run_cmd(&err, 5, a), MB_EMISMATCH);
    CHECK(strstr(err.text, "machine (hostname) differs") != NULL);
    CHECK(strstr(err.text, "\"elsewhere\"") != NULL);
    json_decref(edit_run(copy, "mebench", "git_commit", "feedface"));
    CHECK_EQ_INT(run_cmd(&err, 5, a), MB_EMISMATCH);
  }

  /* Usage and I/O errors name what is wrong. */
  {
    const char *none[] = {"run", "-q"};
    const char *two[] = {"run", "a.json", "b.json"};
    const char *notdir[] = {"run", "-q", "--resume", base, DATA "/replay.json"};
    const char *both[] = {"run", "-q", "--resume",         base,
                          "-o",  out,  DATA "/replay.json"};
    char file[700];
    const char *blocked[] = {"run", "-q", "-o", file, DATA "/replay.json"};
    FILE *f;

    CHECK_EQ_INT(run_cmd(&err, 2, none), MB_EUSAGE);
    CHECK_EQ_INT(run_cmd(&err, 3, two), MB_EUSAGE);
    CHECK_EQ_INT(run_cmd(&err, 5, notdir), MB_EINVALID);
    CHECK(strncmp(err.source, base, strlen(base)) == 0);
    CHECK_EQ_STR(err.text, "this directory holds no run.json: expected a results "
                           "directory made by `mebench run`");
    CHECK_EQ_INT(run_cmd(&err, 7, both), MB_EUSAGE);
    snprintf(file, sizeof(file), "%s/plainfile", base);
    f = fopen(file, "w");
    if (f)
      fclose(f);
    /* a file where the output directory belongs: invalid input (exit 3) */
    CHECK_EQ_INT(run_cmd(&err, 5, blocked), MB_EINVALID);
    CHECK(strstr(err.source, "plainfile") != NULL);
    CHECK(strstr(err.text, "is a regular file, where the results directory") != NULL);
  }

  check_progress();
  check_full_disk();

  /* A collector that cannot run here: exit 4, and no empty run directory. */
  {
    char exp_path[700], root[700];
    const char *a[] = {"run", "-q", "-o", root, exp_path};
    FILE *f;
    struct stat st;

    snprintf(exp_path, sizeof(exp_path), "%s/absent.json", base);
    snprintf(root, sizeof(root), "%s/absent", base);
    f = fopen(exp_path, "w");
    if (f) {
      fprintf(f, "{\"name\": \"absent\", \"source\": \"%s\", \"samples\": 10}\n",
              strcmp(mb_sources_default(), "mach_ipc") == 0 ? "linux_ipc" : "mach_ipc");
      fclose(f);
    }
    CHECK_EQ_INT(run_cmd(&err, 5, a), MB_EUNAVAILABLE);
    CHECK(stat(root, &st) != 0);
  }

  json_decref(expected);
  mb_test_rmtree(base);
  return CHECK_DONE();
}
