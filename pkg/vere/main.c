/// @file main.c
/// The `urbit` command line: parse flags, then run a pier or check one.
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "noun/noun.h"
#include "vere/kernel.h"
#include "vere/pier.h"

static const c3_c* _cv_usage_c =
"usage: urbit [options] PIER      boot or resume PIER, replay, run events\n"
"       urbit check PIER          verify PIER's image, log and refcounts\n"
"\n"
"Events:\n"
"  -n, --events N        new events to run after replay (default 1000)\n"
"  -w, --workload W      kv, churn, blob or mixed (default mixed)\n"
"      --seed S          seed of the event generator (default 0)\n"
"      --size MB         workload size in MiB: kv grows its state toward it,\n"
"                        churn builds that much per event, blob stores atoms\n"
"                        up to it (default 16)\n"
"      --snap-every N    snapshot every N events, and always at exit\n"
"                        (default 1000)\n"
"\n"
"Loom:\n"
"      --loom BITS       loom of 2^BITS bytes, 24 to 34 (default: the pier's,\n"
"                        or 31 for a new pier)\n"
"      --no-demand       copy the snapshot into memory at start instead of\n"
"                        mapping it on demand\n"
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
"                        frontier (default 64)\n"
"      --toss N          release every N events (vere's spelling; 1 is the same\n"
"                        as --loom-free-every-event)\n"
"      --loom-lazy       never-written pages cost no RAM and no commit charge\n"
"                        until written; costs one fault per first write\n"
"\n"
"Output:\n"
"      --json            print one JSON object with the run's figures on stdout\n"
"      --trace FILE      append a CSV line of memory figures to FILE after every\n"
"                        event\n"
"  -q, --quiet           no progress lines\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 on success, 1 on any error (with a message on stderr).\n";

/* _cv_number(): parse a whole decimal number within [min_d, max_d]. */
static c3_i
_cv_number(const c3_c* flg_c, const c3_c* val_c, c3_d min_d, c3_d max_d, c3_d* out_d)
{
  c3_c* end_c;
  errno = 0;
  if ( !val_c || !*val_c || '-' == *val_c ) {
    goto bad;
  }
  unsigned long long val_ll = strtoull(val_c, &end_c, 10);
  if ( errno || *end_c || val_ll < min_d || val_ll > max_d ) {
    goto bad;
  }
  *out_d = (c3_d)val_ll;
  return 0;

bad:
  fprintf(stderr, "urbit: %s: '%s' is not a number from %llu to %llu\n",
          flg_c, val_c ? val_c : "", (unsigned long long)min_d, (unsigned long long)max_d);
  return -1;
}

enum {
  _cv_opt_seed = 256,
  _cv_opt_size,
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
};

int
main(int argc, char** argv)
{
  u3_pier_opts opt_u = {
    .dir_c    = 0,
    .events_d = 1000,
    .wok_i    = u3_kern_workload("mixed"),
    .seed_d   = 0,
    .size_w   = 16,
    .snap_d   = 1000,
    .bits_w   = 0,
    .json_o   = c3n,
    .quiet_o  = c3n,
    .demand_o = c3y,
    .swap_pier_o = c3n,
    .trace_c  = 0,
  };
  static const struct option lon_u[] = {
    { "events",     required_argument, 0, 'n' },
    { "workload",   required_argument, 0, 'w' },
    { "seed",       required_argument, 0, _cv_opt_seed },
    { "size",       required_argument, 0, _cv_opt_size },
    { "snap-every", required_argument, 0, _cv_opt_snap },
    { "loom",       required_argument, 0, _cv_opt_loom },
    { "no-demand",  no_argument,       0, _cv_opt_nodemand },
    { "json",       no_argument,       0, _cv_opt_json },
    { "swap-file",  required_argument, 0, _cv_opt_swapfile },
    { "swap-to",    required_argument, 0, _cv_opt_swapfile },
    { "swap",       no_argument,       0, _cv_opt_swap },
    { "loom-free-every-event", no_argument, 0, _cv_opt_free },
    { "loom-free-mode", required_argument, 0, _cv_opt_fmode },
    { "loom-free-keep", required_argument, 0, _cv_opt_fkeep },
    { "toss",       required_argument, 0, _cv_opt_toss },
    { "loom-lazy",  no_argument,       0, _cv_opt_lazy },
    { "trace",      required_argument, 0, _cv_opt_trace },
    { "test-hooks", no_argument,       0, _cv_opt_hooks },
    { "quiet",      no_argument,       0, 'q' },
    { "help",       no_argument,       0, 'h' },
    { 0, 0, 0, 0 },
  };
  c3_d val_d;
  c3_i opt_i;

  if ( argc >= 2 && !strcmp(argv[1], "check") ) {
    if ( argc != 3 ) {
      fprintf(stderr, "usage: urbit check PIER\n");
      return 1;
    }
    return u3_pier_check(argv[2]);
  }

  opterr = 0;
  while ( -1 != (opt_i = getopt_long(argc, argv, ":n:w:qh", lon_u, 0)) ) {
    switch ( opt_i ) {
      case 'n': {
        if ( _cv_number("--events", optarg, 0, 1ULL << 48, &opt_u.events_d) ) return 1;
      } break;
      case 'w': {
        if ( 0 > (opt_u.wok_i = u3_kern_workload(optarg)) ) {
          fprintf(stderr, "urbit: --workload: '%s' is not one of kv, churn, "
                          "blob, mixed\n", optarg);
          return 1;
        }
      } break;
      case _cv_opt_seed: {
        if ( _cv_number("--seed", optarg, 0, ~0ULL, &opt_u.seed_d) ) return 1;
      } break;
      case _cv_opt_size: {
        if ( _cv_number("--size", optarg, 1, 8192, &val_d) ) return 1;
        opt_u.size_w = (c3_w)val_d;
      } break;
      case _cv_opt_snap: {
        if ( _cv_number("--snap-every", optarg, 1, ~0ULL, &opt_u.snap_d) ) return 1;
      } break;
      case _cv_opt_loom: {
        if ( _cv_number("--loom", optarg, u3a_bits_min, u3a_bits_max, &val_d) ) return 1;
        opt_u.bits_w = (c3_w)val_d;
      } break;
      case _cv_opt_nodemand: opt_u.demand_o = c3n; break;
      case _cv_opt_swapfile: {
        if ( !*optarg ) {
          fprintf(stderr, "urbit: --swap-file: empty path\n");
          return 1;
        }
        u3C.swap_c = optarg;
        opt_u.swap_pier_o = c3n;
      } break;
      case _cv_opt_swap:  opt_u.swap_pier_o = c3y; break;
      case _cv_opt_free:  u3C.free_o = c3y; u3C.toss_w = 1; break;
      case _cv_opt_fmode: {
        if ( !strcmp(optarg, "free") ) {
          u3C.fmod_w = u3o_free_free;
        }
        else if ( !strcmp(optarg, "dontneed") ) {
          u3C.fmod_w = u3o_free_dontneed;
        }
        else {
          fprintf(stderr, "urbit: --loom-free-mode: '%s' is not free or dontneed\n", optarg);
          return 1;
        }
      } break;
      case _cv_opt_fkeep: {
        if ( _cv_number("--loom-free-keep", optarg, 0, 1U << 20, &val_d) ) return 1;
        u3C.keep_w = (c3_w)val_d;
      } break;
      case _cv_opt_toss: {
        if ( _cv_number("--toss", optarg, 1, 1U << 30, &val_d) ) return 1;
        u3C.free_o = c3y;
        u3C.toss_w = (c3_w)val_d;
      } break;
      case _cv_opt_lazy:  u3C.lazy_o = c3y; break;
      case _cv_opt_trace: opt_u.trace_c = optarg; break;
      case _cv_opt_hooks: opt_u.hooks_t = 1; break;
      case _cv_opt_json:     opt_u.json_o = c3y; break;
      case 'q':              opt_u.quiet_o = c3y; break;
      case 'h': {
        fputs(_cv_usage_c, stdout);
        return 0;
      }
      case ':': {
        fprintf(stderr, "urbit: %s needs a value (see urbit --help)\n", argv[optind - 1]);
        return 1;
      }
      default: {
        fprintf(stderr, "urbit: unknown option '%s' (see urbit --help)\n", argv[optind - 1]);
        return 1;
      }
    }
  }

  if ( optind != argc - 1 ) {
    fprintf(stderr, ( optind >= argc ) ? "urbit: no pier given\n"
                                       : "urbit: one pier at a time\n");
    fputs(_cv_usage_c, stderr);
    return 1;
  }
  opt_u.dir_c = argv[optind];
  return u3_pier_run(&opt_u);
}
