-- Raft lease reads (Ongaro's thesis, §6.4.1) under clocks that keep the
-- assumed drift bound: the servers assume clock_drift = 500000 ppm (no
-- clock runs more than 1.5 times as fast as another), and S2 and S3 run
-- 400000 ppm fast (1.4 times S1's rate). The schedule is _raft_lease.lua's:
-- S1 and its reader are cut off, S2 is elected on its fast clock and
-- commits new writes.
--
-- variant = "raft": S1's lease is 150 ms / 1.5 = 100 ms on its clock and
-- ends before S3 can vote (155 ms / 1.4 ≈ 111 ms after it last heard S1):
-- no stale read, the history is linearizable.
-- variant = "raft.lease_no_drift_margin": the lease is the whole 150 ms,
-- S2 is elected and commits while S1 still answers from its lease: stale
-- reads, which lincheck reports (invariant linearizable).
-- clock = "jump" instead steps S1's clock back 40 ms at the cut (no drift):
-- less than the correct lease's margin (50 ms), more than the broken one's
-- (none) — the same verdicts.
scenario {
  name = "raft_lease_read",
  description = "Raft lease reads: safe within the clock drift bound; without the drift margin, stale reads",
  duration = "3s",
  seeds = 5,
}

local p = params { variant = "raft.lease_no_drift_margin", clock = "fast" }
include("_raft_lease.lua").run { model = p.variant, clock_drift = 500000, clock = p.clock, fast = 400000, jump = "40ms" }

if p.variant == "raft" then
  expect {
    invariants = { linearizable = 0 },
    metrics = { stale_reads = 0, new_leader = 1, reads_after_partition = { min = 1 }, raft_lincheck = 1 },
  }
else
  expect {
    invariants = { linearizable = 1 },
    metrics = { stale_reads = { min = 1 }, new_leader = 1, raft_lincheck = 0 },
  }
end
