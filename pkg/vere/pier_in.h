/// @file pier_in.h
/// What pier.c shares with conf.c (the stored workload) and check.c
/// (`urbit check`), and with nothing else.
#ifndef U3_VERE_PIER_IN_H
#define U3_VERE_PIER_IN_H

#include "c3/c3.h"
#include "vere/log.h"
#include "vere/pier.h"

    /* _cp_lock(): take the pier's lock (pier.c), exclusively for a run or
    **   shared for a check: 0, 1 when the lock file is missing (shared
    **   only), -1 with a message when the pier is in use or it fails.
    */
    c3_i
    _cp_lock(const c3_c* dir_c, c3_t exc_t);

    /* _cp_conf_keep(): before the first new event, check the pier's stored
    **   workload against this run's, or store this run's (conf.c): 0 or -1.
    */
    c3_i
    _cp_conf_keep(const u3_pier_opts* opt_u, u3_log* log_u);

    /* u3_pier_log_lost(): 1 when PIER has an image but no event log (the
    **   log was lost, and a start refuses), else 0 (pier.c).
    */
    c3_t
    u3_pier_log_lost(const c3_c* dir_c);

#endif  //  U3_VERE_PIER_IN_H
