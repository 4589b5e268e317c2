-- The process pause of Kleppmann's "How to do distributed locking" with
-- ZooKeeper's lock recipe (lock.zk: ephemeral sequential child, wait on the
-- predecessor). client1 gets the lock, checks it, and freezes (a GC pause)
-- for longer than its session timeout before its write goes out. The
-- ensemble's leader hears nothing from it, expires the session and
-- deletes its child; client2, watching that child, is now first, holds the
-- lock and writes. client1 wakes and sends its write, still sure it holds
-- the lock: it learns that its session expired only afterwards.
--   lock.zk        two holders (mutual_exclusion) and the storage accepts
--                  the stale write after client2's (resource_safety)
--   lock.zk.fenced the same two holders, but every write carries the lock
--                  node's czxid as its fencing token; client1's is older
--                  than client2's, so the storage rejects it: 0 unsafe writes
-- zk_lock_gc_pause_fenced.lua runs this file with lock.zk.fenced.
scenario {
  description = "client1 pauses longer than its session timeout while holding a ZooKeeper lock",
  duration = "6s",
  seeds = 20,
}

local defaults = { model = "lock.zk", pause = "2500ms", session_timeout = "1s" }
for k, v in pairs(variant or {}) do defaults[k] = v end -- set by a file that includes this one
local p = params(defaults)
local fenced = p.model == "lock.zk.fenced"
local zk = include("_zk_recipes.lua")

network { latency = "uniform:1ms,5ms" }
local servers = zk.ensemble(3)
node("storage", "resource", { fencing = fenced })
local common = { servers = servers, resource = "storage", session_timeout = p.session_timeout,
                 hold = "300ms", work = "20ms", writes = 1, count = 1, start = "1s" }
node("client1", p.model, common)
common.start = "1200ms" -- after client1's child: client2 waits on it
node("client2", p.model, common)

timeline(function()
  wait_for { kind = "event", type = "cs_enter", node = "client1" }
  pause("client1", p.pause) -- frozen after its check, before its write
end)

-- client2 must get the lock while client1 is frozen: two holders either way.
if fenced then
  expect { invariants = { mutual_exclusion = { min = 1 }, resource_safety = 0 },
           metrics = { unsafe_writes = 0, stale_token_rejections = 1, acquisitions = 2 } }
else
  expect { invariants = { mutual_exclusion = { min = 1 }, resource_safety = { min = 1 } },
           metrics = { unsafe_writes = { min = 1 }, stale_token_rejections = 0, acquisitions = 2 } }
end
