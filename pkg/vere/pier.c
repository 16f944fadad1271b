/// @file pier.c
/// u3_pier: the runtime's main loop.
///
/// A run boots the pier's image (or paves a new loom), replays the logged
/// events past the snapshot, then runs new events from the built-in
/// kernel, each on an inner road under u3m_soft.  Then it saves and
/// reports.
///
/// The log records every event number with its outcome: the payload is
/// jam([ovum outcome]), outcome 0 when the event was applied or the bail's
/// mote when it was not.  Replay re-runs applied events and skips bailed
/// ones.  So replay reaches the state of the original run whether a bail
/// was deterministic (the computation itself: it would bail again) or
/// came from the environment (memory, a full disk, an interrupt: it might
/// not), and event numbers stay dense.
///
/// Durability: an event's effect on the home road is in memory only until
/// its record is fsync'd; progress and summaries report durable events
/// only, and a snapshot is taken only after the log is synced, so the
/// image never holds an event the log lacks.  If the log cannot be made
/// durable (a full disk), the run stops without saving: the events that
/// were not durable were never reported and are simply not there.
///
/// The stored workload (PIER/.urb/conf) is conf.c's; `urbit check` is
/// check.c's.
///
/// Failures: every failed run exits 1, and leaves a short message for the
/// --json object ("error"); damage the image's background verification
/// finds stops the run at the next event boundary, or before a snapshot,
/// with no snapshot and the event in flight not logged (_cp_verified);
/// write errors on --trace stop the run at an event boundary (after a
/// save: every event run stays durable), and a failed final snapshot
/// fails the run although the log keeps its events.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "c3/clock.h"
#include "c3/crc.h"
#include "noun/noun.h"
#include "noun/events.h"
#include "noun/serial.h"
#include "vere/hooks.h"
#include "vere/kernel.h"
#include "vere/log.h"
#include "vere/mem.h"
#include "vere/path.h"
#include "vere/pier.h"
#include "vere/pier_in.h"

#define _cp_batch_events 1000      //  fsync the log at least this often
#define _cp_batch_ns 1000000000ULL  //  or after this long (and before a report)

static volatile sig_atomic_t _cp_stop_i;   //  SIGINT/SIGTERM seen
static c3_c _cp_err_c[512];                //  the run's failure, or ""
static struct {                            //  a tool's figures (JSON)
  const c3_c* key_c;
  c3_d        val_d;
} _cp_tfig_u[32];
static c3_w _cp_tfig_w;                    //  ... how many

/* _cp_on_stop(): ask the loop to stop at the next event boundary. */
static void
_cp_on_stop(c3_i sig_i)
{
  (void)sig_i;
  _cp_stop_i = 1;
}

/* _cp_geometry(): the loom bits of the pier's image (0: none readable),
**   from its home header alone: the start judges the image itself.  When
**   north.bin has no readable header (a save cut short, say), the
**   validator's answer, which also reads a pending patch.
*/
static c3_w
_cp_geometry(const c3_c* dir_c)
{
  u3e_verdict ver_u;
  FILE*       nul_u;
  c3_w        bit_w = u3e_geometry(dir_c);

  if ( bit_w || !(nul_u = fopen("/dev/null", "w")) ) {
    return bit_w;
  }
  u3e_judge(dir_c, 0, nul_u, &ver_u);
  fclose(nul_u);
  return ver_u.bits_w;
}

  /** The pier's lock: PIER/.urb/lock, by flock(2).  A run holds it
  *** exclusively from before it creates or changes anything in the pier
  *** (only PIER and PIER/.urb are made first) until it exits; `urbit
  *** check` takes it shared, opening the file read-only, so a check never
  *** reads a live pier and a run never starts under a check.  The event
  *** log keeps its own lock on events.log as well.
  **/
static c3_i _cp_lock_i = -1;    //  the lock, held until the process exits

/* _cp_lock(): take the pier's lock, exclusively (a run: the file is
**   created if missing) or shared (check: read-only; a missing file means
**   no run holds it).  0, 1 when the lock file is missing (shared only),
**   -1 with a message when the pier is in use or the lock fails.
*/
c3_i
_cp_lock(const c3_c* dir_c, c3_t exc_t)
{
  c3_c pat_c[u3_path_max];

  if ( u3_path_put(pat_c, dir_c, u3_path_lock) ) {
    return -1;
  }
  if ( exc_t ) {
    c3_c urb_c[u3_path_max];
    if (  u3_path_put(urb_c, dir_c, u3_path_urb)
       || u3_path_mkdir(urb_c, "urbit") )
    {
      return -1;
    }
  }
  _cp_lock_i = exc_t ? open(pat_c, O_RDWR | O_CREAT | O_CLOEXEC, 0644)
                     : open(pat_c, O_RDONLY | O_CLOEXEC);
  if ( _cp_lock_i < 0 ) {
    if ( !exc_t && ENOENT == errno ) {
      return 1;
    }
    fprintf(stderr, "urbit: open %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  while ( flock(_cp_lock_i, (exc_t ? LOCK_EX : LOCK_SH) | LOCK_NB) ) {
    if ( EINTR == errno ) continue;
    if ( EWOULDBLOCK == errno ) {
      fprintf(stderr, "urbit: %s is in use by a running ship (%s is "
                      "locked)%s\n", dir_c, pat_c,
              exc_t ? "" : "; check reads only a stopped pier");
    }
    else {
      fprintf(stderr, "urbit: flock %s: %s\n", pat_c, strerror(errno));
    }
    close(_cp_lock_i);
    _cp_lock_i = -1;
    return -1;
  }
  return 0;
}

/* u3_pier_opts_init(): every option's default. */
void
u3_pier_opts_init(u3_pier_opts* opt_u)
{
  memset(opt_u, 0, sizeof(*opt_u));
  opt_u->events_d    = 1000;
  opt_u->wok_i       = u3_kern_mixed;
  opt_u->seed_d      = 0;
  opt_u->size_w      = 16;
  opt_u->snap_d      = 1000;
  opt_u->bits_w      = 0;
  opt_u->json_o      = c3n;
  opt_u->quiet_o     = c3n;
  opt_u->demand_o    = c3y;
  opt_u->first_o     = c3n;
  opt_u->swap_pier_o = c3n;
  opt_u->trace_c     = 0;
  opt_u->hooks_t     = 0;
  opt_u->swap_c      = 0;
  opt_u->free_o      = c3n;
  opt_u->toss_w      = 1;
  opt_u->fmod_w      = u3o_free_free;
  opt_u->keep_w      = u3o_keep_default;
  opt_u->lazy_o      = c3n;
  opt_u->limit_e     = u3_limit_cgroup;
  opt_u->limit_d     = 0;
}

/* _cp_opts_apply(): the loom's options (u3C) from the run's: the one
**   place they are set.  The swap file of --swap is PIER/.urb/chk's,
**   whose directories are made here.  0, or -1 (reported).
*/
static c3_i
_cp_opts_apply(const u3_pier_opts* opt_u)
{
  static c3_c swp_c[u3_path_max];

  u3C.dir_c    = opt_u->dir_c;
  u3C.demand_o = opt_u->demand_o;
  u3C.swap_c   = opt_u->swap_c;
  u3C.free_o   = opt_u->free_o;
  u3C.toss_w   = opt_u->toss_w;
  u3C.fmod_w   = opt_u->fmod_w;
  u3C.keep_w   = opt_u->keep_w;
  u3C.lazy_o   = opt_u->lazy_o;
  u3C.later_o  = _(opt_u->first_o) ? c3n : c3y;
  u3C.quiet_o  = opt_u->quiet_o;
  u3C.limit_d  = 0;
  //  a tool reads the whole state once, in its own order, and drops clean
  //  pages itself against its RSS; events get the pager's count of them
  u3C.clean_o  = opt_u->tool_c ? c3n : c3y;
  if ( _(opt_u->swap_pier_o)
       || (!opt_u->swap_c && (u3_limit_size == opt_u->limit_e
                              || u3_limit_auto == opt_u->limit_e
                              || u3_limit_tool == opt_u->limit_e)) )
  {
    if (  u3_path_put(swp_c, opt_u->dir_c, u3_path_urb)
       || u3_path_mkdir(swp_c, "urbit")
       || u3_path_put(swp_c, opt_u->dir_c, u3_path_chk)
       || u3_path_mkdir(swp_c, "urbit")
       || u3_path_put(swp_c, opt_u->dir_c, u3_path_swap) )
    {
      return -1;
    }
    u3C.swap_c = swp_c;
  }
  return 0;
}

/* u3_pier_fail(): record the run's failure; the first one is kept. */
void
u3_pier_fail(const c3_c* err_c)
{
  if ( !_cp_err_c[0] ) {
    c3_z len_z = 0;
    while ( err_c[len_z] && len_z < sizeof(_cp_err_c) - 1 ) {
      _cp_err_c[len_z] = err_c[len_z];
      len_z++;
    }
    _cp_err_c[len_z] = 0;
  }
}

  /** Running one event.
  **/
static u3_pier_hooks _cp_hok_u;   //  the test hooks (hooks.h); 0 is off

/* _cp_cgw_u: a cap taken from the memory cgroup's limit (auto, or a swap
**   file run in a limited cgroup), followed while the ship runs: a pod
**   resized in place (its limit written while it runs) moves the cap.
*/
static struct {
  c3_t on_t;      //  the cap came from the cgroup's limit
  c3_w bit_w;     //  the loom: 2^bit_w bytes
  c3_d lim_d;     //  the limit last read, bytes
  c3_d las_d;     //  when it was last read, ns
  c3_d mov_d;     //  times the cap moved
  c3_d top_d;     //  the most it may be (--memory-limit's size), or 0
} _cp_cgw_u;

/* _cp_cgroup_ns: how often the cgroup's limit is read again, at most. */
#define _cp_cgroup_ns  1000000000ULL
static c3_t _cp_replay_t;          //  replaying (hooks off)

/* _cp_poke(): on an inner road: [state ovum] to the new state. */
static u3_noun
_cp_poke(u3_noun arg)
{
  u3_noun sat = u3h(arg);
  u3_noun ovo = u3t(arg);

  if ( !_cp_replay_t && _cp_hok_u.intr_d && (_cp_hok_u.intr_d == u3H->eve_d + 1) ) {
    u3m_bail(c3__intr);
  }
  return u3_kern_poke(sat, ovo);
}

/* _cp_apply(): run ovo (retained) against the state; returns the outcome
**   (0: applied, else the bail's mote).  The state changes on success.
*/
static c3_w
_cp_apply(u3_noun ovo)
{
  u3_noun arg = u3nc(u3k(u3H->roo), u3k(ovo));
  u3_noun pro = u3m_soft(_cp_poke, arg);
  c3_w    out_w = u3h(pro);

  u3z(arg);
  if ( 0 == out_w ) {
    u3_noun sat = u3k(u3t(pro));
    u3z(u3H->roo);
    u3H->roo = sat;
    //  the kept state mug follows the state: only new objects are hashed
    if ( u3H->mug_w ) {
      u3H->mug_w = u3r_mug(sat);
    }
  }
  u3z(pro);
  return out_w;
}

  /** Reports.
  **/
typedef struct {
  c3_d  sat_d;       //  start of the run
  c3_d  run_d;       //  start of new events
  c3_d  end_d;       //  end of new events
  c3_d  new_d;       //  new events run
  c3_d  rep_d;       //  events replayed
  c3_d  bal_d;       //  events that bailed (new)
  c3_d  fir_d;       //  event number at boot
  c3_d  pro_d;       //  last progress line
  c3_d  boo_d;       //  when the first new event started (or would have)
} _cp_tally;

/* _cp_progress(): at most one line a second, after the first two. */
static void
_cp_progress(const u3_pier_opts* opt_u, _cp_tally* tal_u, u3_log* log_u, c3_t rep_t)
{
  c3_d now_d = c3_nanos();

  if ( _(opt_u->quiet_o) || (now_d - tal_u->sat_d) < 2000000000ULL
       || (now_d - tal_u->pro_d) < 1000000000ULL )
  {
    return;
  }
  if ( !tal_u->pro_d ) {
    tal_u->pro_d = tal_u->sat_d;
  }
  c3_d don_d = rep_t ? tal_u->rep_d : tal_u->new_d;
  c3_d sin_d = rep_t ? tal_u->sat_d : tal_u->run_d;
  double sec = (double)(now_d - sin_d) / 1e9;
  fprintf(stderr, "urbit: %s event %llu (durable %llu), %llu done, %.0f ev/s, rss %llu MiB\n",
          rep_t ? "replay" : "run",
          (unsigned long long)u3H->eve_d, (unsigned long long)u3_log_last(log_u),
          (unsigned long long)don_d, sec > 0 ? (double)don_d / sec : 0.0,
          (unsigned long long)(u3_mem_rss_kb() >> 10));
  tal_u->pro_d = now_d;
}

/* _cp_fig_u: the last report's figures, for the JSON object.
*/
static struct {
  c3_t   set_t;      //  a report was made
  c3_t   int_t;      //  the run was interrupted
  c3_d   eve_d;      //  event number
  c3_w   mug_w;      //  state mug
  c3_d   new_d, bal_d, rep_d;
  double eps_d, wal_d;
  c3_d   sav_d, img_d, faults_d, saves_d, released_d, swap_d;
  c3_d   boo_d, ver_d;   //  boot_ms, verify_ms
  u3_mem mem_u;
  u3e_limit_stats lim_u;   //  the pager's figures (cap_d 0: no pager)
} _cp_fig_u;

/* _cp_boot_ms(): milliseconds from the run's start to its first new event
**   (replay included), 0 if it never got there.
*/
static c3_d
_cp_boot_ms(const _cp_tally* tal_u)
{
  return tal_u->boo_d ? (tal_u->boo_d - tal_u->sat_d) / 1000000ULL : 0;
}

/* _cp_report(): the summary on stderr; keeps the figures for the JSON. */
static void
_cp_report(const u3_pier_opts* opt_u, _cp_tally* tal_u)
{
  u3_mem mem_u;
  c3_d   now_d = c3_nanos();
  double wal_d = (double)(now_d - tal_u->sat_d) / 1e9;
  double run_d = (double)(tal_u->end_d - tal_u->run_d) / 1e9;
  double eps_d = (run_d > 0) ? (double)tal_u->new_d / run_d : 0.0;
  c3_w   mug_w = u3H->mug_w;
  c3_d   img_d = (c3_d)u3e_Stat.image_w << (u3a_page_bits - 10);
  c3_d   sav_d = u3e_Stat.save_ns_d / 1000000ULL;

  u3_mem_read(&mem_u, c3y);
  fprintf(stderr, "urbit: %s: event %llu (%llu new, %llu bailed, %llu replayed) "
                  "in %.2f s, %.0f events/s\n",
          opt_u->dir_c, (unsigned long long)u3H->eve_d,
          (unsigned long long)tal_u->new_d, (unsigned long long)tal_u->bal_d,
          (unsigned long long)tal_u->rep_d, wal_d, eps_d);
  if ( mug_w ) {
    fprintf(stderr, "urbit: state mug 0x%08x; ", mug_w);
  }
  else {
    fprintf(stderr, "urbit: state mug not kept by this older image (--json "
                    "computes it once); ");
  }
  fprintf(stderr, "image %llu KiB; %llu saves in %llu ms; %llu loom faults\n",
          (unsigned long long)img_d, (unsigned long long)u3e_Stat.saves_d,
          (unsigned long long)sav_d, (unsigned long long)u3e_Stat.faults_d);
  fprintf(stderr, "urbit: boot %llu ms to the first new event; image verified "
                  "in %llu ms\n",
          (unsigned long long)_cp_boot_ms(tal_u),
          (unsigned long long)(u3e_Stat.verify_ns_d / 1000000ULL));
  fprintf(stderr, "urbit: memory: rss %llu KiB (peak %llu; %llu lazily freed): anon %llu, "
                  "file %llu, shmem %llu; commit %llu KiB; %llu mappings\n",
          (unsigned long long)mem_u.rss_kb, (unsigned long long)mem_u.rss_peak_kb,
          (unsigned long long)mem_u.lazyfree_kb,
          (unsigned long long)mem_u.anon_kb, (unsigned long long)mem_u.file_kb,
          (unsigned long long)mem_u.shmem_kb, (unsigned long long)mem_u.commit_kb,
          (unsigned long long)mem_u.maps_w);
  if ( u3C.swap_c || _(u3C.free_o) ) {
    fprintf(stderr, "urbit: released %llu pages; swap file holds %llu KiB\n",
            (unsigned long long)u3e_Stat.released_d, (unsigned long long)u3e_swap_kb());
  }
  if ( u3e_Limit.cap_d ) {
    fprintf(stderr, "urbit: pager: cap %llu KiB; %llu pages written out, %llu read "
                    "back, %llu free pages punched unwritten, %llu clean pages "
                    "dropped; %llu blocks of %u KiB refaulted, %llu read ahead\n",
            (unsigned long long)(u3e_Limit.cap_d >> 10), (unsigned long long)u3e_Limit.out_d,
            (unsigned long long)u3e_Limit.in_d, (unsigned long long)u3e_Limit.dead_d,
            (unsigned long long)u3e_Limit.clean_d, (unsigned long long)u3e_Limit.refault_d,
            u3e_Limit.blk_w << (u3a_page_bits - 10), (unsigned long long)u3e_Limit.ahead_d);
  }

  _cp_fig_u.set_t      = 1;
  _cp_fig_u.eve_d      = u3H->eve_d;
  _cp_fig_u.mug_w      = mug_w;
  _cp_fig_u.new_d      = tal_u->new_d;
  _cp_fig_u.bal_d      = tal_u->bal_d;
  _cp_fig_u.rep_d      = tal_u->rep_d;
  _cp_fig_u.eps_d      = eps_d;
  _cp_fig_u.wal_d      = wal_d;
  _cp_fig_u.sav_d      = sav_d;
  _cp_fig_u.img_d      = img_d;
  _cp_fig_u.faults_d   = u3e_Stat.faults_d;
  _cp_fig_u.saves_d    = u3e_Stat.saves_d;
  _cp_fig_u.released_d = u3e_Stat.released_d;
  _cp_fig_u.swap_d     = u3e_swap_kb();
  _cp_fig_u.boo_d      = _cp_boot_ms(tal_u);
  _cp_fig_u.ver_d      = u3e_Stat.verify_ns_d / 1000000ULL;
  _cp_fig_u.mem_u      = mem_u;
  _cp_fig_u.lim_u      = u3e_Limit;
}

/* _cp_json_str(): str_c as a JSON string on fil_u. */
static void
_cp_json_str(FILE* fil_u, const c3_c* str_c)
{
  fputc('"', fil_u);
  for ( ; *str_c; str_c++ ) {
    c3_y byt_y = (c3_y)*str_c;
    if ( '"' == byt_y || '\\' == byt_y ) {
      fprintf(fil_u, "\\%c", byt_y);
    }
    else if ( byt_y < 0x20 || 0x7f == byt_y ) {
      fprintf(fil_u, "\\u%04x", byt_y);
    }
    else {
      fputc(byt_y, fil_u);
    }
  }
  fputc('"', fil_u);
}

/* u3_pier_stopped(): 1 once the run was asked to stop. */
c3_t
u3_pier_stopped(void)
{
  return _cp_stop_i ? 1 : 0;
}

/* u3_pier_meld_merges(): the test hook's merge limit, or 0. */
c3_d
u3_pier_meld_merges(void)
{
  return _cp_hok_u.mel_d;
}

/* u3_pier_tool_room(): lower the pager's cap by a tool's tables. */
c3_d
u3_pier_tool_room(const c3_c* nam_c, c3_d own_d, c3_o qui_o)
{
  c3_d all_d = u3e_Limit.cap_d;
  c3_d min_d = u3e_limit_floor(u3C.bits_w) + (4ULL << 20);
  c3_d cap_d;

  if ( !all_d ) {
    return 0;
  }
  cap_d = ( all_d > own_d + (all_d >> 3) + min_d )
          ? all_d - own_d - (all_d >> 3) : min_d;
  cap_d = u3e_limit_lower(cap_d);
  all_d = c3_max(all_d, cap_d + own_d + (all_d >> 3));
  if ( c3n == qui_o ) {
    fprintf(stderr, "%s: its tables take %llu KiB outside the loom: the "
                    "loom is paged under %llu KiB, %llu KiB in all\n",
            nam_c, (unsigned long long)(own_d >> 10),
            (unsigned long long)(cap_d >> 10), (unsigned long long)(all_d >> 10));
  }
  u3_pier_figure("tool_tables_kb", own_d >> 10);
  u3_pier_figure("tool_loom_cap_kb", cap_d >> 10);
  return all_d;
}

/* u3_pier_figure(): a tool's figure for the JSON object. */
void
u3_pier_figure(const c3_c* key_c, c3_d val_d)
{
  if ( _cp_tfig_w < sizeof(_cp_tfig_u) / sizeof(_cp_tfig_u[0]) ) {
    _cp_tfig_u[_cp_tfig_w].key_c = key_c;
    _cp_tfig_u[_cp_tfig_w].val_d = val_d;
    _cp_tfig_w++;
  }
}

/* u3_pier_json(): the run's JSON object on stdout. */
void
u3_pier_json(c3_i ret_i)
{
  const c3_c* err_c = _cp_err_c[0] ? _cp_err_c
                      : "cannot start the pier (see the messages on stderr)";
  c3_c sep_c = '{';

  if ( ret_i ) {
    fputs("{\"error\":", stdout);
    _cp_json_str(stdout, err_c);
    sep_c = ',';
  }
  if ( _cp_fig_u.int_t ) {
    printf("%c\"interrupted\":true", sep_c);
    sep_c = ',';
  }
  if ( _cp_fig_u.set_t ) {
    const u3_mem* mem_u = &_cp_fig_u.mem_u;
    printf("%c\"event\":%llu,\"mug\":%u,\"new_events\":%llu,\"bailed\":%llu,"
           "\"replayed\":%llu,\"events_per_s\":%.1f,\"wall_s\":%.3f,"
           "\"rss_peak_kb\":%llu,\"rss_kb\":%llu,\"anon_kb\":%llu,"
           "\"file_kb\":%llu,\"shmem_kb\":%llu,\"faults\":%llu,\"saves\":%llu,"
           "\"save_ms\":%llu,\"image_kb\":%llu,\"maps\":%llu,\"commit_kb\":%llu,"
           "\"lazyfree_kb\":%llu,\"rss_net_kb\":%llu,\"released_pages\":%llu,"
           "\"swap_kb\":%llu,\"loom_commit_kb\":%llu,\"boot_ms\":%llu,"
           "\"verify_ms\":%llu",
           sep_c, (unsigned long long)_cp_fig_u.eve_d, _cp_fig_u.mug_w,
           (unsigned long long)_cp_fig_u.new_d, (unsigned long long)_cp_fig_u.bal_d,
           (unsigned long long)_cp_fig_u.rep_d, _cp_fig_u.eps_d, _cp_fig_u.wal_d,
           (unsigned long long)mem_u->rss_peak_kb, (unsigned long long)mem_u->rss_kb,
           (unsigned long long)mem_u->anon_kb, (unsigned long long)mem_u->file_kb,
           (unsigned long long)mem_u->shmem_kb, (unsigned long long)_cp_fig_u.faults_d,
           (unsigned long long)_cp_fig_u.saves_d, (unsigned long long)_cp_fig_u.sav_d,
           (unsigned long long)_cp_fig_u.img_d, (unsigned long long)mem_u->maps_w,
           (unsigned long long)mem_u->commit_kb, (unsigned long long)mem_u->lazyfree_kb,
           (unsigned long long)(mem_u->rss_kb - c3_min(mem_u->rss_kb, mem_u->lazyfree_kb)),
           (unsigned long long)_cp_fig_u.released_d, (unsigned long long)_cp_fig_u.swap_d,
           (unsigned long long)mem_u->loom_commit_kb,
           (unsigned long long)_cp_fig_u.boo_d, (unsigned long long)_cp_fig_u.ver_d);
    if ( _cp_fig_u.lim_u.cap_d ) {
      const u3e_limit_stats* lim_u = &_cp_fig_u.lim_u;
      printf(",\"pager_cap_kb\":%llu,\"pager_out_pages\":%llu,"
             "\"pager_in_pages\":%llu,\"pager_dead_pages\":%llu,"
             "\"pager_evictions\":%llu,\"pager_refaults\":%llu,"
             "\"pager_peak_kb\":%llu,\"pager_over\":%llu,"
             "\"pager_clean_pages\":%llu,\"pager_ahead\":%llu,"
             "\"pager_scrub_pages\":%llu,\"pager_scrub_looked\":%llu,"
             "\"pager_block_kb\":%u,\"pager_short\":%u",
             (unsigned long long)(lim_u->cap_d >> 10), (unsigned long long)lim_u->out_d,
             (unsigned long long)lim_u->in_d, (unsigned long long)lim_u->dead_d,
             (unsigned long long)lim_u->evict_d, (unsigned long long)lim_u->refault_d,
             (unsigned long long)lim_u->peak_w << (u3a_page_bits - 10),
             (unsigned long long)lim_u->over_d, (unsigned long long)lim_u->clean_d,
             (unsigned long long)lim_u->ahead_d, (unsigned long long)lim_u->scrub_d,
             (unsigned long long)lim_u->look_d, lim_u->blk_w << (u3a_page_bits - 10),
             lim_u->short_w);
      if ( _cp_cgw_u.on_t ) {
        printf(",\"cgroup_limit_kb\":%llu,\"pager_cap_moves\":%llu",
               (unsigned long long)(_cp_cgw_u.lim_d >> 10),
               (unsigned long long)_cp_cgw_u.mov_d);
      }
    }
    sep_c = ',';
  }
  for ( c3_w i_w = 0; i_w < _cp_tfig_w; i_w++ ) {
    printf("%c", sep_c);
    _cp_json_str(stdout, _cp_tfig_u[i_w].key_c);
    printf(":%llu", (unsigned long long)_cp_tfig_u[i_w].val_d);
    sep_c = ',';
  }
  if ( '{' == sep_c ) {
    fputc('{', stdout);
  }
  fputs("}\n", stdout);
}

  /** Memory after events.
  **/
/* _cp_release(): give back what the last events no longer need, if the
**   policy asks (force_t: always, as after a save), and open a new window.
*/
static void
_cp_release(c3_t for_t, c3_d eve_d)
{
  //  the last save's pages leave memory once its apply has finished
  u3e_save_ripe();
  if ( for_t || (_(u3C.free_o) && 0 == (eve_d % u3C.toss_w)) ) {
    u3e_limit_thaw();
    u3e_release();
    u3a_touch_reset();
  }
}

/* _cp_trace_fail(): report a failed write to the trace; -1. */
static c3_i
_cp_trace_fail(const u3_pier_opts* opt_u, const c3_c* cal_c, c3_i err_i)
{
  c3_c err_c[600];
  snprintf(err_c, sizeof(err_c), "--trace %s: %s: %s",
           opt_u->trace_c, cal_c, err_i ? strerror(err_i) : "write error");
  fprintf(stderr, "urbit: %s; stopping at event %llu\n",
          err_c, (unsigned long long)u3H->eve_d);
  u3_pier_fail(err_c);
  return -1;
}

/* _cp_trace(): one CSV line of memory figures after an event; 0, or -1
**   when the trace cannot be written.
*/
static c3_i
_cp_trace(const u3_pier_opts* opt_u, FILE* fil_u)
{
  u3_mem    mem_u;
  u3a_stats sat_u;

  if ( !fil_u ) {
    return 0;
  }
  u3_mem_read(&mem_u, c3n);
  u3a_stat(&u3H->rod_u, &sat_u);
  fprintf(fil_u, "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu",
          (unsigned long long)u3H->eve_d, (unsigned long long)mem_u.rss_kb,
          (unsigned long long)mem_u.lazyfree_kb, (unsigned long long)mem_u.anon_kb,
          (unsigned long long)mem_u.file_kb, (unsigned long long)mem_u.shmem_kb,
          (unsigned long long)(sat_u.heap_d >> 10), (unsigned long long)(sat_u.live_d >> 10),
          (unsigned long long)u3e_swap_kb(), (unsigned long long)u3e_Stat.released_d);
  if ( u3C.limit_d ) {
    fprintf(fil_u, ",%llu,%llu,%llu,%llu",
            (unsigned long long)u3e_Limit.out_d, (unsigned long long)u3e_Limit.in_d,
            (unsigned long long)u3e_Limit.dead_d, (unsigned long long)u3e_Limit.clean_d);
  }
  fputc('\n', fil_u);
  errno = 0;
  if ( fflush(fil_u) || ferror(fil_u) ) {
    return _cp_trace_fail(opt_u, "write", errno);
  }
  return 0;
}

/* _cp_trace_close(): close the trace; 0, or -1 if any write failed
**   (reported only if rep_t: a failure stopped the run already).
*/
static c3_i
_cp_trace_close(const u3_pier_opts* opt_u, FILE* fil_u, c3_t rep_t)
{
  c3_t bad_t = ferror(fil_u) ? 1 : 0;

  errno = 0;
  if ( fclose(fil_u) || bad_t ) {
    return rep_t ? _cp_trace_fail(opt_u, bad_t ? "write" : "close", errno) : -1;
  }
  return 0;
}

  /** The log.
  **/
/* _cp_sync(): make every appended event durable, retrying a little. */
static c3_i
_cp_sync(u3_log* log_u)
{
  for ( c3_w try_w = 0; try_w < 3; try_w++ ) {
    if ( 0 == u3_log_sync(log_u) ) {
      return 0;
    }
    if ( try_w < 2 ) {
      sleep(1);
    }
  }
  fprintf(stderr, "urbit: cannot make events durable; stopping without a "
                  "snapshot: events after %llu were not kept\n",
          (unsigned long long)u3_log_last(log_u));
  u3_pier_fail("cannot make events durable (see stderr)");
  return -1;
}

/* _cp_verified(): stop the run if the image's background verification
**   found damage (wai_t: wait for it to end first); 0 to go on, or -1
**   (reported) to stop with no snapshot and event nex_d (0: none) not
**   committed.  The events logged so far stay: the next start judges the
**   whole image, sets it aside and rebuilds the state from the log.
*/
static c3_i
_cp_verified(c3_t wai_t, c3_d nex_d)
{
  u3e_verify_e ver_e = wai_t ? u3e_verify_wait() : u3e_verify_poll();
  c3_c         err_c[160], nex_c[64] = "";

  if ( u3e_verify_sound == ver_e || u3e_verify_running == ver_e ) {
    return 0;
  }
  snprintf(err_c, sizeof(err_c), "the image %s after the start (see "
           "stderr); stopped at event %llu without a snapshot",
           ( u3e_verify_damaged == ver_e ) ? "failed its verification"
                                           : "could not be read",
           (unsigned long long)u3H->eve_d);
  if ( nex_d ) {
    snprintf(nex_c, sizeof(nex_c), ", event %llu not committed",
             (unsigned long long)nex_d);
  }
  fprintf(stderr, "urbit: %s%s; the next start verifies the image "
                  "first%s\n", err_c, nex_c,
          ( u3e_verify_damaged == ver_e )
          ? " and rebuilds the state from the log" : "");
  u3_pier_fail(err_c);
  return -1;
}

/* _cp_save(): sync the log, then snapshot. */
static c3_i
_cp_save(u3_log* log_u)
{
  if ( _cp_sync(log_u) || _cp_verified(1, 0) ) {
    return -1;
  }
  if ( u3m_save() ) {
    fprintf(stderr, "urbit: snapshot at event %llu failed; the log keeps "
                    "every event, the next start replays them\n",
            (unsigned long long)u3H->eve_d);
    return 1;
  }
  _cp_release(1, u3H->eve_d);
  return 0;
}

/* _cp_record(): log event eve_d with its outcome; 0 or -1. */
static c3_i
_cp_record(u3_log* log_u, c3_d eve_d, u3_noun ovo, c3_w out_w)
{
  u3_noun rec = u3nc(u3k(ovo), out_w);
  c3_y*   byt_y = 0;
  c3_z    len_z = u3s_jam_bytes(rec, &byt_y);
  c3_i    ret_i = u3_log_append(log_u, eve_d, byt_y, len_z);

  free(byt_y);
  u3z(rec);
  return ret_i;
}

/* _cp_limit_follow(): between events, at most once a second: read the
**   memory cgroup's limit again, and if it moved, move the cap with it (a
**   lower limit evicts at once).  A limit lifted leaves the cap as it is.
*/
static void
_cp_limit_follow(const u3_pier_opts* opt_u)
{
  c3_c src_c[4800];
  c3_d now_d, lim_d, cap_d, was_d;
  c3_o tit_o = c3n;

  if ( !_cp_cgw_u.on_t || c3n == u3e_limit_on() ) {
    return;
  }
  now_d = c3_nanos();
  if ( now_d - _cp_cgw_u.las_d < _cp_cgroup_ns ) {
    return;
  }
  _cp_cgw_u.las_d = now_d;
  lim_d = u3e_limit_cgroup(src_c, sizeof(src_c));
  if ( !lim_d || lim_d == _cp_cgw_u.lim_d ) {
    return;
  }
  _cp_cgw_u.lim_d = lim_d;
  was_d = u3e_Limit.cap_d;
  if ( !(cap_d = u3e_limit_under(lim_d, _cp_cgw_u.bit_w, &tit_o)) ) {
    //  no room left for the runtime above the floor: the floor is the
    //  least the loom can be paged under; said even with -q
    cap_d = u3e_limit_floor(_cp_cgw_u.bit_w);
    fprintf(stderr, "urbit: the memory cgroup's limit is now %llu KiB (%s), "
                    "too small for a loom of 2^%u bytes (it needs %llu KiB "
                    "and more): paged under its floor, %llu KiB; the "
                    "cgroup may kill the ship\n",
            (unsigned long long)(lim_d >> 10), src_c, _cp_cgw_u.bit_w,
            (unsigned long long)((cap_d + ((c3_d)u3e_limit_least_mb << 20)) >> 10),
            (unsigned long long)(cap_d >> 10));
  }
  else if ( _(tit_o) ) {
    fprintf(stderr, "urbit: the memory cgroup's limit is now %llu KiB (%s), "
                    "too small for the usual headroom: the runtime keeps "
                    "%llu KiB for itself\n",
            (unsigned long long)(lim_d >> 10), src_c,
            (unsigned long long)((lim_d - cap_d) >> 10));
  }
  if ( _cp_cgw_u.top_d ) {
    cap_d = c3_min(cap_d, _cp_cgw_u.top_d);
  }
  cap_d = u3e_limit_move(cap_d);
  u3C.limit_d = cap_d;
  if ( cap_d != was_d ) {
    _cp_cgw_u.mov_d++;
  }
  if ( c3n == opt_u->quiet_o ) {
    fprintf(stderr, "urbit: the memory cgroup's limit is now %llu KiB (%s): "
                    "the loom is paged under %llu KiB (it was %llu KiB)\n",
            (unsigned long long)(lim_d >> 10), src_c,
            (unsigned long long)(cap_d >> 10), (unsigned long long)(was_d >> 10));
  }
}

/* _cp_replay(): apply logged events past the snapshot.  0 or -1. */
static c3_i
_cp_replay(const u3_pier_opts* opt_u, u3_log* log_u, _cp_tally* tal_u)
{
  c3_d las_d = u3_log_last(log_u);

  if ( u3H->eve_d >= las_d ) {
    return 0;
  }
  if ( u3H->eve_d + 1 < u3_log_first(log_u) ) {
    fprintf(stderr, "urbit: the snapshot is at event %llu but the log starts "
                    "at %llu: cannot replay\n",
            (unsigned long long)u3H->eve_d, (unsigned long long)u3_log_first(log_u));
    return -1;
  }
  if ( c3n == opt_u->quiet_o ) {
    fprintf(stderr, "urbit: replaying events %llu to %llu\n",
            (unsigned long long)u3H->eve_d + 1, (unsigned long long)las_d);
  }

  u3_log_iter* itr_u = u3_log_iter_open(log_u, u3H->eve_d + 1);
  c3_i ret_i = 0;
  if ( !itr_u ) {
    return -1;
  }
  _cp_replay_t = 1;
  while ( !_cp_stop_i ) {
    c3_d  eve_d;
    c3_y* byt_y;
    c3_z  len_z;
    c3_i  nex_i = u3_log_iter_next(itr_u, &eve_d, &byt_y, &len_z);

    if ( nex_i <= 0 ) {
      ret_i = nex_i;
      break;
    }
    if ( _cp_verified(0, eve_d) ) {
      ret_i = -1;
      break;
    }
    if ( eve_d != u3H->eve_d + 1 ) {
      fprintf(stderr, "urbit: replay: expected event %llu, the log has %llu\n",
              (unsigned long long)u3H->eve_d + 1, (unsigned long long)eve_d);
      ret_i = -1;
      break;
    }

    u3_weak rec = u3s_cue_bytes(len_z, byt_y);
    u3_noun ovo, out;
    if ( u3_none == rec || c3n == u3r_cell(rec, &ovo, &out) || c3n == u3ud(out) ) {
      fprintf(stderr, "urbit: replay: event %llu: malformed record\n",
              (unsigned long long)eve_d);
      if ( u3_none != rec ) u3z(rec);
      ret_i = -1;
      break;
    }
    if ( 0 == out ) {
      c3_w bal_w = _cp_apply(ovo);
      if ( bal_w ) {
        c3_c mot_c[5];
        fprintf(stderr, "urbit: replay: event %llu bailed (%%%s) but was applied "
                        "when first run; stopping without a snapshot\n",
                (unsigned long long)eve_d, u3m_mote(bal_w, mot_c));
        u3z(rec);
        ret_i = -1;
        break;
      }
    }
    u3z(rec);
    u3H->eve_d = eve_d;
    tal_u->rep_d++;

    if ( 0 == (eve_d % opt_u->snap_d) ) {
      if ( _cp_save(log_u) < 0 ) {
        ret_i = -1;
        break;
      }
    }
    else {
      _cp_release(0, eve_d);
    }
    u3e_limit_sync();
    _cp_limit_follow(opt_u);
    _cp_progress(opt_u, tal_u, log_u, 1);
  }
  _cp_replay_t = 0;
  u3_log_iter_close(itr_u);
  return ret_i;
}

/* _cp_run(): run new events.  0; 1 when it stopped on a failure with
**   every event durable (the trace, the stored workload); -1 when the log
**   failed.
*/
static c3_i
_cp_run(const u3_pier_opts* opt_u, u3_log* log_u, _cp_tally* tal_u, FILE* tra_u)
{
  c3_d las_d = c3_nanos();

  tal_u->run_d = c3_nanos();
  if ( _cp_conf_keep(opt_u, log_u) ) {
    tal_u->end_d = c3_nanos();
    return 1;
  }

  tal_u->boo_d = c3_nanos();
  for ( c3_d i_d = 0; i_d < opt_u->events_d && !_cp_stop_i; i_d++ ) {
    c3_d    eve_d = u3H->eve_d + 1;
    u3_noun ovo   = ( _cp_hok_u.exit_d == eve_d )
                    ? u3nc(0, 0)    //  test hook: a malformed event
                    : u3_kern_ovum_dup(opt_u->wok_i, opt_u->seed_d, eve_d,
                                       opt_u->size_w, opt_u->dup_w);
    c3_w    out_w = _cp_apply(ovo);

    if ( _cp_verified(0, eve_d) ) {
      //  computed on an image found damaged meanwhile: not logged
      u3z(ovo);
      tal_u->end_d = c3_nanos();
      _cp_sync(log_u);
      return -1;
    }

    if ( out_w ) {
      tal_u->bal_d++;
      if ( c3__full == out_w ) {
        fprintf(stderr, "urbit: event %llu bailed: swap file: no space (%s); "
                        "state unchanged\n",
                (unsigned long long)eve_d, strerror(u3e_Stat.swap_err_i));
      }
      else if ( c3n == opt_u->quiet_o ) {
        c3_c mot_c[5];
        fprintf(stderr, "urbit: event %llu bailed: %%%s; state unchanged\n",
                (unsigned long long)eve_d, u3m_mote(out_w, mot_c));
      }
    }
    if ( _cp_record(log_u, eve_d, ovo, out_w) ) {
      u3z(ovo);
      return -1;
    }
    u3z(ovo);
    u3H->eve_d = eve_d;
    tal_u->new_d++;

    if ( _cp_hok_u.kill_d == eve_d ) {
      //  test hook: die here, with whatever is durable
      _cp_sync(log_u);
      raise(SIGKILL);
    }

    c3_d now_d = c3_nanos();
    if ( (0 == (tal_u->new_d % _cp_batch_events)) || (now_d - las_d) > _cp_batch_ns ) {
      if ( _cp_sync(log_u) ) {
        return -1;
      }
      las_d = now_d;
    }
    if ( 0 == (eve_d % opt_u->snap_d) ) {
      if ( _cp_save(log_u) < 0 ) {
        return -1;
      }
    }
    else {
      _cp_release(0, eve_d);
    }
    u3e_limit_sync();
    _cp_limit_follow(opt_u);
    if ( _cp_trace(opt_u, tra_u) ) {
      tal_u->end_d = c3_nanos();
      return _cp_sync(log_u) ? -1 : 1;
    }
    _cp_progress(opt_u, tal_u, log_u, 0);
  }
  tal_u->end_d = c3_nanos();
  return _cp_sync(log_u);
}

/* _cp_trace_open(): open --trace's file with its CSV header; 0 (*tra_u
**   stays 0 without --trace), or -1 (reported).
*/
static c3_i
_cp_trace_open(const u3_pier_opts* opt_u, FILE** tra_u)
{
  *tra_u = 0;
  if ( !opt_u->trace_c ) {
    return 0;
  }
  if ( !(*tra_u = fopen(opt_u->trace_c, "w")) ) {
    fprintf(stderr, "urbit: --trace %s: %s\n", opt_u->trace_c, strerror(errno));
    return -1;
  }
  fprintf(*tra_u, "event,rss_kb,lazyfree_kb,anon_kb,file_kb,shmem_kb,heap_kb,"
                  "live_kb,swap_kb,released_pages%s\n",
          u3C.limit_d ? ",pager_out_pages,pager_in_pages,pager_dead_pages,"
                        "pager_clean_pages" : "");
  return 0;
}

/* _cp_boot(): boot the pier's image with a loom of 2^bit_w bytes, or a
**   new one; an image that cannot be trusted is set aside and the state
**   rebuilt from the log, when the log reaches back to event 1 whole.  0
**   with the state in u3H, or -1 (reported; the loom is not mapped).
*/
static c3_i
_cp_boot(const u3_pier_opts* opt_u, u3_log* log_u, c3_w bit_w)
{
  c3_i bot_i = u3m_boot(opt_u->dir_c, bit_w);

  if ( u3m_boot_damaged == bot_i ) {
    if ( 1 != u3_log_first(log_u) || u3_log_judge(log_u, 0, stderr) ) {
      fprintf(stderr, "urbit: the image cannot be trusted and the state "
                      "cannot be rebuilt: the log (starting at event %llu) "
                      "does not reach back to event 1 whole; nothing was "
                      "changed.  The way out: restore %s/.urb/chk (north.bin "
                      "with its sums.bin) from a backup, or a log that "
                      "reaches back to event 1\n",
              (unsigned long long)u3_log_first(log_u), opt_u->dir_c);
      return -1;
    }
    if ( u3e_wipe(opt_u->dir_c) ) {
      fprintf(stderr, "urbit: the untrusted image could not be set aside "
                      "(see above), so nothing is rebuilt over it; clear "
                      "what is in the way in %s/.urb/chk and start again\n",
              opt_u->dir_c);
      return -1;
    }
    fprintf(stderr, "urbit: the image cannot be trusted; rebuilding the state "
                    "from the log (%llu events)\n",
            (unsigned long long)u3_log_last(log_u));
    bot_i = u3m_boot(opt_u->dir_c, bit_w);
  }
  if ( bot_i < 0 ) {
    if ( u3m_boot_failed == bot_i && u3C.swap_c ) {
      fprintf(stderr, "urbit: cannot run with the swap file %s (see above)\n",
              u3C.swap_c);
    }
    if ( u3m_boot_refused == bot_i ) {
      c3_w pir_w = _cp_geometry(opt_u->dir_c);
      fprintf(stderr, "urbit: %s: refusing to boot (see above); if the loom "
                      "differs, run with the pier's own --loom %u\n", opt_u->dir_c, pir_w ? pir_w : bit_w);
    }
    else if ( u3m_boot_failed == bot_i ) {
      fprintf(stderr, "urbit: %s: cannot start (see above); nothing was "
                      "discarded\n", opt_u->dir_c);
    }
    return -1;
  }
  if ( u3m_boot_new == bot_i ) {
    u3H->roo   = u3_kern_boot();
    u3H->eve_d = 0;
    u3H->mug_w = u3r_mug(u3H->roo);
  }
  return 0;
}

/* u3_pier_log_lost(): 1 when PIER has an image (a non-empty north.bin)
**   but no event log: the log was lost, not new, and a start must not
**   make a new one over its history; 0 otherwise.
*/
c3_t
u3_pier_log_lost(const c3_c* dir_c)
{
  c3_c        img_c[u3_path_max], log_c[u3_path_max];
  struct stat sat_u;

  if (  u3_path_put(img_c, dir_c, u3_path_north)
     || u3_path_put(log_c, dir_c, u3_path_events) )
  {
    return 0;
  }
  return ( 0 == stat(img_c, &sat_u) && sat_u.st_size > 0
           && stat(log_c, &sat_u) && ENOENT == errno ) ? 1 : 0;
}

/* _cp_limit_low(): say that a cgroup limit of lim_d bytes (read from
**   src_c) leaves a loom of 2^bit_w bytes too little, for who_c; tal_c
**   ends the line.
*/
static void
_cp_limit_low(const c3_c* who_c, c3_d lim_d, const c3_c* src_c, c3_w bit_w,
              const c3_c* tal_c)
{
  fprintf(stderr, "urbit: %s: the memory cgroup's limit (%llu KiB, %s) is "
                  "below the floor of %llu KiB that a loom of 2^%u bytes needs "
                  "plus the %u MiB the runtime needs for itself%s\n",
          who_c, (unsigned long long)(lim_d >> 10), src_c,
          (unsigned long long)(u3e_limit_floor(bit_w) >> 10), bit_w,
          u3e_limit_least_mb, tal_c);
}

/* _cp_limit_watch(): the cap comes from the cgroup's limit lim_d, for a
**   loom of 2^bit_w bytes, and never above top_d (0: no ceiling): follow
**   it (_cp_limit_follow).
*/
static void
_cp_limit_watch(c3_d lim_d, c3_w bit_w, c3_d top_d)
{
  _cp_cgw_u.on_t  = 1;
  _cp_cgw_u.bit_w = bit_w;
  _cp_cgw_u.lim_d = lim_d;
  _cp_cgw_u.las_d = c3_nanos();
  _cp_cgw_u.mov_d = 0;
  _cp_cgw_u.top_d = top_d;
}

/* _cp_limit(): the cap on the loom's memory (u3C.limit_d) for a loom of
**   2^bit_w bytes: --memory-limit's size, or the memory cgroup's limit
**   less its headroom (auto, and by default with a swap file).  0, or -1
**   (reported).
*/
static c3_i
_cp_limit(const u3_pier_opts* opt_u, c3_w bit_w)
{
  c3_c src_c[4800];
  c3_d lim_d = 0, cap_d;
  c3_d flo_d = u3e_limit_floor(bit_w);
  c3_o tit_o = c3n;

  u3C.reclaim_o = c3n;
  _cp_cgw_u.on_t = 0;
  switch ( opt_u->limit_e ) {
    case u3_limit_none: return 0;
    case u3_limit_size: {
      if ( opt_u->limit_d < flo_d ) {
        fprintf(stderr, "urbit: --memory-limit %llu KiB: below the floor of "
                        "%llu KiB that a loom of 2^%u bytes needs to run at all\n",
                (unsigned long long)(opt_u->limit_d >> 10),
                (unsigned long long)(flo_d >> 10), bit_w);
        u3_pier_fail("--memory-limit is below the loom's floor");
        return -1;
      }
      u3C.limit_d = opt_u->limit_d;
      //  in a memory cgroup, never more than auto would take: above it the
      //  cgroup, not the pager, would decide what leaves memory (said even
      //  with -q); and the cap follows the cgroup's limit under the size
      if ( (lim_d = u3e_limit_cgroup(src_c, sizeof(src_c)))
           && (cap_d = u3e_limit_under(lim_d, bit_w, &tit_o)) )
      {
        if ( cap_d < u3C.limit_d ) {
          fprintf(stderr, "urbit: --memory-limit %llu KiB is more than the "
                          "memory cgroup's limit (%llu KiB, %s) leaves for "
                          "the loom: it is paged under %llu KiB\n",
                  (unsigned long long)(opt_u->limit_d >> 10),
                  (unsigned long long)(lim_d >> 10), src_c,
                  (unsigned long long)(cap_d >> 10));
          u3C.limit_d = cap_d;
        }
        _cp_limit_watch(lim_d, bit_w, opt_u->limit_d);
      }
      return 0;
    }
    case u3_limit_cgroup: {
      if ( !u3C.swap_c || !(lim_d = u3e_limit_cgroup(src_c, sizeof(src_c))) ) {
        return 0;
      }
      if ( !(cap_d = u3e_limit_under(lim_d, bit_w, &tit_o)) ) {
        _cp_limit_low("--swap-file", lim_d, src_c, bit_w,
                      ": the swap file is not paged by the runtime");
        return 0;
      }
      u3C.limit_d = cap_d;
      _cp_limit_watch(lim_d, bit_w, 0);
      //  the cgroup reclaims clean image pages itself, 4 KiB at a time and
      //  with no I/O: the pager keeps to the swap file's pages, which it
      //  reclaims far better (written early, in runs, dead ones never)
      u3C.reclaim_o = c3y;
    } break;
    case u3_limit_tool: {
      //  a tool's own cap, lowered to auto's under a tighter cgroup
      cap_d = c3_max(u3_pier_tool_cap, flo_d + (8ULL << 20));
      if ( (lim_d = u3e_limit_cgroup(src_c, sizeof(src_c))) ) {
        c3_d cgc_d = u3e_limit_under(lim_d, bit_w, &tit_o);
        if ( !cgc_d ) {
          _cp_limit_low(opt_u->tool_c ? opt_u->tool_c : "urbit", lim_d, src_c,
                        bit_w, "");
          u3_pier_fail("the cgroup's memory limit is below the loom's floor");
          return -1;
        }
        cap_d = c3_min(cap_d, cgc_d);
      }
      u3C.limit_d = cap_d;
      if ( c3n == opt_u->quiet_o ) {
        fprintf(stderr, "urbit: %s: the loom is paged under %llu KiB (give "
                        "--memory-limit to change it)\n",
                opt_u->tool_c ? opt_u->tool_c : "urbit",
                (unsigned long long)(cap_d >> 10));
      }
      return 0;
    }
    case u3_limit_auto: {
      if ( !(lim_d = u3e_limit_cgroup(src_c, sizeof(src_c))) ) {
        fprintf(stderr, "urbit: --memory-limit auto: neither this process's "
                        "memory cgroup nor any cgroup above it sets a limit "
                        "(see /proc/self/cgroup and /proc/self/mountinfo); "
                        "give a size, or none\n");
        u3_pier_fail("--memory-limit auto: no cgroup memory limit");
        return -1;
      }
      if ( !(cap_d = u3e_limit_under(lim_d, bit_w, &tit_o)) ) {
        _cp_limit_low("--memory-limit auto", lim_d, src_c, bit_w, "");
        u3_pier_fail("--memory-limit auto: the cgroup's limit is below the floor");
        return -1;
      }
      u3C.limit_d = cap_d;
      _cp_limit_watch(lim_d, bit_w, 0);
      //  the cgroup's reclaim takes the clean image pages, as above
      u3C.reclaim_o = c3y;
    } break;
  }
  if ( _(tit_o) ) {
    //  said even with -q: an operator should know the pod is too small
    fprintf(stderr, "urbit: memory cgroup limit %llu KiB (%s) is too small "
                    "for the usual headroom (%llu KiB): the loom is paged "
                    "under %llu KiB and the runtime keeps %llu KiB for "
                    "itself (the usual headroom needs a limit of %llu KiB "
                    "or more)\n",
            (unsigned long long)(lim_d >> 10), src_c,
            (unsigned long long)(u3e_limit_headroom(lim_d) >> 10),
            (unsigned long long)(u3C.limit_d >> 10),
            (unsigned long long)((lim_d - u3C.limit_d) >> 10),
            (unsigned long long)(u3e_limit_ample(bit_w) >> 10));
  }
  if ( c3n == opt_u->quiet_o ) {
    fprintf(stderr, "urbit: memory cgroup limit %llu KiB (%s): the loom is "
                    "paged under %llu KiB%s\n",
            (unsigned long long)(lim_d >> 10), src_c,
            (unsigned long long)(u3C.limit_d >> 10),
            _(u3C.reclaim_o) ? " (its clean image pages are left to the "
                               "cgroup's reclaim)" : "");
  }
  return 0;
}

/* _cp_start(): the start-up phase: lock the pier, open its log, apply
**   the options, open the trace, boot, and let the log go on from the
**   snapshot.  0 with *log_u and *tra_u open and the loom booted, or -1
**   (reported) with nothing open.
*/
static c3_i
_cp_start(const u3_pier_opts* opt_u, u3_log** log_u, FILE** tra_u)
{
  signal(SIGXFSZ, SIG_IGN);    //  a file size limit is an error, not a death
  if ( u3_path_mkdir(opt_u->dir_c, "urbit") || _cp_lock(opt_u->dir_c, 1) ) {
    return -1;
  }
  //  the loom asked for, else the image's own, else the default
  c3_w bit_w = opt_u->bits_w ? opt_u->bits_w : _cp_geometry(opt_u->dir_c);
  if ( !bit_w ) {
    bit_w = u3a_bits_default;
  }

  if ( u3_pier_log_lost(opt_u->dir_c) ) {
    fprintf(stderr, "urbit: %s has an image but no event log (.urb/%s): the "
                    "log was lost, not new; refusing to start a new one over "
                    "its history.  Restore the log from a copy\n",
            opt_u->dir_c, u3_path_events);
    u3_pier_fail("the pier's event log is missing");
    return -1;
  }
  if ( !(*log_u = u3_log_open(opt_u->dir_c)) ) {
    return -1;
  }
  if (  _cp_opts_apply(opt_u)
     || _cp_limit(opt_u, bit_w)
     || (u3C.swap_c && u3e_swap_open(u3C.swap_c))
     || _cp_trace_open(opt_u, tra_u) )
  {
    u3_log_close(*log_u);
    return -1;
  }
  if ( _cp_boot(opt_u, *log_u, bit_w) ) {
    if ( *tra_u ) {
      fclose(*tra_u);
    }
    u3_log_close(*log_u);
    return -1;
  }
  if ( u3C.limit_d && u3e_limit_set(u3C.limit_d) ) {
    u3_pier_fail("cannot page the loom under the memory limit");
    u3m_stop();
    if ( *tra_u ) {
      fclose(*tra_u);
    }
    u3_log_close(*log_u);
    return -1;
  }
  if ( u3C.limit_d && c3n == u3C.demand_o
       && ((c3_d)u3e_Stat.image_w << u3a_page_bits) > u3C.limit_d / 2 )
  {
    //  the image copied in is anonymous: the pager cannot drop it
    fprintf(stderr, "urbit: warning: --no-demand copied the image (%llu KiB) "
                    "into memory the pager cannot page: the memory limit "
                    "(%llu KiB) holds only above it; map the image on "
                    "demand under a cap\n",
            (unsigned long long)(((c3_d)u3e_Stat.image_w << u3a_page_bits) >> 10),
            (unsigned long long)(u3C.limit_d >> 10));
  }

  //  only now, knowing the snapshot, may the log cut a torn tail
  if ( u3_log_start(*log_u, u3H->eve_d) ) {
    fprintf(stderr, "urbit: the snapshot is at event %llu and the log cannot "
                    "go on from it (see above); refusing to go on\n",
            (unsigned long long)u3H->eve_d);
    u3m_stop();
    if ( *tra_u ) {
      fclose(*tra_u);
    }
    u3_log_close(*log_u);
    return -1;
  }
  return 0;
}

/* _cp_events(): the replay and run phases, then the trace is closed.  0
**   on success; 1 after a failure with every event durable; -1 when not.
*/
static c3_i
_cp_events(const u3_pier_opts* opt_u, u3_log* log_u, _cp_tally* tal_u,
           FILE* tra_u)
{
  c3_i ret_i;

  signal(SIGINT, _cp_on_stop);
  signal(SIGTERM, _cp_on_stop);

  u3a_Touch.lis_o = c3y;
  u3a_touch_reset();
  ret_i = _cp_replay(opt_u, log_u, tal_u);
  if ( ret_i < 0 ) {
    c3_c err_c[96];
    snprintf(err_c, sizeof(err_c), "replay stopped after event %llu (see stderr)",
             (unsigned long long)u3H->eve_d);
    u3_pier_fail(err_c);
  }
  if ( 0 == ret_i ) {
    ret_i = _cp_run(opt_u, log_u, tal_u, tra_u);
  }
  if ( tra_u && _cp_trace_close(opt_u, tra_u, 0 == ret_i) && 0 == ret_i ) {
    ret_i = 1;
  }
  if ( !tal_u->end_d ) {
    tal_u->end_d = c3_nanos();
  }
  return ret_i;
}

/* _cp_finish(): the save and report phase after _cp_events returned
**   ret_i: save (unless events were lost), report, stop the loom, close
**   the log.  The exit status.
*/
static c3_i
_cp_finish(const u3_pier_opts* opt_u, u3_log* log_u, _cp_tally* tal_u, c3_i ret_i)
{
  if ( ret_i >= 0 && _(opt_u->json_o) && !u3H->mug_w ) {
    //  an older image keeps no state mug: computed once, and saved with it
    if ( c3n == opt_u->quiet_o ) {
      fprintf(stderr, "urbit: computing the state mug (once: this older "
                      "image does not keep it)\n");
    }
    u3H->mug_w = u3r_mug(u3H->roo);
  }
  if ( ret_i >= 0 ) {
    c3_i sav_i = _cp_save(log_u);
    if ( sav_i < 0 ) {
      ret_i = -1;
    }
    else if ( sav_i > 0 ) {
      c3_c err_c[96];
      snprintf(err_c, sizeof(err_c), "snapshot at event %llu failed (see stderr); "
                                     "the log keeps every event",
               (unsigned long long)u3H->eve_d);
      u3_pier_fail(err_c);
      ret_i = 1;
    }
  }
  if ( _cp_stop_i ) {
    _cp_fig_u.int_t = 1;
    if ( c3n == opt_u->quiet_o ) {
      fprintf(stderr, "urbit: interrupted; stopped at event %llu\n",
              (unsigned long long)u3H->eve_d);
    }
  }
  if ( ret_i >= 0 ) {
    _cp_report(opt_u, tal_u);
  }
  u3m_stop();
  u3_log_close(log_u);
  return ret_i ? 1 : 0;
}

/* u3_pier_run(): start up, replay and run, save and report. */
c3_i
u3_pier_run(const u3_pier_opts* opt_u)
{
  _cp_tally tal_u;
  u3_log*   log_u;
  FILE*     tra_u;

  memset(&tal_u, 0, sizeof(tal_u));
  tal_u.sat_d = c3_nanos();
  u3_pier_hooks_read(opt_u->hooks_t, &_cp_hok_u);
  u3e_verify_delay((c3_w)c3_min(_cp_hok_u.ver_d, 3600000ULL));
  u3e_apply_delay((c3_w)c3_min(_cp_hok_u.app_d, 3600000ULL));
  if ( _cp_start(opt_u, &log_u, &tra_u) ) {
    return 1;
  }
  tal_u.fir_d = u3H->eve_d;
  c3_i ret_i = _cp_events(opt_u, log_u, &tal_u, tra_u);
  if ( 0 == ret_i && opt_u->tool_f && !_cp_stop_i ) {
    //  the tool changes the loom only; the final save commits it
    if ( opt_u->tool_f(opt_u->quiet_o) ) {
      c3_c err_c[96];
      snprintf(err_c, sizeof(err_c), "%s failed (see stderr); the pier keeps "
                                     "its image", opt_u->tool_c);
      u3_pier_fail(err_c);
      ret_i = -1;
    }
  }
  return _cp_finish(opt_u, log_u, &tal_u, ret_i);
}
