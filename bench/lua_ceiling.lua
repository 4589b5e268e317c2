-- The lua_ceiling benchmark's loop (bench/bench_lua_ceiling.c): the work
-- of bench/lua_forward.lua's handler, with nothing of the runtime around
-- it. Each round builds the message table a delivery hands the handler
-- ({ type, src, dst, id, hops }) and calls the same `hop` function on it,
-- whose self:random and self:send are the C functions given (random draws,
-- send reads the fields table as the real one must). What is left of a
-- Lua run's cost once the kernel's is taken away can be no lower than
-- this. handler = "echo" runs bench/lua_echo.lua's server handler instead
-- on PING tables. Arguments: node count, message count, send, random,
-- handler.
local nodes, count, send, random, handler = ...

local names = {}
for i = 1, nodes do names[i] = "p" .. (i - 1) end
local n = #names

local methods = { send = send, random = random }
local self = setmetatable({ name = "p0", id = 0, params = { hops = 0 }, state = {}, durable = {} },
                          { __index = methods })

-- bench/lua_forward.lua's handler, word for word.
local function hop(self, msg)
  local hops = msg.hops
  if hops <= 0 then return end
  self:send(names[self:random(n)], msg.type, { hops = hops - 1 })
end

-- bench/lua_echo.lua's server handler, word for word.
local function echo(self, msg)
  if msg.type ~= "PING" then return end
  self:send(msg.src, "PONG", { seq = msg.seq })
end

if handler == "echo" then
  return function()
    for i = 1, count do
      echo(self, { type = "PING", src = names[i % n + 1], dst = "server", id = i, seq = i })
    end
  end
end

return function()
  for i = 1, count do
    hop(self, { type = "HOP", src = names[i % n + 1], dst = "p0", id = i, hops = 5 })
  end
end
