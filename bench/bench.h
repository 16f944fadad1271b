/// @file bench.h
/// What the benchmarks share: medians, and (from tests/harness.h, shared
/// with the tests) the clock h_now(), files, child runs, JSON fields, CSV
/// and memory cgroups.
#ifndef U3_BENCH_H
#define U3_BENCH_H

#include <stdlib.h>

#include "c3/c3.h"
#include "../tests/harness.h"

/* _b_cmp(): qsort order of doubles. */
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
