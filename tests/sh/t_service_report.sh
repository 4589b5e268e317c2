# The service figures in every output of `faultsim run`: the text report's
# `service` lines, --json's nodes[i].service and --service-csv's row agree
# on the counts of scenarios/capacity_overload.lua; a scenario without a
# service model has no `service` member, no service line, and a CSV of the
# header alone.
. "$ROOT/tests/sh/lib.sh"
set -e
cd "$ROOT"
expect_exit 0 "$FAULTSIM" run scenarios/capacity_overload.lua --json --service-csv "$TMPDIR/s.csv"
json=$(printf '%s' "$OUT" | jq -c '.nodes[] | select(.name == "server") | .service |
  [.arrivals, .completions, .rejected, .overload_drops, .queue_length.max, .servers]')
[ "$(printf '%s' "$OUT" | jq '[.nodes[] | select(.service)] | length')" = 1 ] || fail "not exactly one service node"
[ "$(sed -n 1p "$TMPDIR/s.csv" | cut -d, -f1-8)" = "node,servers,queue_capacity,arrivals,completions,overload_drops,rejected,abandoned" ] ||
  fail "CSV header: $(sed -n 1p "$TMPDIR/s.csv")"
[ "$(wc -l < "$TMPDIR/s.csv")" -eq 2 ] || fail "CSV rows: $(cat "$TMPDIR/s.csv")"
csv=$(sed -n 2p "$TMPDIR/s.csv" | awk -F, '{ printf "[%s,%s,%s,%s,%s,%s]", $4, $5, $7, $6, $12, $2 }')
[ "$json" = "$csv" ] || fail "JSON $json and CSV $csv differ"
rejected=$(printf '%s' "$json" | jq '.[2]')
[ "$rejected" -gt 1000 ] || fail "too few rejections: $json"
[ "$(printf '%s' "$OUT" | jq '.ops.fail')" = "$rejected" ] || fail "failed pings are not the rejected ones"
expect_exit 0 "$FAULTSIM" run scenarios/capacity_overload.lua
contains "$OUT" "  service server     utilization "
contains "$OUT" " $rejected rejected, "

expect_exit 0 "$FAULTSIM" run scenarios/echo.lua --json --service-csv "$TMPDIR/none.csv"
[ "$(printf '%s' "$OUT" | jq '[.nodes[] | select(has("service"))] | length')" = 0 ] || fail "service member without a service model"
[ "$(wc -l < "$TMPDIR/none.csv")" -eq 1 ] || fail "CSV of a run without service models: $(cat "$TMPDIR/none.csv")"
expect_exit 0 "$FAULTSIM" run scenarios/echo.lua
lacks "$OUT" "  service "
