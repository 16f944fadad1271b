/// @file manage.c
/// u3m: mapping the loom, the home road, inner roads and bail.
///
/// The loom is one mapping of 2^bits bytes at a fixed address.  Page 0
/// holds the home header (u3H) with the home road; the home heap grows up
/// from page 1 and its stack down from the top of the loom.
///
/// An inner road takes the whole free gap of its parent, page-aligned, and
/// grows the other way: the child of a north road has its heap at the top
/// of the gap growing down and its stack at the bottom growing up; its
/// road header sits at its stack's base.  While a road runs, its parent is
/// frozen: no allocation, no refcount change.  Leaving a road either
/// discards it (u3m_fall) or copies its product up (u3m_love); for the
/// copy, the parent's stack frontier is moved to the child's heap
/// frontier, so the child's heap is out of reach of the parent's heap and
/// stack until the copy is done.
///
/// A bail longjmps to the nearest road armed by u3m_soft, which discards
/// everything below it; the roads above are exactly as they were.
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "c3/crc.h"
#include "c3/portable.h"
#include "noun/log.h"
#include "noun/manage.h"
#include "noun/events.h"
#include "noun/imprison.h"
#include "noun/options.h"

#define _cm_slot_fill      15360      //  bytes a slot page holds at worst
#define _cm_altstack_bytes (64 << 10) //  the fault handler's own stack

u3m_home* u3H;

/* _cm_loom_bytes(): size of the loom. */
static inline c3_d
_cm_loom_bytes(void)
{
  return 1ULL << u3C.bits_w;
}

c3_i
u3m_init(c3_w bits_w)
{
  if ( bits_w < u3a_bits_min || bits_w > u3a_bits_max ) {
    u3l_log("loom: size 2^%u bytes is out of range: "
            "the loom takes 2^%u (16 MiB) to 2^%u (16 GiB) bytes\n",
            bits_w, u3a_bits_min, u3a_bits_max);
    return -1;
  }

  long pag_l = sysconf(_SC_PAGESIZE);
  if ( pag_l <= 0 || (u3a_page_bytes % (c3_d)pag_l) ) {
    u3l_log("loom: system page size %ld does not divide the loom's "
            "%u-byte pages\n", pag_l, u3a_page_bytes);
    return -1;
  }

  //  lazy pages (--loom-lazy, or a swap file) start read-only and
  //  unreserved: no RAM, no commit charge until written
  c3_t  lzy_t = _(u3C.lazy_o) || u3C.swap_c;
  c3_d  len_d = 1ULL << bits_w;
  void* ptr_v = mmap(u3a_loom_base, len_d,
                     lzy_t ? PROT_READ : (PROT_READ | PROT_WRITE),
                     MAP_PRIVATE | MAP_ANONYMOUS | c3_map_noreplace
                     | (lzy_t ? MAP_NORESERVE : 0), -1, 0);
  if ( MAP_FAILED == ptr_v ) {
    if ( EEXIST == errno ) {
      u3l_log("loom: the loom's address %p (%llu bytes) is already "
              "mapped in this process\n",
              (void*)u3a_loom_base, (unsigned long long)len_d);
    }
    else {
      u3l_log("loom: mmap %llu bytes at %p: %s\n",
              (unsigned long long)len_d, (void*)u3a_loom_base, strerror(errno));
    }
    return -1;
  }
  if ( ptr_v != (void*)u3a_loom_base ) {
    //  a kernel without c3_map_noreplace treats the address as a hint
    munmap(ptr_v, len_d);
    u3l_log("loom: the loom's address %p is not available\n",
            (void*)u3a_loom_base);
    return -1;
  }

  u3C.bits_w  = bits_w;
  u3C.pages_w = (c3_w)(len_d >> u3a_page_bits);
  u3H = 0;
  u3R = 0;
  return 0;
}

void
u3m_fini(void)
{
  if ( u3C.pages_w ) {
    munmap(u3a_loom_base, _cm_loom_bytes());
  }
  u3H = 0;
  u3R = 0;
  u3a_Page = 0;
  u3a_Free = 0;
}

void
u3m_pave(void)
{
  u3H = (u3m_home*)(void*)u3a_loom_base;
  memset(u3H, 0, sizeof(*u3H));
  u3H->mag_w      = u3m_home_magic;
  u3H->ver_w      = u3m_home_version;
  u3H->bits_w     = u3C.bits_w;
  u3H->pag_bits_w = u3a_page_bits;

  u3a_road* rod_u = &u3H->rod_u;
  rod_u->par_u = 0;
  rod_u->nor_o = c3y;
  rod_u->mat_w = u3a_page_ptr(1);
  rod_u->hat_w = rod_u->mat_w;
  rod_u->ear_w = (c3_w*)(void*)(u3a_loom_base + _cm_loom_bytes());
  rod_u->cap_w = rod_u->ear_w;
  u3a_init_road(rod_u);
  u3a_init_meta(rod_u, u3C.pages_w);
  u3R = rod_u;
}

/* _cm_header_bytes(): bytes an inner road's header takes, 16-aligned. */
static inline c3_d
_cm_header_bytes(void)
{
  return (sizeof(u3a_road) + 15) & ~(c3_d)15;
}

void
u3m_leap(void)
{
  u3a_road* par_u = u3R;
  u3a_road* kid_u;
  c3_d      pag_d = u3a_page_bytes;
  c3_y*     lo_y;
  c3_y*     hi_y;

  if ( _(par_u->nor_o) ) {
    lo_y = (c3_y*)par_u->hat_w;
    hi_y = (c3_y*)((c3_d)(c3_y*)par_u->cap_w & ~(pag_d - 1));
  }
  else {
    lo_y = (c3_y*)(((c3_d)(c3_y*)par_u->cap_w + pag_d - 1) & ~(pag_d - 1));
    hi_y = (c3_y*)par_u->hat_w;
  }
  if ( hi_y < lo_y || (c3_d)(hi_y - lo_y) < 2 * pag_d ) {
    u3m_bail(c3__meme);
  }

  if ( _(par_u->nor_o) ) {
    kid_u = (u3a_road*)(void*)lo_y;
    kid_u->nor_o = c3n;
    kid_u->mat_w = (c3_w*)(void*)hi_y;
    kid_u->ear_w = (c3_w*)(void*)(lo_y + _cm_header_bytes());
  }
  else {
    kid_u = (u3a_road*)(void*)(hi_y - _cm_header_bytes());
    kid_u->nor_o = c3y;
    kid_u->mat_w = (c3_w*)(void*)lo_y;
    kid_u->ear_w = (c3_w*)(void*)kid_u;
  }
  kid_u->hat_w = kid_u->mat_w;
  kid_u->cap_w = kid_u->ear_w;
  if ( _(kid_u->nor_o) ) {
    u3a_touch_dn((c3_w*)(void*)kid_u);
  }
  else {
    u3a_touch_up(kid_u->ear_w);
  }
  kid_u->par_u = par_u;
  kid_u->arm_w = 0;
  u3a_init_road(kid_u);
  u3R = kid_u;
}

/* _cm_span(): the pages inner road kid_u took of its parent's gap when it
**   was made (u3m_leap), as [*lo_y, *hi_y).
*/
static void
_cm_span(const u3a_road* kid_u, c3_y** lo_y, c3_y** hi_y)
{
  if ( _(kid_u->nor_o) ) {
    *lo_y = (c3_y*)kid_u->mat_w;
    *hi_y = (c3_y*)kid_u + _cm_header_bytes();
  }
  else {
    *lo_y = (c3_y*)kid_u;
    *hi_y = (c3_y*)kid_u->mat_w;
  }
}

void
u3m_fall(void)
{
  u3a_road* kid_u = u3R;
  c3_y      *lo_y, *hi_y;

  c3_assert( kid_u->par_u );
  _cm_span(kid_u, &lo_y, &hi_y);
  u3R = kid_u->par_u;
  u3a_free_forget(lo_y, hi_y);
}

/* _cm_love_reserve(): with lazy pages, back what taking pro up will need
**   (the parent's frontier and the copy's stack) before leaving the road,
**   so that a full disk bails the computation, not the parent halfway
**   through the copy.
*/
static void
_cm_love_reserve(u3a_road* kid_u, u3a_road* par_u, u3_noun pro)
{
  c3_d byt_d, pag_d, cel_d;
  c3_w *lo_w, *hi_w;
  u3e_reserve_e res_e;

  u3a_take_need(pro, &byt_d, &pag_d, &cel_d);

  //  slot pages are never quite full (at worst _cm_slot_fill of 16384
  //  bytes), and each class may start a page
  c3_d num_d = (byt_d / _cm_slot_fill) + u3a_classes + 1 + pag_d;
  c3_d stk_d = (cel_d * 8) + u3a_page_bytes;
  c3_d gap_d = _(par_u->nor_o)
               ? (c3_d)((c3_y*)kid_u->hat_w - (c3_y*)par_u->hat_w)
               : (c3_d)((c3_y*)par_u->hat_w - (c3_y*)kid_u->hat_w);
  c3_d hep_d = c3_min(num_d << u3a_page_bits, gap_d);
  stk_d = c3_min(stk_d, gap_d);

  if ( _(par_u->nor_o) ) {
    lo_w = par_u->hat_w;
    hi_w = (c3_w*)((c3_y*)par_u->hat_w + hep_d);
    res_e = u3e_reserve(lo_w, hi_w);
    if ( u3e_reserve_done == res_e ) {
      res_e = u3e_reserve((c3_w*)((c3_y*)kid_u->hat_w - stk_d), kid_u->hat_w);
    }
  }
  else {
    lo_w = (c3_w*)((c3_y*)par_u->hat_w - hep_d);
    hi_w = par_u->hat_w;
    res_e = u3e_reserve(lo_w, hi_w);
    if ( u3e_reserve_done == res_e ) {
      res_e = u3e_reserve(kid_u->hat_w, (c3_w*)((c3_y*)kid_u->hat_w + stk_d));
    }
  }
  if ( u3e_reserve_done != res_e ) {
    u3m_bail(( u3e_reserve_full == res_e ) ? c3__full : c3__meme);
  }
}

u3_noun
u3m_love(u3_noun pro)
{
  u3a_road* kid_u = u3R;
  u3a_road* par_u = kid_u->par_u;
  c3_w*     cap_w = par_u->cap_w;
  c3_y      *lo_y, *hi_y;

  c3_assert( par_u );
  //  the span first: the take may grow the parent's heap over the header
  _cm_span(kid_u, &lo_y, &hi_y);
  if ( _(u3e_lazy()) ) {
    _cm_love_reserve(kid_u, par_u, pro);
  }
  kid_u->arm_w = 0;
  if ( _(kid_u->nor_o) ) {
    par_u->jlo_w = kid_u->mat_w;
    par_u->jhi_w = kid_u->hat_w;
  }
  else {
    par_u->jlo_w = kid_u->hat_w;
    par_u->jhi_w = kid_u->mat_w;
  }
  par_u->cap_w = kid_u->hat_w;
  u3R = par_u;

  pro = u3a_take(pro);

  par_u->cap_w = cap_w;
  par_u->jlo_w = par_u->jhi_w = 0;
  u3a_free_forget(lo_y, hi_y);
  return pro;
}

u3_noun
u3m_soft(u3_noun (*fun_f)(u3_noun), u3_noun arg)
{
  u3m_leap();
  u3R->arm_w = 1;

  if ( 0 != setjmp(u3R->esc_u) ) {
    c3_w    how_w = u3R->how_w;
    u3_noun tax   = u3R->tax;

    //  the bail left this road's heap whole: take the detail up
    u3R->arm_w = 0;
    if ( c3__meme == how_w || 0 == tax ) {
      u3m_fall();
      tax = 0;
    }
    else {
      tax = u3m_love(tax);
    }
    return u3nc(how_w, tax);
  }

  u3_noun pro = fun_f(arg);
  //  still armed: making room for the product may bail (u3m_love disarms)
  pro = u3m_love(pro);
  return u3nc(0, pro);
}

const c3_c*
u3m_mote(c3_w how_w, c3_c* buf_c)
{
  for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
    c3_y byt_y = (c3_y)(how_w >> (8 * i_w));
    buf_c[i_w] = (byt_y >= 0x20 && byt_y < 0x7f) ? (c3_c)byt_y : 0;
  }
  buf_c[4] = 0;
  return buf_c;
}

static u3m_fail_f _cm_fail_f;    //  the runtime's answer to a home bail

void
u3m_on_fail(u3m_fail_f fal_f)
{
  _cm_fail_f = fal_f;
}

void
u3m_bail_with(c3_w how_w, u3_noun tax)
{
  u3a_road* rod_u = u3R;

  while ( rod_u && !rod_u->arm_w ) {
    rod_u = rod_u->par_u;
  }
  if ( !rod_u ) {
    c3_c mot_c[5];
    u3m_mote(how_w, mot_c);
    if ( c3__full == how_w ) {
      //  the environment, not a bug; the event log keeps every event
      u3l_log("loom: swap file: no space (%s) for page %u of the home "
              "road, outside any event: stopping without a snapshot\n",
              strerror(u3e_Stat.swap_err_i), u3e_Stat.swap_pag_w);
    }
    else if ( c3__meme == how_w ) {
      u3l_log("loom: out of memory on the home road, outside any "
              "event: stopping without a snapshot\n");
    }
    else {
      u3l_log("loom: bail %%%s on the home road: no computation to "
              "abandon\n", mot_c);
    }
    if ( _cm_fail_f ) {
      _cm_fail_f(how_w);
    }
    abort();
  }
  rod_u->how_w = how_w;
  rod_u->tax   = ( rod_u == u3R ) ? tax : 0;
  u3R = rod_u;
  longjmp(rod_u->esc_u, 1);
}

void
u3m_bail(c3_w how_w)
{
  u3m_bail_with(how_w, 0);
}

void
u3m_water(c3_d* low_d, c3_d* hig_d)
{
  u3a_road* hom_u = &u3H->rod_u;

  *low_d = (c3_d)((c3_y*)hom_u->hat_w - u3a_loom_base);
  *hig_d = (c3_d)((u3a_loom_base + _cm_loom_bytes()) - (c3_y*)hom_u->cap_w);
}

c3_w
u3m_depth(void)
{
  c3_w dep_w = 0;
  for ( u3a_road* rod_u = u3R; rod_u->par_u; rod_u = rod_u->par_u ) {
    dep_w++;
  }
  return dep_w;
}

  /** Booting and saving a pier.
  **/
c3_w
u3m_header_sum(const u3m_home* hom_u)
{
  u3m_home tmp_u;
  //  a version 2 header ends where mug_w begins
  c3_z     len_z = ( 2 == hom_u->ver_w ) ? offsetof(u3m_home, mug_w)
                                         : sizeof(tmp_u);
  memcpy(&tmp_u, hom_u, sizeof(tmp_u));
  tmp_u.sum_w = 0;
  return c3_crc32c(0, &tmp_u, len_z);
}

u3m_head_e
u3m_header_fits(const u3m_home* hom_u, c3_w bits_w)
{
  if ( u3m_home_magic != hom_u->mag_w ) {
    return u3m_head_alien;
  }
  if ( hom_u->ver_w < u3m_home_version_min || hom_u->ver_w > u3m_home_version
       || u3a_page_bits != hom_u->pag_bits_w
       || hom_u->bits_w < u3a_bits_min || hom_u->bits_w > u3a_bits_max
       || (bits_w && bits_w != hom_u->bits_w) )
  {
    return ( hom_u->sum_w != u3m_header_sum(hom_u) ) ? u3m_head_damaged
                                                     : u3m_head_other;
  }
  return u3m_head_fits;
}

c3_o
u3m_header_check(const u3m_home* hom_u, c3_w bits_w, c3_w nor_w, c3_o* ref_o)
{
  u3m_head_e fit_e = u3m_header_fits(hom_u, bits_w);

  *ref_o = c3n;
  if ( u3m_head_alien == fit_e ) {
    u3l_log("loom: image header: bad magic 0x%08x\n", hom_u->mag_w);
    return c3n;
  }
  if ( hom_u->sum_w != u3m_header_sum(hom_u) ) {
    u3l_log("loom: image header: checksum mismatch (damaged)\n");
    return c3n;
  }
  if ( u3m_head_fits == fit_e ) {
    //  the format and geometry asked for: on to the home road
  }
  else if ( hom_u->ver_w < u3m_home_version_min || hom_u->ver_w > u3m_home_version ) {
    u3l_log("loom: image format version %u, this runtime reads only "
            "versions %u to %u: the image cannot be used; the state can be "
            "rebuilt from an event log that starts at event 1 by "
            "moving the pier's .urb/chk aside\n",
            hom_u->ver_w, u3m_home_version_min, u3m_home_version);
    *ref_o = c3y;
    return c3n;
  }
  else {
    u3l_log("loom: the pier's loom is 2^%u bytes with 2^%u-byte pages; "
            "this run asked for 2^%u bytes with 2^%u-byte pages\n",
            hom_u->bits_w, hom_u->pag_bits_w, bits_w, u3a_page_bits);
    *ref_o = c3y;
    return c3n;
  }

  //  the home road must lie inside the loom and end where the image ends
  const u3a_road* rod_u = &hom_u->rod_u;
  c3_y* bas_y = u3a_loom_base;
  c3_y* end_y = u3a_loom_base + (1ULL << bits_w);
  c3_y* mat_y = (c3_y*)rod_u->mat_w;
  c3_y* hat_y = (c3_y*)rod_u->hat_w;
  c3_y* ear_y = (c3_y*)rod_u->ear_w;
  if ( c3y != rod_u->nor_o || rod_u->par_u
       || mat_y != bas_y + u3a_page_bytes
       || hat_y < mat_y || hat_y > end_y || ear_y != end_y
       || ((c3_d)(hat_y - bas_y) & (u3a_page_bytes - 1))
       || u3a_page_of(hat_y) != nor_w
       || rod_u->met_w != u3a_meta_pages((c3_w)((c3_d)(end_y - bas_y) >> u3a_page_bits)) )
  {
    u3l_log("loom: image header: home road out of bounds "
            "(heap %p..%p, image %u pages)\n", (void*)mat_y, (void*)hat_y, nor_w);
    return c3n;
  }
  return c3y;
}

static c3_t _cm_read_t;     //  booted read-only: saves are refused

/* _cm_boot(): u3m_boot, or with red_t u3m_boot_read. */
static c3_i
_cm_boot(const c3_c* dir_c, c3_w bits_w, c3_t red_t)
{
  c3_w nor_w = 0;
  c3_i liv_i;

  _cm_read_t = red_t;
  if ( u3m_init(bits_w) || u3m_signals() || u3e_init() ) {
    return u3m_boot_failed;
  }
  liv_i = red_t ? u3e_live_read(dir_c, &nor_w) : u3e_live(dir_c, &nor_w);
  if ( liv_i ) {
    u3m_stop();
    switch ( liv_i ) {
      case u3e_live_damaged: return u3m_boot_damaged;
      case u3e_live_refused: return u3m_boot_refused;
      default:               return u3m_boot_failed;
    }
  }
  if ( 0 == nor_w ) {
    u3m_pave();
    u3e_ward(u3R->hat_w, u3R->cap_w);
    return u3m_boot_new;
  }

  c3_o ref_o;
  u3m_home* hom_u = (u3m_home*)(void*)u3a_loom_base;
  if ( c3n == u3m_header_check(hom_u, bits_w, nor_w, &ref_o) ) {
    u3m_stop();
    return _(ref_o) ? u3m_boot_refused : u3m_boot_damaged;
  }

  u3H = hom_u;
  u3R = &u3H->rod_u;
  if ( u3m_home_version != u3H->ver_w ) {
    //  an older header keeps no state mug: the next save writes this one
    u3H->ver_w = u3m_home_version;
    u3H->mug_w = 0;
    u3H->fut_w = 0;
  }
  u3a_attach(u3R, u3C.pages_w);
  u3e_ward(u3R->hat_w, u3R->cap_w);
  return u3m_boot_resumed;
}

c3_i
u3m_boot(const c3_c* dir_c, c3_w bits_w)
{
  return _cm_boot(dir_c, bits_w, 0);
}

c3_i
u3m_boot_read(const c3_c* dir_c, c3_w bits_w)
{
  return _cm_boot(dir_c, bits_w, 1);
}

c3_i
u3m_save(void)
{
  if ( _cm_read_t ) {
    u3l_log("loom: save: the pier was booted read-only\n");
    return -1;
  }
  c3_assert( u3R == &u3H->rod_u );
  u3H->rod_u.cap_w = u3H->rod_u.ear_w;
  u3H->sum_w = u3m_header_sum(u3H);
  return u3e_save(u3a_page_of(u3H->rod_u.hat_w));
}

void
u3m_stop(void)
{
  u3e_stop();
  u3m_fini();
}

  /** Signals.
  ***
  ***   SIGSEGV runs on an alternate stack (a fault may come from a stack
  ***   overflow) and does only async-signal-safe work: a loom address goes
  ***   to u3e_fault; a guard-page hit with no room left abandons the
  ***   running computation (bail meme); anything else is a real crash,
  ***   reported in one line and re-raised with the default action.
  **/
static c3_y _cm_altstack_y[_cm_altstack_bytes];
static c3_t _cm_signals_t;

void
u3m_say(const c3_c* str_c)
{
  c3_z len_z = strlen(str_c);
  while ( len_z ) {
    ssize_t ret_i = write(2, str_c, len_z);
    if ( ret_i <= 0 ) {
      if ( ret_i < 0 && EINTR == errno ) continue;
      return;
    }
    str_c += ret_i;
    len_z -= (c3_z)ret_i;
  }
}

/* _cm_hex(): format a pointer in hex into buf_c (19 bytes). */
static void
_cm_hex(c3_d val_d, c3_c* buf_c)
{
  buf_c[0] = '0';
  buf_c[1] = 'x';
  for ( c3_w i_w = 0; i_w < 16; i_w++ ) {
    c3_y nib_y = (c3_y)((val_d >> (4 * (15 - i_w))) & 15);
    buf_c[2 + i_w] = (c3_c)(nib_y < 10 ? '0' + nib_y : 'a' + nib_y - 10);
  }
  buf_c[18] = 0;
}

/* _cm_signal_segv(): the SIGSEGV/SIGBUS handler. */
static void
_cm_signal_segv(c3_i sig_i, siginfo_t* inf_u, void* ctx_v)
{
  c3_i  err_i = errno;
  c3_y* adr_y = (c3_y*)inf_u->si_addr;
  (void)ctx_v;

  if ( SIGSEGV == sig_i
       && u3C.pages_w
       && adr_y >= u3a_loom_base
       && adr_y < u3a_loom_base + _cm_loom_bytes() )
  {
    u3e_fault_e fal_e = u3e_fault(adr_y);
    switch ( fal_e ) {
      case u3e_fault_alien: break;
      case u3e_fault_done: {
        errno = err_i;
        return;
      }
      case u3e_fault_meme:
      case u3e_fault_full: {
        //  out of loom or out of swap file space: abandon the event.
        //  Unblock the signal first, since we leave the handler by
        //  longjmp, not by returning.
        sigset_t set_u;
        sigemptyset(&set_u);
        sigaddset(&set_u, SIGSEGV);
        sigprocmask(SIG_UNBLOCK, &set_u, 0);
        u3m_bail(( u3e_fault_meme == fal_e ) ? c3__meme : c3__full);
      }
    }
  }

  c3_c hex_c[19];
  _cm_hex((c3_d)(uintptr_t)adr_y, hex_c);
  u3m_say(SIGSEGV == sig_i ? "\nurbit: segmentation fault at "
                           : "\nurbit: bus error at ");
  u3m_say(hex_c);
  u3m_say(( adr_y >= u3a_loom_base
            && adr_y < u3a_loom_base + (1ULL << u3a_bits_max) )
          ? " (in the loom, not a tracked page)\n"
          : " (outside the loom)\n");
  signal(sig_i, SIG_DFL);
  raise(sig_i);
}

c3_i
u3m_signals(void)
{
  if ( _cm_signals_t ) {
    return 0;
  }
  stack_t stk_u;
  stk_u.ss_sp    = _cm_altstack_y;
  stk_u.ss_size  = sizeof(_cm_altstack_y);
  stk_u.ss_flags = 0;
  if ( sigaltstack(&stk_u, 0) ) {
    u3l_log("loom: sigaltstack: %s\n", strerror(errno));
    return -1;
  }

  struct sigaction act_u;
  memset(&act_u, 0, sizeof(act_u));
  act_u.sa_sigaction = _cm_signal_segv;
  act_u.sa_flags     = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&act_u.sa_mask);
  if ( sigaction(SIGSEGV, &act_u, 0) || sigaction(SIGBUS, &act_u, 0) ) {
    u3l_log("loom: sigaction: %s\n", strerror(errno));
    return -1;
  }
  _cm_signals_t = 1;
  return 0;
}
