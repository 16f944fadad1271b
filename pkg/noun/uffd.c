/// @file uffd.c
/// The userfaultfd backend of dirty tracking (Linux 6.7 and later): the
/// loom registered with a userfaultfd in asynchronous write-protect mode,
/// clean pages write-protected; the kernel lifts the protection on the
/// first write with no signal, and PAGEMAP_SCAN on /proc/self/pagemap
/// reports the pages written, whose bits _ce_uffd_scan then sets.  Also
/// the fork handlers that keep a child's bitmap exact (see track.c's
/// seam comment).  Built only where the kernel headers have the
/// interface (_ce_have_uffd); elsewhere track.c uses mprotect alone.
///
/// Invariants.  The whole loom stays registered (every fresh mapping is
/// registered again): the scan refuses a range with an unregistered part.
/// Any failure degrades to mprotect with every page dirty, with a
/// message; nothing is lost, a save writes more.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "noun/log.h"
#include "noun/events_in.h"

  /** The userfaultfd interface (Linux 6.7 and later).  The constants are
  *** stable kernel ABI, defined here where the system headers predate them.
  **/
#if _ce_have_uffd
#  ifndef UFFD_FEATURE_WP_UNPOPULATED
#    define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#  endif
#  ifndef UFFD_FEATURE_WP_ASYNC
#    define UFFD_FEATURE_WP_ASYNC (1 << 15)
#  endif
#  ifndef UFFD_USER_MODE_ONLY
#    define UFFD_USER_MODE_ONLY 1
#  endif
    /* _ce_region: struct page_region, one run PAGEMAP_SCAN reports. */
    typedef struct {
      c3_d sat_d;       //  start address
      c3_d end_d;       //  end address
      c3_d cat_d;       //  categories
    } _ce_region;

    /* _ce_scan_arg: struct pm_scan_arg. */
    typedef struct {
      c3_d siz_d;       //  sizeof this struct
      c3_d fla_d;       //  flags
      c3_d sat_d;       //  start address
      c3_d end_d;       //  end address
      c3_d wal_d;       //  out: where the walk ended
      c3_d vec_d;       //  the _ce_region array
      c3_d vln_d;       //  its length
      c3_d max_d;       //  most pages to report (0: no limit)
      c3_d inv_d;       //  categories inverted
      c3_d msk_d;       //  categories that must all match
      c3_d any_d;       //  categories of which one must match
      c3_d ret_d;       //  categories to report
    } _ce_scan_arg;

#  define _ce_pagemap_scan    _IOWR('f', 16, _ce_scan_arg)
#  define _ce_pm_check_async  (1ULL << 1)   //  PM_SCAN_CHECK_WPASYNC
#  define _ce_page_written    (1ULL << 1)   //  PAGE_IS_WRITTEN
#  define _ce_scan_regions    1024
#endif

#if _ce_have_uffd

/* _ce_fork_prep(): before fork(3), in the parent: fold every write so far
**   into the bitmap the child is about to inherit.
*/
static void
_ce_fork_prep(void)
{
  u3P.frk_t = 0;
  if ( u3P.uff_t && !u3P.yol_t && getpid() == u3P.pid_i ) {
    u3P.frk_t = ( 0 == _ce_uffd_scan(0, u3P.nor_w) ) && u3P.uff_t;
  }
}

/* _ce_fork_parent(): after fork(3), in the parent. */
static void
_ce_fork_parent(void)
{
  u3P.frk_t = 0;
}

/* _ce_fork_child(): after fork(3), in the child, before anything else
**   runs: its pages lost the userfaultfd's protection, so track by
**   protection faults from here on, every clean page read-only (its bit
**   came exact from the scan before the fork).  Async-signal-safe.
*/
static void
_ce_fork_child(void)
{
  c3_w pag_w;

  if ( !u3P.uff_t ) {
    return;
  }
  if ( !u3P.frk_t ) {
    _ce_track_mine();
    return;
  }
  u3P.frk_t = 0;
  //  the descriptors are the parent's: close ours, never use them
  close(u3P.uff_i);
  close(u3P.pam_i);
  u3P.uff_i = u3P.pam_i = -1;
  u3P.uff_t = 0;
  if ( u3P.yol_t ) {
    //  untracked anyway: the next save writes every page
    return;
  }
  pag_w = _ce_next(0, u3P.nor_w, 0);
  while ( pag_w < u3P.nor_w ) {
    c3_w end_w = _ce_next(pag_w, u3P.nor_w, 1);
    if ( mprotect(_ce_ptr(pag_w), (c3_z)(end_w - pag_w) << u3a_page_bits,
                  PROT_READ) )
    {
      //  out of mappings: these pages stay writable, and so dirty
      _ce_bits(pag_w, end_w, 1);
    }
    pag_w = _ce_next(end_w, u3P.nor_w, 0);
  }
}

/* _ce_uffd_range(): register (how_i 0), write-protect (1) or unprotect (2)
**   loom pages [bot_w, top_w).  0, or -1 with errno.
*/
c3_i
_ce_uffd_range(c3_w bot_w, c3_w top_w, c3_i how_i)
{
  c3_d sat_d = (c3_d)(uintptr_t)_ce_ptr(bot_w);
  c3_d len_d = (c3_d)(top_w - bot_w) << u3a_page_bits;
  c3_i ret_i;

  if ( bot_w >= top_w ) {
    return 0;
  }
  do {
    if ( 0 == how_i ) {
      struct uffdio_register reg_u;
      memset(&reg_u, 0, sizeof(reg_u));
      reg_u.range.start = sat_d;
      reg_u.range.len   = len_d;
      reg_u.mode        = UFFDIO_REGISTER_MODE_WP;
      ret_i = ioctl(u3P.uff_i, UFFDIO_REGISTER, &reg_u);
    }
    else {
      struct uffdio_writeprotect pro_u;
      memset(&pro_u, 0, sizeof(pro_u));
      pro_u.range.start = sat_d;
      pro_u.range.len   = len_d;
      pro_u.mode        = ( 1 == how_i ) ? UFFDIO_WRITEPROTECT_MODE_WP : 0;
      ret_i = ioctl(u3P.uff_i, UFFDIO_WRITEPROTECT, &pro_u);
    }
  } while ( ret_i && (EINTR == errno || EAGAIN == errno) );
  return ret_i;
}

/* _ce_uffd_scan(): set the bits of the pages written in [bot_w, top_w),
**   counting those newly dirty as faults.  0, or -1 (degraded).
*/
c3_i
_ce_uffd_scan(c3_w bot_w, c3_w top_w)
{
  static _ce_region vec_u[_ce_scan_regions];
  c3_d sat_d = (c3_d)(uintptr_t)_ce_ptr(bot_w);
  c3_d end_d = (c3_d)(uintptr_t)_ce_ptr(top_w);
  c3_d bas_d = (c3_d)(uintptr_t)u3a_loom_base;

  while ( sat_d < end_d ) {
    _ce_scan_arg arg_u;
    memset(&arg_u, 0, sizeof(arg_u));
    arg_u.siz_d = sizeof(arg_u);
    arg_u.fla_d = _ce_pm_check_async;
    arg_u.sat_d = sat_d;
    arg_u.end_d = end_d;
    arg_u.vec_d = (c3_d)(uintptr_t)vec_u;
    arg_u.vln_d = _ce_scan_regions;
    arg_u.msk_d = _ce_page_written;
    arg_u.ret_d = _ce_page_written;

    long ret_l = ioctl(u3P.pam_i, _ce_pagemap_scan, &arg_u);
    if ( ret_l < 0 ) {
      if ( EINTR == errno ) continue;
      c3_c why_c[128];
      snprintf(why_c, sizeof(why_c), "PAGEMAP_SCAN: %s", strerror(errno));
      _ce_track_degrade(why_c);
      return -1;
    }
    for ( long i_l = 0; i_l < ret_l; i_l++ ) {
      c3_w bot_w = (c3_w)((vec_u[i_l].sat_d - bas_d) >> u3a_page_bits);
      c3_w top_w = (c3_w)((vec_u[i_l].end_d - bas_d + u3a_page_bytes - 1)
                          >> u3a_page_bits);
      for ( c3_w pag_w = bot_w; pag_w < top_w; pag_w++ ) {
        if ( !_ce_bit(pag_w) ) {
          _ce_bit_set(pag_w);
          u3e_Stat.faults_d++;
        }
      }
    }
    if ( arg_u.wal_d <= sat_d ) {
      break;
    }
    sat_d = arg_u.wal_d;
  }
  return 0;
}

/* _ce_uffd_open(): start userfaultfd tracking of the loom (every page
**   dirty: registered, not protected).  0, or -1 with why_c filled.
*/
c3_i
_ce_uffd_open(c3_c* why_c, c3_z why_z)
{
  struct uffdio_api api_u;
  c3_i fid_i = (c3_i)syscall(SYS_userfaultfd,
                             O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);

  if ( 0 > fid_i && EINVAL == errno ) {
    fid_i = (c3_i)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
  }
  if ( 0 > fid_i ) {
    snprintf(why_c, why_z, "userfaultfd: %s", strerror(errno));
    return -1;
  }
  memset(&api_u, 0, sizeof(api_u));
  api_u.api      = UFFD_API;
  api_u.features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED;
  if ( ioctl(fid_i, UFFDIO_API, &api_u) ) {
    snprintf(why_c, why_z, "userfaultfd: asynchronous write-protection "
             "unsupported (Linux 6.7 or later needed): %s", strerror(errno));
    close(fid_i);
    return -1;
  }
  u3P.uff_i = fid_i;
  u3P.pam_i = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if ( 0 > u3P.pam_i ) {
    snprintf(why_c, why_z, "open /proc/self/pagemap: %s", strerror(errno));
    _ce_uffd_close();
    return -1;
  }
  u3P.pid_i = getpid();
  u3P.uff_t = 1;
  {
    static c3_t fok_t;
    if ( !fok_t ) {
      fok_t = ( 0 == pthread_atfork(_ce_fork_prep, _ce_fork_parent,
                                    _ce_fork_child) );
    }
    if ( !fok_t ) {
      snprintf(why_c, why_z, "pthread_atfork: cannot follow forks");
      _ce_uffd_close();
      return -1;
    }
  }
  if ( _ce_uffd_range(0, u3P.pag_w, 0) ) {
    snprintf(why_c, why_z, "userfaultfd: register the loom: %s",
             strerror(errno));
    _ce_uffd_close();
    return -1;
  }
  if ( _ce_uffd_scan(0, 1) ) {
    snprintf(why_c, why_z, "PAGEMAP_SCAN does not work here");
    return -1;
  }
  return 0;
}
#endif
