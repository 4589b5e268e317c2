-- The ABD lab's tests, read by `faultsim grade scenarios/labs/abd SOLUTION.lua`:
-- each runs grade.lua over its seeds with these parameters (as --set) and
-- passes when every seed holds.
return {
  scenario = "grade.lua",
  tests = {
    { name = "no faults", points = 10, seeds = 10, set = { fault = "none" } },
    { name = "message loss (10%)", points = 10, seeds = 10, set = { fault = "loss" } },
    { name = "duplicated messages (30%)", points = 10, seeds = 10, set = { fault = "duplicate" } },
    { name = "reordering", points = 15, seeds = 10, set = { fault = "reorder" } },
    { name = "heavy-tailed delay", points = 10, seeds = 10, set = { fault = "delay" } },
    { name = "minority crashes", points = 15, seeds = 10, set = { fault = "crash" } },
    { name = "available with a minority down", points = 15, seeds = 10, set = { fault = "down" } },
    { name = "all faults together", points = 15, seeds = 10, set = { fault = "all" } },
  },
}
