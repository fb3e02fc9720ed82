/* results.h: the results directory, run.json and summary.csv.
 *
 * Layout and every field are specified in results/README.md; this module is
 * its one implementation. Every file is written under a temporary name
 * (".<name>.tmp" beside it), flushed, fsync'd and renamed, then the
 * directory is fsync'd, so a file is either absent, the previous complete
 * version, or the new complete version, whatever happens to the process.
 * Not thread-safe unless said otherwise: the runner calls it from one thread.
 */
#ifndef MB_RESULTS_H
#define MB_RESULTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"
#include "estimators.h"
#include "source.h"
#include "stats.h"

#define MB_RESULTS_SCHEMA "mebench-run/1"

/* Write len bytes of data to path atomically (see above). An existing path
 * is replaced only when replace is 1; otherwise MB_EEXISTS. Errors name the
 * path: a full disk gives MB_ENOSPACE, an unwritable directory MB_ESYSTEM
 * with the system's reason. The temporary file is removed on failure and an
 * existing path is left as it was. */
int mb_results_write_atomic(const char *path, const void *data, size_t len, int replace,
                            struct mb_error *err);

/* "2026-11-21T10:15:00Z" (ISO 8601, UTC) into out[32]. */
void mb_results_iso_time(time_t t, char out[32]);

/* Create a new run directory root/name/<YYYYMMDDTHHMMSSZ>-<host>/ (parents
 * as needed) and its raw/ subdirectory. An existing directory is never
 * reused: "-2", "-3", ... is appended until mkdir succeeds. *dir_out is new
 * (free it). Errors name the directory that could not be made. */
int mb_results_create_dir(const char *root, const char *name, const char *host,
                          time_t when, char **dir_out, struct mb_error *err);

/* Take the run directory's writer lock (an fcntl lock on dir/.lock), so two
 * processes never write one run (a --resume while the run goes on). *fd
 * receives the descriptor that holds it; mb_results_unlock() releases it
 * (so does the process's exit). MB_EEXISTS naming the holder's pid when
 * another process holds it; a system error otherwise. */
int mb_results_lock(const char *dir, int *fd, struct mb_error *err);
void mb_results_unlock(int fd);

/* "raw/p<point>-r<repetition>.mbr", relative to the run directory. */
void mb_results_raw_name(size_t point, size_t repetition, char *out, size_t n);

/* The summary of one measured call, as the runner fills it. */
struct mb_call_summary {
  size_t point, repetition, sequence;
  char raw_file[64]; /* relative to the run directory */
  time_t started;
  double wall_s; /* the collect call's wall time */
  uint32_t pool_size;
  size_t timings, bytes;
  size_t timeouts, failures;
  size_t waited;  /* sends that succeeded after waiting for room (MB_OP_WAITED) */
  size_t aborted; /* operations the watchdog ended or never started
                     (MB_OP_ABORTED); not counted in failures */
  struct mb_stats raw_stats; /* in ticks */
  double ns_per_tick;        /* tick_num / tick_den */
  struct mb_assessment entropy_bytes;
  struct mb_assessment entropy_raw;
  double analyse_s;                /* statistics and both assessments */
  double write_s;                  /* writing the raw file */
  struct mb_conditions conditions; /* from the collector */
  double load_before, load_after;  /* 1-minute load average; NAN: unknown */
  double cpu_mhz;                  /* mean frequency of the CPUs used; NAN: unknown */
  size_t injected;                 /* timings replaced (inject_constant) */
  /* h_assessed of the first and the second half of the bytes (the first
   * floor(bytes / 2) and the next as many); -1 when not assessed. */
  double h_bytes_halves[2];
};

/* JSON of an assessment, in the shape `mebench assess --json` prints (see
 * results/README.md): new reference. h values below 0 (nothing ran) are
 * null. NULL on allocation failure. */
json_t *mb_results_assessment_json(const struct mb_assessment *a);

/* JSON of raw-delta statistics: new reference, NULL on allocation failure. */
json_t *mb_results_stats_json(const struct mb_stats *s);

/* JSON of one element of run.json's calls: new reference, NULL on
 * allocation failure. */
json_t *mb_results_call_json(const struct mb_call_summary *c);

/* JSON of a call's "conditions" object (results/README.md): new
 * reference, NULL on allocation failure. */
json_t *mb_results_conditions_json(const struct mb_call_summary *c);

/* Write run (a complete run.json document, borrowed) to dir/run.json,
 * replacing the previous version atomically. */
int mb_results_write_run(const char *dir, const json_t *run, struct mb_error *err);

/* Write dir/summary.csv from run's points and calls (borrowed): one row per
 * call, then one aggregated row per point that has calls. */
int mb_results_write_summary(const char *dir, const json_t *run, struct mb_error *err);

/* summary.csv's text, as mb_results_write_summary writes it: new string
 * (free it), NULL on allocation failure. */
char *mb_results_summary_csv(const json_t *run);

/* The call journal, dir/calls.journal: one call summary (the object that
 * run.json's calls[] holds) per line, appended and fsync'd after each call.
 * run.json is rewritten only every few seconds (its size grows with the
 * calls, so rewriting it after each one makes a long run quadratic); the
 * journal keeps every call measured since. Once run.json is written with
 * all of them the journal is emptied, and at the run's end removed. Every
 * reader of run.json (mb_rundir_read) folds the journal's calls in. */
#define MB_RESULTS_JOURNAL "calls.journal"

/* Open (create) dir's journal for appending; *fd is -1 on failure. */
int mb_results_journal_open(const char *dir, int *fd, struct mb_error *err);

/* Append call (borrowed) as one line and fsync it. dir names the file in
 * errors (a full disk is MB_ENOSPACE). */
int mb_results_journal_append(int fd, const char *dir, const json_t *call,
                              struct mb_error *err);

/* Empty the journal once run.json holds every call in it. */
int mb_results_journal_reset(int fd, const char *dir, struct mb_error *err);

/* Close fd (if >= 0) and remove dir's journal (run.json holds everything). */
void mb_results_journal_remove(int fd, const char *dir);

/* Read dir/run.json and check it is a mebench run of this schema with the
 * keys resume needs (mebench, machine, experiment, points, calls). *run is a
 * new reference. Errors name the file and the missing or wrong key
 * (MB_EINVALID), or the system error. */
int mb_results_load_run(const char *dir, json_t **run, struct mb_error *err);

#endif
