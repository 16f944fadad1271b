/// @file imprison.c
/// u3i: constructors.  Atoms are kept normal: no leading zero words, and
/// an atom below 2^31 is always direct.
#include <string.h>

#include "noun/imprison.h"
#include "noun/manage.h"

/* _ci_atom_words(): a normal atom from len_w words (trailing zeros ok). */
static u3_atom
_ci_atom_words(c3_w len_w, const c3_w* buf_w)
{
  while ( len_w && !buf_w[len_w - 1] ) {
    len_w--;
  }
  if ( !len_w ) {
    return 0;
  }
  if ( 1 == len_w && buf_w[0] <= u3a_direct_max ) {
    return buf_w[0];
  }
  c3_w*     box_w = u3a_walloc(3 + len_w);
  u3a_atom* pug_u = (u3a_atom*)(void*)box_w;

  pug_u->use_w = 1;
  pug_u->mug_w = 0;
  pug_u->len_w = len_w;
  memcpy(pug_u->buf_w, buf_w, (c3_z)len_w << 2);
  return u3a_to_pug(u3a_outa(box_w));
}

u3_atom
u3i_word(c3_w dat_w)
{
  return _ci_atom_words(1, &dat_w);
}

u3_atom
u3i_chub(c3_d dat_d)
{
  c3_w buf_w[2] = { (c3_w)dat_d, (c3_w)(dat_d >> 32) };
  return _ci_atom_words(2, buf_w);
}

u3_atom
u3i_words(c3_w len_w, const c3_w* buf_w)
{
  return _ci_atom_words(len_w, buf_w);
}

u3_atom
u3i_chubs(c3_w len_w, const c3_d* buf_d)
{
  u3i_slab sab_u;
  u3i_slab_init(&sab_u, len_w * 2);
  for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
    sab_u.buf_w[2 * i_w]     = (c3_w)buf_d[i_w];
    sab_u.buf_w[2 * i_w + 1] = (c3_w)(buf_d[i_w] >> 32);
  }
  return u3i_slab_mint(&sab_u);
}

u3_atom
u3i_bytes(c3_w len_w, const c3_y* buf_y)
{
  u3i_slab sab_u;
  u3i_slab_init(&sab_u, (len_w + 3) >> 2);
  memcpy(sab_u.buf_w, buf_y, len_w);
  return u3i_slab_mint(&sab_u);
}

u3_atom
u3i_string(const c3_c* str_c)
{
  return u3i_bytes((c3_w)strlen(str_c), (const c3_y*)str_c);
}

u3_noun
u3i_cell(u3_noun hed, u3_noun tel)
{
  u3a_cell* cel_u = u3a_celloc();

  cel_u->use_w = 1;
  cel_u->mug_w = 0;
  cel_u->hed   = hed;
  cel_u->tel   = tel;
  return u3a_to_pom(u3a_outa(cel_u));
}

u3_noun
u3i_trel(u3_noun a, u3_noun b, u3_noun c)
{
  return u3i_cell(a, u3i_cell(b, c));
}

u3_noun
u3i_qual(u3_noun a, u3_noun b, u3_noun c, u3_noun d)
{
  return u3i_cell(a, u3i_cell(b, u3i_cell(c, d)));
}

void
u3i_slab_init(u3i_slab* sab_u, c3_w len_w)
{
  c3_w* box_w = u3a_walloc(3 + len_w);
  u3a_atom* pug_u = (u3a_atom*)(void*)box_w;

  pug_u->use_w = 1;
  pug_u->mug_w = 0;
  pug_u->len_w = len_w;
  memset(pug_u->buf_w, 0, (c3_z)len_w << 2);
  sab_u->box_w = box_w;
  sab_u->buf_w = pug_u->buf_w;
  sab_u->len_w = len_w;
}

u3_atom
u3i_slab_mint(u3i_slab* sab_u)
{
  u3a_atom* pug_u = (u3a_atom*)(void*)sab_u->box_w;
  c3_w      len_w = sab_u->len_w;

  while ( len_w && !sab_u->buf_w[len_w - 1] ) {
    len_w--;
  }
  if ( !len_w || (1 == len_w && sab_u->buf_w[0] <= u3a_direct_max) ) {
    u3_atom pro = len_w ? sab_u->buf_w[0] : 0;
    u3a_wfree(sab_u->box_w);
    sab_u->box_w = 0;
    return pro;
  }
  pug_u->len_w = len_w;
  sab_u->box_w = 0;
  return u3a_to_pug(u3a_outa(pug_u));
}

void
u3i_slab_free(u3i_slab* sab_u)
{
  if ( sab_u->box_w ) {
    u3a_wfree(sab_u->box_w);
    sab_u->box_w = 0;
  }
}
