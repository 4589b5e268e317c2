/* Shrinking the 3PC case (issue 17: under 10 s on one core): `faultsim
 * shrink scenarios/shrink_3pc_nemesis.lua` at seed 3 (to 1 fault) and at
 * seed 1 (the slowest of seeds 1-10 measured, 5 faults left), in process,
 * one thread. */
#include "bench/bench_util.h"
#include "sim/cli/shrink.h"
#include <stdio.h>

/* Shrinks one seed; returns the seconds it took, or -1 if it failed.
 * `*faults` and `*runs` get the result's size and the runs it took. */
static double shrink_seconds(guint64 seed, guint *faults, guint *runs)
{
  Shrink s = { .path = "scenarios/shrink_3pc_nemesis.lua", .seed = seed, .limits = SCENARIO_LIMITS_DEFAULT,
               .max_runs = 2000 };
  ShrinkSize before;
  double t0 = bench_seconds();
  gboolean ok = shrink_start(&s, NULL, FALSE, &before, NULL) && shrink_replays(&s);
  if (ok)
    shrink_all(&s);
  double dt = bench_seconds() - t0;
  *faults = s.faults ? fault_schedule_len(s.faults) : 0;
  *runs = s.runs;
  shrink_clear(&s);
  return ok ? dt : -1;
}

int bench_shrink_3pc(gpointer unused)
{
  (void) unused;
  double ref = bench_reference_rate();
  guint f3 = 0, r3 = 0, f1 = 0, r1 = 0;
  double s3 = shrink_seconds(3, &f3, &r3);
  double s1 = shrink_seconds(1, &f1, &r1);
  gboolean ok = s3 >= 0 && s1 >= 0 && f3 <= 2 && s3 < 10 && s1 < 10;
  g_autofree char *extra = g_strdup_printf("seed3_s=%.3f seed3_runs=%u seed3_faults=%u seed1_s=%.3f seed1_runs=%u "
                                           "seed1_faults=%u target_s=10 check=%s", s3, r3, f3, s1, r1, f1,
                                           ok ? "ok" : "FAILED");
  bench_report("shrink_3pc", (r3 + r1) / MAX(s3 + s1, 1e-9), "runs/s", ref, extra);
  return ok ? 0 : 1;
}
