/// @file hooks.h
/// u3_pier_hooks: the runtime's one test entry point.
///
/// The crash and bail tests drive the `urbit` binary through six
/// environment variables, the first three naming a new event by number:
///
///     URBIT_TEST_EXIT_EVENT   that event is malformed: it bails (%exit),
///                             deterministically
///     URBIT_TEST_KILL_EVENT   once that event is logged, sync the log and
///                             die by SIGKILL (whatever is durable stays)
///     URBIT_TEST_INTR_EVENT   that event bails %intr on its first run (an
///                             environmental bail; replay applies nothing)
///     URBIT_TEST_VERIFY_MS    the image's background verification starts
///                             reading that many milliseconds late (a slow
///                             disk: the first save must wait for it)
///     URBIT_TEST_APPLY_MS     each save's patch is applied to north.bin
///                             that many milliseconds late (a slow disk:
///                             the next save must wait for it)
///     URBIT_TEST_MELD_MERGES  `urbit meld` makes at most that many merges
///                             (its forward map full early, as a big
///                             state's would be: a second meld merges on)
///
/// They are read here and nowhere else, into a u3_pier_hooks that the run
/// loop (pier.c) consults.  Only `--test-hooks` turns them on, and each
/// one on is announced on stderr, even under -q; without the flag a set
/// variable is ignored with a warning, so a stray one can never change an
/// operator's ship.  Library code (pkg/noun) has its own seam for failure
/// injection, the I/O table of c3/io.h.
#ifndef U3_VERE_HOOKS_H
#define U3_VERE_HOOKS_H

#include "c3/c3.h"

    /* u3_pier_hooks: the test hooks in force; 0 is off.
    */
    typedef struct {
      c3_d  exit_d;      //  URBIT_TEST_EXIT_EVENT
      c3_d  kill_d;      //  URBIT_TEST_KILL_EVENT
      c3_d  intr_d;      //  URBIT_TEST_INTR_EVENT
      c3_d  ver_d;       //  URBIT_TEST_VERIFY_MS
      c3_d  app_d;       //  URBIT_TEST_APPLY_MS
      c3_d  mel_d;       //  URBIT_TEST_MELD_MERGES
    } u3_pier_hooks;

    /* u3_pier_hooks_read(): fill *hok_u from the environment when on_t
    **   (--test-hooks), else all off, warning about any variable set.
    */
    void
    u3_pier_hooks_read(c3_t on_t, u3_pier_hooks* hok_u);

#endif  //  U3_VERE_HOOKS_H
