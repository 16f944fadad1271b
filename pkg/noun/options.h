/// @file options.h
/// u3C: the loom's geometry, policy flags and paths.
#ifndef U3_OPTIONS_H
#define U3_OPTIONS_H

#include "c3/c3.h"

    /* u3o_options: what the runtime was asked for.  One global, u3C.
    */
    typedef struct {
      c3_w   bits_w;     //  loom size is 2^bits_w bytes
      c3_w   pages_w;    //  loom pages (derived)
      c3_o   demand_o;   //  map the image on demand (c3y) or copy it in
      const c3_c* dir_c; //  pier directory, 0 if none
    } u3o_options;

    extern u3o_options u3C;

#endif  //  U3_OPTIONS_H
