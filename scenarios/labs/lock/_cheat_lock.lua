-- A cheating "solution", kept so the grader is tested against it: the
-- client tells its user every operation succeeded at once and emits
-- nothing, the server does nothing. No lock is ever granted twice, because
-- none is granted at all; a grader that trusted the clients' own story
-- would pass it. told_ok fails it: the store never accepted a write.
local server = model {
  name = "lock.server",
  params = { lease_ms = 300 },
  on_message = function() end,
}

local client = model {
  name = "lock.client",
  params = { server = "lock", store = "store", lease_ms = 300 },
  ops = { "write" },
  on_invoke = function(self, op) self:complete(op.id, "ok", op.id) end,
  on_message = function() end,
}

return { server = server, client = client }
