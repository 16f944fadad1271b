/// @file clock.h
/// The one clock: monotonic nanoseconds, for progress, figures and
/// deadlines (never for anything a snapshot or the log records).
#ifndef C3_CLOCK_H
#define C3_CLOCK_H

#include <time.h>

#include "c3/c3.h"

    /* c3_nanos(): nanoseconds on the monotonic clock. */
    static inline c3_d
    c3_nanos(void)
    {
      struct timespec tim_u;
      clock_gettime(CLOCK_MONOTONIC, &tim_u);
      return (c3_d)tim_u.tv_sec * 1000000000ULL + (c3_d)tim_u.tv_nsec;
    }

#endif  //  C3_CLOCK_H
