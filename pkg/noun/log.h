/// @file log.h
/// u3l: the one way library code (pkg/c3, pkg/noun) speaks.  Every
/// message is one or more whole lines ending in "\n" (no "\r\n"), written
/// by u3l_log(); the runtime may redirect them with u3l_sink(), to a file,
/// a buffer in a test, or nowhere.  The library never exits for the
/// runtime: it returns an error and says why here.  Fault handlers, which
/// may not call stdio, use u3m_say() instead.
#ifndef U3_LOG_H
#define U3_LOG_H

#include <stdarg.h>

#include "c3/c3.h"

    /* u3l_sink_f: where messages go: one formatted message, whole lines. */
    typedef void (*u3l_sink_f)(const c3_c* msg_c);

    /* u3l_sink(): send messages to sin_f (0: back to stderr); the
    **   previous sink.
    */
    u3l_sink_f
    u3l_sink(u3l_sink_f sin_f);

    /* u3l_log(): say something, printf-style; fmt_c ends in "\n". */
    void
    u3l_log(const c3_c* fmt_c, ...) __attribute__((format(printf, 1, 2)));

    /* u3l_logv(): u3l_log() with a va_list. */
    void
    u3l_logv(const c3_c* fmt_c, va_list ap_u);

#endif  //  U3_LOG_H
