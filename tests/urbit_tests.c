/// @file urbit_tests.c
/// The `urbit` binary end to end: determinism across restarts and
/// snapshots, crashes (SIGKILL) at many points, corrupt piers recovered
/// or refused, bails logged so that replay agrees, flags, `urbit check`.
///
/// Runs $URBIT (set by make test) as a child process and reads its --json
/// summary.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "harness.h"

static const c3_c* _t_urbit_c;
static c3_c        _t_tmp_c[4096];

/* _t_run(): run urbit with args (NULL-terminated), capture stdout into
**   out_c (if given) and stderr into err_c; returns the exit status, or
**   128 + signal.
*/
static c3_i
_t_run(c3_c* out_c, c3_z out_z, c3_c* err_c, c3_z err_z, const c3_c* env_c, ...)
{
  h_how   how_u = { .env_c = env_c };
  va_list ap;
  va_start(ap, env_c);
  c3_i ret_i = h_runv(_t_tmp_c, &how_u, out_c, out_z, err_c, err_z,
                      _t_urbit_c, ap);
  va_end(ap);
  return ret_i;
}

/* _t_pier(): a fresh pier path under the scratch dir. */
static void
_t_pier(c3_c* pir_c, c3_z len_z, const c3_c* nam_c)
{
  snprintf(pir_c, len_z, "%s/%s", _t_tmp_c, nam_c);
}

/* _t_mug_of(): run n events (workload, seed) on a fresh pier in one go;
**   returns the mug.
*/
static c3_d
_t_mug_of(const c3_c* nam_c, const c3_c* n_c, const c3_c* wok_c, const c3_c* ext_c)
{
  c3_c pir_c[4200], out_c[4096];
  _t_pier(pir_c, sizeof(pir_c), nam_c);
  h_rm(pir_c);
  c3_i ret_i = ext_c
    ? _t_run(out_c, sizeof(out_c), 0, 0, 0, "-q", "--json", "--loom", "28", "-w", wok_c,
             "--size", "2", "-n", n_c, ext_c, pir_c, (c3_c*)0)
    : _t_run(out_c, sizeof(out_c), 0, 0, 0, "-q", "--json", "--loom", "28", "-w", wok_c,
             "--size", "2", "-n", n_c, pir_c, (c3_c*)0);
  T_OK(0 == ret_i, "reference run of %s exits 0 (%d)", nam_c, ret_i);
  return h_json_d(out_c, "mug");
}

/* _t_determinism(): 300 events in one run equal 100 + 100 + 100 with
**   snapshots between and in the middle.
*/
static void
_t_determinism(void)
{
  c3_c pir_c[4200], out_c[4096];
  c3_d ref_d = _t_mug_of("ref", "300", "mixed", 0);
  T_OK(ref_d != ~0ULL, "reference mug");
  T_EQ(_t_mug_of("ref2", "300", "mixed", "--no-demand"), ref_d);

  _t_pier(pir_c, sizeof(pir_c), "split");
  h_rm(pir_c);
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, 0, "-q", "--json", "--loom", "28", "-w", "mixed",
              "--size", "2", "-n", "100", "--snap-every", "37", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "event"), 100);
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, 0, "-q", "--json", "-w", "mixed",
              "--size", "2", "-n", "100", "--snap-every", "1000", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "event"), 200);
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, 0, "-q", "--json", "-w", "mixed",
              "--size", "2", "-n", "100", "--snap-every", "7", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "event"), 300);
  T_EQ(h_json_d(out_c, "mug"), ref_d);

  //  check is happy with it
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, 0, "check", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(out_c, "sound"), "check says sound: %s", out_c);
}

/* _t_crashes(): SIGKILL after event k (durable), at many k; restart
**   finishes the run with the same state as an uninterrupted one.
*/
static void
_t_crashes(void)
{
  c3_c pir_c[4200], out_c[4096], env_c[64];
  c3_d ref_d = _t_mug_of("cref", "120", "kv", 0);
  static const c3_w kil_w[] = { 1, 2, 19, 20, 21, 40, 77, 119 };

  //  kill, then resume with exactly the remaining events
  for ( c3_w i_w = 0; i_w < sizeof(kil_w) / sizeof(kil_w[0]); i_w++ ) {
    c3_c n_c[16];
    _t_pier(pir_c, sizeof(pir_c), "crash2");
    h_rm(pir_c);
    snprintf(env_c, sizeof(env_c), "URBIT_TEST_KILL_EVENT=%u", kil_w[i_w]);
    c3_i ret_i = _t_run(0, 0, 0, 0, env_c, "-q", "--test-hooks", "--loom", "28", "-w", "kv",
                        "--size", "2", "-n", "120", "--snap-every", "20", pir_c, (c3_c*)0);
    T_EQ(ret_i, 128 + SIGKILL);
    //  every event up to the kill was durable: a restart replays them all
    ret_i = _t_run(out_c, sizeof(out_c), 0, 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0);
    T_EQ(ret_i, 0);
    T_EQ(h_json_d(out_c, "event"), kil_w[i_w]);
    snprintf(n_c, sizeof(n_c), "%u", 120 - kil_w[i_w]);
    ret_i = _t_run(out_c, sizeof(out_c), 0, 0, 0, "-q", "--json", "-w", "kv",
                        "--size", "2", "-n", n_c, pir_c, (c3_c*)0);
    T_EQ(ret_i, 0);
    T_EQ(h_json_d(out_c, "event"), 120);
    T_EQ(h_json_d(out_c, "mug"), ref_d);
  }
  h_rm(pir_c);
}

/* _t_bails(): a deterministic bail and an environmental one are logged
**   so that replay reaches the original run's state.
*/
static void
_t_bails(void)
{
  c3_c pir_c[4200], out_c[4096], err_c[8192];
  const c3_c* env_c[2] = { "URBIT_TEST_EXIT_EVENT=30", "URBIT_TEST_INTR_EVENT=30" };

  for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
    _t_pier(pir_c, sizeof(pir_c), "bail");
    h_rm(pir_c);
    c3_i ret_i = _t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), env_c[i_w],
                        "--json", "--test-hooks", "--loom", "28", "-w", "kv", "--size", "2",
                        "-n", "60", "--snap-every", "1000", pir_c, (c3_c*)0);
    T_EQ(ret_i, 0);
    T_EQ(h_json_d(out_c, "bailed"), 1);
    T_OK(0 != strstr(err_c, "event 30 bailed"), "bail reported: %s", err_c);
    c3_d mug_d = h_json_d(out_c, "mug");

    //  throw the snapshot away: the state must come back from the log alone
    c3_c chk_c[4300];
    snprintf(chk_c, sizeof(chk_c), "%s/.urb/chk", pir_c);
    h_rm(chk_c);
    ret_i = _t_run(out_c, sizeof(out_c), 0, 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0);
    T_EQ(ret_i, 0);
    T_EQ(h_json_d(out_c, "replayed"), 60);
    T_EQ(h_json_d(out_c, "mug"), mug_d);
  }
  h_rm(pir_c);
}

/* _t_hooks(): the test-only variables change nothing without
**   --test-hooks (a warning names them); with it each one is announced,
**   even under -q, and takes effect.
*/
static void
_t_hooks(void)
{
  c3_c pir_c[4200], out_c[4096], err_c[8192];
  c3_d ref_d = _t_mug_of("href", "40", "kv", 0);
  static const c3_c* env_c[3] = { "URBIT_TEST_EXIT_EVENT=20", "URBIT_TEST_INTR_EVENT=20",
                                  "URBIT_TEST_KILL_EVENT=20" };

  _t_pier(pir_c, sizeof(pir_c), "hooks");
  for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
    c3_c nam_c[64];
    snprintf(nam_c, sizeof(nam_c), "%.*s", (c3_i)strcspn(env_c[i_w], "="), env_c[i_w]);

    //  without the flag: ignored, with a warning even under -q
    h_rm(pir_c);
    c3_i ret_i = _t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), env_c[i_w],
                        "-q", "--json", "--loom", "28", "-w", "kv", "--size", "2",
                        "-n", "40", pir_c, (c3_c*)0);
    T_EQ(ret_i, 0);
    T_EQ(h_json_d(out_c, "bailed"), 0);
    T_EQ(h_json_d(out_c, "event"), 40);
    T_EQ(h_json_d(out_c, "mug"), ref_d);
    T_OK(0 != strstr(err_c, "ignoring") && 0 != strstr(err_c, nam_c),
         "%s without --test-hooks is ignored with a warning: %s", nam_c, err_c);
    T_OK(0 == strstr(err_c, "hook active"), "%s not announced as active: %s", nam_c, err_c);

    //  with the flag: announced under -q, and in effect
    h_rm(pir_c);
    ret_i = _t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), env_c[i_w],
                   "-q", "--json", "--test-hooks", "--loom", "28", "-w", "kv", "--size", "2",
                   "-n", "40", pir_c, (c3_c*)0);
    T_OK(0 != strstr(err_c, "test hook active") && 0 != strstr(err_c, env_c[i_w]),
         "--test-hooks announces %s: %s", env_c[i_w], err_c);
    if ( 2 == i_w ) {
      T_EQ(ret_i, 128 + SIGKILL);
    }
    else {
      T_EQ(ret_i, 0);
      T_EQ(h_json_d(out_c, "bailed"), 1);
      T_OK(h_json_d(out_c, "mug") != ref_d, "%s changed the state", nam_c);
    }
  }

  //  a value that is not an event number is refused, not read as 0 or 2
  h_rm(pir_c);
  c3_i ret_i = _t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "URBIT_TEST_EXIT_EVENT=2x",
                      "-q", "--json", "--test-hooks", "--loom", "28", "-w", "kv",
                      "--size", "2", "-n", "40", pir_c, (c3_c*)0);
  T_EQ(ret_i, 0);
  T_EQ(h_json_d(out_c, "bailed"), 0);
  T_OK(0 != strstr(err_c, "not an event number"), "a bad value is named: %s", err_c);
  h_rm(pir_c);
}

/* _t_flip(): flip one byte of a file at offset off_d (from the end if
**   negative).
*/
static c3_t
_t_flip(const c3_c* pat_c, c3_ds off_d)
{
  struct stat sat_u;
  if ( stat(pat_c, &sat_u) ) return 0;
  return h_flip(pat_c, (c3_d)(( off_d < 0 ) ? sat_u.st_size + off_d : off_d));
}

/* _t_corruption(): damaged images recover through the log; damaged logs
**   are refused with a message; nothing crashes.
*/
static void
_t_corruption(void)
{
  c3_c pir_c[4200], out_c[4096], err_c[8192], pat_c[4300];
  c3_d ref_d = _t_mug_of("kref", "80", "kv", 0);

  //  image: truncated to a non-page size, byte flips in the header and in
  //  the middle
  for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
    _t_pier(pir_c, sizeof(pir_c), "corrupt");
    h_rm(pir_c);
    T_EQ(_t_run(0, 0, 0, 0, 0, "-q", "--loom", "28", "-w", "kv", "--size", "2",
                "-n", "80", pir_c, (c3_c*)0), 0);
    snprintf(pat_c, sizeof(pat_c), "%s/.urb/chk/north.bin", pir_c);
    if ( 0 == i_w ) {
      T_OK(0 == truncate(pat_c, 16384 * 3 + 100), "truncate");
    }
    else if ( 1 == i_w ) {
      T_OK(_t_flip(pat_c, 20), "flip header");
    }
    else {
      T_OK(_t_flip(pat_c, 16384 + 4000), "flip page 1");
    }
    if ( 2 == i_w ) {
      //  a flipped page is found by check, by page number; the start
      //  rebuilds from the log, so check says so and does not fail
      c3_i ret_i = _t_run(out_c, sizeof(out_c), 0, 0, 0, "check", pir_c, (c3_c*)0);
      T_EQ(ret_i, 0);
      T_OK(0 != strstr(out_c, "page 1"), "check names page 1: %s", out_c);
      T_OK(0 != strstr(out_c, "rebuilds the state from the log"),
           "check says the start rebuilds: %s", out_c);

      //  a page past page 0 is verified after the start: that run stops
      //  before its snapshot, and leaves the rebuild to the next start
      ret_i = _t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), 0,
                     "--json", "-n", "0", pir_c, (c3_c*)0);
      T_EQ(ret_i, 1);
      T_OK(0 != strstr(err_c, "page 1 of north.bin is damaged")
           && 0 != strstr(err_c, "failed its verification"),
           "the run stops on the damage: %s", err_c);
    }
    c3_i ret_i = _t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), 0,
                        "--json", "-n", "0", pir_c, (c3_c*)0);
    //  never trusted: the state is rebuilt from the log
    T_EQ(ret_i, 0);
    T_EQ(h_json_d(out_c, "event"), 80);
    T_EQ(h_json_d(out_c, "replayed"), 80);
    T_EQ(h_json_d(out_c, "mug"), ref_d);
    T_OK(0 != strstr(err_c, "rebuilding"), "says it rebuilds: %s", err_c);
  }

  //  log: a flip in the middle of records the snapshot holds starts from
  //  the snapshot with a warning naming the events; check agrees
  _t_pier(pir_c, sizeof(pir_c), "corrupt-log");
  h_rm(pir_c);
  T_EQ(_t_run(0, 0, 0, 0, 0, "-q", "--loom", "28", "-w", "kv", "--size", "2",
              "-n", "80", pir_c, (c3_c*)0), 0);
  c3_c log_c[4300];
  snprintf(log_c, sizeof(log_c), "%s/.urb/log", pir_c);
  DIR* dir_u = opendir(log_c);
  struct dirent* ent_u;
  pat_c[0] = 0;
  while ( dir_u && (ent_u = readdir(dir_u)) ) {
    if ( 0 == strcmp(ent_u->d_name, "events.log") ) {
      c3_c ful_c[4600];
      snprintf(ful_c, sizeof(ful_c), "%s/%s", log_c, ent_u->d_name);
      snprintf(pat_c, sizeof(pat_c), "%.4290s", ful_c);
    }
  }
  if ( dir_u ) closedir(dir_u);
  T_OK(pat_c[0], "found the log file");
  T_OK(_t_flip(pat_c, 2000), "flip log");
  c3_i ret_i = _t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), 0, "-n", "1", pir_c, (c3_c*)0);
  T_EQ(ret_i, 0);
  T_OK(0 != strstr(err_c, "events ") && 0 != strstr(err_c, "WARNING"),
       "log damage warning names the events: %s", err_c);
  ret_i = _t_run(out_c, sizeof(out_c), 0, 0, 0, "check", pir_c, (c3_c*)0);
  T_OK(0 == ret_i && strstr(out_c, "a start would go on"),
       "check agrees with the start: %s", out_c);
  h_rm(pir_c);
}

/* _t_flags(): --help, bad flags, bad values, geometry refusal. */
static void
_t_flags(void)
{
  c3_c out_c[8192], err_c[4096], pir_c[4200];

  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, 0, "--help", (c3_c*)0), 0);
  static const c3_c* flg_c[] = { "--events", "--workload", "--seed", "--size",
                                 "--snap-every", "--loom", "--no-demand",
                                 "--json", "--quiet", "check" };
  for ( c3_w i_w = 0; i_w < sizeof(flg_c) / sizeof(flg_c[0]); i_w++ ) {
    T_OK(0 != strstr(out_c, flg_c[i_w]), "--help lists %s", flg_c[i_w]);
  }

  _t_pier(pir_c, sizeof(pir_c), "flags");
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), 0, "--bogus", pir_c, (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "unknown option"), "unknown flag: %s", err_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), 0, "-n", "x1", pir_c, (c3_c*)0), 1);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), 0, "--loom", "40", pir_c, (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "--loom"), "bad loom: %s", err_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), 0, "-w", "nope", pir_c, (c3_c*)0), 1);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), 0, "--size", "0", pir_c, (c3_c*)0), 1);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), 0, (c3_c*)0), 1);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), 0, "--loom", (c3_c*)0), 1);

  //  a pier made with one geometry refuses another
  h_rm(pir_c);
  T_EQ(_t_run(0, 0, 0, 0, 0, "-q", "--loom", "27", "-n", "5", "--size", "1", pir_c, (c3_c*)0), 0);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), 0, "-q", "--loom", "28", "-n", "5", pir_c, (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "2^27"), "geometry message says what differs: %s", err_c);
  T_EQ(_t_run(0, 0, 0, 0, 0, "-q", "-n", "5", "--size", "1", pir_c, (c3_c*)0), 0);

  //  a pier path that cannot be made
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), 0, "-n", "1", "/proc/nope/pier", (c3_c*)0), 1);
  h_rm(pir_c);
}

int
main(void)
{
  const c3_c* why_c = h_start("urbit_tests", &_t_urbit_c, _t_tmp_c, sizeof(_t_tmp_c));
  if ( why_c ) {
    return t_skip(why_c);
  }

  //  the harness rule: this process's loom is leak-checked too
  u3m_init(24);
  u3m_pave();

  _t_flags();
  _t_determinism();
  _t_bails();
  _t_hooks();
  _t_crashes();
  _t_corruption();

  h_rm(_t_tmp_c);
  t_clean();
  u3m_fini();
  return t_done();
}
