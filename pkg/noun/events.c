/// @file events.c
/// u3e: persistence of the loom: the public u3e_ API, the lifecycle
/// (init, live, stop), the save, the guard page and fault dispatch.  The
/// rest lives in modules with one job each (see events_in.h): track.c and
/// uffd.c (dirty tracking), image.c (the image's files and formats),
/// judge.c (the one validator, check, wipe), release.c (memory policies:
/// swap file, lazy pages, release, reserve).
///
/// Files.  A pier keeps its image in PIER/.urb/chk/: north.bin (the loom's
/// pages [0, N)), sums.bin (their checksums), and while a save is in
/// flight or being applied a patch, control.bin and memory.bin (formats:
/// image.c).
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
///   lazy    bit 1, but unbacked: mapped read-only, anonymous and
///           MAP_NORESERVE, reading as zeros and costing no memory; its
///           first write faults and backs it (release.c).  Pages start
///           lazy with --loom-lazy, or outside the image with a swap
///           file, and free pages become lazy again when released.
///   swap-backed  bit 1 (dirty), writable, with a swap file: mapped
///           MAP_SHARED from the swap file at the page's own offset, so
///           the kernel can write it out under a memory limit.  A clean
///           page's first write copies it there (release.c).
///
/// The lazy bitmap (one bit per page) marks the lazy pages; a lazy page
/// is never clean, and a save writes it (as zeros) if it lies below N'.
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
/// Faults.  u3e_fault, called from manage.c's signal handler, dispatches
/// by page state: the guard page re-centres (or, with no room left, asks
/// for a bail: u3e_fault_meme); a lazy page is backed, and a clean page
/// with a swap file moved into it (release.c; no room in the file:
/// u3e_fault_full, or anonymous memory on the home road); any other
/// clean page becomes dirty (track.c).  Anything else is not ours
/// (u3e_fault_alien).  The whole path is async-signal-safe.
///
/// The save (u3e_save), with what is durable when.  The event loop waits
/// for one write of each dirty page and two syncs (memory.bin's and
/// control.bin's, in flight together); the second write, into north.bin,
/// happens on a thread while events go on.  (A patch synced once and
/// applied later keeps the old protocol's files, formats, recovery and
/// checker unchanged; shadow paging would write each page once in all,
/// but scatter the image over its file and need a page map in every
/// reader.)
///
///   0. at the start, control.bin and memory.bin are made, empty, and the
///      directory synced: their names are durable for the whole run, so
///      no save creates a name or syncs the directory.  (A save that
///      finds them missing creates them and syncs the directory too.)
///   1. write every dirty page below N' to memory.bin (emptied first;
///      each run of dirty pages prefaulted for reading in one call, each
///      page copied once into a small buffer, checksummed there and
///      written from it), then control.bin with each page's checksum and
///      its own; sync both (at once).  Until this point north.bin is
///      untouched: a crash leaves the old image (a control.bin that
///      reached the disk before memory.bin did, or an old control.bin
///      beside new pages, names pages that fail their checksums, and is
///      discarded).  Once both
///      files are durable the patch is committed: the image is north.bin
///      with the patch applied.
///   2. the saved pages become clean at once, in place: their private
///      copies (with a swap file: their scratch-file pages; a lazy page:
///      its zero page, still lazy) are write-protected (one call over the
///      patch's span), and equal the committed image.  Pages cut from a
///      shrinking image leave north.bin's mapping first.  u3e_save
///      returns.
///   3. apply, on a thread: read the pages back from memory.bin (in the
///      page cache; the loom changes meanwhile), write them into north.bin
///      at their offsets and their checksums into sums.bin, cut or extend
///      both to N', sync both.  Applying is idempotent, so a crash here is
///      repaired by applying the patch again at the next start.
///   4. still on the thread: empty control.bin and sync it (from then on
///      no crash brings the patch back), then empty memory.bin (not
///      synced: its pages are no patch without control.bin).  An empty
///      control.bin is no patch; the empty files are removed at the end
///      of the run, so a stopped pier holds none.
///   5. the first event boundary after the thread has finished
///      (u3e_save_ripe), or else the next save (after its scan, so pages
///      written since keep their contents), joins the thread, and the
///      last patch's pages still clean are mapped afresh from north.bin,
///      dropping their private or scratch-file copies (and their scratch
///      blocks).  A backup, a start and u3e_stop join it too;
///      u3e_save_wait waits for it.  Meanwhile release drops no clean page
///      (it would refault from a north.bin that may not hold it yet).
///
/// With u3C.apply_o off, and under a cap (the pager on: _ce_save_back),
/// steps 3 and 4 run before u3e_save returns and step 5 happens at once,
/// as one synchronous save.  Between steps 2 and 5 a lazy page the patch
/// wrote as zeros is lazy and clean (release.c).
///
/// A failure (disk full, I/O error) before the commit empties the patch
/// and leaves the old image; after it, the patch stays pending (the
/// thread's failure is reported when it is joined) and the next save (or
/// the next start) applies it again before anything else.  Dirty bits are
/// cleared only once a save has committed, so a failed save loses
/// nothing: the next one writes the same pages and more.
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
/// stops; the next start applies the same patch.  With u3C.later_o and
/// no patch in play, the judgment stops short of the pages (page 0
/// aside): the image is mapped at once and verify.c checks the rest on a
/// thread; every save waits for that pass and refuses an image it found
/// damaged, and chk/damaged makes the next start judge every page first.  Bad files always get a
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
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "c3/clock.h"
#include "c3/io.h"
#include "c3/portable.h"
#include "noun/log.h"
#include "noun/events_in.h"
#include "noun/manage.h"
#include "noun/options.h"

u3e_stats u3e_Stat;

u3e_pool u3P = { .uff_i = -1, .pam_i = -1, .swp_i = -1, .wan_e = _ce_back_any,
                 .dir_i = -1, .nor_i = -1, .sum_i = -1 };

  /** The guard page.
  **/
/* _ce_gap(): the whole pages inside [lo_y, hi_y) as [*bot_w, *top_w). */
void
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
    //  in a block the pager shut, it stays PROT_NONE: the pager's fault
    //  gives it its protection from the bitmaps
    if ( !_ce_limit_shut(u3P.gar_w)
         && mprotect(_ce_ptr(u3P.gar_w), u3a_page_bytes,
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
**   current road's gap.  u3e_fault_meme if the gap is nearly exhausted
**   (the guard stays, and the computation is abandoned).
*/
static u3e_fault_e
_ce_ward_fault(c3_w gar_w)
{
  u3a_road* rod_u = u3R;
  c3_w      bot_w, top_w;

  u3e_Stat.guards_d++;
  if ( !rod_u ) {
    _ce_ward_lift();
    return u3e_fault_done;
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
    return u3e_fault_meme;
  }
  if ( _ce_ward_put(bot_w + (top_w - bot_w) / 2) ) {
    _ce_ward_lift();
  }
  return u3e_fault_done;
}

u3e_fault_e
u3e_fault(void* adr_v)
{
  c3_y* adr_y = adr_v;

  if ( !u3P.ini_t
       || adr_y < u3a_loom_base
       || adr_y >= u3a_loom_base + ((c3_d)u3P.pag_w << u3a_page_bits) )
  {
    return u3e_fault_alien;
  }
  c3_w pag_w = (c3_w)((c3_d)(adr_y - u3a_loom_base) >> u3a_page_bits);

  if ( u3P.gar_w && pag_w == u3P.gar_w ) {
    return _ce_ward_fault(pag_w);
  }
  if ( _ce_limit_fault(pag_w) ) {
    return u3e_fault_done;
  }
  if ( _ce_lzy(pag_w) ) {
    u3e_fault_e ret_e = _ce_lazy_back(pag_w);
    return ( u3e_fault_full == ret_e ) ? _ce_swap_home(pag_w, 1) : ret_e;
  }
  if ( u3P.uff_t ) {
    //  clean pages are writable: no fault is a tracking fault
    return u3e_fault_alien;
  }
  if ( u3P.swp_i >= 0 && !_ce_bit(pag_w) ) {
    u3e_fault_e ret_e = _ce_swap_flaw(pag_w);
    if ( u3e_fault_done == ret_e ) {
      _ce_limit_moved(pag_w);
    }
    return ( u3e_fault_full == ret_e ) ? _ce_swap_home(pag_w, 0) : ret_e;
  }
  return _ce_flaw_protect(pag_w);
}

/* _ce_loom_open(): every page readable and writable, except the guard. */
static void
_ce_loom_open(void)
{
  if ( _ce_open_range(0, u3P.pag_w) ) {
    u3l_log("image: mprotect loom: %s\n", strerror(errno));
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
    c3_w bot_w = pag_w & ~(_ce_scan_pages - 1);
    _ce_track_scan(bot_w, c3_min(bot_w + _ce_scan_pages, u3P.pag_w));
  }
  return _ce_bit(pag_w) ? c3y : c3n;
}

c3_i
u3e_tracker(const c3_c* nam_c)
{
  if ( !nam_c ) {
    u3P.wan_e = _ce_back_any;
  }
  else if ( !strcmp(nam_c, "mprotect") ) {
    u3P.wan_e = _ce_back_mprotect;
  }
  else if ( !strcmp(nam_c, "uffd") ) {
    u3P.wan_e = _ce_back_uffd;
  }
  else {
    u3l_log("image: unknown dirty tracking '%s' (mprotect, uffd)\n",
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
    u3l_log("image: mprotect guard page: %s\n", strerror(errno));
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
  u3e_line* lin_u;
  c3_w      pgs_w;

  _ce_apply_wait(&lin_u, &pgs_w);
  free(lin_u);
  if ( u3P.liv_t && !u3P.pen_t ) {
    _ce_patch_tidy();
  }
  _ce_verify_stop();
  if ( u3P.nor_i >= 0 ) c3_io_close(u3P.nor_i);
  if ( u3P.sum_i >= 0 ) c3_io_close(u3P.sum_i);
  if ( u3P.dir_i >= 0 ) c3_io_close(u3P.dir_i);
  u3P.nor_i = u3P.sum_i = u3P.dir_i = -1;
  free(u3P.sum_w);
  u3P.sum_w = 0;
  u3P.liv_t = 0;
  u3P.pen_t = 0;
}

/* _ce_back(): the allocator's backing hook: u3e_reserve. */
static c3_i
_ce_back(c3_w* lo_w, c3_w* hi_w)
{
  return u3e_reserve_done != u3e_reserve(lo_w, hi_w);
}

c3_i
u3e_init(void)
{
  if ( !u3C.pages_w || u3C.pages_w > _ce_max_pages ) {
    u3l_log("image: init: no loom mapped (%u pages)\n", u3C.pages_w);
    return -1;
  }
  _ce_close();
  //  a pager left on belongs to a loom that may be gone: its state is
  //  dropped, not undone on the loom mapped now
  _ce_limit_forget();
  u3e_limit_set(0);
  memset(&u3e_Stat, 0, sizeof(u3e_Stat));
  memset(u3P.dit_d, 0, sizeof(u3P.dit_d));
  u3P.pag_w = u3C.pages_w;
  u3P.nor_w = 0;
  u3P.gar_w = 0;
  u3P.yol_t = 0;
  _ce_bits(0, u3P.pag_w, 1);
  u3P.hug_t = 0;
  memset(u3P.hug_d, 0, sizeof(u3P.hug_d));
  u3P.lzy_t = _(u3C.lazy_o) || (u3P.swp_i >= 0);
  if ( u3P.swp_i >= 0 ) {
    //  a fresh loom: nothing left in the scratch file from an earlier one
    struct stat sat_u;
    if ( 0 == fstat(u3P.swp_i, &sat_u) && sat_u.st_size ) {
      c3_fs_punch(u3P.swp_i, 0, (c3_d)sat_u.st_size);
    }
    //  the home road's stack works at the loom's top outside any event,
    //  where no bail can be caught: its pages are reserved now, and the
    //  file sized to the whole loom (so a file size limit shows here)
    c3_d top_d = (c3_d)u3C.pages_w << u3a_page_bits;
    c3_d res_d = c3_min(top_d, (c3_d)_ce_back_pages << (u3a_page_bits + 2));
    if ( c3_fs_reserve(u3P.swp_i, top_d - res_d, res_d, 0) ) {
      u3l_log("swap file: reserve the loom's top %llu KiB at offset "
              "%llu: %s\n", (unsigned long long)(res_d >> 10),
              (unsigned long long)(top_d - res_d), strerror(errno));
      return -1;
    }
  }
  memset(u3P.lzy_d, 0, sizeof(u3P.lzy_d));
  if ( u3P.lzy_t ) {
    //  u3m_init mapped the loom read-only and unreserved: all lazy.
    //  Backing pages on first write needs protection faults.
    _ce_lzy_bits(0, u3P.pag_w, 1);
  }
  u3P.ini_t = 1;
  u3a_backing(_ce_back);
  _ce_track_open(u3P.lzy_t);
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
  if ( 0 > (fid_i = c3_io_open(pat_c, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) ) {
    u3l_log("image: open %s: %s\n", pat_c, strerror(errno));
  }
  return fid_i;
}

/* _ce_live_act(): carry out a sound verdict's patch action on disk (a
**   start): empty a stray memory.bin, discard a damaged patch, apply a
**   valid one.  A failure here is never damage: the files stay as they
**   are and the next start finds the same patch.  0 or -1.
*/
static c3_i
_ce_live_act(_ce_judgment* jud_u)
{
  switch ( jud_u->ver_u.pat_e ) {
    case u3e_pat_none: return 0;

    case u3e_pat_stray: {
      u3l_log("image: emptying memory.bin, left by a save that did "
              "not commit\n");
      return _ce_patch_drop();
    }
    case u3e_pat_discard: {
      u3l_log("image: discarding the damaged patch left in %s (the "
              "image without it is whole)\n", u3P.dir_c);
      return _ce_patch_drop();
    }
    case u3e_pat_apply: {
      u3l_log("image: applying the patch left by an interrupted "
              "save (%u pages, image of %u pages)\n",
              jud_u->ctl_u.pgs_w, jud_u->ctl_u.nor_w);
      if ( _ce_patch_apply(jud_u->lin_u, jud_u->ctl_u.pgs_w,
                           jud_u->ctl_u.nor_w, jud_u->mem_i, 0)
           || _ce_patch_drop() )
      {
        u3l_log("image: the pending patch could not be applied (see "
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
  u3P.nor_i = c3_io_open(npa_c, O_RDONLY | O_CLOEXEC, 0);
  if ( u3P.nor_i < 0 && ENOENT != errno ) {
    u3l_log("image: open %s: %s\n", npa_c, strerror(errno));
    return -1;
  }
  u3P.sum_i = c3_io_open(spa_c, O_RDONLY | O_CLOEXEC, 0);
  if ( u3P.sum_i < 0 && ENOENT != errno ) {
    u3l_log("image: open %s: %s\n", spa_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_live_later(): may a start leave the image's pages to a background
**   pass?  Not when asked to verify first, nor with the image copied in
**   (that reads it whole anyway), nor after a run found it damaged: that
**   start judges every page first, as a start always did.
*/
static c3_t
_ce_live_later(void)
{
  c3_c pat_c[PATH_MAX];

  if ( c3y != u3C.later_o || c3y != u3C.demand_o
       || _ce_path(pat_c, u3P.dir_c, _ce_damaged_name) )
  {
    return 0;
  }
  return ( 0 != access(pat_c, F_OK) && ENOENT == errno );
}

/* _ce_live_unmark(): the image was judged whole: a mark of damage left by
**   an earlier run (a read that failed) is removed.
*/
static c3_i
_ce_live_unmark(void)
{
  c3_c pat_c[PATH_MAX];

  if ( _ce_path(pat_c, u3P.dir_c, _ce_damaged_name) ) {
    return -1;
  }
  if ( access(pat_c, F_OK) ) {
    return 0;
  }
  if ( c3_io_unlink(pat_c) ) {
    u3l_log("image: unlink %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  u3l_log("image: verified whole; removed %s, left by a run whose "
          "verification failed\n", pat_c);
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
    u3l_log("image: live: u3e_init has not run\n");
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
  if ( 0 > (u3P.dir_i = c3_io_open(u3P.dir_c,
                                   O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0))
       && !(red_t && ENOENT == errno) )
  {
    u3l_log("image: open %s: %s\n", u3P.dir_c, strerror(errno));
    goto fail;
  }
  if ( _ce_live_open(red_t, npa_c, spa_c) ) {
    goto fail;
  }
  if ( !(u3P.sum_w = calloc(u3P.pag_w, sizeof(c3_w))) ) {
    u3l_log("image: out of memory for %u page checksums\n", u3P.pag_w);
    goto fail;
  }

  //  judge first, changing nothing; act only on a usable image
  {
    c3_d sat_d = c3_nanos();
    _ce_judge(u3P.dir_c, u3P.nor_i, u3P.sum_i, u3C.bits_w, u3P.sum_w,
              u3P.pag_w, 0, !red_t && _ce_live_later(), &jud_u);
    if ( !jud_u.lat_t && u3e_img_sound == jud_u.ver_u.img_e ) {
      u3e_Stat.verify_ns_d = c3_nanos() - sat_d;
    }
  }
  switch ( jud_u.ver_u.img_e ) {
    case u3e_img_new:
    case u3e_img_sound: break;
    case u3e_img_refused: ret_i = u3e_live_refused; goto fail;
    case u3e_img_failed: goto fail;
    case u3e_img_damaged:
    case u3e_img_unsummed: {
      u3l_log("image: %s cannot be trusted\n", npa_c);
      ret_i = u3e_live_damaged;
      goto fail;
    }
  }
  if ( !red_t ) {
    if ( _ce_live_act(&jud_u) ) {
      goto fail;
    }
    if ( _ce_patch_ready() ) {
      //  best effort: with the files gone, the first save makes them
      //  and syncs the directory itself
      _ce_patch_tidy();
    }
    if ( !jud_u.lat_t && u3e_img_sound == jud_u.ver_u.img_e
         && _ce_live_unmark() )
    {
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
  if ( jud_u.lat_t && u3e_img_sound == jud_u.ver_u.img_e ) {
    switch ( _ce_verify_start(pag_w) ) {
      case 0: break;
      case 1: {
        u3l_log("image: %s cannot be trusted\n", npa_c);
        ret_i = u3e_live_damaged;
        goto fail;
      }
      default: goto fail;
    }
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

/* _ce_save_settle(): wait for the last save's apply; once durable, its
**   pages still clean are mapped from north.bin again.  0, or -1 when the
**   apply failed (the patch stays pending).
*/
static c3_i
_ce_save_settle(void)
{
  u3e_line* lin_u;
  c3_w      pgs_w;
  c3_i      ret_i = _ce_apply_wait(&lin_u, &pgs_w);

  if ( !ret_i && lin_u && !u3P.yol_t ) {
    //  pages written since the save (bits set only by a scan, with
    //  userfaultfd) keep their contents
    _ce_track_mine();
    _ce_track_scan(0, u3P.nor_w);
  }
  if ( !ret_i && lin_u && !u3P.yol_t && _ce_loom_settle(lin_u, pgs_w) ) {
    u3l_log("image: save: some saved pages stay in memory, dirty\n");
  }
  if ( !ret_i && lin_u && !u3P.yol_t ) {
    _ce_limit_reshut();
  }
  free(lin_u);
  return ret_i;
}

void
u3e_save_ripe(void)
{
  if ( u3P.liv_t && _ce_apply_done() ) {
    _ce_save_settle();
  }
}

c3_i
u3e_save_wait(void)
{
  return _ce_save_settle();
}

/* _ce_save_back(): a save applies its patch on a thread (the option),
**   but not under a cap.  On a thread, each saved page is held twice
**   until the apply is done: its swap-file copy (kept, clean, until the
**   remapping) and north.bin's page cache; applied at once, the copy is
**   punched at once.  Under a cap that is memory the pager must find: kv
**   4 MiB under 4,500 KiB with a save every 50 events ran 3,160 to 3,590
**   events/s with saves applied at once, 2,140 to 2,540 with the thread;
**   at 1/16 of the peak (bench/pressure) the two were within 8 %.
*/
static c3_t
_ce_save_back(void)
{
  return _(u3C.apply_o) && c3n == u3e_limit_on();
}

c3_i
u3e_save(c3_w nor_w)
{
  c3_d      sat_d = c3_nanos();
  c3_t      gar_t = ( 0 != u3P.gar_w );
  u3e_line* lin_u = 0;
  c3_w      pgs_w = 0;
  c3_i      mem_i = -1;
  c3_i      ret_i = -1;

  if ( !u3P.liv_t ) {
    u3l_log("image: save: no image is open\n");
    return -1;
  }
  if ( nor_w > u3P.pag_w ) {
    u3l_log("image: save: %u pages is more than the loom's %u\n",
            nor_w, u3P.pag_w);
    return -1;
  }
  //  never a snapshot on top of pages not yet verified
  if ( u3e_verify_sound != u3e_verify_wait() ) {
    u3l_log("image: save: the image failed its verification (see above); "
            "no snapshot is made on top of it\n");
    return -1;
  }
  sat_d = c3_nanos();
  _ce_track_mine();
  if ( u3P.yol_t ) {
    //  writes went untracked: every page must be saved
    u3e_foul();
    u3P.yol_t = 0;
  }
  //  every page that may be clean, below the old top or the new
  _ce_track_scan(0, c3_max(nor_w, u3P.nor_w));
  _ce_ward_lift();
  if ( _ce_apply_busy() && !_ce_apply_done() && c3n == u3C.quiet_o ) {
    u3l_log("image: the snapshot is held until the last one's apply "
            "reaches north.bin\n");
  }
  _ce_save_settle();    //  a failed apply stays pending: redone below

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
    u3l_log("image: save: out of memory for %u pages\n", pgs_w);
    goto done;
  }
  //  the dirty pages are read once (copied, checksummed and written by
  //  _ce_patch_write): each run is mapped for reading in one call first.
  //  A page written in one 4 KiB part has its other parts unmapped (mapped
  //  afresh from north.bin after the last save), and each would cost a
  //  read fault, which with userfaultfd (no fault-around) and under a
  //  paravirtual MMU costs more than writing the page to disk.  Best
  //  effort: without it, the reads fault.
  //  Under a memory cap, blocks the pager shut stay shut: the copy
  //  faults them in through its handler one by one, evicting others, as
  //  an event's reads do, so the save stays under the cap too.
  for ( c3_w pag_w = _ce_next(0, nor_w, 1); pag_w < nor_w; ) {
    c3_w end_w = _ce_next(pag_w, nor_w, 0);
    while ( pag_w < end_w ) {
      c3_w stp_w = pag_w + 1;
      //  (nor lazy pages: they hold zeros, and are never read)
      c3_t sht_t = _ce_limit_shut(pag_w) || _ce_lzy(pag_w);
      while ( stp_w < end_w
              && (_ce_limit_shut(stp_w) || _ce_lzy(stp_w)) == sht_t )
      {
        stp_w++;
      }
      if ( !sht_t ) {
        c3_mem_prefault(_ce_ptr(pag_w), (c3_z)(stp_w - pag_w) << u3a_page_bits);
      }
      pag_w = stp_w;
    }
    pag_w = _ce_next(end_w, nor_w, 1);
  }
  {
    c3_w i_w = 0;
    for ( c3_w pag_w = _ce_next(0, nor_w, 1); pag_w < nor_w;
          pag_w = _ce_next(pag_w + 1, nor_w, 1) )
    {
      lin_u[i_w].pag_w = pag_w;
      i_w++;
    }
  }

  //  the apply reads the patch back from memory.bin, not from the loom,
  //  whose pages the pager may have shut since (write(2) cannot fault
  //  them in): always on a thread, and in place under a cap
  if ( _ce_patch_write(lin_u, pgs_w, nor_w,
                       (_ce_save_back() || c3y == u3e_limit_on()) ? &mem_i : 0) )
  {
    goto done;
  }
  u3P.pen_t = 1;
  if ( _ce_save_back() ) {
    //  committed: the image is the patch over north.bin.  Pages beyond a
    //  shrunk image leave the file mapping before the thread cuts it;
    //  the saved pages are clean at once (the image's contents once
    //  committed), and are mapped from north.bin after the apply
    if ( nor_w < u3P.nor_w && _(u3C.demand_o)
         && _ce_loom_unfile(nor_w, u3P.nor_w) )
    {
      goto done;
    }
    if ( nor_w < u3P.nor_w ) {
      u3P.nor_w = nor_w;
    }
    if ( _ce_loom_keep(lin_u, pgs_w) ) {
      u3l_log("image: save: the image is saved, but some pages stay "
              "dirty\n");
    }
    _ce_limit_reshut();
    if ( 0 == _ce_apply_start(lin_u, pgs_w, nor_w, mem_i) ) {
      lin_u = 0;    //  the thread's now, and memory.bin
      mem_i = -1;
      goto saved;
    }
  }
  if ( _ce_patch_apply(lin_u, pgs_w, nor_w, mem_i, 1) || _ce_patch_drop() ) {
    goto done;
  }
  u3P.pen_t = 0;

  //  durable: the saved pages become clean
  if ( _ce_loom_clean(lin_u, pgs_w) ) {
    u3l_log("image: save: the image is saved, but some pages stay "
            "dirty\n");
  }
  _ce_limit_reshut();

saved:
  u3P.nor_w = nor_w;
  u3e_Stat.image_w = nor_w;
  u3e_Stat.saves_d++;
  u3e_Stat.saved_pages_d += pgs_w;
  ret_i = 0;

done:
  free(lin_u);
  if ( mem_i >= 0 ) {
    c3_io_close(mem_i);
  }
  if ( gar_t ) {
    _ce_ward_road();
  }
  u3e_Stat.save_ns_d += c3_nanos() - sat_d;
  return ret_i;
}

void
u3e_stop(void)
{
  _ce_close();
  _ce_uffd_close();
  u3a_backing(0);
  u3P.ini_t = 0;
  u3P.gar_w = 0;
}
