/// @file io.c
/// c3_io: whole-transfer file I/O through a replaceable table of system
/// calls (see io.h).  Invariant: every call to the system that reads,
/// writes, syncs, truncates, creates, renames or removes goes through
/// _c3_io_u, so a test's table sees each of them.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c3/io.h"

/* _c3_io_open(): open(2). */
static c3_i
_c3_io_open(const c3_c* pat_c, c3_i flg_i, c3_i mod_i)
{
  return open(pat_c, flg_i, (mode_t)mod_i);
}

/* _c3_io_pread(): pread(2). */
static ssize_t
_c3_io_pread(c3_i fid_i, void* buf_v, c3_z len_z, c3_d off_d)
{
  return pread(fid_i, buf_v, len_z, (off_t)off_d);
}

/* _c3_io_pwrite(): pwrite(2). */
static ssize_t
_c3_io_pwrite(c3_i fid_i, const void* buf_v, c3_z len_z, c3_d off_d)
{
  return pwrite(fid_i, buf_v, len_z, (off_t)off_d);
}

/* _c3_io_pwritev(): pwritev(2). */
static ssize_t
_c3_io_pwritev(c3_i fid_i, const struct iovec* iov_u, c3_i cnt_i, c3_d off_d)
{
  return pwritev(fid_i, iov_u, cnt_i, (off_t)off_d);
}

/* _c3_io_fdatasync(): fdatasync(2) where there is one, else fsync(2). */
static c3_i
_c3_io_fdatasync(c3_i fid_i)
{
#ifdef __linux__
  return fdatasync(fid_i);
#else
  return fsync(fid_i);
#endif
}

/* _c3_io_ftruncate(): ftruncate(2). */
static c3_i
_c3_io_ftruncate(c3_i fid_i, c3_d len_d)
{
  return ftruncate(fid_i, (off_t)len_d);
}

/* _c3_io_mkdir(): mkdir(2). */
static c3_i
_c3_io_mkdir(const c3_c* pat_c, c3_i mod_i)
{
  return mkdir(pat_c, (mode_t)mod_i);
}

/* _c3_io_system: the OS's table, as an initializer. */
#define _c3_io_system {                  \
  .open_f      = _c3_io_open,            \
  .close_f     = close,                  \
  .pread_f     = _c3_io_pread,           \
  .pwrite_f    = _c3_io_pwrite,          \
  .pwritev_f   = _c3_io_pwritev,         \
  .fsync_f     = fsync,                  \
  .fdatasync_f = _c3_io_fdatasync,       \
  .ftruncate_f = _c3_io_ftruncate,       \
  .rename_f    = rename,                 \
  .unlink_f    = unlink,                 \
  .mkdir_f     = _c3_io_mkdir,           \
}

static const c3_io _c3_io_os = _c3_io_system;
static c3_io       _c3_io_u  = _c3_io_system;

/* c3_io_set(): install table io_u (copied), or the OS's for 0. */
void
c3_io_set(const c3_io* io_u)
{
  _c3_io_u = io_u ? *io_u : _c3_io_os;
}

/* c3_io_get(): the table in force. */
c3_io
c3_io_get(void)
{
  return _c3_io_u;
}

/* c3_io_open(): open(2), retried on EINTR. */
c3_i
c3_io_open(const c3_c* pat_c, c3_i flg_i, c3_i mod_i)
{
  c3_i fid_i;
  do {
    fid_i = _c3_io_u.open_f(pat_c, flg_i, mod_i);
  } while ( fid_i < 0 && EINTR == errno );
  return fid_i;
}

/* c3_io_close(): close(2); EINTR counts as closed (Linux frees the
**   descriptor whatever close returns).
*/
c3_i
c3_io_close(c3_i fid_i)
{
  if ( _c3_io_u.close_f(fid_i) && EINTR != errno ) {
    return -1;
  }
  return 0;
}

/* _c3_io_all(): read (wri_t 0) or write len_z bytes at off_d, in as many
**   calls as it takes.  A read that meets the end of the file fails with
**   ENODATA, a write that makes no progress with ENOSPC.
*/
static c3_i
_c3_io_all(c3_i fid_i, c3_y* buf_y, c3_z len_z, c3_d off_d, c3_t wri_t)
{
  while ( len_z ) {
    ssize_t ret_i = wri_t ? _c3_io_u.pwrite_f(fid_i, buf_y, len_z, off_d)
                          : _c3_io_u.pread_f(fid_i, buf_y, len_z, off_d);
    if ( ret_i < 0 ) {
      if ( EINTR == errno ) continue;
      return -1;
    }
    if ( 0 == ret_i ) {
      errno = wri_t ? ENOSPC : ENODATA;
      return -1;
    }
    buf_y += ret_i;
    len_z -= (c3_z)ret_i;
    off_d += (c3_d)ret_i;
  }
  return 0;
}

/* c3_io_pread_all(): read len_z bytes at off_d. */
c3_i
c3_io_pread_all(c3_i fid_i, void* buf_v, c3_z len_z, c3_d off_d)
{
  return _c3_io_all(fid_i, buf_v, len_z, off_d, 0);
}

/* c3_io_pwrite_all(): write len_z bytes at off_d. */
c3_i
c3_io_pwrite_all(c3_i fid_i, const void* buf_v, c3_z len_z, c3_d off_d)
{
  //  the buffer is only read: pwrite_f takes it as const
  return _c3_io_all(fid_i, (c3_y*)buf_v, len_z, off_d, 1);
}

/* c3_io_pwritev_all(): write iov_u[0, cnt_i) at off_d, IOV_MAX at a time. */
c3_i
c3_io_pwritev_all(c3_i fid_i, struct iovec* iov_u, c3_i cnt_i, c3_d off_d)
{
  while ( cnt_i && 0 == iov_u->iov_len ) {
    iov_u++;
    cnt_i--;
  }
  while ( cnt_i ) {
    ssize_t ret_i = _c3_io_u.pwritev_f(fid_i, iov_u, c3_min(cnt_i, IOV_MAX),
                                       off_d);
    if ( ret_i < 0 ) {
      if ( EINTR == errno ) continue;
      return -1;
    }
    if ( 0 == ret_i ) {
      errno = ENOSPC;
      return -1;
    }
    off_d += (c3_d)ret_i;
    while ( cnt_i && (c3_z)ret_i >= iov_u->iov_len ) {
      ret_i -= (ssize_t)iov_u->iov_len;
      iov_u++;
      cnt_i--;
    }
    if ( cnt_i ) {
      iov_u->iov_base = (c3_y*)iov_u->iov_base + ret_i;
      iov_u->iov_len -= (c3_z)ret_i;
    }
  }
  return 0;
}

/* c3_io_fsync(): fsync(2), retried on EINTR. */
c3_i
c3_io_fsync(c3_i fid_i)
{
  while ( _c3_io_u.fsync_f(fid_i) ) {
    if ( EINTR != errno ) return -1;
  }
  return 0;
}

/* c3_io_fdatasync(): fdatasync(2), retried on EINTR. */
c3_i
c3_io_fdatasync(c3_i fid_i)
{
  while ( _c3_io_u.fdatasync_f(fid_i) ) {
    if ( EINTR != errno ) return -1;
  }
  return 0;
}

/* c3_io_truncate(): ftruncate(2), retried on EINTR. */
c3_i
c3_io_truncate(c3_i fid_i, c3_d len_d)
{
  while ( _c3_io_u.ftruncate_f(fid_i, len_d) ) {
    if ( EINTR != errno ) return -1;
  }
  return 0;
}

/* c3_io_rename(): rename(2). */
c3_i
c3_io_rename(const c3_c* old_c, const c3_c* new_c)
{
  return _c3_io_u.rename_f(old_c, new_c) ? -1 : 0;
}

/* c3_io_unlink(): unlink(2). */
c3_i
c3_io_unlink(const c3_c* pat_c)
{
  return _c3_io_u.unlink_f(pat_c) ? -1 : 0;
}

/* c3_io_sync_dir(): open directory pat_c, fsync it, close it. */
c3_i
c3_io_sync_dir(const c3_c* pat_c)
{
  c3_i fid_i = c3_io_open(pat_c, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  c3_i ret_i, err_i;

  if ( fid_i < 0 ) {
    return -1;
  }
  ret_i = c3_io_fsync(fid_i);
  err_i = errno;
  c3_io_close(fid_i);
  errno = err_i;
  return ret_i;
}

/* c3_io_mkdir(): make directory pat_c unless present; sync its parent. */
c3_i
c3_io_mkdir(const c3_c* pat_c, c3_i mod_i)
{
  c3_c par_c[PATH_MAX];
  c3_z len_z = strlen(pat_c);
  struct stat buf_u;

  if ( _c3_io_u.mkdir_f(pat_c, mod_i) ) {
    if ( EEXIST != errno ) {
      return -1;
    }
    if ( stat(pat_c, &buf_u) ) {
      return -1;
    }
    if ( !S_ISDIR(buf_u.st_mode) ) {
      errno = ENOTDIR;
      return -1;
    }
    return 0;
  }

  //  the parent: pat_c up to its last separator, ignoring trailing ones
  if ( len_z >= sizeof(par_c) ) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(par_c, pat_c, len_z + 1);
  while ( len_z > 1 && '/' == par_c[len_z - 1] ) {
    par_c[--len_z] = 0;
  }
  while ( len_z && '/' != par_c[len_z - 1] ) {
    len_z--;
  }
  while ( len_z > 1 && '/' == par_c[len_z - 1] ) {
    len_z--;
  }
  if ( 0 == len_z ) {
    par_c[0] = '.';
    len_z = 1;
  }
  par_c[len_z] = 0;
  return c3_io_sync_dir(par_c);
}
