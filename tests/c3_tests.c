/// @file c3_tests.c
/// Tests of the portability layer (pkg/c3/c3.h): loobeans, bit counts,
/// rounding division and motes; plus the smallest loom round trip (map,
/// pave, a few nouns, leak check, unmap), the refusal of loom sizes
/// outside [u3a_bits_min, u3a_bits_max] and of a loom address already
/// mapped.  CRC-32C (c3/crc.h) against
/// its check value and a bit-at-a-time reference.

#include <sys/mman.h>

#include "c3/crc.h"
#include "c3/portable.h"
#include "noun/noun.h"
#include "test.h"

/* _t_crc_bits(): CRC-32C one bit at a time, the reference. */
static c3_w
_t_crc_bits(c3_w crc_w, const c3_y* buf_y, c3_z len_z)
{
  crc_w = ~crc_w;
  for ( c3_z i_z = 0; i_z < len_z; i_z++ ) {
    crc_w ^= buf_y[i_z];
    for ( c3_w j_w = 0; j_w < 8; j_w++ ) {
      crc_w = (crc_w >> 1) ^ ((crc_w & 1) ? 0x82f63b78U : 0);
    }
  }
  return ~crc_w;
}

/* _test_crc(): the check value, every length and alignment up to 64
**   bytes and a page against the reference, and a sum continued in parts.
*/
static void
_test_crc(void)
{
  static c3_y buf_y[16384 + 8];
  c3_w        bad_w = 0;

  T_EQ(c3_crc32c(0, "123456789", 9), 0xe3069283);
  T_EQ(c3_crc32c(0, "", 0), 0);
  for ( c3_z i_z = 0; i_z < sizeof(buf_y); i_z++ ) {
    buf_y[i_z] = (c3_y)((i_z * 2654435761U) >> 13);
  }
  for ( c3_z off_z = 0; off_z < 8; off_z++ ) {
    for ( c3_z len_z = 0; len_z <= 64; len_z++ ) {
      bad_w += ( c3_crc32c(7, buf_y + off_z, len_z)
                 != _t_crc_bits(7, buf_y + off_z, len_z) );
    }
  }
  T_EQ(bad_w, 0);
  c3_w all_w = c3_crc32c(0, buf_y + 3, 16384);
  T_EQ(all_w, _t_crc_bits(0, buf_y + 3, 16384));
  T_EQ(c3_crc32c(c3_crc32c(0, buf_y + 3, 4099), buf_y + 3 + 4099, 12285),
       all_w);
}

/* _test_loobeans(): yes is 0, no is 1, and the combinators agree. */
static void
_test_loobeans(void)
{
  T_EQ(c3y, 0);
  T_EQ(c3n, 1);
  T_OK(_(c3y), "_(c3y)");
  T_OK(!_(c3n), "!_(c3n)");
  T_EQ(__(1), c3y);
  T_EQ(__(0), c3n);
  T_EQ(__(42), c3y);

  T_EQ(c3a(c3y, c3y), c3y);
  T_EQ(c3a(c3y, c3n), c3n);
  T_EQ(c3a(c3n, c3y), c3n);
  T_EQ(c3a(c3n, c3n), c3n);

  T_EQ(c3o(c3y, c3y), c3y);
  T_EQ(c3o(c3y, c3n), c3y);
  T_EQ(c3o(c3n, c3y), c3y);
  T_EQ(c3o(c3n, c3n), c3n);
}

/* _test_bits(): significant-bit counts at 0, 1, powers of two, all-ones. */
static void
_test_bits(void)
{
  T_EQ(c3_bits_word(0), 0);
  T_EQ(c3_bits_word(1), 1);
  T_EQ(c3_bits_word(2), 2);
  T_EQ(c3_bits_word(3), 2);
  T_EQ(c3_bits_word(0x80), 8);
  T_EQ(c3_bits_word(0x7fffffff), 31);
  T_EQ(c3_bits_word(0x80000000), 32);
  T_EQ(c3_bits_word(0xffffffff), 32);

  for ( c3_w i_w = 0; i_w < 32; i_w++ ) {
    T_EQ(c3_bits_word((c3_w)1 << i_w), i_w + 1);
  }

  T_EQ(c3_bits_chub(0), 0);
  T_EQ(c3_bits_chub(1), 1);
  T_EQ(c3_bits_chub(0xffffffffULL), 32);
  T_EQ(c3_bits_chub(0x100000000ULL), 33);
  T_EQ(c3_bits_chub(0xffffffffffffffffULL), 64);

  for ( c3_w i_w = 0; i_w < 64; i_w++ ) {
    T_EQ(c3_bits_chub((c3_d)1 << i_w), i_w + 1);
  }
}

/* _test_arith(): rounding-up division, min/max, word counts. */
static void
_test_arith(void)
{
  T_EQ(c3_rop(0, 4), 0);
  T_EQ(c3_rop(1, 4), 1);
  T_EQ(c3_rop(4, 4), 1);
  T_EQ(c3_rop(5, 4), 2);
  T_EQ(c3_rop(16384, 16384), 1);
  T_EQ(c3_rop(16385, 16384), 2);
  T_EQ(c3_rop((c3_d)1 << 40, 1 << 14), (c3_d)1 << 26);

  T_EQ(c3_min(3, 7), 3);
  T_EQ(c3_max(3, 7), 7);

  T_EQ(c3_wiseof(c3_y), 1);
  T_EQ(c3_wiseof(c3_w), 1);
  T_EQ(c3_wiseof(c3_d), 2);
  T_EQ(c3_wiseof(u3a_cell), 4);
}

/* _test_motes(): motes are their letters packed little-endian. */
static void
_test_motes(void)
{
  const c3_c* mem_c = "meme";
  c3_w        mem_w = 0;

  for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
    mem_w |= (c3_w)(c3_y)mem_c[i_w] << (8 * i_w);
  }
  T_EQ(c3__meme, mem_w);
  T_EQ(c3__meme, 0x656d656d);
  T_EQ(c3__exit & 0xff, 'e');
  T_EQ(c3__exit >> 24, 't');
  T_EQ(c3_s2('o', 'k'), 0x6b6f);
  T_OK(c3__exit != c3__meme, "motes differ");
  T_OK(c3__fail != c3__foul, "motes differ");
}

/* _test_sizes(): the fixed-width types are the widths their names say. */
static void
_test_sizes(void)
{
  T_EQ(sizeof(c3_y), 1);
  T_EQ(sizeof(c3_s), 2);
  T_EQ(sizeof(c3_w), 4);
  T_EQ(sizeof(c3_d), 8);
  T_EQ(sizeof(u3_noun), 4);
  T_EQ(sizeof(u3a_cell), 16);
}

/* _test_bad_loom(): sizes outside the supported range are refused. */
static void
_test_bad_loom(void)
{
  fprintf(stderr, "(two loom-size errors expected next)\n");
  T_OK(-1 == u3m_init(23), "u3m_init(23) refused");
  T_OK(-1 == u3m_init(35), "u3m_init(35) refused");
}

static c3_c _test_said_c[1024];

/* _test_said(): a log sink that keeps the last message. */
static void
_test_said(const c3_c* msg_c)
{
  snprintf(_test_said_c, sizeof(_test_said_c), "%s", msg_c);
}

/* _test_taken(): the loom's address already mapped: refused, saying so. */
static void
_test_taken(void)
{
  void* ptr_v = mmap(u3a_loom_base, 1 << 20, PROT_READ,
                     MAP_PRIVATE | MAP_ANONYMOUS | c3_map_noreplace, -1, 0);
  u3l_sink_f old_f;

  if ( ptr_v != (void*)u3a_loom_base ) {
    T_OK(0, "cannot map the loom's address for the test");
    return;
  }
  old_f = u3l_sink(_test_said);
  _test_said_c[0] = 0;
  T_OK(-1 == u3m_init(24), "u3m_init over a mapping refused");
  u3l_sink(old_f);
  T_OK(0 != strstr(_test_said_c, "already mapped"),
       "the refusal says the address is taken: %s", _test_said_c);
  munmap(ptr_v, 1 << 20);
}

/* _test_loom(): map the smallest loom, make and drop a few nouns, leak
**   check, unmap.
*/
static void
_test_loom(void)
{
  c3_i ret_i = u3m_init(24);

  if ( !T_EQ(ret_i, 0) ) {
    return;
  }
  u3m_pave();

  u3_noun cat = u3i_word(42);
  u3_noun dog = u3i_chub(0x123456789abcdefULL);
  u3_noun mem = u3i_string("meme");
  u3_noun cel = u3nc(u3k(dog), u3nt(cat, mem, 0));

  T_OK(_(u3a_is_cat(cat)), "42 is direct");
  T_OK(_(u3a_is_pug(dog)), "a 57-bit atom is indirect");
  T_EQ(mem, c3__meme);
  T_OK(_(u3du(cel)), "cell");
  T_OK(!_(u3ud(cel)), "a cell is not an atom");
  T_EQ(u3a_use(dog), 2);
  T_EQ(u3a_use(cel), 1);
  T_EQ(u3r_chub(0, u3h(cel)), 0x123456789abcdefULL);
  T_EQ(u3r_met(3, dog), 8);

  //  cel holds one reference to dog, the test the other
  t_leak(cel, dog);

  u3z(dog);
  T_EQ(u3a_use(u3h(cel)), 1);
  u3z(cel);

  t_clean();
  u3m_fini();
}

int
main(void)
{
  _test_loobeans();
  _test_bits();
  _test_arith();
  _test_motes();
  _test_sizes();
  _test_bad_loom();
  _test_taken();
  _test_loom();
  _test_crc();
  return t_done();
}
