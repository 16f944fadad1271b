/// @file bench.h
/// What the benchmarks share: a monotonic clock and medians.
#ifndef U3_BENCH_H
#define U3_BENCH_H

#include <stdlib.h>
#include <time.h>

#include "c3/c3.h"

/* _b_now(): monotonic seconds. */
static inline double
_b_now(void)
{
  struct timespec tim_u;
  clock_gettime(CLOCK_MONOTONIC, &tim_u);
  return (double)tim_u.tv_sec + (double)tim_u.tv_nsec / 1e9;
}

static inline int
_b_cmp(const void* a, const void* b)
{
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

/* _b_median(): the median of num_w values (sorts them). */
static inline double
_b_median(double* val_d, c3_w num_w)
{
  qsort(val_d, num_w, sizeof(double), _b_cmp);
  return val_d[num_w / 2];
}

#endif  //  U3_BENCH_H
