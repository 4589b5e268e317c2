/* Latency distributions for links, drawn from a seeded stream. Written in
 * scenarios as "5ms" (constant), "uniform:1ms,10ms", "exp:5ms" (mean),
 * "exp:5ms,1ms" (mean, plus a floor), "normal:10ms,2ms" (mean, stddev;
 * truncated at 0) and "lognormal:10ms,0.5" (median, sigma). */
#pragma once
#include "sim/kernel/rng.h"
#include "sim/kernel/time.h"

typedef enum {
  SIM_DIST_CONSTANT,
  SIM_DIST_UNIFORM,
  SIM_DIST_EXPONENTIAL,
  SIM_DIST_NORMAL,
  SIM_DIST_LOGNORMAL,
} SimDistKind;

typedef struct {
  SimDistKind kind;
  SimTime a;     /* constant value, uniform low, mean, or median */
  SimTime b;     /* uniform high, exponential floor, or normal stddev */
  double sigma;  /* lognormal shape */
} SimDist;

static inline SimDist sim_dist_constant(SimTime t) { return (SimDist) { SIM_DIST_CONSTANT, t, 0, 0 }; }

/* Draws one non-negative duration. A constant draws no randomness. A draw
 * too large for SimTime (a lognormal tail) is SIM_TIME_MAX: never. */
SimTime sim_dist_draw(const SimDist *dist, SimRng *rng);

/* Parses the forms above; fails with a message naming the text. */
gboolean sim_dist_parse(const char *text, SimDist *out, GError **error);

/* The canonical text form, for reports; free with g_free. */
char *sim_dist_to_string(const SimDist *dist);
