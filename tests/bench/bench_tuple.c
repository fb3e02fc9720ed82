/* bench_tuple.c: time and peak memory of the t-Tuple and LRS estimates
 * (§6.3.5, §6.3.6) on uniform bytes and on their MSB-first bitstring.
 *
 * Usage: bench_tuple [SAMPLES|FILE [REPEATS [METHOD]]]
 *   SAMPLES  uniform 8-bit samples (default 1000000); the bitstring has 8x
 *   FILE     (not a number) a sample file, one 8-bit sample per byte, instead
 *   REPEATS  timed runs per data set, the best is reported (default 3)
 *   METHOD   auto, radix or sais (default auto)
 * Wall and CPU time are both shown: on a busy machine the CPU time is the
 * steadier figure. Peak memory is the process's maximum resident set size after each
 * data set, so the bitstring figure covers both. */
#include "error.h"
#include "internal.h"
#include "tuple.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double clock_s(clockid_t id)
{
  struct timespec ts;

  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_kib(void)
{
  struct rusage ru;

  getrusage(RUSAGE_SELF, &ru);
#ifdef __APPLE__
  return ru.ru_maxrss / 1024;
#else
  return ru.ru_maxrss;
#endif
}

static int run(const char *label, const uint8_t *s, size_t n, int repeats,
               enum mb_tuple_method method)
{
  double best = 1e30, best_cpu = 1e30;
  int i;

  for (i = 0; i < repeats; i++) {
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), dt,
           dc;
    struct mb_tuple_lrs_result r;
    struct mb_tuple_stats st;
    int rc;

    if (method == MB_TUPLE_AUTO) {
      rc = mb_tuple_lrs_compute(s, n, &r);
      if (rc == MB_OK && i == 0)
        printf("%-10s n=%zu  t=%zu u=%zu v=%zu  t-tuple h=%.6f  lrs h=%.6f\n", label, n,
               r.t, r.u, r.v, r.tuple_h, r.lrs_h);
    } else {
      rc = mb_tuple_stats_compute(s, n, method, &st);
      if (rc == MB_OK && i == 0)
        printf("%-10s n=%zu  v=%zu (statistics only)\n", label, n, st.v);
      mb_tuple_stats_cleanup(&st);
    }
    dt = clock_s(CLOCK_MONOTONIC) - t0;
    dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (rc != MB_OK) {
      fprintf(stderr, "bench_tuple: %s: %s\n", label, mb_strerror(rc));
      return 1;
    }
    if (dt < best)
      best = dt;
    if (dc < best_cpu)
      best_cpu = dc;
  }
  printf("%-10s best of %d: %.3f s wall, %.3f s CPU   peak RSS so far: %.1f MiB\n",
         label, repeats, best, best_cpu, (double)peak_kib() / 1024.0);
  return 0;
}

int main(int argc, char **argv)
{
  const char *file =
      argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9') ? argv[1] : NULL;
  size_t n = argc > 1 && !file ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
  int repeats = argc > 2 ? atoi(argv[2]) : 3;
  enum mb_tuple_method method = MB_TUPLE_AUTO;
  uint8_t *bytes, *bits;
  uint64_t x = 0x2545f4914f6cdd1du;
  size_t i;
  unsigned j;
  int rc;

  if (argc > 3)
    method = strcmp(argv[3], "radix") == 0  ? MB_TUPLE_RADIX
             : strcmp(argv[3], "sais") == 0 ? MB_TUPLE_SAIS
                                            : MB_TUPLE_AUTO;
  if (file) {
    FILE *f = fopen(file, "rb");
    long len = -1;

    if (f && fseek(f, 0, SEEK_END) == 0)
      len = ftell(f);
    n = len > 0 ? (size_t)len : 0;
    if (f && fseek(f, 0, SEEK_SET) != 0)
      n = 0;
    bytes = malloc(n ? n : 1);
    if (!f || n == 0 || !bytes || fread(bytes, 1, n, f) != n) {
      fprintf(stderr, "bench_tuple: cannot read %s\n", file);
      return 1;
    }
    fclose(f);
  } else {
    bytes = malloc(n ? n : 1);
  }
  if (n == 0 || repeats < 1 || !bytes) {
    fprintf(stderr, "usage: bench_tuple [SAMPLES|FILE [REPEATS [auto|radix|sais]]]\n");
    return 2;
  }
  bits = malloc(n * 8);
  if (!bits) {
    fprintf(stderr, "bench_tuple: out of memory\n");
    return 1;
  }
  for (i = 0; i < n && !file; i++) { /* xorshift64*: uniform bytes */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    bytes[i] = (uint8_t)((x * 0x2545f4914f6cdd1du) >> 56);
  }
  for (i = 0; i < n; i++)
    for (j = 0; j < 8; j++)
      bits[i * 8 + j] = (uint8_t)(((unsigned)bytes[i] >> (7u - j)) & 1u);
  printf("inputs: %.1f MiB resident\n", (double)peak_kib() / 1024.0);
  rc = run("literal", bytes, n, repeats, method);
  if (rc == 0)
    rc = run("bitstring", bits, n * 8, repeats, method);
  free(bytes);
  free(bits);
  return rc;
}
