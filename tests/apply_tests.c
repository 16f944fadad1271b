/// @file apply_tests.c
/// A save's patch applied to north.bin on a thread, end to end: the next
/// save waits for a slow apply and the run ends in the right state; a run
/// SIGKILLed while an apply is in progress (the patch committed, north.bin
/// not yet written) loses nothing: `check` finds the patch valid and the
/// image sound, and the restart applies it, replays the rest of the log
/// and reaches the mug of an uninterrupted run.  Each with the default
/// policy, --loom-lazy and --swap-file.
///
/// Runs $URBIT (set by make test) on small piers (kv, --size 8, a few
/// dozen events, under a second each); URBIT_TEST_APPLY_MS (with
/// --test-hooks) stands for a slow disk.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "harness.h"

static const c3_c* _t_urbit_c;
static c3_c        _t_tmp_c[4096];
static h_run       _t_res;             //  the last run: status, output

/* _t_run(): run urbit with env_c (NAME=value, or 0) and args
**   (NULL-terminated), its stdout and stderr into _t_res; the exit
**   status, or 128 + signal.
*/
static c3_i
_t_run(const c3_c* env_c, const c3_c* fir_c, ...)
{
  va_list ap;
  c3_i    ret_i;

  va_start(ap, fir_c);
  ret_i = h_run_env(_t_tmp_c, &_t_res, _t_urbit_c, env_c, fir_c, ap);
  va_end(ap);
  return ret_i;
}

/* _t_pier(): a fresh pier path NAME under the scratch directory. */
static void
_t_pier(c3_c* pir_c, const c3_c* nam_c)
{
  snprintf(pir_c, 4200, "%s/%s", _t_tmp_c, nam_c);
  h_rm(pir_c);
}

/* _t_file(): pir_c/rel_c into pat_c (4400 bytes). */
static void
_t_file(c3_c* pat_c, const c3_c* pir_c, const c3_c* rel_c)
{
  snprintf(pat_c, 4400, "%s/%s", pir_c, rel_c);
}

/* _t_bytes(): the size of pat_c, or -1 when it is missing. */
static c3_ds
_t_bytes(const c3_c* pat_c)
{
  struct stat buf_u;
  return stat(pat_c, &buf_u) ? -1 : (c3_ds)buf_u.st_size;
}

/* _t_mug(): the mug of a fresh pier after eve_d events (kv, --size 8,
**   seed 5), ~0 if the run failed.
*/
static c3_d
_t_mug(c3_d eve_d)
{
  c3_c pir_c[4200], num_c[32];

  _t_pier(pir_c, "reference");
  snprintf(num_c, sizeof(num_c), "%llu", (unsigned long long)eve_d);
  if ( _t_run(0, "-q", "--json", "-w", "kv", "--size", "8", "--seed", "5",
              "-n", num_c, pir_c, (c3_c*)0) )
  {
    return ~0ULL;
  }
  h_rm(pir_c);
  return h_json_d(_t_res.out_c, "mug");
}

/* _t_pol: a memory policy the apply runs under. */
typedef struct {
  const c3_c* nam_c;     //  pier name
  const c3_c* one_c;     //  its flag and argument (a flag twice, or a
                         //  repeated seed, where there is none)
  const c3_c* two_c;
} _t_pol;

/* _t_slow(): a slow apply under policy pol_u: each save waits for the last
**   one's apply (and says so), and the run ends in the uninterrupted
**   state with no patch left.
*/
static void
_t_slow(const _t_pol* pol_u, c3_d mug_d)
{
  c3_c pir_c[4200], ctl_c[4400], mem_c[4400];

  _t_pier(pir_c, pol_u->nam_c);
  T_EQ(_t_run("URBIT_TEST_APPLY_MS=300", "--test-hooks", "--json", "-w",
              "kv", "--size", "8", "--seed", "5", "-n", "10", "--snap-every",
              "3", pol_u->one_c, pol_u->two_c, pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(_t_res.err_c, "held until the last one's apply"),
       "%s: a save waits for the last apply: %s", pol_u->nam_c,
       _t_res.err_c);
  T_EQ(h_json_d(_t_res.out_c, "event"), 10);
  T_EQ(h_json_d(_t_res.out_c, "saves"), 4);
  T_EQ(h_json_d(_t_res.out_c, "mug"), mug_d);
  _t_file(ctl_c, pir_c, ".urb/chk/control.bin");
  _t_file(mem_c, pir_c, ".urb/chk/memory.bin");
  T_OK(-1 == _t_bytes(ctl_c) && -1 == _t_bytes(mem_c),
       "%s: a stopped pier holds no patch files", pol_u->nam_c);
  T_EQ(_t_run(0, "check", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(_t_res.out_c, "image sound"), "sound: %s", _t_res.out_c);
  h_rm(pir_c);
}

/* _t_kill(): under policy pol_u, a run SIGKILLed while a save's apply is
**   held back: the patch is committed, north.bin untouched; check says a
**   start applies it; the restart reaches the state of an uninterrupted
**   run of as many events, losing none.
*/
static void
_t_kill(const _t_pol* pol_u, c3_d mug_d)
{
  c3_c        pir_c[4200], nor_c[4400], ctl_c[4400], err_c[4400];
  c3_c        buf_c[16384];
  const c3_c* arg_c[16];
  c3_z        nor_z;
  c3_y*       nor_y;
  h_how       how_u;
  c3_t        wai_t = 0, tim_t;

  //  an image of 60 events
  _t_pier(pir_c, pol_u->nam_c);
  if ( !T_EQ(_t_run(0, "-q", "--json", "-w", "kv", "--size", "8", "--seed",
                    "5", "-n", "60", pol_u->one_c, pol_u->two_c, pir_c,
                    (c3_c*)0), 0) )
  {
    return;
  }
  _t_file(nor_c, pir_c, ".urb/chk/north.bin");
  _t_file(ctl_c, pir_c, ".urb/chk/control.bin");
  nor_y = h_must_read(nor_c, &nor_z);

  //  a save after each event; the first one's apply waits a minute, so
  //  the second save waits for it
  memset(&how_u, 0, sizeof(how_u));
  //  a file of its own, gone before the run starts: never an earlier
  //  run's message
  snprintf(err_c, sizeof(err_c), "%s/kill-%s.err", _t_tmp_c, pol_u->nam_c);
  unlink(err_c);
  how_u.err_c = err_c;
  how_u.env_c = "URBIT_TEST_APPLY_MS=60000";
  arg_c[0] = _t_urbit_c;
  arg_c[1] = "--test-hooks";
  arg_c[2] = "--snap-every";
  arg_c[3] = "1";
  arg_c[4] = "-n";
  arg_c[5] = "5";
  arg_c[6] = pol_u->one_c;
  arg_c[7] = pol_u->two_c;
  arg_c[8] = pir_c;
  arg_c[9] = 0;
  pid_t pid_i = h_spawn((c3_c* const*)arg_c, &how_u);
  if ( !T_OK(pid_i > 0, "spawn") ) {
    free(nor_y);
    return;
  }
  for ( c3_w i_w = 0; i_w < 3000 && !wai_t; i_w++ ) {
    usleep(10000);
    h_slurp(err_c, buf_c, sizeof(buf_c));
    wai_t = ( 0 != strstr(buf_c, "held until the last one's apply") );
  }
  T_OK(wai_t, "%s: the second save waits for the first's apply: %s",
       pol_u->nam_c, buf_c);
  T_OK(_t_bytes(ctl_c) > 0, "%s: the first save's patch is committed",
       pol_u->nam_c);
  T_OK(h_same(nor_c, nor_y, nor_z), "%s: north.bin is not written yet",
       pol_u->nam_c);
  kill(pid_i, SIGKILL);
  c3_i sat_i = h_reap(pid_i, 30, &tim_t, 0);
  T_OK(WIFSIGNALED(sat_i) && SIGKILL == WTERMSIG(sat_i), "killed");
  free(nor_y);

  //  read-only: the patch is valid, the image sound with it
  T_EQ(_t_run(0, "check", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(_t_res.out_c, "a valid patch is pending")
       && 0 != strstr(_t_res.out_c, "image sound"),
       "%s: check: %s", pol_u->nam_c, _t_res.out_c);

  //  the start applies it (event 61) and replays event 62, logged (and
  //  made durable) before the second save
  T_EQ(_t_run(0, "--json", "-n", "0", pol_u->one_c, pol_u->two_c, pir_c,
              (c3_c*)0), 0);
  T_OK(0 != strstr(_t_res.err_c, "applying the patch"),
       "%s: the start applies the patch: %s", pol_u->nam_c, _t_res.err_c);
  T_EQ(h_json_d(_t_res.out_c, "event"), 62);
  T_EQ(h_json_d(_t_res.out_c, "replayed"), 1);
  T_EQ(h_json_d(_t_res.out_c, "mug"), mug_d);
  T_EQ(_t_run(0, "check", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(_t_res.out_c, "image sound")
       && 0 == strstr(_t_res.out_c, "patch is pending"),
       "%s: sound, no patch: %s", pol_u->nam_c, _t_res.out_c);
  h_rm(pir_c);
}

int
main(void)
{
  const c3_c* why_c = h_start("apply_tests", &_t_urbit_c, _t_tmp_c,
                              sizeof(_t_tmp_c));
  c3_c        swp_c[4200];

  if ( why_c ) {
    return t_skip(why_c);
  }
  snprintf(swp_c, sizeof(swp_c), "%s/swap.bin", _t_tmp_c);
  {
    const _t_pol pol_u[3] = {
      { "default", "--seed", "5" },
      { "lazy", "--loom-lazy", "--loom-lazy" },
      { "swap", "--swap-file", swp_c },
    };
    c3_d ten_d = _t_mug(10);
    c3_d six_d = _t_mug(62);

    for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
      _t_slow(&pol_u[i_w], ten_d);
      _t_kill(&pol_u[i_w], six_d);
    }
  }
  h_rm(_t_tmp_c);
  return t_done();
}
