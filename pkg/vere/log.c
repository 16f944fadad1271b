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
/// Recovery, the scan, the one rule a start and u3_log_check() share, and
/// repair are in logscan.c; the types both files use in log_in.h.
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
#include "vere/log_in.h"
#include "vere/path.h"

struct _u3_log_iter {
  u3_log*   log_u;
  _cl_read* red_u;
  c3_d      fro_d;  //  first event wanted
  c3_d      nex_d;  //  event of the record at off_d
  c3_d      off_d;  //  offset of the next record
  c3_y*     rec_y;  //  payload of the last record returned
  c3_z      cap_z;
};

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

/* _cl_read_new(): a reader over the first siz_d bytes of fid_i.
*/
_cl_read*
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
void
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
  c3_i ret_i = c3_io_pread_all(red_u->fid_i, red_u->buf_y, len_z, off_d);

  red_u->off_d = off_d;
  red_u->len_z = 0;
  red_u->pos_z = 0;
  if ( !len_z ) {
    ret_i = -1;
    errno = ENODATA;
  }
  if ( ret_i ) {
    fprintf(red_u->fil_u, "log: read %s: %s\n", red_u->pax_c,
            _cl_read_why(errno));
    return -1;
  }
  red_u->len_z = len_z;
  return 0;
}

/* _cl_read_get(): copy len_z bytes at the cursor to buf_v and advance;
**   the caller has checked they lie below siz_d.  0, or -1 (reported).
*/
c3_i
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
      if ( c3_io_pread_all(red_u->fid_i, buf_y, len_z, off_d) ) {
        fprintf(red_u->fil_u, "log: read %s: %s\n", red_u->pax_c,
                _cl_read_why(errno));
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
c3_i
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

/* _cl_mark_write(): record durably that every event to eve_d, every byte
**   below off_d, of the log is on disk: write the older of the two slots
**   and fsync.  A torn slot write leaves the other slot, the last mark,
**   in force.  0 or -1 (reported).
*/
c3_i
_cl_mark_write(u3_log* log_u, c3_d eve_d, c3_d off_d)
{
  c3_y slo_y[_cl_mks_z];
  c3_d seq_d = log_u->msq_d + 1;

  memset(slo_y, 0, sizeof(slo_y));
  _cl_put_w(slo_y + 0, _cl_mkm_w);
  _cl_put_w(slo_y + 4, 1);
  _cl_put_d(slo_y + 8, seq_d);
  _cl_put_d(slo_y + 16, log_u->fir_d);
  _cl_put_d(slo_y + 24, eve_d);
  _cl_put_d(slo_y + 32, off_d);
  _cl_put_w(slo_y + 40, c3_crc32c(0, slo_y, 40));

  if ( c3_io_pwrite_all(log_u->mfd_i, slo_y, _cl_mks_z,
                        (seq_d & 1) * _cl_mko_z) )
  {
    fprintf(stderr, "log: write %s: %s\n", log_u->mpa_c, strerror(errno));
    return -1;
  }
  if ( c3_io_fdatasync(log_u->mfd_i) ) {
    fprintf(stderr, "log: fsync %s: %s\n", log_u->mpa_c, strerror(errno));
    return -1;
  }
  log_u->msq_d = seq_d;
  log_u->scn_u.mrk_t = 1;
  log_u->scn_u.mrk_d = eve_d;
  log_u->scn_u.mof_d = off_d;
  return 0;
}

/* _cl_paths(): the pier's .urb, the log's directory and file; -1 if out
**   of memory (reported).
*/
c3_i
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
  if ( (err_i = c3_io_pwrite_all(fid_i, hed_y, _cl_hed_z, 0)) ) {
    fprintf(stderr, "log: write %s: %s\n", tmp_c, strerror(errno));
  }
  else if ( (err_i = c3_io_fdatasync(fid_i)) ) {
    fprintf(stderr, "log: fsync %s: %s\n", tmp_c, strerror(errno));
  }
  c3_io_close(fid_i);
  if ( !err_i && (err_i = link(tmp_c, pax_c)) ) {
    if ( EEXIST == errno ) {
      *los_t = 1;
    }
    else {
      fprintf(stderr, "log: link %s to %s: %s\n",
              tmp_c, pax_c, strerror(errno));
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
c3_i
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

  err_i = c3_io_pwrite_all(log_u->fid_i, rec_y, sizeof(rec_y), siz_d);
  if ( err_i ) {
    fprintf(stderr, "log: write %s: %s\n", log_u->pax_c, strerror(errno));
  }
  else if ( (err_i = c3_io_fdatasync(log_u->fid_i)) ) {
    fprintf(stderr, "log: fsync %s: %s\n", log_u->pax_c, strerror(errno));
  }
  if ( err_i ) {
    (void)c3_io_truncate(log_u->fid_i, siz_d);
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
    _cl_scan_cut(&log_u->scn_u, ver_u.tex_w, ver_u.cof_d, ver_u.cnx_d);
    log_u->las_d = log_u->dat_d = log_u->pen_d = ver_u.cnx_d - 1;
    log_u->end_d = ver_u.cof_d;
  }
  if ( ver_u.cut_t ) {
    if ( c3_io_truncate(log_u->fid_i, log_u->scn_u.end_d) ) {
      fprintf(stderr, "log: ftruncate %s: %s\n",
              log_u->pax_c, strerror(errno));
      return -1;
    }
    if ( c3_io_fdatasync(log_u->fid_i) ) {
      fprintf(stderr, "log: fsync %s: %s\n", log_u->pax_c, strerror(errno));
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
  if ( c3_io_truncate(log_u->fid_i, log_u->end_d) ) {
    fprintf(stderr, "log: ftruncate %s: %s\n", log_u->pax_c, strerror(errno));
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
  if ( log_u->dit_t ) {
    if ( c3_io_truncate(log_u->fid_i, log_u->end_d) ) {
      fprintf(stderr, "log: ftruncate %s: %s\n",
              log_u->pax_c, strerror(errno));
      return -1;
    }
    log_u->dit_t = 0;
  }
  if ( !log_u->buf_z ) {
    return _cl_sync_mark(log_u);
  }
  if ( c3_io_pwrite_all(log_u->fid_i, log_u->buf_y, log_u->buf_z,
                        log_u->end_d) )
  {
    fprintf(stderr, "log: write %s: %s\n", log_u->pax_c, strerror(errno));
    _cl_undo(log_u);
    return -1;
  }
  //  after a failed fsync the written pages' fate is unknown: cut them off
  //  and write them again next time, rather than trust a second fsync
  //
  if ( c3_io_fdatasync(log_u->fid_i) ) {
    fprintf(stderr, "log: fsync %s: %s\n", log_u->pax_c, strerror(errno));
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
  if ( c3_io_truncate(log_u->fid_i, off_d) ) {
    fprintf(stderr, "log: ftruncate %s: %s\n", log_u->pax_c, strerror(errno));
    return -1;
  }
  log_u->buf_z = 0;
  log_u->end_d = off_d;
  log_u->las_d = eve_d;
  log_u->dat_d = eve_d;
  log_u->pen_d = eve_d;
  log_u->dit_t = 0;
  log_u->scn_u.siz_d = off_d;
  if ( c3_io_fdatasync(log_u->fid_i) ) {
    fprintf(stderr, "log: fsync %s: %s\n", log_u->pax_c, strerror(errno));
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
