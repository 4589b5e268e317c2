-- The Raft lab's tests, read by `faultsim grade scenarios/labs/raft SOLUTION.lua`:
-- each runs grade.lua over its seeds with these parameters (as --set) and
-- passes when every seed holds. Part A needs elections only (no operation
-- has to complete), part B log replication, part C persistence.
return {
  scenario = "grade.lua",
  tests = {
    { name = "A: initial election", points = 5, seeds = 10, set = { min_availability = 0 } },
    { name = "A: re-election after the leader crashes", points = 5, seeds = 10,
      set = { schedule = "leader_crash", min_availability = 0 } },
    { name = "A: re-election after the leader is cut off", points = 5, seeds = 10,
      set = { schedule = "leader_partition", min_availability = 0 } },
    { name = "B: agreement without faults", points = 10, seeds = 10, set = { fault = "none" } },
    { name = "B: message loss", points = 10, seeds = 10, set = { fault = "loss" } },
    { name = "B: duplicated messages", points = 5, seeds = 10, set = { fault = "duplicate" } },
    { name = "B: reordering", points = 5, seeds = 10, set = { fault = "reorder" } },
    { name = "B: heavy-tailed delay", points = 5, seeds = 10, set = { fault = "delay" } },
    { name = "B: operations go on when the leader crashes", points = 5, seeds = 10, set = { schedule = "leader_crash" } },
    { name = "B: Figure 8", points = 10, seeds = 10, set = { schedule = "figure8", n = 5 } },
    { name = "C: crashes and restarts", points = 10, seeds = 10, set = { fault = "crash" } },
    { name = "C: every server restarts", points = 10, seeds = 10, set = { schedule = "restart_all" } },
    { name = "C: a voter restarts mid-election", points = 5, seeds = 10, set = { schedule = "volatile_vote" } },
    { name = "C: all faults together", points = 10, seeds = 10, set = { fault = "all" } },
  },
}
