/* Benchmarks of the linearizability checker, one BENCH line each, fixed seeds:
 *   lincheck_register           10 processes, 10,000 ops, linearizable
 *   lincheck_register_info      5 processes, 2,000 ops, 5% info, linearizable
 *   lincheck_register_info_bad  the same with one corrupted read near the end
 *   lincheck_cas_values5_info_bad  5 processes, 400 ops, 5% info, values 1..5
 *                               (repeating, as Jepsen's), cas-register, corrupted read
 * A check runs under a budget of BENCH_LINCHECK_MAX_STEPS model steps; one
 * that does not reach the expected verdict prints rate=0 and a note on stderr. */
#include "sim/check/history_gen.h"
#include "sim/check/lincheck.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_LINCHECK_MAX_STEPS 20000000ULL

void bench_lincheck(void);

/* Peak resident set size in kB from /proc/self/status, or 0. */
static long bench_rss_kb(void)
{
  FILE *f = fopen("/proc/self/status", "r");
  if (!f)
    return 0;
  char line[256];
  long kb = 0;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmHWM:", 6) == 0)
      kb = strtol(line + 6, NULL, 10);
  fclose(f);
  return kb;
}

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

/* Generates a register history (seed, processes, n_ops, info_rate, values
 * 1..n_values or all distinct when 0; checked as cas-register when n_values
 * is set), corrupts
 * its last read when `corrupt`, checks it and prints one BENCH line `name`:
 * ops per second, or rate=0 with a note on stderr when the verdict is not
 * `want` within the step budget. */
static void bench_one(const char *name, guint64 seed, guint processes, guint n_ops,
                      double info_rate, guint n_values, gboolean corrupt, LincheckVerdict want)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func((GDestroyNotify) history_op_free);
  history_gen_register_values(seed, processes, n_ops, info_rate, n_values, ops);
  if (corrupt)
    bench_corrupt_last_read(ops);
  LincheckLimits limits = { BENCH_LINCHECK_MAX_STEPS, 0 };
  LincheckResult r;
  gint64 t0 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing */
  const char *model = n_values ? "cas-register" : "register";
  gboolean ok = lincheck_check(lincheck_model_lookup(model), ops, &limits, &r, NULL);
  gint64 t1 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing */
  double secs = (double) MAX(t1 - t0, 1) / 1e6;
  double rate = 0;
  if (!ok)
    fprintf(stderr, "bench_lincheck: %s: history refused\n", name);
  else if (r.verdict != want)
    fprintf(stderr, "bench_lincheck: %s: wrong or no verdict (%d) after %" G_GUINT64_FORMAT
            " steps, %.2f s\n", name, (int) r.verdict, r.steps, secs);
  else
    rate = (double) r.n_ops / secs;
  printf("BENCH name=%s rate=%.0f unit=ops/s rss_kb=%ld\n", name, rate, bench_rss_kb());
  if (ok) {
    fprintf(stderr, "bench_lincheck: %s: %" G_GUINT64_FORMAT " steps, %.3f s\n", name, r.steps, secs);
    lincheck_result_clear(&r);
  }
}

void bench_lincheck(void)
{
  bench_one("lincheck_register", 20240601, 10, 10000, 0.0, 0, FALSE, LINCHECK_OK);
  bench_one("lincheck_register_info", 7, 5, 2000, 0.05, 0, FALSE, LINCHECK_OK);
  bench_one("lincheck_register_info_bad", 7, 5, 2000, 0.05, 0, TRUE, LINCHECK_VIOLATION);
  bench_one("lincheck_cas_values5_info_bad", 1, 5, 400, 0.05, 5, TRUE, LINCHECK_VIOLATION);
}
