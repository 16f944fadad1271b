/// @file check_tests.c
/// `urbit check` and the pier lock, end to end.  check changes no file
/// (every file's bytes, size and mtime compared) and says what a start
/// would do, and the start then does exactly that: a pending valid patch,
/// a damaged one, an image without checksums (with a damaged page), a log
/// that does not reach back to event 1.  check against a live ship is
/// refused and never disturbs it: the ship ends with the mug of an
/// undisturbed run.  Two racing starts on a new pier: the loser says "in
/// use".  A full disk while re-applying a patch at start (a file size
/// limit, and a full tmpfs where one can be mounted) stops with exit 1,
/// keeping image and patch, and the next start resumes the right state.
/// One generation of *.bad at most.
///
/// Runs $URBIT (set by make test) as a child process.
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "harness.h"
#include "c3/crc.h"

static const c3_c* _t_urbit_c;
static c3_c        _t_tmp_c[4000];
static c3_c        _t_mnt_c[4100];     //  a tmpfs mounted here, or ""

  /** Processes.
  **/
/* _t_spawnv(): start urbit with args (NULL-terminated) writing stdout to
**   out_p and stderr to err_p, under a file size limit lim_d (0: none);
**   returns the pid.
*/
static pid_t
_t_spawnv(const c3_c* out_p, const c3_c* err_p, c3_d lim_d, const c3_c** arg_c)
{
  h_how how_u = { .out_c = out_p, .err_c = err_p, .fsz_d = lim_d,
                  .xfs_t = 1 };
  return h_spawn((c3_c* const*)arg_c, &how_u);
}

/* _t_run(): run urbit to completion under file size limit lim_d (0: none),
**   capturing stdout and stderr (either buffer may be 0); the status.
*/
static c3_i
_t_run(c3_c* out_c, c3_c* err_c, c3_d lim_d, ...)
{
  h_how   how_u = { .fsz_d = lim_d, .xfs_t = 1 };
  va_list ap;
  va_start(ap, lim_d);
  c3_i ret_i = h_runv(_t_tmp_c, &how_u, out_c, 16384, err_c, 16384,
                      _t_urbit_c, ap);
  va_end(ap);
  return ret_i;
}

  /** Files.
  **/
/* _t_sh(): run a shell command; 1 if it succeeded. */
static c3_t
_t_sh(const c3_c* fmt_c, ...)
{
  c3_c    cmd_c[9000];
  va_list ap;
  va_start(ap, fmt_c);
  vsnprintf(cmd_c, sizeof(cmd_c), fmt_c, ap);
  va_end(ap);
  return 0 == system(cmd_c);
}

/* _t_path(): dir_c/nam_c into pat_c (4400 bytes). */
static void
_t_path(c3_c* pat_c, const c3_c* dir_c, const c3_c* nam_c)
{
  h_join(pat_c, 4400, dir_c, nam_c);
}

/* _t_size(): the size of dir_c/nam_c, or -1. */
static c3_ds
_t_size(const c3_c* dir_c, const c3_c* nam_c)
{
  c3_c pat_c[4400];
  struct stat sat_u;
  _t_path(pat_c, dir_c, nam_c);
  return stat(pat_c, &sat_u) ? -1 : (c3_ds)sat_u.st_size;
}

/* _t_has(): 1 if dir_c/nam_c exists. */
static c3_t
_t_has(const c3_c* dir_c, const c3_c* nam_c)
{
  return _t_size(dir_c, nam_c) >= 0;
}

/* _t_flip(): invert one byte of dir_c/nam_c at off_d. */
static c3_t
_t_flip(const c3_c* dir_c, const c3_c* nam_c, c3_d off_d)
{
  c3_c pat_c[4400];
  _t_path(pat_c, dir_c, nam_c);
  return h_flip(pat_c, off_d);
}

/* _t_crc(): CRC-32C of a whole file (0 if unreadable). */
static c3_w
_t_crc(const c3_c* pat_c)
{
  c3_y  buf_y[65536];
  c3_w  crc_w = 0;
  c3_i  fid_i = open(pat_c, O_RDONLY);
  ssize_t red_i;
  if ( fid_i < 0 ) return 0;
  while ( (red_i = read(fid_i, buf_y, sizeof(buf_y))) > 0 ) {
    crc_w = c3_crc32c(crc_w, buf_y, (c3_z)red_i);
  }
  close(fid_i);
  return crc_w;
}

  /** A pier's files, to compare before and after.
  **/
typedef struct {
  c3_c pat_c[600];
  c3_d siz_d;
  c3_d mod_d;      //  mtime, ns
  c3_w crc_w;      //  contents (0 for a directory)
  c3_t dir_t;
} _t_entry;

typedef struct {
  _t_entry ent_u[64];
  c3_w     num_w;
} _t_files;

static _t_files* _t_walk_u;

/* _t_walk_one(): nftw callback: record one entry. */
static c3_i
_t_walk_one(const c3_c* pat_c, const struct stat* sat_u, c3_i typ_i,
            struct FTW* ftw_u)
{
  (void)ftw_u;
  if ( _t_walk_u->num_w >= 64 ) return 0;
  _t_entry* ent_u = &_t_walk_u->ent_u[_t_walk_u->num_w++];
  snprintf(ent_u->pat_c, sizeof(ent_u->pat_c), "%s", pat_c);
  ent_u->siz_d = (c3_d)sat_u->st_size;
  ent_u->mod_d = (c3_d)sat_u->st_mtim.tv_sec * 1000000000ULL
               + (c3_d)sat_u->st_mtim.tv_nsec;
  ent_u->dir_t = ( FTW_D == typ_i );
  ent_u->crc_w = ent_u->dir_t ? 0 : _t_crc(pat_c);
  return 0;
}

/* _t_files(): every file and directory under dir_c. */
static void
_t_files_of(const c3_c* dir_c, _t_files* fil_u)
{
  memset(fil_u, 0, sizeof(*fil_u));
  _t_walk_u = fil_u;
  nftw(dir_c, _t_walk_one, 16, FTW_PHYS);
}

/* _t_same(): 1 if two walks found the same entries, bytes and times. */
static c3_t
_t_same(const _t_files* one_u, const _t_files* two_u, const c3_c* wha_c)
{
  c3_t ok_t = ( one_u->num_w == two_u->num_w );
  if ( !ok_t ) {
    fprintf(stderr, "%s: %u entries before, %u after\n", wha_c,
            one_u->num_w, two_u->num_w);
  }
  for ( c3_w i_w = 0; ok_t && i_w < one_u->num_w; i_w++ ) {
    const _t_entry* a_u = &one_u->ent_u[i_w];
    const _t_entry* b_u = &two_u->ent_u[i_w];
    if ( strcmp(a_u->pat_c, b_u->pat_c) || a_u->siz_d != b_u->siz_d
         || a_u->mod_d != b_u->mod_d || a_u->crc_w != b_u->crc_w )
    {
      fprintf(stderr, "%s: %s changed (size %llu to %llu)\n", wha_c,
              a_u->pat_c, (unsigned long long)a_u->siz_d,
              (unsigned long long)b_u->siz_d);
      ok_t = 0;
    }
  }
  return ok_t;
}

/* _t_check_still(): run check on pir_c; T_OK that it changed nothing;
**   its output in out_c; returns its status.
*/
static c3_i
_t_check_still(const c3_c* pir_c, c3_c* out_c, const c3_c* wha_c)
{
  static _t_files bef_u, aft_u;
  _t_files_of(pir_c, &bef_u);
  c3_i ret_i = _t_run(out_c, 0, 0, "check", pir_c, (c3_c*)0);
  _t_files_of(pir_c, &aft_u);
  T_OK(bef_u.num_w > 3, "%s: the pier has files (%u)", wha_c, bef_u.num_w);
  T_OK(_t_same(&bef_u, &aft_u, wha_c), "%s: check changed no file", wha_c);
  return ret_i;
}

  /** Piers.
  **/
#define _t_args "-q", "--json", "--loom", "28", "-w", "kv", "--size", "4", \
                "--snap-every", "1000"

static c3_d _t_mug40_d, _t_mug60_d;     //  reference states

/* _t_pier(): a pier path under the scratch dir, removed. */
static void
_t_pier(c3_c* pir_c, const c3_c* nam_c)
{
  snprintf(pir_c, 4200, "%s/%s", _t_tmp_c, nam_c);
  h_rm(pir_c);
}

/* _t_copy(): copy pier src_c to dst_c (times kept). */
static c3_t
_t_copy(const c3_c* src_c, const c3_c* dst_c)
{
  h_rm(dst_c);
  return _t_sh("cp -a '%s' '%s'", src_c, dst_c);
}

/* _t_make_org(): the pier of the patch cases: its image at event 40, the
**   log at 60, and the committed patch of the save at 60 pending, as a
**   crash right after the commit leaves it.  Made by a save whose apply
**   runs into a file size limit, then the image restored as it was.
*/
static c3_t
_t_make_org(const c3_c* org_c)
{
  c3_c out_c[16384], chk_c[4400], sav_c[4400];

  _t_pier(out_c, "ref60");
  if ( !T_EQ(_t_run(out_c, 0, 0, _t_args, "-n", "60", out_c, (c3_c*)0), 0) ) {
    return 0;
  }
  _t_mug60_d = h_json_d(out_c, "mug");
  _t_pier(out_c, "ref40");
  T_EQ(_t_run(out_c, 0, 0, _t_args, "-n", "40", out_c, (c3_c*)0), 0);
  _t_mug40_d = h_json_d(out_c, "mug");

  _t_pier(sav_c, "org40");
  T_EQ(_t_run(out_c, 0, 0, _t_args, "-n", "40", org_c, (c3_c*)0), 0);
  _t_path(chk_c, org_c, ".urb/chk");
  _t_copy(chk_c, sav_c);
  c3_ds nor_ds = _t_size(chk_c, "north.bin");
  _t_run(out_c, 0, (c3_d)nor_ds, _t_args, "-n", "20", org_c, (c3_c*)0);
  T_EQ(h_json_d(out_c, "event"), 60);
  _t_sh("cp -a '%s/north.bin' '%s/sums.bin' '%s/'", sav_c, sav_c, chk_c);
  return T_OK(_t_has(chk_c, "control.bin") && _t_has(chk_c, "memory.bin"),
              "a committed patch is pending")
      && T_EQ(_t_size(chk_c, "north.bin"), nor_ds);
}

/* _t_kept_page(): a page of north.bin (from 1) that the pending patch of
**   pir_c does not replace, or 0.
*/
static c3_w
_t_kept_page(const c3_c* pir_c)
{
  c3_c pat_c[4400];
  c3_w hed_w[6], ent_w[2], nex_w = 1;
  c3_i fid_i;

  _t_path(pat_c, pir_c, ".urb/chk/control.bin");
  if ( 0 > (fid_i = open(pat_c, O_RDONLY)) ) return 0;
  if ( sizeof(hed_w) != read(fid_i, hed_w, sizeof(hed_w)) ) {
    close(fid_i);
    return 0;
  }
  for ( c3_w i_w = 0; i_w < hed_w[4]; i_w++ ) {
    if ( sizeof(ent_w) != read(fid_i, ent_w, sizeof(ent_w)) ) break;
    if ( ent_w[0] > nex_w ) break;
    if ( ent_w[0] == nex_w ) nex_w++;
  }
  close(fid_i);
  return ( (c3_ds)nex_w * 16384 < _t_size(pir_c, ".urb/chk/north.bin") ) ? nex_w : 0;
}

/* _t_bads(): how many *.bad files pir_c's chk directory holds. */
static c3_w
_t_bads(const c3_c* pir_c)
{
  static const c3_c* nam_c[] = { ".urb/chk/north.bin.bad", ".urb/chk/sums.bin.bad",
                                 ".urb/chk/control.bin.bad",
                                 ".urb/chk/memory.bin.bad" };
  c3_w num_w = 0;
  for ( c3_w i_w = 0; i_w < 4; i_w++ ) {
    num_w += _t_has(pir_c, nam_c[i_w]);
  }
  return num_w;
}

  /** The cases.
  **/
/* _t_patches(): a pending valid patch and a damaged one: check changes
**   nothing and says what the start does; the start does it.
*/
static void
_t_patches(const c3_c* org_c)
{
  c3_c pir_c[4200], out_c[16384], err_c[16384];

  //  a valid patch: check says the start applies it and resumes at 60
  _t_pier(pir_c, "patch-valid");
  _t_copy(org_c, pir_c);
  T_EQ(_t_check_still(pir_c, out_c, "valid patch"), 0);
  T_OK(0 != strstr(out_c, "a valid patch is pending")
       && 0 != strstr(out_c, "a start applies it")
       && 0 != strstr(out_c, "a start resumes at event 60"),
       "check says the start applies the patch and resumes at 60: %s", out_c);
  T_EQ(_t_run(out_c, err_c, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(err_c, "applying the patch"), "the start applies it: %s", err_c);
  T_EQ(h_json_d(out_c, "event"), 60);
  T_EQ(h_json_d(out_c, "replayed"), 0);
  T_EQ(h_json_d(out_c, "mug"), _t_mug60_d);

  //  a damaged patch: check says the start discards it and resumes from
  //  the image at 40; the start does, and replays 41 to 60
  _t_pier(pir_c, "patch-bad");
  _t_copy(org_c, pir_c);
  T_OK(_t_flip(pir_c, ".urb/chk/memory.bin", 16384 + 99), "flip memory.bin");
  T_EQ(_t_check_still(pir_c, out_c, "damaged patch"), 0);
  T_OK(0 != strstr(out_c, "fails its checksum")
       && 0 != strstr(out_c, "a start discards the damaged patch")
       && 0 != strstr(out_c, "a start resumes at event 40"),
       "check says the start discards the patch, resumes at 40: %s", out_c);
  T_EQ(_t_run(out_c, err_c, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(err_c, "discarding the damaged patch"), "discarded: %s", err_c);
  T_EQ(h_json_d(out_c, "event"), 60);
  T_EQ(h_json_d(out_c, "replayed"), 20);
  T_EQ(h_json_d(out_c, "mug"), _t_mug60_d);
  T_EQ(_t_bads(pir_c), 0);
  h_rm(pir_c);
}

/* _t_log_from(): rewrite pir_c's log to start at event fir_d (dropping
**   the records before it), as a log that does not reach back to 1.
*/
static c3_t
_t_log_from(const c3_c* pir_c, c3_d fir_d)
{
  c3_c  pat_c[4400];
  c3_y* buf_y = malloc(1 << 24);
  c3_i  fid_i;
  c3_z  len_z, off_z = 32;
  c3_d  eve_d = 0;

  _t_path(pat_c, pir_c, ".urb/log/events.log");
  if ( !buf_y || 0 > (fid_i = open(pat_c, O_RDWR)) ) {
    free(buf_y);
    return 0;
  }
  len_z = (c3_z)read(fid_i, buf_y, 1 << 24);
  while ( off_z + 24 <= len_z ) {
    c3_d siz_d;
    memcpy(&siz_d, buf_y + off_z, 8);
    memcpy(&eve_d, buf_y + off_z + 8, 8);
    if ( eve_d >= fir_d ) break;
    off_z += 24 + (c3_z)siz_d;
  }
  c3_t ok_t = ( eve_d == fir_d );
  if ( ok_t ) {
    c3_w sum_w;
    memcpy(buf_y + 8, &fir_d, 8);
    sum_w = c3_crc32c(0, buf_y, 28);
    memcpy(buf_y + 28, &sum_w, 4);
    memmove(buf_y + 32, buf_y + off_z, len_z - off_z);
    len_z -= off_z - 32;
    ok_t = ( (ssize_t)len_z == pwrite(fid_i, buf_y, len_z, 0) )
           && 0 == ftruncate(fid_i, (off_t)len_z);
  }
  close(fid_i);
  free(buf_y);
  return ok_t;
}

/* _t_unsummed(): sums.bin missing or empty and one damaged byte in
**   north.bin: never trusted.  With the log from event 1 the state is
**   rebuilt from it; with a log from event 31 the start refuses, naming
**   the way out; check agrees each time and changes nothing.  A damaged
**   sums.bin header alone is untrusted the same way.
*/
static void
_t_unsummed(void)
{
  c3_c pir_c[4200], out_c[16384], err_c[16384];

  for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
    _t_pier(pir_c, "unsummed");
    T_EQ(_t_run(out_c, 0, 0, _t_args, "-n", "60", pir_c, (c3_c*)0), 0);
    if ( 0 == i_w ) {
      c3_c pat_c[4400];
      _t_path(pat_c, pir_c, ".urb/chk/sums.bin");
      T_OK(0 == unlink(pat_c), "remove sums.bin");
    }
    else {
      c3_c pat_c[4400];
      _t_path(pat_c, pir_c, ".urb/chk/sums.bin");
      T_OK(0 == truncate(pat_c, 0), "empty sums.bin");
    }
    T_OK(_t_flip(pir_c, ".urb/chk/north.bin", 3 * 16384 + 500), "flip page 3");

    c3_i ret_i = _t_check_still(pir_c, out_c, "no checksums");
    T_EQ(ret_i, 0);
    T_OK(0 != strstr(out_c, "cannot be verified")
         && 0 != strstr(out_c, "rebuilds the state from the log"),
         "check: unverifiable, the start rebuilds: %s", out_c);
    T_EQ(_t_run(out_c, err_c, 0, "--json", "-n", "0", pir_c, (c3_c*)0), 0);
    T_OK(0 != strstr(err_c, "cannot be verified")
         && 0 != strstr(err_c, "rebuilding"), "the start says why: %s", err_c);
    T_EQ(h_json_d(out_c, "event"), 60);
    T_EQ(h_json_d(out_c, "replayed"), 60);
    T_EQ(h_json_d(out_c, "mug"), _t_mug60_d);
  }

  //  sums.bin's header damaged (its page size), every checksum and page
  //  intact: the table is not trusted either, so neither is the image
  _t_pier(pir_c, "unsummed-head");
  T_EQ(_t_run(out_c, 0, 0, _t_args, "-n", "60", pir_c, (c3_c*)0), 0);
  T_OK(_t_flip(pir_c, ".urb/chk/sums.bin", 8), "flip sums.bin's page bits");
  T_EQ(_t_run(out_c, err_c, 0, "--json", "-n", "0", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(err_c, "bad header") && 0 != strstr(err_c, "rebuilding"),
       "a damaged checksum header: the start rebuilds: %s", err_c);
  T_OK(0 != strstr(err_c, "sums.bin is unreadable or damaged")
       && 0 == strstr(err_c, "missing or empty"),
       "a damaged table is told from a missing one: %s", err_c);
  T_EQ(h_json_d(out_c, "replayed"), 60);
  T_EQ(h_json_d(out_c, "mug"), _t_mug60_d);

  //  a log from event 31: nothing to rebuild from; refused, not changed
  _t_pier(pir_c, "unsummed-late");
  T_EQ(_t_run(out_c, 0, 0, _t_args, "-n", "60", pir_c, (c3_c*)0), 0);
  if ( !T_OK(_t_log_from(pir_c, 31), "a log from event 31") ) return;
  T_EQ(_t_check_still(pir_c, out_c, "late log, sound"), 0);
  T_OK(0 != strstr(out_c, "a start resumes at event 60"), "sound first: %s", out_c);
  {
    c3_c pat_c[4400];
    _t_path(pat_c, pir_c, ".urb/chk/sums.bin");
    T_OK(0 == unlink(pat_c), "remove sums.bin");
  }
  T_OK(_t_flip(pir_c, ".urb/chk/north.bin", 3 * 16384 + 500), "flip page 3");
  T_EQ(_t_check_still(pir_c, out_c, "late log, no checksums"), 1);
  T_OK(0 != strstr(out_c, "does not reach back to event 1")
       && 0 != strstr(out_c, "backup"),
       "check: a start refuses, and the way out: %s", out_c);
  {
    static _t_files bef_u, aft_u;
    _t_files_of(pir_c, &bef_u);
    T_EQ(_t_run(out_c, err_c, 0, "-q", "-n", "0", pir_c, (c3_c*)0), 1);
    _t_files_of(pir_c, &aft_u);
    T_OK(0 != strstr(err_c, "cannot be rebuilt") && 0 != strstr(err_c, "backup"),
         "the start refuses, naming the way out: %s", err_c);
    T_OK(_t_has(pir_c, ".urb/chk/north.bin") && 0 == _t_bads(pir_c),
         "the refused image stays where it was");
    (void)aft_u;
  }
  h_rm(pir_c);
}

/* _t_live(): check in a loop against a live ship: each refused, quickly,
**   the ship undisturbed (its mug at the end equals an undisturbed run's),
**   and check on the stopped pier changes nothing.
*/
static void
_t_live(void)
{
  c3_c pir_c[4200], ref_c[4200], out_p[4400], err_p[4400];
  c3_c out_c[16384], err_c[16384], n_c[32];
  const c3_c* arg_c[] = { _t_urbit_c, "--json", "-w", "mixed", "--size", "8",
                          "--seed", "9", "--snap-every", "3", "-n", "100000",
                          0, 0 };
  c3_w chk_w = 0, use_w = 0, oth_w = 0;

  _t_pier(pir_c, "live");
  arg_c[12] = pir_c;
  snprintf(out_p, sizeof(out_p), "%s/live.out", _t_tmp_c);
  snprintf(err_p, sizeof(err_p), "%s/live.err", _t_tmp_c);
  pid_t pid = _t_spawnv(out_p, err_p, 0, arg_c);

  //  wait for the ship to hold its lock (its first snapshot exists)
  for ( c3_w i_w = 0; i_w < 2000 && !_t_has(pir_c, ".urb/chk/sums.bin"); i_w++ ) {
    usleep(5000);
  }
  usleep(100000);
  for ( ; chk_w < 200; chk_w++ ) {
    c3_i ret_i = _t_run(out_c, err_c, 0, "check", pir_c, (c3_c*)0);
    if ( 2 == ret_i && strstr(err_c, "in use by a running ship") ) {
      use_w++;
    }
    else {
      if ( !oth_w ) {
        fprintf(stderr, "live: check %u: status %d: %s%s\n", chk_w, ret_i,
                out_c, err_c);
      }
      oth_w++;
    }
  }
  c3_i sat_i, alv_i = waitpid(pid, &sat_i, WNOHANG);
  T_OK(0 == alv_i, "the ship ran through all %u checks", chk_w);
  T_EQ(use_w, 200);
  if ( 0 == alv_i ) {
    kill(pid, SIGTERM);
    waitpid(pid, &sat_i, 0);
  }
  T_EQ(h_status(sat_i), 0);
  h_slurp(out_p, out_c, sizeof(out_c));
  c3_d eve_d = h_json_d(out_c, "event");
  c3_d mug_d = h_json_d(out_c, "mug");
  T_OK(eve_d > 0 && eve_d < 100000, "the ship stopped at event %llu",
       (unsigned long long)eve_d);
  printf("live: %u checks refused while the ship ran %llu events\n", use_w,
         (unsigned long long)eve_d);

  //  an undisturbed run of the same flags to the same event
  _t_pier(ref_c, "live-ref");
  snprintf(n_c, sizeof(n_c), "%llu", (unsigned long long)eve_d);
  T_EQ(_t_run(out_c, 0, 0, "-q", "--json", "-w", "mixed", "--size", "8",
              "--seed", "9", "--snap-every", "3", "-n", n_c, ref_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "mug"), mug_d);

  //  the stopped pier: check is sound, changes nothing, and the ship
  //  resumes where it stopped
  for ( c3_w i_w = 0; i_w < 3; i_w++ ) {
    T_EQ(_t_check_still(pir_c, out_c, "stopped pier"), 0);
  }
  T_OK(0 != strstr(out_c, "sound: a start goes on"), "check: sound: %s", out_c);
  T_EQ(_t_run(out_c, 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "mug"), mug_d);
  h_rm(pir_c);
  h_rm(ref_c);
}

/* _t_race(): two starts at once on a new pier: one runs, the other says
**   "in use" (never a failed rename); both exit cleanly.
*/
static void
_t_race(void)
{
  c3_c pir_c[4200], out_p[2][4400], err_p[2][4400], err_c[16384];
  c3_w win_w = 0, use_w = 0;

  for ( c3_w r_w = 0; r_w < 8; r_w++ ) {
    pid_t pid_i[2];
    _t_pier(pir_c, "race");
    const c3_c* arg_c[] = { _t_urbit_c, "-q", "--loom", "26", "-w", "kv",
                            "--size", "1", "-n", "20", pir_c, 0 };
    for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
      snprintf(out_p[i_w], sizeof(out_p[i_w]), "%s/race%u.out", _t_tmp_c, i_w);
      snprintf(err_p[i_w], sizeof(err_p[i_w]), "%s/race%u.err", _t_tmp_c, i_w);
      pid_i[i_w] = _t_spawnv(out_p[i_w], err_p[i_w], 0, arg_c);
    }
    for ( c3_w i_w = 0; i_w < 2; i_w++ ) {
      c3_i sat_i;
      waitpid(pid_i[i_w], &sat_i, 0);
      h_slurp(err_p[i_w], err_c, sizeof(err_c));
      if ( 0 == h_status(sat_i) ) {
        win_w++;
      }
      else if ( 1 == h_status(sat_i) && strstr(err_c, "in use") ) {
        use_w++;
      }
      else {
        T_OK(0, "race %u: start %u: status %d: %s", r_w, i_w,
             h_status(sat_i), err_c);
      }
      T_OK(!strstr(err_c, "rename"), "race %u: no failed rename: %s", r_w, err_c);
    }
  }
  T_EQ(win_w + use_w, 16);
  T_OK(win_w >= 8, "every race had a winner (%u)", win_w);
  printf("race: %u runs, %u refused as in use\n", win_w, use_w);
  h_rm(pir_c);
}

/* _t_full_start(): the disk fills while a start re-applies a committed
**   patch: exit 1 with a message, image and patch intact, no *.bad; the
**   next start with room applies it and resumes at the right state.  lim_d:
**   a file size limit (EFBIG), or 0 with pir_c on a full tmpfs (ENOSPC),
**   fil_c the file that fills it.
*/
static void
_t_full_start(const c3_c* pir_c, c3_d lim_d, const c3_c* fil_c, const c3_c* wha_c)
{
  c3_c out_c[16384], err_c[16384], chk_c[4400];
  c3_w ctl_w, mem_w;

  _t_path(chk_c, pir_c, ".urb/chk");
  ctl_w = _t_crc(strcat(strcpy(out_c, chk_c), "/control.bin"));
  mem_w = _t_crc(strcat(strcpy(out_c, chk_c), "/memory.bin"));
  c3_i ret_i = _t_run(out_c, err_c, lim_d, "-q", "--json", "-n", "0", pir_c,
                      (c3_c*)0);
  T_EQ(ret_i, 1);
  T_OK(0 != strstr(err_c, "could not be applied") && 0 != strstr(err_c, "kept"),
       "%s: a clear message: %s", wha_c, err_c);
  T_OK(_t_has(chk_c, "north.bin") && _t_has(chk_c, "sums.bin"),
       "%s: the image is kept", wha_c);
  T_EQ(_t_crc(strcat(strcpy(out_c, chk_c), "/control.bin")), ctl_w);
  T_EQ(_t_crc(strcat(strcpy(out_c, chk_c), "/memory.bin")), mem_w);
  T_EQ(_t_bads(pir_c), 0);

  //  check agrees: the patch is still pending
  T_EQ(_t_run(out_c, 0, 0, "check", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(out_c, "a start applies it"), "%s: check: %s", wha_c, out_c);

  //  room again: the next start applies it
  if ( fil_c ) {
    unlink(fil_c);
  }
  T_EQ(_t_run(out_c, err_c, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "event"), 60);
  T_EQ(h_json_d(out_c, "replayed"), 0);
  T_EQ(h_json_d(out_c, "mug"), _t_mug60_d);
  T_OK(!_t_has(chk_c, "control.bin"), "%s: the patch is applied", wha_c);
}

/* _t_full(): _t_full_start under a file size limit, and on a full tmpfs
**   where one can be mounted.  0, or why the tmpfs part could not run.
*/
static const c3_c*
_t_full(const c3_c* org_c)
{
  c3_c pir_c[4200], fil_c[4400];

  _t_pier(pir_c, "full-fsize");
  _t_copy(org_c, pir_c);
  _t_full_start(pir_c, (c3_d)_t_size(pir_c, ".urb/chk/north.bin"), 0,
                "file size limit");
  h_rm(pir_c);

  snprintf(_t_mnt_c, sizeof(_t_mnt_c), "%s/mnt", _t_tmp_c);
  mkdir(_t_mnt_c, 0755);
  if ( mount("tmpfs", _t_mnt_c, "tmpfs", 0, "size=16m") ) {
    _t_mnt_c[0] = 0;
    return "a tmpfs mount (root)";
  }
  snprintf(pir_c, sizeof(pir_c), "%s/pier", _t_mnt_c);
  _t_copy(org_c, pir_c);
  snprintf(fil_c, sizeof(fil_c), "%s/filler", _t_mnt_c);
  {
    c3_y buf_y[16384];
    c3_i fid_i = open(fil_c, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    memset(buf_y, 0x55, sizeof(buf_y));
    ssize_t ret_i = 1;
    while ( fid_i >= 0 && (ret_i = write(fid_i, buf_y, sizeof(buf_y))) > 0 ) {}
    T_OK(ret_i < 0 && ENOSPC == errno, "the tmpfs is full");
    if ( fid_i >= 0 ) close(fid_i);
  }
  _t_full_start(pir_c, 0, fil_c, "full tmpfs");

  //  an untrusted image with too little room to keep it aside while the
  //  state is rebuilt (free: 1.5 times the image, the rebuild needs 2):
  //  it is removed, with a message, and the rebuild fits
  {
    c3_c out_c[16384], err_c[16384];
    c3_d img_d = (c3_d)_t_size(pir_c, ".urb/chk/north.bin")
               + (c3_d)_t_size(pir_c, ".urb/chk/sums.bin");
    struct statvfs sat_u;
    T_OK(_t_flip(pir_c, ".urb/chk/north.bin", 2 * 16384 + 3), "flip page 2");
    T_OK(0 == statvfs(_t_mnt_c, &sat_u), "statvfs");
    c3_d fre_d = (c3_d)sat_u.f_bavail * (c3_d)sat_u.f_frsize;
    c3_d kep_d = img_d + img_d / 2;
    T_OK(fre_d > kep_d, "room on the tmpfs (%llu)", (unsigned long long)fre_d);
    c3_i fid_i = open(fil_c, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    T_OK(fid_i >= 0 && 0 == posix_fallocate(fid_i, 0, (off_t)(fre_d - kep_d)),
         "fill the tmpfs to %llu bytes free", (unsigned long long)kep_d);
    if ( fid_i >= 0 ) close(fid_i);
    T_EQ(_t_run(out_c, err_c, 0, "--json", "-n", "0", pir_c, (c3_c*)0), 1);
    T_OK(0 != strstr(err_c, "failed its verification"),
         "the background verification stops the run: %s", err_c);
    T_EQ(_t_run(out_c, err_c, 0, "--json", "-n", "0", pir_c, (c3_c*)0), 0);
    T_OK(0 != strstr(err_c, "no room to keep"), "says it has no room: %s", err_c);
    T_EQ(_t_bads(pir_c), 0);
    T_EQ(h_json_d(out_c, "replayed"), 60);
    T_EQ(h_json_d(out_c, "mug"), _t_mug60_d);
    unlink(fil_c);
  }
  umount2(_t_mnt_c, MNT_DETACH);
  _t_mnt_c[0] = 0;
  return 0;
}

/* _t_bad_generations(): an untrusted image is set aside as *.bad, and the
**   next one replaces that whole set: never two generations.
*/
static void
_t_bad_generations(const c3_c* org_c)
{
  c3_c pir_c[4200], out_c[16384];

  //  first: a damaged page the patch does not cover: all four set aside
  _t_pier(pir_c, "bad-gen");
  _t_copy(org_c, pir_c);
  c3_w pag_w = _t_kept_page(pir_c);
  T_OK(pag_w > 0, "a page the patch keeps from north.bin");
  T_OK(_t_flip(pir_c, ".urb/chk/north.bin", (c3_d)pag_w * 16384 + 7),
       "flip page %u", pag_w);
  T_EQ(_t_run(out_c, 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "mug"), _t_mug60_d);
  T_EQ(_t_bads(pir_c), 4);

  //  second: no patch this time: no control.bin.bad or memory.bin.bad of
  //  the first generation may stay beside the second
  T_OK(_t_flip(pir_c, ".urb/chk/north.bin", 5 * 16384 + 7), "flip page 5");
  T_EQ(_t_run(out_c, 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0), 1);
  T_OK(_t_has(pir_c, ".urb/chk/damaged"), "the stopped run leaves its mark");
  T_EQ(_t_run(out_c, 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "replayed"), 60);
  T_EQ(h_json_d(out_c, "mug"), _t_mug60_d);
  T_EQ(_t_bads(pir_c), 2);
  T_OK(!_t_has(pir_c, ".urb/chk/control.bin.bad"), "one generation of *.bad");
  T_OK(!_t_has(pir_c, ".urb/chk/damaged"), "the rebuild removes the mark");

  //  third: the set-aside cannot be made (a directory where the older
  //  north.bin.bad goes): the start stops, saying why, and never runs on
  //  the untrusted image; once the directory is gone, it rebuilds
  {
    c3_c blk_c[4300], fil_c[4400], err_c[16384];

    snprintf(blk_c, sizeof(blk_c), "%s/.urb/chk/north.bin.bad", pir_c);
    snprintf(fil_c, sizeof(fil_c), "%s/in-the-way", blk_c);
    T_OK(0 == unlink(blk_c) && 0 == mkdir(blk_c, 0700), "a directory in "
         "the way");
    h_must_write(fil_c, (const c3_y*)"x", 1);
    T_OK(_t_flip(pir_c, ".urb/chk/north.bin", 5 * 16384 + 7), "flip page 5");
    T_EQ(_t_run(out_c, 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0), 1);
    T_EQ(_t_run(out_c, err_c, 0, "-q", "--json", "-n", "0", pir_c,
                (c3_c*)0), 1);
    T_OK(0 != strstr(err_c, "north.bin.bad: Is a directory")
         && 0 != strstr(err_c, "could not be set aside"),
         "the stop names what is in the way: %s", err_c);
    T_OK(0 == strstr(err_c, "rebuilding"), "no rebuild is announced: %s",
         err_c);
    unlink(fil_c);
    rmdir(blk_c);
    T_EQ(_t_run(out_c, 0, 0, "-q", "--json", "-n", "0", pir_c, (c3_c*)0), 0);
    T_EQ(h_json_d(out_c, "replayed"), 60);
    T_EQ(h_json_d(out_c, "mug"), _t_mug60_d);
  }
  h_rm(pir_c);
}

/* _t_agree(): a start of pier pir_c does what check said: both refuse
**   (exit 1, with why_c in what they print) and neither changes a file.
*/
static void
_t_agree(const c3_c* pir_c, const c3_c* wha_c, const c3_c* why_c)
{
  static _t_files bef_u, aft_u;
  c3_c out_c[16384], err_c[16384];

  T_EQ(_t_check_still(pir_c, out_c, wha_c), 1);
  T_OK(0 != strstr(out_c, "a start refuses") && 0 != strstr(out_c, why_c),
       "%s: check says a start refuses: %s", wha_c, out_c);
  _t_files_of(pir_c, &bef_u);
  T_EQ(_t_run(out_c, err_c, 0, "-q", "--json", "-n", "2", pir_c, (c3_c*)0), 1);
  _t_files_of(pir_c, &aft_u);
  T_OK(0 != strstr(err_c, why_c), "%s: the start says why: %s", wha_c, err_c);
  T_OK(0 != strstr(out_c, "\"error\""), "%s: JSON with an error: %s",
       wha_c, out_c);
  T_OK(_t_same(&bef_u, &aft_u, wha_c), "%s: the refused start changed no file",
       wha_c);
}

/* _t_lost(): a pier whose stored workload is damaged, and one whose event
**   log is gone while its image stays: check says a start refuses, and the
**   start does refuse, changing nothing (it neither runs another workload
**   nor starts a new log over the lost history).
*/
static void
_t_lost(void)
{
  c3_c pir_c[4200], out_c[16384], pat_c[4400];

  _t_pier(pir_c, "conf-damaged");
  if ( !T_EQ(_t_run(out_c, 0, 0, _t_args, "-n", "20", pir_c, (c3_c*)0), 0) ) {
    return;
  }
  T_OK(_t_flip(pir_c, ".urb/conf", 12), "flip a byte of .urb/conf");
  _t_agree(pir_c, "damaged conf", "conf");

  _t_pier(pir_c, "log-lost");
  if ( !T_EQ(_t_run(out_c, 0, 0, _t_args, "-n", "20", pir_c, (c3_c*)0), 0) ) {
    return;
  }
  _t_path(pat_c, pir_c, ".urb/log/events.log");
  T_OK(0 == unlink(pat_c), "remove events.log");
  _t_agree(pir_c, "lost log", "no event log");
  h_rm(pir_c);
}

int
main(void)
{
  c3_c org_c[4200];
  const c3_c* why_c;

  why_c = h_start("check_tests", &_t_urbit_c, _t_tmp_c, sizeof(_t_tmp_c));
  if ( why_c ) {
    return t_skip(why_c);
  }

  //  the harness rule: this process's loom is leak-checked too
  u3m_init(24);
  u3m_pave();

  //  an empty directory: a start makes a new pier; check says so and
  //  leaves it empty
  _t_pier(org_c, "empty");
  mkdir(org_c, 0755);
  {
    c3_c out_c[16384];
    T_EQ(_t_run(out_c, 0, 0, "check", org_c, (c3_c*)0), 0);
    T_OK(0 != strstr(out_c, "a start makes a new one"), "empty: %s", out_c);
    T_OK(!_t_has(org_c, ".urb"), "check made nothing in an empty directory");
  }

  _t_pier(org_c, "org");
  if ( _t_make_org(org_c) ) {
    _t_patches(org_c);
    _t_bad_generations(org_c);
    why_c = _t_full(org_c);
  }
  else {
    why_c = 0;
  }
  _t_unsummed();
  _t_lost();
  _t_race();
  _t_live();

  h_rm(_t_tmp_c);
  t_clean();
  u3m_fini();
  if ( why_c ) {
    printf("check_tests: the full-tmpfs case did not run: needs %s\n", why_c);
  }
  return t_done();
}
