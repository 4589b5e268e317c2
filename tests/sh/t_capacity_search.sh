# `faultsim capacity` on M/M/1 (scenarios/capacity_search_mm1.lua, mu =
# 500/s): the response time is exponential with rate mu - lambda, so the
# highest rate meeting p99 <= 20 ms is lambda_max = mu - ln(100) / 0.02 =
# 269.74/s. Over 8 seeds the search must find it within its own 95%
# interval, print the same bytes (summary and CSV) for -j 1 and -j 2, and
# name a first broken rate whose rerun command really breaks the SLO. Bad
# --slo/--param values, an SLO naming nothing the run reports, a search
# that cannot bracket and a run that fails all exit as documented, and no
# CSV is written then.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
sc=scenarios/capacity_search_mm1.lua
slos=(--slo 'availability>=0.99' --slo 'p99<=20ms')

expect_exit 0 fs capacity "$sc" --param rate "${slos[@]}" --seeds 8 -j 1 --csv "$TMPDIR/j1.csv"
one=$OUT
[ -z "$ERR" ] || fail "stderr is not a terminal, yet it got: $ERR"
expect_exit 0 fs capacity "$sc" --param rate "${slos[@]}" --seeds 8 -j 2 --csv "$TMPDIR/j2.csv"
[ "$one" = "$OUT" ] || { diff <(echo "$one") <(echo "$OUT") >&2; fail "the summary differs between -j 1 and -j 2"; }
cmp -s "$TMPDIR/j1.csv" "$TMPDIR/j2.csv" || fail "the CSV differs between -j 1 and -j 2"

# capacity rate = MEAN ± HALF (95% interval, ...): the analytic value lies inside.
line=$(grep '^capacity rate = ' <<<"$one") || fail "no capacity line in: $one"
awk -v l="$line" 'BEGIN {
  split(l, w, " "); mean = w[4]; half = w[6]; theory = 500 - log(100) / 0.020
  printf "capacity %.2f +- %.2f, M/M/1 %.2f\n", mean, half, theory
  exit !(half > 0 && half < 20 && mean - half <= theory && theory <= mean + half)
}' || fail "the analytic capacity 269.74 is outside the measured interval: $line"

# One CSV row per run, with the analytic curve as columns.
runs=$(sed -n 's/^runs: //p' <<<"$one")
[ "$(($(wc -l < "$TMPDIR/j1.csv") - 1))" = "$runs" ] || fail "CSV rows differ from runs: $runs"
head -n 1 "$TMPDIR/j1.csv" | grep -qx 'seed,rate,pass,failed,availability,p50_ms,p90_ms,p99_ms,p999_ms,mean_ms,max_ms,theory_mean_ms,theory_p99_ms' ||
  fail "CSV header: $(head -n 1 "$TMPDIR/j1.csv")"
# Every passing row meets both SLOs; every failing row breaks one.
awk -F, 'NR > 1 && ($3 == 1) != ($5 >= 0.99 && $8 <= 20) { bad++ } END { exit bad > 0 }' "$TMPDIR/j1.csv" ||
  fail "a CSV row's pass column disagrees with its figures"

# The first broken rate's rerun reproduces the p99 the summary quotes.
contains "$one" "availability>=0.99: held at every rate probed"
p99=$(sed -n 's/^p99<=20ms: first broken at rate=[0-9]* (seed [0-9]*, p99 \([0-9.]*\) ms)$/\1/p' <<<"$one")
[ -n "$p99" ] || fail "no first broken rate for p99<=20ms in: $one"
cmd=$(grep -A1 '^p99<=20ms: first broken' <<<"$one" | sed -n 's/^  rerun: //p')
contains "$cmd" " run $sc --seed "
rerun=$(eval "$cmd") || true
contains "$rerun" "p99 $p99 ms" "the rerun of '$cmd'"

# --help explains and shows an example.
expect_exit 0 fs capacity --help
contains "$OUT" "Example: faultsim capacity"
contains "$OUT" "--slo"

# Bad input: exit 2, a message, nothing written.
for bad in 'p99<=20' 'p99' 'availability>=2' 'latency<=5ms' 'p99<=<5ms'; do
  expect_exit 2 fs capacity "$sc" --param rate --slo "$bad" --csv "$TMPDIR/bad.csv"
  contains "$ERR" "--slo '$bad'"
done
expect_exit 2 fs capacity "$sc" --param speed "${slos[@]}" --csv "$TMPDIR/bad.csv"
contains "$ERR" "--param speed: $sc declares no parameter 'speed' in params{} (it declares: rate)"
# A declared parameter the run does not depend on: two rates, one run.
cat > "$TMPDIR/unused.lua" <<'EOF'
scenario { name = "unused_param", duration = "2s" }
local p = params { rate = 100, unused = 5 }
node("server", "echo.server", nil, { service = { time = "exp:2ms" } })
clients { count = 1, model = "echo.client", params = { target = "server", interval = 0 },
          workload = { mode = "open", rate = p.rate, ops = { "ping" }, timeout = "1s" } }
EOF
expect_exit 2 fs capacity "$TMPDIR/unused.lua" --param unused --slo 'p99<=20ms'
contains "$ERR" "--param unused: the runs at unused=5 and unused=10 (seed 1) are identical"
contains "$ERR" "declares unused but its run does not depend on it"
expect_exit 2 fs capacity "$sc" --param rate --slo 'goodput>=10' --seeds 1 --csv "$TMPDIR/bad.csv"
contains "$ERR" "seed 1, rate=100: --slo 'goodput>=10': the run reports no metric 'goodput' (it reports availability, p50, p90, p99, p999, mean, max and the metrics theory_mean_ms, theory_p99_ms)"
expect_exit 2 fs capacity "$sc" --param rate --set rate=5 "${slos[@]}"
contains "$ERR" "start it with --from"
expect_exit 2 fs capacity "$sc" --param rate
contains "$ERR" "at least one --slo"
expect_exit 2 fs capacity "$sc" --param rate "${slos[@]}" --from -3
contains "$ERR" "--from -3: expected a positive number"
expect_exit 2 fs capacity "$sc" --param rate "${slos[@]}" --tolerance 0
contains "$ERR" "--tolerance"
# A run that fails (here its event budget) names the seed and the rate.
expect_exit 2 fs capacity "$sc" --param rate "${slos[@]}" --seeds 2 -j 2 --max-events 30000 --csv "$TMPDIR/bad.csv"
contains "$ERR" "faultsim capacity: seed 1, rate=200: $sc"
contains "$ERR" "--max-events"
# No rate meets the SLO: halving an integer rate ends at 1, exit 3.
expect_exit 3 fs capacity "$sc" --param rate --slo 'p99<=1us' --seeds 1 --csv "$TMPDIR/bad.csv"
contains "$ERR" "seed 1: no rate from 100 down to 1 met every SLO; start lower with --from, or relax the SLOs"
[ ! -e "$TMPDIR/bad.csv" ] || fail "a failed search wrote its CSV"
ls -a "$TMPDIR" | grep -q 'faultsim-tmp' && fail "a temporary was left behind"
exit 0
