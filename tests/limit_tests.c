/// @file limit_tests.c
/// `--memory-limit`, end to end: the runtime pages its own loom under a cap,
/// with no cgroup and no swap.  The scenarios, each named in its messages
/// and on the command line (`limit_tests NAME` runs one):
///
///   holds     a churn run whose working set is 16 times the cap: the
///             loom's resident pages outside the scratch file (RSS of its
///             mappings, /proc/PID/smaps) plus the scratch file's whole
///             page cache (mincore over /proc/PID/fd/N) stay under the cap
///             at every sample (every 20 ms, and at once after every
///             event, seen as a new line of --trace; the run is stopped
///             for each, so that a sample is one instant); the run reaches
///             the unconstrained run's mug; killed by SIGKILL after an
///             event and restarted under the cap, it reaches it again;
///   save      a save whose dirty pages are over ten times the cap (a
///             blob state, one snapshot at the end) stays under it at every
///             sample, the save's included; the mug is the unconstrained
///             run's, `urbit check` finds the pier sound, and a run killed
///             by SIGKILL in its save restarts to the same mug;
///   auto      `--memory-limit auto` in a memory cgroup takes the cgroup's
///             limit less the headroom; under a limit too small for the
///             headroom, the floor, said on stderr; and refuses a limit
///             that leaves under u3e_limit_least_mb MiB above the floor,
///             with a message, where a swap file run goes on unpaged and
///             says so;
///   follow    auto's cap follows the cgroup's limit while the run goes
///             on: lowered from 96 to 48 MiB, then raised to 64 MiB, each
///             move said on stderr within a second or two; the run ends
///             on SIGTERM under the last cap, count sound, no OOM kill;
///   clamp     --memory-limit SIZE in a 64 MiB cgroup: 200M is paged under
///             what auto would take, and said; 20M is kept;
///   floorsave a cap near the floor (4.5 MiB), a save every 50 events, kv
///             4 MiB x 20,000: the unconstrained run's mug (a lazy page
///             reserved as a clean one while a save's apply ran lost a
///             box: release_tests window);
///   cgroup    auto's limit found from /proc/self/cgroup and
///             /proc/self/mountinfo laid out as hosts and containers lay
///             them out (fake trees, in process): v1 and v2, a mount that
///             shows a cgroup below the hierarchy's root, a parent's limit
///             binding a child with none, both hierarchies, escapes, no
///             mount table, and mounts that only name memory;
///   refusals  a cap below the floor is refused with a message naming the
///             floor, and malformed sizes with a message naming the flag,
///             before the pier is made.
///
/// Every watched run that reports a pager also reports its running count
/// never short of a recount at a sync (`pager_short` 0), and so do auto's
/// runs, where the cgroup reclaims clean pages and a clean page written
/// is counted as it moves into the swap file (auto-tight takes a snapshot
/// every 4 events, so that later events write clean pages).
///
/// auto needs a memory cgroup it can create (root); where it cannot, the
/// rest still runs and the program ends with t_skip() naming what was
/// missing.  Bounds are sizes, never timings.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "harness.h"
#include "noun/events_in.h"

#define _t_loom_bits  27                      //  a 128 MiB loom
#define _t_loom_base  0x200000000000ULL
#define _t_cap_mib    5                       //  the cap under test
#define _t_size_mib   80                      //  churn MiB per event: 16 x

static c3_w        _t_bits_w = _t_loom_bits;  //  the loom of the run
static const c3_c* _t_urbit_c;        //  the binary under test
static c3_c        _t_tmp_c[1000];    //  this program's scratch directory
static c3_c        _t_skip_c[700];    //  why a part could not run

/* _t_on_term(): on SIGTERM or SIGINT, kill the child and drop the cgroup
**   (async-signal-safe), then die of the signal.
*/
static void
_t_on_term(c3_i sig_i)
{
  pid_t kid_i = h_kid_i;
  if ( kid_i > 0 ) {
    kill(kid_i, SIGKILL);
    waitpid(kid_i, 0, 0);
  }
  if ( h_cg_live_c[0] ) {
    rmdir(h_cg_live_c);
  }
  signal(sig_i, SIG_DFL);
  raise(sig_i);
}

/* _t_scratch_kb(): KiB of the scratch file's page cache in process pid_i
**   (the open, deleted file named like the swap file), by mincore over a
**   mapping of /proc/PID/fd/N; ~0 if it cannot be found.
*/
static c3_d
_t_scratch_kb(pid_t pid_i, const c3_c* nam_c)
{
  c3_c           dir_c[64], lnk_c[1200], tgt_c[1200];
  DIR*           dir_u;
  struct dirent* ent_u;
  c3_d           res_d = ~0ULL;

  snprintf(dir_c, sizeof(dir_c), "/proc/%d/fd", (c3_i)pid_i);
  if ( !(dir_u = opendir(dir_c)) ) {
    return ~0ULL;
  }
  while ( (ent_u = readdir(dir_u)) ) {
    ssize_t len_i;
    snprintf(lnk_c, sizeof(lnk_c), "%s/%s", dir_c, ent_u->d_name);
    if ( 0 >= (len_i = readlink(lnk_c, tgt_c, sizeof(tgt_c) - 1)) ) {
      continue;
    }
    tgt_c[len_i] = 0;
    if ( !strstr(tgt_c, nam_c) || !strstr(tgt_c, "(deleted)") ) {
      continue;
    }
    c3_i        fid_i = open(lnk_c, O_RDONLY);
    struct stat sat_u;
    if ( fid_i < 0 || fstat(fid_i, &sat_u) ) {
      if ( fid_i >= 0 ) close(fid_i);
      continue;
    }
    c3_z  siz_z = (c3_z)sat_u.st_size;
    c3_z  pag_z = (c3_z)sysconf(_SC_PAGESIZE);
    void* ptr_v = siz_z ? mmap(0, siz_z, PROT_READ, MAP_SHARED, fid_i, 0) : 0;
    res_d = 0;
    if ( ptr_v && MAP_FAILED != ptr_v ) {
      c3_z   num_z = (siz_z + pag_z - 1) / pag_z;
      c3_y*  vec_y = malloc(num_z);
      if ( vec_y && 0 == mincore(ptr_v, siz_z, vec_y) ) {
        for ( c3_z i_z = 0; i_z < num_z; i_z++ ) {
          res_d += (vec_y[i_z] & 1) ? pag_z : 0;
        }
      }
      free(vec_y);
      munmap(ptr_v, siz_z);
    }
    close(fid_i);
    res_d >>= 10;
    break;
  }
  closedir(dir_u);
  return res_d;
}

/* _t_loom_kb(): KiB resident in process pid_i's loom mappings, *oth_kb
**   those of them that are not the scratch file's (named like nam_c), and
**   *all_kb the whole process's RSS, from one read of /proc/PID/smaps; ~0
**   if unreadable.
*/
static c3_d
_t_loom_kb(pid_t pid_i, const c3_c* nam_c, c3_d* oth_kb, c3_d* all_kb)
{
  c3_c  pat_c[64], lin_c[1400];
  FILE* fil_u;
  c3_d  lom_d = 0;
  c3_t  lom_t = 0, oth_t = 0;

  *all_kb = 0;
  *oth_kb = 0;
  snprintf(pat_c, sizeof(pat_c), "/proc/%d/smaps", (c3_i)pid_i);
  if ( !(fil_u = fopen(pat_c, "r")) ) {
    return ~0ULL;
  }
  while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
    unsigned long long lo_d, hi_d, kb_d;
    if ( 2 == sscanf(lin_c, "%llx-%llx ", &lo_d, &hi_d) && strchr(lin_c, ' ') ) {
      lom_t = lo_d >= _t_loom_base
              && hi_d <= _t_loom_base + (1ULL << _t_bits_w);
      oth_t = lom_t && !strstr(lin_c, nam_c);
    }
    else if ( 1 == sscanf(lin_c, "Rss: %llu kB", &kb_d) ) {
      *all_kb += kb_d;
      lom_d += lom_t ? kb_d : 0;
      *oth_kb += oth_t ? kb_d : 0;
    }
  }
  fclose(fil_u);
  return lom_d;
}

/* _t_lines(): lines in file pat_c (0 if missing). */
static c3_w
_t_lines(const c3_c* pat_c)
{
  c3_c  buf_c[65536];
  c3_w  num_w = 0;
  ssize_t len_i = h_slurp(pat_c, buf_c, sizeof(buf_c));
  for ( ssize_t i_i = 0; i_i < len_i; i_i++ ) {
    num_w += ( '\n' == buf_c[i_i] );
  }
  return num_w;
}

/* _t_watch: what sampling a capped run found. */
typedef struct {
  c3_w   num_w;       //  samples
  c3_w   eve_w;       //  of them, taken just after an event
  c3_d   max_kb;      //  the most loom memory seen (resident + cache)
  c3_d   rss_kb;      //  the most loom RSS seen (every loom mapping)
  c3_d   out_kb;      //  the most process RSS outside the loom seen
  c3_w   bad_w;       //  samples that could not be read
} _t_watch;

/* _t_capped(): run urbit with args arg_c under the watch of this process:
**   sample the loom's memory every 20 ms and after every event (a line of
**   tra_c); kil_w: SIGKILL it at the first sample after kil_w events (0:
**   never); the exit status; *run_u gets the output.
*/
static c3_i
_t_capped(const c3_c* dir_c, c3_c* const* arg_c, const c3_c* tra_c,
          const c3_c* env_c, h_run* run_u, _t_watch* wat_u, c3_w kil_w)
{
  c3_c  out_c[1200], err_c[1200];
  h_how how_u = { 0 };
  c3_w  lin_w = 0;

  memset(wat_u, 0, sizeof(*wat_u));
  h_join(out_c, sizeof(out_c), dir_c, "run.out");
  h_join(err_c, sizeof(err_c), dir_c, "run.err");
  how_u.out_c = out_c;
  how_u.err_c = err_c;
  how_u.env_c = env_c;
  pid_t pid_i = h_spawn(arg_c, &how_u);
  if ( pid_i < 0 ) {
    return -1;
  }
  while ( 1 ) {
    c3_i  sat_i;
    pid_t ret_i = waitpid(pid_i, &sat_i, WNOHANG);
    c3_w  now_w;
    c3_d  all_kb, sca_kb, lom_kb;

    if ( ret_i ) {
      h_kid_i = 0;
      run_u->ret_i = ( ret_i == pid_i ) ? h_status(sat_i) : -1;
      break;
    }
    //  a sample is one instant: the process is stopped while its smaps
    //  and the file's page cache are read (a running pager moves a block
    //  out and another in between two reads)
    now_w = _t_lines(tra_c);
    kill(pid_i, SIGSTOP);
    ret_i = waitpid(pid_i, &sat_i, WUNTRACED);
    if ( ret_i != pid_i || !WIFSTOPPED(sat_i) ) {
      h_kid_i = 0;
      run_u->ret_i = ( ret_i == pid_i ) ? h_status(sat_i) : -1;
      break;
    }
    c3_d rsl_kb = _t_loom_kb(pid_i, "limbo", &lom_kb, &all_kb);
    sca_kb = _t_scratch_kb(pid_i, "limbo");
    kill(pid_i, SIGCONT);
    if ( ~0ULL == rsl_kb || ~0ULL == sca_kb ) {
      wat_u->bad_w++;
    }
    else {
      wat_u->num_w++;
      wat_u->eve_w += ( now_w > lin_w );
      wat_u->max_kb = c3_max(wat_u->max_kb, lom_kb + sca_kb);
      wat_u->rss_kb = c3_max(wat_u->rss_kb, rsl_kb);
      wat_u->out_kb = c3_max(wat_u->out_kb, all_kb - c3_min(all_kb, lom_kb + sca_kb));
    }
    if ( kil_w && now_w >= kil_w ) {
      kill(pid_i, SIGKILL);
    }
    if ( now_w > lin_w ) {
      lin_w = now_w;
      continue;    //  at once again: the next event may be short
    }
    usleep(20000);
  }
  h_slurp(out_c, run_u->out_c, sizeof(run_u->out_c));
  h_slurp(err_c, run_u->err_c, sizeof(run_u->err_c));
  //  the pager's running count never fell short of a recount at a sync
  if ( strstr(run_u->out_c, "\"pager_short\"") ) {
    T_EQ(0, h_json_d(run_u->out_c, "pager_short"));
  }
  return run_u->ret_i;
}

/* _t_churn_args(): the churn command line for pier pir_c, -n num_c, with
**   extra arguments ext_c (null-terminated) into arg_c.
*/
static void
_t_churn_args(c3_c** arg_c, const c3_c* pir_c, const c3_c* num_c,
              const c3_c* const* ext_c)
{
  static c3_c siz_c[16], bit_c[16];
  c3_w        n_w = 0;

  snprintf(siz_c, sizeof(siz_c), "%u", _t_size_mib);
  snprintf(bit_c, sizeof(bit_c), "%u", _t_loom_bits);
  arg_c[n_w++] = (c3_c*)_t_urbit_c;
  arg_c[n_w++] = "-q";
  arg_c[n_w++] = "--json";
  arg_c[n_w++] = "-w";
  arg_c[n_w++] = "churn";
  arg_c[n_w++] = "--seed";
  arg_c[n_w++] = "3";
  arg_c[n_w++] = "--size";
  arg_c[n_w++] = siz_c;
  arg_c[n_w++] = "--loom";
  arg_c[n_w++] = bit_c;
  arg_c[n_w++] = "-n";
  arg_c[n_w++] = (c3_c*)num_c;
  while ( ext_c && *ext_c ) {
    arg_c[n_w++] = (c3_c*)*ext_c++;
  }
  arg_c[n_w++] = (c3_c*)pir_c;
  arg_c[n_w] = 0;
}

/* _t_holds(): the cap holds on a working set 16 times it, reaches the
**   unconstrained mug, and survives SIGKILL and a restart.
*/
static void
_t_holds(void)
{
  static h_run run_u;
  c3_c         pir_c[1100], tra_c[1100], cap_c[16];
  c3_c*        arg_c[40];
  _t_watch     wat_u;
  c3_d         mug_d, pek_d;

  snprintf(cap_c, sizeof(cap_c), "%uM", _t_cap_mib);
  h_join(tra_c, sizeof(tra_c), _t_tmp_c, "trace.csv");

  //  unconstrained: the mug to reach, the working set
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "free");
  _t_churn_args(arg_c, pir_c, "3", 0);
  T_EQ(0, h_run_in(_t_tmp_c, arg_c, 0, 600, &run_u));
  mug_d = h_json_d(run_u.out_c, "mug");
  pek_d = h_json_d(run_u.out_c, "rss_peak_kb");
  T_OK(~0ULL != mug_d, "holds: unconstrained mug: %s%s", run_u.out_c, run_u.err_c);
  T_OK(pek_d >= 16ULL * (_t_cap_mib << 10) * 15 / 16,
       "holds: the working set (peak RSS %llu KiB) is about 16 x the cap",
       (unsigned long long)pek_d);

  //  capped and watched: killed after event 1, restarted under the cap,
  //  the same state as unconstrained
  {
    const c3_c* ext_c[] = { "--memory-limit", cap_c, "--test-hooks", "--trace", tra_c, 0 };
    const c3_c* res_c[] = { "--memory-limit", cap_c, "--trace", tra_c, 0 };
    c3_d        rss_kb, max_kb, out_kb;
    c3_w        num_w, eve_w;

    h_join(pir_c, sizeof(pir_c), _t_tmp_c, "capped");
    _t_churn_args(arg_c, pir_c, "3", ext_c);
    T_EQ(128 + SIGKILL, _t_capped(_t_tmp_c, arg_c, tra_c, "URBIT_TEST_KILL_EVENT=1",
                                  &run_u, &wat_u, 0));
    rss_kb = wat_u.rss_kb;
    max_kb = wat_u.max_kb;
    out_kb = wat_u.out_kb;
    num_w  = wat_u.num_w;
    eve_w  = wat_u.eve_w;
    //  two events, so that samples are taken after one of them (the
    //  last ends with the exit)
    _t_churn_args(arg_c, pir_c, "2", res_c);
    T_EQ(0, _t_capped(_t_tmp_c, arg_c, tra_c, 0, &run_u, &wat_u, 0));
    T_EQ(3, h_json_d(run_u.out_c, "event"));
    T_EQ(mug_d, h_json_d(run_u.out_c, "mug"));
    rss_kb = c3_max(rss_kb, wat_u.rss_kb);
    max_kb = c3_max(max_kb, wat_u.max_kb);
    out_kb = c3_max(out_kb, wat_u.out_kb);
    num_w += wat_u.num_w;
    eve_w += wat_u.eve_w;
    T_OK(num_w >= 10 && eve_w >= 1, "holds: %u samples, %u after events", num_w, eve_w);
    //  the cap covers the loom's resident pages and the scratch file's
    //  page cache together, at every sample, with no slack: the pager
    //  keeps a block of its budget for the clean image pages an event
    //  reads (it sees them only at event boundaries), and this image is
    //  smaller than that block
    T_OK(h_json_d(run_u.out_c, "image_kb") <= 1024,
         "holds: the image (%llu KiB) fits in the pager's slack",
         (unsigned long long)h_json_d(run_u.out_c, "image_kb"));
    T_OK(max_kb <= ((c3_d)_t_cap_mib << 10),
         "holds: loom RSS and the scratch file's page cache %llu KiB at most, "
         "cap %u MiB", (unsigned long long)max_kb, _t_cap_mib);
    T_OK(rss_kb <= ((c3_d)_t_cap_mib << 10),
         "holds: loom RSS %llu KiB at most, cap %u MiB",
         (unsigned long long)rss_kb, _t_cap_mib);
    T_OK(h_json_d(run_u.out_c, "pager_out_pages") > 0
         && h_json_d(run_u.out_c, "pager_in_pages") > 0
         && h_json_d(run_u.out_c, "pager_out_pages") != ~0ULL,
         "holds: pages went out and came back: %s", run_u.out_c);
    printf("holds: cap %u MiB, working set %llu KiB: loom RSS at most %llu KiB; "
           "with the scratch file's page cache at most %llu KiB; over %u "
           "samples (%u after events); the runtime outside the loom at most "
           "%llu KiB; %s",
           _t_cap_mib, (unsigned long long)pek_d, (unsigned long long)rss_kb,
           (unsigned long long)max_kb, num_w, eve_w, (unsigned long long)out_kb,
           run_u.out_c);
  }
}

/* _t_ahead(): under a cap of 24 MiB, refaults that walk the loom block
**   after block read the next blocks ahead; those are counted under the
**   cap like any other, which holds at every sample, and the run reaches
**   the unconstrained mug.  A cap of its own counts clean image pages:
**   one by one up to 128 MiB, where its blocks are a cgroup cap's (1 MiB
**   from 24 MiB), and a block at a time above, in 256 KiB blocks.
*/
static void
_t_ahead(void)
{
  static h_run run_u;
  c3_c         pir_c[1100], tra_c[1100];
  _t_watch     wat_u;
  c3_d         mug_d, ahd_d, ref_d;
  const c3_c*  cap_c = "24M";
  c3_c*        arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--json", "-w", "churn",
                           "--seed", "3", "--size", "240", "--loom", "29",
                           "-n", "1", pir_c, 0, 0, 0, 0, 0 };

  h_join(tra_c, sizeof(tra_c), _t_tmp_c, "ahead.csv");
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "ahead-free");
  T_EQ(0, h_run_in(_t_tmp_c, arg_c, 0, 600, &run_u));
  mug_d = h_json_d(run_u.out_c, "mug");
  T_OK(~0ULL != mug_d, "ahead: unconstrained mug: %s%s", run_u.out_c, run_u.err_c);

  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "ahead-capped");
  arg_c[13] = "--memory-limit";
  arg_c[14] = (c3_c*)cap_c;
  arg_c[15] = "--trace";
  arg_c[16] = tra_c;
  arg_c[17] = pir_c;
  T_EQ(0, _t_capped(_t_tmp_c, arg_c, tra_c, 0, &run_u, &wat_u, 0));
  T_EQ(mug_d, h_json_d(run_u.out_c, "mug"));
  ahd_d = h_json_d(run_u.out_c, "pager_ahead");
  ref_d = h_json_d(run_u.out_c, "pager_refaults");
  T_OK(~0ULL != ahd_d && ahd_d > 0 && ~0ULL != ref_d,
       "ahead: blocks were read ahead of the refaults: %s", run_u.out_c);
  T_EQ(1024, h_json_d(run_u.out_c, "pager_block_kb"));
  T_OK(wat_u.num_w >= 5, "ahead: %u samples", wat_u.num_w);
  T_OK(wat_u.max_kb <= (24ULL << 10),
       "ahead: loom RSS and the scratch file's page cache %llu KiB at most, "
       "cap 24 MiB", (unsigned long long)wat_u.max_kb);
  printf("ahead: churn 240 MiB under 24 MiB: %llu blocks refaulted, %llu read "
         "ahead; at most %llu KiB over %u samples\n", (unsigned long long)ref_d,
         (unsigned long long)ahd_d, (unsigned long long)wat_u.max_kb, wat_u.num_w);

  //  above 128 MiB, clean pages count a block at a time: 256 KiB blocks
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "ahead-large");
  arg_c[8]  = "8";
  arg_c[14] = "160M";
  T_EQ(0, h_run_in(_t_tmp_c, arg_c, 0, 600, &run_u));
  T_EQ(256, h_json_d(run_u.out_c, "pager_block_kb"));
  T_EQ(160ULL << 10, h_json_d(run_u.out_c, "pager_cap_kb"));
}

/* _t_auto_cg(): a memory cgroup of lim_d bytes for the next run of
**   _t_auto, into *cg_u and how_u; 0, with the reason to skip noted, if
**   none can be made.
*/
static c3_t
_t_auto_cg(h_cg* cg_u, h_how* how_u, c3_d lim_d)
{
  c3_c why_c[600];

  if ( !h_cg_make(cg_u, lim_d, why_c, sizeof(why_c)) ) {
    snprintf(_t_skip_c, sizeof(_t_skip_c), "auto: no memory cgroup: %s", why_c);
    return 0;
  }
  how_u->cgp_c = cg_u->dir_c;
  return 1;
}

/* _t_auto(): --memory-limit auto in a memory cgroup. */
static void
_t_auto(void)
{
  static h_run run_u;
  c3_c         pir_c[1100];
  h_cg         cg_u;
  h_how        how_u = { 0 };

  if ( !_t_auto_cg(&cg_u, &how_u, 96ULL << 20) ) {
    return;
  }
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "auto");
  {
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--json", "-w", "kv", "--size", "4",
                      "-n", "20", "--loom", "27", "--memory-limit", "auto", pir_c, 0 };
    T_EQ(0, h_run_in(_t_tmp_c, arg_c, &how_u, 300, &run_u));
    //  96 MiB less its headroom: max(96/8, u3e_limit_runtime_mb) MiB, in
    //  1 MiB blocks (the cgroup reclaims the clean pages: none counted)
    T_EQ((96 - c3_max(96 / 8, u3e_limit_runtime_mb)) << 10,
         h_json_d(run_u.out_c, "pager_cap_kb"));
    T_EQ(1024, h_json_d(run_u.out_c, "pager_block_kb"));
    T_EQ(0, h_json_d(run_u.out_c, "pager_short"));
  }
  //  a limit too small for the whole headroom keeps only the least of it,
  //  said on stderr even with -q (12 MiB less 8 leaves 4 MiB, under the
  //  floor of 4 MiB plus the default loom's 2 MiB page table)
  h_cg_drop(&cg_u);
  if ( !_t_auto_cg(&cg_u, &how_u, 12ULL << 20) ) {
    return;
  }
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "auto-tight");
  {
    //  a snapshot every 4 events: later events write clean image pages,
    //  which move into the swap file and are counted as they do
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--json", "-w", "kv", "--size", "4",
                      "-n", "20", "--snap-every", "4", "--memory-limit", "auto",
                      pir_c, 0 };
    T_EQ(0, h_run_in(_t_tmp_c, arg_c, &how_u, 300, &run_u));
    T_EQ((12 - u3e_limit_least_mb) << 10, h_json_d(run_u.out_c, "pager_cap_kb"));
    T_EQ(0, h_json_d(run_u.out_c, "pager_short"));
    T_EQ(128, h_json_d(run_u.out_c, "pager_block_kb"));
    T_OK(strstr(run_u.err_c, "too small for the usual headroom")
         && strstr(run_u.err_c, "paged under 9216 KiB"),
         "auto: a tight cgroup limit is said: %s", run_u.err_c);
  }
  //  a limit that leaves less than u3e_limit_least_mb above the floor:
  //  refused, with the floor
  h_cg_drop(&cg_u);
  if ( !_t_auto_cg(&cg_u, &how_u,
                   u3e_limit_floor(31) + ((u3e_limit_least_mb << 20) - 4096)) )
  {
    return;
  }
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "auto-low");
  {
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--json", "-n", "1",
                      "--memory-limit", "auto", pir_c, 0 };
    T_EQ(1, h_run_in(_t_tmp_c, arg_c, &how_u, 300, &run_u));
    T_OK(strstr(run_u.err_c, "floor of 6144 KiB") && strstr(run_u.out_c, "\"error\""),
         "auto: a cgroup limit below the floor is refused: %s", run_u.err_c);
  }
  h_cg_drop(&cg_u);

  //  a swap file run there is not refused: it runs unpaged, and says so
  //  (a 16 GiB loom, whose floor is 20 MiB: the cgroup under its floor
  //  plus 3 MiB still holds a sanitizer build, 14 MiB of RSS)
  if ( !_t_auto_cg(&cg_u, &how_u,
                   u3e_limit_floor(34) + ((u3e_limit_least_mb << 20) - 4096)) )
  {
    return;
  }
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "auto-low-swap");
  {
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--json", "-w", "kv", "--size", "1",
                      "-n", "5", "--loom", "34", "--swap", pir_c, 0 };
    T_EQ(0, h_run_in(_t_tmp_c, arg_c, &how_u, 300, &run_u));
    T_OK(strstr(run_u.err_c, "the swap file is not paged by the runtime")
         && strstr(run_u.err_c, "floor of 20480 KiB")
         && !strstr(run_u.out_c, "pager_cap_kb"),
         "auto: a swap file run below the floor runs unpaged: %s%s",
         run_u.out_c, run_u.err_c);
  }
  h_cg_drop(&cg_u);
}

/* _t_said(): 1 once the file err_c holds wan_c, looked at every 100 ms
**   for 5 s; what it holds into msg_c.
*/
static c3_t
_t_said(const c3_c* err_c, const c3_c* wan_c, c3_c* msg_c, c3_z msg_z)
{
  msg_c[0] = 0;
  for ( c3_w i_w = 0; i_w < 50 && !strstr(msg_c, wan_c); i_w++ ) {
    usleep(100000);
    h_slurp(err_c, msg_c, msg_z);
  }
  return 0 != strstr(msg_c, wan_c);
}

/* _t_follow(): --memory-limit auto follows its cgroup's limit while it
**   runs, as a pod resized in place sees it: lowered from 96 to 48 MiB,
**   then raised to 64 MiB, the cap moves with it within a second or two,
**   says so, and the run goes on to its end (SIGTERM) with its count
**   sound.
*/
static void
_t_follow(void)
{
  c3_c  pir_c[1100], out_c[1100], err_c[1100];
  c3_c  jon_c[8192], msg_c[16384];
  h_cg  cg_u;
  h_how how_u = { 0 };
  c3_t  tim_t;
  pid_t pid_i;
  c3_i  sat_i;
  c3_o  tit_o;
  c3_d  low_d = u3e_limit_under(48ULL << 20, _t_bits_w, &tit_o);
  c3_d  hig_d = u3e_limit_under(64ULL << 20, _t_bits_w, &tit_o);
  c3_c  one_c[2400], two_c[2400], asn_c[1200];

  if ( !_t_auto_cg(&cg_u, &how_u, 96ULL << 20) ) {
    return;
  }
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "follow");
  h_join(out_c, sizeof(out_c), _t_tmp_c, "follow.out");
  h_join(err_c, sizeof(err_c), _t_tmp_c, "follow.err");
  how_u.out_c = out_c;
  how_u.err_c = err_c;
  //  a sanitizer build keeps what it frees in quarantine, 256 MiB by
  //  default, which over tens of thousands of events would pass the limit
  if ( getenv("ASAN_OPTIONS") ) {
    snprintf(asn_c, sizeof(asn_c), "ASAN_OPTIONS=%s:quarantine_size_mb=1",
             getenv("ASAN_OPTIONS"));
    how_u.env_c = asn_c;
  }
  {
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "--json", "-w", "kv", "--size", "4",
                      "-n", "100000000", "--loom", "27", "--memory-limit",
                      "auto", pir_c, 0 };
    if ( 0 > (pid_i = h_spawn(arg_c, &how_u)) ) {
      T_OK(0, "follow: the run starts");
      h_cg_drop(&cg_u);
      return;
    }
  }
  snprintf(one_c, sizeof(one_c), "limit is now 49152 KiB (%s/memory.%s): the "
           "loom is paged under %llu KiB (it was %llu KiB)", cg_u.dir_c,
           ( 2 == cg_u.ver_w ) ? "max" : "limit_in_bytes",
           (unsigned long long)(low_d >> 10),
           (unsigned long long)((96 - c3_max(96 / 8, u3e_limit_runtime_mb)) << 10));
  snprintf(two_c, sizeof(two_c), "limit is now 65536 KiB (%s/memory.%s): the "
           "loom is paged under %llu KiB (it was %llu KiB)", cg_u.dir_c,
           ( 2 == cg_u.ver_w ) ? "max" : "limit_in_bytes",
           (unsigned long long)(hig_d >> 10), (unsigned long long)(low_d >> 10));
  //  each change is seen within a second of the next event boundary
  usleep(1500000);
  T_EQ(0, h_cg_limit(&cg_u, 48ULL << 20));
  T_OK(_t_said(err_c, one_c, msg_c, sizeof(msg_c)), "follow: the cap moved "
       "down with the limit: %s", msg_c);
  T_EQ(0, h_cg_limit(&cg_u, 64ULL << 20));
  T_OK(_t_said(err_c, two_c, msg_c, sizeof(msg_c)), "follow: the cap moved "
       "up with the limit: %s", msg_c);
  //  too small for the whole headroom: the runtime keeps the least, said
  //  even so; then back to 64 MiB
  T_EQ(0, h_cg_limit(&cg_u, 12ULL << 20));
  T_OK(_t_said(err_c, "limit is now 12288 KiB", msg_c, sizeof(msg_c))
       && strstr(msg_c, "too small for the usual headroom: the runtime keeps "
                 "3072 KiB for itself")
       && strstr(msg_c, "the loom is paged under 9216 KiB (it was"),
       "follow: a tight limit: %s", msg_c);
  T_EQ(0, h_cg_limit(&cg_u, 64ULL << 20));
  T_OK(_t_said(err_c, "paged under 57344 KiB (it was 9216 KiB)", msg_c,
               sizeof(msg_c)), "follow: up again: %s", msg_c);
  kill(pid_i, SIGTERM);
  sat_i = h_reap(pid_i, 120, &tim_t, 0);
  T_EQ(0, h_status(sat_i));
  h_slurp(out_c, jon_c, sizeof(jon_c));
  T_EQ(hig_d >> 10, h_json_d(jon_c, "pager_cap_kb"));
  T_EQ(64ULL << 10, h_json_d(jon_c, "cgroup_limit_kb"));
  T_EQ(4, h_json_d(jon_c, "pager_cap_moves"));
  T_EQ(0, h_json_d(jon_c, "pager_short"));
  T_EQ(0, h_cg_ooms(&cg_u));
  printf("follow: a cgroup limit of 96, then 48, then 64 MiB: caps %llu and "
         "%llu KiB, %llu events\n", (unsigned long long)(low_d >> 10),
         (unsigned long long)(hig_d >> 10),
         (unsigned long long)h_json_d(jon_c, "new_events"));
  h_cg_drop(&cg_u);
}

/* _t_clamp(): --memory-limit SIZE in a memory cgroup whose limit leaves
**   the loom less than SIZE: paged under what auto would take, and said;
**   a SIZE under that is kept as given.
*/
static void
_t_clamp(void)
{
  static h_run run_u;
  c3_c         pir_c[1100];
  h_cg         cg_u;
  h_how        how_u = { 0 };
  c3_o         tit_o;
  c3_d         cap_d = u3e_limit_under(64ULL << 20, _t_bits_w, &tit_o);

  if ( !_t_auto_cg(&cg_u, &how_u, 64ULL << 20) ) {
    return;
  }
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "clamp");
  {
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--json", "-w", "kv", "--size", "4",
                      "-n", "20", "--loom", "27", "--memory-limit", "200M",
                      pir_c, 0 };
    T_EQ(0, h_run_in(_t_tmp_c, arg_c, &how_u, 300, &run_u));
    T_EQ(cap_d >> 10, h_json_d(run_u.out_c, "pager_cap_kb"));
    T_EQ(64ULL << 10, h_json_d(run_u.out_c, "cgroup_limit_kb"));
    T_OK(0 != strstr(run_u.err_c, "--memory-limit 204800 KiB is more than the "
                     "memory cgroup's limit (65536 KiB"),
         "clamp: a size above the cgroup's room is said: %s", run_u.err_c);
  }
  h_rm(pir_c);
  {
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--json", "-w", "kv", "--size", "4",
                      "-n", "20", "--loom", "27", "--memory-limit", "20M",
                      pir_c, 0 };
    T_EQ(0, h_run_in(_t_tmp_c, arg_c, &how_u, 300, &run_u));
    T_EQ(20ULL << 10, h_json_d(run_u.out_c, "pager_cap_kb"));
    T_OK(!strstr(run_u.err_c, "is more than"), "clamp: a size under the "
         "cgroup's room is kept: %s", run_u.err_c);
  }
  printf("clamp: --memory-limit 200M in a 64 MiB cgroup: paged under %llu KiB\n",
         (unsigned long long)(cap_d >> 10));
  h_cg_drop(&cg_u);
}

/* _t_floorsave(): a cap near the floor (4.5 MiB) with a save every 50
**   events: the run reaches the unconstrained run's mug.  With each
**   save's apply on a thread while the pager ran, the state was corrupted
**   within 10,000 to 20,000 events (an assertion on a freed box): the
**   pager's punches made many lazy pages that saves then wrote as zeros,
**   and u3e_reserve took such a page for a clean one (release_tests
**   window).
*/
static void
_t_floorsave(void)
{
  static h_run run_u;
  c3_c         pir_c[1100];
  c3_d         mug_d;

  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "floorsave-free");
  {
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--json", "-w", "kv", "--size", "4",
                      "-n", "20000", "--loom", "27", pir_c, 0 };
    T_EQ(0, h_run_in(_t_tmp_c, arg_c, 0, 300, &run_u));
    mug_d = h_json_d(run_u.out_c, "mug");
  }
  h_rm(pir_c);
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "floorsave");
  {
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--json", "-w", "kv", "--size", "4",
                      "-n", "20000", "--loom", "27", "--memory-limit", "4500K",
                      "--snap-every", "50", pir_c, 0 };
    T_EQ(0, h_run_in(_t_tmp_c, arg_c, 0, 300, &run_u));
    T_EQ(mug_d, h_json_d(run_u.out_c, "mug"));
    T_EQ(0, h_json_d(run_u.out_c, "pager_short"));
    printf("floorsave: kv 4 MiB x 20,000 under 4500 KiB, a save every 50 "
           "events: %s, %llu pages written out (%.1f s)\n",
           ( mug_d == h_json_d(run_u.out_c, "mug") ) ? "the same mug" : "another mug",
           (unsigned long long)h_json_d(run_u.out_c, "pager_out_pages"),
           run_u.wal_d);
  }
  h_rm(pir_c);
}

/* _t_under(): the cap a cgroup limit gives (u3e_limit_under), for the
**   default loom and a 16 GiB one: 0 below the floor plus the runtime's
**   least, at least the floor above it, at most the limit less that
**   least, never less than the limit less the whole headroom and exactly
**   that once it leaves the floor plus the rest of the headroom's least,
**   and never falling as the limit grows.
*/
static void
_t_under(void)
{
  c3_w bit_w[2] = { 31, 34 };

  for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
    c3_d flo_d = u3e_limit_floor(bit_w[i_w]);
    c3_d lea_d = (c3_d)u3e_limit_least_mb << 20;
    c3_d las_d = 0;
    c3_t ok_t  = 1;
    c3_w tit_w = 0;
    c3_d bad_d = ~0ULL;               //  the first limit that fails

    for ( c3_d lim_d = 0; lim_d <= (256ULL << 20) && ok_t; lim_d += 64ULL << 10 ) {
      c3_o tit_o;
      c3_d cap_d = u3e_limit_under(lim_d, bit_w[i_w], &tit_o);
      c3_d ful_d = lim_d - c3_min(lim_d, u3e_limit_headroom(lim_d));

      if ( lim_d < flo_d + lea_d ) {
        ok_t = ( 0 == cap_d );
      }
      else {
        ok_t = cap_d >= flo_d && cap_d <= lim_d - lea_d && cap_d >= ful_d
               && cap_d >= las_d && (_(tit_o) == (cap_d > ful_d))
               //  a limit with room for the whole headroom keeps it
               && ( ful_d < flo_d + ((c3_d)u3e_limit_runtime_mb << 20) - lea_d
                    || cap_d == ful_d )
               //  from u3e_limit_ample up, and only there
               && ( _(tit_o) == (lim_d < u3e_limit_ample(bit_w[i_w])) );
        tit_w += _(tit_o);
        las_d = cap_d;
      }
      if ( !ok_t ) {
        bad_d = lim_d;
      }
    }
    T_OK(ok_t, "under: 2^%u loom: the cap for a limit of %llu KiB", bit_w[i_w],
         (unsigned long long)(bad_d >> 10));
    printf("under: a 2^%u-byte loom (floor %llu KiB): %u of the limits tried "
           "were too small for the whole headroom, up to %llu KiB\n", bit_w[i_w],
           (unsigned long long)(flo_d >> 10), tit_w,
           (unsigned long long)(u3e_limit_ample(bit_w[i_w]) >> 10));
    T_OK(tit_w > 0, "under: some limits were tight");
  }
}

/* _t_refusals(): caps below the floor and malformed sizes. */
static void
_t_refusals(void)
{
  static h_run run_u;
  c3_c         pir_c[1100];
  const c3_c*  bad_c[] = { "", "12X", "-5M", "5 M", " 5M", "0", "0M", "M",
                           "auto2", "5MB", "99999999999G", "1.5G" };

  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "refused");
  {
    //  2 GiB loom: a page table of 2 MiB, and 4 MiB to page in
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--memory-limit", "5M", pir_c, 0 };
    T_EQ(1, h_run_in(_t_tmp_c, arg_c, 0, 60, &run_u));
    T_OK(strstr(run_u.err_c, "below the floor of 6144 KiB"),
         "refusals: 5M under a 2 GiB loom: %s", run_u.err_c);
    T_OK(!h_exists(pir_c), "refusals: nothing made");
  }
  {
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--loom", "27", "--memory-limit",
                      "4100K", pir_c, 0 };
    T_EQ(1, h_run_in(_t_tmp_c, arg_c, 0, 60, &run_u));
    T_OK(strstr(run_u.err_c, "floor"), "refusals: 4100K: %s", run_u.err_c);
  }
  for ( c3_w i_w = 0; i_w < sizeof(bad_c) / sizeof(*bad_c); i_w++ ) {
    c3_c* arg_c[] = { (c3_c*)_t_urbit_c, "-q", "--memory-limit", (c3_c*)bad_c[i_w],
                      pir_c, 0 };
    T_EQ(1, h_run_in(_t_tmp_c, arg_c, 0, 60, &run_u));
    T_OK(strstr(run_u.err_c, "--memory-limit"), "refusals: '%s': %s",
         bad_c[i_w], run_u.err_c);
    T_OK(!h_exists(pir_c), "refusals: '%s': nothing made", bad_c[i_w]);
  }
}

/* _t_kern_args(): a command line for workload wok_c (--seed sed_c,
**   --size siz_c, a loom of 2^bit_w bytes, --snap-every snp_c) on pier
**   pir_c, -n num_c, then extra arguments ext_c (null-terminated).
*/
static void
_t_kern_args(c3_c** arg_c, const c3_c* wok_c, const c3_c* sed_c,
             const c3_c* siz_c, c3_w bit_w, const c3_c* snp_c,
             const c3_c* pir_c, const c3_c* num_c, const c3_c* const* ext_c)
{
  static c3_c bit_c[16];
  c3_w        n_w = 0;

  snprintf(bit_c, sizeof(bit_c), "%u", bit_w);
  arg_c[n_w++] = (c3_c*)_t_urbit_c;
  arg_c[n_w++] = "-q";
  arg_c[n_w++] = "--json";
  arg_c[n_w++] = "-w";
  arg_c[n_w++] = (c3_c*)wok_c;
  arg_c[n_w++] = "--seed";
  arg_c[n_w++] = (c3_c*)sed_c;
  arg_c[n_w++] = "--size";
  arg_c[n_w++] = (c3_c*)siz_c;
  arg_c[n_w++] = "--loom";
  arg_c[n_w++] = bit_c;
  arg_c[n_w++] = "--snap-every";
  arg_c[n_w++] = (c3_c*)snp_c;
  arg_c[n_w++] = "-n";
  arg_c[n_w++] = (c3_c*)num_c;
  while ( ext_c && *ext_c ) {
    arg_c[n_w++] = (c3_c*)*ext_c++;
  }
  arg_c[n_w++] = (c3_c*)pir_c;
  arg_c[n_w] = 0;
}

/* _t_save_args(): the blob command line for the save scenario: pier
**   pir_c, -n num_c, then extra arguments ext_c (null-terminated).
*/
static void
_t_save_args(c3_c** arg_c, const c3_c* pir_c, const c3_c* num_c,
             const c3_c* const* ext_c)
{
  _t_kern_args(arg_c, "blob", "5", "64", _t_bits_w, "1000", pir_c, num_c, ext_c);
}

/* _t_save(): a save of dirty pages over ten times the cap stays under it,
**   saves the unconstrained state, and survives SIGKILL in the save.
*/
static void
_t_save(void)
{
  static h_run run_u;
  c3_c         pir_c[1100], tra_c[1100], cap_c[16];
  c3_c*        arg_c[40];
  _t_watch     wat_u;
  c3_d         mug_d, max_kb, rss_kb;
  c3_w         num_w;

  _t_bits_w = _t_loom_bits + 1;    //  a 256 MiB loom: the state is 64
  snprintf(cap_c, sizeof(cap_c), "%uM", _t_cap_mib);
  h_join(tra_c, sizeof(tra_c), _t_tmp_c, "trace-save.csv");

  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "save-free");
  _t_save_args(arg_c, pir_c, "3", 0);
  T_EQ(0, h_run_in(_t_tmp_c, arg_c, 0, 600, &run_u));
  mug_d = h_json_d(run_u.out_c, "mug");
  T_OK(~0ULL != mug_d, "save: unconstrained mug: %s%s", run_u.out_c, run_u.err_c);
  h_rm(pir_c);

  //  one save at the end writes the whole state
  {
    const c3_c* ext_c[] = { "--memory-limit", cap_c, "--trace", tra_c, 0 };
    c3_c*       chk_c[] = { (c3_c*)_t_urbit_c, "check", pir_c, 0 };

    h_join(pir_c, sizeof(pir_c), _t_tmp_c, "save-capped");
    _t_save_args(arg_c, pir_c, "3", ext_c);
    T_EQ(0, _t_capped(_t_tmp_c, arg_c, tra_c, 0, &run_u, &wat_u, 0));
    T_EQ(mug_d, h_json_d(run_u.out_c, "mug"));
    T_EQ(1, h_json_d(run_u.out_c, "saves"));
    T_OK(h_json_d(run_u.out_c, "image_kb") >= 10ULL * (_t_cap_mib << 10),
         "save: the saved image (%llu KiB) is over ten times the cap",
         (unsigned long long)h_json_d(run_u.out_c, "image_kb"));
    T_OK(wat_u.num_w >= 10, "save: %u samples", wat_u.num_w);
    T_OK(wat_u.max_kb <= ((c3_d)_t_cap_mib << 10),
         "save: loom RSS and the scratch file's page cache %llu KiB at most, "
         "cap %u MiB", (unsigned long long)wat_u.max_kb, _t_cap_mib);
    T_OK(wat_u.rss_kb <= ((c3_d)_t_cap_mib << 10),
         "save: loom RSS %llu KiB at most, cap %u MiB",
         (unsigned long long)wat_u.rss_kb, _t_cap_mib);
    max_kb = wat_u.max_kb;
    rss_kb = wat_u.rss_kb;
    num_w  = wat_u.num_w;
    T_EQ(0, h_run_in(_t_tmp_c, chk_c, 0, 600, &run_u));
    T_OK(strstr(run_u.out_c, "sound") || strstr(run_u.err_c, "sound"),
         "save: check: %s%s", run_u.out_c, run_u.err_c);
    h_rm(pir_c);
  }

  //  killed once its three events are done (a line each in the trace,
  //  after its header): in the save, whose apply is held back; then
  //  restarted under the cap: the same state
  h_rm(tra_c);
  {
    const c3_c* ext_c[] = { "--memory-limit", cap_c, "--trace", tra_c, 0 };
    const c3_c* hok_c[] = { "--memory-limit", cap_c, "--trace", tra_c,
                            "--test-hooks", 0 };

    h_join(pir_c, sizeof(pir_c), _t_tmp_c, "save-killed");
    _t_save_args(arg_c, pir_c, "3", hok_c);
    T_EQ(128 + SIGKILL, _t_capped(_t_tmp_c, arg_c, tra_c,
                                  "URBIT_TEST_APPLY_MS=3000", &run_u, &wat_u, 4));
    max_kb = c3_max(max_kb, wat_u.max_kb);
    _t_save_args(arg_c, pir_c, "0", ext_c);
    T_EQ(0, _t_capped(_t_tmp_c, arg_c, tra_c, 0, &run_u, &wat_u, 0));
    T_EQ(mug_d, h_json_d(run_u.out_c, "mug"));
    T_EQ(3, h_json_d(run_u.out_c, "event"));
    T_OK(wat_u.max_kb <= ((c3_d)_t_cap_mib << 10),
         "save: restarted: loom RSS and cache %llu KiB at most, cap %u MiB",
         (unsigned long long)wat_u.max_kb, _t_cap_mib);
    h_rm(pir_c);
  }
  printf("save: cap %u MiB: loom RSS at most %llu KiB, with the scratch "
         "file's page cache at most %llu KiB, over %u samples\n",
         _t_cap_mib, (unsigned long long)rss_kb, (unsigned long long)max_kb, num_w);
  _t_bits_w = _t_loom_bits;
}

/* _t_resave(): a save every event, its apply held back: the pages each
**   save makes clean stay in the scratch file until the apply ends, and
**   are counted all along: the cap holds at every sample.
*/
static void
_t_resave(void)
{
  static h_run run_u;
  c3_c         pir_c[1100], tra_c[1100], cap_c[16];
  c3_c*        arg_c[40];
  _t_watch     wat_u;
  c3_d         mug_d;

  _t_bits_w = _t_loom_bits + 1;
  snprintf(cap_c, sizeof(cap_c), "%uM", _t_cap_mib);
  h_join(tra_c, sizeof(tra_c), _t_tmp_c, "trace-resave.csv");
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "resave-free");
  _t_kern_args(arg_c, "blob", "5", "64", _t_bits_w, "1", pir_c, "4", 0);
  T_EQ(0, h_run_in(_t_tmp_c, arg_c, 0, 600, &run_u));
  mug_d = h_json_d(run_u.out_c, "mug");
  T_OK(~0ULL != mug_d, "resave: unconstrained mug: %s%s", run_u.out_c, run_u.err_c);
  h_rm(pir_c);
  {
    const c3_c* ext_c[] = { "--memory-limit", cap_c, "--trace", tra_c,
                            "--test-hooks", 0 };

    h_join(pir_c, sizeof(pir_c), _t_tmp_c, "resave-capped");
    _t_kern_args(arg_c, "blob", "5", "64", _t_bits_w, "1", pir_c, "4", ext_c);
    T_EQ(0, _t_capped(_t_tmp_c, arg_c, tra_c, "URBIT_TEST_APPLY_MS=1500",
                      &run_u, &wat_u, 0));
    T_EQ(mug_d, h_json_d(run_u.out_c, "mug"));
    T_OK(h_json_d(run_u.out_c, "saves") >= 4,
         "resave: a save every event: %s", run_u.out_c);
    T_OK(wat_u.num_w >= 10, "resave: %u samples", wat_u.num_w);
    T_OK(wat_u.max_kb <= ((c3_d)_t_cap_mib << 10),
         "resave: loom RSS and the scratch file's page cache %llu KiB at "
         "most, cap %u MiB", (unsigned long long)wat_u.max_kb, _t_cap_mib);
    printf("resave: cap %u MiB: loom RSS at most %llu KiB, with the scratch "
           "file's page cache at most %llu KiB, over %u samples\n", _t_cap_mib,
           (unsigned long long)wat_u.rss_kb, (unsigned long long)wat_u.max_kb,
           wat_u.num_w);
    h_rm(pir_c);
  }
  _t_bits_w = _t_loom_bits;
}

/* _t_image_args(): the kv command line for the image scenario: pier
**   pir_c, -n num_c, then extra arguments ext_c (null-terminated).
*/
static void
_t_image_args(c3_c** arg_c, const c3_c* pir_c, const c3_c* num_c,
              const c3_c* const* ext_c)
{
  _t_kern_args(arg_c, "kv", "7", "24", _t_loom_bits + 1, "2000", pir_c, num_c, ext_c);
}

/* _t_image(): events that read the image (clean pages mapped from
**   north.bin) far beyond the cap, over many blocks each: the cap holds at
**   every sample, and the state is the unconstrained one.
*/
static void
_t_image(void)
{
  static h_run run_u;
  c3_c         pir_c[1100], cop_c[1100], cgp_c[1100], aut_c[1100], tra_c[1100];
  c3_c         nod_c[1100];
  c3_c*        arg_c[40];
  _t_watch     wat_u;
  c3_d         mug_d, img_kb;
  const c3_w   cap_w = 12;    //  MiB: above a 256 MiB loom's floor

  h_join(tra_c, sizeof(tra_c), _t_tmp_c, "trace-image.csv");
  h_join(pir_c, sizeof(pir_c), _t_tmp_c, "image");
  h_join(cop_c, sizeof(cop_c), _t_tmp_c, "image-free");
  h_join(cgp_c, sizeof(cgp_c), _t_tmp_c, "image-cgroup");
  h_join(aut_c, sizeof(aut_c), _t_tmp_c, "image-auto");
  h_join(nod_c, sizeof(nod_c), _t_tmp_c, "image-copied");

  //  a kv state of about 30 MiB, saved: then all of it is clean image
  _t_image_args(arg_c, pir_c, "2000", 0);
  T_EQ(0, h_run_in(_t_tmp_c, arg_c, 0, 600, &run_u));
  img_kb = h_json_d(run_u.out_c, "image_kb");
  T_OK(~0ULL != img_kb && img_kb >= 2ULL * (cap_w << 10),
       "image: the image (%llu KiB) is over twice the cap", (unsigned long long)img_kb);
  {
    c3_c* cpy_c[] = { "/bin/cp", "-a", pir_c, cop_c, 0 };
    c3_c* cpc_c[] = { "/bin/cp", "-a", pir_c, cgp_c, 0 };
    c3_c* cpa_c[] = { "/bin/cp", "-a", pir_c, aut_c, 0 };
    c3_c* cpn_c[] = { "/bin/cp", "-a", pir_c, nod_c, 0 };
    T_EQ(0, h_run_in(_t_tmp_c, cpn_c, 0, 60, &run_u));
    T_EQ(0, h_run_in(_t_tmp_c, cpy_c, 0, 60, &run_u));
    T_EQ(0, h_run_in(_t_tmp_c, cpc_c, 0, 60, &run_u));
    T_EQ(0, h_run_in(_t_tmp_c, cpa_c, 0, 60, &run_u));
  }
  //  300 more events unconstrained: the mug to reach
  _t_image_args(arg_c, cop_c, "300", 0);
  T_EQ(0, h_run_in(_t_tmp_c, arg_c, 0, 600, &run_u));
  mug_d = h_json_d(run_u.out_c, "mug");
  T_OK(~0ULL != mug_d, "image: unconstrained mug: %s%s", run_u.out_c, run_u.err_c);
  h_rm(cop_c);

  //  each event reads keys all over the map: clean pages of many blocks
  {
    c3_c        cap_c[16];
    snprintf(cap_c, sizeof(cap_c), "%uM", cap_w);
    const c3_c* ext_c[] = { "--memory-limit", cap_c, "--trace", tra_c, 0 };

    _t_image_args(arg_c, pir_c, "300", ext_c);
    T_EQ(0, _t_capped(_t_tmp_c, arg_c, tra_c, 0, &run_u, &wat_u, 0));
    T_EQ(mug_d, h_json_d(run_u.out_c, "mug"));
    T_OK(wat_u.num_w >= 10, "image: %u samples", wat_u.num_w);
    T_OK(wat_u.max_kb <= ((c3_d)cap_w << 10),
         "image: loom RSS and the scratch file's page cache %llu KiB at most, "
         "cap %u MiB", (unsigned long long)wat_u.max_kb, cap_w);
    T_OK(h_json_d(run_u.out_c, "pager_clean_pages") > 0
         && h_json_d(run_u.out_c, "pager_clean_pages") != ~0ULL,
         "image: clean pages were dropped: %s", run_u.out_c);
    printf("image: cap %u MiB, image %llu KiB: loom RSS at most %llu KiB, with "
           "the scratch file's page cache at most %llu KiB, over %u samples "
           "(%u after events)\n", cap_w, (unsigned long long)img_kb,
           (unsigned long long)wat_u.rss_kb, (unsigned long long)wat_u.max_kb,
           wat_u.num_w, wat_u.eve_w);
  }
  //  an image copied in cannot be paged: said, not silently over the cap
  {
    c3_c        cap_c[16];
    snprintf(cap_c, sizeof(cap_c), "%uM", cap_w);
    const c3_c* ext_c[] = { "--memory-limit", cap_c, "--no-demand", 0 };

    _t_image_args(arg_c, pir_c, "1", ext_c);
    T_EQ(0, h_run_in(_t_tmp_c, arg_c, 0, 600, &run_u));
    T_OK(strstr(run_u.err_c, "--no-demand copied the image"),
         "image: --no-demand under a cap is warned of: %s", run_u.err_c);
  }
  //  a cap of the image's size, the image copied in: the image's pages in
  //  memory (not all of it is) are taken off the budget, since they
  //  cannot be paged, and the swap pages are paged under what is left, so
  //  the whole loom stays under the cap
  if ( ~0ULL != img_kb ) {
    c3_c        cap_c[32];
    c3_d        cap_kb = img_kb + (2ULL << 10);
    snprintf(cap_c, sizeof(cap_c), "%lluK", (unsigned long long)cap_kb);
    const c3_c* ext_c[] = { "--memory-limit", cap_c, "--no-demand", "--trace", tra_c, 0 };

    _t_image_args(arg_c, nod_c, "300", ext_c);
    T_EQ(0, _t_capped(_t_tmp_c, arg_c, tra_c, 0, &run_u, &wat_u, 0));
    T_EQ(mug_d, h_json_d(run_u.out_c, "mug"));
    T_OK(wat_u.num_w >= 10, "image: copied in: %u samples", wat_u.num_w);
    T_OK(h_json_d(run_u.out_c, "pager_out_pages") > 0
         && h_json_d(run_u.out_c, "pager_out_pages") != ~0ULL,
         "image: copied in: swap pages were paged: %s", run_u.out_c);
    T_OK(wat_u.max_kb <= cap_kb,
         "image: copied in: loom RSS and the scratch file's page cache %llu "
         "KiB at most, cap %llu KiB", (unsigned long long)wat_u.max_kb,
         (unsigned long long)cap_kb);
    printf("image: copied in (--no-demand), cap %llu KiB: loom RSS and the "
           "scratch file's page cache at most %llu KiB over %u samples\n",
           (unsigned long long)cap_kb, (unsigned long long)wat_u.max_kb, wat_u.num_w);
  }
  h_rm(nod_c);
  //  a swap file run in a memory cgroup, and --memory-limit auto: the
  //  pager keeps to the swap file's pages, and the cgroup reclaims the
  //  clean image pages (paging them as --memory-limit SIZE does turned a
  //  kv run at a quarter of its peak 30 x slower: blocks of 1 MiB for
  //  reads all over the map)
  for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
    h_cg        cg_u;
    h_how       how_u = { 0 };
    c3_c        why_c[600];
    const c3_d  lim_d = 24ULL << 20;
    const c3_c* swp_c[] = { "--swap", 0 };
    const c3_c* aut_a[] = { "--memory-limit", "auto", 0 };
    const c3_c* how_c = i_w ? "--memory-limit auto" : "--swap";

    if ( !h_cg_make(&cg_u, lim_d, why_c, sizeof(why_c)) ) {
      snprintf(_t_skip_c, sizeof(_t_skip_c), "image: no memory cgroup: %s", why_c);
      break;
    }
    how_u.cgp_c = cg_u.dir_c;
    _t_image_args(arg_c, i_w ? aut_c : cgp_c, "300", i_w ? aut_a : swp_c);
    //  not -q: the start's message is checked
    for ( c3_w j_w = 1; arg_c[j_w]; j_w++ ) {
      arg_c[j_w] = arg_c[j_w + 1];
    }
    T_EQ(0, h_run_in(_t_tmp_c, arg_c, &how_u, 600, &run_u));
    T_EQ(mug_d, h_json_d(run_u.out_c, "mug"));
    T_EQ((24 - c3_max(24 / 8, u3e_limit_runtime_mb)) << 10,
         h_json_d(run_u.out_c, "pager_cap_kb"));
    T_OK(0 == h_json_d(run_u.out_c, "pager_clean_pages"),
         "image: %s in a cgroup: the pager left clean pages to its reclaim: %s",
         how_c, run_u.out_c);
    T_OK(0 != strstr(run_u.err_c, "left to the cgroup's reclaim"),
         "image: %s: the start says clean pages are the cgroup's: %s",
         how_c, run_u.err_c);
    printf("image: %s in a 24 MiB cgroup, image %llu KiB: pager cap %llu KiB, "
           "%llu swap pages out, %llu clean pages paged\n", how_c,
           (unsigned long long)img_kb,
           (unsigned long long)h_json_d(run_u.out_c, "pager_cap_kb"),
           (unsigned long long)h_json_d(run_u.out_c, "pager_out_pages"),
           (unsigned long long)h_json_d(run_u.out_c, "pager_clean_pages"));
    h_cg_drop(&cg_u);
  }
  h_rm(aut_c);
  h_rm(cgp_c);
  h_rm(pir_c);
}

/* _t_cg_file(): the file rel_c under dir_c (its directories made),
**   holding str_c.
*/
static void
_t_cg_file(const c3_c* dir_c, const c3_c* rel_c, const c3_c* str_c)
{
  c3_c pat_c[1400];

  snprintf(pat_c, sizeof(pat_c), "%s/%s", dir_c, rel_c);
  for ( c3_c* sla_c = strchr(pat_c + strlen(dir_c) + 1, '/'); sla_c;
        sla_c = strchr(sla_c + 1, '/') )
  {
    *sla_c = 0;
    mkdir(pat_c, 0755);
    *sla_c = '/';
  }
  h_must_write(pat_c, (const c3_y*)str_c, strlen(str_c));
}

/* _t_cgroup(): `auto`'s limit found from /proc/self/cgroup and
**   /proc/self/mountinfo as containers and hosts lay them out, on fake
**   trees: the hierarchy's mount point and root from the mount table (a
**   container without a cgroup namespace sees its own cgroup at the
**   mount point, under a path that names it from the host's root), and
**   the least limit of the cgroup and its ancestors (a pod's limit binds
**   its containers, whose own cgroups may set none).
*/
static void
_t_cgroup(void)
{
  static const c3_c* v1m_c = "35 31 0:32 / /sys/fs/cgroup/memory rw,nosuid "
                             "shared:14 - cgroup cgroup rw,memory\n";
  static const c3_c* v2m_c = "30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:4 "
                             "- cgroup2 cgroup2 rw,nsdelegate\n";
  static const c3_c* big_c = "9223372036854771712\n";
  struct {
    const c3_c* nam_c;             //  the case
    const c3_c* cgr_c;             //  /proc/self/cgroup
    const c3_c* mif_c;             //  /proc/self/mountinfo, 0 for none
    const c3_c* fil_c[8];          //  path, contents, path, contents ...
    c3_d        lim_d;             //  the limit found
    const c3_c* src_c;             //  the file it came from
  } cas_u[] = {
    { "v1 container without a cgroup namespace",
      "4:memory:/docker/abc\n1:cpu:/docker/abc\n",
      "32 31 0:29 /docker/abc /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
      "35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
      { "sys/fs/cgroup/memory/memory.limit_in_bytes", "268435456\n" },
      256ULL << 20, "sys/fs/cgroup/memory/memory.limit_in_bytes" },
    { "v1 host: a parent's limit binds",
      "4:memory:/pods/p1/c1\n", v1m_c,
      { "sys/fs/cgroup/memory/pods/p1/c1/memory.limit_in_bytes", big_c,
        "sys/fs/cgroup/memory/pods/p1/memory.limit_in_bytes", "104857600\n",
        "sys/fs/cgroup/memory/pods/memory.limit_in_bytes", "209715200\n",
        "sys/fs/cgroup/memory/memory.limit_in_bytes", big_c },
      100ULL << 20, "sys/fs/cgroup/memory/pods/p1/memory.limit_in_bytes" },
    { "v2 with a cgroup namespace",
      "0::/\n", v2m_c,
      { "sys/fs/cgroup/memory.max", "536870912\n" },
      512ULL << 20, "sys/fs/cgroup/memory.max" },
    { "v2 host: the pod's limit, the container's max",
      "0::/kubepods.slice/pod1.slice/ctr.scope\n", v2m_c,
      { "sys/fs/cgroup/kubepods.slice/pod1.slice/ctr.scope/memory.max", "max\n",
        "sys/fs/cgroup/kubepods.slice/pod1.slice/memory.max", "314572800\n",
        "sys/fs/cgroup/kubepods.slice/memory.max", "max\n" },
      300ULL << 20, "sys/fs/cgroup/kubepods.slice/pod1.slice/memory.max" },
    { "v2 mounted from a cgroup below the root",
      "0::/kubepods/pod1/ctr\n",
      "30 25 0:26 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
      { "sys/fs/cgroup/ctr/memory.max", "104857600\n",
        "sys/fs/cgroup/memory.max", "157286400\n" },
      100ULL << 20, "sys/fs/cgroup/ctr/memory.max" },
    { "hybrid: v2 without controllers, v1 memory",
      "0::/user.slice\n4:memory:/user.slice\n",
      "30 25 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
      { "sys/fs/cgroup/unified/user.slice/cgroup.procs", "1\n",
        "sys/fs/cgroup/memory/user.slice/memory.limit_in_bytes", "73400320\n" },
      70ULL << 20, "sys/fs/cgroup/memory/user.slice/memory.limit_in_bytes" },
    { "v1 and v2 both: the lesser (v1's)",
      "0::/a\n4:memory:/a\n",
      "30 25 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
      { "sys/fs/cgroup/unified/a/memory.max", "209715200\n",
        "sys/fs/cgroup/memory/a/memory.limit_in_bytes", "125829120\n" },
      120ULL << 20, "sys/fs/cgroup/memory/a/memory.limit_in_bytes" },
    { "v1 and v2 both: the lesser (v2's)",
      "0::/a\n4:memory:/a\n",
      "30 25 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
      { "sys/fs/cgroup/unified/a/memory.max", "83886080\n",
        "sys/fs/cgroup/memory/a/memory.limit_in_bytes", "125829120\n" },
      80ULL << 20, "sys/fs/cgroup/unified/a/memory.max" },
    { "v2 memory.high under memory.max (memory QoS)",
      "0::/pod/ctr\n", v2m_c,
      { "sys/fs/cgroup/pod/ctr/memory.max", "268435456\n",
        "sys/fs/cgroup/pod/ctr/memory.high", "241591910\n",
        "sys/fs/cgroup/pod/memory.high", "max\n" },
      241591910ULL, "sys/fs/cgroup/pod/ctr/memory.high" },
    { "no limit anywhere",
      "0::/a\n", v2m_c,
      { "sys/fs/cgroup/a/memory.max", "max\n", "sys/fs/cgroup/memory.max", "max\n",
        "sys/fs/cgroup/a/memory.high", "max\n" },
      0, "" },
    { "a mount point with a space",
      "4:memory:/\n",
      "35 31 0:32 / /sys/fs/cgroup/my\\040mem rw - cgroup cgroup rw,memory\n",
      { "sys/fs/cgroup/my mem/memory.limit_in_bytes", "52428800\n" },
      50ULL << 20, "sys/fs/cgroup/my mem/memory.limit_in_bytes" },
    { "no mount table: the usual mount points",
      "4:memory:/x\n", 0,
      { "sys/fs/cgroup/memory/x/memory.limit_in_bytes", "62914560\n" },
      60ULL << 20, "sys/fs/cgroup/memory/x/memory.limit_in_bytes" },
    { "a path beyond the namespace's root",
      "0::/../sibling\n", v2m_c,
      { "sys/fs/cgroup/memory.max", "41943040\n" },
      40ULL << 20, "sys/fs/cgroup/memory.max" },
    { "memory in the name of another mount or hierarchy",
      "4:memory:/\n12:name=memorywatch:/\n",
      "40 31 0:40 / /sys/fs/cgroup/memory rw - tmpfs memory rw,memory\n"
      "41 31 0:41 / /sys/fs/cgroup/nm rw - cgroup cgroup rw,name=memorywatch\n"
      "35 31 0:32 / /sys/fs/cgroup/mem rw - cgroup cgroup rw,memory\n",
      { "sys/fs/cgroup/memory/memory.limit_in_bytes", "10485760\n",
        "sys/fs/cgroup/nm/memory.limit_in_bytes", "20971520\n",
        "sys/fs/cgroup/mem/memory.limit_in_bytes", "31457280\n" },
      30ULL << 20, "sys/fs/cgroup/mem/memory.limit_in_bytes" },
  };

  for ( c3_w i_w = 0; i_w < sizeof(cas_u) / sizeof(cas_u[0]); i_w++ ) {
    c3_c dir_c[1100], roo_c[1200], cgr_c[1200], mif_c[1200];
    c3_c src_c[2400], exp_c[2400];
    c3_d lim_d;

    snprintf(dir_c, sizeof(dir_c), "%s/cgroup.%u", _t_tmp_c, i_w);
    snprintf(roo_c, sizeof(roo_c), "%s/root", dir_c);
    snprintf(cgr_c, sizeof(cgr_c), "%s/cgroup", dir_c);
    snprintf(mif_c, sizeof(mif_c), "%s/mountinfo", dir_c);
    mkdir(dir_c, 0755);
    mkdir(roo_c, 0755);
    _t_cg_file(dir_c, "cgroup", cas_u[i_w].cgr_c);
    if ( cas_u[i_w].mif_c ) {
      _t_cg_file(dir_c, "mountinfo", cas_u[i_w].mif_c);
    }
    for ( c3_w j_w = 0; j_w < 8 && cas_u[i_w].fil_c[j_w]; j_w += 2 ) {
      _t_cg_file(roo_c, cas_u[i_w].fil_c[j_w], cas_u[i_w].fil_c[j_w + 1]);
    }
    lim_d = _ce_limit_cgroup_at(roo_c, cgr_c, mif_c, src_c, sizeof(src_c));
    if ( cas_u[i_w].lim_d ) {
      snprintf(exp_c, sizeof(exp_c), "%s/%s", roo_c, cas_u[i_w].src_c);
    }
    else {
      exp_c[0] = 0;
    }
    T_OK(lim_d == cas_u[i_w].lim_d && !strcmp(src_c, exp_c),
         "cgroup: %s: a limit of %llu KiB from %s (expected %llu KiB from %s)",
         cas_u[i_w].nam_c, (unsigned long long)(lim_d >> 10), src_c,
         (unsigned long long)(cas_u[i_w].lim_d >> 10), exp_c);
    h_rm(dir_c);
  }
  printf("cgroup: %u layouts of /proc/self/cgroup and mountinfo\n",
         (c3_w)(sizeof(cas_u) / sizeof(cas_u[0])));
}

int
main(c3_i argc, c3_c** argv)
{
  const c3_c* one_c = ( argc > 1 ) ? argv[1] : 0;
  const c3_c* why_c = h_start("limit_tests", &_t_urbit_c, _t_tmp_c, sizeof(_t_tmp_c));

  if ( why_c ) {
    return t_skip(why_c);
  }
  signal(SIGTERM, _t_on_term);
  signal(SIGINT, _t_on_term);
  if ( !one_c || !strcmp(one_c, "under") )    _t_under();
  if ( !one_c || !strcmp(one_c, "cgroup") )   _t_cgroup();
  if ( !one_c || !strcmp(one_c, "refusals") ) _t_refusals();
  if ( !one_c || !strcmp(one_c, "auto") )     _t_auto();
  if ( !one_c || !strcmp(one_c, "follow") )   _t_follow();
  if ( !one_c || !strcmp(one_c, "clamp") )    _t_clamp();
  if ( !one_c || !strcmp(one_c, "floorsave") ) _t_floorsave();
  if ( !one_c || !strcmp(one_c, "holds") )    _t_holds();
  if ( !one_c || !strcmp(one_c, "ahead") )    _t_ahead();
  if ( !one_c || !strcmp(one_c, "save") )     _t_save();
  if ( !one_c || !strcmp(one_c, "image") )    _t_image();
  if ( !one_c || !strcmp(one_c, "resave") )   _t_resave();
  h_rm(_t_tmp_c);
  if ( _t_skip_c[0] && !t_fail_w ) {
    return t_skip(_t_skip_c);
  }
  return t_done();
}
