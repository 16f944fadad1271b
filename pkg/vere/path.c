/// @file path.c
/// u3_path: where a pier keeps its files (the layout is in path.h).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c3/io.h"
#include "vere/path.h"

/* _cx_print(): PIER/.urb/REL into pat_c of siz_z bytes; its length, as
**   snprintf counts it (siz_z or more: it did not fit).
*/
static c3_z
_cx_print(c3_c* pat_c, c3_z siz_z, const c3_c* dir_c, const c3_c* rel_c)
{
  c3_i len_i = snprintf(pat_c, siz_z, "%s/.urb%s%s", dir_c,
                        *rel_c ? "/" : "", rel_c);
  return ( len_i < 0 ) ? ~(c3_z)0 : (c3_z)len_i;
}

/* u3_path_new(): a fresh PIER/.urb/REL; 0 if out of memory. */
c3_c*
u3_path_new(const c3_c* dir_c, const c3_c* rel_c)
{
  c3_z  len_z = _cx_print(0, 0, dir_c, rel_c);
  c3_c* pat_c = ( ~(c3_z)0 == len_z ) ? 0 : malloc(len_z + 1);

  if ( pat_c ) {
    _cx_print(pat_c, len_z + 1, dir_c, rel_c);
  }
  return pat_c;
}

/* u3_path_put(): PIER/.urb/REL into pat_c; 0, or -1 (reported). */
c3_i
u3_path_put(c3_c* pat_c, const c3_c* dir_c, const c3_c* rel_c)
{
  if ( _cx_print(pat_c, u3_path_max, dir_c, rel_c) >= u3_path_max ) {
    fprintf(stderr, "urbit: path too long: %s/.urb/%s\n", dir_c, rel_c);
    return -1;
  }
  return 0;
}

/* u3_path_mkdir(): make directory pat_c durably; 0 or -1 (reported). */
c3_i
u3_path_mkdir(const c3_c* pat_c, const c3_c* sub_c)
{
  if ( c3_io_mkdir(pat_c, 0755) ) {
    if ( ENOTDIR == errno ) {
      fprintf(stderr, "%s: %s: not a directory\n", sub_c, pat_c);
    }
    else {
      fprintf(stderr, "%s: mkdir %s: %s\n", sub_c, pat_c, strerror(errno));
    }
    return -1;
  }
  return 0;
}
