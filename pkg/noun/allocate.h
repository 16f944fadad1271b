/// @file allocate.h
/// u3a: nouns, roads' heaps, the page allocator, refcounts, mark/sweep.
#ifndef U3_ALLOCATE_H
#define U3_ALLOCATE_H

#include <setjmp.h>

#include "c3/c3.h"

  /** Geometry.
  **/
    //  the loom's fixed address: mappable by plain and sanitizer builds alike
#   define u3a_loom_base   ((c3_y*)0x200000000000ULL)
#   define u3a_bits_min    24
#   define u3a_bits_max    34
#   define u3a_bits_default 31

#   define u3a_page_bits   14                       //  16 KiB pages
#   define u3a_page_bytes  (1U << u3a_page_bits)
#   define u3a_page_words  (u3a_page_bytes >> 2)
#   define u3a_unit_bytes  16                       //  allocation granule

  /** Nouns.
  ***
  ***   A noun is 32 bits.  Below 2^31 it is a direct atom.  Otherwise its
  ***   top two bits are 10 (indirect atom) or 11 (cell) and its low 30 bits
  ***   are a post (a word offset from the loom base) shifted right by 2:
  ***   every allocation is 16-byte aligned, so 30 bits reach 16 GiB.
  **/
    typedef c3_w u3_noun;
    typedef c3_w u3_weak;   //  a noun or u3_none
    typedef c3_w u3_atom;
    typedef c3_w u3_cell;
    typedef c3_w u3_post;   //  word offset from the loom base

#   define u3_none   ((u3_noun)0xffffffff)
#   define u3_nul    ((u3_noun)0)
#   define u3_yes    ((u3_noun)0)
#   define u3_no     ((u3_noun)1)

    //  the predicates are loobeans, as in vere: test with _() or c3y ==
#   define u3a_direct_max 0x7fffffffU
#   define u3a_is_cat(som)   __(((som) >> 31) == 0)   //  direct atom
#   define u3a_is_dog(som)   __(((som) >> 31) == 1)   //  indirect atom or cell
#   define u3a_is_pug(som)   __(((som) >> 30) == 2)   //  indirect atom
#   define u3a_is_pom(som)   __(((som) >> 30) == 3)   //  cell
#   define u3a_is_atom(som)  __(((som) >> 30) != 3)
#   define u3a_is_cell(som)  u3a_is_pom(som)
#   define u3ud(som)         u3a_is_atom(som)
#   define u3du(som)         u3a_is_cell(som)

    extern c3_w* u3_Loom;   //  the loom base as words

#   define u3a_outa(p)      ((c3_w*)(void*)(p) - u3_Loom)      //  ptr -> post
#   define u3a_into(x)      (u3_Loom + (x))                      //  post -> ptr
#   define u3a_to_off(som)  (((som) & 0x3fffffff) << 2)
#   define u3a_to_ptr(som)  (u3a_into(u3a_to_off(som)))
#   define u3a_to_pug(off)  ((u3_noun)(0x80000000 | ((off) >> 2)))
#   define u3a_to_pom(off)  ((u3_noun)(0xc0000000 | ((off) >> 2)))

    /* u3a_box: the header every allocation starts with.
    **   use_w is the refcount, never 0 while allocated: a free slot has 0.
    **   mug_w caches the 31-bit mug (0 if not yet computed).
    */
    typedef struct {
      c3_w use_w;
      c3_w mug_w;
    } u3a_box;

    /* u3a_atom: an indirect atom: len_w words, the last nonzero. */
    typedef struct {
      c3_w use_w;
      c3_w mug_w;
      c3_w len_w;
      c3_w buf_w[];
    } u3a_atom;

    /* u3a_cell: a cell, exactly 16 bytes. */
    typedef struct {
      c3_w    use_w;
      c3_w    mug_w;
      u3_noun hed;
      u3_noun tel;
    } u3a_cell;

  /** Pages.
  ***
  ***   One table for the whole loom holds a 16-byte entry per page, and a
  ***   bitmap holds one bit per page (set: a free page inside the heap of
  ***   a live road, which owns it; a road's bits are cleared when it
  ***   ends, u3a_free_forget).  Both live at the start of the home heap, so
  ***   free pages themselves carry no metadata and can be given back to the
  ***   OS at any time.  An entry is meaningful only while its page lies in
  ***   some road's heap; a road sets it when its heap grows over the page.
  **/
#   define u3a_pg_free 0    //  free page inside a heap (or gap)
#   define u3a_pg_meta 1    //  allocator metadata (page table, bitmap)
#   define u3a_pg_slot 2    //  slots of one size class
#   define u3a_pg_runh 3    //  first page of a run holding one large object
#   define u3a_pg_runt 4    //  later page of a run

    typedef struct {
      c3_y typ_y;   //  u3a_pg_*
      c3_y cls_y;   //  size class of a slot page
      c3_s liv_s;   //  live slots
      c3_s fre_s;   //  free-list head: slot index + 1, 0 if empty
      c3_s bum_s;   //  slots at and above this index were never used
      c3_w nex_w;   //  slot page: next partial page; run head: length
      c3_w pre_w;   //  slot page: previous partial page; run tail: head
    } u3a_page;

#   define u3a_classes 24   //  size classes; larger objects take runs

    extern u3a_page* u3a_Page;  //  the page table
    extern c3_d*     u3a_Free;  //  the free-page bitmap

  /** Roads.
  ***
  ***   A north road's heap is [mat_w, hat_w), growing up, and its stack
  ***   is [cap_w, ear_w), growing down; a south road mirrors this.  The
  ***   free gap lies between hat_w and cap_w.  Heap bounds are page-aligned.
  **/
    typedef struct u3a_road {
      struct u3a_road* par_u;   //  parent road, 0 on the home road
      c3_w*   mat_w;            //  heap base (north: low end; south: high end)
      c3_w*   hat_w;            //  heap frontier
      c3_w*   cap_w;            //  stack frontier
      c3_w*   ear_w;            //  stack base
      c3_o    nor_o;            //  c3y if the heap grows up
      c3_w    pat_w[u3a_classes];  //  partial slot pages per class, 0: none
      c3_w    fre_w;            //  free pages inside the heap
      c3_w    met_w;            //  metadata pages inside the heap
      c3_d    liv_d;            //  bytes in live allocations (slot sizes)
      c3_d    obj_d;            //  live allocations
      c3_w*   jlo_w;            //  while taking: junior heap [jlo_w, jhi_w)
      c3_w*   jhi_w;
      u3_noun roo;              //  a root the road's owner may keep
      c3_w    arm_w;            //  1 if esc_u is set (u3m_soft)
      c3_w    how_w;            //  mote of the last bail
      u3_noun tax;              //  bail detail (a noun, 0 if none)
      jmp_buf esc_u;            //  where a bail on this road lands
    } u3a_road;

    extern u3a_road* u3R;       //  the current road

  /** Statistics.
  **/
    typedef struct {
      c3_d heap_d;     //  bytes of heap (pages between mat and hat)
      c3_d live_d;     //  bytes in live allocations
      c3_d objs_d;     //  live allocations
      c3_d free_d;     //  bytes free inside the heap (slack + free pages)
      c3_w free_pages_w;  //  whole free pages inside the heap
      c3_w meta_pages_w;  //  metadata pages
      c3_d gap_d;      //  bytes between heap and stack
      c3_d stack_d;    //  bytes of stack in use
    } u3a_stats;

    /* u3a_stat(): fill *sat_u from road rod_u (0: the current road). */
    void
    u3a_stat(u3a_road* rod_u, u3a_stats* sat_u);

  /** Allocation.
  **/
    /* u3a_walloc(): allocate len_w words, 16-byte aligned.  Word 0 is set
    **   to 1 (the refcount) and word 1 to 0; a caller may overwrite both,
    **   but word 0 must stay nonzero while allocated.  Bails meme when the
    **   heap meets the stack.
    */
    c3_w*
    u3a_walloc(c3_w len_w);

    /* u3a_wfree(): free an allocation made by u3a_walloc on this road. */
    void
    u3a_wfree(c3_w* ptr_w);

    /* u3a_celloc(): allocate a 16-byte cell box (fast path). */
    u3a_cell*
    u3a_celloc(void);

    /* u3a_size(): usable words in the allocation at ptr_w. */
    c3_w
    u3a_size(c3_w* ptr_w);

    /* u3a_class_bytes(): slot size of class cls_w in bytes. */
    c3_w
    u3a_class_bytes(c3_w cls_w);

  /** Refcounts.
  **/
    /* u3a_on_road(): c3y if ptr lies in the current road's heap. */
    static inline c3_o
    u3a_on_road(const void* ptr_v)
    {
      const c3_w* ptr_w = (const c3_w*)ptr_v;
      return ( _(u3R->nor_o) )
             ? __((ptr_w >= u3R->mat_w) && (ptr_w < u3R->hat_w))
             : __((ptr_w >= u3R->hat_w) && (ptr_w < u3R->mat_w));
    }

    /* u3a_gain(), u3k(): add a reference (retains som, returns it). Senior
    **   nouns (not on the current road) are never touched.
    */
    static inline u3_noun
    u3a_gain(u3_noun som)
    {
      if ( _(u3a_is_dog(som)) ) {
        u3a_box* box_u = (u3a_box*)u3a_to_ptr(som);
        if ( _(u3a_on_road(box_u)) ) {
          box_u->use_w++;
        }
      }
      return som;
    }
#   define u3k(som) u3a_gain(som)

    /* u3a_lose(), u3z(): drop a reference (transfers som), freeing what
    **   reaches zero.  Iterative: any depth is safe.
    */
    void
    u3a_lose(u3_noun som);
#   define u3z(som) u3a_lose(som)

    /* u3a_use(): refcount of som (0 for direct atoms). */
    c3_w
    u3a_use(u3_noun som);

  /** The road stack: explicit stacks for algorithms over nouns.
  **/
    /* u3a_push(): push len_w words on the current road's stack. */
    void*
    u3a_push(c3_w len_w);

    /* u3a_pop(): pop len_w words. */
    void
    u3a_pop(c3_w len_w);

    /* u3a_peek(): the top len_w words. */
    void*
    u3a_peek(c3_w len_w);

  /** Taking a product up to the parent road.
  **/
    /* u3a_take_need(): what taking som (on the current road, retained)
    **   up to the parent will allocate: *byt_d bytes of slots, *pag_d pages
    **   of runs, *cel_d cells (the copy's stack depth is below that).  Marks
    **   the objects it counts (their refcounts are lost: the road is about
    **   to be left).
    */
    void
    u3a_take_need(u3_noun som, c3_d* byt_d, c3_d* pag_d, c3_d* cel_d);

    /* u3a_back_f: back the pages of [lo_w, hi_w) now, ahead of use; 0, or
    **   nonzero when they cannot be backed (no memory, a full disk).
    */
    typedef c3_i (*u3a_back_f)(c3_w* lo_w, c3_w* hi_w);

    /* u3a_backing(): register the hook that backs pages (0: none, every
    **   page counts as backed).  Persistence registers its own (lazy and
    **   swap-file pages): while u3a_take copies up, free pages inside the
    **   heap are used only if the hook can back them at once.
    */
    void
    u3a_backing(u3a_back_f bak_f);

    /* u3a_take(): copy som (transferred, junior) to the current road,
    **   sharing what is senior to the junior road and copying each
    **   distinct junior object once.  Used by u3m_love.
    */
    u3_noun
    u3a_take(u3_noun som);

  /** Mark/sweep: proving refcounts.
  **/
    /* u3a_mark_noun(): count one reference to som and everything below it
    **   on the current road (retains som).  Returns the bytes newly marked.
    */
    c3_d
    u3a_mark_noun(u3_noun som);

    typedef struct {
      c3_d leak_d;     //  allocations never marked
      c3_d leak_bytes_d;
      c3_d over_d;     //  refcount above the references found
      c3_d under_d;    //  refcount below the references found
      c3_d live_d;     //  allocations seen
    } u3a_sweep_report;

    /* u3a_sweep(): compare marks with refcounts on the current road, print
    **   each discrepancy (up to a few) when pri_o is c3y, and clear the marks.
    **   Returns c3y when no allocation leaked or is miscounted.
    */
    c3_o
    u3a_sweep(u3a_sweep_report* rep_u, c3_o pri_o);

  /** What an event touched, for releasing memory after it.
  ***
  ***   Everything below the home road lives in the home gap, and each
  ***   road uses its stretch of it contiguously from its two ends, so the
  ***   memory an event touched in the gap is [home hat, up_w) and
  ***   [dn_w, home cap): up_w is the highest frontier that grew up, dn_w
  ***   the lowest that grew down.  Runs of pages the home road frees are
  ***   noted (outside the loom) so that releasing them costs what the
  ***   event freed, not the heap's size; past u3a_touch_runs of them, the
  ***   release scans the heap's free-page bitmap instead.
  **/
#   define u3a_touch_runs 4096
    typedef struct {
      c3_w* up_w;      //  highest address reached growing up
      c3_w* dn_w;      //  lowest address reached growing down
      c3_w  num_w;     //  runs noted
      c3_w  nex_w;     //  next run to hand out
      c3_t  ovf_t;     //  more runs were freed than noted: scan the heap
      c3_t  mer_t;     //  the noted runs are sorted and merged
      c3_o  lis_o;     //  note freed runs (c3y while release is wanted)
      c3_w* fup_w;     //  as up_w and dn_w, but since inner roads last
      c3_w* fdn_w;     //  all ended (u3a_free_forget; 0: the whole loom)
      c3_w  ran_w[u3a_touch_runs][2];  //  (page, pages)
    } u3a_touch;

    extern u3a_touch u3a_Touch;

    /* u3a_touch_up(), u3a_touch_dn(): note a frontier's move. */
    static inline void
    u3a_touch_up(c3_w* ptr_w)
    {
      if ( ptr_w > u3a_Touch.up_w ) u3a_Touch.up_w = ptr_w;
      if ( ptr_w > u3a_Touch.fup_w ) u3a_Touch.fup_w = ptr_w;
    }
    static inline void
    u3a_touch_dn(c3_w* ptr_w)
    {
      if ( ptr_w < u3a_Touch.dn_w ) u3a_Touch.dn_w = ptr_w;
      if ( ptr_w < u3a_Touch.fdn_w ) u3a_Touch.fdn_w = ptr_w;
    }

    /* u3a_touch_window(): the window since the last reset: the highest
    **   address the heaps reached growing up, the lowest growing down.
    */
    static inline void
    u3a_touch_window(c3_w** up_w, c3_w** dn_w)
    {
      *up_w = u3a_Touch.up_w;
      *dn_w = u3a_Touch.dn_w;
    }

    /* u3a_touch_reset(): start a new window at the home road's frontiers. */
    void
    u3a_touch_reset(void);

    /* u3a_free_forget(): an inner road that spanned [lo_v, hi_v) has
    **   ended (u3R is its parent again): the free-page bits of its pages,
    **   and of roads inside it, are cleared where they are still the
    **   parent's gap, so that a set bit always means a free page inside a
    **   live road's heap (the parent's stack and heap grow over them).
    */
    void
    u3a_free_forget(const void* lo_v, const void* hi_v);

    /* u3a_free_low(): up to max_w of the lowest free pages inside the
    **   current road's heap, into pag_w; returns how many.
    */
    c3_w
    u3a_free_low(c3_w* pag_w, c3_w max_w);

    /* u3a_freed_next(): the next run of home-heap pages freed since the
    **   last reset that are still free and inside the heap; returns 0 when
    **   none is left, else 1 with [*pag_w, *pag_w + *len_w).
    */
    c3_t
    u3a_freed_next(c3_w* pag_w, c3_w* len_w);

  /** Internal, for manage.c.
  **/
    /* u3a_init_road(): set up an empty road's allocator state. */
    void
    u3a_init_road(u3a_road* rod_u);

    /* u3a_init_meta(): place the page table and bitmap at the start of
    **   the home heap for a loom of pag_w pages; returns pages used.
    */
    c3_w
    u3a_init_meta(u3a_road* rod_u, c3_w pag_w);

    /* u3a_attach(): find the page table and bitmap of a home road read
    **   from an image, and clear its volatile state (stack, bail).
    */
    void
    u3a_attach(u3a_road* rod_u, c3_w pag_w);

    /* u3a_meta_pages(): pages the metadata takes for a loom of pag_w pages. */
    c3_w
    u3a_meta_pages(c3_w pag_w);

    /* u3a_page_of(): page number of a loom pointer. */
#   define u3a_page_of(ptr) \
      ((c3_w)(((c3_y*)(void*)(ptr) - (c3_y*)u3_Loom) >> u3a_page_bits))
#   define u3a_page_ptr(pag_w) \
      ((c3_w*)((c3_y*)u3_Loom + ((c3_d)(pag_w) << u3a_page_bits)))

#endif  //  U3_ALLOCATE_H
