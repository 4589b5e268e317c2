-- Raft election time after a leader crash: the experiment of the Raft
-- paper's §9.3 and Figure 16 (Ongaro and Ousterhout, "In Search of an
-- Understandable Consensus Algorithm", USENIX ATC 2014; thesis §9.3), for
-- issue 12, scenario 1.
--
-- Five servers; the leader is crashed `trials` times in one run. Each
-- trial waits for a settled cluster (every server up, a leader for a
-- second), waits a uniformly random part of one heartbeat interval (the
-- paper crashed its leader "uniformly randomly within its heartbeat
-- interval", which was half the minimum election timeout: heartbeat =
-- "auto" is that half), crashes the leader and measures the time until
-- some server emits `raft_leader` for a later term. The crashed server
-- restarts as soon as the new leader is known, so every trial starts
-- from five servers. No client: every log is the same.
--
-- Links: `latency` each way (default uniform:5ms,10ms: a vote round trip
-- of 10-20 ms, like the paper's "broadcast time of roughly 15ms"), in send
-- order (FIFO, like the TCP connections Raft implementations use).
-- `horizon` bounds the run (a range with no randomness may never elect).
--
-- Measured per run: election_ms (a series: one sample per trial, reported
-- as percentiles), and as metrics trials, elect_mean_ms, elect_p50_ms,
-- elect_p99_ms, elect_min_ms, elect_max_ms; split_votes, the terms that
-- elected no leader (the new leader's term minus the crashed one's minus
-- one, summed over trials: with every log equal and no message lost, a
-- term elects no one only when its votes split), and trials_split, the
-- trials that had at least one.
--
-- The expectation (for 150-300 ms, heartbeat "auto" and the default
-- latency; docs/raft.md derives the numbers). L = 150 ms, U = 300 ms,
-- heartbeat h = 75 ms, one-way delay d in [5, 10] ms. The first of the
-- four live followers times out the minimum of four uniform timeouts
-- after the last heartbeat reached it, which was sent a uniform part of h
-- before the crash; then one vote round trip (two of the three other live
-- servers must answer). Without a split vote:
--   * mean = L + (U - L)/5 - h/2 + d + RTT = 180 - 37.5 + 7.5 + 15 = 165
--     ms, median 163 ms (the convolution, docs/measure/raft_election.sh),
--     plus the split votes' share (~4% of trials, another timeout each,
--     ~8 ms): elect_mean_ms in [155, 195], elect_p50_ms in [150, 185]
--     (the mean of 200 trials has a standard deviation of ~4 ms);
--   * nothing faster than L - h + 3 x 5 ms = 90 ms: elect_min_ms >= 85;
--   * nothing slower than U + 3 x 10 ms = 330 ms, and a trial with one
--     split vote takes at most another U + 2 x 10 ms: 650 ms. The p99 of
--     200 trials is the third longest; it passes 650 ms only if three
--     trials split twice (each about 1 in 600): elect_p99_ms <= 650;
--   * split_votes <= 30 (15% of trials; ~8 expected): timeouts that did
--     not differ from server to server would split far more often.
-- Other ranges (--set timeout_range=150ms,155ms) have no expectation but
-- the count of trials: tools/plot-election.sh draws them as the paper's
-- Figure 16.
scenario { name = "raft_election_time", seeds = 2 }

local p = params { timeout_range = "150ms,300ms", heartbeat = "auto", trials = 200,
                   latency = "uniform:5ms,10ms", horizon = "4h" }
duration(p.horizon)

-- "150ms,300ms" -> 150, 300 (milliseconds, numbers)
local function range_ms(text)
  local lo, hi = text:match("^%s*([%d%.]+)ms%s*,%s*([%d%.]+)ms%s*$")
  lo, hi = tonumber(lo), tonumber(hi)
  if not lo or not hi or hi < lo then error("timeout_range must be 'LOms,HIms', not '" .. text .. "'") end
  return lo, hi
end
local lo_ms, hi_ms = range_ms(p.timeout_range)
local hb_ms = p.heartbeat == "auto" and lo_ms / 2 or nil
if not hb_ms then
  hb_ms = tonumber(p.heartbeat:match("^([%d%.]+)ms$"))
  if not hb_ms then error("heartbeat must be 'auto' or 'Nms', not '" .. p.heartbeat .. "'") end
end

network { latency = p.latency, fifo = true }
local raft = include("_raft.lua")
raft.servers(raft.names(5), "raft", { election_timeout = p.timeout_range, heartbeat = hb_ms .. "ms" })

-- The latest leader announced, by term.
local leader, leader_term = nil, 0
on({ kind = "event", type = "raft_leader" }, function(ev)
  if ev.msg.term > leader_term then leader, leader_term = ev.node, ev.msg.term end
end)

local times, splits, trials_split = {}, 0, 0
local phase = rng("crash_phase")
timeline(function()
  for _ = 1, p.trials do
    while leader == nil or state(leader) ~= "up" do sleep("100ms") end
    sleep("1s")
    sleep(phase:random() * hb_ms / 1000)
    local victim, old_term = leader, leader_term
    if state(victim) ~= "up" then error("the leader went down by itself") end
    crash(victim)
    local t0 = now()
    local ev = wait_for({ kind = "event", type = "raft_leader", where = function(e) return e.msg.term > old_term end })
    local ms = (now() - t0) * 1000
    times[#times + 1] = ms
    sample("election_ms", ms)
    local extra = ev.msg.term - old_term - 1
    splits = splits + extra
    if extra > 0 then trials_split = trials_split + 1 end
    restart(victim)
  end
  stop()
end)

-- The q-quantile of sorted values (nearest rank).
local function quantile(sorted, q)
  local i = math.max(1, math.ceil(q * #sorted))
  return sorted[i]
end

invariant("measured", function()
  if #times == 0 then return false, "no trial finished" end
  local sorted = {}
  local sum = 0
  for i, v in ipairs(times) do sorted[i] = v; sum = sum + v end
  table.sort(sorted)
  metric("trials", #times)
  metric("elect_mean_ms", sum / #times)
  metric("elect_p50_ms", quantile(sorted, 0.5))
  metric("elect_p99_ms", quantile(sorted, 0.99))
  metric("elect_min_ms", sorted[1])
  metric("elect_max_ms", sorted[#sorted])
  metric("split_votes", splits)
  metric("trials_split", trials_split)
  return true
end)

local expected = { trials = p.trials }
if lo_ms == 150 and hi_ms == 300 and p.heartbeat == "auto" and p.latency == "uniform:5ms,10ms" then
  expected.elect_min_ms = { min = 85 }
  expected.elect_p50_ms = { min = 150, max = 185 }
  expected.elect_mean_ms = { min = 155, max = 195 }
  expected.elect_p99_ms = { max = 650 }
  expected.split_votes = { max = 30 }
end
expect { violations = 0, metrics = expected }
