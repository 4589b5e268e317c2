-- ZooKeeper's leader-election recipe (zk.election): five candidates each
-- create an ephemeral sequential child of /1; the smallest leads, every
-- other one watches only the next smaller child. Invariant single_leader:
-- no two candidates believe they lead at the same real time.
--   fault = "crash"  the leader crashes at 2 s: the ensemble expires its
--                    session after the session timeout, deletes its child,
--                    and the next candidate (woken by its one watch) leads;
--                    the time without a leader is about the session timeout
--   fault = "resign" every leader resigns after 300 ms: leadership walks
--                    down the queue, one wake-up per change
--   fault = "pause"  the leader freezes for longer than its session timeout
--                    (a GC pause): it cannot check anything, the ensemble
--                    expires it and a successor leads while it still
--                    believes it leads: two leaders (zk_election_pause.lua)
scenario { description = "five candidates elect a leader through ZooKeeper", duration = "6s", seeds = 20 }

local defaults = { fault = "crash", session_timeout = "1s", pause = "2500ms" }
for k, v in pairs(variant or {}) do defaults[k] = v end -- set by a file that includes this one
local p = params(defaults)
local zk = include("_zk_recipes.lua")

network { latency = "uniform:1ms,5ms" }
local servers = zk.ensemble(3)
local lead = p.fault == "resign" and "300ms" or "0"
for i = 1, 5 do
  node("c" .. i, "zk.election", { servers = servers, session_timeout = p.session_timeout, lead = lead,
                                  start = (900 + 20 * i) .. "ms" })
end

local leader, lost_at = nil, nil
on({ kind = "event", type = "zk_leader" }, function(ev)
  if lost_at then
    sample("leaderless_ms", (ev.time - lost_at) * 1000)
    lost_at = nil
  end
  leader = ev.node
end)
at("2s", function()
  assert(leader, "no leader by 2s")
  if p.fault == "crash" then
    crash(leader)
    lost_at = now()
  elseif p.fault == "pause" then
    pause(leader, p.pause)
    lost_at = now()
  end
end)

if p.fault == "pause" then
  expect { invariants = { single_leader = { min = 1 } }, metrics = { leader_terms = { min = 2 } } }
elseif p.fault == "resign" then
  expect { invariants = { single_leader = 0 }, metrics = { leader_terms = { min = 10 } } }
else
  -- one leader after the crash, within the session timeout plus the
  -- time to notice, read and re-read (a few round trips)
  expect { invariants = { single_leader = 0 },
           metrics = { leader_terms = 2, leaderless_ms = 1 } }
end
