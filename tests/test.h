/// @file test.h
/// The tests' shared harness: counts checks, leak-checks the loom, and
/// ends each program with the line "N passed, N failed".
///
/// A test program includes this once, calls T_OK() and friends, calls
/// t_leak() on its loom (with the nouns it still holds as roots) before
/// tearing the loom down, and returns t_done().  A test that cannot run
/// here returns t_skip("why"): exit status 77, never a silent pass.
#ifndef U3_TEST_H
#define U3_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "noun/noun.h"
#include "noun/events.h"
#include "harness.h"

static c3_w t_pass_w;
static c3_w t_fail_w;

/* _t_check(): record one check. */
static inline c3_t
_t_check(c3_t ok_t, const c3_c* fil_c, c3_i lin_i, const c3_c* fmt_c, ...)
{
  if ( ok_t ) {
    t_pass_w++;
  }
  else {
    va_list ap;
    t_fail_w++;
    fprintf(stderr, "FAIL %s:%d: ", fil_c, lin_i);
    va_start(ap, fmt_c);
    vfprintf(stderr, fmt_c, ap);
    va_end(ap);
    fputc('\n', stderr);
  }
  return ok_t;
}

/* T_OK(): check a condition, with a printf-style message on failure. */
#define T_OK(cond, ...) \
  _t_check((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

/* T_EQ(): check two unsigned integers are equal. */
#define T_EQ(a, b)                                                        \
  ({                                                                      \
    c3_d _t_a_d = (c3_d)(a), _t_b_d = (c3_d)(b);                          \
    _t_check((_t_a_d == _t_b_d) ? 1 : 0, __FILE__, __LINE__,              \
             "%s == %s: %llu != %llu", #a, #b,                            \
             (unsigned long long)_t_a_d, (unsigned long long)_t_b_d);     \
  })

/* t_leak(): mark the roots (u3_none ends the list), sweep the current
**   road, and fail unless nothing leaked and every refcount is exact.
*/
static inline c3_t
_t_leak(const c3_c* fil_c, c3_i lin_i, u3_noun som, ...)
{
  va_list ap;
  u3a_sweep_report rep_u;
  va_start(ap, som);
  while ( u3_none != som ) {
    u3a_mark_noun(som);
    som = va_arg(ap, u3_noun);
  }
  va_end(ap);
  c3_o ok_o = u3a_sweep(&rep_u, c3y);
  return _t_check(_(ok_o), fil_c, lin_i,
                  "leak check: %llu leaked (%llu bytes), %llu over, %llu under",
                  (unsigned long long)rep_u.leak_d,
                  (unsigned long long)rep_u.leak_bytes_d,
                  (unsigned long long)rep_u.over_d,
                  (unsigned long long)rep_u.under_d);
}
#define t_leak(...) _t_leak(__FILE__, __LINE__, __VA_ARGS__, u3_none)
#define t_clean() _t_leak(__FILE__, __LINE__, u3_none)

/* t_fds(): the file descriptors open in this process from 3 up, as a
**   bitmap of the first 1024 (fds_d, 16 words); how many.
*/
static inline c3_w
t_fds(c3_d fds_d[16])
{
  c3_w num_w = 0;

  memset(fds_d, 0, 16 * sizeof(c3_d));
  for ( c3_i fid_i = 3; fid_i < 1024; fid_i++ ) {
    if ( fcntl(fid_i, F_GETFD) >= 0 ) {
      fds_d[fid_i >> 6] |= 1ULL << (fid_i & 63);
      num_w++;
    }
  }
  return num_w;
}

/* t_fds_left(): fail a check naming every descriptor open now that was
**   not open in was_d (t_fds): a scenario that leaves a file open (its
**   target, from /proc/self/fd).  1 if none.
*/
static inline c3_t
t_fds_left(const c3_c* nam_c, const c3_d was_d[16])
{
  c3_d now_d[16];
  c3_t ok_t = 1;

  t_fds(now_d);
  for ( c3_i fid_i = 3; fid_i < 1024; fid_i++ ) {
    if ( (now_d[fid_i >> 6] & ~was_d[fid_i >> 6]) >> (fid_i & 63) & 1 ) {
      c3_c lnk_c[64], tgt_c[512];
      ssize_t len_i;
      snprintf(lnk_c, sizeof(lnk_c), "/proc/self/fd/%d", fid_i);
      len_i = readlink(lnk_c, tgt_c, sizeof(tgt_c) - 1);
      tgt_c[( len_i > 0 ) ? len_i : 0] = 0;
      T_OK(0, "%s: file descriptor %d left open: %s", nam_c, fid_i, tgt_c);
      ok_t = 0;
    }
  }
  return ok_t;
}

/* t_fds_start: the descriptors open when the program started. */
static c3_d t_fds_start[16];

__attribute__((constructor)) static void
_t_fds_begin(void)
{
  t_fds(t_fds_start);
}

/* t_done(): print the tally, after failing a check for every file left
**   open since the program started; the exit status for main().
*/
static inline c3_i
t_done(void)
{
  t_fds_left("at the end", t_fds_start);
  printf("%u passed, %u failed\n", t_pass_w, t_fail_w);
  return t_fail_w ? 1 : 0;
}

/* t_splitmix(): the next 64 bits of the splitmix64 sequence whose state
**   is *sed_d: seeded random numbers, the same every run.
*/
static inline c3_d
t_splitmix(c3_d* sed_d)
{
  c3_d z_d = (*sed_d += 0x9e3779b97f4a7c15ULL);
  z_d = (z_d ^ (z_d >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z_d = (z_d ^ (z_d >> 27)) * 0x94d049bb133111ebULL;
  return z_d ^ (z_d >> 31);
}

/* t_child(): run fun_f(arg_c) in a child process with dirty tracking
**   trk_c; the child adds its tally to shr_w ([pass, fail], memory shared
**   with it).  A child that ends abnormally fails a check here.
*/
static inline void
t_child(const c3_c* nam_c, const c3_c* trk_c, void (*fun_f)(const c3_c*),
        const c3_c* arg_c, c3_w* shr_w)
{
  fflush(stdout);
  fflush(stderr);
  pid_t pid_i = fork();
  if ( 0 > pid_i ) {
    T_OK(0, "fork: %s", strerror(errno));
    return;
  }
  if ( 0 == pid_i ) {
    c3_d fds_d[16];
    t_pass_w = t_fail_w = 0;
    t_fds(fds_d);
    u3e_tracker(trk_c);
    fun_f(arg_c);
    t_fds_left(nam_c, fds_d);
    shr_w[0] += t_pass_w;
    shr_w[1] += t_fail_w;
    fflush(stdout);
    fflush(stderr);
    _exit(0);
  }
  c3_i sat_i;
  waitpid(pid_i, &sat_i, 0);
  T_OK(WIFEXITED(sat_i) && 0 == WEXITSTATUS(sat_i),
       "%s (%s): child ended abnormally (status %#x)", nam_c, trk_c, sat_i);
  printf("%s (%s): done\n", nam_c, trk_c);
}

/* What a test running its scenarios in child processes keeps for them:
**   the run's scratch directory, the dirty tracking under test, and the
**   tally ([pass, fail], in memory shared with the children) they add to.
*/
static c3_c        t_base_c[256];
static const c3_c* t_track_c;
static c3_w*       t_shared_w;

/* t_run(): run fun_f(arg_c) in a child with tracking t_track_c, and add
**   its tally to t_shared_w.
*/
static inline void
t_run(const c3_c* nam_c, void (*fun_f)(const c3_c*), const c3_c* arg_c)
{
  t_child(nam_c, t_track_c, fun_f, arg_c, t_shared_w);
}

/* t_pier(): a fresh pier path in pat_c (512 bytes) under t_base_c: nam_c,
**   then "-" and tag_c unless tag_c is 0; whatever was there is removed.
*/
static inline void
t_pier(c3_c* pat_c, const c3_c* nam_c, const c3_c* tag_c)
{
  if ( tag_c ) {
    snprintf(pat_c, 512, "%s/%s-%s", t_base_c, nam_c, tag_c);
  }
  else {
    snprintf(pat_c, 512, "%s/%s", t_base_c, nam_c);
  }
  h_rm(pat_c);
}

/* t_touch(): write to page pag_w without changing it, so that dirty
**   tracking sees a write.
*/
static inline void
t_touch(c3_w pag_w)
{
  volatile c3_w* ptr_w = (volatile c3_w*)u3a_page_ptr(pag_w);
  ptr_w[7] = ptr_w[7];
  //  the fault handler changes u3e_Stat behind the compiler's back
  __asm__ __volatile__("" ::: "memory");
}

/* t_scratch(): a fresh scratch directory NAM_C.XXXXXX under $TEST_TMPDIR
**   (or /tmp) in dir_c (512 bytes), with line-buffered output and the
**   loom's signal handler; 0, or why not (nothing left behind).
*/
static inline const c3_c*
t_scratch(const c3_c* nam_c, c3_c* dir_c)
{
  const c3_c* tmp_c = getenv("TEST_TMPDIR");

  setvbuf(stdout, 0, _IOLBF, 0);
  snprintf(dir_c, 512, "%s/%s.XXXXXX", ( tmp_c && *tmp_c ) ? tmp_c : "/tmp", nam_c);
  if ( !mkdtemp(dir_c) ) {
    return "cannot make a scratch directory";
  }
  if ( u3m_signals() ) {
    h_rm(dir_c);
    return "cannot install the signal handler";
  }
  return 0;
}

/* t_swap_loom(): a loom of 2^bit_w bytes with the swap file swp_c
**   (u3C.swap_c), for u3e_init; 0, or why not (the loom unmapped).
*/
static inline const c3_c*
t_swap_loom(c3_w bit_w, const c3_c* swp_c)
{
  u3C.swap_c = (c3_c*)swp_c;
  if ( u3m_init(bit_w) ) {
    u3C.swap_c = 0;
    return "cannot map the loom";
  }
  if ( u3e_swap_open(swp_c) ) {
    u3m_fini();
    u3C.swap_c = 0;
    return "no swap file here (a memory file system, or no fallocate): "
           "set TEST_TMPDIR to a disk-backed directory";
  }
  return 0;
}

/* t_skip(): say why the test cannot run here; exit status 77. */
static inline c3_i
t_skip(const c3_c* why_c)
{
  printf("SKIP: %s\n", why_c);
  printf("%u passed, %u failed\n", t_pass_w, t_fail_w);
  return 77;
}

#endif  //  U3_TEST_H
