# Seeds outside each scenario's own where the HDFS expectations once failed
# (issue: expectations failing on unshipped seeds). hdfs_pipeline with
# fault=loss, seed 17: the client's first WriteBlock of block 5 is lost, so
# no DataNode forwarded it at stamp 1 and nothing crashed; seed 23: the
# victim's stale copy is replaced by a re-replication to it instead of
# deleted. hdfs_rack_loss with fault=loss seed 30 and fault=all seed 17:
# lost pipeline messages fail 6 of 550 writes (availability 0.9891); seed
# 59 with loss: re-replication takes 124 s. Each must now hold.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
while read -r sc fault seed; do
  expect_exit 0 fs run "scenarios/$sc.lua" --seed "$seed" --set "fault=$fault"
  contains "$OUT" "verdict: every expectation held" "$sc fault=$fault seed $seed"
done <<'ROWS'
hdfs_pipeline loss 17
hdfs_pipeline loss 23
hdfs_pipeline all 23
hdfs_pipeline all 35
hdfs_rack_loss loss 30
hdfs_rack_loss loss 59
hdfs_rack_loss all 17
ROWS

# The duplication fault is `dup` in _network_faults.lua and `duplicate` in
# _kv_faults.lua: the scenarios on the first take both, as the same run.
for sc in hdfs_pipeline hdfs_rack_loss zk_recipe_faults; do
  expect_exit 0 fs run "scenarios/$sc.lua" --seed 1 --set fault=dup --json
  dup=$(jq -r .trace_digest <<<"$OUT")
  expect_exit 0 fs run "scenarios/$sc.lua" --seed 1 --set fault=duplicate --json
  [ "$(jq -r .trace_digest <<<"$OUT")" = "$dup" ] || fail "$sc: fault=duplicate is not the run of fault=dup"
  expect_exit 2 fs run "scenarios/$sc.lua" --seed 1 --set fault=dupe
  contains "$ERR" "scenarios/$sc.lua:" "$sc error"
  contains "$ERR" "dup (or duplicate)" "$sc error"
done
