/* Client workloads: closed-loop (one operation in flight, then a think time)
 * or open-loop (Poisson arrivals at a rate), an operation mix by weight, a
 * key range and a per-operation timeout after which the outcome is `info`.
 * Each client draws from its own "workload:<node>" stream. */
#pragma once
#include "sim/kernel/sim.h"

typedef struct {
  char *f;
  double weight;
} WorkloadOp;

typedef struct {
  gboolean open_loop;
  double rate;        /* open loop: operations per second */
  SimTime think;      /* closed loop: pause between operations */
  SimTime timeout;    /* per operation; 0 = none */
  SimTime start, stop;
  int64_t keys;       /* > 0: each op gets a key in [0, keys) */
  int64_t cas_values; /* cas draws [old, new] from [0, cas_values) */
  GArray *ops;        /* of WorkloadOp */
} WorkloadSpec;

typedef struct WorkloadSet WorkloadSet;

WorkloadSet *workload_set_new(Sim *sim);
void workload_set_free(WorkloadSet *set);
void workload_spec_clear(WorkloadSpec *spec);
/* Drives client `node` with `spec` (copied). Fails if the node's model cannot
 * take operations or the spec is inconsistent. */
gboolean workload_attach(WorkloadSet *set, int node, const WorkloadSpec *spec, GError **error);
/* For the event-limit message: if `fn` is a workload's arrival callback,
 * says whose (`*where` NULL, `*what` interned in the Sim) and returns TRUE. */
gboolean workload_describe(SimCallFn fn, void *data, const char **where, const char **what);
