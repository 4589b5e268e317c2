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

/* Checks `ops` with `model` and prints one BENCH line `name`: ops per
 * second, or rate=0 with a note on stderr when the verdict is not `want`
 * within the step budget. Steps, time and search memory go to stderr. */
static void bench_check(const char *name, const char *model, GPtrArray *ops, LincheckVerdict want)
{
  LincheckLimits limits = { BENCH_LINCHECK_MAX_STEPS, 0, 0 };
  LincheckResult r;
  gint64 t0 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing */
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
    fprintf(stderr, "bench_lincheck: %s: %" G_GUINT64_FORMAT " steps, %.3f s, search memory %.1f MiB (%.0f bytes/step)\n",
            name, r.steps, secs, (double) r.peak_memory / 1048576.0,
            r.steps ? (double) r.peak_memory / (double) r.steps : 0.0);
    lincheck_result_clear(&r);
  }
}

/* Generates a register history (seed, processes, n_ops, info_rate, values
 * 1..n_values or all distinct when 0; checked as cas-register when n_values
 * is set), corrupts its last read when `corrupt`, and runs bench_check. */
static void bench_one(const char *name, guint64 seed, guint processes, guint n_ops,
                      double info_rate, guint n_values, gboolean corrupt, LincheckVerdict want)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func((GDestroyNotify) history_op_free);
  history_gen_register_values(seed, processes, n_ops, info_rate, n_values, ops);
  if (corrupt)
    history_gen_corrupt_last_read(ops, 0, 999999);
  bench_check(name, n_values ? "cas-register" : "register", ops, want);
}

void bench_lincheck(void)
{
  bench_one("lincheck_register", 20240601, 10, 10000, 0.0, 0, FALSE, LINCHECK_OK);
  bench_one("lincheck_register_info", 7, 5, 2000, 0.05, 0, FALSE, LINCHECK_OK);
  bench_one("lincheck_register_info_bad", 7, 5, 2000, 0.05, 0, TRUE, LINCHECK_VIOLATION);
  bench_one("lincheck_cas_values5_info_bad", 1, 5, 400, 0.05, 5, TRUE, LINCHECK_VIOLATION);
  g_autoptr(GPtrArray) kv = g_ptr_array_new_with_free_func((GDestroyNotify) history_op_free);
  history_gen_kv_hard_first(1, 10, 5, 800, 50, 5, kv);
  bench_check("lincheck_kv_hard_first", "register", kv, LINCHECK_VIOLATION);
}
