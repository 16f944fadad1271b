/// @file io_tests.c
/// The I/O layer (c3/io.h): whole transfers through short counts and
/// EINTR, its error convention (0 or -1 with errno; ENODATA for a file
/// that ends first, ENOSPC for a write that makes no progress), a mkdir
/// that syncs its parent, and the seam itself: a table installed with
/// c3_io_set sees every call, and c3_io_set(0) restores the system's.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "test.h"
#include "c3/io.h"

static c3_c  _t_base_c[256];     //  this run's scratch directory
static c3_io _t_os_u;            //  the table wrapped

static struct {
  c3_w eintr_w;      //  calls that failed with EINTR first
  c3_w calls_w;      //  calls seen
  c3_z most_z;       //  a transfer moves at most this many bytes
  c3_t none_t;       //  writes make no progress
  c3_c dir_c[512];   //  the last directory fsynced
} _t_io_u;

/* _t_flaky(): every other call fails with EINTR; 1 if this one does. */
static c3_t
_t_flaky(void)
{
  _t_io_u.calls_w++;
  if ( _t_io_u.calls_w & 1 ) {
    _t_io_u.eintr_w++;
    errno = EINTR;
    return 1;
  }
  return 0;
}

/* _t_pread(): pread(2), short and interrupted. */
static ssize_t
_t_pread(c3_i fid_i, void* buf_v, c3_z len_z, c3_d off_d)
{
  if ( _t_flaky() ) return -1;
  return _t_os_u.pread_f(fid_i, buf_v, c3_min(len_z, _t_io_u.most_z), off_d);
}

/* _t_pwrite(): pwrite(2), short and interrupted. */
static ssize_t
_t_pwrite(c3_i fid_i, const void* buf_v, c3_z len_z, c3_d off_d)
{
  if ( _t_flaky() ) return -1;
  if ( _t_io_u.none_t ) return 0;
  return _t_os_u.pwrite_f(fid_i, buf_v, c3_min(len_z, _t_io_u.most_z), off_d);
}

/* _t_pwritev(): pwritev(2) of at most most_z bytes, interrupted. */
static ssize_t
_t_pwritev(c3_i fid_i, const struct iovec* iov_u, c3_i cnt_i, c3_d off_d)
{
  struct iovec one_u[IOV_MAX];
  c3_z         lef_z = _t_io_u.most_z;
  c3_i         num_i = 0;

  if ( _t_flaky() ) return -1;
  while ( num_i < cnt_i && lef_z ) {
    one_u[num_i] = iov_u[num_i];
    one_u[num_i].iov_len = c3_min(one_u[num_i].iov_len, lef_z);
    lef_z -= one_u[num_i].iov_len;
    num_i++;
  }
  return _t_os_u.pwritev_f(fid_i, one_u, num_i, off_d);
}

/* _t_fsync(): fsync(2), interrupted, noting directories. */
static c3_i
_t_fsync(c3_i fid_i)
{
  struct stat buf_u;
  c3_c        lin_c[64];
  if ( _t_flaky() ) return -1;
  if ( 0 == fstat(fid_i, &buf_u) && S_ISDIR(buf_u.st_mode) ) {
    snprintf(lin_c, sizeof(lin_c), "/proc/self/fd/%d", fid_i);
    ssize_t len_i = readlink(lin_c, _t_io_u.dir_c, sizeof(_t_io_u.dir_c) - 1);
    _t_io_u.dir_c[( len_i > 0 ) ? len_i : 0] = 0;
  }
  return _t_os_u.fsync_f(fid_i);
}

/* _t_arm(): the flaky table, transfers of at most most_z bytes. */
static void
_t_arm(c3_z most_z)
{
  c3_io io_u;
  c3_io_set(0);
  io_u = _t_os_u = c3_io_get();
  memset(&_t_io_u, 0, sizeof(_t_io_u));
  _t_io_u.most_z = most_z;
  io_u.pread_f   = _t_pread;
  io_u.pwrite_f  = _t_pwrite;
  io_u.pwritev_f = _t_pwritev;
  io_u.fsync_f   = _t_fsync;
  c3_io_set(&io_u);
}

/* _t_transfers(): whole transfers through short counts and EINTR. */
static void
_t_transfers(void)
{
  c3_c  pat_c[512];
  c3_y  out_y[10000], inn_y[10000];
  c3_i  fid_i;

  for ( c3_w i_w = 0; i_w < sizeof(out_y); i_w++ ) {
    out_y[i_w] = (c3_y)(i_w * 7 + 3);
  }
  snprintf(pat_c, sizeof(pat_c), "%s/data", _t_base_c);
  fid_i = c3_io_open(pat_c, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if ( !T_OK(fid_i >= 0, "open %s: %s", pat_c, strerror(errno)) ) return;

  _t_arm(333);
  T_EQ(c3_io_pwrite_all(fid_i, out_y, sizeof(out_y), 100), 0);
  T_OK(_t_io_u.eintr_w > 10, "writes were interrupted (%u)", _t_io_u.eintr_w);
  memset(inn_y, 0, sizeof(inn_y));
  T_EQ(c3_io_pread_all(fid_i, inn_y, sizeof(inn_y), 100), 0);
  T_OK(!memcmp(inn_y, out_y, sizeof(out_y)), "read back what was written");

  //  vectored: more buffers than IOV_MAX, each cut short
  {
    static struct iovec iov_u[IOV_MAX + 50];
    c3_w num_w = IOV_MAX + 50;
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      iov_u[i_w].iov_base = out_y + (i_w % 100) * 3;
      iov_u[i_w].iov_len  = 3;
    }
    iov_u[7].iov_len = 0;
    T_EQ(c3_io_pwritev_all(fid_i, iov_u, (c3_i)num_w, 20000), 0);
    c3_y* got_y = malloc(num_w * 3);
    c3_z  len_z = (c3_z)(num_w - 1) * 3;
    T_EQ(c3_io_pread_all(fid_i, got_y, len_z, 20000), 0);
    c3_t  ok_t = 1;
    c3_z  pos_z = 0;
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      if ( 7 == i_w ) continue;
      ok_t &= !memcmp(got_y + pos_z, out_y + (i_w % 100) * 3, 3);
      pos_z += 3;
    }
    T_OK(ok_t, "a vectored write of %u buffers lands in order", num_w);
    free(got_y);
  }

  //  the file ends first: ENODATA
  errno = 0;
  T_EQ(c3_io_pread_all(fid_i, inn_y, sizeof(inn_y), 30000), -1);
  T_EQ(errno, ENODATA);

  //  a write that makes no progress: ENOSPC
  _t_io_u.none_t = 1;
  errno = 0;
  T_EQ(c3_io_pwrite_all(fid_i, out_y, 10, 0), -1);
  T_EQ(errno, ENOSPC);
  _t_io_u.none_t = 0;

  //  a real error comes back as it is
  c3_io_set(0);
  errno = 0;
  T_EQ(c3_io_pwrite_all(-1, out_y, 10, 0), -1);
  T_EQ(errno, EBADF);
  T_EQ(c3_io_fdatasync(-1), -1);
  T_EQ(errno, EBADF);
  T_EQ(c3_io_close(fid_i), 0);
  T_EQ(c3_io_truncate(fid_i, 0), -1);
  T_EQ(errno, EBADF);
  T_EQ(c3_io_unlink(pat_c), 0);
  T_EQ(c3_io_unlink(pat_c), -1);
  T_EQ(errno, ENOENT);
}

/* _t_mkdir(): mkdir syncs the parent it made an entry in; an existing
**   directory is fine, a file in the way is ENOTDIR.
*/
static void
_t_mkdir(void)
{
  c3_c pat_c[512], fil_c[512];

  snprintf(pat_c, sizeof(pat_c), "%s/made", _t_base_c);
  _t_arm(1 << 20);
  T_EQ(c3_io_mkdir(pat_c, 0755), 0);
  T_OK(!strcmp(_t_io_u.dir_c, _t_base_c), "mkdir synced %s (wanted %s)",
       _t_io_u.dir_c, _t_base_c);
  _t_io_u.dir_c[0] = 0;
  T_EQ(c3_io_mkdir(pat_c, 0755), 0);
  T_OK(!_t_io_u.dir_c[0], "an existing directory syncs nothing");

  snprintf(fil_c, sizeof(fil_c), "%s/file", _t_base_c);
  c3_i fid_i = c3_io_open(fil_c, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  c3_io_close(fid_i);
  errno = 0;
  T_EQ(c3_io_mkdir(fil_c, 0755), -1);
  T_EQ(errno, ENOTDIR);

  T_EQ(c3_io_sync_dir(pat_c), 0);
  T_OK(!strcmp(_t_io_u.dir_c, pat_c), "sync_dir synced %s", _t_io_u.dir_c);
  T_EQ(c3_io_sync_dir(fil_c), -1);
  T_EQ(errno, ENOTDIR);

  //  the system's table again: the wrappers see nothing
  c3_io_set(0);
  _t_io_u.calls_w = 0;
  T_EQ(c3_io_rename(fil_c, pat_c), -1);
  T_OK(0 == rmdir(pat_c), "rmdir");
  T_EQ(c3_io_rename(fil_c, pat_c), 0);
  T_EQ(c3_io_sync_dir(_t_base_c), 0);
  T_EQ(_t_io_u.calls_w, 0);
  T_EQ(c3_io_unlink(pat_c), 0);
}

int
main(void)
{
  const c3_c* tmp_c = getenv("TEST_TMPDIR");

  setvbuf(stdout, 0, _IOLBF, 0);
  snprintf(_t_base_c, sizeof(_t_base_c), "%s/io_tests.XXXXXX",
           ( tmp_c && *tmp_c ) ? tmp_c : "/tmp");
  if ( !mkdtemp(_t_base_c) ) {
    return t_skip("cannot make a scratch directory");
  }
  if ( access("/proc/self/fd", R_OK) ) {
    return t_skip("no /proc/self/fd to name the directories synced");
  }
  _t_transfers();
  _t_mkdir();
  {
    static const c3_c* nam_c[] = { "data", "file", "made" };
    c3_c pat_c[600];
    for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
      snprintf(pat_c, sizeof(pat_c), "%s/%s", _t_base_c, nam_c[i_w]);
      unlink(pat_c);
      rmdir(pat_c);
    }
    rmdir(_t_base_c);
  }
  return t_done();
}
