/// @file imprison.h
/// u3i: noun constructors.  Results are new references owned by the caller.
#ifndef U3_IMPRISON_H
#define U3_IMPRISON_H

#include "noun/allocate.h"

    /* u3i_word(): an atom from one word. */
    u3_atom
    u3i_word(c3_w dat_w);

    /* u3i_chub(): an atom from a 64-bit value. */
    u3_atom
    u3i_chub(c3_d dat_d);

    /* u3i_words(): an atom from len_w little-endian words. */
    u3_atom
    u3i_words(c3_w len_w, const c3_w* buf_w);

    /* u3i_chubs(): an atom from len_w little-endian 64-bit values. */
    u3_atom
    u3i_chubs(c3_w len_w, const c3_d* buf_d);

    /* u3i_bytes(): an atom from len_w little-endian bytes. */
    u3_atom
    u3i_bytes(c3_w len_w, const c3_y* buf_y);

    /* u3i_string(): an atom from a C string (cord). */
    u3_atom
    u3i_string(const c3_c* str_c);

    /* u3i_cell(): the cell [hed tel]; transfers both. */
    u3_noun
    u3i_cell(u3_noun hed, u3_noun tel);

    /* u3i_trel(), u3i_qual(): [a b c], [a b c d]; transfer all. */
    u3_noun
    u3i_trel(u3_noun a, u3_noun b, u3_noun c);
    u3_noun
    u3i_qual(u3_noun a, u3_noun b, u3_noun c, u3_noun d);

#   define u3nc(a, b)       u3i_cell(a, b)
#   define u3nt(a, b, c)    u3i_trel(a, b, c)
#   define u3nq(a, b, c, d) u3i_qual(a, b, c, d)

    /* u3i_slab: an atom under construction, filled in place. */
    typedef struct {
      c3_w* box_w;     //  the allocation (0 while it fits in buf_w)
      c3_w* buf_w;     //  the words being written
      c3_w  len_w;     //  capacity in words
    } u3i_slab;

    /* u3i_slab_init(): begin an atom of len_w words, zeroed. */
    void
    u3i_slab_init(u3i_slab* sab_u, c3_w len_w);

    /* u3i_slab_mint(): finish the atom (trims, may return a direct atom). */
    u3_atom
    u3i_slab_mint(u3i_slab* sab_u);

    /* u3i_slab_free(): abandon the slab. */
    void
    u3i_slab_free(u3i_slab* sab_u);

#endif  //  U3_IMPRISON_H
