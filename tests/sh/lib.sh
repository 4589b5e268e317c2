# Helpers for tests/sh/t_*.sh: sourced, not run. Each helper prints what
# went wrong and exits 1, so a test reads as a list of expectations.
set -u
fs() { "$FAULTSIM" "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE CMD...: runs CMD, keeping stdout in $OUT and stderr in $ERR.
expect_exit() {
  local want=$1; shift
  set +e
  "$@" >"$TMPDIR/.stdout" 2>"$TMPDIR/.stderr"
  local got=$?
  set -e
  OUT=$(cat "$TMPDIR/.stdout"); ERR=$(cat "$TMPDIR/.stderr")
  if [ "$got" != "$want" ]; then
    echo "command: $*" >&2
    echo "stdout: ${OUT:0:2000}" >&2
    echo "stderr: ${ERR:0:2000}" >&2
    fail "exit $got, expected $want"
  fi
}

# contains TEXT NEEDLE [what]
contains() {
  case "$1" in *"$2"*) ;; *) echo "in: ${1:0:3000}" >&2; fail "${3:-output} lacks '$2'";; esac
}
lacks() {
  case "$1" in *"$2"*) echo "in: ${1:0:3000}" >&2; fail "${3:-output} contains '$2'";; esac
}
