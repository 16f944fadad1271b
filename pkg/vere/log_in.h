/// @file log_in.h
/// The event log's internals, shared by its two halves and by nothing
/// else: log.c, the log of a running pier (open, start, append, sync,
/// truncate, iterate, close), and logscan.c, the reading of a log file
/// (its records, its durable mark), the one rule that decides what a start
/// does with them, and the read-only check and repair.  The format and the
/// durability rule are at the top of log.c.
#ifndef U3_VERE_LOG_IN_H
#define U3_VERE_LOG_IN_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "c3/crc.h"
#include "vere/log.h"

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
  c3_d rof_d;        //  where its record (or what follows a gap) starts
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


  /** Field codecs and record-header checks: inline, since the scan runs
  *** them at every byte offset while it looks past damage.
  **/
/* _cl_put_w(), _cl_put_d(), _cl_get_w(), _cl_get_d(): little-endian.
*/
static inline void
_cl_put_w(c3_y* buf_y, c3_w val_w)
{
  for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
    buf_y[i_w] = (c3_y)(val_w >> (8 * i_w));
  }
}

static inline void
_cl_put_d(c3_y* buf_y, c3_d val_d)
{
  for ( c3_w i_w = 0; i_w < 8; i_w++ ) {
    buf_y[i_w] = (c3_y)(val_d >> (8 * i_w));
  }
}

static inline c3_w
_cl_get_w(const c3_y* buf_y)
{
  c3_w val_w = 0;
  for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
    val_w |= (c3_w)buf_y[i_w] << (8 * i_w);
  }
  return val_w;
}

static inline c3_d
_cl_get_d(const c3_y* buf_y)
{
  c3_d val_d = 0;
  for ( c3_w i_w = 0; i_w < 8; i_w++ ) {
    val_d |= (c3_d)buf_y[i_w] << (8 * i_w);
  }
  return val_d;
}

/* _cl_rec_good(): is rec_y a record header that checks out?
*/
static inline c3_t
_cl_rec_good(const c3_y rec_y[_cl_rec_z])
{
  return c3_crc32c(0, rec_y, 16) == _cl_get_w(rec_y + 16);
}

/* _cl_rec_gap(): is the checked header rec_y a gap record's?
*/
static inline c3_t
_cl_rec_gap(const c3_y rec_y[_cl_rec_z])
{
  return ( _cl_gap_f | _cl_gap_z ) == _cl_get_d(rec_y);
}

/* _cl_read_why(): why a c3_io_pread_all() of the log failed, given its
**   errno: the file ending first means it shrank under the reader.
*/
static inline const c3_c*
_cl_read_why(c3_i err_i)
{
  return ( ENODATA == err_i ) ? "file shrank while being read"
                              : strerror(err_i);
}


  /** In log.c: file access, the buffered reader, paths, the mark's write.
  **/
    /* _cl_read_new(): a reader over the first siz_d bytes of fid_i. */
    _cl_read*
    _cl_read_new(c3_i fid_i, const c3_c* pax_c, FILE* fil_u, c3_d siz_d);

    /* _cl_read_seek(): move the reader to offset off_d. */
    void
    _cl_read_seek(_cl_read* red_u, c3_d off_d);

    /* _cl_read_get(): copy len_z bytes at the cursor and advance: 0 or -1. */
    c3_i
    _cl_read_get(_cl_read* red_u, void* buf_v, c3_z len_z);

    /* _cl_read_crc(): extend *crc_w over the next len_d bytes: 0 or -1. */
    c3_i
    _cl_read_crc(_cl_read* red_u, c3_d len_d, c3_w* crc_w);

    /* _cl_paths(): the pier's .urb, the log's directory and file: 0 or -1. */
    c3_i
    _cl_paths(const c3_c* pier_c, c3_c** urb_c, c3_c** dir_c, c3_c** pax_c);

    /* _cl_open_mark(): open (creating if missing) the durable mark file. */
    c3_i
    _cl_open_mark(const c3_c* dir_c, const c3_c* mpa_c);

    /* _cl_mark_write(): durably mark events to eve_d, bytes below off_d. */
    c3_i
    _cl_mark_write(u3_log* log_u, c3_d eve_d, c3_d off_d);

  /** In logscan.c: reading a log file, and the decision.
  **/
    /* _cl_head_read(): read and check a log file's header: 0 or -1. */
    c3_i
    _cl_head_read(c3_i        fid_i,
                  const c3_c* pax_c,
                  FILE*       fil_u,
                  c3_d        siz_d,
                  c3_d*       fir_d);

    /* _cl_scan_file(): check every record, going on past damage: 0 or -1. */
    c3_i
    _cl_scan_file(c3_i        fid_i,
                  const c3_c* pax_c,
                  FILE*       fil_u,
                  c3_d        siz_d,
                  c3_d        fir_d,
                  _cl_scan*   scn_u);

    /* _cl_mark_read(): read the log's durable mark into scn_u: 0 or -1. */
    c3_i
    _cl_mark_read(c3_i        mfd_i,
                  const c3_c* mpa_c,
                  FILE*       fil_u,
                  c3_d        fir_d,
                  _cl_scan*   scn_u,
                  c3_d*       msq_d);

    /* _cl_scan_cut(): the log cut at end_d, before event nex_d and the
    **   stretch ext_w (the first of those dropped): it reads on from
    **   where the last stretch kept ends (or from its first record), and
    **   forgets the events only the dropped ones lost.
    */
    void
    _cl_scan_cut(_cl_scan* scn_u, c3_w ext_w, c3_d end_d, c3_d nex_d);

    /* _cl_decide(): what a start does with a scanned log, given the
    **   snapshot's event: the one rule of a start and of u3_log_check().
    */
    void
    _cl_decide(const c3_c*     pax_c,
               const _cl_scan* scn_u,
               c3_d            sna_d,
               _cl_verdict*    ver_u);

#endif  //  U3_VERE_LOG_IN_H
