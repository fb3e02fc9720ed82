/* test_watchdog.c: the watchdog that ends blocked collect calls: its
 * decision, that it fires on an operation blocked past the limit and calls
 * the unblock once, that steady progress never fires it, that an interrupt
 * request fires it, and that stop returns promptly. No timed assertion
 * beyond generous bounds. */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "check.h"
#include "source.h"
#include "watchdog.h"

static int unblock_calls;

/* The "blocked operation": a read from a pipe nobody writes, until the
 * watchdog's unblock writes one byte. */
static void unblock(void *ctx)
{
  int fd = *(const int *)ctx;
  ssize_t w = write(fd, "x", 1);

  (void)w;
  unblock_calls++;
}

static void test_decide(void)
{
  const uint64_t s = 1000000000u;

  CHECK_EQ_INT(mb_watchdog_decide(10 * s, 0, 2 * s, 0), MB_ENDED_COMPLETE);
  CHECK_EQ_INT(mb_watchdog_decide(10 * s, 9 * s, 2 * s, 0), MB_ENDED_COMPLETE);
  CHECK_EQ_INT(mb_watchdog_decide(10 * s, 8 * s, 2 * s, 0), MB_ENDED_STALL);
  CHECK_EQ_INT(mb_watchdog_decide(10 * s, 1 * s, 2 * s, 0), MB_ENDED_STALL);
  CHECK_EQ_INT(mb_watchdog_decide(10 * s, 0, 2 * s, 1), MB_ENDED_INTERRUPT);
  CHECK_EQ_INT(mb_watchdog_decide(10 * s, 9 * s, 2 * s, 1), MB_ENDED_INTERRUPT);
  /* A clock read before the operation's start is no stall. */
  CHECK_EQ_INT(mb_watchdog_decide(1 * s, 5 * s, 2 * s, 0), MB_ENDED_COMPLETE);
  CHECK_EQ_INT(mb_watchdog_period_ns(2 * s), 50000000u);
  CHECK_EQ_INT(mb_watchdog_period_ns(100000000u), 10000000u);
}

static void test_stall(void)
{
  struct mb_watchdog wd;
  int fds[2];
  char c;
  uint64_t t0;

  CHECK_EQ_INT(pipe(fds), 0);
  unblock_calls = 0;
  mb_watchdog_set_limit_ms(100);
  CHECK_EQ_INT(mb_watchdog_start(&wd, unblock, &fds[1]), 0);
  t0 = mb_watchdog_now();
  mb_watchdog_op_begin(&wd);
  CHECK_EQ_INT(read(fds[0], &c, 1), 1); /* returns only when unblocked */
  mb_watchdog_op_end(&wd);
  CHECK_EQ_INT(mb_watchdog_ended(&wd), MB_ENDED_STALL);
  CHECK_EQ_INT(mb_watchdog_stop(&wd), MB_ENDED_STALL);
  CHECK_EQ_INT(unblock_calls, 1);
  CHECK(mb_watchdog_now() - t0 >= 100000000u); /* not before the limit */
  close(fds[0]);
  close(fds[1]);
}

static void test_progress(void)
{
  struct mb_watchdog wd;
  int i;

  unblock_calls = 0;
  mb_watchdog_set_limit_ms(100);
  CHECK_EQ_INT(mb_watchdog_start(&wd, unblock, NULL), 0);
  /* 300 ms of operations of 10 ms each: each well under the limit. */
  for (i = 0; i < 30; i++) {
    mb_watchdog_op_begin(&wd);
    usleep(10000);
    mb_watchdog_op_end(&wd);
  }
  /* Idle between operations is no stall either. */
  usleep(250000);
  CHECK_EQ_INT(mb_watchdog_stop(&wd), MB_ENDED_COMPLETE);
  CHECK_EQ_INT(unblock_calls, 0);
}

static void test_interrupt(void)
{
  struct mb_watchdog wd;
  int fds[2];
  char c;

  CHECK_EQ_INT(pipe(fds), 0);
  unblock_calls = 0;
  mb_watchdog_set_limit_ms(60000); /* only the interrupt can end it */
  CHECK_EQ_INT(mb_watchdog_start(&wd, unblock, &fds[1]), 0);
  mb_watchdog_op_begin(&wd);
  mb_sources_interrupt();
  CHECK_EQ_INT(read(fds[0], &c, 1), 1);
  mb_watchdog_op_end(&wd);
  CHECK_EQ_INT(mb_watchdog_stop(&wd), MB_ENDED_INTERRUPT);
  CHECK_EQ_INT(unblock_calls, 1);
  mb_sources_interrupt_clear();
  CHECK(!mb_sources_interrupted());
  close(fds[0]);
  close(fds[1]);
}

/* stop wakes the thread at once, whatever its period: a thousand watchdogs
 * start and stop in far less than a thousand periods (50 s). */
static void test_stop_prompt(void)
{
  uint64_t t0 = mb_watchdog_now();
  int i;

  mb_watchdog_set_limit_ms(0); /* the default, 2 s: a 50 ms period */
  for (i = 0; i < 1000; i++) {
    struct mb_watchdog wd;

    CHECK_EQ_INT(mb_watchdog_start(&wd, NULL, NULL), 0);
    CHECK_EQ_INT(mb_watchdog_stop(&wd), MB_ENDED_COMPLETE);
  }
  CHECK((mb_watchdog_now() - t0) / 1000000u < 20000u);
}

int main(void)
{
  test_decide();
  test_stall();
  test_progress();
  test_interrupt();
  test_stop_prompt();
  return CHECK_DONE();
}
