-- The lua_forward benchmark's run (bench/bench_lua.c): `nodes` nodes, each
-- starting one message that is forwarded `hops` times, every hop to a node
-- drawn at random, over links of uniform 100us..2ms latency. impl = "c"
-- runs the built-in bench.forward, impl = "lua" the same protocol written
-- in Lua below, impl = "lua_table" the Lua one with a handler that also
-- builds a table of its own per message (and keeps the last one).
scenario { name = "lua_forward", duration = "100s", seeds = 1 }

local p = params { impl = "lua", nodes = 1000, hops = 2000 }

network { latency = "uniform:100us,2ms" }

local names = {}
for i = 1, p.nodes do names[i] = "p" .. (i - 1) end
local n = #names

local function hop(self, msg)
  local hops = msg.hops
  if hops <= 0 then return end
  self:send(names[self:random(n)], msg.type, { hops = hops - 1 })
end

local function start(self)
  local hops = self.params.hops
  if hops > 0 then self:send(names[self:random(n)], "HOP", { hops = hops }) end
end

local Forward = model { name = "bench.lua_forward", params = { hops = 0 }, init = start, on_message = hop }

local ForwardTable = model {
  name = "bench.lua_forward_table", params = { hops = 0 }, init = start,
  on_message = function(self, msg)
    self.state.last = { hops = msg.hops, from = msg.src, seen = (self.state.last and self.state.last.seen or 0) + 1 }
    hop(self, msg)
  end,
}

local impl = ({ c = "bench.forward", lua = Forward, lua_table = ForwardTable })[p.impl]
if not impl then error("impl must be c, lua or lua_table") end
for _, name in ipairs(names) do node(name, impl, { hops = p.hops }) end
