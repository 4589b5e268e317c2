# The queueing-theory scenarios reproduce their known results over 10
# seeds: M/M/1 at rho = 0.5, 0.8, 0.9 against 1 / (mu - lambda), M/M/4
# against Erlang C, M/D/1 against Pollaczek-Khinchine. For each point the
# mean over the seeds of the measured mean response time is within 5% of
# theory, and so is its whole 95% confidence interval (t = 2.262 for 9
# degrees of freedom): the interval is tighter than the tolerance.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
. docs/measure/capacity_lib.sh
queueing_rows 1-10 > "$TMPDIR/rows"
[ "$(wc -l < "$TMPDIR/rows")" -eq 6 ] || fail "expected 6 measured points, got: $(cat "$TMPDIR/rows")"
awk '{
  lo = ($5 - 2.262 * $6) / $4; hi = ($5 + 2.262 * $6) / $4
  ok = $3 == 10 && lo >= 0.95 && hi <= 1.05
  printf "%s %s: W = %.4f ms +- %.4f (95%%), theory %.4f ms: %s\n", $1, $2, $5, 2.262 * $6, $4, ok ? "ok" : "OFF"
  if (!ok) bad++
} END { exit bad > 0 }' "$TMPDIR/rows" > "$TMPDIR/report" || { cat "$TMPDIR/report" >&2; fail "a queueing result did not reproduce"; }
