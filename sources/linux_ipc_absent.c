/* linux_ipc_absent.c: linux_ipc's entry on systems other than Linux. */
#include "collector.h"

static int probe(struct mb_error *err)
{
  return mb_error_set(err, MB_EUNAVAILABLE, NULL, 0, 0, NULL,
                      "linux_ipc needs Linux (pipes with vmsplice); this build is for "
                      "another system");
}

const struct mb_collector_ops mb_linux_ipc_ops = {
    MB_INFO_LINUX_IPC, 0, probe, NULL, NULL, NULL, NULL, NULL,
};
