/* collector.h: what a collector implementation provides to the registry
 * (source.c). Internal to sources/ and its tests; the runner uses source.h.
 *
 * Each collector lives in its own file. A collector that cannot be built for
 * this platform is represented by a small "absent" file, picked by
 * sources/CMakeLists.txt, whose probe says why it is not available.
 */
#ifndef MB_COLLECTOR_H
#define MB_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "source.h"

struct mb_collector_ops {
  const struct mb_source_info *info; /* static, from the registry */
  int native; /* 1 when this build runs the real thing on this platform */
  /* MB_OK, or MB_EUNAVAILABLE with the reason in err. */
  int (*probe)(struct mb_error *err);
  /* Make the collector's state (*state may stay NULL); option as in
   * mb_collector_open(). */
  int (*open)(const char *option, void **state, struct mb_error *err);
  void (*close)(void *state);
  /* Fill clk's name, tick_num and tick_den; the registry measures the rest
   * with clock_read, or leaves them to this function when clock_read is NULL. */
  void (*clock)(void *state, struct mb_clock *clk);
  uint64_t (*clock_read)(void);
  /* Fill out->timings, out->status, out->n_timings and out->pool_size with
   * MB_RAW_COUNT(n_samples) timed operations; out already has room for
   * them. cfg is already clamped (num_ports, ool_size >= 1). The registry
   * extracts the bytes afterwards. */
  int (*collect)(void *state, const struct mb_config *cfg, size_t n_samples,
                 struct mb_collection *out, struct mb_error *err);
};

extern const struct mb_collector_ops mb_mach_ipc_ops;
extern const struct mb_collector_ops mb_linux_ipc_ops;
extern const struct mb_collector_ops mb_replay_ops;

/* Replay's part of mb_collector_seek() and mb_collector_seek_call(): state
 * is replay's; point and repetition SIZE_MAX when not known (warm-up). */
void mb_replay_seek(void *state, size_t index, size_t point, size_t repetition);

/* The registry's descriptions (source.c), shared by real and absent
 * implementations, in mb_sources_list() order. */
#define MB_N_SOURCES 3
extern const struct mb_source_info mb_source_infos[MB_N_SOURCES];
#define MB_INFO_LINUX_IPC (&mb_source_infos[0])
#define MB_INFO_MACH_IPC (&mb_source_infos[1])
#define MB_INFO_REPLAY (&mb_source_infos[2])

/* Measure a clock: median cost of one read and smallest non-zero step, in
 * ns, from tick_num/tick_den. Takes about a millisecond. */
void mb_clock_measure(uint64_t (*read)(void), struct mb_clock *clk);

/* Test-only fault injection for the Linux analog: the next collect call
 * fails the named step with errnum as if the system had refused it.
 * Not thread-safe; meant for tests/sources. */
enum mb_fault {
  MB_FAULT_NONE = 0,
  MB_FAULT_THREAD,    /* the receiver thread cannot start */
  MB_FAULT_BUFFER,    /* the OOL buffer cannot be mapped */
  MB_FAULT_STALL,     /* the receiver thread runs but never reads (errnum unused),
                         so full pipes make sends time out */
  MB_FAULT_PIPE_SIZE, /* complex mode: the first pool pipe cannot be sized to
                         a port's queue (F_SETPIPE_SZ fails with errnum) */
  MB_FAULT_LATE       /* complex mode: the receiver starts reading errnum ms
                         after the first pipe is full, so the next send into
                         it must wait for room */
};
void mb_linux_ipc_inject_fault(enum mb_fault fault, int errnum);

#endif
