-- Kleppmann's "How to do distributed locking", the process pause: client1
-- gets a lease, checks it, and freezes (a GC pause) before its write goes
-- out. The lease expires, client2 gets the lock and writes. client1 wakes
-- up and sends its write, still sure it holds the lock.
--   lock.lease  : the resource accepts client1's late write -> unsafe_writes > 0
--   lock.fenced : the write carries an old fencing token and is rejected
--                 -> stale_token_rejections > 0, unsafe_writes = 0
-- Try: faultsim run scenarios/lock_gc_pause.lua --set model=lock.fenced
-- lock_gc_pause_fenced.lua runs this file with the fenced lock as default.
scenario {
  description = "client1 pauses between checking its lease and writing; client2 takes over",
  duration = "4s",
  seeds = 50,
}

local defaults = { model = "lock.lease", pause = "1500ms", ttl = "1s" }
for k, v in pairs(variant or {}) do defaults[k] = v end -- set by a file that includes this one
local p = params(defaults)
local fenced = p.model == "lock.fenced"

network { latency = "uniform:1ms,5ms" }
node("lock", p.model .. ".server")
node("storage", "resource", { fencing = fenced })
local common = { servers = "lock", resource = "storage", ttl = p.ttl, hold = "300ms",
                 work = "20ms", writes = 1, count = 1 }
node("client1", p.model .. ".client", common)
common.start = "200ms"
node("client2", p.model .. ".client", common)

timeline(function()
  wait_for { kind = "event", type = "cs_enter", node = "client1" }
  pause("client1", p.pause)   -- frozen after its check, before its write
end)

if fenced then
  expect { invariants = { mutual_exclusion = 0, resource_safety = 0 },
           metrics = { unsafe_writes = 0, stale_token_rejections = 1 } }
else
  expect { invariants = { mutual_exclusion = 0, resource_safety = { min = 1 } },
           metrics = { unsafe_writes = { min = 1 }, stale_token_rejections = 0 } }
end
