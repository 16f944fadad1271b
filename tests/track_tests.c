/// @file track_tests.c
/// Dirty tracking, the guard page and release, checked against what the
/// kernel and the disk actually hold rather than against our own counters:
///
///   - the guard page is PROT_NONE (per /proc/self/maps), inside the home
///     road's gap, after a fresh boot, after every save and after a resume;
///   - a patch holds exactly the pages written since the last save, with
///     mprotect and with userfaultfd tracking alike, in a fork's child too
///     (counted in the pages the save writes);
///   - release (u3e_release) with and without demand paging, in free and
///     dontneed modes: afterwards every clean page still equals its copy in
///     north.bin, and a full walk of the state (no cached mug) is unchanged;
///   - while a save's patch is still being applied to north.bin (held back
///     2 s), u3e_drop_clean (pack, meld) drops none of its pages: a live
///     page dropped then would read its old contents back; once applied,
///     it and release give clean pages back (their page-table entries,
///     /proc/self/pagemap).
///   - an image saved with a page of the home road's gap marked free in
///     the free-page bitmap (as a runtime that kept an ended road's bits
///     left one) starts with the bit cleared.
///
/// Each scenario runs in a child process with its own loom, once per
/// tracking backend this machine offers; when userfaultfd is unavailable,
/// the reason is printed.
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c3/bitmap.h"
#include "test.h"
#include "harness.h"
#include "noun/events.h"
#include "noun/options.h"

  /** Processes, files.
  **/
/* _t_boot(): u3m_boot pier dir_c in a loom of 2^bits_w bytes (the
**   runtime's own start, guard page included); 0 or -1.
*/
static c3_i
_t_boot(const c3_c* dir_c, c3_w bits_w)
{
  c3_i ret_i = u3m_boot(dir_c, bits_w);
  if ( u3m_boot_new != ret_i && u3m_boot_resumed != ret_i ) {
    T_OK(0, "boot %s: %d", dir_c, ret_i);
    return -1;
  }
  T_OK(!strcmp(t_track_c, u3e_tracking()), "tracking by %s (got %s)",
       t_track_c, u3e_tracking());
  return 0;
}

/* _t_list(): a list of num_w atoms of wor_w words each, seeded (new). */
static u3_noun
_t_list(c3_w sed_w, c3_w num_w, c3_w wor_w)
{
  c3_w*   buf_w = malloc((c3_z)wor_w * 4);
  u3_noun lis = u3_nul;

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    for ( c3_w j_w = 0; j_w < wor_w; j_w++ ) {
      c3_d x_d = ((c3_d)sed_w << 40) ^ ((c3_d)i_w << 20) ^ j_w;
      x_d = (x_d ^ (x_d >> 29)) * 0xbf58476d1ce4e5b9ULL;
      buf_w[j_w] = (c3_w)(x_d ^ (x_d >> 32)) | 1;
    }
    lis = u3nc(u3i_words(wor_w, buf_w), lis);
  }
  free(buf_w);
  return lis;
}

/* _t_hash(): a hash of som's whole structure and every atom's words,
**   computed afresh (cached mugs are never read).
*/
static c3_d
_t_hash(u3_noun som)
{
  c3_d has_d = 0xcbf29ce484222325ULL;

  while ( 1 ) {
    if ( c3y == u3ud(som) ) {
      c3_w len_w = u3r_met(5, som);
      has_d = (has_d ^ (0xa70 + len_w)) * 0x100000001b3ULL;
      for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
        has_d = (has_d ^ u3r_word(i_w, som)) * 0x100000001b3ULL;
      }
      return has_d;
    }
    //  heads recursively, tails in the loop: lists are long, not deep
    has_d = (has_d ^ 0xce11 ^ _t_hash(u3h(som))) * 0x100000001b3ULL;
    som = u3t(som);
  }
}

  /** The guard page.
  **/
/* _t_guards(): the PROT_NONE ranges inside the loom, per /proc/self/maps:
**   how many, and the first as [*bot_w, *top_w) in pages.
*/
static c3_w
_t_guards(c3_w* bot_w, c3_w* top_w)
{
  FILE*     fil_u = fopen("/proc/self/maps", "r");
  uintptr_t bas_p = (uintptr_t)u3a_loom_base;
  uintptr_t end_p = bas_p + ((uintptr_t)u3C.pages_w << u3a_page_bits);
  c3_c      lin_c[512];
  c3_w      num_w = 0;

  *bot_w = *top_w = 0;
  if ( !fil_u ) {
    T_OK(0, "open /proc/self/maps: %s", strerror(errno));
    return 0;
  }
  while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
    unsigned long lo_l, hi_l;
    c3_c prm_c[8];
    if ( 3 != sscanf(lin_c, "%lx-%lx %7s", &lo_l, &hi_l, prm_c)
         || lo_l < bas_p || hi_l > end_p || strncmp(prm_c, "---", 3) )
    {
      continue;
    }
    if ( 0 == num_w++ ) {
      *bot_w = (c3_w)((lo_l - bas_p) >> u3a_page_bits);
      *top_w = (c3_w)((hi_l - bas_p) >> u3a_page_bits);
    }
  }
  fclose(fil_u);
  return num_w;
}

/* _t_guard_ok(): one guard page, PROT_NONE, inside the home road's gap. */
static void
_t_guard_ok(const c3_c* whe_c)
{
  c3_w bot_w, top_w;
  c3_w num_w = _t_guards(&bot_w, &top_w);
  c3_w hat_w = u3a_page_of(u3R->hat_w);
  c3_w cap_w = u3a_page_of(u3R->cap_w);

  T_OK(1 == num_w, "%s: one PROT_NONE range in the loom (found %u)", whe_c, num_w);
  T_OK(top_w == bot_w + 1, "%s: the guard is one page (%u-%u)", whe_c, bot_w, top_w);
  T_OK(bot_w >= hat_w && bot_w < cap_w, "%s: the guard page %u lies in the gap "
       "%u-%u", whe_c, bot_w, hat_w, cap_w);
}

/* _t_guard(): the guard page is in place after a fresh boot, after each
**   save, after a resume, and after a save that changed nothing.
*/
static void
_t_guard(const c3_c* arg_c)
{
  c3_c dir_c[512];
  (void)arg_c;

  t_pier(dir_c, "guard", t_track_c);
  if ( _t_boot(dir_c, 26) ) return;
  _t_guard_ok("fresh boot");
  u3H->roo = _t_list(1, 40, 3000);
  T_EQ(u3m_save(), 0);
  _t_guard_ok("first save");
  u3H->roo = u3nc(_t_list(2, 10, 3000), u3H->roo);
  T_EQ(u3m_save(), 0);
  _t_guard_ok("second save");
  T_EQ(u3m_save(), 0);
  _t_guard_ok("a save with nothing to write");
  c3_d has_d = _t_hash(u3H->roo);
  u3m_stop();

  if ( _t_boot(dir_c, 26) ) return;
  _t_guard_ok("resume");
  T_EQ(_t_hash(u3H->roo), has_d);
  t_touch(1);
  T_EQ(u3m_save(), 0);
  _t_guard_ok("save after the resume");
  t_leak(u3H->roo);
  u3m_stop();
  h_rm(dir_c);
}

  /** Patch sizes.
  **/
/* _t_saved(): save, and the pages it wrote (0 if nothing changed). */
static c3_w
_t_saved(void)
{
  c3_d bef_d = u3e_Stat.saved_pages_d;
  T_EQ(u3m_save(), 0);
  return (c3_w)(u3e_Stat.saved_pages_d - bef_d);
}

/* _t_patch(): after a fresh image's first save (and after a resume),
**   writing k pages makes a patch of exactly those k pages and the header
**   (page 0, whose checksum a save rewrites), with either backend.
**   arg: "1" demand paging, "0" the image copied in.
*/
static void
_t_patch(const c3_c* arg_c)
{
  c3_c dir_c[512];
  static const c3_w pag_w[3] = { 5, 9, 30 };

  u3C.demand_o = ( '1' == arg_c[0] ) ? c3y : c3n;
  t_pier(dir_c, "patch", t_track_c);
  if ( _t_boot(dir_c, 27) ) return;
  u3H->roo = _t_list(3, 60, 3000);
  c3_w img_w = u3a_page_of(u3R->hat_w);
  T_OK(img_w > 40, "an image of %u pages", img_w);
  T_EQ(_t_saved(), img_w);
  T_EQ(u3e_Stat.image_w, img_w);

  for ( c3_w r_w = 0; r_w < 2; r_w++ ) {
    for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
      t_touch(pag_w[i_w]);
    }
    c3_w num_w = _t_saved();
    T_EQ(num_w, 4);
    T_EQ(_t_saved(), 1);           //  only the header, which u3m_save rewrites
    printf("patch (%s, %s paging): 3 pages written after %s: a patch of %u "
           "pages (with the header), image %u pages\n", t_track_c,
           _(u3C.demand_o) ? "demand" : "no demand", r_w ? "a resume" : "the first save",
           num_w, img_w);
    if ( 0 == r_w ) {
      t_leak(u3H->roo);
      u3m_stop();
      if ( _t_boot(dir_c, 27) ) return;
    }
  }

  //  every page written is in the patch, and none other
  for ( c3_w p_w = 1; p_w < img_w; p_w += 3 ) {
    t_touch(p_w);
  }
  T_EQ(_t_saved(), 1 + (img_w - 1 + 2) / 3);
  t_leak(u3H->roo);
  u3m_stop();
  h_rm(dir_c);
  u3C.demand_o = c3y;
}

/* _t_fork_patch(): a fork's child saves exactly the pages written: those
**   the parent wrote before the fork and its own, even the ones it wrote
**   before any call into the library.  With userfaultfd the child cannot
**   use the parent's tracking; it used to count every page dirty and
**   write the whole image.  arg: "1" demand paging, "0" the image copied in.
*/
static c3_t _t_clean_matches(const c3_c* dir_c, c3_w* num_w);

static void
_t_fork_patch(const c3_c* arg_c)
{
  c3_c dir_c[512];

  u3C.demand_o = ( '1' == arg_c[0] ) ? c3y : c3n;
  t_pier(dir_c, "fork-patch", t_track_c);
  if ( _t_boot(dir_c, 27) ) return;
  u3H->roo = _t_list(7, 60, 3000);
  c3_w img_w = u3a_page_of(u3R->hat_w);
  T_EQ(_t_saved(), img_w);
  t_touch(5);
  t_touch(9);
  t_touch(30);

  fflush(stdout);
  fflush(stderr);
  pid_t pid_i = fork();
  if ( 0 == pid_i ) {
    c3_w num_w;
    t_pass_w = t_fail_w = 0;
    t_touch(12);                   //  before any call into the library
    t_touch(40);
    c3_w sav_w = _t_saved();
    T_OK(5 + 1 == sav_w, "child (%s): a patch of %u pages, not 6 (5 written and "
         "the header), image %u pages", t_track_c, sav_w, img_w);
    printf("fork (%s, %s paging): 3 pages written before the fork and 2 after: "
           "the child's patch has %u pages (with the header), image %u pages\n",
           t_track_c, _(u3C.demand_o) ? "demand" : "no demand", sav_w, img_w);
    T_OK(_t_clean_matches(dir_c, &num_w), "child: clean pages equal north.bin");
    T_EQ(num_w, img_w);
    t_touch(50);
    T_EQ(_t_saved(), 2);
    t_shared_w[0] += t_pass_w;
    t_shared_w[1] += t_fail_w;
    fflush(stdout);
    fflush(stderr);
    _exit(0);
  }
  c3_i sat_i;
  waitpid(pid_i, &sat_i, 0);
  T_OK(WIFEXITED(sat_i) && 0 == WEXITSTATUS(sat_i), "fork child (%#x)", sat_i);
  //  the parent's own tracking is untouched: the three pages, and no other
  T_EQ(_t_saved(), 4);
  T_EQ(_t_saved(), 1);
  t_leak(u3H->roo);
  u3m_stop();
  h_rm(dir_c);
  u3C.demand_o = c3y;
}

  /** Release.
  **/
/* _t_clean_matches(): 1 if every clean page below the image top equals
**   its page in north.bin; *num_w gets how many clean pages were compared.
*/
static c3_t
_t_clean_matches(const c3_c* dir_c, c3_w* num_w)
{
  c3_c  pat_c[600];
  c3_y  buf_y[u3a_page_bytes];
  c3_w  img_w = u3e_Stat.image_w;
  c3_t  ok_t = 1;
  c3_i  fid_i;

  *num_w = 0;
  //  north.bin holds the last save once its apply (a thread) is done
  T_EQ(u3e_save_wait(), 0);
  snprintf(pat_c, sizeof(pat_c), "%s/.urb/chk/north.bin", dir_c);
  if ( 0 > (fid_i = open(pat_c, O_RDONLY)) ) {
    return T_OK(0, "open %s: %s", pat_c, strerror(errno));
  }
  for ( c3_w p_w = 0; p_w < img_w; p_w++ ) {
    if ( c3y == u3e_dirty(p_w) ) {
      continue;
    }
    (*num_w)++;
    if ( (ssize_t)sizeof(buf_y) != pread(fid_i, buf_y, sizeof(buf_y),
                                         (off_t)p_w << u3a_page_bits)
         || memcmp(buf_y, u3a_page_ptr(p_w), sizeof(buf_y)) )
    {
      if ( ok_t ) {
        T_OK(0, "clean page %u differs from north.bin", p_w);
      }
      ok_t = 0;
    }
  }
  close(fid_i);
  return ok_t;
}

/* _t_release(): free big atoms inside a saved image, release, and check
**   that clean pages still equal north.bin and the state is intact.
**   arg: "<demand 0|1> <mode free|dontneed>".
*/
static void
_t_release(const c3_c* arg_c)
{
  c3_c dir_c[512];
  c3_w num_w;

  u3C.demand_o = ( '1' == arg_c[0] ) ? c3y : c3n;
  u3C.fmod_w   = strstr(arg_c, "dontneed") ? u3o_free_dontneed : u3o_free_free;
  t_pier(dir_c, "release", t_track_c);
  if ( _t_boot(dir_c, 27) ) return;

  //  two lists of big atoms, interleaved in the heap; the image holds both
  //  (the dropped one's atoms 5 pages each: release leaves runs of fewer
  //  than 4 free pages as they are)
  u3_noun kep = u3_nul, gon = u3_nul;
  {
    u3_noun one = _t_list(4, 1, 9000), two = _t_list(5, 1, 9000);
    for ( c3_w i_w = 0; i_w < 24; i_w++ ) {
      kep = u3nc(_t_list(6 + i_w, 1, 9000), kep);
      gon = u3nc(_t_list(60 + i_w, 1, 20000), gon);
    }
    u3H->roo = u3nt(one, kep, u3nc(two, gon));
  }
  T_EQ(u3m_save(), 0);
  c3_d has_d = _t_hash(u3H->roo);
  c3_w cln_w;
  T_OK(_t_clean_matches(dir_c, &cln_w), "after the save");

  //  drop one list: whole free pages inside the heap, most of them clean
  u3a_touch_reset();
  {
    u3_noun old = u3H->roo;
    u3H->roo = u3nc(u3k(u3h(old)), u3k(u3h(u3t(old))));
    u3z(old);
  }
  has_d = _t_hash(u3H->roo);
  c3_d rel_d = u3e_Stat.released_d;
  u3e_release();
  u3a_touch_reset();
  printf("release (%s): %llu pages released, %u clean pages compared\n", arg_c,
         (unsigned long long)(u3e_Stat.released_d - rel_d), cln_w);
  T_OK(u3e_Stat.released_d > rel_d, "release gave pages back");
  T_OK(_t_clean_matches(dir_c, &num_w), "after the release");
  T_OK(num_w > 48, "clean pages were compared (%u)", num_w);
  T_EQ(_t_hash(u3H->roo), has_d);

  //  and what was released reads back the same after a save and a resume
  T_EQ(u3m_save(), 0);
  T_OK(_t_clean_matches(dir_c, &num_w), "after the next save");
  t_leak(u3H->roo);
  u3m_stop();
  if ( 0 == _t_boot(dir_c, 27) ) {
    T_EQ(_t_hash(u3H->roo), has_d);
    t_leak(u3H->roo);
    u3m_stop();
  }
  h_rm(dir_c);
  u3C.demand_o = c3y;
  u3C.fmod_w   = u3o_free_free;
}

  /** A save's apply still running.
  **/
/* _t_present(): 1 if loom page pag_w's first 4 KiB is mapped in this
**   process (its page-table entry: /proc/self/pagemap, bit 63).
*/
static c3_t
_t_present(c3_w pag_w)
{
  c3_i fid_i = open("/proc/self/pagemap", O_RDONLY);
  c3_d ent_d = 0;
  off_t off_i = (off_t)((uintptr_t)u3a_page_ptr(pag_w) / 4096) * 8;

  if ( 0 > fid_i ) {
    return T_OK(0, "open /proc/self/pagemap: %s", strerror(errno));
  }
  if ( 8 != pread(fid_i, &ent_d, 8, off_i) ) {
    T_OK(0, "read /proc/self/pagemap: %s", strerror(errno));
  }
  close(fid_i);
  return (ent_d >> 63) & 1;
}

/* _t_flip(): change every word of indirect atom vat but its last (which
**   stays nonzero); its pages are written.  The pages wholly inside its
**   words go to [*lo_w, *hi_w).
*/
static void
_t_flip(u3_atom vat, c3_w x_w, c3_w* lo_w, c3_w* hi_w)
{
  u3a_atom* vat_u = (u3a_atom*)(void*)u3a_to_ptr(vat);

  vat_u->mug_w = 0;
  for ( c3_w i_w = 0; i_w + 1 < vat_u->len_w; i_w++ ) {
    vat_u->buf_w[i_w] ^= x_w;
  }
  *lo_w = u3a_page_of((c3_y*)vat_u->buf_w + u3a_page_bytes - 1);
  *hi_w = u3a_page_of(&vat_u->buf_w[vat_u->len_w]);
}

/* _t_sum(): read every word of pages [lo_w, hi_w) (faults them in). */
static c3_w
_t_sum(c3_w lo_w, c3_w hi_w)
{
  c3_w sum_w = 0;
  for ( c3_w p_w = lo_w; p_w < hi_w; p_w++ ) {
    volatile c3_w* pag_w = (volatile c3_w*)u3a_page_ptr(p_w);
    for ( c3_w i_w = 0; i_w < (u3a_page_bytes >> 2); i_w += 1024 ) {
      sum_w += pag_w[i_w];
    }
  }
  return sum_w;
}

/* _t_drop_second(): drop the second item of the state [a b c], leaving
**   [a c], and release after it; the new state's hash.
*/
static c3_d
_t_drop_second(void)
{
  u3_noun old = u3H->roo;
  c3_d    has_d;

  u3a_touch_reset();
  u3H->roo = u3nc(u3k(u3h(old)), u3k(u3t(u3t(old))));
  u3z(old);
  has_d = _t_hash(u3H->roo);
  u3e_release();
  u3a_touch_reset();
  return has_d;
}

/* _t_busy(): after a save, until its patch is in north.bin (applied on a
**   thread, held back here), the pages it saved are clean yet differ from
**   north.bin: neither u3e_drop_clean (pack, meld) nor release may drop
**   them, or they would read the old contents back (a live page that
**   u3e_drop_clean dropped would stay so).  Once the patch is applied,
**   both give clean pages back.
*/
static void
_t_busy(const c3_c* arg_c)
{
  c3_c dir_c[512];
  c3_w kep_w[2], one_w[2], two_w[2], num_w;
  c3_d has_d;

  (void)arg_c;
  u3C.demand_o = c3y;
  t_pier(dir_c, "busy", t_track_c);
  if ( _t_boot(dir_c, 27) ) return;
  //  three atoms of 5 pages, in the image, made in this order (each
  //  statement apart: the order a call evaluates its arguments in is the
  //  compiler's), and a spacer above them: none of them at the heap's top
  {
    u3_noun kep = _t_list(31, 1, 20000);
    u3_noun one = _t_list(32, 1, 20000);
    u3_noun two = _t_list(33, 1, 20000);
    u3_noun spa = _t_list(34, 1, 20000);
    u3H->roo = u3nt(kep, one, u3nc(two, spa));
  }
  T_EQ(u3m_save(), 0);
  T_EQ(u3e_save_wait(), 0);

  //  all three changed, saved, and the apply held back
  _t_flip(u3h(u3h(u3H->roo)), 0x5a5a5a5a, &kep_w[0], &kep_w[1]);
  _t_flip(u3h(u3h(u3t(u3H->roo))), 0x3c3c3c3c, &one_w[0], &one_w[1]);
  _t_flip(u3h(u3h(u3t(u3t(u3H->roo)))), 0x0f0f0f0f, &two_w[0], &two_w[1]);
  T_OK(kep_w[1] >= kep_w[0] + 3 && one_w[1] >= one_w[0] + 3
       && two_w[1] >= two_w[0] + 3, "each atom has 3 whole pages");
  has_d = _t_hash(u3H->roo);
  u3e_apply_delay(2000);
  T_EQ(u3m_save(), 0);

  //  pack and meld's drop: nothing, while the apply runs
  T_EQ(u3e_drop_clean(kep_w[0], kep_w[1]), 0);
  T_EQ(_t_hash(u3H->roo), has_d);

  //  a release meanwhile, of an atom's pages freed: nothing lost, and
  //  once applied every clean page equals north.bin
  has_d = _t_drop_second();
  (void)_t_sum(one_w[0], one_w[1]);
  T_EQ(u3e_save_wait(), 0);
  u3e_apply_delay(0);
  T_OK(_t_clean_matches(dir_c, &num_w), "after a release while the apply ran");
  T_EQ(_t_hash(u3H->roo), has_d);

  //  applied: clean pages are dropped, by both
  (void)_t_sum(kep_w[0], kep_w[1]);
  T_OK(_t_present(kep_w[0] + 1), "the kept atom's page is mapped");
  T_OK(u3e_drop_clean(kep_w[0], kep_w[1]) >= kep_w[1] - kep_w[0],
       "pack and meld's drop gives back the clean pages once applied");
  T_OK(!_t_present(kep_w[0] + 1), "the kept atom's page is dropped");
  T_EQ(_t_hash(u3H->roo), has_d);

  (void)_t_sum(two_w[0], two_w[1]);
  T_OK(_t_present(two_w[0] + 1), "the dropped atom's page is mapped");
  has_d = _t_drop_second();
  {
    c3_w map_w = 0;
    for ( c3_w p_w = two_w[0] + 1; p_w < two_w[1]; p_w++ ) {
      map_w += _t_present(p_w);
    }
    T_OK(0 == map_w, "release gives back the freed atom's clean pages: "
         "%u of %u still mapped", map_w, two_w[1] - two_w[0] - 1);
  }
  printf("busy (%s): an atom's %u pages kept while the apply ran, dropped "
         "after\n", t_track_c, kep_w[1] - kep_w[0]);
  T_EQ(_t_hash(u3H->roo), has_d);
  T_EQ(u3m_save(), 0);
  T_OK(_t_clean_matches(dir_c, &num_w), "after the last save");
  t_leak(u3H->roo);
  u3m_stop();
  h_rm(dir_c);
}

/* _t_stale_image(): a saved image whose free-page bitmap marks pages of
**   the home road's gap free (as a runtime that kept an ended road's bits
**   left it) is cleared of them at the next start: the pager would take
**   such a page, once the home road's stack or heap grows over it, for a
**   free one and punch it.
*/
static void
_t_stale_image(const c3_c* arg_c)
{
  c3_c dir_c[512];
  c3_w pag_w;

  (void)arg_c;
  t_pier(dir_c, "stale", t_track_c);
  if ( _t_boot(dir_c, 27) ) return;
  u3H->roo = _t_list(41, 4, 100);
  pag_w = u3a_page_of(u3R->hat_w) + 100;
  c3_bit_set(u3a_Free, pag_w);
  T_EQ(u3m_save(), 0);
  T_EQ(u3e_save_wait(), 0);
  u3m_stop();

  if ( _t_boot(dir_c, 27) ) return;
  T_OK(!c3_bit_get(u3a_Free, pag_w), "stale: the gap's page %u still marked "
       "free after a start", pag_w);
  t_leak(u3H->roo);
  u3m_stop();
  h_rm(dir_c);
}

  /** Which backends.
  **/
/* _t_uffd_why(): 0 if userfaultfd tracking works here, else why not. */
static const c3_c*
_t_uffd_why(c3_c* why_c, c3_z why_z)
{
  c3_t uff_t = 0;

  u3e_tracker("uffd");
  if ( 0 == u3m_init(24) && 0 == u3e_init() ) {
    uff_t = !strcmp("uffd", u3e_tracking());
    u3e_stop();
    u3m_fini();
  }
  u3e_tracker(0);
  if ( uff_t ) {
    return 0;
  }
  //  say what stands in the way
  {
    FILE* fil_u = fopen("/proc/sys/vm/unprivileged_userfaultfd", "r");
    c3_i  unp_i = -1;
    if ( fil_u ) {
      if ( 1 != fscanf(fil_u, "%d", &unp_i) ) unp_i = -1;
      fclose(fil_u);
    }
    c3_i fid_i = (c3_i)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
    c3_i err_i = errno;
    if ( fid_i >= 0 ) close(fid_i);
    snprintf(why_c, why_z, "userfaultfd write-protection unavailable "
             "(euid %u, vm.unprivileged_userfaultfd %d, userfaultfd(2) %s, "
             "/dev/userfaultfd %s; asynchronous write-protect needs Linux "
             "6.7 or later)", (unsigned)geteuid(), unp_i,
             ( fid_i >= 0 ) ? "works" : strerror(err_i),
             access("/dev/userfaultfd", R_OK | W_OK) ? "not usable" : "present");
  }
  return why_c;
}

int
main(void)
{
  const c3_c* tmp_c = getenv("TEST_TMPDIR");
  c3_c        why_c[512];

  setvbuf(stdout, 0, _IOLBF, 0);
  snprintf(t_base_c, sizeof(t_base_c), "%s/track_tests.XXXXXX",
           ( tmp_c && *tmp_c ) ? tmp_c : "/tmp");
  if ( !mkdtemp(t_base_c) ) {
    return t_skip("cannot make a scratch directory");
  }
  t_shared_w = mmap(0, 4096, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if ( MAP_FAILED == t_shared_w || u3m_signals() ) {
    return t_skip("cannot set up shared counters or signals");
  }

  const c3_c* not_c = _t_uffd_why(why_c, sizeof(why_c));
  if ( not_c ) {
    printf("SKIP (part): the userfaultfd backend: %s; mprotect only\n", not_c);
  }
  for ( c3_w b_w = 0; b_w < (not_c ? 1U : 2U); b_w++ ) {
    t_track_c = b_w ? "uffd" : "mprotect";
    t_run("guard page after boots and saves", _t_guard, 0);
    t_run("patch pages, demand paging", _t_patch, "1");
    t_run("patch pages, image copied in", _t_patch, "0");
    t_run("patch pages in a fork's child", _t_fork_patch, "1");
    t_run("patch pages in a fork's child, image copied in", _t_fork_patch, "0");
    t_run("release, demand paging, free", _t_release, "1 free");
    t_run("release, demand paging, dontneed", _t_release, "1 dontneed");
    t_run("release, no demand paging, free", _t_release, "0 free");
    t_run("release, no demand paging, dontneed", _t_release, "0 dontneed");
    t_run("drop and release while a save's apply runs", _t_busy, 0);
    t_run("an image with stale free bits in the gap", _t_stale_image, 0);
  }

  t_pass_w += t_shared_w[0];
  t_fail_w += t_shared_w[1];
  h_rm(t_base_c);
  return t_done();
}
