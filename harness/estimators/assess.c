/* assess.c: the SP 800-90B non-IID assessment of one data set, made as the
 * reference tool (ea_non_iid 1.1.7, initial-entropy mode, all bits) makes
 * it, with the independent estimators spread over worker threads.
 *
 * What the tool does, and this file therefore does (§3.1.3, §6.3):
 *  - bits per symbol is given, or is the position of the highest bit set
 *    in any sample; a sample wider than the given width is an error;
 *  - the literal symbols are translated to their rank among the distinct
 *    values present, so the alphabet is {0..k-1} with k distinct values;
 *  - the data counts as binary when k == 2, whatever the bit width; binary
 *    data gets all ten estimators on the (translated) literal symbols and
 *    no bitstring assessment;
 *  - otherwise (k > 2) the literal symbols get the estimators that do not
 *    need binary data (MCV, t-Tuple, LRS and the four predictors), and the
 *    untranslated samples, written out most-significant bit first with
 *    bits-per-symbol bits each, get all ten;
 *  - H_original = min(bits, literal estimates); H_bitstring = min(1,
 *    bitstring estimates); the assessment is min(H_original,
 *    bits * H_bitstring). An estimator that does not apply to its data
 *    (too few samples) is left out of the minimum, as the tool does.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*estimator_fn)(const uint8_t *s, size_t n, unsigned k,
                            struct mb_estimate *out);

/* The single-output estimators, by id. t-Tuple and LRS run together. */
static const estimator_fn single[MB_EST_COUNT] = {
    [MB_EST_MCV] = mb_est_mcv,
    [MB_EST_COLLISION] = mb_est_collision,
    [MB_EST_MARKOV] = mb_est_markov,
    [MB_EST_COMPRESSION] = mb_est_compression,
    [MB_EST_MULTI_MCW] = mb_est_multi_mcw,
    [MB_EST_LAG] = mb_est_lag,
    [MB_EST_MULTI_MMC] = mb_est_multi_mmc,
    [MB_EST_LZ78Y] = mb_est_lz78y,
};

/* Estimators that need binary data (§6.3.2-§6.3.4 apply to bit strings). */
#define BINARY_ONLY                                                                    \
  ((1u << MB_EST_COLLISION) | (1u << MB_EST_MARKOV) | (1u << MB_EST_COMPRESSION))

/* Relative cost per symbol of each estimator, on binary data and on
 * larger alphabets (CPU nanoseconds per symbol measured by bench_assess on
 * 1,000,000 uniform samples and their bitstring). Tasks are started
 * heaviest first so that the workers finish at about the same time; the
 * order never changes results. */
static const double cost_binary[MB_EST_COUNT] = {
    [MB_EST_MCV] = 1,           [MB_EST_COLLISION] = 2.5, [MB_EST_MARKOV] = 1.3,
    [MB_EST_COMPRESSION] = 1.4, [MB_EST_T_TUPLE] = 43,    [MB_EST_LRS] = 43,
    [MB_EST_MULTI_MCW] = 7,     [MB_EST_LAG] = 12,        [MB_EST_MULTI_MMC] = 38,
    [MB_EST_LZ78Y] = 3.5,
};
static const double cost_general[MB_EST_COUNT] = {
    [MB_EST_MCV] = 2,           [MB_EST_COLLISION] = 1, [MB_EST_MARKOV] = 3,
    [MB_EST_COMPRESSION] = 0.2, [MB_EST_T_TUPLE] = 40,  [MB_EST_LRS] = 40,
    [MB_EST_MULTI_MCW] = 25,    [MB_EST_LAG] = 9,       [MB_EST_MULTI_MMC] = 140,
    [MB_EST_LZ78Y] = 70,
};

/* Tasks whose working memory is large on top of the shared inputs
 * (t-Tuple/LRS's sort, 12 to 20 bytes per symbol; MultiMMC's context trie
 * on wide alphabets, 2 to 9 MB) are heavy from this many symbols on, with
 * a weight that grows with that memory: n symbols for a sort, n / 4 for
 * the trie. Heavy tasks run side by side only while their weights add up
 * to at most the largest one's, so that the peak memory stays that of the
 * largest (two threads on 4,000,000 timing-like samples: 100 MB, the tool
 * 412 MB; the bitstring's sort beside the literal MultiMMC would add the
 * latter's): the bitstring's sort runs beside light tasks only, the
 * literal sort and the literal MultiMMC beside each other. Below this
 * size memory is small (41 MB at 1,000,000 timing-like samples, the tool
 * 272 MB) and the tasks run freely: there the wall time went from
 * 0.62-0.80 s (median 0.715) to 0.56-0.70 s (median 0.62) in six
 * alternating pairs when the threshold rose from 2^19, the CPU time the
 * same. */
#define HEAVY_MIN_SYMBOLS ((size_t)1 << 21)

struct task {
  enum mb_estimator est; /* MB_EST_T_TUPLE stands for t-Tuple and LRS */
  const uint8_t *s;
  size_t n;
  unsigned k;
  struct mb_estimate *out;  /* out[est] of the section */
  struct mb_estimate *out2; /* LRS's slot for the t-Tuple task, or NULL */
  int status;
  double cost;  /* expected relative cost, for ordering */
  size_t heavy; /* weight (see HEAVY_MIN_SYMBOLS); 0: light */
  int taken;    /* a worker has it */
};

struct pool {
  struct task *tasks;
  size_t ntasks;
  size_t next;          /* tasks before it are all taken */
  size_t heavy_running; /* weights of the heavy tasks running */
  size_t heavy_cap;     /* the largest weight */
  pthread_mutex_t lock;
  pthread_cond_t heavy_done;
};

static void run_task(struct task *t)
{
  if (t->est == MB_EST_T_TUPLE)
    t->status = mb_est_t_tuple_lrs(t->s, t->n, t->k, t->out, t->out2);
  else
    t->status = single[t->est](t->s, t->n, t->k, t->out);
}

/* The first task not taken, in order, that may start now: a heavy one only
 * while the weights running and its own add up to at most heavy_cap (or
 * nothing heavy runs). Waits while only heavy ones are left and none may
 * start; returns ntasks when none is left. Called with the lock held. */
static size_t pick_task(struct pool *p)
{
  for (;;) {
    size_t i;
    int left = 0;

    for (i = p->next; i < p->ntasks; i++) {
      if (p->tasks[i].taken)
        continue;
      left = 1;
      if (p->heavy_running == 0 || p->heavy_running + p->tasks[i].heavy <= p->heavy_cap)
        break;
    }
    if (i < p->ntasks) {
      p->tasks[i].taken = 1;
      p->heavy_running += p->tasks[i].heavy;
      while (p->next < p->ntasks && p->tasks[p->next].taken)
        p->next++;
      return i;
    }
    if (!left)
      return p->ntasks;
    pthread_cond_wait(&p->heavy_done, &p->lock);
  }
}

static void *worker(void *arg)
{
  struct pool *p = arg;

  for (;;) {
    size_t i;

    pthread_mutex_lock(&p->lock);
    i = pick_task(p);
    pthread_mutex_unlock(&p->lock);
    if (i >= p->ntasks)
      return NULL;
    run_task(&p->tasks[i]);
    if (p->tasks[i].heavy) {
      pthread_mutex_lock(&p->lock);
      p->heavy_running -= p->tasks[i].heavy;
      pthread_cond_broadcast(&p->heavy_done);
      pthread_mutex_unlock(&p->lock);
    }
  }
}

/* Run every task on up to `threads` threads. Each task writes only its own
 * outputs, so results do not depend on the number of threads or on the
 * order tasks finish in. */
static int run_tasks(struct task *tasks, size_t ntasks, int threads)
{
  struct pool p;
  pthread_t tid[64];
  size_t nthreads, started = 0, i;

  if (threads <= 0) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    threads = cores > 0 ? (int)(cores < 64 ? cores : 64) : 1;
  }
  nthreads = (size_t)threads;
  if (nthreads > 64)
    nthreads = 64;
  if (nthreads > ntasks)
    nthreads = ntasks;
  p.tasks = tasks;
  p.ntasks = ntasks;
  p.next = 0;
  p.heavy_running = 0;
  p.heavy_cap = 0;
  for (i = 0; i < ntasks; i++)
    if (tasks[i].heavy > p.heavy_cap)
      p.heavy_cap = tasks[i].heavy;
  if (pthread_mutex_init(&p.lock, NULL) != 0)
    return MB_ESYSTEM;
  if (pthread_cond_init(&p.heavy_done, NULL) != 0) {
    pthread_mutex_destroy(&p.lock);
    return MB_ESYSTEM;
  }
  /* The calling thread is one of the workers. */
  for (i = 1; i < nthreads; i++) {
    if (pthread_create(&tid[started], NULL, worker, &p) != 0)
      break; /* fewer threads only makes it slower */
    started++;
  }
  worker(&p);
  for (i = 0; i < started; i++)
    pthread_join(tid[i], NULL);
  pthread_cond_destroy(&p.heavy_done);
  pthread_mutex_destroy(&p.lock);
  /* The first failure in task order, so the status is deterministic. */
  for (i = 0; i < ntasks; i++)
    if (tasks[i].status != MB_OK)
      return tasks[i].status;
  return MB_OK;
}

/* Queue the wanted estimators on one data set; `allowed` excludes those
 * that do not apply to it, which are marked skipped with `why`. */
static void queue(struct task *tasks, size_t *ntasks, unsigned wanted, unsigned allowed,
                  const char *why, const uint8_t *s, size_t n, unsigned k,
                  struct mb_estimate *section, size_t heavy_min)
{
  size_t i;

  for (i = 0; i < MB_EST_COUNT; i++) {
    enum mb_estimator e = (enum mb_estimator)i;
    struct task *t;

    if (!(wanted & (1u << e)))
      continue;
    if (!(allowed & (1u << e))) {
      mb_estimate_skip(&section[e], why);
      continue;
    }
    if (e == MB_EST_LRS && (wanted & (1u << MB_EST_T_TUPLE)))
      continue; /* computed by the t-Tuple task */
    t = &tasks[(*ntasks)++];
    memset(t, 0, sizeof(*t));
    t->s = s;
    t->n = n;
    t->k = k;
    if (e == MB_EST_T_TUPLE || e == MB_EST_LRS) {
      t->est = MB_EST_T_TUPLE;
      t->out = (wanted & (1u << MB_EST_T_TUPLE)) ? &section[MB_EST_T_TUPLE] : NULL;
      t->out2 = (wanted & (1u << MB_EST_LRS)) ? &section[MB_EST_LRS] : NULL;
    } else {
      t->est = e;
      t->out = &section[e];
    }
    t->cost = (double)n * (k == 2 ? cost_binary[e] : cost_general[e]);
    t->heavy = n < heavy_min                         ? 0
               : t->est == MB_EST_T_TUPLE            ? n
               : t->est == MB_EST_MULTI_MMC && k > 2 ? n / 4
                                                     : 0;
  }
}

/* Heaviest first; equal costs keep their queue order (a stable insertion
 * sort of at most 20 tasks). */
static void order_tasks(struct task *tasks, size_t ntasks)
{
  size_t i, j;

  for (i = 1; i < ntasks; i++) {
    struct task t = tasks[i];

    for (j = i; j > 0 && tasks[j - 1].cost < t.cost; j--)
      tasks[j] = tasks[j - 1];
    tasks[j] = t;
  }
}

/* min(cap, estimates that ran), or -1 when none ran. */
static double section_min(const struct mb_estimate *section, double cap)
{
  double h = -1.0;
  size_t i;

  for (i = 0; i < MB_EST_COUNT; i++)
    if (section[i].ran && (h < 0.0 || section[i].h < h))
      h = section[i].h;
  if (h >= 0.0 && h > cap)
    h = cap;
  return h + 0.0; /* never -0 */
}

int mb_assess(const uint8_t *symbols, size_t n, unsigned bits,
              const struct mb_assess_options *opt, struct mb_assessment *out,
              struct mb_error *err)
{
  static const struct mb_assess_options defaults = {0, 0, 0, 0};
  unsigned wanted, mask = 0, present[256], k = 0, v;
  uint8_t rank[256];
  uint8_t *lit = NULL, *bitstr = NULL;
  const uint8_t *ranked; /* the translated samples: lit, or symbols when they
                            are their own ranks (every value 0..k-1 present) */
  int own_ranks = 1;
  size_t heavy_min;
  struct task tasks[2 * MB_EST_COUNT];
  size_t ntasks = 0, i;
  int status = MB_OK;

  if (!opt)
    opt = &defaults;
  wanted = opt->estimators ? opt->estimators & MB_EST_ALL : MB_EST_ALL;
  heavy_min = opt->heavy_min ? opt->heavy_min : HEAVY_MIN_SYMBOLS;
  memset(out, 0, sizeof(*out));
  out->h_original = out->h_bitstring = out->h_assessed = -1.0;
  for (i = 0; i < MB_EST_COUNT; i++)
    out->literal[i].h = out->literal[i].p = out->bitstring[i].h = out->bitstring[i].p =
        -1.0;
  if (bits > 8)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "%u bits per symbol is outside 1..8", bits);
  if (n == 0)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL, "no samples to assess");
  if (!symbols)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL, "no sample buffer");

  /* Width: a given width must hold every sample; otherwise infer it from
   * the highest bit set anywhere, as the tool does. */
  memset(present, 0, sizeof(present));
  for (i = 0; i < n; i++) {
    mask |= symbols[i];
    present[symbols[i]] = 1;
  }
  if (bits != 0 && (mask >> bits) != 0) {
    for (i = 0; i < n && (symbols[i] >> bits) == 0; i++)
      ;
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                        "sample %zu (offset %zu) is %u, wider than %u bit%s", i, i,
                        (unsigned)symbols[i], bits, bits == 1 ? "" : "s");
  }
  if (bits == 0) {
    for (bits = 8; bits > 1 && !(mask & (1u << (bits - 1))); bits--)
      ;
  }
  for (v = 0; v < 256; v++)
    if (present[v])
      rank[v] = (uint8_t)k++;
  out->samples = n;
  out->bits_per_symbol = bits;
  out->alphabet_size = k;
  out->binary = k == 2;

  if (k < 2) {
    /* One repeated value carries no entropy; the tool refuses such data
     * ("No entropy awarded"), mebench reports 0. */
    for (i = 0; i < MB_EST_COUNT; i++)
      if (wanted & (1u << i))
        mb_estimate_skip(&out->literal[i], "one distinct symbol: no entropy");
    out->h_original = 0.0;
    out->h_assessed = 0.0;
    return MB_OK;
  }

  for (v = 0; v < 256; v++)
    if (present[v] && rank[v] != v)
      own_ranks = 0;
  /* Samples that are their own ranks (uniform bytes: all 256 values) are
   * not copied: at 4,000,000 samples that is 4 MB off the peak, which
   * stays within a quarter of the tool's. */
  if (own_ranks) {
    ranked = symbols;
  } else {
    lit = malloc(n);
    if (!lit)
      return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL,
                          "out of memory for %zu samples", n);
    for (i = 0; i < n; i++)
      lit[i] = rank[symbols[i]];
    ranked = lit;
  }
  if (out->binary) {
    queue(tasks, &ntasks, wanted, MB_EST_ALL, NULL, ranked, n, 2, out->literal,
          heavy_min);
  } else {
    queue(tasks, &ntasks, wanted, MB_EST_ALL & ~BINARY_ONLY,
          "applies to binary data only (see the bitstring)", ranked, n, k, out->literal,
          heavy_min);
    if (!opt->no_bitstring) {
      size_t nb;

      if (n > (size_t)-1 / bits) {
        free(lit);
        return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL,
                            "%zu samples are too many for a bitstring", n);
      }
      nb = n * bits;
      bitstr = malloc(nb);
      if (!bitstr) {
        free(lit);
        return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL,
                            "out of memory for a %zu-bit bitstring", nb);
      }
      /* Most significant bit first, from the untranslated samples: each
       * value's bits are laid out once, then copied. */
      {
        uint8_t pattern[256][8];

        for (v = 0; v < 256; v++) {
          unsigned b;

          for (b = 0; b < 8; b++)
            pattern[v][b] = (uint8_t)(b < bits ? (v >> (bits - 1 - b)) & 1u : 0u);
        }
        if (bits == 8) {
          for (i = 0; i < n; i++)
            memcpy(bitstr + i * 8, pattern[symbols[i]], 8);
        } else {
          for (i = 0; i < n; i++)
            memcpy(bitstr + i * bits, pattern[symbols[i]], bits);
        }
      }
      queue(tasks, &ntasks, wanted, MB_EST_ALL, NULL, bitstr, nb, 2, out->bitstring,
            heavy_min);
    }
  }

  order_tasks(tasks, ntasks);
  status = run_tasks(tasks, ntasks, opt->threads);
  free(lit);
  free(bitstr);
  if (status != MB_OK)
    return mb_error_set(err, status, NULL, 0, 0, NULL, "assessment failed: %s",
                        mb_strerror(status));

  out->h_original = section_min(out->literal, (double)bits);
  out->h_bitstring = section_min(out->bitstring, 1.0);
  out->h_assessed = out->h_original;
  if (out->h_bitstring >= 0.0) {
    double hb = (double)bits * out->h_bitstring;

    if (out->h_assessed < 0.0 || hb < out->h_assessed)
      out->h_assessed = hb;
  }
  if (out->h_assessed > (double)bits)
    out->h_assessed = (double)bits;
  return MB_OK;
}
