-- Lua hooks are called only for the kinds of event some live hook can
-- match (the kernel skips the observer for the others): a hook that dies
-- narrows them, a hook added later widens them again, and a hook without a
-- kind (a predicate function) sees every kind (tests/sh/t_hook_types.sh).
scenario { name = "hook_kinds", duration = "1s" }
network { latency = "uniform:1ms,5ms" }
node("server", "echo.server")
clients {
  count = 2, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { mode = "closed", ops = { "ping" }, think = "1ms", timeout = "200ms" },
}
local n = { first = 0, later = 0, any = 0, ops = 0 }
once("send", function() n.first = n.first + 1 end) -- dies at the first send
local sent_before
at(0.5, function()
  sent_before = stats().sent
  on("send", function() n.later = n.later + 1 end)
  -- a predicate only: every kind, until it has seen 100 events
  local left = 100
  on(function(ev) left = left - 1; return left >= 0 end, function() n.any = n.any + 1 end)
end)
on({ kind = "op", where = function(ev) return ev.op.type ~= "invoke" end }, function() n.ops = n.ops + 1 end)
invariant("kinds_follow_hooks", function()
  local s = stats()
  local ok = n.first == 1 and n.later == s.sent - sent_before and n.later > 100 and n.any == 100 and
    n.ops == s.ok + s.fail + s.info
  return ok, string.format("first %d later %d (sent %d - %d) any %d ops %d", n.first, n.later, s.sent, sent_before,
    n.any, n.ops)
end)
expect { invariants = { kinds_follow_hooks = 0 } }
