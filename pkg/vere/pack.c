/// @file pack.c
/// `urbit pack PIER`: compact the home road's heap in place, so that the
/// heap, and the image the final save writes, shrink to the live bytes.
///
/// The tool runs on a stopped pier's loom, on the home road, after the
/// start (lock, verification, replay) and before the final save, which
/// commits the packed heap like any snapshot: a crash or `kill -9` at any
/// moment leaves the old image or the new one, never a mix.  Nothing is
/// saved when pack fails or is interrupted (it returns -1).
///
/// Layout after a pack.  The metadata pages stay first.  Every size class
/// holds its live slots in ceil(live / slots per page) pages, all full but
/// the last, whose live slots are its lowest ones (its bump index, no free
/// list); page runs keep their lengths; no free page is left inside the
/// heap, whose frontier drops to the metadata plus those pages.  Objects
/// keep their order: within a class, a slot's new place is its rank among
/// the class's live slots in address order; a page (a class's kept page,
/// or a run) keeps its rank among the pages left.  So a packed heap packs
/// to itself, and a second pack changes no byte.
///
/// Passes, each in address order, so that under the pager's cap the loom
/// streams through memory instead of thrashing:
///
///   1. scan: every slot page's live slots (word 0 nonzero) into a bitmap,
///      and each page's rank base (live slots of its class below it); runs
///      and the page table checked.  Then, from the tables alone, the new
///      page of every page that stays (a class's first pages, every run).
///   2. mark: which slots of the 16-byte class are cells (a 16-byte slot
///      may be a cell or a one-word atom, and only the reference to it
///      says which): a depth-first walk from the roots over cells only
///      (atoms are never read), on a stack of fixed size outside the loom;
///      when it fills, the walk goes on and later passes over the marked
///      cells find what was left out, until one marks nothing new.
///   3. move: every live object to its new place, the fields of each cell
///      rewritten on the way (a reference's new place is computed from the
///      tables alone, wherever its object is), then the roots.  A new
///      place is never above the old one and everything below the page
///      being read has been read already, so the copy is safe in place.
///   4. the page table, the free-page bitmap, the partial lists and the
///      frontier rebuilt; the counters of live bytes and objects are
///      unchanged, free pages become 0.
///
/// A word is written only when it changes, so pages that stay as they
/// were stay clean and are not saved.  Clean image pages read are
/// dropped behind each pass (every 4 MiB; during the mark, every 65,536
/// cells): the pager bounds only written pages, and a pass over a file
/// mapping would otherwise leave the whole image resident.  The free-page bitmap is cleared
/// below the new frontier before anything moves, so the pager never takes
/// a destination page for a dead one.
///
/// These tables come out of the tool's cap (u3_pier_tool_room): the
/// pager's cap is lowered by their size once they are allocated.
///
/// Memory outside the loom: 16 bytes per heap page (rank base, class
/// index, new page, bitmap index: 1/1024 of the heap), 4 bytes per slot
/// page (each class's new pages), two bits per slot of every slot page
/// (live, cell): at most 1/64 of the slot pages' bytes (all 16-byte
/// slots), nothing for page runs; and a 4 MiB mark stack.  On a 1 GiB
/// heap that is at most 1 + 16 + 4 MiB, and about 1 MiB + 4 MiB + 1/64
/// of the slot pages in practice (most bytes are in page runs).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c3/bitmap.h"
#include "c3/clock.h"
#include "noun/noun.h"
#include "noun/events.h"
#include "vere/mem.h"
#include "vere/pack.h"
#include "vere/pier.h"

#define _cp_stack_max (1U << 20)   //  mark stack entries (4 MiB)
#define _cp_drop_pages 256          //  clean pages read are dropped this
                                    //  often (4 MiB)

/* _cp_page: what pack knows of one heap page. */
typedef struct {
  c3_w ran_w;     //  slot page: live slots of its class in earlier pages
  c3_w cid_w;     //  slot page: its index among its class's pages
  c3_w new_w;     //  page kept (slot page or run head): its new page
  c3_w bix_w;     //  slot page: first word of its bits in _cp_pack.liv_d
} _cp_page;

/* _cp_pack: the tables and figures of one pack. */
typedef struct {
  c3_w      bot_w, top_w;        //  heap pages [bot_w, top_w)
  c3_w      met_w;               //  metadata pages at bot_w
  c3_w      fin_w;               //  new frontier page
  _cp_page* pag_u;               //  per heap page, index page - bot_w
  c3_d*     liv_d;               //  slot pages' live bits
  c3_d*     cel_d;               //  per 16-byte slot: a cell (same index)
  c3_w      bis_w;               //  words in liv_d (and cel_d)
  c3_w*     cpg_w;               //  per class, its new pages in order
  c3_w      cof_w[u3a_classes];  //  class's first entry in cpg_w
  c3_d      lic_d[u3a_classes];  //  live slots per class
  c3_w      npg_w[u3a_classes];  //  pages per class, before
  c3_w      kep_w[u3a_classes];  //  pages per class, after
  u3_noun*  sak_u;               //  mark stack
  c3_w      sap_w;               //  its depth
  c3_t      ovf_t;               //  the stack overflowed: pass again
  c3_d      mov_d;               //  objects moved
  c3_d      pmv_d;               //  pages moved
  c3_d      mar_d;               //  cells marked
  c3_d      pop_d;               //  cells descended into
  c3_d      sat_d;               //  start (ns)
  c3_d      pro_d;               //  last progress line (ns)
  c3_d      pas_d;               //  start of the current pass (ns)
  c3_o      qui_o;
} _cp_pack;

/* _cp_spp(): slots in a page of class cls_w. */
static inline c3_w
_cp_spp(c3_w cls_w)
{
  return u3a_page_bytes / u3a_class_bytes(cls_w);
}

/* _cp_wid(): words in a slot of class cls_w. */
static inline c3_w
_cp_wid(c3_w cls_w)
{
  return u3a_class_bytes(cls_w) >> 2;
}

/* _cp_progress(): at most a line a second once pack has run two seconds. */
static void
_cp_progress(_cp_pack* pac_u, const c3_c* pas_c, c3_d don_d, c3_d all_d)
{
  c3_d now_d = c3_nanos();

  if ( _(pac_u->qui_o) || (now_d - pac_u->sat_d) < 2000000000ULL
       || (now_d - pac_u->pro_d) < 1000000000ULL )
  {
    return;
  }
  pac_u->pro_d = now_d;
  double sec_d = (double)(now_d - pac_u->pas_d) / 1e9;
  if ( !all_d ) {
    //  the mark cannot know how far it is: cells so far
    fprintf(stderr, "pack: %s: %llu cells, rss %llu MiB\n", pas_c,
            (unsigned long long)don_d, (unsigned long long)(u3_mem_rss_kb() >> 10));
    return;
  }
  fprintf(stderr, "pack: %s: %.0f%%, %.0f pages/s, rss %llu MiB\n", pas_c,
          100.0 * (double)don_d / (double)all_d,
          ( sec_d > 0 ) ? (double)don_d / sec_d : 0.0,
          (unsigned long long)(u3_mem_rss_kb() >> 10));
}

/* _cp_bits(): the live bits of slot page pag_w. */
static inline c3_d*
_cp_bits(_cp_pack* pac_u, c3_w pag_w)
{
  return pac_u->liv_d + pac_u->pag_u[pag_w - pac_u->bot_w].bix_w;
}

/* _cp_below(): live bits below bit sot_w in map_d. */
static inline c3_w
_cp_below(const c3_d* map_d, c3_w sot_w)
{
  c3_w num_w = 0;
  for ( c3_w i_w = 0; i_w < (sot_w >> 6); i_w++ ) {
    num_w += (c3_w)__builtin_popcountll(map_d[i_w]);
  }
  if ( sot_w & 63 ) {
    num_w += (c3_w)__builtin_popcountll(map_d[sot_w >> 6]
                                        & ((1ULL << (sot_w & 63)) - 1));
  }
  return num_w;
}

/* _cp_slot(): the slot page and slot of a noun's box; 0 unless it is the
**   start of a live slot inside the heap (*pag_w then a run head or 0).
*/
static c3_t
_cp_slot(_cp_pack* pac_u, u3_noun som, c3_w* pag_w, c3_w* sot_w)
{
  c3_w off_w = u3a_to_off(som);
  c3_w pag   = off_w >> (u3a_page_bits - 2);

  *pag_w = 0;
  if ( pag < pac_u->bot_w + pac_u->met_w || pag >= pac_u->top_w ) {
    return 0;
  }
  u3a_page* pag_u = &u3a_Page[pag];
  c3_w      rel_w = off_w & (u3a_page_words - 1);

  if ( u3a_pg_runh == pag_u->typ_y ) {
    *pag_w = pag;
    return 0;
  }
  if ( u3a_pg_slot != pag_u->typ_y ) {
    return 0;
  }
  c3_w wid_w = _cp_wid(pag_u->cls_y);
  if ( rel_w % wid_w || rel_w / wid_w >= _cp_spp(pag_u->cls_y) ) {
    return 0;
  }
  *pag_w = pag;
  *sot_w = rel_w / wid_w;
  return c3_bit_get(_cp_bits(pac_u, pag), *sot_w) ? 1 : 0;
}

/* _cp_fore(): som's reference after the pack (direct atoms as they are);
**   u3_none if som does not name a live object of the heap.
*/
static u3_weak
_cp_fore(_cp_pack* pac_u, u3_noun som)
{
  c3_w pag_w, sot_w;

  if ( _(u3a_is_cat(som)) ) {
    return som;
  }
  if ( !_cp_slot(pac_u, som, &pag_w, &sot_w) ) {
    if ( !pag_w || (u3a_to_off(som) & (u3a_page_words - 1)) ) {
      return u3_none;
    }
    //  a run's head
    c3_w new_w = pac_u->pag_u[pag_w - pac_u->bot_w].new_w;
    return (som & 0xc0000000) | ((new_w << (u3a_page_bits - 2)) >> 2);
  }
  u3a_page* pag_u = &u3a_Page[pag_w];
  c3_w      cls_w = pag_u->cls_y;
  c3_w      spp_w = _cp_spp(cls_w);
  c3_d      ran_d = (c3_d)pac_u->pag_u[pag_w - pac_u->bot_w].ran_w
                    + _cp_below(_cp_bits(pac_u, pag_w), sot_w);
  c3_w      new_w = pac_u->cpg_w[pac_u->cof_w[cls_w] + (c3_w)(ran_d / spp_w)];
  c3_w      off_w = (new_w << (u3a_page_bits - 2))
                    + (c3_w)(ran_d % spp_w) * _cp_wid(cls_w);

  return (som & 0xc0000000) | (off_w >> 2);
}

  /** Pass 1: scan.
  **/
/* _cp_scan(): live bits, rank bases and class counts; 0, or -1 (reported)
**   if the page table and the pages disagree.
*/
static c3_i
_cp_scan(_cp_pack* pac_u)
{
  c3_w bis_w = 0, slp_w = 0;

  //  sizes first, from the page table alone
  for ( c3_w pag_w = pac_u->bot_w + pac_u->met_w; pag_w < pac_u->top_w; pag_w++ ) {
    u3a_page* pag_u = &u3a_Page[pag_w];
    switch ( pag_u->typ_y ) {
      case u3a_pg_slot: {
        if ( pag_u->cls_y >= u3a_classes ) {
          fprintf(stderr, "pack: page %u: size class %u out of range\n",
                  pag_w, pag_u->cls_y);
          return -1;
        }
        bis_w += (_cp_spp(pag_u->cls_y) + 63) >> 6;
        slp_w++;
      } break;
      case u3a_pg_runh: {
        if ( !pag_u->nex_w || pag_u->nex_w > pac_u->top_w - pag_w ) {
          fprintf(stderr, "pack: page %u: a run of %u pages past the heap\n",
                  pag_w, pag_u->nex_w);
          return -1;
        }
        for ( c3_w i_w = 1; i_w < pag_u->nex_w; i_w++ ) {
          if ( u3a_pg_runt != u3a_Page[pag_w + i_w].typ_y ) {
            fprintf(stderr, "pack: page %u: a run's page %u is not its tail\n",
                    pag_w, pag_w + i_w);
            return -1;
          }
        }
        pag_w += pag_u->nex_w - 1;
      } break;
      case u3a_pg_free: break;
      default: {
        fprintf(stderr, "pack: page %u: unexpected page type %u\n",
                pag_w, pag_u->typ_y);
        return -1;
      }
    }
  }

  pac_u->bis_w = bis_w;
  if ( !(pac_u->liv_d = calloc((c3_z)bis_w + 1, 8))
       || !(pac_u->cel_d = calloc((c3_z)bis_w + 1, 8))
       || !(pac_u->cpg_w = calloc((c3_z)slp_w + 1, 4)) )
  {
    fprintf(stderr, "pack: out of memory for the tables of %u slot pages\n",
            slp_w);
    return -1;
  }
  //  the tables, and the mark stack to come, come out of the cap
  u3_pier_tool_room("pack", (c3_d)(pac_u->top_w - pac_u->bot_w + 1) * sizeof(_cp_page)
                            + ((c3_d)bis_w + 1) * 16 + ((c3_d)slp_w + 1) * 4
                            + (c3_d)_cp_stack_max * sizeof(u3_noun),
                    pac_u->qui_o);

  //  then the live slots, page by page, dropping the pages read behind
  bis_w = 0;
  pac_u->pas_d = c3_nanos();
  c3_w drp_w = pac_u->bot_w;
  for ( c3_w pag_w = pac_u->bot_w + pac_u->met_w; pag_w < pac_u->top_w; pag_w++ ) {
    u3a_page* pag_u = &u3a_Page[pag_w];
    _cp_page* pac_p = &pac_u->pag_u[pag_w - pac_u->bot_w];

    if ( pag_w - drp_w >= _cp_drop_pages ) {
      if ( u3_pier_stopped() ) {
        return -1;
      }
      u3e_drop_clean(drp_w, pag_w);
      drp_w = pag_w;
      _cp_progress(pac_u, "scan", pag_w - pac_u->bot_w, pac_u->top_w - pac_u->bot_w);
    }
    if ( u3a_pg_runh == pag_u->typ_y ) {
      pag_w += pag_u->nex_w - 1;
      continue;
    }
    if ( u3a_pg_slot != pag_u->typ_y ) {
      continue;
    }
    c3_w  cls_w = pag_u->cls_y;
    c3_w  wid_w = _cp_wid(cls_w);
    c3_w  bum_w = c3_min((c3_w)pag_u->bum_s, _cp_spp(cls_w));
    c3_w* ptr_w = u3a_page_ptr(pag_w);
    c3_d* map_d = pac_u->liv_d + bis_w;
    c3_w  num_w = 0;

    pac_p->bix_w = bis_w;
    bis_w += (_cp_spp(cls_w) + 63) >> 6;
    for ( c3_w sot_w = 0; sot_w < bum_w; sot_w++ ) {
      if ( ptr_w[sot_w * wid_w] ) {
        c3_bit_set(map_d, sot_w);
        num_w++;
      }
    }
    if ( num_w != pag_u->liv_s ) {
      fprintf(stderr, "pack: page %u holds %u objects, its table entry says "
                      "%u: the heap is not sound (see urbit check)\n",
              pag_w, num_w, pag_u->liv_s);
      return -1;
    }
    pac_p->ran_w = (c3_w)pac_u->lic_d[cls_w];
    pac_p->cid_w = pac_u->npg_w[cls_w]++;
    pac_u->lic_d[cls_w] += num_w;
  }
  u3e_drop_clean(pac_u->bot_w, pac_u->top_w);
  return 0;
}

/* _cp_plan(): each kept page's new page, from the tables; the new top. */
static void
_cp_plan(_cp_pack* pac_u)
{
  c3_w off_w = 0;
  for ( c3_w cls_w = 0; cls_w < u3a_classes; cls_w++ ) {
    pac_u->cof_w[cls_w] = off_w;
    pac_u->kep_w[cls_w] = (c3_w)((pac_u->lic_d[cls_w] + _cp_spp(cls_w) - 1)
                                 / _cp_spp(cls_w));
    off_w += pac_u->kep_w[cls_w];
  }

  c3_w fin_w = pac_u->bot_w + pac_u->met_w;
  for ( c3_w pag_w = fin_w; pag_w < pac_u->top_w; pag_w++ ) {
    u3a_page* pag_u = &u3a_Page[pag_w];
    _cp_page* pac_p = &pac_u->pag_u[pag_w - pac_u->bot_w];

    if ( u3a_pg_runh == pag_u->typ_y ) {
      pac_p->new_w = fin_w;
      if ( fin_w != pag_w ) {
        pac_u->pmv_d += pag_u->nex_w;
      }
      fin_w += pag_u->nex_w;
      pag_w += pag_u->nex_w - 1;
    }
    else if ( u3a_pg_slot == pag_u->typ_y
              && pac_p->cid_w < pac_u->kep_w[pag_u->cls_y] )
    {
      pac_p->new_w = fin_w;
      pac_u->cpg_w[pac_u->cof_w[pag_u->cls_y] + pac_p->cid_w] = fin_w;
      if ( fin_w != pag_w ) {
        pac_u->pmv_d++;
      }
      fin_w++;
    }
  }
  pac_u->fin_w = fin_w;
}

  /** Pass 2: mark the cells.
  **/
/* _cp_mark_one(): mark som if it is an unmarked cell; push it. 0, or -1
**   (reported) if it names nothing live.
*/
static c3_i
_cp_mark_one(_cp_pack* pac_u, u3_noun som)
{
  c3_w pag_w, sot_w;

  if ( _(u3a_is_cat(som)) ) {
    return 0;
  }
  if ( !_cp_slot(pac_u, som, &pag_w, &sot_w) ) {
    if ( pag_w && _(u3a_is_pug(som))
         && 0 == (u3a_to_off(som) & (u3a_page_words - 1)) )
    {
      return 0;    //  an atom in a run
    }
    fprintf(stderr, "pack: the noun 0x%08x names no live object of the "
                    "heap: the state is not sound (see urbit check)\n", som);
    return -1;
  }
  if ( _(u3a_is_pug(som)) ) {
    return 0;
  }
  if ( 0 != u3a_Page[pag_w].cls_y ) {
    fprintf(stderr, "pack: the cell 0x%08x is not in a 16-byte slot: the "
                    "state is not sound (see urbit check)\n", som);
    return -1;
  }
  c3_d* cel_d = pac_u->cel_d + pac_u->pag_u[pag_w - pac_u->bot_w].bix_w;
  if ( c3_bit_get(cel_d, sot_w) ) {
    return 0;
  }
  c3_bit_set(cel_d, sot_w);
  pac_u->mar_d++;
  if ( pac_u->sap_w < _cp_stack_max ) {
    pac_u->sak_u[pac_u->sap_w++] = som;
  }
  else {
    pac_u->ovf_t = 1;
  }
  return 0;
}

/* _cp_mark_kids(): mark the head and tail of a marked cell. */
static inline c3_i
_cp_mark_kids(_cp_pack* pac_u, u3_noun cel)
{
  u3a_cell* cel_u = (u3a_cell*)(void*)u3a_to_ptr(cel);
  return ( _cp_mark_one(pac_u, cel_u->tel) || _cp_mark_one(pac_u, cel_u->hed) )
         ? -1 : 0;
}

/* _cp_mark_drain(): mark below every cell on the stack. */
static c3_i
_cp_mark_drain(_cp_pack* pac_u)
{
  while ( pac_u->sap_w ) {
    u3_noun cel = pac_u->sak_u[--pac_u->sap_w];
    if ( _cp_mark_kids(pac_u, cel) ) {
      return -1;
    }
    if ( 0 == (++pac_u->pop_d & 0xffff) ) {
      if ( u3_pier_stopped() ) {
        return -1;
      }
      //  the cells' pages are read in no order: drop them all now and then
      u3e_drop_clean(pac_u->bot_w, pac_u->top_w);
      _cp_progress(pac_u, "mark", pac_u->mar_d, 0);
    }
  }
  return 0;
}

/* _cp_mark(): mark every cell reachable from the roots; 0, or -1. */
static c3_i
_cp_mark(_cp_pack* pac_u)
{
  pac_u->pas_d = c3_nanos();
  if ( !(pac_u->sak_u = malloc((c3_z)_cp_stack_max * sizeof(u3_noun))) ) {
    fprintf(stderr, "pack: out of memory for the mark stack\n");
    return -1;
  }
  if ( _cp_mark_one(pac_u, u3H->roo)
       || _cp_mark_one(pac_u, u3H->rod_u.roo)
       || _cp_mark_drain(pac_u) )
  {
    return -1;
  }
  //  the stack overflowed: cells were marked but not descended into;
  //  passes over the marked cells in address order find them
  while ( pac_u->ovf_t ) {
    pac_u->ovf_t = 0;
    for ( c3_w pag_w = pac_u->bot_w + pac_u->met_w; pag_w < pac_u->top_w; pag_w++ ) {
      u3a_page* pag_u = &u3a_Page[pag_w];
      if ( u3a_pg_runh == pag_u->typ_y ) {
        pag_w += pag_u->nex_w - 1;
        continue;
      }
      if ( u3a_pg_slot != pag_u->typ_y || 0 != pag_u->cls_y ) {
        continue;
      }
      c3_d* cel_d = pac_u->cel_d + pac_u->pag_u[pag_w - pac_u->bot_w].bix_w;
      for ( c3_w sot_w = 0; sot_w < _cp_spp(0); sot_w++ ) {
        if ( c3_bit_get(cel_d, sot_w) ) {
          u3_noun cel = u3a_to_pom(u3a_outa(u3a_page_ptr(pag_w) + (sot_w << 2)));
          if ( _cp_mark_kids(pac_u, cel) || _cp_mark_drain(pac_u) ) {
            return -1;
          }
        }
      }
    }
  }
  free(pac_u->sak_u);
  pac_u->sak_u = 0;
  u3e_drop_clean(pac_u->bot_w, pac_u->top_w);
  return 0;
}

  /** Pass 3: move.
  **/
/* _cp_put(): *ptr_w = val_w, unless it is already. */
static inline void
_cp_put(c3_w* ptr_w, c3_w val_w)
{
  if ( *ptr_w != val_w ) {
    *ptr_w = val_w;
  }
}

/* _cp_move_page(): move slot page pag_w's live objects to their places,
**   rewriting the cells' fields.
*/
static void
_cp_move_page(_cp_pack* pac_u, c3_w pag_w)
{
  u3a_page* pag_u = &u3a_Page[pag_w];
  _cp_page* pac_p = &pac_u->pag_u[pag_w - pac_u->bot_w];
  c3_w      cls_w = pag_u->cls_y;
  c3_w      wid_w = _cp_wid(cls_w);
  c3_w      spp_w = _cp_spp(cls_w);
  c3_d*     map_d = pac_u->liv_d + pac_p->bix_w;
  c3_d*     cel_d = pac_u->cel_d + pac_p->bix_w;
  c3_w*     bas_w = u3a_page_ptr(pag_w);
  c3_d      ran_d = pac_p->ran_w;
  const c3_w* cpg_w = pac_u->cpg_w + pac_u->cof_w[cls_w];

  for ( c3_w sot_w = c3_bits_next(map_d, 0, spp_w, 1); sot_w < spp_w;
        sot_w = c3_bits_next(map_d, sot_w + 1, spp_w, 1), ran_d++ )
  {
    c3_w* src_w = bas_w + sot_w * wid_w;
    c3_w* dst_w = u3a_page_ptr(cpg_w[ran_d / spp_w]) + (c3_w)(ran_d % spp_w) * wid_w;

    if ( 0 == cls_w && c3_bit_get(cel_d, sot_w) ) {
      u3a_cell* cel_u = (u3a_cell*)(void*)src_w;
      u3_noun   hed   = _cp_fore(pac_u, cel_u->hed);
      u3_noun   tel   = _cp_fore(pac_u, cel_u->tel);
      c3_w      use_w = cel_u->use_w;
      c3_w      mug_w = cel_u->mug_w;

      if ( dst_w != src_w ) {
        pac_u->mov_d++;
      }
      _cp_put(dst_w + 0, use_w);
      _cp_put(dst_w + 1, mug_w);
      _cp_put(dst_w + 2, hed);
      _cp_put(dst_w + 3, tel);
    }
    else if ( dst_w != src_w ) {
      pac_u->mov_d++;
      memmove(dst_w, src_w, (c3_z)wid_w << 2);
    }
  }
}

/* _cp_move(): move every live object; 0, or -1 if interrupted. */
static c3_i
_cp_move(_cp_pack* pac_u)
{
  c3_w lo_w = pac_u->bot_w + pac_u->met_w;

  //  no destination may count as a free page (the pager drops those)
  for ( c3_w pag_w = c3_bits_next(u3a_Free, lo_w, pac_u->fin_w, 1);
        pag_w < pac_u->fin_w;
        pag_w = c3_bits_next(u3a_Free, pag_w + 1, pac_u->fin_w, 1) )
  {
    c3_bit_clear(u3a_Free, pag_w);
  }

  pac_u->pas_d = c3_nanos();
  c3_w drp_w = lo_w;
  for ( c3_w pag_w = lo_w; pag_w < pac_u->top_w; pag_w++ ) {
    u3a_page* pag_u = &u3a_Page[pag_w];

    if ( pag_w - drp_w >= _cp_drop_pages ) {
      if ( u3_pier_stopped() ) {
        return -1;
      }
      //  below pag_w everything was read: what stayed clean can go
      u3e_drop_clean(drp_w, pag_w);
      drp_w = pag_w;
      _cp_progress(pac_u, "move", pag_w - pac_u->bot_w, pac_u->top_w - pac_u->bot_w);
    }
    if ( u3a_pg_runh == pag_u->typ_y ) {
      c3_w new_w = pac_u->pag_u[pag_w - pac_u->bot_w].new_w;
      if ( new_w != pag_w ) {
        memmove(u3a_page_ptr(new_w), u3a_page_ptr(pag_w),
                (c3_z)pag_u->nex_w << u3a_page_bits);
        pac_u->mov_d++;
      }
      pag_w += pag_u->nex_w - 1;
    }
    else if ( u3a_pg_slot == pag_u->typ_y ) {
      _cp_move_page(pac_u, pag_w);
    }
  }

  //  the roots
  {
    u3_noun roo = _cp_fore(pac_u, u3H->roo);
    u3_noun rar = _cp_fore(pac_u, u3H->rod_u.roo);
    _cp_put(&u3H->roo, roo);
    _cp_put(&u3H->rod_u.roo, rar);
  }
  return 0;
}

  /** Pass 4: the allocator's state.
  **/
/* _cp_entry(): set page table entry pag_w, writing only what changes. */
static void
_cp_entry(c3_w pag_w, const u3a_page* new_u)
{
  if ( memcmp(&u3a_Page[pag_w], new_u, sizeof(*new_u)) ) {
    u3a_Page[pag_w] = *new_u;
  }
}

/* _cp_rebuild(): page table, bitmap, partial lists and frontier. */
static void
_cp_rebuild(_cp_pack* pac_u)
{
  u3a_road* rod_u = &u3H->rod_u;
  c3_w      pat_w[u3a_classes];

  memset(pat_w, 0, sizeof(pat_w));
  for ( c3_w pag_w = pac_u->bot_w + pac_u->met_w; pag_w < pac_u->top_w; pag_w++ ) {
    u3a_page  old_u = u3a_Page[pag_w];
    _cp_page* pac_p = &pac_u->pag_u[pag_w - pac_u->bot_w];
    u3a_page  new_u;

    memset(&new_u, 0, sizeof(new_u));
    if ( u3a_pg_runh == old_u.typ_y ) {
      c3_w new_w = pac_p->new_w;
      new_u.typ_y = u3a_pg_runh;
      new_u.nex_w = old_u.nex_w;
      new_u.pre_w = new_w;
      _cp_entry(new_w, &new_u);
      new_u.typ_y = u3a_pg_runt;
      new_u.nex_w = 0;
      for ( c3_w i_w = 1; i_w < old_u.nex_w; i_w++ ) {
        _cp_entry(new_w + i_w, &new_u);
      }
      pag_w += old_u.nex_w - 1;
    }
    else if ( u3a_pg_slot == old_u.typ_y
              && pac_p->cid_w < pac_u->kep_w[old_u.cls_y] )
    {
      c3_w cls_w = old_u.cls_y;
      c3_w spp_w = _cp_spp(cls_w);
      c3_d liv_d = pac_u->lic_d[cls_w] - (c3_d)pac_p->cid_w * spp_w;
      c3_w liv_w = (c3_w)c3_min(liv_d, (c3_d)spp_w);

      new_u.typ_y = u3a_pg_slot;
      new_u.cls_y = (c3_y)cls_w;
      new_u.liv_s = (c3_s)liv_w;
      new_u.bum_s = (c3_s)liv_w;
      _cp_entry(pac_p->new_w, &new_u);
      if ( liv_w < spp_w ) {
        //  the class's last page: its slots above the live ones are
        //  never-used slots now, and hold nothing
        c3_w* bas_w = u3a_page_ptr(pac_p->new_w);
        c3_w  wid_w = _cp_wid(cls_w);
        for ( c3_w i_w = liv_w * wid_w; i_w < spp_w * wid_w; i_w++ ) {
          _cp_put(bas_w + i_w, 0);
        }
        pat_w[cls_w] = pac_p->new_w;
      }
    }
  }
  {
    u3a_page fre_u;
    memset(&fre_u, 0, sizeof(fre_u));
    for ( c3_w pag_w = pac_u->fin_w; pag_w < pac_u->top_w; pag_w++ ) {
      _cp_entry(pag_w, &fre_u);
    }
  }
  for ( c3_w pag_w = c3_bits_next(u3a_Free, pac_u->fin_w, pac_u->top_w, 1);
        pag_w < pac_u->top_w;
        pag_w = c3_bits_next(u3a_Free, pag_w + 1, pac_u->top_w, 1) )
  {
    c3_bit_clear(u3a_Free, pag_w);
  }
  for ( c3_w cls_w = 0; cls_w < u3a_classes; cls_w++ ) {
    _cp_put(&rod_u->pat_w[cls_w], pat_w[cls_w]);
  }
  _cp_put(&rod_u->fre_w, 0);
  if ( rod_u->hat_w != u3a_page_ptr(pac_u->fin_w) ) {
    rod_u->hat_w = u3a_page_ptr(pac_u->fin_w);
  }
}

/* _cp_free(): release the tables. */
static void
_cp_free(_cp_pack* pac_u)
{
  free(pac_u->pag_u);
  free(pac_u->liv_d);
  free(pac_u->cel_d);
  free(pac_u->cpg_w);
  free(pac_u->sak_u);
}

/* _cp_report(): the summary on stderr and the figures for --json. */
static void
_cp_report(_cp_pack* pac_u, c3_w img_w)
{
  c3_d hbe_d = (c3_d)(pac_u->top_w - pac_u->bot_w) << (u3a_page_bits - 10);
  c3_d haf_d = (c3_d)(pac_u->fin_w - pac_u->bot_w) << (u3a_page_bits - 10);
  c3_d ibe_d = (c3_d)img_w << (u3a_page_bits - 10);
  c3_d iaf_d = (c3_d)pac_u->fin_w << (u3a_page_bits - 10);
  c3_d liv_d = u3H->rod_u.liv_d >> 10;
  c3_d met_d = (c3_d)pac_u->met_w << (u3a_page_bits - 10);
  c3_d ms_d  = (c3_nanos() - pac_u->sat_d) / 1000000ULL;

  fprintf(stderr, "pack: heap %llu KiB -> %llu KiB (live %llu KiB, metadata "
                  "%llu KiB); image %llu KiB -> %llu KiB\n",
          (unsigned long long)hbe_d, (unsigned long long)haf_d,
          (unsigned long long)liv_d, (unsigned long long)met_d,
          (unsigned long long)ibe_d, (unsigned long long)iaf_d);
  fprintf(stderr, "pack: %llu objects and %llu pages moved, %llu cells "
                  "marked, in %llu ms, rss %llu KiB\n",
          (unsigned long long)pac_u->mov_d, (unsigned long long)pac_u->pmv_d,
          (unsigned long long)pac_u->mar_d, (unsigned long long)ms_d,
          (unsigned long long)u3_mem_rss_kb());
  u3_pier_figure("pack_heap_before_kb", hbe_d);
  u3_pier_figure("pack_heap_after_kb", haf_d);
  u3_pier_figure("pack_image_before_kb", ibe_d);
  u3_pier_figure("pack_image_after_kb", iaf_d);
  u3_pier_figure("pack_live_kb", liv_d);
  u3_pier_figure("pack_meta_kb", met_d);
  u3_pier_figure("pack_objects_moved", pac_u->mov_d);
  u3_pier_figure("pack_pages_moved", pac_u->pmv_d);
  u3_pier_figure("pack_cells_marked", pac_u->mar_d);
  u3_pier_figure("pack_ms", ms_d);
}

/* u3_pack(): compact the home road's heap in place; 0, or -1 (reported). */
c3_i
u3_pack(c3_o quiet_o)
{
  u3a_road* rod_u = u3m_home_road();
  _cp_pack  pac_u;
  c3_i      ret_i = -1;

  memset(&pac_u, 0, sizeof(pac_u));
  pac_u.qui_o = quiet_o;
  pac_u.sat_d = c3_nanos();
  if ( !rod_u || u3R != rod_u || !_(rod_u->nor_o) ) {
    fprintf(stderr, "pack: not on the home road\n");
    return -1;
  }
  //  the image's background verification ends first: its reads' 8 MiB
  //  buffer is not pack's to carry, and a damaged image is not packed
  if ( u3e_verify_sound != u3e_verify_wait() ) {
    fprintf(stderr, "pack: the image failed its verification (see above); "
                    "nothing is packed\n");
    return -1;
  }
  pac_u.bot_w = u3a_page_of(rod_u->mat_w);
  pac_u.top_w = u3a_page_of(rod_u->hat_w);
  pac_u.met_w = rod_u->met_w;
  if ( pac_u.bot_w + pac_u.met_w > pac_u.top_w ) {
    fprintf(stderr, "pack: the heap is smaller than its metadata\n");
    return -1;
  }
  if ( !(pac_u.pag_u = calloc((c3_z)(pac_u.top_w - pac_u.bot_w) + 1,
                              sizeof(_cp_page))) )
  {
    fprintf(stderr, "pack: out of memory for the table of %u pages\n",
            pac_u.top_w - pac_u.bot_w);
    return -1;
  }
  c3_w img_w = u3e_Stat.image_w ? u3e_Stat.image_w : pac_u.top_w;

  if ( 0 == _cp_scan(&pac_u) ) {
    _cp_plan(&pac_u);
    if ( 0 == _cp_mark(&pac_u) && 0 == _cp_move(&pac_u) ) {
      _cp_rebuild(&pac_u);
      ret_i = 0;
    }
  }
  if ( 0 == ret_i ) {
    _cp_report(&pac_u, img_w);
  }
  else if ( u3_pier_stopped() ) {
    fprintf(stderr, "pack: interrupted; nothing is saved\n");
  }
  _cp_free(&pac_u);
  return ret_i;
}
