/* Benchmark helpers: see bench_util.h. */
#include "bench/bench_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

double bench_seconds(void)
{
  return (double) g_get_monotonic_time() / 1e6; /* wallclock-ok: benchmark timing */
}

double bench_cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* wallclock-ok: benchmark timing (CPU) */
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

long bench_status_kb(const char *field)
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

#define REF_TABLE (1u << 17) /* 2^17 words: 1 MiB */
#define REF_ROUNDS (1u << 23)

double bench_reference_rate(void)
{
  g_autofree guint64 *table = g_new0(guint64, REF_TABLE);
  guint64 x = 0x9e3779b97f4a7c15ULL, acc = 0;
  double t0 = bench_seconds();
  for (guint i = 0; i < REF_ROUNDS; i++) {
    /* splitmix64's mix, then a read-modify-write where the mix points. */
    x += 0x9e3779b97f4a7c15ULL;
    guint64 z = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    guint64 *slot = &table[(z ^ acc) & (REF_TABLE - 1)];
    acc += *slot;
    *slot ^= z;
  }
  double dt = bench_seconds() - t0;
  if (acc == 42) /* keeps the loop from being optimised away */
    fprintf(stderr, "#");
  return (double) REF_ROUNDS / MAX(dt, 1e-9);
}

void bench_report(const char *name, double rate, const char *unit, double ref_rate, const char *extra)
{
  printf("BENCH name=%s rate=%.0f unit=%s ref_rate=%.0f ratio=%.4g rss_kb=%ld%s%s\n", name, rate, unit, ref_rate,
         ref_rate > 0 ? rate / ref_rate : 0.0, bench_status_kb("VmHWM"), extra ? " " : "", extra ? extra : "");
  fflush(stdout);
}

int bench_fork(int (*fn)(gpointer), gpointer arg)
{
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    perror("bench: fork");
    return 1;
  }
  if (pid == 0) {
    int status = fn(arg);
    fflush(stdout);
    _exit(status);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0)
    return 1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
