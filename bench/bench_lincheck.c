/* Benchmark of the linearizability checker: a 10-process, 10,000-operation
 * linearizable register history (fixed seed), checked once. */
#include "sim/history_gen.h"
#include "sim/lincheck.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Generates, checks and prints one BENCH line; prints an error line instead
 * if the history is not found linearizable. */
void bench_lincheck(void)
{
  const guint n_ops = 10000;
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func((GDestroyNotify) history_op_free);
  history_gen_register(20240601, 10, n_ops, 0.0, ops);
  LincheckResult r;
  gint64 t0 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing */
  gboolean ok = lincheck_check(lincheck_model_lookup("register"), ops, NULL, &r, NULL);
  gint64 t1 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing */
  if (!ok || r.verdict != LINCHECK_OK) {
    fprintf(stderr, "bench_lincheck: generated history not found linearizable\n");
    if (ok)
      lincheck_result_clear(&r);
    return;
  }
  double secs = (double) MAX(t1 - t0, 1) / 1e6;
  printf("BENCH name=lincheck_register rate=%.0f unit=ops/s rss_kb=%ld\n",
         (double) r.n_ops / secs, bench_rss_kb());
  lincheck_result_clear(&r);
}
