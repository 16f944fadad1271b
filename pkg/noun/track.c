/// @file track.c
/// Dirty tracking: the dirty bitmap's backend seam (open, scan, clean,
/// fresh, free), and the mprotect backend behind it: clean pages are
/// mapped read-only, and the first write to one faults into u3e_fault,
/// which hands it to _ce_flaw_protect here.  The userfaultfd backend is
/// in uffd.c; the bitmap itself (one bit per page, u3P.dit_d) is read and
/// written through events_in.h.
///
/// Invariants.  A page's bit is clear only while the page is exactly as
/// in north.bin and protected (read-only here, write-protected in uffd):
/// bits only ever over-approximate.  Everything the fault path calls is
/// async-signal-safe.  When the process runs out of mappings, a fault
/// opens a wider aligned block and marks it all dirty (see
/// _ce_flaw_protect): more is written at the next save, nothing is lost.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "noun/log.h"
#include "noun/events_in.h"
#include "noun/manage.h"

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
void
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
void
_ce_track_degrade(const c3_c* why_c)
{
  if ( why_c ) {
    u3l_log("image: dirty tracking falls back to protection "
            "faults: %s\n", why_c);
  }
  _ce_uffd_close();
  _ce_bits(0, u3P.pag_w, 1);
}

/* _ce_track_mine(): in a fork's child, stop using the parent's userfaultfd. */
void
_ce_track_mine(void)
{
  if ( u3P.uff_t && getpid() != u3P.pid_i ) {
    _ce_track_degrade(0);
  }
}

/* _ce_track_open(): start the backend (u3e_init); mpr_t: protection faults
**   are required (lazy pages are backed on their first write's fault).
*/
void
_ce_track_open(c3_t mpr_t)
{
  _ce_uffd_close();
#if _ce_have_uffd
  if ( _ce_back_mprotect != u3P.wan_e && !mpr_t ) {
    c3_c why_c[256];
    if ( _ce_uffd_open(why_c, sizeof(why_c)) && _ce_back_uffd == u3P.wan_e ) {
      u3l_log("image: dirty tracking by protection faults: %s\n",
              why_c);
    }
  }
#else
  if ( _ce_back_uffd == u3P.wan_e && !mpr_t ) {
    u3l_log("image: dirty tracking by protection faults: "
            "userfaultfd is Linux-only\n");
  }
#endif
}

/* _ce_track_scan(): fold writes the backend saw in [bot_w, top_w) into
**   the bitmap (mprotect: the bitmap is always current).
*/
void
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
c3_i
_ce_prot_clean(void)
{
  return u3P.uff_t ? (PROT_READ | PROT_WRITE) : PROT_READ;
}

/* _ce_track_clean(): pages [bot_w, top_w) were just mapped clean (cop_t:
**   copied into writable memory): protect them.  0, or -1 if they must
**   stay dirty.
*/
c3_i
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
    u3l_log("image: mprotect loom pages %u-%u: %s\n",
            bot_w, top_w - 1, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_track_fresh(): pages [bot_w, top_w) were just mapped afresh, dirty:
**   keep them registered.
*/
void
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
void
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

  /** Dirty tracking.
  **/
/* _ce_open_range(): make pages [bot_w, top_w) writable, except the guard
**   page (async-signal-safe).  0 or -1 (errno set).
*/
c3_i
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
u3e_fault_e
_ce_flaw_protect(c3_w pag_w)
{
  if ( _ce_bit(pag_w) ) {
    //  dirty pages are writable: this fault is not ours
    return u3e_fault_alien;
  }
  if ( _ce_open_range(pag_w, pag_w + 1) ) {
    c3_w wid_w = _ce_wide_pages;

    if ( ENOMEM != errno ) {
      u3m_say("image: mprotect: cannot make a loom page writable\n");
      return u3e_fault_alien;
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
        return u3e_fault_alien;
      }
      wid_w <<= 6;
    }
  }
  _ce_bit_set(pag_w);
  u3e_Stat.faults_d++;
  return u3e_fault_done;
}
