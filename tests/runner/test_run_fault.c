/* test_run_fault.c: the runner facing a failing and a stalling collector
 * (the Linux analog's test-only fault injection; hardware, Linux only):
 * a collector error stops the run as "failed", naming the call, keeping
 * run.json, and --resume completes it; timed-out sends are counted. */
#include <errno.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "collector.h"
#include "watchdog.h"
#include "experiment.h"
#include "results.h"
#include "runner.h"
#include "testutil.h"

static char base[512];

static int run(const char *text, const char *resume, char **dir, struct mb_error *err)
{
  struct mb_experiment exp;
  struct mb_runner_options opt;
  int rc;

  mb_error_init(err);
  rc = mb_experiment_load_buffer(text, strlen(text), "fault.json", &exp, err);
  if (rc == MB_OK) {
    memset(&opt, 0, sizeof(opt));
    opt.output = base;
    opt.resume_dir = resume;
    rc = mb_runner_run(&exp, &opt, dir, err);
  }
  mb_experiment_cleanup(&exp);
  return rc;
}

int main(void)
{
  const char *failing =
      "{\"name\": \"fault\", \"source\": \"linux_ipc\", \"samples\": 200,"
      " \"repetitions\": 2, \"warmup\": 0,"
      " \"analysis\": {\"estimators\": [\"mcv\"]}}";
  const char *stalling =
      "{\"name\": \"stall\", \"source\": \"linux_ipc\", \"samples\": 16,"
      " \"sweep\": {\"num_ports\": [1], \"variant\": [\"sdk\"]},"
      " \"repetitions\": 1, \"warmup\": 0,"
      " \"analysis\": {\"estimators\": [\"mcv\"]}}";
  const char *blocking =
      "{\"name\": \"blocking\", \"source\": \"linux_ipc\", \"samples\": 16,"
      " \"sweep\": {\"num_ports\": [1], \"variant\": [\"copy_send\"]},"
      " \"repetitions\": 1, \"warmup\": 0,"
      " \"analysis\": {\"estimators\": [\"mcv\"]}}";
  struct mb_error err;
  char *dir = NULL, *dir2 = NULL;
  json_t *doc = NULL;
  int rc;

  mb_error_init(&err);
  if (mb_source_probe("linux_ipc", &err) != MB_OK)
    MB_SKIP("the Linux analog cannot run here: %s", err.text);
  snprintf(base, sizeof(base), "%s/tests/runner/fault-XXXXXX", MB_BINARY_DIR);
  if (!mkdtemp(base))
    return 1;

  /* The first collect call cannot start its receiver thread. */
  mb_linux_ipc_inject_fault(MB_FAULT_THREAD, EAGAIN);
  rc = run(failing, NULL, &dir, &err);
  CHECK(rc != MB_OK && rc != MB_EINTERRUPTED);
  CHECK(strncmp(err.text, "call 0 (point 0, repetition 0): ", 32) == 0);
  printf("collector error: %s\n", err.text);
  CHECK(dir != NULL);
  if (dir) {
    CHECK_EQ_INT(mb_results_load_run(dir, &doc, NULL), MB_OK);
    CHECK_EQ_STR(json_string_value(json_object_get(doc, "status")), "failed");
    CHECK(json_is_string(json_object_get(doc, "error")));
    CHECK(strstr(json_string_value(json_object_get(doc, "error")), "call 0 (point 0") !=
          NULL);
    CHECK_EQ_INT(json_array_size(json_object_get(doc, "calls")), 0);
    json_decref(doc);
    doc = NULL;

    /* The cause is gone: --resume completes the run. */
    rc = run(failing, dir, &dir2, &err);
    CHECK_EQ_INT(rc, MB_OK);
    CHECK_EQ_INT(mb_results_load_run(dir, &doc, NULL), MB_OK);
    CHECK_EQ_STR(json_string_value(json_object_get(doc, "status")), "complete");
    CHECK(json_object_get(doc, "error") == NULL);
    CHECK_EQ_INT(json_array_size(json_object_get(doc, "calls")), 2);
    CHECK_EQ_INT(json_array_size(json_object_get(doc, "sessions")), 2);
    json_decref(doc);
    doc = NULL;
  }
  free(dir);
  free(dir2);
  dir = dir2 = NULL;

  /* A receiver that never reads: the sends time out, and every timeout is
   * counted. */
  mb_linux_ipc_inject_fault(MB_FAULT_STALL, 0);
  rc = run(stalling, NULL, &dir, &err);
  CHECK_EQ_INT(rc, MB_OK);
  if (dir && mb_results_load_run(dir, &doc, NULL) == MB_OK) {
    const json_t *c = json_array_get(json_object_get(doc, "calls"), 0);

    printf("stalled call: %lld timeouts of %lld\n",
           (long long)json_integer_value(json_object_get(c, "timeouts")),
           (long long)json_integer_value(json_object_get(c, "timings")));
    CHECK(json_integer_value(json_object_get(c, "timeouts")) > 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(c, "failures")), 0);
    json_decref(doc);
  }
  free(dir);
  dir = NULL;

  /* A receiver that starts late: the send into the first full pipe waits for
   * room and then succeeds. It is counted as waited, never as a failure. */
  mb_linux_ipc_inject_fault(MB_FAULT_LATE, 3);
  rc = run(stalling, NULL, &dir, &err);
  CHECK_EQ_INT(rc, MB_OK);
  if (dir && mb_results_load_run(dir, &doc, NULL) == MB_OK) {
    const json_t *c = json_array_get(json_object_get(doc, "calls"), 0);

    printf("late receiver: %lld waited, %lld timeouts\n",
           (long long)json_integer_value(json_object_get(c, "waited")),
           (long long)json_integer_value(json_object_get(c, "timeouts")));
    CHECK(json_integer_value(json_object_get(c, "waited")) >= 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(c, "failures")), 0);
    json_decref(doc);
  }
  free(dir);
  dir = NULL;

  /* A variant without a timeout and a receiver that never reads: the send
   * that finds its pipe full blocks until the watchdog ends the call
   * (limit shortened to 200 ms); the call is recorded with its aborted
   * operations, not counted as failures, and the run completes. */
  mb_linux_ipc_inject_fault(MB_FAULT_STALL, 0);
  mb_watchdog_set_limit_ms(200);
  rc = run(blocking, NULL, &dir, &err);
  mb_watchdog_set_limit_ms(0);
  CHECK_EQ_INT(rc, MB_OK);
  if (dir && mb_results_load_run(dir, &doc, NULL) == MB_OK) {
    const json_t *c = json_array_get(json_object_get(doc, "calls"), 0);
    json_int_t aborted = json_integer_value(json_object_get(c, "aborted"));

    printf("blocked call: %lld aborted of %lld\n", (long long)aborted,
           (long long)json_integer_value(json_object_get(c, "timings")));
    CHECK_EQ_STR(json_string_value(json_object_get(doc, "status")), "complete");
    CHECK(aborted > 0 && aborted < json_integer_value(json_object_get(c, "timings")));
    CHECK_EQ_INT(json_integer_value(json_object_get(c, "failures")), 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(c, "timeouts")), 0);
    json_decref(doc);
  }
  free(dir);
  mb_test_rmtree(base);
  return CHECK_DONE();
}
