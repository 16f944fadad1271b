/// @file log.c
/// The event log: the pier's events, in order, as checksummed records in
/// one append-only file, PIER/.urb/log/events.log.
///
/// Format (version 1).  Every integer is little-endian, fixed width.  The
/// file is a 32-byte header followed by records, back to back:
///
///   header   0  u32  magic, "ulog" (0x676f6c75)
///            4  u32  format version, 1
///            8  u64  number of the first event the log holds (>= 1)
///           16  12 bytes reserved, zero
///           28  u32  CRC-32C of bytes 0..27
///
///   record   0  u64  payload length L
///            8  u64  event number
///           16  u32  header check: CRC-32C of record bytes 0..15
///           20  u32  record check: CRC-32C of record bytes 0..15 and then
///                    the payload (the header check extended over it)
///           24  L bytes of payload: the jammed event, opaque here
///
/// Invariants.  Records carry consecutive event numbers from the header's
/// first event.  Bytes up to the durable end (end_d) are whole, checked
/// records that have been fsynced; nothing is written past them except by
/// u3_log_sync(), which writes the buffered records at end_d and fsyncs,
/// and on any failure truncates the file back to end_d, keeping the records
/// buffered for the next attempt.  A new log is written under a temporary
/// name and renamed into place, so the log file always has a whole header.
/// One process at a time opens a log for writing (flock); u3_log_check()
/// only reads.
///
/// Recovery.  Opening checks every record, streaming through the file in
/// bounded memory.  A bad record at offset X (header check failing, length
/// running past the end of the file, record check failing) is a torn tail,
/// left by a crash during a write, when no intact record follows it: the
/// file is truncated back to X with a warning.  When an intact record
/// header for a later event follows it, the log is damaged in the middle:
/// opening refuses, naming the event and the offset, and changes nothing.
/// (An intact header is one whose header check holds; after a bad record
/// check the search starts where the record ends, after a bad header check
/// one byte past its start.)  A valid header naming the wrong event is
/// damage wherever it sits.  Repair is the operator's call: u3_log_repair()
/// cuts a damaged log at its first bad record, u3_log_truncate() cuts an
/// open log after a chosen event.
///
/// Memory.  Scans read through a 64 KiB window; a replay cursor holds one
/// record; appends hold the records buffered since the last sync, which
/// the caller bounds by how many events it batches.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "c3/crc.h"
#include "c3/io.h"
#include "vere/log.h"

#define _cl_mag_w  0x676f6c75U     //  "ulog"
#define _cl_ver_w  1U
#define _cl_hed_z  ((c3_z)32)      //  file header
#define _cl_rec_z  ((c3_z)24)      //  record header
#define _cl_chk_z  ((c3_z)1 << 16) //  read chunk
#define _cl_kep_z  ((c3_z)1 << 20) //  write buffer kept between syncs

struct _u3_log {
  c3_c* pax_c;  //  log file path
  c3_i  fid_i;  //  open read-write, flocked
  c3_d  fir_d;  //  first event (from the header)
  c3_d  las_d;  //  last durable event; fir_d - 1 when none
  c3_d  pen_d;  //  last appended event, durable or buffered
  c3_d  end_d;  //  file offset just past the last durable record
  c3_y* buf_y;  //  buffered records, encoded
  c3_z  buf_z;  //  bytes buffered
  c3_z  cap_z;  //  capacity of buf_y
  c3_t  dit_t;  //  the file may extend past end_d (a truncate failed)
};

/* _cl_read: a buffered reader over [0, siz_d) of a file, by offset.
*/
typedef struct {
  c3_i        fid_i;
  const c3_c* pax_c;
  FILE*       fil_u;  //  where errors are reported
  c3_d        siz_d;  //  readable bytes
  c3_d        off_d;  //  file offset of buf_y[0]
  c3_z        len_z;  //  valid bytes in buf_y
  c3_z        pos_z;  //  cursor in buf_y
  c3_y        buf_y[];
} _cl_read;

struct _u3_log_iter {
  u3_log*   log_u;
  _cl_read* red_u;
  c3_d      fro_d;  //  first event wanted
  c3_d      nex_d;  //  event of the record at off_d
  c3_d      off_d;  //  offset of the next record
  c3_y*     rec_y;  //  payload of the last record returned
  c3_z      cap_z;
};

/* _cl_scan: the outcome of checking a log file's records.
*/
typedef struct {
  c3_d fir_d;        //  first event, from the header
  c3_d nex_d;        //  event expected next: one past the last intact
  c3_d end_d;        //  offset just past the last intact record
  c3_d siz_d;        //  file size
  c3_d big_d;        //  largest payload seen
  c3_c wut_c[160];   //  what is wrong with the record at end_d
} _cl_scan;

#define _cl_scan_good  0  //  every record intact
#define _cl_scan_torn  1  //  a torn tail from end_d on
#define _cl_scan_dead  2  //  damage at end_d, intact records after it
#define _cl_scan_fail -1  //  could not read (reported)

/* _cl_put_w(), _cl_put_d(), _cl_get_w(), _cl_get_d(): little-endian.
*/
static void
_cl_put_w(c3_y* buf_y, c3_w val_w)
{
  for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
    buf_y[i_w] = (c3_y)(val_w >> (8 * i_w));
  }
}

static void
_cl_put_d(c3_y* buf_y, c3_d val_d)
{
  for ( c3_w i_w = 0; i_w < 8; i_w++ ) {
    buf_y[i_w] = (c3_y)(val_d >> (8 * i_w));
  }
}

static c3_w
_cl_get_w(const c3_y* buf_y)
{
  c3_w val_w = 0;
  for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
    val_w |= (c3_w)buf_y[i_w] << (8 * i_w);
  }
  return val_w;
}

static c3_d
_cl_get_d(const c3_y* buf_y)
{
  c3_d val_d = 0;
  for ( c3_w i_w = 0; i_w < 8; i_w++ ) {
    val_d |= (c3_d)buf_y[i_w] << (8 * i_w);
  }
  return val_d;
}

/* _cl_join(): a fresh string a_c followed by b_c; 0 if out of memory.
*/
static c3_c*
_cl_join(const c3_c* a_c, const c3_c* b_c)
{
  c3_z a_z = strlen(a_c), b_z = strlen(b_c);
  c3_c* pax_c = malloc(a_z + b_z + 1);

  if ( pax_c ) {
    memcpy(pax_c, a_c, a_z);
    memcpy(pax_c + a_z, b_c, b_z + 1);
  }
  return pax_c;
}

/* _cl_pread_all(): read len_z bytes at off_d, through short reads and
**   EINTR.  Returns 0, an errno, or -1 when the file ends first.
*/
static c3_i
_cl_pread_all(c3_i fid_i, void* buf_v, c3_z len_z, c3_d off_d)
{
  if ( c3_io_pread_all(fid_i, buf_v, len_z, off_d) ) {
    return ( ENODATA == errno ) ? -1 : errno;
  }
  return 0;
}

/* _cl_pwrite_all(): write len_z bytes at off_d, through short writes and
**   EINTR.  Returns 0 or an errno.
*/
static c3_i
_cl_pwrite_all(c3_i fid_i, const void* buf_v, c3_z len_z, c3_d off_d)
{
  return c3_io_pwrite_all(fid_i, buf_v, len_z, off_d) ? errno : 0;
}

/* _cl_sync_fd(): flush a file's data to stable storage.  0 or an errno.
*/
static c3_i
_cl_sync_fd(c3_i fid_i)
{
  return c3_io_fdatasync(fid_i) ? errno : 0;
}

/* _cl_truncate_fd(): set a file's size.  0 or an errno.
*/
static c3_i
_cl_truncate_fd(c3_i fid_i, c3_d siz_d)
{
  return c3_io_truncate(fid_i, siz_d) ? errno : 0;
}

/* _cl_read_new(): a reader over the first siz_d bytes of fid_i.
*/
static _cl_read*
_cl_read_new(c3_i fid_i, const c3_c* pax_c, FILE* fil_u, c3_d siz_d)
{
  _cl_read* red_u = malloc(sizeof(*red_u) + _cl_chk_z);

  if ( !red_u ) {
    fprintf(fil_u, "log: %s: out of memory\n", pax_c);
    return 0;
  }
  red_u->fid_i = fid_i;
  red_u->pax_c = pax_c;
  red_u->fil_u = fil_u;
  red_u->siz_d = siz_d;
  red_u->off_d = 0;
  red_u->len_z = 0;
  red_u->pos_z = 0;
  return red_u;
}

/* _cl_read_seek(): move the reader to offset off_d, keeping its buffer
**   when off_d falls inside it.
*/
static void
_cl_read_seek(_cl_read* red_u, c3_d off_d)
{
  if ( off_d >= red_u->off_d && off_d <= red_u->off_d + red_u->len_z ) {
    red_u->pos_z = (c3_z)(off_d - red_u->off_d);
  }
  else {
    red_u->off_d = off_d;
    red_u->len_z = 0;
    red_u->pos_z = 0;
  }
}

/* _cl_read_fill(): refill an exhausted buffer.  0, or -1 (reported).
*/
static c3_i
_cl_read_fill(_cl_read* red_u)
{
  c3_d off_d = red_u->off_d + red_u->pos_z;
  c3_z len_z = (c3_z)c3_min((c3_d)_cl_chk_z, red_u->siz_d - off_d);
  c3_i err_i = _cl_pread_all(red_u->fid_i, red_u->buf_y, len_z, off_d);

  red_u->off_d = off_d;
  red_u->len_z = 0;
  red_u->pos_z = 0;
  if ( !len_z ) {
    err_i = -1;
  }
  if ( err_i ) {
    fprintf(red_u->fil_u, "log: read %s: %s\n", red_u->pax_c,
            ( err_i < 0 ) ? "file shrank while being read" : strerror(err_i));
    return -1;
  }
  red_u->len_z = len_z;
  return 0;
}

/* _cl_read_get(): copy len_z bytes at the cursor to buf_v and advance;
**   the caller has checked they lie below siz_d.  0, or -1 (reported).
*/
static c3_i
_cl_read_get(_cl_read* red_u, void* buf_v, c3_z len_z)
{
  c3_y* buf_y = buf_v;

  while ( len_z ) {
    c3_z hav_z = red_u->len_z - red_u->pos_z;

    if ( hav_z ) {
      c3_z cop_z = c3_min(hav_z, len_z);
      memcpy(buf_y, red_u->buf_y + red_u->pos_z, cop_z);
      red_u->pos_z += cop_z;
      buf_y += cop_z;
      len_z -= cop_z;
    }
    else if ( len_z >= _cl_chk_z ) {
      //  a large payload goes straight to its destination
      //
      c3_d off_d = red_u->off_d + red_u->pos_z;
      c3_i err_i = _cl_pread_all(red_u->fid_i, buf_y, len_z, off_d);
      if ( err_i ) {
        fprintf(red_u->fil_u, "log: read %s: %s\n", red_u->pax_c,
                ( err_i < 0 ) ? "file shrank while being read"
                              : strerror(err_i));
        return -1;
      }
      _cl_read_seek(red_u, off_d + len_z);
      len_z = 0;
    }
    else if ( _cl_read_fill(red_u) ) {
      return -1;
    }
  }
  return 0;
}

/* _cl_read_crc(): extend *crc_w over the next len_z bytes and advance.
**   0, or -1 (reported).
*/
static c3_i
_cl_read_crc(_cl_read* red_u, c3_d len_d, c3_w* crc_w)
{
  while ( len_d ) {
    c3_z hav_z = red_u->len_z - red_u->pos_z;

    if ( !hav_z ) {
      if ( _cl_read_fill(red_u) ) {
        return -1;
      }
      continue;
    }
    c3_z tak_z = (c3_z)c3_min((c3_d)hav_z, len_d);
    *crc_w = c3_crc32c(*crc_w, red_u->buf_y + red_u->pos_z, tak_z);
    red_u->pos_z += tak_z;
    len_d -= tak_z;
  }
  return 0;
}

/* _cl_head_make(): encode a file header for first event fir_d.
*/
static void
_cl_head_make(c3_y hed_y[_cl_hed_z], c3_d fir_d)
{
  memset(hed_y, 0, _cl_hed_z);
  _cl_put_w(hed_y + 0, _cl_mag_w);
  _cl_put_w(hed_y + 4, _cl_ver_w);
  _cl_put_d(hed_y + 8, fir_d);
  _cl_put_w(hed_y + 28, c3_crc32c(0, hed_y, 28));
}

/* _cl_head_read(): read and check the file header of a siz_d-byte file.
**   Returns 0 with *fir_d set, or -1 (reported on fil_u).
*/
static c3_i
_cl_head_read(c3_i        fid_i,
              const c3_c* pax_c,
              FILE*       fil_u,
              c3_d        siz_d,
              c3_d*       fir_d)
{
  c3_y hed_y[_cl_hed_z];
  c3_i err_i;

  if ( siz_d < _cl_hed_z ) {
    fprintf(fil_u, "log: %s: header cut short (%llu of %zu bytes)\n",
            pax_c, (unsigned long long)siz_d, _cl_hed_z);
    return -1;
  }
  if ( (err_i = _cl_pread_all(fid_i, hed_y, _cl_hed_z, 0)) ) {
    fprintf(fil_u, "log: read %s: %s\n", pax_c,
            ( err_i < 0 ) ? "file shrank while being read" : strerror(err_i));
    return -1;
  }
  if ( _cl_mag_w != _cl_get_w(hed_y + 0) ) {
    fprintf(fil_u, "log: %s: header: bad magic 0x%08x (not an event log)\n",
            pax_c, _cl_get_w(hed_y + 0));
    return -1;
  }
  if ( _cl_ver_w != _cl_get_w(hed_y + 4) ) {
    fprintf(fil_u, "log: %s: header: format version %u, expected %u\n",
            pax_c, _cl_get_w(hed_y + 4), _cl_ver_w);
    return -1;
  }
  if ( c3_crc32c(0, hed_y, 28) != _cl_get_w(hed_y + 28) ) {
    fprintf(fil_u, "log: %s: header: bad checksum\n", pax_c);
    return -1;
  }
  *fir_d = _cl_get_d(hed_y + 8);
  if ( 0 == *fir_d ) {
    fprintf(fil_u, "log: %s: header: first event is 0\n", pax_c);
    return -1;
  }
  return 0;
}

/* _cl_rec_good(): is rec_y a record header that checks out?
*/
static c3_t
_cl_rec_good(const c3_y rec_y[_cl_rec_z])
{
  return c3_crc32c(0, rec_y, 16) == _cl_get_w(rec_y + 16);
}

/* _cl_resync(): does a checked record header for an event after eve_d
**   start anywhere in [off_d, siz_d)?  Streams through the file.  Returns
**   1 or 0, or -1 on a read error (reported).
*/
static c3_i
_cl_resync(c3_i        fid_i,
           const c3_c* pax_c,
           FILE*       fil_u,
           c3_d        siz_d,
           c3_d        off_d,
           c3_d        eve_d)
{
  c3_z  win_z = _cl_chk_z + _cl_rec_z - 1;
  c3_y* win_y = malloc(win_z);
  c3_i  ret_i = 0;
  //  each record takes at least a header: bound the events that can follow
  c3_d  top_d = eve_d + 1 + (siz_d - c3_min(off_d, siz_d)) / _cl_rec_z;

  if ( !win_y ) {
    fprintf(fil_u, "log: %s: out of memory\n", pax_c);
    return -1;
  }
  while ( 0 == ret_i && off_d + _cl_rec_z <= siz_d ) {
    c3_z len_z = (c3_z)c3_min((c3_d)win_z, siz_d - off_d);
    c3_i err_i = _cl_pread_all(fid_i, win_y, len_z, off_d);

    if ( err_i ) {
      fprintf(fil_u, "log: read %s: %s\n", pax_c,
              ( err_i < 0 ) ? "file shrank while being read"
                            : strerror(err_i));
      ret_i = -1;
      break;
    }
    for ( c3_z i_z = 0; i_z + _cl_rec_z <= len_z; i_z++ ) {
      c3_d num_d = _cl_get_d(win_y + i_z + 8);
      if ( num_d > eve_d && num_d <= top_d && _cl_rec_good(win_y + i_z) ) {
        ret_i = 1;
        break;
      }
    }
    //  windows overlap by a record header less one byte
    off_d += len_z - (_cl_rec_z - 1);
  }
  free(win_y);
  return ret_i;
}

/* _cl_scan_file(): check every record of a log file whose header has been
**   read (first event fir_d), streaming.  Fills scn_u; returns one of the
**   _cl_scan_* outcomes.
*/
static c3_i
_cl_scan_file(c3_i        fid_i,
              const c3_c* pax_c,
              FILE*       fil_u,
              c3_d        siz_d,
              c3_d        fir_d,
              _cl_scan*   scn_u)
{
  _cl_read* red_u = _cl_read_new(fid_i, pax_c, fil_u, siz_d);
  c3_i      ret_i = _cl_scan_good;

  memset(scn_u, 0, sizeof(*scn_u));
  scn_u->fir_d = fir_d;
  scn_u->nex_d = fir_d;
  scn_u->end_d = _cl_hed_z;
  scn_u->siz_d = siz_d;
  if ( !red_u ) {
    return _cl_scan_fail;
  }
  _cl_read_seek(red_u, _cl_hed_z);

  while ( scn_u->end_d < siz_d ) {
    c3_d off_d = scn_u->end_d;
    c3_d rem_d = siz_d - off_d;
    c3_d nex_d = scn_u->nex_d;
    c3_y rec_y[_cl_rec_z];

    if ( rem_d < _cl_rec_z ) {
      snprintf(scn_u->wut_c, sizeof(scn_u->wut_c),
               "header cut short by the end of the file (%llu bytes)",
               (unsigned long long)rem_d);
      ret_i = _cl_scan_torn;
      break;
    }
    if ( _cl_read_get(red_u, rec_y, _cl_rec_z) ) {
      ret_i = _cl_scan_fail;
      break;
    }
    if ( !_cl_rec_good(rec_y) ) {
      c3_i syn_i = _cl_resync(fid_i, pax_c, fil_u, siz_d, off_d + 1, nex_d);
      snprintf(scn_u->wut_c, sizeof(scn_u->wut_c), "bad header checksum");
      ret_i = ( syn_i < 0 ) ? _cl_scan_fail
            : ( syn_i > 0 ) ? _cl_scan_dead
            : _cl_scan_torn;
      break;
    }

    c3_d len_d = _cl_get_d(rec_y + 0);
    c3_d eve_d = _cl_get_d(rec_y + 8);

    if ( eve_d != nex_d ) {
      snprintf(scn_u->wut_c, sizeof(scn_u->wut_c),
               "header names event %llu", (unsigned long long)eve_d);
      ret_i = _cl_scan_dead;
      break;
    }
    if ( len_d > rem_d - _cl_rec_z ) {
      snprintf(scn_u->wut_c, sizeof(scn_u->wut_c),
               "length %llu runs past the end of the file (%llu bytes left)",
               (unsigned long long)len_d,
               (unsigned long long)(rem_d - _cl_rec_z));
      ret_i = _cl_scan_torn;
      break;
    }

    c3_w crc_w = _cl_get_w(rec_y + 16);
    if ( _cl_read_crc(red_u, len_d, &crc_w) ) {
      ret_i = _cl_scan_fail;
      break;
    }
    c3_d nxt_d = off_d + _cl_rec_z + len_d;
    if ( crc_w != _cl_get_w(rec_y + 20) ) {
      c3_i syn_i = ( nxt_d == siz_d ) ? 0
                 : _cl_resync(fid_i, pax_c, fil_u, siz_d, nxt_d, nex_d);
      snprintf(scn_u->wut_c, sizeof(scn_u->wut_c), "bad checksum");
      ret_i = ( syn_i < 0 ) ? _cl_scan_fail
            : ( syn_i > 0 ) ? _cl_scan_dead
            : _cl_scan_torn;
      break;
    }
    scn_u->big_d = c3_max(scn_u->big_d, len_d);
    scn_u->nex_d = nex_d + 1;
    scn_u->end_d = nxt_d;
  }
  free(red_u);
  return ret_i;
}

/* _cl_paths(): the log's directory and file under pier_c; 0 if out of
**   memory (reported).
*/
static c3_i
_cl_paths(const c3_c* pier_c, c3_c** urb_c, c3_c** dir_c, c3_c** pax_c)
{
  *urb_c = _cl_join(pier_c, "/.urb");
  *dir_c = *urb_c ? _cl_join(*urb_c, "/log") : 0;
  *pax_c = *dir_c ? _cl_join(*dir_c, "/events.log") : 0;
  if ( !*pax_c ) {
    free(*urb_c);
    free(*dir_c);
    fprintf(stderr, "log: %s: out of memory\n", pier_c);
    return -1;
  }
  return 0;
}

/* _cl_sync_dir(): fsync a directory, making a rename in it durable.
*/
static c3_i
_cl_sync_dir(const c3_c* dir_c)
{
  if ( c3_io_sync_dir(dir_c) ) {
    fprintf(stderr, "log: fsync %s: %s\n", dir_c, strerror(errno));
    return -1;
  }
  return 0;
}

/* _cl_mkdir(): make directory dir_c unless it exists, making the new
**   entry durable (c3_io_mkdir syncs the parent).  0 or -1 (reported).
*/
static c3_i
_cl_mkdir(const c3_c* dir_c)
{
  if ( c3_io_mkdir(dir_c, 0755) ) {
    if ( ENOTDIR == errno ) {
      fprintf(stderr, "log: %s: not a directory\n", dir_c);
    }
    else {
      fprintf(stderr, "log: mkdir %s: %s\n", dir_c, strerror(errno));
    }
    return -1;
  }
  return 0;
}

/* _cl_create(): make an empty log (first event 1) at pax_c: written whole
**   under a temporary name, fsynced, renamed into place.  0 or -1.
*/
static c3_i
_cl_create(const c3_c* dir_c, const c3_c* pax_c)
{
  c3_c* tmp_c = _cl_join(pax_c, ".new");
  c3_y  hed_y[_cl_hed_z];
  c3_i  fid_i, err_i;

  if ( !tmp_c ) {
    fprintf(stderr, "log: %s: out of memory\n", pax_c);
    return -1;
  }
  fid_i = c3_io_open(tmp_c, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if ( fid_i < 0 ) {
    fprintf(stderr, "log: open %s: %s\n", tmp_c, strerror(errno));
    free(tmp_c);
    return -1;
  }
  _cl_head_make(hed_y, 1);
  if ( (err_i = _cl_pwrite_all(fid_i, hed_y, _cl_hed_z, 0)) ) {
    fprintf(stderr, "log: write %s: %s\n", tmp_c, strerror(err_i));
  }
  else if ( (err_i = _cl_sync_fd(fid_i)) ) {
    fprintf(stderr, "log: fsync %s: %s\n", tmp_c, strerror(err_i));
  }
  c3_io_close(fid_i);
  if ( !err_i && c3_io_rename(tmp_c, pax_c) ) {
    err_i = errno;
    fprintf(stderr, "log: rename %s: %s\n", tmp_c, strerror(err_i));
  }
  if ( err_i ) {
    c3_io_unlink(tmp_c);
    free(tmp_c);
    return -1;
  }
  free(tmp_c);
  return _cl_sync_dir(dir_c);
}

/* _cl_open_file(): open (creating if missing) and lock the log file.
**   Returns the descriptor, or -1 (reported).
*/
static c3_i
_cl_open_file(const c3_c* dir_c, const c3_c* pax_c)
{
  c3_i fid_i = c3_io_open(pax_c, O_RDWR | O_CLOEXEC, 0);

  if ( fid_i < 0 && ENOENT == errno ) {
    if ( _cl_create(dir_c, pax_c) ) {
      return -1;
    }
    fid_i = c3_io_open(pax_c, O_RDWR | O_CLOEXEC, 0);
  }
  if ( fid_i < 0 ) {
    fprintf(stderr, "log: open %s: %s\n", pax_c, strerror(errno));
    return -1;
  }
  if ( flock(fid_i, LOCK_EX | LOCK_NB) ) {
    if ( EWOULDBLOCK == errno ) {
      fprintf(stderr, "log: %s: in use (locked by another process)\n",
              pax_c);
    }
    else {
      fprintf(stderr, "log: flock %s: %s\n", pax_c, strerror(errno));
    }
    close(fid_i);
    return -1;
  }
  return fid_i;
}

/* _cl_recover(): scan the open log's file and cut off a torn tail.
**   0 with log_u's positions set, or -1 (reported).
*/
static c3_i
_cl_recover(u3_log* log_u)
{
  struct stat buf_u;
  _cl_scan    scn_u;
  c3_d        fir_d;
  c3_i        ret_i, err_i;

  if ( fstat(log_u->fid_i, &buf_u) ) {
    fprintf(stderr, "log: fstat %s: %s\n", log_u->pax_c, strerror(errno));
    return -1;
  }
  if ( !S_ISREG(buf_u.st_mode) ) {
    fprintf(stderr, "log: %s: not a regular file\n", log_u->pax_c);
    return -1;
  }
  if ( _cl_head_read(log_u->fid_i, log_u->pax_c, stderr,
                     (c3_d)buf_u.st_size, &fir_d) )
  {
    return -1;
  }
  ret_i = _cl_scan_file(log_u->fid_i, log_u->pax_c, stderr,
                        (c3_d)buf_u.st_size, fir_d, &scn_u);
  switch ( ret_i ) {
    case _cl_scan_fail: return -1;

    case _cl_scan_dead: {
      fprintf(stderr, "log: %s: record for event %llu at offset %llu: %s\n"
                      "log: %s: intact records follow it, so this is "
                      "damage, not a torn write; refusing to open\n",
              log_u->pax_c, (unsigned long long)scn_u.nex_d,
              (unsigned long long)scn_u.end_d, scn_u.wut_c, log_u->pax_c);
      return -1;
    }

    case _cl_scan_torn: {
      fprintf(stderr, "log: %s: record for event %llu at offset %llu: %s; "
                      "truncating the torn tail (%llu bytes)\n",
              log_u->pax_c, (unsigned long long)scn_u.nex_d,
              (unsigned long long)scn_u.end_d, scn_u.wut_c,
              (unsigned long long)(scn_u.siz_d - scn_u.end_d));
      if ( (err_i = _cl_truncate_fd(log_u->fid_i, scn_u.end_d)) ) {
        fprintf(stderr, "log: ftruncate %s: %s\n",
                log_u->pax_c, strerror(err_i));
        return -1;
      }
      if ( (err_i = _cl_sync_fd(log_u->fid_i)) ) {
        fprintf(stderr, "log: fsync %s: %s\n", log_u->pax_c, strerror(err_i));
        return -1;
      }
    } break;

    default: break;
  }
  log_u->fir_d = fir_d;
  log_u->las_d = scn_u.nex_d - 1;
  log_u->pen_d = log_u->las_d;
  log_u->end_d = scn_u.end_d;
  return 0;
}

/* u3_log_open(): open PIER's event log, creating it if missing.
*/
u3_log*
u3_log_open(const c3_c* pier_c)
{
  struct stat buf_u;
  c3_c *urb_c, *dir_c, *pax_c;
  u3_log* log_u;

  if ( stat(pier_c, &buf_u) ) {
    fprintf(stderr, "log: stat %s: %s\n", pier_c, strerror(errno));
    return 0;
  }
  if ( !S_ISDIR(buf_u.st_mode) ) {
    fprintf(stderr, "log: %s: not a directory\n", pier_c);
    return 0;
  }
  if ( _cl_paths(pier_c, &urb_c, &dir_c, &pax_c) ) {
    return 0;
  }
  if ( !(log_u = calloc(1, sizeof(*log_u))) ) {
    fprintf(stderr, "log: %s: out of memory\n", pax_c);
    free(urb_c); free(dir_c); free(pax_c);
    return 0;
  }
  log_u->pax_c = pax_c;
  log_u->fid_i = -1;

  if (  _cl_mkdir(urb_c)
     || _cl_mkdir(dir_c)
     || (log_u->fid_i = _cl_open_file(dir_c, pax_c)) < 0
     || _cl_recover(log_u) )
  {
    if ( log_u->fid_i >= 0 ) {
      close(log_u->fid_i);
    }
    free(log_u);
    free(pax_c);
    log_u = 0;
  }
  free(urb_c);
  free(dir_c);
  return log_u;
}

/* u3_log_close(): sync what is buffered, unlock, free.
*/
void
u3_log_close(u3_log* log_u)
{
  if ( !log_u ) {
    return;
  }
  if ( log_u->buf_z ) {
    (void)u3_log_sync(log_u);
  }
  close(log_u->fid_i);
  free(log_u->buf_y);
  free(log_u->pax_c);
  free(log_u);
}

/* u3_log_path(): the log file's path.
*/
const c3_c*
u3_log_path(u3_log* log_u)
{
  return log_u->pax_c;
}

/* u3_log_first(): the first event's number.
*/
c3_d
u3_log_first(u3_log* log_u)
{
  return log_u->fir_d;
}

/* u3_log_last(): the last durable event's number.
*/
c3_d
u3_log_last(u3_log* log_u)
{
  return log_u->las_d;
}

/* u3_log_pending(): the last appended event's number.
*/
c3_d
u3_log_pending(u3_log* log_u)
{
  return log_u->pen_d;
}

/* u3_log_bytes(): bytes up to the last durable record.
*/
c3_d
u3_log_bytes(u3_log* log_u)
{
  return log_u->end_d;
}

/* u3_log_append(): buffer one record.
*/
c3_i
u3_log_append(u3_log* log_u, c3_d eve_d, const c3_y* byt_y, c3_z len_z)
{
  c3_z need_z;
  c3_y* rec_y;

  if ( eve_d != log_u->pen_d + 1 ) {
    fprintf(stderr, "log: %s: append event %llu out of order, expected %llu\n",
            log_u->pax_c, (unsigned long long)eve_d,
            (unsigned long long)(log_u->pen_d + 1));
    return -1;
  }
  if ( len_z > SIZE_MAX - _cl_rec_z - log_u->buf_z ) {
    fprintf(stderr, "log: %s: append event %llu: %zu bytes is too large\n",
            log_u->pax_c, (unsigned long long)eve_d, len_z);
    return -1;
  }
  need_z = log_u->buf_z + _cl_rec_z + len_z;
  if ( need_z > log_u->cap_z ) {
    c3_z cap_z = c3_max(need_z, log_u->cap_z * 2);
    c3_y* buf_y = realloc(log_u->buf_y, cap_z);
    if ( !buf_y ) {
      fprintf(stderr, "log: %s: append event %llu: out of memory "
                      "(%zu bytes)\n",
              log_u->pax_c, (unsigned long long)eve_d, cap_z);
      return -1;
    }
    log_u->buf_y = buf_y;
    log_u->cap_z = cap_z;
  }

  rec_y = log_u->buf_y + log_u->buf_z;
  _cl_put_d(rec_y + 0, (c3_d)len_z);
  _cl_put_d(rec_y + 8, eve_d);
  {
    c3_w hed_w = c3_crc32c(0, rec_y, 16);
    _cl_put_w(rec_y + 16, hed_w);
    _cl_put_w(rec_y + 20, c3_crc32c(hed_w, byt_y, len_z));
  }
  if ( len_z ) {
    memcpy(rec_y + _cl_rec_z, byt_y, len_z);
  }
  log_u->buf_z = need_z;
  log_u->pen_d = eve_d;
  return 0;
}

/* _cl_undo(): after a failed write or fsync, cut the file back to its
**   last durable record; if even that fails, remember to retry.
*/
static void
_cl_undo(u3_log* log_u)
{
  c3_i err_i = _cl_truncate_fd(log_u->fid_i, log_u->end_d);

  if ( err_i ) {
    fprintf(stderr, "log: ftruncate %s: %s\n", log_u->pax_c, strerror(err_i));
    log_u->dit_t = 1;
  }
}

/* u3_log_sync(): write out and fsync the buffered records.
*/
c3_i
u3_log_sync(u3_log* log_u)
{
  c3_i err_i;

  if ( log_u->dit_t ) {
    if ( (err_i = _cl_truncate_fd(log_u->fid_i, log_u->end_d)) ) {
      fprintf(stderr, "log: ftruncate %s: %s\n",
              log_u->pax_c, strerror(err_i));
      return -1;
    }
    log_u->dit_t = 0;
  }
  if ( !log_u->buf_z ) {
    return 0;
  }
  err_i = _cl_pwrite_all(log_u->fid_i, log_u->buf_y, log_u->buf_z,
                         log_u->end_d);
  if ( err_i ) {
    fprintf(stderr, "log: write %s: %s\n", log_u->pax_c, strerror(err_i));
    _cl_undo(log_u);
    return -1;
  }
  //  after a failed fsync the written pages' fate is unknown: cut them off
  //  and write them again next time, rather than trust a second fsync
  //
  if ( (err_i = _cl_sync_fd(log_u->fid_i)) ) {
    fprintf(stderr, "log: fsync %s: %s\n", log_u->pax_c, strerror(err_i));
    _cl_undo(log_u);
    return -1;
  }
  log_u->end_d += log_u->buf_z;
  log_u->las_d  = log_u->pen_d;
  log_u->buf_z  = 0;
  if ( log_u->cap_z > _cl_kep_z ) {
    free(log_u->buf_y);
    log_u->buf_y = 0;
    log_u->cap_z = 0;
  }
  return 0;
}

/* _cl_rec_at(): read into rec_y and check the header of the record for
**   event eve_d at off_d, which must end by end_d; leaves the reader at
**   its payload.  0 or -1 (reported).
*/
static c3_i
_cl_rec_at(_cl_read* red_u,
           c3_d      end_d,
           c3_d      off_d,
           c3_d      eve_d,
           c3_y      rec_y[_cl_rec_z])
{
  const c3_c* wut_c = 0;

  if ( end_d - off_d < _cl_rec_z ) {
    wut_c = "header cut short";
  }
  else {
    _cl_read_seek(red_u, off_d);
    if ( _cl_read_get(red_u, rec_y, _cl_rec_z) ) {
      return -1;
    }
    if ( !_cl_rec_good(rec_y) ) {
      wut_c = "bad header checksum";
    }
    else if ( eve_d != _cl_get_d(rec_y + 8) ) {
      wut_c = "header names another event";
    }
    else if ( _cl_get_d(rec_y) > end_d - off_d - _cl_rec_z ) {
      wut_c = "length runs past the last durable record";
    }
  }
  if ( wut_c ) {
    fprintf(red_u->fil_u, "log: %s: record for event %llu at offset %llu: "
                          "%s\n",
            red_u->pax_c, (unsigned long long)eve_d,
            (unsigned long long)off_d, wut_c);
    return -1;
  }
  return 0;
}

/* u3_log_truncate(): drop buffered records and durable ones after eve_d.
*/
c3_i
u3_log_truncate(u3_log* log_u, c3_d eve_d)
{
  _cl_read* red_u;
  c3_d      off_d = _cl_hed_z;
  c3_i      err_i;

  if ( eve_d + 1 < log_u->fir_d || eve_d > log_u->las_d ) {
    fprintf(stderr, "log: %s: cannot truncate after event %llu: the log "
                    "holds events %llu to %llu\n",
            log_u->pax_c, (unsigned long long)eve_d,
            (unsigned long long)log_u->fir_d,
            (unsigned long long)log_u->las_d);
    return -1;
  }
  if ( !(red_u = _cl_read_new(log_u->fid_i, log_u->pax_c,
                              stderr, log_u->end_d)) )
  {
    return -1;
  }
  for ( c3_d num_d = log_u->fir_d; num_d <= eve_d; num_d++ ) {
    c3_y rec_y[_cl_rec_z];
    if ( _cl_rec_at(red_u, log_u->end_d, off_d, num_d, rec_y) ) {
      free(red_u);
      return -1;
    }
    off_d += _cl_rec_z + _cl_get_d(rec_y);
  }
  free(red_u);

  if ( (err_i = _cl_truncate_fd(log_u->fid_i, off_d)) ) {
    fprintf(stderr, "log: ftruncate %s: %s\n", log_u->pax_c, strerror(err_i));
    return -1;
  }
  log_u->buf_z = 0;
  log_u->end_d = off_d;
  log_u->las_d = eve_d;
  log_u->pen_d = eve_d;
  log_u->dit_t = 0;
  if ( (err_i = _cl_sync_fd(log_u->fid_i)) ) {
    fprintf(stderr, "log: fsync %s: %s\n", log_u->pax_c, strerror(err_i));
    return -1;
  }
  return 0;
}

/* u3_log_iter_open(): a replay cursor from event from_d.
*/
u3_log_iter*
u3_log_iter_open(u3_log* log_u, c3_d from_d)
{
  u3_log_iter* itr_u = calloc(1, sizeof(*itr_u));

  if ( !itr_u ) {
    fprintf(stderr, "log: %s: out of memory\n", log_u->pax_c);
    return 0;
  }
  itr_u->red_u = _cl_read_new(log_u->fid_i, log_u->pax_c,
                              stderr, log_u->end_d);
  if ( !itr_u->red_u ) {
    free(itr_u);
    return 0;
  }
  itr_u->log_u = log_u;
  itr_u->fro_d = c3_max(from_d, log_u->fir_d);
  itr_u->nex_d = log_u->fir_d;
  itr_u->off_d = _cl_hed_z;
  return itr_u;
}

/* u3_log_iter_next(): the next record, or the end.
*/
c3_i
u3_log_iter_next(u3_log_iter* itr_u,
                 c3_d*        eve_d,
                 c3_y**       byt_y,
                 c3_z*        len_z)
{
  u3_log*   log_u = itr_u->log_u;
  _cl_read* red_u = itr_u->red_u;
  c3_y      rec_y[_cl_rec_z];
  c3_d      len_d;
  c3_w      crc_w;

  //  the durable end moves with syncs and truncations: forget what was
  //  read before it moved
  //
  if ( red_u->siz_d != log_u->end_d ) {
    red_u->siz_d = log_u->end_d;
    red_u->len_z = red_u->pos_z = 0;
    red_u->off_d = 0;
  }

  while ( 1 ) {
    if ( itr_u->off_d >= log_u->end_d ) {
      return 0;
    }
    if ( _cl_rec_at(red_u, log_u->end_d, itr_u->off_d, itr_u->nex_d,
                    rec_y) )
    {
      return -1;
    }
    len_d = _cl_get_d(rec_y);
    if ( itr_u->nex_d >= itr_u->fro_d ) {
      break;
    }
    //  skip records before the one wanted, unread: opening checked them
    //
    itr_u->off_d += _cl_rec_z + len_d;
    itr_u->nex_d++;
  }

  if ( len_d > SIZE_MAX - 1 ) {
    fprintf(stderr, "log: %s: record for event %llu at offset %llu: "
                    "too large for memory\n",
            log_u->pax_c, (unsigned long long)itr_u->nex_d,
            (unsigned long long)itr_u->off_d);
    return -1;
  }
  if ( (c3_z)len_d >= itr_u->cap_z ) {
    c3_z  cap_z = (c3_z)len_d + 1;
    c3_y* rec_y = realloc(itr_u->rec_y, cap_z);
    if ( !rec_y ) {
      fprintf(stderr, "log: %s: record for event %llu: out of memory "
                      "(%llu bytes)\n",
              log_u->pax_c, (unsigned long long)itr_u->nex_d,
              (unsigned long long)len_d);
      return -1;
    }
    itr_u->rec_y = rec_y;
    itr_u->cap_z = cap_z;
  }
  if ( _cl_read_get(red_u, itr_u->rec_y, (c3_z)len_d) ) {
    return -1;
  }
  crc_w = c3_crc32c(_cl_get_w(rec_y + 16), itr_u->rec_y, (c3_z)len_d);
  if ( crc_w != _cl_get_w(rec_y + 20) ) {
    fprintf(stderr, "log: %s: record for event %llu at offset %llu: "
                    "bad checksum\n",
            log_u->pax_c, (unsigned long long)itr_u->nex_d,
            (unsigned long long)itr_u->off_d);
    return -1;
  }

  *eve_d = itr_u->nex_d;
  *byt_y = itr_u->rec_y;
  *len_z = (c3_z)len_d;
  itr_u->off_d += _cl_rec_z + len_d;
  itr_u->nex_d++;
  return 1;
}

/* u3_log_iter_close(): free the cursor.
*/
void
u3_log_iter_close(u3_log_iter* itr_u)
{
  if ( itr_u ) {
    free(itr_u->red_u);
    free(itr_u->rec_y);
    free(itr_u);
  }
}

/* u3_log_repair(): cut a pier's log at its first bad record.
*/
c3_i
u3_log_repair(const c3_c* pier_c)
{
  struct stat buf_u;
  _cl_scan    scn_u;
  c3_c       *urb_c, *dir_c, *pax_c;
  c3_d        fir_d;
  c3_i        fid_i, ret_i, err_i;

  if ( _cl_paths(pier_c, &urb_c, &dir_c, &pax_c) ) {
    return -1;
  }
  free(urb_c);
  free(dir_c);

  if ( (fid_i = open(pax_c, O_RDWR | O_CLOEXEC)) < 0 ) {
    fprintf(stderr, "log: open %s: %s\n", pax_c, strerror(errno));
    free(pax_c);
    return -1;
  }
  ret_i = -1;
  if ( flock(fid_i, LOCK_EX | LOCK_NB) ) {
    fprintf(stderr, "log: flock %s: %s\n", pax_c, strerror(errno));
    goto done;
  }
  if ( fstat(fid_i, &buf_u) ) {
    fprintf(stderr, "log: fstat %s: %s\n", pax_c, strerror(errno));
    goto done;
  }
  if ( _cl_head_read(fid_i, pax_c, stderr, (c3_d)buf_u.st_size, &fir_d) ) {
    goto done;
  }
  switch ( _cl_scan_file(fid_i, pax_c, stderr, (c3_d)buf_u.st_size,
                         fir_d, &scn_u) )
  {
    case _cl_scan_fail: goto done;
    case _cl_scan_good: ret_i = 0; goto done;
    default: break;
  }
  fprintf(stderr, "log: %s: record for event %llu at offset %llu: %s; "
                  "cutting it and the %llu bytes from it on\n",
          pax_c, (unsigned long long)scn_u.nex_d,
          (unsigned long long)scn_u.end_d, scn_u.wut_c,
          (unsigned long long)(scn_u.siz_d - scn_u.end_d));
  if ( (err_i = _cl_truncate_fd(fid_i, scn_u.end_d)) ) {
    fprintf(stderr, "log: ftruncate %s: %s\n", pax_c, strerror(err_i));
    goto done;
  }
  if ( (err_i = _cl_sync_fd(fid_i)) ) {
    fprintf(stderr, "log: fsync %s: %s\n", pax_c, strerror(err_i));
    goto done;
  }
  ret_i = 0;

done:
  close(fid_i);
  free(pax_c);
  return ret_i;
}

/* u3_log_check(): verify a pier's log without changing it.
*/
c3_i
u3_log_check(const c3_c* pier_c, FILE* out_f)
{
  struct stat buf_u;
  _cl_scan    scn_u;
  c3_c       *urb_c, *dir_c, *pax_c;
  c3_d        fir_d, num_d;
  c3_i        fid_i, ret_i;

  if ( _cl_paths(pier_c, &urb_c, &dir_c, &pax_c) ) {
    return -1;
  }
  free(urb_c);
  free(dir_c);

  if ( (fid_i = open(pax_c, O_RDONLY | O_CLOEXEC)) < 0 ) {
    fprintf(out_f, "log: open %s: %s\n", pax_c, strerror(errno));
    free(pax_c);
    return -1;
  }
  if ( fstat(fid_i, &buf_u) ) {
    fprintf(out_f, "log: fstat %s: %s\n", pax_c, strerror(errno));
    ret_i = -1;
    goto done;
  }
  if ( _cl_head_read(fid_i, pax_c, out_f, (c3_d)buf_u.st_size, &fir_d) ) {
    ret_i = -1;
    goto done;
  }

  ret_i = _cl_scan_file(fid_i, pax_c, out_f, (c3_d)buf_u.st_size,
                        fir_d, &scn_u);
  if ( _cl_scan_fail == ret_i ) {
    ret_i = -1;
    goto done;
  }
  num_d = scn_u.nex_d - fir_d;
  fprintf(out_f, "log: %s: format %u, %llu bytes\n",
          pax_c, _cl_ver_w, (unsigned long long)scn_u.siz_d);
  if ( num_d ) {
    fprintf(out_f, "log: %s: %llu intact records, events %llu to %llu, "
                   "largest %llu bytes\n",
            pax_c, (unsigned long long)num_d, (unsigned long long)fir_d,
            (unsigned long long)(scn_u.nex_d - 1),
            (unsigned long long)scn_u.big_d);
  }
  else {
    fprintf(out_f, "log: %s: 0 intact records, next event %llu\n",
            pax_c, (unsigned long long)fir_d);
  }

  switch ( ret_i ) {
    case _cl_scan_good: {
      fprintf(out_f, "log: %s: sound\n", pax_c);
      ret_i = 0;
    } break;

    case _cl_scan_torn: {
      fprintf(out_f, "log: %s: record for event %llu at offset %llu: %s\n"
                     "log: %s: torn final record: opening will truncate "
                     "the last %llu bytes\n",
              pax_c, (unsigned long long)scn_u.nex_d,
              (unsigned long long)scn_u.end_d, scn_u.wut_c, pax_c,
              (unsigned long long)(scn_u.siz_d - scn_u.end_d));
      ret_i = 1;
    } break;

    default: {
      fprintf(out_f, "log: %s: record for event %llu at offset %llu: %s\n"
                     "log: %s: damaged: intact records follow the bad one\n",
              pax_c, (unsigned long long)scn_u.nex_d,
              (unsigned long long)scn_u.end_d, scn_u.wut_c, pax_c);
      ret_i = -1;
    } break;
  }

done:
  close(fid_i);
  free(pax_c);
  return ret_i;
}
