/* results.c: the results directory, atomic writes, run.json and summary.csv. */
#include "results.h"
#include "rundir.h"

#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- atomic files -------------------------------------------------------- */

int mb_results_write_atomic(const char *path, const void *data, size_t len, int replace,
                            struct mb_error *err)
{
  return mb_fs_write_atomic(path, data, len, replace ? MB_FS_REPLACE : 0,
                            "already exists; results are never overwritten", err);
}

/* ---- the run directory --------------------------------------------------- */

void mb_results_iso_time(time_t t, char out[32])
{
  struct tm tm;

  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int mb_results_create_dir(const char *root, const char *name, const char *host,
                          time_t when, char **dir_out, struct mb_error *err)
{
  char parent[4096], stamp[32], dir[4096 + 64], raw[4096 + 80];
  struct tm tm;
  unsigned suffix;
  int rc;

  *dir_out = NULL;
  if ((size_t)snprintf(parent, sizeof(parent), "%s/%s", root, name) >= sizeof(parent))
    return mb_error_set(err, MB_EINVALID, root, 0, 0, NULL, "results path is too long");
  rc = mb_fs_mkdirs(parent, 0755, "the results directory", err);
  if (rc != MB_OK)
    return rc;
  gmtime_r(&when, &tm);
  strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
  for (suffix = 1;; suffix++) {
    if (suffix == 1)
      snprintf(dir, sizeof(dir), "%s/%s-%s", parent, stamp, host);
    else
      snprintf(dir, sizeof(dir), "%s/%s-%s-%u", parent, stamp, host, suffix);
    /* mkdir is atomic: two runs starting in the same second get different
     * directories, never one shared. */
    if (mkdir(dir, 0755) == 0)
      break;
    if (errno != EEXIST || suffix >= 10000)
      return mb_error_errno(err, errno, dir, "cannot create run directory");
  }
  snprintf(raw, sizeof(raw), "%s/raw", dir);
  if (mkdir(raw, 0755) != 0)
    return mb_error_errno(err, errno, raw, "cannot create raw directory");
  *dir_out = strdup(dir);
  if (!*dir_out)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  return MB_OK;
}

int mb_results_lock(const char *dir, int *fd, struct mb_error *err)
{
  char path[4200];
  struct flock fl;
  int e;

  *fd = -1;
  snprintf(path, sizeof(path), "%s/.lock", dir);
  *fd = open(path, O_RDWR | O_CREAT, 0644);
  if (*fd < 0)
    return mb_error_errno(err, errno, path, "cannot open the run's lock file");
  memset(&fl, 0, sizeof(fl));
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (fcntl(*fd, F_SETLK, &fl) == 0)
    return MB_OK;
  e = errno;
  if (e == EACCES || e == EAGAIN) {
    long pid = 0;

    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(*fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
      pid = (long)fl.l_pid;
    close(*fd);
    *fd = -1;
    return mb_error_set(
        err, MB_EEXISTS, dir, 0, 0, NULL,
        "another mebench (pid %ld) is writing this run; wait for it to end", pid);
  }
  close(*fd);
  *fd = -1;
  return mb_error_errno(err, e, path, "cannot lock the run");
}

void mb_results_unlock(int fd)
{
  if (fd >= 0)
    close(fd);
}

void mb_results_raw_name(size_t point, size_t repetition, char *out, size_t n)
{
  snprintf(out, n, "raw/p%zu-r%zu.mbr", point, repetition);
}

/* ---- the call journal ------------------------------------------------------ */

static void journal_path(const char *dir, char *out, size_t n)
{
  snprintf(out, n, "%s/%s", dir, MB_RESULTS_JOURNAL);
}

static int journal_errno(struct mb_error *err, int e, const char *dir, const char *what)
{
  char path[4200];

  journal_path(dir, path, sizeof(path));
  if (e == ENOSPC || e == EDQUOT)
    return mb_error_set(err, MB_ENOSPACE, path, 0, 0, NULL, "%s: %s", what,
                        strerror(e));
  return mb_error_errno(err, e, path, "%s", what);
}

/* Whatever holds the journal's name must be a regular file: a FIFO would
 * block every append (or, opened without blocking, fail at the first), a
 * device would swallow the calls, a symbolic link would write elsewhere.
 * So links are not followed, nothing blocks the open, and the node is
 * checked before use. */
static int journal_not_file(struct mb_error *err, const char *path, mode_t m)
{
  return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                      "is %s; expected the run's call journal, a regular file "
                      "(remove it, then resume the run)",
                      mb_fs_kind(m));
}

int mb_results_journal_open(const char *dir, int *fd, struct mb_error *err)
{
  char path[4200];
  struct stat st;
  int e;

  journal_path(dir, path, sizeof(path));
  *fd = open(path,
             O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
                 O_NOCTTY,
             0644);
  if (*fd < 0) {
    e = errno;
    /* ELOOP: a symbolic link; ENXIO: a FIFO nobody reads; EISDIR. */
    if ((e == ELOOP || e == ENXIO || e == EISDIR) && lstat(path, &st) == 0)
      return journal_not_file(err, path, st.st_mode);
    return journal_errno(err, e, dir, "cannot open the call journal");
  }
  if (fstat(*fd, &st) != 0) {
    e = errno;
    close(*fd);
    *fd = -1;
    return journal_errno(err, e, dir, "cannot check the call journal");
  }
  if (!S_ISREG(st.st_mode)) {
    close(*fd);
    *fd = -1;
    return journal_not_file(err, path, st.st_mode);
  }
  /* The journal's name must survive a crash as its lines do (each append
   * is fsync'd): sync the directory that holds it. */
  e = mb_fs_sync_dir(dir, err);
  if (e != MB_OK) {
    close(*fd);
    *fd = -1;
  }
  return e;
}

int mb_results_journal_append(int fd, const char *dir, const json_t *call,
                              struct mb_error *err)
{
  char *text = json_dumps(call, JSON_COMPACT | JSON_REAL_PRECISION(17));
  size_t len, off = 0;
  int rc = MB_OK;

  if (!text)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  len = strlen(text);
  text[len++] = '\n'; /* over the terminator: the line is written whole */
  while (off < len) {
    ssize_t w = write(fd, text + off, len - off);

    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      rc = journal_errno(err, w < 0 ? errno : EIO, dir,
                         "cannot append to the call journal");
      break;
    }
    off += (size_t)w;
  }
  free(text);
  if (rc == MB_OK && fsync(fd) != 0)
    rc = journal_errno(err, errno, dir, "cannot sync the call journal");
  return rc;
}

int mb_results_journal_reset(int fd, const char *dir, struct mb_error *err)
{
  /* No fsync: should the emptying be lost, the calls it held are in
   * run.json already and the reader skips them. */
  if (fd >= 0 && ftruncate(fd, 0) != 0)
    return journal_errno(err, errno, dir, "cannot empty the call journal");
  return MB_OK;
}

void mb_results_journal_remove(int fd, const char *dir)
{
  char path[4200];

  if (fd >= 0)
    close(fd);
  journal_path(dir, path, sizeof(path));
  (void)unlink(path);
}

/* ---- JSON ---------------------------------------------------------------- */

/* JSON cannot hold inf or NaN: those (a zero wall time, no estimate) are
 * null. */
static json_t *jreal(double v)
{
  return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jh(double h)
{
  return h < 0 ? json_null() : jreal(h);
}

static json_t *ju64(uint64_t v)
{
  return v <= (uint64_t)INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
}

static json_t *jsize(size_t v)
{
  return ju64((uint64_t)v);
}

/* json_object_set_new that remembers a failure instead of returning it, so
 * the builders below read as the documented key lists. */
static void put(json_t *obj, const char *key, json_t *value, int *bad)
{
  if (!value || json_object_set_new(obj, key, value) != 0)
    *bad = 1;
}

static json_t *estimates_json(const struct mb_estimate *e, int *bad)
{
  json_t *obj = json_object();
  int i;

  if (!obj) {
    *bad = 1;
    return NULL;
  }
  for (i = 0; i < MB_EST_COUNT; i++) {
    json_t *one;

    if (!e[i].ran && !e[i].skipped)
      continue; /* not asked for */
    one = json_object();
    if (!one) {
      *bad = 1;
      break;
    }
    if (e[i].ran) {
      unsigned v;

      put(one, "h", jreal(e[i].h + 0.0), bad); /* + 0.0: never -0 */
      put(one, "p", jreal(e[i].p), bad);
      /* The intermediate values, keyed as `mebench assess --json` keys them,
       * so a result can be checked against the reference tool's output. */
      for (v = 0; v < e[i].n_values && v < MB_ESTIMATE_MAX_VALUES; v++)
        if (e[i].values[v].name)
          put(one, e[i].values[v].name, jreal(e[i].values[v].value), bad);
      if (e[i].predictions > 0) {
        put(one, "N", ju64(e[i].predictions), bad);
        put(one, "C", ju64(e[i].correct), bad);
        put(one, "r", ju64(e[i].longest_run + 1), bad);
        put(one, "p_global", jreal(e[i].p_global), bad);
        put(one, "p_global_prime", jreal(e[i].p_global_upper), bad);
        if (e[i].p_local >= 0.0)
          put(one, "p_local", jreal(e[i].p_local), bad);
      }
    } else {
      put(one, "skipped", json_string(e[i].skipped), bad);
    }
    put(obj, mb_estimator_key((enum mb_estimator)i), one, bad);
  }
  return obj;
}

static void put_section(json_t *obj, const char *key, json_t *section, int *bad)
{
  if (section && json_object_size(section) == 0) {
    json_decref(section);
    return;
  }
  put(obj, key, section, bad);
}

json_t *mb_results_assessment_json(const struct mb_assessment *a)
{
  json_t *obj = json_object();
  int bad = !obj;

  if (bad)
    return NULL;
  put(obj, "samples", jsize(a->samples), &bad);
  put(obj, "bits_per_symbol", json_integer(a->bits_per_symbol), &bad);
  put(obj, "alphabet_size", json_integer(a->alphabet_size), &bad);
  put(obj, "binary", json_boolean(a->binary), &bad);
  put(obj, "h_original", jh(a->h_original), &bad);
  put(obj, "h_bitstring", jh(a->h_bitstring), &bad);
  put(obj, "h_assessed", jh(a->h_assessed), &bad);
  /* A section that was not assessed is absent (results/README.md). */
  put_section(obj, "literal", estimates_json(a->literal, &bad), &bad);
  put_section(obj, "bitstring", estimates_json(a->bitstring, &bad), &bad);
  if (bad) {
    json_decref(obj);
    return NULL;
  }
  return obj;
}

json_t *mb_results_stats_json(const struct mb_stats *s)
{
  json_t *obj = json_object();
  int bad = !obj;

  if (bad)
    return NULL;
  put(obj, "n", jsize(s->n), &bad);
  put(obj, "min", ju64(s->min), &bad);
  put(obj, "p01", ju64(s->p01), &bad);
  put(obj, "p50", ju64(s->p50), &bad);
  put(obj, "p99", ju64(s->p99), &bad);
  put(obj, "max", ju64(s->max), &bad);
  put(obj, "mean", jreal(s->mean), &bad);
  put(obj, "stddev", jreal(s->stddev), &bad);
  put(obj, "mad", ju64(s->mad), &bad);
  put(obj, "distinct", jsize(s->distinct), &bad);
  put(obj, "quantum", ju64(s->quantum), &bad);
  if (bad) {
    json_decref(obj);
    return NULL;
  }
  return obj;
}

static json_t *jcount(int64_t v)
{
  return v < 0 ? json_null() : json_integer((json_int_t)v);
}

/* One thread's conditions, or null when the call had no such thread (or
 * the collector cannot tell: replay). */
static json_t *thread_json(const struct mb_thread_conditions *t, int *bad)
{
  json_t *obj;

  if (!t->known)
    return json_null();
  obj = json_object();
  if (!obj) {
    *bad = 1;
    return NULL;
  }
  put(obj, "nvcsw", jcount(t->nvcsw), bad);
  put(obj, "nivcsw", jcount(t->nivcsw), bad);
  put(obj, "migrations", jcount(t->migrations), bad);
  put(obj, "cpus", jcount(t->cpus), bad);
  if (t->qos)
    put(obj, "qos", json_string(t->qos), bad);
  return obj;
}

json_t *mb_results_conditions_json(const struct mb_call_summary *c)
{
  const struct mb_conditions *k = &c->conditions;
  json_t *obj = json_object(), *proc;
  int bad = !obj;

  if (bad)
    return NULL;
  put(obj, "waited_share",
      k->waited_known && c->timings > 0
          ? json_real((double)c->waited / (double)c->timings)
          : json_null(),
      &bad);
  put(obj, "timing_thread", thread_json(&k->timing, &bad), &bad);
  put(obj, "receiver_thread", thread_json(&k->receiver, &bad), &bad);
  put(obj, "same_cpu_share", jreal(k->same_cpu_share), &bad);
  put(obj, "load_before", jreal(c->load_before), &bad);
  put(obj, "load_after", jreal(c->load_after), &bad);
  put(obj, "cpu_mhz", jreal(c->cpu_mhz), &bad);
  proc = json_object();
  if (proc) {
    put(proc, "nvcsw", jcount(k->process_nvcsw), &bad);
    put(proc, "nivcsw", jcount(k->process_nivcsw), &bad);
  }
  put(obj, "process", proc, &bad);
  if (bad) {
    json_decref(obj);
    return NULL;
  }
  return obj;
}

json_t *mb_results_call_json(const struct mb_call_summary *c)
{
  json_t *obj = json_object(), *tp, *ent, *rate, *dur;
  char started[32];
  double ops_per_s = c->wall_s > 0 ? (double)c->timings / c->wall_s : NAN;
  double bytes_per_s = c->wall_s > 0 ? (double)c->bytes / c->wall_s : NAN;
  double h_bytes = c->entropy_bytes.h_assessed;
  int bad = !obj;

  if (bad)
    return NULL;
  mb_results_iso_time(c->started, started);
  put(obj, "point", jsize(c->point), &bad);
  put(obj, "repetition", jsize(c->repetition), &bad);
  put(obj, "sequence", jsize(c->sequence), &bad);
  put(obj, "raw_file", json_string(c->raw_file), &bad);
  put(obj, "started", json_string(started), &bad);
  put(obj, "wall_s", jreal(c->wall_s), &bad);
  put(obj, "pool_size", json_integer(c->pool_size), &bad);
  put(obj, "timings", jsize(c->timings), &bad);
  put(obj, "bytes", jsize(c->bytes), &bad);
  put(obj, "timeouts", jsize(c->timeouts), &bad);
  put(obj, "failures", jsize(c->failures), &bad);
  put(obj, "waited", jsize(c->waited), &bad);
  put(obj, "aborted", jsize(c->aborted), &bad);
  put(obj, "injected", jsize(c->injected), &bad);
  put(obj, "conditions", mb_results_conditions_json(c), &bad);
  put(obj, "raw_stats", mb_results_stats_json(&c->raw_stats), &bad);
  put(obj, "ns_per_op",
      c->raw_stats.n ? jreal((double)c->raw_stats.p50 * c->ns_per_tick) : json_null(),
      &bad);
  tp = json_object();
  if (tp) {
    put(tp, "ops_per_s", jreal(ops_per_s), &bad);
    put(tp, "bytes_per_s", jreal(bytes_per_s), &bad);
  }
  put(obj, "throughput", tp, &bad);
  ent = json_object();
  if (ent) {
    put(ent, "bytes", mb_results_assessment_json(&c->entropy_bytes), &bad);
    put(ent, "raw", mb_results_assessment_json(&c->entropy_raw), &bad);
    {
      json_t *hv = json_array();

      if (hv && (json_array_append_new(hv, jh(c->h_bytes_halves[0])) != 0 ||
                 json_array_append_new(hv, jh(c->h_bytes_halves[1])) != 0))
        bad = 1;
      put(ent, "bytes_halves", hv, &bad);
    }
  }
  put(obj, "entropy", ent, &bad);
  rate = json_object();
  if (rate) {
    put(rate, "bits_per_byte", jh(h_bytes), &bad);
    put(rate, "bits_per_s", h_bytes < 0 ? json_null() : jreal(h_bytes * bytes_per_s),
        &bad);
  }
  put(obj, "rate", rate, &bad);
  dur = json_object();
  if (dur) {
    put(dur, "collect_s", jreal(c->wall_s), &bad);
    put(dur, "analyse_s", jreal(c->analyse_s), &bad);
    put(dur, "write_s", jreal(c->write_s), &bad);
  }
  put(obj, "durations", dur, &bad);
  if (bad) {
    json_decref(obj);
    return NULL;
  }
  return obj;
}

int mb_results_write_run(const char *dir, const json_t *run, struct mb_error *err)
{
  char path[4096 + 16];
  char *text;
  int rc;

  snprintf(path, sizeof(path), "%s/run.json", dir);
  text = json_dumps(run, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
  if (!text)
    return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL,
                        "out of memory encoding JSON");
  rc = mb_results_write_atomic(path, text, strlen(text), 1, err);
  free(text);
  return rc;
}

/* ---- summary.csv --------------------------------------------------------- */

/* A growable string; on allocation failure it stays failed and the result
 * is NULL. */
struct buf {
  char *s;
  size_t len, cap;
  int bad;
};

static void bprintf(struct buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void bprintf(struct buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (b->bad)
    return;
  for (;;) {
    size_t room = b->cap - b->len;

    va_start(ap, fmt);
    n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->bad = 1;
      return;
    }
    if (b->s && (size_t)n < room) {
      b->len += (size_t)n;
      return;
    }
    {
      size_t cap = b->cap ? b->cap * 2 : 4096;
      char *grown;

      while (cap < b->len + (size_t)n + 1)
        cap *= 2;
      grown = realloc(b->s, cap);
      if (!grown) {
        b->bad = 1;
        return;
      }
      b->s = grown;
      b->cap = cap;
    }
  }
}

/* A number from obj at a dotted path ("entropy.bytes.h_assessed"), NAN
 * when absent or null. */
static double num_at(const json_t *obj, const char *path)
{
  char key[64];
  const char *dot;

  while ((dot = strchr(path, '.')) != NULL) {
    size_t len = (size_t)(dot - path);

    if (len >= sizeof(key))
      return NAN;
    memcpy(key, path, len);
    key[len] = '\0';
    obj = json_object_get(obj, key);
    path = dot + 1;
  }
  obj = json_object_get(obj, path);
  return json_is_number(obj) ? json_number_value(obj) : NAN;
}

static void put_num(struct buf *b, double v, int decimals)
{
  if (isfinite(v))
    bprintf(b, ",%.*f", decimals, v);
  else
    bprintf(b, ",");
}

static double min_of(const double *v, size_t n, int want_max)
{
  double best = NAN;
  size_t i;

  for (i = 0; i < n; i++)
    if (isfinite(v[i]) && (!isfinite(best) || (want_max ? v[i] > best : v[i] < best)))
      best = v[i];
  return best;
}

/* The figures of one call that summary.csv shows, in column order after
 * the point's description. */
enum {
  F_HB,
  F_HR,
  F_NS,
  F_NS01,
  F_NS99,
  F_OPS,
  F_BPS,
  F_BITS,
  F_TO,
  F_FAIL,
  F_ABORT,
  F_WALL,
  F_WS, /* the conditions (results/README.md), after wall_s */
  F_TNV,
  F_TNI,
  F_TMIG,
  F_RNV,
  F_RNI,
  F_RMIG,
  F_SAME,
  F_LB,
  F_LA,
  F_MHZ,
  F_N
};

/* The conditions' columns: JSON path under a call, and decimals on a call
 * row (point rows, medians, get one more for counts). */
static const struct {
  const char *path;
  int decimals;
} cond_cols[F_N - F_WS] = {
    {"conditions.waited_share", 6},
    {"conditions.timing_thread.nvcsw", 0},
    {"conditions.timing_thread.nivcsw", 0},
    {"conditions.timing_thread.migrations", 0},
    {"conditions.receiver_thread.nvcsw", 0},
    {"conditions.receiver_thread.nivcsw", 0},
    {"conditions.receiver_thread.migrations", 0},
    {"conditions.same_cpu_share", 6},
    {"conditions.load_before", 2},
    {"conditions.load_after", 2},
    {"conditions.cpu_mhz", 1},
};

static void call_figures(const json_t *call, double ns_per_tick, double *f)
{
  f[F_HB] = num_at(call, "entropy.bytes.h_assessed");
  f[F_HR] = num_at(call, "entropy.raw.h_assessed");
  f[F_NS] = num_at(call, "ns_per_op");
  f[F_NS01] = num_at(call, "raw_stats.p01") * ns_per_tick;
  f[F_NS99] = num_at(call, "raw_stats.p99") * ns_per_tick;
  f[F_OPS] = num_at(call, "throughput.ops_per_s");
  f[F_BPS] = num_at(call, "throughput.bytes_per_s");
  f[F_BITS] = num_at(call, "rate.bits_per_s");
  f[F_TO] = num_at(call, "timeouts");
  f[F_FAIL] = num_at(call, "failures");
  f[F_ABORT] = json_object_get(call, "aborted") ? num_at(call, "aborted") : 0;
  f[F_WALL] = num_at(call, "wall_s");
  for (int k = F_WS; k < F_N; k++)
    f[k] = num_at(call, cond_cols[k - F_WS].path);
}

static void put_conditions(struct buf *b, const double *f, int point_row)
{
  for (int k = F_WS; k < F_N; k++) {
    int d = cond_cols[k - F_WS].decimals;

    put_num(b, f[k], d == 0 && point_row ? 1 : d);
  }
}

static void point_columns(struct buf *b, const json_t *points, size_t index)
{
  const json_t *p = json_array_get(points, index);

  const char *mode = json_string_value(json_object_get(p, "mode"));
  const char *variant = json_string_value(json_object_get(p, "variant"));
  const char *placement = json_string_value(json_object_get(p, "placement"));

  /* Runs from before the placement axis ran free. */
  bprintf(b, ",%.0f,%.0f,%s,%s,%s", num_at(p, "num_ports"), num_at(p, "ool_size"),
          mode ? mode : "", variant ? variant : "", placement ? placement : "free");
}

/* The point's §4.4 health-test cut-offs and replay counts (run.json's
 * "health"), or empty columns when the run has none for it. */
static void health_columns(struct buf *b, const json_t *health, size_t point)
{
  size_t i;

  for (i = 0; i < json_array_size(health); i++) {
    const json_t *h = json_array_get(health, i);

    if ((size_t)num_at(h, "point") != point || !json_object_get(h, "rct_cutoff"))
      continue;
    put_num(b, num_at(h, "rct_cutoff"), 0);
    put_num(b, num_at(h, "apt_cutoff"), 0);
    put_num(b, num_at(h, "rct_fired"), 0);
    put_num(b, num_at(h, "apt_fired"), 0);
    bprintf(b, ",%s", json_is_true(json_object_get(h, "flagged")) ? "1" : "0");
    return;
  }
  bprintf(b, ",,,,,");
}

char *mb_results_summary_csv(const json_t *run)
{
  const json_t *calls = json_object_get(run, "calls");
  const json_t *points = json_object_get(run, "points");
  double tick_num = num_at(run, "clock.tick_num"),
         tick_den = num_at(run, "clock.tick_den");
  double ns_per_tick = tick_den > 0 ? tick_num / tick_den : NAN;
  size_t n_calls = json_array_size(calls), n_points = json_array_size(points), i, j, k;
  double *fig = NULL, *col = NULL;
  struct buf b = {NULL, 0, 0, 0};

  bprintf(&b,
          "kind,point,repetition,num_ports,ool_size,mode,variant,placement,h_bytes,"
          "h_bytes_min,h_bytes_max,h_raw,h_raw_min,h_raw_max,ns_per_op,ns_per_op_p01,"
          "ns_per_op_p99,ops_per_s,bytes_per_s,bits_per_s,timeouts,failures,aborted,"
          "wall_s,waited_share,timing_nvcsw,timing_nivcsw,timing_migrations,recv_nvcsw,"
          "recv_nivcsw,recv_migrations,same_cpu_share,load_before,load_after,cpu_mhz,"
          "rct_cutoff,apt_cutoff,rct_fired,apt_fired,"
          "health_flagged\n");
  fig = calloc(n_calls ? n_calls : 1, sizeof(*fig) * F_N);
  col = calloc(n_calls ? n_calls : 1, sizeof(*col));
  if (!fig || !col)
    b.bad = 1;
  for (i = 0; i < n_calls && !b.bad; i++) {
    const json_t *call = json_array_get(calls, i);
    double *f = fig + i * F_N;

    call_figures(call, ns_per_tick, f);
    bprintf(&b, "call,%.0f,%.0f", num_at(call, "point"), num_at(call, "repetition"));
    point_columns(&b, points, (size_t)num_at(call, "point"));
    put_num(&b, f[F_HB], 6);
    bprintf(&b, ",,");
    put_num(&b, f[F_HR], 6);
    bprintf(&b, ",,");
    put_num(&b, f[F_NS], 3);
    put_num(&b, f[F_NS01], 3);
    put_num(&b, f[F_NS99], 3);
    put_num(&b, f[F_OPS], 1);
    put_num(&b, f[F_BPS], 1);
    put_num(&b, f[F_BITS], 1);
    put_num(&b, f[F_TO], 0);
    put_num(&b, f[F_FAIL], 0);
    put_num(&b, f[F_ABORT], 0);
    put_num(&b, f[F_WALL], 6);
    put_conditions(&b, f, 0);
    bprintf(&b, ",,,,,\n");
  }
  /* One row per point: medians over its repetitions, spreads of the two
   * entropy figures, sums of the counts and of the wall time. */
  for (j = 0; j < n_points && !b.bad; j++) {
    double med[F_N], lo[2], hi[2];
    size_t m = 0;
    int which;

    for (i = 0; i < n_calls; i++)
      if ((size_t)num_at(json_array_get(calls, i), "point") == j)
        m++;
    if (m == 0)
      continue;
    for (k = 0; k < F_N; k++) {
      size_t c = 0;
      double sum = 0;

      for (i = 0; i < n_calls; i++) {
        if ((size_t)num_at(json_array_get(calls, i), "point") != j)
          continue;
        col[c++] = fig[i * F_N + k];
        if (isfinite(fig[i * F_N + k]))
          sum += fig[i * F_N + k];
      }
      if (k == F_HB || k == F_HR) {
        which = k == F_HB ? 0 : 1;
        lo[which] = min_of(col, c, 0);
        hi[which] = min_of(col, c, 1);
      }
      med[k] = (k == F_TO || k == F_FAIL || k == F_ABORT || k == F_WALL)
                   ? sum
                   : mb_stats_median_finite(col, c);
    }
    bprintf(&b, "point,%zu,", j);
    point_columns(&b, points, j);
    put_num(&b, med[F_HB], 6);
    put_num(&b, lo[0], 6);
    put_num(&b, hi[0], 6);
    put_num(&b, med[F_HR], 6);
    put_num(&b, lo[1], 6);
    put_num(&b, hi[1], 6);
    put_num(&b, med[F_NS], 3);
    put_num(&b, med[F_NS01], 3);
    put_num(&b, med[F_NS99], 3);
    put_num(&b, med[F_OPS], 1);
    put_num(&b, med[F_BPS], 1);
    put_num(&b, med[F_BITS], 1);
    put_num(&b, med[F_TO], 0);
    put_num(&b, med[F_FAIL], 0);
    put_num(&b, med[F_ABORT], 0);
    put_num(&b, med[F_WALL], 6);
    put_conditions(&b, med, 1);
    health_columns(&b, json_object_get(run, "health"), j);
    bprintf(&b, "\n");
  }
  free(fig);
  free(col);
  if (b.bad) {
    free(b.s);
    return NULL;
  }
  return b.s;
}

int mb_results_write_summary(const char *dir, const json_t *run, struct mb_error *err)
{
  char path[4096 + 16];
  char *text;
  int rc;

  snprintf(path, sizeof(path), "%s/summary.csv", dir);
  text = mb_results_summary_csv(run);
  if (!text)
    return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory building CSV");
  rc = mb_results_write_atomic(path, text, strlen(text), 1, err);
  free(text);
  return rc;
}

/* ---- reading a run back -------------------------------------------------- */

static int need(const json_t *obj, const char *key, json_type type, const char *file,
                const char *where, struct mb_error *err)
{
  const json_t *v = json_object_get(obj, key);

  if (!v || json_typeof(v) != type)
    return mb_error_set(err, MB_EINVALID, file, 0, 0, NULL, "%s%s%s: missing or not %s",
                        where, *where ? "." : "", key,
                        type == JSON_OBJECT   ? "an object"
                        : type == JSON_ARRAY  ? "an array"
                        : type == JSON_STRING ? "a string"
                                              : "a number");
  return MB_OK;
}

int mb_results_load_run(const char *dir, json_t **run, struct mb_error *err)
{
  char path[4096 + 16];
  json_t *doc;
  size_t i;
  int rc;

  *run = NULL;
  rc = mb_rundir_read(dir, MB_RUNDIR_RUN, &doc, path, sizeof(path), NULL, err);
  if (rc != MB_OK)
    return rc;
  if (rc == MB_OK)
    rc = need(doc, "status", JSON_STRING, path, "", err);
  if (rc == MB_OK)
    rc = need(doc, "mebench", JSON_OBJECT, path, "", err);
  if (rc == MB_OK)
    rc = need(json_object_get(doc, "mebench"), "version", JSON_STRING, path, "mebench",
              err);
  if (rc == MB_OK)
    rc = need(json_object_get(doc, "mebench"), "git_commit", JSON_STRING, path,
              "mebench", err);
  if (rc == MB_OK)
    rc = need(doc, "machine", JSON_OBJECT, path, "", err);
  if (rc == MB_OK)
    rc = need(json_object_get(doc, "machine"), "hostname", JSON_STRING, path, "machine",
              err);
  if (rc == MB_OK)
    rc = need(json_object_get(doc, "machine"), "cpu_model", JSON_STRING, path,
              "machine", err);
  if (rc == MB_OK)
    rc = need(json_object_get(doc, "machine"), "kernel", JSON_STRING, path, "machine",
              err);
  if (rc == MB_OK)
    rc = need(doc, "experiment", JSON_OBJECT, path, "", err);
  if (rc == MB_OK)
    rc = need(json_object_get(doc, "experiment"), "sha256", JSON_STRING, path,
              "experiment", err);
  if (rc == MB_OK)
    rc = need(json_object_get(doc, "experiment"), "path", JSON_STRING, path,
              "experiment", err);
  if (rc == MB_OK)
    rc = need(doc, "points", JSON_ARRAY, path, "", err);
  if (rc == MB_OK)
    rc = need(doc, "calls", JSON_ARRAY, path, "", err);
  for (i = 0; rc == MB_OK && i < json_array_size(json_object_get(doc, "calls")); i++) {
    const json_t *call = json_array_get(json_object_get(doc, "calls"), i);
    char where[32];

    snprintf(where, sizeof(where), "calls[%zu]", i);
    if (!json_is_object(call))
      rc = mb_error_set(err, MB_EINVALID, path, 0, 0, NULL, "%s: not an object", where);
    if (rc == MB_OK)
      rc = need(call, "point", JSON_INTEGER, path, where, err);
    if (rc == MB_OK)
      rc = need(call, "repetition", JSON_INTEGER, path, where, err);
  }
  if (rc != MB_OK) {
    json_decref(doc);
    return rc;
  }
  *run = doc;
  return MB_OK;
}
