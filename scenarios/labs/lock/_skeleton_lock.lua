-- Lab: a lock service with leases and fencing tokens. Copy this file
-- (e.g. to _my_lock.lua in this folder), fill in the TODOs, and grade it:
--
--   build/faultsim grade scenarios/labs/lock scenarios/labs/lock/_my_lock.lua
--
-- The grader runs your server as node "lock", three clients "client1".."client3"
-- that each repeat one operation ("write"), and its own storage node "store".
-- See README.md in this folder for the tests and what each one checks.
--
-- What the grader relies on (keep these):
--   * the file returns { server = model{...}, client = model{...} }
--   * the server declares params lease_ms = 300; the client declares
--     server = "lock", store = "store", lease_ms = 300
--   * message names and fields:
--       client -> server  ACQUIRE {}            ask for the lock
--       server -> client  GRANT {token = t}     you hold it for lease_ms from
--                                               when the server sent this
--       client -> server  RELEASE {token = t}   give it back
--       client -> store   WRITE {token = t, value = op.id}
--       store -> client   WRITE_REPLY {value = op.id, ok = 1 | 0}
--                                               ok = 0: the store refused t
--                                               (a larger token wrote already)
--   * the client completes each operation with self:complete(op.id, "ok" |
--     "fail", op.id): "ok" only when the store answered ok = 1
--
-- The grader judges what it sees on the wire: two clients holding valid
-- grants at once, a token that does not grow, a WRITE with a token the
-- writer was never granted, or an "ok" the store never accepted all fail a
-- test. Useful self methods: send, timer, cancel, clock, log, log_entries,
-- complete; self.state is lost on a crash, the log survives (main README:
-- "Writing a model in Lua").

local server = model {
  name = "lock.server",
  params = { lease_ms = 300 },

  -- Runs at the first start and, unless you write on_restart, after every
  -- restart, with self.state empty.
  init = function(self)
    self.state.token = 0
    -- TODO: which state must survive a crash? Read it back from
    -- self:log_entries(). And could a lease granted before the crash still
    -- be running now?
  end,

  on_message = function(self, msg)
    if msg.type == "ACQUIRE" then
      -- TODO: grant when the lock is free or its lease has run out
      -- (self:clock() is the server's clock in seconds), with a token larger
      -- than every token before. What if msg.src already holds it (its GRANT
      -- was lost)?
    elseif msg.type == "RELEASE" then
      -- TODO: free the lock. Who may free it?
    end
  end,
}

local client = model {
  name = "lock.client",
  params = { server = "lock", store = "store", lease_ms = 300, retry_ms = 30, work_ms = 10 },
  ops = { "write" },

  init = function(self) self.state.op = nil end,

  -- The workload asks for one operation at a time; one that gets no answer
  -- times out after 1 s and the next one starts.
  on_invoke = function(self, op)
    -- TODO: ask for the lock; messages get lost, so ask again on a timer
    -- (self:timer(self.params.retry_ms / 1000, tag)) until a GRANT comes.
  end,

  on_message = function(self, msg)
    if msg.type == "GRANT" then
      -- TODO: you hold the lock. Work for work_ms (a timer), then WRITE
      -- to the store with your token and the operation's id as value.
    elseif msg.type == "WRITE_REPLY" then
      -- TODO: complete the operation ("ok" if msg.ok == 1, else "fail")
      -- and RELEASE the lock.
    end
  end,

  on_timer = function(self, tag)
    -- TODO: resend what is still unanswered (ACQUIRE or WRITE); start the
    -- write when the work is done.
  end,
}

return { server = server, client = client }
