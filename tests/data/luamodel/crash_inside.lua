-- A node crashed by an observer while its handler runs does nothing more:
-- the handler's later sends, emits and log writes are dropped.
scenario { name = "crash_inside", duration = "1s" }
local M = model {
  name = "t.chatty",
  init = function(self)
    if self.durable.started then return end
    self.durable.started = true
    self:send("b", "ONE")
    self:send("b", "TWO")
    self:emit("after_crash")
    self:log({ type = "AFTER" }, true)
  end,
}
node("a", M)
node("b", "echo.server")
once({ kind = "send", node = "a" }, function() crash("a") end)
after("500ms", function() restart("a") end)
local sends, emits = 0, 0
on({ kind = "send", node = "a" }, function() sends = sends + 1 end)
on({ kind = "event", node = "a" }, function() emits = emits + 1 end)
invariant("one_send", function() return sends == 1 and emits == 0, sends .. " sends, " .. emits .. " events" end)
expect { violations = 0 }
