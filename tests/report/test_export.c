/* test_export.c: `mebench export` writes nothing into DIR until every name
 * and every raw file is checked and every file is made, and a state left
 * part-way (a full disk, a killed export) is completed by running it
 * again. On the report fixture run (12 calls) and copies of it in a
 * temporary folder; the full disk is a small tmpfs of our own (root only;
 * skipped otherwise). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "check.h"
#include "commands.h"
#include "testutil.h"

#define FIXTURE MB_SOURCE_DIR "/tests/data/report/run"
#define N_FILES 25 /* 12 calls x (bytes, raw) + index.tsv */

static char tmp[] = MB_BINARY_DIR "/tests/report/export-XXXXXX";

/* Entries in dir (all, hidden ones too), -1 when it cannot be read. */
static int entries(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  int n = 0;

  if (!d)
    return -1;
  while ((de = readdir(d)) != NULL)
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
      n++;
  closedir(d);
  return n;
}

static int run_export(int force, const char *run, const char *out, struct mb_error *err)
{
  const char *plain[] = {"export", run, out};
  const char *forced[] = {"export", "--force", run, out};

  return force ? mb_test_command(NULL, mb_cmd_export, 4, forced, err)
               : mb_test_command(NULL, mb_cmd_export, 3, plain, err);
}

/* A copy of the fixture run at dst (run.json and raw/). */
static void copy_run(const char *dst)
{
  char cmd[2048];

  snprintf(cmd, sizeof(cmd), "cp -R '%s' '%s'", FIXTURE, dst);
  CHECK_EQ_INT(system(cmd), 0);
}

/* One file of mebench's name in DIR that no index lists: refused, nothing
 * written, and the hint does not send the user to --force (which would
 * refuse it as well). */
static void test_conflict(void)
{
  struct mb_error err;
  char out[600], mine[700], *text;

  snprintf(out, sizeof(out), "%s/conflict", tmp);
  CHECK(mkdir(out, 0700) == 0);
  snprintf(mine, sizeof(mine), "%s/p1-r2.raw8.bin", out);
  CHECK(mb_test_write_text(mine, "mine\n") == 0);
  CHECK_EQ_INT(run_export(0, FIXTURE, out, &err), MB_EEXISTS);
  CHECK_EQ_STR(err.source, mine);
  CHECK(strstr(err.text, "add --force") == NULL);
  CHECK_EQ_INT(entries(out), 1);
  CHECK_EQ_INT(run_export(1, FIXTURE, out, &err), MB_EEXISTS);
  CHECK_EQ_STR(err.source, mine);
  CHECK_EQ_INT(entries(out), 1);
  text = mb_test_slurp(mine, NULL);
  CHECK(text && strcmp(text, "mine\n") == 0);
  free(text);
  /* the obstacle gone, the export writes everything */
  CHECK(unlink(mine) == 0);
  CHECK_EQ_INT(run_export(0, FIXTURE, out, &err), MB_OK);
  CHECK_EQ_INT(entries(out), N_FILES);
  /* again: refused at index.tsv, and now --force is the way */
  CHECK_EQ_INT(run_export(0, FIXTURE, out, &err), MB_EEXISTS);
  CHECK(strstr(err.text, "add --force") != NULL);
  CHECK_EQ_INT(run_export(1, FIXTURE, out, &err), MB_OK);
  CHECK_EQ_INT(entries(out), N_FILES);
}

/* A raw file missing or damaged: nothing written into DIR. */
static void test_sources(void)
{
  struct mb_error err;
  char run[600], raw[700], out[600];

  snprintf(run, sizeof(run), "%s/run-missing", tmp);
  copy_run(run);
  snprintf(raw, sizeof(raw), "%s/raw/p2-r1.mbr", run);
  CHECK(unlink(raw) == 0);
  snprintf(out, sizeof(out), "%s/missing", tmp);
  CHECK_EQ_INT(run_export(0, run, out, &err), MB_EINVALID);
  CHECK_EQ_STR(err.source, raw);
  CHECK_EQ_INT(entries(out), -1); /* not even created */
  CHECK(mkdir(out, 0700) == 0);
  CHECK_EQ_INT(run_export(0, run, out, &err), MB_EINVALID);
  CHECK_EQ_INT(entries(out), 0);

  /* damaged: found only when read, after others were made: still nothing
   * in DIR (the staging folder removed) */
  CHECK(mb_test_write_text(raw, "not a raw file\n") == 0);
  CHECK_EQ_INT(run_export(0, run, out, &err), MB_EINVALID);
  CHECK_EQ_STR(err.source, raw);
  CHECK_EQ_INT(entries(out), 0);
}

/* RUN/run.json names the run, as for compare and baseline. */
static void test_run_json(void)
{
  struct mb_error err;
  char out[600];

  snprintf(out, sizeof(out), "%s/byjson", tmp);
  CHECK_EQ_INT(run_export(0, FIXTURE "/run.json", out, &err), MB_OK);
  CHECK_EQ_INT(entries(out), N_FILES);
}

/* What a killed or failed export leaves: the staging folder with some
 * files, index.tsv listing every file, some files not yet in DIR. Run
 * again (with --force, as the message says) it completes. */
static void test_leftovers(void)
{
  struct mb_error err;
  char out[600], path[800], stage[700];

  snprintf(out, sizeof(out), "%s/leftover", tmp);
  CHECK_EQ_INT(run_export(0, FIXTURE, out, &err), MB_OK);
  snprintf(stage, sizeof(stage), "%s/.mebench-export.tmp", out);
  CHECK(mkdir(stage, 0700) == 0);
  snprintf(path, sizeof(path), "%s/p3-r2.bytes.bin", out);
  CHECK(unlink(path) == 0);
  snprintf(path, sizeof(path), "%s/p3-r2.raw8.bin", stage);
  CHECK(mb_test_write_text(path, "half") == 0);
  snprintf(path, sizeof(path), "%s/.p3-r1.raw8.bin.tmp", stage);
  CHECK(mb_test_write_text(path, "half") == 0);
  CHECK_EQ_INT(run_export(1, FIXTURE, out, &err), MB_OK);
  CHECK_EQ_INT(entries(out), N_FILES);
  /* a staging folder holding something export does not write: refused */
  CHECK(mkdir(stage, 0700) == 0);
  snprintf(path, sizeof(path), "%s/notes.txt", stage);
  CHECK(mb_test_write_text(path, "mine") == 0);
  CHECK_EQ_INT(run_export(1, FIXTURE, out, &err), MB_EEXISTS);
  CHECK(access(path, F_OK) == 0);
  CHECK(unlink(path) == 0 && rmdir(stage) == 0);
}

/* A full disk while the files are made: DIR as it was; with room, the
 * same command completes. */
static void test_full_disk(void)
{
  struct mb_error err;
  char mnt[600], cmd[1400], out[700];

  snprintf(mnt, sizeof(mnt), "%s/small", tmp);
  CHECK(mkdir(mnt, 0700) == 0);
  snprintf(cmd, sizeof(cmd), "mount -t tmpfs -o size=16k tmpfs '%s'", mnt);
  if (geteuid() != 0 || system(cmd) != 0) {
    fprintf(stderr, "note: cannot mount a 16 KiB tmpfs (needs root): the full-disk "
                    "case is skipped\n");
    return;
  }
  snprintf(out, sizeof(out), "%s/out", mnt);
  CHECK_EQ_INT(run_export(0, FIXTURE, out, &err), MB_ENOSPACE);
  CHECK_EQ_INT(entries(out), 0);
  snprintf(cmd, sizeof(cmd), "mount -o remount,size=1m '%s'", mnt);
  CHECK_EQ_INT(system(cmd), 0);
  CHECK_EQ_INT(run_export(0, FIXTURE, out, &err), MB_OK);
  CHECK_EQ_INT(entries(out), N_FILES);
  snprintf(cmd, sizeof(cmd), "umount '%s'", mnt);
  CHECK_EQ_INT(system(cmd), 0);
}

int main(void)
{
  if (!mkdtemp(tmp))
    MB_SKIP("cannot make a temporary directory: %s", strerror(errno));
  test_conflict();
  test_sources();
  test_run_json();
  test_leftovers();
  test_full_disk();
  mb_test_rmtree(tmp);
  return CHECK_DONE();
}
