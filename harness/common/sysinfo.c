/* sysinfo.c: the portable part of machine and build provenance. */
#include "sysinfo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "version.h"

int mb_sysinfo_get(struct mb_sysinfo *si, struct mb_error *err)
{
  struct utsname u;
  long cores;

  memset(si, 0, sizeof(*si));
  if (gethostname(si->hostname, sizeof(si->hostname) - 1) != 0)
    si->hostname[0] = '\0';
  si->hostname[sizeof(si->hostname) - 1] = '\0';
  if (uname(&u) != 0)
    return mb_error_errno(err, errno, NULL, "uname() failed");
  snprintf(si->kernel, sizeof(si->kernel), "%s %s", u.sysname, u.release);
  snprintf(si->arch, sizeof(si->arch), "%s", u.machine);
  snprintf(si->os, sizeof(si->os), "%s", u.sysname);
  if (si->hostname[0] == '\0')
    snprintf(si->hostname, sizeof(si->hostname), "%s", u.nodename);
  cores = sysconf(_SC_NPROCESSORS_ONLN);
  si->cores = cores > 0 ? (unsigned)cores : 0u;
  mb_sysinfo_platform(si);
  return MB_OK;
}

void mb_sysinfo_build(struct mb_buildinfo *bi)
{
  bi->version = MB_VERSION;
  bi->git_commit = MB_GIT_COMMIT;
  bi->compiler = MB_COMPILER;
  bi->flags = MB_CFLAGS;
}

void mb_sysinfo_host_label(const char *hostname, char *out, size_t n)
{
  size_t i = 0;

  if (n == 0)
    return;
  for (; hostname && hostname[i] != '\0' && hostname[i] != '.' && i + 1 < n; i++) {
    char c = hostname[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '-' || c == '_';

    out[i] = ok ? c : '_';
  }
  out[i] = '\0';
  if (i == 0)
    snprintf(out, n, "host");
}

json_t *mb_sysinfo_json(const struct mb_sysinfo *si)
{
  return json_pack("{s:s,s:s,s:s,s:s,s:s,s:i}", "hostname", si->hostname, "os", si->os,
                   "kernel", si->kernel, "arch", si->arch, "cpu_model", si->cpu_model,
                   "cores", (int)si->cores);
}

json_t *mb_buildinfo_json(const struct mb_buildinfo *bi)
{
  return json_pack("{s:s,s:s,s:s,s:s}", "version", bi->version, "git_commit",
                   bi->git_commit, "compiler", bi->compiler, "flags", bi->flags);
}
