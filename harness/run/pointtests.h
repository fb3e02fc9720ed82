/* pointtests.h: the analyses a run makes once its calls are recorded, over
 * every call of a point: the SP 800-90B §4.4 health-test cut-offs from the
 * point's assessed entropy and both tests replayed over each call's raw
 * symbols, and (with the experiment's analysis.iid) the IID track (§5) of
 * each call's raw symbols. */
#ifndef MB_RUN_POINTTESTS_H
#define MB_RUN_POINTTESTS_H

#include <signal.h>
#include <stdio.h>

#include <jansson.h>

#include "error.h"
#include "experiment.h"

/* How a caller follows and ends the analyses; every field may be 0. */
struct mb_pointtests_watch {
  /* Raised asynchronously (a signal handler): stop within one call's
   * replay or one IID permutation, and return MB_EINTERRUPTED (doc keeps
   * the IID results of the calls finished, not "health"). */
  const volatile sig_atomic_t *stop;
  FILE *progress; /* the IID track's progress, a line per call; NULL: none */
  int tty;        /* 1: progress as one line rewritten in place */
};

/* Read the raw files of the calls recorded in doc (run.json, borrowed and
 * updated in place) under dir, and set doc's top-level "health" (one entry
 * per point that has calls) and, when exp->iid, each call's
 * entropy.raw_iid. seed makes the IID permutations reproducible (each call
 * gets seed + its sequence number, within 0..MB_IID_SEED_MAX). watch may
 * be NULL. Not thread-safe on doc. */
int mb_pointtests_run(const struct mb_experiment *exp, const char *dir, json_t *doc,
                      uint64_t seed, const struct mb_pointtests_watch *watch,
                      struct mb_error *err);

/* The same health-test replay for a run already recorded (doc is its
 * run.json, borrowed and updated in place; its raw files under dir), with
 * the experiment recorded in it (experiment.text): what `merge` calls on
 * the joined shards, whose "health" each covered only its own calls. The
 * calls' IID results are per call and are kept as they are. A run that
 * recorded no experiment text has its "health" removed (nothing to
 * recompute it from). Not thread-safe on doc. */
int mb_pointtests_rerun(const char *dir, json_t *doc, struct mb_error *err);

#endif
