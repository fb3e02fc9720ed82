/* stop.h: how the commands that collect (run, restart) stop on SIGINT and
 * SIGTERM, the same way for both.
 *
 * First signal: say at once what happens (the call in progress finishes,
 * then the command stops, keeping everything recorded). Second: end the
 * call in progress now (mb_sources_interrupt: within about 0.1 s; that
 * call is discarded). Third: the signal's default action, for a process
 * that does not stop. Handlers are installed with SA_RESTART, so the
 * collector's system calls carry on undisturbed: the command looks at the
 * flag between calls, the collectors at the interrupt request between
 * operations.
 *
 * One command at a time per process: the state is process-wide. */
#ifndef MB_STOP_H
#define MB_STOP_H

#include <signal.h>

struct mb_stop_saved {
  struct sigaction old_int, old_term;
};

/* Clear the state (flag, count, progress, the sources' interrupt request)
 * and install the handler for SIGINT and SIGTERM, keeping the previous
 * actions in *saved. */
void mb_stop_install(struct mb_stop_saved *saved);

/* Put back the actions install replaced, and clear the sources' interrupt
 * request. */
void mb_stop_restore(const struct mb_stop_saved *saved);

/* The signal that asked to stop (SIGINT, SIGTERM), 0 while none did. The
 * pointer is what runner options take (runner.h, stop). */
volatile sig_atomic_t *mb_stop_flag(void);

/* "SIGINT", "SIGTERM", or "a signal": what stopped the command, for its
 * message. */
const char *mb_stop_reason(void);

/* Where the command says which call is in progress, for the first
 * signal's message: call (1-based; 0 is the warm-up call) of total. While
 * total is 0 the message says "the call in progress". */
volatile sig_atomic_t *mb_stop_progress_call(void);
volatile sig_atomic_t *mb_stop_progress_total(void);

#endif
