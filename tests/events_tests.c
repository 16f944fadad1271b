/// @file events_tests.c
/// Persistence: save and restore round trips from a few pages to 256 MiB,
/// with demand paging and without; incremental saves, a shrinking and
/// growing image; crashes before each file call a save makes, so at every
/// step of it (the image is the old or the new one, never a mix); each of
/// those calls failing (EIO, ENOSPC) and a real write error (the old
/// image stays valid, the next save succeeds); damaged files (a message
/// and -1, or the patch discarded, never a crash; u3e_check names the
/// damaged page); every page of a 256 MiB image dirtied in random order;
/// the guard page; backup, u3e_foul and u3e_yolo.
///
/// Each scenario runs in a child process with its own loom, so a crash in
/// one is reported as a failure and the others still run; children add
/// their tallies to counters shared with the parent.  Crashes and I/O
/// errors are injected through the I/O seam (c3/io.h), never by hooks in
/// the library.
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "harness.h"
#include "c3/crc.h"
#include "c3/io.h"
#include "noun/events.h"

static c3_w  _t_bits_w = 27;     //  loom size for _t_reboot_state

  /** Processes and directories.
  **/
/* _t_file(): path of file nam_c in pier dir_c's chk directory. */
static void
_t_file(c3_c* pat_c, const c3_c* dir_c, const c3_c* nam_c)
{
  snprintf(pat_c, 600, "%s/.urb/chk/%s", dir_c, nam_c);
}

/* _t_exists(): 1 if file nam_c is in pier dir_c's chk directory and holds
**   bytes (a running pier keeps its patch files, empty, between saves:
**   an empty one is no patch).
*/
static c3_t
_t_exists(const c3_c* dir_c, const c3_c* nam_c)
{
  c3_c pat_c[600];
  struct stat buf_u;
  _t_file(pat_c, dir_c, nam_c);
  return 0 == stat(pat_c, &buf_u) && buf_u.st_size > 0;
}

/* _t_fsize(): size of a chk file, or -1. */
static c3_ds
_t_fsize(const c3_c* dir_c, const c3_c* nam_c)
{
  c3_c pat_c[600];
  struct stat buf_u;
  _t_file(pat_c, dir_c, nam_c);
  return stat(pat_c, &buf_u) ? -1 : (c3_ds)buf_u.st_size;
}

/* _t_flip(): invert one byte of a chk file at off_d. */
static void
_t_flip(const c3_c* dir_c, const c3_c* nam_c, c3_d off_d)
{
  c3_c pat_c[600];
  c3_y byt_y = 0;
  _t_file(pat_c, dir_c, nam_c);
  c3_i fid_i = open(pat_c, O_RDWR);
  T_OK(fid_i >= 0 && 1 == pread(fid_i, &byt_y, 1, (off_t)off_d),
       "read %s at %llu", pat_c, (unsigned long long)off_d);
  byt_y ^= 0x5a;
  T_OK(1 == pwrite(fid_i, &byt_y, 1, (off_t)off_d), "flip %s", pat_c);
  close(fid_i);
}

/* _t_unpatch(): remove the patch from pier dir_c. */
static void
_t_unpatch(const c3_c* dir_c)
{
  c3_c pat_c[600];
  _t_file(pat_c, dir_c, "control.bin");
  unlink(pat_c);
  _t_file(pat_c, dir_c, "memory.bin");
  unlink(pat_c);
}

/* _t_cut(): truncate a chk file to len_d bytes. */
static void
_t_cut(const c3_c* dir_c, const c3_c* nam_c, c3_d len_d)
{
  c3_c pat_c[600];
  _t_file(pat_c, dir_c, nam_c);
  T_OK(0 == truncate(pat_c, (off_t)len_d), "truncate %s", pat_c);
}

/* _t_copy_chk(): copy pier src_c's chk files to pier dst_c (a snapshot
**   of the files, to damage in different ways).
*/
static void
_t_copy_chk(const c3_c* src_c, const c3_c* dst_c)
{
  static const c3_c* nam_c[] = { "north.bin", "sums.bin", "control.bin",
                                 "memory.bin" };
  c3_c pat_c[600];

  h_rm(dst_c);
  mkdir(dst_c, 0755);
  snprintf(pat_c, sizeof(pat_c), "%s/.urb", dst_c);
  mkdir(pat_c, 0755);
  snprintf(pat_c, sizeof(pat_c), "%s/.urb/chk", dst_c);
  mkdir(pat_c, 0755);
  for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
    c3_c fro_c[600], too_c[600];
    _t_file(fro_c, src_c, nam_c[i_w]);
    _t_file(too_c, dst_c, nam_c[i_w]);
    c3_i src_i = open(fro_c, O_RDONLY);
    if ( src_i < 0 ) continue;
    c3_i dst_i = open(too_c, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    c3_y buf_y[65536];
    ssize_t red_i;
    while ( (red_i = read(src_i, buf_y, sizeof(buf_y))) > 0 ) {
      T_OK(red_i == write(dst_i, buf_y, (c3_z)red_i), "copy %s", too_c);
    }
    close(src_i);
    close(dst_i);
  }
}

/* _t_check_says(): run u3e_check on dir_c; return its result, and set
**   *hit_t if its report contains str_c.
*/
static c3_i
_t_check_says(const c3_c* dir_c, const c3_c* str_c, c3_t* hit_t)
{
  c3_c  buf_c[16384];
  FILE* fil_u = tmpfile();
  c3_i  ret_i = u3e_check(dir_c, fil_u);
  c3_z  len_z;

  rewind(fil_u);
  len_z = fread(buf_c, 1, sizeof(buf_c) - 1, fil_u);
  buf_c[len_z] = 0;
  fclose(fil_u);
  *hit_t = ( str_c && strstr(buf_c, str_c) ) ? 1 : 0;
  if ( getenv("T_VERBOSE") ) {
    fputs(buf_c, stdout);
  }
  return ret_i;
}

  /** Looms and states.
  **/
/* _t_boot(): map a loom of 2^bits_w bytes and open pier dir_c: resume its
**   image or pave a new home road.  Returns 0 or -1; *nor_w gets the
**   image's pages.
*/
static c3_i
_t_boot(const c3_c* dir_c, c3_w bits_w, c3_w* nor_w)
{
  if ( u3m_init(bits_w) || u3e_init() ) {
    return -1;
  }
  if ( u3e_live(dir_c, nor_w) ) {
    u3e_stop();
    u3m_fini();
    return -1;
  }
  if ( 0 == *nor_w ) {
    u3m_pave();
  }
  else {
    u3H = (u3m_home*)(void*)u3a_loom_base;
    u3R = &u3H->rod_u;
    u3a_attach(u3R, u3C.pages_w);
  }
  return 0;
}

/* _t_down(): close the image and unmap the loom. */
static void
_t_down(void)
{
  u3e_stop();
  u3m_fini();
}

/* _t_save(): save the home road's heap, and wait for the patch to reach
**   north.bin (the apply runs on a thread), so the files show the whole
**   protocol.
*/
static c3_i
_t_save(void)
{
  return ( u3e_save(u3a_page_of(u3R->hat_w)) || u3e_save_wait() ) ? -1 : 0;
}

  /** Failure injection through the I/O seam (c3/io.h).
  ***
  ***   _t_io wraps the OS's table.  It counts every call that changes a
  ***   file or directory (open, write, sync, truncate, rename, unlink,
  ***   mkdir), records each one's kind and file name in _t_ops_u (shared
  ***   with the parent), and at a chosen call (by number, from 1, or the
  ***   first of a kind on a file) ends the process with _t_crash_exit, as
  ***   a crash would, or fails the call with err_i.
  **/
#define _t_crash_exit 86
#define _t_ops_max    512

/* _t_op: one recorded call: kind o(pen) w(rite) s(ync) d(atasync)
**   t(runcate) r(ename) u(nlink) m(kdir), and the file's name.
*/
typedef struct {
  c3_c kin_c;
  c3_c nam_c[23];
} _t_op;

static _t_op* _t_ops_u;          //  the calls of the last armed run
static c3_w*  _t_opn_w;          //  how many

static struct {
  c3_io  os_u;       //  the table wrapped
  c3_w   cnt_w;      //  calls so far
  c3_w   at_w;       //  act at this call; 0: see kin_c
  c3_c   kin_c;      //  or at the first call of this kind on nam_c
  c3_c   nam_c[23];
  c3_w   hit_w;      //  acted (once only)
  c3_c   act_c;      //  'k': exit (a crash), 'f': fail with err_i,
                     //  'p': say so on pip_i and stop there for good
  c3_i   err_i;
  c3_i   pip_i;
} _t_io_u;

/* _t_io_step(): count a call of kind kin_c on pat_c (or descriptor fid_i);
**   crash here, or 0 to go on, or -1 (errno set) to fail it.
*/
static c3_i
_t_io_step(c3_c kin_c, const c3_c* pat_c, c3_i fid_i)
{
  c3_w  num_w = __atomic_add_fetch(&_t_io_u.cnt_w, 1, __ATOMIC_SEQ_CST);
  _t_op op_u;
  c3_c  lin_c[64], pax_c[600] = "?";

  op_u.kin_c = kin_c;
  if ( !pat_c ) {
    snprintf(lin_c, sizeof(lin_c), "/proc/self/fd/%d", fid_i);
    ssize_t len_i = readlink(lin_c, pax_c, sizeof(pax_c) - 1);
    pax_c[( len_i > 0 ) ? len_i : 1] = 0;
    pat_c = pax_c;
  }
  {
    const c3_c* nam_c = strrchr(pat_c, '/');
    c3_z        len_z;
    nam_c = nam_c ? nam_c + 1 : pat_c;
    len_z = c3_min(strlen(nam_c), sizeof(op_u.nam_c) - 1);
    memcpy(op_u.nam_c, nam_c, len_z);
    op_u.nam_c[len_z] = 0;
  }
  if ( num_w <= _t_ops_max ) {
    _t_ops_u[num_w - 1] = op_u;
    c3_w old_w = __atomic_load_n(_t_opn_w, __ATOMIC_SEQ_CST);
    while ( old_w < num_w
            && !__atomic_compare_exchange_n(_t_opn_w, &old_w, num_w, 0,
                                            __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST) )
    {
    }
  }
  if ( !_t_io_u.act_c
       || (_t_io_u.at_w && num_w != _t_io_u.at_w)
       || (!_t_io_u.at_w && (kin_c != _t_io_u.kin_c
                             || strcmp(op_u.nam_c, _t_io_u.nam_c)))
       || __atomic_fetch_add(&_t_io_u.hit_w, 1, __ATOMIC_SEQ_CST) )
  {
    return 0;
  }
  if ( 'k' == _t_io_u.act_c ) {
    _exit(_t_crash_exit);
  }
  if ( 'p' == _t_io_u.act_c ) {
    if ( 1 != write(_t_io_u.pip_i, "p", 1) ) {
      _exit(1);
    }
    for ( ;; ) {
      pause();
    }
  }
  errno = _t_io_u.err_i;
  return -1;
}

/* _t_io_open(): open(2), counted when it may create or truncate. */
static c3_i
_t_io_open(const c3_c* pat_c, c3_i flg_i, c3_i mod_i)
{
  if ( (flg_i & (O_CREAT | O_TRUNC)) && _t_io_step('o', pat_c, -1) ) {
    return -1;
  }
  return _t_io_u.os_u.open_f(pat_c, flg_i, mod_i);
}

/* _t_io_pwrite(): pwrite(2), counted. */
static ssize_t
_t_io_pwrite(c3_i fid_i, const void* buf_v, c3_z len_z, c3_d off_d)
{
  return _t_io_step('w', 0, fid_i)
         ? -1 : _t_io_u.os_u.pwrite_f(fid_i, buf_v, len_z, off_d);
}

/* _t_io_pwritev(): pwritev(2), counted. */
static ssize_t
_t_io_pwritev(c3_i fid_i, const struct iovec* iov_u, c3_i cnt_i, c3_d off_d)
{
  return _t_io_step('w', 0, fid_i)
         ? -1 : _t_io_u.os_u.pwritev_f(fid_i, iov_u, cnt_i, off_d);
}

/* _t_io_fsync(): fsync(2), counted. */
static c3_i
_t_io_fsync(c3_i fid_i)
{
  return _t_io_step('s', 0, fid_i) ? -1 : _t_io_u.os_u.fsync_f(fid_i);
}

/* _t_io_fdatasync(): fdatasync(2), counted. */
static c3_i
_t_io_fdatasync(c3_i fid_i)
{
  return _t_io_step('d', 0, fid_i) ? -1 : _t_io_u.os_u.fdatasync_f(fid_i);
}

/* _t_io_ftruncate(): ftruncate(2), counted. */
static c3_i
_t_io_ftruncate(c3_i fid_i, c3_d len_d)
{
  return _t_io_step('t', 0, fid_i)
         ? -1 : _t_io_u.os_u.ftruncate_f(fid_i, len_d);
}

/* _t_io_rename(): rename(2), counted. */
static c3_i
_t_io_rename(const c3_c* old_c, const c3_c* new_c)
{
  return _t_io_step('r', new_c, -1) ? -1 : _t_io_u.os_u.rename_f(old_c, new_c);
}

/* _t_io_unlink(): unlink(2), counted. */
static c3_i
_t_io_unlink(const c3_c* pat_c)
{
  return _t_io_step('u', pat_c, -1) ? -1 : _t_io_u.os_u.unlink_f(pat_c);
}

/* _t_io_mkdir(): mkdir(2), counted. */
static c3_i
_t_io_mkdir(const c3_c* pat_c, c3_i mod_i)
{
  return _t_io_step('m', pat_c, -1) ? -1 : _t_io_u.os_u.mkdir_f(pat_c, mod_i);
}

/* _t_io_arm(): wrap the seam, recording from call 1: act_c ('k' crash,
**   'f' fail with err_i, 0 only record) at call at_w, or (at_w 0) at the
**   first call of kind kin_c on file nam_c.
*/
static void
_t_io_arm(c3_c act_c, c3_w at_w, c3_i err_i, c3_c kin_c, const c3_c* nam_c)
{
  c3_io io_u;

  c3_io_set(0);
  io_u = _t_io_u.os_u = c3_io_get();
  *_t_opn_w     = 0;
  _t_io_u.cnt_w = 0;
  _t_io_u.hit_w = 0;
  _t_io_u.at_w  = at_w;
  _t_io_u.kin_c = kin_c;
  snprintf(_t_io_u.nam_c, sizeof(_t_io_u.nam_c), "%s", nam_c ? nam_c : "");
  _t_io_u.act_c = act_c;
  _t_io_u.err_i = err_i;
  io_u.open_f      = _t_io_open;
  io_u.pwrite_f    = _t_io_pwrite;
  io_u.pwritev_f   = _t_io_pwritev;
  io_u.fsync_f     = _t_io_fsync;
  io_u.fdatasync_f = _t_io_fdatasync;
  io_u.ftruncate_f = _t_io_ftruncate;
  io_u.rename_f    = _t_io_rename;
  io_u.unlink_f    = _t_io_unlink;
  io_u.mkdir_f     = _t_io_mkdir;
  c3_io_set(&io_u);
}

/* _t_io_disarm(): the OS's table again. */
static void
_t_io_disarm(void)
{
  c3_io_set(0);
}

/* _t_save_crash(): in a child, save with a crash at call at_w (or at the
**   first call kin_c on nam_c); the child's wait status.
*/
static c3_i
_t_save_crash(c3_w at_w, c3_c kin_c, const c3_c* nam_c)
{
  fflush(stdout);
  fflush(stderr);
  pid_t pid_i = fork();
  if ( 0 == pid_i ) {
    _t_io_arm('k', at_w, 0, kin_c, nam_c);
    _exit(_t_save() ? 1 : 0);
  }
  c3_i sat_i;
  waitpid(pid_i, &sat_i, 0);
  return sat_i;
}

/* _t_ops_find(): the number (from 1) of the first recorded call of kind
**   kin_c on file nam_c among calls [fro_w, num_w]; 0 if none.
*/
static c3_w
_t_ops_find(c3_w fro_w, c3_w num_w, c3_c kin_c, const c3_c* nam_c)
{
  for ( c3_w i_w = c3_max(fro_w, 1); i_w <= num_w; i_w++ ) {
    if ( kin_c == _t_ops_u[i_w - 1].kin_c
         && !strcmp(nam_c, _t_ops_u[i_w - 1].nam_c) )
    {
      return i_w;
    }
  }
  return 0;
}

/* _t_ops_last(): the number of the last call kin_c on nam_c up to num_w. */
static c3_w
_t_ops_last(c3_w num_w, c3_c kin_c, const c3_c* nam_c)
{
  c3_w las_w = 0;
  for ( c3_w i_w = 1; i_w <= num_w; i_w++ ) {
    if ( kin_c == _t_ops_u[i_w - 1].kin_c
         && !strcmp(nam_c, _t_ops_u[i_w - 1].nam_c) )
    {
      las_w = i_w;
    }
  }
  return las_w;
}

/* _t_ops_holds(): after calls [1, num_w] but skp_w (a call that failed),
**   does file nam_c hold bytes?  Every open counted truncates it, writes
**   fill it.
*/
static c3_t
_t_ops_holds(c3_w num_w, c3_w skp_w, const c3_c* nam_c)
{
  c3_t hol_t = 0;
  for ( c3_w i_w = 1; i_w <= num_w; i_w++ ) {
    if ( i_w != skp_w && !strcmp(nam_c, _t_ops_u[i_w - 1].nam_c) ) {
      if ( 'o' == _t_ops_u[i_w - 1].kin_c ) hol_t = 0;
      if ( 'w' == _t_ops_u[i_w - 1].kin_c ) hol_t = 1;
    }
  }
  return hol_t;
}

/* _t_ops_commit(): the call that completes the commit among calls
**   [1, num_w] (the later of the two data syncs after control.bin's
**   write), or 0 if it is not complete.
*/
static c3_w
_t_ops_commit(c3_w num_w)
{
  c3_w cwr_w = _t_ops_last(num_w, 'w', "control.bin");
  c3_w dme_w = cwr_w ? _t_ops_find(cwr_w, num_w, 'd', "memory.bin") : 0;
  c3_w dct_w = cwr_w ? _t_ops_find(cwr_w, num_w, 'd', "control.bin") : 0;
  return ( dme_w && dct_w ) ? c3_max(dme_w, dct_w) : 0;
}

/* _t_ops_protocol(): the recorded calls of a whole save, num_w of them,
**   follow the save protocol step by step.
*/
static c3_t
_t_ops_protocol(c3_w num_w)
{
  c3_w cwr_w = _t_ops_last(num_w, 'w', "control.bin");
  c3_w com_w = _t_ops_commit(num_w);
  c3_w nor_w = _t_ops_find(1, num_w, 'w', "north.bin");
  c3_w sum_w = _t_ops_find(1, num_w, 'w', "sums.bin");
  c3_w syn_w = _t_ops_find(sum_w, num_w, 'd', "north.bin");
  c3_w ocl_w = _t_ops_find(syn_w, num_w, 'o', "control.bin");

  if ( getenv("T_VERBOSE") ) {
    for ( c3_w i_w = 1; i_w <= num_w; i_w++ ) {
      printf("  save call %u: %c %s\n", i_w, _t_ops_u[i_w - 1].kin_c,
             _t_ops_u[i_w - 1].nam_c);
    }
  }
  return T_OK(1 == _t_ops_find(1, num_w, 'o', "memory.bin")
              && 2 == _t_ops_find(1, num_w, 'w', "memory.bin")
              && _t_ops_last(num_w, 'w', "memory.bin")
                 < _t_ops_find(1, num_w, 'o', "control.bin")
              && _t_ops_find(1, num_w, 'o', "control.bin") < cwr_w
              && com_w && cwr_w + 2 == com_w
              && 0 == _t_ops_find(1, num_w, 's', "chk")
              && com_w + 1 == nor_w
              && nor_w < sum_w
              && sum_w < syn_w
              && sum_w < _t_ops_find(sum_w, num_w, 'd', "sums.bin")
              && syn_w < ocl_w
              && _t_ops_last(num_w, 'd', "sums.bin") < ocl_w
              && ocl_w + 1 == _t_ops_find(ocl_w, num_w, 'd', "control.bin")
              && ocl_w + 2 == _t_ops_find(ocl_w, num_w, 'o', "memory.bin")
              && ocl_w + 2 == num_w,
              "the save's %u calls follow the protocol: memory.bin, "
              "control.bin, their two syncs (the commit; no directory "
              "sync), north.bin, sums.bin, their syncs, control.bin "
              "emptied and synced, memory.bin emptied", num_w);
}

/* _t_word(): word j_w of generated atom i_w of seed sed_w. */
static inline c3_w
_t_word(c3_w sed_w, c3_w i_w, c3_w j_w)
{
  c3_d x_d = ((c3_d)sed_w << 40) ^ ((c3_d)i_w << 20) ^ j_w;
  x_d += 0x9e3779b97f4a7c15ULL;
  x_d = (x_d ^ (x_d >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x_d = (x_d ^ (x_d >> 27)) * 0x94d049bb133111ebULL;
  return (c3_w)(x_d ^ (x_d >> 31)) | 1;   //  nonzero: the atom keeps its length
}

/* _t_len(): length in words of generated atom i_w of a list of atoms of
**   about wor_w words.
*/
static inline c3_w
_t_len(c3_w wor_w, c3_w i_w)
{
  return 1 + wor_w - (i_w % 7) * (wor_w / 16);
}

/* _t_list(): a list of num_w generated atoms [a0 a1 ...] (new reference). */
static u3_noun
_t_list(c3_w sed_w, c3_w num_w, c3_w wor_w)
{
  c3_w*   buf_w = malloc((c3_z)(wor_w + 1) * 4);
  u3_noun lis = u3_nul;

  for ( c3_w i_w = num_w; i_w-- > 0; ) {
    c3_w len_w = _t_len(wor_w, i_w);
    for ( c3_w j_w = 0; j_w < len_w; j_w++ ) {
      buf_w[j_w] = _t_word(sed_w, i_w, j_w);
    }
    lis = u3nc(u3i_words(len_w, buf_w), lis);
  }
  free(buf_w);
  return lis;
}

/* _t_list_ok(): 1 if lis (retained, only read) is exactly the generated
**   atoms [a_fro ... a_(fro+num-1)].
*/
static c3_t
_t_list_ok(u3_noun lis, c3_w sed_w, c3_w fro_w, c3_w num_w, c3_w wor_w)
{
  c3_w* buf_w = malloc((c3_z)(wor_w + 1) * 4);
  c3_t  ok_t  = 1;

  for ( c3_w i_w = fro_w; ok_t && i_w < fro_w + num_w; i_w++ ) {
    if ( c3n == u3du(lis) ) {
      ok_t = 0;
      break;
    }
    u3_noun a = u3h(lis);
    c3_w len_w = _t_len(wor_w, i_w);
    if ( c3n == u3ud(a) || u3r_met(5, a) != len_w ) {
      ok_t = 0;
      break;
    }
    u3r_words(0, len_w, buf_w, a);
    for ( c3_w j_w = 0; j_w < len_w; j_w++ ) {
      if ( buf_w[j_w] != _t_word(sed_w, i_w, j_w) ) {
        ok_t = 0;
        break;
      }
    }
    lis = u3t(lis);
  }
  free(buf_w);
  return ok_t && (u3_nul == lis);
}

/* _t_dirty_below(): how many pages below nor_w are dirty. */
static c3_w
_t_dirty_below(c3_w nor_w)
{
  c3_w num_w = 0;
  for ( c3_w i_w = 0; i_w < nor_w; i_w++ ) {
    num_w += _(u3e_dirty(i_w));
  }
  return num_w;
}

/* _t_maps(): lines in /proc/self/maps (mappings of the process). */
static c3_w
_t_maps(void)
{
  FILE* fil_u = fopen("/proc/self/maps", "r");
  c3_w  num_w = 0;
  c3_i  c_i;
  if ( !fil_u ) return 0;
  while ( EOF != (c_i = fgetc(fil_u)) ) {
    num_w += ( '\n' == c_i );
  }
  fclose(fil_u);
  return num_w;
}

  /** Round trips.
  **/
/* _t_round(): save num_w atoms of about wor_w words, restore them in a
**   fresh loom, check mug and contents, and that a write after restore
**   faults and dirties exactly its page.  arg: "num wor bits demand".
*/
static void
_t_round(const c3_c* arg_c)
{
  c3_c dir_c[512];
  c3_w num_w, wor_w, bit_w, dem_w, nor_w, img_w;
  sscanf(arg_c, "%u %u %u %u", &num_w, &wor_w, &bit_w, &dem_w);
  snprintf(dir_c, sizeof(dir_c), "%s/round-%u-%u-%u", t_base_c, num_w,
           wor_w, dem_w);
  h_rm(dir_c);
  u3C.demand_o = dem_w ? c3y : c3n;

  //  build and save
  if ( !T_OK(0 == _t_boot(dir_c, bit_w, &nor_w), "boot %s", dir_c) ) return;
  T_EQ(nor_w, 0);
  u3H->roo = _t_list(1, num_w, wor_w);
  c3_w mug_w = u3r_mug(u3H->roo);
  img_w = u3a_page_of(u3R->hat_w);
  T_OK(0 == _t_save(), "save");
  T_EQ(u3e_Stat.saves_d, 1);
  T_EQ(u3e_Stat.image_w, img_w);
  T_EQ(u3e_Stat.saved_pages_d, img_w);   //  a new image: every page
  T_EQ(_t_dirty_below(img_w), 0);
  T_OK(_(u3e_dirty(img_w)), "pages above the image stay dirty");
  T_EQ(_t_fsize(dir_c, "north.bin"), (c3_ds)img_w << u3a_page_bits);
  T_EQ(_t_fsize(dir_c, "sums.bin"), 16 + 4 * (c3_ds)img_w);
  T_OK(!_t_exists(dir_c, "control.bin") && !_t_exists(dir_c, "memory.bin"),
       "no patch is left after a save");
  //  the loom still works after its pages were remapped
  T_OK(_t_list_ok(u3H->roo, 1, 0, num_w, wor_w), "contents after the save");
  t_leak(u3H->roo);
  u3z(u3H->roo);
  u3H->roo = 0;
  t_clean();
  _t_down();

  {
    c3_t hit_t;
    T_EQ(_t_check_says(dir_c, "image sound", &hit_t), 0);
    T_OK(hit_t, "u3e_check reports the image sound");
  }

  //  restore: every image page clean but the home header, which
  //  u3a_attach wrote (its stack and bail state are volatile)
  if ( !T_OK(0 == _t_boot(dir_c, bit_w, &nor_w), "reboot %s", dir_c) ) return;
  //  (a scan by u3e_dirty, with userfaultfd tracking, counts the writes)
  T_EQ(nor_w, img_w);
  T_OK(_(u3e_dirty(0)), "the home header was written");
  T_EQ(_t_dirty_below(nor_w), 1);
  T_EQ(u3e_Stat.faults_d, 1);
  T_EQ(u3r_mug(u3H->roo), mug_w);
  T_OK(_t_list_ok(u3H->roo, 1, 0, num_w, wor_w), "contents restored");
  T_EQ(_t_dirty_below(nor_w), 1);          //  reading dirties nothing
  T_EQ(u3e_Stat.faults_d, 1);

  //  a write faults once and dirties exactly its page
  c3_w pag_w = nor_w / 2 + 1;
  T_OK(c3n == u3e_dirty(pag_w), "page %u clean", pag_w);
  t_touch(pag_w);
  t_touch(pag_w);
  T_OK(_(u3e_dirty(pag_w)), "the written page is dirty");
  T_EQ(_t_dirty_below(nor_w), 2);
  T_EQ(u3e_Stat.faults_d, 2);

  //  a second save writes those two pages alone
  c3_d sav_d = u3e_Stat.saved_pages_d;
  T_OK(0 == _t_save(), "second save");
  T_EQ(u3e_Stat.saved_pages_d - sav_d, 2);
  T_EQ(_t_dirty_below(nor_w), 0);
  t_touch(pag_w);                          //  clean again: faults again
  T_EQ(_t_dirty_below(nor_w), 1);
  T_EQ(u3e_Stat.faults_d, 3);

  t_leak(u3H->roo);
  u3z(u3H->roo);
  u3H->roo = 0;
  t_clean();
  _t_down();
  h_rm(dir_c);
  u3C.demand_o = c3y;
}

/* _t_grow_shrink(): an image that shrinks and grows across saves, in one
**   process: pages cut from north.bin leave the file mapping intact, a
**   page written before the cut keeps its contents and stays tracked by
**   the same backend (its new mapping registered with userfaultfd: not
**   registered, the next save's protection failed and tracking fell back
**   to mprotect), and a write to it after the next save is saved.
*/
static void
_t_grow_shrink(const c3_c* arg_c)
{
  c3_c dir_c[512];
  c3_w nor_w;
  (void)arg_c;

  t_pier(dir_c, "grow-shrink", 0);
  for ( c3_w dem_w = 0; dem_w < 2; dem_w++ ) {
    u3C.demand_o = dem_w ? c3y : c3n;
    h_rm(dir_c);
    if ( !T_OK(0 == _t_boot(dir_c, 27, &nor_w), "boot") ) return;

    //  small list, then a big atom list on top of it
    u3_noun sma = _t_list(2, 100, 50);
    u3_noun big = _t_list(3, 400, 4000);     //  about 400 pages
    u3H->roo = u3nc(u3k(sma), u3k(big));
    T_OK(0 == _t_save(), "save big");
    c3_w big_w = u3e_Stat.image_w;

    //  drop the big part: the heap's frontier falls back, the image shrinks
    u3z(u3H->roo);
    u3z(big);
    u3H->roo = u3nc(u3k(sma), 0);
    u3z(sma);
    //  stack-like use of the gap above the new frontier must survive
    c3_w top_w = u3a_page_of(u3R->hat_w);
    T_OK(top_w + 100 < big_w, "the heap shrank (%u -> %u pages)", big_w, top_w);
    c3_w* scr_w = u3a_page_ptr(top_w + 50);
    scr_w[0] = 0xdeadbeef;
    T_OK(0 == _t_save(), "save small");
    T_EQ(u3e_Stat.image_w, top_w);
    T_EQ(_t_fsize(dir_c, "north.bin"), (c3_ds)top_w << u3a_page_bits);
    T_EQ(scr_w[0], 0xdeadbeef);                 //  a dirty page kept its data
    T_OK(_(u3e_dirty(top_w + 50)), "beyond the image: dirty");
    T_OK(_(u3e_dirty(top_w + 10)), "cut from the image: dirty");

    //  grow again over the cut pages, then save and restore
    u3_noun two = _t_list(4, 300, 4000);
    u3H->roo = u3nc(u3H->roo, two);
    T_OK(0 == _t_save(), "save grown");
    T_OK(u3e_Stat.image_w > top_w + 250, "grew");
    c3_w mug_w = u3r_mug(u3H->roo);

    //  a write after that save to an atom on the page written before the
    //  shrink, which moved it out of north.bin with its contents: tracked (the page's new mapping registered with
    //  the tracker, which is still the one asked for), saved, read back
    T_OK(!strcmp(t_track_c, u3e_tracking()), "still tracking by %s (%s)",
         t_track_c, u3e_tracking());
    c3_w      idx_w = 0;
    u3a_atom* vat_u = 0;
    for ( u3_noun lis = two; u3_nul != lis; lis = u3t(lis), idx_w++ ) {
      u3a_atom* a_u = (u3a_atom*)(void*)u3a_to_ptr(u3h(lis));
      if ( u3a_page_of(a_u->buf_w) <= top_w + 50
           && u3a_page_of(&a_u->buf_w[a_u->len_w - 1]) >= top_w + 50 )
      {
        vat_u = a_u;
        break;
      }
    }
    c3_w* cop_w = 0;
    if ( T_OK(0 != vat_u, "an atom of the grown part on the page written "
              "before the shrink") )
    {
      vat_u->mug_w = 0;
      for ( c3_w i_w = 0; i_w + 1 < vat_u->len_w; i_w++ ) {
        vat_u->buf_w[i_w] ^= 0x5a5a5a5a;
      }
      cop_w = malloc((c3_z)vat_u->len_w * 4);
      memcpy(cop_w, vat_u->buf_w, (c3_z)vat_u->len_w * 4);
      T_OK(0 == _t_save(), "save the write");
    }
    t_leak(u3H->roo);
    _t_down();

    if ( !T_OK(0 == _t_boot(dir_c, 27, &nor_w), "reboot") ) return;
    T_EQ(u3r_mug(u3H->roo), mug_w);
    if ( cop_w ) {
      u3_noun lis = u3t(u3H->roo);
      for ( c3_w i_w = 0; i_w < idx_w; i_w++ ) {
        lis = u3t(lis);
      }
      vat_u = (u3a_atom*)(void*)u3a_to_ptr(u3h(lis));
      T_OK(!memcmp(cop_w, vat_u->buf_w, (c3_z)vat_u->len_w * 4),
           "the write after the shrink was saved (%s)", t_track_c);
      for ( c3_w i_w = 0; i_w + 1 < vat_u->len_w; i_w++ ) {
        vat_u->buf_w[i_w] ^= 0x5a5a5a5a;
      }
      vat_u->mug_w = 0;
      free(cop_w);
    }
    T_OK(_t_list_ok(u3h(u3h(u3H->roo)), 2, 0, 100, 50), "small part");
    T_OK(_t_list_ok(u3t(u3H->roo), 4, 0, 300, 4000), "grown part");
    t_leak(u3H->roo);
    u3z(u3H->roo);
    u3H->roo = 0;
    t_clean();
    _t_down();
    {
      c3_t hit_t;
      T_EQ(_t_check_says(dir_c, 0, &hit_t), 0);
    }
  }
  h_rm(dir_c);
  u3C.demand_o = c3y;
}

  /** Crashes and failures during a save.
  ***
  ***   State A: list (seed 5, 600 atoms of ~300 words).  State B: drop its
  ***   first 100 atoms (freeing slots in old pages) and cons a new list
  ***   (seed 6, 200 atoms) on: B = [new A-tail].
  **/
#define _t_a_num 600
#define _t_a_wor 300

/* _t_make_a(): boot a new pier and save state A. */
static c3_t
_t_make_a(const c3_c* dir_c)
{
  c3_w nor_w;
  h_rm(dir_c);
  if ( !T_OK(0 == _t_boot(dir_c, 27, &nor_w), "boot %s", dir_c) ) return 0;
  u3H->roo = _t_list(5, _t_a_num, _t_a_wor);
  u3r_mug(u3H->roo);
  return T_OK(0 == _t_save(), "save A");
}

/* _t_make_b(): turn state A into B in the loom (unsaved). */
static void
_t_make_b(void)
{
  u3_noun lis = u3H->roo;
  for ( c3_w i_w = 0; i_w < 100; i_w++ ) {
    lis = u3t(lis);
  }
  lis = u3k(lis);
  u3z(u3H->roo);
  u3H->roo = u3nc(_t_list(6, 200, _t_a_wor), lis);
  u3r_mug(u3H->roo);
}

/* _t_is_a(), _t_is_b(): which state the loom holds. */
static c3_t
_t_is_a(void)
{
  return _t_list_ok(u3H->roo, 5, 0, _t_a_num, _t_a_wor);
}

static c3_t
_t_is_b(void)
{
  return u3du(u3H->roo) == c3y
      && _t_list_ok(u3h(u3H->roo), 6, 0, 200, _t_a_wor)
      && _t_list_ok(u3t(u3H->roo), 5, 100, _t_a_num - 100, _t_a_wor);
}

/* _t_reboot_state(): in a child, boot dir_c and report the state: 'a',
**   'b', 'x' (neither: a mix), 'e' (boot failed); the child leak-checks.
*/
static c3_c
_t_reboot_state(const c3_c* dir_c)
{
  c3_c* res_c = mmap(0, 4096, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  res_c[0] = 'e';
  fflush(stdout);
  fflush(stderr);
  pid_t pid_i = fork();
  if ( 0 == pid_i ) {
    c3_w nor_w;
    t_pass_w = t_fail_w = 0;
    _t_io_disarm();
    u3e_stop();
    u3m_fini();
    if ( 0 == _t_boot(dir_c, _t_bits_w, &nor_w) ) {
      res_c[0] = _t_is_a() ? 'a' : _t_is_b() ? 'b' : 'x';
      T_OK(!_t_exists(dir_c, "control.bin")
           && !_t_exists(dir_c, "memory.bin"), "start removes the patch");
      t_leak(u3H->roo);
      u3z(u3H->roo);
      u3H->roo = 0;
      t_clean();
      _t_down();
    }
    t_shared_w[0] += t_pass_w;
    t_shared_w[1] += t_fail_w;
    fflush(stdout);
    _exit(0);
  }
  c3_i sat_i;
  waitpid(pid_i, &sat_i, 0);
  T_OK(WIFEXITED(sat_i) && 0 == WEXITSTATUS(sat_i), "reboot child");
  c3_c ret_c = res_c[0];
  munmap(res_c, 4096);
  return ret_c;
}

/* _t_crash(): a save killed before each of its calls in turn (every
**   write, sync, truncate and unlink it makes, so every step of the
**   protocol) until one runs to the end: the image is A until control.bin
**   is whole, B after, never a mix.  Then SIGKILLs at arbitrary moments.
*/
static void
_t_crash(const c3_c* arg_c)
{
  c3_c dir_c[512];
  c3_w at_w;
  (void)arg_c;

  for ( at_w = 1; at_w <= _t_ops_max; at_w++ ) {
    snprintf(dir_c, sizeof(dir_c), "%s/crash-%u", t_base_c, at_w);
    if ( !_t_make_a(dir_c) ) return;
    _t_make_b();

    c3_i sat_i = _t_save_crash(at_w, 0, 0);
    c3_t end_t = WIFEXITED(sat_i) && 0 == WEXITSTATUS(sat_i);
    c3_w pre_w = at_w - 1;          //  calls completed before the crash

    if ( end_t ) {
      //  the save made fewer calls: it ran whole
      T_OK(_t_ops_protocol(*_t_opn_w), "the whole save's calls");
      T_EQ(_t_reboot_state(dir_c), 'b');
    }
    else {
      const _t_op* op_u = &_t_ops_u[at_w - 1];
      //  (the other of two syncs in flight together may be counted too)
      T_OK(WIFEXITED(sat_i) && _t_crash_exit == WEXITSTATUS(sat_i)
           && *_t_opn_w >= at_w, "crash at call %u", at_w);

      //  the patch on disk is what the calls made so far say
      T_EQ(_t_exists(dir_c, "memory.bin"),
           _t_ops_holds(pre_w, 0, "memory.bin"));
      T_EQ(_t_exists(dir_c, "control.bin"),
           _t_ops_holds(pre_w, 0, "control.bin"));

      c3_t who_t = _t_ops_find(1, pre_w, 'w', "control.bin")
                   && !('w' == op_u->kin_c
                        && !strcmp("control.bin", op_u->nam_c));
      c3_c sat_c = _t_reboot_state(dir_c);
      T_OK(sat_c == (who_t ? 'b' : 'a'),
           "crash at call %u (%c %s): restart finds state %c", at_w,
           op_u->kin_c, op_u->nam_c, sat_c);
    }
    {
      c3_t hit_t;
      T_EQ(_t_check_says(dir_c, 0, &hit_t), 0);
    }
    t_leak(u3H->roo);
    u3z(u3H->roo);
    u3H->roo = 0;
    t_clean();
    _t_down();
    h_rm(dir_c);
    if ( end_t ) break;
  }
  T_OK(at_w > 12 && at_w <= _t_ops_max, "crashes at each of a save's %u "
       "calls", at_w - 1);
  //  (an arbitrary kill adds nothing to the above: every moment a kill
  //  could land is between two of these calls, and each is hit)

}

/* _t_kill_apply(): a run killed (SIGKILL) while its save's patch is
**   being applied on the thread, with north.bin half written: the save
**   had returned and the loom gone on changing; the image on disk is B,
**   a read-only judgment says the start applies the patch, and the start
**   does, reaching B with B's mug, after which the judgment is sound with
**   no patch left.
*/
static void
_t_kill_apply(const c3_c* arg_c)
{
  c3_c        dir_c[512];
  c3_i        pip_i[2];
  u3e_verdict ver_u;
  (void)arg_c;

  snprintf(dir_c, sizeof(dir_c), "%s/kill-apply", t_base_c);
  if ( !_t_make_a(dir_c) ) return;
  _t_make_b();
  u3H->eve_d = 77;
  c3_w mug_w = u3r_mug(u3H->roo);
  if ( !T_OK(0 == pipe(pip_i), "pipe") ) return;

  fflush(stdout);
  fflush(stderr);
  pid_t pid_i = fork();
  if ( 0 == pid_i ) {
    //  stop the apply as it comes to sums.bin: north.bin has B's pages
    //  (unsynced), sums.bin still A's checksums
    close(pip_i[0]);
    _t_io_u.pip_i = pip_i[1];
    _t_io_arm('p', 0, 0, 'w', "sums.bin");
    if ( u3e_save(u3a_page_of(u3R->hat_w)) ) {
      _exit(1);
    }
    //  the event loop goes on while the apply waits
    u3H->roo = u3nc(u3H->roo, _t_list(9, 20, _t_a_wor));
    if ( 1 != write(pip_i[1], "s", 1) ) {
      _exit(1);
    }
    for ( ;; ) {
      pause();
    }
  }
  close(pip_i[1]);
  c3_c got_c[2] = { 0, 0 };
  c3_t ok_t = ( 1 == read(pip_i[0], &got_c[0], 1)
                && 1 == read(pip_i[0], &got_c[1], 1) );
  close(pip_i[0]);
  kill(pid_i, SIGKILL);
  c3_i sat_i;
  waitpid(pid_i, &sat_i, 0);
  T_OK(ok_t && got_c[0] != got_c[1], "the save returned (%c) while its "
       "apply was stopped (%c)", got_c[0] ? got_c[0] : '-',
       got_c[1] ? got_c[1] : '-');
  T_OK(WIFSIGNALED(sat_i) && SIGKILL == WTERMSIG(sat_i), "killed");
  T_OK(_t_exists(dir_c, "control.bin") && _t_exists(dir_c, "memory.bin"),
       "the patch is left pending");

  //  read-only: the patch is applied by a start, the image is sound
  T_EQ(u3e_judge(dir_c, 0, 0, &ver_u), 0);
  T_EQ(ver_u.pat_e, u3e_pat_apply);
  T_EQ(ver_u.img_e, u3e_img_sound);
  T_EQ(ver_u.eve_d, 77);

  //  the start applies it and reaches B, with B's mug
  c3_w nor_w;
  t_leak(u3H->roo);
  u3z(u3H->roo);
  u3H->roo = 0;
  t_clean();
  _t_down();
  if ( T_OK(0 == _t_boot(dir_c, 27, &nor_w), "start after the kill") ) {
    T_OK(_t_is_b(), "the start holds B");
    T_EQ(u3r_mug(u3H->roo), mug_w);
    T_EQ(u3H->eve_d, 77);
    T_OK(!_t_exists(dir_c, "control.bin") && !_t_exists(dir_c, "memory.bin"),
         "the start applied and removed the patch");
    t_leak(u3H->roo);
    u3z(u3H->roo);
    u3H->roo = 0;
    t_clean();
    _t_down();
  }
  T_EQ(u3e_judge(dir_c, 0, 0, &ver_u), 0);
  T_EQ(ver_u.pat_e, u3e_pat_none);
  T_EQ(ver_u.img_e, u3e_img_sound);
  T_EQ(ver_u.eve_d, 77);
  h_rm(dir_c);
}

/* _t_fail(): a save whose calls fail in turn (EIO or ENOSPC), until one
**   runs to the end: it returns -1 and leaves a usable image, A before the
**   commit, B after it; the next save succeeds and writes B.
*/
static void
_t_fail(const c3_c* arg_c)
{
  c3_c dir_c[512];
  c3_w at_w;
  (void)arg_c;

  for ( at_w = 1; at_w <= _t_ops_max; at_w++ ) {
    snprintf(dir_c, sizeof(dir_c), "%s/fail-%u", t_base_c, at_w);
    if ( !_t_make_a(dir_c) ) return;
    _t_make_b();

    c3_d sav_d = u3e_Stat.saves_d;
    _t_io_arm('f', at_w, (at_w & 1) ? EIO : ENOSPC, 0, 0);
    c3_i ret_i = _t_save();
    _t_io_disarm();
    if ( 0 == ret_i ) {
      //  the save made fewer calls: it ran whole
      T_OK(*_t_opn_w < at_w, "call %u: the save succeeded", at_w);
      T_EQ(_t_reboot_state(dir_c), 'b');
    }
    else {
      c3_w pre_w = at_w - 1;        //  calls that succeeded
      c3_t com_t = 0 != _t_ops_commit(pre_w);
      const _t_op* op_u = &_t_ops_u[at_w - 1];

      //  after the commit the failure is the apply's, on its thread: the
      //  save itself succeeded, its pages are clean (they are the image),
      //  and the patch stays pending for the next save
      T_EQ(u3e_Stat.saves_d, sav_d + (com_t ? 1 : 0));
      T_OK(com_t || _(u3e_dirty(u3a_page_of(u3R->hat_w) - 1)),
           "call %u: pages stay dirty after a failed save", at_w);
      T_EQ(_t_exists(dir_c, "control.bin"),
           com_t && _t_ops_holds(*_t_opn_w, at_w, "control.bin"));

      //  the image on disk is whole: A before the commit, B after
      c3_c sat_c = _t_reboot_state(dir_c);
      T_OK(sat_c == (com_t ? 'b' : 'a'),
           "failure at call %u (%c %s): the image is %c", at_w,
           op_u->kin_c, op_u->nam_c, sat_c);

      //  the loom is unharmed and the next save completes
      T_OK(_t_is_b(), "call %u: the loom still holds B", at_w);
      T_OK(0 == _t_save(), "call %u: the next save succeeds", at_w);
      T_OK(!_t_exists(dir_c, "control.bin")
           && !_t_exists(dir_c, "memory.bin"), "call %u: no patch left", at_w);
      T_EQ(_t_reboot_state(dir_c), 'b');
    }
    T_EQ(_t_dirty_below(u3a_page_of(u3R->hat_w)), 0);

    t_leak(u3H->roo);
    u3z(u3H->roo);
    u3H->roo = 0;
    t_clean();
    _t_down();
    h_rm(dir_c);
    if ( 0 == ret_i ) break;
  }
  T_OK(at_w > 12 && at_w <= _t_ops_max, "failures at each of a save's %u "
       "calls", at_w - 1);

  //  a real write error: a file-size limit below the patch's size
  snprintf(dir_c, sizeof(dir_c), "%s/fail-fsize", t_base_c);
  if ( !_t_make_a(dir_c) ) return;
  _t_make_b();
  {
    struct rlimit old_u, lim_u;
    signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old_u);
    lim_u = old_u;
    lim_u.rlim_cur = 64 * 1024;
    setrlimit(RLIMIT_FSIZE, &lim_u);
    T_EQ(_t_save(), -1);
    setrlimit(RLIMIT_FSIZE, &old_u);
  }
  T_OK(!_t_exists(dir_c, "control.bin") && !_t_exists(dir_c, "memory.bin"),
       "a failed patch is removed");
  T_EQ(_t_reboot_state(dir_c), 'a');
  T_OK(0 == _t_save(), "save after the limit is lifted");
  T_EQ(_t_reboot_state(dir_c), 'b');
  t_leak(u3H->roo);
  u3z(u3H->roo);
  u3H->roo = 0;
  t_clean();
  _t_down();
  h_rm(dir_c);
}

  /** Damaged files.
  **/
/* _t_boot_fails(): 1 if booting dir_c fails cleanly (-1, loom unmapped). */
static c3_t
_t_boot_fails(const c3_c* dir_c)
{
  c3_w nor_w;
  if ( 0 == _t_boot(dir_c, 27, &nor_w) ) {
    _t_down();
    return 0;
  }
  return 1;
}

/* _t_damage(): truncated and flipped files: messages and -1, discarded
**   patches, never a crash.
*/
static void
_t_damage(const c3_c* arg_c)
{
  c3_c org_c[512], dir_c[512];
  c3_t hit_t;
  c3_w nor_w;
  c3_d img_d;
  (void)arg_c;

  //  org: image A, and a committed patch for B (a crash before applying)
  t_pier(org_c, "damage-org", 0);
  if ( !_t_make_a(org_c) ) return;
  img_d = (c3_d)_t_fsize(org_c, "north.bin");
  _t_make_b();
  _t_save_crash(0, 'w', "north.bin");
  t_leak(u3H->roo);
  u3z(u3H->roo);
  u3H->roo = 0;
  t_clean();
  _t_down();
  T_OK(_t_exists(org_c, "control.bin"), "a committed patch to damage");
  c3_ds pgs_ds = (_t_fsize(org_c, "control.bin") - 24) / 8;
  t_pier(dir_c, "damage", 0);

  //  a valid pending patch: check calls the image sound
  _t_copy_chk(org_c, dir_c);
  T_EQ(_t_check_says(dir_c, "valid patch is pending", &hit_t), 0);
  T_OK(hit_t, "check sees the pending patch");

  //  a read-only view of it: state B in memory, saves refused, and no
  //  file created, changed or removed
  {
    static const c3_c* nam_c[] = { "north.bin", "sums.bin", "control.bin",
                                   "memory.bin", "." };
    struct stat bef_u[5], aft_u[5];
    for ( c3_w i_w = 0; i_w < 5; i_w++ ) {
      c3_c pat_c[600];
      _t_file(pat_c, dir_c, nam_c[i_w]);
      T_OK(0 == stat(pat_c, &bef_u[i_w]), "stat %s", pat_c);
    }
    if ( T_OK(0 == u3m_init(27) && 0 == u3e_init(), "loom")
         && T_OK(0 == u3e_live_read(dir_c, &nor_w), "read-only view") )
    {
      u3H = (u3m_home*)(void*)u3a_loom_base;
      u3R = &u3H->rod_u;
      u3a_attach(u3R, u3C.pages_w);
      T_OK(_t_is_b(), "the view holds the patched state B");
      T_EQ(u3e_save(u3a_page_of(u3R->hat_w)), -1);
      t_leak(u3H->roo);
    }
    _t_down();
    for ( c3_w i_w = 0; i_w < 5; i_w++ ) {
      c3_c pat_c[600];
      _t_file(pat_c, dir_c, nam_c[i_w]);
      T_OK(0 == stat(pat_c, &aft_u[i_w])
           && aft_u[i_w].st_size == bef_u[i_w].st_size
           && aft_u[i_w].st_mtim.tv_nsec == bef_u[i_w].st_mtim.tv_nsec
           && aft_u[i_w].st_mtim.tv_sec == bef_u[i_w].st_mtim.tv_sec,
           "the read-only view left %s as it was", nam_c[i_w]);
    }
    T_EQ(_t_reboot_state(dir_c), 'b');
  }

  //  north.bin: torn to a partial page
  _t_copy_chk(org_c, dir_c);
  _t_unpatch(dir_c);
  _t_cut(dir_c, "north.bin", img_d - 100);
  T_OK(_t_boot_fails(dir_c), "north.bin of a partial page is refused");
  T_OK(0 != _t_check_says(dir_c, "not a whole number of pages", &hit_t),
       "check: partial page");
  T_OK(hit_t, "check says why");
  //  the way out: move it aside and start over
  T_EQ(u3e_wipe(dir_c), 0);
  T_OK(_t_exists(dir_c, "north.bin.bad"), "the bad image is kept aside");
  if ( T_OK(0 == _t_boot(dir_c, 27, &nor_w), "boot after wipe") ) {
    T_EQ(nor_w, 0);
    t_clean();
    _t_down();
  }

  //  north.bin: bigger than the loom
  _t_copy_chk(org_c, dir_c);
  _t_unpatch(dir_c);
  _t_cut(dir_c, "north.bin", (1ULL << 27) + (1ULL << u3a_page_bits));
  T_OK(_t_boot_fails(dir_c), "north.bin bigger than the loom is refused");

  //  north.bin: one byte flipped in page 17: check names the page
  _t_copy_chk(org_c, dir_c);
  _t_unpatch(dir_c);
  _t_flip(dir_c, "north.bin", 17 * u3a_page_bytes + 1234);
  T_OK(0 != _t_check_says(dir_c, "page 17 of north.bin is damaged", &hit_t),
       "check fails on a flipped byte");
  T_OK(hit_t, "check names page 17");
  T_OK(_t_boot_fails(dir_c), "start refuses a damaged page");

  //  sums.bin: one entry flipped: check names the page
  _t_copy_chk(org_c, dir_c);
  _t_unpatch(dir_c);
  _t_flip(dir_c, "sums.bin", 16 + 4 * 5);
  T_OK(0 != _t_check_says(dir_c, "page 5 of north.bin is damaged", &hit_t),
       "check fails on a flipped checksum");
  T_OK(hit_t, "check names page 5");

  //  sums.bin: truncated: refused
  _t_copy_chk(org_c, dir_c);
  {
    c3_c pat_c[600];
    _t_file(pat_c, dir_c, "control.bin");
    unlink(pat_c);
  }
  _t_cut(dir_c, "sums.bin", 16 + 4 * 3);
  T_OK(_t_boot_fails(dir_c), "sums.bin too short is refused");
  T_OK(0 != _t_check_says(dir_c, 0, &hit_t), "check: sums.bin too short");

  //  sums.bin missing or empty: north.bin cannot be verified, so it is
  //  never trusted (not even with every page intact), and check agrees
  for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
    c3_c pat_c[600];
    _t_copy_chk(org_c, dir_c);
    _t_unpatch(dir_c);
    _t_file(pat_c, dir_c, "sums.bin");
    if ( 0 == i_w ) {
      unlink(pat_c);
    }
    else {
      _t_cut(dir_c, "sums.bin", 0);
    }
    T_EQ(_t_reboot_state(dir_c), 'e');
    T_OK(0 != _t_check_says(dir_c, "cannot be verified", &hit_t),
         "check: no checksums, not trusted");
    T_OK(hit_t, "check says the image cannot be verified");
    T_OK(!_t_exists(dir_c, "north.bin.bad"), "judging moves nothing");
  }

  //  patches damaged before they were applied: discarded, image A
  {
    struct { const c3_c* nam_c; c3_c how_c; c3_d off_d; const c3_c* why_c; }
    cas_u[] = {
      { "control.bin", 'c', 24 + 8 * 3 + 4, "torn or damaged" },   //  cut
      { "control.bin", 'f', 24 + 8 * 2 + 4, "checksum" },          //  entry
      { "control.bin", 'f', 0, "bad header" },                     //  magic
      { "control.bin", 'c', 10, "not a patch" },                   //  tiny
      { "memory.bin",  'f', 3 * 16384 + 77, "fails its checksum" },
      { "memory.bin",  'c', 5 * 16384, "bytes, not the" },
      { "memory.bin",  'u', 0, "memory.bin is missing" },
    };
    for ( c3_w i_w = 0; i_w < sizeof(cas_u) / sizeof(cas_u[0]); i_w++ ) {
      _t_copy_chk(org_c, dir_c);
      if ( 'c' == cas_u[i_w].how_c ) {
        _t_cut(dir_c, cas_u[i_w].nam_c, cas_u[i_w].off_d);
      }
      else if ( 'f' == cas_u[i_w].how_c ) {
        _t_flip(dir_c, cas_u[i_w].nam_c, cas_u[i_w].off_d);
      }
      else {
        c3_c pat_c[600];
        _t_file(pat_c, dir_c, cas_u[i_w].nam_c);
        unlink(pat_c);
      }
      T_EQ(_t_check_says(dir_c, cas_u[i_w].why_c, &hit_t), 0);
      T_OK(hit_t, "case %u: check says: %s", i_w, cas_u[i_w].why_c);
      T_OK(_t_reboot_state(dir_c) == 'a',
           "case %u (%s): patch discarded, image A", i_w, cas_u[i_w].why_c);
    }
  }
  T_OK(pgs_ds > 5, "the patch has pages (%lld)", (long long)pgs_ds);

  //  a page number changed in control.bin, order kept, its checksum left
  //  stale: every page still matches its own checksum, so only control's
  //  checksum stands between the patch and a page written to the wrong
  //  place; it must be discarded.  The patch is made here, of three of
  //  image A's own pages, two apart (valid, and a no-op when applied), so
  //  that a page number can change in order whatever a save would write.
  t_pier(dir_c, "damage-page", 0);
  if ( !_t_make_a(dir_c) ) return;
  t_leak(u3H->roo);
  u3z(u3H->roo);
  u3H->roo = 0;
  t_clean();
  _t_down();
  {
    c3_c pat_c[600];
    c3_y pag_y[4][16384];
    c3_w hed_w[6] = { c3_s4('p', 't', 'c', 'h'), 1, u3a_page_bits,
                      (c3_w)(_t_fsize(dir_c, "north.bin") >> u3a_page_bits),
                      3, 0 };
    c3_w mid_w = hed_w[3] / 2;
    c3_w lin_w[6];
    c3_i fid_i;

    _t_file(pat_c, dir_c, "north.bin");
    fid_i = open(pat_c, O_RDONLY);
    for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
      c3_w pag_w = ( 3 == i_w ) ? mid_w + 1 : mid_w - 2 + 2 * i_w;
      T_OK(16384 == pread(fid_i, pag_y[i_w], 16384,
                          (off_t)pag_w << u3a_page_bits),
           "read page %u of A", pag_w);
      if ( i_w < 3 ) {
        lin_w[2 * i_w]     = pag_w;
        lin_w[2 * i_w + 1] = c3_crc32c(0, pag_y[i_w], 16384);
      }
    }
    close(fid_i);
    T_OK(memcmp(pag_y[1], pag_y[3], 16384),
         "pages %u and %u of A differ", mid_w, mid_w + 1);
    hed_w[5] = c3_crc32c(c3_crc32c(0, hed_w, sizeof(hed_w)),
                         lin_w, sizeof(lin_w));
    _t_file(pat_c, dir_c, "memory.bin");
    fid_i = open(pat_c, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    T_OK(sizeof(pag_y[0]) * 3 == write(fid_i, pag_y, sizeof(pag_y[0]) * 3),
         "write memory.bin");
    close(fid_i);
    _t_file(pat_c, dir_c, "control.bin");
    fid_i = open(pat_c, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    T_OK(sizeof(hed_w) == write(fid_i, hed_w, sizeof(hed_w))
         && sizeof(lin_w) == write(fid_i, lin_w, sizeof(lin_w)),
         "write control.bin");
    close(fid_i);
    T_OK(hed_w[3] > 8, "image A has %u pages", hed_w[3]);

    //  as written, the patch is valid (checked on a copy: check may apply)
    c3_c cpy_c[512];
    t_pier(cpy_c, "damage-page-copy", 0);
    _t_copy_chk(dir_c, cpy_c);
    T_EQ(_t_check_says(cpy_c, "valid patch is pending", &hit_t), 0);
    T_OK(hit_t, "check: the patch made here is valid");
    h_rm(cpy_c);

    //  the middle page's number plus one: still in order, checksum stale
    lin_w[2] = mid_w + 1;
    fid_i = open(pat_c, O_WRONLY);
    T_OK(4 == pwrite(fid_i, &lin_w[2], 4, 24 + 8), "write control.bin");
    close(fid_i);
  }
  T_EQ(_t_check_says(dir_c, "control.bin fails its checksum", &hit_t), 0);
  T_OK(hit_t, "check: a changed page number fails control.bin's checksum");
  T_OK(_t_reboot_state(dir_c) == 'a',
       "a changed page number: patch discarded, image A");
  T_EQ(_t_check_says(dir_c, 0, &hit_t), 0);
  h_rm(dir_c);

  //  a committed patch half applied, then damaged: the image is a mix,
  //  which start must refuse (naming the pages) rather than use
  t_pier(dir_c, "damage-mix", 0);
  if ( !_t_make_a(dir_c) ) return;
  _t_make_b();
  _t_save_crash(0, 'w', "sums.bin");
  t_leak(u3H->roo);
  u3z(u3H->roo);
  u3H->roo = 0;
  t_clean();
  _t_down();
  _t_flip(dir_c, "control.bin", 30);
  T_OK(0 != _t_check_says(dir_c, "is damaged", &hit_t),
       "check: a half-applied image is damaged");
  T_OK(hit_t, "check names the mixed pages");
  T_OK(_t_boot_fails(dir_c), "start refuses a half-applied image");
  T_EQ(u3e_wipe(dir_c), 0);
  if ( T_OK(0 == _t_boot(dir_c, 27, &nor_w), "boot after wipe") ) {
    T_EQ(nor_w, 0);
    t_clean();
    _t_down();
  }

  h_rm(dir_c);
  h_rm(org_c);
}

  /** Fault stress.
  **/
/* _t_stress(): restore a 256 MiB image, write every page in random order;
**   the bitmap and protections agree, a save writes exactly those pages.
*/
static void
_t_stress(const c3_c* arg_c)
{
  c3_c dir_c[512];
  c3_w nor_w, img_w;
  c3_w num_w = 65536, wor_w = 1230;     //  about 256 MiB of atoms
  (void)arg_c;

  t_pier(dir_c, "stress", 0);
  if ( !T_OK(0 == _t_boot(dir_c, 30, &nor_w), "boot") ) return;
  u3H->roo = _t_list(7, num_w, wor_w);
  c3_w mug_w = u3r_mug(u3H->roo);
  T_OK(0 == _t_save(), "save 256 MiB");
  img_w = u3e_Stat.image_w;
  T_OK(img_w > 16000, "image of %u pages", img_w);
  T_EQ(u3e_Stat.faults_d, 0);
  _t_down();

  if ( !T_OK(0 == _t_boot(dir_c, 30, &nor_w), "reboot") ) return;
  T_EQ(nor_w, img_w);
  T_EQ(u3r_mug(u3H->roo), mug_w);
  T_OK(_(u3e_dirty(0)), "the header, written by u3a_attach");
  T_EQ(u3e_Stat.faults_d, 1);

  //  every image page but the header, in random order
  c3_w* ord_w = malloc((c3_z)nor_w * 4);
  c3_d  rng_d = 0x243f6a8885a308d3ULL;
  for ( c3_w i_w = 0; i_w < nor_w - 1; i_w++ ) ord_w[i_w] = i_w + 1;
  for ( c3_w i_w = nor_w - 1; i_w > 1; i_w-- ) {
    rng_d = rng_d * 6364136223846793005ULL + 1442695040888963407ULL;
    c3_w j_w = (c3_w)((rng_d >> 33) % i_w);
    c3_w t_w = ord_w[i_w - 1];
    ord_w[i_w - 1] = ord_w[j_w];
    ord_w[j_w] = t_w;
  }
  c3_w hal_w = nor_w / 2;
  for ( c3_w i_w = 0; i_w < hal_w; i_w++ ) {
    t_touch(ord_w[i_w]);
  }
  T_EQ(_t_dirty_below(nor_w), 1 + hal_w);
  T_EQ(u3e_Stat.faults_d, 1 + hal_w);
  c3_w map_w = _t_maps();
  printf("stress: %u of %u pages dirtied at random: %u mappings\n",
         hal_w, nor_w, map_w);
  for ( c3_w i_w = hal_w; i_w < nor_w - 1; i_w++ ) {
    t_touch(ord_w[i_w]);
  }
  T_EQ(_t_dirty_below(nor_w), nor_w);
  T_EQ(u3e_Stat.faults_d, nor_w);
  //  all writable now: writing again faults no more
  for ( c3_w i_w = 0; i_w < nor_w; i_w++ ) {
    t_touch(i_w);
  }
  T_EQ(u3e_Stat.faults_d, nor_w);
  printf("stress: every page dirty: %u mappings\n", _t_maps());

  c3_d sav_d = u3e_Stat.saved_pages_d;
  T_OK(0 == _t_save(), "save every page");
  T_EQ(u3e_Stat.saved_pages_d - sav_d, nor_w);
  T_EQ(_t_dirty_below(nor_w), 0);
  printf("stress: saved: %u mappings\n", _t_maps());

  //  a random thousand pages: exactly those are saved
  sav_d = u3e_Stat.saved_pages_d;
  c3_d fau_d = u3e_Stat.faults_d;
  for ( c3_w i_w = 0; i_w < 1000; i_w++ ) {
    t_touch(ord_w[i_w * 7]);
  }
  T_EQ(_t_dirty_below(nor_w), 1000);
  T_EQ(u3e_Stat.faults_d - fau_d, 1000);
  T_OK(0 == _t_save(), "save a thousand pages");
  T_EQ(u3e_Stat.saved_pages_d - sav_d, 1000);
  free(ord_w);

  T_OK(_t_list_ok(u3H->roo, 7, 0, num_w, wor_w), "contents intact");
  t_leak(u3H->roo);
  u3z(u3H->roo);
  u3H->roo = 0;
  t_clean();
  _t_down();
  {
    c3_t hit_t;
    T_EQ(_t_check_says(dir_c, 0, &hit_t), 0);
  }
  h_rm(dir_c);
}

/* _t_mappings(): the process out of mappings: writes scattered over a
**   restored image still succeed, by opening wider blocks; nothing is
**   lost, and a save restores few mappings.
*/
static void
_t_mappings(const c3_c* arg_c)
{
  c3_c  dir_c[512];
  c3_w  nor_w, max_w = 0;
  FILE* fil_u = fopen("/proc/sys/vm/max_map_count", "r");
  (void)arg_c;

  if ( !fil_u || 1 != fscanf(fil_u, "%u", &max_w) || max_w > 1000000 ) {
    printf("mappings: cannot read a usable vm.max_map_count; skipped\n");
    if ( fil_u ) fclose(fil_u);
    return;
  }
  fclose(fil_u);

  t_pier(dir_c, "mappings", 0);
  if ( !T_OK(0 == _t_boot(dir_c, 28, &nor_w), "boot") ) return;
  u3H->roo = _t_list(9, 8000, 4000);      //  about 6,500 pages
  c3_w mug_w = u3r_mug(u3H->roo);
  T_OK(0 == _t_save(), "save");
  nor_w = u3e_Stat.image_w;

  //  use up all but a thousand of the process's mappings
  c3_w  cur_w = _t_maps();
  c3_w  fil_w = ( max_w > cur_w + 1000 ) ? (max_w - cur_w - 1000) : 0;
  c3_z  len_z = (c3_z)fil_w * 4096;
  c3_y* fil_y = mmap(0, len_z, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if ( !T_OK(MAP_FAILED != fil_y, "reserve filler") ) return;
  for ( c3_w i_w = 1; i_w < fil_w; i_w += 2 ) {
    mprotect(fil_y + (c3_z)i_w * 4096, 4096, PROT_READ);
  }
  printf("mappings: %u of %u in use\n", _t_maps(), max_w);

  //  every other image page: with protection faults, each would split a
  //  mapping; with userfaultfd, none does
  c3_d wid_d = u3e_Stat.widens_d;
  c3_w bef_w = _t_maps();
  for ( c3_w pag_w = 1; pag_w < nor_w; pag_w += 2 ) {
    t_touch(pag_w);
  }
  printf("mappings: %llu faults opened wider blocks; %u mappings before, "
         "%u after\n", (unsigned long long)(u3e_Stat.widens_d - wid_d),
         bef_w, _t_maps());
  if ( !strcmp("uffd", u3e_tracking()) ) {
    T_EQ(u3e_Stat.widens_d, wid_d);
    T_OK(_t_maps() <= bef_w + 2, "no mapping was split");
  }
  else {
    T_OK(u3e_Stat.widens_d > wid_d, "the mapping limit was reached");
    //  the process is not left at the limit: it can still map memory
    void* spa_v = mmap(0, 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK(MAP_FAILED != spa_v, "a new mapping fits (%u in use)", _t_maps());
    if ( MAP_FAILED != spa_v ) munmap(spa_v, 4096);
  }
  c3_t all_t = 1;
  for ( c3_w pag_w = 1; pag_w < nor_w; pag_w += 2 ) {
    all_t &= _(u3e_dirty(pag_w));
  }
  T_OK(all_t, "every written page is dirty");
  T_OK(0 == _t_save(), "save at the mapping limit");
  T_EQ(_t_dirty_below(nor_w), 0);
  munmap(fil_y, len_z);

  T_EQ(u3r_mug(u3H->roo), mug_w);
  T_OK(_t_list_ok(u3H->roo, 9, 0, 8000, 4000), "contents intact");
  t_leak(u3H->roo);
  _t_down();
  T_EQ(_t_check_says(dir_c, 0, &all_t), 0);
  h_rm(dir_c);
}

/* _t_forked(): a fork's child writing the loom leaves the parent's
**   tracking exact; the parent's writes after the fork are all seen.
**   arg: "1" demand paging, "0" copied image.
*/
static void
_t_forked(const c3_c* arg_c)
{
  c3_c dir_c[512];
  c3_w nor_w;

  u3C.demand_o = ( '1' == arg_c[0] ) ? c3y : c3n;
  t_pier(dir_c, "forked", 0);
  if ( !T_OK(0 == _t_boot(dir_c, 27, &nor_w), "boot") ) return;
  u3H->roo = _t_list(10, 300, 1000);
  T_OK(0 == _t_save(), "save");
  t_leak(u3H->roo);
  _t_down();
  if ( !T_OK(0 == _t_boot(dir_c, 27, &nor_w), "reboot") ) return;

  c3_w a_w = nor_w / 4, b_w = nor_w / 2, c_w = 3 * nor_w / 4;
  t_touch(a_w);
  T_OK(0 == _t_save(), "save a");
  T_EQ(_t_dirty_below(nor_w), 0);

  fflush(stdout);
  fflush(stderr);
  pid_t pid_i = fork();
  if ( 0 == pid_i ) {
    //  the child writes b; its tracking cannot be the parent's
    t_pass_w = t_fail_w = 0;
    t_touch(b_w);
    T_OK(_(u3e_dirty(b_w)), "child: its write is dirty");
    T_OK(!strcmp("mprotect", u3e_tracking()),
         "child: tracks by protection faults");
    t_touch(c_w + 1);
    T_OK(_(u3e_dirty(c_w + 1)), "child: every page counts as dirty");
    t_shared_w[0] += t_pass_w;
    t_shared_w[1] += t_fail_w;
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid_i, 0, 0);

  T_OK(c3n == u3e_dirty(b_w), "the child's write is not the parent's");
  T_OK(c3n == u3e_dirty(a_w), "a, saved, is clean");
  t_touch(a_w);
  t_touch(c_w);
  T_OK(_(u3e_dirty(a_w)), "a written again after the fork");
  T_OK(_(u3e_dirty(c_w)), "c written after the fork");
  T_EQ(_t_dirty_below(nor_w), 2);
  c3_d sav_d = u3e_Stat.saved_pages_d;
  T_OK(0 == _t_save(), "save after the fork");
  T_EQ(u3e_Stat.saved_pages_d - sav_d, 2);
  T_OK(_t_list_ok(u3H->roo, 10, 0, 300, 1000), "contents intact");
  t_leak(u3H->roo);
  _t_down();
  T_EQ(_t_check_says(dir_c, 0, &(c3_t){0}), 0);
  h_rm(dir_c);
  u3C.demand_o = c3y;
}

  /** The guard page.
  **/
/* _t_hog(): allocate 16 KiB atoms until the road runs out. */
static u3_noun
_t_hog(u3_noun arg)
{
  u3_noun lis = u3_nul;
  c3_w    buf_w[4000];
  (void)arg;
  for ( c3_w i_w = 0; i_w < 4000; i_w++ ) buf_w[i_w] = i_w | 1;
  while ( 1 ) {
    lis = u3nc(u3i_words(4000, buf_w), lis);
  }
  return lis;
}

/* _t_some(): allocate a few pages and give back their count. */
static u3_noun
_t_some(u3_noun arg)
{
  u3_noun lis = u3_nul;
  c3_w    buf_w[4000];
  for ( c3_w i_w = 0; i_w < 4000; i_w++ ) buf_w[i_w] = i_w | 1;
  for ( c3_w i_w = 0; i_w < arg; i_w++ ) {
    lis = u3nc(u3i_words(4000, buf_w), lis);
  }
  c3_w len_w = u3r_lent(lis);
  u3z(lis);
  return len_w;
}

/* _t_guard(): the guard page re-centres as roads grow into it and turns
**   exhaustion into %meme, leaving the parent as it was.
*/
static void
_t_guard(const c3_c* arg_c)
{
  c3_c dir_c[512];
  c3_w nor_w;
  (void)arg_c;

  t_pier(dir_c, "guard", 0);
  if ( !T_OK(0 == _t_boot(dir_c, 26, &nor_w), "boot") ) return;
  u3H->roo = _t_list(8, 50, 100);
  T_OK(0 == _t_save(), "save");

  //  a store to the middle of the home gap hits the guard and is retried
  T_EQ(u3e_ward(u3R->hat_w, u3R->cap_w), 0);
  {
    //  the gap's whole pages, as the guard is placed in them: from the
    //  page above the hat's (unless the hat is on a page boundary) to the
    //  cap's (where the hat lies depends on what the boot allocated)
    c3_w bot_w = u3a_page_of((c3_y*)u3R->hat_w + u3a_page_bytes - 1);
    c3_w top_w = u3a_page_of(u3R->cap_w);
    c3_w mid_w = bot_w + (top_w - bot_w) / 2;
    c3_d gar_d = u3e_Stat.guards_d;
    volatile c3_w* ptr_w = (volatile c3_w*)u3a_page_ptr(mid_w);
    ptr_w[0] = 42;
    T_EQ(ptr_w[0], 42);
    T_EQ(u3e_Stat.guards_d - gar_d, 1);
    //  it moved to the middle of the gap's larger side (the lower one
    //  when they are equal)
    c3_w new_w = ( (mid_w - bot_w) >= (top_w - mid_w - 1) )
                 ? bot_w + (mid_w - bot_w) / 2
                 : mid_w + 1 + (top_w - mid_w - 1) / 2;
    ptr_w = (volatile c3_w*)u3a_page_ptr(new_w);
    ptr_w[0] = 43;
    T_EQ(u3e_Stat.guards_d - gar_d, 2);
  }

  //  a gap of under two pages: the guard stays and the fault is meme (1)
  {
    u3a_road  fak_u;
    u3a_road* old_u = u3R;
    c3_w      bot_w = u3a_page_of(u3R->hat_w) + 10;
    T_EQ(u3e_ward(u3a_page_ptr(bot_w), u3a_page_ptr(bot_w + 3)), 0);
    memset(&fak_u, 0, sizeof(fak_u));
    fak_u.nor_o = c3y;
    fak_u.hat_w = u3a_page_ptr(bot_w + 2);
    fak_u.cap_w = (c3_w*)((c3_y*)u3a_page_ptr(bot_w + 3) + 100);
    u3R = &fak_u;
    T_EQ(u3e_fault(u3a_page_ptr(bot_w + 1)), 1);
    T_EQ(u3e_fault(u3a_page_ptr(bot_w + 1)), 1);   //  still the guard
    //  with room, it moves: a south road's gap is [cap, hat)
    fak_u.nor_o = c3n;
    fak_u.cap_w = u3a_page_ptr(bot_w + 2);
    fak_u.hat_w = u3a_page_ptr(bot_w + 40);
    T_EQ(u3e_fault(u3a_page_ptr(bot_w + 1)), 0);
    T_EQ(u3e_fault(u3a_page_ptr(bot_w + 21)), 0);   //  the new guard
    T_EQ(u3e_fault(u3a_page_ptr(bot_w + 1)), -1);   //  now a dirty page
    u3R = old_u;
    T_EQ(u3e_fault(u3a_loom_base - 4096), -1);       //  not the loom
  }

  //  inner roads exhaust the loom: meme, the home road untouched
  T_EQ(u3e_ward(u3R->hat_w, u3R->cap_w), 0);
  u3a_stats bef_u, aft_u;
  c3_w mug_w = u3r_mug(u3H->roo);
  c3_d gar_d = u3e_Stat.guards_d;
  for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
    if ( 1 == i_w ) {
      u3a_stat(0, &bef_u);     //  after the first, which may warm up pages
    }
    u3_noun pro = u3m_soft(_t_hog, 0);
    T_EQ(u3h(pro), c3__meme);
    u3z(pro);
  }
  printf("guard: %llu guard hits in three exhaustions\n",
         (unsigned long long)(u3e_Stat.guards_d - gar_d));
  T_OK(u3e_Stat.guards_d - gar_d >= 3, "inner roads hit the guard");
  u3a_stat(0, &aft_u);
  T_EQ(aft_u.heap_d, bef_u.heap_d);
  T_EQ(aft_u.live_d, bef_u.live_d);
  T_EQ(aft_u.objs_d, bef_u.objs_d);
  T_EQ(u3r_mug(u3H->roo), mug_w);
  T_OK(_t_list_ok(u3H->roo, 8, 0, 50, 100), "home state intact");

  //  and a computation that fits still runs, through the guard
  {
    u3_noun pro = u3m_soft(_t_some, 1000);
    T_EQ(u3h(pro), 0);
    T_EQ(u3t(pro), 1000);
    u3z(pro);
  }
  //  a save lifts and restores the guard; the image is consistent
  T_OK(0 == _t_save(), "save with the guard set");
  {
    u3_noun pro = u3m_soft(_t_hog, 0);
    T_EQ(u3h(pro), c3__meme);
    u3z(pro);
  }
  t_leak(u3H->roo);
  _t_down();
  {
    c3_t hit_t;
    T_EQ(_t_check_says(dir_c, 0, &hit_t), 0);
  }
  _t_bits_w = 26;
  T_EQ(_t_reboot_state(dir_c), 'x');     //  neither A nor B, but boots
  _t_bits_w = 27;
  h_rm(dir_c);
}

  /** Tracking modes, backup.
  **/
/* _t_modes(): u3e_foul, u3e_yolo, and a backup that boots. */
static void
_t_modes(const c3_c* arg_c)
{
  c3_c dir_c[512], bak_c[512], chk_c[600];
  c3_w nor_w, img_w;
  (void)arg_c;

  t_pier(dir_c, "modes", 0);
  if ( !_t_make_a(dir_c) ) return;
  img_w = u3e_Stat.image_w;

  //  foul: every page dirty, and the next save writes them all
  u3e_foul();
  T_EQ(_t_dirty_below(img_w), img_w);
  c3_d sav_d = u3e_Stat.saved_pages_d;
  T_OK(0 == _t_save(), "save after foul");
  T_EQ(u3e_Stat.saved_pages_d - sav_d, img_w);

  //  yolo: writes go untracked (no faults), and the next save writes all
  c3_d fau_d = u3e_Stat.faults_d;
  u3e_yolo();
  t_touch(img_w / 2);
  T_EQ(u3e_Stat.faults_d, fau_d);
  T_EQ(_t_dirty_below(img_w), 0);
  sav_d = u3e_Stat.saved_pages_d;
  T_OK(0 == _t_save(), "save after yolo");
  T_EQ(u3e_Stat.saved_pages_d - sav_d, img_w);
  t_touch(img_w / 2);                    //  tracked again
  T_OK(_(u3e_dirty(img_w / 2)), "a write after the save is tracked");
  T_EQ(u3e_Stat.faults_d, fau_d + 1);

  //  backup into another pier's chk directory: it boots to the same state
  t_pier(bak_c, "modes-backup", 0);
  snprintf(chk_c, sizeof(chk_c), "%s/.urb", bak_c);
  mkdir(bak_c, 0755);
  mkdir(chk_c, 0755);
  snprintf(chk_c, sizeof(chk_c), "%s/.urb/chk", bak_c);
  T_EQ(u3e_backup(chk_c), 0);
  {
    c3_t hit_t;
    T_EQ(_t_check_says(chk_c, "image sound", &hit_t), 0);
    T_OK(hit_t, "the backup directory checks sound");
  }
  T_EQ(_t_reboot_state(bak_c), 'a');

  t_leak(u3H->roo);
  u3z(u3H->roo);
  u3H->roo = 0;
  t_clean();
  _t_down();

  //  a live image cannot be wiped; a stopped one can
  if ( T_OK(0 == _t_boot(dir_c, 27, &nor_w), "reboot") ) {
    T_EQ(u3e_wipe(dir_c), -1);
    t_leak(u3H->roo);
    _t_down();
  }
  h_rm(dir_c);
  h_rm(bak_c);
}

int
main(void)
{
  const c3_c* tmp_c = getenv("TEST_TMPDIR");
  c3_t        own_t = 0;

  setvbuf(stdout, 0, _IOLBF, 0);
  if ( tmp_c && *tmp_c ) {
    snprintf(t_base_c, sizeof(t_base_c), "%s/events", tmp_c);
    h_rm(t_base_c);
    if ( mkdir(t_base_c, 0755) ) {
      return t_skip("cannot make a scratch directory");
    }
  }
  else {
    snprintf(t_base_c, sizeof(t_base_c), "/tmp/events_tests.XXXXXX");
    if ( !mkdtemp(t_base_c) ) {
      return t_skip("cannot make a scratch directory");
    }
    own_t = 1;
  }
  t_shared_w = mmap(0, 4096, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  _t_ops_u = mmap(0, sizeof(_t_op) * _t_ops_max + 64, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  _t_opn_w = (c3_w*)(void*)(_t_ops_u + _t_ops_max);
  if ( MAP_FAILED == t_shared_w || MAP_FAILED == _t_ops_u || u3m_signals() ) {
    return t_skip("cannot set up shared counters or signals");
  }

  //  every scenario with each dirty-tracking backend this kernel offers
  {
    c3_t uff_t = 0;
    u3e_tracker("uffd");
    if ( 0 == u3m_init(24) && 0 == u3e_init() ) {
      uff_t = !strcmp("uffd", u3e_tracking());
      u3e_stop();
      u3m_fini();
    }
    if ( !uff_t ) {
      printf("userfaultfd write-protection unavailable: mprotect only\n");
    }
    for ( c3_w b_w = 0; b_w < (uff_t ? 2U : 1U); b_w++ ) {
      t_track_c = b_w ? "uffd" : "mprotect";
      t_run("round trip, 4 pages", _t_round, "3 1000 26 1");
      t_run("round trip, 4 pages, no demand paging", _t_round, "3 1000 26 0");
      t_run("round trip, 3000 pages", _t_round, "12000 1000 28 1");
      t_run("round trip, 3000 pages of small nouns", _t_round,
            "1000000 1 28 1");
      t_run("round trip, 3000 pages, no demand paging", _t_round,
            "12000 1000 28 0");
      t_run("round trip, 256 MiB", _t_round, "65536 1230 30 1");
      t_run("shrink and grow", _t_grow_shrink, 0);
      t_run("crash at every step", _t_crash, 0);
      t_run("kill during the apply", _t_kill_apply, 0);
      t_run("failure at every step", _t_fail, 0);
      t_run("damaged files", _t_damage, 0);
      t_run("fault stress, 256 MiB", _t_stress, 0);
      t_run("out of mappings", _t_mappings, 0);
      t_run("fork", _t_forked, "1");
      t_run("fork, no demand paging", _t_forked, "0");
      t_run("guard page", _t_guard, 0);
      t_run("foul, yolo, backup", _t_modes, 0);
    }
  }

  t_pass_w += t_shared_w[0];
  t_fail_w += t_shared_w[1];
  h_rm(t_base_c);
  (void)own_t;
  return t_done();
}
