/// @file c3.h
/// Portability layer: fixed-width types, loobeans, assertions, bit helpers.
#ifndef C3_H
#define C3_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

  /** Fixed-width types, named by vere's suffix scheme.
  **/
    typedef uint8_t  c3_y;  //  byte
    typedef int8_t   c3_ys;
    typedef uint16_t c3_s;  //  16-bit
    typedef int16_t  c3_ss;
    typedef uint32_t c3_w;  //  32-bit word
    typedef int32_t  c3_ws;
    typedef uint64_t c3_d;  //  64-bit
    typedef int64_t  c3_ds;
    typedef size_t   c3_z;  //  size
    typedef int      c3_i;  //  int
    typedef char     c3_c;  //  char or string
    typedef uint8_t  c3_t;  //  plain boolean (0 or 1)

  /** Loobeans: yes is 0, no is 1, as in vere.
  **/
    typedef c3_y c3_o;
#   define c3y  ((c3_o)0)
#   define c3n  ((c3_o)1)
#   define _(x) (c3y == (x))
#   define c3a(x, y) ((_(x) && _(y)) ? c3y : c3n)
#   define c3o(x, y) ((_(x) || _(y)) ? c3y : c3n)
#   define __(x) ((x) ? c3y : c3n)

  /** Motes: short names packed little-endian into a word, as vere spells them.
  **/
#   define c3_s1(a)          ((c3_w)(a))
#   define c3_s2(a, b)       (((c3_w)(b) << 8) | c3_s1(a))
#   define c3_s3(a, b, c)    (((c3_w)(c) << 16) | c3_s2(a, b))
#   define c3_s4(a, b, c, d) (((c3_w)(d) << 24) | c3_s3(a, b, c))
#   define c3__exit  c3_s4('e', 'x', 'i', 't')
#   define c3__meme  c3_s4('m', 'e', 'm', 'e')
#   define c3__fail  c3_s4('f', 'a', 'i', 'l')
#   define c3__intr  c3_s4('i', 'n', 't', 'r')
#   define c3__foul  c3_s4('f', 'o', 'u', 'l')
#   define c3__oops  c3_s4('o', 'o', 'p', 's')
#   define c3__full  c3_s4('f', 'u', 'l', 'l')
#   define c3__disk  c3_s4('d', 'i', 's', 'k')

  /** Assertions: for invariants of our own code only, never for bad input.
  **/
#   define c3_assert(x)                                                    \
      do {                                                                 \
        if ( !(x) ) {                                                      \
          fprintf(stderr, "assertion failed: %s at %s:%d\n",         \
                  #x, __FILE__, __LINE__);                                 \
          abort();                                                         \
        }                                                                  \
      } while ( 0 )

#   define c3_likely(x)   __builtin_expect(!!(x), 1)
#   define c3_unlikely(x) __builtin_expect(!!(x), 0)

  /** Bit helpers.
  **/
    /* c3_bits_word(): number of significant bits in a word (0 for 0). */
    static inline c3_w
    c3_bits_word(c3_w w)
    {
      return w ? 32 - (c3_w)__builtin_clz(w) : 0;
    }

    /* c3_bits_chub(): number of significant bits in a 64-bit value. */
    static inline c3_w
    c3_bits_chub(c3_d d)
    {
      return d ? 64 - (c3_w)__builtin_clzll(d) : 0;
    }

#   define c3_min(a, b) (((a) < (b)) ? (a) : (b))
#   define c3_max(a, b) (((a) > (b)) ? (a) : (b))
#   define c3_wiseof(x) ((sizeof(x) + 3) >> 2)

    /* c3_rop(): x divided by y, rounded up. */
#   define c3_rop(x, y) (((x) + (y) - 1) / (y))

#endif  //  C3_H
