# Quorum cost (issue 11, scenario 4): scenarios/capacity_quorum_cost.lua at
# 1000 writes per second, above every capacity, seeds 1-5. With
# send_to = quorum a write costs the replicas W messages, so the saturation
# goodput of W = 2 over that of W = 3 is 3/2; with send_to = all it costs 3
# whatever W, and the ratio is 1.
# Tolerance 0.04: over seeds 1-30 the per-seed ratio (same seed for both W)
# had a standard deviation of 0.012, so the ratio of 5-seed means varies by
# about 0.0055 and 0.04 is seven of those; "all" measured 1.010 on average
# (W = 2 waits for the second of three queues, W = 3 for the slowest).
# A fan-out that stopped following send_to moves a ratio by 0.5.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
. docs/measure/quorum_cost_lib.sh
quorum_cost_rows 1-5 > "$TMPDIR/rows"
[ "$(wc -l < "$TMPDIR/rows")" -eq 4 ] || fail "expected 4 configurations, got: $(cat "$TMPDIR/rows")"
awk '{ g[$1 " " $2] = $4; m[$1 " " $2] = $6 }
END {
  rq = g["quorum 2"] / g["quorum 3"]; ra = g["all 2"] / g["all 3"]
  printf "goodput W=2/W=3: send_to=quorum %.4f (predicted 1.5), send_to=all %.4f (predicted 1)\n", rq, ra
  printf "messages per write: quorum W=2 %s W=3 %s, all W=2 %s W=3 %s\n", m["quorum 2"], m["quorum 3"], m["all 2"], m["all 3"]
  bad = (rq < 1.46 || rq > 1.54) + (ra < 0.96 || ra > 1.04)
  bad += m["quorum 2"] != 2 || m["quorum 3"] != 3 || m["all 2"] != 3 || m["all 3"] != 3
  exit bad > 0
}' "$TMPDIR/rows" > "$TMPDIR/report" || { cat "$TMPDIR/report" >&2; fail "the quorum cost did not reproduce"; }
# Every run holds its own prediction too (goodput within 10% of
# min(rate, capacity), messages per write exact), above and below capacity.
for set in "w=2 send_to=quorum" "w=3 send_to=quorum" "w=2 send_to=all" "w=3 send_to=all"; do
  for rate in 1000 400; do
    set -- $set
    expect_exit 0 fs check --jobs 2 --seeds 1-3 --set "$1" --set "$2" --set "rate=$rate" scenarios/capacity_quorum_cost.lua
    contains "$OUT" "held in 3/3" "$set rate=$rate"
  done
done
# The quorum's replicas rotate per operation: with one key (one preference
# list) each replica gets two writes in three, to within one message.
for w in 2 3; do
  expect_exit 0 fs run scenarios/capacity_quorum_cost.lua --set keys=1 --set rate=400 --set "w=$w" --json
  spread=$(jq '[.nodes[] | .service.arrivals? // empty] | max - min' <<< "$OUT")
  n=$(jq '[.nodes[] | .service.arrivals? // empty] | length' <<< "$OUT")
  [ "$n" -eq 3 ] && [ "$spread" -le 1 ] || fail "w=$w, one key: replica arrivals $(jq -c '[.nodes[] | .service.arrivals? // empty]' <<< "$OUT")"
done
