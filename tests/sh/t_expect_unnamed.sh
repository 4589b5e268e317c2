# expect{} without `violations`: a violation of an invariant that expect{}
# does not name fails the run; naming it (or setting `violations`) is how a
# scenario says it expects the invariant to break.
source "$ROOT/tests/sh/lib.sh"
set -e
# scenario FILE EXPECT: an echo run whose invariant "broken" is violated
# once and whose invariant "fine" holds, with the given expect{} line.
scenario() {
  cat > "$1" <<LUA
scenario { name = "unnamed", duration = "1s" }
node("server", "echo.server")
clients { count = 1, model = "echo.client", params = { target = "server", interval = "100ms" } }
invariant("fine", function() return true end)
invariant("broken", function() return false, "planted" end)
metric("runs", 1)
$2
LUA
}
scenario metrics_only.lua 'expect { metrics = { runs = 1 } }'
expect_exit 1 fs run metrics_only.lua
contains "$OUT" "invariant broken = 1 (not named in expect{}: expected 0)"
lacks "$OUT" "invariant fine"

scenario availability_only.lua 'expect { availability_min = 0.5 }'
expect_exit 1 fs run availability_only.lua
contains "$OUT" "invariant broken = 1 (not named in expect{}"

scenario named.lua 'expect { invariants = { broken = 1 }, metrics = { runs = 1 } }'
expect_exit 0 fs run named.lua

scenario total.lua 'expect { violations = { min = 1 } }'
expect_exit 0 fs run total.lua

scenario other_named.lua 'expect { invariants = { fine = 0 } }'
expect_exit 1 fs run other_named.lua
contains "$OUT" "invariant broken = 1 (not named in expect{}"

# check reports the same failure and exits 1.
expect_exit 1 fs check metrics_only.lua
contains "$OUT" "invariant broken = 1 (not named in expect{}"

scenario no_expect.lua ''
expect_exit 1 fs run no_expect.lua
