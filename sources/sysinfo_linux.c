/* sysinfo_linux.c: CPU model from /proc/cpuinfo, OS name from os-release. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysinfo.h"

/* Copy src into dst of size n, cutting it short when it does not fit (a
 * CPU or OS name is for people; a truncated one still identifies it). */
static void copy_cut(char *dst, size_t n, const char *src)
{
  size_t len = strlen(src);

  if (len >= n)
    len = n - 1;
  memcpy(dst, src, len);
  dst[len] = '\0';
}

/* The value of "key<spaces>: value" when line starts with key, else NULL. */
static const char *field(char *line, const char *key)
{
  size_t len = strlen(key);
  char *p, *end;

  if (strncmp(line, key, len) != 0)
    return NULL;
  p = line + len;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != ':')
    return NULL;
  p++;
  while (*p == ' ' || *p == '\t')
    p++;
  end = p + strlen(p);
  while (end > p && (end[-1] == '\n' || end[-1] == ' '))
    *--end = '\0';
  return p;
}

static void cpu_model(struct mb_sysinfo *si)
{
  /* x86 says "model name"; arm64 kernels often give only "CPU implementer"
   * and "CPU part", some SoCs "Hardware" or "cpu model" (MIPS). The first
   * found in this order wins. */
  static const char *const keys[] = {"model name", "cpu model", "Hardware", "Model",
                                     "cpu"};
  char found[sizeof(keys) / sizeof(keys[0])][256];
  char line[512];
  size_t i;
  FILE *f = fopen("/proc/cpuinfo", "r");

  if (!f)
    return;
  memset(found, 0, sizeof(found));
  while (fgets(line, sizeof(line), f)) {
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
      const char *v = found[i][0] ? NULL : field(line, keys[i]);

      if (v && *v)
        copy_cut(found[i], sizeof(found[i]), v);
    }
  }
  fclose(f);
  for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
    if (found[i][0]) {
      copy_cut(si->cpu_model, sizeof(si->cpu_model), found[i]);
      return;
    }
  }
}

static void os_name(struct mb_sysinfo *si)
{
  char line[512];
  FILE *f = fopen("/etc/os-release", "r");

  if (!f)
    f = fopen("/usr/lib/os-release", "r");
  if (!f)
    return;
  while (fgets(line, sizeof(line), f)) {
    char *v, *end;

    if (strncmp(line, "PRETTY_NAME=", 12) != 0)
      continue;
    v = line + 12;
    end = v + strlen(v);
    while (end > v && (end[-1] == '\n' || end[-1] == '"' || end[-1] == '\''))
      *--end = '\0';
    if (*v == '"' || *v == '\'')
      v++;
    if (*v)
      copy_cut(si->os, sizeof(si->os), v);
    break;
  }
  fclose(f);
}

void mb_sysinfo_platform(struct mb_sysinfo *si)
{
  cpu_model(si);
  os_name(si);
}

double mb_sysinfo_cpu_mhz(uint64_t cpu_mask)
{
  char path[96], line[512];
  double sum = 0;
  int cpu, n = 0, current = -1;
  FILE *f;

  if (cpu_mask == 0)
    return NAN;
  /* cpufreq where the kernel drives the frequency (kHz)... */
  for (cpu = 0; cpu < 64; cpu++) {
    if (!(cpu_mask & (UINT64_C(1) << cpu)))
      continue;
    snprintf(path, sizeof(path),
             "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", cpu);
    f = fopen(path, "r");
    if (f) {
      long khz = 0;

      if (fscanf(f, "%ld", &khz) == 1 && khz > 0) {
        sum += (double)khz / 1000.0;
        n++;
      }
      fclose(f);
    }
  }
  if (n > 0)
    return sum / n;
  /* ...else what /proc/cpuinfo says per processor (on a VM, often the
   * host's nominal frequency). */
  f = fopen("/proc/cpuinfo", "r");
  if (!f)
    return NAN;
  while (fgets(line, sizeof(line), f)) {
    const char *v;

    if ((v = field(line, "processor")) != NULL)
      current = atoi(v);
    else if ((v = field(line, "cpu MHz")) != NULL && current >= 0 && current < 64 &&
             (cpu_mask & (UINT64_C(1) << current))) {
      sum += atof(v);
      n++;
    }
  }
  fclose(f);
  return n > 0 ? sum / n : NAN;
}
