-- Lab: a replicated register with majority quorums (ABD). Copy this file
-- (e.g. to _my_abd.lua in this folder: keep the leading "_"), fill in the
-- TODOs, and grade it:
--
--   build/faultsim check scenarios/labs/abd/grade.lua --set solution=_my_abd.lua --set fault=none
--
-- (README.md in this folder lists every test.) The grader runs servers s1,
-- s2, s3 and four clients that read and write keys 0 and 1; every key is a
-- register that starts at 0.
--
-- What the grader relies on (keep these):
--   * the file returns { server = model{...}, client = model{...} }
--   * the client declares params servers = {} (it gets { "s1", "s2", "s3" })
--     and ops = { "read", "write" }; on_invoke(self, op) gets op.id, op.f,
--     op.key and, for a write, op.value; finish with
--     self:complete(op.id, "ok", value) (a read: the value read)
--   * the messages, with these names and fields (op = the op's id):
--       QUERY    {op, key}                 client -> server
--       QUERY_R  {op, key, ts, wid, val}   server -> client: what it stores
--       UPDATE   {op, key, ts, wid, val}   client -> server
--       UPDATE_R {op, key, ts, wid}        server -> client: stored (or newer)
--     ts is a logical timestamp, wid the writer's id (self.id) to break
--     ties; a key never written is ts = 0, wid = 0, val = 0.
-- The grader counts the distinct servers that answered each phase and
-- checks the clients' history for linearizability.

local server = model {
  name = "abd.server",
  init = function(self)
    -- TODO: where does the register live so that a crash does not lose it?
  end,
  on_message = function(self, msg)
    if msg.type == "QUERY" then
      -- TODO: answer QUERY_R with what you store for msg.key
    elseif msg.type == "UPDATE" then
      -- TODO: keep (ts, wid, val) if it is newer than what you have; answer
      -- UPDATE_R either way
    end
  end,
}

local client = model {
  name = "abd.client",
  params = { servers = {}, resend = "100ms" },
  ops = { "read", "write" },
  init = function(self) self.state.ops = {} end,

  on_invoke = function(self, op)
    -- TODO: phase 1, ask every server (self:broadcast(self.params.servers,
    -- "QUERY", {...})). Messages get lost: arm a timer to ask again.
  end,

  on_message = function(self, msg)
    -- TODO: count answers from distinct servers (msg.src). With a majority
    -- of QUERY_R: which (ts, wid, val) does a write send, and a read? With a
    -- majority of UPDATE_R: complete the operation.
  end,

  on_timer = function(self, tag)
    -- TODO: resend the current phase to the servers that have not answered.
  end,
}

return { server = server, client = client }
