/// @file events.c
/// u3e: placeholder until the persistence module lands: no page is ever
/// protected, so no fault is the loom's.
#include "noun/events.h"

u3e_stats u3e_Stat;

c3_i
u3e_fault(void* adr_v)
{
  (void)adr_v;
  return -1;
}
