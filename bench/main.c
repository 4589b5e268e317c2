/* faultsim benchmarks: one line per benchmark,
 * BENCH name=NAME rate=PER_SECOND unit=UNIT rss_kb=N. */
#include <stdio.h>

void bench_ring(void);

int main(void)
{
  bench_ring();
  return 0;
}
