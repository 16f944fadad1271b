/// @file retrieve.c
/// u3r: readers, mug and equality.  All noun arguments are retained.
///
/// A mug is vere's (and Hoon's ++mug): MurmurHash3 (x86, 32-bit) of an
/// atom's significant bytes, little-endian (none for 0), seed 0xcafebabe;
/// for a cell, of the atom (head's mug) + (tail's mug << 32), that is of
/// its 5 to 8 significant bytes, seed 0xdeadbeef.  The hash is folded to
/// 31 bits, (h >> 31) ^ (h & 0x7fffffff); a fold that gives 0 is retried
/// with the next seed, up to 8 seeds, then 0x7fff (atom) or 0xfffe (cell).
/// So a mug is never 0, and 0 marks "not yet computed" in an object's mug
/// slot.  Mugs of cells are computed with an explicit stack on the road.
///
/// Equality unifies, as vere's does: when u3r_sing finds that the heads
/// (or tails) of two cells it compares are equal but distinct copies, it
/// may point both references at one copy and drop the other, so that
/// later comparisons are pointer-equal and the dropped copy's memory goes
/// back to the heap.  Rules (_cr_sing_wed): only a reference held in a
/// cell on the current road is rewritten, and only to a noun on the
/// current road or a senior one, so a senior reference never points into
/// a junior road; the kept copy gains a reference and the dropped one
/// loses one, on the current road only (senior refcounts are never
/// touched), so every refcount stays exact; two senior copies are left
/// alone.  Nouns, mugs and answers are unchanged: only sharing grows.
/// u3r_sing therefore writes to the loom: never call it on nouns in a
/// read-only mapping.
#include <string.h>

#include "noun/retrieve.h"
#include "noun/manage.h"

u3_noun
u3h(u3_noun som)
{
  if ( c3n == u3a_is_pom(som) ) {
    u3m_bail(c3__exit);
  }
  return ((u3a_cell*)(void*)u3a_to_ptr(som))->hed;
}

u3_noun
u3t(u3_noun som)
{
  if ( c3n == u3a_is_pom(som) ) {
    u3m_bail(c3__exit);
  }
  return ((u3a_cell*)(void*)u3a_to_ptr(som))->tel;
}

c3_o
u3r_cell(u3_noun som, u3_noun* hed, u3_noun* tel)
{
  if ( c3n == u3a_is_pom(som) ) {
    return c3n;
  }
  u3a_cell* cel_u = (u3a_cell*)(void*)u3a_to_ptr(som);
  if ( hed ) *hed = cel_u->hed;
  if ( tel ) *tel = cel_u->tel;
  return c3y;
}

c3_o
u3r_trel(u3_noun som, u3_noun* a, u3_noun* b, u3_noun* c)
{
  u3_noun tel;
  if ( c3n == u3r_cell(som, a, &tel) ) {
    return c3n;
  }
  return u3r_cell(tel, b, c);
}

c3_o
u3r_qual(u3_noun som, u3_noun* a, u3_noun* b, u3_noun* c, u3_noun* d)
{
  u3_noun tel;
  if ( c3n == u3r_cell(som, a, &tel) ) {
    return c3n;
  }
  return u3r_trel(tel, b, c, d);
}

/* _cr_words(): an atom's words and length (direct atoms use *tmp_w). */
static inline const c3_w*
_cr_words(u3_atom a, c3_w* len_w, c3_w* tmp_w)
{
  if ( _(u3a_is_cat(a)) ) {
    *tmp_w = a;
    *len_w = a ? 1 : 0;
    return tmp_w;
  }
  if ( c3n == u3a_is_pug(a) ) {
    u3m_bail(c3__exit);
  }
  u3a_atom* pug_u = (u3a_atom*)(void*)u3a_to_ptr(a);
  *len_w = pug_u->len_w;
  return pug_u->buf_w;
}

/* _cr_bits(): significant bits of atom a. */
static c3_d
_cr_bits(u3_atom a)
{
  c3_w tmp_w, len_w;
  const c3_w* buf_w = _cr_words(a, &len_w, &tmp_w);
  if ( !len_w ) {
    return 0;
  }
  return ((c3_d)(len_w - 1) << 5) + c3_bits_word(buf_w[len_w - 1]);
}

c3_w
u3r_met(c3_y bloq_y, u3_atom a)
{
  c3_d bit_d = _cr_bits(a);
  if ( bloq_y >= 63 ) {
    return bit_d ? 1 : 0;
  }
  c3_d siz_d = 1ULL << bloq_y;
  return (c3_w)((bit_d + siz_d - 1) >> bloq_y);
}

c3_w
u3r_word(c3_w wid_w, u3_atom a)
{
  c3_w tmp_w, len_w;
  const c3_w* buf_w = _cr_words(a, &len_w, &tmp_w);
  return ( wid_w < len_w ) ? buf_w[wid_w] : 0;
}

c3_d
u3r_chub(c3_w cid_w, u3_atom a)
{
  c3_d lo_d = u3r_word(2 * cid_w, a);
  c3_d hi_d = u3r_word(2 * cid_w + 1, a);
  return lo_d | (hi_d << 32);
}

c3_y
u3r_byte(c3_w byt_w, u3_atom a)
{
  return (c3_y)(u3r_word(byt_w >> 2, a) >> (8 * (byt_w & 3)));
}

void
u3r_bytes(c3_w a_w, c3_w len_w, c3_y* buf_y, u3_atom a)
{
  c3_w tmp_w, wor_w;
  const c3_w* buf_w = _cr_words(a, &wor_w, &tmp_w);
  c3_d byt_d = (c3_d)wor_w << 2;
  c3_d sat_d = a_w;

  if ( sat_d >= byt_d ) {
    memset(buf_y, 0, len_w);
    return;
  }
  c3_d hav_d = c3_min((c3_d)len_w, byt_d - sat_d);
  memcpy(buf_y, (const c3_y*)buf_w + sat_d, hav_d);
  memset(buf_y + hav_d, 0, len_w - hav_d);
}

void
u3r_words(c3_w a_w, c3_w len_w, c3_w* buf_w, u3_atom a)
{
  for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
    buf_w[i_w] = u3r_word(a_w + i_w, a);
  }
}

c3_y
u3r_bit(c3_d b_d, u3_atom a)
{
  if ( (b_d >> 5) > 0xffffffffULL ) {
    return 0;
  }
  return (c3_y)((u3r_word((c3_w)(b_d >> 5), a) >> (b_d & 31)) & 1);
}

  /** Mug.
  **/
/* _cr_murmur3(): MurmurHash3, x86, 32-bit. */
static c3_w
_cr_murmur3(const c3_y* buf_y, c3_w len_w, c3_w syd_w)
{
  const c3_w c1_w = 0xcc9e2d51;
  const c3_w c2_w = 0x1b873593;
  c3_w has_w = syd_w;
  c3_w blk_w = len_w >> 2;

  for ( c3_w i_w = 0; i_w < blk_w; i_w++ ) {
    c3_w k_w;
    memcpy(&k_w, buf_y + (i_w << 2), 4);
    k_w *= c1_w;
    k_w  = (k_w << 15) | (k_w >> 17);
    k_w *= c2_w;
    has_w ^= k_w;
    has_w  = (has_w << 13) | (has_w >> 19);
    has_w  = has_w * 5 + 0xe6546b64;
  }

  const c3_y* tal_y = buf_y + (blk_w << 2);
  c3_w k_w = 0;
  switch ( len_w & 3 ) {
    case 3: k_w ^= (c3_w)tal_y[2] << 16;  // fall through
    case 2: k_w ^= (c3_w)tal_y[1] << 8;   // fall through
    case 1: k_w ^= tal_y[0];
            k_w *= c1_w;
            k_w  = (k_w << 15) | (k_w >> 17);
            k_w *= c2_w;
            has_w ^= k_w;
  }

  has_w ^= len_w;
  has_w ^= has_w >> 16;
  has_w *= 0x85ebca6b;
  has_w ^= has_w >> 13;
  has_w *= 0xc2b2ae35;
  has_w ^= has_w >> 16;
  return has_w;
}

/* _cr_mug_fold(): hash with seed syd_w, folded to 31 nonzero bits; after
**   eight seeds that all fold to 0, fal_w.
*/
static c3_w
_cr_mug_fold(const c3_y* buf_y, c3_w len_w, c3_w syd_w, c3_w fal_w)
{
  for ( c3_w i_w = 0; i_w < 8; i_w++ ) {
    c3_w has_w = _cr_murmur3(buf_y, len_w, syd_w + i_w);
    c3_w ham_w = (has_w >> 31) ^ (has_w & 0x7fffffff);
    if ( ham_w ) {
      return ham_w;
    }
  }
  return fal_w;
}

c3_w
u3r_mug_bytes(const c3_y* buf_y, c3_w len_w)
{
  return _cr_mug_fold(buf_y, len_w, 0xcafebabe, 0x7fff);
}

/* u3r_mug_both(): the cell's mug hashes the atom lef_w + (rit_w << 32),
**   as Hoon's mug does: its significant bytes only, so 4 bytes of lef_w
**   and 1 to 4 of rit_w (a mug is never 0).
*/
c3_w
u3r_mug_both(c3_w lef_w, c3_w rit_w)
{
  c3_y buf_y[8];
  c3_w len_w = 4 + ((c3_bits_word(rit_w) + 7) >> 3);
  for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
    buf_y[i_w]     = (c3_y)(lef_w >> (8 * i_w));
    buf_y[4 + i_w] = (c3_y)(rit_w >> (8 * i_w));
  }
  return _cr_mug_fold(buf_y, len_w, 0xdeadbeef, 0xfffe);
}

/* _cr_mug_atom(): mug of an atom, cached for indirect ones. */
static c3_w
_cr_mug_atom(u3_atom a)
{
  if ( _(u3a_is_cat(a)) ) {
    c3_y buf_y[4];
    c3_w len_w = (c3_bits_word(a) + 7) >> 3;
    for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
      buf_y[i_w] = (c3_y)(a >> (8 * i_w));
    }
    return u3r_mug_bytes(buf_y, len_w);
  }
  u3a_atom* pug_u = (u3a_atom*)(void*)u3a_to_ptr(a);
  if ( !pug_u->mug_w ) {
    c3_w len_w = (c3_w)((_cr_bits(a) + 7) >> 3);
    pug_u->mug_w = u3r_mug_bytes((const c3_y*)pug_u->buf_w, len_w);
  }
  return pug_u->mug_w;
}

/* _cr_mug_quick(): the mug if it needs no descent, else 0. */
static inline c3_w
_cr_mug_quick(u3_noun som)
{
  if ( c3n == u3a_is_pom(som) ) {
    return _cr_mug_atom(som);
  }
  return ((u3a_cell*)(void*)u3a_to_ptr(som))->mug_w;
}

typedef struct {
  u3_noun cel;
  c3_w    lef_w;   //  mug of the head, 0 until known
} _cr_mug_frame;

c3_w
u3r_mug(u3_noun som)
{
  c3_w mug_w = _cr_mug_quick(som);
  if ( mug_w ) {
    return mug_w;
  }

  c3_w* bas_w = u3R->cap_w;
  c3_w  fam_w = c3_wiseof(_cr_mug_frame);
  c3_w  res_w = 0;
  _cr_mug_frame* fam_u = u3a_push(fam_w);
  fam_u->cel   = som;
  fam_u->lef_w = 0;

  while ( 1 ) {
    fam_u = u3a_peek(fam_w);
    u3a_cell* cel_u = (u3a_cell*)(void*)u3a_to_ptr(fam_u->cel);
    c3_w lef_w = fam_u->lef_w;
    c3_w rit_w = 0;

    if ( res_w ) {
      if ( !lef_w ) {
        lef_w = fam_u->lef_w = res_w;
      }
      else {
        rit_w = res_w;
      }
      res_w = 0;
    }
    if ( !lef_w ) {
      if ( !(lef_w = _cr_mug_quick(cel_u->hed)) ) {
        _cr_mug_frame* kid_u = u3a_push(fam_w);
        kid_u->cel   = cel_u->hed;
        kid_u->lef_w = 0;
        continue;
      }
      fam_u->lef_w = lef_w;
    }
    if ( !rit_w ) {
      if ( !(rit_w = _cr_mug_quick(cel_u->tel)) ) {
        _cr_mug_frame* kid_u = u3a_push(fam_w);
        kid_u->cel   = cel_u->tel;
        kid_u->lef_w = 0;
        continue;
      }
    }
    mug_w = u3r_mug_both(lef_w, rit_w);
    cel_u->mug_w = mug_w;
    u3a_pop(fam_w);
    if ( u3R->cap_w == bas_w ) {
      return mug_w;
    }
    res_w = mug_w;
  }
}

  /** Equality.
  **/
/* _cr_sing_pug(): 1 if indirect atoms a and b are equal. */
static c3_t
_cr_sing_pug(u3_atom a, u3_atom b)
{
  u3a_atom* a_u = (u3a_atom*)(void*)u3a_to_ptr(a);
  u3a_atom* b_u = (u3a_atom*)(void*)u3a_to_ptr(b);

  if ( a_u->len_w != b_u->len_w ) {
    return 0;
  }
  if ( a_u->mug_w && b_u->mug_w && (a_u->mug_w != b_u->mug_w) ) {
    return 0;
  }
  return 0 == memcmp(a_u->buf_w, b_u->buf_w, (c3_z)a_u->len_w << 2);
}

/* A memo of cell pairs proven equal during one u3r_sing, so that shared
** structure (a DAG with exponentially many paths) is compared once.  The
** generation number forgets every entry at the next call: between calls,
** freed objects may be reused for other nouns.  Entries may be lost to
** collisions, which costs time, never a wrong answer.
*/
#define _cr_memo_bits 12
typedef struct {
  u3_noun a, b;
  c3_w    gen_w;
} _cr_memo;
static _cr_memo _cr_memo_u[1 << _cr_memo_bits];
static c3_w     _cr_memo_gen_w;

static inline c3_w
_cr_memo_slot(u3_noun a, u3_noun b)
{
  return ((a * 0x9e3779b1U) ^ (b * 0x85ebca77U)) >> (32 - _cr_memo_bits);
}

typedef struct {
  u3_noun a, b;     //  two cells being compared
  c3_w    tel_w;    //  0: comparing heads; 1: comparing tails
} _cr_sing_frame;

/* _cr_sing_wed(): unify the equal references *a_p (held in cell a_u) and
**   *b_p (held in cell b_u), if the rules at the top of this file allow.
*/
static void
_cr_sing_wed(u3a_cell* a_u, u3_noun* a_p, u3a_cell* b_u, u3_noun* b_p)
{
  u3_noun a = *a_p, b = *b_p;

  if ( a == b ) {
    return;
  }
  //  equal and distinct: both are indirect atoms or both cells
  //
  c3_t asr_t = !_(u3a_on_road(u3a_to_ptr(a)));
  c3_t bsr_t = !_(u3a_on_road(u3a_to_ptr(b)));
  c3_t kep_t;   //  1: keep a, drop b; 0: keep b, drop a

  if ( asr_t && bsr_t ) {
    return;
  }
  else if ( asr_t || bsr_t ) {
    kep_t = asr_t;
  }
  else {
    //  both on this road: keep the more shared one, so that the dropped
    //  copy is likelier to be freed
    //
    kep_t = ( u3a_use(a) >= u3a_use(b) );
  }

  if ( kep_t ) {
    if ( !_(u3a_on_road(b_u)) ) {
      return;
    }
    *b_p = u3k(a);
    u3z(b);
  }
  else {
    if ( !_(u3a_on_road(a_u)) ) {
      return;
    }
    *a_p = u3k(b);
    u3z(a);
  }
}

c3_o
u3r_sing(u3_noun a, u3_noun b)
{
  c3_w* bas_w = u3R->cap_w;
  c3_w  fam_w = c3_wiseof(_cr_sing_frame);

  if ( 0 == ++_cr_memo_gen_w ) {
    memset(_cr_memo_u, 0, sizeof(_cr_memo_u));
    _cr_memo_gen_w = 1;
  }

  while ( 1 ) {
    c3_t eq_t;

    //  compare a with b, descending into cells
    //
    if ( a == b ) {
      eq_t = 1;
    }
    else if ( c3n == u3a_is_dog(a) || c3n == u3a_is_dog(b) || ((a ^ b) >> 30) ) {
      //  a direct atom, or an atom against a cell
      eq_t = 0;
    }
    else if ( _(u3a_is_pug(a)) ) {
      eq_t = _cr_sing_pug(a, b);
    }
    else {
      u3a_cell* a_u = (u3a_cell*)(void*)u3a_to_ptr(a);
      u3a_cell* b_u = (u3a_cell*)(void*)u3a_to_ptr(b);
      _cr_memo* mem_u = &_cr_memo_u[_cr_memo_slot(a, b)];

      if ( a_u->mug_w && b_u->mug_w && (a_u->mug_w != b_u->mug_w) ) {
        eq_t = 0;
      }
      else if ( mem_u->gen_w == _cr_memo_gen_w && mem_u->a == a && mem_u->b == b ) {
        eq_t = 1;
      }
      else {
        _cr_sing_frame* fam_u = u3a_push(fam_w);
        fam_u->a = a;
        fam_u->b = b;
        fam_u->tel_w = 0;
        a = a_u->hed;
        b = b_u->hed;
        continue;
      }
    }

    if ( !eq_t ) {
      u3R->cap_w = bas_w;
      return c3n;
    }

    //  equal: finish the cells whose halves are done, then go on with the
    //  next tail
    //
    while ( 1 ) {
      if ( u3R->cap_w == bas_w ) {
        return c3y;
      }
      _cr_sing_frame* fam_u = u3a_peek(fam_w);
      u3a_cell*       a_u   = (u3a_cell*)(void*)u3a_to_ptr(fam_u->a);
      u3a_cell*       b_u   = (u3a_cell*)(void*)u3a_to_ptr(fam_u->b);
      if ( 0 == fam_u->tel_w ) {
        _cr_sing_wed(a_u, &a_u->hed, b_u, &b_u->hed);
        fam_u->tel_w = 1;
        a = a_u->tel;
        b = b_u->tel;
        break;
      }
      _cr_sing_wed(a_u, &a_u->tel, b_u, &b_u->tel);
      _cr_memo* mem_u = &_cr_memo_u[_cr_memo_slot(fam_u->a, fam_u->b)];
      mem_u->a = fam_u->a;
      mem_u->b = fam_u->b;
      mem_u->gen_w = _cr_memo_gen_w;
      u3a_pop(fam_w);
    }
  }
}

c3_w
u3r_lent(u3_noun som)
{
  c3_w len_w = 0;
  while ( _(u3a_is_pom(som)) ) {
    len_w++;
    som = ((u3a_cell*)(void*)u3a_to_ptr(som))->tel;
  }
  if ( som ) {
    u3m_bail(c3__exit);
  }
  return len_w;
}
