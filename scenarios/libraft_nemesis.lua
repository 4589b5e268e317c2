-- libraft 0.15.0 (models/libraft/) under every fault class at once, the
-- scenario the exploration sweep of docs/libraft.md runs over thousands
-- of seeds (tools/libraft-explore.sh): five servers with small snapshot
-- thresholds (snapshots taken, installed and recovered), a 5 ms fsync;
-- random crashes (each followed by a lost unsynced tail half the time),
-- random partitions into halves, pauses, clock jumps, and 5% loss and
-- duplication. Safety and linearizability must hold. crash = "close"
-- shuts the library down with raft_close at each crash instead of killing
-- it (docs/libraft.md: libraft 0.15.0 then crashes at some seeds).
scenario { name = "libraft_nemesis", duration = "8s", seeds = 3 }
local p = params { impl = "libraft", mttf = "2s", mttr = "300ms", crash = "kill" }
local lr = include("_libraft.lua")
local servers = lr.cluster { impl = p.impl, n = 5, stop = "7.5s", loss = 0.05, duplicate = 0.05,
                             libraft = { disk_latency = "5ms", snapshot_threshold = 16, snapshot_trailing = 4,
                                         crash = p.crash } }
nemesis.crashes { nodes = servers, mttf = p.mttf, mttr = p.mttr, start = "500ms", stop = "6s" }
nemesis.partitions { nodes = servers, every = "1s", duration = "400ms", start = "1s", stop = "6s" }
nemesis.pauses { nodes = servers, every = "1.5s", duration = "200ms", start = "1s", stop = "6s" }
nemesis.clocks { nodes = servers, every = "700ms", max_jump = "500ms", start = "1s", stop = "6s" }
local lose = rng("lose_unsynced")
on({ kind = "crash" }, function(ev)
  if lose:chance(0.5) then lose_unsynced(ev.node) end
end)
expect { invariants = lr.SAFE, metrics = { raft_lincheck = 1 } }
