/// @file log.h
/// u3_log: the pier's event log, an append-only file of checksummed records
/// in PIER/.urb/log/.  The format and the durability rule are described at
/// the top of log.c, the recovery rules at the top of logscan.c.
///
/// Every function reports its own errors on stderr, prefixed "log: ", and
/// returns -1 (or 0 for a pointer); u3_log_check reports on its out stream.
#ifndef U3_VERE_LOG_H
#define U3_VERE_LOG_H

#include <stdio.h>

#include "c3/c3.h"

    /* u3_log: an open event log; u3_log_iter: a replay cursor over it.
    */
    typedef struct _u3_log      u3_log;
    typedef struct _u3_log_iter u3_log_iter;

    /* u3_log_open(): open PIER's event log, creating PIER/.urb/log/ and an
    **   empty log (first event 1) if missing.  Checks every record and
    **   reads the durable mark, changing nothing: when anything is wrong,
    **   appends wait for u3_log_start() to decide.  Takes an exclusive
    **   lock on the log file.  Returns 0 after printing why on failure.
    */
    u3_log*
    u3_log_open(const c3_c* pier_c);

    /* u3_log_start(): decide whether a start whose snapshot holds every
    **   event to sna_d (0: none) can go on with this log, by the rule
    **   u3_log_check() applies too, and print why on stderr.  Only then
    **   does it change the file: cut a torn tail past the durable point,
    **   or record lost events the snapshot holds as a gap.  Returns 0 to
    **   go on (appends then continue from max(last, sna_d) + 1), -1 to
    **   refuse (the file unchanged).
    */
    c3_i
    u3_log_start(u3_log* log_u, c3_d sna_d);

    /* u3_log_judge(): whether u3_log_start(log_u, sna_d) would go on, by
    **   the same rule, changing nothing; prints why to out_f (unless 0)
    **   when it would refuse.  Returns 0 to go on, -1 to refuse.
    */
    c3_i
    u3_log_judge(u3_log* log_u, c3_d sna_d, FILE* out_f);

    /* u3_log_close(): sync any records still buffered (best effort), unlock
    **   and free log_u.  Accepts 0.
    */
    void
    u3_log_close(u3_log* log_u);

    /* u3_log_path(): the log file's path (owned by log_u). */
    const c3_c*
    u3_log_path(u3_log* log_u);

    /* u3_log_first(): the number of the log's first event; in an empty
    **   log, the number the first append must carry (1 for a new log).
    */
    c3_d
    u3_log_first(u3_log* log_u);

    /* u3_log_last(): the number of the last durable event (its record and
    **   the durable mark past it fsynced); first - 1 when the log holds
    **   none (so 0 for a new log).
    */
    c3_d
    u3_log_last(u3_log* log_u);

    /* u3_log_pending(): the number of the last appended event, durable or
    **   still buffered; the next append must carry this plus one.
    */
    c3_d
    u3_log_pending(u3_log* log_u);

    /* u3_log_bytes(): the size of the log file up to its last durable
    **   record, header included.
    */
    c3_d
    u3_log_bytes(u3_log* log_u);

    /* u3_log_append(): buffer event eve_d, len_z bytes at byt_y (copied;
    **   the caller keeps byt_y).  eve_d must be u3_log_pending() + 1.
    **   Nothing is durable until u3_log_sync() returns 0.  Returns 0 or -1.
    */
    c3_i
    u3_log_append(u3_log* log_u, c3_d eve_d, const c3_y* byt_y, c3_z len_z);

    /* u3_log_sync(): write the buffered records and fsync the log, then
    **   move the durable mark past them and fsync it.  Returns 0 when every
    **   appended event is durable.  On failure (full disk, I/O error)
    **   returns -1 with a message, truncates the file back to its last
    **   fsynced record and keeps the records buffered (or, when only the
    **   mark failed, keeps the records in the file), so a later
    **   u3_log_sync() retries.
    */
    c3_i
    u3_log_sync(u3_log* log_u);

    /* u3_log_truncate(): discard buffered records and remove every durable
    **   record after event eve_d (first - 1 empties the log), then fsync.
    **   For recovery tooling.  Returns 0 or -1.
    */
    c3_i
    u3_log_truncate(u3_log* log_u, c3_d eve_d);

    /* u3_log_iter_open(): a cursor over the durable records from event
    **   from_d (or the first, if from_d is below it).  Memory is bounded
    **   by the largest record read.  Returns 0 on allocation failure.
    */
    u3_log_iter*
    u3_log_iter_open(u3_log* log_u, c3_d from_d);

    /* u3_log_iter_next(): the next record: 1 with *eve_d, *byt_y, *len_z
    **   set (the bytes belong to the cursor until its next call or close),
    **   0 at the end, -1 with a message on a read error or a bad record.
    */
    c3_i
    u3_log_iter_next(u3_log_iter* itr_u,
                     c3_d*        eve_d,
                     c3_y**       byt_y,
                     c3_z*        len_z);

    /* u3_log_iter_close(): free the cursor.  Accepts 0. */
    void
    u3_log_iter_close(u3_log_iter* itr_u);

    /* u3_log_check(): verify PIER's log strictly read-only (no lock, no
    **   write) and print to out_f a summary and what a start whose
    **   snapshot is at event sna_d would do, decided by the same rule as
    **   u3_log_start().  Returns 0 when such a start goes on (perhaps
    **   cutting a torn tail or warning of damaged history), -1 when it
    **   would refuse or the log cannot be read.
    */
    c3_i
    u3_log_check(const c3_c* pier_c, c3_d sna_d, FILE* out_f);

    /* u3_log_repair(): cut PIER's log (not open) at its first bad record,
    **   torn or damaged (not a recorded gap), dropping that record and
    **   everything after it, lowering the durable mark, and say what was
    **   cut.  For recovery tooling, at the operator's word.
    **   Returns 0 when the log is then sound, -1 on failure.
    */
    c3_i
    u3_log_repair(const c3_c* pier_c);

#endif  //  U3_VERE_LOG_H
