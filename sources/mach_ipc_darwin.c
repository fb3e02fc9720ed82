/* mach_ipc_darwin.c: the seed's mach_ipc collector (openentropy's
 * mach_ipc.rs, REFERENCE.md) ported to C on the real <mach/mach.h> API.
 *
 * Kept close to the seed, step for step, because it cannot be run where
 * mebench is developed: pool of ports (a port whose send right cannot be
 * made is dropped; no port at all falls back to simple mode), receiver
 * thread, sends of the call's variant (the seed's by default: options
 * MACH_SEND_MSG | MACH_SEND_NOTIFY, so no send timeout; machmsg.h builds
 * every variant's bytes and arguments), and release of every right. The
 * timed region is the seed's: the mach_msg send alone (complex), or
 * allocate + mod_refs + mach_port_type (simple). A watchdog (watchdog.h)
 * ends a call whose send stays blocked by destroying the pool's receive
 * rights, which makes the blocked mach_msg return.
 */
#include <mach/mach.h>
#include <pthread.h>
#include <pthread/qos.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "clock_darwin.h"
#include "collector.h"
#include "machmsg.h"
#include "watchdog.h"

/* The complex message exactly as the seed lays it out (seed lines 306-339).
 * Its Rust #[repr(C)] structs give the descriptor's 8-byte address its
 * natural alignment, so the descriptor sits at byte 32 of a 48-byte message,
 * after 4 bytes of padding that mem::zeroed() leaves 0; here they are a named
 * field, because C leaves padding bytes unspecified after a member store and
 * the kernel reads these 4 bytes. The kernel reads descriptors packed at
 * byte 28 (the #pragma pack(4) layout of <mach/message.h>): it sees the
 * padding as a port name, and the top byte of the buffer address (0) as the
 * descriptor type MACH_MSG_PORT_DESCRIPTOR, so the seed's sends carry a null
 * port descriptor and no OOL memory. sources/FINDINGS.md explains; the
 * variants with MB_FIX_PACKED send the OOL descriptor the seed meant. These
 * structs are not sent: machmsg.c builds the bytes; the assertions below
 * prove its offsets are these structs' offsets. */
struct seed_ool_descriptor {
  void *address;
  uint8_t deallocate;
  uint8_t copy;
  uint8_t pad;
  uint8_t type;
  uint32_t size;
};

struct seed_message {
  mach_msg_header_t header;
  mach_msg_body_t body;
  uint32_t align; /* Rust's alignment padding before the 8-byte address */
  struct seed_ool_descriptor ool;
};

/* The same message in the SDK's packed layout. */
struct sdk_message {
  mach_msg_header_t header;
  mach_msg_body_t body;
  mach_msg_ool_descriptor_t ool;
};

/* The layout claims above, checked for every architecture this file is
 * compiled for (scripts/check-macos: arm64 and x86_64). */
_Static_assert(sizeof(mach_msg_header_t) == 24 && sizeof(mach_msg_body_t) == 4,
               "header and body: 28 bytes");
_Static_assert(sizeof(void *) == 8, "the seed's layout assumes LP64");
_Static_assert(offsetof(struct seed_message, align) == 28,
               "seed layout: padding at 28");
_Static_assert(offsetof(struct seed_message, ool) == 32, "seed layout: byte 32");
_Static_assert(offsetof(struct seed_message, ool.type) == 43,
               "seed layout: type at 43");
_Static_assert(offsetof(struct seed_message, ool.size) == 44,
               "seed layout: size at 44");
_Static_assert(sizeof(struct seed_message) == 48, "seed layout: 48 bytes");
_Static_assert(offsetof(struct sdk_message, ool) == 28, "SDK layout: byte 28");
_Static_assert(sizeof(mach_msg_ool_descriptor_t) == 16,
               "SDK layout: 16-byte descriptor");
_Static_assert(offsetof(mach_msg_ool_descriptor_t, size) == 12,
               "SDK layout: size at +12");
_Static_assert(sizeof(struct sdk_message) == 44, "SDK layout: 44 bytes");
/* What the kernel makes of the seed's bytes: a descriptor's type is the top
 * byte of its third 32-bit word (mach_msg_type_descriptor_t), byte 28 + 11,
 * which on these little-endian machines is the top byte of the address. */
_Static_assert(sizeof(mach_msg_type_descriptor_t) == 12, "type in the 3rd word");
_Static_assert(offsetof(struct seed_message, ool.address) + sizeof(void *) - 1 ==
                   28 + 11,
               "seed layout: the kernel's descriptor type is the address's top byte");

/* The seed's msgh_bits: 0x80000000 | 17. Its comment says COPY_SEND, but 17
 * is MACH_MSG_TYPE_MOVE_SEND (COPY_SEND is 19): each send gives the task's
 * one send right to the message, so only the first send to each port finds
 * one (sources/FINDINGS.md). Variants with MB_FIX_COPY_SEND use the COPY_SEND
 * the comment names. */
_Static_assert(MACH_MSG_TYPE_MOVE_SEND == 17 && MACH_MSG_TYPE_COPY_SEND == 19,
               "<mach/message.h> dispositions");

/* machmsg.h's copies of the SDK's constants and offsets are the SDK's. */
_Static_assert(MB_MACH_MSGH_BITS_COMPLEX == MACH_MSGH_BITS_COMPLEX &&
                   MB_MACH_MSG_TYPE_MOVE_SEND == MACH_MSG_TYPE_MOVE_SEND &&
                   MB_MACH_MSG_TYPE_COPY_SEND == MACH_MSG_TYPE_COPY_SEND &&
                   MB_MACH_MSG_VIRTUAL_COPY == MACH_MSG_VIRTUAL_COPY &&
                   MB_MACH_MSG_OOL_DESCRIPTOR == MACH_MSG_OOL_DESCRIPTOR,
               "machmsg.h: message constants");
_Static_assert(MB_MACH_SEND_MSG == MACH_SEND_MSG && MB_MACH_RCV_MSG == MACH_RCV_MSG &&
                   MB_MACH_SEND_TIMEOUT == MACH_SEND_TIMEOUT &&
                   MB_MACH_SEND_NOTIFY == MACH_SEND_NOTIFY &&
                   MB_MACH_RCV_TIMEOUT == MACH_RCV_TIMEOUT,
               "machmsg.h: option bits");
_Static_assert(MB_MACHMSG_SEED_OPTION == 0x81 && MB_MACHMSG_FIXED_OPTION == 0x11,
               "the seed's options 1 | 0x80; the fix 1 | 0x10");
_Static_assert(offsetof(mach_msg_header_t, msgh_bits) == 0 &&
                   offsetof(mach_msg_header_t, msgh_size) == 4 &&
                   offsetof(mach_msg_header_t, msgh_remote_port) == 8 &&
                   offsetof(mach_msg_header_t, msgh_local_port) == 12 &&
                   offsetof(mach_msg_header_t, msgh_voucher_port) == 16 &&
                   offsetof(mach_msg_header_t, msgh_id) == 20,
               "machmsg.c: header fields");
_Static_assert(offsetof(struct seed_message, body) == MB_MACHMSG_BODY &&
                   offsetof(struct seed_message, align) == MB_MACHMSG_SEED_PAD &&
                   offsetof(struct seed_message, ool) == MB_MACHMSG_SEED_OOL &&
                   sizeof(struct seed_message) == MB_MACHMSG_SEED_SIZE,
               "machmsg.h: the seed's layout");
_Static_assert(offsetof(struct seed_message, ool.deallocate) ==
                       MB_MACHMSG_SEED_OOL + 8 &&
                   offsetof(struct seed_message, ool.copy) == MB_MACHMSG_SEED_OOL + 9 &&
                   offsetof(struct seed_message, ool.type) ==
                       MB_MACHMSG_SEED_OOL + MB_MACHMSG_OOL_TYPE &&
                   offsetof(struct seed_message, ool.size) ==
                       MB_MACHMSG_SEED_OOL + MB_MACHMSG_OOL_SIZE,
               "machmsg.h: the seed's descriptor fields");
_Static_assert(offsetof(struct sdk_message, ool) == MB_MACHMSG_SDK_OOL &&
                   sizeof(struct sdk_message) == MB_MACHMSG_SDK_SIZE &&
                   offsetof(mach_msg_ool_descriptor_t, size) == MB_MACHMSG_OOL_SIZE,
               "machmsg.h: the SDK's layout");

/* Where the seed's receiver looks for the descriptor (seed lines 193-200):
 * right after the header and body, byte 28, reading it through its own
 * struct: the address at +0 and the size at +12. That matches the packed
 * mach_msg_ool_descriptor_t the kernel writes on receive. */
#define RECV_OOL_OFFSET (sizeof(mach_msg_header_t) + sizeof(mach_msg_body_t))
#define RECV_SIZE_OFFSET (RECV_OOL_OFFSET + offsetof(struct seed_ool_descriptor, size))
_Static_assert(RECV_SIZE_OFFSET == 28 + 12, "receiver reads the size at byte 40");

struct receiver {
  const mach_port_t *ports;
  uint32_t n;
  uint8_t *buf; /* the seed's 1024 + 2 * ool_size receive buffer */
  mach_msg_size_t buf_size;
  atomic_int stop;
  const char *qos; /* the QoS class the thread ran at, set by the thread */
};

/* The QoS class a placement asks for; QOS_CLASS_UNSPECIFIED for free. */
static qos_class_t placement_qos(enum mb_placement placement)
{
  switch (placement) {
  case MB_PLACEMENT_QOS_USER_INTERACTIVE:
    return QOS_CLASS_USER_INTERACTIVE;
  case MB_PLACEMENT_QOS_USER_INITIATED:
    return QOS_CLASS_USER_INITIATED;
  case MB_PLACEMENT_QOS_UTILITY:
    return QOS_CLASS_UTILITY;
  case MB_PLACEMENT_QOS_BACKGROUND:
    return QOS_CLASS_BACKGROUND;
  default:
    return QOS_CLASS_UNSPECIFIED;
  }
}

/* The calling thread's QoS class, as recorded in run.json. */
static const char *qos_name_self(void)
{
  switch (qos_class_self()) {
  case QOS_CLASS_USER_INTERACTIVE:
    return "user_interactive";
  case QOS_CLASS_USER_INITIATED:
    return "user_initiated";
  case QOS_CLASS_DEFAULT:
    return "default";
  case QOS_CLASS_UTILITY:
    return "utility";
  case QOS_CLASS_BACKGROUND:
    return "background";
  default:
    return "unspecified";
  }
}

static uint64_t clock_read(void)
{
  return mb_clock_darwin_now();
}

static void describe_clock(void *state, struct mb_clock *clk)
{
  (void)state;
  clk->name = MB_CLOCK_DARWIN_NAME;
  mb_clock_darwin_tick(&clk->tick_num, &clk->tick_den);
}

static int probe(struct mb_error *err)
{
  (void)err;
  return MB_OK; /* Mach IPC is always there on macOS */
}

/* The message variant is per call (mb_config.variant); the former option
 * "layout=..." is refused with what replaced it. */
static int open_collector(const char *option, void **state, struct mb_error *err)
{
  *state = NULL;
  if (option)
    return mb_error_set(err, MB_EUSAGE, NULL, 0, 0, NULL,
                        "mach_ipc takes no option (got '%s'); the message is chosen "
                        "per point by the sweep axis \"variant\"",
                        option);
  return MB_OK;
}

static int32_t op_status(kern_return_t kr)
{
  if (kr == KERN_SUCCESS)
    return MB_OP_OK;
  /* The pseudo-receive that hands a timed-out message back may OR its own
   * failure bits (MACH_MSG_MASK) into the code; the send still timed out. */
  if ((kr & ~MACH_MSG_MASK) == MACH_SEND_TIMED_OUT)
    return MB_OP_TIMED_OUT;
  return (int32_t)kr;
}

/* Seed step 3. The seed's receiver also gives up after 30 s (seed line
 * 179); this one lives as long as the call, which the watchdog bounds
 * instead (sources/README.md, "Calls bounded in time"): after a 30 s
 * deadline every send of a variant that can fill a queue would wait out
 * its timeout, or block for ever without one. */
static void *receive_loop(void *arg)
{
  struct receiver *r = arg;
  uint32_t i;

  r->qos = qos_name_self();
  while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
    for (i = 0; i < r->n; i++) {
      mach_msg_header_t *hdr = (mach_msg_header_t *)(void *)r->buf;
      kern_return_t kr;

      hdr->msgh_local_port = r->ports[i];
      hdr->msgh_size = r->buf_size;
      kr = mach_msg(hdr, MB_MACHMSG_RECV_OPTION, 0, r->buf_size, r->ports[i], 0,
                    MACH_PORT_NULL);
      /* The kernel mapped any OOL region into this task: give it back, or
       * memory grows with every message. */
      if (kr == KERN_SUCCESS && (hdr->msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
        uint64_t addr;
        uint32_t size;

        memcpy(&addr, r->buf + RECV_OOL_OFFSET, sizeof(addr));
        memcpy(&size, r->buf + RECV_SIZE_OFFSET, sizeof(size));
        if (addr != 0 && size > 0)
          vm_deallocate(mach_task_self(), (vm_address_t)addr, size);
      }
    }
    sched_yield();
  }
  return NULL;
}

/* What the watchdog destroys to end a blocked call. */
struct pool_ref {
  const mach_port_t *ports;
  uint32_t n;
  atomic_int *receiver_stop; /* the receiver's stop flag */
  int destroyed;             /* written by the watchdog, read after it is joined */
};

/* The watchdog's unblock (watchdog.h): destroying a port's receive right
 * makes a send blocked on its full queue return MACH_SEND_INVALID_DEST
 * (the queued messages and their OOL copies go with it), and the
 * receiver's later receives fail harmlessly. */
static void destroy_receive_rights(void *ctx)
{
  struct pool_ref *p = ctx;
  uint32_t i;

  /* Stop the receiver first: once a name is freed the kernel may give it
   * to a port made elsewhere in the process, which it must not drain. */
  atomic_store_explicit(p->receiver_stop, 1, memory_order_relaxed);
  for (i = 0; i < p->n; i++)
    mach_port_mod_refs(mach_task_self(), p->ports[i], MACH_PORT_RIGHT_RECEIVE, -1);
  p->destroyed = 1;
}

/* Seed step 4 for the call's variant; stops early once the watchdog ended
 * the call, giving the rest MB_OP_ABORTED. */
static void send_all(enum mb_variant variant, const mach_port_t *ports, uint32_t n,
                     const uint8_t *ool_buf, size_t ool_size, struct mb_watchdog *wd,
                     size_t raw_count, struct mb_collection *out)
{
  unsigned fixes = mb_variant_fixes(variant);
  size_t i;

  for (i = 0; i < raw_count && mb_watchdog_ended(wd) == MB_ENDED_COMPLETE; i++) {
    /* Aligned as mach_msg wants; machmsg.c's bytes are the message. */
    union {
      mach_msg_header_t header;
      uint8_t bytes[MB_MACHMSG_SEED_SIZE];
    } msg;
    struct mb_machmsg_send m;
    kern_return_t kr;
    uint64_t t0, t1;

    /* Seed step 4: the message is built outside the timed region. */
    mb_machmsg_build(variant, ports[i % n], (int32_t)i, (uint64_t)(uintptr_t)ool_buf,
                     (uint32_t)ool_size, &m);
    memcpy(msg.bytes, m.bytes, sizeof(msg.bytes));
    mb_watchdog_op_begin(wd);
    t0 = mb_clock_darwin_now();
    kr =
        mach_msg(&msg.header, m.option, m.size, 0, MACH_PORT_NULL, m.timeout, m.notify);
    t1 = mb_clock_darwin_now();
    mb_watchdog_op_end(wd);
    out->timings[i] = t1 - t0;
    out->status[i] = op_status(kr);
    if (kr != KERN_SUCCESS && mb_watchdog_ended(wd) != MB_ENDED_COMPLETE)
      out->status[i] = MB_OP_ABORTED;
    /* A send that times out is handed back by pseudo-receive (XNU's
     * mach_msg_overwrite_trap): with COPY_SEND that is one more send-right
     * reference and, with the SDK's descriptor, a fresh mapping of the OOL
     * region, both ours to release or every timeout leaks a dead name and
     * ool_size bytes. Only COPY_SEND with the timeout can time out (a
     * MOVE_SEND variant's sends after the first fail before queueing). */
    if ((fixes & MB_FIX_COPY_SEND) && out->status[i] == MB_OP_TIMED_OUT)
      mach_msg_destroy(&msg.header);
  }
  for (; i < raw_count; i++) {
    out->timings[i] = 0;
    out->status[i] = MB_OP_ABORTED;
  }
  out->n_timings = raw_count;
}

static int collect_complex(const struct mb_config *cfg, const mach_port_t *ports,
                           uint32_t n, size_t raw_count, struct mb_collection *out,
                           int *destroyed, struct mb_error *err)
{
  size_t ool_size = cfg->ool_size;
  qos_class_t qos = placement_qos(cfg->placement);
  struct receiver r;
  struct mb_watchdog wd;
  struct pool_ref pool;
  pthread_t thread;
  pthread_attr_t attr;
  sigset_t all, old;
  uint8_t *ool_buf;
  int e;

  ool_buf = malloc(ool_size);
  memset(&r, 0, sizeof(r));
  r.ports = ports;
  r.n = n;
  r.buf_size = (mach_msg_size_t)(1024 + 2 * ool_size);
  r.buf = calloc(1, r.buf_size);
  atomic_init(&r.stop, 0);
  if (!ool_buf || !r.buf) {
    free(ool_buf);
    free(r.buf);
    return mb_error_set(err, MB_ENOMEM, NULL, 0, 0, NULL,
                        "mach_ipc: out of memory for the message buffers");
  }
  memset(ool_buf, 0xBE, ool_size);

  /* Signals (the runner's SIGINT) belong to the main thread. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  e = pthread_attr_init(&attr);
  if (e == 0) {
    /* The placement's QoS class, from the receiver's first instruction. */
    if (qos != QOS_CLASS_UNSPECIFIED)
      e = pthread_attr_set_qos_class_np(&attr, qos, 0);
    if (e == 0)
      e = pthread_create(&thread, &attr, receive_loop, &r);
    pthread_attr_destroy(&attr);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (e != 0) {
    free(ool_buf);
    free(r.buf);
    return mb_error_set(err, MB_ECOLLECT, NULL, 0, 0, NULL,
                        "mach_ipc: cannot start the receiver thread: %s", strerror(e));
  }
  pool.ports = ports;
  pool.n = n;
  pool.receiver_stop = &r.stop;
  pool.destroyed = 0;
  e = mb_watchdog_start(&wd, destroy_receive_rights, &pool);
  if (e != 0) {
    atomic_store_explicit(&r.stop, 1, memory_order_relaxed);
    pthread_join(thread, NULL);
    free(ool_buf);
    free(r.buf);
    return mb_error_set(err, MB_ECOLLECT, NULL, 0, 0, NULL,
                        "mach_ipc: cannot start the watchdog thread: %s", strerror(e));
  }

  send_all(cfg->variant, ports, n, ool_buf, ool_size, &wd, raw_count, out);
  out->ended = mb_watchdog_stop(&wd);
  *destroyed = pool.destroyed;

  atomic_store_explicit(&r.stop, 1, memory_order_relaxed);
  pthread_join(thread, NULL);
  /* macOS tells neither a thread's context switches nor its CPU: only its
   * QoS class is known (the process's switches are counted in collect). */
  out->conditions.receiver.known = 1;
  out->conditions.receiver.qos = r.qos;
  free(r.buf);
  free(ool_buf);
  return MB_OK;
}

/* Seed step 5 (n > 0) and the seed's collect_simple fallback (n == 0). */
static void collect_simple(mach_port_t task, const mach_port_t *ports, uint32_t n,
                           size_t raw_count, struct mb_collection *out)
{
  size_t i;

  /* Nothing here blocks, so no watchdog: an interrupt is seen between two
   * operations. */
  for (i = 0; i < raw_count && !mb_sources_interrupted(); i++) {
    mach_port_t new_port = MACH_PORT_NULL;
    kern_return_t kr, kr2 = KERN_SUCCESS, kr3 = KERN_SUCCESS;
    uint64_t t0, t1;

    if (n > 0) {
      mach_port_t base_port;
      mach_port_type_t ptype = 0;

      t0 = mb_clock_darwin_now();
      base_port = ports[i % n];
      kr = mach_port_allocate(task, MACH_PORT_RIGHT_RECEIVE, &new_port);
      if (kr == KERN_SUCCESS)
        kr2 = mach_port_mod_refs(task, new_port, MACH_PORT_RIGHT_RECEIVE, -1);
      kr3 = mach_port_type(task, base_port, &ptype);
      t1 = mb_clock_darwin_now();
    } else {
      t0 = mb_clock_darwin_now();
      kr = mach_port_allocate(task, MACH_PORT_RIGHT_RECEIVE, &new_port);
      if (kr == KERN_SUCCESS)
        kr2 = mach_port_mod_refs(task, new_port, MACH_PORT_RIGHT_RECEIVE, -1);
      t1 = mb_clock_darwin_now();
    }
    out->timings[i] = t1 - t0;
    out->status[i] = op_status(kr != KERN_SUCCESS    ? kr
                               : kr2 != KERN_SUCCESS ? kr2
                                                     : kr3);
  }
  if (i < raw_count)
    out->ended = MB_ENDED_INTERRUPT;
  for (; i < raw_count; i++) {
    out->timings[i] = 0;
    out->status[i] = MB_OP_ABORTED;
  }
  out->n_timings = raw_count;
}

/* After the watchdog destroyed the receive rights, each send right left is
 * a dead name: release its references (a moved right left none). */
static void release_dead_name(mach_port_t task, mach_port_t port)
{
  mach_port_urefs_t refs = 0;

  if (mach_port_get_refs(task, port, MACH_PORT_RIGHT_DEAD_NAME, &refs) ==
          KERN_SUCCESS &&
      refs > 0)
    mach_port_mod_refs(task, port, MACH_PORT_RIGHT_DEAD_NAME, -(mach_port_delta_t)refs);
}

static int collect(void *state, const struct mb_config *cfg, size_t n_samples,
                   struct mb_collection *out, struct mb_error *err)
{
  mach_port_t task = mach_task_self();
  mach_port_t ports[MB_NUM_PORTS_MAX];
  size_t raw_count = MB_RAW_COUNT(n_samples);
  uint32_t n = 0, i;
  qos_class_t qos = placement_qos(cfg->placement), old_qos = QOS_CLASS_UNSPECIFIED;
  int old_rel = 0, rc = MB_OK, destroyed = 0;
  struct rusage ru0, ru1;

  /* Placement: this (the timing) thread runs the call at the placement's
   * QoS class and goes back to its own afterwards. */
  if (qos != QOS_CLASS_UNSPECIFIED) {
    int e;

    pthread_get_qos_class_np(pthread_self(), &old_qos, &old_rel);
    e = pthread_set_qos_class_self_np(qos, 0);
    if (e != 0)
      return mb_error_set(err, MB_ECOLLECT, NULL, 0, 0, "placement",
                          "mach_ipc: cannot set the QoS class %s: %s",
                          mb_placement_name(cfg->placement), strerror(e));
  }
  out->conditions.timing.known = 1;
  out->conditions.timing.qos = qos_name_self();
  getrusage(RUSAGE_SELF, &ru0);

  (void)state;
  /* Seed step 2. */
  for (i = 0; i < cfg->num_ports; i++) {
    mach_port_t port = MACH_PORT_NULL;
    kern_return_t kr = mach_port_allocate(task, MACH_PORT_RIGHT_RECEIVE, &port);

    if (kr == KERN_SUCCESS) {
      kr = mach_port_insert_right(task, port, port, MACH_MSG_TYPE_MAKE_SEND);
      if (kr == KERN_SUCCESS)
        ports[n++] = port;
      else
        mach_port_mod_refs(task, port, MACH_PORT_RIGHT_RECEIVE, -1);
    }
    if (kr != KERN_SUCCESS && out->pool_status == MB_OP_OK)
      out->pool_status = (int32_t)kr;
  }
  out->pool_size = n;

  if (n == 0 || cfg->mode == MB_MODE_SIMPLE)
    collect_simple(task, ports, n, raw_count, out);
  else
    rc = collect_complex(cfg, ports, n, raw_count, out, &destroyed, err);

  /* Seed step 7: the send right from insert_right, then the receive right,
   * which also destroys any message still queued (and its OOL copy). With
   * the seed's MOVE_SEND the first fails (KERN_INVALID_RIGHT, with a guard
   * exception), as in the seed. When the watchdog already destroyed the
   * receive rights, only dead names are left. */
  for (i = 0; i < n; i++) {
    if (destroyed) {
      release_dead_name(task, ports[i]);
      continue;
    }
    mach_port_mod_refs(task, ports[i], MACH_PORT_RIGHT_SEND, -1);
    mach_port_mod_refs(task, ports[i], MACH_PORT_RIGHT_RECEIVE, -1);
  }
  getrusage(RUSAGE_SELF, &ru1);
  out->conditions.process_nvcsw = (int64_t)(ru1.ru_nvcsw - ru0.ru_nvcsw);
  out->conditions.process_nivcsw = (int64_t)(ru1.ru_nivcsw - ru0.ru_nivcsw);
  if (qos != QOS_CLASS_UNSPECIFIED)
    pthread_set_qos_class_self_np(
        old_qos != QOS_CLASS_UNSPECIFIED ? old_qos : QOS_CLASS_DEFAULT, old_rel);
  return rc;
}

const struct mb_collector_ops mb_mach_ipc_ops = {
    MB_INFO_MACH_IPC, 1,          probe,   open_collector, NULL,
    describe_clock,   clock_read, collect,
};
