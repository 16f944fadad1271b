/// @file serial.c
/// u3s: jam and cue, vere's bit format for nouns (see serial.h).
///
/// Both directions walk nouns with explicit stacks on the loom's road
/// stack, never C recursion, so any depth works.  All their working
/// memory (the output bits, the tables) lives in loom allocations from
/// u3a_walloc, sized in proportion to the input and freed on every path;
/// a bail (meme, when the loom is full) abandons them with the road.
///
/// jam knows each distinct value by the position where it was first
/// written, and finds repeated cells by the positions of their parts
/// (see "jam" below), so it never compares nouns deeply and runs in time
/// linear in the objects it meets, however they are shared.  It only
/// reads its input: no refcount changes, no unification.
///
/// cue keeps the nouns it has decoded by bit position.  A noun becomes
/// visible there only when complete, so a reference to a later position
/// or to an enclosing cell finds nothing and the input is rejected; a
/// reference never refers to another reference, as vere's jam never
/// writes one.  The list holds no references: every noun in it is owned
/// by the cell under construction above it, whose pending heads sit on
/// the stack, so freeing those heads frees everything on failure.
///
/// Input is read as a bit string of exactly its length (8 bits a byte;
/// an atom's significant bits): reading past the end is malformed, never
/// zero padding, so any truncation of a jam is rejected.  Every jam is
/// accepted, as a jam ends in a 1 bit.  Bits after the first complete
/// noun are ignored, as in vere.
#include "noun/serial.h"

#include <string.h>

#include "noun/noun.h"

#if !defined(__BYTE_ORDER__) || (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
#  error "serial.c reads atoms' words as little-endian bytes"
#endif

  /** Open-addressing tables of nouns, for jam.
  ***
  ***   A slot is empty when som is u3_none.  Slots live in one loom
  ***   allocation after its 2-word header, which keeps the allocation's
  ***   word 0 nonzero.  Linear probing; the load stays below 3/4.
  **/
    typedef struct {
      c3_d    key_d;    //  canonical position of som
      u3_noun som;      //  an atom, or a shared cell (no reference held)
      c3_w    has_w;    //  hash of som (see _cs_jam_hash)
    } _cs_slot;

    typedef struct {
      c3_w*     box_w;  //  the allocation
      _cs_slot* sot_u;  //  cap_d slots
      c3_d      cap_d;  //  a power of 2
      c3_d      len_d;  //  slots in use
    } _cs_table;

#   define _cs_table_min 32
    //  u3a_walloc takes a word count: slots beyond this do not fit
#   define _cs_table_max (((c3_d)UINT32_MAX - 2) / c3_wiseof(_cs_slot))

/* _cs_mix(): scramble a hash into a slot index.
*/
static inline c3_d
_cs_mix(c3_d x_d)
{
  x_d ^= x_d >> 33;
  x_d *= 0xff51afd7ed558ccdULL;
  x_d ^= x_d >> 33;
  x_d *= 0xc4ceb9fe1a85ec53ULL;
  x_d ^= x_d >> 33;
  return x_d;
}

/* _cs_spot(): the home slot of hash has_d in a table of cap_d slots (a
**   power of 2): its top bits, so that doubling a table keeps its slots
**   in order and the move to the new table is a sequential pass rather
**   than a cache miss per slot.
*/
static inline c3_d
_cs_spot(c3_d has_d, c3_d cap_d)
{
  return ( cap_d < 2 ) ? 0 : (has_d >> (64 - __builtin_ctzll(cap_d)));
}

/* _cs_table_make(): an empty table of cap_d slots (a power of 2).
*/
static void
_cs_table_make(_cs_table* tab_u, c3_d cap_d)
{
  if ( cap_d > _cs_table_max ) {
    u3m_bail(c3__meme);
  }
  tab_u->box_w = u3a_walloc((c3_w)(2 + cap_d * c3_wiseof(_cs_slot)));
  tab_u->sot_u = (_cs_slot*)(void*)(tab_u->box_w + 2);
  tab_u->cap_d = cap_d;
  tab_u->len_d = 0;
  memset(tab_u->sot_u, 0xff, cap_d * sizeof(_cs_slot));
}

/* _cs_table_free(): release the table's memory (not its nouns).
*/
static void
_cs_table_free(_cs_table* tab_u)
{
  u3a_wfree(tab_u->box_w);
  tab_u->box_w = 0;
  tab_u->sot_u = 0;
}

/* _cs_table_grow(): double the table, moving every slot.
*/
static void
_cs_table_grow(_cs_table* tab_u)
{
  _cs_table new_u;
  c3_d      i_d;

  _cs_table_make(&new_u, tab_u->cap_d << 1);
  for ( i_d = 0; i_d < tab_u->cap_d; i_d++ ) {
    _cs_slot* old_u = &tab_u->sot_u[i_d];

    if ( u3_none != old_u->som ) {
      c3_d msk_d = new_u.cap_d - 1;
      c3_d j_d   = _cs_spot(_cs_mix(old_u->has_w), new_u.cap_d);

      while ( u3_none != new_u.sot_u[j_d].som ) {
        j_d = (j_d + 1) & msk_d;
      }
      new_u.sot_u[j_d] = *old_u;
    }
  }
  new_u.len_d = tab_u->len_d;
  _cs_table_free(tab_u);
  *tab_u = new_u;
}

/* _cs_table_full(): c3y if one more slot would pass the load limit.
*/
static inline c3_o
_cs_table_full(const _cs_table* tab_u)
{
  return __(((tab_u->len_d + 1) << 2) > (tab_u->cap_d * 3));
}

  /** Tables of cells by their parts: the key is the canonical positions
  ***   of a cell's head and tail, the value the cell's own.  A canonical
  ***   position is below 2^38 (jam output is below 2^37 bits, and a few
  ***   small atoms have ids just above that), so a slot packs all three
  ***   into 16 bytes: lo_d holds the head and the low 26 bits of the
  ***   tail, hi_d the tail's high 12 bits and the value.  An empty slot
  ***   has hi_d ~0.
  **/
    typedef struct {
      c3_d lo_d;
      c3_d hi_d;
    } _cs_pair;

    typedef struct {
      c3_w*     box_w;  //  the allocation: 2-word header, then slots
      _cs_pair* par_u;  //  cap_d slots
      c3_d      cap_d;  //  a power of 2
      c3_d      len_d;  //  slots in use
    } _cs_pairs;

#   define _cs_pairs_max (((c3_d)UINT32_MAX - 2) / c3_wiseof(_cs_pair))
#   define _cs_can_bits  38

/* _cs_pairs_make(): an empty pair table of cap_d slots (a power of 2).
*/
static void
_cs_pairs_make(_cs_pairs* tab_u, c3_d cap_d)
{
  if ( cap_d > _cs_pairs_max ) {
    u3m_bail(c3__meme);
  }
  tab_u->box_w = u3a_walloc((c3_w)(2 + cap_d * c3_wiseof(_cs_pair)));
  tab_u->par_u = (_cs_pair*)(void*)(tab_u->box_w + 2);
  tab_u->cap_d = cap_d;
  tab_u->len_d = 0;
  memset(tab_u->par_u, 0xff, cap_d * sizeof(_cs_pair));
}

/* _cs_pairs_find(): the slot keyed (lo_d, top_d): a packed head and
**   tail, see above.  Or the empty slot where it would go.
*/
static _cs_pair*
_cs_pairs_find(_cs_pairs* tab_u, c3_d lo_d, c3_d top_d)
{
  c3_d msk_d = tab_u->cap_d - 1;
  c3_d i_d   = _cs_spot(_cs_mix(lo_d ^ (top_d * 0x9e3779b97f4a7c15ULL)),
                        tab_u->cap_d);

  while ( 1 ) {
    _cs_pair* par_u = &tab_u->par_u[i_d];

    if (  (~(c3_d)0 == par_u->hi_d)
       || ((lo_d == par_u->lo_d) && (top_d == (par_u->hi_d & 0xfff))) )
    {
      return par_u;
    }
    i_d = (i_d + 1) & msk_d;
  }
}

/* _cs_pairs_key(): pack canonical positions hed_d and tel_d.
*/
static inline void
_cs_pairs_key(c3_d hed_d, c3_d tel_d, c3_d* lo_d, c3_d* top_d)
{
  *lo_d  = hed_d | (tel_d << _cs_can_bits);
  *top_d = tel_d >> (64 - _cs_can_bits);
}

/* _cs_pairs_get(): the canonical position of the cell [hed_d tel_d]
**   (canonical positions of its parts), or ~0 if there was none; if
**   none, record it as pos_d.
*/
static c3_d
_cs_pairs_get(_cs_pairs* tab_u, c3_d hed_d, c3_d tel_d, c3_d pos_d)
{
  c3_d      lo_d, top_d;
  _cs_pair* par_u;

  _cs_pairs_key(hed_d, tel_d, &lo_d, &top_d);
  par_u = _cs_pairs_find(tab_u, lo_d, top_d);

  if ( ~(c3_d)0 != par_u->hi_d ) {
    return par_u->hi_d >> 12;
  }

  if ( ((tab_u->len_d + 1) << 2) > (tab_u->cap_d * 3) ) {
    _cs_pairs new_u;
    c3_d      i_d;

    _cs_pairs_make(&new_u, tab_u->cap_d << 1);
    for ( i_d = 0; i_d < tab_u->cap_d; i_d++ ) {
      _cs_pair* old_u = &tab_u->par_u[i_d];

      if ( ~(c3_d)0 != old_u->hi_d ) {
        *_cs_pairs_find(&new_u, old_u->lo_d, old_u->hi_d & 0xfff) = *old_u;
      }
    }
    new_u.len_d = tab_u->len_d;
    u3a_wfree(tab_u->box_w);
    *tab_u = new_u;
    par_u = _cs_pairs_find(tab_u, lo_d, top_d);
  }

  par_u->lo_d = lo_d;
  par_u->hi_d = top_d | (pos_d << 12);
  tab_u->len_d++;
  return ~(c3_d)0;
}

  /** jam.
  ***
  ***   Every distinct value is known by its canonical position, where it
  ***   was first written.  An atom is looked up by value before it is
  ***   written.  A cell is written first (tag, head, tail) and looked up
  ***   only when done, by the canonical positions of its head and tail:
  ***   an exact key, so no deep comparison and no trust in hashes of
  ***   nested structure (mugs of long repetitive lists collide often).
  ***   If an equal cell came earlier, what was just written for it is
  ***   taken back and a reference written instead.  That is always short:
  ***   every part of a repeated cell is itself repeated, so its head and
  ***   tail were each already reduced to a reference or a short atom.
  ***
  ***   A cell object with more than one reference may be met again, so
  ***   its canonical position is also remembered by address: shared
  ***   structure is never walked twice, and a noun whose tree is
  ***   exponentially larger than its objects jams in linear time.  This
  ***   only saves work; the output never depends on it.
  **/
    typedef struct {
      c3_w*     box_w;  //  output allocation: 2-word header, then buf_d
      c3_d*     buf_d;  //  the bits, zeroed beyond bit_d
      c3_d      cap_d;  //  64-bit words in buf_d
      c3_d      bit_d;  //  bits written
      _cs_table tab_u;  //  atoms by value, shared cells by address
      _cs_pairs par_u;  //  cells by canonical head and tail
    } _cs_jam;

    //  output words beyond this do not fit one u3a_walloc
#   define _cs_jam_max (((c3_d)UINT32_MAX - 2) / 2)

    //  the ids of atoms 0 to 3, beyond every position
#   define _cs_can_small ((c3_d)1 << 37)

    //  a frame on the stack: a cell being written, the position of its
    //  tag, and its head's canonical position (~0 while the head is
    //  being written).  Five words: no alignment needed.
#   define _cs_jam_frame 5

/* _cs_mask(): the low len_w bits set (len_w <= 64).
*/
static inline c3_d
_cs_mask(c3_w len_w)
{
  return ( len_w >= 64 ) ? ~(c3_d)0 : (((c3_d)1 << len_w) - 1);
}

/* _cs_met(): significant bits in atom a.
*/
static inline c3_d
_cs_met(u3_atom a)
{
  if ( _(u3a_is_cat(a)) ) {
    return c3_bits_word(a);
  }
  else {
    u3a_atom* a_u = (u3a_atom*)(void*)u3a_to_ptr(a);

    return ((c3_d)(a_u->len_w - 1) << 5) + c3_bits_word(a_u->buf_w[a_u->len_w - 1]);
  }
}

/* _cs_jam_buf(): allocate an output buffer of cap_d zeroed words.
*/
static void
_cs_jam_buf(_cs_jam* jam_u, c3_d cap_d)
{
  if ( cap_d > _cs_jam_max ) {
    u3m_bail(c3__meme);
  }
  jam_u->box_w = u3a_walloc((c3_w)(2 + (cap_d << 1)));
  jam_u->buf_d = (c3_d*)(void*)(jam_u->box_w + 2);
  jam_u->cap_d = cap_d;
  memset(jam_u->buf_d, 0, cap_d << 3);
}

/* _cs_jam_room(): make room for len_d more bits (and a word of slack).
*/
static inline void
_cs_jam_room(_cs_jam* jam_u, c3_d len_d)
{
  c3_d nee_d = ((jam_u->bit_d + len_d) >> 6) + 2;

  if ( c3_unlikely(nee_d > jam_u->cap_d) ) {
    c3_w* old_w = jam_u->box_w;
    c3_d* old_d = jam_u->buf_d;
    c3_d  len_d = jam_u->cap_d;

    //  double, but never past the limit when less would do
    _cs_jam_buf(jam_u, c3_max(nee_d, c3_min(len_d << 1, _cs_jam_max)));
    memcpy(jam_u->buf_d, old_d, len_d << 3);
    u3a_wfree(old_w);
  }
}

/* _cs_jam_put(): append the low len_w bits of val_d (len_w <= 64, no
**   higher bits set), room already made.
*/
static inline void
_cs_jam_put(_cs_jam* jam_u, c3_w len_w, c3_d val_d)
{
  c3_d idx_d = jam_u->bit_d >> 6;
  c3_w off_w = jam_u->bit_d & 63;

  jam_u->buf_d[idx_d] |= val_d << off_w;
  if ( off_w && ((off_w + len_w) > 64) ) {
    jam_u->buf_d[idx_d + 1] |= val_d >> (64 - off_w);
  }
  jam_u->bit_d += len_w;
}

/* _cs_jam_bits(): append the low len_w bits of val_d (len_w <= 64).
*/
static inline void
_cs_jam_bits(_cs_jam* jam_u, c3_w len_w, c3_d val_d)
{
  _cs_jam_room(jam_u, len_w);
  _cs_jam_put(jam_u, len_w, val_d);
}

/* _cs_jam_words(): append the low len_d bits of the words at buf_w.
*/
static void
_cs_jam_words(_cs_jam* jam_u, c3_d len_d, const c3_w* buf_w)
{
  c3_d i_d = 0;

  _cs_jam_room(jam_u, len_d);
  for ( ; len_d >= 64; len_d -= 64, i_d += 2 ) {
    _cs_jam_put(jam_u, 64, buf_w[i_d] | ((c3_d)buf_w[i_d + 1] << 32));
  }
  if ( len_d ) {
    c3_d val_d = buf_w[i_d];

    if ( len_d > 32 ) {
      val_d |= (c3_d)buf_w[i_d + 1] << 32;
    }
    _cs_jam_put(jam_u, (c3_w)len_d, val_d & _cs_mask((c3_w)len_d));
  }
}

/* _cs_jam_len(): append the length prefix of a mat for an atom of
**   met_d bits: the whole mat when met_d is 0.
*/
static void
_cs_jam_len(_cs_jam* jam_u, c3_d met_d)
{
  if ( 0 == met_d ) {
    _cs_jam_bits(jam_u, 1, 1);
  }
  else {
    c3_w len_w = c3_bits_chub(met_d);

    //  len_w zeros, a 1, then the bits of met_d below its top bit
    _cs_jam_room(jam_u, (c3_d)len_w << 1);
    jam_u->bit_d += len_w;
    _cs_jam_put(jam_u, len_w, 1 | ((met_d & _cs_mask(len_w - 1)) << 1));
  }
}

/* _cs_jam_atom(): append atom a (retained) in full: tag 0, mat(a).
*/
static void
_cs_jam_atom(_cs_jam* jam_u, u3_atom a)
{
  c3_d met_d = _cs_met(a);

  _cs_jam_bits(jam_u, 1, 0);
  _cs_jam_len(jam_u, met_d);
  if ( _(u3a_is_cat(a)) ) {
    _cs_jam_bits(jam_u, (c3_w)met_d, a);
  }
  else {
    u3a_atom* a_u = (u3a_atom*)(void*)u3a_to_ptr(a);
    _cs_jam_words(jam_u, met_d, a_u->buf_w);
  }
}

/* _cs_jam_back(): append a reference to bit position pos_d: tag 11, mat.
*/
static void
_cs_jam_back(_cs_jam* jam_u, c3_d pos_d)
{
  c3_w met_w = c3_bits_chub(pos_d);

  _cs_jam_bits(jam_u, 2, 3);
  _cs_jam_len(jam_u, met_w);
  _cs_jam_bits(jam_u, met_w, pos_d);
}

/* _cs_jam_trim(): take back everything written from bit pos_d on.
*/
static void
_cs_jam_trim(_cs_jam* jam_u, c3_d pos_d)
{
  c3_d idx_d = pos_d >> 6;
  c3_d end_d = (jam_u->bit_d + 63) >> 6;
  c3_w off_w = pos_d & 63;

  if ( off_w ) {
    jam_u->buf_d[idx_d] &= _cs_mask(off_w);
    idx_d++;
  }
  if ( end_d > idx_d ) {
    memset(jam_u->buf_d + idx_d, 0, (end_d - idx_d) << 3);
  }
  jam_u->bit_d = pos_d;
}

/* _cs_jam_hash(): a hash of som (retained) for the table: an atom's
**   value, a cell's address.
*/
static inline c3_w
_cs_jam_hash(u3_noun som)
{
  return ( _(u3a_is_pug(som)) ) ? u3r_mug(som) : (c3_w)_cs_mix(som);
}

/* _cs_sing_pug(): c3y if indirect atoms a and b are equal.
*/
static c3_o
_cs_sing_pug(u3_atom a, u3_atom b)
{
  u3a_atom* a_u = (u3a_atom*)(void*)u3a_to_ptr(a);
  u3a_atom* b_u = (u3a_atom*)(void*)u3a_to_ptr(b);

  if (  (a_u->len_w != b_u->len_w)
     || (a_u->mug_w && b_u->mug_w && (a_u->mug_w != b_u->mug_w)) )
  {
    return c3n;
  }
  return __(0 == memcmp(a_u->buf_w, b_u->buf_w, (c3_z)a_u->len_w << 2));
}

/* _cs_jam_find(): the slot holding som (an atom equal to it, or the same
**   cell object), or the empty slot where it would go.
*/
static _cs_slot*
_cs_jam_find(_cs_table* tab_u, u3_noun som, c3_w has_w)
{
  c3_d msk_d = tab_u->cap_d - 1;
  c3_d i_d   = _cs_spot(_cs_mix(has_w), tab_u->cap_d);

  while ( 1 ) {
    _cs_slot* sot_u = &tab_u->sot_u[i_d];

    if (  (u3_none == sot_u->som)
       || (  (has_w == sot_u->has_w)
          && (  (som == sot_u->som)
             || (  _(u3a_is_pug(som)) && _(u3a_is_pug(sot_u->som))
                && _(_cs_sing_pug(som, sot_u->som)) ) ) ) )
    {
      return sot_u;
    }
    i_d = (i_d + 1) & msk_d;
  }
}

/* _cs_jam_keep(): record som's canonical position can_d (som absent).
*/
static void
_cs_jam_keep(_cs_table* tab_u, u3_noun som, c3_w has_w, c3_d can_d)
{
  _cs_slot* sot_u;

  if ( _(_cs_table_full(tab_u)) ) {
    _cs_table_grow(tab_u);
  }
  sot_u = _cs_jam_find(tab_u, som, has_w);
  sot_u->key_d = can_d;
  sot_u->som   = som;
  sot_u->has_w = has_w;
  tab_u->len_d++;
}

/* _cs_jam_shared(): c3y if cell som has more than one reference.
*/
static inline c3_o
_cs_jam_shared(u3_noun som)
{
  return __(((u3a_box*)(void*)u3a_to_ptr(som))->use_w > 1);
}

/* _cs_jam_ahead(): start fetching the table slot of the atom met after
**   cell som's head, if its tail is one or starts with one: table
**   lookups are cache misses, and along a list this overlaps each with
**   the work on the element before.
*/
static inline void
_cs_jam_ahead(_cs_jam* jam_u, u3_noun som)
{
  u3_noun nex = ((u3a_cell*)(void*)u3a_to_ptr(som))->tel;

  if ( _(u3a_is_pom(nex)) ) {
    nex = ((u3a_cell*)(void*)u3a_to_ptr(nex))->hed;
  }
  if ( _(u3a_is_cat(nex)) && (nex > 3) ) {
    c3_d i_d = _cs_spot(_cs_mix(_cs_jam_hash(nex)), jam_u->tab_u.cap_d);
    __builtin_prefetch(&jam_u->tab_u.sot_u[i_d]);
  }
}

/* _cs_jam_visit(): start writing som (retained) at the current bit.
**   c3y if it is done, its canonical position in *can_d; c3n if it is a
**   cell to write out, whose frame is now on the stack.
*/
static c3_o
_cs_jam_visit(_cs_jam* jam_u, u3_noun som, c3_d* can_d)
{
  c3_d pos_d = jam_u->bit_d;

  //  an atom of at most 2 bits is never replaced by a reference (one to
  //  any position past the root's tag is as long), so needs no lookup;
  //  its id, for the cells around it, lies past every position
  //
  if ( som <= 3 ) {
    _cs_jam_atom(jam_u, som);
    *can_d = _cs_can_small + som;
    return c3y;
  }

  if ( c3n == u3a_is_pom(som) || _(_cs_jam_shared(som)) ) {
    c3_w      has_w = _cs_jam_hash(som);
    _cs_slot* sot_u = _cs_jam_find(&jam_u->tab_u, som, has_w);

    if ( u3_none != sot_u->som ) {
      //  seen before: a reference, unless the atom itself is no longer
      //
      c3_d old_d = sot_u->key_d;

      if ( c3n == u3a_is_pom(som) && (_cs_met(som) <= c3_bits_chub(old_d)) ) {
        _cs_jam_atom(jam_u, som);
      }
      else {
        _cs_jam_back(jam_u, old_d);
      }
      *can_d = old_d;
      return c3y;
    }
    else if ( c3n == u3a_is_pom(som) ) {
      _cs_jam_keep(&jam_u->tab_u, som, has_w, pos_d);
      _cs_jam_atom(jam_u, som);
      *can_d = pos_d;
      return c3y;
    }
  }

  {
    c3_w* fam_w = u3a_push(_cs_jam_frame);

    fam_w[0] = som;
    fam_w[1] = (c3_w)pos_d;
    fam_w[2] = (c3_w)(pos_d >> 32);
    fam_w[3] = ~(c3_w)0;
    fam_w[4] = ~(c3_w)0;
    _cs_jam_bits(jam_u, 2, 1);
    _cs_jam_ahead(jam_u, som);
    return c3n;
  }
}

/* _cs_jam_noun(): append noun a (retained): depth-first, head first.
*/
static void
_cs_jam_noun(_cs_jam* jam_u, u3_noun a)
{
  c3_d    dep_d = 0;
  u3_noun som   = a;

  while ( 1 ) {
    c3_d can_d;

    if ( c3n == _cs_jam_visit(jam_u, som, &can_d) ) {
      dep_d++;
      som = ((u3a_cell*)(void*)u3a_to_ptr(som))->hed;
      continue;
    }

    //  a noun is done: finish the cells it completes, then go on to
    //  the next tail, if any
    //
    while ( 1 ) {
      c3_w*   fam_w;
      u3_noun cel;
      c3_d    pos_d, hed_d;

      if ( 0 == dep_d ) {
        return;
      }
      fam_w = u3a_peek(_cs_jam_frame);
      cel   = fam_w[0];

      if ( (~(c3_w)0 == fam_w[3]) && (~(c3_w)0 == fam_w[4]) ) {
        fam_w[3] = (c3_w)can_d;
        fam_w[4] = (c3_w)(can_d >> 32);
        som = ((u3a_cell*)(void*)u3a_to_ptr(cel))->tel;
        break;
      }

      pos_d = (c3_d)fam_w[1] | ((c3_d)fam_w[2] << 32);
      hed_d = (c3_d)fam_w[3] | ((c3_d)fam_w[4] << 32);
      u3a_pop(_cs_jam_frame);
      dep_d--;

      {
        c3_d old_d = _cs_pairs_get(&jam_u->par_u, hed_d, can_d, pos_d);

        if ( ~(c3_d)0 != old_d ) {
          _cs_jam_trim(jam_u, pos_d);
          _cs_jam_back(jam_u, old_d);
          can_d = old_d;
        }
        else {
          can_d = pos_d;
        }
      }
      if ( _(_cs_jam_shared(cel)) ) {
        _cs_jam_keep(&jam_u->tab_u, cel, _cs_jam_hash(cel), can_d);
      }
    }
  }
}

/* _cs_jam_run(): jam a (retained) into jam_u->buf_d; the caller frees
**   jam_u->box_w.
*/
static void
_cs_jam_run(_cs_jam* jam_u, u3_noun a)
{
  jam_u->bit_d = 0;
  _cs_jam_buf(jam_u, 8);
  _cs_table_make(&jam_u->tab_u, _cs_table_min);
  _cs_pairs_make(&jam_u->par_u, _cs_table_min);

  _cs_jam_noun(jam_u, a);

  u3a_wfree(jam_u->par_u.box_w);
  _cs_table_free(&jam_u->tab_u);
}

/* u3s_jam(): jam a (retained) into an atom (a new reference).
*/
u3_atom
u3s_jam(u3_noun a)
{
  _cs_jam  jam_u;
  u3i_slab sab_u;
  c3_w     len_w;

  _cs_jam_run(&jam_u, a);

  //  bit_d < 2^37 (see _cs_jam_max), so the word count fits
  len_w = (c3_w)((jam_u.bit_d + 31) >> 5);
  u3i_slab_init(&sab_u, len_w);
  memcpy(sab_u.buf_w, jam_u.buf_d, (c3_z)len_w << 2);
  u3a_wfree(jam_u.box_w);

  return u3i_slab_mint(&sab_u);
}

/* u3s_jam_bytes(): jam a (retained) into a malloc'd buffer; its length.
*/
c3_z
u3s_jam_bytes(u3_noun a, c3_y** byt_y)
{
  _cs_jam jam_u;
  c3_z    len_z;
  c3_y*   out_y;

  _cs_jam_run(&jam_u, a);

  len_z = (c3_z)((jam_u.bit_d + 7) >> 3);
  out_y = malloc(len_z);
  if ( !out_y ) {
    u3a_wfree(jam_u.box_w);
    fprintf(stderr, "serial: malloc %zu bytes for jam: out of memory\n",
            len_z);
    u3m_bail(c3__meme);
  }
  memcpy(out_y, jam_u.buf_d, len_z);
  u3a_wfree(jam_u.box_w);

  *byt_y = out_y;
  return len_z;
}

  /** cue.
  **/
    typedef struct {
      const c3_y* byt_y;  //  input
      c3_z        len_z;  //  input bytes
      c3_d        end_d;  //  input bits
      c3_d        cur_d;  //  read position
    } _cs_cue;

    //  the nouns decoded so far by position, in ascending order: three
    //  words an entry (position low, high, noun), u3_none for a cell
    //  still being decoded.  Entries are appended as tags are read, so
    //  the order holds by construction, and a reference is found by
    //  binary search.  Appending is sequential, where a hash table would
    //  miss the cache on every noun; references are the rarer operation.
    typedef struct {
      c3_w* box_w;  //  the allocation: 2-word header, then entries
      c3_w* ent_w;
      c3_d  cap_d;  //  entries allocated
      c3_d  len_d;  //  entries used
    } _cs_list;

#   define _cs_list_max (((c3_d)UINT32_MAX - 2) / 3)

    //  a frame on the stack: the list index of a cell being decoded, and
    //  its head once decoded (u3_none before).  Three words.
#   define _cs_cue_frame 3

/* _cs_cue_peek(): the 64 bits at bit bit_d, zeros past the end.
*/
static inline c3_d
_cs_cue_peek(const _cs_cue* cue_u, c3_d bit_d)
{
  c3_d byt_d = bit_d >> 3;
  c3_w off_w = bit_d & 7;
  c3_y tmp_y[16];
  const c3_y* src_y;
  c3_d val_d;

  if ( c3_likely((byt_d + 9) <= cue_u->len_z) ) {
    src_y = cue_u->byt_y + byt_d;
  }
  else {
    memset(tmp_y, 0, sizeof(tmp_y));
    if ( byt_d < cue_u->len_z ) {
      memcpy(tmp_y, cue_u->byt_y + byt_d, cue_u->len_z - byt_d);
    }
    src_y = tmp_y;
  }

  memcpy(&val_d, src_y, 8);
  if ( off_w ) {
    val_d = (val_d >> off_w) | ((c3_d)src_y[8] << (64 - off_w));
  }
  return val_d;
}

/* _cs_cue_len(): read the length prefix of a mat into *met_d, checking
**   that many bits remain.  c3n on malformed input.
*/
static c3_o
_cs_cue_len(_cs_cue* cue_u, c3_d* met_d)
{
  c3_d val_d = _cs_cue_peek(cue_u, cue_u->cur_d);
  c3_w zer_w;

  //  64 zeros would announce an atom of at least 2^63 bits
  if ( 0 == val_d ) {
    return c3n;
  }
  zer_w = (c3_w)__builtin_ctzll(val_d);
  if ( (zer_w + 1) > (cue_u->end_d - cue_u->cur_d) ) {
    return c3n;
  }
  cue_u->cur_d += zer_w + 1;

  if ( 0 == zer_w ) {
    *met_d = 0;
    return c3y;
  }
  else {
    c3_w low_w = zer_w - 1;
    c3_d len_d;

    if ( low_w > (cue_u->end_d - cue_u->cur_d) ) {
      return c3n;
    }
    len_d = ((c3_d)1 << low_w)
          | (_cs_cue_peek(cue_u, cue_u->cur_d) & _cs_mask(low_w));
    cue_u->cur_d += low_w;

    if ( len_d > (cue_u->end_d - cue_u->cur_d) ) {
      return c3n;
    }
    *met_d = len_d;
    return c3y;
  }
}

/* _cs_cue_atom(): read a mat into an atom, or u3_none if malformed.
*/
static u3_weak
_cs_cue_atom(_cs_cue* cue_u)
{
  c3_d met_d;

  if ( c3n == _cs_cue_len(cue_u, &met_d) ) {
    return u3_none;
  }
  else if ( met_d <= 64 ) {
    c3_d val_d = ( 0 == met_d )
                 ? 0
                 : (_cs_cue_peek(cue_u, cue_u->cur_d) & _cs_mask((c3_w)met_d));
    cue_u->cur_d += met_d;
    return u3i_chub(val_d);
  }
  else if ( met_d > ((c3_d)UINT32_MAX << 5) ) {
    return u3_none;
  }
  else {
    c3_w     len_w = (c3_w)((met_d + 31) >> 5);
    c3_w     rem_w = (c3_w)(met_d & 31);
    c3_d     bit_d = cue_u->cur_d;
    u3i_slab sab_u;
    c3_w     i_w;

    u3i_slab_init(&sab_u, len_w);
    for ( i_w = 0; i_w < len_w; i_w += 2 ) {
      c3_d val_d = _cs_cue_peek(cue_u, bit_d + ((c3_d)i_w << 5));

      sab_u.buf_w[i_w] = (c3_w)val_d;
      if ( (i_w + 1) < len_w ) {
        sab_u.buf_w[i_w + 1] = (c3_w)(val_d >> 32);
      }
    }
    if ( rem_w ) {
      sab_u.buf_w[len_w - 1] &= ((c3_w)1 << rem_w) - 1;
    }
    cue_u->cur_d += met_d;
    return u3i_slab_mint(&sab_u);
  }
}

/* _cs_list_make(): an empty list with room for cap_d entries.
*/
static void
_cs_list_make(_cs_list* lis_u, c3_d cap_d)
{
  if ( cap_d > _cs_list_max ) {
    u3m_bail(c3__meme);
  }
  lis_u->box_w = u3a_walloc((c3_w)(2 + cap_d * 3));
  lis_u->ent_w = lis_u->box_w + 2;
  lis_u->cap_d = cap_d;
  lis_u->len_d = 0;
}

/* _cs_list_add(): append som (not retained, or u3_none) at pos_d, after
**   every position already there; returns its index.
*/
static c3_d
_cs_list_add(_cs_list* lis_u, c3_d pos_d, u3_weak som)
{
  c3_w* ent_w;

  if ( c3_unlikely(lis_u->len_d == lis_u->cap_d) ) {
    _cs_list new_u;

    _cs_list_make(&new_u, lis_u->cap_d << 1);
    memcpy(new_u.ent_w, lis_u->ent_w, (lis_u->len_d * 3) << 2);
    new_u.len_d = lis_u->len_d;
    u3a_wfree(lis_u->box_w);
    *lis_u = new_u;
  }
  ent_w    = lis_u->ent_w + (lis_u->len_d * 3);
  ent_w[0] = (c3_w)pos_d;
  ent_w[1] = (c3_w)(pos_d >> 32);
  ent_w[2] = som;
  return lis_u->len_d++;
}

/* _cs_list_get(): the complete noun decoded at pos_d, or u3_none.
*/
static u3_weak
_cs_list_get(const _cs_list* lis_u, c3_d pos_d)
{
  c3_d lo_d = 0;
  c3_d hi_d = lis_u->len_d;

  while ( lo_d < hi_d ) {
    c3_d        mid_d = lo_d + ((hi_d - lo_d) >> 1);
    const c3_w* ent_w = lis_u->ent_w + (mid_d * 3);
    c3_d        key_d = (c3_d)ent_w[0] | ((c3_d)ent_w[1] << 32);

    if ( key_d == pos_d ) {
      return ent_w[2];
    }
    else if ( key_d < pos_d ) {
      lo_d = mid_d + 1;
    }
    else {
      hi_d = mid_d;
    }
  }
  return u3_none;
}

/* _cs_cue_back(): read a reference; the noun it names (a new reference),
**   or u3_none if it names no complete noun.
*/
static u3_weak
_cs_cue_back(_cs_cue* cue_u, const _cs_list* lis_u)
{
  c3_d    met_d, pos_d;
  u3_weak som;

  if ( (c3n == _cs_cue_len(cue_u, &met_d)) || (met_d > 64) ) {
    return u3_none;
  }
  pos_d = ( 0 == met_d )
          ? 0
          : (_cs_cue_peek(cue_u, cue_u->cur_d) & _cs_mask((c3_w)met_d));
  cue_u->cur_d += met_d;

  som = _cs_list_get(lis_u, pos_d);
  return ( u3_none == som ) ? u3_none : u3k(som);
}

/* _cs_cue_run(): decode one noun from the start of the input.
*/
static u3_weak
_cs_cue_run(_cs_cue* cue_u)
{
  _cs_list lis_u;
  c3_d     dep_d = 0;
  u3_weak  pro   = u3_none;

  _cs_list_make(&lis_u, 64);

  while ( 1 ) {
    c3_d    pos_d = cue_u->cur_d;
    c3_d    tag_d;
    u3_noun som;

    if ( pos_d >= cue_u->end_d ) {
      goto fail;
    }
    tag_d = _cs_cue_peek(cue_u, pos_d);

    if ( 0 == (tag_d & 1) ) {
      cue_u->cur_d = pos_d + 1;
      if ( u3_none == (som = _cs_cue_atom(cue_u)) ) {
        goto fail;
      }
      _cs_list_add(&lis_u, pos_d, som);
    }
    else {
      if ( (pos_d + 1) >= cue_u->end_d ) {
        goto fail;
      }
      cue_u->cur_d = pos_d + 2;

      if ( 0 == (tag_d & 2) ) {
        c3_d  idx_d = _cs_list_add(&lis_u, pos_d, u3_none);
        c3_w* fam_w = u3a_push(_cs_cue_frame);

        fam_w[0] = (c3_w)idx_d;
        fam_w[1] = (c3_w)(idx_d >> 32);
        fam_w[2] = u3_none;
        dep_d++;
        continue;
      }
      else if ( u3_none == (som = _cs_cue_back(cue_u, &lis_u)) ) {
        goto fail;
      }
    }

    //  som is complete: fill the frames it completes
    //
    while ( 1 ) {
      c3_w*   fam_w;
      c3_d    idx_d;
      u3_noun hed;

      if ( 0 == dep_d ) {
        pro = som;
        goto done;
      }
      fam_w = u3a_peek(_cs_cue_frame);
      if ( u3_none == fam_w[2] ) {
        fam_w[2] = som;
        break;
      }
      idx_d = (c3_d)fam_w[0] | ((c3_d)fam_w[1] << 32);
      hed   = fam_w[2];
      u3a_pop(_cs_cue_frame);
      dep_d--;

      som = u3nc(hed, som);
      lis_u.ent_w[(idx_d * 3) + 2] = som;
    }
  }

fail:
  while ( dep_d ) {
    c3_w* fam_w = u3a_peek(_cs_cue_frame);

    if ( u3_none != fam_w[2] ) {
      u3z(fam_w[2]);
    }
    u3a_pop(_cs_cue_frame);
    dep_d--;
  }
  pro = u3_none;

done:
  u3a_wfree(lis_u.box_w);
  return pro;
}

/* _cs_cue_bits(): decode the first end_d bits of byt_y[0, len_z).
*/
static u3_weak
_cs_cue_bits(c3_z len_z, const c3_y* byt_y, c3_d end_d)
{
  _cs_cue cue_u;

  if ( 0 == end_d ) {
    return u3_none;
  }
  cue_u.byt_y = byt_y;
  cue_u.len_z = len_z;
  cue_u.end_d = end_d;
  cue_u.cur_d = 0;

  return _cs_cue_run(&cue_u);
}

/* u3s_cue_bytes(): decode the jam in byt_y[0, len_z), or u3_none.
*/
u3_weak
u3s_cue_bytes(c3_z len_z, const c3_y* byt_y)
{
  //  more bits than a c3_d counts: no such input fits in memory anyway
  if ( len_z > ((c3_z)1 << 60) ) {
    return u3_none;
  }
  return _cs_cue_bits(len_z, byt_y, (c3_d)len_z << 3);
}

/* u3s_cue_atom(): decode the jam in atom a (retained), or u3_none.
*/
u3_weak
u3s_cue_atom(u3_atom a)
{
  if ( _(u3a_is_pom(a)) ) {
    return u3_none;
  }
  else if ( _(u3a_is_cat(a)) ) {
    c3_y buf_y[4];

    memcpy(buf_y, &a, 4);
    return _cs_cue_bits(4, buf_y, c3_bits_word(a));
  }
  else {
    u3a_atom* a_u = (u3a_atom*)(void*)u3a_to_ptr(a);

    return _cs_cue_bits((c3_z)a_u->len_w << 2,
                        (const c3_y*)a_u->buf_w,
                        _cs_met(a));
  }
}

/* u3s_cue(): decode the jam in atom a (retained); bails exit if malformed.
*/
u3_noun
u3s_cue(u3_atom a)
{
  u3_weak pro = u3s_cue_atom(a);

  if ( u3_none == pro ) {
    u3m_bail(c3__exit);
  }
  return pro;
}
