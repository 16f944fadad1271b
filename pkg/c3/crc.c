/// @file crc.c
/// CRC-32C, table-driven, eight bytes a step (slicing by eight).
/// The tables are built once, on first use; the polynomial is the
/// reflected Castagnoli polynomial 0x82f63b78.
#include <string.h>

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

c3_w
c3_crc32c(c3_w crc_w, const void* buf_v, c3_z len_z)
{
  const c3_y* buf_y = buf_v;

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
