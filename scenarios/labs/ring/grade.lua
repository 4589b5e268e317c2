-- The consistent-hashing lab's grader. It loads a solution (a file returning
-- { new_ring = function(vnodes) ... end, server = model{...} }) and grades
-- one of two parts, chosen by `part`:
--
-- part = "placement": the solution's ring alone, at this seed's node names
-- and keys (5,000 keys, `nodes` nodes of `vnodes` virtual nodes):
--   balance            keys per node: stddev / mean at most 2.5 / sqrt(vnodes)
--                      (a node's share is a sum of `vnodes` random arcs)
--   moves_on_join      a node joins: only keys that go to it move, and
--                      their share is 1 / (nodes + 1) within a factor
--                      1 +- 5 / sqrt(vnodes) (both bands wide enough that
--                      the reference holds over seeds 1-1000 at 25 and 100
--                      virtual nodes)
--   moves_on_leave     a node leaves: exactly its keys move
--   deterministic      the owner of a key depends on the members only: a
--                      ring built in another order, or left and rejoined,
--                      places every key the same
--
-- part = "handoff": servers s1..s5 run the solution's server; a driver of
-- the grader's own sets the membership (MEMBERS {mask, epoch}: bit i-1 of
-- mask for s_i, epoch 1, 2, 3 as it changes),
-- writes `keys` keys to their owners (PUT {key, val} -> PUT_OK {key}),
-- lets s5 join at 1 s and s2 leave at 2 s, and from 3 s reads every key
-- from its owner (GET {key} -> GET_R {key, val, found}), under `fault`
-- (none, loss, duplicate, reorder, crash: s5 crashes as the first HANDOFF
-- reaches it and s2 as it sends its first after 2 s, each for 0.3 s):
--   no_key_lost        every written key reads back its value
--   owners             the ring names a member as every key's owner
--   transfers          each key whose owner changed was delivered in a
--                      HANDOFF {key, ...} to its new owner, and no key
--                      was handed to a server that was never its owner:
--                      what moved on the wire
--
--   build/faultsim check scenarios/labs/ring/grade.lua --set part=handoff --set fault=loss
scenario {
  name = "ring_grade",
  description = "consistent hashing with virtual nodes: placement, and handoff on join and leave",
  duration = "4s",
  seeds = 10,
}

local p = params { solution = "_reference_ring.lua", part = "placement", nodes = 10, vnodes = 100,
                   fault = "none", keys = 200 }
local solution = include(p.solution)
if type(solution) ~= "table" or type(solution.new_ring) ~= "function" or not solution.server then
  error(p.solution .. " must return { new_ring = function(vnodes) ... end, server = model{...} }")
end
assert(p.part == "placement" or p.part == "handoff", "part must be placement or handoff")

local function ring_of(names)
  local r = solution.new_ring(p.vnodes)
  for _, n in ipairs(names) do r.add(n) end
  return r
end

if p.part == "placement" then
  local r = rng("ring_lab")
  local names, used = {}, {}
  while #names < p.nodes + 1 do
    local n = "node" .. r:random(1, 999999)
    if not used[n] then used[n] = true; names[#names + 1] = n end
  end
  local joiner = table.remove(names)
  local K, base = 5000, r:random(0, 1000000000)
  local function owners(ring)
    local o = {}
    for i = 1, K do o[i] = ring.owner(base + i) end
    return o
  end
  local verdicts = {}  -- invariant -> message of its violation
  local before = owners(ring_of(names))

  local count = {}
  for _, n in ipairs(names) do count[n] = 0 end
  for i = 1, K do
    if count[before[i]] == nil then verdicts.balance = "key " .. (base + i) .. " placed on " .. tostring(before[i]) .. ", not a member" break end
    count[before[i]] = count[before[i]] + 1
  end
  local mean, var = K / #names, 0
  for _, n in ipairs(names) do var = var + (count[n] - mean) ^ 2 end
  local cv = math.sqrt(var / #names) / mean
  metric("balance_cv", cv)
  local band = 2.5 / math.sqrt(p.vnodes)
  if not verdicts.balance and cv > band then
    verdicts.balance = string.format("keys per node have stddev/mean %.3f over %d nodes of %d virtual nodes; "
      .. "at most 2.5/sqrt(%d) = %.3f", cv, #names, p.vnodes, p.vnodes, band)
  end

  local joined = ring_of(names)
  joined.add(joiner)
  local after = owners(joined)
  local moved = 0
  for i = 1, K do
    if after[i] ~= before[i] then
      moved = moved + 1
      if after[i] ~= joiner and not verdicts.moves_on_join then
        verdicts.moves_on_join = string.format("%s joined, and key %d moved from %s to %s", joiner, base + i,
          tostring(before[i]), tostring(after[i]))
      end
    end
  end
  local share, want = moved / K, 1 / (#names + 1)
  metric("moved_on_join", share)
  local slack = 5 / math.sqrt(p.vnodes)
  if not verdicts.moves_on_join and math.abs(share / want - 1) > slack then
    verdicts.moves_on_join = string.format("%s joined %d nodes and %.1f%% of the keys moved; 1/%d = %.1f%% "
      .. "(within a factor 1 +- %.2f)", joiner, #names, 100 * share, #names + 1, 100 * want, slack)
  end

  local leaver = names[1]
  joined.remove(leaver)
  local left = owners(joined)
  for i = 1, K do
    if (after[i] == leaver) ~= (left[i] ~= after[i]) then
      verdicts.moves_on_leave = string.format("%s left, and key %d moved from %s to %s", leaver, base + i,
        tostring(after[i]), tostring(left[i]))
      break
    end
  end

  -- The same members, added in reverse order, and a node that left and
  -- came back: the same placement.
  local reversed = {}
  for i = #names, 1, -1 do reversed[#reversed + 1] = names[i] end
  reversed[#reversed + 1] = joiner
  local again = owners(ring_of(reversed))
  joined.add(leaver)
  local rejoined = owners(joined)
  for i = 1, K do
    if again[i] ~= after[i] or rejoined[i] ~= after[i] then
      verdicts.deterministic = string.format("key %d is on %s, on %s when the members are added in reverse "
        .. "order, and on %s after %s left and rejoined", base + i, tostring(after[i]), tostring(again[i]),
        tostring(rejoined[i]), leaver)
      break
    end
  end
  for _, name in ipairs({ "balance", "moves_on_join", "moves_on_leave", "deterministic" }) do
    invariant(name, function() return verdicts[name] == nil, verdicts[name] end)
  end
  expect { invariants = { balance = 0, moves_on_join = 0, moves_on_leave = 0, deterministic = 0 } }
  return
end

-- part = "handoff"
local S = { "s1", "s2", "s3", "s4", "s5" }
local faults = {
  none = { latency = "uniform:1ms,10ms", fifo = true },
  loss = { latency = "uniform:1ms,10ms", fifo = true, loss = 0.1 },
  duplicate = { latency = "uniform:1ms,10ms", fifo = true, duplicate = 0.3 },
  reorder = { latency = "uniform:1ms,40ms", fifo = false },
  crash = { latency = "uniform:1ms,10ms", fifo = true },
}
local f = faults[p.fault]
assert(f, "fault must be none, loss, duplicate, reorder or crash")
network { latency = f.latency, fifo = f.fifo, loss = f.loss or 0, duplicate = f.duplicate or 0 }
for _, s in ipairs(S) do node(s, solution.server, { nodes = S, vnodes = p.vnodes }) end
if p.fault == "crash" then
  -- The receiver of the join's handoff crashes as the first HANDOFF
  -- reaches it (the rest in flight are lost), the leaver as it sends its
  -- first: both mid-handoff, for 300 ms.
  once({ kind = "deliver", type = "HANDOFF", node = "s5" }, function() crash_restart("s5", "300ms") end)
  once({ kind = "send", type = "HANDOFF", node = "s2", where = function(ev) return ev.time >= 2 end },
    function() crash_restart("s2", "300ms") end)
end

local masks = { 15, 31, 29 }    -- s1-s4; s5 joins; s2 leaves
local members = { { "s1", "s2", "s3", "s4" }, S, { "s1", "s3", "s4", "s5" } }
local rings = {}
for i, m in ipairs(members) do rings[i] = ring_of(m) end
-- The solution's ring must name a member for every key, or nothing can
-- be written to or read from it (invariant `owners`).
local bad_owner
for i, m in ipairs(members) do
  local is_member = {}
  for _, s in ipairs(m) do is_member[s] = true end
  for key = 1, p.keys do
    local o = rings[i].owner(key)
    if not bad_owner and not is_member[o] then
      bad_owner = string.format("with members %s, owner(%d) returned %s, not a member", table.concat(m, ","), key, tostring(o))
    end
  end
end
invariant("owners", function() return bad_owner == nil, bad_owner end)

-- The driver: keeps telling every server the membership of the current
-- phase, writes each key to its owner until PUT_OK, and from 3 s reads
-- each from its owner until GET_R.
local written, read = {}, {}    -- key -> value acknowledged / { val, found }
local phase = 1
local Driver = model {
  name = "ring.lab.driver",
  init = function(self)
    self:timer(0, "tick")
  end,
  on_message = function(self, msg)
    if msg.type == "PUT_OK" then
      written[msg.key] = written[msg.key] or msg.key * 10
    elseif msg.type == "GET_R" and not read[msg.key] then
      read[msg.key] = { val = msg.val, found = msg.found }
    end
  end,
  on_timer = function(self)
    if bad_owner then return end
    local t = now()
    phase = t >= 2 and 3 or t >= 1 and 2 or 1
    for _, s in ipairs(S) do self:send(s, "MEMBERS", { mask = masks[phase], epoch = phase }) end
    for key = 1, p.keys do
      if t < 0.8 and not written[key] then
        self:send(rings[1].owner(key), "PUT", { key = key, val = key * 10 })
      elseif t >= 3 and written[key] and not read[key] then
        self:send(rings[3].owner(key), "GET", { key = key })
      end
    end
    self:timer("100ms", "tick")
  end,
}
node("driver", Driver, {})

-- What moved on the wire: HANDOFF {key} delivered, per key, to whom.
local handed = {}               -- key -> { server -> true }
on({ kind = "deliver", type = "HANDOFF" }, function(ev)
  local k = ev.msg.key
  if math.type(k) ~= "integer" then return end
  handed[k] = handed[k] or {}
  handed[k][ev.node] = true
end)

invariant("no_key_lost", function()
  for key = 1, p.keys do
    local w, r = written[key], read[key]
    if w and not r then
      return false, string.format("key %d (on %s at the end) was never read back: no GET_R", key, rings[3].owner(key))
    end
    if w and (r.found ~= 1 or r.val ~= w) then
      return false, string.format("key %d was written (%d) before the membership changed, and its owner at the "
        .. "end, %s, answered %s", key, w, rings[3].owner(key), r.found == 1 and ("val " .. tostring(r.val)) or "not found")
    end
  end
  return true
end)
invariant("transfers", function()
  for key = 1, p.keys do
    if written[key] then
      local a, b, c = rings[1].owner(key), rings[2].owner(key), rings[3].owner(key)
      local must = {}
      if b ~= a then must[b] = true end
      if c ~= b then must[c] = true end
      for s in pairs(must) do
        if not (handed[key] and handed[key][s]) then
          return false, string.format("key %d's owner became %s, but no HANDOFF of it reached %s", key, s, s)
        end
      end
      -- A server that has not heard of the latest membership yet hands off
      -- by the one it knows: any owner of the key in some phase is fine.
      for s in pairs(handed[key] or {}) do
        if s ~= a and s ~= b and s ~= c then
          return false, string.format("key %d was handed off to %s, which was never its owner", key, s)
        end
      end
    end
  end
  return true
end)
at("3.99s", function()
  local n = 0
  for _ in pairs(written) do n = n + 1 end
  metric("keys_written", n)
end)
expect { invariants = { no_key_lost = 0, transfers = 0, owners = 0 }, metrics = { keys_written = p.keys } }
