/// @file kernel_tests.c
/// The built-in kernels: events that depend only on (workload, seed, event,
/// size); states that come out the same however the events were run (inner
/// roads as the runtime runs them, or the home road directly, in one go or
/// in two halves); the kv treap checked against a shadow kept in C; churn's
/// peak measured on the inner road; blob's total bounded; malformed events
/// refused with %exit and the state untouched; refcounts exact throughout.
#include <math.h>

#include "test.h"
#include "vere/kernel.h"

/* _t_step(): one event on the current road; arg is [sat ovo], retained. */
static u3_noun
_t_step(u3_noun arg)
{
  return u3_kern_poke(u3h(arg), u3t(arg));
}

/* _t_soft(): run ovo on sat in u3m_soft, as the runtime does; transfers
**   both; returns the new state on the home road, or u3_none after a bail
**   (then *how_w gets the mote and sat is freed).
*/
static u3_weak
_t_soft(u3_noun sat, u3_noun ovo, c3_w* how_w)
{
  u3_noun arg = u3nc(sat, ovo);
  u3_noun pro = u3m_soft(_t_step, arg);
  u3_weak new = u3_none;

  *how_w = u3h(pro);
  if ( 0 == *how_w ) {
    new = u3k(u3t(pro));
  }
  u3z(pro);
  u3z(arg);
  return new;
}

/* _t_run(): apply events [fir_d, las_d] of a workload to sat (transferred):
**   each on an inner road if sof_t, else directly on the home road.
*/
static u3_noun
_t_run(u3_noun sat, c3_i wok_i, c3_d sed_d, c3_d fir_d, c3_d las_d,
       c3_w siz_w, c3_t sof_t)
{
  for ( c3_d eve_d = fir_d; eve_d <= las_d; eve_d++ ) {
    u3_noun ovo = u3_kern_ovum(wok_i, sed_d, eve_d, siz_w);

    if ( sof_t ) {
      c3_w    how_w;
      u3_weak new = _t_soft(sat, ovo, &how_w);
      if ( u3_none == new ) {
        T_OK(0, "event %llu of %s: bail %x",
             (unsigned long long)eve_d, u3_kern_name(wok_i), how_w);
        return u3_kern_boot();
      }
      sat = new;
    }
    else {
      u3_noun new = u3_kern_poke(sat, ovo);
      u3z(sat);
      u3z(ovo);
      sat = new;
    }
  }
  return sat;
}

/* _t_names(): workload names parse and print. */
static void
_t_names(void)
{
  for ( c3_i i_i = 0; i_i < u3_kern_works; i_i++ ) {
    T_EQ(u3_kern_workload(u3_kern_name(i_i)), i_i);
  }
  T_EQ(u3_kern_workload("mixed"), u3_kern_mixed);
  T_EQ(u3_kern_workload("kv"), u3_kern_kv);
  T_OK(-1 == u3_kern_workload("arvo"), "unknown workload refused");
  T_OK(-1 == u3_kern_workload(""), "empty workload refused");
  T_OK(-1 == u3_kern_workload(0), "no workload refused");
  t_clean();
}

/* _t_ova(): an ovum is small and depends only on its inputs. */
static void
_t_ova(void)
{
  c3_t sam_t = 1, dif_t = 1, siz_t = 1, sml_t = 1;

  for ( c3_i wok_i = 0; wok_i < u3_kern_works; wok_i++ ) {
    for ( c3_d eve_d = 1; eve_d <= 1000; eve_d++ ) {
      u3_noun a = u3_kern_ovum(wok_i, 42, eve_d, 4);
      u3_noun b = u3_kern_ovum(wok_i, 42, eve_d, 4);
      u3_noun c = u3_kern_ovum(wok_i, 43, eve_d, 4);
      u3_noun d = u3_kern_ovum(wok_i, 42, eve_d, 5);
      u3_noun kin, eve, sed, siz;

      sam_t &= _(u3r_sing(a, b));
      dif_t &= c3n == u3r_sing(a, c);
      siz_t &= c3n == u3r_sing(a, d);

      //  [kind eve sed siz]: three cells and atoms
      sml_t &= _(u3r_qual(a, &kin, &eve, &sed, &siz))
            && _(u3ud(kin)) && _(u3ud(eve)) && _(u3ud(sed))
            && siz == 4 && u3r_chub(0, eve) == eve_d;
      u3z(a); u3z(b); u3z(c); u3z(d);
    }
  }
  T_OK(sam_t, "same inputs, same ovum");
  T_OK(dif_t, "different seeds, different ova");
  T_OK(siz_t, "the size is part of the ovum");
  T_OK(sml_t, "ovum is [kind eve sed siz]");
  t_clean();
}

/* _t_mix(): mixed picks kv, churn and blob about 60/30/10. */
static void
_t_mix(void)
{
  c3_w    cnt_w[3] = { 0, 0, 0 };
  u3_noun kv = u3i_string("kv"), ch = u3i_string("churn"), bl = u3i_string("blob");

  for ( c3_d eve_d = 1; eve_d <= 2000; eve_d++ ) {
    u3_noun ovo = u3_kern_ovum(u3_kern_mixed, 9, eve_d, 1);
    u3_noun kin = u3h(ovo);
    if ( _(u3r_sing(kin, kv)) ) cnt_w[0]++;
    else if ( _(u3r_sing(kin, ch)) ) cnt_w[1]++;
    else if ( _(u3r_sing(kin, bl)) ) cnt_w[2]++;
    u3z(ovo);
  }
  T_EQ(cnt_w[0] + cnt_w[1] + cnt_w[2], 2000);
  T_OK(cnt_w[0] > 1050 && cnt_w[0] < 1350, "kv %u of 2000", cnt_w[0]);
  T_OK(cnt_w[1] > 450 && cnt_w[1] < 750, "churn %u of 2000", cnt_w[1]);
  T_OK(cnt_w[2] > 120 && cnt_w[2] < 280, "blob %u of 2000", cnt_w[2]);
  u3z(kv); u3z(ch); u3z(bl);
  t_clean();
}

/* _t_determinism(): the same events give the same state, run on inner
**   roads or on the home road, in one go or in two halves.
*/
static void
_t_determinism(void)
{
  static const c3_w siz_w[u3_kern_works] = { 2, 1, 1, 1 };
  c3_w mug_w[u3_kern_works];

  for ( c3_i wok_i = 0; wok_i < u3_kern_works; wok_i++ ) {
    c3_w s_w = siz_w[wok_i];
    u3_noun a = _t_run(u3_kern_boot(), wok_i, 7, 1, 300, s_w, 1);
    u3_noun b = _t_run(u3_kern_boot(), wok_i, 7, 1, 300, s_w, 1);
    u3_noun c = _t_run(u3_kern_boot(), wok_i, 7, 1, 150, s_w, 0);
    c = _t_run(c, wok_i, 7, 151, 300, s_w, 1);
    u3_noun d = _t_run(u3_kern_boot(), wok_i, 7, 1, 150, s_w, 1);
    d = _t_run(d, wok_i, 7, 151, 300, s_w, 0);
    u3_noun e = _t_run(u3_kern_boot(), wok_i, 8, 1, 300, s_w, 1);

    mug_w[wok_i] = u3r_mug(a);
    T_EQ(u3r_mug(b), mug_w[wok_i]);
    T_EQ(u3r_mug(c), mug_w[wok_i]);
    T_EQ(u3r_mug(d), mug_w[wok_i]);
    T_OK(_(u3r_sing(a, c)), "%s: home road then inner roads: same state",
         u3_kern_name(wok_i));
    T_OK(u3r_mug(e) != mug_w[wok_i], "%s: another seed, another state",
         u3_kern_name(wok_i));

    u3_kern_info inf_u;
    T_OK(_(u3_kern_info_get(a, &inf_u)), "state readable");
    T_EQ(inf_u.eve_d, 300);
    T_EQ(inf_u.kv_d + inf_u.churn_d + inf_u.blob_d, 300);
    if ( u3_kern_mixed == wok_i ) {
      T_OK(inf_u.kv_d && inf_u.churn_d && inf_u.blob_d, "mixed ran all three");
    }
    else {
      c3_d one_d = ( u3_kern_kv == wok_i ) ? inf_u.kv_d
                 : ( u3_kern_churn == wok_i ) ? inf_u.churn_d : inf_u.blob_d;
      T_EQ(one_d, 300);
    }
    t_leak(a, b, c, d, e);
    u3z(a); u3z(b); u3z(c); u3z(d); u3z(e);
  }
  T_OK(mug_w[0] != mug_w[1] && mug_w[1] != mug_w[2] && mug_w[0] != mug_w[3],
       "workloads differ");
  t_clean();
}

  /** The kv treap against a shadow.
  **/
typedef struct {
  u3_noun key;      //  held by the test
  c3_w    val_w;    //  the value, 0 if deleted
} _t_ent;

/* _t_walk(): entries and value bytes of a map, walking with a C vector
**   (the test's own explicit stack); c3n unless every node's key mugs at
**   most as high as its parent's (the treap's heap order, checked here
**   independently of the kernel's own comparison).
*/
static c3_o
_t_walk(u3_noun map, c3_d* cnt_d, c3_d* byt_d)
{
  c3_z  max_z = 1024, len_z = 0;
  c3_d* stk_d = malloc(max_z * sizeof(c3_d));   //  node | parent mug << 32
  c3_t  hep_t = 1;

  *cnt_d = *byt_d = 0;
  if ( map ) {
    stk_d[len_z++] = map | (0xffffffffULL << 32);
  }
  while ( len_z ) {
    u3_noun nod = (u3_noun)stk_d[--len_z];
    c3_w    pam_w = (c3_w)(stk_d[len_z] >> 32);
    u3_noun n = u3h(nod), l = u3h(u3t(nod)), r = u3t(u3t(nod));
    c3_w    mug_w = u3r_mug(u3h(n));

    hep_t &= mug_w <= pam_w;
    *cnt_d += 1;
    *byt_d += u3r_met(3, u3t(n));
    if ( len_z + 2 > max_z ) {
      max_z *= 2;
      stk_d = realloc(stk_d, max_z * sizeof(c3_d));
    }
    if ( l ) stk_d[len_z++] = l | ((c3_d)mug_w << 32);
    if ( r ) stk_d[len_z++] = r | ((c3_d)mug_w << 32);
  }
  free(stk_d);
  return hep_t ? c3y : c3n;
}

/* _t_rand(): the test's own generator (xorshift64*). */
static c3_d
_t_rand(c3_d* sat_d)
{
  *sat_d ^= *sat_d >> 12;
  *sat_d ^= *sat_d << 25;
  *sat_d ^= *sat_d >> 27;
  return *sat_d * 0x2545f4914f6cdd1dULL;
}

/* _t_key(): key number i_w, of every size: direct, two words, six words;
**   distinct numbers give distinct keys.
*/
static u3_atom
_t_key(c3_d r_d, c3_w i_w)
{
  switch ( i_w % 3 ) {
    case 0:  return (u3_atom)((i_w * 0x9e3779b1U) & 0x7fffffff);
    case 1:  return u3i_chub((1ULL << 63) | ((c3_d)i_w << 32) | (c3_w)r_d);
    default: {
      c3_d buf_d[3] = { r_d, i_w, 1 + (r_d & 3) };
      return u3i_chubs(3, buf_d);
    }
  }
}

/* _t_map(): random inserts, overwrites and deletes against a shadow. */
static void
_t_map(void)
{
  const c3_w max_w = 40000;
  _t_ent*    ent_u = calloc(max_w, sizeof(_t_ent));
  c3_w       num_w = 0;       //  keys made
  c3_d       rng_d = 0x1234567;
  u3_noun    map   = 0;
  u3_noun    old   = 0;       //  an old version, kept to check persistence
  c3_w       oln_w = 0;       //  live entries in it
  c3_t       per_t = 1, chk_t = 1, dep_t = 1, get_t = 1;

  for ( c3_w op_w = 0; op_w < 60000; op_w++ ) {
    c3_d r_d = _t_rand(&rng_d);
    c3_w pic_w = (c3_w)(r_d % 10);
    u3_noun nex;
    u3_weak prv;

    if ( num_w < max_w && (pic_w < 5 || !num_w) ) {
      u3_atom key = _t_key(_t_rand(&rng_d), num_w);
      c3_w    val_w = 1 + (c3_w)(r_d >> 40);

      nex = u3_kern_map_put(map, u3k(key), u3i_word(val_w), &prv);
      get_t &= u3_none == prv;
      ent_u[num_w].key = key;
      ent_u[num_w++].val_w = val_w;
    }
    else if ( pic_w < 8 ) {
      c3_w i_w = (c3_w)((r_d >> 8) % num_w);
      c3_w val_w = 1 + (c3_w)(r_d >> 40);
      nex = u3_kern_map_put(map, u3k(ent_u[i_w].key), u3i_word(val_w), &prv);
      get_t &= ( ent_u[i_w].val_w ) ? (prv == ent_u[i_w].val_w) : (u3_none == prv);
      ent_u[i_w].val_w = val_w;
    }
    else {
      c3_w i_w = (c3_w)((r_d >> 8) % num_w);
      nex = u3_kern_map_del(map, ent_u[i_w].key, &prv);
      get_t &= ( ent_u[i_w].val_w ) ? (prv == ent_u[i_w].val_w) : (u3_none == prv);
      ent_u[i_w].val_w = 0;
    }
    u3z(map);
    map = nex;

    if ( 0 == (op_w + 1) % 10000 ) {
      c3_d cnt_d, byt_d;
      c3_w dep_w, liv_w = 0;

      for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
        u3_weak val = u3_kern_map_get(map, ent_u[i_w].key);
        if ( ent_u[i_w].val_w ) {
          liv_w++;
          get_t &= val == ent_u[i_w].val_w;
        }
        else {
          get_t &= u3_none == val;
        }
      }
      chk_t &= _(u3_kern_map_check(map, &cnt_d, &dep_w));
      chk_t &= cnt_d == liv_w;
      chk_t &= _(_t_walk(map, &cnt_d, &byt_d));
      chk_t &= cnt_d == liv_w;
      //  a treap's depth is about 2 ln n (1.4 log2 n); 3 log2 n is far
      //  out in its tail, and a plain search tree's would pass it
      dep_t &= dep_w <= 3 * (c3_w)log2(liv_w + 1.0);

      //  the version kept earlier is untouched by everything since
      if ( old ) {
        c3_d ocn_d;
        per_t &= _(u3_kern_map_check(old, &ocn_d, 0)) && ocn_d == oln_w;
        u3z(old);
      }
      old = u3k(map);
      oln_w = liv_w;
    }
  }
  T_OK(get_t, "lookups and replaced values match the shadow");
  T_OK(chk_t, "treap ordered, heap-ordered, counts match");
  T_OK(dep_t, "treap depth is O(log n)");
  T_OK(per_t, "old versions persist");

  //  a deliberately broken treap is caught
  u3_noun bad = u3nt(u3nc(5, 0), u3nt(u3nc(9, 0), 0, 0), 0);  //  9 left of 5
  T_OK(c3n == u3_kern_map_check(bad, 0, 0), "misordered treap refused");
  u3z(bad);
  bad = u3nt(u3nc(5, 0), 7, 0);
  T_OK(c3n == u3_kern_map_check(bad, 0, 0), "malformed treap refused");
  u3z(bad);

  //  refcounts are exact with the map, its old version and the keys
  u3_noun kys = 0;
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    kys = u3nc(ent_u[i_w].key, kys);
  }
  t_leak(map, old, kys);
  u3z(map);
  u3z(old);
  u3z(kys);
  free(ent_u);
  t_clean();
}

/* _t_kv(): the kv kernel's counters agree with its map; bytes hover. */
static void
_t_kv(void)
{
  u3_noun      sat = _t_run(u3_kern_boot(), u3_kern_kv, 3, 1, 3000, 1, 1);
  u3_kern_info inf_u;
  c3_d         cnt_d, byt_d;
  c3_w         dep_w;
  u3_noun      map = u3h(u3h(sat));

  T_OK(_(u3_kern_info_get(sat, &inf_u)), "kv state readable");
  T_OK(_(u3_kern_map_check(map, &cnt_d, &dep_w)), "kv map is a treap");
  T_EQ(cnt_d, inf_u.key_d);
  T_OK(_(_t_walk(map, &cnt_d, &byt_d)), "kv map heap-ordered by mug");
  T_EQ(byt_d, inf_u.kvb_d);
  T_OK(inf_u.kvb_d > (1ULL << 19) && inf_u.kvb_d < (2ULL << 20),
       "kv bytes %llu hover near 1 MiB", (unsigned long long)inf_u.kvb_d);
  T_OK(dep_w <= 3 * (c3_w)log2(cnt_d + 1.0), "kv depth %u for %llu keys",
       dep_w, (unsigned long long)cnt_d);
  t_leak(sat);
  u3z(sat);
  t_clean();
}

/* _t_dup(): with --dup, kv keeps equal values that are not shared; a
**   dup of 0 is the ovum without it; a dup out of 1 to 100 is refused.
*/
static void
_t_dup(void)
{
  u3_noun sat = u3_kern_boot();
  c3_w    how_w, num_w = 0, equ_w = 0, sam_w = 0;
  u3_noun val[4096];

  for ( c3_d eve_d = 1; eve_d <= 1500; eve_d++ ) {
    u3_noun ovo = u3_kern_ovum_dup(u3_kern_kv, 7, eve_d, 1, 30);
    u3_weak new = _t_soft(sat, ovo, &how_w);   //  transfers both
    if ( u3_none == new ) {
      T_OK(0, "dup event %llu: bail %x", (unsigned long long)eve_d, how_w);
      return;
    }
    sat = new;
  }

  //  every value, then each pair: equal but never the same object
  {
    u3_noun stk[256];
    c3_w    len_w = 0;
    u3_noun map = u3h(u3h(sat));
    if ( map ) stk[len_w++] = map;
    while ( len_w && num_w < 4096 ) {
      u3_noun nod = stk[--len_w];
      val[num_w++] = u3t(u3h(nod));
      if ( u3h(u3t(nod)) && len_w < 256 ) stk[len_w++] = u3h(u3t(nod));
      if ( u3t(u3t(nod)) && len_w < 256 ) stk[len_w++] = u3t(u3t(nod));
    }
  }
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    for ( c3_w j_w = i_w + 1; j_w < num_w; j_w++ ) {
      if ( val[i_w] == val[j_w] ) {
        sam_w++;
      }
      else if ( _(u3r_sing(val[i_w], val[j_w])) ) {
        equ_w++;
      }
    }
  }
  T_OK(equ_w * 20 > num_w, "--dup 30: %u equal pairs among %u values", equ_w, num_w);
  T_EQ(sam_w, 0);

  //  dup 0 is the plain event; dup out of range is malformed
  u3_noun a = u3_kern_ovum(u3_kern_kv, 7, 9, 1);
  u3_noun b = u3_kern_ovum_dup(u3_kern_kv, 7, 9, 1, 0);
  T_OK(_(u3r_sing(a, b)), "dup 0 is the ovum without dup");
  u3z(a);
  u3z(b);
  c3_w bad_w[2] = { 0, 101 };
  for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
    u3_noun ovo = u3nq(u3i_string("kv"), 1, 2, u3nc(1, bad_w[i_w]));
    u3_weak new = _t_soft(u3k(sat), ovo, &how_w);
    T_OK(u3_none == new && c3__exit == how_w, "dup %u: %%exit (got %x)", bad_w[i_w], how_w);
    if ( u3_none != new ) u3z(new);
  }
  u3z(sat);
  t_clean();
}

  /** churn.
  **/
static c3_d _t_sed_d;

/* _t_churn_peak(): on an inner road, build churn's structure and measure
**   it: [live-bytes-added counted-bytes digest live-bytes-left].
*/
static u3_noun
_t_churn_peak(u3_noun arg)
{
  u3a_stats bef_u, top_u, aft_u;
  c3_d      byt_d;

  u3a_stat(0, &bef_u);
  u3_noun tmp = u3_kern_churn_make(_t_sed_d, (c3_w)arg, &byt_d);
  u3a_stat(0, &top_u);
  c3_d dig_d = u3_kern_fold(0, tmp);
  u3z(tmp);
  u3a_stat(0, &aft_u);
  return u3nq(u3i_chub(top_u.live_d - bef_u.live_d), u3i_chub(byt_d),
              u3i_chub(dig_d), u3i_chub(aft_u.live_d - bef_u.live_d));
}

/* _t_churn(): 64 MiB alive at the peak; only the digest stays. */
static void
_t_churn(void)
{
  u3_noun ovo = u3_kern_ovum(u3_kern_churn, 11, 1, 64);
  _t_sed_d = u3r_chub(0, u3h(u3t(u3t(ovo))));

  u3_noun pro = u3m_soft(_t_churn_peak, 64);
  u3_noun top, byt, mug, lef;
  T_EQ(u3h(pro), 0);
  T_OK(_(u3r_qual(u3t(pro), &top, &byt, &mug, &lef)), "peak measured");
  T_OK(u3r_chub(0, top) >= (64ULL << 20), "live at peak: %llu bytes",
       (unsigned long long)u3r_chub(0, top));
  T_OK(u3r_chub(0, byt) >= (64ULL << 20), "counted: %llu bytes",
       (unsigned long long)u3r_chub(0, byt));
  T_OK(u3r_chub(0, byt) <= u3r_chub(0, top), "the count is not above the truth");
  T_EQ(u3r_chub(0, lef), 0);

  //  the poke builds that very structure and keeps only its mug
  u3_noun   sat = u3_kern_boot();
  u3a_stats bef_u, aft_u;
  u3a_stat(0, &bef_u);
  c3_w how_w;
  u3_weak new = _t_soft(u3k(sat), u3k(ovo), &how_w);
  T_OK(u3_none != new, "churn 64 ran");
  u3a_stat(0, &aft_u);
  if ( u3_none != new ) {
    u3_kern_info inf_u;
    u3_kern_info_get(new, &inf_u);
    T_EQ(inf_u.dig_d, u3r_chub(0, mug));
    T_EQ(inf_u.chb_d, u3r_chub(0, byt));
    T_OK(aft_u.live_d < bef_u.live_d + 1024, "home holds only the digest: "
         "%llu more bytes", (unsigned long long)(aft_u.live_d - bef_u.live_d));
    u3z(new);
  }
  t_leak(sat, ovo, pro);
  u3z(sat);
  u3z(ovo);
  u3z(pro);
  t_clean();
}

  /** blob.
  **/
/* _t_blob(): the blobs held stay under 2 * size and match the counters. */
static void
_t_blob(void)
{
  u3_noun sat = u3_kern_boot();
  c3_t    cap_t = 1, cnt_t = 1;
  c3_d    max_d = 0, drp_d = 0, prv_d = 0;

  for ( c3_d eve_d = 1; eve_d <= 200; eve_d++ ) {
    sat = _t_run(sat, u3_kern_blob, 5, eve_d, eve_d, 2, 1);

    u3_kern_info inf_u;
    u3_kern_info_get(sat, &inf_u);
    cap_t &= inf_u.blb_d <= (4ULL << 20) && inf_u.bln_d >= 1;
    max_d = c3_max(max_d, inf_u.bln_d);
    drp_d += ( inf_u.bln_d <= prv_d );
    prv_d = inf_u.bln_d;

    c3_d    num_d = 0, byt_d = 0;
    u3_noun lis = u3h(u3h(u3t(u3t(sat))));
    u3_noun ent = u3h(lis);
    cnt_t &= u3r_chub(0, u3h(ent)) == eve_d;    //  newest first
    while ( lis ) {
      num_d++;
      byt_d += u3r_met(3, u3t(u3h(lis)));
      lis = u3t(lis);
    }
    cnt_t &= num_d == inf_u.bln_d && byt_d == inf_u.blb_d;
  }
  T_OK(cap_t, "blob total stays within 2 * size");
  T_OK(cnt_t, "blob list matches its counters, newest first");
  T_OK(max_d >= 3, "several blobs held at once (%llu)", (unsigned long long)max_d);
  T_OK(drp_d > 20, "old blobs dropped (%llu times)", (unsigned long long)drp_d);
  t_leak(sat);
  u3z(sat);
  t_clean();
}

  /** Malformed events.
  **/
/* _t_malformed(): %exit, and the home road exactly as it was. */
static void
_t_malformed(void)
{
  u3_noun sat = _t_run(u3_kern_boot(), u3_kern_mixed, 1, 1, 50, 1, 1);
  c3_w    mug_w = u3r_mug(sat);
  u3_noun bad[] = {
    42,
    u3i_string("kv"),
    u3nq(u3i_string("arvo"), 1, 2, 3),                   //  unknown kind
    u3nq(u3i_string("kv"), 1, 2, 0),                     //  size 0
    u3nq(u3i_string("kv"), 1, 2, u3_kern_size_max + 1),  //  too big
    u3nq(u3i_string("kv"), 1, 2, u3i_chub(1ULL << 40)),  //  far too big
    u3nt(u3i_string("kv"), 1, 2),                        //  too short
    u3nq(u3i_string("kv"), u3nc(1, 2), 2, 3),            //  cell for eve
    u3nq(u3i_string("churn"), 1, u3i_chubs(2, (c3_d[]){ 1, 1 }), 3),
    u3nq(u3nc(1, 2), 1, 2, 3),                           //  cell for kind
  };
  c3_w num_w = sizeof(bad) / sizeof(bad[0]);

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    u3a_stats bef_u, aft_u;
    u3a_stat(0, &bef_u);
    u3_noun arg = u3nc(u3k(sat), u3k(bad[i_w]));
    u3_noun pro = u3m_soft(_t_step, arg);
    T_OK(c3__exit == u3h(pro), "malformed ovum %u: %%exit (got %x)",
         i_w, u3h(pro));
    u3z(pro);
    u3z(arg);
    u3a_stat(0, &aft_u);
    T_EQ(aft_u.live_d, bef_u.live_d);
    T_EQ(aft_u.objs_d, bef_u.objs_d);
    T_EQ(u3r_mug(sat), mug_w);
  }

  //  a state that is not one
  {
    u3_noun ovo = u3_kern_ovum(u3_kern_kv, 1, 51, 1);
    u3_noun sta[] = { 0, u3nq(0, 0, 0, 0), u3nc(u3k(sat), 0) };
    for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
      u3_noun arg = u3nc(u3k(sta[i_w]), u3k(ovo));
      u3_noun pro = u3m_soft(_t_step, arg);
      T_OK(c3__exit == u3h(pro), "malformed state %u: %%exit", i_w);
      u3_kern_info inf_u;
      T_OK(c3n == u3_kern_info_get(sta[i_w], &inf_u), "info refuses it");
      u3z(pro);
      u3z(arg);
      u3z(sta[i_w]);
    }
    //  and the good state still takes the event
    c3_w how_w;
    u3_weak new = _t_soft(u3k(sat), ovo, &how_w);
    T_OK(u3_none != new, "good event after bad ones");
    if ( u3_none != new ) {
      u3_kern_info inf_u;
      u3_kern_info_get(new, &inf_u);
      T_EQ(inf_u.eve_d, 51);
      u3z(new);
    }
  }

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    u3z(bad[i_w]);
  }
  t_leak(sat);
  u3z(sat);
  t_clean();
}

/* _t_stats(): the one-line summary. */
static void
_t_stats(void)
{
  u3_noun sat = _t_run(u3_kern_boot(), u3_kern_mixed, 2, 1, 40, 1, 1);
  c3_c*   buf_c = 0;
  c3_z    len_z = 0;
  FILE*   fil_u = open_memstream(&buf_c, &len_z);

  u3_kern_stats(sat, fil_u);
  u3_kern_stats(7, fil_u);
  fclose(fil_u);
  T_OK(0 != strstr(buf_c, "kernel: 40 events"), "summary: %s", buf_c);
  T_OK(0 != strstr(buf_c, "not a kernel state"), "bad state reported");
  T_EQ(strchr(buf_c, '\n') - buf_c + 1 < (long)len_z, 1);
  free(buf_c);
  u3z(sat);
  t_clean();
}

int
main(void)
{
  if ( 0 != u3m_init(31) ) {
    return t_skip("cannot map the loom");
  }
  u3m_pave();

  _t_names();
  _t_ova();
  _t_mix();
  _t_determinism();
  _t_map();
  _t_kv();
  _t_dup();
  _t_churn();
  _t_blob();
  _t_malformed();
  _t_stats();

  t_clean();
  u3m_fini();
  return t_done();
}
