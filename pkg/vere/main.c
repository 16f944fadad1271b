/// @file main.c
/// The `urbit` command line: parse flags, then run a pier or check one.
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "noun/noun.h"
#include "noun/events.h"
#include "vere/kernel.h"
#include "vere/mass.h"
#include "vere/meld.h"
#include "vere/pack.h"
#include "vere/pier.h"

static const c3_c* _cv_usage_c =
"usage: urbit [options] PIER      boot or resume PIER, replay, run events\n"
"       urbit check PIER          verify PIER's image, log and refcounts\n"
"       urbit mass [--json] [--svg FILE] [-q] PIER\n"
"                                 where a stopped PIER's memory goes: live\n"
"                                 bytes by kind and by part of the state,\n"
"                                 allocator overhead, what pack and meld\n"
"                                 would save; read-only, bounded memory\n"
"       urbit pack [options] PIER compact PIER's heap so the image shrinks to\n"
"                                 its live bytes; same state, same mug\n"
"       urbit meld [options] PIER store each distinct noun of PIER's state\n"
"                                 once; same state, same mug\n"
"                                 pack and meld take the run's options (no\n"
"                                 new event is run), page the loom under\n"
"                                 --memory-limit (default: 44 MiB, or auto's\n"
"                                 cap if lower; the loom and the tool's own\n"
"                                 tables together), and commit with a\n"
"                                 snapshot:\n"
"                                 a crash leaves the old image or the new\n"
"\n"
"Numbers are plain decimal digits: no sign, space or suffix.\n"
"\n"
"Events:\n"
"  -n, --events N        new events to run after replay, 0 to 2^48\n"
"                        (default 1000)\n"
"  -w, --workload W      kv, churn, blob or mixed (default mixed)\n"
"      --seed S          seed of the event generator, 0 to 2^64-1 (default 0)\n"
"      --size MB         workload size in MiB, 1 to 8192: kv grows its state\n"
"                        toward it, churn builds that much per event, blob\n"
"                        stores atoms up to it (default 16)\n"
"      --dup PCT         kv (also in mixed): PCT percent of new values, 0 to\n"
"                        100, are copies of a live value, equal but not\n"
"                        shared, as a ship keeps one file in several desks\n"
"                        (default 0)\n"
"                        A new pier stores -w, --seed, --size and --dup (in\n"
"                        PIER/.urb/conf); a resume uses the stored values and\n"
"                        refuses a flag that differs from them.\n"
"      --snap-every N    snapshot every N events (at least 1), and always at\n"
"                        exit (default 1000)\n"
"\n"
"Loom:\n"
"      --loom BITS       loom of 2^BITS bytes, 24 to 34 (default: the pier's,\n"
"                        or 31 for a new pier)\n"
"      --no-demand       copy the snapshot into memory at start instead of\n"
"                        mapping it on demand\n"
"      --verify-first    verify every page of the snapshot against its checksum\n"
"                        before the first event (default: map and go, and\n"
"                        verify in the background; the first snapshot waits)\n"
"\n"
"Memory policies (they combine freely):\n"
"      --swap-file PATH  keep every page that is not a clean snapshot page in\n"
"                        an unsynced MAP_SHARED scratch file at PATH (on a\n"
"                        disk-backed volume, not tmpfs), so a memory limit\n"
"                        pages it out instead of killing the ship; costs a\n"
"                        file write-back under pressure and a slower first\n"
"                        write to snapshot pages\n"
"      --swap-to PATH    the same as --swap-file PATH\n"
"      --swap            the same with PATH = PIER/.urb/chk/limbo.bin\n"
"      --loom-free-every-event\n"
"                        after every event, give back the pages it used and no\n"
"                        longer needs; bounds RSS to the live state plus a\n"
"                        margin, at the cost of refaulting those pages\n"
"      --loom-free-mode M  free (default): MADV_FREE, cheap to reuse, but the\n"
"                        pages still count in RSS until the kernel takes them\n"
"                        (see rss_net_kb, lazyfree_kb); dontneed: MADV_DONTNEED,\n"
"                        RSS drops at once, reuse refaults zeroed pages\n"
"      --loom-free-keep PAGES  16 KiB pages kept resident next to each free-gap\n"
"                        frontier, 0 to 2^20 (default 64)\n"
"      --toss N          release every N events, 1 to 2^30 (vere's spelling; 1\n"
"                        is the same as --loom-free-every-event)\n"
"      --loom-lazy       never-written pages cost no RAM and no commit charge\n"
"                        until written; costs one fault per first write\n"
"      --memory-limit SIZE  keep the loom's resident pages and its swap file's\n"
"                        page cache under SIZE (bytes, or with K, M or G),\n"
"                        writing cold pages to the swap file (implies --swap\n"
"                        unless a swap file is given); the runtime's own\n"
"                        memory comes on top.  auto: the memory limit of\n"
"                        this process's cgroup (the least of it and its\n"
"                        ancestors', found through /proc/self/mountinfo,\n"
"                        and followed while it runs) less an eighth (at\n"
"                        least 8 MiB; in a cgroup too small for that, 3 MiB,\n"
"                        as long as the loom's floor is left), for the swap\n"
"                        file's pages (the cgroup reclaims the clean image\n"
"                        pages itself);\n"
"                        none: no pager (by default a swap file run in a\n"
"                        memory cgroup is paged as with auto)\n"
"\n"
"Output:\n"
"      --json            print one JSON object on stdout at every exit: the\n"
"                        run's figures, and \"error\" (a short message) when\n"
"                        the run failed\n"
"      --trace FILE      write FILE: a CSV header, then a line of memory\n"
"                        figures after every new event\n"
"  -q, --quiet           no progress lines\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 on success; 1 on any failure, with a message on stderr: a\n"
"bad flag, a refused start, a failed log or snapshot, a failed write to\n"
"stdout, stderr or the trace.\n";

static c3_o _cv_json_o = c3n;   //  --json: a JSON object at every exit

/* _cv_fail(): report a failure before the run: the message on stderr,
**   kept for the JSON object; the exit status 1.
*/
static c3_i
_cv_fail(const c3_c* fmt_c, ...)
{
  c3_c    msg_c[512];
  va_list ap;

  va_start(ap, fmt_c);
  vsnprintf(msg_c, sizeof(msg_c), fmt_c, ap);
  va_end(ap);
  fprintf(stderr, "urbit: %s\n", msg_c);
  u3_pier_fail(msg_c);
  return 1;
}

/* _cv_exit(): the exit status of a run that returned ret_i: prints the
**   JSON object if asked, and fails the run when stdout or stderr could
**   not be written.
*/
static c3_i
_cv_exit(c3_i ret_i)
{
  if ( ferror(stderr) ) {
    u3_pier_fail("cannot write to stderr");
    ret_i = 1;
  }
  if ( _(_cv_json_o) ) {
    u3_pier_json(ret_i);
  }
  errno = 0;
  c3_t bad_t = ( fflush(stdout) || ferror(stdout) ) ? 1 : 0;
  c3_i err_i = errno;
  if ( fclose(stdout) && !bad_t ) {
    bad_t = 1;
    err_i = errno;
  }
  if ( bad_t ) {
    fprintf(stderr, "urbit: write stdout: %s\n", err_i ? strerror(err_i) : "write error");
    ret_i = 1;
  }
  return ret_i;
}

/* _cv_number(): parse a whole decimal number (plain digits only) within
**   [min_d, max_d]; 0, or -1 with a message.
*/
static c3_i
_cv_number(const c3_c* flg_c, const c3_c* val_c, c3_d min_d, c3_d max_d, c3_d* out_d)
{
  c3_d val_d = 0;
  const c3_c* cur_c;

  if ( !*val_c ) {
    _cv_fail("%s: empty value; give a number from %llu to %llu", flg_c,
             (unsigned long long)min_d, (unsigned long long)max_d);
    return -1;
  }
  for ( cur_c = val_c; *cur_c; cur_c++ ) {
    if ( *cur_c < '0' || *cur_c > '9' ) {
      _cv_fail("%s '%s': not a number (plain decimal digits only, from %llu "
               "to %llu)", flg_c, val_c,
               (unsigned long long)min_d, (unsigned long long)max_d);
      return -1;
    }
    c3_d dig_d = (c3_d)(*cur_c - '0');
    if ( val_d > (~0ULL - dig_d) / 10 ) {
      val_d = ~0ULL;     //  saturate: out of any range but the widest
      break;
    }
    val_d = val_d * 10 + dig_d;
  }
  if ( *cur_c || val_d < min_d || val_d > max_d ) {
    _cv_fail("%s '%s': out of range (from %llu to %llu)", flg_c, val_c,
             (unsigned long long)min_d, (unsigned long long)max_d);
    return -1;
  }
  *out_d = val_d;
  return 0;
}

enum {
  _cv_opt_seed = 256,
  _cv_opt_size,
  _cv_opt_dup,
  _cv_opt_snap,
  _cv_opt_loom,
  _cv_opt_nodemand,
  _cv_opt_json,
  _cv_opt_swapfile,
  _cv_opt_swap,
  _cv_opt_free,
  _cv_opt_fmode,
  _cv_opt_fkeep,
  _cv_opt_toss,
  _cv_opt_lazy,
  _cv_opt_trace,
  _cv_opt_hooks,
  _cv_opt_first,
  _cv_opt_limit,
};

/* _cv_home_bail(): a bail with nothing to abandon: out of memory or swap file
**   space stops the run (the log keeps every event); anything else is a
**   bug, and aborts.
*/
static void
_cv_home_bail(c3_w how_w)
{
  if ( c3__meme == how_w ) {
    fprintf(stderr, "urbit: a bigger --loom would help\n");
    _exit(1);
  }
  if ( c3__full == how_w ) {
    _exit(1);
  }
  abort();
}

/* _cv_cmd: the command line, parsed: the run's options, and which of
**   the stored workload's flags were given.
*/
typedef struct {
  u3_pier_opts opt_u;        //  every option, applied by u3_pier_run
  c3_t         wok_t;        //  -w given
  c3_t         sed_t;        //  --seed given
  c3_t         siz_t;        //  --size given
  c3_t         dup_t;        //  --dup given
} _cv_cmd;

static const struct option _cv_long_u[] = {
  { "events",     required_argument, 0, 'n' },
  { "workload",   required_argument, 0, 'w' },
  { "seed",       required_argument, 0, _cv_opt_seed },
  { "size",       required_argument, 0, _cv_opt_size },
  { "dup",        required_argument, 0, _cv_opt_dup },
  { "snap-every", required_argument, 0, _cv_opt_snap },
  { "loom",       required_argument, 0, _cv_opt_loom },
  { "no-demand",  no_argument,       0, _cv_opt_nodemand },
  { "verify-first", no_argument,     0, _cv_opt_first },
  { "json",       no_argument,       0, _cv_opt_json },
  { "swap-file",  required_argument, 0, _cv_opt_swapfile },
  { "swap-to",    required_argument, 0, _cv_opt_swapfile },
  { "swap",       no_argument,       0, _cv_opt_swap },
  { "loom-free-every-event", no_argument, 0, _cv_opt_free },
  { "loom-free-mode", required_argument, 0, _cv_opt_fmode },
  { "loom-free-keep", required_argument, 0, _cv_opt_fkeep },
  { "toss",       required_argument, 0, _cv_opt_toss },
  { "loom-lazy",  no_argument,       0, _cv_opt_lazy },
  { "memory-limit", required_argument, 0, _cv_opt_limit },
  { "trace",      required_argument, 0, _cv_opt_trace },
  { "test-hooks", no_argument,       0, _cv_opt_hooks },
  { "quiet",      no_argument,       0, 'q' },
  { "help",       no_argument,       0, 'h' },
  { 0, 0, 0, 0 },
};

/* _cv_bytes(): parse a size: decimal digits and an optional suffix K, M
**   or G (binary), at least 1 byte and at most 2^50; 0, or -1 with a
**   message.
*/
static c3_i
_cv_bytes(const c3_c* flg_c, const c3_c* val_c, c3_d* out_d)
{
  c3_c        dig_c[24];
  c3_z        len_z = strlen(val_c);
  c3_w        sif_w = 0;
  c3_d        val_d;

  if ( len_z && strchr("KkMmGg", val_c[len_z - 1]) ) {
    switch ( val_c[len_z - 1] ) {
      case 'K': case 'k': sif_w = 10; break;
      case 'M': case 'm': sif_w = 20; break;
      default:            sif_w = 30; break;
    }
    len_z--;
  }
  if ( !len_z || len_z >= sizeof(dig_c) || strspn(val_c, "0123456789") != len_z ) {
    return -_cv_fail("%s '%s': not a size (decimal digits, then K, M or G "
                     "for KiB, MiB or GiB; or auto, or none)", flg_c, val_c);
  }
  memcpy(dig_c, val_c, len_z);
  dig_c[len_z] = 0;
  if ( _cv_number(flg_c, dig_c, 1, 1ULL << (50 - sif_w), &val_d) ) {
    return -1;
  }
  *out_d = val_d << sif_w;
  return 0;
}

/* _cv_policy(): parse memory-policy option opt_i (value val_c, flag as
**   spelled flg_c); 0, 1 if opt_i is not one, or -1 (reported).
*/
static c3_i
_cv_policy(c3_i opt_i, const c3_c* val_c, const c3_c* flg_c, u3_pier_opts* opt_u)
{
  c3_d val_d;

  switch ( opt_i ) {
    default: return 1;
    case _cv_opt_swapfile: {
      if ( !*val_c ) {
        return -_cv_fail("%s: empty path", flg_c);
      }
      opt_u->swap_c      = val_c;
      opt_u->swap_pier_o = c3n;
    } break;
    case _cv_opt_swap:  opt_u->swap_pier_o = c3y; break;
    case _cv_opt_free:  opt_u->free_o = c3y; opt_u->toss_w = 1; break;
    case _cv_opt_fmode: {
      if ( !strcmp(val_c, "free") ) {
        opt_u->fmod_w = u3o_free_free;
      }
      else if ( !strcmp(val_c, "dontneed") ) {
        opt_u->fmod_w = u3o_free_dontneed;
      }
      else {
        return -_cv_fail("--loom-free-mode '%s': not free or dontneed", val_c);
      }
    } break;
    case _cv_opt_fkeep: {
      if ( _cv_number("--loom-free-keep", val_c, 0, 1U << 20, &val_d) ) {
        return -1;
      }
      opt_u->keep_w = (c3_w)val_d;
    } break;
    case _cv_opt_toss: {
      if ( _cv_number("--toss", val_c, 1, 1U << 30, &val_d) ) {
        return -1;
      }
      opt_u->free_o = c3y;
      opt_u->toss_w = (c3_w)val_d;
    } break;
    case _cv_opt_lazy:  opt_u->lazy_o = c3y; break;
    case _cv_opt_limit: {
      if ( !strcmp(val_c, "auto") ) {
        opt_u->limit_e = u3_limit_auto;
      }
      else if ( !strcmp(val_c, "none") ) {
        opt_u->limit_e = u3_limit_none;
      }
      else if ( _cv_bytes("--memory-limit", val_c, &opt_u->limit_d) ) {
        return -1;
      }
      else {
        opt_u->limit_e = u3_limit_size;
      }
    } break;
  }
  return 0;
}

/* _cv_option(): parse run option opt_i (value val_c); 0, or -1
**   (reported).
*/
static c3_i
_cv_option(c3_i opt_i, const c3_c* val_c, _cv_cmd* cmd_u)
{
  u3_pier_opts* opt_u = &cmd_u->opt_u;
  c3_d          val_d;

  switch ( opt_i ) {
    case 'n': {
      return _cv_number("--events", val_c, 0, 1ULL << 48, &opt_u->events_d);
    }
    case 'w': {
      if ( 0 > (opt_u->wok_i = u3_kern_workload(val_c)) ) {
        return -_cv_fail("--workload '%s': not one of kv, churn, blob, mixed",
                         val_c);
      }
      cmd_u->wok_t = 1;
    } break;
    case _cv_opt_seed: {
      if ( _cv_number("--seed", val_c, 0, ~0ULL, &opt_u->seed_d) ) {
        return -1;
      }
      cmd_u->sed_t = 1;
    } break;
    case _cv_opt_size: {
      if ( _cv_number("--size", val_c, 1, 8192, &val_d) ) {
        return -1;
      }
      opt_u->size_w = (c3_w)val_d;
      cmd_u->siz_t = 1;
    } break;
    case _cv_opt_dup: {
      if ( _cv_number("--dup", val_c, 0, 100, &val_d) ) {
        return -1;
      }
      opt_u->dup_w = (c3_w)val_d;
      cmd_u->dup_t = 1;
    } break;
    case _cv_opt_snap: {
      return _cv_number("--snap-every", val_c, 1, ~0ULL, &opt_u->snap_d);
    }
    case _cv_opt_loom: {
      if ( _cv_number("--loom", val_c, u3a_bits_min, u3a_bits_max, &val_d) ) {
        return -1;
      }
      opt_u->bits_w = (c3_w)val_d;
    } break;
    case _cv_opt_nodemand: opt_u->demand_o = c3n; break;
    case _cv_opt_first:    opt_u->first_o = c3y; break;
    case _cv_opt_trace: {
      if ( !*val_c ) {
        return -_cv_fail("--trace: empty path");
      }
      opt_u->trace_c = val_c;
    } break;
    case _cv_opt_hooks: opt_u->hooks_t = 1; break;
    case _cv_opt_json:  opt_u->json_o = c3y; break;
    case 'q':           opt_u->quiet_o = c3y; break;
  }
  return 0;
}

/* _cv_parse(): parse the flags and the pier into cmd_u.  0 to run; else
**   *ret_i is the exit status (help, or a bad command line, reported).
*/
static c3_i
_cv_parse(c3_i argc, c3_c** argv, _cv_cmd* cmd_u, c3_i* ret_i)
{
  c3_i opt_i, pol_i;

  memset(cmd_u, 0, sizeof(*cmd_u));
  u3_pier_opts_init(&cmd_u->opt_u);
  *ret_i = 1;
  opterr = 0;
  while ( -1 != (opt_i = getopt_long(argc, argv, ":n:w:qh", _cv_long_u, 0)) ) {
    switch ( opt_i ) {
      case 'h': {
        fputs(_cv_usage_c, stdout);
        _cv_json_o = c3n;    //  help is not a run
        *ret_i = 0;
        return -1;
      }
      case ':': {
        _cv_fail("%s needs a value (see urbit --help)", argv[optind - 1]);
        return -1;
      }
      case '?': {
        if ( optopt ) {
          _cv_fail("unknown option '-%c' (see urbit --help)", optopt);
        }
        else {
          _cv_fail("unknown option '%s' (see urbit --help)", argv[optind - 1]);
        }
        return -1;
      }
    }
    pol_i = _cv_policy(opt_i, optarg, argv[optind - 2], &cmd_u->opt_u);
    if ( pol_i < 0 || (pol_i > 0 && _cv_option(opt_i, optarg, cmd_u)) ) {
      return -1;
    }
  }

  if ( u3_limit_size == cmd_u->opt_u.limit_e ) {
    c3_w bit_w = cmd_u->opt_u.bits_w ? cmd_u->opt_u.bits_w : u3a_bits_default;
    c3_d flo_d = u3e_limit_floor(bit_w);
    if ( cmd_u->opt_u.limit_d < flo_d ) {
      _cv_fail("--memory-limit %llu KiB: below the floor of %llu KiB that a "
               "loom of 2^%u bytes needs to run at all",
               (unsigned long long)(cmd_u->opt_u.limit_d >> 10),
               (unsigned long long)(flo_d >> 10), bit_w);
      return -1;
    }
  }
  if ( optind != argc - 1 ) {
    _cv_fail(( optind >= argc ) ? "no pier given" : "one pier at a time");
    fputs(_cv_usage_c, stderr);
    return -1;
  }
  cmd_u->opt_u.dir_c = argv[optind];
  if ( !*cmd_u->opt_u.dir_c ) {
    _cv_fail("the pier path is empty");
    return -1;
  }
  return 0;
}

/* _cv_refuse(): refuse flag flg_c whose value val_c differs from the
**   stored sto_c; 1.
*/
static c3_i
_cv_refuse(const c3_c* dir_c, const c3_c* flg_c, const c3_c* sto_c,
           const c3_c* val_c)
{
  return _cv_fail("%s was made with %s %s; refusing %s %s (leave the flag "
                  "out to resume with the pier's)", dir_c, flg_c, sto_c,
                  flg_c, val_c);
}

/* _cv_validate(): reconcile the command line with the pier's stored
**   workload, which fills in the flags left out and refuses a given one
**   that differs.  0, or 1 (reported).
*/
static c3_i
_cv_validate(_cv_cmd* cmd_u)
{
  u3_pier_opts* opt_u = &cmd_u->opt_u;
  u3_pier_conf  con_u;
  c3_c          sto_c[32], val_c[32];
  c3_i          con_i = u3_pier_conf_read(opt_u->dir_c, &con_u);

  if ( con_i < 0 ) {
    u3_pier_fail("the pier's stored workload (.urb/conf) is damaged or unreadable");
    return 1;
  }
  if ( 1 == con_i ) {
    return 0;
  }
  if ( cmd_u->wok_t && con_u.wok_i != opt_u->wok_i ) {
    return _cv_refuse(opt_u->dir_c, "-w", u3_kern_name(con_u.wok_i),
                      u3_kern_name(opt_u->wok_i));
  }
  if ( cmd_u->sed_t && con_u.seed_d != opt_u->seed_d ) {
    snprintf(sto_c, sizeof(sto_c), "%llu", (unsigned long long)con_u.seed_d);
    snprintf(val_c, sizeof(val_c), "%llu", (unsigned long long)opt_u->seed_d);
    return _cv_refuse(opt_u->dir_c, "--seed", sto_c, val_c);
  }
  if ( cmd_u->siz_t && con_u.size_w != opt_u->size_w ) {
    snprintf(sto_c, sizeof(sto_c), "%u", con_u.size_w);
    snprintf(val_c, sizeof(val_c), "%u", opt_u->size_w);
    return _cv_refuse(opt_u->dir_c, "--size", sto_c, val_c);
  }
  if ( cmd_u->dup_t && con_u.dup_w != opt_u->dup_w ) {
    snprintf(sto_c, sizeof(sto_c), "%u", con_u.dup_w);
    snprintf(val_c, sizeof(val_c), "%u", opt_u->dup_w);
    return _cv_refuse(opt_u->dir_c, "--dup", sto_c, val_c);
  }
  opt_u->wok_i  = con_u.wok_i;
  opt_u->seed_d = con_u.seed_d;
  opt_u->size_w = con_u.size_w;
  opt_u->dup_w  = con_u.dup_w;
  return 0;
}

/* _cv_mass(): `urbit mass [--json] [--svg FILE] [-q] PIER`; the exit status. */
static c3_i
_cv_mass(c3_i argc, c3_c** argv)
{
  u3_mass_opts opt_u;
  c3_i         i_i;

  memset(&opt_u, 0, sizeof(opt_u));
  opt_u.json_o  = c3n;
  opt_u.quiet_o = c3n;
  for ( i_i = 2; i_i < argc; i_i++ ) {
    if ( !strcmp(argv[i_i], "--json") ) {
      opt_u.json_o = c3y;
    }
    else if ( !strcmp(argv[i_i], "-q") || !strcmp(argv[i_i], "--quiet") ) {
      opt_u.quiet_o = c3y;
    }
    else if ( !strcmp(argv[i_i], "-h") || !strcmp(argv[i_i], "--help") ) {
      fputs("usage: urbit mass [--json] [--svg FILE] [-q] PIER\n"
            "  where a stopped PIER's memory goes, read-only and in bounded\n"
            "  memory: live bytes by kind and by part of the state, allocator\n"
            "  overhead, what pack and meld would save\n"
            "  --json      one JSON object on stdout instead of the report\n"
            "  --svg FILE  a picture of the loom, one pixel per 16 KiB page\n"
            "  -q          no progress lines\n"
            "Exit status: 0; 1 on failure; 2 when the pier is in use (with\n"
            "--json, then an object with \"error\").\n", stdout);
      return 0;
    }
    else if ( !strcmp(argv[i_i], "--svg") ) {
      if ( i_i + 1 >= argc || !*argv[i_i + 1] ) {
        fprintf(stderr, "urbit: mass: --svg needs a file (see urbit --help)\n");
        return 1;
      }
      opt_u.svg_c = argv[++i_i];
    }
    else if ( '-' == argv[i_i][0] ) {
      fprintf(stderr, "urbit: mass: unknown option '%s' (see urbit --help)\n",
              argv[i_i]);
      return 1;
    }
    else if ( opt_u.dir_c ) {
      fprintf(stderr, "urbit: mass: one pier at a time\n");
      return 1;
    }
    else {
      opt_u.dir_c = argv[i_i];
    }
  }
  if ( !opt_u.dir_c ) {
    fprintf(stderr, "urbit: mass: no pier given (usage: urbit mass [--json] "
                    "[--svg FILE] [-q] PIER)\n");
    return 1;
  }
  c3_i ret_i = u3_mass(&opt_u);
  if ( ret_i && _(opt_u.json_o) ) {
    //  one object at every exit, as a run's --json
    printf("{\"error\":\"%s\"}\n", ( 2 == ret_i )
           ? "the pier is in use by a running ship"
           : "not measured (see the messages on stderr)");
  }
  return ret_i;
}

/* _cv_tool(): `urbit pack|meld [options] PIER`: a run of no new events
**   that calls the tool before its final save; the exit status.
*/
static c3_i
_cv_tool(c3_i argc, c3_c** argv, u3_pier_tool tool_f)
{
  _cv_cmd cmd_u;
  c3_i    ret_i;
  c3_c    nam_c[16];

  snprintf(nam_c, sizeof(nam_c), "%s", argv[1]);
  for ( c3_i i_i = 2; i_i < argc && strcmp(argv[i_i], "--"); i_i++ ) {
    if ( !strcmp(argv[i_i], "--json") ) {
      _cv_json_o = c3y;
    }
  }
  if ( _cv_parse(argc - 1, argv + 1, &cmd_u, &ret_i) ) {
    return ret_i;
  }
  if ( cmd_u.opt_u.events_d != 1000 ) {
    return _cv_fail("%s runs no new events: -n is not taken", nam_c);
  }
  if ( _cv_validate(&cmd_u) ) {
    return 1;
  }
  cmd_u.opt_u.events_d = 0;
  cmd_u.opt_u.tool_f   = tool_f;
  cmd_u.opt_u.tool_c   = argv[1];
  if (  u3_limit_cgroup == cmd_u.opt_u.limit_e
     && !cmd_u.opt_u.swap_c && c3n == cmd_u.opt_u.swap_pier_o )
  {
    cmd_u.opt_u.limit_e = u3_limit_tool;
  }
  return u3_pier_run(&cmd_u.opt_u);
}

/* main(): `urbit check PIER`, `urbit mass PIER`, or parse, validate and run. */
int
main(int argc, char** argv)
{
  _cv_cmd cmd_u;
  c3_i    ret_i;

  //  the library says why a bail on the home road stops the run; the
  //  runtime decides how
  u3m_on_fail(_cv_home_bail);

  //  a closed pipe on stdout or stderr is a write error, reported at
  //  exit, not a death in the middle of an event
  signal(SIGPIPE, SIG_IGN);

  if ( argc >= 2 && !strcmp(argv[1], "check") ) {
    if ( argc != 3 ) {
      fprintf(stderr, "usage: urbit check PIER\n");
      return 1;
    }
    return _cv_exit(u3_pier_check(argv[2]));
  }
  if ( argc >= 2 && !strcmp(argv[1], "mass") ) {
    return _cv_exit(_cv_mass(argc, argv));
  }
  if ( argc >= 2 && !strcmp(argv[1], "pack") ) {
    return _cv_exit(_cv_tool(argc, argv, u3_pack));
  }
  if ( argc >= 2 && !strcmp(argv[1], "meld") ) {
    return _cv_exit(_cv_tool(argc, argv, u3_meld));
  }

  //  --json anywhere: even a bad flag before it gets its JSON object
  for ( c3_i i_i = 1; i_i < argc && strcmp(argv[i_i], "--"); i_i++ ) {
    if ( !strcmp(argv[i_i], "--json") ) {
      _cv_json_o = c3y;
    }
  }

  if ( _cv_parse(argc, argv, &cmd_u, &ret_i) ) {
    return _cv_exit(ret_i);
  }
  if ( _cv_validate(&cmd_u) ) {
    return _cv_exit(1);
  }
  return _cv_exit(u3_pier_run(&cmd_u.opt_u));
}
