/// @file mem.c
/// Reading the process's memory figures from /proc.  Used only for
/// reports, and by meld to watch its own memory (u3_mem_rss_kb, from
/// statm: a few microseconds); a missing file or field leaves a zero.
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "noun/allocate.h"
#include "vere/mem.h"

/* _cv_field(): value of "Name:   123 kB" if line starts with nam_c. */
static c3_t
_cv_field(const c3_c* lin_c, const c3_c* nam_c, c3_d* val_d)
{
  c3_z len_z = strlen(nam_c);
  if ( strncmp(lin_c, nam_c, len_z) || ':' != lin_c[len_z] ) {
    return 0;
  }
  *val_d = strtoull(lin_c + len_z + 1, 0, 10);
  return 1;
}

c3_d
u3_mem_rss_kb(void)
{
  //  /proc/self/statm: sizes in pages, the resident set second (a
  //  fraction of the cost of reading status)
  FILE*              fil_u = fopen("/proc/self/statm", "r");
  unsigned long long siz_d = 0, res_d = 0;

  if ( !fil_u ) {
    return 0;
  }
  if ( 2 != fscanf(fil_u, "%llu %llu", &siz_d, &res_d) ) {
    res_d = 0;
  }
  fclose(fil_u);
  return (c3_d)res_d * ((c3_d)sysconf(_SC_PAGESIZE) >> 10);
}

/* _cv_smaps(): commit charge and map count from /proc/self/smaps. */
static void
_cv_smaps(u3_mem* mem_u)
{
  FILE* fil_u = fopen("/proc/self/smaps", "r");
  c3_c  lin_c[512];
  c3_d  siz_d = 0;
  c3_t  lom_t = 0;
  c3_d  bas_d = (c3_d)(uintptr_t)u3a_loom_base;
  c3_d  end_d = bas_d + (1ULL << u3a_bits_max);

  if ( !fil_u ) {
    return;
  }
  while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
    c3_d val_d;
    c3_c* das_c;
    //  an area's first line is "start-end perms offset dev inode path";
    //  its fields' lines start with a capitalized name
    if ( lin_c[0] && strchr("0123456789abcdef", lin_c[0])
         && (das_c = strchr(lin_c, '-')) && das_c < strchr(lin_c, ' ') )
    {
      //  an area's first line: "start-end perms offset dev inode path"
      c3_d sat_d = strtoull(lin_c, 0, 16);
      lom_t = (sat_d >= bas_d && sat_d < end_d);
    }
    if ( _cv_field(lin_c, "Size", &val_d) ) {
      siz_d = val_d;
      mem_u->maps_w++;
    }
    else if ( !strncmp(lin_c, "VmFlags:", 8) ) {
      //  flags are two-letter words; "ac" is accountable (commit charged)
      for ( c3_c* flg_c = lin_c + 8; *flg_c; ) {
        while ( ' ' == *flg_c ) flg_c++;
        if ( 'a' == flg_c[0] && 'c' == flg_c[1] && (' ' == flg_c[2] || '\n' == flg_c[2] || !flg_c[2]) ) {
          mem_u->commit_kb += siz_d;
          if ( lom_t ) {
            mem_u->loom_commit_kb += siz_d;
          }
          break;
        }
        while ( *flg_c && ' ' != *flg_c ) flg_c++;
      }
    }
  }
  fclose(fil_u);
}

void
u3_mem_read(u3_mem* mem_u, c3_o ful_o)
{
  FILE* fil_u;
  c3_c  lin_c[256];

  memset(mem_u, 0, sizeof(*mem_u));
  if ( (fil_u = fopen("/proc/self/status", "r")) ) {
    while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
      (void)( _cv_field(lin_c, "VmRSS", &mem_u->rss_kb)
           || _cv_field(lin_c, "VmHWM", &mem_u->rss_peak_kb)
           || _cv_field(lin_c, "RssAnon", &mem_u->anon_kb)
           || _cv_field(lin_c, "RssFile", &mem_u->file_kb)
           || _cv_field(lin_c, "RssShmem", &mem_u->shmem_kb)
           || _cv_field(lin_c, "VmSwap", &mem_u->swap_kb) );
    }
    fclose(fil_u);
  }
  if ( (fil_u = fopen("/proc/self/smaps_rollup", "r")) ) {
    while ( fgets(lin_c, sizeof(lin_c), fil_u) ) {
      if ( _cv_field(lin_c, "LazyFree", &mem_u->lazyfree_kb) ) {
        break;
      }
    }
    fclose(fil_u);
  }
  if ( _(ful_o) ) {
    _cv_smaps(mem_u);
  }

  struct rusage use_u;
  if ( 0 == getrusage(RUSAGE_SELF, &use_u) ) {
    mem_u->minflt_d = (c3_d)use_u.ru_minflt;
    mem_u->majflt_d = (c3_d)use_u.ru_majflt;
  }
}
