# tools/soak.sh (make soak) says what it is doing: one progress line per
# scenario and per long check on stderr as each finishes, with its number
# out of the total and its time, and a summary; the worst exit code wins
# (2, could not run, over 1, failed). Run here on a folder of tiny
# scenarios and pieces instead of the real ones.
source "$ROOT/tests/sh/lib.sh"
set -e
mkdir -p sc/sub sc/_private
tiny() { printf 'scenario { name = "%s", duration = "1s", seeds = 3 }\nnode("s", "echo.server")\nmetric("m", %s)\nexpect { metrics = { m = 1 } }\n' "$1" "$2" > "$3"; }
tiny pass 1 sc/pass.lua
tiny fail 0 sc/sub/fail.lua
tiny hidden 0 sc/_private/hidden.lua
tiny skipped 0 sc/_skipped.lua
printf '#!/bin/sh\necho piece ran\n' > ok_piece.sh
printf '#!/bin/sh\nexit 1\n' > bad_piece.sh

expect_exit 1 env SOAK_SCENARIOS="$PWD/sc" SOAK_PIECES="$PWD/ok_piece.sh $PWD/bad_piece.sh" SOAK_SEEDS=1-2 \
  "$ROOT/tools/soak.sh"
contains "$ERR" "soak: 2 scenarios over seeds 1-2"
contains "$ERR" "soak: [1/4] $PWD/sc/pass.lua"
contains "$ERR" "soak: [2/4] $PWD/sc/sub/fail.lua"
contains "$ERR" "FAILED, exit 1"
contains "$ERR" "soak: [3/4] $PWD/ok_piece.sh"
contains "$ERR" "soak: [4/4] $PWD/bad_piece.sh"
lacks "$ERR" "hidden.lua"
lacks "$ERR" "_skipped.lua"
# Every progress line carries a time in seconds and the time so far.
[ "$(grep -c '^soak: \[[1-4]/4\] .* [0-9]*s  .*so far)$' <<<"$ERR")" -eq 4 ] || fail "progress lines: $ERR"
contains "$OUT" "PASS  $PWD/sc/pass.lua"
contains "$OUT" "piece ran"
contains "$OUT" "soak: 2 of 4 parts passed in "

# A part that could not run (exit 2) makes the whole soak exit 2, even
# after or before a failure (exit 1).
printf '#!/bin/sh\nexit 2\n' > unrunnable_piece.sh
expect_exit 2 env SOAK_SCENARIOS="$PWD/sc" SOAK_PIECES="$PWD/unrunnable_piece.sh $PWD/bad_piece.sh" SOAK_SEEDS=1-1 \
  "$ROOT/tools/soak.sh"
contains "$ERR" "soak: [3/4] $PWD/unrunnable_piece.sh"
