/// @file io.h
/// c3_io: file I/O for everything that persists (the image, the event log),
/// with one error convention and one seam that tests can wrap.
///
/// Convention.  Every function returns 0 (open: a descriptor) or -1 with
/// errno set, retrying EINTR and short transfers itself.  It never prints:
/// the caller reports "subsystem: call object: strerror(errno)".  A read
/// that meets the end of the file first fails with errno ENODATA; a write
/// that makes no progress fails with ENOSPC.
///
/// The seam.  Each function reaches the system through one table of
/// function pointers (c3_io), the OS's by default.  A test installs its
/// own table with c3_io_set(), keeping the one c3_io_get() returned to
/// forward to, and so can count, record, fail (EIO, ENOSPC) or stop the
/// process at any write, sync, truncate, rename or unlink, from outside
/// the code under test (as SQLite's test VFS wraps its OS layer).  The
/// table is process-wide and read without locks: install it before the
/// code under test runs, not while threads use it.  Calls may come from
/// more than one thread at once (two files are synced concurrently), so a
/// wrapper that keeps state locks it.  Library code never exits for a
/// test: stopping the process is the wrapper's business.
#ifndef C3_IO_H
#define C3_IO_H

#include <sys/types.h>
#include <sys/uio.h>

#include "c3/c3.h"

    /* c3_io: the system calls behind this module; each behaves as the call
    **   it is named after (one attempt: -1 with errno, or a count).
    */
    typedef struct {
      c3_i    (*open_f)(const c3_c* pat_c, c3_i flg_i, c3_i mod_i);
      c3_i    (*close_f)(c3_i fid_i);
      ssize_t (*pread_f)(c3_i fid_i, void* buf_v, c3_z len_z, c3_d off_d);
      ssize_t (*pwrite_f)(c3_i fid_i, const void* buf_v, c3_z len_z,
                          c3_d off_d);
      ssize_t (*pwritev_f)(c3_i fid_i, const struct iovec* iov_u, c3_i cnt_i,
                           c3_d off_d);
      c3_i    (*fsync_f)(c3_i fid_i);        //  data, size and metadata
      c3_i    (*fdatasync_f)(c3_i fid_i);    //  data and size
      c3_i    (*ftruncate_f)(c3_i fid_i, c3_d len_d);
      c3_i    (*rename_f)(const c3_c* old_c, const c3_c* new_c);
      c3_i    (*unlink_f)(const c3_c* pat_c);
      c3_i    (*mkdir_f)(const c3_c* pat_c, c3_i mod_i);
    } c3_io;

    /* c3_io_set(): install table io_u (copied), or the OS's for 0. */
    void
    c3_io_set(const c3_io* io_u);

    /* c3_io_get(): the table in force (a copy a wrapper forwards to). */
    c3_io
    c3_io_get(void);

    /* c3_io_open(): open(2); a descriptor, or -1. */
    c3_i
    c3_io_open(const c3_c* pat_c, c3_i flg_i, c3_i mod_i);

    /* c3_io_close(): close(2). */
    c3_i
    c3_io_close(c3_i fid_i);

    /* c3_io_pread_all(): read len_z bytes at off_d (ENODATA: the file ends
    **   first).
    */
    c3_i
    c3_io_pread_all(c3_i fid_i, void* buf_v, c3_z len_z, c3_d off_d);

    /* c3_io_pwrite_all(): write len_z bytes at off_d. */
    c3_i
    c3_io_pwrite_all(c3_i fid_i, const void* buf_v, c3_z len_z, c3_d off_d);

    /* c3_io_pwritev_all(): write iov_u[0, cnt_i) at off_d, any number of
    **   buffers; iov_u is consumed (its entries are changed).
    */
    c3_i
    c3_io_pwritev_all(c3_i fid_i, struct iovec* iov_u, c3_i cnt_i, c3_d off_d);

    /* c3_io_fsync(): make a file or directory durable, metadata included. */
    c3_i
    c3_io_fsync(c3_i fid_i);

    /* c3_io_fdatasync(): make a file's contents and size durable. */
    c3_i
    c3_io_fdatasync(c3_i fid_i);

    /* c3_io_truncate(): set a file's size to len_d. */
    c3_i
    c3_io_truncate(c3_i fid_i, c3_d len_d);

    /* c3_io_rename(): rename(2); durable once the directory is synced. */
    c3_i
    c3_io_rename(const c3_c* old_c, const c3_c* new_c);

    /* c3_io_unlink(): unlink(2); durable once the directory is synced. */
    c3_i
    c3_io_unlink(const c3_c* pat_c);

    /* c3_io_mkdir(): make directory pat_c unless one is there (not a
    **   directory: ENOTDIR), and when made, sync its parent so the new
    **   entry is durable.
    */
    c3_i
    c3_io_mkdir(const c3_c* pat_c, c3_i mod_i);

    /* c3_io_sync_dir(): fsync directory pat_c, making the entries created,
    **   renamed and removed in it durable.
    */
    c3_i
    c3_io_sync_dir(const c3_c* pat_c);

#endif  //  C3_IO_H
