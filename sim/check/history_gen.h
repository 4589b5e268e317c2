/* Synthetic histories with a known answer, for tests and benchmarks: a real
 * register is simulated under concurrent clients, so the history it records
 * is linearizable by construction. Deterministic for a given seed. */
#pragma once
#include "sim/check/history_read.h"
#include <stdint.h>

/* Appends to `out` (an array of HistoryOp*, owning) the history of
 * `processes` clients issuing `n_ops` operations in total on one register:
 * reads and writes of distinct values, each taking effect at a random point
 * of its random interval, intervals of different clients overlapping.
 * Each op becomes an info with probability `info_rate` (its effect kept).
 * Events are in time order; the stream "lincheck-gen" of `seed` is used. */
void history_gen_register(uint64_t seed, guint processes, guint n_ops, double info_rate,
                          GPtrArray *out);
/* The same, but writes draw their values from 1..n_values (as Jepsen's
 * register tests do), so values repeat; n_values 0 is history_gen_register. */
void history_gen_register_values(uint64_t seed, guint processes, guint n_ops, double info_rate,
                                 guint n_values, GPtrArray *out);
