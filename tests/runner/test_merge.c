/* test_merge.c: `run --shard`, `validate --shard` and `mebench merge`.
 *
 * A replay experiment run whole and as shards 1/2 + 2/2 (and a shuffled one
 * as 1/3 + 2/3 + 3/3) merges into a run equal to the whole run: the plan,
 * every call's statistics and estimates, the points' aggregates and the raw
 * files, exactly (only wall-time figures differ). Merge refuses missing,
 * overlapping and foreign shards, other builds and collectors, unfinished
 * runs and an existing output, and never changes its inputs. A resumed
 * shard stays its shard. Two machines (different hosts and ticks) become a
 * study that report, plotdata, compare and scripts/plot accept, with one
 * line per machine.
 */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "commands.h"
#include "rawfile.h"
#include "rundir.h"
#include "source.h"
#include "testutil.h"

#define DATA MB_SOURCE_DIR "/tests/data/runner"

static char base[512];

/* Run a command in-process with its stdout in out_path (NULL: the test's). */
static int cmd(int (*fn)(int, char **, struct mb_error *), const char *out_path,
               struct mb_error *err, int argc, const char *const *args)
{
  int rc = mb_test_command(out_path, fn, argc, args, err);

  if (rc != MB_OK)
    fprintf(stderr, "(%s: %s)\n", args[0], err->text);
  return rc;
}

/* The one run directory under root/<any experiment>/ (root holds one run). */
static int only_run(const char *root, char *out, size_t n)
{
  DIR *d = opendir(root), *d2;
  struct dirent *e, *e2;
  int found = 0;

  while (d && (e = readdir(d)) != NULL) {
    char sub[1000];

    if (e->d_name[0] == '.')
      continue;
    snprintf(sub, sizeof(sub), "%s/%s", root, e->d_name);
    d2 = opendir(sub);
    while (d2 && (e2 = readdir(d2)) != NULL)
      if (e2->d_name[0] != '.') {
        snprintf(out, n, "%s/%s", sub, e2->d_name);
        found++;
      }
    if (d2)
      closedir(d2);
  }
  if (d)
    closedir(d);
  return found == 1;
}

/* `mebench run -q -o base/<name> [--shard S] experiment` -> its directory. */
static int run_into(const char *name, const char *shard, const char *experiment,
                    char *dir, size_t n)
{
  char root[700];
  struct mb_error err;
  int rc;

  snprintf(root, sizeof(root), "%s/%s", base, name);
  if (shard) {
    const char *a[] = {"run", "-q", "-o", root, "--shard", shard, experiment};

    rc = cmd(mb_cmd_run, NULL, &err, 7, a);
  } else {
    const char *a[] = {"run", "-q", "-o", root, experiment};

    rc = cmd(mb_cmd_run, NULL, &err, 5, a);
  }
  return rc == MB_OK && only_run(root, dir, n) ? MB_OK : -1;
}

/* The same with --machine NAME. */
static int run_named(const char *name, const char *machine, const char *shard,
                     const char *experiment, char *dir, size_t n)
{
  char root[700];
  struct mb_error err;
  const char *a[] = {"run",   "-q",      "-o",  root,      "--machine",
                     machine, "--shard", shard, experiment};

  snprintf(root, sizeof(root), "%s/%s", base, name);
  return cmd(mb_cmd_run, NULL, &err, 9, a) == MB_OK && only_run(root, dir, n) ? MB_OK
                                                                              : -1;
}

static int merge(struct mb_error *err, const char *out, int n, const char *const *dirs)
{
  const char *a[15] = {"merge", "-q", "-o", out};
  int i;

  for (i = 0; i < n && i < 11; i++)
    a[4 + i] = dirs[i];
  return mb_test_command(NULL, mb_cmd_merge, 4 + n, a, err);
}

/* Two doubles equal to the bit, NAN equal to NAN. */
static int same(double a, double b)
{
  return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof(a)) == 0;
}

static int same_spread(const struct mb_spread *a, const struct mb_spread *b)
{
  return same(a->med, b->med) && same(a->min, b->min) && same(a->max, b->max);
}

static int same_file(const char *a, const char *b)
{
  size_t na = 0, nb = 0;
  char *x = mb_test_slurp(a, &na), *y = mb_test_slurp(b, &nb);
  int eq = x && y && na == nb && memcmp(x, y, na) == 0;

  free(x);
  free(y);
  return eq;
}

/* A merged run equals the whole run: plan, calls, estimates, aggregates and
 * raw files, exactly; only wall-time-dependent figures may differ. */
static void check_equal_runs(const char *whole, const char *merged, size_t n_shards)
{
  struct mb_rundir w, m;
  struct mb_error err;
  size_t i;
  int e;

  CHECK_EQ_INT(mb_rundir_load(whole, &w, &err), MB_OK);
  CHECK_EQ_INT(mb_rundir_load(merged, &m, &err), MB_OK);
  CHECK_EQ_STR(m.status, "complete");
  CHECK_EQ_STR(m.exp_sha256, w.exp_sha256);
  CHECK_EQ_STR(m.order, w.order);
  CHECK_EQ_U64(m.seed, w.seed);
  CHECK_EQ_INT(m.n_points, w.n_points);
  CHECK_EQ_INT(m.n_calls, w.n_calls);
  CHECK(
      json_equal(json_object_get(m.root, "points"), json_object_get(w.root, "points")));
  CHECK(json_equal(json_object_get(json_object_get(m.root, "experiment"), "content"),
                   json_object_get(json_object_get(w.root, "experiment"), "content")));
  CHECK(json_object_get(m.root, "shard") == NULL);
  /* The health-test replay spans every call of a point, as in the whole
   * run, not the first shard's calls only. */
  CHECK(json_array_size(json_object_get(w.root, "health")) > 0);
  CHECK(
      json_equal(json_object_get(m.root, "health"), json_object_get(w.root, "health")));
  CHECK_EQ_INT(
      json_integer_value(json_object_get(json_object_get(m.root, "merged"), "shards")),
      n_shards);
  CHECK_EQ_INT(
      json_array_size(json_object_get(json_object_get(m.root, "merged"), "from")),
      n_shards);
  for (i = 0; i < w.n_calls && i < m.n_calls; i++) {
    const struct mb_rundir_call *a = &w.calls[i], *b = &m.calls[i];
    char pa[1500], pb[1500];
    int ok = a->point == b->point && a->repetition == b->repetition &&
             a->sequence == b->sequence && strcmp(a->raw_file, b->raw_file) == 0 &&
             a->timings == b->timings && a->bytes == b->bytes &&
             a->timeouts == b->timeouts && a->failures == b->failures &&
             a->pool_size == b->pool_size && same(a->raw_min, b->raw_min) &&
             same(a->raw_p01, b->raw_p01) && same(a->raw_p50, b->raw_p50) &&
             same(a->raw_p99, b->raw_p99) && same(a->raw_max, b->raw_max) &&
             same(a->raw_mean, b->raw_mean) && same(a->raw_stddev, b->raw_stddev) &&
             same(a->raw_mad, b->raw_mad) && a->raw_distinct == b->raw_distinct &&
             same(a->ns_per_op, b->ns_per_op) && same(a->h_bytes, b->h_bytes) &&
             same(a->h_raw, b->h_raw);

    for (e = 0; e < MB_EST_COUNT; e++)
      ok = ok && same(a->est_bytes[e], b->est_bytes[e]) &&
           same(a->est_raw[e], b->est_raw[e]);
    if (!ok)
      fprintf(stderr, "call %zu differs between %s and %s\n", i, whole, merged);
    CHECK(ok);
    snprintf(pa, sizeof(pa), "%s/%s", whole, a->raw_file);
    snprintf(pb, sizeof(pb), "%s/%s", merged, b->raw_file);
    CHECK(same_file(pa, pb));
  }
  for (i = 0; i < w.n_points && i < m.n_points; i++) {
    const struct mb_rundir_point *a = &w.points[i], *b = &m.points[i];

    CHECK(a->n_calls == b->n_calls && same_spread(&a->h_bytes, &b->h_bytes) &&
          same_spread(&a->h_raw, &b->h_raw) &&
          same_spread(&a->ns_per_op, &b->ns_per_op) && same(a->ns_p01, b->ns_p01) &&
          same(a->ns_p99, b->ns_p99) && a->bind_bytes == b->bind_bytes);
  }
  mb_rundir_cleanup(&w);
  mb_rundir_cleanup(&m);
}

/* Copy a run directory to base/<name> and apply edit to its run.json. */
static void copy_run(const char *from, const char *name, char *out, size_t n,
                     void (*edit)(json_t *))
{
  char line[2800], path[1500];
  json_t *doc;

  snprintf(out, n, "%s/%s", base, name);
  snprintf(line, sizeof(line), "cp -r '%s' '%s'", from, out);
  CHECK_EQ_INT(system(line), 0);
  snprintf(path, sizeof(path), "%s/run.json", out);
  doc = json_load_file(path, 0, NULL);
  CHECK(doc != NULL);
  if (doc) {
    edit(doc);
    CHECK_EQ_INT(json_dump_file(doc, path, JSON_INDENT(2)), 0);
    json_decref(doc);
  }
}

static void other_build(json_t *doc)
{
  json_object_set_new(json_object_get(doc, "mebench"), "git_commit",
                      json_string("0123456789ab"));
}

static void other_collector(json_t *doc)
{
  json_object_set_new(json_object_get(doc, "source"), "layout", json_string("sdk"));
}

static void other_seed(json_t *doc)
{
  json_object_set_new(json_object_get(doc, "experiment"), "seed", json_integer(12));
}

static void interrupted(json_t *doc)
{
  json_object_set_new(doc, "status", json_string("interrupted"));
}

static void lose_last_call(json_t *doc)
{
  json_t *calls = json_object_get(doc, "calls");

  json_array_remove(calls, json_array_size(calls) - 1);
  json_object_set_new(doc, "status", json_string("interrupted"));
}

/* A Mac as the second machine: another host, CPU, system and clock tick. */
static void on_a_mac(json_t *doc)
{
  json_t *m = json_object_get(doc, "machine");

  json_object_set_new(m, "hostname", json_string("mac-lab"));
  json_object_set_new(m, "cpu_model", json_string("Apple M1"));
  json_object_set_new(m, "os", json_string("macOS 14.5"));
  json_object_set_new(m, "kernel", json_string("Darwin 23.5.0"));
  json_object_set_new(m, "arch", json_string("arm64"));
}

/* Another virtual machine of the same CI runner type. */
static void other_host(json_t *doc)
{
  json_object_set_new(json_object_get(doc, "machine"), "hostname",
                      json_string("runner-b"));
}

static void expect_refusal(const char *what, int n, const char *const *dirs, int status,
                           const char *text)
{
  struct mb_error err;
  char out[700];
  int rc;

  snprintf(out, sizeof(out), "%s/refused-%s", base, what);
  rc = merge(&err, out, n, dirs);
  if (rc != status || !strstr(err.text, text))
    fprintf(stderr, "%s: status %d, \"%s\"; expected %d and \"%s\"\n", what, rc,
            err.text, status, text);
  CHECK_EQ_INT(rc, status);
  CHECK(strstr(err.text, text) != NULL);
}

/* The number of "\n\n" separated blocks in a plotdata table. */
static size_t blocks(const char *path)
{
  char *text = mb_test_slurp(path, NULL);
  size_t n = text && text[0] ? 1 : 0;
  const char *p = text;

  while (p && (p = strstr(p, "\n\n\n")) != NULL) {
    n++;
    p += 3;
  }
  free(text);
  return n;
}

int main(void)
{
  char whole[1300], s1[1300], s2[1300], merged[700], line[2800];
  struct mb_error err;

  snprintf(base, sizeof(base), "%s/tests/runner/merge-XXXXXX", MB_BINARY_DIR);
  if (!mkdtemp(base))
    return 1;

  /* --- run --shard and validate --shard -------------------------------- */
  CHECK_EQ_INT(run_into("whole", NULL, DATA "/replay.json", whole, sizeof(whole)), 0);
  CHECK_EQ_INT(run_into("s1", "1/2", DATA "/replay.json", s1, sizeof(s1)), 0);
  CHECK_EQ_INT(run_into("s2", "2/2", DATA "/replay.json", s2, sizeof(s2)), 0);
  {
    char path[1500];
    json_t *doc, *sh;

    snprintf(path, sizeof(path), "%s/run.json", s2);
    doc = json_load_file(path, 0, NULL);
    sh = json_object_get(doc, "shard");
    CHECK_EQ_INT(json_integer_value(json_object_get(sh, "index")), 2);
    CHECK_EQ_INT(json_integer_value(json_object_get(sh, "count")), 2);
    CHECK_EQ_INT(json_integer_value(json_object_get(sh, "calls")), 2);
    CHECK_EQ_INT(json_integer_value(json_object_get(sh, "plan_calls")), 4);
    /* whole repetitions: repetition 1 of every point, at its plan place */
    CHECK_EQ_INT(json_array_size(json_object_get(doc, "calls")), 2);
    CHECK_EQ_INT(json_integer_value(json_object_get(
                     json_array_get(json_object_get(doc, "calls"), 0), "repetition")),
                 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(
                     json_array_get(json_object_get(doc, "calls"), 1), "sequence")),
                 3);
    json_decref(doc);
  }
  {
    const char *a[] = {"validate", "--json", "--no-estimate",
                       "--shard",  "2/2",    DATA "/replay.json"};
    char out[700];
    json_t *all, *doc,
        *want = json_pack("[[I,I],[I,I]]", (json_int_t)0, (json_int_t)1, (json_int_t)1,
                          (json_int_t)1);

    snprintf(out, sizeof(out), "%s/validate.json", base);
    CHECK_EQ_INT(cmd(mb_cmd_validate, out, &err, 6, a), MB_OK);
    all = json_load_file(out, 0, NULL); /* validate --json: always an array */
    doc = json_array_get(all, 0);
    CHECK(json_equal(json_object_get(doc, "calls"), want));
    json_decref(want);
    CHECK_EQ_INT(
        json_integer_value(json_object_get(json_object_get(doc, "shard"), "count")), 2);
    json_decref(all);
  }
  /* Bad K/N: a usage error that says what was expected. */
  {
    static const char *const bad[] = {"0/2", "3/2", "2", "a/b", "1/0", "1/3", "1/2x"};
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
      const char *a[] = {
          "run", "-q", "-o", base, "--shard", bad[i], DATA "/replay.json"};
      int rc = mb_test_command(NULL, mb_cmd_run, 7, a, &err);

      CHECK_EQ_INT(rc, MB_EUSAGE);
      CHECK(strstr(err.text, "shard") != NULL);
    }
    {
      const char *a[] = {
          "run", "-q", "-o", base, "--machine", "a/b", DATA "/replay.json"};

      CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_run, 7, a, &err), MB_EUSAGE);
      CHECK(strstr(err.text, "--machine") != NULL);
    }
  }

  /* A shard's report counts its own calls: no point is "missing" the other
   * shard's repetitions. */
  {
    char out[700];
    const char *r[] = {"report", "-o", out, s1};
    char *text;

    snprintf(out, sizeof(out), "%s/shard-report.md", base);
    CHECK_EQ_INT(cmd(mb_cmd_report, NULL, &err, 4, r), MB_OK);
    text = mb_test_slurp(out, NULL);
    CHECK(text && strstr(text, "shard 1/2 of the plan"));
    CHECK(text && strstr(text, "2 of its 2 calls measured"));
    CHECK(text && !strstr(text, "repetitions measured"));
    free(text);
  }

  /* --- the merge equals the whole run ---------------------------------- */
  {
    const char *dirs[] = {s2, s1}; /* any order */
    char before[1500];
    size_t n0 = 0, n1 = 0;
    char *b0, *b1;

    snprintf(before, sizeof(before), "%s/run.json", s1);
    b0 = mb_test_slurp(before, &n0);
    snprintf(merged, sizeof(merged), "%s/merged", base);
    CHECK_EQ_INT(merge(&err, merged, 2, dirs), MB_OK);
    check_equal_runs(whole, merged, 2);
    b1 = mb_test_slurp(before, &n1);
    CHECK(b0 && b1 && n0 == n1 && memcmp(b0, b1, n0) == 0); /* inputs untouched */
    free(b0);
    free(b1);
  }
  /* report, plotdata and compare take it as a run. */
  {
    char out[700], data[700];
    const char *r[] = {"report", "-o", out, merged};
    const char *p[] = {"plotdata", merged, data};
    const char *c[] = {"compare", whole, merged};

    snprintf(out, sizeof(out), "%s/merged-report.md", base);
    snprintf(data, sizeof(data), "%s/merged-plotdata", base);
    CHECK_EQ_INT(cmd(mb_cmd_report, NULL, &err, 4, r), MB_OK);
    {
      char *text = mb_test_slurp(out, NULL);

      CHECK(text && strstr(text, "merged from 2 shards"));
      free(text);
    }
    CHECK_EQ_INT(cmd(mb_cmd_plotdata, NULL, &err, 3, p), MB_OK);
    if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
      snprintf(line, sizeof(line),
               "MEBENCH='%s/mebench' sh '%s/scripts/plot' '%s' >/dev/null 2>&1",
               MB_BINARY_DIR, MB_SOURCE_DIR, merged);
      CHECK_EQ_INT(system(line), 0);
    }
    snprintf(out, sizeof(out), "%s/compare.txt", base);
    CHECK_EQ_INT(cmd(mb_cmd_compare, out, &err, 3, c), MB_OK);
    {
      char bdir[700];
      const char *b[] = {"baseline", "--dir", bdir, merged, "merged"};

      snprintf(bdir, sizeof(bdir), "%s/baselines", base);
      CHECK_EQ_INT(cmd(mb_cmd_baseline, NULL, &err, 5, b), MB_OK);
    }
  }

  /* A shuffled plan in three shards merges to the whole run too. */
  {
    char dir[700], exp_path[800], w3[1300], k[3][1300], out[700];
    const char *dirs[3];
    char *text = mb_test_slurp(DATA "/replay.json", NULL);
    char *at = text ? strstr(text, "\"interleaved\"") : NULL;
    int i;

    snprintf(dir, sizeof(dir), "%s/shuffled", base);
    CHECK(mkdir(dir, 0755) == 0);
    snprintf(line, sizeof(line), "cp '%s/timings.txt' '%s/'", DATA, dir);
    CHECK_EQ_INT(system(line), 0);
    CHECK(at != NULL);
    if (at) {
      char doc[4096];

      snprintf(doc, sizeof(doc), "%.*s{\"kind\": \"shuffled\", \"seed\": 11}%s",
               (int)(at - text), text, at + strlen("\"interleaved\""));
      /* three repetitions */
      at = strstr(doc, "\"repetitions\": 2");
      CHECK(at != NULL);
      if (at)
        at[strlen("\"repetitions\": ")] = '3';
      snprintf(exp_path, sizeof(exp_path), "%s/shuffled.json", dir);
      CHECK_EQ_INT(mb_test_write_text(exp_path, doc), 0);
    }
    free(text);
    CHECK_EQ_INT(run_into("w3", NULL, exp_path, w3, sizeof(w3)), 0);
    for (i = 0; i < 3; i++) {
      char name[16], shard[8];

      snprintf(name, sizeof(name), "k%d", i + 1);
      snprintf(shard, sizeof(shard), "%d/3", i + 1);
      CHECK_EQ_INT(run_into(name, shard, exp_path, k[i], sizeof(k[i])), 0);
      dirs[i] = k[i];
    }
    snprintf(out, sizeof(out), "%s/merged3", base);
    CHECK_EQ_INT(merge(&err, out, 3, dirs), MB_OK);
    check_equal_runs(w3, out, 3);

    /* --- refusals ---------------------------------------------------------- */
    {
      const char *foreign[] = {s1, k[1]};

      char reseeded[1300];
      const char *seeds[3] = {k[0], reseeded, k[2]};

      expect_refusal("foreign", 2, foreign, MB_EMISMATCH, "different experiments");
      copy_run(k[1], "k2-seed", reseeded, sizeof(reseeded), other_seed);
      expect_refusal("seed", 3, seeds, MB_EMISMATCH, "scheduled the plan differently");
    }
  }
  {
    const char *missing[] = {s1};
    const char *overlap[] = {s1, s2, s1};
    const char *split[] = {s1, whole};
    char build[1300], coll[1300], part[1300];

    expect_refusal("missing", 1, missing, MB_EINVALID, "missing shard 2/2");
    expect_refusal("overlap", 3, overlap, MB_EINVALID, "overlapping shards");
    expect_refusal("split", 2, split, MB_EINVALID, "split the plan the same way");
    copy_run(s2, "s2-build", build, sizeof(build), other_build);
    copy_run(s2, "s2-collector", coll, sizeof(coll), other_collector);
    copy_run(s2, "s2-interrupted", part, sizeof(part), interrupted);
    {
      const char *b[] = {s1, build}, *c[] = {s1, coll}, *p[] = {s1, part};

      expect_refusal("build", 2, b, MB_EMISMATCH, "different mebench builds");
      expect_refusal("collector", 2, c, MB_EMISMATCH, "different collectors");
      expect_refusal("interrupted", 2, p, MB_EINVALID, "not complete");
    }
    {
      const char *dirs[] = {s1, s2};

      expect_refusal("exists", 0, dirs, MB_EUSAGE, "missing RESULTS_DIR");
      CHECK_EQ_INT(merge(&err, merged, 2, dirs), MB_EEXISTS);
    }
  }

  /* A shard resumed stays its shard and measures what it would have. */
  {
    char copy[1300];
    const char *a[] = {"run", "-q", "--resume", copy};
    struct mb_rundir x, y;

    copy_run(s2, "s2-resumed", copy, sizeof(copy), lose_last_call);
    CHECK_EQ_INT(cmd(mb_cmd_run, NULL, &err, 4, a), MB_OK);
    CHECK_EQ_INT(mb_rundir_load(s2, &x, &err), MB_OK);
    CHECK_EQ_INT(mb_rundir_load(copy, &y, &err), MB_OK);
    CHECK_EQ_INT(y.n_calls, 2);
    CHECK(x.n_calls == 2 && y.n_calls == 2 && x.calls[1].repetition == 1 &&
          y.calls[1].repetition == 1 && same(x.calls[1].h_raw, y.calls[1].h_raw) &&
          same(x.calls[1].h_bytes, y.calls[1].h_bytes));
    CHECK(json_object_get(y.root, "shard") != NULL);
    mb_rundir_cleanup(&x);
    mb_rundir_cleanup(&y);
  }

  /* --- a two-machine study ----------------------------------------------- */
  {
    char mac[700], exp_path[800], raw[1500], m1[1300], m2[1300], p1[1300], p2[1300];
    char study[700], study2[700], out[700], data[700], path[1300];
    struct mb_raw_meta meta;
    struct mb_collection c;
    const char *parts[] = {whole, p2, p1};
    json_t *doc;

    /* The same experiment file, its replay path ("timings.txt") now a
     * directory of recordings made with Apple silicon's tick (125/3 ns), one
     * per call of the whole run: same bytes, so the same experiment. */
    snprintf(mac, sizeof(mac), "%s/mac", base);
    CHECK(mkdir(mac, 0755) == 0);
    snprintf(line, sizeof(line), "cp '%s/replay.json' '%s/'", DATA, mac);
    CHECK_EQ_INT(system(line), 0);
    snprintf(exp_path, sizeof(exp_path), "%s/replay.json", mac);
    snprintf(raw, sizeof(raw), "%s/timings.txt", mac);
    CHECK(mkdir(raw, 0755) == 0);
    {
      static const char *const names[] = {"p0-r0", "p0-r1", "p1-r0", "p1-r1"};
      size_t i;

      for (i = 0; i < 4; i++) {
        snprintf(raw, sizeof(raw), "%s/raw/%s.mbr", whole, names[i]);
        mb_collection_init(&c);
        CHECK_EQ_INT(mb_rawfile_read(raw, &meta, &c, &err), MB_OK);
        meta.tick_num = 125;
        meta.tick_den = 3;
        snprintf(raw, sizeof(raw), "%s/timings.txt/%s.mbr", mac, names[i]);
        CHECK_EQ_INT(mb_rawfile_write(raw, &meta, &c, &err), MB_OK);
        mb_collection_cleanup(&c);
      }
    }
    CHECK_EQ_INT(run_into("mac1", "1/2", exp_path, m1, sizeof(m1)), 0);
    CHECK_EQ_INT(run_into("mac2", "2/2", exp_path, m2, sizeof(m2)), 0);
    copy_run(m1, "mac-lab-1", p1, sizeof(p1), on_a_mac);
    copy_run(m2, "mac-lab-2", p2, sizeof(p2), on_a_mac);

    snprintf(study, sizeof(study), "%s/study", base);
    CHECK_EQ_INT(merge(&err, study, 3, parts), MB_OK);
    snprintf(path, sizeof(path), "%s/study.json", study);
    doc = json_load_file(path, 0, NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(doc, "schema")), "mebench-study/1");
    CHECK_EQ_INT(json_array_size(json_object_get(doc, "machines")), 2);
    {
      json_t *mm = json_array_get(json_object_get(doc, "machines"), 1);

      CHECK_EQ_STR(json_string_value(json_object_get(mm, "label")), "mac-lab");
      CHECK_EQ_STR(json_string_value(json_object_get(mm, "cpu_model")), "Apple M1");
      CHECK_EQ_INT(
          json_integer_value(json_object_get(json_object_get(mm, "clock"), "tick_num")),
          125);
      CHECK_EQ_INT(json_integer_value(json_object_get(mm, "shards")), 2);
    }
    json_decref(doc);
    /* Raw files stay with their machine and clock. */
    snprintf(path, sizeof(path), "%s/machines/mac-lab/raw/p1-r1.mbr", study);
    mb_collection_init(&c);
    CHECK_EQ_INT(mb_rawfile_read(path, &meta, &c, &err), MB_OK);
    CHECK_EQ_U64(meta.tick_num, 125);
    mb_collection_cleanup(&c);
    /* The Mac's times are its own ticks in ns (125/3 ns each). */
    {
      struct mb_rundir b;
      char mdir[1500];
      size_t i;

      snprintf(mdir, sizeof(mdir), "%s/machines/mac-lab", study);
      CHECK_EQ_INT(mb_rundir_load(mdir, &b, &err), MB_OK);
      CHECK_EQ_INT(b.n_calls, 4);
      CHECK_NEAR(b.tick_ns, 125.0 / 3.0, 1e-12);
      for (i = 0; i < b.n_calls; i++)
        CHECK_NEAR(b.calls[i].ns_per_op, b.calls[i].raw_p50 * 125.0 / 3.0, 1e-6);
      CHECK(b.n_points == 2 && b.points[0].ns_per_op.med > 0);
      mb_rundir_cleanup(&b);
    }

    /* Named machines (run --machine): shards of one name from two hosts
     * are one machine; one name with two clocks is refused. */
    {
      char n1[1300], n2[1300], n2b[1300], nmac[1300], out1[700], path1[1500];
      const char *same_name[] = {n1, n2b}, *two_clocks[] = {n1, nmac};
      struct mb_rundir rd;
      json_t *from;

      CHECK_EQ_INT(
          run_named("n1", "ci-linux", "1/2", DATA "/replay.json", n1, sizeof(n1)), 0);
      CHECK_EQ_INT(
          run_named("n2", "ci-linux", "2/2", DATA "/replay.json", n2, sizeof(n2)), 0);
      CHECK_EQ_INT(run_named("nmac", "ci-linux", "2/2", exp_path, nmac, sizeof(nmac)),
                   0);
      copy_run(n2, "n2-other-host", n2b, sizeof(n2b), other_host);
      snprintf(out1, sizeof(out1), "%s/named", base);
      CHECK_EQ_INT(merge(&err, out1, 2, same_name), MB_OK);
      snprintf(path1, sizeof(path1), "%s/study.json", out1);
      CHECK(access(path1, F_OK) != 0); /* one machine: a run, not a study */
      CHECK_EQ_INT(mb_rundir_load(out1, &rd, &err), MB_OK);
      CHECK_EQ_INT(rd.n_calls, 4);
      from = json_object_get(json_object_get(rd.root, "merged"), "from");
      CHECK_EQ_STR(
          json_string_value(json_object_get(
              json_object_get(json_array_get(from, 1), "machine"), "hostname")),
          "runner-b");
      mb_rundir_cleanup(&rd);
      check_equal_runs(whole, out1, 2);
      expect_refusal("two-clocks", 2, two_clocks, MB_EMISMATCH, "different clocks");
    }

    /* report: provenance and a section per machine */
    {
      const char *r[] = {"report", "-o", out, study};
      char *text;

      snprintf(out, sizeof(out), "%s/study-report.md", base);
      CHECK_EQ_INT(cmd(mb_cmd_report, NULL, &err, 4, r), MB_OK);
      text = mb_test_slurp(out, NULL);
      CHECK(text && strstr(text, "a study of 2 machines"));
      CHECK(text && strstr(text, "## Machine mac-lab"));
      CHECK(text && strstr(text, "| mac-lab | mac-lab | Apple M1 | macOS 14.5 |"));
      CHECK(text && strstr(text, "125/3 = 41.6667"));
      CHECK(text && strstr(text, "study-entropy-num_ports.png"));
      CHECK(text && strstr(text, "## Machines side by side"));
      free(text);
    }
    {
      const char *r[] = {"report", "--format", "latex", "-o", out, study};
      char *text;

      snprintf(out, sizeof(out), "%s/study-report.tex", base);
      CHECK_EQ_INT(cmd(mb_cmd_report, NULL, &err, 6, r), MB_OK);
      text = mb_test_slurp(out, NULL);
      CHECK(text && strstr(text, "\\begin{tabular}{lrrrr}"));
      CHECK(text && strstr(text, "mac-lab (Apple M1, replay, tick 41.6667~ns)"));
      free(text);
    }
    /* plotdata: one series per machine */
    {
      const char *p[] = {"plotdata", study, data};
      char *vars, *figs;

      snprintf(data, sizeof(data), "%s/study-plotdata", base);
      CHECK_EQ_INT(cmd(mb_cmd_plotdata, NULL, &err, 3, p), MB_OK);
      snprintf(path, sizeof(path), "%s/study-axis-num_ports.gp", data);
      vars = mb_test_slurp(path, NULL);
      CHECK(vars && strstr(vars, "nser = 2\n"));
      CHECK(vars && strstr(vars, "ser[2] = 'mac-lab'\n"));
      free(vars);
      snprintf(path, sizeof(path), "%s/study-axis-num_ports.dat", data);
      CHECK_EQ_INT(blocks(path), 2);
      snprintf(path, sizeof(path), "%s/figures.tsv", data);
      figs = mb_test_slurp(path, NULL);
      CHECK(figs && strstr(figs, "entropy.gp\tstudy-entropy-num_ports\t"));
      CHECK(figs && strstr(figs, "optime.gp\tstudy-optime-num_ports\t"));
      CHECK(figs && strstr(figs, "entropy.gp\tstudy-entropy-machine\t"));
      free(figs);
    }
    /* compare: two studies machine by machine; a study with a run: refused */
    {
      const char *again[] = {p1, whole, p2};
      const char *cmp[] = {"compare", study, study2};
      const char *mixed[] = {"compare", study, whole};

      snprintf(study2, sizeof(study2), "%s/study2", base);
      CHECK_EQ_INT(merge(&err, study2, 3, again), MB_OK);
      snprintf(out, sizeof(out), "%s/study-compare.txt", base);
      CHECK_EQ_INT(cmd(mb_cmd_compare, out, &err, 3, cmp), MB_OK);
      {
        const char *nested[] = {study, whole};

        expect_refusal("study-input", 2, nested, MB_EINVALID, "a study, not a run");
      }
      {
        char *text = mb_test_slurp(out, NULL);

        CHECK(text && strstr(text, "machine mac-lab:"));
        free(text);
      }
      CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_compare, 3, mixed, &err), MB_EMISMATCH);
    }
    /* A study.json that points outside the study, or is of another schema,
     * is refused naming the JSON path. */
    {
      static const char *const bad[][2] = {
          {"dir", "../../elsewhere"}, {"label", "../x"}, {"schema", "mebench-study/9"}};
      size_t i;

      for (i = 0; i < 3; i++) {
        char copy[800], sj[900];
        const char *r[] = {"report", "-o", "-", copy};
        json_t *s;

        snprintf(copy, sizeof(copy), "%s/study-bad-%zu", base, i);
        snprintf(line, sizeof(line), "cp -r '%s' '%s'", study, copy);
        CHECK_EQ_INT(system(line), 0);
        snprintf(sj, sizeof(sj), "%s/study.json", copy);
        s = json_load_file(sj, 0, NULL);
        if (i < 2)
          json_object_set_new(json_array_get(json_object_get(s, "machines"), 0),
                              bad[i][0], json_string(bad[i][1]));
        else
          json_object_set_new(s, bad[i][0], json_string(bad[i][1]));
        json_dump_file(s, sj, JSON_INDENT(2));
        json_decref(s);
        CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_report, 4, r, &err), MB_EINVALID);
        CHECK(strstr(err.path, i < 2 ? "machines[0]" : "schema") != NULL);
      }
    }

    /* scripts/plot draws the study's figures (when gnuplot is here). */
    if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
      snprintf(line, sizeof(line),
               "MEBENCH='%s/mebench' sh '%s/scripts/plot' '%s' >/dev/null 2>&1",
               MB_BINARY_DIR, MB_SOURCE_DIR, study);
      CHECK_EQ_INT(system(line), 0);
      snprintf(path, sizeof(path), "%s/plots/study-entropy-num_ports.png", study);
      CHECK(access(path, R_OK) == 0);
      snprintf(path, sizeof(path), "%s/plots/study-optime-machine.svg", study);
      CHECK(access(path, R_OK) == 0);
    } else {
      printf("note: gnuplot not found; scripts/plot of the study not drawn\n");
    }
  }

  if (mb_check_failed == 0)
    mb_test_rmtree(base);
  return CHECK_DONE();
}
