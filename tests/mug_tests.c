/// @file mug_tests.c
/// Mugs equal vere's and Hoon's ++mug: fixed values for atoms and cells
/// (vere's values, and values computed independently and cross-checked),
/// cells whose tail mug has 1, 2 or 3 significant bytes, and agreement
/// with a reference mug written here from the definition, over many
/// random nouns; and an image from before (format version 1) is refused.
///
/// The definition: an atom's mug is MurmurHash3_x86_32 of its significant
/// bytes, little-endian, seed 0xcafebabe; a cell's, of the atom
/// lef + (rit << 32) for its children's mugs lef and rit, seed 0xdeadbeef;
/// each folded (h >> 31) ^ (h & 0x7fffffff), retried with seed + 1 while
/// 0, up to 8 seeds.
#include "test.h"

  /** A reference, written from the definition, byte by byte.
  **/
/* _t_rotl(): rotate left. */
static c3_w
_t_rotl(c3_w x_w, c3_w r_w)
{
  return (x_w << r_w) | (x_w >> (32 - r_w));
}

/* _t_murmur(): MurmurHash3_x86_32 of len_w bytes. */
static c3_w
_t_murmur(const c3_y* byt_y, c3_w len_w, c3_w syd_w)
{
  c3_w h_w = syd_w;
  c3_w k_w = 0;

  for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
    k_w |= (c3_w)byt_y[i_w] << (8 * (i_w & 3));
    if ( 3 == (i_w & 3) || i_w + 1 == len_w ) {
      k_w *= 0xcc9e2d51;
      k_w  = _t_rotl(k_w, 15);
      k_w *= 0x1b873593;
      h_w ^= k_w;
      if ( 3 == (i_w & 3) ) {
        h_w = _t_rotl(h_w, 13) * 5 + 0xe6546b64;
      }
      k_w = 0;
    }
  }
  h_w ^= len_w;
  h_w ^= h_w >> 16;
  h_w *= 0x85ebca6b;
  h_w ^= h_w >> 13;
  h_w *= 0xc2b2ae35;
  h_w ^= h_w >> 16;
  return h_w;
}

/* _t_mum(): the folded, retried hash of an atom's len_w significant bytes. */
static c3_w
_t_mum(const c3_y* byt_y, c3_w len_w, c3_w syd_w, c3_w fal_w)
{
  for ( c3_w i_w = 0; i_w < 8; i_w++ ) {
    c3_w h_w = _t_murmur(byt_y, len_w, syd_w + i_w);
    c3_w m_w = (h_w >> 31) ^ (h_w & 0x7fffffff);
    if ( m_w ) {
      return m_w;
    }
  }
  return fal_w;
}

/* _t_ref_atom(): the reference mug of atom a. */
static c3_w
_t_ref_atom(u3_atom a)
{
  c3_w  len_w = u3r_met(3, a);
  c3_y* byt_y = malloc(len_w + 1);
  u3r_bytes(0, len_w, byt_y, a);
  c3_w  mug_w = _t_mum(byt_y, len_w, 0xcafebabe, 0x7fff);
  free(byt_y);
  return mug_w;
}

/* _t_ref_both(): the reference mug of a cell with children's mugs l, r. */
static c3_w
_t_ref_both(c3_w lef_w, c3_w rit_w)
{
  c3_d cat_d = (c3_d)lef_w | ((c3_d)rit_w << 32);
  c3_y byt_y[8];
  c3_w len_w = 0;

  while ( cat_d ) {
    byt_y[len_w++] = (c3_y)cat_d;
    cat_d >>= 8;
  }
  return _t_mum(byt_y, len_w, 0xdeadbeef, 0xfffe);
}

/* _t_ref(): the reference mug of som (recursive: small nouns only). */
static c3_w
_t_ref(u3_noun som)
{
  if ( c3y == u3a_is_cell(som) ) {
    return _t_ref_both(_t_ref(u3h(som)), _t_ref(u3t(som)));
  }
  return _t_ref_atom(som);
}

/* _t_muk(): Hoon's ++muk: the hash of the low len_w bytes of atom a. */
static c3_w
_t_muk(c3_w syd_w, c3_w len_w, u3_atom a)
{
  c3_y* byt_y = malloc(len_w + 1);
  u3r_bytes(0, len_w, byt_y, a);
  c3_w  has_w = _t_murmur(byt_y, len_w, syd_w);
  free(byt_y);
  return has_w;
}

/* _t_xes(): the atom of n bytes 'x'. */
static u3_atom
_t_xes(c3_w n_w)
{
  c3_c str_c[64];
  memset(str_c, 'x', n_w);
  str_c[n_w] = 0;
  return u3i_string(str_c);
}

/* _t_ones(): the atom 2^bit_w - 1. */
static u3_atom
_t_ones(c3_w bit_w)
{
  c3_w wor_w[8] = { 0 };
  for ( c3_w i_w = 0; i_w < bit_w; i_w++ ) {
    wor_w[i_w >> 5] |= 1U << (i_w & 31);
  }
  return u3i_words(8, wor_w);
}

/* _t_reference(): the reference gives Hoon's ++muk and ++mug vectors. */
static void
_t_reference(void)
{
  u3_atom hel = u3i_string("Hello, world!");
  u3_atom xes = _t_xes(28);
  u3_atom one = _t_ones(128);

  T_EQ(_t_muk(1234, 13, hel), 0xfaf6cdb3);
  T_EQ(_t_muk(4321, 13, hel), 0xbf505788);
  T_EQ(_t_muk(1234, 0, 0), 0x0f2cc00b);
  T_EQ(_t_muk(1234, 28, xes), 0x8905ac28);
  T_EQ(_t_muk(0xcafebabe, 16, one), 0x566f7173);
  T_EQ(_t_ref(hel), 0x4d441035);
  T_EQ(_t_ref(0), 0x79ff04e8);

  u3z(hel);
  u3z(xes);
  u3z(one);
  t_clean();
}

/* _t_atoms(): atom mugs against fixed values, direct and indirect. */
static void
_t_atoms(void)
{
  struct { const c3_c* str_c; c3_w mug_w; } str_u[] = {
    //  vere's values
    { "Hello, world!", 0x4d441035 },
    { "xxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0x64dfda5c },
    //  computed independently
    { "a", 0x36b6f52a },
    { "abc", 0x778e0887 },
    { "foobar", 0x71459f59 },
  };
  for ( c3_w i_w = 0; i_w < sizeof(str_u) / sizeof(str_u[0]); i_w++ ) {
    u3_atom a = u3i_string(str_u[i_w].str_c);
    c3_w m_w = u3r_mug(a);
    T_OK(m_w == str_u[i_w].mug_w, "mug '%s': %x, want %x",
         str_u[i_w].str_c, m_w, str_u[i_w].mug_w);
    T_EQ(_t_ref(a), str_u[i_w].mug_w);
    u3z(a);
  }

  struct { c3_d a_d; c3_w mug_w; } num_u[] = {
    { 0, 0x79ff04e8 },                    //  vere's values
    { 1, 0x715c2a60 },
    { 2, 0x718b9468 },                    //  computed independently
    { 17, 0x003c7f5d },                   //  mugs of 3, 2 and 1 bytes
    { 127217, 0x00007a02 },
    { 3801568, 0x000000d1 },
    { 0x7fffffffULL, 0x389ca03a },        //  largest direct atom
    { 0x80000000ULL, 0x402fa61d },        //  smallest indirect atom
    { 0x100000000ULL, 0x1de7cf81 },
    { 0xfeedfacecafebeefULL, 0x459ba317 },
    { 0xffffffffffffffffULL, 0x695c8310 },
  };
  for ( c3_w i_w = 0; i_w < sizeof(num_u) / sizeof(num_u[0]); i_w++ ) {
    u3_atom a = u3i_chub(num_u[i_w].a_d);
    c3_w m_w = u3r_mug(a);
    T_OK(m_w == num_u[i_w].mug_w, "mug %llx: %x, want %x",
         (unsigned long long)num_u[i_w].a_d, m_w, num_u[i_w].mug_w);
    T_EQ(_t_ref(a), num_u[i_w].mug_w);
    u3z(a);
  }

  //  multi-word: 2^64, and the 40 bytes 1, 2, ... 40
  {
    c3_d big_d[2] = { 0, 1 };
    u3_atom a = u3i_chubs(2, big_d);
    T_EQ(u3r_mug(a), 0x26a7107f);
    u3z(a);

    c3_y byt_y[40];
    for ( c3_w i_w = 0; i_w < 40; i_w++ ) {
      byt_y[i_w] = (c3_y)(i_w + 1);
    }
    a = u3i_bytes(40, byt_y);
    T_EQ(u3r_mug(a), 0x6625e668);
    T_EQ(((u3a_atom*)(void*)u3a_to_ptr(a))->mug_w, 0x6625e668);  //  cached
    T_EQ(u3r_mug_bytes(byt_y, 40), 0x6625e668);
    u3z(a);
  }
  t_clean();
}

/* _t_cells(): cell mugs against fixed values, and u3r_mug_both. */
static void
_t_cells(void)
{
  struct { const c3_c* cap_c; u3_noun som; c3_w mug_w; } cel_u[] = {
    //  vere's values
    { "[0 0]", u3nc(0, 0), 0x192f5588 },
    { "[1 1]", u3nc(1, 1), 0x6b32ec46 },
    { "[2 2]", u3nc(2, 2), 0x02effe10 },
    { "[1 2 3]", u3nt(1, 2, 3), 0x3a811aec },
    { "[0 2^32]", u3nc(0, u3i_chub(0x100000000ULL)), 0x07cefb7f },
    { "[2^128-1 1]", u3nc(_t_ones(128), 1), 0x2aa06bfc },
    //  computed independently: the tail's mug has 3, 2, 1 bytes
    { "[1 17]", u3nc(1, 17), 0x6eb1267d },
    { "[1 127217]", u3nc(1, 127217), 0x772d8a74 },
    { "[1 3801568]", u3nc(1, 3801568), 0x096959d8 },
    { "[17 1]", u3nc(17, 1), 0x365ecceb },
    { "[3801568 3801568]", u3nc(3801568, 3801568), 0x19d0125a },
    //  a tail cell whose own mug (0xb5a33) has 3 bytes
    { "[[1 2] 0 142]", u3nc(u3nc(1, 2), u3nc(0, 142)), 0x33225c7c },
    { "[[1 2] [0 142] 0 142]",
      u3nc(u3nc(1, 2), u3nc(u3nc(0, 142), u3nc(0, 142))), 0x78a0a7b7 },
  };
  for ( c3_w i_w = 0; i_w < sizeof(cel_u) / sizeof(cel_u[0]); i_w++ ) {
    u3_noun som = cel_u[i_w].som;
    c3_w    m_w = u3r_mug(som);
    T_OK(m_w == cel_u[i_w].mug_w, "mug %s: %x, want %x",
         cel_u[i_w].cap_c, m_w, cel_u[i_w].mug_w);
    T_EQ(((u3a_cell*)(void*)u3a_to_ptr(som))->mug_w, cel_u[i_w].mug_w);
    T_EQ(_t_ref(som), cel_u[i_w].mug_w);
    u3z(som);
  }

  u3_noun zoh = u3nc(0, 142);
  T_EQ(u3r_mug(zoh), 0x000b5a33);
  u3z(zoh);
  T_EQ(u3r_mug_both(0x715c2a60, 0x003c7f5d), 0x6eb1267d);
  T_EQ(u3r_mug_both(0x715c2a60, 0x00007a02), 0x772d8a74);
  T_EQ(u3r_mug_both(0x715c2a60, 0x000000d1), 0x096959d8);
  t_clean();
}

  /** Random nouns against the reference.
  **/
static c3_d _t_seed_d = 0x6d75676d75676d75ULL;

/* _t_rand(): the next 64 random bits (splitmix64). */
static c3_d
_t_rand(void)
{
  return t_splitmix(&_t_seed_d);
}

/* _t_rand_noun(): a random noun of at most dep_w levels. */
static u3_noun
_t_rand_noun(c3_w dep_w)
{
  c3_d r_d = _t_rand();
  if ( dep_w && (r_d & 1) ) {
    u3_noun hed = _t_rand_noun(dep_w - 1);
    return u3nc(hed, _t_rand_noun(dep_w - 1));
  }
  switch ( (r_d >> 1) & 3 ) {
    case 0:  return (u3_noun)((r_d >> 8) & 0xff);
    case 1:  return (u3_noun)((r_d >> 8) & 0x7fffffff);
    case 2:  return u3i_chub(r_d >> (8 + ((r_d >> 3) & 31)));
    default: {
      c3_d two_d[2] = { _t_rand(), _t_rand() >> ((r_d >> 8) & 63) };
      return u3i_chubs(2, two_d);
    }
  }
}

/* _t_random(): u3r_mug and u3r_mug_both equal the reference. */
static void
_t_random(void)
{
  c3_w bad_w = 0;
  for ( c3_w i_w = 0; i_w < 20000; i_w++ ) {
    u3_noun som = _t_rand_noun(4);
    c3_w    m_w = u3r_mug(som);
    c3_w    r_w = _t_ref(som);
    if ( m_w != r_w && bad_w++ < 5 ) {
      T_OK(0, "random noun %u: mug %x, reference %x", i_w, m_w, r_w);
    }
    u3z(som);
  }
  T_EQ(bad_w, 0);

  //  every tail width, from mugs of 1 to 31 bits
  bad_w = 0;
  for ( c3_w i_w = 0; i_w < 31 * 256; i_w++ ) {
    c3_w lef_w = (c3_w)_t_rand() & 0x7fffffff;
    c3_w rit_w = ((c3_w)_t_rand() & ((1U << (i_w % 31 + 1)) - 1)) | 1;
    bad_w += u3r_mug_both(lef_w, rit_w) != _t_ref_both(lef_w, rit_w);
  }
  T_EQ(bad_w, 0);
  t_clean();
}

/* _t_image_version(): an image whose cached cell mugs were made before
**   mugs equalled vere's (format version 1) is refused as another format.
*/
static void
_t_image_version(void)
{
  u3m_home hom_u = *u3H;
  c3_w     nor_w = u3a_page_of(u3H->rod_u.hat_w);
  c3_o     ref_o;

  T_OK(u3m_home_version >= 2, "format version %u", u3m_home_version);
  hom_u.sum_w = u3m_header_sum(&hom_u);
  T_OK(_(u3m_header_check(&hom_u, 26, nor_w, &ref_o)), "current header");

  hom_u.ver_w = 1;
  hom_u.sum_w = u3m_header_sum(&hom_u);
  fprintf(stderr, "mug_tests: expect a format version message:\n");
  T_OK(c3n == u3m_header_check(&hom_u, 26, nor_w, &ref_o), "version 1");
  T_EQ(ref_o, c3y);

  //  version 2 kept no state mug: its checksum covers the fields before
  //  mug_w, whatever lies there, and it is read, not refused
  hom_u.ver_w = 2;
  hom_u.mug_w = 0x1234;
  hom_u.sum_w = u3m_header_sum(&hom_u);
  hom_u.mug_w = 0x5678;
  T_OK(_(u3m_header_check(&hom_u, 26, nor_w, &ref_o)), "version 2 read");

  //  version 3 covers the kept mug: a changed one is damage
  hom_u.ver_w = 3;
  hom_u.sum_w = u3m_header_sum(&hom_u);
  hom_u.mug_w = 0x1234;
  T_OK(c3n == u3m_header_check(&hom_u, 26, nor_w, &ref_o), "version 3 mug covered");
  T_EQ(ref_o, c3n);

  hom_u.ver_w = u3m_home_version + 1;
  hom_u.sum_w = u3m_header_sum(&hom_u);
  T_OK(c3n == u3m_header_check(&hom_u, 26, nor_w, &ref_o), "a newer version");
  T_EQ(ref_o, c3y);
}

int
main(void)
{
  if ( u3m_init(26) ) {
    return t_skip("cannot map a 64 MiB loom");
  }
  u3m_pave();
  _t_reference();
  _t_atoms();
  _t_cells();
  _t_random();
  _t_image_version();
  t_clean();
  u3m_fini();
  return t_done();
}
