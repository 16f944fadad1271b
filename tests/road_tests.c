/// @file road_tests.c
/// Roads: leap/fall/love nested deep in both directions, products that
/// share senior nouns, the DAG that must copy in linear time, bails and
/// memory exhaustion in nested roads leaving the parent exactly as it was,
/// a ten-million-cell list freed without C recursion, and bad loom sizes;
/// a road that ends (product, fall, bail over roads inside it) leaves no
/// page marked free outside a live road's heap, and the sweep reports a
/// page marked free in the gap or on a run's head or tail.
#include <sys/mman.h>

#include "c3/bitmap.h"
#include "noun/events.h"
#include "test.h"

static u3_noun _t_senior;    //  a home-road noun the inner roads read

/* _t_same_road(): the current road's counters and frontiers, for exact
**   before/after comparison.
*/
typedef struct {
  c3_d liv_d, obj_d;
  c3_w fre_w;
  c3_w* hat_w;
  c3_w* cap_w;
} _t_snap;

static _t_snap
_t_take_snap(void)
{
  _t_snap sap_u = { u3R->liv_d, u3R->obj_d, u3R->fre_w, u3R->hat_w, u3R->cap_w };
  return sap_u;
}

static c3_t
_t_snap_eq(_t_snap a, _t_snap b)
{
  return a.liv_d == b.liv_d && a.obj_d == b.obj_d && a.fre_w == b.fre_w
      && a.hat_w == b.hat_w && a.cap_w == b.cap_w;
}

/* _t_nest(): descend dep_w roads, alternating direction; each level
**   returns [level senior-noun big-atom deeper-product].
*/
static u3_noun
_t_nest(c3_w dep_w)
{
  u3_noun dep = 0;
  c3_o    nor_o = u3R->nor_o;

  //  some garbage on this road that is not part of the product
  u3_noun junk = 0;
  for ( c3_w i_w = 0; i_w < 1000; i_w++ ) {
    junk = u3nc(u3i_chub(0x100000000ULL + i_w), junk);
  }

  if ( dep_w ) {
    u3m_leap();
    T_OK(u3R->nor_o != nor_o, "road at depth %u alternates direction", u3m_depth());
    T_OK(u3R->par_u && u3R->par_u->nor_o == nor_o, "parent linked");
    dep = _t_nest(dep_w - 1);
    dep = u3m_love(dep);
  }
  if ( u3m_depth() ) {
    T_EQ(u3a_use(_t_senior), 1);     //  never touched from a junior road
  }
  u3z(junk);
  return u3nq(u3m_depth(), u3k(_t_senior), u3i_chub(0xabcdef0123456789ULL + dep_w), dep);
}

/* _t_nesting(): 5 roads deep: N S N S N S, products taken all the way up. */
static void
_t_nesting(void)
{
  _t_senior = u3nc(u3i_chub(1ULL << 40), 7);
  u3a_stats bef_u, aft_u;
  u3a_stat(0, &bef_u);

  u3_noun pro = _t_nest(5);
  T_EQ(u3m_depth(), 0);
  T_OK(u3R == &u3H->rod_u, "back on the home road");

  //  walk it: each level holds the senior noun itself, not a copy
  u3_noun cur = pro;
  c3_w    lev_w = 0;
  c3_t    ok_t = 1;
  while ( cur ) {
    u3_noun dep, sen, big, nex;
    ok_t &= _(u3r_qual(cur, &dep, &sen, &big, &nex));
    ok_t &= (sen == _t_senior);
    ok_t &= (dep == 0 || dep == lev_w);
    ok_t &= (u3r_chub(0, big) == 0xabcdef0123456789ULL + (5 - lev_w));
    ok_t &= _(u3a_on_road(u3a_to_ptr(big)));
    cur = nex;
    lev_w++;
  }
  T_OK(ok_t, "nested product intact");
  T_EQ(lev_w, 6);
  T_EQ(u3a_use(_t_senior), 1 + 6);

  //  home holds just the product and the senior noun: 6 levels of
  //  3 cells + 1 atom
  u3a_stat(0, &aft_u);
  T_EQ(aft_u.objs_d - bef_u.objs_d, 6 * 4);
  t_leak(pro, _t_senior);

  u3z(pro);
  T_EQ(u3a_use(_t_senior), 1);

  //  the south direction first: leap into a south road and nest from there
  u3m_leap();
  T_OK(c3n == u3R->nor_o, "south road");
  pro = _t_nest(4);
  pro = u3m_love(pro);
  u3_noun q = pro;
  c3_w cnt_w = 0;
  while ( q ) { cnt_w++; q = u3t(u3t(u3t(q))); }
  T_EQ(cnt_w, 5);
  u3z(pro);
  u3z(_t_senior);
  t_clean();
}

/* _t_sharing(): a product two roads deep mixing home, middle and deep
**   nouns: home nouns are shared, the middle noun gains, deep ones copy.
*/
static void
_t_sharing(void)
{
  u3_noun hom = u3nc(u3i_chub(1ULL << 33), 1);
  u3m_leap();
  u3_noun mid = u3nc(u3i_chub(1ULL << 34), 2);
  u3m_leap();
  u3_noun dep = u3nt(u3k(hom), u3k(mid), u3nc(3, 4));
  T_EQ(u3a_use(hom), 1);                    //  senior: untouched
  T_EQ(u3a_use(mid), 1);
  u3_noun pro = u3m_love(dep);              //  now on the middle road
  T_OK(u3h(pro) == hom, "home noun shared");
  T_OK(u3h(u3t(pro)) == mid, "middle noun shared");
  T_EQ(u3a_use(mid), 2);
  T_EQ(u3a_use(hom), 1);
  u3z(mid);
  pro = u3m_love(pro);                      //  home
  T_OK(u3h(pro) == hom, "home noun still shared");
  T_EQ(u3a_use(hom), 2);
  T_OK(_(u3a_on_road(u3a_to_ptr(u3h(u3t(pro))))), "middle noun copied home");
  T_EQ(u3r_chub(0, u3h(u3h(u3t(pro)))), 1ULL << 34);
  T_EQ(u3h(u3t(u3t(pro))), 3);
  u3z(pro);
  T_EQ(u3a_use(hom), 1);
  u3z(hom);
  t_clean();
}

/* _t_dag(): 2^40 paths, 41 distinct objects: copied once each. */
static void
_t_dag(void)
{
  u3a_stats bef_u, aft_u;
  u3a_stat(0, &bef_u);

  u3m_leap();
  u3_noun x = u3i_chub(0xffffffffffULL);
  for ( c3_w i_w = 0; i_w < 40; i_w++ ) {
    x = u3nc(u3k(x), x);
  }
  x = u3m_love(x);

  u3a_stat(0, &aft_u);
  T_EQ(aft_u.objs_d - bef_u.objs_d, 41);
  //  each inner node is referenced twice by its parent, the root once
  u3_noun y = x;
  c3_t ok_t = 1;
  for ( c3_w i_w = 0; i_w < 40; i_w++ ) {
    ok_t &= (u3h(y) == u3t(y));
    ok_t &= (u3a_use(y) == (i_w ? 2 : 1));
    y = u3h(y);
  }
  T_OK(ok_t, "DAG shape and refcounts preserved");
  T_EQ(u3r_chub(0, y), 0xffffffffffULL);
  T_EQ(u3a_use(y), 2);
  t_leak(x);
  u3z(x);
  u3a_stat(0, &aft_u);
  T_EQ(aft_u.objs_d, bef_u.objs_d);
  t_clean();
}

  /** Bails.
  **/
static _t_snap _t_mid_snap;
static c3_w    _t_mode_w;

/* _t_bail_exit(): build garbage, then bail. */
static u3_noun
_t_bail_exit(u3_noun arg)
{
  u3_noun junk = u3nc(u3k(arg), 0);
  for ( c3_w i_w = 0; i_w < 100000; i_w++ ) {
    junk = u3nc(u3i_chub(0x100000000ULL + i_w), junk);
  }
  u3m_bail_with(c3__exit, u3nc(42, junk));
}

/* _t_bail_meme(): allocate until heap meets stack (or push until the
**   stack meets the heap).
*/
static u3_noun
_t_bail_meme(u3_noun arg)
{
  (void)arg;
  if ( 1 == _t_mode_w ) {
    while ( 1 ) {
      *(c3_w*)u3a_push(1) = 7;
    }
  }
  u3_noun lis = 0;
  while ( 1 ) {
    lis = u3nc(u3i_chub(0x100000000ULL), lis);
    if ( 2 == _t_mode_w ) {
      (void)u3a_walloc(5000);   //  runs as well as cells
    }
  }
  return lis;
}

/* _t_middle(): on a middle road: nested soft calls that bail. */
static u3_noun
_t_middle(u3_noun arg)
{
  u3_noun mine = u3nc(u3i_chub(1ULL << 35), u3k(arg));
  u3_noun pre  = u3nc(0, 0);       //  warm the cell page
  u3z(pre);

  _t_mid_snap = _t_take_snap();
  u3_noun pro = u3m_soft(_t_bail_exit, mine);
  T_EQ(u3h(pro), c3__exit);
  T_EQ(u3h(u3t(pro)), 42);
  T_EQ(u3r_lent(u3t(u3t(pro))), 100001);
  u3z(pro);
  T_OK(_t_snap_eq(_t_mid_snap, _t_take_snap()), "middle road unchanged by a nested exit");

  for ( _t_mode_w = 0; _t_mode_w < 3; _t_mode_w++ ) {
    pro = u3m_soft(_t_bail_meme, 0);
    T_EQ(u3h(pro), c3__meme);
    u3z(pro);
    T_OK(_t_snap_eq(_t_mid_snap, _t_take_snap()),
         "middle road unchanged by nested exhaustion (mode %u)", _t_mode_w);
  }
  T_EQ(u3a_use(mine), 1);
  t_leak(mine);
  return mine;
}

static void
_t_bails(void)
{
  u3_noun arg = u3nc(1, u3i_chub(1ULL << 36));
  u3_noun pre = u3nc(0, 0);
  u3z(pre);
  _t_snap hom_u = _t_take_snap();

  //  one level
  for ( _t_mode_w = 0; _t_mode_w < 3; _t_mode_w++ ) {
    u3_noun pro = u3m_soft(_t_bail_meme, arg);
    T_EQ(u3h(pro), c3__meme);
    u3z(pro);
    T_OK(_t_snap_eq(hom_u, _t_take_snap()), "home unchanged by exhaustion (mode %u)", _t_mode_w);
  }

  //  nested: the middle road checks itself, then succeeds
  u3_noun pro = u3m_soft(_t_middle, arg);
  T_EQ(u3h(pro), 0);
  T_EQ(u3r_chub(0, u3h(u3t(pro))), 1ULL << 35);
  T_OK(u3t(u3t(pro)) == arg, "argument shared back");
  T_EQ(u3a_use(arg), 2);
  u3z(pro);
  T_OK(_t_snap_eq(hom_u, _t_take_snap()), "home as before after nested bails");
  T_EQ(u3a_use(arg), 1);
  t_leak(arg);
  u3z(arg);
  t_clean();
}

/* _t_run_atom(): an atom of 8,192 words: a run of three pages. */
static u3_atom
_t_run_atom(void)
{
  static c3_w buf_w[8192];
  buf_w[8191] = 1;
  return u3i_words(8192, buf_w);
}

/* _t_holes(): on the current road, three runs of pages, the middle one
**   freed (inside the heap: its bits set); the survivors as a cell.
*/
static u3_noun
_t_holes(void)
{
  u3_atom one = _t_run_atom();
  u3_atom two = _t_run_atom();
  u3_atom thr = _t_run_atom();
  u3z(two);
  return u3nc(one, thr);
}

/* _t_short_run(): a run of free pages too short for a request, at either
**   end of a road's heap, is passed over: the request grows the heap, and
**   nothing live is handed out again.  Both directions.
*/
static void
_t_short_run_on(const c3_c* dir_c)
{
  static c3_w big_w[20000];
  u3_atom     one = _t_run_atom();
  u3_atom     two = _t_run_atom();
  u3_atom     sml = u3i_words(5000, big_w);     //  two pages
  u3_atom     thr = _t_run_atom();
  u3_atom     big;

  for ( c3_w i_w = 0; i_w < 20000; i_w++ ) {
    big_w[i_w] = 0x9e3779b9U * (i_w + 1);
  }
  //  runs of three and two free pages, the first where the heap began
  //  (its far end from the frontier, on a south road): enough free pages
  //  for big, no run long enough
  u3z(one);
  u3z(sml);
  big = u3i_words(20000, big_w);
  T_OK(_(u3a_is_pug(big)) && 20000 == u3r_met(5, big),
       "%s: a long atom after a short free run", dir_c);
  for ( c3_w i_w = 0; i_w < 20000; i_w++ ) {
    if ( u3r_word(i_w, big) != big_w[i_w] ) {
      T_OK(0, "%s: word %u of the long atom", dir_c, i_w);
      break;
    }
  }
  T_OK(u3r_word(8191, two) == 1 && u3r_word(0, two) == 0,
       "%s: the live run beside it is intact", dir_c);
  T_OK(u3r_word(8191, thr) == 1, "%s: the live run after it is intact",
       dir_c);
  u3z(two);
  u3z(thr);
  u3z(big);
}

static void
_t_short_run(void)
{
  u3_atom hom = _t_run_atom();

  _t_short_run_on("home");
  u3m_leap();
  _t_short_run_on("inner");
  u3m_fall();
  T_OK(u3r_word(8191, hom) == 1, "a home atom survives");
  u3z(hom);
  t_clean();
}

/* _t_gone_set(): the free-page bits set in the home road's gap. */
static c3_w
_t_gone_set(void)
{
  u3a_road* hom_u = u3m_home_road();
  c3_w      num_w = 0;

  for ( c3_w pag_w = u3a_page_of(hom_u->hat_w);
        pag_w < u3a_page_of(hom_u->cap_w); pag_w++ )
  {
    num_w += c3_bit_get(u3a_Free, pag_w);
  }
  return num_w;
}

static c3_w _t_gone_w;   //  bits set inside the roads, before they ended

/* _t_gone_kid(): holes on this road and on an abandoned road inside it,
**   then a product (bail_t 0) or a bail that abandons both.
*/
static u3_noun
_t_gone_kid(u3_noun arg)
{
  u3_noun pro = _t_holes();

  u3m_leap();                     //  unarmed: a bail passes over it
  u3_noun inn = _t_holes();
  (void)inn;
  _t_gone_w = _t_gone_set();
  if ( c3y == arg ) {
    u3m_bail(c3__exit);
  }
  u3m_fall();
  return pro;
}

/* _t_gone(): a road's free-page bits are cleared when it ends, by a
**   product taken up, a fall, or a bail over roads inside it: outside a
**   live road's heap a set bit would pass the parent's stack, or its
**   heap's next pages, off as free (the pager punches free pages).
*/
static void
_t_gone(void)
{
  u3_noun pro;

  T_EQ(_t_gone_set(), 0);
  pro = u3m_soft(_t_gone_kid, c3n);
  T_EQ(u3h(pro), 0);
  T_OK(_t_gone_w >= 2, "gone: %u pages freed inside two roads", _t_gone_w);
  T_EQ(_t_gone_set(), 0);
  u3z(pro);

  _t_gone_w = 0;
  pro = u3m_soft(_t_gone_kid, c3y);
  T_EQ(u3h(pro), c3__exit);
  T_OK(_t_gone_w >= 2, "gone: %u pages freed inside two roads", _t_gone_w);
  T_EQ(_t_gone_set(), 0);
  u3z(pro);

  //  and a plain leap and fall
  u3m_leap();
  pro = _t_holes();
  (void)pro;
  T_OK(_t_gone_set() >= 1, "gone: a page freed on the inner road");
  u3m_fall();
  T_EQ(_t_gone_set(), 0);

  //  the sweep (every leak check) reports a stray bit: in the gap, on a
  //  run's head, on a run's tail
  {
    u3a_sweep_report rep_u;
    c3_w             bas_w, pag_w[3];
    u3_atom          vat = _t_run_atom();

    pag_w[0] = u3a_page_of(u3R->hat_w) + 10;
    pag_w[1] = u3a_page_of(u3a_to_ptr(vat));
    pag_w[2] = pag_w[1] + 1;
    u3a_sweep(&rep_u, c3n);
    bas_w = (c3_w)rep_u.under_d;
    for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
      c3_bit_set(u3a_Free, pag_w[i_w]);
      u3a_sweep(&rep_u, c3n);
      c3_bit_clear(u3a_Free, pag_w[i_w]);
      T_OK(bas_w + 1 == rep_u.under_d, "gone: the sweep finds page %u marked "
           "free (%s): %llu under, %u before", pag_w[i_w],
           ( 0 == i_w ) ? "in the gap" : ( 1 == i_w ) ? "a run's head" : "a run's tail",
           (unsigned long long)rep_u.under_d, bas_w);
    }
    u3z(vat);
  }
  t_clean();
}

/* _t_long_list(): ten million cells, built and freed. */
static void
_t_long_list(void)
{
  u3a_stats bef_u, aft_u;
  u3a_stat(0, &bef_u);

  u3_noun lis = 0;
  for ( c3_w i_w = 0; i_w < 10000000; i_w++ ) {
    lis = u3nc(i_w, lis);
  }
  T_EQ(u3r_lent(lis), 10000000);
  //  and a deep left-leaning tree whose heads are cells
  u3_noun lef = 0;
  for ( c3_w i_w = 0; i_w < 2000000; i_w++ ) {
    lef = u3nc(lef, u3nc(i_w, 0));
  }
  t_leak(lis, lef);
  u3z(lis);
  u3z(lef);
  u3a_stat(0, &aft_u);
  T_EQ(aft_u.live_d, bef_u.live_d);
  T_EQ(aft_u.objs_d, bef_u.objs_d);
  T_EQ(aft_u.heap_d, bef_u.heap_d);
  t_clean();
}

/* _t_bad_sizes(): invalid loom sizes and a taken address fail cleanly. */
static void
_t_bad_sizes(void)
{
  T_EQ(u3m_init(0), -1);
  T_EQ(u3m_init(23), -1);
  T_EQ(u3m_init(35), -1);
  T_EQ(u3m_init(64), -1);

  //  the fixed address already mapped by something else
  void* ptr_v = mmap(u3a_loom_base, 1 << 20, PROT_READ,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  T_OK(ptr_v == (void*)u3a_loom_base, "test mapping at the loom base");
  T_EQ(u3m_init(24), -1);
  munmap(ptr_v, 1 << 20);

  //  every valid size maps and paves (the largest lazily reserved)
  for ( c3_w bit_w = 24; bit_w <= 34; bit_w += 5 ) {
    T_EQ(u3m_init(bit_w), 0);
    u3m_pave();
    u3_noun a = u3nc(1, u3i_chub(1ULL << 60));
    T_EQ(u3r_chub(0, u3t(a)), 1ULL << 60);
    u3z(a);
    t_clean();
    u3m_fini();
  }
}

/* _t_touch_event(): an event that builds ~8 MiB and a deep stack. */
static u3_noun
_t_touch_event(u3_noun arg)
{
  u3_noun lis = 0;
  for ( c3_w i_w = 0; i_w < 500000; i_w++ ) {
    lis = u3nc(u3i_chub(0x100000000ULL + i_w), lis);
  }
  c3_w mug_w = u3r_mug(lis);
  u3z(lis);
  return u3nc(mug_w, u3k(arg));
}

/* _t_touch(): the touched window covers what an event used in the gap,
**   and the freed-run list finds home pages freed, and only free ones.
*/
static void
_t_touch(void)
{
  u3a_road* hom_u = u3R;
  u3_noun   old   = 0;

  for ( c3_w i_w = 0; i_w < 100000; i_w++ ) {
    old = u3nc(u3i_chub(0x200000000ULL + i_w), old);
  }
  u3_noun keep = u3nc(1, 2);       //  allocated after: pins the frontier

  u3a_Touch.lis_o = c3y;
  u3a_touch_reset();
  T_OK(u3a_Touch.up_w == hom_u->hat_w && u3a_Touch.dn_w == hom_u->cap_w, "reset at frontiers");

  u3_noun pro = u3m_soft(_t_touch_event, keep);
  T_EQ(u3h(pro), 0);
  //  the inner road's heap came down from the top, its stack up from the bottom
  c3_d dn_d = (c3_d)((c3_y*)hom_u->cap_w - (c3_y*)u3a_Touch.dn_w);
  T_OK(dn_d >= 8ULL << 20, "touched at least 8 MiB below the home cap: %llu", (unsigned long long)dn_d);
  T_OK(u3a_Touch.up_w > hom_u->hat_w, "touched above the home hat");

  //  freeing the old list on home frees whole pages, all found, all free
  u3a_stats bef_u;
  u3a_stat(0, &bef_u);
  u3z(old);
  u3a_stats aft_u;
  u3a_stat(0, &aft_u);
  c3_w pag_w, len_w, tot_w = 0;
  c3_t fre_t = 1;
  while ( u3a_freed_next(&pag_w, &len_w) ) {
    for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
      fre_t &= (u3a_pg_free == u3a_Page[pag_w + i_w].typ_y);
    }
    tot_w += len_w;
  }
  T_OK(fre_t, "freed runs are free pages");
  T_EQ(tot_w, aft_u.free_pages_w);
  T_OK(tot_w > 100, "many pages freed inside the heap: %u", tot_w);

  //  overflow: more runs than noted falls back to a scan with the same answer
  u3a_touch_reset();
  u3a_Touch.ovf_t = 1;
  tot_w = 0;
  while ( u3a_freed_next(&pag_w, &len_w) ) {
    tot_w += len_w;
  }
  T_EQ(tot_w, aft_u.free_pages_w);
  u3a_Touch.lis_o = c3n;

  u3z(pro);
  u3z(keep);
  t_clean();
}

/* _t_deep_then_big(): on an inner road, grow the heap down across most of
**   the gap, free it all (the heap frontier goes back up), then return a
**   product bigger than what is left below the lowest point reached.
*/
static u3_noun
_t_deep_then_big(u3_noun arg)
{
  u3_noun lis = 0;
  c3_d    gap_d = (c3_d)((c3_y*)u3R->mat_w - (c3_y*)u3R->cap_w);
  c3_w    num_w = (c3_w)((gap_d * 9 / 10) / 16);   //  cells: 90% of the gap

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    lis = u3nc(i_w, lis);
  }
  u3z(lis);
  u3_noun pro = 0;
  for ( c3_w i_w = 0; i_w < (c3_w)u3h(arg); i_w++ ) {
    pro = u3nc(u3i_chub(0x100000000ULL + i_w), pro);
  }
  return pro;
}

/* _t_release_clip(): releasing after an event never touches the home
**   heap, even where the product was copied above the lowest point the
**   event's heap reached.
*/
static void
_t_release_clip(void)
{
  T_EQ(u3m_init(26), 0);
  u3m_pave();
  T_EQ(u3e_init(), 0);
  u3C.fmod_w = u3o_free_dontneed;
  u3C.keep_w = 0;
  u3a_Touch.lis_o = c3y;
  u3a_touch_reset();

  u3_noun arg = u3nc(200000, 0);
  u3_noun pro = u3m_soft(_t_deep_then_big, arg);
  T_EQ(u3h(pro), 0);
  T_OK(u3a_Touch.dn_w < u3R->hat_w, "the product grew the heap past the "
       "event's lowest point (the case under test)");

  c3_w mug_w = u3r_mug(u3t(pro));
  u3e_release();
  u3a_touch_reset();

  //  every cell and atom of the product is still there
  c3_t ok_t = 1;
  c3_w i_w  = 200000;
  for ( u3_noun cur = u3t(pro); cur; cur = u3t(cur) ) {
    i_w--;
    ok_t &= (u3r_chub(0, u3h(cur)) == 0x100000000ULL + i_w);
  }
  T_OK(ok_t && 0 == i_w, "product intact after release");
  T_OK(u3e_Stat.released_d > 0, "something was released");
  ((u3a_cell*)(void*)u3a_to_ptr(u3t(pro)))->mug_w = 0;
  T_EQ(u3r_mug(u3t(pro)), mug_w);

  u3a_Touch.lis_o = c3n;
  u3C.fmod_w = u3o_free_free;
  u3C.keep_w = u3o_keep_default;
  u3z(pro);
  u3z(arg);
  t_clean();
  u3e_stop();
  u3m_fini();
}

/* _t_chunk(): cons atoms onto *lis_u until the home heap has grown by
**   num_w pages.
*/
static void
_t_chunk(u3_noun* lis_u, c3_w num_w, c3_d* sed_d)
{
  c3_y* hat_y = (c3_y*)u3R->hat_w;
  while ( (c3_z)((c3_y*)u3R->hat_w - hat_y) < (c3_z)num_w << u3a_page_bits ) {
    *lis_u = u3nc(u3i_chub(0x100000000ULL + (*sed_d)++), *lis_u);
  }
}

/* _t_release_small(): release leaves a run of fewer than 4 free pages
**   inside the home heap where it is (a system call and a TLB shootdown
**   each, for at most 48 KiB the heap takes again first), and gives the
**   longer runs back.
*/
static void
_t_release_small(void)
{
  u3_noun pin = 0, big = 0, sml = 0;
  c3_d    sed_d = 0;
  c3_w    pag_w, len_w, sht_w = 0, lng_w = 0;

  T_EQ(u3m_init(26), 0);
  u3m_pave();
  T_EQ(u3e_init(), 0);
  u3C.keep_w = 0;

  //  chunks of 2 and 3 pages between pinned cells, and one of 24
  for ( c3_w i_w = 0; i_w < 12; i_w++ ) {
    _t_chunk(&sml, 2 + (i_w & 1), &sed_d);
    pin = u3nc(u3i_chub(sed_d++), pin);
    _t_chunk(&pin, 1, &sed_d);
  }
  _t_chunk(&big, 24, &sed_d);
  pin = u3nc(u3i_chub(sed_d++), pin);
  _t_chunk(&pin, 1, &sed_d);

  u3a_Touch.lis_o = c3y;
  u3a_touch_reset();
  u3z(sml);
  u3z(big);
  while ( u3a_freed_next(&pag_w, &len_w) ) {
    *( len_w < 4 ? &sht_w : &lng_w ) += len_w;
  }
  T_OK(sht_w > 0 && lng_w >= 16, "free runs of fewer than 4 pages (%u pages) "
       "and longer (%u pages): the case under test", sht_w, lng_w);

  //  the same runs again, found by a scan, for the release
  u3a_touch_reset();
  u3a_Touch.ovf_t = 1;
  c3_d rel_d = u3e_Stat.released_d;
  u3e_release();
  rel_d = u3e_Stat.released_d - rel_d;
  printf("release, small runs: %u pages in runs of fewer than 4, %u in "
         "longer ones; %llu released\n", sht_w, lng_w, (unsigned long long)rel_d);
  T_EQ(rel_d, lng_w);

  u3a_Touch.lis_o = c3n;
  u3C.keep_w = u3o_keep_default;
  t_leak(pin);
  u3z(pin);
  t_clean();
  u3e_stop();
  u3m_fini();
}

int
main(void)
{
  _t_release_clip();
  _t_release_small();
  _t_bad_sizes();

  if ( u3m_init(31) ) {
    return t_skip("cannot map a 2 GiB loom");
  }
  u3m_pave();
  _t_nesting();
  _t_sharing();
  _t_dag();
  _t_bails();
  _t_gone();
  _t_short_run();
  _t_long_list();
  _t_touch();
  t_clean();
  u3m_fini();
  return t_done();
}
