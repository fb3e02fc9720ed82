/* runner.h: drive a collector over an experiment's schedule and record
 * everything in a results directory (results/README.md).
 *
 * One call at a time: collect (the full collector), write the raw file,
 * analyse (statistics and SP 800-90B assessments), append the summary and
 * rewrite run.json and summary.csv atomically. Memory is one call's data,
 * reused: whatever the sweep's size, nothing of a finished call but its
 * summary is kept. Analysis never overlaps the next collection (see
 * results/README.md, "Why analysis does not overlap collection").
 */
#ifndef MB_RUNNER_H
#define MB_RUNNER_H

#include <signal.h>
#include <stdio.h>

#include "error.h"
#include "experiment.h"

struct mb_runner_options {
  const char *output;     /* results root; NULL: the experiment's output */
  const char *resume_dir; /* complete this interrupted run; NULL: new run */
  /* A name for the machine, recorded as machine.label ([A-Za-z0-9._-],
   * 1..48 characters, checked by the caller): `mebench merge` groups runs
   * by it, e.g. the CI runner type whose shards ran on different hosts.
   * NULL: none (merge groups by host, CPU, OS, kernel and clock). */
  const char *machine_label;
  FILE *progress;   /* where progress goes (stderr); NULL: silent */
  int progress_tty; /* 1: live bar, 0: one line per call, -1: detect */
  /* Set asynchronously (a signal handler) to stop after the call in
   * progress; NULL: never. */
  const volatile sig_atomic_t *stop;
  /* What stopped the run, for the message: "SIGINT"; NULL: "a signal". */
  const char *(*stop_reason)(void);
  /* Kept up to date for a signal handler's message (NULL: not kept): the
   * call in progress, 1-based over the whole run (0: a warm-up call, -1:
   * none, the analyses after the last call), and the run's number of
   * calls. */
  volatile sig_atomic_t *progress_call, *progress_total;
};

/* Run exp (borrowed, loaded by mb_experiment_load) per opt. *dir_out gets
 * the run directory (new string, free it; NULL on failures before it was
 * made). Returns MB_OK when every call is recorded; MB_EINTERRUPTED when
 * opt->stop was raised, or a collect call was ended by mb_sources_interrupt
 * (that call is discarded; run.json says "interrupted" and keeps every
 * call recorded before it); MB_EMISMATCH when resume refuses (experiment, build or
 * machine differ); MB_EUNAVAILABLE, MB_ECOLLECT, MB_ENOSPACE, MB_ESYSTEM ... with err
 * naming what failed (run.json then says "failed", when it can be written).
 * Not thread-safe; one run per process at a time. */
int mb_runner_run(const struct mb_experiment *exp, const struct mb_runner_options *opt,
                  char **dir_out, struct mb_error *err);

/* The experiment recorded in an existing run directory's run.json: its
 * path as the user named it (*path) and its exact bytes (*text, *len; NULL
 * when the run predates experiment.text). Both new (free them). */
int mb_runner_recorded_experiment(const char *dir, char **path, char **text,
                                  size_t *len, struct mb_error *err);

#endif
