/* watchdog.h: ends a collect call whose timed operation is blocked.
 *
 * A variant without a send timeout can block in a send for as long as the
 * receiver does not make room, and a receiver can stall. The watchdog is a
 * thread beside the sender: the sender marks the start and end of each
 * operation (two relaxed atomic stores, outside the timed region); when
 * one operation has been running for the limit, or when an interrupt is
 * requested (mb_sources_interrupt), the watchdog marks the call ended and
 * calls the collector's unblock function once, which makes the blocked
 * system call return (linux_ipc: an event the send also polls; mach_ipc:
 * the pool's receive rights are destroyed, so a blocked mach_msg returns
 * MACH_SEND_INVALID_DEST). The sender then records MB_OP_ABORTED for the
 * operation and every one it did not start. Internal to sources/.
 * One watchdog per call; start and stop from the sender's thread.
 */
#ifndef MB_WATCHDOG_H
#define MB_WATCHDOG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

struct mb_watchdog {
  atomic_uint_fast64_t op_started; /* monotonic ns when the current operation
                                      began; 0 between operations */
  atomic_int ended;                /* MB_ENDED_* (source.h); set once */
  atomic_int stop;                 /* the sender is done: exit */
  pthread_mutex_t lock;            /* with wake: stop ends the wait at once */
  pthread_cond_t wake;
  uint64_t limit_ns;
  void (*unblock)(void *ctx); /* called once, from the watchdog thread */
  void *ctx;
  pthread_t thread;
  int running;
};

/* Monotonic nanoseconds (CLOCK_MONOTONIC). */
uint64_t mb_watchdog_now(void);

/* The limit the next watchdogs use: MB_STALL_LIMIT_MS by default; tests set
 * a shorter one (0 restores the default). Not thread-safe. */
void mb_watchdog_set_limit_ms(unsigned ms);

/* Start watching (the thread has every signal blocked). unblock may be
 * NULL when no operation can block. Returns 0 or the pthread error. */
int mb_watchdog_start(struct mb_watchdog *wd, void (*unblock)(void *ctx), void *ctx);

/* The sender's marks around one operation. */
static inline void mb_watchdog_op_begin(struct mb_watchdog *wd)
{
  atomic_store_explicit(&wd->op_started, mb_watchdog_now(), memory_order_relaxed);
}
static inline void mb_watchdog_op_end(struct mb_watchdog *wd)
{
  atomic_store_explicit(&wd->op_started, 0, memory_order_relaxed);
}

/* MB_ENDED_COMPLETE while the call may go on; MB_ENDED_STALL or
 * MB_ENDED_INTERRUPT once the watchdog (or an interrupt) ended it. */
int mb_watchdog_ended(struct mb_watchdog *wd);

/* Stop and join the thread (idempotent). Returns how the call ended. */
int mb_watchdog_stop(struct mb_watchdog *wd);

/* The decision, as a pure function: given the time now, when the current
 * operation began (0: none running), the limit and whether an interrupt is
 * requested, MB_ENDED_COMPLETE (go on), MB_ENDED_STALL or
 * MB_ENDED_INTERRUPT. */
int mb_watchdog_decide(uint64_t now, uint64_t op_started, uint64_t limit_ns,
                       int interrupted);

/* How often the watchdog looks, in ns: a tenth of the limit, at most
 * 50 ms, so an interrupt is seen within 0.1 s. */
uint64_t mb_watchdog_period_ns(uint64_t limit_ns);

#endif
