/* Helpers for benchmarks: wall time, memory, the reference every figure is
 * printed beside, the report line, and running each benchmark in a process
 * of its own. Benchmarks measure the machine, so this is the one place a
 * wall clock is read on purpose.
 *
 * Every benchmark prints one line
 *   BENCH name=NAME rate=R unit=U ref_rate=F ratio=R/F rss_kb=K [key=value...]
 * (node_memory prints bytes_per_node= instead of rate=). ref_rate is the
 * reference: a fixed CPU loop (bench_reference_rate) timed in the same
 * process just before the benchmark, so a figure can be compared across
 * machines and loads by its ratio. rss_kb is the peak resident memory of
 * the process that ran only this benchmark (bench_fork), not what earlier
 * benchmarks left behind. */
#pragma once
#include <glib.h>

/* Seconds on a monotonic wall clock. */
double bench_seconds(void);

/* CPU seconds this process has used (user + system): what a rate on a
 * shared machine is best measured in. */
double bench_cpu_seconds(void);

/* A /proc/self/status field in kB (VmHWM = peak, VmRSS = current); -1 if
 * it cannot be read. */
long bench_status_kb(const char *field);

/* Reference loops per second: 2^23 rounds of a 64-bit mix and a dependent
 * read-modify-write in a 1 MiB table, timed now. */
double bench_reference_rate(void);

/* Prints a BENCH line for a rate: `extra` (may be NULL) is appended as is,
 * e.g. "delivered=123". */
void bench_report(const char *name, double rate, const char *unit, double ref_rate, const char *extra);

/* Runs fn(arg) in a child process and waits for it, so that the child's
 * peak memory (VmHWM) is this benchmark's alone. fn returns the child's
 * exit status (0 = the benchmark's own checks held). Returns that status,
 * or 1 if the child could not run or died. */
int bench_fork(int (*fn)(gpointer), gpointer arg);

/* bench_sweep.c: runs seeds 1..nseeds of the scenario at `path` through
 * `faultsim sweep`'s in-process path (sweep_runner_run, the script
 * compiled once, no --out file) over the one --param `axis` ("loss=0.01")
 * on `jobs` threads; FALSE (the reason on stderr) if a run failed. */
gboolean bench_sweep(const char *path, const char *axis, guint64 nseeds, int jobs);
