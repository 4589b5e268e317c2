-- Fixture for tests/test_explore.c: two roles whose phases are known at
-- every moment. A "fixture.stepper" emits "a" at its start and "b" at 1 s;
-- a "fixture.steady" emits "c" at its start. The swarm may pause nodes and
-- partition them, only between 2 s and 2.5 s: every fault lands in phase
-- "b" (stepper) or "c" (steady), never in "a" or before a first event.
scenario { name = "explore_phases", duration = "3s" }
local Stepper = model {
  name = "fixture.stepper",
  init = function(self) self:emit("a", {}); self:timer("1s", "b") end,
  on_timer = function(self, tag) self:emit(tag, {}) end,
}
local Steady = model {
  name = "fixture.steady",
  init = function(self) self:emit("c", {}) end,
}
node("x1", Stepper)
node("x2", Stepper)
node("y", Steady)
explore { faults = { "pause", "partition" }, start = "2s", stop = "2.5s", max_faults = 3 }
