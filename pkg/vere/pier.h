/// @file pier.h
/// u3_pier: booting a pier, replaying its log, running events, reporting.
#ifndef U3_VERE_PIER_H
#define U3_VERE_PIER_H

#include "c3/c3.h"

    /* u3_pier_tool: a tool run on a stopped pier's loom (`urbit pack`,
    **   `urbit meld`): called on the home road after the start and the
    **   replay, with no new event, before the final save, which commits
    **   what it did as every save does (a crash leaves the old image or
    **   the new one).  0; or -1 (reported on stderr, and with
    **   u3_pier_fail): the run then saves nothing and exits 1, so the
    **   pier keeps its old image.  quiet_o: no progress lines.
    */
    typedef c3_i (*u3_pier_tool)(c3_o quiet_o);

    /* u3_pier_opts: a run as the command line asked for it: every
    **   option in one place.  u3_pier_opts_init() gives the defaults;
    **   u3_pier_run() applies the loom's (u3C) from here, once, at start.
    */
    typedef struct {
      const c3_c* dir_c;     //  the pier
      c3_d  events_d;        //  new events to run
      c3_i  wok_i;           //  workload (u3_kern_*)
      c3_d  seed_d;          //  event generator seed
      c3_w  size_w;          //  workload size, MB
      c3_w  dup_w;           //  percent of kv values that copy a live one
      c3_d  snap_d;          //  snapshot every this many events
      c3_w  bits_w;          //  loom bits; 0: the pier's, or the default
      c3_o  json_o;          //  JSON summary on stdout
      c3_o  quiet_o;         //  no progress lines
      c3_o  demand_o;        //  map the image on demand
      c3_o  first_o;         //  --verify-first: every page verified
                             //  before the first event
      c3_o  swap_pier_o;     //  --swap: the swap file in the pier
      const c3_c* trace_c;   //  per-event CSV of memory figures, or 0
      c3_t  hooks_t;         //  --test-hooks: honour URBIT_TEST_* (tests
                             //  only; zero, the default, is off)
      //  memory policies (u3C's fields of the same names)
      const c3_c* swap_c;    //  --swap-file PATH, or 0
      c3_o  free_o;          //  release pages after events
      c3_w  toss_w;          //  ... every this many events
      c3_w  fmod_w;          //  u3o_free_free or u3o_free_dontneed
      c3_w  keep_w;          //  pages kept resident next to a gap frontier
      c3_o  lazy_o;          //  never-written pages cost nothing
      c3_i  limit_e;         //  --memory-limit: u3_limit_*
      c3_d  limit_d;         //  ... its size, bytes (u3_limit_size)
      u3_pier_tool tool_f;   //  urbit pack / meld: the tool, or 0
      const c3_c*  tool_c;   //  ... its name, for messages
    } u3_pier_opts;

    /* u3_limit_*: where the cap on the loom's memory comes from.
    */
#   define u3_limit_cgroup 0   //  default: a swap file run in a memory
                               //  cgroup is paged under its limit
#   define u3_limit_size   1   //  --memory-limit SIZE
#   define u3_limit_auto   2   //  --memory-limit auto: the cgroup's limit
#   define u3_limit_none   3   //  --memory-limit none: no pager
#   define u3_limit_tool   4   //  a tool's default: the smaller of
                               //  u3_pier_tool_cap and auto's cap
#   define u3_pier_tool_cap (44ULL << 20)   //  a tool's default cap, bytes
                               //  (raised to the loom's floor + 8 MiB):
                               //  its loom and its tables together

    /* u3_pier_opts_init(): the defaults of every option (no pier). */
    void
    u3_pier_opts_init(u3_pier_opts* opt_u);

    /* u3_pier_conf: the workload a pier was made with, kept in
    **   PIER/.urb/conf (format in conf.c).
    */
    typedef struct {
      c3_i  wok_i;           //  workload (u3_kern_*)
      c3_d  seed_d;          //  event generator seed
      c3_w  size_w;          //  workload size, MB
      c3_w  dup_w;           //  --dup, 0 to 100 (0: no line in the file)
    } u3_pier_conf;

    /* u3_pier_run(): boot or resume, replay, run; the process exit status.
    **   A failure leaves a short message for u3_pier_json().
    */
    c3_i
    u3_pier_run(const u3_pier_opts* opt_u);

    /* u3_pier_conf_read(): the workload stored in dir_c's pier: 0, 1 when
    **   the pier has none, -1 (with a message) when it is damaged or
    **   cannot be read.
    */
    c3_i
    u3_pier_conf_read(const c3_c* dir_c, u3_pier_conf* con_u);

    /* u3_pier_fail(): record err_c as the run's failure, unless one is
    **   recorded already (the first failure is the cause).
    */
    void
    u3_pier_fail(const c3_c* err_c);

    /* u3_pier_stopped(): 1 once SIGINT or SIGTERM asked the run to stop
    **   (a tool abandons its work, returning -1: nothing is saved).
    */
    c3_t
    u3_pier_stopped(void);

    /* u3_pier_tool_room(): a tool's tables outside the loom, own_d bytes,
    **   come out of its cap: the pager's cap is lowered by them and by an
    **   eighth of it (room for the clean image pages a pass reads before
    **   dropping them), down to the loom's floor + 4 MiB at the least.
    **   What the tool's loom and tables stay under together (bytes): the
    **   cap as it was, or more when the tables leave less than that least
    **   loom; the runtime's own few MiB on top; 0 with no pager.
    */
    c3_d
    u3_pier_tool_room(const c3_c* nam_c, c3_d own_d, c3_o qui_o);

    /* u3_pier_meld_merges(): the most merges a meld may make, for tests
    **   (URBIT_TEST_MELD_MERGES, hooks.h); 0: as many as its map holds.
    */
    c3_d
    u3_pier_meld_merges(void);

    /* u3_pier_figure(): add "key_c": val_d to the run's JSON object (a
    **   tool's figures; at most 32, later ones are dropped).
    */
    void
    u3_pier_figure(const c3_c* key_c, c3_d val_d);

    /* u3_pier_json(): print the run's JSON object on stdout: the figures
    **   of the last report (if any), and "error" when ret_i is not 0.
    */
    void
    u3_pier_json(c3_i ret_i);

    /* u3_pier_check(): verify a pier's image, log and refcounts; the exit
    **   status (0 only when all is sound).
    */
    c3_i
    u3_pier_check(const c3_c* dir_c);

#endif  //  U3_VERE_PIER_H
