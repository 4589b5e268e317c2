/* faultsim benchmarks: one line per benchmark,
 * BENCH name=NAME rate=PER_SECOND unit=UNIT rss_kb=N.
 * `faultsim-bench [NAME...]` runs only the named ones. */
#include <stdio.h>
#include <string.h>

void bench_timers(void);
void bench_pingpong(void);
void bench_node_memory(void);
void bench_partition(void);
void bench_ring(void);
void bench_lincheck(void);

static const struct { const char *name; void (*fn)(void); } benches[] = {
  { "timers", bench_timers },
  { "pingpong", bench_pingpong },
  { "ring", bench_ring },
  { "lincheck", bench_lincheck },
  { "partition", bench_partition },
  /* last: it raises the process's peak memory, which the others report */
  { "node_memory", bench_node_memory },
};

int main(int argc, char **argv)
{
  for (size_t i = 0; i < sizeof benches / sizeof benches[0]; i++) {
    int run = argc < 2;
    for (int a = 1; a < argc; a++)
      run |= strcmp(argv[a], benches[i].name) == 0;
    if (run)
      benches[i].fn();
  }
  return 0;
}
