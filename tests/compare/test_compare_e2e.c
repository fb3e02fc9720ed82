/* test_compare_e2e.c: compare and baseline on real run.json files: two runs
 * of the runner's replay experiment (tests/data/runner/replay.json), made by
 * `mebench run` in-process, then baselined, pooled and compared. Replay
 * plays the same timings, so the entropies are equal and nothing may
 * regress; this catches any drift between the runner's format and what
 * compare reads. */
#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "compare.h"
#include "testutil.h"

/* The run directories under root/replay_runner, sorted by name (time). */
static size_t find_runs(const char *root, char out[][700], size_t max)
{
  char parent[600];
  DIR *d;
  struct dirent *e;
  size_t n = 0, i, j;

  snprintf(parent, sizeof(parent), "%s/replay_runner", root);
  d = opendir(parent);
  if (!d)
    return 0;
  while ((e = readdir(d)) != NULL && n < max) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(out[n++], 700, "%s/%.80s", parent, e->d_name);
  }
  closedir(d);
  for (i = 1; i < n; i++)
    for (j = i; j > 0 && strcmp(out[j - 1], out[j]) > 0; j--) {
      char t[700];

      memcpy(t, out[j], sizeof(t));
      memcpy(out[j], out[j - 1], sizeof(t));
      memcpy(out[j - 1], t, sizeof(t));
    }
  return n;
}

int main(void)
{
  char tmp[] = "/tmp/mb_compare_e2e_XXXXXX";
  char runs[4][700], bl[700], pooled[700];
  const char *exp = MB_SOURCE_DIR "/tests/data/runner/replay.json";
  struct mb_compare_run a, b;
  struct mb_compare_report rep;
  struct mb_compare_options opts;
  struct mb_error err;
  size_t n, i;

  if (!mkdtemp(tmp)) {
    fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  {
    const char *w[] = {"mebench", "run", "--quiet", "--output", tmp, exp};

    CHECK_EQ_INT(mb_test_cli(w, 6), 0);
    /* Run directories are named by the second: make the second run's
     * name differ. */
    sleep(1);
    CHECK_EQ_INT(mb_test_cli(w, 6), 0);
  }
  n = find_runs(tmp, runs, 4);
  CHECK_EQ_INT(n, 2);
  if (n != 2)
    return CHECK_DONE();

  /* Run against run: loads the runner's format, everything unchanged. */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_compare_run_load(runs[0], &a, &err), MB_OK);
  CHECK_EQ_INT(mb_compare_run_load(runs[1], &b, &err), MB_OK);
  CHECK_EQ_STR(a.source, "replay");
  CHECK_EQ_STR(a.experiment, "replay_runner");
  CHECK_EQ_INT(a.n_points, 2);
  CHECK_EQ_INT(a.raw_bits, 4);
  CHECK_EQ_INT(a.bitstring, 1);
  CHECK_EQ_STR(a.estimators, "mcv,collision,markov,compression");
  CHECK_EQ_INT(a.points[0].count[MB_CMP_H_BYTES], 2);
  CHECK_EQ_INT(a.points[0].count[MB_CMP_H_RAW], 2);
  mb_compare_options_init(&opts);
  CHECK_EQ_INT(mb_compare_runs(&a, &b, &opts, &rep, &err), MB_OK);
  CHECK_EQ_INT(rep.n_rows, 2);
  CHECK_EQ_INT(rep.n_unchanged, 2);
  for (i = 0; i < rep.n_rows; i++) {
    CHECK_NEAR(rep.rows[i].stat[MB_CMP_H_BYTES].change, 0, 0);
    CHECK_NEAR(rep.rows[i].stat[MB_CMP_H_RAW].change, 0, 0);
    CHECK(rep.rows[i].stat[MB_CMP_H_BYTES].cur_median > 0);
    CHECK_EQ_INT(rep.rows[i].untestable, 1); /* 2 + 2 repetitions */
  }
  mb_compare_report_cleanup(&rep);
  mb_compare_run_cleanup(&a);
  mb_compare_run_cleanup(&b);

  /* Baseline of one run, and pooled from both; compare them with a run. */
  {
    const char *one[] = {"mebench", "baseline", runs[0], "replay-one", "--dir", tmp};
    const char *both[] = {"mebench",     "baseline", runs[0], runs[1],
                          "replay-both", "--dir",    tmp};

    CHECK_EQ_INT(mb_test_cli(one, 6), 0);
    CHECK_EQ_INT(mb_test_cli(both, 7), 0);
  }
  snprintf(bl, sizeof(bl), "%s/replay-one.json", tmp);
  snprintf(pooled, sizeof(pooled), "%s/replay-both.json", tmp);
  {
    const char *w1[] = {"mebench", "compare", bl, runs[1]};
    const char *w2[] = {"mebench", "compare", pooled, runs[1], "--json"};
    const char *w3[] = {"mebench", "compare", pooled, runs[0], "--min-entropy", "8"};

    CHECK_EQ_INT(mb_test_cli(w1, 4), 0);
    CHECK_EQ_INT(mb_test_cli(w2, 5), 0);
    CHECK_EQ_INT(mb_test_cli(w3, 6), 5); /* nothing reaches 8 bits per byte */
  }
  mb_error_init(&err);
  CHECK_EQ_INT(mb_compare_run_load(pooled, &a, &err), MB_OK);
  CHECK_EQ_INT(a.points[0].n, 4);
  CHECK_EQ_INT(a.points[1].n, 4);
  mb_compare_run_cleanup(&a);
  mb_test_rmtree(tmp);
  return CHECK_DONE();
}
