/// @file limit.c
/// The pager: a hard cap on the loom's resident memory, enforced by the
/// runtime itself, for --memory-limit and for a --swap-file run inside a
/// memory cgroup (whose limit, less a headroom, is the budget).  One
/// mechanism, two budget sources.
///
/// What is counted.  With a swap file every dirty page outside the image
/// is MAP_SHARED from the scratch file at its own offset, so the loom's
/// memory is (a) the scratch file's page cache, (b) the clean image
/// pages read from north.bin, (c) rare anonymous pages (the home road's,
/// when the disk was full).  The pager counts (a) and (b) together: every
/// page that is not lazy (u3C.clean_o, the default for events, with
/// demand paging).  A clean page costs no I/O to drop (it leaves the
/// mapping; its page cache stays, clean, the kernel's to reclaim) and is
/// read again from north.bin's page cache when touched.  Without demand
/// paging (the image copied into anonymous memory, which cannot be
/// dropped), or for the tools (which read the state once and drop clean
/// pages themselves against their RSS), (b) is not paged: it is measured
/// at each event boundary and taken off the budget, with (c).  A swap
/// file run in a memory cgroup (u3C.reclaim_o) neither pages nor counts
/// (b): the cgroup's reclaim drops clean pages itself, 4 KiB at a time
/// and with no I/O, where the pager would count a 1 MiB block for one
/// page read (a state read at random over a cap of a few of its blocks'
/// worth turned over on every read); the pager keeps to (a), which the
/// kernel reclaims badly.
///
/// Blocks.  The loom is cut into blocks of 64 pages (1 MiB), exactly one
/// word of the dirty and lazy bitmaps, or, under a cap below 24 MiB or
/// one that counts clean pages a block at a time (above _ce_sparse_most,
/// below), of 16 or 8 pages (a quarter or an eighth
/// of a word: _ce_limit_grain), so a block's swap-backed pages are its
/// bits of a word: dirty and not lazy; its counted pages, not lazy.  Each
/// block is in one state:
///
///   free   no counted page, or not yet seen by the pager
///   hot    resident, accessible; ref set when it was last faulted in
///   cold   resident, but PROT_NONE: the clock hand passed it once; a touch
///          faults, restores its protections and makes it hot (no I/O)
///   out    written to the scratch file and dropped from the page cache,
///          PROT_NONE: a touch faults, reads it back (readahead of the
///          block's swap pages) and makes it hot
///
/// and, besides, "half" (a flag): its clean pages were dropped and shut
/// (PROT_NONE, run by run: they are separate mappings from its swap pages
/// anyway, so this splits no mapping), its swap pages kept; a touch of a
/// clean page brings them all back, counted first.
///
/// Clean pages one by one.  Under a cap of at most _ce_sparse_most that
/// counts clean pages, a block comes in half: its swap pages and, of its
/// clean pages, only the one touched; every other clean page opens, and
/// is counted, when it is touched (_ce_cop_d), and a half block gives up
/// those it opened before its swap pages are written.  A state read at
/// random touches a page or two of each block: counted a block at a time,
/// kv under --memory-limit at 1/16 of its peak (11.4 MiB, 128 KiB blocks)
/// counted 8 pages for each page read, dropped 365,000 clean pages and
/// took 24.5 s; counted one by one, it drops 6,000 and takes 5.9 s, where
/// a swap file run in a memory cgroup of that size, whose reclaim takes
/// the clean pages 4 KiB at a time, takes 9.2 to 10.2 s.
///
/// The resident count (res_w) is the sum of the counted pages of hot and
/// cold blocks (of a half block, its swap pages and the clean pages it
/// opened one by one): an upper bound, since a
/// block counts whole however little of it was touched.  It grows where pages become resident, inside the
/// fault handler: backing lazy pages (_ce_lazy_back), moving a clean page
/// into the scratch file, refaulting an out block.  So the cap holds
/// during an event, however much the event allocates.
///
/// Eviction (CLOCK).  The clock holds the resident blocks in the order
/// they became resident.  When res_w would pass the budget, the hand takes
/// the oldest: a hot block with its ref set loses it, becomes cold
/// (PROT_NONE, still resident) and goes to the back; a cold one, or a hot
/// one touched since, gives up its clean pages first if it has swap pages
/// too (half, back to the end of the clock: no I/O), and is evicted the
/// next time.  An evicted block's clean pages are dropped; its swap
/// pages that hold nothing
/// (free pages of any live road's heap, by the allocator's free-page
/// bitmap, which is one word per block and holds no bit of a road that
/// has ended; and the current road's free gap) are punched out
/// of the file (fallocate: never written, blocks returned) and mapped
/// lazy again; the rest are written back with sync_file_range and dropped
/// (MADV_DONTNEED on the mapping, POSIX_FADV_DONTNEED on the file).
/// Blocks the fault handler reads (the current road's header, the
/// allocator's page table and bitmap) are never shut.  Faults do no
/// read-around: every swap-file mapping is made MADV_RANDOM as it is made
/// (_ce_limit_map; the cap is known before the loom boots), since a first
/// touch would otherwise read the file's holes around it into the page
/// cache, read_ahead_kb at a time (8 MiB on a virtio disk), behind the
/// pager's back; a refault reads its own block ahead, and, when it comes
/// next to a block that came in lately, the next blocks in that direction
/// too (_ce_limit_ahead: counted first, read without waiting).
/// Victims are taken in a batch down to a low-water mark (budget less
/// 1/16) and their writeback is started for the whole batch before it is
/// waited for, so the disk sees long sequential runs, and reclaim (the
/// kernel's, under a cgroup) finds clean pages it can drop at once
/// instead of waiting for the flusher.
///
/// Budget.  The cap less the pages the pager does not page (anonymous
/// ones; clean image pages in memory when they are not paged, unless the
/// cgroup reclaims them), measured
/// at each event boundary and when the pager starts, less one block of
/// slack for what it cannot see between two boundaries: lazy pages read
/// through a file mapping a release left.  At each boundary the scratch
/// file's cached pages at lazy pages' offsets are punched
/// (u3e_limit_sync).  So the loom's resident pages plus the scratch
/// file's page cache stay under the cap at every instant, however much of
/// the image an event reads.  After a save's remapping (pages made clean
/// where they are, lazy pages saved as zeros mapped from north.bin) the
/// pager recounts at once (_ce_limit_reshut), not at the next boundary.
///
/// Fresh pages.  The allocator backs the free pages it takes ahead of use
/// (u3e_reserve), outside the fault handler, and they may lie in an out
/// block; so may a lazy run backed at a fault next door.  Such pages are
/// resident and open while the rest of the block stays out: they are the
/// block's fresh pages (_ce_frs_d), counted, and the block is in the clock
/// for them, which evicts them (no second chance) like a block's pages.
/// A refault of the block counts the rest.
///
/// Invariants.  Every page of an out or cold block that is swap-backed is
/// PROT_NONE, but an out block's fresh pages; pages of the image below it
/// and lazy pages may be too.  The block being faulted in is never the
/// victim.  Nothing here allocates: the whole path is async-signal-safe
/// (raw system calls only).
///
/// Saves.  A save copies each dirty page into a buffer of its own before
/// write(2) sees it, so a shut block faults into the handler on the copy
/// like an event's read: it is read back, counted, and others are evicted
/// (written back to the scratch file first: nothing is lost).  So a save
/// leaves shut blocks shut: its prefault skips them, and the apply, which
/// writes north.bin, reads the patch from memory.bin (on its thread, and
/// in place under a cap), never from the loom, whose pages write(2)
/// could not fault in.  What changes protections after the copy (making
/// saved pages clean, remapping them from north.bin once applied, lifting
/// the guard page) may cover shut blocks: _ce_limit_reshut shuts every
/// cold or out block again at once (on the main thread: nothing reads the
/// loom meanwhile), and a fault later gives the block its protections
/// from the bitmaps (_ce_blk_open).  The cap thus holds during a save
/// whatever its dirty set.
///
/// Memory bound: 23 bytes of state per block, for the smallest blocks
/// (2.9 MiB for a 16 GiB loom, in zeroed static memory, touched only as
/// far as the loom's blocks go), no allocation.  Mappings: eviction
/// splits the loom's mappings at block boundaries only, so at most two
/// per block (vm.max_map_count is 65,530): blocks are never so small that
/// the loom has more than 16,384 of them (a 16 GiB loom has 16,384 of 1
/// MiB; a 2 GiB loom, 16,384 of 128 KiB).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "c3/portable.h"
#include "noun/log.h"
#include "noun/events_in.h"
#include "noun/manage.h"
#include "noun/options.h"

#define _ce_blk_big   6                      //  64 pages (1 MiB) a block
#define _ce_blk_small 3                      //  8 pages (128 KiB) a block,
                                             //  the least (small caps)
#define _ce_blk_bits  _ce_bkb_w
#define _ce_blk_pages (1U << _ce_bkb_w)
#define _ce_blk_max   (_ce_max_pages >> _ce_blk_small)
#define _ce_batch     32                     //  most blocks evicted at once

enum {
  _ce_blk_free = 0,
  _ce_blk_hot  = 1,
  _ce_blk_cold = 2,
  _ce_blk_out  = 3,
};
#define _ce_blk_ref  0x80                    //  hot: faulted in since the
                                             //  hand last passed

u3e_limit_stats u3e_Limit;

static c3_w _ce_bkb_w = _ce_blk_big;  //  log2 of the pages in a block
static c3_y _ce_sta_y[_ce_blk_max];   //  each block's state (| ref)
static c3_y _ce_hlf_y[_ce_blk_max];   //  1: the block's clean pages were
                                      //  dropped (PROT_NONE), its swap
                                      //  pages kept
static c3_d _ce_cop_d[_ce_blk_max];   //  of a half block, the clean pages
                                      //  opened again one by one since
                                      //  (_ce_spc_t), counted each
static c3_d _ce_frs_d[_ce_blk_max];   //  of an out block, its pages backed
                                      //  since it went out: fresh, resident
                                      //  and open, counted, in the clock
static c3_w _ce_bud_w;                //  the budget for swap pages, 0: off
static c3_w _ce_cap_w;                //  the whole cap, pages
static c3_w _ce_res_w;                //  swap-backed pages of hot and cold
static c3_w _ce_rng_w[_ce_blk_max];  //  the clock: resident blocks in the
                                      //  order they became resident
static c3_y _ce_que_y[_ce_blk_max];   //  1 if the block is in the clock
static c3_w _ce_rhd_w;                //  the clock's hand (oldest entry)
static c3_w _ce_rnm_w;                //  entries in the clock
static c3_w _ce_nbk_w;                //  blocks in the loom
static c3_y* _ce_fil_y;               //  the scratch file, mapped read-only
                                      //  for mincore (never touched)
static c3_t _ce_thw_t;                //  out and cold blocks opened for
                                      //  u3e_release (u3e_limit_thaw)
static c3_w _ce_mlo_w, _ce_mhi_w;     //  the blocks of the allocator's
                                      //  page table and free-page bitmap
static c3_t _ce_cln_t;                //  clean image pages are paged too
                                      //  (mapped from north.bin: demand
                                      //  paging)
static c3_t _ce_spc_t;                //  clean pages are opened and counted
                                      //  one by one, not a block at a time
static c3_t _ce_rcl_t;                //  clean image pages (mapped from
                                      //  north.bin) are the cgroup's to
                                      //  reclaim: not paged, not counted

static c3_w _ce_limit_count(void);
static void _ce_limit_fit(void);

/* _ce_low(): the low num_w bits set (num_w at most 64). */
static inline c3_d
_ce_low(c3_w num_w)
{
  return ( num_w >= 64 ) ? ~0ULL : ((1ULL << num_w) - 1);
}

/* _ce_blk_all(): every page of a block, one bit each. */
static inline c3_d
_ce_blk_all(void)
{
  return _ce_low(_ce_blk_pages);
}

/* _ce_whole(): block b_w's clean pages are counted with it again, not
**   dropped or opened one by one.
*/
static inline void
_ce_whole(c3_w b_w)
{
  _ce_hlf_y[b_w] = 0;
  _ce_cop_d[b_w] = 0;
}

/* _ce_cop(): 1 if page pag_w is a clean page its half block opened alone. */
static inline c3_t
_ce_cop(c3_w pag_w)
{
  return _ce_cop_d[pag_w >> _ce_blk_bits] >> (pag_w & (_ce_blk_pages - 1)) & 1;
}

/* _ce_bw(): block b_w's bits of a bitmap of one bit per page (a word
**   holds one big block, or four or eight small ones).
*/
static inline c3_d
_ce_bw(const c3_d* map_d, c3_w b_w)
{
  c3_w per_w = 6 - _ce_blk_bits;      //  log2 of the blocks in a word

  return ( map_d[b_w >> per_w] >> ((b_w & ((1U << per_w) - 1)) << _ce_blk_bits) )
         & _ce_blk_all();
}

/* _ce_word_idle(): 1 if the blocks of bitmap word w_w (one big block, or
**   four or eight small ones) are all free, with no fresh pages noted and
**   no page the pager would count: a recount, which would change nothing
**   in them, can pass them with a look at one word.  Most of a large loom
**   is such words (the gap between the heap and the stack).
*/
static inline c3_t
_ce_word_idle(c3_w w_w)
{
  c3_w per_w = 6 - _ce_blk_bits;
  c3_w b_w   = w_w << per_w;
  c3_w pag_w = w_w << 6;
  c3_d liv_d;

  if ( b_w + (1U << per_w) > _ce_nbk_w ) {
    return 0;
  }
  for ( c3_w i_w = 0; i_w < (1U << per_w); i_w++ ) {
    if ( _ce_sta_y[b_w + i_w] || _ce_frs_d[b_w + i_w] ) {
      return 0;
    }
  }
  if ( _ce_cln_t ) {
    liv_d = ( u3P.pag_w > pag_w ) ? _ce_low(u3P.pag_w - pag_w) & ~u3P.lzy_d[w_w]
                                  : 0;
  }
  else {
    liv_d = u3P.dit_d[w_w] & ~u3P.lzy_d[w_w];
  }
  return 0 == liv_d;
}

/* _ce_ring_put(): put block b_w at the clock's tail, unless it is in. */
static inline void
_ce_ring_put(c3_w b_w)
{
  if ( !_ce_que_y[b_w] ) {
    _ce_rng_w[(_ce_rhd_w + _ce_rnm_w) % _ce_blk_max] = b_w;
    _ce_rnm_w++;
    _ce_que_y[b_w] = 1;
  }
}

/* _ce_ring_pop(): take the block at the clock's hand. */
static inline c3_w
_ce_ring_pop(void)
{
  c3_w b_w = _ce_rng_w[_ce_rhd_w];

  _ce_rhd_w = (_ce_rhd_w + 1) % _ce_blk_max;
  _ce_rnm_w--;
  _ce_que_y[b_w] = 0;
  return b_w;
}

/* _ce_blk_mask(): the pages of block b_w the pager counts, one bit each:
**   every page that is not lazy (swap-backed, or a clean image page) when
**   clean pages are paged, else the swap-backed ones.
*/
static inline c3_d
_ce_blk_mask(c3_w b_w)
{
  c3_d msk_d;

  if ( _ce_cln_t ) {
    c3_w bot_w = b_w << _ce_blk_bits;
    c3_w num_w = ( u3P.pag_w > bot_w ) ? c3_min(u3P.pag_w - bot_w, _ce_blk_pages) : 0;
    msk_d = _ce_low(num_w) & ~_ce_bw(u3P.lzy_d, b_w);
  }
  else {
    msk_d = _ce_bw(u3P.dit_d, b_w) & ~_ce_bw(u3P.lzy_d, b_w);
  }

  if ( u3P.gar_w && (u3P.gar_w >> _ce_blk_bits) == b_w ) {
    msk_d &= ~(1ULL << (u3P.gar_w & (_ce_blk_pages - 1)));
  }
  return msk_d;
}

/* _ce_blk_swap(): the swap-backed pages of block b_w, one bit each. */
static inline c3_d
_ce_blk_swap(c3_w b_w)
{
  c3_d msk_d = _ce_bw(u3P.dit_d, b_w) & ~_ce_bw(u3P.lzy_d, b_w);

  if ( u3P.gar_w && (u3P.gar_w >> _ce_blk_bits) == b_w ) {
    msk_d &= ~(1ULL << (u3P.gar_w & (_ce_blk_pages - 1)));
  }
  return msk_d;
}

/* _ce_blk_clean(): the counted pages of block b_w that are not swap pages
**   (clean image pages), one bit each.
*/
static inline c3_d
_ce_blk_clean(c3_w b_w)
{
  return _ce_blk_mask(b_w) & ~_ce_blk_swap(b_w);
}

/* _ce_blk_held(): the counted pages of block b_w that may be resident:
**   all of them, or, once its clean pages were dropped, its swap pages.
*/
static inline c3_d
_ce_blk_held(c3_w b_w)
{
  return _ce_hlf_y[b_w] ? _ce_blk_swap(b_w) | (_ce_cop_d[b_w] & _ce_blk_clean(b_w))
                        : _ce_blk_mask(b_w);
}

/* _ce_blk_count(): the pages of block b_w counted resident. */
static inline c3_w
_ce_blk_count(c3_w b_w)
{
  return (c3_w)__builtin_popcountll(_ce_blk_held(b_w));
}

/* _ce_blk_prot(): the protection page pag_w has in its state. */
static c3_i
_ce_blk_prot(c3_w pag_w)
{
  if ( u3P.gar_w && pag_w == u3P.gar_w ) return PROT_NONE;
  if ( _ce_lzy(pag_w) )                  return PROT_READ;
  if ( _ce_hlf_y[pag_w >> _ce_blk_bits] && !_ce_bit(pag_w) && !_ce_cop(pag_w) ) {
    return PROT_NONE;
  }
  if ( _ce_bit(pag_w) )                  return PROT_READ | PROT_WRITE;
  return _ce_prot_clean();
}

/* _ce_blk_open(): give block b_w's pages their protections back, a run
**   of equal ones per call (async-signal-safe).
*/
static void
_ce_blk_open(c3_w b_w)
{
  c3_w bot_w = b_w << _ce_blk_bits;
  c3_w top_w = c3_min(bot_w + _ce_blk_pages, u3P.pag_w);
  c3_w pag_w = bot_w;

  while ( pag_w < top_w ) {
    c3_i pro_i = _ce_blk_prot(pag_w);
    c3_w end_w = pag_w + 1;
    while ( end_w < top_w && _ce_blk_prot(end_w) == pro_i ) {
      end_w++;
    }
    if ( mprotect(_ce_ptr(pag_w), (c3_z)(end_w - pag_w) << u3a_page_bits, pro_i) ) {
      u3e_Limit.err_d++;
    }
    pag_w = end_w;
  }
}

/* _ce_blk_shut(): make block b_w PROT_NONE (async-signal-safe). */
static c3_i
_ce_blk_shut(c3_w b_w)
{
  c3_w bot_w = b_w << _ce_blk_bits;
  c3_w top_w = c3_min(bot_w + _ce_blk_pages, u3P.pag_w);

  if ( mprotect(_ce_ptr(bot_w), (c3_z)(top_w - bot_w) << u3a_page_bits, PROT_NONE) ) {
    u3e_Limit.err_d++;
    return -1;
  }
  return 0;
}

/* _ce_blk_pin(): 1 if block b_w holds what the fault handler reads (the
**   current road's header, the free-page bitmap and the page table next
**   to it): never shut.
*/
static inline c3_t
_ce_blk_pin(c3_w b_w)
{
  const c3_y* rod_y = (const c3_y*)u3R;
  c3_w        pag_w;

  if ( !rod_y || rod_y < u3a_loom_base ) {
    return 0;
  }
  pag_w = (c3_w)((c3_d)(rod_y - u3a_loom_base) >> u3a_page_bits);
  if ( (pag_w >> _ce_blk_bits) == b_w ) {
    return 1;
  }
  pag_w = (c3_w)((c3_d)(rod_y + sizeof(u3a_road) - 1 - u3a_loom_base) >> u3a_page_bits);
  return (pag_w >> _ce_blk_bits) == b_w
         || (b_w >= _ce_mlo_w && b_w < _ce_mhi_w);
}

/* _ce_run_next(): the first run of set bits of msk_d (a block's pages) at
**   or after bit *bit_w, as [*bit_w, *end_w); 0 when none is left.
*/
static inline c3_t
_ce_run_next(c3_d msk_d, c3_w* bit_w, c3_w* end_w)
{
  c3_d rst_d;

  if ( *bit_w >= _ce_blk_pages || !(rst_d = msk_d >> *bit_w) ) {
    return 0;
  }
  *bit_w += (c3_w)__builtin_ctzll(rst_d);
  rst_d = ~msk_d >> *bit_w;
  *end_w = rst_d ? c3_min(*bit_w + (c3_w)__builtin_ctzll(rst_d), _ce_blk_pages)
                 : _ce_blk_pages;
  return 1;
}

/* _ce_blk_punch(): punch the pages fre_d of block b_w (runs of them),
**   which hold nothing, and make them lazy; msk_d less those punched.
*/
static c3_d
_ce_blk_punch(c3_w b_w, c3_d msk_d, c3_d fre_d)
{
  c3_w bot_w = b_w << _ce_blk_bits;

  for ( c3_w bit_w = 0, end_w; _ce_run_next(fre_d, &bit_w, &end_w); bit_w = end_w ) {
    c3_d run_d = _ce_low(end_w - bit_w) << bit_w;
    c3_z len_z = (c3_z)(end_w - bit_w) << u3a_page_bits;

    //  a hole punch in the file, not MADV_REMOVE, which refuses a mapping
    //  that is not writable (the block may be shut already)
    //  and lazy as at the start (anonymous, read-only): a read of a file
    //  page, even a hole, would put it in the page cache and in RSS
    if ( 0 == c3_fs_punch(u3P.swp_i, (c3_d)(bot_w + bit_w) << u3a_page_bits,
                          (c3_d)len_z)
         && 0 == _ce_lazy_map(bot_w + bit_w, bot_w + end_w) )
    {
      msk_d &= ~run_d;
      u3e_Limit.dead_d += end_w - bit_w;
    }
    else {
      u3e_Limit.err_d++;
    }
  }
  return msk_d;
}

/* _ce_blk_dead(): punch block b_w's swap pages that hold nothing (free
**   pages of any road's heap, and the current road's free gap): never
**   written, made lazy.  The pages left to write, as a mask.
*/
static c3_d
_ce_blk_dead(c3_w b_w, c3_d msk_d)
{
  u3a_road* rod_u = u3R;
  c3_w      bot_w = 0, top_w = 0;
  c3_d      fre_d = 0;

  if ( _ce_mhi_w ) {
    //  this block's bits of the free-page bitmap (which is pinned:
    //  reading it cannot fault)
    fre_d = _ce_bw(u3a_Free, b_w);
  }
  if ( rod_u ) {
    if ( _(rod_u->nor_o) ) {
      _ce_gap((c3_y*)rod_u->hat_w, (c3_y*)rod_u->cap_w, &bot_w, &top_w);
    }
    else {
      _ce_gap((c3_y*)rod_u->cap_w, (c3_y*)rod_u->hat_w, &bot_w, &top_w);
    }
  }
  c3_w lo_w = c3_max(bot_w, b_w << _ce_blk_bits);
  c3_w hi_w = c3_min(top_w, (b_w + 1) << _ce_blk_bits);

  for ( c3_w pag_w = lo_w; pag_w < hi_w; pag_w++ ) {
    fre_d |= 1ULL << (pag_w & (_ce_blk_pages - 1));
  }
  return _ce_blk_punch(b_w, msk_d, fre_d & msk_d);
}

/* _ce_blk_drop(): write block b_w's pages in msk_d back (the writeback was
**   started) and drop them from memory (async-signal-safe).
*/
static void
_ce_blk_drop(c3_w b_w, c3_d msk_d)
{
  c3_w bot_w = b_w << _ce_blk_bits;
  c3_w lo_w  = bot_w + (c3_w)__builtin_ctzll(msk_d);
  c3_w hi_w  = bot_w + 64 - (c3_w)__builtin_clzll(msk_d);
  c3_d off_d = (c3_d)lo_w << u3a_page_bits;
  c3_d len_d = (c3_d)(hi_w - lo_w) << u3a_page_bits;

  if ( sync_file_range(u3P.swp_i, (off_t)off_d, (off_t)len_d,
                       SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE
                       | SYNC_FILE_RANGE_WAIT_AFTER) )
  {
    u3e_Limit.err_d++;
    return;
  }
  //  MADV_DONTNEED would discard an anonymous page (the home road's on a
  //  full disk, an image page's private copy, an image copied in): where
  //  there may be one, ask for MADV_PAGEOUT, which reclaims only what is
  //  safe to.  A clean page mapped from north.bin just leaves the mapping
  //  (its page cache stays, for a cheap refault: clean, and the kernel's
  //  to reclaim)
  if ( _ce_blk_anon() || (!_ce_cln_t && !_ce_rcl_t && lo_w < u3P.nor_w) ) {
    if ( madvise(_ce_ptr(lo_w), (c3_z)len_d, MADV_PAGEOUT) ) {
      u3e_Limit.err_d++;
    }
  }
  else if ( madvise(_ce_ptr(lo_w), (c3_z)len_d, MADV_DONTNEED) ) {
    u3e_Limit.err_d++;
  }
  if ( posix_fadvise(u3P.swp_i, (off_t)off_d, (off_t)len_d, POSIX_FADV_DONTNEED) ) {
    u3e_Limit.err_d++;
  }
  u3e_Limit.out_d += (c3_w)__builtin_popcountll(msk_d & _ce_bw(u3P.dit_d, b_w));
  u3e_Limit.clean_d += (c3_w)__builtin_popcountll(msk_d & ~_ce_bw(u3P.dit_d, b_w));
}

/* _ce_blk_runs(): apply madvise adv_i (or, if adv_i < 0, PROT_NONE) to
**   each run of the pages msk_d of block b_w (async-signal-safe).
*/
static void
_ce_blk_runs(c3_w b_w, c3_d msk_d, c3_i adv_i)
{
  c3_w bot_w = b_w << _ce_blk_bits;

  for ( c3_w bit_w = 0, end_w; _ce_run_next(msk_d, &bit_w, &end_w); bit_w = end_w ) {
    c3_y* ptr_y = _ce_ptr(bot_w + bit_w);
    c3_z  len_z = (c3_z)(end_w - bit_w) << u3a_page_bits;
    if ( (adv_i < 0) ? mprotect(ptr_y, len_z, PROT_NONE)
                     : madvise(ptr_y, len_z, adv_i) )
    {
      u3e_Limit.err_d++;
    }
  }
}

/* _ce_limit_half(): drop block b_w's clean pages (shut, unmapped: no I/O,
**   their page cache stays), or those opened one by one since, keeping its
**   swap pages; 1 if it did.  A block gives up its clean pages before its
**   swap pages are written.
*/
static c3_t
_ce_limit_half(c3_w b_w)
{
  c3_d cln_d, swp_d;

  if ( !_ce_cln_t || _ce_blk_anon() ) {
    return 0;
  }
  swp_d = _ce_blk_swap(b_w);
  cln_d = _ce_blk_clean(b_w);
  if ( _ce_hlf_y[b_w] ) {
    cln_d &= _ce_cop_d[b_w];
  }
  if ( !cln_d || !swp_d ) {
    return 0;
  }
  if ( (_ce_sta_y[b_w] & ~_ce_blk_ref) == _ce_blk_hot ) {
    _ce_blk_runs(b_w, cln_d, -1);
  }
  _ce_blk_runs(b_w, cln_d, MADV_DONTNEED);
  _ce_hlf_y[b_w] = 1;
  _ce_cop_d[b_w] = 0;
  _ce_res_w -= c3_min(_ce_res_w, (c3_w)__builtin_popcountll(cln_d));
  u3e_Limit.clean_d += (c3_w)__builtin_popcountll(cln_d);
  return 1;
}

/* _ce_limit_fresh(): evict the fresh pages of out block b_w: shut, the
**   dead punched, writeback started for the rest; the mask of pages whose
**   writeback was started (0: nothing left to write).
*/
static c3_d
_ce_limit_fresh(c3_w b_w)
{
  c3_d frs_d = _ce_frs_d[b_w] & _ce_blk_swap(b_w);
  c3_d rst_d;

  _ce_frs_d[b_w] = 0;
  _ce_res_w -= c3_min(_ce_res_w, (c3_w)__builtin_popcountll(frs_d));
  if ( !frs_d ) {
    return 0;
  }
  _ce_blk_runs(b_w, frs_d, -1);
  if ( (rst_d = _ce_blk_dead(b_w, frs_d)) ) {
    sync_file_range(u3P.swp_i, (off_t)((c3_d)b_w << (_ce_blk_bits + u3a_page_bits)),
                    (off_t)1 << (_ce_blk_bits + u3a_page_bits), SYNC_FILE_RANGE_WRITE);
  }
  return rst_d;
}

/* _ce_limit_take(): evict block b_w (hot or cold): punch its dead pages,
**   shut it and start writing back the rest; the mask of pages whose
**   writeback was started (0: nothing left to write).
*/
static c3_d
_ce_limit_take(c3_w b_w)
{
  c3_w cnt_w = _ce_blk_count(b_w);
  c3_d rst_d;

  if ( (_ce_sta_y[b_w] & ~_ce_blk_ref) == _ce_blk_hot && _ce_blk_shut(b_w) ) {
    return 0;
  }
  _ce_res_w -= c3_min(_ce_res_w, cnt_w);
  //  dead swap pages are punched; clean image pages are only dropped
  rst_d = _ce_blk_held(b_w);
  _ce_whole(b_w);
  rst_d = (rst_d & ~_ce_bw(u3P.dit_d, b_w)) | _ce_blk_dead(b_w, rst_d & _ce_bw(u3P.dit_d, b_w));
  if ( !rst_d ) {
    if ( _ce_blk_mask(b_w) ) {
      //  its swap pages all dead, its clean pages dropped before: out
      //  (shut), so that a read of them is counted
      _ce_sta_y[b_w] = _ce_blk_out;
      return 0;
    }
    //  all dead: nothing left resident
    _ce_blk_open(b_w);
    _ce_sta_y[b_w] = _ce_blk_free;
    return 0;
  }
  //  start the writeback now; the batch waits for it together
  sync_file_range(u3P.swp_i, (off_t)((c3_d)b_w << (_ce_blk_bits + u3a_page_bits)),
                  (off_t)1 << (_ce_blk_bits + u3a_page_bits), SYNC_FILE_RANGE_WRITE);
  _ce_sta_y[b_w] = _ce_blk_out;
  return rst_d;
}

/* _ce_cache_any(): whether the scratch file has pages cached in the loom
**   pages [lo_w, hi_w): 1 some, 0 none, -1 unknown (no cachestat(2), which
**   came in Linux 6.5, or a seccomp filter refuses it).  cachestat walks
**   only the cache's own entries, so a long run with nothing cached costs
**   about one call, where mincore looks up every 4 KiB page of it
**   (async-signal-safe).
*/
#if defined(SYS_cachestat)
#  define _ce_nr_cachestat SYS_cachestat
#elif defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__) \
                             || defined(__riscv))
#  define _ce_nr_cachestat 451
#endif
static c3_i _ce_cst_i = 1;            //  0: cachestat known to be missing
static c3_i
_ce_cache_any(c3_w lo_w, c3_w hi_w)
{
#ifdef _ce_nr_cachestat
  struct { uint64_t off_d, len_d; } ran_u = {
    (uint64_t)lo_w << u3a_page_bits, (uint64_t)(hi_w - lo_w) << u3a_page_bits
  };
  //  nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted
  uint64_t sta_d[5];

  if ( _ce_cst_i ) {
    if ( 0 == syscall(_ce_nr_cachestat, u3P.swp_i, &ran_u, sta_d, 0) ) {
      return sta_d[0] ? 1 : 0;
    }
    if ( ENOSYS == errno || EPERM == errno ) {
      _ce_cst_i = 0;
    }
  }
#else
  (void)lo_w; (void)hi_w;
#endif
  return -1;
}

/* _ce_limit_scrub_blk(): punch the scratch file's cached pages at the
**   lazy pages of block b_w, found by mincore (async-signal-safe).
*/
static void
_ce_limit_scrub_blk(c3_w b_w)
{
  c3_w sys_w = 4096;
  c3_w per_w = u3a_page_bytes / sys_w;
  c3_y vec_y[u3a_page_bytes / 4096 * (1U << _ce_blk_big)];
  c3_d lzy_d = _ce_bw(u3P.lzy_d, b_w);
  c3_d cac_d = 0;

  if ( !lzy_d ) {
    return;
  }
  u3e_Limit.look_d += _ce_blk_pages;
  if ( mincore(_ce_fil_y + ((c3_d)b_w << (_ce_blk_bits + u3a_page_bits)),
               (c3_z)_ce_blk_pages << u3a_page_bits, vec_y) )
  {
    return;
  }
  for ( c3_w i_w = 0; i_w < _ce_blk_pages; i_w++ ) {
    c3_y any_y = 0;
    for ( c3_w j_w = 0; j_w < per_w; j_w++ ) {
      any_y |= vec_y[i_w * per_w + j_w] & 1;
    }
    cac_d |= (c3_d)any_y << i_w;
  }
  cac_d &= lzy_d;
  for ( c3_w bit_w = 0, end_w; _ce_run_next(cac_d, &bit_w, &end_w); bit_w = end_w ) {
    c3_fs_punch(u3P.swp_i,
                ((c3_d)(b_w << _ce_blk_bits) + bit_w) << u3a_page_bits,
                (c3_d)(end_w - bit_w) << u3a_page_bits);
    u3e_Limit.scrub_d += end_w - bit_w;
  }
}

/* _ce_limit_scrub(): punch the scratch file's cached pages where the
**   loom's pages are lazy (hold nothing): left in the page cache by a
**   mapping replaced without a punch, or read in through a lazy page's
**   view of the file (async-signal-safe).  Each run of lazy pages is asked
**   first whether anything of it is cached (cachestat), and only a run
**   that has some is looked at page by page (mincore): most of a loom is
**   one lazy run, the gap between the roads, which mincore would walk 4
**   KiB at a time at every event (a 2 GiB loom: 25 ms).  Without
**   cachestat, blocks wholly lazy are looked at one in 64 per sync, in
**   turn, so a stray there is found within 64 events.
*/
static void
_ce_limit_scrub(void)
{
  static c3_w trn_w;                  //  without cachestat: whose turn
  c3_w top_w = c3_min(u3P.pag_w, _ce_nbk_w << _ce_blk_bits);
  c3_w pag_w = 0;
  c3_w don_w = 0;                     //  blocks below this are done

  if ( !_ce_fil_y ) {
    return;
  }
  trn_w = (trn_w + 1) & 63;
  while ( pag_w < top_w ) {
    c3_w lo_w = c3_bits_next(u3P.lzy_d, pag_w, top_w, 1);
    c3_w hi_w;
    c3_i any_i;

    if ( lo_w >= top_w ) {
      break;
    }
    hi_w  = c3_bits_next(u3P.lzy_d, lo_w, top_w, 0);
    pag_w = hi_w;
    any_i = _ce_cache_any(lo_w, hi_w);
    if ( 0 == any_i ) {
      continue;
    }
    for ( c3_w b_w = c3_max(don_w, lo_w >> _ce_blk_bits);
          b_w <= (hi_w - 1) >> _ce_blk_bits; b_w++ )
    {
      if ( any_i < 0 && _ce_blk_all() == _ce_bw(u3P.lzy_d, b_w) && (b_w & 63) != trn_w ) {
        continue;
      }
      _ce_limit_scrub_blk(b_w);
    }
    don_w = ((hi_w - 1) >> _ce_blk_bits) + 1;
  }
}

/* _ce_limit_evict(): sweep the clock until the resident count is at most
**   low_w, never taking block kep_w (async-signal-safe).
*/
static void
_ce_limit_evict(c3_w low_w, c3_w kep_w)
{
  c3_w vic_w[_ce_batch];
  c3_d msk_d[_ce_batch];
  c3_w num_w = 0;
  c3_w stp_w = 0;

  //  two full turns of the hand at most: the first may only cool blocks
  for ( c3_w max_w = 2 * _ce_rnm_w + 2;
        _ce_res_w > low_w && num_w < _ce_batch && _ce_rnm_w && stp_w++ < max_w; )
  {
    c3_w b_w   = _ce_ring_pop();
    c3_y sta_y = _ce_sta_y[b_w];
    c3_d rst_d;

    if ( _ce_blk_free == sta_y || (_ce_blk_out == sta_y && !_ce_frs_d[b_w]) ) {
      continue;
    }
    if ( b_w == kep_w || _ce_blk_pin(b_w) ) {
      _ce_ring_put(b_w);
      continue;
    }
    if ( _ce_blk_out == sta_y ) {
      //  its fresh pages go (no second chance: the block is out)
      if ( (rst_d = _ce_limit_fresh(b_w)) ) {
        vic_w[num_w] = b_w;
        msk_d[num_w] = rst_d;
        num_w++;
      }
      continue;
    }
    if ( (_ce_blk_hot | _ce_blk_ref) == sta_y ) {
      //  a second chance: cold, but still resident
      if ( 0 == _ce_blk_shut(b_w) ) {
        _ce_sta_y[b_w] = _ce_blk_cold;
        u3e_Limit.cool_d++;
      }
      _ce_ring_put(b_w);
      continue;
    }
    if ( _ce_limit_half(b_w) ) {
      //  its clean pages went; its swap pages get another turn
      _ce_ring_put(b_w);
      continue;
    }
    if ( (rst_d = _ce_limit_take(b_w)) ) {
      vic_w[num_w] = b_w;
      msk_d[num_w] = rst_d;
      num_w++;
    }
  }
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    _ce_blk_drop(vic_w[i_w], msk_d[i_w]);
  }
  u3e_Limit.evict_d += num_w;

}

/* _ce_limit_room(): after pages of block b_w became resident (add_w more),
**   evict others until the count is under the budget (async-signal-safe).
*/
static void
_ce_limit_room(c3_w b_w)
{
  if ( _ce_res_w > _ce_bud_w ) {
    c3_w low_w = _ce_bud_w - c3_min(_ce_bud_w, c3_max(_ce_bud_w / 16, _ce_blk_pages));
    c3_w try_w = 0;

    while ( _ce_res_w > low_w && try_w++ < 64 ) {
      c3_w was_w = _ce_res_w;
      _ce_limit_evict(low_w, b_w);
      if ( _ce_res_w == was_w && try_w > 2 ) {
        break;
      }
    }
    if ( _ce_res_w > _ce_bud_w ) {
      u3e_Limit.over_d++;
    }
  }
  if ( _ce_res_w > u3e_Limit.peak_w ) {
    u3e_Limit.peak_w = _ce_res_w;
  }
}

void
_ce_limit_back(c3_w lo_w, c3_w hi_w, c3_w pag_w)
{
  if ( !_ce_bud_w || hi_w <= lo_w ) {
    return;
  }
  //  the backed run may cover several blocks (a lazy fault backs 1 MiB,
  //  a small block 128 or 256 KiB): each is counted and in the clock
  for ( c3_w b_w = lo_w >> _ce_blk_bits; b_w <= (hi_w - 1) >> _ce_blk_bits; b_w++ ) {
    c3_w bot_w = c3_max(lo_w, b_w << _ce_blk_bits);
    c3_w top_w = c3_min(hi_w, (b_w + 1) << _ce_blk_bits);
    c3_y sta_y = _ce_sta_y[b_w] & ~_ce_blk_ref;

    if ( _ce_blk_out == sta_y ) {
      //  backed outside the handler (u3e_reserve: the allocator takes
      //  free pages of an evicted block), or by a lazy run reaching into
      //  it: the block's other pages stay out; these are fresh, counted
      //  (at every sync too) until the block is read back or they are
      //  evicted themselves: the block is in the clock for them
      _ce_res_w += top_w - bot_w;
      _ce_frs_d[b_w] |= _ce_low(top_w - bot_w) << (bot_w - (b_w << _ce_blk_bits));
      _ce_ring_put(b_w);
    }
    else {
      //  a cold block's pages were counted, but not these, which were
      //  lazy: it opens, and counts them (a lazy run backed at a fault
      //  in the next block may reach into it)
      if ( _ce_blk_cold == sta_y ) {
        _ce_blk_open(b_w);
      }
      _ce_res_w += top_w - bot_w;
      _ce_sta_y[b_w] = _ce_blk_hot | _ce_blk_ref;
      _ce_ring_put(b_w);
    }
  }
  _ce_limit_room(pag_w >> _ce_blk_bits);
}

void
_ce_limit_map(c3_w lo_w, c3_w hi_w)
{
  //  no read-around on faults: the first touch of a new mapping would
  //  read the file's holes around it into the page cache (read_ahead_kb,
  //  8 MiB on this kind of disk: twice a small cap), and a refault the
  //  pages of evicted neighbours, all behind the pager's back; a refault
  //  reads its own block ahead instead.  The cap is known before the
  //  loom is booted, so the mappings made before the pager starts get it
  //  too
  if ( (u3C.limit_d || _ce_bud_w) && hi_w > lo_w ) {
    madvise(_ce_ptr(lo_w), (c3_z)(hi_w - lo_w) << u3a_page_bits, MADV_RANDOM);
    //  large folios read 2 MiB around a fault whatever MADV_RANDOM says:
    //  once a release without a cap gave some (_ce_swap_large), every new
    //  mapping turns them off too, so that its flags match its neighbours'
    if ( u3P.hug_t ) {
      madvise(_ce_ptr(lo_w), (c3_z)(hi_w - lo_w) << u3a_page_bits, MADV_NOHUGEPAGE);
    }
  }
}

/* _ce_blk_in(): bring out block b_w back in, counted first: hot (ref
**   set if ref_t), open, its swap pages read back in one go (most
**   refaults are sequential; clean pages come from north.bin's page
**   cache, or are read where they are touched).  The read is started,
**   not waited for: a touch of a page still in flight waits for it.
**   When clean pages are opened one by one, only the touched page pag_w
**   (if it is clean; _ce_blk_max for none) is opened of them.
*/
static void
_ce_blk_in(c3_w b_w, c3_t ref_t, c3_w pag_w)
{
  c3_d msk_d = _ce_blk_mask(b_w);
  c3_d frs_d = _ce_frs_d[b_w];        //  counted, resident already

  _ce_frs_d[b_w] = 0;
  _ce_whole(b_w);
  if ( _ce_spc_t ) {
    c3_d cln_d = _ce_blk_clean(b_w);

    _ce_hlf_y[b_w] = 1;
    if ( (pag_w >> _ce_blk_bits) == b_w ) {
      _ce_cop_d[b_w] = cln_d & (1ULL << (pag_w & (_ce_blk_pages - 1)));
    }
    msk_d &= ~cln_d | _ce_cop_d[b_w];
  }
  _ce_res_w += (c3_w)__builtin_popcountll(msk_d & ~frs_d);
  _ce_sta_y[b_w] = _ce_blk_hot | ( ref_t ? _ce_blk_ref : 0 );
  _ce_ring_put(b_w);
  _ce_limit_room(b_w);
  _ce_blk_open(b_w);
  if ( (msk_d &= _ce_bw(u3P.dit_d, b_w) & ~frs_d) ) {
    c3_w lo_w = (b_w << _ce_blk_bits) + (c3_w)__builtin_ctzll(msk_d);
    c3_w hi_w = (b_w << _ce_blk_bits) + 64 - (c3_w)__builtin_clzll(msk_d);
    madvise(_ce_ptr(lo_w), (c3_z)(hi_w - lo_w) << u3a_page_bits, MADV_WILLNEED);
  }
  u3e_Limit.in_d += (c3_w)__builtin_popcountll(msk_d);
}

/* _ce_limit_ahead(): block b_w was just refaulted: if a block next to it
**   came in lately (refaulted or read ahead), the touches walk the loom
**   in that direction, and the next _ce_ahead_blocks out blocks beyond
**   b_w are read in now, so that their reads overlap the work on b_w
**   instead of each waiting at its own fault.  Not under a small budget,
**   where a block read in vain would push out one in use.
*/
#define _ce_ahead_blocks 2     //  blocks read ahead of a stream
#define _ce_ahead_least  16    //  the least budget for it, MiB (at 32,
                               //  churn and mixed at 1/16 of their peak,
                               //  a 28 MiB budget, read nothing ahead and
                               //  took 1.10 and 1.14 x as long)
#define _ce_ahead_seen   8     //  recent arrivals remembered

static c3_w _ce_sen_w[_ce_ahead_seen];   //  recent arrivals (block + 1)
static c3_w _ce_snx_w;                    //  next slot

static c3_t
_ce_seen(c3_w b_w)
{
  for ( c3_w i_w = 0; i_w < _ce_ahead_seen; i_w++ ) {
    if ( _ce_sen_w[i_w] == b_w + 1 ) {
      return 1;
    }
  }
  return 0;
}

static void
_ce_limit_ahead(c3_w b_w)
{
  c3_t up_t = ( b_w > 0 && _ce_seen(b_w - 1) );
  c3_t dn_t = ( b_w + 1 < _ce_nbk_w && _ce_seen(b_w + 1) );

  _ce_sen_w[_ce_snx_w++ % _ce_ahead_seen] = b_w + 1;
  if ( (up_t == dn_t) || _ce_bud_w < (_ce_ahead_least << _ce_blk_big) ) {
    return;
  }
  for ( c3_w i_w = 1; i_w <= _ce_ahead_blocks; i_w++ ) {
    c3_w n_w;

    if ( up_t ? (b_w + i_w >= _ce_nbk_w) : (i_w > b_w) ) {
      break;
    }
    n_w = up_t ? b_w + i_w : b_w - i_w;
    if ( _ce_blk_out != (_ce_sta_y[n_w] & ~_ce_blk_ref) ) {
      continue;
    }
    _ce_blk_in(n_w, 0, _ce_blk_max);
    _ce_sen_w[_ce_snx_w++ % _ce_ahead_seen] = n_w + 1;
    u3e_Limit.ahead_d++;
  }
}

c3_t
_ce_limit_fault(c3_w pag_w)
{
  if ( !_ce_bud_w ) {
    return 0;
  }
  c3_w b_w = pag_w >> _ce_blk_bits;
  c3_y sta_y = _ce_sta_y[b_w] & ~_ce_blk_ref;

  if ( _ce_blk_out == sta_y ) {
    _ce_blk_in(b_w, 1, pag_w);
    u3e_Limit.refault_d++;
    _ce_limit_ahead(b_w);
    return 1;
  }
  //  a cold block; a swap page that some remapping left shut (nothing
  //  else faults on a dirty page that is backed); or a clean page of a
  //  block whose clean pages were dropped (hot or cold): open the block,
  //  its clean pages counted again before they can be touched
  c3_w bit_w = pag_w & (_ce_blk_pages - 1);
  c3_t cln_t = _ce_hlf_y[b_w] && (_ce_blk_clean(b_w) >> bit_w & 1) && !_ce_cop(pag_w);

  if ( _ce_blk_cold == sta_y || cln_t || (_ce_blk_swap(b_w) >> bit_w & 1) ) {
    c3_w add_w = ( _ce_blk_free == sta_y ) ? _ce_blk_count(b_w) : 0;
    c3_t one_t = 0;                   //  only this clean page to open

    if ( cln_t && _ce_spc_t ) {
      //  this clean page alone is opened and counted
      add_w += 1;
      _ce_cop_d[b_w] |= 1ULL << bit_w;
      one_t = ( _ce_blk_hot == sta_y );
    }
    else if ( cln_t ) {
      add_w += (c3_w)__builtin_popcountll(_ce_blk_clean(b_w));
      _ce_whole(b_w);
    }
    _ce_res_w += add_w;
    _ce_sta_y[b_w] = _ce_blk_hot | _ce_blk_ref;
    _ce_ring_put(b_w);
    if ( add_w ) {
      _ce_limit_room(b_w);
    }
    if ( one_t ) {
      if ( mprotect(_ce_ptr(pag_w), u3a_page_bytes, _ce_blk_prot(pag_w)) ) {
        u3e_Limit.err_d++;
      }
    }
    else {
      _ce_blk_open(b_w);
    }
    u3e_Limit.warm_d++;
    return 1;
  }
  return 0;
}

c3_t
_ce_limit_shut(c3_w pag_w)
{
  c3_y sta_y;

  if ( !_ce_bud_w || pag_w >= u3P.pag_w ) {
    return 0;
  }
  sta_y = _ce_sta_y[pag_w >> _ce_blk_bits] & ~_ce_blk_ref;
  return _ce_blk_cold == sta_y || _ce_blk_out == sta_y
         || (_ce_hlf_y[pag_w >> _ce_blk_bits] && !_ce_bit(pag_w) && !_ce_lzy(pag_w)
             && !_ce_cop(pag_w));
}

c3_t
_ce_limit_away(c3_w pag_w)
{
  return _ce_bud_w && pag_w < u3P.pag_w
         && _ce_blk_out == (_ce_sta_y[pag_w >> _ce_blk_bits] & ~_ce_blk_ref)
         && _ce_bit(pag_w) && !_ce_lzy(pag_w);
}

void
_ce_limit_reshut(void)
{
  if ( !_ce_bud_w ) {
    return;
  }
  for ( c3_w b_w = 0; b_w < _ce_nbk_w; b_w++ ) {
    c3_y sta_y = _ce_sta_y[b_w] & ~_ce_blk_ref;
    //  a save made swap pages clean where they are (in the scratch
    //  file, resident): a block whose clean pages were dropped counts
    //  whole again
    if ( _ce_hlf_y[b_w] ) {
      _ce_whole(b_w);
      if ( _ce_blk_hot == sta_y ) {
        _ce_blk_open(b_w);
      }
    }
    if ( _ce_blk_cold == sta_y || _ce_blk_out == sta_y ) {
      _ce_blk_shut(b_w);
    }
  }
  //  a save's remapping makes pages the pager counts (lazy pages saved as
  //  zeros, now image pages): counted now, not at the next boundary
  (void)_ce_limit_count();
  _ce_limit_fit();
}

void
_ce_limit_moved(c3_w pag_w)
{
  c3_w b_w;

  if ( !_ce_bud_w ) {
    return;
  }
  if ( !_ce_cln_t ) {
    _ce_limit_back(pag_w, pag_w + 1, pag_w);
    return;
  }
  //  counted already, as a clean page: its block is in use again
  b_w = pag_w >> _ce_blk_bits;
  if ( _ce_blk_hot == (_ce_sta_y[b_w] & ~_ce_blk_ref) ) {
    _ce_sta_y[b_w] = _ce_blk_hot | _ce_blk_ref;
  }
}

/* _ce_limit_budget(): the swap pages the pager keeps resident under the
**   cap, with fix_w pages it does not page, less a block of slack for what
**   it cannot see between two syncs (lazy pages read through the file);
**   never below _ce_blk_least blocks: a copy from one block to another
**   needs both resident, and with one block each fault would evict the
**   other's (a livelock).
*/
#define _ce_blk_least 4
static c3_w
_ce_limit_budget(c3_w fix_w)
{
  c3_w slk_w = _ce_blk_pages;
  c3_w lea_w = _ce_blk_least * _ce_blk_pages;
  return ( _ce_cap_w > fix_w + slk_w + lea_w )
         ? _ce_cap_w - fix_w - slk_w : lea_w;
}

/* _ce_limit_fixed(): resident pages the budget does not page: the
**   anonymous ones, and the clean image pages in memory (by mincore) when
**   the image is copied in.
*/
static c3_w
_ce_limit_fixed(void)
{
  c3_y vec_y[4096];
  c3_w sys_w = (c3_w)sysconf(_SC_PAGESIZE);
  c3_w per_w = u3a_page_bytes / sys_w;
  c3_w num_w = 0;
  c3_w pag_w = 0;

  //  clean pages lie below the image top: count what is in memory of them,
  //  unless the pager pages them (they are in its count) or the cgroup
  //  reclaims them
  while ( !_ce_cln_t && !_ce_rcl_t && pag_w < u3P.nor_w ) {
    c3_w end_w = c3_min(u3P.nor_w, pag_w + (c3_w)sizeof(vec_y) / per_w);
    c3_w run_w;

    while ( pag_w < end_w && _ce_bit(pag_w) ) {
      pag_w++;
    }
    run_w = pag_w;
    while ( run_w < end_w && !_ce_bit(run_w) ) {
      run_w++;
    }
    if ( run_w > pag_w
         && 0 == mincore(_ce_ptr(pag_w), (c3_z)(run_w - pag_w) << u3a_page_bits, vec_y) )
    {
      c3_w sub_w = 0;
      for ( c3_w i_w = 0; i_w < (run_w - pag_w) * per_w; i_w++ ) {
        sub_w += vec_y[i_w] & 1;
      }
      num_w += (sub_w + per_w - 1) / per_w;
    }
    pag_w = run_w;
  }
  return num_w + (c3_w)c3_min(u3e_Stat.swap_anon_d, (c3_d)u3P.pag_w);
}

/* _ce_limit_unshut(): make every cold or out block accessible again;
**   hot_t: also count it hot (resident) from here on.
*/
static void
_ce_limit_unshut(c3_t hot_t)
{
  for ( c3_w b_w = 0; b_w < _ce_nbk_w; b_w++ ) {
    c3_y sta_y = _ce_sta_y[b_w] & ~_ce_blk_ref;
    if ( _ce_blk_cold == sta_y || _ce_blk_out == sta_y ) {
      _ce_blk_open(b_w);
      if ( hot_t ) {
        _ce_frs_d[b_w] = 0;
        _ce_sta_y[b_w] = _ce_blk_hot;
        _ce_ring_put(b_w);
      }
    }
  }
}

void
u3e_limit_thaw(void)
{
  if ( _ce_bud_w ) {
    _ce_limit_unshut(0);
    _ce_thw_t = 1;
  }
}

/* _ce_limit_count(): recount the resident pages from the bitmaps: blocks
**   left with nothing counted are free; blocks that gained pages where the
**   pager did not see it (a save's remapping, the start) are hot; after a
**   thaw, every block not hot is shut again.  The pages found in the
**   blocks it held (hot, cold, and the fresh pages of out blocks): what
**   its running count should have been.
*/
static c3_w
_ce_limit_count(void)
{
  c3_w res_w = 0;
  c3_w new_w = 0;                     //  in blocks it did not hold
  c3_w per_w = 6 - _ce_blk_bits;      //  log2 of the blocks in a word

  for ( c3_w b_w = 0; b_w < _ce_nbk_w; b_w++ ) {
    if ( 0 == (b_w & ((1U << per_w) - 1)) && _ce_word_idle(b_w >> per_w) ) {
      b_w += (1U << per_w) - 1;
      continue;
    }
    c3_y sta_y = _ce_sta_y[b_w] & ~_ce_blk_ref;
    c3_w cnt_w = _ce_blk_count(b_w);

    if ( !_ce_blk_mask(b_w) ) {
      _ce_frs_d[b_w] = 0;
      if ( _ce_blk_free != sta_y ) {
        _ce_whole(b_w);
        if ( _ce_blk_hot != sta_y ) {
          _ce_blk_open(b_w);
        }
        _ce_sta_y[b_w] = _ce_blk_free;
      }
    }
    else if ( _ce_blk_free == sta_y ) {
      //  backed where the pager did not see it (a save's remapping)
      _ce_whole(b_w);
      cnt_w = _ce_blk_count(b_w);
      _ce_sta_y[b_w] = _ce_blk_hot;
      _ce_ring_put(b_w);
      res_w += cnt_w;
      new_w += cnt_w;
    }
    else {
      if ( _ce_thw_t && _ce_blk_hot != sta_y ) {
        _ce_blk_shut(b_w);
      }
      if ( _ce_blk_out != sta_y ) {
        res_w += cnt_w;
        _ce_ring_put(b_w);
      }
      else if ( (_ce_frs_d[b_w] &= _ce_blk_swap(b_w)) ) {
        res_w += (c3_w)__builtin_popcountll(_ce_frs_d[b_w]);
        _ce_ring_put(b_w);
      }
    }
  }
  _ce_thw_t = 0;
  _ce_res_w = res_w;
  return res_w - new_w;
}

c3_w
_ce_limit_counted(void)
{
  return _ce_res_w;
}

/* _ce_limit_recount(): the sum _ce_limit_count() returns, without its
**   changes.
*/
c3_w
_ce_limit_recount(void)
{
  c3_w res_w = 0;

  for ( c3_w b_w = 0; b_w < _ce_nbk_w; b_w++ ) {
    c3_y sta_y = _ce_sta_y[b_w] & ~_ce_blk_ref;
    if ( _ce_blk_hot == sta_y || _ce_blk_cold == sta_y ) {
      res_w += _ce_blk_count(b_w);
    }
    else if ( _ce_blk_out == sta_y ) {
      res_w += (c3_w)__builtin_popcountll(_ce_frs_d[b_w] & _ce_blk_swap(b_w));
    }
  }
  return res_w;
}

/* _ce_limit_fit(): evict until the count is within the budget, or nothing
**   more can be evicted.
*/
static void
_ce_limit_fit(void)
{
  c3_w was_w;

  do {
    was_w = _ce_res_w;
    _ce_limit_room(_ce_blk_max);
  } while ( _ce_res_w > _ce_bud_w && _ce_res_w < was_w );
  u3e_Limit.res_w = _ce_res_w;
}

void
u3e_limit_sync(void)
{
  if ( !_ce_bud_w ) {
    return;
  }
  {
    c3_w was_w = _ce_res_w;
    c3_w tru_w = _ce_limit_count();
    if ( tru_w > was_w && tru_w - was_w > u3e_Limit.short_w ) {
      u3e_Limit.short_w = tru_w - was_w;
    }
  }
  _ce_limit_scrub();
  _ce_bud_w = _ce_limit_budget(_ce_limit_fixed());
  _ce_limit_fit();
}

void
_ce_limit_forget(void)
{
  _ce_bud_w = 0;
}

/* _ce_limit_off(): give every block the pager shut, or half shut, its
**   protections back: the pager is stopping, or starting again.
*/
static void
_ce_limit_off(void)
{
  for ( c3_w b_w = 0; b_w < _ce_nbk_w; b_w++ ) {
    c3_y sta_y = _ce_sta_y[b_w] & ~_ce_blk_ref;
    _ce_frs_d[b_w] = 0;
    if ( _ce_hlf_y[b_w] || _ce_blk_cold == sta_y || _ce_blk_out == sta_y ) {
      _ce_whole(b_w);
      _ce_blk_open(b_w);
    }
  }
}

/* _ce_limit_grain(): log2 of the pages in a block under a cap of cap_d
**   bytes, clean image pages counted too if cln_t.  A block is the unit
**   of counting, eviction and refault, so a cap of few blocks thrashes on
**   a working set of a few pages spread over more blocks than it holds
**   (the road's stack, the allocator's current pages, the structure
**   walked), and so does a state read at random whose clean pages are
**   counted.  Measured (churn 512 MiB, kv 1024 MiB, 2 GiB loom), in a
**   memory cgroup: under a 6 MiB cap, 1 MiB blocks took 79 s and over
**   120 s, 256 KiB blocks 11 s and 84 s, 128 KiB blocks 9 s and 15 s;
**   under 15 MiB, kv took over 120 s, 7.8 s and 8.1 s; under 24 MiB, 7.8
**   s and 7.3 s; from 28 MiB up 1 MiB blocks are as fast or faster (fewer
**   faults, longer writes).  A cap that counts clean pages a block at a
**   time (above _ce_sparse_most) takes 256 KiB blocks at any size: under
**   --memory-limit 45M, kv took 25.6 s, 3.0 s and 3.5 s, while churn and
**   mixed (which read their clean pages little) took 10 to 15 % longer
**   with 256 KiB blocks than with 1 MiB ones.  Counting them one by one
**   (up to _ce_sparse_most), it takes the blocks a cgroup's cap does:
**   kv 2.0 s under 45M, 1.3 s under 91M with 1 MiB blocks, against 2.3
**   and 1.5 s with 256 KiB.  Eviction splits the loom's mappings at
**   block boundaries, at most two a block, so a block is never so small
**   that the loom has more than _ce_grain_maps of them (vm.max_map_count
**   is 65,530).
*/
#define _ce_grain_maps 16384
/* _ce_sparse_most: the largest cap, MiB, under which clean pages are
**   opened and counted one by one.  Each clean page opened alone inside a
**   shut run splits its mapping in three, so the pages opened so, which
**   the budget bounds (8,192 of them under 128 MiB), add at most 16,384
**   mappings to the 32,768 the blocks may take (vm.max_map_count is
**   65,530); above it, clean pages count a block at a time.
*/
#define _ce_sparse_most 128
static c3_w
_ce_limit_grain(c3_d cap_d, c3_t cln_t)
{
  c3_w bit_w = ( cap_d < (12ULL << 20) ) ? _ce_blk_small
             : ( cap_d < (24ULL << 20) || cln_t ) ? _ce_blk_small + 1
             : _ce_blk_big;

  while ( bit_w < _ce_blk_big && (u3P.pag_w >> bit_w) > _ce_grain_maps ) {
    bit_w++;
  }
  return bit_w;
}

c3_i
u3e_limit_set(c3_d cap_d)
{
  if ( _ce_bud_w ) {
    _ce_limit_off();
    (void)posix_fadvise(u3P.swp_i, 0, 0, POSIX_FADV_NORMAL);
  }
  if ( _ce_fil_y ) {
    munmap(_ce_fil_y, (c3_z)_ce_nbk_w << (_ce_blk_bits + u3a_page_bits));
    _ce_fil_y = 0;
  }
  _ce_bud_w = 0;
  _ce_cap_w = 0;
  _ce_res_w = 0;
  _ce_rhd_w = 0;
  _ce_rnm_w = 0;
  _ce_thw_t = 0;
  _ce_cln_t = 0;
  _ce_spc_t = 0;
  _ce_rcl_t = 0;
  //  only the blocks the last setting used: the rest were never written
  //  (a run without a cap never touches these tables' pages)
  memset(_ce_sta_y, 0, _ce_nbk_w);
  memset(_ce_hlf_y, 0, _ce_nbk_w);
  memset(_ce_cop_d, 0, (c3_z)_ce_nbk_w * sizeof(c3_d));
  memset(_ce_frs_d, 0, (c3_z)_ce_nbk_w * sizeof(c3_d));
  memset(_ce_que_y, 0, _ce_nbk_w);
  _ce_nbk_w = 0;
  memset(_ce_sen_w, 0, sizeof(_ce_sen_w));
  memset(&u3e_Limit, 0, sizeof(u3e_Limit));
  if ( !cap_d ) {
    return 0;
  }
  if ( u3P.swp_i < 0 || !u3P.ini_t ) {
    u3l_log("loom: a memory limit needs a swap file\n");
    return -1;
  }
  if ( cap_d < u3e_limit_floor(u3C.bits_w) ) {
    u3l_log("loom: memory limit %llu KiB is below the floor of %llu KiB\n",
            (unsigned long long)(cap_d >> 10),
            (unsigned long long)(u3e_limit_floor(u3C.bits_w) >> 10));
    return -1;
  }
  //  clean pages mapped from north.bin can be dropped and read again;
  //  copied in (anonymous), they cannot, and are counted apart
  _ce_cln_t = _(u3C.clean_o) && _(u3C.demand_o) && !u3P.uff_t;
  _ce_rcl_t = _ce_cln_t && _(u3C.reclaim_o);
  if ( _ce_rcl_t ) {
    _ce_cln_t = 0;
  }
  _ce_spc_t = _ce_cln_t && cap_d <= ((c3_d)_ce_sparse_most << 20);
  _ce_bkb_w = _ce_limit_grain(cap_d, _ce_cln_t && !_ce_spc_t);
  u3e_Limit.blk_w = _ce_blk_pages;
  _ce_nbk_w = (u3P.pag_w + _ce_blk_pages - 1) >> _ce_blk_bits;
  _ce_cap_w = (c3_w)c3_min(cap_d >> u3a_page_bits, (c3_d)u3P.pag_w);
  _ce_mlo_w = _ce_mhi_w = 0;
  if ( (c3_y*)u3a_Page >= u3a_loom_base && (c3_y*)u3a_Free >= u3a_loom_base ) {
    const c3_y* lo_y = c3_min((const c3_y*)u3a_Page, (const c3_y*)u3a_Free);
    const c3_y* hi_y = c3_max((const c3_y*)(u3a_Page + u3P.pag_w),
                              (const c3_y*)(u3a_Free + ((u3P.pag_w + 63) >> 6)));
    _ce_mlo_w = (c3_w)((c3_d)(lo_y - u3a_loom_base) >> (u3a_page_bits + _ce_blk_bits));
    _ce_mhi_w = (c3_w)((c3_d)(hi_y - 1 - u3a_loom_base) >> (u3a_page_bits + _ce_blk_bits)) + 1;
  }
  _ce_bud_w = _ce_limit_budget(_ce_limit_fixed());
  u3e_Limit.cap_d = cap_d;
  _ce_fil_y = mmap(0, (c3_z)_ce_nbk_w << (_ce_blk_bits + u3a_page_bits), PROT_READ,
                   MAP_SHARED, u3P.swp_i, 0);
  //  a read through the descriptor (a save copying a page the pager
  //  wrote out) reads that page, not read_ahead_kb of the file behind
  //  the pager's back; the mappings' faults have MADV_RANDOM already
  (void)posix_fadvise(u3P.swp_i, 0, 0, POSIX_FADV_RANDOM);
  if ( MAP_FAILED == _ce_fil_y ) {
    _ce_fil_y = 0;
  }
  //  pages backed before the pager began: no read-around either
  madvise(u3a_loom_base, (c3_z)u3P.pag_w << u3a_page_bits, MADV_RANDOM);
  if ( u3P.hug_t ) {
    madvise(u3a_loom_base, (c3_z)u3P.pag_w << u3a_page_bits, MADV_NOHUGEPAGE);
  }
  //  and counted from here, not from the first event's end
  u3e_limit_sync();
  return 0;
}

c3_d
u3e_limit_floor(c3_w bits_w)
{
  //  the home road between events: its allocator's page table (16 bytes a
  //  page, the home heap's first pages), its reserved stack at the loom's
  //  top and the pages it allocates from, and room for the pager to work
  //  in whole blocks
  c3_d tab_d = (1ULL << bits_w) >> (u3a_page_bits - 4);
  return c3_max(tab_d, (c3_d)u3a_page_bytes) + (4ULL << 20);
}

c3_d
u3e_limit_move(c3_d cap_d)
{
  if ( !_ce_bud_w ) {
    return 0;
  }
  cap_d = c3_max(cap_d, u3e_limit_floor(u3C.bits_w));
  if ( cap_d != u3e_Limit.cap_d ) {
    //  the blocks stay as they are (their size was chosen for the cap the
    //  pager started with: a matter of speed alone); the budget follows
    //  the cap at the sync, which evicts down to it
    _ce_cap_w = (c3_w)c3_min(cap_d >> u3a_page_bits, (c3_d)u3P.pag_w);
    u3e_Limit.cap_d = cap_d;
    u3e_limit_sync();
  }
  return u3e_Limit.cap_d;
}

c3_d
u3e_limit_lower(c3_d cap_d)
{
  //  (u3e_limit_move keeps it off the floor, and to a running pager)
  return ( cap_d < u3e_Limit.cap_d ) ? u3e_limit_move(cap_d)
                                     : ( _ce_bud_w ? u3e_Limit.cap_d : 0 );
}

c3_o
u3e_limit_on(void)
{
  return __(0 != _ce_bud_w);
}

/* _ce_cg_read(): the number in file pat_c, or 0 (none, or "max"). */
static c3_d
_ce_cg_read(const c3_c* pat_c)
{
  FILE* fil_u = fopen(pat_c, "r");
  unsigned long long val_d = 0;

  if ( !fil_u ) {
    return 0;
  }
  if ( 1 != fscanf(fil_u, "%llu", &val_d) ) {
    val_d = 0;
  }
  fclose(fil_u);
  //  v1 says "no limit" with a huge number
  return ( val_d >= (1ULL << 62) ) ? 0 : (c3_d)val_d;
}

/* _ce_cg_mount: where a cgroup hierarchy is mounted: the mount point,
**   and which cgroup of the hierarchy appears there (its root: "/" on a
**   host, the container's own cgroup in a container without a cgroup
**   namespace).
*/
#define _ce_cg_mounts_max 8
typedef struct {
  c3_c roo_c[512];
  c3_c mnt_c[512];
} _ce_cg_mount;

/* _ce_cg_unescape(): undo mountinfo's octal escapes (\040 for a space,
**   and so on) in place.
*/
static void
_ce_cg_unescape(c3_c* str_c)
{
  c3_c* out_c = str_c;

  while ( *str_c ) {
    if ( '\\' == str_c[0]
         && str_c[1] >= '0' && str_c[1] <= '3'
         && str_c[2] >= '0' && str_c[2] <= '7'
         && str_c[3] >= '0' && str_c[3] <= '7' )
    {
      *out_c++ = (c3_c)(((str_c[1] - '0') << 6) | ((str_c[2] - '0') << 3)
                        | (str_c[3] - '0'));
      str_c += 4;
    }
    else {
      *out_c++ = *str_c++;
    }
  }
  *out_c = 0;
}

/* _ce_cg_has(): 1 if the comma-separated list lis_c has the item tok_c. */
static c3_t
_ce_cg_has(const c3_c* lis_c, const c3_c* tok_c)
{
  c3_z len_z = strlen(tok_c);

  while ( lis_c ) {
    const c3_c* end_c = strchr(lis_c, ',');
    c3_z        itm_z = end_c ? (c3_z)(end_c - lis_c) : strlen(lis_c);

    if ( itm_z == len_z && !strncmp(lis_c, tok_c, len_z) ) {
      return 1;
    }
    lis_c = end_c ? end_c + 1 : 0;
  }
  return 0;
}

/* _ce_cg_mounts(): from mountinfo file mif_c, the mounts of the v1 memory
**   hierarchy (one_u, *one_w of them) and of the v2 one (two_u, *two_w);
**   -1 if the file cannot be read.
*/
static c3_i
_ce_cg_mounts(const c3_c* mif_c, _ce_cg_mount* one_u, c3_w* one_w,
              _ce_cg_mount* two_u, c3_w* two_w)
{
  FILE* fil_u = fopen(mif_c, "r");
  c3_c  lin_c[4096];

  *one_w = *two_w = 0;
  if ( !fil_u ) {
    return -1;
  }
  while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
    //  id parent major:minor root mount-point options [tags] - type source
    //  super-options
    c3_c*         sep_c = strstr(lin_c, " - ");
    c3_c*         fld_c[5];
    c3_c*         sav_c;
    c3_c*         typ_c;
    c3_c*         sup_c = 0;
    c3_w          num_w = 0;
    _ce_cg_mount* mon_u = 0;

    if ( !sep_c ) {
      continue;
    }
    *sep_c = 0;
    for ( c3_c* tok_c = strtok_r(lin_c, " ", &sav_c); tok_c && num_w < 5;
          tok_c = strtok_r(0, " ", &sav_c) )
    {
      fld_c[num_w++] = tok_c;
    }
    if ( num_w < 5 || !(typ_c = strtok_r(sep_c + 3, " \n", &sav_c)) ) {
      continue;
    }
    if ( strtok_r(0, " \n", &sav_c) ) {
      sup_c = strtok_r(0, " \n", &sav_c);
    }
    if ( !strcmp(typ_c, "cgroup2") && *two_w < _ce_cg_mounts_max ) {
      mon_u = &two_u[(*two_w)++];
    }
    else if ( !strcmp(typ_c, "cgroup") && sup_c && _ce_cg_has(sup_c, "memory")
              && *one_w < _ce_cg_mounts_max )
    {
      mon_u = &one_u[(*one_w)++];
    }
    if ( mon_u ) {
      snprintf(mon_u->roo_c, sizeof(mon_u->roo_c), "%s", fld_c[3]);
      snprintf(mon_u->mnt_c, sizeof(mon_u->mnt_c), "%s", fld_c[4]);
      _ce_cg_unescape(mon_u->roo_c);
      _ce_cg_unescape(mon_u->mnt_c);
    }
  }
  fclose(fil_u);
  return 0;
}

/* _ce_cg_under(): the part of cgroup path pat_c below mount root roo_c
**   ("" for the root itself), or 0 if pat_c is not under it.
*/
static const c3_c*
_ce_cg_under(const c3_c* pat_c, const c3_c* roo_c)
{
  c3_z len_z = strlen(roo_c);

  if ( !strcmp(roo_c, "/") ) {
    return strcmp(pat_c, "/") ? pat_c : "";
  }
  if ( !strncmp(pat_c, roo_c, len_z) && ('/' == pat_c[len_z] || !pat_c[len_z]) ) {
    return pat_c + len_z;
  }
  return 0;
}

/* _ce_cg_walk(): the least limit in the files nam_c (a list ending in 0)
**   of cgroup path pat_c and
**   its ancestors as far as they are visible, in the hierarchy mounted at
**   mon_u (num_w mounts; the one whose root holds pat_c most closely), all
**   paths under pre_c; into *lim_d and the file into src_c when less than
**   *lim_d.  A limit binds a cgroup's descendants too, so a container
**   whose own cgroup sets none is bound by its pod's.
*/
static void
_ce_cg_walk(const c3_c* pre_c, const _ce_cg_mount* mon_u, c3_w num_w,
            const c3_c* pat_c, const c3_c* const* nam_c, c3_d* lim_d,
            c3_c* src_c, c3_z src_z)
{
  const _ce_cg_mount* bes_u = 0;
  const c3_c*         rel_c = "";
  c3_c                dir_c[2048], fil_c[2200];
  c3_z                bas_z;

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    const c3_c* sub_c = _ce_cg_under(pat_c, mon_u[i_w].roo_c);
    if ( sub_c && (!bes_u || strlen(mon_u[i_w].roo_c) > strlen(bes_u->roo_c)) ) {
      bes_u = &mon_u[i_w];
      rel_c = sub_c;
    }
  }
  if ( !bes_u ) {
    //  a path outside every mount's root (a cgroup namespace's view of a
    //  cgroup beyond it, "/.."): the mount's own cgroup is the nearest
    //  one visible
    if ( !num_w ) {
      return;
    }
    bes_u = &mon_u[0];
    rel_c = "";
  }
  if ( strstr(rel_c, "/..") ) {
    rel_c = "";
  }
  snprintf(dir_c, sizeof(dir_c), "%s%s", pre_c, bes_u->mnt_c);
  bas_z = strlen(dir_c);
  if ( bas_z > 1 && '/' == dir_c[bas_z - 1] ) {
    dir_c[--bas_z] = 0;
  }
  if ( bas_z + strlen(rel_c) >= sizeof(dir_c) ) {
    return;
  }
  strcat(dir_c, rel_c);
  while ( 1 ) {
    c3_d  val_d;
    c3_c* sla_c;

    for ( const c3_c* const* nam_u = nam_c; *nam_u; nam_u++ ) {
      snprintf(fil_c, sizeof(fil_c), "%s/%s", dir_c, *nam_u);
      if ( (val_d = _ce_cg_read(fil_c)) && (!*lim_d || val_d < *lim_d) ) {
        *lim_d = val_d;
        if ( src_z ) snprintf(src_c, src_z, "%s", fil_c);
      }
    }
    if ( strlen(dir_c) <= bas_z || !(sla_c = strrchr(dir_c, '/'))
         || (c3_z)(sla_c - dir_c) < bas_z )
    {
      break;
    }
    *sla_c = 0;
  }
}

c3_d
_ce_limit_cgroup_at(const c3_c* pre_c, const c3_c* cgr_c, const c3_c* mif_c,
                    c3_c* src_c, c3_z src_z)
{
  _ce_cg_mount one_u[_ce_cg_mounts_max], two_u[_ce_cg_mounts_max];
  c3_w         one_w, two_w;
  FILE*        fil_u;
  c3_c         lin_c[4096];
  c3_d         lim_d = 0;

  if ( src_z ) {
    src_c[0] = 0;
  }
  if ( _ce_cg_mounts(mif_c, one_u, &one_w, two_u, &two_w) ) {
    //  no mount table: where the hierarchies usually are
    one_w = two_w = 1;
    snprintf(one_u[0].roo_c, sizeof(one_u[0].roo_c), "/");
    snprintf(one_u[0].mnt_c, sizeof(one_u[0].mnt_c), "/sys/fs/cgroup/memory");
    snprintf(two_u[0].roo_c, sizeof(two_u[0].roo_c), "/");
    snprintf(two_u[0].mnt_c, sizeof(two_u[0].mnt_c), "/sys/fs/cgroup");
  }
  if ( !(fil_u = fopen(cgr_c, "r")) ) {
    return 0;
  }
  while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
    //  hierarchy-id:controllers:path ("0::path" is v2's unified hierarchy)
    c3_c* con_c = strchr(lin_c, ':');
    c3_c* pat_c = con_c ? strchr(con_c + 1, ':') : 0;

    if ( !pat_c ) {
      continue;
    }
    *pat_c++ = 0;
    pat_c[strcspn(pat_c, "\n")] = 0;
    con_c++;
    if ( !*con_c ) {
      //  memory.high too: past it the kernel throttles the cgroup hard
      //  (Kubernetes' memory QoS sets it under the limit)
      static const c3_c* two_c[] = { "memory.max", "memory.high", 0 };
      _ce_cg_walk(pre_c, two_u, two_w, pat_c, two_c, &lim_d, src_c, src_z);
    }
    else if ( _ce_cg_has(con_c, "memory") ) {
      static const c3_c* one_c[] = { "memory.limit_in_bytes", 0 };
      _ce_cg_walk(pre_c, one_u, one_w, pat_c, one_c, &lim_d, src_c, src_z);
    }
  }
  fclose(fil_u);
  return lim_d;
}

c3_d
u3e_limit_cgroup(c3_c* src_c, c3_z src_z)
{
  return _ce_limit_cgroup_at("", "/proc/self/cgroup", "/proc/self/mountinfo",
                             src_c, src_z);
}

c3_d
u3e_limit_headroom(c3_d lim_d)
{
  return c3_max(lim_d / 8, (c3_d)u3e_limit_runtime_mb << 20);
}

/* _ce_limit_tight(): the most a cap under a limit too small for the
**   whole headroom reaches, for a loom of 2^bits_w bytes: what keeping
**   only u3e_limit_least_mb gives at the smallest limit with room for the
**   whole headroom above the floor (the floor plus u3e_limit_runtime_mb),
**   where the whole headroom gives only the floor.
*/
static c3_d
_ce_limit_tight(c3_w bits_w)
{
  return u3e_limit_floor(bits_w)
         + ((c3_d)(u3e_limit_runtime_mb - u3e_limit_least_mb) << 20);
}

c3_d
u3e_limit_ample(c3_w bits_w)
{
  c3_d top_d = _ce_limit_tight(bits_w);

  //  lim_d - max(lim_d / 8, runtime) >= top_d
  return c3_max(top_d + ((c3_d)u3e_limit_runtime_mb << 20), (top_d * 8 + 6) / 7);
}

c3_d
u3e_limit_under(c3_d lim_d, c3_w bits_w, c3_o* tit_o)
{
  c3_d flo_d = u3e_limit_floor(bits_w);
  c3_d lea_d = (c3_d)u3e_limit_least_mb << 20;
  c3_d ful_d = lim_d - c3_min(lim_d, u3e_limit_headroom(lim_d));
  c3_d tit_d;

  *tit_o = c3n;
  if ( lim_d < flo_d + lea_d ) {
    return 0;
  }
  //  a limit too small for the whole headroom keeps only the least of it
  //  for the runtime, up to _ce_limit_tight, which holds until the whole
  //  headroom gives more (at u3e_limit_ample): the cap never falls as the
  //  limit grows
  tit_d = c3_min(lim_d - lea_d, _ce_limit_tight(bits_w));
  if ( tit_d > ful_d ) {
    *tit_o = c3y;
    return tit_d;
  }
  return ful_d;
}
