/// @file mass.h
/// u3_mass: `urbit mass PIER`, where a stopped pier's memory goes, read
/// only and in bounded memory (the algorithm is at the top of mass.c).
#ifndef U3_VERE_MASS_H
#define U3_VERE_MASS_H

#include "c3/c3.h"

    /* u3_mass_opts: a mass run as the command line asked for it. */
    typedef struct {
      const c3_c* dir_c;     //  the pier
      c3_o  json_o;          //  one JSON object on stdout, not the text
      c3_o  quiet_o;         //  no progress lines
      const c3_c* svg_c;     //  a picture of the loom to this file, or 0
    } u3_mass_opts;

    /* u3_mass(): measure a stopped pier, writing nothing in it; the exit
    **   status: 0, 1 on failure (reported), 2 when the pier is in use.
    */
    c3_i
    u3_mass(const u3_mass_opts* opt_u);

#endif  //  U3_VERE_MASS_H
