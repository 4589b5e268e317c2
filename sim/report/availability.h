/* Availability over time and per node, for reports and --csv.
 *
 * The timeline splits the run [0, end] into windows of equal length and
 * counts, per window, the operations invoked in it and how many of those
 * completed ok (an ok is only ever recorded before the operation's
 * deadline, so "ok" means "ok in time"). Each operation counts in the
 * window where it was invoked, so the windows add up to the run's totals.
 *
 * Per-node uptime figures (sim_node_uptime) come from the kernel, in
 * sim/kernel/sim.h. */
#pragma once
#include "sim/kernel/sim.h"

typedef struct {
  SimTime start, end;     /* [start, end); the last window also holds `end` */
  guint64 invoked, ok;
} SimWindow;

/* The most windows a timeline may have; a longer one is refused. */
#define SIM_TIMELINE_MAX_WINDOWS 1000000

/* The number of windows of length `window` (> 0) covering [0, end]: at
 * least 1, the last one possibly shorter. */
guint64 sim_timeline_windows(SimTime window, SimTime end);
/* The timeline of the history so far, as an array of SimWindow in time
 * order. `window` > 0 and sim_timeline_windows(window, end) must be at most
 * SIM_TIMELINE_MAX_WINDOWS (programmer errors: NULL otherwise). */
GArray *sim_availability_timeline(Sim *sim, SimTime window, SimTime end);
