/// @file allocate.c
/// u3a: the page allocator of a road's heap, refcounts, taking a product
/// up to the parent road, and mark/sweep.
///
/// Pages.  A road's heap is a run of 16 KiB pages between its base (mat)
/// and its frontier (hat).  Every heap page is in one state, recorded in
/// the loom-wide page table (u3a_Page) and free-page bitmap (u3a_Free),
/// both of which live in metadata pages at the start of the home heap:
///
///   free  a whole page with nothing in it.  Its bitmap bit is set.  It
///         holds no metadata at all, so its contents may be discarded
///         (released to the OS, punched out of a swap file) at any time.
///         When a road ends, its bits are cleared (u3a_free_forget): the
///         parent's stack and heap grow over its pages, and a bit left
///         set would pass a live page off as free to the pager.
///   slot  equal slots of one size class (16 bytes to 8 KiB).  Free slots
///         form a list threaded through the slots themselves (word 0 is
///         0, word 1 the next free slot + 1); slots at or above the bump
///         index were never used and need no list.  A slot page with free
///         slots is on its class's partial list (links in the page table).
///   run   one large object over n contiguous pages (head + tails).
///   meta  the page table and bitmap themselves.
///
/// Invariants: the page next to the frontier is never free (freeing it
/// moves the frontier back instead), so the free pages counted in fre_w
/// all lie strictly inside the heap; a live allocation's word 0 (its
/// refcount) is never 0; every counter (liv_d, obj_d, fre_w) is exact,
/// which u3a_sweep checks.
///
/// Refcounts.  u3a_gain/u3a_lose touch only objects in the current road's
/// heap: nouns of senior roads are read-only from a junior road.  Freeing
/// a structure, copying a product up (u3a_take) and marking use explicit
/// stacks on the road, never C recursion.
#include <stdlib.h>
#include <string.h>

#include "c3/bitmap.h"
#include "noun/log.h"
#include "noun/allocate.h"
#include "noun/manage.h"
#include "noun/options.h"

c3_w*      u3_Loom  = (c3_w*)(void*)u3a_loom_base;
u3a_page*  u3a_Page;
c3_d*      u3a_Free;
u3a_road*  u3R;
u3a_touch  u3a_Touch;

static u3a_back_f _ca_back_f;    //  backs pages ahead of use, or 0
static c3_t       _ca_taking_t;  //  u3a_take is copying up

void
u3a_backing(u3a_back_f bak_f)
{
  _ca_back_f = bak_f;
}

  /** Size classes, in 16-byte units.
  **/
static const c3_s _ca_unit_s[u3a_classes] = {
  1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24,
  32, 40, 48, 64, 80, 96, 128, 160, 192, 256, 341, 512
};
#define _ca_unit_max 512
static c3_y _ca_class_y[_ca_unit_max + 1];   //  units -> class
//  slots in a page of each class, and ceil(2^32 / units), which divides by
//  the units (constants, so that a free needs no table built first; the
//  first road checks them)
static const c3_s _ca_slots_s[u3a_classes] = {
  1024, 512, 341, 256, 204, 170, 128, 102, 85, 64, 51, 42,
  32, 25, 21, 16, 12, 10, 8, 6, 5, 4, 3, 2
};
static const c3_d _ca_inv_d[u3a_classes] = {
  0x100000000, 0x80000000, 0x55555556, 0x40000000, 0x33333334, 0x2aaaaaab,
  0x20000000, 0x1999999a, 0x15555556, 0x10000000, 0xccccccd, 0xaaaaaab,
  0x8000000, 0x6666667, 0x5555556, 0x4000000, 0x3333334, 0x2aaaaab,
  0x2000000, 0x199999a, 0x1555556, 0x1000000, 0xc0300d, 0x800000
};
static c3_t _ca_ready_t;

/* _ca_classes_init(): build the units-to-class table; check the others. */
static void
_ca_classes_init(void)
{
  c3_w cls_w = 0;
  for ( c3_w uni_w = 1; uni_w <= _ca_unit_max; uni_w++ ) {
    while ( _ca_unit_s[cls_w] < uni_w ) {
      cls_w++;
    }
    _ca_class_y[uni_w] = (c3_y)cls_w;
  }
  _ca_class_y[0] = 0;
  for ( cls_w = 0; cls_w < u3a_classes; cls_w++ ) {
    c3_assert( _ca_slots_s[cls_w]
               == (u3a_page_bytes / u3a_unit_bytes) / _ca_unit_s[cls_w] );
    c3_assert( _ca_inv_d[cls_w]
               == ((((c3_d)1 << 32) + _ca_unit_s[cls_w] - 1) / _ca_unit_s[cls_w]) );
  }
  _ca_ready_t = 1;
}

/* _ca_slots(): slots in a page of class cls_w (a constant for cells). */
static inline c3_w
_ca_slots(c3_w cls_w)
{
  return ( 0 == cls_w ) ? (u3a_page_bytes / u3a_unit_bytes) : _ca_slots_s[cls_w];
}

/* _ca_slot_index(): the slot of class cls_w at word offset off_w in its
**   page.  off_w is a multiple of the slot's size, so multiplying by the
**   rounded-up reciprocal divides exactly (off_w is below 2^12).
*/
static inline c3_w
_ca_slot_index(c3_w off_w, c3_w cls_w)
{
  if ( 0 == cls_w ) {
    return off_w >> 2;
  }
  return (c3_w)(((c3_d)(off_w >> 2) * _ca_inv_d[cls_w]) >> 32);
}

c3_w
u3a_class_bytes(c3_w cls_w)
{
  return (c3_w)_ca_unit_s[cls_w] * u3a_unit_bytes;
}

  /** The free-page bitmap (u3a_Free, c3/bitmap.h).
  **/
#define _ca_bit(pag_w)              c3_bit_get(u3a_Free, pag_w)
#define _ca_bit_set(pag_w)          c3_bit_set(u3a_Free, pag_w)
#define _ca_bit_clear(pag_w)        c3_bit_clear(u3a_Free, pag_w)
#define _ca_bits_clear(pag_w, len_w) \
          c3_bits_put(u3a_Free, pag_w, (pag_w) + (len_w), 0)
#define _ca_find_set(lo_w, hi_w)    c3_bits_next(u3a_Free, lo_w, hi_w, 1)
#define _ca_find_clear(lo_w, hi_w)  c3_bits_next(u3a_Free, lo_w, hi_w, 0)
#define _ca_find_last_set(lo_w, hi_w)  c3_bits_last(u3a_Free, lo_w, hi_w)

static void _ca_bits_forget(c3_w lo_w, c3_w hi_w);

/* _ca_heap_pages(): the current road's heap as pages [*lo_w, *hi_w). */
static inline void
_ca_heap_pages(u3a_road* rod_u, c3_w* lo_w, c3_w* hi_w)
{
  if ( _(rod_u->nor_o) ) {
    *lo_w = u3a_page_of(rod_u->mat_w);
    *hi_w = u3a_page_of(rod_u->hat_w);
  }
  else {
    *lo_w = u3a_page_of(rod_u->hat_w);
    *hi_w = u3a_page_of(rod_u->mat_w);
  }
}

/* _ca_gap_pages(): the whole pages of rod_u's gap, between its heap's
**   frontier (page-aligned) and its stack, as [*lo_w, *hi_w).
*/
static inline void
_ca_gap_pages(const u3a_road* rod_u, c3_w* lo_w, c3_w* hi_w)
{
  c3_d msk_d = u3a_page_bytes - 1;

  if ( _(rod_u->nor_o) ) {
    *lo_w = u3a_page_of(rod_u->hat_w);
    *hi_w = u3a_page_of((c3_y*)((c3_d)(c3_y*)rod_u->cap_w & ~msk_d));
  }
  else {
    *lo_w = u3a_page_of((c3_y*)(((c3_d)(c3_y*)rod_u->cap_w + msk_d) & ~msk_d));
    *hi_w = u3a_page_of(rod_u->hat_w);
  }
  *hi_w = c3_max(*lo_w, *hi_w);
}

  /** Pages.
  **/
/* _ca_pages_find(): len_w contiguous free pages inside the heap, or 0. */
static c3_w
_ca_pages_find(c3_w len_w)
{
  c3_w lo_w, hi_w;

  _ca_heap_pages(u3R, &lo_w, &hi_w);

  if ( 1 == len_w ) {
    c3_w pag_w = _(u3R->nor_o) ? _ca_find_set(lo_w, hi_w)
                               : _ca_find_last_set(lo_w, hi_w);
    return ( pag_w < hi_w ) ? pag_w : 0;
  }
  else {
    c3_w pag_w = lo_w;
    while ( pag_w < hi_w ) {
      c3_w sat_w = _ca_find_set(pag_w, hi_w);
      if ( sat_w >= hi_w ) {
        return 0;
      }
      c3_w end_w = _ca_find_clear(sat_w, c3_min(hi_w, sat_w + len_w));
      if ( (end_w - sat_w) >= len_w ) {
        return sat_w;
      }
      pag_w = end_w;
    }
    return 0;
  }
}

/* _ca_pages_get(): len_w contiguous pages for the current road's heap,
**   reusing free pages inside it or moving the frontier.  Bails meme.
*/
static c3_w
_ca_pages_get(c3_w len_w)
{
  c3_w pag_w;

  if ( u3R->fre_w >= len_w ) {
    pag_w = _ca_pages_find(len_w);
    //  while taking up, a free page that cannot be backed now (a full
    //  disk under a swap file) is passed over for the frontier, which
    //  was backed before the take began
    if ( pag_w
         && !(_ca_taking_t && _ca_back_f
              && _ca_back_f(u3a_page_ptr(pag_w), u3a_page_ptr(pag_w + len_w))) )
    {
      _ca_bits_clear(pag_w, len_w);
      u3R->fre_w -= len_w;
      return pag_w;
    }
  }

  c3_d byt_d = (c3_d)len_w << u3a_page_bits;
  c3_d gap_d = _(u3R->nor_o)
               ? (c3_d)((c3_y*)u3R->cap_w - (c3_y*)u3R->hat_w)
               : (c3_d)((c3_y*)u3R->hat_w - (c3_y*)u3R->cap_w);
  if ( (u3R->cap_w < u3R->hat_w) == _(u3R->nor_o) || byt_d > gap_d ) {
    u3m_bail(c3__meme);
  }
  if ( _(u3R->nor_o) ) {
    pag_w = u3a_page_of(u3R->hat_w);
    u3R->hat_w = (c3_w*)((c3_y*)u3R->hat_w + byt_d);
    u3a_touch_up(u3R->hat_w);
  }
  else {
    u3R->hat_w = (c3_w*)((c3_y*)u3R->hat_w - byt_d);
    pag_w = u3a_page_of(u3R->hat_w);
    u3a_touch_dn(u3R->hat_w);
  }
  _ca_bits_clear(pag_w, len_w);
  return pag_w;
}

/* _ca_pages_put(): free len_w pages at pag_w; shrink the frontier over
**   any free pages next to it.
*/
static void
_ca_pages_put(c3_w pag_w, c3_w len_w)
{
  for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
    u3a_Page[pag_w + i_w].typ_y = u3a_pg_free;
    _ca_bit_set(pag_w + i_w);
  }
  u3R->fre_w += len_w;

  if ( !u3R->par_u && _(u3a_Touch.lis_o) ) {
    if ( u3a_Touch.num_w < u3a_touch_runs ) {
      u3a_Touch.ran_w[u3a_Touch.num_w][0] = pag_w;
      u3a_Touch.ran_w[u3a_Touch.num_w][1] = len_w;
      u3a_Touch.num_w++;
      u3a_Touch.mer_t = 0;
    }
    else {
      u3a_Touch.ovf_t = 1;
    }
  }

  if ( _(u3R->nor_o) ) {
    c3_w bot_w = u3a_page_of(u3R->mat_w);
    c3_w top_w = u3a_page_of(u3R->hat_w);
    u3a_touch_up(u3R->hat_w);
    while ( top_w > bot_w && _ca_bit(top_w - 1) ) {
      top_w--;
      _ca_bit_clear(top_w);
      u3R->fre_w--;
    }
    u3R->hat_w = u3a_page_ptr(top_w);
  }
  else {
    c3_w bot_w = u3a_page_of(u3R->hat_w);
    c3_w top_w = u3a_page_of(u3R->mat_w);
    u3a_touch_dn(u3R->hat_w);
    while ( bot_w < top_w && _ca_bit(bot_w) ) {
      _ca_bit_clear(bot_w);
      bot_w++;
      u3R->fre_w--;
    }
    u3R->hat_w = u3a_page_ptr(bot_w);
  }
}

/* _ca_partial_link(): put slot page pag_w at the head of its list. */
static inline void
_ca_partial_link(c3_w pag_w)
{
  u3a_page* pag_u = &u3a_Page[pag_w];
  c3_w      nex_w = u3R->pat_w[pag_u->cls_y];

  pag_u->pre_w = 0;
  pag_u->nex_w = nex_w;
  if ( nex_w ) {
    u3a_Page[nex_w].pre_w = pag_w;
  }
  u3R->pat_w[pag_u->cls_y] = pag_w;
}

/* _ca_partial_unlink(): take slot page pag_w off its list. */
static inline void
_ca_partial_unlink(c3_w pag_w)
{
  u3a_page* pag_u = &u3a_Page[pag_w];

  if ( pag_u->pre_w ) {
    u3a_Page[pag_u->pre_w].nex_w = pag_u->nex_w;
  }
  else {
    u3R->pat_w[pag_u->cls_y] = pag_u->nex_w;
  }
  if ( pag_u->nex_w ) {
    u3a_Page[pag_u->nex_w].pre_w = pag_u->pre_w;
  }
  pag_u->nex_w = pag_u->pre_w = 0;
}

/* _ca_slot_page(): a new slot page of class cls_w, on its partial list. */
static c3_w
_ca_slot_page(c3_w cls_w)
{
  c3_w      pag_w = _ca_pages_get(1);
  u3a_page* pag_u = &u3a_Page[pag_w];

  pag_u->typ_y = u3a_pg_slot;
  pag_u->cls_y = (c3_y)cls_w;
  pag_u->liv_s = 0;
  pag_u->fre_s = 0;
  pag_u->bum_s = 0;
  _ca_partial_link(pag_w);
  return pag_w;
}

/* _ca_slot_alloc(): a slot of class cls_w.  Inlined, so that a constant
**   class (cells) folds its size and count.
*/
static inline __attribute__((always_inline)) c3_w*
_ca_slot_alloc(c3_w cls_w)
{
  c3_w pag_w = u3R->pat_w[cls_w];
  u3a_page* pag_u;
  c3_w* ptr_w;
  c3_w  sot_w;

  if ( c3_unlikely(!pag_w) ) {
    pag_w = _ca_slot_page(cls_w);
  }
  pag_u = &u3a_Page[pag_w];
  //  the two counters apart (in different blocks): updated together, they
  //  are compiled to one 16-byte load and store, a slower chain from one
  //  allocation to the next
  u3R->obj_d++;

  c3_w wid_w = (c3_w)_ca_unit_s[cls_w] << 2;
  if ( pag_u->fre_s ) {
    sot_w = pag_u->fre_s - 1U;
    ptr_w = u3a_page_ptr(pag_w) + (sot_w * wid_w);
    pag_u->fre_s = (c3_s)ptr_w[1];
  }
  else {
    sot_w = pag_u->bum_s++;
    ptr_w = u3a_page_ptr(pag_w) + (sot_w * wid_w);
  }
  if ( ++pag_u->liv_s == _ca_slots(cls_w) ) {
    _ca_partial_unlink(pag_w);
  }
  u3R->liv_d += (c3_d)wid_w << 2;
  ptr_w[0] = 1;
  ptr_w[1] = 0;
  return ptr_w;
}

/* _ca_slot_turn(): slot page pag_w was full or is now empty: put it on
**   its partial list, or free it.  Out of line, to keep the free path short.
*/
static __attribute__((noinline)) void
_ca_slot_turn(c3_w pag_w, c3_t ful_t)
{
  u3a_page* pag_u = &u3a_Page[pag_w];

  if ( ful_t ) {
    if ( pag_u->liv_s ) {
      _ca_partial_link(pag_w);
    }
    else {
      pag_u->typ_y = u3a_pg_free;
      _ca_pages_put(pag_w, 1);
    }
  }
  else {
    _ca_partial_unlink(pag_w);
    _ca_pages_put(pag_w, 1);
  }
}

/* _ca_slot_free(): free the slot at ptr_w on slot page pag_w, of class
**   cls_w, but for the object count (the caller's, see _ca_slot_alloc).
**   Inlined, so that cells (class 0) fold their size and count.
*/
static inline __attribute__((always_inline)) void
_ca_slot_free(c3_w* ptr_w, c3_w pag_w, c3_w cls_w)
{
  u3a_page* pag_u = &u3a_Page[pag_w];
  c3_w      wid_w = (c3_w)_ca_unit_s[cls_w] << 2;
  c3_w      sot_w = _ca_slot_index((c3_w)(ptr_w - u3a_page_ptr(pag_w)), cls_w);
  c3_t      ful_t = (pag_u->liv_s == _ca_slots(cls_w));

  ptr_w[0] = 0;
  ptr_w[1] = pag_u->fre_s;
  pag_u->fre_s = (c3_s)(sot_w + 1);
  pag_u->liv_s--;
  u3R->liv_d -= (c3_d)wid_w << 2;

  if ( c3_unlikely(ful_t || !pag_u->liv_s) ) {
    _ca_slot_turn(pag_w, ful_t);
  }
}

c3_w*
u3a_walloc(c3_w len_w)
{
  c3_d byt_d = (c3_d)c3_max(len_w, 2) << 2;

  if ( byt_d <= (c3_d)_ca_unit_max * u3a_unit_bytes ) {
    c3_w uni_w = (c3_w)((byt_d + u3a_unit_bytes - 1) / u3a_unit_bytes);
    return _ca_slot_alloc(_ca_class_y[uni_w]);
  }
  else {
    c3_d num_d = c3_rop(byt_d, (c3_d)u3a_page_bytes);
    if ( num_d > u3C.pages_w ) {
      u3m_bail(c3__meme);
    }
    c3_w num_w = (c3_w)num_d;
    c3_w pag_w = _ca_pages_get(num_w);
    u3a_page* pag_u = &u3a_Page[pag_w];

    pag_u->typ_y = u3a_pg_runh;
    pag_u->nex_w = num_w;
    pag_u->pre_w = pag_w;
    for ( c3_w i_w = 1; i_w < num_w; i_w++ ) {
      u3a_Page[pag_w + i_w].typ_y = u3a_pg_runt;
      u3a_Page[pag_w + i_w].pre_w = pag_w;
    }
    u3R->liv_d += (c3_d)num_w << u3a_page_bits;
    u3R->obj_d++;

    c3_w* ptr_w = u3a_page_ptr(pag_w);
    ptr_w[0] = 1;
    ptr_w[1] = 0;
    return ptr_w;
  }
}

u3a_cell*
u3a_celloc(void)
{
  return (u3a_cell*)(void*)_ca_slot_alloc(0);
}

/* _ca_wfree_other(): free ptr_w on page pag_w, not a cell: a slot of a
**   larger class or a run of pages.  Out of line, so that the cells' path
**   in u3a_wfree stays short.
*/
static __attribute__((noinline)) void
_ca_wfree_other(c3_w* ptr_w, c3_w pag_w)
{
  u3a_page* pag_u = &u3a_Page[pag_w];

  if ( c3_likely(u3a_pg_slot == pag_u->typ_y) ) {
    u3R->obj_d--;
    _ca_slot_free(ptr_w, pag_w, pag_u->cls_y);
  }
  else {
    c3_assert( (u3a_pg_runh == pag_u->typ_y) && (ptr_w == u3a_page_ptr(pag_w)) );
    c3_w num_w = pag_u->nex_w;
    ptr_w[0] = 0;
    u3R->liv_d -= (c3_d)num_w << u3a_page_bits;
    u3R->obj_d--;
    _ca_pages_put(pag_w, num_w);
  }
}

void
u3a_wfree(c3_w* ptr_w)
{
  c3_w pag_w = u3a_page_of(ptr_w);
  u3a_page* pag_u = &u3a_Page[pag_w];

  if ( c3_likely(u3a_pg_slot == pag_u->typ_y && 0 == pag_u->cls_y) ) {
    u3R->obj_d--;
    _ca_slot_free(ptr_w, pag_w, 0);
  }
  else {
    _ca_wfree_other(ptr_w, pag_w);
  }
}

c3_w
u3a_size(c3_w* ptr_w)
{
  u3a_page* pag_u = &u3a_Page[u3a_page_of(ptr_w)];

  if ( u3a_pg_slot == pag_u->typ_y ) {
    return (c3_w)_ca_unit_s[pag_u->cls_y] << 2;
  }
  return pag_u->nex_w << (u3a_page_bits - 2);
}

  /** Roads' allocator state.
  **/
void
u3a_init_road(u3a_road* rod_u)
{
  if ( !_ca_ready_t ) {
    _ca_classes_init();
  }
  memset(rod_u->pat_w, 0, sizeof(rod_u->pat_w));
  rod_u->fre_w = 0;
  rod_u->met_w = 0;
  rod_u->liv_d = 0;
  rod_u->obj_d = 0;
  rod_u->jlo_w = rod_u->jhi_w = 0;
  rod_u->roo   = 0;
  rod_u->how_w = 0;
  rod_u->tax   = 0;
}

c3_w
u3a_meta_pages(c3_w pag_w)
{
  c3_d byt_d = ((c3_d)pag_w * sizeof(u3a_page)) + ((c3_d)c3_rop(pag_w, 64) * 8);
  return (c3_w)c3_rop(byt_d, (c3_d)u3a_page_bytes);
}

c3_w
u3a_init_meta(u3a_road* rod_u, c3_w pag_w)
{
  c3_w met_w = u3a_meta_pages(pag_w);
  c3_w bas_w = u3a_page_of(rod_u->mat_w);

  u3a_Page = (u3a_page*)(void*)u3a_page_ptr(bas_w);
  u3a_Free = (c3_d*)(void*)((c3_y*)u3a_Page + ((c3_d)pag_w * sizeof(u3a_page)));

  for ( c3_w i_w = 0; i_w < met_w; i_w++ ) {
    u3a_Page[bas_w + i_w].typ_y = u3a_pg_meta;
  }
  rod_u->met_w = met_w;
  rod_u->hat_w = u3a_page_ptr(bas_w + met_w);
  return met_w;
}

void
u3a_attach(u3a_road* rod_u, c3_w pag_w)
{
  if ( !_ca_ready_t ) {
    _ca_classes_init();
  }
  u3a_Page = (u3a_page*)(void*)rod_u->mat_w;
  u3a_Free = (c3_d*)(void*)((c3_y*)u3a_Page + ((c3_d)pag_w * sizeof(u3a_page)));
  rod_u->cap_w = rod_u->ear_w;
  rod_u->jlo_w = rod_u->jhi_w = 0;
  rod_u->arm_w = 0;
  rod_u->how_w = 0;
  rod_u->tax   = 0;
  //  no road is left inside the gap: an image saved by a runtime that
  //  kept an ended road's bits may still hold some
  {
    c3_w lo_w, hi_w;
    _ca_gap_pages(rod_u, &lo_w, &hi_w);
    _ca_bits_forget(lo_w, hi_w);
  }
}

void
u3a_stat(u3a_road* rod_u, u3a_stats* sat_u)
{
  if ( !rod_u ) {
    rod_u = u3R;
  }
  c3_y* mat_y = (c3_y*)rod_u->mat_w;
  c3_y* hat_y = (c3_y*)rod_u->hat_w;
  c3_y* cap_y = (c3_y*)rod_u->cap_w;
  c3_y* ear_y = (c3_y*)rod_u->ear_w;

  if ( _(rod_u->nor_o) ) {
    sat_u->heap_d  = (c3_d)(hat_y - mat_y);
    sat_u->gap_d   = (cap_y > hat_y) ? (c3_d)(cap_y - hat_y) : 0;
    sat_u->stack_d = (c3_d)(ear_y - cap_y);
  }
  else {
    sat_u->heap_d  = (c3_d)(mat_y - hat_y);
    sat_u->gap_d   = (hat_y > cap_y) ? (c3_d)(hat_y - cap_y) : 0;
    sat_u->stack_d = (c3_d)(cap_y - ear_y);
  }
  sat_u->live_d       = rod_u->liv_d;
  sat_u->objs_d       = rod_u->obj_d;
  sat_u->free_pages_w = rod_u->fre_w;
  sat_u->meta_pages_w = rod_u->met_w;
  sat_u->free_d       = sat_u->heap_d
                        - ((c3_d)rod_u->met_w << u3a_page_bits)
                        - rod_u->liv_d;
}

/* _ca_home(): the home road. */
static u3a_road*
_ca_home(void)
{
  u3a_road* hom_u = u3R;
  while ( hom_u->par_u ) {
    hom_u = hom_u->par_u;
  }
  return hom_u;
}

void
u3a_touch_reset(void)
{
  u3a_road* hom_u = _ca_home();
  u3a_Touch.up_w  = hom_u->hat_w;
  u3a_Touch.dn_w  = hom_u->cap_w;
  u3a_Touch.num_w = 0;
  u3a_Touch.nex_w = 0;
  u3a_Touch.ovf_t = 0;
  u3a_Touch.mer_t = 0;
}

/* _ca_bits_forget(): clear the free-page bits set in [lo_w, hi_w),
**   writing only the words with a bit set: a clean page of the bitmap
**   stays clean.
*/
static void
_ca_bits_forget(c3_w lo_w, c3_w hi_w)
{
  c3_w pag_w = ( lo_w < hi_w ) ? _ca_find_set(lo_w, hi_w) : hi_w;

  while ( pag_w < hi_w ) {
    c3_w end_w = _ca_find_clear(pag_w, hi_w);
    _ca_bits_clear(pag_w, end_w - pag_w);
    pag_w = _ca_find_set(end_w, hi_w);
  }
}

void
u3a_free_forget(const void* lo_v, const void* hi_v)
{
  c3_d pag_d = u3a_page_bytes;
  c3_w bot_w, top_w, lo_w, hi_w, fup_w, fdn_w;

  //  the span's whole pages, clipped to the current road's gap: a
  //  frontier that grew into the span (while a product was taken up)
  //  keeps its own, clear, bits
  _ca_gap_pages(u3R, &bot_w, &top_w);
  lo_w = c3_max(bot_w, u3a_page_of((const c3_y*)lo_v + pag_d - 1));
  hi_w = c3_min(top_w, u3a_page_of(hi_v));
  if ( hi_w <= lo_w ) {
    return;
  }
  //  only where a heap may have been: below the highest address a
  //  frontier reached growing up, above the lowest one growing down,
  //  since inner roads last all ended (the span is mostly a gap no road
  //  ever reached: a 16 GiB loom's is a million pages).  0, as at the
  //  start, is below the loom: nothing up, everything down
  fup_w = ( u3a_Touch.fup_w <= u3a_page_ptr(lo_w) ) ? lo_w
        : c3_min(hi_w, u3a_page_of((c3_y*)u3a_Touch.fup_w + pag_d - 1));
  fdn_w = ( u3a_Touch.fdn_w <= u3a_page_ptr(lo_w) ) ? lo_w
        : c3_min(hi_w, u3a_page_of(u3a_Touch.fdn_w));
  if ( fup_w >= fdn_w ) {
    _ca_bits_forget(lo_w, hi_w);
  }
  else {
    _ca_bits_forget(lo_w, fup_w);
    _ca_bits_forget(fdn_w, hi_w);
  }
  if ( !u3R->par_u ) {
    //  back on the home road: no inner road is left
    u3a_Touch.fup_w = u3R->hat_w;
    u3a_Touch.fdn_w = u3R->cap_w;
  }
}

c3_w
u3a_free_low(c3_w* pag_w, c3_w max_w)
{
  c3_w lo_w, hi_w, num_w = 0;

  _ca_heap_pages(u3R, &lo_w, &hi_w);
  while ( num_w < max_w && lo_w < hi_w ) {
    c3_w nex_w = _ca_find_set(lo_w, hi_w);
    if ( nex_w >= hi_w ) {
      break;
    }
    pag_w[num_w++] = nex_w;
    lo_w = nex_w + 1;
  }
  return num_w;
}

/* _ca_run_cmp(): qsort's order of noted runs: by first page. */
static c3_i
_ca_run_cmp(const void* a_v, const void* b_v)
{
  c3_w a_w = ((const c3_w*)a_v)[0], b_w = ((const c3_w*)b_v)[0];
  return ( a_w > b_w ) - ( a_w < b_w );
}

/* _ca_touch_merge(): sort the noted runs by page and merge those that
**   overlap or touch, so that a free stretch freed in pieces, in any
**   order, is handed out whole.
*/
static void
_ca_touch_merge(void)
{
  c3_w (*ran_w)[2] = u3a_Touch.ran_w;
  c3_w num_w = u3a_Touch.num_w;
  c3_w out_w = 0;

  qsort(ran_w, num_w, sizeof(ran_w[0]), _ca_run_cmp);
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    if ( out_w && ran_w[i_w][0] <= ran_w[out_w - 1][0] + ran_w[out_w - 1][1] ) {
      c3_w end_w = c3_max(ran_w[out_w - 1][0] + ran_w[out_w - 1][1],
                          ran_w[i_w][0] + ran_w[i_w][1]);
      ran_w[out_w - 1][1] = end_w - ran_w[out_w - 1][0];
    }
    else {
      ran_w[out_w][0] = ran_w[i_w][0];
      ran_w[out_w][1] = ran_w[i_w][1];
      out_w++;
    }
  }
  u3a_Touch.num_w = out_w;
}

c3_t
u3a_freed_next(c3_w* pag_w, c3_w* len_w)
{
  u3a_road* hom_u = _ca_home();
  c3_w bot_w = u3a_page_of(hom_u->mat_w);
  c3_w top_w = u3a_page_of(hom_u->hat_w);

  //  once per reset: a stretch handed out leaves its run shortened in
  //  place, and the next call resumes there
  if ( !u3a_Touch.ovf_t && !u3a_Touch.mer_t ) {
    _ca_touch_merge();
    u3a_Touch.mer_t = 1;
  }
  if ( u3a_Touch.ovf_t ) {
    //  too many runs to have noted: one pass over the whole bitmap
    u3a_Touch.ovf_t = 0;
    u3a_Touch.num_w = 1;
    u3a_Touch.nex_w = 0;
    u3a_Touch.ran_w[0][0] = bot_w;
    u3a_Touch.ran_w[0][1] = top_w - bot_w;
  }
  while ( u3a_Touch.nex_w < u3a_Touch.num_w ) {
    c3_w* ran_w = u3a_Touch.ran_w[u3a_Touch.nex_w];
    c3_w  cur_w = ran_w[0];
    c3_w  end_w;

    if ( cur_w < bot_w ) {
      cur_w = bot_w;
    }
    end_w = c3_min(ran_w[0] + ran_w[1], top_w);
    if ( cur_w < end_w ) {
      c3_w sat_w = _ca_find_set(cur_w, end_w);
      if ( sat_w < end_w ) {
        c3_w fin_w = _ca_find_clear(sat_w, end_w);
        //  resume after this stretch next time
        ran_w[1] = (ran_w[0] + ran_w[1]) - fin_w;
        ran_w[0] = fin_w;
        *pag_w = sat_w;
        *len_w = fin_w - sat_w;
        return 1;
      }
    }
    u3a_Touch.nex_w++;
  }
  return 0;
}

  /** The road stack.
  **/
void*
u3a_push(c3_w len_w)
{
  if ( _(u3R->nor_o) ) {
    c3_w* cap_w = u3R->cap_w - len_w;
    if ( c3_unlikely(cap_w < u3R->hat_w || cap_w > u3R->cap_w) ) {
      u3m_bail(c3__meme);
    }
    u3R->cap_w = cap_w;
    u3a_touch_dn(cap_w);
    return cap_w;
  }
  else {
    c3_w* ret_w = u3R->cap_w;
    if ( c3_unlikely((c3_d)(u3R->hat_w - ret_w) < len_w || ret_w > u3R->hat_w) ) {
      u3m_bail(c3__meme);
    }
    u3R->cap_w = ret_w + len_w;
    u3a_touch_up(u3R->cap_w);
    return ret_w;
  }
}

void
u3a_pop(c3_w len_w)
{
  if ( _(u3R->nor_o) ) {
    u3R->cap_w += len_w;
  }
  else {
    u3R->cap_w -= len_w;
  }
}

void*
u3a_peek(c3_w len_w)
{
  return _(u3R->nor_o) ? (void*)u3R->cap_w : (void*)(u3R->cap_w - len_w);
}

  /** Refcounts.
  **/
void
u3a_lose(u3_noun som)
{
  c3_w* bas_w = u3R->cap_w;

  while ( 1 ) {
    if ( _(u3a_is_dog(som)) ) {
      u3a_box* box_u = (u3a_box*)(void*)u3a_to_ptr(som);

      if ( _(u3a_on_road(box_u)) ) {
        c3_assert( box_u->use_w );
        if ( 0 == --box_u->use_w ) {
          if ( _(u3a_is_pom(som)) ) {
            u3a_cell* cel_u = (u3a_cell*)(void*)box_u;
            u3_noun   hed   = cel_u->hed;
            u3_noun   tel   = cel_u->tel;

            u3a_wfree((c3_w*)(void*)box_u);
            //  the head first, as a fold reads it (and as vere frees):
            //  a list of structures is freed in one pass in the order it
            //  was read, and the stack holds one tail per level, where
            //  freeing the spine first held every item at once and read
            //  the whole structure twice (under a cap, twice from disk)
            if ( _(u3a_is_dog(hed)) ) {
              if ( _(u3a_is_dog(tel)) ) {
                *(u3_noun*)u3a_push(1) = tel;
              }
              som = hed;
            }
            else {
              som = tel;
            }
            continue;
          }
          u3a_wfree((c3_w*)(void*)box_u);
        }
      }
    }
    if ( u3R->cap_w == bas_w ) {
      return;
    }
    som = *(u3_noun*)u3a_peek(1);
    u3a_pop(1);
  }
}

c3_w
u3a_use(u3_noun som)
{
  return _(u3a_is_dog(som)) ? ((u3a_box*)(void*)u3a_to_ptr(som))->use_w : 0;
}

  /** Taking a product up.
  **/
/* _ca_junior(): c3y if som lives in the junior heap being taken from. */
static inline c3_t
_ca_junior(u3_noun som)
{
  c3_w* ptr_w = u3a_to_ptr(som);
  return _(u3a_is_dog(som)) && (ptr_w >= u3R->jlo_w) && (ptr_w < u3R->jhi_w);
}

/* _ca_take_leaf(): take som if it needs no descent; u3_none if it does. */
static inline u3_weak
_ca_take_leaf(u3_noun som)
{
  if ( !_ca_junior(som) ) {
    return u3k(som);
  }
  u3a_box* box_u = (u3a_box*)(void*)u3a_to_ptr(som);

  if ( 0 == box_u->use_w ) {
    //  already copied: the copy is forwarded in the mug slot
    return u3k(box_u->mug_w);
  }
  if ( _(u3a_is_pug(som)) ) {
    u3a_atom* old_u = (u3a_atom*)(void*)box_u;
    c3_w*     new_w = u3a_walloc(3 + old_u->len_w);
    u3a_atom* new_u = (u3a_atom*)(void*)new_w;

    new_u->use_w = 1;
    new_u->mug_w = old_u->mug_w;
    new_u->len_w = old_u->len_w;
    memcpy(new_u->buf_w, old_u->buf_w, (c3_z)old_u->len_w << 2);

    u3_noun pro = u3a_to_pug(u3a_outa(new_w));
    old_u->use_w = 0;
    old_u->mug_w = pro;
    return pro;
  }
  return u3_none;
}

void
u3a_take_need(u3_noun som, c3_d* byt_d, c3_d* pag_d, c3_d* cel_d)
{
  c3_w* bas_w = u3R->cap_w;

  *byt_d = *pag_d = *cel_d = 0;
  while ( 1 ) {
    if ( _(u3a_is_dog(som)) ) {
      u3a_box* box_u = (u3a_box*)(void*)u3a_to_ptr(som);

      if ( _(u3a_on_road(box_u)) && 0xffffffff != box_u->use_w ) {
        c3_w wor_w = u3a_size((c3_w*)(void*)box_u);

        box_u->use_w = 0xffffffff;
        if ( wor_w > (u3a_class_bytes(u3a_classes - 1) >> 2) ) {
          *pag_d += c3_rop((c3_d)wor_w << 2, (c3_d)u3a_page_bytes);
        }
        else {
          *byt_d += (c3_d)wor_w << 2;
        }
        if ( _(u3a_is_pom(som)) ) {
          u3a_cell* cel_u = (u3a_cell*)(void*)box_u;
          (*cel_d)++;
          *(u3_noun*)u3a_push(1) = cel_u->tel;
          som = cel_u->hed;
          continue;
        }
      }
    }
    if ( u3R->cap_w == bas_w ) {
      return;
    }
    som = *(u3_noun*)u3a_peek(1);
    u3a_pop(1);
  }
}

typedef struct {
  u3_noun old;    //  the junior cell
  u3_noun hed;    //  its head, taken (u3_none until then)
} _ca_take_frame;

/* _ca_take(): u3a_take's copy. */
static u3_noun
_ca_take(u3_noun som)
{
  c3_w*   bas_w = u3R->cap_w;
  c3_w    fam_w = c3_wiseof(_ca_take_frame);
  u3_noun pro;

  while ( 1 ) {
    //  descend
    //
    while ( u3_none == (pro = _ca_take_leaf(som)) ) {
      _ca_take_frame* fam_u = u3a_push(fam_w);
      fam_u->old = som;
      fam_u->hed = u3_none;
      som = ((u3a_cell*)(void*)u3a_to_ptr(som))->hed;
    }

    //  ascend
    //
    while ( 1 ) {
      if ( u3R->cap_w == bas_w ) {
        return pro;
      }
      _ca_take_frame* fam_u = u3a_peek(fam_w);
      u3a_cell*       old_u = (u3a_cell*)(void*)u3a_to_ptr(fam_u->old);

      if ( u3_none == fam_u->hed ) {
        fam_u->hed = pro;
        som = old_u->tel;
        break;
      }
      else {
        u3a_cell* new_u = u3a_celloc();
        new_u->use_w = 1;
        new_u->mug_w = old_u->mug_w;
        new_u->hed   = fam_u->hed;
        new_u->tel   = pro;
        pro = u3a_to_pom(u3a_outa(new_u));
        old_u->use_w = 0;
        old_u->mug_w = pro;
        u3a_pop(fam_w);
      }
    }
  }
}

u3_noun
u3a_take(u3_noun som)
{
  u3_noun pro;

  _ca_taking_t = 1;
  pro = _ca_take(som);
  _ca_taking_t = 0;
  return pro;
}

  /** Mark/sweep.
  ***
  ***   Marking counts, in each reached object's mug slot (top bit set as
  ***   the mark), the references found to it; the sweep compares them
  ***   with the refcounts, reports, and clears the mug slots (mugs are
  ***   recomputed on demand).
  **/
#define _ca_mark_bit 0x80000000U

c3_d
u3a_mark_noun(u3_noun som)
{
  c3_w* bas_w = u3R->cap_w;
  c3_d  siz_d = 0;

  while ( 1 ) {
    if ( _(u3a_is_dog(som)) ) {
      u3a_box* box_u = (u3a_box*)(void*)u3a_to_ptr(som);

      if ( _(u3a_on_road(box_u)) ) {
        if ( box_u->mug_w & _ca_mark_bit ) {
          box_u->mug_w++;
        }
        else {
          box_u->mug_w = _ca_mark_bit | 1;
          siz_d += (c3_d)u3a_size((c3_w*)(void*)box_u) << 2;
          if ( _(u3a_is_pom(som)) ) {
            u3a_cell* cel_u = (u3a_cell*)(void*)box_u;
            *(u3_noun*)u3a_push(1) = cel_u->tel;
            som = cel_u->hed;
            continue;
          }
        }
      }
    }
    if ( u3R->cap_w == bas_w ) {
      return siz_d;
    }
    som = *(u3_noun*)u3a_peek(1);
    u3a_pop(1);
  }
}

/* _ca_sweep_box(): check one allocation of siz_d bytes. */
static void
_ca_sweep_box(u3a_box* box_u, c3_d siz_d, u3a_sweep_report* rep_u, c3_o pri_o)
{
  rep_u->live_d++;
  if ( box_u->mug_w & _ca_mark_bit ) {
    c3_w ref_w = box_u->mug_w & ~_ca_mark_bit;
    if ( box_u->use_w != ref_w ) {
      if ( box_u->use_w > ref_w ) {
        rep_u->over_d++;
      }
      else {
        rep_u->under_d++;
      }
      if ( _(pri_o) && (rep_u->over_d + rep_u->under_d) <= 8 ) {
        u3l_log("loom: refcount of post 0x%llx is %u, found %u references\n",
                (unsigned long long)u3a_outa(box_u), box_u->use_w, ref_w);
      }
    }
    box_u->mug_w = 0;
  }
  else {
    rep_u->leak_d++;
    rep_u->leak_bytes_d += siz_d;
    if ( _(pri_o) && rep_u->leak_d <= 8 ) {
      c3_w* ptr_w = (c3_w*)(void*)box_u;
      u3l_log("loom: leak at post 0x%llx, %llu bytes, use %u: %08x %08x\n",
              (unsigned long long)u3a_outa(box_u), (unsigned long long)siz_d,
              box_u->use_w, ptr_w[2], ptr_w[3]);
    }
  }
}

/* _ca_sweep_bits(): report the pages of [lo_w, hi_w) marked free that
**   must not be: every one (the road's gap), or with run_t a run's tail
**   pages (the heap, whose other pages the sweep checks one by one); the
**   first 8 reports, counted in *nun_w, are logged.
*/
static void
_ca_sweep_bits(c3_w lo_w, c3_w hi_w, c3_t run_t, c3_w* nun_w,
               u3a_sweep_report* rep_u)
{
  for ( c3_w pag_w = ( lo_w < hi_w ) ? _ca_find_set(lo_w, hi_w) : hi_w;
        pag_w < hi_w;
        pag_w = _ca_find_set(pag_w + 1, hi_w) )
  {
    if ( run_t && u3a_pg_runt != u3a_Page[pag_w].typ_y ) {
      continue;
    }
    if ( (*nun_w)++ < 8 ) {
      u3l_log("loom: page %u %s is marked free in the bitmap\n", pag_w,
              run_t ? "of a run" : "outside the heap");
    }
    rep_u->under_d++;
  }
}

c3_o
u3a_sweep(u3a_sweep_report* rep_u, c3_o pri_o)
{
  u3a_sweep_report tmp_u;
  c3_w lo_w, hi_w, fre_w = 0;
  c3_d byt_d = 0;

  if ( !rep_u ) {
    rep_u = &tmp_u;
  }
  memset(rep_u, 0, sizeof(*rep_u));
  _ca_heap_pages(u3R, &lo_w, &hi_w);

  for ( c3_w pag_w = lo_w; pag_w < hi_w; pag_w++ ) {
    u3a_page* pag_u = &u3a_Page[pag_w];

    if ( u3a_pg_free != pag_u->typ_y && _ca_bit(pag_w) ) {
      //  (a run's tail pages, skipped below, are checked by the scan after)
      u3l_log("loom: page %u is in use but marked free in the bitmap\n", pag_w);
      rep_u->under_d++;
    }
    switch ( pag_u->typ_y ) {
      case u3a_pg_slot: {
        c3_w wid_w = (c3_w)_ca_unit_s[pag_u->cls_y] << 2;
        c3_w liv_w = 0;
        for ( c3_w sot_w = 0; sot_w < pag_u->bum_s; sot_w++ ) {
          c3_w* ptr_w = u3a_page_ptr(pag_w) + (sot_w * wid_w);
          if ( ptr_w[0] ) {
            liv_w++;
            byt_d += (c3_d)wid_w << 2;
            _ca_sweep_box((u3a_box*)(void*)ptr_w, (c3_d)wid_w << 2, rep_u, pri_o);
          }
        }
        if ( liv_w != pag_u->liv_s ) {
          u3l_log("loom: page %u holds %u objects, table says %u\n",
                  pag_w, liv_w, pag_u->liv_s);
          rep_u->under_d++;
        }
      } break;

      case u3a_pg_runh: {
        c3_d siz_d = (c3_d)pag_u->nex_w << u3a_page_bits;
        byt_d += siz_d;
        _ca_sweep_box((u3a_box*)(void*)u3a_page_ptr(pag_w), siz_d, rep_u, pri_o);
        pag_w += pag_u->nex_w - 1;
      } break;

      case u3a_pg_free: {
        if ( !_ca_bit(pag_w) ) {
          u3l_log("loom: free page %u not in the bitmap\n", pag_w);
          rep_u->under_d++;
        }
        fre_w++;
      } break;

      default: break;
    }
  }
  //  a set bit means a free page inside a live road's heap: none in the
  //  heap's used pages nor in the road's gap (where the pager would take
  //  a bit left by an ended road, or a run's page, for a free page and
  //  punch it)
  {
    c3_w nun_w = 0;
    c3_w bot_w, top_w;

    _ca_gap_pages(u3R, &bot_w, &top_w);
    _ca_sweep_bits(bot_w, top_w, 0, &nun_w, rep_u);
    _ca_sweep_bits(lo_w, hi_w, 1, &nun_w, rep_u);
  }

  if ( byt_d != u3R->liv_d || rep_u->live_d != u3R->obj_d || fre_w != u3R->fre_w ) {
    u3l_log("loom: counters disagree: live bytes %llu/%llu, "
            "objects %llu/%llu, free pages %u/%u\n",
            (unsigned long long)byt_d, (unsigned long long)u3R->liv_d,
            (unsigned long long)rep_u->live_d, (unsigned long long)u3R->obj_d,
            fre_w, u3R->fre_w);
    rep_u->under_d++;
  }
  return __(!rep_u->leak_d && !rep_u->over_d && !rep_u->under_d);
}
