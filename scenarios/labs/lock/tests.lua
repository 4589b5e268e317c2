-- The lock lab's tests for `faultsim grade scenarios/labs/lock SOLUTION.lua`:
-- one per fault class of grade.lua (its `fault`, `loss` and `duplicate`
-- parameters). A test earns its points when every seed holds.
return {
  scenario = "grade.lua",
  tests = {
    { name = "mutual exclusion, no faults", points = 10, seeds = 10, set = { fault = "none" } },
    { name = "client crashes while holding (lease expiry)", points = 20, seeds = 20, set = { fault = "crash" } },
    { name = "GC pauses (fencing rejects the stale write)", points = 25, seeds = 20, set = { fault = "pause" } },
    { name = "server restarts (tokens survive)", points = 20, seeds = 20, set = { fault = "restart" } },
    { name = "message loss and duplication (5% each)", points = 25, seeds = 20,
      set = { fault = "none", loss = 0.05, duplicate = 0.05 } },
  },
}
