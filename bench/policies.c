/// @file policies.c
/// Benchmark: the memory policies side by side, in one run.  The `urbit`
/// binary runs the same seeded workload (same events, so the same final
/// state) on a fresh pier under each policy:
///
///   default     no flag
///   free        --loom-free-every-event --loom-free-mode free
///   dontneed    --loom-free-every-event --loom-free-mode dontneed
///   swap        --swap-file F
///   swap+free   --swap-file F --loom-free-every-event
///   lazy        --loom-lazy
///
/// Rounds are interleaved (each round runs every policy once, starting
/// one policy later than the round before), so machine noise falls on all
/// policies alike; the table shows medians over rounds and ratios to the
/// default policy.  Per-event figures come from `urbit --trace`: steady RSS
/// is the median of the per-event RSS over the last half of the events.
///
/// With --cgroup, one more `--swap-file` run goes into a memory cgroup
/// (created under this process's own cgroup, v1 or v2, removed afterwards)
/// limited to 1/16 of the unconstrained swap-file run's peak RSS (or 1/DIV
/// with --cgroup=DIV), and its wall time is compared with the
/// unconstrained one.
///
/// Release at the kernel's price.  For each releasing policy, the cost per
/// released page: (event time with release - event time of its base
/// policy, free/dontneed against default, swap+free against swap) / (pages
/// released - the base's), round by round, against the kernel's floor for
/// the operation the policy uses, measured by this program between the
/// rounds on 64 MiB of its own memory: MADV_FREE over the range then a
/// write to each 4 KiB (free), MADV_DONTNEED then the same (dontneed), and
/// for the swap file the range of a MAP_SHARED file zeroed with its blocks
/// kept, then the same writes (swap+free, which holds the blocks of what
/// recent events used; truncation and MADV_REMOVE, each followed by a
/// fallocate, are shown beside it).  Event time is new events / events/s, urbit's own.
///
/// Every run must reach the same state mug: a difference is a correctness
/// bug, reported with exit status 1.  Nothing else passes or fails.
/// A policy the binary does not know (exit 1, "unknown option") is shown
/// as not available and skipped.
///
/// Outputs: all per-event samples as CSV (policy,round,event,rss_kb,...),
/// and, where gnuplot is installed, a PNG of RSS over events per policy.
///
///   build/gcc/bench/policies [-w W] [--size MB] [-n N] [--seed S]
///                            [--rounds R] [--cgroup[=DIV]] [--policies L]
///                            [--csv PATH] [--png PATH] [--urbit PATH]
///                            [--arg ARG]...
///
/// The binary is --urbit, else $URBIT, else build/gcc/urbit under the
/// current directory, else ../urbit next to this program.  Piers live in a
/// scratch directory under $TEST_TMPDIR or /tmp, removed afterwards.
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

  /** The policies.
  **/
#define _B_SWAP "@swap"   //  replaced by the run's swap file path
#define _B_ARGS 6

typedef struct {
  const c3_c* nam_c;            //  short name, as in the table
  const c3_c* arg_c[_B_ARGS];   //  urbit flags, null-terminated
} _b_pol;

static const _b_pol _b_pols[] = {
  { "default",   { 0 } },
  { "free",      { "--loom-free-every-event", "--loom-free-mode", "free", 0 } },
  { "dontneed",  { "--loom-free-every-event", "--loom-free-mode", "dontneed",
                   0 } },
  { "swap",      { "--swap-file", _B_SWAP, 0 } },
  { "swap+free", { "--swap-file", _B_SWAP, "--loom-free-every-event", 0 } },
  { "lazy",      { "--loom-lazy", 0 } },
};
#define _B_POLS ((c3_w)(sizeof(_b_pols) / sizeof(_b_pols[0])))
#define _B_SWAP_POL 3   //  index of "swap": the cgroup run's reference

  /** The per-event trace columns, as `urbit --trace` names them.
  **/
enum { _B_EVE, _B_RSS, _B_LZF, _B_ANO, _B_FIL, _B_SHM, _B_HEP, _B_LIV,
       _B_SWP, _B_REL, _B_COLS };

static const c3_c* _b_col_c[_B_COLS] = {
  "event", "rss_kb", "lazyfree_kb", "anon_kb", "file_kb", "shmem_kb",
  "heap_kb", "live_kb", "swap_kb", "released_pages"
};

  /** One run's figures; NAN where the binary did not report one.
  **/
typedef struct {
  c3_o   ran_o;   //  finished with a JSON summary
  c3_w   mug_w;   //  final state mug
  double eps_d;   //  events/s (urbit's own: new events over their time)
  double wal_d;   //  wall seconds, fork to exit, as measured here
  double pek_d;   //  peak RSS, KiB
  double ano_d;   //  anonymous, file, shmem RSS at exit, KiB
  double fil_d;
  double shm_d;
  double com_d;   //  commit charge (smaps "ac" areas), KiB
  double swp_d;   //  swap file blocks at exit, KiB
  double flt_d;   //  loom faults
  double rel_d;   //  released pages
  double mif_d;   //  minor page faults (rusage)
  double cpu_d;   //  user + system CPU seconds (rusage)
  double ste_d;   //  steady RSS: median over the last half of events, KiB
  double stn_d;   //  the same net of LazyFree
  double liv_d;   //  steady (rss - lazyfree) / live heap
  c3_w   sam_w;   //  trace samples read
  c3_c   sta_c[128];   //  how an unfinished run ended
} _b_run;

  /** Options.
  **/
static struct {
  const c3_c* urb_c;   //  the urbit binary
  const c3_c* wok_c;   //  workload
  c3_c        siz_c[16];
  c3_c        num_c[16];
  c3_c        sed_c[24];
  c3_w        rou_w;   //  rounds
  c3_o        cgr_o;   //  include the cgroup run
  c3_w        div_w;   //  its limit: peak RSS / div_w
  c3_o        tra_o;   //  the binary knows --trace
  c3_c*       csv_c;   //  CSV path
  c3_c*       png_c;   //  PNG path
  c3_o        use_o[_B_POLS];   //  policies selected
  c3_c*       ext_c[8];         //  extra urbit arguments, for every run
  c3_w        ext_w;
} _b_O;

static volatile sig_atomic_t _b_stop_i;   //  SIGINT/TERM/HUP/PIPE seen
static c3_c                  _b_tmp_c[4096];   //  scratch root
static c3_d                  _b_sam_d;         //  samples written to the CSV

/* _b_median_nan(): median of the non-NaN values in val_d (reordered); NAN if
** there are none.
*/
static double
_b_median_nan(double* val_d, c3_w num_w)
{
  c3_w len_w = 0;

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    if ( !isnan(val_d[i_w]) ) {
      val_d[len_w++] = val_d[i_w];
    }
  }
  if ( !len_w ) {
    return NAN;
  }
  qsort(val_d, len_w, sizeof(double), _b_cmp);
  return ( len_w & 1 ) ? val_d[len_w / 2]
                       : (val_d[len_w / 2 - 1] + val_d[len_w / 2]) / 2;
}

static void
_b_on_signal(int sig_i)
{
  _b_stop_i = sig_i;
  if ( h_kid_i > 0 ) {
    kill(h_kid_i, SIGKILL);
  }
}

/* _b_first_line(): the first non-empty line of txt_c, without \r or \n,
** into buf_c.
*/
static void
_b_first_line(const c3_c* txt_c, c3_c* buf_c, c3_z len_z)
{
  while ( '\n' == *txt_c || '\r' == *txt_c ) {
    txt_c++;
  }
  c3_z end_z = strcspn(txt_c, "\r\n");
  if ( end_z >= len_z ) {
    end_z = len_z - 1;
  }
  memcpy(buf_c, txt_c, end_z);
  buf_c[end_z] = 0;
}

/* _b_last_lines(): the last few lines of txt_c, for a failure report. */
static const c3_c*
_b_last_lines(const c3_c* txt_c)
{
  c3_z len_z = strlen(txt_c);
  c3_w lin_w = 0;

  while ( len_z > 0 && ('\n' == txt_c[len_z - 1] || '\r' == txt_c[len_z - 1]) ) {
    len_z--;
  }
  while ( len_z > 0 ) {
    if ( '\n' == txt_c[len_z - 1] && ++lin_w == 4 ) {
      break;
    }
    len_z--;
  }
  return txt_c + len_z;
}

  /** Running the binary.
  **/
/* _b_exec: a finished run of the binary, from the shared harness. */
typedef h_run _b_exec;

/* _b_status(): a wait status in words. */
static void
_b_status(c3_i sat_i, c3_t tim_t, c3_c* buf_c, c3_z len_z)
{
  if ( tim_t ) {
    snprintf(buf_c, len_z, "stopped at the time limit");
  }
  else if ( WIFSIGNALED(sat_i) ) {
    snprintf(buf_c, len_z, "killed by signal %d (%s)%s", WTERMSIG(sat_i),
             strsignal(WTERMSIG(sat_i)),
             ( SIGKILL == WTERMSIG(sat_i) ) ? ", the OOM killer if in a cgroup"
                                            : "");
  }
  else {
    snprintf(buf_c, len_z, "exit status %d", WEXITSTATUS(sat_i));
  }
}

  /** The trace: per-event samples into the CSV and the steady figures.
  **/

/* _b_steady(): run_u's steady figures from the last half of num_w rows
** of per-event samples (our columns).
*/
static void
_b_steady(double (*row_d)[_B_COLS], c3_w num_w, _b_run* run_u)
{
  c3_w    bas_w = num_w / 2, len_w = num_w - bas_w;
  double* rss_d = calloc(len_w, sizeof(double));
  double* net_d = calloc(len_w, sizeof(double));
  double* rat_d = calloc(len_w, sizeof(double));

  if ( !rss_d || !net_d || !rat_d ) {
    fprintf(stderr, "policies: out of memory\n");
    exit(1);
  }
  for ( c3_w i_w = 0; i_w < len_w; i_w++ ) {
    double* r_d  = row_d[bas_w + i_w];
    double  lzf_d = isnan(r_d[_B_LZF]) ? 0 : r_d[_B_LZF];
    rss_d[i_w] = r_d[_B_RSS];
    net_d[i_w] = r_d[_B_RSS] - lzf_d;
    rat_d[i_w] = ( r_d[_B_LIV] > 0 ) ? net_d[i_w] / r_d[_B_LIV] : NAN;
  }
  run_u->ste_d = _b_median_nan(rss_d, len_w);
  run_u->stn_d = _b_median_nan(net_d, len_w);
  run_u->liv_d = _b_median_nan(rat_d, len_w);
  free(rss_d);
  free(net_d);
  free(rat_d);
}

/* _b_trace(): read tra_c (urbit's --trace CSV), append its rows to csv_u
** as policy,round,..., and fill run_u's steady figures.
*/
static void
_b_trace(const c3_c* tra_c, const c3_c* pol_c, c3_w rou_w, FILE* csv_u,
         _b_run* run_u)
{
  h_csv  tra_u;
  c3_c   lab_c[64];
  double (*row_d)[_B_COLS] = 0;

  if ( !h_csv_read(tra_c, &tra_u) ) {
    fprintf(stderr, "policies: trace %s: empty or unreadable\n", tra_c);
    h_csv_free(&tra_u);
    return;
  }
  if ( h_csv_col(&tra_u, _b_col_c[_B_EVE]) < 0
       || h_csv_col(&tra_u, _b_col_c[_B_RSS]) < 0 )
  {
    fprintf(stderr, "policies: trace %s: no event or rss_kb column\n", tra_c);
    h_csv_free(&tra_u);
    return;
  }
  if ( tra_u.row_w && !(row_d = calloc(tra_u.row_w, sizeof(*row_d))) ) {
    fprintf(stderr, "policies: out of memory\n");
    exit(1);
  }

  //  our columns, whatever their order in the trace
  //
  snprintf(lab_c, sizeof(lab_c), "%s,%u", pol_c, rou_w);
  for ( c3_w r_w = 0; r_w < tra_u.row_w; r_w++ ) {
    for ( c3_w i_w = 0; i_w < _B_COLS; i_w++ ) {
      row_d[r_w][i_w] = h_csv_get(&tra_u, r_w, _b_col_c[i_w]);
    }
    if ( csv_u ) {
      h_csv_row(csv_u, lab_c, row_d[r_w], _B_COLS);
      _b_sam_d++;
    }
  }

  //  steady figures: medians over the last half of the events
  //
  run_u->sam_w = tra_u.row_w;
  if ( tra_u.row_w ) {
    _b_steady(row_d, tra_u.row_w, run_u);
  }
  free(row_d);
  h_csv_free(&tra_u);
}

  /** One run of one policy.
  **/

/* _b_run_one(): run policy pol_w (round rou_w) on a fresh pier in the
** scratch directory; cgp_c, if set, is a cgroup directory to run in.
** Returns 1 if the binary refused a flag of the policy (with its words in
** why_c), 0 otherwise.
*/
static c3_i
_b_run_one(c3_w pol_w, c3_w rou_w, const c3_c* lab_c, const c3_c* cgp_c,
           double dal_d, FILE* csv_u, _b_run* run_u, c3_c* why_c, c3_z why_z)
{
  static _b_exec exe_u;
  const _b_pol*  pol_u = &_b_pols[pol_w];
  c3_c dir_c[4200], pie_c[4300], tra_c[4300], swp_c[4300];
  c3_c* argv_c[40];
  c3_w  arg_w = 0;

  memset(run_u, 0, sizeof(*run_u));
  run_u->ran_o = c3n;
  run_u->eps_d = run_u->wal_d = run_u->pek_d = run_u->ano_d = NAN;
  run_u->fil_d = run_u->shm_d = run_u->com_d = run_u->swp_d = NAN;
  run_u->flt_d = run_u->rel_d = run_u->mif_d = run_u->cpu_d = NAN;
  run_u->ste_d = run_u->stn_d = run_u->liv_d = NAN;

  snprintf(dir_c, sizeof(dir_c), "%s/%s-%u", _b_tmp_c, lab_c, rou_w);
  for ( c3_c* c_c = dir_c + strlen(_b_tmp_c); *c_c; c_c++ ) {
    if ( '+' == *c_c ) {
      *c_c = '-';
    }
  }
  if ( mkdir(dir_c, 0700) && EEXIST != errno ) {
    fprintf(stderr, "policies: mkdir %s: %s\n", dir_c, strerror(errno));
    return 0;
  }
  snprintf(pie_c, sizeof(pie_c), "%s/pier", dir_c);
  snprintf(tra_c, sizeof(tra_c), "%s/trace.csv", dir_c);
  snprintf(swp_c, sizeof(swp_c), "%s/swap.bin", dir_c);

  argv_c[arg_w++] = (c3_c*)_b_O.urb_c;
  argv_c[arg_w++] = "-w";      argv_c[arg_w++] = (c3_c*)_b_O.wok_c;
  argv_c[arg_w++] = "--size";  argv_c[arg_w++] = _b_O.siz_c;
  argv_c[arg_w++] = "-n";      argv_c[arg_w++] = _b_O.num_c;
  argv_c[arg_w++] = "--seed";  argv_c[arg_w++] = _b_O.sed_c;
  argv_c[arg_w++] = "--json";
  argv_c[arg_w++] = "-q";
  if ( _(_b_O.tra_o) ) {
    argv_c[arg_w++] = "--trace";
    argv_c[arg_w++] = tra_c;
  }
  for ( c3_w i_w = 0; i_w < _b_O.ext_w; i_w++ ) {
    argv_c[arg_w++] = _b_O.ext_c[i_w];
  }
  for ( c3_w i_w = 0; i_w < _B_ARGS && pol_u->arg_c[i_w]; i_w++ ) {
    argv_c[arg_w++] = strcmp(pol_u->arg_c[i_w], _B_SWAP)
                      ? (c3_c*)pol_u->arg_c[i_w] : swp_c;
  }
  argv_c[arg_w++] = pie_c;
  argv_c[arg_w] = 0;

  h_how how_u = { .cgp_c = cgp_c };
  if ( 0 > h_run_in(dir_c, argv_c, &how_u, dal_d, &exe_u) ) {
    h_rm(dir_c);
    return 0;
  }

  c3_i sat_i = exe_u.sat_i;
  if ( WIFEXITED(sat_i) && 1 == WEXITSTATUS(sat_i)
       && strstr(exe_u.err_c, "unknown option") )
  {
    const c3_c* hit_c = strstr(exe_u.err_c, "unknown option");
    while ( hit_c > exe_u.err_c && '\n' != hit_c[-1] ) {
      hit_c--;
    }
    _b_first_line(hit_c, why_c, why_z);
    h_rm(dir_c);
    return 1;
  }

  run_u->wal_d = exe_u.wal_d;
  run_u->mif_d = (double)exe_u.use_u.ru_minflt;
  run_u->cpu_d = (double)exe_u.use_u.ru_utime.tv_sec
                 + (double)exe_u.use_u.ru_utime.tv_usec / 1e6
                 + (double)exe_u.use_u.ru_stime.tv_sec
                 + (double)exe_u.use_u.ru_stime.tv_usec / 1e6;

  if ( !WIFEXITED(sat_i) || 0 != WEXITSTATUS(sat_i) || !strchr(exe_u.out_c, '{') ) {
    _b_status(sat_i, exe_u.tim_t, run_u->sta_c, sizeof(run_u->sta_c));
    fprintf(stderr, "policies: %s round %u: %s after %.1f s; urbit said:\n%s\n",
            lab_c, rou_w, run_u->sta_c, exe_u.wal_d,
            exe_u.err_c[0] ? _b_last_lines(exe_u.err_c) : "(nothing)");
    run_u->pek_d = (double)exe_u.use_u.ru_maxrss;
  }
  else {
    const c3_c* jon_c = strchr(exe_u.out_c, '{');
    double      mug_d = h_json(jon_c, "mug");

    run_u->ran_o = c3y;
    run_u->mug_w = isnan(mug_d) ? 0 : (c3_w)mug_d;
    run_u->eps_d = h_json(jon_c, "events_per_s");
    run_u->pek_d = h_json(jon_c, "rss_peak_kb");
    run_u->ano_d = h_json(jon_c, "anon_kb");
    run_u->fil_d = h_json(jon_c, "file_kb");
    run_u->shm_d = h_json(jon_c, "shmem_kb");
    run_u->com_d = h_json(jon_c, "commit_kb");
    run_u->swp_d = h_json(jon_c, "swap_kb");
    run_u->flt_d = h_json(jon_c, "faults");
    run_u->rel_d = h_json(jon_c, "released_pages");
    if ( isnan(run_u->pek_d) ) {
      run_u->pek_d = (double)exe_u.use_u.ru_maxrss;
    }
    if ( !isnan(h_json(jon_c, "bailed")) && h_json(jon_c, "bailed") > 0 ) {
      fprintf(stderr, "policies: %s round %u: %.0f events bailed\n",
              lab_c, rou_w, h_json(jon_c, "bailed"));
    }
  }
  if ( _(_b_O.tra_o) ) {
    struct stat sat_u;
    if ( 0 == stat(tra_c, &sat_u) ) {
      _b_trace(tra_c, lab_c, rou_w, csv_u, run_u);
    }
  }
  h_rm(dir_c);
  return 0;
}

  /** The report.
  **/

/* _b_med(): median over runs run_u[0..num_w) of the field at off_z. */
static double
_b_med(const _b_run* run_u, c3_w num_w, c3_z off_z)
{
  double val_d[64];
  c3_w   len_w = 0;

  for ( c3_w i_w = 0; i_w < num_w && len_w < 64; i_w++ ) {
    if ( _(run_u[i_w].ran_o) ) {
      val_d[len_w++] = *(const double*)((const c3_y*)&run_u[i_w] + off_z);
    }
  }
  return _b_median_nan(val_d, len_w);
}
#define _B_MED(run_u, num_w, fld) _b_med(run_u, num_w, offsetof(_b_run, fld))

/* _b_mib(): KiB as MiB in a column of wid_i, or "-". */
static void
_b_mib(double kib_d, c3_i wid_i)
{
  if ( isnan(kib_d) ) {
    printf(" %*s", wid_i, "-");
  }
  else {
    printf(" %*.0f", wid_i, kib_d / 1024);
  }
}

static void
_b_num(double val_d, c3_i wid_i, c3_i pre_i)
{
  if ( isnan(val_d) ) {
    printf(" %*s", wid_i, "-");
  }
  else {
    printf(" %*.*f", wid_i, pre_i, val_d);
  }
}

/* _b_row(): one table row: medians over the runs of a policy. */
static void
_b_row(const c3_c* nam_c, const _b_run* run_u, c3_w num_w, double def_d)
{
  double eps_d = _B_MED(run_u, num_w, eps_d);

  printf("%-12s", nam_c);
  _b_num(eps_d, 6, 1);
  _b_num(( def_d > 0 ) ? eps_d / def_d : NAN, 6, 3);
  _b_num(_B_MED(run_u, num_w, wal_d), 6, 1);
  _b_num(_B_MED(run_u, num_w, cpu_d), 5, 1);
  _b_mib(_B_MED(run_u, num_w, pek_d), 5);
  _b_mib(_B_MED(run_u, num_w, ste_d), 6);
  _b_mib(_B_MED(run_u, num_w, stn_d), 5);
  _b_num(_B_MED(run_u, num_w, liv_d), 8, 2);
  _b_mib(_B_MED(run_u, num_w, ano_d), 5);
  _b_mib(_B_MED(run_u, num_w, fil_d), 5);
  _b_mib(_B_MED(run_u, num_w, shm_d), 5);
  _b_mib(_B_MED(run_u, num_w, com_d), 6);
  _b_mib(_B_MED(run_u, num_w, swp_d), 5);
  _b_num(_B_MED(run_u, num_w, flt_d), 7, 0);
  _b_num(_B_MED(run_u, num_w, mif_d) / 1000, 6, 0);
  _b_num(_B_MED(run_u, num_w, rel_d), 8, 0);
  printf("\n");
}

/* _b_unfinished(): how far an unfinished run got, against the
** unconstrained wall time unc_d.
*/
static void
_b_unfinished(const _b_run* run_u, double unc_d)
{
  c3_w num_w = (c3_w)strtoul(_b_O.num_c, 0, 10);

  printf("did not finish: %s after %.1f s (unconstrained: %.1f s), %u of %u "
         "events traced", run_u->sta_c, run_u->wal_d, unc_d, run_u->sam_w,
         num_w);
  if ( run_u->sam_w && unc_d > 0 ) {
    printf(", on pace for ~%.0f x unconstrained time",
           run_u->wal_d * num_w / run_u->sam_w / unc_d);
  }
}

/* _b_progress(): one line per finished run, as the rounds go. */
static void
_b_progress(c3_w rou_w, const c3_c* nam_c, const _b_run* run_u)
{
  printf("  round %u %-11s %6.1f ev/s %6.1f s  peak %4.0f MiB", rou_w, nam_c,
         run_u->eps_d, run_u->wal_d, run_u->pek_d / 1024);
  if ( !isnan(run_u->ste_d) ) {
    printf("  steady %4.0f MiB", run_u->ste_d / 1024);
  }
  else if ( _(_b_O.tra_o) ) {
    printf("  (no trace samples)");
  }
  printf("  mug 0x%08x\n", run_u->mug_w);
  fflush(stdout);
}

/* _b_plot(): a PNG of RSS (and RSS net of LazyFree) over events, first
** round of each policy, drawn by gnuplot from the CSV.
*/
static c3_i
_b_plot(const c3_c* csv_c, const c3_c* png_c, const c3_c* nam_c)
{
  FILE* plo_u;

  if ( strchr(csv_c, '\'') || strchr(png_c, '\'') ) {
    fprintf(stderr, "policies: plot: quote in a path, skipped\n");
    return -1;
  }
  if ( !(plo_u = popen("gnuplot", "w")) ) {
    fprintf(stderr, "policies: popen gnuplot: %s\n", strerror(errno));
    return -1;
  }
  fprintf(plo_u,
    "set terminal pngcairo noenhanced size 1200,900 font ',10'\n"
    "set output '%s'\n"
    "set datafile separator ','\n"
    "set key outside right top\n"
    "set grid\n"
    "set xlabel 'event'\n"
    "pols = '%s'\n"
    "sel(p) = (strcol(1) eq p && column(2) == 1)\n"
    "n = words(pols)\n"
    "wid(i) = 1 + 0.9 * (n - i)\n"
    "set multiplot layout 2,1 title 'urbit -w %s --size %s -n %s --seed %s (round 1)'\n"
    "set ylabel 'RSS (MiB)'\n"
    "plot for [i=1:n] '%s' every ::1 "
    "using 3:(sel(word(pols,i)) ? column(4)/1024 : NaN) "
    "with lines lw wid(i) title word(pols,i), "
    "'%s' every ::1 using 3:(sel('default') ? column(10)/1024 : NaN) "
    "with lines dt 2 lw 2 lc 'black' title 'live heap'\n"
    "set ylabel 'RSS - LazyFree (MiB)'\n"
    "plot for [i=1:n] '%s' every ::1 "
    "using 3:(sel(word(pols,i)) ? (column(4)-column(5))/1024 : NaN) "
    "with lines lw wid(i) title word(pols,i), "
    "'%s' every ::1 using 3:(sel('default') ? column(10)/1024 : NaN) "
    "with lines dt 2 lw 2 lc 'black' title 'live heap'\n"
    "unset multiplot\n",
    png_c, nam_c, _b_O.wok_c, _b_O.siz_c, _b_O.num_c, _b_O.sed_c,
    csv_c, csv_c, csv_c, csv_c);

  c3_i sat_i = pclose(plo_u);
  if ( !WIFEXITED(sat_i) || 0 != WEXITSTATUS(sat_i) ) {
    fprintf(stderr, "policies: gnuplot failed\n");
    return -1;
  }
  return 0;
}

/* _b_which(): yes if nam_c is an executable on PATH. */
static c3_o
_b_which(const c3_c* nam_c)
{
  const c3_c* pat_c = getenv("PATH");
  c3_c        buf_c[4096];

  while ( pat_c && *pat_c ) {
    c3_z len_z = strcspn(pat_c, ":");
    snprintf(buf_c, sizeof(buf_c), "%.*s/%s", (c3_i)len_z, pat_c, nam_c);
    if ( len_z && 0 == access(buf_c, X_OK) ) {
      return c3y;
    }
    pat_c += len_z + ( ':' == pat_c[len_z] );
  }
  return c3n;
}

/* _b_find_urbit(): the binary: --urbit, $URBIT, build/gcc/urbit, or
** ../urbit beside this program.
*/
static const c3_c*
_b_find_urbit(const c3_c* arg_c)
{
  static c3_c exe_c[4096];

  if ( arg_c ) {
    return arg_c;
  }
  if ( getenv("URBIT") && *getenv("URBIT") ) {
    return getenv("URBIT");
  }
  if ( 0 == access("build/gcc/urbit", X_OK) ) {
    return "build/gcc/urbit";
  }
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

/* _b_out_path(): where an output file goes by default: $BENCH_DIR, else
** build/ under the current directory, else the current directory.
*/
static c3_c*
_b_out_path(const c3_c* nam_c)
{
  c3_c        buf_c[4096];
  const c3_c* dir_c = getenv("BENCH_DIR");
  struct stat sat_u;

  if ( !dir_c || !*dir_c ) {
    dir_c = ( 0 == stat("build", &sat_u) && S_ISDIR(sat_u.st_mode) ) ? "build" : ".";
  }
  snprintf(buf_c, sizeof(buf_c), "%s/%s", dir_c, nam_c);
  return strdup(buf_c);
}

static void
_b_usage(FILE* fil_u)
{
  fprintf(fil_u,
    "usage: policies [options]   run one workload under each memory policy\n"
    "  -w, --workload W   kv, churn, blob or mixed (default mixed)\n"
    "      --size MB      workload size (default 64)\n"
    "  -n, --events N     events per run (default 200)\n"
    "      --seed S       event seed (default 0)\n"
    "      --rounds R     interleaved rounds, medians over them (default 3)\n"
    "      --policies L   comma-separated subset of: default,free,dontneed,\n"
    "                     swap,swap+free,lazy (default all; default is\n"
    "                     always run, as the reference)\n"
    "      --cgroup[=DIV] also run --swap-file in a memory cgroup limited to\n"
    "                     1/DIV (default 1/16) of the swap-file run's peak RSS\n"
    "      --csv PATH     per-event samples (default $BENCH_DIR or build/,\n"
    "                     policies.csv)\n"
    "      --png PATH     RSS plot, if gnuplot is installed (default beside\n"
    "                     the CSV, policies.png)\n"
    "      --arg ARG      pass ARG to every urbit run (repeatable, up to 8),\n"
    "                     e.g. --arg=--loom-free-keep --arg=16\n"
    "      --urbit PATH   the binary (default $URBIT, build/gcc/urbit, or\n"
    "                     ../urbit beside this program)\n"
    "exit status: 1 if the runs reached different state mugs or on a usage\n"
    "error, else 0\n");
}

/* _b_pick(): select policies from a comma-separated list. */
static c3_i
_b_pick(const c3_c* lis_c)
{
  c3_c* dup_c = strdup(lis_c);
  c3_c* sav_c = 0;

  for ( c3_w i_w = 0; i_w < _B_POLS; i_w++ ) {
    _b_O.use_o[i_w] = ( 0 == i_w ) ? c3y : c3n;
  }
  for ( c3_c* tok_c = strtok_r(dup_c, ",", &sav_c); tok_c;
        tok_c = strtok_r(0, ",", &sav_c) )
  {
    c3_w i_w;
    for ( i_w = 0; i_w < _B_POLS; i_w++ ) {
      if ( !strcmp(tok_c, _b_pols[i_w].nam_c) ) {
        _b_O.use_o[i_w] = c3y;
        break;
      }
    }
    if ( _B_POLS == i_w ) {
      fprintf(stderr, "policies: unknown policy '%s'\n", tok_c);
      free(dup_c);
      return -1;
    }
  }
  free(dup_c);
  return 0;
}

/* _b_knows(): yes if `urbit --help` mentions fla_c. */
static c3_o
_b_knows(const c3_c* fla_c)
{
  static _b_exec exe_u;
  c3_c* argv_c[3] = { (c3_c*)_b_O.urb_c, "--help", 0 };

  if ( 0 > h_run_in(_b_tmp_c, argv_c, 0, 30, &exe_u) ) {
    return c3n;
  }
  return __(strstr(exe_u.out_c, fla_c) || strstr(exe_u.err_c, fla_c));
}

  /** The results, filled phase by phase.
  **/
static struct {
  _b_run run_u[_B_POLS][64];    //  each policy's rounds
  c3_o   gon_o[_B_POLS];        //  c3y: the policy is not available
  c3_c   why_c[_B_POLS][512];   //  why not, in urbit's words
  _b_run cgr_u;                 //  the cgroup run
  c3_o   cgd_o;                 //  the cgroup run happened
  c3_c   cgw_c[1024];           //  why it did not
  double cgl_d;                 //  its limit, bytes
  double cgp_d;                 //  the unconstrained swap run's wall s
  double cgm_d;                 //  the cgroup's peak charge, bytes
  double cgo_d;                 //  OOM kills in the cgroup
  double flo_d[5][64];          //  kernel floors per round, us per page
} _b_R;

  /** The kernel's floor for release, measured between rounds.
  **/
enum { _B_FL_FREE, _B_FL_DONT, _B_FL_ZERO, _B_FL_CUT, _B_FL_REM, _B_FLS };
static const c3_c* _b_fln_c[_B_FLS] = {
  "MADV_FREE + rewrite", "MADV_DONTNEED + refault",
  "zero range (blocks kept) + refault (shared file)",
  "truncate + fallocate + refault (shared file)",
  "MADV_REMOVE + fallocate + refault (shared file)"
};
#define _B_FL_PAGES 4096   //  64 MiB of 16 KiB pages

/* _b_touch(): write one word in each 4 KiB of len_z bytes at ptr_y. */
static void
_b_touch(c3_y* ptr_y, c3_z len_z)
{
  for ( c3_z i_z = 0; i_z < len_z; i_z += 4096 ) {
    ((volatile c3_w*)(ptr_y + i_z))[0] = (c3_w)i_z;
  }
}

/* _b_floor_anon(): us per 16 KiB page to give back resident anonymous
** memory with one madvise(adv_i) over the range and write it again.
*/
static double
_b_floor_anon(c3_i adv_i)
{
  c3_z   len_z = (c3_z)_B_FL_PAGES << 14;
  c3_y*  ptr_y = mmap(0, len_z, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  double t0_d;

  if ( MAP_FAILED == ptr_y ) {
    return NAN;
  }
  _b_touch(ptr_y, len_z);
  t0_d = h_now();
  if ( madvise(ptr_y, len_z, adv_i) ) {
    munmap(ptr_y, len_z);
    return NAN;
  }
  _b_touch(ptr_y, len_z);
  t0_d = h_now() - t0_d;
  munmap(ptr_y, len_z);
  return t0_d * 1e6 / _B_FL_PAGES;
}

/* _b_floor_file(): us per 16 KiB page to give back the written pages of
** a MAP_SHARED scratch file and write them again: way_w 0 zeroes the
** range (FALLOC_FL_ZERO_RANGE: pages dropped, blocks kept), 1 truncates
** the file there, 2 punches it (MADV_REMOVE); 1 and 2 then reserve the
** blocks again.
*/
static double
_b_floor_file(c3_w way_w)
{
  c3_z   len_z = (c3_z)_B_FL_PAGES << 14;
  c3_c   pat_c[4200];
  c3_i   fid_i;
  c3_y*  ptr_y;
  double t0_d = NAN;

  snprintf(pat_c, sizeof(pat_c), "%s/floor.bin", _b_tmp_c);
  if ( 0 > (fid_i = open(pat_c, O_RDWR | O_CREAT | O_TRUNC, 0600)) ) {
    return NAN;
  }
  unlink(pat_c);
  if ( fallocate(fid_i, 0, 0, (off_t)len_z) ) {
    close(fid_i);
    return NAN;
  }
  ptr_y = mmap(0, len_z, PROT_READ | PROT_WRITE, MAP_SHARED, fid_i, 0);
  if ( MAP_FAILED != ptr_y ) {
    _b_touch(ptr_y, len_z);
    t0_d = h_now();
    if ( (0 == way_w
          && fallocate(fid_i, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0,
                       (off_t)len_z))
         || (1 == way_w
             && (ftruncate(fid_i, 0) || ftruncate(fid_i, (off_t)len_z)))
         || (2 == way_w && madvise(ptr_y, len_z, MADV_REMOVE)) )
    {
      t0_d = NAN;
    }
    else if ( way_w && fallocate(fid_i, 0, 0, (off_t)len_z) ) {
      t0_d = NAN;
    }
    else {
      _b_touch(ptr_y, len_z);
      t0_d = (h_now() - t0_d) * 1e6 / _B_FL_PAGES;
    }
    munmap(ptr_y, len_z);
  }
  close(fid_i);
  return t0_d;
}

/* _b_floors(): the floors once, as round rou_w's. */
static void
_b_floors(c3_w rou_w)
{
  _b_R.flo_d[_B_FL_FREE][rou_w] = _b_floor_anon(MADV_FREE);
  _b_R.flo_d[_B_FL_DONT][rou_w] = _b_floor_anon(MADV_DONTNEED);
  _b_R.flo_d[_B_FL_ZERO][rou_w] = _b_floor_file(0);
  _b_R.flo_d[_B_FL_CUT][rou_w]  = _b_floor_file(1);
  _b_R.flo_d[_B_FL_REM][rou_w]  = _b_floor_file(2);
}

/* _b_option(): apply one option; -1 to go on, else the exit status. */
static c3_i
_b_option(c3_i opt_i, const c3_c** urb_c)
{
  c3_c* end_c;
  switch ( opt_i ) {
    case 'w': _b_O.wok_c = optarg; break;
    case 's':
      if ( strtoul(optarg, &end_c, 10) < 1 || *end_c ) {
        fprintf(stderr, "policies: --size: not a positive number: %s\n", optarg);
        return 1;
      }
      snprintf(_b_O.siz_c, sizeof(_b_O.siz_c), "%s", optarg);
      break;
    case 'n':
      if ( strtoul(optarg, &end_c, 10) < 1 || *end_c ) {
        fprintf(stderr, "policies: -n: not a positive number: %s\n", optarg);
        return 1;
      }
      snprintf(_b_O.num_c, sizeof(_b_O.num_c), "%s", optarg);
      break;
    case 'e':
      strtoull(optarg, &end_c, 10);
      if ( !*optarg || *end_c ) {
        fprintf(stderr, "policies: --seed: not a number: %s\n", optarg);
        return 1;
      }
      snprintf(_b_O.sed_c, sizeof(_b_O.sed_c), "%s", optarg);
      break;
    case 'r': {
      c3_w rou_w = (c3_w)strtoul(optarg, &end_c, 10);
      if ( rou_w < 1 || rou_w > 64 || *end_c ) {
        fprintf(stderr, "policies: --rounds: 1 to 64: %s\n", optarg);
        return 1;
      }
      _b_O.rou_w = rou_w;
      break;
    }
    case 'p':
      if ( _b_pick(optarg) ) {
        return 1;
      }
      break;
    case 'g':
      _b_O.cgr_o = c3y;
      if ( optarg ) {
        c3_w div_w = (c3_w)strtoul(optarg, &end_c, 10);
        if ( div_w < 1 || div_w > 1024 || *end_c ) {
          fprintf(stderr, "policies: --cgroup=DIV: 1 to 1024: %s\n", optarg);
          return 1;
        }
        _b_O.div_w = div_w;
      }
      break;
    case 'c': _b_O.csv_c = optarg; break;
    case 'i': _b_O.png_c = optarg; break;
    case 'u': *urb_c = optarg; break;
    case 'a':
      if ( _b_O.ext_w == sizeof(_b_O.ext_c) / sizeof(_b_O.ext_c[0]) ) {
        fprintf(stderr, "policies: --arg: at most 8\n");
        return 1;
      }
      _b_O.ext_c[_b_O.ext_w++] = optarg;
      break;
    case 'h': _b_usage(stdout); return 0;
    default:  _b_usage(stderr); return 1;
  }
  return -1;
}

/* _b_parse(): the command line into _b_O; -1 to go on, else the exit
** status.
*/
static c3_i
_b_parse(c3_i argc, c3_c** argv)
{
  static const struct option opt_u[] = {
    { "workload", required_argument, 0, 'w' },
    { "size",     required_argument, 0, 's' },
    { "events",   required_argument, 0, 'n' },
    { "seed",     required_argument, 0, 'e' },
    { "rounds",   required_argument, 0, 'r' },
    { "policies", required_argument, 0, 'p' },
    { "cgroup",   optional_argument, 0, 'g' },
    { "csv",      required_argument, 0, 'c' },
    { "png",      required_argument, 0, 'i' },
    { "urbit",    required_argument, 0, 'u' },
    { "arg",      required_argument, 0, 'a' },
    { "help",     no_argument,       0, 'h' },
    { 0, 0, 0, 0 }
  };
  const c3_c* urb_c = 0;
  c3_i        opt_i, ret_i;

  _b_O.wok_c = "mixed";
  snprintf(_b_O.siz_c, sizeof(_b_O.siz_c), "64");
  snprintf(_b_O.num_c, sizeof(_b_O.num_c), "200");
  snprintf(_b_O.sed_c, sizeof(_b_O.sed_c), "0");
  _b_O.rou_w = 3;
  _b_O.cgr_o = c3n;
  _b_O.div_w = 16;
  for ( c3_w i_w = 0; i_w < _B_POLS; i_w++ ) {
    _b_O.use_o[i_w] = c3y;
  }
  while ( -1 != (opt_i = getopt_long(argc, argv, "w:n:h", opt_u, 0)) ) {
    if ( -1 != (ret_i = _b_option(opt_i, &urb_c)) ) {
      return ret_i;
    }
  }
  if ( optind < argc ) {
    fprintf(stderr, "policies: unexpected argument '%s'\n", argv[optind]);
    _b_usage(stderr);
    return 1;
  }
  _b_O.urb_c = _b_find_urbit(urb_c);
  return -1;
}

/* _b_setup(): check the binary, choose the outputs, make the scratch
** directory, catch signals, open the CSV with its header; the CSV, or 0
** after saying why.
*/
static FILE*
_b_setup(void)
{
  if ( access(_b_O.urb_c, X_OK) ) {
    fprintf(stderr, "policies: urbit binary %s: %s (build it with make, or "
                    "set URBIT)\n", _b_O.urb_c, strerror(errno));
    return 0;
  }
  if ( !_b_O.csv_c ) {
    _b_O.csv_c = _b_out_path("policies.csv");
  }
  if ( !_b_O.png_c ) {
    c3_c buf_c[4096];
    c3_c* dup_c = strdup(_b_O.csv_c);
    snprintf(buf_c, sizeof(buf_c), "%s/policies.png", dirname(dup_c));
    free(dup_c);
    _b_O.png_c = strdup(buf_c);
  }

  const c3_c* tmp_c = getenv("TEST_TMPDIR");
  if ( !tmp_c || !*tmp_c ) {
    tmp_c = "/tmp";
  }
  snprintf(_b_tmp_c, sizeof(_b_tmp_c), "%s/policies-XXXXXX", tmp_c);
  if ( !mkdtemp(_b_tmp_c) ) {
    fprintf(stderr, "policies: mkdtemp %s: %s\n", _b_tmp_c, strerror(errno));
    return 0;
  }

  h_on_stop(_b_on_signal);
  signal(SIGPIPE, _b_on_signal);

  FILE* csv_u = fopen(_b_O.csv_c, "w");
  if ( !csv_u ) {
    fprintf(stderr, "policies: open %s: %s\n", _b_O.csv_c, strerror(errno));
    h_rm(_b_tmp_c);
    return 0;
  }
  h_csv_head(csv_u, "policy,round", _b_col_c, _B_COLS);
  return csv_u;
}

/* _b_banner(): what is about to run. */
static void
_b_banner(void)
{
  printf("policies: %s -w %s --size %s -n %s --seed %s, %u interleaved rounds\n",
         _b_O.urb_c, _b_O.wok_c, _b_O.siz_c, _b_O.num_c, _b_O.sed_c, _b_O.rou_w);
  if ( _b_O.ext_w ) {
    printf("  every run also gets:");
    for ( c3_w i_w = 0; i_w < _b_O.ext_w; i_w++ ) {
      printf(" %s", _b_O.ext_c[i_w]);
    }
    printf("\n");
  }
  for ( c3_w i_w = 0; i_w < _B_POLS; i_w++ ) {
    if ( _(_b_O.use_o[i_w]) ) {
      printf("  %-10s", _b_pols[i_w].nam_c);
      if ( !_b_pols[i_w].arg_c[0] ) {
        printf(" (no flag)");
      }
      for ( c3_w j_w = 0; j_w < _B_ARGS && _b_pols[i_w].arg_c[j_w]; j_w++ ) {
        printf(" %s", strcmp(_b_pols[i_w].arg_c[j_w], _B_SWAP)
                      ? _b_pols[i_w].arg_c[j_w] : "F");
      }
      printf("\n");
    }
  }
  printf("  scratch: %s (removed afterwards)\n", _b_tmp_c);
  if ( c3n == _b_O.tra_o ) {
    printf("  urbit has no --trace: no per-event samples, steady RSS or plot\n");
  }
  fflush(stdout);
}

/* _b_rounds(): the rounds, interleaved, each starting one policy later. */
static void
_b_rounds(FILE* csv_u)
{
  for ( c3_w i_w = 0; i_w < _B_POLS; i_w++ ) {
    _b_R.gon_o[i_w] = c3n;
  }
  for ( c3_w rou_w = 0; rou_w < _b_O.rou_w && !_b_stop_i; rou_w++ ) {
    for ( c3_w j_w = 0; j_w < _B_POLS && !_b_stop_i; j_w++ ) {
      c3_w pol_w = (rou_w + j_w) % _B_POLS;
      _b_run* one_u = &_b_R.run_u[pol_w][rou_w];

      memset(one_u, 0, sizeof(*one_u));
      one_u->ran_o = c3n;
      if ( c3n == _b_O.use_o[pol_w] || _(_b_R.gon_o[pol_w]) ) {
        continue;
      }
      if ( _b_run_one(pol_w, rou_w + 1, _b_pols[pol_w].nam_c, 0, 0, csv_u,
                      one_u, _b_R.why_c[pol_w], sizeof(_b_R.why_c[pol_w])) )
      {
        _b_R.gon_o[pol_w] = c3y;
        printf("policy %s: not available (urbit says: %s)\n",
               _b_pols[pol_w].nam_c, _b_R.why_c[pol_w]);
        fflush(stdout);
        continue;
      }
      if ( _(one_u->ran_o) ) {
        _b_progress(rou_w + 1, _b_pols[pol_w].nam_c, one_u);
      }
    }
    if ( !_b_stop_i ) {
      _b_floors(rou_w);
    }
  }
}

/* _b_cgroup_run(): --swap-file in a memory cgroup at 1/DIV of its
** unconstrained peak, with the cgroup's own figures.
*/
static void
_b_cgroup_run(FILE* csv_u)
{
  _b_run* swp_u = _b_R.run_u[_B_SWAP_POL];
  double  pek_d = _B_MED(swp_u, _b_O.rou_w, pek_d);
  double  wal_d = _B_MED(swp_u, _b_O.rou_w, wal_d);
  h_cg    grp_u;

  _b_R.cgl_d = _b_R.cgp_d = _b_R.cgm_d = _b_R.cgo_d = NAN;
  memset(&_b_R.cgr_u, 0, sizeof(_b_R.cgr_u));
  _b_R.cgr_u.ran_o = c3n;
  _b_R.cgd_o = c3n;
  if ( c3n == _b_O.cgr_o || _b_stop_i ) {
    return;
  }
  if ( c3n == _b_O.use_o[_B_SWAP_POL] ) {
    snprintf(_b_R.cgw_c, sizeof(_b_R.cgw_c), "the swap policy was not selected");
    return;
  }
  if ( _(_b_R.gon_o[_B_SWAP_POL]) || isnan(pek_d) ) {
    snprintf(_b_R.cgw_c, sizeof(_b_R.cgw_c), "no unconstrained --swap-file run to "
             "compare with");
    return;
  }
  _b_R.cgl_d = ceil(pek_d * 1024 / _b_O.div_w / 4096) * 4096;
  if ( !h_cg_make(&grp_u, (c3_d)_b_R.cgl_d, _b_R.cgw_c, sizeof(_b_R.cgw_c)) ) {
    return;   //  the reason is in cgw_c
  }

  double dal_d = c3_max(60.0, 10 * wal_d);
  printf("cgroup: %s, limit %.1f MiB (1/%u of the swap-file run's "
         "peak RSS %.0f MiB); stopped after %.0f s if not done\n",
         grp_u.dir_c, _b_R.cgl_d / 1048576, _b_O.div_w, pek_d / 1024, dal_d);
  fflush(stdout);
  _b_run_one(_B_SWAP_POL, 1, "swap@cgroup", grp_u.dir_c, dal_d, csv_u,
             &_b_R.cgr_u, _b_R.cgw_c, sizeof(_b_R.cgw_c));
  _b_R.cgd_o = c3y;
  if ( _(_b_R.cgr_u.ran_o) ) {
    _b_progress(1, "swap@cgroup", &_b_R.cgr_u);
  }
  c3_d cgm_d = h_cg_peak(&grp_u);
  _b_R.cgm_d = ( ~0ULL == cgm_d ) ? NAN : (double)cgm_d;
  _b_R.cgo_d = (double)h_cg_ooms(&grp_u);
  _b_R.cgp_d = wal_d;
  h_cg_drop(&grp_u);
}

/* _b_table(): medians per policy, with ratios to the default. */
static void
_b_table(double def_d)
{
  printf("\nmedians of %u rounds; memory in MiB; steady = median over the "
         "last half of events; net = minus LazyFree; live = live heap\n",
         _b_O.rou_w);
  printf("%-12s %6s %6s %6s %5s %5s %6s %5s %8s %5s %5s %5s %6s %5s %7s %6s %8s\n",
         "policy", "ev/s", "ratio", "wall s", "cpu s", "peak", "steady", "net",
         "net/live", "anon", "file", "shmem", "commit", "swap", "faults",
         "minflt", "released");
  printf("%-12s %6s %6s %6s %5s %5s %6s %5s %8s %5s %5s %5s %6s %5s %7s %6s %8s\n",
         "", "", "", "", "", "", "", "", "", "(at", "exit)", "", "", "",
         "(loom)", "(k)", "(pages)");
  for ( c3_w i_w = 0; i_w < _B_POLS; i_w++ ) {
    if ( c3n == _b_O.use_o[i_w] ) {
      continue;
    }
    if ( _(_b_R.gon_o[i_w]) ) {
      printf("%-12s not available\n", _b_pols[i_w].nam_c);
      continue;
    }
    _b_row(_b_pols[i_w].nam_c, _b_R.run_u[i_w], _b_O.rou_w, def_d);
  }
  if ( _(_b_R.cgd_o) ) {
    _b_row("swap@cgroup", &_b_R.cgr_u, 1, def_d);
  }
}

/* _b_goal_free(): the goals for release after every event. */
static void
_b_goal_free(double def_d)
{
  _b_run* run_u = _b_R.run_u[0];
  _b_run* fre_u = _b_R.run_u[1];
  double  fre_d = _B_MED(fre_u, _b_O.rou_w, eps_d);
  double  don_d = _B_MED(_b_R.run_u[2], _b_O.rou_w, eps_d);

  if ( c3n == _b_O.use_o[1] || _(_b_R.gon_o[1]) || isnan(fre_d) || isnan(def_d) ) {
    printf("free-every-event costs ? of events/s (goal <= 3%%): no free run\n");
  }
  else {
    double cos_d = 100 * (1 - fre_d / def_d);
    double cpf_d = _B_MED(fre_u, _b_O.rou_w, cpu_d);
    double cpd_d = _B_MED(run_u, _b_O.rou_w, cpu_d);
    printf("free-every-event costs %.1f%% of events/s (goal <= 3%%): %s",
           cos_d, ( cos_d <= 3 ) ? "met" : "not met");
    if ( cpd_d > 0 && !isnan(cpf_d) ) {
      printf("; its CPU time is %+.1f%% of default's", 100 * (cpf_d / cpd_d - 1));
    }
    if ( !isnan(don_d) ) {
      printf("; dontneed mode costs %.1f%%", 100 * (1 - don_d / def_d));
    }
    printf("\n");
  }

  double rat_d = _B_MED(fre_u, _b_O.rou_w, liv_d);
  if ( isnan(rat_d) ) {
    printf("steady RSS / live heap = ? (goal <= 1.10): no free run with "
           "a trace\n");
  }
  else {
    printf("steady RSS / live heap = %.2f (goal <= 1.10): %s "
           "(free policy, RSS net of LazyFree; default policy: %.2f)\n",
           rat_d, ( rat_d <= 1.10 ) ? "met" : "not met",
           _B_MED(run_u, _b_O.rou_w, liv_d));
  }
}

/* _b_evs(): run run_u's event time, seconds: new events over events/s. */
static double
_b_evs(const _b_run* run_u)
{
  double num_d = strtod(_b_O.num_c, 0);

  if ( c3n == run_u->ran_o || !(run_u->eps_d > 0) ) {
    return NAN;
  }
  return num_d / run_u->eps_d;
}

/* _b_cost(): policy pol_w's cost per released page against base bas_w,
** us, median over the rounds both finished; NAN without any.
*/
static double
_b_cost(c3_w pol_w, c3_w bas_w, double* pag_d)
{
  double val_d[64], num_d[64];
  c3_w   len_w = 0;

  for ( c3_w r_w = 0; r_w < _b_O.rou_w && r_w < 64; r_w++ ) {
    const _b_run* rel_u = &_b_R.run_u[pol_w][r_w];
    const _b_run* bas_u = &_b_R.run_u[bas_w][r_w];
    double        tim_d = _b_evs(rel_u) - _b_evs(bas_u);
    double        dif_d = rel_u->rel_d - bas_u->rel_d;

    if ( !isnan(tim_d) && dif_d > 0 ) {
      num_d[len_w] = dif_d;
      val_d[len_w++] = tim_d * 1e6 / dif_d;
    }
  }
  *pag_d = _b_median_nan(num_d, len_w);
  return _b_median_nan(val_d, len_w);
}

/* _b_release(): release per page against the kernel's floor, and the
** ratios the goals are stated in.
*/
static void
_b_release(void)
{
  static const struct { c3_w pol_w, bas_w, flo_w; } cmp_u[] = {
    { 1, 0, _B_FL_FREE }, { 2, 0, _B_FL_DONT }, { 4, _B_SWAP_POL, _B_FL_ZERO },
  };
  double flo_d[_B_FLS];

  printf("\nrelease per page: (event time - the base policy's) / (released "
         "pages - the base's), median of rounds; floor: the kernel's price "
         "measured between the rounds (64 MiB, one call over the range)\n");
  for ( c3_w f_w = 0; f_w < _B_FLS; f_w++ ) {
    double tmp_d[64];
    memcpy(tmp_d, _b_R.flo_d[f_w], sizeof(tmp_d));
    flo_d[f_w] = _b_median_nan(tmp_d, c3_min(_b_O.rou_w, 64));
    printf("  floor: %-48s %8.2f us/page\n", _b_fln_c[f_w], flo_d[f_w]);
  }
  printf("%-10s %-8s %10s %10s %10s %8s %10s %10s\n", "policy", "base",
         "pages", "us/page", "floor", "ratio", "ev/s ratio", "at floor");
  for ( c3_w i_w = 0; i_w < sizeof(cmp_u) / sizeof(cmp_u[0]); i_w++ ) {
    c3_w   pol_w = cmp_u[i_w].pol_w, bas_w = cmp_u[i_w].bas_w;
    double pag_d, cos_d, eps_d, bep_d, cei_d;

    if ( c3n == _b_O.use_o[pol_w] || c3n == _b_O.use_o[bas_w]
         || _(_b_R.gon_o[pol_w]) || _(_b_R.gon_o[bas_w]) )
    {
      continue;
    }
    cos_d = _b_cost(pol_w, bas_w, &pag_d);
    eps_d = _B_MED(_b_R.run_u[pol_w], _b_O.rou_w, eps_d);
    bep_d = _B_MED(_b_R.run_u[bas_w], _b_O.rou_w, eps_d);
    //  the best ratio release could reach paying the floor per page: the
    //  base's event time (events over its median events/s) against it
    //  plus the released pages at the floor
    cei_d = strtod(_b_O.num_c, 0) / bep_d;
    cei_d = cei_d / (cei_d + pag_d * flo_d[cmp_u[i_w].flo_w] / 1e6);
    printf("%-10s %-8s %10.0f %10.2f %10.2f %8.2f %10.3f %10.3f\n",
           _b_pols[pol_w].nam_c, _b_pols[bas_w].nam_c, pag_d, cos_d,
           flo_d[cmp_u[i_w].flo_w], cos_d / flo_d[cmp_u[i_w].flo_w],
           eps_d / bep_d, cei_d);
  }
  printf("at floor: the ev/s ratio if every released page cost the floor "
         "and nothing else (the base's event time against it plus the "
         "pages at the floor)\n");
  printf("goals: us/page <= 1.5 x floor; free >= 0.97 x default on kv, "
         ">= 0.90 on mixed; swap+free >= 0.90 x swap\n");
}

/* _b_goal_cgroup(): the goal for the cgroup run (stated at 1/16). */
static void
_b_goal_cgroup(void)
{
  const _b_run* cgr_u = &_b_R.cgr_u;
  double        cgp_d = _b_R.cgp_d;
  double        cgl_d = _b_R.cgl_d;

  if ( c3n == _b_O.cgr_o ) {
    printf("cgroup run at 1/16 of the working set: not run (pass --cgroup)\n");
  }
  else if ( 16 != _b_O.div_w ) {
    printf("cgroup run at 1/%u of the working set: ", _b_O.div_w);
    if ( c3n == _b_R.cgd_o ) {
      printf("skipped: %s\n", _b_R.cgw_c);
    }
    else if ( c3n == cgr_u->ran_o ) {
      _b_unfinished(cgr_u, cgp_d);
      printf("\n");
    }
    else {
      printf("%.2f x unconstrained time (%.1f s against %.1f s; limit %.1f "
             "MiB); the goal is stated at 1/16\n", cgr_u->wal_d / cgp_d,
             cgr_u->wal_d, cgp_d, cgl_d / 1048576);
    }
  }
  else if ( c3n == _b_R.cgd_o ) {
    printf("cgroup run at 1/16 of the working set: skipped: %s\n", _b_R.cgw_c);
  }
  else if ( c3n == cgr_u->ran_o ) {
    printf("cgroup run at 1/16 of the working set: ");
    _b_unfinished(cgr_u, cgp_d);
    printf(" (goal <= 3): not met; limit %.1f MiB, cgroup peak %.1f MiB, "
           "oom kills %.0f\n", cgl_d / 1048576, _b_R.cgm_d / 1048576, _b_R.cgo_d);
  }
  else {
    double rat_d = cgr_u->wal_d / cgp_d;
    printf("cgroup run at 1/16 of the working set: %.2f x unconstrained time "
           "(goal <= 3): %s (%.1f s against %.1f s; limit %.1f MiB, cgroup "
           "peak %.1f MiB)\n",
           rat_d, ( rat_d <= 3 ) ? "met" : "not met", cgr_u->wal_d, cgp_d,
           cgl_d / 1048576, _b_R.cgm_d / 1048576);
  }
}

/* _b_nth(): run r_w of policy i_w, where i_w == _B_POLS is the cgroup run
** (one round); 0 past the last round.
*/
static _b_run*
_b_nth(c3_w i_w, c3_w r_w)
{
  if ( i_w < _B_POLS ) {
    return ( r_w < _b_O.rou_w ) ? &_b_R.run_u[i_w][r_w] : 0;
  }
  return ( 0 == r_w ) ? &_b_R.cgr_u : 0;
}

/* _b_mugs(): the mug check: c3y if every finished run reached the same
** state; says so, or lists them.
*/
static c3_o
_b_mugs(void)
{
  c3_o mug_o = c3y;
  c3_w mug_w = 0, fin_w = 0;
  _b_run* one_u;

  for ( c3_w i_w = 0; i_w <= _B_POLS; i_w++ ) {
    for ( c3_w r_w = 0; (one_u = _b_nth(i_w, r_w)); r_w++ ) {
      if ( c3n == one_u->ran_o ) {
        continue;
      }
      if ( fin_w++ == 0 ) {
        mug_w = one_u->mug_w;
      }
      else if ( one_u->mug_w != mug_w ) {
        mug_o = c3n;
      }
    }
  }
  if ( _(mug_o) ) {
    printf("mug: all %u finished runs reached 0x%08x\n", fin_w, mug_w);
    return c3y;
  }
  printf("mug: MISMATCH: the runs reached different states:\n");
  for ( c3_w i_w = 0; i_w <= _B_POLS; i_w++ ) {
    for ( c3_w r_w = 0; (one_u = _b_nth(i_w, r_w)); r_w++ ) {
      if ( _(one_u->ran_o) ) {
        printf("  %-12s round %u: 0x%08x\n",
               ( i_w < _B_POLS ) ? _b_pols[i_w].nam_c : "swap@cgroup",
               r_w + 1, one_u->mug_w);
      }
    }
  }
  return c3n;
}

/* _b_outputs(): where the samples went, and the plot. */
static void
_b_outputs(void)
{
  printf("per-event samples: %s (%llu rows)\n", _b_O.csv_c,
         (unsigned long long)_b_sam_d);
  if ( c3n == _b_O.tra_o || 0 == _b_sam_d ) {
    printf("plot: none (no per-event samples%s)\n",
           _(_b_O.tra_o) ? "" : ": urbit has no --trace");
  }
  else if ( c3n == _b_which("gnuplot") ) {
    printf("plot: none (gnuplot is not installed)\n");
  }
  else {
    c3_c nam_c[256] = "";
    for ( c3_w i_w = 0; i_w < _B_POLS; i_w++ ) {
      if ( _(_b_O.use_o[i_w]) && c3n == _b_R.gon_o[i_w] ) {
        strcat(nam_c, _b_pols[i_w].nam_c);
        strcat(nam_c, " ");
      }
    }
    if ( _(_b_R.cgd_o) ) {
      strcat(nam_c, "swap@cgroup");
    }
    if ( 0 == _b_plot(_b_O.csv_c, _b_O.png_c, nam_c) ) {
      printf("plot: %s\n", _b_O.png_c);
    }
  }
}

int
main(int argc, char** argv)
{
  c3_i ret_i = _b_parse(argc, argv);
  if ( -1 != ret_i ) {
    return ret_i;
  }
  FILE* csv_u = _b_setup();
  if ( !csv_u ) {
    return 1;
  }
  _b_O.tra_o = _b_knows("--trace");
  _b_banner();

  _b_rounds(csv_u);
  _b_cgroup_run(csv_u);
  fclose(csv_u);
  h_rm(_b_tmp_c);
  if ( _b_stop_i ) {
    fprintf(stderr, "policies: stopped by signal %d\n", (c3_i)_b_stop_i);
    return 130;
  }

  double def_d = _B_MED(_b_R.run_u[0], _b_O.rou_w, eps_d);
  _b_table(def_d);
  printf("\n");
  _b_goal_free(def_d);
  _b_release();
  _b_goal_cgroup();
  c3_o mug_o = _b_mugs();
  _b_outputs();
  return _(mug_o) ? 0 : 1;
}
