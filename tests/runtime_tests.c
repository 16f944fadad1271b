/// @file runtime_tests.c
/// The `urbit` binary's exits: every failure shows in the exit status and
/// the --json object (a failed final snapshot, write errors on stdout,
/// stderr and --trace, refused starts), a pier keeps the workload it was
/// made with, and numeric flags take plain digits only.
///
/// Runs $URBIT (set by make test) as a child process with tiny piers.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "harness.h"

static const c3_c* _t_urbit_c;
static c3_c        _t_tmp_c[4096];

/* _t_spawn: how to run the child: stdout and stderr to these files
**   instead of the capture files, a file size limit.
*/
static h_how _t_spawn;

/* _t_run(): run urbit with args (NULL-terminated); stdout into out_c and
**   stderr into err_c (each if given and captured); the exit status, or
**   128 + signal.
*/
static c3_i
_t_run(c3_c* out_c, c3_z out_z, c3_c* err_c, c3_z err_z, ...)
{
  va_list ap;
  va_start(ap, err_z);
  c3_i ret_i = h_runv(_t_tmp_c, &_t_spawn, out_c, out_z, err_c, err_z,
                      _t_urbit_c, ap);
  va_end(ap);
  return ret_i;
}

/* _t_one_object(): out_c is exactly one JSON object on one line. */
static c3_t
_t_one_object(const c3_c* out_c)
{
  c3_z len_z = strlen(out_c);
  return len_z >= 3 && '{' == out_c[0] && '}' == out_c[len_z - 2]
         && '\n' == out_c[len_z - 1] && strchr(out_c, '\n') == out_c + len_z - 1;
}

/* _t_has_error(): out_c is one JSON object with an "error" string. */
static c3_t
_t_has_error(const c3_c* out_c)
{
  return _t_one_object(out_c) && 0 != strstr(out_c, "\"error\":\"");
}

/* _t_pier(): a fresh pier path under the scratch dir, removed. */
static void
_t_pier(c3_c* pir_c, c3_z len_z, const c3_c* nam_c)
{
  h_join(pir_c, len_z, _t_tmp_c, nam_c);
  h_rm(pir_c);
}

/* _t_exists(): pat_c exists. */
static c3_t
_t_exists(const c3_c* pat_c)
{
  struct stat sat_u;
  return 0 == stat(pat_c, &sat_u);
}

/* _t_save_fails(): a final snapshot that cannot be written (a file size
**   limit the log stays under) fails the run, with the figures and an
**   error in the JSON; the log keeps every event.
*/
static void
_t_save_fails(void)
{
  c3_c pir_c[4200], out_c[4096], err_c[8192];

  _t_pier(pir_c, sizeof(pir_c), "savefail");
  _t_spawn.fsz_d = 64 << 10;
  c3_i ret_i = _t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "-q", "--json",
                      "--loom", "24", "-w", "kv", "--size", "1", "-n", "5",
                      pir_c, (c3_c*)0);
  _t_spawn.fsz_d = 0;
  T_EQ(ret_i, 1);
  T_OK(_t_has_error(out_c), "failed save: JSON with an error: %s", out_c);
  T_OK(0 != strstr(out_c, "snapshot"), "the error names the snapshot: %s", out_c);
  T_EQ(h_json_d(out_c, "event"), 5);
  T_OK(0 != strstr(err_c, "snapshot at event 5 failed"), "stderr says so: %s", err_c);

  //  nothing lost: the next start replays the log
  ret_i = _t_run(out_c, sizeof(out_c), 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0);
  T_EQ(ret_i, 0);
  T_EQ(h_json_d(out_c, "event"), 5);
  T_EQ(h_json_d(out_c, "replayed"), 5);
  T_OK(_t_one_object(out_c) && !strstr(out_c, "\"error\""), "success: no error: %s", out_c);
}

/* _t_write_errors(): stdout, stderr and --trace on a full device fail
**   the run with a message; the pier keeps every event.
*/
static void
_t_write_errors(void)
{
  c3_c pir_c[4200], out_c[4096], err_c[8192];

  if ( access("/dev/full", W_OK) ) {
    T_OK(1, "no /dev/full here: write errors not tested");
    return;
  }

  //  --json >/dev/full
  _t_pier(pir_c, sizeof(pir_c), "stdoutfull");
  _t_spawn.out_c = "/dev/full";
  c3_i ret_i = _t_run(0, 0, err_c, sizeof(err_c), "-q", "--json", "--loom", "24",
                      "-w", "kv", "--size", "1", "-n", "7", pir_c, (c3_c*)0);
  _t_spawn.out_c = 0;
  T_EQ(ret_i, 1);
  T_OK(0 != strstr(err_c, "stdout"), "stdout failure reported: %s", err_c);
  ret_i = _t_run(out_c, sizeof(out_c), 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0);
  T_EQ(ret_i, 0);
  T_EQ(h_json_d(out_c, "event"), 7);

  //  --help >/dev/full, check >/dev/full
  _t_spawn.out_c = "/dev/full";
  T_EQ(_t_run(0, 0, 0, 0, "--help", (c3_c*)0), 1);
  T_EQ(_t_run(0, 0, 0, 0, "check", pir_c, (c3_c*)0), 1);
  _t_spawn.out_c = 0;

  //  2>/dev/full: the summary cannot be written; the run still fails
  _t_spawn.err_c = "/dev/full";
  ret_i = _t_run(out_c, sizeof(out_c), 0, 0, "--json", "-n", "2", pir_c, (c3_c*)0);
  _t_spawn.err_c = 0;
  T_EQ(ret_i, 1);
  T_OK(_t_has_error(out_c) && strstr(out_c, "stderr"), "stderr failure in JSON: %s", out_c);
  T_EQ(h_json_d(out_c, "event"), 9);

  //  --trace /dev/full: stops at the first event, saved
  ret_i = _t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "-q", "--json",
                 "--trace", "/dev/full", "-n", "50", pir_c, (c3_c*)0);
  T_EQ(ret_i, 1);
  T_OK(0 != strstr(err_c, "--trace /dev/full"), "trace failure reported: %s", err_c);
  T_OK(_t_has_error(out_c) && strstr(out_c, "--trace"), "trace failure in JSON: %s", out_c);
  c3_d eve_d = h_json_d(out_c, "event");
  T_OK(eve_d >= 10 && eve_d < 59, "stopped early, at event %llu", (unsigned long long)eve_d);
  ret_i = _t_run(out_c, sizeof(out_c), 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0);
  T_EQ(ret_i, 0);
  T_EQ(h_json_d(out_c, "event"), eve_d);

  //  the same with no new events: the header write fails at close
  ret_i = _t_run(0, 0, err_c, sizeof(err_c), "-q", "--trace", "/dev/full", "-n", "0",
                 pir_c, (c3_c*)0);
  T_EQ(ret_i, 1);
  T_OK(0 != strstr(err_c, "--trace /dev/full"), "trace failure reported: %s", err_c);
}

/* _t_refused_json(): every refused start prints one JSON object with an
**   error.
*/
static void
_t_refused_json(void)
{
  c3_c pir_c[4200], out_c[4096];

  _t_pier(pir_c, sizeof(pir_c), "refused");
  T_EQ(_t_run(0, 0, 0, 0, "-q", "--loom", "24", "--size", "1", "-n", "1",
              pir_c, (c3_c*)0), 0);

  //  a refused geometry
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "--json", "--loom", "25", "-n", "1",
              pir_c, (c3_c*)0), 1);
  T_OK(_t_has_error(out_c), "refused boot: %s", out_c);
  //  bad flags, before and after --json
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "-n", "x", "--json", pir_c, (c3_c*)0), 1);
  T_OK(_t_has_error(out_c) && strstr(out_c, "--events"), "bad -n: %s", out_c);
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "--json", "--bogus", pir_c, (c3_c*)0), 1);
  T_OK(_t_has_error(out_c), "unknown flag: %s", out_c);
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "--json", (c3_c*)0), 1);
  T_OK(_t_has_error(out_c), "no pier: %s", out_c);
  //  a pier that cannot be made
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "--json", "-n", "1", "/proc/nope/pier",
              (c3_c*)0), 1);
  T_OK(_t_has_error(out_c), "bad pier path: %s", out_c);
}

/* _t_interrupted(): SIGTERM stops a run at an event boundary; it saves,
**   exits 0, and its JSON object says it was interrupted.
*/
static void
_t_interrupted(void)
{
  c3_c pir_c[4200], con_c[4300], out_p[4200], out_c[4096];

  _t_pier(pir_c, sizeof(pir_c), "interrupted");
  snprintf(con_c, sizeof(con_c), "%s/.urb/conf", pir_c);
  snprintf(out_p, sizeof(out_p), "%s/int.txt", _t_tmp_c);

  pid_t pid = fork();
  if ( 0 == pid ) {
    c3_i out_i = open(out_p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    c3_i nul_i = open("/dev/null", O_WRONLY);
    dup2(out_i, 1);
    dup2(nul_i, 2);
    execl(_t_urbit_c, _t_urbit_c, "-q", "--json", "--loom", "24", "-w", "kv",
          "--size", "1", "-n", "100000000", pir_c, (c3_c*)0);
    _exit(126);
  }
  //  the conf is written after the signal handlers are set, before the
  //  first event
  for ( c3_w i_w = 0; i_w < 6000 && !_t_exists(con_c); i_w++ ) {
    usleep(10000);
  }
  T_OK(_t_exists(con_c), "the run started");
  kill(pid, SIGTERM);
  c3_i sat_i;
  waitpid(pid, &sat_i, 0);
  T_OK(WIFEXITED(sat_i) && 0 == WEXITSTATUS(sat_i), "interrupted run exits 0 (%x)", sat_i);
  FILE* fil_u = fopen(out_p, "r");
  c3_z  len_z = fil_u ? fread(out_c, 1, sizeof(out_c) - 1, fil_u) : 0;
  out_c[len_z] = 0;
  if ( fil_u ) fclose(fil_u);
  T_OK(_t_one_object(out_c) && strstr(out_c, "\"interrupted\":true")
       && !strstr(out_c, "\"error\""), "interrupted in JSON: %s", out_c);
  c3_d eve_d = h_json_d(out_c, "event");
  T_OK(eve_d < 100000000, "stopped early");
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "event"), eve_d);
}

/* _t_workload(): a pier keeps -w, --seed and --size: a resume without
**   them continues the same events, a differing one is refused.
*/
static void
_t_workload(void)
{
  c3_c pir_c[4200], out_c[4096], err_c[8192], con_c[4300];

  //  the reference: 12 events in one run
  _t_pier(pir_c, sizeof(pir_c), "wref");
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "-q", "--json", "--loom", "24", "-w", "kv",
              "--seed", "3", "--size", "1", "-n", "12", pir_c, (c3_c*)0), 0);
  c3_d ref_d = h_json_d(out_c, "mug");

  _t_pier(pir_c, sizeof(pir_c), "wpier");
  T_EQ(_t_run(0, 0, 0, 0, "-q", "--loom", "24", "-w", "kv", "--seed", "3",
              "--size", "1", "-n", "4", pir_c, (c3_c*)0), 0);
  snprintf(con_c, sizeof(con_c), "%s/.urb/conf", pir_c);
  T_OK(_t_exists(con_c), "the pier stores its workload in .urb/conf");

  //  differing flags are refused, naming the flag and both values
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-q", "-w", "churn", "-n", "1", pir_c, (c3_c*)0), 1);
  T_OK(strstr(err_c, "-w kv") && strstr(err_c, "-w churn"), "-w refused: %s", err_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-q", "--seed", "4", "-n", "1", pir_c, (c3_c*)0), 1);
  T_OK(strstr(err_c, "--seed 3") && strstr(err_c, "--seed 4"), "--seed refused: %s", err_c);
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "-q", "--json", "--size", "2",
              "-n", "1", pir_c, (c3_c*)0), 1);
  T_OK(strstr(err_c, "--size 1") && strstr(err_c, "--size 2"), "--size refused: %s", err_c);
  T_OK(_t_has_error(out_c), "refusal in JSON: %s", out_c);

  //  the same values given, then none: the stored workload goes on
  T_EQ(_t_run(0, 0, 0, 0, "-q", "-w", "kv", "--seed", "3", "--size", "1", "-n", "4",
              pir_c, (c3_c*)0), 0);
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "-q", "--json", "-n", "4", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "event"), 12);
  T_EQ(h_json_d(out_c, "mug"), ref_d);

  //  a damaged conf is refused with a message, not replaced
  struct stat sat_u;
  T_OK(0 == stat(con_c, &sat_u) && sat_u.st_size > 20, "conf has content");
  c3_i fid_i = open(con_c, O_RDWR);
  c3_y byt_y = 0;
  T_OK(fid_i >= 0 && 1 == pread(fid_i, &byt_y, 1, 20), "read conf");
  byt_y ^= 0x01;
  T_OK(fid_i >= 0 && 1 == pwrite(fid_i, &byt_y, 1, 20), "damage conf");
  if ( fid_i >= 0 ) close(fid_i);
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "-q", "--json", "-n", "1",
              pir_c, (c3_c*)0), 1);
  T_OK(strstr(err_c, "conf") && strstr(err_c, "damaged"), "damaged conf: %s", err_c);
  T_OK(_t_has_error(out_c), "damaged conf in JSON: %s", out_c);
  T_OK(0 == truncate(con_c, 0), "empty conf");
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-q", "-n", "1", pir_c, (c3_c*)0), 1);
  T_OK(strstr(err_c, "conf") && strstr(err_c, "damaged"), "empty conf: %s", err_c);

  //  a pier without one (made before it existed) gets one, with a note
  T_OK(0 == unlink(con_c), "remove conf");
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-q", "-w", "kv", "--seed", "3", "--size", "1",
              "-n", "0", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(err_c, "no stored workload"), "note for an older pier: %s", err_c);
  T_OK(_t_exists(con_c), "conf written on the first resume");
  T_EQ(_t_run(0, 0, 0, 0, "-q", "--seed", "5", "-n", "1", pir_c, (c3_c*)0), 1);
}

/* _t_numbers(): numeric flags take plain digits in range only; a bad one
**   exits 1 with a message and creates no pier.
*/
static void
_t_numbers(void)
{
  c3_c pir_c[4200], err_c[4096];
  static const c3_c* bad_c[][2] = {
    { "-n", " 5" }, { "-n", "5x" }, { "-n", "-1" }, { "-n", "" }, { "-n", "+5" },
    { "-n", "5 " }, { "-n", "0x10" }, { "--size", "99999999999999999999" },
    { "--size", "0" }, { "--size", "8193" }, { "--seed", "18446744073709551616" },
    { "--seed", " 1" }, { "--loom", " 25" }, { "--snap-every", "0" },
    { "--loom-free-keep", "-0" }, { "--toss", "\t3" },
  };

  _t_pier(pir_c, sizeof(pir_c), "numbers");
  for ( c3_w i_w = 0; i_w < sizeof(bad_c) / sizeof(bad_c[0]); i_w++ ) {
    c3_i ret_i = _t_run(0, 0, err_c, sizeof(err_c), bad_c[i_w][0], bad_c[i_w][1],
                        "--size", "1", pir_c, (c3_c*)0);
    T_OK(1 == ret_i, "%s '%s' refused (%d)", bad_c[i_w][0], bad_c[i_w][1], ret_i);
    T_OK(0 != strstr(err_c, "urbit: "), "%s '%s': a message: %s",
         bad_c[i_w][0], bad_c[i_w][1], err_c);
    T_OK(!_t_exists(pir_c), "%s '%s': no pier created", bad_c[i_w][0], bad_c[i_w][1]);
  }
  //  the largest values still pass the parser
  T_EQ(_t_run(0, 0, 0, 0, "-q", "--loom", "24", "--size", "1", "-n", "0",
              "--seed", "18446744073709551615", pir_c, (c3_c*)0), 0);
}

int
main(void)
{
  const c3_c* why_c = h_start("runtime_tests", &_t_urbit_c, _t_tmp_c, sizeof(_t_tmp_c));
  if ( why_c ) {
    return t_skip(why_c);
  }

  //  the harness rule: this process's loom is leak-checked too
  u3m_init(24);
  u3m_pave();

  _t_numbers();
  _t_refused_json();
  _t_save_fails();
  _t_write_errors();
  _t_workload();
  _t_interrupted();

  h_rm(_t_tmp_c);
  t_clean();
  u3m_fini();
  return t_done();
}
