/* test_output_rule.c: the one rule for output paths (mb_fs_write_output) on
 * private nodes in a temporary folder: a character device made with mknod
 * (1,3, a null device of our own), FIFOs with and without a reader,
 * symbolic links, files of mebench's own kind and others; then `mebench
 * report -o`, `compare --gab` and `baseline` on such paths. Never the real
 * /dev/null or /dev/stdout. An alarm ends a hang as a failure. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "commands.h"
#include "fsutil.h"
#include "testutil.h"

static int is_own(const unsigned char *head, size_t n)
{
  return n >= 3 && memcmp(head, "OWN", 3) == 0;
}

static const struct mb_fs_kind own = {"a test file", is_own};

static char dir[] = "/tmp/mb_output_rule_XXXXXX";

static const char *at(const char *name)
{
  static char buf[4][600];
  static int k;

  k = (k + 1) % 4;
  snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
  return buf[k];
}

static mode_t kind(const char *path)
{
  struct stat st;

  return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0;
}

/* A child that reads `expect` bytes from the FIFO into path.out; returns
 * its pid. It keeps the FIFO open until it has them all: the parent's
 * probe (wait_reader) opens and closes a write end first, and a read after
 * that close returns end-of-file, which must not end the child before the
 * real writer comes (under load it often would: then the writer finds no
 * reader). */
static pid_t reader(const char *fifo, const char *outpath, size_t expect)
{
  pid_t pid = fork();

  if (pid == 0) {
    char buf[4096];
    int in = open(fifo, O_RDONLY),
        out = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    size_t got = 0;

    alarm(20);
    if (in < 0 || out < 0)
      _exit(1);
    while (got < expect) {
      ssize_t n = read(in, buf, sizeof(buf));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        _exit(1);
      if (n == 0) { /* no writer just now: the probe left, the writer is to come */
        usleep(1000);
        continue;
      }
      if (write(out, buf, (size_t)n) != n)
        _exit(1);
      got += (size_t)n;
    }
    _exit(0);
  }
  return pid;
}

/* Wait (at most about 10 s) until some process has fifo open for reading:
 * a write end opened O_NONBLOCK succeeds only then. */
static int wait_reader(const char *fifo)
{
  int i;

  for (i = 0; i < 1000; i++) {
    int fd = open(fifo, O_WRONLY | O_NONBLOCK);

    if (fd >= 0) {
      close(fd);
      return 0;
    }
    usleep(10000);
  }
  return -1;
}

static void rule_cases(void)
{
  struct mb_error err;
  char *text;
  int have_dev;

  /* new path: created */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("new"), "OWN 1", 5, &own, 0, NULL, &err), MB_OK);
  CHECK_EQ_INT(kind(at("new")), S_IFREG);
  /* its own kind: replaced */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("new"), "OWN 2", 5, &own, 0, NULL, &err), MB_OK);
  text = mb_test_slurp(at("new"), NULL);
  CHECK(text && strcmp(text, "OWN 2") == 0);
  free(text);
  /* ... unless MB_FS_KEEP */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("new"), "OWN 3", 5, &own, MB_FS_KEEP, NULL, &err),
               MB_EEXISTS);
  /* another kind: left alone */
  CHECK(mb_test_write_text(at("other"), "precious\n") == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("other"), "OWN", 3, &own, 0, NULL, &err),
               MB_EEXISTS);
  CHECK(strstr(err.text, "is not a test file") != NULL);
  text = mb_test_slurp(at("other"), NULL);
  CHECK(text && strcmp(text, "precious\n") == 0);
  free(text);
  /* an empty file holds nothing to lose */
  CHECK(mb_test_write_text(at("empty"), "") == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("empty"), "OWN", 3, &own, 0, NULL, &err), MB_OK);
  /* a directory: wrong kind of path */
  CHECK(mkdir(at("adir"), 0755) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("adir"), "OWN", 3, &own, 0, NULL, &err),
               MB_EINVALID);
  /* a symlink to our own file: written through, the link stays a link */
  CHECK(symlink("new", at("link-own")) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("link-own"), "OWN 4", 5, &own, 0, NULL, &err),
               MB_OK);
  CHECK_EQ_INT(kind(at("link-own")), S_IFLNK);
  text = mb_test_slurp(at("new"), NULL);
  CHECK(text && strcmp(text, "OWN 4") == 0);
  free(text);
  /* a symlink to another kind: neither replaced nor written */
  CHECK(symlink("other", at("link-other")) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("link-other"), "OWN", 3, &own, 0, NULL, &err),
               MB_EEXISTS);
  CHECK_EQ_INT(kind(at("link-other")), S_IFLNK);
  /* a dangling link: its target is created, the link stays */
  CHECK(symlink("target", at("dangling")) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("dangling"), "OWN 5", 5, &own, 0, NULL, &err),
               MB_OK);
  CHECK_EQ_INT(kind(at("dangling")), S_IFLNK);
  CHECK_EQ_INT(kind(at("target")), S_IFREG);
  text = mb_test_slurp(at("target"), NULL);
  CHECK(text && strcmp(text, "OWN 5") == 0);
  free(text);
  /* a chain of relative links, one in a subfolder: each resolved against
   * its own folder, and the file made where the last one points */
  CHECK(mkdir(at("sub"), 0755) == 0);
  CHECK(symlink("../hop", at("sub/first")) == 0);
  CHECK(symlink("sub/end", at("hop")) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("sub/first"), "OWN 6", 5, &own, 0, NULL, &err),
               MB_OK);
  CHECK_EQ_INT(kind(at("sub/first")), S_IFLNK);
  CHECK_EQ_INT(kind(at("hop")), S_IFLNK);
  text = mb_test_slurp(at("sub/end"), NULL);
  CHECK(text && strcmp(text, "OWN 6") == 0);
  free(text);
  /* a symlink loop: invalid input, exit 3 */
  CHECK(symlink("loop", at("loop")) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("loop"), "OWN", 3, &own, 0, NULL, &err),
               MB_EINVALID);

  /* a private null device: written in place, still a device */
  have_dev = mknod(at("null"), S_IFCHR | 0666, makedev(1, 3)) == 0;
  if (!have_dev) {
    fprintf(stderr, "note: mknod: %s: the device cases are skipped\n", strerror(errno));
  } else {
    mb_error_init(&err);
    CHECK_EQ_INT(mb_fs_write_output(at("null"), "OWN", 3, &own, 0, NULL, &err), MB_OK);
    CHECK_EQ_INT(kind(at("null")), S_IFCHR);
    CHECK(symlink("null", at("link-null")) == 0);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_fs_write_output(at("link-null"), "OWN", 3, NULL, 0, NULL, &err),
                 MB_OK);
    CHECK_EQ_INT(kind(at("null")), S_IFCHR);
    CHECK_EQ_INT(kind(at("link-null")), S_IFLNK);
  }

  /* a FIFO nobody reads: an error at once, not a hang; still a FIFO */
  CHECK(mkfifo(at("fifo"), 0644) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("fifo"), "OWN", 3, &own, 0, NULL, &err),
               MB_ESYSTEM);
  CHECK(strstr(err.text, "no process reads it") != NULL);
  CHECK_EQ_INT(kind(at("fifo")), S_IFIFO);
  /* ... and through a link */
  CHECK(symlink("fifo", at("link-fifo")) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_write_output(at("link-fifo"), "OWN", 3, &own, 0, NULL, &err),
               MB_ESYSTEM);
  /* a FIFO with a reader: the data arrives, the FIFO stays */
  {
    pid_t pid = reader(at("fifo"), at("fifo.out"), 8);
    int st = -1;

    CHECK(pid > 0 && wait_reader(at("fifo")) == 0);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_fs_write_output(at("fifo"), "OWN fifo", 8, &own, 0, NULL, &err),
                 MB_OK);
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
          WEXITSTATUS(st) == 0);
    text = mb_test_slurp(at("fifo.out"), NULL);
    CHECK(text && strcmp(text, "OWN fifo") == 0);
    free(text);
    CHECK_EQ_INT(kind(at("fifo")), S_IFIFO);
  }
  /* reading never blocks: a FIFO where a file belongs is refused */
  mb_error_init(&err);
  {
    unsigned char *buf;
    size_t len;

    CHECK_EQ_INT(mb_fs_read_file(at("fifo"), 1, &buf, &len, &err), MB_EINVALID);
    CHECK(strstr(err.text, "FIFO") != NULL);
  }
}

/* The commands that write output, on the same kinds of paths. */
static void command_cases(void)
{
  const char *run = MB_SOURCE_DIR "/tests/data/report/run";
  char out[600];
  int have_dev = kind(at("null")) == S_IFCHR;

  if (have_dev) {
    const char *w[] = {"mebench", "report", "-o", at("null"), run};

    CHECK_EQ_INT(mb_test_cli(w, 5), 0);
    CHECK_EQ_INT(kind(at("null")), S_IFCHR);
  }
  {
    const char *w[] = {"mebench", "report", "-o", at("fifo"), run};

    CHECK_EQ_INT(mb_test_cli(w, 5), 1); /* no reader: fails at once */
    CHECK_EQ_INT(kind(at("fifo")), S_IFIFO);
  }
  { /* a link to an older report: written through */
    const char *w[] = {"mebench", "report", "-o", at("report.md"), run};
    const char *l[] = {"mebench", "report", "-o", at("link-report"), run};
    char *text;

    CHECK_EQ_INT(mb_test_cli(w, 5), 0);
    CHECK(symlink("report.md", at("link-report")) == 0);
    CHECK(mb_test_write_text(at("report.md"), "# mebench report (old)\n") == 0);
    CHECK_EQ_INT(mb_test_cli(l, 5), 0);
    CHECK_EQ_INT(kind(at("link-report")), S_IFLNK);
    text = mb_test_slurp(at("report.md"), NULL);
    CHECK(text && strstr(text, "(old)") == NULL &&
          strncmp(text, "# mebench report", 16) == 0);
    free(text);
  }
  { /* report -o onto another kind of file */
    const char *w[] = {"mebench", "report", "-o", at("other"), run};

    CHECK_EQ_INT(mb_test_cli(w, 5), 1);
  }
  if (have_dev) {
    const char *w[] = {"mebench", "compare", run, run, "--gab", at("null")};

    CHECK_EQ_INT(mb_test_cli(w, 6), 0);
    CHECK_EQ_INT(kind(at("null")), S_IFCHR);
  }
  { /* baseline onto a FIFO nobody reads: refused at once */
    const char *w[] = {"mebench", "baseline", "--force", "--dir", dir, run, "pipe"};

    CHECK(mkfifo(at("pipe.json"), 0644) == 0);
    CHECK_EQ_INT(mb_test_cli(w, 7), 1);
    CHECK_EQ_INT(kind(at("pipe.json")), S_IFIFO);
  }
  { /* plotdata into a folder holding someone else's file of the same name */
    const char *w[] = {"mebench", "plotdata", run, out};

    snprintf(out, sizeof(out), "%s/plots", dir);
    CHECK(mkdir(out, 0755) == 0);
    CHECK(mb_test_write_text(at("plots/common.gp"), "precious\n") == 0);
    CHECK_EQ_INT(mb_test_cli(w, 4), 1);
    CHECK(unlink(at("plots/common.gp")) == 0);
    CHECK_EQ_INT(mb_test_cli(w, 4), 0);
    CHECK_EQ_INT(mb_test_cli(w, 4), 0); /* its own files are replaced */
  }
}

/* A directory-to-be (export DIR, plotdata OUTDIR, merge --output, and
 * mb_fs_mkdirs under them all) named by a regular file, a FIFO, a dangling
 * link or a path beneath a file is invalid input (exit 3), and the node is
 * left as it was. */
static void directory_cases(void)
{
  const char *run = MB_SOURCE_DIR "/tests/data/report/run";
  const char *names[] = {"dfile", "dfifo", "dlink", "dfile/sub"};
  struct mb_error err;
  size_t i;

  CHECK(mb_test_write_text(at("dfile"), "precious\n") == 0);
  CHECK(mkfifo(at("dfifo"), 0644) == 0);
  CHECK(symlink("nowhere", at("dlink")) == 0);
  for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    const char *e[] = {"mebench", "export", run, at(names[i])};
    const char *p[] = {"mebench", "plotdata", run, at(names[i])};
    const char *m[] = {"mebench", "merge", "--quiet", "--output", at(names[i]), run};

    mb_error_init(&err);
    CHECK_EQ_INT(mb_fs_mkdirs(at(names[i]), 0755, "the test directory", &err),
                 MB_EINVALID);
    CHECK(strstr(err.text, "the test directory was expected") != NULL);
    CHECK(strstr(err.source, "dfile") || strstr(err.source, "dfifo") ||
          strstr(err.source, "dlink"));
    CHECK_EQ_INT(mb_test_cli(e, 4), 3);
    CHECK_EQ_INT(mb_test_cli(p, 4), 3);
    if (i < 3) /* merge makes the parents of a deeper path too: same check */
      CHECK_EQ_INT(mb_test_cli(m, 6), 3);
  }
  CHECK_EQ_INT(kind(at("dfile")), S_IFREG);
  CHECK_EQ_INT(kind(at("dfifo")), S_IFIFO);
  CHECK_EQ_INT(kind(at("dlink")), S_IFLNK);
  { /* an existing directory is still fine for mkdirs, and a link to one */
    CHECK(mkdir(at("ddir"), 0755) == 0);
    CHECK(symlink("ddir", at("ddirlink")) == 0);
    mb_error_init(&err);
    CHECK_EQ_INT(mb_fs_mkdirs(at("ddirlink/new"), 0755, "x", &err), MB_OK);
    CHECK_EQ_INT(kind(at("ddir/new")), S_IFDIR);
  }
}

/* A command whose standard output cannot be written fails (exit 1, an
 * I/O error), though it succeeded otherwise: stdout on a private full
 * device (mknod 1,7), in a child. */
static int with_full_stdout(const char *const *words, int n, const char *errpath)
{
  pid_t pid;
  int st = -1;

  fflush(stdout);
  fflush(stderr);
  pid = fork();
  if (pid == 0) {
    int out = open(at("full"), O_WRONLY),
        e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (out < 0 || e < 0 || dup2(out, 1) < 0 || dup2(e, 2) < 0)
      _exit(99);
    _exit(mb_test_cli(words, n));
  }
  if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
    return -1;
  return WEXITSTATUS(st);
}

static void stdout_cases(void)
{
  static const unsigned char bytes[64] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
  const char *sources[] = {"mebench", "sources"};
  const char *assess[] = {"mebench", "assess", at("s.bin")};
  const char *assess_json[] = {"mebench", "assess", "--json", at("s.bin")};
  const char *version[] = {"mebench", "--version"};
  char *text;
  FILE *f;

  if (mknod(at("full"), S_IFCHR | 0666, makedev(1, 7)) != 0) {
    fprintf(stderr, "note: mknod: %s: the full-device cases are skipped\n",
            strerror(errno));
    return;
  }
  f = fopen(at("s.bin"), "wb");
  CHECK(f != NULL && fwrite(bytes, 1, sizeof(bytes), f) == sizeof(bytes));
  if (f)
    fclose(f);
  CHECK_EQ_INT(with_full_stdout(sources, 2, at("e1")), 1);
  text = mb_test_slurp(at("e1"), NULL);
  CHECK(text && strstr(text, "<stdout>: cannot write the output: No space left"));
  free(text);
  CHECK_EQ_INT(with_full_stdout(assess, 3, at("e2")), 1);
  CHECK_EQ_INT(with_full_stdout(assess_json, 4, at("e3")), 1);
  CHECK_EQ_INT(with_full_stdout(version, 2, at("e4")), 1);
  /* and on a writable one, the same commands succeed */
  CHECK_EQ_INT(mb_test_cli(version, 2), 0);
}

int main(void)
{
  if (!mkdtemp(dir)) {
    fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  alarm(50); /* a hang is a failure, not a stuck test */
  rule_cases();
  command_cases();
  directory_cases();
  stdout_cases();
  mb_test_rmtree(dir);
  return CHECK_DONE();
}
