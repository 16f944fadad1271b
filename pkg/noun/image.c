/// @file image.c
/// The image's files: their formats, and everything that reads or writes
/// them: load and verify sums.bin, write, load, apply and drop a patch,
/// verify north.bin against its checksums, map the image into the loom,
/// back it up.  Every function reports its own failures ("image: CALL
/// PATH: reason") and returns -1; none decides what a start does (that
/// is judge.c's verdict) or when a save happens (events.c).
///
/// Files.  A pier keeps its image in PIER/.urb/chk/:
///
///   north.bin   the image: loom pages [0, N), byte for byte, N * 16 KiB.
///   sums.bin    the image's page checksums:
///                 0  u32  magic "sums" (0x736d7573)
///                 4  u32  format version, 1
///                 8  u32  page size in bits, 14
///                12  u32  reserved, zero
///                16  N x u32  CRC-32C of each page of north.bin, in order
///   control.bin a patch's table of contents (non-empty only while a save
///               is in flight or being applied, or after a crash during
///               one; empty, or absent, when there is no patch):
///                 0  u32  magic "ptch" (0x68637470)
///                 4  u32  format version, 1
///                 8  u32  page size in bits, 14
///                12  u32  N', the image's pages once the patch is applied
///                16  u32  P, the number of pages in the patch
///                20  u32  CRC-32C of bytes 0..19 and the P entries
///                24  P x { u32 page number, u32 CRC-32C of the page },
///                    page numbers strictly ascending and below N'
///   memory.bin  the patch's pages: P * 16 KiB, in the order of the entries.
///
/// While a pier is open both files stay in place between saves, emptied
/// rather than removed once a patch is applied: a save then changes no
/// directory entry, and its commit syncs the two files and not the
/// directory (two syncs).  A stopped pier has neither (they are removed
/// at the end of a run when empty); an empty control.bin is no patch.
///
/// Integers are little-endian (the host order: the image itself is host
/// order, and only little-endian hosts are supported).
///
/// Invariants.  north.bin and sums.bin change only by applying a
/// committed patch, which is idempotent; a patch is committed only once
/// control.bin, memory.bin and their directory entries are durable (the
/// entries made durable when the files were created, at the start).
/// Reading never changes a file.  At most one apply runs on a thread
/// (_ce_Apply); nothing else touches the files, or u3P.sum_w, until it is
/// joined.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "c3/crc.h"
#include "c3/io.h"
#include "c3/portable.h"
#include "noun/log.h"
#include "noun/events_in.h"
#include "noun/options.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#  error "the image formats are little-endian: this host is not"
#endif

/* _ce_path(): dir_c/nam_c into pat_c (PATH_MAX); -1 if too long. */
c3_i
_ce_path(c3_c* pat_c, const c3_c* dir_c, const c3_c* nam_c)
{
  c3_i len_i = snprintf(pat_c, PATH_MAX, "%s/%s", dir_c, nam_c);
  if ( len_i < 0 || len_i >= PATH_MAX ) {
    u3l_log("image: path too long: %s/%s\n", dir_c, nam_c);
    return -1;
  }
  return 0;
}

/* _ce_say(): a message to fil_u, or to the log when fil_u is 0. */
void
_ce_say(FILE* fil_u, const c3_c* fmt_c, ...)
{
  va_list ap;

  va_start(ap, fmt_c);
  if ( fil_u ) {
    vfprintf(fil_u, fmt_c, ap);
  }
  else {
    u3l_logv(fmt_c, ap);
  }
  va_end(ap);
}

  /** File I/O: whole transfers through the c3_io seam (c3/io.h).
  ***
  ***   Each returns 0, or -1 after printing "image: CALL PATH: reason".
  **/
/* _ce_pread_all(): read len_z bytes at off_d. */
c3_i
_ce_pread_all(c3_i fid_i, void* buf_v, c3_z len_z, c3_d off_d,
              const c3_c* pat_c)
{
  if ( c3_io_pread_all(fid_i, buf_v, len_z, off_d) ) {
    if ( ENODATA == errno ) {
      u3l_log("image: read %s: file ends before the %zu bytes at "
              "%llu it should hold\n",
              pat_c, len_z, (unsigned long long)off_d);
    }
    else {
      u3l_log("image: read %s: %s\n", pat_c, strerror(errno));
    }
    return -1;
  }
  return 0;
}

/* _ce_pwrite_all(): write len_z bytes at off_d. */
c3_i
_ce_pwrite_all(c3_i fid_i, const void* buf_v, c3_z len_z, c3_d off_d,
               const c3_c* pat_c)
{
  if ( c3_io_pwrite_all(fid_i, buf_v, len_z, off_d) ) {
    u3l_log("image: write %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_fsync(): make a directory's entries durable (fsync). */
c3_i
_ce_fsync(c3_i fid_i, const c3_c* pat_c)
{
  if ( c3_io_fsync(fid_i) ) {
    u3l_log("image: fsync %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_fdatasync(): make a file's contents and size durable. */
c3_i
_ce_fdatasync(c3_i fid_i, const c3_c* pat_c)
{
  if ( c3_io_fdatasync(fid_i) ) {
    u3l_log("image: fdatasync %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_truncate(): set fid_i's size to len_d. */
static c3_i
_ce_truncate(c3_i fid_i, c3_d len_d, const c3_c* pat_c)
{
  if ( c3_io_truncate(fid_i, len_d) ) {
    u3l_log("image: truncate %s to %llu bytes: %s\n",
            pat_c, (unsigned long long)len_d, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_unlink(): remove nam_c from the chk directory; absent is fine. */
static c3_i
_ce_unlink(const c3_c* dir_c, const c3_c* nam_c)
{
  c3_c pat_c[PATH_MAX];
  if ( _ce_path(pat_c, dir_c, nam_c) ) {
    return -1;
  }
  if ( c3_io_unlink(pat_c) && ENOENT != errno ) {
    u3l_log("image: unlink %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _ce_size(): the size of fid_i into *len_d. */
c3_i
_ce_size(c3_i fid_i, c3_d* len_d, const c3_c* pat_c)
{
  struct stat buf_u;
  if ( fstat(fid_i, &buf_u) ) {
    u3l_log("image: stat %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  *len_d = (c3_d)buf_u.st_size;
  return 0;
}

/* _ce_mkdir(): create directory pat_c unless it exists, durably. */
c3_i
_ce_mkdir(const c3_c* pat_c)
{
  if ( c3_io_mkdir(pat_c, 0755) ) {
    if ( ENOTDIR == errno ) {
      u3l_log("image: %s: not a directory\n", pat_c);
    }
    else {
      u3l_log("image: mkdir %s: %s\n", pat_c, strerror(errno));
    }
    return -1;
  }
  return 0;
}

/* _ce_sync_arg: one fdatasync for a helper thread. */
typedef struct {
  c3_i        fid_i;
  const c3_c* pat_c;
  c3_i        ret_i;
} _ce_sync_arg;

/* _ce_sync_one(): thread body: fdatasync one file. */
static void*
_ce_sync_one(void* arg_v)
{
  _ce_sync_arg* arg_u = arg_v;
  arg_u->ret_i = _ce_fdatasync(arg_u->fid_i, arg_u->pat_c);
  return 0;
}

/* _ce_fdatasync_two(): make two files durable, syncing them concurrently
**   (each sync mostly waits on the device; two in flight share flushes).
*/
static c3_i
_ce_fdatasync_two(c3_i one_i, const c3_c* one_c, c3_i two_i, const c3_c* two_c)
{
  _ce_sync_arg arg_u = { two_i, two_c, 0 };
  pthread_t    thr_u;

  if ( pthread_create(&thr_u, 0, _ce_sync_one, &arg_u) ) {
    return _ce_fdatasync(one_i, one_c) | _ce_fdatasync(two_i, two_c);
  }
  c3_i ret_i = _ce_fdatasync(one_i, one_c);
  pthread_join(thr_u, 0);
  return ret_i | arg_u.ret_i;
}

  /** Checksums.
  **/
/* _ce_sum_page(): CRC-32C of one 16 KiB page. */
c3_w
_ce_sum_page(const void* pag_v)
{
  return c3_crc32c(0, pag_v, u3a_page_bytes);
}

/* _ce_sum_control(): the checksum control.bin should carry. */
static c3_w
_ce_sum_control(const u3e_control* ctl_u, const u3e_line* lin_u)
{
  u3e_control tmp_u = *ctl_u;
  tmp_u.sum_w = 0;
  c3_w sum_w = c3_crc32c(0, &tmp_u, sizeof(tmp_u));
  return c3_crc32c(sum_w, lin_u, (c3_z)ctl_u->pgs_w * sizeof(u3e_line));
}

/* _ce_sums_head(): sums.bin's header into hed_w[4]. */
void
_ce_sums_head(c3_w hed_w[4])
{
  hed_w[0] = _ce_sum_magic;
  hed_w[1] = _ce_version;
  hed_w[2] = u3a_page_bits;
  hed_w[3] = 0;
}

/* _ce_sums_load(): read sums.bin (fid_i) into sum_w (room for max_w
**   entries): *num_w gets its entries.  A missing header (empty file) gives
**   0 entries.  Returns 0, or -1 with a message.
*/
c3_i
_ce_sums_load(c3_i fid_i, const c3_c* pat_c, c3_w* sum_w, c3_w max_w,
              c3_w* num_w)
{
  c3_d len_d;
  c3_w hed_w[4], exp_w[4];

  *num_w = 0;
  if ( _ce_size(fid_i, &len_d, pat_c) ) {
    return -1;
  }
  if ( 0 == len_d ) {
    return 0;
  }
  if ( len_d < _ce_sum_head || (len_d - _ce_sum_head) % 4 ) {
    u3l_log("image: %s: size %llu is not a checksum table\n",
            pat_c, (unsigned long long)len_d);
    return -1;
  }
  if ( _ce_pread_all(fid_i, hed_w, sizeof(hed_w), 0, pat_c) ) {
    return -1;
  }
  _ce_sums_head(exp_w);
  if ( memcmp(hed_w, exp_w, sizeof(hed_w)) ) {
    u3l_log("image: %s: bad header (magic %08x, version %u, page "
            "bits %u)\n", pat_c, hed_w[0], hed_w[1], hed_w[2]);
    return -1;
  }
  c3_d ent_d = (len_d - _ce_sum_head) / 4;
  if ( ent_d > max_w ) {
    u3l_log("image: %s: %llu checksums, more than the %u pages the "
            "loom holds\n", pat_c, (unsigned long long)ent_d, max_w);
    return -1;
  }
  if ( _ce_pread_all(fid_i, sum_w, (c3_z)ent_d * 4, _ce_sum_head, pat_c) ) {
    return -1;
  }
  *num_w = (c3_w)ent_d;
  return 0;
}

  /** Patches.
  **/
/* _ce_sum_file(): read pages [0, num_w) of fid_i (path pat_c) in runs
**   of _ce_run_pages, handing each page's number and checksum to fun_f,
**   whose nonzero result stops the walk and is returned.  0, or -1 when
**   the file could not be read (with a message).
*/
static c3_i
_ce_sum_file(c3_i fid_i, const c3_c* pat_c, c3_w num_w,
             c3_i (*fun_f)(void* arg_v, c3_w pag_w, c3_w sum_w), void* arg_v)
{
  c3_y* buf_y = malloc((c3_z)_ce_run_pages << u3a_page_bits);
  c3_i  ret_i = 0;

  if ( !buf_y ) {
    u3l_log("image: out of memory reading %s\n", pat_c);
    return -1;
  }
  for ( c3_w i_w = 0; i_w < num_w && !ret_i; i_w += _ce_run_pages ) {
    c3_w run_w = c3_min(_ce_run_pages, num_w - i_w);
    if ( _ce_pread_all(fid_i, buf_y, (c3_z)run_w << u3a_page_bits,
                       (c3_d)i_w << u3a_page_bits, pat_c) )
    {
      ret_i = -1;
      break;
    }
    for ( c3_w j_w = 0; j_w < run_w && !ret_i; j_w++ ) {
      ret_i = fun_f(arg_v, i_w + j_w,
                    _ce_sum_page(buf_y + ((c3_z)j_w << u3a_page_bits)));
    }
  }
  free(buf_y);
  return ret_i;
}

/* _ce_patch_ctl(): read and check control.bin (open as ctl_i, path cpa_c)
**   whole: size, header, checksum, entries in order and inside the image.
**   *lin_u gets the entries (malloc'd) when valid.
*/
static _ce_patch_e
_ce_patch_ctl(c3_i ctl_i, const c3_c* cpa_c, c3_w max_w, u3e_control* ctl_u,
              u3e_line** lin_u, c3_c* why_c, c3_z why_z)
{
  c3_d      len_d;
  u3e_line* lin_v;

  if ( _ce_size(ctl_i, &len_d, cpa_c) ) return _ce_patch_failed;
  if ( len_d < sizeof(u3e_control)
       || len_d > sizeof(u3e_control) + (c3_d)max_w * sizeof(u3e_line) )
  {
    snprintf(why_c, why_z, "control.bin has %llu bytes, not a patch's "
                           "table of contents", (unsigned long long)len_d);
    return _ce_patch_invalid;
  }
  if ( _ce_pread_all(ctl_i, ctl_u, sizeof(*ctl_u), 0, cpa_c) ) {
    return _ce_patch_failed;
  }
  if ( _ce_ctl_magic != ctl_u->mag_w
       || _ce_version != ctl_u->ver_w
       || u3a_page_bits != ctl_u->pag_bits_w )
  {
    snprintf(why_c, why_z, "control.bin has a bad header (magic %08x, "
             "version %u, page bits %u)",
             ctl_u->mag_w, ctl_u->ver_w, ctl_u->pag_bits_w);
    return _ce_patch_invalid;
  }
  if ( len_d != sizeof(u3e_control) + (c3_d)ctl_u->pgs_w * sizeof(u3e_line) ) {
    snprintf(why_c, why_z, "control.bin has %llu bytes but lists %u pages "
             "(torn or damaged)", (unsigned long long)len_d, ctl_u->pgs_w);
    return _ce_patch_invalid;
  }
  if ( !(lin_v = malloc((c3_z)ctl_u->pgs_w * sizeof(u3e_line) + 1)) ) {
    u3l_log("image: out of memory reading %s\n", cpa_c);
    return _ce_patch_failed;
  }
  *lin_u = lin_v;
  if ( _ce_pread_all(ctl_i, lin_v, (c3_z)ctl_u->pgs_w * sizeof(u3e_line),
                     sizeof(u3e_control), cpa_c) )
  {
    return _ce_patch_failed;
  }
  if ( _ce_sum_control(ctl_u, lin_v) != ctl_u->sum_w ) {
    snprintf(why_c, why_z, "control.bin fails its checksum (torn or "
                           "damaged)");
    return _ce_patch_invalid;
  }
  if ( ctl_u->nor_w > max_w ) {
    snprintf(why_c, why_z, "the patch makes an image of %u pages, more "
             "than the loom's %u", ctl_u->nor_w, max_w);
    return _ce_patch_invalid;
  }
  for ( c3_w i_w = 0; i_w < ctl_u->pgs_w; i_w++ ) {
    if ( lin_v[i_w].pag_w >= ctl_u->nor_w
         || (i_w && lin_v[i_w].pag_w <= lin_v[i_w - 1].pag_w) )
    {
      snprintf(why_c, why_z, "control.bin entry %u names page %u, out of "
               "order or beyond the image's %u pages",
               i_w, lin_v[i_w].pag_w, ctl_u->nor_w);
      return _ce_patch_invalid;
    }
  }
  return _ce_patch_valid;
}

/* _ce_mem_arg: what _ce_mem_page checks memory.bin's pages against. */
typedef struct {
  const u3e_line* lin_u;   //  the checked table of contents
  c3_c*           why_c;   //  the first mismatch, described
  c3_z            why_z;
} _ce_mem_arg;

/* _ce_mem_page(): page pag_w of memory.bin has checksum sum_w: 1 (and
**   why) if its entry says otherwise.
*/
static c3_i
_ce_mem_page(void* arg_v, c3_w pag_w, c3_w sum_w)
{
  _ce_mem_arg* arg_u = arg_v;

  if ( sum_w != arg_u->lin_u[pag_w].sum_w ) {
    snprintf(arg_u->why_c, arg_u->why_z, "memory.bin's copy of page %u "
             "fails its checksum", arg_u->lin_u[pag_w].pag_w);
    return 1;
  }
  return 0;
}

/* _ce_patch_mem(): check memory.bin (open as fid_i, path mpa_c) against
**   the checked table of contents: its size, and every page's checksum.
*/
static _ce_patch_e
_ce_patch_mem(c3_i fid_i, const c3_c* mpa_c, const u3e_control* ctl_u,
              const u3e_line* lin_u, c3_c* why_c, c3_z why_z)
{
  _ce_mem_arg arg_u = { lin_u, why_c, why_z };
  c3_d        len_d;

  if ( _ce_size(fid_i, &len_d, mpa_c) ) return _ce_patch_failed;
  if ( len_d != (c3_d)ctl_u->pgs_w << u3a_page_bits ) {
    snprintf(why_c, why_z, "memory.bin has %llu bytes, not the %u pages "
             "control.bin lists", (unsigned long long)len_d, ctl_u->pgs_w);
    return _ce_patch_invalid;
  }
  switch ( _ce_sum_file(fid_i, mpa_c, ctl_u->pgs_w, _ce_mem_page, &arg_u) ) {
    case 0:  return _ce_patch_valid;
    case 1:  return _ce_patch_invalid;
    default: return _ce_patch_failed;
  }
}

/* _ce_patch_left(): no control.bin, or an empty one: memory.bin with
**   pages in it is a save that never committed, else there is no patch.
*/
static _ce_patch_e
_ce_patch_left(const c3_c* mpa_c)
{
  struct stat sat_u;

  if ( 0 == stat(mpa_c, &sat_u) && sat_u.st_size > 0 ) {
    return _ce_patch_stray;
  }
  return _ce_patch_none;
}

/* _ce_patch_load(): find and check the patch in chk_c, reading every
**   page of memory.bin.  A valid patch leaves *ctl_u, *lin_u (malloc'd)
**   and *mem_i (open) to the caller; an invalid one says why in why_c; a
**   failure to read has printed a message.
*/
_ce_patch_e
_ce_patch_load(const c3_c* chk_c, c3_w max_w, u3e_control* ctl_u,
               u3e_line** lin_u, c3_i* mem_i, c3_c* why_c, c3_z why_z)
{
  c3_c        cpa_c[PATH_MAX], mpa_c[PATH_MAX];
  c3_i        ctl_i, fid_i = -1;
  u3e_line*   lin_v = 0;
  _ce_patch_e ret_e;

  *lin_u = 0;
  *mem_i = -1;
  if ( _ce_path(cpa_c, chk_c, "control.bin")
       || _ce_path(mpa_c, chk_c, "memory.bin") )
  {
    return _ce_patch_failed;
  }

  if ( 0 > (ctl_i = c3_io_open(cpa_c, O_RDONLY | O_CLOEXEC, 0)) ) {
    if ( ENOENT != errno ) {
      u3l_log("image: open %s: %s\n", cpa_c, strerror(errno));
      return _ce_patch_failed;
    }
    return _ce_patch_left(mpa_c);
  }
  {
    c3_d len_d;
    if ( _ce_size(ctl_i, &len_d, cpa_c) ) {
      c3_io_close(ctl_i);
      return _ce_patch_failed;
    }
    if ( 0 == len_d ) {
      //  emptied once applied (or never written): no patch
      c3_io_close(ctl_i);
      return _ce_patch_left(mpa_c);
    }
  }

  ret_e = _ce_patch_ctl(ctl_i, cpa_c, max_w, ctl_u, &lin_v, why_c, why_z);
  if ( _ce_patch_valid != ret_e ) goto done;

  if ( 0 > (fid_i = c3_io_open(mpa_c, O_RDONLY | O_CLOEXEC, 0)) ) {
    if ( ENOENT != errno ) {
      u3l_log("image: open %s: %s\n", mpa_c, strerror(errno));
      ret_e = _ce_patch_failed;
      goto done;
    }
    snprintf(why_c, why_z, "memory.bin is missing");
    ret_e = _ce_patch_invalid;
    goto done;
  }
  ret_e = _ce_patch_mem(fid_i, mpa_c, ctl_u, lin_v, why_c, why_z);
  if ( _ce_patch_valid == ret_e ) {
    *lin_u = lin_v;
    *mem_i = fid_i;
    lin_v  = 0;
    fid_i  = -1;
  }

done:
  free(lin_v);
  c3_io_close(ctl_i);
  if ( fid_i >= 0 ) c3_io_close(fid_i);
  return ret_e;
}

/* _ce_patch_empty(): empty chk file nam_c, if it is there (and with syn_t
**   durably).
*/
static c3_i
_ce_patch_empty(const c3_c* nam_c, c3_t syn_t)
{
  c3_c pat_c[PATH_MAX];
  c3_i fid_i, ret_i = 0;

  if ( _ce_path(pat_c, u3P.dir_c, nam_c) ) {
    return -1;
  }
  if ( 0 > (fid_i = c3_io_open(pat_c, O_WRONLY | O_TRUNC | O_CLOEXEC, 0)) ) {
    if ( ENOENT == errno ) {
      return 0;
    }
    u3l_log("image: truncate %s: %s\n", pat_c, strerror(errno));
    return -1;
  }
  if ( syn_t ) {
    ret_i = _ce_fdatasync(fid_i, pat_c);
  }
  c3_io_close(fid_i);
  return ret_i;
}

/* _ce_patch_drop(): remove an applied patch: control.bin is emptied,
**   durably (from then on no crash brings this patch back), then
**   memory.bin, not durably (its pages are no patch without control.bin).
**   The files stay, so the next save creates no name.
*/
c3_i
_ce_patch_drop(void)
{
  if ( _ce_patch_empty("control.bin", 1)
       || _ce_patch_empty("memory.bin", 0) )
  {
    return -1;
  }
  return 0;
}

/* _ce_patch_open(): open chk file pat_c (flg_i: access and O_TRUNC) for a
**   patch; created when missing, and then *new_t is set: its name is not
**   durable until the directory is synced.
*/
static c3_i
_ce_patch_open(const c3_c* pat_c, c3_i flg_i, c3_t* new_t)
{
  c3_i fid_i = c3_io_open(pat_c, flg_i | O_CLOEXEC, 0644);

  if ( 0 > fid_i && ENOENT == errno ) {
    fid_i = c3_io_open(pat_c, flg_i | O_CREAT | O_CLOEXEC, 0644);
    if ( fid_i >= 0 ) {
      *new_t = 1;
    }
  }
  if ( 0 > fid_i ) {
    u3l_log("image: open %s: %s\n", pat_c, strerror(errno));
  }
  return fid_i;
}

/* _ce_patch_ready(): at a start, with no patch left: control.bin and
**   memory.bin made (empty) and their names durable, so that no save
**   creates a name.  0 or -1.
*/
c3_i
_ce_patch_ready(void)
{
  static const c3_c* nam_c[] = { "control.bin", "memory.bin" };
  c3_c pat_c[PATH_MAX];
  c3_t new_t = 0;

  for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
    c3_i fid_i;
    if ( _ce_path(pat_c, u3P.dir_c, nam_c[i_w])
         || 0 > (fid_i = _ce_patch_open(pat_c, O_WRONLY, &new_t)) )
    {
      return -1;
    }
    c3_io_close(fid_i);
  }
  return new_t ? _ce_fsync(u3P.dir_i, u3P.dir_c) : 0;
}

/* _ce_patch_tidy(): at the end of a run with no patch pending: the empty
**   patch files are removed, so a stopped pier holds none.  Best effort
**   (an empty one left behind is no patch).
*/
void
_ce_patch_tidy(void)
{
  static const c3_c* nam_c[] = { "control.bin", "memory.bin" };
  c3_c pat_c[PATH_MAX];

  for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
    struct stat sat_u;
    if ( 0 == _ce_path(pat_c, u3P.dir_c, nam_c[i_w])
         && 0 == stat(pat_c, &sat_u) && 0 == sat_u.st_size )
    {
      _ce_unlink(u3P.dir_c, nam_c[i_w]);
    }
  }
}

/* _ce_patch_pages(): memory.bin's contents, through a small buffer: each
**   page is copied from the loom and checksummed there (into lin_u: one
**   pass over the loom, where reading costs most: its 4 KiB mappings
**   against the buffer's few, kept in the cache), then written at the
**   end of the file in runs of _ce_run_pages.
*/
static c3_i
_ce_patch_pages(c3_i mem_i, const c3_c* mpa_c, u3e_line* lin_u, c3_w pgs_w)
{
  c3_y* buf_y = malloc((c3_z)_ce_run_pages << u3a_page_bits);
  c3_i  ret_i = 0;

  if ( !buf_y ) {
    u3l_log("image: out of memory writing %s\n", mpa_c);
    return -1;
  }
  for ( c3_w i_w = 0; i_w < pgs_w && !ret_i; ) {
    c3_w num_w = c3_min(pgs_w - i_w, _ce_run_pages);
    for ( c3_w j_w = 0; j_w < num_w; j_w++ ) {
      c3_y* pag_y = buf_y + ((c3_z)j_w << u3a_page_bits);
      c3_w  pag_w = lin_u[i_w + j_w].pag_w;
      //  a lazy page holds zeros: reading it would make it resident (a
      //  cached page of the swap file, or a fresh anonymous page where
      //  the kernel maps no zero page), for nothing
      if ( _ce_lzy(pag_w) ) {
        memset(pag_y, 0, u3a_page_bytes);
      }
      //  a page the pager wrote out is read from the scratch file, and
      //  left out of its page cache: through the loom, its block would
      //  come back in and push others out, for one copy
      else if ( _ce_limit_away(pag_w)
                && 0 == c3_io_pread_all(u3P.swp_i, pag_y, u3a_page_bytes,
                                        (c3_d)pag_w << u3a_page_bits) )
      {
        (void)posix_fadvise(u3P.swp_i, (off_t)((c3_d)pag_w << u3a_page_bits),
                            u3a_page_bytes, POSIX_FADV_DONTNEED);
      }
      else {
        memcpy(pag_y, _ce_ptr(pag_w), u3a_page_bytes);
      }
      lin_u[i_w + j_w].sum_w = _ce_sum_page(pag_y);
    }
    ret_i = _ce_pwrite_all(mem_i, buf_y, (c3_z)num_w << u3a_page_bits,
                           (c3_d)i_w << u3a_page_bits, mpa_c);
    i_w += num_w;
  }
  free(buf_y);
  return ret_i;
}

/* _ce_patch_write(): write pgs_w pages (lin_u, from the loom; their
**   checksums filled in here) to memory.bin, then control.bin, both
**   durable: the commit.  On failure the patch is emptied and the image
**   is as before.  *fid_i, unless fid_i is 0, keeps memory.bin open
**   (read-write) for the apply.
*/
c3_i
_ce_patch_write(u3e_line* lin_u, c3_w pgs_w, c3_w nor_w, c3_i* fid_i)
{
  c3_c mpa_c[PATH_MAX], cpa_c[PATH_MAX];
  c3_i mem_i = -1, ctl_i = -1;
  c3_y* buf_y = 0;
  c3_t new_t = 0;

  if ( _ce_path(mpa_c, u3P.dir_c, "memory.bin")
       || _ce_path(cpa_c, u3P.dir_c, "control.bin") )
  {
    return -1;
  }

  if ( 0 > (mem_i = _ce_patch_open(mpa_c, O_RDWR | O_TRUNC, &new_t)) ) {
    goto fail;
  }
  if ( _ce_patch_pages(mem_i, mpa_c, lin_u, pgs_w) ) {
    goto fail;
  }

  //  control.bin, written last; both made durable (the directory too if
  //  either file was created now; the files a start made stay, so not in
  //  a run's saves).  Should control.bin reach the disk before memory.bin,
  //  a crash leaves a patch whose pages fail their checksums: discarded,
  //  north.bin being untouched until the commit is whole.
  {
    c3_z len_z = sizeof(u3e_control) + (c3_z)pgs_w * sizeof(u3e_line);
    u3e_control ctl_u = {
      .mag_w = _ce_ctl_magic, .ver_w = _ce_version,
      .pag_bits_w = u3a_page_bits, .nor_w = nor_w, .pgs_w = pgs_w,
    };
    ctl_u.sum_w = _ce_sum_control(&ctl_u, lin_u);
    if ( !(buf_y = malloc(len_z)) ) {
      u3l_log("image: out of memory writing %s\n", cpa_c);
      goto fail;
    }
    memcpy(buf_y, &ctl_u, sizeof(ctl_u));
    memcpy(buf_y + sizeof(ctl_u), lin_u, len_z - sizeof(ctl_u));

    if ( 0 > (ctl_i = _ce_patch_open(cpa_c, O_WRONLY | O_TRUNC, &new_t)) ) {
      goto fail;
    }
    if ( _ce_pwrite_all(ctl_i, buf_y, len_z, 0, cpa_c)
         || _ce_fdatasync_two(mem_i, mpa_c, ctl_i, cpa_c)
         || (new_t && _ce_fsync(u3P.dir_i, u3P.dir_c)) )
    {
      goto fail;
    }
    c3_io_close(ctl_i);
    if ( fid_i ) {
      *fid_i = mem_i;
    }
    else {
      c3_io_close(mem_i);
    }
    free(buf_y);
  }
  return 0;

fail:
  free(buf_y);
  if ( mem_i >= 0 ) c3_io_close(mem_i);
  if ( ctl_i >= 0 ) c3_io_close(ctl_i);
  //  no commit: control.bin emptied durably, so this patch never returns
  _ce_patch_empty("control.bin", 1);
  _ce_patch_empty("memory.bin", 0);
  return -1;
}

/* _ce_loom_unfile(): move loom pages [lo_w, hi_w), mapped from north.bin,
**   into anonymous memory before north.bin is cut: dirty pages keep their
**   contents, clean ones (free gap) become zero pages.  All end dirty.
*/
c3_i
_ce_loom_unfile(c3_w lo_w, c3_w hi_w)
{
  c3_w pag_w = lo_w;

  while ( pag_w < hi_w ) {
    c3_t dit_t = _ce_bit(pag_w);
    c3_w end_w = _ce_next(pag_w, hi_w, !dit_t);
    c3_z len_z = (c3_z)(end_w - pag_w) << u3a_page_bits;
    c3_y* ptr_y = _ce_ptr(pag_w);

    if ( dit_t && u3P.swp_i >= 0 ) {
      //  dirty pages live in the scratch file already, not in north.bin
    }
    else if ( !dit_t && u3P.lzy_t ) {
      if ( _ce_lazy_map(pag_w, end_w) ) {
        u3l_log("image: mmap loom pages %u-%u: %s\n",
                pag_w, end_w - 1, strerror(errno));
        return -1;
      }
    }
    else if ( dit_t ) {
      void* tmp_v = mmap(0, len_z, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if ( MAP_FAILED == tmp_v ) {
        u3l_log("image: mmap %zu bytes: %s\n", len_z, strerror(errno));
        return -1;
      }
      memcpy(tmp_v, ptr_y, len_z);
      if ( c3_mem_move(tmp_v, len_z, ptr_y) )
      {
        u3l_log("image: mremap loom pages %u-%u: %s\n",
                pag_w, end_w - 1, strerror(errno));
        munmap(tmp_v, len_z);
        return -1;
      }
      _ce_track_fresh(pag_w, end_w);
    }
    else {
      if ( MAP_FAILED == mmap(ptr_y, len_z, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) )
      {
        u3l_log("image: mmap loom pages %u-%u: %s\n",
                pag_w, end_w - 1, strerror(errno));
        return -1;
      }
      _ce_bits(pag_w, end_w, 1);
      _ce_track_fresh(pag_w, end_w);
    }
    pag_w = end_w;
  }
  return 0;
}

/* _ce_zero_y: a page of zeros, what a lazy page holds. */
static const c3_y _ce_zero_y[u3a_page_bytes];

/* _ce_patch_apply(): apply a patch to north.bin and sums.bin, durably.
**   The pages come from the loom (mem_i < 0: a save) or from memory.bin
**   (a patch left over).  Idempotent.
*/
c3_i
_ce_patch_apply(const u3e_line* lin_u, c3_w pgs_w, c3_w nor_w, c3_i mem_i,
                c3_t map_t)
{
  c3_c  npa_c[PATH_MAX], spa_c[PATH_MAX], mpa_c[PATH_MAX];
  c3_y* buf_y = 0;
  c3_i  ret_i = -1;

  if ( _ce_path(npa_c, u3P.dir_c, "north.bin")
       || _ce_path(spa_c, u3P.dir_c, "sums.bin")
       || _ce_path(mpa_c, u3P.dir_c, "memory.bin") )
  {
    return -1;
  }
  if ( mem_i >= 0 && !(buf_y = malloc((c3_z)_ce_run_pages << u3a_page_bits)) ) {
    u3l_log("image: out of memory applying the patch\n");
    return -1;
  }

  for ( c3_w i_w = 0; i_w < pgs_w; ) {
    c3_w j_w = i_w + 1;
    c3_w lim_w = ( mem_i >= 0 ) ? _ce_run_pages : UINT32_MAX;
    //  from the loom, a lazy page is written from zeros, one at a time,
    //  and never read (which would make it resident)
    c3_t lzy_t = ( mem_i < 0 ) && _ce_lzy(lin_u[i_w].pag_w);
    while ( j_w < pgs_w && (j_w - i_w) < lim_w && !lzy_t
            && lin_u[j_w].pag_w == lin_u[j_w - 1].pag_w + 1
            && !(mem_i < 0 && _ce_lzy(lin_u[j_w].pag_w)) )
    {
      j_w++;
    }
    c3_z  len_z = (c3_z)(j_w - i_w) << u3a_page_bits;
    const c3_y* src_y = lzy_t ? _ce_zero_y : _ce_ptr(lin_u[i_w].pag_w);
    if ( mem_i >= 0 ) {
      if ( _ce_pread_all(mem_i, buf_y, len_z, (c3_d)i_w << u3a_page_bits,
                         mpa_c) )
      {
        goto done;
      }
      src_y = buf_y;
    }
    if ( _ce_pwrite_all(u3P.nor_i, src_y, len_z,
                        (c3_d)lin_u[i_w].pag_w << u3a_page_bits, npa_c) )
    {
      goto done;
    }
    i_w = j_w;
  }

  //  checksums: the table's 4 KiB blocks holding changed entries
  for ( c3_w i_w = 0; i_w < pgs_w; i_w++ ) {
    u3P.sum_w[lin_u[i_w].pag_w] = lin_u[i_w].sum_w;
  }
  {
    c3_d len_d;
    c3_w hed_w[4];
    _ce_sums_head(hed_w);
    if ( _ce_size(u3P.sum_i, &len_d, spa_c)
         || (len_d < _ce_sum_head
             && _ce_pwrite_all(u3P.sum_i, hed_w, sizeof(hed_w), 0, spa_c)) )
    {
      goto done;
    }
  }
  for ( c3_w i_w = 0; i_w < pgs_w; ) {
    c3_w blk_w = lin_u[i_w].pag_w >> 10;
    c3_w bot_w = blk_w << 10;
    c3_w top_w = c3_min(bot_w + 1024, nor_w);
    if ( _ce_pwrite_all(u3P.sum_i, u3P.sum_w + bot_w, (c3_z)(top_w - bot_w) * 4,
                        _ce_sum_head + (c3_d)bot_w * 4, spa_c) )
    {
      goto done;
    }
    while ( i_w < pgs_w && (lin_u[i_w].pag_w >> 10) == blk_w ) {
      i_w++;
    }
  }

  //  sizes: pages beyond a shrunk image leave the file mapping first
  if ( map_t && nor_w < u3P.nor_w && _(u3C.demand_o) ) {
    if ( _ce_loom_unfile(nor_w, u3P.nor_w) ) goto done;
  }
  if ( map_t && nor_w < u3P.nor_w ) {
    u3P.nor_w = nor_w;
  }
  if ( _ce_truncate(u3P.nor_i, (c3_d)nor_w << u3a_page_bits, npa_c)
       || _ce_truncate(u3P.sum_i, _ce_sum_head + (c3_d)nor_w * 4, spa_c)
       || _ce_fdatasync_two(u3P.nor_i, npa_c, u3P.sum_i, spa_c) )
  {
    goto done;
  }
  ret_i = 0;

done:
  free(buf_y);
  return ret_i;
}

/* _ce_patch_redo(): apply the committed patch left by a failed save. */
c3_i
_ce_patch_redo(void)
{
  u3e_control ctl_u;
  u3e_line*   lin_u;
  c3_i        mem_i;
  c3_c        why_c[256];
  c3_i        ret_i;

  switch ( _ce_patch_load(u3P.dir_c, u3P.pag_w, &ctl_u, &lin_u, &mem_i,
                          why_c, sizeof(why_c)) )
  {
    case _ce_patch_valid: break;
    case _ce_patch_none:
    case _ce_patch_stray: {
      //  the failure was in removing it: the patch is applied
      u3P.pen_t = 0;
      return _ce_patch_drop();
    }
    case _ce_patch_invalid: {
      u3l_log("image: the pending patch is damaged: %s\n", why_c);
      return -1;
    }
    case _ce_patch_failed: return -1;
  }
  ret_i = _ce_patch_apply(lin_u, ctl_u.pgs_w, ctl_u.nor_w, mem_i, 1);
  c3_io_close(mem_i);
  free(lin_u);
  if ( ret_i || _ce_patch_drop() ) {
    return -1;
  }
  u3P.pen_t = 0;
  return 0;
}

  /** Applying in the background.
  ***
  ***   One apply at a time: the save that commits a patch starts it, and
  ***   the next save, a backup, a start or the end of the run joins it
  ***   before touching the files.  The thread reads the pages from
  ***   memory.bin (just written: in the page cache), never from the loom,
  ***   which events change meanwhile; it writes only north.bin, sums.bin
  ***   and their checksum table u3P.sum_w, which nothing else reads until
  ***   it is joined.
  **/
/* _ce_Apply: the apply in flight. */
static struct {
  c3_t      run_t;     //  a thread is applying
  pthread_t thr_u;
  u3e_line* lin_u;     //  its patch's pages
  c3_w      pgs_w;
  c3_w      nor_w;     //  the image's pages once applied
  c3_i      mem_i;     //  memory.bin
  c3_i      ret_i;     //  its result: 0 when durable and the patch dropped
  pid_t     pid_i;     //  the process it runs in (a fork's child has none)
  c3_t      joi_t;     //  joined already (before a fork)
  c3_t      fok_t;     //  the fork handler is installed
  c3_i      don_i;     //  the thread has finished (atomic)
  c3_w      del_w;     //  test delay before applying, ms
} _ce_Apply = { .mem_i = -1 };

void
u3e_apply_delay(c3_w ms_w)
{
  _ce_Apply.del_w = ms_w;
}

/* _ce_apply_fork(): before fork(3): finish the apply, so that the child
**   never inherits locks a running thread held, nor a patch half written.
*/
static void
_ce_apply_fork(void)
{
  if ( _ce_Apply.run_t && !_ce_Apply.joi_t && getpid() == _ce_Apply.pid_i ) {
    pthread_join(_ce_Apply.thr_u, 0);
    _ce_Apply.joi_t = 1;
  }
}

/* _ce_apply_body(): thread body: apply the patch, durably, and drop it. */
static void*
_ce_apply_body(void* arg_v)
{
  (void)arg_v;
  if ( _ce_Apply.del_w ) {
    struct timespec tim_u = { _ce_Apply.del_w / 1000,
                              (long)(_ce_Apply.del_w % 1000) * 1000000L };
    while ( nanosleep(&tim_u, &tim_u) && EINTR == errno ) {
    }
  }
  _ce_Apply.ret_i = _ce_patch_apply(_ce_Apply.lin_u, _ce_Apply.pgs_w,
                                    _ce_Apply.nor_w, _ce_Apply.mem_i, 0)
                    || _ce_patch_drop();
  __atomic_store_n(&_ce_Apply.don_i, 1, __ATOMIC_RELEASE);
  return 0;
}

/* _ce_apply_start(): apply the committed patch (lin_u, owned from now
**   on) on a thread, reading its pages from memory.bin (mem_i, owned from
**   now on when the thread starts).
*/
c3_i
_ce_apply_start(u3e_line* lin_u, c3_w pgs_w, c3_w nor_w, c3_i mem_i)
{
  _ce_Apply.lin_u = lin_u;
  _ce_Apply.pgs_w = pgs_w;
  _ce_Apply.nor_w = nor_w;
  _ce_Apply.mem_i = mem_i;
  _ce_Apply.ret_i = -1;
  _ce_Apply.joi_t = 0;
  _ce_Apply.don_i = 0;
  if ( !_ce_Apply.fok_t ) {
    _ce_Apply.fok_t = ( 0 == pthread_atfork(_ce_apply_fork, 0, 0) );
  }
  if ( !_ce_Apply.fok_t || pthread_create(&_ce_Apply.thr_u, 0, _ce_apply_body, 0) ) {
    u3l_log("image: save: no thread to apply the patch on: applying it "
            "at once\n");
    _ce_Apply.mem_i = -1;
    _ce_Apply.lin_u = 0;
    return -1;
  }
  _ce_Apply.run_t = 1;
  _ce_Apply.pid_i = getpid();
  return 0;
}

/* _ce_apply_busy(): 1 while a save's patch may not be in north.bin yet. */
c3_t
_ce_apply_busy(void)
{
  return _ce_Apply.run_t;
}

/* _ce_apply_done(): 1 when an apply ran and has finished: joining it
**   will not wait.
*/
c3_t
_ce_apply_done(void)
{
  return _ce_Apply.run_t && (_ce_Apply.joi_t
                             || __atomic_load_n(&_ce_Apply.don_i,
                                                __ATOMIC_ACQUIRE));
}

/* _ce_apply_wait(): join the apply thread if one runs; its pages to the
**   caller.
*/
c3_i
_ce_apply_wait(u3e_line** lin_u, c3_w* pgs_w)
{
  *lin_u = 0;
  *pgs_w = 0;
  if ( !_ce_Apply.run_t ) {
    return 0;
  }
  if ( !_ce_Apply.joi_t && getpid() != _ce_Apply.pid_i ) {
    //  a fork's child: the thread is the parent's; the patch stays
    //  pending here, applied again (the same bytes) before a save
    _ce_Apply.run_t = 0;
    c3_io_close(_ce_Apply.mem_i);
    _ce_Apply.mem_i = -1;
    free(_ce_Apply.lin_u);
    _ce_Apply.lin_u = 0;
    return -1;
  }
  if ( !_ce_Apply.joi_t ) {
    pthread_join(_ce_Apply.thr_u, 0);
  }
  _ce_Apply.joi_t = 0;
  _ce_Apply.run_t = 0;
  c3_io_close(_ce_Apply.mem_i);
  _ce_Apply.mem_i = -1;
  *lin_u = _ce_Apply.lin_u;
  *pgs_w = _ce_Apply.pgs_w;
  _ce_Apply.lin_u = 0;
  if ( _ce_Apply.ret_i ) {
    u3l_log("image: the last save's patch could not be applied to "
            "north.bin (see above): it stays pending, applied again by "
            "the next save or start\n");
    return -1;
  }
  u3P.pen_t = 0;
  return 0;
}

  /** Verifying the image.
  **/
/* _ce_ver_arg: what _ce_ver_page checks north.bin's pages against. */
typedef struct {
  const c3_w*     sum_w;   //  sums.bin's checksums
  const u3e_line* lin_u;   //  a pending patch's pages, skipped
  c3_w            pgs_w;
  c3_w            lin_w;   //  the next entry of lin_u to look at
  c3_ds           bad_ds;  //  damaged pages so far
  FILE*           fil_u;
  const c3_c*     pre_c;
} _ce_ver_arg;

/* _ce_ver_page(): page pag_w of north.bin has checksum has_w: count and
**   report it (the first 16) if sums.bin says otherwise.  Always 0.
*/
static c3_i
_ce_ver_page(void* arg_v, c3_w pag_w, c3_w has_w)
{
  _ce_ver_arg* arg_u = arg_v;

  while ( arg_u->lin_w < arg_u->pgs_w
          && arg_u->lin_u[arg_u->lin_w].pag_w < pag_w )
  {
    arg_u->lin_w++;
  }
  if ( arg_u->lin_w < arg_u->pgs_w
       && arg_u->lin_u[arg_u->lin_w].pag_w == pag_w )
  {
    return 0;
  }
  if ( has_w != arg_u->sum_w[pag_w] ) {
    if ( arg_u->bad_ds < _ce_bad_shown ) {
      _ce_say(arg_u->fil_u, "%spage %u of north.bin is damaged: checksum "
              "%08x, sums.bin says %08x\n", arg_u->pre_c, pag_w, has_w,
              arg_u->sum_w[pag_w]);
    }
    arg_u->bad_ds++;
  }
  return 0;
}

/* _ce_image_verify(): compare pages [0, nor_w) of north.bin (fid_i) with
**   their checksums, skipping the pages of lin_u (a pending patch, which
**   carries their checksums).  Reports up to 16 damaged pages to fil_u (or
**   the log), each prefixed with pre_c.  Returns the number damaged, or -1
**   if the file could not be read.
*/
c3_ds
_ce_image_verify(c3_i fid_i, const c3_c* pat_c, const c3_w* sum_w,
                 c3_w nor_w, const u3e_line* lin_u, c3_w pgs_w,
                 FILE* fil_u, const c3_c* pre_c)
{
  _ce_ver_arg arg_u = { sum_w, lin_u, pgs_w, 0, 0, fil_u, pre_c };

  if ( _ce_sum_file(fid_i, pat_c, nor_w, _ce_ver_page, &arg_u) ) {
    return -1;
  }
  return arg_u.bad_ds;
}

  /** Mapping the loom.
  **/
/* _ce_loom_mapf_north(): map the image (north.bin's nor_w pages) into the
**   loom read-only, and fresh anonymous read-write memory above it: clean
**   image pages, dirty rest.  With demand paging the image pages are
**   mapped MAP_PRIVATE from the file; without, copied in.
*/
c3_i
_ce_loom_mapf_north(c3_w nor_w, const c3_c* npa_c)
{
  c3_d len_d = (c3_d)nor_w << u3a_page_bits;
  c3_d all_d = (c3_d)u3P.pag_w << u3a_page_bits;

  if ( u3P.lzy_t ) {
    _ce_lzy_bits(0, nor_w, 0);
    if ( all_d > len_d && _ce_lazy_map(nor_w, u3P.pag_w) ) {
      u3l_log("image: mmap loom above the image: %s\n", strerror(errno));
      return -1;
    }
  }
  else if ( all_d > len_d
       && MAP_FAILED == mmap(u3a_loom_base + len_d, all_d - len_d,
                             PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) )
  {
    u3l_log("image: mmap loom above the image: %s\n", strerror(errno));
    return -1;
  }
  _ce_bits(0, nor_w, 0);
  _ce_bits(nor_w, u3P.pag_w, 1);
  u3P.gar_w = 0;
  _ce_track_fresh(nor_w, u3P.pag_w);
  if ( nor_w ) {
    if ( _(u3C.demand_o) ) {
      if ( MAP_FAILED == mmap(u3a_loom_base, len_d, _ce_prot_clean(),
                              MAP_PRIVATE | MAP_FIXED, u3P.nor_i, 0) )
      {
        u3l_log("image: mmap %s (%u pages): %s\n",
                npa_c, nor_w, strerror(errno));
        return -1;
      }
      _ce_limit_map(0, nor_w);
    }
    else {
      if ( MAP_FAILED == mmap(u3a_loom_base, len_d, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) )
      {
        u3l_log("image: mmap loom: %s\n", strerror(errno));
        return -1;
      }
      for ( c3_d off_d = 0; off_d < len_d; off_d += _ce_read_bytes ) {
        c3_z num_z = (c3_z)c3_min(_ce_read_bytes, len_d - off_d);
        if ( _ce_pread_all(u3P.nor_i, u3a_loom_base + off_d, num_z, off_d,
                           npa_c) )
        {
          return -1;
        }
      }
    }
    if ( _ce_track_clean(0, nor_w, !_(u3C.demand_o)) ) {
      _ce_bits(0, nor_w, 1);
      if ( !u3P.uff_t ) {
        return -1;
      }
    }
  }
  return 0;
}

/* _ce_loom_clean(): the patch's pages, now in north.bin, become clean:
**   mapped afresh from north.bin (dropping their private copies), or made
**   read-only where the image is copied in.  Every page below the image
**   top now equals north.bin, so runs a few clean pages apart are
**   remapped together: one call instead of many.
*/
c3_i
_ce_loom_clean(const u3e_line* lin_u, c3_w pgs_w)
{
  c3_i ret_i = 0;

  for ( c3_w i_w = 0; i_w < pgs_w; ) {
    c3_w j_w = i_w + 1;
    while ( j_w < pgs_w
            && lin_u[j_w].pag_w <= lin_u[j_w - 1].pag_w + _ce_near_pages )
    {
      j_w++;
    }
    c3_w  pag_w = lin_u[i_w].pag_w;
    c3_w  num_w = lin_u[j_w - 1].pag_w + 1 - pag_w;
    c3_z  len_z = (c3_z)num_w << u3a_page_bits;
    c3_t  bad_t;

    if ( _(u3C.demand_o) ) {
      bad_t = ( MAP_FAILED == mmap(_ce_ptr(pag_w), len_z, _ce_prot_clean(),
                                   MAP_PRIVATE | MAP_FIXED, u3P.nor_i,
                                   (off_t)((c3_d)pag_w << u3a_page_bits)) );
      if ( !bad_t ) {
        _ce_limit_map(pag_w, pag_w + num_w);
      }
      else {
        //  the pages stay dirty: saved again next time
        u3l_log("image: remap loom pages %u-%u: %s\n",
                pag_w, pag_w + num_w - 1, strerror(errno));
      }
    }
    else {
      bad_t = 0;
    }
    if ( !bad_t ) {
      bad_t = ( 0 != _ce_track_clean(pag_w, pag_w + num_w,
                                     !_(u3C.demand_o)) );
    }
    if ( bad_t ) {
      ret_i = -1;
    }
    else {
      _ce_bits(pag_w, pag_w + num_w, 0);
      if ( _(u3C.demand_o) ) {
        _ce_lzy_bits(pag_w, pag_w + num_w, 0);
        _ce_swap_punch(pag_w, pag_w + num_w);
      }
    }
    i_w = j_w;
  }
  return ret_i;
}

/* _ce_loom_keep(): the committed patch's pages become clean where they
**   are (their private copies, write-protected), before the patch reaches
**   north.bin: a clean page then equals north.bin with the pending patch
**   applied, which is what the image is once committed.  Every page
**   between the patch's first and last is clean or in the patch, so one
**   call protects them all (one system call, not one per run).
*/
c3_i
_ce_loom_keep(const u3e_line* lin_u, c3_w pgs_w)
{
  if ( 0 == pgs_w ) {
    return 0;
  }
  c3_w bot_w = lin_u[0].pag_w;
  c3_w top_w = lin_u[pgs_w - 1].pag_w + 1;
  if ( _ce_track_clean(bot_w, top_w, 1) ) {
    return -1;    //  the pages stay dirty: saved again next time
  }
  for ( c3_w i_w = 0; i_w < pgs_w; i_w++ ) {
    _ce_bits(lin_u[i_w].pag_w, lin_u[i_w].pag_w + 1, 0);
  }
  return 0;
}

/* _ce_loom_settle(): once an applied patch is durable in north.bin, its
**   pages still clean are mapped afresh from the file, dropping their
**   private copies; pages written since (dirty) are left alone.  Runs a
**   few clean pages apart are remapped together, never across a dirty
**   page.
*/
c3_i
_ce_loom_settle(const u3e_line* lin_u, c3_w pgs_w)
{
  c3_i ret_i = 0;

  if ( !_(u3C.demand_o) ) {
    return 0;    //  the image is copied in: clean pages are anonymous
  }
  for ( c3_w i_w = 0; i_w < pgs_w; ) {
    c3_w pag_w = lin_u[i_w].pag_w;
    if ( pag_w >= u3P.nor_w || _ce_bit(pag_w) ) {
      i_w++;
      continue;
    }
    c3_w j_w = i_w + 1;
    while ( j_w < pgs_w
            && lin_u[j_w].pag_w <= lin_u[j_w - 1].pag_w + _ce_near_pages
            && lin_u[j_w].pag_w < u3P.nor_w
            && _ce_next(lin_u[j_w - 1].pag_w, lin_u[j_w].pag_w + 1, 1)
               > lin_u[j_w].pag_w )
    {
      j_w++;
    }
    c3_w num_w = lin_u[j_w - 1].pag_w + 1 - pag_w;
    c3_z len_z = (c3_z)num_w << u3a_page_bits;

    c3_t map_t = ( MAP_FAILED != mmap(_ce_ptr(pag_w), len_z, _ce_prot_clean(),
                                      MAP_PRIVATE | MAP_FIXED, u3P.nor_i,
                                      (off_t)((c3_d)pag_w << u3a_page_bits)) );
    if ( !map_t ) {
      u3l_log("image: remap loom pages %u-%u: %s\n",
              pag_w, pag_w + num_w - 1, strerror(errno));
      _ce_bits(pag_w, pag_w + num_w, 1);
      ret_i = -1;
    }
    else {
      _ce_limit_map(pag_w, pag_w + num_w);
      if ( _ce_track_clean(pag_w, pag_w + num_w, 0) ) {
        _ce_bits(pag_w, pag_w + num_w, 1);
        ret_i = -1;
      }
      else {
        //  lazy pages saved as zeros, swap-file pages kept in the scratch
        //  file: now plain image pages
        _ce_lzy_bits(pag_w, pag_w + num_w, 0);
        _ce_swap_punch(pag_w, pag_w + num_w);
      }
    }
    i_w = j_w;
  }
  return ret_i;
}

/* _ce_copy(): copy file src_c to dst_c durably, via a temporary name. */
static c3_i
_ce_copy(c3_i src_i, const c3_c* src_c, const c3_c* dst_c)
{
  c3_c  tmp_c[PATH_MAX];
  c3_y* buf_y;
  c3_i  dst_i;
  c3_d  len_d, off_d = 0;

  if ( (c3_i)sizeof(tmp_c) <= snprintf(tmp_c, sizeof(tmp_c), "%s.tmp", dst_c) ) {
    u3l_log("image: path too long: %s.tmp\n", dst_c);
    return -1;
  }
  if ( _ce_size(src_i, &len_d, src_c) ) {
    return -1;
  }
  if ( 0 > (dst_i = c3_io_open(tmp_c, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                         0644)) )
  {
    u3l_log("image: open %s: %s\n", tmp_c, strerror(errno));
    return -1;
  }
  if ( !(buf_y = malloc(_ce_copy_bytes)) ) {
    u3l_log("image: out of memory copying %s\n", src_c);
    c3_io_close(dst_i);
    return -1;
  }
  while ( off_d < len_d ) {
    c3_z num_z = (c3_z)c3_min(_ce_copy_bytes, len_d - off_d);
    if ( _ce_pread_all(src_i, buf_y, num_z, off_d, src_c)
         || _ce_pwrite_all(dst_i, buf_y, num_z, off_d, tmp_c) )
    {
      goto fail;
    }
    off_d += num_z;
  }
  if ( _ce_fdatasync(dst_i, tmp_c) ) goto fail;
  if ( c3_io_rename(tmp_c, dst_c) ) {
    u3l_log("image: rename %s to %s: %s\n", tmp_c, dst_c,
            strerror(errno));
    goto fail;
  }
  free(buf_y);
  c3_io_close(dst_i);
  return 0;

fail:
  free(buf_y);
  c3_io_close(dst_i);
  c3_io_unlink(tmp_c);
  return -1;
}

c3_i
u3e_backup(const c3_c* dst_c)
{
  c3_c npa_c[PATH_MAX], spa_c[PATH_MAX], dno_c[PATH_MAX], dsu_c[PATH_MAX];
  c3_i dir_i;

  if ( !u3P.liv_t ) {
    u3l_log("image: backup: no image is open\n");
    return -1;
  }
  if ( _ce_verify_wait() ) {
    u3l_log("image: backup: the image failed its verification (see "
            "above)\n");
    return -1;
  }
  //  the last save's apply first: its failure leaves the patch pending
  u3e_save_wait();
  if ( u3P.pen_t && _ce_patch_redo() ) {
    return -1;
  }
  if ( _ce_mkdir(dst_c)
       || _ce_path(npa_c, u3P.dir_c, "north.bin")
       || _ce_path(spa_c, u3P.dir_c, "sums.bin")
       || _ce_path(dno_c, dst_c, "north.bin")
       || _ce_path(dsu_c, dst_c, "sums.bin")
       || _ce_copy(u3P.nor_i, npa_c, dno_c)
       || _ce_copy(u3P.sum_i, spa_c, dsu_c) )
  {
    return -1;
  }
  dir_i = c3_io_open(dst_c, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if ( 0 > dir_i ) {
    u3l_log("image: open %s: %s\n", dst_c, strerror(errno));
    return -1;
  }
  c3_i ret_i = _ce_fsync(dir_i, dst_c);
  c3_io_close(dir_i);
  return ret_i;
}
