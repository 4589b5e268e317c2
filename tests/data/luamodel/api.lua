-- The self API end to end: timers with Lua tags and cancel, the durable log
-- across a crash with lose_unsynced, self.durable, broadcast, invoke and
-- complete, random and clock. Each check is an invariant.
scenario { name = "lua_api", duration = "3s" }

local Api = model {
  name = "t.api",
  params = { peers = {}, n = 2, ratio = 0.5, flag = true, label = "x" },
  init = function(self)
    local entries = self:log_entries()
    self:emit("recovered", { entries = #entries, first_is_a = entries[1] and entries[1].type == "A" and 1 or 0,
                             durable = self.durable.count or 0 })
    self.durable.count = (self.durable.count or 0) + 1
    if #entries == 0 then
      self:log({ type = "A", k = 7 }, true)
      self:log({ type = "B", k = 8 }, false) -- lost by lose_unsynced
    end
    local keep = self:timer("100ms", { "kept", n = self.params.n })
    local drop = self:timer(0.05, "dropped")
    self:cancel(drop)
    self:cancel(drop) -- twice is fine
    self.state.keep = keep
    local r = self:random(3, 4)
    self:emit("params", { n = self.params.n, flag = self.params.flag, peers = #self.params.peers,
                          random_ok = (r == 3 or r == 4) and 1 or 0,
                          clock_ms = math.floor(self:clock() * 1000) })
  end,
  on_timer = function(self, tag)
    self:emit("fired", { kept = tag[1] == "kept" and 1 or 0, n = tag.n or -1 })
    self:broadcast(self.params.peers, "HELLO", { x = 1, yes = true })
    local op = self:invoke("write", 5, nil, "1s")
    local first, again = self:complete(op, "ok", 5), self:complete(op, "fail")
    self:emit("completed", { first = first, again = again })
  end,
  on_message = function(self, msg)
    if msg.type == "PONG" then end
  end,
}

local Peer = model {
  name = "t.peer",
  on_message = function(self, msg)
    self:emit("hello", { x = msg.x, yes = msg.yes, from_a = msg.src == "a" and 1 or 0 })
  end,
}

node("a", Api, { peers = { "b", "c" }, n = 3 })
node("b", Peer)
node("c", Peer)

local seen = {}
local function count(kind) seen[kind] = (seen[kind] or 0) + 1 end
on({ kind = "event", type = "recovered" }, function(ev)
  count("recovered")
  if seen.recovered == 2 then
    seen.second = { ev.msg.entries, ev.msg.first_is_a, ev.msg.durable }
  end
end)
on({ kind = "event", type = "params" }, function(ev)
  count("params")
  seen.params_ok = ev.msg.n == 3 and ev.msg.flag == 1 and ev.msg.peers == 2 and ev.msg.random_ok == 1
end)
on({ kind = "event", type = "fired" }, function(ev)
  count("fired")
  seen.fired_ok = ev.msg.kept == 1 and ev.msg.n == 3
end)
on({ kind = "event", type = "hello" }, function(ev)
  if ev.msg.x == 1 and ev.msg.yes == 1 and ev.msg.from_a == 1 then count("hello") end
end)
on({ kind = "event", type = "completed", first = 1, again = 0 }, function() count("completed") end)
on({ kind = "op" }, function(ev) if ev.op.type == "invoke" then count("invoke") end end)

at("1s", function() crash("a"); lose_unsynced("a") end)
at("1200ms", function() restart("a") end)

invariant("restart_sees_synced_log", function()
  local s = seen.second or {}
  return s[1] == 1 and s[2] == 1 and s[3] == 1, "after restart: " .. table.concat(s, ",")
end)
invariant("params_and_random", function() return seen.params_ok == true end)
invariant("timers", function() return seen.fired == 2 and seen.fired_ok == true, tostring(seen.fired) end)
invariant("broadcast", function() return seen.hello == 4, tostring(seen.hello) end)
invariant("invoke", function() return seen.invoke == 2 and seen.completed == 2, tostring(seen.invoke) end)
expect { violations = 0 }
