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

/* Replaces the value of the last ok read among ops[from..] by `value` (an
 * integer never written, so the history is no longer linearizable).
 * Returns FALSE when there is no ok read there. */
gboolean history_gen_corrupt_last_read(GPtrArray *ops, guint from, gint64 value);

/* Appends a multi-key register history shaped like Porcupine's c50-bad test:
 * `keys` keys, each with its own `clients` processes (key k's are numbered
 * from k * 1000000), all merged in time order, every other key starting
 * after key 0's first invocation. Key 0 is hard: `hard_ops` ops with values drawn from 1..5 and 5% info ops, its
 * last read corrupted (not linearizable, but only a long search shows it).
 * Every other key has `ops_per_key` ops with distinct values and 5% info;
 * key `bad_key` (1..keys-1) has its last read corrupted too, which the
 * search finds within a few thousand steps. Deterministic for `seed`. */
void history_gen_kv_hard_first(uint64_t seed, guint keys, guint clients, guint hard_ops,
                               guint ops_per_key, guint bad_key, GPtrArray *out);

/* `ops` as EDN lines, one map a line as in Jepsen's history.edn (with :key
 * when an op has one, :time when known). Returns a new string. */
char *history_gen_to_edn(GPtrArray *ops);
