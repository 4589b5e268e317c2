/* Benchmarks of the linearizability checker, one BENCH line each, fixed seeds:
 *   lincheck_register           10 processes, 10,000 ops, linearizable
 *   lincheck_register_info      5 processes, 2,000 ops, 5% info, linearizable
 *   lincheck_register_info_bad  the same with one corrupted read near the end
 *   lincheck_cas_values5_info_bad  5 processes, 400 ops, 5% info, values 1..5
 *                               (repeating, as Jepsen's), cas-register, corrupted read
 *   lincheck_kv_hard_first      the shape of Porcupine's c50-bad: 10 keys of 5
 *                               clients, a hard first key (800 ops, values
 *                               1..5), a violation on key 5: time to verdict
 *                               (before key rounds: no verdict in 20M steps)
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

typedef struct {
  const char *name;
  guint64 seed;
  guint processes, n_ops;
  double info_rate;
  guint n_values;
  gboolean corrupt;
  gboolean kv_hard_first; /* the c50-bad shape instead of one register */
  LincheckVerdict want;
} LincheckCase;

/* Generates the case's history (one register: seed, processes, n_ops,
 * info_rate, values 1..n_values or all distinct when 0, checked as
 * cas-register when n_values is set, its last read corrupted when
 * `corrupt`; or the c50-bad shape), checks it and prints one BENCH line:
 * ops per second, or rate=0 with a note on stderr when the verdict is not
 * `want` within the step budget (then returns 1). Steps, time and search
 * memory go to stderr. */
static int bench_one(gpointer data)
{
  const LincheckCase *c = data;
  double ref = bench_reference_rate();
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func((GDestroyNotify) history_op_free);
  const char *model = "register";
  if (c->kv_hard_first) {
    history_gen_kv_hard_first(c->seed, 10, 5, 800, 50, 5, ops);
  } else {
    history_gen_register_values(c->seed, c->processes, c->n_ops, c->info_rate, c->n_values, ops);
    if (c->corrupt)
      history_gen_corrupt_last_read(ops, 0, 999999);
    if (c->n_values)
      model = "cas-register";
  }
  LincheckLimits limits = { BENCH_LINCHECK_MAX_STEPS, 0, 0 };
  LincheckResult r;
  double t0 = bench_seconds();
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
  if (ok) {
    fprintf(stderr, "bench_lincheck: %s: search memory %.1f MiB (%.0f bytes/step)\n", c->name,
            (double) r.peak_memory / 1048576.0, r.steps ? (double) r.peak_memory / (double) r.steps : 0.0);
    lincheck_result_clear(&r);
  }
  return right ? 0 : 1;
}

int bench_lincheck(gpointer unused)
{
  (void) unused;
  static const LincheckCase cases[] = {
    { "lincheck_register", 20240601, 10, 10000, 0.0, 0, FALSE, FALSE, LINCHECK_OK },
    { "lincheck_register_info", 7, 5, 2000, 0.05, 0, FALSE, FALSE, LINCHECK_OK },
    { "lincheck_register_info_bad", 7, 5, 2000, 0.05, 0, TRUE, FALSE, LINCHECK_VIOLATION },
    { "lincheck_cas_values5_info_bad", 1, 5, 400, 0.05, 5, TRUE, FALSE, LINCHECK_VIOLATION },
    { "lincheck_kv_hard_first", 1, 0, 0, 0.0, 0, FALSE, TRUE, LINCHECK_VIOLATION },
  };
  int status = 0;
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
    status |= bench_fork(bench_one, (gpointer) &cases[i]);
  return status;
}
