/* test_cleanup.c: the Linux analog releases everything it makes. 1,000
 * collect calls in each mode leave open files, threads, memory mappings and
 * resident memory where they started; a collect that fails half-way (no
 * room for endpoints, a pipe that cannot be sized, receiver thread or
 * buffer refused) releases
 * everything and reports the failure instead of crashing. */
#include <dirent.h>
#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "collector.h"
#include "source.h"

/* Resident memory may wander a little without any leak: the allocator
 * trims and grows its heap top, glibc keeps freed thread stacks in a cache,
 * and the kernel accounts page tables lazily. A leak in a collect call
 * (an unmapped OOL buffer, a receive buffer) costs at least one page per
 * call: 4 MB over 1,000 calls. 512 KiB sits far above the noise and far
 * below any per-call leak; heap leaks smaller than a page are ASan's job
 * (scripts/test --sanitize runs this test with leak detection). */
#define RSS_TOLERANCE_KB 512

/* Under AddressSanitizer freed memory sits in a quarantine (it is not
 * reused, so RSS grows by design) and the sanitizer's allocator maps its
 * regions lazily; there its own leak checker stands in for the RSS and
 * mapping checks. ThreadSanitizer keeps metadata for every thread it has
 * seen. Open files and threads are checked either way. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define MB_ASAN 1
#endif
#endif
#ifndef MB_ASAN
#define MB_ASAN 0
#endif

struct usage {
  long fds, threads, maps, rss_kb;
};

static long count_dir(const char *path)
{
  DIR *d = opendir(path);
  struct dirent *e;
  long n = 0;

  if (!d)
    return -1;
  while ((e = readdir(d)) != NULL)
    n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

static long count_lines(const char *path)
{
  FILE *f = fopen(path, "r");
  long n = 0;
  int ch;

  if (!f)
    return -1;
  while ((ch = fgetc(f)) != EOF)
    n += ch == '\n';
  fclose(f);
  return n;
}

static long status_field(const char *key)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t len = strlen(key);

  if (!f)
    return -1;
  while (fgets(line, sizeof(line), f))
    if (strncmp(line, key, len) == 0 && line[len] == ':')
      v = strtol(line + len + 1, NULL, 10);
  fclose(f);
  return v;
}

static struct usage measure(void)
{
  struct usage u;

  u.fds = count_dir("/proc/self/fd");
  u.threads = status_field("Threads");
  u.maps = count_lines("/proc/self/maps");
  u.rss_kb = status_field("VmRSS");
  return u;
}

static void expect_same(const char *what, struct usage a, struct usage b)
{
  printf(
      "%-28s fds %ld -> %ld, threads %ld -> %ld, maps %ld -> %ld, RSS %ld -> %ld kB\n",
      what, a.fds, b.fds, a.threads, b.threads, a.maps, b.maps, a.rss_kb, b.rss_kb);
  CHECK_EQ_INT(b.fds, a.fds);
  CHECK_EQ_INT(b.threads, a.threads);
  if (!MB_ASAN) {
    CHECK_EQ_INT(b.maps, a.maps);
    CHECK(b.rss_kb - a.rss_kb <= RSS_TOLERANCE_KB);
  }
}

static size_t count_status(const struct mb_collection *c, int32_t st)
{
  size_t i, n = 0;

  for (i = 0; i < c->n_timings; i++)
    n += c->status[i] == st;
  return n;
}

/* Start from 0, 1, 2 only: whatever launched us may have leaked others,
 * with gaps that would let more endpoints fit than limit_files() means. */
static void close_inherited(void)
{
  int fds[256];
  size_t n = 0, i;
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;

  while (d && (e = readdir(d)) != NULL && n < 256) {
    int fd = (int)strtol(e->d_name, NULL, 10);

    if (e->d_name[0] != '.' && fd > 2 && fd != dirfd(d))
      fds[n++] = fd;
  }
  if (d)
    closedir(d);
  for (i = 0; i < n; i++)
    close(fds[i]);
}

static long highest_fd(void)
{
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  long top = -1, self = d ? dirfd(d) : -1;

  while (d && (e = readdir(d)) != NULL) {
    long fd = strtol(e->d_name, NULL, 10);

    if (e->d_name[0] != '.' && fd != self && fd > top)
      top = fd;
  }
  if (d)
    closedir(d);
  return top;
}

/* Lower the soft limit on open files so that only `spare` more fit. */
static void limit_files(long spare, struct rlimit *saved)
{
  struct rlimit lim;

  getrlimit(RLIMIT_NOFILE, saved);
  lim = *saved;
  /* The kernel hands out the lowest free number and refuses numbers at or
   * above the limit; this process holds 0..next-1 and nothing above. */
  lim.rlim_cur = (rlim_t)(highest_fd() + 1 + spare);
  CHECK_EQ_INT(setrlimit(RLIMIT_NOFILE, &lim), 0);
}

int main(void)
{
  struct mb_collector *col = NULL;
  struct mb_collection c;
  struct mb_error err;
  struct mb_config cfg = {MB_NUM_PORTS_DEFAULT, MB_OOL_SIZE_DEFAULT, MB_MODE_COMPLEX,
                          MB_VARIANT_SDK, MB_PLACEMENT_FREE};
  struct usage before, after;
  struct rlimit saved;
  int mode, i;

  mb_error_init(&err);
  if (mb_source_probe("linux_ipc", &err) != MB_OK)
    MB_SKIP("linux_ipc not available: %s", err.text);
  if (count_dir("/proc/self/fd") < 0 || status_field("Threads") < 0)
    MB_SKIP("no /proc to count files and threads");
  close_inherited();
  CHECK_EQ_INT(mb_collector_open("linux_ipc", NULL, &col, &err), MB_OK);
  mb_collection_init(&c);

  for (mode = 0; mode < 2; mode++) {
    cfg.mode = mode ? MB_MODE_SIMPLE : MB_MODE_COMPLEX;
    /* Warm up: the collection's buffers, glibc's stack cache, stdio. */
    for (i = 0; i < 20; i++)
      mb_collector_collect(col, &cfg, 16, &c, &err);
    before = measure();
    for (i = 0; i < 1000; i++) {
      if (mb_collector_collect(col, &cfg, 16, &c, &err) != MB_OK) {
        CHECK_EQ_STR(err.text, "");
        break;
      }
    }
    after = measure();
    CHECK_EQ_INT(c.n_timings, 128);
    CHECK_EQ_INT(c.pool_size, 8);
    CHECK_EQ_INT(c.pool_status, MB_OP_OK);
    expect_same(cfg.mode == MB_MODE_COMPLEX ? "1000 x complex" : "1000 x simple",
                before, after);
  }

  /* Room for only two pool endpoints: the seed's semantics keep the two
   * (pool_size says so) and the call succeeds. Simple mode's per-operation
   * endpoint then cannot be made either: every status is EMFILE. */
  cfg.mode = MB_MODE_COMPLEX;
  before = measure();
  limit_files(5, &saved);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 16, &c, &err), MB_OK);
  CHECK_EQ_INT(c.pool_size, 2);
  CHECK_EQ_INT(c.pool_status, EMFILE); /* why the other six are missing */
  CHECK_EQ_INT(count_status(&c, MB_OP_OK) + count_status(&c, MB_OP_WAITED) +
                   count_status(&c, MB_OP_TIMED_OUT),
               128);
  cfg.mode = MB_MODE_SIMPLE;
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 16, &c, &err), MB_OK);
  CHECK_EQ_INT(c.pool_size, 2);
  CHECK_EQ_INT(count_status(&c, EMFILE), 128);
  /* No room at all: the seed's fallback (no pool, allocate + free only),
   * in both modes; every operation reports EMFILE. */
  setrlimit(RLIMIT_NOFILE, &saved);
  limit_files(0, &saved);
  for (mode = 0; mode < 2; mode++) {
    cfg.mode = mode ? MB_MODE_SIMPLE : MB_MODE_COMPLEX;
    CHECK_EQ_INT(mb_collector_collect(col, &cfg, 16, &c, &err), MB_OK);
    CHECK_EQ_INT(c.pool_size, 0);
    CHECK_EQ_INT(c.pool_status, EMFILE);
    CHECK_EQ_INT(c.n_timings, 128);
    CHECK_EQ_INT(count_status(&c, EMFILE), 128);
  }
  setrlimit(RLIMIT_NOFILE, &saved);
  after = measure();
  expect_same("pool endpoints refused", before, after);

  /* A pipe that cannot be sized to a port's queue is closed and left out,
   * like a port that cannot be made. */
  cfg.mode = MB_MODE_COMPLEX;
  before = measure();
  mb_linux_ipc_inject_fault(MB_FAULT_PIPE_SIZE, EPERM);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 16, &c, &err), MB_OK);
  CHECK_EQ_INT(c.pool_size, 7);
  CHECK_EQ_INT(c.pool_status, EPERM);
  after = measure();
  expect_same("pool pipe not sized", before, after);

  /* The receiver thread cannot start: MB_ECOLLECT naming the step, with
   * the pool released; the next call works again. */
  cfg.mode = MB_MODE_COMPLEX;
  before = measure();
  mb_linux_ipc_inject_fault(MB_FAULT_THREAD, EAGAIN);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 16, &c, &err), MB_ECOLLECT);
  CHECK(strstr(err.text, "cannot start the receiver thread") != NULL);
  CHECK(strstr(err.text, strerror(EAGAIN)) != NULL);
  CHECK_EQ_INT(c.n_timings, 0);
  after = measure();
  expect_same("receiver thread refused", before, after);
  /* The OOL buffer cannot be mapped: MB_ENOMEM. */
  mb_linux_ipc_inject_fault(MB_FAULT_BUFFER, ENOMEM);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 16, &c, &err), MB_ENOMEM);
  CHECK(strstr(err.text, "OOL buffer") != NULL);
  after = measure();
  expect_same("OOL buffer refused", before, after);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 16, &c, &err), MB_OK);
  CHECK_EQ_INT(c.n_timings, 128);

  mb_collection_cleanup(&c);
  mb_collector_free(col);
  return CHECK_DONE();
}
