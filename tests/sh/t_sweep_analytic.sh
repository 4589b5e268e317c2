# faultsim sweep beside a scenario's analytic{} formulas: each predicted
# measure gets a "vs analytic" column in standard errors, flagged beyond 3;
# a scenario without formulas gets none; a formula that fails is named.
. "$ROOT/tests/sh/lib.sh"
S=$ROOT/scenarios
expect_exit 0 fs sweep "$S/availability_mttf.lua" --set protocol=quorum --param mttf=1,4 --seeds 6 -j 2 -q
contains "$OUT" "vs analytic"
# Both points within 3 standard errors of a^3 + 3a^2(1-a): a number, no flag.
[ "$(echo "$OUT" | grep -cE '^[14] +6 .* [+-][0-9]+\.[0-9] se +0 +0$')" = 2 ] || fail "two points within 3 se: $OUT"
expect_exit 0 fs sweep "$S/echo.lua" --param loss=0,0.1 --seeds 2 -q
lacks "$OUT" "analytic"
# A formula that raises: the sweep still runs and says which line.
cp "$S/availability_mttf.lua" bad.lua && cp "$S"/_*.lua .
sed -i "s|availability = function(q) return|availability = function(q) error(\"no formula here\") return|" bad.lua
expect_exit 0 fs sweep bad.lua --set protocol=quorum --param mttf=1 --seeds 2 -q
contains "$ERR" "analytic{}: "
contains "$ERR" "bad.lua:"
# merge of shards prints the same table, the analytic column included.
fs sweep "$S/availability_mttf.lua" --set protocol=quorum --param mttf=1,4 --seeds 6 -q > whole.txt
fs sweep "$S/availability_mttf.lua" --set protocol=quorum --param mttf=1,4 --seeds 6 --shard 1/2 --out a.jsonl -q > /dev/null
fs sweep "$S/availability_mttf.lua" --set protocol=quorum --param mttf=1,4 --seeds 6 --shard 2/2 --out b.jsonl -q > /dev/null
expect_exit 0 fs merge a.jsonl b.jsonl
[ "$OUT" = "$(cat whole.txt)" ] || fail "merge differs from the whole sweep: $OUT"
contains "$OUT" "vs analytic"
