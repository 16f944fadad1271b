/// @file check.c
/// `urbit check`: verify a stopped pier strictly read-only and say what a
/// start would do with it.  It takes the pier's lock shared (pier.c), so
/// it never reads a live pier; judges the image with the start's own
/// validator (u3e_judge) and the log by the start's own rule
/// (u3_log_check); and boots a sound image on a private view to prove
/// its refcounts.  Nothing in the pier is written.
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "noun/noun.h"
#include "noun/events.h"
#include "vere/log.h"
#include "vere/path.h"
#include "vere/pier.h"
#include "vere/pier_in.h"

/* _cp_check_refs(): boot the image read-only (a private view, nothing
**   saved: the start's validation again, with the home header) and prove
**   its refcounts.  Returns the boot's result; *bad_t set when the
**   refcounts are wrong.
*/
static c3_i
_cp_check_refs(const c3_c* dir_c, c3_w bit_w, c3_t* bad_t)
{
  c3_i bot_i = u3m_boot_read(dir_c, bit_w);

  if ( u3m_boot_resumed != bot_i ) {
    if ( bot_i >= 0 ) {
      u3m_stop();
    }
    return bot_i;
  }
  u3a_sweep_report rep_u;
  c3_d byt_d = u3a_mark_noun(u3H->roo);
  c3_o oke_o = u3a_sweep(&rep_u, c3y);
  printf("check: refcounts: %llu allocations, %llu bytes reachable from the "
         "state at event %llu: %s\n",
         (unsigned long long)rep_u.live_d, (unsigned long long)byt_d,
         (unsigned long long)u3H->eve_d,
         _(oke_o) ? "sound" : "WRONG");
  if ( c3n == oke_o ) {
    printf("check: %llu leaked (%llu bytes), %llu over-referenced, "
           "%llu under-referenced\n",
           (unsigned long long)rep_u.leak_d, (unsigned long long)rep_u.leak_bytes_d,
           (unsigned long long)rep_u.over_d, (unsigned long long)rep_u.under_d);
  }
  *bad_t = _(oke_o) ? 0 : 1;

  //  the sweep cleared every reachable object's cached mug: this is the
  //  state mug from scratch, against the one the header keeps
  {
    c3_w kep_w = u3H->mug_w;
    c3_w mug_w = u3r_mug(u3H->roo);

    if ( !kep_w ) {
      printf("check: state mug 0x%08x (the image, of an older format, keeps "
             "none)\n", mug_w);
    }
    else if ( kep_w == mug_w ) {
      printf("check: state mug 0x%08x, as the image keeps it\n", mug_w);
    }
    else {
      printf("check: state mug 0x%08x, but the image keeps 0x%08x: WRONG\n",
             mug_w, kep_w);
      *bad_t = 1;
    }
  }
  u3m_stop();
  return bot_i;
}

/* _cp_log_new(): 1 when PIER has no event log and no image either: a
**   start makes both.
*/
static c3_t
_cp_log_new(const c3_c* dir_c)
{
  c3_c        log_c[u3_path_max];
  struct stat sat_u;

  return ( 0 == u3_path_put(log_c, dir_c, u3_path_events)
           && stat(log_c, &sat_u) && ENOENT == errno ) ? 1 : 0;
}

/* u3_pier_check(): verify a pier's image, log and refcounts; the exit status. */
c3_i
u3_pier_check(const c3_c* dir_c)
{
  struct stat sat_u;
  u3e_verdict ver_u;
  c3_c        lok_c[u3_path_max];
  c3_i        lok_i, log_i;
  c3_t        ref_t = 0;      //  a start would refuse
  c3_t        bad_t = 0;      //  the state's refcounts are wrong

  printf("check: %s\n", dir_c);
  fflush(stdout);
  if ( stat(dir_c, &sat_u) || !S_ISDIR(sat_u.st_mode) ) {
    printf("check: %s is not a pier directory\n", dir_c);
    return 1;
  }
  if ( 0 > (lok_i = _cp_lock(dir_c, 0)) ) {
    printf("check: not checked: the pier is in use by a running ship\n");
    return 2;
  }
  if ( 0 == u3_path_put(lok_c, dir_c, u3_path_urb)
       && stat(lok_c, &sat_u) && ENOENT == errno ) {
    printf("check: no pier in %s yet: a start makes a new one\n", dir_c);
    return 0;
  }

  //  the image: the start's own validator, read-only; then the log, for
  //  the snapshot a start would have (none when it rebuilds from event 1)
  u3e_judge(dir_c, 0, stdout, &ver_u);
  fflush(stdout);
  if ( u3_pier_log_lost(dir_c) ) {
    printf("check: the pier has an image but no event log (.urb/%s): a "
           "start refuses to make a new one over its history; restore the "
           "log from a copy\n", u3_path_events);
    log_i = -1;
  }
  else if ( _cp_log_new(dir_c) ) {
    printf("check: no event log yet: a start makes a new one\n");
    log_i = 0;
  }
  else {
    log_i = u3_log_check(dir_c, ( u3e_img_sound == ver_u.img_e ) ? ver_u.eve_d : 0,
                         stdout);
  }
  fflush(stdout);

  //  the stored workload: a damaged one stops a start
  {
    u3_pier_conf con_u;
    fflush(stderr);
    if ( u3_pier_conf_read(dir_c, &con_u) < 0 ) {
      printf("check: a start refuses: the stored workload (.urb/%s) is "
             "damaged (see above)\n", u3_path_conf);
      ref_t = 1;
    }
  }

  //  a sound image is booted as a start would, read-only, for refcounts:
  //  the home header is checked there, as at a start
  if ( u3e_img_sound == ver_u.img_e && log_i >= 0 ) {
    switch ( _cp_check_refs(dir_c, ver_u.bits_w, &bad_t) ) {
      case u3m_boot_resumed: break;
      case u3m_boot_damaged: ver_u.img_e = u3e_img_damaged; break;
      case u3m_boot_refused: ver_u.img_e = u3e_img_refused; break;
      default:               ver_u.img_e = u3e_img_failed; break;
    }
    fflush(stdout);
  }

  switch ( ver_u.img_e ) {
    case u3e_img_new: {
      printf("check: a start makes a new image and replays the log\n");
    } break;
    case u3e_img_sound: {
      printf("check: a start resumes at event %llu\n",
             (unsigned long long)ver_u.eve_d);
    } break;
    case u3e_img_damaged:
    case u3e_img_unsummed: {
      if ( log_i < 0 ) {
        printf("check: a start refuses: the image cannot be trusted and the "
               "log does not reach back to event 1 whole (see above); the "
               "way out: restore .urb/chk (north.bin with its sums.bin) from "
               "a backup\n");
        ref_t = 1;
      }
      else {
        printf("check: a start sets the image aside and rebuilds the state "
               "from the log, from event 1\n");
      }
    } break;
    case u3e_img_refused:
    case u3e_img_failed: {
      printf("check: a start refuses the image (see above)\n");
      ref_t = 1;
    } break;
  }
  if ( log_i < 0 && !ref_t ) {
    printf("check: a start refuses the damaged log (see above)\n");
    ref_t = 1;
  }

  //  no lock file: no run held it; one that began meanwhile voids this
  if ( 1 == lok_i && 0 == u3_path_put(lok_c, dir_c, u3_path_lock)
       && 0 == access(lok_c, F_OK) )
  {
    printf("check: a ship started during the check: run it again\n");
    return 2;
  }
  printf("check: %s\n", ref_t ? "PROBLEMS FOUND: a start would refuse"
                      : bad_t ? "PROBLEMS FOUND: wrong refcounts or state mug"
                      : "sound: a start goes on");
  return ( ref_t || bad_t ) ? 1 : 0;
}
