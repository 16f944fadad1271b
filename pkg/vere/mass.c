/// @file mass.c
/// `urbit mass PIER`: where a stopped pier's memory goes, read-only and in
/// bounded memory, whatever the size of its state.
///
/// Read-only.  mass takes the pier's lock shared, as `urbit check` does (a
/// live pier is refused), judges the image with the start's own validator
/// (u3e_judge: every page against its checksum, read with pread, so the
/// pages land in the page cache, not in mass's memory), and refuses an
/// image a start would not resume as it is (a pending patch: start the
/// ship once to apply it).  It then opens north.bin O_RDONLY (nothing of
/// the loom is booted, and no byte of the pier can be written) and reads
/// it with pread through a small cache of its own, never by mapping it:
/// a file mapping's resident pages are the kernel's to size (large page
/// cache folios map far more than was touched), a cache's are not.  It
/// reads the allocator's own structures: the header's home road and the
/// page table in the metadata pages.  Every reference is bounds-checked
/// against the page table before it is followed: a damaged image is
/// reported, never a crash.
///
/// Passes.
///   1. pages: the page table alone (16 bytes per loom page, in the
///      metadata pages): pages by state, slot pages per size class with
///      their live slots, runs, free pages inside the heap.  This gives
///      the allocator's overhead: free bytes inside the heap, metadata,
///      and the slack of each size class (free slots in its pages).
///   2. mark: from the state's root, every reachable object, depth first
///      on a bounded stack outside the loom, setting a mark bit and, for
///      cells, a cell bit (one bit each per 16-byte granule of the image).
///      When the stack is full a push is dropped and noted; once the
///      stack drains, marked cells are rescanned in address order for
///      unmarked children, until none was dropped (so the stack bounds
///      memory, not correctness).  The top-level parts of the kernel's
///      state ([kv churn blob count]) are marked one after the other, so
///      the bytes of each are what it reaches that the earlier ones did
///      not.  Live bytes are counted by the object's slot (the allocator's
///      own measure, as u3a_mark_noun counts them), by kind: cells,
///      indirect atoms per size class, atoms in page runs.
///   3. meld: indirect atoms equal to an earlier one, in address order:
///      a fixed table of (hash, granule) pairs, filled to at most half,
///      and as many passes as the atoms need, pass k taking the atoms
///      whose hash (of their bytes, computed here: cached mugs are not
///      in every object) is k modulo the passes.  An atom whose hash,
///      length and bytes equal an entry's is a duplicate: its slot is
///      what meld would save.  Cells are not compared (a separately built equal cell is
///      rare in these workloads; the estimate is atoms only).
///   pack would save the image less the live bytes, the metadata and the
///   header page.
///
/// Memory bound: the mark and cell bitmaps (2 bits per 16 bytes of image,
/// 1/64 of it: 16 MiB at 1 GiB), the page table's entries for the image
/// (1/1024 of it), the stack (4 MiB at most), the meld table (8 MiB), the
/// page cache (16 MiB) and two 256 KiB chunks: 29 MiB plus 1/60 of the
/// image, whatever the state holds.
///
/// Progress on stderr for runs over two seconds (pass, percent, pages
/// per second); a report on stdout (or one JSON object with --json); an
/// SVG picture of the loom with --svg FILE, one pixel per page.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "c3/bitmap.h"
#include "c3/clock.h"
#include "noun/noun.h"
#include "noun/events.h"
#include "vere/mass.h"
#include "vere/mem.h"
#include "vere/path.h"
#include "vere/pier.h"
#include "vere/pier_in.h"

#define _cw_stack_max  (1U << 20)   //  stack entries (4 MiB)
#define _cw_table_bits 20           //  meld table: 2^20 entries (8 MiB)
#define _cw_line_bits  12           //  cache lines of 4 KiB: cells are sparse
#define _cw_line_bytes (1U << _cw_line_bits)
#define _cw_cache_bits 12           //  2^12 lines (16 MiB)
#define _cw_chunk      (256U << 10) //  bytes compared or hashed at once
#define _cw_every      4096         //  objects between clock and RSS checks
#define _cw_parts      5            //  spine, kv, churn, blob, count

static const c3_c* _cw_part_c[_cw_parts] = { "spine", "kv", "churn", "blob", "count" };

/* _cw_mass: everything one mass run keeps.
*/
typedef struct {
  //  the image
  c3_i            fid_i;     //  north.bin, read-only
  c3_c            pat_c[u3_path_max];
  c3_d            len_d;     //  image bytes
  c3_w            nor_w;     //  image pages
  c3_w            lum_w;     //  loom pages
  c3_w            bit_w;     //  loom bits
  c3_w            met_w;     //  metadata pages
  u3a_page*       pag_u;     //  the page table's first nor_w entries
  u3m_home        hom_u;     //  the home header
  //  the page cache: direct-mapped, one 16 KiB page a line
  c3_y*           cac_y;     //  lines
  c3_w*           tag_w;     //  page + 1 held by each line, 0 if none
  c3_y*           chu_y;     //  two chunks, for hashing and comparing
  c3_d            red_d;     //  bytes read from the image
  c3_d            mis_d;     //  cache misses
  //  marking
  c3_d*           mar_d;     //  mark bits, one per granule
  c3_d*           cel_d;     //  cell bits, one per granule
  u3_noun*        sak_u;     //  the stack
  c3_w            sap_w;     //  entries on it
  c3_t            ovf_t;     //  a push was dropped
  c3_t            bad_t;     //  a damaged reference or a failed read
  c3_c            why_c[u3_path_max + 200];
  //  memory and progress
  c3_d            tik_d;     //  objects since the last check
  c3_d            sat_d;     //  start (ns)
  c3_d            tim_d[4];  //  ends of the phases: judge, pages, mark, meld
  c3_d            pro_d;     //  last progress line (ns)
  c3_d            rss_peak_kb;
  c3_o            qui_o;     //  no progress lines
  //  pass 1: pages
  c3_w            typ_w[5];  //  heap pages by u3a_pg_*
  c3_w            cpg_w[u3a_classes];   //  slot pages per class
  c3_d            cls_d[u3a_classes];   //  live slots per class (page table)
  c3_d            cap_d[u3a_classes];   //  slots per class (page table)
  c3_d            rnp_d;     //  run pages (heads and tails)
  c3_d            run_d;     //  runs
  c3_d            alv_d;     //  live bytes by the page table
  //  pass 2: mark
  c3_d            obj_d;     //  objects reached
  c3_d            byt_d;     //  bytes reached (slots)
  c3_d            cel_n_d;   //  cells
  c3_d            cel_b_d;
  c3_d            atm_n_d[u3a_classes + 1];  //  atoms per class; last: runs
  c3_d            atm_b_d[u3a_classes + 1];
  c3_d            par_d[_cw_parts];          //  bytes per part of the state
  c3_d            res_d;     //  rescans after an overflow
  //  pass 3: meld
  c3_d            atm_d;     //  indirect atoms reached
  c3_w            pas_w;     //  meld passes
  c3_d            dup_n_d;   //  duplicate atoms
  c3_d            dup_b_d;   //  their bytes
} _cw_mass;

  /** Memory and progress.
  **/
/* _cw_progress(): at most a line a second once the run has lasted two:
**   pass, percent, pages per second (image bytes read / 16 KiB).
*/
static void
_cw_progress(_cw_mass* mas_u, const c3_c* pas_c, c3_d don_d, c3_d all_d,
             c3_d bot_d, c3_d red_d)
{
  c3_d now_d = c3_nanos();

  if ( _(mas_u->qui_o) || (now_d - mas_u->sat_d) < 2000000000ULL
       || (mas_u->pro_d && (now_d - mas_u->pro_d) < 1000000000ULL) )
  {
    return;
  }
  double sec_d = (double)(now_d - bot_d) / 1e9;
  fprintf(stderr, "mass: %s: %.0f%%, %.0f pages/s, rss %llu MiB\n", pas_c,
          all_d ? 100.0 * (double)c3_min(don_d, all_d) / (double)all_d : 100.0,
          sec_d > 0 ? (double)((mas_u->red_d - red_d) >> u3a_page_bits) / sec_d : 0.0,
          (unsigned long long)(mas_u->rss_peak_kb >> 10));
  mas_u->pro_d = now_d;
}

/* _cw_tick(): every _cw_every objects: the RSS, then progress. */
static inline void
_cw_tick(_cw_mass* mas_u, const c3_c* pas_c, c3_d don_d, c3_d all_d,
         c3_d bot_d, c3_d red_d)
{
  if ( ++mas_u->tik_d >= _cw_every ) {
    c3_d rss_kb = u3_mem_rss_kb();
    mas_u->tik_d = 0;
    if ( rss_kb > mas_u->rss_peak_kb ) {
      mas_u->rss_peak_kb = rss_kb;
    }
    _cw_progress(mas_u, pas_c, don_d, all_d, bot_d, red_d);
  }
}

  /** The image, read through a bounded cache.
  **/
/* _cw_bad(): note damage or a failed read (the first one's description). */
static void
_cw_bad(_cw_mass* mas_u, const c3_c* why_c, u3_noun som)
{
  if ( !mas_u->bad_t ) {
    snprintf(mas_u->why_c, sizeof(mas_u->why_c), "%s (noun 0x%08x)", why_c, som);
  }
  mas_u->bad_t = 1;
}

/* _cw_pread(): len_z bytes of the image at off_d into buf_y; 0, or -1
**   (noted).
*/
static c3_i
_cw_pread(_cw_mass* mas_u, c3_y* buf_y, c3_z len_z, c3_d off_d)
{
  while ( len_z ) {
    ssize_t ret_i = pread(mas_u->fid_i, buf_y, len_z, (off_t)off_d);
    if ( ret_i <= 0 ) {
      if ( ret_i < 0 && EINTR == errno ) continue;
      if ( !mas_u->bad_t ) {
        snprintf(mas_u->why_c, sizeof(mas_u->why_c), "read %s at %llu: %s",
                 mas_u->pat_c, (unsigned long long)off_d,
                 ret_i ? strerror(errno) : "the file is shorter than it was");
      }
      mas_u->bad_t = 1;
      return -1;
    }
    mas_u->red_d += (c3_d)ret_i;
    buf_y += ret_i;
    len_z -= (c3_z)ret_i;
    off_d += (c3_d)ret_i;
  }
  return 0;
}

/* _cw_at(): the image's byte at off_d (below its end) in the cache, with
**   the rest of its 4 KiB line after it; 0 on a failed read.
*/
static const c3_y*
_cw_at(_cw_mass* mas_u, c3_d off_d)
{
  c3_w  blk_w = (c3_w)(off_d >> _cw_line_bits);
  c3_w  lin_w = (blk_w * 0x9e3779b1U) >> (32 - _cw_cache_bits);
  c3_y* buf_y = mas_u->cac_y + ((c3_z)lin_w << _cw_line_bits);

  if ( mas_u->tag_w[lin_w] != blk_w + 1 ) {
    mas_u->mis_d++;
    if ( _cw_pread(mas_u, buf_y, _cw_line_bytes, (c3_d)blk_w << _cw_line_bits) ) {
      mas_u->tag_w[lin_w] = 0;
      return 0;
    }
    mas_u->tag_w[lin_w] = blk_w + 1;
  }
  return buf_y + (off_d & (_cw_line_bytes - 1));
}

/* _cw_where(): where object som (a reference) is, by the page table
**   alone: its granule, slot bytes and class (u3a_classes for a run); 0
**   when no object can be there (noted), else 1.
*/
static c3_t
_cw_where(_cw_mass* mas_u, u3_noun som, c3_w* gra_w, c3_w* siz_w, c3_w* cls_w)
{
  c3_d off_d = (c3_d)u3a_to_off(som) << 2;          //  bytes from the base
  c3_w pag_w = (c3_w)(off_d >> u3a_page_bits);

  if ( pag_w <= mas_u->met_w || pag_w >= mas_u->nor_w ) {
    _cw_bad(mas_u, "a reference outside the heap", som);
    return 0;
  }
  const u3a_page* pag_u = &mas_u->pag_u[pag_w];
  c3_w            inn_w = (c3_w)(off_d & (u3a_page_bytes - 1));

  if ( u3a_pg_slot == pag_u->typ_y && pag_u->cls_y < u3a_classes ) {
    c3_w wid_w = u3a_class_bytes(pag_u->cls_y);
    if ( (inn_w % wid_w) || (inn_w / wid_w) >= pag_u->bum_s ) {
      _cw_bad(mas_u, "a reference between slots", som);
      return 0;
    }
    *siz_w = wid_w;
    *cls_w = pag_u->cls_y;
  }
  else if ( u3a_pg_runh == pag_u->typ_y && 0 == inn_w
            && pag_u->nex_w && pag_u->nex_w <= mas_u->nor_w - pag_w )
  {
    *siz_w = pag_u->nex_w << u3a_page_bits;
    *cls_w = u3a_classes;
  }
  else {
    _cw_bad(mas_u, "a reference to a page holding no object", som);
    return 0;
  }
  *gra_w = (c3_w)(off_d >> 4);
  return 1;
}

/* _cw_live(): 1 if the object whose first 16 bytes are at ptr_w, of
**   siz_w bytes, is live and (an atom) fits its slot; else noted, 0.
*/
static c3_t
_cw_live(_cw_mass* mas_u, u3_noun som, const c3_w* ptr_w, c3_w siz_w)
{
  if ( !ptr_w[0] ) {
    _cw_bad(mas_u, "a reference to a free slot", som);
    return 0;
  }
  if ( _(u3a_is_pug(som)) && (12 + ((c3_d)ptr_w[2] << 2)) > siz_w ) {
    _cw_bad(mas_u, "an atom longer than its slot", som);
    return 0;
  }
  return 1;
}

/* _cw_obj(): the first 16 bytes of live object som (a reference) in the
**   cache, with _cw_where's figures; 0 when it is not a live object of
**   the heap (noted).  The pointer is good until the next read.
*/
static const c3_w*
_cw_obj(_cw_mass* mas_u, u3_noun som, c3_w* gra_w, c3_w* siz_w, c3_w* cls_w)
{
  const c3_y* pag_y;
  const c3_w* ptr_w;
  c3_d        off_d = (c3_d)u3a_to_off(som) << 2;

  if (  !_cw_where(mas_u, som, gra_w, siz_w, cls_w)
     || !(pag_y = _cw_at(mas_u, off_d)) )
  {
    return 0;
  }
  ptr_w = (const c3_w*)(const void*)pag_y;
  return _cw_live(mas_u, som, ptr_w, *siz_w) ? ptr_w : 0;
}

/* _cw_open(): open dir_c's north.bin of nor_w pages, read its header and
**   page table; 0, or -1 (reported).
*/
static c3_i
_cw_open(_cw_mass* mas_u, const c3_c* dir_c, c3_w nor_w)
{
  struct stat sat_u;
  c3_o        ref_o;

  if ( u3_path_put(mas_u->pat_c, dir_c, u3_path_north) ) {
    return -1;
  }
  if ( 0 > (mas_u->fid_i = open(mas_u->pat_c, O_RDONLY | O_CLOEXEC)) ) {
    fprintf(stderr, "mass: open %s: %s\n", mas_u->pat_c, strerror(errno));
    return -1;
  }
  if ( fstat(mas_u->fid_i, &sat_u) ) {
    fprintf(stderr, "mass: fstat %s: %s\n", mas_u->pat_c, strerror(errno));
    return -1;
  }
  if ( (c3_d)sat_u.st_size < ((c3_d)nor_w << u3a_page_bits) || nor_w < 2 ) {
    fprintf(stderr, "mass: %s: %llu bytes, shorter than its %u pages\n",
            mas_u->pat_c, (unsigned long long)sat_u.st_size, nor_w);
    return -1;
  }
  mas_u->nor_w = nor_w;
  mas_u->len_d = (c3_d)nor_w << u3a_page_bits;

  if ( _cw_pread(mas_u, (c3_y*)&mas_u->hom_u, sizeof(mas_u->hom_u), 0) ) {
    fprintf(stderr, "mass: %s\n", mas_u->why_c);
    return -1;
  }
  if ( c3n == u3m_header_check(&mas_u->hom_u, mas_u->hom_u.bits_w, nor_w, &ref_o) ) {
    fprintf(stderr, "mass: %s: the home header is not usable (see above)\n",
            mas_u->pat_c);
    return -1;
  }
  mas_u->bit_w = mas_u->hom_u.bits_w;
  mas_u->lum_w = 1U << (mas_u->bit_w - u3a_page_bits);
  mas_u->met_w = u3a_meta_pages(mas_u->lum_w);
  if ( 1 + mas_u->met_w > nor_w ) {
    fprintf(stderr, "mass: %s: the image is shorter than its metadata\n",
            mas_u->pat_c);
    return -1;
  }
  //  the page table's entries for the image's pages: 1/1024 of it
  if ( !(mas_u->pag_u = malloc((c3_z)nor_w * sizeof(u3a_page))) ) {
    fprintf(stderr, "mass: malloc page table (%u entries): %s\n", nor_w,
            strerror(errno));
    return -1;
  }
  if ( _cw_pread(mas_u, (c3_y*)mas_u->pag_u, (c3_z)nor_w * sizeof(u3a_page),
                 u3a_page_bytes) )
  {
    fprintf(stderr, "mass: %s\n", mas_u->why_c);
    return -1;
  }
  return 0;
}

  /** Pass 1: the page table.
  **/
/* _cw_pages(): pages by state, slot pages per class, runs. */
static void
_cw_pages(_cw_mass* mas_u)
{
  for ( c3_w pag_w = 1; pag_w < mas_u->nor_w; pag_w++ ) {
    const u3a_page* pag_u = &mas_u->pag_u[pag_w];
    c3_w            typ_w = ( pag_w <= mas_u->met_w ) ? u3a_pg_meta
                            : ( pag_u->typ_y <= u3a_pg_runt ) ? pag_u->typ_y
                            : u3a_pg_free;

    mas_u->typ_w[typ_w]++;
    if ( u3a_pg_slot == typ_w && pag_u->cls_y < u3a_classes ) {
      c3_w cls_w = pag_u->cls_y;
      c3_w num_w = u3a_page_bytes / u3a_class_bytes(cls_w);
      mas_u->cpg_w[cls_w]++;
      mas_u->cls_d[cls_w] += pag_u->liv_s;
      mas_u->cap_d[cls_w] += num_w;
      mas_u->alv_d += (c3_d)pag_u->liv_s * u3a_class_bytes(cls_w);
    }
    else if ( u3a_pg_runh == typ_w ) {
      mas_u->run_d++;
      mas_u->alv_d += (c3_d)pag_u->nex_w << u3a_page_bits;
    }
    if ( u3a_pg_runh == typ_w || u3a_pg_runt == typ_w ) {
      mas_u->rnp_d++;
    }
  }
}

  /** Pass 2: marking.
  **/
/* _cw_push(): push som, or note that it was dropped. */
static inline void
_cw_push(_cw_mass* mas_u, u3_noun som)
{
  if ( mas_u->sap_w < _cw_stack_max ) {
    mas_u->sak_u[mas_u->sap_w++] = som;
  }
  else {
    mas_u->ovf_t = 1;
  }
}

/* _cw_mark_one(): mark som and, depth first, what it reaches (as the
**   stack allows); returns when the stack is empty.
*/
static void
_cw_mark_one(_cw_mass* mas_u, u3_noun som, c3_d bot_d)
{
  while ( 1 ) {
    if ( _(u3a_is_dog(som)) && !mas_u->bad_t ) {
      c3_w gra_w, siz_w, cls_w;

      //  an atom's header is read by the meld pass, in address order
      if (  _cw_where(mas_u, som, &gra_w, &siz_w, &cls_w)
         && !c3_bit_get(mas_u->mar_d, gra_w) )
      {
        if ( _(u3a_is_pom(som)) ) {
          const c3_w* ptr_w = _cw_obj(mas_u, som, &gra_w, &siz_w, &cls_w);
          if ( !ptr_w ) {
            continue;
          }
          c3_bit_set(mas_u->mar_d, gra_w);
          mas_u->obj_d++;
          mas_u->byt_d += siz_w;
          const u3a_cell* cel_u = (const u3a_cell*)(const void*)ptr_w;
          c3_bit_set(mas_u->cel_d, gra_w);
          mas_u->cel_n_d++;
          mas_u->cel_b_d += siz_w;
          _cw_push(mas_u, cel_u->tel);
          som = cel_u->hed;
          _cw_tick(mas_u, "mark", mas_u->obj_d, mas_u->hom_u.rod_u.obj_d, bot_d, 0);
          continue;
        }
        c3_bit_set(mas_u->mar_d, gra_w);
        mas_u->obj_d++;
        mas_u->byt_d += siz_w;
        mas_u->atm_n_d[cls_w]++;
        mas_u->atm_b_d[cls_w] += siz_w;
        mas_u->atm_d++;
        _cw_tick(mas_u, "mark", mas_u->obj_d, mas_u->hom_u.rod_u.obj_d, bot_d, 0);
      }
    }
    if ( !mas_u->sap_w ) {
      return;
    }
    som = mas_u->sak_u[--mas_u->sap_w];
  }
}

/* _cw_mark(): mark everything som reaches, rescanning after overflows. */
static void
_cw_mark(_cw_mass* mas_u, u3_noun som, c3_d bot_d)
{
  c3_w gra_w = (c3_w)(((c3_d)(mas_u->met_w + 1) << u3a_page_bits) >> 4);
  c3_w end_w = (c3_w)(mas_u->len_d >> 4);

  _cw_mark_one(mas_u, som, bot_d);
  while ( mas_u->ovf_t && !mas_u->bad_t ) {
    //  pushes were dropped: every marked cell's children again
    mas_u->ovf_t = 0;
    mas_u->res_d++;
    for ( c3_w cur_w = gra_w; cur_w < end_w && !mas_u->bad_t; cur_w++ ) {
      cur_w = c3_bits_next(mas_u->cel_d, cur_w, end_w, 1);
      if ( cur_w >= end_w ) {
        break;
      }
      c3_d        off_d = (c3_d)cur_w << 4;
      const c3_y* pag_y = _cw_at(mas_u, off_d);
      if ( !pag_y ) {
        break;
      }
      const u3a_cell* cel_u = (const u3a_cell*)(const void*)pag_y;
      u3_noun hed = cel_u->hed, tel = cel_u->tel;
      _cw_mark_one(mas_u, hed, bot_d);
      _cw_mark_one(mas_u, tel, bot_d);
    }
  }
}

/* _cw_cell_at(): the head and tail of som if it is a sound cell; 0 if not. */
static c3_t
_cw_cell_at(_cw_mass* mas_u, u3_noun som, u3_noun* hed, u3_noun* tel)
{
  c3_w        gra_w, siz_w, cls_w;
  const c3_w* ptr_w;

  if ( c3n == u3a_is_pom(som) || !(ptr_w = _cw_obj(mas_u, som, &gra_w, &siz_w, &cls_w)) ) {
    return 0;
  }
  *hed = ((const u3a_cell*)(const void*)ptr_w)->hed;
  *tel = ((const u3a_cell*)(const void*)ptr_w)->tel;
  return 1;
}

/* _cw_mark_state(): mark the state, part by part: [kv churn blob count]. */
static void
_cw_mark_state(_cw_mass* mas_u)
{
  u3_noun roo = mas_u->hom_u.roo;
  u3_noun par[_cw_parts - 1], spi[3], t1, t2;
  c3_d    bot_d = c3_nanos();
  c3_d    was_d;

  if (  _cw_cell_at(mas_u, roo, &par[0], &t1)
     && _cw_cell_at(mas_u, t1, &par[1], &t2)
     && _cw_cell_at(mas_u, t2, &par[2], &par[3]) )
  {
    //  the spine's three cells alone, then each part
    spi[0] = roo; spi[1] = t1; spi[2] = t2;
    for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
      c3_w gra_w, siz_w, cls_w;
      if ( _cw_obj(mas_u, spi[i_w], &gra_w, &siz_w, &cls_w)
           && !c3_bit_get(mas_u->mar_d, gra_w) )
      {
        c3_bit_set(mas_u->mar_d, gra_w);
        c3_bit_set(mas_u->cel_d, gra_w);
        mas_u->obj_d++;
        mas_u->byt_d += siz_w;
        mas_u->cel_n_d++;
        mas_u->cel_b_d += siz_w;
        mas_u->par_d[0] += siz_w;
      }
    }
    for ( c3_w i_w = 0; i_w < _cw_parts - 1; i_w++ ) {
      was_d = mas_u->byt_d;
      _cw_mark(mas_u, par[i_w], bot_d);
      mas_u->par_d[1 + i_w] = mas_u->byt_d - was_d;
    }
  }
  else if ( !mas_u->bad_t ) {
    //  not a kernel state: one part
    _cw_mark(mas_u, roo, bot_d);
    mas_u->par_d[0] = mas_u->byt_d;
  }
}

  /** Pass 3: meld.
  **/
typedef struct {
  c3_w has_w;     //  the atom's hash, never 0; 0: empty
  c3_w gra_w;     //  the atom's granule
} _cw_ent;

/* _cw_atom_len(): the words of the indirect atom at granule gra_w (marked,
**   so sound), from its header; ~0 if it cannot be read.
*/
static c3_w
_cw_atom_len(_cw_mass* mas_u, c3_w gra_w)
{
  c3_d        off_d = (c3_d)gra_w << 4;
  const c3_y* pag_y = _cw_at(mas_u, off_d);

  return pag_y ? ((const c3_w*)(const void*)pag_y)[2] : ~0U;
}

/* _cw_hash_add(): fold num_w bytes (whole words) at buf_y into has_d,
**   eight at a time (equal atoms are read in equal chunks, so they fold
**   alike).
*/
static inline c3_d
_cw_hash_add(c3_d has_d, const c3_y* buf_y, c3_w num_w)
{
  c3_w i_w = 0;

  for ( ; i_w + 8 <= num_w; i_w += 8 ) {
    c3_d wor_d;
    memcpy(&wor_d, buf_y + i_w, 8);
    has_d = (has_d ^ wor_d) * 0x100000001b3ULL;
    has_d ^= has_d >> 29;
  }
  if ( i_w < num_w ) {
    c3_w wor_w;
    memcpy(&wor_w, buf_y + i_w, 4);
    has_d = (has_d ^ wor_w) * 0x100000001b3ULL;
    has_d ^= has_d >> 29;
  }
  return has_d;
}

/* _cw_hash_end(): the 32-bit hash, never 0. */
static inline c3_w
_cw_hash_end(c3_d has_d)
{
  c3_w has_w = (c3_w)(has_d ^ (has_d >> 32));
  return has_w ? has_w : 1;
}

/* _cw_hash(): a 32-bit hash (never 0) of the len_w words of the atom at
**   granule gra_w, read in chunks; 0 on a failed read.
*/
static c3_w
_cw_hash(_cw_mass* mas_u, c3_w gra_w, c3_w len_w)
{
  c3_d off_d = ((c3_d)gra_w << 4) + 12;
  c3_d lef_d = (c3_d)len_w << 2;
  c3_d has_d = 0xcbf29ce484222325ULL ^ len_w;

  while ( lef_d ) {
    c3_w num_w = (c3_w)c3_min(lef_d, (c3_d)_cw_chunk);
    if ( _cw_pread(mas_u, mas_u->chu_y, num_w, off_d) ) {
      return 0;
    }
    has_d = _cw_hash_add(has_d, mas_u->chu_y, num_w);
    off_d += num_w;
    lef_d -= num_w;
  }
  return _cw_hash_end(has_d);
}

/* _cw_same(): 1 if the len_w words of the atoms at granules a_w and b_w
**   are equal.
*/
static c3_t
_cw_same(_cw_mass* mas_u, c3_w a_w, c3_w b_w, c3_w len_w)
{
  c3_d a_d = ((c3_d)a_w << 4) + 12;
  c3_d b_d = ((c3_d)b_w << 4) + 12;
  c3_d lef_d = (c3_d)len_w << 2;
  c3_y* one_y = mas_u->chu_y;
  c3_y* two_y = mas_u->chu_y + _cw_chunk;

  while ( lef_d ) {
    c3_w num_w = (c3_w)c3_min(lef_d, (c3_d)_cw_chunk);
    if (  _cw_pread(mas_u, one_y, num_w, a_d)
       || _cw_pread(mas_u, two_y, num_w, b_d)
       || memcmp(one_y, two_y, num_w) )
    {
      return 0;
    }
    a_d += num_w;
    b_d += num_w;
    lef_d -= num_w;
  }
  return 1;
}

/* _cw_meld(): duplicate atoms, in passes by hash over a fixed table. */
static c3_i
_cw_meld(_cw_mass* mas_u)
{
  c3_w     cap_w = 1U << _cw_table_bits;
  c3_w     max_w = cap_w / 2;
  _cw_ent* tab_u = malloc((c3_z)cap_w * sizeof(_cw_ent));
  c3_w     gra_w = (c3_w)(((c3_d)(mas_u->met_w + 1) << u3a_page_bits) >> 4);
  c3_w     end_w = (c3_w)(mas_u->len_d >> 4);
  c3_d     bot_d = c3_nanos();
  c3_d     red_d = mas_u->red_d;
  c3_d     don_d = 0;

  if ( !tab_u ) {
    fprintf(stderr, "mass: malloc meld table (%llu bytes): %s\n",
            (unsigned long long)cap_w * sizeof(_cw_ent), strerror(errno));
    return -1;
  }
  mas_u->pas_w = (c3_w)c3_max(1, (mas_u->atm_d + max_w - 1) / max_w);
  for ( c3_w pas_w = 0; pas_w < mas_u->pas_w && !mas_u->bad_t; pas_w++ ) {
    memset(tab_u, 0, (c3_z)cap_w * sizeof(_cw_ent));
    for ( c3_w cur_w = gra_w; cur_w < end_w && !mas_u->bad_t; cur_w++ ) {
      //  the next marked granule that is not a cell: an indirect atom
      cur_w = c3_bits_next(mas_u->mar_d, cur_w, end_w, 1);
      if ( cur_w >= end_w ) {
        break;
      }
      if ( c3_bit_get(mas_u->cel_d, cur_w) ) {
        continue;
      }
      //  the atom's header, checked as the mark did not; a slot atom's
      //  bytes are in the same cached page
      c3_d        off_d = (c3_d)cur_w << 4;
      c3_w        inn_w = (c3_w)(off_d & (_cw_line_bytes - 1));
      const c3_y* pag_y = _cw_at(mas_u, off_d);
      u3_noun     som   = u3a_to_pug((c3_w)(off_d >> 2));
      c3_w        gra_x, siz_w, cls_w, len_w, has_w;
      const c3_w* ptr_w;

      if ( !pag_y || !_cw_where(mas_u, som, &gra_x, &siz_w, &cls_w) ) {
        break;
      }
      ptr_w = (const c3_w*)(const void*)pag_y;
      if ( !_cw_live(mas_u, som, ptr_w, siz_w) ) {
        break;
      }
      len_w = ptr_w[2];
      if ( inn_w + 12 + ((c3_d)len_w << 2) <= _cw_line_bytes ) {
        has_w = _cw_hash_end(_cw_hash_add(0xcbf29ce484222325ULL ^ len_w,
                                          (const c3_y*)(ptr_w + 3), len_w << 2));
      }
      else if ( !(has_w = _cw_hash(mas_u, cur_w, len_w)) ) {
        break;
      }
      _cw_tick(mas_u, "meld", ++don_d, mas_u->atm_d * mas_u->pas_w, bot_d, red_d);
      if ( (has_w % mas_u->pas_w) != pas_w ) {
        continue;
      }
      c3_w idx_w = (has_w * 0x9e3779b1U) >> (32 - _cw_table_bits);
      c3_t dup_t = 0;
      while ( tab_u[idx_w].has_w ) {
        if ( tab_u[idx_w].has_w == has_w
             && _cw_atom_len(mas_u, tab_u[idx_w].gra_w) == len_w
             && _cw_same(mas_u, tab_u[idx_w].gra_w, cur_w, len_w) )
        {
          dup_t = 1;
          break;
        }
        idx_w = (idx_w + 1) & (cap_w - 1);
      }
      if ( dup_t ) {
        mas_u->dup_n_d++;
        mas_u->dup_b_d += siz_w;
      }
      else {
        tab_u[idx_w].has_w = has_w;
        tab_u[idx_w].gra_w = cur_w;
      }
    }
  }
  free(tab_u);
  return 0;
}

  /** Output.
  **/
/* _cw_kib(): bytes as KiB, for the text report. */
static unsigned long long
_cw_kib(c3_d byt_d)
{
  return (unsigned long long)(byt_d >> 10);
}

/* _cw_figures: the derived figures, the same for text and JSON. */
typedef struct {
  c3_d img_d;     //  image bytes
  c3_d hep_d;     //  heap bytes (pages 1 to the image's end)
  c3_d met_d;     //  metadata bytes
  c3_d fre_d;     //  free bytes inside the heap (free pages and slack)
  c3_d fpg_d;     //  free pages' bytes
  c3_d lek_d;     //  allocated but unreachable bytes
  c3_d pak_d;     //  what pack would save
} _cw_figures;

/* _cw_derive(): the derived figures. */
static void
_cw_derive(const _cw_mass* mas_u, _cw_figures* fig_u)
{
  fig_u->img_d = mas_u->len_d;
  fig_u->met_d = (c3_d)mas_u->met_w << u3a_page_bits;
  fig_u->hep_d = (c3_d)(mas_u->nor_w - 1) << u3a_page_bits;
  fig_u->fpg_d = (c3_d)mas_u->typ_w[u3a_pg_free] << u3a_page_bits;
  fig_u->fre_d = fig_u->hep_d - fig_u->met_d - mas_u->alv_d;
  fig_u->lek_d = ( mas_u->alv_d > mas_u->byt_d ) ? mas_u->alv_d - mas_u->byt_d : 0;
  c3_d kep_d = mas_u->byt_d + fig_u->met_d + u3a_page_bytes;
  fig_u->pak_d = ( fig_u->img_d > kep_d ) ? fig_u->img_d - kep_d : 0;
}

/* _cw_text(): the report for people, on stdout. */
static void
_cw_text(const _cw_mass* mas_u, const c3_c* dir_c, double sec_d)
{
  _cw_figures fig_u;
  _cw_derive(mas_u, &fig_u);

  printf("mass: %s at event %llu (loom 2^%u, image %u pages)\n", dir_c,
         (unsigned long long)mas_u->hom_u.eve_d, mas_u->bit_w, mas_u->nor_w);
  printf("mass: image %llu KiB; live %llu KiB in %llu objects (the allocator "
         "counts %llu KiB in %llu)\n",
         _cw_kib(fig_u.img_d), _cw_kib(mas_u->byt_d), (unsigned long long)mas_u->obj_d,
         _cw_kib(mas_u->hom_u.rod_u.liv_d), (unsigned long long)mas_u->hom_u.rod_u.obj_d);
  printf("mass: by kind: cells %llu KiB (%llu); indirect atoms in slots:\n",
         _cw_kib(mas_u->cel_b_d), (unsigned long long)mas_u->cel_n_d);
  for ( c3_w cls_w = 0; cls_w < u3a_classes; cls_w++ ) {
    if ( mas_u->atm_n_d[cls_w] ) {
      printf("mass:   %5u-byte slots: %llu KiB (%llu atoms)\n", u3a_class_bytes(cls_w),
             _cw_kib(mas_u->atm_b_d[cls_w]), (unsigned long long)mas_u->atm_n_d[cls_w]);
    }
  }
  printf("mass:   page runs: %llu KiB (%llu atoms)\n",
         _cw_kib(mas_u->atm_b_d[u3a_classes]),
         (unsigned long long)mas_u->atm_n_d[u3a_classes]);
  printf("mass: by part of the state:");
  for ( c3_w i_w = 0; i_w < _cw_parts; i_w++ ) {
    printf(" %s %llu KiB%s", _cw_part_c[i_w], _cw_kib(mas_u->par_d[i_w]),
           ( i_w + 1 < _cw_parts ) ? ";" : "\n");
  }
  printf("mass: overhead: metadata %u pages (%llu KiB); free inside the heap "
         "%llu KiB (%u free pages, %llu KiB of free slots)\n",
         mas_u->met_w, _cw_kib(fig_u.met_d), _cw_kib(fig_u.fre_d),
         mas_u->typ_w[u3a_pg_free], _cw_kib(fig_u.fre_d - fig_u.fpg_d));
  printf("mass: fragmentation per size class (slot pages, free slots in them):\n");
  for ( c3_w cls_w = 0; cls_w < u3a_classes; cls_w++ ) {
    if ( mas_u->cpg_w[cls_w] ) {
      c3_d fre_d = mas_u->cap_d[cls_w] - mas_u->cls_d[cls_w];
      printf("mass:   %5u-byte slots: %u pages, %llu KiB free (%.1f%%)\n",
             u3a_class_bytes(cls_w), mas_u->cpg_w[cls_w],
             _cw_kib(fre_d * u3a_class_bytes(cls_w)),
             100.0 * (double)fre_d / (double)mas_u->cap_d[cls_w]);
    }
  }
  if ( fig_u.lek_d ) {
    printf("mass: %llu KiB allocated but not reachable from the state "
           "(urbit check says which)\n", _cw_kib(fig_u.lek_d));
  }
  printf("mass: pack would save %llu KiB (%.1f%% of the image): image less "
         "live bytes, metadata and header\n",
         _cw_kib(fig_u.pak_d), 100.0 * (double)fig_u.pak_d / (double)fig_u.img_d);
  printf("mass: meld would save %llu KiB (%.1f%% of live bytes): %llu atoms "
         "equal to another (%u pass%s)\n",
         _cw_kib(mas_u->dup_b_d),
         mas_u->byt_d ? 100.0 * (double)mas_u->dup_b_d / (double)mas_u->byt_d : 0.0,
         (unsigned long long)mas_u->dup_n_d, mas_u->pas_w,
         ( 1 == mas_u->pas_w ) ? "" : "es");
  printf("mass: %.2f s, peak rss %llu KiB, %llu MiB read from the image "
         "(%llu page reads)\n", sec_d, (unsigned long long)mas_u->rss_peak_kb,
         (unsigned long long)(mas_u->red_d >> 20), (unsigned long long)mas_u->mis_d);
}

/* _cw_json(): the report as one JSON object on stdout. */
static void
_cw_json(const _cw_mass* mas_u, double sec_d)
{
  _cw_figures fig_u;
  _cw_derive(mas_u, &fig_u);

  printf("{\"event\":%llu,\"loom_bits\":%u,\"image_bytes\":%llu,\"heap_bytes\":%llu,"
         "\"live_bytes\":%llu,\"live_objects\":%llu,\"alloc_live_bytes\":%llu,"
         "\"alloc_objects\":%llu,\"table_live_bytes\":%llu,"
         "\"cell_count\":%llu,\"cell_bytes\":%llu,",
         (unsigned long long)mas_u->hom_u.eve_d, mas_u->bit_w,
         (unsigned long long)fig_u.img_d, (unsigned long long)fig_u.hep_d,
         (unsigned long long)mas_u->byt_d, (unsigned long long)mas_u->obj_d,
         (unsigned long long)mas_u->hom_u.rod_u.liv_d,
         (unsigned long long)mas_u->hom_u.rod_u.obj_d,
         (unsigned long long)mas_u->alv_d,
         (unsigned long long)mas_u->cel_n_d, (unsigned long long)mas_u->cel_b_d);
  printf("\"atoms\":[");
  for ( c3_w cls_w = 0; cls_w <= u3a_classes; cls_w++ ) {
    printf("%s{\"slot\":%u,\"count\":%llu,\"bytes\":%llu}", cls_w ? "," : "",
           ( cls_w < u3a_classes ) ? u3a_class_bytes(cls_w) : 0,
           (unsigned long long)mas_u->atm_n_d[cls_w],
           (unsigned long long)mas_u->atm_b_d[cls_w]);
  }
  printf("],\"run_atom_count\":%llu,\"run_atom_bytes\":%llu,\"run_pages\":%llu,",
         (unsigned long long)mas_u->atm_n_d[u3a_classes],
         (unsigned long long)mas_u->atm_b_d[u3a_classes],
         (unsigned long long)mas_u->rnp_d);
  for ( c3_w i_w = 0; i_w < _cw_parts; i_w++ ) {
    printf("\"part_%s_bytes\":%llu,", _cw_part_c[i_w], (unsigned long long)mas_u->par_d[i_w]);
  }
  printf("\"classes\":[");
  for ( c3_w cls_w = 0, fir_w = 1; cls_w < u3a_classes; cls_w++ ) {
    if ( mas_u->cpg_w[cls_w] ) {
      printf("%s{\"slot\":%u,\"pages\":%u,\"live\":%llu,\"free_slot_bytes\":%llu}",
             fir_w ? "" : ",", u3a_class_bytes(cls_w), mas_u->cpg_w[cls_w],
             (unsigned long long)mas_u->cls_d[cls_w],
             (unsigned long long)(mas_u->cap_d[cls_w] - mas_u->cls_d[cls_w])
               * u3a_class_bytes(cls_w));
      fir_w = 0;
    }
  }
  printf("],\"meta_pages\":%u,\"free_pages\":%u,\"free_bytes\":%llu,"
         "\"leaked_bytes\":%llu,\"pack_save_bytes\":%llu,\"meld_save_bytes\":%llu,"
         "\"meld_objects\":%llu,\"meld_passes\":%u,\"mark_rescans\":%llu,"
         "\"verify_s\":%.3f,\"mark_s\":%.3f,\"meld_s\":%.3f,"
         "\"wall_s\":%.3f,\"rss_peak_kb\":%llu,\"read_bytes\":%llu,"
         "\"page_reads\":%llu}\n",
         mas_u->met_w, mas_u->typ_w[u3a_pg_free], (unsigned long long)fig_u.fre_d,
         (unsigned long long)fig_u.lek_d, (unsigned long long)fig_u.pak_d,
         (unsigned long long)mas_u->dup_b_d, (unsigned long long)mas_u->dup_n_d,
         mas_u->pas_w, (unsigned long long)mas_u->res_d, (double)(mas_u->tim_d[0] - mas_u->sat_d) / 1e9,
         (double)(mas_u->tim_d[2] - mas_u->tim_d[0]) / 1e9,
         (double)(mas_u->tim_d[3] - mas_u->tim_d[2]) / 1e9, sec_d,
         (unsigned long long)mas_u->rss_peak_kb, (unsigned long long)mas_u->red_d,
         (unsigned long long)mas_u->mis_d);
}

  /** The picture.
  **/
#define _cw_colors 8
static const c3_c* _cw_col_c[_cw_colors] = {
  "#e8e8e8",   //  0 gap: loom pages past the image (stack and free gap)
  "#ffffff",   //  1 free page inside the heap
  "#7b3294",   //  2 metadata
  "#1a9641",   //  3 clean: slot pages
  "#a6d96a",   //  4 clean: page runs
  "#d7191c",   //  5 dirty (none in a stopped pier)
  "#000000",   //  6 guard (none in a stopped pier)
  "#2b83ba",   //  7 header
};
static const c3_c* _cw_nam_c[_cw_colors] = {
  "gap", "free", "metadata", "clean: slots", "clean: runs", "dirty", "guard",
  "header",
};

/* _cw_color(): the color index of loom page pag_w. */
static c3_w
_cw_color(const _cw_mass* mas_u, c3_w pag_w)
{
  if ( 0 == pag_w ) return 7;
  if ( pag_w >= mas_u->nor_w ) return 0;
  if ( pag_w <= mas_u->met_w ) return 2;
  switch ( mas_u->pag_u[pag_w].typ_y ) {
    case u3a_pg_slot: return 3;
    case u3a_pg_runh:
    case u3a_pg_runt: return 4;
    default:          return 1;
  }
}

/* _cw_svg(): the loom as an SVG, one pixel per page, rows of 512; 0 or -1. */
static c3_i
_cw_svg(const _cw_mass* mas_u, const c3_c* pat_c)
{
  c3_w  wid_w = 512;
  c3_w  row_w = (mas_u->lum_w + wid_w - 1) / wid_w;
  c3_w  num_w[_cw_colors] = { 0 };
  FILE* fil_u = fopen(pat_c, "w");

  if ( !fil_u ) {
    fprintf(stderr, "mass: --svg %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  fprintf(fil_u, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" "
                 "height=\"%u\" viewBox=\"0 0 %u %u\" shape-rendering=\"crispEdges\">\n"
                 "<title>loom of 2^%u bytes at event %llu: one pixel per 16 KiB "
                 "page, %u per row</title>\n",
          wid_w + 180, c3_max(row_w, 16 * _cw_colors + 8), wid_w + 180,
          c3_max(row_w, 16 * _cw_colors + 8), mas_u->bit_w,
          (unsigned long long)mas_u->hom_u.eve_d, wid_w);
  for ( c3_w r_w = 0; r_w < row_w; r_w++ ) {
    c3_w x_w = 0;
    while ( x_w < wid_w && (c3_d)r_w * wid_w + x_w < mas_u->lum_w ) {
      c3_w pag_w = r_w * wid_w + x_w;
      c3_w col_w = _cw_color(mas_u, pag_w);
      c3_w len_w = 1;
      while ( x_w + len_w < wid_w && pag_w + len_w < mas_u->lum_w
              && _cw_color(mas_u, pag_w + len_w) == col_w )
      {
        len_w++;
      }
      num_w[col_w] += len_w;
      fprintf(fil_u, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"1\" fill=\"%s\"/>\n",
              x_w, r_w, len_w, _cw_col_c[col_w]);
      x_w += len_w;
    }
  }
  for ( c3_w i_w = 0; i_w < _cw_colors; i_w++ ) {
    fprintf(fil_u, "<rect x=\"%u\" y=\"%u\" width=\"12\" height=\"12\" fill=\"%s\" "
                   "stroke=\"#000000\" stroke-width=\"0.5\"/>\n"
                   "<text x=\"%u\" y=\"%u\" font-family=\"sans-serif\" "
                   "font-size=\"10\">%s: %u</text>\n",
            wid_w + 8, 4 + 16 * i_w, _cw_col_c[i_w], wid_w + 24, 14 + 16 * i_w,
            _cw_nam_c[i_w], num_w[i_w]);
  }
  fputs("</svg>\n", fil_u);
  c3_t bad_t = ferror(fil_u) ? 1 : 0;
  if ( fclose(fil_u) || bad_t ) {
    fprintf(stderr, "mass: --svg %s: write failed: %s\n", pat_c, strerror(errno));
    return -1;
  }
  return 0;
}

  /** The command.
  **/
/* _cw_free(): close and free a run's memory. */
static void
_cw_free(_cw_mass* mas_u)
{
  if ( mas_u->fid_i > 0 ) {
    close(mas_u->fid_i);
  }
  free(mas_u->pag_u);
  free(mas_u->cac_y);
  free(mas_u->tag_w);
  free(mas_u->chu_y);
  free(mas_u->mar_d);
  free(mas_u->cel_d);
  free(mas_u->sak_u);
}

/* _cw_run(): the passes over a judged image of nor_w pages; the status. */
static c3_i
_cw_run(_cw_mass* mas_u, const u3_mass_opts* opt_u, c3_w nor_w)
{
  if ( _cw_open(mas_u, opt_u->dir_c, nor_w) ) {
    return 1;
  }
  c3_d gra_d = mas_u->len_d >> 4;
  c3_z map_z = (c3_z)((gra_d + 63) / 64) * sizeof(c3_d);

  mas_u->mar_d = calloc(1, map_z);
  mas_u->cel_d = calloc(1, map_z);
  mas_u->sak_u = malloc((c3_z)_cw_stack_max * sizeof(u3_noun));
  mas_u->cac_y = malloc((c3_z)_cw_line_bytes << _cw_cache_bits);
  mas_u->tag_w = calloc((c3_z)1 << _cw_cache_bits, sizeof(c3_w));
  mas_u->chu_y = malloc(2 * (c3_z)_cw_chunk);
  if (  !mas_u->mar_d || !mas_u->cel_d || !mas_u->sak_u || !mas_u->cac_y
     || !mas_u->tag_w || !mas_u->chu_y )
  {
    fprintf(stderr, "mass: malloc bitmaps (2 x %llu bytes) and buffers: %s\n",
            (unsigned long long)map_z, strerror(ENOMEM));
    return 1;
  }

  _cw_pages(mas_u);
  mas_u->tim_d[1] = c3_nanos();
  _cw_mark_state(mas_u);
  mas_u->tim_d[2] = c3_nanos();
  if ( mas_u->bad_t ) {
    fprintf(stderr, "mass: %s: the state is damaged: %s; urbit check says "
                    "more\n", opt_u->dir_c, mas_u->why_c);
    return 1;
  }
  if ( _cw_meld(mas_u) ) {
    return 1;
  }
  mas_u->tim_d[3] = c3_nanos();
  if ( mas_u->bad_t ) {
    fprintf(stderr, "mass: %s: %s\n", opt_u->dir_c, mas_u->why_c);
    return 1;
  }
  {
    c3_d rss_kb = u3_mem_rss_kb();
    if ( rss_kb > mas_u->rss_peak_kb ) {
      mas_u->rss_peak_kb = rss_kb;
    }
  }
  if ( opt_u->svg_c && _cw_svg(mas_u, opt_u->svg_c) ) {
    return 1;
  }
  return 0;
}

/* u3_mass(): `urbit mass`: the exit status (0; 1 on failure; 2 when the
**   pier is in use).
*/
c3_i
u3_mass(const u3_mass_opts* opt_u)
{
  static _cw_mass mas_u;    //  large; one run per process
  struct stat sat_u;
  u3e_verdict ver_u;
  c3_i        ret_i;
  FILE*       nul_u;

  memset(&mas_u, 0, sizeof(mas_u));
  mas_u.sat_d = c3_nanos();
  mas_u.qui_o = opt_u->quiet_o;
  if ( stat(opt_u->dir_c, &sat_u) || !S_ISDIR(sat_u.st_mode) ) {
    fprintf(stderr, "mass: %s is not a pier directory\n", opt_u->dir_c);
    return 1;
  }
  if ( 0 > _cp_lock(opt_u->dir_c, 0) ) {
    fprintf(stderr, "mass: not measured: stop the ship first\n");
    return 2;
  }

  //  the start's own validator; what it says goes to stderr only on refusal
  if ( !(nul_u = fopen("/dev/null", "w")) ) {
    fprintf(stderr, "mass: open /dev/null: %s\n", strerror(errno));
    return 1;
  }
  u3e_judge(opt_u->dir_c, 0, nul_u, &ver_u);
  mas_u.tim_d[0] = c3_nanos();
  fclose(nul_u);
  if ( u3e_img_sound != ver_u.img_e ) {
    fprintf(stderr, "mass: %s: %s; urbit check says why\n", opt_u->dir_c,
            ( u3e_img_new == ver_u.img_e ) ? "no image yet (run the ship first)"
            : "the image is not one a start would resume as it is");
    return 1;
  }
  if ( u3e_pat_apply == ver_u.pat_e ) {
    fprintf(stderr, "mass: %s: a save was interrupted and its patch is not yet "
                    "applied; start the ship once (urbit -n 0 %s) to apply "
                    "it, then run mass\n", opt_u->dir_c, opt_u->dir_c);
    return 1;
  }

  ret_i = _cw_run(&mas_u, opt_u, ver_u.nor_w);
  if ( 0 == ret_i ) {
    double sec_d = (double)(c3_nanos() - mas_u.sat_d) / 1e9;
    if ( _(opt_u->json_o) ) {
      _cw_json(&mas_u, sec_d);
    }
    else {
      _cw_text(&mas_u, opt_u->dir_c, sec_d);
    }
  }
  _cw_free(&mas_u);
  return ret_i;
}
