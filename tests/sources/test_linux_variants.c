/* test_linux_variants.c: linux_ipc's analog of each seed defect, on the
 * real kernel: the variants that move the send right get exactly one
 * successful send per endpoint and EBADF for every later one (no
 * queueing); the others queue every send; a send without a timeout that
 * stays blocked is ended by the watchdog (MB_OP_ABORTED) and the call
 * goes on to its end; an interrupt ends a blocked call at once
 * (MB_EINTERRUPTED). */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include "check.h"
#include "collector.h"
#include "source.h"
#include "watchdog.h"

static size_t count(const struct mb_collection *c, int32_t st)
{
  size_t i, n = 0;

  for (i = 0; i < c->n_timings; i++)
    n += c->status[i] == st;
  return n;
}

static void each_variant(struct mb_collector *col, enum mb_variant v, uint32_t ports,
                         uint32_t ool)
{
  struct mb_config cfg = {ports, ool, MB_MODE_COMPLEX, v, MB_PLACEMENT_FREE};
  struct mb_collection c;
  struct mb_error err;
  size_t i;

  mb_collection_init(&c);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 256, &c, &err), MB_OK);
  CHECK_EQ_INT(c.n_timings, 4 * 256 + 64);
  CHECK_EQ_INT(c.pool_size, ports);
  CHECK_EQ_INT(c.ended, MB_ENDED_COMPLETE);
  printf("%-12s ports %2u ool %5u: %zu ok, %zu waited, %zu timed out, %zu EBADF, "
         "%zu aborted\n",
         mb_variant_name(v), ports, ool, count(&c, MB_OP_OK), count(&c, MB_OP_WAITED),
         count(&c, MB_OP_TIMED_OUT), count(&c, EBADF), count(&c, MB_OP_ABORTED));
  if (!(mb_variant_fixes(v) & MB_FIX_COPY_SEND)) {
    /* One send per endpoint, then the send right is gone. */
    for (i = 0; i < c.n_timings; i++)
      CHECK_EQ_INT(c.status[i], i < ports ? MB_OP_OK : EBADF);
  } else {
    CHECK_EQ_INT(count(&c, MB_OP_ABORTED), 0);
    CHECK_EQ_INT(count(&c, MB_OP_OK) + count(&c, MB_OP_WAITED) +
                     count(&c, MB_OP_TIMED_OUT),
                 c.n_timings);
    if (!(mb_variant_fixes(v) & MB_FIX_TIMEOUT))
      CHECK_EQ_INT(count(&c, MB_OP_TIMED_OUT), 0);
  }
  mb_collection_cleanup(&c);
}

/* copy_send with a receiver that never reads: the pipe fills (8 inline
 * messages in packet mode), the next send blocks without limit, and the
 * watchdog ends the call after its limit (shortened here to 200 ms). */
static void stalled(struct mb_collector *col)
{
  struct mb_config cfg = {1, 4096, MB_MODE_COMPLEX, MB_VARIANT_COPY_SEND,
                          MB_PLACEMENT_FREE};
  struct mb_collection c;
  struct mb_error err;
  size_t i, ok;
  uint64_t t0, wall;

  mb_collection_init(&c);
  mb_error_init(&err);
  mb_watchdog_set_limit_ms(200);
  mb_linux_ipc_inject_fault(MB_FAULT_STALL, 0);
  t0 = mb_watchdog_now();
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 64, &c, &err), MB_OK);
  wall = mb_watchdog_now() - t0;
  CHECK_EQ_INT(c.ended, MB_ENDED_STALL);
  CHECK_EQ_INT(c.n_timings, 4 * 64 + 64);
  ok = count(&c, MB_OP_OK);
  printf("stalled copy_send: %zu ok, then aborted after %.3f s; call %.3f s\n", ok,
         (double)c.timings[ok] / 1e9, (double)wall / 1e9);
  CHECK(ok >= 5 && ok <= 16); /* a pipe sized for 5 messages holds 5 to 16 */
  CHECK_EQ_INT(count(&c, MB_OP_ABORTED), c.n_timings - ok);
  CHECK(c.timings[ok] >= 200000000u); /* the blocked send waited the limit */
  for (i = ok + 1; i < c.n_timings; i++)
    CHECK_EQ_INT(c.timings[i], 0); /* never started */
  CHECK(wall < 30000000000u);      /* bounded: seconds, not for ever */
  mb_watchdog_set_limit_ms(0);
  mb_collection_cleanup(&c);
}

/* An interrupt requested while a send is blocked ends the call at once. */
static void interrupted(struct mb_collector *col)
{
  struct mb_config cfg = {1, 4096, MB_MODE_COMPLEX, MB_VARIANT_COPY_SEND,
                          MB_PLACEMENT_FREE};
  struct mb_collection c;
  struct mb_error err;

  mb_collection_init(&c);
  mb_error_init(&err);
  mb_linux_ipc_inject_fault(MB_FAULT_STALL, 0);
  mb_sources_interrupt();
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 64, &c, &err), MB_EINTERRUPTED);
  CHECK_EQ_INT(c.n_timings, 0);
  CHECK(strstr(err.text, "interrupted") != NULL);
  /* Simple mode sees it between operations. */
  cfg.mode = MB_MODE_SIMPLE;
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 64, &c, &err), MB_EINTERRUPTED);
  mb_sources_interrupt_clear();
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 64, &c, &err), MB_OK);
  CHECK_EQ_INT(c.ended, MB_ENDED_COMPLETE);
  mb_collection_cleanup(&c);
}

/* Open descriptors of this process: every placeholder, event and pipe of a
 * call is closed by its end, whichever way it ended. */
static size_t open_fds(void)
{
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  size_t n = 0;

  if (!d)
    return 0;
  while ((e = readdir(d)) != NULL)
    n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

int main(void)
{
  struct mb_collector *col = NULL;
  struct mb_error err;
  size_t fds;
  unsigned v;

  mb_error_init(&err);
  if (mb_source_probe("linux_ipc", &err) != MB_OK)
    MB_SKIP("linux_ipc not available: %s", err.text);
  CHECK_EQ_INT(mb_collector_open("linux_ipc", NULL, &col, &err), MB_OK);
  fds = open_fds();
  for (v = 0; v < MB_VARIANT_COUNT; v++) {
    each_variant(col, (enum mb_variant)v, 8, 4096);
    each_variant(col, (enum mb_variant)v, 1, 65536);
  }
  stalled(col);
  interrupted(col);
  CHECK_EQ_INT(open_fds(), fds);
  mb_collector_free(col);
  return CHECK_DONE();
}
