/// @file events.c
/// u3e: the snapshot image, the patch that updates it crash-consistently,
/// dirty-page tracking, and the guard page.
///
/// Files.  A pier keeps its image in PIER/.urb/chk/:
///
///   north.bin   the image: loom pages [0, N), byte for byte, N * 16 KiB.
///   sums.bin    the image's page checksums:
///                 0  u32  magic "sums" (0x736d7573)
///                 4  u32  format version, 1
///                 8  u32  page size in bits, 14
///                12  u32  reserved, zero
///                16  N x u32  CRC-32C of each page of north.bin, in order
///   control.bin a patch's table of contents (present only while a save is
///               in flight, or after a crash during one):
///                 0  u32  magic "ptch" (0x68637470)
///                 4  u32  format version, 1
///                 8  u32  page size in bits, 14
///                12  u32  N', the image's pages once the patch is applied
///                16  u32  P, the number of pages in the patch
///                20  u32  CRC-32C of bytes 0..19 and the P entries
///                24  P x { u32 page number, u32 CRC-32C of the page },
///                    page numbers strictly ascending and below N'
///   memory.bin  the patch's pages: P * 16 KiB, in the order of the entries.
///
/// Integers are little-endian (the host order: the image itself is host
/// order, and only little-endian hosts are supported).
///
/// Page states.  Every loom page is in one of these, recorded in the dirty
/// bitmap (one bit per page, outside the loom) and in its protection:
///
///   clean   bit 0, write-protected; below the image top N; its contents
///           equal page p of north.bin.  Mapped MAP_PRIVATE from north.bin
///           (the kernel reads it in on first touch), or, with demand
///           paging off, copied into anonymous memory.
///   dirty   bit 1, writable: anonymous memory, or the private copy the
///           kernel made of a file page on its first write.  Every page at
///           or above N is dirty.
///   guard   bit 1, PROT_NONE: one page in the middle of the current road's
///           free gap, so that heap or stack growth running into it faults.
///
/// Write protection comes from one of two backends, chosen at u3e_init:
/// mprotect (clean pages are read-only, and their first write faults into
/// u3e_fault, which makes them writable and sets their bit), or, on Linux
/// 6.7 and later, a userfaultfd in asynchronous write-protect mode (clean
/// pages are writable but write-protected; the kernel lifts the protection
/// on the first write without a signal, and PAGEMAP_SCAN later reports the
/// pages written, whose bits are then set: at a save, or in u3e_dirty).
/// Bits only ever over-approximate: a page with its bit clear was not
/// written since it was saved, and a save writes every page it may need.
///
/// Transitions.  u3e_init: every page dirty.  u3e_live: pages below N clean,
/// the rest dirty.  A first write to a clean page makes it dirty (its bit
/// set at once, or at the next scan).  u3e_save: the dirty pages below its
/// new top N' become clean again.  u3e_ward and a fault on the guard
/// page move the guard: the old guard page becomes dirty (gap pages are
/// dirty anyway), the new one PROT_NONE.  u3e_foul: every page dirty.
/// u3e_yolo: every page writable without its bit (no tracking); the next
/// save then writes every page.  Invariant: a clean page is exactly as in
/// north.bin, so a save that writes the dirty pages below N' reproduces the
/// loom's [0, N') in north.bin.
///
/// The save (u3e_save), with what is durable when:
///
///   1. write every dirty page below N' to memory.bin (runs of contiguous
///      pages, many runs per vectored write), then control.bin with each
///      page's checksum and its own; sync both, then the directory.
///      Until this point north.bin is untouched: a crash leaves the old
///      image (a control.bin that reached the disk before memory.bin did
///      names pages that fail their checksums, and is discarded).  Once
///      both files and their names are durable the patch is committed:
///      the image is north.bin with the patch applied.
///   2. apply: write the pages into north.bin at their offsets and their
///      checksums into sums.bin, cut or extend both to N', sync both.
///      Applying is idempotent, so a crash here is repaired by applying
///      the patch again.
///   3. unlink control.bin, then memory.bin.  Not synced: a crash may
///      bring the patch back until the next commit syncs the directory,
///      and it is then applied again to the image it made (a no-op) or,
///      torn, discarded after the image is verified.
///   4. the saved pages become clean: mapped afresh from north.bin,
///      read-only (their private copies are dropped).
///
/// A failure (disk full, I/O error) before the commit removes the patch
/// and leaves the old image; after it, the patch stays pending and the
/// next save (or the next start) applies it again before anything else.
/// Dirty bits are cleared only when a save has completed, so a failed
/// save loses nothing: the next one writes the same pages and more.
///
/// Start (u3e_live).  The image is judged first, changing nothing
/// (_ce_judge, the one validator u3e_judge and `urbit check` share): a
/// leftover patch is checked whole (control.bin's checksum and shape,
/// memory.bin's size and every page's checksum); the home header's
/// geometry and format (other ones are refused, never rebuilt); then every
/// page the image keeps from north.bin against sums.bin, in one sequential
/// read that also warms the page cache the image is demand-paged from.  A
/// damaged page, or a north.bin with no checksums to verify it (sums.bin
/// missing or empty), means the image is not trusted: the caller rebuilds
/// from the log after u3e_wipe, or refuses.  Only a usable image is acted
/// on: a valid patch is applied again, a damaged one discarded (the image
/// without it was verified whole: a patch damaged while half applied
/// leaves a mix, which is not trusted).  A failure while applying (a full
/// disk, an I/O error) is not damage: everything is kept and the start
/// stops; the next start applies the same patch.  Bad files always get a
/// message, never an assertion.  u3e_live_read is the same judged start,
/// read-only: a valid patch is laid over a private view of north.bin in
/// memory only.
///
/// Shrinking.  Truncating north.bin also discards the private copies of
/// the pages beyond its new end, so before cutting it, a save moves the
/// loom's pages in [N', N) into anonymous memory: dirty ones with their
/// contents, clean ones as zero pages (above the home heap's frontier they
/// are free gap and hold nothing).
///
/// Limits.  Protection faults split the loom's mapping: in the worst case
/// (every other page dirty) one mapping per page, and the kernel bounds a
/// process's mappings (vm.max_map_count, 65,530 by default).  When none
/// are left, a fault opens an ever wider aligned block (up to the whole
/// loom) and marks it dirty: the next save writes more than was changed,
/// and leaves few mappings.  A system call that writes into a clean page
/// (read(2) into the loom, say) fails with EFAULT instead of faulting:
/// write into the loom from user space, or u3e_foul first.  One process
/// opens a pier at a time (the runtime's pier lock, PIER/.urb/lock, and the
/// event log's lock enforce it).
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#  include <linux/userfaultfd.h>
#  include <sys/ioctl.h>
#  include <sys/syscall.h>
#endif

#include "c3/crc.h"
#include "c3/io.h"
#include "noun/events.h"
#include "noun/manage.h"
#include "noun/options.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#  error "the image formats are little-endian: this host is not"
#endif

u3e_stats u3e_Stat;

#define _ce_max_pages  (1U << (u3a_bits_max - u3a_page_bits))
#define _ce_ctl_magic  c3_s4('p', 't', 'c', 'h')
#define _ce_sum_magic  c3_s4('s', 'u', 'm', 's')
#define _ce_version    1
#define _ce_sum_head   16                    //  bytes before sums.bin's table
#define _ce_run_pages  64                    //  pages per buffered file copy

  /** The userfaultfd interface (Linux 6.7 and later).  The constants are
  *** stable kernel ABI, defined here where the system headers predate them.
  **/
#if defined(__linux__) && defined(UFFDIO_WRITEPROTECT) && defined(SYS_userfaultfd)
#  define _ce_have_uffd 1
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
#else
#  define _ce_have_uffd 0
#endif

  /** State.
  **/
    /* u3e_control: control.bin's header. */
    typedef struct {
      c3_w mag_w;       //  _ce_ctl_magic
      c3_w ver_w;       //  _ce_version
      c3_w pag_bits_w;  //  u3a_page_bits
      c3_w nor_w;       //  image pages after the patch
      c3_w pgs_w;       //  pages in the patch
      c3_w sum_w;       //  CRC-32C of the header (this field 0) and entries
    } u3e_control;

    /* u3e_line: one page of a patch. */
    typedef struct {
      c3_w pag_w;       //  page number
      c3_w sum_w;       //  CRC-32C of its 16 KiB
    } u3e_line;

    /* u3e_pool: the persistence pool, u3P: everything this module keeps.
    */
    typedef struct {
      c3_t  uff_t;                 //  tracking by userfaultfd, not mprotect
      c3_i  uff_i;                 //  the userfaultfd
      c3_i  pam_i;                 //  /proc/self/pagemap
      pid_t pid_i;                 //  the process they belong to
      c3_t  frk_t;                 //  bits scanned for a fork in progress
      c3_t  ini_t;                 //  u3e_init ran: the bitmap is live
      c3_t  liv_t;                 //  an image is open (u3e_live)
      c3_t  yol_t;                 //  tracking suspended (u3e_yolo)
      c3_t  pen_t;                 //  a committed patch awaits applying
      c3_w  pag_w;                 //  loom pages
      c3_w  nor_w;                 //  image pages; clean pages lie below
      c3_w  gar_w;                 //  the guard page, 0 if none
      c3_i  dir_i;                 //  the chk directory
      c3_i  nor_i;                 //  north.bin
      c3_i  sum_i;                 //  sums.bin
      c3_w* sum_w;                 //  the image's page checksums
      c3_c  dir_c[PATH_MAX];       //  path of the chk directory
      c3_d  dit_d[_ce_max_pages / 64];  //  dirty bits, one per page
    } u3e_pool;

static u3e_pool u3P = { .uff_i = -1, .pam_i = -1,
                        .dir_i = -1, .nor_i = -1, .sum_i = -1 };
static c3_c     _ce_want_c = 'd';    //  backend asked for: d(efault), m, u

  /** Memory policies' state (see "Memory policies" below).
  **/
#define _ce_back_pages 16          //  pages backed per lazy fault (x4 in swap)
static c3_i _ce_swp_i = -1;                   //  the scratch file, or -1
static c3_d _ce_lzy_d[_ce_max_pages / 64];    //  lazy: unbacked, read-only
static c3_t _ce_lzy_t;                        //  lazy pages in use

/* _ce_lzy(): 1 if page pag_w is lazy (never written since backed off). */
static inline c3_t
_ce_lzy(c3_w pag_w)
{
  return (_ce_lzy_d[pag_w >> 6] >> (pag_w & 63)) & 1;
}

/* _ce_lzy_bits(): set (val_t 1) or clear the lazy bits of [lo_w, hi_w). */
static void
_ce_lzy_bits(c3_w lo_w, c3_w hi_w, c3_t val_t)
{
  for ( ; lo_w < hi_w && (lo_w & 63); lo_w++ ) {
    if ( val_t ) _ce_lzy_d[lo_w >> 6] |= 1ULL << (lo_w & 63);
    else         _ce_lzy_d[lo_w >> 6] &= ~(1ULL << (lo_w & 63));
  }
  for ( ; lo_w + 64 <= hi_w; lo_w += 64 ) {
    _ce_lzy_d[lo_w >> 6] = val_t ? ~0ULL : 0;
  }
  for ( ; lo_w < hi_w; lo_w++ ) {
    if ( val_t ) _ce_lzy_d[lo_w >> 6] |= 1ULL << (lo_w & 63);
    else         _ce_lzy_d[lo_w >> 6] &= ~(1ULL << (lo_w & 63));
  }
}

static c3_i _ce_lazy_map(c3_w lo_w, c3_w hi_w);
static c3_i _ce_swap_home(c3_w pag_w, c3_t lzy_t);
static c3_i _ce_lazy_back(c3_w pag_w);
static c3_i _ce_swap_flaw(c3_w pag_w);
static void _ce_swap_punch(c3_w lo_w, c3_w hi_w);

  /** The dirty bitmap.
  **/
/* _ce_bit(): 1 if page pag_w is dirty. */
static inline c3_t
_ce_bit(c3_w pag_w)
{
  return (u3P.dit_d[pag_w >> 6] >> (pag_w & 63)) & 1;
}

/* _ce_bit_set(): mark page pag_w dirty. */
static inline void
_ce_bit_set(c3_w pag_w)
{
  u3P.dit_d[pag_w >> 6] |= 1ULL << (pag_w & 63);
}

/* _ce_bits(): set (val_t 1) or clear the bits of pages [lo_w, hi_w). */
static void
_ce_bits(c3_w lo_w, c3_w hi_w, c3_t val_t)
{
  while ( lo_w < hi_w ) {
    c3_w bit_w = lo_w & 63;
    c3_w num_w = c3_min(64 - bit_w, hi_w - lo_w);
    c3_d msk_d = ( 64 == num_w ) ? ~0ULL : (((1ULL << num_w) - 1) << bit_w);

    if ( val_t ) {
      u3P.dit_d[lo_w >> 6] |= msk_d;
    }
    else {
      u3P.dit_d[lo_w >> 6] &= ~msk_d;
    }
    lo_w += num_w;
  }
}

/* _ce_next(): the first page in [pag_w, hi_w) whose bit is val_t, or hi_w. */
static c3_w
_ce_next(c3_w pag_w, c3_w hi_w, c3_t val_t)
{
  while ( pag_w < hi_w ) {
    c3_d wor_d = u3P.dit_d[pag_w >> 6];
    if ( !val_t ) {
      wor_d = ~wor_d;
    }
    wor_d &= ~0ULL << (pag_w & 63);
    if ( wor_d ) {
      c3_w nex_w = (pag_w & ~63U) + (c3_w)__builtin_ctzll(wor_d);
      return c3_min(nex_w, hi_w);
    }
    pag_w = (pag_w & ~63U) + 64;
  }
  return hi_w;
}

/* _ce_ptr(): the address of loom page pag_w. */
static inline c3_y*
_ce_ptr(c3_w pag_w)
{
  return u3a_loom_base + ((c3_d)pag_w << u3a_page_bits);
}

  /** Dirty tracking: the two backends behind one seam.
  ***
  ***   mprotect: a clean page is read-only; its first write faults, and
  ***   u3e_fault makes it writable and sets its bit.  uffd (Linux 6.7+):
  ***   a clean page is writable but write-protected through a userfaultfd
  ***   in async mode, so its first write costs the kernel a bit flip, no
  ***   signal and no mapping split; PAGEMAP_SCAN later reports the pages
  ***   written, whose bits are set then (at a save, or when u3e_dirty
  ***   asks).  Everything else, the bitmap and the save, is the same.
  ***
  ***   The whole loom stays registered with the userfaultfd (every fresh
  ***   mapping is registered again), since the scan refuses a range with
  ***   an unregistered part.  A fork's child inherits the descriptor but
  ***   not the registration (nor the protection bits), and an ioctl
  ***   through it would act on the parent.  So a fork (through fork(3))
  ***   first scans, in the parent, so that the bitmap the child inherits
  ***   is exact, and the child, before it returns from fork, moves to
  ***   mprotect: its clean pages read-only.  Its saves then write what
  ***   was written, as the parent's do.  A child made some other way
  ***   finds out at its next u3e_ call and counts every page dirty.  Any
  ***   failure of the userfaultfd degrades the same way, with a message.
  **/
/* _ce_uffd_close(): drop this process's userfaultfd descriptors (after a
**   fork the parent's tracking is untouched).
*/
static void
_ce_uffd_close(void)
{
  if ( u3P.uff_i >= 0 ) close(u3P.uff_i);
  if ( u3P.pam_i >= 0 ) close(u3P.pam_i);
  u3P.uff_i = u3P.pam_i = -1;
  u3P.uff_t = 0;
}

/* _ce_track_degrade(): leave userfaultfd tracking for protection faults:
**   every page dirty (every page is writable already).  why_c: a message,
**   or 0 for none.
*/
static void
_ce_track_degrade(const c3_c* why_c)
{
  if ( why_c ) {
    fprintf(stderr, "image: dirty tracking falls back to protection "
                    "faults: %s\n", why_c);
  }
  _ce_uffd_close();
  _ce_bits(0, u3P.pag_w, 1);
}

/* _ce_track_mine(): in a fork's child, stop using the parent's userfaultfd. */
static void
_ce_track_mine(void)
{
  if ( u3P.uff_t && getpid() != u3P.pid_i ) {
    _ce_track_degrade(0);
  }
}

#if _ce_have_uffd
static c3_i _ce_uffd_scan(c3_w bot_w, c3_w top_w);

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
static c3_i
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
static c3_i
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
static c3_i
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

/* _ce_track_open(): start the backend (u3e_init); mpr_t: protection faults
**   are required (lazy pages are backed on their first write's fault).
*/
static void
_ce_track_open(c3_t mpr_t)
{
  _ce_uffd_close();
#if _ce_have_uffd
  if ( 'm' != _ce_want_c && !mpr_t ) {
    c3_c why_c[256];
    if ( _ce_uffd_open(why_c, sizeof(why_c)) && 'u' == _ce_want_c ) {
      fprintf(stderr, "image: dirty tracking by protection faults: %s\n",
              why_c);
    }
  }
#else
  if ( 'u' == _ce_want_c && !mpr_t ) {
    fprintf(stderr, "image: dirty tracking by protection faults: "
                    "userfaultfd is Linux-only\n");
  }
#endif
}

/* _ce_track_scan(): fold writes the backend saw in [bot_w, top_w) into
**   the bitmap (mprotect: the bitmap is always current).
*/
static void
_ce_track_scan(c3_w bot_w, c3_w top_w)
{
#if _ce_have_uffd
  if ( u3P.uff_t && !u3P.yol_t ) {
    _ce_uffd_scan(bot_w, top_w);
  }
#else
  (void)bot_w; (void)top_w;
#endif
}

/* _ce_prot_clean(): the protection a clean page is mapped with. */
static inline c3_i
_ce_prot_clean(void)
{
  return u3P.uff_t ? (PROT_READ | PROT_WRITE) : PROT_READ;
}

/* _ce_track_clean(): pages [bot_w, top_w) were just mapped clean (cop_t:
**   copied into writable memory): protect them.  0, or -1 if they must
**   stay dirty.
*/
static c3_i
_ce_track_clean(c3_w bot_w, c3_w top_w, c3_t cop_t)
{
#if _ce_have_uffd
  if ( u3P.uff_t ) {
    if ( _ce_uffd_range(bot_w, top_w, 0) || _ce_uffd_range(bot_w, top_w, 1) ) {
      c3_c why_c[128];
      snprintf(why_c, sizeof(why_c), "userfaultfd: protect loom pages: %s",
               strerror(errno));
      _ce_track_degrade(why_c);
      return -1;
    }
    return 0;
  }
#endif
  if ( cop_t
       && mprotect(_ce_ptr(bot_w), (c3_z)(top_w - bot_w) << u3a_page_bits,
                   PROT_READ) )
  {
    fprintf(stderr, "image: mprotect loom pages %u-%u: %s\n",
            bot_w, top_w - 1, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_track_fresh(): pages [bot_w, top_w) were just mapped afresh, dirty:
**   keep them registered.
*/
static void
_ce_track_fresh(c3_w bot_w, c3_w top_w)
{
#if _ce_have_uffd
  if ( u3P.uff_t && _ce_uffd_range(bot_w, top_w, 0) ) {
    c3_c why_c[128];
    snprintf(why_c, sizeof(why_c), "userfaultfd: register loom pages: %s",
             strerror(errno));
    _ce_track_degrade(why_c);
  }
#else
  (void)bot_w; (void)top_w;
#endif
}

/* _ce_track_free(): stop tracking writes to every page (u3e_yolo). */
static void
_ce_track_free(void)
{
#if _ce_have_uffd
  if ( u3P.uff_t && _ce_uffd_range(0, u3P.pag_w, 2) ) {
    c3_c why_c[128];
    snprintf(why_c, sizeof(why_c), "userfaultfd: unprotect the loom: %s",
             strerror(errno));
    _ce_track_degrade(why_c);
  }
#endif
}

/* _ce_path(): dir_c/nam_c into pat_c (PATH_MAX); -1 if too long. */
static c3_i
_ce_path(c3_c* pat_c, const c3_c* dir_c, const c3_c* nam_c)
{
  c3_i len_i = snprintf(pat_c, PATH_MAX, "%s/%s", dir_c, nam_c);
  if ( len_i < 0 || len_i >= PATH_MAX ) {
    fprintf(stderr, "image: path too long: %s/%s\n", dir_c, nam_c);
    return -1;
  }
  return 0;
}

  /** File I/O: whole transfers through the c3_io seam (c3/io.h).
  ***
  ***   Each returns 0, or -1 after printing "image: CALL PATH: reason".
  **/
/* _ce_pread_all(): read len_z bytes at off_d. */
static c3_i
_ce_pread_all(c3_i fid_i, void* buf_v, c3_z len_z, c3_d off_d,
              const c3_c* pat_c)
{
  if ( c3_io_pread_all(fid_i, buf_v, len_z, off_d) ) {
    if ( ENODATA == errno ) {
      fprintf(stderr, "image: read %s: file ends before the %zu bytes at "
                      "%llu it should hold\n",
              pat_c, len_z, (unsigned long long)off_d);
    }
    else {
      fprintf(stderr, "image: read %s: %s\n", pat_c, strerror(errno));
    }
    return -1;
  }
  return 0;
}

/* _ce_pwrite_all(): write len_z bytes at off_d. */
static c3_i
_ce_pwrite_all(c3_i fid_i, const void* buf_v, c3_z len_z, c3_d off_d,
               const c3_c* pat_c)
{
  if ( c3_io_pwrite_all(fid_i, buf_v, len_z, off_d) ) {
    fprintf(stderr, "image: write %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_pwritev_all(): write iov_u[0, cnt_i) at off_d; iov_u is consumed. */
static c3_i
_ce_pwritev_all(c3_i fid_i, struct iovec* iov_u, c3_i cnt_i, c3_d off_d,
                const c3_c* pat_c)
{
  if ( c3_io_pwritev_all(fid_i, iov_u, cnt_i, off_d) ) {
    fprintf(stderr, "image: write %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_fsync(): make a directory's entries durable (fsync). */
static c3_i
_ce_fsync(c3_i fid_i, const c3_c* pat_c)
{
  if ( c3_io_fsync(fid_i) ) {
    fprintf(stderr, "image: fsync %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_fdatasync(): make a file's contents and size durable. */
static c3_i
_ce_fdatasync(c3_i fid_i, const c3_c* pat_c)
{
  if ( c3_io_fdatasync(fid_i) ) {
    fprintf(stderr, "image: fdatasync %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_truncate(): set fid_i's size to len_d. */
static c3_i
_ce_truncate(c3_i fid_i, c3_d len_d, const c3_c* pat_c)
{
  if ( c3_io_truncate(fid_i, len_d) ) {
    fprintf(stderr, "image: truncate %s to %llu bytes: %s\n",
            pat_c, (unsigned long long)len_d, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_unlink(): remove nam_c from the chk directory; absent is fine. */
static c3_i
_ce_unlink(const c3_c* dir_c, const c3_c* nam_c)
{
  c3_c pat_c[PATH_MAX];
  if ( _ce_path(pat_c, dir_c, nam_c) ) {
    return -1;
  }
  if ( c3_io_unlink(pat_c) && ENOENT != errno ) {
    fprintf(stderr, "image: unlink %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_size(): the size of fid_i into *len_d. */
static c3_i
_ce_size(c3_i fid_i, c3_d* len_d, const c3_c* pat_c)
{
  struct stat buf_u;
  if ( fstat(fid_i, &buf_u) ) {
    fprintf(stderr, "image: stat %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  *len_d = (c3_d)buf_u.st_size;
  return 0;
}

/* _ce_mkdir(): create directory pat_c unless it exists, durably. */
static c3_i
_ce_mkdir(const c3_c* pat_c)
{
  if ( c3_io_mkdir(pat_c, 0755) ) {
    if ( ENOTDIR == errno ) {
      fprintf(stderr, "image: %s: not a directory\n", pat_c);
    }
    else {
      fprintf(stderr, "image: mkdir %s: %s\n", pat_c, strerror(errno));
    }
    return -1;
  }
  return 0;
}

/* _ce_sync_arg: one fdatasync for a helper thread. */
typedef struct {
  c3_i        fid_i;
  const c3_c* pat_c;
  c3_i        ret_i;
} _ce_sync_arg;

/* _ce_sync_one(): thread body: fdatasync one file. */
static void*
_ce_sync_one(void* arg_v)
{
  _ce_sync_arg* arg_u = arg_v;
  arg_u->ret_i = _ce_fdatasync(arg_u->fid_i, arg_u->pat_c);
  return 0;
}

/* _ce_fdatasync_two(): make two files durable, syncing them concurrently
**   (each sync mostly waits on the device; two in flight share flushes).
*/
static c3_i
_ce_fdatasync_two(c3_i one_i, const c3_c* one_c, c3_i two_i, const c3_c* two_c)
{
  _ce_sync_arg arg_u = { two_i, two_c, 0 };
  pthread_t    thr_u;

  if ( pthread_create(&thr_u, 0, _ce_sync_one, &arg_u) ) {
    return _ce_fdatasync(one_i, one_c) | _ce_fdatasync(two_i, two_c);
  }
  c3_i ret_i = _ce_fdatasync(one_i, one_c);
  pthread_join(thr_u, 0);
  return ret_i | arg_u.ret_i;
}

  /** Checksums.
  **/
/* _ce_sum_page(): CRC-32C of one 16 KiB page. */
static inline c3_w
_ce_sum_page(const void* pag_v)
{
  return c3_crc32c(0, pag_v, u3a_page_bytes);
}

/* _ce_sum_control(): the checksum control.bin should carry. */
static c3_w
_ce_sum_control(const u3e_control* ctl_u, const u3e_line* lin_u)
{
  u3e_control tmp_u = *ctl_u;
  tmp_u.sum_w = 0;
  c3_w sum_w = c3_crc32c(0, &tmp_u, sizeof(tmp_u));
  return c3_crc32c(sum_w, lin_u, (c3_z)ctl_u->pgs_w * sizeof(u3e_line));
}

/* _ce_sums_head(): sums.bin's header into hed_w[4]. */
static void
_ce_sums_head(c3_w hed_w[4])
{
  hed_w[0] = _ce_sum_magic;
  hed_w[1] = _ce_version;
  hed_w[2] = u3a_page_bits;
  hed_w[3] = 0;
}

/* _ce_sums_load(): read sums.bin (fid_i) into sum_w (room for max_w
**   entries): *num_w gets its entries.  A missing header (empty file) gives
**   0 entries.  Returns 0, or -1 with a message.
*/
static c3_i
_ce_sums_load(c3_i fid_i, const c3_c* pat_c, c3_w* sum_w, c3_w max_w,
              c3_w* num_w)
{
  c3_d len_d;
  c3_w hed_w[4], exp_w[4];

  *num_w = 0;
  if ( _ce_size(fid_i, &len_d, pat_c) ) {
    return -1;
  }
  if ( 0 == len_d ) {
    return 0;
  }
  if ( len_d < _ce_sum_head || (len_d - _ce_sum_head) % 4 ) {
    fprintf(stderr, "image: %s: size %llu is not a checksum table\n",
            pat_c, (unsigned long long)len_d);
    return -1;
  }
  if ( _ce_pread_all(fid_i, hed_w, sizeof(hed_w), 0, pat_c) ) {
    return -1;
  }
  _ce_sums_head(exp_w);
  if ( memcmp(hed_w, exp_w, sizeof(hed_w)) ) {
    fprintf(stderr, "image: %s: bad header (magic %08x, version %u, page "
                    "bits %u)\n", pat_c, hed_w[0], hed_w[1], hed_w[2]);
    return -1;
  }
  c3_d ent_d = (len_d - _ce_sum_head) / 4;
  if ( ent_d > max_w ) {
    fprintf(stderr, "image: %s: %llu checksums, more than the %u pages the "
                    "loom holds\n", pat_c, (unsigned long long)ent_d, max_w);
    return -1;
  }
  if ( _ce_pread_all(fid_i, sum_w, (c3_z)ent_d * 4, _ce_sum_head, pat_c) ) {
    return -1;
  }
  *num_w = (c3_w)ent_d;
  return 0;
}

  /** Patches.
  **/
/* _ce_patch_load(): find and check the patch in chk_c, reading every
**   page of memory.bin.  Returns 0 for a valid patch (*ctl_u, *lin_u
**   malloc'd, *mem_i open), 1 when there is none, 2 for a memory.bin
**   without control.bin, -1 for an invalid patch (why_c says why), -2 when
**   the files could not be read (message printed).
*/
static c3_i
_ce_patch_load(const c3_c* chk_c, c3_w max_w, u3e_control* ctl_u,
               u3e_line** lin_u, c3_i* mem_i, c3_c* why_c, c3_z why_z)
{
  c3_c  cpa_c[PATH_MAX], mpa_c[PATH_MAX];
  c3_i  ctl_i = -1, fid_i = -1, ret_i = -2;
  c3_d  len_d;
  c3_y* buf_y = 0;
  u3e_line* lin_v = 0;

  *lin_u = 0;
  *mem_i = -1;
  if ( _ce_path(cpa_c, chk_c, "control.bin")
       || _ce_path(mpa_c, chk_c, "memory.bin") )
  {
    return -2;
  }

  if ( 0 > (ctl_i = open(cpa_c, O_RDONLY | O_CLOEXEC)) ) {
    if ( ENOENT != errno ) {
      fprintf(stderr, "image: open %s: %s\n", cpa_c, strerror(errno));
      return -2;
    }
    return ( 0 == access(mpa_c, F_OK) ) ? 2 : 1;
  }

  if ( _ce_size(ctl_i, &len_d, cpa_c) ) goto done;
  if ( len_d < sizeof(u3e_control)
       || len_d > sizeof(u3e_control) + (c3_d)max_w * sizeof(u3e_line) )
  {
    snprintf(why_c, why_z, "control.bin has %llu bytes, not a patch's "
                           "table of contents", (unsigned long long)len_d);
    ret_i = -1;
    goto done;
  }
  if ( _ce_pread_all(ctl_i, ctl_u, sizeof(*ctl_u), 0, cpa_c) ) goto done;
  if ( _ce_ctl_magic != ctl_u->mag_w
       || _ce_version != ctl_u->ver_w
       || u3a_page_bits != ctl_u->pag_bits_w )
  {
    snprintf(why_c, why_z, "control.bin has a bad header (magic %08x, "
             "version %u, page bits %u)",
             ctl_u->mag_w, ctl_u->ver_w, ctl_u->pag_bits_w);
    ret_i = -1;
    goto done;
  }
  if ( len_d != sizeof(u3e_control) + (c3_d)ctl_u->pgs_w * sizeof(u3e_line) ) {
    snprintf(why_c, why_z, "control.bin has %llu bytes but lists %u pages "
             "(torn or damaged)", (unsigned long long)len_d, ctl_u->pgs_w);
    ret_i = -1;
    goto done;
  }
  lin_v = malloc((c3_z)ctl_u->pgs_w * sizeof(u3e_line) + 1);
  if ( !lin_v ) {
    fprintf(stderr, "image: out of memory reading %s\n", cpa_c);
    goto done;
  }
  if ( _ce_pread_all(ctl_i, lin_v, (c3_z)ctl_u->pgs_w * sizeof(u3e_line),
                     sizeof(u3e_control), cpa_c) )
  {
    goto done;
  }
  if ( _ce_sum_control(ctl_u, lin_v) != ctl_u->sum_w ) {
    snprintf(why_c, why_z, "control.bin fails its checksum (torn or "
                           "damaged)");
    ret_i = -1;
    goto done;
  }
  if ( ctl_u->nor_w > max_w ) {
    snprintf(why_c, why_z, "the patch makes an image of %u pages, more "
             "than the loom's %u", ctl_u->nor_w, max_w);
    ret_i = -1;
    goto done;
  }
  for ( c3_w i_w = 0; i_w < ctl_u->pgs_w; i_w++ ) {
    if ( lin_v[i_w].pag_w >= ctl_u->nor_w
         || (i_w && lin_v[i_w].pag_w <= lin_v[i_w - 1].pag_w) )
    {
      snprintf(why_c, why_z, "control.bin entry %u names page %u, out of "
               "order or beyond the image's %u pages",
               i_w, lin_v[i_w].pag_w, ctl_u->nor_w);
      ret_i = -1;
      goto done;
    }
  }

  if ( 0 > (fid_i = open(mpa_c, O_RDONLY | O_CLOEXEC)) ) {
    if ( ENOENT != errno ) {
      fprintf(stderr, "image: open %s: %s\n", mpa_c, strerror(errno));
      goto done;
    }
    snprintf(why_c, why_z, "memory.bin is missing");
    ret_i = -1;
    goto done;
  }
  if ( _ce_size(fid_i, &len_d, mpa_c) ) goto done;
  if ( len_d != (c3_d)ctl_u->pgs_w << u3a_page_bits ) {
    snprintf(why_c, why_z, "memory.bin has %llu bytes, not the %u pages "
             "control.bin lists", (unsigned long long)len_d, ctl_u->pgs_w);
    ret_i = -1;
    goto done;
  }
  if ( !(buf_y = malloc((c3_z)_ce_run_pages << u3a_page_bits)) ) {
    fprintf(stderr, "image: out of memory reading %s\n", mpa_c);
    goto done;
  }
  for ( c3_w i_w = 0; i_w < ctl_u->pgs_w; i_w += _ce_run_pages ) {
    c3_w num_w = c3_min(_ce_run_pages, ctl_u->pgs_w - i_w);
    if ( _ce_pread_all(fid_i, buf_y, (c3_z)num_w << u3a_page_bits,
                       (c3_d)i_w << u3a_page_bits, mpa_c) )
    {
      goto done;
    }
    for ( c3_w j_w = 0; j_w < num_w; j_w++ ) {
      c3_w sum_w = _ce_sum_page(buf_y + ((c3_z)j_w << u3a_page_bits));
      if ( sum_w != lin_v[i_w + j_w].sum_w ) {
        snprintf(why_c, why_z, "memory.bin's copy of page %u fails its "
                 "checksum", lin_v[i_w + j_w].pag_w);
        ret_i = -1;
        goto done;
      }
    }
  }

  ret_i  = 0;
  *lin_u = lin_v;
  *mem_i = fid_i;
  lin_v  = 0;
  fid_i  = -1;

done:
  free(buf_y);
  free(lin_v);
  if ( ctl_i >= 0 ) close(ctl_i);
  if ( fid_i >= 0 ) close(fid_i);
  return ret_i;
}

/* _ce_patch_drop(): remove an applied patch: control.bin first (so a
**   crash between the two leaves no committed patch), then memory.bin.
**   The removals need not be durable at once: until the next commit's
**   directory fsync, a crash may bring back this patch, which is then
**   applied again to the image it produced (a no-op), or found torn and
**   discarded after the image is verified.
*/
static c3_i
_ce_patch_drop(void)
{
  if ( _ce_unlink(u3P.dir_c, "control.bin")
       || _ce_unlink(u3P.dir_c, "memory.bin") )
  {
    return -1;
  }
  return 0;
}

/* _ce_patch_write(): write pgs_w pages (lin_u, from the loom) to
**   memory.bin, then control.bin, both durable: the commit.  On failure
**   the patch is removed and the image is as before.
*/
static c3_i
_ce_patch_write(const u3e_line* lin_u, c3_w pgs_w, c3_w nor_w)
{
  c3_c mpa_c[PATH_MAX], cpa_c[PATH_MAX];
  c3_i mem_i = -1, ctl_i = -1;
  struct iovec iov_u[IOV_MAX];
  c3_i cnt_i = 0;
  c3_d off_d = 0;
  c3_y* buf_y = 0;

  if ( _ce_path(mpa_c, u3P.dir_c, "memory.bin")
       || _ce_path(cpa_c, u3P.dir_c, "control.bin") )
  {
    return -1;
  }

  //  memory.bin: runs of contiguous pages, up to IOV_MAX runs per write
  mem_i = c3_io_open(mpa_c, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if ( 0 > mem_i ) {
    fprintf(stderr, "image: open %s: %s\n", mpa_c, strerror(errno));
    goto fail;
  }
  for ( c3_w i_w = 0; i_w < pgs_w; ) {
    c3_w j_w = i_w + 1;
    while ( j_w < pgs_w && lin_u[j_w].pag_w == lin_u[j_w - 1].pag_w + 1 ) {
      j_w++;
    }
    iov_u[cnt_i].iov_base = _ce_ptr(lin_u[i_w].pag_w);
    iov_u[cnt_i].iov_len  = (c3_z)(j_w - i_w) << u3a_page_bits;
    cnt_i++;
    i_w = j_w;
    if ( IOV_MAX == cnt_i || i_w == pgs_w ) {
      c3_d len_d = 0;
      for ( c3_i k_i = 0; k_i < cnt_i; k_i++ ) {
        len_d += iov_u[k_i].iov_len;
      }
      if ( _ce_pwritev_all(mem_i, iov_u, cnt_i, off_d, mpa_c) ) goto fail;
      off_d += len_d;
      cnt_i  = 0;
    }
  }

  //  control.bin, written last; both made durable, then the directory.
  //  Should control.bin reach the disk before memory.bin, a crash leaves
  //  a patch whose pages fail their checksums: discarded, north.bin being
  //  untouched until the commit is whole.
  {
    c3_z len_z = sizeof(u3e_control) + (c3_z)pgs_w * sizeof(u3e_line);
    u3e_control ctl_u = {
      .mag_w = _ce_ctl_magic, .ver_w = _ce_version,
      .pag_bits_w = u3a_page_bits, .nor_w = nor_w, .pgs_w = pgs_w,
    };
    ctl_u.sum_w = _ce_sum_control(&ctl_u, lin_u);
    if ( !(buf_y = malloc(len_z)) ) {
      fprintf(stderr, "image: out of memory writing %s\n", cpa_c);
      goto fail;
    }
    memcpy(buf_y, &ctl_u, sizeof(ctl_u));
    memcpy(buf_y + sizeof(ctl_u), lin_u, len_z - sizeof(ctl_u));

    ctl_i = c3_io_open(cpa_c, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if ( 0 > ctl_i ) {
      fprintf(stderr, "image: open %s: %s\n", cpa_c, strerror(errno));
      goto fail;
    }
    if ( _ce_pwrite_all(ctl_i, buf_y, len_z, 0, cpa_c)
         || _ce_fdatasync_two(mem_i, mpa_c, ctl_i, cpa_c)
         || _ce_fsync(u3P.dir_i, u3P.dir_c) )
    {
      goto fail;
    }
    c3_io_close(ctl_i);
    c3_io_close(mem_i);
    free(buf_y);
  }
  return 0;

fail:
  free(buf_y);
  if ( mem_i >= 0 ) c3_io_close(mem_i);
  if ( ctl_i >= 0 ) c3_io_close(ctl_i);
  _ce_unlink(u3P.dir_c, "control.bin");
  _ce_unlink(u3P.dir_c, "memory.bin");
  c3_io_fsync(u3P.dir_i);
  return -1;
}

/* _ce_loom_unfile(): move loom pages [lo_w, hi_w), mapped from north.bin,
**   into anonymous memory before north.bin is cut: dirty pages keep their
**   contents, clean ones (free gap) become zero pages.  All end dirty.
*/
static c3_i
_ce_loom_unfile(c3_w lo_w, c3_w hi_w)
{
  c3_w pag_w = lo_w;

  while ( pag_w < hi_w ) {
    c3_t dit_t = _ce_bit(pag_w);
    c3_w end_w = _ce_next(pag_w, hi_w, !dit_t);
    c3_z len_z = (c3_z)(end_w - pag_w) << u3a_page_bits;
    c3_y* ptr_y = _ce_ptr(pag_w);

    if ( dit_t && _ce_swp_i >= 0 ) {
      //  dirty pages live in the scratch file already, not in north.bin
    }
    else if ( !dit_t && _ce_lzy_t ) {
      if ( _ce_lazy_map(pag_w, end_w) ) {
        fprintf(stderr, "image: mmap loom pages %u-%u: %s\n",
                pag_w, end_w - 1, strerror(errno));
        return -1;
      }
    }
    else if ( dit_t ) {
      void* tmp_v = mmap(0, len_z, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if ( MAP_FAILED == tmp_v ) {
        fprintf(stderr, "image: mmap %zu bytes: %s\n", len_z, strerror(errno));
        return -1;
      }
      memcpy(tmp_v, ptr_y, len_z);
      if ( MAP_FAILED == mremap(tmp_v, len_z, len_z,
                                MREMAP_MAYMOVE | MREMAP_FIXED, ptr_y) )
      {
        fprintf(stderr, "image: mremap loom pages %u-%u: %s\n",
                pag_w, end_w - 1, strerror(errno));
        munmap(tmp_v, len_z);
        return -1;
      }
      _ce_track_fresh(pag_w, end_w);
    }
    else {
      if ( MAP_FAILED == mmap(ptr_y, len_z, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) )
      {
        fprintf(stderr, "image: mmap loom pages %u-%u: %s\n",
                pag_w, end_w - 1, strerror(errno));
        return -1;
      }
      _ce_bits(pag_w, end_w, 1);
      _ce_track_fresh(pag_w, end_w);
    }
    pag_w = end_w;
  }
  return 0;
}

/* _ce_patch_apply(): apply a patch to north.bin and sums.bin, durably.
**   The pages come from the loom (mem_i < 0: a save) or from memory.bin
**   (a patch left over).  Idempotent.
*/
static c3_i
_ce_patch_apply(const u3e_line* lin_u, c3_w pgs_w, c3_w nor_w, c3_i mem_i,
                c3_t map_t)
{
  c3_c  npa_c[PATH_MAX], spa_c[PATH_MAX], mpa_c[PATH_MAX];
  c3_y* buf_y = 0;
  c3_i  ret_i = -1;

  if ( _ce_path(npa_c, u3P.dir_c, "north.bin")
       || _ce_path(spa_c, u3P.dir_c, "sums.bin")
       || _ce_path(mpa_c, u3P.dir_c, "memory.bin") )
  {
    return -1;
  }
  if ( mem_i >= 0 && !(buf_y = malloc((c3_z)_ce_run_pages << u3a_page_bits)) ) {
    fprintf(stderr, "image: out of memory applying the patch\n");
    return -1;
  }

  for ( c3_w i_w = 0; i_w < pgs_w; ) {
    c3_w j_w = i_w + 1;
    c3_w lim_w = ( mem_i >= 0 ) ? _ce_run_pages : UINT32_MAX;
    while ( j_w < pgs_w && (j_w - i_w) < lim_w
            && lin_u[j_w].pag_w == lin_u[j_w - 1].pag_w + 1 )
    {
      j_w++;
    }
    c3_z  len_z = (c3_z)(j_w - i_w) << u3a_page_bits;
    const c3_y* src_y = _ce_ptr(lin_u[i_w].pag_w);
    if ( mem_i >= 0 ) {
      if ( _ce_pread_all(mem_i, buf_y, len_z, (c3_d)i_w << u3a_page_bits,
                         mpa_c) )
      {
        goto done;
      }
      src_y = buf_y;
    }
    if ( _ce_pwrite_all(u3P.nor_i, src_y, len_z,
                        (c3_d)lin_u[i_w].pag_w << u3a_page_bits, npa_c) )
    {
      goto done;
    }
    i_w = j_w;
  }

  //  checksums: the table's 4 KiB blocks holding changed entries
  for ( c3_w i_w = 0; i_w < pgs_w; i_w++ ) {
    u3P.sum_w[lin_u[i_w].pag_w] = lin_u[i_w].sum_w;
  }
  {
    c3_d len_d;
    c3_w hed_w[4];
    _ce_sums_head(hed_w);
    if ( _ce_size(u3P.sum_i, &len_d, spa_c)
         || (len_d < _ce_sum_head
             && _ce_pwrite_all(u3P.sum_i, hed_w, sizeof(hed_w), 0, spa_c)) )
    {
      goto done;
    }
  }
  for ( c3_w i_w = 0; i_w < pgs_w; ) {
    c3_w blk_w = lin_u[i_w].pag_w >> 10;
    c3_w bot_w = blk_w << 10;
    c3_w top_w = c3_min(bot_w + 1024, nor_w);
    if ( _ce_pwrite_all(u3P.sum_i, u3P.sum_w + bot_w, (c3_z)(top_w - bot_w) * 4,
                        _ce_sum_head + (c3_d)bot_w * 4, spa_c) )
    {
      goto done;
    }
    while ( i_w < pgs_w && (lin_u[i_w].pag_w >> 10) == blk_w ) {
      i_w++;
    }
  }

  //  sizes: pages beyond a shrunk image leave the file mapping first
  if ( map_t && nor_w < u3P.nor_w && _(u3C.demand_o) ) {
    if ( _ce_loom_unfile(nor_w, u3P.nor_w) ) goto done;
  }
  if ( map_t && nor_w < u3P.nor_w ) {
    u3P.nor_w = nor_w;
  }
  if ( _ce_truncate(u3P.nor_i, (c3_d)nor_w << u3a_page_bits, npa_c)
       || _ce_truncate(u3P.sum_i, _ce_sum_head + (c3_d)nor_w * 4, spa_c)
       || _ce_fdatasync_two(u3P.nor_i, npa_c, u3P.sum_i, spa_c) )
  {
    goto done;
  }
  ret_i = 0;

done:
  free(buf_y);
  return ret_i;
}

/* _ce_patch_redo(): apply the committed patch left by a failed save. */
static c3_i
_ce_patch_redo(void)
{
  u3e_control ctl_u;
  u3e_line*   lin_u;
  c3_i        mem_i;
  c3_c        why_c[256];
  c3_i        ret_i;

  ret_i = _ce_patch_load(u3P.dir_c, u3P.pag_w, &ctl_u, &lin_u, &mem_i,
                         why_c, sizeof(why_c));
  if ( 1 == ret_i || 2 == ret_i ) {
    //  the failure was in removing it: the patch is applied
    u3P.pen_t = 0;
    return _ce_patch_drop();
  }
  if ( -1 == ret_i ) {
    fprintf(stderr, "image: the pending patch is damaged: %s\n", why_c);
    return -1;
  }
  if ( ret_i ) {
    return -1;
  }
  ret_i = _ce_patch_apply(lin_u, ctl_u.pgs_w, ctl_u.nor_w, mem_i, 1);
  close(mem_i);
  free(lin_u);
  if ( ret_i || _ce_patch_drop() ) {
    return -1;
  }
  u3P.pen_t = 0;
  return 0;
}

  /** Verifying the image.
  **/
/* _ce_image_verify(): compare pages [0, nor_w) of north.bin (fid_i) with
**   their checksums, skipping the pages of lin_u (a pending patch, which
**   carries their checksums).  Prints up to 16 damaged pages to fil_u (or
**   stderr), each prefixed with pre_c.  Returns the number damaged, or -1
**   if the file could not be read.
*/
static c3_ds
_ce_image_verify(c3_i fid_i, const c3_c* pat_c, const c3_w* sum_w,
                 c3_w nor_w, const u3e_line* lin_u, c3_w pgs_w,
                 FILE* fil_u, const c3_c* pre_c)
{
  c3_y* buf_y = malloc((c3_z)_ce_run_pages << u3a_page_bits);
  c3_ds bad_ds = 0;
  c3_w  lin_w = 0;

  if ( !buf_y ) {
    fprintf(stderr, "image: out of memory verifying %s\n", pat_c);
    return -1;
  }
  for ( c3_w i_w = 0; i_w < nor_w; i_w += _ce_run_pages ) {
    c3_w num_w = c3_min(_ce_run_pages, nor_w - i_w);
    if ( _ce_pread_all(fid_i, buf_y, (c3_z)num_w << u3a_page_bits,
                       (c3_d)i_w << u3a_page_bits, pat_c) )
    {
      free(buf_y);
      return -1;
    }
    for ( c3_w j_w = 0; j_w < num_w; j_w++ ) {
      c3_w pag_w = i_w + j_w;
      while ( lin_w < pgs_w && lin_u[lin_w].pag_w < pag_w ) {
        lin_w++;
      }
      if ( lin_w < pgs_w && lin_u[lin_w].pag_w == pag_w ) {
        continue;
      }
      c3_w has_w = _ce_sum_page(buf_y + ((c3_z)j_w << u3a_page_bits));
      if ( has_w != sum_w[pag_w] ) {
        if ( bad_ds < 16 ) {
          fprintf(fil_u ? fil_u : stderr,
                  "%spage %u of north.bin is damaged: checksum %08x, "
                  "sums.bin says %08x%s", pre_c, pag_w, has_w, sum_w[pag_w],
                  fil_u ? "\n" : "\n");
        }
        bad_ds++;
      }
    }
  }
  free(buf_y);
  return bad_ds;
}

  /** Mapping the loom.
  **/
/* _ce_loom_mapf_north(): map the image (north.bin's nor_w pages) into the
**   loom read-only, and fresh anonymous read-write memory above it: clean
**   image pages, dirty rest.  With demand paging the image pages are
**   mapped MAP_PRIVATE from the file; without, copied in.
*/
static c3_i
_ce_loom_mapf_north(c3_w nor_w, const c3_c* npa_c)
{
  c3_d len_d = (c3_d)nor_w << u3a_page_bits;
  c3_d all_d = (c3_d)u3P.pag_w << u3a_page_bits;

  if ( _ce_lzy_t ) {
    _ce_lzy_bits(0, nor_w, 0);
    if ( all_d > len_d && _ce_lazy_map(nor_w, u3P.pag_w) ) {
      fprintf(stderr, "image: mmap loom above the image: %s\n", strerror(errno));
      return -1;
    }
  }
  else if ( all_d > len_d
       && MAP_FAILED == mmap(u3a_loom_base + len_d, all_d - len_d,
                             PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) )
  {
    fprintf(stderr, "image: mmap loom above the image: %s\n", strerror(errno));
    return -1;
  }
  _ce_bits(0, nor_w, 0);
  _ce_bits(nor_w, u3P.pag_w, 1);
  u3P.gar_w = 0;
  _ce_track_fresh(nor_w, u3P.pag_w);
  if ( nor_w ) {
    if ( _(u3C.demand_o) ) {
      if ( MAP_FAILED == mmap(u3a_loom_base, len_d, _ce_prot_clean(),
                              MAP_PRIVATE | MAP_FIXED, u3P.nor_i, 0) )
      {
        fprintf(stderr, "image: mmap %s (%u pages): %s\n",
                npa_c, nor_w, strerror(errno));
        return -1;
      }
    }
    else {
      if ( MAP_FAILED == mmap(u3a_loom_base, len_d, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) )
      {
        fprintf(stderr, "image: mmap loom: %s\n", strerror(errno));
        return -1;
      }
      for ( c3_d off_d = 0; off_d < len_d; off_d += 1ULL << 30 ) {
        c3_z num_z = (c3_z)c3_min(1ULL << 30, len_d - off_d);
        if ( _ce_pread_all(u3P.nor_i, u3a_loom_base + off_d, num_z, off_d,
                           npa_c) )
        {
          return -1;
        }
      }
    }
    if ( _ce_track_clean(0, nor_w, !_(u3C.demand_o)) ) {
      _ce_bits(0, nor_w, 1);
      if ( !u3P.uff_t ) {
        return -1;
      }
    }
  }
  return 0;
}

/* _ce_loom_clean(): the patch's pages, now in north.bin, become clean:
**   mapped afresh from north.bin (dropping their private copies), or made
**   read-only where the image is copied in.  Every page below the image
**   top now equals north.bin, so runs a few clean pages apart are
**   remapped together: one call instead of many.
*/
static c3_i
_ce_loom_clean(const u3e_line* lin_u, c3_w pgs_w)
{
  c3_i ret_i = 0;

  for ( c3_w i_w = 0; i_w < pgs_w; ) {
    c3_w j_w = i_w + 1;
    while ( j_w < pgs_w && lin_u[j_w].pag_w <= lin_u[j_w - 1].pag_w + 64 ) {
      j_w++;
    }
    c3_w  pag_w = lin_u[i_w].pag_w;
    c3_w  num_w = lin_u[j_w - 1].pag_w + 1 - pag_w;
    c3_z  len_z = (c3_z)num_w << u3a_page_bits;
    c3_t  bad_t;

    if ( _(u3C.demand_o) ) {
      bad_t = ( MAP_FAILED == mmap(_ce_ptr(pag_w), len_z, _ce_prot_clean(),
                                   MAP_PRIVATE | MAP_FIXED, u3P.nor_i,
                                   (off_t)((c3_d)pag_w << u3a_page_bits)) );
      if ( bad_t ) {
        //  the pages stay dirty: saved again next time
        fprintf(stderr, "image: remap loom pages %u-%u: %s\n",
                pag_w, pag_w + num_w - 1, strerror(errno));
      }
    }
    else {
      bad_t = 0;
    }
    if ( !bad_t ) {
      bad_t = ( 0 != _ce_track_clean(pag_w, pag_w + num_w,
                                     !_(u3C.demand_o)) );
    }
    if ( bad_t ) {
      ret_i = -1;
    }
    else {
      _ce_bits(pag_w, pag_w + num_w, 0);
      if ( _(u3C.demand_o) ) {
        _ce_lzy_bits(pag_w, pag_w + num_w, 0);
        _ce_swap_punch(pag_w, pag_w + num_w);
      }
    }
    i_w = j_w;
  }
  return ret_i;
}

  /** The guard page.
  **/
/* _ce_gap(): the whole pages inside [lo_y, hi_y) as [*bot_w, *top_w). */
static void
_ce_gap(const c3_y* lo_y, const c3_y* hi_y, c3_w* bot_w, c3_w* top_w)
{
  const c3_y* end_y = u3a_loom_base + ((c3_d)u3P.pag_w << u3a_page_bits);

  lo_y = c3_max(lo_y, (const c3_y*)u3a_loom_base);
  hi_y = c3_min(hi_y, end_y);
  if ( hi_y <= lo_y ) {
    *bot_w = *top_w = 0;
    return;
  }
  c3_d bot_d = ((c3_d)(lo_y - u3a_loom_base) + u3a_page_bytes - 1)
               >> u3a_page_bits;
  c3_d top_d = (c3_d)(hi_y - u3a_loom_base) >> u3a_page_bits;
  *bot_w = (c3_w)bot_d;
  *top_w = (c3_w)c3_max(bot_d, top_d);
}

/* _ce_road_gap(): the whole pages of rod_u's free gap. */
static void
_ce_road_gap(const u3a_road* rod_u, c3_w* bot_w, c3_w* top_w)
{
  if ( _(rod_u->nor_o) ) {
    _ce_gap((c3_y*)rod_u->hat_w, (c3_y*)rod_u->cap_w, bot_w, top_w);
  }
  else {
    _ce_gap((c3_y*)rod_u->cap_w, (c3_y*)rod_u->hat_w, bot_w, top_w);
  }
}

/* _ce_ward_lift(): the guard page, if any, becomes a dirty page. */
static void
_ce_ward_lift(void)
{
  if ( u3P.gar_w ) {
    if ( mprotect(_ce_ptr(u3P.gar_w), u3a_page_bytes,
                  _ce_lzy(u3P.gar_w) ? PROT_READ : (PROT_READ | PROT_WRITE)) )
    {
      u3m_say("image: mprotect: cannot lift the guard page\n");
    }
    _ce_bit_set(u3P.gar_w);
    u3P.gar_w = 0;
  }
}

/* _ce_ward_put(): make page pag_w the guard page (async-signal-safe). */
static c3_i
_ce_ward_put(c3_w pag_w)
{
  if ( pag_w == u3P.gar_w ) {
    return 0;
  }
  _ce_ward_lift();
  if ( mprotect(_ce_ptr(pag_w), u3a_page_bytes, PROT_NONE) ) {
    return -1;
  }
  _ce_bit_set(pag_w);
  u3P.gar_w = pag_w;
  return 0;
}

/* _ce_ward_fault(): the guard page gar_w was touched: re-centre it in the
**   current road's gap.  1 if the gap is nearly exhausted (the guard
**   stays, and the computation is abandoned).
*/
static c3_i
_ce_ward_fault(c3_w gar_w)
{
  u3a_road* rod_u = u3R;
  c3_w      bot_w, top_w;

  u3e_Stat.guards_d++;
  if ( !rod_u ) {
    _ce_ward_lift();
    return 0;
  }
  _ce_road_gap(rod_u, &bot_w, &top_w);
  if ( gar_w >= bot_w && gar_w < top_w ) {
    //  a write into the gap itself: keep to the larger side of it
    if ( (gar_w - bot_w) >= (top_w - gar_w - 1) ) {
      top_w = gar_w;
    }
    else {
      bot_w = gar_w + 1;
    }
  }
  if ( top_w < bot_w + 2 ) {
    return 1;
  }
  if ( _ce_ward_put(bot_w + (top_w - bot_w) / 2) ) {
    _ce_ward_lift();
  }
  return 0;
}

  /** Dirty tracking.
  **/
/* _ce_open_range(): make pages [bot_w, top_w) writable, except the guard
**   page (async-signal-safe).  0 or -1 (errno set).
*/
static c3_i
_ce_open_range(c3_w bot_w, c3_w top_w)
{
  c3_w gar_w = u3P.gar_w;

  if ( gar_w && gar_w >= bot_w && gar_w < top_w ) {
    if ( (gar_w > bot_w && _ce_open_range(bot_w, gar_w))
         || (gar_w + 1 < top_w && _ce_open_range(gar_w + 1, top_w)) )
    {
      return -1;
    }
    return 0;
  }
  return mprotect(_ce_ptr(bot_w), (c3_z)(top_w - bot_w) << u3a_page_bits,
                  PROT_READ | PROT_WRITE);
}

/* _ce_flaw_protect(): a write to clean page pag_w: make it dirty and
**   writable (async-signal-safe).  A MAP_PRIVATE file page gets its
**   private copy when the write is retried.
**
**   When the process has no mappings left (vm.max_map_count), making one
**   page writable would split a mapping and fails with ENOMEM: then an
**   aligned block of 64 MiB around it is opened and marked dirty, merging
**   its mappings (thousands, in the worst case) so that the process has
**   room again, or failing that, wider blocks up to the whole loom, which
**   only merges and so cannot fail this way.  Extra dirty pages cost only
**   their writing at the next save, which makes them clean (and the
**   mappings few) again.
*/
static c3_i
_ce_flaw_protect(c3_w pag_w)
{
  if ( _ce_bit(pag_w) ) {
    //  dirty pages are writable: this fault is not ours
    return -1;
  }
  if ( _ce_open_range(pag_w, pag_w + 1) ) {
    c3_w wid_w = 4096;

    if ( ENOMEM != errno ) {
      u3m_say("image: mprotect: cannot make a loom page writable\n");
      return -1;
    }
    while ( 1 ) {
      c3_w bot_w = ( wid_w >= u3P.pag_w ) ? 0 : (pag_w & ~(wid_w - 1));
      c3_w top_w = c3_min(bot_w + wid_w, u3P.pag_w);

      if ( 0 == _ce_open_range(bot_w, top_w) ) {
        _ce_bits(bot_w, top_w, 1);
        u3e_Stat.widens_d++;
        break;
      }
      if ( ENOMEM != errno || wid_w >= u3P.pag_w ) {
        u3m_say("image: mprotect: out of memory mappings, cannot make "
                "the loom writable\n");
        return -1;
      }
      wid_w <<= 6;
    }
  }
  _ce_bit_set(pag_w);
  u3e_Stat.faults_d++;
  return 0;
}

c3_i
u3e_fault(void* adr_v)
{
  c3_y* adr_y = adr_v;

  if ( !u3P.ini_t
       || adr_y < u3a_loom_base
       || adr_y >= u3a_loom_base + ((c3_d)u3P.pag_w << u3a_page_bits) )
  {
    return -1;
  }
  c3_w pag_w = (c3_w)((c3_d)(adr_y - u3a_loom_base) >> u3a_page_bits);

  if ( u3P.gar_w && pag_w == u3P.gar_w ) {
    return _ce_ward_fault(pag_w);
  }
  if ( _ce_lzy(pag_w) ) {
    c3_i ret_i = _ce_lazy_back(pag_w);
    return ( 2 == ret_i ) ? _ce_swap_home(pag_w, 1) : ret_i;
  }
  if ( u3P.uff_t ) {
    //  clean pages are writable: no fault is a tracking fault
    return -1;
  }
  if ( _ce_swp_i >= 0 && !_ce_bit(pag_w) ) {
    c3_i ret_i = _ce_swap_flaw(pag_w);
    return ( 2 == ret_i ) ? _ce_swap_home(pag_w, 0) : ret_i;
  }
  return _ce_flaw_protect(pag_w);
}

/* _ce_loom_open(): every page readable and writable, except the guard. */
static void
_ce_loom_open(void)
{
  if ( _ce_open_range(0, u3P.pag_w) ) {
    fprintf(stderr, "image: mprotect loom: %s\n", strerror(errno));
  }
}

void
u3e_foul(void)
{
  if ( !u3P.ini_t ) {
    return;
  }
  _ce_track_mine();
  if ( !u3P.uff_t ) {
    _ce_loom_open();
  }
  _ce_bits(0, u3P.pag_w, 1);
}

void
u3e_yolo(void)
{
  if ( !u3P.ini_t ) {
    return;
  }
  _ce_track_mine();
  if ( u3P.uff_t ) {
    _ce_track_free();
  }
  if ( !u3P.uff_t ) {
    _ce_loom_open();
  }
  u3P.yol_t = 1;
}

c3_o
u3e_dirty(c3_w pag_w)
{
  if ( !u3P.ini_t || pag_w >= u3P.pag_w ) {
    return c3n;
  }
  _ce_track_mine();
  if ( !_ce_bit(pag_w) ) {
    //  the aligned block around it: callers often ask page after page
    c3_w bot_w = pag_w & ~63U;
    _ce_track_scan(bot_w, c3_min(bot_w + 64, u3P.pag_w));
  }
  return _ce_bit(pag_w) ? c3y : c3n;
}

c3_i
u3e_tracker(const c3_c* nam_c)
{
  if ( !nam_c ) {
    _ce_want_c = 'd';
  }
  else if ( !strcmp(nam_c, "mprotect") ) {
    _ce_want_c = 'm';
  }
  else if ( !strcmp(nam_c, "uffd") ) {
    _ce_want_c = 'u';
  }
  else {
    fprintf(stderr, "image: unknown dirty tracking '%s' (mprotect, uffd)\n",
            nam_c);
    return -1;
  }
  return 0;
}

const c3_c*
u3e_tracking(void)
{
  return u3P.uff_t ? "uffd" : "mprotect";
}

c3_i
u3e_ward(c3_w* lo_w, c3_w* hi_w)
{
  c3_w bot_w, top_w;

  if ( !u3P.ini_t ) {
    return -1;
  }
  _ce_gap((c3_y*)lo_w, (c3_y*)hi_w, &bot_w, &top_w);
  if ( top_w < bot_w + 2 ) {
    _ce_ward_lift();
    return -1;
  }
  if ( _ce_ward_put(bot_w + (top_w - bot_w) / 2) ) {
    fprintf(stderr, "image: mprotect guard page: %s\n", strerror(errno));
    return -1;
  }
  return 0;
}

  /** Lifecycle.
  **/
/* _ce_close(): close the image's files. */
static void
_ce_close(void)
{
  if ( u3P.nor_i >= 0 ) close(u3P.nor_i);
  if ( u3P.sum_i >= 0 ) close(u3P.sum_i);
  if ( u3P.dir_i >= 0 ) close(u3P.dir_i);
  u3P.nor_i = u3P.sum_i = u3P.dir_i = -1;
  free(u3P.sum_w);
  u3P.sum_w = 0;
  u3P.liv_t = 0;
  u3P.pen_t = 0;
}

c3_i
u3e_init(void)
{
  if ( !u3C.pages_w || u3C.pages_w > _ce_max_pages ) {
    fprintf(stderr, "image: init: no loom mapped (%u pages)\n", u3C.pages_w);
    return -1;
  }
  _ce_close();
  memset(&u3e_Stat, 0, sizeof(u3e_Stat));
  memset(u3P.dit_d, 0, sizeof(u3P.dit_d));
  u3P.pag_w = u3C.pages_w;
  u3P.nor_w = 0;
  u3P.gar_w = 0;
  u3P.yol_t = 0;
  _ce_bits(0, u3P.pag_w, 1);
  _ce_lzy_t = _(u3C.lazy_o) || (_ce_swp_i >= 0);
  if ( _ce_swp_i >= 0 ) {
    //  a fresh loom: nothing left in the scratch file from an earlier one
    struct stat sat_u;
    if ( 0 == fstat(_ce_swp_i, &sat_u) && sat_u.st_size ) {
      fallocate(_ce_swp_i, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                0, sat_u.st_size);
    }
    //  the home road's stack works at the loom's top outside any event,
    //  where no bail can be caught: its pages are reserved now, and the
    //  file sized to the whole loom (so a file size limit shows here)
    c3_d top_d = (c3_d)u3C.pages_w << u3a_page_bits;
    c3_d res_d = c3_min(top_d, (c3_d)_ce_back_pages << (u3a_page_bits + 2));
    if ( fallocate(_ce_swp_i, 0, (off_t)(top_d - res_d), (off_t)res_d) ) {
      fprintf(stderr, "swap file: reserve the loom's top %llu KiB at offset "
                      "%llu: %s\n", (unsigned long long)(res_d >> 10),
              (unsigned long long)(top_d - res_d), strerror(errno));
      return -1;
    }
  }
  memset(_ce_lzy_d, 0, sizeof(_ce_lzy_d));
  if ( _ce_lzy_t ) {
    //  u3m_init mapped the loom read-only and unreserved: all lazy.
    //  Backing pages on first write needs protection faults.
    _ce_lzy_bits(0, u3P.pag_w, 1);
  }
  u3P.ini_t = 1;
  _ce_track_open(_ce_lzy_t);
  return 0;
}

/* _ce_open(): open (creating) file nam_c in the chk directory. */
static c3_i
_ce_open(const c3_c* nam_c, c3_c* pat_c)
{
  c3_i fid_i;
  if ( _ce_path(pat_c, u3P.dir_c, nam_c) ) {
    return -1;
  }
  if ( 0 > (fid_i = open(pat_c, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) ) {
    fprintf(stderr, "image: open %s: %s\n", pat_c, strerror(errno));
  }
  return fid_i;
}

  /** Judging an image: the one validator.
  ***
  ***   _ce_judge looks at a chk directory without changing anything and
  ***   says what a start does with it: what becomes of a leftover patch,
  ***   and whether the image (after a valid patch) is new, sound, damaged,
  ***   unverifiable, refused or unreadable.  u3e_live acts on its verdict;
  ***   u3e_judge (and so `urbit check`) reports it.  An image that cannot
  ***   be verified (north.bin with pages, sums.bin missing or empty) is
  ***   never trusted: it is judged like a damaged one.
  **/
/* _ce_judgment: a verdict, and the valid patch it found (for applying). */
typedef struct {
  u3e_verdict ver_u;
  u3e_control ctl_u;       //  the valid patch's header
  u3e_line*   lin_u;       //  its entries (malloc'd), or 0
  c3_i        mem_i;       //  its memory.bin (open), or -1
  c3_w        pag_w;       //  pages in north.bin
  c3_w        num_w;       //  checksums in sums.bin
} _ce_judgment;

/* _ce_tell(): one line of a judgment: to fil_u ("check: ", \n) or, at a
**   start, to stderr ("image: ", \n).
*/
static void
_ce_tell(FILE* fil_u, const c3_c* fmt_c, ...)
{
  FILE*   out_u = fil_u ? fil_u : stderr;
  va_list ap;

  fputs(fil_u ? "check: " : "image: ", out_u);
  va_start(ap, fmt_c);
  vfprintf(out_u, fmt_c, ap);
  va_end(ap);
  fputs(fil_u ? "\n" : "\n", out_u);
}

/* _ce_judgment_free(): release a judgment's patch. */
static void
_ce_judgment_free(_ce_judgment* jud_u)
{
  free(jud_u->lin_u);
  jud_u->lin_u = 0;
  if ( jud_u->mem_i >= 0 ) {
    close(jud_u->mem_i);
  }
  jud_u->mem_i = -1;
}

/* _ce_judge_head(): judge the geometry and format in the home header of
**   the image a start would have (page 0 from the patch or from
**   north.bin): a sound header made for other geometry or format than
**   bits_w asks (0: any) is refused, never rebuilt.  The header's own
**   checksum and the home road are u3m_header_check's, after mapping.
*/
static void
_ce_judge_head(const c3_c* chk_c, c3_i nor_i, c3_w bits_w, c3_w max_w,
               FILE* fil_u, _ce_judgment* jud_u)
{
  u3e_verdict* ver_u = &jud_u->ver_u;
  c3_c         pat_c[PATH_MAX];
  u3m_home     hom_u;
  c3_i         fid_i = nor_i;

  if ( jud_u->lin_u && jud_u->ctl_u.pgs_w && 0 == jud_u->lin_u[0].pag_w ) {
    fid_i = jud_u->mem_i;
  }
  else if ( 0 == jud_u->pag_w || nor_i < 0 ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "the patched image needs page 0 of north.bin, which is "
                    "empty");
    return;
  }
  if ( _ce_path(pat_c, chk_c, ( fid_i == nor_i ) ? "north.bin" : "memory.bin")
       || _ce_pread_all(fid_i, &hom_u, sizeof(hom_u), 0, pat_c) )
  {
    ver_u->img_e = u3e_img_failed;
    return;
  }
  if ( u3m_home_magic != hom_u.mag_w ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "page 0 is not a home header (magic %08x)", hom_u.mag_w);
    return;
  }
  if ( u3m_home_version != hom_u.ver_w
       || u3a_page_bits != hom_u.pag_bits_w
       || hom_u.bits_w < u3a_bits_min || hom_u.bits_w > u3a_bits_max
       || (bits_w && bits_w != hom_u.bits_w) )
  {
    if ( hom_u.sum_w != u3m_header_sum(&hom_u) ) {
      ver_u->img_e = u3e_img_damaged;
      _ce_tell(fil_u, "page 0: a damaged home header (format %u, loom bits "
                      "%u, page bits %u)", hom_u.ver_w, hom_u.bits_w,
               hom_u.pag_bits_w);
    }
    else {
      ver_u->img_e = u3e_img_refused;
      _ce_tell(fil_u, "the image is format %u with a loom of 2^%u bytes and "
                      "2^%u-byte pages; %s format %u, 2^%u-byte pages%s",
               hom_u.ver_w, hom_u.bits_w, hom_u.pag_bits_w,
               fil_u ? "this runtime reads" : "this run asked for",
               u3m_home_version, u3a_page_bits,
               bits_w ? " and the loom it was given" : "");
    }
    return;
  }
  ver_u->bits_w = hom_u.bits_w;
  ver_u->eve_d  = hom_u.eve_d;
  max_w = c3_min(max_w, 1U << (hom_u.bits_w - u3a_page_bits));
  if ( ver_u->nor_w > max_w ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "the image has %u pages, more than its loom's %u",
             ver_u->nor_w, max_w);
  }
}

/* _ce_judge(): judge the image in chk_c (north.bin open as nor_i, sums.bin
**   as sum_i; either may be -1 when missing) read-only.  bits_w: the
**   geometry asked for (0: the image's own); max_w: the pages sum_w has
**   room for.  Messages go to fil_u (0: stderr).  jud_u->ver_u gets the
**   verdict; a valid patch stays loaded for the caller to apply (release
**   it with _ce_judgment_free).
*/
static void
_ce_judge(const c3_c* chk_c, c3_i nor_i, c3_i sum_i, c3_w bits_w,
          c3_w* sum_w, c3_w max_w, FILE* fil_u, _ce_judgment* jud_u)
{
  u3e_verdict* ver_u = &jud_u->ver_u;
  c3_c         npa_c[PATH_MAX], spa_c[PATH_MAX], why_c[256];
  c3_d         len_d = 0;
  c3_w         kep_w;
  c3_i         pat_i;

  memset(jud_u, 0, sizeof(*jud_u));
  jud_u->mem_i = -1;
  ver_u->img_e = u3e_img_failed;
  if ( _ce_path(npa_c, chk_c, "north.bin")
       || _ce_path(spa_c, chk_c, "sums.bin") )
  {
    return;
  }

  //  a leftover patch, read whole and checked before anything else
  pat_i = _ce_patch_load(chk_c, _ce_max_pages, &jud_u->ctl_u, &jud_u->lin_u,
                         &jud_u->mem_i, why_c, sizeof(why_c));
  switch ( pat_i ) {
    case 0:  ver_u->pat_e = u3e_pat_apply;   break;
    case 1:  ver_u->pat_e = u3e_pat_none;    break;
    case 2:  ver_u->pat_e = u3e_pat_stray;   break;
    case -1: {
      ver_u->pat_e = u3e_pat_discard;
      _ce_tell(fil_u, "the patch left in %s is damaged: %s", chk_c, why_c);
    } break;
    default: {
      _ce_tell(fil_u, "the patch left in %s could not be read", chk_c);
      return;
    }
  }

  //  north.bin's size
  if ( nor_i >= 0 && _ce_size(nor_i, &len_d, npa_c) ) {
    return;
  }
  if ( fil_u ) {
    _ce_tell(fil_u, "%s: %llu bytes, %u-byte pages", npa_c,
             (unsigned long long)len_d, u3a_page_bytes);
  }
  //  an apply the crash interrupted may leave a partial last page: the
  //  patch rewrites the image's size, so only the whole pages count
  if ( (len_d & (u3a_page_bytes - 1)) && u3e_pat_apply != ver_u->pat_e ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "%s has %llu bytes: not a whole number of pages (of %u "
                    "bytes)", npa_c, (unsigned long long)len_d, u3a_page_bytes);
    return;
  }
  if ( (len_d >> u3a_page_bits) > _ce_max_pages ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "%s is larger than any loom", npa_c);
    return;
  }
  jud_u->pag_w = (c3_w)(len_d >> u3a_page_bits);
  ver_u->nor_w = ( u3e_pat_apply == ver_u->pat_e ) ? jud_u->ctl_u.nor_w
                                                   : jud_u->pag_w;
  if ( 0 == ver_u->nor_w ) {
    ver_u->img_e = u3e_img_new;
    return;
  }

  //  the home header: geometry and format first (a refusal, never a
  //  rebuild), then its checksum and the home road
  ver_u->img_e = u3e_img_sound;
  _ce_judge_head(chk_c, nor_i, bits_w, max_w, fil_u, jud_u);
  if ( u3e_img_sound != ver_u->img_e ) {
    return;
  }

  //  the checksums
  if ( sum_i >= 0 && _ce_sums_load(sum_i, spa_c, sum_w, max_w, &jud_u->num_w) ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "%s is unreadable or damaged (see above)", spa_c);
    return;
  }

  //  the pages the image keeps from north.bin: all of them, or those
  //  below the patched top that the patch does not replace
  kep_w = jud_u->pag_w;
  if ( u3e_pat_apply == ver_u->pat_e ) {
    const u3e_line* lin_u = jud_u->lin_u;
    c3_w            pgs_w = jud_u->ctl_u.pgs_w;
    kep_w = 0;
    for ( c3_w i_w = 0, l_w = 0; i_w < ver_u->nor_w; i_w++ ) {
      while ( l_w < pgs_w && lin_u[l_w].pag_w < i_w ) l_w++;
      if ( !(l_w < pgs_w && lin_u[l_w].pag_w == i_w) ) {
        kep_w = i_w + 1;
      }
    }
    if ( kep_w > jud_u->pag_w ) {
      ver_u->img_e = u3e_img_damaged;
      _ce_tell(fil_u, "the patched image needs %u pages of %s, which has %u",
               kep_w, npa_c, jud_u->pag_w);
      return;
    }
  }
  if ( kep_w && 0 == jud_u->num_w ) {
    ver_u->img_e = u3e_img_unsummed;
    _ce_tell(fil_u, "%s is missing or empty: the %u pages of %s cannot be "
                    "verified", spa_c, kep_w, npa_c);
    return;
  }
  if ( ( u3e_pat_apply == ver_u->pat_e ) ? (kep_w > jud_u->num_w)
                                         : (jud_u->num_w != jud_u->pag_w) )
  {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "%s has %u checksums for the %u pages of %s", spa_c,
             jud_u->num_w, jud_u->pag_w, npa_c);
    return;
  }

  //  every kept page against its checksum: one sequential read, which
  //  also warms the page cache a demand-paged image is read from
  {
    c3_ds bad_ds = _ce_image_verify(nor_i, npa_c, sum_w, kep_w, jud_u->lin_u,
                                    jud_u->lin_u ? jud_u->ctl_u.pgs_w : 0,
                                    fil_u, fil_u ? "check: " : "image: ");
    if ( bad_ds < 0 ) {
      ver_u->img_e = u3e_img_failed;
      return;
    }
    if ( bad_ds > 0 ) {
      ver_u->img_e = u3e_img_damaged;
      _ce_tell(fil_u, "%lld damaged page%s in %s", (long long)bad_ds,
               ( 1 == bad_ds ) ? "" : "s", npa_c);
      if ( u3e_pat_discard == ver_u->pat_e ) {
        _ce_tell(fil_u, "with the damaged patch discarded, %s does not match "
                        "its checksums: a save was applying that patch when "
                        "it was interrupted", npa_c);
      }
    }
  }
}

/* _ce_live_act(): carry out a sound verdict's patch action on disk (a
**   start): remove a stray memory.bin, discard a damaged patch, apply a
**   valid one.  A failure here is never damage: the files stay as they
**   are and the next start finds the same patch.  0 or -1.
*/
static c3_i
_ce_live_act(_ce_judgment* jud_u)
{
  switch ( jud_u->ver_u.pat_e ) {
    case u3e_pat_none: return 0;

    case u3e_pat_stray: {
      fprintf(stderr, "image: removing memory.bin left by a save that did "
                      "not commit\n");
      return _ce_patch_drop();
    }
    case u3e_pat_discard: {
      fprintf(stderr, "image: discarding the damaged patch left in %s (the "
                      "image without it is whole)\n", u3P.dir_c);
      return _ce_patch_drop();
    }
    case u3e_pat_apply: {
      fprintf(stderr, "image: applying the patch left by an interrupted "
                      "save (%u pages, image of %u pages)\n",
              jud_u->ctl_u.pgs_w, jud_u->ctl_u.nor_w);
      if ( _ce_patch_apply(jud_u->lin_u, jud_u->ctl_u.pgs_w,
                           jud_u->ctl_u.nor_w, jud_u->mem_i, 0)
           || _ce_patch_drop() )
      {
        fprintf(stderr, "image: the pending patch could not be applied (see "
                        "above; a full disk?).  north.bin, sums.bin and the "
                        "patch are kept as they are: the next start applies "
                        "it again once there is room\n");
        return -1;
      }
      return 0;
    }
  }
  return -1;
}

/* _ce_live_read_patch(): a valid pending patch, applied to the loom only
**   (a private view; the files are not touched).  0 or -1.
*/
static c3_i
_ce_live_read_patch(_ce_judgment* jud_u)
{
  c3_c mpa_c[PATH_MAX];

  if ( _ce_path(mpa_c, u3P.dir_c, "memory.bin") ) {
    return -1;
  }
  for ( c3_w i_w = 0; i_w < jud_u->ctl_u.pgs_w; i_w++ ) {
    if ( _ce_pread_all(jud_u->mem_i, _ce_ptr(jud_u->lin_u[i_w].pag_w),
                       u3a_page_bytes, (c3_d)i_w << u3a_page_bits, mpa_c) )
    {
      return -1;
    }
  }
  return 0;
}

/* _ce_live_open(): open north.bin and sums.bin: created read-write at a
**   start, read-only (missing is -1, and fine) for a read-only view.
*/
static c3_i
_ce_live_open(c3_t red_t, c3_c* npa_c, c3_c* spa_c)
{
  if ( !red_t ) {
    if ( 0 > (u3P.nor_i = _ce_open("north.bin", npa_c))
         || 0 > (u3P.sum_i = _ce_open("sums.bin", spa_c)) )
    {
      return -1;
    }
    return 0;
  }
  if ( _ce_path(npa_c, u3P.dir_c, "north.bin")
       || _ce_path(spa_c, u3P.dir_c, "sums.bin") )
  {
    return -1;
  }
  u3P.nor_i = open(npa_c, O_RDONLY | O_CLOEXEC);
  if ( u3P.nor_i < 0 && ENOENT != errno ) {
    fprintf(stderr, "image: open %s: %s\n", npa_c, strerror(errno));
    return -1;
  }
  u3P.sum_i = open(spa_c, O_RDONLY | O_CLOEXEC);
  if ( u3P.sum_i < 0 && ENOENT != errno ) {
    fprintf(stderr, "image: open %s: %s\n", spa_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_live(): u3e_live, or with red_t its read-only view. */
static c3_i
_ce_live(const c3_c* dir_c, c3_w* nor_w, c3_t red_t)
{
  c3_c         urb_c[PATH_MAX], npa_c[PATH_MAX], spa_c[PATH_MAX];
  _ce_judgment jud_u;
  c3_w         pag_w;
  c3_i         ret_i = u3e_live_failed;

  *nor_w = 0;
  jud_u.lin_u = 0;
  jud_u.mem_i = -1;
  if ( !u3P.ini_t ) {
    fprintf(stderr, "image: live: u3e_init has not run\n");
    return u3e_live_failed;
  }
  _ce_track_mine();
  _ce_close();

  //  PIER/.urb/chk, created as needed (never for a read-only view)
  if ( _ce_path(urb_c, dir_c, ".urb")
       || _ce_path(u3P.dir_c, urb_c, "chk") )
  {
    return u3e_live_failed;
  }
  if ( !red_t
       && (_ce_mkdir(dir_c) || _ce_mkdir(urb_c) || _ce_mkdir(u3P.dir_c)) )
  {
    return u3e_live_failed;
  }
  if ( 0 > (u3P.dir_i = open(u3P.dir_c, O_RDONLY | O_DIRECTORY | O_CLOEXEC))
       && !(red_t && ENOENT == errno) )
  {
    fprintf(stderr, "image: open %s: %s\n", u3P.dir_c, strerror(errno));
    goto fail;
  }
  if ( _ce_live_open(red_t, npa_c, spa_c) ) {
    goto fail;
  }
  if ( !(u3P.sum_w = calloc(u3P.pag_w, sizeof(c3_w))) ) {
    fprintf(stderr, "image: out of memory for %u page checksums\n", u3P.pag_w);
    goto fail;
  }

  //  judge first, changing nothing; act only on a usable image
  _ce_judge(u3P.dir_c, u3P.nor_i, u3P.sum_i, u3C.bits_w, u3P.sum_w,
            u3P.pag_w, 0, &jud_u);
  switch ( jud_u.ver_u.img_e ) {
    case u3e_img_new:
    case u3e_img_sound: break;
    case u3e_img_refused: ret_i = u3e_live_refused; goto fail;
    case u3e_img_failed: goto fail;
    case u3e_img_damaged:
    case u3e_img_unsummed: {
      fprintf(stderr, "image: %s cannot be trusted\n", npa_c);
      ret_i = u3e_live_damaged;
      goto fail;
    }
  }
  if ( !red_t ) {
    if ( _ce_live_act(&jud_u) ) {
      goto fail;
    }
    if ( u3e_img_new == jud_u.ver_u.img_e ) {
      c3_w hed_w[4];
      c3_d len_d;
      _ce_sums_head(hed_w);
      if ( _ce_size(u3P.sum_i, &len_d, spa_c)
           || (len_d < _ce_sum_head
               && (_ce_pwrite_all(u3P.sum_i, hed_w, sizeof(hed_w), 0, spa_c)
                   || _ce_fdatasync(u3P.sum_i, spa_c)
                   || _ce_fsync(u3P.dir_i, u3P.dir_c))) )
      {
        goto fail;
      }
    }
  }

  //  map: at a start north.bin now holds the whole image; a read-only
  //  view maps what north.bin has of it and lays the patch over that
  pag_w = jud_u.ver_u.nor_w;
  if ( red_t ) {
    c3_w fil_w = c3_min(pag_w, jud_u.pag_w);
    if ( _ce_loom_mapf_north(fil_w, npa_c) ) {
      goto fail;
    }
    u3e_yolo();
    if ( u3e_pat_apply == jud_u.ver_u.pat_e && _ce_live_read_patch(&jud_u) ) {
      goto fail;
    }
  }
  else if ( _ce_loom_mapf_north(pag_w, npa_c) ) {
    goto fail;
  }
  _ce_judgment_free(&jud_u);
  u3P.nor_w = red_t ? c3_min(pag_w, jud_u.pag_w) : pag_w;
  u3P.liv_t = red_t ? 0 : 1;     //  a read-only view never saves
  u3P.yol_t = red_t ? 1 : 0;
  u3e_Stat.image_w = pag_w;
  *nor_w = pag_w;
  return 0;

fail:
  _ce_judgment_free(&jud_u);
  _ce_close();
  return ret_i;
}

c3_i
u3e_live(const c3_c* dir_c, c3_w* nor_w)
{
  return _ce_live(dir_c, nor_w, 0);
}

c3_i
u3e_live_read(const c3_c* dir_c, c3_w* nor_w)
{
  return _ce_live(dir_c, nor_w, 1);
}

/* _ce_nanos(): monotonic time in nanoseconds. */
static c3_d
_ce_nanos(void)
{
  struct timespec tim_u;
  clock_gettime(CLOCK_MONOTONIC, &tim_u);
  return (c3_d)tim_u.tv_sec * 1000000000ULL + (c3_d)tim_u.tv_nsec;
}

/* _ce_ward_road(): put the guard back in the current road's gap. */
static void
_ce_ward_road(void)
{
  if ( u3R ) {
    c3_w bot_w, top_w;
    _ce_road_gap(u3R, &bot_w, &top_w);
    if ( top_w >= bot_w + 2 ) {
      _ce_ward_put(bot_w + (top_w - bot_w) / 2);
    }
  }
}

c3_i
u3e_save(c3_w nor_w)
{
  c3_d      sat_d = _ce_nanos();
  c3_t      gar_t = ( 0 != u3P.gar_w );
  u3e_line* lin_u = 0;
  c3_w      pgs_w = 0;
  c3_i      ret_i = -1;

  if ( !u3P.liv_t ) {
    fprintf(stderr, "image: save: no image is open\n");
    return -1;
  }
  if ( nor_w > u3P.pag_w ) {
    fprintf(stderr, "image: save: %u pages is more than the loom's %u\n",
            nor_w, u3P.pag_w);
    return -1;
  }
  _ce_track_mine();
  if ( u3P.yol_t ) {
    //  writes went untracked: every page must be saved
    u3e_foul();
    u3P.yol_t = 0;
  }
  //  every page that may be clean, below the old top or the new
  _ce_track_scan(0, c3_max(nor_w, u3P.nor_w));
  _ce_ward_lift();

  if ( u3P.pen_t && _ce_patch_redo() ) {
    goto done;
  }

  //  the patch: dirty pages below the new top, with their checksums
  for ( c3_w pag_w = _ce_next(0, nor_w, 1); pag_w < nor_w;
        pag_w = _ce_next(pag_w + 1, nor_w, 1) )
  {
    pgs_w++;
  }
  if ( 0 == pgs_w && nor_w == u3P.nor_w ) {
    //  nothing changed below the top: the image is already this
    u3e_Stat.saves_d++;
    ret_i = 0;
    goto done;
  }
  if ( !(lin_u = malloc((c3_z)pgs_w * sizeof(u3e_line) + 1)) ) {
    fprintf(stderr, "image: save: out of memory for %u pages\n", pgs_w);
    goto done;
  }
  {
    c3_w i_w = 0;
    for ( c3_w pag_w = _ce_next(0, nor_w, 1); pag_w < nor_w;
          pag_w = _ce_next(pag_w + 1, nor_w, 1) )
    {
      lin_u[i_w].pag_w = pag_w;
      lin_u[i_w].sum_w = _ce_sum_page(_ce_ptr(pag_w));
      i_w++;
    }
  }

  if ( _ce_patch_write(lin_u, pgs_w, nor_w) ) {
    goto done;
  }
  u3P.pen_t = 1;
  if ( _ce_patch_apply(lin_u, pgs_w, nor_w, -1, 1) || _ce_patch_drop() ) {
    goto done;
  }
  u3P.pen_t = 0;

  //  durable: the saved pages become clean
  if ( _ce_loom_clean(lin_u, pgs_w) ) {
    fprintf(stderr, "image: save: the image is saved, but some pages stay "
                    "dirty\n");
  }
  u3P.nor_w = nor_w;
  u3e_Stat.image_w = nor_w;
  u3e_Stat.saves_d++;
  u3e_Stat.saved_pages_d += pgs_w;
  ret_i = 0;

done:
  free(lin_u);
  if ( gar_t ) {
    _ce_ward_road();
  }
  u3e_Stat.save_ns_d += _ce_nanos() - sat_d;
  return ret_i;
}

/* _ce_copy(): copy file src_c to dst_c durably, via a temporary name. */
static c3_i
_ce_copy(c3_i src_i, const c3_c* src_c, const c3_c* dst_c)
{
  c3_c  tmp_c[PATH_MAX];
  c3_y* buf_y;
  c3_i  dst_i;
  c3_d  len_d, off_d = 0;

  if ( (c3_i)sizeof(tmp_c) <= snprintf(tmp_c, sizeof(tmp_c), "%s.tmp", dst_c) ) {
    fprintf(stderr, "image: path too long: %s.tmp\n", dst_c);
    return -1;
  }
  if ( _ce_size(src_i, &len_d, src_c) ) {
    return -1;
  }
  if ( 0 > (dst_i = open(tmp_c, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                         0644)) )
  {
    fprintf(stderr, "image: open %s: %s\n", tmp_c, strerror(errno));
    return -1;
  }
  if ( !(buf_y = malloc(1 << 20)) ) {
    fprintf(stderr, "image: out of memory copying %s\n", src_c);
    close(dst_i);
    return -1;
  }
  while ( off_d < len_d ) {
    c3_z num_z = (c3_z)c3_min(1ULL << 20, len_d - off_d);
    if ( _ce_pread_all(src_i, buf_y, num_z, off_d, src_c)
         || _ce_pwrite_all(dst_i, buf_y, num_z, off_d, tmp_c) )
    {
      goto fail;
    }
    off_d += num_z;
  }
  if ( _ce_fdatasync(dst_i, tmp_c) ) goto fail;
  if ( rename(tmp_c, dst_c) ) {
    fprintf(stderr, "image: rename %s to %s: %s\n", tmp_c, dst_c,
            strerror(errno));
    goto fail;
  }
  free(buf_y);
  close(dst_i);
  return 0;

fail:
  free(buf_y);
  close(dst_i);
  unlink(tmp_c);
  return -1;
}

c3_i
u3e_backup(const c3_c* dst_c)
{
  c3_c npa_c[PATH_MAX], spa_c[PATH_MAX], dno_c[PATH_MAX], dsu_c[PATH_MAX];
  c3_i dir_i;

  if ( !u3P.liv_t ) {
    fprintf(stderr, "image: backup: no image is open\n");
    return -1;
  }
  if ( u3P.pen_t && _ce_patch_redo() ) {
    return -1;
  }
  if ( _ce_mkdir(dst_c)
       || _ce_path(npa_c, u3P.dir_c, "north.bin")
       || _ce_path(spa_c, u3P.dir_c, "sums.bin")
       || _ce_path(dno_c, dst_c, "north.bin")
       || _ce_path(dsu_c, dst_c, "sums.bin")
       || _ce_copy(u3P.nor_i, npa_c, dno_c)
       || _ce_copy(u3P.sum_i, spa_c, dsu_c) )
  {
    return -1;
  }
  if ( 0 > (dir_i = open(dst_c, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ) {
    fprintf(stderr, "image: open %s: %s\n", dst_c, strerror(errno));
    return -1;
  }
  c3_i ret_i = _ce_fsync(dir_i, dst_c);
  close(dir_i);
  return ret_i;
}

/* _ce_check_dir(): the directory holding the image of dir_c: PIER/.urb/chk,
**   or dir_c itself if it holds north.bin (a backup).
*/
static c3_i
_ce_check_dir(const c3_c* dir_c, c3_c* chk_c)
{
  struct stat buf_u;
  c3_c        pat_c[PATH_MAX];

  if ( _ce_path(chk_c, dir_c, ".urb/chk") ) {
    return -1;
  }
  if ( 0 == stat(chk_c, &buf_u) && S_ISDIR(buf_u.st_mode) ) {
    return 0;
  }
  if ( _ce_path(pat_c, dir_c, "north.bin") ) {
    return -1;
  }
  if ( 0 == stat(pat_c, &buf_u) ) {
    snprintf(chk_c, PATH_MAX, "%s", dir_c);
    return 0;
  }
  return -1;
}

c3_i
u3e_judge(const c3_c* dir_c, c3_w bits_w, FILE* fil_u, u3e_verdict* ver_u)
{
  c3_c         chk_c[PATH_MAX], npa_c[PATH_MAX], spa_c[PATH_MAX];
  c3_i         nor_i = -1, sum_i = -1;
  c3_w*        sum_w = 0;
  _ce_judgment jud_u;

  memset(ver_u, 0, sizeof(*ver_u));
  ver_u->img_e = u3e_img_failed;
  if ( _ce_check_dir(dir_c, chk_c) ) {
    _ce_tell(fil_u, "no image in %s (neither .urb/chk nor north.bin): a "
                    "start makes a new one", dir_c);
    ver_u->img_e = u3e_img_new;
    return 0;
  }
  if ( _ce_path(npa_c, chk_c, "north.bin")
       || _ce_path(spa_c, chk_c, "sums.bin") )
  {
    return -1;
  }
  if ( (0 > (nor_i = open(npa_c, O_RDONLY | O_CLOEXEC)) && ENOENT != errno)
       || (0 > (sum_i = open(spa_c, O_RDONLY | O_CLOEXEC)) && ENOENT != errno) )
  {
    _ce_tell(fil_u, "open %s: %s", ( nor_i < 0 ) ? npa_c : spa_c,
             strerror(errno));
    goto done;
  }
  if ( !(sum_w = calloc(_ce_max_pages, sizeof(c3_w))) ) {
    _ce_tell(fil_u, "out of memory");
    goto done;
  }
  _ce_judge(chk_c, nor_i, sum_i, bits_w, sum_w, _ce_max_pages, fil_u, &jud_u);
  _ce_judgment_free(&jud_u);
  *ver_u = jud_u.ver_u;

  //  what a start does
  switch ( ver_u->pat_e ) {
    case u3e_pat_none: break;
    case u3e_pat_apply: {
      _ce_tell(fil_u, "a valid patch is pending (%u pages, image of %u "
                      "pages): a start applies it", jud_u.ctl_u.pgs_w,
               jud_u.ctl_u.nor_w);
    } break;
    case u3e_pat_stray: {
      _ce_tell(fil_u, "memory.bin without control.bin: a save that never "
                      "committed; a start removes it");
    } break;
    case u3e_pat_discard: {
      _ce_tell(fil_u, "a start discards the damaged patch%s",
               ( u3e_img_sound == ver_u->img_e || u3e_img_new == ver_u->img_e )
               ? " (the image without it is whole)" : "");
    } break;
  }
  switch ( ver_u->img_e ) {
    case u3e_img_new: {
      _ce_tell(fil_u, "no image yet: a start makes a new one");
    } break;
    case u3e_img_sound: {
      _ce_tell(fil_u, "image sound: loom of 2^%u bytes, %u pages, event %llu: "
                      "a start resumes at event %llu", ver_u->bits_w,
               ver_u->nor_w, (unsigned long long)ver_u->eve_d,
               (unsigned long long)ver_u->eve_d);
    } break;
    case u3e_img_damaged:
    case u3e_img_unsummed: {
      _ce_tell(fil_u, "the image cannot be trusted: a start sets it aside "
                      "and rebuilds the state from the log, if the log "
                      "reaches back to event 1");
    } break;
    case u3e_img_refused: {
      _ce_tell(fil_u, "a start refuses the image (other geometry or format)");
    } break;
    case u3e_img_failed: {
      _ce_tell(fil_u, "the image could not be read: a start stops");
    } break;
  }

done:
  free(sum_w);
  if ( nor_i >= 0 ) close(nor_i);
  if ( sum_i >= 0 ) close(sum_i);
  return ( u3e_img_new == ver_u->img_e || u3e_img_sound == ver_u->img_e )
         ? 0 : -1;
}

c3_i
u3e_check(const c3_c* dir_c, FILE* fil_u)
{
  u3e_verdict ver_u;
  return u3e_judge(dir_c, 0, fil_u, &ver_u);
}

/* _ce_wipe_room(): may the *.bad files of chk_c stay?  They keep their
**   space while the state is rebuilt, and the rebuilt image and its first
**   patch need about twice the image: only when that much is free.
*/
static c3_t
_ce_wipe_room(const c3_c* chk_c, c3_d img_d)
{
  struct statvfs sat_u;

  if ( statvfs(chk_c, &sat_u) ) {
    return 0;
  }
  return (c3_d)sat_u.f_bavail * (c3_d)sat_u.f_frsize >= 2 * img_d;
}

c3_i
u3e_wipe(const c3_c* dir_c)
{
  static const c3_c* nam_c[] = { "north.bin", "sums.bin",
                                 "control.bin", "memory.bin" };
  c3_w num_w = sizeof(nam_c) / sizeof(nam_c[0]);
  c3_c chk_c[PATH_MAX], old_c[PATH_MAX], bad_c[PATH_MAX];
  c3_d img_d = 0;
  c3_t kep_t;
  c3_i ret_i = 0;

  if ( u3P.liv_t ) {
    fprintf(stderr, "image: wipe: the image is open\n");
    return -1;
  }
  if ( _ce_path(chk_c, dir_c, ".urb/chk") ) {
    return -1;
  }
  //  one generation: an older set aside goes first, whole
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    struct stat sat_u;
    if ( _ce_path(old_c, chk_c, nam_c[i_w]) ) {
      return -1;
    }
    if ( (c3_i)sizeof(bad_c) <= snprintf(bad_c, sizeof(bad_c), "%s.bad", old_c) ) {
      fprintf(stderr, "image: path too long: %s.bad\n", old_c);
      return -1;
    }
    if ( unlink(bad_c) && ENOENT != errno ) {
      fprintf(stderr, "image: unlink %s: %s\n", bad_c, strerror(errno));
      ret_i = -1;
    }
    if ( 0 == stat(old_c, &sat_u) ) {
      img_d += (c3_d)sat_u.st_size;
    }
  }
  kep_t = _ce_wipe_room(chk_c, img_d);
  if ( !kep_t && img_d ) {
    fprintf(stderr, "image: no room to keep the untrusted image aside (%llu "
                    "KiB; its rebuild needs twice that free): removing it\n",
            (unsigned long long)(img_d >> 10));
  }
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    if ( _ce_path(old_c, chk_c, nam_c[i_w]) ) {
      return -1;
    }
    if ( (c3_i)sizeof(bad_c) <= snprintf(bad_c, sizeof(bad_c), "%s.bad", old_c) ) {
      return -1;
    }
    if ( kep_t ? rename(old_c, bad_c) : unlink(old_c) ) {
      if ( ENOENT != errno ) {
        fprintf(stderr, "image: %s %s: %s\n", kep_t ? "rename" : "unlink",
                old_c, strerror(errno));
        ret_i = -1;
      }
    }
    else if ( kep_t ) {
      fprintf(stderr, "image: moved %s aside to %s\n", old_c, bad_c);
    }
  }
  c3_i dir_i = open(chk_c, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if ( dir_i >= 0 ) {
    fsync(dir_i);
    close(dir_i);
  }
  return ret_i;
}

void
u3e_stop(void)
{
  _ce_close();
  _ce_uffd_close();
  u3P.ini_t = 0;
  u3P.gar_w = 0;
}

  /** Memory policies.
  ***
  ***   Lazy pages (--loom-lazy, and every page outside the image with a
  ***   swap file) are a fourth page state: dirty in the bitmap, but
  ***   unbacked: mapped read-only, anonymous and MAP_NORESERVE, so they
  ***   read as zeros and cost no RAM and no commit charge.  The first
  ***   write faults; _ce_lazy_back backs an aligned block of lazy pages
  ***   around it (fewer faults, fewer mappings): with a swap file, blocks
  ***   are reserved in the file (fallocate) and mapped MAP_SHARED at their
  ***   own offsets, so that a full disk is an error for that write, never
  ***   a SIGBUS later; without, fresh anonymous memory (commit charged).
  ***
  ***   With a swap file, a write to a clean image page copies the page
  ***   into the file at its offset and maps it there (_ce_swap_flaw): every
  ***   dirty page is file-backed, so the kernel can write it out and drop
  ***   it under a memory limit.  The file is unlinked once open and never
  ***   synced.  After a save, the pages now in the image are mapped from
  ***   north.bin again and their blocks punched out of the file.
  ***
  ***   Release (u3e_release, after events and saves) gives back pages that
  ***   hold nothing: the free gap an event touched beyond a kept margin,
  ***   and the home heap's free pages.  Swap pages are punched (MADV_REMOVE:
  ***   never written back, blocks returned) and become lazy again; with
  ***   --loom-lazy, anonymous pages become lazy again (uncommitted);
  ***   otherwise MADV_FREE or MADV_DONTNEED as chosen.  Clean image pages
  ***   are dropped (MADV_DONTNEED: they are in the file).
  **/

/* _ce_lazy_map(): make pages [lo_w, hi_w) lazy (not async-signal-safe
**   only in that it may be called outside the handler; it is in fact).
*/
static c3_i
_ce_lazy_map(c3_w lo_w, c3_w hi_w)
{
  if ( MAP_FAILED == mmap(_ce_ptr(lo_w), (c3_z)(hi_w - lo_w) << u3a_page_bits,
                          PROT_READ,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
                          -1, 0) )
  {
    return -1;
  }
  _ce_lzy_bits(lo_w, hi_w, 1);
  _ce_bits(lo_w, hi_w, 1);
  if ( u3P.gar_w >= lo_w && u3P.gar_w < hi_w ) {
    mprotect(_ce_ptr(u3P.gar_w), u3a_page_bytes, PROT_NONE);
  }
  return 0;
}

/* _ce_lazy_back(): a write to lazy page pag_w: back it and the lazy pages
**   next to it in its aligned block (async-signal-safe).  0 when done, 1
**   when memory is exhausted (bail meme), 2 when the swap file has no
**   room (bail full; errno in u3e_Stat.swap_err_i), -1 on error.
*/
static c3_i
_ce_lazy_back(c3_w pag_w)
{
  //  swap blocks are reserved a MiB at a time: fewer faults and extents
  c3_w blk_w = ( _ce_swp_i >= 0 ) ? 4 * _ce_back_pages : _ce_back_pages;
  c3_w bot_w = pag_w & ~(blk_w - 1);
  c3_w top_w = c3_min(bot_w + blk_w, u3P.pag_w);
  c3_w lo_w  = pag_w;
  c3_w hi_w  = pag_w + 1;

  while ( lo_w > bot_w && _ce_lzy(lo_w - 1) && (lo_w - 1) != u3P.gar_w ) {
    lo_w--;
  }
  while ( hi_w < top_w && _ce_lzy(hi_w) && hi_w != u3P.gar_w ) {
    hi_w++;
  }

  if ( _ce_swp_i >= 0 ) {
    c3_d off_d = (c3_d)lo_w << u3a_page_bits;
    c3_d len_d = (c3_d)(hi_w - lo_w) << u3a_page_bits;

    if ( fallocate(_ce_swp_i, 0, (off_t)off_d, (off_t)len_d) ) {
      //  the block may not fit where the page would: try the page alone
      lo_w = pag_w;
      hi_w = pag_w + 1;
      off_d = (c3_d)pag_w << u3a_page_bits;
      len_d = u3a_page_bytes;
      while ( fallocate(_ce_swp_i, 0, (off_t)off_d, (off_t)len_d) ) {
        if ( EINTR == errno ) continue;
        u3e_Stat.swap_err_i = errno;
        u3e_Stat.swap_full_d++;
      u3e_Stat.swap_pag_w = pag_w;
        u3e_Stat.swap_pag_w = pag_w;
        return 2;
      }
    }
    if ( MAP_FAILED == mmap(_ce_ptr(lo_w), (c3_z)len_d, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_FIXED, _ce_swp_i, (off_t)off_d) )
    {
      u3m_say("image: mmap swap file: cannot map a loom page\n");
      return ( ENOMEM == errno ) ? 1 : -1;
    }
  }
  else if ( MAP_FAILED == mmap(_ce_ptr(lo_w), (c3_z)(hi_w - lo_w) << u3a_page_bits,
                               PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) )
  {
    //  no commit charge left, or no mappings left
    return ( ENOMEM == errno ) ? 1 : -1;
  }
  _ce_lzy_bits(lo_w, hi_w, 0);
  _ce_bits(lo_w, hi_w, 1);
  u3e_Stat.faults_d++;
  u3e_Stat.backed_d += hi_w - lo_w;
  return 0;
}

/* _ce_swap_flaw(): a write to clean image page pag_w with a swap file:
**   move the page into the file, contents and all (async-signal-safe).
*/
static c3_i
_ce_swap_flaw(c3_w pag_w)
{
  c3_d  off_d = (c3_d)pag_w << u3a_page_bits;
  c3_y* ptr_y = _ce_ptr(pag_w);
  c3_z  don_z = 0;

  while ( don_z < u3a_page_bytes ) {
    ssize_t ret_i = pwrite(_ce_swp_i, ptr_y + don_z, u3a_page_bytes - don_z,
                           (off_t)(off_d + don_z));
    if ( ret_i < 0 ) {
      if ( EINTR == errno ) continue;
      u3e_Stat.swap_err_i = errno;
      u3e_Stat.swap_full_d++;
      u3e_Stat.swap_pag_w = pag_w;
      return 2;
    }
    don_z += (c3_z)ret_i;
  }
  if ( MAP_FAILED == mmap(ptr_y, u3a_page_bytes, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_FIXED, _ce_swp_i, (off_t)off_d) )
  {
    u3m_say("image: mmap swap file: cannot move a loom page into it\n");
    return ( ENOMEM == errno ) ? 1 : -1;
  }
  _ce_bit_set(pag_w);
  u3e_Stat.faults_d++;
  return 0;
}

/* _ce_swap_home(): the swap file has no room for page pag_w (lazy, or
**   clean).  Inside an event (an inner road) that bails the event (2).  The
**   home road's own work between events has nothing to abandon: its page
**   goes to anonymous memory instead, outside the swap file (async-signal-
**   safe).
*/
static c3_i
_ce_swap_home(c3_w pag_w, c3_t lzy_t)
{
  if ( u3R && u3R->par_u ) {
    return 2;
  }
  if ( lzy_t ) {
    if ( MAP_FAILED == mmap(_ce_ptr(pag_w), u3a_page_bytes, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) )
    {
      return ( ENOMEM == errno ) ? 1 : -1;
    }
    _ce_lzy_bits(pag_w, pag_w + 1, 0);
    _ce_bit_set(pag_w);
    u3e_Stat.faults_d++;
    u3e_Stat.swap_anon_d++;
    return 0;
  }
  u3e_Stat.swap_anon_d++;
  return _ce_flaw_protect(pag_w);
}

/* _ce_swap_punch(): free the swap file's blocks for pages [lo_w, hi_w). */
static void
_ce_swap_punch(c3_w lo_w, c3_w hi_w)
{
  if ( _ce_swp_i >= 0 && hi_w > lo_w
       && fallocate(_ce_swp_i, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                    (off_t)((c3_d)lo_w << u3a_page_bits),
                    (off_t)((c3_d)(hi_w - lo_w) << u3a_page_bits)) )
  {
    if ( !u3e_Stat.punch_err_d++ ) {
      fprintf(stderr, "swap file: punch pages %u-%u: %s\n",
              lo_w, hi_w - 1, strerror(errno));
    }
  }
}

c3_i
u3e_swap_open(const c3_c* pat_c)
{
  c3_c dir_c[PATH_MAX];
  struct statfs sfs_u;
  c3_c* sla_c;
  c3_i  fid_i;

  if ( strlen(pat_c) >= sizeof(dir_c) ) {
    fprintf(stderr, "swap file: path too long\n");
    return -1;
  }
  strcpy(dir_c, pat_c);
  sla_c = strrchr(dir_c, '/');
  if ( !sla_c ) {
    strcpy(dir_c, ".");
  }
  else if ( sla_c == dir_c ) {
    dir_c[1] = 0;
  }
  else {
    *sla_c = 0;
  }

  if ( statfs(dir_c, &sfs_u) ) {
    fprintf(stderr, "swap file: %s: directory %s: %s\n",
            pat_c, dir_c, strerror(errno));
    return -1;
  }
  if ( 0x01021994 == (c3_d)sfs_u.f_type || 0x858458f6 == (c3_d)sfs_u.f_type ) {
    fprintf(stderr, "swap file: %s is on %s: its pages would be swap-backed "
                    "shared memory, which a memory limit without swap cannot "
                    "page out, so the ship would be killed all the same.  Put "
                    "the swap file on a disk-backed volume (on Kubernetes, an "
                    "emptyDir without medium: Memory, or a persistent "
                    "volume)\n",
            pat_c, ( 0x01021994 == (c3_d)sfs_u.f_type ) ? "tmpfs" : "ramfs");
    return -1;
  }
  fid_i = open(pat_c, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if ( 0 > fid_i ) {
    fprintf(stderr, "swap file: create %s: %s%s\n", pat_c, strerror(errno),
            ( EEXIST == errno ) ? " (the swap file is made fresh: remove it "
                                  "or choose another path)" : "");
    return -1;
  }
  if ( unlink(pat_c) ) {
    fprintf(stderr, "swap file: unlink %s: %s\n", pat_c, strerror(errno));
    close(fid_i);
    return -1;
  }
  //  blocks are reserved before pages are written: the file system must
  //  be able to, or a full disk would be a SIGBUS
  if ( fallocate(fid_i, FALLOC_FL_KEEP_SIZE, 0, u3a_page_bytes) ) {
    fprintf(stderr, "swap file: %s: the file system cannot reserve blocks "
                    "(fallocate: %s); use ext4, xfs or btrfs\n",
            pat_c, strerror(errno));
    close(fid_i);
    return -1;
  }
  if ( _ce_swp_i >= 0 ) {
    close(_ce_swp_i);
  }
  _ce_swp_i = fid_i;
  return 0;
}

c3_d
u3e_swap_kb(void)
{
  struct stat sat_u;
  if ( _ce_swp_i < 0 || fstat(_ce_swp_i, &sat_u) ) {
    return 0;
  }
  return (c3_d)sat_u.st_blocks / 2;
}

/* _ce_release(): give back pages [lo_w, hi_w), which hold nothing. */
static c3_w
_ce_release(c3_w lo_w, c3_w hi_w)
{
  c3_w rel_w = 0;
  c3_w pag_w = lo_w;

  hi_w = c3_min(hi_w, u3P.pag_w);
  //  with userfaultfd, pages written since the last scan still have their
  //  bits clear: a stale bit would pass a written page off as clean
  _ce_track_scan(lo_w, c3_min(hi_w, u3P.nor_w));
  while ( pag_w < hi_w ) {
    if ( pag_w == u3P.gar_w ) {
      pag_w++;
      continue;
    }
    c3_t lzy_t = _ce_lzy(pag_w);
    c3_t dit_t = _ce_bit(pag_w);
    c3_t img_t = (pag_w < u3P.nor_w);
    c3_w end_w = pag_w + 1;

    while ( end_w < hi_w && end_w != u3P.gar_w
            && _ce_lzy(end_w) == lzy_t && _ce_bit(end_w) == dit_t
            && (end_w < u3P.nor_w) == img_t )
    {
      end_w++;
    }
    c3_y* ptr_y = _ce_ptr(pag_w);
    c3_z  len_z = (c3_z)(end_w - pag_w) << u3a_page_bits;
    c3_i  ret_i = 0;

    if ( lzy_t ) {
      //  nothing to give back
    }
    else if ( !dit_t ) {
      //  a clean page equals north.bin: drop the mapped copy
      if ( _(u3C.demand_o) ) {
        ret_i = madvise(ptr_y, len_z, MADV_DONTNEED);
        rel_w += end_w - pag_w;
      }
    }
    else if ( _ce_swp_i >= 0 ) {
      ret_i = madvise(ptr_y, len_z, MADV_REMOVE);
      if ( 0 == ret_i ) {
        ret_i = mprotect(ptr_y, len_z, PROT_READ);
        _ce_lzy_bits(pag_w, end_w, 1);
      }
      else {
        //  pages that went to anonymous memory when the disk was full,
        //  or private copies: discard them whole
        ret_i = _ce_lazy_map(pag_w, end_w);
      }
      rel_w += end_w - pag_w;
    }
    else if ( _(u3C.lazy_o) ) {
      ret_i = _ce_lazy_map(pag_w, end_w);
      rel_w += end_w - pag_w;
    }
    else {
      //  MADV_FREE takes only private anonymous memory: an image page's
      //  private copy sits in a file mapping
      c3_i adv_i = ( u3o_free_dontneed == u3C.fmod_w || (img_t && _(u3C.demand_o)) )
                   ? MADV_DONTNEED : MADV_FREE;
      ret_i = madvise(ptr_y, len_z, adv_i);
      rel_w += end_w - pag_w;
    }
    if ( ret_i && !u3e_Stat.release_err_d++ ) {
      fprintf(stderr, "loom: release pages %u-%u: %s\n",
              pag_w, end_w - 1, strerror(errno));
    }
    pag_w = end_w;
  }
  return rel_w;
}

/* _ce_swap_cut(): give back every page from bot_w to the loom's top, which
**   hold nothing, by truncating the swap file there and extending it
**   again: the pages become lazy.  A hole punch would first write the
**   dirty pages out (ext4 does); truncation discards them unwritten.
*/
static c3_w
_ce_swap_cut(c3_w bot_w)
{
  struct stat sat_u;
  c3_w rel_w = 0;
  c3_d off_d = (c3_d)bot_w << u3a_page_bits;

  for ( c3_w pag_w = bot_w; pag_w < u3P.pag_w; pag_w++ ) {
    rel_w += !_ce_lzy(pag_w);
  }
  if ( !rel_w ) {
    return 0;
  }
  //  read-only first, so no write can race into the cut
  if ( (u3P.gar_w >= bot_w && u3P.gar_w < u3P.pag_w)
       ? ((u3P.gar_w > bot_w
           && mprotect(_ce_ptr(bot_w), (c3_z)(u3P.gar_w - bot_w) << u3a_page_bits, PROT_READ))
          || (u3P.gar_w + 1 < u3P.pag_w
              && mprotect(_ce_ptr(u3P.gar_w + 1),
                          (c3_z)(u3P.pag_w - u3P.gar_w - 1) << u3a_page_bits, PROT_READ)))
       : mprotect(_ce_ptr(bot_w), (c3_z)(u3P.pag_w - bot_w) << u3a_page_bits, PROT_READ) )
  {
    fprintf(stderr, "swap file: mprotect loom pages from %u: %s\n",
            bot_w, strerror(errno));
    return 0;
  }
  _ce_lzy_bits(bot_w, u3P.pag_w, 1);
  if ( fstat(_ce_swp_i, &sat_u) ) {
    fprintf(stderr, "swap file: fstat: %s\n", strerror(errno));
    return 0;
  }
  if ( (c3_d)sat_u.st_size > off_d ) {
    if ( ftruncate(_ce_swp_i, (off_t)off_d)
         || ftruncate(_ce_swp_i, sat_u.st_size) )
    {
      fprintf(stderr, "swap file: truncate: %s\n", strerror(errno));
    }
  }
  return rel_w;
}

c3_w
u3e_release(void)
{
  if ( !u3P.ini_t || !u3H ) {
    return 0;
  }
  u3a_road* hom_u = &u3H->rod_u;
  c3_w      kep_w = u3C.keep_w;
  c3_w      rel_w = 0;
  c3_w      bot_w, top_w, pag_w, len_w;

  //  Only the home road's gap as it is now holds nothing: taking the last
  //  product up may have grown the heap past where an inner road's heap
  //  once reached, so the window is clipped to [hat, cap).
  c3_w* up_w = c3_min(u3a_Touch.up_w, hom_u->cap_w);
  c3_w* dn_w = c3_max(u3a_Touch.dn_w, hom_u->hat_w);

  //  the gap's low side: [hat + margin, highest frontier that grew up)
  _ce_gap((c3_y*)hom_u->hat_w, (c3_y*)up_w, &bot_w, &top_w);
  if ( top_w > bot_w + kep_w ) {
    rel_w += _ce_release(bot_w + kep_w, top_w);
  }
  //  the gap's high side: [lowest frontier that grew down, cap - margin)
  _ce_gap((c3_y*)dn_w, (c3_y*)hom_u->cap_w, &bot_w, &top_w);
  if ( _ce_swp_i >= 0 && top_w == u3P.pag_w && top_w > bot_w + kep_w + 256 ) {
    //  a lot at the end of the swap file: cut it all off, margin too,
    //  since a punch would first write it out
    rel_w += _ce_swap_cut(bot_w);
  }
  else if ( top_w > bot_w + kep_w ) {
    rel_w += _ce_release(bot_w, top_w - kep_w);
  }
  //  whole free pages inside the home heap
  while ( u3a_freed_next(&pag_w, &len_w) ) {
    rel_w += _ce_release(pag_w, pag_w + len_w);
  }
  u3e_Stat.released_d += rel_w;

  if ( _ce_swp_i >= 0 ) {
    //  the home road works between events, where no bail can be caught:
    //  keep backed what it uses there (its stack at the loom's top, the
    //  pages its next small allocations take), so a full disk meets an
    //  event instead.  Release just gave blocks back, so this fits.
    c3_w low_w[8];
    c3_w num_w = u3a_free_low(low_w, 8);
    c3_y* top_y = u3a_loom_base + ((c3_d)u3P.pag_w << u3a_page_bits);
    c3_d  res_d = c3_min((c3_d)u3P.pag_w << u3a_page_bits,
                         (c3_d)_ce_back_pages << (u3a_page_bits + 2));

    u3e_reserve((c3_w*)(void*)(top_y - res_d), (c3_w*)(void*)top_y);
    u3e_reserve(hom_u->hat_w, (c3_w*)((c3_y*)hom_u->hat_w + 8 * u3a_page_bytes));
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      u3e_reserve(u3a_page_ptr(low_w[i_w]), u3a_page_ptr(low_w[i_w] + 1));
    }
  }
  return rel_w;
}

c3_o
u3e_lazy(void)
{
  return __(u3P.ini_t && _ce_lzy_t);
}

c3_i
u3e_reserve(c3_w* lo_w, c3_w* hi_w)
{
  c3_w bot_w, top_w;

  if ( !u3P.ini_t || !_ce_lzy_t || hi_w <= lo_w ) {
    return 0;
  }
  bot_w = u3a_page_of(lo_w);
  top_w = c3_min(u3a_page_of((c3_y*)hi_w + u3a_page_bytes - 1), u3P.pag_w);
  for ( c3_w pag_w = bot_w; pag_w < top_w; pag_w++ ) {
    if ( _ce_swp_i >= 0 && !_ce_bit(pag_w) && pag_w != u3P.gar_w ) {
      //  a clean page moves into the swap file on its first write
      c3_i ret_i = _ce_swap_flaw(pag_w);
      if ( ret_i ) {
        return ret_i;
      }
    }
    else if ( _ce_lzy(pag_w) ) {
      //  the guard page too: when it moves on, it is written
      c3_w gar_w = u3P.gar_w;
      c3_i ret_i;

      u3P.gar_w = 0;
      ret_i = _ce_lazy_back(pag_w);
      u3P.gar_w = gar_w;
      if ( gar_w && mprotect(_ce_ptr(gar_w), u3a_page_bytes, PROT_NONE) ) {
        u3m_say("image: mprotect: cannot restore the guard page\n");
      }
      if ( ret_i ) {
        return ret_i;
      }
    }
  }
  return 0;
}
