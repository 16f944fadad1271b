/// @file logscan.c
/// Reading an event log file: checking its header and every record,
/// streaming, going on past damage; reading its durable mark; the one rule
/// (_cl_decide) by which a start, and `urbit check` through u3_log_check(),
/// decide what to do with what was read; and the operator's repair.  The
/// format, the durable mark and the durability rule are at the top of
/// log.c, the shared types in log_in.h.
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
#include "vere/log_in.h"
#include "vere/path.h"

/* _cl_head_read(): read and check the file header of a siz_d-byte file.
**   Returns 0 with *fir_d set, or -1 (reported on fil_u).
*/
c3_i
_cl_head_read(c3_i        fid_i,
              const c3_c* pax_c,
              FILE*       fil_u,
              c3_d        siz_d,
              c3_d*       fir_d)
{
  c3_y hed_y[_cl_hed_z];

  if ( siz_d < _cl_hed_z ) {
    fprintf(fil_u, "log: %s: header cut short (%llu of %zu bytes)\n",
            pax_c, (unsigned long long)siz_d, _cl_hed_z);
    return -1;
  }
  if ( c3_io_pread_all(fid_i, hed_y, _cl_hed_z, 0) ) {
    fprintf(fil_u, "log: read %s: %s\n", pax_c, _cl_read_why(errno));
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

    if ( c3_io_pread_all(fid_i, win_y, len_z, off_d) ) {
      fprintf(fil_u, "log: read %s: %s\n", pax_c, _cl_read_why(errno));
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
**   offset off_d, for the reason wut_c; the log reads on at offset rof_d.
*/
static void
_cl_scan_lose(_cl_scan* scn_u, c3_d bad_d, c3_d off_d, c3_d res_d,
              c3_d rof_d, c3_t gap_t, const c3_c* wut_c)
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
    las_u->rof_d = rof_d;
    las_u->gap_t = 1;
    scn_u->hil_d = c3_max(scn_u->hil_d, res_d - 1);
    return;
  }
  if ( scn_u->ext_w < _cl_ext_max || res_d - 1 > scn_u->hil_d ) {
    //  past the table, keep the extent that loses the latest events
    ext_u->bad_d = bad_d;
    ext_u->off_d = off_d;
    ext_u->res_d = res_d;
    ext_u->rof_d = rof_d;
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
  _cl_scan_lose(scn_u, eve_d, off_d, las_d + 1, scn_u->end_d, 1,
                "recorded as lost");
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
c3_i
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
      _cl_scan_lose(scn_u, nex_d, off_d, fev_d, fof_d, 0, wut_c);
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
c3_i
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

    if ( c3_io_pread_all(mfd_i, slo_y, _cl_mks_z, i_w * _cl_mko_z) ) {
      if ( ENODATA == errno ) {
        continue;   //  a slot never written
      }
      fprintf(fil_u, "log: read %s: %s\n", mpa_c, strerror(errno));
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

/* _cl_scan_cut(): the log cut at end_d, before event nex_d and the
**   stretch ext_w (the first of those dropped): it reads on from where
**   the last stretch kept ends (or from its first record), and forgets
**   the events only the dropped ones lost.
*/
void
_cl_scan_cut(_cl_scan* scn_u, c3_w ext_w, c3_d end_d, c3_d nex_d)
{
  c3_w kep_w = c3_min(ext_w, _cl_ext_max);

  scn_u->end_d = end_d;
  scn_u->nex_d = nex_d;
  scn_u->ext_w = ext_w;
  scn_u->res_d = scn_u->fir_d;
  scn_u->rof_d = _cl_hed_z;
  scn_u->hil_d = 0;
  for ( c3_w i_w = 0; i_w < kep_w; i_w++ ) {
    const _cl_ext* ext_u = &scn_u->ext_u[i_w];

    scn_u->res_d = ext_u->res_d;
    scn_u->rof_d = ext_u->rof_d;
    if ( ext_u->res_d > ext_u->bad_d ) {
      scn_u->hil_d = c3_max(scn_u->hil_d, ext_u->res_d - 1);
    }
  }
}

/* _cl_decide(): what a start does with the scanned log of pax_c, whose
**   snapshot holds every event to sna_d (0: no snapshot).  The one rule
**   shared by a start and by u3_log_check().
*/
void
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
  c3_i        ret_i;

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
  if ( c3_io_truncate(log_u.fid_i, cut_d) ) {
    fprintf(stderr, "log: ftruncate %s: %s\n", log_u.pax_c, strerror(errno));
    goto done;
  }
  if ( c3_io_fdatasync(log_u.fid_i) ) {
    fprintf(stderr, "log: fsync %s: %s\n", log_u.pax_c, strerror(errno));
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
