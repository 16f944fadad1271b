/// @file harness.h
/// What the tests and the benchmarks share for driving the `urbit` binary
/// and the files around it: a monotonic clock, path joins, whole-file
/// reads and writes, recursive delete, a flipped byte, a child run with a
/// timeout and its captured output, a numeric field of a `--json`
/// summary, CSV tables (urbit's --trace and the benchmarks' outputs) and
/// memory cgroups (v1 and v2) made and dropped around a run.
///
/// Header-only static functions (prefix h_), so each program compiles
/// what it uses.  Tests include it beside test.h, benchmarks beside
/// bench.h.  Functions report OS failures on stderr with the call, the
/// object and strerror, and return an error; only h_must_read() and
/// h_must_write() exit, for tests that cannot go on without the file.
#ifndef U3_HARNESS_H
#define U3_HARNESS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/capability.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c3/c3.h"
#include "c3/clock.h"

  /** Clock, paths, files.
  **/

/* h_now(): monotonic seconds. */
static inline double
h_now(void)
{
  return (double)c3_nanos() / 1e9;
}

/* _h_say(): a message into why_c, cut to fit. */
static inline void __attribute__((format(printf, 3, 4)))
_h_say(c3_c* why_c, c3_z why_z, const c3_c* fmt_c, ...)
{
  va_list ap;
  va_start(ap, fmt_c);
  vsnprintf(why_c, why_z, fmt_c, ap);
  va_end(ap);
}

/* h_join(): dir_c/nam_c into pat_c; 1 if it fit. */
static inline c3_t
h_join(c3_c* pat_c, c3_z len_z, const c3_c* dir_c, const c3_c* nam_c)
{
  c3_i ret_i = snprintf(pat_c, len_z, "%s/%s", dir_c, nam_c);
  return ret_i >= 0 && (c3_z)ret_i < len_z;
}

/* _h_rm_one(): nftw callback removing one entry (a directory made
**   read-only by a test is made writable first).
*/
static inline c3_i
_h_rm_one(const c3_c* pat_c, const struct stat* sat_u, c3_i typ_i,
          struct FTW* ftw_u)
{
  (void)sat_u; (void)ftw_u;
  if ( FTW_DP == typ_i ) {
    chmod(pat_c, 0755);
  }
  return remove(pat_c);
}

/* h_rm(): remove a tree (or a file), quietly if it is already gone; 0, or
**   errno after reporting it.
*/
static inline c3_i
h_rm(const c3_c* pat_c)
{
  struct stat sat_u;
  if ( lstat(pat_c, &sat_u) ) {
    return 0;
  }
  if ( 0 != nftw(pat_c, _h_rm_one, 16, FTW_DEPTH | FTW_PHYS)
       && ENOENT != errno )
  {
    c3_i err_i = errno;
    fprintf(stderr, "harness: remove %s: %s\n", pat_c, strerror(err_i));
    return err_i;
  }
  return 0;
}

/* h_exists(): does a path exist (without following a last symlink)? */
static inline c3_t
h_exists(const c3_c* pat_c)
{
  struct stat sat_u;
  return 0 == lstat(pat_c, &sat_u);
}

/* h_put(): write a string to an existing file (a cgroup or /proc
**   control); 0, or errno.
*/
static inline c3_i
h_put(const c3_c* pat_c, const c3_c* str_c)
{
  c3_i fid_i = open(pat_c, O_WRONLY | O_CLOEXEC);
  if ( fid_i < 0 ) {
    return errno;
  }
  c3_z    len_z = strlen(str_c);
  ssize_t ret_i = write(fid_i, str_c, len_z);
  c3_i    err_i = ( ret_i == (ssize_t)len_z ) ? 0 : ( ret_i < 0 ? errno : EIO );
  close(fid_i);
  return err_i;
}

/* h_slurp(): read up to len_z - 1 bytes of a file into buf_c, terminated;
**   the length, or -1 (buf_c empty) when it cannot be opened.
*/
static inline ssize_t
h_slurp(const c3_c* pat_c, c3_c* buf_c, c3_z len_z)
{
  c3_i fid_i = open(pat_c, O_RDONLY | O_CLOEXEC);
  c3_z got_z = 0;
  buf_c[0] = 0;
  if ( fid_i < 0 ) {
    return -1;
  }
  while ( got_z < len_z - 1 ) {
    ssize_t ret_i = read(fid_i, buf_c + got_z, len_z - 1 - got_z);
    if ( ret_i <= 0 ) {
      break;
    }
    got_z += (c3_z)ret_i;
  }
  buf_c[got_z] = 0;
  close(fid_i);
  return (ssize_t)got_z;
}

/* h_read(): a whole file (malloc'd, one byte more, zero), *len_z its
**   size; 0 after reporting why it could not be read.
*/
static inline c3_y*
h_read(const c3_c* pat_c, c3_z* len_z)
{
  struct stat sat_u;
  c3_i        fid_i = open(pat_c, O_RDONLY | O_CLOEXEC);
  c3_y*       buf_y;

  if ( fid_i < 0 || fstat(fid_i, &sat_u) ) {
    fprintf(stderr, "harness: open %s: %s\n", pat_c, strerror(errno));
    if ( fid_i >= 0 ) close(fid_i);
    return 0;
  }
  if ( !(buf_y = malloc((c3_z)sat_u.st_size + 1)) ) {
    fprintf(stderr, "harness: read %s: out of memory\n", pat_c);
    close(fid_i);
    return 0;
  }
  c3_z got_z = 0;
  while ( got_z < (c3_z)sat_u.st_size ) {
    ssize_t ret_i = pread(fid_i, buf_y + got_z, (c3_z)sat_u.st_size - got_z,
                          (off_t)got_z);
    if ( ret_i <= 0 ) {
      fprintf(stderr, "harness: read %s: %s\n", pat_c,
              ret_i ? strerror(errno) : "short file");
      free(buf_y);
      close(fid_i);
      return 0;
    }
    got_z += (c3_z)ret_i;
  }
  close(fid_i);
  buf_y[got_z] = 0;
  *len_z = got_z;
  return buf_y;
}

/* h_write(): replace a file's contents (created 0644); 0, or errno after
**   reporting it.
*/
static inline c3_i
h_write(const c3_c* pat_c, const c3_y* buf_y, c3_z len_z)
{
  c3_i fid_i = open(pat_c, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  c3_z don_z = 0;
  if ( fid_i < 0 ) {
    c3_i err_i = errno;
    fprintf(stderr, "harness: open %s: %s\n", pat_c, strerror(err_i));
    return err_i;
  }
  while ( don_z < len_z ) {
    ssize_t ret_i = write(fid_i, buf_y + don_z, len_z - don_z);
    if ( ret_i <= 0 ) {
      c3_i err_i = ret_i ? errno : EIO;
      fprintf(stderr, "harness: write %s: %s\n", pat_c, strerror(err_i));
      close(fid_i);
      return err_i;
    }
    don_z += (c3_z)ret_i;
  }
  close(fid_i);
  return 0;
}

/* h_must_read(): h_read(), or exit(1): for a test that cannot go on. */
static inline c3_y*
h_must_read(const c3_c* pat_c, c3_z* len_z)
{
  c3_y* buf_y = h_read(pat_c, len_z);
  if ( !buf_y ) {
    exit(1);
  }
  return buf_y;
}

/* h_must_write(): h_write(), or exit(1): for a test that cannot go on. */
static inline void
h_must_write(const c3_c* pat_c, const c3_y* buf_y, c3_z len_z)
{
  if ( h_write(pat_c, buf_y, len_z) ) {
    exit(1);
  }
}

/* h_same(): 1 if the file holds exactly len_z bytes was_y. */
static inline c3_t
h_same(const c3_c* pat_c, const c3_y* was_y, c3_z len_z)
{
  c3_z  now_z = 0;
  c3_y* now_y = h_read(pat_c, &now_z);
  c3_t  sam_t = now_y && now_z == len_z && 0 == memcmp(now_y, was_y, len_z);
  free(now_y);
  return sam_t;
}

/* h_flip(): invert one byte of a file at off_d (xor 0x5a); 1 if done. */
static inline c3_t
h_flip(const c3_c* pat_c, c3_d off_d)
{
  c3_y byt_y = 0;
  c3_i fid_i = open(pat_c, O_RDWR | O_CLOEXEC);
  c3_t ok_t  = fid_i >= 0 && 1 == pread(fid_i, &byt_y, 1, (off_t)off_d);
  byt_y ^= 0x5a;
  ok_t = ok_t && 1 == pwrite(fid_i, &byt_y, 1, (off_t)off_d);
  if ( fid_i >= 0 ) close(fid_i);
  return ok_t;
}

  /** Running a child.
  **/

/* h_start(): for a program that runs $URBIT: the binary into *urb_c and a
**   fresh scratch directory NAME.XXXXXX under $TEST_TMPDIR (or /tmp) into
**   tmp_c; 0, or why the program cannot run here (for t_skip()).
*/
static inline const c3_c*
h_start(const c3_c* nam_c, const c3_c** urb_c, c3_c* tmp_c, c3_z tmp_z)
{
  const c3_c* dir_c = getenv("TEST_TMPDIR");

  *urb_c = getenv("URBIT");
  if ( !*urb_c || access(*urb_c, X_OK) ) {
    return "URBIT does not name the urbit binary (make test sets it)";
  }
  snprintf(tmp_c, tmp_z, "%s/%s.XXXXXX", ( dir_c && *dir_c ) ? dir_c : "/tmp",
           nam_c);
  if ( !mkdtemp(tmp_c) ) {
    return "cannot make a scratch directory";
  }
  return 0;
}

/* h_how: what the child sets up between fork and exec (all optional). */
typedef struct {
  const c3_c* out_c;   //  stdout into this file, or 0: /dev/null
  const c3_c* err_c;   //  stderr into this file, or 0: /dev/null
  const c3_c* cgp_c;   //  cgroup directory to join first, or 0
  c3_d        fsz_d;   //  RLIMIT_FSIZE in bytes, or 0 for none
  c3_t        xfs_t;   //  with fsz_d: ignore SIGXFSZ (writes fail EFBIG)
  c3_t        dac_t;   //  drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
  const c3_c* env_c;   //  one NAME=value for the environment, or 0
} h_how;

static volatile pid_t h_kid_i;   //  the running child, for signal handlers

/* _h_child(): in the child: set up as how_u says and exec; never returns.
**   Exit 125 if the setup failed, 126 if exec did.
*/
static inline void
_h_child(c3_c* const* arg_c, const h_how* how_u)
{
  const c3_c* pat_c[2] = { how_u->out_c, how_u->err_c };
  for ( c3_i i_i = 0; i_i < 2; i_i++ ) {
    c3_i fid_i = pat_c[i_i]
                 ? open(pat_c[i_i], O_WRONLY | O_CREAT | O_TRUNC, 0644)
                 : open("/dev/null", O_WRONLY);
    if ( fid_i < 0 ) {
      _exit(125);
    }
    dup2(fid_i, 1 + i_i);
    close(fid_i);
  }
  if ( how_u->cgp_c ) {
    //  join the cgroup before exec, so everything the child does is charged
    c3_c prc_c[4200], pid_c[32];
    snprintf(prc_c, sizeof(prc_c), "%s/cgroup.procs", how_u->cgp_c);
    snprintf(pid_c, sizeof(pid_c), "%d\n", (c3_i)getpid());
    c3_i err_i = h_put(prc_c, pid_c);
    if ( err_i ) {
      dprintf(2, "harness: join cgroup %s: %s\n", prc_c, strerror(err_i));
      _exit(125);
    }
  }
  if ( how_u->fsz_d ) {
    struct rlimit lim_u = { how_u->fsz_d, how_u->fsz_d };
    if ( how_u->xfs_t ) {
      signal(SIGXFSZ, SIG_IGN);
    }
    if ( setrlimit(RLIMIT_FSIZE, &lim_u) ) {
      _exit(125);
    }
  }
  if ( how_u->dac_t ) {
    //  root ignores permission bits; without these two capabilities in
    //  the bounding set, the exec'd program obeys them like anyone else
    if ( prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0)
      || prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0) )
    {
      _exit(125);
    }
  }
  if ( how_u->env_c ) {
    c3_c  buf_c[256];
    snprintf(buf_c, sizeof(buf_c), "%s", how_u->env_c);
    c3_c* eq_c = strchr(buf_c, '=');
    if ( eq_c ) {
      *eq_c = 0;
      setenv(buf_c, eq_c + 1, 1);
    }
  }
  execv(arg_c[0], arg_c);
  dprintf(2, "harness: exec %s: %s\n", arg_c[0], strerror(errno));
  _exit(126);
}

/* h_spawn(): start arg_c (arg_c[0] the binary, null-terminated) as how_u
**   says; the pid (also in h_kid_i), or -1 after reporting why.
*/
static inline pid_t
h_spawn(c3_c* const* arg_c, const h_how* how_u)
{
  static const h_how non_u;
  fflush(stdout);
  fflush(stderr);
  pid_t pid_i = fork();
  if ( pid_i < 0 ) {
    fprintf(stderr, "harness: fork: %s\n", strerror(errno));
    return -1;
  }
  if ( 0 == pid_i ) {
    _h_child(arg_c, how_u ? how_u : &non_u);
  }
  h_kid_i = pid_i;
  return pid_i;
}

/* h_status(): a wait status as an exit status, or 128 + signal. */
static inline c3_i
h_status(c3_i sat_i)
{
  return WIFEXITED(sat_i) ? WEXITSTATUS(sat_i) : 128 + WTERMSIG(sat_i);
}

/* h_reap(): wait for pid_i, killing it after tim_d seconds (0: never);
**   its wait status, *tim_t whether it was killed for time, *use_u (if
**   given) its resource usage.
*/
static inline c3_i
h_reap(pid_t pid_i, double tim_d, c3_t* tim_t, struct rusage* use_u)
{
  double        dea_d = h_now() + tim_d;
  struct rusage non_u;
  c3_i          sat_i = 0;
  c3_w          nap_w = 200;

  use_u = use_u ? use_u : &non_u;
  memset(use_u, 0, sizeof(*use_u));
  *tim_t = 0;
  while ( 1 ) {
    //  without a deadline, just wait; with one, poll ever more slowly
    pid_t ret_i = wait4(pid_i, &sat_i, ( tim_d > 0 ) ? WNOHANG : 0, use_u);
    if ( ret_i == pid_i ) {
      break;
    }
    if ( ret_i < 0 && EINTR != errno ) {
      fprintf(stderr, "harness: wait4 %d: %s\n", (c3_i)pid_i, strerror(errno));
      sat_i = 127 << 8;
      break;
    }
    if ( tim_d > 0 && h_now() > dea_d ) {
      kill(pid_i, SIGCONT);
      kill(pid_i, SIGKILL);
      wait4(pid_i, &sat_i, 0, use_u);
      *tim_t = 1;
      break;
    }
    usleep(nap_w);
    nap_w = c3_min(nap_w * 2, 5000);   //  short runs end quickly
  }
  h_kid_i = 0;
  return sat_i;
}

/* h_run: a finished run, its output captured whole up to the buffers. */
typedef struct {
  c3_i          ret_i;          //  exit status, or 128 + signal
  c3_i          sat_i;          //  wait status
  c3_t          tim_t;          //  killed for taking too long
  double        wal_d;          //  wall seconds, fork to exit
  struct rusage use_u;          //  its resource usage
  c3_c          out_c[65536];   //  stdout (the --json line)
  c3_c          err_c[65536];   //  stderr (messages, progress)
} h_run;

/* h_run_in(): run arg_c to the end (killed after tim_d seconds, 0:
**   never), stdout and stderr captured through files dir_c/run.out and
**   dir_c/run.err unless how_u names other files (then nothing is
**   captured), as how_u says otherwise; the exit status, also in run_u,
**   or -1 if it could not start.
*/
static inline c3_i
h_run_in(const c3_c* dir_c, c3_c* const* arg_c, const h_how* how_u,
         double tim_d, h_run* run_u)
{
  c3_c  out_c[4200], err_c[4200];
  h_how hah_u;

  memset(&hah_u, 0, sizeof(hah_u));
  if ( how_u ) {
    hah_u = *how_u;
  }
  h_join(out_c, sizeof(out_c), dir_c, "run.out");
  h_join(err_c, sizeof(err_c), dir_c, "run.err");
  hah_u.out_c = hah_u.out_c ? hah_u.out_c : out_c;
  hah_u.err_c = hah_u.err_c ? hah_u.err_c : err_c;
  unlink(out_c);
  unlink(err_c);
  run_u->out_c[0] = run_u->err_c[0] = 0;
  run_u->tim_t = 0;

  double bot_d = h_now();
  pid_t  pid_i = h_spawn(arg_c, &hah_u);
  if ( pid_i < 0 ) {
    run_u->ret_i = -1;
    return -1;
  }
  run_u->sat_i = h_reap(pid_i, tim_d, &run_u->tim_t, &run_u->use_u);
  run_u->wal_d = h_now() - bot_d;
  run_u->ret_i = h_status(run_u->sat_i);
  h_slurp(out_c, run_u->out_c, sizeof(run_u->out_c));
  h_slurp(err_c, run_u->err_c, sizeof(run_u->err_c));
  return run_u->ret_i;
}

/* h_on_stop(): han_f (a handler, or SIG_DFL) for the signals that stop a
**   run from outside: SIGINT, SIGTERM and SIGHUP.
*/
static inline void
h_on_stop(void (*han_f)(int))
{
  struct sigaction sig_u;

  memset(&sig_u, 0, sizeof(sig_u));
  sig_u.sa_handler = han_f;
  sigaction(SIGINT, &sig_u, 0);
  sigaction(SIGTERM, &sig_u, 0);
  sigaction(SIGHUP, &sig_u, 0);
}

/* h_run_list(): h_run_in() with the program exe_c, the argument fir_c
**   and those that follow it in ap (up to 62 in all, ended by a null
**   pointer; fir_c null: none).
*/
static inline c3_i
h_run_list(const c3_c* dir_c, const h_how* how_u, double tim_d, h_run* run_u,
           const c3_c* exe_c, const c3_c* fir_c, va_list ap)
{
  const c3_c* arg_c[64];
  c3_w        num_w = 0;

  arg_c[num_w++] = exe_c;
  arg_c[num_w]   = fir_c;
  while ( arg_c[num_w] && ++num_w < 63 ) {
    arg_c[num_w] = va_arg(ap, const c3_c*);
  }
  arg_c[num_w] = 0;
  return h_run_in(dir_c, (c3_c* const*)arg_c, how_u, tim_d, run_u);
}

/* h_run_env(): h_run_list() with the environment variable env_c
**   (NAME=value, or 0) and a limit of 120 s: the exit status, or 128 +
**   signal.
*/
static inline c3_i
h_run_env(const c3_c* dir_c, h_run* run_u, const c3_c* exe_c,
          const c3_c* env_c, const c3_c* fir_c, va_list ap)
{
  h_how how_u;

  memset(&how_u, 0, sizeof(how_u));
  how_u.env_c = env_c;
  return h_run_list(dir_c, &how_u, 120, run_u, exe_c, fir_c, ap);
}

/* h_seen(): 1 if the nonzero key key_w is in the open-addressing set
**   set_w of 2^sbt_w words (0: an empty slot); else adds it, and 0.
*/
static inline c3_t
h_seen(c3_w* set_w, c3_w sbt_w, c3_w key_w)
{
  c3_w msk_w = (1U << sbt_w) - 1;
  c3_w idx_w = (key_w * 0x9e3779b1U) >> (32 - sbt_w);

  while ( set_w[idx_w] ) {
    if ( set_w[idx_w] == key_w ) {
      return 1;
    }
    idx_w = (idx_w + 1) & msk_w;
  }
  set_w[idx_w] = key_w;
  return 0;
}

/* h_runv(): run bin_c with the arguments in ap (null-terminated, at most
**   62) to the end, through dir_c as h_run_in() does, without a time
**   limit; stdout and stderr copied into out_c and err_c when given (cut
**   to fit); the exit status, or 128 + signal, or -1 if it did not start.
*/
static inline c3_i
h_runv(const c3_c* dir_c, const h_how* how_u, c3_c* out_c, c3_z out_z,
       c3_c* err_c, c3_z err_z, const c3_c* bin_c, va_list ap)
{
  static h_run run_u;
  const c3_c*  fir_c = va_arg(ap, const c3_c*);
  c3_i         ret_i = h_run_list(dir_c, how_u, 0, &run_u, bin_c, fir_c, ap);

  if ( out_c ) {
    _h_say(out_c, out_z, "%s", run_u.out_c);
  }
  if ( err_c ) {
    _h_say(err_c, err_z, "%s", run_u.err_c);
  }
  return ret_i;
}

/* h_json(): the number after "key": in a flat JSON object, or NAN. */
static inline double
h_json(const c3_c* jon_c, const c3_c* key_c)
{
  c3_c        pat_c[64];
  const c3_c* hit_c;
  c3_c*       end_c;

  snprintf(pat_c, sizeof(pat_c), "\"%s\":", key_c);
  if ( !(hit_c = strstr(jon_c, pat_c)) ) {
    return NAN;
  }
  hit_c += strlen(pat_c);
  double val_d = strtod(hit_c, &end_c);
  return ( end_c == hit_c ) ? NAN : val_d;
}

/* h_json_d(): a non-negative integer field of a JSON object, or ~0. */
static inline c3_d
h_json_d(const c3_c* jon_c, const c3_c* key_c)
{
  c3_c        pat_c[64];
  const c3_c* hit_c;

  snprintf(pat_c, sizeof(pat_c), "\"%s\":", key_c);
  hit_c = strstr(jon_c, pat_c);
  return hit_c ? strtoull(hit_c + strlen(pat_c), 0, 10) : ~0ULL;
}

  /** CSV: a header line naming the columns, then rows of numbers.
  **/

#define H_CSV_COLS 32

/* h_csv: a table read from a CSV file. */
typedef struct {
  c3_w    col_w;                   //  columns in the header
  c3_w    row_w;                   //  complete rows
  c3_c    nam_c[H_CSV_COLS][32];   //  column names
  double* val_d;                   //  row_w * H_CSV_COLS values (malloc'd)
} h_csv;

/* h_csv_free(): release a table. */
static inline void
h_csv_free(h_csv* csv_u)
{
  free(csv_u->val_d);
  memset(csv_u, 0, sizeof(*csv_u));
}

/* _h_csv_line(): parse one line (modified) into the header or a new row;
**   0 if out of memory.
*/
static inline c3_t
_h_csv_line(h_csv* csv_u, c3_c* lin_c, c3_w* max_w)
{
  c3_t    hed_t = ( 0 == csv_u->col_w );
  double* row_d = 0;

  if ( !hed_t ) {
    if ( csv_u->row_w == *max_w ) {
      *max_w = *max_w ? 2 * *max_w : 256;
      double* new_d = realloc(csv_u->val_d,
                              (c3_z)*max_w * H_CSV_COLS * sizeof(double));
      if ( !new_d ) {
        return 0;
      }
      csv_u->val_d = new_d;
    }
    row_d = csv_u->val_d + (c3_z)csv_u->row_w++ * H_CSV_COLS;
    for ( c3_w i_w = 0; i_w < H_CSV_COLS; i_w++ ) {
      row_d[i_w] = NAN;
    }
  }
  c3_w  col_w = 0;
  c3_c* tok_c = lin_c;
  while ( tok_c && col_w < H_CSV_COLS ) {
    c3_c* com_c = strchr(tok_c, ',');
    if ( com_c ) *com_c = 0;
    tok_c[strcspn(tok_c, "\r")] = 0;
    if ( hed_t ) {
      snprintf(csv_u->nam_c[col_w], 32, "%.31s", tok_c);
    }
    else {
      row_d[col_w] = strtod(tok_c, 0);
    }
    col_w++;
    tok_c = com_c ? com_c + 1 : 0;
  }
  if ( hed_t ) {
    csv_u->col_w = col_w;
  }
  return 1;
}

/* h_csv_read(): read a CSV file into csv_u (a last line still being
**   written, without its newline, is left out); 1 if it had a header.
*/
static inline c3_t
h_csv_read(const c3_c* pat_c, h_csv* csv_u)
{
  c3_z  len_z = 0;
  c3_y* buf_y;
  c3_w  max_w = 0;

  memset(csv_u, 0, sizeof(*csv_u));
  if ( !h_exists(pat_c) || !(buf_y = h_read(pat_c, &len_z)) ) {
    return 0;
  }
  c3_c* lin_c = (c3_c*)buf_y;
  while ( *lin_c ) {
    c3_c* nex_c = strchr(lin_c, '\n');
    if ( !nex_c ) {
      break;
    }
    *nex_c = 0;
    if ( !_h_csv_line(csv_u, lin_c, &max_w) ) {
      fprintf(stderr, "harness: read %s: out of memory\n", pat_c);
      break;
    }
    lin_c = nex_c + 1;
  }
  free(buf_y);
  return csv_u->col_w > 0;
}

/* h_csv_col(): the index of a named column, or -1. */
static inline c3_i
h_csv_col(const h_csv* csv_u, const c3_c* nam_c)
{
  for ( c3_w j_w = 0; j_w < csv_u->col_w; j_w++ ) {
    if ( !strcmp(nam_c, csv_u->nam_c[j_w]) ) {
      return (c3_i)j_w;
    }
  }
  return -1;
}

/* h_csv_get(): a row's value in a named column; NAN if there is none. */
static inline double
h_csv_get(const h_csv* csv_u, c3_w row_w, const c3_c* nam_c)
{
  c3_i col_i = h_csv_col(csv_u, nam_c);
  return ( col_i < 0 || row_w >= csv_u->row_w )
         ? NAN : csv_u->val_d[(c3_z)row_w * H_CSV_COLS + (c3_w)col_i];
}

/* h_csv_head(): write a header line: the label columns, then the names. */
static inline void
h_csv_head(FILE* fil_u, const c3_c* lab_c, const c3_c* const* nam_c,
           c3_w num_w)
{
  fputs(lab_c, fil_u);
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    fprintf(fil_u, ",%s", nam_c[i_w]);
  }
  fputc('\n', fil_u);
}

/* h_csv_row(): write a row: the label columns, then whole numbers (an
**   empty field for NAN).
*/
static inline void
h_csv_row(FILE* fil_u, const c3_c* lab_c, const double* val_d, c3_w num_w)
{
  fputs(lab_c, fil_u);
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    if ( isnan(val_d[i_w]) ) {
      fputs(",", fil_u);
    }
    else {
      fprintf(fil_u, ",%.0f", val_d[i_w]);
    }
  }
  fputc('\n', fil_u);
}

  /** Memory cgroups, v1 (the memory controller) or v2 (unified).
  **/

/* h_cg: a memory cgroup made by this process. */
typedef struct {
  c3_w ver_w;           //  1 or 2; 0: none
  c3_c dir_c[2048];     //  its directory
} h_cg;

static c3_c h_cg_live_c[2048];   //  the cgroup made and not yet dropped,
                                 //  for signal handlers ("" if none)
static c3_w _h_cg_seq_w;         //  cgroups made so far (for names)

/* _h_cg_scan(): the memory cgroup paths of this process, from
**   /proc/self/cgroup: v1's in mem_c (return bit 1), v2's in uni_c (bit 2).
*/
static inline c3_w
_h_cg_scan(c3_c* mem_c, c3_c* uni_c, c3_z len_z, c3_c* why_c, c3_z why_z)
{
  FILE* fil_u = fopen("/proc/self/cgroup", "r");
  c3_c  lin_c[1024];
  c3_w  has_w = 0;

  if ( !fil_u ) {
    _h_say(why_c, why_z, "cannot read /proc/self/cgroup: %s",
             strerror(errno));
    return 0;
  }
  while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
    lin_c[strcspn(lin_c, "\n")] = 0;
    c3_c* one_c = strchr(lin_c, ':');
    c3_c* two_c = one_c ? strchr(one_c + 1, ':') : 0;
    if ( !two_c ) {
      continue;
    }
    *two_c = 0;
    if ( one_c + 1 == two_c && !strncmp(lin_c, "0:", 2) ) {
      snprintf(uni_c, len_z, "%s", two_c + 1);
      has_w |= 2;
    }
    else {
      //  v1: a comma-separated controller list containing "memory"
      c3_c* sav_c = 0;
      for ( c3_c* tok_c = strtok_r(one_c + 1, ",", &sav_c); tok_c;
            tok_c = strtok_r(0, ",", &sav_c) )
      {
        if ( !strcmp(tok_c, "memory") ) {
          snprintf(mem_c, len_z, "%s", two_c + 1);
          has_w |= 1;
        }
      }
    }
  }
  fclose(fil_u);
  return has_w;
}

/* _h_cg_own(): this process's memory cgroup directory and its version;
**   0 (with why_c set) if there is none to make children in.
*/
static inline c3_w
_h_cg_own(c3_c* dir_c, c3_z len_z, c3_c* why_c, c3_z why_z)
{
  c3_c uni_c[1024] = { 0 };
  c3_c mem_c[1024] = { 0 };
  c3_w has_w = _h_cg_scan(mem_c, uni_c, sizeof(mem_c), why_c, why_z);

  if ( (has_w & 1) && !access("/sys/fs/cgroup/memory", F_OK) ) {
    snprintf(dir_c, len_z, "/sys/fs/cgroup/memory%s", mem_c);
    return 1;
  }
  if ( (has_w & 2) && !access("/sys/fs/cgroup/cgroup.controllers", F_OK) ) {
    snprintf(dir_c, len_z, "/sys/fs/cgroup%s", uni_c);
    return 2;
  }
  if ( (has_w & 2)
       && !access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) )
  {
    snprintf(dir_c, len_z, "/sys/fs/cgroup/unified%s", uni_c);
    return 2;
  }
  if ( has_w || !why_c[0] ) {
    _h_say(why_c, why_z,
             "no memory cgroup hierarchy (neither a v1 \"memory\" line in "
             "/proc/self/cgroup nor /sys/fs/cgroup/cgroup.controllers)");
  }
  return 0;
}

/* h_cg_num(): a number from a cgroup file, or the value after "key " in
**   it when key_c is given; ~0 if absent.
*/
static inline c3_d
h_cg_num(const h_cg* cg_u, const c3_c* nam_c, const c3_c* key_c)
{
  c3_c pat_c[2200], buf_c[4096];
  h_join(pat_c, sizeof(pat_c), cg_u->dir_c, nam_c);
  if ( h_slurp(pat_c, buf_c, sizeof(buf_c)) <= 0 ) {
    return ~0ULL;
  }
  if ( !key_c ) {
    return strtoull(buf_c, 0, 10);
  }
  c3_z  len_z = strlen(key_c);
  c3_c* lin_c = buf_c;
  while ( lin_c && *lin_c ) {
    if ( !strncmp(lin_c, key_c, len_z) && ' ' == lin_c[len_z] ) {
      return strtoull(lin_c + len_z + 1, 0, 10);
    }
    lin_c = strchr(lin_c, '\n');
    lin_c = lin_c ? lin_c + 1 : 0;
  }
  return ~0ULL;
}

/* h_cg_set(): write a value to a cgroup file; 0 or errno. */
static inline c3_i
h_cg_set(const h_cg* cg_u, const c3_c* nam_c, const c3_c* val_c)
{
  c3_c pat_c[2200];
  h_join(pat_c, sizeof(pat_c), cg_u->dir_c, nam_c);
  return h_put(pat_c, val_c);
}

/* h_cg_limit(): set the memory limit (and the memory+swap limit: no
**   swap); 0 or errno.
*/
static inline c3_i
h_cg_limit(const h_cg* cg_u, c3_d lim_d)
{
  c3_c val_c[32];
  c3_c pat_c[2200];
  c3_i err_i;
  snprintf(val_c, sizeof(val_c), "%llu", (unsigned long long)lim_d);
  if ( 2 == cg_u->ver_w ) {
    h_join(pat_c, sizeof(pat_c), cg_u->dir_c, "memory.swap.max");
    if ( !access(pat_c, F_OK) && (err_i = h_put(pat_c, "0")) ) {
      return err_i;
    }
    return h_cg_set(cg_u, "memory.max", val_c);
  }
  //  v1: memory.limit_in_bytes <= memory.memsw.limit_in_bytes at all times
  h_join(pat_c, sizeof(pat_c), cg_u->dir_c, "memory.memsw.limit_in_bytes");
  c3_t msw_t = !access(pat_c, F_OK);
  c3_d cur_d = h_cg_num(cg_u, "memory.limit_in_bytes", 0);
  if ( msw_t && lim_d > cur_d ) {
    if ( (err_i = h_put(pat_c, val_c)) ) return err_i;
    return h_cg_set(cg_u, "memory.limit_in_bytes", val_c);
  }
  if ( (err_i = h_cg_set(cg_u, "memory.limit_in_bytes", val_c)) ) {
    return err_i;
  }
  return msw_t ? h_put(pat_c, val_c) : 0;
}

/* _h_cg_sweep(): remove cgroups left by earlier runs that were killed
**   (named loomtest-PID-N, with PID no longer alive); others' are theirs.
*/
static inline void
_h_cg_sweep(const c3_c* own_c)
{
  DIR*           dir_u = opendir(own_c);
  struct dirent* ent_u;
  while ( dir_u && (ent_u = readdir(dir_u)) ) {
    c3_c* end_c;
    if ( strncmp(ent_u->d_name, "loomtest-", 9) ) {
      continue;
    }
    long pid_l = strtol(ent_u->d_name + 9, &end_c, 10);
    if ( pid_l <= 0 || '-' != *end_c || 0 == kill((pid_t)pid_l, 0)
         || ESRCH != errno )
    {
      continue;
    }
    c3_c pat_c[2400];
    snprintf(pat_c, sizeof(pat_c), "%s/%s", own_c, ent_u->d_name);
    if ( 0 == rmdir(pat_c) ) {
      printf("removed a stale cgroup %s\n", pat_c);
    }
  }
  if ( dir_u ) closedir(dir_u);
}

/* _h_cg_delegate(): v2: let children of own_c have the memory
**   controller; 0, or errno with why_c set.
*/
static inline c3_i
_h_cg_delegate(const c3_c* own_c, c3_c* why_c, c3_z why_z)
{
  c3_c pat_c[2200], buf_c[1024];
  c3_i err_i;
  h_join(pat_c, sizeof(pat_c), own_c, "cgroup.subtree_control");
  h_slurp(pat_c, buf_c, sizeof(buf_c));
  if ( !strstr(buf_c, "memory") && (err_i = h_put(pat_c, "+memory")) ) {
    _h_say(why_c, why_z, "cannot enable the memory controller in %s: %s",
             pat_c, strerror(err_i));
    return err_i;
  }
  return 0;
}

/* h_cg_make(): make a memory cgroup under this process's own, named
**   loomtest-PID-N, limited to lim_d bytes, no swap; 1, or 0 with why_c
**   saying why.
*/
static inline c3_t
h_cg_make(h_cg* cg_u, c3_d lim_d, c3_c* why_c, c3_z why_z)
{
  c3_c own_c[1100];
  c3_i err_i;

  memset(cg_u, 0, sizeof(*cg_u));
  why_c[0] = 0;
  c3_w ver_w = _h_cg_own(own_c, sizeof(own_c), why_c, why_z);
  if ( !ver_w ) {
    return 0;
  }
  if ( 0 == _h_cg_seq_w ) {
    _h_cg_sweep(own_c);
  }
  if ( 2 == ver_w && _h_cg_delegate(own_c, why_c, why_z) ) {
    return 0;
  }
  snprintf(cg_u->dir_c, sizeof(cg_u->dir_c), "%s/loomtest-%d-%u",
           own_c, (c3_i)getpid(), _h_cg_seq_w++);
  if ( mkdir(cg_u->dir_c, 0755) ) {
    _h_say(why_c, why_z, "mkdir %s: %s", cg_u->dir_c, strerror(errno));
    return 0;
  }
  cg_u->ver_w = ver_w;
  snprintf(h_cg_live_c, sizeof(h_cg_live_c), "%s", cg_u->dir_c);
  if ( (err_i = h_cg_limit(cg_u, lim_d)) ) {
    _h_say(why_c, why_z, "cannot set the limit of %s: %s",
             cg_u->dir_c, strerror(err_i));
    rmdir(cg_u->dir_c);
    h_cg_live_c[0] = 0;
    cg_u->ver_w = 0;
    return 0;
  }
  if ( 1 == ver_w ) {
    //  no swap on these machines anyway; make sure of it
    (void)h_cg_set(cg_u, "memory.swappiness", "0");
  }
  return 1;
}

/* h_cg_ooms(): OOM kills in a cgroup so far. */
static inline c3_d
h_cg_ooms(const h_cg* cg_u)
{
  c3_d oom_d = ( 2 == cg_u->ver_w )
               ? h_cg_num(cg_u, "memory.events", "oom_kill")
               : h_cg_num(cg_u, "memory.oom_control", "oom_kill");
  return ( ~0ULL == oom_d ) ? 0 : oom_d;
}

/* h_cg_peak(): the cgroup's peak charge, bytes, or ~0 if unknown. */
static inline c3_d
h_cg_peak(const h_cg* cg_u)
{
  return ( 2 == cg_u->ver_w )
         ? h_cg_num(cg_u, "memory.peak", 0)
         : h_cg_num(cg_u, "memory.max_usage_in_bytes", 0);
}

/* h_cg_usage(): the cgroup's current charge, bytes. */
static inline c3_d
h_cg_usage(const h_cg* cg_u)
{
  return ( 2 == cg_u->ver_w )
         ? h_cg_num(cg_u, "memory.current", 0)
         : h_cg_num(cg_u, "memory.usage_in_bytes", 0);
}

/* h_cg_drop(): remove a cgroup whose processes have exited (a just-reaped
**   child may take a moment to leave it); 1 if it is gone, else 0 after
**   reporting why.
*/
static inline c3_t
h_cg_drop(h_cg* cg_u)
{
  c3_i err_i = 0;
  if ( !cg_u->ver_w ) {
    return 1;
  }
  for ( c3_w i_w = 0; i_w < 200; i_w++ ) {
    if ( 0 == rmdir(cg_u->dir_c) || ENOENT == errno ) {
      err_i = 0;
      break;
    }
    err_i = errno;
    usleep(10000);
  }
  if ( err_i ) {
    fprintf(stderr, "harness: rmdir %s: %s\n", cg_u->dir_c, strerror(err_i));
  }
  h_cg_live_c[0] = 0;
  cg_u->ver_w = 0;
  return !h_exists(cg_u->dir_c);
}

#endif  //  U3_HARNESS_H
