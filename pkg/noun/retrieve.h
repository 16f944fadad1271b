/// @file retrieve.h
/// u3r: readers, mug, equality.  Readers retain their noun arguments.
#ifndef U3_RETRIEVE_H
#define U3_RETRIEVE_H

#include "noun/allocate.h"

    /* u3h(), u3t(): head and tail of a cell; bail exit on an atom. */
    u3_noun
    u3h(u3_noun som);
    u3_noun
    u3t(u3_noun som);

    /* u3r_cell(): c3y and head/tail if som is a cell. */
    c3_o
    u3r_cell(u3_noun som, u3_noun* hed, u3_noun* tel);

    /* u3r_trel(), u3r_qual(): unpack [a b c], [a b c d]. */
    c3_o
    u3r_trel(u3_noun som, u3_noun* a, u3_noun* b, u3_noun* c);
    c3_o
    u3r_qual(u3_noun som, u3_noun* a, u3_noun* b, u3_noun* c, u3_noun* d);

    /* u3r_met(): size of atom a in blocks of 2^bloq_y bits. */
    c3_w
    u3r_met(c3_y bloq_y, u3_atom a);

    /* u3r_word(): word wid_w of atom a (0 beyond its end). */
    c3_w
    u3r_word(c3_w wid_w, u3_atom a);

    /* u3r_chub(): 64-bit word cid_w of atom a. */
    c3_d
    u3r_chub(c3_w cid_w, u3_atom a);

    /* u3r_byte(): byte bit_w of atom a. */
    c3_y
    u3r_byte(c3_w byt_w, u3_atom a);

    /* u3r_bytes(): copy len_w bytes of a from byte a_w into buf_y. */
    void
    u3r_bytes(c3_w a_w, c3_w len_w, c3_y* buf_y, u3_atom a);

    /* u3r_words(): copy len_w words of a from word a_w into buf_w. */
    void
    u3r_words(c3_w a_w, c3_w len_w, c3_w* buf_w, u3_atom a);

    /* u3r_bit(): bit b_d of atom a. */
    c3_y
    u3r_bit(c3_d b_d, u3_atom a);

    /* u3r_mug_bytes(): the 31-bit nonzero mug of a byte string. */
    c3_w
    u3r_mug_bytes(const c3_y* buf_y, c3_w len_w);

    /* u3r_mug_both(): the mug of a cell whose children mug to a and b. */
    c3_w
    u3r_mug_both(c3_w lef_w, c3_w rit_w);

    /* u3r_mug(): the 31-bit nonzero mug of a noun, cached in the object. */
    c3_w
    u3r_mug(u3_noun som);

    /* u3r_sing(): c3y if a and b are the same noun (structural equality,
    **   iterative; cached mugs that differ cut the comparison short).
    **   Unifies: equal copies found inside a and b may come to share one
    **   copy (refcounts exact, never a senior reference into a junior
    **   road; see retrieve.c).  So it writes to the loom, and a noun
    **   borrowed from inside a or b without a reference of its own may be
    **   freed by it.
    */
    c3_o
    u3r_sing(u3_noun a, u3_noun b);

    /* u3r_lent(): length of a list (bails exit on a non-list). */
    c3_w
    u3r_lent(u3_noun som);

#endif  //  U3_RETRIEVE_H
