/// @file verify.c
/// Verifying the image's pages after the start, off the critical path.
///
/// A start that verifies in the background (u3C.later_o) judges only
/// what is small before it maps the image: a leftover patch, north.bin's
/// size, the home header, sums.bin against the page count, and page 0
/// against its checksum.  Then the image is mapped and the first event
/// may run while one thread reads north.bin in runs of _cv_run_pages with
/// pread and compares every page with sums.bin (already loaded in
/// u3P.sum_w).
///
/// Algorithm.  The pass reads through a descriptor of its own, marked
/// POSIX_FADV_RANDOM (the kernel reads what is asked, no further, and
/// the readahead of the loom's own mapping is not disturbed), and asks
/// for each run ahead (POSIX_FADV_WILLNEED) while it checks the one
/// before.  Before asking for a run it notes which of its file pages are
/// in the page cache already (mincore on a transient read-only
/// MAP_SHARED view of the run: one mapping at a time, so the process's
/// mapping count does not grow); once the run is checked, it drops from
/// the page cache (POSIX_FADV_DONTNEED) the pages that were not there.
/// The kernel never drops a page that is mapped, so a page the ship
/// touched meanwhile stays; one it touches later is read again, as it
/// would have been on a cold start.  Verification so reads the image
/// once and leaves the page cache as it found it: memory does not grow
/// with the image.
///
/// Invariants.  No snapshot is committed on unverified pages:
/// u3e_save (and u3e_backup) first wait for the pass to end
/// (_ce_verify_wait), and refuse when it found damage.  u3P.sum_w and
/// north.bin change only in a save, so the thread reads both without
/// locks.  The thread is joined before the image's files are closed
/// (_ce_verify_stop from _ce_close), and a fork's child, which has no
/// such thread, verifies what is left itself when it waits.
///
/// Damage.  A page that fails its checksum, or a read that fails, ends
/// the pass (once the run it is in is checked) as u3e_verify_damaged or
/// u3e_verify_failed, with the pages named in a message, and leaves the
/// file chk/damaged (durably): the next start sees it and judges the
/// whole image before the first event, exactly as a start always did, so
/// it reports the same damage the same way and rebuilds from the log
/// (u3e_wipe removes the file).
/// The run loop polls u3e_verify_poll() between events and stops without
/// committing the event in flight.
///
/// Memory.  One buffer of _cv_run_pages pages (8 MiB) and two mincore
/// vectors; nothing grows with the image.  Progress goes to the log every
/// two seconds once a pass has taken two seconds (unless u3C.quiet_o).
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "c3/clock.h"
#include "c3/io.h"
#include "noun/log.h"
#include "noun/events_in.h"
#include "noun/options.h"

#define _cv_run_pages  512                 //  pages read at once (8 MiB)
#define _cv_talk_ns    2000000000ULL       //  progress: after, and every

/* _cv_pass: the one verification pass of an open image.
*/
static struct {
  c3_t      ran_t;     //  a pass was started for the open image
  c3_t      thr_t;     //  its thread exists and is not joined
  pthread_t thr_u;     //  the thread
  pid_t     pid_i;     //  the process the thread belongs to
  c3_w      nor_w;     //  pages to verify: [0, nor_w) of north.bin
  c3_w      don_w;     //  pages verified so far (the next one)
  c3_d      sat_d;     //  when the pass started
  c3_d      bad_d;     //  damaged pages found
  c3_w      fir_w;     //  the first of them
  c3_w      del_w;     //  test delay before the first read, ms
  c3_i      fid_i;     //  north.bin, opened for the pass alone
  c3_i      sop_i;     //  1: abandon the pass (atomic)
  c3_i      sta_i;     //  u3e_verify_e (atomic)
} _cv_u = { .fid_i = -1 };

/* _cv_state(): the pass's state. */
static u3e_verify_e
_cv_state(void)
{
  return (u3e_verify_e)__atomic_load_n(&_cv_u.sta_i, __ATOMIC_ACQUIRE);
}

/* _cv_mark(): leave chk/damaged, durably, so the next start judges the
**   whole image before its first event.  Best effort: without it, the
**   next start finds the damage again in the background.
*/
static void
_cv_mark(const c3_c* why_c)
{
  c3_c pat_c[PATH_MAX];
  c3_i fid_i;

  if ( _ce_path(pat_c, u3P.dir_c, _ce_damaged_name) ) {
    return;
  }
  fid_i = c3_io_open(pat_c, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if ( fid_i < 0 ) {
    u3l_log("image: open %s: %s\n", pat_c, strerror(errno));
    return;
  }
  if ( c3_io_pwrite_all(fid_i, why_c, strlen(why_c), 0)
       || c3_io_fdatasync(fid_i)
       || c3_io_fsync(u3P.dir_i) )
  {
    u3l_log("image: write %s: %s\n", pat_c, strerror(errno));
  }
  c3_io_close(fid_i);
}

/* _cv_close(): close the pass's descriptor. */
static void
_cv_close(void)
{
  if ( _cv_u.fid_i >= 0 ) {
    c3_io_close(_cv_u.fid_i);
  }
  _cv_u.fid_i = -1;
}

/* _cv_resident(): which system pages of north.bin's [off_d, off_d +
**   len_z) are in the page cache, into res_y (one byte each, bit 0); -1
**   when the kernel will not say (then nothing is dropped).
*/
static c3_i
_cv_resident(c3_d off_d, c3_z len_z, c3_y* res_y)
{
  void* map_v = mmap(0, len_z, PROT_READ, MAP_SHARED, _cv_u.fid_i,
                     (off_t)off_d);
  c3_i  ret_i;

  if ( MAP_FAILED == map_v ) {
    return -1;
  }
  ret_i = mincore(map_v, len_z, (unsigned char*)res_y);
  munmap(map_v, len_z);
  return ret_i;
}

/* _cv_drop(): drop from the page cache the system pages of the run at
**   off_d that res_y says were not there before it was read.
*/
static void
_cv_drop(c3_d off_d, c3_z num_z, const c3_y* res_y, c3_z sys_z)
{
  c3_z i_z = 0;

  while ( i_z < num_z ) {
    if ( res_y[i_z] & 1 ) {
      i_z++;
      continue;
    }
    c3_z j_z = i_z + 1;
    while ( j_z < num_z && !(res_y[j_z] & 1) ) {
      j_z++;
    }
    (void)posix_fadvise(_cv_u.fid_i, (off_t)(off_d + i_z * sys_z),
                        (off_t)((j_z - i_z) * sys_z), POSIX_FADV_DONTNEED);
    i_z = j_z;
  }
}

/* _cv_page(): page pag_w's contents checked: count and name it if
**   damaged.
*/
static void
_cv_page(c3_w pag_w, const c3_y* pag_y)
{
  c3_w has_w = _ce_sum_page(pag_y);

  if ( has_w != u3P.sum_w[pag_w] ) {
    if ( _cv_u.bad_d < _ce_bad_shown ) {
      u3l_log("image: page %u of north.bin is damaged: checksum %08x, "
              "sums.bin says %08x\n", pag_w, has_w, u3P.sum_w[pag_w]);
    }
    if ( 0 == _cv_u.bad_d++ ) {
      _cv_u.fir_w = pag_w;
    }
  }
}

/* _cv_pause(): the test delay, abandoned on stop. */
static void
_cv_pause(void)
{
  for ( c3_w i_w = 0; i_w < _cv_u.del_w; i_w += 10 ) {
    if ( __atomic_load_n(&_cv_u.sop_i, __ATOMIC_ACQUIRE) ) {
      return;
    }
    struct timespec tim_u = { 0, 10 * 1000000L };
    nanosleep(&tim_u, 0);
  }
}

/* _cv_run(): verify pages [_cv_u.don_w, _cv_u.nor_w), from the thread or
**   (a fork's child) the caller.  The final state.
*/
static u3e_verify_e
_cv_run(void)
{
  c3_c  npa_c[PATH_MAX], why_c[128];
  c3_z  sys_z = (c3_z)sysconf(_SC_PAGESIZE);
  c3_z  buf_z = (c3_z)_cv_run_pages << u3a_page_bits;
  c3_y* buf_y = malloc(buf_z);
  c3_y* res_y[2] = { malloc(buf_z / sys_z), malloc(buf_z / sys_z) };
  c3_t  res_t[2] = { 0, 0 };
  c3_d  tak_d = _cv_u.sat_d + _cv_talk_ns;
  c3_i  sta_i = u3e_verify_sound;

  if ( _ce_path(npa_c, u3P.dir_c, "north.bin") ) {
    sta_i = u3e_verify_failed;
  }
  else if ( !buf_y || !res_y[0] || !res_y[1] ) {
    u3l_log("image: out of memory verifying %s\n", npa_c);
    sta_i = u3e_verify_failed;
  }
  _cv_pause();

  //  each run: what was cached is noted, then the run is asked for
  //  ahead (so reading overlaps checking), read, checked, and what it
  //  brought in is dropped again
  if ( u3e_verify_sound == sta_i && _cv_u.don_w < _cv_u.nor_w ) {
    c3_w run_w = c3_min(_cv_run_pages, _cv_u.nor_w - _cv_u.don_w);
    c3_d off_d = (c3_d)_cv_u.don_w << u3a_page_bits;
    res_t[0] = ( 0 == _cv_resident(off_d, (c3_z)run_w << u3a_page_bits,
                                   res_y[0]) );
  }
  for ( c3_w cur_w = 0;
        u3e_verify_sound == sta_i && _cv_u.don_w < _cv_u.nor_w;
        cur_w ^= 1 )
  {
    if ( __atomic_load_n(&_cv_u.sop_i, __ATOMIC_ACQUIRE) ) {
      break;
    }
    c3_w run_w = c3_min(_cv_run_pages, _cv_u.nor_w - _cv_u.don_w);
    c3_z len_z = (c3_z)run_w << u3a_page_bits;
    c3_d off_d = (c3_d)_cv_u.don_w << u3a_page_bits;
    c3_w nex_w = _cv_u.don_w + run_w;

    if ( nex_w < _cv_u.nor_w ) {
      c3_z nen_z = (c3_z)c3_min(_cv_run_pages, _cv_u.nor_w - nex_w)
                   << u3a_page_bits;
      c3_d nof_d = (c3_d)nex_w << u3a_page_bits;
      res_t[cur_w ^ 1] = ( 0 == _cv_resident(nof_d, nen_z, res_y[cur_w ^ 1]) );
      (void)posix_fadvise(_cv_u.fid_i, (off_t)nof_d, (off_t)nen_z,
                          POSIX_FADV_WILLNEED);
    }
    if ( _ce_pread_all(_cv_u.fid_i, buf_y, len_z, off_d, npa_c) ) {
      sta_i = u3e_verify_failed;
      break;
    }
    for ( c3_w i_w = 0; i_w < run_w; i_w++ ) {
      _cv_page(_cv_u.don_w + i_w, buf_y + ((c3_z)i_w << u3a_page_bits));
    }
    if ( res_t[cur_w] ) {
      _cv_drop(off_d, len_z / sys_z, res_y[cur_w], sys_z);
    }
    _cv_u.don_w = nex_w;
    if ( _cv_u.bad_d ) {
      //  the image is not trusted: the run stops now, not at the end
      break;
    }

    c3_d now_d = c3_nanos();
    if ( now_d >= tak_d && c3n == u3C.quiet_o ) {
      u3l_log("image: verifying north.bin: %llu of %llu MiB\n",
              (unsigned long long)((c3_d)_cv_u.don_w << u3a_page_bits >> 20),
              (unsigned long long)((c3_d)_cv_u.nor_w << u3a_page_bits >> 20));
      tak_d = now_d + _cv_talk_ns;
    }
  }
  free(buf_y);
  free(res_y[0]);
  free(res_y[1]);

  if ( u3e_verify_sound == sta_i && !_cv_u.bad_d
       && _cv_u.don_w < _cv_u.nor_w )
  {
    //  abandoned: neither sound nor damaged
    return u3e_verify_running;
  }
  if ( u3e_verify_sound == sta_i && _cv_u.bad_d ) {
    sta_i = u3e_verify_damaged;
  }
  u3e_Stat.verify_ns_d = c3_nanos() - _cv_u.sat_d;
  if ( u3e_verify_damaged == sta_i ) {
    u3l_log("image: %llu damaged page%s in %s (found after the start)\n",
            (unsigned long long)_cv_u.bad_d, ( 1 == _cv_u.bad_d ) ? "" : "s",
            npa_c);
    snprintf(why_c, sizeof(why_c), "page %u of north.bin failed its "
             "checksum\n", _cv_u.fir_w);
    _cv_mark(why_c);
  }
  else if ( u3e_verify_failed == sta_i ) {
    _cv_mark("north.bin could not be read whole\n");
  }
  else if ( _cv_u.del_w || u3e_Stat.verify_ns_d >= _cv_talk_ns ) {
    if ( c3n == u3C.quiet_o ) {
      u3l_log("image: verified north.bin, %u pages, in %llu ms\n",
              _cv_u.nor_w,
              (unsigned long long)(u3e_Stat.verify_ns_d / 1000000ULL));
    }
  }
  return (u3e_verify_e)sta_i;
}

/* _cv_main(): the thread's body. */
static void*
_cv_main(void* arg_v)
{
  u3e_verify_e sta_e = _cv_run();

  (void)arg_v;
  __atomic_store_n(&_cv_u.sta_i, (c3_i)sta_e, __ATOMIC_RELEASE);
  return 0;
}

/* _ce_verify_start(): verify north.bin's pages [0, nor_w) against
**   u3P.sum_w: page 0 now, the rest on a thread.  0 when the pass is
**   under way, 1 when page 0 is damaged (the image is not trusted), -1
**   on failure (reported).
*/
c3_i
_ce_verify_start(c3_w nor_w)
{
  c3_c npa_c[PATH_MAX];
  c3_y pag_y[u3a_page_bytes];
  c3_w del_w = _cv_u.del_w;

  memset(&_cv_u, 0, sizeof(_cv_u));
  _cv_u.del_w = del_w;
  _cv_u.fid_i = -1;
  _cv_u.nor_w = nor_w;
  _cv_u.sat_d = c3_nanos();
  _cv_u.pid_i = getpid();
  u3e_Stat.verify_ns_d = 0;
  if ( _ce_path(npa_c, u3P.dir_c, "north.bin") ) {
    return -1;
  }
  //  a descriptor of its own: its reads do not disturb the readahead of
  //  the loom's mapping, and read no further ahead than asked
  if ( 0 > (_cv_u.fid_i = c3_io_open(npa_c, O_RDONLY | O_CLOEXEC, 0)) ) {
    u3l_log("image: open %s: %s\n", npa_c, strerror(errno));
    return -1;
  }
  (void)posix_fadvise(_cv_u.fid_i, 0, 0, POSIX_FADV_RANDOM);
  if ( _ce_pread_all(_cv_u.fid_i, pag_y, sizeof(pag_y), 0, npa_c) ) {
    _cv_close();
    return -1;
  }
  _cv_page(0, pag_y);
  if ( _cv_u.bad_d ) {
    u3l_log("image: 1 damaged page in %s\n", npa_c);
    _cv_close();
    return 1;
  }
  _cv_u.don_w = 1;
  _cv_u.ran_t = 1;
  _cv_u.sta_i = u3e_verify_running;

  //  the thread takes no signals: they stay the event loop's
  sigset_t all_u, old_u;
  c3_i     ret_i;
  sigfillset(&all_u);
  pthread_sigmask(SIG_SETMASK, &all_u, &old_u);
  ret_i = pthread_create(&_cv_u.thr_u, 0, _cv_main, 0);
  pthread_sigmask(SIG_SETMASK, &old_u, 0);
  if ( ret_i ) {
    //  no thread: verified now, as a start did before
    _cv_u.sta_i = (c3_i)_cv_run();
    return ( u3e_verify_sound == _cv_u.sta_i ) ? 0
           : ( u3e_verify_damaged == _cv_u.sta_i ) ? 1 : -1;
  }
  _cv_u.thr_t = 1;
  return 0;
}

/* _ce_verify_wait(): wait for the pass to end; 0 when the image is
**   verified whole (or no pass runs), -1 when it is not.
*/
c3_i
_ce_verify_wait(void)
{
  if ( !_cv_u.ran_t ) {
    return 0;
  }
  if ( _cv_u.thr_t ) {
    if ( _cv_u.pid_i != getpid() ) {
      //  a fork's child: the thread stayed with the parent
      _cv_u.thr_t = 0;
      _cv_u.del_w = 0;
      __atomic_store_n(&_cv_u.sta_i, (c3_i)_cv_run(), __ATOMIC_RELEASE);
    }
    else {
      pthread_join(_cv_u.thr_u, 0);
      _cv_u.thr_t = 0;
    }
  }
  return ( u3e_verify_sound == _cv_state() ) ? 0 : -1;
}

/* _ce_verify_stop(): abandon the pass (the image is being closed). */
void
_ce_verify_stop(void)
{
  if ( _cv_u.thr_t && _cv_u.pid_i == getpid() ) {
    __atomic_store_n(&_cv_u.sop_i, 1, __ATOMIC_RELEASE);
    pthread_join(_cv_u.thr_u, 0);
  }
  _cv_u.thr_t = 0;
  _cv_u.ran_t = 0;
  _cv_close();
}

u3e_verify_e
u3e_verify_poll(void)
{
  return _cv_u.ran_t ? _cv_state() : u3e_verify_sound;
}

u3e_verify_e
u3e_verify_wait(void)
{
  if ( u3e_verify_running == u3e_verify_poll() && c3n == u3C.quiet_o ) {
    u3l_log("image: the snapshot waits for the image's verification\n");
  }
  _ce_verify_wait();
  return u3e_verify_poll();
}

void
u3e_verify_delay(c3_w ms_w)
{
  _cv_u.del_w = ms_w;
}
