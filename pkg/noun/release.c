/// @file release.c
/// Memory policies: the swap file, lazy pages, u3e_release (giving back
/// pages that hold nothing) and u3e_reserve (backing lazy pages outside
/// the fault handler, for the allocator).  The page states this adds,
/// lazy and swap-backed, are described at the top of events.c; the
/// details follow below.
///
/// Invariants.  A lazy page has its dirty bit set and its lazy bit set,
/// and is mapped read-only and unbacked; backing it clears the lazy bit.
/// One exception: from a save's commit until its patch is applied and the
/// loom remapped (events.c, steps 2 to 5), a lazy page the patch wrote
/// as zeros is lazy and clean.  So every test of a page's state asks
/// "lazy?" before "clean?": a clean page moves into the swap file with
/// its contents, a lazy one is backed afresh, and a page moved as clean
/// while still lazy would be saved as zeros whatever it held.
/// With a swap file, every dirty page outside the image is backed by the
/// file at its own offset (but home-road pages the full file could not
/// take: _ce_swap_home), reserved (fallocate) before it is mapped, so a
/// full disk is an error for that write, never a SIGBUS later.  A
/// released swap page is either lazy again (its blocks freed) or held:
/// dirty, mapped and reserved, its range zeroed so that it holds no
/// memory and nothing is ever written from it.  Held pages are at most
/// what the last _ce_hold_events events took on each side of the home
/// gap, plus the home heap's free pages.  The swap file is unlinked once
/// open and never synced: it holds nothing a restart needs.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c3/io.h"
#include "c3/portable.h"
#include "noun/log.h"
#include "noun/events_in.h"
#include "noun/manage.h"
#include "noun/options.h"

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
  ***   and the home heap's free pages.  With --loom-lazy, anonymous pages
  ***   become lazy again (uncommitted); otherwise MADV_FREE or
  ***   MADV_DONTNEED as chosen.  Clean image pages are dropped
  ***   (MADV_DONTNEED: they are in the file).
  ***
  ***   Swap pages are dropped from memory without being written, in one
  ***   of two ways.  Within a hold, the most pages any of the last
  ***   _ce_hold_events events took on that side of the gap (and for the
  ***   heap's free pages), the file range is zeroed (FALLOC_FL_ZERO_RANGE):
  ***   the cached pages go, the blocks stay, the mapping stays, so the
  ***   next event reuses them for the price of the kernel's refault: no
  ***   signal, no mmap, no fallocate, and no block freed (a file system
  ***   mounted with -o discard discards every freed extent at once, for
  ***   hundreds of milliseconds per event here).  Beyond the hold, pages
  ***   are punched (MADV_REMOVE: blocks freed) and become lazy again.
  ***   On Linux 6.18 zeroing, punching and truncating all drop dirty
  ***   pages unwritten (/proc/self/io's cancelled_write_bytes counts them
  ***   all); the hold exists for the price of freeing and reserving
  ***   blocks, not for writeback.  Memory falls as far as without it; the
  ***   disk keeps what recent events needed anyway.
  ***
  ***   Large folios.  A road's heap grows downwards, so the next event
  ***   writes a zeroed range from the top down, and read-around builds
  ***   large folios only for faults that climb: with 4 KiB folios that
  ***   is a fault per 4 KiB, 7.5 to 8.3 us per 16 KiB page here against
  ***   3.4 written upwards.  So, without a cap, the whole 2 MiB chunks of
  ***   a zeroed range of at least _ce_hug_min of them get MADV_HUGEPAGE
  ***   (_ce_swap_large): ext4 then gives them 2 MiB folios, taken back a
  ***   fault per folio (1.6 to 1.9 us per page, in any order).  Small
  ***   ranges keep 4 KiB folios, as a sparse touch of a large one
  ***   zero-fills 2 MiB; and no part of a chunk with large folios is
  ***   ever zeroed or punched (_ce_swap_whole), as that tries to split
  ***   the folio, marks its buffers dirty, and seldom frees the part.
  ***   The pager counts and drops 1 MiB blocks and wants no read-around:
  ***   under a cap, no chunk gets the advice, and any given before it is
  ***   taken back (MADV_NOHUGEPAGE, _ce_limit_map).
  **/

/* _ce_lazy_map(): make pages [lo_w, hi_w) lazy (not async-signal-safe
**   only in that it may be called outside the handler; it is in fact).
*/
c3_i
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
u3e_fault_e
_ce_lazy_back(c3_w pag_w)
{
  //  swap blocks are reserved a MiB at a time: fewer faults and extents
  c3_w blk_w = ( u3P.swp_i >= 0 ) ? 4 * _ce_back_pages : _ce_back_pages;
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

  if ( u3P.swp_i >= 0 ) {
    c3_d off_d = (c3_d)lo_w << u3a_page_bits;
    c3_d len_d = (c3_d)(hi_w - lo_w) << u3a_page_bits;

    if ( c3_fs_reserve(u3P.swp_i, off_d, len_d, 0) ) {
      //  the block may not fit where the page would: try the page alone
      lo_w = pag_w;
      hi_w = pag_w + 1;
      off_d = (c3_d)pag_w << u3a_page_bits;
      len_d = u3a_page_bytes;
      while ( c3_fs_reserve(u3P.swp_i, off_d, len_d, 0) ) {
        if ( EINTR == errno ) continue;
        u3e_Stat.swap_err_i = errno;
        u3e_Stat.swap_full_d++;
        u3e_Stat.swap_pag_w = pag_w;
        return u3e_fault_full;
      }
    }
    if ( MAP_FAILED == mmap(_ce_ptr(lo_w), (c3_z)len_d, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_FIXED, u3P.swp_i, (off_t)off_d) )
    {
      u3m_say("image: mmap swap file: cannot map a loom page\n");
      return ( ENOMEM == errno ) ? u3e_fault_meme : u3e_fault_alien;
    }
    _ce_limit_map(lo_w, hi_w);
  }
  else if ( MAP_FAILED == mmap(_ce_ptr(lo_w), (c3_z)(hi_w - lo_w) << u3a_page_bits,
                               PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) )
  {
    //  no commit charge left, or no mappings left
    return ( ENOMEM == errno ) ? u3e_fault_meme : u3e_fault_alien;
  }
  _ce_lzy_bits(lo_w, hi_w, 0);
  _ce_bits(lo_w, hi_w, 1);
  u3e_Stat.faults_d++;
  u3e_Stat.backed_d += hi_w - lo_w;
  if ( u3P.swp_i >= 0 ) {
    _ce_limit_back(lo_w, hi_w, pag_w);
  }
  return u3e_fault_done;
}

/* _ce_swap_flaw(): a write to clean image page pag_w with a swap file:
**   move the page into the file, contents and all (async-signal-safe).
**   One copy: the page's contents, still mapped from north.bin, are
**   written into the file at the page's offset (which reserves their
**   blocks: a full disk fails here, never later), then the file page is
**   mapped over it.  Pages moved in order map at consecutive offsets, so
**   the kernel merges their mappings.
*/
u3e_fault_e
_ce_swap_flaw(c3_w pag_w)
{
  c3_d  off_d = (c3_d)pag_w << u3a_page_bits;
  c3_y* ptr_y = _ce_ptr(pag_w);
  c3_z  don_z = 0;

  while ( don_z < u3a_page_bytes ) {
    ssize_t ret_i = pwrite(u3P.swp_i, ptr_y + don_z, u3a_page_bytes - don_z,
                           (off_t)(off_d + don_z));
    if ( ret_i < 0 ) {
      if ( EINTR == errno ) continue;
      u3e_Stat.swap_err_i = errno;
      u3e_Stat.swap_full_d++;
      u3e_Stat.swap_pag_w = pag_w;
      return u3e_fault_full;
    }
    don_z += (c3_z)ret_i;
  }
  if ( MAP_FAILED == mmap(ptr_y, u3a_page_bytes, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_FIXED, u3P.swp_i, (off_t)off_d) )
  {
    u3m_say("image: mmap swap file: cannot move a loom page into it\n");
    return ( ENOMEM == errno ) ? u3e_fault_meme : u3e_fault_alien;
  }
  _ce_limit_map(pag_w, pag_w + 1);
  _ce_bit_set(pag_w);
  u3e_Stat.faults_d++;
  return u3e_fault_done;
}

/* _ce_swap_home(): the swap file has no room for page pag_w (lazy, or
**   clean).  Inside an event (an inner road) that bails the event (2).  The
**   home road's own work between events has nothing to abandon: its page
**   goes to anonymous memory instead, outside the swap file (async-signal-
**   safe).
*/
u3e_fault_e
_ce_swap_home(c3_w pag_w, c3_t lzy_t)
{
  if ( u3R && u3R->par_u ) {
    return u3e_fault_full;
  }
  if ( lzy_t ) {
    if ( MAP_FAILED == mmap(_ce_ptr(pag_w), u3a_page_bytes, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) )
    {
      return ( ENOMEM == errno ) ? u3e_fault_meme : u3e_fault_alien;
    }
    _ce_lzy_bits(pag_w, pag_w + 1, 0);
    _ce_bit_set(pag_w);
    u3e_Stat.faults_d++;
    u3e_Stat.swap_anon_d++;
    return u3e_fault_done;
  }
  u3e_Stat.swap_anon_d++;
  return _ce_flaw_protect(pag_w);
}

/* _ce_swap_punch(): free the swap file's blocks for pages [lo_w, hi_w). */
void
_ce_swap_punch(c3_w lo_w, c3_w hi_w)
{
  if ( u3P.swp_i >= 0 && hi_w > lo_w
       && c3_fs_punch(u3P.swp_i, (c3_d)lo_w << u3a_page_bits,
                      (c3_d)(hi_w - lo_w) << u3a_page_bits) )
  {
    if ( !u3e_Stat.punch_err_d++ ) {
      u3l_log("swap file: punch pages %u-%u: %s\n",
              lo_w, hi_w - 1, strerror(errno));
    }
  }
}

c3_i
u3e_swap_open(const c3_c* pat_c)
{
  c3_c dir_c[PATH_MAX];
  const c3_c* fsy_c = 0;
  c3_c* sla_c;
  c3_i  fid_i;

  if ( strlen(pat_c) >= sizeof(dir_c) ) {
    u3l_log("swap file: path too long\n");
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

  if ( 0 > c3_fs_memory(dir_c, &fsy_c) ) {
    u3l_log("swap file: %s: directory %s: %s\n",
            pat_c, dir_c, strerror(errno));
    return -1;
  }
  if ( fsy_c ) {
    u3l_log("swap file: %s is on %s: its pages would be swap-backed "
            "shared memory, which a memory limit without swap cannot "
            "page out, so the ship would be killed all the same.  Put "
            "the swap file on a disk-backed volume (on Kubernetes, an "
            "emptyDir without medium: Memory, or a persistent "
            "volume)\n",
            pat_c, fsy_c);
    return -1;
  }
  fid_i = c3_io_open(pat_c, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if ( 0 > fid_i ) {
    u3l_log("swap file: create %s: %s%s\n", pat_c, strerror(errno),
            ( EEXIST == errno ) ? " (the swap file is made fresh: remove it "
                          "or choose another path)" : "");
    return -1;
  }
  if ( c3_io_unlink(pat_c) ) {
    u3l_log("swap file: unlink %s: %s\n", pat_c, strerror(errno));
    c3_io_close(fid_i);
    return -1;
  }
  //  blocks are reserved before pages are written: the file system must
  //  be able to, or a full disk would be a SIGBUS
  if ( c3_fs_reserve(fid_i, 0, u3a_page_bytes, 1) ) {
    u3l_log("swap file: %s: the file system cannot reserve blocks "
            "(fallocate: %s); use ext4, xfs or btrfs\n",
            pat_c, strerror(errno));
    c3_io_close(fid_i);
    return -1;
  }
  if ( u3P.swp_i >= 0 ) {
    c3_io_close(u3P.swp_i);
  }
  u3P.swp_i = fid_i;
  return 0;
}

void
u3e_swap_close(void)
{
  if ( u3P.swp_i >= 0 && !u3P.ini_t ) {
    c3_io_close(u3P.swp_i);
    u3P.swp_i = -1;
  }
}

c3_d
u3e_swap_kb(void)
{
  struct stat sat_u;
  if ( u3P.swp_i < 0 || fstat(u3P.swp_i, &sat_u) ) {
    return 0;
  }
  return (c3_d)sat_u.st_blocks / 2;
}

#define _ce_fol_pages  (1U << (21 - u3a_page_bits))   //  pages per 2 MiB

/* _ce_hug(): 1 if page pag_w's 2 MiB chunk was given large folios. */
static inline c3_t
_ce_hug(c3_w pag_w)
{
  c3_w chu_w = pag_w / _ce_fol_pages;
  return (u3P.hug_d[chu_w >> 6] >> (chu_w & 63)) & 1;
}

/* _ce_hug_bits(): mark the whole chunks [lo_w, hi_w) (pages, aligned). */
static void
_ce_hug_bits(c3_w lo_w, c3_w hi_w, c3_t on_t)
{
  for ( c3_w chu_w = lo_w / _ce_fol_pages; chu_w < hi_w / _ce_fol_pages; chu_w++ ) {
    if ( on_t ) {
      u3P.hug_d[chu_w >> 6] |= 1ULL << (chu_w & 63);
    }
    else {
      u3P.hug_d[chu_w >> 6] &= ~(1ULL << (chu_w & 63));
    }
  }
}

/* _ce_swap_whole(): narrow swap pages [*lo_w, *hi_w) so that it ends on
**   no part of a chunk given large folios; 0 if nothing is left.  Zeroing
**   or punching a part of a large folio tries to split it, unmaps it and
**   marks all its buffers dirty, for hundreds of microseconds, and rarely
**   frees the part: so such parts stay as they are, resident, until the
**   whole folio is free.
*/
static c3_t
_ce_swap_whole(c3_w* lo_w, c3_w* hi_w)
{
  c3_w msk_w = _ce_fol_pages - 1;

  if ( !u3P.hug_t || *lo_w >= *hi_w ) {
    return *lo_w < *hi_w;
  }
  if ( (*lo_w & msk_w) && _ce_hug(*lo_w) ) {
    *lo_w = (c3_w)c3_min(((c3_d)*lo_w + msk_w) & ~(c3_d)msk_w, (c3_d)*hi_w);
  }
  if ( *hi_w > *lo_w && (*hi_w & msk_w) && _ce_hug(*hi_w - 1) ) {
    *hi_w = c3_max(*hi_w & ~msk_w, *lo_w);
  }
  return *lo_w < *hi_w;
}

/* _ce_swap_large(): give the whole 2 MiB chunks of swap pages [lo_w,
**   hi_w), about to be zeroed, large folios (MADV_HUGEPAGE), if there are
**   at least _ce_hug_min of them: a big event's pages come back on the
**   next one's writes 2 MiB per fault.  Small ranges keep 4 KiB folios:
**   a large one costs a 2 MiB zero-fill for every sparse touch.
*/
#define _ce_hug_min 4

static void
_ce_swap_large(c3_w lo_w, c3_w hi_w)
{
  c3_w msk_w = _ce_fol_pages - 1;

  if ( u3C.limit_d || _(u3e_limit_on()) ) {
    return;
  }
  lo_w = (c3_w)c3_min(((c3_d)lo_w + msk_w) & ~(c3_d)msk_w, (c3_d)hi_w);
  hi_w = c3_max(hi_w & ~msk_w, lo_w);
  if ( hi_w - lo_w < _ce_hug_min * _ce_fol_pages ) {
    return;
  }
  //  events alike release the same range: advised once
  c3_w chu_w = lo_w;
  while ( chu_w < hi_w && _ce_hug(chu_w) ) {
    chu_w += _ce_fol_pages;
  }
  if ( chu_w < hi_w
       && 0 == madvise(_ce_ptr(lo_w), (c3_z)(hi_w - lo_w) << u3a_page_bits,
                       MADV_HUGEPAGE) )
  {
    _ce_hug_bits(lo_w, hi_w, 1);
    u3P.hug_t = 1;
  }
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
      //  a clean page equals north.bin: drop the mapped copy (not while a
      //  save's patch is still going to north.bin: its clean pages are
      //  private copies until then)
      if ( _(u3C.demand_o) && !_ce_apply_busy() ) {
        ret_i = madvise(ptr_y, len_z, MADV_DONTNEED);
        rel_w += end_w - pag_w;
      }
    }
    else if ( u3P.swp_i >= 0 ) {
      c3_w beg_w = pag_w, fin_w = end_w;

      if ( _ce_swap_whole(&beg_w, &fin_w) ) {
        ptr_y = _ce_ptr(beg_w);
        len_z = (c3_z)(fin_w - beg_w) << u3a_page_bits;
        ret_i = madvise(ptr_y, len_z, c3_madv_remove);
        if ( 0 == ret_i ) {
          ret_i = mprotect(ptr_y, len_z, PROT_READ);
          _ce_lzy_bits(beg_w, fin_w, 1);
          //  the folios are gone; the pages come back 4 KiB at a time
          //  in a new mapping
          madvise(ptr_y, len_z, MADV_NOHUGEPAGE);
          _ce_hug_bits((beg_w + _ce_fol_pages - 1) & ~(_ce_fol_pages - 1),
                       fin_w & ~(_ce_fol_pages - 1), 0);
        }
        else {
          //  pages that went to anonymous memory when the disk was full,
          //  or private copies: discard them whole
          ret_i = _ce_lazy_map(beg_w, fin_w);
        }
        rel_w += fin_w - beg_w;
      }
    }
    else if ( _(u3C.lazy_o) ) {
      ret_i = _ce_lazy_map(pag_w, end_w);
      rel_w += end_w - pag_w;
    }
    else {
      //  MADV_FREE takes only private anonymous memory: an image page's
      //  private copy sits in a file mapping
      c3_i adv_i = ( u3o_free_dontneed == u3C.fmod_w || (img_t && _(u3C.demand_o)) )
                   ? MADV_DONTNEED : c3_madv_free;
      ret_i = madvise(ptr_y, len_z, adv_i);
      rel_w += end_w - pag_w;
    }
    if ( ret_i && !u3e_Stat.release_err_d++ ) {
      u3l_log("loom: release pages %u-%u: %s\n",
              pag_w, end_w - 1, strerror(errno));
    }
    pag_w = end_w;
  }
  return rel_w;
}

/* _ce_swap_zero(): with a swap file, give back the memory of pages
**   [lo_w, hi_w), which hold nothing, but keep their blocks: the file's
**   range is zeroed (its cached pages dropped, dirty or not, unwritten;
**   its extents unwritten), so the pages stay mapped, writable and
**   reserved, and their next use costs the kernel's refault alone: no
**   signal, no new mapping, no reservation, and no block freed (which a
**   file system mounted with -o discard pays for at once).  Pages that
**   are not swap-backed, or a file system that cannot zero a range, go
**   to _ce_release.
*/
static c3_w
_ce_swap_zero(c3_w lo_w, c3_w hi_w)
{
  c3_w rel_w = 0;
  c3_w pag_w = lo_w;

  hi_w = c3_min(hi_w, u3P.pag_w);
  _ce_track_scan(lo_w, c3_min(hi_w, u3P.nor_w));
  while ( pag_w < hi_w ) {
    c3_t bak_t = (pag_w != u3P.gar_w && !_ce_lzy(pag_w) && _ce_bit(pag_w));
    c3_w end_w = pag_w + 1;

    while ( end_w < hi_w
            && bak_t == (end_w != u3P.gar_w && !_ce_lzy(end_w) && _ce_bit(end_w)) )
    {
      end_w++;
    }
    c3_w beg_w = pag_w, fin_w = end_w;

    if ( !bak_t ) {
      rel_w += _ce_release(pag_w, end_w);
    }
    else if ( !_ce_swap_whole(&beg_w, &fin_w) ) {
      //  no whole large folio in it
    }
    else if ( c3_fs_zero(u3P.swp_i, (c3_d)beg_w << u3a_page_bits,
                         (c3_d)(fin_w - beg_w) << u3a_page_bits) )
    {
      rel_w += _ce_release(beg_w, fin_w);
    }
    else {
      //  zeroing the range unmapped its file pages; pages that went to
      //  anonymous memory when the disk was full are not in the file, and
      //  dropping the range takes them too
      if ( _ce_blk_anon()
           && madvise(_ce_ptr(beg_w), (c3_z)(fin_w - beg_w) << u3a_page_bits,
                      MADV_DONTNEED)
           && !u3e_Stat.release_err_d++ )
      {
        u3l_log("loom: release pages %u-%u: %s\n",
                beg_w, fin_w - 1, strerror(errno));
      }
      rel_w += fin_w - beg_w;
    }
    pag_w = end_w;
  }
  return rel_w;
}

/* _ce_swap_side(): the pages [a_w, b_w) counted outwards from the page
**   anc_w, upwards (sid_w 0) or downwards (sid_w 1), as [*lo_w, *hi_w),
**   clipped to the loom.
*/
static void
_ce_swap_side(c3_w sid_w, c3_w anc_w, c3_w a_w, c3_w b_w,
              c3_w* lo_w, c3_w* hi_w)
{
  if ( sid_w ) {
    *lo_w = ( b_w < anc_w ) ? anc_w - b_w : 0;
    *hi_w = ( a_w < anc_w ) ? anc_w - a_w : 0;
  }
  else {
    *lo_w = (c3_w)c3_min((c3_d)anc_w + a_w, u3P.pag_w);
    *hi_w = (c3_w)c3_min((c3_d)anc_w + b_w, u3P.pag_w);
  }
}

/* _ce_free_least: the shortest run of the home heap's free pages that
**   release gives back.
*/
#define _ce_free_least 4

/* _ce_hat_pages: pages above the home hat that u3e_release keeps
**   reserved with a swap file, for the home road's next allocations.
*/
#define _ce_hat_pages 8

/* _ce_swap_top(): the first page of the loom's top that the home road's
**   stack keeps reserved with a swap file (u3e_release).
*/
static c3_w
_ce_swap_top(void)
{
  return u3P.pag_w - c3_min(u3P.pag_w, (c3_w)_ce_back_pages << 2);
}

/* _ce_swap_hold(): with a swap file, release one side of the home gap:
**   the len_w pages an event took next to anc_w, the home hat's page
**   (sid_w 0, above it: where an event's road keeps its stack) or the
**   home cap's (sid_w 1, below it: where the road grows its heap from).
**   The pages the recent events took there (the most any of the last
**   _ce_hold_events took) keep their blocks (_ce_swap_zero), but for
**   kep_w pages next to the frontier, kept resident; only what lies
**   beyond that is given back whole (punched, lazy again).  So a run of
**   events alike frees and re-reserves no block, while memory falls as
**   far as without the hold, and the blocks of a big event are given
**   back once _ce_hold_events smaller ones follow.
*/
static c3_w
_ce_swap_hold(c3_w sid_w, c3_w anc_w, c3_w len_w, c3_w kep_w)
{
  c3_w* rin_w = u3P.hol_w[sid_w];
  c3_w  hol_w = 0, rel_w = 0;
  c3_w  old_w, lo_w, hi_w;

  rin_w[u3P.hon_w[sid_w]++ % _ce_hold_events] = len_w;
  for ( c3_w i_w = 0; i_w < _ce_hold_events; i_w++ ) {
    hol_w = c3_max(hol_w, rin_w[i_w]);
  }
  old_w = u3P.hod_w[sid_w];
  u3P.hod_w[sid_w] = hol_w;

  //  beyond the hold: what older, bigger events left held, but never the
  //  kept margin, nor the pages above the hat that u3e_release keeps
  //  reserved; and the loom's top, which it keeps reserved for the home
  //  road's stack, keeps its blocks (punched, each of these would be
  //  reserved and mapped again at once)
  _ce_swap_side(sid_w, anc_w,
                c3_max(c3_max(hol_w, kep_w), sid_w ? 0 : _ce_hat_pages),
                c3_max(len_w, old_w), &lo_w, &hi_w);
  if ( lo_w < hi_w ) {
    c3_w mid_w = c3_max(lo_w, c3_min(hi_w, _ce_swap_top()));

    if ( lo_w < mid_w ) {
      rel_w += _ce_release(lo_w, mid_w);
    }
    if ( mid_w < hi_w ) {
      rel_w += _ce_swap_zero(mid_w, hi_w);
    }
  }
  //  inside it, what this event took past the margin: memory back,
  //  blocks kept
  _ce_swap_side(sid_w, anc_w, c3_min(kep_w, len_w), c3_min(hol_w, len_w),
                &lo_w, &hi_w);
  if ( lo_w < hi_w ) {
    if ( _(u3C.free_o) ) {
      _ce_swap_large(lo_w, hi_w);
    }
    rel_w += _ce_swap_zero(lo_w, hi_w);
  }
  return rel_w;
}

c3_w
u3e_release(void)
{
  u3a_road* hom_u = u3m_home_road();
  c3_w      kep_w = u3C.keep_w;
  c3_w      rel_w = 0;
  c3_w      bot_w, top_w, pag_w, len_w, hat_w, cap_w;
  c3_w      *up_w, *dn_w;

  if ( !u3P.ini_t || !hom_u ) {
    return 0;
  }
  //  the last save's pages, once in north.bin, leave memory too
  u3e_save_ripe();

  //  Only the home road's gap as it is now holds nothing: taking the last
  //  product up may have grown the heap past where an inner road's heap
  //  once reached, so the window is clipped to [hat, cap).
  u3a_touch_window(&up_w, &dn_w);
  up_w = c3_min(up_w, hom_u->cap_w);
  dn_w = c3_max(dn_w, hom_u->hat_w);

  //  the gap's low side: [hat + margin, highest frontier that grew up)
  _ce_gap((c3_y*)hom_u->hat_w, (c3_y*)hom_u->cap_w, &hat_w, &cap_w);
  _ce_gap((c3_y*)hom_u->hat_w, (c3_y*)up_w, &bot_w, &top_w);
  if ( u3P.swp_i >= 0 ) {
    rel_w += _ce_swap_hold(0, hat_w, top_w - bot_w, kep_w);
  }
  else if ( top_w > bot_w + kep_w ) {
    rel_w += _ce_release(bot_w + kep_w, top_w);
  }
  //  the gap's high side: [lowest frontier that grew down, cap - margin)
  _ce_gap((c3_y*)dn_w, (c3_y*)hom_u->cap_w, &bot_w, &top_w);
  if ( u3P.swp_i >= 0 ) {
    rel_w += _ce_swap_hold(1, cap_w, top_w - bot_w, kep_w);
  }
  else if ( top_w > bot_w + kep_w ) {
    rel_w += _ce_release(bot_w, top_w - kep_w);
  }
  //  whole free pages inside the home heap (with a swap file, the heap
  //  keeps their blocks, as it will take them again); a run of fewer
  //  than _ce_free_least pages stays as it is: the heap's next small
  //  allocations take such runs first, and giving one back costs a
  //  system call and a TLB shootdown (and, zeroed in the swap file, a
  //  refault: 30 to 50 us each on a paravirtual guest) for at most 48 KiB
  //  (kv: 1,654 madvise calls for 2,161 pages in 3,000 events)
  while ( u3a_freed_next(&pag_w, &len_w) ) {
    if ( len_w < _ce_free_least ) {
      continue;
    }
    if ( u3P.swp_i < 0 ) {
      rel_w += _ce_release(pag_w, pag_w + len_w);
    }
    else {
      rel_w += _ce_swap_zero(pag_w, pag_w + len_w);
    }
  }
  u3e_Stat.released_d += rel_w;

  if ( u3P.swp_i >= 0 ) {
    //  the home road works between events, where no bail can be caught:
    //  keep backed what it uses there (its stack at the loom's top, the
    //  pages its next small allocations take), so a full disk meets an
    //  event instead.  Release just gave blocks back or held them, so
    //  this fits.
    c3_w low_w[8];
    c3_w num_w = u3a_free_low(low_w, 8);
    c3_y* top_y = u3a_loom_base + ((c3_d)u3P.pag_w << u3a_page_bits);

    u3e_reserve((c3_w*)(void*)_ce_ptr(_ce_swap_top()), (c3_w*)(void*)top_y);
    u3e_reserve(hom_u->hat_w,
                (c3_w*)((c3_y*)hom_u->hat_w + _ce_hat_pages * u3a_page_bytes));
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      u3e_reserve(u3a_page_ptr(low_w[i_w]), u3a_page_ptr(low_w[i_w] + 1));
    }
  }
  return rel_w;
}

c3_o
u3e_lazy(void)
{
  return __(u3P.ini_t && u3P.lzy_t);
}

/* _ce_reserve_of(): a failed backing's fault code as a reservation's. */
static u3e_reserve_e
_ce_reserve_of(u3e_fault_e fal_e)
{
  return ( u3e_fault_full == fal_e ) ? u3e_reserve_full : u3e_reserve_meme;
}

u3e_reserve_e
u3e_reserve(c3_w* lo_w, c3_w* hi_w)
{
  c3_w bot_w, top_w;

  if ( !u3P.ini_t || !u3P.lzy_t || hi_w <= lo_w ) {
    return u3e_reserve_done;
  }
  bot_w = u3a_page_of(lo_w);
  top_w = c3_min(u3a_page_of((c3_y*)hi_w + u3a_page_bytes - 1), u3P.pag_w);
  for ( c3_w pag_w = bot_w; pag_w < top_w; pag_w++ ) {
    //  lazy first, as in u3e_fault: a lazy page is clean too while a
    //  save's patch that wrote it as zeros is applied, and moved into the
    //  swap file as a clean page it would stay lazy, and be saved as
    //  zeros whatever it held
    if ( u3P.swp_i >= 0 && !_ce_lzy(pag_w) && !_ce_bit(pag_w) && pag_w != u3P.gar_w ) {
      //  a clean page moves into the swap file on its first write (read
      //  from its block, which the pager may have shut: opened first)
      u3e_fault_e ret_e;

      if ( _ce_limit_shut(pag_w) ) {
        _ce_limit_fault(pag_w);
      }
      if ( u3e_fault_done != (ret_e = _ce_swap_flaw(pag_w)) ) {
        return _ce_reserve_of(ret_e);
      }
      _ce_limit_moved(pag_w);
    }
    else if ( _ce_lzy(pag_w) ) {
      //  the guard page too: when it moves on, it is written
      c3_w gar_w = u3P.gar_w;
      u3e_fault_e ret_e;

      u3P.gar_w = 0;
      ret_e = _ce_lazy_back(pag_w);
      u3P.gar_w = gar_w;
      if ( gar_w && mprotect(_ce_ptr(gar_w), u3a_page_bytes, PROT_NONE) ) {
        u3m_say("image: mprotect: cannot restore the guard page\n");
      }
      if ( u3e_fault_done != ret_e ) {
        return _ce_reserve_of(ret_e);
      }
    }
  }
  return u3e_reserve_done;
}

/* u3e_drop_clean(): drop the clean image pages of [lo_w, hi_w) from
**   memory (they equal north.bin and are read again when touched); dirty,
**   lazy and guard pages stay.  The pages dropped.
*/
c3_w
u3e_drop_clean(c3_w lo_w, c3_w hi_w)
{
  c3_w rel_w = 0;

  hi_w = c3_min(hi_w, u3P.nor_w);
  if ( !u3P.liv_t || !_(u3C.demand_o) || lo_w >= hi_w || _ce_apply_busy() ) {
    return 0;
  }
  //  bits clear: a stale bit would pass a written page off as clean
  _ce_track_scan(lo_w, hi_w);
  for ( c3_w pag_w = _ce_next(lo_w, hi_w, 0); pag_w < hi_w; ) {
    c3_w end_w = pag_w;
    while ( end_w < hi_w && !_ce_bit(end_w) && !_ce_lzy(end_w) && end_w != u3P.gar_w ) {
      end_w++;
    }
    if ( end_w > pag_w ) {
      if ( 0 == madvise(_ce_ptr(pag_w), (c3_z)(end_w - pag_w) << u3a_page_bits,
                        MADV_DONTNEED) )
      {
        rel_w += end_w - pag_w;
      }
      pag_w = end_w;
    }
    else {
      pag_w = _ce_next(pag_w + 1, hi_w, 0);
    }
  }
  return rel_w;
}
