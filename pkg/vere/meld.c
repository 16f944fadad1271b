/// @file meld.c
/// `urbit meld PIER`: not built yet; refuses, and the pier is untouched.
#include <stdio.h>

#include "vere/meld.h"

/* u3_meld(): refuse. */
c3_i
u3_meld(c3_o quiet_o)
{
  (void)quiet_o;
  fprintf(stderr, "urbit: meld: not available in this build\n");
  return -1;
}
