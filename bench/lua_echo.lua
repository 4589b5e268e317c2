-- The lua_echo benchmarks' run (bench/bench_lua.c): one echo server and
-- `clients` load nodes over links of uniform 100us..2ms latency.
-- load = "client": echo.client nodes pinging every `interval`, each ping an
-- operation in the history; load = "source": echo.source nodes sending
-- PINGs at `rate` per second each and recording nothing.
-- impl = "c" runs the built-in echo.server, impl = "lua" the README's echo
-- server written in Lua, impl = "lua_sink" a Lua model whose handler does
-- nothing (what the runtime alone costs per delivery).
scenario { name = "lua_echo", duration = "10s", seeds = 1 }

local p = params { impl = "lua", load = "client", clients = 10, interval = "100us", rate = 10000 }

network { latency = "uniform:100us,2ms" }

local Echo = model {
  name = "bench.lua_echo",
  on_message = function(self, msg)
    if msg.type ~= "PING" then return end
    self:send(msg.src, "PONG", { seq = msg.seq })
  end,
}

local Sink = model { name = "bench.lua_sink", on_message = function(self, msg) end }

local impl = ({ c = "echo.server", lua = Echo, lua_sink = Sink })[p.impl]
if not impl then error("impl must be c, lua or lua_sink") end
node("server", impl)
for i = 1, p.clients do
  if p.load == "client" then
    node("client" .. i, "echo.client", { target = "server", interval = p.interval, timeout = "1s" })
  elseif p.load == "source" then
    node("source" .. i, "echo.source", { target = "server", rate = p.rate })
  else
    error("load must be client or source")
  end
end
