-- A cheating solution for the consistent-hashing lab: every server reads
-- and writes one Lua table that all of them share, so no key ever needs to
-- move and none is lost, and nothing is handed off. The keys "moved"
-- without a message on the wire: the grader fails it with `transfers`.
local reference = include("_reference_ring.lua")
local shared = {}

local server = model {
  name = "ring.lab",
  params = { nodes = {}, vnodes = 100, resend = "100ms" },
  on_message = function(self, msg)
    if msg.type == "PUT" then
      shared[msg.key] = msg.val
      self:send(msg.src, "PUT_OK", { key = msg.key })
    elseif msg.type == "GET" then
      local v = shared[msg.key]
      self:send(msg.src, "GET_R", { key = msg.key, val = v or 0, found = v and 1 or 0 })
    end
  end,
}

return { new_ring = reference.new_ring, server = server }
