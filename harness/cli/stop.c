/* stop.c: the SIGINT/SIGTERM handling run and restart share (stop.h). */
#include "stop.h"

#include <string.h>
#include <unistd.h>

#include "source.h"

static volatile sig_atomic_t stop_signal, signals_seen, call_now, call_total;

/* Append the decimal digits of v to buf at *len (async-signal-safe). */
static void put_uint(char *buf, size_t *len, size_t cap, long v)
{
  char digits[24];
  size_t n = 0;

  if (v < 0)
    v = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v > 0 && n < sizeof(digits));
  while (n > 0 && *len + 1 < cap)
    buf[(*len)++] = digits[--n];
}

static void put_text(char *buf, size_t *len, size_t cap, const char *s)
{
  while (*s && *len + 1 < cap)
    buf[(*len)++] = *s++;
}

/* Only async-signal-safe calls here. */
static void on_signal(int sig)
{
  char msg[160];
  size_t len = 0;
  ssize_t w;

  signals_seen++;
  stop_signal = sig;
  if (signals_seen == 1 && call_now < 0) {
    put_text(msg, &len, sizeof(msg),
             "\nmebench: stopping the analyses (every call is recorded; run --resume "
             "finishes them)\n");
  } else if (signals_seen == 1) {
    put_text(msg, &len, sizeof(msg), "\nmebench: stopping: finishing ");
    if (call_total == 0) {
      put_text(msg, &len, sizeof(msg), "the call in progress");
    } else if (call_now > 0) {
      put_text(msg, &len, sizeof(msg), "call ");
      put_uint(msg, &len, sizeof(msg), (long)call_now);
      put_text(msg, &len, sizeof(msg), "/");
      put_uint(msg, &len, sizeof(msg), (long)call_total);
    } else {
      put_text(msg, &len, sizeof(msg), "the warm-up call");
    }
    put_text(msg, &len, sizeof(msg), "; Ctrl-C again to stop now\n");
  } else if (signals_seen == 2) {
    mb_sources_interrupt();
    put_text(msg, &len, sizeof(msg),
             call_now < 0
                 ? "\nmebench: stopping now\n"
                 : "\nmebench: stopping now; the call in progress is discarded\n");
  } else {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  w = write(STDERR_FILENO, msg, len);
  (void)w;
}

void mb_stop_install(struct mb_stop_saved *saved)
{
  struct sigaction sa;

  stop_signal = 0;
  signals_seen = 0;
  call_now = 0;
  call_total = 0;
  mb_sources_interrupt_clear();
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, &saved->old_int);
  sigaction(SIGTERM, &sa, &saved->old_term);
}

void mb_stop_restore(const struct mb_stop_saved *saved)
{
  sigaction(SIGINT, &saved->old_int, NULL);
  sigaction(SIGTERM, &saved->old_term, NULL);
  mb_sources_interrupt_clear();
}

volatile sig_atomic_t *mb_stop_flag(void)
{
  return &stop_signal;
}

const char *mb_stop_reason(void)
{
  return stop_signal == SIGTERM  ? "SIGTERM"
         : stop_signal == SIGINT ? "SIGINT"
                                 : "a signal";
}

volatile sig_atomic_t *mb_stop_progress_call(void)
{
  return &call_now;
}

volatile sig_atomic_t *mb_stop_progress_total(void)
{
  return &call_total;
}
