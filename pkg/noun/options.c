/// @file options.c
/// The one options global, with its defaults.
#include "noun/options.h"
#include "noun/allocate.h"

u3o_options u3C = {
  .bits_w   = u3a_bits_default,
  .pages_w  = 1U << (u3a_bits_default - u3a_page_bits),
  .demand_o = c3y,
  .dir_c    = 0,
  .swap_c   = 0,
  .free_o   = c3n,
  .toss_w   = 1,
  .fmod_w   = u3o_free_free,
  .keep_w   = u3o_keep_default,
  .lazy_o   = c3n,
  .later_o  = c3n,
  .quiet_o  = c3n,
  .clean_o  = c3y,
  .reclaim_o = c3n,
  .apply_o  = c3y,
};
