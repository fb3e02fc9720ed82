/* test_iid_run.c: the SP 800-90B additions end to end on the replay
 * collector: a run with analysis.iid and health_alpha records the IID track
 * per call and the health tests per point (run.json, summary.csv, report),
 * the replay counts equal an independent replay of the raw files, `mebench
 * export` writes the calls as sample files (refusing to overwrite without
 * --force), and `mebench restart` collects a 1000 x 1000 matrix whose
 * analysis `restart --matrix` repeats. */
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "commands.h"
#include "health.h"
#include "rawfile.h"
#include "source.h"
#include "testutil.h"

#define DATA MB_SOURCE_DIR "/tests/data/runner"

static char base[512];

static int find_run(const char *parent, char *out, size_t n)
{
  DIR *d = opendir(parent);
  char full[8192];
  struct dirent *e;
  int found = 0;

  while (d && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(full, sizeof(full), "%.4000s/%.255s", parent, e->d_name);
    snprintf(out, n, "%s", full);
    found++;
  }
  if (d)
    closedir(d);
  return found;
}

static long file_size(const char *path)
{
  struct stat st;

  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void check_run(const char *run)
{
  char path[8192];
  json_t *doc, *health, *calls, *c;
  json_error_t jerr;
  size_t i, p;
  char *csv;
  size_t n;

  snprintf(path, sizeof(path), "%.2000s/run.json", run);
  doc = json_load_file(path, 0, &jerr);
  CHECK(doc != NULL);
  if (!doc)
    return;
  calls = json_object_get(doc, "calls");
  health = json_object_get(doc, "health");
  CHECK_EQ_INT(json_array_size(calls), 4);
  CHECK_EQ_INT(json_array_size(health), 2);
  json_array_foreach(calls, i, c)
  {
    json_t *r = json_object_get(json_object_get(c, "entropy"), "raw_iid");

    CHECK(json_is_boolean(json_object_get(r, "iid")));
    CHECK(json_is_number(json_object_get(r, "h_assessed")));
    CHECK(json_is_object(json_object_get(r, "permutation_tests")));
  }
  /* Each point's cut-offs and counts, recomputed from the raw files. */
  for (p = 0; p < 2; p++) {
    json_t *h = json_array_get(health, p);
    double hs[2];
    size_t m = 0;
    struct mb_health_cutoffs cut;
    struct mb_health_counts k;
    struct mb_collection coll;
    int binary = 0;

    memset(&k, 0, sizeof(k));
    mb_collection_init(&coll);
    json_array_foreach(calls, i, c)
    {
      if (json_integer_value(json_object_get(c, "point")) == (json_int_t)p) {
        json_t *raw = json_object_get(json_object_get(c, "entropy"), "raw");

        hs[m++] = json_number_value(json_object_get(raw, "h_assessed"));
        binary = json_is_true(json_object_get(raw, "binary"));
      }
    }
    CHECK_EQ_INT(m, 2);
    CHECK_EQ_INT(mb_health_cutoffs((hs[0] + hs[1]) / 2, 0.01, binary, &cut), 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(h, "rct_cutoff")), cut.rct);
    CHECK_EQ_INT(json_integer_value(json_object_get(h, "apt_cutoff")), cut.apt);
    json_array_foreach(calls, i, c)
    {
      struct mb_raw_meta meta;
      uint8_t *s;
      size_t j;

      if (json_integer_value(json_object_get(c, "point")) != (json_int_t)p)
        continue;
      snprintf(path, sizeof(path), "%.2000s/%.1000s", run,
               json_string_value(json_object_get(c, "raw_file")));
      CHECK_EQ_INT(mb_rawfile_read(path, &meta, &coll, NULL), MB_OK);
      s = malloc(coll.n_timings);
      for (j = 0; s && j < coll.n_timings; j++)
        s[j] = (uint8_t)(coll.timings[j] & 15u);
      mb_health_replay(s, coll.n_timings, &cut, &k);
      free(s);
    }
    mb_collection_cleanup(&coll);
    CHECK_EQ_INT(json_integer_value(json_object_get(h, "rct_fired")), k.rct_fired);
    CHECK_EQ_INT(json_integer_value(json_object_get(h, "apt_fired")), k.apt_fired);
    CHECK_EQ_INT(json_integer_value(json_object_get(h, "samples")), k.samples);
    CHECK(json_is_boolean(json_object_get(h, "flagged")));
  }
  snprintf(path, sizeof(path), "%.2000s/summary.csv", run);
  csv = mb_test_slurp(path, &n);
  CHECK(csv &&
        strstr(csv, ",rct_cutoff,apt_cutoff,rct_fired,apt_fired,health_flagged\n"));
  free(csv);
  json_decref(doc);
}

int main(void)
{
  char exp[700], out[700], run[8192], path[8192], rdir[700], matrix[1400];
  struct mb_error err;
  FILE *f;
  int rc;

  snprintf(base, sizeof(base), "/tmp/mb_iid_run.XXXXXX");
  if (!mkdtemp(base))
    MB_SKIP("cannot make a temporary directory");
  snprintf(exp, sizeof(exp), "%s/iid.json", base);
  snprintf(out, sizeof(out), "%s/results", base);
  f = fopen(exp, "w");
  if (!f)
    return 1;
  fprintf(
      f,
      "{\"name\": \"iidrun\", \"source\": \"replay\", \"replay\": \"%s/timings.txt\","
      " \"samples\": 250, \"repetitions\": 2, \"warmup\": 0,"
      " \"sweep\": {\"num_ports\": [1, 8]},"
      " \"analysis\": {\"raw_bits\": 4, \"estimators\": [\"mcv\"], \"iid\": true,"
      " \"health_alpha\": 0.01}, \"output\": \"%s\"}\n",
      DATA, out);
  fclose(f);
  {
    const char *args[] = {"run", "--quiet", exp};

    rc = mb_test_command(NULL, mb_cmd_run, 3, args, &err);
    CHECK_EQ_INT(rc, MB_OK);
  }
  snprintf(path, sizeof(path), "%.700s/iidrun", out);
  CHECK_EQ_INT(find_run(path, run, sizeof(run)), 1);
  check_run(run);

  /* The report has the health section. */
  {
    const char *args[] = {"report", "--output", "-", run};
    char *text;
    size_t n;

    snprintf(path, sizeof(path), "%s/report.md", base);
    CHECK_EQ_INT(mb_test_command(path, mb_cmd_report, 4, args, &err), MB_OK);
    text = mb_test_slurp(path, &n);
    CHECK(text && strstr(text, "## Health tests (SP 800-90B 4.4)"));
    CHECK(text && strstr(text, "| 0 |"));
    free(text);
  }

  /* Export: the raw symbols of call p0-r0 as one byte each. */
  {
    const char *args[] = {"export", run, rdir};
    const char *force[] = {"export", "--force", run, rdir};

    snprintf(rdir, sizeof(rdir), "%s/export", base);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 3, args, &err), MB_OK);
    snprintf(path, sizeof(path), "%s/p0-r0.raw4.bin", rdir);
    CHECK_EQ_INT(file_size(path), 4 * 250 + 64);
    snprintf(path, sizeof(path), "%s/p1-r1.bytes.bin", rdir);
    CHECK_EQ_INT(file_size(path), 250);
    snprintf(path, sizeof(path), "%s/index.tsv", rdir);
    CHECK(file_size(path) > 0);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 3, args, &err), MB_EEXISTS);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 4, force, &err), MB_OK);
  }
  /* Export again with --force and another width: the earlier export's raw4
   * files go, so index.tsv lists exactly the exported files in DIR; a file
   * the earlier index did not list (not mebench's) stays. */
  {
    const char *again[] = {"export", "--force", "--raw-bits", "2", run, rdir};
    char *idx;

    snprintf(path, sizeof(path), "%s/p7-r7.raw4.bin", rdir);
    CHECK(mb_test_write_text(path, "mine\n") == 0);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 6, again, &err), MB_OK);
    CHECK_EQ_INT(file_size(path), 5);
    snprintf(path, sizeof(path), "%s/p0-r0.raw4.bin", rdir);
    CHECK_EQ_INT(file_size(path), -1);
    snprintf(path, sizeof(path), "%s/p0-r0.raw2.bin", rdir);
    CHECK_EQ_INT(file_size(path), 4 * 250 + 64);
    snprintf(path, sizeof(path), "%s/p1-r1.bytes.bin", rdir);
    CHECK_EQ_INT(file_size(path), 250);
    snprintf(path, sizeof(path), "%s/index.tsv", rdir);
    idx = mb_test_slurp(path, NULL);
    CHECK(idx && strstr(idx, "raw4") == NULL &&
          strstr(idx, "p0-r0.raw2.bin\t") != NULL);
    free(idx);
  }
  /* --force replaces only the earlier export's files: at a name this export
   * would write, a regular file its index.tsv does not list, a symbolic
   * link (even at a listed name), a FIFO or a directory is refused (exit 1,
   * MB_EEXISTS, naming it) before anything is written, and left as it was. */
  {
    const char *w3[] = {"export", "--force", "--raw-bits", "3", run, rdir};
    char target[8192], idx_path[8192], mine[8192], lnk[8192], fifo[8192], sub[8192];
    char bytes[8192];
    char *idx_before = NULL, *idx_after, *text;
    struct stat st;

    snprintf(idx_path, sizeof(idx_path), "%s/index.tsv", rdir);
    idx_before = mb_test_slurp(idx_path, NULL);
    snprintf(target, sizeof(target), "%s/target", base);
    CHECK(mb_test_write_text(target, "target\n") == 0);
    snprintf(mine, sizeof(mine), "%s/p0-r0.raw3.bin", rdir);
    snprintf(lnk, sizeof(lnk), "%s/p0-r1.raw3.bin", rdir);
    snprintf(fifo, sizeof(fifo), "%s/p1-r0.raw3.bin", rdir);
    snprintf(sub, sizeof(sub), "%s/p1-r1.raw3.bin", rdir);
    snprintf(bytes, sizeof(bytes), "%s/p1-r1.bytes.bin", rdir);

    /* One obstacle at a time, so each is seen refused. */
    CHECK(mb_test_write_text(mine, "mine\n") == 0);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 6, w3, &err), MB_EEXISTS);
    CHECK_EQ_STR(err.source, mine);
    CHECK(strstr(err.text, "does not list") != NULL);
    CHECK(lstat(mine, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5);
    CHECK(unlink(mine) == 0);

    CHECK(symlink(target, lnk) == 0);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 6, w3, &err), MB_EEXISTS);
    CHECK_EQ_STR(err.source, lnk);
    CHECK(strstr(err.text, "symbolic link") != NULL);
    CHECK(lstat(lnk, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK_EQ_INT(file_size(target), 7);
    CHECK(unlink(lnk) == 0);

    CHECK(mkfifo(fifo, 0600) == 0);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 6, w3, &err), MB_EEXISTS);
    CHECK_EQ_STR(err.source, fifo);
    CHECK(strstr(err.text, "FIFO") != NULL);
    CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK(unlink(fifo) == 0);

    CHECK(mkdir(sub, 0700) == 0);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 6, w3, &err), MB_EEXISTS);
    CHECK_EQ_STR(err.source, sub);
    CHECK(strstr(err.text, "directory") != NULL);
    CHECK(lstat(sub, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(rmdir(sub) == 0);

    /* A name the earlier index lists, but now a link: not replaced either. */
    CHECK(unlink(bytes) == 0);
    CHECK(symlink(target, bytes) == 0);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 6, w3, &err), MB_EEXISTS);
    CHECK_EQ_STR(err.source, bytes);
    CHECK(strstr(err.text, "symbolic link") != NULL);
    CHECK(lstat(bytes, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK_EQ_INT(file_size(target), 7);

    /* Nothing was written by the refused exports: no raw3 file, the
     * earlier export (raw2) and its index as they were. */
    snprintf(path, sizeof(path), "%s/p1-r0.raw3.bin", rdir);
    CHECK(lstat(path, &st) != 0);
    snprintf(path, sizeof(path), "%s/p0-r0.raw2.bin", rdir);
    CHECK_EQ_INT(file_size(path), 4 * 250 + 64);
    idx_after = mb_test_slurp(idx_path, NULL);
    CHECK(idx_before && idx_after && strcmp(idx_before, idx_after) == 0);
    free(idx_after);

    /* An index.tsv that is a link is not an earlier export's: refused. */
    CHECK(unlink(bytes) == 0);
    CHECK(rename(idx_path, target) == 0);
    CHECK(symlink(target, idx_path) == 0);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 6, w3, &err), MB_EEXISTS);
    CHECK_EQ_STR(err.source, idx_path);
    CHECK(strstr(err.text, "symbolic link") != NULL);
    CHECK(lstat(idx_path, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(unlink(idx_path) == 0 && rename(target, idx_path) == 0);

    /* The obstacles gone, the same export replaces the earlier one. */
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 6, w3, &err), MB_OK);
    CHECK_EQ_INT(file_size(mine), 4 * 250 + 64);
    CHECK_EQ_INT(file_size(bytes), 250);
    snprintf(path, sizeof(path), "%s/p0-r0.raw2.bin", rdir);
    CHECK_EQ_INT(file_size(path), -1);
    text = mb_test_slurp(idx_path, NULL);
    CHECK(text && strstr(text, "p1-r1.raw3.bin\t") && !strstr(text, "raw2"));
    free(text);
    free(idx_before);
  }
  /* DIR an existing regular file: invalid input (exit 3), left as it was. */
  {
    const char *onfile[] = {"export", run, path};

    snprintf(path, sizeof(path), "%s/r.out", base);
    CHECK(mb_test_write_text(path, "keep\n") == 0);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_export, 3, onfile, &err), MB_EINVALID);
    CHECK(strstr(err.text, "directory") != NULL);
    CHECK_EQ_INT(file_size(path), 5);
  }

  /* Restart: 1,000 replayed calls of one point, then its matrix again. */
  {
    const char *args[] = {"restart", "--output", rdir, "--h-initial", "2", exp};
    const char *again[] = {"restart", "--json", "--matrix", matrix, "--h-initial", "2"};
    json_t *doc, *pt, *m;
    json_error_t jerr;

    snprintf(rdir, sizeof(rdir), "%s/restart", base);
    snprintf(path, sizeof(path), "%s/r.out", base);
    CHECK_EQ_INT(mb_test_command(path, mb_cmd_restart, 6, args, &err), MB_OK);
    snprintf(matrix, sizeof(matrix), "%s/p0.restart.bin", rdir);
    CHECK_EQ_INT(file_size(matrix), 1000000);
    snprintf(path, sizeof(path), "%s/restart.json", rdir);
    doc = json_load_file(path, 0, &jerr);
    pt = json_array_get(json_object_get(doc, "points"), 0);
    CHECK(json_is_boolean(json_object_get(pt, "sanity_pass")));
    CHECK_EQ_INT(json_array_size(json_object_get(doc, "points")), 2);
    snprintf(path, sizeof(path), "%s/m.out", base);
    CHECK_EQ_INT(mb_test_command(path, mb_cmd_restart, 6, again, &err), MB_OK);
    m = json_load_file(path, 0, &jerr);
    CHECK(m != NULL);
    CHECK_EQ_INT(json_integer_value(json_object_get(m, "x_max")),
                 json_integer_value(json_object_get(pt, "x_max")));
    CHECK_EQ_INT(json_integer_value(json_object_get(m, "x_cutoff")),
                 json_integer_value(json_object_get(pt, "x_cutoff")));
    CHECK_EQ_INT(json_is_true(json_object_get(m, "pass")),
                 json_is_true(json_object_get(pt, "pass")));
    json_decref(m);
    json_decref(doc);
    /* A second collection into the same place is refused, not overwritten,
     * and before any call: the refusal names a file of this directory. */
    CHECK(mb_test_command(NULL, mb_cmd_restart, 6, args, &err) == MB_EEXISTS);
    CHECK(strstr(err.text, "nothing was collected") != NULL);
    CHECK_EQ_INT(file_size(matrix), 1000000);
    /* Options that would change nothing are refused, not ignored. */
    {
      const char *out_with_matrix[] = {"restart", "--matrix", matrix, "--output", rdir};
      const char *bits_with_exp[] = {"restart", "--bits", "2", exp};
      const char *seed_without_iid[] = {"assess", "--seed", "3", matrix};
      const char *est_with_iid[] = {"assess", "--iid", "--estimators", "lrs", matrix};

      CHECK(mb_test_command(NULL, mb_cmd_restart, 5, out_with_matrix, &err) ==
            MB_EUSAGE);
      CHECK(mb_test_command(NULL, mb_cmd_restart, 4, bits_with_exp, &err) == MB_EUSAGE);
      CHECK(mb_test_command(NULL, mb_cmd_assess, 4, seed_without_iid, &err) ==
            MB_EUSAGE);
      CHECK(strstr(err.text, "--iid") != NULL);
      CHECK(mb_test_command(NULL, mb_cmd_assess, 5, est_with_iid, &err) == MB_EUSAGE);
    }
    /* An output that is a file, not a directory: invalid input, at once. */
    {
      const char *onto[] = {"restart", "--output", matrix, "--h-initial", "2", exp};

      CHECK(mb_test_command(NULL, mb_cmd_restart, 6, onto, &err) == MB_EINVALID);
      CHECK(strstr(err.text, "not a directory") != NULL);
      CHECK_EQ_INT(file_size(matrix), 1000000);
    }
  }
  mb_test_rmtree(base);
  return CHECK_DONE();
}
