# Output files (issue 10, points 13-15): each output has a unique temporary
# created with O_EXCL in its folder; all are written and synced before the
# first rename, so one failing output leaves every existing file as it was;
# the same file twice, or the scenario itself, is refused before the run;
# a run killed with -9 leaves a temporary that the next run into the folder
# removes, while a live run's temporary is left alone.
. "$ROOT/tests/sh/lib.sh"
S=$ROOT/scenarios
F=$FAULTSIM
mkdir work && cd work   # the scratch folder also holds the harness's files
# Files in the folder other than the ones named (hidden ones included).
others() { ls -A | grep -vxF -e long.lua -e mine.lua "${@/#/-e}" || true; }

# --- the same file twice, or the input, is refused before the run -------
echo OLD > x.jsonl
mkdir d && ln -s d e && ln x.jsonl hard.jsonl
for pair in "x.jsonl x.jsonl" "x.jsonl ./x.jsonl" "x.jsonl d/../x.jsonl" "d/y.jsonl e/y.jsonl" \
            "x.jsonl hard.jsonl" "$PWD/x.jsonl x.jsonl"; do
  set -- $pair
  expect_exit 2 "$F" run "$S/echo.lua" --trace "$1" --history "$2"
  contains "$ERR" "faultsim run: --trace $1 and --history $2 are the same file"
  lacks "$OUT" "scenario echo" "stdout (nothing may run)"
done
expect_exit 2 "$F" run "$S/echo.lua" --trace a.jsonl --csv ./a.jsonl
contains "$ERR" "--trace a.jsonl and --csv ./a.jsonl are the same file"
[ "$(cat x.jsonl)" = OLD ] || fail "x.jsonl was changed"
[ -z "$(others x.jsonl hard.jsonl d e)" ] || fail "left behind: $(others x.jsonl hard.jsonl d e)"
cp "$S/echo.lua" mine.lua
expect_exit 2 "$F" run mine.lua --history ./mine.lua
contains "$ERR" "--history ./mine.lua would overwrite the input mine.lua"
expect_exit 2 "$F" sweep mine.lua --param loss=0 --seeds 1 --csv mine.lua
contains "$ERR" "--csv mine.lua would overwrite the input mine.lua"
cmp -s mine.lua "$S/echo.lua" || fail "the scenario was overwritten"
# A character device may be named twice: nothing mixes in /dev/null.
expect_exit 0 "$F" run "$S/echo.lua" --trace /dev/null --history /dev/null --csv /dev/null
rm -rf x.jsonl hard.jsonl d e
# /dev/stdout is written through, never replaced by a renamed temporary,
# and with stdout redirected to a file the report follows the history.
"$F" run "$S/echo.lua" --history /dev/stdout >out.txt || fail "run --history /dev/stdout"
[ -L /dev/stdout ] || fail "/dev/stdout is no longer a symlink"
[ "$(grep -c '^{"index":' out.txt)" = 1829 ] || fail "out.txt lacks the 1829 history lines"
[ "$(head -c 10 out.txt)" = '{"index":0' ] && tail -n 1 out.txt | grep -q "verdict:" || fail "out.txt is mixed up"
[ "$("$F" run "$S/echo.lua" --trace >(cat >/dev/null) --history /dev/stdout | grep -c '^{"index":')" = 1829 ] ||
  fail "history through a pipe"
rm -f out.txt

# --- a symlink planted where a temporary could go is never followed ------
echo victim > victim
ln -s victim t.jsonl.tmp
expect_exit 0 "$F" run "$S/echo.lua" --trace t.jsonl
[ "$(cat victim)" = victim ] || fail "the run wrote through a planted symlink"
[ -f t.jsonl ] && [ ! -L t.jsonl ] || fail "t.jsonl is not a regular file"
[ "$(head -c 1 t.jsonl)" = "{" ] || fail "t.jsonl does not hold the trace"
rm -f victim t.jsonl.tmp t.jsonl
# Outputs get the usual 0666 less the umask, like any file the user makes.
(umask 027 && "$F" run "$S/echo.lua" --history p.jsonl >/dev/null) || fail "run --history p.jsonl"
[ "$(stat -c %a p.jsonl)" = 640 ] || fail "mode $(stat -c %a p.jsonl), expected 640 under umask 027"
rm -f p.jsonl

# --- one output failing (a full device) leaves the others untouched ------
echo OLD-T > t.jsonl
echo OLD-C > c.csv
expect_exit 2 "$F" run "$S/echo.lua" --trace t.jsonl --history /dev/full --csv c.csv
contains "$ERR" "faultsim run: --history /dev/full: writing failed: No space left on device"
[ "$(cat t.jsonl)" = OLD-T ] || fail "the trace was replaced although the history failed"
[ "$(cat c.csv)" = OLD-C ] || fail "the CSV was replaced although the history failed"
[ -z "$(others t.jsonl c.csv)" ] || fail "left behind: $(others t.jsonl c.csv)"
# The same on a real full filesystem, when a user namespace lets us mount a
# small tmpfs: the history (~150 KB) cannot fit in 16 KB.
if unshare -rm true 2>/dev/null; then
  mkdir small
  unshare -rm sh -c '
    mount -t tmpfs -o size=16k tmpfs small || exit 9
    echo OLD-H > small/h.jsonl
    "$1" run "$2/echo.lua" --trace t.jsonl --history small/h.jsonl >/dev/null 2>err; echo $? >rc
    [ "$(cat small/h.jsonl)" = OLD-H ] && [ "$(ls -A small)" = h.jsonl ] && echo intact >state
    true' sh "$F" "$S" 2>/dev/null
  [ "$(cat rc)" = 2 ] || fail "run onto a full tmpfs: exit $(cat rc), expected 2: $(cat err)"
  [ "$(cat t.jsonl)" = OLD-T ] || fail "the trace was replaced although the history did not fit"
  grep -q -- "--history small/h.jsonl: writing failed: No space left on device" err || fail "stderr: $(cat err)"
  [ "$(cat state 2>/dev/null)" = intact ] || fail "the full tmpfs was changed or holds a temporary"
  rm -rf small rc err state
else
  echo "note: no user namespaces here; the tmpfs case did not run (the /dev/full case did)"
fi
rm -f t.jsonl c.csv

# sweep --csv: an unknown metric writes no CSV; a run that fails is
# counted in the CSV's errors column (issue 14: it does not stop the
# sweep), and the exit status is still 2.
echo OLD-Q > q.csv
expect_exit 2 "$F" sweep "$S/echo.lua" --param loss=0 --seeds 1 --metric nosuch --csv q.csv
[ "$(cat q.csv)" = OLD-Q ] || fail "sweep replaced q.csv although it failed"
expect_exit 2 "$F" sweep "$S/echo.lua" --param loss=0,2 --seeds 1 --csv q.csv
contains "$ERR" "1 of 2 runs could not run; the first: loss=2, seed 1:"
[ "$(tail -n 1 q.csv)" = "2,,,,,0,0,1" ] || fail "q.csv: $(cat q.csv)"
expect_exit 0 "$F" sweep "$S/echo.lua" --param loss=0 --seeds 1 --csv q.csv
contains "$(cat q.csv)" "param_loss,availability_mean,availability_se" "q.csv"
[ -z "$(others q.csv)" ] || fail "left behind: $(others q.csv)"
rm -f q.csv

# --- kill -9: the next run into the folder removes what it left ----------
# A run that spins in Lua, writing almost nothing, until it is killed.
cat > long.lua <<'L'
scenario { name = "long", duration = "10s" }
node("server", "echo.server")
at("1s", function() local x = 0 while true do x = x + 1 end end)
L
# start_long NAME: starts the long run writing --trace NAME; sets $pid and,
# once it exists, $tmp (the run's temporary: whatever file appeared).
start_long() {
  local before; before=$(ls -A)
  "$F" run long.lua --max-instructions 1000000000000 --trace "$1" >/dev/null 2>&1 &
  pid=$!
  tmp=
  for _ in $(seq 200); do
    tmp=$(ls -A | grep -vxF "$(printf '%s\n' $before)" | head -n 1 || true)
    [ -n "$tmp" ] && return 0
    sleep 0.05
  done
  kill -9 "$pid"; fail "no temporary appeared for --trace $1"
}
start_long k.jsonl
killed=$tmp
case "$killed" in .k.jsonl.$pid-??????.faultsim-tmp) ;; *) fail "temporary '$killed' is not .k.jsonl.$pid-XXXXXX.faultsim-tmp";; esac
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
[ -e "$killed" ] || fail "precondition: kill -9 should leave $killed"
start_long live.jsonl
live=$tmp live_pid=$pid
expect_exit 0 "$F" run "$S/echo.lua" --history h.jsonl
[ ! -e "$killed" ] || fail "the next run did not remove the stale $killed"
[ -e "$live" ] || { kill -9 "$live_pid"; fail "the next run removed the live run's $live"; }
kill -9 "$live_pid"; wait "$live_pid" 2>/dev/null || true
expect_exit 0 "$F" run "$S/echo.lua" --history h.jsonl
[ -z "$(others h.jsonl)" ] || fail "left behind: $(others h.jsonl)"
