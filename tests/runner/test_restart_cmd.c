/* test_restart_cmd.c: `mebench restart` on the replay collector, what it
 * checks before collecting and what it keeps when something goes wrong:
 * an --h-initial above the plan's bits and an unavailable collector are
 * refused before anything is made or collected; a complete collection's
 * restart.json has status, pass, provenance and each point's variant and
 * placement, and the default directory gets no raw/; a point whose matrix
 * cannot be written does not stop the others; a collector error keeps the
 * rows collected before (complete points analysed); --matrix - reads
 * standard input and --matrix --json names its file. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "commands.h"
#include "experiment.h"
#include "restart.h"
#include "source.h"
#include "testutil.h"

#define DATA MB_SOURCE_DIR "/tests/data/runner"

static char base[512];

static long file_size(const char *path)
{
  struct stat st;

  return lstat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The one entry of parent (a results directory's time-host level). */
static int only_entry(const char *parent, char *out, size_t n)
{
  DIR *d = opendir(parent);
  struct dirent *e;
  int found = 0;

  while (d && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(out, n, "%.600s/%.255s", parent, e->d_name);
    found++;
  }
  if (d)
    closedir(d);
  return found;
}

static uint64_t lcg(uint64_t *s)
{
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return *s >> 33;
}

/* Write the experiment printf(FORMAT, ...) makes to path. */
#define WRITE_EXPERIMENT(path, ...)                                                    \
  do {                                                                                 \
    char text_[2000];                                                                  \
                                                                                       \
    snprintf(text_, sizeof(text_), __VA_ARGS__);                                       \
    CHECK_EQ_INT(mb_test_write_text(path, text_), 0);                                  \
  } while (0)

/* --h-initial above the plan's bits, and a collector that cannot run here:
 * refused at once, nothing made. */
static void check_refusals(void)
{
  char exp[700], out[700], root[700];
  const char *high[] = {"restart", "--output", out, "--h-initial", "6", exp};
  const char *high_default[] = {"restart", "--h-initial", "6", exp};
  const char *high_bits[] = {"restart", "--matrix",    exp, "--bits",
                             "4",       "--h-initial", "6"};
  const char *quiet_matrix[] = {"restart", "--quiet", "--matrix", exp};
  struct mb_error err;
  const char *absent = NULL;

  snprintf(exp, sizeof(exp), "%s/high.json", base);
  snprintf(out, sizeof(out), "%s/high-out", base);
  snprintf(root, sizeof(root), "%s/high-root", base);
  WRITE_EXPERIMENT(exp,
                   "{\"name\": \"high\", \"source\": \"replay\", \"replay\": \"%s/"
                   "timings.txt\", \"samples\": 250, \"analysis\": {\"raw_bits\": 4},"
                   " \"output\": \"%s\"}\n",
                   DATA, root);
  CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_restart, 6, high, &err), MB_EUSAGE);
  CHECK(strstr(err.text, "nothing was collected") != NULL);
  CHECK(strstr(err.text, "4 bits") != NULL);
  CHECK_EQ_INT(file_size(out), -1);
  CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_restart, 4, high_default, &err), MB_EUSAGE);
  CHECK_EQ_INT(file_size(root), -1);
  /* --matrix: the same contradiction on the command line alone. */
  CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_restart, 7, high_bits, &err), MB_EUSAGE);
  CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_restart, 4, quiet_matrix, &err), MB_EUSAGE);

  /* A collector this machine does not have: exit 4, no --output made. */
  mb_error_init(&err);
  if (mb_source_probe("mach_ipc", &err) == MB_EUNAVAILABLE)
    absent = "mach_ipc";
  mb_error_init(&err);
  if (!absent && mb_source_probe("linux_ipc", &err) == MB_EUNAVAILABLE)
    absent = "linux_ipc";
  if (absent) {
    const char *args[] = {"restart", "--output", out, exp};
    char text[200];

    snprintf(text, sizeof(text),
             "{\"name\": \"absent\", \"source\": \"%s\", \"samples\": 250}\n", absent);
    CHECK_EQ_INT(mb_test_write_text(exp, text), 0);
    CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_restart, 4, args, &err), MB_EUNAVAILABLE);
    CHECK_EQ_INT(file_size(out), -1);
  }
}

/* A complete collection into the default directory, of replayed random
 * timings (every restart different): it passes; restart.json is what
 * --json printed. */
static void check_complete(void)
{
  char exp[700], timings[700], root[700], parent[800], dir[1000], path[1200];
  const char *args[] = {"restart", "--json", "--quiet", "--h-initial", "2", exp};
  struct mb_experiment e;
  struct mb_error err;
  json_t *doc, *out, *pt;
  json_error_t jerr;
  uint64_t s = 1;
  FILE *f;
  size_t i;

  snprintf(exp, sizeof(exp), "%s/random.json", base);
  snprintf(timings, sizeof(timings), "%s/random.txt", base);
  snprintf(root, sizeof(root), "%s/results", base);
  f = fopen(timings, "w");
  CHECK(f != NULL);
  if (!f)
    return;
  /* 1,000 calls of 1,000 timings, none repeated. */
  for (i = 0; i < 1000u * 1000u + 7; i++)
    fprintf(f, "%llu\n", (unsigned long long)(1000 + lcg(&s) % 4096));
  fclose(f);
  WRITE_EXPERIMENT(exp,
                   "{\"name\": \"random\", \"source\": \"replay\", \"replay\": \"%s\","
                   " \"samples\": 250, \"sweep\": {\"variant\": [\"sdk\"]},"
                   " \"analysis\": {\"raw_bits\": 4}, \"output\": \"%s\"}\n",
                   timings, root);
  snprintf(path, sizeof(path), "%s/out.json", base);
  CHECK_EQ_INT(mb_test_command(path, mb_cmd_restart, 6, args, &err), MB_OK);
  out = json_load_file(path, 0, &jerr);
  CHECK(out != NULL);
  snprintf(parent, sizeof(parent), "%s/random-restart", root);
  CHECK_EQ_INT(only_entry(parent, dir, sizeof(dir)), 1);
  /* Nothing but the matrix and restart.json: no empty raw/. */
  snprintf(path, sizeof(path), "%s/raw", dir);
  CHECK_EQ_INT(file_size(path), -1);
  snprintf(path, sizeof(path), "%s/p0.restart.bin", dir);
  CHECK_EQ_INT(file_size(path), 1000000);
  snprintf(path, sizeof(path), "%s/restart.json", dir);
  doc = json_load_file(path, 0, &jerr);
  CHECK(doc != NULL);
  CHECK(json_equal(doc, out));
  CHECK_EQ_STR(json_string_value(json_object_get(doc, "schema")), "mebench-restart/1");
  CHECK_EQ_STR(json_string_value(json_object_get(doc, "status")), "complete");
  CHECK(json_is_true(json_object_get(doc, "pass")));
  CHECK_EQ_INT(json_integer_value(json_object_get(doc, "calls")), 1000);
  /* Provenance, as run.json has it. */
  CHECK(json_is_string(json_object_get(json_object_get(doc, "mebench"), "git_commit")));
  CHECK(json_is_string(json_object_get(json_object_get(doc, "mebench"), "version")));
  CHECK(json_is_string(json_object_get(json_object_get(doc, "machine"), "hostname")));
  CHECK(json_is_string(json_object_get(json_object_get(doc, "machine"), "cpu_model")));
  CHECK(json_is_string(json_object_get(doc, "started")));
  memset(&e, 0, sizeof(e));
  CHECK_EQ_INT(mb_experiment_load(exp, &e, &err), MB_OK);
  CHECK_EQ_STR(json_string_value(json_object_get(doc, "experiment_sha256")), e.sha256);
  mb_experiment_cleanup(&e);
  pt = json_array_get(json_object_get(doc, "points"), 0);
  CHECK_EQ_STR(json_string_value(json_object_get(pt, "variant")), "sdk");
  CHECK_EQ_STR(json_string_value(json_object_get(pt, "placement")), "free");
  CHECK_EQ_STR(json_string_value(json_object_get(pt, "matrix")), "p0.restart.bin");
  CHECK_EQ_INT(json_integer_value(json_object_get(pt, "rows")), 1000);
  CHECK(json_is_true(json_object_get(pt, "sanity_pass")));
  CHECK(json_is_true(json_object_get(pt, "pass")));
  json_decref(doc);
  json_decref(out);
}

/* Point 0's matrix cannot be written (a directory where its temporary file
 * goes, which the check before the calls does not look for): point 1 is
 * still written and analysed; the failure is named; exit 1. */
static void check_point_failure(void)
{
  char exp[700], out[700], path[1200];
  const char *args[] = {"restart", "--quiet", "--output", out, "--h-initial", "2", exp};
  struct mb_error err;
  json_t *doc, *p0, *p1;
  int rc;

  snprintf(exp, sizeof(exp), "%s/two.json", base);
  snprintf(out, sizeof(out), "%s/blocked", base);
  WRITE_EXPERIMENT(
      exp,
      "{\"name\": \"two\", \"source\": \"replay\", \"replay\": \"%s/"
      "timings.txt\", \"samples\": 250, \"sweep\": {\"num_ports\": [1, 8]},"
      " \"analysis\": {\"raw_bits\": 4}}\n",
      DATA);
  CHECK(mkdir(out, 0755) == 0);
  snprintf(path, sizeof(path), "%s/.p0.restart.bin.tmp", out);
  CHECK(mkdir(path, 0755) == 0);
  snprintf(path, sizeof(path), "%s/.p0.restart.bin.tmp/x", out);
  CHECK(mkdir(path, 0755) == 0);
  snprintf(path, sizeof(path), "%s/text.out", base);
  rc = mb_test_command(path, mb_cmd_restart, 7, args, &err);
  CHECK(rc != MB_OK);
  CHECK_EQ_INT(mb_status_exit(rc), 1);
  CHECK(strstr(err.text, "1 failure") != NULL);
  snprintf(path, sizeof(path), "%s/p0.restart.bin", out);
  CHECK_EQ_INT(file_size(path), -1);
  snprintf(path, sizeof(path), "%s/p1.restart.bin", out);
  CHECK_EQ_INT(file_size(path), 1000000);
  snprintf(path, sizeof(path), "%s/restart.json", out);
  doc = json_load_file(path, 0, NULL);
  CHECK(doc != NULL);
  CHECK_EQ_STR(json_string_value(json_object_get(doc, "status")), "failed");
  CHECK(json_is_false(json_object_get(doc, "pass")));
  p0 = json_array_get(json_object_get(doc, "points"), 0);
  p1 = json_array_get(json_object_get(doc, "points"), 1);
  CHECK(json_is_null(json_object_get(p0, "matrix")));
  CHECK(strstr(json_string_value(json_object_get(p0, "error")), "p0.restart.bin") !=
        NULL);
  CHECK(json_is_integer(json_object_get(p0, "x_max"))); /* analysed all the same */
  CHECK_EQ_STR(json_string_value(json_object_get(p1, "matrix")), "p1.restart.bin");
  CHECK(json_is_integer(json_object_get(p1, "x_max")));
  CHECK(json_object_get(p1, "error") == NULL);
  json_decref(doc);
}

/* The collector fails at point 1's first call (a recording of point 0's
 * configuration only): point 0's 1,000 rows are kept and analysed
 * (sequential order), or its one row kept as a partial matrix
 * (interleaved); the command fails with the collector's error. */
static void check_collector_failure(void)
{
  char one[700], two[700], runs[700], run[1000], out[700], path[1200];
  const char *rargs[] = {"run", "--quiet", one};
  const char *args[] = {"restart", "--quiet",     "--json", "--output",
                        out,       "--h-initial", "2",      two};
  const char *orders[] = {"sequential", "interleaved"};
  struct mb_error err;
  int k;

  snprintf(one, sizeof(one), "%s/one.json", base);
  snprintf(runs, sizeof(runs), "%s/runs", base);
  WRITE_EXPERIMENT(one,
                   "{\"name\": \"one\", \"source\": \"replay\", \"replay\": \"%s/"
                   "timings.txt\", \"samples\": 250, \"repetitions\": 1, \"warmup\": 0,"
                   " \"analysis\": {\"raw_bits\": 4, \"estimators\": [\"mcv\"]},"
                   " \"sweep\": {\"num_ports\": [1]}, \"output\": \"%s\"}\n",
                   DATA, runs);
  CHECK_EQ_INT(mb_test_command(NULL, mb_cmd_run, 3, rargs, &err), MB_OK);
  snprintf(path, sizeof(path), "%s/one", runs);
  CHECK_EQ_INT(only_entry(path, run, sizeof(run)), 1);
  snprintf(two, sizeof(two), "%s/fail.json", base);
  for (k = 0; k < 2; k++) {
    char text[1400];
    json_t *doc, *stdout_doc, *p0, *p1;

    snprintf(text, sizeof(text),
             "{\"name\": \"fail\", \"source\": \"replay\", \"replay\": \"%s/raw\","
             " \"samples\": 250, \"order\": \"%s\", \"sweep\": {\"num_ports\": [1, 8]},"
             " \"analysis\": {\"raw_bits\": 4}}\n",
             run, orders[k]);
    CHECK_EQ_INT(mb_test_write_text(two, text), 0);
    snprintf(out, sizeof(out), "%s/fail-%s", base, orders[k]);
    snprintf(path, sizeof(path), "%s/fail.out", base);
    CHECK_EQ_INT(mb_test_command(path, mb_cmd_restart, 8, args, &err), MB_EINVALID);
    CHECK(strstr(err.text, "restart 0 of point 1: ") != NULL);
    CHECK(strstr(err.text, "collected before are kept in") != NULL);
    stdout_doc = json_load_file(path, 0, NULL);
    snprintf(path, sizeof(path), "%s/restart.json", out);
    doc = json_load_file(path, 0, NULL);
    CHECK(doc != NULL && stdout_doc != NULL && json_equal(doc, stdout_doc));
    CHECK_EQ_STR(json_string_value(json_object_get(doc, "status")), "failed");
    CHECK(json_is_false(json_object_get(doc, "pass")));
    CHECK(strstr(json_string_value(json_object_get(doc, "error")), "point 1") != NULL);
    p0 = json_array_get(json_object_get(doc, "points"), 0);
    p1 = json_array_get(json_object_get(doc, "points"), 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(p1, "rows")), 0);
    CHECK(json_is_null(json_object_get(p1, "matrix")));
    CHECK(json_is_false(json_object_get(p1, "pass")));
    if (k == 0) {
      CHECK_EQ_INT(json_integer_value(json_object_get(doc, "calls")), 1000);
      CHECK_EQ_STR(json_string_value(json_object_get(p0, "matrix")), "p0.restart.bin");
      CHECK(json_is_integer(json_object_get(p0, "x_max")));
      snprintf(path, sizeof(path), "%s/p0.restart.bin", out);
      CHECK_EQ_INT(file_size(path), 1000000);
    } else {
      CHECK_EQ_INT(json_integer_value(json_object_get(doc, "calls")), 1);
      CHECK_EQ_INT(json_integer_value(json_object_get(p0, "rows")), 1);
      CHECK_EQ_STR(json_string_value(json_object_get(p0, "matrix")),
                   "p0.restart.partial.bin");
      CHECK(json_is_false(json_object_get(p0, "pass")));
      snprintf(path, sizeof(path), "%s/p0.restart.partial.bin", out);
      CHECK_EQ_INT(file_size(path), 1000);
    }
    snprintf(path, sizeof(path), "%s/p1.restart.partial.bin", out);
    CHECK_EQ_INT(file_size(path), -1);
    json_decref(doc);
    json_decref(stdout_doc);
  }
}

/* --matrix -: the matrix from standard input, as assess reads "-"; --json
 * names the file. A uniform 4-bit matrix passes against H_I = 2. */
static void check_matrix_stdin(void)
{
  char matrix[700], path[700];
  const char *from_stdin[] = {"restart", "--json", "--matrix", "-", "--h-initial", "2"};
  const char *named[] = {"restart", "--json", "--matrix", matrix, "--h-initial", "2"};
  uint8_t *m = malloc((size_t)MB_RESTART_ROWS * MB_RESTART_COLS);
  struct mb_error err;
  json_t *doc;
  uint64_t s = 7;
  size_t i;
  int fd, saved;

  CHECK(m != NULL);
  if (!m)
    return;
  for (i = 0; i < (size_t)MB_RESTART_ROWS * MB_RESTART_COLS; i++)
    m[i] = (uint8_t)(lcg(&s) & 15u);
  snprintf(matrix, sizeof(matrix), "%s/uniform.bin", base);
  CHECK_EQ_INT(mb_test_write(matrix, m, (size_t)MB_RESTART_ROWS * MB_RESTART_COLS), 0);
  free(m);

  fd = open(matrix, O_RDONLY);
  CHECK(fd >= 0);
  saved = dup(0);
  dup2(fd, 0);
  close(fd);
  clearerr(stdin);
  snprintf(path, sizeof(path), "%s/stdin.out", base);
  CHECK_EQ_INT(mb_test_command(path, mb_cmd_restart, 6, from_stdin, &err), MB_OK);
  dup2(saved, 0);
  close(saved);
  clearerr(stdin);
  doc = json_load_file(path, 0, NULL);
  CHECK(doc != NULL);
  CHECK_EQ_STR(json_string_value(json_object_get(doc, "file")), "-");
  CHECK(json_is_true(json_object_get(doc, "pass")));
  json_decref(doc);

  CHECK_EQ_INT(mb_test_command(path, mb_cmd_restart, 6, named, &err), MB_OK);
  doc = json_load_file(path, 0, NULL);
  CHECK(doc != NULL);
  CHECK_EQ_STR(json_string_value(json_object_get(doc, "file")), matrix);
  CHECK(json_is_true(json_object_get(doc, "pass")));
  json_decref(doc);
}

int main(void)
{
  snprintf(base, sizeof(base), "%s/tests/runner/restart-XXXXXX", MB_BINARY_DIR);
  if (!mkdtemp(base))
    MB_SKIP("cannot make a temporary directory");
  check_refusals();
  check_matrix_stdin();
  check_point_failure();
  check_collector_failure();
  check_complete();
  mb_test_rmtree(base);
  return CHECK_DONE();
}
