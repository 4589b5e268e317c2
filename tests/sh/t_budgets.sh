# Every budget bounds the whole run (issue 10, points 6 and 7): events per
# run and per simulated instant, Lua instructions over the run, and one
# memory limit for the Lua heap and what the kernel holds. Each case ends
# with exit 2 and a message naming the budget and, where there is one, the
# script line; the old code ran on forever or grew past any limit. Limits
# are set small so every case takes well under a second.
. "$ROOT/tests/sh/lib.sh"

# ---- events ----

# A sleep(0) loop never lets time advance.
cat > sleep_loop.lua <<'EOF'
node("a", "echo.server")
timeline(function()
  while true do sleep(0) end
end)
EOF
expect_exit 2 fs run sleep_loop.lua --max-events-per-instant 10000
contains "$ERR" "sleep_loop.lua:3: a timeline's sleep() keeps scheduling events at t=0.000000000 s: more than 10000 events at one simulated instant"
contains "$ERR" "raise the limit with --max-events-per-instant"
[ -z "$OUT" ] || fail "sleep_loop printed a report"

# after(0) rescheduling itself from a callback: the line of after().
cat > after_loop.lua <<'EOF'
node("a", "echo.server")
local function again()
  after(0, again)
end
at("1s", again)
EOF
expect_exit 2 fs run after_loop.lua --max-events-per-instant 10000
contains "$ERR" "after_loop.lua:3: after() callback keeps scheduling events at t=1.000000000 s"

# every("1ns") advances time, so it is the per-run limit that ends it.
cat > every_ns.lua <<'EOF'
node("a", "echo.server")
every("1ns", function() end)
EOF
expect_exit 2 fs run every_ns.lua --max-events 20000
contains "$ERR" "every_ns.lua:2: every() callback: more than 20000 events in the run"
contains "$ERR" "raise the limit with --max-events"

# The prelude's nemesis reschedules from inside its own callbacks: the
# line named is the script's call that started it.
cat > nemesis_fast.lua <<'EOF'
node("a", "echo.server")
nemesis.crashes { nodes = { "a" }, mttf = "1ns", mttr = "1ns" }
EOF
expect_exit 2 fs run nemesis_fast.lua --max-events 20000
contains "$ERR" "nemesis_fast.lua:2: after() callback: more than 20000 events"

# A model re-arming a zero timer: the node and its model are named.
cat > timer_loop.lua <<'EOF'
node("spin", model { name = "lab.spin", init = function(self) self:timer(0, 1) end,
                     on_timer = function(self) self:timer(0, 1) end })
EOF
expect_exit 2 fs run timer_loop.lua --max-events-per-instant 10000
contains "$ERR" "a timer of node 'spin' (model lab.spin) keeps scheduling events"

# The defaults leave the shipped scenarios alone and are stated in --help.
fs run --help > help.txt
contains "$(cat help.txt)" "--max-events=N"
contains "$(cat help.txt)" "--max-events-per-instant=N"
contains "$(cat help.txt)" "--max-total-instructions=N"

# ---- Lua instructions over the run ----

# Each call is cheap, so the per-call budget never fires; the run's does.
cat > busy.lua <<'EOF'
node("a", "echo.server")
duration("100s")
every("1ms", function()
  local x = 0
  for i = 1, 100 do x = x + i end
end)
EOF
expect_exit 2 fs run busy.lua --max-total-instructions 1000000
contains "$ERR" "busy.lua:5: the run's instruction budget of 1000000 exceeded"
contains "$ERR" "raise the limit with --max-total-instructions"

# ---- memory: one limit for the Lua heap and the kernel ----

# One handler sending 10^6 messages (the outside test sent 2.5e7: 4.8 GiB).
cat > flood.lua <<'EOF'
node("sink", "echo.server")
node("src", model { name = "lab.flood", init = function(self)
  for i = 1, 1000000 do
    self:send("sink", "M", { i = i })
  end
end })
EOF
expect_exit 2 fs run flood.lua --mem-limit 64
contains "$ERR" "flood.lua:4: memory limit of 64 MiB exceeded:"
contains "$ERR" "MiB in queued messages"
contains "$ERR" "raise the limit with --mem-limit"

# A fan-out storm: every message received is sent on twice.
cat > storm.lua <<'EOF'
local names = {}
for i = 1, 4 do names[i] = "n" .. i end
local Storm = model { name = "lab.storm",
  init = function(self) if self.name == "n1" then self:broadcast(names, "GO", {}) end end,
  on_message = function(self, msg) self:broadcast({ names[1], names[2] }, "GO", {}) end }
for i = 1, 4 do node(names[i], Storm) end
EOF
expect_exit 2 fs run storm.lua --mem-limit 32
contains "$ERR" "storm.lua:5: memory limit of 32 MiB exceeded:"

# An open workload at 1e9 operations per second.
cat > open_fast.lua <<'EOF'
node("server", "echo.server")
clients { count = 1, model = "echo.client", params = { target = "server", interval = 0 },
          workload = { mode = "open", rate = 1e9, ops = { "ping" }, timeout = "1s" } }
EOF
expect_exit 2 fs run open_fast.lua --mem-limit 32
contains "$ERR" "memory limit of 32 MiB exceeded:"

# Unique emit types used to be interned process-wide, forever.
cat > names.lua <<'EOF'
node("a", model { name = "lab.namer", init = function(self)
  for i = 1, 10000000 do
    self:emit("type" .. i)
  end
end })
EOF
expect_exit 2 fs run names.lua --mem-limit 16
contains "$ERR" "names.lua:3: memory limit of 16 MiB exceeded:"
contains "$ERR" "MiB in names"

# The Lua heap and the kernel share the limit: 20 MiB of Lua strings plus
# 20 MiB of queued messages pass 32 MiB though neither does alone.
cat > shared.lua <<'EOF'
keep = {}
for i = 1, 20 do keep[i] = string.rep(string.char(64 + i), 1 << 20) end
node("sink", "echo.server")
node("src", model { name = "lab.half", init = function(self)
  for i = 1, 100000 do
    self:send("sink", "M", { i = i })
  end
end })
EOF
expect_exit 2 fs run shared.lua --mem-limit 32
contains "$ERR" "memory limit of 32 MiB exceeded:"
contains "$ERR" "MiB in the Lua heap"
expect_exit 0 fs run shared.lua --mem-limit 80

# The shared count lives in the Sim, which is freed before the Lua state:
# a finalizer allocating in lua_close must not read it. The sandbox now
# refuses __gc outright (tests/test_sandbox.c installs one through the C
# API to check lua_close under ASan); here the refusal is clean.
cat > gc_end.lua <<'EOF'
node("a", "echo.server")
keep = setmetatable({}, { __gc = function()
  local t = {}
  for i = 1, 100000 do t[i] = { i } end
end })
EOF
expect_exit 2 fs run gc_end.lua
contains "$ERR" "gc_end.lua:2: setmetatable(): a metatable with __gc is refused"

# ---- the flags on check and sweep, and their checks ----

mkdir -p one && cp "$ROOT/scenarios/echo.lua" one/
# (check's exit code for a scenario that could not run is its own matter:
# here only that it fails and says why.)
set +e
fs check one --max-events 100 > check.out 2>&1
rc=$?
set -e
[ "$rc" != 0 ] || fail "check passed with --max-events 100"
contains "$(cat check.out)" "more than 100 events in the run"
expect_exit 2 fs sweep one/echo.lua --param loss=0,0.1 --seeds 1 --max-events 100
contains "$ERR" "more than 100 events in the run"
expect_exit 2 fs run one/echo.lua --max-events 0
contains "$ERR" "--max-events must be at least 1"
expect_exit 2 fs run one/echo.lua --mem-limit 0
contains "$ERR" "--mem-limit must be 1..65536 MiB"
