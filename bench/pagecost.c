/// @file pagecost.c
/// Benchmark: what the kernel charges, per MiB, for the four things a
/// pager does to a page that goes out and comes back, in three
/// arrangements, in one run:
///
///   shared, 4 KiB   the swap file as --swap-file maps it under a cap: a
///                   MAP_SHARED file mapping advised MADV_RANDOM (4 KiB
///                   folios, no read-around), 1 MiB blocks
///   shared, 2 MiB   the same advised MADV_HUGEPAGE: the page cache takes
///                   2 MiB folios where the file system allows (ext4 from
///                   Linux 6.16, xfs), mapped a fault each; 2 MiB blocks
///   anon, direct    anonymous memory, written out and read back with
///                   O_DIRECT pwrite and pread (no page cache at all);
///                   1 MiB blocks
///
/// The phases, each over the whole range, block by block:
///
///   touch     first write to fresh memory (one word in each 4 KiB)
///   out       write every block to the file and drop it (for the shared
///             mappings: writeback started for all, then waited for and
///             dropped block by block, as the pager's batches do)
///   in        read every block back and read one word in each 4 KiB
///   drop      drop every block again, now clean (nothing to write)
///
/// A run that sends O MiB out and brings I MiB back pays about
/// O x (touch + out) + I x (in + drop) in the kernel, on top of its own
/// work: the line "run" prints that for --out and --in (by default churn
/// 512 MiB at 1/16 of its peak in a memory cgroup: 575 out, 1,271 in).
/// Medians of the rounds, microseconds per MiB, and each total's ratio to
/// the first arrangement's.  Page faults per MiB of touch show whether
/// the large folios were given (256 for 4 KiB folios, 0.5 for 2 MiB).
///
///   build/gcc/bench/pagecost [--size MB] [--rounds R] [--out MB] [--in MB]
///   (the file under $BENCH_DIR, else /var/tmp: a disk, not tmpfs)
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define _B_MIB    (1ULL << 20)
#define _B_ROUNDS 15

enum { _b_p_touch, _b_p_out, _b_p_in, _b_p_drop, _b_phases };
static const c3_c* _b_pha_c[_b_phases] = { "touch", "out", "in", "drop" };

enum { _b_shared, _b_huge, _b_direct, _b_modes };
static const c3_c* _b_mod_c[_b_modes] = {
  "shared, 4 KiB", "shared, 2 MiB", "anon, direct"
};

static c3_c _b_pat_c[1024];           //  the scratch file

/* _b_on_signal(): remove the scratch file, then die of the signal. */
static void
_b_on_signal(c3_i sig_i)
{
  unlink(_b_pat_c);
  signal(sig_i, SIG_DFL);
  raise(sig_i);
}

/* _b_touch(): write one word in each 4 KiB of [ptr_y, ptr_y + len_d). */
static void
_b_touch(c3_y* ptr_y, c3_d len_d)
{
  for ( c3_d off_d = 0; off_d < len_d; off_d += 4096 ) {
    ((volatile c3_w*)(ptr_y + off_d))[0] = (c3_w)(off_d >> 12) | 1;
  }
}

/* _b_read(): read one word in each 4 KiB; their sum. */
static c3_d
_b_read(const c3_y* ptr_y, c3_d len_d)
{
  c3_d sum_d = 0;
  for ( c3_d off_d = 0; off_d < len_d; off_d += 4096 ) {
    sum_d += ((volatile const c3_w*)(ptr_y + off_d))[0];
  }
  return sum_d;
}

/* _b_round(): one round of arrangement mod_i over len_d bytes in the file
**   pat_c: seconds per phase into sec_d, page faults of the touch into
**   *flt_d; 0, or -1 with the reason in why_c.
*/
static c3_i
_b_round(c3_i mod_i, const c3_c* pat_c, c3_d len_d, double* sec_d,
         c3_d* flt_d, c3_c* why_c, c3_z why_z)
{
  c3_d  blk_d = ( _b_huge == mod_i ) ? 2 * _B_MIB : _B_MIB;
  c3_i  fid_i = open(pat_c, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  c3_i  dir_i = -1;
  c3_y* ptr_y = MAP_FAILED;
  c3_d  sum_d = 0, wan_d = 0;
  c3_i  ret_i = -1;
  double t_d;

  if ( fid_i < 0 || ftruncate(fid_i, (off_t)len_d) ) {
    snprintf(why_c, why_z, "%.1024s: %s", pat_c, strerror(errno));
    goto done;
  }
  if ( _b_direct == mod_i ) {
    dir_i = open(pat_c, O_RDWR | O_DIRECT | O_CLOEXEC);
    if ( dir_i < 0 ) {
      snprintf(why_c, why_z, "O_DIRECT on %.1024s: %s", pat_c, strerror(errno));
      goto done;
    }
    ptr_y = mmap(0, len_d, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  }
  else {
    //  2 MiB aligned, so that large folios can be mapped whole
    c3_y* raw_y = mmap(0, len_d + 2 * _B_MIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ( MAP_FAILED != raw_y ) {
      c3_y* alg_y = (c3_y*)(((uintptr_t)raw_y + 2 * _B_MIB - 1) & ~(uintptr_t)(2 * _B_MIB - 1));
      ptr_y = mmap(alg_y, len_d, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fid_i, 0);
    }
    if ( MAP_FAILED != ptr_y ) {
      madvise(ptr_y, len_d, ( _b_huge == mod_i ) ? MADV_HUGEPAGE : MADV_RANDOM);
    }
  }
  if ( MAP_FAILED == ptr_y ) {
    snprintf(why_c, why_z, "mmap: %s", strerror(errno));
    goto done;
  }

  *flt_d = _b_faults();
  t_d = h_now();
  _b_touch(ptr_y, len_d);
  sec_d[_b_p_touch] = h_now() - t_d;
  *flt_d = _b_faults() - *flt_d;
  for ( c3_d off_d = 0; off_d < len_d; off_d += 4096 ) {
    wan_d += (c3_w)(off_d >> 12) | 1;
  }

  t_d = h_now();
  if ( _b_direct == mod_i ) {
    for ( c3_d off_d = 0; off_d < len_d; off_d += blk_d ) {
      if ( (ssize_t)blk_d != pwrite(dir_i, ptr_y + off_d, blk_d, (off_t)off_d) ) {
        snprintf(why_c, why_z, "pwrite O_DIRECT: %s", strerror(errno));
        goto done;
      }
      madvise(ptr_y + off_d, blk_d, MADV_DONTNEED);
    }
  }
  else {
    sync_file_range(fid_i, 0, (off_t)len_d, SYNC_FILE_RANGE_WRITE);
    for ( c3_d off_d = 0; off_d < len_d; off_d += blk_d ) {
      sync_file_range(fid_i, (off_t)off_d, (off_t)blk_d,
                      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE
                      | SYNC_FILE_RANGE_WAIT_AFTER);
      madvise(ptr_y + off_d, blk_d, MADV_DONTNEED);
      posix_fadvise(fid_i, (off_t)off_d, (off_t)blk_d, POSIX_FADV_DONTNEED);
    }
  }
  sec_d[_b_p_out] = h_now() - t_d;

  t_d = h_now();
  for ( c3_d off_d = 0; off_d < len_d; off_d += blk_d ) {
    if ( _b_direct == mod_i ) {
      if ( (ssize_t)blk_d != pread(dir_i, ptr_y + off_d, blk_d, (off_t)off_d) ) {
        snprintf(why_c, why_z, "pread O_DIRECT: %s", strerror(errno));
        goto done;
      }
    }
    else {
      madvise(ptr_y + off_d, blk_d, MADV_WILLNEED);
    }
    sum_d += _b_read(ptr_y + off_d, blk_d);
  }
  sec_d[_b_p_in] = h_now() - t_d;
  if ( sum_d != wan_d ) {
    snprintf(why_c, why_z, "read back %llu, wrote %llu",
             (unsigned long long)sum_d, (unsigned long long)wan_d);
    goto done;
  }

  t_d = h_now();
  for ( c3_d off_d = 0; off_d < len_d; off_d += blk_d ) {
    madvise(ptr_y + off_d, blk_d, MADV_DONTNEED);
    if ( _b_direct != mod_i ) {
      posix_fadvise(fid_i, (off_t)off_d, (off_t)blk_d, POSIX_FADV_DONTNEED);
    }
  }
  sec_d[_b_p_drop] = h_now() - t_d;
  ret_i = 0;

done:
  if ( MAP_FAILED != ptr_y ) munmap(ptr_y, len_d);
  if ( dir_i >= 0 ) close(dir_i);
  if ( fid_i >= 0 ) close(fid_i);
  unlink(pat_c);
  return ret_i;
}

int
main(int argc, char** argv)
{
  static const struct option opt_u[] = {
    { "size",   required_argument, 0, 's' },
    { "rounds", required_argument, 0, 'r' },
    { "out",    required_argument, 0, 'o' },
    { "in",     required_argument, 0, 'i' },
    { "help",   no_argument,       0, 'h' },
    { 0, 0, 0, 0 },
  };
  c3_d        siz_d = 256, rnd_d = 3, out_d = 575, in_d = 1271;
  const c3_c* dir_c = getenv("BENCH_DIR");
  c3_c*       pat_c = _b_pat_c;
  c3_w        ran_w = 0;
  c3_i        opt_i;

  while ( -1 != (opt_i = getopt_long(argc, argv, "h", opt_u, 0)) ) {
    switch ( opt_i ) {
      case 's': if ( !(siz_d = _b_number("pagecost", optarg, 8192, "--size")) ) return 1; break;
      case 'r': if ( !(rnd_d = _b_number("pagecost", optarg, _B_ROUNDS, "--rounds")) ) return 1; break;
      case 'o': if ( !(out_d = _b_number("pagecost", optarg, 1 << 20, "--out")) ) return 1; break;
      case 'i': if ( !(in_d = _b_number("pagecost", optarg, 1 << 20, "--in")) ) return 1; break;
      case 'h':
        printf("usage: pagecost [--size MB] [--rounds R] [--out MB] [--in MB]\n"
               "  the kernel's price per MiB of a page going out and coming\n"
               "  back: first touch, write out and drop, read back, drop\n"
               "  clean; for a swap file mapped with 4 KiB folios, with 2 MiB\n"
               "  folios, and anonymous memory with O_DIRECT I/O\n"
               "      --size MB    the range (default 256, at most 8192)\n"
               "      --rounds R   rounds, medians (default 3, at most %u)\n"
               "      --out MB     MiB a run sends out, for the estimate\n"
               "                   (default 575)\n"
               "      --in MB      MiB it brings back (default 1271)\n"
               "  the file goes under $BENCH_DIR, else /var/tmp\n", _B_ROUNDS);
        return 0;
      default: return 1;
    }
  }
  if ( optind < argc ) {
    fprintf(stderr, "pagecost: unexpected argument '%s'\n", argv[optind]);
    return 1;
  }
  snprintf(pat_c, sizeof(_b_pat_c), "%s/pagecost-%d.bin",
           dir_c && *dir_c ? dir_c : "/var/tmp", (int)getpid());

  signal(SIGINT, _b_on_signal);
  signal(SIGTERM, _b_on_signal);
  signal(SIGHUP, _b_on_signal);

  double tot_d[_b_modes] = { 0 };
  printf("pagecost: %llu MiB, medians of %llu rounds, us per MiB\n",
         (unsigned long long)siz_d, (unsigned long long)rnd_d);
  printf("%-15s %9s %9s %9s %9s %9s %7s %11s %9s\n", "arrangement",
         _b_pha_c[0], _b_pha_c[1], _b_pha_c[2], _b_pha_c[3], "total",
         "ratio", "faults/MiB", "run s");
  for ( c3_i mod_i = 0; mod_i < _b_modes; mod_i++ ) {
    double sec_d[_b_phases][_B_ROUNDS];
    double flt_d[_B_ROUNDS];
    double med_d[_b_phases];
    c3_c   why_c[1600] = "";
    c3_t   bad_t = 0;

    for ( c3_d r_d = 0; r_d < rnd_d && !bad_t; r_d++ ) {
      double one_d[_b_phases];
      c3_d   flt_i;
      if ( _b_round(mod_i, pat_c, siz_d * _B_MIB, one_d, &flt_i, why_c, sizeof(why_c)) ) {
        bad_t = 1;
        break;
      }
      for ( c3_i p_i = 0; p_i < _b_phases; p_i++ ) {
        sec_d[p_i][r_d] = one_d[p_i] * 1e6 / (double)siz_d;
      }
      flt_d[r_d] = (double)flt_i / (double)siz_d;
    }
    if ( bad_t ) {
      printf("%-15s skipped: %s\n", _b_mod_c[mod_i], why_c);
      continue;
    }
    ran_w++;
    for ( c3_i p_i = 0; p_i < _b_phases; p_i++ ) {
      med_d[p_i] = _b_median(sec_d[p_i], (c3_w)rnd_d);
      tot_d[mod_i] += med_d[p_i];
    }
    double run_d = ((double)out_d * (med_d[_b_p_touch] + med_d[_b_p_out])
                    + (double)in_d * (med_d[_b_p_in] + med_d[_b_p_drop])) / 1e6;
    printf("%-15s %9.0f %9.0f %9.0f %9.0f %9.0f %7.2f %11.1f %9.2f\n",
           _b_mod_c[mod_i], med_d[0], med_d[1], med_d[2], med_d[3],
           tot_d[mod_i], tot_d[0] > 0 ? tot_d[mod_i] / tot_d[0] : 0.0,
           _b_median(flt_d, (c3_w)rnd_d), run_d);
  }
  printf("pagecost: run s = %llu MiB out x (touch + out) + %llu MiB in x "
         "(in + drop)\n", (unsigned long long)out_d, (unsigned long long)in_d);
  if ( !ran_w ) {
    fprintf(stderr, "pagecost: no arrangement could run (above)\n");
    return 1;
  }
  return 0;
}
