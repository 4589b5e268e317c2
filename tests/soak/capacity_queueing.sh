# Long check of the queueing-theory scenarios (part of `make soak`): the
# same test as tests/sh/t_capacity_queueing.sh over seeds 1-100 of runs
# four times as long (scale = 4): every point's mean response time, with
# its whole 95% confidence interval, within 5% of theory (t = 1.984 for 99
# degrees of freedom). Prints each point.
set -u
cd "$ROOT"
. docs/measure/capacity_lib.sh
rows=$(queueing_rows 1-100 4) || exit 2
awk '{
  lo = ($5 - 1.984 * $6) / $4; hi = ($5 + 1.984 * $6) / $4
  ok = $3 == 100 && lo >= 0.95 && hi <= 1.05
  printf "capacity_queueing: %s %s: W = %.4f ms +- %.4f (95%%, 100 seeds), theory %.4f ms: %s\n",
         $1, $2, $5, 1.984 * $6, $4, ok ? "ok" : "OFF"
  if (!ok) bad++
} END { exit bad > 0 }' <<<"$rows"
