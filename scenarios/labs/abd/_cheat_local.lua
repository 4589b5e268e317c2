-- A cheating solution for the ABD lab: the clients share one Lua table and
-- answer every operation from it at once, sending nothing. Inside one
-- sandbox that memory is atomic, so the history alone looks linearizable;
-- the grader judges the messages too and fails it with `query_quorum`
-- (no server was asked).
local memory = {}

local server = model { name = "abd.server", on_message = function() end }

local client = model {
  name = "abd.client",
  params = { servers = {} },
  ops = { "read", "write" },
  on_invoke = function(self, op)
    if op.f == "write" then
      memory[op.key] = op.value
      self:complete(op.id, "ok", op.value)
    else
      self:complete(op.id, "ok", memory[op.key] or 0)
    end
  end,
}

return { server = server, client = client }
