/* test_mach_ipc.c: the Mach collector on a real macOS kernel (built only on
 * Apple platforms): both modes, every variant (those that move the send
 * right: one successful send per port, then MACH_SEND_INVALID_DEST), every
 * port right released (the task's port-name count returns to where it
 * was), and machmsg.c's bytes equal to the SDK's own structs. */
#include <mach/mach.h>
#include <stddef.h>
#include <string.h>

#include "check.h"
#include "machmsg.h"
#include "source.h"

/* The message the seed meant, filled through the SDK's types: machmsg.c
 * must produce the same bytes for the sdk variant. */
static void check_sdk_bytes(void)
{
  struct {
    mach_msg_header_t header;
    mach_msg_body_t body;
    mach_msg_ool_descriptor_t ool;
  } sdk;
  static uint8_t buf[4096];
  struct mb_machmsg_send m;

  memset(&sdk, 0, sizeof(sdk));
  sdk.header.msgh_bits = MACH_MSGH_BITS_COMPLEX | MACH_MSG_TYPE_COPY_SEND;
  sdk.header.msgh_size = (mach_msg_size_t)sizeof(sdk);
  sdk.header.msgh_remote_port = 0x1103;
  sdk.header.msgh_id = 77;
  sdk.body.msgh_descriptor_count = 1;
  sdk.ool.address = buf;
  sdk.ool.size = 4096;
  sdk.ool.copy = MACH_MSG_VIRTUAL_COPY;
  sdk.ool.type = MACH_MSG_OOL_DESCRIPTOR;
  mb_machmsg_build(MB_VARIANT_SDK, 0x1103, 77, (uint64_t)(uintptr_t)buf, 4096, &m);
  CHECK_EQ_INT(m.size, sizeof(sdk));
  CHECK(memcmp(m.bytes, &sdk, sizeof(sdk)) == 0);
  CHECK_EQ_INT(m.option, MACH_SEND_MSG | MACH_SEND_TIMEOUT);
}

static mach_msg_type_number_t port_names(void)
{
  mach_port_name_array_t names = NULL;
  mach_port_type_array_t types = NULL;
  mach_msg_type_number_t n = 0, nt = 0;

  if (mach_port_names(mach_task_self(), &names, &n, &types, &nt) != KERN_SUCCESS)
    return 0;
  vm_deallocate(mach_task_self(), (vm_address_t)names, n * sizeof(*names));
  vm_deallocate(mach_task_self(), (vm_address_t)types, nt * sizeof(*types));
  return n;
}

static void run(enum mb_variant variant, enum mb_mode mode, uint32_t ports,
                uint32_t ool)
{
  struct mb_collector *col = NULL;
  struct mb_collection c;
  struct mb_config cfg;
  struct mb_error err;
  size_t i, ok = 0, timed_out = 0, aborted = 0;
  mach_msg_type_number_t before, after;

  cfg.num_ports = ports;
  cfg.ool_size = ool;
  cfg.mode = mode;
  cfg.placement = MB_PLACEMENT_FREE;
  cfg.variant = variant;
  mb_collection_init(&c);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_open("mach_ipc", NULL, &col, &err), MB_OK);
  if (!col)
    return;
  before = port_names();
  for (i = 0; i < 20; i++)
    CHECK_EQ_INT(mb_collector_collect(col, &cfg, 256, &c, &err), MB_OK);
  after = port_names();
  CHECK_EQ_INT(after, before);
  CHECK_EQ_INT(c.n_timings, 4 * 256 + 64);
  CHECK_EQ_INT(c.n_bytes, 256);
  CHECK_EQ_INT(c.pool_size, ports);
  for (i = 0; i < c.n_timings; i++) {
    ok += c.status[i] == MB_OP_OK;
    timed_out += c.status[i] == MB_OP_TIMED_OUT;
    aborted += c.status[i] == MB_OP_ABORTED;
  }
  printf(
      "%-12s %-7s ports %2u ool %5u: %zu ok, %zu timed out, %zu aborted, %zu other\n",
      mb_variant_name(variant), mb_mode_name(mode), ports, ool, ok, timed_out, aborted,
      c.n_timings - ok - timed_out - aborted);
  CHECK_EQ_INT(c.ended, MB_ENDED_COMPLETE);
  CHECK_EQ_INT(aborted, 0);
  if (mode == MB_MODE_SIMPLE) {
    CHECK_EQ_INT(ok, c.n_timings);
  } else if (!(mb_variant_fixes(variant) & MB_FIX_COPY_SEND)) {
    /* The seed's MOVE_SEND gives away each port's one send right on the
     * first send to it (XNU's ipc_right_copyin); every later send finds no
     * send right: MACH_SEND_INVALID_DEST. sources/FINDINGS.md explains. */
    for (i = 0; i < c.n_timings; i++)
      CHECK_EQ_INT(c.status[i], i < ports ? MB_OP_OK : MACH_SEND_INVALID_DEST);
  } else if (!(mb_variant_fixes(variant) & MB_FIX_TIMEOUT)) {
    /* COPY_SEND without a timeout: every send gets in, some after waiting
     * for the receiver. */
    CHECK_EQ_INT(ok, c.n_timings);
  } else {
    CHECK(ok > 0);
    CHECK_EQ_INT(ok + timed_out, c.n_timings);
  }
  mb_collection_cleanup(&c);
  mb_collector_free(col);
}

int main(void)
{
  struct mb_collector *col = NULL;
  struct mb_error err;
  struct mb_clock clk;

  mb_error_init(&err);
  if (mb_source_probe("mach_ipc", &err) != MB_OK)
    MB_SKIP("mach_ipc not available: %s", err.text);
  CHECK_EQ_STR(mb_sources_default(), "mach_ipc");
  CHECK_EQ_INT(mb_collector_open("mach_ipc", NULL, &col, &err), MB_OK);
  CHECK_EQ_INT(mb_collector_clock(col, &clk), MB_OK);
  CHECK_EQ_STR(clk.name, "mach_absolute_time");
  CHECK(clk.tick_num > 0 && clk.tick_den > 0);
  printf("clock %s: tick %llu/%llu ns, read %.1f ns, resolution %.1f ns\n", clk.name,
         (unsigned long long)clk.tick_num, (unsigned long long)clk.tick_den,
         clk.read_cost_ns, clk.resolution_ns);
  mb_collector_free(col);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_open("mach_ipc", "layout=sdk", &col, &err), MB_EUSAGE);
  check_sdk_bytes();

  run(MB_VARIANT_SEED, MB_MODE_COMPLEX, 8, 4096);
  run(MB_VARIANT_SEED, MB_MODE_SIMPLE, 8, 4096);
  run(MB_VARIANT_SEED, MB_MODE_COMPLEX, 1, 1);
  run(MB_VARIANT_SDK, MB_MODE_COMPLEX, 8, 4096);
  run(MB_VARIANT_SDK, MB_MODE_COMPLEX, 64, 65536);
  run(MB_VARIANT_COPY_SEND, MB_MODE_COMPLEX, 8, 4096);
  run(MB_VARIANT_PACKED, MB_MODE_COMPLEX, 8, 65536);
  run(MB_VARIANT_SEND_TIMEOUT, MB_MODE_COMPLEX, 8, 4096);
  return CHECK_DONE();
}
