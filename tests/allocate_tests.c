/// @file allocate_tests.c
/// The page allocator: every size class, runs of 1 to 10,000 pages, free
/// and reuse, random interleavings with exact counters, and free pages
/// that really hold no metadata (scribbled over, then used again).
#include <sys/mman.h>

#include "test.h"

static c3_d _t_rng_d = 0x9e3779b97f4a7c15ULL;

/* _t_rand(): xorshift64*. */
static c3_d
_t_rand(void)
{
  _t_rng_d ^= _t_rng_d >> 12;
  _t_rng_d ^= _t_rng_d << 25;
  _t_rng_d ^= _t_rng_d >> 27;
  return _t_rng_d * 0x2545f4914f6cdd1dULL;
}

/* _t_fill(): write a pattern derived from key_w over an allocation. */
static void
_t_fill(c3_w* ptr_w, c3_w len_w, c3_w key_w)
{
  for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
    ptr_w[i_w] = (key_w * 2654435761U) ^ i_w ^ 0x80000000U;
  }
}

/* _t_check_fill(): 1 if the pattern is intact. */
static c3_t
_t_check_fill(const c3_w* ptr_w, c3_w len_w, c3_w key_w)
{
  for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
    if ( ptr_w[i_w] != ((key_w * 2654435761U) ^ i_w ^ 0x80000000U) ) {
      return 0;
    }
  }
  return 1;
}

/* _t_classes(): every size class allocates, holds and frees exactly. */
static void
_t_classes(void)
{
  u3a_stats bef_u, mid_u, aft_u;
  u3a_stat(0, &bef_u);

  for ( c3_w cls_w = 0; cls_w < u3a_classes; cls_w++ ) {
    c3_w byt_w = u3a_class_bytes(cls_w);
    c3_w wor_w = byt_w >> 2;
    c3_w num_w = 3 * (u3a_page_bytes / byt_w) + 1;   //  spans 4 pages
    c3_w* ptr_w[4 * 1024 + 1];

    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      ptr_w[i_w] = u3a_walloc(wor_w);
      _t_fill(ptr_w[i_w], wor_w, i_w + cls_w);
    }
    u3a_stat(0, &mid_u);
    T_EQ(mid_u.live_d - bef_u.live_d, (c3_d)num_w * byt_w);
    T_EQ(mid_u.objs_d - bef_u.objs_d, num_w);
    T_EQ(u3a_size(ptr_w[0]), wor_w);
    T_OK(0 == ((c3_d)(c3_y*)ptr_w[num_w - 1] & 15), "class %u aligned", cls_w);

    //  a request one word above the previous class lands in this one
    if ( cls_w ) {
      c3_w* one_w = u3a_walloc((u3a_class_bytes(cls_w - 1) >> 2) + 1);
      T_EQ(u3a_size(one_w), wor_w);
      u3a_wfree(one_w);
    }

    c3_t ok_t = 1;
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      ok_t &= _t_check_fill(ptr_w[i_w], wor_w, i_w + cls_w);
    }
    T_OK(ok_t, "class %u contents intact", cls_w);

    //  free odd ones, reallocate: the holes are reused
    for ( c3_w i_w = 1; i_w < num_w; i_w += 2 ) {
      u3a_wfree(ptr_w[i_w]);
    }
    u3a_stats hol_u;
    u3a_stat(0, &hol_u);
    for ( c3_w i_w = 1; i_w < num_w; i_w += 2 ) {
      ptr_w[i_w] = u3a_walloc(wor_w);
      _t_fill(ptr_w[i_w], wor_w, i_w + cls_w);
    }
    u3a_stats reu_u;
    u3a_stat(0, &reu_u);
    T_OK(reu_u.heap_d <= mid_u.heap_d, "class %u: refilling holes grows no heap", cls_w);
    T_EQ(reu_u.live_d, mid_u.live_d);

    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      u3a_wfree(ptr_w[i_w]);
    }
  }
  u3a_stat(0, &aft_u);
  T_EQ(aft_u.live_d, bef_u.live_d);
  T_EQ(aft_u.objs_d, bef_u.objs_d);
  T_EQ(aft_u.heap_d, bef_u.heap_d);
  T_EQ(aft_u.free_pages_w, bef_u.free_pages_w);
  t_clean();
}

/* _t_runs(): runs of 1 to 10,000 pages. */
static void
_t_runs(void)
{
  static const c3_w siz_w[] = { 1, 2, 3, 7, 64, 100, 1000, 4096, 10000 };
  c3_w  num_w = sizeof(siz_w) / sizeof(siz_w[0]);
  c3_w* ptr_w[16];
  u3a_stats bef_u, mid_u, aft_u;

  u3a_stat(0, &bef_u);
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    c3_w wor_w = siz_w[i_w] * u3a_page_words;
    ptr_w[i_w] = u3a_walloc(wor_w);
    T_EQ(u3a_size(ptr_w[i_w]), wor_w);
    T_OK(0 == (((c3_y*)ptr_w[i_w] - (c3_y*)u3_Loom) & (u3a_page_bytes - 1)),
         "run of %u pages page-aligned", siz_w[i_w]);
    ptr_w[i_w][0] = 1;
    ptr_w[i_w][wor_w - 1] = 0xdeadbeef;
  }
  u3a_stat(0, &mid_u);
  c3_d tot_d = 0;
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    tot_d += (c3_d)siz_w[i_w] << u3a_page_bits;
  }
  T_EQ(mid_u.live_d - bef_u.live_d, tot_d);
  T_OK(mid_u.heap_d - bef_u.heap_d <= tot_d, "runs take no more than their pages");
  T_EQ(mid_u.free_pages_w, 0);

  //  a run just over a page boundary takes two pages
  c3_w* two_w = u3a_walloc(u3a_page_words + 1);
  T_EQ(u3a_size(two_w), 2 * u3a_page_words);
  u3a_wfree(two_w);

  //  free the 1000-page run: a smaller run reuses its start; the heap
  //  does not grow
  c3_w* old_w = ptr_w[6];
  u3a_wfree(old_w);
  u3a_stats hol_u;
  u3a_stat(0, &hol_u);
  T_EQ(hol_u.free_pages_w, 1000);
  c3_w* new_w = u3a_walloc(600 * u3a_page_words);
  T_OK(new_w == old_w, "run reuses the hole");
  c3_w* nex_w = u3a_walloc(400 * u3a_page_words);
  T_OK(nex_w == old_w + 600 * u3a_page_words, "second run fills the hole");
  u3a_stat(0, &hol_u);
  T_EQ(hol_u.free_pages_w, 0);
  T_EQ(hol_u.heap_d, mid_u.heap_d);
  u3a_wfree(new_w);
  u3a_wfree(nex_w);

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    if ( 6 == i_w ) continue;
    T_EQ(ptr_w[i_w][u3a_size(ptr_w[i_w]) - 1], 0xdeadbeef);
    u3a_wfree(ptr_w[i_w]);
  }
  u3a_stat(0, &aft_u);
  T_EQ(aft_u.live_d, bef_u.live_d);
  T_EQ(aft_u.heap_d, bef_u.heap_d);
  T_EQ(aft_u.free_pages_w, bef_u.free_pages_w);
  t_clean();
}

#define T_SLOTS 20000

/* _t_scribble(): overwrite every free page inside the heap. */
static c3_w
_t_scribble(c3_y val_y, c3_t dis_t)
{
  c3_w lo_w = u3a_page_of(u3R->mat_w);
  c3_w hi_w = u3a_page_of(u3R->hat_w);
  c3_w num_w = 0;

  for ( c3_w pag_w = lo_w; pag_w < hi_w; pag_w++ ) {
    if ( u3a_pg_free == u3a_Page[pag_w].typ_y ) {
      void* ptr_v = u3a_page_ptr(pag_w);
      if ( dis_t ) {
        madvise(ptr_v, u3a_page_bytes, MADV_DONTNEED);
      }
      else {
        memset(ptr_v, val_y, u3a_page_bytes);
      }
      num_w++;
    }
  }
  return num_w;
}

/* _t_random(): random interleavings; counters exact; free pages can be
**   scribbled on or discarded at any time.
*/
static void
_t_random(void)
{
  static c3_w* ptr_w[T_SLOTS];
  static c3_w  len_w[T_SLOTS];
  u3a_stats bef_u, sat_u;
  c3_d liv_d = 0, obj_d = 0;
  c3_t ok_t = 1, cnt_t = 1;
  c3_w scr_w = 0;

  u3a_stat(0, &bef_u);
  memset(ptr_w, 0, sizeof(ptr_w));

  for ( c3_w rnd_w = 0; rnd_w < 400000; rnd_w++ ) {
    c3_w i_w = (c3_w)(_t_rand() % T_SLOTS);

    if ( ptr_w[i_w] ) {
      ok_t &= _t_check_fill(ptr_w[i_w] + 1, len_w[i_w] - 1, i_w);
      liv_d -= (c3_d)u3a_size(ptr_w[i_w]) << 2;
      obj_d--;
      u3a_wfree(ptr_w[i_w]);
      ptr_w[i_w] = 0;
    }
    else {
      c3_d r_d = _t_rand();
      c3_w wor_w;
      switch ( r_d & 7 ) {
        default: wor_w = 2 + (c3_w)((r_d >> 8) % 6); break;     //  cells
        case 5:  wor_w = 2 + (c3_w)((r_d >> 8) % 200); break;
        case 6:  wor_w = 2 + (c3_w)((r_d >> 8) % 2100); break;
        case 7:  wor_w = 2 + (c3_w)((r_d >> 8) % (3 * u3a_page_words)); break;
      }
      ptr_w[i_w] = u3a_walloc(wor_w);
      len_w[i_w] = wor_w;
      _t_fill(ptr_w[i_w] + 1, wor_w - 1, i_w);
      liv_d += (c3_d)u3a_size(ptr_w[i_w]) << 2;
      obj_d++;
    }

    if ( 0 == (rnd_w % 20000) ) {
      u3a_stat(0, &sat_u);
      cnt_t &= (sat_u.live_d == bef_u.live_d + liv_d);
      cnt_t &= (sat_u.objs_d == bef_u.objs_d + obj_d);
      cnt_t &= (sat_u.free_d == sat_u.heap_d
                                - ((c3_d)sat_u.meta_pages_w << u3a_page_bits)
                                - sat_u.live_d);
      scr_w += _t_scribble(0xa5, (rnd_w / 20000) & 1);
    }
  }
  T_OK(ok_t, "contents intact across random interleaving");
  T_OK(cnt_t, "counters exact across random interleaving");
  T_OK(scr_w > 0, "free pages existed to scribble over (%u)", scr_w);

  //  the roots are raw allocations: mark them, then sweep
  for ( c3_w i_w = 0; i_w < T_SLOTS; i_w++ ) {
    if ( ptr_w[i_w] ) {
      ((u3a_box*)(void*)ptr_w[i_w])->mug_w = 0x80000001U;
    }
  }
  u3a_sweep_report rep_u;
  T_OK(_(u3a_sweep(&rep_u, c3y)), "sweep clean with live raw allocations");
  T_EQ(rep_u.live_d, obj_d + bef_u.objs_d);

  for ( c3_w i_w = 0; i_w < T_SLOTS; i_w++ ) {
    if ( ptr_w[i_w] ) {
      ok_t &= _t_check_fill(ptr_w[i_w] + 2, len_w[i_w] - 2, i_w) || len_w[i_w] <= 2;
      u3a_wfree(ptr_w[i_w]);
    }
  }
  u3a_stat(0, &sat_u);
  T_EQ(sat_u.live_d, bef_u.live_d);
  T_EQ(sat_u.objs_d, bef_u.objs_d);
  t_clean();
}

/* _t_leak_detected(): the leak check itself catches leaks and bad counts. */
static void
_t_leak_detected(void)
{
  u3a_sweep_report rep_u;
  u3_noun a = u3nc(1, 2);
  u3_noun b = u3nc(u3k(a), a);

  T_OK(c3n == u3a_sweep(&rep_u, c3n), "unmarked allocations are leaks");
  T_EQ(rep_u.leak_d, 2);

  u3a_mark_noun(b);
  T_OK(_(u3a_sweep(&rep_u, c3n)), "marked from the root: clean");

  //  an extra reference is an over-count
  u3k(a);
  u3a_mark_noun(b);
  T_OK(c3n == u3a_sweep(&rep_u, c3n), "over-reference found");
  T_EQ(rep_u.over_d, 1);
  u3z(a);
  u3z(b);
  t_clean();
}

int
main(void)
{
  if ( u3m_init(31) ) {
    return t_skip("cannot map a 2 GiB loom");
  }
  u3m_pave();
  _t_classes();
  _t_runs();
  _t_random();
  _t_leak_detected();
  t_clean();
  u3m_fini();
  return t_done();
}
