/* source.c: the collector registry, collections, modes, the seed's
 * extract_timing_entropy, and clock measurement, shared by every platform. */
#include "source.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"

/* Every collector's description, sorted by name; the ops of each collector
 * (collector.h) point at their entry, and the registry below lists the ops
 * in the same order. */
#define MB_ALL_VARIANTS ((1u << MB_VARIANT_COUNT) - 1u)

const struct mb_source_info mb_source_infos[MB_N_SOURCES] = {
    {
        "linux_ipc",
        "Linux analog: pipe pool, vmsplice page-reference sends, receiver thread",
        "Linux",
        {MB_NUM_PORTS_DEFAULT, MB_OOL_SIZE_DEFAULT, MB_MODE_COMPLEX, MB_VARIANT_SEED,
         MB_PLACEMENT_FREE},
        NULL,
        0,
        MB_ALL_VARIANTS,
        MB_PLACEMENT_BIT(MB_PLACEMENT_FREE) | MB_PLACEMENT_BIT(MB_PLACEMENT_SHARED) |
            MB_PLACEMENT_BIT(MB_PLACEMENT_SPLIT),
    },
    {
        "mach_ipc",
        "Mach port complex OOL message and VM remapping timing jitter (the seed)",
        "macOS",
        {MB_NUM_PORTS_DEFAULT, MB_OOL_SIZE_DEFAULT, MB_MODE_COMPLEX, MB_VARIANT_SEED,
         MB_PLACEMENT_FREE},
        NULL,
        0,
        MB_ALL_VARIANTS,
        /* macOS has no thread-to-CPU pinning (THREAD_AFFINITY_POLICY is a
         * hint, ignored on Apple silicon); QoS classes steer threads to
         * performance or efficiency cores. */
        MB_PLACEMENT_BIT(MB_PLACEMENT_FREE) |
            MB_PLACEMENT_BIT(MB_PLACEMENT_QOS_USER_INTERACTIVE) |
            MB_PLACEMENT_BIT(MB_PLACEMENT_QOS_USER_INITIATED) |
            MB_PLACEMENT_BIT(MB_PLACEMENT_QOS_UTILITY) |
            MB_PLACEMENT_BIT(MB_PLACEMENT_QOS_BACKGROUND),
    },
    {
        "replay",
        "plays back recorded raw timings (.mbr file, raw/ directory, or text)",
        "any",
        {MB_NUM_PORTS_DEFAULT, MB_OOL_SIZE_DEFAULT, MB_MODE_COMPLEX, MB_VARIANT_SEED,
         MB_PLACEMENT_FREE},
        "FILE",
        1,
        MB_ALL_VARIANTS,                     /* plays back whatever was recorded */
        MB_PLACEMENT_BIT(MB_PLACEMENT_FREE), /* no threads to place */
    },
};

static const struct mb_collector_ops *const registry[MB_N_SOURCES] = {
    &mb_linux_ipc_ops,
    &mb_mach_ipc_ops,
    &mb_replay_ops,
};
#define N_REGISTRY MB_N_SOURCES

struct mb_collector {
  const struct mb_collector_ops *ops;
  void *state;
};

const char *mb_mode_name(enum mb_mode mode)
{
  return mode == MB_MODE_SIMPLE ? "simple" : "complex";
}

int mb_mode_parse(const char *text, enum mb_mode *out)
{
  if (text && strcmp(text, "complex") == 0) {
    *out = MB_MODE_COMPLEX;
    return MB_OK;
  }
  if (text && strcmp(text, "simple") == 0) {
    *out = MB_MODE_SIMPLE;
    return MB_OK;
  }
  return MB_EINVALID;
}

static const char *const placement_names[MB_PLACEMENT_COUNT] = {
    "free",
    "shared",
    "split",
    "qos_user_interactive",
    "qos_user_initiated",
    "qos_utility",
    "qos_background",
};

const char *mb_placement_name(enum mb_placement placement)
{
  if ((unsigned)placement < MB_PLACEMENT_COUNT)
    return placement_names[placement];
  return "?";
}

int mb_placement_parse(const char *text, enum mb_placement *out)
{
  unsigned i;

  for (i = 0; text && i < MB_PLACEMENT_COUNT; i++)
    if (strcmp(text, placement_names[i]) == 0) {
      *out = (enum mb_placement)i;
      return MB_OK;
    }
  return MB_EINVALID;
}

static const char *const variant_names[MB_VARIANT_COUNT] = {"seed", "sdk", "copy_send",
                                                            "packed", "send_timeout"};
static const unsigned variant_fixes[MB_VARIANT_COUNT] = {
    0u, MB_FIX_COPY_SEND | MB_FIX_PACKED | MB_FIX_TIMEOUT, MB_FIX_COPY_SEND,
    MB_FIX_PACKED, MB_FIX_TIMEOUT};

unsigned mb_variant_fixes(enum mb_variant v)
{
  return (unsigned)v < MB_VARIANT_COUNT ? variant_fixes[v] : 0u;
}

enum mb_variant mb_variant_legacy(const char *source, const char *layout)
{
  if (source && strcmp(source, "linux_ipc") == 0)
    return MB_VARIANT_SDK;
  if (source && strcmp(source, "mach_ipc") == 0)
    return layout && strcmp(layout, "sdk") == 0 ? MB_VARIANT_SDK
                                                : MB_VARIANT_SEND_TIMEOUT;
  return MB_VARIANT_SEED;
}

const char *mb_variant_describe(enum mb_variant v)
{
  static const char *const text[MB_VARIANT_COUNT] = {
      "the seed as shipped: MOVE_SEND (one send per port succeeds), descriptor at "
      "byte 32 (no OOL memory, 8 inline bytes), no send timeout",
      "all three fixed, as the seed meant: COPY_SEND, the SDK's descriptor at byte "
      "28, MACH_SEND_TIMEOUT 10 ms",
      "only COPY_SEND fixed: every send gets in, 8 inline bytes, no timeout (can "
      "block; the watchdog bounds it)",
      "only the descriptor fixed: ool_size bytes out of line, but one send per port",
      "only MACH_SEND_TIMEOUT fixed: one send per port, 8 inline bytes"};

  return (unsigned)v < MB_VARIANT_COUNT ? text[v] : "?";
}

const char *mb_variant_name(enum mb_variant v)
{
  return (unsigned)v < MB_VARIANT_COUNT ? variant_names[v] : "?";
}

int mb_variant_parse(const char *text, enum mb_variant *out)
{
  unsigned i;

  for (i = 0; text && i < MB_VARIANT_COUNT; i++)
    if (strcmp(text, variant_names[i]) == 0) {
      *out = (enum mb_variant)i;
      return MB_OK;
    }
  return MB_EINVALID;
}

void mb_conditions_unknown(struct mb_conditions *k)
{
  memset(k, 0, sizeof(*k));
  k->timing.nvcsw = k->timing.nivcsw = k->timing.migrations = k->timing.cpus = -1;
  k->receiver = k->timing;
  k->same_cpu_share = NAN;
  k->process_nvcsw = k->process_nivcsw = -1;
}

static const struct mb_source_info *find_info(const char *name)
{
  size_t i;

  for (i = 0; name && i < MB_N_SOURCES; i++)
    if (strcmp(mb_source_infos[i].name, name) == 0)
      return &mb_source_infos[i];
  return NULL;
}

int mb_source_has_variant(const char *name, enum mb_variant v)
{
  const struct mb_source_info *info = find_info(name);

  return info && (unsigned)v < MB_VARIANT_COUNT && (info->variants & (1u << v)) != 0;
}

char *mb_source_variant_list(const char *name, char *buf, size_t n)
{
  size_t len = 0;
  unsigned i;

  if (n == 0)
    return buf;
  buf[0] = '\0';
  for (i = 0; i < MB_VARIANT_COUNT && len < n; i++)
    if (mb_source_has_variant(name, (enum mb_variant)i)) {
      snprintf(buf + len, n - len, "%s%s", len ? ", " : "", variant_names[i]);
      len = strlen(buf);
    }
  return buf;
}

/* Set from a signal handler, read by the collectors' loops and watchdogs. */
static volatile sig_atomic_t interrupt_requested;

void mb_sources_interrupt(void)
{
  interrupt_requested = 1;
}

void mb_sources_interrupt_clear(void)
{
  interrupt_requested = 0;
}

int mb_sources_interrupted(void)
{
  return interrupt_requested != 0;
}

void mb_collection_init(struct mb_collection *c)
{
  memset(c, 0, sizeof(*c));
}

int mb_collection_reserve(struct mb_collection *c, size_t n_timings, size_t n_bytes)
{
  if (n_timings > c->cap_timings) {
    uint64_t *t;
    int32_t *s;

    if (n_timings > SIZE_MAX / sizeof(uint64_t))
      return MB_ENOMEM;
    t = realloc(c->timings, n_timings * sizeof(*t));
    if (!t)
      return MB_ENOMEM;
    c->timings = t;
    s = realloc(c->status, n_timings * sizeof(*s));
    if (!s)
      return MB_ENOMEM; /* timings grew; cap_timings still tells the truth */
    c->status = s;
    c->cap_timings = n_timings;
  }
  if (n_bytes > c->cap_bytes) {
    uint8_t *b = realloc(c->bytes, n_bytes);

    if (!b)
      return MB_ENOMEM;
    c->bytes = b;
    c->cap_bytes = n_bytes;
  }
  return MB_OK;
}

void mb_collection_cleanup(struct mb_collection *c)
{
  free(c->timings);
  free(c->status);
  free(c->bytes);
  mb_collection_init(c);
}

size_t mb_extract_timing_entropy(const uint64_t *timings, size_t k, uint8_t *out,
                                 size_t n)
{
  size_t i, m;

  if (k < 3)
    return 0; /* k timings give k - 1 deltas and k - 2 XORed pairs */
  m = k - 2;
  if (m > n)
    m = n;
  for (i = 0; i < m; i++) {
    /* Unsigned arithmetic wraps, as the seed's wrapping_sub does. */
    uint64_t d0 = timings[i + 1] - timings[i];
    uint64_t d1 = timings[i + 2] - timings[i + 1];
    uint64_t x = d0 ^ d1;

    x ^= x >> 32;
    x ^= x >> 16;
    x ^= x >> 8;
    out[i] = (uint8_t)(x & 0xffu);
  }
  return m;
}

static int cmp_u64(const void *a, const void *b);

/* splitmix64 (Steele, Lea, Flood 2014): a reproducible offset per window. */
static uint64_t mix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

size_t mb_collection_inject_constant(struct mb_collection *c, double fraction,
                                     uint64_t seed, size_t n_samples)
{
  uint64_t *sorted, value;
  size_t window, start, i, replaced = 0, n = c->n_timings;

  if (!(fraction > 0.0) || n < 3)
    return 0;
  if (fraction > 1.0)
    fraction = 1.0;
  /* The constant: the call's median timing, a plausible "stuck" reading. */
  sorted = malloc(n * sizeof(*sorted));
  if (!sorted)
    return 0;
  memcpy(sorted, c->timings, n * sizeof(*sorted));
  qsort(sorted, n, sizeof(*sorted), cmp_u64);
  value = sorted[n / 2];
  free(sorted);
  /* One block of MB_INJECT_BLOCK per window of MB_INJECT_BLOCK / fraction
   * timings, at a random offset, so that the constant stretches are short
   * (no estimator sees one long predictable run) and not periodic. */
  window = (size_t)((double)MB_INJECT_BLOCK / fraction + 0.5);
  if (window < MB_INJECT_BLOCK)
    window = MB_INJECT_BLOCK;
  for (start = 0; start < n; start += window) {
    size_t room = window - MB_INJECT_BLOCK + 1;
    size_t at = start + (size_t)(mix64(&seed) % room);

    for (i = at; i < at + MB_INJECT_BLOCK && i < n; i++) {
      c->timings[i] = value;
      replaced++;
    }
  }
  c->n_bytes = mb_extract_timing_entropy(c->timings, n, c->bytes, n_samples);
  return replaced;
}

const struct mb_source_info *mb_sources_list(size_t *count)
{
  *count = N_REGISTRY;
  return mb_source_infos;
}

const char *mb_sources_default(void)
{
  size_t i;

  /* The one IPC collector built natively for this platform. */
  for (i = 0; i < N_REGISTRY; i++)
    if (registry[i]->native && registry[i] != &mb_replay_ops)
      return registry[i]->info->name;
  return MB_INFO_REPLAY->name;
}

static const struct mb_collector_ops *find(const char *name, struct mb_error *err)
{
  const char *names[N_REGISTRY];
  const char *hint;
  size_t i;

  for (i = 0; i < N_REGISTRY; i++) {
    if (name && strcmp(registry[i]->info->name, name) == 0)
      return registry[i];
    names[i] = registry[i]->info->name;
  }
  hint = name ? mb_suggest(name, names, N_REGISTRY) : NULL;
  if (hint)
    mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                 "unknown collector '%s' (did you mean '%s'?)", name ? name : "", hint);
  else
    mb_error_set(err, MB_EINVALID, NULL, 0, 0, NULL,
                 "unknown collector '%s' (known: linux_ipc, mach_ipc, replay)",
                 name ? name : "");
  return NULL;
}

int mb_source_probe(const char *name, struct mb_error *err)
{
  const struct mb_collector_ops *ops = find(name, err);

  if (!ops)
    return MB_EINVALID;
  return ops->probe(err);
}

int mb_collector_open(const char *name, const char *option, struct mb_collector **out,
                      struct mb_error *err)
{
  const struct mb_collector_ops *ops = find(name, err);
  struct mb_collector *col;
  int rc;

  *out = NULL;
  if (!ops)
    return MB_EINVALID;
  rc = ops->probe(err);
  if (rc != MB_OK)
    return rc;
  if (option && !ops->info->option)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "collector '%s' takes no option (got '%s')", name, option);
  col = calloc(1, sizeof(*col));
  if (!col)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  col->ops = ops;
  rc = ops->open(option, &col->state, err);
  if (rc != MB_OK) {
    free(col);
    return rc;
  }
  *out = col;
  return MB_OK;
}

const struct mb_source_info *mb_collector_info(const struct mb_collector *col)
{
  return col->ops->info;
}

int mb_collector_clock(struct mb_collector *col, struct mb_clock *clk)
{
  memset(clk, 0, sizeof(*clk));
  col->ops->clock(col->state, clk);
  if (col->ops->clock_read)
    mb_clock_measure(col->ops->clock_read, clk);
  return MB_OK;
}

int mb_collector_collect(struct mb_collector *col, const struct mb_config *cfg,
                         size_t n_samples, struct mb_collection *out,
                         struct mb_error *err)
{
  struct mb_config c = *cfg;
  size_t raw_count;
  int rc;

  /* The seed clamps both knobs to at least 1 and leaves the upper end to the
   * caller; we refuse values past the documented ranges instead of trying to
   * make thousands of ports. */
  if (c.num_ports < MB_NUM_PORTS_MIN)
    c.num_ports = MB_NUM_PORTS_MIN;
  if (c.ool_size < MB_OOL_SIZE_MIN)
    c.ool_size = MB_OOL_SIZE_MIN;
  if (c.num_ports > MB_NUM_PORTS_MAX)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, "num_ports",
                        "%u is outside 1..%u", c.num_ports, MB_NUM_PORTS_MAX);
  if (c.ool_size > MB_OOL_SIZE_MAX)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, "ool_size", "%u is outside 1..%u",
                        c.ool_size, MB_OOL_SIZE_MAX);
  if (c.mode != MB_MODE_COMPLEX && c.mode != MB_MODE_SIMPLE)
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, "mode",
                        "%d is neither complex nor simple", (int)c.mode);
  if ((unsigned)c.placement >= MB_PLACEMENT_COUNT ||
      !(col->ops->info->placements & MB_PLACEMENT_BIT(c.placement)))
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, "placement",
                        "%s cannot be done by %s on %s", mb_placement_name(c.placement),
                        col->ops->info->name, col->ops->info->platform);
  if ((unsigned)c.variant >= MB_VARIANT_COUNT ||
      !(col->ops->info->variants & (1u << c.variant)))
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, "variant",
                        "%s does not run variant %d", col->ops->info->name,
                        (int)c.variant);
  if (n_samples > (SIZE_MAX - 64) / 4 / sizeof(uint64_t))
    return mb_error_set(err, MB_EINVALID, NULL, 0, 0, "samples",
                        "%zu samples is too many", n_samples);
  raw_count = MB_RAW_COUNT(n_samples);
  if (mb_collection_reserve(out, raw_count, n_samples) != MB_OK)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL,
                        "out of memory for %zu timings", raw_count);
  out->n_timings = 0;
  out->n_bytes = 0;
  out->pool_size = 0;
  out->pool_status = MB_OP_OK;
  mb_conditions_unknown(&out->conditions);
  out->ended = MB_ENDED_COMPLETE;
  rc = col->ops->collect(col->state, &c, n_samples, out, err);
  if (rc == MB_OK && out->ended == MB_ENDED_INTERRUPT)
    rc = mb_error_set(err, MB_EINTERRUPTED, NULL, 0, 0, NULL,
                      "%s: the call was interrupted before its end",
                      col->ops->info->name);
  if (rc != MB_OK) {
    out->n_timings = 0;
    return rc;
  }
  out->n_bytes =
      mb_extract_timing_entropy(out->timings, out->n_timings, out->bytes, n_samples);
  return MB_OK;
}

void mb_collector_seek(struct mb_collector *col, size_t index)
{
  mb_collector_seek_call(col, index, SIZE_MAX, SIZE_MAX);
}

void mb_collector_seek_call(struct mb_collector *col, size_t index, size_t point,
                            size_t repetition)
{
  if (col && col->ops == &mb_replay_ops)
    mb_replay_seek(col->state, index, point, repetition);
}

void mb_collector_free(struct mb_collector *col)
{
  if (!col)
    return;
  if (col->ops->close)
    col->ops->close(col->state);
  free(col);
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

  return (x > y) - (x < y);
}

void mb_clock_measure(uint64_t (*read)(void), struct mb_clock *clk)
{
  /* Cost: median over batches, each timing BATCH back-to-back reads with the
   * clock itself; the median shrugs off batches hit by a preemption.
   * Resolution: the smallest non-zero step seen between consecutive reads. */
  enum { BATCHES = 31, BATCH = 256 };
  uint64_t per_batch[BATCHES];
  uint64_t min_step = 0;
  double tick_ns = (double)clk->tick_num / (double)(clk->tick_den ? clk->tick_den : 1);
  size_t b, i;

  for (b = 0; b < BATCHES; b++) {
    uint64_t t0 = read(), prev = t0, now = t0;

    for (i = 0; i < BATCH; i++) {
      now = read();
      if (now != prev && (min_step == 0 || now - prev < min_step))
        min_step = now - prev;
      prev = now;
    }
    per_batch[b] = now - t0;
  }
  qsort(per_batch, BATCHES, sizeof(per_batch[0]), cmp_u64);
  clk->read_cost_ns = (double)per_batch[BATCHES / 2] * tick_ns / (double)BATCH;
  clk->resolution_ns = (double)min_step * tick_ns;
}
