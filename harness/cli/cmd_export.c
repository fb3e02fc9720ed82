/* cmd_export.c: `mebench export RUN DIR`: every recorded call's extracted
 * bytes and raw symbols as the one-sample-per-byte files NIST's tools
 * (ea_non_iid, ea_iid, ea_restart) read, so anyone can check mebench's
 * figures with them. */
#include <ctype.h>
#include <errno.h>
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
          "Existing files are never replaced without --force. With --force, the\n"
          "export replaces an earlier one in DIR: the files its index.tsv lists\n"
          "that this export does not write (another --raw-bits, another run's\n"
          "calls) are removed, so index.tsv lists exactly the exported files in\n"
          "DIR; no other file is touched: anything else at a name this export\n"
          "writes (a file index.tsv does not list, a link, FIFO, directory) is\n"
          "refused before anything is written (exit 1). To keep two widths, export\n"
          "into two folders. DIR must be a directory or a new path (else exit 3).\n\n"
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

/* Every file the export would write checked (check_target) before any is
 * written, so a refusal leaves DIR as it was. */
static int check_targets(const struct mb_rundir *rd, const char *outdir, unsigned bits,
                         const char *old, struct mb_error *err)
{
  char name[128];
  size_t i;
  int replace, rc = check_target(outdir, "index.tsv", old, &replace, err);

  for (i = 0; i < rd->n_calls && rc == MB_OK; i++) {
    const struct mb_rundir_call *call = &rd->calls[i];

    if (!call->raw_file || !call->raw_file[0])
      continue;
    snprintf(name, sizeof(name), "p%zu-r%zu.bytes.bin", call->point, call->repetition);
    rc = check_target(outdir, name, old, &replace, err);
    snprintf(name, sizeof(name), "p%zu-r%zu.raw%u.bin", call->point, call->repetition,
             bits);
    if (rc == MB_OK)
      rc = check_target(outdir, name, old, &replace, err);
  }
  return rc;
}

/* Without --force nothing existing is replaced. With it, checked again
 * here: a name absent at the check is still created without replacing (a
 * file appearing meanwhile is refused atomically), and only a listed
 * regular file is renamed over. */
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
                            force
                                ? "appeared while exporting: not replaced"
                                : "already exists; choose an empty DIR or add --force",
                            err);
}

static int export_run(const struct mb_rundir *rd, const char *outdir, unsigned bits,
                      int force, struct mb_error *err)
{
  struct mb_collection c;
  struct text idx = {NULL, 0, 0};
  char *old = NULL;
  uint8_t *sym = NULL;
  size_t cap = 0, i, j;
  int rc;

  rc = mb_fs_mkdirs(outdir, 0777, "the export directory", err);
  if (rc != MB_OK)
    return rc;
  {
    /* Refused before anything is written, not after every file. */
    char path[4608];
    struct stat st;

    snprintf(path, sizeof(path), "%s/index.tsv", outdir);
    if (!force && lstat(path, &st) == 0)
      return mb_error_set(err, MB_EEXISTS, path, 0, 0, NULL,
                          "already exists (an earlier export); choose an empty DIR or "
                          "add --force to replace that export");
  }
  if (force) {
    old = old_index(outdir);
    rc = check_targets(rd, outdir, bits, old, err);
    if (rc != MB_OK) {
      free(old);
      return rc;
    }
  }
  mb_collection_init(&c);
  rc = text_add(&idx, index_header);
  for (i = 0; i < rd->n_calls && rc == MB_OK; i++) {
    const struct mb_rundir_call *call = &rd->calls[i];
    struct mb_raw_meta meta;
    char path[4608], name[128], line[256];

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
    rc = write_one(outdir, name, c.bytes, c.n_bytes, force, old, err);
    snprintf(line, sizeof(line), "%s\t%zu\t%zu\tbytes\t8\t%zu\n", name, call->point,
             call->repetition, c.n_bytes);
    if (rc == MB_OK)
      rc = text_add(&idx, line);
    snprintf(name, sizeof(name), "p%zu-r%zu.raw%u.bin", call->point, call->repetition,
             bits);
    if (rc == MB_OK)
      rc = write_one(outdir, name, sym, c.n_timings, force, old, err);
    snprintf(line, sizeof(line), "%s\t%zu\t%zu\traw\t%u\t%zu\n", name, call->point,
             call->repetition, bits, c.n_timings);
    if (rc == MB_OK)
      rc = text_add(&idx, line);
  }
  if (rc == MB_ENOMEM && err && !err->code)
    mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL, "out of memory");
  if (rc == MB_OK)
    rc = write_one(outdir, "index.tsv", (const uint8_t *)idx.s, idx.len, force, old,
                   err);
  if (rc == MB_OK && old)
    rc = remove_stale(outdir, old, idx.s, err);
  free(old);
  mb_collection_cleanup(&c);
  free(sym);
  free(idx.s);
  return rc;
}

int mb_cmd_export(int argc, char **argv, struct mb_error *err)
{
  struct mb_optparse p;
  struct mb_rundir rd;
  const char *dir = NULL, *outdir = NULL;
  char dirbuf[4096];
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
  rc = mb_rundir_load(dir, &rd, err);
  if (rc == MB_OK)
    rc = export_run(&rd, outdir,
                    bits          ? bits
                    : rd.raw_bits ? rd.raw_bits
                                  : 8,
                    force, err);
  mb_rundir_cleanup(&rd);
  return rc;
}
