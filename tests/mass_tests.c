/// @file mass_tests.c
/// `urbit mass` and a run's exit, end to end, on one pier of the kv
/// workload with duplicates (--dup 30, a few tens of MiB):
///
///   - a run with -n 0 --json reads only what it needs: its peak RSS stays
///     well below the image (the state mug comes from the header, not a
///     walk of the state), and the mug equals check's, from scratch;
///   - mass's figures agree with the allocator's and with a mark: live
///     bytes and objects as `urbit check` counts them, as the header's
///     counters say, and the sum of the kinds and of the parts;
///   - its meld estimate equals the duplicate bytes found here by a walk
///     of the state booted read-only (sorting every reachable atom), and
///     the workload with --dup has duplicates while one without has none;
///   - it writes nothing (every file's bytes, size and mtime compared),
///     refuses a pier whose lock is held, refuses bad flags, and its
///     --svg is a well-formed picture with one pixel per loom page;
///   - an image of format 2 (before the header kept the mug) is read,
///     and its mug is computed once, by --json, and kept from then on.
///
/// Runs $URBIT (set by make test) as a child process.
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "test.h"
#include "harness.h"
#include "c3/crc.h"

static const c3_c* _t_urbit_c;
static c3_c        _t_tmp_c[4000];

/* _t_run(): run urbit with the arguments (NULL-terminated), capturing
**   stdout and stderr (either buffer may be 0); the exit status.
*/
static c3_i
_t_run(c3_c* out_c, c3_z out_z, c3_c* err_c, c3_z err_z, ...)
{
  va_list ap;
  va_start(ap, err_z);
  c3_i ret_i = h_runv(_t_tmp_c, 0, out_c, out_z, err_c, err_z, _t_urbit_c, ap);
  va_end(ap);
  return ret_i;
}

  /** What a pier's files are: name, size, mtime and contents' checksum.
  **/
static c3_c* _t_snap_c;
static c3_z  _t_snap_z;

/* _t_snap_one(): one file's line. */
static c3_i
_t_snap_one(const c3_c* pat_c, const struct stat* sat_u, c3_i typ_i, struct FTW* ftw_u)
{
  c3_z  len_z = 0;
  c3_w  crc_w = 0;
  c3_y* buf_y;

  (void)ftw_u;
  if ( FTW_F == typ_i && (buf_y = h_read(pat_c, &len_z)) ) {
    crc_w = c3_crc32c(0, buf_y, len_z);
    free(buf_y);
  }
  c3_z use_z = strlen(_t_snap_c);
  snprintf(_t_snap_c + use_z, _t_snap_z - use_z, "%s %d %lld %lld.%09ld %08x\n",
           pat_c, typ_i, (long long)sat_u->st_size, (long long)sat_u->st_mtim.tv_sec,
           sat_u->st_mtim.tv_nsec, crc_w);
  return 0;
}

/* _t_snap(): every file under dir_c, into buf_c. */
static void
_t_snap(const c3_c* dir_c, c3_c* buf_c, c3_z buf_z)
{
  buf_c[0] = 0;
  _t_snap_c = buf_c;
  _t_snap_z = buf_z;
  nftw(dir_c, _t_snap_one, 16, FTW_PHYS);
}

  /** The duplicates in a state, counted here.
  **/
typedef struct {
  u3_atom* atm_u;
  c3_w     len_w, cap_w;
  c3_w*    set_w;     //  posts seen (open addressing), 0: empty
  c3_w     sbt_w;     //  log2 of its size
} _t_walk;

/* _t_seen(): 1 if post pos_w was seen; notes it. */
static c3_t
_t_seen(_t_walk* wal_u, c3_w pos_w)
{
  return h_seen(wal_u->set_w, wal_u->sbt_w, pos_w);
}

/* _t_cmp(): order indirect atoms by length, then bytes. */
static c3_i
_t_cmp(const void* a_v, const void* b_v)
{
  const u3a_atom* a_u = (const u3a_atom*)(const void*)u3a_to_ptr(*(const u3_atom*)a_v);
  const u3a_atom* b_u = (const u3a_atom*)(const void*)u3a_to_ptr(*(const u3_atom*)b_v);

  if ( a_u->len_w != b_u->len_w ) {
    return ( a_u->len_w < b_u->len_w ) ? -1 : 1;
  }
  return memcmp(a_u->buf_w, b_u->buf_w, (c3_z)a_u->len_w << 2);
}

/* _t_dups(): the slot bytes of the reachable indirect atoms of dir_c's
**   state (booted read-only here) that equal another, and the live bytes;
**   ~0 if it cannot be booted.
*/
static c3_d
_t_dups(const c3_c* dir_c, c3_d* liv_d)
{
  _t_walk  wal_u;
  u3_noun* sak_u;
  c3_w     sap_w = 0;
  c3_d     dup_d = 0;

  if ( u3m_boot_resumed != u3m_boot_read(dir_c, u3e_geometry(dir_c)) ) {
    return ~0ULL;
  }
  memset(&wal_u, 0, sizeof(wal_u));
  wal_u.sbt_w = 22;
  wal_u.set_w = calloc((c3_z)1 << wal_u.sbt_w, sizeof(c3_w));
  wal_u.cap_w = 1U << 20;
  wal_u.atm_u = malloc(wal_u.cap_w * sizeof(u3_atom));
  sak_u = malloc(((c3_z)1 << 20) * sizeof(u3_noun));
  *liv_d = 0;

  sak_u[sap_w++] = u3H->roo;
  while ( sap_w ) {
    u3_noun som = sak_u[--sap_w];
    if ( c3n == u3a_is_dog(som) || _t_seen(&wal_u, u3a_to_off(som)) ) {
      continue;
    }
    *liv_d += (c3_d)u3a_size(u3a_to_ptr(som)) << 2;
    if ( _(u3a_is_pom(som)) ) {
      sak_u[sap_w++] = u3h(som);
      sak_u[sap_w++] = u3t(som);
    }
    else if ( wal_u.len_w < wal_u.cap_w ) {
      wal_u.atm_u[wal_u.len_w++] = som;
    }
  }
  qsort(wal_u.atm_u, wal_u.len_w, sizeof(u3_atom), _t_cmp);
  for ( c3_w i_w = 1; i_w < wal_u.len_w; i_w++ ) {
    if ( 0 == _t_cmp(&wal_u.atm_u[i_w - 1], &wal_u.atm_u[i_w]) ) {
      dup_d += (c3_d)u3a_size(u3a_to_ptr(wal_u.atm_u[i_w])) << 2;
    }
  }
  free(sak_u);
  free(wal_u.atm_u);
  free(wal_u.set_w);
  u3m_stop();
  return dup_d;
}

  /** The checks.
  **/
static c3_c _t_pir_c[4100];    //  the pier with duplicates
static c3_c _t_non_c[4100];    //  a pier without
static c3_d _t_mdup_d, _t_mliv_d, _t_ndup_d;   //  mass's figures

/* _t_exit(): a run with -n 0 --json reads only what it needs. */
static void
_t_exit(void)
{
  static c3_c out_c[65536], err_c[65536], chk_c[65536];

  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "-q", "--json", "-n", "0",
              _t_pir_c, (c3_c*)0), 0);
  c3_d img_d = h_json_d(out_c, "image_kb");
  c3_d hwm_d = h_json_d(out_c, "rss_peak_kb");
  c3_d mug_d = h_json_d(out_c, "mug");
  T_OK(img_d >= 16384 && img_d != ~0ULL, "the image is a few tens of MiB: %llu KiB",
       (unsigned long long)img_d);
  //  beyond the runtime's own (a small pier's peak: the binary, stacks,
  //  buffers, much more under a sanitizer), less than a quarter of the
  //  image: a walk of the state would read all of it
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "-q", "--json", "-n", "0",
              _t_non_c, (c3_c*)0), 0);
  c3_d own_d = h_json_d(out_c, "rss_peak_kb");
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "-q", "--json", "-n", "0",
              _t_pir_c, (c3_c*)0), 0);
  T_OK((hwm_d - c3_min(hwm_d, own_d)) * 4 < img_d, "-n 0 --json: peak RSS %llu KiB, "
       "a small pier's %llu KiB, not a quarter of the image's %llu KiB more",
       (unsigned long long)hwm_d, (unsigned long long)own_d, (unsigned long long)img_d);
  T_OK(h_json_d(out_c, "file_kb") * 4 < img_d, "-n 0 --json: %llu KiB of files "
       "resident at exit, not a quarter of the image's %llu KiB",
       (unsigned long long)h_json_d(out_c, "file_kb"), (unsigned long long)img_d);

  //  the mug reported is the state's: check computes it from scratch
  T_EQ(_t_run(chk_c, sizeof(chk_c), 0, 0, "check", _t_pir_c, (c3_c*)0), 0);
  c3_c mug_c[64];
  snprintf(mug_c, sizeof(mug_c), "state mug 0x%08llx, as the image keeps it",
           (unsigned long long)mug_d);
  T_OK(0 != strstr(chk_c, mug_c), "check agrees with the kept mug %s: %s", mug_c, chk_c);
}

/* _t_figures(): mass agrees with the allocator and with a mark. */
static void
_t_figures(void)
{
  static c3_c out_c[65536], err_c[65536], chk_c[65536];
  unsigned long long all_ll = 0, byt_ll = 0, eve_ll = 0;
  const c3_c* hit_c;

  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "mass", "--json",
              _t_pir_c, (c3_c*)0), 0);
  T_EQ(_t_run(chk_c, sizeof(chk_c), 0, 0, "check", _t_pir_c, (c3_c*)0), 0);
  hit_c = strstr(chk_c, "check: refcounts: ");
  T_OK(hit_c && 3 == sscanf(hit_c, "check: refcounts: %llu allocations, %llu bytes "
                            "reachable from the state at event %llu", &all_ll,
                            &byt_ll, &eve_ll), "check's refcount line: %s", chk_c);

  c3_d liv_d = h_json_d(out_c, "live_bytes");
  T_EQ(liv_d, byt_ll);
  T_EQ(h_json_d(out_c, "live_objects"), all_ll);
  T_EQ(h_json_d(out_c, "event"), eve_ll);
  T_EQ(h_json_d(out_c, "alloc_live_bytes"), liv_d);
  T_EQ(h_json_d(out_c, "alloc_objects"), all_ll);
  T_EQ(h_json_d(out_c, "table_live_bytes"), liv_d);
  T_EQ(h_json_d(out_c, "leaked_bytes"), 0);

  //  the kinds and the parts each add up to the live bytes
  c3_d kin_d = h_json_d(out_c, "cell_bytes");
  const c3_c* atm_c = strstr(out_c, "\"atoms\":[");
  T_OK(0 != atm_c, "atoms by size class");
  while ( atm_c && (atm_c = strstr(atm_c, "\"bytes\":")) && atm_c < strstr(out_c, "]") ) {
    kin_d += strtoull(atm_c + 8, 0, 10);
    atm_c += 8;
  }
  T_EQ(kin_d, liv_d);
  T_EQ(h_json_d(out_c, "part_spine_bytes") + h_json_d(out_c, "part_kv_bytes")
       + h_json_d(out_c, "part_churn_bytes") + h_json_d(out_c, "part_blob_bytes")
       + h_json_d(out_c, "part_count_bytes"), liv_d);
  T_OK(h_json_d(out_c, "part_kv_bytes") > liv_d / 2, "kv holds most: %s", out_c);

  //  the heap is live bytes, metadata and free space; pack's saving is what is not live
  c3_d img_d = h_json_d(out_c, "image_bytes");
  c3_d met_d = h_json_d(out_c, "meta_pages") << 14;
  T_EQ(h_json_d(out_c, "heap_bytes"), img_d - 16384);
  T_EQ(h_json_d(out_c, "free_bytes") + met_d + liv_d, img_d - 16384);
  T_EQ(h_json_d(out_c, "pack_save_bytes"), img_d - 16384 - met_d - liv_d);
  T_OK(h_json_d(out_c, "rss_peak_kb") <= 65536, "mass peak RSS %llu KiB",
       (unsigned long long)h_json_d(out_c, "rss_peak_kb"));

  _t_mdup_d = h_json_d(out_c, "meld_save_bytes");
  _t_mliv_d = liv_d;

  //  the text report says the same
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "mass", "-q", _t_pir_c,
              (c3_c*)0), 0);
  T_OK(0 != strstr(out_c, "meld would save") && 0 != strstr(out_c, "pack would save")
       && 0 != strstr(out_c, "fragmentation per size class"), "text report: %s", out_c);

  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "mass", "--json",
              _t_non_c, (c3_c*)0), 0);
  _t_ndup_d = h_json_d(out_c, "meld_save_bytes");
}

/* _t_meld(): mass's meld estimate is the state's duplicates, exactly. */
static void
_t_meld(void)
{
  c3_d liv_d = 0;
  c3_d dup_d = _t_dups(_t_pir_c, &liv_d);

  T_OK(~0ULL != dup_d, "booted the pier read-only");
  T_EQ(liv_d, _t_mliv_d);
  T_EQ(_t_mdup_d, dup_d);
  T_OK(_t_mdup_d * 20 > _t_mliv_d, "--dup 30 duplicates over 5%% of the state: "
       "%llu of %llu bytes", (unsigned long long)_t_mdup_d, (unsigned long long)_t_mliv_d);
  printf("mass_tests: --dup 30: meld would save %llu of %llu live bytes (%.1f%%)\n",
         (unsigned long long)_t_mdup_d, (unsigned long long)_t_mliv_d,
         100.0 * (double)_t_mdup_d / (double)_t_mliv_d);

  dup_d = _t_dups(_t_non_c, &liv_d);
  T_EQ(_t_ndup_d, dup_d);
  T_OK(_t_ndup_d * 1000 < liv_d, "no --dup: (almost) no duplicates: %llu of %llu",
       (unsigned long long)_t_ndup_d, (unsigned long long)liv_d);
}

/* _t_readonly(): mass writes nothing in the pier. */
static void
_t_readonly(void)
{
  static c3_c one_c[1 << 16], two_c[1 << 16], out_c[65536];
  c3_c svg_c[4200];

  snprintf(svg_c, sizeof(svg_c), "%s/loom.svg", _t_tmp_c);
  _t_snap(_t_pir_c, one_c, sizeof(one_c));
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "mass", "--json", "--svg", svg_c,
              _t_pir_c, (c3_c*)0), 0);
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "mass", _t_pir_c, (c3_c*)0), 0);
  _t_snap(_t_pir_c, two_c, sizeof(two_c));
  T_OK(strlen(one_c) > 100 && !strcmp(one_c, two_c), "the pier is unchanged:\n%s\n"
       "after:\n%s", one_c, two_c);
}

/* _t_svg(): the picture is well-formed: one pixel per loom page. */
static void
_t_svg(void)
{
  c3_c  svg_c[4200];
  c3_z  len_z = 0;
  c3_c* buf_c;
  c3_d  pix_d = 0;
  c3_w  lin_w = 0, bad_w = 0;

  snprintf(svg_c, sizeof(svg_c), "%s/loom.svg", _t_tmp_c);
  buf_c = (c3_c*)h_read(svg_c, &len_z);
  if ( !T_OK(0 != buf_c && len_z > 0, "read %s", svg_c) ) {
    return;
  }
  buf_c = realloc(buf_c, len_z + 1);
  buf_c[len_z] = 0;
  T_OK(0 == strncmp(buf_c, "<?xml version=\"1.0\"", 19), "an XML declaration");
  T_OK(0 != strstr(buf_c, "<svg xmlns=\"http://www.w3.org/2000/svg\""), "an svg element");
  T_OK(len_z > 7 && 0 == strcmp(buf_c + len_z - 7, "</svg>\n"), "ends with </svg>");

  //  every line between is one whole element
  for ( c3_c* cur_c = strtok(buf_c, "\n"); cur_c; cur_c = strtok(0, "\n") ) {
    c3_w x_w, y_w, w_w;
    lin_w++;
    if ( 3 == sscanf(cur_c, "<rect x=\"%u\" y=\"%u\" width=\"%u\"", &x_w, &y_w, &w_w)
         && strstr(cur_c, "\" height=\"1\" fill=\"#") )
    {
      pix_d += w_w;
      if ( x_w + w_w > 512 || !strstr(cur_c, "/>") ) bad_w++;
    }
    else if ( strncmp(cur_c, "<?xml", 5) && strncmp(cur_c, "<svg ", 5)
              && strncmp(cur_c, "</svg>", 6) && strncmp(cur_c, "<title>", 7)
              && strncmp(cur_c, "<rect ", 6) && strncmp(cur_c, "<text ", 6) )
    {
      bad_w++;
    }
    else if ( !strncmp(cur_c, "<text ", 6) && !strstr(cur_c, "</text>") ) {
      bad_w++;
    }
  }
  T_EQ(bad_w, 0);
  T_EQ(pix_d, 1ULL << (31 - 14));    //  the default loom, 2^31 bytes
  T_OK(lin_w > 10, "lines: %u", lin_w);
  free(buf_c);
}

/* _t_refusals(): a live pier, bad flags, no pier. */
static void
_t_refusals(void)
{
  static c3_c out_c[65536], err_c[65536];
  c3_c lok_c[4200];
  c3_i fid_i;

  //  a live pier: its lock is held (as a run holds it)
  snprintf(lok_c, sizeof(lok_c), "%s/.urb/lock", _t_pir_c);
  fid_i = open(lok_c, O_RDWR);
  T_OK(fid_i >= 0 && 0 == flock(fid_i, LOCK_EX | LOCK_NB), "hold the lock");
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "mass", _t_pir_c, (c3_c*)0), 2);
  T_OK(0 != strstr(err_c, "in use by a running ship"), "says in use: %s", err_c);
  T_OK(0 == out_c[0], "no report: %s", out_c);
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "mass", "--json", _t_pir_c,
              (c3_c*)0), 2);
  T_OK(0 != strstr(out_c, "{\"error\":\"the pier is in use"), "--json error: %s", out_c);
  if ( fid_i >= 0 ) {
    close(fid_i);
  }

  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "mass", "--bogus", _t_pir_c, (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "unknown option '--bogus'"), "bad flag: %s", err_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "mass", _t_pir_c, "--svg", (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "--svg needs a file"), "--svg alone: %s", err_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "mass", (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "no pier given"), "no pier: %s", err_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "mass", _t_pir_c, _t_non_c, (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "one pier at a time"), "two piers: %s", err_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "mass", "/proc/nope", (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "not a pier directory"), "no such pier: %s", err_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "mass", "--svg", "/proc/nope/x.svg",
              _t_pir_c, (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "--svg /proc/nope/x.svg"), "svg not writable: %s", err_c);

  //  a damaged image is refused with a message, never read
  {
    c3_c bad_c[4200], cmd_c[9000], nor_c[4300];
    snprintf(bad_c, sizeof(bad_c), "%s/bad", _t_tmp_c);
    snprintf(cmd_c, sizeof(cmd_c), "cp -a '%s' '%s'", _t_non_c, bad_c);
    T_EQ(system(cmd_c), 0);
    snprintf(nor_c, sizeof(nor_c), "%s/.urb/chk/north.bin", bad_c);
    T_OK(h_flip(nor_c, 200 * 16384 + 77), "damage a page of the image");
    T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "mass", bad_c, (c3_c*)0), 1);
    T_OK(0 != strstr(err_c, "not one a start would resume"), "damaged: %s", err_c);
    T_OK(0 == out_c[0], "no report: %s", out_c);
    h_rm(bad_c);
  }

  //  --dup's values are checked like every number
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "--dup", "101", "-n", "1", _t_non_c, (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "--dup '101': out of range"), "--dup 101: %s", err_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "--dup", "5", "-n", "1", _t_pir_c, (c3_c*)0), 1);
  T_OK(0 != strstr(err_c, "made with --dup 30; refusing --dup 5"), "--dup differs: %s",
       err_c);
  {
    c3_c con_c[4200], buf_c[600];
    snprintf(con_c, sizeof(con_c), "%s/.urb/conf", _t_pir_c);
    T_OK(h_slurp(con_c, buf_c, sizeof(buf_c)) > 0 && strstr(buf_c, "\nsize 24\ndup 30\ncrc32c "),
         "the conf stores --dup: %s", buf_c);
    snprintf(con_c, sizeof(con_c), "%s/.urb/conf", _t_non_c);
    T_OK(h_slurp(con_c, buf_c, sizeof(buf_c)) > 0 && !strstr(buf_c, "dup"),
         "no dup line without --dup: %s", buf_c);
  }
}

/* _t_upgrade(): an image of format 2 (no kept mug) is read: the summary
**   says the mug is not kept, --json computes it once and saves it, and
**   check agrees before and after.
*/
static void
_t_upgrade(void)
{
  static c3_c out_c[65536], err_c[65536];
  c3_c  nor_c[4200], sum_c[4200], mug_c[128];
  c3_y  pag_y[16384];
  c3_w  crc_w;
  c3_d  mug_d;
  c3_i  fid_i;

  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "-q", "--json", "-n", "0", _t_non_c,
              (c3_c*)0), 0);
  mug_d = h_json_d(out_c, "mug");

  //  page 0 as a format 2 image had it, with its checksum in sums.bin
  snprintf(nor_c, sizeof(nor_c), "%s/.urb/chk/north.bin", _t_non_c);
  snprintf(sum_c, sizeof(sum_c), "%s/.urb/chk/sums.bin", _t_non_c);
  fid_i = open(nor_c, O_RDWR);
  T_OK(fid_i >= 0 && sizeof(pag_y) == pread(fid_i, pag_y, sizeof(pag_y), 0), "read page 0");
  {
    u3m_home hom_u;
    memcpy(&hom_u, pag_y, sizeof(hom_u));
    T_EQ(hom_u.ver_w, u3m_home_version);
    T_EQ(hom_u.mug_w, mug_d);
    hom_u.ver_w = 2;
    hom_u.mug_w = 0;
    hom_u.sum_w = u3m_header_sum(&hom_u);
    memcpy(pag_y, &hom_u, sizeof(hom_u));
  }
  T_OK(sizeof(pag_y) == pwrite(fid_i, pag_y, sizeof(pag_y), 0), "write page 0");
  close(fid_i);
  crc_w = c3_crc32c(0, pag_y, sizeof(pag_y));
  fid_i = open(sum_c, O_RDWR);
  T_OK(fid_i >= 0 && 4 == pwrite(fid_i, &crc_w, 4, 16), "write its checksum");
  close(fid_i);

  snprintf(mug_c, sizeof(mug_c), "state mug 0x%08llx (the image, of an older "
           "format, keeps none)", (unsigned long long)mug_d);
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "check", _t_non_c, (c3_c*)0), 0);
  T_OK(0 != strstr(out_c, mug_c), "check on format 2: %s", out_c);

  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-n", "0", _t_non_c, (c3_c*)0), 0);
  T_OK(0 != strstr(err_c, "state mug not kept"), "summary: %s", err_c);
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "--json", "-n", "0",
              _t_non_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "mug"), mug_d);
  T_OK(0 != strstr(err_c, "computing the state mug"), "computed once: %s", err_c);
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "-n", "0", _t_non_c,
              (c3_c*)0), 0);
  snprintf(mug_c, sizeof(mug_c), "state mug 0x%08llx;", (unsigned long long)mug_d);
  T_OK(0 != strstr(err_c, mug_c), "kept from then on: %s", err_c);
  snprintf(mug_c, sizeof(mug_c), "state mug 0x%08llx, as the image keeps it",
           (unsigned long long)mug_d);
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "check", _t_non_c, (c3_c*)0), 0);
  T_OK(0 != strstr(out_c, mug_c), "check after: %s", out_c);
}

int
main(void)
{
  const c3_c* why_c = h_start("mass_tests", &_t_urbit_c, _t_tmp_c, sizeof(_t_tmp_c));
  static c3_c err_c[65536];

  if ( why_c ) {
    return t_skip(why_c);
  }
  snprintf(_t_pir_c, sizeof(_t_pir_c), "%s/dup", _t_tmp_c);
  snprintf(_t_non_c, sizeof(_t_non_c), "%s/non", _t_tmp_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-q", "-w", "kv", "--size", "24", "--dup",
              "30", "-n", "5000", _t_pir_c, (c3_c*)0), 0);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-q", "-w", "kv", "--size", "4",
              "-n", "1500", _t_non_c, (c3_c*)0), 0);

  _t_exit();
  _t_figures();
  _t_meld();
  _t_readonly();
  _t_svg();
  _t_refusals();
  _t_upgrade();

  h_rm(_t_tmp_c);

  //  the harness rule: this process's loom is leak-checked too
  u3m_init(24);
  u3m_pave();
  t_clean();
  u3m_fini();
  return t_done();
}
