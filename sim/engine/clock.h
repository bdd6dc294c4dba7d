/* The monotonic clock, for what is measured by the wall clock: a split run's pace, the waits
 * between windows (barrier, ranks), the speed line and the progress line. Never simulated time,
 * never a result. */
#ifndef VPCSIM_CLOCK_H
#define VPCSIM_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline double clock_mono_s(void)
{
    return (double)clock_mono_ns() * 1e-9;
}

#endif
