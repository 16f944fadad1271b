/// @file events.h
/// u3e: the snapshot image, patches, dirty-page tracking, the guard page.
#ifndef U3_EVENTS_H
#define U3_EVENTS_H

#include "noun/allocate.h"

    /* u3e_stats: what persistence has done, for run reports.
    */
    typedef struct {
      c3_d faults_d;    //  first writes to clean pages (faults handled,
                        //  or pages a userfaultfd scan found written)
      c3_d saves_d;     //  saves completed
      c3_d save_ns_d;   //  total time in u3e_save
      c3_d saved_pages_d;  //  pages written by saves
      c3_w image_w;     //  pages in the image
      c3_d guards_d;    //  guard-page hits (the guard re-centred or meme)
      c3_d released_d;  //  pages given back by u3e_release
      c3_d backed_d;    //  lazy pages backed on first write
      c3_d swap_full_d; //  writes refused for want of swap file space
      c3_w swap_pag_w;  //  the page of the last such refusal
      c3_d swap_anon_d; //  home-road pages put in anonymous memory instead
      c3_i swap_err_i;  //  errno of the last such refusal
      c3_d punch_err_d; //  failed hole punches
      c3_d release_err_d;  //  failed releases
      c3_d widens_d;    //  faults that opened a wider block (no mappings left)
    } u3e_stats;

    extern u3e_stats u3e_Stat;

    /* u3e_init(): set up dirty tracking for the mapped loom (all pages
    **   dirty, writable, no image).  Returns 0 or -1 with a message.
    */
    c3_i
    u3e_init(void);

    /* u3e_live(): open or create PIER/.urb/chk/ and map its image into
    **   the loom: apply a valid leftover patch, discard an invalid one
    **   with a message; image pages become clean (read-only), the rest
    **   writable.  *nor_w gets the image's pages (0 for a new pier).
    **   Returns 0, or -1 with a message.
    */
    c3_i
    u3e_live(const c3_c* dir_c, c3_w* nor_w);

    /* u3e_save(): make the image pages [0, nor_w) of the loom durable,
    **   crash-consistently (only dirty pages are written).  Returns 0, or
    **   -1 with a message with the previous image intact.
    */
    c3_i
    u3e_save(c3_w nor_w);

    /* u3e_fault(): handle a fault at a loom address (from the signal
    **   handler; async-signal-safe).  Returns 0 when handled (the write
    **   may be retried), 1 when the guard page was hit and no room is
    **   left (the caller bails meme), -1 when the address is not a page
    **   the loom protected (a real crash).
    */
    c3_i
    u3e_fault(void* adr_v);

    /* u3e_foul(): mark every page dirty and writable. */
    void
    u3e_foul(void);

    /* u3e_yolo(): make every page writable without marking it dirty
    **   (no tracking: for tools that never save).
    */
    void
    u3e_yolo(void);

    /* u3e_ward(): put the guard page in the middle of [lo_w, hi_w), the
    **   current road's gap.  Returns 0, or -1 if there is no room.
    */
    c3_i
    u3e_ward(c3_w* lo_w, c3_w* hi_w);

    /* u3e_dirty(): c3y if page pag_w is dirty. */
    c3_o
    u3e_dirty(c3_w pag_w);

    /* u3e_backup(): copy a consistent image to directory dst_c. */
    c3_i
    u3e_backup(const c3_c* dst_c);

    /* u3e_check(): verify the image of PIER (geometry, every page against
    **   its checksum, any leftover patch) without mapping it; print what
    **   was found to fil_u.  Returns 0 when sound.
    */
    c3_i
    u3e_check(const c3_c* dir_c, FILE* fil_u);

    /* u3e_wipe(): move a pier's unusable image aside (north.bin.bad,
    **   sums.bin.bad, and any patch), so that u3e_live starts a new one
    **   and the log is replayed from scratch.  The image must not be open.
    */
    c3_i
    u3e_wipe(const c3_c* dir_c);

    /* u3e_tracker(): choose dirty tracking for the next u3e_init: "uffd"
    **   (userfaultfd write-protection, Linux 6.7+), "mprotect" (protection
    **   faults), or 0: uffd where it works, else mprotect.  -1 if unknown.
    */
    c3_i
    u3e_tracker(const c3_c* nam_c);

    /* u3e_tracking(): the dirty tracking in use: "uffd" or "mprotect". */
    const c3_c*
    u3e_tracking(void);

    /* u3e_swap_open(): create the swap file at pat_c fresh and unlink it
    **   (before u3e_init).  Refuses tmpfs and ramfs.  0, or -1 with a
    **   message.
    */
    c3_i
    u3e_swap_open(const c3_c* pat_c);

    /* u3e_swap_kb(): KiB of disk blocks the swap file holds. */
    c3_d
    u3e_swap_kb(void);

    /* u3e_release(): give back the pages the events since the last
    **   u3a_touch_reset() used and no longer need, as the memory policy
    **   says (u3C); returns the pages released.  The caller then resets
    **   the window.
    */
    c3_w
    u3e_release(void);

    /* u3e_lazy(): c3y if pages may be lazy (unbacked until written). */
    c3_o
    u3e_lazy(void);

    /* u3e_reserve(): back every lazy page of [lo_w, hi_w) now, outside the
    **   fault handler.  0, 1 (out of memory) or 2 (out of swap file space).
    */
    c3_i
    u3e_reserve(c3_w* lo_w, c3_w* hi_w);

    /* u3e_stop(): close the image's files and release tracking state. */
    void
    u3e_stop(void);

#endif  //  U3_EVENTS_H
