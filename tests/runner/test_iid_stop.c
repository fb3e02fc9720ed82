/* test_iid_stop.c: a run with analysis.iid shows the IID track's progress
 * (a line per call), stops when its stop flag is raised during that track
 * (MB_EINTERRUPTED, run.json "interrupted" with every call kept, a message
 * saying how to finish), counts the track's time as analysis, and `run
 * --resume` then finishes the analyses without measuring again.
 *
 * The flag is raised by a thread that reads the progress stream (a pipe)
 * and raises it at the first IID track line, as a user's Ctrl-C would;
 * each call's track takes about a second here, so the rest of the calls
 * are still to do when it does. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "runner.h"
#include "source.h"
#include "testutil.h"

static volatile sig_atomic_t stop_flag;
static int iid_lines, seen_before_stop;

static void *watch(void *arg)
{
  FILE *in = arg;
  char line[1024];

  while (fgets(line, sizeof(line), in)) {
    if (strncmp(line, "mebench: IID track: call ", 25) == 0) {
      iid_lines++;
      if (!stop_flag) {
        seen_before_stop = iid_lines;
        stop_flag = 1;
      }
    }
  }
  return NULL;
}

static int count_iid(const json_t *doc)
{
  const json_t *calls = json_object_get(doc, "calls");
  size_t i;
  int k = 0;

  for (i = 0; i < json_array_size(calls); i++)
    k += json_object_get(json_object_get(json_array_get(calls, i), "entropy"),
                         "raw_iid") != NULL;
  return k;
}

int main(void)
{
  char base[] = "/tmp/mb_iid_stop.XXXXXX", exp_path[600], out[600], run[4200];
  char timings[600];
  struct mb_experiment exp;
  struct mb_runner_options opt;
  struct mb_error err;
  char *dir = NULL;
  json_t *doc;
  json_error_t jerr;
  pthread_t tid;
  int fds[2], rc;
  FILE *w, *r;

  if (!mkdtemp(base))
    MB_SKIP("cannot make a temporary directory");
  snprintf(exp_path, sizeof(exp_path), "%s/iid.json", base);
  snprintf(out, sizeof(out), "%s/results", base);
  snprintf(timings, sizeof(timings), "%s/timings.txt", base);
  {
    /* seeded timings whose low byte looks IID: each call's track then
     * makes hundreds of permutations, not a few */
    FILE *f = fopen(timings, "w");
    uint64_t x = 7;
    int i;

    CHECK(f != NULL);
    if (!f)
      return CHECK_DONE();
    for (i = 0; i < 6 * 20000; i++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      fprintf(f, "%llu%c", 1000ull + (unsigned long long)(x >> 52),
              i % 10 == 9 ? '\n' : ' ');
    }
    fclose(f);
    f = fopen(exp_path, "w");
    CHECK(f != NULL);
    if (!f)
      return CHECK_DONE();
    fprintf(
        f,
        "{\"name\": \"iidstop\", \"source\": \"replay\", \"replay\": \"%s\","
        " \"samples\": 20000, \"repetitions\": 3, \"warmup\": 0,"
        " \"sweep\": {\"num_ports\": [1, 8]},"
        " \"analysis\": {\"raw_bits\": 8, \"estimators\": [\"mcv\"], \"iid\": true}}\n",
        timings);
    fclose(f);
  }
  mb_error_init(&err);
  CHECK_EQ_INT(mb_experiment_load(exp_path, &exp, &err), MB_OK);
  CHECK(pipe(fds) == 0);
  w = fdopen(fds[1], "w");
  r = fdopen(fds[0], "r");
  CHECK(w && r);
  setvbuf(w, NULL, _IOLBF, 0);
  CHECK(pthread_create(&tid, NULL, watch, r) == 0);
  memset(&opt, 0, sizeof(opt));
  opt.output = out;
  opt.progress = w;
  opt.progress_tty = 0;
  opt.stop = &stop_flag;
  rc = mb_runner_run(&exp, &opt, &dir, &err);
  fclose(w);
  pthread_join(tid, NULL);
  fclose(r);
  CHECK_EQ_INT(rc, MB_EINTERRUPTED);
  CHECK_EQ_INT(seen_before_stop, 1);
  CHECK(iid_lines < 6); /* it stopped before the last call's track */
  CHECK(strstr(err.text, "during the IID track, after all 6 calls were recorded") !=
        NULL);
  CHECK(strstr(err.text, "mebench run --resume") != NULL);
  CHECK(dir != NULL);
  snprintf(run, sizeof(run), "%s/run.json", dir ? dir : "");
  doc = json_load_file(run, 0, &jerr);
  CHECK(doc != NULL);
  CHECK(strcmp(json_string_value(json_object_get(doc, "status")), "interrupted") == 0);
  CHECK_EQ_INT((int)json_array_size(json_object_get(doc, "calls")), 6);
  CHECK(json_object_get(doc, "health") == NULL);
  CHECK(count_iid(doc) < 6);
  /* the track's time is analysis time */
  {
    const json_t *d = json_object_get(doc, "durations");
    double analyse = json_number_value(json_object_get(d, "analyse_s")),
           total = json_number_value(json_object_get(d, "total_s"));

    /* the IID track is most of the run: it is counted, as analysis */
    CHECK(analyse > 0.5 * total);
  }
  json_decref(doc);

  /* --resume: nothing measured again, the analyses finished */
  stop_flag = 0;
  memset(&opt, 0, sizeof(opt));
  opt.resume_dir = dir;
  opt.stop = &stop_flag;
  {
    char *dir2 = NULL;

    mb_error_init(&err);
    CHECK_EQ_INT(mb_runner_run(&exp, &opt, &dir2, &err), MB_OK);
    free(dir2);
  }
  doc = json_load_file(run, 0, &jerr);
  CHECK(doc != NULL);
  CHECK(strcmp(json_string_value(json_object_get(doc, "status")), "complete") == 0);
  CHECK_EQ_INT((int)json_array_size(json_object_get(doc, "calls")), 6);
  CHECK_EQ_INT((int)json_array_size(json_object_get(doc, "health")), 2);
  CHECK_EQ_INT(count_iid(doc), 6);
  json_decref(doc);
  free(dir);
  mb_experiment_cleanup(&exp);
  mb_test_rmtree(base);
  return CHECK_DONE();
}
