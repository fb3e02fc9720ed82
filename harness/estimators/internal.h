/* internal.h: what the estimator files share; not part of the public API.
 *
 * Each estimator takes symbols s[0..n-1], all < k, where k is the alphabet
 * size the reference tool uses for that data set, and fills out (ran, h, p
 * and its own intermediate values). They return MB_OK, or MB_ENOMEM; an
 * estimator that does not apply sets out->ran = 0 and out->skipped. */
#ifndef MB_ESTIMATORS_INTERNAL_H
#define MB_ESTIMATORS_INTERNAL_H

#include "estimators.h"

/* Helpers every estimator uses to fill its output (estimators.c). */
/* Record h and p and mark the estimate as ran. */
void mb_estimate_set(struct mb_estimate *e, double h, double p);
/* Mark as not applicable; reason is a static string. */
void mb_estimate_skip(struct mb_estimate *e, const char *reason);
/* Append a named intermediate value; names beyond MB_ESTIMATE_MAX_VALUES
 * are dropped. name is a static string. */
void mb_estimate_add(struct mb_estimate *e, const char *name, double value);

/* The upper bound of a 99% confidence interval on a proportion: the
 * reference tool's Z_alpha (§6.3.1 step 3 writes 2.576; ea_non_iid uses the
 * exact quantile of the standard normal at 0.995). */
#define MB_ZALPHA 2.5758293035489008

/* §6.3.1–§6.3.6: estimators.c and its neighbours. */
int mb_est_mcv(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out);
int mb_est_collision(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out);
int mb_est_markov(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out);
int mb_est_compression(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out);
/* t-Tuple and LRS share one suffix structure, so they are computed together;
 * either output may be NULL when that estimator is not wanted. */
int mb_est_t_tuple_lrs(const uint8_t *s, size_t n, unsigned k,
                       struct mb_estimate *t_tuple, struct mb_estimate *lrs);

/* §6.3.7–§6.3.10, the prediction estimators: predictors.c. */
int mb_est_multi_mcw(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out);
int mb_est_lag(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out);
int mb_est_multi_mmc(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out);
int mb_est_lz78y(const uint8_t *s, size_t n, unsigned k, struct mb_estimate *out);
/* mb_est_lz78y(), with plain != 0 forcing binary data down the path that
 * scans every context length at every step, and wider data to walk the
 * context trie at each step instead of in batches (for tests: both paths
 * must give the same estimate). */
int mb_est_lz78y_path(const uint8_t *s, size_t n, unsigned k, int plain,
                      struct mb_estimate *out);
/* mb_est_lz78y_path(), for tests: on more than two symbols *trace also
 * becomes a digest of every step's prediction and its count, of the
 * longer contexts each step counted and of the dictionary's final size,
 * which must not depend on plain either. */
int mb_est_lz78y_trace(const uint8_t *s, size_t n, unsigned k, int plain,
                       struct mb_estimate *out, uint64_t *trace);
/* mb_est_multi_mmc(), for tests (all must give the same estimate): on data
 * of more than two symbols plain & 1 makes each step walk the context trie
 * itself instead of ahead, and plain & 2 creates a node for every context
 * instead of leaves for the longer contexts of a new one; binary data with
 * plain != 0 counts every order in its table step by step instead of the
 * shortest orders 64 steps at a time, and follows every model's score step
 * by step. */
int mb_est_multi_mmc_path(const uint8_t *s, size_t n, unsigned k, int plain,
                          struct mb_estimate *out);
/* mb_est_multi_mmc_path(), for tests: *trace also becomes a digest of
 * every prediction of every model at every step (on binary data, from step
 * 17 on) and of the models' final fill, which must not depend on plain
 * either. */
int mb_est_multi_mmc_trace(const uint8_t *s, size_t n, unsigned k, int plain,
                           struct mb_estimate *out, uint64_t *trace);
/* mb_est_multi_mcw(), with plain != 0 making binary data step through every
 * window and the scoreboard one sample at a time instead of 64 at a time,
 * and wider data find a window's new most common value by a maximum over
 * its values instead of from the counts' levels (for tests: both must give
 * the same estimate). */
int mb_est_multi_mcw_path(const uint8_t *s, size_t n, unsigned k, int plain,
                          struct mb_estimate *out);

#endif
