/* replay.c: a collector that plays back recorded raw timings, so the runner,
 * estimators and reports can be tested deterministically and old
 * recordings analysed again. Input: a .mbr raw file, a directory of them (a
 * run's raw/, played in name order), or a text list of integers. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collector.h"
#include "rawfile.h"

struct replay {
  uint64_t *timings;
  int32_t *status;
  size_t n, cap;
  size_t pos;         /* next timing to hand out */
  size_t seek;        /* the next call's index in the plan (mb_replay_seek) */
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
  if (rc == MB_OK && append(r, c.timings, c.status, c.n_timings) != MB_OK)
    rc = mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
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

/* The next MB_RAW_COUNT(n_samples) recorded timings; at the end of the data
 * playback wraps around to its beginning. */
static int collect(void *state, const struct mb_config *cfg, size_t n_samples,
                   struct mb_collection *out, struct mb_error *err)
{
  struct replay *r = state;
  size_t raw_count = MB_RAW_COUNT(n_samples), done = 0;

  (void)err;
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

void mb_replay_seek(void *state, size_t index)
{
  struct replay *r = state;

  if (r) {
    r->seek = index;
    r->seeking = 1;
  }
}

const struct mb_collector_ops mb_replay_ops = {
    MB_INFO_REPLAY, 1, probe, open_replay, close_replay, describe_clock, NULL, collect,
};
