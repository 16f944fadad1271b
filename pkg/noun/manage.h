/// @file manage.h
/// u3m: mapping the loom, roads (leap/fall/love/soft), bail.
#ifndef U3_MANAGE_H
#define U3_MANAGE_H

#include "noun/allocate.h"

    /* u3m_home: the home header, on loom page 0.
    */
#   define u3m_home_magic   0x6d6f6f6c  //  "loom"
    //  2: cell mugs as vere's (version 1 images cache other cell mugs)
    //  3: the state's mug kept in the header (mug_w); a version 2 header
    //     is read as one that keeps none (its checksum covers the fields
    //     before mug_w), and is written back as version 3
#   define u3m_home_version 3
#   define u3m_home_version_min 2
    typedef struct {
      c3_w     mag_w;       //  u3m_home_magic
      c3_w     ver_w;       //  u3m_home_version
      c3_w     bits_w;      //  loom geometry: 2^bits_w bytes
      c3_w     pag_bits_w;  //  page size: 2^pag_bits_w bytes
      c3_d     eve_d;       //  event number of the snapshot
      u3_noun  roo;         //  the kernel state's root
      c3_w     sum_w;       //  checksum of this header (persistence)
      u3a_road rod_u;       //  the home road
      c3_w     mug_w;       //  mug of roo, 0 when not known (version 3)
      c3_w     fut_w;       //  0 (keeps the header a multiple of 8 bytes)
    } u3m_home;

    extern u3m_home* u3H;

    /* u3m_home_road(): the home road, or 0 before a loom is paved. */
    static inline u3a_road*
    u3m_home_road(void)
    {
      return u3H ? &u3H->rod_u : 0;
    }

    /* u3m_init(): map a fresh loom of 2^bits_w bytes at its fixed address.
    **   Returns 0, or -1 with a message on stderr (bad size, address taken,
    **   unsuitable system page size).
    */
    c3_i
    u3m_init(c3_w bits_w);

    /* u3m_fini(): unmap the loom. */
    void
    u3m_fini(void);

    /* u3m_pave(): make an empty home road on the loom. */
    void
    u3m_pave(void);

    /* u3m_leap(): enter a new inner road carved from the current road's
    **   gap.  Bails meme when the gap is too small.
    */
    void
    u3m_leap(void);

    /* u3m_fall(): leave the current inner road, discarding it. */
    void
    u3m_fall(void);

    /* u3m_love(): leave the current inner road, taking pro (transferred)
    **   up to the parent; returns it on the parent road.
    */
    u3_noun
    u3m_love(u3_noun pro);

    /* u3m_soft(): run fun_f(arg) on a new inner road.  arg is retained
    **   (the inner road only reads it).  Returns [0 product] on success or
    **   [mote detail] after a bail, leaving the current road as it was.
    */
    u3_noun
    u3m_soft(u3_noun (*fun_f)(u3_noun), u3_noun arg);

    /* u3m_bail(): abandon the computation on the current road with mote
    **   how_w (c3__exit, c3__meme, ...).  On the home road it is fatal.
    */
    void
    u3m_bail(c3_w how_w) __attribute__((noreturn));

    /* u3m_fail_f: the runtime's answer to a bail with no computation to
    **   abandon (on the home road, outside any event), mote how_w, after
    **   the library has said what happened.  It must not return: it stops
    **   the process as the runtime sees fit.
    */
    typedef void (*u3m_fail_f)(c3_w how_w);

    /* u3m_on_fail(): register fal_f (0: none, and such a bail aborts). */
    void
    u3m_on_fail(u3m_fail_f fal_f);

    /* u3m_bail_with(): like u3m_bail with a detail noun (transferred). */
    void
    u3m_bail_with(c3_w how_w, u3_noun tax) __attribute__((noreturn));

    /* u3m_water(): bytes in use at the low and high ends of the home road
    **   (heap and stack); the gap lies between.
    */
    void
    u3m_water(c3_d* low_d, c3_d* hig_d);

    /* u3m_depth(): how many roads deep the current road is (home: 0). */
    c3_w
    u3m_depth(void);

    /* u3m_boot(): map a loom of 2^bits_w bytes and boot the pier in
    **   dir_c: resume its image, or pave a new home road if it has none.
    **   Returns u3m_boot_new, u3m_boot_resumed, or a failure with the
    **   reason printed: u3m_boot_refused (the pier is sound but does not
    **   fit: geometry or format version differ), u3m_boot_damaged (the
    **   image cannot be trusted, or verified: replay the log from
    **   scratch), or u3m_boot_failed (the system refused: memory, files,
    **   a full disk; nothing was discarded).
    */
#   define u3m_boot_new       0
#   define u3m_boot_resumed   1
#   define u3m_boot_refused  -1
#   define u3m_boot_damaged  -2
#   define u3m_boot_failed   -3
    c3_i
    u3m_boot(const c3_c* dir_c, c3_w bits_w);

    /* u3m_boot_read(): u3m_boot, read-only: the same validation and
    **   results, but nothing on disk is created or changed (u3e_live_read):
    **   a pending patch is applied in memory only, saves are refused.
    */
    c3_i
    u3m_boot_read(const c3_c* dir_c, c3_w bits_w);

    /* u3m_save(): snapshot the home road (between events): 0 or -1. */
    c3_i
    u3m_save(void);

    /* u3m_stop(): close the pier's image and unmap the loom. */
    void
    u3m_stop(void);

    /* u3m_header_sum(): the checksum the home header should carry. */
    c3_w
    u3m_header_sum(const u3m_home* hom_u);

    /* u3m_head_e: what a home header read from an image is, by its
    **   format and geometry alone (u3m_header_fits).
    */
    typedef enum {
      u3m_head_fits,     //  this runtime's format and page size, a loom
                         //  size in range (and the one asked for): its
                         //  checksum and home road are checked after
                         //  mapping, by u3m_header_check
      u3m_head_alien,    //  not a home header (bad magic)
      u3m_head_damaged,  //  another format or geometry, and a bad
                         //  checksum: damage, not a choice
      u3m_head_other,    //  a sound header of another format or
                         //  geometry: refused, never rebuilt
    } u3m_head_e;

    /* u3m_header_fits(): judge hom_u's format and geometry, for a loom of
    **   2^bits_w bytes (0: any).  Prints nothing.
    */
    u3m_head_e
    u3m_header_fits(const u3m_home* hom_u, c3_w bits_w);

    /* u3m_header_check(): c3y if hom_u is a sound header for a loom of
    **   2^bits_w bytes; otherwise print what is wrong to stderr.  *ref_o
    **   is c3y if the header is sound but made for other geometry/format.
    */
    c3_o
    u3m_header_check(const u3m_home* hom_u, c3_w bits_w, c3_w nor_w, c3_o* ref_o);

    /* u3m_mote(): a mote as text in buf_c (5 bytes); returns buf_c. */
    const c3_c*
    u3m_mote(c3_w how_w, c3_c* buf_c);

    /* u3m_say(): write a string to stderr, async-signal-safely. */
    void
    u3m_say(const c3_c* str_c);

    /* u3m_signals(): install the SIGSEGV/SIGBUS handler on an alternate
    **   stack (dirty tracking and the guard page depend on it).
    */
    c3_i
    u3m_signals(void);

#endif  //  U3_MANAGE_H
