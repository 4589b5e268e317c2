# faultsim plot: every kind draws a non-empty PNG and SVG from the small
# fixtures in tests/data/plot/ (hand-written sweep CSVs in today's and the
# older layout, a trace, a history, `faultsim ring` output), the data
# handed to gnuplot says what the input says, bad input and a missing
# gnuplot fail with exit 2 and a message, and nothing is written then.
. "$ROOT/tests/sh/lib.sh"
set -e
D=$ROOT/tests/data/plot
S=$ROOT/scenarios/availability_mttf.lua

is_png() { [ -s "$1" ] && [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e47 ] || fail "$1 is not a PNG"; }
is_svg() { [ -s "$1" ] && grep -q '<svg' "$1" && grep -q '</svg>' "$1" || fail "$1 is not an SVG"; }

# Each kind, PNG and SVG.
draw() { # NAME KIND ARGS...
  local name=$1; shift
  expect_exit 0 fs plot "$@" -o "$name.png" --data "$name.tsv"
  contains "$OUT" "$name.png"
  is_png "$name.png"
  expect_exit 0 fs plot "$@" --svg -o "$name.svg"
  is_svg "$name.svg"
}
draw curve curve "$D/sweep.csv" --x mttf --scenario "$S" --logx --xlabel "MTTF (s)"
draw curve_old curve "$D/sweep_old.csv"
draw timeline timeline "$D/trace.jsonl"
draw latency latency "$D/history.jsonl"
draw load load "$D/ring_before.tsv" "$D/ring_after.tsv"
draw load_stats load "$D/ring_stats.tsv"
draw spacetime spacetime "$D/trace.jsonl" --from 0 --to 1

# curve: one series per protocol, the CI of the file, the formula of the
# scenario at each point ((1/1.5)^4 for 2PC at mttf 1), and z per point.
grep -q '^# protocol=2pc$' curve.tsv || fail "no 2pc series"
grep -q '^# protocol=quorum, analytic$' curve.tsv || fail "no quorum formula curve"
line=$(grep -P '^1\t0.2108\t' curve.tsv)
[ "$(echo "$line" | cut -f3,4)" = "$(printf '0.1855\t0.2361')" ] || fail "2pc mttf=1 CI: $line"
awk -F'\t' -v line="$line" 'BEGIN { split(line, f, "\t"); a = (1 / 1.5) ^ 4; exit !(f[5] - a < 1e-6 && a - f[5] < 1e-6) }' ||
  fail "2pc mttf=1 formula: $line"
expect_exit 0 fs plot curve "$D/sweep.csv" --scenario "$S" --x mttf -o again.png
echo "$OUT" | grep -qE "^protocol=quorum +5 +0.9776 +0.0037  analytic 0.9767, z 0.24$" || fail "no z for quorum at mttf 5: $OUT"
# A parameter that is not a number is a categorical axis: one series per mttf.
expect_exit 0 fs plot curve "$D/sweep.csv" --x protocol -o categorical.png --data categorical.tsv
[ "$(grep -c '^# mttf=[0-9]*$' categorical.tsv)" = 3 ] || fail "categorical series: $(cat categorical.tsv)"
grep -qP '^1\t0.9013\t0.8724\t0.9302\tnan\tquorum$' categorical.tsv || fail "categorical position: $(cat categorical.tsv)"
# The older layout: the interval is mean ± 1.96 se.
grep -qP '^0.1\t0.64\t0.6106\t0.6694\tnan\t0.1$' curve_old.tsv || fail "old layout CI: $(cat curve_old.tsv)"
# A point far from its formula is flagged.
sed 's/^quorum,5,0.9776,0.0037/quorum,5,0.90,0.0037/' "$D/sweep.csv" > far.csv
expect_exit 0 fs plot curve far.csv --scenario "$S" --x mttf -o far.png
contains "$OUT" "beyond 3 standard errors"

# timeline: completions per window, the bands and marks of each node.
grep -qP '^1.2\t1.4\t0\t0\t1$' timeline.tsv || fail "the info at 1.2 s is not in its window"
grep -qP '^1.4\t1.6\t0\t1\t0$' timeline.tsv || fail "the fail at 1.4 s is not in its window"
rows=$(awk '/^# rows/ { on = 1; next } on && NF == 0 { exit } on { print $2 }' timeline.tsv | tr '\n' ' ')
[ "$rows" = "server backup client1 network " ] || fail "rows: $rows"
band() { awk -v b="$1" '/^# / { on = index($0, "# " b ":") == 1; next } on && NF { print $1, $2, $3 }' timeline.tsv | tr '\n' ';'; }
[ "$(band crashed)" = "0 1 1.5;1 4.8 5.002;" ] || fail "crash bands (the open one ends with the trace): $(band crashed)"
[ "$(band paused)" = "2 2 2.4;" ] || fail "pause bands: $(band paused)"
[ "$(band 'link cut')" = "2 4 4.5;0 4 4.5;" ] || fail "cut bands: $(band 'link cut')"
[ "$(band partitioned)" = "3 3 3.5;" ] || fail "partition bands: $(band partitioned)"

# latency: the CDF of each kind's ok operations, 0 ms floored at 1 µs.
cdf=$(awk '/^# read: latency/ { on = 1; next } on && NF == 0 { exit } on { printf "%s %s;", $1, $2 }' latency.tsv)
[ "$cdf" = "0.001 0.25;2 0.5;3 0.75;4 1;" ] || fail "read CDF: $cdf"
grep -qP '^8\t0.5$' latency.tsv && grep -qP '^20\t1$' latency.tsv || fail "write CDF: $(cat latency.tsv)"

# load: exact moves from placements, net change from --stats.
grep -qP '^3\td\tnan\t11\t11\t0$' load.tsv || fail "the new server's gain: $(cat load.tsv)"
moved=$(awk -F'\t' '$1 ~ /^[0-9]+$/ { g += $5; l += $6 } END { print g, l }' load.tsv)
[ "$moved" = "11 11" ] || fail "gained and lost copies differ: $moved"
grep -qP '^1\tb\t23\tnan\tnan\tnan$' load_stats.tsv || fail "stats load: $(cat load_stats.tsv)"

# spacetime: the data of faultsim spacetime, drawn.
grep -qP '^2\t100.000000\t-2\t2.000000\tPING' spacetime.tsv || fail "spacetime data: $(head spacetime.tsv)"

# Without gnuplot: a message naming the Debian package, nothing written.
mkdir empty
expect_exit 2 env PATH="$PWD/empty" "$FAULTSIM" plot timeline "$D/trace.jsonl" -o nognuplot.png
contains "$ERR" "gnuplot is not installed"
contains "$ERR" "gnuplot-nox"
[ ! -e nognuplot.png ] || fail "a picture was written without gnuplot"

# Bad input: exit 2, file:line, nothing written.
sed '3s/.*/{"t":/' "$D/trace.jsonl" > bad.jsonl
expect_exit 2 fs plot timeline bad.jsonl -o bad.png
contains "$ERR" "bad.jsonl:3:"
expect_exit 2 fs plot latency "$D/trace.jsonl" -o bad.png
contains "$ERR" "trace.jsonl:1: no integer 'time'"
expect_exit 2 fs plot curve "$D/sweep.csv" --y p99 -o bad.png
contains "$ERR" "no measure 'p99' (the file has: availability, formula_availability)"
expect_exit 2 fs plot curve "$D/sweep.csv" --x rate -o bad.png
contains "$ERR" "--x rate: no such parameter (it has: protocol, mttf)"
expect_exit 2 fs plot curve "$D/sweep.csv" --x mttf --y formula_availability --scenario "$S" -o bad.png
contains "$ERR" "declares no analytic{} formula for formula_availability"
expect_exit 2 fs plot curve "$D/sweep.csv" --x protocol --logx -o bad.png
contains "$ERR" "--logx: the values of protocol are not all numbers"
expect_exit 2 fs plot load "$D/history.jsonl" -o bad2.png
contains "$ERR" "history.jsonl:1: "
expect_exit 2 fs plot spacetime "$D/trace.jsonl" --from 2 --to 1 -o bad2.png
contains "$ERR" "0 <= --from < --to"
expect_exit 2 fs plot pie "$D/sweep.csv"
contains "$ERR" "unknown kind 'pie'"
[ ! -e bad.png ] && [ ! -e bad2.png ] || fail "a failed plot wrote its picture"
expect_exit 0 fs plot --help
contains "$OUT" "timeline"
