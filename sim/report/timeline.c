/* The availability timeline: invoked and ok operations per time window,
 * read from the history (see sim/report/availability.h). */
#include "sim/report/availability.h"
#include "sim/kernel/internal.h"

guint64 sim_timeline_windows(SimTime window, SimTime end)
{
  g_return_val_if_fail(window > 0 && end >= 0, 1);
  guint64 n = (guint64) (end / window) + (end % window != 0);
  return n ? n : 1;
}

GArray *sim_availability_timeline(Sim *sim, SimTime window, SimTime end)
{
  g_return_val_if_fail(window > 0 && end >= 0, NULL);
  guint64 n = sim_timeline_windows(window, end);
  g_return_val_if_fail(n <= SIM_TIMELINE_MAX_WINDOWS, NULL);
  GArray *out = g_array_sized_new(FALSE, TRUE, sizeof(SimWindow), (guint) n);
  for (guint64 i = 0; i < n; i++) {
    SimWindow w = { (SimTime) i * window, i + 1 == n ? end : (SimTime) (i + 1) * window, 0, 0 };
    g_array_append_val(out, w);
  }
  /* Operation ids run 1..next_op: the window of each invoke, by id. */
  g_autofree guint32 *where = g_new0(guint32, sim->next_op + 1);
  const GArray *h = sim_history(sim);
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (e->op > sim->next_op)
      continue;
    if (e->type == SIM_OP_INVOKE) {
      guint64 k = e->time < 0 ? 0 : (guint64) (e->time / window);
      if (k >= n)
        k = n - 1;
      where[e->op] = (guint32) k;
      g_array_index(out, SimWindow, k).invoked++;
    } else if (e->type == SIM_OP_OK) {
      g_array_index(out, SimWindow, where[e->op]).ok++;
    }
  }
  return out;
}
