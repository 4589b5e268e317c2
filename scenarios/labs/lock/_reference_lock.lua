-- A lock service with leases and fencing tokens: the lab's reference
-- solution (files starting with "_" are not run by `faultsim check`; the
-- grader includes them). Don't read it before trying.
--
-- Server: grants the lock to one client at a time for a lease of
-- `lease_ms`, with a fencing token one larger than any before. The token is
-- force-logged before the GRANT leaves, so a restarted server never hands
-- out a token twice; after a restart it grants nothing for one lease, since
-- a lease it granted before the crash may still run. RELEASE frees the lock
-- only when it comes from the holder with the holder's token: a client
-- whose lease expired (paused, slow) must not free its successor's lock.
--
-- Client: for each operation, ACQUIRE (again every `retry_ms` until a
-- GRANT arrives), work `work_ms`, WRITE{token, value = op id} to the store
-- (again until its WRITE_REPLY), complete ok if the store accepted it, fail
-- if it refused the token, then RELEASE{token}. The store's token check is
-- what makes a write after an expired lease harmless.

local server = model {
  name = "lock.server",
  params = { lease_ms = 300 },
  init = function(self) -- also after a restart (on_restart defaults to init)
    local s = self.state
    s.token = 0
    for _, rec in ipairs(self:log_entries()) do
      if rec.type == "TOKEN" and rec.token > s.token then s.token = rec.token end
    end
    s.holder, s.expires = nil, 0
    -- A grant from before the crash may still be valid for up to a lease.
    s.quiet_until = s.token > 0 and self:clock() + self.params.lease_ms / 1000 or 0
  end,
  on_message = function(self, msg)
    local s = self.state
    if msg.type == "ACQUIRE" then
      local now = self:clock()
      if s.holder == msg.src and now < s.expires then
        self:send(msg.src, "GRANT", { token = s.token }) -- its GRANT was lost: the same grant again
      elseif (s.holder == nil or now >= s.expires) and now >= s.quiet_until then
        s.token = s.token + 1
        self:log({ type = "TOKEN", token = s.token }, true) -- durable before anyone sees it
        s.holder, s.expires = msg.src, now + self.params.lease_ms / 1000
        self:send(msg.src, "GRANT", { token = s.token })
      end -- held by another: no answer, the client asks again
    elseif msg.type == "RELEASE" then
      if s.holder == msg.src and msg.token == s.token then s.holder = nil end
    end
  end,
}

local client = model {
  name = "lock.client",
  params = { server = "lock", store = "store", lease_ms = 300, retry_ms = 30, work_ms = 10 },
  ops = { "write" },
  init = function(self) self.state.op = nil end,
  on_invoke = function(self, op)
    local s = self.state
    if s.token then -- the last operation timed out holding the lock
      self:send(self.params.server, "RELEASE", { token = s.token })
    end
    s.op, s.token, s.phase = op.id, nil, "acquire"
    self:send(self.params.server, "ACQUIRE", {})
    self:timer(self.params.retry_ms / 1000, { op = op.id })
  end,
  on_message = function(self, msg)
    local s = self.state
    if msg.type == "GRANT" and s.op and s.phase == "acquire" then
      s.token, s.phase = msg.token, "work"
      self:timer(self.params.work_ms / 1000, { op = s.op, write = true })
    elseif msg.type == "WRITE_REPLY" and s.op and s.phase == "write" and msg.value == s.op then
      self:complete(s.op, msg.ok == 1 and "ok" or "fail", s.op)
      self:send(self.params.server, "RELEASE", { token = s.token })
      s.op, s.token, s.phase = nil, nil, nil
    end
  end,
  on_timer = function(self, tag)
    local s = self.state
    if tag.op ~= s.op then return end -- an old operation's timer
    if tag.write then s.phase = "write" end
    if s.phase == "acquire" then
      self:send(self.params.server, "ACQUIRE", {})
    elseif s.phase == "write" then
      self:send(self.params.store, "WRITE", { token = s.token, value = s.op })
    else
      return
    end
    self:timer(self.params.retry_ms / 1000, { op = s.op })
  end,
}

return { server = server, client = client }
