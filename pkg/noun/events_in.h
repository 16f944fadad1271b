/// @file events_in.h
/// The persistence modules' shared insides (not an interface: only
/// events.c and its modules include this).  Persistence is one subsystem
/// in six files, each with one job:
///
///   events.c   the public u3e_ API: lifecycle (init, live, stop), the
///              save, the guard page and fault dispatch
///   track.c    dirty tracking: the backend seam and the mprotect backend
///   uffd.c     the userfaultfd backend (Linux 6.7+)
///   image.c    the image's files: north.bin, sums.bin and the patch
///              (control.bin, memory.bin): load, write, apply, verify,
///              map into the loom, back up
///   judge.c    judging an image read-only (the one validator that a start
///              and `urbit check` share), and wiping an unusable one
///   release.c  memory policies: the swap file, lazy pages, release and
///              reserve
///   limit.c    the pager: a cap on resident loom pages (--memory-limit,
///              or a swap file under a cgroup limit)
///
/// All their state is one struct, the persistence pool u3P, defined in
/// events.c.  Functions named _ce_ here are private to these modules.
#ifndef U3_EVENTS_IN_H
#define U3_EVENTS_IN_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __linux__
#  include <linux/userfaultfd.h>
#  include <sys/ioctl.h>
#  include <sys/syscall.h>
#endif

#include "c3/bitmap.h"
#include "noun/events.h"

#define _ce_max_pages  (1U << (u3a_bits_max - u3a_page_bits))
#define _ce_ctl_magic  c3_s4('p', 't', 'c', 'h')
#define _ce_sum_magic  c3_s4('s', 'u', 'm', 's')
#define _ce_version    1
#define _ce_sum_head   16                    //  bytes before sums.bin's table
#define _ce_run_pages  64                    //  pages per buffered file copy
#define _ce_back_pages 16          //  pages backed per lazy fault (x4 in swap)
#define _ce_scan_pages 64          //  pages u3e_dirty scans at once: one word
#define _ce_near_pages 64          //  patch pages this near remap as one
#define _ce_read_bytes (1ULL << 30)   //  most bytes read at once (copy-in)
#define _ce_copy_bytes (1U << 20)     //  the buffer of a backup's file copy
#define _ce_wide_pages 4096        //  the first block opened with no mappings
                                   //  left (64 MiB), doubling from there
#define _ce_bad_shown  16          //  damaged pages a verification lists
#define _ce_hold_events 8          //  swap file: events whose use of the gap
                                   //  the blocks held for reuse cover
#define _ce_damaged_name "damaged" //  chk/ file: the image failed verification

    /* _ce_have_uffd: the userfaultfd backend is built (see uffd.c). */
#if defined(__linux__) && defined(UFFDIO_WRITEPROTECT) && defined(SYS_userfaultfd)
#  define _ce_have_uffd 1
#else
#  define _ce_have_uffd 0
#endif

  /** State.
  **/
    /* _ce_back_e: the dirty-tracking backend asked for (u3e_tracker). */
    typedef enum {
      _ce_back_any,        //  uffd where it works, else mprotect
      _ce_back_mprotect,   //  protection faults only
      _ce_back_uffd,       //  userfaultfd, or fail
    } _ce_back_e;

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
      _ce_back_e wan_e;            //  the backend asked for
      c3_i  swp_i;                 //  the swap file, or -1
      c3_w  hol_w[2][_ce_hold_events];  //  swap file: pages each recent
                                   //  event took above the home hat [0]
                                   //  and below the home cap [1] (rings)
      c3_w  hon_w[2];              //  events noted in hol_w
      c3_w  hod_w[2];              //  pages held (zeroed, blocks kept)
                                   //  there at the last release
      c3_t  hug_t;                 //  some swap pages were given large
                                   //  folios (_ce_swap_large)
      c3_d  hug_d[_ce_max_pages / 128 / 64];  //  which 2 MiB chunks
      c3_t  lzy_t;                 //  lazy pages in use
      c3_d  lzy_d[_ce_max_pages / 64];  //  lazy: unbacked, read-only
    } u3e_pool;

    /* _ce_patch_e: what a chk directory's patch is (_ce_patch_load). */
    typedef enum {
      _ce_patch_failed = -2,  //  the files could not be read (message
                              //  printed): nothing can be decided
      _ce_patch_invalid,      //  torn or damaged (why_c says how)
      _ce_patch_valid,        //  committed and whole: to be applied
      _ce_patch_none,         //  no patch
      _ce_patch_stray,        //  memory.bin with pages, control.bin
                              //  missing or empty: a save that never
                              //  committed
    } _ce_patch_e;

    /* _ce_judgment: a verdict, and the valid patch it found (for applying). */
    typedef struct {
      u3e_verdict ver_u;
      u3e_control ctl_u;       //  the valid patch's header
      u3e_line*   lin_u;       //  its entries (malloc'd), or 0
      c3_i        mem_i;       //  its memory.bin (open), or -1
      c3_w        pag_w;       //  pages in north.bin
      c3_w        num_w;       //  checksums in sums.bin
      c3_t        lat_t;       //  the pages are left to verify later
    } _ce_judgment;

    /* u3P: the persistence pool (events.c). */
    extern u3e_pool u3P;

  /** The dirty and lazy bitmaps (one bit per page, outside the loom).
  **/
    /* _ce_bit(): 1 if page pag_w is dirty. */
    static inline c3_t
    _ce_bit(c3_w pag_w)
    {
      return c3_bit_get(u3P.dit_d, pag_w);
    }

    /* _ce_bit_set(): mark page pag_w dirty. */
    static inline void
    _ce_bit_set(c3_w pag_w)
    {
      c3_bit_set(u3P.dit_d, pag_w);
    }

    /* _ce_bits(): set (val_t 1) or clear the dirty bits of [lo_w, hi_w). */
    static inline void
    _ce_bits(c3_w lo_w, c3_w hi_w, c3_t val_t)
    {
      c3_bits_put(u3P.dit_d, lo_w, hi_w, val_t);
    }

    /* _ce_next(): the first page in [pag_w, hi_w) whose dirty bit is val_t,
    **   or hi_w.
    */
    static inline c3_w
    _ce_next(c3_w pag_w, c3_w hi_w, c3_t val_t)
    {
      return c3_bits_next(u3P.dit_d, pag_w, hi_w, val_t);
    }

    /* _ce_lzy(): 1 if page pag_w is lazy (never written since backed off). */
    static inline c3_t
    _ce_lzy(c3_w pag_w)
    {
      return c3_bit_get(u3P.lzy_d, pag_w);
    }

    /* _ce_lzy_bits(): set (val_t 1) or clear the lazy bits of [lo_w, hi_w). */
    static inline void
    _ce_lzy_bits(c3_w lo_w, c3_w hi_w, c3_t val_t)
    {
      c3_bits_put(u3P.lzy_d, lo_w, hi_w, val_t);
    }

    /* _ce_ptr(): the address of loom page pag_w. */
    static inline c3_y*
    _ce_ptr(c3_w pag_w)
    {
      return u3a_loom_base + ((c3_d)pag_w << u3a_page_bits);
    }

  /** events.c
  **/
    /* _ce_gap(): the whole pages inside [lo_y, hi_y) as [*bot_w, *top_w). */
    void
    _ce_gap(const c3_y* lo_y, const c3_y* hi_y, c3_w* bot_w, c3_w* top_w);


  /** track.c
  **/
    /* _ce_uffd_close(): drop this process's userfaultfd descriptors (after a
    **   fork the parent's tracking is untouched).
    */
    void
    _ce_uffd_close(void);

    /* _ce_track_degrade(): leave userfaultfd tracking for protection faults:
    **   every page dirty (every page is writable already).  why_c: a message,
    **   or 0 for none.
    */
    void
    _ce_track_degrade(const c3_c* why_c);

    /* _ce_track_mine(): in a fork's child, stop using the parent's userfaultfd. */
    void
    _ce_track_mine(void);

    /* _ce_track_open(): start the backend (u3e_init); mpr_t: protection faults
    **   are required (lazy pages are backed on their first write's fault).
    */
    void
    _ce_track_open(c3_t mpr_t);

    /* _ce_track_scan(): fold writes the backend saw in [bot_w, top_w) into
    **   the bitmap (mprotect: the bitmap is always current).
    */
    void
    _ce_track_scan(c3_w bot_w, c3_w top_w);

    /* _ce_prot_clean(): the protection a clean page is mapped with. */
    c3_i
    _ce_prot_clean(void);

    /* _ce_track_clean(): pages [bot_w, top_w) were just mapped clean (cop_t:
    **   copied into writable memory): protect them.  0, or -1 if they must
    **   stay dirty.
    */
    c3_i
    _ce_track_clean(c3_w bot_w, c3_w top_w, c3_t cop_t);

    /* _ce_track_fresh(): pages [bot_w, top_w) were just mapped afresh, dirty:
    **   keep them registered.
    */
    void
    _ce_track_fresh(c3_w bot_w, c3_w top_w);

    /* _ce_track_free(): stop tracking writes to every page (u3e_yolo). */
    void
    _ce_track_free(void);

    /* _ce_open_range(): make pages [bot_w, top_w) writable, except the guard
    **   page (async-signal-safe).  0 or -1 (errno set).
    */
    c3_i
    _ce_open_range(c3_w bot_w, c3_w top_w);

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
    _ce_flaw_protect(c3_w pag_w);


  /** uffd.c
  **/
    /* _ce_uffd_range(): register (how_i 0), write-protect (1) or unprotect (2)
    **   loom pages [bot_w, top_w).  0, or -1 with errno.
    */
    c3_i
    _ce_uffd_range(c3_w bot_w, c3_w top_w, c3_i how_i);

    /* _ce_uffd_scan(): set the bits of the pages written in [bot_w, top_w),
    **   counting those newly dirty as faults.  0, or -1 (degraded).
    */
    c3_i
    _ce_uffd_scan(c3_w bot_w, c3_w top_w);

    /* _ce_uffd_open(): start userfaultfd tracking of the loom (every page
    **   dirty: registered, not protected).  0, or -1 with why_c filled.
    */
    c3_i
    _ce_uffd_open(c3_c* why_c, c3_z why_z);


  /** image.c
  **/
    /* _ce_say(): a message to fil_u, or to the log when fil_u is 0. */
    void
    _ce_say(FILE* fil_u, const c3_c* fmt_c, ...)
      __attribute__((format(printf, 2, 3)));

    /* _ce_path(): dir_c/nam_c into pat_c (PATH_MAX); -1 if too long. */
    c3_i
    _ce_path(c3_c* pat_c, const c3_c* dir_c, const c3_c* nam_c);

    /* _ce_pread_all(): read len_z bytes at off_d. */
    c3_i
    _ce_pread_all(c3_i fid_i, void* buf_v, c3_z len_z, c3_d off_d,
                  const c3_c* pat_c);

    /* _ce_pwrite_all(): write len_z bytes at off_d. */
    c3_i
    _ce_pwrite_all(c3_i fid_i, const void* buf_v, c3_z len_z, c3_d off_d,
                   const c3_c* pat_c);

    /* _ce_fsync(): make a directory's entries durable (fsync). */
    c3_i
    _ce_fsync(c3_i fid_i, const c3_c* pat_c);

    /* _ce_fdatasync(): make a file's contents and size durable. */
    c3_i
    _ce_fdatasync(c3_i fid_i, const c3_c* pat_c);

    /* _ce_size(): the size of fid_i into *len_d. */
    c3_i
    _ce_size(c3_i fid_i, c3_d* len_d, const c3_c* pat_c);

    /* _ce_mkdir(): create directory pat_c unless it exists, durably. */
    c3_i
    _ce_mkdir(const c3_c* pat_c);

    /* _ce_sum_page(): CRC-32C of one 16 KiB page. */
    c3_w
    _ce_sum_page(const void* pag_v);

    /* _ce_sums_head(): sums.bin's header into hed_w[4]. */
    void
    _ce_sums_head(c3_w hed_w[4]);

    /* _ce_sums_load(): read sums.bin (fid_i) into sum_w (room for max_w
    **   entries): *num_w gets its entries.  A missing header (empty file) gives
    **   0 entries.  Returns 0, or -1 with a message.
    */
    c3_i
    _ce_sums_load(c3_i fid_i, const c3_c* pat_c, c3_w* sum_w, c3_w max_w,
                  c3_w* num_w);

    /* _ce_patch_load(): find and check the patch in chk_c, reading every
    **   page of memory.bin.  A valid patch leaves *ctl_u, *lin_u (malloc'd)
    **   and *mem_i (open) to the caller; an invalid one says why in why_c.
    */
    _ce_patch_e
    _ce_patch_load(const c3_c* chk_c, c3_w max_w, u3e_control* ctl_u,
                   u3e_line** lin_u, c3_i* mem_i, c3_c* why_c, c3_z why_z);

    /* _ce_patch_drop(): remove an applied patch: control.bin is emptied,
    **   durably, then memory.bin; the files stay for the next save.
    */
    c3_i
    _ce_patch_drop(void);

    /* _ce_patch_ready(): at a start, with no patch left: control.bin and
    **   memory.bin made (empty) and their names durable.  0 or -1.
    */
    c3_i
    _ce_patch_ready(void);

    /* _ce_patch_tidy(): at the end of a run with no patch pending: the
    **   empty patch files are removed.  Best effort.
    */
    void
    _ce_patch_tidy(void);

    /* _ce_patch_write(): write pgs_w pages (lin_u, from the loom; their
    **   checksums filled in here) to memory.bin, then control.bin, both
    **   durable: the commit.  On failure the patch is emptied and the
    **   image is as before.
    */
    c3_i
    _ce_patch_write(u3e_line* lin_u, c3_w pgs_w, c3_w nor_w,
                    c3_i* fid_i);

    /* _ce_patch_apply(): apply a patch to north.bin and sums.bin, durably.
    **   The pages come from the loom (mem_i < 0: a save) or from memory.bin
    **   (a patch left over).  Idempotent.
    */
    c3_i
    _ce_patch_apply(const u3e_line* lin_u, c3_w pgs_w, c3_w nor_w, c3_i mem_i,
                    c3_t map_t);

    /* _ce_patch_redo(): apply the committed patch left by a failed save. */
    c3_i
    _ce_patch_redo(void);

    /* _ce_loom_unfile(): move loom pages [lo_w, hi_w) out of north.bin's
    **   mapping (dirty ones with their contents) before it is cut.
    */
    c3_i
    _ce_loom_unfile(c3_w lo_w, c3_w hi_w);

    /* _ce_apply_start(): apply the committed patch (lin_u) on a thread,
    **   reading its pages from memory.bin (open as mem_i); both are the
    **   thread's once it starts.  -1 if the thread could not start
    **   (nothing changed: the caller applies it at once).
    */
    c3_i
    _ce_apply_start(u3e_line* lin_u, c3_w pgs_w, c3_w nor_w, c3_i mem_i);

    /* _ce_apply_busy(): 1 while an apply runs (the last save's clean
    **   pages may be private copies north.bin does not hold yet: never
    **   drop them).
    */
    c3_t
    _ce_apply_busy(void);

    /* _ce_apply_done(): 1 when an apply ran and has finished (joining it
    **   will not wait).
    */
    c3_t
    _ce_apply_done(void);

    /* _ce_apply_wait(): join the apply thread if one runs: 0 when no apply
    **   is pending or it is durable (u3P.pen_t cleared), -1 when it failed.
    **   *lin_u, *pgs_w get its pages (the caller frees them), or 0.
    */
    c3_i
    _ce_apply_wait(u3e_line** lin_u, c3_w* pgs_w);

    /* _ce_image_verify(): compare pages [0, nor_w) of north.bin (fid_i) with
    **   their checksums, skipping the pages of lin_u (a pending patch, which
    **   carries their checksums).  Prints up to 16 damaged pages to fil_u (or
    **   stderr), each prefixed with pre_c.  Returns the number damaged, or -1
    **   if the file could not be read.
    */
    c3_ds
    _ce_image_verify(c3_i fid_i, const c3_c* pat_c, const c3_w* sum_w,
                     c3_w nor_w, const u3e_line* lin_u, c3_w pgs_w,
                     FILE* fil_u, const c3_c* pre_c);

    /* _ce_loom_mapf_north(): map the image (north.bin's nor_w pages) into the
    **   loom read-only, and fresh anonymous read-write memory above it: clean
    **   image pages, dirty rest.  With demand paging the image pages are
    **   mapped MAP_PRIVATE from the file; without, copied in.
    */
    c3_i
    _ce_loom_mapf_north(c3_w nor_w, const c3_c* npa_c);

    /* _ce_loom_clean(): the patch's pages, now in north.bin, become clean:
    **   mapped afresh from north.bin (dropping their private copies), or made
    **   read-only where the image is copied in.  Every page below the image
    **   top now equals north.bin, so runs a few clean pages apart are
    **   remapped together: one call instead of many.
    */
    c3_i
    _ce_loom_clean(const u3e_line* lin_u, c3_w pgs_w);

    /* _ce_loom_keep(): a committed patch's pages become clean in place
    **   (write-protected private copies) while it is applied on a thread.
    */
    c3_i
    _ce_loom_keep(const u3e_line* lin_u, c3_w pgs_w);

    /* _ce_loom_settle(): once the patch is durable in north.bin, its pages
    **   still clean are mapped afresh from the file.
    */
    c3_i
    _ce_loom_settle(const u3e_line* lin_u, c3_w pgs_w);


  /** judge.c
  **/
    /* _ce_judgment_free(): release a judgment's patch. */
    void
    _ce_judgment_free(_ce_judgment* jud_u);

    /* _ce_judge(): judge the image in chk_c (north.bin open as nor_i, sums.bin
    **   as sum_i; either may be -1 when missing) read-only.  bits_w: the
    **   geometry asked for (0: the image's own); max_w: the pages sum_w has
    **   room for.  Messages go to fil_u (0: stderr).  jud_u->ver_u gets the
    **   verdict; a valid patch stays loaded for the caller to apply (release
    **   it with _ce_judgment_free).  lat_t: when no patch is in play, leave
    **   the pages unread (jud_u->lat_t says whether they were).
    */
    void
    _ce_judge(const c3_c* chk_c, c3_i nor_i, c3_i sum_i, c3_w bits_w,
              c3_w* sum_w, c3_w max_w, FILE* fil_u, c3_t lat_t,
              _ce_judgment* jud_u);


  /** verify.c
  **/
    /* _ce_verify_start(): verify north.bin's pages [0, nor_w) against
    **   u3P.sum_w: page 0 now, the rest on a thread.  0 when the pass is
    **   under way, 1 when page 0 is damaged (the image is not trusted), -1
    **   on failure (reported).
    */
    c3_i
    _ce_verify_start(c3_w nor_w);

    /* _ce_verify_wait(): wait for the pass to end; 0 when the image is
    **   verified whole (or no pass runs), -1 when it is not.
    */
    c3_i
    _ce_verify_wait(void);

    /* _ce_verify_stop(): abandon the pass (the image is being closed). */
    void
    _ce_verify_stop(void);


  /** release.c
  **/
    /* _ce_lazy_map(): make pages [lo_w, hi_w) lazy (not async-signal-safe
    **   only in that it may be called outside the handler; it is in fact).
    */
    c3_i
    _ce_lazy_map(c3_w lo_w, c3_w hi_w);

    /* _ce_lazy_back(): a write to lazy page pag_w: back it and the lazy pages
    **   next to it in its aligned block (async-signal-safe).  0 when done, 1
    **   when memory is exhausted (bail meme), 2 when the swap file has no
    **   room (bail full; errno in u3e_Stat.swap_err_i), -1 on error.
    */
    u3e_fault_e
    _ce_lazy_back(c3_w pag_w);

    /* _ce_swap_flaw(): a write to clean image page pag_w with a swap file:
    **   move the page into the file, contents and all (async-signal-safe).
    */
    u3e_fault_e
    _ce_swap_flaw(c3_w pag_w);

    /* _ce_swap_home(): the swap file has no room for page pag_w (lazy, or
    **   clean).  Inside an event (an inner road) that bails the event (2).  The
    **   home road's own work between events has nothing to abandon: its page
    **   goes to anonymous memory instead, outside the swap file (async-signal-
    **   safe).
    */
    u3e_fault_e
    _ce_swap_home(c3_w pag_w, c3_t lzy_t);

    /* _ce_swap_punch(): free the swap file's blocks for pages [lo_w, hi_w). */
    void
    _ce_swap_punch(c3_w lo_w, c3_w hi_w);


  /** limit.c
  **/
    /* _ce_limit_back(): pages [lo_w, hi_w) (in one aligned MiB) just
    **   became backed by the swap file for a touch of page pag_w: count
    **   them and evict to the budget, never pag_w's block
    **   (async-signal-safe).
    */
    void
    _ce_limit_back(c3_w lo_w, c3_w hi_w, c3_w pag_w);

    /* _ce_limit_moved(): clean page pag_w was just moved into the swap
    **   file on its first write: count it, if it was not counted as a clean
    **   page (async-signal-safe).
    */
    void
    _ce_limit_moved(c3_w pag_w);

    /* _ce_limit_forget(): drop the pager's state without touching the
    **   loom (whose mapping may be another by now); u3e_limit_set(0)
    **   then resets the rest.
    */
    void
    _ce_limit_forget(void);

    /* _ce_limit_map(): pages [lo_w, hi_w) were just mapped from the swap
    **   file or from north.bin: under a cap, no read-around on their
    **   faults (async-signal-safe).
    */
    void
    _ce_limit_map(c3_w lo_w, c3_w hi_w);

    /* _ce_blk_anon(): with a swap file, 1 if a loom page may be
    **   anonymous memory, which only MADV_DONTNEED discards: the home
    **   road's on a full disk, a private copy made with tracking
    **   suspended (u3e_yolo).
    */
      static inline c3_t
      _ce_blk_anon(void)
      {
        return u3e_Stat.swap_anon_d || u3P.yol_t;
      }

    /* _ce_limit_fault(): a fault on page pag_w: 1 if it was the pager's (a
    **   cold or evicted block, now accessible again), 0 if not
    **   (async-signal-safe).
    */
    c3_t
    _ce_limit_fault(c3_w pag_w);

    /* _ce_limit_away(): 1 if page pag_w is a swap page of a block the
    **   pager wrote out: its bytes are in the scratch file alone, where a
    **   save reads them (pread) instead of faulting the block back in.
    */
    c3_t
    _ce_limit_away(c3_w pag_w);

    /* _ce_limit_shut(): 1 if page pag_w's block is shut by the pager (cold
    **   or out: PROT_NONE until a fault opens it).
    */
    c3_t
    _ce_limit_shut(c3_w pag_w);

    /* _ce_limit_counted(): the pages the pager counts resident now, by its
    **   running count (tests: it must equal _ce_limit_recount()).
    */
    c3_w
    _ce_limit_counted(void);

    /* _ce_limit_recount(): the pages the pager would count resident if it
    **   counted its hot and cold blocks again, changing nothing.
    */
    c3_w
    _ce_limit_recount(void);

    /* _ce_limit_cgroup_at(): u3e_limit_cgroup from the files cgr_c (as
    **   /proc/self/cgroup) and mif_c (as /proc/self/mountinfo), every
    **   cgroup file read under directory pre_c ("" for the real ones).
    */
    c3_d
    _ce_limit_cgroup_at(const c3_c* pre_c, const c3_c* cgr_c, const c3_c* mif_c,
                        c3_c* src_c, c3_z src_z);

    /* _ce_limit_reshut(): shut the pager's cold and out blocks again, after
    **   a protection change or remapping that may have covered them.
    */
    void
    _ce_limit_reshut(void);


#endif  //  U3_EVENTS_IN_H
