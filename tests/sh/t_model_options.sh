# model{ service =, retry = }: every node of a Lua model gets the model's
# service model and retry policy, through node() and clients{}, unless its
# own options give another; a bad one is an error naming model{}'s line,
# and a retry policy needs on_retry.
. "$ROOT/tests/sh/lib.sh"
set -e
cat > opts.lua <<'LUA'
scenario { duration = "2s" }
local p = params { own = "no" }
local srv = model { name = "t.srv", service = { time = "1ms", queue = 5 },
  on_message = function(self, m) self:send(m.src, "REP", { op = m.op }) end }
local cli = model { name = "t.cli", ops = { "put" }, retry = { max = 2 },
  on_invoke = function(self, op) self:send("s1", "REQ", { op = op.id }) end,
  on_retry = function(self, op, attempt) self:send("s1", "REQ", { op = op.id }) end,
  on_message = function(self, m) self:complete(m.op, "ok") end }
node("s1", srv)
if p.own == "yes" then
  node("s2", srv, nil, { service = { time = "3ms", servers = 2 } })
  clients { count = 2, model = cli, retry = { max = 0 },
            workload = { mode = "closed", think = "10ms", timeout = "50ms", ops = { "put" } } }
else
  node("s2", srv)
  clients { count = 2, model = cli, workload = { mode = "closed", think = "10ms", timeout = "50ms", ops = { "put" } } }
end
invariant("measured", function()
  local a, b = service_stats("s1"), service_stats("s2")
  metric("s1_queue", a.queue_capacity)
  metric("s2_servers", b.servers)
  metric("s2_queue", b.queue_capacity)
  metric("s1_arrivals", a.arrivals)
  return true
end)
LUA
expect_exit 0 "$FAULTSIM" run opts.lua --json
m=$(printf '%s' "$OUT" | jq -c '[.metrics.s1_queue, .metrics.s2_servers, .metrics.s2_queue]')
[ "$m" = "[5,1,5]" ] || fail "model's service not on both servers: $m"
[ "$(printf '%s' "$OUT" | jq '[.nodes[] | select(.client) | .client.ops > 0] | all')" = true ] || fail "no client ops"
expect_exit 0 "$FAULTSIM" run opts.lua --json --set own=yes
m=$(printf '%s' "$OUT" | jq -c '[.metrics.s1_queue, .metrics.s2_servers, .metrics.s2_queue]')
[ "$m" = "[5,2,1000]" ] || fail "node's own service did not replace the model's: $m"

# The policy is the model's: a server that never answers makes every op
# try 3 times (max = 2); clients{ retry = { max = 0 } } replaces it.
sed -e 's/self:send(m.src, "REP", { op = m.op })/local _ = m/' opts.lua > silent.lua
expect_exit 0 "$FAULTSIM" run silent.lua --json
r=$(printf '%s' "$OUT" | jq -c '[.nodes[] | select(.client) | .client | .attempts == 3 * .ops or .attempts == 3 * .ops - 2 or .attempts == 3 * .ops - 1] | all')
[ "$r" = true ] || fail "model's retry policy not applied: $(printf '%s' "$OUT" | jq -c '[.nodes[] | select(.client) | .client]')"
expect_exit 0 "$FAULTSIM" run silent.lua --json --set own=yes
r=$(printf '%s' "$OUT" | jq -c '[.nodes[] | select(.client) | .client | .retries == 0] | all')
[ "$r" = true ] || fail "clients{}' retry did not replace the model's"

# Errors name model{}'s line.
printf 'local m = model { name = "t.x", on_message = function() end,\n  service = { time = "exp:-1ms" } }\n' > bad1.lua
expect_exit 2 "$FAULTSIM" run bad1.lua
contains "$ERR" "bad1.lua:1: model{}: service: 'time'"
printf 'local m = model { name = "t.x", on_invoke = function() end,\n  retry = { max = 2 } }\n' > bad2.lua
expect_exit 2 "$FAULTSIM" run bad2.lua
contains "$ERR" "bad2.lua:1: model{}: 'retry' needs an on_retry handler"
printf 'local m = model { name = "t.x", on_invoke = function() end, on_retry = function() end,\n  retry = { max = "x" } }\n' > bad3.lua
expect_exit 2 "$FAULTSIM" run bad3.lua
contains "$ERR" "bad3.lua:1: model{}: retry: 'max'"
