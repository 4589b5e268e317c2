-- A Lua echo model that answers overflow with BUSY, like echo.server, on a
-- node with a service model that rejects (--set impl=c|lua): with the same
-- seed both count the same pings ok and failed, and some were rejected.
scenario { name = "lua_overload", duration = "5s", seeds = 2 }
local p = params { impl = "lua" }

local Echo = model {
  name = "lab.busy_echo",
  on_message = function(self, msg)
    if msg.type == "PING" then self:send(msg.src, "PONG", { seq = msg.seq }) end
  end,
  on_overload = function(self, msg)
    if msg.type == "PING" then self:send(msg.src, "BUSY", { seq = msg.seq }) end
  end,
}

network { latency = "1ms" }
node("server", p.impl == "lua" and Echo or "echo.server", nil,
     { service = { time = "exp:2ms", queue = 3, overflow = "reject" } })
clients {
  count = 1, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { mode = "open", rate = 600, ops = { "ping" }, timeout = "1s", stop = "4s" },
}
local busy = 0
on({ kind = "deliver", type = "BUSY" }, function() busy = busy + 1 end)
invariant("busy_answers_rejections", function()
  local s = service_stats("server")
  return s.rejected > 0 and busy == s.rejected and stats().fail == busy,
         string.format("%d rejected, %d BUSY delivered, %d failed", s.rejected, busy, stats().fail)
end)
expect { violations = 0 }
