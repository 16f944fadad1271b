/// @file crc.c
/// CRC-32C, table-driven, eight bytes a step (slicing by eight).
/// The tables are built once, on first use; the polynomial is the
/// reflected Castagnoli polynomial 0x82f63b78.  On x86-64 processors
/// with SSE 4.2 the crc32 instruction computes the same function, several
/// times faster (a save checksums every page it writes): chosen at run
/// time, the tables stay the fallback.
#include <string.h>
#if defined(__x86_64__)
#  include <nmmintrin.h>
#endif

#include "c3/crc.h"

static c3_w _cc_tab_w[8][256];
static c3_t _cc_ready_t;

/* _cc_init(): build the eight tables. */
static void
_cc_init(void)
{
  for ( c3_w i_w = 0; i_w < 256; i_w++ ) {
    c3_w crc_w = i_w;
    for ( c3_w j_w = 0; j_w < 8; j_w++ ) {
      crc_w = (crc_w >> 1) ^ ((crc_w & 1) ? 0x82f63b78U : 0);
    }
    _cc_tab_w[0][i_w] = crc_w;
  }
  for ( c3_w i_w = 0; i_w < 256; i_w++ ) {
    c3_w crc_w = _cc_tab_w[0][i_w];
    for ( c3_w k_w = 1; k_w < 8; k_w++ ) {
      crc_w = (crc_w >> 8) ^ _cc_tab_w[0][crc_w & 0xff];
      _cc_tab_w[k_w][i_w] = crc_w;
    }
  }
  __atomic_store_n(&_cc_ready_t, 1, __ATOMIC_RELEASE);
}

#if defined(__x86_64__)
/* _cc_hard(): c3_crc32c by the SSE 4.2 crc32 instruction. */
__attribute__((target("sse4.2")))
static c3_w
_cc_hard(c3_w crc_w, const c3_y* buf_y, c3_z len_z)
{
  c3_d crc_d = (c3_w)~crc_w;

  while ( len_z >= 8 ) {
    c3_d wod_d;
    memcpy(&wod_d, buf_y, 8);
    crc_d = _mm_crc32_u64(crc_d, wod_d);
    buf_y += 8;
    len_z -= 8;
  }
  crc_w = (c3_w)crc_d;
  while ( len_z-- ) {
    crc_w = _mm_crc32_u8(crc_w, *buf_y++);
  }
  return ~crc_w;
}
#endif

c3_w
c3_crc32c(c3_w crc_w, const void* buf_v, c3_z len_z)
{
  const c3_y* buf_y = buf_v;

#if defined(__x86_64__)
  if ( __builtin_cpu_supports("sse4.2") ) {
    return _cc_hard(crc_w, buf_y, len_z);
  }
#endif
  if ( !__atomic_load_n(&_cc_ready_t, __ATOMIC_ACQUIRE) ) {
    _cc_init();
  }
  crc_w = ~crc_w;
  while ( len_z >= 8 ) {
    c3_d wod_d;
    memcpy(&wod_d, buf_y, 8);
    wod_d ^= crc_w;
    crc_w = _cc_tab_w[7][wod_d & 0xff]
          ^ _cc_tab_w[6][(wod_d >> 8) & 0xff]
          ^ _cc_tab_w[5][(wod_d >> 16) & 0xff]
          ^ _cc_tab_w[4][(wod_d >> 24) & 0xff]
          ^ _cc_tab_w[3][(wod_d >> 32) & 0xff]
          ^ _cc_tab_w[2][(wod_d >> 40) & 0xff]
          ^ _cc_tab_w[1][(wod_d >> 48) & 0xff]
          ^ _cc_tab_w[0][wod_d >> 56];
    buf_y += 8;
    len_z -= 8;
  }
  while ( len_z-- ) {
    crc_w = (crc_w >> 8) ^ _cc_tab_w[0][(crc_w ^ *buf_y++) & 0xff];
  }
  return ~crc_w;
}
