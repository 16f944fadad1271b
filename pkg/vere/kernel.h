/// @file kernel.h
/// u3_kern: the built-in event kernels.  The runtime runs no Arvo: each
/// event is a small noun (an ovum) computed from (workload, seed, event
/// number, size) alone, and a kernel is a pure function from (state, ovum)
/// to the new state that reproduces a ship's memory behaviour:
///
///   kv     a growing map of keys to values of mixed sizes (an app's state)
///   churn  large temporary structures per event, keeping only a digest
///          (Arvo's computation)
///   blob   multi-megabyte atoms stored and later dropped (files)
///   mixed  all three, chosen per event (the default)
///
/// The state's layout and the ovum's are described at the top of kernel.c.
/// Same events in the same order give the same state (and state mug),
/// whatever road the kernel runs on and however the run was interrupted.
#ifndef U3_VERE_KERNEL_H
#define U3_VERE_KERNEL_H

#include <stdio.h>

#include "noun/noun.h"

  /** Workloads.
  **/
#   define u3_kern_kv     0
#   define u3_kern_churn  1
#   define u3_kern_blob   2
#   define u3_kern_mixed  3
#   define u3_kern_works  4     //  number of workloads

    //  the largest --size an ovum may carry, in MiB (the loom's own maximum)
#   define u3_kern_size_max 16384

    /* u3_kern_info: what a state holds, for the runtime's summary.
    */
    typedef struct {
      c3_d eve_d;        //  events applied
      c3_d kv_d;         //  kv events applied
      c3_d churn_d;      //  churn events applied
      c3_d blob_d;       //  blob events applied
      c3_d key_d;        //  live kv entries
      c3_d kvb_d;        //  bytes of kv values
      c3_d bln_d;        //  blobs held
      c3_d blb_d;        //  bytes of blobs held
      c3_d chb_d;        //  bytes of temporary nouns churn has built, total
      c3_d dig_d;        //  churn's running digest
    } u3_kern_info;

    /* u3_kern_workload(): parse a workload name; -1 if unknown. */
    c3_i
    u3_kern_workload(const c3_c* nam_c);

    /* u3_kern_name(): the name of workload wok_i ("?" if out of range). */
    const c3_c*
    u3_kern_name(c3_i wok_i);

    /* u3_kern_boot(): the initial state, a new noun on the current road. */
    u3_noun
    u3_kern_boot(void);

    /* u3_kern_ovum(): the event numbered eve_d of workload wok_i (a valid
    **   workload) with seed sed_d and size siz_w MiB (1 to u3_kern_size_max
    **   for the event to be accepted): a new noun of four cells at most.
    */
    u3_noun
    u3_kern_ovum(c3_i wok_i, c3_d sed_d, c3_d eve_d, c3_w siz_w);

    /* u3_kern_ovum_dup(): u3_kern_ovum for a workload whose kv values are
    **   dup_w percent (0 to 100) copies of live values, equal but built
    **   separately; dup_w 0 gives u3_kern_ovum's event.
    */
    u3_noun
    u3_kern_ovum_dup(c3_i wok_i, c3_d sed_d, c3_d eve_d, c3_w siz_w, c3_w dup_w);

    /* u3_kern_poke(): apply ovum ovo to state sat and return the new state
    **   (a new reference).  Retains both.  Bails %exit on a malformed ovum
    **   or state.  Meant to run on an inner road (u3m_soft); correct on
    **   any road.
    */
    u3_noun
    u3_kern_poke(u3_noun sat, u3_noun ovo);

    /* u3_kern_poke_cell(): u3_kern_poke on arg = [sat ovo] (retained), in
    **   the shape u3m_soft calls.
    */
    u3_noun
    u3_kern_poke_cell(u3_noun arg);

    /* u3_kern_info_get(): describe state sat (retained) in *inf_u; c3n if
    **   sat is not a kernel state.
    */
    c3_o
    u3_kern_info_get(u3_noun sat, u3_kern_info* inf_u);

    /* u3_kern_stats(): print a one-line description of sat (retained). */
    void
    u3_kern_stats(u3_noun sat, FILE* fil_u);

  /** The kv map: a treap ordered by key (atoms, by value), prioritized by
  *** the key's mug, persistent (updates copy one path and share the rest).
  *** A node is [[key value] left right]; the empty map is 0.  Exposed for
  *** tests and tools.
  **/
    /* u3_kern_map_put(): map with key set to val.  Retains map, transfers
    **   key and val; *old (if given) gets the replaced value, retained by
    **   map, or u3_none.  Returns a new reference.
    */
    u3_noun
    u3_kern_map_put(u3_noun map, u3_atom key, u3_noun val, u3_weak* old);

    /* u3_kern_map_del(): map without key.  Retains both; *old (if given)
    **   gets the removed value, retained by map, or u3_none.
    */
    u3_noun
    u3_kern_map_del(u3_noun map, u3_atom key, u3_weak* old);

    /* u3_kern_map_get(): the value at key, retained by map, or u3_none. */
    u3_weak
    u3_kern_map_get(u3_noun map, u3_atom key);

    /* u3_kern_map_check(): c3y if map (retained) is a well-formed treap:
    **   keys strictly increasing in order, each node's priority above its
    **   children's.  Reports entries and the deepest node's depth (the
    **   root is depth 1).
    */
    c3_o
    u3_kern_map_check(u3_noun map, c3_d* cnt_d, c3_w* dep_w);

  /** Churn's temporary structure, exposed so its size can be measured.
  **/
    /* u3_kern_churn_make(): the structure a churn event with seed sed_d
    **   and size siz_w builds (a new noun); *byt_d gets its size in bytes
    **   as the kernel counts it (object slots, at least siz_w MiB).
    */
    u3_noun
    u3_kern_churn_make(c3_d sed_d, c3_w siz_w, c3_d* byt_d);

    /* u3_kern_fold(): fold every atom and cell of som (retained), in
    **   order, into the 64-bit digest dig_d; iterative, writes nothing.
    **   Churn's digest is the fold of each structure into the last.
    */
    c3_d
    u3_kern_fold(c3_d dig_d, u3_noun som);

#endif  //  U3_VERE_KERNEL_H
