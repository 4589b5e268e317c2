/* faultsim benchmarks: one line per benchmark,
 * BENCH name=NAME rate=PER_SECOND unit=UNIT rss_kb=N. */
#include <stdio.h>

void bench_lincheck(void);

int main(void)
{
  bench_lincheck();
  return 0;
}
