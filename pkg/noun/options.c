/// @file options.c
/// The one options global, with its defaults.
#include "noun/options.h"
#include "noun/allocate.h"

u3o_options u3C = {
  .bits_w   = u3a_bits_default,
  .pages_w  = 1U << (u3a_bits_default - u3a_page_bits),
  .demand_o = c3y,
  .dir_c    = 0,
};
