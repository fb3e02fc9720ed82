/* source.h: the one interface every collector implements.
 *
 * A collector reproduces one entropy source's collect path (for mach_ipc:
 * pool set-up, receiver thread, timed operations, clean-up, extraction) and
 * hands back every raw timing, a status for every timed operation, and the
 * extracted bytes. The runner knows collectors only through this header.
 * Platform code lives in one file per platform, picked by CMakeLists.txt.
 */
#ifndef MB_SOURCE_H
#define MB_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The seed's knobs (MachIPCConfig) and their ranges. */
#define MB_NUM_PORTS_MIN 1u
#define MB_NUM_PORTS_MAX 64u
#define MB_NUM_PORTS_DEFAULT 8u
#define MB_OOL_SIZE_MIN 1u
#define MB_OOL_SIZE_MAX 65536u
#define MB_OOL_SIZE_DEFAULT 4096u

/* raw_count = n_samples * 4 + 64 timings per collect (REFERENCE.md step 1). */
#define MB_RAW_COUNT(n_samples) ((n_samples)*4u + 64u)

enum mb_mode {
  MB_MODE_COMPLEX = 0, /* complex OOL messages (use_complex_messages = true) */
  MB_MODE_SIMPLE = 1   /* port allocate/free (use_complex_messages = false) */
};

/* "complex" / "simple"; mb_mode_parse returns 0 or MB_EINVALID. */
const char *mb_mode_name(enum mb_mode mode);
int mb_mode_parse(const char *text, enum mb_mode *out);

/* Where the collector's threads run (the `placement` axis). What each
 * platform can do is in its collector's mb_source_info.placements; the rest
 * are refused when the experiment is validated. */
enum mb_placement {
  MB_PLACEMENT_FREE = 0,             /* the scheduler decides (the seed) */
  MB_PLACEMENT_SHARED,               /* Linux: both threads pinned to one CPU */
  MB_PLACEMENT_SPLIT,                /* Linux: pinned to two different CPUs */
  MB_PLACEMENT_QOS_USER_INTERACTIVE, /* macOS QoS classes: the scheduler puts */
  MB_PLACEMENT_QOS_USER_INITIATED,   /* higher classes on performance cores */
  MB_PLACEMENT_QOS_UTILITY,          /* and background on efficiency cores */
  MB_PLACEMENT_QOS_BACKGROUND,
  MB_PLACEMENT_COUNT
};
#define MB_PLACEMENT_BIT(p) (1u << (unsigned)(p))

/* "free", "shared", "split", "qos_user_interactive", ...; "?" out of range.
 * mb_placement_parse returns 0 or MB_EINVALID. */
const char *mb_placement_name(enum mb_placement placement);
int mb_placement_parse(const char *text, enum mb_placement *out);
/* Which of the seed's three defects a complex-mode call keeps or fixes
 * (sources/FINDINGS.md). The seed as shipped moves its only send right
 * (MOVE_SEND), puts its OOL descriptor at byte 32 where the kernel reads a
 * null port descriptor and 8 inline bytes, and sets no send timeout. Each
 * other variant fixes some of the three; simple mode sends nothing and
 * ignores the variant. Values are in this fixed order (run.json's axes). */
enum mb_variant {
  MB_VARIANT_SEED = 0,     /* the seed's exact calls (default) */
  MB_VARIANT_SDK,          /* all three fixed: what the seed meant */
  MB_VARIANT_COPY_SEND,    /* only the disposition fixed (COPY_SEND) */
  MB_VARIANT_PACKED,       /* only the descriptor fixed (SDK layout, byte 28) */
  MB_VARIANT_SEND_TIMEOUT, /* only the timeout fixed (MACH_SEND_TIMEOUT 10 ms) */
  MB_VARIANT_COUNT
};

/* The fixes a variant applies, as a mask of these bits. */
#define MB_FIX_COPY_SEND 1u /* the task keeps its send right after a send */
#define MB_FIX_PACKED 2u    /* the message carries ool_size bytes out of line */
#define MB_FIX_TIMEOUT 4u   /* a send gives up after 10 ms without room */
unsigned mb_variant_fixes(enum mb_variant v);

/* "seed", "sdk", "copy_send", "packed", "send_timeout" ("?" out of range);
 * mb_variant_parse returns 0 or MB_EINVALID. */
const char *mb_variant_name(enum mb_variant v);
int mb_variant_parse(const char *text, enum mb_variant *out);
/* The variant a run recorded before variants existed (no "variant" in its
 * points) measured: linux_ipc moved ool_size bytes, kept its send right
 * and timed out after 10 ms (sdk); mach_ipc sent "layout" sdk as sdk and
 * the seed's bytes with a 10 ms timeout (send_timeout); layout is run.json's
 * source.layout, NULL or "" when absent. Anything else: seed. */
enum mb_variant mb_variant_legacy(const char *source, const char *layout);

/* One line on what the variant sends (static text). */
const char *mb_variant_describe(enum mb_variant v);

struct mb_config {
  uint32_t num_ports; /* 1..64 */
  uint32_t ool_size;  /* 1..65536 bytes */
  enum mb_mode mode;
  enum mb_variant variant;     /* complex mode only; MB_VARIANT_SEED by default */
  enum mb_placement placement; /* MB_PLACEMENT_FREE by default */
};

/* Status of one timed operation, recorded outside the timed region. */
#define MB_OP_OK 0 /* succeeded */
#define MB_OP_TIMED_OUT                                                                \
  -1 /* the send waited its 10 ms and gave up (variants                                \
        with MB_FIX_TIMEOUT) */
/* Succeeded, but only after waiting for room in a full queue: the timing
 * includes that wait. linux_ipc only (mach_msg cannot tell); not a failure. */
#define MB_OP_WAITED -2
/* Not finished: the call was ended before this operation completed, by the
 * watchdog (an operation blocked for MB_STALL_LIMIT_MS) or by an interrupt
 * (mb_sources_interrupt). The operation that was blocked keeps its timing;
 * the ones never started have timing 0. A failure. */
#define MB_OP_ABORTED -3
/* Any positive value: the system's own error code, unchanged (errno on
 * Linux, kern_return_t on macOS). */

/* Whether a status means the operation did not do its work: it timed out
 * or failed with a system error (MB_OP_OK and MB_OP_WAITED did their work). */
#define MB_OP_FAULT(st) ((st) == MB_OP_TIMED_OUT || (st) == MB_OP_ABORTED || (st) > 0)

/* The watchdog's limit: a complex-mode call in which one timed operation
 * has not finished after this long is ended (its unfinished operations get
 * MB_OP_ABORTED), so a variant that can block (no send timeout, receiver
 * stalled) never hangs a run. Far above any wait a live receiver causes
 * (sources/README.md, "Calls bounded in time"). */
#define MB_STALL_LIMIT_MS 2000u

/* Ask the collect call in progress, in any thread, to end as soon as it
 * can (within about 0.1 s even when an operation is blocked): its
 * unfinished operations get MB_OP_ABORTED and mb_collector_collect returns
 * MB_EINTERRUPTED. The request stays until mb_sources_interrupt_clear().
 * Async-signal-safe (it only sets a flag). */
void mb_sources_interrupt(void);
void mb_sources_interrupt_clear(void);
int mb_sources_interrupted(void);

/* The clock a collector times with. One tick lasts tick_num / tick_den ns. */
struct mb_clock {
  const char *name;     /* "mach_absolute_time", "CLOCK_MONOTONIC_RAW", ... */
  uint64_t tick_num;    /* e.g. 125 on Apple Silicon, 1 on Linux */
  uint64_t tick_den;    /* e.g. 3 on Apple Silicon, 1 on Linux */
  double read_cost_ns;  /* measured median cost of one clock read */
  double resolution_ns; /* measured smallest non-zero step between reads */
};

/* How one thread fared during a call's timed loop. Counts are -1 when the
 * platform cannot tell. */
struct mb_thread_conditions {
  int known;          /* 0: nothing below was measured (no such thread) */
  int64_t nvcsw;      /* voluntary context switches (getrusage RUSAGE_THREAD) */
  int64_t nivcsw;     /* involuntary context switches */
  int64_t migrations; /* CPU changes seen between sched_getcpu samples */
  int64_t cpus;       /* distinct CPUs seen */
  uint64_t cpu_mask;  /* CPUs seen (bit i: CPU i, for i < 64) */
  const char *qos;    /* macOS: the thread's QoS class ("utility"); else NULL */
};

/* The conditions of one call, measured outside the timed region: before
 * and after the timed loop, and by sampling between timed operations.
 * Unknown values are -1 (counts) or NAN (shares). */
struct mb_conditions {
  int waited_known; /* 1: the collector tells MB_OP_WAITED from MB_OP_OK */
  struct mb_thread_conditions timing, receiver;
  double same_cpu_share; /* samples with both threads on one CPU / samples */
  int64_t process_nvcsw, process_nivcsw; /* getrusage(RUSAGE_SELF) deltas */
};

/* Set every value of k to "unknown" (known = 0, counts -1, shares NAN). */
void mb_conditions_unknown(struct mb_conditions *k);

/* What one collect call returns. Caller-allocated: mb_collection_init(),
 * reused across calls (buffers grow, never shrink), mb_collection_cleanup(). */
struct mb_collection {
  uint64_t *timings; /* n_timings raw t1 - t0 values, in clock ticks */
  int32_t *status;   /* n_timings MB_OP_* / system codes */
  size_t n_timings;
  uint8_t *bytes; /* extract_timing_entropy(timings, n_samples) */
  size_t n_bytes;
  uint32_t pool_size;  /* endpoints actually made; 0 = seed's simple fallback */
  int32_t pool_status; /* why the first missing endpoint could not be made
                          (system code), MB_OP_OK when the whole pool was */
  struct mb_conditions conditions; /* filled by the collector */
  int ended;                       /* MB_ENDED_*: whether every operation ran */
  size_t cap_timings;              /* allocated entries (internal) */
  size_t cap_bytes;
};

/* How a collect call ended (mb_collection.ended). */
#define MB_ENDED_COMPLETE 0  /* every operation ran */
#define MB_ENDED_STALL 1     /* the watchdog ended it: MB_OP_ABORTED statuses */
#define MB_ENDED_INTERRUPT 2 /* mb_sources_interrupt ended it: MB_EINTERRUPTED */

void mb_collection_init(struct mb_collection *c);
/* Make room for n_timings timings and n_bytes bytes; MB_ENOMEM on failure. */
int mb_collection_reserve(struct mb_collection *c, size_t n_timings, size_t n_bytes);
void mb_collection_cleanup(struct mb_collection *c);

/* The seed's extract_timing_entropy: k timings give at most k - 2 bytes,
 * truncated to n. out must hold min(n, k - 2) bytes. Returns bytes written. */
size_t mb_extract_timing_entropy(const uint64_t *timings, size_t k, uint8_t *out,
                                 size_t n);

/* Replace a share `fraction` (0..1) of c's timings by one constant value,
 * the median of the call's timings, and extract c->bytes again from the
 * result (n_samples as in the collect call). The replaced timings are in
 * blocks of MB_INJECT_BLOCK consecutive operations, one block at a
 * pseudo-random offset (seeded by `seed`) in each window of
 * MB_INJECT_BLOCK / fraction operations, so each block yields
 * MB_INJECT_BLOCK - 2 constant (zero) bytes and the drop in entropy grows
 * smoothly with the fraction (results/baselines/README.md measures it).
 * Statuses are left as collected. Returns the number of timings replaced;
 * 0 when fraction <= 0 or c has fewer than 3 timings. A deliberate,
 * documented entropy drop for measuring the CI gate's power; never used
 * unless an experiment asks for it. */
#define MB_INJECT_BLOCK 3u
size_t mb_collection_inject_constant(struct mb_collection *c, double fraction,
                                     uint64_t seed, size_t n_samples);

/* Static description of a collector. */
struct mb_source_info {
  const char *name;        /* "mach_ipc", "linux_ipc", "replay" */
  const char *description; /* one line */
  const char *platform;    /* "macOS", "Linux", "any" */
  struct mb_config defaults;
  const char *option;  /* what mb_collector_open's option means ("FILE"),
                          NULL when the collector takes none */
  int option_required; /* 1: open fails without the option (replay) */
  unsigned variants;   /* mask of 1u << MB_VARIANT_* this collector runs */
  unsigned placements; /* MB_PLACEMENT_BIT() of each placement it can do */
};

/* Whether collector `name` runs variant v; unknown names run none. The
 * valid names, comma-separated ("seed, sdk, ..."), go into buf. */
int mb_source_has_variant(const char *name, enum mb_variant v);
char *mb_source_variant_list(const char *name, char *buf, size_t n);

struct mb_collector; /* an opened collector; opaque */

/* Every collector built into this binary; *count receives their number. */
const struct mb_source_info *mb_sources_list(size_t *count);

/* The name of this platform's default collector ("mach_ipc" on macOS,
 * "linux_ipc" on Linux). */
const char *mb_sources_default(void);

/* Whether collector `name` can run here: MB_OK, or MB_EUNAVAILABLE with the
 * reason in err (or MB_EINVALID for an unknown name, with a hint). */
int mb_source_probe(const char *name, struct mb_error *err);

/* Open collector `name`. option is collector-specific (replay: the file to
 * play back; NULL otherwise). *out is new, owned by the caller, freed with
 * mb_collector_free(). MB_EUNAVAILABLE when it cannot run here. */
int mb_collector_open(const char *name, const char *option, struct mb_collector **out,
                      struct mb_error *err);

/* Borrowed description of an opened collector. */
const struct mb_source_info *mb_collector_info(const struct mb_collector *col);

/* Describe and measure the collector's clock (fills read cost, resolution). */
int mb_collector_clock(struct mb_collector *col, struct mb_clock *clk);

/* One full collect call, exactly as the source runs: set-up, timed
 * operations (MB_RAW_COUNT(n_samples) of them), clean-up, extraction. Fills
 * out (reusing its buffers). On failure everything the call made is
 * released and err says what failed. Not thread-safe per collector. */
int mb_collector_collect(struct mb_collector *col, const struct mb_config *cfg,
                         size_t n_samples, struct mb_collection *out,
                         struct mb_error *err);

/* Tell the collector that its next collect call is the index-th of the
 * run's whole plan (warm-up calls first, then the schedule). Only replay
 * uses it: it plays timings index * MB_RAW_COUNT(n_samples) onward (with
 * wrap-around), so a call gets the same timings whether the run is whole, a
 * shard of it (run --shard) or resumed. Live collectors ignore it. */
void mb_collector_seek(struct mb_collector *col, size_t index);

/* As mb_collector_seek, saying too which call of the plan it is (its point
 * and repetition; SIZE_MAX for a warm-up call), so replay of a run's raw
 * files plays that call's own recording, in any order (sources/README.md). */
void mb_collector_seek_call(struct mb_collector *col, size_t index, size_t point,
                            size_t repetition);

void mb_collector_free(struct mb_collector *col);

#endif
