/* merge.h: join results directories: the shards of one experiment into one
 * run, and runs of one experiment on several machines into a study.
 *
 * Shards (`mebench run --shard K/N`) of one machine become one ordinary run
 * (schema mebench-run/1) that report, plot, compare and baseline read as if
 * it had run whole: its calls in plan order, its raw files, its sessions and
 * durations summed, and "merged" saying where each part came from. Runs of
 * the same experiment on different machines (host, CPU, OS and kernel,
 * clock and tick) become a study: study.json (schema mebench-study/1) and
 * one merged run per machine under machines/<label>/, so raw files and
 * every figure in ticks stay with their own clock. The inputs are never
 * modified; raw files are hard-linked, or copied where links cannot be made.
 * Formats: results/README.md ("Shards, merges and studies").
 */
#ifndef MB_MERGE_H
#define MB_MERGE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "error.h"

#define MB_STUDY_SCHEMA "mebench-study/1"

struct mb_merge_options {
  /* The directory to create (never an existing one); NULL: a new
   * results/<experiment>/<UTC time>-merged (or -study) directory. */
  const char *output;
  FILE *progress; /* one line per machine and where the result is; NULL: silent */
  /* Recomputes, over every call of each point, what a shard could only see
   * in part (the §4.4 health-test cut-offs and replay counts, run.json's
   * "health"): called on each merged run, in its directory (raw files in
   * place) with its document before it is written. NULL: every input's
   * "health" is dropped rather than the first one's kept. */
  int (*retest)(const char *dir, json_t *doc, struct mb_error *err);
};

/* Merge the n run directories dirs[] per opt. *dir_out receives the new
 * directory (new string, free it; NULL on failure). Returns MB_OK;
 * MB_EINVALID naming the run for an input that is not a complete run, and
 * for overlapping, missing or mixed splits of shards (their K/N named);
 * MB_EMISMATCH when the runs are of different experiments or builds, or
 * shards of one machine used different collectors; MB_EEXISTS when the
 * output exists; MB_ESYSTEM/MB_ENOSPACE/MB_ENOMEM. On failure the output
 * directory may hold a partial result but no input is touched. Not
 * thread-safe. */
int mb_merge_runs(const char *const *dirs, size_t n, const struct mb_merge_options *opt,
                  char **dir_out, struct mb_error *err);

/* Whether dir is a study (holds study.json). */
int mb_merge_is_study(const char *dir);

#endif
