-- Hooks and invariants written in Lua: every() samples a metric, on() counts
-- deliveries, an invariant is checked at each matching event and another at
-- the end, and the script adds its own metrics to the report.
scenario { name = "hooks", duration = "3s", seeds = 5 }

network { latency = "2ms" }
node("server", "echo.server")
clients { count = 1, model = "echo.client", params = { target = "server", interval = "100ms" } }

local delivered = 0
on("deliver", function() delivered = delivered + 1 end)
every("500ms", function() sample("delivered_so_far", delivered) end)

-- Checked at every PONG the client receives: the echo keeps the sequence.
invariant("pong_seq_positive", function(ev) return ev.msg.seq > 0, "bad seq" end,
          { kind = "deliver", node = "client1", type = "PONG" })
-- Checked once at the end.
invariant("all_pings_answered", function()
  local s = stats()
  return s.ok == s.invoked or s.ok == s.invoked - 1, s.ok .. " of " .. s.invoked
end)

at("2999ms", function() metric("deliveries", delivered) end)
expect {
  violations = 0,
  metrics = { deliveries = { min = 58, max = 60 }, delivered_so_far = 6 },
}
