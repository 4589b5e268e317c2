-- A plausible student solution with one bug, kept to show what the grader
-- finds. It is the reference (_reference_lock.lua) except that RELEASE
-- frees the lock whoever sends it, like the textbook lock's unconditional
-- DEL. A client whose lease ran out while it was paused comes back, writes
-- (the store refuses its old token) and RELEASEs: that frees the lock its
-- successor holds, and a third client is granted it while the successor's
-- lease still runs. The "GC pauses" test catches it (mutual_exclusion), and
-- so does "loss and duplication" when a duplicated RELEASE arrives late.
--
--   build/faultsim grade scenarios/labs/lock scenarios/labs/lock/_wrong_release_any.lua

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
      s.holder = nil -- "a client only releases what it holds" (the seed's unconditional DEL)
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
