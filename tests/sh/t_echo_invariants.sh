# scenarios/echo.lua's invariants have teeth: the shipped scenario holds,
# and the same scenario with a planted bug fails naming the invariant — a
# server that echoes the wrong seq breaks pong_answers_ping, a client that
# reports ok without waiting for its PONG breaks ok_needs_pong.
source "$ROOT/tests/sh/lib.sh"
set -e
expect_exit 0 fs run "$ROOT/scenarios/echo.lua"
contains "$OUT" "ok   pong_answers_ping            0 violations"
contains "$OUT" "ok   ok_needs_pong                0 violations"

# plant FILE.lua LINE_MATCH REPLACEMENT: echo.lua with one line replaced.
plant() {
  grep -qF "$2" "$ROOT/scenarios/echo.lua" || fail "echo.lua no longer has the line '$2': update this test"
  awk -v old="$2" -v new="$3" 'index($0, old) == 1 { print new; next } { print }' \
    "$ROOT/scenarios/echo.lua" > "$1"
}

plant wrong_seq.lua 'node("server", "echo.server")' '
local WrongSeq = model { name = "bug.echo_wrong_seq",
  on_message = function(self, msg)
    if msg.type == "PING" then self:send(msg.src, "PONG", { seq = msg.seq + 1 }) end
  end }
node("server", WrongSeq)'
expect_exit 1 fs run wrong_seq.lua
contains "$OUT" "FAIL pong_answers_ping"
contains "$OUT" "got PONG seq"

plant eager_ok.lua '  count = 3, model = "echo.client",' '
  count = 3, model = model { name = "bug.echo_eager_ok", params = { target = "server", interval = 0 },
    on_invoke = function(self, op)
      self:send("server", "PING", { seq = op.id })
      self:complete(op.id, "ok", 0)
    end },'
expect_exit 1 fs run eager_ok.lua
contains "$OUT" "FAIL ok_needs_pong"
lacks "$OUT" "FAIL pong_answers_ping"
