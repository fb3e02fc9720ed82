/* gen_samples.c: seeded sample files (one 8-bit sample per byte, the input
 * format of `mebench assess` and of NIST's ea_non_iid) for the estimator
 * benchmarks: uniform bytes, timing-like deltas and highly repetitive data.
 *
 * Usage: gen_samples KIND SAMPLES FILE [SEED]
 *   uniform   uniform bytes
 *   timing    timing-like: the low 8 bits of heavy-tailed deltas (a base
 *             cost, log-normal jitter, rare long stalls, a 3-tick clock
 *             quantum), as a timing source's raw deltas reduced mod 256
 *   periodic  a period-1000 pattern of bytes, 0.1 % of samples replaced
 *   runs      long runs: a value held for 1..4096 samples, then another
 * The same KIND, SAMPLES and SEED always give the same file. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

/* splitmix64 */
static uint64_t next64(void)
{
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static double unit(void)
{
  return ((double)(next64() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Standard normal, Box-Muller. */
static double normal(void)
{
  return sqrt(-2.0 * log(unit())) * cos(6.283185307179586 * unit());
}

static uint8_t timing_sample(void)
{
  double t = 1200.0 + exp(3.0 + 0.6 * normal());

  if (unit() < 0.01)
    t += 2000.0 + 18000.0 * unit();
  return (uint8_t)(((uint64_t)t / 3u * 3u) & 0xFFu);
}

int main(int argc, char **argv)
{
  const char *kind;
  size_t n, i, run = 0;
  uint8_t pattern[1000], value = 0;
  uint8_t *s;
  FILE *f;

  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: gen_samples uniform|timing|periodic|runs SAMPLES FILE "
                    "[SEED]\n");
    return 2;
  }
  kind = argv[1];
  n = (size_t)strtoull(argv[2], NULL, 10);
  rng_state = argc > 4 ? strtoull(argv[4], NULL, 10) : 20261201u;
  if (n == 0) {
    fprintf(stderr, "gen_samples: SAMPLES must be positive\n");
    return 2;
  }
  s = malloc(n);
  if (!s) {
    fprintf(stderr, "gen_samples: out of memory for %zu samples\n", n);
    return 1;
  }
  for (i = 0; i < sizeof pattern; i++)
    pattern[i] = (uint8_t)(next64() >> 56);
  for (i = 0; i < n; i++) {
    if (strcmp(kind, "uniform") == 0) {
      s[i] = (uint8_t)(next64() >> 56);
    } else if (strcmp(kind, "timing") == 0) {
      s[i] = timing_sample();
    } else if (strcmp(kind, "periodic") == 0) {
      s[i] = next64() % 1000u == 0 ? (uint8_t)(next64() >> 56)
                                   : pattern[i % sizeof pattern];
    } else if (strcmp(kind, "runs") == 0) {
      if (run == 0) {
        value = (uint8_t)(next64() >> 56);
        run = 1 + (size_t)(next64() % 4096u);
      }
      s[i] = value;
      run--;
    } else {
      fprintf(stderr, "gen_samples: unknown kind '%s'\n", kind);
      free(s);
      return 2;
    }
  }
  f = fopen(argv[3], "wb");
  if (!f || fwrite(s, 1, n, f) != n || fclose(f) != 0) {
    fprintf(stderr, "gen_samples: cannot write %s\n", argv[3]);
    free(s);
    return 1;
  }
  free(s);
  return 0;
}
