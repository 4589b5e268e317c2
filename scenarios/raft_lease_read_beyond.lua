-- A clock fault beyond the assumed bound breaks even the correct lease
-- (Ongaro's thesis, §6.4.1: lease reads trade safety for an assumption
-- about clocks). The servers run `raft` with read = "lease" and assume
-- clock_drift = 500000 ppm, as in raft_lease_read.lua, on the same
-- schedule (_raft_lease.lua), but:
--   clock = "slow_fast"  S1 runs 300000 ppm slow and S2, S3 600000 ppm
--                        fast: S3's clock runs 2.3 times as fast as S1's,
--                        more than the 1.5 assumed. S1's 100 ms lease
--                        lasts 143 ms of true time; S3 votes ≈ 97 ms
--                        after it last heard S1.
--   clock = "jump"       S1's clock steps back 100 ms at the cut (a step
--                        is no drift at all: no bound on rates covers it);
--                        its lease lasts 200 ms of true time.
-- Either way S2 is elected and commits writes while S1 still answers from
-- its lease: stale reads, caught by lincheck (invariant linearizable).
-- With read = "readindex" the same faults do no harm: every read waits
-- for a heartbeat round a majority acknowledges, and S1 cannot get one.
scenario {
  name = "raft_lease_read_beyond",
  description = "Raft lease reads: a clock fault beyond the drift bound gives stale reads even with the margin",
  duration = "3s",
  seeds = 5,
}

local p = params { clock = "slow_fast", read = "lease" }
include("_raft_lease.lua").run { model = "raft", read = p.read, clock_drift = 500000, clock = p.clock,
                                 slow = 300000, fast = 600000, jump = "100ms" }

if p.read == "lease" then
  expect {
    invariants = { linearizable = 1 },
    metrics = { stale_reads = { min = 1 }, new_leader = 1, raft_lincheck = 0 },
  }
else
  expect {
    invariants = { linearizable = 0 },
    metrics = { stale_reads = 0, new_leader = 1, raft_lincheck = 1 },
  }
end
