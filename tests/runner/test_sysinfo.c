/* test_sysinfo.c: machine and build provenance. */
#include <sys/utsname.h>
#include <unistd.h>

#include "check.h"
#include "sysinfo.h"

int main(void)
{
  struct mb_sysinfo si;
  struct mb_buildinfo bi;
  struct utsname u;
  char label[32];
  char tiny[4];

  mb_sysinfo_host_label("lab1.example.org", label, sizeof(label));
  CHECK_EQ_STR(label, "lab1");
  mb_sysinfo_host_label("Bob's Mac-mini_2", label, sizeof(label));
  CHECK_EQ_STR(label, "Bob_s_Mac-mini_2");
  mb_sysinfo_host_label("", label, sizeof(label));
  CHECK_EQ_STR(label, "host");
  mb_sysinfo_host_label(".local", label, sizeof(label));
  CHECK_EQ_STR(label, "host");
  mb_sysinfo_host_label("abcdefgh", tiny, sizeof(tiny));
  CHECK_EQ_STR(tiny, "abc");

  CHECK_EQ_INT(mb_sysinfo_get(&si, NULL), MB_OK);
  CHECK(uname(&u) == 0);
  CHECK(si.hostname[0] != '\0');
  CHECK(strncmp(si.kernel, u.sysname, strlen(u.sysname)) == 0);
  CHECK(strstr(si.kernel, u.release) != NULL);
  CHECK_EQ_STR(si.arch, u.machine);
  CHECK(si.cores >= 1);
  CHECK(si.os[0] != '\0');
  if (access("/proc/cpuinfo", R_OK) == 0 ||
      access("/usr/lib/libSystem.dylib", F_OK) == 0 || strcmp(u.sysname, "Darwin") == 0)
    CHECK(si.cpu_model[0] != '\0');
  printf("hostname=%s os=%s kernel=%s arch=%s cpu=%s cores=%u\n", si.hostname, si.os,
         si.kernel, si.arch, si.cpu_model, si.cores);

  mb_sysinfo_build(&bi);
  CHECK(bi.version && bi.version[0] != '\0');
  CHECK(bi.git_commit && bi.git_commit[0] != '\0');
  CHECK(bi.compiler && bi.compiler[0] != '\0');
  CHECK(bi.flags != NULL);
  return CHECK_DONE();
}
