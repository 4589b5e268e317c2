# The shipped example, scenarios/availability_mttf.lua, on a small sweep:
# for 2PC (all of 4 nodes) and a majority quorum (2 of 3), every measured
# availability lies within its 95% confidence interval of the scenario's
# analytic{} formula, and the formula `faultsim plot curve` evaluated is
# the textbook one (a^4 and a^3 + 3a^2(1 - a), a = mttf / (mttf + mttr)),
# computed here independently.
. "$ROOT/tests/sh/lib.sh"
set -e
S=$ROOT/scenarios/availability_mttf.lua
for p in 2pc quorum; do
  expect_exit 0 fs sweep "$S" --set protocol=$p --param mttf=1,2,5 --seeds 10 --jobs 2 --csv $p.csv
done
expect_exit 0 fs plot curve 2pc.csv quorum.csv --scenario "$S" --set protocol=2pc --set protocol=quorum \
  --label 2pc --label quorum --x mttf -o mttf.png --data mttf.tsv
# Points: "x mean ci_lo ci_hi analytic label" in the blocks "# 2pc" and "# quorum".
awk -F'\t' '
  /^# / { series = substr($0, 3); next }
  NF == 6 && (series == "2pc" || series == "quorum") {
    a = $1 / ($1 + 0.5)
    f = series == "2pc" ? a ^ 4 : a ^ 3 + 3 * a ^ 2 * (1 - a)
    if ($5 - f > 1e-6 || f - $5 > 1e-6) { printf "%s mttf=%s: analytic %s, formula %.6f\n", series, $1, $5, f; bad = 1 }
    if ($5 < $3 || $5 > $4) { printf "%s mttf=%s: %s outside [%s, %s]\n", series, $1, $5, $3, $4; bad = 1 }
    n++
  }
  END { if (n != 6) { print "expected 6 points, saw " n; bad = 1 } exit bad }' mttf.tsv || fail "see above"
