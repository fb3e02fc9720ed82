/* mach_ipc_absent.c: mach_ipc's entry where Mach IPC does not exist. */
#include "collector.h"

static int probe(struct mb_error *err)
{
  return mb_error_set(err, MB_EUNAVAILABLE, NULL, 0, 0, NULL,
                      "mach_ipc needs macOS (Mach ports and mach_msg); this build is "
                      "for another system: use linux_ipc, its analog");
}

const struct mb_collector_ops mb_mach_ipc_ops = {
    MB_INFO_MACH_IPC, 0, probe, NULL, NULL, NULL, NULL, NULL,
};
