/* replay.c: a collector that plays back recorded raw timings, so the runner,
 * estimators and reports can be tested deterministically and old
 * recordings analysed again. Input: a .mbr raw file, a directory of them (a
 * run's raw/: each call played into a point of its own configuration), or a
 * text list of integers. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collector.h"
#include "rawfile.h"

/* One recorded call of a raw file: where its timings are and what it was. */
struct segment {
  struct mb_config cfg;
  size_t point, repetition;
  size_t start, len;
  uint32_t pool_size;
  size_t played; /* times handed out */
};

struct replay {
  uint64_t *timings;
  int32_t *status;
  size_t n, cap;
  struct segment *segs; /* raw input: one per file, in name order */
  size_t n_segs;
  char source[256];  /* the option, for messages */
  size_t pos;        /* next timing to hand out */
  size_t seek;       /* the next call's index in the plan (mb_replay_seek) */
  size_t seek_point; /* and which call it is; SIZE_MAX: a warm-up call */
  size_t seek_rep;
  int seeking;        /* 1: place the next call by seek, not by pos */
  int from_text;      /* text input: no recorded pool size or clock */
  uint32_t pool_size; /* recorded by the first raw file */
  char clock_from[64];
  uint64_t tick_num, tick_den;
};

static int probe(struct mb_error *err)
{
  (void)err;
  return MB_OK; /* plain file reading works everywhere */
}

static int append(struct replay *r, const uint64_t *t, const int32_t *s, size_t n)
{
  if (n == 0)
    return MB_OK;
  if (r->n + n > r->cap) {
    size_t cap = r->cap ? r->cap : 1024;
    uint64_t *nt;
    int32_t *ns;

    while (cap < r->n + n)
      cap *= 2;
    nt = realloc(r->timings, cap * sizeof(*nt));
    if (!nt)
      return MB_ENOMEM;
    r->timings = nt;
    ns = realloc(r->status, cap * sizeof(*ns));
    if (!ns)
      return MB_ENOMEM;
    r->status = ns;
    r->cap = cap;
  }
  memcpy(r->timings + r->n, t, n * sizeof(*t));
  if (s)
    memcpy(r->status + r->n, s, n * sizeof(*s));
  else
    memset(r->status + r->n, 0, n * sizeof(*s));
  r->n += n;
  return MB_OK;
}

static int load_raw(struct replay *r, const char *path, int first, struct mb_error *err)
{
  struct mb_raw_meta meta;
  struct mb_collection c;
  int rc;

  mb_collection_init(&c);
  rc = mb_rawfile_read(path, &meta, &c, err);
  if (rc == MB_OK && first) {
    r->pool_size = meta.pool_size;
    r->tick_num = meta.tick_num;
    r->tick_den = meta.tick_den;
    snprintf(r->clock_from, sizeof(r->clock_from), "%s", meta.clock_name);
  } else if (rc == MB_OK &&
             (meta.tick_num != r->tick_num || meta.tick_den != r->tick_den ||
              strcmp(meta.clock_name, r->clock_from) != 0)) {
    rc = mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                      "recorded with clock %s tick %llu/%llu ns, but the files "
                      "before it use %s tick %llu/%llu ns: cannot play them as one",
                      meta.clock_name, (unsigned long long)meta.tick_num,
                      (unsigned long long)meta.tick_den, r->clock_from,
                      (unsigned long long)r->tick_num, (unsigned long long)r->tick_den);
  }
  if (rc == MB_OK) {
    struct segment *s = realloc(r->segs, (r->n_segs + 1) * sizeof(*s));

    if (!s)
      rc = mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
    else {
      r->segs = s;
      s += r->n_segs;
      s->cfg = meta.config;
      s->point = meta.point;
      s->repetition = meta.repetition;
      s->start = r->n;
      s->len = c.n_timings;
      s->pool_size = meta.pool_size;
      s->played = 0;
    }
  }
  if (rc == MB_OK && append(r, c.timings, c.status, c.n_timings) != MB_OK)
    rc = mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
  if (rc == MB_OK && c.n_timings > 0)
    r->n_segs++;
  mb_collection_cleanup(&c);
  return rc;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *tail)
{
  size_t ls = strlen(s), lt = strlen(tail);

  return ls >= lt && strcmp(s + ls - lt, tail) == 0;
}

static int load_dir(struct replay *r, const char *dir, struct mb_error *err)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, cap = 0, i;
  int rc = MB_OK;

  if (!d)
    return mb_error_errno(err, errno, dir, "cannot open directory");
  while (rc == MB_OK && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || !ends_with(e->d_name, ".mbr"))
      continue; /* .p0-r0.mbr.tmp and friends are unfinished writes */
    if (n == cap) {
      char **nn = realloc(names, (cap ? cap * 2 : 64) * sizeof(*names));

      if (!nn) {
        rc = MB_ENOMEM;
        break;
      }
      names = nn;
      cap = cap ? cap * 2 : 64;
    }
    names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
    if (!names[n]) {
      rc = MB_ENOMEM;
      break;
    }
    sprintf(names[n], "%s/%s", dir, e->d_name);
    n++;
  }
  closedir(d);
  if (rc == MB_ENOMEM)
    mb_error_set(err, MB_ENOMEM, dir, 0, 0, NULL, "out of memory");
  if (rc == MB_OK && n == 0)
    rc = mb_error_set(err, MB_EINVALID, dir, 0, 0, NULL,
                      "no raw files (*.mbr) in this directory");
  if (rc == MB_OK)
    qsort(names, n, sizeof(*names), cmp_str);
  for (i = 0; i < n; i++) {
    if (rc == MB_OK)
      rc = load_raw(r, names[i], i == 0, err);
    free(names[i]);
  }
  free(names);
  return rc;
}

/* Whitespace-separated unsigned decimal integers; '#' starts a comment that
 * runs to the end of the line. */
static int load_text(struct replay *r, const char *path, FILE *f, struct mb_error *err)
{
  uint64_t chunk[512];
  size_t nchunk = 0;
  int line = 1, col = 0, ch;

  for (;;) {
    ch = fgetc(f);
    col++;
    if (ch == EOF)
      break;
    if (ch == '\n') {
      line++;
      col = 0;
    } else if (ch == '#') {
      while ((ch = fgetc(f)) != EOF && ch != '\n')
        ;
      line++;
      col = 0;
      if (ch == EOF)
        break;
    } else if (isspace(ch)) {
      continue;
    } else if (isdigit(ch)) {
      int start = col;
      uint64_t v = 0;

      while (ch != EOF && isdigit(ch)) {
        unsigned d = (unsigned)(ch - '0');

        if (v > (UINT64_MAX - d) / 10)
          return mb_error_set(err, MB_EINVALID, path, line, start, NULL,
                              "integer does not fit in 64 bits");
        v = v * 10 + d;
        ch = fgetc(f);
        col++;
      }
      if (ch != EOF && !isspace(ch) && ch != '#')
        return mb_error_set(err, MB_EINVALID, path, line, col, NULL,
                            "expected a non-negative integer, found '%c'", ch);
      ungetc(ch, f);
      col--;
      chunk[nchunk++] = v;
      if (nchunk == sizeof(chunk) / sizeof(chunk[0])) {
        if (append(r, chunk, NULL, nchunk) != MB_OK)
          return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
        nchunk = 0;
      }
    } else {
      return mb_error_set(err, MB_EINVALID, path, line, col, NULL,
                          "expected a non-negative integer, found '%c'", ch);
    }
  }
  if (ferror(f))
    return mb_error_errno(err, errno, path, "cannot read");
  if (nchunk && append(r, chunk, NULL, nchunk) != MB_OK)
    return mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
  if (r->n == 0)
    return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                        "no timings: expected integers separated by whitespace");
  r->from_text = 1;
  r->tick_num = 1;
  r->tick_den = 1;
  return MB_OK;
}

static void close_replay(void *state)
{
  struct replay *r = state;

  if (!r)
    return;
  free(r->timings);
  free(r->status);
  free(r->segs);
  free(r);
}

static int open_replay(const char *option, void **state, struct mb_error *err)
{
  struct replay *r;
  struct stat sb;
  int rc;

  *state = NULL;
  if (!option || !option[0])
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "replay needs a FILE: a .mbr raw file, a run's raw/ "
                        "directory, or a text file of integers");
  if (stat(option, &sb) != 0)
    return errno == ENOENT
               ? mb_error_set(err, MB_EINVALID, option, 0, 0, NULL, "no such file")
               : mb_error_errno(err, errno, option, "cannot open");
  r = calloc(1, sizeof(*r));
  if (!r)
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  snprintf(r->source, sizeof(r->source), "%s", option);
  if (S_ISDIR(sb.st_mode)) {
    rc = load_dir(r, option, err);
  } else {
    FILE *f = fopen(option, "rb");
    char magic[8];
    size_t got;

    if (!f) {
      close_replay(r);
      return mb_error_errno(err, errno, option, "cannot open");
    }
    got = fread(magic, 1, sizeof(magic), f);
    if (got == sizeof(magic) && memcmp(magic, "MBRAW001", 8) == 0) {
      fclose(f);
      rc = load_raw(r, option, 1, err);
    } else {
      rewind(f);
      rc = load_text(r, option, f, err);
      fclose(f);
    }
  }
  if (rc != MB_OK) {
    close_replay(r);
    return rc;
  }
  *state = r;
  return MB_OK;
}

static void describe_clock(void *state, struct mb_clock *clk)
{
  const struct replay *r = state;

  clk->name = "replay";
  clk->tick_num = r ? r->tick_num : 1;
  clk->tick_den = r ? r->tick_den : 1;
  /* Nothing is read while replaying; the smallest step a recording can
   * hold is one tick. */
  clk->read_cost_ns = 0;
  clk->resolution_ns = (double)clk->tick_num / (double)clk->tick_den;
}

static int same_config(const struct mb_config *a, const struct mb_config *b)
{
  return a->num_ports == b->num_ports && a->ool_size == b->ool_size &&
         a->mode == b->mode && a->variant == b->variant;
}

/* Copy raw_count timings starting at segment k, going on through the next
 * segments of the same configuration (cyclically) when it is shorter. */
static void play_segments(struct replay *r, size_t k, size_t raw_count,
                          struct mb_collection *out)
{
  size_t done = 0, i = k, pos = r->segs[k].start;

  while (done < raw_count) {
    const struct segment *s = &r->segs[i];
    size_t take = s->start + s->len - pos;

    if (take > raw_count - done)
      take = raw_count - done;
    memcpy(out->timings + done, r->timings + pos, take * sizeof(uint64_t));
    memcpy(out->status + done, r->status + pos, take * sizeof(int32_t));
    done += take;
    pos += take;
    if (pos == s->start + s->len) {
      do
        i = (i + 1) % r->n_segs;
      while (!same_config(&r->segs[i].cfg, &r->segs[k].cfg));
      pos = r->segs[i].start;
    }
  }
}

/* Text input: MB_RAW_COUNT(n_samples) timings from where the call's place
 * in the plan puts them, wrapping around. Raw files: a recorded call of the
 * point's own configuration (the call's own recording when the runner says
 * which call it is: mb_replay_seek), so a run's raw/ played with its own
 * experiment gives every call its own timings in any order; a point whose
 * configuration the recording does not hold is refused rather than given
 * another configuration's timings. */
static int collect(void *state, const struct mb_config *cfg, size_t n_samples,
                   struct mb_collection *out, struct mb_error *err)
{
  struct replay *r = state;
  size_t raw_count = MB_RAW_COUNT(n_samples), done = 0, i, best = SIZE_MAX;

  if (r->n_segs > 0) {
    size_t m = 0, want;

    for (i = 0; i < r->n_segs; i++)
      m += same_config(&r->segs[i].cfg, cfg) ? 1u : 0u;
    if (m == 0)
      return mb_error_set(
          err, MB_EINVALID, r->source, 0, 0, NULL,
          "the recording holds no call of %u port%s, %u B, %s, variant %s (its first "
          "is point %zu: %u port%s, %u B, %s, variant %s): replaying it here would "
          "give this point another configuration's timings; replay it into points "
          "of its own configuration, or give a text list of timings",
          cfg->num_ports, cfg->num_ports == 1 ? "" : "s", cfg->ool_size,
          mb_mode_name(cfg->mode), mb_variant_name(cfg->variant), r->segs[0].point,
          r->segs[0].cfg.num_ports, r->segs[0].cfg.num_ports == 1 ? "" : "s",
          r->segs[0].cfg.ool_size, mb_mode_name(r->segs[0].cfg.mode),
          mb_variant_name(r->segs[0].cfg.variant));
    /* The call's own recording when the runner said which call it is;
     * otherwise one of its configuration's, by the call's place in the
     * plan (so a shard or a resumed run plays what the whole run does), or
     * in turn when nothing was said. */
    for (i = 0; r->seeking && r->seek_point != SIZE_MAX && i < r->n_segs; i++)
      if (same_config(&r->segs[i].cfg, cfg) && r->segs[i].point == r->seek_point &&
          r->segs[i].repetition == r->seek_rep) {
        best = i;
        break;
      }
    want = r->seeking ? r->seek % m : 0;
    for (i = 0; best == SIZE_MAX && i < r->n_segs; i++) {
      const struct segment *s = &r->segs[i];

      if (!same_config(&s->cfg, cfg))
        continue;
      if (r->seeking) {
        if (want-- == 0)
          best = i;
        continue;
      }
      if (best == SIZE_MAX || s->played < r->segs[best].played)
        best = i;
    }
    for (i = 0; best == SIZE_MAX && i < r->n_segs; i++) /* cannot happen: m > 0 */
      if (same_config(&r->segs[i].cfg, cfg))
        best = i;
    r->seeking = 0;
    play_segments(r, best, raw_count, out);
    r->segs[best].played++;
    out->n_timings = raw_count;
    out->pool_size = r->segs[best].pool_size;
    return MB_OK;
  }
  if (r->seeking && r->n > 0) {
    /* The call's place in the whole plan decides its timings, as if every
     * call before it had been played (size_t arithmetic modulo n). */
    r->pos = (size_t)(((unsigned long long)(r->seek % r->n) *
                       (unsigned long long)(raw_count % r->n)) %
                      r->n);
    r->seeking = 0;
  }
  while (done < raw_count) {
    size_t take = r->n - r->pos;

    if (take > raw_count - done)
      take = raw_count - done;
    memcpy(out->timings + done, r->timings + r->pos, take * sizeof(uint64_t));
    memcpy(out->status + done, r->status + r->pos, take * sizeof(int32_t));
    done += take;
    r->pos += take;
    if (r->pos == r->n)
      r->pos = 0;
  }
  out->n_timings = raw_count;
  out->pool_size = r->from_text ? cfg->num_ports : r->pool_size;
  return MB_OK;
}

void mb_replay_seek(void *state, size_t index, size_t point, size_t repetition)
{
  struct replay *r = state;

  if (r) {
    r->seek = index;
    r->seek_point = point;
    r->seek_rep = repetition;
    r->seeking = 1;
  }
}

const struct mb_collector_ops mb_replay_ops = {
    MB_INFO_REPLAY, 1, probe, open_replay, close_replay, describe_clock, NULL, collect,
};
