/* study.h: a study read back: study.json (schema mebench-study/1, written by
 * `mebench merge` from runs of one experiment on several machines) and each
 * machine's run, loaded by the one reader of run.json (rundir.h).
 *
 * Checked on load: the schema, every machine's label (a directory name) and
 * directory (machines/<label>, nothing outside the study), each run, and
 * that all runs are of the same experiment with the same points.
 */
#ifndef MB_STUDY_H
#define MB_STUDY_H

#include <stddef.h>

#include "error.h"
#include "rundir.h"

struct mb_study_machine {
  char label[64]; /* [A-Za-z0-9._-]+, the folder under machines/ */
  struct mb_rundir rd;
};

struct mb_study {
  char *dir;                                   /* as named by the caller */
  char *json_path;                             /* dir/study.json */
  void *root;                                  /* the parsed json_t, owned */
  const char *created, *exp_name, *exp_sha256; /* borrowed from root */
  struct mb_study_machine *machines;           /* n_machines, study.json's order */
  size_t n_machines;
};

/* Load dir/study.json and every machine's run into st (caller-allocated;
 * always safe to pass to mb_study_cleanup afterwards). MB_EINVALID naming
 * the file and JSON path (or the machine's run.json) for anything missing,
 * mistyped or inconsistent; MB_ENOMEM; a system error when unreadable. */
int mb_study_load(const char *dir, struct mb_study *st, struct mb_error *err);

void mb_study_cleanup(struct mb_study *st);

/* The machines' runs and labels as arrays for plotdata (new arrays of
 * borrowed pointers: free() them). MB_ENOMEM on failure. */
int mb_study_arrays(const struct mb_study *st, const struct mb_rundir ***runs,
                    const char ***labels);

#endif
