/// @file crc.h
/// CRC-32C (Castagnoli), for checksums of log records, pages and headers.
#ifndef C3_CRC_H
#define C3_CRC_H

#include "c3/c3.h"

    /* c3_crc32c(): extend crc_w (start with 0) over len_z bytes at buf_v. */
    c3_w
    c3_crc32c(c3_w crc_w, const void* buf_v, c3_z len_z);

#endif  //  C3_CRC_H
