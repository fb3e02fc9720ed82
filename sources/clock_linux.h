/* clock_linux.h: the one way Linux collectors read time.
 *
 * CLOCK_MONOTONIC_RAW in nanoseconds: not slewed by NTP (like
 * mach_absolute_time, which no daemon adjusts), read through the vDSO
 * without a system call. One tick is 1/1 ns. Inline so the timed region
 * holds nothing but the read itself.
 */
#ifndef MB_CLOCK_LINUX_H
#define MB_CLOCK_LINUX_H

#include <stdint.h>
#include <time.h>

#define MB_CLOCK_LINUX_NAME "CLOCK_MONOTONIC_RAW"

static inline uint64_t mb_clock_linux_now(void)
{
  struct timespec ts;

  /* Cannot fail for a valid clock id on Linux >= 2.6.28; probe() checks. */
  clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
