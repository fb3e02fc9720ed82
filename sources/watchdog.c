/* watchdog.c: the thread that ends a blocked collect call (watchdog.h). */
#include "watchdog.h"

#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "source.h"

static unsigned limit_override_ms;

uint64_t mb_watchdog_now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void mb_watchdog_set_limit_ms(unsigned ms)
{
  limit_override_ms = ms;
}

int mb_watchdog_decide(uint64_t now, uint64_t op_started, uint64_t limit_ns,
                       int interrupted)
{
  if (interrupted)
    return MB_ENDED_INTERRUPT;
  if (op_started != 0 && now > op_started && now - op_started >= limit_ns)
    return MB_ENDED_STALL;
  return MB_ENDED_COMPLETE;
}

uint64_t mb_watchdog_period_ns(uint64_t limit_ns)
{
  uint64_t p = limit_ns / 10u;

  return p > 50000000u ? 50000000u : p > 0 ? p : 1u;
}

static void *watch(void *arg)
{
  struct mb_watchdog *wd = arg;
  uint64_t period = mb_watchdog_period_ns(wd->limit_ns);

  pthread_mutex_lock(&wd->lock);
  while (!atomic_load_explicit(&wd->stop, memory_order_acquire)) {
    struct timespec ts;
    struct timeval tv;
    uint64_t at;
    int verdict = mb_watchdog_decide(
        mb_watchdog_now(), atomic_load_explicit(&wd->op_started, memory_order_relaxed),
        wd->limit_ns, mb_sources_interrupted());

    if (verdict != MB_ENDED_COMPLETE) {
      /* Mark first: the sender, once unblocked, must find the call ended. */
      atomic_store_explicit(&wd->ended, verdict, memory_order_release);
      pthread_mutex_unlock(&wd->lock);
      if (wd->unblock)
        wd->unblock(wd->ctx);
      return NULL;
    }
    /* An absolute real-time deadline, as pthread_cond_timedwait takes on
     * every platform (macOS has no pthread_condattr_setclock); a clock
     * step only shortens or lengthens one look. */
    gettimeofday(&tv, NULL);
    at = (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u + period;
    ts.tv_sec = (time_t)(at / 1000000000u);
    ts.tv_nsec = (long)(at % 1000000000u);
    if (!atomic_load_explicit(&wd->stop, memory_order_acquire))
      pthread_cond_timedwait(&wd->wake, &wd->lock, &ts);
  }
  pthread_mutex_unlock(&wd->lock);
  return NULL;
}

int mb_watchdog_start(struct mb_watchdog *wd, void (*unblock)(void *ctx), void *ctx)
{
  sigset_t all, old;
  int e;

  memset(wd, 0, sizeof(*wd));
  atomic_init(&wd->op_started, 0);
  atomic_init(&wd->ended, MB_ENDED_COMPLETE);
  atomic_init(&wd->stop, 0);
  wd->limit_ns =
      (uint64_t)(limit_override_ms ? limit_override_ms : MB_STALL_LIMIT_MS) * 1000000u;
  wd->unblock = unblock;
  wd->ctx = ctx;
  pthread_mutex_init(&wd->lock, NULL);
  pthread_cond_init(&wd->wake, NULL);
  /* Signals (the runner's SIGINT) belong to the main thread. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  e = pthread_create(&wd->thread, NULL, watch, wd);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  wd->running = e == 0;
  if (e != 0) {
    pthread_cond_destroy(&wd->wake);
    pthread_mutex_destroy(&wd->lock);
  }
  return e;
}

int mb_watchdog_ended(struct mb_watchdog *wd)
{
  return atomic_load_explicit(&wd->ended, memory_order_acquire);
}

int mb_watchdog_stop(struct mb_watchdog *wd)
{
  if (wd->running) {
    pthread_mutex_lock(&wd->lock);
    atomic_store_explicit(&wd->stop, 1, memory_order_release);
    pthread_cond_signal(&wd->wake);
    pthread_mutex_unlock(&wd->lock);
    pthread_join(wd->thread, NULL);
    pthread_cond_destroy(&wd->wake);
    pthread_mutex_destroy(&wd->lock);
    wd->running = 0;
  }
  return mb_watchdog_ended(wd);
}
