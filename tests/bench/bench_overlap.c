/* bench_overlap.c: does analysing call i while collecting call i+1 disturb
 * the measurement? Collects the same configuration in alternating blocks,
 * with nothing else running ("sequential", what the runner does) and with a
 * thread assessing the previous call's data for the whole collection
 * ("overlap", the worst case of a pipelined runner), and prints the
 * distribution of the per-call median and 99th percentile of the raw
 * deltas, the timeouts and the collect time for each.
 *
 * Usage: bench_overlap [SOURCE [SAMPLES [CALLS [NUM_PORTS [OOL_SIZE [MODE]]]]]]
 *        defaults: linux_ipc 4000 40 8 4096 complex
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "estimators.h"
#include "source.h"
#include "stats.h"

struct analyst {
  pthread_t thread;
  uint8_t *bytes;
  uint8_t *symbols;
  size_t n_bytes, n_symbols;
  atomic_int busy; /* 1 while the collection runs */
  atomic_int quit;
  long rounds;
};

static double now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Assess the previous call's data over and over while a collection runs:
 * a core kept busy by analysis for the whole collection. */
static void *analyse_loop(void *arg)
{
  struct analyst *a = arg;
  struct mb_assess_options opt;
  struct mb_assessment out;

  memset(&opt, 0, sizeof(opt));
  opt.threads = 1;
  while (!atomic_load(&a->quit)) {
    if (!atomic_load(&a->busy)) {
      struct timespec ts = {0, 100000};

      nanosleep(&ts, NULL);
      continue;
    }
    mb_assess(a->bytes, a->n_bytes, 8, &opt, &out, NULL);
    if (atomic_load(&a->busy))
      mb_assess(a->symbols, a->n_symbols, 4, &opt, &out, NULL);
    a->rounds++;
  }
  return NULL;
}

static int cmp_double(const void *x, const void *y)
{
  double a = *(const double *)x, b = *(const double *)y;

  return (a > b) - (a < b);
}

static void summary(const char *label, double *v, size_t n, const char *unit)
{
  qsort(v, n, sizeof(*v), cmp_double);
  printf("  %-22s min %9.1f  p25 %9.1f  median %9.1f  p75 %9.1f  max %9.1f %s\n", label,
         v[0], v[n / 4], v[n / 2], v[(3 * n) / 4], v[n - 1], unit);
}

int main(int argc, char **argv)
{
  const char *source = argc > 1 ? argv[1] : "linux_ipc";
  size_t samples = argc > 2 ? strtoul(argv[2], NULL, 10) : 4000;
  size_t calls = argc > 3 ? strtoul(argv[3], NULL, 10) : 40;
  struct mb_config cfg = {8, 4096, MB_MODE_COMPLEX, MB_VARIANT_SDK, MB_PLACEMENT_FREE};
  struct mb_collector *col = NULL;
  struct mb_collection c;
  struct mb_clock clk;
  struct mb_error err;
  struct mb_stats st;
  struct mb_stats_scratch scratch;
  struct analyst an;
  double *p50[2], *p99[2], *wall[2], *tmo[2], ns_per_tick;
  size_t n[2] = {0, 0}, i, k;
  const char *names[2] = {"sequential", "overlap"};

  if (argc > 4)
    cfg.num_ports = (uint32_t)strtoul(argv[4], NULL, 10);
  if (argc > 5)
    cfg.ool_size = (uint32_t)strtoul(argv[5], NULL, 10);
  if (argc > 6 && mb_mode_parse(argv[6], &cfg.mode) != MB_OK)
    return 2;
  mb_error_init(&err);
  if (mb_collector_open(source, NULL, &col, &err) != MB_OK) {
    fprintf(stderr, "bench_overlap: %s\n", err.text);
    return 1;
  }
  mb_collector_clock(col, &clk);
  ns_per_tick = (double)clk.tick_num / (double)clk.tick_den;
  mb_collection_init(&c);
  mb_stats_scratch_init(&scratch);
  memset(&an, 0, sizeof(an));
  an.bytes = malloc(samples);
  an.symbols = malloc(MB_RAW_COUNT(samples));
  for (k = 0; k < 2; k++) {
    p50[k] = calloc(calls, sizeof(double));
    p99[k] = calloc(calls, sizeof(double));
    wall[k] = calloc(calls, sizeof(double));
    tmo[k] = calloc(calls, sizeof(double));
  }
  pthread_create(&an.thread, NULL, analyse_loop, &an);

  /* Prime: one call gives the analyst data, and warms the collector. */
  mb_collector_collect(col, &cfg, samples, &c, &err);
  memcpy(an.bytes, c.bytes, c.n_bytes);
  an.n_bytes = c.n_bytes;
  for (i = 0; i < c.n_timings; i++)
    an.symbols[i] = (uint8_t)(c.timings[i] & 15u);
  an.n_symbols = c.n_timings;

  /* Blocks of 4 calls, alternating, so drift in the machine's load hits
   * both modes alike. */
  for (i = 0; i < 2 * calls; i++) {
    int mode = (int)((i / 4) % 2);
    double t0, t1;
    size_t j, timeouts = 0;

    if (n[mode] >= calls)
      continue;
    atomic_store(&an.busy, mode);
    t0 = now_s();
    if (mb_collector_collect(col, &cfg, samples, &c, &err) != MB_OK) {
      fprintf(stderr, "bench_overlap: %s\n", err.text);
      return 1;
    }
    t1 = now_s();
    atomic_store(&an.busy, 0);
    mb_stats_compute(c.timings, c.n_timings, &scratch, &st, NULL);
    for (j = 0; j < c.n_timings; j++)
      timeouts += c.status[j] == MB_OP_TIMED_OUT;
    p50[mode][n[mode]] = (double)st.p50 * ns_per_tick;
    p99[mode][n[mode]] = (double)st.p99 * ns_per_tick;
    wall[mode][n[mode]] = (t1 - t0) * 1e3;
    tmo[mode][n[mode]] = (double)timeouts;
    n[mode]++;
  }
  atomic_store(&an.quit, 1);
  pthread_join(an.thread, NULL);

  printf("bench_overlap: %s, samples %zu (%u timings per call), num_ports %u, ool_size "
         "%u, "
         "%s; %zu calls per mode; analysis rounds during overlap: %ld\n",
         source, samples, (unsigned)MB_RAW_COUNT(samples), cfg.num_ports, cfg.ool_size,
         mb_mode_name(cfg.mode), calls, an.rounds);
  for (k = 0; k < 2; k++) {
    printf("%s:\n", names[k]);
    summary("median delta (ns)", p50[k], n[k], "ns");
    summary("p99 delta (ns)", p99[k], n[k], "ns");
    summary("collect wall (ms)", wall[k], n[k], "ms");
    summary("timeouts per call", tmo[k], n[k], "");
  }
  mb_collector_free(col);
  mb_collection_cleanup(&c);
  mb_stats_scratch_cleanup(&scratch);
  for (k = 0; k < 2; k++) {
    free(p50[k]);
    free(p99[k]);
    free(wall[k]);
    free(tmo[k]);
  }
  free(an.bytes);
  free(an.symbols);
  return 0;
}
