/// @file mem.h
/// u3_mem: the process's memory as the kernel accounts it, for run reports.
#ifndef U3_VERE_MEM_H
#define U3_VERE_MEM_H

#include "c3/c3.h"

    /* u3_mem: figures in KiB, from /proc/self/status and smaps_rollup.
    */
    typedef struct {
      c3_d rss_kb;       //  VmRSS
      c3_d rss_peak_kb;  //  VmHWM
      c3_d anon_kb;      //  RssAnon
      c3_d file_kb;      //  RssFile
      c3_d shmem_kb;     //  RssShmem
      c3_d lazyfree_kb;  //  LazyFree (smaps_rollup): MADV_FREE'd, still counted
      c3_d swap_kb;      //  VmSwap
      c3_d maps_w;       //  lines in /proc/self/maps
      c3_d commit_kb;    //  sum of Size over smaps areas flagged "ac"
      c3_d loom_commit_kb;  //  the same, inside the loom
      c3_d minflt_d;     //  minor faults (getrusage)
      c3_d majflt_d;     //  major faults
    } u3_mem;

    /* u3_mem_read(): fill mem_u; fields the kernel does not give stay 0.
    **   The commit and map counts read /proc/self/smaps, which costs time
    **   proportional to the mappings: only when ful_o is c3y.
    */
    void
    u3_mem_read(u3_mem* mem_u, c3_o ful_o);

    /* u3_mem_rss_kb(): VmRSS alone, cheaply. */
    c3_d
    u3_mem_rss_kb(void);

#endif  //  U3_VERE_MEM_H
