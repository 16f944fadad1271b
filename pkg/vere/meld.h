/// @file meld.h
/// u3_meld: `urbit meld PIER`, storing each distinct noun once.
#ifndef U3_VERE_MELD_H
#define U3_VERE_MELD_H

#include "c3/c3.h"

    /* u3_meld(): merge equal nouns of the home road's state (a
    **   u3_pier_tool): 0, or -1 (reported).
    */
    c3_i
    u3_meld(c3_o quiet_o);

#endif  //  U3_VERE_MELD_H
