/* bench_predictors.c: time and peak memory of the four prediction estimators
 * (SP 800-90B §6.3.7–§6.3.10) on 1,000,000 uniform bytes and on their
 * 8,000,000-bit bitstring, the sizes of the full-assessment target, or on
 * the 8-bit samples of a file.
 *
 * Each run happens in a child process so that its peak resident memory is
 * its own. Usage: bench_predictors [SAMPLES|FILE [NAME...]] (default
 * 1000000 uniform bytes). FILE (an argument that is not a number) holds one
 * 8-bit sample per byte; its literal symbols are ranked among the distinct
 * values present (k of them), as the assessment does, and its bitstring is
 * each sample's 8 bits, most significant first. Each NAME keeps only the
 * runs it names: an estimator (`multi_mmc`), a part (`literal`,
 * `bitstring`) or both (`bitstring:lag`).
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
    printf("%-9s %-10s h = %.6f (C = %llu of N = %llu, run %llu)", label,
           predictors[p].name, e.h, (unsigned long long)e.correct,
           (unsigned long long)e.predictions, (unsigned long long)e.longest_run);
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

/* Whether the run (label, estimator) is among the NAMEs (all when none). */
static int wanted(int argc, char **argv, const char *label, const char *name)
{
  size_t ll = strlen(label);
  int a;

  if (argc <= 2)
    return 1;
  for (a = 2; a < argc; a++) {
    const char *w = argv[a];

    if (!strcmp(w, label) || !strcmp(w, name) ||
        (!strncmp(w, label, ll) && w[ll] == ':' && !strcmp(w + ll + 1, name)))
      return 1;
  }
  return 0;
}

/* The samples of a file, or NULL (with a message). */
static uint8_t *read_file(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  long len = -1;
  uint8_t *s = NULL;

  if (f && fseek(f, 0, SEEK_END) == 0)
    len = ftell(f);
  *n = len > 0 ? (size_t)len : 0;
  if (*n)
    s = malloc(*n);
  if (!f || !s || fseek(f, 0, SEEK_SET) != 0 || fread(s, 1, *n, f) != *n) {
    fprintf(stderr, "bench_predictors: cannot read %s\n", path);
    free(s);
    s = NULL;
  }
  if (f)
    fclose(f);
  return s;
}

int main(int argc, char **argv)
{
  const char *file =
      argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9') ? argv[1] : NULL;
  size_t n = argc > 1 && !file ? strtoul(argv[1], NULL, 10) : 1000000, i, p;
  uint8_t *raw = file ? read_file(file, &n) : malloc(n ? n : 1), *bytes, *bits;
  unsigned rank[256], k = 0, v;
  uint64_t x = 1;
  struct rusage self;
  double base;
  int fail = 0;

  if (!raw)
    return 1;
  bytes = malloc(n ? n : 1);
  bits = malloc(n ? n * 8 : 1);
  if (!bytes || !bits) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  for (i = 0; !file && i < n; i++)
    raw[i] = (uint8_t)(rng_next(&x) >> 56);
  /* Literal symbols: ranks among the values present. */
  memset(rank, 0, sizeof rank);
  for (i = 0; i < n; i++)
    rank[raw[i]] = 1;
  for (v = 0; v < 256; v++)
    rank[v] = rank[v] ? k++ : 0;
  for (i = 0; i < n; i++)
    bytes[i] = (uint8_t)rank[raw[i]];
  if (!file)
    k = 256;
  for (i = 0; i < n * 8; i++)
    bits[i] = (uint8_t)((raw[i / 8] >> (7 - i % 8)) & 1);
  getrusage(RUSAGE_SELF, &self);
  base = maxrss_mb(self.ru_maxrss);
  printf("%zu %s (k = %u) and their %zu-bit bitstring; the inputs take "
         "%.1f MB of each peak\n",
         n, file ? file : "uniform bytes", k, n * 8, base);
  for (p = 0; p < sizeof predictors / sizeof predictors[0]; p++)
    if (wanted(argc, argv, "literal", predictors[p].name))
      fail |= bench("literal", p, bytes, n, k, base);
  for (p = 0; p < sizeof predictors / sizeof predictors[0]; p++)
    if (wanted(argc, argv, "bitstring", predictors[p].name))
      fail |= bench("bitstring", p, bits, n * 8, 2, base);
  free(raw);
  free(bytes);
  free(bits);
  return fail;
}
