/// @file pressure_tests.c
/// bench/pressure never leaves the kernel's swap enabled, its swap file,
/// its memory cgroups or its child behind: the bench runs a tiny
/// kernel-swap configuration, and in the middle of that run gets SIGINT,
/// then (a second bench) SIGTERM; after each, /proc/swaps has no entry of
/// its, the swap file, the cgroups, the scratch directory and the marker
/// are gone, and so is the urbit child.  A third bench is killed with
/// SIGKILL, which no handler sees: its marker must name what it left (the
/// swap still on, the cgroup), and `pressure --cleanup` in the same
/// directory must undo all of it.  With a stand-in for urbit, a run that
/// reaches another mug makes the exit status 1, and a run past the time
/// limit is recorded as a timeout while the bench goes on.
///
/// Needs root (swapon) and a file system that can hold a swap file; skips
/// with the reason otherwise.  The bench binary is $PRESSURE, else
/// bench/pressure beside $URBIT.  Whatever a failing bench leaves is
/// removed here too (and reported as a failure), so the machine never
/// keeps swap on.
#include <libgen.h>
#include <sys/swap.h>

#include "test.h"

static const c3_c* _t_urb_c;         //  the urbit binary
static c3_c        _t_ben_c[4096];   //  the bench binary
static c3_c        _t_tmp_c[512];    //  scratch for this program
static c3_c        _t_why_c[512];    //  why the bench cannot run here

/* _t_swaps_under(): how many active swap areas lie under dir_c. */
static c3_w
_t_swaps_under(const c3_c* dir_c)
{
  FILE* fil_u = fopen("/proc/swaps", "r");
  c3_c  lin_c[4200];
  c3_z  len_z = strlen(dir_c);
  c3_w  num_w = 0;

  while ( fil_u && fgets(lin_c, sizeof(lin_c), fil_u) ) {
    if ( !strncmp(lin_c, dir_c, len_z) && '/' == lin_c[len_z] ) {
      num_w++;
    }
  }
  if ( fil_u ) fclose(fil_u);
  return num_w;
}

/* _t_rescue(): turn off any swap under dir_c and kill and remove the
**   cgroups the marker names; how many things had to be undone.
*/
static c3_w
_t_rescue(const c3_c* dir_c, c3_c (*cgs_c)[2048], c3_w ncg_w)
{
  FILE* fil_u = fopen("/proc/swaps", "r");
  c3_c  lin_c[4200];
  c3_w  num_w = 0;

  while ( fil_u && fgets(lin_c, sizeof(lin_c), fil_u) ) {
    if ( !strncmp(lin_c, dir_c, strlen(dir_c)) ) {
      lin_c[strcspn(lin_c, " \t")] = 0;
      if ( swapoff(lin_c) ) {
        fprintf(stderr, "pressure_tests: swapoff %s: %s\n", lin_c,
                strerror(errno));
      }
      num_w++;
    }
  }
  if ( fil_u ) fclose(fil_u);
  for ( c3_w i_w = 0; i_w < ncg_w; i_w++ ) {
    c3_c pat_c[2200], buf_c[4096];
    if ( !h_exists(cgs_c[i_w]) ) {
      continue;
    }
    num_w++;
    snprintf(pat_c, sizeof(pat_c), "%s/cgroup.procs", cgs_c[i_w]);
    for ( c3_w k_w = 0; k_w < 200 && rmdir(cgs_c[i_w]); k_w++ ) {
      if ( h_slurp(pat_c, buf_c, sizeof(buf_c)) > 0 ) {
        for ( c3_c* p_c = buf_c; *p_c; ) {
          long pid_l = strtol(p_c, &p_c, 10);
          if ( pid_l > 0 ) kill((pid_t)pid_l, SIGKILL);
          while ( '\n' == *p_c ) p_c++;
          if ( pid_l <= 0 && *p_c ) p_c++;
        }
      }
      usleep(10000);
    }
  }
  return num_w;
}

/* _t_marker: what a bench's marker names. */
typedef struct {
  c3_c  swp_c[4200];      //  its swap file
  c3_c  scr_c[4200];      //  its scratch directory
  c3_c  cgs_c[4][2048];   //  its cgroups
  c3_w  ncg_w;
  pid_t kid_i;            //  its child
} _t_marker;

/* _t_marker_read(): parse dir_c/pressure.marker; 0 if absent. */
static c3_t
_t_marker_read(const c3_c* dir_c, _t_marker* mar_u)
{
  c3_c  pat_c[4200], lin_c[4200];
  FILE* fil_u;

  memset(mar_u, 0, sizeof(*mar_u));
  snprintf(pat_c, sizeof(pat_c), "%s/pressure.marker", dir_c);
  if ( !(fil_u = fopen(pat_c, "r")) ) {
    return 0;
  }
  while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
    lin_c[strcspn(lin_c, "\n")] = 0;
    if ( !strncmp(lin_c, "swap ", 5) ) {
      snprintf(mar_u->swp_c, sizeof(mar_u->swp_c), "%s", lin_c + 5);
    }
    else if ( !strncmp(lin_c, "scratch ", 8) ) {
      snprintf(mar_u->scr_c, sizeof(mar_u->scr_c), "%s", lin_c + 8);
    }
    else if ( !strncmp(lin_c, "cgroup ", 7) && mar_u->ncg_w < 4 ) {
      snprintf(mar_u->cgs_c[mar_u->ncg_w++], 2048, "%.2000s", lin_c + 7);
    }
    else if ( !strncmp(lin_c, "child ", 6) ) {
      mar_u->kid_i = (pid_t)strtol(lin_c + 6, 0, 10);
    }
  }
  fclose(fil_u);
  return 1;
}

/* _t_gone(): is pid_i gone (or a zombie nobody reaps yet)? */
static c3_t
_t_gone(pid_t pid_i)
{
  c3_c pat_c[64], buf_c[512];
  snprintf(pat_c, sizeof(pat_c), "/proc/%d/stat", (c3_i)pid_i);
  if ( h_slurp(pat_c, buf_c, sizeof(buf_c)) <= 0 ) {
    return 1;
  }
  c3_c* par_c = strrchr(buf_c, ')');
  return par_c && ( 'Z' == par_c[2] || 'X' == par_c[2] );
}

/* _t_bench(): start the bench on a tiny kernel-swap-only configuration
**   in dir_c, its output in dir_c/log; its pid.
*/
static pid_t
_t_bench(const c3_c* dir_c, c3_c* log_c, c3_z log_z)
{
  c3_c  out_c[4200];
  h_how how_u;

  memset(&how_u, 0, sizeof(how_u));
  snprintf(out_c, sizeof(out_c), "%s/out", dir_c);
  snprintf(log_c, log_z, "%s/log", dir_c);
  how_u.out_c = log_c;
  how_u.err_c = log_c;
  //  churn 64 MiB x 2 peaks near 80 MiB: at 1/8 the kernel swaps for
  //  many seconds, so the signal lands in the middle of the run
  c3_c* arg_c[] = {
    _t_ben_c, "--workloads", "churn", "--size", "64", "--events", "2",
    "--ratios", "8", "--columns", "kernel-swap", "--timeout", "120",
    "--dir", (c3_c*)dir_c, "--out", out_c, "--urbit", (c3_c*)_t_urb_c, 0
  };
  return h_spawn(arg_c, &how_u);
}

/* _t_wait_swap(): wait until the bench in dir_c has its swap on and its
**   child running; 1, or 0 (with _t_why_c set when it cannot run here).
*/
static c3_t
_t_wait_swap(pid_t pid_i, const c3_c* dir_c, const c3_c* log_c,
             _t_marker* mar_u)
{
  double dea_d = h_now() + 120;

  while ( h_now() < dea_d ) {
    c3_i sat_i;
    if ( pid_i == waitpid(pid_i, &sat_i, WNOHANG) ) {
      c3_c buf_c[8192];
      h_slurp(log_c, buf_c, sizeof(buf_c));
      const c3_c* hit_c = strstr(buf_c, "skipped");
      if ( hit_c ) {
        c3_z len_z = strcspn(hit_c, "\n");
        snprintf(_t_why_c, sizeof(_t_why_c), "kernel swap: %.*s",
                 (c3_i)c3_min(len_z, (c3_z)400), hit_c);
      }
      else {
        fprintf(stderr, "pressure_tests: the bench ended (status %d) before "
                        "its kernel-swap run; its output:\n%s\n",
                h_status(sat_i), buf_c);
      }
      return 0;
    }
    if ( _t_swaps_under(dir_c) && _t_marker_read(dir_c, mar_u)
         && mar_u->kid_i > 0 && mar_u->ncg_w )
    {
      return 1;
    }
    usleep(20000);
  }
  fprintf(stderr, "pressure_tests: no kernel-swap run within 120 s\n");
  kill(pid_i, SIGKILL);
  waitpid(pid_i, 0, 0);
  return 0;
}

/* _t_check_clean(): nothing of the bench in dir_c remains. */
static void
_t_check_clean(const c3_c* nam_c, const c3_c* dir_c, const _t_marker* mar_u)
{
  c3_c pat_c[4200];
  snprintf(pat_c, sizeof(pat_c), "%s/pressure.marker", dir_c);

  T_OK(0 == _t_swaps_under(dir_c), "%s: swap under %s still on", nam_c,
       dir_c);
  T_OK(!h_exists(mar_u->swp_c), "%s: swap file %s still there", nam_c,
       mar_u->swp_c);
  for ( c3_w i_w = 0; i_w < mar_u->ncg_w; i_w++ ) {
    T_OK(!h_exists(mar_u->cgs_c[i_w]), "%s: cgroup %s still there", nam_c,
         mar_u->cgs_c[i_w]);
  }
  T_OK(!h_exists(mar_u->scr_c), "%s: scratch %s still there", nam_c,
       mar_u->scr_c);
  T_OK(!h_exists(pat_c), "%s: marker %s still there", nam_c, pat_c);
  T_OK(_t_gone(mar_u->kid_i), "%s: urbit child %d still running", nam_c,
       (c3_i)mar_u->kid_i);
}

/* _t_signal(): a bench stopped by sig_i mid-kernel-swap-run cleans up;
**   0 if the bench cannot run here (_t_why_c says why).
*/
static c3_t
_t_signal(c3_i sig_i, const c3_c* nam_c)
{
  c3_c      dir_c[1024], log_c[1100];
  _t_marker mar_u;

  snprintf(dir_c, sizeof(dir_c), "%s/%s", _t_tmp_c, nam_c);
  mkdir(dir_c, 0755);
  pid_t pid_i = _t_bench(dir_c, log_c, sizeof(log_c));
  if ( pid_i < 0 ) {
    T_OK(0, "%s: could not start %s", nam_c, _t_ben_c);
    return 1;
  }
  if ( !_t_wait_swap(pid_i, dir_c, log_c, &mar_u) ) {
    c3_t run_t = !_t_why_c[0];
    T_OK(!run_t, "%s: the bench never reached its kernel-swap run", nam_c);
    _t_marker_read(dir_c, &mar_u);
    _t_rescue(dir_c, mar_u.cgs_c, mar_u.ncg_w);
    return run_t;
  }
  usleep(300000);   //  the child is swapping now
  T_OK(_t_swaps_under(dir_c) && !_t_gone(mar_u.kid_i),
       "%s: the kernel-swap run ended too soon to be interrupted", nam_c);
  kill(pid_i, sig_i);

  c3_t tim_t;
  c3_i sat_i = h_reap(pid_i, 60, &tim_t, 0);
  T_OK(!tim_t, "%s: the bench did not stop within 60 s", nam_c);
  T_EQ(h_status(sat_i), 128 + sig_i);
  _t_check_clean(nam_c, dir_c, &mar_u);
  c3_w lef_w = _t_rescue(dir_c, mar_u.cgs_c, mar_u.ncg_w);
  T_OK(0 == lef_w, "%s: %u leftovers had to be removed here", nam_c, lef_w);
  printf("%s: the bench stopped with status %d\n", nam_c, h_status(sat_i));
  return 1;
}

/* _t_killed(): a bench killed outright leaves a marker naming its swap
**   and cgroup; --cleanup undoes them.
*/
static void
_t_killed(void)
{
  c3_c      dir_c[1024], log_c[1100];
  _t_marker mar_u;

  snprintf(dir_c, sizeof(dir_c), "%s/sigkill", _t_tmp_c);
  mkdir(dir_c, 0755);
  pid_t pid_i = _t_bench(dir_c, log_c, sizeof(log_c));
  if ( pid_i < 0 || !_t_wait_swap(pid_i, dir_c, log_c, &mar_u) ) {
    T_OK(0, "sigkill: the bench never reached its kernel-swap run");
    _t_marker_read(dir_c, &mar_u);
    _t_rescue(dir_c, mar_u.cgs_c, mar_u.ncg_w);
    return;
  }
  usleep(300000);
  kill(pid_i, SIGKILL);
  waitpid(pid_i, 0, 0);

  //  what it left is what its marker names: swap on, the cgroup
  //
  T_OK(_t_swaps_under(dir_c) > 0, "sigkill: swap went off by itself");
  T_OK(h_exists(mar_u.cgs_c[0]), "sigkill: the cgroup went by itself");
  for ( c3_w i_w = 0; i_w < 100 && !_t_gone(mar_u.kid_i); i_w++ ) {
    usleep(20000);   //  its death signal is on the way
  }
  T_OK(_t_gone(mar_u.kid_i), "sigkill: urbit child %d outlived the bench",
       (c3_i)mar_u.kid_i);

  static h_run run_u;
  c3_c* arg_c[] = { _t_ben_c, "--cleanup", "--dir", dir_c, "--urbit",
                    (c3_c*)_t_urb_c, 0 };
  c3_i ret_i = h_run_in(dir_c, arg_c, 0, 60, &run_u);
  T_EQ(ret_i, 0);
  T_OK(0 != strstr(run_u.out_c, "cleaning up after an earlier run"),
       "sigkill: --cleanup said: %s%s", run_u.out_c, run_u.err_c);
  _t_check_clean("sigkill", dir_c, &mar_u);
  c3_w lef_w = _t_rescue(dir_c, mar_u.cgs_c, mar_u.ncg_w);
  T_OK(0 == lef_w, "sigkill: %u leftovers had to be removed here", lef_w);
  printf("sigkill: --cleanup ran with status %d\n", ret_i);
}

/* _t_stand_in(): write script fak_y as a stand-in urbit in a directory
**   nam_c of the scratch: its directory into dir_c (1024 bytes), the
**   script's path into fak_c and an output directory into out_c (1100
**   bytes each).
*/
static void
_t_stand_in(const c3_c* nam_c, const c3_c* fak_y, c3_c* dir_c, c3_c* fak_c,
            c3_c* out_c)
{
  snprintf(dir_c, 1024, "%s/%s", _t_tmp_c, nam_c);
  mkdir(dir_c, 0755);
  snprintf(fak_c, 1100, "%s/urbit", dir_c);
  snprintf(out_c, 1100, "%s/out", dir_c);
  h_must_write(fak_c, (const c3_y*)fak_y, strlen(fak_y));
  chmod(fak_c, 0755);
}

/* _t_mismatch(): a run that reaches another mug makes the exit status 1,
**   loudly; a run past the time limit is recorded as a timeout and the
**   bench goes on.  A stand-in for urbit: the unconstrained run fills 32
**   MiB of page cache (so the limits are above the floor) and reports
**   mug 1; a --swap-file run reports mug 2; a --memory-limit run sleeps.
*/
static void
_t_mismatch(void)
{
  static h_run run_u;
  c3_c         dir_c[1024], fak_c[1100], out_c[1100];
  const c3_c*  fak_y =
    "#!/bin/sh\n"
    "case \"$*\" in\n"
    "  *--help*) echo '  --memory-limit SIZE  a cap'; exit 0 ;;\n"
    "  *--swap-file*) echo '{\"mug\":2}'; exit 0 ;;\n"
    "  *--memory-limit*) sleep 30; exit 0 ;;\n"
    "esac\n"
    "for a; do p=$a; done\n"
    "dd if=/dev/zero of=\"$p.fill\" bs=1M count=32 2>/dev/null\n"
    "echo '{\"mug\":1}'\n";

  _t_stand_in("mismatch", fak_y, dir_c, fak_c, out_c);

  c3_c* arg_c[] = {
    _t_ben_c, "--workloads", "kv", "--ratios", "2", "--columns",
    "swap-file,memory-limit", "--timeout", "1", "--dir", dir_c, "--out",
    out_c, "--urbit", fak_c, 0
  };
  c3_i ret_i = h_run_in(dir_c, arg_c, 0, 60, &run_u);
  T_EQ(ret_i, 1);
  T_OK(0 != strstr(run_u.out_c, "MUG MISMATCH: 0x00000002, unconstrained "
                                "0x00000001"),
       "mismatch: not reported: %s", run_u.out_c);
  T_OK(0 != strstr(run_u.out_c, "memory-limit 1/2 ")
       && 0 != strstr(strstr(run_u.out_c, "memory-limit 1/2 "), "timeout"),
       "mismatch: the sleeping run is not a timeout: %s", run_u.out_c);
  T_OK(0 != strstr(run_u.out_c, "chart: "), "mismatch: no report after the "
       "timeout: %s%s", run_u.out_c, run_u.err_c);
  printf("mismatch: exit status %d\n", ret_i);
}

/* _t_limit_arg(): --memory-limit gets bytes when urbit's help line for the
**   flag says nothing of MiB, even where another flag's text, on a line
**   of its own, mentions the flag and MiB first (pack's default cap).  A stand-in for urbit whose
**   --memory-limit run fails on a value under 1 MiB.
*/
static void
_t_limit_arg(void)
{
  static h_run run_u;
  c3_c         dir_c[1024], fak_c[1100], out_c[1100];
  const c3_c*  fak_y =
    "#!/bin/sh\n"
    "case \"$*\" in\n"
    "  *--help*) echo '  pack  caps the loom it pages under'\n"
    "    echo '                --memory-limit (default: 44 MiB)'\n"
    "    echo '      --memory-limit SIZE  a cap (bytes, or with K, M or G)'\n"
    "    exit 0 ;;\n"
    "  *--memory-limit*) v=; q=\n"
    "    for a; do [ \"$q\" = --memory-limit ] && v=$a; q=$a; done\n"
    "    [ \"$v\" -ge 1048576 ] || { echo \"limit $v: bytes?\" >&2; exit 1; }\n"
    "    echo '{\"mug\":1}'; exit 0 ;;\n"
    "esac\n"
    "for a; do p=$a; done\n"
    "dd if=/dev/zero of=\"$p.fill\" bs=1M count=32 2>/dev/null\n"
    "echo '{\"mug\":1}'\n";

  _t_stand_in("limit", fak_y, dir_c, fak_c, out_c);

  c3_c* arg_c[] = {
    _t_ben_c, "--workloads", "kv", "--ratios", "2", "--columns",
    "memory-limit", "--timeout", "10", "--dir", dir_c, "--out", out_c,
    "--urbit", fak_c, 0
  };
  c3_i ret_i = h_run_in(dir_c, arg_c, 0, 60, &run_u);
  T_EQ(ret_i, 0);
  const c3_c* row_c = strstr(run_u.out_c, "memory-limit 1/2 ");
  T_OK(0 != row_c && 0 != strstr(row_c, " ok "),
       "limit: the --memory-limit run did not finish: %s%s", run_u.out_c,
       run_u.err_c);
  printf("limit: exit status %d\n", ret_i);
}

int
main(void)
{
  const c3_c* why_c = h_start("pressure", &_t_urb_c, _t_tmp_c,
                              sizeof(_t_tmp_c));
  if ( why_c ) {
    return t_skip(why_c);
  }
  if ( geteuid() ) {
    h_rm(_t_tmp_c);
    return t_skip("the kernel-swap column needs root (swapon)");
  }
  if ( getenv("PRESSURE") && *getenv("PRESSURE") ) {
    snprintf(_t_ben_c, sizeof(_t_ben_c), "%s", getenv("PRESSURE"));
  }
  else {
    c3_c dup_c[4096];
    snprintf(dup_c, sizeof(dup_c), "%s", _t_urb_c);
    snprintf(_t_ben_c, sizeof(_t_ben_c), "%s/bench/pressure", dirname(dup_c));
  }
  if ( access(_t_ben_c, X_OK) ) {
    h_rm(_t_tmp_c);
    return t_skip("no bench/pressure beside $URBIT (build it with make, or "
                  "set PRESSURE)");
  }

  if ( !_t_signal(SIGINT, "sigint") ) {
    h_rm(_t_tmp_c);
    return t_skip(_t_why_c);
  }
  _t_signal(SIGTERM, "sigterm");
  _t_killed();
  _t_mismatch();
  _t_limit_arg();
  h_rm(_t_tmp_c);
  return t_done();
}
