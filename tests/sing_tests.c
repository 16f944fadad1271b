/// @file sing_tests.c
/// Unifying equality: u3r_sing makes equal copies inside the nouns it
/// compares share one copy, keeps every refcount exact (the loom's leak
/// check), changes no mug, and never makes a senior reference point into
/// a junior road.
#include "test.h"

/* _t_objs(): live allocations on the current road. */
static c3_d
_t_objs(void)
{
  u3a_stats sat_u;
  u3a_stat(0, &sat_u);
  return sat_u.objs_d;
}

/* _t_big(): a fresh indirect atom, the same value for the same i_w. */
static u3_atom
_t_big(c3_w i_w)
{
  c3_d val_d[2] = { 0x0123456789abcdefULL + i_w, 0xfedcba98ULL * (i_w + 1) };
  return u3i_chubs(2, val_d);
}

/* _t_value(): a fresh copy of the same small noun: [[big0 big1] big2 ~]
**   (three cells and three indirect atoms: six objects).
*/
static u3_noun
_t_value(void)
{
  return u3nt(u3nc(_t_big(0), _t_big(1)), _t_big(2), 0);
}
#define _t_value_objs 6

/* _t_list(): a fresh list of len_w indirect atoms. */
static u3_noun
_t_list(c3_w len_w)
{
  u3_noun lis = 0;
  for ( c3_w i_w = len_w; i_w-- > 0; ) {
    lis = u3nc(_t_big(i_w), lis);
  }
  return lis;
}

/* _t_senior_clean(): c3y if no reference in som (a senior noun, walked
**   from the current junior road) points into the current road.
*/
static c3_t
_t_senior_clean(u3_noun som)
{
  while ( _(u3du(som)) ) {
    u3_noun hed = u3h(som), tel = u3t(som);
    if ( _(u3a_is_dog(hed)) && _(u3a_on_road(u3a_to_ptr(hed))) ) return 0;
    if ( _(u3a_is_dog(tel)) && _(u3a_on_road(u3a_to_ptr(tel))) ) return 0;
    if ( !_t_senior_clean(hed) ) return 0;
    som = tel;
  }
  return 1;
}

/* _t_home(): on the home road, equal copies in two cells come to share. */
static void
_t_home(void)
{
  u3_noun a = _t_value(), b = _t_value();
  u3_noun p = u3nc(a, 7), q = u3nc(b, 7);
  c3_w    mug_w = u3r_mug(p);
  c3_d    obj_d = _t_objs();

  T_OK(a != b, "two separately built copies");
  T_OK(_(u3r_sing(p, q)), "equal");
  T_OK(u3h(p) == u3h(q), "the cells share their head after u3r_sing");
  T_EQ(u3a_use(u3h(p)), 2);
  T_EQ(_t_objs(), obj_d - _t_value_objs);
  T_EQ(u3r_mug(p), mug_w);
  T_EQ(u3r_mug(q), mug_w);
  {
    u3_noun r = u3nc(_t_value(), 7);
    T_EQ(u3r_mug(r), mug_w);
    u3z(r);
  }
  t_leak(p, q);

  //  the more shared copy is kept: a reference held elsewhere stays valid
  //
  u3_noun c = _t_value(), d = _t_value();
  u3_noun kep = u3k(d);
  u3_noun r = u3nc(c, 1), s = u3nc(d, 1);
  T_OK(_(u3r_sing(r, s)), "equal");
  T_OK(u3h(r) == kep && u3h(s) == kep, "the more shared copy is the one kept");
  T_EQ(u3a_use(kep), 3);
  t_leak(p, q, r, s, kep);
  u3z(kep);

  //  indirect atoms directly in the cells, and unequal nouns whose heads
  //  are equal copies
  //
  u3_noun t = u3nc(_t_big(9), 0), u = u3nc(_t_big(9), 0);
  T_OK(_(u3r_sing(t, u)) && u3h(t) == u3h(u), "atoms in cells share");
  u3_noun v = u3nc(_t_value(), 1), w = u3nc(_t_value(), 2);
  T_OK(c3n == u3r_sing(v, w), "unequal tails: not equal");
  T_OK(u3h(v) == u3h(w), "the equal heads share even so");
  t_leak(p, q, r, s, t, u, v, w);

  u3z(p); u3z(q); u3z(r); u3z(s); u3z(t); u3z(u); u3z(v); u3z(w);
  t_clean();
}

/* _t_lists(): two long equal lists become one; the other is freed. */
static void
_t_lists(void)
{
  c3_w    len_w = 2000;
  u3_noun p = u3nc(_t_list(len_w), 0), q = u3nc(_t_list(len_w), 0);
  c3_w    mug_w = u3r_mug(p);
  c3_d    obj_d = _t_objs();

  T_OK(u3h(p) != u3h(q), "two copies");
  T_OK(_(u3r_sing(p, q)), "equal");
  T_OK(u3h(p) == u3h(q), "one list after u3r_sing");
  T_EQ(_t_objs(), obj_d - 2 * len_w);
  T_EQ(u3r_mug(q), mug_w);
  T_OK(_(u3r_sing(p, q)), "still equal");
  t_leak(p, q);
  u3z(p);
  u3z(q);
  t_clean();
}

/* _t_roads(): from a junior road, a junior copy is replaced by the senior
**   one, never the other way round, and two senior copies are left alone.
*/
static void
_t_roads(void)
{
  u3_noun s1 = u3nc(_t_value(), 0);     //  senior once we leap
  u3_noun s2 = u3nc(_t_value(), 0);
  u3_noun x1 = u3h(s1), x2 = u3h(s2);
  c3_w    mug_w = u3r_mug(s1);
  c3_w    use_w = u3a_use(x1);

  u3m_leap();
  {
    u3_noun j1 = u3nc(_t_value(), 0);
    u3_noun j2 = u3nc(_t_value(), 0);
    c3_d    obj_d = _t_objs();

    //  both argument orders: keeping "the first" or "the second" copy
    //  would each point a senior reference into this road once
    //
    T_OK(_(u3r_sing(s1, j1)), "senior and junior equal");
    T_OK(_(u3r_sing(j2, s1)), "junior and senior equal");
    T_OK(u3h(s1) == x1, "the senior cell still holds the senior copy");
    T_OK(u3h(j1) == x1 && u3h(j2) == x1, "the junior cells point at the senior copy");
    T_OK(_t_senior_clean(s1) && _t_senior_clean(s2),
         "no senior reference points into the junior road");
    T_EQ(_t_objs(), obj_d - 2 * _t_value_objs);

    //  two senior copies: neither is touched from here
    //
    T_OK(_(u3r_sing(s1, s2)), "two senior copies equal");
    T_OK(u3h(s1) == x1 && u3h(s2) == x2, "senior copies left alone");
    t_leak(j1, j2);

    u3_noun pro = u3nc(j1, j2);
    pro = u3m_love(pro);
    T_OK(u3h(u3h(pro)) == x1 && u3h(u3t(pro)) == x1,
         "taken up, the product shares the senior copy");
    T_EQ(u3a_use(x1), use_w + 2);
    T_EQ(u3a_use(x2), 1);
    T_EQ(u3r_mug(s1), mug_w);
    t_leak(s1, s2, pro);
    u3z(pro);
  }
  T_EQ(u3a_use(x1), use_w);

  //  a road discarded after unifying leaves the senior exactly as it was
  //
  u3m_leap();
  {
    u3_noun j = u3nc(_t_value(), 0);
    T_OK(_(u3r_sing(j, s2)) && u3h(j) == x2, "junior shares the senior copy");
    T_OK(_t_senior_clean(s2), "no senior reference into the junior road");
  }
  u3m_fall();
  T_OK(u3h(s2) == x2, "after the fall, the senior cell is unchanged");
  t_leak(s1, s2);
  u3z(s1);
  u3z(s2);
  t_clean();
}

int
main(void)
{
  if ( u3m_init(26) ) {
    return t_skip("cannot map the loom");
  }
  u3m_pave();

  _t_home();
  _t_lists();
  _t_roads();

  u3m_fini();
  return t_done();
}
