/// @file png.h
/// A minimal RGB canvas and PNG writer for the benchmarks' charts, with no
/// dependency beyond libc.
///
/// Design: the canvas is a malloc'd array of 8-bit RGB pixels; drawing
/// (filled rectangles, thick lines, circles, crosses, and text in a 5x7
/// bitmap font drawn here, scaled by an integer) clips to the canvas, so
/// no call can write outside it.  The writer emits a valid PNG without a
/// compressor: the image data is a zlib stream of "stored" deflate blocks
/// (at most 65,535 bytes each, one filter byte 0 in front of every row),
/// closed by its Adler-32; every chunk carries the CRC-32 of its type and
/// data.  Files are therefore about as large as the raw pixels (1.6 MiB
/// for 1200 x 450), which any browser opens.  Memory: the canvas plus one
/// row-sized buffer, nothing else.
///
/// Header-only static functions (prefix p_), like tests/harness.h.
#ifndef U3_BENCH_PNG_H
#define U3_BENCH_PNG_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c3/c3.h"

/* p_img: an RGB canvas. */
typedef struct {
  c3_w  wid_w;   //  width, pixels
  c3_w  hei_w;   //  height, pixels
  c3_y* pix_y;   //  wid_w * hei_w * 3 bytes, row-major
} p_img;

/* p_new(): a canvas filled with colour rgb_w (0xRRGGBB); 0 if out of
**   memory.
*/
static inline c3_t
p_new(p_img* img_u, c3_w wid_w, c3_w hei_w, c3_w rgb_w)
{
  img_u->wid_w = wid_w;
  img_u->hei_w = hei_w;
  img_u->pix_y = malloc((c3_z)wid_w * hei_w * 3);
  if ( !img_u->pix_y ) {
    return 0;
  }
  for ( c3_z i_z = 0; i_z < (c3_z)wid_w * hei_w; i_z++ ) {
    img_u->pix_y[3 * i_z]     = (c3_y)(rgb_w >> 16);
    img_u->pix_y[3 * i_z + 1] = (c3_y)(rgb_w >> 8);
    img_u->pix_y[3 * i_z + 2] = (c3_y)rgb_w;
  }
  return 1;
}

/* p_free(): release a canvas. */
static inline void
p_free(p_img* img_u)
{
  free(img_u->pix_y);
  img_u->pix_y = 0;
}

/* p_dot(): one pixel, clipped. */
static inline void
p_dot(p_img* img_u, c3_i x_i, c3_i y_i, c3_w rgb_w)
{
  if ( x_i < 0 || y_i < 0 || x_i >= (c3_i)img_u->wid_w
       || y_i >= (c3_i)img_u->hei_w )
  {
    return;
  }
  c3_y* pix_y = img_u->pix_y + 3 * ((c3_z)y_i * img_u->wid_w + (c3_w)x_i);
  pix_y[0] = (c3_y)(rgb_w >> 16);
  pix_y[1] = (c3_y)(rgb_w >> 8);
  pix_y[2] = (c3_y)rgb_w;
}

/* p_rect(): a filled rectangle [x, x + w) x [y, y + h), clipped. */
static inline void
p_rect(p_img* img_u, c3_i x_i, c3_i y_i, c3_i w_i, c3_i h_i, c3_w rgb_w)
{
  for ( c3_i j_i = y_i; j_i < y_i + h_i; j_i++ ) {
    for ( c3_i i_i = x_i; i_i < x_i + w_i; i_i++ ) {
      p_dot(img_u, i_i, j_i, rgb_w);
    }
  }
}

/* p_line(): a line of thickness thk_i (Bresenham, a square brush). */
static inline void
p_line(p_img* img_u, c3_i x0_i, c3_i y0_i, c3_i x1_i, c3_i y1_i, c3_i thk_i,
       c3_w rgb_w)
{
  c3_i dx_i = abs(x1_i - x0_i), sx_i = ( x0_i < x1_i ) ? 1 : -1;
  c3_i dy_i = -abs(y1_i - y0_i), sy_i = ( y0_i < y1_i ) ? 1 : -1;
  c3_i err_i = dx_i + dy_i;
  c3_i off_i = thk_i / 2;

  while ( 1 ) {
    p_rect(img_u, x0_i - off_i, y0_i - off_i, thk_i, thk_i, rgb_w);
    if ( x0_i == x1_i && y0_i == y1_i ) {
      break;
    }
    c3_i e2_i = 2 * err_i;
    if ( e2_i >= dy_i ) { err_i += dy_i; x0_i += sx_i; }
    if ( e2_i <= dx_i ) { err_i += dx_i; y0_i += sy_i; }
  }
}

/* p_dash(): a horizontal dashed line of thickness 1. */
static inline void
p_dash(p_img* img_u, c3_i x0_i, c3_i x1_i, c3_i y_i, c3_w rgb_w)
{
  for ( c3_i x_i = x0_i; x_i <= x1_i; x_i++ ) {
    if ( (x_i - x0_i) % 8 < 4 ) {
      p_dot(img_u, x_i, y_i, rgb_w);
    }
  }
}

/* p_disc(): a circle of radius r_i, filled, or a ring 2 pixels wide. */
static inline void
p_disc(p_img* img_u, c3_i x_i, c3_i y_i, c3_i r_i, c3_t fil_t, c3_w rgb_w)
{
  for ( c3_i j_i = -r_i; j_i <= r_i; j_i++ ) {
    for ( c3_i i_i = -r_i; i_i <= r_i; i_i++ ) {
      c3_i d_i = i_i * i_i + j_i * j_i;
      if ( d_i <= r_i * r_i && (fil_t || d_i >= (r_i - 2) * (r_i - 2)) ) {
        p_dot(img_u, x_i + i_i, y_i + j_i, rgb_w);
      }
    }
  }
  if ( !fil_t ) {
    p_disc(img_u, x_i, y_i, r_i - 2, 1, 0xffffff);
  }
}

/* p_cross(): an x-shaped mark of half-size r_i. */
static inline void
p_cross(p_img* img_u, c3_i x_i, c3_i y_i, c3_i r_i, c3_w rgb_w)
{
  p_line(img_u, x_i - r_i, y_i - r_i, x_i + r_i, y_i + r_i, 3, rgb_w);
  p_line(img_u, x_i - r_i, y_i + r_i, x_i + r_i, y_i - r_i, 3, rgb_w);
}

  /** Text: a 5x7 bitmap font, rows top to bottom, bit 4 the left column.
  **  Lower case, digits and a little punctuation; capitals are drawn as
  **  lower case, anything else as '?'.
  **/
static const c3_c _p_fon_c[] =
  " 0123456789abcdefghijklmnopqrstuvwxyz/.-(),:>=%*?";

static const c3_y _p_fon_y[][7] = {
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },   //  ' '
  { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e },   //  0
  { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e },   //  1
  { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f },   //  2
  { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e },   //  3
  { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 },   //  4
  { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e },   //  5
  { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e },   //  6
  { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 },   //  7
  { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e },   //  8
  { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c },   //  9
  { 0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f },   //  a
  { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1e },   //  b
  { 0x00, 0x00, 0x0e, 0x10, 0x10, 0x11, 0x0e },   //  c
  { 0x01, 0x01, 0x0d, 0x13, 0x11, 0x11, 0x0f },   //  d
  { 0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e },   //  e
  { 0x06, 0x09, 0x08, 0x1c, 0x08, 0x08, 0x08 },   //  f
  { 0x00, 0x0f, 0x11, 0x11, 0x0f, 0x01, 0x0e },   //  g
  { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11 },   //  h
  { 0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e },   //  i
  { 0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0c },   //  j
  { 0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12 },   //  k
  { 0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e },   //  l
  { 0x00, 0x00, 0x1a, 0x15, 0x15, 0x11, 0x11 },   //  m
  { 0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11 },   //  n
  { 0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e },   //  o
  { 0x00, 0x00, 0x1e, 0x11, 0x1e, 0x10, 0x10 },   //  p
  { 0x00, 0x00, 0x0d, 0x13, 0x0f, 0x01, 0x01 },   //  q
  { 0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10 },   //  r
  { 0x00, 0x00, 0x0e, 0x10, 0x0e, 0x01, 0x1e },   //  s
  { 0x08, 0x08, 0x1c, 0x08, 0x08, 0x09, 0x06 },   //  t
  { 0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d },   //  u
  { 0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04 },   //  v
  { 0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a },   //  w
  { 0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11 },   //  x
  { 0x00, 0x00, 0x11, 0x11, 0x0f, 0x01, 0x0e },   //  y
  { 0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f },   //  z
  { 0x01, 0x02, 0x02, 0x04, 0x08, 0x08, 0x10 },   //  /
  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c },   //  .
  { 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00 },   //  -
  { 0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02 },   //  (
  { 0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08 },   //  )
  { 0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08 },   //  ,
  { 0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00 },   //  :
  { 0x10, 0x08, 0x04, 0x02, 0x04, 0x08, 0x10 },   //  >
  { 0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00 },   //  =
  { 0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03 },   //  %
  { 0x00, 0x04, 0x15, 0x0e, 0x15, 0x04, 0x00 },   //  *
  { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04 },   //  ?
};

/* p_text_w(): the width in pixels of str_c at scale sca_i. */
static inline c3_i
p_text_w(const c3_c* str_c, c3_i sca_i)
{
  return (c3_i)strlen(str_c) * 6 * sca_i;
}

/* p_text(): draw str_c with its top left corner at (x, y), each font
**   pixel a sca_i x sca_i square.
*/
static inline void
p_text(p_img* img_u, c3_i x_i, c3_i y_i, c3_i sca_i, const c3_c* str_c,
       c3_w rgb_w)
{
  for ( ; *str_c; str_c++, x_i += 6 * sca_i ) {
    c3_c        c_c   = ( *str_c >= 'A' && *str_c <= 'Z' )
                        ? (c3_c)(*str_c - 'A' + 'a') : *str_c;
    const c3_c* hit_c = strchr(_p_fon_c, c_c);
    c3_z        gly_z = ( hit_c && c_c ) ? (c3_z)(hit_c - _p_fon_c)
                                         : sizeof(_p_fon_c) - 2;
    for ( c3_i r_i = 0; r_i < 7; r_i++ ) {
      for ( c3_i c_i = 0; c_i < 5; c_i++ ) {
        if ( _p_fon_y[gly_z][r_i] & (0x10 >> c_i) ) {
          p_rect(img_u, x_i + c_i * sca_i, y_i + r_i * sca_i, sca_i, sca_i,
                 rgb_w);
        }
      }
    }
  }
}

  /** Writing the PNG.
  **/

/* _p_crc(): update a CRC-32 (the PNG/zlib polynomial, reflected). */
static inline c3_w
_p_crc(c3_w crc_w, const c3_y* buf_y, c3_z len_z)
{
  crc_w = ~crc_w;
  for ( c3_z i_z = 0; i_z < len_z; i_z++ ) {
    crc_w ^= buf_y[i_z];
    for ( c3_i k_i = 0; k_i < 8; k_i++ ) {
      crc_w = ( crc_w & 1 ) ? (crc_w >> 1) ^ 0xedb88320u : crc_w >> 1;
    }
  }
  return ~crc_w;
}

/* _p_be(): a 32-bit big-endian number into buf_y. */
static inline void
_p_be(c3_y* buf_y, c3_w val_w)
{
  buf_y[0] = (c3_y)(val_w >> 24);
  buf_y[1] = (c3_y)(val_w >> 16);
  buf_y[2] = (c3_y)(val_w >> 8);
  buf_y[3] = (c3_y)val_w;
}

/* _p_chunk: a chunk being written: its CRC runs over type and data. */
typedef struct {
  FILE* fil_u;
  c3_w  crc_w;
} _p_chunk;

/* _p_open(): start a chunk of len_w data bytes and type typ_c. */
static inline void
_p_open(_p_chunk* chu_u, FILE* fil_u, c3_w len_w, const c3_c* typ_c)
{
  c3_y len_y[4];
  _p_be(len_y, len_w);
  fwrite(len_y, 1, 4, fil_u);
  fwrite(typ_c, 1, 4, fil_u);
  chu_u->fil_u = fil_u;
  chu_u->crc_w = _p_crc(0, (const c3_y*)typ_c, 4);
}

/* _p_put(): chunk data. */
static inline void
_p_put(_p_chunk* chu_u, const c3_y* buf_y, c3_z len_z)
{
  fwrite(buf_y, 1, len_z, chu_u->fil_u);
  chu_u->crc_w = _p_crc(chu_u->crc_w, buf_y, len_z);
}

/* _p_close(): end a chunk with its CRC. */
static inline void
_p_close(_p_chunk* chu_u)
{
  c3_y crc_y[4];
  _p_be(crc_y, chu_u->crc_w);
  fwrite(crc_y, 1, 4, chu_u->fil_u);
}

/* p_write(): the canvas as a PNG file at pat_c; 0, or errno after
**   reporting it with the prefix who_c.
*/
static inline c3_i
p_write(const p_img* img_u, const c3_c* pat_c, const c3_c* who_c)
{
  static const c3_y sig_y[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  c3_z     row_z = 1 + (c3_z)img_u->wid_w * 3;
  c3_z     raw_z = row_z * img_u->hei_w;
  c3_z     blk_z = ( raw_z + 65534 ) / 65535;
  c3_z     dat_z = 2 + raw_z + 5 * blk_z + 4;
  c3_w     ad1_w = 1, ad2_w = 0;
  _p_chunk chu_u;
  c3_y     hed_y[13];
  FILE*    fil_u;

  if ( dat_z > 0x7fffffffu ) {
    fprintf(stderr, "%s: png %s: image too large\n", who_c, pat_c);
    return EFBIG;
  }
  if ( !(fil_u = fopen(pat_c, "wb")) ) {
    c3_i err_i = errno;
    fprintf(stderr, "%s: open %s: %s\n", who_c, pat_c, strerror(err_i));
    return err_i;
  }
  fwrite(sig_y, 1, 8, fil_u);

  //  IHDR: size, 8 bits per sample, colour type 2 (RGB), no interlace
  //
  _p_be(hed_y, img_u->wid_w);
  _p_be(hed_y + 4, img_u->hei_w);
  hed_y[8] = 8; hed_y[9] = 2; hed_y[10] = 0; hed_y[11] = 0; hed_y[12] = 0;
  _p_open(&chu_u, fil_u, 13, "IHDR");
  _p_put(&chu_u, hed_y, 13);
  _p_close(&chu_u);

  //  IDAT: zlib header (deflate, 32 KiB window, no dictionary), the
  //  filtered rows in stored blocks, then the Adler-32 of the rows
  //
  _p_open(&chu_u, fil_u, (c3_w)dat_z, "IDAT");
  _p_put(&chu_u, (const c3_y[]){ 0x78, 0x01 }, 2);
  c3_z off_z = 0;   //  position in the raw (filtered) stream
  while ( off_z < raw_z ) {
    c3_z len_z = c3_min(raw_z - off_z, (c3_z)65535);
    c3_y blk_y[5] = { ( off_z + len_z == raw_z ) ? 1 : 0,
                      (c3_y)len_z, (c3_y)(len_z >> 8),
                      (c3_y)~len_z, (c3_y)(~len_z >> 8) };
    _p_put(&chu_u, blk_y, 5);
    for ( c3_z end_z = off_z + len_z; off_z < end_z; ) {
      c3_z row_w = off_z / row_z, col_z = off_z % row_z;
      c3_z run_z = c3_min(end_z - off_z, row_z - col_z);
      const c3_y* src_y = ( 0 == col_z )
                          ? (const c3_y*)"\0"
                          : img_u->pix_y + row_w * (row_z - 1) + col_z - 1;
      if ( 0 == col_z ) {
        run_z = 1;   //  the filter byte, then the row's pixels
      }
      _p_put(&chu_u, src_y, run_z);
      for ( c3_z i_z = 0; i_z < run_z; i_z++ ) {
        ad1_w = (ad1_w + src_y[i_z]) % 65521;
        ad2_w = (ad2_w + ad1_w) % 65521;
      }
      off_z += run_z;
    }
  }
  c3_y adl_y[4];
  _p_be(adl_y, (ad2_w << 16) | ad1_w);
  _p_put(&chu_u, adl_y, 4);
  _p_close(&chu_u);

  _p_open(&chu_u, fil_u, 0, "IEND");
  _p_close(&chu_u);

  if ( ferror(fil_u) | fclose(fil_u) ) {
    c3_i err_i = errno ? errno : EIO;
    fprintf(stderr, "%s: write %s: %s\n", who_c, pat_c, strerror(err_i));
    return err_i;
  }
  return 0;
}

#endif  //  U3_BENCH_PNG_H
