/// @file loom_swap_tests.c
/// The memory policies end to end: `--swap-file`, `--loom-free-every-event`
/// and `--loom-lazy`, run as child processes of $URBIT under memory cgroups,
/// file-size limits, dropped capabilities and SIGKILL, judged by the runs'
/// --json summaries, their --trace CSVs and the kernel's own accounting
/// (cgroup counters, /proc/PID/smaps of a stopped child).  The scenarios,
/// each named in its messages and on the command line:
///
///   kubernetes   a 64 MiB memory cgroup; a churn workload of 512 MiB per
///                event completes with the swap file, with the mug of an
///                unconstrained run, and is OOM-killed without it;
///   rss-bound    release after every event bounds RSS (net of LazyFree)
///                to the heap plus the kept margin plus the runtime's own
///                memory, where without it RSS stays at the high-water mark;
///   reclaim      MADV_FREE'd pages are taken back by a cgroup's reclaim,
///                where unreleased pages are not;
///   swap-blocks  released swap-file pages leave memory at once; their
///                disk blocks are kept only for what recent events used
///                (never more than a run without release holds), and
///                given back beyond that;
///   full-disk    no room for the scratch file: RLIMIT_FSIZE from the start
///                ends the run cleanly ("full-disk fsize"); a real
///                filesystem filled in the middle of a run (a loop-mounted
///                ext4, "full-disk ext4") makes the events that need new
///                blocks bail (events alike run on the blocks held for
///                reuse), loses nothing, and the following events succeed
///                once space returns;
///   refusals     a tmpfs swap path, a missing directory and a denied one
///                are refused with clear messages before any event runs;
///   lazy         `--loom-lazy` on a 16 GiB loom costs almost no commit
///                charge, and the charge grows with the pages written;
///   crash        SIGKILL during swap-file runs, then restart: same state;
///   combined     every flag at once gives the default policy's state;
///   maps         the map count stays bounded over a long run.
///
/// kubernetes and reclaim need a memory cgroup they can create (root, a
/// memory controller, a writable cgroupfs), full-disk ext4 a loop mount
/// (root).  Where a part cannot run, the rest still runs and the program
/// ends with t_skip() naming what was missing: never a silent pass.
/// `loom_swap_tests NAME` runs one scenario by the name above.  Processes,
/// cgroups, JSON fields and traces go through the shared tests/harness.h.
///
/// Memory figures are invariants of the policies, not timings: every bound
/// is derived from sizes (MiB built per event, kept pages, the home heap)
/// or measured within this run (the runtime's own non-loom memory).
/// Under AddressSanitizer ($URBIT under a ".../asan..." build directory)
/// most workloads are halved (see _t_scale_w) to keep the program within a
/// few minutes; the properties checked are the same.  The sanitizer's
/// own memory outside the loom is larger too, so under it kubernetes runs
/// 256 MiB per event in a 96 MiB pod and rss-bound allows 2 MiB more for
/// what differs between two runs outside the loom.
#include <errno.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "harness.h"

static const c3_c* _t_urbit_c;        //  the binary under test
static c3_c        _t_tmp_c[1000];    //  this program's scratch directory
static c3_w        _t_scale_w = 1;    //  workload divisor (asan: 2)

//  what to undo if this program is killed (the harness's timeout sends
//  SIGTERM): the running child (h_kid_i), a mounted filesystem, a cgroup
//  (h_cg_live_c)
static c3_c           _t_mnt_c[1100];

/* _t_on_term(): on SIGTERM or SIGINT, undo what is outside the scratch
**   dir, then die of the signal (async-signal-safe calls only).
*/
static void
_t_on_term(c3_i sig_i)
{
  pid_t kid_i = h_kid_i;
  if ( kid_i > 0 && 0 == waitpid(kid_i, 0, WNOHANG) ) {
    kill(kid_i, SIGKILL);
    waitpid(kid_i, 0, 0);
  }
  if ( _t_mnt_c[0] ) {
    umount2(_t_mnt_c, MNT_DETACH);
  }
  if ( h_cg_live_c[0] ) {
    rmdir(h_cg_live_c);
  }
  signal(sig_i, SIG_DFL);
  raise(sig_i);
}

static c3_c _t_skp_c[4800];   //  parts that could not run here, and why

/* _t_skipped(): note a part that could not run (reported by t_skip). */
static void
_t_skipped(const c3_c* wha_c, const c3_c* why_c)
{
  c3_z len_z = strlen(_t_skp_c);
  printf("SKIP %s: %s\n", wha_c, why_c);
  snprintf(_t_skp_c + len_z, sizeof(_t_skp_c) - len_z, "%s%s needs %s",
           len_z ? "; " : "", wha_c, why_c);
}

  /** Running urbit (through the shared harness).
  **/

/* _t_args: an argument vector under construction (owned strings). */
typedef struct {
  c3_w  num_w;
  c3_c* arg_c[64];
} _t_args;

/* _t_how: what the child sets up between fork and exec, and its time. */
typedef struct {
  const c3_c* cgp_c;   //  cgroup directory to join, or 0
  c3_d        fsz_d;   //  RLIMIT_FSIZE in bytes, or 0 for none
  c3_t        dac_t;   //  drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
  const c3_c* env_c;   //  one NAME=value for the environment, or 0
  c3_w        tim_w;   //  seconds before the run is killed; 0: 300
} _t_how;

static h_run _t_r;     //  the last run's result

/* _t_new(): start an argument vector with the binary. */
static void
_t_new(_t_args* arg_u)
{
  memset(arg_u, 0, sizeof(*arg_u));
  arg_u->arg_c[arg_u->num_w++] = strdup(_t_urbit_c);
}

/* _t_add(): append arguments (NULL-terminated). */
static void
_t_add(_t_args* arg_u, ...)
{
  va_list     ap;
  const c3_c* str_c;
  va_start(ap, arg_u);
  while ( (str_c = va_arg(ap, const c3_c*)) ) {
    if ( arg_u->num_w < 63 ) {
      arg_u->arg_c[arg_u->num_w++] = strdup(str_c);
    }
  }
  va_end(ap);
}

/* _t_addf(): append one formatted argument. */
static void __attribute__((format(printf, 2, 3)))
_t_addf(_t_args* arg_u, const c3_c* fmt_c, ...)
{
  c3_c    buf_c[4096];
  va_list ap;
  va_start(ap, fmt_c);
  vsnprintf(buf_c, sizeof(buf_c), fmt_c, ap);
  va_end(ap);
  if ( arg_u->num_w < 63 ) {
    arg_u->arg_c[arg_u->num_w++] = strdup(buf_c);
  }
}

/* _t_free(): release an argument vector. */
static void
_t_free(_t_args* arg_u)
{
  for ( c3_w i_w = 0; i_w < arg_u->num_w; i_w++ ) {
    free(arg_u->arg_c[i_w]);
  }
  arg_u->num_w = 0;
}

/* _t_spawn(): start urbit as how_u says, stdout and stderr into files in
**   the scratch dir; the child's pid.
*/
static pid_t
_t_spawn(_t_args* arg_u, const _t_how* how_u)
{
  c3_c  out_c[2200], err_c[2200];
  h_how hah_u = { .out_c = out_c, .err_c = err_c, .cgp_c = how_u->cgp_c,
                  .fsz_d = how_u->fsz_d, .dac_t = how_u->dac_t,
                  .env_c = how_u->env_c };
  h_join(out_c, sizeof(out_c), _t_tmp_c, "run.out");
  h_join(err_c, sizeof(err_c), _t_tmp_c, "run.err");
  arg_u->arg_c[arg_u->num_w] = 0;
  return h_spawn(arg_u->arg_c, &hah_u);
}

/* _t_collect(): fill _t_r from a wait status and the output files. */
static c3_i
_t_collect(c3_i sat_i, c3_t tim_t)
{
  c3_c pat_c[2200];
  memset(&_t_r, 0, sizeof(_t_r));
  h_join(pat_c, sizeof(pat_c), _t_tmp_c, "run.out");
  h_slurp(pat_c, _t_r.out_c, sizeof(_t_r.out_c));
  h_join(pat_c, sizeof(pat_c), _t_tmp_c, "run.err");
  h_slurp(pat_c, _t_r.err_c, sizeof(_t_r.err_c));
  _t_r.sat_i = sat_i;
  _t_r.tim_t = tim_t;
  _t_r.ret_i = h_status(sat_i);
  return _t_r.ret_i;
}

/* _t_reap(): wait for pid (killing it after tim_w seconds); fill _t_r. */
static c3_i
_t_reap(pid_t pid, c3_w tim_w)
{
  c3_t tim_t;
  c3_i sat_i = h_reap(pid, tim_w ? tim_w : 300, &tim_t, 0);
  return _t_collect(sat_i, tim_t);
}

/* _t_run(): run urbit to the end; the exit status (also in _t_r).  Frees
**   the argument vector.
*/
static c3_i
_t_run(_t_args* arg_u, const _t_how* how_u)
{
  static const _t_how non_u;
  pid_t pid = _t_spawn(arg_u, how_u ? how_u : &non_u);
  c3_i  ret_i = _t_reap(pid, how_u ? how_u->tim_w : 0);
  if ( _t_r.tim_t ) {
    fprintf(stderr, "test: killed after %u s: %s ...\n",
            (how_u && how_u->tim_w) ? how_u->tim_w : 300,
            arg_u->num_w > 1 ? arg_u->arg_c[1] : "");
  }
  _t_free(arg_u);
  return ret_i;
}

/* _t_json(): a numeric field of the last run's JSON summary, or ~0. */
static c3_d
_t_json(const c3_c* key_c)
{
  return h_json_d(_t_r.out_c, key_c);
}

/* _t_path(): a path in the scratch dir. */
static void
_t_path(c3_c* pat_c, c3_z len_z, const c3_c* nam_c)
{
  h_join(pat_c, len_z, _t_tmp_c, nam_c);
}

/* _t_base(): the start of a run: -q --json, a workload and its size. */
static void
_t_base(_t_args* arg_u, const c3_c* wok_c, c3_w siz_w, c3_w num_w)
{
  _t_new(arg_u);
  _t_add(arg_u, "-q", "--json", "-w", wok_c, (c3_c*)0);
  _t_addf(arg_u, "--size");
  _t_addf(arg_u, "%u", siz_w);
  _t_addf(arg_u, "-n");
  _t_addf(arg_u, "%u", num_w);
}

/* _t_mug_fresh(): the mug of n events of a workload on a fresh pier with
**   the default policy, or ~0.
*/
static c3_d
_t_mug_fresh(const c3_c* nam_c, const c3_c* bit_c, const c3_c* wok_c,
             c3_w siz_w, c3_w num_w)
{
  c3_c    pir_c[2200];
  _t_args arg_u;
  _t_path(pir_c, sizeof(pir_c), nam_c);
  h_rm(pir_c);
  _t_base(&arg_u, wok_c, siz_w, num_w);
  _t_add(&arg_u, "--loom", bit_c, pir_c, (c3_c*)0);
  c3_i ret_i = _t_run(&arg_u, 0);
  T_OK(0 == ret_i, "reference %s exits 0 (%d): %s", nam_c, ret_i, _t_r.err_c);
  T_EQ(_t_json("event"), num_w);
  h_rm(pir_c);
  return ( 0 == ret_i ) ? _t_json("mug") : ~0ULL;
}

  /** Traces: the CSV --trace writes, one row per event.
  **/

static h_csv _t_tra_u;   //  the last trace read

/* _t_trace_read(): read a trace file into _t_tra_u; 1 if it had a header
**   naming every column the contract lists.
*/
static c3_t
_t_trace_read(const c3_c* pat_c)
{
  static const c3_c* nee_c[] = { "event", "rss_kb", "lazyfree_kb", "anon_kb",
                                 "file_kb", "shmem_kb", "heap_kb", "live_kb",
                                 "swap_kb", "released_pages" };

  h_csv_free(&_t_tra_u);
  if ( !h_csv_read(pat_c, &_t_tra_u) ) {
    return 0;
  }
  for ( c3_w i_w = 0; i_w < sizeof(nee_c) / sizeof(nee_c[0]); i_w++ ) {
    if ( h_csv_col(&_t_tra_u, nee_c[i_w]) < 0 ) {
      fprintf(stderr, "test: trace %s lacks column %s\n", pat_c, nee_c[i_w]);
      return 0;
    }
  }
  return 1;
}

/* _t_tv(): a value of the last trace's row, by column name, or ~0. */
static c3_d
_t_tv(c3_w row_w, const c3_c* nam_c)
{
  double val_d = h_csv_get(&_t_tra_u, row_w, nam_c);
  return isnan(val_d) ? ~0ULL : (c3_d)val_d;
}

/* _t_lines(): complete lines in a file so far. */
static c3_w
_t_lines(const c3_c* pat_c)
{
  static c3_c buf_c[1 << 20];
  ssize_t     len_i = h_slurp(pat_c, buf_c, sizeof(buf_c));
  c3_w        num_w = 0;
  for ( ssize_t i_i = 0; i_i < len_i; i_i++ ) {
    num_w += ( '\n' == buf_c[i_i] );
  }
  return num_w;
}

/* _t_stop_after(): wait until pid's trace holds event eve_w (its line is
**   written after the event and its release), then stop pid with SIGSTOP;
**   1 if it is stopped, 0 if it ended (reaped into _t_r) or timed out.
*/
static c3_t
_t_stop_after(pid_t pid, const c3_c* tra_c, c3_w eve_w, c3_w tim_w)
{
  double dea_f = h_now() + tim_w;
  while ( h_now() < dea_f ) {
    if ( _t_lines(tra_c) >= eve_w + 1 ) {
      c3_i sat_i;
      kill(pid, SIGSTOP);
      if ( pid == waitpid(pid, &sat_i, WUNTRACED) && WIFSTOPPED(sat_i) ) {
        return 1;
      }
      return 0;
    }
    c3_i sat_i;
    if ( pid == waitpid(pid, &sat_i, WNOHANG | WUNTRACED) ) {
      //  it ended first (or stopped by itself): collect what it said
      if ( WIFSTOPPED(sat_i) ) {
        return 1;
      }
      _t_collect(sat_i, 0);
      fprintf(stderr, "test: run ended (%d) before event %u: %s\n",
              _t_r.ret_i, eve_w, _t_r.err_c);
      return 0;
    }
    usleep(200);
  }
  kill(pid, SIGKILL);
  waitpid(pid, 0, 0);
  fprintf(stderr, "test: event %u not traced within %u s\n", eve_w, tim_w);
  return 0;
}

/* _t_proc_mem: figures of a (stopped) process from /proc/PID. */
typedef struct {
  c3_d rss_kb;       //  Rss (smaps_rollup)
  c3_d lazy_kb;      //  LazyFree (smaps_rollup)
  c3_d commit_kb;    //  sum of Size over areas flagged "ac" (smaps)
  c3_d loom_kb;      //  the same over areas inside the loom
  c3_w maps_w;       //  mappings
} _t_proc_mem;

/* _t_field(): value of a "Name:   123 kB" line, if it is that line. */
static c3_t
_t_field(const c3_c* lin_c, const c3_c* nam_c, c3_d* val_d)
{
  c3_z len_z = strlen(nam_c);
  if ( strncmp(lin_c, nam_c, len_z) || ':' != lin_c[len_z] ) {
    return 0;
  }
  *val_d = strtoull(lin_c + len_z + 1, 0, 10);
  return 1;
}

/* _t_proc_read(): read pid's memory figures. */
static void
_t_proc_read(pid_t pid, _t_proc_mem* mem_u)
{
  c3_c  pat_c[64], lin_c[1024];
  FILE* fil_u;
  c3_d  siz_d = 0, val_d;
  c3_d  beg_d = 0;
  c3_d  bas_d = (c3_d)(uintptr_t)u3a_loom_base;

  memset(mem_u, 0, sizeof(*mem_u));
  snprintf(pat_c, sizeof(pat_c), "/proc/%d/smaps_rollup", (c3_i)pid);
  if ( (fil_u = fopen(pat_c, "r")) ) {
    while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
      (void)( _t_field(lin_c, "Rss", &mem_u->rss_kb)
           || _t_field(lin_c, "LazyFree", &mem_u->lazy_kb) );
    }
    fclose(fil_u);
  }
  snprintf(pat_c, sizeof(pat_c), "/proc/%d/smaps", (c3_i)pid);
  if ( (fil_u = fopen(pat_c, "r")) ) {
    while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
      c3_c* end_c;
      c3_d  adr_d = strtoull(lin_c, &end_c, 16);
      if ( end_c != lin_c && '-' == *end_c ) {
        beg_d = adr_d;    //  an area's first line: "start-end perms ..."
      }
      else if ( _t_field(lin_c, "Size", &val_d) ) {
        siz_d = val_d;
        mem_u->maps_w++;
      }
      else if ( !strncmp(lin_c, "VmFlags:", 8) ) {
        c3_c* tok_c = strtok(lin_c + 8, " \n");
        while ( tok_c ) {
          if ( !strcmp(tok_c, "ac") ) {
            mem_u->commit_kb += siz_d;
            if ( beg_d >= bas_d && beg_d < bas_d + (1ULL << 34) ) {
              mem_u->loom_kb += siz_d;
            }
            break;
          }
          tok_c = strtok(0, " \n");
        }
      }
    }
    fclose(fil_u);
  }
}

/* _t_maps(): pid's mapping count from /proc/PID/maps (cheap), or 0. */
static c3_w
_t_maps(pid_t pid)
{
  c3_c pat_c[64];
  snprintf(pat_c, sizeof(pat_c), "/proc/%d/maps", (c3_i)pid);
  return _t_lines(pat_c);
}

  /** Memory cgroups (made and dropped by the shared harness).
  **/

static c3_c _t_cg_why_c[4800];   //  why no cgroup could be made, if none

/* _t_cg_peak_kb(): the cgroup's peak charge, KiB, or ~0 if unknown. */
static c3_d
_t_cg_peak_kb(const h_cg* cg_u)
{
  c3_d pek_d = h_cg_peak(cg_u);
  return ( ~0ULL == pek_d ) ? ~0ULL : pek_d >> 10;
}

/* _t_cg_free(): remove a cgroup (its processes have exited). */
static void
_t_cg_free(h_cg* cg_u)
{
  if ( cg_u->ver_w ) {
    c3_c dir_c[2048];
    snprintf(dir_c, sizeof(dir_c), "%s", cg_u->dir_c);
    T_OK(h_cg_drop(cg_u), "cgroup %s removed", dir_c);
  }
}

  /** The scenarios.
  **/

/* _t_kubernetes(): (kubernetes) a 64 MiB cgroup: churn of 512 MiB per event
**   completes with --swap-file and the unconstrained mug; without the swap
**   file the same run is OOM-killed, which proves the limit bites.
*/
static void
_t_kubernetes(void)
{
  const c3_w siz_w = 512 / _t_scale_w;            //  MiB built per event
  const c3_w num_w = 2;
  //  under AddressSanitizer the runtime's own memory outside the loom
  //  (the sanitizer's allocator and shadow) is several times larger, so
  //  its pod is larger by that much; the loom's part is the same
  const c3_d lim_d = ( 1 == _t_scale_w ) ? (64ULL << 20) : (96ULL << 20);
  c3_c       pir_c[2200], swp_c[2200];
  _t_args    arg_u;
  h_cg       cg_u;

  if ( !h_cg_make(&cg_u, lim_d, _t_cg_why_c, sizeof(_t_cg_why_c)) ) {
    c3_c why_c[4900];
    snprintf(why_c, sizeof(why_c), "a memory cgroup (%s)", _t_cg_why_c);
    _t_skipped("(kubernetes) the Kubernetes case", why_c);
    return;
  }

  //  the reference, outside the cgroup, with the default policy
  c3_d ref_d = _t_mug_fresh("k8s-ref", "31", "churn", siz_w, num_w);
  c3_d rss_d = _t_json("rss_peak_kb");

  //  with the swap file: completes, same state, charge within the limit
  _t_path(pir_c, sizeof(pir_c), "k8s-swap");
  _t_path(swp_c, sizeof(swp_c), "k8s.swap");
  h_rm(pir_c);
  _t_how how_u = { .cgp_c = cg_u.dir_c, .tim_w = 240 };
  _t_base(&arg_u, "churn", siz_w, num_w);
  _t_add(&arg_u, "--loom", "31", "--swap-file", swp_c, pir_c, (c3_c*)0);
  double beg_f = h_now();
  c3_i   ret_i = _t_run(&arg_u, &how_u);
  double tak_f = h_now() - beg_f;
  T_OK(0 == ret_i && !_t_r.tim_t, "(kubernetes) swap-file run in a %llu MiB cgroup exits 0 "
       "(status %d%s): %s", (unsigned long long)(lim_d >> 20), ret_i,
       _t_r.tim_t ? ", timed out" : "", _t_r.err_c);
  T_EQ(_t_json("event"), num_w);
  T_EQ(_t_json("bailed"), 0);
  T_EQ(_t_json("mug"), ref_d);
  T_EQ(h_cg_ooms(&cg_u), 0);
  c3_d pek_d = _t_cg_peak_kb(&cg_u);
  //  the kernel may force a few charges past the limit (allocations that
  //  cannot fail), so the watermark can exceed it by a page or so
  T_OK(pek_d <= (lim_d >> 10) + 1024, "(kubernetes) cgroup peak %llu KiB within the limit",
       (unsigned long long)pek_d);
  T_OK(!h_exists(swp_c), "(kubernetes) the swap file %s is unlinked", swp_c);
  printf("(kubernetes) churn %u MiB x %u in a %llu MiB cgroup with --swap-file: status %d, "
         "%.1f s, cgroup peak %llu KiB, process rss_peak %llu KiB, mug %s "
         "(unconstrained default: rss_peak %llu KiB)\n",
         siz_w, num_w, (unsigned long long)(lim_d >> 20), ret_i, tak_f, (unsigned long long)pek_d,
         (unsigned long long)_t_json("rss_peak_kb"),
         ( _t_json("mug") == ref_d ) ? "equal" : "DIFFERENT",
         (unsigned long long)rss_d);
  h_rm(pir_c);

  //  without it: the kernel kills it
  _t_path(pir_c, sizeof(pir_c), "k8s-anon");
  h_rm(pir_c);
  c3_d oom_d = h_cg_ooms(&cg_u);
  _t_base(&arg_u, "churn", siz_w, num_w);
  _t_add(&arg_u, "--loom", "31", pir_c, (c3_c*)0);
  ret_i = _t_run(&arg_u, &how_u);
  c3_d now_d = h_cg_ooms(&cg_u);
  T_EQ(ret_i, 128 + SIGKILL);
  T_OK(now_d > oom_d, "(kubernetes) the cgroup counts an OOM kill (%llu before, %llu after)",
       (unsigned long long)oom_d, (unsigned long long)now_d);
  printf("(kubernetes) the same run without --swap-file: status %d (%s), oom_kill %llu -> %llu\n",
         ret_i, ( 128 + SIGKILL == ret_i ) ? "SIGKILL" : "not SIGKILL",
         (unsigned long long)oom_d, (unsigned long long)now_d);
  h_rm(pir_c);
  _t_cg_free(&cg_u);
}

/* _t_base_kb(): the runtime's own resident memory, KiB: the largest
**   rss_kb - lazyfree_kb of a tiny run (kv, 1 MiB, 4 events, released),
**   with the given extra flag (or 0).  Covers the binary, libc, stacks,
**   the allocator's tables and the pages kept next to the frontiers; it
**   counts the tiny run's small heap too, which errs toward a looser bound.
*/
static c3_d
_t_base_kb(const c3_c* ext_c)
{
  c3_c    pir_c[2200], tra_c[2200];
  _t_args arg_u;
  c3_d    bas_d = 0;

  _t_path(pir_c, sizeof(pir_c), "tiny");
  _t_path(tra_c, sizeof(tra_c), "tiny.csv");
  h_rm(pir_c);
  unlink(tra_c);
  _t_base(&arg_u, "kv", 1, 4);
  _t_add(&arg_u, "--loom", "31", "--loom-free-every-event", "--loom-free-keep", "64",
         "--trace", tra_c, (c3_c*)0);
  if ( ext_c ) _t_add(&arg_u, ext_c, (c3_c*)0);
  _t_add(&arg_u, pir_c, (c3_c*)0);
  T_EQ(_t_run(&arg_u, 0), 0);
  T_OK(_t_trace_read(tra_c), "tiny run's trace");
  T_EQ(_t_tra_u.row_w, 4);
  for ( c3_w i_w = 0; i_w < _t_tra_u.row_w; i_w++ ) {
    bas_d = c3_max(bas_d, _t_tv(i_w, "rss_kb") - _t_tv(i_w, "lazyfree_kb"));
  }
  h_rm(pir_c);
  return bas_d;
}

/* _t_rss_bound(): (rss-bound) RSS per event with and without release. */
static void
_t_rss_bound(void)
{
  const c3_w siz_w = 64 / _t_scale_w;    //  MiB built per event
  const c3_w num_w = 8;
  const c3_d kep_d = 64 * 16;            //  --loom-free-keep 64, in KiB
  c3_c       pir_c[2200], tra_c[2200];
  _t_args    arg_u;

  c3_d ref_d = _t_mug_fresh("rss-ref", "31", "churn", siz_w, num_w);
  c3_d bas_d = _t_base_kb(0);
  printf("(rss-bound) the runtime's own memory (rss of a tiny kv run, released): "
         "%llu KiB\n", (unsigned long long)bas_d);
  T_OK(bas_d < 32768, "(rss-bound) the runtime's own memory is small: %llu KiB",
       (unsigned long long)bas_d);

  _t_path(pir_c, sizeof(pir_c), "rss");
  _t_path(tra_c, sizeof(tra_c), "rss.csv");

  //  without release: after the first event, RSS stays at the high-water
  //  mark: every event's RSS is at least the MiB the event built, and at
  //  least 95% of the first event's
  h_rm(pir_c);
  unlink(tra_c);
  _t_base(&arg_u, "churn", siz_w, num_w);
  _t_add(&arg_u, "--loom", "31", "--trace", tra_c, pir_c, (c3_c*)0);
  T_EQ(_t_run(&arg_u, 0), 0);
  T_EQ(_t_json("mug"), ref_d);
  T_OK(_t_trace_read(tra_c), "(rss-bound) trace of the default run");
  T_EQ(_t_tra_u.row_w, num_w);
  c3_d fir_d = _t_tra_u.row_w ? _t_tv(0, "rss_kb") : 0;
  c3_d mnd_d = ~0ULL;
  for ( c3_w i_w = 0; i_w < _t_tra_u.row_w; i_w++ ) {
    c3_d rss_d = _t_tv(i_w, "rss_kb");
    mnd_d = c3_min(mnd_d, rss_d);
    T_OK(rss_d >= (c3_d)siz_w * 1024, "(rss-bound) default: event %u rss %llu KiB >= %u MiB",
         i_w + 1, (unsigned long long)rss_d, siz_w);
    T_OK(rss_d * 100 >= fir_d * 95, "(rss-bound) default: event %u rss %llu KiB stays at the "
         "first event's %llu KiB", i_w + 1, (unsigned long long)rss_d,
         (unsigned long long)fir_d);
  }
  printf("(rss-bound) churn %u MiB x %u, default: rss after each event >= %llu KiB "
         "(first %llu KiB)\n", siz_w, num_w, (unsigned long long)mnd_d,
         (unsigned long long)fir_d);

  //  with release, in both modes: after every event,
  //
  //    rss_kb - lazyfree_kb  <=  heap_kb + 2 * keep + base + 1 MiB
  //
  //  heap_kb: the home heap (the live state and its free pages, which are
  //  released too, so an upper bound); keep: the pages kept next to each of
  //  the two free-gap frontiers; base: the runtime's own memory measured
  //  above (the whole RSS of a tiny run); 1 MiB for what differs between
  //  the two runs outside the loom
  //  (stdio buffers, the trace).  In dontneed mode lazyfree_kb must be 0.
  //  The bound is asserted to be well under the MiB an event builds, so
  //  the check could fail.
  static const c3_c* mod_c[2] = { "free", "dontneed" };
  for ( c3_w m_w = 0; m_w < 2; m_w++ ) {
    h_rm(pir_c);
    unlink(tra_c);
    _t_base(&arg_u, "churn", siz_w, num_w);
    _t_add(&arg_u, "--loom", "31", "--loom-free-every-event", "--loom-free-mode", mod_c[m_w],
           "--loom-free-keep", "64", "--trace", tra_c, pir_c, (c3_c*)0);
    T_EQ(_t_run(&arg_u, 0), 0);
    T_EQ(_t_json("mug"), ref_d);
    T_OK(_t_json("released_pages") > 0 && ~0ULL != _t_json("released_pages"),
         "(rss-bound) %s: released_pages %llu", mod_c[m_w],
         (unsigned long long)_t_json("released_pages"));
    T_OK(_t_trace_read(tra_c), "(rss-bound) trace of the %s run", mod_c[m_w]);
    T_EQ(_t_tra_u.row_w, num_w);
    c3_d mxn_d = 0, mxb_d = 0, mxl_d = 0, mxh_d = 0;
    c3_d asn_d = ( 1 == _t_scale_w ) ? 0 : 2048;    //  the sanitizer's share
    for ( c3_w i_w = 0; i_w < _t_tra_u.row_w; i_w++ ) {
      c3_d rss_d = _t_tv(i_w, "rss_kb");
      c3_d laz_d = _t_tv(i_w, "lazyfree_kb");
      c3_d hep_d = _t_tv(i_w, "heap_kb");
      c3_d net_d = rss_d - laz_d;
      //  (under AddressSanitizer its allocator keeps more outside the
      //  loom as events differ: 2 MiB, still far under what an event builds)
      c3_d bnd_d = hep_d + 2 * kep_d + bas_d + 1024 + asn_d;
      T_OK(net_d <= bnd_d, "(rss-bound) %s: event %u: rss %llu - lazyfree %llu = %llu KiB "
           "> heap %llu + 2 x keep %llu + base %llu + 1024", mod_c[m_w], i_w + 1,
           (unsigned long long)rss_d, (unsigned long long)laz_d,
           (unsigned long long)net_d, (unsigned long long)hep_d,
           (unsigned long long)kep_d, (unsigned long long)bas_d);
      if ( 1 == m_w ) {
        T_OK(0 == laz_d, "(rss-bound) dontneed leaves no LazyFree (event %u: %llu KiB)",
             i_w + 1, (unsigned long long)laz_d);
      }
      mxn_d = c3_max(mxn_d, net_d);
      mxb_d = c3_max(mxb_d, bnd_d);
      mxl_d = c3_max(mxl_d, laz_d);
      mxh_d = c3_max(mxh_d, hep_d);
    }
    //  (the sanitizer's own share of the bound is not the runtime's)
    T_OK((mxb_d - asn_d) * 2 < (c3_d)siz_w * 1024, "(rss-bound) the bound %llu KiB "
         "(less %llu KiB for the sanitizer) is well under the %u MiB an event builds",
         (unsigned long long)mxb_d, (unsigned long long)asn_d, siz_w);
    if ( 0 == m_w ) {
      //  MADV_FREE leaves the event's pages counted in RSS as LazyFree until
      //  the kernel wants them (nothing presses here): that is what free
      //  mode is, and why rss_net_kb exists
      T_OK(mxl_d * 2 >= (c3_d)siz_w * 1024, "(rss-bound) free mode: LazyFree %llu KiB "
           "after an event shows MADV_FREE'd pages (built %u MiB)",
           (unsigned long long)mxl_d, siz_w);
    }
    printf("(rss-bound) churn %u MiB x %u, --loom-free-every-event, %s: rss net of "
           "lazyfree <= %llu KiB per event (bound %llu KiB; heap <= %llu KiB), "
           "lazyfree up to %llu KiB, released_pages %llu\n", siz_w, num_w, mod_c[m_w],
           (unsigned long long)mxn_d, (unsigned long long)mxb_d,
           (unsigned long long)mxh_d, (unsigned long long)mxl_d,
           (unsigned long long)_t_json("released_pages"));
  }
  h_rm(pir_c);
  unlink(tra_c);
}

/* _t_reclaim(): (reclaim) under a cgroup limit, pages released with MADV_FREE
**   are taken back by the kernel's reclaim, where unreleased ones are not.
**
**   A churn run in a 160 MiB cgroup is stopped (SIGSTOP) right after an
**   event's trace line (so after the event and its release).  Then the
**   cgroup is asked to give back gon_d bytes, less than three quarters of
**   the child's LazyFree at that moment: v1 lowers memory.limit_in_bytes
**   to usage - gon_d, which reclaims or fails with EBUSY; v2 writes
**   memory.reclaim, which fails with EAGAIN.  With free mode it must
**   succeed; without release (nothing lazily freed, everything anonymous,
**   no swap) it must fail: the same request, so the check is sensitive.
**   Then the limit goes back, the child continues, and its mug is right.
*/
static void
_t_reclaim(void)
{
  const c3_w siz_w = 96 / _t_scale_w;
  const c3_w num_w = 4;
  const c3_d lim_d = 160ULL << 20;
  const c3_d gon_d = ((c3_d)siz_w << 20) / 2;    //  bytes asked back
  c3_c       pir_c[2200], tra_c[2200];
  _t_args    arg_u;
  h_cg       cg_u;

  if ( !h_cg_make(&cg_u, lim_d, _t_cg_why_c, sizeof(_t_cg_why_c)) ) {
    c3_c why_c[4900];
    snprintf(why_c, sizeof(why_c), "a memory cgroup (%s)", _t_cg_why_c);
    _t_skipped("(reclaim) MADV_FREE'd pages under a cgroup", why_c);
    return;
  }
  if ( 2 == cg_u.ver_w ) {
    c3_c pat_c[2200];
    h_join(pat_c, sizeof(pat_c), cg_u.dir_c, "memory.reclaim");
    if ( access(pat_c, F_OK) ) {
      _t_skipped("(reclaim) MADV_FREE'd pages under a cgroup", "memory.reclaim (cgroup v2, Linux 5.19+)");
      _t_cg_free(&cg_u);
      return;
    }
  }
  c3_d ref_d = _t_mug_fresh("recl-ref", "31", "churn", siz_w, num_w);

  _t_path(pir_c, sizeof(pir_c), "recl");
  _t_path(tra_c, sizeof(tra_c), "recl.csv");
  for ( c3_w m_w = 0; m_w < 2; m_w++ ) {
    c3_t fre_t = ( 0 == m_w );
    h_rm(pir_c);
    unlink(tra_c);
    _t_base(&arg_u, "churn", siz_w, num_w);
    _t_add(&arg_u, "--loom", "31", "--trace", tra_c, (c3_c*)0);
    if ( fre_t ) {
      _t_add(&arg_u, "--loom-free-every-event", "--loom-free-mode", "free", (c3_c*)0);
    }
    _t_add(&arg_u, pir_c, (c3_c*)0);
    _t_how how_u = { .cgp_c = cg_u.dir_c, .tim_w = 240 };
    pid_t  pid = _t_spawn(&arg_u, &how_u);
    _t_free(&arg_u);

    if ( !_t_stop_after(pid, tra_c, 2, 120) ) {
      T_OK(0, "(reclaim) the %s run stopped after event 2", fre_t ? "free" : "default");
      h_cg_limit(&cg_u, lim_d);
      kill(pid, SIGKILL);
      waitpid(pid, 0, 0);
      continue;
    }
    _t_proc_mem mem_u;
    _t_proc_read(pid, &mem_u);
    c3_d use_d = h_cg_usage(&cg_u);
    c3_i err_i;
    if ( 2 == cg_u.ver_w ) {
      c3_c val_c[32];
      snprintf(val_c, sizeof(val_c), "%llu", (unsigned long long)gon_d);
      err_i = h_cg_set(&cg_u, "memory.reclaim", val_c);
    }
    else {
      err_i = ( use_d > gon_d ) ? h_cg_limit(&cg_u, use_d - gon_d) : EINVAL;
    }
    c3_d aft_d = h_cg_usage(&cg_u);
    _t_proc_mem pos_u;
    _t_proc_read(pid, &pos_u);
    T_EQ(h_cg_limit(&cg_u, lim_d), 0);
    kill(pid, SIGCONT);
    c3_i ret_i = _t_reap(pid, 240);

    if ( fre_t ) {
      T_OK(mem_u.lazy_kb * 1024 * 3 >= gon_d * 4, "(reclaim) free mode leaves "
           "LazyFree %llu KiB after event 2 (>= 4/3 of %llu KiB asked back)",
           (unsigned long long)mem_u.lazy_kb, (unsigned long long)(gon_d >> 10));
      T_OK(0 == err_i, "(reclaim) the cgroup takes back %llu KiB of MADV_FREE'd "
           "pages: %s", (unsigned long long)(gon_d >> 10), strerror(err_i));
      T_OK(aft_d + gon_d <= use_d + (1 << 20), "(reclaim) usage fell from %llu to "
           "%llu KiB", (unsigned long long)(use_d >> 10), (unsigned long long)(aft_d >> 10));
    }
    else {
      T_OK(0 != err_i, "(reclaim) without release the cgroup cannot take back "
           "%llu KiB (usage %llu KiB, rss %llu KiB)", (unsigned long long)(gon_d >> 10),
           (unsigned long long)(use_d >> 10), (unsigned long long)mem_u.rss_kb);
    }
    T_EQ(ret_i, 0);
    T_EQ(_t_json("mug"), ref_d);
    printf("(reclaim) churn %u MiB in a 160 MiB cgroup, %s, stopped after event 2: rss %llu "
           "KiB, lazyfree %llu KiB, cgroup usage %llu KiB; asked back %llu KiB: %s; "
           "after: usage %llu KiB, rss %llu KiB; run status %d, mug %s\n",
           siz_w, fre_t ? "--loom-free-every-event (free)" : "default",
           (unsigned long long)mem_u.rss_kb, (unsigned long long)mem_u.lazy_kb,
           (unsigned long long)(use_d >> 10), (unsigned long long)(gon_d >> 10),
           err_i ? strerror(err_i) : "taken", (unsigned long long)(aft_d >> 10),
           (unsigned long long)pos_u.rss_kb, ret_i,
           ( _t_json("mug") == ref_d ) ? "equal" : "DIFFERENT");
  }
  T_EQ(h_cg_ooms(&cg_u), 0);
  h_rm(pir_c);
  unlink(tra_c);
  _t_cg_free(&cg_u);
}

/* _t_swap_blocks(): (swap-blocks) without release the scratch file's
**   blocks stay at the event's size; with it, the file's pages leave
**   memory after every event, and its blocks are at most the heap, the
**   margins and what the recent events took (held for reuse, never more
**   than without release).
*/
static void
_t_swap_blocks(void)
{
  const c3_w siz_w = 64 / _t_scale_w;
  const c3_w num_w = 6;
  const c3_d kep_d = 64 * 16;
  c3_c       pir_c[2200], tra_c[2200], swp_c[2200];
  _t_args    arg_u;

  c3_d ref_d = _t_mug_fresh("swb-ref", "31", "churn", siz_w, num_w);
  _t_path(pir_c, sizeof(pir_c), "swb");
  _t_path(tra_c, sizeof(tra_c), "swb.csv");
  _t_path(swp_c, sizeof(swp_c), "swb.swap");

  //  the runtime's own anonymous memory (stacks, the apply thread, the
  //  save's buffer; much more under a sanitizer): a 1 MiB run's
  c3_d ban_d = 0;
  h_rm(pir_c);
  unlink(tra_c);
  _t_base(&arg_u, "kv", 1, 4);
  _t_add(&arg_u, "--loom", "31", "--swap-file", swp_c, "--trace", tra_c, pir_c,
         (c3_c*)0);
  T_EQ(_t_run(&arg_u, 0), 0);
  T_OK(_t_trace_read(tra_c), "(swap-blocks) the tiny run's trace");
  for ( c3_w i_w = 0; i_w < _t_tra_u.row_w; i_w++ ) {
    ban_d = c3_max(ban_d, _t_tv(i_w, "anon_kb"));
  }

  for ( c3_w m_w = 0; m_w < 2; m_w++ ) {
    c3_t fre_t = ( 1 == m_w );
    h_rm(pir_c);
    unlink(tra_c);
    _t_base(&arg_u, "churn", siz_w, num_w);
    _t_add(&arg_u, "--loom", "31", "--swap-file", swp_c, "--trace", tra_c, (c3_c*)0);
    if ( fre_t ) {
      _t_add(&arg_u, "--loom-free-every-event", "--loom-free-keep", "64", (c3_c*)0);
    }
    _t_add(&arg_u, pir_c, (c3_c*)0);
    T_EQ(_t_run(&arg_u, 0), 0);
    T_EQ(_t_json("mug"), ref_d);
    T_OK(!h_exists(swp_c), "(swap-blocks) the swap file is unlinked while in use");
    c3_d jsw_d = _t_json("swap_kb");
    T_OK(~0ULL != jsw_d, "(swap-blocks) --json reports swap_kb");
    T_OK(_t_trace_read(tra_c), "(swap-blocks) trace");
    T_EQ(_t_tra_u.row_w, num_w);
    c3_d mns_d = ~0ULL, mxs_d = 0, mxa_d = 0, mxf_d = 0, mxb_d = 0;
    static c3_d kes_d;   //  the most blocks the run without release held
    for ( c3_w i_w = 0; i_w < _t_tra_u.row_w; i_w++ ) {
      c3_d swp_d = _t_tv(i_w, "swap_kb");
      c3_d hep_d = _t_tv(i_w, "heap_kb");
      c3_d ano_d = _t_tv(i_w, "anon_kb");
      if ( fre_t ) {
        //  the event's pages leave memory (file_kb also counts the
        //  binary and its libraries, bigger under the sanitizer); the
        //  blocks held are at most the home heap, the pages kept next to
        //  the two frontiers and 1 MiB, and what the recent events took,
        //  never more than without release
        c3_d bnd_d = hep_d + 2 * kep_d + 1024;
        c3_d fil_d = _t_tv(i_w, "file_kb");
        T_OK(fil_d * 4 < (c3_d)siz_w * 1024, "(swap-blocks) released: event %u file_kb "
             "%llu, not far below the %u MiB built", i_w + 1, (unsigned long long)fil_d,
             siz_w);
        T_OK(swp_d <= bnd_d + kes_d, "(swap-blocks) held: event %u swap_kb %llu > heap "
             "%llu + 2 x keep %llu + 1024 + %llu held without release", i_w + 1,
             (unsigned long long)swp_d, (unsigned long long)hep_d,
             (unsigned long long)kep_d, (unsigned long long)kes_d);
        mxb_d = c3_max(mxb_d, bnd_d);
      }
      else {
        T_OK(swp_d >= (c3_d)siz_w * 1024 * 9 / 10, "(swap-blocks) kept: event %u swap_kb %llu "
             "< 90%% of the %u MiB built", i_w + 1, (unsigned long long)swp_d, siz_w);
      }
      //  the loom's pages live in the file, not in anonymous memory
      T_OK((ano_d - c3_min(ano_d, ban_d)) * 4 < (c3_d)siz_w * 1024, "(swap-blocks) event "
           "%u: anon_kb %llu (a 1 MiB run's %llu): loom pages are not anonymous",
           i_w + 1, (unsigned long long)ano_d, (unsigned long long)ban_d);
      mns_d = c3_min(mns_d, swp_d);
      mxs_d = c3_max(mxs_d, swp_d);
      mxa_d = c3_max(mxa_d, ano_d);
      mxf_d = c3_max(mxf_d, _t_tv(i_w, "file_kb"));
    }
    if ( fre_t ) {
      T_OK(mxb_d * 4 < (c3_d)siz_w * 1024, "(swap-blocks) the bound %llu KiB is far below "
           "the %u MiB an event builds", (unsigned long long)mxb_d, siz_w);
      T_OK(jsw_d <= mxb_d + kes_d, "(swap-blocks) swap_kb at exit %llu",
           (unsigned long long)jsw_d);
    }
    else {
      kes_d = mxs_d;
    }
    printf("(swap-blocks) churn %u MiB x %u, --swap-file%s: swap_kb after each event %llu..%llu, "
           "at exit %llu; anon_kb <= %llu, file_kb <= %llu\n", siz_w, num_w,
           fre_t ? " --loom-free-every-event" : "", (unsigned long long)mns_d,
           (unsigned long long)mxs_d, (unsigned long long)jsw_d,
           (unsigned long long)mxa_d, (unsigned long long)mxf_d);
  }
  h_rm(pir_c);
  unlink(tra_c);
}

/* _t_copy_mug(): copy a pier, drop the copy's snapshot, rebuild it from
**   the log alone; the mug (and the replayed count in *rep_d).
*/
static c3_d
_t_copy_mug(const c3_c* pir_c, c3_d* rep_d)
{
  c3_c    cop_c[2200], cmd_c[4600];
  _t_args arg_u;
  _t_path(cop_c, sizeof(cop_c), "copy");
  h_rm(cop_c);
  snprintf(cmd_c, sizeof(cmd_c), "cp -a '%s' '%s' && rm -rf '%s/.urb/chk'",
           pir_c, cop_c, cop_c);
  T_EQ(system(cmd_c), 0);
  _t_new(&arg_u);
  _t_add(&arg_u, "-q", "--json", "-n", "0", cop_c, (c3_c*)0);
  T_EQ(_t_run(&arg_u, 0), 0);
  *rep_d = _t_json("replayed");
  h_rm(cop_c);
  return _t_json("mug");
}

/* _t_sound(): `urbit check PIER` says sound. */
static void
_t_sound(const c3_c* pir_c, const c3_c* wha_c)
{
  _t_args arg_u;
  _t_new(&arg_u);
  _t_add(&arg_u, "check", pir_c, (c3_c*)0);
  c3_i ret_i = _t_run(&arg_u, 0);
  T_OK(0 == ret_i && strstr(_t_r.out_c, "sound") && !strstr(_t_r.out_c, "PROBLEMS"),
       "%s: check is sound (%d): %s", wha_c, ret_i, _t_r.out_c);
}

/* _t_enospc(): (full-disk ext4) one run with its swap file on the small filesystem at
**   mnt_c: after event fil_w the test fills the filesystem (the child
**   stopped), after event fre_w it empties it again.  Events that run
**   wholly while it is full bail with `swap file: no space` (all of them
**   if mod_w is 1; none if it is 2: each needs no more blocks than the
**   recent ones held for reuse); events that start once space is back
**   succeed; the run exits 0, and the state is sound and the one the log
**   alone rebuilds.
**
**   Bailing events are quick, so the child may run a few past fre_w
**   before it is stopped: the windows are taken from the trace at the
**   moments of the stops (lof_w events done at the fill, lor_w at the
**   release; the event after each may straddle it).
*/
static void
_t_enospc(const c3_c* mnt_c, const c3_c* wok_c, c3_w siz_w, c3_w num_w,
          c3_w fil_w, c3_w fre_w, c3_w mod_w)
{
  c3_c    pir_c[2200], swp_c[1200], fil_c[1200], tra_c[2200], lis_c[2048];
  c3_t    bal_t[512];
  _t_args arg_u;
  c3_d    rep_d = 0, fid_d = 0;
  c3_w    lof_w = 0, lor_w = 0;

  snprintf(swp_c, sizeof(swp_c), "%s/loom.swap", mnt_c);
  snprintf(fil_c, sizeof(fil_c), "%s/filler", mnt_c);
  _t_path(pir_c, sizeof(pir_c), "enospc");
  _t_path(tra_c, sizeof(tra_c), "enospc.csv");
  h_rm(pir_c);
  unlink(tra_c);
  _t_new(&arg_u);
  _t_add(&arg_u, "--json", "-w", wok_c, "--loom", "28", (c3_c*)0);
  _t_addf(&arg_u, "--size");
  _t_addf(&arg_u, "%u", siz_w);
  _t_addf(&arg_u, "-n");
  _t_addf(&arg_u, "%u", num_w);
  _t_add(&arg_u, "--swap-file", swp_c, "--loom-free-every-event", "--trace", tra_c, pir_c,
         (c3_c*)0);
  _t_how how_u = { .tim_w = 120 };
  pid_t pid = _t_spawn(&arg_u, &how_u);
  _t_free(&arg_u);

  c3_t ok_t = _t_stop_after(pid, tra_c, fil_w, 60);
  if ( ok_t ) {
    //  take every free block, down to the last one
    lof_w = _t_lines(tra_c) - 1;
    c3_i fid_i = open(fil_c, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for ( c3_d chu_d = 64ULL << 20; fid_i >= 0 && chu_d >= 1024; ) {
      if ( 0 == fallocate(fid_i, 0, (off_t)fid_d, (off_t)chu_d) ) {
        fid_d += chu_d;
      }
      else {
        chu_d >>= 1;
      }
    }
    if ( fid_i >= 0 ) close(fid_i);
    kill(pid, SIGCONT);
    ok_t = _t_stop_after(pid, tra_c, fre_w, 60);
    unlink(fil_c);
    if ( ok_t ) {
      lor_w = _t_lines(tra_c) - 1;
      kill(pid, SIGCONT);
    }
  }
  unlink(fil_c);
  T_OK(ok_t, "(full-disk ext4) %s: the run reached events %u and %u", wok_c, fil_w, fre_w);
  c3_i ret_i = ok_t ? _t_reap(pid, 120) : _t_r.ret_i;

  //  which events bailed, from stderr
  const c3_c* cur_c = _t_r.err_c;
  c3_w        nub_w = 0;
  memset(bal_t, 0, sizeof(bal_t));
  lis_c[0] = 0;
  while ( (cur_c = strstr(cur_c, "urbit: event ")) ) {
    c3_c* end_c;
    c3_d  eve_d = strtoull(cur_c + 13, &end_c, 10);
    if ( end_c != cur_c + 13 && !strncmp(end_c, " bailed", 7) && eve_d < 512 ) {
      c3_z at_z = strlen(lis_c);
      bal_t[eve_d] = 1;
      nub_w++;
      snprintf(lis_c + at_z, sizeof(lis_c) - at_z, " %llu", (unsigned long long)eve_d);
    }
    cur_c = end_c;
  }

  T_OK(0 == ret_i, "(full-disk ext4) %s: the run goes on through a full disk (status %d): %.600s",
       wok_c, ret_i, _t_r.err_c);
  T_EQ(_t_json("event"), num_w);
  T_EQ(_t_json("bailed"), nub_w);
  if ( 2 == mod_w ) {
    T_OK(0 == nub_w, "(full-disk ext4) %s: the blocks held for reuse carry events alike "
         "through the full disk (bailed:%s)", wok_c, lis_c);
  }
  else {
    T_OK(nub_w > 0, "(full-disk ext4) %s: some events bailed", wok_c);
    T_OK(0 != strstr(_t_r.err_c, "swap file: no space"), "(full-disk ext4) %s: the swap "
         "message: %.600s", wok_c, _t_r.err_c);
  }
  c3_t bef_t = 1, dur_t = 1, aft_t = 1;
  for ( c3_w e_w = 1; e_w <= num_w && e_w < 512; e_w++ ) {
    if ( e_w <= lof_w )                          bef_t &= !bal_t[e_w];
    if ( e_w >= lof_w + 2 && e_w <= lor_w )      dur_t &= bal_t[e_w];
    if ( e_w >= lor_w + 2 )                      aft_t &= !bal_t[e_w];
  }
  T_OK(bef_t, "(full-disk ext4) %s: no event bailed before the disk filled (after %u; bailed:%s)",
       wok_c, lof_w, lis_c);
  if ( 1 == mod_w ) {
    T_OK(dur_t && lor_w >= lof_w + 2, "(full-disk ext4) %s: every event in %u..%u bailed (bailed:%s)",
         wok_c, lof_w + 2, lor_w, lis_c);
  }
  T_OK(aft_t && lor_w + 2 <= num_w, "(full-disk ext4) %s: every event from %u on ran (bailed:%s)",
       wok_c, lor_w + 2, lis_c);
  c3_d muf_d = _t_json("mug");
  printf("(full-disk ext4) %s %u MiB x %u, swap file on a 64 MiB ext4 filled after event %u (%llu KiB) "
         "and emptied after event %u: status %d, %u bailed (events%.200s%s)\n", wok_c, siz_w,
         num_w, lof_w, (unsigned long long)(fid_d >> 10), lor_w, ret_i, nub_w, lis_c,
         strlen(lis_c) > 200 ? " ..." : "");
  if ( 0 == ret_i ) {
    _t_sound(pir_c, "(full-disk ext4) after the full disk");
    T_EQ(_t_copy_mug(pir_c, &rep_d), muf_d);
    T_EQ(rep_d, num_w);

    //  and the next run, with the space back, is ordinary
    _t_base(&arg_u, wok_c, siz_w, 3);
    _t_add(&arg_u, pir_c, (c3_c*)0);
    T_EQ(_t_run(&arg_u, 0), 0);
    T_EQ(_t_json("bailed"), 0);
    T_EQ(_t_json("event"), num_w + 3);
  }
  h_rm(pir_c);
  unlink(tra_c);
}

/* _t_full_disk(): (full-disk) the scratch file cannot get disk blocks.
**
**   d1: RLIMIT_FSIZE of 8 MiB from the start.  The scratch file's pages
**   sit at their loom offsets, and the top of the loom (where the home
**   road's stack and every event's road are) is far beyond 8 MiB, so no
**   page there can get a block.  The run must end cleanly: events bailed
**   with the swap message (exit 0), or a refusal naming the swap file
**   (exit 1); never a signal, and the pier stays sound.
**
**   d2: a real full disk, a small ext4 filesystem on a loop device (root
**   only), filled and emptied again in the middle of a run, for churn
**   and for kv (see _t_enospc).
*/
static void
_t_full_disk(void)
{
  c3_c    pir_c[2200], swp_c[2200];
  _t_args arg_u;
  c3_d    rep_d = 0;

  //  d1: RLIMIT_FSIZE from the start
  _t_path(pir_c, sizeof(pir_c), "fsize");
  _t_path(swp_c, sizeof(swp_c), "fsize.swap");
  h_rm(pir_c);
  _t_base(&arg_u, "kv", 2, 10);
  _t_add(&arg_u, "--loom", "28", "--swap-file", swp_c, pir_c, (c3_c*)0);
  T_EQ(_t_run(&arg_u, 0), 0);
  c3_d mug_d = _t_json("mug");
  {
    _t_how how_u = { .fsz_d = 8ULL << 20, .tim_w = 120 };
    _t_new(&arg_u);
    _t_add(&arg_u, "--json", "-w", "kv", "--size", "2", "-n", "5", "--swap-file", swp_c,
           pir_c, (c3_c*)0);
    c3_i ret_i = _t_run(&arg_u, &how_u);
    c3_d bal_d = _t_json("bailed");
    T_OK(0 == ret_i || 1 == ret_i, "(full-disk fsize) RLIMIT_FSIZE from the start: a clean end, "
         "not a signal (status %d): %s", ret_i, _t_r.err_c);
    T_OK(0 != strstr(_t_r.err_c, "swap file"), "(full-disk fsize) the message names the swap file: %s",
         _t_r.err_c);
    if ( 0 == ret_i ) {
      T_OK(0 != strstr(_t_r.err_c, "swap file: no space"), "(full-disk fsize) the swap message: %s",
           _t_r.err_c);
      T_EQ(bal_d, 5);
      T_EQ(_t_json("mug"), mug_d);
    }
    c3_c fir_c[300];
    snprintf(fir_c, sizeof(fir_c), "%.*s", (c3_i)strcspn(_t_r.err_c, "\n"), _t_r.err_c);
    printf("(full-disk fsize) kv under RLIMIT_FSIZE 8 MiB from the start: status %d, bailed %lld: %s\n",
           ret_i, (long long)bal_d, fir_c);
    _t_sound(pir_c, "(full-disk fsize) after RLIMIT_FSIZE");
    c3_d eve_d = ( 0 == ret_i ) ? 15 : 10;
    T_EQ(_t_copy_mug(pir_c, &rep_d), mug_d);
    T_EQ(rep_d, eve_d);
  }
  h_rm(pir_c);

  //  d2: a full filesystem, then space returns, in one run
  c3_c img_c[1100], mnt_c[1100], cmd_c[4800];
  if ( geteuid() ) {
    _t_skipped("(full-disk ext4) a full filesystem", "root, to mount a small loop filesystem");
    return;
  }
  _t_path(img_c, sizeof(img_c), "small.img");
  _t_path(mnt_c, sizeof(mnt_c), "small");
  mkdir(mnt_c, 0755);
  snprintf(cmd_c, sizeof(cmd_c),
           "truncate -s 64M '%s' && mkfs.ext4 -q -F -m 0 -O ^has_journal '%s' >/dev/null 2>&1 && "
           "mount -o loop '%s' '%s' 2>/dev/null", img_c, img_c, img_c, mnt_c);
  if ( system(cmd_c) ) {
    _t_skipped("(full-disk ext4) a full filesystem", "mkfs.ext4 and a loop mount (unavailable here)");
    unlink(img_c);
    rmdir(mnt_c);
    return;
  }
  snprintf(_t_mnt_c, sizeof(_t_mnt_c), "%s", mnt_c);
  //  churn: every event takes what the one before took, and with release
  //  the swap file holds those blocks for the next, so none bails while
  //  the disk is full.  kv: the home heap grows, so
  //  the state an event makes needs fresh blocks now and then, also when
  //  it is copied out of the event's road
  _t_enospc(mnt_c, "churn", 16 / _t_scale_w, 16, 3, 7, 2);
  _t_enospc(mnt_c, "kv", 8, 350, 20, 250, 0);

  snprintf(cmd_c, sizeof(cmd_c), "umount '%s' || umount -l '%s'", mnt_c, mnt_c);
  if ( system(cmd_c) ) {
    fprintf(stderr, "test: umount %s failed\n", mnt_c);
  }
  _t_mnt_c[0] = 0;
  unlink(img_c);
  rmdir(mnt_c);
}

/* _t_refusals(): (refusals) bad swap paths are refused before any event runs. */
static void
_t_refusals(void)
{
  c3_c    pir_c[2200], swp_c[2400], fil_c[2200], den_c[2200];
  _t_args arg_u;

  _t_path(pir_c, sizeof(pir_c), "refuse");
  h_rm(pir_c);
  _t_base(&arg_u, "kv", 1, 5);
  _t_add(&arg_u, "--loom", "28", pir_c, (c3_c*)0);
  T_EQ(_t_run(&arg_u, 0), 0);

  //  each refused run: exit 1, the path in the message, no new events
  struct {
    const c3_c* wha_c;
    c3_c        pat_c[2400];
    c3_t        dac_t;
    const c3_c* mus_c;    //  a word the message must hold, or 0
  } cas_u[4];
  c3_w num_w = 0;

  struct statfs sfs_u;
  if ( 0 == statfs("/dev/shm", &sfs_u) && TMPFS_MAGIC == (c3_w)sfs_u.f_type ) {
    cas_u[num_w].wha_c = "tmpfs";
    snprintf(cas_u[num_w].pat_c, sizeof(cas_u[num_w].pat_c), "/dev/shm/loomtest-%d.swap",
             (c3_i)getpid());
    cas_u[num_w].dac_t = 0;
    cas_u[num_w].mus_c = "tmpfs";
    num_w++;
  }
  else {
    _t_skipped("(refusals) tmpfs refusal", "/dev/shm on tmpfs");
  }

  cas_u[num_w].wha_c = "missing directory";
  _t_path(cas_u[num_w].pat_c, sizeof(cas_u[num_w].pat_c), "no/such/dir/loom.swap");
  cas_u[num_w].dac_t = 0;
  cas_u[num_w].mus_c = 0;
  num_w++;

  //  a parent that is a regular file: ENOTDIR, even for root
  _t_path(fil_c, sizeof(fil_c), "plain-file");
  c3_i fid_i = open(fil_c, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  T_OK(fid_i >= 0, "create %s", fil_c);
  if ( fid_i >= 0 ) close(fid_i);
  cas_u[num_w].wha_c = "parent is a file";
  snprintf(cas_u[num_w].pat_c, sizeof(cas_u[num_w].pat_c), "%s/loom.swap", fil_c);
  cas_u[num_w].dac_t = 0;
  cas_u[num_w].mus_c = 0;
  num_w++;

  //  no permission: a 0500 directory; root obeys it once the child's
  //  bounding set lacks CAP_DAC_OVERRIDE
  _t_path(den_c, sizeof(den_c), "denied");
  h_rm(den_c);
  T_EQ(mkdir(den_c, 0500), 0);
  chmod(den_c, 0500);
  cas_u[num_w].wha_c = "no permission";
  snprintf(cas_u[num_w].pat_c, sizeof(cas_u[num_w].pat_c), "%s/loom.swap", den_c);
  cas_u[num_w].dac_t = ( 0 == geteuid() );
  cas_u[num_w].mus_c = "ermission";
  num_w++;

  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    _t_how how_u = { .dac_t = cas_u[i_w].dac_t, .tim_w = 60 };
    snprintf(swp_c, sizeof(swp_c), "%s", cas_u[i_w].pat_c);
    _t_new(&arg_u);
    _t_add(&arg_u, "--json", "-w", "kv", "--size", "1", "-n", "5", "--swap-file", swp_c,
           pir_c, (c3_c*)0);
    c3_i ret_i = _t_run(&arg_u, &how_u);
    //  the message names the path (or, for a missing directory, the
    //  directory that is missing)
    c3_c dir_c[2400];
    snprintf(dir_c, sizeof(dir_c), "%s", swp_c);
    c3_c* sla_c = strrchr(dir_c, '/');
    if ( sla_c ) *sla_c = 0;
    c3_t nam_t = ( 0 != strstr(_t_r.err_c, swp_c) )
              || ( 0 != strstr(_t_r.err_c, dir_c) );
    T_EQ(ret_i, 1);
    T_OK(nam_t, "(refusals) %s: the message names %s: %s", cas_u[i_w].wha_c, swp_c, _t_r.err_c);
    if ( cas_u[i_w].mus_c ) {
      T_OK(0 != strstr(_t_r.err_c, cas_u[i_w].mus_c), "(refusals) %s: the message says %s: %s",
           cas_u[i_w].wha_c, cas_u[i_w].mus_c, _t_r.err_c);
    }
    if ( !strcmp("tmpfs", cas_u[i_w].wha_c) ) {
      T_OK(strstr(_t_r.err_c, "disk") || strstr(_t_r.err_c, "emptyDir"),
           "(refusals) tmpfs: the message says what to use instead: %s", _t_r.err_c);
      T_OK(!h_exists(swp_c), "(refusals) tmpfs: nothing left at %s", swp_c);
      unlink(swp_c);
    }
    T_OK(!h_exists(swp_c), "(refusals) %s: no file at %s", cas_u[i_w].wha_c, swp_c);
    c3_c fir_c[300];
    snprintf(fir_c, sizeof(fir_c), "%.*s", (c3_i)strcspn(_t_r.err_c, "\n"), _t_r.err_c);

    //  no event ran: the pier is still at event 5
    _t_new(&arg_u);
    _t_add(&arg_u, "-q", "--json", "-n", "0", pir_c, (c3_c*)0);
    T_EQ(_t_run(&arg_u, 0), 0);
    T_EQ(_t_json("event"), 5);
    printf("(refusals) %s: status %d: %s\n", cas_u[i_w].wha_c, ret_i, fir_c);
  }
  chmod(den_c, 0700);
  h_rm(den_c);
  unlink(fil_c);
  h_rm(pir_c);
}

/* _t_lazy(): (lazy) --loom-lazy on a 16 GiB loom: commit charge after boot
**   is the runtime's own plus a few MiB, and grows with pages written.
*/
static void
_t_lazy(void)
{
  c3_c    pir_c[2200], tra_c[2200];
  _t_args arg_u;
  const c3_d lom_d = 16ULL << 20;    //  the loom, KiB

  //  the default policy commits the whole loom; what is beyond it is the
  //  runtime's own commit charge at this loom size
  _t_path(pir_c, sizeof(pir_c), "lazy-def");
  h_rm(pir_c);
  _t_new(&arg_u);
  _t_add(&arg_u, "-q", "--json", "--loom", "34", "-n", "0", pir_c, (c3_c*)0);
  T_EQ(_t_run(&arg_u, 0), 0);
  c3_d def_d = _t_json("commit_kb");
  c3_d dlm_d = _t_json("loom_commit_kb");
  T_EQ(dlm_d, lom_d);
  c3_d own_d = ( def_d > lom_d && ~0ULL != def_d ) ? def_d - lom_d : 0;
  T_OK(def_d >= lom_d && ~0ULL != def_d, "(lazy) default: commit %llu KiB >= 16 GiB",
       (unsigned long long)def_d);
  T_OK(own_d < 65536, "(lazy) the runtime's own commit %llu KiB is small",
       (unsigned long long)own_d);
  h_rm(pir_c);

  //  lazy: after boot, within the runtime's own plus 4 MiB
  _t_path(pir_c, sizeof(pir_c), "lazy");
  h_rm(pir_c);
  _t_new(&arg_u);
  //  made for the kv run below: a pier keeps the workload it was made with
  _t_add(&arg_u, "-q", "--json", "--loom", "34", "--loom-lazy", "-w", "kv", "--size", "4",
         "-n", "0", pir_c, (c3_c*)0);
  T_EQ(_t_run(&arg_u, 0), 0);
  c3_d bot_d = _t_json("commit_kb");
  c3_d blm_d = _t_json("loom_commit_kb");
  T_OK(bot_d <= own_d + 4096, "(lazy) lazy: commit after boot %llu KiB <= own %llu + "
       "4096 KiB", (unsigned long long)bot_d, (unsigned long long)own_d);
  T_OK(blm_d <= 4096, "(lazy) lazy: the loom's commit after boot %lld KiB <= 4 MiB",
       (long long)blm_d);
  printf("(lazy) 16 GiB loom, -n 0: commit %llu KiB default (loom %llu, runtime's own "
         "%llu KiB), %llu KiB with --loom-lazy (loom %lld KiB); maps %llu\n",
         (unsigned long long)def_d, (unsigned long long)dlm_d, (unsigned long long)own_d,
         (unsigned long long)bot_d, (long long)blm_d, (unsigned long long)_t_json("maps"));

  //  -n 20 -w kv on it: the run ends small too
  _t_new(&arg_u);
  _t_add(&arg_u, "-q", "--json", "--loom-lazy", "-w", "kv", "--size", "4", "-n", "20",
         pir_c, (c3_c*)0);
  T_EQ(_t_run(&arg_u, 0), 0);
  T_EQ(_t_json("event"), 20);
  c3_d kve_d = _t_json("commit_kb");
  T_OK(kve_d <= own_d + 4096 + 16384, "(lazy) lazy: commit after 20 kv events %llu KiB",
       (unsigned long long)kve_d);

  //  while running: the charge follows the pages written.  Each run is
  //  stopped right after event 1 and its smaps summed; churn writes about
  //  its size in the free gap, kv much less.
  static const struct { const c3_c* wok_c; c3_w siz_w; } run_u[3] = {
    { "kv", 4 }, { "churn", 16 }, { "churn", 64 } };
  c3_d com_d[3] = { 0, 0, 0 }, lom_kb[3] = { 0, 0, 0 };
  _t_path(tra_c, sizeof(tra_c), "lazy.csv");
  for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
    c3_w siz_w = run_u[i_w].siz_w / ( i_w ? _t_scale_w : 1 );
    unlink(tra_c);
    h_rm(pir_c);     //  each workload on a pier of its own
    _t_base(&arg_u, run_u[i_w].wok_c, siz_w, 3);
    _t_add(&arg_u, "--loom", "34", "--loom-lazy", "--trace", tra_c, pir_c, (c3_c*)0);
    _t_how how_u = { .tim_w = 120 };
    pid_t  pid = _t_spawn(&arg_u, &how_u);
    _t_free(&arg_u);
    if ( _t_stop_after(pid, tra_c, 1, 60) ) {
      _t_proc_mem mem_u;
      _t_proc_read(pid, &mem_u);
      com_d[i_w]  = mem_u.commit_kb;
      lom_kb[i_w] = mem_u.loom_kb;
      kill(pid, SIGCONT);
    }
    else {
      T_OK(0, "(lazy) %s run stopped after event 1", run_u[i_w].wok_c);
    }
    T_EQ(_t_reap(pid, 120), 0);
    printf("(lazy) lazy, stopped after 1 event of %s %u MiB: commit %llu KiB, of which "
           "the loom %llu KiB\n", run_u[i_w].wok_c, siz_w, (unsigned long long)com_d[i_w],
           (unsigned long long)lom_kb[i_w]);
  }
  T_OK(com_d[0] > 0 && com_d[0] <= bot_d + 4096, "(lazy) kv, 1 event: commit %llu KiB "
       "stays small (after boot %llu)", (unsigned long long)com_d[0],
       (unsigned long long)bot_d);
  c3_d d16_d = (c3_d)(16 / _t_scale_w) * 1024, d64_d = (c3_d)(64 / _t_scale_w) * 1024;
  T_OK(com_d[1] >= com_d[0] + d16_d / 2, "(lazy) churn %llu KiB wrote more than kv: commit "
       "%llu vs %llu KiB", (unsigned long long)d16_d, (unsigned long long)com_d[1],
       (unsigned long long)com_d[0]);
  T_OK(com_d[2] >= com_d[1] + (d64_d - d16_d) / 2, "(lazy) commit grows with churn size: "
       "%llu vs %llu KiB", (unsigned long long)com_d[2], (unsigned long long)com_d[1]);
  T_OK(com_d[2] <= bot_d + 4 * d64_d, "(lazy) commit %llu KiB tracks what was written, not "
       "the loom", (unsigned long long)com_d[2]);
  //  the loom's own share, from the child's smaps: a few MiB for kv, at
  //  least half of what churn built, and at most four times it
  T_OK(lom_kb[0] <= 4096, "(lazy) kv: the loom's commit %llu KiB", (unsigned long long)lom_kb[0]);
  T_OK(lom_kb[1] >= d16_d / 2 && lom_kb[1] <= 4 * d16_d, "(lazy) churn %llu KiB: the loom's "
       "commit %llu KiB", (unsigned long long)d16_d, (unsigned long long)lom_kb[1]);
  T_OK(lom_kb[2] >= d64_d / 2 && lom_kb[2] <= 4 * d64_d, "(lazy) churn %llu KiB: the loom's "
       "commit %llu KiB", (unsigned long long)d64_d, (unsigned long long)lom_kb[2]);
  printf("(lazy) 20 kv events: commit at exit %llu KiB\n", (unsigned long long)kve_d);
  h_rm(pir_c);
  unlink(tra_c);
}

/* _t_crash(): (crash) SIGKILL in swap-file runs, then restart with the rest:
**   the state of an uninterrupted run.
*/
static void
_t_crash(void)
{
  const c3_w num_w = 60;
  c3_c       pir_c[2200], swp_c[2200], env_c[64], n_c[16];
  _t_args    arg_u;

  c3_d ref_d = _t_mug_fresh("crash-ref", "28", "mixed", 4, num_w);
  _t_path(pir_c, sizeof(pir_c), "crash");
  _t_path(swp_c, sizeof(swp_c), "crash.swap");

  //  the runtime's hook: durable up to event k, then SIGKILL
  static const c3_w kil_w[] = { 1, 17, 40, 59 };
  for ( c3_w i_w = 0; i_w < sizeof(kil_w) / sizeof(kil_w[0]); i_w++ ) {
    h_rm(pir_c);
    snprintf(env_c, sizeof(env_c), "URBIT_TEST_KILL_EVENT=%u", kil_w[i_w]);
    _t_how how_u = { .env_c = env_c, .tim_w = 120 };
    _t_base(&arg_u, "mixed", 4, num_w);
    _t_add(&arg_u, "--test-hooks", "--loom", "28", "--snap-every", "10", "--swap-file", swp_c,
           pir_c, (c3_c*)0);
    T_EQ(_t_run(&arg_u, &how_u), 128 + SIGKILL);
    T_OK(!h_exists(swp_c), "(crash) nothing of the swap file survives SIGKILL");
    snprintf(n_c, sizeof(n_c), "%u", num_w - kil_w[i_w]);
    _t_new(&arg_u);
    _t_add(&arg_u, "-q", "--json", "-w", "mixed", "--size", "4", "-n", n_c,
           "--swap-file", swp_c, pir_c, (c3_c*)0);
    T_EQ(_t_run(&arg_u, 0), 0);
    T_EQ(_t_json("event"), num_w);
    T_EQ(_t_json("mug"), ref_d);
  }

  //  an arbitrary moment inside churn event 4: stopped once event 3 is
  //  traced, let run a moment, killed.  The trace (flushed line by line)
  //  must end at event 3, or the kill missed event 4 and a shorter moment
  //  is tried; then restart, finish, compare
  c3_w big_w = 32 / _t_scale_w;
  c3_d reb_d = _t_mug_fresh("crash-ref2", "31", "churn", big_w, 6);
  c3_c tra_c[2200];
  c3_w del_w = 100000;
  c3_t hit_t = 0;
  _t_path(tra_c, sizeof(tra_c), "crash.csv");
  for ( c3_w try_w = 0; !hit_t && try_w < 4; try_w++, del_w /= 8 ) {
    h_rm(pir_c);
    unlink(tra_c);
    _t_base(&arg_u, "churn", big_w, 6);
    _t_add(&arg_u, "--loom", "31", "--swap-file", swp_c, "--loom-free-every-event",
           "--trace", tra_c, pir_c, (c3_c*)0);
    _t_how how_u = { .tim_w = 120 };
    pid_t pid = _t_spawn(&arg_u, &how_u);
    _t_free(&arg_u);
    c3_t  stp_t = _t_stop_after(pid, tra_c, 3, 60);
    if ( !T_OK(stp_t, "(crash) the run reached event 3") ) {
      break;
    }
    kill(pid, SIGCONT);
    usleep(del_w);
    kill(pid, SIGKILL);
    //  a run that finished within the moment missed event 4 as well
    c3_i sat_i = _t_reap(pid, 60);
    T_OK(128 + SIGKILL == sat_i || 0 == sat_i, "(crash) the run ended with "
         "status %d: neither killed nor finished", sat_i);
    hit_t = ( 128 + SIGKILL == sat_i
              && 4 == _t_lines(tra_c) );    //  the header and events 1 to 3
  }
  T_OK(hit_t, "(crash) the kill landed inside event 4 (the trace ends at event 3)");
  T_OK(!h_exists(swp_c), "(crash) nothing of the swap file survives SIGKILL");
  _t_new(&arg_u);
  _t_add(&arg_u, "-q", "--json", "-n", "0", "--swap-file", swp_c, pir_c, (c3_c*)0);
  T_EQ(_t_run(&arg_u, 0), 0);
  c3_d eve_d = _t_json("event");
  //  event 4 never finished; of 1 to 3, those not yet synced are lost, and rerun
  T_OK(eve_d <= 3, "(crash) restarted at event %llu", (unsigned long long)eve_d);
  if ( eve_d <= 6 ) {
    snprintf(n_c, sizeof(n_c), "%llu", 6 - (unsigned long long)eve_d);
    _t_new(&arg_u);
    _t_add(&arg_u, "-q", "--json", "-w", "churn", "-n", n_c, (c3_c*)0);
    _t_addf(&arg_u, "--size");
    _t_addf(&arg_u, "%u", big_w);
    _t_add(&arg_u, "--swap-file", swp_c, pir_c, (c3_c*)0);
    T_EQ(_t_run(&arg_u, 0), 0);
    T_EQ(_t_json("event"), 6);
    T_EQ(_t_json("mug"), reb_d);
  }
  printf("(crash) SIGKILL after events 1, 17, 40, 59 of 60 (hook) and in the middle of "
         "churn event 4 (restarted at event %llu) with --swap-file: restarts reach "
         "the uninterrupted mug\n", (unsigned long long)eve_d);
  h_rm(pir_c);
  unlink(tra_c);
}

/* _t_combined(): every flag at once gives the default policy's state. */
static void
_t_combined(void)
{
  const c3_w siz_w = 8 / _t_scale_w;
  const c3_w num_w = 80;
  c3_c       pir_c[2200], swp_c[2200];
  _t_args    arg_u;

  c3_d ref_d = _t_mug_fresh("all-ref", "30", "mixed", siz_w, num_w);
  _t_path(pir_c, sizeof(pir_c), "all");
  _t_path(swp_c, sizeof(swp_c), "all.swap");

  for ( c3_w v_w = 0; v_w < 3; v_w++ ) {
    h_rm(pir_c);
    _t_base(&arg_u, "mixed", siz_w, num_w);
    _t_add(&arg_u, "--loom", "30", "--snap-every", "25", "--loom-lazy", (c3_c*)0);
    if ( 0 == v_w ) {
      _t_add(&arg_u, "--swap-file", swp_c, "--loom-free-every-event", (c3_c*)0);
    }
    else if ( 1 == v_w ) {
      //  vere's spellings, dontneed, nothing kept
      _t_add(&arg_u, "--swap", "--toss", "1", "--loom-free-mode", "dontneed",
             "--loom-free-keep", "0", (c3_c*)0);
    }
    else {
      _t_add(&arg_u, "--swap-to", swp_c, "--toss", "3", (c3_c*)0);
    }
    _t_add(&arg_u, pir_c, (c3_c*)0);
    c3_i ret_i = _t_run(&arg_u, 0);
    T_OK(0 == ret_i, "combined %u exits 0 (%d): %s", v_w, ret_i, _t_r.err_c);
    T_EQ(_t_json("event"), num_w);
    T_EQ(_t_json("mug"), ref_d);
    printf("(combined) mixed %u MiB x %u, variant %u (%s): mug %s, rss %lld KiB, "
           "rss_net %lld KiB, swap_kb %lld, commit %lld KiB, released_pages %lld, maps %lld\n",
           siz_w, num_w, v_w,
           ( 0 == v_w ) ? "--swap-file --loom-free-every-event --loom-lazy"
           : ( 1 == v_w ) ? "--swap --toss 1 dontneed keep 0 --loom-lazy"
           : "--swap-to --toss 3 --loom-lazy",
           ( _t_json("mug") == ref_d ) ? "equal" : "DIFFERENT",
           (long long)_t_json("rss_kb"), (long long)_t_json("rss_net_kb"),
           (long long)_t_json("swap_kb"), (long long)_t_json("commit_kb"),
           (long long)_t_json("released_pages"), (long long)_t_json("maps"));
    if ( 0 == ret_i ) {
      _t_sound(pir_c, "combined");
    }
    if ( 1 == v_w ) {
      c3_c lim_c[2300];
      snprintf(lim_c, sizeof(lim_c), "%s/.urb/chk/limbo.bin", pir_c);
      T_OK(!h_exists(lim_c), "--swap: limbo.bin does not outlive the run");
    }
  }
  h_rm(pir_c);
}

/* _t_maps_bound(): a long kv run with --loom-lazy and release keeps the
**   mapping count far from vm.max_map_count (sampled while it runs).
*/
static void
_t_maps_bound(void)
{
  const c3_w num_w = 20000 / _t_scale_w;
  c3_c       pir_c[2200];
  _t_args    arg_u;

  _t_path(pir_c, sizeof(pir_c), "maps");
  h_rm(pir_c);
  _t_base(&arg_u, "kv", 8, num_w);
  _t_add(&arg_u, "--loom", "31", "--loom-lazy", "--loom-free-every-event",
         "--snap-every", "500", pir_c, (c3_c*)0);
  _t_how how_u = { .tim_w = 200 };
  pid_t  pid = _t_spawn(&arg_u, &how_u);
  _t_free(&arg_u);
  c3_w   mxm_w = 0, sam_w = 0;
  double dea_f = h_now() + 200;
  while ( h_now() < dea_f ) {
    c3_i sat_i;
    if ( pid == waitpid(pid, &sat_i, WNOHANG) ) {
      //  put it back for _t_reap to collect: it is gone, so reap reads files
      _t_collect(sat_i, 0);
      pid = 0;
      break;
    }
    c3_w map_w = _t_maps(pid);
    mxm_w = c3_max(mxm_w, map_w);
    sam_w++;
    usleep(10000);
  }
  if ( pid ) {
    kill(pid, SIGKILL);
    waitpid(pid, 0, 0);
    T_OK(0, "(maps) the kv run finished within 200 s");
    return;
  }
  T_EQ(_t_r.ret_i, 0);
  T_EQ(_t_json("event"), num_w);
  c3_d jsm_d = _t_json("maps");
  T_OK(mxm_w < 10000, "(maps) at most %u mappings seen while running", mxm_w);
  T_OK(jsm_d < 10000, "(maps) %llu mappings at exit", (unsigned long long)jsm_d);
  printf("(maps) kv 8 MiB x %u, --loom-lazy --loom-free-every-event: up to %u "
         "mappings over %u samples, %llu at exit, released_pages %llu\n", num_w, mxm_w,
         sam_w, (unsigned long long)jsm_d, (unsigned long long)_t_json("released_pages"));
  h_rm(pir_c);
}

int
main(int argc, c3_c* argv[])
{
  const c3_c* why_c = h_start("loom_swap_tests", &_t_urbit_c, _t_tmp_c,
                              sizeof(_t_tmp_c));
  if ( why_c ) {
    return t_skip(why_c);
  }
  if ( strstr(_t_urbit_c, "/asan") ) {
    //  sanitized builds run the same scenarios at half the sizes
    _t_scale_w = 2;
    printf("asan build: workloads scaled down by %u\n", _t_scale_w);
  }

  signal(SIGTERM, _t_on_term);
  signal(SIGINT, _t_on_term);

  //  the harness rule: this process's loom is leak-checked too
  u3m_init(24);
  u3m_pave();

  //  a scenario may be named on the command line to run it alone
  const c3_c* one_c = ( argc > 1 ) ? argv[1] : 0;
#define _T_RUN(nam, fun) \
  if ( !one_c || !strcmp(one_c, nam) ) { fun(); }

  _T_RUN("refusals", _t_refusals);
  _T_RUN("lazy", _t_lazy);
  _T_RUN("swap-blocks", _t_swap_blocks);
  _T_RUN("rss-bound", _t_rss_bound);
  _T_RUN("reclaim", _t_reclaim);
  _T_RUN("full-disk", _t_full_disk);
  _T_RUN("crash", _t_crash);
  _T_RUN("combined", _t_combined);
  _T_RUN("maps", _t_maps_bound);
  _T_RUN("kubernetes", _t_kubernetes);
#undef _T_RUN

  h_rm(_t_tmp_c);
  t_clean();
  u3m_fini();

  //  a part that could not run here makes the whole program a skip (unless
  //  something failed): it is never counted as a pass
  if ( _t_skp_c[0] && !t_fail_w ) {
    return t_skip(_t_skp_c);
  }
  return t_done();
}
