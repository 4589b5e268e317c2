-- The consistent-hashing lab's tests, read by `faultsim grade
-- scenarios/labs/ring SOLUTION.lua`: each runs grade.lua over its seeds
-- with these parameters (as --set) and passes when every seed holds.
return {
  scenario = "grade.lua",
  tests = {
    { name = "placement, 100 virtual nodes", points = 15, seeds = 10, set = { part = "placement", vnodes = 100 } },
    { name = "placement, 25 virtual nodes", points = 10, seeds = 10, set = { part = "placement", vnodes = 25 } },
    { name = "handoff, no faults", points = 15, seeds = 5, set = { part = "handoff", fault = "none" } },
    { name = "handoff under message loss", points = 15, seeds = 5, set = { part = "handoff", fault = "loss" } },
    { name = "handoff under duplication", points = 10, seeds = 5, set = { part = "handoff", fault = "duplicate" } },
    { name = "handoff under reordering", points = 10, seeds = 5, set = { part = "handoff", fault = "reorder" } },
    { name = "handoff under crashes", points = 25, seeds = 5, set = { part = "handoff", fault = "crash" } },
  },
}
