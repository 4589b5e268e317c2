/* Benchmarks of the linearizability checker, one BENCH line each, fixed seeds:
 *   lincheck_register           10 processes, 10,000 ops, linearizable
 *   lincheck_register_info      5 processes, 2,000 ops, 5% info, linearizable
 *   lincheck_register_info_bad  the same with one corrupted read near the end
 *   lincheck_cas_values5_info_bad  5 processes, 400 ops, 5% info, values 1..5
 *                               (repeating, as Jepsen's), cas-register, corrupted read
 * A check runs under a budget of BENCH_LINCHECK_MAX_STEPS model steps; one
 * that does not reach the expected verdict prints rate=0 and check=FAILED and
 * makes the run fail. Each case runs in a process of its own. */
#include "bench/bench_util.h"
#include "sim/check/history_gen.h"
#include "sim/check/lincheck.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_LINCHECK_MAX_STEPS 20000000ULL

/* Replaces the value of the last ok read in `ops` by one never written. */
static void bench_corrupt_last_read(GPtrArray *ops)
{
  for (guint i = ops->len; i-- > 0;) {
    HistoryOp *op = g_ptr_array_index(ops, i);
    if (op->type == HISTORY_OK && strcmp(op->f, "read") == 0) {
      history_value_free(op->value);
      op->value = history_value_new(HISTORY_INT);
      op->value->i = 999999;
      return;
    }
  }
}

typedef struct {
  const char *name;
  guint64 seed;
  guint processes, n_ops;
  double info_rate;
  guint n_values;
  gboolean corrupt;
  LincheckVerdict want;
} LincheckCase;

/* Generates a register history (seed, processes, n_ops, info_rate, values
 * 1..n_values or all distinct when 0; checked as cas-register when n_values
 * is set), corrupts its last read when `corrupt`, checks it and prints one
 * BENCH line: ops per second, or rate=0 with a note on stderr when the
 * verdict is not `want` within the step budget (then returns 1). */
static int bench_one(gpointer data)
{
  const LincheckCase *c = data;
  double ref = bench_reference_rate();
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func((GDestroyNotify) history_op_free);
  history_gen_register_values(c->seed, c->processes, c->n_ops, c->info_rate, c->n_values, ops);
  if (c->corrupt)
    bench_corrupt_last_read(ops);
  LincheckLimits limits = { BENCH_LINCHECK_MAX_STEPS, 0 };
  LincheckResult r;
  double t0 = bench_seconds();
  const char *model = c->n_values ? "cas-register" : "register";
  gboolean ok = lincheck_check(lincheck_model_lookup(model), ops, &limits, &r, NULL);
  double secs = MAX(bench_seconds() - t0, 1e-6);
  gboolean right = ok && r.verdict == c->want;
  if (!ok)
    fprintf(stderr, "bench_lincheck: %s: history refused\n", c->name);
  else if (!right)
    fprintf(stderr, "bench_lincheck: %s: wrong or no verdict (%d) after %" G_GUINT64_FORMAT " steps, %.2f s\n",
            c->name, (int) r.verdict, r.steps, secs);
  g_autofree char *extra = g_strdup_printf("steps=%" G_GUINT64_FORMAT " seconds=%.3f check=%s", ok ? r.steps : 0,
                                           secs, right ? "ok" : "FAILED");
  bench_report(c->name, right ? (double) r.n_ops / secs : 0, "ops/s", ref, extra);
  if (ok)
    lincheck_result_clear(&r);
  return right ? 0 : 1;
}

int bench_lincheck(gpointer unused)
{
  (void) unused;
  static const LincheckCase cases[] = {
    { "lincheck_register", 20240601, 10, 10000, 0.0, 0, FALSE, LINCHECK_OK },
    { "lincheck_register_info", 7, 5, 2000, 0.05, 0, FALSE, LINCHECK_OK },
    { "lincheck_register_info_bad", 7, 5, 2000, 0.05, 0, TRUE, LINCHECK_VIOLATION },
    { "lincheck_cas_values5_info_bad", 1, 5, 400, 0.05, 5, TRUE, LINCHECK_VIOLATION },
  };
  int status = 0;
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
    status |= bench_fork(bench_one, (gpointer) &cases[i]);
  return status;
}
