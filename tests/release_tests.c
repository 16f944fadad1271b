/// @file release_tests.c
/// u3e_release with a swap file, in one process: after an event, the
/// pages its road took below the home cap leave memory at once (none of
/// them stays resident, by mincore), while their blocks stay in the file
/// for the next event, which reuses them without a single loom fault (no
/// signal, no new mapping, no reservation) and reaches the same mug; the
/// blocks of a big event are given back once enough small events follow
/// it.  With release after every event, the 2 MiB chunks a big event
/// released get large folios, so the next big event takes them back a
/// fault per 2 MiB where 4 KiB folios cost one per 4 KiB on a heap that
/// grows downwards, while a small event's (fewer than 4 whole chunks)
/// get none; under a cap the advice is the opposite, on the chunks
/// advised before and on new ones.  A lazy page a save wrote as zeros,
/// reserved and written over before the save's apply is done, keeps what
/// was written through the next save ("window").  Every event's product
/// survives release, and the loom ends with no leak.
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "test.h"
#include "noun/events_in.h"

/* _t_build(): an event: a list of u3h(arg) 64-bit atoms, folded to its
**   mug; retains arg.
*/
static u3_noun
_t_build(u3_noun arg)
{
  u3_noun lis = 0;
  for ( c3_w i_w = 0; i_w < (c3_w)u3h(arg); i_w++ ) {
    lis = u3nc(u3i_chub(0x100000000ULL + i_w), lis);
  }
  c3_w mug_w = u3r_mug(lis);
  u3z(lis);
  return mug_w;
}

/* _t_run(): run an event of num_w atoms, without release; its mug, or 0
**   when it bailed.
*/
static c3_w
_t_run(c3_w num_w)
{
  u3_noun arg = u3nc(num_w, 0);
  u3a_touch_reset();
  u3_noun pro = u3m_soft(_t_build, arg);
  c3_w    mug_w = ( 0 == u3h(pro) ) ? (c3_w)u3t(pro) : 0;

  u3z(pro);
  u3z(arg);
  return mug_w;
}

/* _t_event(): run an event of num_w atoms and release after it; its mug,
**   or 0 when it bailed.
*/
static c3_w
_t_event(c3_w num_w)
{
  c3_w mug_w = _t_run(num_w);

  u3e_release();
  return mug_w;
}

/* _t_resident(): pages of [lo_y, hi_y) that are resident, by mincore. */
static c3_w
_t_resident(c3_y* lo_y, c3_y* hi_y)
{
  static unsigned char vec_y[1 << 16];
  c3_z sys_z = (c3_z)sysconf(_SC_PAGESIZE);
  c3_z len_z = (c3_z)(hi_y - lo_y);
  c3_w num_w = 0;

  if ( len_z / sys_z > sizeof(vec_y) || mincore(lo_y, len_z, vec_y) ) {
    return ~0U;
  }
  for ( c3_z i_z = 0; i_z < len_z / sys_z; i_z++ ) {
    num_w += vec_y[i_z] & 1;
  }
  return num_w;
}

/* _t_hold(): the swap file holds blocks for reuse, not memory. */
static void
_t_hold(void)
{
  const c3_w big_w = 400000;   //  about 12 MiB of cells and atoms
  c3_y*      cap_y = (c3_y*)u3R->cap_w;
  c3_y*      top_y = cap_y - ((c3_z)u3C.keep_w << u3a_page_bits);
  c3_y*      bot_y = cap_y - (8U << 20);
  c3_w       mug_w, two_w, res_w;
  c3_d       fau_d, kb_d;

  u3a_Touch.lis_o = c3y;
  mug_w = _t_event(big_w);
  T_OK(0 != mug_w, "the big event ran");
  res_w = _t_resident(bot_y, top_y);
  T_OK(0 == res_w, "after release, %u of the 8 MiB the event took below the "
       "cap (past the kept margin) are still resident", res_w);
  kb_d = u3e_swap_kb();
  T_OK(kb_d >= 8192, "the event's blocks are held for the next: %llu KiB",
       (unsigned long long)kb_d);

  //  the same event again: its pages are backed and mapped already
  fau_d = u3e_Stat.faults_d;
  __asm__ __volatile__("" ::: "memory");
  two_w = _t_event(big_w);
  __asm__ __volatile__("" ::: "memory");
  T_EQ(two_w, mug_w);
  T_OK(u3e_Stat.faults_d == fau_d, "the second big event took %llu loom "
       "faults (none: the held pages are mapped and reserved)",
       (unsigned long long)(u3e_Stat.faults_d - fau_d));
  res_w = _t_resident(bot_y, top_y);
  T_OK(0 == res_w, "after the second release, %u pages still resident", res_w);

  //  small events: the big ones' blocks stay while they are recent ...
  for ( c3_w i_w = 0; i_w < 7; i_w++ ) {
    T_OK(0 != _t_event(100), "small event %u ran", i_w + 1);
  }
  kb_d = u3e_swap_kb();
  T_OK(kb_d >= 8192, "blocks held while a big event is among the last "
       "eight: %llu KiB", (unsigned long long)kb_d);
  //  ... and go back once eight small ones followed
  T_OK(0 != _t_event(100), "small event 8 ran");
  kb_d = u3e_swap_kb();
  T_OK(kb_d < 4096, "blocks given back after eight small events: %llu KiB",
       (unsigned long long)kb_d);
  //  and a big event after that still builds the same
  T_EQ(_t_event(big_w), mug_w);
  u3a_Touch.lis_o = c3n;
}

/* _t_vma(): the VmFlags line of the mapping that holds adr_y, from
**   /proc/self/smaps, into flg_c.  0, or -1 if not found.
*/
static c3_i
_t_vma(const c3_y* adr_y, c3_c* flg_c, c3_z len_z)
{
  FILE* fil_u = fopen("/proc/self/smaps", "r");
  c3_c  lin_c[512];
  c3_t  hit_t = 0, don_t = 0;

  flg_c[0] = 0;
  while ( fil_u && !don_t && fgets(lin_c, sizeof(lin_c), fil_u) ) {
    unsigned long lo_l, hi_l;
    if ( 2 == sscanf(lin_c, "%lx-%lx ", &lo_l, &hi_l) && strchr(lin_c, ' ') ) {
      if ( hit_t ) {
        don_t = 1;
      }
      hit_t = ( (unsigned long)adr_y >= lo_l && (unsigned long)adr_y < hi_l );
    }
    else if ( hit_t && !strncmp(lin_c, "VmFlags:", 8) ) {
      snprintf(flg_c, len_z, "%.300s", lin_c + 8);
    }
  }
  if ( fil_u ) fclose(fil_u);
  return ( flg_c[0] ) ? 0 : -1;
}

/* _t_flag(): 1 if the VmFlags line flg_c holds the two-letter flag. */
static c3_t
_t_flag(const c3_c* flg_c, const c3_c* two_c)
{
  for ( const c3_c* p_c = flg_c; p_c[0] && p_c[1]; p_c++ ) {
    if ( (p_c == flg_c || ' ' == p_c[-1]) && p_c[0] == two_c[0]
         && p_c[1] == two_c[1] && (' ' == p_c[2] || '\n' == p_c[2] || !p_c[2]) )
    {
      return 1;
    }
  }
  return 0;
}

/* _t_minflt(): this process's minor faults so far. */
static c3_d
_t_minflt(void)
{
  struct rusage use_u;
  return getrusage(RUSAGE_SELF, &use_u) ? 0 : (c3_d)use_u.ru_minflt;
}

/* _t_folios(): 1 if the file system of directory dir_c gives a shared
**   mapping advised MADV_HUGEPAGE large folios: 4 MiB of a scratch file,
**   written from the top down, fault fewer than once per 16 KiB (with 4
**   KiB folios, once per 4 KiB).  Why not, into why_c.
*/
static c3_t
_t_folios(const c3_c* dir_c, c3_c* why_c, c3_z len_z)
{
  const c3_z siz_z = 4U << 20;
  c3_c       pat_c[700];
  c3_i       fid_i;
  c3_y*      ptr_y;
  c3_d       flt_d;

  snprintf(pat_c, sizeof(pat_c), "%s/folios.bin", dir_c);
  fid_i = open(pat_c, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if ( fid_i < 0 || ftruncate(fid_i, (off_t)siz_z) ) {
    snprintf(why_c, len_z, "cannot make a scratch file: %s", strerror(errno));
    if ( fid_i >= 0 ) close(fid_i);
    return 0;
  }
  unlink(pat_c);
  ptr_y = mmap(0, 2 * siz_z, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if ( MAP_FAILED == ptr_y ) {
    snprintf(why_c, len_z, "cannot map the probe");
    close(fid_i);
    return 0;
  }
  //  2 MiB-aligned, as the loom's chunks are
  c3_y* aln_y = (c3_y*)(((uintptr_t)ptr_y + (2U << 20) - 1) & ~(uintptr_t)((2U << 20) - 1));
  if ( MAP_FAILED == mmap(aln_y, siz_z, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                          fid_i, 0)
       || madvise(aln_y, siz_z, MADV_HUGEPAGE) )
  {
    snprintf(why_c, len_z, "MADV_HUGEPAGE on a shared file mapping: %s", strerror(errno));
    munmap(ptr_y, 2 * siz_z);
    close(fid_i);
    return 0;
  }
  flt_d = _t_minflt();
  for ( c3_z i_z = siz_z; i_z > 0; i_z -= 4096 ) {
    ((volatile c3_y*)aln_y)[i_z - 4096] = 1;
  }
  flt_d = _t_minflt() - flt_d;
  munmap(ptr_y, 2 * siz_z);
  close(fid_i);
  snprintf(why_c, len_z, "4 MiB written downwards took %llu minor faults",
           (unsigned long long)flt_d);
  return flt_d < (siz_z >> 14);
}

/* _t_large(): with release after every event and no cap, the chunks a
**   big event released get large folios, and the same big event again
**   takes them back a folio per fault; a cap turns the advice off.
*/
static void
_t_large(const c3_c* dir_c, const c3_c* swp_c)
{
  const c3_w big_w = 400000;   //  about 12 MiB of cells and atoms
  c3_c       flg_c[400], why_c[300];
  c3_d       flt_d;
  c3_w       mug_w, two_w, res_w;

  u3C.free_o = c3y;
  u3C.swap_c = swp_c;
  if ( !T_OK(0 == u3m_init(28), "a 256 MiB loom")
       || !T_OK(0 == u3e_swap_open(swp_c), "the swap file")
       || !T_OK(0 == u3e_init(), "dirty tracking") )
  {
    u3C.free_o = c3n;
    u3C.swap_c = 0;
    return;
  }
  u3m_pave();

  c3_y* cap_y = (c3_y*)u3R->cap_w;
  c3_y* top_y = cap_y - ((c3_z)u3C.keep_w << u3a_page_bits);
  c3_y* bot_y = cap_y - (8U << 20);
  c3_y* mid_y = cap_y - (4U << 20);

  u3a_Touch.lis_o = c3y;
  //  a small event's chunks (fewer than 4 whole) get no advice: a large
  //  folio costs a 2 MiB zero-fill for every sparse touch
  T_OK(0 != _t_event(big_w / 3), "a small event ran");
  T_OK(0 == _t_vma(cap_y - (3U << 20), flg_c, sizeof(flg_c))
       && !_t_flag(flg_c, "hg"), "a small event's release gives no large "
       "folios: VmFlags%s", flg_c);
  mug_w = _t_event(big_w);
  T_OK(0 != mug_w, "the big event ran");
  T_OK(0 == _t_vma(mid_y, flg_c, sizeof(flg_c)),
       "the mapping below the cap is in smaps");
  T_OK(_t_flag(flg_c, "hg"), "the 2 MiB chunks a big event released are "
       "given large folios (MADV_HUGEPAGE): VmFlags%s", flg_c);
  res_w = _t_resident(bot_y, top_y);
  T_OK(0 == res_w, "after release, %u 4 KiB pages of the 8 MiB below the "
       "cap (past the kept margin) are still resident", res_w);

  //  the same event again: its pages come back a folio at a time (its
  //  release comes after the mapping is looked at)
  flt_d = _t_minflt();
  __asm__ __volatile__("" ::: "memory");
  two_w = _t_run(big_w);
  __asm__ __volatile__("" ::: "memory");
  flt_d = _t_minflt() - flt_d;
  T_EQ(two_w, mug_w);
  u3e_release();
  if ( !_t_folios(dir_c, why_c, sizeof(why_c)) ) {
    //  the kernel gives large folios only where the file system takes
    //  them (ext4 from Linux 6.16, xfs) and THP is not off
    printf("large folios: none here (%s): the second big event's %llu "
           "minor faults are not checked\n", why_c, (unsigned long long)flt_d);
  }
  else {
    //  with 4 KiB folios the event takes about 5,000 minor faults, most
    //  one per 4 KiB of the heap it grows downwards; the chunks at either
    //  end of the released range, taken in part, keep 4 KiB folios
    printf("large folios: the second big event took %llu minor faults "
           "(here %s)\n", (unsigned long long)flt_d, why_c);
    T_OK(flt_d < 2500, "the second big event took %llu minor faults (4 KiB "
         "folios: about 5,000)", (unsigned long long)flt_d);
  }
  res_w = _t_resident(bot_y, top_y);
  T_OK(0 == res_w, "after the second release, %u pages still resident", res_w);

  //  a cap: the loom's mappings lose the advice, and new ones never get it
  T_OK(0 == u3e_limit_set(64ULL << 20), "a 64 MiB cap");
  _t_vma(mid_y, flg_c, sizeof(flg_c));
  T_OK(!_t_flag(flg_c, "hg") && _t_flag(flg_c, "nh") && _t_flag(flg_c, "rr"),
       "under a cap, no large folios and no read-around: VmFlags%s", flg_c);
  T_EQ(_t_event(big_w), mug_w);
  _t_vma(mid_y, flg_c, sizeof(flg_c));
  T_OK(!_t_flag(flg_c, "hg"), "under a cap, an event's release gives no "
       "large folios: VmFlags%s", flg_c);
  //  nor to chunks no release advised before: a bigger event's
  T_OK(0 != _t_event(2 * big_w), "a bigger event ran under the cap");
  _t_vma(cap_y - (20U << 20), flg_c, sizeof(flg_c));
  T_OK(!_t_flag(flg_c, "hg"), "under a cap, a bigger event's release gives "
       "its new chunks no large folios: VmFlags%s", flg_c);
  u3e_limit_set(0);
  u3a_Touch.lis_o = c3n;

  t_clean();
  u3e_stop();
  u3m_fini();
  u3C.free_o = c3n;
  u3C.swap_c = 0;
}

/* _t_lazy(): the lazy pages of [lo_w, hi_w), the guard page aside. */
static c3_w
_t_lazy(c3_w lo_w, c3_w hi_w)
{
  c3_w lzy_w = 0;

  for ( c3_w pag_w = lo_w; pag_w < hi_w; pag_w++ ) {
    lzy_w += ( pag_w != u3P.gar_w && _ce_lzy(pag_w) );
  }
  return lzy_w;
}

/* _t_top(): the loom's top, which release keeps reserved for the home
**   road's stack, is never punched and reserved again: release itself
**   takes no loom fault, while the hold shrinks under it; and after it,
**   the top, the pages above the home hat and the lowest free pages of
**   the home heap are backed.
*/
static void
_t_top(void)
{
  c3_w top_w = u3C.pages_w - c3_min(u3C.pages_w, 64U);
  c3_w cap_w = u3a_page_of(u3m_home_road()->cap_w);
  c3_d rel_d = 0, fau_d = 0;

  printf("top: the home cap at page %u, the reserved top from page %u\n",
         cap_w, top_w);
  for ( c3_w i_w = 0; i_w < 40; i_w++ ) {
    //  a bigger event every tenth: the hold grows, then shrinks as it
    //  ages out, and what lies beyond goes back
    T_OK(0 != _t_run(( 0 == i_w % 10 ) ? 12000 : 200), "top: event %u ran", i_w);
    c3_d fau0_d = u3e_Stat.faults_d, rel0_d = u3e_Stat.released_d;
    u3e_release();
    fau_d += u3e_Stat.faults_d - fau0_d;
    rel_d += u3e_Stat.released_d - rel0_d;
  }
  printf("top: 40 releases gave back %llu pages and took %llu loom faults\n",
         (unsigned long long)rel_d, (unsigned long long)fau_d);
  T_OK(rel_d > 0, "top: release gave pages back");
  T_OK(0 == fau_d, "top: release took %llu loom faults reserving again what "
       "it had just punched", (unsigned long long)fau_d);

  //  what release keeps backed for the home road's work between events,
  //  where a full disk could not be caught: the loom's top (its stack),
  //  the pages above the home hat, the lowest free pages of its heap
  //  (made lazy first, as the pager's punch or a release beyond the hold
  //  leaves them; a 64 KiB atom freed below another, so that the heap has
  //  free pages)
  {
    static c3_w buf_w[16384];
    c3_w    hat_w, num_w, lzy_w = 0;
    c3_w    low_w[8];
    u3_atom fre, kep;

    buf_w[16383] = 1;
    fre = u3i_words(16384, buf_w);
    kep = u3i_words(16384, buf_w);
    u3z(fre);
    hat_w = u3a_page_of(u3m_home_road()->hat_w);
    num_w = u3a_free_low(low_w, 8);
    T_OK(num_w > 0, "top: the home heap has free pages");
    _ce_swap_punch(top_w, u3C.pages_w);
    T_OK(0 == _ce_lazy_map(top_w, u3C.pages_w), "top: the top made lazy");
    _ce_swap_punch(hat_w, hat_w + 8);
    T_OK(0 == _ce_lazy_map(hat_w, hat_w + 8), "top: above the hat made lazy");
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      _ce_swap_punch(low_w[i_w], low_w[i_w] + 1);
      T_OK(0 == _ce_lazy_map(low_w[i_w], low_w[i_w] + 1), "top: a free page made lazy");
    }
    u3e_release();

    T_EQ(0, _t_lazy(top_w, u3C.pages_w));
    T_EQ(0, _t_lazy(hat_w, hat_w + 8));
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      lzy_w += _ce_lzy(low_w[i_w]);
    }
    T_EQ(0, lzy_w);
    printf("top: after release, the top's %u pages, the 8 above the hat and "
           "the %u lowest free pages are backed\n", u3C.pages_w - top_w, num_w);
    u3z(kep);
  }
}

/* _t_kb(): a figure of /proc/self/status (VmRSS, VmHWM), KiB. */
static c3_d
_t_kb(const c3_c* key_c)
{
  FILE* fil_u = fopen("/proc/self/status", "r");
  c3_c  lin_c[256];
  c3_d  kb_d = 0;
  c3_z  len_z = strlen(key_c);

  while ( fil_u && fgets(lin_c, sizeof(lin_c), fil_u) ) {
    if ( !strncmp(lin_c, key_c, len_z) && ':' == lin_c[len_z] ) {
      kb_d = strtoull(lin_c + len_z + 1, 0, 10);
    }
  }
  if ( fil_u ) fclose(fil_u);
  return kb_d;
}

/* _t_save_lazy(): a save writes the lazy pages below the image's top (the
**   free pages release gave back) as the zeros they hold, without reading
**   them: reading would make each resident again (a cached page of the
**   swap file, or a fresh anonymous page where the kernel maps no zero
**   page), so a save would take back all the memory release gave.
*/
static void
_t_save_lazy(const c3_c* dir_c)
{
  c3_c pir_c[600];
  c3_w nor_w = 0;
  FILE* clr_u;

  snprintf(pir_c, sizeof(pir_c), "%s/pier", dir_c);
  u3C.lazy_o = c3y;
  if ( !T_OK(0 == u3m_init(28), "a 256 MiB loom")
       || !T_OK(0 == u3e_init(), "dirty tracking")
       || !T_OK(0 == u3e_live(pir_c, &nor_w), "a new image") )
  {
    return;
  }
  u3m_pave();

  //  about 24 MiB of cells and atoms, then a small noun above them
  u3_noun big = 0;
  for ( c3_w i_w = 0; i_w < 800000; i_w++ ) {
    big = u3nc(u3i_chub(0x100000000ULL + i_w), big);
  }
  u3_noun kep = u3nc(u3i_chub(0x200000000ULL), 0);
  u3a_touch_reset();
  u3a_Touch.lis_o = c3y;
  u3z(big);
  c3_d rel_d = u3e_Stat.released_d;
  u3e_release();
  rel_d = u3e_Stat.released_d - rel_d;
  T_OK(rel_d >= 1000, "release gave back %llu pages",
       (unsigned long long)rel_d);

  //  the save's peak memory above what the loom held before it
  clr_u = fopen("/proc/self/clear_refs", "w");
  c3_t clr_t = clr_u && fputs("5", clr_u) >= 0 && 0 == fclose(clr_u);
  if ( !clr_t ) {
    printf("save of lazy pages: cannot reset the peak RSS "
           "(/proc/self/clear_refs); not measured\n");
  }
  else {
    c3_d bef_d = _t_kb("VmRSS");
    c3_t sav_t = 0 == u3e_save(u3a_page_of(u3R->hat_w)) && 0 == u3e_save_wait();
    c3_d hwm_d = _t_kb("VmHWM");
    c3_d gro_d = hwm_d - c3_min(hwm_d, bef_d);
    T_OK(sav_t, "save");
    printf("save of %llu released pages: RSS %llu KiB before, peak %llu KiB "
           "during the save\n", (unsigned long long)rel_d,
           (unsigned long long)bef_d, (unsigned long long)hwm_d);
    //  the save's own buffers are a few MiB; the released pages, 16 MiB
    //  and more
    T_OK(gro_d < 4096, "the save of %llu released pages took %llu KiB more "
         "memory (the pages read back?)", (unsigned long long)rel_d,
         (unsigned long long)gro_d);
  }
  T_OK(0x200000000ULL == u3r_chub(0, u3h(kep)), "the noun above the released pages");
  t_leak(kep);
  u3z(kep);
  u3a_Touch.lis_o = c3n;
  u3e_stop();
  u3m_fini();
  u3C.lazy_o = c3n;
}

/* _t_atom(): an atom of num_w words, word i holding i ^ sal_w (the top
**   word 1, so that it is num_w words long).
*/
static u3_atom
_t_atom(c3_w num_w, c3_w sal_w)
{
  c3_w* buf_w = malloc((c3_z)num_w * sizeof(c3_w));
  u3_atom vat;

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    buf_w[i_w] = i_w ^ sal_w;
  }
  buf_w[num_w - 1] = 1;
  vat = u3i_words(num_w, buf_w);
  free(buf_w);
  return vat;
}

/* _t_atom_ok(): 1 if vat is still _t_atom(num_w, sal_w). */
static c3_t
_t_atom_ok(u3_atom vat, c3_w num_w, c3_w sal_w)
{
  const u3a_atom* vat_u = (const u3a_atom*)(void*)u3a_to_ptr(vat);

  if ( vat_u->len_w != num_w || 1 != vat_u->buf_w[num_w - 1] ) {
    return 0;
  }
  for ( c3_w i_w = 0; i_w + 1 < num_w; i_w++ ) {
    if ( vat_u->buf_w[i_w] != (i_w ^ sal_w) ) {
      return 0;
    }
  }
  return 1;
}

/* _t_window(): with a swap file, a lazy page that a save writes as zeros
**   stays lazy, and clean, until the patch is in north.bin (it is mapped
**   from north.bin then).  Backed ahead of use in that window (u3e_reserve,
**   as the allocator's free pages and the home hat's are) and written, it
**   must become an ordinary dirty page: had it stayed lazy, the next save
**   would write it as zeros, and the remapping after it would read them
**   back over the live data.  A run under a cap near its floor, the pager
**   punching free pages lazy at every eviction, lost a live box this way
**   within 20,000 events.
*/
static void
_t_window(const c3_c* dir_c, const c3_c* swp_c)
{
  const c3_w num_w = 5 * (u3a_page_bytes >> 2);   //  five pages
  c3_c       pir_c[600];
  c3_w       nor_w = 0, lo_w, hi_w, bad_w = 0;

  snprintf(pir_c, sizeof(pir_c), "%s/window", dir_c);
  if ( t_swap_loom(27, swp_c) ) {
    printf("window: no swap file here; not run\n");
    return;
  }
  if ( !T_OK(0 == u3e_init(), "dirty tracking")
       || !T_OK(0 == u3e_live(pir_c, &nor_w), "a new image") )
  {
    u3m_fini();
    u3C.swap_c = 0;
    return;
  }
  u3m_pave();

  //  an atom inside the heap (a spacer above it), in the image
  u3_noun big = _t_atom(num_w, 0x11111111);
  u3_noun spa = _t_atom(num_w, 0x22222222);
  T_EQ(u3e_save(u3a_page_of(u3R->hat_w)), 0);
  T_EQ(u3e_save_wait(), 0);

  //  freed, its whole pages made lazy (as the pager punches free pages)
  {
    const u3a_atom* big_u = (const u3a_atom*)(void*)u3a_to_ptr(big);
    lo_w = u3a_page_of((c3_y*)big_u->buf_w + u3a_page_bytes - 1);
    hi_w = u3a_page_of(&big_u->buf_w[num_w]);
  }
  u3z(big);
  _ce_swap_punch(lo_w, hi_w);
  T_OK(0 == _ce_lazy_map(lo_w, hi_w), "pages %u-%u made lazy", lo_w, hi_w - 1);

  //  saved as zeros, the apply held back: lazy and clean
  u3e_apply_delay(2000);
  T_EQ(u3e_save(u3a_page_of(u3R->hat_w)), 0);
  T_OK(_ce_lzy(lo_w) && !_ce_bit(lo_w), "while the apply runs, a lazy page "
       "saved is lazy and clean");

  //  backed ahead of use, and a new atom over them
  T_EQ(u3e_reserve(u3a_page_ptr(lo_w), u3a_page_ptr(hi_w)), u3e_reserve_done);
  for ( c3_w pag_w = lo_w; pag_w < hi_w; pag_w++ ) {
    bad_w += _ce_lzy(pag_w) || !_ce_bit(pag_w);
  }
  T_OK(0 == bad_w, "after u3e_reserve in the window, %u of pages %u-%u are "
       "still lazy or clean", bad_w, lo_w, hi_w - 1);
  u3_noun neu = _t_atom(num_w, 0x33333333);
  T_OK(u3a_page_of(u3a_to_ptr(neu)) < hi_w
       && u3a_page_of(u3a_to_ptr(neu)) + 2 >= lo_w,
       "the new atom takes the freed pages");
  T_EQ(u3e_save_wait(), 0);
  u3e_apply_delay(0);

  //  saved and remapped from north.bin: still the new atom
  T_EQ(u3e_save(u3a_page_of(u3R->hat_w)), 0);
  T_EQ(u3e_save_wait(), 0);
  T_OK(_t_atom_ok(neu, num_w, 0x33333333), "the atom written over lazy pages "
       "in the window survives the next save");
  T_OK(_t_atom_ok(spa, num_w, 0x22222222), "the spacer is intact");
  printf("window: pages %u-%u lazy and clean while the apply ran, reserved "
         "and written\n", lo_w, hi_w - 1);

  t_leak(neu, spa);
  u3z(neu);
  u3z(spa);
  u3e_stop();
  u3m_fini();
  u3e_swap_close();
  u3C.swap_c = 0;
}

int
main(void)
{
  c3_c        dir_c[512], swp_c[600];
  const c3_c* why_c = t_scratch("release_tests", dir_c);

  if ( why_c ) {
    return t_skip(why_c);
  }
  snprintf(swp_c, sizeof(swp_c), "%s/swap.bin", dir_c);
  _t_save_lazy(dir_c);
  if ( (why_c = t_swap_loom(28, swp_c)) ) {
    h_rm(dir_c);
    return t_skip(why_c);
  }
  T_EQ(u3e_init(), 0);
  u3m_pave();

  _t_hold();
  _t_top();

  t_clean();
  u3e_stop();
  u3m_fini();
  u3C.swap_c = 0;

  _t_large(dir_c, swp_c);
  _t_window(dir_c, swp_c);

  u3e_swap_close();
  h_rm(dir_c);
  return t_done();
}
