/// @file serial.h
/// u3s: jam and cue, vere's bit format for serializing nouns.
#ifndef U3_SERIAL_H
#define U3_SERIAL_H

#include "noun/allocate.h"

  /** The format, bits read from the least significant end:
  ***
  ***   0  mat(a)     an atom a
  ***   1 0  h t      a cell [h t], head then tail
  ***   1 1  mat(p)   a copy of the noun that began at bit p
  ***
  ***   mat(0) is a single 1 bit.  mat(a), a nonzero with b significant
  ***   bits and b having c significant bits, is c zero bits, a 1 bit,
  ***   the low c-1 bits of b, then the b bits of a.
  ***
  ***   jam writes the first occurrence of each distinct noun in full and
  ***   a reference for every later one, except an atom no longer than the
  ***   position it would refer to, which it writes again.  The output is
  ***   the same, bit for bit, as vere's.
  **/

    /* u3s_jam(): jam a (retained) into an atom (a new reference).
    */
    u3_atom
    u3s_jam(u3_noun a);

    /* u3s_jam_bytes(): jam a (retained) into a buffer from malloc, which
    **   the caller frees; returns its length in bytes (never 0).  The work
    **   is done on the loom; only the finished bytes are malloc'd.  Bails
    **   meme if malloc fails.
    */
    c3_z
    u3s_jam_bytes(u3_noun a, c3_y** byt_y);

    /* u3s_cue_bytes(): decode the jam in byt_y[0, len_z), or u3_none if it
    **   is malformed.  Bits after the first complete noun are ignored, as
    **   vere does.  Never bails on bad input (only meme, when the loom is
    **   full), and leaves nothing allocated when it returns u3_none.
    */
    u3_weak
    u3s_cue_bytes(c3_z len_z, const c3_y* byt_y);

    /* u3s_cue_atom(): decode the jam in atom a (retained), or u3_none.
    **   The input is the atom's significant bits: a jam cut short at any
    **   bit is malformed, not read as if padded with zeros.
    */
    u3_weak
    u3s_cue_atom(u3_atom a);

    /* u3s_cue(): decode the jam in atom a (retained); bails exit if it is
    **   malformed.
    */
    u3_noun
    u3s_cue(u3_atom a);

#endif  //  U3_SERIAL_H
