-- The consistent-hashing lab's reference solution (Karger et al., "Consistent
-- Hashing and Random Trees", STOC 1997; virtual nodes as in Dynamo, SOSP
-- 2007). Don't read it before trying the skeleton.
--
-- Placement: each node stands at `vnodes` points hash.str(name .. "#" .. i)
-- of a ring of 2^62 positions; a key belongs to the first point at or after
-- hash.key(key), going round. Rebalancing: when the membership changes, a
-- server sends every key it stores but no longer owns to its new owner in
-- HANDOFF {key, val, mask, epoch}, again every `resend` until HANDOFF_ACK
-- {key, epoch} comes back, and only then deletes it. The membership comes
-- with an epoch; a server learns a newer one from any HANDOFF and ignores
-- a HANDOFF of an older one, so two stale views cannot pass a key back and
-- forth until both have deleted it. Keys and the membership are in
-- self.durable, so a crash in the middle resumes the handoff at restart.
local hash = include("_hash.lua")

-- A ring: add(name), remove(name), owner(key) -> name.
local function new_ring(vnodes)
  local ring = { points = {}, members = {}, dirty = false }
  -- The points are sorted again at the first lookup after a change, so
  -- adding n members costs one sort, not n.
  local function rebuild()
    local pts = {}
    for name in pairs(ring.members) do
      for i = 1, vnodes do pts[#pts + 1] = { h = hash.str(name .. "#" .. i), name = name } end
    end
    -- Ties (two equal hashes) are broken by name, so the ring depends on
    -- the set of members only, not on the order they came in.
    table.sort(pts, function(a, b) return a.h < b.h or (a.h == b.h and a.name < b.name) end)
    ring.points, ring.dirty = pts, false
  end
  function ring.add(name) ring.members[name] = true; ring.dirty = true end
  function ring.remove(name) ring.members[name] = nil; ring.dirty = true end
  function ring.owner(key)
    if ring.dirty then rebuild() end
    local pts, h = ring.points, hash.key(key)
    if #pts == 0 then return nil end
    local lo, hi = 1, #pts + 1
    while lo < hi do
      local mid = (lo + hi) // 2
      if pts[mid].h < h then lo = mid + 1 else hi = mid end
    end
    return pts[lo <= #pts and lo or 1].name
  end
  return ring
end

-- build(mistake) makes the server; "delete_early" is the lab's wrong
-- solution that deletes a key as soon as its HANDOFF is sent.
local function build(mistake)
  local function ring_of(self, mask)
    local r = new_ring(self.params.vnodes)
    for i, name in ipairs(self.params.nodes) do
      if mask & (1 << (i - 1)) ~= 0 then r.add(name) end
    end
    return r
  end

  -- Sends every stored key this server does not own under the current
  -- membership to its owner.
  local function hand_off(self)
    local D = self.durable
    if not D.mask then return end
    local r = self.state.ring
    for key, val in pairs(D.store) do
      local owner = r.owner(key)
      if owner ~= self.name then
        self:send(owner, "HANDOFF", { key = key, val = val, mask = D.mask, epoch = D.epoch })
        if mistake == "delete_early" then D.store[key] = nil end
      end
    end
  end

  -- Takes on the membership {mask, epoch} of a message if it is newer.
  local function adopt(self, msg)
    local D = self.durable
    if msg.epoch <= (D.epoch or 0) then return end
    D.mask, D.epoch = msg.mask, msg.epoch
    self.state.ring = ring_of(self, msg.mask)
    hand_off(self)
  end

  local server = model {
    name = "ring.lab",
    params = { nodes = {}, vnodes = 100, resend = "100ms" },
    init = function(self)
      self.durable.store = self.durable.store or {}
      if self.durable.mask then self.state.ring = ring_of(self, self.durable.mask) end
      hand_off(self)
      self:timer(self.params.resend, "resend")
    end,
    on_message = function(self, msg)
      local D = self.durable
      if msg.type == "MEMBERS" then
        adopt(self, msg)
      elseif msg.type == "PUT" then
        D.store[msg.key] = msg.val
        self:send(msg.src, "PUT_OK", { key = msg.key })
      elseif msg.type == "GET" then
        local v = D.store[msg.key]
        self:send(msg.src, "GET_R", { key = msg.key, val = v or 0, found = v and 1 or 0 })
      elseif msg.type == "HANDOFF" then
        -- From an older membership: ignored, the sender will learn the
        -- newer one and hand off again. From a newer one: learn it first.
        if msg.epoch < (D.epoch or 0) then return end
        adopt(self, msg)
        if D.store[msg.key] == nil then D.store[msg.key] = msg.val end
        self:send(msg.src, "HANDOFF_ACK", { key = msg.key, epoch = msg.epoch })
      elseif msg.type == "HANDOFF_ACK" then
        local r = self.state.ring
        if msg.epoch == D.epoch and r.owner(msg.key) ~= self.name then D.store[msg.key] = nil end
      end
    end,
    on_timer = function(self)
      hand_off(self)
      self:timer(self.params.resend, "resend")
    end,
  }
  return { new_ring = new_ring, server = server }
end

local reference = build(nil)
reference.build = build
return reference
