/* test_run_linux.c: real runs of the mebench binary on the Linux analog
 * (hardware): a complete run valid against the schema documented in
 * results/README.md; a run interrupted with SIGINT after its first recorded
 * call (exit 130, status "interrupted", nothing lost) and completed with
 * --resume into a result of the same shape as the uninterrupted one. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "results.h"
#include "source.h"
#include "testutil.h"

#define MEBENCH MB_BINARY_DIR "/mebench"
#define N_POINTS 2
#define N_REPS 12

static char base[512];

/* ---- the documented schema ----------------------------------------------- */

/* "path:type": a dotted path where "[]" means every element of an array;
 * types: str int num (integer or real) num? (number or null) bool obj arr. */
static const char *const run_schema[] = {
    "schema:str",
    "status:str",
    "mebench:obj",
    "mebench.version:str",
    "mebench.git_commit:str",
    "mebench.compiler:str",
    "mebench.flags:str",
    "machine:obj",
    "machine.hostname:str",
    "machine.os:str",
    "machine.kernel:str",
    "machine.arch:str",
    "machine.cpu_model:str",
    "machine.cores:int",
    "clock:obj",
    "clock.name:str",
    "clock.tick_num:int",
    "clock.tick_den:int",
    "clock.read_cost_ns:num",
    "clock.resolution_ns:num",
    "source:obj",
    "source.name:str",
    "source.platform:str",
    "source.description:str",
    "experiment:obj",
    "experiment.path:str",
    "experiment.sha256:str",
    "experiment.text:str",
    "experiment.content:obj",
    "experiment.samples:int",
    "experiment.repetitions:int",
    "experiment.warmup:int",
    "experiment.order:str",
    "experiment.seed:int",
    "experiment.raw_bits:int",
    "experiment.estimators:arr",
    "experiment.estimators[]:str",
    "experiment.bitstring:bool",
    "experiment.inject_constant:num",
    "started:str",
    "finished:str",
    "sessions:arr",
    "sessions[].started:str",
    "sessions[].finished:str",
    "sessions[].status:str",
    "sessions[].calls:int",
    "durations:obj",
    "durations.total_s:num",
    "durations.warmup_s:num",
    "durations.collect_s:num",
    "durations.analyse_s:num",
    "durations.write_s:num",
    "points:arr",
    "points[].index:int",
    "points[].num_ports:int",
    "points[].ool_size:int",
    "points[].mode:str",
    "points[].placement:str",
    "calls:arr",
    "calls[].point:int",
    "calls[].repetition:int",
    "calls[].sequence:int",
    "calls[].raw_file:str",
    "calls[].started:str",
    "calls[].wall_s:num",
    "calls[].pool_size:int",
    "calls[].timings:int",
    "calls[].bytes:int",
    "calls[].timeouts:int",
    "calls[].failures:int",
    "calls[].waited:int",
    "calls[].injected:int",
    "calls[].conditions:obj",
    "calls[].conditions.waited_share:num",
    "calls[].conditions.timing_thread:obj",
    "calls[].conditions.timing_thread.nvcsw:int",
    "calls[].conditions.timing_thread.nivcsw:int",
    "calls[].conditions.timing_thread.migrations:int",
    "calls[].conditions.timing_thread.cpus:int",
    "calls[].conditions.receiver_thread:obj",
    "calls[].conditions.receiver_thread.nvcsw:int",
    "calls[].conditions.receiver_thread.nivcsw:int",
    "calls[].conditions.receiver_thread.migrations:int",
    "calls[].conditions.receiver_thread.cpus:int",
    "calls[].conditions.same_cpu_share:num?", /* null when the receiver had not run yet
                                               */
    "calls[].conditions.load_before:num",
    "calls[].conditions.load_after:num",
    "calls[].conditions.cpu_mhz:num?",
    "calls[].conditions.process:obj",
    "calls[].conditions.process.nvcsw:int",
    "calls[].conditions.process.nivcsw:int",
    "calls[].raw_stats:obj",
    "calls[].raw_stats.n:int",
    "calls[].raw_stats.min:int",
    "calls[].raw_stats.p01:int",
    "calls[].raw_stats.p50:int",
    "calls[].raw_stats.p99:int",
    "calls[].raw_stats.max:int",
    "calls[].raw_stats.mean:num",
    "calls[].raw_stats.stddev:num",
    "calls[].raw_stats.mad:int",
    "calls[].raw_stats.distinct:int",
    "calls[].raw_stats.quantum:int",
    "calls[].ns_per_op:num",
    "calls[].throughput:obj",
    "calls[].throughput.ops_per_s:num",
    "calls[].throughput.bytes_per_s:num",
    "calls[].entropy:obj",
    "calls[].entropy.bytes:obj",
    "calls[].entropy.raw:obj",
    "calls[].rate:obj",
    "calls[].rate.bits_per_byte:num?",
    "calls[].rate.bits_per_s:num?",
    "calls[].durations:obj",
    "calls[].durations.collect_s:num",
    "calls[].durations.analyse_s:num",
    "calls[].durations.write_s:num",
};

static const char *const assessment_schema[] = {
    "samples:int",     "bits_per_symbol:int", "alphabet_size:int",
    "binary:bool",     "h_original:num?",     "h_bitstring:num?",
    "h_assessed:num?", "literal:obj",         "bitstring:obj",
};

static int type_ok(const json_t *v, const char *type)
{
  if (strcmp(type, "str") == 0)
    return json_is_string(v);
  if (strcmp(type, "int") == 0)
    return json_is_integer(v);
  if (strcmp(type, "num") == 0)
    return json_is_number(v);
  if (strcmp(type, "num?") == 0)
    return json_is_number(v) || json_is_null(v);
  if (strcmp(type, "bool") == 0)
    return json_is_boolean(v);
  if (strcmp(type, "obj") == 0)
    return json_is_object(v);
  if (strcmp(type, "arr") == 0)
    return json_is_array(v);
  return 0;
}

/* Check every value at path (relative to v) has type; where names the
 * position for messages. Returns the number of problems. */
static int check_path(const json_t *v, const char *path, const char *type,
                      const char *where)
{
  char key[64], here[256];
  const char *end = path + strcspn(path, ".[");
  size_t len = (size_t)(end - path), i;
  int bad = 0;

  if (len >= sizeof(key))
    return 1;
  memcpy(key, path, len);
  key[len] = '\0';
  v = json_object_get(v, key);
  if (strcmp(key, "_") == 0) /* an array element re-rooted below */
    snprintf(here, sizeof(here), "%s", where);
  else
    snprintf(here, sizeof(here), "%s%s%s", where, *where ? "." : "", key);
  if (*end == '\0') {
    if (!type_ok(v, type)) {
      fprintf(stderr, "schema: %s: missing or not %s\n", here, type);
      return 1;
    }
    return 0;
  }
  if (end[0] == '[') { /* "[]" then ".rest" or end */
    const char *rest = end + 2;

    if (!json_is_array(v)) {
      fprintf(stderr, "schema: %s: not an array\n", here);
      return 1;
    }
    for (i = 0; i < json_array_size(v); i++) {
      char at[300];

      snprintf(at, sizeof(at), "%s[%zu]", here, i);
      if (*rest == '\0') {
        if (!type_ok(json_array_get(v, i), type)) {
          fprintf(stderr, "schema: %s: not %s\n", at, type);
          bad++;
        }
      } else {
        json_t *wrap = json_object();

        /* re-root at the element so the rest of the path reads the same */
        json_object_set(wrap, "_", json_array_get(v, i));
        {
          char sub[256];

          snprintf(sub, sizeof(sub), "_%s", rest);
          bad += check_path(wrap, sub, type, at);
        }
        json_decref(wrap);
      }
    }
    return bad;
  }
  return check_path(v, end + 1, type, here);
}

static int check_assessment(const json_t *a, const char *where)
{
  const char *const parts[] = {"literal", "bitstring"};
  const char *key;
  json_t *e;
  size_t i;
  int bad = 0;

  for (i = 0; i < sizeof(assessment_schema) / sizeof(assessment_schema[0]); i++) {
    char path[64];
    const char *colon = strchr(assessment_schema[i], ':');

    snprintf(path, sizeof(path), "%.*s", (int)(colon - assessment_schema[i]),
             assessment_schema[i]);
    bad += check_path(a, path, colon + 1, where);
  }
  for (i = 0; i < 2; i++) {
    json_object_foreach(json_object_get(a, parts[i]), key, e)
    {
      int ran = json_is_number(json_object_get(e, "h")) &&
                json_is_number(json_object_get(e, "p"));
      int skipped = json_is_string(json_object_get(e, "skipped"));

      if (ran == skipped) {
        fprintf(stderr, "schema: %s.%s.%s: neither {h, p} nor {skipped}\n", where,
                parts[i], key);
        bad++;
      }
    }
  }
  return bad;
}

static int check_schema(const json_t *run)
{
  size_t i;
  int bad = 0;

  for (i = 0; i < sizeof(run_schema) / sizeof(run_schema[0]); i++) {
    char path[128];
    const char *colon = strchr(run_schema[i], ':');

    snprintf(path, sizeof(path), "%.*s", (int)(colon - run_schema[i]), run_schema[i]);
    bad += check_path(run, path, colon + 1, "");
  }
  for (i = 0; i < json_array_size(json_object_get(run, "calls")); i++) {
    const json_t *e =
        json_object_get(json_array_get(json_object_get(run, "calls"), i), "entropy");
    char where[64];

    snprintf(where, sizeof(where), "calls[%zu].entropy.bytes", i);
    bad += check_assessment(json_object_get(e, "bytes"), where);
    snprintf(where, sizeof(where), "calls[%zu].entropy.raw", i);
    bad += check_assessment(json_object_get(e, "raw"), where);
  }
  return bad;
}

/* Same keys, recursively (arrays: their first elements), values aside. */
static int same_shape(const json_t *a, const json_t *b, const char *where)
{
  const char *key;
  json_t *va;

  /* true and false are one JSON type (jansson gives them two). */
  if (json_typeof(a) != json_typeof(b) && !(json_is_number(a) && json_is_number(b)) &&
      !(json_is_boolean(a) && json_is_boolean(b)) && !json_is_null(a) &&
      !json_is_null(b)) {
    fprintf(stderr, "shape: %s: types differ\n", where);
    return 0;
  }
  if (json_is_array(a) && json_array_size(a) && json_array_size(b))
    return same_shape(json_array_get(a, 0), json_array_get(b, 0), where);
  if (!json_is_object(a))
    return 1;
  if (json_object_size(a) != json_object_size(b)) {
    fprintf(stderr, "shape: %s: %zu keys vs %zu\n", where, json_object_size(a),
            json_object_size(b));
    return 0;
  }
  json_object_foreach((json_t *)(uintptr_t)a, key, va)
  {
    char sub[256];

    snprintf(sub, sizeof(sub), "%s.%s", where, key);
    if (strcmp(where, ".experiment") == 0 && strcmp(key, "content") == 0)
      continue;
    if (!json_object_get(b, key)) {
      fprintf(stderr, "shape: %s missing\n", sub);
      return 0;
    }
    if (!same_shape(va, json_object_get(b, key), sub))
      return 0;
  }
  return 1;
}

/* ---- running the binary ------------------------------------------------- */

/* Run mebench with args; stdout to out_file, stderr to err_file (NULL:
 * inherited). */
static pid_t spawn(const char *const *args, const char *out_file, const char *err_file)
{
  pid_t pid = fork();

  if (pid == 0) {
    int fd = open(out_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd >= 0) {
      dup2(fd, 1);
      close(fd);
    }
    if (err_file) {
      fd = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 2);
        close(fd);
      }
    }
    execv(MEBENCH, (char *const *)(uintptr_t)args);
    _exit(127);
  }
  return pid;
}

static int wait_exit(pid_t pid)
{
  int st = 0;

  if (waitpid(pid, &st, 0) != pid)
    return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void read_line(const char *file, char *out, size_t n)
{
  FILE *f = fopen(file, "r");

  out[0] = '\0';
  if (f) {
    if (fgets(out, (int)n, f))
      out[strcspn(out, "\n")] = '\0';
    fclose(f);
  }
}

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

  nanosleep(&ts, NULL);
}

/* Calls recorded in the newest run.json under parent (0 while none). */
/* dir receives the run directory: at most 956 bytes. */
static size_t recorded_calls(const char *root, char dir[1000])
{
  char parent[800];
  struct dirent *e;
  json_t *run;
  size_t k;
  DIR *d;

  dir[0] = '\0';
  snprintf(parent, sizeof(parent), "%s/linux_runner", root);
  d = opendir(parent);
  if (!d)
    return 0;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      snprintf(dir, 1000, "%.700s/%.255s", parent, e->d_name);
  closedir(d);
  if (!dir[0])
    return 0;
  /* The project's reader: run.json and the call journal (results.h). */
  if (mb_results_load_run(dir, &run, NULL) != MB_OK)
    return 0;
  k = json_array_size(json_object_get(run, "calls"));
  json_decref(run);
  return k;
}

static json_t *load(const char *dir)
{
  char path[1200];

  snprintf(path, sizeof(path), "%s/run.json", dir);
  return json_load_file(path, 0, NULL);
}

static void check_files(const char *dir, const json_t *run)
{
  size_t i, rows = 0, points = 0;
  int seen[N_POINTS] = {0};
  char path[1200], line[1024];
  FILE *f;

  for (i = 0; i < json_array_size(json_object_get(run, "calls")); i++) {
    const json_t *c = json_array_get(json_object_get(run, "calls"), i);
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", dir,
             json_string_value(json_object_get(c, "raw_file")));
    CHECK(stat(path, &st) == 0 && st.st_size > 0);
    if (!seen[json_integer_value(json_object_get(c, "point")) % N_POINTS]++)
      points++;
  }
  snprintf(path, sizeof(path), "%s/summary.csv", dir);
  f = fopen(path, "r");
  CHECK(f != NULL);
  while (f && fgets(line, sizeof(line), f))
    rows++;
  if (f)
    fclose(f);
  CHECK_EQ_INT(rows, 1 + json_array_size(json_object_get(run, "calls")) + points);
}

int main(void)
{
  char exp_path[700], out[700], dir[1000], full_out[700], stdout_file[700], line[1100];
  struct mb_error err;
  json_t *interrupted, *interrupted_too, *resumed, *full;
  FILE *f;
  pid_t pid;
  size_t seen = 0, i;
  int code, waited;

  mb_error_init(&err);
  if (mb_source_probe("linux_ipc", &err) != MB_OK)
    MB_SKIP("the Linux analog cannot run here: %s", err.text);
  snprintf(base, sizeof(base), "%s/tests/runner/linux-XXXXXX", MB_BINARY_DIR);
  if (!mkdtemp(base))
    return 1;
  snprintf(exp_path, sizeof(exp_path), "%s/linux_runner.json", base);
  snprintf(out, sizeof(out), "%s/out", base);
  snprintf(full_out, sizeof(full_out), "%s/full", base);
  snprintf(stdout_file, sizeof(stdout_file), "%s/stdout", base);
  f = fopen(exp_path, "w");
  if (!f)
    return 1;
  fprintf(
      f,
      "{\"name\": \"linux_runner\", \"source\": \"linux_ipc\", \"samples\": 2000,\n"
      " \"repetitions\": %d, \"warmup\": 1, \"order\": \"interleaved\",\n"
      " \"sweep\": {\"num_ports\": [1, 4], \"ool_size\": [256], \"mode\": "
      "[\"complex\"]},\n"
      " \"analysis\": {\"raw_bits\": 4, \"estimators\": [\"mcv\", \"collision\"]}}\n",
      N_REPS);
  fclose(f);

  /* Interrupt after the first recorded call. */
  {
    const char *args[] = {MEBENCH, "run", "--quiet", "--output", out, exp_path, NULL};

    pid = spawn(args, stdout_file, NULL);
    CHECK(pid > 0);
    for (waited = 0; waited < 60000 && (seen = recorded_calls(out, dir)) == 0;
         waited += 5)
      sleep_ms(5);
    CHECK(seen >= 1);
    /* No second writer while it runs: --resume is refused (exit 1). */
    {
      const char *again[] = {MEBENCH, "run", "--quiet", "--resume", dir, NULL};
      char other[700];

      snprintf(other, sizeof(other), "%s/stdout2", base);
      CHECK_EQ_INT(wait_exit(spawn(again, other, NULL)), 1);
    }
    kill(pid, SIGINT);
    code = wait_exit(pid);
    CHECK_EQ_INT(code, 130);
    read_line(stdout_file, line, sizeof(line));
    CHECK_EQ_STR(line, dir); /* the run directory on stdout, even when interrupted */
  }
  interrupted = load(dir);
  CHECK(interrupted != NULL);
  CHECK_EQ_STR(json_string_value(json_object_get(interrupted, "status")),
               "interrupted");
  seen = json_array_size(json_object_get(interrupted, "calls"));
  CHECK(seen >= 1 && seen < N_POINTS * N_REPS);
  CHECK_EQ_INT(check_schema(interrupted), 0);
  check_files(dir, interrupted);

  /* --resume, with the experiment file taken from run.json. */
  {
    const char *args[] = {MEBENCH, "run", "--quiet", "--resume", dir, NULL};

    code = wait_exit(spawn(args, stdout_file, NULL));
    CHECK_EQ_INT(code, 0);
  }
  resumed = load(dir);
  CHECK(resumed != NULL);
  CHECK_EQ_STR(json_string_value(json_object_get(resumed, "status")), "complete");
  CHECK_EQ_INT(json_array_size(json_object_get(resumed, "calls")), N_POINTS * N_REPS);
  CHECK_EQ_INT(json_array_size(json_object_get(resumed, "sessions")), 2);
  /* What the interrupted session recorded is kept, byte for byte. */
  for (i = 0; i < seen; i++)
    CHECK(json_equal(json_array_get(json_object_get(interrupted, "calls"), i),
                     json_array_get(json_object_get(resumed, "calls"), i)));
  {
    int have[N_POINTS][N_REPS];

    memset(have, 0, sizeof(have));
    for (i = 0; i < json_array_size(json_object_get(resumed, "calls")); i++) {
      const json_t *c = json_array_get(json_object_get(resumed, "calls"), i);
      json_int_t p = json_integer_value(json_object_get(c, "point"));
      json_int_t r = json_integer_value(json_object_get(c, "repetition"));

      if (p >= 0 && p < N_POINTS && r >= 0 && r < N_REPS)
        have[p][r]++;
    }
    for (i = 0; i < N_POINTS * N_REPS; i++)
      CHECK_EQ_INT(have[i / N_REPS][i % N_REPS], 1);
  }
  CHECK_EQ_INT(check_schema(resumed), 0);
  check_files(dir, resumed);

  /* SIGTERM is handled like SIGINT, and the message says which it was. */
  {
    char term_out[700], term_err[700], term_dir[1000], msg[2048] = "";
    const char *args[] = {MEBENCH, "run", "--output", term_out, exp_path, NULL};
    FILE *ef;

    snprintf(term_out, sizeof(term_out), "%s/term", base);
    snprintf(term_err, sizeof(term_err), "%s/stderr", base);
    pid = spawn(args, stdout_file, term_err);
    for (waited = 0; waited < 60000 && recorded_calls(term_out, term_dir) == 0;
         waited += 5)
      sleep_ms(5);
    kill(pid, SIGTERM);
    CHECK_EQ_INT(wait_exit(pid), 130);
    ef = fopen(term_err, "r");
    if (ef) {
      size_t got = fread(msg, 1, sizeof(msg) - 1, ef);

      msg[got] = '\0';
      fclose(ef);
    }
    CHECK(strstr(msg, "interrupted by SIGTERM after ") != NULL);
    CHECK(strstr(msg, "mebench run --resume ") != NULL);
    interrupted_too = load(term_dir);
    CHECK_EQ_STR(json_string_value(json_object_get(interrupted_too, "status")),
                 "interrupted");
    json_decref(interrupted_too);
  }

  /* An uninterrupted run: valid, and the resumed one has its shape. */
  {
    const char *args[] = {MEBENCH, "run", "--quiet", "-o", full_out, exp_path, NULL};
    char full_dir[1100];

    code = wait_exit(spawn(args, stdout_file, NULL));
    CHECK_EQ_INT(code, 0);
    read_line(stdout_file, full_dir, sizeof(full_dir));
    full = load(full_dir);
    CHECK(full != NULL);
    CHECK_EQ_INT(check_schema(full), 0);
    CHECK(same_shape(full, resumed, ""));
    CHECK(same_shape(resumed, full, ""));
    if (full)
      check_files(full_dir, full);
    CHECK_EQ_STR(
        json_string_value(json_object_get(json_object_get(full, "clock"), "name")),
        json_string_value(json_object_get(json_object_get(resumed, "clock"), "name")));
  }

  json_decref(interrupted);
  json_decref(resumed);
  json_decref(full);
  mb_test_rmtree(base);
  return CHECK_DONE();
}
