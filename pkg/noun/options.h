/// @file options.h
/// u3C: the loom's geometry, policy flags and paths.
#ifndef U3_OPTIONS_H
#define U3_OPTIONS_H

#include "c3/c3.h"

    /* u3o_options: what the runtime was asked for.  One global, u3C.
    */
    typedef struct {
      c3_w   bits_w;     //  loom size is 2^bits_w bytes
      c3_w   pages_w;    //  loom pages (derived)
      c3_o   demand_o;   //  map the image on demand (c3y) or copy it in
      const c3_c* dir_c; //  pier directory, 0 if none

      //  memory policies
      const c3_c* swap_c;  //  swap file path, 0 for none (anonymous memory)
      c3_o   free_o;     //  release pages after events
      c3_w   toss_w;     //  ... every this many events (1: every event)
      c3_w   fmod_w;     //  u3o_free_free (MADV_FREE) or u3o_free_dontneed
      c3_w   keep_w;     //  pages kept resident next to each gap frontier
      c3_o   lazy_o;     //  never-written pages cost no RAM and no commit

      //  starting
      c3_o   later_o;    //  verify the image's pages in the background
                         //  after the start (c3y), or before it returns
      c3_o   quiet_o;    //  no progress messages

      c3_d   limit_d;    //  cap on the loom's resident bytes (0: none)
      c3_o   clean_o;    //  under the cap, clean image pages are paged too
                         //  (c3y); c3n: not counted by the pager, which
                         //  leaves them to the caller (the tools drop
                         //  them as they go)
      c3_o   reclaim_o;  //  with clean_o: clean image pages are left to a
                         //  memory cgroup's reclaim, neither paged nor
                         //  counted (the cap comes from a cgroup's
                         //  limit: a swap file run in one, or --memory-
                         //  limit auto); c3n: paged

      //  saving
      c3_o   apply_o;    //  apply a save's committed patch to north.bin
                         //  on a thread while events go on (c3y), or
                         //  before the save returns
    } u3o_options;

#   define u3o_free_free      0
#   define u3o_free_dontneed  1
#   define u3o_keep_default   64

    extern u3o_options u3C;

#endif  //  U3_OPTIONS_H
