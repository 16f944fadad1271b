/// @file portable.h
/// What the loom asks of the OS beyond POSIX, in one place.  Linux
/// supplies all of it; a port (macOS, say) supplies each of these or does
/// without, and this file says which:
///
///   c3_fs_reserve()      fallocate(2): reserve a file's blocks now, so a
///                        full disk is an error here, never a SIGBUS on a
///                        later write through a shared mapping (macOS:
///                        fcntl F_PREALLOCATE, which reserves at the end
///                        of the file only)
///   c3_fs_zero()         fallocate(2): zero a range of a file, keeping
///                        its blocks (FALLOC_FL_ZERO_RANGE; elsewhere it
///                        may fail, and release punches instead)
///   c3_fs_punch()        free a range of a file's blocks, keeping its
///                        size (macOS: fcntl F_PUNCHHOLE)
///   c3_fs_memory()       is a directory on a memory file system (tmpfs,
///                        ramfs), by statfs(2)'s magic numbers (macOS:
///                        statfs f_fstypename)
///   c3_mem_move()        move pages to a fixed address, replacing what
///                        is there (mremap MREMAP_FIXED; elsewhere: map
///                        afresh and copy)
///   c3_map_noreplace     mmap flag: map at the address asked for or
///                        fail, never over an existing mapping
///                        (MAP_FIXED_NOREPLACE; elsewhere: a hint, and a
///                        check of the address the kernel chose)
///   c3_madv_remove       madvise: free shared file pages and their
///                        blocks (MADV_REMOVE; elsewhere: c3_fs_punch)
///   c3_madv_free         madvise: pages the kernel may take lazily
///                        (MADV_FREE, Linux 4.5+; macOS has its own)
///   c3_mem_prefault()    map a range's pages for reading in one call,
///                        not one fault per page (MADV_POPULATE_READ,
///                        Linux 5.14+; elsewhere, or older: a no-op that
///                        fails, and the reads fault as they go)
///
/// Linux alone, with no substitute (the feature is off elsewhere): the
/// userfaultfd backend of dirty tracking and /proc/self/pagemap's
/// PAGEMAP_SCAN (pkg/noun/uffd.c, _ce_have_uffd), and the memory
/// figures the runtime reads from /proc (pkg/vere).
///
/// Every function is async-signal-safe where the call it wraps is, and
/// returns as that call does (0, or -1 with errno).
#ifndef C3_PORTABLE_H
#define C3_PORTABLE_H

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#ifdef __linux__
#  include <sys/vfs.h>
#endif

#include "c3/c3.h"

#ifdef __linux__
#  define c3_map_noreplace  MAP_FIXED_NOREPLACE
#  define c3_madv_remove    MADV_REMOVE
#  define c3_madv_free      MADV_FREE
#  define c3_tmpfs_magic    0x01021994   //  TMPFS_MAGIC, linux/magic.h
#  define c3_ramfs_magic    0x858458f6   //  RAMFS_MAGIC, linux/magic.h
#else
#  error "pkg/c3/portable.h: this OS is not supported yet (see above)"
#endif

    /* c3_fs_reserve(): reserve the blocks of [off_d, off_d + len_d) of
    **   fid_i, growing the file if they lie past its end (kep_t 0) or not
    **   (kep_t 1).
    */
    static inline c3_i
    c3_fs_reserve(c3_i fid_i, c3_d off_d, c3_d len_d, c3_t kep_t)
    {
      return fallocate(fid_i, kep_t ? FALLOC_FL_KEEP_SIZE : 0,
                       (off_t)off_d, (off_t)len_d);
    }

    /* c3_fs_punch(): free the blocks of [off_d, off_d + len_d) of fid_i,
    **   keeping its size; the range then reads as zeros.
    */
    static inline c3_i
    c3_fs_punch(c3_i fid_i, c3_d off_d, c3_d len_d)
    {
      return fallocate(fid_i, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       (off_t)off_d, (off_t)len_d);
    }

    /* c3_fs_zero(): make [off_d, off_d + len_d) of fid_i read as zeros,
    **   keeping its blocks (the extents become unwritten): its cached
    **   pages are dropped, dirty or not, without being written, and no
    **   block is freed, so a file system mounted with -o discard issues
    **   none.
    */
    static inline c3_i
    c3_fs_zero(c3_i fid_i, c3_d off_d, c3_d len_d)
    {
      return fallocate(fid_i, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
                       (off_t)off_d, (off_t)len_d);
    }

    /* c3_mem_prefault(): map the pages of [adr_v, adr_v + len_z) for
    **   reading (what a read would fault in), without taking a fault for
    **   each: private file pages stay shared with the page cache.
    */
    static inline c3_i
    c3_mem_prefault(void* adr_v, c3_z len_z)
    {
#ifndef MADV_POPULATE_READ
#  define MADV_POPULATE_READ 22    //  linux/mman.h, Linux 5.14+
#endif
      return madvise(adr_v, len_z, MADV_POPULATE_READ);
    }

    /* c3_fs_memory(): whether directory dir_c is on a memory file system:
    **   1 (*nam_c: "tmpfs" or "ramfs"), 0, or -1 with errno.
    */
    static inline c3_i
    c3_fs_memory(const c3_c* dir_c, const c3_c** nam_c)
    {
      struct statfs sfs_u;

      if ( statfs(dir_c, &sfs_u) ) {
        return -1;
      }
      if ( c3_tmpfs_magic == (c3_d)sfs_u.f_type ) {
        *nam_c = "tmpfs";
        return 1;
      }
      if ( c3_ramfs_magic == (c3_d)sfs_u.f_type ) {
        *nam_c = "ramfs";
        return 1;
      }
      return 0;
    }

    /* c3_mem_move(): move the len_z bytes of pages at old_v to new_v,
    **   replacing what was mapped there.
    */
    static inline c3_i
    c3_mem_move(void* old_v, c3_z len_z, void* new_v)
    {
      return ( MAP_FAILED == mremap(old_v, len_z, len_z,
                                    MREMAP_MAYMOVE | MREMAP_FIXED, new_v) )
             ? -1 : 0;
    }

#endif  //  C3_PORTABLE_H
