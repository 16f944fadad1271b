/// @file meld_tests.c
/// `urbit meld`, end to end, on small piers of the kv and mixed workloads
/// with duplicates (--dup):
///
///   - a checker here (the state booted read-only in this process, every
///     reachable object compared with its own comparator) finds distinct
///     equal objects before meld and none after; meld frees exactly their
///     bytes (mass's live bytes before and after), mass's meld estimate
///     drops to 0, the state mug is unchanged and `urbit check` is sound;
///   - events run after meld reach the same mug on a melded copy and on
///     an unmelded one; a second meld merges nothing;
///   - the table in memory (a large --memory-limit), the bucket files
///     (the default cap, and a small one) and a table too small for one
///     group of equal mugs (chunks) all merge every duplicate;
///   - meld refuses a live pier; kill -9 at several moments leaves a pier
///     that starts at the same mug with check sound and no bucket files;
///     SIGTERM stops it with nothing saved;
///   - meld completes inside a 64 MiB memory cgroup (skipped, with the
///     reason, where no cgroup can be made).
///
/// Runs $URBIT (set by make test) as a child process.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "test.h"
#include "harness.h"

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

/* _t_run_env(): _t_run with the environment variable env_c (NAME=value). */
static c3_i
_t_run_env(const c3_c* env_c, c3_c* out_c, c3_z out_z, c3_c* err_c, c3_z err_z, ...)
{
  h_how   how_u;
  va_list ap;

  memset(&how_u, 0, sizeof(how_u));
  how_u.env_c = env_c;
  va_start(ap, err_z);
  c3_i ret_i = h_runv(_t_tmp_c, &how_u, out_c, out_z, err_c, err_z, _t_urbit_c, ap);
  va_end(ap);
  return ret_i;
}

/* _t_cp(): copy pier src_c to dst_c (removed first); 0 or nonzero. */
static c3_i
_t_cp(const c3_c* src_c, const c3_c* dst_c)
{
  h_rm(dst_c);
  c3_c* const arg_c[] = { (c3_c*)"/bin/cp", (c3_c*)"-a", (c3_c*)src_c,
                          (c3_c*)dst_c, 0 };
  static h_run run_u;
  return h_run_in(_t_tmp_c, arg_c, 0, 60, &run_u);
}

/* _t_path(): _t_tmp_c/nam_c into pat_c. */
static void
_t_path(c3_c* pat_c, c3_z pat_z, const c3_c* nam_c)
{
  snprintf(pat_c, pat_z, "%s/%s", _t_tmp_c, nam_c);
}

  /** The checker: distinct equal objects in a state.
  **/
typedef struct {
  c3_w* set_w;     //  posts seen (open addressing), 0: empty
  c3_w  sbt_w;     //  log2 of its size
} _t_set;

/* _t_seen(): 1 if post pos_w was seen; notes it. */
static c3_t
_t_seen(_t_set* set_u, c3_w pos_w)
{
  return h_seen(set_u->set_w, set_u->sbt_w, pos_w);
}

/* _t_same(): 1 if nouns a and b are equal (an explicit stack of pairs). */
static c3_t
_t_same(u3_noun a, u3_noun b, u3_noun* sak_u, c3_w max_w)
{
  c3_w sap_w = 0;

  while ( 1 ) {
    if ( a != b ) {
      if ( _(u3a_is_cat(a)) || _(u3a_is_cat(b)) || (a >> 30) != (b >> 30) ) {
        return 0;
      }
      if ( _(u3a_is_pug(a)) ) {
        u3a_atom* a_u = (u3a_atom*)(void*)u3a_to_ptr(a);
        u3a_atom* b_u = (u3a_atom*)(void*)u3a_to_ptr(b);
        if ( a_u->len_w != b_u->len_w
             || memcmp(a_u->buf_w, b_u->buf_w, (c3_z)a_u->len_w << 2) )
        {
          return 0;
        }
      }
      else {
        if ( sap_w + 2 > max_w ) {
          return 0;
        }
        sak_u[sap_w++] = u3t(a);
        sak_u[sap_w++] = u3t(b);
        a = u3h(a);
        b = u3h(b);
        continue;
      }
    }
    if ( !sap_w ) {
      return 1;
    }
    b = sak_u[--sap_w];
    a = sak_u[--sap_w];
  }
}

/* _t_key(): order (mug, noun) keys. */
static c3_i
_t_key(const void* a_v, const void* b_v)
{
  c3_d a_d = *(const c3_d*)a_v, b_d = *(const c3_d*)b_v;
  return ( a_d < b_d ) ? -1 : ( a_d > b_d );
}

/* _t_equal(): booting dir_c's state read-only here, the reachable objects
**   equal to another distinct one (*byt_d: their slot bytes); ~0 if it
**   cannot be booted.
*/
static c3_d
_t_equal(const c3_c* dir_c, c3_d* byt_d)
{
  const c3_w max_w = 1U << 21;
  _t_set   set_u;
  c3_d*    key_d;
  u3_noun* sak_u;
  c3_w     num_w = 0, sap_w = 0;
  c3_d     dup_d = 0;

  *byt_d = 0;
  if ( u3m_boot_resumed != u3m_boot_read(dir_c, u3e_geometry(dir_c)) ) {
    return ~0ULL;
  }
  set_u.sbt_w = 22;
  set_u.set_w = calloc((c3_z)1 << set_u.sbt_w, sizeof(c3_w));
  key_d = malloc(max_w * sizeof(c3_d));
  sak_u = malloc(max_w * sizeof(u3_noun));

  sak_u[sap_w++] = u3H->roo;
  while ( sap_w ) {
    u3_noun som = sak_u[--sap_w];
    if ( c3n == u3a_is_dog(som) || _t_seen(&set_u, u3a_to_off(som)) ) {
      continue;
    }
    if ( num_w < max_w ) {
      key_d[num_w++] = ((c3_d)u3r_mug(som) << 32) | som;
    }
    if ( _(u3a_is_pom(som)) && sap_w + 2 <= max_w ) {
      sak_u[sap_w++] = u3h(som);
      sak_u[sap_w++] = u3t(som);
    }
  }
  qsort(key_d, num_w, sizeof(c3_d), _t_key);
  for ( c3_w sat_w = 0; sat_w < num_w; ) {
    c3_w    end_w = sat_w + 1;
    u3_noun rep[64];
    c3_w    rep_w = 0;

    while ( end_w < num_w && (key_d[end_w] >> 32) == (key_d[sat_w] >> 32) ) {
      end_w++;
    }
    for ( c3_w i_w = sat_w; end_w - sat_w > 1 && i_w < end_w; i_w++ ) {
      u3_noun som = (u3_noun)key_d[i_w];
      c3_t    fon_t = 0;
      for ( c3_w r_w = 0; r_w < rep_w && !fon_t; r_w++ ) {
        fon_t = _t_same(rep[r_w], som, sak_u, max_w);
      }
      if ( fon_t ) {
        dup_d++;
        *byt_d += (c3_d)u3a_size(u3a_to_ptr(som)) << 2;
      }
      else if ( rep_w < 64 ) {
        rep[rep_w++] = som;
      }
    }
    sat_w = end_w;
  }
  free(sak_u);
  free(key_d);
  free(set_u.set_w);
  u3m_stop();
  return dup_d;
}

  /** Figures of a pier.
  **/
/* _t_mug(): the state mug, by a start of no events; ~0 on failure. */
static c3_d
_t_mug(const c3_c* dir_c)
{
  static c3_c out_c[65536];
  if ( _t_run(out_c, sizeof(out_c), 0, 0, "-q", "--json", "-n", "0", dir_c,
              (c3_c*)0) )
  {
    return ~0ULL;
  }
  return h_json_d(out_c, "mug");
}

/* _t_sound(): 1 if `urbit check` finds dir_c sound. */
static c3_t
_t_sound(const c3_c* dir_c)
{
  static c3_c out_c[65536];
  c3_i ret_i = _t_run(out_c, sizeof(out_c), 0, 0, "check", dir_c, (c3_c*)0);
  return 0 == ret_i && strstr(out_c, "refcounts") && strstr(out_c, ": sound")
         && !strstr(out_c, "WRONG");
}

/* _t_mass(): mass's live bytes and meld estimate; 0 or -1. */
static c3_i
_t_mass(const c3_c* dir_c, c3_d* liv_d, c3_d* est_d)
{
  static c3_c out_c[65536];
  if ( _t_run(out_c, sizeof(out_c), 0, 0, "mass", "--json", dir_c, (c3_c*)0) ) {
    return -1;
  }
  *liv_d = h_json_d(out_c, "live_bytes");
  *est_d = h_json_d(out_c, "meld_save_bytes");
  return 0;
}

/* _t_files(): the names in dir_c/.urb/chk, sorted into one string. */
static void
_t_files(const c3_c* dir_c, c3_c* buf_c, c3_z buf_z)
{
  c3_c  pat_c[4200];
  c3_c  nam_c[32][256];
  c3_w  num_w = 0;
  DIR*  dir_u;
  struct dirent* ent_u;

  buf_c[0] = 0;
  snprintf(pat_c, sizeof(pat_c), "%s/.urb/chk", dir_c);
  if ( !(dir_u = opendir(pat_c)) ) {
    return;
  }
  while ( (ent_u = readdir(dir_u)) && num_w < 32 ) {
    if ( '.' != ent_u->d_name[0] ) {
      snprintf(nam_c[num_w++], 256, "%s", ent_u->d_name);
    }
  }
  closedir(dir_u);
  qsort(nam_c, num_w, 256, (c3_i (*)(const void*, const void*))strcmp);
  for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
    c3_z len_z = strlen(buf_c);
    snprintf(buf_c + len_z, buf_z - len_z, "%s ", nam_c[i_w]);
  }
}

  /** The checks.
  **/
static c3_c _t_kv_c[4100];     //  kv --dup 30, melded in place
static c3_c _t_raw_c[4100];    //  its unmelded copy
static c3_d _t_mug_d;          //  its state mug
static c3_d _t_mer_d;          //  objects the first meld merged

/* _t_meld_kv(): meld frees exactly the duplicates, keeps the mug. */
static void
_t_meld_kv(void)
{
  static c3_c out_c[65536], err_c[65536];
  c3_d byt_d, dup_d, liv_d, est_d, lav_d, esa_d;

  _t_mug_d = _t_mug(_t_kv_c);
  T_OK(~0ULL != _t_mug_d, "the pier starts");
  dup_d = _t_equal(_t_kv_c, &byt_d);
  T_OK(~0ULL != dup_d && dup_d > 100, "--dup 30 makes equal objects: %llu",
       (unsigned long long)dup_d);
  T_EQ(_t_mass(_t_kv_c, &liv_d, &est_d), 0);
  T_OK(est_d > 0 && est_d <= byt_d, "mass's atom estimate %llu, within the "
       "duplicates' %llu bytes", (unsigned long long)est_d, (unsigned long long)byt_d);
  T_OK(byt_d * 10 > liv_d, "--dup 30: over a tenth of the live bytes are "
       "duplicates: %llu of %llu", (unsigned long long)byt_d, (unsigned long long)liv_d);

  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "meld", "--json",
              _t_kv_c, (c3_c*)0), 0);
  _t_mer_d = h_json_d(out_c, "meld_merged");
  T_EQ(_t_mer_d, dup_d);
  T_EQ(h_json_d(out_c, "meld_freed_objects"), dup_d);
  T_EQ(h_json_d(out_c, "mug"), _t_mug_d);
  T_OK(0 != strstr(err_c, "run urbit pack"), "the summary: %s", err_c);

  T_EQ(_t_mass(_t_kv_c, &lav_d, &esa_d), 0);
  T_EQ(liv_d - lav_d, byt_d);
  T_EQ(esa_d, 0);
  T_EQ(_t_mug(_t_kv_c), _t_mug_d);
  T_OK(_t_sound(_t_kv_c), "check is sound after meld");
  T_EQ(_t_equal(_t_kv_c, &byt_d), 0);
  printf("meld_tests: kv --dup 30: %llu objects merged, %llu of %llu live bytes "
         "freed (%.1f%%)\n", (unsigned long long)dup_d,
         (unsigned long long)(liv_d - lav_d), (unsigned long long)liv_d,
         100.0 * (double)(liv_d - lav_d) / (double)liv_d);
}

/* _t_again(): a second meld merges nothing; events after meld agree. */
static void
_t_again(void)
{
  static c3_c out_c[65536], two_c[65536];
  c3_c cpy_c[4200];

  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "meld", "--json", _t_kv_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "meld_merged"), 0);
  T_EQ(h_json_d(out_c, "meld_freed_kb"), 0);

  _t_path(cpy_c, sizeof(cpy_c), "raw2");
  T_EQ(_t_cp(_t_raw_c, cpy_c), 0);
  T_EQ(_t_run(out_c, sizeof(out_c), 0, 0, "-q", "--json", "-n", "300", _t_kv_c,
              (c3_c*)0), 0);
  T_EQ(_t_run(two_c, sizeof(two_c), 0, 0, "-q", "--json", "-n", "300", cpy_c,
              (c3_c*)0), 0);
  T_OK(h_json_d(out_c, "event") == h_json_d(two_c, "event")
       && h_json_d(out_c, "mug") == h_json_d(two_c, "mug"),
       "300 events after meld: event %llu mug %llx; unmelded: event %llu mug %llx",
       (unsigned long long)h_json_d(out_c, "event"),
       (unsigned long long)h_json_d(out_c, "mug"),
       (unsigned long long)h_json_d(two_c, "event"),
       (unsigned long long)h_json_d(two_c, "mug"));
  T_OK(_t_sound(_t_kv_c), "check is sound after events on a melded pier");
  h_rm(cpy_c);
}

/* _t_buckets(): bucket files give the in-memory table's result. */
static void
_t_buckets(void)
{
  static c3_c out_c[65536], err_c[65536];
  c3_c cpy_c[4200], fil_c[4096], aft_c[4096];
  c3_d byt_d;

  _t_path(cpy_c, sizeof(cpy_c), "bucket");
  T_EQ(_t_cp(_t_raw_c, cpy_c), 0);
  _t_files(cpy_c, fil_c, sizeof(fil_c));
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "meld", "--json",
              "--memory-limit", "8M", cpy_c, (c3_c*)0), 0);
  T_OK(h_json_d(out_c, "meld_buckets") > 1, "a small table takes buckets: %s", out_c);
  T_EQ(h_json_d(out_c, "meld_merged"), _t_mer_d);
  T_EQ(h_json_d(out_c, "mug"), _t_mug_d);
  _t_files(cpy_c, aft_c, sizeof(aft_c));
  T_OK(!strcmp(fil_c, aft_c), "no bucket file left: before %s, after %s", fil_c, aft_c);
  T_OK(_t_sound(cpy_c), "check is sound after a meld through buckets");
  T_EQ(_t_equal(cpy_c, &byt_d), 0);
  h_rm(cpy_c);
}

/* _t_chunks(): one mug shared by more objects than the table holds. */
static void
_t_chunks(void)
{
  static c3_c out_c[65536], err_c[65536];
  c3_c pir_c[4200];
  c3_d byt_d, dup_d, mug_d;

  //  --dup 100: every value after the first few copies a live one
  _t_path(pir_c, sizeof(pir_c), "hundred");
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-q", "--loom", "25", "-w", "kv",
              "--size", "3", "--dup", "100", "-n", "1200", pir_c, (c3_c*)0), 0);
  dup_d = _t_equal(pir_c, &byt_d);
  mug_d = _t_mug(pir_c);
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "meld", "--json",
              "--loom", "25", "--memory-limit", "4200K", pir_c, (c3_c*)0), 0);
  T_OK(h_json_d(out_c, "meld_chunks") > 0, "the table overflowed: %s%s", out_c, err_c);
  T_EQ(h_json_d(out_c, "meld_merged"), dup_d);
  T_EQ(h_json_d(out_c, "mug"), mug_d);
  T_OK(_t_sound(pir_c), "check is sound after a meld in chunks");
  T_EQ(_t_equal(pir_c, &byt_d), 0);
  h_rm(pir_c);
}

/* _t_mixed(): the mixed workload with duplicates. */
static void
_t_mixed(void)
{
  static c3_c out_c[65536], err_c[65536];
  c3_c pir_c[4200];
  c3_d byt_d, dup_d, mug_d;

  _t_path(pir_c, sizeof(pir_c), "mixed");
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-q", "-w", "mixed", "--size", "4",
              "--dup", "30", "-n", "200", pir_c, (c3_c*)0), 0);
  dup_d = _t_equal(pir_c, &byt_d);
  T_OK(dup_d > 0 && ~0ULL != dup_d, "mixed --dup 30 has equal objects: %llu",
       (unsigned long long)dup_d);
  mug_d = _t_mug(pir_c);
  //  a cap large enough for a table of every object: no bucket files
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "meld", "--json",
              "--memory-limit", "512M", pir_c, (c3_c*)0), 0);
  T_EQ(h_json_d(out_c, "meld_buckets"), 1);
  T_EQ(h_json_d(out_c, "meld_merged"), dup_d);
  T_EQ(h_json_d(out_c, "mug"), mug_d);
  T_OK(_t_sound(pir_c), "check is sound after meld of mixed");
  T_EQ(_t_equal(pir_c, &byt_d), 0);
  h_rm(pir_c);
}

/* _t_refuse(): a live pier is refused. */
static void
_t_refuse(void)
{
  static c3_c out_c[65536], err_c[65536];
  c3_c lok_c[4200];
  c3_i fid_i;

  snprintf(lok_c, sizeof(lok_c), "%s/.urb/lock", _t_raw_c);
  fid_i = open(lok_c, O_RDWR);
  T_OK(fid_i >= 0 && 0 == flock(fid_i, LOCK_EX | LOCK_NB), "hold the lock");
  T_OK(0 != _t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "meld", _t_raw_c,
                   (c3_c*)0), "meld of a live pier fails");
  T_OK(0 != strstr(err_c, "in use"), "says in use: %s", err_c);
  if ( fid_i >= 0 ) {
    close(fid_i);
  }
}

/* _t_kill(): kill -9 (or SIGTERM) at several moments of a meld. */
static void
_t_kill(void)
{
  static const double del_d[] = { 0.05, 0.2, 0.4, 0.6, 0.9 };
  c3_c cpy_c[4200], fil_c[4096], aft_c[4096], out_c[4200], err_c[4200];
  c3_w don_w = 0;

  _t_path(cpy_c, sizeof(cpy_c), "kill");
  _t_path(out_c, sizeof(out_c), "kill.out");
  _t_path(err_c, sizeof(err_c), "kill.err");
  for ( c3_w i_w = 0; i_w < 2 * sizeof(del_d) / sizeof(del_d[0]); i_w++ ) {
    c3_i  sig_i = ( i_w & 1 ) ? SIGTERM : SIGKILL;
    c3_c* const arg_c[] = { (c3_c*)_t_urbit_c, (c3_c*)"meld", (c3_c*)"-q",
                            (c3_c*)"--memory-limit", (c3_c*)"6M", cpy_c, 0 };
    h_how how_u = { .out_c = out_c, .err_c = err_c };
    pid_t pid_i;
    c3_i  sat_i = 0;

    T_EQ(_t_cp(_t_raw_c, cpy_c), 0);    //  unmelded each time
    _t_files(cpy_c, fil_c, sizeof(fil_c));
    pid_i = h_spawn(arg_c, &how_u);
    usleep((useconds_t)(del_d[i_w >> 1] * 1e6));
    kill(pid_i, sig_i);
    waitpid(pid_i, &sat_i, 0);
    if ( WIFEXITED(sat_i) && 0 == WEXITSTATUS(sat_i) ) {
      don_w++;      //  finished first: the melded pier, as it should be
    }
    else if ( SIGTERM == sig_i ) {
      //  an exit with nothing saved; or, before the runtime's handler is
      //  set (early in the start), the signal's default action: no crash
      T_OK(WIFEXITED(sat_i) || SIGTERM == WTERMSIG(sat_i),
           "SIGTERM: exits, status %d", sat_i);
    }
    T_EQ(_t_mug(cpy_c), _t_mug_d);
    T_OK(_t_sound(cpy_c), "check is sound after signal %d at %.2f s", sig_i,
         del_d[i_w >> 1]);
    _t_files(cpy_c, aft_c, sizeof(aft_c));
    T_OK(!strcmp(fil_c, aft_c), "no file left: before %s, after %s", fil_c, aft_c);
  }
  printf("meld_tests: %u of %u interrupted melds finished first\n", don_w,
         (c3_w)(2 * sizeof(del_d) / sizeof(del_d[0])));
  h_rm(cpy_c);
}

/* _t_full(): a meld whose forward map fills (held to 500 merges by the
**   test hook, as a big state's map would fill) merges what it can, says
**   to run meld again, and leaves a sound state with the same mug; the
**   second meld merges the rest, so that no equal objects are left.
*/
static void
_t_full(void)
{
  static c3_c out_c[65536], err_c[65536];
  c3_c cpy_c[4200];
  c3_d byt_d, dup_d, one_d, two_d;

  _t_path(cpy_c, sizeof(cpy_c), "full");
  T_EQ(_t_cp(_t_raw_c, cpy_c), 0);
  dup_d = _t_equal(cpy_c, &byt_d);
  T_OK(dup_d > 500 && ~0ULL != dup_d, "more equal objects than the map "
       "will take: %llu", (unsigned long long)dup_d);
  T_EQ(_t_run_env("URBIT_TEST_MELD_MERGES=500", out_c, sizeof(out_c), err_c,
                  sizeof(err_c), "meld", "--json", "--test-hooks", cpy_c,
                  (c3_c*)0), 0);
  one_d = h_json_d(out_c, "meld_merged");
  T_EQ(one_d, 500);
  T_EQ(h_json_d(out_c, "meld_full"), 1);
  T_EQ(h_json_d(out_c, "meld_freed_objects"), 500);
  T_EQ(h_json_d(out_c, "mug"), _t_mug_d);
  T_OK(0 != strstr(err_c, "run urbit meld again"), "the summary says to run "
       "meld again: %s", err_c);
  T_OK(_t_sound(cpy_c), "check is sound after a meld whose map filled");
  T_EQ(_t_equal(cpy_c, &byt_d), dup_d - one_d);

  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "meld", "--json",
              cpy_c, (c3_c*)0), 0);
  two_d = h_json_d(out_c, "meld_merged");
  T_EQ(h_json_d(out_c, "meld_full"), 0);
  T_EQ(one_d + two_d, dup_d);
  T_EQ(h_json_d(out_c, "mug"), _t_mug_d);
  T_OK(_t_sound(cpy_c), "check is sound after the second meld");
  T_EQ(_t_equal(cpy_c, &byt_d), 0);
  h_rm(cpy_c);
}

//  a sanitizer build (the test and the binary it runs are built alike)
#if defined(__SANITIZE_ADDRESS__)
static const c3_t _t_sanitized = 1;
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
static const c3_t _t_sanitized = 1;
#  else
static const c3_t _t_sanitized = 0;
#  endif
#else
static const c3_t _t_sanitized = 0;
#endif

/* _t_bound(): meld's loom, clean pages read and tables together stay
**   under its cap, on a state three times the cap: its peak RSS is at most
**   the cap above what the runtime itself holds (a run of no events on
**   the same pier, whose peak also counts the pages it reads at start),
**   with 6 MiB of slack: what a few faults map (a fault on the image can
**   map a whole 2 MiB folio) between two looks at the RSS, and the save's
**   buffers after.
*/
static void
_t_bound(void)
{
  static c3_c out_c[65536], err_c[65536];
  c3_c pir_c[4200];
  c3_d bas_d, pik_d, mug_d;

  _t_path(pir_c, sizeof(pir_c), "bound");
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-q", "-w", "kv", "--size", "64",
              "--dup", "30", "-n", "8000", "--snap-every", "8000", pir_c,
              (c3_c*)0), 0);
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "-q", "--json", "-n",
              "0", pir_c, (c3_c*)0), 0);
  bas_d = h_json_d(out_c, "rss_peak_kb");
  mug_d = h_json_d(out_c, "mug");
  T_OK(h_json_d(out_c, "image_kb") >= (56ULL << 10), "a state of %llu KiB",
       (unsigned long long)h_json_d(out_c, "image_kb"));
  T_EQ(_t_run(out_c, sizeof(out_c), err_c, sizeof(err_c), "meld", "--json",
              "--memory-limit", "32M", pir_c, (c3_c*)0), 0);
  pik_d = h_json_d(out_c, "rss_peak_kb");
  printf("meld_tests: bound: peak RSS %llu KiB under a 32 MiB cap, the "
         "runtime's own %llu KiB (tables %llu KiB, loom paged under %llu KiB)\n",
         (unsigned long long)pik_d, (unsigned long long)bas_d,
         (unsigned long long)h_json_d(out_c, "tool_tables_kb"),
         (unsigned long long)h_json_d(out_c, "tool_loom_cap_kb"));
  T_OK(h_json_d(out_c, "meld_merged") > 0, "meld merged: %s", out_c);
  T_EQ(h_json_d(out_c, "mug"), mug_d);
  if ( _t_sanitized ) {
    //  AddressSanitizer's quarantine keeps up to 256 MiB of freed memory
    //  resident: the RSS says nothing of meld's bound there
    printf("meld_tests: bound: the peak RSS is not checked under "
           "AddressSanitizer (its quarantine keeps freed memory resident); "
           "the plain builds check it\n");
  }
  else {
    T_OK(pik_d <= bas_d + (38ULL << 10), "meld's peak RSS %llu KiB is within "
         "32 MiB (and 6 of slack) of the runtime's own %llu KiB",
         (unsigned long long)pik_d, (unsigned long long)bas_d);
  }
  T_OK(_t_sound(pir_c), "check is sound after a bounded meld");
  h_rm(pir_c);
}

/* _t_cgroup(): meld inside a 64 MiB memory cgroup. */
static void
_t_cgroup(void)
{
  c3_c  why_c[1024], cpy_c[4200];
  h_cg  cg_u;
  h_run run_u;

  if ( !h_cg_make(&cg_u, 64ULL << 20, why_c, sizeof(why_c)) ) {
    printf("meld_tests: skipped the 64 MiB cgroup check: %s\n", why_c);
    return;
  }
  _t_path(cpy_c, sizeof(cpy_c), "cgroup");
  T_EQ(_t_cp(_t_raw_c, cpy_c), 0);
  {
    c3_c* const arg_c[] = { (c3_c*)_t_urbit_c, (c3_c*)"meld", (c3_c*)"--json",
                            cpy_c, 0 };
    h_how how_u = { .cgp_c = cg_u.dir_c };
    T_EQ(h_run_in(_t_tmp_c, arg_c, &how_u, 120, &run_u), 0);
  }
  T_EQ(h_cg_ooms(&cg_u), 0);
  T_OK(h_cg_peak(&cg_u) <= (64ULL << 20), "cgroup peak %llu bytes",
       (unsigned long long)h_cg_peak(&cg_u));
  T_EQ(h_json_d(run_u.out_c, "meld_merged"), _t_mer_d);
  T_EQ(h_json_d(run_u.out_c, "mug"), _t_mug_d);
  h_cg_drop(&cg_u);
  T_OK(_t_sound(cpy_c), "check is sound after a meld in a cgroup");
  h_rm(cpy_c);
}

int
main(void)
{
  const c3_c* why_c = h_start("meld_tests", &_t_urbit_c, _t_tmp_c, sizeof(_t_tmp_c));
  static c3_c err_c[65536];

  if ( why_c ) {
    return t_skip(why_c);
  }
  snprintf(_t_kv_c, sizeof(_t_kv_c), "%s/kv", _t_tmp_c);
  snprintf(_t_raw_c, sizeof(_t_raw_c), "%s/raw", _t_tmp_c);
  T_EQ(_t_run(0, 0, err_c, sizeof(err_c), "-q", "-w", "kv", "--size", "12", "--dup",
              "30", "-n", "2000", _t_kv_c, (c3_c*)0), 0);
  T_EQ(_t_cp(_t_kv_c, _t_raw_c), 0);

  _t_meld_kv();
  _t_again();
  _t_buckets();
  _t_chunks();
  _t_mixed();
  _t_refuse();
  _t_kill();
  _t_full();
  _t_bound();
  _t_cgroup();

  h_rm(_t_tmp_c);

  //  the harness rule: this process's loom is leak-checked too
  u3m_init(24);
  u3m_pave();
  t_clean();
  u3m_fini();
  return t_done();
}
