/* bench_predictors.c: time and peak memory of the four prediction estimators
 * (SP 800-90B §6.3.7–§6.3.10) on 1,000,000 uniform bytes and on their
 * 8,000,000-bit bitstring, the sizes of the full-assessment target.
 *
 * Each run happens in a child process so that its peak resident memory is
 * its own. Usage: bench_predictors [SAMPLES] (default 1000000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static const struct {
  const char *name;
  int (*fn)(const uint8_t *, size_t, unsigned, struct mb_estimate *);
} predictors[] = {
    {"multi_mcw", mb_est_multi_mcw},
    {"lag", mb_est_lag},
    {"multi_mmc", mb_est_multi_mmc},
    {"lz78y", mb_est_lz78y},
};

static uint64_t rng_next(uint64_t *x)
{
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static double seconds(const struct timeval *tv)
{
  return (double)tv->tv_sec + (double)tv->tv_usec * 1e-6;
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Peak resident memory from ru_maxrss: kilobytes on Linux, bytes on macOS. */
static double maxrss_mb(long maxrss)
{
#ifdef __APPLE__
  return (double)maxrss / (1024.0 * 1024.0);
#else
  return (double)maxrss / 1024.0;
#endif
}

/* Run one estimator in a child; print wall and CPU time, peak memory. */
static int bench(const char *label, size_t p, const uint8_t *s, size_t n, unsigned k,
                 double base_mb)
{
  struct rusage ru;
  int status;
  double t0, wall;
  pid_t pid;

  fflush(stdout);
  t0 = now();
  pid = fork();

  if (pid < 0) {
    perror("fork");
    return 1;
  }
  if (pid == 0) {
    struct mb_estimate e;
    memset(&e, 0, sizeof e);
    if (predictors[p].fn(s, n, k, &e) != MB_OK)
      _exit(1);
    printf("%-9s %-10s h = %.6f (C = %llu of N = %llu)", label, predictors[p].name, e.h,
           (unsigned long long)e.correct, (unsigned long long)e.predictions);
    fflush(stdout);
    _exit(0);
  }
  if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    fprintf(stderr, "%s %s failed\n", label, predictors[p].name);
    return 1;
  }
  wall = now() - t0;
  printf("  wall %6.3f s  cpu %6.3f s  peak %5.1f MB (own %5.1f MB)\n", wall,
         seconds(&ru.ru_utime) + seconds(&ru.ru_stime), maxrss_mb(ru.ru_maxrss),
         maxrss_mb(ru.ru_maxrss) - base_mb);
  return 0;
}

int main(int argc, char **argv)
{
  size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000, i, p;
  uint8_t *bytes = malloc(n ? n : 1), *bits = malloc(n ? n * 8 : 1);
  uint64_t x = 1;
  struct rusage self;
  double base;
  int fail = 0;

  if (!bytes || !bits) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  for (i = 0; i < n; i++)
    bytes[i] = (uint8_t)(rng_next(&x) >> 56);
  for (i = 0; i < n * 8; i++)
    bits[i] = (uint8_t)((bytes[i / 8] >> (7 - i % 8)) & 1);
  getrusage(RUSAGE_SELF, &self);
  base = maxrss_mb(self.ru_maxrss);
  printf("%zu uniform bytes (k = 256) and their %zu-bit bitstring; the inputs take "
         "%.1f MB of each peak\n",
         n, n * 8, base);
  for (p = 0; p < sizeof predictors / sizeof predictors[0]; p++)
    fail |= bench("literal", p, bytes, n, 256, base);
  for (p = 0; p < sizeof predictors / sizeof predictors[0]; p++)
    fail |= bench("bitstring", p, bits, n * 8, 2, base);
  free(bytes);
  free(bits);
  return fail;
}
