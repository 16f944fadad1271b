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
///   gap      a record whose length field is 2^63 + 16, its event number
///            the first event lost, its 16-byte payload the last event
///            lost (u64) and the offset where the damage starts (u64);
///            both checks as for a record.  Written only by a start that
///            found those events damaged or missing and a snapshot holding
///            them; the next record carries the last lost event plus one.
///
/// The durable mark, PIER/.urb/log/mark.bin: two 48-byte slots, at offsets
/// 0 and 512 (never in one sector), each
///
///            0  u32  magic, "ulmk" (0x6b6d6c75)
///            4  u32  version, 1
///            8  u64  sequence number, odd in slot 1, even in slot 0
///           16  u64  the log's first event (a mark names its log)
///           24  u64  every event up to this one is durable,
///           32  u64  and every byte of the log below this offset
///           40  u32  CRC-32C of bytes 0..39
///
/// The slot whose check holds with the highest sequence number is the mark.
///
/// Invariants.  Records carry consecutive event numbers from the header's
/// first event, across gap records.  Bytes up to the written end (end_d)
/// are whole, checked records that have been fsynced; nothing is written
/// past them except by u3_log_sync(), which writes the buffered records at
/// end_d and fsyncs, and on any failure truncates the file back to end_d,
/// keeping the records buffered for the next attempt.  Only after that
/// fsync does it write the older mark slot and fsync the mark, and only
/// then do the events count as durable (u3_log_last()).  So the mark never
/// runs ahead of fsynced records, and a torn slot write leaves the other
/// slot, the previous mark, in force.  The cost is a second fsync per
/// batch, and the runtime syncs a batch at most about once a second and
/// before each snapshot.  A new log is written under a name of its own
/// process and linked into place, which fails instead of replacing a log
/// a racing process made (the loser then finds it "in use"), so the log
/// file always has a whole header.  One process at a time opens a log for
/// writing (flock); u3_log_check() opens read-only, takes no lock, writes
/// nothing.
///
/// Recovery.  A crash can only tear what was written after the last fsync:
/// past the mark.  Anything wrong at or before the durable point, the
/// later of the mark and the snapshot's event, is damage, never a torn
/// tail, and is never cut.  Opening only scans, streaming through the file
/// in bounded memory: for a bad record at offset X (header check failing,
/// the wrong event, length running past the end, record check failing) it
/// looks for the next record that can follow (a checked header for a later
/// event, or a gap record from the bad event on; after a bad header from
/// X + 1, else from just past the header, since the length may be what is
/// wrong) and goes on from there, noting the stretch of lost events.  A
/// bad record nothing follows is the tail.  Then the start, knowing the
/// snapshot's event S, asks _cl_decide(), which u3_log_check() asks too:
///
///   - events lost in the middle, or at the tail at or before the durable
///     point: if the snapshot holds them all (none past S), go on from the
///     snapshot with a loud warning; at the tail, append a gap record
///     after the damaged bytes (which stay, for the operator), so appends
///     and later scans go on.  A replay that would need a lost event
///     refuses, naming them: the state cannot be rebuilt from event 1.
///   - else refuse, naming event and offset, and change nothing.
///   - a bad tail past the durable point is torn: cut it, only now.  So
///     is a stretch lost wholly past the mark even when whole records
///     follow it: the disk may write a batch's blocks in any order before
///     its fsync returns, and nothing past the mark was reported durable.
///
/// Repair is the operator's call: u3_log_repair() cuts a damaged log at its
/// first bad record, u3_log_truncate() cuts an open log after a chosen
/// event; both lower the mark before they cut.
///
/// Memory.  Scans read through a 64 KiB window; a replay cursor holds one
/// record; appends hold the records buffered since the last sync, which
/// the caller bounds by how many events it batches.
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "c3/crc.h"
#include "c3/io.h"
#include "vere/log.h"
#include "vere/path.h"

#define _cl_mag_w  0x676f6c75U     //  "ulog"
#define _cl_ver_w  1U
#define _cl_hed_z  ((c3_z)32)      //  file header
#define _cl_rec_z  ((c3_z)24)      //  record header
#define _cl_chk_z  ((c3_z)1 << 16) //  read chunk
#define _cl_kep_z  ((c3_z)1 << 20) //  write buffer kept between syncs
#define _cl_gap_f  ((c3_d)1 << 63) //  length flag of a gap record
#define _cl_gap_z  ((c3_z)16)      //  gap record payload
#define _cl_mkm_w  0x6b6d6c75U     //  "ulmk", durable mark slot magic
#define _cl_mks_z  ((c3_z)48)      //  mark slot
#define _cl_mko_z  ((c3_z)512)     //  offset of the second slot

/* _cl_ext: a stretch of lost events: bad_d to res_d - 1 (none when equal)
**   from offset off_d, ended by the record for event res_d or a gap record.
*/
typedef struct {
  c3_d bad_d;        //  first event lost
  c3_d off_d;        //  where the damage starts
  c3_d res_d;        //  first event after it
  c3_t gap_t;        //  a gap record says the snapshot held them
  c3_c wut_c[96];    //  what is wrong at off_d
} _cl_ext;

#define _cl_ext_max  8

/* _cl_scan: the outcome of checking a log file's records, and its mark.
*/
typedef struct {
  c3_d fir_d;        //  first event, from the header
  c3_d nex_d;        //  event expected next: one past the last intact
  c3_d end_d;        //  offset just past the last intact record
  c3_d siz_d;        //  file size
  c3_d big_d;        //  largest payload seen
  c3_d num_d;        //  intact records
  c3_d res_d;        //  the last point reading resumed after damage:
  c3_d rof_d;        //    its event and offset (fir_d, header when none)
  c3_w ext_w;        //  stretches of lost events found (may pass the max)
  _cl_ext ext_u[_cl_ext_max];
  c3_d hil_d;        //  the latest event lost in them, 0 if none
  c3_t tal_t;        //  the bytes from end_d on are not a record
  c3_c wut_c[160];   //  what is wrong with them
  c3_t mrk_t;        //  a durable mark was found
  c3_d mrk_d;        //  the mark: every event to mrk_d was durable,
  c3_d mof_d;        //    every byte below mof_d
} _cl_scan;

/* _cl_verdict: what a start does with a scanned log, given its snapshot.
*/
typedef struct {
  c3_t ref_t;        //  refuse to start
  c3_t cut_t;        //  cut the torn tail at the scan's end_d
  c3_t gap_t;        //  append a gap record: events gfr_d to gto_d lost
  c3_t dam_t;        //  the history is damaged (warn)
  c3_d gfr_d;
  c3_d gto_d;
  c3_t tex_t;        //  the cut is at a stretch past the mark, not end_d:
  c3_w tex_w;        //    the stretch (index), which is dropped
  c3_d cof_d;        //    and everything from its offset
  c3_d cnx_d;        //    so the next event is its first
  c3_c why_c[2048];  //  the verdict, in words, one line each
} _cl_verdict;

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
  c3_d  dat_d;  //  last event whose record is fsynced (>= las_d)
  c3_c* mpa_c;  //  durable mark path
  c3_i  mfd_i;  //  durable mark, open read-write
  c3_d  msq_d;  //  sequence number of the last mark written
  c3_t  set_t;  //  started: appends may go on
  _cl_scan scn_u;  //  what opening found
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

/* _cl_rec_gap(): is the checked header rec_y a gap record's?
*/
static c3_t
_cl_rec_gap(const c3_y rec_y[_cl_rec_z])
{
  return ( _cl_gap_f | _cl_gap_z ) == _cl_get_d(rec_y);
}

/* _cl_resync(): the first checked record header in [off_d, siz_d) that
**   can follow damage at event eve_d: a record for a later event, or a
**   gap record from eve_d on.  Streams through the file.  Returns 1 with
**   *fof_d and *fev_d (its offset and event) set, 0 when there is none,
**   -1 on a read error (reported).
*/
static c3_i
_cl_resync(c3_i        fid_i,
           const c3_c* pax_c,
           FILE*       fil_u,
           c3_d        siz_d,
           c3_d        off_d,
           c3_d        eve_d,
           c3_d*       fof_d,
           c3_d*       fev_d)
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
      c3_y* rec_y = win_y + i_z;
      c3_d  num_d = _cl_get_d(rec_y + 8);
      c3_d  low_d = _cl_rec_gap(rec_y) ? eve_d : eve_d + 1;

      if ( num_d >= low_d && num_d <= top_d && _cl_rec_good(rec_y) ) {
        *fof_d = off_d + i_z;
        *fev_d = num_d;
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

/* _cl_scan_lose(): note that events bad_d to res_d - 1 are lost, from
**   offset off_d, for the reason wut_c.
*/
static void
_cl_scan_lose(_cl_scan* scn_u, c3_d bad_d, c3_d off_d, c3_d res_d,
              c3_t gap_t, const c3_c* wut_c)
{
  _cl_ext* ext_u = ( scn_u->ext_w < _cl_ext_max )
                   ? &scn_u->ext_u[scn_u->ext_w]
                   : &scn_u->ext_u[_cl_ext_max - 1];

  //  a gap record right where earlier damage resumed extends that damage
  //
  if ( gap_t && scn_u->ext_w && scn_u->res_d == bad_d
       && scn_u->rof_d == off_d )
  {
    _cl_ext* las_u = &scn_u->ext_u[c3_min(scn_u->ext_w, _cl_ext_max) - 1];
    las_u->res_d = res_d;
    las_u->gap_t = 1;
    scn_u->hil_d = c3_max(scn_u->hil_d, res_d - 1);
    return;
  }
  if ( scn_u->ext_w < _cl_ext_max || res_d - 1 > scn_u->hil_d ) {
    //  past the table, keep the extent that loses the latest events
    ext_u->bad_d = bad_d;
    ext_u->off_d = off_d;
    ext_u->res_d = res_d;
    ext_u->gap_t = gap_t;
    snprintf(ext_u->wut_c, sizeof(ext_u->wut_c), "%s", wut_c);
  }
  scn_u->ext_w++;
  if ( res_d > bad_d ) {
    scn_u->hil_d = c3_max(scn_u->hil_d, res_d - 1);
  }
}

/* _cl_scan_gap(): judge the gap record whose header rec_y was read at
**   off_d (rem_d bytes left), reading its payload from red_u: as
**   _cl_scan_rec.
*/
static c3_i
_cl_scan_gap(_cl_read* red_u, _cl_scan* scn_u, const c3_y* rec_y, c3_d off_d,
             c3_d rem_d, c3_c* wut_c, c3_z wut_z, c3_d* syn_d)
{
  c3_d eve_d = _cl_get_d(rec_y + 8);
  c3_w crc_w = _cl_get_w(rec_y + 16);
  c3_y pay_y[_cl_gap_z];

  if ( eve_d != scn_u->nex_d || rem_d < _cl_rec_z + _cl_gap_z ) {
    snprintf(wut_c, wut_z, "gap record for event %llu out of "
             "place", (unsigned long long)eve_d);
    *syn_d = off_d + 1;
    return 1;
  }
  if ( _cl_read_get(red_u, pay_y, _cl_gap_z) ) {
    return -1;
  }
  if ( c3_crc32c(crc_w, pay_y, _cl_gap_z) != _cl_get_w(rec_y + 20)
       || _cl_get_d(pay_y) + 1 < eve_d )
  {
    snprintf(wut_c, wut_z, "bad gap record");
    *syn_d = off_d + 1;
    return 1;
  }

  //  events eve_d to the payload's first word were lost, covered by
  //  a snapshot when the gap was recorded
  //
  c3_d las_d = _cl_get_d(pay_y);
  scn_u->end_d = off_d + _cl_rec_z + _cl_gap_z;
  scn_u->nex_d = las_d + 1;
  _cl_scan_lose(scn_u, eve_d, off_d, las_d + 1, 1, "recorded as lost");
  scn_u->res_d = scn_u->nex_d;
  scn_u->rof_d = scn_u->end_d;
  return 0;
}

/* _cl_scan_rec(): judge the record whose header rec_y was read at off_d
**   (rem_d bytes left in the file), reading its payload from red_u: 0
**   when it is whole (scn_u goes past it), 1 when it is damaged (why in
**   wut_c, where to look for what follows in *syn_d), -1 when it cannot
**   be read (reported).
*/
static c3_i
_cl_scan_rec(_cl_read* red_u, _cl_scan* scn_u, const c3_y* rec_y, c3_d off_d,
             c3_d rem_d, c3_c* wut_c, c3_z wut_z, c3_d* syn_d)
{
  c3_d len_d = _cl_get_d(rec_y + 0);
  c3_d eve_d = _cl_get_d(rec_y + 8);
  c3_w crc_w = _cl_get_w(rec_y + 16);
  c3_d nex_d = scn_u->nex_d;

  if ( !_cl_rec_good(rec_y) ) {
    snprintf(wut_c, wut_z, "bad header checksum");
    *syn_d = off_d + 1;
    return 1;
  }
  if ( _cl_rec_gap(rec_y) ) {
    return _cl_scan_gap(red_u, scn_u, rec_y, off_d, rem_d, wut_c, wut_z, syn_d);
  }
  if ( eve_d != nex_d ) {
    //  a whole record for a later event: the events before it are lost
    snprintf(wut_c, wut_z, "header names event %llu",
             (unsigned long long)eve_d);
    *syn_d = ( eve_d > nex_d ) ? off_d : off_d + 1;
    return 1;
  }
  if ( len_d > rem_d - _cl_rec_z ) {
    snprintf(wut_c, wut_z,
             "length %llu runs past the end of the file (%llu bytes left)",
             (unsigned long long)len_d,
             (unsigned long long)(rem_d - _cl_rec_z));
    *syn_d = off_d + _cl_rec_z;
    return 1;
  }
  if ( _cl_read_crc(red_u, len_d, &crc_w) ) {
    return -1;
  }
  if ( crc_w == _cl_get_w(rec_y + 20) ) {
    scn_u->big_d = c3_max(scn_u->big_d, len_d);
    scn_u->nex_d = nex_d + 1;
    scn_u->end_d = off_d + _cl_rec_z + len_d;
    scn_u->num_d++;
    return 0;
  }
  //  the length may be what is wrong: look right after the header
  //
  snprintf(wut_c, wut_z, "bad checksum");
  *syn_d = off_d + _cl_rec_z;
  return 1;
}

/* _cl_scan_file(): check every record of a log file whose header has been
**   read (first event fir_d), streaming, and go on past damage to the
**   next record that can follow it.  Fills scn_u (but not its mark);
**   returns 0, or -1 when the file could not be read (reported).
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

  memset(scn_u, 0, sizeof(*scn_u));
  scn_u->fir_d = fir_d;
  scn_u->nex_d = fir_d;
  scn_u->end_d = _cl_hed_z;
  scn_u->siz_d = siz_d;
  scn_u->res_d = fir_d;
  scn_u->rof_d = _cl_hed_z;
  if ( !red_u ) {
    return -1;
  }

  while ( scn_u->end_d < siz_d ) {
    c3_d off_d = scn_u->end_d;
    c3_d rem_d = siz_d - off_d;
    c3_d nex_d = scn_u->nex_d;
    c3_d syn_d;                 //  where to look for what follows damage
    c3_y rec_y[_cl_rec_z];
    c3_c wut_c[160];

    _cl_read_seek(red_u, off_d);
    if ( rem_d < _cl_rec_z ) {
      snprintf(scn_u->wut_c, sizeof(scn_u->wut_c),
               "header cut short by the end of the file (%llu bytes)",
               (unsigned long long)rem_d);
      scn_u->tal_t = 1;
      break;
    }
    if ( _cl_read_get(red_u, rec_y, _cl_rec_z) ) {
      free(red_u);
      return -1;
    }

    c3_i rec_i = _cl_scan_rec(red_u, scn_u, rec_y, off_d, rem_d,
                              wut_c, sizeof(wut_c), &syn_d);
    if ( rec_i < 0 ) {
      free(red_u);
      return -1;
    }
    if ( 0 == rec_i ) {
      continue;
    }

    //  damage at off_d: is anything whole after it?
    //
    {
      c3_d fof_d, fev_d;
      c3_i syn_i = _cl_resync(fid_i, pax_c, fil_u, siz_d, syn_d, nex_d,
                              &fof_d, &fev_d);
      if ( syn_i < 0 ) {
        free(red_u);
        return -1;
      }
      if ( 0 == syn_i ) {
        snprintf(scn_u->wut_c, sizeof(scn_u->wut_c), "%s", wut_c);
        scn_u->tal_t = 1;
        break;
      }
      _cl_scan_lose(scn_u, nex_d, off_d, fev_d, 0, wut_c);
      scn_u->nex_d = fev_d;
      scn_u->end_d = fof_d;
      scn_u->res_d = fev_d;
      scn_u->rof_d = fof_d;
    }
  }
  free(red_u);
  return 0;
}

/* _cl_mark_read(): read the durable mark of a log whose first event is
**   fir_d from mfd_i (-1: no mark file) into scn_u; *msq_d gets the
**   sequence number of the slot used (0 when none).  The newest slot
**   whose check holds and that names this log wins.  0, or -1 on a read
**   error (reported).
*/
static c3_i
_cl_mark_read(c3_i        mfd_i,
              const c3_c* mpa_c,
              FILE*       fil_u,
              c3_d        fir_d,
              _cl_scan*   scn_u,
              c3_d*       msq_d)
{
  *msq_d = 0;
  scn_u->mrk_t = 0;
  scn_u->mrk_d = fir_d - 1;
  scn_u->mof_d = _cl_hed_z;
  if ( mfd_i < 0 ) {
    return 0;
  }
  for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
    c3_y slo_y[_cl_mks_z];
    c3_i err_i = _cl_pread_all(mfd_i, slo_y, _cl_mks_z, i_w * _cl_mko_z);

    if ( err_i < 0 ) {
      continue;   //  a slot never written
    }
    if ( err_i ) {
      fprintf(fil_u, "log: read %s: %s\n", mpa_c, strerror(err_i));
      return -1;
    }
    if (  _cl_mkm_w != _cl_get_w(slo_y)
       || 1 != _cl_get_w(slo_y + 4)
       || c3_crc32c(0, slo_y, 40) != _cl_get_w(slo_y + 40)
       || fir_d != _cl_get_d(slo_y + 16)
       || _cl_get_d(slo_y + 8) <= *msq_d )
    {
      continue;
    }
    *msq_d = _cl_get_d(slo_y + 8);
    scn_u->mrk_t = 1;
    scn_u->mrk_d = _cl_get_d(slo_y + 24);
    scn_u->mof_d = _cl_get_d(slo_y + 32);
  }
  return 0;
}

/* _cl_mark_write(): record durably that every event to eve_d, every byte
**   below off_d, of the log is on disk: write the older of the two slots
**   and fsync.  A torn slot write leaves the other slot, the last mark,
**   in force.  0 or -1 (reported).
*/
static c3_i
_cl_mark_write(u3_log* log_u, c3_d eve_d, c3_d off_d)
{
  c3_y slo_y[_cl_mks_z];
  c3_d seq_d = log_u->msq_d + 1;
  c3_i err_i;

  memset(slo_y, 0, sizeof(slo_y));
  _cl_put_w(slo_y + 0, _cl_mkm_w);
  _cl_put_w(slo_y + 4, 1);
  _cl_put_d(slo_y + 8, seq_d);
  _cl_put_d(slo_y + 16, log_u->fir_d);
  _cl_put_d(slo_y + 24, eve_d);
  _cl_put_d(slo_y + 32, off_d);
  _cl_put_w(slo_y + 40, c3_crc32c(0, slo_y, 40));

  err_i = _cl_pwrite_all(log_u->mfd_i, slo_y, _cl_mks_z,
                         (seq_d & 1) * _cl_mko_z);
  if ( err_i ) {
    fprintf(stderr, "log: write %s: %s\n", log_u->mpa_c, strerror(err_i));
    return -1;
  }
  if ( (err_i = _cl_sync_fd(log_u->mfd_i)) ) {
    fprintf(stderr, "log: fsync %s: %s\n", log_u->mpa_c, strerror(err_i));
    return -1;
  }
  log_u->msq_d = seq_d;
  log_u->scn_u.mrk_t = 1;
  log_u->scn_u.mrk_d = eve_d;
  log_u->scn_u.mof_d = off_d;
  return 0;
}

/* _cl_say(): append a formatted line to the verdict's text.
*/
static void
_cl_say(_cl_verdict* ver_u, const c3_c* fmt_c, ...)
  __attribute__((format(printf, 2, 3)));

static void
_cl_say(_cl_verdict* ver_u, const c3_c* fmt_c, ...)
{
  c3_z    len_z = strlen(ver_u->why_c);
  va_list ap_u;

  if ( len_z + 1 >= sizeof(ver_u->why_c) ) {
    return;
  }
  va_start(ap_u, fmt_c);
  vsnprintf(ver_u->why_c + len_z, sizeof(ver_u->why_c) - len_z, fmt_c, ap_u);
  va_end(ap_u);
}

/* _cl_decide_torn(): _cl_decide on a stretch lost wholly past the
**   durable mark with whole records after it: a batch a crash tore (the
**   disk may write its blocks in any order before the fsync returns, and
**   nothing past the mark was reported durable), so it and everything
**   after it are cut.  Returns how many stretches come before it (all of
**   them when there is none).
*/
static c3_w
_cl_decide_torn(const c3_c*     pax_c,
                const _cl_scan* scn_u,
                c3_d            sna_d,
                _cl_verdict*    ver_u)
{
  c3_d dur_d = c3_max(scn_u->mrk_d, sna_d);
  c3_w lim_w = c3_min(scn_u->ext_w, _cl_ext_max);

  if ( !scn_u->mrk_t ) {
    return lim_w;
  }
  for ( c3_w i_w = 0; i_w < lim_w; i_w++ ) {
    const _cl_ext* ext_u = &scn_u->ext_u[i_w];

    if ( ext_u->off_d >= scn_u->mof_d && ext_u->bad_d > dur_d ) {
      ver_u->tex_t = 1;
      ver_u->tex_w = i_w;
      ver_u->cof_d = ext_u->off_d;
      ver_u->cnx_d = ext_u->bad_d;
      ver_u->cut_t = 1;
      _cl_say(ver_u, "log: %s: the records from offset %llu (event %llu on) "
                     "lie past the durable mark (event %llu, offset %llu) "
                     "and are damaged: a batch torn by a crash, never "
                     "reported durable; a start cuts its %llu bytes\n",
              pax_c, (unsigned long long)ext_u->off_d,
              (unsigned long long)ext_u->bad_d,
              (unsigned long long)scn_u->mrk_d,
              (unsigned long long)scn_u->mof_d,
              (unsigned long long)(scn_u->siz_d - ext_u->off_d));
      return i_w;
    }
  }
  return lim_w;
}

/* _cl_decide_lost(): _cl_decide on the first lim_w stretches of events
**   lost inside the log.
*/
static void
_cl_decide_lost(const c3_c*     pax_c,
                const _cl_scan* scn_u,
                c3_d            sna_d,
                c3_w            lim_w,
                _cl_verdict*    ver_u)
{
  //  stretches lost inside the log before any torn batch (the first
  //  lim_w): damage, whatever the mark says, since whole records follow
  //
  for ( c3_w i_w = 0; i_w < lim_w; i_w++ ) {
    const _cl_ext* ext_u = &scn_u->ext_u[i_w];

    if ( ext_u->res_d <= ext_u->bad_d ) {
      continue;
    }
    if ( ext_u->res_d - 1 > sna_d ) {
      _cl_say(ver_u, "log: %s: events %llu to %llu, from offset %llu, are "
                     "lost (%s) and the snapshot holds events only to "
                     "%llu\n",
              pax_c, (unsigned long long)ext_u->bad_d,
              (unsigned long long)(ext_u->res_d - 1),
              (unsigned long long)ext_u->off_d, ext_u->wut_c,
              (unsigned long long)sna_d);
      ver_u->ref_t = 1;
    }
    else {
      _cl_say(ver_u, "log: %s: events %llu to %llu, from offset %llu, are "
                     "lost (%s)%s; the snapshot (event %llu) holds them\n",
              pax_c, (unsigned long long)ext_u->bad_d,
              (unsigned long long)(ext_u->res_d - 1),
              (unsigned long long)ext_u->off_d, ext_u->wut_c,
              ext_u->gap_t ? ", recorded as a gap" : "",
              (unsigned long long)sna_d);
      ver_u->dam_t = 1;
    }
  }
  if ( !ver_u->tex_t && scn_u->ext_w > _cl_ext_max ) {
    _cl_say(ver_u, "log: %s: %u stretches of lost events in all, the latest "
                   "lost event %llu\n",
            pax_c, scn_u->ext_w, (unsigned long long)scn_u->hil_d);
    if ( scn_u->hil_d > sna_d ) {
      ver_u->ref_t = 1;
    }
  }
}

/* _cl_decide_end(): _cl_decide on the log's end: bytes past the last
**   whole record, or whole records missing before the durable point.
*/
static void
_cl_decide_end(const c3_c*     pax_c,
               const _cl_scan* scn_u,
               c3_d            sna_d,
               _cl_verdict*    ver_u)
{
  c3_d las_d = scn_u->nex_d - 1;
  c3_d dur_d = c3_max(scn_u->mrk_d, sna_d);

  //  the end: bytes past the last whole record, or whole records missing
  //
  if ( scn_u->tal_t || las_d < dur_d ) {
    c3_d nex_d = scn_u->nex_d;
    c3_d end_d = scn_u->end_d;

    if ( scn_u->tal_t ) {
      _cl_say(ver_u, "log: %s: record for event %llu at offset %llu: %s\n",
              pax_c, (unsigned long long)nex_d, (unsigned long long)end_d,
              scn_u->wut_c);
    }
    else {
      _cl_say(ver_u, "log: %s: the log ends at event %llu (offset %llu)\n",
              pax_c, (unsigned long long)las_d, (unsigned long long)end_d);
    }
    if ( nex_d > dur_d && end_d >= scn_u->mof_d ) {
      //  past everything known durable: a write the crash interrupted
      //
      _cl_say(ver_u, "log: %s: torn tail past the durable mark (event "
                     "%llu, offset %llu): a start cuts its %llu bytes\n",
              pax_c, (unsigned long long)scn_u->mrk_d,
              (unsigned long long)scn_u->mof_d,
              (unsigned long long)(scn_u->siz_d - end_d));
      ver_u->cut_t = 1;
    }
    else if ( scn_u->mrk_d > sna_d || nex_d > sna_d ) {
      c3_d los_d = c3_max(nex_d, sna_d + 1);
      _cl_say(ver_u, "log: %s: events %llu to %llu were durable (the mark "
                     "says so up to offset %llu) but are lost from offset "
                     "%llu, and the snapshot holds events only to %llu\n",
              pax_c, (unsigned long long)nex_d,
              (unsigned long long)c3_max(scn_u->mrk_d, los_d),
              (unsigned long long)scn_u->mof_d, (unsigned long long)end_d,
              (unsigned long long)sna_d);
      ver_u->ref_t = 1;
    }
    else {
      _cl_say(ver_u, "log: %s: events %llu to %llu are lost from offset "
                     "%llu; the snapshot (event %llu) holds them: a start "
                     "records the gap after the damaged bytes, which it "
                     "keeps\n",
              pax_c, (unsigned long long)nex_d, (unsigned long long)sna_d,
              (unsigned long long)end_d, (unsigned long long)sna_d);
      ver_u->dam_t = 1;
      ver_u->gap_t = 1;
      ver_u->gfr_d = nex_d;
      ver_u->gto_d = sna_d;
    }
  }
}

/* _cl_decide(): what a start does with the scanned log of pax_c, whose
**   snapshot holds every event to sna_d (0: no snapshot).  The one rule
**   shared by a start and by u3_log_check().
*/
static void
_cl_decide(const c3_c*     pax_c,
           const _cl_scan* scn_u,
           c3_d            sna_d,
           _cl_verdict*    ver_u)
{
  memset(ver_u, 0, sizeof(*ver_u));

  //  a log that starts past the snapshot's next event cannot replay
  //
  if ( scn_u->fir_d > sna_d + 1 ) {
    _cl_say(ver_u, "log: %s: the log starts at event %llu, and the snapshot "
                   "holds events only to %llu: events %llu to %llu are in "
                   "neither\n",
            pax_c, (unsigned long long)scn_u->fir_d,
            (unsigned long long)sna_d, (unsigned long long)(sna_d + 1),
            (unsigned long long)(scn_u->fir_d - 1));
    ver_u->ref_t = 1;
  }

  c3_w lim_w = _cl_decide_torn(pax_c, scn_u, sna_d, ver_u);
  _cl_decide_lost(pax_c, scn_u, sna_d, lim_w, ver_u);
  if ( !ver_u->tex_t ) {
    _cl_decide_end(pax_c, scn_u, sna_d, ver_u);
  }

  if ( ver_u->ref_t ) {
    _cl_say(ver_u, "log: %s: events the snapshot lacks are damaged or "
                   "lost: refusing to start; nothing was changed.  Restore "
                   "the log from a copy, or start from a snapshot that "
                   "holds them\n", pax_c);
  }
  else if ( ver_u->dam_t ) {
    _cl_say(ver_u, "log: %s: WARNING: the log's history is damaged; "
                   "starting from the snapshot at event %llu.  The log "
                   "cannot rebuild the state from event %llu\n",
            pax_c, (unsigned long long)sna_d,
            (unsigned long long)scn_u->fir_d);
  }
}

/* _cl_paths(): the pier's .urb, the log's directory and file; -1 if out
**   of memory (reported).
*/
static c3_i
_cl_paths(const c3_c* pier_c, c3_c** urb_c, c3_c** dir_c, c3_c** pax_c)
{
  *urb_c = u3_path_new(pier_c, u3_path_urb);
  *dir_c = u3_path_new(pier_c, u3_path_log);
  *pax_c = u3_path_new(pier_c, u3_path_events);
  if ( !*urb_c || !*dir_c || !*pax_c ) {
    free(*urb_c);
    free(*dir_c);
    free(*pax_c);
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

/* _cl_create(): make an empty log (first event 1) at pax_c: written whole
**   under a temporary name of this process, fsynced, and linked into
**   place, which fails rather than replace a log another process made
**   meanwhile.  0, or -1 (reported); *los_t is set on a lost race.
*/
static c3_i
_cl_create(const c3_c* dir_c, const c3_c* pax_c, c3_t* los_t)
{
  c3_c  pid_c[32];
  c3_c* tmp_c;
  c3_y  hed_y[_cl_hed_z];
  c3_i  fid_i, err_i;

  *los_t = 0;
  snprintf(pid_c, sizeof(pid_c), ".new.%ld", (long)getpid());
  if ( !(tmp_c = _cl_join(pax_c, pid_c)) ) {
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
  if ( !err_i && link(tmp_c, pax_c) ) {
    err_i = errno;
    if ( EEXIST == err_i ) {
      *los_t = 1;
    }
    else {
      fprintf(stderr, "log: link %s to %s: %s\n",
              tmp_c, pax_c, strerror(err_i));
    }
  }
  c3_io_unlink(tmp_c);
  free(tmp_c);
  if ( err_i ) {
    return ( *los_t ) ? 0 : -1;
  }
  return _cl_sync_dir(dir_c);
}

/* _cl_open_file(): open (creating if missing) and lock the log file.
**   Returns the descriptor, or -1 (reported).
*/
static c3_i
_cl_open_file(const c3_c* dir_c, const c3_c* pax_c)
{
  c3_i fid_i = c3_io_open(pax_c, O_RDWR | O_CLOEXEC, 0);
  c3_t los_t = 0;

  if ( fid_i < 0 && ENOENT == errno ) {
    if ( _cl_create(dir_c, pax_c, &los_t) ) {
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
      fprintf(stderr, "log: %s: in use (locked by another process%s)\n",
              pax_c, los_t ? " that created it just now" : "");
    }
    else {
      fprintf(stderr, "log: flock %s: %s\n", pax_c, strerror(errno));
    }
    c3_io_close(fid_i);
    return -1;
  }
  return fid_i;
}

/* _cl_open_mark(): open (creating if missing) the durable mark file.
**   Returns the descriptor, or -1 (reported).
*/
static c3_i
_cl_open_mark(const c3_c* dir_c, const c3_c* mpa_c)
{
  c3_i fid_i = c3_io_open(mpa_c, O_RDWR | O_CLOEXEC, 0);

  if ( fid_i < 0 && ENOENT == errno ) {
    fid_i = c3_io_open(mpa_c, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if ( fid_i >= 0 && _cl_sync_dir(dir_c) ) {
      c3_io_close(fid_i);
      return -1;
    }
    if ( fid_i < 0 && EEXIST == errno ) {
      fid_i = c3_io_open(mpa_c, O_RDWR | O_CLOEXEC, 0);
    }
  }
  if ( fid_i < 0 ) {
    fprintf(stderr, "log: open %s: %s\n", mpa_c, strerror(errno));
  }
  return fid_i;
}

/* _cl_load(): scan the open log's file and read its mark, changing
**   nothing.  0 with log_u's positions set, or -1 (reported).  The log
**   may take appends at once only when nothing is wrong with it.
*/
static c3_i
_cl_load(u3_log* log_u)
{
  struct stat buf_u;
  _cl_scan*   scn_u = &log_u->scn_u;
  c3_d        fir_d;

  if ( fstat(log_u->fid_i, &buf_u) ) {
    fprintf(stderr, "log: fstat %s: %s\n", log_u->pax_c, strerror(errno));
    return -1;
  }
  if ( !S_ISREG(buf_u.st_mode) ) {
    fprintf(stderr, "log: %s: not a regular file\n", log_u->pax_c);
    return -1;
  }
  if (  _cl_head_read(log_u->fid_i, log_u->pax_c, stderr,
                      (c3_d)buf_u.st_size, &fir_d)
     || _cl_scan_file(log_u->fid_i, log_u->pax_c, stderr,
                      (c3_d)buf_u.st_size, fir_d, scn_u)
     || _cl_mark_read(log_u->mfd_i, log_u->mpa_c, stderr, fir_d, scn_u,
                      &log_u->msq_d) )
  {
    return -1;
  }
  log_u->fir_d = fir_d;
  log_u->las_d = scn_u->nex_d - 1;
  log_u->dat_d = log_u->las_d;
  log_u->pen_d = log_u->las_d;
  log_u->end_d = scn_u->end_d;
  log_u->set_t = !scn_u->tal_t && !scn_u->ext_w
                 && log_u->las_d >= scn_u->mrk_d;
  return 0;
}

/* _cl_gap(): append a gap record after everything in the file: events
**   gfr_d to gto_d are lost (the damage at off_d), a snapshot holds them.
**   0 or -1 (reported).
*/
static c3_i
_cl_gap(u3_log* log_u, c3_d gfr_d, c3_d gto_d, c3_d off_d)
{
  c3_y rec_y[_cl_rec_z + _cl_gap_z];
  c3_d siz_d = log_u->scn_u.siz_d;
  c3_w hed_w;
  c3_i err_i;

  _cl_put_d(rec_y + 0, _cl_gap_f | _cl_gap_z);
  _cl_put_d(rec_y + 8, gfr_d);
  hed_w = c3_crc32c(0, rec_y, 16);
  _cl_put_w(rec_y + 16, hed_w);
  _cl_put_d(rec_y + 24, gto_d);
  _cl_put_d(rec_y + 32, off_d);
  _cl_put_w(rec_y + 20, c3_crc32c(hed_w, rec_y + 24, _cl_gap_z));

  if ( (err_i = _cl_pwrite_all(log_u->fid_i, rec_y, sizeof(rec_y), siz_d)) ) {
    fprintf(stderr, "log: write %s: %s\n", log_u->pax_c, strerror(err_i));
  }
  else if ( (err_i = _cl_sync_fd(log_u->fid_i)) ) {
    fprintf(stderr, "log: fsync %s: %s\n", log_u->pax_c, strerror(err_i));
  }
  if ( err_i ) {
    (void)_cl_truncate_fd(log_u->fid_i, siz_d);
    return -1;
  }
  log_u->end_d = siz_d + sizeof(rec_y);
  log_u->las_d = log_u->dat_d = log_u->pen_d = gto_d;
  log_u->scn_u.siz_d = log_u->end_d;
  log_u->scn_u.res_d = gto_d + 1;
  log_u->scn_u.rof_d = log_u->end_d;
  return _cl_mark_write(log_u, gto_d, log_u->end_d);
}

/* u3_log_start(): decide, given the snapshot's event, whether the start
**   goes on; then, and only then, cut a torn tail or record a gap.
*/
c3_i
u3_log_start(u3_log* log_u, c3_d sna_d)
{
  _cl_verdict ver_u;
  c3_i        err_i;

  if ( log_u->set_t ) {
    if ( sna_d <= log_u->las_d ) {
      return 0;
    }
  }
  _cl_decide(log_u->pax_c, &log_u->scn_u, sna_d, &ver_u);
  fputs(ver_u.why_c, stderr);
  if ( ver_u.ref_t ) {
    return -1;
  }
  if ( ver_u.tex_t ) {
    //  the torn batch and everything after it: the log ends before it
    log_u->scn_u.end_d = ver_u.cof_d;
    log_u->scn_u.nex_d = ver_u.cnx_d;
    log_u->scn_u.ext_w = ver_u.tex_w;
    log_u->las_d = log_u->dat_d = log_u->pen_d = ver_u.cnx_d - 1;
    log_u->end_d = ver_u.cof_d;
  }
  if ( ver_u.cut_t ) {
    if ( (err_i = _cl_truncate_fd(log_u->fid_i, log_u->scn_u.end_d)) ) {
      fprintf(stderr, "log: ftruncate %s: %s\n",
              log_u->pax_c, strerror(err_i));
      return -1;
    }
    if ( (err_i = _cl_sync_fd(log_u->fid_i)) ) {
      fprintf(stderr, "log: fsync %s: %s\n", log_u->pax_c, strerror(err_i));
      return -1;
    }
    log_u->scn_u.siz_d = log_u->scn_u.end_d;
    log_u->scn_u.tal_t = 0;
  }
  if ( ver_u.gap_t ) {
    if ( _cl_gap(log_u, ver_u.gfr_d, ver_u.gto_d, log_u->scn_u.end_d) ) {
      return -1;
    }
    log_u->scn_u.tal_t = 0;
  }
  log_u->set_t = 1;
  return 0;
}

/* u3_log_judge(): would u3_log_start(log_u, sna_d) go on?  The same
**   rule, changing nothing; why on out_f (if not 0) when it would not.
**   Returns 0 to go on, -1 to refuse.
*/
c3_i
u3_log_judge(u3_log* log_u, c3_d sna_d, FILE* out_f)
{
  _cl_verdict ver_u;

  _cl_decide(log_u->pax_c, &log_u->scn_u, sna_d, &ver_u);
  if ( ver_u.ref_t && out_f ) {
    fputs(ver_u.why_c, out_f);
  }
  return ver_u.ref_t ? -1 : 0;
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
  log_u->mfd_i = -1;

  if (  !(log_u->mpa_c = u3_path_new(pier_c, u3_path_mark))
     || u3_path_mkdir(urb_c, "log")
     || u3_path_mkdir(dir_c, "log")
     || (log_u->fid_i = _cl_open_file(dir_c, pax_c)) < 0
     || (log_u->mfd_i = _cl_open_mark(dir_c, log_u->mpa_c)) < 0
     || _cl_load(log_u) )
  {
    if ( !log_u->mpa_c ) {
      fprintf(stderr, "log: %s: out of memory\n", pax_c);
    }
    if ( log_u->fid_i >= 0 ) {
      c3_io_close(log_u->fid_i);
    }
    if ( log_u->mfd_i >= 0 ) {
      c3_io_close(log_u->mfd_i);
    }
    free(log_u->mpa_c);
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
  c3_io_close(log_u->fid_i);
  c3_io_close(log_u->mfd_i);
  free(log_u->buf_y);
  free(log_u->mpa_c);
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

  if ( !log_u->set_t ) {
    fprintf(stderr, "log: %s: append event %llu: the log's damage or torn "
                    "tail has not been settled (u3_log_start)\n",
            log_u->pax_c, (unsigned long long)eve_d);
    return -1;
  }
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

/* _cl_sync_mark(): move the durable mark up to the fsynced records, which
**   then count as durable.  On failure the records stay in the file and
**   the next sync retries the mark.  0 or -1 (reported).
*/
static c3_i
_cl_sync_mark(u3_log* log_u)
{
  if ( log_u->las_d < log_u->dat_d ) {
    if ( _cl_mark_write(log_u, log_u->dat_d, log_u->end_d) ) {
      return -1;
    }
    log_u->las_d = log_u->dat_d;
  }
  return 0;
}

/* u3_log_sync(): write out and fsync the buffered records, then the mark.
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
    return _cl_sync_mark(log_u);
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
  log_u->dat_d  = log_u->pen_d;
  log_u->buf_z  = 0;
  if ( log_u->cap_z > _cl_kep_z ) {
    free(log_u->buf_y);
    log_u->buf_y = 0;
    log_u->cap_z = 0;
  }
  return _cl_sync_mark(log_u);
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
  c3_d      num_d = log_u->fir_d;
  c3_i      err_i;

  if ( eve_d + 1 < log_u->fir_d || eve_d > log_u->dat_d ) {
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
  if ( eve_d + 1 >= log_u->scn_u.res_d ) {
    num_d = log_u->scn_u.res_d;
    off_d = log_u->scn_u.rof_d;
  }
  for ( ; num_d <= eve_d; num_d++ ) {
    c3_y rec_y[_cl_rec_z];
    if ( _cl_rec_at(red_u, log_u->end_d, off_d, num_d, rec_y) ) {
      free(red_u);
      return -1;
    }
    off_d += _cl_rec_z + _cl_get_d(rec_y);
  }
  free(red_u);

  //  lower the mark first: a mark past the file's end would read as damage
  //
  if ( log_u->scn_u.mrk_d > eve_d && _cl_mark_write(log_u, eve_d, off_d) ) {
    return -1;
  }
  if ( (err_i = _cl_truncate_fd(log_u->fid_i, off_d)) ) {
    fprintf(stderr, "log: ftruncate %s: %s\n", log_u->pax_c, strerror(err_i));
    return -1;
  }
  log_u->buf_z = 0;
  log_u->end_d = off_d;
  log_u->las_d = eve_d;
  log_u->dat_d = eve_d;
  log_u->pen_d = eve_d;
  log_u->dit_t = 0;
  log_u->scn_u.siz_d = off_d;
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
  //  past the last stretch of lost events, read on from where it ends
  //
  if ( itr_u->fro_d >= log_u->scn_u.res_d ) {
    itr_u->nex_d = log_u->scn_u.res_d;
    itr_u->off_d = log_u->scn_u.rof_d;
  }
  return itr_u;
}

/* _cl_iter_lost(): refuse, saying why, to read on into a stretch of lost
**   events: a replay never skips an event.  0 or -1 (reported).
*/
static c3_i
_cl_iter_lost(u3_log_iter* itr_u)
{
  const _cl_scan* scn_u = &itr_u->log_u->scn_u;

  for ( c3_w i_w = 0; i_w < c3_min(scn_u->ext_w, _cl_ext_max); i_w++ ) {
    const _cl_ext* ext_u = &scn_u->ext_u[i_w];

    if ( itr_u->nex_d >= ext_u->bad_d && itr_u->nex_d < ext_u->res_d ) {
      fprintf(stderr, "log: %s: events %llu to %llu are lost from the log "
                      "(from offset %llu: %s): cannot replay from event "
                      "%llu\n",
              itr_u->log_u->pax_c, (unsigned long long)ext_u->bad_d,
              (unsigned long long)(ext_u->res_d - 1),
              (unsigned long long)ext_u->off_d, ext_u->wut_c,
              (unsigned long long)itr_u->fro_d);
      return -1;
    }
  }
  return 0;
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
    if ( _cl_iter_lost(itr_u) ) {
      return -1;
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
  u3_log      log_u;
  _cl_scan*   scn_u = &log_u.scn_u;
  c3_c       *urb_c, *dir_c;
  c3_d        fir_d, cut_d, eve_d = 0;
  c3_i        ret_i, err_i;

  memset(&log_u, 0, sizeof(log_u));
  log_u.mfd_i = -1;
  if ( _cl_paths(pier_c, &urb_c, &dir_c, &log_u.pax_c) ) {
    return -1;
  }
  free(urb_c);
  log_u.mpa_c = u3_path_new(pier_c, u3_path_mark);

  ret_i = -1;
  if ( (log_u.fid_i = c3_io_open(log_u.pax_c, O_RDWR | O_CLOEXEC, 0)) < 0 ) {
    fprintf(stderr, "log: open %s: %s\n", log_u.pax_c, strerror(errno));
    goto done;
  }
  if ( flock(log_u.fid_i, LOCK_EX | LOCK_NB) ) {
    fprintf(stderr, "log: flock %s: %s\n", log_u.pax_c, strerror(errno));
    goto done;
  }
  if ( !log_u.mpa_c
     || (log_u.mfd_i = _cl_open_mark(dir_c, log_u.mpa_c)) < 0 )
  {
    goto done;
  }
  if ( fstat(log_u.fid_i, &buf_u) ) {
    fprintf(stderr, "log: fstat %s: %s\n", log_u.pax_c, strerror(errno));
    goto done;
  }
  if (  _cl_head_read(log_u.fid_i, log_u.pax_c, stderr,
                      (c3_d)buf_u.st_size, &fir_d)
     || _cl_scan_file(log_u.fid_i, log_u.pax_c, stderr,
                      (c3_d)buf_u.st_size, fir_d, scn_u)
     || _cl_mark_read(log_u.mfd_i, log_u.mpa_c, stderr, fir_d, scn_u,
                      &log_u.msq_d) )
  {
    goto done;
  }
  log_u.fir_d = fir_d;

  //  the first damage no gap record accounts for, else the tail
  //
  cut_d = scn_u->siz_d;
  for ( c3_w i_w = 0; i_w < c3_min(scn_u->ext_w, _cl_ext_max); i_w++ ) {
    if ( !scn_u->ext_u[i_w].gap_t ) {
      cut_d = scn_u->ext_u[i_w].off_d;
      eve_d = scn_u->ext_u[i_w].bad_d;
      fprintf(stderr, "log: %s: record for event %llu at offset %llu: %s; "
                      "cutting it and the %llu bytes from it on\n",
              log_u.pax_c, (unsigned long long)eve_d,
              (unsigned long long)cut_d, scn_u->ext_u[i_w].wut_c,
              (unsigned long long)(scn_u->siz_d - cut_d));
      break;
    }
  }
  if ( cut_d == scn_u->siz_d && scn_u->tal_t ) {
    cut_d = scn_u->end_d;
    eve_d = scn_u->nex_d;
    fprintf(stderr, "log: %s: record for event %llu at offset %llu: %s; "
                    "cutting it and the %llu bytes from it on\n",
            log_u.pax_c, (unsigned long long)eve_d,
            (unsigned long long)cut_d, scn_u->wut_c,
            (unsigned long long)(scn_u->siz_d - cut_d));
  }
  if ( cut_d == scn_u->siz_d ) {
    ret_i = 0;
    goto done;
  }
  if ( scn_u->mrk_d >= eve_d && _cl_mark_write(&log_u, eve_d - 1, cut_d) ) {
    goto done;
  }
  if ( (err_i = _cl_truncate_fd(log_u.fid_i, cut_d)) ) {
    fprintf(stderr, "log: ftruncate %s: %s\n", log_u.pax_c, strerror(err_i));
    goto done;
  }
  if ( (err_i = _cl_sync_fd(log_u.fid_i)) ) {
    fprintf(stderr, "log: fsync %s: %s\n", log_u.pax_c, strerror(err_i));
    goto done;
  }
  ret_i = 0;

done:
  if ( log_u.fid_i >= 0 ) {
    c3_io_close(log_u.fid_i);
  }
  if ( log_u.mfd_i >= 0 ) {
    c3_io_close(log_u.mfd_i);
  }
  free(dir_c);
  free(log_u.mpa_c);
  free(log_u.pax_c);
  return ret_i;
}

/* u3_log_check(): say, changing nothing, what a start would do with a
**   pier's log given its snapshot's event.
*/
c3_i
u3_log_check(const c3_c* pier_c, c3_d sna_d, FILE* out_f)
{
  struct stat buf_u;
  _cl_scan    scn_u;
  _cl_verdict ver_u;
  c3_c       *urb_c, *dir_c, *pax_c, *mpa_c;
  c3_d        fir_d, msq_d;
  c3_i        fid_i, mfd_i = -1, ret_i = -1;

  if ( _cl_paths(pier_c, &urb_c, &dir_c, &pax_c) ) {
    return -1;
  }
  mpa_c = u3_path_new(pier_c, u3_path_mark);
  free(urb_c);
  free(dir_c);
  if ( !mpa_c ) {
    fprintf(out_f, "log: %s: out of memory\n", pax_c);
    free(pax_c);
    return -1;
  }

  if ( (fid_i = c3_io_open(pax_c, O_RDONLY | O_CLOEXEC, 0)) < 0 ) {
    fprintf(out_f, "log: open %s: %s\n", pax_c, strerror(errno));
    goto done;
  }
  if ( (mfd_i = c3_io_open(mpa_c, O_RDONLY | O_CLOEXEC, 0)) < 0 && ENOENT != errno ) {
    fprintf(out_f, "log: open %s: %s\n", mpa_c, strerror(errno));
    goto done;
  }
  if ( fstat(fid_i, &buf_u) ) {
    fprintf(out_f, "log: fstat %s: %s\n", pax_c, strerror(errno));
    goto done;
  }
  if (  _cl_head_read(fid_i, pax_c, out_f, (c3_d)buf_u.st_size, &fir_d)
     || _cl_scan_file(fid_i, pax_c, out_f, (c3_d)buf_u.st_size,
                      fir_d, &scn_u)
     || _cl_mark_read(mfd_i, mpa_c, out_f, fir_d, &scn_u, &msq_d) )
  {
    goto done;
  }
  fprintf(out_f, "log: %s: format %u, %llu bytes\n",
          pax_c, _cl_ver_w, (unsigned long long)scn_u.siz_d);
  if ( scn_u.num_d ) {
    fprintf(out_f, "log: %s: %llu intact records, events %llu to %llu, "
                   "largest %llu bytes\n",
            pax_c, (unsigned long long)scn_u.num_d, (unsigned long long)fir_d,
            (unsigned long long)(scn_u.nex_d - 1),
            (unsigned long long)scn_u.big_d);
  }
  else {
    fprintf(out_f, "log: %s: 0 intact records, next event %llu\n",
            pax_c, (unsigned long long)scn_u.nex_d);
  }
  if ( scn_u.mrk_t ) {
    fprintf(out_f, "log: %s: durable to event %llu (offset %llu); "
                   "snapshot at event %llu\n",
            pax_c, (unsigned long long)scn_u.mrk_d,
            (unsigned long long)scn_u.mof_d, (unsigned long long)sna_d);
  }
  else {
    fprintf(out_f, "log: %s: no durable mark; snapshot at event %llu\n",
            pax_c, (unsigned long long)sna_d);
  }

  _cl_decide(pax_c, &scn_u, sna_d, &ver_u);
  fputs(ver_u.why_c, out_f);
  if ( ver_u.ref_t ) {
    fprintf(out_f, "log: %s: a start would refuse\n", pax_c);
  }
  else if ( ver_u.dam_t || ver_u.cut_t ) {
    fprintf(out_f, "log: %s: a start would go on (as above)\n", pax_c);
    ret_i = 0;
  }
  else {
    fprintf(out_f, "log: %s: sound\n", pax_c);
    ret_i = 0;
  }

done:
  if ( fid_i >= 0 ) {
    c3_io_close(fid_i);
  }
  if ( mfd_i >= 0 ) {
    c3_io_close(mfd_i);
  }
  free(mpa_c);
  free(pax_c);
  return ret_i;
}
