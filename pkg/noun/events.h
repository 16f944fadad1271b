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
      c3_d verify_ns_d; //  how long the image's verification took, at the
                        //  start or in the background (0: not yet done)
    } u3e_stats;

    extern u3e_stats u3e_Stat;

    /* u3e_init(): set up dirty tracking for the mapped loom (all pages
    **   dirty, writable, no image).  Returns 0 or -1 with a message.
    */
    c3_i
    u3e_init(void);

    /* u3e_verdict: what a start does with a pier's image, as judged
    **   read-only by the one validator that u3e_live and u3e_check share.
    */
    typedef enum {
      u3e_pat_none,      //  no patch is left
      u3e_pat_apply,     //  a committed, valid patch: a start applies it
      u3e_pat_stray,     //  memory.bin of a save that never committed:
                         //  a start empties it
      u3e_pat_discard,   //  a damaged patch: a start discards it (the
                         //  image without it was verified whole)
    } u3e_pat_e;

    typedef enum {
      u3e_img_new,       //  no image: a start makes a new one
      u3e_img_sound,     //  a start resumes it (after the patch, if any)
      u3e_img_damaged,   //  it cannot be trusted: rebuild from the log
      u3e_img_unsummed,  //  north.bin without checksums (sums.bin missing
                         //  or empty): it cannot be verified, so it is
                         //  not trusted either
      u3e_img_refused,   //  sound, but made for other geometry or format
      u3e_img_failed,    //  the files could not be read: a start stops
    } u3e_img_e;

    typedef struct {
      u3e_pat_e pat_e;   //  what happens to a leftover patch
      u3e_img_e img_e;   //  what happens to the image
      c3_w      nor_w;   //  pages of the image a start resumes with
      c3_w      bits_w;  //  its loom geometry (0 when unknown)
      c3_d      eve_d;   //  the event it holds: a start resumes there
    } u3e_verdict;

    /* u3e_live() results besides 0.
    */
#   define u3e_live_failed   -1   //  the system refused (memory, I/O, a
                                  //  full disk): nothing was discarded,
                                  //  the start must stop
#   define u3e_live_damaged  -2   //  the image cannot be trusted (or
                                  //  verified): rebuild from the log
#   define u3e_live_refused  -3   //  the image is sound but made for other
                                  //  geometry or format

    /* u3e_live(): open or create PIER/.urb/chk/ and map its image into
    **   the loom.  Judges the image first, changing nothing (see
    **   u3e_judge); only then applies a valid leftover patch, or discards
    **   a damaged one with a message.  With u3C.later_o, an image with no
    **   patch is mapped once its small parts are judged, and its pages
    **   are verified in the background (u3e_verify_poll); the first save
    **   waits for that.  Image pages become clean
    **   (read-only), the rest writable.  *nor_w gets the image's pages (0
    **   for a new pier).  Returns 0, or u3e_live_failed, u3e_live_damaged
    **   or u3e_live_refused with a message.  Damage and refusal change no
    **   file; a failure keeps every file (a patch being applied stays
    **   pending).
    */
    c3_i
    u3e_live(const c3_c* dir_c, c3_w* nor_w);

    /* u3e_live_read(): like u3e_live, but strictly read-only: every file
    **   is opened O_RDONLY, nothing is created, renamed, removed or
    **   written; a valid pending patch is applied to the loom only (a
    **   private view of north.bin), and saves are refused.  Pages are all
    **   writable and untracked.  For `urbit check`.
    */
    c3_i
    u3e_live_read(const c3_c* dir_c, c3_w* nor_w);

    /* u3e_save(): make the image pages [0, nor_w) of the loom durable,
    **   crash-consistently (only dirty pages are written).  Returns 0, or
    **   -1 with a message with the previous image intact.
    */
    c3_i
    u3e_save(c3_w nor_w);

    /* u3e_save_wait(): wait until the last save's patch is applied to
    **   north.bin (on its thread) and durable there.  0, or -1 when the
    **   apply failed (with a message; the patch stays pending and the next
    **   save or start applies it again).
    */
    c3_i
    u3e_save_wait(void);

    /* u3e_apply_delay(): for tests: each save's apply on its thread
    **   starts ms_w milliseconds late (a slow disk).
    */
    void
    u3e_apply_delay(c3_w ms_w);

    /* u3e_save_ripe(): if the last save's apply has finished, join it and
    **   map its pages still clean from north.bin, dropping their copies in
    **   memory; never waits (an event boundary calls it).
    */
    void
    u3e_save_ripe(void);

    /* u3e_fault_e: what became of a fault on a loom address.
    */
    typedef enum {
      u3e_fault_alien = -1,  //  not a page the loom protected: a real
                             //  crash (the handler dies with the signal)
      u3e_fault_done  =  0,  //  handled: the write may be retried
      u3e_fault_meme  =  1,  //  no memory for the page (the guard page
                             //  hit with no room left, or no memory to
                             //  back it): the caller bails meme
      u3e_fault_full  =  2,  //  no room in the swap file for it: the
                             //  caller bails full
    } u3e_fault_e;

    /* u3e_fault(): handle a fault at a loom address (from the signal
    **   handler; async-signal-safe).
    */
    u3e_fault_e
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

    /* u3e_geometry(): the loom bits in the home header of PIER's image,
    **   read alone (nothing verified: the start judges the image); 0 when
    **   there is no readable header.
    */
    c3_w
    u3e_geometry(const c3_c* dir_c);

    /* u3e_judge(): judge the image of PIER (or of a backup directory
    **   holding north.bin) read-only, without a loom, with the validator
    **   u3e_live uses: any leftover patch, geometry and the home header,
    **   every page against its checksum.  bits_w: the geometry a start
    **   would ask for (0: the image's own).  Prints what was found and
    **   what a start would do to fil_u; fills *ver_u.  Returns 0 when a
    **   start would use the image (new or sound), -1 otherwise.
    */
    c3_i
    u3e_judge(const c3_c* dir_c, c3_w bits_w, FILE* fil_u, u3e_verdict* ver_u);

    /* u3e_check(): u3e_judge with the image's own geometry. */
    c3_i
    u3e_check(const c3_c* dir_c, FILE* fil_u);

    /* u3e_wipe(): move a pier's unusable image aside (north.bin.bad,
    **   sums.bin.bad, and any patch), so that u3e_live starts a new one
    **   and the log is replayed from scratch.  One generation is kept: an
    **   older *.bad set is removed first; and only when there is room
    **   (free space of twice the image, what its rebuild needs): else
    **   the files are removed, with a message.  The image must not be
    **   open.
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

    /* u3e_swap_close(): close the swap file, between looms (not while one
    **   is running); a later loom runs without one unless u3e_swap_open
    **   opens another.  The swap file otherwise stays open for the next
    **   loom of the process, which starts by emptying it.
    */
    void
    u3e_swap_close(void);

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

    /* u3e_reserve_e: whether pages could be backed ahead of use.
    */
    typedef enum {
      u3e_reserve_done = 0,  //  backed (or nothing to back)
      u3e_reserve_meme = 1,  //  out of memory (or the mapping failed)
      u3e_reserve_full = 2,  //  out of swap file space
    } u3e_reserve_e;

    /* u3e_reserve(): back every lazy page of [lo_w, hi_w) now, outside the
    **   fault handler.
    */
    u3e_reserve_e
    u3e_reserve(c3_w* lo_w, c3_w* hi_w);

    /* u3e_verify_e: the state of the image's verification.
    */
    typedef enum {
      u3e_verify_sound   = 0,  //  every page verified (or none to verify)
      u3e_verify_running = 1,  //  a background pass is under way
      u3e_verify_damaged = 2,  //  a page failed its checksum: the image
                               //  cannot be trusted (chk/damaged left, so
                               //  the next start judges it whole)
      u3e_verify_failed  = 3,  //  north.bin could not be read
    } u3e_verify_e;

    /* u3e_verify_poll(): the verification's state now, without waiting. */
    u3e_verify_e
    u3e_verify_poll(void);

    /* u3e_verify_wait(): before a snapshot: wait for the background
    **   verification to end (saying so, unless u3C.quiet_o); its final
    **   state.
    */
    u3e_verify_e
    u3e_verify_wait(void);

    /* u3e_verify_delay(): for tests: the next background verification
    **   starts reading ms_w milliseconds late.
    */
    void
    u3e_verify_delay(c3_w ms_w);

    /* u3e_limit_stats: what the pager did (limit.c), for run reports.
    */
    typedef struct {
      c3_d cap_d;       //  the cap, bytes (0: no pager)
      c3_d out_d;       //  pages written to the swap file and dropped
      c3_d in_d;        //  pages read back (refaults of evicted blocks)
      c3_d dead_d;      //  free pages of victims punched, never written
      c3_d clean_d;     //  clean image pages of victims dropped (no I/O)
      c3_d evict_d;     //  blocks evicted
      c3_d refault_d;   //  evicted blocks touched again
      c3_d ahead_d;     //  evicted blocks read ahead of a stream of refaults
      c3_d cool_d;      //  blocks the clock made cold (PROT_NONE, resident)
      c3_d warm_d;      //  cold blocks touched again (no I/O)
      c3_d over_d;      //  times nothing could be evicted to meet the budget
      c3_d scrub_d;     //  stray cached pages of lazy pages punched
      c3_d look_d;      //  pages the scrub looked at one by one (mincore)
      c3_d err_d;       //  failed system calls
      c3_w res_w;       //  pages counted resident at the last sync
      c3_w peak_w;      //  the most counted resident
      c3_w short_w;     //  the most pages the running count fell short of
                        //  a recount at a sync (0: it never did)
      c3_w blk_w;       //  pages in a block (the unit counted and paged)
    } u3e_limit_stats;

    extern u3e_limit_stats u3e_Limit;

    /* u3e_limit_runtime_mb: MiB the runtime keeps for itself under a
    **   cgroup limit (the headroom's least part; see u3e_limit_headroom).
    */
#   define u3e_limit_runtime_mb 8

    /* u3e_limit_least_mb: the least MiB the runtime keeps for itself under
    **   a cgroup limit too small for the whole headroom: what it was
    **   measured to use outside the loom, with a little to spare.
    */
#   define u3e_limit_least_mb 3

    /* u3e_limit_set(): page the loom under a cap of cap_d bytes (0: off);
    **   after u3e_init with a swap file.  0, or -1 with a message (no swap
    **   file, or a cap below the floor).
    */
    c3_i
    u3e_limit_set(c3_d cap_d);

    /* u3e_limit_lower(): from now on, page the loom under cap_d bytes (at
    **   least the floor) if that is below the cap in force, evicting down
    **   to it at once; for a tool whose own tables outside the loom come
    **   out of the same memory.  The cap in force after (0: no pager).
    */
    c3_d
    u3e_limit_lower(c3_d cap_d);

    /* u3e_limit_move(): from now on, page the loom under cap_d bytes (at
    **   least the floor), higher or lower than the cap in force, evicting
    **   down to it at once; the pager's state is kept.  The cap in force
    **   after (0: no pager).
    */
    c3_d
    u3e_limit_move(c3_d cap_d);

    /* u3e_limit_floor(): the least cap a loom of 2^bits_w bytes can run
    **   under, bytes.
    */
    c3_d
    u3e_limit_floor(c3_w bits_w);

    /* u3e_limit_on(): c3y if the pager is on. */
    c3_o
    u3e_limit_on(void);

    /* u3e_limit_thaw(): before u3e_release: make the pages the pager shut
    **   accessible (a hole punch through a mapping needs it writable);
    **   the next u3e_limit_sync shuts them again.
    */
    void
    u3e_limit_thaw(void);

    /* u3e_limit_sync(): at an event boundary: recount the resident pages
    **   from the bitmaps and evict down to the budget.
    */
    void
    u3e_limit_sync(void);

    /* u3e_limit_cgroup(): the memory limit of this process's cgroup (v1
    **   memory.limit_in_bytes, v2 memory.max or memory.high, the lesser),
    **   bytes; 0 if none: the
    **   least of its cgroup's and every visible ancestor's, in each
    **   hierarchy, found where /proc/self/mountinfo says the hierarchy is
    **   mounted and which cgroup the mount shows.  The file it came from
    **   goes to src_c.
    */
    c3_d
    u3e_limit_cgroup(c3_c* src_c, c3_z src_z);

    /* u3e_limit_headroom(): what a cap keeps free under a cgroup limit of
    **   lim_d bytes: an eighth, and at least u3e_limit_runtime_mb MiB.
    */
    c3_d
    u3e_limit_headroom(c3_d lim_d);

    /* u3e_limit_under(): the cap for a loom of 2^bits_w bytes under a
    **   cgroup limit of lim_d bytes: the limit less its headroom; under a
    **   limit too small for the whole headroom, the limit less
    **   u3e_limit_least_mb MiB, up to the floor plus the rest of the
    **   headroom's least (*tit_o set to c3y: never less than the whole
    **   headroom would give, and never falling as the limit grows); 0
    **   below the floor plus u3e_limit_least_mb MiB.
    */
    c3_d
    u3e_limit_under(c3_d lim_d, c3_w bits_w, c3_o* tit_o);

    /* u3e_limit_ample(): the least cgroup limit under which a loom of
    **   2^bits_w bytes keeps the whole headroom (u3e_limit_under leaves
    **   *tit_o c3n from there up).
    */
    c3_d
    u3e_limit_ample(c3_w bits_w);

    /* u3e_drop_clean(): drop the clean image pages of loom pages [lo_w,
    **   hi_w) from memory (read again from north.bin when touched), for a
    **   pass over the whole image that must not keep it resident; dirty,
    **   lazy and guard pages stay.  The pages dropped.
    */
    c3_w
    u3e_drop_clean(c3_w lo_w, c3_w hi_w);

    /* u3e_stop(): close the image's files and release tracking state. */
    void
    u3e_stop(void);

#endif  //  U3_EVENTS_H
