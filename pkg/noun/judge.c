/// @file judge.c
/// Judging an image read-only, and what follows from the verdict outside
/// a start: _ce_judge, the one validator a start (u3e_live) and `urbit
/// check` (u3e_judge, u3e_check) share, and u3e_wipe, which moves an
/// unusable image aside so the log can rebuild it.
///
/// Invariants.  Judging changes no file: it opens everything read-only
/// and only says what a start would do (u3e_verdict).  An image that
/// cannot be verified is never trusted.  Wiping keeps one generation of
/// *.bad files, and only when there is room for them.
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "c3/io.h"
#include "noun/log.h"
#include "noun/events_in.h"
#include "noun/manage.h"

  /** Judging an image: the one validator.
  ***
  ***   _ce_judge looks at a chk directory without changing anything and
  ***   says what a start does with it: what becomes of a leftover patch,
  ***   and whether the image (after a valid patch) is new, sound, damaged,
  ***   unverifiable, refused or unreadable.  u3e_live acts on its verdict;
  ***   u3e_judge (and so `urbit check`) reports it.  An image that cannot
  ***   be verified (north.bin with pages, sums.bin missing or empty) is
  ***   never trusted: it is judged like a damaged one.
  **/
/* _ce_tell(): one line of a judgment: to fil_u ("check: ") or, at a
**   start, to the log ("image: ").
*/
static void
_ce_tell(FILE* fil_u, const c3_c* fmt_c, ...)
{
  c3_c    msg_c[1024];
  va_list ap;

  va_start(ap, fmt_c);
  vsnprintf(msg_c, sizeof(msg_c), fmt_c, ap);
  va_end(ap);
  if ( fil_u ) {
    fprintf(fil_u, "check: %s\n", msg_c);
  }
  else {
    u3l_log("image: %s\n", msg_c);
  }
}

/* _ce_judgment_free(): release a judgment's patch. */
void
_ce_judgment_free(_ce_judgment* jud_u)
{
  free(jud_u->lin_u);
  jud_u->lin_u = 0;
  if ( jud_u->mem_i >= 0 ) {
    c3_io_close(jud_u->mem_i);
  }
  jud_u->mem_i = -1;
}

/* _ce_judge_head(): judge the geometry and format in the home header of
**   the image a start would have (page 0 from the patch or from
**   north.bin): a sound header made for other geometry or format than
**   bits_w asks (0: any) is refused, never rebuilt.  The header's own
**   checksum and the home road are u3m_header_check's, after mapping.
*/
static void
_ce_judge_head(const c3_c* chk_c, c3_i nor_i, c3_w bits_w, c3_w max_w,
               FILE* fil_u, _ce_judgment* jud_u)
{
  u3e_verdict* ver_u = &jud_u->ver_u;
  c3_c         pat_c[PATH_MAX];
  u3m_home     hom_u;
  c3_i         fid_i = nor_i;

  if ( jud_u->lin_u && jud_u->ctl_u.pgs_w && 0 == jud_u->lin_u[0].pag_w ) {
    fid_i = jud_u->mem_i;
  }
  else if ( 0 == jud_u->pag_w || nor_i < 0 ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "the patched image needs page 0 of north.bin, which is "
                    "empty");
    return;
  }
  if ( _ce_path(pat_c, chk_c, ( fid_i == nor_i ) ? "north.bin" : "memory.bin")
       || _ce_pread_all(fid_i, &hom_u, sizeof(hom_u), 0, pat_c) )
  {
    ver_u->img_e = u3e_img_failed;
    return;
  }
  switch ( u3m_header_fits(&hom_u, bits_w) ) {
    case u3m_head_fits: break;
    case u3m_head_alien: {
      ver_u->img_e = u3e_img_damaged;
      _ce_tell(fil_u, "page 0 is not a home header (magic %08x)",
               hom_u.mag_w);
      return;
    }
    case u3m_head_damaged: {
      ver_u->img_e = u3e_img_damaged;
      _ce_tell(fil_u, "page 0: a damaged home header (format %u, loom bits "
                      "%u, page bits %u)", hom_u.ver_w, hom_u.bits_w,
               hom_u.pag_bits_w);
      return;
    }
    case u3m_head_other: {
      ver_u->img_e = u3e_img_refused;
      _ce_tell(fil_u, "the image is format %u with a loom of 2^%u bytes and "
                      "2^%u-byte pages; %s format %u, 2^%u-byte pages%s",
               hom_u.ver_w, hom_u.bits_w, hom_u.pag_bits_w,
               fil_u ? "this runtime reads" : "this run asked for",
               u3m_home_version, u3a_page_bits,
               bits_w ? " and the loom it was given" : "");
      return;
    }
  }
  ver_u->bits_w = hom_u.bits_w;
  ver_u->eve_d  = hom_u.eve_d;
  max_w = c3_min(max_w, 1U << (hom_u.bits_w - u3a_page_bits));
  if ( ver_u->nor_w > max_w ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "the image has %u pages, more than its loom's %u",
             ver_u->nor_w, max_w);
  }
}

/* _ce_judge_pages(): the rest of _ce_judge, once the patch and the home
**   header are judged: sums.bin, then every page the image keeps from
**   north.bin (npa_c, open as nor_i) against its checksum.
*/
static void
_ce_judge_pages(const c3_c* npa_c, const c3_c* spa_c, c3_i nor_i, c3_i sum_i,
                c3_w* sum_w, c3_w max_w, FILE* fil_u, _ce_judgment* jud_u)
{
  u3e_verdict* ver_u = &jud_u->ver_u;
  c3_w         kep_w;

  //  the checksums
  if ( sum_i >= 0 && _ce_sums_load(sum_i, spa_c, sum_w, max_w, &jud_u->num_w) ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "%s is unreadable or damaged (see above)", spa_c);
    return;
  }

  //  the pages the image keeps from north.bin: all of them, or those
  //  below the patched top that the patch does not replace
  kep_w = jud_u->pag_w;
  if ( u3e_pat_apply == ver_u->pat_e ) {
    const u3e_line* lin_u = jud_u->lin_u;
    c3_w            pgs_w = jud_u->ctl_u.pgs_w;
    kep_w = 0;
    for ( c3_w i_w = 0, l_w = 0; i_w < ver_u->nor_w; i_w++ ) {
      while ( l_w < pgs_w && lin_u[l_w].pag_w < i_w ) l_w++;
      if ( !(l_w < pgs_w && lin_u[l_w].pag_w == i_w) ) {
        kep_w = i_w + 1;
      }
    }
    if ( kep_w > jud_u->pag_w ) {
      ver_u->img_e = u3e_img_damaged;
      _ce_tell(fil_u, "the patched image needs %u pages of %s, which has %u",
               kep_w, npa_c, jud_u->pag_w);
      return;
    }
  }
  if ( kep_w && 0 == jud_u->num_w ) {
    ver_u->img_e = u3e_img_unsummed;
    _ce_tell(fil_u, "%s is missing or empty: the %u pages of %s cannot be "
                    "verified", spa_c, kep_w, npa_c);
    return;
  }
  if ( ( u3e_pat_apply == ver_u->pat_e ) ? (kep_w > jud_u->num_w)
                                         : (jud_u->num_w != jud_u->pag_w) )
  {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "%s has %u checksums for the %u pages of %s", spa_c,
             jud_u->num_w, jud_u->pag_w, npa_c);
    return;
  }

  //  with no patch in play, a start may leave the pages to verify.c's
  //  pass after it: what is small is judged, and the image maps as is
  if ( jud_u->lat_t ) {
    if ( u3e_pat_none == ver_u->pat_e || u3e_pat_stray == ver_u->pat_e ) {
      return;
    }
    jud_u->lat_t = 0;
  }

  //  every kept page against its checksum: one sequential read, which
  //  also warms the page cache a demand-paged image is read from
  {
    c3_ds bad_ds = _ce_image_verify(nor_i, npa_c, sum_w, kep_w, jud_u->lin_u,
                                    jud_u->lin_u ? jud_u->ctl_u.pgs_w : 0,
                                    fil_u, fil_u ? "check: " : "image: ");
    if ( bad_ds < 0 ) {
      ver_u->img_e = u3e_img_failed;
      return;
    }
    if ( bad_ds > 0 ) {
      ver_u->img_e = u3e_img_damaged;
      _ce_tell(fil_u, "%lld damaged page%s in %s", (long long)bad_ds,
               ( 1 == bad_ds ) ? "" : "s", npa_c);
      if ( u3e_pat_discard == ver_u->pat_e ) {
        _ce_tell(fil_u, "with the damaged patch discarded, %s does not match "
                        "its checksums: a save was applying that patch when "
                        "it was interrupted", npa_c);
      }
    }
  }
}

/* _ce_judge(): judge the image in chk_c (north.bin open as nor_i, sums.bin
**   as sum_i; either may be -1 when missing) read-only.  bits_w: the
**   geometry asked for (0: the image's own); max_w: the pages sum_w has
**   room for.  Messages go to fil_u (0: stderr).  jud_u->ver_u gets the
**   verdict; a valid patch stays loaded for the caller to apply (release
**   it with _ce_judgment_free).  lat_t: when no patch is in play, leave
**   the pages unread (jud_u->lat_t says whether they were).
*/
void
_ce_judge(const c3_c* chk_c, c3_i nor_i, c3_i sum_i, c3_w bits_w,
          c3_w* sum_w, c3_w max_w, FILE* fil_u, c3_t lat_t,
          _ce_judgment* jud_u)
{
  u3e_verdict* ver_u = &jud_u->ver_u;
  c3_c         npa_c[PATH_MAX], spa_c[PATH_MAX], why_c[256];
  c3_d         len_d = 0;

  memset(jud_u, 0, sizeof(*jud_u));
  jud_u->mem_i = -1;
  jud_u->lat_t = lat_t;
  ver_u->img_e = u3e_img_failed;
  if ( _ce_path(npa_c, chk_c, "north.bin")
       || _ce_path(spa_c, chk_c, "sums.bin") )
  {
    return;
  }

  //  a leftover patch, read whole and checked before anything else
  switch ( _ce_patch_load(chk_c, _ce_max_pages, &jud_u->ctl_u,
                          &jud_u->lin_u, &jud_u->mem_i, why_c, sizeof(why_c)) )
  {
    case _ce_patch_valid: ver_u->pat_e = u3e_pat_apply; break;
    case _ce_patch_none:  ver_u->pat_e = u3e_pat_none;  break;
    case _ce_patch_stray: ver_u->pat_e = u3e_pat_stray; break;
    case _ce_patch_invalid: {
      ver_u->pat_e = u3e_pat_discard;
      _ce_tell(fil_u, "the patch left in %s is damaged: %s", chk_c, why_c);
    } break;
    case _ce_patch_failed: {
      _ce_tell(fil_u, "the patch left in %s could not be read", chk_c);
      return;
    }
  }

  //  north.bin's size
  if ( nor_i >= 0 && _ce_size(nor_i, &len_d, npa_c) ) {
    return;
  }
  if ( fil_u ) {
    _ce_tell(fil_u, "%s: %llu bytes, %u-byte pages", npa_c,
             (unsigned long long)len_d, u3a_page_bytes);
  }
  //  an apply the crash interrupted may leave a partial last page: the
  //  patch rewrites the image's size, so only the whole pages count
  if ( (len_d & (u3a_page_bytes - 1)) && u3e_pat_apply != ver_u->pat_e ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "%s has %llu bytes: not a whole number of pages (of %u "
                    "bytes)", npa_c, (unsigned long long)len_d, u3a_page_bytes);
    return;
  }
  if ( (len_d >> u3a_page_bits) > _ce_max_pages ) {
    ver_u->img_e = u3e_img_damaged;
    _ce_tell(fil_u, "%s is larger than any loom", npa_c);
    return;
  }
  jud_u->pag_w = (c3_w)(len_d >> u3a_page_bits);
  ver_u->nor_w = ( u3e_pat_apply == ver_u->pat_e ) ? jud_u->ctl_u.nor_w
                                                   : jud_u->pag_w;
  if ( 0 == ver_u->nor_w ) {
    ver_u->img_e = u3e_img_new;
    return;
  }

  //  the home header: geometry and format first (a refusal, never a
  //  rebuild), then its checksum and the home road
  ver_u->img_e = u3e_img_sound;
  _ce_judge_head(chk_c, nor_i, bits_w, max_w, fil_u, jud_u);
  if ( u3e_img_sound != ver_u->img_e ) {
    return;
  }

  _ce_judge_pages(npa_c, spa_c, nor_i, sum_i, sum_w, max_w, fil_u, jud_u);
}

/* _ce_check_dir(): the directory holding the image of dir_c: PIER/.urb/chk,
**   or dir_c itself if it holds north.bin (a backup).
*/
static c3_i
_ce_check_dir(const c3_c* dir_c, c3_c* chk_c)
{
  struct stat buf_u;
  c3_c        pat_c[PATH_MAX];

  if ( _ce_path(chk_c, dir_c, ".urb/chk") ) {
    return -1;
  }
  if ( 0 == stat(chk_c, &buf_u) && S_ISDIR(buf_u.st_mode) ) {
    return 0;
  }
  if ( _ce_path(pat_c, dir_c, "north.bin") ) {
    return -1;
  }
  if ( 0 == stat(pat_c, &buf_u) ) {
    snprintf(chk_c, PATH_MAX, "%s", dir_c);
    return 0;
  }
  return -1;
}

/* u3e_geometry(): the loom bits in the home header of PIER's north.bin,
**   read alone (one page, nothing verified); 0 when there is no readable
**   header.  For choosing a loom before the start judges the image.
*/
c3_w
u3e_geometry(const c3_c* dir_c)
{
  c3_c     chk_c[PATH_MAX], npa_c[PATH_MAX];
  u3m_home hom_u;
  c3_i     nor_i;
  c3_w     bit_w = 0;

  if (  _ce_check_dir(dir_c, chk_c)
     || _ce_path(npa_c, chk_c, "north.bin")
     || 0 > (nor_i = c3_io_open(npa_c, O_RDONLY | O_CLOEXEC, 0)) )
  {
    return 0;
  }
  if ( 0 == c3_io_pread_all(nor_i, &hom_u, sizeof(hom_u), 0) ) {
    switch ( u3m_header_fits(&hom_u, 0) ) {
      case u3m_head_fits:  bit_w = hom_u.bits_w; break;
      case u3m_head_other: {
        //  another format may still say its loom: the refusal names it
        if ( hom_u.bits_w >= u3a_bits_min && hom_u.bits_w <= u3a_bits_max ) {
          bit_w = hom_u.bits_w;
        }
      } break;
      default: break;
    }
  }
  c3_io_close(nor_i);
  return bit_w;
}

c3_i
u3e_judge(const c3_c* dir_c, c3_w bits_w, FILE* fil_u, u3e_verdict* ver_u)
{
  c3_c         chk_c[PATH_MAX], npa_c[PATH_MAX], spa_c[PATH_MAX];
  c3_i         nor_i = -1, sum_i = -1;
  c3_w*        sum_w = 0;
  _ce_judgment jud_u;

  memset(ver_u, 0, sizeof(*ver_u));
  ver_u->img_e = u3e_img_failed;
  if ( _ce_check_dir(dir_c, chk_c) ) {
    _ce_tell(fil_u, "no image in %s (neither .urb/chk nor north.bin): a "
                    "start makes a new one", dir_c);
    ver_u->img_e = u3e_img_new;
    return 0;
  }
  if ( _ce_path(npa_c, chk_c, "north.bin")
       || _ce_path(spa_c, chk_c, "sums.bin") )
  {
    return -1;
  }
  if ( (0 > (nor_i = c3_io_open(npa_c, O_RDONLY | O_CLOEXEC, 0))
        && ENOENT != errno)
       || (0 > (sum_i = c3_io_open(spa_c, O_RDONLY | O_CLOEXEC, 0))
           && ENOENT != errno) )
  {
    _ce_tell(fil_u, "open %s: %s", ( nor_i < 0 ) ? npa_c : spa_c,
             strerror(errno));
    goto done;
  }
  if ( !(sum_w = calloc(_ce_max_pages, sizeof(c3_w))) ) {
    _ce_tell(fil_u, "out of memory");
    goto done;
  }
  _ce_judge(chk_c, nor_i, sum_i, bits_w, sum_w, _ce_max_pages, fil_u, 0,
            &jud_u);
  _ce_judgment_free(&jud_u);
  *ver_u = jud_u.ver_u;

  //  what a start does
  switch ( ver_u->pat_e ) {
    case u3e_pat_none: break;
    case u3e_pat_apply: {
      _ce_tell(fil_u, "a valid patch is pending (%u pages, image of %u "
                      "pages): a start applies it", jud_u.ctl_u.pgs_w,
               jud_u.ctl_u.nor_w);
    } break;
    case u3e_pat_stray: {
      _ce_tell(fil_u, "memory.bin without control.bin: a save that never "
                      "committed; a start empties it");
    } break;
    case u3e_pat_discard: {
      _ce_tell(fil_u, "a start discards the damaged patch%s",
               ( u3e_img_sound == ver_u->img_e || u3e_img_new == ver_u->img_e )
               ? " (the image without it is whole)" : "");
    } break;
  }
  switch ( ver_u->img_e ) {
    case u3e_img_new: {
      _ce_tell(fil_u, "no image yet: a start makes a new one");
    } break;
    case u3e_img_sound: {
      _ce_tell(fil_u, "image sound: loom of 2^%u bytes, %u pages, event %llu: "
                      "a start resumes at event %llu", ver_u->bits_w,
               ver_u->nor_w, (unsigned long long)ver_u->eve_d,
               (unsigned long long)ver_u->eve_d);
    } break;
    case u3e_img_damaged:
    case u3e_img_unsummed: {
      _ce_tell(fil_u, "the image cannot be trusted: a start sets it aside "
                      "and rebuilds the state from the log, if the log "
                      "reaches back to event 1");
    } break;
    case u3e_img_refused: {
      _ce_tell(fil_u, "a start refuses the image (other geometry or format)");
    } break;
    case u3e_img_failed: {
      _ce_tell(fil_u, "the image could not be read: a start stops");
    } break;
  }

done:
  free(sum_w);
  if ( nor_i >= 0 ) c3_io_close(nor_i);
  if ( sum_i >= 0 ) c3_io_close(sum_i);
  return ( u3e_img_new == ver_u->img_e || u3e_img_sound == ver_u->img_e )
         ? 0 : -1;
}

c3_i
u3e_check(const c3_c* dir_c, FILE* fil_u)
{
  u3e_verdict ver_u;
  return u3e_judge(dir_c, 0, fil_u, &ver_u);
}

/* _ce_wipe_room(): may the *.bad files of chk_c stay?  They keep their
**   space while the state is rebuilt, and the rebuilt image and its first
**   patch need about twice the image: only when that much is free.
*/
static c3_t
_ce_wipe_room(const c3_c* chk_c, c3_d img_d)
{
  struct statvfs sat_u;

  if ( statvfs(chk_c, &sat_u) ) {
    return 0;
  }
  return (c3_d)sat_u.f_bavail * (c3_d)sat_u.f_frsize >= 2 * img_d;
}

c3_i
u3e_wipe(const c3_c* dir_c)
{
  static const c3_c* nam_c[] = { "north.bin", "sums.bin",
                                 "control.bin", "memory.bin" };
  c3_w num_w = sizeof(nam_c) / sizeof(nam_c[0]);
  c3_c chk_c[PATH_MAX], old_c[PATH_MAX], bad_c[PATH_MAX];
  c3_d img_d = 0;
  c3_t kep_t;
  c3_i ret_i = 0;

  if ( u3P.liv_t ) {
    u3l_log("image: wipe: the image is open\n");
    return -1;
  }
  if ( _ce_path(chk_c, dir_c, ".urb/chk") ) {
    return -1;
  }
  //  one generation: an older set aside goes first, whole
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    struct stat sat_u;
    if ( _ce_path(old_c, chk_c, nam_c[i_w]) ) {
      return -1;
    }
    if ( (c3_i)sizeof(bad_c) <= snprintf(bad_c, sizeof(bad_c), "%s.bad", old_c) ) {
      u3l_log("image: path too long: %s.bad\n", old_c);
      return -1;
    }
    if ( c3_io_unlink(bad_c) && ENOENT != errno ) {
      u3l_log("image: unlink %s: %s\n", bad_c, strerror(errno));
      ret_i = -1;
    }
    if ( 0 == stat(old_c, &sat_u) ) {
      img_d += (c3_d)sat_u.st_size;
    }
  }
  kep_t = _ce_wipe_room(chk_c, img_d);
  if ( !kep_t && img_d ) {
    u3l_log("image: no room to keep the untrusted image aside (%llu "
            "KiB; its rebuild needs twice that free): removing it\n",
            (unsigned long long)(img_d >> 10));
  }
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    if ( _ce_path(old_c, chk_c, nam_c[i_w]) ) {
      return -1;
    }
    if ( (c3_i)sizeof(bad_c) <= snprintf(bad_c, sizeof(bad_c), "%s.bad", old_c) ) {
      return -1;
    }
    //  an empty patch file is no patch: nothing to keep
    struct stat sat_u;
    c3_t        mov_t = kep_t && !(i_w >= 2 && 0 == stat(old_c, &sat_u)
                                   && 0 == sat_u.st_size);
    if ( mov_t ? c3_io_rename(old_c, bad_c) : c3_io_unlink(old_c) ) {
      if ( ENOENT != errno ) {
        u3l_log("image: %s %s: %s\n", mov_t ? "rename" : "unlink",
                old_c, strerror(errno));
        ret_i = -1;
      }
    }
    else if ( mov_t ) {
      u3l_log("image: moved %s aside to %s\n", old_c, bad_c);
    }
  }
  //  the mark of a failed verification goes with the image it was about
  if ( _ce_path(old_c, chk_c, _ce_damaged_name)
       || (c3_io_unlink(old_c) && ENOENT != errno) )
  {
    ret_i = -1;
  }
  //  best effort: the moves are made, durable or not
  (void)c3_io_sync_dir(chk_c);
  return ret_i;
}
