/// @file powerloss_tests.c
/// Power loss: what a pier holds when the machine stops, not only the
/// process.  A kill -9 keeps the page cache, so it cannot tell a missing
/// fsync; this test can.
///
/// Method.  A child runs a save (or the runtime's loop, u3_pier_run) with
/// a recorder installed in the I/O seam (c3/io.h): every create, write,
/// truncate, sync, rename and unlink is performed and appended, with the
/// bytes written, to a trace.  The parent then replays the trace against
/// a model of the disk, and at every cut point k (after the k'th call)
/// builds the files a power loss would leave, and starts from them in a
/// fresh child.
///
/// The model.  Directories are taken as durable (the piers exist before
/// recording, and c3_io_mkdir syncs the parent).  A file's contents and
/// size are durable up to its last fsync or fdatasync; the writes and
/// truncates after it survive in part: none of them, all of them, or a
/// random choice of them, each write split into 4 KiB blocks kept or lost
/// independently (torn writes).  A create, rename or unlink is durable
/// once its directory is fsynced; of the ones after that, a prefix
/// survives (none, all, or a random prefix: a journal replays metadata
/// in order).  Each cut is tried with none, all, all the name changes
/// with only the synced data (metadata journaled, data lost), and two
/// random choices (fixed seeds); outcomes already judged (the same files,
/// and the same expectations) are not started again.
///
/// Verdicts.  A save of state B over state A: the restart finds A or B,
/// whole (a walk of every atom, and the refcounts), and B from the first
/// write into north.bin on (the image is touched only once the patch is
/// durable).  A run of the loop: the log never lacks an event the image
/// holds, the start succeeds, and the state equals the reference state of
/// the event it reached, which is no earlier than the last event the log
/// had made durable.
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "harness.h"
#include "c3/io.h"
#include "noun/events.h"
#include "vere/kernel.h"
#include "vere/log.h"
#include "vere/pier.h"

static c3_c  _t_base_c[256];     //  this run's scratch directory
static c3_w* _t_shared_w;        //  [pass, fail], shared with children

  /** Processes and directories.
  **/
/* _t_child_end(): in a child, add its tally to the parent's and exit. */
static void
_t_child_end(c3_i sat_i)
{
  __atomic_add_fetch(&_t_shared_w[0], t_pass_w, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&_t_shared_w[1], t_fail_w, __ATOMIC_SEQ_CST);
  fflush(stdout);
  fflush(stderr);
  _exit(sat_i);
}

/* _t_wait(): wait for child pid_i; its exit status, or -1 if it died. */
static c3_i
_t_wait(pid_t pid_i)
{
  c3_i sat_i;
  if ( pid_i < 0 || waitpid(pid_i, &sat_i, 0) != pid_i
       || !WIFEXITED(sat_i) )
  {
    return -1;
  }
  return WEXITSTATUS(sat_i);
}

/* _t_fork(): fork with stdio flushed; in the child, fresh tallies. */
static pid_t
_t_fork(void)
{
  fflush(stdout);
  fflush(stderr);
  pid_t pid_i = fork();
  if ( 0 == pid_i ) {
    t_pass_w = t_fail_w = 0;
  }
  return pid_i;
}

/* _t_put_all(): write len_z bytes to fid_i, bypassing the seam. */
static void
_t_put_all(c3_i fid_i, const void* buf_v, c3_z len_z)
{
  const c3_y* buf_y = buf_v;
  while ( len_z ) {
    ssize_t ret_i = write(fid_i, buf_y, len_z);
    if ( ret_i <= 0 ) {
      if ( ret_i < 0 && EINTR == errno ) continue;
      fprintf(stderr, "powerloss: write trace: %s\n", strerror(errno));
      _exit(3);
    }
    buf_y += ret_i;
    len_z -= (c3_z)ret_i;
  }
}

  /** The recorder: a c3_io table that performs each call and appends it
  *** to a trace file.  Syncs are recorded, not performed (the model is
  *** the disk), which also keeps the test fast.
  **/
/* _t_rec: one traced call; names (NUL-terminated, two for a rename) and
**   then len_d bytes of data follow it.
*/
typedef struct {
  c3_c kin_c;      //  c create, w write, t truncate, s sync a file,
                   //  S sync a directory, r rename, u unlink
  c3_y pad_y[3];
  c3_w nam_w;      //  bytes of names
  c3_d ino_d;      //  the file (w, t, s, c)
  c3_d off_d;      //  w: offset; t: new size
  c3_d len_d;      //  w: bytes of data
} _t_rec;

static struct {
  c3_io           os_u;
  c3_i            out_i;
  pthread_mutex_t mut_u;
} _t_rec_u = { .mut_u = PTHREAD_MUTEX_INITIALIZER };

/* _t_rec_put(): append one record. */
static void
_t_rec_put(c3_c kin_c, c3_d ino_d, c3_d off_d, const c3_c* one_c,
           const c3_c* two_c, const void* dat_v, c3_d len_d)
{
  _t_rec rec_u = { .kin_c = kin_c, .ino_d = ino_d, .off_d = off_d,
                   .len_d = len_d };
  c3_z one_z = one_c ? strlen(one_c) + 1 : 0;
  c3_z two_z = two_c ? strlen(two_c) + 1 : 0;

  rec_u.nam_w = (c3_w)(one_z + two_z);
  pthread_mutex_lock(&_t_rec_u.mut_u);
  _t_put_all(_t_rec_u.out_i, &rec_u, sizeof(rec_u));
  if ( one_z ) _t_put_all(_t_rec_u.out_i, one_c, one_z);
  if ( two_z ) _t_put_all(_t_rec_u.out_i, two_c, two_z);
  if ( len_d ) _t_put_all(_t_rec_u.out_i, dat_v, (c3_z)len_d);
  pthread_mutex_unlock(&_t_rec_u.mut_u);
}

/* _t_ino(): fid_i's inode number, and whether it is a directory. */
static c3_d
_t_ino(c3_i fid_i, c3_t* dir_t)
{
  struct stat buf_u;
  if ( fstat(fid_i, &buf_u) ) {
    return 0;
  }
  if ( dir_t ) *dir_t = S_ISDIR(buf_u.st_mode) ? 1 : 0;
  return (c3_d)buf_u.st_ino;
}

/* _t_rec_open(): open(2), recording a create or a truncation. */
static c3_i
_t_rec_open(const c3_c* pat_c, c3_i flg_i, c3_i mod_i)
{
  struct stat buf_u;
  c3_t new_t = (flg_i & O_CREAT) && lstat(pat_c, &buf_u);
  c3_i fid_i = _t_rec_u.os_u.open_f(pat_c, flg_i, mod_i);

  if ( fid_i >= 0 ) {
    if ( new_t ) {
      _t_rec_put('c', _t_ino(fid_i, 0), 0, pat_c, 0, 0, 0);
    }
    else if ( flg_i & O_TRUNC ) {
      _t_rec_put('t', _t_ino(fid_i, 0), 0, 0, 0, 0, 0);
    }
  }
  return fid_i;
}

/* _t_rec_pwrite(): pwrite(2), recording what was written. */
static ssize_t
_t_rec_pwrite(c3_i fid_i, const void* buf_v, c3_z len_z, c3_d off_d)
{
  ssize_t ret_i = _t_rec_u.os_u.pwrite_f(fid_i, buf_v, len_z, off_d);
  if ( ret_i > 0 ) {
    _t_rec_put('w', _t_ino(fid_i, 0), off_d, 0, 0, buf_v, (c3_d)ret_i);
  }
  return ret_i;
}

/* _t_rec_pwritev(): pwritev(2), recording what was written. */
static ssize_t
_t_rec_pwritev(c3_i fid_i, const struct iovec* iov_u, c3_i cnt_i, c3_d off_d)
{
  ssize_t ret_i = _t_rec_u.os_u.pwritev_f(fid_i, iov_u, cnt_i, off_d);
  if ( ret_i > 0 ) {
    c3_y* buf_y = malloc((c3_z)ret_i);
    c3_z  pos_z = 0;
    for ( c3_i i_i = 0; i_i < cnt_i && pos_z < (c3_z)ret_i; i_i++ ) {
      c3_z len_z = c3_min(iov_u[i_i].iov_len, (c3_z)ret_i - pos_z);
      memcpy(buf_y + pos_z, iov_u[i_i].iov_base, len_z);
      pos_z += len_z;
    }
    _t_rec_put('w', _t_ino(fid_i, 0), off_d, 0, 0, buf_y, (c3_d)ret_i);
    free(buf_y);
  }
  return ret_i;
}

/* _t_rec_sync(): record a sync of a file or a directory. */
static c3_i
_t_rec_sync(c3_i fid_i)
{
  c3_t dir_t = 0;
  c3_d ino_d = _t_ino(fid_i, &dir_t);

  if ( dir_t ) {
    c3_c lin_c[64], pat_c[4096];
    snprintf(lin_c, sizeof(lin_c), "/proc/self/fd/%d", fid_i);
    ssize_t len_i = readlink(lin_c, pat_c, sizeof(pat_c) - 1);
    pat_c[( len_i > 0 ) ? len_i : 0] = 0;
    _t_rec_put('S', ino_d, 0, pat_c, 0, 0, 0);
  }
  else {
    _t_rec_put('s', ino_d, 0, 0, 0, 0, 0);
  }
  return 0;
}

/* _t_rec_ftruncate(): ftruncate(2), recorded. */
static c3_i
_t_rec_ftruncate(c3_i fid_i, c3_d len_d)
{
  c3_i ret_i = _t_rec_u.os_u.ftruncate_f(fid_i, len_d);
  if ( 0 == ret_i ) {
    _t_rec_put('t', _t_ino(fid_i, 0), len_d, 0, 0, 0, 0);
  }
  return ret_i;
}

/* _t_rec_rename(): rename(2), recorded. */
static c3_i
_t_rec_rename(const c3_c* old_c, const c3_c* new_c)
{
  c3_i ret_i = _t_rec_u.os_u.rename_f(old_c, new_c);
  if ( 0 == ret_i ) {
    _t_rec_put('r', 0, 0, old_c, new_c, 0, 0);
  }
  return ret_i;
}

/* _t_rec_unlink(): unlink(2), recorded. */
static c3_i
_t_rec_unlink(const c3_c* pat_c)
{
  c3_i ret_i = _t_rec_u.os_u.unlink_f(pat_c);
  if ( 0 == ret_i ) {
    _t_rec_put('u', 0, 0, pat_c, 0, 0, 0);
  }
  return ret_i;
}

/* _t_rec_arm(): record every call into file out_c from now on. */
static void
_t_rec_arm(const c3_c* out_c)
{
  c3_io io_u;

  c3_io_set(0);
  io_u = _t_rec_u.os_u = c3_io_get();
  _t_rec_u.out_i = open(out_c, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if ( _t_rec_u.out_i < 0 ) {
    fprintf(stderr, "powerloss: open %s: %s\n", out_c, strerror(errno));
    _exit(3);
  }
  io_u.open_f      = _t_rec_open;
  io_u.pwrite_f    = _t_rec_pwrite;
  io_u.pwritev_f   = _t_rec_pwritev;
  io_u.fsync_f     = _t_rec_sync;
  io_u.fdatasync_f = _t_rec_sync;
  io_u.ftruncate_f = _t_rec_ftruncate;
  io_u.rename_f    = _t_rec_rename;
  io_u.unlink_f    = _t_rec_unlink;
  c3_io_set(&io_u);
}

/* _t_nosync(): a sync that does nothing (scratch piers need no
**   durability, and the test stays fast).
*/
static c3_i
_t_nosync(c3_i fid_i)
{
  (void)fid_i;
  return 0;
}

/* _t_nosync_arm(): syncs become no-ops from now on. */
static void
_t_nosync_arm(void)
{
  c3_io io_u;
  c3_io_set(0);
  io_u = c3_io_get();
  io_u.fsync_f = io_u.fdatasync_f = _t_nosync;
  c3_io_set(&io_u);
}

  /** The model of the disk.
  **/
/* _t_pend: a write or truncate not yet synced. */
typedef struct {
  c3_c        kin_c;
  c3_d        off_d;    //  w: offset; t: size
  c3_d        len_d;
  const c3_y* dat_y;
} _t_pend;

/* _t_obj: a file: its durable contents and what came after. */
typedef struct {
  c3_d     ino_d;
  c3_y*    dat_y;
  c3_d     len_d;
  _t_pend* pen_u;
  c3_w     pen_w;
  c3_w     cap_w;
} _t_obj;

/* _t_ent: a name and its file. */
typedef struct {
  c3_c pat_c[512];
  c3_w obj_w;
} _t_ent;

/* _t_nop: a create, rename or unlink not yet synced. */
typedef struct {
  c3_c kin_c;
  c3_c dir_c[512];
  c3_c old_c[512];
  c3_c new_c[512];
  c3_w obj_w;
} _t_nop;

#define _t_max_obj 64
#define _t_max_ent 64
#define _t_max_nop 256
#define _t_max_dir 8

typedef struct {
  c3_c    roo_c[512];              //  the pier
  c3_c    dir_c[_t_max_dir][512];  //  its directories, relative
  c3_w    dir_w;
  _t_obj  obj_u[_t_max_obj];
  c3_w    obj_w;
  _t_ent  ent_u[_t_max_ent];       //  the durable names
  c3_w    ent_w;
  _t_nop  nop_u[_t_max_nop];       //  names changed since
  c3_w    nop_w;
  c3_w    unk_w;                   //  calls on files the model lost track of
} _t_disk;

static _t_disk* _t_dis_u;

/* _t_dirname(): the directory part of pat_c into dir_c. */
static void
_t_dirname(c3_c* dir_c, const c3_c* pat_c)
{
  const c3_c* sep_c = strrchr(pat_c, '/');
  c3_z len_z = sep_c ? (c3_z)(sep_c - pat_c) : 0;
  memcpy(dir_c, pat_c, len_z);
  dir_c[len_z] = 0;
}

/* _t_obj_new(): a new file with durable contents dat_y (copied). */
static c3_w
_t_obj_new(c3_d ino_d, const c3_y* dat_y, c3_d len_d)
{
  _t_disk* dis_u = _t_dis_u;
  c3_assert(dis_u->obj_w < _t_max_obj);
  _t_obj* obj_u = &dis_u->obj_u[dis_u->obj_w];
  memset(obj_u, 0, sizeof(*obj_u));
  obj_u->ino_d = ino_d;
  obj_u->len_d = len_d;
  obj_u->dat_y = malloc(len_d + 1);
  if ( len_d ) memcpy(obj_u->dat_y, dat_y, len_d);
  return dis_u->obj_w++;
}

/* _t_obj_find(): the latest file with inode ino_d, or -1. */
static c3_ws
_t_obj_find(c3_d ino_d)
{
  for ( c3_ws i_ws = (c3_ws)_t_dis_u->obj_w - 1; i_ws >= 0; i_ws-- ) {
    if ( _t_dis_u->obj_u[i_ws].ino_d == ino_d ) return i_ws;
  }
  return -1;
}

/* _t_apply(): apply bytes [lo_d, hi_d) of a write, or a truncate, to a copy. */
static void
_t_apply(c3_y** dat_y, c3_d* len_d, const _t_pend* pen_u, c3_d lo_d,
         c3_d hi_d)
{
  if ( 't' == pen_u->kin_c ) {
    if ( pen_u->off_d > *len_d ) {
      *dat_y = realloc(*dat_y, pen_u->off_d + 1);
      memset(*dat_y + *len_d, 0, pen_u->off_d - *len_d);
    }
    *len_d = pen_u->off_d;
    return;
  }
  //  bytes [lo_d, hi_d) of the write, file offsets
  if ( hi_d > *len_d ) {
    *dat_y = realloc(*dat_y, hi_d + 1);
    memset(*dat_y + *len_d, 0, hi_d - *len_d);
    *len_d = hi_d;
  }
  memcpy(*dat_y + lo_d, pen_u->dat_y + (lo_d - pen_u->off_d), hi_d - lo_d);
}

/* _t_obj_sync(): the file's pending changes become durable. */
static void
_t_obj_sync(_t_obj* obj_u)
{
  for ( c3_w i_w = 0; i_w < obj_u->pen_w; i_w++ ) {
    _t_pend* pen_u = &obj_u->pen_u[i_w];
    _t_apply(&obj_u->dat_y, &obj_u->len_d, pen_u, pen_u->off_d,
             pen_u->off_d + pen_u->len_d);
  }
  obj_u->pen_w = 0;
}

/* _t_obj_pend(): note a change to file obj_w. */
static void
_t_obj_pend(c3_w obj_w, c3_c kin_c, c3_d off_d, c3_d len_d,
            const c3_y* dat_y)
{
  _t_obj* obj_u = &_t_dis_u->obj_u[obj_w];
  if ( obj_u->pen_w == obj_u->cap_w ) {
    obj_u->cap_w = obj_u->cap_w ? obj_u->cap_w * 2 : 16;
    obj_u->pen_u = realloc(obj_u->pen_u, obj_u->cap_w * sizeof(_t_pend));
  }
  obj_u->pen_u[obj_u->pen_w++] = (_t_pend){ kin_c, off_d, len_d, dat_y };
}

/* _t_ns_apply(): apply a name change to names ent_u[0, *ent_w). */
static void
_t_ns_apply(_t_ent* ent_u, c3_w* ent_w, const _t_nop* nop_u)
{
  c3_ws old_ws = -1, new_ws = -1;
  for ( c3_w i_w = 0; i_w < *ent_w; i_w++ ) {
    if ( !strcmp(ent_u[i_w].pat_c, nop_u->old_c) ) old_ws = (c3_ws)i_w;
    if ( !strcmp(ent_u[i_w].pat_c, nop_u->new_c) ) new_ws = (c3_ws)i_w;
  }
  switch ( nop_u->kin_c ) {
    case 'c': {
      if ( new_ws < 0 ) {
        c3_assert(*ent_w < _t_max_ent);
        new_ws = (c3_ws)(*ent_w)++;
        snprintf(ent_u[new_ws].pat_c, 512, "%s", nop_u->new_c);
      }
      ent_u[new_ws].obj_w = nop_u->obj_w;
    } break;

    case 'r': {
      if ( old_ws < 0 ) break;
      c3_w obj_w = ent_u[old_ws].obj_w;
      if ( new_ws < 0 ) {
        snprintf(ent_u[old_ws].pat_c, 512, "%s", nop_u->new_c);
      }
      else {
        ent_u[new_ws].obj_w = obj_w;
        ent_u[old_ws] = ent_u[--(*ent_w)];
      }
    } break;

    case 'u': {
      if ( old_ws >= 0 ) ent_u[old_ws] = ent_u[--(*ent_w)];
    } break;
  }
}

/* _t_ns_pend(): note a name change. */
static void
_t_ns_pend(c3_c kin_c, const c3_c* old_c, const c3_c* new_c, c3_w obj_w)
{
  _t_disk* dis_u = _t_dis_u;
  c3_assert(dis_u->nop_w < _t_max_nop);
  _t_nop* nop_u = &dis_u->nop_u[dis_u->nop_w++];
  nop_u->kin_c = kin_c;
  snprintf(nop_u->old_c, 512, "%s", old_c ? old_c : "");
  snprintf(nop_u->new_c, 512, "%s", new_c ? new_c : "");
  _t_dirname(nop_u->dir_c, new_c ? new_c : old_c);
  nop_u->obj_w = obj_w;
}

/* _t_ns_sync(): the name changes in directory dir_c become durable. */
static void
_t_ns_sync(const c3_c* dir_c)
{
  _t_disk* dis_u = _t_dis_u;
  c3_w     kep_w = 0;
  for ( c3_w i_w = 0; i_w < dis_u->nop_w; i_w++ ) {
    if ( !strcmp(dis_u->nop_u[i_w].dir_c, dir_c) ) {
      _t_ns_apply(dis_u->ent_u, &dis_u->ent_w, &dis_u->nop_u[i_w]);
    }
    else {
      dis_u->nop_u[kep_w++] = dis_u->nop_u[i_w];
    }
  }
  dis_u->nop_w = kep_w;
}

/* _t_disk_scan_one(): nftw callback: take a file or directory as durable. */
static c3_i
_t_disk_scan_one(const c3_c* pat_c, const struct stat* sat_u, c3_i typ_i,
                 struct FTW* ftw_u)
{
  _t_disk* dis_u = _t_dis_u;
  c3_z     roo_z = strlen(dis_u->roo_c);
  (void)ftw_u;

  if ( FTW_D == typ_i ) {
    c3_assert(dis_u->dir_w < _t_max_dir);
    snprintf(dis_u->dir_c[dis_u->dir_w++], 512, "%s", pat_c + roo_z);
  }
  else if ( FTW_F == typ_i ) {
    c3_y* dat_y = malloc((c3_z)sat_u->st_size + 1);
    c3_i  fid_i = open(pat_c, O_RDONLY);
    c3_t  ok_t  = fid_i >= 0
                  && sat_u->st_size
                     == pread(fid_i, dat_y, (c3_z)sat_u->st_size, 0);
    T_OK(ok_t, "read %s", pat_c);
    if ( fid_i >= 0 ) close(fid_i);
    c3_assert(dis_u->ent_w < _t_max_ent);
    _t_ent* ent_u = &dis_u->ent_u[dis_u->ent_w++];
    snprintf(ent_u->pat_c, sizeof(ent_u->pat_c), "%s", pat_c);
    ent_u->obj_w = _t_obj_new((c3_d)sat_u->st_ino, dat_y,
                              ok_t ? (c3_d)sat_u->st_size : 0);
    free(dat_y);
  }
  return 0;
}

/* _t_disk_new(): a model of pier roo_c's files as they are now, all
**   durable.
*/
static _t_disk*
_t_disk_new(const c3_c* roo_c)
{
  _t_dis_u = calloc(1, sizeof(_t_disk));
  snprintf(_t_dis_u->roo_c, sizeof(_t_dis_u->roo_c), "%s", roo_c);
  nftw(roo_c, _t_disk_scan_one, 16, FTW_PHYS);
  return _t_dis_u;
}

/* _t_disk_free(): release the model. */
static void
_t_disk_free(_t_disk* dis_u)
{
  for ( c3_w i_w = 0; i_w < dis_u->obj_w; i_w++ ) {
    free(dis_u->obj_u[i_w].dat_y);
    free(dis_u->obj_u[i_w].pen_u);
  }
  free(dis_u);
  _t_dis_u = 0;
}

/* _t_disk_step(): apply the traced call rec_u (names nam_c, data dat_y). */
static void
_t_disk_step(const _t_rec* rec_u, const c3_c* nam_c, const c3_y* dat_y)
{
  c3_ws obj_ws = -1;

  if ( strchr("wts", rec_u->kin_c) ) {
    if ( 0 > (obj_ws = _t_obj_find(rec_u->ino_d)) ) {
      _t_dis_u->unk_w++;
      return;
    }
  }
  switch ( rec_u->kin_c ) {
    case 'c': {
      c3_w obj_w = _t_obj_new(rec_u->ino_d, 0, 0);
      _t_ns_pend('c', 0, nam_c, obj_w);
    } break;
    case 'w': {
      _t_obj_pend((c3_w)obj_ws, 'w', rec_u->off_d, rec_u->len_d, dat_y);
    } break;
    case 't': {
      _t_obj_pend((c3_w)obj_ws, 't', rec_u->off_d, 0, 0);
    } break;
    case 's': {
      _t_obj_sync(&_t_dis_u->obj_u[obj_ws]);
    } break;
    case 'S': {
      _t_ns_sync(nam_c);
    } break;
    case 'r': {
      _t_ns_pend('r', nam_c, nam_c + strlen(nam_c) + 1, 0);
    } break;
    case 'u': {
      _t_ns_pend('u', nam_c, 0, 0);
    } break;
  }
}

/* _t_rand(): xorshift64. */
static c3_d
_t_rand(c3_d* sed_d)
{
  *sed_d ^= *sed_d << 13;
  *sed_d ^= *sed_d >> 7;
  *sed_d ^= *sed_d << 17;
  return *sed_d;
}

#define _t_blk 4096ULL

/* _t_hash(): extend FNV-1a hash has_d over len_d bytes. */
static c3_d
_t_hash(c3_d has_d, const void* dat_v, c3_d len_d)
{
  const c3_y* dat_y = dat_v;
  for ( c3_d i_d = 0; i_d < len_d; i_d++ ) {
    has_d = (has_d ^ dat_y[i_d]) * 1099511628211ULL;
  }
  return has_d;
}

/* _t_disk_lose(): write into directory out_c (a copy of the pier's tree)
**   what a power loss now would leave: how_c 'n' only what is durable,
**   'a' everything, 'm' every name change but only durable contents (the
**   metadata journaled, the data lost), 'r' a random part of the rest
**   (seed sed_d).  Returns
**   a hash of the files written (names and contents, in name order).
*/
static c3_d
_t_disk_lose(const c3_c* out_c, c3_c how_c, c3_d sed_d)
{
  c3_d has_d = 14695981039346656037ULL;
  _t_disk* dis_u = _t_dis_u;
  _t_ent   ent_u[_t_max_ent];
  c3_w     ent_w = dis_u->ent_w;
  c3_z     roo_z = strlen(dis_u->roo_c);

  sed_d = sed_d * 2654435761ULL + 1;
  h_rm(out_c);
  for ( c3_w i_w = 0; i_w < dis_u->dir_w; i_w++ ) {
    c3_c pat_c[1024];
    snprintf(pat_c, sizeof(pat_c), "%s%s", out_c, dis_u->dir_c[i_w]);
    mkdir(pat_c, 0755);
  }

  //  names: per directory, a prefix of the changes since its last sync
  memcpy(ent_u, dis_u->ent_u, sizeof(_t_ent) * ent_w);
  {
    c3_c dir_c[_t_max_dir][512];
    c3_w kep_w[_t_max_dir], dir_w = 0;
    for ( c3_w i_w = 0; i_w < dis_u->nop_w; i_w++ ) {
      const _t_nop* nop_u = &dis_u->nop_u[i_w];
      c3_w d_w = 0;
      while ( d_w < dir_w && strcmp(dir_c[d_w], nop_u->dir_c) ) d_w++;
      if ( d_w == dir_w ) {
        c3_w num_w = 0;
        for ( c3_w j_w = i_w; j_w < dis_u->nop_w; j_w++ ) {
          num_w += !strcmp(dis_u->nop_u[j_w].dir_c, nop_u->dir_c);
        }
        c3_assert(dir_w < _t_max_dir);
        snprintf(dir_c[dir_w], 512, "%s", nop_u->dir_c);
        kep_w[dir_w++] = ( 'n' == how_c ) ? 0
                       : ( 'a' == how_c || 'm' == how_c ) ? num_w
                       : (c3_w)(_t_rand(&sed_d) % (num_w + 1));
      }
      if ( kep_w[d_w] ) {
        kep_w[d_w]--;
        _t_ns_apply(ent_u, &ent_w, nop_u);
      }
    }
  }

  //  contents: the durable part, and some of the rest
  for ( c3_w i_w = 0; i_w < ent_w; i_w++ ) {
    const _t_obj* obj_u = &dis_u->obj_u[ent_u[i_w].obj_w];
    c3_d  len_d = obj_u->len_d;
    c3_y* dat_y = malloc(len_d + 1);
    c3_c  pat_c[1024];

    memcpy(dat_y, obj_u->dat_y, len_d);
    for ( c3_w j_w = 0;
          j_w < obj_u->pen_w && 'n' != how_c && 'm' != how_c;
          j_w++ )
    {
      const _t_pend* pen_u = &obj_u->pen_u[j_w];
      if ( 'a' == how_c ) {
        _t_apply(&dat_y, &len_d, pen_u, pen_u->off_d,
                 pen_u->off_d + pen_u->len_d);
      }
      else if ( 't' == pen_u->kin_c ) {
        if ( _t_rand(&sed_d) & 1 ) {
          _t_apply(&dat_y, &len_d, pen_u, 0, 0);
        }
      }
      else {
        c3_d end_d = pen_u->off_d + pen_u->len_d;
        for ( c3_d lo_d = pen_u->off_d; lo_d < end_d; ) {
          c3_d hi_d = c3_min(end_d, (lo_d / _t_blk + 1) * _t_blk);
          if ( _t_rand(&sed_d) & 1 ) {
            _t_apply(&dat_y, &len_d, pen_u, lo_d, hi_d);
          }
          lo_d = hi_d;
        }
      }
    }
    snprintf(pat_c, sizeof(pat_c), "%s%s", out_c, ent_u[i_w].pat_c + roo_z);
    {
      //  order-independent: sum each file's own hash
      c3_d one_d = _t_hash(14695981039346656037ULL, ent_u[i_w].pat_c,
                           strlen(ent_u[i_w].pat_c) + 1);
      has_d += _t_hash(one_d, dat_y, len_d);
    }
    c3_i fid_i = open(pat_c, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if ( T_OK(fid_i >= 0, "create %s: %s", pat_c, strerror(errno)) ) {
      _t_put_all(fid_i, dat_y, (c3_z)len_d);
      close(fid_i);
    }
    free(dat_y);
  }
  return has_d;
}

/* _t_trace: a recorded trace, read whole. */
typedef struct {
  c3_y*  buf_y;
  c3_z   len_z;
  c3_z*  off_z;      //  each record's offset
  c3_w   num_w;
} _t_trace;

/* _t_trace_load(): read trace file pat_c; 0 or -1. */
static c3_i
_t_trace_load(const c3_c* pat_c, _t_trace* tra_u)
{
  struct stat buf_u;
  c3_i fid_i = open(pat_c, O_RDONLY);
  memset(tra_u, 0, sizeof(*tra_u));
  if ( fid_i < 0 || fstat(fid_i, &buf_u) ) {
    return -1;
  }
  tra_u->len_z = (c3_z)buf_u.st_size;
  tra_u->buf_y = malloc(tra_u->len_z + 1);
  if ( (ssize_t)tra_u->len_z != read(fid_i, tra_u->buf_y, tra_u->len_z) ) {
    close(fid_i);
    return -1;
  }
  close(fid_i);
  for ( c3_z pos_z = 0; pos_z + sizeof(_t_rec) <= tra_u->len_z; ) {
    _t_rec rec_u;
    memcpy(&rec_u, tra_u->buf_y + pos_z, sizeof(rec_u));
    if ( 0 == (tra_u->num_w & 255) ) {
      tra_u->off_z = realloc(tra_u->off_z, (tra_u->num_w + 256) * sizeof(c3_z));
    }
    tra_u->off_z[tra_u->num_w++] = pos_z;
    pos_z += sizeof(rec_u) + rec_u.nam_w + (c3_z)rec_u.len_d;
  }
  return 0;
}

/* _t_trace_get(): record i_w, its names and its data. */
static void
_t_trace_get(const _t_trace* tra_u, c3_w i_w, _t_rec* rec_u,
             const c3_c** nam_c, const c3_y** dat_y)
{
  const c3_y* pos_y = tra_u->buf_y + tra_u->off_z[i_w];
  memcpy(rec_u, pos_y, sizeof(*rec_u));
  *nam_c = (const c3_c*)(pos_y + sizeof(*rec_u));
  *dat_y = pos_y + sizeof(*rec_u) + rec_u->nam_w;
}

/* _t_trace_say(): a short description of record i_w into say_c. */
static void
_t_trace_say(const _t_trace* tra_u, c3_w i_w, c3_c* say_c, c3_z say_z)
{
  _t_rec rec_u;
  const c3_c* nam_c;
  const c3_y* dat_y;
  if ( i_w >= tra_u->num_w ) {
    snprintf(say_c, say_z, "the end");
    return;
  }
  _t_trace_get(tra_u, i_w, &rec_u, &nam_c, &dat_y);
  if ( rec_u.nam_w ) {
    const c3_c* bas_c = strrchr(nam_c, '/');
    snprintf(say_c, say_z, "%c %s", rec_u.kin_c, bas_c ? bas_c + 1 : nam_c);
  }
  else {
    c3_ws obj_ws = -1;
    const c3_c* bas_c = "?";
    if ( _t_dis_u && 0 <= (obj_ws = _t_obj_find(rec_u.ino_d)) ) {
      for ( c3_w j_w = 0; j_w < _t_dis_u->ent_w; j_w++ ) {
        if ( _t_dis_u->ent_u[j_w].obj_w == (c3_w)obj_ws ) {
          bas_c = strrchr(_t_dis_u->ent_u[j_w].pat_c, '/') + 1;
        }
      }
    }
    snprintf(say_c, say_z, "%c inode %llu (%s)", rec_u.kin_c,
             (unsigned long long)rec_u.ino_d, bas_c);
  }
}

  /** Cut points: replay a trace against the model, and at each cut build
  *** the files a power loss would leave and judge a start from them.
  **/
/* _t_judge_f: start from pier dir_c (a power loss after call cut_w of
**   the trace, variant how_c); 1 if the outcome is acceptable.
*/
typedef c3_t (*_t_judge_f)(const c3_c* dir_c, c3_w cut_w, c3_c how_c,
                           void* ctx_v);

/* _t_key_f: what else than the files a verdict at cut cut_w depends on
**   (two cuts that leave the same files and key get the same verdict).
*/
typedef c3_d (*_t_key_f)(c3_w cut_w, void* ctx_v);

/* _t_cuts(): replay the trace against model dis_u (the files before the
**   recorded run; freed here) and judge every cut point, each with the
**   variants (only synced data, every write, every name change with only
**   synced data, two random choices);
**   returns the cuts that failed (listed in bad_c).
*/
static c3_w
_t_cuts(_t_disk* dis_u, const _t_trace* tra_u, const c3_c* out_c,
        _t_judge_f jud_f, _t_key_f key_f, void* ctx_v, c3_c* bad_c,
        c3_z bad_z)
{
  static const c3_c how_c[5] = { 'n', 'a', 'm', 'r', 'r' };
  c3_w bad_w = 0, see_w = 0, jud_w = 0;
  c3_z pos_z = 0;
  c3_d see_d[1024];                  //  outcomes judged already

  bad_c[0] = 0;
  _t_dis_u = dis_u;
  for ( c3_w cut_w = 0; cut_w <= tra_u->num_w; cut_w++ ) {
    if ( cut_w ) {
      _t_rec rec_u;
      const c3_c* nam_c;
      const c3_y* dat_y;
      _t_trace_get(tra_u, cut_w - 1, &rec_u, &nam_c, &dat_y);
      _t_disk_step(&rec_u, nam_c, dat_y);
    }
    c3_t bad_t = 0;
    for ( c3_w v_w = 0; v_w < 5; v_w++ ) {
      c3_d has_d = _t_disk_lose(out_c, how_c[v_w], cut_w * 5 + v_w)
                   ^ (key_f(cut_w, ctx_v) * 0x9e3779b97f4a7c15ULL);
      c3_w i_w = 0;
      while ( i_w < see_w && see_d[i_w] != has_d ) i_w++;
      if ( i_w < see_w ) {
        continue;                    //  the same files: the same verdict
      }
      if ( see_w < 1024 ) {
        see_d[see_w++] = has_d;
      }
      jud_w++;
      if ( !jud_f(out_c, cut_w, how_c[v_w], ctx_v) ) {
        c3_c say_c[128];
        _t_trace_say(tra_u, cut_w, say_c, sizeof(say_c));
        fprintf(stderr, "powerloss: cut after call %u (next: %s), %s: "
                        "unacceptable start (see above)\n", cut_w, say_c,
                ( 'n' == how_c[v_w] ) ? "only synced data"
                : ( 'a' == how_c[v_w] ) ? "every write kept"
                : ( 'm' == how_c[v_w] ) ? "every name change kept, only "
                                          "synced data"
                : "random writes kept");
        bad_t = 1;
      }
    }
    if ( bad_t ) {
      if ( pos_z + 16 < bad_z ) {
        pos_z += (c3_z)snprintf(bad_c + pos_z, bad_z - pos_z, "%s%u",
                                bad_w ? " " : "", cut_w);
      }
      bad_w++;
    }
  }
  T_OK(0 == _t_dis_u->unk_w, "the model knew every file written (%u "
       "calls on unknown files)", _t_dis_u->unk_w);
  printf("  %u distinct outcomes judged\n", jud_w);
  _t_disk_free(_t_dis_u);
  h_rm(out_c);
  return bad_w;
}

  /** A save of B over A.
  **/
#define _t_sav_bits 25

/* _t_atom(): atom i_w of list seed sed_w: 300 words. */
static u3_atom
_t_atom(c3_w sed_w, c3_w i_w)
{
  c3_w wor_w[300];
  for ( c3_w j_w = 0; j_w < 300; j_w++ ) {
    wor_w[j_w] = (sed_w * 2654435761U) ^ (i_w * 40503U) ^ (j_w * 69069U) ^ 1;
  }
  return u3i_words(300, wor_w);
}

/* _t_list(): a list of num_w atoms of seed sed_w. */
static u3_noun
_t_list(c3_w sed_w, c3_w num_w)
{
  u3_noun lis = u3_nul;
  for ( c3_w i_w = num_w; i_w > 0; i_w-- ) {
    lis = u3nc(_t_atom(sed_w, i_w - 1), lis);
  }
  return lis;
}

/* _t_sav_ctx: what the save scenario's verdicts compare with. */
typedef struct {
  c3_d fol_d[2];     //  the digests of A and B
  c3_w nor_w;        //  from this cut on, only B: north.bin's first write
  c3_w ok_w;         //  cuts that found A, B (shared with children)
  c3_y* sat_y;       //  a child's finding, shared
} _t_sav_ctx;

/* _t_sav_boot(): boot pier dir_c in this process; 0 or -1. */
static c3_i
_t_sav_boot(const c3_c* dir_c)
{
  c3_i bot_i = u3m_boot(dir_c, _t_sav_bits);
  return ( u3m_boot_resumed == bot_i || u3m_boot_new == bot_i ) ? 0 : -1;
}

/* _t_sav_judge(): the start finds A or B whole; only B once north.bin
**   was written.
*/
static c3_t
_t_sav_judge(const c3_c* dir_c, c3_w cut_w, c3_c how_c, void* ctx_v)
{
  _t_sav_ctx* ctx_u = ctx_v;
  pid_t pid_i;

  ctx_u->sat_y[0] = 'e';
  if ( 0 == (pid_i = _t_fork()) ) {
    _t_nosync_arm();
    if ( 0 == _t_sav_boot(dir_c) ) {
      c3_d fol_d = u3_kern_fold(0, u3H->roo);
      ctx_u->sat_y[0] = ( 1 == u3H->eve_d && fol_d == ctx_u->fol_d[0] ) ? 'a'
                      : ( 2 == u3H->eve_d && fol_d == ctx_u->fol_d[1] ) ? 'b'
                      : 'x';
      t_leak(u3H->roo);
      u3m_stop();
    }
    _t_child_end(0);
  }
  c3_i sat_i = _t_wait(pid_i);
  c3_y fin_y = ctx_u->sat_y[0];
  c3_t ok_t = ( 0 == sat_i )
              && ( 'b' == fin_y || ('a' == fin_y && cut_w < ctx_u->nor_w) );
  if ( !ok_t ) {
    fprintf(stderr, "powerloss: save, cut %u (%c): start found %s\n", cut_w,
            how_c, ( 0 != sat_i ) ? "a crash"
                   : ( 'a' == fin_y ) ? "A after north.bin was written"
                   : ( 'x' == fin_y ) ? "neither A nor B (a mix)"
                   : "no image it could use");
  }
  return ok_t;
}

/* _t_sav_key(): the save's verdict depends on whether north.bin was
**   written.
*/
static c3_d
_t_sav_key(c3_w cut_w, void* ctx_v)
{
  return cut_w >= ((_t_sav_ctx*)ctx_v)->nor_w;
}

/* _t_save_loss(): power loss at every call of a save of B over A. */
static void
_t_save_loss(void)
{
  c3_c dir_c[512], out_c[512], tra_c[512], bad_c[512];
  _t_sav_ctx ctx_u;
  _t_trace   tra_u;
  pid_t      pid_i;

  memset(&ctx_u, 0, sizeof(ctx_u));
  ctx_u.sat_y = mmap(0, 4096, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  c3_d* fol_d = (c3_d*)(void*)(ctx_u.sat_y + 64);
  snprintf(dir_c, sizeof(dir_c), "%s/save", _t_base_c);
  snprintf(out_c, sizeof(out_c), "%s/save-cut", _t_base_c);
  snprintf(tra_c, sizeof(tra_c), "%s/save.trace", _t_base_c);
  h_rm(dir_c);

  //  A: a new pier, saved
  if ( 0 == (pid_i = _t_fork()) ) {
    _t_nosync_arm();
    c3_t ok_t = 0 == _t_sav_boot(dir_c);
    if ( ok_t ) {
      u3H->roo   = _t_list(5, 200);
      u3H->eve_d = 1;
      fol_d[0]   = u3_kern_fold(0, u3H->roo);
      ok_t       = ( 0 == u3m_save() );
      u3m_stop();
    }
    _t_child_end(ok_t ? 0 : 1);
  }
  if ( !T_OK(0 == _t_wait(pid_i), "save A") ) return;

  //  the model: the files as A's save left them, all durable
  _t_disk* dis_u = _t_disk_new(dir_c);
  c3_d     nor_d = 0;
  for ( c3_w i_w = 0; i_w < dis_u->ent_w; i_w++ ) {
    if ( strstr(dis_u->ent_u[i_w].pat_c, "/north.bin") ) {
      nor_d = dis_u->obj_u[dis_u->ent_u[i_w].obj_w].ino_d;
    }
  }

  //  B over A: the first 50 atoms dropped, 60 new ones consed on.
  //  Recorded from the start, which makes the (empty) patch files a save
  //  then writes without creating a name.
  if ( 0 == (pid_i = _t_fork()) ) {
    _t_rec_arm(tra_c);
    c3_t ok_t = 0 == _t_sav_boot(dir_c);
    if ( ok_t ) {
      u3_noun lis = u3H->roo;
      for ( c3_w i_w = 0; i_w < 50; i_w++ ) lis = u3t(lis);
      lis = u3k(lis);
      u3z(u3H->roo);
      u3H->roo   = u3nc(_t_list(6, 60), lis);
      u3H->eve_d = 2;
      fol_d[1]   = u3_kern_fold(0, u3H->roo);
      ok_t = ( 0 == u3m_save() && 0 == u3e_save_wait() );
      c3_io_set(0);
      u3m_stop();
    }
    _t_child_end(ok_t ? 0 : 1);
  }
  if ( !T_OK(0 == _t_wait(pid_i), "save B, recorded") ) return;
  ctx_u.fol_d[0] = fol_d[0];
  ctx_u.fol_d[1] = fol_d[1];
  T_OK(fol_d[0] != fol_d[1], "A and B differ");

  //  the call that first writes north.bin
  if ( !T_OK(0 == _t_trace_load(tra_c, &tra_u), "read the trace") ) return;
  ctx_u.nor_w = tra_u.num_w + 1;
  for ( c3_w i_w = 0; i_w < tra_u.num_w; i_w++ ) {
    _t_rec rec_u;
    const c3_c* nam_c;
    const c3_y* dat_y;
    _t_trace_get(&tra_u, i_w, &rec_u, &nam_c, &dat_y);
    if ( 'w' == rec_u.kin_c && nor_d == rec_u.ino_d ) {
      ctx_u.nor_w = i_w + 1;
      break;
    }
  }
  T_OK(ctx_u.nor_w <= tra_u.num_w, "the save writes north.bin");
  c3_w bad_w = _t_cuts(dis_u, &tra_u, out_c, _t_sav_judge, _t_sav_key,
                       &ctx_u, bad_c, sizeof(bad_c));
  printf("save of B over A: %u calls, %u cut points x 5 variants; "
         "north.bin first written at call %u\n",
         tra_u.num_w, tra_u.num_w + 1, ctx_u.nor_w);
  T_OK(0 == bad_w, "power loss during a save: %u cut points unacceptable: %s",
       bad_w, bad_c);
  free(tra_u.buf_y);
  free(tra_u.off_z);
  munmap(ctx_u.sat_y, 4096);
  h_rm(dir_c);
  unlink(tra_c);
}

  /** A run of the runtime's loop.
  **/
#define _t_pir_bits  24     //  a 16 MiB loom
#define _t_pir_pre   2      //  events before recording
#define _t_pir_new   6      //  events recorded
#define _t_pir_snap  2      //  a snapshot every this many events

/* _t_pir_ctx: what the loop scenario's verdicts compare with. */
typedef struct {
  c3_d* ref_d;       //  shared: the digest of the state after event i
  c3_d* res_d;       //  shared: a child's findings
  c3_d  min_d;       //  the last event the log had made durable
} _t_pir_ctx;

/* _t_pir_opts(): options for a run of eve_d events on pier dir_c. */
static void
_t_pir_opts(u3_pier_opts* opt_u, const c3_c* dir_c, c3_d eve_d)
{
  u3_pier_opts_init(opt_u);
  opt_u->dir_c       = dir_c;
  opt_u->events_d    = eve_d;
  opt_u->wok_i       = u3_kern_kv;
  opt_u->seed_d      = 7;
  opt_u->size_w      = 1;
  opt_u->snap_d      = _t_pir_snap;
  opt_u->bits_w      = _t_pir_bits;
  opt_u->json_o      = c3n;
  opt_u->quiet_o     = c3y;
  opt_u->demand_o    = c3y;
  opt_u->swap_pier_o = c3n;
}

/* _t_pir_state(): boot dir_c; its event into *eve_d, the state's digest
**   into *fol_d.  0 or -1.
*/
static c3_i
_t_pir_state(const c3_c* dir_c, c3_d* eve_d, c3_d* fol_d)
{
  if ( u3m_boot_resumed != u3m_boot(dir_c, _t_pir_bits) ) {
    return -1;
  }
  *eve_d = u3H->eve_d;
  *fol_d = u3_kern_fold(0, u3H->roo);
  u3m_stop();
  return 0;
}

/* _t_pir_run(): in a child, run eve_d events on dir_c (syncs off unless
**   tra_c names a trace to record); 0 if the run and a boot after it
**   succeeded, with the state's event and digest in res_d[0, 1].
*/
static c3_i
_t_pir_run(const c3_c* dir_c, c3_d eve_d, const c3_c* tra_c, c3_d* res_d)
{
  pid_t pid_i = _t_fork();
  if ( 0 == pid_i ) {
    u3_pier_opts opt_u;
    _t_pir_opts(&opt_u, dir_c, eve_d);
    if ( tra_c ) {
      _t_rec_arm(tra_c);
    }
    else {
      _t_nosync_arm();
    }
    c3_i ret_i = u3_pier_run(&opt_u);
    c3_io_set(0);
    _t_nosync_arm();
    if ( ret_i || _t_pir_state(dir_c, &res_d[0], &res_d[1]) ) {
      _t_child_end(1);
    }
    _t_child_end(0);
  }
  return _t_wait(pid_i);
}

/* _t_log_durable(): the last event whose record is whole in the durable
**   contents of the model's events.log; 0 if none.
*/
static c3_d
_t_log_durable(const _t_disk* dis_u)
{
  for ( c3_w i_w = 0; i_w < dis_u->ent_w; i_w++ ) {
    const c3_c* pat_c = dis_u->ent_u[i_w].pat_c;
    c3_z        pat_z = strlen(pat_c);
    if ( pat_z < 11 || strcmp(pat_c + pat_z - 11, "/events.log") ) {
      continue;
    }
    const _t_obj* obj_u = &dis_u->obj_u[dis_u->ent_u[i_w].obj_w];
    c3_d las_d = 0, off_d = 32;
    while ( off_d + 24 <= obj_u->len_d ) {
      c3_d len_d, eve_d;
      memcpy(&len_d, obj_u->dat_y + off_d, 8);
      memcpy(&eve_d, obj_u->dat_y + off_d + 8, 8);
      if ( len_d > obj_u->len_d - off_d - 24 ) break;
      las_d = eve_d;
      off_d += 24 + len_d;
    }
    return las_d;
  }
  return 0;
}

/* _t_pir_judge(): the image holds no event the log lacks; the start
**   succeeds with the reference state of an event no earlier than the
**   last one the log had made durable.
*/
static c3_t
_t_pir_judge(const c3_c* dir_c, c3_w cut_w, c3_c how_c, void* ctx_v)
{
  _t_pir_ctx* ctx_u = ctx_v;
  c3_d*       res_d = ctx_u->res_d;
  c3_d        min_d = _t_log_durable(_t_dis_u);
  pid_t       pid_i;

  memset(res_d, 0, 8 * sizeof(c3_d));
  if ( 0 == (pid_i = _t_fork()) ) {
    u3_pier_opts opt_u;
    u3_log*      log_u;

    _t_nosync_arm();
    //  before the start: the log's last event and the image's
    if ( !(log_u = u3_log_open(dir_c)) ) {
      _t_child_end(2);
    }
    res_d[0] = u3_log_last(log_u);
    u3_log_close(log_u);
    c3_i bot_i = u3m_boot(dir_c, _t_pir_bits);
    if ( u3m_boot_resumed == bot_i ) {
      res_d[1] = u3H->eve_d;
      u3m_stop();
    }
    else if ( u3m_boot_damaged != bot_i ) {
      _t_child_end(3);
    }
    res_d[4] = 1;
    //  the start, and the state it reaches
    _t_pir_opts(&opt_u, dir_c, 0);
    if ( u3_pier_run(&opt_u) ) {
      _t_child_end(4);
    }
    if ( _t_pir_state(dir_c, &res_d[2], &res_d[3]) ) {
      _t_child_end(5);
    }
    _t_child_end(0);
  }
  c3_i sat_i = _t_wait(pid_i);
  c3_d las_d = res_d[0], img_d = res_d[1], eve_d = res_d[2];
  c3_t ok_t  = 0;

  if ( res_d[4] && img_d > las_d ) {
    fprintf(stderr, "powerloss: loop, cut %u (%c): the image is at event "
                    "%llu but the log ends at %llu\n", cut_w, how_c,
            (unsigned long long)img_d, (unsigned long long)las_d);
  }
  else if ( sat_i ) {
    fprintf(stderr, "powerloss: loop, cut %u (%c): %s\n", cut_w, how_c,
            ( 2 == sat_i ) ? "the log does not open"
            : ( 3 == sat_i ) ? "the image does not boot"
            : ( 4 == sat_i ) ? "the start refuses (see above)"
            : ( 5 == sat_i ) ? "the state does not boot after the start"
            : "the start crashed");
  }
  else if ( eve_d < min_d || eve_d > _t_pir_pre + _t_pir_new ) {
    fprintf(stderr, "powerloss: loop, cut %u (%c): the start reached event "
                    "%llu; the log had made %llu durable\n", cut_w, how_c,
            (unsigned long long)eve_d, (unsigned long long)min_d);
  }
  else if ( res_d[3] != ctx_u->ref_d[eve_d] ) {
    fprintf(stderr, "powerloss: loop, cut %u (%c): the state at event %llu "
                    "differs from the reference\n", cut_w, how_c,
            (unsigned long long)eve_d);
  }
  else {
    ok_t = 1;
  }
  return ok_t;
}

/* _t_pir_key(): the loop's verdict depends on the log's durable events. */
static c3_d
_t_pir_key(c3_w cut_w, void* ctx_v)
{
  (void)cut_w; (void)ctx_v;
  return _t_log_durable(_t_dis_u) + 1;
}

/* _t_loop_loss(): power loss at every call of a run of the loop: events
**   logged and synced, snapshots saved.
*/
static void
_t_loop_loss(void)
{
  c3_c dir_c[512], ref_c[512], out_c[512], tra_c[512], bad_c[512];
  _t_pir_ctx ctx_u;
  _t_trace   tra_u;

  snprintf(dir_c, sizeof(dir_c), "%s/loop", _t_base_c);
  snprintf(ref_c, sizeof(ref_c), "%s/loop-ref", _t_base_c);
  snprintf(out_c, sizeof(out_c), "%s/loop-cut", _t_base_c);
  snprintf(tra_c, sizeof(tra_c), "%s/loop.trace", _t_base_c);
  h_rm(dir_c);
  h_rm(ref_c);
  ctx_u.ref_d = mmap(0, 4096, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ctx_u.res_d = ctx_u.ref_d + 256;

  //  the reference: the state after each event, one event a run
  for ( c3_d eve_d = 1; eve_d <= _t_pir_pre + _t_pir_new; eve_d++ ) {
    if ( !T_OK(0 == _t_pir_run(ref_c, 1, 0, ctx_u.res_d)
               && eve_d == ctx_u.res_d[0], "reference run to event %llu",
               (unsigned long long)eve_d) )
    {
      return;
    }
    ctx_u.ref_d[eve_d] = ctx_u.res_d[1];
  }
  h_rm(ref_c);

  //  the pier before the recorded run, then the run
  if ( !T_OK(0 == _t_pir_run(dir_c, _t_pir_pre, 0, ctx_u.res_d),
             "first run") )
  {
    return;
  }
  _t_disk* dis_u = _t_disk_new(dir_c);
  if ( !T_OK(0 == _t_pir_run(dir_c, _t_pir_new, tra_c, ctx_u.res_d)
             && _t_pir_pre + _t_pir_new == ctx_u.res_d[0]
             && ctx_u.ref_d[_t_pir_pre + _t_pir_new] == ctx_u.res_d[1],
             "recorded run reaches the reference state") )
  {
    return;
  }
  if ( !T_OK(0 == _t_trace_load(tra_c, &tra_u), "read the trace") ) return;

  c3_w bad_w = _t_cuts(dis_u, &tra_u, out_c, _t_pir_judge, _t_pir_key,
                       &ctx_u, bad_c, sizeof(bad_c));
  printf("loop, events %u to %u, a snapshot every %u: %u calls, %u cut "
         "points x 5 variants\n", _t_pir_pre + 1, _t_pir_pre + _t_pir_new,
         _t_pir_snap, tra_u.num_w, tra_u.num_w + 1);
  T_OK(0 == bad_w, "power loss during the loop: %u cut points unacceptable: "
       "%s", bad_w, bad_c);
  free(tra_u.buf_y);
  free(tra_u.off_z);
  munmap(ctx_u.ref_d, 4096);
  h_rm(dir_c);
  unlink(tra_c);
}

int
main(void)
{
  const c3_c* tmp_c = getenv("TEST_TMPDIR");

  setvbuf(stdout, 0, _IOLBF, 0);
  if ( tmp_c && *tmp_c ) {
    snprintf(_t_base_c, sizeof(_t_base_c), "%s/powerloss", tmp_c);
    h_rm(_t_base_c);
    if ( mkdir(_t_base_c, 0755) ) {
      return t_skip("cannot make a scratch directory");
    }
  }
  else {
    snprintf(_t_base_c, sizeof(_t_base_c), "/tmp/powerloss_tests.XXXXXX");
    if ( !mkdtemp(_t_base_c) ) {
      return t_skip("cannot make a scratch directory");
    }
  }
  if ( access("/proc/self/fd", R_OK) ) {
    return t_skip("no /proc/self/fd to name the directories synced");
  }
  _t_shared_w = mmap(0, 4096, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if ( MAP_FAILED == _t_shared_w || u3m_signals() ) {
    return t_skip("cannot set up shared counters or signals");
  }

  _t_save_loss();
  _t_loop_loss();

  t_pass_w += _t_shared_w[0];
  t_fail_w += _t_shared_w[1];
  h_rm(_t_base_c);
  return t_done();
}
