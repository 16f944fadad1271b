/// @file pressure.c
/// Benchmark: the same workload under the same memory cgroup limit, on
/// the same disk, paged three (or four) ways:
///
///   unconstrained  the default policy in a cgroup without a limit; its
///                  cgroup peak defines the limits, its mug the answer
///   swap-file      `--swap-file` in a memory cgroup at the limit, no swap
///   kernel-swap    the default policy in the same cgroup with the
///                  kernel's own swap: a swap file on the pier's file
///                  system, enabled with swapon(2) only while such a run
///                  goes, and removed afterwards
///   memory-limit   `--memory-limit` at the same figure, without a cgroup
///                  limit (only when `urbit --help` mentions the flag)
///
/// at 1/2, 1/4, 1/16 and 1/64 of the unconstrained peak, for churn, kv
/// and mixed.  Every run must reach the unconstrained run's mug; a
/// mismatch is reported loudly and makes the exit status 1.  A run that
/// exceeds its time limit (--timeout, by default 2 times the workload's
/// unconstrained time and at least 30 s) is killed and recorded as
/// "timeout" with its elapsed time (a lower bound), and the bench goes
/// on.  Limits below --floor (the runtime's own floor) are not run.
///
/// Figures per run: wall time, ratio to unconstrained, ratio to kernel
/// swap (the figure to drive down), bytes read from and written to the
/// disk, the cgroup's peak charge and its OOM kills.  Read: the child's
/// /proc/PID/io read_bytes, taken before it is reaped (the block layer
/// charges a read to the task that submits it, swap-ins included).
/// Written: its write_bytes less cancelled_write_bytes (charged when a
/// page is dirtied, so the swap-file's write-back is in it), plus the
/// system's swap-outs (/proc/vmstat pswpout) during the run, which reclaim
/// charges to no task.  A table on stdout, a CSV and a PNG chart (time ratio
/// against the limit, log scale, one panel per workload) in --out.
///
/// Cleanup invariant: everything this process makes outside its output
/// directory (the scratch directory with the piers, the kernel swap file,
/// the swap it enabled, the cgroups, the running child) is named in a
/// marker file DIR/pressure.marker, rewritten (write, rename) whenever that
/// set changes, before the resource is used.  SIGINT, SIGTERM and SIGHUP
/// kill the child and end the bench through exit(), whose atexit handler
/// turns the swap off, unlinks its file, kills what is left in the cgroups
/// and removes them, the scratch directory and the marker.  A run killed
/// outright (SIGKILL, a crash) leaves the marker: the next start in the
/// same DIR (or `--cleanup`) reads it and undoes everything it names.
/// Children are started in their own process group with a parent-death
/// signal of SIGKILL, so they never outlive the bench.
///
///   build/gcc/bench/pressure [--workloads L] [--ratios L] [--columns L]
///                            [--size MB] [--events N] [--seed S]
///                            [--rounds R] [--timeout S] [--floor MB]
///                            [--quick] [--dir DIR] [--out DIR]
///                            [--urbit PATH] [--cleanup] [--help]
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "png.h"

#define _P_WOKS   3    //  workloads known
#define _P_RATS   8    //  at most this many ratios
#define _P_ROUNDS 9    //  at most this many rounds
#define _P_CGS    4    //  cgroups alive at once (one per run, at most)
#define _P_MIB    1048576.0

  /** Workloads and their default sizes (see --help and the README): churn
  **  and mixed peak near 580 MiB, so that 1/64 is above the floor; kv
  **  would need about 30 s unconstrained to grow that far, more than the
  **  bench's time allows, and stops near 200 MiB.
  **/
typedef struct {
  const c3_c* nam_c;   //  -w name
  c3_w        siz_w;   //  --size, MiB
  c3_w        num_w;   //  events
  c3_w        qsz_w;   //  --quick size
  c3_w        qnu_w;   //  --quick events
} _p_wok;

static const _p_wok _p_woks[_P_WOKS] = {
  { "churn", 512,  1,     64, 2 },
  { "kv",    1024, 8000,  16, 2000 },
  { "mixed", 512,  6,     32, 3 },
};

  /** The columns: how a constrained run pages.
  **/
enum { _P_SWF, _P_KRN, _P_LIM, _P_COLS };

static const c3_c* _p_col_c[_P_COLS] = {
  "swap-file", "kernel-swap", "memory-limit"
};

  /** One run's figures; NAN where unknown.
  **/
typedef struct {
  c3_c   sta_c[16];    //  ok, timeout, oom, failed, skipped, n/a, <floor
  c3_c   why_c[256];   //  for failed and skipped: why
  double wal_d;        //  wall seconds
  c3_t   mug_t;        //  a mug was reported
  c3_w   mug_w;
  double rea_d;        //  bytes read (the child's read_bytes)
  double wri_d;        //  bytes written (write_bytes - cancelled)
  double pin_d;        //  bytes swapped in during the run (system)
  double pou_d;        //  bytes swapped out during the run (system)
  double pek_d;        //  cgroup peak charge, bytes (or peak RSS)
  double oom_d;        //  OOM kills in the cgroup
} _p_res;

  /** Options.
  **/
static struct {
  const c3_c* urb_c;               //  the urbit binary
  c3_t        wok_t[_P_WOKS];      //  workloads selected
  c3_w        rat_w[_P_RATS];      //  limit = peak / rat_w
  c3_w        nra_w;               //  ratios
  c3_t        col_t[_P_COLS];      //  columns selected
  c3_w        siz_w;               //  --size for all, or 0: per workload
  c3_w        num_w;               //  --events for all, or 0
  c3_c        sed_c[24];           //  --seed
  c3_w        rou_w;               //  rounds
  double      tim_d;               //  per-run timeout, s (at least)
  c3_t        tix_t;               //  --timeout given: fixed
  double      flo_d;               //  floor, bytes
  c3_t        qik_t;               //  --quick
  c3_c        dir_c[3000];         //  scratch parent (piers, swap file)
  c3_c        out_c[3000];         //  output directory
  c3_t        cln_t;               //  --cleanup: only clean up
} _p_O;

  /** What this process holds outside its output directory; the marker
  **  names all of it.
  **/
static struct {
  c3_c  mar_c[3100];          //  the marker file ("" before it exists)
  c3_c  scr_c[3100];          //  scratch directory ("" if none)
  c3_c  swp_c[3200];          //  kernel swap file ("" if none)
  c3_t  son_t;                //  swap enabled on it
  c3_c  cgs_c[_P_CGS][2048];  //  cgroups made ("" slots free)
  pid_t kid_i;                //  the running child, or 0
} _p_S;

static volatile sig_atomic_t _p_sig_i;   //  SIGINT/TERM/HUP seen
static volatile pid_t        _p_kid_i;   //  the child, for the handler
static c3_w                  _p_seq_w;   //  runs so far (directory names)

  /** Results, filled as the bench goes.
  **/
static struct {
  _p_res unc_u[_P_WOKS][_P_ROUNDS];                      //  unconstrained
  _p_res run_u[_P_WOKS][_P_RATS][_P_COLS][_P_ROUNDS];    //  constrained
  double pek_d[_P_WOKS];     //  the peak the limits derive from, bytes
  double unw_d[_P_WOKS];     //  median unconstrained wall, s
  double tim_d[_P_WOKS];     //  the per-run timeout used, s
  c3_w   mug_w[_P_WOKS];     //  the unconstrained mug
  c3_t   ran_t[_P_WOKS];     //  the workload ran (had an unconstrained run)
  c3_c   krn_c[256];         //  why kernel swap cannot run ("" if it can)
  c3_c   lim_c[256];         //  why --memory-limit cannot run ("" if it can)
  c3_t   lmb_t;              //  --memory-limit takes MiB (else bytes)
  c3_t   bad_t;              //  a mug mismatch was seen
} _p_R;

  /** The marker and cleanup.
  **/

/* _p_mark(): rewrite the marker from _p_S (write a temporary, rename). */
static void
_p_mark(void)
{
  c3_c  tmp_c[3200];
  FILE* fil_u;

  if ( !_p_S.mar_c[0] ) {
    return;
  }
  snprintf(tmp_c, sizeof(tmp_c), "%s.new", _p_S.mar_c);
  if ( !(fil_u = fopen(tmp_c, "w")) ) {
    fprintf(stderr, "pressure: open %s: %s\n", tmp_c, strerror(errno));
    return;
  }
  fprintf(fil_u, "pid %d\n", (c3_i)getpid());
  if ( _p_S.scr_c[0] ) fprintf(fil_u, "scratch %s\n", _p_S.scr_c);
  if ( _p_S.swp_c[0] ) fprintf(fil_u, "swap %s\n", _p_S.swp_c);
  if ( _p_S.son_t )    fprintf(fil_u, "swapon %s\n", _p_S.swp_c);
  for ( c3_w i_w = 0; i_w < _P_CGS; i_w++ ) {
    if ( _p_S.cgs_c[i_w][0] ) fprintf(fil_u, "cgroup %s\n", _p_S.cgs_c[i_w]);
  }
  if ( _p_S.kid_i > 0 ) fprintf(fil_u, "child %d\n", (c3_i)_p_S.kid_i);
  if ( ferror(fil_u) | fclose(fil_u) || rename(tmp_c, _p_S.mar_c) ) {
    fprintf(stderr, "pressure: write %s: %s\n", _p_S.mar_c, strerror(errno));
  }
}

/* _p_swapped(): is pat_c an active swap area (listed in /proc/swaps)? */
static c3_t
_p_swapped(const c3_c* pat_c)
{
  FILE* fil_u = fopen("/proc/swaps", "r");
  c3_c  lin_c[4096];
  c3_z  len_z = strlen(pat_c);
  c3_t  hit_t = 0;

  while ( fil_u && fgets(lin_c, sizeof(lin_c), fil_u) ) {
    if ( !strncmp(lin_c, pat_c, len_z)
         && (' ' == lin_c[len_z] || '\t' == lin_c[len_z]) )
    {
      hit_t = 1;
    }
  }
  if ( fil_u ) fclose(fil_u);
  return hit_t;
}

/* _p_swap_off(): turn swap on pat_c off if it is on; 1 if it is off. */
static c3_t
_p_swap_off(const c3_c* pat_c)
{
  if ( !_p_swapped(pat_c) ) {
    return 1;
  }
  if ( swapoff(pat_c) && EINVAL != errno ) {
    fprintf(stderr, "pressure: swapoff %s: %s\n", pat_c, strerror(errno));
    return 0;
  }
  return !_p_swapped(pat_c);
}

/* _p_cg_kill(): kill every process in a cgroup and remove it; 1 if gone. */
static c3_t
_p_cg_kill(const c3_c* dir_c)
{
  c3_c pat_c[2200], buf_c[8192];

  snprintf(pat_c, sizeof(pat_c), "%s/cgroup.procs", dir_c);
  for ( c3_w i_w = 0; i_w < 300; i_w++ ) {
    if ( 0 == rmdir(dir_c) || ENOENT == errno ) {
      return 1;
    }
    if ( EBUSY != errno ) {
      break;
    }
    if ( h_slurp(pat_c, buf_c, sizeof(buf_c)) > 0 ) {
      for ( c3_c* lin_c = buf_c; *lin_c; ) {
        long pid_l = strtol(lin_c, &lin_c, 10);
        if ( pid_l > 0 ) {
          kill((pid_t)pid_l, SIGKILL);
        }
        while ( '\n' == *lin_c ) lin_c++;
        if ( pid_l <= 0 && *lin_c ) lin_c++;
      }
    }
    usleep(10000);
  }
  fprintf(stderr, "pressure: rmdir %s: %s\n", dir_c, strerror(errno));
  return 0;
}

/* _p_clean(): undo everything _p_S holds (the atexit handler). */
static void
_p_clean(void)
{
  if ( _p_S.kid_i > 0 ) {
    kill(_p_S.kid_i, SIGKILL);
    waitpid(_p_S.kid_i, 0, 0);
    _p_S.kid_i = _p_kid_i = 0;
  }
  if ( _p_S.son_t ) {
    if ( _p_swap_off(_p_S.swp_c) ) {
      _p_S.son_t = 0;
    }
  }
  if ( _p_S.swp_c[0] && !_p_S.son_t ) {
    if ( unlink(_p_S.swp_c) && ENOENT != errno ) {
      fprintf(stderr, "pressure: unlink %s: %s\n", _p_S.swp_c,
              strerror(errno));
    }
    _p_S.swp_c[0] = 0;
  }
  for ( c3_w i_w = 0; i_w < _P_CGS; i_w++ ) {
    if ( _p_S.cgs_c[i_w][0] && _p_cg_kill(_p_S.cgs_c[i_w]) ) {
      _p_S.cgs_c[i_w][0] = 0;
    }
  }
  if ( _p_S.scr_c[0] && !_p_S.son_t ) {
    h_rm(_p_S.scr_c);
    _p_S.scr_c[0] = 0;
  }
  if ( _p_S.mar_c[0] ) {
    c3_t all_t = !_p_S.son_t && !_p_S.swp_c[0] && !_p_S.scr_c[0];
    for ( c3_w i_w = 0; i_w < _P_CGS; i_w++ ) {
      all_t = all_t && !_p_S.cgs_c[i_w][0];
    }
    if ( all_t ) {
      unlink(_p_S.mar_c);
      _p_S.mar_c[0] = 0;
    }
    else {
      _p_mark();
      fprintf(stderr, "pressure: could not undo everything; %s names what "
                      "is left (run with --cleanup to retry)\n", _p_S.mar_c);
    }
  }
}

/* _p_on_signal(): stop: kill the child at once, let the bench exit. */
static void
_p_on_signal(c3_i sig_i)
{
  _p_sig_i = sig_i;
  if ( _p_kid_i > 0 ) {
    kill(-_p_kid_i, SIGKILL);
    kill(_p_kid_i, SIGKILL);
  }
}

/* _p_stopped(): if a signal came, say so and exit (atexit cleans up). */
static void
_p_stopped(void)
{
  if ( _p_sig_i ) {
    fprintf(stderr, "pressure: stopped by signal %d (%s); cleaning up\n",
            (c3_i)_p_sig_i, strsignal(_p_sig_i));
    exit(128 + _p_sig_i);
  }
}

/* _p_leftovers(): undo what a killed earlier run left in DIR, as its
**   marker names it; 0, or 1 if another live run holds DIR.
*/
static c3_i
_p_leftovers(const c3_c* mar_c)
{
  c3_c  lin_c[4200];
  FILE* fil_u = fopen(mar_c, "r");
  c3_t  all_t = 1;

  if ( !fil_u ) {
    return 0;
  }
  //  in order: the owner, then swap and cgroups, then files (an active
  //  swap file cannot be removed)
  //
  for ( c3_w pas_w = 0; pas_w < 3; pas_w++ ) {
    rewind(fil_u);
    while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
      lin_c[strcspn(lin_c, "\n")] = 0;
      c3_c* val_c = strchr(lin_c, ' ');
      c3_w  its_w;
      if ( !val_c ) {
        continue;
      }
      *val_c++ = 0;
      its_w = !strcmp(lin_c, "pid") ? 0 : ( !strcmp(lin_c, "scratch") ? 2 : 1 );
      if ( its_w != pas_w ) {
        continue;
      }
      if ( !strcmp(lin_c, "pid") ) {
        c3_c  pat_c[64], com_c[64];
        pid_t pid_i = (pid_t)strtol(val_c, 0, 10);
        snprintf(pat_c, sizeof(pat_c), "/proc/%d/comm", (c3_i)pid_i);
        if ( pid_i > 0 && pid_i != getpid() && 0 == kill(pid_i, 0)
             && h_slurp(pat_c, com_c, sizeof(com_c)) > 0
             && !strncmp(com_c, "pressure", 8) )
        {
          fprintf(stderr, "pressure: %s: another run (pid %d) is using this "
                          "directory; choose another --dir\n", mar_c,
                  (c3_i)pid_i);
          fclose(fil_u);
          return 1;
        }
        printf("pressure: cleaning up after an earlier run (pid %d) that "
               "did not finish\n", (c3_i)pid_i);
      }
      else if ( !strcmp(lin_c, "child") ) {
        //  a child whose parent died had SIGKILL as its death signal; a
        //  live one would be in a cgroup below, and killed there
      }
      else if ( !strcmp(lin_c, "swapon") || !strcmp(lin_c, "swap") ) {
        if ( !_p_swap_off(val_c) ) {
          all_t = 0;
          continue;
        }
        if ( !strcmp(lin_c, "swap") ) {
          if ( unlink(val_c) && ENOENT != errno ) {
            fprintf(stderr, "pressure: unlink %s: %s\n", val_c, strerror(errno));
            all_t = 0;
          }
          else {
            printf("  removed swap file %s (swap off)\n", val_c);
          }
        }
      }
      else if ( !strcmp(lin_c, "cgroup") ) {
        if ( h_exists(val_c) ) {
          if ( _p_cg_kill(val_c) ) {
            printf("  removed cgroup %s\n", val_c);
          }
          else {
            all_t = 0;
          }
        }
      }
      else if ( !strcmp(lin_c, "scratch") ) {
        if ( h_exists(val_c) ) {
          h_rm(val_c);
          if ( h_exists(val_c) ) {
            all_t = 0;
          }
          else {
            printf("  removed %s\n", val_c);
          }
        }
      }
    }
  }
  fclose(fil_u);
  if ( all_t ) {
    unlink(mar_c);
  }
  else {
    fprintf(stderr, "pressure: %s: some leftovers could not be removed "
                    "(see above); the marker stays\n", mar_c);
  }
  return 0;
}

  /** Small helpers.
  **/

/* _p_vmstat(): pswpin + pswpout... : one /proc/vmstat counter, or 0. */
static c3_d
_p_vmstat(const c3_c* key_c)
{
  static c3_c buf_c[16384];
  c3_z        len_z = strlen(key_c);

  if ( h_slurp("/proc/vmstat", buf_c, sizeof(buf_c)) <= 0 ) {
    return 0;
  }
  for ( c3_c* lin_c = buf_c; lin_c && *lin_c; ) {
    if ( !strncmp(lin_c, key_c, len_z) && ' ' == lin_c[len_z] ) {
      return strtoull(lin_c + len_z + 1, 0, 10);
    }
    lin_c = strchr(lin_c, '\n');
    lin_c = lin_c ? lin_c + 1 : 0;
  }
  return 0;
}

/* _p_io(): the field key_c of /proc/PID/io, or NAN. */
static double
_p_io(const c3_c* buf_c, const c3_c* key_c)
{
  c3_c        pat_c[64];
  const c3_c* hit_c;

  snprintf(pat_c, sizeof(pat_c), "\n%s: ", key_c);
  if ( !strncmp(buf_c, pat_c + 1, strlen(pat_c) - 1) ) {
    return strtod(buf_c + strlen(pat_c) - 1, 0);
  }
  hit_c = strstr(buf_c, pat_c);
  return hit_c ? strtod(hit_c + strlen(pat_c), 0) : NAN;
}

/* _p_last_line(): the last non-empty line of txt_c into buf_c. */
static void
_p_last_line(const c3_c* txt_c, c3_c* buf_c, c3_z len_z)
{
  c3_z end_z = strlen(txt_c);
  while ( end_z && ('\n' == txt_c[end_z - 1] || '\r' == txt_c[end_z - 1]) ) {
    end_z--;
  }
  c3_z bot_z = end_z;
  while ( bot_z && '\n' != txt_c[bot_z - 1] ) {
    bot_z--;
  }
  snprintf(buf_c, len_z, "%.*s", (c3_i)(end_z - bot_z), txt_c + bot_z);
}

/* _p_res_init(): a result with status sta_c and nothing measured. */
static void
_p_res_init(_p_res* res_u, const c3_c* sta_c)
{
  memset(res_u, 0, sizeof(*res_u));
  snprintf(res_u->sta_c, sizeof(res_u->sta_c), "%s", sta_c);
  res_u->wal_d = res_u->rea_d = res_u->wri_d = NAN;
  res_u->pin_d = res_u->pou_d = res_u->pek_d = res_u->oom_d = NAN;
}

/* _p_cg_hold(): remember a cgroup in _p_S (and the marker). */
static void
_p_cg_hold(const c3_c* dir_c, c3_t hol_t)
{
  for ( c3_w i_w = 0; i_w < _P_CGS; i_w++ ) {
    if ( hol_t && !_p_S.cgs_c[i_w][0] ) {
      snprintf(_p_S.cgs_c[i_w], sizeof(_p_S.cgs_c[i_w]), "%s", dir_c);
      break;
    }
    if ( !hol_t && !strcmp(_p_S.cgs_c[i_w], dir_c) ) {
      _p_S.cgs_c[i_w][0] = 0;
      break;
    }
  }
  _p_mark();
}

  /** The kernel's swap: a swap file with real blocks, on and off.
  **/

/* _p_swap_make(): write a swap file of siz_d bytes at _p_S.swp_c (zeros
**   written block by block, since swapon refuses holes, then the swap
**   header: version 1, last page, the "SWAPSPACE2" signature at the end
**   of the first page); 0, or 1 with why_c set.
*/
static c3_i
_p_swap_make(c3_d siz_d, c3_c* why_c, c3_z why_z)
{
  static c3_y zer_y[1 << 20];
  c3_z        pag_z = (c3_z)sysconf(_SC_PAGESIZE);
  c3_y*       hed_y;
  c3_i        fid_i;

  fid_i = open(_p_S.swp_c, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if ( fid_i < 0 ) {
    snprintf(why_c, why_z, "create %.200s: %s", _p_S.swp_c, strerror(errno));
    _p_S.swp_c[0] = 0;
    return 1;
  }
  _p_mark();
  for ( c3_d don_d = 0; don_d < siz_d; ) {
    c3_z    len_z = (c3_z)c3_min(siz_d - don_d, (c3_d)sizeof(zer_y));
    ssize_t ret_i = write(fid_i, zer_y, len_z);
    if ( ret_i <= 0 ) {
      snprintf(why_c, why_z, "write %.200s: %s", _p_S.swp_c,
               ret_i ? strerror(errno) : "short write");
      close(fid_i);
      return 1;
    }
    don_d += (c3_d)ret_i;
    if ( _p_sig_i ) {
      close(fid_i);
      _p_stopped();
    }
  }
  if ( !(hed_y = calloc(1, pag_z)) ) {
    snprintf(why_c, why_z, "out of memory");
    close(fid_i);
    return 1;
  }
  c3_w ver_w = 1, las_w = (c3_w)(siz_d / pag_z - 1);
  memcpy(hed_y + 1024, &ver_w, 4);
  memcpy(hed_y + 1028, &las_w, 4);
  memcpy(hed_y + 1052, "loom-pressure", 13);
  memcpy(hed_y + pag_z - 10, "SWAPSPACE2", 10);
  ssize_t ret_i = pwrite(fid_i, hed_y, pag_z, 0);
  free(hed_y);
  if ( (ssize_t)pag_z != ret_i || fsync(fid_i) ) {
    snprintf(why_c, why_z, "write %.200s: %s", _p_S.swp_c,
             ( ret_i < 0 ) ? strerror(errno) : "short write");
    close(fid_i);
    return 1;
  }
  //  its page cache is not the workload's: drop it
  posix_fadvise(fid_i, 0, 0, POSIX_FADV_DONTNEED);
  close(fid_i);
  return 0;
}

/* _p_swap_on(): enable the kernel swap file; 0, or 1 with why_c set. */
static c3_i
_p_swap_on(c3_c* why_c, c3_z why_z)
{
  _p_S.son_t = 1;   //  in the marker before it can be on
  _p_mark();
  if ( swapon(_p_S.swp_c, 0) ) {
    snprintf(why_c, why_z, "swapon %.200s: %s", _p_S.swp_c, strerror(errno));
    _p_S.son_t = 0;
    _p_mark();
    return 1;
  }
  return 0;
}

/* _p_swap_done(): turn the kernel swap file off (it stays on disk). */
static void
_p_swap_done(void)
{
  if ( _p_S.son_t && _p_swap_off(_p_S.swp_c) ) {
    _p_S.son_t = 0;
    _p_mark();
  }
}

/* _p_swap_drop(): turn the kernel swap file off and remove it. */
static void
_p_swap_drop(void)
{
  _p_swap_done();
  if ( _p_S.swp_c[0] && !_p_S.son_t ) {
    if ( unlink(_p_S.swp_c) && ENOENT != errno ) {
      fprintf(stderr, "pressure: unlink %s: %s\n", _p_S.swp_c,
              strerror(errno));
    }
    _p_S.swp_c[0] = 0;
    _p_mark();
  }
}

  /** Running the binary.
  **/

/* _p_spawn(): start arg_c in its own process group, in cgroup cgp_c (or
**   none), stdout and stderr into out_c and err_c; the pid, or -1.
*/
static pid_t
_p_spawn(c3_c* const* arg_c, const c3_c* cgp_c, const c3_c* out_c,
         const c3_c* err_c)
{
  pid_t par_i = getpid();
  fflush(stdout);
  fflush(stderr);
  pid_t pid_i = fork();
  if ( pid_i < 0 ) {
    fprintf(stderr, "pressure: fork: %s\n", strerror(errno));
    return -1;
  }
  if ( pid_i ) {
    _p_S.kid_i = _p_kid_i = pid_i;
    setpgid(pid_i, pid_i);
    _p_mark();
    return pid_i;
  }

  //  the child: never outlive the bench; a terminal's ^C is the bench's
  //
  h_on_stop(SIG_DFL);
  setpgid(0, 0);
  if ( prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != par_i ) {
    _exit(125);
  }
  if ( cgp_c ) {
    c3_c prc_c[2200], pid_c[32];
    snprintf(prc_c, sizeof(prc_c), "%s/cgroup.procs", cgp_c);
    snprintf(pid_c, sizeof(pid_c), "%d\n", (c3_i)getpid());
    c3_i err_i = h_put(prc_c, pid_c);
    if ( err_i ) {
      dprintf(2, "pressure: join cgroup %s: %s\n", prc_c, strerror(err_i));
      _exit(125);
    }
  }
  c3_i fid_i = open("/dev/null", O_RDONLY);
  if ( fid_i >= 0 ) {
    dup2(fid_i, 0);
    close(fid_i);
  }
  const c3_c* pat_c[2] = { out_c, err_c };
  for ( c3_i i_i = 0; i_i < 2; i_i++ ) {
    fid_i = open(pat_c[i_i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if ( fid_i < 0 ) {
      _exit(125);
    }
    dup2(fid_i, 1 + i_i);
    close(fid_i);
  }
  execv(arg_c[0], arg_c);
  dprintf(2, "pressure: exec %s: %s\n", arg_c[0], strerror(errno));
  _exit(126);
}

/* _p_reap(): wait for the child, killed after tim_d seconds or at a
**   signal; read its /proc/PID/io while it is a zombie, then reap it.
**   Its wait status; *tim_t if it was killed for time.
*/
static c3_i
_p_reap(pid_t pid_i, double tim_d, c3_t* tim_t, c3_c* io_c, c3_z io_z)
{
  double dea_d = h_now() + tim_d;
  c3_i   sat_i = 0;
  c3_w   nap_w = 500;

  *tim_t = 0;
  io_c[0] = 0;
  while ( 1 ) {
    siginfo_t inf_u;
    memset(&inf_u, 0, sizeof(inf_u));
    c3_i ret_i = waitid(P_PID, (id_t)pid_i, &inf_u,
                        WEXITED | WNOHANG | WNOWAIT);
    if ( 0 == ret_i && inf_u.si_pid == pid_i ) {
      break;
    }
    if ( ret_i < 0 && EINTR != errno ) {
      fprintf(stderr, "pressure: waitid %d: %s\n", (c3_i)pid_i,
              strerror(errno));
      break;
    }
    if ( !*tim_t && (_p_sig_i || (tim_d > 0 && h_now() > dea_d)) ) {
      *tim_t = !_p_sig_i;
      kill(-pid_i, SIGKILL);   //  its process group: anything it started
      kill(pid_i, SIGKILL);
    }
    usleep(nap_w);
    nap_w = c3_min(nap_w * 2, 20000);
  }
  c3_c pat_c[64];
  snprintf(pat_c, sizeof(pat_c), "/proc/%d/io", (c3_i)pid_i);
  h_slurp(pat_c, io_c, io_z);
  while ( waitpid(pid_i, &sat_i, 0) < 0 && EINTR == errno ) {
  }
  _p_S.kid_i = _p_kid_i = 0;
  _p_mark();
  return sat_i;
}

/* _p_limit_arg(): --memory-limit's argument for lim_d bytes. */
static void
_p_limit_arg(c3_d lim_d, c3_c* buf_c, c3_z len_z)
{
  if ( _p_R.lmb_t ) {
    snprintf(buf_c, len_z, "%llu",
             (unsigned long long)((lim_d + (1 << 20) - 1) >> 20));
  }
  else {
    snprintf(buf_c, len_z, "%llu", (unsigned long long)lim_d);
  }
}

/* _p_size(): the workload's --size and events. */
static void
_p_size(c3_w wok_w, c3_w* siz_w, c3_w* num_w)
{
  const _p_wok* wok_u = &_p_woks[wok_w];
  *siz_w = _p_O.siz_w ? _p_O.siz_w : ( _p_O.qik_t ? wok_u->qsz_w : wok_u->siz_w );
  *num_w = _p_O.num_w ? _p_O.num_w : ( _p_O.qik_t ? wok_u->qnu_w : wok_u->num_w );
}

/* _p_run_one(): one run of workload wok_w: col_i < 0 unconstrained, else
**   a column at lim_d bytes; the figures into res_u.
*/
static void
_p_run_one(c3_w wok_w, c3_i col_i, c3_d lim_d, _p_res* res_u)
{
  c3_c  dir_c[3300], pie_c[3400], out_c[3400], err_c[3400], swf_c[3400];
  c3_c  siz_c[16], num_c[16], lim_c[32], io_c[1024];
  c3_c* arg_c[24];
  c3_w  arg_w = 0, siz_w, num_w;
  h_cg  grp_u;
  c3_t  cgr_t;

  _p_res_init(res_u, "failed");
  _p_size(wok_w, &siz_w, &num_w);
  snprintf(dir_c, sizeof(dir_c), "%s/run-%u", _p_S.scr_c, _p_seq_w++);
  if ( mkdir(dir_c, 0700) ) {
    snprintf(res_u->why_c, sizeof(res_u->why_c), "mkdir %.200s: %s", dir_c,
             strerror(errno));
    return;
  }
  h_join(pie_c, sizeof(pie_c), dir_c, "pier");
  h_join(out_c, sizeof(out_c), dir_c, "out");
  h_join(err_c, sizeof(err_c), dir_c, "err");
  h_join(swf_c, sizeof(swf_c), dir_c, "swap.bin");
  snprintf(siz_c, sizeof(siz_c), "%u", siz_w);
  snprintf(num_c, sizeof(num_c), "%u", num_w);

  arg_c[arg_w++] = (c3_c*)_p_O.urb_c;
  arg_c[arg_w++] = "-w";      arg_c[arg_w++] = (c3_c*)_p_woks[wok_w].nam_c;
  arg_c[arg_w++] = "--size";  arg_c[arg_w++] = siz_c;
  arg_c[arg_w++] = "-n";      arg_c[arg_w++] = num_c;
  arg_c[arg_w++] = "--seed";  arg_c[arg_w++] = _p_O.sed_c;
  arg_c[arg_w++] = "--json";
  arg_c[arg_w++] = "-q";
  if ( _P_SWF == col_i ) {
    arg_c[arg_w++] = "--swap-file";
    arg_c[arg_w++] = swf_c;
  }
  if ( _P_LIM == col_i ) {
    _p_limit_arg(lim_d, lim_c, sizeof(lim_c));
    arg_c[arg_w++] = "--memory-limit";
    arg_c[arg_w++] = lim_c;
  }
  arg_c[arg_w++] = pie_c;
  arg_c[arg_w] = 0;

  //  the cgroup: unlimited for unconstrained and memory-limit runs (it
  //  only measures), at the limit otherwise; kernel swap allowed in it
  //  for kernel-swap runs
  //
  c3_c why_c[512];
  c3_d cap_d = ( col_i < 0 || _P_LIM == col_i ) ? (1ULL << 50) : lim_d;
  cgr_t = h_cg_make(&grp_u, cap_d, why_c, sizeof(why_c));
  if ( cgr_t ) {
    _p_cg_hold(grp_u.dir_c, 1);
  }
  else if ( col_i >= 0 && _P_LIM != col_i ) {
    snprintf(res_u->sta_c, sizeof(res_u->sta_c), "skipped");
    snprintf(res_u->why_c, sizeof(res_u->why_c), "no memory cgroup: %.200s",
             why_c);
    h_rm(dir_c);
    return;
  }
  if ( _P_KRN == col_i ) {
    c3_i err_i;
    if ( 2 == grp_u.ver_w ) {
      err_i = h_cg_set(&grp_u, "memory.swap.max", "max");
    }
    else if ( !(err_i = h_cg_set(&grp_u, "memory.swappiness", "60")) ) {
      err_i = h_cg_set(&grp_u, "memory.memsw.limit_in_bytes", "-1");
    }
    if ( err_i || _p_swap_on(why_c, sizeof(why_c)) ) {
      snprintf(res_u->sta_c, sizeof(res_u->sta_c), "skipped");
      snprintf(res_u->why_c, sizeof(res_u->why_c), "%.250s",
               err_i ? "cannot allow swap in the cgroup" : why_c);
      h_cg_drop(&grp_u);
      _p_cg_hold(grp_u.dir_c, 0);
      h_rm(dir_c);
      return;
    }
  }

  //  the unconstrained run is the reference, not under test: it only
  //  has a guard against a hang
  //
  double tim_d = ( col_i < 0 ) ? 40 * _p_O.tim_d : _p_R.tim_d[wok_w];
  c3_d   pin_d = _p_vmstat("pswpin"), pou_d = _p_vmstat("pswpout");
  double bot_d = h_now();
  pid_t  pid_i = _p_spawn(arg_c, cgr_t ? grp_u.dir_c : 0, out_c, err_c);
  c3_t   tim_t = 0;
  c3_i   sat_i = ( pid_i > 0 )
                 ? _p_reap(pid_i, tim_d, &tim_t, io_c, sizeof(io_c))
                 : (127 << 8);
  res_u->wal_d = h_now() - bot_d;
  if ( _P_KRN == col_i ) {
    _p_swap_done();
  }
  c3_d pag_d = (c3_d)sysconf(_SC_PAGESIZE);
  res_u->pin_d = (double)((_p_vmstat("pswpin") - pin_d) * pag_d);
  res_u->pou_d = (double)((_p_vmstat("pswpout") - pou_d) * pag_d);
  res_u->rea_d = _p_io(io_c, "read_bytes");
  res_u->wri_d = _p_io(io_c, "write_bytes") - _p_io(io_c, "cancelled_write_bytes");
  if ( cgr_t ) {
    c3_d pek_d = h_cg_peak(&grp_u);
    res_u->pek_d = ( ~0ULL == pek_d ) ? NAN : (double)pek_d;
    res_u->oom_d = (double)h_cg_ooms(&grp_u);
    if ( !h_cg_drop(&grp_u) ) {
      _p_cg_kill(grp_u.dir_c);
    }
    _p_cg_hold(grp_u.dir_c, 0);
  }

  //  what came of it
  //
  c3_c  buf_c[65536];
  c3_c  erm_c[65536];
  h_slurp(out_c, buf_c, sizeof(buf_c));
  h_slurp(err_c, erm_c, sizeof(erm_c));
  const c3_c* jon_c = strchr(buf_c, '{');
  double      mug_d = jon_c ? h_json(jon_c, "mug") : NAN;
  if ( isnan(res_u->pek_d) && jon_c ) {
    res_u->pek_d = h_json(jon_c, "rss_peak_kb") * 1024;
  }
  if ( tim_t ) {
    snprintf(res_u->sta_c, sizeof(res_u->sta_c), "timeout");
  }
  else if ( WIFEXITED(sat_i) && 0 == WEXITSTATUS(sat_i) && !isnan(mug_d) ) {
    snprintf(res_u->sta_c, sizeof(res_u->sta_c), "ok");
    res_u->mug_t = 1;
    res_u->mug_w = (c3_w)mug_d;
  }
  else if ( WIFSIGNALED(sat_i) && SIGKILL == WTERMSIG(sat_i)
            && res_u->oom_d > 0 )
  {
    snprintf(res_u->sta_c, sizeof(res_u->sta_c), "oom");
  }
  else {
    c3_c las_c[200];
    _p_last_line(erm_c, las_c, sizeof(las_c));
    snprintf(res_u->why_c, sizeof(res_u->why_c), "%s %d%s%s",
             WIFSIGNALED(sat_i) ? "signal" : "exit status",
             WIFSIGNALED(sat_i) ? WTERMSIG(sat_i) : WEXITSTATUS(sat_i),
             las_c[0] ? ": " : "", las_c);
  }
  h_rm(dir_c);
}

  /** The report.
  **/

/* _p_med_res(): the round of res_u[0..num_w) to show: the median wall
**   among finished rounds, else the first round.
*/
static const _p_res*
_p_med_res(const _p_res* res_u, c3_w num_w)
{
  const _p_res* fin_u[_P_ROUNDS];
  c3_w          fin_w = 0;

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    if ( !strcmp(res_u[i_w].sta_c, "ok") ) {
      fin_u[fin_w++] = &res_u[i_w];
    }
  }
  if ( !fin_w ) {
    return &res_u[0];
  }
  for ( c3_w i_w = 1; i_w < fin_w; i_w++ ) {   //  insertion sort by wall
    for ( c3_w j_w = i_w; j_w > 0 && fin_u[j_w]->wal_d < fin_u[j_w - 1]->wal_d;
          j_w-- )
    {
      const _p_res* tmp_u = fin_u[j_w];
      fin_u[j_w] = fin_u[j_w - 1];
      fin_u[j_w - 1] = tmp_u;
    }
  }
  return fin_u[fin_w / 2];
}

/* _p_timed(): did the shown result finish, or at least run for a time? */
static c3_t
_p_timed(const _p_res* res_u)
{
  return !strcmp(res_u->sta_c, "ok") || !strcmp(res_u->sta_c, "timeout");
}

/* _p_ratio(): a/b as text: "-" unless both ran; ">" or "<" when one of
**   them was stopped at the time limit (a bound, not a figure).
*/
static void
_p_ratio(const _p_res* a_u, const _p_res* b_u, double bw_d, c3_c* buf_c,
         c3_z len_z)
{
  c3_t at_t = !strcmp(a_u->sta_c, "timeout");
  c3_t bt_t = b_u ? !strcmp(b_u->sta_c, "timeout") : 0;

  if ( !_p_timed(a_u) || (b_u && !_p_timed(b_u)) || !(bw_d > 0) ) {
    snprintf(buf_c, len_z, "-");
  }
  else if ( at_t && bt_t ) {
    snprintf(buf_c, len_z, "?");
  }
  else {
    snprintf(buf_c, len_z, "%s%.2f", at_t ? ">" : ( bt_t ? "<" : "" ),
             a_u->wal_d / bw_d);
  }
}

/* _p_mib(): bytes as MiB text, or "-". */
static void
_p_mib(double byt_d, c3_c* buf_c, c3_z len_z)
{
  if ( isnan(byt_d) ) {
    snprintf(buf_c, len_z, "-");
  }
  else {
    snprintf(buf_c, len_z, "%.0f", byt_d / _P_MIB);
  }
}

/* _p_row(): one line of the table, and of the CSV. */
static void
_p_row(FILE* csv_u, c3_w wok_w, c3_w rat_w, c3_w col_w)
{
  const _p_res* res_u = _p_med_res(_p_R.run_u[wok_w][rat_w][col_w],
                                   _p_O.rou_w);
  const _p_res* krn_u = _p_med_res(_p_R.run_u[wok_w][rat_w][_P_KRN],
                                   _p_O.rou_w);
  double        lim_d = ceil(_p_R.pek_d[wok_w] / _p_O.rat_w[rat_w]);
  c3_c          xun_c[16], xkr_c[16], rea_c[16], wri_c[16], pek_c[16];
  c3_c          wal_c[24];

  _p_ratio(res_u, 0, _p_R.unw_d[wok_w], xun_c, sizeof(xun_c));
  if ( _P_KRN == col_w || !_p_O.col_t[_P_KRN] ) {
    snprintf(xkr_c, sizeof(xkr_c), "-");
  }
  else {
    _p_ratio(res_u, krn_u, krn_u->wal_d, xkr_c, sizeof(xkr_c));
  }
  _p_mib(res_u->rea_d, rea_c, sizeof(rea_c));
  _p_mib(( isnan(res_u->wri_d) ? 0 : res_u->wri_d )
         + ( isnan(res_u->pou_d) ? 0 : res_u->pou_d ), wri_c, sizeof(wri_c));
  if ( !_p_timed(res_u) ) {
    snprintf(rea_c, sizeof(rea_c), "-");
    snprintf(wri_c, sizeof(wri_c), "-");
  }
  _p_mib(res_u->pek_d, pek_c, sizeof(pek_c));
  if ( isnan(res_u->wal_d) ) {
    snprintf(wal_c, sizeof(wal_c), "-");
  }
  else {
    snprintf(wal_c, sizeof(wal_c), "%.1f", res_u->wal_d);
  }
  printf("  1/%-3u %6.1f  %-12s %-8s %8s %7s %7s %7s %7s %7s %4.0f",
         _p_O.rat_w[rat_w], lim_d / _P_MIB, _p_col_c[col_w], res_u->sta_c,
         wal_c, xun_c, xkr_c, rea_c, wri_c, pek_c,
         isnan(res_u->oom_d) ? 0 : res_u->oom_d);
  if ( res_u->why_c[0] ) {
    printf("  (%s)", res_u->why_c);
  }
  printf("\n");

  //  every round into the CSV
  //
  c3_w siz_w, num_w;
  _p_size(wok_w, &siz_w, &num_w);
  for ( c3_w r_w = 0; r_w < _p_O.rou_w; r_w++ ) {
    const _p_res* one_u = &_p_R.run_u[wok_w][rat_w][col_w][r_w];
    _p_ratio(one_u, 0, _p_R.unw_d[wok_w], xun_c, sizeof(xun_c));
    if ( _P_KRN == col_w || !_p_O.col_t[_P_KRN] ) {
      snprintf(xkr_c, sizeof(xkr_c), "%s", "");
    }
    else {
      _p_ratio(one_u, krn_u, krn_u->wal_d, xkr_c, sizeof(xkr_c));
    }
    fprintf(csv_u, "%s,%u,%u,%u,%.1f,%s,%u,%s,", _p_woks[wok_w].nam_c,
            siz_w, num_w, _p_O.rat_w[rat_w], lim_d / _P_MIB, _p_col_c[col_w],
            r_w + 1, one_u->sta_c);
    if ( isnan(one_u->wal_d) ) {
      fprintf(csv_u, ",");
    }
    else {
      fprintf(csv_u, "%.2f,", one_u->wal_d);
    }
    fprintf(csv_u, "%s,%s,", strcmp(xun_c, "-") ? xun_c : "",
            strcmp(xkr_c, "-") ? xkr_c : "");
    double val_d[6] = { one_u->rea_d, one_u->wri_d, one_u->pin_d,
                        one_u->pou_d, one_u->pek_d, one_u->oom_d };
    for ( c3_w i_w = 0; i_w < 6; i_w++ ) {
      if ( isnan(val_d[i_w]) ) {
        fprintf(csv_u, ",");
      }
      else if ( 5 == i_w ) {
        fprintf(csv_u, "%.0f,", val_d[i_w]);
      }
      else {
        fprintf(csv_u, "%.1f,", val_d[i_w] / _P_MIB);
      }
    }
    if ( one_u->mug_t ) {
      fprintf(csv_u, "0x%08x\n", one_u->mug_w);
    }
    else {
      fprintf(csv_u, "\n");
    }
  }
}

/* _p_table(): the table for one workload, and its CSV rows. */
static void
_p_table(FILE* csv_u, c3_w wok_w)
{
  c3_w          siz_w, num_w;
  const _p_res* unc_u = _p_med_res(_p_R.unc_u[wok_w], _p_O.rou_w);

  _p_size(wok_w, &siz_w, &num_w);
  printf("\n%s --size %u -n %u --seed %s: unconstrained %.1f s, peak %.0f "
         "MiB, mug 0x%08x\n", _p_woks[wok_w].nam_c, siz_w, num_w, _p_O.sed_c,
         _p_R.unw_d[wok_w], _p_R.pek_d[wok_w] / _P_MIB, _p_R.mug_w[wok_w]);
  printf("  %-5s %6s  %-12s %-8s %8s %7s %7s %7s %7s %7s %4s\n", "ratio",
         "MiB", "column", "status", "wall s", "x unc", "x kern", "read",
         "written", "peak", "oom");
  for ( c3_w r_w = 0; r_w < _p_O.rou_w; r_w++ ) {
    const _p_res* one_u = &_p_R.unc_u[wok_w][r_w];
    fprintf(csv_u, "%s,%u,%u,1,,unconstrained,%u,%s,", _p_woks[wok_w].nam_c,
            siz_w, num_w, r_w + 1, one_u->sta_c);
    fprintf(csv_u, "%.2f,1,,%.1f,%.1f,,,%.1f,0,", one_u->wal_d,
            one_u->rea_d / _P_MIB, one_u->wri_d / _P_MIB,
            one_u->pek_d / _P_MIB);
    if ( one_u->mug_t ) {
      fprintf(csv_u, "0x%08x\n", one_u->mug_w);
    }
    else {
      fprintf(csv_u, "\n");
    }
  }
  (void)unc_u;
  for ( c3_w rat_w = 0; rat_w < _p_O.nra_w; rat_w++ ) {
    for ( c3_w col_w = 0; col_w < _P_COLS; col_w++ ) {
      if ( _p_O.col_t[col_w] ) {
        _p_row(csv_u, wok_w, rat_w, col_w);
      }
    }
  }
}

  /** The chart: time / unconstrained against the limit, log scale.
  **/
static const c3_w _p_rgb_w[_P_COLS] = { 0x1f63c6, 0xd2452b, 0x2c9a3c };

/* _p_chart(): one panel per workload that ran; 0, or errno. */
static c3_i
_p_chart(const c3_c* png_c)
{
  c3_w  nwo_w = 0;
  p_img img_u;

  for ( c3_w w_w = 0; w_w < _P_WOKS; w_w++ ) {
    nwo_w += _p_R.ran_t[w_w];
  }
  if ( !nwo_w ) {
    return 0;
  }

  //  the y range: decades from 1 to above the largest ratio
  //
  double top_d = 10;
  for ( c3_w w_w = 0; w_w < _P_WOKS; w_w++ ) {
    for ( c3_w r_w = 0; _p_R.ran_t[w_w] && r_w < _p_O.nra_w; r_w++ ) {
      for ( c3_w c_w = 0; c_w < _P_COLS; c_w++ ) {
        const _p_res* res_u = _p_med_res(_p_R.run_u[w_w][r_w][c_w],
                                         _p_O.rou_w);
        if ( _p_timed(res_u) && _p_R.unw_d[w_w] > 0 ) {
          top_d = c3_max(top_d, res_u->wal_d / _p_R.unw_d[w_w]);
        }
      }
    }
  }
  c3_i dec_i = (c3_i)ceil(log10(top_d * 1.2));

  const c3_i pan_i = c3_max(420, 1260 / (c3_i)nwo_w), hei_i = 560;
  const c3_i lef_i = 70, rig_i = 20, top_i = 90, bot_i = 80;
  if ( !p_new(&img_u, (c3_w)(pan_i * (c3_i)nwo_w), (c3_w)hei_i, 0xffffff) ) {
    fprintf(stderr, "pressure: chart: out of memory\n");
    return ENOMEM;
  }
  p_text(&img_u, 10, 8, 2,
         "wall time / unconstrained (log) at a memory limit of 1/n of the "
         "unconstrained peak", 0x000000);
  c3_i leg_i = 10;
  for ( c3_w c_w = 0; c_w < _P_COLS; c_w++ ) {
    if ( !_p_O.col_t[c_w] ) continue;
    p_line(&img_u, leg_i, 48, leg_i + 30, 48, 3, _p_rgb_w[c_w]);
    p_disc(&img_u, leg_i + 15, 48, 5, 1, _p_rgb_w[c_w]);
    c3_c lab_c[64];
    snprintf(lab_c, sizeof(lab_c), "%s%s", _p_col_c[c_w],
             ( _P_LIM == c_w && _p_R.lim_c[0] ) ? " (n/a)" : "");
    p_text(&img_u, leg_i + 38, 41, 2, lab_c, 0x000000);
    leg_i += 38 + p_text_w(lab_c, 2) + 30;
  }
  p_disc(&img_u, leg_i + 8, 48, 6, 0, 0x555555);
  p_text(&img_u, leg_i + 20, 41, 2, "timeout (at least)", 0x000000);
  leg_i += 20 + p_text_w("timeout (at least)", 2) + 30;
  p_cross(&img_u, leg_i + 6, 48, 6, 0x555555);
  p_text(&img_u, leg_i + 20, 41, 2, "oom or failed", 0x000000);

  c3_i pan_w = 0;
  for ( c3_w w_w = 0; w_w < _P_WOKS; w_w++ ) {
    if ( !_p_R.ran_t[w_w] ) continue;
    c3_i x0_i = pan_w * pan_i + lef_i, x1_i = (pan_w + 1) * pan_i - rig_i;
    c3_i y0_i = top_i, y1_i = hei_i - bot_i;
    c3_c txt_c[128];
    pan_w++;

    snprintf(txt_c, sizeof(txt_c), "%s, peak %.0f mib", _p_woks[w_w].nam_c,
             _p_R.pek_d[w_w] / _P_MIB);
    p_text(&img_u, x0_i, y0_i - 22, 2, txt_c, 0x000000);

    //  grid: decades labelled, 2 and 5 between them
    //
    for ( c3_i d_i = 0; d_i <= dec_i; d_i++ ) {
      for ( c3_i m_i = 1; m_i < 10; m_i++ ) {
        double v_d = log10(m_i * pow(10, d_i)) / dec_i;
        if ( v_d > 1.0001 ) break;
        c3_i y_i = y1_i - (c3_i)lround(v_d * (y1_i - y0_i));
        if ( 1 == m_i ) {
          p_line(&img_u, x0_i, y_i, x1_i, y_i, 1, 0xbbbbbb);
          snprintf(txt_c, sizeof(txt_c), "%.0fx", pow(10, d_i));
          p_text(&img_u, x0_i - 8 - p_text_w(txt_c, 2), y_i - 7, 2, txt_c,
                 0x000000);
        }
        else if ( 2 == m_i || 5 == m_i ) {
          p_dash(&img_u, x0_i, x1_i, y_i, 0xdddddd);
        }
      }
    }
    p_line(&img_u, x0_i, y0_i, x0_i, y1_i, 1, 0x000000);
    p_line(&img_u, x0_i, y1_i, x1_i, y1_i, 1, 0x000000);
    p_text(&img_u, x0_i + (x1_i - x0_i) / 2 - p_text_w("limit", 2) / 2,
           y1_i + 40, 2, "limit", 0x000000);

    //  the columns: a line through the points of each
    //
    for ( c3_w c_w = 0; c_w < _P_COLS; c_w++ ) {
      c3_i lx_i = -1, ly_i = -1;
      if ( !_p_O.col_t[c_w] ) continue;
      for ( c3_w r_w = 0; r_w < _p_O.nra_w; r_w++ ) {
        c3_i x_i = x0_i + (c3_i)((r_w + 0.5) * (x1_i - x0_i) / _p_O.nra_w);
        const _p_res* res_u = _p_med_res(_p_R.run_u[w_w][r_w][c_w],
                                         _p_O.rou_w);
        if ( 0 == c_w ) {
          snprintf(txt_c, sizeof(txt_c), "1/%u", _p_O.rat_w[r_w]);
          p_text(&img_u, x_i - p_text_w(txt_c, 2) / 2, y1_i + 10, 2, txt_c,
                 0x000000);
        }
        x_i += ((c3_i)c_w - 1) * 4;   //  keep coinciding points apart
        if ( _p_timed(res_u) && _p_R.unw_d[w_w] > 0 ) {
          double v_d = log10(c3_max(1.0, res_u->wal_d / _p_R.unw_d[w_w]))
                       / dec_i;
          c3_i   y_i = y1_i - (c3_i)lround(v_d * (y1_i - y0_i));
          if ( lx_i >= 0 ) {
            p_line(&img_u, lx_i, ly_i, x_i, y_i, 3, _p_rgb_w[c_w]);
          }
          p_disc(&img_u, x_i, y_i, 6, !strcmp(res_u->sta_c, "ok"),
                 _p_rgb_w[c_w]);
          lx_i = x_i;
          ly_i = y_i;
        }
        else if ( !strcmp(res_u->sta_c, "oom")
                  || !strcmp(res_u->sta_c, "failed") )
        {
          p_cross(&img_u, x_i, y0_i + 8, 6, _p_rgb_w[c_w]);
          lx_i = ly_i = -1;
        }
        else {
          lx_i = ly_i = -1;
        }
      }
    }
  }
  c3_i err_i = p_write(&img_u, png_c, "pressure");
  p_free(&img_u);
  return err_i;
}

  /** The bench.
  **/

/* _p_defines(): where txt_c defines fla_c: the flag first on its line
**   (after spaces only) and followed by its argument's name in capitals,
**   two spaces or the line's end; not a mention of it in another flag's
**   text, even one that starts a line; 0 if none.
*/
static const c3_c*
_p_defines(const c3_c* txt_c, const c3_c* fla_c)
{
  c3_z len_z = strlen(fla_c);

  for ( const c3_c* hit_c = strstr(txt_c, fla_c); hit_c;
        hit_c = strstr(hit_c + 1, fla_c) )
  {
    const c3_c* bol_c = hit_c;
    const c3_c* end_c = hit_c + len_z;
    while ( bol_c > txt_c && ' ' == bol_c[-1] ) {
      bol_c--;
    }
    if ( bol_c != txt_c && '\n' != bol_c[-1] ) {
      continue;
    }
    if ( !*end_c || '\n' == end_c[0] ) {
      return hit_c;
    }
    if ( ' ' == end_c[0]
         && ( ' ' == end_c[1] || isupper((unsigned char)end_c[1]) ) )
    {
      return hit_c;
    }
  }
  return 0;
}

/* _p_knows(): `urbit --help` defines fla_c; its help line into lin_c. */
static c3_t
_p_knows(const c3_c* fla_c, c3_c* lin_c, c3_z lin_z)
{
  static h_run run_u;
  c3_c*        arg_c[3] = { (c3_c*)_p_O.urb_c, "--help", 0 };

  lin_c[0] = 0;
  if ( 0 > h_run_in(_p_S.scr_c, arg_c, 0, 30, &run_u) ) {
    return 0;
  }
  const c3_c* hit_c = _p_defines(run_u.out_c, fla_c);
  hit_c = hit_c ? hit_c : _p_defines(run_u.err_c, fla_c);
  if ( hit_c ) {
    c3_z len_z = strcspn(hit_c, "\n");
    snprintf(lin_c, lin_z, "%.*s", (c3_i)len_z, hit_c);
  }
  return 0 != hit_c;
}

/* _p_workload(): every run of one workload. */
static void
_p_workload(c3_w wok_w)
{
  c3_w siz_w, num_w;
  c3_c why_c[512];

  _p_size(wok_w, &siz_w, &num_w);
  printf("\n== %s --size %u -n %u\n", _p_woks[wok_w].nam_c, siz_w, num_w);

  //  unconstrained: the reference time, peak and mug
  //
  double wal_d[_P_ROUNDS], pek_d = 0;
  c3_w   fin_w = 0;
  for ( c3_w r_w = 0; r_w < _p_O.rou_w; r_w++ ) {
    _p_res* res_u = &_p_R.unc_u[wok_w][r_w];
    _p_run_one(wok_w, -1, 0, res_u);
    _p_stopped();
    printf("  unconstrained   round %u: %-7s %7.1f s  peak %.0f MiB", r_w + 1,
           res_u->sta_c, res_u->wal_d, res_u->pek_d / _P_MIB);
    if ( res_u->mug_t ) {
      printf("  mug 0x%08x", res_u->mug_w);
      if ( fin_w && res_u->mug_w != _p_R.mug_w[wok_w] ) {
        printf("  MUG MISMATCH");
        _p_R.bad_t = 1;
      }
      _p_R.mug_w[wok_w] = res_u->mug_w;
      wal_d[fin_w++] = res_u->wal_d;
      pek_d = c3_max(pek_d, res_u->pek_d);
    }
    else if ( res_u->why_c[0] ) {
      printf("  (%s)", res_u->why_c);
    }
    printf("\n");
    fflush(stdout);
  }
  if ( !fin_w ) {
    printf("  no unconstrained run finished: skipping %s\n",
           _p_woks[wok_w].nam_c);
    return;
  }
  _p_R.ran_t[wok_w] = 1;
  _p_R.unw_d[wok_w] = _b_median(wal_d, fin_w);
  _p_R.pek_d[wok_w] = pek_d;
  _p_R.tim_d[wok_w] = _p_O.tix_t
                      ? _p_O.tim_d
                      : c3_max(_p_O.tim_d, ceil(2 * _p_R.unw_d[wok_w]));
  printf("  constrained runs stopped after %.0f s\n", _p_R.tim_d[wok_w]);

  //  the kernel's swap file: the peak plus room, on the pier's disk
  //
  c3_t krn_t = _p_O.col_t[_P_KRN] && !_p_R.krn_c[0];
  if ( krn_t ) {
    struct statvfs vfs_u;
    c3_d siz_d = ((c3_d)(pek_d / _P_MIB) + 64) << 20;
    if ( 0 == statvfs(_p_S.scr_c, &vfs_u)
         && (c3_d)vfs_u.f_bavail * vfs_u.f_frsize < siz_d + (256ULL << 20) )
    {
      snprintf(why_c, sizeof(why_c), "not enough room for a %llu MiB swap "
               "file in %.300s", (unsigned long long)(siz_d >> 20), _p_S.scr_c);
      krn_t = 0;
    }
    else {
      h_join(_p_S.swp_c, sizeof(_p_S.swp_c), _p_S.scr_c, "kernel.swap");
      printf("  kernel swap file %s, %llu MiB (written with real blocks)\n",
             _p_S.swp_c, (unsigned long long)(siz_d >> 20));
      fflush(stdout);
      krn_t = !_p_swap_make(siz_d, why_c, sizeof(why_c));
    }
    if ( !krn_t ) {
      _p_swap_drop();
    }
  }
  else if ( _p_O.col_t[_P_KRN] ) {
    snprintf(why_c, sizeof(why_c), "%s", _p_R.krn_c);
  }

  //  the constrained runs, rounds interleaved, columns rotated per round
  //
  for ( c3_w r_w = 0; r_w < _p_O.rou_w; r_w++ ) {
    for ( c3_w rat_w = 0; rat_w < _p_O.nra_w; rat_w++ ) {
      c3_d lim_d = (c3_d)ceil(pek_d / _p_O.rat_w[rat_w] / 4096) * 4096;
      for ( c3_w k_w = 0; k_w < _P_COLS; k_w++ ) {
        c3_w    col_w = (k_w + r_w) % _P_COLS;
        _p_res* res_u = &_p_R.run_u[wok_w][rat_w][col_w][r_w];

        if ( !_p_O.col_t[col_w] ) {
          _p_res_init(res_u, "n/a");
          continue;
        }
        if ( (double)lim_d < _p_O.flo_d ) {
          _p_res_init(res_u, "<floor");
          snprintf(res_u->why_c, sizeof(res_u->why_c), "below the %.0f MiB "
                   "floor", _p_O.flo_d / _P_MIB);
        }
        else if ( _P_KRN == col_w && !krn_t ) {
          _p_res_init(res_u, "skipped");
          snprintf(res_u->why_c, sizeof(res_u->why_c), "%.250s", why_c);
        }
        else if ( _P_LIM == col_w && _p_R.lim_c[0] ) {
          _p_res_init(res_u, "n/a");
          snprintf(res_u->why_c, sizeof(res_u->why_c), "%s", _p_R.lim_c);
        }
        else {
          _p_run_one(wok_w, (c3_i)col_w, lim_d, res_u);
          _p_stopped();
          if ( _P_KRN == col_w && !strcmp(res_u->sta_c, "skipped") ) {
            //  swapon itself failed: no kernel column at all, say why
            snprintf(_p_R.krn_c, sizeof(_p_R.krn_c), "%s", res_u->why_c);
            snprintf(why_c, sizeof(why_c), "%s", res_u->why_c);
            krn_t = 0;
            _p_swap_drop();
          }
        }
        printf("  %-12s 1/%-3u %6.1f MiB round %u: %-8s", _p_col_c[col_w],
               _p_O.rat_w[rat_w], (double)lim_d / _P_MIB, r_w + 1,
               res_u->sta_c);
        if ( !isnan(res_u->wal_d) ) {
          printf(" %7.1f s", res_u->wal_d);
        }
        if ( res_u->mug_t && res_u->mug_w != _p_R.mug_w[wok_w] ) {
          printf("  MUG MISMATCH: 0x%08x, unconstrained 0x%08x",
                 res_u->mug_w, _p_R.mug_w[wok_w]);
          _p_R.bad_t = 1;
        }
        if ( res_u->why_c[0] ) {
          printf("  (%s)", res_u->why_c);
        }
        printf("\n");
        fflush(stdout);
      }
    }
  }
  _p_swap_drop();
}

/* _p_usage(): the flags. */
static void
_p_usage(FILE* fil_u)
{
  fprintf(fil_u,
    "usage: pressure [options]   one workload under one memory limit, paged\n"
    "                            by --swap-file, by the kernel's swap, and\n"
    "                            (if urbit has it) by --memory-limit\n"
    "      --workloads L  comma-separated: churn,kv,mixed (default all)\n"
    "      --ratios L     limits as fractions 1/n of the unconstrained peak\n"
    "                     (default 2,4,16,64)\n"
    "      --columns L    swap-file,kernel-swap,memory-limit (default all)\n"
    "      --size MB      workload size for every workload (default: churn\n"
    "                     512, kv 1024, mixed 512; --quick 64, 16, 32)\n"
    "      --events N     events per run (default: churn 1, kv 8000,\n"
    "                     mixed 6; --quick 2, 2000, 3)\n"
    "      --seed S       event seed (default 0)\n"
    "      --rounds R     repeat every run R times, medians (default 1)\n"
    "      --timeout S    kill a run after S seconds, recorded as timeout\n"
    "                     (default: 2 times the unconstrained run, at least\n"
    "                     30, --quick 15; unconstrained runs get 40 times\n"
    "                     the minimum)\n"
    "      --floor MB     do not run limits below this (default 9: the\n"
    "                     default loom's floor, 6 MiB, and the 3 MiB the\n"
    "                     runtime keeps for itself in a tight cgroup)\n"
    "      --quick        small sizes: a check that everything works\n"
    "      --dir DIR      scratch: piers, swap files and the marker, on a\n"
    "                     disk-backed file system (default $TEST_TMPDIR or\n"
    "                     /var/tmp)\n"
    "      --out DIR      pressure.csv and pressure.png (default $BENCH_DIR\n"
    "                     or /tmp/loom-pressure)\n"
    "      --urbit PATH   the binary (default $URBIT, build/gcc/urbit, or\n"
    "                     ../urbit beside this program)\n"
    "      --cleanup      only undo what a killed earlier run left in DIR\n"
    "  -h, --help         this text\n"
    "The kernel-swap column needs root (swapon); without it, it is skipped\n"
    "with the reason.  Swap is on only during kernel-swap runs, and is\n"
    "turned off and its file removed after each workload, at exit and on\n"
    "SIGINT, SIGTERM or SIGHUP.\n"
    "exit status: 0; 1 on a usage error or when a run reached a different\n"
    "mug from the unconstrained run; 128 + N when stopped by signal N\n");
}

/* _p_list(): parse a comma-separated list of names into sel_t; 0 ok. */
static c3_i
_p_list(const c3_c* lis_c, const c3_c* const* nam_c, c3_w num_w, c3_t* sel_t,
        const c3_c* fla_c)
{
  c3_c* dup_c = strdup(lis_c);
  c3_c* sav_c = 0;
  c3_w  any_w = 0;

  memset(sel_t, 0, num_w * sizeof(c3_t));
  for ( c3_c* tok_c = strtok_r(dup_c, ",", &sav_c); tok_c;
        tok_c = strtok_r(0, ",", &sav_c) )
  {
    c3_w i_w;
    for ( i_w = 0; i_w < num_w && strcmp(tok_c, nam_c[i_w]); i_w++ ) {
    }
    if ( i_w == num_w ) {
      fprintf(stderr, "pressure: %s: unknown '%s'\n", fla_c, tok_c);
      free(dup_c);
      return 1;
    }
    sel_t[i_w] = 1;
    any_w++;
  }
  free(dup_c);
  if ( !any_w ) {
    fprintf(stderr, "pressure: %s: empty list\n", fla_c);
    return 1;
  }
  return 0;
}

/* _p_find_urbit(): --urbit, $URBIT, build/gcc/urbit, or ../urbit beside
**   this program.
*/
static const c3_c*
_p_find_urbit(const c3_c* arg_c)
{
  static c3_c exe_c[4096];

  if ( arg_c ) return arg_c;
  if ( getenv("URBIT") && *getenv("URBIT") ) return getenv("URBIT");
  if ( 0 == access("build/gcc/urbit", X_OK) ) return "build/gcc/urbit";
  ssize_t len_i = readlink("/proc/self/exe", exe_c, sizeof(exe_c) - 16);
  if ( len_i > 0 ) {
    exe_c[len_i] = 0;
    c3_c* dir_c = dirname(exe_c);
    memmove(exe_c, dir_c, strlen(dir_c) + 1);
    strcat(exe_c, "/../urbit");
    return exe_c;
  }
  return "build/gcc/urbit";
}

/* _p_parse(): the command line into _p_O; -1 to go on, else the exit
**   status.
*/
static c3_i
_p_parse(c3_i argc, c3_c** argv)
{
  static const struct option opt_u[] = {
    { "workloads", required_argument, 0, 'w' },
    { "ratios",    required_argument, 0, 'r' },
    { "columns",   required_argument, 0, 'c' },
    { "size",      required_argument, 0, 's' },
    { "events",    required_argument, 0, 'n' },
    { "seed",      required_argument, 0, 'e' },
    { "rounds",    required_argument, 0, 'R' },
    { "timeout",   required_argument, 0, 't' },
    { "floor",     required_argument, 0, 'f' },
    { "quick",     no_argument,       0, 'q' },
    { "dir",       required_argument, 0, 'd' },
    { "out",       required_argument, 0, 'o' },
    { "urbit",     required_argument, 0, 'u' },
    { "cleanup",   no_argument,       0, 'C' },
    { "help",      no_argument,       0, 'h' },
    { 0, 0, 0, 0 }
  };
  const c3_c* wok_c[_P_WOKS] = { "churn", "kv", "mixed" };
  const c3_c* urb_c = 0;
  c3_t        tim_t = 0;
  c3_i        opt_i;
  c3_d        val_d;

  for ( c3_w i_w = 0; i_w < _P_WOKS; i_w++ ) _p_O.wok_t[i_w] = 1;
  for ( c3_w i_w = 0; i_w < _P_COLS; i_w++ ) _p_O.col_t[i_w] = 1;
  _p_O.rat_w[0] = 2; _p_O.rat_w[1] = 4; _p_O.rat_w[2] = 16;
  _p_O.rat_w[3] = 64; _p_O.nra_w = 4;
  snprintf(_p_O.sed_c, sizeof(_p_O.sed_c), "0");
  _p_O.rou_w = 1;
  _p_O.tim_d = 30;
  _p_O.flo_d = 9 * _P_MIB;

  while ( -1 != (opt_i = getopt_long(argc, argv, "h", opt_u, 0)) ) {
    switch ( opt_i ) {
      case 'w':
        if ( _p_list(optarg, wok_c, _P_WOKS, _p_O.wok_t, "--workloads") ) {
          return 1;
        }
        break;
      case 'c':
        if ( _p_list(optarg, _p_col_c, _P_COLS, _p_O.col_t, "--columns") ) {
          return 1;
        }
        break;
      case 'r': {
        c3_c* dup_c = strdup(optarg);
        c3_c* sav_c = 0;
        _p_O.nra_w = 0;
        for ( c3_c* tok_c = strtok_r(dup_c, ",", &sav_c); tok_c;
              tok_c = strtok_r(0, ",", &sav_c) )
        {
          if ( _p_O.nra_w == _P_RATS ) {
            fprintf(stderr, "pressure: --ratios: at most %u\n", _P_RATS);
            free(dup_c);
            return 1;
          }
          if ( !(val_d = _b_number("pressure", tok_c, 4096, "--ratios")) ) {
            free(dup_c);
            return 1;
          }
          _p_O.rat_w[_p_O.nra_w++] = (c3_w)val_d;
        }
        free(dup_c);
        if ( !_p_O.nra_w ) {
          fprintf(stderr, "pressure: --ratios: empty list\n");
          return 1;
        }
        break;
      }
      case 's':
        if ( !(val_d = _b_number("pressure", optarg, 8192, "--size")) ) return 1;
        _p_O.siz_w = (c3_w)val_d;
        break;
      case 'n':
        if ( !(val_d = _b_number("pressure", optarg, 1000000000, "--events")) ) return 1;
        _p_O.num_w = (c3_w)val_d;
        break;
      case 'e':
        if ( strspn(optarg, "0123456789") != strlen(optarg) || !*optarg
             || strlen(optarg) > 20 )
        {
          fprintf(stderr, "pressure: --seed: not a number: '%s'\n", optarg);
          return 1;
        }
        snprintf(_p_O.sed_c, sizeof(_p_O.sed_c), "%s", optarg);
        break;
      case 'R':
        if ( !(val_d = _b_number("pressure", optarg, _P_ROUNDS, "--rounds")) ) return 1;
        _p_O.rou_w = (c3_w)val_d;
        break;
      case 't':
        if ( !(val_d = _b_number("pressure", optarg, 86400, "--timeout")) ) return 1;
        _p_O.tim_d = (double)val_d;
        _p_O.tix_t = tim_t = 1;
        break;
      case 'f':
        if ( !(val_d = _b_number("pressure", optarg, 1 << 20, "--floor")) ) return 1;
        _p_O.flo_d = (double)val_d * _P_MIB;
        break;
      case 'q': _p_O.qik_t = 1; break;
      case 'd': snprintf(_p_O.dir_c, sizeof(_p_O.dir_c), "%s", optarg); break;
      case 'o': snprintf(_p_O.out_c, sizeof(_p_O.out_c), "%s", optarg); break;
      case 'u': urb_c = optarg; break;
      case 'C': _p_O.cln_t = 1; break;
      case 'h': _p_usage(stdout); return 0;
      default:  _p_usage(stderr); return 1;
    }
  }
  if ( optind < argc ) {
    fprintf(stderr, "pressure: unexpected argument '%s'\n", argv[optind]);
    _p_usage(stderr);
    return 1;
  }
  if ( _p_O.qik_t && !tim_t ) {
    _p_O.tim_d = 15;
  }
  if ( !_p_O.dir_c[0] ) {
    const c3_c* tmp_c = getenv("TEST_TMPDIR");
    snprintf(_p_O.dir_c, sizeof(_p_O.dir_c), "%s",
             ( tmp_c && *tmp_c ) ? tmp_c : "/var/tmp");
  }
  if ( !_p_O.out_c[0] ) {
    const c3_c* ben_c = getenv("BENCH_DIR");
    snprintf(_p_O.out_c, sizeof(_p_O.out_c), "%s",
             ( ben_c && *ben_c ) ? ben_c : "/tmp/loom-pressure");
  }
  _p_O.urb_c = _p_find_urbit(urb_c);
  return -1;
}

/* _p_setup(): check the directories and the binary, clean up leftovers,
**   make the scratch directory and the marker, catch signals; 0, or the
**   exit status.
*/
static c3_i
_p_setup(void)
{
  struct statfs fsu_u;

  if ( statfs(_p_O.dir_c, &fsu_u) ) {
    fprintf(stderr, "pressure: --dir %s: %s\n", _p_O.dir_c, strerror(errno));
    return 1;
  }
  h_join(_p_S.mar_c, sizeof(_p_S.mar_c), _p_O.dir_c, "pressure.marker");
  if ( _p_leftovers(_p_S.mar_c) ) {
    _p_S.mar_c[0] = 0;
    return 1;
  }
  if ( _p_O.cln_t ) {
    printf("pressure: %s: nothing left over\n", _p_O.dir_c);
    _p_S.mar_c[0] = 0;
    return 0;
  }
  if ( 0x01021994 == fsu_u.f_type || 0x858458f6 == fsu_u.f_type ) {
    fprintf(stderr, "pressure: --dir %s is on tmpfs or ramfs: the piers, "
                    "--swap-file and the kernel's swap file need a "
                    "disk-backed file system\n", _p_O.dir_c);
    _p_S.mar_c[0] = 0;
    return 1;
  }
  if ( access(_p_O.urb_c, X_OK) ) {
    fprintf(stderr, "pressure: urbit binary %s: %s (build it with make, or "
                    "set URBIT)\n", _p_O.urb_c, strerror(errno));
    _p_S.mar_c[0] = 0;
    return 1;
  }
  if ( mkdir(_p_O.out_c, 0755) && EEXIST != errno ) {
    fprintf(stderr, "pressure: mkdir %s: %s\n", _p_O.out_c, strerror(errno));
    _p_S.mar_c[0] = 0;
    return 1;
  }

  //  from here on, everything made is named in the marker first
  //
  h_on_stop(_p_on_signal);
  atexit(_p_clean);
  snprintf(_p_S.scr_c, sizeof(_p_S.scr_c), "%s/pressure-%d", _p_O.dir_c,
           (c3_i)getpid());
  _p_mark();
  if ( mkdir(_p_S.scr_c, 0700) ) {
    fprintf(stderr, "pressure: mkdir %s: %s\n", _p_S.scr_c, strerror(errno));
    _p_S.scr_c[0] = 0;
    return 1;
  }

  //  which columns can run here
  //
  c3_c lin_c[512];
  if ( geteuid() ) {
    snprintf(_p_R.krn_c, sizeof(_p_R.krn_c), "needs root for swapon");
  }
  if ( !_p_knows("--memory-limit", lin_c, sizeof(lin_c)) ) {
    snprintf(_p_R.lim_c, sizeof(_p_R.lim_c), "urbit has no --memory-limit");
  }
  else {
    _p_R.lmb_t = strstr(lin_c, "MB") || strstr(lin_c, "MiB");
  }
  return -1;
}

/* _p_banner(): what is about to run. */
static void
_p_banner(void)
{
  printf("pressure: %s, seed %s, %u round%s, timeout %s%.0f s per run, "
         "floor %.0f MiB\n", _p_O.urb_c, _p_O.sed_c, _p_O.rou_w,
         ( 1 == _p_O.rou_w ) ? "" : "s",
         _p_O.tix_t ? "" : "2 x unconstrained, at least ", _p_O.tim_d,
         _p_O.flo_d / _P_MIB);
  printf("  scratch %s (marker %s), outputs in %s\n", _p_S.scr_c, _p_S.mar_c,
         _p_O.out_c);
  for ( c3_w c_w = 0; c_w < _P_COLS; c_w++ ) {
    if ( !_p_O.col_t[c_w] ) continue;
    const c3_c* why_c = ( _P_KRN == c_w ) ? _p_R.krn_c
                      : ( _P_LIM == c_w ) ? _p_R.lim_c : "";
    printf("  %-12s %s%s\n", _p_col_c[c_w], why_c[0] ? "skipped: " : "ready",
           why_c);
  }
  fflush(stdout);
}

/* _p_report(): the tables, the CSV and the chart. */
static void
_p_report(void)
{
  c3_c  csv_c[3100], png_c[3100];
  FILE* csv_u;

  h_join(csv_c, sizeof(csv_c), _p_O.out_c, "pressure.csv");
  h_join(png_c, sizeof(png_c), _p_O.out_c, "pressure.png");
  if ( !(csv_u = fopen(csv_c, "w")) ) {
    fprintf(stderr, "pressure: open %s: %s\n", csv_c, strerror(errno));
    csv_u = fopen("/dev/null", "w");
  }
  fprintf(csv_u, "workload,size_mib,events,ratio,limit_mib,column,round,"
                 "status,wall_s,x_unconstrained,x_kernel_swap,read_mib,"
                 "written_mib,swapin_mib,swapout_mib,cgroup_peak_mib,"
                 "oom_kills,mug\n");
  printf("\nwall time (medians of finished rounds); x unc = / unconstrained; "
         "x kern = / kernel-swap at the same limit (> or <: one side timed "
         "out, a bound); read and written: MiB from and to the disk (the "
         "run's /proc/PID/io read_bytes, and write_bytes - "
         "cancelled_write_bytes + swap-outs); peak: cgroup peak MiB; oom: "
         "OOM kills\n");
  for ( c3_w w_w = 0; w_w < _P_WOKS; w_w++ ) {
    if ( _p_R.ran_t[w_w] ) {
      _p_table(csv_u, w_w);
    }
  }
  if ( ferror(csv_u) | fclose(csv_u) ) {
    fprintf(stderr, "pressure: write %s: %s\n", csv_c, strerror(errno));
  }
  printf("\ncsv: %s\n", csv_c);
  if ( 0 == _p_chart(png_c) ) {
    printf("chart: %s\n", png_c);
  }
}

int
main(int argc, char** argv)
{
  c3_i ret_i = _p_parse(argc, argv);
  if ( -1 != ret_i ) {
    return ret_i;
  }
  if ( -1 != (ret_i = _p_setup()) ) {
    return ret_i;
  }
  _p_banner();
  for ( c3_w w_w = 0; w_w < _P_WOKS; w_w++ ) {
    if ( _p_O.wok_t[w_w] ) {
      _p_workload(w_w);
      _p_stopped();
    }
  }
  _p_report();
  if ( _p_R.bad_t ) {
    printf("\nMUG MISMATCH: a run reached a different state from the "
           "unconstrained run (see above)\n");
    return 1;
  }
  printf("mug: every finished run reached its workload's unconstrained mug\n");
  return 0;
}
