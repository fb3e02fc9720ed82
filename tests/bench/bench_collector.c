/* bench_collector.c: what the Linux collector costs beyond the system calls
 * it times. Not a test: prints figures.
 *
 * For each mode at the seed's defaults (8 endpoints, 4096-byte OOL, 1000
 * samples = 4064 timed operations per call) it prints the median ns per
 * timed operation (from the collector's own timings), the share of sends
 * that found their pipe full and waited for room (MB_OP_WAITED), the wall
 * time of a full collect call against a bare loop making the same system
 * calls (same pool, same receiver thread, no clock reads, no status
 * recording, no extraction) and against the same bare loop with the two
 * clock reads per operation that any timing needs, and the cost of one
 * clock read. Collector and bare calls alternate so that drift on a shared
 * machine hits both alike; medians shrug off preempted calls.
 *
 * Usage: bench_collector [ROUNDS]   (default 41)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clock_linux.h"
#include "source.h"

#define SAMPLES 1000u
#define PORTS MB_NUM_PORTS_DEFAULT
#define OOL MB_OOL_SIZE_DEFAULT

/* --- the bare loop: the collector's system calls and nothing else ------ */

/* With `timed`, the bare loop also reads the clock around each operation
 * and keeps the difference, as every timing harness (the seed included)
 * must: the difference between that and the collector is what the
 * collector itself adds. */
static uint64_t bare_timings[MB_RAW_COUNT(SAMPLES)];

struct bare_pool {
  int rfd[PORTS], wfd[PORTS];
};

struct drain {
  struct bare_pool *p;
  unsigned char *buf;
  atomic_int stop;
};

static void *drain_loop(void *arg)
{
  struct drain *d = arg;
  uint64_t deadline = mb_clock_linux_now() + 30000000000u;
  unsigned i;

  while (!atomic_load_explicit(&d->stop, memory_order_relaxed) &&
         mb_clock_linux_now() < deadline) {
    for (i = 0; i < PORTS; i++) {
      ssize_t got = read(d->p->rfd[i], d->buf, OOL);
      (void)got;
    }
    sched_yield();
  }
  return NULL;
}

/* complex: size every pipe for a port's 5 messages, as the collector does
 * (OOL is one page). */
static void bare_pool_open(struct bare_pool *p, int complex)
{
  unsigned i;

  for (i = 0; i < PORTS; i++) {
    int fds[2];

    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
      perror("pipe2");
      exit(1);
    }
    if (complex && fcntl(fds[1], F_SETPIPE_SZ, 5 * OOL) < 0) {
      perror("F_SETPIPE_SZ");
      exit(1);
    }
    p->rfd[i] = fds[0];
    p->wfd[i] = fds[1];
  }
}

static void bare_pool_close(struct bare_pool *p)
{
  unsigned i;

  for (i = 0; i < PORTS; i++) {
    close(p->wfd[i]);
    close(p->rfd[i]);
  }
}

static void bare_complex(size_t raw_count, int timed)
{
  struct bare_pool p;
  struct drain d;
  pthread_t t;
  void *buf;
  size_t i;

  bare_pool_open(&p, 1);
  buf = mmap(NULL, OOL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(buf, 0xBE, OOL);
  d.p = &p;
  d.buf = malloc(1024 + 2 * OOL);
  atomic_init(&d.stop, 0);
  pthread_create(&t, NULL, drain_loop, &d);
  for (i = 0; i < raw_count; i++) {
    struct iovec iov = {buf, OOL};
    int wfd = p.wfd[i % PORTS];
    uint64_t t0 = timed ? mb_clock_linux_now() : 0;

    /* The same send: whole message, waiting for room (10 ms bound not
     * needed here: the figures are medians). */
    for (;;) {
      ssize_t w = vmsplice(wfd, &iov, 1, SPLICE_F_NONBLOCK);

      if (w > 0 && (size_t)w == iov.iov_len)
        break;
      if (w > 0) {
        iov.iov_base = (char *)iov.iov_base + w;
        iov.iov_len -= (size_t)w;
        continue;
      }
      if (w < 0 && errno == EAGAIN) {
        struct pollfd pfd = {wfd, POLLOUT, 0};
        struct timespec ts = {0, 10000000};
        ppoll(&pfd, 1, &ts, NULL);
        continue;
      }
      break;
    }
    if (timed)
      bare_timings[i] = mb_clock_linux_now() - t0;
  }
  atomic_store_explicit(&d.stop, 1, memory_order_relaxed);
  pthread_join(t, NULL);
  free(d.buf);
  munmap(buf, OOL);
  bare_pool_close(&p);
}

static void bare_simple(size_t raw_count, int timed)
{
  struct bare_pool p;
  size_t i;

  bare_pool_open(&p, 0);
  for (i = 0; i < raw_count; i++) {
    struct stat sb;
    int fds[2];
    uint64_t t0 = timed ? mb_clock_linux_now() : 0;

    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0) {
      close(fds[0]);
      close(fds[1]);
    }
    fstat(p.rfd[i % PORTS], &sb);
    if (timed)
      bare_timings[i] = mb_clock_linux_now() - t0;
  }
  bare_pool_close(&p);
}

/* --- measurement ----------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
  qsort(v, n, sizeof(*v), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return (x > y) - (x < y);
}

struct result {
  double ns_per_op; /* median timed operation */
  double ns_per_op_p99;
  double collect_us; /* median wall time of a collect call */
  double bare_us;    /* median wall time of the bare loop */
  double timed_us;   /* median wall time of the bare loop + clock reads */
  double waited_pct; /* median share of sends that waited for room */
};

static struct result bench_mode(struct mb_collector *col, enum mb_mode mode, int rounds)
{
  struct mb_config cfg = {PORTS, OOL, mode, MB_VARIANT_SDK, MB_PLACEMENT_FREE};
  struct mb_collection c;
  struct mb_error err;
  struct result r;
  size_t raw_count = MB_RAW_COUNT(SAMPLES);
  double *coll = calloc((size_t)rounds, sizeof(double));
  double *bare = calloc((size_t)rounds, sizeof(double));
  double *ops = calloc((size_t)rounds, sizeof(double));
  double *p99 = calloc((size_t)rounds, sizeof(double));
  double *timed = calloc((size_t)rounds, sizeof(double));
  double *waited = calloc((size_t)rounds, sizeof(double));
  int i;

  mb_collection_init(&c);
  mb_error_init(&err);
  /* Warm-up: buffers, thread stacks, page cache of the code. */
  for (i = 0; i < 3; i++) {
    mb_collector_collect(col, &cfg, SAMPLES, &c, &err);
    if (mode == MB_MODE_COMPLEX)
      bare_complex(raw_count, i % 2);
    else
      bare_simple(raw_count, i % 2);
  }
  for (i = 0; i < rounds; i++) {
    uint64_t t0, t1;
    int k;

    /* Rotate the order of the three, so none always runs right after
     * another's clean-up. */
    for (k = 0; k < 3; k++) {
      int which = (k + i) % 3;

      t0 = mb_clock_linux_now();
      if (which == 0) {
        if (mb_collector_collect(col, &cfg, SAMPLES, &c, &err) != MB_OK) {
          fprintf(stderr, "collect failed: %s\n", err.text);
          exit(1);
        }
      } else if (mode == MB_MODE_COMPLEX) {
        bare_complex(raw_count, which == 2);
      } else {
        bare_simple(raw_count, which == 2);
      }
      t1 = mb_clock_linux_now();
      if (which == 0) {
        size_t j, nw = 0;

        for (j = 0; j < c.n_timings; j++)
          nw += c.status[j] == MB_OP_WAITED;
        waited[i] = 100.0 * (double)nw / (double)c.n_timings;
        coll[i] = (double)(t1 - t0) / 1000.0;
        qsort(c.timings, c.n_timings, sizeof(uint64_t), cmp_u64);
        ops[i] = (double)c.timings[c.n_timings / 2];
        p99[i] = (double)c.timings[c.n_timings * 99 / 100];
      } else if (which == 1) {
        bare[i] = (double)(t1 - t0) / 1000.0;
      } else {
        timed[i] = (double)(t1 - t0) / 1000.0;
      }
    }
  }
  r.ns_per_op = median(ops, (size_t)rounds);
  r.ns_per_op_p99 = median(p99, (size_t)rounds);
  r.collect_us = median(coll, (size_t)rounds);
  r.bare_us = median(bare, (size_t)rounds);
  r.timed_us = median(timed, (size_t)rounds);
  r.waited_pct = median(waited, (size_t)rounds);
  free(waited);
  free(timed);
  free(coll);
  free(bare);
  free(ops);
  free(p99);
  mb_collection_cleanup(&c);
  return r;
}

int main(int argc, char **argv)
{
  struct mb_collector *col = NULL;
  struct mb_error err;
  struct mb_clock clk;
  int rounds = argc > 1 ? atoi(argv[1]) : 41;
  enum mb_mode modes[2] = {MB_MODE_COMPLEX, MB_MODE_SIMPLE};
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  double load[1] = {0};
  FILE *f;
  int m;

  if (rounds < 3)
    rounds = 3;
  mb_error_init(&err);
  if (mb_collector_open("linux_ipc", NULL, &col, &err) != MB_OK) {
    fprintf(stderr, "bench_collector: %s\n", err.text);
    return 1;
  }
  mb_collector_clock(col, &clk);
  f = fopen("/proc/loadavg", "r");
  if (f) {
    if (fscanf(f, "%lf", &load[0]) != 1)
      load[0] = -1;
    fclose(f);
  }
  printf("linux_ipc at the seed's defaults: %u endpoints, %u-byte OOL, %u samples "
         "(%u timed operations per call), %d rounds\n",
         PORTS, OOL, SAMPLES, MB_RAW_COUNT(SAMPLES), rounds);
  printf("machine: %ld CPUs online, load average %.2f (figures are medians; a busy "
         "shared machine widens them)\n\n",
         ncpu, load[0]);
  printf("%-8s %9s %9s %7s %12s %10s %12s %10s %12s\n", "mode", "ns/op p50",
         "ns/op p99", "waited", "collect us", "bare us", "bare+clk us", "vs bare",
         "vs bare+clk");
  for (m = 0; m < 2; m++) {
    struct result r = bench_mode(col, modes[m], rounds);

    printf("%-8s %9.0f %9.0f %6.1f%% %12.1f %10.1f %12.1f %9.2f%% %11.2f%%\n",
           mb_mode_name(modes[m]), r.ns_per_op, r.ns_per_op_p99, r.waited_pct,
           r.collect_us, r.bare_us, r.timed_us,
           (r.collect_us / r.bare_us - 1.0) * 100.0,
           (r.collect_us / r.timed_us - 1.0) * 100.0);
  }
  printf("\nclock %s: tick %llu/%llu ns, one read %.1f ns, resolution %.1f ns\n",
         clk.name, (unsigned long long)clk.tick_num, (unsigned long long)clk.tick_den,
         clk.read_cost_ns, clk.resolution_ns);
  printf("(each timed operation adds two clock reads: %.1f ns)\n",
         2 * clk.read_cost_ns);
  mb_collector_free(col);
  return 0;
}
