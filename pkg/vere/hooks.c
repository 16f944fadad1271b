/// @file hooks.c
/// u3_pier_hooks: reading the runtime's test-only variables (see hooks.h).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "vere/hooks.h"

/* _ch_event(): the number (an event, or milliseconds) of hook nam_c, 0 if
**   off.
*/
static c3_d
_ch_event(c3_t on_t, const c3_c* nam_c)
{
  const c3_c* val_c = getenv(nam_c);
  c3_c*       end_c;
  c3_d        val_d;

  if ( !val_c ) {
    return 0;
  }
  if ( !on_t ) {
    fprintf(stderr, "urbit: warning: ignoring %s, a test-only variable "
                    "(honoured only with --test-hooks)\n", nam_c);
    return 0;
  }
  errno = 0;
  val_d = strtoull(val_c, &end_c, 10);
  if ( errno || end_c == val_c || *end_c || '-' == *val_c ) {
    fprintf(stderr, "urbit: warning: ignoring %s=%s: not an event number"
                    "\n", nam_c, val_c);
    return 0;
  }
  fprintf(stderr, "urbit: test hook active: %s=%llu\n", nam_c,
          (unsigned long long)val_d);
  return val_d;
}

/* u3_pier_hooks_read(): the test hooks from the environment. */
void
u3_pier_hooks_read(c3_t on_t, u3_pier_hooks* hok_u)
{
  hok_u->exit_d = _ch_event(on_t, "URBIT_TEST_EXIT_EVENT");
  hok_u->kill_d = _ch_event(on_t, "URBIT_TEST_KILL_EVENT");
  hok_u->intr_d = _ch_event(on_t, "URBIT_TEST_INTR_EVENT");
  hok_u->ver_d  = _ch_event(on_t, "URBIT_TEST_VERIFY_MS");
  hok_u->app_d  = _ch_event(on_t, "URBIT_TEST_APPLY_MS");
  hok_u->mel_d  = _ch_event(on_t, "URBIT_TEST_MELD_MERGES");
}
