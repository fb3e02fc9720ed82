/* sysinfo.h: machine and build provenance recorded in every run.json.
 *
 * The portable part (uname, sysconf, gethostname, the generated version.h)
 * is in harness/common/sysinfo.c; what only the platform knows (the CPU model and
 * the OS's product name) comes from one file per platform in sources/,
 * picked by CMake, behind mb_sysinfo_platform().
 */
#ifndef MB_SYSINFO_H
#define MB_SYSINFO_H

#include <stdint.h>

#include <jansson.h>

#include "error.h"

/* The machine a run measured. Empty strings mean "not known". */
struct mb_sysinfo {
  char hostname[256];  /* gethostname(), full */
  char os[128];        /* "Debian GNU/Linux 12 (bookworm)", "macOS 14.5" */
  char kernel[256];    /* uname sysname + release, e.g. "Linux 6.1.0-18-amd64" */
  char arch[80];       /* uname machine: "x86_64", "arm64" */
  char cpu_model[256]; /* "Intel(R) Xeon(R) ...", "Apple M2" */
  unsigned cores;      /* online logical processors; 0 when not known */
};

/* The mebench build that ran (borrowed static strings from version.h). */
struct mb_buildinfo {
  const char *version;
  const char *git_commit;
  const char *compiler;
  const char *flags;
};

/* Describe this machine into si. Fields that cannot be read are left empty
 * (the run still proceeds); returns MB_OK, or MB_ESYSTEM when uname() itself
 * fails. Thread-safe. */
int mb_sysinfo_get(struct mb_sysinfo *si, struct mb_error *err);

/* The build's provenance. Never fails. */
void mb_sysinfo_build(struct mb_buildinfo *bi);

/* The JSON that run.json and restart.json record them as: "machine"
 * {hostname, os, kernel, arch, cpu_model, cores} and "mebench" {version,
 * git_commit, compiler, flags} (results/README.md). New objects; NULL when
 * out of memory. */
json_t *mb_sysinfo_json(const struct mb_sysinfo *si);
json_t *mb_buildinfo_json(const struct mb_buildinfo *bi);

/* The host name reduced to a directory-name-safe label: the part before the
 * first '.', with every character outside [A-Za-z0-9_-] replaced by '_';
 * "host" when empty. Writes at most n bytes (NUL-terminated) to out. */
void mb_sysinfo_host_label(const char *hostname, char *out, size_t n);

/* Platform part, one implementation per platform (sources/sysinfo_*.c):
 * fill si->cpu_model and si->os when the platform can tell; leave them
 * untouched otherwise. Never fails. */
void mb_sysinfo_platform(struct mb_sysinfo *si);

/* The mean current frequency, in MHz, of the CPUs in cpu_mask (bit i: CPU
 * i), read now: Linux cpufreq's scaling_cur_freq, else /proc/cpuinfo's
 * "cpu MHz"; NAN when the platform does not expose it (macOS) or mask is 0.
 * Reads a few small files; call it outside timed regions. Thread-safe. */
double mb_sysinfo_cpu_mhz(uint64_t cpu_mask);

#endif
