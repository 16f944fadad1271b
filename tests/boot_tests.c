/// @file boot_tests.c
/// Starts that read nothing up front, end to end: the image's pages are
/// verified after the start, in the background.  A damaged page found
/// there stops the run (exit 1, the message naming the page, no
/// snapshot), and the next start judges the image whole and rebuilds the
/// same state from the log; no snapshot is committed while verification
/// runs; a run killed by SIGKILL while verification runs loses nothing.
///
/// Runs $URBIT (set by make test) on small piers (kv, --size 8, a few
/// dozen events, under a second each); URBIT_TEST_VERIFY_MS (with
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

/* _t_patched(): 1 if patch file pat_c holds bytes (a running pier keeps
**   its patch files, empty, between saves).
*/
static c3_t
_t_patched(const c3_c* pat_c)
{
  struct stat buf_u;
  return 0 == stat(pat_c, &buf_u) && buf_u.st_size > 0;
}

/* _t_file(): pir_c/rel_c into pat_c (4400 bytes). */
static void
_t_file(c3_c* pat_c, const c3_c* pir_c, const c3_c* rel_c)
{
  snprintf(pat_c, 4400, "%s/%s", pir_c, rel_c);
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

/* _t_made(): a pier of 60 kv events with its image; 1 if made. */
static c3_t
_t_made(c3_c* pir_c, const c3_c* nam_c)
{
  _t_pier(pir_c, nam_c);
  return T_EQ(_t_run(0, "-q", "--json", "-w", "kv", "--size", "8", "--seed",
                     "5", "-n", "60", pir_c, (c3_c*)0), 0)
         && T_EQ(h_json_d(_t_res.out_c, "event"), 60);
}

/* _t_pages(): the pages of pir_c's north.bin. */
static c3_w
_t_pages(const c3_c* pir_c)
{
  c3_c        pat_c[4400];
  struct stat sat_u;

  _t_file(pat_c, pir_c, ".urb/chk/north.bin");
  return stat(pat_c, &sat_u) ? 0 : (c3_w)(sat_u.st_size / 16384);
}

/* _t_damage(): a damaged page that the start does not read (not page 0)
**   is found after the start: the run stops with exit 1, naming the page,
**   with no snapshot (north.bin as damaged as it was); check says the start
**   rebuilds; the next start judges the image whole, sets it aside and
**   rebuilds from the log the state of an undamaged run.
*/
static void
_t_damage(void)
{
  c3_c pir_c[4200], pat_c[4400], dam_c[4400], why_c[64];
  c3_w pag_w;

  if ( !_t_made(pir_c, "damage") ) return;
  pag_w = _t_pages(pir_c) / 2;
  T_OK(pag_w > 4, "an image of %u pages", 2 * pag_w);
  _t_file(pat_c, pir_c, ".urb/chk/north.bin");
  _t_file(dam_c, pir_c, ".urb/chk/damaged");
  T_OK(h_flip(pat_c, (c3_d)pag_w * 16384 + 999), "flip page %u", pag_w);
  c3_z len_z;
  c3_y* was_y = h_must_read(pat_c, &len_z);

  //  the start maps and goes; the background pass finds the page
  T_EQ(_t_run(0, "--json", "-n", "0", pir_c, (c3_c*)0), 1);
  snprintf(why_c, sizeof(why_c), "page %u of north.bin is damaged", pag_w);
  T_OK(0 != strstr(_t_res.err_c, why_c)
       && 0 != strstr(_t_res.err_c, "failed its verification after the start")
       && 0 != strstr(_t_res.err_c, "without a snapshot"),
       "the run stops, naming the page: %s", _t_res.err_c);
  T_OK(0 != strstr(_t_res.out_c, "\"error\"")
       && 0 != strstr(_t_res.out_c, "verification"),
       "JSON with the error: %s", _t_res.out_c);
  T_OK(h_same(pat_c, was_y, len_z), "north.bin untouched: no snapshot");
  T_OK(h_exists(dam_c), "the mark for the next start");
  free(was_y);

  //  check agrees, as it always did
  T_EQ(_t_run(0, "check", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(_t_res.out_c, why_c)
       && 0 != strstr(_t_res.out_c, "rebuilds the state from the log"),
       "check: damaged, the start rebuilds: %s", _t_res.out_c);

  //  the next start: the same messages and rebuild as a damaged image
  //  always had, and the state of an undamaged run
  T_EQ(_t_run(0, "--json", "-n", "3", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(_t_res.err_c, why_c)
       && 0 != strstr(_t_res.err_c, "cannot be trusted; rebuilding the state"),
       "the next start rebuilds: %s", _t_res.err_c);
  T_EQ(h_json_d(_t_res.out_c, "replayed"), 60);
  T_EQ(h_json_d(_t_res.out_c, "event"), 63);
  T_EQ(h_json_d(_t_res.out_c, "mug"), _t_mug(63));
  T_OK(!h_exists(dam_c), "the rebuild removes the mark");
  T_EQ(_t_run(0, "check", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(_t_res.out_c, "image sound"), "sound: %s", _t_res.out_c);
  h_rm(pir_c);
}

/* _t_slow(): with verification slowed, the snapshot after each event
**   waits for it (--snap-every 1): it says so, every event is saved, and
**   verify_ms covers the delay; boot_ms and verify_ms are reported.
*/
static void
_t_slow(void)
{
  c3_c        pir_c[4200];
  const c3_c* wai_c;
  const c3_c* don_c;

  if ( !_t_made(pir_c, "slow") ) return;
  T_EQ(_t_run("URBIT_TEST_VERIFY_MS=1500", "--test-hooks", "--json",
              "--snap-every", "1", "-n", "3", pir_c, (c3_c*)0), 0);
  wai_c = strstr(_t_res.err_c, "the snapshot waits for the image's "
                               "verification");
  don_c = strstr(_t_res.err_c, "image: verified north.bin");
  T_OK(wai_c && don_c && wai_c < don_c,
       "the first snapshot waits, then verification ends: %s", _t_res.err_c);
  T_EQ(h_json_d(_t_res.out_c, "event"), 63);
  T_EQ(h_json_d(_t_res.out_c, "saves"), 4);
  T_OK(h_json_d(_t_res.out_c, "verify_ms") >= 1500
       && h_json_d(_t_res.out_c, "verify_ms") != ~0ULL,
       "verify_ms covers the delay: %s", _t_res.out_c);
  T_OK(h_json_d(_t_res.out_c, "boot_ms") != ~0ULL, "boot_ms reported");
  T_EQ(h_json_d(_t_res.out_c, "mug"), _t_mug(63));

  //  --verify-first: every page before the first event, nothing waits
  T_EQ(_t_run("URBIT_TEST_VERIFY_MS=1500", "--test-hooks", "--json",
              "--verify-first", "--snap-every", "1", "-n", "1", pir_c,
              (c3_c*)0), 0);
  T_OK(!strstr(_t_res.err_c, "waits"), "nothing waits: %s", _t_res.err_c);
  T_EQ(h_json_d(_t_res.out_c, "event"), 64);
  h_rm(pir_c);
}

/* _t_kill(): SIGKILL while verification runs (slowed for 60 s) and the
**   first snapshot waits for it: no snapshot was committed (north.bin and
**   sums.bin as they were, no patch); the next start replays the logged
**   event and reaches an undamaged run's mug; check finds it sound.
*/
static void
_t_kill(void)
{
  c3_c        pir_c[4200], nor_c[4400], sum_c[4400], ctl_c[4400];
  c3_c        err_c[4400], buf_c[16384];
  const c3_c* arg_c[16];
  c3_z        nor_z, sum_z;
  c3_y*       nor_y;
  c3_y*       sum_y;
  h_how       how_u;
  c3_t        wai_t = 0, tim_t;

  if ( !_t_made(pir_c, "kill") ) return;
  _t_file(nor_c, pir_c, ".urb/chk/north.bin");
  _t_file(sum_c, pir_c, ".urb/chk/sums.bin");
  _t_file(ctl_c, pir_c, ".urb/chk/control.bin");
  nor_y = h_must_read(nor_c, &nor_z);
  sum_y = h_must_read(sum_c, &sum_z);

  memset(&how_u, 0, sizeof(how_u));
  snprintf(err_c, sizeof(err_c), "%s/kill.err", _t_tmp_c);
  how_u.err_c = err_c;
  how_u.env_c = "URBIT_TEST_VERIFY_MS=60000";
  arg_c[0] = _t_urbit_c;
  arg_c[1] = "--test-hooks";
  arg_c[2] = "--snap-every";
  arg_c[3] = "1";
  arg_c[4] = "-n";
  arg_c[5] = "5";
  arg_c[6] = pir_c;
  arg_c[7] = 0;
  pid_t pid_i = h_spawn((c3_c* const*)arg_c, &how_u);
  if ( !T_OK(pid_i > 0, "spawn") ) return;
  for ( c3_w i_w = 0; i_w < 3000 && !wai_t; i_w++ ) {
    usleep(10000);
    h_slurp(err_c, buf_c, sizeof(buf_c));
    wai_t = ( 0 != strstr(buf_c, "the snapshot waits") );
  }
  T_OK(wai_t, "the first snapshot waits: %s", buf_c);
  usleep(200000);
  T_OK(h_same(nor_c, nor_y, nor_z) && h_same(sum_c, sum_y, sum_z)
       && !_t_patched(ctl_c),
       "no snapshot committed while verification runs");
  kill(pid_i, SIGKILL);
  c3_i sat_i = h_reap(pid_i, 30, &tim_t, 0);
  T_OK(WIFSIGNALED(sat_i) && SIGKILL == WTERMSIG(sat_i), "killed");
  T_OK(h_same(nor_c, nor_y, nor_z) && h_same(sum_c, sum_y, sum_z),
       "the image is as it was");
  free(nor_y);
  free(sum_y);

  //  the event logged before the snapshot waited is replayed
  T_EQ(_t_run(0, "--json", "-n", "0", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(_t_res.out_c, "event"), 61);
  T_EQ(h_json_d(_t_res.out_c, "replayed"), 1);
  T_EQ(h_json_d(_t_res.out_c, "mug"), _t_mug(61));
  T_EQ(_t_run(0, "check", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(_t_res.out_c, "image sound"), "sound: %s", _t_res.out_c);
  h_rm(pir_c);
}

int
main(void)
{
  const c3_c* why_c = h_start("boot_tests", &_t_urbit_c, _t_tmp_c,
                              sizeof(_t_tmp_c));
  if ( why_c ) {
    return t_skip(why_c);
  }
  _t_damage();
  _t_slow();
  _t_kill();
  h_rm(_t_tmp_c);
  return t_done();
}
