/// @file bench.h
/// What the benchmarks share: medians, and (from tests/harness.h, shared
/// with the tests) the clock h_now(), files, child runs, JSON fields, CSV
/// and memory cgroups.
#ifndef U3_BENCH_H
#define U3_BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

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

/* _b_number(): flag fla_c's argument txt_c, a whole number from 1 to
**   max_d; 0 if it is not one, said on stderr as program pro_c.
*/
static inline c3_d
_b_number(const c3_c* pro_c, const c3_c* txt_c, c3_d max_d, const c3_c* fla_c)
{
  c3_c*              end_c;
  unsigned long long val_l;

  errno = 0;
  val_l = strtoull(txt_c, &end_c, 10);
  if ( errno || end_c == txt_c || *end_c || '-' == txt_c[0] || !val_l
       || val_l > max_d )
  {
    fprintf(stderr, "%s: %s: a whole number from 1 to %llu, not '%s'\n",
            pro_c, fla_c, (unsigned long long)max_d, txt_c);
    return 0;
  }
  return (c3_d)val_l;
}

/* _b_faults(): page faults of this process so far, minor and major (a
**   first touch of a file page that reads it, a hole included, is major).
*/
static inline c3_d
_b_faults(void)
{
  struct rusage use_u;
  getrusage(RUSAGE_SELF, &use_u);
  return (c3_d)use_u.ru_minflt + (c3_d)use_u.ru_majflt;
}

#endif  //  U3_BENCH_H
