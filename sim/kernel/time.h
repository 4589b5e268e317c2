/* Virtual time: signed 64-bit nanoseconds, never a float inside the kernel.
 * Durations in scenarios and flags are written "150ms", "2s", "1.5us" or as
 * plain seconds; sim_time_parse turns them into nanoseconds exactly. */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef int64_t SimTime;

#define SIM_NS ((SimTime) 1)
#define SIM_US ((SimTime) 1000)
#define SIM_MS ((SimTime) 1000000)
#define SIM_S  ((SimTime) 1000000000)
#define SIM_TIME_MAX INT64_MAX

/* Parses a duration such as "150ms", "2s", "0.5", "3m", "10us", "7ns".
 * A bare number is seconds. Negative, NaN, infinite or out-of-range values
 * fail with a GError naming the text. */
gboolean sim_time_parse(const char *text, SimTime *out, GError **error);

/* Converts seconds (a double from a script) to nanoseconds, rounding to the
 * nearest; fails on NaN, infinity, negatives and values beyond ~292 years. */
gboolean sim_time_from_seconds(double seconds, SimTime *out, GError **error);

/* Seconds as a double, for reports only. */
static inline double sim_time_to_seconds(SimTime t) { return (double) t / 1e9; }
