/// @file pack.c
/// `urbit pack PIER`: not built yet; refuses, and the pier is untouched.
#include <stdio.h>

#include "vere/pack.h"

/* u3_pack(): refuse. */
c3_i
u3_pack(c3_o quiet_o)
{
  (void)quiet_o;
  fprintf(stderr, "urbit: pack: not available in this build\n");
  return -1;
}
