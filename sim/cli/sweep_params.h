/* What a sweep runs: the parameter axes of `--param` (lists and numeric
 * ranges), their cross product, the seeds, and which runs a `--shard I/N`
 * takes. Pure functions of the command line, so tests can check them and
 * every shard of a sweep agrees on the same run list.
 *
 * The run list: point p (0-based, the first --param varying slowest, each
 * axis's values in the order given) and seed s give run index
 * p × seeds + (s − first seed). Shard I of N takes the runs whose index is
 * I − 1 modulo N (round robin, so slow points spread over every shard). */
#pragma once
#include <glib.h>

/* Most parameter points and runs one sweep may have. */
#define SWEEP_MAX_POINTS 1000000
#define SWEEP_MAX_RUNS 10000000

typedef struct {
  char *name;
  GPtrArray *values; /* of char*, as given or as a range generates them */
} SweepAxis;

typedef struct {
  GPtrArray *axes; /* of SweepAxis* in --param order */
  guint64 first_seed, nseeds;
  guint64 npoints, nruns;
  guint shard, nshards; /* 1-based shard; 1 of 1 without --shard */
} SweepPlan;

/* Parses one --param "NAME=SPEC" into a new axis. SPEC is a list
 * "V1,V2,..." (kept as text), a range "START:STOP:STEP" (START, START+STEP,
 * ... while not past STOP; STEP may be negative when STOP < START) or
 * "log:START:STOP:FACTOR" (START, START×FACTOR, ... while not past STOP;
 * START and STOP > 0, FACTOR > 1 going up or in (0, 1) going down).
 * Generated numbers are written with at most 12 significant digits ("0.3",
 * not "0.30000000000000004"); a point within a millionth of a step of STOP
 * counts as reaching it. FALSE with `error` for an empty name or value, a
 * range that is not numbers, a zero or wrong-way step, or more than
 * SWEEP_MAX_POINTS values. */
SweepAxis *sweep_axis_parse(const char *text, GError **error);
void sweep_axis_free(SweepAxis *axis);

/* Parses "I/N" (1 <= I <= N <= 100000). */
gboolean sweep_shard_parse(const char *text, guint *shard, guint *nshards, GError **error);

/* A plan over `axes` (taken; none is an error, as is a name given twice
 * or also fixed with --set, listed in `fixed`, which may be NULL), seeds
 * first..first+nseeds-1 and shard `shard` of `nshards`. FALSE with `error`
 * when the cross product has more than SWEEP_MAX_POINTS points or
 * SWEEP_MAX_RUNS runs. */
SweepPlan *sweep_plan_new(GPtrArray *axes, GHashTable *fixed, guint64 first_seed, guint64 nseeds, guint shard,
                          guint nshards, GError **error);
void sweep_plan_free(SweepPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepPlan, sweep_plan_free)

/* The value of axis `axis` at point `point`. */
const char *sweep_plan_value(const SweepPlan *plan, guint64 point, guint axis);
/* TRUE if run `index` belongs to the plan's shard. */
gboolean sweep_plan_in_shard(const SweepPlan *plan, guint64 index);
/* The number of runs in the plan's shard. */
guint64 sweep_plan_shard_runs(const SweepPlan *plan);
