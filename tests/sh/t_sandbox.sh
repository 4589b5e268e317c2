# The sandbox from the outside: library calls that used to run for ages in
# C end at once, and free text with invalid UTF-8 gives output that jq
# and faultsim's own trace reader accept.
. "$ROOT/tests/sh/lib.sh"

# string.rep of an empty string loops 2^63 times in stock Lua: the sandbox
# answers without looping. timeout turns a hang into a failure.
cat > rep.lua <<'LUA'
metric("length", #string.rep("", math.maxinteger) + #string.rep("", math.maxinteger, ""))
expect { metrics = { length = 0 } }
LUA
expect_exit 0 timeout 20 "$FAULTSIM" run rep.lua --json
[ "$(echo "$OUT" | jq '.metrics.length')" = "0" ] || fail "length: $(echo "$OUT" | jq '.metrics')"

# A violation message with an invalid byte: repaired, so the report is
# JSON jq parses, and the trace is one faultsim spacetime reads.
expect_exit 0 "$FAULTSIM" run "$ROOT/tests/data/sandbox/utf8_text.lua" --json --trace t.jsonl
echo "$OUT" | jq -e '.invariants | length == 2' > /dev/null || fail "jq could not read the report"
contains "$(echo "$OUT" | jq -r '.invariants[].examples[]')" "bad � byte"
jq -c . t.jsonl > /dev/null || fail "jq could not read the trace"
expect_exit 0 "$FAULTSIM" spacetime t.jsonl
