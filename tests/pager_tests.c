/// @file pager_tests.c
/// The pager (limit.c) in one process, on a 2 GiB loom with a swap file
/// and a cap: what it does at every event boundary (u3e_limit_sync).
///
///   scrub   the scratch file's pages cached where the loom's pages are
///           lazy (planted by reading the file's holes: one in the gap
///           between the roads, one beside live pages) are punched out of
///           the page cache by the next sync; and a sync looks page by
///           page (mincore) only where something is cached: a sync with
///           nothing stray looks at fewer than 1/16 of the loom's pages
///           (looking at every lazy page, as it once did, cost 25 ms an
///           event on this loom).
///   save    a pier under a 12 MiB cap with 40 MiB of dirty state, most
///           of it written out by the pager: the save copies the pages
///           written out from the scratch file (no block comes back in
///           for it), every page the pager shut is PROT_NONE after the
///           save's remapping (/proc/self/maps; not shut again, 3,136
///           were open), the loom's pages remapped from north.bin after it
///           get no read-around (the `rr` flag: read-around pulled up to
///           read_ahead_kb of north.bin into the page cache at every
///           fault, 8 MiB here), and the state reads back whole.
///   grain   under a small cap the pager's blocks are small: one word
///           read in each of 16 atoms 1.5 MiB apart, over and over, under
///           the least cap (6 MiB): the 16 pages fit, so after the first
///           pass nothing is refaulted (with 1 MiB blocks, 16 blocks did
///           not fit, and every read was a refault of a whole block).
///   sparse  (after save, on its pier) one word read in each of 120
///           blocks of clean image pages, over and over, under the 12 MiB
///           cap: a touch counts its clean page alone, so the 120 pages
///           fit and later passes take no fault (counted a block at a
///           time, 16 pages each, they did not fit, and every pass
///           refaulted every block); then a read of the whole list, far
///           over the cap, with no sync: the running count never passes
///           the cap (each fault makes room).
///   lose    a 24 MiB list of small lists, freed under an 8 MiB cap: the
///           free reads each page of it back about once (u3a_lose frees a
///           cell's head before its tail, as a fold reads it; freeing the
///           spine first and the items after read it all back twice).
///   cold    a lazy run that crosses from a block in use into a cold one
///           (shut by the clock's hand, still resident), backed by one
///           write: the cold block's pages backed with it are counted
///           (they were not: the running count fell 4 pages short of a
///           recount, so the cap could be passed by that much until the
///           next sync).  grain, lose, sparse and cold end with the
///           running count equal to a recount (_ce_limit_recount).
///   outback a free page of a block the pager wrote out, backed by
///           u3e_reserve (as the allocator backs pages it takes): counted,
///           still counted after a sync, and not again when a read of the
///           block's written-out page brings it back (counted twice, the
///           count ran a page over a recount); taken and written, it is evicted
///           in its turn under more pressure, written out and shut, and
///           read back by the pager's refault (it was counted once, then
///           forgotten by the next sync, and stayed resident until the
///           block came back).
///   ahead   48 MiB of atoms walked in address order under a 24 MiB cap:
///           refaults read the next blocks ahead, so there are fewer
///           refaults than blocks read ahead (15 and 27; read ahead the
///           wrong way, 42 refaults and none read ahead).  Then a tool's
///           tables lower the cap to 12 MiB (u3e_limit_lower): the count
///           is under it at once (it waited for the next sync: 1,344
///           pages, 21 MiB), and a cap is never raised this way nor put
///           under the floor; moved up to 24 MiB (u3e_limit_move, as a
///           cgroup's limit raised), a walk fills it past 16 MiB.
///   reserve (after sparse) u3e_reserve of a clean image page in a block
///           the pager shut: the block is opened first, and the page moves
///           into the swap file with its contents and is counted (not
///           opened, the move's write read a PROT_NONE page and failed,
///           EFAULT, taken for a full disk).
///   guard   the guard page put in the middle of the home road's gap (as
///           a boot does), and a write to the lazy page on each side of it:
///           each backs its lazy run up to the guard, which stays
///           PROT_NONE (/proc/self/maps; a run taken over it mapped it
///           rw-s, and the guard was gone).
///   stale   an inner road frees a page inside its heap and ends; the home
///           road's stack grows over the page and writes there; evicted
///           under a cap, the page keeps the stack's frames (the road's
///           bit stayed set in the free-page bitmap, and the pager punched
///           the page as free: the frames read back as zeros).
///
/// White-box: it reads the lazy bitmap (events_in.h) to pick where to
/// plant.  The loom ends with no leak.
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "test.h"
#include "noun/events_in.h"

#define _t_bits 31                    //  a 2 GiB loom

/* _t_swap_fd(): the swap file's descriptor (unlinked: found by its name
**   in /proc/self/fd), or -1.
*/
static c3_i
_t_swap_fd(const c3_c* nam_c)
{
  DIR*           dir_u = opendir("/proc/self/fd");
  struct dirent* ent_u;
  c3_i           fid_i = -1;

  while ( dir_u && (ent_u = readdir(dir_u)) ) {
    c3_c pat_c[300], lin_c[1100];
    ssize_t len_i;

    snprintf(pat_c, sizeof(pat_c), "/proc/self/fd/%s", ent_u->d_name);
    len_i = readlink(pat_c, lin_c, sizeof(lin_c) - 1);
    if ( len_i > 0 ) {
      lin_c[len_i] = 0;
      if ( strstr(lin_c, nam_c) ) {
        fid_i = atoi(ent_u->d_name);
      }
    }
  }
  if ( dir_u ) closedir(dir_u);
  return fid_i;
}

/* _t_cached(): whether the file's 4 KiB at page pag_w's offset is in the
**   page cache (by mincore on a mapping of our own); -1 if unknown.
*/
static c3_i
_t_cached(c3_i fid_i, c3_w pag_w)
{
  c3_d          off_d = (c3_d)pag_w << u3a_page_bits;
  unsigned char vec_y[1];
  c3_y*         map_y = mmap(0, 4096, PROT_READ, MAP_SHARED, fid_i, (off_t)off_d);
  c3_i          ret_i = -1;

  if ( MAP_FAILED != map_y ) {
    if ( 0 == mincore(map_y, 4096, vec_y) ) {
      ret_i = vec_y[0] & 1;
    }
    munmap(map_y, 4096);
  }
  return ret_i;
}

/* _t_plant(): read the file's hole at page pag_w, which caches it; 1 if
**   it is cached after.
*/
static c3_t
_t_plant(c3_i fid_i, c3_w pag_w)
{
  c3_y buf_y[4096];

  return ( sizeof(buf_y) == pread(fid_i, buf_y, sizeof(buf_y),
                                  (off_t)((c3_d)pag_w << u3a_page_bits)) )
         && 1 == _t_cached(fid_i, pag_w);
}

static void
_t_scrub(const c3_c* nam_c)
{
  c3_i    fid_i = _t_swap_fd(nam_c);
  u3_noun kep = 0;
  c3_w    gap_w, sid_w = 0;
  c3_d    lok_d, scr_d;

  if ( !T_OK(fid_i >= 0, "scrub: the swap file's descriptor") ) {
    return;
  }

  //  live state, about 24 MiB, interleaved with as much freed (runs of a
  //  few pages): victims of the pager under a 16 MiB cap have their free
  //  pages punched, lazy beside live ones
  u3_noun tmp = 0;
  for ( c3_w i_w = 0; i_w < 800000; i_w++ ) {
    if ( (i_w / 1000) & 1 ) {
      kep = u3nc(u3i_chub(0x100000000ULL + i_w), kep);
    }
    else {
      tmp = u3nc(u3i_chub(0x300000000ULL + i_w), tmp);
    }
  }
  u3z(tmp);
  T_OK(0 == u3e_limit_set(16ULL << 20), "scrub: a 16 MiB cap");
  u3e_limit_sync();

  //  nothing stray: a sync looks at next to nothing page by page
  lok_d = u3e_Limit.look_d;
  for ( c3_w i_w = 0; i_w < 10; i_w++ ) {
    u3e_limit_sync();
  }
  lok_d = (u3e_Limit.look_d - lok_d) / 10;
  printf("scrub: a sync with nothing stray looked at %llu of the loom's "
         "%u pages one by one\n", (unsigned long long)lok_d, u3P.pag_w);
  T_OK(lok_d < u3P.pag_w / 16, "scrub: a sync looked at %llu pages one by "
       "one, of a loom of %u", (unsigned long long)lok_d, u3P.pag_w);

  //  a stray in the gap between the roads, and one in a block that holds
  //  live pages too
  gap_w = u3P.pag_w / 2;
  T_OK(_ce_lzy(gap_w), "scrub: the loom's middle page is lazy");
  for ( c3_w b_w = 0; b_w < u3P.pag_w / 64 && !sid_w; b_w++ ) {
    c3_d lzy_d = u3P.lzy_d[b_w];
    if ( lzy_d && ~lzy_d ) {
      sid_w = b_w * 64 + (c3_w)__builtin_ctzll(lzy_d);
    }
  }
  T_OK(_t_plant(fid_i, gap_w), "scrub: a stray planted in the gap");
  if ( sid_w ) {
    T_OK(_t_plant(fid_i, sid_w), "scrub: a stray planted beside live pages");
  }
  else {
    printf("scrub: no block here holds both lazy and live pages; one stray\n");
  }
  scr_d = u3e_Limit.scrub_d;
  u3e_limit_sync();
  if ( sid_w ) {
    T_OK(0 == _t_cached(fid_i, sid_w), "scrub: the stray beside live pages "
         "(page %u) is still cached after a sync", sid_w);
  }
  //  where the kernel has no cachestat, a wholly lazy block is looked at
  //  in its turn, one sync in 64
  c3_w syn_w = 1;
  while ( syn_w < 64 && 0 != _t_cached(fid_i, gap_w) ) {
    u3e_limit_sync();
    syn_w++;
  }
  T_OK(0 == _t_cached(fid_i, gap_w), "scrub: the stray in the gap (page %u) "
       "is still cached after %u syncs", gap_w, syn_w);
  T_OK(u3e_Limit.scrub_d - scr_d >= ( sid_w ? 2U : 1U ),
       "scrub: %llu stray pages punched", (unsigned long long)(u3e_Limit.scrub_d - scr_d));
  printf("scrub: the stray beside live pages (page %u) punched by the first "
         "sync, the one in the gap (page %u) by sync %u\n", sid_w, gap_w, syn_w);

  //  the state is intact, read with the pager on and after it is off
  for ( c3_w pas_w = 0; pas_w < 2; pas_w++ ) {
    u3_noun lis = kep;
    c3_t    ok_t = 1;
    c3_w    len_w = 0;
    for ( c3_w i_w = 800000; i_w-- > 0; ) {
      if ( (i_w / 1000) & 1 ) {
        ok_t &= u3_nul != lis && (0x100000000ULL + i_w) == u3r_chub(0, u3h(lis));
        if ( u3_nul != lis ) lis = u3t(lis);
        len_w++;
      }
    }
    T_OK(ok_t && u3_nul == lis && 400000 == len_w, "scrub: the live state is "
         "intact (%s)", pas_w ? "the pager off" : "the pager on");
    if ( !pas_w ) {
      //  off again: every block it shut is open
      u3e_limit_set(0);
    }
  }

  t_leak(kep);
  u3z(kep);
}

/* _t_grain(): a working set of few pages in many MiB under the least cap. */
static void
_t_grain(void)
{
  static c3_w buf_w[16384];           //  64 KiB atoms
  u3_noun     lis = 0;
  u3_noun     pik[16];
  c3_d        ref_d = 0;
  c3_t        ok_t = 1;

  //  24 MiB of 64 KiB atoms; every 24th is picked: 16 atoms 1.5 MiB apart
  for ( c3_w i_w = 0; i_w < 384; i_w++ ) {
    for ( c3_w j_w = 0; j_w < 16384; j_w++ ) {
      buf_w[j_w] = (i_w << 16) ^ j_w ^ 0x5a5a0000;
    }
    lis = u3nc(u3i_words(16384, buf_w), lis);
  }
  {
    u3_noun t = lis;
    for ( c3_w i_w = 384, n_w = 0; i_w-- > 0; t = u3t(t) ) {
      if ( 0 == i_w % 24 ) {
        pik[n_w++] = u3h(t);
      }
    }
  }
  T_OK(0 == u3e_limit_set(u3e_limit_floor(_t_bits)), "grain: the least cap");
  T_EQ(8, u3e_Limit.blk_w);
  u3e_limit_sync();

  //  a warm-up pass brings the 16 in; eight more must find them resident
  for ( c3_w pas_w = 0; pas_w < 9; pas_w++ ) {
    if ( 1 == pas_w ) {
      ref_d = u3e_Limit.refault_d;
    }
    for ( c3_w n_w = 0; n_w < 16; n_w++ ) {
      c3_w i_w = 360 - 24 * n_w;
      ok_t &= ((i_w << 16) ^ 0x5a5a0000) == u3r_word(0, pik[n_w]);
    }
  }
  ref_d = u3e_Limit.refault_d - ref_d;
  printf("grain: 16 pages 1.5 MiB apart under a %llu KiB cap: %llu refaults "
         "in 8 passes\n", (unsigned long long)(u3e_limit_floor(_t_bits) >> 10),
         (unsigned long long)ref_d);
  T_OK(ok_t, "grain: the words read back");
  T_OK(ref_d < 16, "grain: %llu refaults in 8 passes over 16 pages that fit "
       "the cap", (unsigned long long)ref_d);

  //  16 MiB more allocated under the cap: each fault backs 1 MiB, several
  //  small blocks, each counted and evicted in its turn (the count never
  //  passes the cap)
  {
    u3_noun mor = 0;
    for ( c3_w i_w = 0; i_w < 256; i_w++ ) {
      buf_w[0] = i_w;
      mor = u3nc(u3i_words(16384, buf_w), mor);
    }
    printf("grain: 16 MiB allocated under the cap: %u pages counted at the "
           "most, %llu times over the budget\n", u3e_Limit.peak_w,
           (unsigned long long)u3e_Limit.over_d);
    T_OK((c3_d)u3e_Limit.peak_w << u3a_page_bits <= u3e_limit_floor(_t_bits),
         "grain: %u pages counted at the most, under a cap of %llu KiB",
         u3e_Limit.peak_w, (unsigned long long)(u3e_limit_floor(_t_bits) >> 10));
    T_EQ(0, u3e_Limit.over_d);
    T_EQ(_ce_limit_recount(), _ce_limit_counted());
    T_OK(u3e_Limit.peak_w >= _ce_limit_counted() && u3e_Limit.peak_w > 0,
         "grain: the peak (%u pages) is at least the count (%u)",
         u3e_Limit.peak_w, _ce_limit_counted());
    u3z(mor);
  }
  u3e_limit_set(0);

  t_leak(lis);
  u3z(lis);
}

/* _t_lose(): a list of lists freed under a cap reads it back once. */
static void
_t_lose(void)
{
  u3_noun lis = 0;
  c3_d    liv_d = u3R->liv_d;
  c3_d    pag_d, in_d;

  //  1.5 million cells: 96,000 items of 16 cells, and the spine
  for ( c3_w i_w = 0; i_w < 96000; i_w++ ) {
    u3_noun itm = 0;
    for ( c3_w j_w = 0; j_w < 15; j_w++ ) {
      itm = u3nc(i_w ^ (j_w << 20), itm);
    }
    lis = u3nc(itm, lis);
  }
  pag_d = (u3R->liv_d - liv_d) >> u3a_page_bits;
  T_OK(0 == u3e_limit_set(8ULL << 20), "lose: an 8 MiB cap");
  u3e_limit_sync();
  in_d = u3e_Limit.in_d;
  u3z(lis);
  in_d = u3e_Limit.in_d - in_d;
  T_EQ(_ce_limit_recount(), _ce_limit_counted());
  printf("lose: a list of %llu pages freed under an 8 MiB cap read %llu pages "
         "back\n", (unsigned long long)pag_d, (unsigned long long)in_d);
  T_OK(in_d <= pag_d + pag_d / 4, "lose: freeing %llu pages read %llu back",
       (unsigned long long)pag_d, (unsigned long long)in_d);
  u3e_limit_set(0);
}

/* _t_atom(): an atom of wor_w words (at most 32,768) whose first is val_w
**   and last 1: wor_w words, none trimmed.
*/
static u3_atom
_t_atom(c3_w wor_w, c3_w val_w)
{
  static c3_w buf_w[32768];

  buf_w[0] = val_w;
  buf_w[wor_w - 1] = 1;
  return u3i_words(wor_w, buf_w);
}

/* _t_cold(): lazy pages of a cold block, backed with a neighbour's. */
static void
_t_cold(void)
{
  c3_w    bot_w = (u3P.pag_w / 2) & ~63U;  //  a lazy MiB in the gap
  c3_w    bp_w, one_w, two_w;
  u3_noun lis = 0;
  c3_w    num_w = 0;
  c3_t    lzy_t = 1;

  for ( c3_w pag_w = bot_w; pag_w < bot_w + 64; pag_w++ ) {
    lzy_t &= _ce_lzy(pag_w);
  }
  if ( !T_OK(lzy_t, "cold: pages %u to %u are lazy", bot_w, bot_w + 63)
       || !T_OK(0 == u3e_limit_set(8ULL << 20), "cold: an 8 MiB cap") )
  {
    return;
  }
  bp_w  = u3e_Limit.blk_w;
  one_w = bot_w + bp_w;               //  block one: [one_w, two_w)
  two_w = bot_w + 2 * bp_w;           //  block two, its neighbour
  T_OK(bp_w < 64, "cold: blocks of %u pages, less than a lazy back's MiB", bp_w);

  //  2 MiB in use first, ahead of the two blocks in the clock: the hand's
  //  first turn cools every block, the second takes these first
  for ( c3_w i_w = 0; i_w < 32; i_w++ ) {
    lis = u3nc(_t_atom(16384, i_w), lis);
  }

  //  the whole MiB backed by one write, then the last 4 pages of block one
  //  and the first 4 of block two made lazy again: one lazy run across
  //  the two blocks' border
  for ( c3_w pag_w = bot_w; pag_w < bot_w + 64; pag_w++ ) {
    *(volatile c3_w*)_ce_ptr(pag_w) = pag_w;
  }
  _ce_swap_punch(two_w - 4, two_w + 4);
  T_OK(0 == _ce_lazy_map(two_w - 4, two_w + 4), "cold: pages made lazy");
  u3e_limit_sync();
  T_EQ(_ce_limit_recount(), _ce_limit_counted());

  //  pressure until the clock's hand has passed block one: cold (shut, but
  //  resident, not written out)
  while ( !_ce_limit_shut(one_w) && num_w < 4096 ) {
    lis = u3nc(_t_atom(16384, num_w++), lis);
  }
  T_OK(_ce_limit_shut(one_w) && !_ce_limit_away(one_w),
       "cold: block one is cold after %u atoms of 64 KiB", num_w);
  T_EQ(two_w + 5, *(volatile c3_w*)_ce_ptr(two_w + 5));  //  block two in use
  T_OK(!_ce_limit_shut(two_w), "cold: block two is hot");
  T_OK(_ce_limit_shut(one_w), "cold: block one is still cold");

  //  a write to block two's first (lazy) page backs the lazy run, block
  //  one's 4 pages with it: they are counted as they become resident
  *(volatile c3_w*)_ce_ptr(two_w) = two_w;
  T_OK(!_ce_lzy(two_w - 1) && !_ce_lzy(two_w), "cold: the lazy run backed");
  printf("cold: after a lazy run across a cold block was backed: %u pages "
         "counted, %u on a recount\n", _ce_limit_counted(), _ce_limit_recount());
  T_EQ(_ce_limit_recount(), _ce_limit_counted());

  //  pages of the road's free gap hold nothing: when their blocks are
  //  evicted, they are punched, never written
  num_w = 0;
  while ( !_ce_lzy(one_w) && num_w < 2048 ) {
    lis = u3nc(_t_atom(16384, num_w++), lis);
  }
  T_OK(_ce_lzy(one_w), "cold: block one's page in the gap punched after %u "
       "more atoms of 64 KiB", num_w);
  u3e_limit_set(0);
  u3z(lis);
  _ce_swap_punch(bot_w, bot_w + 64);
  T_OK(0 == _ce_lazy_map(bot_w, bot_w + 64), "cold: the MiB lazy again");
}

/* _t_ahead(): a walk in address order over what was written out. */
static void
_t_ahead(void)
{
  u3_noun lis = 0;
  c3_d    ref_d, ahd_d;
  c3_t    ok_t = 1;

  //  48 MiB of 64 KiB atoms, most of it written out under a 24 MiB cap
  //  (1 MiB blocks; over 16 MiB of budget, so refaults read ahead)
  for ( c3_w i_w = 0; i_w < 768; i_w++ ) {
    lis = u3nc(_t_atom(16384, i_w), lis);
  }
  if ( !T_OK(0 == u3e_limit_set(24ULL << 20), "ahead: a 24 MiB cap") ) {
    u3z(lis);
    return;
  }
  u3e_limit_sync();
  ref_d = u3e_Limit.refault_d;
  ahd_d = u3e_Limit.ahead_d;
  {
    c3_w i_w = 768;
    for ( u3_noun t = lis; u3_nul != t; t = u3t(t) ) {
      ok_t &= --i_w == u3r_word(0, u3h(t));
    }
  }
  ref_d = u3e_Limit.refault_d - ref_d;
  ahd_d = u3e_Limit.ahead_d - ahd_d;
  printf("ahead: a walk over 48 MiB under a 24 MiB cap: %llu refaults, "
         "%llu blocks read ahead\n", (unsigned long long)ref_d,
         (unsigned long long)ahd_d);
  T_OK(ok_t, "ahead: the atoms read back");
  T_OK(ahd_d > 0, "ahead: blocks were read ahead");
  T_OK(ref_d < ahd_d, "ahead: %llu refaults, more than the %llu blocks read "
       "ahead", (unsigned long long)ref_d, (unsigned long long)ahd_d);

  //  a tool's tables outside the loom lower the cap (u3e_limit_lower):
  //  the pager evicts down to it at once, not at the next sync
  {
    c3_w bef_w = _ce_limit_counted();
    c3_d cap_d = u3e_limit_lower(12ULL << 20);

    T_EQ(cap_d, 12ULL << 20);
    T_EQ(u3e_Limit.cap_d, 12ULL << 20);
    T_OK((c3_d)bef_w << u3a_page_bits > cap_d, "ahead: %u pages counted "
         "before the cap was lowered", bef_w);
    T_OK((c3_d)_ce_limit_counted() << u3a_page_bits <= cap_d,
         "lower: %u pages counted at once under a cap of %llu KiB (%u before)",
         _ce_limit_counted(), (unsigned long long)(cap_d >> 10), bef_w);
    T_EQ(_ce_limit_recount(), _ce_limit_counted());
    //  never raised, nor under the floor
    T_EQ(u3e_limit_lower(20ULL << 20), 12ULL << 20);
    T_EQ(u3e_limit_lower(1), u3e_limit_floor(u3C.bits_w));

    //  moved up again (a cgroup's limit raised): the walk fills the room
    T_EQ(u3e_limit_move(24ULL << 20), 24ULL << 20);
    {
      c3_w i_w = 768;
      c3_t wok_t = 1;
      for ( u3_noun t = lis; u3_nul != t; t = u3t(t) ) {
        wok_t &= --i_w == u3r_word(0, u3h(t));
      }
      T_OK(wok_t, "move: the atoms read back");
    }
    u3e_limit_sync();
    T_OK((c3_d)_ce_limit_counted() << u3a_page_bits > (16ULL << 20),
         "move: %u pages counted after a walk under the cap moved up to "
         "24 MiB", _ce_limit_counted());
    T_EQ(_ce_limit_recount(), _ce_limit_counted());
  }
  u3e_limit_set(0);
  u3z(lis);
}

/* _t_perm(): the permissions of the mapping holding loom page pag_w
**   (/proc/self/maps, "rw-s" and so on) into per_c; 0, or -1.
*/
static c3_i
_t_perm(c3_w pag_w, c3_c per_c[8])
{
  FILE*     fil_u = fopen("/proc/self/maps", "r");
  c3_c      lin_c[512];
  uintptr_t adr_l = (uintptr_t)_ce_ptr(pag_w);
  c3_i      ret_i = -1;

  while ( fil_u && fgets(lin_c, sizeof(lin_c), fil_u) ) {
    unsigned long lo_l, hi_l;
    if ( 3 == sscanf(lin_c, "%lx-%lx %7s", &lo_l, &hi_l, per_c)
         && adr_l >= lo_l && adr_l < hi_l )
    {
      ret_i = 0;
      break;
    }
  }
  if ( fil_u ) fclose(fil_u);
  return ret_i;
}

/* _t_guard(): a lazy run backed next to the guard page leaves it shut. */
static void
_t_guard(void)
{
  c3_w gar_w;
  c3_c per_c[8] = "";

  //  as a boot puts it: in the middle of the home road's gap
  u3e_ward(u3R->hat_w, u3R->cap_w);
  gar_w = u3P.gar_w;
  if ( !T_OK(0 != gar_w && _ce_lzy(gar_w - 1) && _ce_lzy(gar_w + 1),
             "guard: a guard page (%u) with lazy pages on both sides", gar_w) )
  {
    return;
  }
  //  a write on each side backs the lazy run around it, up to the guard
  *(volatile c3_w*)_ce_ptr(gar_w - 1) = 1;
  *(volatile c3_w*)_ce_ptr(gar_w + 1) = 1;
  T_EQ(gar_w, u3P.gar_w);
  T_OK(!_ce_lzy(gar_w - 1) && !_ce_lzy(gar_w + 1), "guard: both sides backed");
  T_OK(0 == _t_perm(gar_w, per_c) && !strncmp(per_c, "---", 3),
       "guard: the guard page is still PROT_NONE: %s", per_c);
  //  lazy again: the gap holds nothing
  _ce_swap_punch(gar_w - 1, gar_w);
  _ce_swap_punch(gar_w + 1, gar_w + 2);
  T_OK(0 == _ce_lazy_map(gar_w - 1, gar_w) && 0 == _ce_lazy_map(gar_w + 1, gar_w + 2),
       "guard: the sides lazy again");
}

/* _t_resident(): 1 if loom page pag_w's first 4 KiB is in memory. */
static c3_t
_t_resident(c3_w pag_w)
{
  c3_y vec_y[1];
  return 0 == mincore(_ce_ptr(pag_w), 4096, vec_y) && (vec_y[0] & 1);
}

/* _t_lazy_away(): a lazy page within 10 pages of an atom of the list
**   lis, in a block the pager wrote out (a page of it is away); 0 if none.
*/
static c3_w
_t_lazy_away(u3_noun lis)
{
  c3_w per_w = u3e_Limit.blk_w;

  for ( ; u3_nul != lis; lis = u3t(lis) ) {
    c3_w bot_w = u3a_page_of(u3a_to_ptr(u3h(lis)));
    for ( c3_w pag_w = bot_w; pag_w < bot_w + 10; pag_w++ ) {
      c3_w blk_w = pag_w / per_w * per_w;
      if ( !_ce_lzy(pag_w) ) {
        continue;
      }
      for ( c3_w q_w = blk_w; q_w < blk_w + per_w; q_w++ ) {
        if ( _ce_limit_away(q_w) ) {
          return pag_w;
        }
      }
    }
  }
  return 0;
}

/* _t_outback(): free pages of an evicted block, backed again. */
static void
_t_outback(void)
{
  u3_noun kep = 0, mor = 0;
  u3_noun ato[64];
  c3_w    num_w = 0, pag_w = 0;

  if ( !T_OK(0 == u3e_limit_set(8ULL << 20), "outback: an 8 MiB cap") ) {
    return;
  }
  //  64 atoms of 64 KiB, every other one freed: free pages among live
  //  ones, which an evicted block's punch makes lazy
  for ( c3_w i_w = 0; i_w < 64; i_w++ ) {
    ato[i_w] = _t_atom(16384, i_w);
  }
  for ( c3_w i_w = 0; i_w < 64; i_w++ ) {
    if ( i_w & 1 ) {
      u3z(ato[i_w]);
    }
    else {
      kep = u3nc(ato[i_w], kep);
    }
  }
  //  pressure until some block holds both a page written out and a free
  //  page punched (lazy)
  while ( !(pag_w = _t_lazy_away(kep)) && num_w < 2048 ) {
    //  128 KiB, twice a freed atom: never put in a freed atom's place
    mor = u3nc(_t_atom(32768, num_w++), mor);
  }
  if ( T_OK(pag_w, "outback: a lazy page in a block written out, after %u "
            "atoms of 128 KiB", num_w) )
  {
    c3_w* lo_w = (c3_w*)(void*)_ce_ptr(pag_w);
    c3_w* hi_w = (c3_w*)(void*)_ce_ptr(pag_w + 1);
    c3_w  cnt_w, out_w = 0;

    //  the allocator backs pages it takes ahead of use, outside the fault
    //  handler: the page is counted, and stays counted at the next sync
    //  (which counted no page of a block written out)
    cnt_w = _ce_limit_counted();
    T_EQ(u3e_reserve_done, u3e_reserve(lo_w, hi_w));
    T_OK(!_ce_lzy(pag_w), "outback: page %u backed", pag_w);
    T_EQ(cnt_w + 1, _ce_limit_counted());
    printf("outback: a free page of a block written out, backed: %u pages "
           "counted, %u on a recount\n", _ce_limit_counted(), _ce_limit_recount());
    T_EQ(_ce_limit_recount(), _ce_limit_counted());
    u3e_limit_sync();
    T_EQ(_ce_limit_recount(), _ce_limit_counted());

    //  a read of a page of that block written out: the block's refault
    //  counts its other pages, not the fresh one again
    {
      c3_w per_w = u3e_Limit.blk_w;
      c3_w blk_w = pag_w / per_w * per_w;
      c3_w awy_w = 0;
      for ( c3_w q_w = blk_w; q_w < blk_w + per_w && !awy_w; q_w++ ) {
        awy_w = _ce_limit_away(q_w) ? q_w : 0;
      }
      if ( T_OK(0 != awy_w, "outback: a page of the block written out") ) {
        c3_d ref_d = *(volatile c3_d*)&u3e_Limit.refault_d;
        (void)*(volatile c3_w*)_ce_ptr(awy_w);
        T_OK(*(volatile c3_d*)&u3e_Limit.refault_d > ref_d, "outback: the "
             "read was the block's refault");
        T_EQ(_ce_limit_recount(), _ce_limit_counted());
      }
    }

    //  taken by the allocator (white-box: its bit in the free-page bitmap
    //  cleared) and written; more pressure evicts it in its turn: written
    //  out, not punched, and shut, so that a touch is the pager's refault
    c3_bit_clear(u3a_Free, pag_w);
    lo_w[0] = 7;
    T_OK(_t_resident(pag_w), "outback: the fresh page is resident");
    while ( _t_resident(pag_w) && out_w < 2048 ) {
      mor = u3nc(_t_atom(32768, out_w++), mor);
    }
    printf("outback: the fresh page evicted after %u atoms of 128 KiB\n", out_w);
    T_OK(!_t_resident(pag_w), "outback: the fresh page evicted after "
         "%u atoms of 128 KiB", out_w);
    T_OK(!_ce_lzy(pag_w), "outback: the fresh page written out, not punched");
    T_EQ(_ce_limit_recount(), _ce_limit_counted());
    {
      //  volatile: the refault is counted in the signal handler
      c3_d ref_d = *(volatile c3_d*)&u3e_Limit.refault_d;
      T_EQ(7, *(volatile c3_w*)lo_w);
      T_OK(*(volatile c3_d*)&u3e_Limit.refault_d > ref_d, "outback: reading "
           "the evicted page was the pager's refault");
      T_EQ(_ce_limit_recount(), _ce_limit_counted());
    }
    c3_bit_set(u3a_Free, pag_w);
  }
  //  the atoms kept read back
  {
    c3_t ok_t = 1;
    c3_w i_w = 64;
    for ( u3_noun t = kep; u3_nul != t; t = u3t(t) ) {
      i_w -= 2;
      ok_t &= i_w == u3r_word(0, u3h(t)) && 1 == u3r_word(16383, u3h(t));
    }
    T_OK(ok_t && 0 == i_w, "outback: the atoms kept read back");
  }
  u3e_limit_set(0);
  u3z(mor);
  u3z(kep);
}

/* _t_flags(): the VmFlags of the mapping holding adr_y (smaps), into
**   flg_c; 0, or -1 if not found.
*/
static c3_i
_t_flags(const c3_y* adr_y, c3_c* flg_c, c3_z len_z)
{
  FILE* fil_u = fopen("/proc/self/smaps", "r");
  c3_c  lin_c[512];
  c3_t  in_t = 0;
  c3_i  ret_i = -1;

  while ( fil_u && fgets(lin_c, sizeof(lin_c), fil_u) ) {
    unsigned long lo_l, hi_l;
    if ( 2 == sscanf(lin_c, "%lx-%lx ", &lo_l, &hi_l) && strchr(lin_c, ' ') ) {
      in_t = (c3_d)(uintptr_t)adr_y >= lo_l && (c3_d)(uintptr_t)adr_y < hi_l;
    }
    else if ( in_t && !strncmp(lin_c, "VmFlags:", 8) ) {
      snprintf(flg_c, len_z, "%s", lin_c + 8);
      ret_i = 0;
      break;
    }
  }
  if ( fil_u ) fclose(fil_u);
  return ret_i;
}

/* _t_open_shut(): the pages the pager has shut (cold or out blocks, and
**   the clean pages of half blocks), neither lazy nor the guard, whose
**   mapping is not PROT_NONE (from /proc/self/maps): 0 when every one is
**   shut, so that a touch is counted.
*/
static c3_w
_t_open_shut(void)
{
  FILE*         fil_u = fopen("/proc/self/maps", "r");
  c3_c          lin_c[512];
  unsigned long lo_l = 0, hi_l = 0;
  c3_c          per_c[8] = "";
  c3_w          bad_w = 0;
  c3_w          pag_w = 0;

  if ( !fil_u ) {
    return ~0U;
  }
  //  the maps are in address order, as are the pages
  while ( pag_w < u3P.pag_w ) {
    uintptr_t adr_l = (uintptr_t)_ce_ptr(pag_w);

    if ( adr_l >= hi_l ) {
      if ( !fgets(lin_c, sizeof(lin_c), fil_u) ) {
        break;
      }
      if ( 3 != sscanf(lin_c, "%lx-%lx %7s", &lo_l, &hi_l, per_c) ) {
        hi_l = 0;
      }
      continue;
    }
    if ( adr_l >= lo_l && _ce_limit_shut(pag_w) && !_ce_lzy(pag_w)
         && pag_w != u3P.gar_w && strncmp(per_c, "---", 3) )
    {
      bad_w++;
    }
    pag_w++;
  }
  fclose(fil_u);
  return bad_w;
}

/* _t_sparse(): under a cap that counts clean image pages, a touch of one
**   clean page counts that page, not its whole block: one word read in
**   each of 120 blocks of the saved list kep (clean pages, mapped from
**   north.bin), over and over, fits the 12 MiB cap after two passes;
**   counted a block at a time (16 pages each), it did not, and every pass
**   refaulted every block.
*/
static void
_t_sparse(u3_noun kep)
{
  u3_noun pik[120];
  c3_d    val[120];
  c3_w    num_w = 0, las_w = ~0U;
  c3_w    len_w = 0;
  c3_d    flt_d = 0;
  c3_t    ok_t = 1;

  u3e_limit_sync();
  for ( u3_noun lis = kep; u3_nul != lis && num_w < 120; lis = u3t(lis), len_w++ ) {
    u3_noun a     = u3h(lis);
    c3_w    pag_w = (c3_w)(((c3_y*)u3a_to_ptr(a) - u3a_loom_base) >> u3a_page_bits);
    c3_w    b_w   = pag_w / u3e_Limit.blk_w;

    if ( b_w != las_w && pag_w < u3P.nor_w && !_ce_bit(pag_w) ) {
      las_w = b_w;
      pik[num_w] = a;
      val[num_w++] = 0x100000000ULL + (1299999 - len_w);
    }
  }
  if ( !T_OK(120 == num_w, "sparse: %u clean blocks of the list", num_w) ) {
    return;
  }
  //  two passes bring them in (the first one's faults push out what the
  //  walk above left, and cool some of the picks' blocks on the way);
  //  eight more must find them resident
  for ( c3_w pas_w = 0; pas_w < 10; pas_w++ ) {
    if ( 2 == pas_w ) {
      flt_d = u3e_Limit.refault_d + u3e_Limit.warm_d;
    }
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      ok_t &= val[i_w] == u3r_chub(0, pik[i_w]);
    }
  }
  flt_d = u3e_Limit.refault_d + u3e_Limit.warm_d - flt_d;
  printf("sparse: a word in each of 120 blocks of clean pages (%u KiB each) "
         "under a 12 MiB cap: %llu faults in 8 passes\n",
         u3e_Limit.blk_w << (u3a_page_bits - 10), (unsigned long long)flt_d);
  T_OK(ok_t, "sparse: the words read back");
  T_OK(flt_d < 8, "sparse: %llu faults in 8 passes over 120 clean pages that "
       "fit the cap", (unsigned long long)flt_d);

  //  a read of every item, far more clean blocks than the cap holds, with
  //  no event boundary: each fault that opens clean pages makes room at
  //  once, so the running count stays under the cap all along
  {
    c3_d sum_d = 0;
    c3_w top_w = 0;
    for ( u3_noun lis = kep; u3_nul != lis; lis = u3t(lis) ) {
      sum_d += u3r_chub(0, u3h(lis));
      top_w = c3_max(top_w, _ce_limit_counted());
    }
    T_OK(sum_d > 0, "sparse: the whole list read");
    T_OK((c3_d)top_w << u3a_page_bits <= u3e_Limit.cap_d,
         "sparse: %u pages counted at the most in a read of the whole list, "
         "under a cap of %llu KiB", top_w,
         (unsigned long long)(u3e_Limit.cap_d >> 10));
  }
  T_EQ(0, u3e_Limit.over_d);
  T_EQ(_ce_limit_recount(), _ce_limit_counted());
  T_EQ(0, _t_open_shut());
}

/* _t_reserve(): u3e_reserve (the allocator backing a page it takes) of a
**   clean image page of the list kep in a block the pager shut: the block
**   is opened first (the page's contents are read for the move), the page
**   moves into the swap file with its contents, and is counted.
*/
static void
_t_reserve(u3_noun kep)
{
  u3_noun a = 0;
  c3_w    pag_w = 0, len_w = 0, idx_w = 0;
  c3_d    cnt_d;

  for ( u3_noun lis = kep; u3_nul != lis; lis = u3t(lis), len_w++ ) {
    c3_w p_w = u3a_page_of(u3a_to_ptr(u3h(lis)));
    if ( p_w < u3P.nor_w && !_ce_bit(p_w) && _ce_limit_shut(p_w) ) {
      a = u3h(lis);
      pag_w = p_w;
      idx_w = len_w;
      break;
    }
  }
  if ( !T_OK(0 != pag_w, "reserve: a clean image page in a shut block") ) {
    return;
  }
  cnt_d = _ce_limit_counted();
  T_EQ(u3e_reserve_done, u3e_reserve((c3_w*)(void*)_ce_ptr(pag_w),
                                     (c3_w*)(void*)_ce_ptr(pag_w + 1)));
  T_OK(_ce_bit(pag_w), "reserve: page %u moved into the swap file", pag_w);
  T_OK(_ce_limit_counted() > cnt_d, "reserve: the page is counted (%llu, "
       "before %llu)", (unsigned long long)_ce_limit_counted(),
       (unsigned long long)cnt_d);
  T_EQ(_ce_limit_recount(), _ce_limit_counted());
  T_EQ(0x100000000ULL + (1299999 - idx_w), u3r_chub(0, a));
  T_EQ(_ce_limit_recount(), _ce_limit_counted());
}

static void
_t_save(const c3_c* dir_c)
{
  c3_c    pir_c[600], swp_c[700], flg_c[600];
  u3_noun kep = 0;
  c3_d    ref_d, out_d;
  c3_w    pag_w;

  snprintf(pir_c, sizeof(pir_c), "%s/pier", dir_c);
  snprintf(swp_c, sizeof(swp_c), "%s/save-swap.bin", dir_c);
  u3C.swap_c = swp_c;
  if ( !T_OK(0 == u3e_swap_open(swp_c), "save: a swap file")
       || !T_OK(u3m_boot_new == u3m_boot(pir_c, 28), "save: a new pier")
       || !T_OK(0 == u3e_limit_set(12ULL << 20), "save: a 12 MiB cap") )
  {
    u3C.swap_c = 0;
    return;
  }
  //  40 MiB of cells and atoms, all dirty: most of them go out
  for ( c3_w i_w = 0; i_w < 1300000; i_w++ ) {
    kep = u3nc(u3i_chub(0x100000000ULL + i_w), kep);
  }
  u3e_limit_sync();
  out_d = u3e_Limit.out_d;
  ref_d = u3e_Limit.refault_d;
  T_OK(out_d > 1000, "save: the pager wrote %llu pages out before the save",
       (unsigned long long)out_d);
  T_OK(0 == u3m_save() && 0 == u3e_save_wait(), "save: the save");
  printf("save: %llu pages written out before it; the save took %llu "
         "refaults\n", (unsigned long long)out_d,
         (unsigned long long)(u3e_Limit.refault_d - ref_d));
  T_OK(u3e_Limit.refault_d - ref_d < 4, "save: the save brought %llu blocks "
       "back in to copy their pages", (unsigned long long)(u3e_Limit.refault_d - ref_d));
  //  the save's remapping covered shut blocks: shut again, every page
  {
    c3_w opn_w = _t_open_shut();
    printf("save: after the save, %u pages the pager shut are open\n", opn_w);
    T_EQ(0, opn_w);
  }

  //  a page of the list, now an image page mapped from north.bin
  pag_w = (c3_w)(((c3_y*)u3a_to_ptr(kep) - u3a_loom_base) >> u3a_page_bits);
  T_OK(pag_w < u3P.nor_w, "save: page %u is an image page (%u)", pag_w, u3P.nor_w);
  (void)*(volatile c3_w*)u3a_to_ptr(kep);
  if ( T_OK(0 == _t_flags(_ce_ptr(pag_w), flg_c, sizeof(flg_c)), "save: flags") ) {
    T_OK(0 != strstr(flg_c, " rr"), "save: a remapped image page is not "
         "advised random (read-around on): VmFlags%s", flg_c);
  }

  //  the state reads back whole
  c3_w    len_w = 0;
  c3_t    ok_t = 1;
  u3_noun lis = kep;
  while ( u3_nul != lis ) {
    ok_t &= (0x100000000ULL + (1299999 - len_w)) == u3r_chub(0, u3h(lis));
    len_w++;
    lis = u3t(lis);
  }
  T_OK(ok_t && 1300000 == len_w, "save: the state reads back whole");
  _t_sparse(kep);
  _t_reserve(kep);
  u3e_limit_set(0);
  t_leak(kep);
  u3z(kep);
  u3m_stop();
  u3C.swap_c = 0;
}

/* _t_stale(): a free page an inner road left behind, which the home
**   road's stack then takes: evicted under a cap, it is written out, never
**   punched as free.  The inner road's heap lies in the home road's gap,
**   just under its stack; when the road ends, the free-page bitmap keeps
**   the bits of its free pages unless they are cleared, and the pager,
**   which punches the pages the bitmap marks free, took the stack's frames
**   there for free pages and zeroed them.
*/
static void
_t_stale(void)
{
  c3_w    lo_w, hi_w, len_w, bad_w = 0, num_w = 0;
  c3_w*   frm_w;
  u3_noun lis = 0;

  //  an inner road: two runs from the top of its heap down, the first
  //  freed (inside the heap: its bits set), and the road left
  u3m_leap();
  {
    u3_atom one = _t_atom(8192, 1);
    u3_atom two = _t_atom(8192, 2);
    const u3a_atom* one_u = (const u3a_atom*)(void*)u3a_to_ptr(one);

    lo_w = u3a_page_of(one_u) + 1;
    hi_w = u3a_page_of(&one_u->buf_w[8192 - 1]);
    u3z(one);
    (void)two;
  }
  T_OK(hi_w > lo_w && c3_bit_get(u3a_Free, lo_w), "stale: pages %u-%u freed "
       "on the inner road", lo_w, hi_w - 1);
  u3m_fall();
  for ( c3_w pag_w = lo_w; pag_w < hi_w; pag_w++ ) {
    bad_w += c3_bit_get(u3a_Free, pag_w);
  }
  T_OK(0 == bad_w, "stale: %u pages of the road that ended still marked "
       "free", bad_w);

  //  the home road's stack grows over them, and writes there
  len_w = (c3_w)(u3R->cap_w - (c3_w*)u3a_page_ptr(lo_w));
  frm_w = u3a_push(len_w);
  T_OK(frm_w <= (c3_w*)u3a_page_ptr(lo_w), "stale: the stack reaches page %u",
       lo_w);
  for ( c3_w pag_w = lo_w; pag_w < hi_w; pag_w++ ) {
    ((volatile c3_w*)u3a_page_ptr(pag_w))[7] = pag_w ^ 0x5a5a5a5a;
  }

  //  pressure until the pager has taken the stack's pages
  T_OK(0 == u3e_limit_set(8ULL << 20), "stale: an 8 MiB cap");
  while ( !_ce_limit_away(lo_w) && !_ce_lzy(lo_w) && num_w < 4096 ) {
    lis = u3nc(_t_atom(16384, num_w++), lis);
  }
  T_OK(_ce_limit_away(lo_w) || _ce_lzy(lo_w), "stale: the stack's page %u "
       "evicted after %u atoms of 64 KiB", lo_w, num_w);
  bad_w = 0;
  for ( c3_w pag_w = lo_w; pag_w < hi_w; pag_w++ ) {
    bad_w += ( ((volatile c3_w*)u3a_page_ptr(pag_w))[7] != (pag_w ^ 0x5a5a5a5a) );
  }
  T_OK(0 == bad_w, "stale: %u of the stack's pages %u-%u lost their frames "
       "(punched as free)", bad_w, lo_w, hi_w - 1);
  printf("stale: the stack over an ended road's free pages %u-%u, evicted "
         "(%u atoms): %u pages lost their frames\n", lo_w, hi_w - 1, num_w,
         bad_w);
  u3e_limit_set(0);
  u3z(lis);
  u3a_pop(len_w);
}

int
main(void)
{
  c3_c        dir_c[512], swp_c[600];
  const c3_c* why_c = t_scratch("pager_tests", dir_c);

  if ( why_c ) {
    return t_skip(why_c);
  }
  snprintf(swp_c, sizeof(swp_c), "%s/pager-swap.bin", dir_c);
  if ( (why_c = t_swap_loom(_t_bits, swp_c)) ) {
    h_rm(dir_c);
    return t_skip(why_c);
  }
  T_EQ(u3e_init(), 0);
  u3m_pave();

  _t_scrub("pager-swap.bin");
  _t_grain();
  _t_lose();
  _t_cold();
  _t_outback();
  _t_ahead();
  _t_guard();
  _t_stale();

  t_clean();
  u3e_stop();
  u3m_fini();
  u3C.swap_c = 0;
  _t_save(dir_c);
  u3e_swap_close();
  h_rm(dir_c);
  return t_done();
}
