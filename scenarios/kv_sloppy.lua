-- Sloppy quorum with hinted handoff. 5 kv.quorum servers, N = 3, W = 2,
-- R = 1, one key. The scenario learns the key's preference list from the
-- first write (a write goes to the N preferred replicas, in order), then
-- crashes the first two of them from 1 s to 3 s. With sloppy = false a write
-- reaches only one preferred replica and cannot get W = 2 acks: writes
-- during the outage time out. With --set sloppy=true the client covers each
-- silent replica with the next server down the ring, which keeps the write
-- as a hint; after the restart the fallbacks deliver their hints and every
-- preferred replica holds the last write (divergence 0).
-- --set send_to=quorum: the client asks only the W replicas a write needs,
-- the third after sloppy_after, and fallbacks once all three were asked;
-- the same writes must get through, but a replica not asked misses a write,
-- so divergence is not expected to be 0.
scenario { name = "kv_sloppy", duration = "5s", seeds = 5 }

local p = params { sloppy = false, w = 2, down_from = 1.0, down_until = 3.0, send_to = "all" }
network { latency = "uniform:1ms,3ms" }
for i = 1, 5 do node("s" .. i, "kv.quorum", { replicas = 3 }) end
clients {
  count = 2, model = "kv.quorum.client", params = { r = 1, w = p.w, sloppy = p.sloppy, send_to = p.send_to },
  workload = { mode = "open", rate = 50, ops = { read = 1, write = 3 }, keys = 1,
               timeout = "200ms", start = "0.2s", stop = "4s" },
}

-- The clients' first PUT messages name key 0's preferred replicas, in
-- order (with send_to = quorum the first write asks two, the next starts
-- one further down the list).
local preferred, seen = {}, {}
timeline(function()
  while #preferred < 3 do
    local ev = wait_for({ kind = "send", type = "PUT", where = function(ev) return ev.node:sub(1, 6) == "client" end })
    if not seen[ev.peer] then
      seen[ev.peer] = true
      preferred[#preferred + 1] = ev.peer
    end
  end
end)
at(p.down_from, function() crash(preferred[1]); crash(preferred[2]) end)
at(p.down_until, function() restart(preferred[1]); restart(preferred[2]) end)

-- Writes invoked while the two replicas are down (and finished 200 ms
-- before they come back), and how many of them succeeded.
local invoked_at, outage, outage_ok = {}, 0, 0
on("op", function(ev)
  local op = ev.op
  if op.f ~= "write" then return end
  if op.type == "invoke" then invoked_at[op.id] = ev.time; return end
  local t = invoked_at[op.id]
  invoked_at[op.id] = nil
  if t and t >= p.down_from + 0.05 and t < p.down_until - 0.25 then
    outage = outage + 1
    if op.type == "ok" then outage_ok = outage_ok + 1 end
  end
end)
at(p.down_until, function()
  metric("kv_outage_writes", outage)
  metric("kv_outage_write_availability", outage > 0 and outage_ok / outage or 0)
end)

-- R + W = N here (and a sloppy write's acks come from fallbacks), so a
-- read may miss a completed write: stale_read is reported, not bounded.
local divergent = p.send_to == "all" and 0 or { min = 0 }
if p.sloppy then
  expect { invariants = { stale_read = { min = 0 } },
           metrics = { kv_outage_write_availability = { min = 0.99 }, kv_hinted_writes = { min = 1 },
                       kv_hints_delivered = { min = 1 }, kv_hints_pending = 0, kv_divergent_keys = divergent,
                       kv_under_replicated_keys = 0 } }
else
  expect { invariants = { stale_read = { min = 0 } },
           metrics = { kv_outage_write_availability = 0, kv_divergent_keys = divergent } }
end
