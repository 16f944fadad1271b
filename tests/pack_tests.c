/// @file pack_tests.c
/// `urbit pack`, end to end, on a fragmented pier of the kv workload
/// (values replaced and deleted as the map hovers at its size):
///
///   - a packed copy's image shrinks to its live bytes (free bytes inside
///     the heap within 2 % of the live ones, as `urbit mass` counts them;
///     the image the metadata, the header and the live bytes within 2 %),
///     its mug is unchanged and `urbit check` finds it sound;
///   - then the same events on the packed copy and on an unpacked one
///     reach the same mug (a reference left unmoved would diverge);
///   - a second pack moves nothing and writes no byte of the image;
///   - a pier whose lock is held is refused, and not changed;
///   - `kill -9` at several moments of a pack, then a start: the same mug,
///     and check sound;
///   - a pack inside a 64 MiB memory cgroup completes (skipped, saying
///     why, where no cgroup can be made).
///
/// Runs $URBIT (set by make test) as a child process.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test.h"
#include "harness.h"
#include "c3/crc.h"

static const c3_c* _t_urbit_c;
static c3_c        _t_tmp_c[4000];
static c3_c        _t_pir_c[4100];    //  the fragmented pier, never packed
static c3_c        _t_skip_c[700];    //  why a part could not run
static h_run       _t_run_u;

/* _t_run(): run urbit with the arguments (NULL-terminated) into _t_run_u,
**   killed after a minute; the exit status.
*/
static c3_i
_t_run(const c3_c* fir_c, ...)
{
  va_list ap;
  va_start(ap, fir_c);
  c3_i ret_i = h_run_list(_t_tmp_c, 0, 60, &_t_run_u, _t_urbit_c, fir_c, ap);
  va_end(ap);
  return ret_i;
}

/* _t_copy(): a copy of the fragmented pier at dir_c/nam_c, into pat_c. */
static void
_t_copy(const c3_c* nam_c, c3_c* pat_c, c3_z pat_z)
{
  c3_c cmd_c[9000];

  snprintf(pat_c, pat_z, "%s/%s", _t_tmp_c, nam_c);
  snprintf(cmd_c, sizeof(cmd_c), "rm -rf '%s' && cp -a '%s' '%s'",
           pat_c, _t_pir_c, pat_c);
  T_OK(0 == system(cmd_c), "%s", cmd_c);
}

/* _t_image(): north.bin's size and checksum (~0 if unreadable), its mtime
**   in *mti_d (ns).
*/
static c3_d
_t_image(const c3_c* pir_c, c3_w* crc_w, c3_d* mti_d)
{
  c3_c        pat_c[4200];
  struct stat sat_u;
  c3_z        len_z;
  c3_y*       buf_y;

  snprintf(pat_c, sizeof(pat_c), "%s/.urb/chk/north.bin", pir_c);
  if ( stat(pat_c, &sat_u) || !(buf_y = h_read(pat_c, &len_z)) ) {
    return ~0ULL;
  }
  *crc_w = c3_crc32c(0, buf_y, len_z);
  *mti_d = (c3_d)sat_u.st_mtim.tv_sec * 1000000000ULL + (c3_d)sat_u.st_mtim.tv_nsec;
  free(buf_y);
  return (c3_d)sat_u.st_size;
}

/* _t_sound(): urbit check says pir_c is sound with mug mug_w kept. */
static void
_t_sound(const c3_c* pir_c, c3_w mug_w, const c3_c* wat_c)
{
  c3_c mug_c[64];

  T_EQ(_t_run("check", pir_c, (c3_c*)0), 0);
  T_OK(0 != strstr(_t_run_u.out_c, "refcounts:") && 0 != strstr(_t_run_u.out_c, ": sound"),
       "%s: check sound: %s%s", wat_c, _t_run_u.out_c, _t_run_u.err_c);
  snprintf(mug_c, sizeof(mug_c), "state mug 0x%08x, as the image keeps it", mug_w);
  T_OK(0 != strstr(_t_run_u.out_c, mug_c), "%s: %s: %s", wat_c, mug_c, _t_run_u.out_c);
}

/* _t_mug(): the state mug a start of pir_c reports (-n 0), 0 on failure. */
static c3_w
_t_mug(const c3_c* pir_c)
{
  if ( _t_run("-q", "--json", "-n", "0", pir_c, (c3_c*)0) ) {
    fprintf(stderr, "start of %s: %s\n", pir_c, _t_run_u.err_c);
    return 0;
  }
  return (c3_w)h_json_d(_t_run_u.out_c, "mug");
}

static c3_w _t_mug_w;       //  the fragmented pier's mug
static c3_d _t_pack_d;      //  a pack's wall time, ms (unpaged)

/* _t_pack(): pack a copy: it shrinks to its live bytes, keeps its mug and
**   stays sound; events then agree with an unpacked copy; a second pack
**   changes nothing.
*/
static void
_t_pack(void)
{
  c3_c pac_c[4200], ref_c[4200];
  c3_d liv_d, met_d, sav_d, ibe_d, iaf_d, mti_d, mtj_d;
  c3_w crc_w, crd_w;

  _t_copy("packed", pac_c, sizeof(pac_c));
  _t_copy("plain", ref_c, sizeof(ref_c));

  T_EQ(_t_run("mass", "--json", ref_c, (c3_c*)0), 0);
  sav_d = h_json_d(_t_run_u.out_c, "pack_save_bytes");
  ibe_d = _t_image(ref_c, &crc_w, &mti_d);
  T_OK(sav_d != ~0ULL && sav_d > (256ULL << 10),
       "the pier is fragmented: mass says pack saves %llu bytes",
       (unsigned long long)sav_d);

  //  paged under a cap below the image (19 MiB), which is in the page
  //  cache: the pager's budget is at its floor
  T_EQ(_t_run("pack", "--json", "--memory-limit", "12M", pac_c, (c3_c*)0), 0);
  T_OK(!_t_run_u.tim_t, "pack finished in time");
  T_OK(0 != strstr(_t_run_u.err_c, "pack: heap "), "summary: %s", _t_run_u.err_c);
  T_EQ(h_json_d(_t_run_u.out_c, "mug"), _t_mug_w);
  T_OK(h_json_d(_t_run_u.out_c, "pack_pages_moved") > 0
       && h_json_d(_t_run_u.out_c, "pack_objects_moved") > 0,
       "pages and objects moved: %s", _t_run_u.out_c);
  iaf_d = _t_image(pac_c, &crc_w, &mti_d);
  T_EQ(h_json_d(_t_run_u.out_c, "pack_image_after_kb") << 10, iaf_d);
  T_EQ(h_json_d(_t_run_u.out_c, "pack_image_before_kb") << 10, ibe_d);

  //  what mass finds in the packed image
  T_EQ(_t_run("mass", "--json", pac_c, (c3_c*)0), 0);
  liv_d = h_json_d(_t_run_u.out_c, "live_bytes");
  met_d = h_json_d(_t_run_u.out_c, "meta_pages") << u3a_page_bits;
  T_OK(h_json_d(_t_run_u.out_c, "free_bytes") * 50 <= liv_d,
       "free bytes within 2%% of live: %s", _t_run_u.out_c);
  T_EQ(h_json_d(_t_run_u.out_c, "free_pages"), 0);
  T_OK(iaf_d <= u3a_page_bytes + met_d + liv_d + liv_d / 50,
       "image %llu within 2%% of live %llu + metadata %llu + header",
       (unsigned long long)iaf_d, (unsigned long long)liv_d, (unsigned long long)met_d);
  T_OK(iaf_d + sav_d <= ibe_d + liv_d / 50,
       "image %llu -> %llu: shrank by what mass said (%llu)",
       (unsigned long long)ibe_d, (unsigned long long)iaf_d, (unsigned long long)sav_d);
  _t_sound(pac_c, _t_mug_w, "packed");

  //  a second pack, unpaged: nothing to move, no byte changed
  iaf_d = _t_image(pac_c, &crc_w, &mti_d);
  T_EQ(_t_run("pack", "--json", "--memory-limit", "none", pac_c, (c3_c*)0), 0);
  T_EQ(h_json_d(_t_run_u.out_c, "pack_objects_moved"), 0);
  T_EQ(h_json_d(_t_run_u.out_c, "pack_pages_moved"), 0);
  T_EQ(_t_image(pac_c, &crd_w, &mtj_d), iaf_d);
  T_EQ(crd_w, crc_w);
  (void)mtj_d;   //  every start rewrites its header page: mtimes differ

  //  the same events on both
  T_EQ(_t_run("-q", "--json", "-n", "400", pac_c, (c3_c*)0), 0);
  c3_d mpa_d = h_json_d(_t_run_u.out_c, "mug");
  T_EQ(_t_run("-q", "--json", "-n", "400", ref_c, (c3_c*)0), 0);
  c3_d mre_d = h_json_d(_t_run_u.out_c, "mug");
  T_OK(mpa_d == mre_d && mpa_d != ~0ULL, "after 400 events: packed 0x%llx, "
       "plain 0x%llx", (unsigned long long)mpa_d, (unsigned long long)mre_d);
  _t_sound(pac_c, (c3_w)mpa_d, "packed, then run");
  h_rm(pac_c);
  h_rm(ref_c);
}

/* _t_live(): a pier whose lock is held is refused, and not changed. */
static void
_t_live(void)
{
  c3_c pir_c[4200], lok_c[4300];
  c3_d mti_d, mtj_d;
  c3_w crc_w, crd_w;
  c3_i fid_i;

  _t_copy("live", pir_c, sizeof(pir_c));
  c3_d len_d = _t_image(pir_c, &crc_w, &mti_d);
  snprintf(lok_c, sizeof(lok_c), "%s/.urb/lock", pir_c);
  fid_i = open(lok_c, O_RDWR | O_CREAT, 0644);
  T_OK(fid_i >= 0 && 0 == flock(fid_i, LOCK_EX | LOCK_NB), "hold the lock");
  T_EQ(_t_run("pack", pir_c, (c3_c*)0), 1);
  T_OK(0 != strstr(_t_run_u.err_c, "in use by a running ship"), "refused: %s",
       _t_run_u.err_c);
  if ( fid_i >= 0 ) {
    close(fid_i);
  }
  T_EQ(_t_image(pir_c, &crd_w, &mtj_d), len_d);
  T_EQ(crd_w, crc_w);
  T_EQ(mtj_d, mti_d);
  h_rm(pir_c);
}

/* _t_kill(): kill -9 at several moments of a pack; each start finds the
**   same mug, old layout or new, and check finds it sound.
*/
static void
_t_kill(void)
{
  static const c3_w per_w[] = { 20, 50, 80, 95, 110 };
  c3_w old_w = 0, new_w = 0;
  c3_c tim_c[4200];

  //  how long an unpaged pack takes here, to kill at moments across it
  _t_copy("timed", tim_c, sizeof(tim_c));
  T_EQ(_t_run("pack", "--json", "--memory-limit", "none", tim_c, (c3_c*)0), 0);
  T_EQ(h_json_d(_t_run_u.out_c, "mug"), _t_mug_w);
  _t_pack_d = (c3_d)(_t_run_u.wal_d * 1000);
  h_rm(tim_c);

  for ( c3_w i_w = 0; i_w < sizeof(per_w) / sizeof(per_w[0]); i_w++ ) {
    c3_c pir_c[4200], nam_c[32], err_c[4300];
    c3_d mti_d, len_d, was_d;
    c3_w crc_w;
    h_how how_u;

    snprintf(nam_c, sizeof(nam_c), "kill%u", i_w);
    _t_copy(nam_c, pir_c, sizeof(pir_c));
    was_d = _t_image(pir_c, &crc_w, &mti_d);
    memset(&how_u, 0, sizeof(how_u));
    snprintf(err_c, sizeof(err_c), "%s.err", pir_c);
    how_u.err_c = err_c;

    const c3_c* arg_c[] = { _t_urbit_c, "pack", "-q", "--memory-limit", "none",
                            pir_c, 0 };
    pid_t pid_i = h_spawn((c3_c* const*)arg_c, &how_u);
    c3_i  sat_i = 0;
    T_OK(pid_i > 0, "spawn pack");
    if ( pid_i <= 0 ) {
      continue;
    }
    usleep((useconds_t)(_t_pack_d * 1000 * per_w[i_w] / 100));
    kill(pid_i, SIGKILL);
    waitpid(pid_i, &sat_i, 0);
    h_kid_i = 0;

    c3_w mug_w = _t_mug(pir_c);
    T_OK(mug_w == _t_mug_w, "killed at %u%% of a pack: mug 0x%08x, want 0x%08x",
         per_w[i_w], mug_w, _t_mug_w);
    _t_sound(pir_c, _t_mug_w, nam_c);
    len_d = _t_image(pir_c, &crc_w, &mti_d);
    ( len_d < was_d ) ? new_w++ : old_w++;
    h_rm(pir_c);
    unlink(err_c);
  }
  fprintf(stderr, "pack_tests: after kill -9: %u starts found the old layout, "
                  "%u the packed one\n", old_w, new_w);
}

/* _t_cgroup(): a pack inside a 64 MiB memory cgroup completes. */
static void
_t_cgroup(void)
{
  c3_c  pir_c[4200], why_c[600];
  h_cg  cg_u;
  h_how how_u;

  if ( !h_cg_make(&cg_u, 64ULL << 20, why_c, sizeof(why_c)) ) {
    snprintf(_t_skip_c, sizeof(_t_skip_c), "no memory cgroup for the 64 MiB "
             "pack: %s", why_c);
    return;
  }
  _t_copy("cgroup", pir_c, sizeof(pir_c));
  memset(&how_u, 0, sizeof(how_u));
  how_u.cgp_c = cg_u.dir_c;

  const c3_c* arg_c[] = { _t_urbit_c, "pack", "--json", pir_c, 0 };
  T_EQ(h_run_in(_t_tmp_c, (c3_c* const*)arg_c, &how_u, 120, &_t_run_u), 0);
  T_OK(0 != strstr(_t_run_u.err_c, "pack: heap "), "packed: %s", _t_run_u.err_c);
  T_EQ(h_cg_ooms(&cg_u), 0);
  T_OK(h_cg_peak(&cg_u) <= (64ULL << 20), "peak %llu",
       (unsigned long long)h_cg_peak(&cg_u));
  fprintf(stderr, "pack_tests: in a 64 MiB cgroup: peak charge %llu KiB, "
                  "rss peak %llu KiB\n",
          (unsigned long long)(h_cg_peak(&cg_u) >> 10),
          (unsigned long long)h_json_d(_t_run_u.out_c, "rss_peak_kb"));
  h_cg_drop(&cg_u);
  _t_sound(pir_c, _t_mug_w, "packed in a cgroup");
  h_rm(pir_c);
}

int
main(void)
{
  const c3_c* why_c = h_start("pack_tests", &_t_urbit_c, _t_tmp_c, sizeof(_t_tmp_c));

  if ( why_c ) {
    return t_skip(why_c);
  }
  snprintf(_t_pir_c, sizeof(_t_pir_c), "%s/frag", _t_tmp_c);
  T_EQ(_t_run("-q", "-w", "kv", "--size", "12", "-n", "2000", _t_pir_c, (c3_c*)0), 0);
  _t_mug_w = _t_mug(_t_pir_c);
  T_OK(0 != _t_mug_w, "the pier starts");

  double bot_d = h_now();
  _t_pack();
  fprintf(stderr, "pack_tests: pack %.1f s\n", h_now() - bot_d);
  _t_live();
  fprintf(stderr, "pack_tests: live %.1f s\n", h_now() - bot_d);
  _t_kill();
  fprintf(stderr, "pack_tests: kill %.1f s\n", h_now() - bot_d);
  _t_cgroup();
  fprintf(stderr, "pack_tests: cgroup %.1f s\n", h_now() - bot_d);

  h_rm(_t_tmp_c);

  //  the harness rule: this process's loom is leak-checked too
  u3m_init(24);
  u3m_pave();
  t_clean();
  u3m_fini();
  if ( _t_skip_c[0] && !t_fail_w ) {
    return t_skip(_t_skip_c);
  }
  return t_done();
}
