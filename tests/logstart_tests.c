/// @file logstart_tests.c
/// What a start and `urbit check` make of a damaged event log, end to
/// end: a record that was durable is never cut as a torn tail; damage the
/// snapshot holds starts with a warning and the pier carries on; damage
/// it lacks refuses, naming event and offset, with the log unchanged; a
/// real torn tail (past the durable mark) is cut; and `check` gives the
/// start's verdict without changing a byte.
///
/// Runs $URBIT (set by make test) on small piers (kv, --size 2, 300
/// events, well under a second each).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "harness.h"

static const c3_c* _t_urbit_c;
static c3_c        _t_tmp_c[4096];
static h_run       _t_res;             //  the last run: status, output

/* _t_run(): run urbit with args (NULL-terminated), its stdout and stderr
**   into _t_res; the exit status, or 128 + signal.
*/
static c3_i
_t_run(const c3_c* fir_c, ...)
{
  va_list ap;
  c3_i    ret_i;

  va_start(ap, fir_c);
  ret_i = h_run_list(_t_tmp_c, 0, 0, &_t_res, _t_urbit_c, fir_c, ap);
  va_end(ap);
  return ret_i;
}

/* _t_sh(): run a shell command built from fmt_c; exit on failure. */
static void
_t_sh(const c3_c* fmt_c, const c3_c* a_c, const c3_c* b_c)
{
  c3_c cmd_c[9000];
  snprintf(cmd_c, sizeof(cmd_c), fmt_c, a_c, b_c);
  if ( system(cmd_c) ) {
    fprintf(stderr, "failed: %s\n", cmd_c);
    exit(1);
  }
}

/* _t_event(): the "event" field of a --json summary, or ~0. */
static c3_d
_t_event(const c3_c* out_c)
{
  return h_json_d(out_c, "event");
}

/* _t_get_d(): a little-endian u64. */
static c3_d
_t_get_d(const c3_y* buf_y)
{
  c3_d val_d = 0;
  for ( c3_w i_w = 0; i_w < 8; i_w++ ) {
    val_d |= (c3_d)buf_y[i_w] << (8 * i_w);
  }
  return val_d;
}

/* _t_offset(): the offset of event eve_d's record in a sound log image,
**   walking the format (32-byte header, 24-byte record headers).
*/
static c3_d
_t_offset(const c3_y* log_y, c3_z len_z, c3_d eve_d)
{
  c3_d off_d = 32;
  while ( off_d + 24 <= len_z ) {
    if ( _t_get_d(log_y + off_d + 8) == eve_d ) {
      return off_d;
    }
    off_d += 24 + _t_get_d(log_y + off_d);
  }
  fprintf(stderr, "no record for event %llu\n", (unsigned long long)eve_d);
  exit(1);
}

static c3_c _t_pir_c[4200], _t_log_c[4300], _t_old_c[4200];

/* _t_fresh(): copy the pristine pier old_c to the test pier. */
static void
_t_fresh(const c3_c* old_c)
{
  h_rm(_t_pir_c);
  _t_sh("cp -a '%s' '%s'", old_c, _t_pir_c);
}

/* _t_case(): damage the test pier's log with dam_f, then: check and
**   start agree; check changes no byte; go_t says whether they go on,
**   nee_c what both must say.  When going, the start's one new event is
**   nxt_d, and a second start and check go on too.
*/
static void
_t_case(const c3_c* nam_c,
        void      (*dam_f)(c3_y*, c3_z*, c3_d),
        c3_d        arg_d,
        c3_d        nxt_d,
        c3_t        go_t,
        const c3_c* nee_c)
{
  c3_z  len_z, now_z;
  c3_y* log_y = h_must_read(_t_log_c, &len_z);
  c3_y* bad_y = malloc(len_z + 4096);
  c3_y* now_y;
  c3_i  chk_i, sta_i;

  memcpy(bad_y, log_y, len_z);
  dam_f(bad_y, &len_z, arg_d);
  h_must_write(_t_log_c, bad_y, len_z);

  chk_i = _t_run("check", _t_pir_c, (c3_c*)0);
  T_OK(strstr(_t_res.out_c, nee_c) != 0, "%s: check says \"%s\": %s",
       nam_c, nee_c, _t_res.out_c);
  now_y = h_must_read(_t_log_c, &now_z);
  T_OK(now_z == len_z && 0 == memcmp(now_y, bad_y, len_z),
       "%s: check changes no byte of the log", nam_c);
  free(now_y);

  sta_i = _t_run("-q", "--json", "-w", "kv", "--size", "2", "-n", "1",
                 _t_pir_c, (c3_c*)0);
  T_OK(strstr(_t_res.err_c, nee_c) != 0, "%s: start says \"%s\": %s",
       nam_c, nee_c, _t_res.err_c);
  T_OK((0 == chk_i) == (0 == sta_i),
       "%s: check's verdict (%d) is the start's (%d)", nam_c, chk_i, sta_i);
  if ( go_t ) {
    T_EQ(sta_i, 0);
    T_EQ(_t_event(_t_res.out_c), nxt_d);
    T_EQ(_t_run("check", _t_pir_c, (c3_c*)0), 0);
    T_EQ(_t_run("-q", "--json", "-w", "kv", "--size", "2", "-n", "1",
                _t_pir_c, (c3_c*)0), 0);
    T_EQ(_t_event(_t_res.out_c), nxt_d + 1);
  }
  else {
    T_OK(0 != sta_i, "%s: the start refuses", nam_c);
    now_y = h_must_read(_t_log_c, &now_z);
    T_OK(now_z == len_z && 0 == memcmp(now_y, bad_y, len_z),
         "%s: the refused start changes no byte of the log", nam_c);
    free(now_y);
  }
  free(log_y);
  free(bad_y);
}

/* the damages */
static void
_t_flip_last(c3_y* log_y, c3_z* len_z, c3_d arg_d)
{
  (void)arg_d;
  log_y[*len_z - 3] ^= 0x20;
}

static void
_t_zero_tail(c3_y* log_y, c3_z* len_z, c3_d arg_d)
{
  (void)arg_d;
  memset(log_y + *len_z / 2, 0, *len_z - *len_z / 2);
}

static void
_t_cut_tail(c3_y* log_y, c3_z* len_z, c3_d arg_d)
{
  (void)log_y; (void)arg_d;
  *len_z -= 3;
}

static void
_t_flip_event(c3_y* log_y, c3_z* len_z, c3_d arg_d)
{
  log_y[_t_offset(log_y, *len_z, arg_d) + 25] ^= 0x20;
}

static void
_t_torn_tail(c3_y* log_y, c3_z* len_z, c3_d arg_d)
{
  //  the start of a record for the next event, never synced
  (void)arg_d;
  memset(log_y + *len_z, 0, 24);
  log_y[*len_z + 0] = 40;
  log_y[*len_z + 8] = 1;
  *len_z += 17;
}

int
main(void)
{
  c3_c        pri_c[4200], chk_c[4300];
  const c3_c* why_c = h_start("logstart_tests", &_t_urbit_c, _t_tmp_c,
                              sizeof(_t_tmp_c));
  if ( why_c ) {
    return t_skip(why_c);
  }
  u3m_init(24);
  u3m_pave();

  snprintf(_t_pir_c, sizeof(_t_pir_c), "%s/pier", _t_tmp_c);
  snprintf(_t_log_c, sizeof(_t_log_c), "%s/.urb/log/events.log", _t_pir_c);

  //  a cleanly exited 300-event pier, its snapshot at 300
  //
  snprintf(pri_c, sizeof(pri_c), "%s/p300", _t_tmp_c);
  T_EQ(_t_run("-q", "--json", "--loom", "28", "-w", "kv", "--size", "2",
              "-n", "300", pri_c, (c3_c*)0), 0);
  T_EQ(_t_event(_t_res.out_c), 300);

  _t_fresh(pri_c);
  _t_case("flip in the last record", _t_flip_last, 0, 301, 1,
          "events 300 to 300");
  _t_fresh(pri_c);
  _t_case("zeros from the middle to the end", _t_zero_tail, 0, 301, 1,
          "WARNING: the log's history is damaged");
  _t_fresh(pri_c);
  _t_case("last bytes cut", _t_cut_tail, 0, 301, 1,
          "record for event 300 at offset");
  _t_fresh(pri_c);
  _t_case("flip in the middle", _t_flip_event, 150, 301, 1,
          "events 150 to 150");
  _t_fresh(pri_c);
  _t_case("a torn tail past the durable mark", _t_torn_tail, 0, 301, 1,
          "torn tail past the durable mark (event 300");

  //  a snapshot at 250 and a log durable to 280: the image of a 250-event
  //  run under the log of a 280-event run
  //
  snprintf(_t_old_c, sizeof(_t_old_c), "%s/p250", _t_tmp_c);
  T_EQ(_t_run("-q", "--json", "--loom", "28", "-w", "kv", "--size", "2",
              "-n", "250", _t_old_c, (c3_c*)0), 0);
  snprintf(chk_c, sizeof(chk_c), "%s/chk250", _t_tmp_c);
  _t_sh("cp -a '%s/.urb/chk' '%s'", _t_old_c, chk_c);
  T_EQ(_t_run("-q", "--json", "-w", "kv", "--size", "2", "-n", "30",
              _t_old_c, (c3_c*)0), 0);
  T_EQ(_t_event(_t_res.out_c), 280);
  _t_sh("rm -rf '%s/.urb/chk'%s", _t_old_c, "");
  _t_sh("mv '%s' '%s/.urb/chk'", chk_c, _t_old_c);

  _t_fresh(_t_old_c);
  _t_case("damage past the snapshot, before the mark", _t_flip_event, 270,
          250, 0, "events 270 to 270, from offset ");
  _t_fresh(_t_old_c);
  _t_case("damage in the last durable record, past the snapshot",
          _t_flip_last, 0, 250, 0, "record for event 280 at offset ");
  _t_fresh(_t_old_c);
  _t_case("damage the snapshot holds, under a newer log", _t_flip_event,
          200, 281, 1, "events 200 to 200");

  h_rm(_t_tmp_c);
  t_clean();
  u3m_fini();
  return t_done();
}
