/* test_input_rule.c: the one reader of named inputs (mb_fs_read_input) on
 * private nodes in a temporary folder: a FIFO nobody writes, a character
 * device made with mknod (1,5, a zero device of our own; skipped when not
 * root), standard input from a pipe longer than the limit; then `mebench
 * assess` and `restart --matrix` on such paths. Never the real /dev/zero or
 * /dev/null. An alarm ends a hang as a failure. */
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

static char dir[] = MB_BINARY_DIR "/tests/unit/input_rule-XXXXXX";

static const char *at(const char *name)
{
  static char buf[4][600];
  static int k;

  k = (k + 1) % 4;
  snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
  return buf[k];
}

/* mb_fs_read_input("-") with standard input a pipe that a child fills with
 * n bytes (then closes); max the limit. Returns the status, the text in
 * err. */
static int read_pipe(size_t n, unsigned long long max, size_t *got,
                     struct mb_error *err)
{
  unsigned char *buf = NULL;
  int fds[2], saved, rc, st;
  pid_t pid;

  if (pipe(fds) != 0)
    return -1;
  pid = fork();
  if (pid == 0) {
    static unsigned char block[4096];
    size_t done = 0;

    close(fds[0]);
    signal(SIGPIPE, SIG_DFL);
    while (done < n) {
      size_t k = n - done < sizeof(block) ? n - done : sizeof(block);
      ssize_t w = write(fds[1], block, k);

      if (w <= 0)
        _exit(0); /* the reader stopped reading: expected past the limit */
      done += (size_t)w;
    }
    _exit(0);
  }
  close(fds[1]);
  fflush(stdin);
  saved = dup(0);
  dup2(fds[0], 0);
  close(fds[0]);
  clearerr(stdin);
  mb_error_init(err);
  rc = mb_fs_read_input("-", MB_FS_STDIN, max, "a test stream", &buf, got, err);
  dup2(saved, 0);
  close(saved);
  clearerr(stdin);
  kill(pid, SIGTERM);
  waitpid(pid, &st, 0);
  free(buf);
  return rc;
}

static void reader_cases(void)
{
  struct mb_error err;
  unsigned char *buf = NULL;
  size_t len = 0;
  int have_dev;

  /* A FIFO without a writer: refused at once, never waited on. */
  CHECK(mkfifo(at("fifo"), 0600) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_read_input(at("fifo"), MB_FS_STDIN, MB_FS_READ_MAX,
                                "a sample file", &buf, &len, &err),
               MB_EINVALID);
  CHECK(buf == NULL);
  CHECK_EQ_STR(err.source, at("fifo"));
  CHECK(strstr(err.text, "is a FIFO; expected a sample file") != NULL);

  /* A directory, a missing file: invalid input naming what was expected. */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_read_input(dir, 0, 100, "a sample file", &buf, &len, &err),
               MB_EINVALID);
  CHECK(strstr(err.text, "expected a sample file") != NULL);
  mb_error_init(&err);
  CHECK_EQ_INT(
      mb_fs_read_input(at("missing"), 0, 100, "a sample file", &buf, &len, &err),
      MB_EINVALID);
  CHECK(strstr(err.text, "cannot open") != NULL);
  /* Without MB_FS_STDIN, "-" is a file of that name (here: none). */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_read_input("-", 0, 100, "a sample file", &buf, &len, &err),
               MB_EINVALID);
  CHECK_EQ_STR(err.source, "-");

  /* A regular file: up to the limit read, one byte more refused. */
  CHECK(mb_test_write(at("ten"), "0123456789", 10) == 0);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_read_input(at("ten"), 0, 10, "ten bytes", &buf, &len, &err),
               MB_OK);
  CHECK_EQ_INT(len, 10);
  CHECK(buf && memcmp(buf, "0123456789", 10) == 0);
  free(buf);
  buf = NULL;
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_read_input(at("ten"), 0, 9, "nine bytes", &buf, &len, &err),
               MB_EINVALID);
  CHECK(buf == NULL);
  CHECK(strstr(err.text, "more than 9 bytes; expected nine bytes") != NULL);

  /* Standard input: a pipe under the limit is read whole; one longer than
   * the limit stops there with the limit in the message. */
  CHECK_EQ_INT(read_pipe(1000, 1000, &len, &err), MB_OK);
  CHECK_EQ_INT(len, 1000);
  CHECK_EQ_INT(read_pipe(1u << 20, 5000, &len, &err), MB_EINVALID);
  CHECK_EQ_STR(err.source, "<stdin>");
  CHECK(strstr(err.text, "more than 5000 bytes") != NULL);

  /* A private zero device: refused as a device, not read. */
  have_dev = mknod(at("zero"), S_IFCHR | 0666, makedev(1, 5)) == 0;
  if (!have_dev) {
    fprintf(stderr, "note: mknod: %s: the device cases are skipped\n", strerror(errno));
    return;
  }
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_read_input(at("zero"), MB_FS_STDIN, MB_FS_READ_MAX,
                                "a sample file", &buf, &len, &err),
               MB_EINVALID);
  CHECK(strstr(err.text, "is a character device; expected a sample file") != NULL);
  /* mb_fs_read_file, the reader of results, the same. */
  mb_error_init(&err);
  CHECK_EQ_INT(mb_fs_read_file(at("zero"), 1, &buf, &len, &err), MB_EINVALID);
  CHECK(strstr(err.text, "character device") != NULL);
}

/* The commands that read a named input, on the same nodes: exit 3 at once. */
static void command_cases(void)
{
  {
    const char *w[] = {"mebench", "assess", at("fifo")};

    CHECK_EQ_INT(mb_test_cli(w, 3), 3);
  }
  {
    const char *w[] = {"mebench", "assess", "--iid", at("fifo")};

    CHECK_EQ_INT(mb_test_cli(w, 4), 3);
  }
  {
    const char *w[] = {"mebench",  "restart",     "--matrix",
                       at("fifo"), "--h-initial", "2"};

    CHECK_EQ_INT(mb_test_cli(w, 6), 3);
  }
  {
    /* A matrix one byte too long: refused having read no more than that. */
    static unsigned char m[1000001];
    const char *w[] = {"mebench", "restart", "--matrix", at("big"), "--h-initial", "2"};

    CHECK(mb_test_write(at("big"), m, sizeof(m)) == 0);
    CHECK_EQ_INT(mb_test_cli(w, 6), 3);
  }
  if (access(at("zero"), F_OK) == 0) {
    const char *a[] = {"mebench", "assess", at("zero")};
    const char *r[] = {"mebench",  "restart",     "--matrix",
                       at("zero"), "--h-initial", "2"};

    CHECK_EQ_INT(mb_test_cli(a, 3), 3);
    CHECK_EQ_INT(mb_test_cli(r, 6), 3);
  }
}

int main(void)
{
  if (!mkdtemp(dir)) {
    fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  alarm(50); /* a hang is a failure, not a stuck test */
  reader_cases();
  command_cases();
  mb_test_rmtree(dir);
  return CHECK_DONE();
}
