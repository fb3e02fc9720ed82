/* estimators.h: NIST SP 800-90B non-IID min-entropy estimators (§6.3) and the
 * assessment the reference tool (ea_non_iid, v1.1.7) makes from them.
 *
 * Pure functions over symbol arrays: no I/O, no collectors, no globals, so
 * they run on recorded data, are fuzzable and testable against reference
 * values. Thread-safe: every call works on its own memory.
 */
#ifndef MB_ESTIMATORS_H
#define MB_ESTIMATORS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The ten estimators, in the order of SP 800-90B §6.3.1–§6.3.10. */
#define MB_ESTIMATOR_TABLE(X)                                                          \
  X(MCV, "mcv", "Most Common Value", "6.3.1")                                          \
  X(COLLISION, "collision", "Collision", "6.3.2")                                      \
  X(MARKOV, "markov", "Markov", "6.3.3")                                               \
  X(COMPRESSION, "compression", "Compression", "6.3.4")                                \
  X(T_TUPLE, "t_tuple", "t-Tuple", "6.3.5")                                            \
  X(LRS, "lrs", "Longest Repeated Substring", "6.3.6")                                 \
  X(MULTI_MCW, "multi_mcw", "Multi Most Common in Window", "6.3.7")                    \
  X(LAG, "lag", "Lag Prediction", "6.3.8")                                             \
  X(MULTI_MMC, "multi_mmc", "Multi Markov Model with Counting", "6.3.9")               \
  X(LZ78Y, "lz78y", "LZ78Y", "6.3.10")

enum mb_estimator {
#define MB_X(id, key, title, section) MB_EST_##id,
  MB_ESTIMATOR_TABLE(MB_X)
#undef MB_X
      MB_EST_COUNT
};

#define MB_EST_ALL ((1u << MB_EST_COUNT) - 1u)

/* "mcv", ...; title "Most Common Value"; section "6.3.1". */
const char *mb_estimator_key(enum mb_estimator e);
const char *mb_estimator_title(enum mb_estimator e);
const char *mb_estimator_section(enum mb_estimator e);
/* Key -> estimator: MB_OK, or MB_EINVALID for an unknown key. */
int mb_estimator_parse(const char *key, enum mb_estimator *out);

/* A named intermediate value of an estimate ("p_hat", "mode", "t", ...). */
struct mb_estimate_value {
  const char *name; /* static key, reported as is in JSON */
  double value;
};

#define MB_ESTIMATE_MAX_VALUES 8

/* The outcome of one estimator on one data set. */
struct mb_estimate {
  int ran;             /* 1: h and p hold the estimate; 0: see skipped */
  const char *skipped; /* static reason when ran == 0 and the estimator was
                          asked for but does not apply (NULL if not asked) */
  double h;            /* min-entropy estimate, bits per symbol */
  double p;            /* the probability bound h was computed from */
  /* Estimator-specific intermediate values (p_global, p_local, ...) may be
   * added below by the implementation; they are reported in JSON. */
  unsigned n_values; /* filled entries of values[] */
  struct mb_estimate_value values[MB_ESTIMATE_MAX_VALUES];
  /* Prediction estimators (§6.3.7–§6.3.10), filled by predictors.c; zero for
   * the other estimators. NIST's r is longest_run + 1. */
  uint64_t predictions;  /* N: predictions made */
  uint64_t correct;      /* C: correct predictions */
  uint64_t longest_run;  /* longest run of correct predictions */
  double p_global;       /* C / N */
  double p_global_upper; /* P_global': 99% upper confidence bound */
  double p_local;        /* P_local, or -1 when it cannot change p */
};

/* How to assess. Zero-initialised options mean: every estimator, bitstring
 * assessment for non-binary data, all cores. */
struct mb_assess_options {
  unsigned estimators; /* mask of 1u << MB_EST_*; 0 means MB_EST_ALL */
  int no_bitstring;    /* 1: skip the bitstring assessment */
  int threads;         /* worker threads; 0 = number of cores */
  size_t heavy_min;    /* for tests: tasks with large working memory count
                          as heavy from this many symbols (assess.c; 0: the
                          default, 2^21) */
};

/* The whole assessment of one data set, as ea_non_iid makes it. */
struct mb_assessment {
  size_t samples; /* symbols assessed */
  unsigned bits_per_symbol;
  unsigned alphabet_size; /* distinct symbols present */
  int binary;             /* data treated as binary (alphabet of 2) */
  double h_original;      /* min over literal estimators; -1 if none ran */
  double h_bitstring;     /* min over bitstring estimators; -1 if none ran */
  double h_assessed;      /* min(h_original, bits * h_bitstring) */
  struct mb_estimate literal[MB_EST_COUNT];
  struct mb_estimate bitstring[MB_EST_COUNT];
};

/* Assess n symbols of `bits` bits each (1..8; 0 = infer from the largest
 * symbol as the reference tool does). Symbols wider than `bits` are an
 * MB_EINVALID error. Edge cases (empty input, one repeated symbol, fewer
 * bits than an estimator needs) give a defined result, documented in
 * harness/estimators/README.md, never a crash. */
int mb_assess(const uint8_t *symbols, size_t n, unsigned bits,
              const struct mb_assess_options *opt, struct mb_assessment *out,
              struct mb_error *err);

#endif
