/* experiment.h: an experiment file, validated and expanded into a plan.
 *
 * The loader reads JSON (jansson), checks every rule of the format (see
 * experiments/README.md), and expands the sweep into points (the cartesian
 * product of the axes) and a schedule of calls in the experiment's order.
 */
#ifndef MB_EXPERIMENT_H
#define MB_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "source.h"

enum mb_order {
  MB_ORDER_SEQUENTIAL = 0, /* every repetition of point 0, then point 1, ... */
  MB_ORDER_INTERLEAVED,    /* repetition 0 of every point, then repetition 1 */
  MB_ORDER_SHUFFLED        /* a seeded random permutation of all calls */
};

/* One scheduled collect call. */
struct mb_call {
  size_t point;      /* index into mb_experiment.points */
  size_t repetition; /* 0-based */
};

/* A slice of the plan for `mebench run --shard K/N`: shard K of N holds the
 * repetitions r with r mod N == K - 1 of every point (whole repetitions, so
 * every shard covers every point and slow drift of a machine spreads over
 * all of them, as the interleaved order does within a run). count 0: the
 * whole plan. */
struct mb_shard {
  size_t index; /* 1..count */
  size_t count; /* N, 0 when not sharded */
};

struct mb_experiment {
  char *path; /* the file as named by the user ("-" for stdin) */
  char *text; /* the file's exact bytes, NUL-terminated */
  size_t text_len;
  char sha256[65]; /* hex SHA-256 of text */

  char *name;        /* [A-Za-z0-9_-]+ */
  char *description; /* may be NULL */
  char *source;      /* collector name; the platform default if omitted */
  char *replay;      /* replay collector's file, resolved against the
                        experiment file's directory; NULL otherwise */
  size_t samples;    /* extracted bytes per collect call (seed's n_samples) */
  size_t repetitions;
  size_t warmup; /* collect calls made and discarded before measuring */

  enum mb_order order;
  uint64_t seed;      /* shuffle seed (given, or drawn and recorded); 0 unless
                         the order is shuffled */
  int seed_drawn;     /* 1: the file gave no seed, so one was drawn */
  int source_default; /* 1: the file gave no source: platform default */

  unsigned raw_bits;   /* 1..8: low bits of each raw delta form a symbol */
  unsigned estimators; /* mask of 1u << MB_EST_* (estimators.h) */
  int bitstring;       /* 1: bitstring assessment for non-binary data */
  int iid;             /* 1: also the IID track (SP 800-90B §5) per call */
  double health_alpha; /* §4.4 health-test false-positive probability */

  char *output; /* results root, default "results" */

  /* Share of each call's timings replaced by a constant before extraction
   * (mb_collection_inject_constant): a known entropy drop for measuring the
   * CI gate's power. 0 (the default): none. */
  double inject_constant;

  struct mb_config *points; /* the sweep, expanded */
  size_t n_points;
  size_t n_variants;     /* distinct variants swept (1: the default or one) */
  struct mb_call *calls; /* n_points * repetitions, in order */
  size_t n_calls;

  struct mb_shard shard; /* the slice to run (mb_experiment_set_shard) */
  size_t n_shard_calls;  /* calls in the slice; n_calls when not sharded */
};

/* Load, validate and expand the experiment file at path ("-": stdin).
 * On error, err names the file, line:column or JSON path, and what was
 * expected; the status is MB_EINVALID (or MB_ENOMEM). exp is always safe to
 * pass to mb_experiment_cleanup() afterwards. */
int mb_experiment_load(const char *path, struct mb_experiment *exp,
                       struct mb_error *err);

/* The same from a buffer (used by the fuzzer and tests); source_name is
 * used in messages and to resolve relative paths. */
int mb_experiment_load_buffer(const char *data, size_t len, const char *source_name,
                              struct mb_experiment *exp, struct mb_error *err);

/* Release everything exp owns and zero it. NULL and a zeroed or failed
 * experiment are accepted. */
void mb_experiment_cleanup(struct mb_experiment *exp);

/* The option string to open the experiment's collector with
 * (mb_collector_open): the replay file, or NULL. Borrowed: valid while exp
 * is. */
const char *mb_experiment_collector_option(const struct mb_experiment *exp);

/* Parse "K/N" (whole numbers, 1 <= K <= N <= MB_EXP_REPETITIONS_MAX) for
 * option `what` into *out. MB_EUSAGE with a message saying what was
 * expected otherwise. Thread-safe. */
int mb_shard_parse(const char *text, const char *what, struct mb_shard *out,
                   struct mb_error *err);

/* Restrict exp to shard (count 0: the whole plan). N may not exceed the
 * experiment's repetitions (a shard would be empty): MB_EUSAGE naming both.
 * A shuffled experiment whose seed was drawn (none in the file) is seeded
 * from its SHA-256 instead and rescheduled, so that every shard, on any
 * machine, computes the same plan. exp->calls keeps the whole plan; calls
 * outside the slice are skipped by the runner (mb_experiment_in_shard). */
int mb_experiment_set_shard(struct mb_experiment *exp, const struct mb_shard *shard,
                            struct mb_error *err);

/* Whether call belongs to exp's slice (always, when not sharded). */
int mb_experiment_in_shard(const struct mb_experiment *exp, const struct mb_call *call);

/* Limits of the format (experiments/README.md says why each is what it is). */
#define MB_EXP_MAX_FILE_BYTES (1u << 20) /* an experiment file is small text */
#define MB_EXP_MAX_DEPTH 16u             /* the format nests 4 levels deep */
#define MB_EXP_MAX_NAME 64u
#define MB_EXP_MAX_TEXT 4096u         /* description, output, replay */
#define MB_EXP_SAMPLES_MAX (1u << 20) /* bytes per call: 4 Mi timings */
#define MB_EXP_REPETITIONS_MAX 10000u
#define MB_EXP_WARMUP_MAX 1000u
#define MB_EXP_POINTS_MAX 4096u
#define MB_EXP_CALLS_MAX 1000000u           /* points x repetitions */
#define MB_EXP_TIMINGS_MAX (1ull << 32)     /* timed operations in one run */
#define MB_EXP_SEED_MAX ((1ull << 53) - 1u) /* exact as a double in any JSON reader */
#define MB_EXP_INJECT_MAX                                                              \
  0.5 /* inject_constant: beyond half, nothing is left to gate */

/* Defaults of the format. */
#define MB_EXP_DEFAULT_SAMPLES 16384u
#define MB_EXP_DEFAULT_REPETITIONS 8u
#define MB_EXP_DEFAULT_WARMUP 2u
#define MB_EXP_DEFAULT_ORDER MB_ORDER_INTERLEAVED
#define MB_EXP_DEFAULT_RAW_BITS 8u
#define MB_EXP_DEFAULT_OUTPUT "results"

/* "sequential", "interleaved", "shuffled" ("?" for a value out of range). */
const char *mb_order_name(enum mb_order order);

/* Fill calls[0 .. n_points * repetitions - 1] with the schedule in `order`.
 * Shuffled: a Fisher-Yates shuffle driven by xoshiro256** seeded from
 * `seed` with splitmix64, so a seed gives the same schedule on every
 * platform; repetitions are then renumbered so that a point's repetition k
 * is the k-th call of that point to run. Returns MB_OK, or MB_ENOMEM (the
 * shuffle's renumbering needs n_points counters). Thread-safe. */
int mb_experiment_schedule(size_t n_points, size_t repetitions, enum mb_order order,
                           uint64_t seed, struct mb_call *calls);

/* Timed operations of one measured call: MB_RAW_COUNT(samples). */
uint64_t mb_experiment_timings_per_call(const struct mb_experiment *exp);

#endif
