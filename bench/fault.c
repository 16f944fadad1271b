/// @file fault.c
/// Benchmark: the cost of dirty tracking per 16 KiB loom page, in one run.
///
///   clean, mapped    first write to a clean page mapped MAP_PRIVATE from
///                    north.bin: with mprotect tracking, SIGSEGV and
///                    mprotect, then copy-on-write of its four 4 KiB pages
///                    from the page cache; with userfaultfd tracking, the
///                    copy-on-write alone (the kernel lifts the protection)
///   clean, copied    the same with the image copied into anonymous memory
///                    (no demand paging): SIGSEGV and mprotect, or the
///                    userfaultfd's protection bit alone
///   anonymous        first touch of fresh anonymous memory: four 4 KiB
///                    zero-fill faults, the floor any new page pays
///   resident         rewrite of a page already written: no fault
///   swap file        with --swap-file: the first write to a clean page
///                    moves it into the scratch file (release.c,
///                    _ce_swap_flaw), so that every dirty page is
///                    file-backed; protection faults only
///
/// With userfaultfd, the scan that finds the written pages is paid at the
/// save instead; it is timed too (PAGEMAP_SCAN, per page scanned).
///
/// Each write stores one word into each 4 KiB of the page (its value
/// unchanged).  Medians of several rounds, microseconds per page, and the
/// ratio to the anonymous first touch.
///
///   build/gcc/bench/fault [pages] [rounds]   (files under $BENCH_DIR or /tmp)
#include <ftw.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "noun/noun.h"
#include "bench.h"
#include "noun/events.h"

/* _b_write(): seconds to write one word in each 4 KiB of num_w 16 KiB
**   pages from ptr_y, values unchanged.
*/
static double
_b_write(c3_y* ptr_y, c3_w num_w)
{
  double t0 = h_now();
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    volatile c3_w* pag_w = (volatile c3_w*)(ptr_y + ((c3_z)i_w << u3a_page_bits));
    pag_w[0]    = pag_w[0];
    pag_w[1024] = pag_w[1024];
    pag_w[2048] = pag_w[2048];
    pag_w[3072] = pag_w[3072];
  }
  return h_now() - t0;
}

/* _b_read(): read every 4 KiB of num_w pages (maps them, untimed). */
static c3_w
_b_read(c3_y* ptr_y, c3_w num_w)
{
  c3_w sum_w = 0;
  for ( c3_w i_w = 0; i_w < ((num_w << u3a_page_bits) >> 12); i_w++ ) {
    sum_w += ((volatile c3_w*)(ptr_y + ((c3_z)i_w << 12)))[0];
  }
  return sum_w;
}

/* _b_maps(): lines of /proc/self/maps: the process's mappings. */
static c3_d
_b_maps(void)
{
  FILE* fil_u = fopen("/proc/self/maps", "r");
  c3_d  num_d = 0;
  c3_i  c_i;

  if ( !fil_u ) {
    return 0;
  }
  while ( EOF != (c_i = fgetc(fil_u)) ) {
    num_d += ( '\n' == c_i );
  }
  fclose(fil_u);
  return num_d;
}

/* _b_save(): a snapshot of pages [0, img_w), applied to north.bin and
**   the loom remapped from it before the next round: its first writes are
**   to pages mapped from north.bin, not to the private or scratch-file
**   copies a save's pages keep while its apply runs.
*/
static c3_i
_b_save(c3_w img_w)
{
  return ( u3e_save(img_w) || u3e_save_wait() ) ? -1 : 0;
}

/* _b_boot(): map a loom and open the pier at dir_c; *img_w gets the
**   image's pages.  Builds and saves an image of about num_w pages if the
**   pier is new.
*/
static c3_i
_b_boot(const c3_c* dir_c, c3_w num_w, c3_w* img_w)
{
  c3_w nor_w;

  if ( u3m_init(30) || u3e_init() || u3e_live(dir_c, &nor_w) ) {
    return -1;
  }
  if ( nor_w ) {
    u3H = (u3m_home*)(void*)u3a_loom_base;
    u3R = &u3H->rod_u;
    u3a_attach(u3R, u3C.pages_w);
    *img_w = nor_w;
    return 0;
  }
  u3m_pave();
  c3_w buf_w[1000];
  u3_noun lis = u3_nul;
  for ( c3_w i_w = 0; i_w < num_w * 4; i_w++ ) {
    for ( c3_w j_w = 0; j_w < 1000; j_w++ ) {
      buf_w[j_w] = (i_w * 2654435761U) ^ j_w ^ 1;
    }
    lis = u3nc(u3i_words(1000, buf_w), lis);
  }
  u3H->roo = lis;
  *img_w = u3a_page_of(u3R->hat_w);
  return _b_save(*img_w);
}

int
main(int argc, char** argv)
{
  c3_w num_w = ( argc > 1 ) ? (c3_w)strtoul(argv[1], 0, 10) : 4096;
  c3_w rnd_w = ( argc > 2 ) ? (c3_w)strtoul(argv[2], 0, 10) : 5;
  const c3_c* out_c = getenv("BENCH_DIR");
  c3_c   dir_c[512];
  c3_w   img_w;
  double dem_d[2][32], cop_d[2][32], ano_d[32], res_d[32], scn_d[32];
  double swp_d[32];
  c3_d   swm_d = 0, swf_d = 0;
  c3_d   fau_d;
  c3_t   uff_t = 0;

  if ( rnd_w < 1 ) rnd_w = 1;
  if ( rnd_w > 32 ) rnd_w = 32;
  snprintf(dir_c, sizeof(dir_c), "%s/fault-bench", out_c ? out_c : "/tmp");
  h_rm(dir_c);
  if ( u3m_signals() ) {
    return 1;
  }

  //  the pages written: image pages above the home header
  c3_y* pag_y = (c3_y*)u3a_page_ptr(1);

  for ( c3_w b_w = 0; b_w < 2; b_w++ ) {
    u3e_tracker(b_w ? "uffd" : "mprotect");

    //  clean pages mapped from north.bin
    u3C.demand_o = c3y;
    if ( _b_boot(dir_c, num_w, &img_w) ) return 1;
    if ( b_w && strcmp("uffd", u3e_tracking()) ) {
      u3e_stop();
      u3m_fini();
      break;
    }
    uff_t = b_w;
    if ( img_w < num_w + 1 ) num_w = img_w - 1;
    fau_d = u3e_Stat.faults_d;
    for ( c3_w r_w = 0; r_w < rnd_w; r_w++ ) {
      _b_read(pag_y, num_w);
      dem_d[b_w][r_w] = _b_write(pag_y, num_w);
      if ( !b_w ) {
        res_d[r_w] = _b_write(pag_y, num_w);
      }
      else {
        //  the scan a save begins with
        double t0 = h_now();
        u3e_dirty(num_w);
        c3_w cnt_w = 0;
        for ( c3_w i_w = 1; i_w <= num_w; i_w++ ) cnt_w += _(u3e_dirty(i_w));
        scn_d[r_w] = h_now() - t0;
        if ( cnt_w != num_w ) {
          fprintf(stderr, "bench: %u of %u pages found written\n", cnt_w, num_w);
          return 1;
        }
      }
      if ( _b_save(img_w) ) return 1;
    }
    if ( u3e_Stat.faults_d - fau_d < (c3_d)num_w * rnd_w ) {
      fprintf(stderr, "bench: expected every page to be found written\n");
      return 1;
    }
    u3e_stop();
    u3m_fini();

    //  clean pages copied into anonymous memory
    u3C.demand_o = c3n;
    if ( _b_boot(dir_c, num_w, &img_w) ) return 1;
    for ( c3_w r_w = 0; r_w < rnd_w; r_w++ ) {
      _b_read(pag_y, num_w);
      cop_d[b_w][r_w] = _b_write(pag_y, num_w);
      if ( _b_save(img_w) ) return 1;
    }
    u3e_stop();
    u3m_fini();
    u3C.demand_o = c3y;
  }

  //  clean pages moved into a swap file on their first write
  {
    c3_c swf_c[600];
    snprintf(swf_c, sizeof(swf_c), "%s/swap.bin", dir_c);
    u3e_tracker("mprotect");
    u3C.swap_c = swf_c;
    if ( u3m_init(30) || u3e_swap_open(swf_c) ) return 1;
    u3m_fini();
    if ( _b_boot(dir_c, num_w, &img_w) ) return 1;
    fau_d = u3e_Stat.faults_d;
    for ( c3_w r_w = 0; r_w < rnd_w; r_w++ ) {
      c3_d flt_d;

      _b_read(pag_y, num_w);
      flt_d = _b_faults();
      swp_d[r_w] = _b_write(pag_y, num_w);
      swf_d += _b_faults() - flt_d;
      swm_d = c3_max(swm_d, _b_maps());
      if ( _b_save(img_w) ) return 1;
    }
    if ( u3e_Stat.faults_d - fau_d < (c3_d)num_w * rnd_w
         || u3e_Stat.swap_full_d )
    {
      fprintf(stderr, "bench: expected every page moved into the swap file\n");
      return 1;
    }
    u3e_stop();
    u3m_fini();
    u3C.swap_c = 0;
  }
  u3e_tracker(0);

  //  fresh anonymous memory
  for ( c3_w r_w = 0; r_w < rnd_w; r_w++ ) {
    c3_z  len_z = (c3_z)num_w << u3a_page_bits;
    c3_y* ano_y = mmap(0, len_z, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ( MAP_FAILED == ano_y ) return 1;
    ano_d[r_w] = _b_write(ano_y, num_w);
    munmap(ano_y, len_z);
  }

  double ano = _b_median(ano_d, rnd_w) * 1e6 / num_w;
  double res = _b_median(res_d, rnd_w) * 1e6 / num_w;
  printf("fault: %u pages of 16 KiB, median of %u rounds\n", num_w, rnd_w);
  printf("%-44s %10s %8s\n", "first write to a page", "us/page", "ratio");
  for ( c3_w b_w = 0; b_w < (uff_t ? 2U : 1U); b_w++ ) {
    const c3_c* nam_c = b_w ? "uffd" : "mprotect";
    double dem = _b_median(dem_d[b_w], rnd_w) * 1e6 / num_w;
    double cop = _b_median(cop_d[b_w], rnd_w) * 1e6 / num_w;
    printf("clean, mapped from north.bin (%-8s)     %10.2f %8.2f\n",
           nam_c, dem, dem / ano);
    printf("clean, copied in, no demand (%-8s)      %10.2f %8.2f\n",
           nam_c, cop, cop / ano);
  }
  {
    double swp = _b_median(swp_d, rnd_w) * 1e6 / num_w;
    printf("%-44s %10.2f %8.2f\n", "clean, moved into the swap file", swp,
           swp / ano);
  }
  printf("%-44s %10.2f %8.2f\n", "anonymous first touch", ano, 1.0);
  printf("%-44s %10.2f %8.2f\n", "resident, already dirty", res, res / ano);
  if ( uff_t ) {
    double scn = _b_median(scn_d, rnd_w) * 1e6 / num_w;
    printf("%-44s %10.2f %8.2f\n", "uffd: u3e_dirty of each page (a scan)",
           scn, scn / ano);
  }
  else {
    printf("fault: userfaultfd write-protection unavailable here\n");
  }
  printf("fault: ratio = time / anonymous first touch\n");
  printf("fault: swap file: %.2f page faults per 16 KiB page (the signal's "
         "own included), at most %llu mappings while its pages were written\n",
         (double)swf_d / ((double)num_w * rnd_w), (unsigned long long)swm_d);

  h_rm(dir_c);
  return 0;
}
