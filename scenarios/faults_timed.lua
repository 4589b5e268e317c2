-- Every timed fault on a small echo cluster, each checked by an invariant
-- that reads the simulator's state right after the fault.
scenario { name = "faults_timed", duration = "12s", seeds = 5 }

network { latency = "uniform:1ms,3ms" }
node("server", "echo.server")
node("backup", "echo.server")
clients {
  count = 2, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { ops = { "ping" }, think = "50ms", timeout = "100ms" },
}

local function must(cond, msg) if not cond then violation("fault_effects", msg) end end
invariant("fault_effects", function() return true end)

-- crash and restart
at("1s", function() crash("server"); must(state("server") == "crashed", "crash") end)
at("1.5s", function() restart("server"); must(state("server") == "up", "restart") end)
-- crash, then restart after a delay
at("2s", function() crash_restart("server", "500ms") end)
at("2.25s", function() must(state("server") == "crashed", "crash_restart: down") end)
at("2.75s", function() must(state("server") == "up", "crash_restart: back") end)
-- a GC-style pause with automatic resume, then an explicit one
at("3s", function() pause("client1", "400ms") end)
at("3.2s", function() must(state("client1") == "paused", "pause") end)
at("3.5s", function() must(state("client1") == "up", "pause: resumed") end)
at("3.6s", function() pause("client2") end)
at("3.7s", function() resume("client2"); must(state("client2") == "up", "resume") end)
-- clocks: offset, jump, drift
at("4s", function()
  clock_offset("backup", "2s"); must(math.abs(clock("backup") - now() - 2) < 1e-9, "offset")
  clock_jump("backup", "-500ms"); must(math.abs(clock("backup") - now() - 1.5) < 1e-9, "jump")
  clock_drift("backup", 100000) -- 10% fast
end)
at("5s", function() must(math.abs(clock("backup") - now() - 1.6) < 1e-6, "drift") end)
-- partitions: groups, then heal; a one-way cut; link loss and latency
at("6s", function() partition({ "server" }, { "client1", "client2" }) end)
at("7s", function() heal() end)
at("8s", function() cut("client1", "server") end)
at("8.5s", function() restore("client1", "server") end)
at("9s", function() link("client2", "server", { loss = 1.0 }) end)
at("9.5s", function() link("client2", "server", { loss = 0.0, latency = "20ms" }) end)
at("10s", function() lose_unsynced("server") end)

-- The partition leaves the clients without answers: count what it costs.
local during = { partition = 0, cut = 0 }
on("drop", function(ev)
  if ev.detail == "cut" and ev.time >= 6 and ev.time < 7 then during.partition = during.partition + 1 end
  if ev.detail == "cut" and ev.time >= 8 and ev.time < 8.5 then during.cut = during.cut + 1 end
end)
at("11s", function()
  metric("drops_in_partition", during.partition)
  metric("drops_in_oneway_cut", during.cut)
end)

expect {
  invariants = { fault_effects = 0 },
  metrics = { drops_in_partition = { min = 1 }, drops_in_oneway_cut = { min = 1 } },
}
