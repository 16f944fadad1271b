/// @file path.h
/// u3_path: the layout of a pier on disk, in one place.
///
///     PIER/.urb/                 the runtime's files (u3_path_urb)
///         lock                   the pier's lock (pier.c)
///         conf, conf.new         the stored workload (conf.c)
///         log/events.log         the event log (log.c)
///         log/mark.bin           the log's durable mark (log.c)
///         chk/                   the snapshot image (pkg/noun/events.c
///                                keeps its own files in it)
///         chk/limbo.bin          the swap file of --swap
///
/// Every path the runtime builds under a pier comes from u3_path_new() or
/// u3_path_put() with one of the names below.
#ifndef U3_VERE_PATH_H
#define U3_VERE_PATH_H

#include "c3/c3.h"

#   define u3_path_urb       ""                //  PIER/.urb itself
#   define u3_path_lock      "lock"
#   define u3_path_conf      "conf"
#   define u3_path_conf_new  "conf.new"
#   define u3_path_log       "log"
#   define u3_path_events    "log/events.log"
#   define u3_path_mark      "log/mark.bin"
#   define u3_path_chk       "chk"
#   define u3_path_swap      "chk/limbo.bin"
#   define u3_path_north     "chk/north.bin"   //  the image (events' format)

#   define u3_path_max       4096              //  u3_path_put's buffer

    /* u3_path_new(): a fresh string PIER/.urb/REL (PIER/.urb for
    **   u3_path_urb), freed by the caller; 0 if out of memory.
    */
    c3_c*
    u3_path_new(const c3_c* dir_c, const c3_c* rel_c);

    /* u3_path_put(): PIER/.urb/REL into pat_c (u3_path_max bytes); 0, or
    **   -1 with a message on stderr when it does not fit.
    */
    c3_i
    u3_path_put(c3_c* pat_c, const c3_c* dir_c, const c3_c* rel_c);

    /* u3_path_mkdir(): make directory pat_c unless it is there, durably
    **   (c3_io_mkdir syncs the parent).  0, or -1 reported on stderr as
    **   "sub_c: mkdir PATH: why" or "sub_c: PATH: not a directory".
    */
    c3_i
    u3_path_mkdir(const c3_c* pat_c, const c3_c* sub_c);

#endif  //  U3_VERE_PATH_H
