/// @file meld.c
/// `urbit meld PIER`: store each distinct noun of a stopped pier's state
/// once, in memory bounded whatever the state's size.
///
/// meld runs as a tool of a normal start (u3_pier_tool): the pier is
/// locked, its image verified and its log replayed, the loom paged under
/// a cap; meld changes the loom on the home road and the run's final save
/// commits the result as any save does (crash-safe: until that save
/// commits, the image on disk is the old one, untouched).  Returning -1
/// (an error, or SIGINT/SIGTERM) saves nothing.
///
/// Passes.
///   1. mark: from the state's root, every reachable object, depth first
///      on the road's stack, setting a reached bit and, for cells, a cell
///      bit (one bit each per 16-byte granule of the heap: a 16-byte slot
///      may hold a cell or a small atom, and only a reference tells which).
///      Indirect atoms' mugs are cached on the way.
///   2. scan: the heap in address order (the page table says where the
///      slots are); for each reached object, its mug (cached now if it
///      was not: u3r_mug caches every cell below it) and its noun, as one
///      64-bit key, mug above noun.  The keys go to one in-memory table
///      when the live objects fit it, else to 2^b bucket files by the
///      mug's top bits (anonymous files in PIER/.urb/chk: O_TMPFILE, or
///      unlinked at once, so a crash leaves none), through small buffers.
///   3. merge: one bucket at a time, split into sub-passes by the next
///      bits of the mug so that each fits the table; the table sorted,
///      each group of equal mugs is compared against its classes'
///      representatives with meld's own iterative comparator (cached mugs
///      that differ cut it short).  Equal objects are linked: the one at
///      the higher address is forwarded to the lower, in a map outside
///      the loom (open addressing, at most half full; the loom is not
///      written), with a forward bit per granule so that an object
///      without one is never looked up.  Links join only unforwarded
///      objects (each is first followed to its end), so the forwards form
///      a forest that points down in address order: no cycles.  When the
///      map is half full no more links are made (the summary says so; a
///      second meld merges the rest).  After two structures compare equal, the walk is done
///      again linking every distinct equal pair below them, so a
///      duplicated subtree is compared once, not again for each of its
///      nodes (work stays linear in the state).  A table that overflows
///      (one mug shared by more objects than it holds) is processed in
///      chunks, carrying each group's representatives to the next chunk.
///   4. rewrite: the root and every live cell, in address order: a field
///      that leads to a forwarded object (a bit outside the loom says
///      which, so other targets are not read) is set to the end of its
///      chain, which gains a reference (noted, and applied in batches
///      sorted by address: the loom is never written at random).  The
///      forwarded object's loss is only counted: nothing is freed yet.
///   5. free: every forwarded object, in address order, is freed whole
///      (its children lose a reference, again in sorted batches, and what
///      reaches 0 is freed with it).  Every reference to a forwarded object was moved in pass 4
///      (all cells and the root were rewritten), so the references the
///      freed objects held must equal those moved: checked, and -1
///      (nothing saved) if not.  No forward is left on a live object.
///   The freed space is free pages and slots inside the heap; `urbit
///   pack` shrinks the image to the live bytes.
///
/// Memory outside the loom: the two bitmaps (2 bits per 16 bytes of heap,
/// 1/64 of it: 16 MiB at 1 GiB; the reached bits become the forward bits
/// after pass 2), the table (8 bytes a key, at most 8 MiB and at most
/// 1/1024 of the loom's cap: 32 KiB under the default 32 MiB), the bucket
/// buffers (1 MiB), the carried representatives (512 KiB), the forward
/// map (at most 4 MiB, and 1/8 of the cap) and the noted refcount changes
/// (1 MiB): at most 14.5 MiB plus 1/64 of the heap, whatever the state
/// holds.  The explicit stacks live on the road's stack, inside the loom,
/// which is paged under the cap like the rest of it.
///
/// The bound.  The tables come out of the tool's cap (44 MiB by default):
/// the pager's cap is lowered by their size and an eighth of the cap
/// (u3_pier_tool_room), and clean image pages read are dropped
/// (MADV_DONTNEED) whenever the RSS passes the runtime's own memory
/// (measured before the tables, once the start's clean pages are gone)
/// plus the cap.  A fault on the image may map a whole folio of the page
/// cache, up to 2 MiB, so the RSS is read (from /proc/self/statm) as soon
/// as the faults since the last reading (getrusage, every step, and
/// every 256 KiB of a big atom compared) could have passed that line.
/// So meld's RSS stays within the runtime's own plus the cap, give or
/// take the few MiB one step may map, while the tables fit in the cap
/// less the loom's floor + 4 MiB (up to a heap of about 1.5 GiB under
/// the default cap); beyond, the cap grows by the tables' excess, and
/// the summary says by how much.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "c3/bitmap.h"
#include "c3/clock.h"
#include "c3/io.h"
#include "noun/noun.h"
#include "noun/events.h"
#include "vere/meld.h"
#include "vere/mem.h"
#include "vere/path.h"
#include "vere/pier.h"

#define _cm_fwd_bit   0x80000000U     //  a forward, in the mug word
#define _cm_tab_max   (1U << 20)      //  table keys (8 MiB)
#define _cm_tab_min   (1U << 8)
#define _cm_buk_max   256             //  bucket files
#define _cm_buf_bytes (1U << 20)      //  bucket buffers, all together
#define _cm_car_max   (1U << 16)      //  carried representatives
#define _cm_rep_max   64              //  classes compared per group of a mug
#define _cm_every     256             //  steps between RSS and progress checks
#define _cm_map_bits  19              //  forward map: 2^19 entries (4 MiB)
#define _cm_adj_max   (1U << 18)      //  refcount changes noted (1 MiB)
#define _cm_fault_kb_bits 11          //  KiB a page fault may map: 2 MiB
#define _cm_cmp_words (1U << 16)      //  atom words compared at once (256 KiB)

/* _cm_meld: one meld run.
*/
typedef struct {
  //  the heap
  c3_w*   mat_w;      //  heap base (the home road grows up)
  c3_w    bot_w;      //  first heap page
  c3_w    gra_w;      //  granules in the heap at the start
  c3_d*   rea_d;      //  reached bits, one per granule
  c3_d*   cel_d;      //  cell bits, one per granule
  c3_d*   fwd_d;      //  forward bits, one per granule (after the scan,
                      //  in the reached bits' place)
  //  keys: (mug << 32) | noun
  c3_d*   tab_d;      //  the table
  c3_w    cap_w;      //  its capacity
  c3_w    num_w;      //  keys in it
  c3_w    buk_w;      //  buckets: 1 (the table alone) or files
  c3_w    bbt_w;      //  log2 of buk_w
  c3_i    fid_i[_cm_buk_max];
  c3_d    cnt_d[_cm_buk_max];  //  keys written to each bucket
  c3_d*   buf_d;      //  the buckets' buffers
  c3_w    bfw_w;      //  keys per buffer
  c3_w    bfn_w[_cm_buk_max];  //  keys in each buffer
  c3_d*   car_d;      //  carried representatives, sorted
  c3_w    car_w;      //  how many
  c3_w    cas_w;      //  how many of them are sorted (the earlier chunks':
                      //  this chunk's are appended after, unsorted)
  //  forwards: (object, the equal one it merges into), open addressing
  c3_w*   map_w;      //  2 words an entry; 0: empty
  c3_w    mab_w;      //  log2 of the entries
  c3_w    man_w;      //  entries used
  c3_t    ful_t;      //  the map is full: no more merges this run
  c3_d    mxm_d;      //  the most merges (a test hook), 0: the map's
  //  refcount changes to apply in address order
  u3_noun* adj_u;     //  objects, each gaining (or losing) one reference
  c3_w     adn_w;     //  how many
  c3_w     adm_w;     //  room
  //  figures
  c3_d    obj_d;      //  objects reached
  c3_d    key_d;      //  keys made
  c3_d    grp_d;      //  keys merged so far (progress)
  c3_d    mer_d;      //  objects linked to an equal one
  c3_d    fre_d;      //  objects freed
  c3_d    ski_d;      //  objects left uncompared (too many classes)
  c3_d    chu_d;      //  chunks of an overflowing sub-pass
  c3_d    mov_d;      //  references moved off forwarded objects
  c3_d    hel_d;      //  references forwarded objects held
  c3_i    err_i;      //  set on an error (reported)
  //  progress
  c3_o    qui_o;
  c3_d    sat_d;      //  start (ns)
  c3_d    pro_d;      //  last progress line (ns)
  c3_d    pas_d;      //  this pass's start (ns)
  c3_d    flt_d;      //  page faults before this pass
  c3_w    tik_w;
  c3_d    rss_kb;     //  peak RSS seen
  c3_d    own_kb;     //  what meld allocated outside the loom
  c3_d    thr_kb;     //  RSS above which clean pages are dropped
  c3_d    rsl_kb;     //  the RSS when last read
  c3_d    fch_d;      //  page faults then
  c3_d    dro_d;      //  clean pages dropped
  c3_d    tim_d[5];   //  ends of the passes (ns)
} _cm_meld;

  /** Objects.
  **/
/* _cm_box(): the box of dog som. */
static inline u3a_box*
_cm_box(u3_noun som)
{
  return (u3a_box*)(void*)u3a_to_ptr(som);
}

/* _cm_gran(): the granule of dog som, or 0xffffffff outside the heap. */
static inline c3_w
_cm_gran(const _cm_meld* mel_u, u3_noun som)
{
  c3_w* ptr_w = u3a_to_ptr(som);
  if ( ptr_w < mel_u->mat_w ) {
    return 0xffffffff;
  }
  c3_d gra_d = (c3_d)(ptr_w - mel_u->mat_w) >> 2;
  return ( gra_d < mel_u->gra_w ) ? (c3_w)gra_d : 0xffffffff;
}

/* _cm_slot(): the map entry of som: its own, or the empty one for it. */
static inline c3_w*
_cm_slot(const _cm_meld* mel_u, u3_noun som)
{
  c3_w msk_w = (1U << mel_u->mab_w) - 1;
  c3_w idx_w = (som * 0x9e3779b1U) >> (32 - mel_u->mab_w);

  while ( mel_u->map_w[2 * idx_w] && mel_u->map_w[2 * idx_w] != som ) {
    idx_w = (idx_w + 1) & msk_w;
  }
  return &mel_u->map_w[2 * idx_w];
}

/* _cm_end(): the end of som's forwards (som itself if it has none),
**   from the map: the loom is not read.
*/
static inline u3_noun
_cm_end(const _cm_meld* mel_u, u3_noun som)
{
  while ( _(u3a_is_dog(som)) && c3_bit_get(mel_u->fwd_d, _cm_gran(mel_u, som)) ) {
    c3_w* ent_w = _cm_slot(mel_u, som);
    c3_assert( ent_w[0] == som );
    som = ent_w[1];
  }
  return som;
}

  /** Progress.
  **/
/* _cm_drop(): drop the heap's clean pages from memory: they equal the
**   image, which the next touch reads again.  Dirty pages are the
**   pager's to keep under the cap.
*/
static void
_cm_drop(_cm_meld* mel_u)
{
  mel_u->dro_d += u3e_drop_clean(mel_u->bot_w, u3a_page_of(u3R->hat_w));
}

/* _cm_faults(): page faults so far (pages the passes brought in). */
static c3_d
_cm_faults(void)
{
  struct rusage use_u;
  getrusage(RUSAGE_SELF, &use_u);
  return (c3_d)use_u.ru_minflt + (c3_d)use_u.ru_majflt;
}

/* _cm_pass(): a pass starts: its clock and fault count. */
static void
_cm_pass(_cm_meld* mel_u)
{
  mel_u->pas_d = c3_nanos();
  mel_u->flt_d = _cm_faults();
}

/* _cm_room(): read the RSS (and its peak); above the threshold, drop
**   the clean pages read.
*/
static void
_cm_room(_cm_meld* mel_u)
{
  c3_d rss_kb = u3_mem_rss_kb();

  if ( rss_kb > mel_u->rss_kb ) {
    mel_u->rss_kb = rss_kb;
  }
  if ( rss_kb > mel_u->thr_kb ) {
    //  the image pages read so far go; if the rest is still above, the
    //  pager's dirty pages are: wait for more before trying again
    _cm_drop(mel_u);
    rss_kb = u3_mem_rss_kb();
    mel_u->thr_kb = c3_max(mel_u->thr_kb, rss_kb + (1ULL << 10));
  }
  mel_u->rsl_kb = rss_kb;
  mel_u->fch_d  = _cm_faults();
}

/* _cm_look(): within a step: a fault on the image may map a whole folio
**   of the page cache (64 KiB around it, up to 2 MiB for a large folio),
**   not one 4 KiB page: the RSS is read (a few microseconds) only when
**   the faults since it was last read (a microsecond) could have taken it
**   past the threshold.
*/
static inline void
_cm_look(_cm_meld* mel_u)
{
  if ( mel_u->rsl_kb + ((_cm_faults() - mel_u->fch_d) << _cm_fault_kb_bits)
       > mel_u->thr_kb )
  {
    _cm_room(mel_u);
  }
}

/* _cm_tick(): a step: the page faults since the RSS was read; every
**   _cm_every steps, the RSS, a progress line at most once a second
**   after the first two, and the stop request.  1 to stop.
*/
static c3_t
_cm_tick(_cm_meld* mel_u, const c3_c* pas_c, c3_d don_d, c3_d all_d, c3_d pag_d)
{
  _cm_look(mel_u);
  if ( ++mel_u->tik_w < _cm_every ) {
    return 0;
  }
  mel_u->tik_w = 0;
  _cm_room(mel_u);

  c3_d now_d  = c3_nanos();
  if ( c3n == mel_u->qui_o && (now_d - mel_u->sat_d) >= 2000000000ULL
       && (!mel_u->pro_d || (now_d - mel_u->pro_d) >= 1000000000ULL) )
  {
    double sec_d = (double)(now_d - mel_u->pas_d) / 1e9;
    //  passes in address order count heap pages; the others, pages
    //  faulted in (following references)
    c3_t   flt_t = !pag_d;
    if ( flt_t ) {
      pag_d = _cm_faults() - mel_u->flt_d;
    }
    fprintf(stderr, "meld: %s: %.0f%%, %.0f %s/s, rss %llu MiB\n", pas_c,
            all_d ? 100.0 * (double)c3_min(don_d, all_d) / (double)all_d : 100.0,
            sec_d > 0 ? (double)pag_d / sec_d : 0.0,
            flt_t ? "page faults" : "pages", (unsigned long long)(mel_u->rss_kb >> 10));
    mel_u->pro_d = now_d;
  }
  if ( u3_pier_stopped() ) {
    if ( !mel_u->err_i ) {
      fprintf(stderr, "meld: interrupted in the %s pass; nothing is saved\n", pas_c);
    }
    mel_u->err_i = 1;
    return 1;
  }
  return 0;
}

/* _cm_fail(): report an error once. */
static void
_cm_fail(_cm_meld* mel_u, const c3_c* why_c, u3_noun som)
{
  if ( !mel_u->err_i ) {
    fprintf(stderr, "meld: %s (noun 0x%08x); nothing is saved\n", why_c, som);
  }
  mel_u->err_i = 1;
}

  /** Pass 1: mark.
  **/
/* _cm_mark(): set the reached and cell bits of everything below som
**   (retained); 0, or -1 (reported).
*/
static c3_i
_cm_mark(_cm_meld* mel_u, u3_noun som)
{
  c3_w* bas_w = u3R->cap_w;

  while ( 1 ) {
    if ( _(u3a_is_dog(som)) ) {
      c3_w gra_w = _cm_gran(mel_u, som);

      if ( 0xffffffff == gra_w ) {
        _cm_fail(mel_u, "a reference outside the heap", som);
        u3R->cap_w = bas_w;
        return -1;
      }
      if ( !c3_bit_get(mel_u->rea_d, gra_w) ) {
        c3_bit_set(mel_u->rea_d, gra_w);
        mel_u->obj_d++;
        if ( _cm_tick(mel_u, "mark", mel_u->obj_d, u3R->obj_d, 0) ) {
          u3R->cap_w = bas_w;
          return -1;
        }
        if ( _(u3a_is_pom(som)) ) {
          u3a_cell* cel_u = (u3a_cell*)(void*)_cm_box(som);
          c3_bit_set(mel_u->cel_d, gra_w);
          *(u3_noun*)u3a_push(1) = cel_u->tel;
          som = cel_u->hed;
          continue;
        }
        u3r_mug(som);
      }
    }
    if ( u3R->cap_w == bas_w ) {
      return 0;
    }
    som = *(u3_noun*)u3a_peek(1);
    u3a_pop(1);
  }
}

  /** Pass 2: scan.
  **/
/* _cm_flush(): write bucket buk_w's buffer; 0, or -1 (reported). */
static c3_i
_cm_flush(_cm_meld* mel_u, c3_w buk_w)
{
  c3_w num_w = mel_u->bfn_w[buk_w];
  c3_d off_d = (mel_u->cnt_d[buk_w] - num_w) << 3;

  if ( num_w && c3_io_pwrite_all(mel_u->fid_i[buk_w],
                                 mel_u->buf_d + (c3_d)buk_w * mel_u->bfw_w,
                                 (c3_z)num_w << 3, off_d) )
  {
    if ( !mel_u->err_i ) {
      fprintf(stderr, "meld: write bucket file %u (%llu bytes): %s; nothing "
                      "is saved\n", buk_w, (unsigned long long)off_d, strerror(errno));
    }
    mel_u->err_i = 1;
    return -1;
  }
  mel_u->bfn_w[buk_w] = 0;
  return 0;
}

/* _cm_emit(): one object's key, to the table or its bucket; 0 or -1. */
static c3_i
_cm_emit(_cm_meld* mel_u, c3_w mug_w, u3_noun som)
{
  c3_d key_d = ((c3_d)mug_w << 32) | som;

  mel_u->key_d++;
  if ( 1 == mel_u->buk_w ) {
    if ( mel_u->num_w >= mel_u->cap_w ) {
      _cm_fail(mel_u, "more live objects than the allocator counts", som);
      return -1;
    }
    mel_u->tab_d[mel_u->num_w++] = key_d;
    return 0;
  }
  c3_w buk_w = mug_w >> (31 - mel_u->bbt_w);
  mel_u->buf_d[(c3_d)buk_w * mel_u->bfw_w + mel_u->bfn_w[buk_w]++] = key_d;
  mel_u->cnt_d[buk_w]++;
  return ( mel_u->bfn_w[buk_w] == mel_u->bfw_w ) ? _cm_flush(mel_u, buk_w) : 0;
}

/* _cm_object(): the key of the object at ptr_w if it was reached. */
static c3_i
_cm_object(_cm_meld* mel_u, c3_w* ptr_w)
{
  c3_w gra_w = (c3_w)((ptr_w - mel_u->mat_w) >> 2);

  if ( gra_w >= mel_u->gra_w || !c3_bit_get(mel_u->rea_d, gra_w) ) {
    return 0;
  }
  u3_post off = (u3_post)u3a_outa(ptr_w);
  u3_noun som = c3_bit_get(mel_u->cel_d, gra_w) ? u3a_to_pom(off) : u3a_to_pug(off);
  c3_w    mug_w = ptr_w[1];

  if ( !ptr_w[0] || (mug_w & _cm_fwd_bit) ) {
    _cm_fail(mel_u, "a reached object is free or marked", som);
    return -1;
  }
  if ( !mug_w ) {
    mug_w = u3r_mug(som);
  }
  return _cm_emit(mel_u, mug_w, som);
}

/* _cm_scan(): every reached object's key, in address order; 0 or -1. */
static c3_i
_cm_scan(_cm_meld* mel_u)
{
  c3_w top_w = u3a_page_of(u3R->hat_w);

  _cm_pass(mel_u);
  for ( c3_w pag_w = mel_u->bot_w; pag_w < top_w; pag_w++ ) {
    u3a_page* pag_u = &u3a_Page[pag_w];

    if ( _cm_tick(mel_u, "scan", pag_w - mel_u->bot_w, top_w - mel_u->bot_w,
                  pag_w - mel_u->bot_w) )
    {
      return -1;
    }
    if ( u3a_pg_slot == pag_u->typ_y ) {
      c3_w wid_w = u3a_class_bytes(pag_u->cls_y) >> 2;
      for ( c3_w sot_w = 0; sot_w < pag_u->bum_s; sot_w++ ) {
        if ( _cm_object(mel_u, u3a_page_ptr(pag_w) + sot_w * wid_w) ) {
          return -1;
        }
      }
    }
    else if ( u3a_pg_runh == pag_u->typ_y ) {
      if ( _cm_object(mel_u, u3a_page_ptr(pag_w)) ) {
        return -1;
      }
      pag_w += c3_max(pag_u->nex_w, 1U) - 1;
    }
  }
  for ( c3_w buk_w = 0; mel_u->buk_w > 1 && buk_w < mel_u->buk_w; buk_w++ ) {
    if ( _cm_flush(mel_u, buk_w) ) {
      return -1;
    }
  }
  //  the reached bits are done with: they become the forward bits
  memset(mel_u->rea_d, 0, c3_rop((c3_d)mel_u->gra_w + 1, 64) * sizeof(c3_d));
  mel_u->fwd_d = mel_u->rea_d;
  return 0;
}

  /** Pass 3: merge.
  **/
/* _cm_same(): c3y if a and b (retained) are equal, following forwards;
**   changes nothing.  Iterative on the road's stack.
*/
static c3_o
_cm_same(_cm_meld* mel_u, u3_noun a, u3_noun b)
{
  c3_w* bas_w = u3R->cap_w;

  while ( 1 ) {
    _cm_look(mel_u);    //  two big structures may be read whole
    a = _cm_end(mel_u, a);
    b = _cm_end(mel_u, b);
    if ( a != b ) {
      if ( c3y == u3a_is_cat(a) || c3y == u3a_is_cat(b)
           || (a >> 30) != (b >> 30) )
      {
        u3R->cap_w = bas_w;
        return c3n;
      }
      u3a_box* abx_u = _cm_box(a);
      u3a_box* bbx_u = _cm_box(b);

      if ( abx_u->mug_w && bbx_u->mug_w && abx_u->mug_w != bbx_u->mug_w ) {
        u3R->cap_w = bas_w;
        return c3n;
      }
      if ( _(u3a_is_pug(a)) ) {
        u3a_atom* aat_u = (u3a_atom*)(void*)abx_u;
        u3a_atom* bat_u = (u3a_atom*)(void*)bbx_u;
        c3_w len_w = aat_u->len_w;
        c3_t dif_t = ( len_w != bat_u->len_w );

        //  big atoms a chunk at a time, the RSS looked at between
        for ( c3_w off_w = 0; !dif_t && off_w < len_w; off_w += _cm_cmp_words ) {
          c3_w num_w = c3_min(len_w - off_w, _cm_cmp_words);
          dif_t = 0 != memcmp(aat_u->buf_w + off_w, bat_u->buf_w + off_w,
                              (c3_z)num_w << 2);
          _cm_look(mel_u);
        }
        if ( dif_t ) {
          u3R->cap_w = bas_w;
          return c3n;
        }
      }
      else {
        u3a_cell* ace_u = (u3a_cell*)(void*)abx_u;
        u3a_cell* bce_u = (u3a_cell*)(void*)bbx_u;
        u3_noun*  fam_u = u3a_push(2);
        fam_u[0] = ace_u->tel;
        fam_u[1] = bce_u->tel;
        a = ace_u->hed;
        b = bce_u->hed;
        continue;
      }
    }
    if ( u3R->cap_w == bas_w ) {
      return c3y;
    }
    u3_noun* fam_u = u3a_peek(2);
    a = fam_u[0];
    b = fam_u[1];
    u3a_pop(2);
  }
}

/* _cm_link(): forward the higher of two distinct unforwarded equal
**   objects to the lower, unless the map is full.
*/
static inline void
_cm_link(_cm_meld* mel_u, u3_noun a, u3_noun b)
{
  u3_noun hig = ( (a & 0x3fffffff) > (b & 0x3fffffff) ) ? a : b;
  u3_noun low = ( hig == a ) ? b : a;

  c3_w*   ent_w;

  if ( mel_u->man_w >= (1U << (mel_u->mab_w - 1))
       || (mel_u->mxm_d && mel_u->mer_d >= mel_u->mxm_d) )
  {
    mel_u->ful_t = 1;     //  half full: merge no more (a later meld will)
    return;
  }
  ent_w = _cm_slot(mel_u, hig);
  ent_w[0] = hig;
  ent_w[1] = low;
  mel_u->man_w++;
  c3_bit_set(mel_u->fwd_d, _cm_gran(mel_u, hig));
  mel_u->mer_d++;
}

/* _cm_unify(): a and b (retained) are equal: link every distinct pair
**   of objects the comparison walks, so none is compared again.
*/
static void
_cm_unify(_cm_meld* mel_u, u3_noun a, u3_noun b)
{
  c3_w* bas_w = u3R->cap_w;

  while ( 1 ) {
    a = _cm_end(mel_u, a);
    b = _cm_end(mel_u, b);
    if ( a != b ) {
      c3_assert( c3y == u3a_is_dog(a) && (a >> 30) == (b >> 30) );
      if ( _(u3a_is_pom(a)) ) {
        u3a_cell* ace_u = (u3a_cell*)(void*)_cm_box(a);
        u3a_cell* bce_u = (u3a_cell*)(void*)_cm_box(b);
        u3_noun*  fam_u = u3a_push(2);
        fam_u[0] = ace_u->tel;
        fam_u[1] = bce_u->tel;
        _cm_link(mel_u, a, b);
        a = ace_u->hed;
        b = bce_u->hed;
        continue;
      }
      _cm_link(mel_u, a, b);
    }
    if ( u3R->cap_w == bas_w ) {
      return;
    }
    u3_noun* fam_u = u3a_peek(2);
    a = fam_u[0];
    b = fam_u[1];
    u3a_pop(2);
  }
}

/* _cm_cmp(): qsort's order of keys. */
static int
_cm_cmp(const void* a_v, const void* b_v)
{
  c3_d a_d = *(const c3_d*)a_v;
  c3_d b_d = *(const c3_d*)b_v;
  return ( a_d < b_d ) ? -1 : ( a_d > b_d );
}

/* _cm_cmw(): qsort's order of nouns (by address, within a kind). */
static int
_cm_cmw(const void* a_v, const void* b_v)
{
  u3_noun a = *(const u3_noun*)a_v;
  u3_noun b = *(const u3_noun*)b_v;
  return ( a < b ) ? -1 : ( a > b );
}

/* _cm_carried(): the index of the first carried key of mug_w. */
static c3_w
_cm_carried(const _cm_meld* mel_u, c3_w mug_w)
{
  c3_w lo_w = 0, hi_w = mel_u->cas_w;
  while ( lo_w < hi_w ) {
    c3_w mid_w = lo_w + ((hi_w - lo_w) >> 1);
    if ( (c3_w)(mel_u->car_d[mid_w] >> 32) < mug_w ) {
      lo_w = mid_w + 1;
    }
    else {
      hi_w = mid_w;
    }
  }
  return lo_w;
}

/* _cm_group(): merge the objects of keys [sat_w, end_w) of the table,
**   which share one mug; carry its classes when car_t.
*/
static void
_cm_group(_cm_meld* mel_u, c3_w sat_w, c3_w end_w, c3_t car_t)
{
  c3_w    mug_w = (c3_w)(mel_u->tab_d[sat_w] >> 32);
  u3_noun rep[_cm_rep_max];
  c3_w    rep_w = 0, old_w;

  if ( end_w - sat_w < 2 && !car_t && !mel_u->car_w ) {
    return;     //  alone with its mug: nothing to compare, nothing read
  }

  for ( c3_w i_w = _cm_carried(mel_u, mug_w);
        i_w < mel_u->cas_w && (c3_w)(mel_u->car_d[i_w] >> 32) == mug_w
        && rep_w < _cm_rep_max; i_w++ )
  {
    rep[rep_w++] = (u3_noun)mel_u->car_d[i_w];
  }
  old_w = rep_w;    //  carried already
  for ( c3_w i_w = sat_w; i_w < end_w; i_w++ ) {
    u3_noun som = _cm_end(mel_u, (u3_noun)mel_u->tab_d[i_w]);
    c3_t    fon_t = 0;

    for ( c3_w r_w = 0; r_w < rep_w && !fon_t; r_w++ ) {
      u3_noun can = rep[r_w] = _cm_end(mel_u, rep[r_w]);
      if ( can == som ) {
        fon_t = 1;
      }
      else if ( c3y == _cm_same(mel_u, can, som) ) {
        _cm_unify(mel_u, can, som);
        fon_t = 1;
      }
    }
    if ( !fon_t ) {
      if ( rep_w < _cm_rep_max ) {
        rep[rep_w++] = som;
      }
      else {
        mel_u->ski_d++;
      }
    }
  }
  if ( car_t ) {
    for ( c3_w r_w = old_w; r_w < rep_w; r_w++ ) {
      if ( mel_u->car_w < _cm_car_max ) {
        mel_u->car_d[mel_u->car_w++] = ((c3_d)mug_w << 32) | _cm_end(mel_u, rep[r_w]);
      }
      else {
        mel_u->ski_d++;     //  not carried: later chunks cannot meet it
      }
    }
  }
}

/* _cm_chunk(): merge the table's keys; carry classes when car_t. */
static c3_i
_cm_chunk(_cm_meld* mel_u, c3_t car_t)
{
  c3_w num_w = mel_u->num_w;

  mel_u->chu_d += car_t ? 1 : 0;
  qsort(mel_u->tab_d, num_w, sizeof(c3_d), _cm_cmp);
  for ( c3_w sat_w = 0; sat_w < num_w; ) {
    c3_w mug_w = (c3_w)(mel_u->tab_d[sat_w] >> 32);
    c3_w end_w = sat_w + 1;

    while ( end_w < num_w && (c3_w)(mel_u->tab_d[end_w] >> 32) == mug_w ) {
      end_w++;
    }
    if ( !mel_u->ful_t ) {
      _cm_group(mel_u, sat_w, end_w, car_t);
    }
    mel_u->grp_d += end_w - sat_w;
    if ( _cm_tick(mel_u, "merge", mel_u->grp_d, mel_u->key_d, 0) ) {
      return -1;
    }
    sat_w = end_w;
  }
  if ( car_t ) {
    qsort(mel_u->car_d, mel_u->car_w, sizeof(c3_d), _cm_cmp);
    mel_u->cas_w = mel_u->car_w;
  }
  mel_u->num_w = 0;
  return 0;
}

/* _cm_bucket(): merge bucket buk_w's keys, in sub-passes that fit the
**   table; 0 or -1.
*/
static c3_i
_cm_bucket(_cm_meld* mel_u, c3_w buk_w)
{
  c3_d cnt_d = mel_u->cnt_d[buk_w];
  c3_w sbt_w = 0;
  c3_d* red_d = mel_u->buf_d;
  c3_w  rdw_w = _cm_buf_bytes >> 3;

  while ( (cnt_d >> sbt_w) > (mel_u->cap_w >> 1) && (mel_u->bbt_w + sbt_w) < 24 ) {
    sbt_w++;
  }
  for ( c3_w sub_w = 0; sub_w < (1U << sbt_w); sub_w++ ) {
    mel_u->car_w = mel_u->cas_w = 0;
    mel_u->num_w = 0;
    for ( c3_d don_d = 0; don_d < cnt_d; ) {
      c3_w num_w = (c3_w)c3_min((c3_d)rdw_w, cnt_d - don_d);
      if ( c3_io_pread_all(mel_u->fid_i[buk_w], red_d, (c3_z)num_w << 3, don_d << 3) ) {
        if ( !mel_u->err_i ) {
          fprintf(stderr, "meld: read bucket file %u: %s; nothing is saved\n",
                  buk_w, strerror(errno));
        }
        mel_u->err_i = 1;
        return -1;
      }
      for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
        c3_w mug_w = (c3_w)(red_d[i_w] >> 32);
        c3_w sel_w = sbt_w ? ((mug_w << (1 + mel_u->bbt_w)) >> (32 - sbt_w)) : 0;
        if ( sel_w != sub_w ) {
          continue;
        }
        if ( mel_u->num_w == mel_u->cap_w && _cm_chunk(mel_u, 1) ) {
          return -1;
        }
        mel_u->tab_d[mel_u->num_w++] = red_d[i_w];
      }
      don_d += num_w;
    }
    if ( _cm_chunk(mel_u, mel_u->car_w ? 1 : 0) ) {
      return -1;
    }
  }
  return 0;
}

/* _cm_merge(): pass 3 over the table or every bucket; 0 or -1. */
static c3_i
_cm_merge(_cm_meld* mel_u)
{
  _cm_pass(mel_u);
  if ( 1 == mel_u->buk_w ) {
    return _cm_chunk(mel_u, 0);
  }
  for ( c3_w buk_w = 0; buk_w < mel_u->buk_w; buk_w++ ) {
    if ( _cm_bucket(mel_u, buk_w) ) {
      return -1;
    }
  }
  return 0;
}

  /** Pass 4: rewrite.
  **/
/* _cm_apply(): apply the noted refcount changes, sorted by address (the
**   loom is touched in order, not at random): gains when up_t, else losses
**   (an object a loss brings to 0 is freed with what dies with it).
*/
static void _cm_free(_cm_meld* mel_u, u3_noun som);
static void
_cm_apply(_cm_meld* mel_u, c3_t up_t)
{
  qsort(mel_u->adj_u, mel_u->adn_w, sizeof(u3_noun), _cm_cmw);
  for ( c3_w i_w = 0; i_w < mel_u->adn_w; i_w++ ) {
    u3a_box* box_u = _cm_box(mel_u->adj_u[i_w]);

    //  (the RSS check only: the changes must all be applied)
    (void)_cm_tick(mel_u, up_t ? "rewrite" : "free", i_w, mel_u->adn_w, 0);
    if ( up_t ) {
      box_u->use_w++;
    }
    else {
      c3_assert( box_u->use_w );
      if ( 0 == --box_u->use_w ) {
        _cm_free(mel_u, mel_u->adj_u[i_w]);
      }
    }
  }
  mel_u->adn_w = 0;
}

/* _cm_adjust(): note one reference gained (up_t) or lost by som. */
static inline void
_cm_adjust(_cm_meld* mel_u, u3_noun som, c3_t up_t)
{
  if ( mel_u->adn_w == mel_u->adm_w ) {
    _cm_apply(mel_u, up_t);
  }
  mel_u->adj_u[mel_u->adn_w++] = som;
}

/* _cm_field(): point *fel to the end of its forwards: the end gains a
**   reference; the old target's loss is only counted (every forwarded
**   object is freed whole in pass 5, so its refcount is not written).
*/
static inline void
_cm_field(_cm_meld* mel_u, u3_noun* fel)
{
  u3_noun old = *fel;

  if ( _(u3a_is_dog(old)) ) {
    u3_noun can = _cm_end(mel_u, old);
    if ( can != old ) {
      _cm_adjust(mel_u, can, 1);
      mel_u->mov_d++;
      *fel = can;
    }
  }
}

/* _cm_rewrite(): the root and every live cell's fields; 0 or -1. */
static c3_i
_cm_rewrite(_cm_meld* mel_u)
{
  c3_w top_w = u3a_page_of(u3R->hat_w);

  _cm_pass(mel_u);
  _cm_field(mel_u, &u3H->roo);
  for ( c3_w pag_w = mel_u->bot_w; pag_w < top_w; pag_w++ ) {
    u3a_page* pag_u = &u3a_Page[pag_w];

    if ( _cm_tick(mel_u, "rewrite", pag_w - mel_u->bot_w, top_w - mel_u->bot_w,
                  pag_w - mel_u->bot_w) )
    {
      return -1;
    }
    if ( u3a_pg_slot != pag_u->typ_y || 0 != pag_u->cls_y ) {
      continue;   //  cells are 16-byte slots: class 0
    }
    for ( c3_w sot_w = 0; sot_w < pag_u->bum_s; sot_w++ ) {
      c3_w* ptr_w = u3a_page_ptr(pag_w) + (sot_w << 2);
      c3_w  gra_w = (c3_w)((ptr_w - mel_u->mat_w) >> 2);

      if ( c3_bit_get(mel_u->cel_d, gra_w) && ptr_w[0] ) {
        u3a_cell* cel_u = (u3a_cell*)(void*)ptr_w;
        _cm_field(mel_u, &cel_u->hed);
        _cm_field(mel_u, &cel_u->tel);
      }
    }
  }
  _cm_apply(mel_u, 1);
  return 0;
}

  /** Pass 5: free.
  **/

/* _cm_unbox(): free forwarded object som (its forward bit cleared), its
**   children into kid (0 for none).
*/
static void
_cm_unbox(_cm_meld* mel_u, u3_noun som, u3_noun kid[2])
{
  u3a_box* box_u = _cm_box(som);

  kid[0] = kid[1] = 0;
  c3_bit_clear(mel_u->fwd_d, _cm_gran(mel_u, som));
  if ( _(u3a_is_pom(som)) ) {
    kid[0] = ((u3a_cell*)(void*)box_u)->hed;
    kid[1] = ((u3a_cell*)(void*)box_u)->tel;
  }
  box_u->use_w = 1;           //  allocated, for the allocator's free
  u3a_wfree((c3_w*)(void*)box_u);
  mel_u->fre_d++;
}
/* _cm_free(): free object som, whatever its refcount, and what dies
**   with it (its children lose a reference).
*/
static void
_cm_free(_cm_meld* mel_u, u3_noun som)
{
  c3_w* bas_w = u3R->cap_w;

  while ( 1 ) {
    u3_noun kid[2];

    _cm_unbox(mel_u, som, kid);
    for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
      if ( _(u3a_is_dog(kid[i_w])) ) {
        u3a_box* kbx_u = _cm_box(kid[i_w]);
        c3_assert( kbx_u->use_w );
        if ( 0 == --kbx_u->use_w ) {
          *(u3_noun*)u3a_push(1) = kid[i_w];
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

/* _cm_kill(): free forwarded object som; its children's losses are
**   noted, to be applied in address order.
*/
static void
_cm_kill(_cm_meld* mel_u, u3_noun som)
{
  u3_noun kid[2];

  _cm_unbox(mel_u, som, kid);
  for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
    if ( _(u3a_is_dog(kid[i_w])) ) {
      _cm_adjust(mel_u, kid[i_w], 0);
    }
  }
}

/* _cm_sweep(): free every forwarded object, in address order, with
**   what dies with it.  Every reference to one was moved by pass 4 (all
**   cells and the root were rewritten), so the references they held must
**   equal those moved: otherwise a reference to a freed object would be
**   left (reported: -1, nothing saved).  0 or -1.
*/
static c3_i
_cm_sweep(_cm_meld* mel_u)
{
  c3_w gra_w = 0;

  _cm_pass(mel_u);
  while ( (gra_w = c3_bits_next(mel_u->fwd_d, gra_w, mel_u->gra_w, 1)) < mel_u->gra_w ) {
    c3_w*   ptr_w = mel_u->mat_w + ((c3_d)gra_w << 2);
    u3_post off   = (u3_post)u3a_outa(ptr_w);

    //  not interrupted: the heap stays consistent either way
    (void)_cm_tick(mel_u, "free", gra_w, mel_u->gra_w, 0);
    mel_u->hel_d += ptr_w[0];
    _cm_kill(mel_u, c3_bit_get(mel_u->cel_d, gra_w) ? u3a_to_pom(off)
                                                    : u3a_to_pug(off));
    gra_w++;
  }
  _cm_apply(mel_u, 0);
  if ( mel_u->hel_d != mel_u->mov_d ) {
    fprintf(stderr, "meld: the merged objects held %llu references, %llu were "
                    "moved: a reference was not rewritten; nothing is saved\n",
            (unsigned long long)mel_u->hel_d, (unsigned long long)mel_u->mov_d);
    mel_u->err_i = 1;
    return -1;
  }
  return 0;
}

  /** Setup.
  **/
/* _cm_files(): open the bucket files in PIER/.urb/chk; 0 or -1. */
static c3_i
_cm_files(_cm_meld* mel_u)
{
  c3_c dir_c[u3_path_max];

  if ( !u3C.dir_c || u3_path_put(dir_c, u3C.dir_c, u3_path_chk) ) {
    fprintf(stderr, "meld: no pier directory for the bucket files\n");
    return -1;
  }
  for ( c3_w buk_w = 0; buk_w < mel_u->buk_w; buk_w++ ) {
    c3_i fid_i = open(dir_c, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

    if ( fid_i < 0 && (EOPNOTSUPP == errno || EISDIR == errno) ) {
      //  no O_TMPFILE here: a named file, unlinked at once
      c3_c pat_c[u3_path_max + 32];
      snprintf(pat_c, sizeof(pat_c), "%s/meld-XXXXXX", dir_c);
      if ( (fid_i = mkstemp(pat_c)) >= 0 ) {
        unlink(pat_c);
      }
    }
    if ( fid_i < 0 ) {
      fprintf(stderr, "meld: open a bucket file in %s: %s\n", dir_c, strerror(errno));
      return -1;
    }
    mel_u->fid_i[buk_w] = fid_i;
  }
  return 0;
}

/* _cm_stale(): remove bucket files a crash left under the fallback. */
static void
_cm_stale(void)
{
  c3_c dir_c[u3_path_max];
  DIR* dir_u;
  struct dirent* ent_u;

  if ( !u3C.dir_c || u3_path_put(dir_c, u3C.dir_c, u3_path_chk)
       || !(dir_u = opendir(dir_c)) )
  {
    return;
  }
  while ( (ent_u = readdir(dir_u)) ) {
    if ( 0 == strncmp(ent_u->d_name, "meld-", 5) ) {
      c3_c pat_c[u3_path_max + 300];
      snprintf(pat_c, sizeof(pat_c), "%s/%s", dir_c, ent_u->d_name);
      unlink(pat_c);
    }
  }
  closedir(dir_u);
}

/* _cm_setup(): the bitmaps, the table and the buckets; 0 or -1. */
static c3_i
_cm_setup(_cm_meld* mel_u)
{
  c3_d gra_d = (c3_d)(u3R->hat_w - u3R->mat_w) >> 2;
  c3_d lim_d = u3C.limit_d ? (u3C.limit_d >> 10) / sizeof(c3_d) : _cm_tab_max;
  c3_d map_d = c3_rop(gra_d + 1, 64) * sizeof(c3_d);

  c3_d bas_kb;

  //  the runtime's own memory: the RSS less the loom's pages, once every
  //  clean page the start read is gone
  (void)u3e_drop_clean(0, u3a_page_of(u3R->hat_w));
  bas_kb = u3_mem_rss_kb();
  bas_kb -= c3_min(bas_kb, (c3_d)u3e_Limit.res_w << (u3a_page_bits - 10));

  mel_u->mat_w = u3R->mat_w;
  mel_u->mxm_d = u3_pier_meld_merges();
  mel_u->bot_w = u3a_page_of(u3R->mat_w);
  mel_u->gra_w = (c3_w)gra_d;
  mel_u->cap_w = (c3_w)c3_max(c3_min(lim_d, (c3_d)_cm_tab_max), (c3_d)_cm_tab_min);
  if ( u3R->obj_d < mel_u->cap_w ) {
    mel_u->cap_w = (c3_w)c3_max(u3R->obj_d + 1, (c3_d)_cm_tab_min);
    mel_u->buk_w = 1;
  }
  else {
    mel_u->buk_w = 2;
    mel_u->bbt_w = 1;
    while ( (u3R->obj_d >> mel_u->bbt_w) > (mel_u->cap_w >> 1)
            && mel_u->buk_w < _cm_buk_max )
    {
      mel_u->buk_w <<= 1;
      mel_u->bbt_w++;
    }
    mel_u->bfw_w = (_cm_buf_bytes >> 3) / mel_u->buk_w;
  }
  mel_u->rea_d = calloc(1, map_d);
  mel_u->cel_d = calloc(1, map_d);
  mel_u->tab_d = malloc((c3_z)mel_u->cap_w * sizeof(c3_d));
  mel_u->car_d = malloc((c3_z)_cm_car_max * sizeof(c3_d));
  mel_u->buf_d = ( mel_u->buk_w > 1 ) ? malloc(_cm_buf_bytes) : 0;
  {
    //  the forward map: twice the objects (a merge per object at most),
    //  at most 1/8 of the cap (or 4 MiB), at least 1,024 entries
    c3_d mab_d = u3C.limit_d ? (u3C.limit_d >> 3) / 8 : (1ULL << _cm_map_bits);
    mel_u->mab_w = 10;
    while ( mel_u->mab_w < _cm_map_bits
            && (1ULL << (mel_u->mab_w + 1)) <= mab_d
            && (1ULL << mel_u->mab_w) < 2 * u3R->obj_d )
    {
      mel_u->mab_w++;
    }
    mel_u->map_w = calloc((c3_z)1 << mel_u->mab_w, 2 * sizeof(c3_w));
    mel_u->adm_w = _cm_adj_max;
    mel_u->adj_u = malloc((c3_z)_cm_adj_max * sizeof(u3_noun));
  }
  if ( !mel_u->rea_d || !mel_u->cel_d || !mel_u->tab_d || !mel_u->car_d
       || (mel_u->buk_w > 1 && !mel_u->buf_d) || !mel_u->map_w || !mel_u->adj_u )
  {
    fprintf(stderr, "meld: malloc bitmaps and tables (%llu bytes): %s\n",
            (unsigned long long)(2 * map_d + (c3_d)mel_u->cap_w * 8 + _cm_buf_bytes),
            strerror(errno));
    return -1;
  }
  for ( c3_w buk_w = 0; buk_w < _cm_buk_max; buk_w++ ) {
    mel_u->fid_i[buk_w] = -1;
  }
  mel_u->own_kb = (2 * map_d + (c3_d)mel_u->cap_w * 8 + (c3_d)_cm_car_max * 8
                   + ((c3_d)8 << mel_u->mab_w) + (c3_d)_cm_adj_max * 4
                   + ( mel_u->buk_w > 1 ? _cm_buf_bytes : 0 )) >> 10;
  {
    //  the tables come out of the cap: the loom is paged under what is
    //  left, less room for the clean pages read between two drops; the
    //  RSS stays under the runtime's own (measured before the tables were
    //  allocated, which the allocator may have zeroed) plus the cap as
    //  given
    c3_d all_d = u3_pier_tool_room("meld", mel_u->own_kb << 10, mel_u->qui_o);
    c3_d rss_kb = u3_mem_rss_kb();

    mel_u->thr_kb = all_d ? bas_kb + (all_d >> 10)
                          : mel_u->own_kb + rss_kb + (16ULL << 10);
    mel_u->rsl_kb = rss_kb;
    mel_u->fch_d  = _cm_faults();
  }
  return ( mel_u->buk_w > 1 ) ? _cm_files(mel_u) : 0;
}

/* _cm_done(): free what setup took; close (and so delete) the buckets. */
static void
_cm_done(_cm_meld* mel_u)
{
  for ( c3_w buk_w = 0; buk_w < _cm_buk_max; buk_w++ ) {
    if ( mel_u->fid_i[buk_w] >= 0 ) {
      close(mel_u->fid_i[buk_w]);
    }
  }
  free(mel_u->rea_d);
  free(mel_u->cel_d);
  free(mel_u->tab_d);
  free(mel_u->car_d);
  free(mel_u->buf_d);
  free(mel_u->map_w);
  free(mel_u->adj_u);
}

/* u3_meld(): merge equal nouns of the home road's state. */
c3_i
u3_meld(c3_o quiet_o)
{
  _cm_meld  mel_u;
  u3a_stats bef_u, aft_u;
  c3_i      ret_i = -1;

  memset(&mel_u, 0, sizeof(mel_u));
  mel_u.qui_o = quiet_o;
  mel_u.sat_d = c3_nanos();
  _cm_stale();
  if ( u3R->par_u || c3n == u3R->nor_o ) {
    fprintf(stderr, "meld: not on the home road\n");
    return -1;
  }
  u3e_save_wait();   //  no patch is still going to the image
  //  nor is the image still being verified (its reads' 8 MiB buffer is
  //  not meld's to carry); a damaged image is not melded
  if ( u3e_verify_sound != u3e_verify_wait() ) {
    fprintf(stderr, "meld: the image failed its verification (see above); "
                    "nothing is melded\n");
    return -1;
  }
  u3a_stat(u3R, &bef_u);
  if ( _cm_setup(&mel_u) ) {
    _cm_done(&mel_u);
    return -1;
  }
  _cm_pass(&mel_u);
  //  the passes that follow references read the heap at random: a fault
  //  maps its own page, not its neighbours (no fault-around, no readahead)
  (void)madvise(u3a_page_ptr(mel_u.bot_w),
                (c3_z)(u3a_page_of(u3R->hat_w) - mel_u.bot_w) << u3a_page_bits,
                MADV_RANDOM);
  if ( 0 == _cm_mark(&mel_u, u3H->roo)
       && (mel_u.tim_d[0] = c3_nanos(), 0 == _cm_scan(&mel_u))
       && (mel_u.tim_d[1] = c3_nanos(), 0 == _cm_merge(&mel_u))
       && (mel_u.tim_d[2] = c3_nanos(), 0 == _cm_rewrite(&mel_u))
       && (mel_u.tim_d[3] = c3_nanos(), 0 == _cm_sweep(&mel_u)) )
  {
    mel_u.tim_d[4] = c3_nanos();
    ret_i = 0;
  }
  {
    c3_d rss_kb = u3_mem_rss_kb();
    if ( rss_kb > mel_u.rss_kb ) {
      mel_u.rss_kb = rss_kb;
    }
  }
  _cm_done(&mel_u);
  if ( ret_i ) {
    return -1;
  }

  u3a_stat(u3R, &aft_u);
  c3_d tim_d = c3_nanos() - mel_u.sat_d;
  c3_d fkb_d = (bef_u.live_d - c3_min(bef_u.live_d, aft_u.live_d)) >> 10;

  fprintf(stderr, "meld: %llu objects, %llu merged into an equal one, %llu freed; "
                  "live %llu KiB -> %llu KiB (%llu KiB freed) in %.2f s, "
                  "%u bucket%s, peak RSS %llu MiB%s; run urbit pack to shrink "
                  "the image\n",
          (unsigned long long)mel_u.obj_d, (unsigned long long)mel_u.mer_d,
          (unsigned long long)mel_u.fre_d,
          (unsigned long long)(bef_u.live_d >> 10),
          (unsigned long long)(aft_u.live_d >> 10), (unsigned long long)fkb_d,
          (double)tim_d / 1e9, mel_u.buk_w, ( 1 == mel_u.buk_w ) ? "" : "s",
          (unsigned long long)(mel_u.rss_kb >> 10),
          mel_u.ski_d ? " (some objects sharing a mug with too many others "
                        "were not compared)" : "");
  if ( mel_u.ful_t ) {
    fprintf(stderr, "meld: the forward map filled after %llu merges: run urbit "
                    "meld again to merge the rest\n", (unsigned long long)mel_u.mer_d);
  }
  u3_pier_figure("meld_objects", mel_u.obj_d);
  u3_pier_figure("meld_merged", mel_u.mer_d);
  u3_pier_figure("meld_freed_objects", mel_u.fre_d);
  u3_pier_figure("meld_live_before_kb", bef_u.live_d >> 10);
  u3_pier_figure("meld_live_after_kb", aft_u.live_d >> 10);
  u3_pier_figure("meld_freed_kb", fkb_d);
  u3_pier_figure("meld_buckets", mel_u.buk_w);
  u3_pier_figure("meld_skipped", mel_u.ski_d);
  u3_pier_figure("meld_chunks", mel_u.chu_d);
  u3_pier_figure("meld_full", mel_u.ful_t);
  u3_pier_figure("meld_dropped_pages", mel_u.dro_d);
  u3_pier_figure("meld_ms", tim_d / 1000000);
  {
    static const c3_c* nam_c[5] = { "meld_mark_ms", "meld_scan_ms", "meld_merge_ms",
                                    "meld_rewrite_ms", "meld_free_ms" };
    c3_d las_d = mel_u.sat_d;
    for ( c3_w i_w = 0; i_w < 5; i_w++ ) {
      u3_pier_figure(nam_c[i_w], (mel_u.tim_d[i_w] - las_d) / 1000000);
      las_d = mel_u.tim_d[i_w];
    }
  }
  u3_pier_figure("meld_rss_peak_kb", mel_u.rss_kb);
  return 0;
}
