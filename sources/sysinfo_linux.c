/* sysinfo_linux.c: CPU model from /proc/cpuinfo, OS name from os-release. */
#include <stdio.h>
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
