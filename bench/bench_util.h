/* Helpers for benchmarks: wall time and peak memory. Benchmarks measure the
 * machine, so these are the one place a wall clock is read on purpose. */
#pragma once
#include <glib.h>
#include <stdio.h>
#include <string.h>

static inline double bench_seconds(void)
{
  return (double) g_get_monotonic_time() / 1e6; /* wallclock-ok: benchmark timing */
}

/* A /proc/self/status field in kB (VmHWM = peak, VmRSS = current). */
static inline long bench_status_kb(const char *field)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  size_t n = strlen(field);
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, field, n) == 0 && line[n] == ':')
      kb = strtol(line + n + 1, NULL, 10);
  if (f)
    fclose(f);
  return kb;
}

static inline void bench_report(const char *name, double rate, const char *unit)
{
  printf("BENCH name=%s rate=%.0f unit=%s rss_kb=%ld\n", name, rate, unit, bench_status_kb("VmHWM"));
  fflush(stdout);
}
