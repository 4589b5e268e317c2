-- A plausible student solution with one bug, kept to show what the grader
-- finds. It is the reference (_reference_lock.lua) except that the fencing
-- token lives only in the server's memory: after a restart the server
-- counts from 1 again (it does wait out a lease first, so mutual exclusion
-- holds). The store has already accepted larger tokens, so it refuses every
-- write of the new holders, and a token is handed out twice. The "server
-- restarts" test catches it (fencing_tokens).
--
--   build/faultsim grade scenarios/labs/lock scenarios/labs/lock/_wrong_token_volatile.lua

local server = model {
  name = "lock.server",
  params = { lease_ms = 300 },
  init = function(self) -- also after a restart (on_restart defaults to init)
    local s = self.state
    s.token = 0 -- "tokens only need to grow while the server runs"
    s.holder, s.expires = nil, 0
    -- A grant from before the crash may still be valid for up to a lease.
    s.quiet_until = self:clock() + self.params.lease_ms / 1000
  end,
  on_message = function(self, msg)
    local s = self.state
    if msg.type == "ACQUIRE" then
      local now = self:clock()
      if s.holder == msg.src and now < s.expires then
        self:send(msg.src, "GRANT", { token = s.token }) -- its GRANT was lost: the same grant again
      elseif (s.holder == nil or now >= s.expires) and now >= s.quiet_until then
        s.token = s.token + 1
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
