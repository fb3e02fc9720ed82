/* bench_ports.c: how linux_ipc complex-mode sends split between those that
 * found room and those that waited for the receiver, at each pool size.
 * Not a test: prints figures (the table in sources/README.md, "Sends that
 * wait").
 *
 * For num_ports 1, 2, 4, ..., 64 at 4096-byte OOL it runs CALLS collect
 * calls of SAMPLES samples and prints, as medians over the calls: the share
 * of sends with status MB_OP_OK (found room), the median ns of those, of
 * the MB_OP_WAITED ones and of all sends, and the total of timeouts. Run it
 * under `taskset -c 0` to hold the sender and the receiver on one CPU.
 *
 * Usage: bench_ports [SAMPLES [CALLS]]   (default 16384 3)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double median_u64(uint64_t *v, size_t n)
{
  if (n == 0)
    return 0;
  qsort(v, n, sizeof(*v), cmp_u64);
  return (double)v[n / 2];
}

static double median(double *v, size_t n)
{
  qsort(v, n, sizeof(*v), cmp_double);
  return v[n / 2];
}

int main(int argc, char **argv)
{
  size_t samples = argc > 1 ? strtoul(argv[1], NULL, 10) : 16384;
  int calls = argc > 2 ? atoi(argv[2]) : 3;
  size_t raw = MB_RAW_COUNT(samples), i;
  struct mb_collector *col = NULL;
  struct mb_collection c;
  struct mb_error err;
  uint64_t *ok = malloc(raw * sizeof(uint64_t));
  uint64_t *waited = malloc(raw * sizeof(uint64_t));
  double *share, *ok_ns, *waited_ns, *all_ns;
  uint32_t ports;

  if (calls < 1)
    calls = 1;
  share = calloc((size_t)calls, sizeof(double));
  ok_ns = calloc((size_t)calls, sizeof(double));
  waited_ns = calloc((size_t)calls, sizeof(double));
  all_ns = calloc((size_t)calls, sizeof(double));
  if (!ok || !waited || !share || !ok_ns || !waited_ns || !all_ns) {
    fprintf(stderr, "bench_ports: out of memory\n");
    return 1;
  }
  mb_error_init(&err);
  mb_collection_init(&c);
  if (mb_collector_open("linux_ipc", NULL, &col, &err) != MB_OK) {
    fprintf(stderr, "bench_ports: %s\n", err.text);
    return 1;
  }
  printf("linux_ipc complex, 4096-byte OOL, %zu samples (%zu sends) per call, medians "
         "of %d calls\n\n",
         samples, raw, calls);
  printf("%5s %6s %11s %11s %14s %10s %8s\n", "ports", "pool", "found room", "their ns",
         "waited: ns", "all: ns", "timeouts");
  for (ports = 1; ports <= MB_NUM_PORTS_MAX; ports *= 2) {
    struct mb_config cfg = {ports, 4096, MB_MODE_COMPLEX, MB_VARIANT_SDK,
                            MB_PLACEMENT_FREE};
    size_t timeouts = 0;
    int k;

    for (k = 0; k < calls; k++) {
      size_t nok = 0, nwaited = 0;

      if (mb_collector_collect(col, &cfg, samples, &c, &err) != MB_OK) {
        fprintf(stderr, "bench_ports: %s\n", err.text);
        return 1;
      }
      for (i = 0; i < c.n_timings; i++) {
        if (c.status[i] == MB_OP_OK)
          ok[nok++] = c.timings[i];
        else if (c.status[i] == MB_OP_WAITED)
          waited[nwaited++] = c.timings[i];
        else if (c.status[i] == MB_OP_TIMED_OUT)
          timeouts++;
      }
      share[k] = 100.0 * (double)nok / (double)c.n_timings;
      ok_ns[k] = median_u64(ok, nok);
      waited_ns[k] = median_u64(waited, nwaited);
      all_ns[k] = median_u64(c.timings, c.n_timings);
    }
    printf("%5u %6u %10.2f%% %11.0f %14.0f %10.0f %8zu\n", ports, c.pool_size,
           median(share, (size_t)calls), median(ok_ns, (size_t)calls),
           median(waited_ns, (size_t)calls), median(all_ns, (size_t)calls), timeouts);
  }
  mb_collector_free(col);
  mb_collection_cleanup(&c);
  free(ok);
  free(waited);
  free(share);
  free(ok_ns);
  free(waited_ns);
  free(all_ns);
  return 0;
}
