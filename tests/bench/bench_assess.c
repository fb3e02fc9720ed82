/* bench_assess.c: how long mb_assess and each estimator take, and how much
 * memory, on seeded uniform 8-bit samples. A benchmark, not a test: it
 * prints figures and checks nothing.
 *
 * Usage: bench_assess [SAMPLES|FILE [THREADS]]   (default 1000000 samples, 0 =
 * all cores); FILE (any argument that is not a number) is a sample file,
 * one 8-bit sample per byte, instead of the uniform samples. Prints each estimator's
 * time alone on the literal symbols and on the bitstring (one thread), then the whole
 * assessment, its wall time and the process's peak resident set size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "estimators.h"

static double now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the process: on a shared machine, what one-thread runs cost
 * regardless of how long they waited for a core. */
static double cpu(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kb(void)
{
  struct rusage ru;

  getrusage(RUSAGE_SELF, &ru);
#ifdef __APPLE__
  return ru.ru_maxrss / 1024; /* bytes on macOS */
#else
  return ru.ru_maxrss; /* kilobytes on Linux */
#endif
}

int main(int argc, char **argv)
{
  const char *file =
      argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9') ? argv[1] : NULL;
  size_t n = argc > 1 && !file ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
  int threads = argc > 2 ? atoi(argv[2]) : 0;
  uint8_t *s;
  struct mb_assessment *a = malloc(sizeof(*a));
  struct mb_assess_options opt;
  struct mb_error err;
  uint64_t x = 20261121;
  double t0, t1, c0, c1;
  size_t i;
  unsigned e;

  if (file) {
    FILE *f = fopen(file, "rb");
    long len = -1;

    if (f && fseek(f, 0, SEEK_END) == 0)
      len = ftell(f);
    n = len > 0 ? (size_t)len : 0;
    s = malloc(n ? n : 1);
    if (!f || n == 0 || !s || fseek(f, 0, SEEK_SET) != 0 || fread(s, 1, n, f) != n) {
      fprintf(stderr, "bench_assess: cannot read %s\n", file);
      return 1;
    }
    fclose(f);
  } else {
    s = malloc(n ? n : 1);
  }
  if (!s || !a || n == 0) {
    fprintf(stderr, "usage: bench_assess [SAMPLES|FILE [THREADS]]\n");
    return 2;
  }
  for (i = 0; i < n && !file; i++) {
    /* splitmix64 */
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    s[i] = (uint8_t)((z ^ (z >> 31)) >> 56);
  }
  printf("%zu %s 8-bit samples (bitstring %zu bits)\n\n", n, file ? file : "uniform",
         n * 8);
  printf("%-12s %12s %12s   (CPU seconds, one thread, each estimator alone;\n"
         "%-12s %12s %12s    the bitstring column includes writing the bitstring)\n",
         "estimator", "literal", "bitstring", "", "", "");
  for (e = 0; e < MB_EST_COUNT; e++) {
    double tl, tb;

    memset(&opt, 0, sizeof(opt));
    opt.threads = 1;
    opt.estimators = 1u << e;
    opt.no_bitstring = 1;
    mb_error_init(&err);
    t0 = cpu();
    mb_assess(s, n, 8, &opt, a, &err);
    tl = cpu() - t0;
    /* The bitstring alone: the literal run of this estimator is timed
     * above, so subtract it from a run of both. */
    opt.no_bitstring = 0;
    t0 = cpu();
    mb_assess(s, n, 8, &opt, a, &err);
    tb = cpu() - t0 - tl;
    printf("%-12s %12.3f %12.3f%s\n", mb_estimator_key((enum mb_estimator)e), tl,
           tb < 0 ? 0 : tb, a->bitstring[e].ran ? "" : "   (not run)");
  }

  memset(&opt, 0, sizeof(opt));
  opt.threads = threads;
  mb_error_init(&err);
  t0 = now();
  c0 = cpu();
  if (mb_assess(s, n, 8, &opt, a, &err) != MB_OK) {
    fprintf(stderr, "bench_assess: %s\n", err.text);
    return 1;
  }
  t1 = now();
  c1 = cpu();
  printf("\nfull assessment, %d thread(s) (0 = all cores): %.3f s wall, %.3f s CPU\n",
         threads, t1 - t0, c1 - c0);
  printf("H_original %.6f  H_bitstring %.6f  H_assessed %.6f\n", a->h_original,
         a->h_bitstring, a->h_assessed);
  printf("peak RSS %ld kB\n", peak_rss_kb());
  free(a);
  free(s);
  return 0;
}
