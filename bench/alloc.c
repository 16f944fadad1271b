/// @file alloc.c
/// Benchmark: loom cell allocation against glibc malloc(16)/free, in the
/// same run.  Prints cells allocated and freed per second for each, their
/// ratio (loom / malloc; above 1.0 the loom is faster), and heap bytes
/// per cell.  Medians of several rounds.
///
///   build/gcc/bench/alloc [cells] [rounds]
#include <malloc.h>
#include <string.h>
#include <time.h>

#include "noun/noun.h"
#include "bench.h"

typedef struct node { struct node* nex_u; c3_w val_w; } node;

int
main(int argc, char** argv)
{
  c3_w num_w = ( argc > 1 ) ? (c3_w)strtoul(argv[1], 0, 10) : 10000000;
  c3_w rnd_w = ( argc > 2 ) ? (c3_w)strtoul(argv[2], 0, 10) : 7;
  double lom_d[64], mal_d[64], raw_d[64], rmal_d[64];
  double lom_byt = 0, mal_byt = 0;
  void** ptr_v = malloc(sizeof(void*) * num_w);

  if ( rnd_w > 64 ) rnd_w = 64;
  if ( !ptr_v || u3m_init(31) ) {
    return 1;
  }
  u3m_pave();

  for ( c3_w r_w = 0; r_w < rnd_w; r_w++ ) {
    //  raw allocator: pointers kept in an array, freed in reverse order
    double t0 = h_now();
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      ptr_v[i_w] = u3a_celloc();
    }
    if ( 0 == r_w ) {
      u3a_stats sat_u;
      u3a_stat(0, &sat_u);
      lom_byt = (double)(sat_u.heap_d - ((c3_d)sat_u.meta_pages_w << u3a_page_bits)) / num_w;
    }
    for ( c3_w i_w = num_w; i_w-- > 0; ) {
      u3a_wfree(ptr_v[i_w]);
    }
    raw_d[r_w] = (double)num_w / (h_now() - t0);

    t0 = h_now();
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      ptr_v[i_w] = malloc(16);
    }
    if ( 0 == r_w ) {
      struct mallinfo2 inf_u = mallinfo2();
      mal_byt = (double)(inf_u.uordblks) / num_w;
    }
    for ( c3_w i_w = num_w; i_w-- > 0; ) {
      free(ptr_v[i_w]);
    }
    rmal_d[r_w] = (double)num_w / (h_now() - t0);

    //  nouns: a list built with u3nc and freed with u3z, against a linked
    //  list of 16-byte malloc'd nodes
    t0 = h_now();
    u3_noun lis = 0;
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      lis = u3nc(i_w, lis);
    }
    u3z(lis);
    lom_d[r_w] = (double)num_w / (h_now() - t0);

    t0 = h_now();
    node* top_u = 0;
    for ( c3_w i_w = 0; i_w < num_w; i_w++ ) {
      node* nod_u = malloc(sizeof(node));
      nod_u->nex_u = top_u;
      nod_u->val_w = i_w;
      top_u = nod_u;
    }
    while ( top_u ) {
      node* nex_u = top_u->nex_u;
      free(top_u);
      top_u = nex_u;
    }
    mal_d[r_w] = (double)num_w / (h_now() - t0);
  }

  double raw = _b_median(raw_d, rnd_w), rmal = _b_median(rmal_d, rnd_w);
  double lom = _b_median(lom_d, rnd_w), mal = _b_median(mal_d, rnd_w);

  printf("alloc: %u cells, %u rounds, medians (alloc + free, per second)\n", num_w, rnd_w);
  printf("  raw      loom %6.1f M/s   malloc(16) %6.1f M/s   ratio %.2f\n",
         raw / 1e6, rmal / 1e6, raw / rmal);
  printf("  list     u3nc+u3z %6.1f M/s   malloc list %6.1f M/s   ratio %.2f\n",
         lom / 1e6, mal / 1e6, lom / mal);
  printf("  bytes per cell: loom %.2f, malloc(16) %.2f\n", lom_byt, mal_byt);

  u3m_fini();
  free(ptr_v);
  return 0;
}
