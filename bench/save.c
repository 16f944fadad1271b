/// @file save.c
/// Benchmark: u3e_save time against the number of dirty pages (16 to
/// 65,536), spread evenly over the image or contiguous, beside a plain
/// sequential write + fsync of the same bytes to a file in the same
/// directory, in the same run.  Each case is saved two ways:
///
///   save   the event loop's wait: the patch written once and committed
///          (u3C.apply_o, the default); north.bin is written by a thread
///   apply  how long that thread then took (waited for right after)
///   old    the synchronous protocol (u3C.apply_o off): commit, apply to
///          north.bin and sums.bin, sync, before the save returns
///
/// tput = plain time / save time: the save's throughput as a fraction of
/// a plain write+fsync of the same bytes (1.0: as fast).  Medians of
/// several rounds.  The image is about MIB MiB (default 272); 65,536
/// pages need an image above 1 GiB and a 2 GiB loom.
///
/// Each dirty page is written one word (B_FULL=1: one word in each of its
/// 4 KiB parts, as an event that rewrote it would).
///
///   build/gcc/bench/save [rounds] [MIB]  (files under $BENCH_DIR or /tmp)
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "noun/noun.h"
#include "bench.h"
#include "noun/events.h"
#include "noun/options.h"

static c3_t _b_full_t;    //  touch every 4 KiB of a page, not one word

/* _b_touch(): write to page pag_w without changing it: one word (the
**   rest of the page stays mapped from north.bin, or unmapped), or with
**   B_FULL=1 in the environment one word in each 4 KiB.
*/
static void
_b_touch(c3_w pag_w)
{
  volatile c3_w* ptr_w = (volatile c3_w*)u3a_page_ptr(pag_w);
  for ( c3_w i_w = 0; i_w < (_b_full_t ? 4U : 1U); i_w++ ) {
    ptr_w[7 + 1024 * i_w] = ptr_w[7 + 1024 * i_w];
  }
}

/* _b_plain(): seconds to write len_z bytes sequentially and fsync. */
static double
_b_plain(const c3_c* pat_c, const c3_y* buf_y, c3_z len_z)
{
  double t0 = h_now();
  int    fid_i = open(pat_c, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  c3_z   off_z = 0;

  if ( fid_i < 0 ) {
    perror("bench: open");
    exit(1);
  }
  while ( off_z < len_z ) {
    ssize_t ret_i = write(fid_i, buf_y + off_z, c3_min(len_z - off_z, 1U << 24));
    if ( ret_i <= 0 ) {
      perror("bench: write");
      exit(1);
    }
    off_z += (c3_z)ret_i;
  }
  fsync(fid_i);
  close(fid_i);
  double t1 = h_now() - t0;
  unlink(pat_c);
  return t1;
}

/* _b_save(): seconds for one save of img_w pages: the event loop's wait
**   (old_t: the synchronous protocol's whole save); *apy_d gets the
**   background apply's time after it.  Exits on failure.
*/
static double
_b_save(c3_w img_w, c3_t old_t, double* apy_d)
{
  u3C.apply_o = old_t ? c3n : c3y;
  if ( u3e_save_wait() ) exit(1);
  double t0 = h_now();
  if ( u3e_save(img_w) ) exit(1);
  double t1 = h_now();
  if ( u3e_save_wait() ) exit(1);
  *apy_d = h_now() - t1;
  return t1 - t0;
}

int
main(int argc, char** argv)
{
  c3_w rnd_w = ( argc > 1 ) ? (c3_w)strtoul(argv[1], 0, 10) : 5;
  c3_w mib_w = ( argc > 2 ) ? (c3_w)strtoul(argv[2], 0, 10) : 272;
  const c3_c* out_c = getenv("BENCH_DIR");
  c3_c  dir_c[512], fil_c[600];
  c3_w  num_w[] = { 16, 256, 4096, 16384, 65536 };
  c3_w  nor_w, img_w;
  double sav_d[32], apy_d[32], old_d[32], pla_d[32], tmp_d;

  _b_full_t = getenv("B_FULL") && '1' == getenv("B_FULL")[0];
  if ( rnd_w < 1 ) rnd_w = 1;
  if ( rnd_w > 32 ) rnd_w = 32;
  if ( mib_w < 16 || mib_w > 1500 ) {
    fprintf(stderr, "bench: image size %u MiB: 16 to 1500\n", mib_w);
    return 1;
  }
  snprintf(dir_c, sizeof(dir_c), "%s/save-bench", out_c ? out_c : "/tmp");
  snprintf(fil_c, sizeof(fil_c), "%s/plain.bin", dir_c);
  h_rm(dir_c);

  if ( u3m_init(( mib_w > 600 ) ? 31 : 30) || u3m_signals() || u3e_init()
       || u3e_live(dir_c, &nor_w) )
  {
    return 1;
  }
  u3m_pave();

  //  about MIB MiB of 4 KiB atoms
  {
    c3_w buf_w[1024];
    u3_noun lis = u3_nul;
    c3_w  atm_w = mib_w * 250;
    for ( c3_w i_w = 0; i_w < atm_w; i_w++ ) {
      for ( c3_w j_w = 0; j_w < 1024; j_w++ ) {
        buf_w[j_w] = (i_w * 2654435761U) ^ (j_w * 40503U) ^ 1;
      }
      lis = u3nc(u3i_words(1000, buf_w), lis);
    }
    u3H->roo = lis;
  }
  img_w = u3a_page_of(u3R->hat_w);
  {
    double t0 = h_now();
    double sav = _b_save(img_w, 0, &tmp_d);
    printf("save: first save of the whole image, %u pages (%.0f MiB): "
           "%.0f ms, then %.0f ms applying on the thread\n", img_w,
           img_w / 64.0, sav * 1e3, tmp_d * 1e3);
    (void)t0;
  }

  c3_z   max_z = (c3_z)65536 << u3a_page_bits;
  c3_y*  buf_y = malloc(max_z);
  for ( c3_z i_z = 0; i_z < max_z; i_z++ ) buf_y[i_z] = (c3_y)(i_z * 131 + 7);

  printf("save: median of %u rounds; plain = one sequential write + fsync "
         "of the same bytes; tput = plain ms / save ms\n", rnd_w);
  printf("%7s %10s %8s %9s %9s %9s %9s %7s %7s\n", "pages", "layout", "MiB",
         "save ms", "apply ms", "old ms", "plain ms", "tput", "old");
  for ( c3_w n_w = 0; n_w < sizeof(num_w) / sizeof(num_w[0]); n_w++ ) {
    for ( c3_w lay_w = 0; lay_w < 2; lay_w++ ) {
      c3_w pgs_w = num_w[n_w];
      c3_w stp_w = lay_w ? 1 : (img_w - 1) / pgs_w;
      if ( pgs_w >= img_w - 1 ) continue;
      if ( 0 == lay_w && stp_w < 2 ) continue;   //  spread = contiguous
      for ( c3_w r_w = 0; r_w < rnd_w; r_w++ ) {
        for ( c3_w o_w = 0; o_w < 2; o_w++ ) {
          for ( c3_w i_w = 0; i_w < pgs_w; i_w++ ) {
            _b_touch(1 + i_w * stp_w);
          }
          c3_d bef_d = u3e_Stat.saved_pages_d;
          if ( o_w ) {
            old_d[r_w] = _b_save(img_w, 1, &tmp_d);
          }
          else {
            sav_d[r_w] = _b_save(img_w, 0, &apy_d[r_w]);
          }
          if ( u3e_Stat.saved_pages_d - bef_d != pgs_w ) {
            fprintf(stderr, "bench: saved %llu pages, expected %u\n",
                    (unsigned long long)(u3e_Stat.saved_pages_d - bef_d),
                    pgs_w);
            return 1;
          }
        }
        pla_d[r_w] = _b_plain(fil_c, buf_y, (c3_z)pgs_w << u3a_page_bits);
      }
      double sav = _b_median(sav_d, rnd_w), apy = _b_median(apy_d, rnd_w);
      double old = _b_median(old_d, rnd_w), pla = _b_median(pla_d, rnd_w);
      printf("%7u %10s %8.2f %9.2f %9.2f %9.2f %9.2f %7.2f %7.2f\n",
             pgs_w, lay_w ? "contiguous" : "spread", pgs_w / 64.0,
             sav * 1e3, apy * 1e3, old * 1e3, pla * 1e3, pla / sav,
             pla / old);
    }
  }
  printf("save: tput = plain / save (1.0: a save as fast as writing its "
         "bytes once; old: the synchronous protocol's)\n");

  free(buf_y);
  u3e_stop();
  u3m_fini();
  h_rm(dir_c);
  return 0;
}
