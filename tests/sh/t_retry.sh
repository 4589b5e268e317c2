# Client retries as a user sees them: a Lua model's on_retry gets (op,
# attempt), op the table on_invoke gets, and its new messages complete the op; the client
# figures agree in client_stats(), --json's nodes[i].client, --client-csv
# and the text report; `on("retry")` sees each retry; a run without a
# retry policy has no client lines in its text report but has the client
# figures in --json; --client-csv is all or nothing.
. "$ROOT/tests/sh/lib.sh"
set -e
cat > lua_retry.lua <<'LUA'
scenario { duration = "3s" }
-- A server that answers only every third request it gets.
local srv = model { name = "t.srv", on_message = function(self, m)
  self.state.n = (self.state.n or 0) + 1
  if self.state.n % 3 == 0 then self:send(m.src, "REP", { op = m.op }) end
end }
local seen = {}
local cli = model { name = "t.cli", ops = { "put" },
  on_invoke = function(self, op) self:send("s", "REQ", { op = op.id }) end,
  on_retry = function(self, op, attempt)
    seen[#seen + 1] = string.format("%s/%s/%s/%s", op.f, tostring(op.key), tostring(op.value), attempt)
    self:send("s", "REQ", { op = op.id })
  end,
  on_message = function(self, m) self:complete(m.op, "ok") end }
node("s", srv)
node("c", cli, nil, { retry = { max = 5, backoff = "exp:10ms,2,40ms" } })
workload("c", { mode = "closed", think = "100ms", timeout = "50ms", keys = 4, ops = { "put" }, stop = "2s" })
local traced = 0
on("retry", function(ev) traced = traced + 1 end)
invariant("retries", function()
  local s = client_stats("c")
  metric("lua_retries", #seen)
  metric("traced", traced)
  metric("stat_retries", s.retries)
  return #seen > 0 and seen[1]:match("^put/%d/%d+/2$") ~= nil and s.attempts == s.ops + s.retries
         and s.ok == s.ops and client_stats("s").ops == 0, seen[1] or "no retry"
end)
expect { violations = 0 }
LUA
expect_exit 0 "$FAULTSIM" run lua_retry.lua --json --client-csv c.csv
[ "$(printf '%s' "$OUT" | jq '.metrics.lua_retries == .metrics.traced and .metrics.traced == .metrics.stat_retries')" = true ] ||
  fail "retries counted differently: $(printf '%s' "$OUT" | jq -c .metrics)"
json=$(printf '%s' "$OUT" | jq -r '.nodes[] | select(.name == "c") | .client |
  [.ops, .attempts, .retries, .retries_denied, .ok, .fail, .info] | map(tostring) | join(",")')
[ "$(printf '%s' "$OUT" | jq '[.nodes[] | select(has("client"))] | length')" = 1 ] || fail "client member on a non-client"
[ "$(sed -n 1p c.csv)" = "node,ops,attempts,retries,retries_denied,ok,fail,info,offered_per_s,goodput_per_s" ] ||
  fail "CSV header: $(sed -n 1p c.csv)"
[ "$(sed -n 2p c.csv | cut -d, -f1-8)" = "\"c\",$json" ] || fail "CSV $(sed -n 2p c.csv) and JSON $json differ"
expect_exit 0 "$FAULTSIM" run lua_retry.lua
contains "$OUT" "  clients: 1, "
contains "$OUT" "  client c          "

# Without a policy: the same text report as before, the figures in JSON.
expect_exit 0 "$FAULTSIM" run "$ROOT/scenarios/echo.lua"
lacks "$OUT" "clients:"
expect_exit 0 "$FAULTSIM" run "$ROOT/scenarios/echo.lua" --json
[ "$(printf '%s' "$OUT" | jq '[.nodes[] | select(.client.ops > 0 and .client.retries == 0)] | length > 0')" = true ] ||
  fail "no client figures without a policy"

# All or nothing: a run that fails leaves an existing CSV as it was.
echo old > keep.csv
printf 'node("s", "echo.server")\nerror("boom")\n' > bad.lua
expect_exit 2 "$FAULTSIM" run bad.lua --client-csv keep.csv
[ "$(cat keep.csv)" = old ] || fail "--client-csv written by a failed run"

# A workload's retry is its client's policy: echo.client retries a paused
# server's pings (a new PING each, counted at the server) and the budget
# bounds them.
cat > wl.lua <<'LUA'
scenario { duration = "3s" }
node("s", "echo.server", nil, { service = { time = "1ms" } })
node("c", "echo.client", { target = "s", interval = 0 })
workload("c", { mode = "open", rate = 100, ops = { "ping" }, timeout = "50ms", stop = "2s",
                retry = { max = 2, backoff = "exp:5ms,2,20ms", jitter = "equal", budget = { ratio = 0.5, burst = 5 } } })
at("1s", function() pause("s", "500ms") end)
invariant("counts", function()
  local c, s = client_stats("c"), service_stats("s")
  metric("retries", c.retries)
  metric("denied", c.retries_denied)
  return c.attempts == s.arrivals and c.retries <= 0.5 * c.ops + 5,
         string.format("attempts %d, server arrivals %d, retries %d of %d ops", c.attempts, s.arrivals, c.retries, c.ops)
end)
expect { violations = 0, metrics = { retries = { min = 1 }, denied = { min = 1 } } }
LUA
expect_exit 0 "$FAULTSIM" run wl.lua
contains "$OUT" "  client c          "
