/// @file boot.c
/// Benchmark: time to the first event against the image's size, with a
/// cold page cache, side by side in one run: the floor (open north.bin
/// and map it, touching nothing), the old start (`--verify-first`: every
/// page read and checked before the first event) and the new one (map
/// and go; verification in the background).  Each figure is `boot_ms`
/// from the run's --json (the run's start to its first new event; no log
/// to replay here), with `verify_ms` beside it, and the MiB of north.bin
/// left in the page cache after the run (mincore); medians of the
/// rounds, the three interleaved within each round.
///
/// The page cache is dropped before every measurement (sync, then
/// /proc/sys/vm/drop_caches), which needs root; without it the figures
/// are warm, and the bench says so.  Images are made once per size: a
/// pier of the kv kernel (`-n 0`, loom 2^33), then ballast pages
/// allocated on its home road (left unreferenced: nothing reads them,
/// but the image holds them) and saved through the library.
///
///   URBIT=build/gcc/urbit build/gcc/bench/boot [rounds] [MiB,MiB,...]
///   (piers under $BENCH_DIR or /tmp, kept if $BENCH_KEEP is set;
///   default 3 rounds of 64,256,1024)
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "noun/noun.h"
#include "bench.h"
#include "noun/events.h"

#define _b_bits 33              //  the loom: room for a 4 GiB image

static const c3_c* _b_urbit_c;
static c3_c        _b_dir_c[512];
static h_run       _b_res;
static c3_t        _b_cold_t;    //  caches can be dropped

/* _b_drop(): sync and drop the page cache; 1 if done. */
static c3_t
_b_drop(void)
{
  sync();
  return 0 == h_put("/proc/sys/vm/drop_caches", "3\n");
}

/* _b_run(): run urbit with args (null-terminated) into _b_res; exit status. */
static c3_i
_b_run(const c3_c* fir_c, ...)
{
  va_list ap;
  c3_i    ret_i;

  va_start(ap, fir_c);
  ret_i = h_run_list(_b_dir_c, 0, 0, &_b_res, _b_urbit_c, fir_c, ap);
  va_end(ap);
  return ret_i;
}

/* _b_ballast(): in a child: boot pir_c and grow its image to mib_w MiB
**   with unreferenced pages of a cheap pattern, saved.  0 or -1.
*/
static c3_i
_b_ballast(const c3_c* pir_c, c3_w mib_w)
{
  pid_t pid_i = fork();
  c3_i  sat_i;

  if ( 0 == pid_i ) {
    if ( u3m_boot_resumed != u3m_boot(pir_c, _b_bits) ) {
      _exit(1);
    }
    c3_w chu_w = 1U << 22;    //  16 MiB a piece
    while ( ((c3_d)u3a_page_of(u3R->hat_w) << u3a_page_bits)
            < ((c3_d)mib_w << 20) - (16ULL << 20) )
    {
      c3_w* buf_w = u3a_walloc(chu_w);
      for ( c3_w i_w = 2; i_w < chu_w; i_w++ ) {
        buf_w[i_w] = i_w * 2654435761U;
      }
    }
    _exit(u3m_save() ? 1 : 0);
  }
  if ( pid_i < 0 || pid_i != waitpid(pid_i, &sat_i, 0) ) {
    return -1;
  }
  return ( WIFEXITED(sat_i) && 0 == WEXITSTATUS(sat_i) ) ? 0 : -1;
}

/* _b_floor(): ms to open north.bin and map it, touching nothing. */
static double
_b_floor(const c3_c* pir_c)
{
  c3_c        pat_c[700];
  struct stat sat_u;
  double      t0 = h_now();
  c3_i        fid_i;
  void*       map_v;

  snprintf(pat_c, sizeof(pat_c), "%s/.urb/chk/north.bin", pir_c);
  if ( 0 > (fid_i = open(pat_c, O_RDONLY)) || fstat(fid_i, &sat_u) ) {
    perror("bench: north.bin");
    exit(1);
  }
  map_v = mmap(0, (c3_z)sat_u.st_size, PROT_READ, MAP_PRIVATE, fid_i, 0);
  double t1 = h_now();
  if ( MAP_FAILED == map_v ) {
    perror("bench: mmap north.bin");
    exit(1);
  }
  munmap(map_v, (c3_z)sat_u.st_size);
  close(fid_i);
  return (t1 - t0) * 1e3;
}

/* _b_cached(): MiB of pir_c's north.bin in the page cache. */
static double
_b_cached(const c3_c* pir_c)
{
  c3_c        pat_c[700];
  struct stat sat_u;
  c3_i        fid_i;
  c3_z        sys_z = (c3_z)sysconf(_SC_PAGESIZE), num_z, res_z = 0;
  void*       map_v;
  c3_y*       vec_y;

  snprintf(pat_c, sizeof(pat_c), "%s/.urb/chk/north.bin", pir_c);
  if ( 0 > (fid_i = open(pat_c, O_RDONLY)) || fstat(fid_i, &sat_u) ) {
    return -1;
  }
  num_z = ((c3_z)sat_u.st_size + sys_z - 1) / sys_z;
  map_v = mmap(0, (c3_z)sat_u.st_size, PROT_READ, MAP_SHARED, fid_i, 0);
  vec_y = malloc(num_z);
  if ( MAP_FAILED != map_v && vec_y
       && 0 == mincore(map_v, (c3_z)sat_u.st_size, (unsigned char*)vec_y) )
  {
    for ( c3_z i_z = 0; i_z < num_z; i_z++ ) {
      res_z += vec_y[i_z] & 1;
    }
  }
  if ( MAP_FAILED != map_v ) munmap(map_v, (c3_z)sat_u.st_size);
  free(vec_y);
  close(fid_i);
  return (double)(res_z * sys_z) / (1 << 20);
}

/* _b_start(): one start of pir_c (--verify-first if old_t), cold; its
**   boot_ms into *boo_d, verify_ms into *ver_d, and the MiB of north.bin
**   left in the page cache after the run into *cac_d.
*/
static void
_b_start(const c3_c* pir_c, c3_t old_t, double* boo_d, double* ver_d,
         double* cac_d)
{
  if ( _b_cold_t ) {
    _b_drop();
  }
  if ( _b_run("-q", "--json", "-n", "1", old_t ? "--verify-first" : "-q",
              pir_c, (c3_c*)0) )
  {
    fprintf(stderr, "bench: urbit failed: %s\n%s\n", _b_res.out_c,
            _b_res.err_c);
    exit(1);
  }
  *boo_d = (double)h_json_d(_b_res.out_c, "boot_ms");
  *ver_d = (double)h_json_d(_b_res.out_c, "verify_ms");
  *cac_d = _b_cached(pir_c);
}

int
main(int argc, char** argv)
{
  c3_w        rnd_w = ( argc > 1 ) ? (c3_w)strtoul(argv[1], 0, 10) : 3;
  const c3_c* siz_c = ( argc > 2 ) ? argv[2] : "64,256,1024";
  const c3_c* out_c = getenv("BENCH_DIR");
  double      flo_d[16], old_d[16], new_d[16], ovr_d[16], nvr_d[16];
  double      oca_d[16], nca_d[16];

  _b_urbit_c = getenv("URBIT");
  if ( !_b_urbit_c ) {
    fprintf(stderr, "bench: set URBIT to the urbit binary\n");
    return 1;
  }
  rnd_w = c3_max(1, c3_min(rnd_w, 16));
  snprintf(_b_dir_c, sizeof(_b_dir_c), "%s/boot-bench", out_c ? out_c : "/tmp");
  h_rm(_b_dir_c);
  mkdir(_b_dir_c, 0755);
  _b_cold_t = _b_drop();
  printf("boot: medians of %u rounds, %s page cache; ms from the run's start "
         "to its first new event (no replay)\n", rnd_w,
         _b_cold_t ? "cold (dropped before each start)"
                   : "WARM (cannot drop caches: not root)");
  printf("%8s %10s %12s %12s %8s %12s %12s %12s %12s\n", "MiB", "floor ms",
         "old boot ms", "new boot ms", "new/old", "old verify", "new verify",
         "old cached", "new cached");

  for ( const c3_c* cur_c = siz_c; *cur_c; ) {
    c3_w mib_w = (c3_w)strtoul(cur_c, 0, 10);
    c3_c pir_c[600];

    cur_c = strchr(cur_c, ',') ? strchr(cur_c, ',') + 1 : cur_c + strlen(cur_c);
    if ( mib_w < 32 ) continue;
    snprintf(pir_c, sizeof(pir_c), "%s/pier-%u", _b_dir_c, mib_w);
    if ( _b_run("-q", "-n", "0", "-w", "kv", "--size", "1", "--loom", "33",
                pir_c, (c3_c*)0)
         || _b_ballast(pir_c, mib_w) )
    {
      fprintf(stderr, "bench: cannot make a %u MiB image\n", mib_w);
      return 1;
    }
    for ( c3_w r_w = 0; r_w < rnd_w; r_w++ ) {
      if ( _b_cold_t ) _b_drop();
      flo_d[r_w] = _b_floor(pir_c);
      _b_start(pir_c, 1, &old_d[r_w], &ovr_d[r_w], &oca_d[r_w]);
      _b_start(pir_c, 0, &new_d[r_w], &nvr_d[r_w], &nca_d[r_w]);
    }
    double flo = _b_median(flo_d, rnd_w), old = _b_median(old_d, rnd_w);
    double neu = _b_median(new_d, rnd_w);
    printf("%8u %10.2f %12.0f %12.0f %8.3f %12.0f %12.0f %12.1f %12.1f\n",
           mib_w, flo, old, neu, old > 0 ? neu / old : 0,
           _b_median(ovr_d, rnd_w), _b_median(nvr_d, rnd_w),
           _b_median(oca_d, rnd_w), _b_median(nca_d, rnd_w));
    fflush(stdout);
    if ( !getenv("BENCH_KEEP") ) h_rm(pir_c);
  }
  if ( !getenv("BENCH_KEEP") ) h_rm(_b_dir_c);
  return 0;
}
