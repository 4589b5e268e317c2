# The HDFS scenarios under each network fault of _network_faults.lua on its
# own and all combined, at seeds 1-2: their expect{} (no block lost with
# rack-aware placement, everything re-replicated by the end, reads return
# what was written, the pipeline recovers) must hold. Random placement
# under all faults must still lose blocks to the rack and nothing else.
. "$ROOT/tests/sh/lib.sh"
cd "$ROOT"
for fault in loss dup reorder delay all; do
  for sc in hdfs_rack_loss hdfs_rereplication hdfs_pipeline; do
    expect_exit 0 fs check --jobs 2 --seeds 1-2 --set "fault=$fault" "scenarios/$sc.lua"
    contains "$OUT" "held in 2/2" "$sc fault=$fault"
  done
done
expect_exit 0 fs check --jobs 2 --seeds 1-2 --set fault=all --set placement=random scenarios/hdfs_rack_loss.lua
contains "$OUT" "held in 2/2" "hdfs_rack_loss placement=random fault=all"
