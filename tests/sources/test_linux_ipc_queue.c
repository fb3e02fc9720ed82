/* test_linux_ipc_queue.c: every linux_ipc endpoint queues as many messages
 * as a Mach port does, whatever the pool size, the message size and the
 * kernel's per-user pipe accounting; a send that had to wait for room says
 * so in its status. */
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "collector.h"
#include "source.h"

#define TIMEOUT_NS 10000000u

static size_t count_status(const struct mb_collection *c, int32_t st)
{
  size_t i, n = 0;

  for (i = 0; i < c->n_timings; i++)
    n += c->status[i] == st;
  return n;
}

/* With a receiver that never reads, the first `fits` sends of a pool of
 * `ports` pipes fill every pipe to the same depth without waiting, and
 * the next send to each pipe waits its 10 ms and times out. samples is
 * chosen so that exactly four sends are left over: the property is the
 * same for each endpoint, so four are enough, and the test stays quick. */
static void fill(struct mb_collector *col, uint32_t ports, uint32_t ool,
                 size_t per_pipe)
{
  struct mb_config cfg;
  struct mb_collection c;
  struct mb_error err;
  size_t fits = ports * per_pipe, samples = (fits + 4 - 64) / 4, i;
  size_t bad_ok = 0, bad_late = 0;
  int failed = mb_check_failed;

  cfg.num_ports = ports;
  cfg.ool_size = ool;
  cfg.mode = MB_MODE_COMPLEX;
  cfg.placement = MB_PLACEMENT_FREE;
  cfg.variant = MB_VARIANT_SDK;
  mb_collection_init(&c);
  mb_error_init(&err);
  mb_linux_ipc_inject_fault(MB_FAULT_STALL, 0);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, samples, &c, &err), MB_OK);
  CHECK_EQ_INT(c.pool_size, ports);
  CHECK_EQ_INT(c.pool_status, MB_OP_OK);
  CHECK_EQ_INT(c.n_timings, fits + 4);
  for (i = 0; i < c.n_timings && i < fits; i++)
    bad_ok += c.status[i] != MB_OP_OK;
  for (; i < c.n_timings; i++)
    bad_late += c.status[i] != MB_OP_TIMED_OUT || c.timings[i] < TIMEOUT_NS;
  CHECK_EQ_INT(bad_ok, 0);
  CHECK_EQ_INT(bad_late, 0);
  if (mb_check_failed > failed)
    fprintf(stderr, "  (%u ports, %u-byte messages, %zu per pipe expected)\n", ports,
            ool, per_pipe);
  mb_collection_cleanup(&c);
}

static long read_sysctl(const char *path)
{
  FILE *f = fopen(path, "r");
  long v = -1;

  if (f) {
    if (fscanf(f, "%ld", &v) != 1)
      v = -1;
    fclose(f);
  }
  return v;
}

static void collect_64(struct mb_collector *col, struct mb_collection *c)
{
  struct mb_config cfg = {64, 4096, MB_MODE_COMPLEX, MB_VARIANT_SDK, MB_PLACEMENT_FREE};
  struct mb_error err;

  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_collect(col, &cfg, 0, c, &err), MB_OK);
  CHECK_EQ_INT(c->n_timings, 64);
}

/* The child of accounting(): an unprivileged user near and over
 * fs.pipe-user-pages-soft. The kernel gives such a user's new pipes 2
 * pages instead of 16 and refuses to grow them (EPERM); a pool endpoint
 * that cannot get a port's queue is left out, as the seed leaves out a port
 * it cannot make, and pool_status says why. */
static int accounting_child(long soft, uid_t uid)
{
  struct mb_collector *col = NULL;
  struct mb_collection c;
  struct mb_error err;
  struct rlimit rl;
  size_t held = (size_t)(soft - 64) / 16, i, n = 0;
  int *fds = malloc((held + 8) * 2 * sizeof(int));
  size_t expect;

  rl.rlim_cur = rl.rlim_max = (rlim_t)(held * 2 + 512);
  if (!fds || setrlimit(RLIMIT_NOFILE, &rl) != 0 || setuid(uid) != 0) {
    perror("accounting child set-up");
    return 1;
  }
  mb_collection_init(&c);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_open("linux_ipc", NULL, &col, &err), MB_OK);
  if (!col)
    return 1;
  /* Hold pipes of 16 pages each until 64 pages short of the soft limit. */
  for (n = 0; n < held; n++) {
    if (pipe2(fds + 2 * n, O_CLOEXEC) != 0) {
      perror("holding pipes");
      return 1;
    }
  }
  CHECK_EQ_INT(fcntl(fds[2 * held - 1], F_GETPIPE_SZ), 65536);
  /* A 4096-byte message queue takes 8 pages: 8 endpoints fit in 64. */
  expect = (size_t)(soft - (long)held * 16) / 8;
  collect_64(col, &c);
  CHECK_EQ_INT(c.pool_size, expect < 64 ? expect : 64);
  CHECK_EQ_INT(c.pool_status, expect < 64 ? EPERM : MB_OP_OK);
  /* Over the limit: a new pipe gets 2 pages, and no endpoint can be made;
   * the seed's fallback runs instead, and says why. */
  for (i = 0; i < 5; i++, n++)
    CHECK_EQ_INT(pipe2(fds + 2 * n, O_CLOEXEC), 0);
  CHECK_EQ_INT(fcntl(fds[2 * n - 1], F_GETPIPE_SZ), 2 * 4096);
  collect_64(col, &c);
  CHECK_EQ_INT(c.pool_size, 0);
  CHECK_EQ_INT(c.pool_status, EPERM);
  CHECK_EQ_INT(count_status(&c, MB_OP_OK), 64);
  /* Back under the limit: the whole pool again. */
  for (i = 0; i < 2 * n; i++)
    close(fds[i]);
  collect_64(col, &c);
  CHECK_EQ_INT(c.pool_size, 64);
  CHECK_EQ_INT(c.pool_status, MB_OP_OK);
  printf(
      "uid %ld, soft limit %ld pages: %zu endpoints fit beside %zu held pipes, 0 over "
      "the limit, 64 after\n",
      (long)uid, soft, expect, held);
  mb_collection_cleanup(&c);
  mb_collector_free(col);
  free(fds);
  printf("accounting child: %d passed, %d failed\n", mb_check_passed, mb_check_failed);
  fflush(NULL); /* the child leaves with _exit */
  return mb_check_failed ? 1 : 0;
}

static void accounting(void)
{
  long soft = read_sysctl("/proc/sys/fs/pipe-user-pages-soft");
  long hard = read_sysctl("/proc/sys/fs/pipe-user-pages-hard");
  long page = sysconf(_SC_PAGESIZE);
  int status = 0;
  pid_t pid;

  /* Only root can become an unprivileged user to see the kernel's rule;
   * the rule as tested assumes 4 KiB pages and a soft limit of sensible
   * size with no hard limit below it. */
  if (geteuid() != 0 || soft < 1024 || soft > 65536 || (hard > 0 && hard <= soft) ||
      page != 4096) {
    printf("per-user pipe accounting: not tested here (euid %ld, soft %ld, hard %ld, "
           "page %ld)\n",
           (long)geteuid(), soft, hard, page);
    return;
  }
  fflush(NULL);
  pid = fork();
  if (pid == 0) {
    /* A uid of its own, so that no other process's pipes count. */
    _exit(accounting_child(soft, (uid_t)(200000 + getpid() % 100000)));
  }
  CHECK(pid > 0);
  if (pid > 0) {
    CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ_INT(WEXITSTATUS(status), 0);
  }
}

int main(void)
{
  struct mb_collector *col = NULL;
  struct mb_error err;

  mb_error_init(&err);
  if (mb_source_probe("linux_ipc", &err) != MB_OK)
    MB_SKIP("linux_ipc not available: %s", err.text);
  CHECK_EQ_INT(mb_collector_open("linux_ipc", NULL, &col, &err), MB_OK);

  /* A Mach port queues 5 messages whatever their size and however many
   * ports there are. A pipe is sized for 5 and the kernel rounds the size
   * up to a power of two pages: 8 messages of 1, 2, 4 ... 16 pages, 5 of 3
   * pages. The same at every pool size, up to 64. */
  fill(col, 8, 4096, 8);
  fill(col, 32, 4096, 8);
  fill(col, 64, 4096, 8);
  fill(col, 64, 1, 8);
  fill(col, 64, 65536, 8);
  fill(col, 64, 3 * 4096, 5);

  /* A send that finds its pipe full and then gets in says so: the receiver
   * starts reading 5 ms after the pipe has filled, so the ninth send into
   * it must wait (or, on a machine too busy to run the receiver within
   * 10 ms, time out). */
  {
    struct mb_config cfg = {1, 4096, MB_MODE_COMPLEX, MB_VARIANT_SDK,
                            MB_PLACEMENT_FREE};
    struct mb_collection c;
    size_t i, other = 0;

    mb_collection_init(&c);
    mb_error_init(&err);
    mb_linux_ipc_inject_fault(MB_FAULT_LATE, 5);
    CHECK_EQ_INT(mb_collector_collect(col, &cfg, 0, &c, &err), MB_OK);
    for (i = 0; i < 8; i++)
      CHECK_EQ_INT(c.status[i], MB_OP_OK);
    CHECK(c.status[8] == MB_OP_WAITED || c.status[8] == MB_OP_TIMED_OUT);
    CHECK(c.timings[8] >= 1000000u);
    for (i = 0; i < c.n_timings; i++)
      other += c.status[i] != MB_OP_OK && c.status[i] != MB_OP_WAITED &&
               c.status[i] != MB_OP_TIMED_OUT;
    CHECK_EQ_INT(other, 0);
    printf("ninth send into a full pipe: status %d after %" PRIu64 " ns\n", c.status[8],
           c.timings[8]);
    mb_collection_cleanup(&c);
  }

  accounting();
  mb_collector_free(col);
  return CHECK_DONE();
}
