-- The lua_echo benchmark's run (bench/bench_lua.c): one echo server and
-- `clients` echo.client nodes, each pinging it every `interval` (every
-- ping an operation in the history) over links of uniform 100us..2ms
-- latency. impl = "c" runs the built-in echo.server, impl = "lua" the
-- README's echo server written in Lua.
scenario { name = "lua_echo", duration = "10s", seeds = 1 }

local p = params { impl = "lua", clients = 10, interval = "100us" }

network { latency = "uniform:100us,2ms" }

local Echo = model {
  name = "bench.lua_echo",
  on_message = function(self, msg)
    if msg.type ~= "PING" then return end
    self:send(msg.src, "PONG", { seq = msg.seq })
  end,
}

local impl = ({ c = "echo.server", lua = Echo })[p.impl]
if not impl then error("impl must be c or lua") end
node("server", impl)
clients { count = p.clients, model = "echo.client", params = { target = "server", interval = p.interval, timeout = "1s" } }
