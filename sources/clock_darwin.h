/* clock_darwin.h: the one way macOS collectors read time.
 *
 * mach_absolute_time(): raw ticks, unconverted, as the seed's mach_time()
 * returns them. One tick lasts numer/denom ns per mach_timebase_info
 * (125/3 on Apple Silicon's 24 MHz counter, 1/1 on Intel Macs).
 */
#ifndef MB_CLOCK_DARWIN_H
#define MB_CLOCK_DARWIN_H

#include <mach/mach_time.h>
#include <stdint.h>

#define MB_CLOCK_DARWIN_NAME "mach_absolute_time"

static inline uint64_t mb_clock_darwin_now(void)
{
  return mach_absolute_time();
}

/* The tick as a ratio of nanoseconds; 1/1 if the kernel will not say. */
static inline void mb_clock_darwin_tick(uint64_t *num, uint64_t *den)
{
  mach_timebase_info_data_t tb;

  if (mach_timebase_info(&tb) != KERN_SUCCESS || tb.numer == 0 || tb.denom == 0) {
    *num = 1;
    *den = 1;
    return;
  }
  *num = tb.numer;
  *den = tb.denom;
}

#endif
