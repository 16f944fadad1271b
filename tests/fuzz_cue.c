/// @file fuzz_cue.c
/// libFuzzer target for cue: any input either is rejected (u3_none) or
/// decodes to a noun whose jam cues back to an equal noun and jams back
/// to the same bits; either way the loom is left exactly as it was.
///
/// Build with `make fuzz` (clang, -fsanitize=fuzzer,address,undefined)
/// and run with `make fuzz-run`.  A broken property aborts, which
/// libFuzzer reports as a crash with the input saved.
#include <stdio.h>
#include <stdlib.h>

#include "noun/noun.h"
#include "noun/serial.h"

/* _fuzz_fail(): report a broken property and abort. */
static void
_fuzz_fail(const c3_c* why_c)
{
  fprintf(stderr, "fuzz_cue: %s\n", why_c);
  abort();
}

/* _fuzz_small(): c3y if som's tree (not its objects) has at most max_d
**   nodes, so that a plain walk such as u3r_sing's is cheap.  Decoded
**   nouns can share structure and spell trees exponentially larger than
**   the input.
*/
static c3_o
_fuzz_small(u3_noun som, c3_d max_d)
{
  c3_d  cnt_d = 0;
  c3_w* bas_w = u3R->cap_w;

  while ( 1 ) {
    if ( ++cnt_d > max_d ) {
      u3R->cap_w = bas_w;
      return c3n;
    }
    if ( _(u3du(som)) ) {
      *(u3_noun*)u3a_push(1) = u3t(som);
      som = u3h(som);
      continue;
    }
    if ( u3R->cap_w == bas_w ) {
      return c3y;
    }
    som = *(u3_noun*)u3a_peek(1);
    u3a_pop(1);
  }
}

/* LLVMFuzzerTestOneInput(): cue data, check the round trip and the loom. */
int
LLVMFuzzerTestOneInput(const c3_y* dat_y, size_t len_z)
{
  static c3_o ini_o = c3n;

  if ( c3n == ini_o ) {
    if ( 0 != u3m_init(26) ) {
      _fuzz_fail("cannot map the loom");
    }
    u3m_pave();
    ini_o = c3y;
  }

  u3_weak som = u3s_cue_bytes(len_z, dat_y);

  if ( u3_none != som ) {
    u3_atom jam = u3s_jam(som);
    u3_weak out = u3s_cue_atom(jam);

    if ( u3_none == out ) {
      _fuzz_fail("the jam of a decoded noun does not cue");
    }
    if ( u3r_mug(som) != u3r_mug(out) ) {
      _fuzz_fail("cue(jam(a)) has another mug than a");
    }
    if ( _(_fuzz_small(som, 100000)) && c3n == u3r_sing(som, out) ) {
      _fuzz_fail("cue(jam(a)) differs from a");
    }
    {
      u3_atom jat = u3s_jam(out);
      c3_y*   byt_y;
      c3_z    byt_z = u3s_jam_bytes(out, &byt_y);
      u3_weak two;

      if ( c3n == u3r_sing(jam, jat) ) {
        _fuzz_fail("jam(cue(jam(a))) differs from jam(a)");
      }
      if ( byt_z != u3r_met(3, jam) ) {
        _fuzz_fail("jam bytes differ in length from the jam atom");
      }
      two = u3s_cue_bytes(byt_z, byt_y);
      free(byt_y);
      if ( u3_none == two ) {
        _fuzz_fail("the jam bytes of a decoded noun do not cue");
      }
      if ( u3r_mug(two) != u3r_mug(som) ) {
        _fuzz_fail("cue of the jam bytes has another mug");
      }
      u3z(two);
      u3z(jat);
    }
    u3z(out);
    u3z(jam);
    u3z(som);
  }

  {
    u3a_sweep_report rep_u;

    if ( c3n == u3a_sweep(&rep_u, c3y) ) {
      _fuzz_fail("the loom leaked or miscounted");
    }
  }
  return 0;
}
