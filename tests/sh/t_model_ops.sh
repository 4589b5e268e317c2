# Client models declare the operations they take (issue 10 #23): `faultsim
# models` lists them, a workload asking for another is refused before the
# run (the error corpus in tests/data/errors/ has the messages), and a Lua
# model's declared operations work as before.
. "$ROOT/tests/sh/lib.sh"
set -e
expect_exit 0 "$FAULTSIM" models
for pair in "lock.lease.client:acquire" "lock.redlock.client:acquire" "txn.client:txn" "echo.client:ping" \
            "kv.quorum.client:read, write" "kv.abd.client:read, write"; do
  model=${pair%%:*} ops=${pair#*:}
  block=$(printf '%s\n' "$OUT" | awk -v m="$model" '$0 == m { on = 1; next } on && /^[^ ]/ { on = 0 } on')
  contains "$block" "operations: $ops" "faultsim models, $model"
done
servers=$(printf '%s\n' "$OUT" | awk '$0 == "lock.lease.server" { on = 1; next } on && /^[^ ]/ { on = 0 } on')
lacks "$servers" "operations:" "faultsim models, lock.lease.server"
cat > ops_ok.lua <<'LUA'
scenario { duration = "1s" }
local M = model { name = "lab.pinger", ops = { "ping" },
                  on_invoke = function(self, op) self:complete(op.id, "ok") end }
node("c", M)
workload("c", { ops = { "ping" }, think = "100ms" })
expect { availability_min = 1 }
LUA
expect_exit 0 "$FAULTSIM" run ops_ok.lua --json
[ "$(printf '%s' "$OUT" | jq '.ops.ok')" -ge 5 ] || fail "a declared operation of a Lua model did not run"
