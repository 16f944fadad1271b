/// @file pack.h
/// u3_pack: `urbit pack PIER`, compacting the home heap.
#ifndef U3_VERE_PACK_H
#define U3_VERE_PACK_H

#include "c3/c3.h"

    /* u3_pack(): compact the home road's heap in place (a u3_pier_tool):
    **   0, or -1 (reported).
    */
    c3_i
    u3_pack(c3_o quiet_o);

#endif  //  U3_VERE_PACK_H
