# Links with a bandwidth as a user sees them: the report lists each such
# link (JSON "links", sorted by source then destination, and a text line),
# a queue limit keeps the far replica's lag bounded by dropping the tail,
# and a run without a bandwidth has no "links" in its report at all.
. "$ROOT/tests/sh/lib.sh"
set -e
sc="$ROOT/scenarios/replication_bandwidth.lua"

expect_exit 0 "$FAULTSIM" run "$sc" --set queue=64kB --json
links=$(printf '%s' "$OUT" | jq -c '[.links[] | [.from, .to, .bandwidth_bps, .messages, .dropped_full]]')
[ "$links" = '[["primary","near",100000000,5000,0],["primary","far",10000000,4208,792]]' ] ||
  fail "queue=64kB: links $links"
printf '%s' "$OUT" | jq -e '.links[1] | .utilization > 0.99 and .backlog_s <= 0.0512' >/dev/null ||
  fail "queue=64kB: the far link is not saturated with a backlog under 51.2 ms"
[ "$(printf '%s' "$OUT" | jq '.messages.dropped')" = 792 ] || fail "queue=64kB: link-full drops not counted as dropped"

expect_exit 0 "$FAULTSIM" run "$sc"
contains "$OUT" "link primary -> far (10 Mbit/s): 5000 messages, 7500000 bytes, utilization 1.000, backlog 1.001 s at the end, 0 dropped (link full)"

expect_exit 0 "$FAULTSIM" run "$sc" --trace trace.jsonl
[ "$(grep -c '"detail":"link full"' trace.jsonl || true)" = 0 ] || fail "unbounded link dropped messages"

expect_exit 0 "$FAULTSIM" run "$ROOT/scenarios/echo.lua" --json
[ "$(printf '%s' "$OUT" | jq 'has("links")')" = false ] || fail "a run without a bandwidth reports links"
expect_exit 0 "$FAULTSIM" run "$ROOT/scenarios/echo.lua"
lacks "$OUT" "  link "
