-- The same ping workload against the C echo.server or a Lua echo model
-- (--set impl=c|lua): with the same seed the runs must count the same.
scenario { name = "lua_ping", duration = "5s", seeds = 3 }
local p = params { impl = "lua" }

local Echo = model {
  name = "lab.echo",
  on_message = function(self, msg)
    if msg.type == "PING" then self:send(msg.src, "PONG", { seq = msg.seq }) end
  end,
}

network { latency = "uniform:1ms,5ms", loss = 0.05 }
node("server", p.impl == "lua" and Echo or "echo.server")
clients {
  count = 3, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { ops = { "ping" }, think = "20ms", timeout = "200ms" },
}
at("2s", function() crash_restart("server", "300ms") end)
