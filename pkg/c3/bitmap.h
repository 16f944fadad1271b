/// @file bitmap.h
/// Bitmaps of 64-bit words, bit i in word i / 64 at position i % 64: the
/// page bitmaps of the allocator (free pages) and of persistence (dirty
/// and lazy pages) are all this one shape.
#ifndef C3_BITMAP_H
#define C3_BITMAP_H

#include "c3/c3.h"

    /* c3_bit_get(): bit i_w of map_d, 0 or 1. */
    static inline c3_t
    c3_bit_get(const c3_d* map_d, c3_w i_w)
    {
      return (map_d[i_w >> 6] >> (i_w & 63)) & 1;
    }

    /* c3_bit_set(): set bit i_w of map_d. */
    static inline void
    c3_bit_set(c3_d* map_d, c3_w i_w)
    {
      map_d[i_w >> 6] |= 1ULL << (i_w & 63);
    }

    /* c3_bit_clear(): clear bit i_w of map_d. */
    static inline void
    c3_bit_clear(c3_d* map_d, c3_w i_w)
    {
      map_d[i_w >> 6] &= ~(1ULL << (i_w & 63));
    }

    /* c3_bits_put(): set (val_t 1) or clear the bits [lo_w, hi_w) of map_d. */
    static inline void
    c3_bits_put(c3_d* map_d, c3_w lo_w, c3_w hi_w, c3_t val_t)
    {
      while ( lo_w < hi_w ) {
        c3_w bit_w = lo_w & 63;
        c3_w num_w = c3_min(64 - bit_w, hi_w - lo_w);
        c3_d msk_d = ( 64 == num_w ) ? ~0ULL : (((1ULL << num_w) - 1) << bit_w);

        if ( val_t ) {
          map_d[lo_w >> 6] |= msk_d;
        }
        else {
          map_d[lo_w >> 6] &= ~msk_d;
        }
        lo_w += num_w;
      }
    }

    /* c3_bits_next(): the first bit in [lo_w, hi_w) equal to val_t, or hi_w. */
    static inline c3_w
    c3_bits_next(const c3_d* map_d, c3_w lo_w, c3_w hi_w, c3_t val_t)
    {
      c3_d inv_d = val_t ? 0 : ~0ULL;

      while ( lo_w < hi_w ) {
        c3_d wor_d = (map_d[lo_w >> 6] ^ inv_d) >> (lo_w & 63);
        if ( wor_d ) {
          lo_w += (c3_w)__builtin_ctzll(wor_d);
          return c3_min(lo_w, hi_w);
        }
        lo_w = (lo_w | 63) + 1;
      }
      return hi_w;
    }

    /* c3_bits_last(): the last set bit in [lo_w, hi_w), or hi_w if none. */
    static inline c3_w
    c3_bits_last(const c3_d* map_d, c3_w lo_w, c3_w hi_w)
    {
      c3_w end_w = hi_w;

      while ( end_w > lo_w ) {
        c3_w top_w = end_w - 1;
        c3_d wor_d = map_d[top_w >> 6] << (63 - (top_w & 63));
        if ( wor_d ) {
          c3_w bit_w = top_w - (c3_w)__builtin_clzll(wor_d);
          return ( bit_w >= lo_w ) ? bit_w : hi_w;
        }
        end_w = top_w & ~63U;
      }
      return hi_w;
    }

#endif  //  C3_BITMAP_H
