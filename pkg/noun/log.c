/// @file log.c
/// u3l: library messages, to stderr unless the runtime redirects them.
/// A message is formatted whole before it is handed on, so lines from
/// two threads never interleave inside a line; one that does not fit the
/// buffer is cut, and says so.
#include <stdio.h>

#include "noun/log.h"

#define _cl_msg_bytes 4096         //  the longest message, cut beyond

static u3l_sink_f _cl_sink_f;     //  0: stderr

/* u3l_sink(): redirect messages; the previous sink. */
u3l_sink_f
u3l_sink(u3l_sink_f sin_f)
{
  u3l_sink_f old_f = _cl_sink_f;
  _cl_sink_f = sin_f;
  return old_f;
}

/* u3l_logv(): format one message and hand it to the sink. */
void
u3l_logv(const c3_c* fmt_c, va_list ap_u)
{
  c3_c msg_c[_cl_msg_bytes];
  c3_i len_i = vsnprintf(msg_c, sizeof(msg_c), fmt_c, ap_u);

  if ( len_i < 0 ) {
    return;
  }
  if ( (c3_z)len_i >= sizeof(msg_c) ) {
    static const c3_c cut_c[] = " [cut]\n";
    snprintf(msg_c + sizeof(msg_c) - sizeof(cut_c), sizeof(cut_c), "%s", cut_c);
  }
  if ( _cl_sink_f ) {
    _cl_sink_f(msg_c);
  }
  else {
    fputs(msg_c, stderr);
  }
}

/* u3l_log(): say something, printf-style. */
void
u3l_log(const c3_c* fmt_c, ...)
{
  va_list ap_u;
  va_start(ap_u, fmt_c);
  u3l_logv(fmt_c, ap_u);
  va_end(ap_u);
}
