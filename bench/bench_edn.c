/* Benchmark of reading Jepsen EDN histories (issue 18 asks for at least
 * 50 MB/s): a history of BENCH_EDN_OPS operations shaped as Jepsen writes
 * them (a vector of maps with :type, :f, :value, :time, :process, :index,
 * and :error on indeterminate ones), generated from a fixed seed, written
 * to a temporary file and read with history_read_file, the path
 * `faultsim lincheck` takes (the file is mapped, not copied). Prints one
 * BENCH line in MB/s (10^6 bytes of file per wall-clock second) with the
 * file's size, the operations read, the CPU time and the rate per CPU
 * second (what a loaded machine does not blur) and target=50; the check is that every operation was
 * read. rss_kb against file_mb shows that the text is not held twice. */
#include "bench/bench_util.h"
#include "sim/check/history_read.h"
#include "sim/kernel/rng.h"
#include <glib/gstdio.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define BENCH_EDN_OPS 600000

/* Writes the history to `path`; returns the number of operations the
 * reader should keep (nemesis ones excluded), or 0 on an I/O error. */
static guint write_history(const char *path)
{
  FILE *f = fopen(path, "w");
  if (!f)
    return 0;
  SimRng rng;
  sim_rng_init(&rng, 20261130, "bench-edn");
  static const char *const fs[] = { "read", "write", "cas" };
  guint kept = 0;
  fputs("[", f);
  for (guint i = 0; i < BENCH_EDN_OPS; i += 2) {
    guint process = (guint) sim_rng_below(&rng, 50);
    const char *fn = fs[sim_rng_below(&rng, 3)];
    guint64 t = (guint64) i * 1000003ULL;
    char value[32];
    if (fn[0] == 'c')
      g_snprintf(value, sizeof value, "[%u %u]", (guint) sim_rng_below(&rng, 5), (guint) sim_rng_below(&rng, 5));
    else if (fn[0] == 'w')
      g_snprintf(value, sizeof value, "%u", (guint) sim_rng_below(&rng, 5));
    else
      g_snprintf(value, sizeof value, "nil");
    fprintf(f, "%s{:type :invoke, :f :%s, :value %s, :time %" G_GUINT64_FORMAT ", :process %u, :index %u}\n",
            i ? " " : "", fn, value, t, process, i);
    guint roll = (guint) sim_rng_below(&rng, 20);
    if (roll == 0)
      fprintf(f, " {:type :info, :f :%s, :value %s, :time %" G_GUINT64_FORMAT ", :process %u, :index %u, "
                 ":error [:timeout \"indeterminate: read timed out\"]}\n", fn, value, t + 500, process, i + 1);
    else if (roll == 1)
      fprintf(f, " {:type :info, :f :start, :value nil, :time %" G_GUINT64_FORMAT ", :process :nemesis, :index %u}\n",
              t + 500, i + 1);
    else
      fprintf(f, " {:type :ok, :f :%s, :value %s, :time %" G_GUINT64_FORMAT ", :process %u, :index %u}\n", fn,
              fn[0] == 'r' ? "3" : value, t + 500, process, i + 1);
    kept += roll == 1 ? 1 : 2;
  }
  fputs("]\n", f);
  return fclose(f) == 0 ? kept : 0;
}

int bench_edn(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("faultsim-bench-XXXXXX.edn", &path, NULL);
  if (fd < 0)
    return 1;
  close(fd);
  guint want = write_history(path);
  GStatBuf st;
  if (want == 0 || g_stat(path, &st) != 0) {
    g_unlink(path);
    return 1;
  }
  struct timespec c0, c1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  double t0 = bench_seconds();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = history_read_file(path, HISTORY_FORMAT_AUTO, &error);
  double secs = MAX(bench_seconds() - t0, 1e-6);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  double cpu = MAX((double) (c1.tv_sec - c0.tv_sec) + (double) (c1.tv_nsec - c0.tv_nsec) / 1e9, 1e-6);
  g_unlink(path);
  gboolean right = ops && ops->len == want;
  if (!right)
    fprintf(stderr, "bench_edn: read %u operations of %u: %s\n", ops ? ops->len : 0, want,
            error ? error->message : "wrong count");
  double mb = (double) st.st_size / 1e6;
  g_autofree char *extra = g_strdup_printf("file_mb=%.1f ops=%u seconds=%.3f cpu_seconds=%.3f cpu_rate=%.0f "
                                           "target=50 check=%s", mb, ops ? ops->len : 0, secs, cpu, mb / cpu,
                                           right ? "ok" : "FAILED");
  bench_report("edn_read", right ? mb / secs : 0, "MB/s", ref, extra);
  return right ? 0 : 1;
}
