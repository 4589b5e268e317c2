/* Synthetic histories with a known answer, for tests and benchmarks: a real
 * register is simulated under concurrent clients, so the history it records
 * is linearizable by construction. Deterministic for a given seed. */
#pragma once
#include "sim/history_read.h"
#include <stdint.h>

/* Appends to `out` (an array of HistoryOp*, owning) the history of
 * `processes` clients issuing `n_ops` operations in total on one register:
 * reads and writes of distinct values, each taking effect at a random point
 * of its random interval, intervals of different clients overlapping.
 * Each op becomes an info with probability `info_rate` (its effect kept).
 * Events are in time order; the stream "lincheck-gen" of `seed` is used. */
void history_gen_register(uint64_t seed, guint processes, guint n_ops, double info_rate,
                          GPtrArray *out);
