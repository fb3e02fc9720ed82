/* test_mach_ipc.c: the Mach collector on a real macOS kernel (built only on
 * Apple platforms): both modes, both message layouts (the seed's: one
 * successful send per port, then MACH_SEND_INVALID_DEST), and every port
 * right released (the task's port-name count returns to where it was). */
#include <mach/mach.h>
#include <string.h>

#include "check.h"
#include "source.h"

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

static void run(const char *option, enum mb_mode mode, uint32_t ports, uint32_t ool)
{
  struct mb_collector *col = NULL;
  struct mb_collection c;
  struct mb_config cfg;
  struct mb_error err;
  size_t i, ok = 0, timed_out = 0;
  mach_msg_type_number_t before, after;

  cfg.num_ports = ports;
  cfg.ool_size = ool;
  cfg.mode = mode;
  cfg.placement = MB_PLACEMENT_FREE;
  mb_collection_init(&c);
  mb_error_init(&err);
  CHECK_EQ_INT(mb_collector_open("mach_ipc", option, &col, &err), MB_OK);
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
  }
  printf("%-12s %-7s ports %2u ool %5u: %zu ok, %zu timed out, %zu other\n",
         option ? option : "(default)", mb_mode_name(mode), ports, ool, ok, timed_out,
         c.n_timings - ok - timed_out);
  if (mode == MB_MODE_SIMPLE) {
    CHECK_EQ_INT(ok, c.n_timings);
  } else if (!option || strcmp(option, "layout=seed") == 0) {
    /* The seed's MOVE_SEND gives away each port's one send right on the
     * first send to it (XNU's ipc_right_copyin); every later send finds no
     * send right: MACH_SEND_INVALID_DEST. sources/README.md explains. */
    for (i = 0; i < c.n_timings; i++)
      CHECK_EQ_INT(c.status[i], i < ports ? MB_OP_OK : MACH_SEND_INVALID_DEST);
  } else {
    CHECK(ok > 0);
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
  CHECK_EQ_INT(mb_collector_open("mach_ipc", "layout=bogus", &col, &err), MB_EUSAGE);

  run(NULL, MB_MODE_COMPLEX, 8, 4096);
  run(NULL, MB_MODE_SIMPLE, 8, 4096);
  run("layout=sdk", MB_MODE_COMPLEX, 8, 4096);
  run("layout=sdk", MB_MODE_COMPLEX, 64, 65536);
  run("layout=seed", MB_MODE_COMPLEX, 1, 1);
  return CHECK_DONE();
}
