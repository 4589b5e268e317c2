-- The ABD lab's reference solution: a multi-writer atomic register per key
-- on majority quorums (Attiya, Bar-Noy and Dolev, "Sharing Memory Robustly
-- in Message-Passing Systems", JACM 1995; multi-writer form as in Lynch's
-- "Distributed Algorithms" §17.2 and Lynch & Shvartsman 1997). Don't read it
-- before trying the skeleton.
--
-- Every operation has two phases, each answered by a majority:
--   query   QUERY{op, key} to all; QUERY_R{op, key, ts, wid, val} back;
--           keep the highest (ts, wid)
--   update  UPDATE{op, key, ts, wid, val} to all; UPDATE_R{op, key, ts, wid}
--           back. A write sends (max ts + 1, its own id, its value); a read
--           writes back the highest pair it saw, then returns its value.
-- Servers keep (ts, wid, val) per key in self.durable and replace it only
-- with a higher (ts, wid). Requests go again every `resend` to the servers
-- that have not answered the current phase, so lost messages only delay.

local function newer(ts1, wid1, ts2, wid2)
  return ts1 > ts2 or (ts1 == ts2 and wid1 > wid2)
end

-- build(mistake) makes the models; the lab's wrong solutions
-- (_wrong_*.lua) are this one with one plausible mistake, named by
-- `mistake`: "no_write_back" (a read returns after its query phase) or
-- "early_ack" (a write returns after one UPDATE_R fewer than a majority).
local function build(mistake)

  local server = model {
    name = "abd.server",
    init = function(self)
      self.durable.store = self.durable.store or {}
    end,
    on_message = function(self, msg)
      local store = self.durable.store
      local cur = store[msg.key] or { ts = 0, wid = 0, val = 0 }
      if msg.type == "QUERY" then
        self:send(msg.src, "QUERY_R", { op = msg.op, key = msg.key, ts = cur.ts, wid = cur.wid, val = cur.val })
      elseif msg.type == "UPDATE" then
        if newer(msg.ts, msg.wid, cur.ts, cur.wid) then
          store[msg.key] = { ts = msg.ts, wid = msg.wid, val = msg.val }
        end
        self:send(msg.src, "UPDATE_R", { op = msg.op, key = msg.key, ts = msg.ts, wid = msg.wid })
      end
    end,
  }

  local client = model {
    name = "abd.client",
    params = { servers = {}, resend = "100ms", give_up = 10 },
    ops = { "read", "write" },
    init = function(self) self.state.ops = {} end,

    on_invoke = function(self, op)
      local o = { op = op, phase = "query", from = {}, n = 0, ts = 0, wid = 0, val = 0, tries = 0 }
      self.state.ops[op.id] = o
      self:broadcast(self.params.servers, "QUERY", { op = op.id, key = op.key })
      self:timer(self.params.resend, op.id)
    end,

    on_message = function(self, msg)
      local o = self.state.ops[msg.op]
      if not o or o.from[msg.src] then return end
      local majority = #self.params.servers // 2 + 1
      if msg.type == "QUERY_R" and o.phase == "query" then
        o.from[msg.src] = true
        o.n = o.n + 1
        if newer(msg.ts, msg.wid, o.ts, o.wid) then o.ts, o.wid, o.val = msg.ts, msg.wid, msg.val end
        if o.n >= majority then
          if o.op.f == "write" then o.ts, o.wid, o.val = o.ts + 1, self.id, o.op.value end
          if mistake == "no_write_back" and o.op.f == "read" then
            self.state.ops[msg.op] = nil
            self:complete(msg.op, "ok", o.val)
            return
          end
          o.phase, o.from, o.n = "update", {}, 0
          self:broadcast(self.params.servers, "UPDATE", { op = msg.op, key = o.op.key, ts = o.ts, wid = o.wid, val = o.val })
        end
      elseif msg.type == "UPDATE_R" and o.phase == "update" and msg.ts == o.ts and msg.wid == o.wid then
        o.from[msg.src] = true
        o.n = o.n + 1
        local need = (mistake == "early_ack" and o.op.f == "write") and majority - 1 or majority
        if o.n >= need then
          self.state.ops[msg.op] = nil
          self:complete(msg.op, "ok", o.val)
        end
      end
    end,

    -- Resends the current phase's request to the servers that have not
    -- answered it; after `give_up` tries the operation is left to its timeout.
    on_timer = function(self, id)
      local o = self.state.ops[id]
      if not o then return end
      o.tries = o.tries + 1
      if o.tries > self.params.give_up then self.state.ops[id] = nil; return end
      for _, s in ipairs(self.params.servers) do
        if not o.from[s] then
          if o.phase == "query" then
            self:send(s, "QUERY", { op = id, key = o.op.key })
          else
            self:send(s, "UPDATE", { op = id, key = o.op.key, ts = o.ts, wid = o.wid, val = o.val })
          end
        end
      end
      self:timer(self.params.resend, id)
    end,
  }

  return { server = server, client = client }
end

local reference = build(nil)
reference.build = build
return reference
