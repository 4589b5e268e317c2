-- Replication traffic saturates a slow link. A primary ships a 1500-byte
-- log record every millisecond (12 Mbit/s) to two replicas: `near` over a
-- 100 Mbit/s link with 1 ms of latency, `far` over a 10 Mbit/s link with
-- 20 ms. The near link carries everything as it comes; the far one caps
-- at its bandwidth, so records queue behind each other and the far
-- replica's lag grows by 0.2 ms per record sent, about 0.2 s per second,
-- with no fault at all. `--set queue=64kB` bounds the far link's backlog
-- instead: the lag stops growing at 64000 * 8 / 10^7 = 51.2 ms (plus the
-- latency) and the records that do not fit are dropped ("link full").
scenario { name = "replication_bandwidth", duration = "5s" }
local p = params { queue = "" }

local RECORD = 1500 -- bytes on the wire per log record

local Primary = model {
  name = "repl.primary",
  params = { replicas = { "near", "far" }, every = "1ms" },
  init = function(self)
    self.state.seq = 0
    self:timer(self.params.every, "ship")
  end,
  on_timer = function(self)
    self.state.seq = self.state.seq + 1
    self:broadcast(self.params.replicas, "RECORD", { seq = self.state.seq }, { size = RECORD })
    self:timer(self.params.every, "ship")
  end,
}
local Replica = model { name = "repl.replica", on_message = function(self, msg) end }

node("primary", Primary)
node("near", Replica)
node("far", Replica)
link("primary", "near", { latency = "1ms", bandwidth = "100Mbit" })
link("primary", "far", { latency = "20ms", bandwidth = "10Mbit", queue = p.queue ~= "" and p.queue or false })

-- Lag of each record: from its send to its arrival at the replica.
local sent_at = { near = {}, far = {} }
local last_lag = { near = 0, far = 0 }
local got = { near = 0, far = 0 }
on({ kind = "send", node = "primary", type = "RECORD" }, function(ev)
  sent_at[ev.peer][ev.msg.seq] = ev.t_ns
end)
on({ kind = "deliver", type = "RECORD" }, function(ev)
  local lag_ms = (ev.t_ns - sent_at[ev.node][ev.msg.seq]) / 1e6
  sent_at[ev.node][ev.msg.seq] = nil
  got[ev.node] = got[ev.node] + 1
  last_lag[ev.node] = lag_ms
  sample(ev.node .. "_lag_ms", lag_ms)
end)

-- Throughput over the run, in Mbit/s of records delivered.
at("5s", function()
  for _, r in ipairs({ "near", "far" }) do
    metric(r .. "_mbit_s", got[r] * RECORD * 8 / 5 / 1e6)
    metric(r .. "_last_lag_ms", last_lag[r])
  end
  local far = link_stats("primary", "far")
  metric("far_backlog_ms", far.backlog * 1000)
  metric("far_dropped", far.dropped)
end)

-- Unbounded (the default): the near replica keeps up (12 Mbit/s, lag 1.12 ms
-- = 1 ms latency + 120 us on the wire); the far one gets 10 Mbit/s, its last
-- record arrives 0.85 s after it was sent, and a second of records is still
-- queued at the end.
-- Bounded (--set queue=64kB): the far lag stays under 20 + 51.2 + 1.2 ms.
if p.queue == "" then
  expect {
    violations = 0,
    metrics = {
      near_mbit_s = { min = 11.9, max = 12.0 }, near_last_lag_ms = { min = 1.1, max = 1.2 },
      far_mbit_s = { min = 9.9, max = 10.0 }, far_last_lag_ms = { min = 800, max = 900 },
      far_backlog_ms = { min = 950, max = 1050 }, far_dropped = 0,
    },
  }
else
  expect {
    violations = 0,
    metrics = {
      near_mbit_s = { min = 11.9, max = 12.0 },
      far_mbit_s = { min = 9.9, max = 10.0 }, far_last_lag_ms = { min = 60, max = 72.4 },
      far_backlog_ms = { max = 51.2 }, far_dropped = { min = 700 },
    },
  }
end
