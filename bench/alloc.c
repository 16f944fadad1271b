/// @file alloc.c
/// Benchmark: loom cell allocation (16 bytes) against glibc, jemalloc and
/// mimalloc, in the same run.  jemalloc and mimalloc are Debian's shared
/// libraries (libjemalloc-dev, libmimalloc-dev), opened at run time with
/// dlopen and used through their own entry points (jemalloc's malloc/free,
/// mimalloc's mi_malloc/mi_free); one that cannot be opened is reported and
/// skipped.  Nothing in pkg/ depends on them.
///
/// Every allocator runs the same loops, with one call per allocation and
/// per free (the loom's u3a_celloc and u3a_wfree directly, the others
/// through the pointers dlsym gave).  Patterns, each over N cells:
///
///   hot     allocate 64 Ki, then free them in order, N / 64 Ki times:
///           in the cache, no page faults (the allocator's own cost)
///   batch   allocate N, then free N in allocation order
///   churn   keep 64 Ki cells live; N times free a random one, allocate
///   random  allocate N, then free them in a random order
///   list    a list built and freed: u3nc + u3z on the loom (the noun
///           path, refcounts and all), 16-byte malloc'd nodes otherwise
///
/// Prints cells allocated and freed per second of this thread's CPU time
/// (medians of the rounds; a first round warms up and is not counted),
/// the ratios loom / each (above 1.0 the loom is faster: the median of
/// the rounds' ratios, each taken between runs next to each other in
/// time), and memory per cell (the resident growth over N live cells in
/// the first round).
///
///   build/gcc/bench/alloc [cells] [rounds] [allocators]
///
/// allocators: a comma-separated subset of loom,glibc,jemalloc,mimalloc
/// (all by default), for profiling one at a time.
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "noun/noun.h"
#include "bench.h"

typedef void* (*_b_alloc_f)(size_t);
typedef void  (*_b_free_f)(void*);

typedef struct {
  const char* nam_c;       //  name
  _b_alloc_f  alo_f;       //  allocate 16 bytes, or 0: skipped
  _b_free_f   fre_f;
  c3_t        own_t;       //  writes a cell's first 8 bytes itself
  double      byt_d;       //  resident bytes per live cell
} _b_alloc;

#define _b_pats   5
#define _b_rounds 64
static const char* _b_pat_c[_b_pats] = { "hot", "batch", "churn", "random", "list" };

#define _b_live_bits 16      //  churn's working set: 2^16 cells

/* _b_loom_alloc(): a loom cell, as malloc would be called. */
static void*
_b_loom_alloc(size_t len_z)
{
  (void)len_z;
  return u3a_celloc();
}

/* _b_loom_free(): free a loom cell. */
static void
_b_loom_free(void* ptr_v)
{
  u3a_wfree(ptr_v);
}

/* _b_open(): entry points alo_c/fre_c of library lib_c, or a skip. */
static void
_b_open(_b_alloc* alo_u, const char* nam_c, const char* lib_c,
        const char* alo_c, const char* fre_c)
{
  void* han_v = dlopen(lib_c, RTLD_NOW | RTLD_LOCAL);

  alo_u->nam_c = nam_c;
  alo_u->alo_f = 0;
  alo_u->fre_f = 0;
  alo_u->own_t = 0;
  alo_u->byt_d = 0;
  if ( !han_v ) {
    const c3_c* err_c = dlerror();
    err_c = err_c ? err_c : "unknown error";
    printf("  %s: skipped (dlopen %s: %s%s%s%s)\n", nam_c, lib_c, err_c,
           strstr(err_c, "No such file") ? "; apt-get install lib" : "",
           strstr(err_c, "No such file") ? nam_c : "",
           strstr(err_c, "No such file") ? "-dev" : "");
    return;
  }
  alo_u->alo_f = (_b_alloc_f)dlsym(han_v, alo_c);
  alo_u->fre_f = (_b_free_f)dlsym(han_v, fre_c);
  if ( !alo_u->alo_f || !alo_u->fre_f ) {
    printf("  %s: skipped (dlsym %s, %s in %s: %s)\n",
           nam_c, alo_c, fre_c, lib_c, dlerror());
    alo_u->alo_f = 0;
  }
}

/* _b_cpu(): this thread's CPU time in seconds.  On a shared machine the
**   wall clock also counts the time other processes ran; CPU time still
**   counts page faults (system time).
*/
static double
_b_cpu(void)
{
  struct timespec tim_u;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &tim_u);
  return (double)tim_u.tv_sec + (double)tim_u.tv_nsec * 1e-9;
}

/* _b_fill(): write a new cell's 16 bytes, as a constructor would (the
**   loom's refcount and mug are written by u3a_celloc itself).
*/
static inline void
_b_fill(c3_t own_t, void* ptr_v, c3_w val_w)
{
  c3_w* cel_w = ptr_v;

  if ( !own_t ) {
    cel_w[0] = val_w;
    cel_w[1] = val_w;
  }
  cel_w[2] = val_w;
  cel_w[3] = val_w;
}

/* _b_tls(): restart once with more static TLS for dlopen.  jemalloc's
**   thread data is initial-exec TLS, which a library opened with dlopen
**   must find in the surplus glibc reserves at start (too small by
**   default: "cannot allocate memory in static TLS block").
*/
static void
_b_tls(char** argv)
{
  const char* tun_c = getenv("GLIBC_TUNABLES");
  char        buf_c[512];

  if ( tun_c && strstr(tun_c, "glibc.rtld.optional_static_tls") ) {
    return;
  }
  snprintf(buf_c, sizeof(buf_c), "%s%sglibc.rtld.optional_static_tls=16384",
           tun_c ? tun_c : "", tun_c ? ":" : "");
  if ( setenv("GLIBC_TUNABLES", buf_c, 1) ) {
    return;
  }
  execv("/proc/self/exe", argv);
  fprintf(stderr, "bench/alloc: execv /proc/self/exe: %s (jemalloc may be "
          "skipped)\n", strerror(errno));
}

/* _b_rss(): resident bytes of this process. */
static double
_b_rss(void)
{
  FILE* fil_u = fopen("/proc/self/statm", "r");
  unsigned long siz_l = 0, res_l = 0;

  if ( fil_u ) {
    if ( 2 != fscanf(fil_u, "%lu %lu", &siz_l, &res_l) ) {
      res_l = 0;
    }
    fclose(fil_u);
  }
  return (double)res_l * 4096.0;
}

/* _b_batch(): allocate num_w cells, then free them in order; ops/s. */
static inline __attribute__((always_inline)) double
_b_batch(_b_alloc* alo_u, _b_alloc_f alo_f, _b_free_f fre_f, c3_t own_t,
         void** ptr_v, c3_w num_w, c3_t byt_t)
{
  double     rss_d = byt_t ? _b_rss() : 0;
  double     t0    = _b_cpu();

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    ptr_v[i_w] = alo_f(16);
    _b_fill(own_t, ptr_v[i_w], i_w);
  }
  if ( byt_t ) {
    double now_d = _b_cpu();
    alo_u->byt_d = (_b_rss() - rss_d) / num_w;
    t0 += _b_cpu() - now_d;
  }
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    fre_f(ptr_v[i_w]);
  }
  return (double)num_w / (_b_cpu() - t0);
}

/* _b_hot(): batches of 64 Ki cells allocated and freed; ops/s. */
static inline __attribute__((always_inline)) double
_b_hot(_b_alloc_f alo_f, _b_free_f fre_f, c3_t own_t,
       void** ptr_v, c3_w num_w)
{
  c3_w       liv_w = 1U << _b_live_bits;
  c3_w       bat_w = num_w >> _b_live_bits;
  double     t0    = _b_cpu();

  for ( c3_w b_w = 0; b_w < bat_w; b_w++ ) {
    for ( c3_w i_w = 0; i_w < liv_w; i_w++ ) {
      ptr_v[i_w] = alo_f(16);
      _b_fill(own_t, ptr_v[i_w], i_w);
    }
    for ( c3_w i_w = 0; i_w < liv_w; i_w++ ) {
      fre_f(ptr_v[i_w]);
    }
  }
  return (double)bat_w * liv_w / (_b_cpu() - t0);
}

/* _b_churn(): num_w random frees and allocations over a fixed live set. */
static inline __attribute__((always_inline)) double
_b_churn(_b_alloc_f alo_f, _b_free_f fre_f, c3_t own_t,
         void** ptr_v, const c3_w* idx_w, c3_w num_w)
{
  c3_w       liv_w = 1U << _b_live_bits;
  double     t0    = _b_cpu();

  for ( c3_w i_w = 0; i_w < liv_w; i_w++ ) {
    ptr_v[i_w] = alo_f(16);
    _b_fill(own_t, ptr_v[i_w], i_w);
  }
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    c3_w j_w = idx_w[i_w] & (liv_w - 1);
    fre_f(ptr_v[j_w]);
    ptr_v[j_w] = alo_f(16);
    _b_fill(own_t, ptr_v[j_w], i_w);
  }
  for ( c3_w i_w = 0; i_w < liv_w; i_w++ ) {
    fre_f(ptr_v[i_w]);
  }
  return (double)(num_w + liv_w) / (_b_cpu() - t0);
}

/* _b_random(): allocate num_w cells, free them in the order of per_w. */
static inline __attribute__((always_inline)) double
_b_random(_b_alloc_f alo_f, _b_free_f fre_f, c3_t own_t,
          void** ptr_v, const c3_w* per_w, c3_w num_w)
{
  double     t0    = _b_cpu();

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    ptr_v[i_w] = alo_f(16);
    _b_fill(own_t, ptr_v[i_w], i_w);
  }
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    fre_f(ptr_v[per_w[i_w]]);
  }
  return (double)num_w / (_b_cpu() - t0);
}

typedef struct _b_node { struct _b_node* nex_u; c3_w val_w; } _b_node;

/* _b_list(): a num_w-long list built and freed; ops/s. */
static inline __attribute__((always_inline)) double
_b_list(_b_alloc_f alo_f, _b_free_f fre_f, c3_t own_t,
        c3_w num_w)
{
  double t0 = _b_cpu();

  if ( own_t ) {
    u3_noun lis = 0;
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      lis = u3nc(i_w, lis);
    }
    u3z(lis);
  }
  else {
    _b_node*   top_u = 0;

    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      _b_node* nod_u = alo_f(sizeof(_b_node));
      nod_u->nex_u = top_u;
      nod_u->val_w = i_w;
      top_u = nod_u;
    }
    while ( top_u ) {
      _b_node* nex_u = top_u->nex_u;
      fre_f(top_u);
      top_u = nex_u;
    }
  }
  return (double)num_w / (_b_cpu() - t0);
}

/* _b_run(): pattern p_w with allocator alo_u through alo_f and fre_f. */
#define _b_run(p_w, alo_u, alo_f, fre_f, own_t, ptr_v, idx_w, per_w, num_w, byt_t) \
  switch ( p_w ) {                                                              \
    case 0:  return _b_hot(alo_f, fre_f, own_t, ptr_v, num_w);           \
    case 1:  return _b_batch(alo_u, alo_f, fre_f, own_t, ptr_v, num_w, byt_t);  \
    case 2:  return _b_churn(alo_f, fre_f, own_t, ptr_v, idx_w, num_w);  \
    case 3:  return _b_random(alo_f, fre_f, own_t, ptr_v, per_w, num_w); \
    default: return _b_list(alo_f, fre_f, own_t, num_w);                 \
  }

/* _b_run_loom(): a pattern on the loom, its entry points called directly. */
static __attribute__((noinline)) double
_b_run_loom(c3_w p_w, _b_alloc* alo_u, void** ptr_v, const c3_w* idx_w,
            const c3_w* per_w, c3_w num_w, c3_t byt_t)
{
  _b_run(p_w, alo_u, _b_loom_alloc, _b_loom_free, 1, ptr_v, idx_w, per_w, num_w, byt_t);
}

/* _b_run_ptr(): a pattern on a malloc, called through its pointers (one
**   call per operation, as for the loom).
*/
static __attribute__((noinline)) double
_b_run_ptr(c3_w p_w, _b_alloc* alo_u, void** ptr_v, const c3_w* idx_w,
           const c3_w* per_w, c3_w num_w, c3_t byt_t)
{
  _b_run(p_w, alo_u, alo_u->alo_f, alo_u->fre_f, 0, ptr_v, idx_w, per_w, num_w, byt_t);
}

int
main(int argc, char** argv)
{
  c3_w num_w = ( argc > 1 ) ? (c3_w)strtoul(argv[1], 0, 10) : 10000000;
  c3_w rnd_w = ( argc > 2 ) ? (c3_w)strtoul(argv[2], 0, 10) : 7;
  _b_alloc alo_u[4];
  c3_w     ner_w = 0;
  static double res_d[4][_b_pats][_b_rounds];

  _b_tls(argv);

  if ( num_w < (1U << _b_live_bits) || num_w > (1U << 28) || 0 == rnd_w ) {
    fprintf(stderr, "bench/alloc: cells from %u to %u, rounds at least 1\n",
            1U << _b_live_bits, 1U << 28);
    return 1;
  }
  if ( rnd_w > _b_rounds ) rnd_w = _b_rounds;

  void** ptr_v = malloc(sizeof(void*) * num_w);
  c3_w*  idx_w = malloc(sizeof(c3_w) * num_w);
  c3_w*  per_w = malloc(sizeof(c3_w) * num_w);

  if ( !ptr_v || !idx_w || !per_w ) {
    fprintf(stderr, "bench/alloc: out of memory for %u cells\n", num_w);
    return 1;
  }
  if ( u3m_init(31) ) {
    return 1;
  }
  u3m_pave();

  //  the random orders, and every array touched before anything is timed
  //
  c3_d ran_d = 0x9e3779b97f4a7c15ULL;
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    ran_d ^= ran_d << 13; ran_d ^= ran_d >> 7; ran_d ^= ran_d << 17;
    idx_w[i_w] = (c3_w)(ran_d >> 32);
    per_w[i_w] = i_w;
  }
  for ( c3_w i_w = num_w; i_w-- > 1; ) {
    ran_d ^= ran_d << 13; ran_d ^= ran_d >> 7; ran_d ^= ran_d << 17;
    c3_w j_w = (c3_w)((ran_d >> 32) % (i_w + 1));
    c3_w t_w = per_w[i_w];
    per_w[i_w] = per_w[j_w];
    per_w[j_w] = t_w;
  }
  memset(ptr_v, 0xff, sizeof(void*) * num_w);

  printf("alloc: %u cells, %u rounds, medians (alloc + free per second)\n",
         num_w, rnd_w);
  alo_u[ner_w++] = (_b_alloc){ "loom", _b_loom_alloc, _b_loom_free, 1, 0 };
  alo_u[ner_w++] = (_b_alloc){ "glibc", malloc, free, 0, 0 };
  _b_open(&alo_u[ner_w++], "jemalloc", "libjemalloc.so.2", "malloc", "free");
  _b_open(&alo_u[ner_w++], "mimalloc", "libmimalloc.so.2", "mi_malloc", "mi_free");

  for ( c3_w a_w = 0; argc > 3 && a_w < ner_w; a_w++ ) {
    if ( alo_u[a_w].alo_f && !strstr(argv[3], alo_u[a_w].nam_c) ) {
      printf("  %s: not selected\n", alo_u[a_w].nam_c);
      alo_u[a_w].alo_f = 0;
    }
  }

  //  round 0 warms every allocator up (its pages faulted in) and measures
  //  memory per cell; it is not counted.  Allocators take turns pattern
  //  by pattern, starting with a different one each round, so that a
  //  change in the machine's load falls on all of them alike.
  //
  for ( c3_w r_w = 0; r_w <= rnd_w; r_w++ ) {
    for ( c3_w p_w = 0; p_w < _b_pats; p_w++ ) {
      for ( c3_w k_w = 0; k_w < ner_w; k_w++ ) {
        c3_w      a_w   = (k_w + r_w) % ner_w;
        _b_alloc* one_u = &alo_u[a_w];
        double    opr_d;

        if ( !one_u->alo_f ) continue;
        if ( one_u->own_t ) {
          opr_d = _b_run_loom(p_w, one_u, ptr_v, idx_w, per_w, num_w, 0 == r_w);
        }
        else {
          opr_d = _b_run_ptr(p_w, one_u, ptr_v, idx_w, per_w, num_w, 0 == r_w);
        }
        if ( r_w ) {
          res_d[a_w][p_w][r_w - 1] = opr_d;
        }
      }
    }
  }

  double med_d[4][_b_pats];
  for ( c3_w a_w = 0; a_w < ner_w; a_w++ ) {
    for ( c3_w p_w = 0; p_w < _b_pats; p_w++ ) {
      double cop_d[_b_rounds];
      memcpy(cop_d, res_d[a_w][p_w], sizeof(double) * rnd_w);
      med_d[a_w][p_w] = alo_u[a_w].alo_f ? _b_median(cop_d, rnd_w) : 0;
    }
  }

  printf("  %-8s", "pattern");
  for ( c3_w a_w = 0; a_w < ner_w; a_w++ ) {
    printf("  %9s", alo_u[a_w].nam_c);
  }
  for ( c3_w a_w = 1; a_w < ner_w; a_w++ ) {
    printf("  loom/%-8s", alo_u[a_w].nam_c);
  }
  printf("\n");
  for ( c3_w p_w = 0; p_w < _b_pats; p_w++ ) {
    printf("  %-8s", _b_pat_c[p_w]);
    for ( c3_w a_w = 0; a_w < ner_w; a_w++ ) {
      if ( alo_u[a_w].alo_f ) printf("  %5.1f M/s", med_d[a_w][p_w] / 1e6);
      else                    printf("  %9s", "skipped");
    }
    for ( c3_w a_w = 1; a_w < ner_w; a_w++ ) {
      if ( alo_u[a_w].alo_f && alo_u[0].alo_f ) {
        double rat_d[_b_rounds];
        for ( c3_w r_w = 0; r_w < rnd_w; r_w++ ) {
          rat_d[r_w] = res_d[0][p_w][r_w] / res_d[a_w][p_w][r_w];
        }
        printf("  %13.2f", _b_median(rat_d, rnd_w));
      }
      else                    printf("  %13s", "-");
    }
    printf("\n");
  }
  printf("  %-8s", "B/cell");
  for ( c3_w a_w = 0; a_w < ner_w; a_w++ ) {
    if ( alo_u[a_w].alo_f ) printf("  %9.2f", alo_u[a_w].byt_d);
    else                    printf("  %9s", "skipped");
  }
  printf("\n");

  u3m_fini();
  free(ptr_v);
  free(idx_w);
  free(per_w);
  return 0;
}
