/// @file kernel.c
/// u3_kern: the built-in event kernels, deterministic C functions from
/// (state, ovum) to a new state that make the loom behave as a ship's would.
///
/// The ovum.  [kind eve sed siz], or [kind eve sed siz dup] for a
/// workload with duplicates: kind is the cord %kv, %churn or %blob;
/// eve the event number; sed a 64-bit seed derived from the run's seed and
/// eve; siz the workload size in MiB; dup, 1 to 100, the percent of kv's
/// new values that are copies of a live value (equal, not shared).  It is
/// four cells at most, so it logs cheaply; everything large is generated from sed by the kernel.  For the
/// mixed workload the kind is drawn per event from a hash of (seed, eve):
/// 60% kv, 30% churn, 10% blob.
///
/// The state.  The same shape for every workload:
///
///   [kv churn blob count]
///   kv     [map salt low nex bytes]   the map; its keys are key(salt, i)
///                                     for i in [low, nex), all live;
///                                     bytes: total value bytes
///   churn  [digest bytes]             running fold of every structure
///                                     built; bytes built in all
///   blob   [list held bytes]          newest first, each [eve atom]
///   count  [events kv churn blob]     events applied, in all and per kind
///
/// Scalars are atoms below 2^64.  The map is a treap: a node is
/// [[key value] left right], ~ is empty; keys are atoms ordered by value,
/// and a node's priority (its key's mug, ties broken by key order) is
/// above its children's, so the shape depends only on the set of keys and
/// the expected depth is O(log n).  Updates copy the path they change and
/// share the rest of the old map.
///
/// The kernels.
///   kv     2 to 8 operations per event: insert a new key (i = nex), set
///          a live key to a new value, delete the oldest key (i = low).
///          Values are 16 bytes to 64 KiB, log-skewed small (median about
///          200 bytes, mean about 4 KiB).  Below siz MiB of values, inserts
///          (70%) outrun deletes (10%); at or above it, deletes (40%)
///          outrun inserts (30%), so the bytes hover at siz MiB.  With
///          dup, each new value is, with chance dup percent, a fresh copy
///          of the value of a live key drawn at random, otherwise random.
///   churn  builds one structure of at least siz MiB (a list of chunks:
///          lists of pairs, balanced trees, medium atoms, lists of small
///          atoms), all alive at once, reads it all into the digest (a
///          64-bit fold, u3_kern_fold), and frees it.
///   blob   adds an atom of 64 KiB to siz MiB, then drops the oldest until
///          the blobs held total at most 2 * siz MiB, and with chance 1/4
///          one more (always keeping the newest).
///
/// Invariants: the kernels are pure functions of (state, ovum): no clock,
/// no addresses, no floating point; every noun algorithm loops or uses the
/// road's stack (u3a_push), never C recursion; a poke retains its
/// arguments and gains (u3k) every part of the old state it shares, so it
/// is exact on the home road and harmless on an inner one, where senior
/// nouns are read-only.  The mugs cached in senior nouns are the only
/// writes a poke makes outside its own road.
#include <string.h>

#include "vere/kernel.h"

  /** Names.
  **/
static const c3_c* _ck_names[u3_kern_works] = { "kv", "churn", "blob", "mixed" };

/* u3_kern_workload(): parse a workload name; -1 if unknown. */
c3_i
u3_kern_workload(const c3_c* nam_c)
{
  for ( c3_i i_i = 0; i_i < u3_kern_works; i_i++ ) {
    if ( nam_c && 0 == strcmp(nam_c, _ck_names[i_i]) ) {
      return i_i;
    }
  }
  return -1;
}

/* u3_kern_name(): the name of workload wok_i. */
const c3_c*
u3_kern_name(c3_i wok_i)
{
  return ( wok_i >= 0 && wok_i < u3_kern_works ) ? _ck_names[wok_i] : "?";
}

  /** The generator: splitmix64, fast enough to fill megabytes.
  **/
typedef struct {
  c3_d sat_d;
} _ck_prng;

/* _ck_mix(): splitmix64's finalizer after a golden-ratio step: a
**   bijection on 64 bits.
*/
static inline c3_d
_ck_mix(c3_d x_d)
{
  x_d += 0x9e3779b97f4a7c15ULL;
  x_d = (x_d ^ (x_d >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x_d = (x_d ^ (x_d >> 27)) * 0x94d049bb133111ebULL;
  return x_d ^ (x_d >> 31);
}

/* _ck_next(): the next 64 random bits. */
static inline c3_d
_ck_next(_ck_prng* rng_u)
{
  c3_d z_d = (rng_u->sat_d += 0x9e3779b97f4a7c15ULL);
  z_d = (z_d ^ (z_d >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z_d = (z_d ^ (z_d >> 27)) * 0x94d049bb133111ebULL;
  return z_d ^ (z_d >> 31);
}

/* _ck_below(): a random number in [0, top_d), top_d > 0. */
static inline c3_d
_ck_below(_ck_prng* rng_u, c3_d top_d)
{
  return _ck_next(rng_u) % top_d;
}

/* _ck_fill(): len_d random words into buf_w. */
static void
_ck_fill(c3_w* buf_w, c3_d len_d, _ck_prng* rng_u)
{
  c3_d i_d = 0;
  for ( ; i_d + 1 < len_d; i_d += 2 ) {
    c3_d x_d = _ck_next(rng_u);
    buf_w[i_d]     = (c3_w)x_d;
    buf_w[i_d + 1] = (c3_w)(x_d >> 32);
  }
  if ( i_d < len_d ) {
    buf_w[i_d] = (c3_w)_ck_next(rng_u);
  }
}

/* _ck_atom(): a random atom of exactly len_d bytes (len_d >= 1). */
static u3_atom
_ck_atom(_ck_prng* rng_u, c3_d len_d)
{
  c3_w     len_w = (c3_w)((len_d + 3) >> 2);
  c3_w     rem_w = (c3_w)(len_d & 3);
  c3_w     top_w = (c3_w)((len_d - 1) & 3);
  u3i_slab sab_u;

  u3i_slab_init(&sab_u, len_w);
  _ck_fill(sab_u.buf_w, len_w, rng_u);
  if ( rem_w ) {
    sab_u.buf_w[len_w - 1] &= (1U << (8 * rem_w)) - 1;
  }
  sab_u.buf_w[len_w - 1] |= 1U << (8 * top_w);   //  the top byte is nonzero
  return u3i_slab_mint(&sab_u);
}

/* _ck_slot(): the bytes an indirect atom of len_w words takes, at least. */
static inline c3_d
_ck_slot(c3_d len_w)
{
  return ((3 + len_w) * 4 + 15) & ~15ULL;
}

  /** Reading nouns without bailing (the state may be read on the home road).
  **/
/* _ck_chub(): c3y and *out_d if som is an atom below 2^64. */
static c3_o
_ck_chub(u3_noun som, c3_d* out_d)
{
  if ( c3n == u3ud(som) || u3r_met(3, som) > 8 ) {
    return c3n;
  }
  *out_d = u3r_chub(0, som);
  return c3y;
}

/* _ck_words(): the words of atom a (direct atoms through tmp_w). */
static inline const c3_w*
_ck_words(u3_atom a, c3_w* len_w, c3_w* tmp_w)
{
  if ( _(u3a_is_cat(a)) ) {
    *tmp_w = a;
    *len_w = a ? 1 : 0;
    return tmp_w;
  }
  u3a_atom* pug_u = (u3a_atom*)(void*)u3a_to_ptr(a);
  *len_w = pug_u->len_w;
  return pug_u->buf_w;
}

  /** The map.
  **/
/* _ck_cmp(): order atoms a and b by value: -1, 0 or 1. */
static c3_i
_ck_cmp(u3_atom a, u3_atom b)
{
  if ( a == b ) {
    return 0;
  }
  if ( _(u3a_is_cat(a)) && _(u3a_is_cat(b)) ) {
    return ( a < b ) ? -1 : 1;
  }

  c3_w        tma_w, tmb_w, lea_w, leb_w;
  const c3_w* bua_w = _ck_words(a, &lea_w, &tma_w);
  const c3_w* bub_w = _ck_words(b, &leb_w, &tmb_w);

  if ( lea_w != leb_w ) {
    return ( lea_w < leb_w ) ? -1 : 1;
  }
  while ( lea_w-- ) {
    if ( bua_w[lea_w] != bub_w[lea_w] ) {
      return ( bua_w[lea_w] < bub_w[lea_w] ) ? -1 : 1;
    }
  }
  return 0;
}

/* _ck_above(): c3y if key a's priority is above key b's (a != b). */
static inline c3_t
_ck_above(u3_atom a, u3_atom b)
{
  c3_w mua_w = u3r_mug(a);
  c3_w mub_w = u3r_mug(b);

  if ( mua_w != mub_w ) {
    return mua_w > mub_w;
  }
  return _ck_cmp(a, b) < 0;
}

/* _ck_node(): unpack a nonempty node [[key val] l r]; c3n if malformed. */
static inline c3_o
_ck_node(u3_noun nod, u3_noun* n, u3_noun* key, u3_noun* l, u3_noun* r)
{
  u3_noun tel, val;

  if ( c3n == u3r_cell(nod, n, &tel)
    || c3n == u3r_cell(*n, key, &val)
    || c3n == u3ud(*key)
    || c3n == u3r_cell(tel, l, r) )
  {
    return c3n;
  }
  return c3y;
}

/* _ck_nod(): _ck_node, bailing %exit on a malformed node. */
static inline void
_ck_nod(u3_noun nod, u3_noun* n, u3_noun* key, u3_noun* l, u3_noun* r)
{
  if ( c3n == _ck_node(nod, n, key, l, r) ) {
    u3m_bail(c3__exit);
  }
}

/* _ck_fram: a step down a path: the node and the way taken (0 left,
**   1 right).
*/
typedef struct {
  u3_noun nod;
  c3_w    dir_w;
} _ck_fram;

#define _ck_fram_w c3_wiseof(_ck_fram)

/* _ck_push(): record a step on the road's stack. */
static inline void
_ck_push(u3_noun nod, c3_w dir_w)
{
  _ck_fram* fam_u = u3a_push(_ck_fram_w);
  fam_u->nod   = nod;
  fam_u->dir_w = dir_w;
}

/* _ck_rebuild(): copy the top dep_w recorded steps, bottom up, over the
**   new subtree sub (transferred), popping them; returns the new root.
*/
static u3_noun
_ck_rebuild(u3_noun sub, c3_w dep_w)
{
  while ( dep_w-- ) {
    _ck_fram* fam_u = u3a_peek(_ck_fram_w);
    u3_noun   n, key, l, r;

    _ck_nod(fam_u->nod, &n, &key, &l, &r);
    sub = ( fam_u->dir_w )
          ? u3nt(u3k(n), u3k(l), sub)
          : u3nt(u3k(n), sub, u3k(r));
    u3a_pop(_ck_fram_w);
  }
  return sub;
}

/* _ck_split(): split treap nod (retained), which does not hold key, into
**   the keys below (*lef) and above (*rit), new references.
*/
static void
_ck_split(u3_noun nod, u3_atom key, u3_noun* lef, u3_noun* rit)
{
  c3_w    dep_w = 0;
  u3_noun n, k, l, r;

  while ( nod ) {
    _ck_nod(nod, &n, &k, &l, &r);
    if ( _ck_cmp(key, k) < 0 ) {
      _ck_push(nod, 1);     //  goes right; split its left
      nod = l;
    }
    else {
      _ck_push(nod, 0);     //  goes left; split its right
      nod = r;
    }
    dep_w++;
  }

  u3_noun lo = 0, hi = 0;
  while ( dep_w-- ) {
    _ck_fram* fam_u = u3a_peek(_ck_fram_w);

    _ck_nod(fam_u->nod, &n, &k, &l, &r);
    if ( fam_u->dir_w ) {
      hi = u3nt(u3k(n), hi, u3k(r));
    }
    else {
      lo = u3nt(u3k(n), u3k(l), lo);
    }
    u3a_pop(_ck_fram_w);
  }
  *lef = lo;
  *rit = hi;
}

/* _ck_merge(): join treaps a and b (retained), every key of a below every
**   key of b; a new reference.
*/
static u3_noun
_ck_merge(u3_noun a, u3_noun b)
{
  c3_w    dep_w = 0;
  u3_noun na, ka, la, ra, nb, kb, lb, rb;

  while ( a && b ) {
    _ck_nod(a, &na, &ka, &la, &ra);
    _ck_nod(b, &nb, &kb, &lb, &rb);
    if ( _ck_above(ka, kb) ) {
      _ck_push(a, 1);       //  a's root stays; merge below its right
      a = ra;
    }
    else {
      _ck_push(b, 0);       //  b's root stays; merge below its left
      b = lb;
    }
    dep_w++;
  }
  return _ck_rebuild(u3k(a ? a : b), dep_w);
}

/* _ck_descend(): walk map toward key (an atom, else bail %exit),
**   recording each step on the road's stack (_ck_push), until the key's
**   node (*hit_t set), an empty subtree, or, with abv_t, the first node
**   the key outranks.  *dep_w gets the steps; returns the node reached
**   (0: empty), its parts in n, k, l, r when it is not empty.
*/
static u3_noun
_ck_descend(u3_noun map, u3_atom key, c3_t abv_t, c3_w* dep_w, c3_t* hit_t,
            u3_noun* n, u3_noun* k, u3_noun* l, u3_noun* r)
{
  u3_noun nod = map;

  if ( c3n == u3ud(key) ) {
    u3m_bail(c3__exit);
  }
  while ( nod ) {
    _ck_nod(nod, n, k, l, r);

    c3_i cmp_i = _ck_cmp(key, *k);
    if ( 0 == cmp_i ) {
      *hit_t = 1;
      break;
    }
    if ( abv_t && _ck_above(key, *k) ) {
      break;
    }
    _ck_push(nod, cmp_i > 0);
    (*dep_w)++;
    nod = ( cmp_i < 0 ) ? *l : *r;
  }
  return nod;
}

/* u3_kern_map_put(): map with key set to val (retains map, transfers
**   key and val).
*/
u3_noun
u3_kern_map_put(u3_noun map, u3_atom key, u3_noun val, u3_weak* old)
{
  c3_w    dep_w = 0;
  c3_t    hit_t = 0;
  u3_noun n = 0, k = 0, l = 0, r = 0, sub;
  u3_noun nod;

  if ( old ) {
    *old = u3_none;
  }
  nod = _ck_descend(map, key, 1, &dep_w, &hit_t, &n, &k, &l, &r);

  if ( hit_t ) {
    if ( old ) {
      *old = u3t(n);
    }
    sub = u3nt(u3nc(u3k(k), val), u3k(l), u3k(r));
    u3z(key);
  }
  else {
    u3_noun lo, hi;
    _ck_split(nod, key, &lo, &hi);
    sub = u3nt(u3nc(key, val), lo, hi);
  }
  return _ck_rebuild(sub, dep_w);
}

/* u3_kern_map_del(): map without key (retains both). */
u3_noun
u3_kern_map_del(u3_noun map, u3_atom key, u3_weak* old)
{
  c3_w    dep_w = 0;
  c3_t    hit_t = 0;
  u3_noun n = 0, k = 0, l = 0, r = 0;

  if ( old ) {
    *old = u3_none;
  }
  _ck_descend(map, key, 0, &dep_w, &hit_t, &n, &k, &l, &r);

  if ( !hit_t ) {
    u3a_pop(dep_w * _ck_fram_w);
    return u3k(map);
  }
  if ( old ) {
    *old = u3t(n);
  }
  return _ck_rebuild(_ck_merge(l, r), dep_w);
}

/* u3_kern_map_get(): the value at key, or u3_none (retains both). */
u3_weak
u3_kern_map_get(u3_noun map, u3_atom key)
{
  u3_noun n, k, l, r;

  if ( c3n == u3ud(key) ) {
    return u3_none;
  }
  while ( map ) {
    if ( c3n == _ck_node(map, &n, &k, &l, &r) ) {
      return u3_none;
    }

    c3_i cmp_i = _ck_cmp(key, k);
    if ( 0 == cmp_i ) {
      return u3t(n);
    }
    map = ( cmp_i < 0 ) ? l : r;
  }
  return u3_none;
}

/* u3_kern_map_check(): c3y if map is a well-formed treap; counts it. */
c3_o
u3_kern_map_check(u3_noun map, c3_d* cnt_d, c3_w* dep_w)
{
  c3_d    num_d = 0;
  c3_w    max_w = 0;
  c3_w    fam_w = 0;       //  frames on the stack
  c3_w    lev_w = 1;       //  depth of nod
  c3_t    ok_t  = 1;
  u3_weak pre   = u3_none; //  the last key visited, in order
  u3_noun nod   = map;
  u3_noun n, k, l, r;

  //  in order: push the left spine, visit, go right
  while ( ok_t ) {
    while ( nod ) {
      if ( c3n == _ck_node(nod, &n, &k, &l, &r) ) {
        ok_t = 0;
        break;
      }
      _ck_push(nod, lev_w);
      fam_w++;
      nod = l;
      lev_w++;
    }
    if ( !ok_t || !fam_w ) {
      break;
    }

    _ck_fram* fam_u = u3a_peek(_ck_fram_w);
    nod = fam_u->nod;
    lev_w = fam_u->dir_w;
    u3a_pop(_ck_fram_w);
    fam_w--;

    _ck_node(nod, &n, &k, &l, &r);
    num_d++;
    max_w = c3_max(max_w, lev_w);
    if ( u3_none != pre && _ck_cmp(pre, k) >= 0 ) {
      ok_t = 0;
    }
    pre = k;

    u3_noun cn, ck, cl, cr;
    if ( l && (c3n == _ck_node(l, &cn, &ck, &cl, &cr) || _ck_above(ck, k)) ) {
      ok_t = 0;
    }
    if ( r && (c3n == _ck_node(r, &cn, &ck, &cl, &cr) || _ck_above(ck, k)) ) {
      ok_t = 0;
    }
    nod = r;
    lev_w++;
  }
  u3a_pop(fam_w * _ck_fram_w);

  if ( cnt_d ) {
    *cnt_d = num_d;
  }
  if ( dep_w ) {
    *dep_w = max_w;
  }
  return ok_t ? c3y : c3n;
}

  /** The state.
  **/
/* _ck_state: a state unpacked; nouns are retained by the state.
*/
typedef struct {
  u3_noun map;      //  kv map
  c3_d    sal_d;    //  kv key salt
  c3_d    low_d;    //  kv: oldest live key index
  c3_d    nex_d;    //  kv: next key index
  c3_d    kvb_d;    //  kv value bytes
  c3_d    dig_d;    //  churn digest
  c3_d    chb_d;    //  churn bytes built
  u3_noun lis;      //  blobs, newest first
  c3_d    bln_d;    //  blobs held
  c3_d    blb_d;    //  blob bytes
  c3_d    eve_d;    //  events applied
  c3_d    kev_d;    //  kv events
  c3_d    cev_d;    //  churn events
  c3_d    bev_d;    //  blob events
} _ck_state;

/* _ck_parse(): unpack sat into *sat_u; c3n if it is not a state. */
static c3_o
_ck_parse(u3_noun sat, _ck_state* sat_u)
{
  u3_noun kv, ch, bl, ct, tel, sal, low, nex, kvb, dig, chb, bln, blb;
  u3_noun eve, kev, cev, bev;

  if ( c3n == u3r_qual(sat, &kv, &ch, &bl, &ct)
    || c3n == u3r_cell(kv, &sat_u->map, &tel)
    || c3n == u3r_qual(tel, &sal, &low, &nex, &kvb)
    || c3n == u3r_cell(ch, &dig, &chb)
    || c3n == u3r_trel(bl, &sat_u->lis, &bln, &blb)
    || c3n == u3r_qual(ct, &eve, &kev, &cev, &bev)
    || c3n == _ck_chub(sal, &sat_u->sal_d)
    || c3n == _ck_chub(low, &sat_u->low_d)
    || c3n == _ck_chub(nex, &sat_u->nex_d)
    || c3n == _ck_chub(kvb, &sat_u->kvb_d)
    || c3n == _ck_chub(dig, &sat_u->dig_d)
    || c3n == _ck_chub(chb, &sat_u->chb_d)
    || c3n == _ck_chub(bln, &sat_u->bln_d)
    || c3n == _ck_chub(blb, &sat_u->blb_d)
    || c3n == _ck_chub(eve, &sat_u->eve_d)
    || c3n == _ck_chub(kev, &sat_u->kev_d)
    || c3n == _ck_chub(cev, &sat_u->cev_d)
    || c3n == _ck_chub(bev, &sat_u->bev_d)
    || sat_u->low_d > sat_u->nex_d )
  {
    return c3n;
  }
  return c3y;
}

/* _ck_pack(): a state from *sat_u; transfers sat_u's map and lis. */
static u3_noun
_ck_pack(_ck_state* sat_u)
{
  return u3nq(u3nc(sat_u->map,
                   u3nq(u3i_chub(sat_u->sal_d), u3i_chub(sat_u->low_d),
                        u3i_chub(sat_u->nex_d), u3i_chub(sat_u->kvb_d))),
              u3nc(u3i_chub(sat_u->dig_d), u3i_chub(sat_u->chb_d)),
              u3nt(sat_u->lis, u3i_chub(sat_u->bln_d), u3i_chub(sat_u->blb_d)),
              u3nq(u3i_chub(sat_u->eve_d), u3i_chub(sat_u->kev_d),
                   u3i_chub(sat_u->cev_d), u3i_chub(sat_u->bev_d)));
}

/* u3_kern_boot(): the empty state. */
u3_noun
u3_kern_boot(void)
{
  _ck_state sat_u;

  memset(&sat_u, 0, sizeof(sat_u));
  return _ck_pack(&sat_u);
}

  /** kv.
  **/
/* _ck_key(): the key with index i_d: distinct indices give distinct keys. */
static inline u3_atom
_ck_key(c3_d sal_d, c3_d i_d)
{
  return u3i_chub(_ck_mix(sal_d + i_d));
}

/* _ck_value(): a random value, 16 bytes to 64 KiB, log-skewed small: the
**   octave is 12 * u^2 for u uniform, the size uniform inside the octave.
*/
static u3_atom
_ck_value(_ck_prng* rng_u)
{
  c3_d  u_d   = _ck_below(rng_u, 4096);
  c3_w  oct_w = (c3_w)((u_d * u_d * 12) >> 24);        //  0 to 11
  c3_d  bas_d = 16ULL << oct_w;
  return _ck_atom(rng_u, bas_d + _ck_below(rng_u, bas_d));
}

/* _ck_copy(): a new atom equal to atom a (retained) but not shared with
**   it: a second copy of the same bytes, as a ship stores one file in
**   several desks.
*/
static u3_atom
_ck_copy(u3_atom a)
{
  c3_w        tmp_w, len_w;
  const c3_w* buf_w = _ck_words(a, &len_w, &tmp_w);

  return u3i_words(len_w, buf_w);
}

/* _ck_fresh(): a value for a kv insert or set: with chance dup_w percent
**   (when the map has live keys), a copy of a live key's value, else a
**   random one.  No draw is made for dup_w 0, so its events are those of
**   a pier made without --dup.
*/
static u3_atom
_ck_fresh(_ck_state* sat_u, _ck_prng* rng_u, c3_w dup_w)
{
  c3_d cnt_d = sat_u->nex_d - sat_u->low_d;

  if ( dup_w && cnt_d && _ck_below(rng_u, 100) < dup_w ) {
    u3_atom key = _ck_key(sat_u->sal_d, sat_u->low_d + _ck_below(rng_u, cnt_d));
    u3_weak val = u3_kern_map_get(sat_u->map, key);

    u3z(key);
    if ( u3_none == val || c3n == u3ud(val) ) {
      u3m_bail(c3__exit);     //  a live key was missing: not our state
    }
    return _ck_copy(val);
  }
  return _ck_value(rng_u);
}

/* _ck_kv(): a kv event: update the kv fields of *sat_u (map transferred
**   in and out); dup_w percent of new values copy a live one.
*/
static void
_ck_kv(_ck_state* sat_u, c3_d sed_d, c3_w siz_w, c3_w dup_w)
{
  _ck_prng rng_u = { sed_d ^ 0x6b76ULL };
  c3_d     tgt_d = (c3_d)siz_w << 20;
  c3_w     nop_w = 2 + (c3_w)_ck_below(&rng_u, 7);

  if ( 0 == sat_u->nex_d ) {
    sat_u->sal_d = sed_d;       //  the first kv event names the keys
  }

  for ( c3_w i_w = 0; i_w < nop_w; i_w++ ) {
    c3_d    cnt_d = sat_u->nex_d - sat_u->low_d;
    c3_t    ful_t = sat_u->kvb_d >= tgt_d;
    c3_d    r_d   = _ck_below(&rng_u, 100);
    u3_noun map   = sat_u->map;
    u3_weak old;

    if ( !cnt_d || r_d < (ful_t ? 30 : 70) ) {
      u3_atom val = _ck_fresh(sat_u, &rng_u, dup_w);
      sat_u->kvb_d += u3r_met(3, val);
      sat_u->map = u3_kern_map_put(map, _ck_key(sat_u->sal_d, sat_u->nex_d++),
                                   val, &old);
      if ( u3_none != old ) {
        u3m_bail(c3__exit);     //  a fresh key was present: not our state
      }
    }
    else if ( r_d < (ful_t ? 60 : 90) ) {
      c3_d    idx_d = sat_u->low_d + _ck_below(&rng_u, cnt_d);
      u3_atom val   = _ck_fresh(sat_u, &rng_u, dup_w);
      sat_u->kvb_d += u3r_met(3, val);
      sat_u->map = u3_kern_map_put(map, _ck_key(sat_u->sal_d, idx_d), val, &old);
      if ( u3_none == old ) {
        u3m_bail(c3__exit);     //  a live key was missing: not our state
      }
      sat_u->kvb_d -= u3r_met(3, old);
    }
    else {
      u3_atom key = _ck_key(sat_u->sal_d, sat_u->low_d++);
      sat_u->map = u3_kern_map_del(map, key, &old);
      u3z(key);
      if ( u3_none == old ) {
        u3m_bail(c3__exit);
      }
      sat_u->kvb_d -= u3r_met(3, old);
    }
    //  the old map's value (old) stays alive through map until here
    u3z(map);
  }
}

  /** churn.
  **/
/* _ck_small(): a leaf: mostly a direct atom, sometimes 2 to 8 words. */
static u3_atom
_ck_small(_ck_prng* rng_u, c3_d* byt_d)
{
  c3_d r_d = _ck_next(rng_u);

  if ( (r_d & 7) < 6 ) {
    return (u3_atom)((r_d >> 32) & u3a_direct_max);
  }
  c3_w len_w = 2 + (c3_w)((r_d >> 3) % 7);
  *byt_d += _ck_slot(len_w);
  return _ck_atom(rng_u, 4ULL * len_w);
}

/* _ck_chunk(): one piece of a churn structure, adding its size to *byt_d. */
static u3_noun
_ck_chunk(_ck_prng* rng_u, c3_d* byt_d)
{
  c3_d    r_d = _ck_next(rng_u);
  u3_noun pro = 0;

  switch ( r_d & 3 ) {
    case 0: {   //  a list of pairs [index leaf]
      c3_w len_w = 8 + (c3_w)((r_d >> 8) % 25);
      for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
        pro = u3nc(u3nc(i_w, _ck_small(rng_u, byt_d)), pro);
      }
      *byt_d += 32ULL * len_w;
    } break;

    case 1: {   //  a balanced tree of 32 leaves
      u3_noun lef[32];
      for ( c3_w i_w = 0; i_w < 32; i_w++ ) {
        lef[i_w] = _ck_small(rng_u, byt_d);
      }
      for ( c3_w wid_w = 32; wid_w > 1; wid_w >>= 1 ) {
        for ( c3_w i_w = 0; i_w < wid_w / 2; i_w++ ) {
          lef[i_w] = u3nc(lef[2 * i_w], lef[2 * i_w + 1]);
        }
      }
      pro = lef[0];
      *byt_d += 16ULL * 31;
    } break;

    case 2: {   //  a medium atom, 64 bytes to 8 KiB
      c3_d len_d = 64 + (r_d >> 8) % 8129;
      pro = _ck_atom(rng_u, len_d);
      *byt_d += _ck_slot((len_d + 3) >> 2);
    } break;

    default: {  //  a list of small numbers
      c3_w len_w = 16 + (c3_w)((r_d >> 8) % 49);
      for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
        pro = u3nc((u3_atom)(_ck_next(rng_u) & 0x7fffffff), pro);
      }
      *byt_d += 16ULL * len_w;
    } break;
  }
  return pro;
}

/* u3_kern_churn_make(): churn's temporary structure for (sed_d, siz_w). */
u3_noun
u3_kern_churn_make(c3_d sed_d, c3_w siz_w, c3_d* byt_d)
{
  _ck_prng rng_u = { sed_d ^ 0x6368ULL };
  c3_d     tgt_d = (c3_d)siz_w << 20;
  c3_d     sum_d = 0;
  u3_noun  pro   = 0;

  while ( sum_d < tgt_d ) {
    pro = u3nc(_ck_chunk(&rng_u, &sum_d), pro);
    sum_d += 16;
  }
  if ( byt_d ) {
    *byt_d = sum_d;
  }
  return pro;
}

/* u3_kern_fold(): fold som (retained) into the digest dig_d. */
c3_d
u3_kern_fold(c3_d dig_d, u3_noun som)
{
  c3_w* bas_w = u3R->cap_w;

  //  pre-order: a cell mixes in a marker, then its head, then its tail
  while ( 1 ) {
    if ( _(u3a_is_pom(som)) ) {
      u3a_cell* cel_u = (u3a_cell*)(void*)u3a_to_ptr(som);
      dig_d = (dig_d ^ 0x63656c6cULL) * 0x100000001b3ULL;
      *(u3_noun*)u3a_push(1) = cel_u->tel;
      som = cel_u->hed;
      continue;
    }

    if ( _(u3a_is_cat(som)) ) {
      dig_d = (dig_d ^ som) * 0x9e3779b97f4a7c15ULL;
    }
    else {
      u3a_atom* pug_u = (u3a_atom*)(void*)u3a_to_ptr(som);
      c3_d      has_d = pug_u->len_w;
      c3_w      i_w   = 0;
      for ( ; i_w + 1 < pug_u->len_w; i_w += 2 ) {
        c3_d wor_d = pug_u->buf_w[i_w] | ((c3_d)pug_u->buf_w[i_w + 1] << 32);
        has_d = ((has_d ^ wor_d) * 0x9e3779b97f4a7c15ULL);
        has_d ^= has_d >> 29;
      }
      if ( i_w < pug_u->len_w ) {
        has_d = (has_d ^ pug_u->buf_w[i_w]) * 0x9e3779b97f4a7c15ULL;
      }
      dig_d = (dig_d ^ _ck_mix(has_d)) * 0x9e3779b97f4a7c15ULL;
    }
    dig_d ^= dig_d >> 31;

    if ( u3R->cap_w == bas_w ) {
      return _ck_mix(dig_d);
    }
    som = *(u3_noun*)u3a_peek(1);
    u3a_pop(1);
  }
}

/* _ck_churn(): a churn event: build, fold into the digest, free. */
static void
_ck_churn(_ck_state* sat_u, c3_d sed_d, c3_w siz_w)
{
  c3_d    byt_d;
  u3_noun tmp = u3_kern_churn_make(sed_d, siz_w, &byt_d);

  sat_u->dig_d  = u3_kern_fold(sat_u->dig_d, tmp);
  sat_u->chb_d += byt_d;
  u3z(tmp);
}

  /** blob.
  **/
/* _ck_take(): the first len_d items of list lis (retained, long enough),
**   a new reference sharing the items.
*/
static u3_noun
_ck_take(u3_noun lis, c3_d len_d)
{
  c3_d    i_d;
  u3_noun pro = 0;

  for ( i_d = 0; i_d < len_d; i_d++ ) {
    *(u3_noun*)u3a_push(1) = u3h(lis);
    lis = u3t(lis);
  }
  while ( i_d-- ) {
    pro = u3nc(u3k(*(u3_noun*)u3a_peek(1)), pro);
    u3a_pop(1);
  }
  return pro;
}

/* _ck_blob(): a blob event: add one atom, drop the oldest beyond the cap. */
static void
_ck_blob(_ck_state* sat_u, c3_d eve_d, c3_d sed_d, c3_w siz_w)
{
  _ck_prng rng_u = { sed_d ^ 0x626cULL };
  c3_d     max_d = (c3_d)siz_w << 20;
  c3_d     min_d = c3_min(max_d, 64ULL << 10);
  c3_d     len_d = min_d + _ck_below(&rng_u, max_d - min_d + 1);
  c3_d     cap_d = 2 * max_d;
  c3_t     one_t = 0 == _ck_below(&rng_u, 4);

  //  keep the newest, then old ones while they fit under the cap
  c3_d    kep_d = 0, sum_d = len_d;
  c3_t    all_t = 1;        //  every old blob kept
  u3_noun lis   = sat_u->lis;
  while ( lis ) {
    u3_noun ent, eve, dat;
    if ( c3n == u3r_cell(lis, &ent, &lis) || c3n == u3r_cell(ent, &eve, &dat)
      || c3n == u3ud(dat) )
    {
      u3m_bail(c3__exit);
    }
    c3_d byt_d = u3r_met(3, dat);
    if ( sum_d + byt_d > cap_d ) {
      all_t = 0;
      break;
    }
    sum_d += byt_d;
    kep_d++;
  }
  if ( one_t && kep_d ) {
    //  like deleting a file: drop the oldest kept one too
    u3_noun las = sat_u->lis;
    for ( c3_d i_d = 1; i_d < kep_d; i_d++ ) {
      las = u3t(las);
    }
    sum_d -= u3r_met(3, u3t(u3h(las)));
    kep_d--;
    all_t = 0;
  }

  u3_noun dat = _ck_atom(&rng_u, len_d);
  u3_noun old = all_t ? u3k(sat_u->lis)
                                          : _ck_take(sat_u->lis, kep_d);
  sat_u->lis   = u3nc(u3nc(u3i_chub(eve_d), dat), old);
  sat_u->bln_d = kep_d + 1;
  sat_u->blb_d = sum_d;
}

  /** Events.
  **/
/* _ck_kind(): the workload an ovum's kind names; -1 if none. */
static c3_i
_ck_kind(u3_noun kin)
{
  c3_d kin_d;

  if ( c3n == _ck_chub(kin, &kin_d) ) {
    return -1;
  }
  for ( c3_i i_i = 0; i_i < u3_kern_mixed; i_i++ ) {
    const c3_c* nam_c = _ck_names[i_i];
    c3_d        nam_d = 0;
    for ( c3_w j_w = 0; nam_c[j_w]; j_w++ ) {
      nam_d |= (c3_d)(c3_y)nam_c[j_w] << (8 * j_w);
    }
    if ( nam_d == kin_d ) {
      return i_i;
    }
  }
  return -1;
}

/* u3_kern_ovum(): event eve_d of workload wok_i: [kind eve sed siz]. */
u3_noun
u3_kern_ovum(c3_i wok_i, c3_d sed_d, c3_d eve_d, c3_w siz_w)
{
  return u3_kern_ovum_dup(wok_i, sed_d, eve_d, siz_w, 0);
}

/* u3_kern_ovum_dup(): the same with duplicates: [kind eve sed siz dup]
**   when dup_w is not 0.
*/
u3_noun
u3_kern_ovum_dup(c3_i wok_i, c3_d sed_d, c3_d eve_d, c3_w siz_w, c3_w dup_w)
{
  c3_assert( wok_i >= 0 && wok_i < u3_kern_works );

  c3_d has_d = _ck_mix(sed_d ^ _ck_mix(eve_d));
  c3_i kin_i = wok_i;

  if ( u3_kern_mixed == wok_i ) {
    c3_d pic_d = has_d % 100;
    kin_i = ( pic_d < 60 ) ? u3_kern_kv
          : ( pic_d < 90 ) ? u3_kern_churn
          : u3_kern_blob;
  }
  return u3nq(u3i_string(_ck_names[kin_i]),
              u3i_chub(eve_d),
              u3i_chub(_ck_mix(has_d)),
              dup_w ? u3nc(u3i_word(siz_w), u3i_word(dup_w)) : u3i_word(siz_w));
}

/* u3_kern_poke(): apply ovo to sat (retains both): the new state. */
u3_noun
u3_kern_poke(u3_noun sat, u3_noun ovo)
{
  u3_noun   kin, eve, sed, siz, dup = 0;
  c3_d      eve_d, sed_d, siz_d, dup_d = 0;
  c3_i      kin_i;
  _ck_state sat_u;

  if ( c3n == u3r_qual(ovo, &kin, &eve, &sed, &siz) ) {
    u3m_bail(c3__exit);
  }
  if ( c3y == u3du(siz)     //  [siz dup]: a workload with duplicates
       && ( c3n == u3r_cell(siz, &siz, &dup)
         || c3n == _ck_chub(dup, &dup_d) || dup_d < 1 || dup_d > 100 ) )
  {
    u3m_bail(c3__exit);
  }
  if ( 0 > (kin_i = _ck_kind(kin))
    || c3n == _ck_chub(eve, &eve_d)
    || c3n == _ck_chub(sed, &sed_d)
    || c3n == _ck_chub(siz, &siz_d)
    || siz_d < 1 || siz_d > u3_kern_size_max
    || c3n == _ck_parse(sat, &sat_u) )
  {
    u3m_bail(c3__exit);
  }

  sat_u.map = u3k(sat_u.map);
  sat_u.lis = u3k(sat_u.lis);
  sat_u.eve_d++;

  switch ( kin_i ) {
    case u3_kern_kv: {
      sat_u.kev_d++;
      _ck_kv(&sat_u, sed_d, (c3_w)siz_d, (c3_w)dup_d);
    } break;

    case u3_kern_churn: {
      sat_u.cev_d++;
      _ck_churn(&sat_u, sed_d, (c3_w)siz_d);
    } break;

    default: {
      u3_noun lis = sat_u.lis;
      sat_u.bev_d++;
      _ck_blob(&sat_u, eve_d, sed_d, (c3_w)siz_d);
      u3z(lis);
    } break;
  }
  return _ck_pack(&sat_u);
}

/* u3_kern_poke_cell(): u3_kern_poke on [sat ovo] (retained). */
u3_noun
u3_kern_poke_cell(u3_noun arg)
{
  u3_noun sat, ovo;

  if ( c3n == u3r_cell(arg, &sat, &ovo) ) {
    u3m_bail(c3__exit);
  }
  return u3_kern_poke(sat, ovo);
}

  /** Reports.
  **/
/* u3_kern_info_get(): describe sat (retained); c3n if not a state. */
c3_o
u3_kern_info_get(u3_noun sat, u3_kern_info* inf_u)
{
  _ck_state sat_u;

  memset(inf_u, 0, sizeof(*inf_u));
  if ( c3n == _ck_parse(sat, &sat_u) ) {
    return c3n;
  }
  inf_u->eve_d   = sat_u.eve_d;
  inf_u->kv_d    = sat_u.kev_d;
  inf_u->churn_d = sat_u.cev_d;
  inf_u->blob_d  = sat_u.bev_d;
  inf_u->key_d   = sat_u.nex_d - sat_u.low_d;
  inf_u->kvb_d   = sat_u.kvb_d;
  inf_u->bln_d   = sat_u.bln_d;
  inf_u->blb_d   = sat_u.blb_d;
  inf_u->chb_d   = sat_u.chb_d;
  inf_u->dig_d   = sat_u.dig_d;
  return c3y;
}

/* u3_kern_stats(): print a one-line summary of sat (retained). */
void
u3_kern_stats(u3_noun sat, FILE* fil_u)
{
  u3_kern_info inf_u;

  if ( c3n == u3_kern_info_get(sat, &inf_u) ) {
    fprintf(fil_u, "kernel: the state is not a kernel state\n");
    return;
  }
  fprintf(fil_u, "kernel: %llu events (kv %llu, churn %llu, blob %llu); "
                 "kv %llu keys %.1f MiB; blob %llu atoms %.1f MiB; "
                 "churn %.1f MiB built, digest %016llx\n",
          (unsigned long long)inf_u.eve_d, (unsigned long long)inf_u.kv_d,
          (unsigned long long)inf_u.churn_d, (unsigned long long)inf_u.blob_d,
          (unsigned long long)inf_u.key_d, inf_u.kvb_d / 1048576.0,
          (unsigned long long)inf_u.bln_d, inf_u.blb_d / 1048576.0,
          inf_u.chb_d / 1048576.0, (unsigned long long)inf_u.dig_d);
}
