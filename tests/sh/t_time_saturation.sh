# Time sums saturate or are rejected (issue 10, point 4). Each script is a
# case outside testing found: under UBSan (make test SAN=1) the old code
# aborted on a signed overflow; without it the wrapped time made a
# callback fire at once or a timer fire at t = 0. An event whose time
# passes SIM_TIME_MAX never fires; a clock beyond ±100 years is an error.
. "$ROOT/tests/sh/lib.sh"

# Each script sets metric fired = 1 if the callback that must never run
# ran; the run itself must end normally (exit 0).
never_fires() {
  local name=$1
  # (timeout: the old code looped forever at one instant on every_late)
  expect_exit 0 timeout 60 "$FAULTSIM" run "$name.lua" --json
  [ "$(echo "$OUT" | jq -r '.metrics.fired // 0')" = 0 ] || fail "$name: the callback fired"
}

# after("9e9s") late in a run: 8e9 s + 9e9 s passes int64.
cat > after_late.lua <<'EOF'
duration("9e9s")
node("a", "echo.server")
at("8e9s", function() after("9e9s", function() metric("fired", 1) end) end)
EOF
never_fires after_late

# every() whose next period passes int64, and sleep() likewise.
cat > every_late.lua <<'EOF'
duration("9e9s")
node("a", "echo.server")
at("8e9s", function()
  every("9e9s", function() metric("fired", 1) end)
  timeline(function() sleep("9e9s"); metric("fired", 1) end)
end)
EOF
never_fires every_late

# A timer under -500000 ppm drift takes twice its local delay: 1.8e19 ns
# wrapped negative and fired at t = 0.
cat > drift_timer.lua <<'EOF'
node("a", model { name = "slow", init = function(self) self:timer("9e9s", 1) end,
                  on_timer = function(self) metric("fired", 1) end })
clock_drift("a", -500000)
EOF
never_fires drift_timer

# Latency draws near int64's edge, sent late in a run: an exponential
# with a 8e9 s floor overflowed in the draw, a lognormal tail (median
# 9e9 s, sigma 0.5) in now + latency; both made messages arrive at once.
for latency in "exp:9e9s,8e9s" "lognormal:9e9s,0.5"; do
  cat > latency_edge.lua <<EOF
duration("9e9s")
network { latency = "$latency" }
node("a", "echo.server")
node("b", model { name = "pinger", init = function(self) self:timer("8e9s", 1) end,
                  on_timer = function(self) for i = 1, 20 do self:send("a", "PING", { seq = i }) end end })
on("deliver", function() metric("fired", 1) end)
EOF
  never_fires latency_edge
done

# An operation timeout late in a run: now + timeout passes int64.
cat > timeout_late.lua <<'EOF'
duration("9e9s")
node("server", "echo.server")
clients { count = 1, model = "echo.client", params = { target = "server", interval = 0 },
          workload = { ops = { "ping" }, think = "1s", timeout = "9e9s", start = "8e9s", stop = "8.0000001e9s" } }
EOF
expect_exit 0 fs run timeout_late.lua --json
[ "$(echo "$OUT" | jq -r '.ops.invoked')" -ge 1 ] || fail "timeout_late: no operation invoked"

# pause() and crash_restart() far in the future: the resume and restart
# never come, the run ends normally.
cat > faults_late.lua <<'EOF'
duration("9e9s")
node("a", "echo.server")
node("b", "echo.server")
at("8e9s", function() pause("a", "9e9s"); crash_restart("b", "9e9s") end)
EOF
expect_exit 0 fs run faults_late.lua --json
[ "$(echo "$OUT" | jq -r '.nodes[1].mttr_s')" = null ] || fail "faults_late: b restarted"

# Rejected with exit 2 and the line: clock offsets beyond ±100 years.
cat > jumps.lua <<'EOF'
node("a", "echo.server")
clock_jump("a", "9e9s")
EOF
expect_exit 2 fs run jumps.lua
contains "$ERR" "jumps.lua:2: clock_jump(): the clock of 'a' would be more than 100 years off true time"
# A forged sleep(math.maxinteger) is refused before any sum (the raw
# yield is not sleep()).
cat > raw_sleep.lua <<'EOF'
node("a", "echo.server")
timeline(function() sleep("1s"); coroutine.yield("sleep", math.maxinteger) end)
EOF
expect_exit 2 fs run raw_sleep.lua
contains "$ERR" "raw_sleep.lua:2: a timeline may suspend only in sleep() or wait_for()"

# Models add durations to local clocks too: a 9e9 s TTL on servers whose
# clocks are 3e9 s ahead, and a 9e9 s delayed restart, saturate (UBSan
# reported lock_server.c's expiry sum before). The lock is still granted
# and held; nothing wraps into the past.
cat > lock_huge_ttl.lua <<'EOF2'
local names = {}
for i = 1, 3 do names[i] = node("r" .. i, "lock.redlock.server", { restart_delay = "9e9s" }) end
clients { count = 1, model = "lock.redlock.client",
  params = { servers = table.concat(names, ","), ttl = "9e9s", hold = "100ms", think = "1s", acquire_timeout = "3s" } }
for _, n in ipairs(names) do clock_offset(n, "3e9s") end
clock_offset("client1", "3e9s")
at("2s", function() crash_restart(names[1], "1s") end)
duration("5s")
EOF2
expect_exit 0 fs run lock_huge_ttl.lua --json
[ "$(echo "$OUT" | jq -r '.metrics.acquisitions')" -ge 1 ] || fail "lock_huge_ttl: never acquired"
