/* iid.h: the SP 800-90B IID track (section 5): the permutation tests
 * (§5.1), the chi-square tests (§5.2.1, §5.2.2), the length-of-the-longest-
 * repeated-substring test (§5.2.3) and the IID min-entropy estimate (§6.3.1
 * on the literal samples and on their bitstring), as NIST's reference tool
 * ea_iid 1.1.7 computes them.
 *
 * Pure functions: no I/O, no globals. The permutations come from a seeded
 * generator, one stream per permutation, and are counted in permutation
 * order, so a result depends on the seed and the data only, never on the
 * number of threads. */
#ifndef MB_ESTIMATORS_IID_H
#define MB_ESTIMATORS_IID_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "estimators.h"

/* The 19 statistics of §5.1, in the order and with the names ea_iid prints
 * (its "Unpermuted result NAME" lines use the second column). */
#define MB_IID_STAT_TABLE(X)                                                           \
  X(EXCURSION, "excursion", "excursion", "5.1.1")                                      \
  X(NUM_DIR_RUNS, "num_directional_runs", "numDirectionalRuns", "5.1.2")               \
  X(LEN_DIR_RUNS, "len_directional_runs", "lenDirectionalRuns", "5.1.3")               \
  X(NUM_INC_DEC, "num_increases_decreases", "numIncreasesDecreases", "5.1.4")          \
  X(NUM_RUNS_MEDIAN, "num_runs_median", "numRunsMedian", "5.1.5")                      \
  X(LEN_RUNS_MEDIAN, "len_runs_median", "lenRunsMedian", "5.1.6")                      \
  X(AVG_COLLISION, "avg_collision", "avgCollision", "5.1.7")                           \
  X(MAX_COLLISION, "max_collision", "maxCollision", "5.1.8")                           \
  X(PERIODICITY_1, "periodicity_1", "periodicity(1)", "5.1.9")                         \
  X(PERIODICITY_2, "periodicity_2", "periodicity(2)", "5.1.9")                         \
  X(PERIODICITY_8, "periodicity_8", "periodicity(8)", "5.1.9")                         \
  X(PERIODICITY_16, "periodicity_16", "periodicity(16)", "5.1.9")                      \
  X(PERIODICITY_32, "periodicity_32", "periodicity(32)", "5.1.9")                      \
  X(COVARIANCE_1, "covariance_1", "covariance(1)", "5.1.10")                           \
  X(COVARIANCE_2, "covariance_2", "covariance(2)", "5.1.10")                           \
  X(COVARIANCE_8, "covariance_8", "covariance(8)", "5.1.10")                           \
  X(COVARIANCE_16, "covariance_16", "covariance(16)", "5.1.10")                        \
  X(COVARIANCE_32, "covariance_32", "covariance(32)", "5.1.10")                        \
  X(COMPRESSION, "compression", "compression", "5.1.11")

enum mb_iid_stat {
#define MB_X(id, key, nist, section) MB_IID_##id,
  MB_IID_STAT_TABLE(MB_X)
#undef MB_X
      MB_IID_NSTATS
};

/* "excursion", ...; NIST's name "numDirectionalRuns", ...; section "5.1.2". */
const char *mb_iid_stat_key(enum mb_iid_stat s);
const char *mb_iid_stat_nist_name(enum mb_iid_stat s);
const char *mb_iid_stat_section(enum mb_iid_stat s);

/* §5.1: 10,000 permutations. */
#define MB_IID_PERMUTATIONS 10000u

/* The largest seed mebench draws or accepts: 2^53 - 1, so that a seed
 * written to JSON reads back exactly in any reader (jq and JavaScript
 * hold numbers as doubles), and a result can be reproduced from it. */
#define MB_IID_SEED_MAX ((1ull << 53) - 1u)

/* How to test. Zero-initialised options mean: seed 0, 10,000 permutations,
 * all cores. */
struct mb_iid_options {
  uint64_t seed;         /* the permutations' generator seed, <= MB_IID_SEED_MAX */
  unsigned permutations; /* 0 = MB_IID_PERMUTATIONS */
  int threads;           /* worker threads; 0 = number of cores */
  int no_permutations;   /* 1: skip §5.1 (statistics on the data only) */
  int plain;             /* for tests: every statistic sample by sample,
                            not a word or several samples at a time, and
                            each shuffle swap by swap, drawing no swap
                            early (the same values) */
  /* Raised asynchronously (a signal handler) to give up: the permutations
   * stop within one permutation's time and mb_iid_assess returns
   * MB_EINTERRUPTED. NULL: never. */
  const volatile sig_atomic_t *stop;
};

/* A chi-square test's outcome (§5.2.1, §5.2.2). */
struct mb_iid_chisq {
  double t;         /* the statistic T */
  long df;          /* degrees of freedom */
  double p_value;   /* upper tail of the chi-square distribution at T */
  int pass;         /* not p_value < 0.001 (so a test that cannot be made
                       passes, as in NIST's ea_iid) */
  const char *note; /* NULL, or why the test cannot be made on these data
                       (df <= 0, or T undefined): a static string */
};

struct mb_iid_result {
  size_t samples;
  unsigned bits_per_symbol;
  unsigned alphabet_size; /* distinct values present */
  int binary;             /* alphabet_size == 2 */
  const char *skipped;    /* static reason when no test could run, else NULL */
  uint64_t seed;
  double mean;   /* of the untranslated samples (§5.1) */
  double median; /* of the translated samples; 0.5 for binary data */

  /* §5.1: statistics of the data as it is, and the counters C0 (permuted
   * statistic greater), C1 (equal), C2 (smaller) over the permutations
   * that counted; a statistic stops counting once C0 + C1 > 5 and
   * C1 + C2 > 5, and passes when both hold at the end. */
  int permutations_ran;          /* 0 with no_permutations */
  unsigned permutations;         /* permutations asked for */
  unsigned permutations_counted; /* permutations generated before all settled */
  double stat[MB_IID_NSTATS];
  uint32_t counter[MB_IID_NSTATS][3];
  int stat_pass[MB_IID_NSTATS];
  int permutation_pass;

  /* §5.2.1 independence and §5.2.2 goodness of fit. */
  struct mb_iid_chisq independence, goodness_of_fit;
  int chi_square_pass;

  /* §5.2.3: LRS length W, collision probability P_col, Pr(X >= 1). */
  size_t lrs_w;
  double lrs_p_col;
  double lrs_pr;
  int lrs_pass;

  /* §6.3.1 on the literal (translated) samples and on the bitstring (for
   * non-binary data); h_assessed = min(bits, H_original, bits *
   * H_bitstring), as ea_iid prints it. */
  struct mb_estimate mcv_literal, mcv_bitstring;
  double h_original, h_bitstring, h_assessed;

  int iid; /* every test passed */
};

/* Test n samples of `bits` bits (1..8; 0 = infer as mb_assess does).
 * MB_EINVALID for empty input or a sample wider than bits; MB_ENOMEM;
 * MB_EINTERNAL when the compression library fails. Data with one distinct
 * value gets h = 0, iid = 0 and `skipped` set. Thread-safe. */
int mb_iid_assess(const uint8_t *symbols, size_t n, unsigned bits,
                  const struct mb_iid_options *opt, struct mb_iid_result *out,
                  struct mb_error *err);

/* The upper tail Q(df/2, t/2) of the chi-square distribution with df
 * degrees of freedom at t; 1 when df <= 0 or t <= 0. */
double mb_iid_chisq_pvalue(double t, double df);

#endif
