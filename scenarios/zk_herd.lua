-- The herd effect (ZooKeeper recipes page, "Locks"): messages per lock
-- acquisition as the number of contenders grows, for the naive recipe
-- (lock.zk.herd: every waiter watches the lock node's children and re-reads
-- them on every change) and the recipe (lock.zk: each waiter watches only
-- its predecessor). One phase after another, each on its own lock node:
-- `small` contenders, then `large`, for each recipe; every contender takes
-- the lock `cycles` times. The messages counted are the recipe's own
-- (requests, their replies, watch notifications; not the session
-- heartbeats), each contender's up to its last release.
-- Promised: the naive recipe's cost per acquisition grows with the number
-- of contenders (a release or a new child wakes every waiter), the
-- recipe's stays flat (a release wakes one), and no two holders ever.
scenario { name = "zk_herd", duration = "20s", seeds = 5 }

local p = params { small = 2, large = 8, cycles = 3 }
local zk = include("_zk_recipes.lua")
network { latency = "uniform:1ms,5ms" }
local servers = zk.ensemble(3)

local phases = {
  { model = "lock.zk", n = p.small, key = "zk_small" },
  { model = "lock.zk", n = p.large, key = "zk_large" },
  { model = "lock.zk.herd", n = p.small, key = "herd_small" },
  { model = "lock.zk.herd", n = p.large, key = "herd_large" },
}
local cost = {}     -- phase key → messages per acquisition
local last = {}     -- node → its recipe message count at its latest event
local phase_of = {} -- node → phase key

local function count(ev)
  if phase_of[ev.node] then last[ev.node] = ev.msg.zk_msgs end
end
on({ kind = "event", type = "cs_enter" }, count)
on({ kind = "event", type = "cs_exit" }, count)

timeline(function()
  sleep("1s") -- the ensemble elects a leader
  for i, ph in ipairs(phases) do
    local names = {}
    for k = 1, ph.n do
      local name = ph.key .. "_" .. k
      names[k] = name
      phase_of[name] = ph.key
      node(name, ph.model, { servers = servers, dir = i, hold = "20ms", think = "0", count = p.cycles })
    end
    wait_for({ kind = "event", type = "cs_exit", where = function(ev) return phase_of[ev.node] == ph.key end },
             ph.n * p.cycles)
    local total = 0
    for _, name in ipairs(names) do total = total + last[name] end
    cost[ph.key] = total / (ph.n * p.cycles)
    metric("msgs_per_acquisition_" .. ph.key, cost[ph.key])
    sleep("200ms")
  end
  metric("herd_growth", cost.herd_large / cost.herd_small)
  metric("zk_growth", cost.zk_large / cost.zk_small)
  stop() -- nothing more to see
end)

expect {
  invariants = { mutual_exclusion = 0, resource_safety = 0 },
  metrics = { acquisitions = 2 * (p.small + p.large) * p.cycles,
              herd_growth = { min = 2 }, zk_growth = { max = 1.3 } },
}
