/* sysinfo_darwin.c: CPU model and macOS version from sysctl. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysctl.h>
#include <sys/types.h>

#include "sysinfo.h"

static int read_string(const char *name, char *out, size_t n)
{
  size_t len = n;

  if (sysctlbyname(name, out, &len, NULL, 0) != 0 || len == 0)
    return -1;
  out[n - 1] = '\0';
  return 0;
}

void mb_sysinfo_platform(struct mb_sysinfo *si)
{
  char version[64];

  if (read_string("machdep.cpu.brand_string", si->cpu_model, sizeof(si->cpu_model)) !=
      0)
    si->cpu_model[0] = '\0';
  if (read_string("kern.osproductversion", version, sizeof(version)) == 0)
    snprintf(si->os, sizeof(si->os), "macOS %s", version);
}

double mb_sysinfo_cpu_mhz(uint64_t cpu_mask)
{
  /* Apple silicon exposes no current frequency to unprivileged programs. */
  (void)cpu_mask;
  return NAN;
}
