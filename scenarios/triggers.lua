-- Faults triggered by protocol events, not by time: a timeline waits for the
-- server's third PONG, crashes it at that instant, waits 500 ms, restarts
-- it; a one-shot hook pauses a client the moment it sends its tenth PING.
scenario { name = "triggers", duration = "5s", seeds = 10 }

network { latency = "uniform:1ms,2ms" }
node("server", "echo.server")
clients {
  count = 2, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { ops = { "ping" }, think = "100ms", timeout = "300ms" },
}

local crashed_at, third_pong_at, paused_at
timeline(function()
  local ev = wait_for({ kind = "send", node = "server", type = "PONG" }, 3)
  third_pong_at = ev.time
  crash("server")
  crashed_at = now()
  sleep("500ms")
  restart("server")
end)

once({ kind = "send", node = "client2", type = "PING", seq = 10 }, function(ev)
  pause("client2", "1s")
  paused_at = ev.time
end)

invariant("crash_follows_third_pong", function()
  return crashed_at ~= nil and crashed_at == third_pong_at, "crash at " .. tostring(crashed_at)
end)
invariant("pause_on_tenth_ping", function()
  return paused_at ~= nil, "client2 never sent PING 10"
end)

expect { violations = 0 }
