-- The 2PC lab's tests for `faultsim grade scenarios/labs/2pc SOLUTION.lua`:
-- one per fault class of grade.lua (its `fault` parameter), then all of
-- them together. A test earns its points when every seed holds.
return {
  scenario = "grade.lua",
  tests = {
    { name = "no faults", points = 10, seeds = 10, set = { fault = "none", loss = 0 } },
    { name = "message loss (2%)", points = 15, seeds = 20,
      set = { fault = "none", loss = 0.02, availability_min = 0.4 } },
    { name = "coordinator crash before the decision", points = 15, seeds = 20,
      set = { fault = "coord_before", loss = 0 } },
    { name = "coordinator crash after the decision", points = 20, seeds = 20,
      set = { fault = "coord_after", loss = 0 } },
    { name = "participant crash while prepared", points = 20, seeds = 20,
      set = { fault = "prepared", loss = 0 } },
    { name = "crashes and 1% loss together", points = 20, seeds = 50, set = { fault = "mixed", loss = 0.01 } },
  },
}
