/* linux_ipc.c: the Linux analog of the seed's mach_ipc collector.
 *
 * A Mach port becomes a pipe (read end = receive right, write end = send
 * right), sized to queue as many messages as a port does. Complex mode:
 * each timed send is the analog of the call's variant (source.h,
 * sources/README.md): with the descriptor fixed it moves ool_size bytes by
 * page reference with vmsplice(2), without it it copies the 8 bytes that
 * travel inline in the seed's message with write(2) into a packet-mode
 * pipe; with the disposition fixed the send right stays, without it the
 * first successful send to an endpoint gives its write end away, so later
 * sends fail at once with EBADF; with the timeout fixed a send waits at
 * most 10 ms for room, without it as long as the receiver takes, bounded by
 * the watchdog (watchdog.h). A receiver thread drains every pipe without
 * blocking until the sender is done.
 * Simple mode: each timed interval makes and destroys a pipe and fstat()s
 * pool pipe i % pool (Mach port allocate, mod_refs and port type).
 * sources/README.md maps every step to the seed and says what differs.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "clock_linux.h"
#include "collector.h"
#include "watchdog.h"

#define SEND_TIMEOUT_NS 10000000u /* MACH_SEND_TIMEOUT, 10 ms (MB_FIX_TIMEOUT) */
#define PIPE_FLAGS (O_NONBLOCK | O_CLOEXEC)
/* Without the descriptor fix the seed's message carries no OOL memory, and
 * the last 8 bytes of its 48 travel inline (sources/FINDINGS.md). */
#define INLINE_BYTES 8u
/* A Mach port queues MACH_PORT_QLIMIT_DEFAULT messages whatever their size
 * or the pool's; a complex-mode pipe is sized to hold at least that many. */
#define QUEUE_LIMIT 5u
/* The timing thread samples its CPU (and the receiver's) after every
 * SAMPLE_EVERY timed operations, between two timings, never inside one. */
#define SAMPLE_EVERY 16u

/* What one thread saw of the CPUs it ran on, sampled with sched_getcpu(). */
struct cpu_seen {
  int last;           /* CPU of the previous sample, -1 before the first */
  uint64_t mask;      /* CPUs seen (those below 64) */
  int64_t changes;    /* samples on another CPU than the previous one */
  long migrations0;   /* se.nr_migrations at the start, -1 when unreadable */
  struct rusage ru0;  /* getrusage(RUSAGE_THREAD) at the start */
  int64_t distinct;   /* CPUs seen, counting those above 63 too */
  uint64_t high_seen; /* bit per CPU 64..127, for distinct */
};

/* The scheduler's own migration count for the calling thread, from
 * /proc/thread-self/sched (kernels with CONFIG_SCHED_DEBUG); -1 without. */
static long thread_migrations(void)
{
  char line[256];
  long v = -1;
  FILE *f = fopen("/proc/thread-self/sched", "r");

  if (!f)
    return -1;
  while (fgets(line, sizeof(line), f))
    if (strncmp(line, "se.nr_migrations", 16) == 0) {
      const char *colon = strchr(line, ':');

      if (colon)
        v = strtol(colon + 1, NULL, 10);
      break;
    }
  fclose(f);
  return v;
}

static void seen_start(struct cpu_seen *s)
{
  memset(s, 0, sizeof(*s));
  s->last = -1;
  s->migrations0 = thread_migrations();
  getrusage(RUSAGE_THREAD, &s->ru0);
}

static void seen_sample(struct cpu_seen *s, int cpu)
{
  if (cpu < 0)
    return;
  if (s->last >= 0 && cpu != s->last)
    s->changes++;
  s->last = cpu;
  if (cpu < 64) {
    if (!(s->mask & (UINT64_C(1) << cpu)))
      s->distinct++;
    s->mask |= UINT64_C(1) << cpu;
  } else if (cpu < 128) {
    if (!(s->high_seen & (UINT64_C(1) << (cpu - 64))))
      s->distinct++;
    s->high_seen |= UINT64_C(1) << (cpu - 64);
  }
}

/* Close the thread's account into out (call from the thread itself). */
static void seen_end(const struct cpu_seen *s, struct mb_thread_conditions *out)
{
  struct rusage ru;
  long m = s->migrations0 >= 0 ? thread_migrations() : -1;

  getrusage(RUSAGE_THREAD, &ru);
  out->known = 1;
  out->nvcsw = (int64_t)(ru.ru_nvcsw - s->ru0.ru_nvcsw);
  out->nivcsw = (int64_t)(ru.ru_nivcsw - s->ru0.ru_nivcsw);
  out->migrations = m >= 0 ? (int64_t)(m - s->migrations0) : s->changes;
  out->cpus = s->distinct;
  out->cpu_mask = s->mask;
  out->qos = NULL;
}

struct endpoint {
  int rfd; /* receive side */
  int wfd; /* send side; after a moved send right, a descriptor that is
              not a pipe's write end, so sends fail with EBADF */
};

struct receiver {
  const struct endpoint *pool;
  uint32_t n;
  size_t msg_size;    /* one message: ool_size bytes */
  unsigned char *buf; /* the seed's 1024 + 2 * ool_size receive buffer */
  int stall;          /* test-only: never read (MB_FAULT_STALL) */
  unsigned late_ms;   /* test-only: start reading this long after the first
                         pipe is full (MB_FAULT_LATE) */
  atomic_int stop;
  atomic_int cpu;                      /* the CPU of its latest pass, -1: none yet */
  struct mb_thread_conditions account; /* filled by the thread as it ends */
};

static enum mb_fault fault_next = MB_FAULT_NONE;
static int fault_errno;

void mb_linux_ipc_inject_fault(enum mb_fault fault, int errnum)
{
  fault_next = fault;
  fault_errno = errnum;
}

/* Consume the injected fault if it is `which`: returns its errno, else 0. */
static int take_fault(enum mb_fault which)
{
  if (fault_next != which)
    return 0;
  fault_next = MB_FAULT_NONE;
  return fault_errno;
}

static uint64_t clock_read(void)
{
  return mb_clock_linux_now();
}

static void describe_clock(void *state, struct mb_clock *clk)
{
  (void)state;
  clk->name = MB_CLOCK_LINUX_NAME;
  clk->tick_num = 1;
  clk->tick_den = 1;
}

static int probe(struct mb_error *err)
{
  struct timespec ts;
  int fds[2];
  void *page;
  struct iovec iov;
  long pagesize = sysconf(_SC_PAGESIZE);
  int rc = MB_OK;

  if (clock_gettime(CLOCK_MONOTONIC_RAW, &ts) != 0)
    return mb_error_set(err, MB_EUNAVAILABLE, NULL, 0, 0, NULL,
                        "linux_ipc: CLOCK_MONOTONIC_RAW cannot be read: %s",
                        strerror(errno));
  if (pipe2(fds, PIPE_FLAGS) != 0)
    return mb_error_set(err, MB_EUNAVAILABLE, NULL, 0, 0, NULL,
                        "linux_ipc: cannot make a pipe: %s", strerror(errno));
  page = mmap(NULL, (size_t)pagesize, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) {
    rc = mb_error_set(err, MB_EUNAVAILABLE, NULL, 0, 0, NULL,
                      "linux_ipc: cannot map a page: %s", strerror(errno));
  } else {
    memset(page, 0xBE, (size_t)pagesize);
    iov.iov_base = page;
    iov.iov_len = (size_t)pagesize;
    if (vmsplice(fds[1], &iov, 1, SPLICE_F_NONBLOCK) < 0)
      rc = mb_error_set(err, MB_EUNAVAILABLE, NULL, 0, 0, NULL,
                        "linux_ipc: vmsplice(2) does not work here: %s",
                        strerror(errno));
  }
  close(fds[0]);
  close(fds[1]);
  if (page != MAP_FAILED)
    munmap(page, (size_t)pagesize);
  return rc;
}

static int open_collector(const char *option, void **state, struct mb_error *err)
{
  (void)option;
  (void)err;
  *state = NULL;
  return MB_OK;
}

/* Bytes of pipe that hold QUEUE_LIMIT messages of ool_size bytes. vmsplice
 * puts each page of the page-aligned buffer in its own pipe slot, so a
 * message takes ceil(ool_size / page) slots; the kernel rounds the size up
 * to a power of two pages, so the pipe ends up holding 5 to 9 messages (8
 * when a message spans a power of two pages, as at every ool_size up to a
 * page and every power of two). */
static size_t queue_bytes(size_t ool_size)
{
  size_t pagesize = (size_t)sysconf(_SC_PAGESIZE);

  return QUEUE_LIMIT * ((ool_size + pagesize - 1) / pagesize) * pagesize;
}

/* Seed step 2: make up to n endpoints; one that cannot be made is left out,
 * as the seed leaves out a port whose allocate or insert_right fails.
 * With capacity > 0 every pipe is sized to it explicitly, and a pipe that
 * cannot be (EPERM for an unprivileged user who holds more pipe pages than
 * fs.pipe-user-pages-soft, or asks for more than fs.pipe-max-size) is left out
 * too: otherwise the kernel's per-user accounting would silently give the
 * later pipes of a large pool 2 pages instead of 16, and endpoints of one
 * pool would queue different numbers of messages. Returns how many were
 * made; *why gets the errno of the first that was not. */
static uint32_t make_pool(struct endpoint *pool, uint32_t n, size_t capacity,
                          int packets, int32_t *why)
{
  uint32_t made = 0, i;

  for (i = 0; i < n; i++) {
    int fds[2];
    int e;

    /* Packet mode (O_DIRECT): each inline message keeps its own slot, as
     * a Mach message does, instead of merging into one page. */
    if (pipe2(fds, PIPE_FLAGS | (packets ? O_DIRECT : 0)) != 0) {
      if (*why == MB_OP_OK)
        *why = (int32_t)errno;
      continue;
    }
    e = capacity > 0 ? take_fault(MB_FAULT_PIPE_SIZE) : 0;
    if (capacity > 0 && e == 0 && fcntl(fds[1], F_SETPIPE_SZ, (int)capacity) < 0)
      e = errno;
    if (e != 0) {
      close(fds[0]);
      close(fds[1]);
      if (*why == MB_OP_OK)
        *why = (int32_t)e;
      continue;
    }
    pool[made].rfd = fds[0];
    pool[made].wfd = fds[1];
    made++;
  }
  return made;
}

/* Seed step 7: release every right; the pipe drops its page references. */
static void free_pool(struct endpoint *pool, uint32_t n)
{
  uint32_t i;

  for (i = 0; i < n; i++) {
    close(pool[i].wfd);
    close(pool[i].rfd);
  }
}

/* One complex send, the timed operation (it runs between t0 and t1): the
 * whole message, by page reference (packed: vmsplice) or copied inline
 * (write into a packet-mode pipe). MB_OP_OK, or MB_OP_WAITED when the pipe
 * was full and it had to wait for the receiver first; MB_OP_TIMED_OUT after
 * 10 ms without room when `timeout` is set (without it the wait has no
 * limit of its own); MB_OP_ABORTED when the watchdog signals abort_fd; or
 * the errno that stopped it (EBADF once the send right is gone). */
static int32_t send_msg(int wfd, const struct iovec *msg, int packed, int timeout,
                        int abort_fd)
{
  struct iovec iov = *msg;
  uint64_t deadline = 0;

  for (;;) {
    ssize_t w = packed ? vmsplice(wfd, &iov, 1, SPLICE_F_NONBLOCK)
                       : write(wfd, iov.iov_base, iov.iov_len);

    if (w > 0) {
      if ((size_t)w == iov.iov_len)
        return deadline == 0 ? MB_OP_OK : MB_OP_WAITED;
      iov.iov_base = (char *)iov.iov_base + w;
      iov.iov_len -= (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && errno != EAGAIN)
      return (int32_t)errno;
    /* The pipe is full: wait for the receiver, as a Mach send waits for room
     * in the port's queue; with the timeout, for at most 10 ms in all. */
    {
      uint64_t now = mb_clock_linux_now();
      struct pollfd p[2];
      struct timespec left;

      if (deadline == 0)
        deadline = now + SEND_TIMEOUT_NS;
      if (timeout && now >= deadline)
        return MB_OP_TIMED_OUT;
      left.tv_sec = 0;
      left.tv_nsec = now < deadline ? (long)(deadline - now) : 0;
      p[0].fd = wfd;
      p[0].events = POLLOUT;
      p[1].fd = abort_fd;
      p[1].events = POLLIN;
      p[0].revents = p[1].revents = 0;
      if (ppoll(p, 2, timeout ? &left : NULL, NULL) < 0 && errno != EINTR)
        return (int32_t)errno;
      if (p[1].revents & POLLIN)
        return MB_OP_ABORTED;
    }
  }
}

/* Test-only (MB_FAULT_LATE): wait until the first pipe is full, then
 * late_ms more, so that the sender's next send into it must wait for room
 * however late the sender itself got going. */
static void start_late(const struct receiver *r)
{
  struct pollfd p;
  struct timespec ts;

  p.fd = r->pool[0].wfd;
  p.events = POLLOUT;
  for (;;) {
    p.revents = 0;
    if (poll(&p, 1, 0) == 0 || atomic_load_explicit(&r->stop, memory_order_relaxed))
      break;
    sched_yield();
  }
  ts.tv_sec = (time_t)(r->late_ms / 1000u);
  ts.tv_nsec = (long)(r->late_ms % 1000u) * 1000000L;
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* Seed step 3: drain every endpoint without blocking, one message's worth
 * per endpoint per pass, yield between passes, stop when told. read()
 * copies the bytes out, and the pipe drops its references to the sender's
 * pages: the analog of the receive mapping the OOL region in and the
 * receiver vm_deallocate'ing it. The seed's receiver also gives up after
 * 30 s; this one lives as long as the call (sources/README.md, "Calls
 * bounded in time"): the watchdog bounds a call instead. */
static void *receive_loop(void *arg)
{
  struct receiver *r = arg;
  struct cpu_seen seen;
  uint32_t i;

  seen_start(&seen);
  if (r->late_ms > 0)
    start_late(r);
  while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
    /* Where this pass runs, for the sender's same-CPU samples (a few ns
     * through the vDSO; the receiver is never timed). */
    int cpu = sched_getcpu();

    seen_sample(&seen, cpu);
    atomic_store_explicit(&r->cpu, cpu, memory_order_relaxed);
    for (i = 0; i < r->n && !r->stall; i++) {
      ssize_t got = read(r->pool[i].rfd, r->buf, r->msg_size);

      (void)got; /* EAGAIN (empty) is the common case; nothing to do */
    }
    sched_yield();
  }
  seen_end(&seen, &r->account);
  return NULL;
}

static int start_receiver(pthread_t *thread, struct receiver *r, int pin_cpu,
                          struct mb_error *err)
{
  sigset_t all, old;
  pthread_attr_t attr;
  int e = take_fault(MB_FAULT_THREAD);

  /* Signals (SIGINT from the runner's user) belong to the main thread. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  if (e == 0)
    e = pthread_attr_init(&attr);
  if (e == 0) {
    /* The placement's CPU for the receiver, set before it runs at all. */
    if (pin_cpu >= 0) {
      cpu_set_t set;

      CPU_ZERO(&set);
      CPU_SET((size_t)pin_cpu, &set);
      e = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
    }
    if (e == 0)
      e = pthread_create(thread, &attr, receive_loop, r);
    pthread_attr_destroy(&attr);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (e != 0)
    return mb_error_set(err, MB_ECOLLECT, NULL, 0, 0, NULL,
                        "linux_ipc: cannot start the receiver thread: %s", strerror(e));
  return MB_OK;
}

/* The watchdog's unblock (watchdog.h): a send waiting for room also polls
 * this event, and returns MB_OP_ABORTED when it fires. */
static void wake_sender(void *ctx)
{
  uint64_t one = 1;
  ssize_t w = write(*(const int *)ctx, &one, sizeof(one));

  (void)w; /* an eventfd counter far from overflow always takes it */
}

/* Seed step 4, the variant's analog: moved send rights, inline or OOL
 * bytes, with or without the timeout. */
static void send_all(struct endpoint *pool, uint32_t n, unsigned fixes,
                     const struct iovec *msg, int placeholder, int abort_fd,
                     struct mb_watchdog *wd, size_t raw_count, atomic_int *their_cpu,
                     struct mb_collection *out)
{
  struct cpu_seen seen;
  int64_t same = 0, paired = 0;
  size_t i;

  seen_start(&seen);
  for (i = 0; i < raw_count && mb_watchdog_ended(wd) == MB_ENDED_COMPLETE; i++) {
    struct endpoint *ep = &pool[i % n];
    uint64_t t0, t1;
    int32_t st;

    mb_watchdog_op_begin(wd);
    t0 = mb_clock_linux_now();
    st = send_msg(ep->wfd, msg, (fixes & MB_FIX_PACKED) != 0,
                  (fixes & MB_FIX_TIMEOUT) != 0, abort_fd);
    t1 = mb_clock_linux_now();
    mb_watchdog_op_end(wd);
    out->timings[i] = t1 - t0;
    out->status[i] = st;
    /* MOVE_SEND: the message took the endpoint's only send right. The
     * write end is replaced (dup2, so its number cannot be reused by
     * another descriptor) by one that is no pipe's write end: every later
     * send to it fails with EBADF without queueing, as a Mach send without
     * a right fails in its header copy-in. Outside the timed region; the
     * kernel's move happens inside the Mach send call. */
    if (!(fixes & MB_FIX_COPY_SEND) && (st == MB_OP_OK || st == MB_OP_WAITED) &&
        placeholder >= 0)
      dup2(placeholder, ep->wfd);
    /* Conditions, sampled between two timed operations. */
    if (i % SAMPLE_EVERY == 0) {
      int mine = sched_getcpu(),
          theirs = atomic_load_explicit(their_cpu, memory_order_relaxed);

      seen_sample(&seen, mine);
      if (mine >= 0 && theirs >= 0) {
        paired++;
        same += mine == theirs;
      }
    }
  }
  seen_end(&seen, &out->conditions.timing);
  out->conditions.same_cpu_share = paired > 0 ? (double)same / (double)paired : NAN;
  for (; i < raw_count; i++) {
    out->timings[i] = 0;
    out->status[i] = MB_OP_ABORTED;
  }
  out->n_timings = raw_count;
}

static int collect_complex(struct endpoint *pool, uint32_t n,
                           const struct mb_config *cfg, size_t raw_count,
                           int pin_receiver, struct mb_collection *out,
                           struct mb_error *err)
{
  unsigned fixes = mb_variant_fixes(cfg->variant);
  size_t ool_size = cfg->ool_size;
  size_t pagesize = (size_t)sysconf(_SC_PAGESIZE);
  size_t map_len = (ool_size + pagesize - 1) / pagesize * pagesize;
  struct receiver r;
  struct mb_watchdog wd;
  pthread_t thread;
  struct iovec msg;
  void *buf;
  int abort_fd = -1, placeholder = -1;
  int e, rc;

  /* The OOL buffer, page-aligned so vmsplice hands the kernel whole pages.
   * Without SPLICE_F_GIFT the pipes take references to these pages: they
   * stay valid while queued, and the buffer is never written again and is
   * unmapped only after the receiver is joined and every pipe closed. */
  e = take_fault(MB_FAULT_BUFFER);
  buf = e ? MAP_FAILED
          : mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                 0);
  if (buf == MAP_FAILED)
    return mb_error_errno(err, e ? e : errno, NULL,
                          "linux_ipc: cannot map the %zu-byte OOL buffer", ool_size);
  memset(buf, 0xBE, ool_size);

  memset(&r, 0, sizeof(r));
  r.pool = pool;
  r.n = n;
  r.msg_size = (fixes & MB_FIX_PACKED) ? ool_size : INLINE_BYTES;
  r.buf = malloc(1024 + 2 * ool_size);
  r.stall = fault_next == MB_FAULT_STALL;
  if (fault_next == MB_FAULT_LATE)
    r.late_ms = (unsigned)fault_errno;
  if (r.stall || r.late_ms > 0)
    fault_next = MB_FAULT_NONE;
  atomic_init(&r.stop, 0);
  atomic_init(&r.cpu, -1);
  if (!r.buf) {
    munmap(buf, map_len);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL,
                        "linux_ipc: out of memory for the receive buffer");
  }
  abort_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  /* Not a pipe and not open for writing: write(2) and vmsplice(2) to it
   * fail with EBADF. Only the variants that move the send right need it. */
  if (!(fixes & MB_FIX_COPY_SEND))
    placeholder = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (abort_fd < 0 || (!(fixes & MB_FIX_COPY_SEND) && placeholder < 0)) {
    rc = mb_error_errno(err, errno, NULL,
                        "linux_ipc: cannot make the call's watchdog event or the "
                        "moved send right's stand-in");
    goto out;
  }
  rc = start_receiver(&thread, &r, pin_receiver, err);
  if (rc != MB_OK)
    goto out;
  e = mb_watchdog_start(&wd, wake_sender, &abort_fd);
  if (e != 0) {
    atomic_store_explicit(&r.stop, 1, memory_order_relaxed);
    pthread_join(thread, NULL);
    rc = mb_error_set(err, MB_ECOLLECT, NULL, 0, 0, NULL,
                      "linux_ipc: cannot start the watchdog thread: %s", strerror(e));
    goto out;
  }

  msg.iov_base = buf;
  msg.iov_len = r.msg_size;
  send_all(pool, n, fixes, &msg, placeholder, abort_fd, &wd, raw_count, &r.cpu, out);
  out->ended = mb_watchdog_stop(&wd);

  atomic_store_explicit(&r.stop, 1, memory_order_relaxed);
  pthread_join(thread, NULL);
  out->conditions.receiver = r.account;
out:
  if (abort_fd >= 0)
    close(abort_fd);
  if (placeholder >= 0)
    close(placeholder);
  free(r.buf);
  /* Pipes may still hold references to these pages until the caller
   * closes them; the kernel keeps referenced pages alive, so unmapping our
   * view now is safe and nothing writes to them again. */
  munmap(buf, map_len);
  return rc;
}

/* Seed step 5 (pool) and step 6 (n == 0, the fallback): the timed interval
 * makes and destroys an endpoint, and with a pool asks the type of pool
 * endpoint i % n. The first failing call's errno is the status. */
static void collect_simple(const struct endpoint *pool, uint32_t n, size_t raw_count,
                           struct mb_collection *out)
{
  struct cpu_seen seen;
  size_t i;

  seen_start(&seen);
  /* Nothing here blocks, so no watchdog: an interrupt is seen between two
   * operations. */
  for (i = 0; i < raw_count && !mb_sources_interrupted(); i++) {
    uint64_t t0, t1;
    int32_t st = MB_OP_OK;
    int fds[2];

    if (n > 0) {
      struct stat sb;
      int base;

      t0 = mb_clock_linux_now();
      base = pool[i % n].rfd;
      if (pipe2(fds, PIPE_FLAGS) == 0) {
        close(fds[0]);
        close(fds[1]);
      } else {
        st = (int32_t)errno;
      }
      if (fstat(base, &sb) != 0 && st == MB_OP_OK)
        st = (int32_t)errno;
      t1 = mb_clock_linux_now();
    } else {
      t0 = mb_clock_linux_now();
      if (pipe2(fds, PIPE_FLAGS) == 0) {
        close(fds[0]);
        close(fds[1]);
      } else {
        st = (int32_t)errno;
      }
      t1 = mb_clock_linux_now();
    }
    out->timings[i] = t1 - t0;
    out->status[i] = st;
    if (i % SAMPLE_EVERY == 0)
      seen_sample(&seen, sched_getcpu());
  }
  if (i < raw_count)
    out->ended = MB_ENDED_INTERRUPT;
  for (; i < raw_count; i++) {
    out->timings[i] = 0;
    out->status[i] = MB_OP_ABORTED;
  }
  out->n_timings = raw_count;
  seen_end(&seen, &out->conditions.timing);
}

/* The placement's CPUs: the first (timing thread, and the receiver when
 * shared) and second (the receiver when split) CPUs this thread may run on,
 * so a placement names the same CPUs call after call. */
static int placement_cpus(enum mb_placement placement, const cpu_set_t *allowed,
                          int *timing_cpu, int *receiver_cpu, struct mb_error *err)
{
  int cpu, found = 0, first = -1, second = -1;

  *timing_cpu = *receiver_cpu = -1;
  if (placement == MB_PLACEMENT_FREE)
    return MB_OK;
  for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
    if (CPU_ISSET((size_t)cpu, allowed)) {
      if (found == 0)
        first = cpu;
      else if (found == 1)
        second = cpu;
      found++;
    }
  if (placement == MB_PLACEMENT_SPLIT && found < 2)
    return mb_error_set(err, MB_EUNAVAILABLE, NULL, 0, 0, "placement",
                        "linux_ipc: placement split needs two CPUs; this process may "
                        "run on %d",
                        found);
  if (found < 1)
    return mb_error_set(err, MB_EUNAVAILABLE, NULL, 0, 0, "placement",
                        "linux_ipc: no CPU to pin to");
  *timing_cpu = first;
  *receiver_cpu = placement == MB_PLACEMENT_SPLIT ? second : first;
  return MB_OK;
}

static int collect(void *state, const struct mb_config *cfg, size_t n_samples,
                   struct mb_collection *out, struct mb_error *err)
{
  struct endpoint pool[MB_NUM_PORTS_MAX];
  size_t raw_count = MB_RAW_COUNT(n_samples);
  struct rusage ru0, ru1;
  cpu_set_t saved;
  int timing_cpu = -1, receiver_cpu = -1, pinned = 0;
  uint32_t n;
  int rc = MB_OK;

  (void)state;
  /* Placement: pin this (the timing) thread for the call, and put it back
   * as it was afterwards, so analysis still runs on every CPU. */
  if (cfg->placement != MB_PLACEMENT_FREE) {
    cpu_set_t one;
    int e;

    if (pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) != 0)
      return mb_error_set(err, MB_ECOLLECT, NULL, 0, 0, "placement",
                          "linux_ipc: cannot read this thread's CPU affinity");
    rc = placement_cpus(cfg->placement, &saved, &timing_cpu, &receiver_cpu, err);
    if (rc != MB_OK)
      return rc;
    CPU_ZERO(&one);
    CPU_SET((size_t)timing_cpu, &one);
    e = pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
    if (e != 0)
      return mb_error_set(err, MB_ECOLLECT, NULL, 0, 0, "placement",
                          "linux_ipc: cannot pin the timing thread to CPU %d: %s",
                          timing_cpu, strerror(e));
    pinned = 1;
  }
  out->conditions.waited_known = 1;
  getrusage(RUSAGE_SELF, &ru0);
  /* Simple mode queues nothing: its pipes keep the kernel's default size. */
  n = make_pool(
      pool, cfg->num_ports,
      cfg->mode != MB_MODE_COMPLEX                       ? 0
      : (mb_variant_fixes(cfg->variant) & MB_FIX_PACKED) ? queue_bytes(cfg->ool_size)
                                                         : queue_bytes(INLINE_BYTES),
      cfg->mode == MB_MODE_COMPLEX && !(mb_variant_fixes(cfg->variant) & MB_FIX_PACKED),
      &out->pool_status);
  out->pool_size = n;
  if (n == 0 || cfg->mode == MB_MODE_SIMPLE)
    collect_simple(pool, n, raw_count, out); /* n == 0: the seed's fallback */
  else
    rc = collect_complex(pool, n, cfg, raw_count, receiver_cpu, out, err);
  free_pool(pool, n);
  getrusage(RUSAGE_SELF, &ru1);
  out->conditions.process_nvcsw = (int64_t)(ru1.ru_nvcsw - ru0.ru_nvcsw);
  out->conditions.process_nivcsw = (int64_t)(ru1.ru_nivcsw - ru0.ru_nivcsw);
  if (pinned)
    pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
  return rc;
}

const struct mb_collector_ops mb_linux_ipc_ops = {
    MB_INFO_LINUX_IPC, 1,          probe,   open_collector, NULL,
    describe_clock,    clock_read, collect,
};
