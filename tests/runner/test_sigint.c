/* test_sigint.c: Ctrl-C on a run of long calls (hardware; spawns the
 * mebench binary): the first SIGINT is acknowledged at once, naming the
 * call it lets finish; a second ends that call within about a second
 * (discarded), the run exits 130 with status "interrupted" and keeps every
 * call recorded before. `mebench restart` stops the same way (one handler
 * serves both): the first SIGINT names the restart it lets finish, and the
 * complete rows so far are kept as a partial matrix. Bounds are generous:
 * nothing here is a timing. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
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

static double now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

  nanosleep(&ts, NULL);
}

static pid_t spawn(const char *const *args, const char *out_file, const char *err_file)
{
  pid_t pid = fork();

  if (pid == 0) {
    int fd = open(out_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd >= 0) {
      dup2(fd, 1);
      close(fd);
    }
    fd = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 2);
      close(fd);
    }
    execv(MEBENCH, (char *const *)(uintptr_t)args);
    _exit(127);
  }
  return pid;
}

/* The calls recorded in run_dir so far, read as every command reads a run
 * (run.json and the call journal: run.json alone is rewritten only every
 * few seconds). */
static size_t calls_in(const char *run_dir)
{
  json_t *run = NULL;
  size_t k;

  if (mb_results_load_run(run_dir, &run, NULL) != MB_OK)
    return 0;
  k = json_array_size(json_object_get(run, "calls"));
  json_decref(run);
  return k;
}

/* Poll err_file for `text`, up to `limit` seconds; 1 when it appeared. */
static int wait_text(const char *err_file, const char *text, double limit)
{
  double t0 = now_s();

  while (now_s() - t0 < limit) {
    char *s = mb_test_slurp(err_file, NULL);
    int found = s && strstr(s, text) != NULL;

    free(s);
    if (found)
      return 1;
    sleep_ms(10);
  }
  return 0;
}

/* Ctrl-C during a restart collection with --json: progress on stderr all
 * the same, acknowledged naming restart i of 1000, then exit 130 keeping
 * the complete rows in the partial matrix (a multiple of 1,000 samples) and
 * restart.json saying so, which --json prints too. */
static void check_restart(const char *base)
{
  char exp_path[600], out[600], out_file[600], err_file[600], path[700], *text;
  const char *args[] = {MEBENCH, "restart", "--json", "--output", out, exp_path, NULL};
  struct stat sb;
  json_t *doc, *printed;
  int st = 0;
  pid_t pid;

  snprintf(exp_path, sizeof(exp_path), "%s/restart.json", base);
  snprintf(out, sizeof(out), "%s/restart-out", base);
  snprintf(out_file, sizeof(out_file), "%s/restart-stdout", base);
  snprintf(err_file, sizeof(err_file), "%s/restart-stderr", base);
  CHECK_EQ_INT(mb_test_write_text(
                   exp_path, "{\"name\": \"sigint_restart\", \"source\": "
                             "\"linux_ipc\", \"samples\": 1024, \"repetitions\": 1,"
                             " \"sweep\": {\"variant\": [\"sdk\"]},"
                             " \"analysis\": {\"raw_bits\": 8}}\n"),
               0);
  pid = spawn(args, out_file, err_file);
  CHECK(pid > 0);
  /* A progress line every 100 restarts: stop after the first. */
  CHECK(wait_text(err_file, "restart: 100 of 1000 calls", 120.0));
  kill(pid, SIGINT);
  CHECK(wait_text(err_file, "; Ctrl-C again to stop now", 5.0));
  CHECK_EQ_INT(waitpid(pid, &st, 0), pid);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 130);
  text = mb_test_slurp(err_file, NULL);
  CHECK(text && strstr(text, "mebench: stopping: finishing call ") != NULL);
  CHECK(text && strstr(text, "/1000; Ctrl-C again") != NULL);
  CHECK(text && strstr(text, "interrupted by SIGINT") != NULL);
  if (text && !strstr(text, "interrupted by SIGINT"))
    fprintf(stderr, "restart said:\n%s\n", text);
  free(text);
  snprintf(path, sizeof(path), "%s/p0.restart.partial.bin", out);
  CHECK(stat(path, &sb) == 0);
  CHECK(sb.st_size >= 100 * 1000 && sb.st_size % 1000 == 0);
  snprintf(path, sizeof(path), "%s/restart.json", out);
  doc = json_load_file(path, 0, NULL);
  CHECK(doc != NULL);
  CHECK_EQ_STR(json_string_value(json_object_get(doc, "status")), "interrupted");
  CHECK((json_int_t)sb.st_size ==
        1000 * json_integer_value(json_object_get(
                   json_array_get(json_object_get(doc, "points"), 0), "rows")));
  CHECK(json_is_false(json_object_get(doc, "pass")));
  printed = json_load_file(out_file, 0, NULL);
  CHECK(printed != NULL && doc != NULL && json_equal(printed, doc));
  json_decref(printed);
  json_decref(doc);
}

int main(void)
{
  char base[] = "/tmp/mb-sigint-XXXXXX", exp_path[600], out[600], out_file[600],
       err_file[600], dir[1000] = "", *text;
  const char *args[] = {MEBENCH, "run", "--output", out, exp_path, NULL};
  struct mb_error err;
  double t0, stop_s;
  int st = 0;
  pid_t pid;
  json_t *run;

  mb_error_init(&err);
  if (mb_source_probe("linux_ipc", &err) != MB_OK)
    MB_SKIP("linux_ipc not available: %s", err.text);
  if (!mkdtemp(base))
    MB_SKIP("cannot make a temporary folder");
  snprintf(exp_path, sizeof(exp_path), "%s/sigint.json", base);
  snprintf(out, sizeof(out), "%s/out", base);
  snprintf(out_file, sizeof(out_file), "%s/stdout", base);
  snprintf(err_file, sizeof(err_file), "%s/stderr", base);
  /* Calls of a million sends each: seconds long on any machine. */
  CHECK_EQ_INT(mb_test_write_text(exp_path,
                                  "{\"name\": \"sigint\", \"source\": \"linux_ipc\","
                                  " \"samples\": 262144, \"repetitions\": 4,"
                                  " \"warmup\": 0, \"sweep\": {\"variant\": [\"sdk\"]},"
                                  " \"analysis\": {\"estimators\": [\"mcv\"],"
                                  " \"bitstring\": false}}\n"),
               0);
  pid = spawn(args, out_file, err_file);
  CHECK(pid > 0);
  /* Wait for the first recorded call (the run directory is on stderr). */
  t0 = now_s();
  while (now_s() - t0 < 120) {
    char *s = mb_test_slurp(err_file, NULL);
    char *at = s ? strstr(s, "results in ") : NULL;

    if (at) {
      at += strlen("results in ");
      snprintf(dir, sizeof(dir), "%.*s", (int)strcspn(at, "\n"), at);
    }
    free(s);
    if (dir[0] && calls_in(dir) >= 1)
      break;
    sleep_ms(20);
  }
  CHECK(dir[0] && calls_in(dir) >= 1);
  /* Its progress line comes after run.json is written; then the second
   * call starts, and lasts seconds. */
  CHECK(wait_text(err_file, "mebench: call 1/4 ", 60.0));
  sleep_ms(300);

  /* First Ctrl-C: acknowledged at once, naming the call it lets finish. */
  kill(pid, SIGINT);
  CHECK(wait_text(err_file, "; Ctrl-C again to stop now", 5.0));
  text = mb_test_slurp(err_file, NULL);
  CHECK(text && strstr(text, "mebench: stopping: finishing call ") != NULL);
  CHECK(text && strstr(text, "finishing call 2/4; Ctrl-C again") != NULL);
  if (text && !strstr(text, "finishing call 2/4; Ctrl-C again"))
    fprintf(stderr, "run said:\n%s\n", text);
  free(text);

  /* Second: the call in progress ends at once and is discarded. */
  t0 = now_s();
  kill(pid, SIGINT);
  CHECK_EQ_INT(waitpid(pid, &st, 0), pid);
  stop_s = now_s() - t0;
  printf("second SIGINT to exit: %.3f s\n", stop_s);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 130);
  CHECK(stop_s < 10.0); /* "within a second"; generous for a loaded machine */
  text = mb_test_slurp(err_file, NULL);
  CHECK(text && strstr(text, "stopping now") != NULL);
  CHECK(text && strstr(text, "the call in progress was ended and discarded") != NULL);
  free(text);
  {
    char path[1200];

    snprintf(path, sizeof(path), "%s/run.json", dir);
    run = json_load_file(path, 0, NULL);
  }
  CHECK(run != NULL);
  CHECK_EQ_STR(json_string_value(json_object_get(run, "status")), "interrupted");
  CHECK(json_array_size(json_object_get(run, "calls")) >= 1);
  CHECK(json_array_size(json_object_get(run, "calls")) < 4);
  json_decref(run);
  check_restart(base);
  mb_test_rmtree(base);
  return CHECK_DONE();
}
