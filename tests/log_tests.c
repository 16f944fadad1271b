/// @file log_tests.c
/// Tests of the event log (pkg/vere/log.c): round trips, torn tails at
/// every byte past the durable mark, damage at or before it (refused, or
/// started with a gap when the snapshot holds it) with check agreeing,
/// bad headers, ordering, a full disk (RLIMIT_FSIZE), truncation, locking,
/// racing creation and bad pier directories.
///
/// Everything happens under $TEST_TMPDIR (or /tmp) in a fresh directory,
/// removed at the end.  The log does not use the loom; the loom is set up
/// and leak-checked only because every test program does so.
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <sys/syscall.h>

#include "test.h"
#include "harness.h"
#include "c3/crc.h"
#include "vere/log.h"

static c3_c _t_dir_c[4096];    //  scratch directory
static c3_c _t_cap_c[16384];   //  captured stderr
static c3_i _t_cap_i = -1;     //  capture file
static c3_i _t_sav_i = -1;     //  saved stderr

/* _t_path(): a path under the scratch directory (static, overwritten).
*/
static const c3_c*
_t_path(const c3_c* fmt_c, const c3_c* nam_c)
{
  static c3_c pax_c[8][4352];
  static c3_w which_w;
  c3_c* out_c = pax_c[which_w++ % 8];
  c3_c  sub_c[256];

  snprintf(sub_c, sizeof(sub_c), fmt_c, nam_c);
  snprintf(out_c, sizeof(pax_c[0]), "%s/%s", _t_dir_c, sub_c);
  return out_c;
}

/* _t_pier(): make a fresh, empty pier directory; returns its path.
*/
static const c3_c*
_t_pier(const c3_c* nam_c)
{
  const c3_c* pier_c = _t_path("%s", nam_c);
  if ( mkdir(pier_c, 0755) ) {
    fprintf(stderr, "mkdir %s: %s\n", pier_c, strerror(errno));
    exit(1);
  }
  return pier_c;
}

/* _t_logf(): the log file of pier nam_c.
*/
static const c3_c*
_t_logf(const c3_c* nam_c)
{
  return _t_path("%s/.urb/log/events.log", nam_c);
}

/* _t_cap_on(), _t_cap_off(): capture what is written to stderr.
*/
static void
_t_cap_on(void)
{
  c3_c pax_c[4608];
  snprintf(pax_c, sizeof(pax_c), "%s/stderr.txt", _t_dir_c);
  fflush(stderr);
  _t_cap_i = open(pax_c, O_RDWR | O_CREAT | O_TRUNC, 0600);
  unlink(pax_c);
  _t_sav_i = dup(2);
  dup2(_t_cap_i, 2);
}

static const c3_c*
_t_cap_off(void)
{
  ssize_t len_i;
  fflush(stderr);
  dup2(_t_sav_i, 2);
  close(_t_sav_i);
  len_i = pread(_t_cap_i, _t_cap_c, sizeof(_t_cap_c) - 1, 0);
  _t_cap_c[( len_i > 0 ) ? len_i : 0] = 0;
  close(_t_cap_i);
  return _t_cap_c;
}

/* _t_has(): does hay_c contain ned_c?
*/
static c3_t
_t_has(const c3_c* hay_c, const c3_c* ned_c)
{
  return 0 != strstr(hay_c, ned_c);
}

/* _t_bytes(): the payload of test event eve_d, len_z bytes.
*/
static void
_t_bytes(c3_d eve_d, c3_y* buf_y, c3_z len_z)
{
  c3_d x_d = eve_d * 0x9e3779b97f4a7c15ULL + 1;
  for ( c3_z i_z = 0; i_z < len_z; i_z++ ) {
    x_d ^= x_d << 13;
    x_d ^= x_d >> 7;
    x_d ^= x_d << 17;
    buf_y[i_z] = (c3_y)(x_d >> 32);
  }
}

/* _t_len(): payload length for event eve_d in the ordinary logs.
*/
static c3_z
_t_len(c3_d eve_d)
{
  return ( 0 == eve_d % 7 ) ? 0 : (c3_z)((eve_d * 389) % 3001);
}

/* _t_append(): append test event eve_d of len_z bytes.
*/
static c3_i
_t_append(u3_log* log_u, c3_d eve_d, c3_z len_z)
{
  c3_y* buf_y = malloc(len_z ? len_z : 1);
  c3_i  ret_i;
  _t_bytes(eve_d, buf_y, len_z);
  ret_i = u3_log_append(log_u, eve_d, buf_y, len_z);
  free(buf_y);
  return ret_i;
}

/* _t_replay(): iterate log_u from fro_d; check every record is the test
**   event it claims, with length from len_f; returns the records seen, or
**   a huge number on any mismatch.  *las_d gets the last event seen.
*/
static c3_d
_t_replay(u3_log* log_u, c3_d fro_d, c3_z (*len_f)(c3_d), c3_d* las_d)
{
  u3_log_iter* itr_u = u3_log_iter_open(log_u, fro_d);
  c3_d         num_d = 0, eve_d, exp_d = c3_max(fro_d, u3_log_first(log_u));
  c3_y*        byt_y;
  c3_z         len_z;
  c3_i         ret_i;

  *las_d = 0;
  if ( !itr_u ) {
    return ~0ULL;
  }
  while ( 1 == (ret_i = u3_log_iter_next(itr_u, &eve_d, &byt_y, &len_z)) ) {
    c3_z  wan_z = len_f(eve_d);
    c3_y* wan_y = malloc(wan_z ? wan_z : 1);
    c3_t  ok_t;

    _t_bytes(eve_d, wan_y, wan_z);
    ok_t = ( eve_d == exp_d ) && ( len_z == wan_z )
        && ( 0 == memcmp(byt_y, wan_y, wan_z) );
    free(wan_y);
    if ( !ok_t ) {
      fprintf(stderr, "replay: event %llu (expected %llu), %zu bytes "
                      "(expected %zu)\n",
              (unsigned long long)eve_d, (unsigned long long)exp_d,
              len_z, wan_z);
      u3_log_iter_close(itr_u);
      return ~0ULL;
    }
    *las_d = eve_d;
    exp_d++;
    num_d++;
  }
  u3_log_iter_close(itr_u);
  return ( 0 == ret_i ) ? num_d : ~0ULL;
}

/* _t_size(): a file's size, or ~0 if it cannot be stat'd.
*/
static c3_d
_t_size(const c3_c* pax_c)
{
  struct stat buf_u;
  return stat(pax_c, &buf_u) ? ~0ULL : (c3_d)buf_u.st_size;
}

/* _t_check_out(): run u3_log_check on a pier whose snapshot is at sna_d,
**   capturing its report.
*/
static c3_i
_t_check_sna(const c3_c* pier_c, c3_d sna_d, c3_c* out_c, c3_z max_z)
{
  FILE* fil_u = fmemopen(out_c, max_z, "w");
  c3_i  ret_i = u3_log_check(pier_c, sna_d, fil_u);
  fclose(fil_u);
  return ret_i;
}

static c3_i
_t_check_out(const c3_c* pier_c, c3_c* out_c, c3_z max_z)
{
  return _t_check_sna(pier_c, 0, out_c, max_z);
}

/* _t_start(): open pier_c's log and start it from a snapshot at sna_d,
**   capturing stderr in _t_cap_c.  The open log, or 0 (closed) when the
**   start refuses.
*/
static u3_log*
_t_start(const c3_c* pier_c, c3_d sna_d)
{
  u3_log* log_u;

  _t_cap_on();
  log_u = u3_log_open(pier_c);
  if ( log_u && u3_log_start(log_u, sna_d) ) {
    u3_log_close(log_u);
    log_u = 0;
  }
  _t_cap_off();
  return log_u;
}

/* _t_round(): append, sync, reopen and replay, from empty to several MB.
*/
static void
_t_round(void)
{
  const c3_c* pier_c = _t_pier("round");
  static c3_c out_c[4096];
  u3_log* log_u = u3_log_open(pier_c);
  c3_d    las_d;

  if ( !T_OK(0 != log_u, "open a new log") ) return;
  T_EQ(u3_log_first(log_u), 1);
  T_EQ(u3_log_last(log_u), 0);
  T_EQ(u3_log_bytes(log_u), _t_size(_t_logf("round")));
  T_EQ(_t_replay(log_u, 0, _t_len, &las_d), 0);

  for ( c3_d eve_d = 1; eve_d <= 300; eve_d++ ) {
    T_OK(0 == _t_append(log_u, eve_d, _t_len(eve_d)), "append %llu",
         (unsigned long long)eve_d);
    if ( 0 == eve_d % 50 ) {
      T_EQ(u3_log_sync(log_u), 0);
      T_EQ(u3_log_last(log_u), eve_d);
    }
  }
  T_EQ(u3_log_pending(log_u), 300);
  T_EQ(u3_log_bytes(log_u), _t_size(_t_logf("round")));
  u3_log_close(log_u);

  _t_cap_on();
  log_u = u3_log_open(pier_c);
  T_OK(0 == _t_cap_off()[0], "reopen quietly: %s", _t_cap_c);
  if ( !T_OK(0 != log_u, "reopen") ) return;
  T_EQ(u3_log_first(log_u), 1);
  T_EQ(u3_log_last(log_u), 300);
  T_EQ(_t_replay(log_u, 0, _t_len, &las_d), 300);
  T_EQ(las_d, 300);
  T_EQ(_t_replay(log_u, 123, _t_len, &las_d), 178);
  T_EQ(_t_replay(log_u, 300, _t_len, &las_d), 1);
  T_EQ(_t_replay(log_u, 301, _t_len, &las_d), 0);
  u3_log_close(log_u);
  T_EQ(_t_check_out(pier_c, out_c, sizeof(out_c)), 0);
  T_OK(_t_has(out_c, "events 1 to 300") && _t_has(out_c, "sound"),
       "check report: %s", out_c);
  {
    c3_d siz_d = _t_size(_t_logf("round"));
    _t_cap_on();
    T_EQ(u3_log_repair(pier_c), 0);
    T_OK(0 == _t_cap_off()[0], "repair of a sound log is quiet: %s",
         _t_cap_c);
    T_EQ(_t_size(_t_logf("round")), siz_d);
  }
}

/* _t_len_big(): payloads of several MB among small and empty ones.
*/
static c3_z
_t_len_big(c3_d eve_d)
{
  switch ( eve_d % 4 ) {
    case 0:  return 0;
    case 1:  return (c3_z)5 << 20;
    case 2:  return 1;
    default: return ((c3_z)3 << 20) + 17;
  }
}

/* _t_big(): large payloads; unsynced records; close syncs.
*/
static void
_t_big(void)
{
  const c3_c* pier_c = _t_pier("big");
  u3_log* log_u = u3_log_open(pier_c);
  c3_d    las_d;

  if ( !T_OK(0 != log_u, "open") ) return;
  for ( c3_d eve_d = 1; eve_d <= 6; eve_d++ ) {
    T_EQ(_t_append(log_u, eve_d, _t_len_big(eve_d)), 0);
  }
  T_EQ(u3_log_sync(log_u), 0);
  T_EQ(u3_log_last(log_u), 6);

  //  buffered records are not durable and replay does not see them
  //
  T_EQ(_t_append(log_u, 7, _t_len_big(7)), 0);
  T_EQ(u3_log_last(log_u), 6);
  T_EQ(u3_log_pending(log_u), 7);
  T_EQ(_t_replay(log_u, 0, _t_len_big, &las_d), 6);
  T_EQ(las_d, 6);
  u3_log_close(log_u);

  _t_cap_on();
  log_u = u3_log_open(pier_c);
  T_OK(0 == _t_cap_off()[0], "reopen quietly: %s", _t_cap_c);
  if ( !T_OK(0 != log_u, "reopen") ) return;
  T_EQ(u3_log_last(log_u), 7);
  T_EQ(_t_replay(log_u, 0, _t_len_big, &las_d), 7);
  T_EQ(_t_replay(log_u, 5, _t_len_big, &las_d), 3);
  T_EQ(las_d, 7);
  u3_log_close(log_u);
}

/* _t_len_six(): the six records of the small logs cut and flipped.
*/
static c3_z
_t_len_six(c3_d eve_d)
{
  static const c3_z len_z[] = { 0, 100, 0, 300, 5, 700, 150, 40, 40 };
  return len_z[eve_d % 9];
}

static c3_y _t_mrk_y[7][1024];  //  the durable mark after each event
static c3_z _t_mrk_z[7];

/* _t_markf(): the durable mark file of pier nam_c.
*/
static const c3_c*
_t_markf(const c3_c* nam_c)
{
  return _t_path("%s/.urb/log/mark.bin", nam_c);
}

/* _t_mark_at(): put back the durable mark pier nam_c's six-record log
**   had when event eve_d was the last durable one.
*/
static void
_t_mark_at(const c3_c* nam_c, c3_d eve_d)
{
  h_must_write(_t_markf(nam_c), _t_mrk_y[eve_d], _t_mrk_z[eve_d]);
}

/* _t_mark_keep(): remember pier nam_c's mark file as that of event eve_d.
*/
static void
_t_mark_keep(const c3_c* nam_c, c3_d eve_d)
{
  c3_z  len_z;
  c3_y* buf_y = h_must_read(_t_markf(nam_c), &len_z);

  if ( len_z > sizeof(_t_mrk_y[0]) ) {
    exit(1);
  }
  memcpy(_t_mrk_y[eve_d], buf_y, len_z);
  _t_mrk_z[eve_d] = len_z;
  free(buf_y);
}

/* _t_six(): a six-record log in pier nam_c, each event synced; off_d[i]
**   gets the offset of event i, off_d[7] the size; _t_mrk_y the marks.
**   Returns the file's contents.
*/
static c3_y*
_t_six(const c3_c* nam_c, c3_d off_d[8], c3_z* len_z)
{
  u3_log* log_u = u3_log_open(_t_pier(nam_c));

  if ( !log_u ) {
    fprintf(stderr, "cannot make log %s\n", nam_c);
    exit(1);
  }
  _t_mark_keep(nam_c, 0);
  off_d[0] = 0;
  off_d[1] = u3_log_bytes(log_u);
  for ( c3_d eve_d = 1; eve_d <= 6; eve_d++ ) {
    if ( _t_append(log_u, eve_d, _t_len_six(eve_d)) || u3_log_sync(log_u) ) {
      exit(1);
    }
    off_d[eve_d + 1] = u3_log_bytes(log_u);
    _t_mark_keep(nam_c, eve_d);
  }
  u3_log_close(log_u);
  return h_must_read(_t_logf(nam_c), len_z);
}

/* _t_torn_at(): cut the six-record log at siz_d, which lies inside the
**   record for event eve_d at off_d (or at its start), as a crash while
**   writing it leaves it: the durable mark at event eve_d - 1.  Reopen.
*/
static void
_t_torn_at(const c3_c* nam_c, const c3_y* all_y, c3_d siz_d,
           c3_d eve_d, c3_d off_d)
{
  const c3_c* pier_c = _t_path("%s", nam_c);
  const c3_c* pax_c  = _t_logf(nam_c);
  c3_c        ned_c[128];
  const c3_c* cap_c;
  u3_log*     log_u;
  c3_d        las_d;

  h_must_write(pax_c, all_y, siz_d);
  _t_mark_at(nam_c, c3_min(eve_d - 1, 6));
  _t_cap_on();
  log_u = u3_log_open(pier_c);
  T_OK(0 == _t_cap_off()[0], "opening only scans, quietly: %s", _t_cap_c);
  T_OK(!log_u || siz_d == off_d || _t_size(pax_c) == siz_d,
       "opening cuts nothing");
  if ( log_u ) {
    _t_cap_on();
    if ( u3_log_start(log_u, 0) ) {
      u3_log_close(log_u);
      log_u = 0;
    }
    _t_cap_off();
  }
  cap_c = _t_cap_c;

  if ( !T_OK(0 != log_u, "open cut at %llu: %s",
             (unsigned long long)siz_d, cap_c) ) {
    return;
  }
  T_EQ(u3_log_last(log_u), eve_d - 1);
  T_EQ(_t_size(pax_c), off_d);
  if ( siz_d == off_d ) {
    T_OK(0 == cap_c[0], "no warning at a record boundary: %s", cap_c);
  }
  else {
    snprintf(ned_c, sizeof(ned_c), "record for event %llu at offset %llu",
             (unsigned long long)eve_d, (unsigned long long)off_d);
    T_OK(_t_has(cap_c, ned_c) && _t_has(cap_c, "torn"),
         "cut at %llu: warning names \"%s\": %s",
         (unsigned long long)siz_d, ned_c, cap_c);
  }

  //  appends continue where the whole records end
  //
  for ( c3_d num_d = eve_d; num_d <= 7; num_d++ ) {
    T_EQ(_t_append(log_u, num_d, _t_len_six(num_d)), 0);
  }
  T_EQ(u3_log_sync(log_u), 0);
  u3_log_close(log_u);

  log_u = _t_start(pier_c, 0);
  if ( T_OK(0 != log_u, "reopen after cut at %llu: %s",
            (unsigned long long)siz_d, _t_cap_c) ) {
    T_EQ(u3_log_last(log_u), 7);
    T_EQ(_t_replay(log_u, 0, _t_len_six, &las_d), 7);
    u3_log_close(log_u);
  }
}

/* _t_torn(): a log cut at every byte of its last record, and inside
**   earlier ones, reopens to its whole records and carries on.
*/
static void
_t_torn(void)
{
  c3_d  off_d[8];
  c3_z  len_z;
  c3_y* all_y = _t_six("torn", off_d, &len_z);
  c3_w  fal_w = t_fail_w;

  T_EQ(len_z, off_d[7]);
  for ( c3_d siz_d = off_d[6]; siz_d < off_d[7]; siz_d++ ) {
    _t_torn_at("torn", all_y, siz_d, 6, off_d[6]);
  }
  //  inside earlier records: header, payload
  //
  _t_torn_at("torn", all_y, off_d[4] + 3, 4, off_d[4]);
  _t_torn_at("torn", all_y, off_d[4] + 24 + 2, 4, off_d[4]);
  _t_torn_at("torn", all_y, off_d[5] + 24 + 150, 5, off_d[5]);
  _t_torn_at("torn", all_y, off_d[2] + 23, 2, off_d[2]);
  _t_torn_at("torn", all_y, off_d[1] + 30, 1, off_d[1]);
  T_OK(fal_w == t_fail_w, "torn tails");

  //  a tail of zeros, as a crash can leave after the file grew
  //
  {
    c3_y* zer_y = calloc(1, len_z + 8192);
    memcpy(zer_y, all_y, len_z);
    h_must_write(_t_logf("torn"), zer_y, len_z + 8192);
    _t_torn_at("torn", zer_y, len_z + 8192, 7, len_z);
    free(zer_y);
  }
  free(all_y);
}

/* _t_torn_batch(): a batch written after the durable mark whose first
**   record is damaged and whose later records are whole (a crash wrote its
**   blocks out of order) is torn, not damage: check says a start cuts it,
**   the start cuts from the damage and appends carry on.  With the mark
**   past it, the same damage is refused.
*/
static void
_t_torn_batch(void)
{
  c3_c        pier_c[4096], pax_c[4096];
  c3_d        off_d[8], las_d;
  c3_z        len_z;
  c3_y*       all_y = _t_six("batch", off_d, &len_z);
  c3_c        out_c[8192];
  u3_log*     log_u;

  snprintf(pier_c, sizeof(pier_c), "%s", _t_path("%s", "batch"));
  snprintf(pax_c, sizeof(pax_c), "%s", _t_logf("batch"));
  all_y[off_d[4] + 24 + 2] ^= 0x20;      //  event 4's payload
  h_must_write(pax_c, all_y, len_z);

  //  the mark at event 6: durable records, damaged: refused
  _t_mark_at("batch", 6);
  T_OK(0 != _t_check_sna(pier_c, 0, out_c, sizeof(out_c)),
       "damage before the mark: check says a start refuses: %s", out_c);
  log_u = _t_start(pier_c, 0);
  T_OK(0 == log_u, "damage before the mark: the start refuses");
  u3_log_close(log_u);
  T_OK(h_same(pax_c, all_y, len_z), "a refused start changes no byte");

  //  the mark at event 3: events 4 to 6 were never durable
  _t_mark_at("batch", 3);
  T_EQ(_t_check_sna(pier_c, 0, out_c, sizeof(out_c)), 0);
  T_OK(_t_has(out_c, "torn"), "check: a torn batch: %s", out_c);
  T_OK(h_same(pax_c, all_y, len_z), "check changes no byte");
  log_u = _t_start(pier_c, 0);
  if ( !T_OK(0 != log_u, "a torn batch: the start goes on: %s", _t_cap_c) ) {
    free(all_y);
    return;
  }
  T_EQ(u3_log_last(log_u), 3);
  T_EQ(_t_size(pax_c), off_d[4]);
  for ( c3_d eve_d = 4; eve_d <= 7; eve_d++ ) {
    T_EQ(_t_append(log_u, eve_d, _t_len_six(eve_d)), 0);
  }
  T_EQ(u3_log_sync(log_u), 0);
  u3_log_close(log_u);
  log_u = _t_start(pier_c, 0);
  if ( T_OK(0 != log_u, "reopen after the torn batch: %s", _t_cap_c) ) {
    T_EQ(u3_log_last(log_u), 7);
    T_EQ(_t_replay(log_u, 0, _t_len_six, &las_d), 7);
    u3_log_close(log_u);
  }
  free(all_y);

  //  earlier damage the snapshot holds, then a torn batch: the start cuts
  //  the batch and still knows the earlier events are lost
  all_y = _t_six("batch2", off_d, &len_z);
  snprintf(pier_c, sizeof(pier_c), "%s", _t_path("%s", "batch2"));
  snprintf(pax_c, sizeof(pax_c), "%s", _t_logf("batch2"));
  all_y[off_d[3] + 24 + 2] ^= 0x20;      //  event 3's payload
  all_y[off_d[5] + 24 + 2] ^= 0x20;      //  event 5's payload
  h_must_write(pax_c, all_y, len_z);
  _t_mark_at("batch2", 4);
  log_u = _t_start(pier_c, 3);
  if ( T_OK(0 != log_u, "lost, then torn: the start goes on: %s",
            _t_cap_c) )
  {
    T_EQ(u3_log_last(log_u), 4);
    T_EQ(_t_size(pax_c), off_d[5]);
    T_EQ(_t_replay(log_u, 4, _t_len_six, &las_d), 1);
    _t_cap_on();
    T_EQ(_t_replay(log_u, 1, _t_len_six, &las_d), ~0ULL);
    _t_cap_off();
    T_OK(_t_has(_t_cap_c, "events 3 to 3 are lost"),
         "lost, then torn: a replay from 1 names the lost events: %s",
         _t_cap_c);
    T_EQ(_t_append(log_u, 5, _t_len_six(5)), 0);
    T_EQ(u3_log_sync(log_u), 0);
    T_EQ(_t_replay(log_u, 4, _t_len_six, &las_d), 2);
    T_EQ(las_d, 5);
    u3_log_close(log_u);
  }
  free(all_y);
}

/* _t_flip_at(): flip a byte at pos_d in the six-record log, every event
**   of it durable (the mark at 6): damage, never a torn tail, wherever it
**   lies.  Without a snapshot holding the event, check and start refuse,
**   naming it, and change nothing; with one, both go on with a warning,
**   and appends and later starts carry on.
*/
static void
_t_flip_at(const c3_y* all_y, c3_z len_z, c3_d pos_d,
           c3_d eve_d, c3_d off_d)
{
  const c3_c* pier_c = _t_path("%s", "flip");
  const c3_c* pax_c  = _t_logf("flip");
  c3_y*       bad_y  = malloc(len_z);
  static c3_c out_c[8192];
  c3_c        ned_c[128], at_c[64];
  const c3_c* cap_c;
  u3_log*     log_u;
  c3_d        las_d;

  memcpy(bad_y, all_y, len_z);
  bad_y[pos_d] ^= 0x20;
  h_must_write(pax_c, bad_y, len_z);
  _t_mark_at("flip", 6);
  snprintf(ned_c, sizeof(ned_c), "event%s %llu", ( 6 == eve_d ) ? "" : "s",
           (unsigned long long)eve_d);
  snprintf(at_c, sizeof(at_c), "offset %llu", (unsigned long long)off_d);

  //  no snapshot: refused, by check and start alike, and nothing changes
  //
  T_EQ(_t_check_sna(pier_c, 0, out_c, sizeof(out_c)), -1);
  T_OK(_t_has(out_c, ned_c) && _t_has(out_c, at_c)
       && _t_has(out_c, "would refuse"),
       "flip at %llu: check names \"%s\", \"%s\": %s",
       (unsigned long long)pos_d, ned_c, at_c, out_c);
  log_u = _t_start(pier_c, 0);
  cap_c = _t_cap_c;
  T_OK(0 == log_u, "flip at %llu: the start refuses",
       (unsigned long long)pos_d);
  T_OK(_t_has(cap_c, ned_c) && _t_has(cap_c, at_c) && _t_has(cap_c, pax_c),
       "flip at %llu: start names \"%s\", \"%s\": %s",
       (unsigned long long)pos_d, ned_c, at_c, cap_c);
  u3_log_close(log_u);
  T_OK(h_same(pax_c, bad_y, len_z), "flip at %llu: file unchanged",
       (unsigned long long)pos_d);
  T_OK(h_same(_t_markf("flip"), _t_mrk_y[6], _t_mrk_z[6]),
       "flip at %llu: mark unchanged", (unsigned long long)pos_d);

  //  a snapshot at event 6 holds it: check and start go on, warning
  //
  T_EQ(_t_check_sna(pier_c, 6, out_c, sizeof(out_c)), 0);
  T_OK(_t_has(out_c, ned_c) && _t_has(out_c, "damaged"),
       "flip at %llu: check warns: %s", (unsigned long long)pos_d, out_c);
  T_OK(h_same(pax_c, bad_y, len_z), "flip at %llu: check changes nothing",
       (unsigned long long)pos_d);
  log_u = _t_start(pier_c, 6);
  cap_c = _t_cap_c;
  if ( T_OK(0 != log_u, "flip at %llu: snapshot 6 starts: %s",
            (unsigned long long)pos_d, cap_c) ) {
    T_OK(_t_has(cap_c, ned_c) && _t_has(cap_c, "WARNING"),
         "flip at %llu: start warns: %s", (unsigned long long)pos_d, cap_c);
    T_EQ(u3_log_last(log_u), 6);
    T_EQ(_t_append(log_u, 7, _t_len_six(7)), 0);
    T_EQ(u3_log_sync(log_u), 0);
    u3_log_close(log_u);
  }
  {
    c3_z  now_z;
    c3_y* now_y = h_must_read(pax_c, &now_z);
    T_OK(now_z > len_z && 0 == memcmp(now_y, bad_y, len_z),
         "flip at %llu: the damaged bytes are kept",
         (unsigned long long)pos_d);
    free(now_y);
  }
  T_EQ(_t_check_sna(pier_c, 7, out_c, sizeof(out_c)), 0);
  log_u = _t_start(pier_c, 7);
  if ( T_OK(0 != log_u, "flip at %llu: a later start goes on: %s",
            (unsigned long long)pos_d, _t_cap_c) ) {
    T_EQ(u3_log_last(log_u), 7);
    T_EQ(_t_replay(log_u, 7, _t_len_six, &las_d), 1);
    T_EQ(las_d, 7);
    _t_cap_on();
    T_OK(~0ULL == _t_replay(log_u, 1, _t_len_six, &las_d),
         "flip at %llu: no replay across the lost events",
         (unsigned long long)pos_d);
    cap_c = _t_cap_off();
    snprintf(ned_c, sizeof(ned_c), "events %llu to",
             (unsigned long long)eve_d);
    T_OK(_t_has(cap_c, "lost") && _t_has(cap_c, ned_c),
         "flip at %llu: replay from 1 says why: %s",
         (unsigned long long)pos_d, cap_c);
    u3_log_close(log_u);
  }

  //  the operator may cut the log at the damage
  //
  h_must_write(pax_c, bad_y, len_z);
  _t_mark_at("flip", 6);
  _t_cap_on();
  T_EQ(u3_log_repair(pier_c), 0);
  cap_c = _t_cap_off();
  snprintf(ned_c, sizeof(ned_c), "record for event %llu at offset %llu",
           (unsigned long long)eve_d, (unsigned long long)off_d);
  T_OK(_t_has(cap_c, ned_c), "repair names \"%s\": %s", ned_c, cap_c);
  T_EQ(_t_size(pax_c), off_d);
  T_EQ(_t_check_out(pier_c, out_c, sizeof(out_c)), 0);
  log_u = _t_start(pier_c, 0);
  if ( T_OK(0 != log_u, "open after repair: %s", _t_cap_c) ) {
    T_EQ(u3_log_last(log_u), eve_d - 1);
    u3_log_close(log_u);
  }
  free(bad_y);
}

/* _t_flip(): byte flips in the last record and in middle records.
*/
static void
_t_flip(void)
{
  c3_d  off_d[8];
  c3_z  len_z;
  c3_y* all_y = _t_six("flip", off_d, &len_z);
  //  offsets inside a record: length, event, header check, record check,
  //  first and last payload byte
  c3_d  pos_d[] = { 0, 7, 8, 15, 16, 19, 20, 23, 24 };

  for ( c3_w i_w = 0; i_w < sizeof(pos_d) / sizeof(pos_d[0]); i_w++ ) {
    _t_flip_at(all_y, len_z, off_d[6] + pos_d[i_w], 6, off_d[6]);
    _t_flip_at(all_y, len_z, off_d[4] + pos_d[i_w], 4, off_d[4]);
    _t_flip_at(all_y, len_z, off_d[5] + pos_d[i_w], 5, off_d[5]);
    _t_flip_at(all_y, len_z, off_d[1] + pos_d[i_w], 1, off_d[1]);
  }
  _t_flip_at(all_y, len_z, off_d[7] - 1, 6, off_d[6]);
  _t_flip_at(all_y, len_z, off_d[5] - 1, 4, off_d[4]);
  free(all_y);
}

/* _t_durable(): with every event durable (the mark at 6), a log cut short
**   or damaged at its end is damage, decided with the snapshot: refused
**   and unchanged without one that holds the events, else started with a
**   gap recorded after the damaged bytes; appends, later starts and
**   replays from the snapshot carry on, a replay across the gap refuses.
**   Bytes past the mark are a torn tail, cut.
*/
static void
_t_durable(void)
{
  c3_d        off_d[8];
  c3_z        len_z, now_z;
  c3_y*       all_y = _t_six("dura", off_d, &len_z);
  static c3_c pier_c[4352], pax_c[4352];
  static c3_c out_c[8192];
  c3_y*       now_y;
  u3_log*     log_u;
  c3_d        las_d;
  c3_d        cut_d[] = { off_d[6], off_d[6] + 5, off_d[3] + 30, off_d[1] };

  snprintf(pier_c, sizeof(pier_c), "%s", _t_path("%s", "dura"));
  snprintf(pax_c, sizeof(pax_c), "%s", _t_logf("dura"));

  for ( c3_w i_w = 0; i_w < sizeof(cut_d) / sizeof(cut_d[0]); i_w++ ) {
    c3_d siz_d = cut_d[i_w];
    c3_d eve_d = ( siz_d < off_d[2] ) ? 1 : ( siz_d < off_d[4] ) ? 3 : 6;

    h_must_write(pax_c, all_y, siz_d);
    _t_mark_at("dura", 6);

    //  nothing holds event eve_d: refused, by both, unchanged
    //
    T_EQ(_t_check_sna(pier_c, eve_d - 1, out_c, sizeof(out_c)), -1);
    T_OK(_t_has(out_c, "would refuse"), "cut at %llu: check refuses: %s",
         (unsigned long long)siz_d, out_c);
    _t_cap_on();
    log_u = u3_log_open(pier_c);
    _t_cap_off();
    if ( T_OK(0 != log_u, "cut at %llu: opening only scans: %s",
              (unsigned long long)siz_d, _t_cap_c) ) {
      _t_cap_on();
      T_EQ(_t_append(log_u, eve_d, 10), -1);
      T_OK(_t_has(_t_cap_off(), "not been settled"),
           "no append before the start decides: %s", _t_cap_c);
      _t_cap_on();
      T_EQ(u3_log_start(log_u, eve_d - 1), -1);
      T_OK(_t_has(_t_cap_off(), "offset"), "cut at %llu: start names the "
           "offset: %s", (unsigned long long)siz_d, _t_cap_c);
      u3_log_close(log_u);
    }
    T_EQ(_t_size(pax_c), siz_d);

    //  a snapshot at 6 holds them: go on, a gap recorded, nothing cut
    //
    T_EQ(_t_check_sna(pier_c, 6, out_c, sizeof(out_c)), 0);
    T_EQ(_t_size(pax_c), siz_d);
    log_u = _t_start(pier_c, 6);
    if ( !T_OK(0 != log_u, "cut at %llu: snapshot 6 starts: %s",
               (unsigned long long)siz_d, _t_cap_c) ) {
      continue;
    }
    T_OK(_t_has(_t_cap_c, "WARNING"), "warns: %s", _t_cap_c);
    T_EQ(u3_log_last(log_u), 6);
    T_EQ(u3_log_pending(log_u), 6);
    T_EQ(_t_append(log_u, 7, _t_len_six(7)), 0);
    T_EQ(u3_log_sync(log_u), 0);
    T_EQ(u3_log_last(log_u), 7);
    u3_log_close(log_u);
    now_y = h_must_read(pax_c, &now_z);
    T_OK(now_z > siz_d && 0 == memcmp(now_y, all_y, siz_d),
         "cut at %llu: the damaged bytes are kept", (unsigned long long)siz_d);
    free(now_y);

    T_EQ(_t_check_sna(pier_c, 7, out_c, sizeof(out_c)), 0);
    T_OK(_t_has(out_c, "recorded as a gap"), "check sees the gap: %s", out_c);
    {
      //  one stretch, from the damaged bytes through the gap after them
      c3_c wan_c[96];
      snprintf(wan_c, sizeof(wan_c), "events %llu to 6, from offset %llu,",
               (unsigned long long)eve_d, (unsigned long long)off_d[eve_d]);
      T_OK(_t_has(out_c, wan_c), "check: the damage and the gap as one "
           "stretch (%s): %s", wan_c, out_c);
    }
    log_u = _t_start(pier_c, 7);
    if ( T_OK(0 != log_u, "cut at %llu: restart: %s",
              (unsigned long long)siz_d, _t_cap_c) ) {
      T_EQ(u3_log_last(log_u), 7);
      T_EQ(_t_replay(log_u, 7, _t_len_six, &las_d), 1);
      _t_cap_on();
      T_EQ(_t_replay(log_u, eve_d - 1, _t_len_six, &las_d), ~0ULL);
      T_OK(_t_has(_t_cap_off(), "lost"), "replay across the gap: %s",
           _t_cap_c);
      T_EQ(_t_append(log_u, 8, _t_len_six(8)), 0);
      T_EQ(u3_log_sync(log_u), 0);
      u3_log_close(log_u);
    }
    //  the gap needs the snapshot: without it, refused
    T_EQ(_t_check_sna(pier_c, 5, out_c, sizeof(out_c)), -1);
    log_u = _t_start(pier_c, 5);
    T_OK(0 == log_u, "cut at %llu: a snapshot older than the gap refuses",
         (unsigned long long)siz_d);
    u3_log_close(log_u);
    log_u = _t_start(pier_c, 8);
    if ( T_OK(0 != log_u, "cut at %llu: restart at 8: %s",
              (unsigned long long)siz_d, _t_cap_c) ) {
      T_EQ(u3_log_last(log_u), 8);
      T_EQ(_t_replay(log_u, 7, _t_len_six, &las_d), 2);
      T_EQ(las_d, 8);
      u3_log_close(log_u);
    }
  }

  //  past the durable mark: a torn tail, cut, by the start only
  //
  {
    c3_y* tal_y = calloc(1, len_z + 11);
    memcpy(tal_y, all_y, len_z);
    memset(tal_y + len_z, 0x5a, 11);
    h_must_write(pax_c, tal_y, len_z + 11);
    _t_mark_at("dura", 6);
    T_EQ(_t_check_sna(pier_c, 0, out_c, sizeof(out_c)), 0);
    T_OK(_t_has(out_c, "torn tail past the durable mark"), "check: %s",
         out_c);
    T_EQ(_t_size(pax_c), len_z + 11);
    log_u = _t_start(pier_c, 0);
    if ( T_OK(0 != log_u, "torn tail: starts: %s", _t_cap_c) ) {
      T_EQ(_t_size(pax_c), len_z);
      T_EQ(u3_log_last(log_u), 6);
      T_EQ(_t_append(log_u, 7, _t_len_six(7)), 0);
      T_EQ(u3_log_sync(log_u), 0);
      u3_log_close(log_u);
    }
    free(tal_y);
  }

  //  the mark's slots alternate: a torn write of the newer one leaves the
  //  older in force (the mark at 5), so the record for 6 may be torn
  //
  {
    c3_y mrk_y[1024];
    c3_z mrk_z = _t_mrk_z[6];
    memcpy(mrk_y, _t_mrk_y[6], mrk_z);
    mrk_y[(6 & 1) * 512 + 30] ^= 1;   //  event 6 went to slot 0
    h_must_write(_t_markf("dura"), mrk_y, mrk_z);
    h_must_write(pax_c, all_y, off_d[6] + 30);
    T_EQ(_t_check_sna(pier_c, 0, out_c, sizeof(out_c)), 0);
    T_OK(_t_has(out_c, "durable to event 5"), "older slot: %s", out_c);
    log_u = _t_start(pier_c, 0);
    if ( T_OK(0 != log_u, "torn newer slot: starts: %s", _t_cap_c) ) {
      T_EQ(u3_log_last(log_u), 5);
      T_EQ(_t_size(pax_c), off_d[6]);
      u3_log_close(log_u);
    }
  }

  //  a whole record cut out of the middle: exactly that event is lost
  //
  {
    c3_y* hol_y = malloc(len_z);
    c3_z  hol_z = len_z - (off_d[4] - off_d[3]);
    memcpy(hol_y, all_y, off_d[3]);
    memcpy(hol_y + off_d[3], all_y + off_d[4], len_z - off_d[4]);
    h_must_write(pax_c, hol_y, hol_z);
    _t_mark_at("dura", 0);
    T_EQ(_t_check_sna(pier_c, 2, out_c, sizeof(out_c)), -1);
    T_EQ(_t_check_sna(pier_c, 3, out_c, sizeof(out_c)), 0);
    T_OK(_t_has(out_c, "events 3 to 3, from offset"), "a hole: %s", out_c);
    free(hol_y);
  }

  //  a snapshot ahead of a whole log that has no mark: the snapshot holds
  //  the missing events, recorded as a gap; the next event follows it
  //
  h_must_write(pax_c, all_y, len_z);
  h_must_write(_t_markf("dura"), (const c3_y*)"", 0);
  log_u = _t_start(pier_c, 9);
  if ( T_OK(0 != log_u, "snapshot ahead: starts: %s", _t_cap_c) ) {
    T_EQ(u3_log_last(log_u), 9);
    T_EQ(_t_append(log_u, 10, 3), 0);
    T_EQ(u3_log_sync(log_u), 0);
    u3_log_close(log_u);
  }
  log_u = _t_start(pier_c, 10);
  if ( T_OK(0 != log_u, "snapshot ahead: restarts: %s", _t_cap_c) ) {
    T_EQ(u3_log_last(log_u), 10);
    u3_log_close(log_u);
  }
  free(all_y);
}

/* _t_race(): two processes opening a new pier's log at once: one wins,
**   the other is told the log is in use (or opens it after the winner
**   closed it), never a misleading error.
*/
static void
_t_race(void)
{
  c3_w bad_w = 0, los_w = 0;

  for ( c3_w i_w = 0; i_w < 20; i_w++ ) {
    c3_c  nam_c[32];
    c3_i  gat_i[2];
    pid_t pid_i[2];

    snprintf(nam_c, sizeof(nam_c), "race%u", i_w);
    const c3_c* pier_c = _t_pier(nam_c);
    if ( pipe(gat_i) ) {
      exit(1);
    }
    for ( c3_w j_w = 0; j_w < 2; j_w++ ) {
      if ( 0 == (pid_i[j_w] = fork()) ) {
        c3_c     buf_c;
        c3_c     err_c[4608];
        u3_log*  log_u;
        c3_i     err_i;

        snprintf(err_c, sizeof(err_c), "%s/race%u.%u.txt", _t_dir_c, i_w, j_w);
        err_i = open(err_c, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(err_i, 2);
        close(gat_i[1]);
        (void)!read(gat_i[0], &buf_c, 1);   //  both go at once
        log_u = u3_log_open(pier_c);
        if ( log_u ) {
          usleep(20000);
          u3_log_close(log_u);
          _exit(0);
        }
        _exit(2);
      }
    }
    close(gat_i[0]);
    close(gat_i[1]);
    for ( c3_w j_w = 0; j_w < 2; j_w++ ) {
      c3_i sat_i;
      c3_c err_c[4608];
      waitpid(pid_i[j_w], &sat_i, 0);
      if ( WIFEXITED(sat_i) && 2 == WEXITSTATUS(sat_i) ) {
        c3_z  len_z;
        c3_y* msg_y;
        snprintf(err_c, sizeof(err_c), "%s/race%u.%u.txt", _t_dir_c, i_w, j_w);
        msg_y = h_must_read(err_c, &len_z);
        msg_y[len_z] = 0;
        if ( !_t_has((c3_c*)msg_y, "in use") ) {
          fprintf(stderr, "race: loser said: %s\n", (c3_c*)msg_y);
          bad_w++;
        }
        los_w++;
        free(msg_y);
      }
      else if ( !WIFEXITED(sat_i) || 0 != WEXITSTATUS(sat_i) ) {
        bad_w++;
      }
    }
  }
  T_EQ(bad_w, 0);
  fprintf(stderr, "race: %u of 20 races had a loser\n", los_w);
}

/* _t_rot(): a record damaged after the log was opened fails replay with
**   a message, while records before it replay.
*/
static void
_t_rot(void)
{
  c3_d        off_d[8];
  c3_z        len_z;
  c3_y*       all_y = _t_six("rot", off_d, &len_z);
  u3_log*     log_u = u3_log_open(_t_path("%s", "rot"));
  u3_log_iter* itr_u;
  c3_d        eve_d;
  c3_y*       byt_y;
  c3_z        byt_z;
  c3_c        ned_c[128];
  const c3_c* cap_c;
  c3_i        ret_i, fid_i;

  free(all_y);
  if ( !T_OK(0 != log_u, "open") ) return;
  fid_i = open(_t_logf("rot"), O_RDWR);
  T_OK(1 == pwrite(fid_i, "!", 1, off_d[4] + 24 + 2), "damage record 4");
  close(fid_i);

  itr_u = u3_log_iter_open(log_u, 2);
  T_EQ(u3_log_iter_next(itr_u, &eve_d, &byt_y, &byt_z), 1);
  T_EQ(eve_d, 2);
  T_EQ(u3_log_iter_next(itr_u, &eve_d, &byt_y, &byt_z), 1);
  T_EQ(eve_d, 3);
  _t_cap_on();
  ret_i = u3_log_iter_next(itr_u, &eve_d, &byt_y, &byt_z);
  cap_c = _t_cap_off();
  T_EQ(ret_i, -1);
  snprintf(ned_c, sizeof(ned_c), "record for event 4 at offset %llu: bad "
           "checksum", (unsigned long long)off_d[4]);
  T_OK(_t_has(cap_c, ned_c), "replay names \"%s\": %s", ned_c, cap_c);
  u3_log_iter_close(itr_u);
  u3_log_close(log_u);
}

/* _t_head_bad(): a log whose header is bad refuses to open, unchanged.
*/
static void
_t_head_bad(const c3_y* hed_y, c3_z hed_z, const c3_c* wut_c)
{
  const c3_c* pier_c = _t_path("%s", "head");
  const c3_c* pax_c  = _t_logf("head");
  static c3_c out_c[4096];
  const c3_c* cap_c;
  u3_log*     log_u;

  h_must_write(pax_c, hed_y, hed_z);
  _t_cap_on();
  log_u = u3_log_open(pier_c);
  cap_c = _t_cap_off();
  T_OK(0 == log_u, "bad header (%s) refuses", wut_c);
  T_OK(_t_has(cap_c, wut_c) && _t_has(cap_c, pax_c),
       "message says \"%s\": %s", wut_c, cap_c);
  T_EQ(_t_size(pax_c), hed_z);
  u3_log_close(log_u);
  T_EQ(_t_check_out(pier_c, out_c, sizeof(out_c)), -1);
  T_OK(_t_has(out_c, wut_c), "check says \"%s\": %s", wut_c, out_c);
}

/* _t_seal(): recompute a file header's checksum (little-endian).
*/
static void
_t_seal(c3_y hed_y[32])
{
  c3_w sum_w = c3_crc32c(0, hed_y, 28);
  for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
    hed_y[28 + i_w] = (c3_y)(sum_w >> (8 * i_w));
  }
}

/* _t_head(): bad magic, version, checksum, length, first event.
*/
static void
_t_head(void)
{
  c3_d  off_d[8];
  c3_z  len_z;
  c3_y* all_y = _t_six("head", off_d, &len_z);
  c3_y  hed_y[64];

  memcpy(hed_y, all_y, 64);
  hed_y[1] ^= 1;
  _t_head_bad(hed_y, 64, "bad magic");

  memcpy(hed_y, all_y, 64);
  hed_y[4] = 2;
  _t_seal(hed_y);
  _t_head_bad(hed_y, 64, "format version 2");

  memcpy(hed_y, all_y, 64);
  hed_y[9] ^= 1;
  _t_head_bad(hed_y, 64, "header: bad checksum");

  _t_head_bad(all_y, 10, "header cut short");
  _t_head_bad(all_y, 0, "header cut short");

  memcpy(hed_y, all_y, 64);
  memset(hed_y + 8, 0, 8);
  _t_seal(hed_y);
  _t_head_bad(hed_y, 64, "first event is 0");
  free(all_y);
}

/* _t_order(): appends must be consecutive.
*/
static void
_t_order(void)
{
  u3_log*     log_u = u3_log_open(_t_pier("order"));
  const c3_c* cap_c;

  if ( !T_OK(0 != log_u, "open") ) return;
  _t_cap_on();
  T_EQ(_t_append(log_u, 2, 10), -1);
  cap_c = _t_cap_off();
  T_OK(_t_has(cap_c, "event 2 out of order, expected 1"), "%s", cap_c);
  _t_cap_on();
  T_EQ(_t_append(log_u, 0, 10), -1);
  _t_cap_off();
  T_EQ(_t_append(log_u, 1, 10), 0);
  _t_cap_on();
  T_EQ(_t_append(log_u, 1, 10), -1);
  T_EQ(_t_append(log_u, 3, 10), -1);
  T_EQ(_t_append(log_u, ~0ULL, 10), -1);
  _t_cap_off();
  T_EQ(u3_log_pending(log_u), 1);
  T_EQ(u3_log_sync(log_u), 0);
  T_EQ(u3_log_last(log_u), 1);
  T_EQ(_t_append(log_u, 2, 10), 0);
  T_EQ(u3_log_sync(log_u), 0);
  T_EQ(u3_log_last(log_u), 2);
  u3_log_close(log_u);
}

/* _t_len_full(): payloads for the full-disk test.
*/
static c3_z
_t_len_full(c3_d eve_d)
{
  return ( eve_d <= 3 ) ? 4000 : ( 0 == eve_d % 2 ) ? 5000 : 10;
}

/* _t_full(): writes past RLIMIT_FSIZE fail with EFBIG; the log stays on
**   a record boundary, keeps the records, and succeeds once there is room.
*/
static void
_t_full(void)
{
  const c3_c*   pier_c = _t_pier("full");
  const c3_c*   pax_c  = _t_logf("full");
  struct rlimit old_u, lim_u;
  const c3_c*   cap_c;
  c3_d          siz_d, las_d;
  c3_i          syn_i, ret_i;
  u3_log*       log_u = u3_log_open(pier_c);

  if ( !T_OK(0 != log_u, "open") ) return;
  for ( c3_d eve_d = 1; eve_d <= 3; eve_d++ ) {
    T_EQ(_t_append(log_u, eve_d, _t_len_full(eve_d)), 0);
  }
  T_EQ(u3_log_sync(log_u), 0);
  siz_d = _t_size(pax_c);

  if ( getrlimit(RLIMIT_FSIZE, &old_u) ) {
    T_OK(0, "getrlimit: %s", strerror(errno));
    u3_log_close(log_u);
    return;
  }
  signal(SIGXFSZ, SIG_IGN);
  fflush(stdout);

  //  event 4 (5000 bytes) cannot fit; nor can 5 (10 bytes) and 6 together
  //
  lim_u = old_u;
  lim_u.rlim_cur = siz_d + 1000;
  _t_cap_on();
  ret_i = setrlimit(RLIMIT_FSIZE, &lim_u);
  T_EQ(_t_append(log_u, 4, _t_len_full(4)), 0);
  syn_i = u3_log_sync(log_u);
  las_d = u3_log_last(log_u);
  cap_c = _t_cap_off();
  T_EQ(ret_i, 0);
  T_EQ(syn_i, -1);
  T_EQ(las_d, 3);
  T_EQ(u3_log_pending(log_u), 4);
  T_EQ(_t_size(pax_c), siz_d);
  T_OK(_t_has(cap_c, "log: write ") && _t_has(cap_c, pax_c)
       && _t_has(cap_c, strerror(EFBIG)), "message: %s", cap_c);

  //  still full: a retry fails the same way, with more records buffered
  //
  _t_cap_on();
  T_EQ(_t_append(log_u, 5, _t_len_full(5)), 0);
  T_EQ(_t_append(log_u, 6, _t_len_full(6)), 0);
  syn_i = u3_log_sync(log_u);
  cap_c = _t_cap_off();
  T_EQ(syn_i, -1);
  T_EQ(_t_size(pax_c), siz_d);
  T_OK(_t_has(cap_c, strerror(EFBIG)), "message: %s", cap_c);

  //  room again: the buffered records go out
  //
  T_EQ(setrlimit(RLIMIT_FSIZE, &old_u), 0);
  signal(SIGXFSZ, SIG_DFL);
  T_EQ(u3_log_sync(log_u), 0);
  T_EQ(u3_log_last(log_u), 6);
  T_EQ(_t_append(log_u, 7, _t_len_full(7)), 0);
  T_EQ(u3_log_sync(log_u), 0);
  u3_log_close(log_u);

  _t_cap_on();
  log_u = u3_log_open(pier_c);
  T_OK(0 == _t_cap_off()[0], "reopen quietly: %s", _t_cap_c);
  if ( T_OK(0 != log_u, "reopen") ) {
    T_EQ(u3_log_last(log_u), 7);
    T_EQ(_t_replay(log_u, 0, _t_len_full, &las_d), 7);
    u3_log_close(log_u);
  }
  {
    static c3_c out_c[4096];
    T_EQ(_t_check_out(pier_c, out_c, sizeof(out_c)), 0);
  }
}

/* _t_trunc(): u3_log_truncate drops records after an event.
*/
static void
_t_trunc(void)
{
  const c3_c* pier_c = _t_pier("trunc");
  const c3_c* pax_c  = _t_logf("trunc");
  u3_log*     log_u  = u3_log_open(pier_c);
  c3_d        off_d[12], las_d;

  if ( !T_OK(0 != log_u, "open") ) return;
  off_d[0] = u3_log_bytes(log_u);
  for ( c3_d eve_d = 1; eve_d <= 10; eve_d++ ) {
    T_EQ(_t_append(log_u, eve_d, _t_len(eve_d)), 0);
    T_EQ(u3_log_sync(log_u), 0);
    off_d[eve_d] = u3_log_bytes(log_u);
  }
  T_EQ(_t_append(log_u, 11, _t_len(11)), 0);   //  buffered, dropped

  _t_cap_on();
  T_EQ(u3_log_truncate(log_u, 11), -1);
  _t_cap_off();
  T_EQ(u3_log_pending(log_u), 11);

  T_EQ(u3_log_truncate(log_u, 7), 0);
  T_EQ(u3_log_last(log_u), 7);
  T_EQ(u3_log_pending(log_u), 7);
  T_EQ(_t_size(pax_c), off_d[7]);
  T_EQ(_t_replay(log_u, 0, _t_len, &las_d), 7);
  T_EQ(las_d, 7);
  T_EQ(_t_append(log_u, 8, _t_len(8)), 0);
  T_EQ(u3_log_sync(log_u), 0);
  T_EQ(_t_size(pax_c), off_d[8]);

  T_EQ(u3_log_truncate(log_u, 0), 0);
  T_EQ(u3_log_last(log_u), 0);
  T_EQ(_t_size(pax_c), off_d[0]);
  T_EQ(_t_replay(log_u, 0, _t_len, &las_d), 0);
  u3_log_close(log_u);

  log_u = u3_log_open(pier_c);
  if ( T_OK(0 != log_u, "reopen") ) {
    T_EQ(u3_log_last(log_u), 0);
    T_EQ(_t_append(log_u, 1, _t_len(1)), 0);
    T_EQ(u3_log_sync(log_u), 0);
    u3_log_close(log_u);
  }
}

/* _t_lock(): a log is opened by one owner at a time.
*/
static void
_t_lock(void)
{
  const c3_c* pier_c = _t_pier("lock");
  u3_log*     one_u  = u3_log_open(pier_c);
  u3_log*     two_u;
  const c3_c* cap_c;

  _t_cap_on();
  two_u = u3_log_open(pier_c);
  cap_c = _t_cap_off();
  T_OK(0 != one_u, "first open");
  T_OK(0 == two_u, "second open refused");
  T_OK(_t_has(cap_c, "in use"), "%s", cap_c);
  u3_log_close(two_u);
  u3_log_close(one_u);

  two_u = u3_log_open(pier_c);
  T_OK(0 != two_u, "open after close");
  u3_log_close(two_u);
}

/* _t_open_bad(): u3_log_open(pier_c) fails with a message holding wut_c.
*/
static c3_t
_t_open_bad(const c3_c* pier_c, const c3_c* wut_c)
{
  u3_log*     log_u;
  const c3_c* cap_c;

  _t_cap_on();
  log_u = u3_log_open(pier_c);
  cap_c = _t_cap_off();
  u3_log_close(log_u);
  return T_OK(0 == log_u && _t_has(cap_c, wut_c),
              "open %s: wanted \"%s\": %s", pier_c, wut_c, cap_c);
}

/* _t_unwritable(): an unwritable pier or log directory is refused.  As
**   root, permissions are not enforced, so it runs as nobody in a child.
*/
static void
_t_unwritable(void)
{
  const c3_c* pier_c = _t_pier("ro");
  c3_c        dir_c[4608];
  c3_c        two_c[4352];
  c3_c        pax_c[4352];
  pid_t       pid_i;
  c3_i        sat_i;

  snprintf(pax_c, sizeof(pax_c), "%s", pier_c);
  snprintf(two_c, sizeof(two_c), "%s", _t_pier("ro2"));
  snprintf(dir_c, sizeof(dir_c), "%s/.urb", two_c);
  mkdir(dir_c, 0755);
  snprintf(dir_c, sizeof(dir_c), "%s/.urb/log", two_c);
  mkdir(dir_c, 0755);
  chmod(dir_c, 0555);
  chmod(pax_c, 0555);
  chmod(_t_dir_c, 01777);   //  the child captures stderr in it

  fflush(stdout);
  fflush(stderr);
  if ( 0 == (pid_i = fork()) ) {
    c3_w fal_w = t_fail_w;
    if ( 0 == geteuid() && (setgid(65534) || setuid(65534)) ) {
      //  no such user here (a sandbox's user namespace): drop the
      //  capabilities that let root ignore permissions instead
      struct __user_cap_header_struct hed_u = { _LINUX_CAPABILITY_VERSION_3, 0 };
      struct __user_cap_data_struct   dat_u[2];
      if ( syscall(SYS_capget, &hed_u, dat_u) ) {
        _exit(3);
      }
      dat_u[0].effective &= ~((1U << CAP_DAC_OVERRIDE) | (1U << CAP_DAC_READ_SEARCH));
      if ( syscall(SYS_capset, &hed_u, dat_u) ) {
        _exit(3);
      }
    }
    _t_open_bad(pax_c, "Permission denied");
    _t_open_bad(two_c, "Permission denied");
    _exit(( fal_w == t_fail_w ) ? 0 : 1);
  }
  T_OK(pid_i > 0, "fork: %s", strerror(errno));
  if ( pid_i > 0 ) {
    T_OK(pid_i == waitpid(pid_i, &sat_i, 0), "waitpid");
    if ( WIFEXITED(sat_i) && 3 == WEXITSTATUS(sat_i) ) {
      printf("note: cannot drop root's permission override here: the "
             "unwritable-pier check did not run\n");
    }
    else {
      T_OK(WIFEXITED(sat_i) && 0 == WEXITSTATUS(sat_i),
           "unwritable pier refused in the child (status %d)", sat_i);
    }
  }
  chmod(dir_c, 0755);
  chmod(pax_c, 0755);
  chmod(_t_dir_c, 0700);
}

/* _t_pier_bad(): missing or unusable pier directories.
*/
static void
_t_pier_bad(void)
{
  static c3_c out_c[4096];
  c3_c        sub_c[4608];
  const c3_c* pier_c;

  T_OK(_t_open_bad(_t_path("%s", "nowhere"), "No such file or directory"),
       "missing pier");
  T_OK(_t_open_bad(_t_path("%s", "nowhere/deeper"),
                   "No such file or directory"), "missing parent");

  pier_c = _t_path("%s", "plain");
  h_must_write(pier_c, (const c3_y*)"x", 1);
  T_OK(_t_open_bad(pier_c, "not a directory"), "pier is a file");

  pier_c = _t_pier("urbfile");
  snprintf(sub_c, sizeof(sub_c), "%s/.urb", pier_c);
  h_must_write(sub_c, (const c3_y*)"x", 1);
  T_OK(_t_open_bad(pier_c, "not a directory"), ".urb is a file");

  pier_c = _t_pier("logdir");
  snprintf(sub_c, sizeof(sub_c), "%s/.urb", pier_c);
  mkdir(sub_c, 0755);
  snprintf(sub_c, sizeof(sub_c), "%s/.urb/log", pier_c);
  mkdir(sub_c, 0755);
  snprintf(sub_c, sizeof(sub_c), "%s/.urb/log/events.log", pier_c);
  mkdir(sub_c, 0755);
  T_OK(_t_open_bad(pier_c, "events.log"), "log file is a directory");

  pier_c = _t_pier("nolog");
  T_EQ(_t_check_out(pier_c, out_c, sizeof(out_c)), -1);
  T_OK(_t_has(out_c, "log: open ") && _t_has(out_c, "No such file"),
       "check without a log: %s", out_c);
  _t_cap_on();
  T_EQ(u3_log_repair(pier_c), -1);
  T_OK(_t_has(_t_cap_off(), "No such file"), "repair without a log: %s",
       _t_cap_c);

  _t_unwritable();
}

int
main(void)
{
  const c3_c* tmp_c = getenv("TEST_TMPDIR");

  if ( u3m_init(24) ) {
    return t_skip("cannot map the loom");
  }
  u3m_pave();

  snprintf(_t_dir_c, sizeof(_t_dir_c), "%s/log_tests.XXXXXX",
           ( tmp_c && *tmp_c ) ? tmp_c : "/tmp");
  if ( !mkdtemp(_t_dir_c) ) {
    fprintf(stderr, "mkdtemp %s: %s\n", _t_dir_c, strerror(errno));
    return 1;
  }

  _t_round();
  _t_big();
  _t_torn();
  _t_torn_batch();
  _t_flip();
  _t_durable();
  _t_race();
  _t_rot();
  _t_head();
  _t_order();
  _t_full();
  _t_trunc();
  _t_lock();
  _t_pier_bad();

  h_rm(_t_dir_c);
  T_OK(0 != access(_t_dir_c, F_OK), "scratch directory removed");

  t_clean();
  u3m_fini();
  return t_done();
}
