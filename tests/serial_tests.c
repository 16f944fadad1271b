/// @file serial_tests.c
/// jam and cue: vere's vectors both ways, agreement with a slow reference
/// jam written straight from the format's definition, round trips of
/// atoms, cells, deep trees, a ten-million-element list and shared
/// structure, and rejection of malformed input (truncated, oversized,
/// bad references, random bytes) with the loom left clean.
#include "test.h"

#include "noun/serial.h"

#define _t_mote(a, b, c, d) c3_s4(a, b, c, d)

  /** A seeded generator (splitmix64): the same numbers every run.
  **/
static c3_d _t_seed_d = 0x5eed5eed5eed5eedULL;

/* _t_rand(): the next 64 random bits. */
static c3_d
_t_rand(void)
{
  return t_splitmix(&_t_seed_d);
}

/* _t_below(): a random number below max_d (> 0). */
static c3_d
_t_below(c3_d max_d)
{
  return _t_rand() % max_d;
}

  /** A bit string, for the slow reference jam and for crafted input.
  **/
typedef struct {
  c3_y* bit_y;   //  one bit per byte
  c3_d  len_d;
  c3_d  cap_d;
} _t_bits;

/* _t_bit(): append one bit. */
static void
_t_bit(_t_bits* bit_u, c3_y b_y)
{
  if ( bit_u->len_d == bit_u->cap_d ) {
    bit_u->cap_d = bit_u->cap_d ? (bit_u->cap_d << 1) : 256;
    bit_u->bit_y = realloc(bit_u->bit_y, bit_u->cap_d);
    if ( !bit_u->bit_y ) {
      fprintf(stderr, "serial_tests: out of memory\n");
      exit(1);
    }
  }
  bit_u->bit_y[bit_u->len_d++] = b_y & 1;
}

/* _t_bits_chub(): append the low len_w bits of val_d. */
static void
_t_bits_chub(_t_bits* bit_u, c3_w len_w, c3_d val_d)
{
  for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
    _t_bit(bit_u, (c3_y)((val_d >> i_w) & 1));
  }
}

/* _t_bits_zeros(): append len_d zero bits. */
static void
_t_bits_zeros(_t_bits* bit_u, c3_d len_d)
{
  while ( len_d-- ) {
    _t_bit(bit_u, 0);
  }
}

/* _t_mat(): append mat(a) for atom a, as the format defines it. */
static void
_t_mat(_t_bits* bit_u, u3_atom a)
{
  c3_w b_w = u3r_met(0, a);

  if ( 0 == b_w ) {
    _t_bit(bit_u, 1);
    return;
  }
  c3_w c_w = c3_bits_word(b_w);
  _t_bits_zeros(bit_u, c_w);
  _t_bit(bit_u, 1);
  _t_bits_chub(bit_u, c_w - 1, b_w);
  for ( c3_w i_w = 0; i_w < b_w; i_w++ ) {
    _t_bit(bit_u, u3r_bit(i_w, a));
  }
}

/* _t_mat_chub(): append mat(val_d). */
static void
_t_mat_chub(_t_bits* bit_u, c3_d val_d)
{
  u3_atom a = u3i_chub(val_d);
  _t_mat(bit_u, a);
  u3z(a);
}

/* _t_bits_bytes(): the bit string as bytes (malloc'd); its length. */
static c3_z
_t_bits_bytes(const _t_bits* bit_u, c3_y** byt_y)
{
  c3_z  len_z = (bit_u->len_d + 7) >> 3;
  c3_y* out_y = calloc(len_z ? len_z : 1, 1);

  for ( c3_d i_d = 0; i_d < bit_u->len_d; i_d++ ) {
    out_y[i_d >> 3] |= (c3_y)(bit_u->bit_y[i_d] << (i_d & 7));
  }
  *byt_y = out_y;
  return len_z;
}

/* _t_bits_atom(): the bit string as an atom. */
static u3_atom
_t_bits_atom(const _t_bits* bit_u)
{
  c3_y*   byt_y;
  c3_z    len_z = _t_bits_bytes(bit_u, &byt_y);
  u3_atom a     = u3i_bytes((c3_w)len_z, byt_y);
  free(byt_y);
  return a;
}

/* _t_bits_cue(): cue the bit string as bytes and as an atom; both must
**   agree.  Returns the noun or u3_none.
*/
static u3_weak
_t_bits_cue(const _t_bits* bit_u)
{
  c3_y*   byt_y;
  c3_z    len_z = _t_bits_bytes(bit_u, &byt_y);
  u3_weak pro   = u3s_cue_bytes(len_z, byt_y);
  u3_atom a     = _t_bits_atom(bit_u);
  u3_weak two   = u3s_cue_atom(a);

  T_OK((u3_none == pro) == (u3_none == two)
       && ((u3_none == pro) || _(u3r_sing(pro, two))),
       "cue of bytes and of the atom agree");
  if ( u3_none != two ) {
    u3z(two);
  }
  u3z(a);
  free(byt_y);
  return pro;
}

  /** The reference jam: recursive, quadratic, straight from the format.
  **/
typedef struct {
  u3_noun som;
  c3_d    pos_d;
} _t_seen;

typedef struct {
  _t_bits  bit_u;
  _t_seen* sen_u;
  c3_w     len_w;
  c3_w     cap_w;
} _t_refj;

/* _t_ref_jam(): append som (retained) to the reference jam. */
static void
_t_ref_jam(_t_refj* ref_u, u3_noun som)
{
  for ( c3_w i_w = 0; i_w < ref_u->len_w; i_w++ ) {
    if ( _(u3r_sing(ref_u->sen_u[i_w].som, som)) ) {
      c3_d pos_d = ref_u->sen_u[i_w].pos_d;
      if ( _(u3ud(som)) && (u3r_met(0, som) <= c3_bits_chub(pos_d)) ) {
        _t_bit(&ref_u->bit_u, 0);
        _t_mat(&ref_u->bit_u, som);
      }
      else {
        _t_bit(&ref_u->bit_u, 1);
        _t_bit(&ref_u->bit_u, 1);
        _t_mat_chub(&ref_u->bit_u, pos_d);
      }
      return;
    }
  }

  if ( ref_u->len_w == ref_u->cap_w ) {
    ref_u->cap_w = ref_u->cap_w ? (ref_u->cap_w << 1) : 64;
    ref_u->sen_u = realloc(ref_u->sen_u, ref_u->cap_w * sizeof(_t_seen));
  }
  //  a reference of its own: u3r_sing unifies, and may free a copy
  //  that is only borrowed from inside a noun
  ref_u->sen_u[ref_u->len_w].som   = u3k(som);
  ref_u->sen_u[ref_u->len_w].pos_d = ref_u->bit_u.len_d;
  ref_u->len_w++;

  if ( _(u3ud(som)) ) {
    _t_bit(&ref_u->bit_u, 0);
    _t_mat(&ref_u->bit_u, som);
  }
  else {
    _t_bit(&ref_u->bit_u, 1);
    _t_bit(&ref_u->bit_u, 0);
    _t_ref_jam(ref_u, u3h(som));
    _t_ref_jam(ref_u, u3t(som));
  }
}

/* _t_ref(): the reference jam of som (retained), as an atom. */
static u3_atom
_t_ref(u3_noun som)
{
  _t_refj ref_u;
  memset(&ref_u, 0, sizeof(ref_u));
  _t_ref_jam(&ref_u, som);
  u3_atom pro = _t_bits_atom(&ref_u.bit_u);
  for ( c3_w i_w = 0; i_w < ref_u.len_w; i_w++ ) {
    u3z(ref_u.sen_u[i_w].som);
  }
  free(ref_u.bit_u.bit_y);
  free(ref_u.sen_u);
  return pro;
}

  /** Round trips.
  **/
/* _t_round(): jam som (retained) and cue it back, every way; checks
**   equality with u3r_sing unless big_o (a tree too large to walk).
**   Returns the jam's length in bits.
*/
static c3_d
_t_round_with(u3_noun som, c3_o big_o, const c3_c* cap_c)
{
  u3_atom jam = u3s_jam(som);
  c3_d    met_d = u3r_met(0, jam);
  c3_y*   byt_y = 0;
  c3_z    len_z = u3s_jam_bytes(som, &byt_y);

  //  the byte form is the atom's bytes
  {
    c3_z  met_z = u3r_met(3, jam);
    c3_y* exp_y = malloc(met_z ? met_z : 1);
    u3r_bytes(0, (c3_w)met_z, exp_y, jam);
    T_OK(len_z == met_z && 0 == memcmp(exp_y, byt_y, len_z),
         "%s: jam bytes match the jam atom", cap_c);
    free(exp_y);
  }

  u3_weak out = u3s_cue_atom(jam);
  u3_weak two = u3s_cue_bytes(len_z, byt_y);
  free(byt_y);

  if ( T_OK(u3_none != out && u3_none != two, "%s: cue", cap_c) ) {
    if ( c3n == big_o ) {
      T_OK(_(u3r_sing(som, out)), "%s: cue(jam(a)) == a", cap_c);
      T_OK(_(u3r_sing(som, two)), "%s: cue_bytes(jam(a)) == a", cap_c);
    }
    //  jam is a function of the value alone
    u3_atom jat = u3s_jam(out);
    T_OK(_(u3r_sing(jam, jat)), "%s: jam(cue(jam(a))) == jam(a)", cap_c);
    T_EQ(u3r_mug(som), u3r_mug(out));
    u3z(jat);
  }
  if ( u3_none != out ) {
    u3z(out);
  }
  if ( u3_none != two ) {
    u3z(two);
  }
  u3z(jam);
  return met_d;
}

#define _t_round(som, cap_c) _t_round_with(som, c3n, cap_c)

  /** Vectors.
  **/
/* _t_vec(): jam som (transferred) to exactly byt_y and back. */
static void
_t_vec(const c3_c* cap_c, u3_noun som, c3_w len_w, const c3_y* byt_y)
{
  c3_y*   out_y = 0;
  c3_z    out_z = u3s_jam_bytes(som, &out_y);
  u3_atom exp   = u3i_bytes(len_w, byt_y);
  u3_atom jam   = u3s_jam(som);
  u3_atom ref   = _t_ref(som);

  T_OK(out_z == len_w && 0 == memcmp(out_y, byt_y, len_w),
       "vector %s: jam bytes", cap_c);
  T_OK(_(u3r_sing(exp, jam)), "vector %s: jam atom", cap_c);
  T_OK(_(u3r_sing(exp, ref)), "vector %s: reference jam", cap_c);
  free(out_y);

  u3_weak out = u3s_cue_bytes(len_w, byt_y);
  T_OK(u3_none != out && _(u3r_sing(som, out)), "vector %s: cue bytes", cap_c);
  if ( u3_none != out ) {
    u3z(out);
  }
  out = u3s_cue_atom(exp);
  T_OK(u3_none != out && _(u3r_sing(som, out)), "vector %s: cue atom", cap_c);
  if ( u3_none != out ) {
    u3z(out);
  }

  u3z(exp);
  u3z(jam);
  u3z(ref);
  u3z(som);
}

/* _t_vectors(): vere's jam vectors, and a few small ones as numbers. */
static void
_t_vectors(void)
{
  c3_w fast_w = _t_mote('f', 'a', 's', 't');
  c3_w full_w = _t_mote('f', 'u', 'l', 'l');

  //  small jams as numbers
  {
    struct { u3_noun som; c3_w jam_w; } vec_u[] = {
      { 0, 2 }, { 1, 12 }, { 2, 72 },
    };
    for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
      u3_atom jam = u3s_jam(vec_u[i_w].som);
      T_EQ(jam, vec_u[i_w].jam_w);
      u3_weak out = u3s_cue_atom(vec_u[i_w].jam_w);
      T_EQ(out, vec_u[i_w].som);
    }
    u3_noun a = u3nc(0, 0);
    T_EQ(u3s_jam(a), 41);
    u3_weak b = u3s_cue_atom(41);
    T_OK(u3_none != b && _(u3r_sing(a, b)), "cue 41 is [0 0]");
    u3z(a);
    if ( u3_none != b ) {
      u3z(b);
    }
    a = u3nc(1, 2);
    T_EQ(u3s_jam(a), 4657);
    b = u3s_cue_atom(4657);
    T_OK(u3_none != b && _(u3r_sing(a, b)), "cue 4657 is [1 2]");
    u3z(a);
    if ( u3_none != b ) {
      u3z(b);
    }
  }

  {
    c3_y res_y[] = { 0xc0, 0x37, 0xb, 0x9b, 0xa3, 0x3 };
    _t_vec("%fast", fast_w, sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0xc0, 0x37, 0xab, 0x63, 0x63, 0x3 };
    _t_vec("%full", full_w, sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0x29 };
    _t_vec("[0 0]", u3nc(0, 0), sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0x31, 0x3 };
    _t_vec("[1 1]", u3nc(1, 1), sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0x31, 0x12 };
    _t_vec("[1 2]", u3nc(1, 2), sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0x21, 0xd1 };
    _t_vec("[2 3]", u3nc(2, 3), sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0x1, 0xdf, 0x2c, 0x6c, 0x8e, 0xe, 0x7c, 0xb3, 0x3a,
                     0x36, 0x36 };
    _t_vec("[%fast %full]", u3nc(fast_w, full_w), sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0x71, 0xcc };
    _t_vec("[1 1 1]", u3nt(1, 1, 1), sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0x71, 0x48, 0x34 };
    _t_vec("[1 2 3]", u3nt(1, 2, 3), sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0x1, 0xdf, 0x2c, 0x6c, 0x8e, 0x1e, 0xf0, 0xcd, 0xea,
                     0xd8, 0xd8, 0x93 };
    _t_vec("[%fast %full %fast]", u3nt(fast_w, full_w, fast_w),
           sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0xc5, 0x48, 0x34 };
    _t_vec("[[1 2] 3]", u3nc(u3nc(1, 2), 3), sizeof(res_y), res_y);
  }
  {
    //  three equal cells, distinct objects: the later two are references
    c3_y res_y[] = { 0xc5, 0xc8, 0x26, 0x27, 0x1 };
    _t_vec("[[1 2] [1 2] 1 2]", u3nt(u3nc(1, 2), u3nc(1, 2), u3nc(1, 2)),
           sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0xa5, 0x35, 0x19, 0xf3, 0x18, 0x5 };
    _t_vec("[[0 0] [[0 0] 1 1] 1 1]",
           u3nc(u3nc(0, 0), u3nc(u3nc(u3nc(0, 0), u3nc(1, 1)), u3nc(1, 1))),
           sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0x15, 0x17, 0xb2, 0xd0, 0x85, 0x59, 0xb8, 0x61, 0x87,
                     0x5f, 0x10, 0x54, 0x55, 0x5 };
    u3_noun som = u3nc(u3nc(u3nc(1, u3nc(u3nc(2, u3nc(u3nc(3,
                    u3nc(u3nc(4, u3nc(u3nt(5, 6, u3nc(7, u3nc(u3nc(8, 0), 0))),
                    0)), 0)), 0)), 0)), 0), 0);
    _t_vec("deep", som, sizeof(res_y), res_y);
  }
  {
    c3_y inp_y[33] = { 0 };
    c3_y res_y[35] = { 0, 12 };
    inp_y[32] = 1;
    res_y[34] = 8;
    _t_vec("wide", u3i_bytes(sizeof(inp_y), inp_y), sizeof(res_y), res_y);
  }
  {
    c3_y inp_y[] = { 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0xc, 0xa8, 0xab, 0x60,
                     0xef, 0x2d, 0xd, 0x0, 0x0, 0x80 };
    c3_y res_y[] = { 0x0, 0x2, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x18, 0x50,
                     0x57, 0xc1, 0xde, 0x5b, 0x1a, 0x0, 0x0, 0x0, 0x1 };
    _t_vec("date", u3i_bytes(sizeof(inp_y), inp_y), sizeof(res_y), res_y);
  }
  {
    u3_atom a = u3i_string("abcdefjhijklmnopqrstuvwxyz");
    c3_y res_y[] = {
       0x1, 0xf8,  0xc, 0x13, 0x1b, 0x23, 0x2b, 0x33, 0x53, 0x43, 0x4b,
      0x53, 0x5b, 0x63, 0x6b, 0x73, 0x7b, 0x83, 0x8b, 0x93, 0x9b, 0xa3,
      0xab, 0xb3, 0xbb, 0xc3, 0xcb, 0xd3, 0x87,  0xc, 0x3d,  0x9
    };
    _t_vec("alpha", u3nq(u3k(a), 2, 3, a), sizeof(res_y), res_y);
  }

  //  Hoon's documented jams, and big atoms and atom references computed
  //  independently from Hoon's ++jam
  {
    u3_noun a = u3nc(1, 1);
    T_EQ(u3s_jam(a), 817);
    u3z(a);
    a = u3nc(0, 19);
    T_EQ(u3s_jam(a), 39689);
    u3z(a);
  }
  {
    c3_y res_y[] = { 0x80, 0x0, 0x0, 0x0, 0x0, 0x10 };
    _t_vec("2^31", u3i_word(0x80000000), sizeof(res_y), res_y);
  }
  {
    c3_d big_d[2] = { 0, 1 };
    c3_y res_y[] = { 0x0, 0x3, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x80 };
    _t_vec("2^64", u3i_chubs(2, big_d), sizeof(res_y), res_y);
  }
  {
    c3_y res_y[] = { 0x80, 0xcf, 0xec, 0xed, 0x4d, 0x2c, 0x4c, 0xe };
    _t_vec("'foobar'", u3i_string("foobar"), sizeof(res_y), res_y);
  }
  {
    //  two separate copies of an atom: the second is a reference
    c3_y res_y[] = { 0x1, 0x3e, 0xb3, 0xb7, 0x37, 0xb1, 0x30, 0xf9, 0x24 };
    _t_vec("['foobar' 'foobar']",
           u3nc(u3i_string("foobar"), u3i_string("foobar")),
           sizeof(res_y), res_y);
  }
  {
    c3_d big_d[2] = { 0, 1 };
    c3_y res_y[] = { 0x1, 0xc, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0,
                     0x4e, 0x2 };
    u3_atom a = u3i_chubs(2, big_d);
    _t_vec("[2^64 2^64]", u3nc(u3k(a), a), sizeof(res_y), res_y);
  }

  t_clean();
}

/* _t_atoms(): round trips of direct and big atoms. */
static void
_t_atoms(void)
{
  for ( c3_w i_w = 0; i_w < 2000; i_w++ ) {
    _t_round(i_w, "small atom");
  }
  for ( c3_w k_w = 1; k_w < 140; k_w++ ) {
    for ( c3_ws d_ws = -1; d_ws <= 1; d_ws++ ) {
      //  2^k - 1, 2^k, 2^k + 1
      c3_w    len_w = (k_w >> 5) + 1;
      c3_w    wor_w[8] = { 0 };
      wor_w[k_w >> 5] = 1U << (k_w & 31);
      u3_atom a = u3i_words(len_w, wor_w);
      u3_atom b;
      if ( d_ws < 0 ) {
        //  all ones below bit k
        c3_w one_w[8] = { 0 };
        for ( c3_w j_w = 0; j_w < k_w; j_w++ ) {
          one_w[j_w >> 5] |= 1U << (j_w & 31);
        }
        b = u3i_words(len_w, one_w);
      }
      else if ( d_ws > 0 ) {
        wor_w[0] |= 1;
        b = u3i_words(len_w, wor_w);
      }
      else {
        b = u3k(a);
      }
      _t_round(b, "power of two");
      T_OK(_(u3r_sing(b, b)), "atom is itself");
      u3z(a);
      u3z(b);
    }
  }
  for ( c3_w i_w = 0; i_w < 1000; i_w++ ) {
    u3_atom a = u3i_chub(_t_rand() >> _t_below(64));
    _t_round(a, "random chub");
    u3z(a);
  }

  //  big atoms, up to several megabytes
  {
    c3_w siz_w[] = { 5, 100, 4096, 65537, 1 << 20, (5 << 20) + 3 };
    for ( c3_w i_w = 0; i_w < sizeof(siz_w) / sizeof(siz_w[0]); i_w++ ) {
      c3_y* byt_y = malloc(siz_w[i_w]);
      for ( c3_w j_w = 0; j_w < siz_w[i_w]; j_w++ ) {
        byt_y[j_w] = (c3_y)_t_rand();
      }
      byt_y[siz_w[i_w] - 1] |= 0x80;
      u3_atom a = u3i_bytes(siz_w[i_w], byt_y);
      c3_d met_d = _t_round(a, "big atom");
      //  tag, mat prefix, the atom's bits
      c3_d pre_d = 2 * (c3_d)c3_bits_word(siz_w[i_w] * 8);
      T_EQ(met_d, 1 + pre_d + (c3_d)siz_w[i_w] * 8);
      //  the same big atom twice: the second is a short reference
      u3_noun two = u3nc(u3k(a), u3k(a));
      c3_d    tmt_d = _t_round(two, "big atom twice");
      T_OK(tmt_d < met_d + 100, "big atom twice: %llu bits", (unsigned long long)tmt_d);
      u3z(two);
      u3z(a);
      free(byt_y);
    }
  }

  //  u3s_cue bails on bad input and returns on good
  {
    u3_noun pro = u3m_soft(u3s_cue, 4657);
    T_OK(_(u3du(pro)) && 0 == u3h(pro) && _(u3du(u3t(pro))) &&
         1 == u3h(u3t(pro)) && 2 == u3t(u3t(pro)), "u3s_cue 4657");
    u3z(pro);
    pro = u3m_soft(u3s_cue, 0);
    T_OK(_(u3du(pro)) && c3__exit == u3h(pro), "u3s_cue 0 bails exit");
    u3z(pro);
    pro = u3m_soft(u3s_cue, 3);
    T_OK(_(u3du(pro)) && c3__exit == u3h(pro), "u3s_cue 3 bails exit");
    u3z(pro);
  }

  t_clean();
}

/* _t_cells(): round trips of small cells and deep trees. */
static void
_t_cells(void)
{
  {
    u3_noun a = u3nc(0, 0);
    _t_round(a, "[0 0]");
    u3z(a);
  }
  {
    u3_noun a = u3nt(u3i_chub(1ULL << 40), 0x7fffffff, u3i_string("hello"));
    _t_round(a, "mixed cell");
    u3z(a);
  }

  //  1M deep, leaning left and right
  {
    c3_w    dep_w = 1000000;
    u3_noun lef = 0, rit = 0;
    for ( c3_w i_w = 1; i_w <= dep_w; i_w++ ) {
      lef = u3nc(lef, i_w);
      rit = u3nc(i_w, rit);
    }
    _t_round(lef, "left-leaning");
    _t_round(rit, "right-leaning");
    T_EQ(u3r_lent(rit), dep_w);
    u3z(lef);
    u3z(rit);
  }

  //  a tree 1M deep of cells only
  {
    u3_noun som = u3nc(0, 0);
    for ( c3_w i_w = 0; i_w < 1000000; i_w++ ) {
      som = ( i_w & 1 ) ? u3nc(som, u3nc(1, 2)) : u3nc(u3nc(3, 4), som);
    }
    _t_round(som, "zigzag");
    u3z(som);
  }

  t_clean();
}

/* _t_dag(): nouns with shared structure jam to references. */
static void
_t_dag(void)
{
  //  [d d] nested 200 times: a tree of 2^200 leaves, 201 objects
  {
    u3_noun d = u3nc(1, 2), e = u3nc(1, 2);
    for ( c3_w i_w = 0; i_w < 200; i_w++ ) {
      d = u3nc(u3k(d), d);
      e = u3nc(u3k(e), e);
    }
    c3_d met_d = _t_round_with(d, c3y, "dag");
    T_OK(met_d < 200 * 40, "dag: %llu bits", (unsigned long long)met_d);

    //  the decoded noun shares its halves too
    u3_atom jam = u3s_jam(d);
    u3_weak out = u3s_cue_atom(jam);
    if ( T_OK(u3_none != out, "dag cue") ) {
      T_OK(u3h(out) == u3t(out), "dag: halves shared after cue");
      T_EQ(u3r_mug(out), u3r_mug(d));
      u3z(out);
    }

    //  equal but distinct: the second half is one reference to the first
    u3_noun two = u3nc(u3k(d), u3k(e));
    u3_noun one = u3nc(u3k(d), u3k(d));
    u3_atom jat = u3s_jam(two);
    u3_atom jon = u3s_jam(one);
    T_OK(_(u3r_sing(jat, jon)), "equal halves jam as shared halves");
    T_OK(u3r_met(0, jat) < met_d + 100, "equal halves: %u bits",
         u3r_met(0, jat));
    u3z(jat);
    u3z(jon);
    u3z(one);
    u3z(two);
    u3z(jam);
    u3z(d);
    u3z(e);
  }

  //  a list of one repeated cell: each element after the first is a
  //  reference, so the jam is short
  {
    u3_noun lis = 0;
    for ( c3_w i_w = 0; i_w < 1000; i_w++ ) {
      lis = u3nc(u3nc(u3i_chub(1ULL << 50), 7), lis);
    }
    c3_d met_d = _t_round(lis, "repeats");
    T_OK(met_d < 1000 * 20, "repeats: %llu bits", (unsigned long long)met_d);
    u3z(lis);
  }

  t_clean();
}

/* _t_pool: nouns built so far, to share or copy into later ones. */
#define _t_pool_max 64

/* _t_size(): the tree size of som (leaves and cells), or cap_d + 1 if
**   larger.
*/
static c3_d
_t_size(u3_noun som, c3_d cap_d)
{
  if ( _(u3ud(som)) ) {
    return 1;
  }
  c3_d hed_d = _t_size(u3h(som), cap_d);
  if ( hed_d > cap_d ) {
    return cap_d + 1;
  }
  c3_d tel_d = _t_size(u3t(som), cap_d - hed_d);
  return c3_min(cap_d + 1, 1 + hed_d + tel_d);
}

/* _t_make(): a random noun of bounded tree size (*siz_d, counted). */
static u3_noun
_t_make(u3_noun* pol_u, c3_d* pos_d, c3_w dep_w, c3_d* siz_d)
{
  c3_d roll_d = _t_below(100);

  if ( *siz_d > 300 || dep_w > 12 || roll_d < 35 ) {
    c3_d kin_d = _t_below(10);
    (*siz_d)++;
    if ( kin_d < 4 ) {
      return (u3_noun)_t_below(8);
    }
    else if ( kin_d < 7 ) {
      return u3i_chub(_t_rand() >> _t_below(64));
    }
    else if ( kin_d < 8 && *pos_d ) {
      u3_noun old = pol_u[_t_below(*pos_d < _t_pool_max ? *pos_d : _t_pool_max)];
      if ( _(u3ud(old)) ) {
        return u3k(old);
      }
      return (u3_noun)_t_below(3);
    }
    else {
      c3_w len_w = (c3_w)_t_below(40) + 1;
      c3_w wor_w[40];
      for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
        wor_w[i_w] = (c3_w)_t_rand();
      }
      return u3i_words(len_w, wor_w);
    }
  }
  else if ( roll_d < 45 && *pos_d ) {
    //  an earlier noun, shared (an object) or copied (by jam and cue)
    u3_noun old = pol_u[_t_below(*pos_d < _t_pool_max ? *pos_d : _t_pool_max)];
    c3_d    old_d = _t_size(old, 200);
    if ( old_d > 200 ) {
      (*siz_d)++;
      return 0;
    }
    (*siz_d) += old_d;
    if ( _t_below(2) ) {
      return u3k(old);
    }
    else {
      u3_atom jam = u3s_jam(old);
      u3_weak out = u3s_cue_atom(jam);
      u3z(jam);
      return ( u3_none == out ) ? 0 : out;
    }
  }
  else {
    u3_noun hed = _t_make(pol_u, pos_d, dep_w + 1, siz_d);
    u3_noun tel = _t_make(pol_u, pos_d, dep_w + 1, siz_d);
    u3_noun som = u3nc(hed, tel);
    (*siz_d)++;
    if ( _t_below(4) == 0 ) {
      c3_d i_d = (*pos_d)++ % _t_pool_max;
      if ( *pos_d > _t_pool_max ) {
        u3z(pol_u[i_d]);
      }
      pol_u[i_d] = u3k(som);
    }
    return som;
  }
}

/* _t_random(): random nouns agree with the reference jam and round-trip. */
static void
_t_random(void)
{
  u3_noun pol_u[_t_pool_max];
  c3_d    pos_d = 0;
  c3_w    bad_w = 0;

  for ( c3_w i_w = 0; i_w < 3000; i_w++ ) {
    c3_d    siz_d = 0;
    u3_noun som   = _t_make(pol_u, &pos_d, 0, &siz_d);
    u3_atom jam   = u3s_jam(som);
    u3_atom ref   = _t_ref(som);

    if ( c3n == u3r_sing(jam, ref) ) {
      bad_w++;
    }
    _t_round(som, "random noun");
    u3z(jam);
    u3z(ref);
    u3z(som);
  }
  T_EQ(bad_w, 0);
  for ( c3_d i_d = 0; i_d < pos_d && i_d < _t_pool_max; i_d++ ) {
    u3z(pol_u[i_d]);
  }

  t_clean();
}

  /** Malformed input.
  **/
/* _t_none(): c3y if cue of the bits gives u3_none in both forms. */
static c3_t
_t_none(const _t_bits* bit_u)
{
  u3_weak out = _t_bits_cue(bit_u);
  if ( u3_none != out ) {
    u3z(out);
    return 0;
  }
  return 1;
}

/* _t_truncate(): every proper prefix of som's jam (transferred) is
**   rejected, cut at any bit (as an atom) or any byte.
*/
static void
_t_truncate(u3_noun som, const c3_c* cap_c)
{
  u3_atom jam   = u3s_jam(som);
  c3_w    met_w = u3r_met(0, jam);
  c3_w    len_w = u3r_met(3, jam);
  c3_y*   byt_y = malloc(len_w);
  c3_y*   cut_y = malloc(len_w);
  c3_w    bad_w = 0;

  u3r_bytes(0, len_w, byt_y, jam);
  for ( c3_w bit_w = 0; bit_w < met_w; bit_w++ ) {
    //  the low bit_w bits
    memset(cut_y, 0, len_w);
    memcpy(cut_y, byt_y, bit_w >> 3);
    if ( bit_w & 7 ) {
      cut_y[bit_w >> 3] = byt_y[bit_w >> 3] & (c3_y)((1U << (bit_w & 7)) - 1);
    }
    u3_atom cut = u3i_bytes(len_w, cut_y);
    u3_weak out = u3s_cue_atom(cut);
    if ( u3_none != out ) {
      bad_w++;
      u3z(out);
    }
    u3z(cut);
  }
  for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
    u3_weak out = u3s_cue_bytes(i_w, byt_y);
    if ( u3_none != out ) {
      bad_w++;
      u3z(out);
    }
  }
  //  and the whole thing, with trailing garbage, is accepted
  {
    c3_y* mor_y = malloc(len_w + 3);
    memcpy(mor_y, byt_y, len_w);
    mor_y[len_w] = 0xff; mor_y[len_w + 1] = 0; mor_y[len_w + 2] = 0x5a;
    u3_weak out = u3s_cue_bytes(len_w + 3, mor_y);
    T_OK(u3_none != out && _(u3r_sing(out, som)), "%s: trailing bits ignored", cap_c);
    if ( u3_none != out ) {
      u3z(out);
    }
    free(mor_y);
  }
  T_OK(0 == bad_w, "%s: %u truncations accepted", cap_c, bad_w);

  free(byt_y);
  free(cut_y);
  u3z(jam);
  u3z(som);
}

/* _t_malformed(): bad input gives u3_none and leaks nothing. */
static void
_t_malformed(void)
{
  //  empty
  T_EQ(u3s_cue_bytes(0, 0), u3_none);
  T_EQ(u3s_cue_atom(0), u3_none);
  {
    c3_y zer_y[16] = { 0 };
    T_EQ(u3s_cue_bytes(sizeof(zer_y), zer_y), u3_none);
  }

  //  truncation at every bit and byte
  {
    c3_w fast_w = _t_mote('f', 'a', 's', 't');
    _t_truncate(u3nc(1, 2), "[1 2]");
    _t_truncate(u3nt(fast_w, u3i_chub(1ULL << 63), fast_w), "[%fast 2^63 %fast]");
    u3_noun lis = 0;
    for ( c3_w i_w = 0; i_w < 200; i_w++ ) {
      lis = u3nc(u3nc(i_w % 7, u3i_chub((c3_d)i_w << 40)), lis);
    }
    _t_truncate(lis, "list");
    c3_y big_y[300];
    for ( c3_w i_w = 0; i_w < sizeof(big_y); i_w++ ) {
      big_y[i_w] = (c3_y)(i_w * 13 + 1);
    }
    u3_atom big = u3i_bytes(sizeof(big_y), big_y);
    _t_truncate(u3nq(u3k(big), 5, u3k(big), big), "big atoms");
  }
  t_clean();

  //  oversized length prefixes
  {
    c3_w zer_w[] = { 61, 63, 64, 65, 100, 300 };
    for ( c3_w i_w = 0; i_w < sizeof(zer_w) / sizeof(zer_w[0]); i_w++ ) {
      _t_bits bit_u = { 0 };
      _t_bit(&bit_u, 0);                       //  atom
      _t_bits_zeros(&bit_u, zer_w[i_w]);       //  length of the length
      _t_bit(&bit_u, 1);
      _t_bits_zeros(&bit_u, zer_w[i_w] - 1);   //  the length's low bits
      _t_bits_chub(&bit_u, 64, ~0ULL);         //  some data
      T_OK(_t_none(&bit_u), "mat claiming 2^%u bits", zer_w[i_w] - 1);
      free(bit_u.bit_y);
    }
    //  an atom longer than what follows, inside a cell: one bit longer
    //  (seen as an atom, whose length is exact), or a byte longer (seen
    //  as bytes, whose last byte may be padded with zeros)
    for ( c3_w len_w = 1; len_w < 200; len_w += 7 ) {
      for ( c3_w mor_w = 0; mor_w < 3; mor_w++ ) {
        _t_bits bit_u = { 0 };
        c3_w    cla_w = len_w + ((mor_w == 1) ? 1 : (mor_w == 2) ? 9 : 0);
        _t_bit(&bit_u, 1); _t_bit(&bit_u, 0);    //  cell
        _t_bit(&bit_u, 0); _t_mat_chub(&bit_u, 5);
        _t_bit(&bit_u, 0);
        c3_w c_w = c3_bits_word(cla_w);
        _t_bits_zeros(&bit_u, c_w);
        _t_bit(&bit_u, 1);
        _t_bits_chub(&bit_u, c_w - 1, cla_w);
        _t_bits_zeros(&bit_u, len_w - 1);
        _t_bit(&bit_u, 1);                       //  len_w bits follow

        if ( 0 == mor_w ) {
          u3_weak out = _t_bits_cue(&bit_u);
          T_OK(u3_none != out && _(u3du(out)) && 5 == u3h(out) &&
               u3r_met(0, u3t(out)) == len_w, "atom of exactly %u bits", len_w);
          if ( u3_none != out ) {
            u3z(out);
          }
        }
        else if ( 1 == mor_w ) {
          u3_atom a   = _t_bits_atom(&bit_u);
          u3_weak out = u3s_cue_atom(a);
          T_OK(u3_none == out, "atom claiming %u bits, %u follow", cla_w, len_w);
          if ( u3_none != out ) {
            u3z(out);
          }
          u3z(a);
        }
        else {
          T_OK(_t_none(&bit_u), "atom claiming %u bits, %u follow", cla_w, len_w);
        }
        free(bit_u.bit_y);
      }
    }
  }
  t_clean();

  //  references
  {
    _t_bits bit_u = { 0 };

    //  the root refers to itself
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 1); _t_mat_chub(&bit_u, 0);
    T_OK(_t_none(&bit_u), "root reference");

    //  a cell's head refers to the cell
    bit_u.len_d = 0;
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 0);
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 1); _t_mat_chub(&bit_u, 0);
    _t_bit(&bit_u, 0); _t_mat_chub(&bit_u, 3);
    T_OK(_t_none(&bit_u), "reference to the enclosing cell");

    //  a head refers forward to its tail, at bit 14: [^14 3]
    bit_u.len_d = 0;
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 0);
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 1); _t_mat_chub(&bit_u, 14);
    T_EQ(bit_u.len_d, 14);
    _t_bit(&bit_u, 0); _t_mat_chub(&bit_u, 3);
    T_OK(_t_none(&bit_u), "forward reference");

    //  out of range: [5 ^2^40], [5 ^2^70]
    bit_u.len_d = 0;
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 0);
    _t_bit(&bit_u, 0); _t_mat_chub(&bit_u, 5);
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 1); _t_mat_chub(&bit_u, 1ULL << 40);
    T_OK(_t_none(&bit_u), "reference past the input");
    bit_u.len_d = 0;
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 0);
    _t_bit(&bit_u, 0); _t_mat_chub(&bit_u, 5);
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 1);
    {
      c3_w wor_w[3] = { 0, 0, 64 };   //  2^70
      u3_atom big = u3i_words(3, wor_w);
      _t_mat(&bit_u, big);
      u3z(big);
    }
    T_OK(_t_none(&bit_u), "reference to bit 2^70");

    //  [1 ^3]: bit 3 is inside the atom 1 at bit 2; [1 ^2] is [1 1]
    bit_u.len_d = 0;
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 0);
    _t_bit(&bit_u, 0); _t_mat_chub(&bit_u, 1);
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 1); _t_mat_chub(&bit_u, 3);
    T_OK(_t_none(&bit_u), "reference into the middle of an atom");
    bit_u.len_d = 0;
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 0);
    _t_bit(&bit_u, 0); _t_mat_chub(&bit_u, 1);
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 1); _t_mat_chub(&bit_u, 2);
    {
      u3_weak out = _t_bits_cue(&bit_u);
      T_OK(u3_none != out && _(u3du(out)) && 1 == u3h(out) && 1 == u3t(out),
           "[1 ^2] is [1 1]");
      if ( u3_none != out ) {
        u3z(out);
      }
    }

    //  [[7 ^4] ^q] with q the inner reference: a reference to a reference;
    //  [[7 ^4] ^2] is [[7 7] 7 7]
    for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
      bit_u.len_d = 0;
      _t_bit(&bit_u, 1); _t_bit(&bit_u, 0);
      _t_bit(&bit_u, 1); _t_bit(&bit_u, 0);
      _t_bit(&bit_u, 0); _t_mat_chub(&bit_u, 7);
      c3_d ref_d = bit_u.len_d;
      _t_bit(&bit_u, 1); _t_bit(&bit_u, 1); _t_mat_chub(&bit_u, 4);
      _t_bit(&bit_u, 1); _t_bit(&bit_u, 1);
      _t_mat_chub(&bit_u, i_w ? 2 : ref_d);
      u3_weak out = _t_bits_cue(&bit_u);
      if ( 0 == i_w ) {
        T_OK(u3_none == out, "reference to a reference");
      }
      else {
        u3_noun exp = u3nc(u3nc(7, 7), u3nc(7, 7));
        T_OK(u3_none != out && _(u3r_sing(out, exp)), "[[7 ^4] ^2]");
        u3z(exp);
      }
      if ( u3_none != out ) {
        u3z(out);
      }
    }

    //  a cell with no tail, a lone cell tag, a lone 1 bit
    bit_u.len_d = 0;
    _t_bit(&bit_u, 1); _t_bit(&bit_u, 0);
    _t_bit(&bit_u, 0); _t_mat_chub(&bit_u, 9);
    T_OK(_t_none(&bit_u), "cell without a tail");
    bit_u.len_d = 0;
    _t_bit(&bit_u, 1);
    T_OK(_t_none(&bit_u), "a single 1 bit");

    free(bit_u.bit_y);
  }
  t_clean();

  //  random bytes: malformed or a noun that round-trips
  {
    c3_w god_w = 0;
    for ( c3_w i_w = 0; i_w < 10000; i_w++ ) {
      c3_y byt_y[64];
      c3_w len_w = (c3_w)_t_below(64) + 1;
      for ( c3_w j_w = 0; j_w < len_w; j_w++ ) {
        byt_y[j_w] = (c3_y)_t_rand();
      }
      //  bias toward cells so that some parse deeper
      if ( i_w & 1 ) {
        byt_y[0] |= 1;
      }
      u3_weak out = u3s_cue_bytes(len_w, byt_y);
      if ( u3_none != out ) {
        god_w++;
        _t_round_with(out, c3y, "random bytes");
        u3z(out);
      }
    }
    printf("random bytes: %u of 10000 parsed\n", god_w);
    T_OK(god_w > 0 && god_w < 10000, "random bytes: %u parsed", god_w);
  }
  t_clean();
}

/* _t_jam_soft(): jam on an inner road (for u3m_soft). */
static u3_noun
_t_jam_soft(u3_noun som)
{
  return u3s_jam(som);
}

/* _t_cue_soft(): cue on an inner road (for u3m_soft). */
static u3_noun
_t_cue_soft(u3_noun jam)
{
  u3_weak out = u3s_cue_atom(jam);
  return ( u3_none == out ) ? u3nc(1, 0) : u3nc(0, out);
}

/* _t_roads(): jam and cue of senior nouns on an inner road. */
static void
_t_roads(void)
{
  u3_noun som = u3nq(u3i_string("senior"), u3nc(1, 2), u3nc(1, 2),
                     u3i_chub(0xfedcba9876543210ULL));
  u3_atom jam = u3s_jam(som);
  u3_noun pro = u3m_soft(_t_jam_soft, som);
  T_OK(0 == u3h(pro) && _(u3r_sing(jam, u3t(pro))), "jam on an inner road");
  u3z(pro);
  pro = u3m_soft(_t_cue_soft, jam);
  T_OK(0 == u3h(pro) && 0 == u3h(u3t(pro)) && _(u3r_sing(som, u3t(u3t(pro)))),
       "cue on an inner road");
  u3z(pro);
  u3z(jam);
  u3z(som);
  t_clean();
}

/* _t_list(): a ten-million-element list, on a 2 GiB loom. */
static void
_t_list(void)
{
  c3_w    len_w = 10000000;
  u3_noun lis   = 0;

  for ( c3_w i_w = len_w; i_w > 0; i_w-- ) {
    lis = u3nc(i_w, lis);
  }
  c3_d met_d = _t_round(lis, "10M list");
  T_OK(met_d > (c3_d)len_w * 2, "10M list: %llu bits", (unsigned long long)met_d);
  u3z(lis);
  t_clean();
}

int
main(void)
{
  if ( 0 != u3m_init(28) ) {
    return t_skip("cannot map a 256 MiB loom");
  }
  u3m_pave();

  _t_vectors();
  _t_atoms();
  _t_cells();
  _t_dag();
  _t_random();
  _t_malformed();
  _t_roads();

  u3m_fini();

  if ( 0 != u3m_init(31) ) {
    return t_skip("cannot map a 2 GiB loom");
  }
  u3m_pave();
  _t_list();
  u3m_fini();

  return t_done();
}
