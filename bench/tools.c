/// @file tools.c
/// Benchmark: `urbit mass` on states of 256 MiB and 1 GiB of the kv
/// workload with duplicates (--dup 30), against a plain sequential read
/// of the same image file, in the same run: the floor for any tool that
/// must look at every page.  Rounds alternate the two; medians of wall
/// time, mass's CPU time and peak RSS (its own figure and the kernel's),
/// and the ratio mass / read.  The page cache is not dropped (that would
/// disturb everything else on the machine): both read a warm cache.
/// Then `urbit pack` (under its default cap) on a fresh copy of each pier
/// every round, against the same read: the whole run (start, pack, the
/// save that commits it), pack's own passes, CPU, peak RSS, image before
/// and after.  And `urbit meld` on a fresh copy of each pier every
/// round, against a sequential read of the copy's image: meld's own time,
/// the whole run's, peak RSS, objects merged and live bytes freed.
///
///   build/gcc/bench/tools [--rounds N] [--sizes 256,1024] [--pier PATH]...
///
/// (--pier alone measures only the piers given; with --sizes, both.)
///
/// The piers are made once under $BENCH_DIR (or /tmp) as tools-SIZE and
/// kept for later runs (1 GiB takes minutes to make); --pier measures an
/// existing pier instead.  Needs $URBIT (make bench sets it).
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define _b_rounds_max 15
#define _b_piers_max  8

static const c3_c* _b_urbit_c;
static c3_c        _b_dir_c[4096];

/* _b_read(): seconds to read pat_c sequentially, 1 MiB at a time; its
**   bytes in *len_d.
*/
static double
_b_read(const c3_c* pat_c, c3_d* len_d)
{
  static c3_y buf_y[1 << 20];
  double      t0_d = h_now();
  c3_i        fid_i = open(pat_c, O_RDONLY);
  ssize_t     ret_i;

  *len_d = 0;
  if ( fid_i < 0 ) {
    fprintf(stderr, "tools: open %s: %s\n", pat_c, strerror(errno));
    exit(1);
  }
  while ( 0 < (ret_i = read(fid_i, buf_y, sizeof(buf_y))) ) {
    *len_d += (c3_d)ret_i;
  }
  close(fid_i);
  return h_now() - t0_d;
}

/* _b_make(): make pier pir_c with a kv state of siz_w MiB, duplicates
**   at 30%, unless it is there.
*/
static void
_b_make(const c3_c* pir_c, c3_w siz_w)
{
  static h_run run_u;
  c3_c  siz_c[16], num_c[24], nor_c[4200];
  c3_c* arg_c[] = { (c3_c*)_b_urbit_c, "-q", "-w", "kv", "--size", siz_c, "--dup",
                    "30", "-n", num_c, "--snap-every", num_c, (c3_c*)pir_c, 0 };

  snprintf(nor_c, sizeof(nor_c), "%s/.urb/chk/north.bin", pir_c);
  if ( h_exists(nor_c) ) {
    return;
  }
  //  kv's values reach --size after about 245 events per MiB
  snprintf(siz_c, sizeof(siz_c), "%u", siz_w);
  snprintf(num_c, sizeof(num_c), "%u", siz_w * 245);
  printf("tools: making %s (%u MiB, %s events; minutes for 1 GiB)\n", pir_c,
         siz_w, num_c);
  fflush(stdout);
  if ( h_run_in(_b_dir_c, arg_c, 0, 0, &run_u) ) {
    fprintf(stderr, "tools: making %s failed (%d): %s\n", pir_c, run_u.ret_i,
            run_u.err_c);
    exit(1);
  }
}

/* _b_pier(): measure pier pir_c over rnd_w rounds; one table row. */
static void
_b_pier(const c3_c* pir_c, c3_w rnd_w)
{
  static h_run run_u;
  c3_c   nor_c[4200];
  c3_c*  arg_c[] = { (c3_c*)_b_urbit_c, "mass", "--json", "-q", (c3_c*)pir_c, 0 };
  double red_d[_b_rounds_max], mas_d[_b_rounds_max], cpu_d[_b_rounds_max];
  double rss_d[_b_rounds_max], hwm_d[_b_rounds_max];
  c3_d   len_d = 0, liv_d = 0, dup_d = 0;

  snprintf(nor_c, sizeof(nor_c), "%s/.urb/chk/north.bin", pir_c);
  _b_read(nor_c, &len_d);      //  warm the cache for both alike
  for ( c3_w i_w = 0; i_w < rnd_w; i_w++ ) {
    red_d[i_w] = _b_read(nor_c, &len_d);
    if ( h_run_in(_b_dir_c, arg_c, 0, 0, &run_u) ) {
      fprintf(stderr, "tools: mass %s failed (%d): %s\n", pir_c, run_u.ret_i,
              run_u.err_c);
      exit(1);
    }
    mas_d[i_w] = run_u.wal_d;
    cpu_d[i_w] = (double)run_u.use_u.ru_utime.tv_sec + run_u.use_u.ru_utime.tv_usec / 1e6
                 + (double)run_u.use_u.ru_stime.tv_sec + run_u.use_u.ru_stime.tv_usec / 1e6;
    rss_d[i_w] = (double)h_json_d(run_u.out_c, "rss_peak_kb") / 1024.0;
    hwm_d[i_w] = (double)run_u.use_u.ru_maxrss / 1024.0;
    liv_d = h_json_d(run_u.out_c, "live_bytes");
    dup_d = h_json_d(run_u.out_c, "meld_save_bytes");
  }
  double red = _b_median(red_d, rnd_w), mas = _b_median(mas_d, rnd_w);
  printf("| %s | %.0f | %.0f | %.2f | %.2f | %.1f | %.2f | %.1f | %.1f | %.1f%% |\n",
         pir_c, (double)len_d / 1048576.0, (double)liv_d / 1048576.0, red, mas,
         red > 0 ? mas / red : 0.0, _b_median(cpu_d, rnd_w),
         _b_median(rss_d, rnd_w), _b_median(hwm_d, rnd_w),
         liv_d ? 100.0 * (double)dup_d / (double)liv_d : 0.0);
  fflush(stdout);
}

/* _b_meld(): `urbit meld` on a fresh copy of pier pir_c (PIER.meld,
**   replaced each round and removed after the last), over rnd_w rounds;
**   one table row.
*/
static void
_b_meld(const c3_c* pir_c, c3_w rnd_w)
{
  static h_run run_u;
  c3_c   cpy_c[4200], nor_c[4300];
  c3_c*  cpa_c[] = { "/bin/cp", "-a", (c3_c*)pir_c, cpy_c, 0 };
  c3_c*  arg_c[] = { (c3_c*)_b_urbit_c, "meld", "--json", "-q", cpy_c, 0 };
  double red_d[_b_rounds_max], mel_d[_b_rounds_max], all_d[_b_rounds_max];
  double rss_d[_b_rounds_max], hwm_d[_b_rounds_max];
  c3_d   len_d = 0, bef_d = 0, aft_d = 0, mer_d = 0;

  snprintf(cpy_c, sizeof(cpy_c), "%s.meld", pir_c);
  snprintf(nor_c, sizeof(nor_c), "%s/.urb/chk/north.bin", cpy_c);
  for ( c3_w i_w = 0; i_w < rnd_w; i_w++ ) {
    h_rm(cpy_c);
    if ( h_run_in(_b_dir_c, cpa_c, 0, 0, &run_u) ) {
      fprintf(stderr, "tools: cp -a %s %s failed\n", pir_c, cpy_c);
      exit(1);
    }
    red_d[i_w] = _b_read(nor_c, &len_d);
    if ( h_run_in(_b_dir_c, arg_c, 0, 0, &run_u) ) {
      fprintf(stderr, "tools: meld %s failed (%d): %s\n", cpy_c, run_u.ret_i,
              run_u.err_c);
      exit(1);
    }
    all_d[i_w] = run_u.wal_d;
    mel_d[i_w] = (double)h_json_d(run_u.out_c, "meld_ms") / 1000.0;
    rss_d[i_w] = (double)h_json_d(run_u.out_c, "rss_peak_kb") / 1024.0;
    hwm_d[i_w] = (double)run_u.use_u.ru_maxrss / 1024.0;
    bef_d = h_json_d(run_u.out_c, "meld_live_before_kb");
    aft_d = h_json_d(run_u.out_c, "meld_live_after_kb");
    mer_d = h_json_d(run_u.out_c, "meld_merged");
  }
  h_rm(cpy_c);
  double red = _b_median(red_d, rnd_w);
  double mel = _b_median(mel_d, rnd_w), all = _b_median(all_d, rnd_w);
  printf("| %s | %.0f | %.2f | %.2f | %.1f | %.2f | %.1f | %.1f | %.1f | %llu | "
         "%.1f%% |\n", pir_c, (double)len_d / 1048576.0, red, mel,
         red > 0 ? mel / red : 0.0, all, red > 0 ? all / red : 0.0,
         _b_median(rss_d, rnd_w), _b_median(hwm_d, rnd_w), (unsigned long long)mer_d,
         bef_d ? 100.0 * (double)(bef_d - c3_min(bef_d, aft_d)) / (double)bef_d : 0.0);
  fflush(stdout);
}

/* _b_pack(): pack a copy of pier pir_c, fresh each round, over rnd_w
**   rounds; one table row.
*/
static void
_b_pack(const c3_c* pir_c, c3_w rnd_w)
{
  static h_run run_u;
  c3_c   nor_c[4200], cop_c[4200], cmd_c[8600];
  c3_c*  arg_c[] = { (c3_c*)_b_urbit_c, "pack", "--json", "-q", cop_c, 0 };
  double red_d[_b_rounds_max], pac_d[_b_rounds_max], own_d[_b_rounds_max];
  double cpu_d[_b_rounds_max], rss_d[_b_rounds_max], hwm_d[_b_rounds_max];
  c3_d   len_d = 0, aft_d = 0;

  snprintf(nor_c, sizeof(nor_c), "%s/.urb/chk/north.bin", pir_c);
  snprintf(cop_c, sizeof(cop_c), "%s.pack", pir_c);
  snprintf(cmd_c, sizeof(cmd_c), "rm -rf '%s' && cp -a '%s' '%s'", cop_c, pir_c, cop_c);
  for ( c3_w i_w = 0; i_w < rnd_w; i_w++ ) {
    if ( system(cmd_c) ) {
      fprintf(stderr, "tools: %s failed\n", cmd_c);
      exit(1);
    }
    red_d[i_w] = _b_read(nor_c, &len_d);
    if ( h_run_in(_b_dir_c, arg_c, 0, 0, &run_u) ) {
      fprintf(stderr, "tools: pack %s failed (%d): %s\n", cop_c, run_u.ret_i,
              run_u.err_c);
      exit(1);
    }
    pac_d[i_w] = run_u.wal_d;
    own_d[i_w] = (double)h_json_d(run_u.out_c, "pack_ms") / 1000.0;
    cpu_d[i_w] = (double)run_u.use_u.ru_utime.tv_sec + run_u.use_u.ru_utime.tv_usec / 1e6
                 + (double)run_u.use_u.ru_stime.tv_sec + run_u.use_u.ru_stime.tv_usec / 1e6;
    rss_d[i_w] = (double)h_json_d(run_u.out_c, "rss_peak_kb") / 1024.0;
    hwm_d[i_w] = (double)run_u.use_u.ru_maxrss / 1024.0;
    aft_d = h_json_d(run_u.out_c, "pack_image_after_kb") << 10;
  }
  h_rm(cop_c);
  double red = _b_median(red_d, rnd_w), pac = _b_median(pac_d, rnd_w);
  printf("| %s | %.0f | %.0f | %.2f | %.2f | %.1f | %.2f | %.2f | %.1f | %.1f |\n",
         pir_c, (double)len_d / 1048576.0, (double)aft_d / 1048576.0, red, pac,
         red > 0 ? pac / red : 0.0, _b_median(own_d, rnd_w),
         _b_median(cpu_d, rnd_w), _b_median(rss_d, rnd_w), _b_median(hwm_d, rnd_w));
  fflush(stdout);
}

int
main(int argc, char** argv)
{
  const c3_c* pir_c[_b_piers_max];
  c3_c        own_c[_b_piers_max][4200];
  const c3_c* out_c = getenv("BENCH_DIR");
  const c3_c* siz_c = "256,1024";
  c3_w        rnd_w = 3, num_w = 0;
  c3_t        siz_t = 0;    //  --sizes given

  _b_urbit_c = getenv("URBIT");
  if ( !_b_urbit_c || access(_b_urbit_c, X_OK) ) {
    fprintf(stderr, "tools: URBIT does not name the urbit binary (make bench sets it)\n");
    return 1;
  }
  for ( c3_i i_i = 1; i_i < argc; i_i++ ) {
    if ( !strcmp(argv[i_i], "--rounds") && i_i + 1 < argc ) {
      rnd_w = (c3_w)strtoul(argv[++i_i], 0, 10);
      if ( rnd_w < 1 || rnd_w > _b_rounds_max ) {
        fprintf(stderr, "tools: --rounds: 1 to %u\n", _b_rounds_max);
        return 1;
      }
    }
    else if ( !strcmp(argv[i_i], "--sizes") && i_i + 1 < argc ) {
      siz_c = argv[++i_i];
      siz_t = 1;
    }
    else if ( !strcmp(argv[i_i], "--pier") && i_i + 1 < argc && num_w < _b_piers_max ) {
      pir_c[num_w++] = argv[++i_i];
    }
    else {
      fprintf(stderr, "usage: tools [--rounds N] [--sizes MiB,MiB...] [--pier PATH]...\n");
      return 1;
    }
  }
  snprintf(_b_dir_c, sizeof(_b_dir_c), "%s", ( out_c && *out_c ) ? out_c : "/tmp");
  if ( num_w && !siz_t ) {
    siz_c = "";     //  --pier alone: only those
  }
  for ( const c3_c* cur_c = siz_c; *cur_c && num_w < _b_piers_max; ) {
    c3_c* end_c;
    c3_w  siz_w = (c3_w)strtoul(cur_c, &end_c, 10);
    if ( end_c == cur_c || siz_w < 1 || siz_w > 8192 ) {
      fprintf(stderr, "tools: --sizes '%s': sizes in MiB, 1 to 8192\n", siz_c);
      return 1;
    }
    snprintf(own_c[num_w], sizeof(own_c[num_w]), "%s/tools-%u", _b_dir_c, siz_w);
    _b_make(own_c[num_w], siz_w);
    pir_c[num_w] = own_c[num_w];
    num_w++;
    cur_c = ( ',' == *end_c ) ? end_c + 1 : end_c;
  }

  printf("tools: urbit mass against a sequential read of the image, %u rounds, "
         "medians (warm page cache)\n\n", rnd_w);
  printf("| pier | image MiB | live MiB | read s | mass s | mass / read | mass CPU s "
         "| peak RSS MiB (mass's) | max RSS MiB (kernel's) | meld saves |\n"
         "|---|---|---|---|---|---|---|---|---|---|\n");
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    _b_pier(pir_c[i_w], rnd_w);
  }

  printf("\ntools: urbit pack (default cap) on a copy of the pier against a "
         "sequential read of the image, %u rounds, medians (warm page cache)\n\n",
         rnd_w);
  printf("| pier | image MiB | packed MiB | read s | pack s | pack / read "
         "| of which pack's passes s | pack CPU s | peak RSS MiB (urbit's) "
         "| max RSS MiB (kernel's) |\n"
         "|---|---|---|---|---|---|---|---|---|---|\n");
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    _b_pack(pir_c[i_w], rnd_w);
  }

  printf("\ntools: urbit meld on a copy, against a sequential read of the copy's "
         "image, %u rounds, medians (warm page cache)\n\n", rnd_w);
  printf("| pier | image MiB | read s | meld s | meld / read | run s (start, meld, "
         "save) | run / read | peak RSS MiB (run's) | max RSS MiB (kernel's) | "
         "merged | live freed |\n"
         "|---|---|---|---|---|---|---|---|---|---|---|\n");
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    _b_meld(pir_c[i_w], rnd_w);
  }
  return 0;
}
