-- A Lua echo server next to the C echo clients: it must answer every PING
-- like echo.server does. Also checks self.state (volatile) against
-- self.durable (kept) across a crash, and timers with Lua tags.
scenario { name = "lua_echo", duration = "3s", seeds = 3 }

local Echo = model {
  name = "lab.echo",
  params = { reply = "PONG", bonus = 0 },
  init = function(self)
    local leftover = self.state.pings or -1 -- -1: the state table is fresh
    self.state.pings = 0
    self.durable.starts = (self.durable.starts or 0) + 1
    self:emit("started", { starts = self.durable.starts, leftover = leftover })
    self:timer("1s", { kind = "tick", n = 1 })
  end,
  on_message = function(self, msg)
    if msg.type ~= "PING" then return end
    self.state.pings = self.state.pings + 1
    self:send(msg.src, self.params.reply, { seq = msg.seq + self.params.bonus })
  end,
  on_timer = function(self, tag)
    self:emit("tick", { n = tag.n, pings = self.state.pings })
  end,
}

network { latency = "uniform:1ms,2ms" }
node("server", Echo)
clients { count = 2, model = "echo.client", params = { target = "server", interval = "50ms", timeout = "200ms" } }

local starts = {}
on({ kind = "event", type = "started" }, function(ev)
  starts[#starts + 1] = { ev.msg.starts, ev.msg.leftover }
end)
local ticks = 0
on({ kind = "event", type = "tick" }, function(ev) ticks = ticks + 1 end)
at("1500ms", function() crash_restart("server", "200ms") end)

invariant("echo_answers", function(ev) return ev.msg.seq > 0 end, { kind = "deliver", type = "PONG" })
invariant("volatile_reset_durable_kept", function()
  return #starts == 2 and starts[1][1] == 1 and starts[2][1] == 2 and starts[1][2] == -1 and starts[2][2] == -1,
         "starts: " .. #starts
end)
at("2999ms", function() metric("ticks", ticks) end)
expect { violations = 0, availability_min = 0.9, metrics = { ticks = 2 } }
