# --json stays JSON for doubles json-glib 1.6 writes as "1e-300.0": metrics
# that tiny or that large read back through jq as the values the script set.
. "$ROOT/tests/sh/lib.sh"
cat > tiny.lua <<'LUA'
scenario { name = "tiny", duration = "1s" }
at(0.5, function() metric("tiny", 1e-300) metric("big", 5e22) metric("neg", -2.5e-320) end)
LUA
expect_exit 0 fs run tiny.lua --json
echo "$OUT" | jq -e '.metrics.tiny == 1e-300 and .metrics.big == 5e22 and .metrics.neg < 0' > /dev/null ||
  fail "run --json is not JSON with tiny or huge metrics: $(echo "$OUT" | grep -E '"(tiny|big|neg)"')"
