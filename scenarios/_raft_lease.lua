-- The schedule of the Raft lease-read scenarios (raft_lease_read.lua,
-- raft_lease_read_beyond.lua): an old leader keeps answering reads from
-- its lease while the rest of the cluster, its clocks running fast (or the
-- old leader's clock stepped back), elects a new leader and commits writes.
--
-- Three servers with read = "lease" and CheckQuorum. S1 leads term 1
-- (its election timeout, 150 ms, is the shortest; S2 times out at
-- 155-156 ms and so is the next candidate; S3 only votes: its timeout runs
-- to 60 s, but it refuses votes for its minimum, 155 ms, after it last
-- heard the leader). Client `reader` talks to S1 only and reads key 0 in a
-- closed loop; client `writer` talks to all three and, from the cut on,
-- writes key 0 (each write a new, larger value). Before the cut there are
-- no writes, so the followers last hear S1 by a heartbeat (entries would
-- reset their timers later than the heartbeat round the lease counts
-- from, and hide a short lease overrun).
--
-- At 1 s the clock fault starts; at 1.5 s S1 and `reader` are cut off from
-- S2, S3 and `writer`. S2 waits out its election timeout on its own clock,
-- S3 grants its vote once its own minimum has passed on its clock, and S2
-- commits the writer's writes; S1 answers `reader` as long as its lease
-- holds on S1's clock, then falls back to ReadIndex rounds that cannot
-- reach a majority, and CheckQuorum deposes it.
--
-- M.run(p) sets all this up; p = { model =, read = (default "lease"),
-- clock_drift = (ppm, the servers' assumed bound), clock = one of the
-- faults below, and their sizes slow =, fast =, jump = }. Clock faults:
--   fast       S2 and S3 run p.fast ppm fast
--   slow_fast  S1 runs p.slow ppm slow, S2 and S3 p.fast ppm fast
--   jump       S1's clock steps back by p.jump at the partition
-- Metrics: stale_reads (reads by `reader` invoked after a write of the
-- writer had completed, returning an older value: what lincheck reports as
-- `linearizable` violations, counted directly), new_leader (1 once S2
-- leads a later term), reads_after_partition (reads `reader` completed
-- after the cut), and in ms after the cut (-1: never): new_leader_ms (S2
-- elected), first_new_write_ms (the writer's first completed write),
-- old_leader_last_answer_ms (S1's last answer to `reader`).
local M = {}

function M.run(p)
  network { latency = "uniform:1ms,2ms", fifo = true }
  local peers = "S1,S2,S3"
  local timeouts = { S1 = "150ms,150ms", S2 = "155ms,156ms", S3 = "155ms,60s" }
  for _, name in ipairs { "S1", "S2", "S3" } do
    node(name, p.model, { peers = peers, election_timeout = timeouts[name], check_quorum = true,
                          read = p.read or "lease", clock_drift = p.clock_drift })
  end
  node("reader", "kv.raft", { servers = "S1", retry_after = "20ms", lincheck = true })
  node("writer", "kv.raft", { servers = peers, retry_after = "10ms", lincheck = true })
  workload("reader", { ops = { "read" }, keys = 1, think = "2ms", timeout = "100ms", stop = "2.5s" })
  workload("writer", { ops = { "write" }, keys = 1, think = "5ms", timeout = "500ms", start = "1.5s", stop = "2.5s" })

  local cut_at = 1.5
  at("1s", function()
    if p.clock == "fast" or p.clock == "slow_fast" then
      clock_drift("S2", p.fast)
      clock_drift("S3", p.fast)
    end
    if p.clock == "slow_fast" then clock_drift("S1", -p.slow) end
  end)
  at(cut_at .. "s", function()
    partition({ "S1", "reader" }, { "S2", "S3", "writer" })
    if p.clock == "jump" then clock_jump("S1", "-" .. p.jump) end
  end)

  -- stale_reads: `latest` is the largest value a completed write stored,
  -- and `floor[op]` what it was when read `op` was invoked.
  local latest, floor = nil, {}
  local stale, after_cut = 0, 0
  on("op", function(ev)
    local o = ev.op
    if ev.node == "writer" and o.type == "ok" and o.f == "write" then
      if latest == nil or o.value > latest then latest = o.value end
    elseif ev.node == "reader" and o.type == "invoke" then
      floor[o.id] = latest
    elseif ev.node == "reader" and o.type == "ok" then
      local f = floor[o.id]
      if f ~= nil and (o.value == nil or o.value < f) then stale = stale + 1 end
      if ev.time > cut_at then after_cut = after_cut + 1 end
      floor[o.id] = nil
    end
  end)
  local new_leader, led_at, wrote_at, answered_at = 0, nil, nil, nil
  on({ kind = "event", type = "raft_leader", node = "S2" }, function(ev)
    new_leader = 1
    led_at = led_at or ev.time
  end)
  on({ kind = "op", node = "writer" }, function(ev)
    if ev.op.type == "ok" and ev.time > cut_at then wrote_at = wrote_at or ev.time end
  end)
  on({ kind = "send", node = "S1", type = "Reply" }, function(ev) answered_at = ev.time end)
  at("2.9s", function()
    metric("stale_reads", stale)
    metric("new_leader", new_leader)
    metric("reads_after_partition", after_cut)
    local function ms(t) return t and math.floor((t - cut_at) * 1000 + 0.5) or -1 end
    metric("new_leader_ms", ms(led_at))
    metric("first_new_write_ms", ms(wrote_at))
    metric("old_leader_last_answer_ms", ms(answered_at))
  end)
end

return M
