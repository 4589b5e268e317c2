-- The smallest scenario: three clients ping an echo server over a lossy
-- network; the server crashes for a second. Shows the report's parts, and
-- two invariants counted from the run's own events that a wrong echo breaks
-- (tests/sh/t_echo_invariants.sh plants such bugs and checks they fail).
scenario {
  name = "echo",
  description = "clients ping a server that crashes for 1 s",
  duration = "10s",
  seeds = 20,
}

local p = params { loss = 0.01, downtime = "1s" }

network { latency = "uniform:1ms,5ms", loss = p.loss }
node("server", "echo.server")
clients {
  count = 3, model = "echo.client",
  params = { target = "server", interval = 0 },
  workload = { mode = "closed", ops = { "ping" }, think = "20ms", timeout = "200ms" },
}

at("4s", function() crash_restart("server", p.downtime) end)

-- Every PONG a client receives answers a PING that client sent earlier
-- with the same seq; a server that echoes the wrong seq, or answers
-- nobody asked, is caught at the delivery.
local pinged, answered, pongs = {}, {}, 0
on({ kind = "send", type = "PING" }, function(ev) pinged[ev.node .. "#" .. ev.msg.seq] = true end)
invariant("pong_answers_ping", function(ev)
  local key = ev.node .. "#" .. ev.msg.seq
  if not pinged[key] then return false, ev.node .. " got PONG seq " .. ev.msg.seq .. " it never pinged" end
  if not answered[key] then answered[key], pongs = true, pongs + 1 end
  return true
end, { kind = "deliver", type = "PONG" })

-- An operation completes ok only when its PONG came back: at most one ok
-- per distinct PING answered.
invariant("ok_needs_pong", function()
  local s = stats()
  return s.ok <= pongs, s.ok .. " pings ok but only " .. pongs .. " answered"
end)

expect { violations = 0, availability_min = 0.80 }
