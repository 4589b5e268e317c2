# faultsim sweep at scale (issue 14): the cross product and ranges in the
# run file, -j1 against -j2, a run that fails recorded without stopping the
# sweep, resume after kill -9, shard + merge equal to the unsharded sweep
# (directly and through GNU parallel), and files of another sweep refused.
. "$ROOT/tests/sh/lib.sh"
S=$ROOT/scenarios
F=$FAULTSIM
cp "$S/echo.lua" echo.lua

# ---- the cross product, ranges, one JSON object per run ----
expect_exit 0 fs sweep echo.lua --param loss=0:0.02:0.01 --param downtime=1s,2s --seeds 2-3 --out x.jsonl --csv x.csv -q
[ "$(wc -l < x.jsonl)" = 12 ] || fail "3 x 2 points x 2 seeds should be 12 lines: $(wc -l < x.jsonl)"
got=$(jq -r '[.params.loss, .params.downtime, .seed, .point] | join(" ")' x.jsonl | tr '\n' ';')
want="0 1s 2 0;0 1s 3 0;0 2s 2 1;0 2s 3 1;0.01 1s 2 2;0.01 1s 3 2;0.01 2s 2 3;0.01 2s 3 3;0.02 1s 2 4;0.02 1s 3 4;0.02 2s 2 5;0.02 2s 3 5;"
[ "$got" = "$want" ] || fail "run order: $got"
jq -e 'select((.scenario == "echo.lua") and (.status == "held") and (.digest | length == 32)
        and (.availability > 0.5) and (.violations.pong_answers_ping == 0) and (.error == null)
        and (.first_violation == null) and (.metrics | type == "object"))' x.jsonl > /dev/null ||
  fail "a run record lacks a key: $(head -n 1 x.jsonl)"
[ "$(jq -s 'map(select(.status == "held")) | length' x.jsonl)" = 12 ] || fail "not every record is complete"
# The digest is the run's: faultsim run gives the same.
d=$(fs run echo.lua --seed 3 --set loss=0.01 --set downtime=2s --json | jq -r .trace_digest)
[ "$(jq -r 'select(.point == 3 and .seed == 3) | .digest' x.jsonl)" = "$d" ] || fail "digest differs from faultsim run"
[ "$(head -n 1 x.csv)" = param_loss,param_downtime,availability_mean,availability_se,availability_ci95_lo,availability_ci95_hi,availability_n,violated,errors ] ||
  fail "CSV header: $(head -n 1 x.csv)"
[ "$(wc -l < x.csv)" = 7 ] || fail "CSV rows: $(cat x.csv)"

# ---- -j1 and -j2 give the same file, table and CSV ----
fs sweep echo.lua --param loss=0,0.3 --seeds 12 -j 1 --out j1.jsonl --csv j1.csv -q > j1.txt
fs sweep echo.lua --param loss=0,0.3 --seeds 12 -j 2 --out j2.jsonl --csv j2.csv -q > j2.txt
cmp j1.jsonl j2.jsonl || fail "-j1 and -j2 wrote different run files"
cmp j1.csv j2.csv || fail "-j1 and -j2 wrote different CSVs"
cmp j1.txt j2.txt || fail "-j1 and -j2 printed different tables"

# ---- a run that fails is a record, not the end of the sweep ----
expect_exit 2 fs sweep echo.lua --param loss=2,0 --seeds 2 --out e.jsonl -q
[ "$(jq -r .status e.jsonl | tr '\n' ' ')" = "error error held held " ] || fail "statuses: $(cat e.jsonl)"
contains "$(jq -r 'select(.seed == 1 and .params.loss == "2") | .error' e.jsonl)" "echo.lua:14: 'loss' = 2 is out of range"
contains "$OUT" "loss=2: seed 1 error: echo.lua:14:"
contains "$OUT" "rerun: $F run echo.lua --seed 1 --set loss=2"
contains "$ERR" "2 of 4 runs could not run"
expect_exit 2 fs sweep echo.lua --param loss=0,0.1 --seeds 2 --max-events 100 --out b.jsonl -q
[ "$(jq -r .status b.jsonl | sort -u)" = error ] || fail "budget runs: $(cat b.jsonl)"
contains "$(head -n 1 b.jsonl)" "more than 100 events in the run"

# ---- resume after kill -9 ----
fs sweep echo.lua --param loss=0,0.05 --seeds 150 -j 2 --out full.jsonl --csv full.csv -q > full.txt
"$F" sweep echo.lua --param loss=0,0.05 --seeds 150 -j 1 --out part.jsonl -q > /dev/null &
pid=$!
for _ in $(seq 1 200); do
  [ -s part.jsonl ] && [ "$(wc -l < part.jsonl)" -ge 20 ] && break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
n=$(wc -l < part.jsonl)
[ "$n" -ge 20 ] && [ "$n" -lt 300 ] || fail "the sweep was not killed mid-run ($n of 300 lines)"
# Whole lines only, each a prefix line of the uninterrupted file.
[ -z "$(tail -c 1 part.jsonl)" ] || fail "kill -9 left an unfinished line"
cmp -n "$(wc -c < part.jsonl)" part.jsonl full.jsonl || fail "the killed sweep's lines differ from the full one's"
# A half-written line (a machine that died mid-write) is cut off too.
printf '{"scenario":"echo.lu' >> part.jsonl
expect_exit 0 fs sweep echo.lua --param loss=0,0.05 --seeds 150 -j 2 --out part.jsonl --csv part.csv --resume -q
contains "$ERR" "cut off an unfinished last line"
cmp part.jsonl full.jsonl || fail "resumed file differs from the uninterrupted one"
cmp part.csv full.csv || fail "resumed CSV differs"
[ "$OUT" = "$(cat full.txt)" ] || fail "resumed table differs"
# Resuming a finished sweep runs nothing and prints the same.
expect_exit 0 fs sweep echo.lua --param loss=0,0.05 --seeds 150 --out part.jsonl --resume -q
[ "$OUT" = "$(cat full.txt)" ] || fail "resuming a finished sweep changed the table"
# Another sweep's file is refused, naming the line, and left alone.
cp part.jsonl keep.jsonl
expect_exit 2 fs sweep echo.lua --param loss=0,0.1 --seeds 150 --out part.jsonl --resume -q
contains "$ERR" "part.jsonl:"
contains "$ERR" "a run of another sweep (other parameters)"
cmp part.jsonl keep.jsonl || fail "a refused resume changed the file"
expect_exit 2 fs sweep echo.lua --param loss=0 --seeds 1 --resume
contains "$ERR" "--resume needs --out"
expect_exit 2 fs sweep echo.lua --param loss=0 --seeds 1 --out echo.lua
contains "$ERR" "the same file as echo.lua"

# ---- shards and merge: the same summary as the unsharded sweep ----
for i in 1 2 3; do
  fs sweep echo.lua --param loss=0,0.05 --seeds 150 --shard $i/3 --out shard$i.jsonl -q > /dev/null
done
[ "$(cat shard1.jsonl shard2.jsonl shard3.jsonl | wc -l)" = 300 ] || fail "shards do not add up to 300 runs"
expect_exit 0 fs merge shard3.jsonl shard1.jsonl shard2.jsonl --csv merged.csv
[ "$OUT" = "$(cat full.txt)" ] || fail "merged table differs from the unsharded one"
cmp merged.csv full.csv || fail "merged CSV differs from the unsharded one"
expect_exit 2 fs merge shard1.jsonl shard1.jsonl
contains "$ERR" "comes twice or out of sweep order"
expect_exit 2 fs merge shard1.jsonl x.jsonl
contains "$ERR" "a run of another sweep"

# Through GNU parallel (Debian package parallel, installed by make deps).
command -v parallel > /dev/null || fail "GNU parallel is not installed (make deps installs the Debian package parallel)"
parallel --will-cite -j 2 "$F" sweep echo.lua --param loss=0,0.05 --seeds 150 --shard {}/4 --out p{}.jsonl -q \
  ::: 1 2 3 4 > /dev/null || fail "parallel sweep failed"
expect_exit 0 fs merge p1.jsonl p2.jsonl p3.jsonl p4.jsonl --csv p.csv
[ "$OUT" = "$(cat full.txt)" ] || fail "table merged from GNU parallel's shards differs"
cmp p.csv full.csv || fail "CSV merged from GNU parallel's shards differs"

# tools/sweep.sbatch as a Slurm array of 3 would run it (the variables
# Slurm sets), then merge: the unsharded summary again.
for i in 1 2 3; do
  (cd "$ROOT" && SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=3 SLURM_ARRAY_TASK_COUNT=3 \
     SLURM_CPUS_PER_TASK=2 FAULTSIM=$F tools/sweep.sbatch "$OLDPWD/slurm" "$OLDPWD/echo.lua" \
     --param loss=0,0.05 --seeds 150) || fail "tools/sweep.sbatch task $i failed"
done
expect_exit 0 fs merge slurm/shard-1.jsonl slurm/shard-2.jsonl slurm/shard-3.jsonl --csv s.csv
cmp s.csv full.csv || fail "CSV merged from the Slurm tasks differs"
