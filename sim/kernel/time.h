/* Virtual time: signed 64-bit nanoseconds, never a float inside the kernel.
 * Durations in scenarios and flags are written "150ms", "2s", "1.5us" or as
 * plain seconds; sim_time_parse turns them into nanoseconds exactly.
 *
 * int64 nanoseconds overflow after ~292 years and scripts will ask for
 * "9e9s", so every sum of times in the simulator goes through the
 * saturating helpers below: a time that would pass SIM_TIME_MAX becomes
 * SIM_TIME_MAX, which the run loop treats as "never" (an event scheduled
 * there never fires). */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef int64_t SimTime;

#define SIM_NS ((SimTime) 1)
#define SIM_US ((SimTime) 1000)
#define SIM_MS ((SimTime) 1000000)
#define SIM_S  ((SimTime) 1000000000)
#define SIM_TIME_MAX INT64_MAX
#define SIM_TIME_MIN INT64_MIN

/* Parses a duration such as "150ms", "2s", "0.5", "3m", "10us", "7ns".
 * A bare number is seconds. Negative, NaN, infinite or out-of-range values
 * fail with a GError naming the text. */
gboolean sim_time_parse(const char *text, SimTime *out, GError **error);

/* The longest duration a script or flag may write: 9e9 s (~285 years). */
#define SIM_DURATION_MAX_S 9.0e9

/* Converts seconds (a double from a script) to nanoseconds, rounding to the
 * nearest; fails on NaN, infinity, negatives and values beyond
 * SIM_DURATION_MAX_S. */
gboolean sim_time_from_seconds(double seconds, SimTime *out, GError **error);

/* Seconds as a double, for reports only. */
static inline double sim_time_to_seconds(SimTime t) { return (double) t / 1e9; }

/* a + b, clamped to [SIM_TIME_MIN, SIM_TIME_MAX] instead of overflowing. */
static inline SimTime sim_time_add_sat(SimTime a, SimTime b)
{
  SimTime r;
  if (__builtin_add_overflow(a, b, &r))
    return b > 0 ? SIM_TIME_MAX : SIM_TIME_MIN;
  return r;
}

/* a - b, clamped like sim_time_add_sat. */
static inline SimTime sim_time_sub_sat(SimTime a, SimTime b)
{
  SimTime r;
  if (__builtin_sub_overflow(a, b, &r))
    return b < 0 ? SIM_TIME_MAX : SIM_TIME_MIN;
  return r;
}

/* The time `delay` after `now`: a negative delay counts as 0 and a sum past
 * SIM_TIME_MAX is SIM_TIME_MAX (never). */
static inline SimTime sim_time_after(SimTime now, SimTime delay)
{
  return sim_time_add_sat(now, delay > 0 ? delay : 0);
}

/* A 128-bit intermediate (drift arithmetic) clamped into SimTime. */
static inline SimTime sim_time_from_i128_sat(__int128 v)
{
  if (v > (__int128) SIM_TIME_MAX)
    return SIM_TIME_MAX;
  if (v < (__int128) SIM_TIME_MIN)
    return SIM_TIME_MIN;
  return (SimTime) v;
}

/* Nanoseconds held in a double (a random draw) as a non-negative SimTime:
 * NaN and values <= 0 give 0, values at or past 2^63 give SIM_TIME_MAX
 * (casting an out-of-range double to an integer is undefined behaviour). */
SimTime sim_time_from_ns_double(double ns);
