/* faultsim benchmarks: one line per benchmark,
 * BENCH name=NAME rate=PER_SECOND unit=UNIT rss_kb=N. */
#include <stdio.h>

int main(void)
{
  return 0;
}
