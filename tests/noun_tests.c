/// @file noun_tests.c
/// Nouns: constructors and readers round-trip; the predicates are
/// loobeans; mug is stable, nonzero and cached; equality on shared and
/// unshared structures.
#include "test.h"

/* _t_atoms(): constructors and readers round-trip. */
static void
_t_atoms(void)
{
  T_EQ(u3i_word(0), 0);
  T_EQ(u3i_word(0x7fffffff), 0x7fffffff);
  T_OK(_(u3a_is_cat(u3i_word(0x7fffffff))), "2^31-1 is direct");

  u3_atom big = u3i_word(0x80000000);
  T_OK(_(u3a_is_pug(big)), "2^31 is indirect");
  T_EQ(u3r_word(0, big), 0x80000000);
  T_EQ(u3r_met(0, big), 32);
  T_EQ(u3r_met(3, big), 4);
  T_EQ(u3r_met(5, big), 1);
  T_EQ(u3a_use(big), 1);
  u3z(big);

  //  trailing zero words are trimmed; small results are direct
  c3_w wor_w[4] = { 42, 0, 0, 0 };
  T_EQ(u3i_words(4, wor_w), 42);
  wor_w[2] = 7;
  u3_atom a = u3i_words(4, wor_w);
  T_OK(_(u3a_is_pug(a)), "3-word atom indirect");
  T_EQ(((u3a_atom*)(void*)u3a_to_ptr(a))->len_w, 3);
  T_EQ(u3r_word(2, a), 7);
  T_EQ(u3r_word(9, a), 0);
  T_EQ(u3r_met(5, a), 3);
  T_EQ(u3r_met(0, a), 64 + 3);

  //  bytes round trip, odd lengths
  c3_y byt_y[1001], out_y[1005];
  for ( c3_w i_w = 0; i_w < sizeof(byt_y); i_w++ ) {
    byt_y[i_w] = (c3_y)(i_w * 7 + 1);
  }
  for ( c3_w len_w = 1; len_w <= 1001; len_w += 111 ) {
    u3_atom b = u3i_bytes(len_w, byt_y);
    T_EQ(u3r_met(3, b), len_w);
    u3r_bytes(0, len_w + 4, out_y, b);
    T_OK(0 == memcmp(out_y, byt_y, len_w) && !out_y[len_w] && !out_y[len_w + 3],
         "bytes round trip at %u", len_w);
    T_EQ(u3r_byte(len_w - 1, b), byt_y[len_w - 1]);
    u3z(b);
  }

  //  chubs
  u3_atom c = u3i_chub(0x123456789abcdef0ULL);
  T_EQ(u3r_chub(0, c), 0x123456789abcdef0ULL);
  T_EQ(u3r_met(6, c), 1);
  u3z(c);
  T_EQ(u3i_chub(5), 5);
  c3_d chu_d[3] = { 1, 0xffffffffffffffffULL, 3 };
  u3_atom d = u3i_chubs(3, chu_d);
  T_EQ(u3r_chub(1, d), 0xffffffffffffffffULL);
  T_EQ(u3r_chub(2, d), 3);
  T_EQ(u3r_bit(64, d), 1);
  T_EQ(u3r_bit(128, d), 1);
  T_EQ(u3r_bit(129, d), 1);
  T_EQ(u3r_bit(130, d), 0);

  //  strings
  u3_atom s = u3i_string("hello, loom");
  c3_c str_c[12] = {0};
  u3r_bytes(0, 11, (c3_y*)str_c, s);
  T_OK(0 == strcmp(str_c, "hello, loom"), "string round trip");

  u3z(a);
  u3z(d);
  u3z(s);
  t_clean();
}

/* _t_loobeans(): the noun predicates are loobeans, as in vere. */
static void
_t_loobeans(void)
{
  u3_atom big = u3i_word(0x80000000);
  u3_noun cel = u3nc(1, 2);

  T_EQ(u3a_is_cat(0), c3y);
  T_EQ(u3a_is_cat(0x7fffffff), c3y);
  T_EQ(u3a_is_cat(big), c3n);
  T_EQ(u3a_is_cat(cel), c3n);
  T_EQ(u3a_is_dog(42), c3n);
  T_EQ(u3a_is_dog(big), c3y);
  T_EQ(u3a_is_dog(cel), c3y);
  T_EQ(u3a_is_pug(42), c3n);
  T_EQ(u3a_is_pug(big), c3y);
  T_EQ(u3a_is_pug(cel), c3n);
  T_EQ(u3a_is_pom(42), c3n);
  T_EQ(u3a_is_pom(big), c3n);
  T_EQ(u3a_is_pom(cel), c3y);
  T_EQ(u3a_is_atom(42), c3y);
  T_EQ(u3a_is_atom(big), c3y);
  T_EQ(u3a_is_atom(cel), c3n);
  T_EQ(u3a_is_cell(big), c3n);
  T_EQ(u3a_is_cell(cel), c3y);
  T_EQ(u3ud(cel), c3n);
  T_EQ(u3du(cel), c3y);

  u3z(big);
  u3z(cel);
  t_clean();
}

/* _t_cells(): cells and their readers. */
static void
_t_cells(void)
{
  u3_noun a = u3nc(1, 2);
  T_EQ(u3h(a), 1);
  T_EQ(u3t(a), 2);
  T_OK(_(u3du(a)) && !_(u3ud(a)), "cell is a cell");
  T_EQ(u3a_to_ptr(a)[0], 1);     //  refcount

  u3_noun q = u3nq(1, 2, 3, u3k(a));
  u3_noun w, x, y, z;
  T_OK(_(u3r_qual(q, &w, &x, &y, &z)), "qual unpacks");
  T_OK(w == 1 && x == 2 && y == 3 && z == a, "qual contents");
  T_EQ(u3a_use(a), 2);

  u3_noun t = u3nt(u3i_word(0xffffffff), 5, 6);
  T_OK(_(u3r_trel(t, &x, &y, &z)) && u3r_word(0, x) == 0xffffffff && z == 6,
       "trel contents");
  T_OK(c3n == u3r_cell(7, &x, &y), "atom is no cell");
  //  a shape that does not match is refused at every depth
  T_OK(c3n == u3r_trel(7, &x, &y, &z), "atom is no trel");
  T_OK(c3n == u3r_trel(a, &x, &y, &z), "pair is no trel");
  T_OK(c3n == u3r_qual(7, &w, &x, &y, &z), "atom is no qual");
  T_OK(c3n == u3r_qual(a, &w, &x, &y, &z), "pair is no qual");
  T_OK(c3n == u3r_qual(t, &w, &x, &y, &z), "trel of atoms is no qual");
  T_OK(_(u3r_qual(q, 0, 0, 0, 0)), "qual without outputs");

  u3_noun lis = 0;
  for ( c3_w i_w = 0; i_w < 1000; i_w++ ) {
    lis = u3nc(i_w, lis);
  }
  T_EQ(u3r_lent(lis), 1000);

  u3z(a);
  u3z(q);
  u3z(t);
  u3z(lis);
  t_clean();
}

/* _t_mug(): stable, nonzero, cached; equal nouns mug alike. */
static void
_t_mug(void)
{
  c3_w m0_w = u3r_mug(0);
  T_OK(m0_w && m0_w < 0x80000000U, "mug of 0 nonzero, 31 bits: %x", m0_w);
  T_EQ(u3r_mug(0), m0_w);

  //  a direct atom and its indirect spelling over the same bytes mug alike
  c3_y byt_y[4] = { 1, 2, 3, 0 };
  T_EQ(u3r_mug(0x030201), u3r_mug_bytes(byt_y, 3));

  c3_t nz_t = 1, st_t = 1;
  for ( c3_w i_w = 0; i_w < 100000; i_w++ ) {
    c3_w m_w = u3r_mug(i_w * 2654435761U >> 1);
    nz_t &= (m_w != 0) && (m_w < 0x80000000U);
    st_t &= (m_w == u3r_mug(i_w * 2654435761U >> 1));
  }
  T_OK(nz_t, "mugs nonzero and 31-bit");
  T_OK(st_t, "mugs stable");

  //  cached in the object
  u3_atom big = u3i_chub(0xfeedfacecafebeefULL);
  T_EQ(((u3a_atom*)(void*)u3a_to_ptr(big))->mug_w, 0);
  c3_w mb_w = u3r_mug(big);
  T_EQ(((u3a_atom*)(void*)u3a_to_ptr(big))->mug_w, mb_w);

  u3_noun a = u3nc(u3k(big), u3nc(1, 2));
  u3_noun b = u3nc(u3i_chub(0xfeedfacecafebeefULL), u3nc(1, 2));
  T_OK(a != b, "separately built");
  c3_w ma_w = u3r_mug(a);
  T_EQ(((u3a_cell*)(void*)u3a_to_ptr(a))->mug_w, ma_w);
  T_EQ(u3r_mug(b), ma_w);
  T_EQ(ma_w, u3r_mug_both(mb_w, u3r_mug_both(u3r_mug(1), u3r_mug(2))));
  u3_noun zz = u3nc(0, 0);
  T_OK(u3r_mug(zz) != u3r_mug(0), "cell and atom differ");
  u3z(zz);

  //  a deep right-leaning list and a deep left-leaning tree: no C recursion
  u3_noun lis = 0, lef = 0;
  for ( c3_w i_w = 0; i_w < 1000000; i_w++ ) {
    lis = u3nc(i_w, lis);
    lef = u3nc(lef, i_w);
  }
  c3_w ml_w = u3r_mug(lis);
  T_OK(ml_w != 0, "mug of a 1M list");
  T_EQ(u3r_mug(lis), ml_w);
  T_OK(u3r_mug(lef) != 0, "mug of a 1M left-deep tree");

  u3z(big);
  u3z(a);
  u3z(b);
  u3z(lis);
  u3z(lef);
  t_clean();
}

/* _t_sing(): equality, shared and unshared. */
static void
_t_sing(void)
{
  u3_noun a = u3nt(1, u3i_chub(1ULL << 40), u3nc(3, 4));
  u3_noun b = u3nt(1, u3i_chub(1ULL << 40), u3nc(3, 4));
  u3_noun c = u3nt(1, u3i_chub(1ULL << 40), u3nc(3, 5));
  u3_noun d = u3nc(u3k(a), u3k(a));
  u3_noun e = u3nc(u3k(a), u3k(b));

  T_OK(_(u3r_sing(a, a)), "same pointer");
  T_OK(_(u3r_sing(a, b)), "equal, unshared");
  T_OK(c3n == u3r_sing(a, c), "differ in a leaf");
  T_OK(c3n == u3r_sing(a, 1), "cell vs atom");
  u3_atom ind = u3i_chub(1ULL << 40);
  T_OK(c3n == u3r_sing(ind, 5), "indirect vs direct");
  u3z(ind);
  T_OK(_(u3r_sing(d, e)), "shared vs unshared subtrees");

  //  differing cached mugs cut the comparison short; equal ones do not lie
  u3r_mug(a);
  u3r_mug(c);
  T_OK(c3n == u3r_sing(a, c), "mugs differ");
  u3r_mug(b);
  T_OK(_(u3r_sing(a, b)), "mugs equal");

  //  long lists differing only at the very end
  u3_noun l1 = 0, l2 = 0;
  for ( c3_w i_w = 0; i_w < 500000; i_w++ ) {
    l1 = u3nc(i_w ? i_w : 1, l1);
    l2 = u3nc(i_w ? i_w : 2, l2);
  }
  T_OK(c3n == u3r_sing(l1, l2), "long lists differ at the end");
  u3_noun l3 = 0;
  for ( c3_w i_w = 0; i_w < 500000; i_w++ ) {
    l3 = u3nc(i_w ? i_w : 1, l3);
  }
  T_OK(_(u3r_sing(l1, l3)), "long lists equal");

  //  separately built DAGs with 2^60 paths: compared in linear time
  u3_noun g = u3nc(1, 2), h = u3nc(1, 2), k = u3nc(1, 2);
  for ( c3_w i_w = 0; i_w < 60; i_w++ ) {
    g = u3nc(u3k(g), g);
    h = u3nc(u3k(h), h);
    k = u3nc(u3k(k), k);
  }
  T_OK(_(u3r_sing(g, h)), "equal DAGs");
  //  differing only at the bottom, on one side
  u3_noun m = u3nc(1, 3);
  for ( c3_w i_w = 0; i_w < 60; i_w++ ) {
    m = u3nc(u3k(h), m);
  }
  u3_noun n = u3nc(1, 2);
  for ( c3_w i_w = 0; i_w < 60; i_w++ ) {
    n = u3nc(u3k(h), n);
  }
  T_OK(c3n == u3r_sing(m, n), "DAGs differing at the last leaf");
  u3z(g); u3z(h); u3z(k); u3z(m); u3z(n);

  u3z(a); u3z(b); u3z(c); u3z(d); u3z(e);
  u3z(l1); u3z(l2); u3z(l3);
  t_clean();
}

/* _t_bad_cell(): u3h of an atom bails exit; caught by u3m_soft. */
static u3_noun
_t_head_of(u3_noun som)
{
  return u3k(u3h(som));
}

/* _t_met_of(), _t_word_of(), _t_bytes_of(): atom readers given som. */
static u3_noun
_t_met_of(u3_noun som)
{
  return u3r_met(3, som);
}

static u3_noun
_t_word_of(u3_noun som)
{
  return u3r_word(0, som);
}

static u3_noun
_t_bytes_of(u3_noun som)
{
  c3_y buf_y[4];
  u3r_bytes(0, 4, buf_y, som);
  return buf_y[0];
}

static void
_t_bad_cell(void)
{
  //  an atom's readers, given a cell, bail exit
  {
    u3_noun (*fun_f[3])(u3_noun) = { _t_met_of, _t_word_of, _t_bytes_of };
    u3_noun big = u3i_chub(0x0102030405060708ULL);
    u3_noun cel = u3nc(7, 8);
    for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
      u3_noun pro = u3m_soft(fun_f[i_w], cel);
      T_OK(c3__exit == u3h(pro), "atom reader %u given a cell bails", i_w);
      u3z(pro);
      pro = u3m_soft(fun_f[i_w], big);
      T_OK(0 == u3h(pro) && 0 != u3t(pro), "atom reader %u given an atom",
           i_w);
      u3z(pro);
    }
    u3z(big);
    u3z(cel);
  }

  u3_noun pro = u3m_soft(_t_head_of, 42);
  T_EQ(u3h(pro), c3__exit);
  u3z(pro);
  pro = u3m_soft(_t_head_of, 0);
  T_EQ(u3h(pro), c3__exit);
  u3z(pro);
  u3_noun cel = u3nc(u3i_chub(1ULL << 50), 2);
  pro = u3m_soft(_t_head_of, cel);
  T_EQ(u3h(pro), 0);
  T_OK(u3t(pro) == u3h(cel), "senior head shared, not copied");
  T_EQ(u3a_use(u3h(cel)), 2);
  u3z(pro);
  u3z(cel);
  t_clean();
}

int
main(void)
{
  if ( u3m_init(28) ) {
    return t_skip("cannot map a 256 MiB loom");
  }
  u3m_pave();
  _t_atoms();
  _t_loobeans();
  _t_cells();
  _t_mug();
  _t_sing();
  _t_bad_cell();
  t_clean();
  u3m_fini();
  return t_done();
}
