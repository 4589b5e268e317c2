-- Lab: consistent hashing with virtual nodes. Copy this file (e.g. to
-- _my_ring.lua in this folder, where it finds _hash.lua; keep the leading
-- "_"), fill in the TODOs, and grade it part by part:
--
--   build/faultsim check scenarios/labs/ring/grade.lua --set solution=_my_ring.lua --set part=placement
--   build/faultsim check scenarios/labs/ring/grade.lua --set solution=_my_ring.lua --set part=handoff --set fault=loss
--
-- (README.md in this folder lists every test.)
--
-- What the grader relies on (keep these):
--   * the file returns { new_ring = function(vnodes) ... end, server = model{...} }
--   * new_ring(vnodes) returns a ring r with r.add(name), r.remove(name) and
--     r.owner(key) -> the name of the member that owns integer key `key`
--     (called as r.add("s1"), with a dot)
--   * the server declares params nodes = {} (every server's name, s1..s5),
--     vnodes = 100 and whatever else you need, and handles:
--       MEMBERS {mask, epoch}   the membership: nodes[i] is a member when
--                               bit i-1 of mask is set; epoch grows by one
--                               at each change (messages may be lost:
--                               the grader repeats it every 100 ms)
--       PUT {key, val}          store; answer PUT_OK {key}
--       GET {key}               answer GET_R {key, val, found = 1 | 0}
--   * keys move between servers only in HANDOFF messages carrying the key
--     (field `key`; the other fields and the answer are yours): the grader
--     counts which keys were delivered where.
--
-- self.state is lost when a server crashes, self.durable survives.

local hash = include("_hash.lua")  -- hash.str(string), hash.key(integer): in [0, 2^62)

local function new_ring(vnodes)
  local ring = {}
  -- TODO: each member stands at `vnodes` points of the ring, e.g.
  -- hash.str(name .. "#" .. i); a key belongs to the member of the first
  -- point at or after hash.key(key), wrapping round. Make the placement
  -- depend on the set of members only (not the order they were added).
  function ring.add(name) end
  function ring.remove(name) end
  function ring.owner(key) end
  return ring
end

local server = model {
  name = "ring.lab",
  params = { nodes = {}, vnodes = 100, resend = "100ms" },
  init = function(self)
    -- TODO: after a restart, carry on where you were.
  end,
  on_message = function(self, msg)
    if msg.type == "MEMBERS" then
      -- TODO: a newer membership: send each key you no longer own to its
      -- new owner. When may you delete your copy?
    elseif msg.type == "PUT" then
      -- TODO
    elseif msg.type == "GET" then
      -- TODO
    elseif msg.type == "HANDOFF" then
      -- TODO
    end
  end,
  on_timer = function(self, tag)
    -- TODO: messages get lost; try again.
  end,
}

return { new_ring = new_ring, server = server }
