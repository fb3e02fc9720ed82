/* test_linux_ipc.c: the Linux analog on the real kernel, both modes, across
 * the knobs' ranges. */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "check.h"
#include "collector.h"
#include "source.h"

static size_t count_status(const struct mb_collection *c, int32_t st)
{
  size_t i, n = 0;

  for (i = 0; i < c->n_timings; i++)
    n += c->status[i] == st;
  return n;
}

static void run(struct mb_collector *col, uint32_t ports, uint32_t ool,
                enum mb_mode mode, size_t samples)
{
  struct mb_config cfg;
  struct mb_collection c;
  struct mb_error err;
  size_t i, nonzero = 0;

  cfg.num_ports = ports;
  cfg.ool_size = ool;
  cfg.mode = mode;
  cfg.placement = MB_PLACEMENT_FREE;
  cfg.variant = MB_VARIANT_SDK;
  mb_collection_init(&c);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, samples, &c, &err), MB_OK);
  CHECK_EQ_INT(c.n_timings, 4 * samples + 64);
  CHECK_EQ_INT(c.n_bytes, samples);
  CHECK_EQ_INT(c.pool_size, ports ? ports : 1);
  /* Nothing fails on an idle machine; a complex send may find its pipe full
   * and wait for the receiver, at worst time out if the receiver is starved
   * for 10 ms on a loaded one. */
  CHECK_EQ_INT(count_status(&c, MB_OP_OK) + count_status(&c, MB_OP_WAITED) +
                   count_status(&c, MB_OP_TIMED_OUT),
               c.n_timings);
  if (mode == MB_MODE_SIMPLE)
    CHECK_EQ_INT(count_status(&c, MB_OP_OK), c.n_timings);
  for (i = 0; i < c.n_timings; i++)
    nonzero += c.timings[i] > 0;
  /* A system call takes far longer than one nanosecond tick. */
  CHECK(nonzero > c.n_timings * 9 / 10);
  CHECK_EQ_INT(mb_extract_timing_entropy(c.timings, c.n_timings, c.bytes, samples),
               c.n_bytes);
  if (mb_check_failed)
    fprintf(stderr, "  (ports %u, ool %u, %s)\n", ports, ool, mb_mode_name(mode));
  mb_collection_cleanup(&c);
}

/* The conditions of a call and the placements: pinned threads are seen on
 * the CPUs they were pinned to, every count is there, nothing is unknown
 * that Linux can tell. */
static void conditions(struct mb_collector *col, enum mb_mode mode,
                       enum mb_placement placement, int cpus_allowed)
{
  struct mb_config cfg = {8, 4096, mode, MB_VARIANT_SDK, placement};
  struct mb_collection c;
  struct mb_error err;
  const struct mb_conditions *k = &c.conditions;
  cpu_set_t before, after;

  mb_collection_init(&c);
  mb_error_init(&err);
  pthread_getaffinity_np(pthread_self(), sizeof(before), &before);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 1000, &c, &err), MB_OK);
  /* The runner's thread gets its CPUs back for the analysis. */
  pthread_getaffinity_np(pthread_self(), sizeof(after), &after);
  CHECK(CPU_EQUAL(&before, &after));
  CHECK_EQ_INT(k->waited_known, 1);
  CHECK_EQ_INT(k->timing.known, 1);
  CHECK(k->timing.nvcsw >= 0 && k->timing.nivcsw >= 0 && k->timing.migrations >= 0);
  CHECK(k->timing.cpus >= 1 && k->timing.cpu_mask != 0);
  CHECK(k->process_nvcsw >= k->timing.nvcsw && k->process_nivcsw >= 0);
  if (mode == MB_MODE_SIMPLE) {
    CHECK_EQ_INT(k->receiver.known, 0); /* no receiver thread */
    CHECK(isnan(k->same_cpu_share));
  } else {
    CHECK_EQ_INT(k->receiver.known, 1);
    CHECK(k->receiver.nvcsw >= 0 && k->receiver.nivcsw >= 0 && k->receiver.cpus >= 1);
    CHECK(k->same_cpu_share >= 0 && k->same_cpu_share <= 1);
  }
  if (placement != MB_PLACEMENT_FREE) {
    /* Pinned: one CPU each, never a migration. */
    CHECK_EQ_INT(k->timing.cpus, 1);
    CHECK_EQ_INT(k->timing.migrations, 0);
    if (mode == MB_MODE_COMPLEX) {
      CHECK_EQ_INT(k->receiver.cpus, 1);
      CHECK_EQ_INT(k->receiver.migrations, 0);
      if (placement == MB_PLACEMENT_SHARED) {
        CHECK(k->timing.cpu_mask == k->receiver.cpu_mask);
        CHECK_NEAR(k->same_cpu_share, 1.0, 0.0);
      } else {
        CHECK(k->timing.cpu_mask != k->receiver.cpu_mask);
        CHECK_NEAR(k->same_cpu_share, 0.0, 0.0);
      }
    }
  }
  if (mb_check_failed)
    fprintf(stderr, "  (%s, %s, %d CPUs)\n", mb_mode_name(mode),
            mb_placement_name(placement), cpus_allowed);
  mb_collection_cleanup(&c);
}

int main(void)
{
  struct mb_collector *col = NULL;
  struct mb_error err;
  struct mb_clock clk;

  mb_error_init(&err);
  if (mb_source_probe("linux_ipc", &err) != MB_OK)
    MB_SKIP("linux_ipc not available: %s", err.text);
  CHECK_EQ_INT(mb_collector_open("linux_ipc", NULL, &col, &err), MB_OK);
  CHECK_EQ_STR(mb_collector_info(col)->platform, "Linux");
  CHECK_EQ_INT(mb_collector_clock(col, &clk), MB_OK);
  CHECK_EQ_STR(clk.name, "CLOCK_MONOTONIC_RAW");
  CHECK_EQ_U64(clk.tick_num, 1);
  CHECK_EQ_U64(clk.tick_den, 1);
  CHECK(clk.read_cost_ns > 0 && clk.read_cost_ns < 10000);
  CHECK(clk.resolution_ns >= 1 && clk.resolution_ns < 10000);
  printf("clock %s: read %.1f ns, resolution %.1f ns\n", clk.name, clk.read_cost_ns,
         clk.resolution_ns);

  run(col, 8, 4096, MB_MODE_COMPLEX, 1000); /* the seed's defaults */
  run(col, 8, 4096, MB_MODE_SIMPLE, 1000);
  run(col, 1, 1, MB_MODE_COMPLEX, 200);
  run(col, 64, 65536, MB_MODE_COMPLEX, 200);
  run(col, 3, 5000, MB_MODE_COMPLEX, 100); /* not a multiple of a page */
  run(col, 64, 1, MB_MODE_SIMPLE, 200);
  run(col, 0, 0, MB_MODE_COMPLEX, 0); /* clamped to 1, 1; 64 timings */

  {
    cpu_set_t allowed;
    int n_cpus, m;

    sched_getaffinity(0, sizeof(allowed), &allowed);
    n_cpus = CPU_COUNT(&allowed);
    for (m = 0; m < 2; m++) {
      enum mb_mode mode = m ? MB_MODE_SIMPLE : MB_MODE_COMPLEX;

      conditions(col, mode, MB_PLACEMENT_FREE, n_cpus);
      conditions(col, mode, MB_PLACEMENT_SHARED, n_cpus);
      if (n_cpus >= 2) {
        conditions(col, mode, MB_PLACEMENT_SPLIT, n_cpus);
      } else {
        /* One CPU: split is refused, naming the placement. */
        struct mb_config cfg = {8, 4096, mode, MB_VARIANT_SDK, MB_PLACEMENT_SPLIT};
        struct mb_collection c;

        mb_collection_init(&c);
        mb_error_init(&err);
        CHECK_EQ_INT(mb_collector_collect(col, &cfg, 10, &c, &err), MB_EUNAVAILABLE);
        CHECK(strstr(err.text, "split") != NULL);
        mb_collection_cleanup(&c);
        printf("split placement not tested: this process may use one CPU\n");
      }
    }
  }
  /* A placement this platform cannot do is refused by the collector too
   * (validation refuses it first: tests/data/experiment/placement_*). */
  {
    struct mb_config cfg = {8, 4096, MB_MODE_COMPLEX, MB_VARIANT_SDK,
                            MB_PLACEMENT_QOS_BACKGROUND};
    struct mb_collection c;

    mb_collection_init(&c);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_collector_collect(col, &cfg, 10, &c, &err), MB_EINVALID);
    CHECK(strstr(err.text, "qos_background") && strstr(err.text, "Linux"));
    mb_collection_cleanup(&c);
  }

  /* The 10 ms send timeout: with a receiver that never reads, eight 64 KiB
   * messages fill a pipe (sized for a port's five, rounded up to a power
   * of two pages); every later send waits 10 ms and times out, and its
   * timing says so. */
  {
    struct mb_config cfg = {1, 65536, MB_MODE_COMPLEX, MB_VARIANT_SDK,
                            MB_PLACEMENT_FREE};
    struct mb_collection c;
    size_t i, late = 0;

    mb_collection_init(&c);
    mb_linux_ipc_inject_fault(MB_FAULT_STALL, 0);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_collector_collect(col, &cfg, 0, &c, &err), MB_OK);
    CHECK_EQ_INT(c.n_timings, 64);
    CHECK_EQ_INT(count_status(&c, MB_OP_OK), 8);
    CHECK_EQ_INT(c.status[7], MB_OP_OK);
    CHECK_EQ_INT(count_status(&c, MB_OP_TIMED_OUT), 56);
    for (i = 8; i < c.n_timings; i++) {
      CHECK(c.timings[i] >= 10000000u);
      late += c.timings[i] > 60000000u; /* a busy machine may add a little */
    }
    CHECK(late < 5);
    printf("timed-out send: %" PRIu64 " ns\n", c.timings[8]);
    mb_collection_cleanup(&c);
  }
  mb_collector_free(col);
  return CHECK_DONE();
}
