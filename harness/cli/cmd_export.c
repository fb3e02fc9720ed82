/* cmd_export.c: `mebench export RUN DIR`: every recorded call's extracted
 * bytes and raw symbols as the one-sample-per-byte files NIST's tools
 * (ea_non_iid, ea_iid, ea_restart) read, so anyone can check mebench's
 * figures with them. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "fsutil.h"
#include "rawfile.h"
#include "rundir.h"
#include "source.h"

enum { OPT_FORCE = 1, OPT_HELP, OPT_RAW_BITS };

static const struct mb_opt options[] = {
    {"force", 'f', NULL, OPT_FORCE,
     "replace an earlier export in DIR (its files listed in index.tsv)"},
    {"help", 'h', NULL, OPT_HELP, "show this help"},
    {"raw-bits", 'r', "N", OPT_RAW_BITS,
     "width of the raw symbols, 1..8 (default: the run's analysis.raw_bits)"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

#define USAGE "mebench export [OPTIONS] RESULTS_DIR DIR"

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: " USAGE "\n\n"
          "Write, for every recorded call of the run, two files into DIR (created\n"
          "if missing), one sample per byte as NIST's SP 800-90B tools read them:\n"
          "  pP-rR.bytes.bin   the call's extracted bytes (8 bits each)\n"
          "  pP-rR.rawB.bin    its raw timing deltas, the low B bits of each\n"
          "                    (B = --raw-bits, default the run's raw_bits)\n"
          "where P is the point and R the repetition, as in the run's raw/ files;\n"
          "and index.tsv, one line per file: file, point, repetition, kind, bits,\n"
          "samples. Then for example:\n"
          "  ea_non_iid -i -a DIR/p0-r0.bytes.bin 8\n"
          "  ea_iid -i -a DIR/p0-r0.raw8.bin 8\n"
          "RESULTS_DIR is the run's directory or its run.json.\n"
          "Existing files are never replaced without --force. With --force, the\n"
          "export replaces an earlier one in DIR: the files its index.tsv lists\n"
          "that this export does not write (another --raw-bits, another run's\n"
          "calls) are removed, so index.tsv lists exactly the exported files in\n"
          "DIR; no other file is touched: anything else at a name this export\n"
          "writes (a file index.tsv does not list, a link, FIFO, directory) is\n"
          "refused (exit 1). Nothing is written into DIR until every name is\n"
          "checked, every raw file found (a missing one: exit 3) and every file\n"
          "made, in DIR/.mebench-export.tmp (a failure there, a full disk or a\n"
          "damaged raw file, leaves DIR as it was). Then index.tsv is written\n"
          "first, listing every export file, and the files are renamed into DIR:\n"
          "an export that fails or is killed in that step is completed by\n"
          "running it again with --force. To keep two widths, export into two\n"
          "folders. DIR must be a directory or a new path (else exit 3).\n\n"
          "Options:\n");
  mb_opt_print(out, options, N_OPTIONS);
  fprintf(out, "\n");
  mb_cli_print_exit_codes_of(out, MB_EXITS_COMMON | MB_EXIT_BIT(INVALID));
}

struct text {
  char *s;
  size_t len, cap;
};

static int text_add(struct text *t, const char *line)
{
  size_t n = strlen(line);

  if (t->len + n + 1 > t->cap) {
    size_t cap = (t->cap ? t->cap * 2 : 4096) + n;
    char *s = realloc(t->s, cap);

    if (!s)
      return MB_ENOMEM;
    t->s = s;
    t->cap = cap;
  }
  memcpy(t->s + t->len, line, n + 1);
  t->len += n;
  return MB_OK;
}

static const char index_header[] = "file\tpoint\trepetition\tkind\tbits\tsamples\n";

/* 1 when name is one export writes: pP-rR.bytes.bin or pP-rR.rawB.bin. */
static int is_export_name(const char *name)
{
  const char *q = name;

  if (*q++ != 'p' || !isdigit((unsigned char)*q))
    return 0;
  while (isdigit((unsigned char)*q))
    q++;
  if (strncmp(q, "-r", 2) != 0 || !isdigit((unsigned char)q[2]))
    return 0;
  q += 2;
  while (isdigit((unsigned char)*q))
    q++;
  return strcmp(q, ".bytes.bin") == 0 || (strncmp(q, ".raw", 4) == 0 && q[4] >= '1' &&
                                          q[4] <= '8' && strcmp(q + 5, ".bin") == 0);
}

/* The index.tsv an earlier export left in outdir (new; free it), or NULL
 * when there is none or it is not one of export's (another header, not a
 * regular file): then nothing is taken for an earlier export's file. */
static char *old_index(const char *outdir)
{
  char path[4608];
  unsigned char *buf = NULL;
  size_t len = 0;
  struct stat st;
  struct mb_error ignored;

  snprintf(path, sizeof(path), "%s/index.tsv", outdir);
  if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return NULL;
  mb_error_init(&ignored);
  if (mb_fs_read_file(path, 0, &buf, &len, &ignored) != MB_OK)
    return NULL;
  if (strncmp((const char *)buf, index_header, strlen(index_header)) != 0) {
    free(buf);
    return NULL;
  }
  return (char *)buf;
}

/* Remove the files the earlier index (old) lists that the new one (now)
 * does not: only names of export's own pattern, only regular files, so
 * nothing mebench did not write is touched. A file already gone is fine. */
static int remove_stale(const char *outdir, char *old, const char *now,
                        struct mb_error *err)
{
  char *line = strchr(old, '\n'); /* after the header */

  while (line && *++line) {
    char *tab = strchr(line, '\t'), *end = strchr(line, '\n');
    char needle[300], path[4608];
    struct stat st;

    if (!tab || (end && tab > end) || (size_t)(tab - line) >= 200) {
      line = end;
      continue;
    }
    *tab = '\0';
    snprintf(needle, sizeof(needle), "\n%s\t", line);
    snprintf(path, sizeof(path), "%s/%s", outdir, line);
    if (is_export_name(line) && !strstr(now, needle) && lstat(path, &st) == 0 &&
        S_ISREG(st.st_mode) && unlink(path) != 0 && errno != ENOENT)
      return mb_error_errno(err, errno, path,
                            "cannot remove this file of the earlier export (index.tsv "
                            "no longer lists it)");
    line = end;
  }
  return MB_OK;
}

/* 1 when the earlier index (old, NULL: none) lists name as a file. */
static int listed(const char *old, const char *name)
{
  char needle[300];

  if (!old)
    return 0;
  snprintf(needle, sizeof(needle), "\n%s\t", name);
  return strstr(old, needle) != NULL;
}

/* With --force, whether outdir/name may be written: *replace 0 when
 * nothing is there, 1 when it is a regular file of the earlier export (the
 * earlier index, old, lists it; index.tsv itself when old is that index);
 * anything else there (a file not listed, a link, FIFO, device, directory)
 * is MB_EEXISTS naming it, for --force replaces only the earlier export. */
static int check_target(const char *outdir, const char *name, const char *old,
                        int *replace, struct mb_error *err)
{
  char path[4608];
  struct stat st;
  int is_index = strcmp(name, "index.tsv") == 0;

  *replace = 0;
  snprintf(path, sizeof(path), "%s/%s", outdir, name);
  if (lstat(path, &st) != 0) {
    if (errno == ENOENT)
      return MB_OK;
    return mb_error_errno(err, errno, path, "cannot inspect this export file");
  }
  if (!S_ISREG(st.st_mode))
    return mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL,
                        "exists and is %s, not a file of an earlier export: not "
                        "replaced, even with --force (remove it or choose another DIR)",
                        mb_fs_kind(st.st_mode));
  if (is_index ? !old : !listed(old, name))
    return mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL,
                        is_index
                            ? "exists and is not an earlier export's index: not "
                              "replaced, even with --force (remove it or choose "
                              "another DIR)"
                            : "exists and the earlier export's index.tsv does not "
                              "list it: not replaced, even with --force (remove it "
                              "or choose another DIR)");
  *replace = 1;
  return MB_OK;
}

/* Where the files are made before any is put into DIR: a hidden folder
 * in DIR (so renames out of it stay on one file system). */
#define STAGE ".mebench-export.tmp"

/* Without --force, whether outdir/name is free: anything there is
 * MB_EEXISTS naming it. No index.tsv is in DIR then (refused before), so
 * nothing there is an earlier export's file and --force would not replace
 * it either: the hint says so. */
static int check_free(const char *outdir, const char *name, struct mb_error *err)
{
  char path[4608];
  struct stat st;

  snprintf(path, sizeof(path), "%s/%s", outdir, name);
  if (lstat(path, &st) != 0) {
    if (errno == ENOENT)
      return MB_OK;
    return mb_error_errno(err, errno, path, "cannot inspect this export file");
  }
  return mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL,
                      "already exists (%s) and no index.tsv in DIR lists it as an "
                      "earlier export's: not replaced, even with --force; nothing was "
                      "written (remove it or choose another DIR)",
                      mb_fs_kind(st.st_mode));
}

/* Every name the export would write checked (check_target with --force,
 * check_free without) before anything is written, so a refusal leaves DIR
 * as it was. */
static int check_targets(const struct mb_rundir *rd, const char *outdir, unsigned bits,
                         int force, const char *old, struct mb_error *err)
{
  char name[128];
  size_t i;
  int replace, rc = force ? check_target(outdir, "index.tsv", old, &replace, err)
                          : check_free(outdir, "index.tsv", err);

  for (i = 0; i < rd->n_calls && rc == MB_OK; i++) {
    const struct mb_rundir_call *call = &rd->calls[i];
    int k;

    if (!call->raw_file || !call->raw_file[0])
      continue;
    for (k = 0; k < 2 && rc == MB_OK; k++) {
      if (k == 0)
        snprintf(name, sizeof(name), "p%zu-r%zu.bytes.bin", call->point,
                 call->repetition);
      else
        snprintf(name, sizeof(name), "p%zu-r%zu.raw%u.bin", call->point,
                 call->repetition, bits);
      rc = force ? check_target(outdir, name, old, &replace, err)
                 : check_free(outdir, name, err);
    }
  }
  return rc;
}

/* Every call's raw file there and a regular file (opened without blocking
 * and checked), before anything is written: a missing one is MB_EINVALID
 * naming it (as mb_rawfile_read would after half the files). */
static int check_sources(const struct mb_rundir *rd, struct mb_error *err)
{
  size_t i;

  for (i = 0; i < rd->n_calls; i++) {
    const struct mb_rundir_call *call = &rd->calls[i];
    char path[4608];
    struct stat st;
    int fd, e;

    if (!call->raw_file || !call->raw_file[0])
      continue;
    snprintf(path, sizeof(path), "%s/%s", rd->dir, call->raw_file);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
      e = errno;
      if (e == ENOENT || e == ENOTDIR || e == ELOOP || e == EISDIR)
        return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                            "cannot open the raw file of call p%zu-r%zu: %s; nothing "
                            "was exported",
                            call->point, call->repetition, strerror(e));
      return mb_error_errno(err, e, path,
                            "cannot open the raw file of call p%zu-r%zu (nothing was "
                            "exported)",
                            call->point, call->repetition);
    }
    e = fstat(fd, &st) != 0 ? errno : 0;
    close(fd);
    if (e)
      return mb_error_errno(err, e, path, "cannot inspect");
    if (!S_ISREG(st.st_mode))
      return mb_error_set(err, MB_EINVALID, path, 0, 0, NULL,
                          "is %s; expected the raw file of call p%zu-r%zu (nothing "
                          "was exported)",
                          mb_fs_kind(st.st_mode), call->point, call->repetition);
  }
  return MB_OK;
}

/* Empty the staging folder a killed export left (only what an export puts
 * there: its file names, index.tsv, their ".NAME.tmp"); anything else
 * there, or STAGE not a directory, is MB_EEXISTS naming it. Then create it
 * (new) into stage. */
static int stage_open(const char *outdir, char *stage, size_t n, struct mb_error *err)
{
  struct stat st;
  DIR *d;
  struct dirent *de;

  snprintf(stage, n, "%s/" STAGE, outdir);
  if (lstat(stage, &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      return mb_error_set(err, MB_EEXISTS, stage, 0, 0, NULL,
                          "exists and is %s, where export makes its files before "
                          "putting them into DIR: not replaced (remove it)",
                          mb_fs_kind(st.st_mode));
    d = opendir(stage);
    if (!d)
      return mb_error_errno(err, errno, stage, "cannot read this folder");
    while ((de = readdir(d)) != NULL) {
      char path[4800], name[256];
      size_t l = strlen(de->d_name);

      if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
        continue;
      /* ".NAME.tmp" is mb_fs_write_atomic's temporary for NAME */
      if (l > 5 && l < sizeof(name) + 5 && de->d_name[0] == '.' &&
          strcmp(de->d_name + l - 4, ".tmp") == 0)
        snprintf(name, sizeof(name), "%.*s", (int)(l - 5), de->d_name + 1);
      else
        snprintf(name, sizeof(name), "%s", de->d_name);
      snprintf(path, sizeof(path), "%s/%s", stage, de->d_name);
      if ((is_export_name(name) || strcmp(name, "index.tsv") == 0) &&
          lstat(path, &st) == 0 && S_ISREG(st.st_mode))
        (void)unlink(path);
    }
    closedir(d);
    if (rmdir(stage) != 0) {
      if (errno == ENOTEMPTY || errno == EEXIST)
        return mb_error_set(err, MB_EEXISTS, stage, 0, 0, NULL,
                            "is where export makes its files, and holds files "
                            "export does not write: not removed; nothing was "
                            "written (remove it)");
      return mb_error_errno(err, errno, stage, "cannot remove this folder");
    }
  }
  if (mkdir(stage, 0777) != 0)
    return mb_error_errno(err, errno, stage,
                          "cannot create the export's staging folder");
  return MB_OK;
}

/* Remove the staging folder and what it holds (names in idx, a failed
 * export's); quiet, best effort. */
static void stage_remove(const char *stage, const char *idx)
{
  const char *line = idx ? strchr(idx, '\n') : NULL;

  while (line && *++line) {
    const char *tab = strchr(line, '\t');
    char path[4800], name[128];

    if (!tab || (size_t)(tab - line) >= sizeof(name))
      break;
    memcpy(name, line, (size_t)(tab - line));
    name[tab - line] = '\0';
    snprintf(path, sizeof(path), "%s/%s", stage, name);
    (void)unlink(path);
    line = strchr(line, '\n');
  }
  (void)rmdir(stage);
}

/* Put stage/name into outdir/name: over an earlier export's file (checked
 * again, check_target) with --force, else only where nothing is (link()
 * refuses a name that appeared meanwhile atomically). */
static int place(const char *stage, const char *outdir, const char *name, int force,
                 const char *old, struct mb_error *err)
{
  char from[4800], to[4800];
  struct stat st;
  int replace = 0, rc;

  snprintf(from, sizeof(from), "%s/%s", stage, name);
  snprintf(to, sizeof(to), "%s/%s", outdir, name);
  rc = force ? check_target(outdir, name, old, &replace, err)
             : check_free(outdir, name, err);
  if (rc != MB_OK)
    return rc;
  if (!replace) {
    if (link(from, to) == 0) {
      (void)unlink(from);
      return MB_OK;
    }
    if (errno == EEXIST)
      return mb_error_set(err, MB_EEXISTS, to, 0, 0, NULL,
                          "appeared while exporting: not replaced");
    if (lstat(to, &st) == 0)
      return mb_error_set(err, MB_EEXISTS, to, 0, 0, NULL,
                          "appeared while exporting: not replaced");
  }
  if (rename(from, to) != 0)
    return mb_error_errno(err, errno, to, "cannot rename %s to it", from);
  return MB_OK;
}

/* The lines of the earlier index (old) whose files this export (idx) does
 * not write, appended to idx: the index written first lists every
 * export file in DIR, old and new, so a failure part-way leaves nothing
 * --force would refuse. */
static int add_stale_lines(struct text *idx, const char *old, int *any)
{
  const char *line = old ? strchr(old, '\n') : NULL;
  int rc = MB_OK;

  *any = 0;
  while (line && *++line && rc == MB_OK) {
    const char *tab = strchr(line, '\t'), *end = strchr(line, '\n');
    char needle[300], one[512];
    size_t n = end ? (size_t)(end - line) + 1 : strlen(line);

    if (tab && (!end || tab < end) && (size_t)(tab - line) < 200 && n < sizeof(one)) {
      snprintf(needle, sizeof(needle), "\n%.*s\t", (int)(tab - line), line);
      if (!strstr(idx->s, needle)) {
        snprintf(one, sizeof(one), "%.*s%s", (int)n, line, end ? "" : "\n");
        rc = text_add(idx, one);
        *any = 1;
      }
    }
    line = end;
  }
  return rc;
}

/* index.tsv into DIR: with --force checked again here (check_target) and
 * renamed over the earlier export's index; without, created only where
 * nothing is (a file appearing meanwhile is refused atomically). */
static int write_one(const char *outdir, const char *name, const uint8_t *data,
                     size_t n, int force, const char *old, struct mb_error *err)
{
  char path[4608];
  int replace = 0;

  if (force) {
    int rc = check_target(outdir, name, old, &replace, err);

    if (rc != MB_OK)
      return rc;
  }
  snprintf(path, sizeof(path), "%s/%s", outdir, name);
  return mb_fs_write_atomic(path, data, n, replace ? MB_FS_REPLACE : 0,
                            "appeared while exporting: not replaced", err);
}

/* Nothing is written into DIR until every target name and every source
 * is checked and every file is made (in DIR/.mebench-export.tmp); then
 * index.tsv first (listing the new files and the earlier export's still
 * there), the files renamed into DIR, the earlier export's left-overs
 * removed, and index.tsv again when it listed any. A failure before that
 * leaves DIR as it was (the staging folder removed); one while putting
 * files in place (a file appearing meanwhile, a failing disk) leaves an
 * index.tsv that lists every export file in DIR, so `export --force`
 * completes it. */
static int export_run(const struct mb_rundir *rd, const char *outdir, unsigned bits,
                      int force, struct mb_error *err)
{
  struct mb_collection c;
  struct text idx = {NULL, 0, 0};
  char *old = NULL, stage[4400];
  uint8_t *sym = NULL;
  size_t cap = 0, i, j;
  int rc, staged = 0, stale = 0, placing = 0;

  rc = check_sources(rd, err);
  if (rc != MB_OK)
    return rc;
  rc = mb_fs_mkdirs(outdir, 0777, "the export directory", err);
  if (rc != MB_OK)
    return rc;
  old = old_index(outdir);
  if (!force) {
    char path[4608];
    struct stat st;

    snprintf(path, sizeof(path), "%s/index.tsv", outdir);
    if (lstat(path, &st) == 0) {
      rc = mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL,
                        old ? "already exists (an earlier export); nothing was "
                              "written: choose an empty DIR or add --force to "
                              "replace that export"
                            : "already exists and is not an earlier export's index: "
                              "not replaced, even with --force; nothing was written "
                              "(remove it or choose another DIR)");
      free(old);
      return rc;
    }
  }
  rc = check_targets(rd, outdir, bits, force, old, err);
  if (rc == MB_OK)
    rc = stage_open(outdir, stage, sizeof(stage), err);
  if (rc != MB_OK) {
    free(old);
    return rc;
  }
  staged = 1;
  mb_collection_init(&c);
  rc = text_add(&idx, index_header);
  for (i = 0; i < rd->n_calls && rc == MB_OK; i++) {
    const struct mb_rundir_call *call = &rd->calls[i];
    struct mb_raw_meta meta;
    char path[4608], name[128], line[256], dst[4800];

    if (!call->raw_file || !call->raw_file[0])
      continue;
    snprintf(path, sizeof(path), "%s/%s", rd->dir, call->raw_file);
    rc = mb_rawfile_read(path, &meta, &c, err);
    if (rc != MB_OK)
      break;
    if (c.n_timings > cap) {
      uint8_t *s = realloc(sym, c.n_timings);

      if (!s) {
        rc = mb_error_set(err, MB_ENOMEM, path, 0, 0, NULL, "out of memory");
        break;
      }
      sym = s;
      cap = c.n_timings;
    }
    for (j = 0; j < c.n_timings; j++)
      sym[j] = (uint8_t)(c.timings[j] & ((1u << bits) - 1u));
    snprintf(name, sizeof(name), "p%zu-r%zu.bytes.bin", call->point, call->repetition);
    snprintf(dst, sizeof(dst), "%s/%s", stage, name);
    rc = mb_fs_write_atomic(dst, c.bytes, c.n_bytes, MB_FS_REPLACE, NULL, err);
    snprintf(line, sizeof(line), "%s\t%zu\t%zu\tbytes\t8\t%zu\n", name, call->point,
             call->repetition, c.n_bytes);
    if (rc == MB_OK)
      rc = text_add(&idx, line);
    snprintf(name, sizeof(name), "p%zu-r%zu.raw%u.bin", call->point, call->repetition,
             bits);
    snprintf(dst, sizeof(dst), "%s/%s", stage, name);
    if (rc == MB_OK)
      rc = mb_fs_write_atomic(dst, sym, c.n_timings, MB_FS_REPLACE, NULL, err);
    snprintf(line, sizeof(line), "%s\t%zu\t%zu\traw\t%u\t%zu\n", name, call->point,
             call->repetition, bits, c.n_timings);
    if (rc == MB_OK)
      rc = text_add(&idx, line);
  }
  mb_collection_cleanup(&c);
  free(sym);
  if (rc == MB_ENOMEM && err && !err->code)
    mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  /* Every file made: into DIR, index.tsv first. */
  if (rc == MB_OK) {
    size_t new_len = idx.len;

    rc = add_stale_lines(&idx, old, &stale);
    if (rc == MB_ENOMEM)
      mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
    if (rc == MB_OK)
      rc = write_one(outdir, "index.tsv", (const uint8_t *)idx.s, idx.len, force, old,
                     err);
    placing = rc == MB_OK;
    if (stale) {
      /* From here on the index in DIR is the union: the earlier export's
       * files it lists may be replaced or removed. */
      idx.len = new_len;
      idx.s[new_len] = '\0';
    }
    if (rc == MB_OK && stale) {
      free(old);
      old = old_index(outdir);
    }
    {
      const char *line = strchr(idx.s, '\n');

      while (rc == MB_OK && line && *++line) {
        const char *tab = strchr(line, '\t');
        char name[128];

        if (!tab || (size_t)(tab - line) >= sizeof(name))
          break;
        snprintf(name, sizeof(name), "%.*s", (int)(tab - line), line);
        rc = place(stage, outdir, name, force, old, err);
        line = strchr(line, '\n');
      }
    }
    if (rc == MB_OK)
      rc = mb_fs_sync_dir(outdir, err);
    if (rc == MB_OK && old)
      rc = remove_stale(outdir, old, idx.s, err);
    if (rc == MB_OK && stale)
      rc = write_one(outdir, "index.tsv", (const uint8_t *)idx.s, idx.len, 1, old, err);
  }
  if (staged && (rc == MB_OK || !placing))
    stage_remove(stage, idx.s);
  if (rc != MB_OK && placing && err && err->code) {
    size_t n = strlen(err->text);

    snprintf(err->text + n, sizeof(err->text) - n,
             " (the export is incomplete: index.tsv lists its files; run it again "
             "with --force to complete it)");
  }
  free(old);
  free(idx.s);
  return rc;
}

/* RESULTS_DIR as given, or the folder of RESULTS_DIR/run.json when it
 * names a run.json (as compare and baseline take it): the raw files are
 * found beside it. Other files are left to mb_rundir_load to refuse. */
static const char *run_dir(const char *arg, char *buf, size_t n)
{
  const char *slash = strrchr(arg, '/');
  const char *base = slash ? slash + 1 : arg;
  struct stat st;

  if (strcmp(base, "run.json") != 0 || stat(arg, &st) != 0 || S_ISDIR(st.st_mode))
    return arg;
  if (!slash)
    return ".";
  if (slash == arg)
    return "/";
  if ((size_t)(slash - arg) >= n)
    return arg;
  memcpy(buf, arg, (size_t)(slash - arg));
  buf[slash - arg] = '\0';
  return buf;
}

int mb_cmd_export(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  struct mb_rundir rd;
  const char *dir = NULL, *outdir = NULL;
  char dirbuf[4096], runbuf[4096];
  long long v;
  unsigned bits = 0;
  int id, rc, force = 0;

  mb_opt_init(&p, argc, argv, "export");
  while ((id = mb_opt_next(&p, options, N_OPTIONS, err)) != MB_OPT_END) {
    switch (id) {
    case OPT_FORCE:
      force = 1;
      break;
    case OPT_HELP:
      usage(stdout);
      return MB_OK;
    case OPT_RAW_BITS:
      if (mb_opt_long(p.arg, 1, 8, "export: --raw-bits", &v, err) != MB_OK)
        return MB_EUSAGE;
      bits = (unsigned)v;
      break;
    case MB_OPT_POSITIONAL:
      if (!dir)
        dir = mb_opt_dir(p.arg, dirbuf, sizeof(dirbuf));
      else if (!outdir)
        outdir = p.arg;
      else
        return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                            "export: unexpected argument '%s'", p.arg);
      break;
    default:
      return id;
    }
  }
  if (!dir || !outdir)
    return mb_cli_missing(err, "export",
                          !dir ? "RESULTS_DIR (the run) and DIR (where the files go)"
                               : "DIR (the folder to write the sample files into)",
                          USAGE);
  rc = mb_rundir_load(run_dir(dir, runbuf, sizeof(runbuf)), &rd, err);
  if (rc == MB_OK)
    rc = export_run(&rd, outdir,
                    bits          ? bits
                    : rd.raw_bits ? rd.raw_bits
                                  : 8,
                    force, err);
  mb_rundir_cleanup(&rd);
  return rc;
}
